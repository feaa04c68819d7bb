//! DaemonSets: one pod per eligible node, following nodes as they come and go,
//! respecting node selectors and taints, replacing failed pods, rolling updates.

use kubesim::Simulation;
use kubesim::model::Object;
use kubesim::model::daemon_set::DaemonSet;
use kubesim::model::node::Node;
use kubesim::model::pod::Pod;
use kubesim_tests::batchnodes::*;

fn agent(extra_spec: &str) -> String {
    format!(
        r#"
apiVersion: apps/v1
kind: DaemonSet
metadata: {{ name: agent }}
spec:
  selector: {{ matchLabels: {{ app: agent }} }}
  template:
    metadata: {{ labels: {{ app: agent }} }}
    spec:
{extra_spec}
      containers: [{{ name: agent, image: agent:1 }}]
"#
    )
}

/// (target node, pod name) of the DaemonSet's live pods, by node.
fn placement(simulation: &Simulation) -> Vec<(String, String)> {
    let mut pods: Vec<(String, String)> = pods_labelled(simulation, "default", "app", "agent")
        .into_iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .map(|p| {
            let node = p
                .spec
                .as_ref()
                .unwrap()
                .affinity
                .as_ref()
                .unwrap()
                .node_affinity
                .as_ref()
                .unwrap()
                .required_during_scheduling_ignored_during_execution
                .as_ref()
                .unwrap()
                .node_selector_terms
                .as_ref()
                .unwrap()[0]
                .match_fields
                .as_ref()
                .unwrap()[0]
                .values
                .as_ref()
                .unwrap()[0]
                .clone();
            (node, p.metadata.name().to_string())
        })
        .collect();
    pods.sort();
    pods
}

fn nodes_of(simulation: &Simulation) -> Vec<String> {
    placement(simulation)
        .into_iter()
        .map(|(node, _)| node)
        .collect()
}

fn status(simulation: &Simulation) -> (i32, i32, i32, i32) {
    let ds: DaemonSet = get(simulation, "default", "agent").unwrap();
    let s = ds.status.unwrap_or_default();
    (
        s.desired_number_scheduled.unwrap_or(0),
        s.current_number_scheduled.unwrap_or(0),
        s.number_ready.unwrap_or(0),
        s.updated_number_scheduled.unwrap_or(0),
    )
}

fn add_node(simulation: &mut Simulation, name: &str, labels: &str) {
    create(
        simulation,
        &format!(
            "apiVersion: v1\nkind: Node\nmetadata: {{ name: {name}, labels: {{ {labels} }} }}\n"
        ),
    );
    settle(simulation);
}

/// Plays scheduler and kubelet: every pending daemon pod is bound and becomes ready.
fn run_all(simulation: &mut Simulation) {
    for (node, name) in placement(simulation) {
        let pod: Pod = get(simulation, "default", &name).unwrap();
        if pod.node_name().is_empty() {
            bind(simulation, "default", &name, &node);
        }
        if !pod.is_ready() {
            run(simulation, "default", &name, "10.244.1.2", true);
        }
    }
    settle(simulation);
}

#[test]
fn one_pod_per_worker_pinned_by_node_affinity_and_the_tainted_control_plane_skipped() {
    let mut simulation = cluster();
    create(&mut simulation, &agent(""));
    settle(&mut simulation);
    assert_eq!(
        nodes_of(&simulation),
        vec!["worker-1", "worker-2", "worker-3"]
    );
    assert_eq!(status(&simulation), (3, 3, 0, 3));
    // Every pod tolerates node problems forever and carries the revision hash.
    let pod: Pod = get(&simulation, "default", &placement(&simulation)[0].1).unwrap();
    let tolerations = pod.spec.as_ref().unwrap().tolerations.clone().unwrap();
    assert!(tolerations.iter().any(
        |t| t.key.as_deref() == Some("node.kubernetes.io/unreachable")
            && t.toleration_seconds.is_none()
    ));
    let hash = pod
        .metadata
        .label("controller-revision-hash")
        .expect("revision hash label")
        .to_string();
    let revision = simulation
        .api()
        .get_ref(
            kubesim::model::registry::lookup_kind_name("ControllerRevision").unwrap(),
            "default",
            &format!("agent-{hash}"),
        )
        .expect("the current ControllerRevision");
    assert_eq!(
        revision.metadata().label("controller-revision-hash"),
        Some(hash.as_str())
    );
    run_all(&mut simulation);
    assert_eq!(status(&simulation), (3, 3, 3, 3));
    let events = events_about(&simulation, "agent");
    assert_eq!(
        events.iter().filter(|e| e.0 == "SuccessfulCreate").count(),
        3
    );

    // A DaemonSet that tolerates the control-plane taint runs there too.
    create(
        &mut simulation,
        r#"
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: everywhere }
spec:
  selector: { matchLabels: { app: everywhere } }
  template:
    metadata: { labels: { app: everywhere } }
    spec:
      tolerations: [{ key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule }]
      containers: [{ name: agent, image: agent:1 }]
"#,
    );
    settle(&mut simulation);
    assert_eq!(
        pods_labelled(&simulation, "default", "app", "everywhere").len(),
        4
    );
}

#[test]
fn a_daemon_set_follows_nodes_coming_and_going() {
    let mut simulation = cluster();
    create(&mut simulation, &agent(""));
    settle(&mut simulation);
    add_node(&mut simulation, "worker-4", "");
    assert_eq!(
        nodes_of(&simulation),
        vec!["worker-1", "worker-2", "worker-3", "worker-4"]
    );
    assert_eq!(status(&simulation).0, 4);
    // The agent of worker-4 was never bound here (no scheduler plays its part), so
    // the DaemonSet controller deletes it itself (getUnscheduledPodsWithoutNode).
    delete(&mut simulation, "Node", "", "worker-4");
    settle(&mut simulation);
    assert_eq!(
        nodes_of(&simulation),
        vec!["worker-1", "worker-2", "worker-3"]
    );
    assert_eq!(status(&simulation).0, 3);
}

#[test]
fn a_node_selector_picks_the_nodes_and_relabelling_moves_pods() {
    let mut simulation = cluster();
    create(&mut simulation, &agent("      nodeSelector: { disk: ssd }"));
    settle(&mut simulation);
    assert!(nodes_of(&simulation).is_empty());
    let label = |simulation: &mut Simulation, node: &str, value: Option<&str>| {
        let mut object: Node = get(simulation, "", node).unwrap();
        match value {
            Some(value) => object.metadata.set_label("disk", value),
            None => {
                object.metadata.labels.as_mut().unwrap().remove("disk");
            }
        }
        simulation
            .api_mut()
            .update(Object::Node(Box::new(object)))
            .unwrap();
        settle(simulation);
    };
    label(&mut simulation, "worker-2", Some("ssd"));
    assert_eq!(nodes_of(&simulation), vec!["worker-2"]);
    label(&mut simulation, "worker-2", Some("hdd"));
    assert!(
        nodes_of(&simulation).is_empty(),
        "the pod leaves a node that no longer matches"
    );
}

#[test]
fn taints_keep_new_pods_off_and_no_execute_taints_remove_them() {
    let mut simulation = cluster();
    create(&mut simulation, &agent(""));
    settle(&mut simulation);
    let taint = |simulation: &mut Simulation, node: &str, effect: &str| {
        let mut object: Node = get(simulation, "", node).unwrap();
        object.spec.get_or_insert_with(Default::default).taints =
            Some(vec![kubesim::model::node::Taint {
                key: Some("dedicated".to_string()),
                effect: Some(effect.to_string()),
                ..Default::default()
            }]);
        simulation
            .api_mut()
            .update(Object::Node(Box::new(object)))
            .unwrap();
        settle(simulation);
    };
    taint(&mut simulation, "worker-1", "NoSchedule");
    assert_eq!(
        nodes_of(&simulation),
        vec!["worker-1", "worker-2", "worker-3"],
        "a running pod stays"
    );
    assert_eq!(
        status(&simulation).0,
        2,
        "but worker-1 is no longer desired"
    );
    taint(&mut simulation, "worker-1", "NoExecute");
    assert_eq!(nodes_of(&simulation), vec!["worker-2", "worker-3"]);
    // A cordoned node still runs its daemon pod.
    let mut node: Node = get(&simulation, "", "worker-2").unwrap();
    node.spec.get_or_insert_with(Default::default).unschedulable = Some(true);
    simulation
        .api_mut()
        .update(Object::Node(Box::new(node)))
        .unwrap();
    settle(&mut simulation);
    assert_eq!(nodes_of(&simulation), vec!["worker-2", "worker-3"]);
}

#[test]
fn a_failed_daemon_pod_is_replaced_with_an_event() {
    let mut simulation = cluster();
    create(&mut simulation, &agent(""));
    settle(&mut simulation);
    run_all(&mut simulation);
    let (node, name) = placement(&simulation)[0].clone();
    finish(&mut simulation, "default", &name, "Failed");
    settle(&mut simulation);
    assert!(events_about(&simulation, "agent").contains(&(
        "FailedDaemonPod".to_string(),
        format!("Found failed daemon pod default/{name} on node {node}, will try to kill it")
    )));
    assert!(
        get::<Pod>(&simulation, "default", &name).is_none(),
        "a failed pod is deleted at once"
    );
    let replacement = placement(&simulation)
        .into_iter()
        .find(|(n, _)| *n == node)
        .expect("a replacement on the same node");
    assert_ne!(replacement.1, name);
}

#[test]
fn a_rolling_update_replaces_one_node_at_a_time() {
    let mut simulation = cluster();
    create(&mut simulation, &agent(""));
    settle(&mut simulation);
    run_all(&mut simulation);
    let old_hash = get::<Pod>(&simulation, "default", &placement(&simulation)[0].1)
        .unwrap()
        .metadata
        .label("controller-revision-hash")
        .unwrap()
        .to_string();
    let mut ds: DaemonSet = get(&simulation, "default", "agent").unwrap();
    ds.spec
        .as_mut()
        .unwrap()
        .template
        .as_mut()
        .unwrap()
        .spec
        .as_mut()
        .unwrap()
        .make_mut()
        .containers
        .as_mut()
        .unwrap()[0]
        .image = Some("agent:2".to_string());
    simulation
        .api_mut()
        .update(Object::DaemonSet(Box::new(ds)))
        .unwrap();
    settle(&mut simulation);
    let mut rounds = 0;
    loop {
        let pods: Vec<Pod> = pods_labelled(&simulation, "default", "app", "agent");
        let terminating = pods
            .iter()
            .filter(|p| p.metadata.deletion_timestamp.is_some())
            .count();
        let old_live = pods
            .iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .filter(|p| p.metadata.label("controller-revision-hash") == Some(old_hash.as_str()))
            .count();
        assert!(terminating <= 1, "maxUnavailable 1: one node at a time");
        if old_live == 0 && terminating == 0 {
            break;
        }
        // The kubelet lets the old pod go; the new one starts and becomes ready.
        for pod in pods
            .iter()
            .filter(|p| p.metadata.deletion_timestamp.is_some())
        {
            remove_pod(&mut simulation, "default", pod.metadata.name());
        }
        settle(&mut simulation);
        run_all(&mut simulation);
        rounds += 1;
        assert!(rounds <= 5);
    }
    assert_eq!(rounds, 3, "three nodes, one at a time");
    assert_eq!(status(&simulation), (3, 3, 3, 3));
    let images: Vec<String> = pods_labelled(&simulation, "default", "app", "agent")
        .iter()
        .map(|p| {
            p.spec.as_ref().unwrap().containers.as_ref().unwrap()[0]
                .image
                .clone()
                .unwrap()
        })
        .collect();
    assert!(images.iter().all(|i| i == "agent:2"));
    let revisions = simulation
        .api()
        .list(
            kubesim::model::registry::lookup_kind_name("ControllerRevision").unwrap(),
            Some("default"),
        )
        .count();
    assert_eq!(revisions, 2, "the old revision is kept in history");
}

/// The same story with the real scheduler and kubelets: a node that joins through
/// `Simulation::add_node` gets a Running agent, and after `kubectl delete node` the
/// pod garbage collector force-deletes its agent once the node has been gone 40 s.
#[test]
fn with_kubelets_a_daemon_set_runs_on_a_joining_node_and_leaves_a_deleted_one() {
    use kubesim_tests::node::{kubectl, live_pods_by_node, wait_seconds};
    let mut simulation = kubesim_tests::node::cluster();
    create(&mut simulation, &agent(""));
    wait_seconds(&mut simulation, 30);
    let running = |node: &str| (node.to_string(), "Running".to_string(), true);
    assert_eq!(
        live_pods_by_node(&simulation, "default", "app", "agent"),
        vec![
            running("worker-1"),
            running("worker-2"),
            running("worker-3")
        ]
    );

    simulation
        .add_node(kubesim::NodeConfig::worker("worker-4"))
        .unwrap();
    wait_seconds(&mut simulation, 30);
    assert_eq!(
        live_pods_by_node(&simulation, "default", "app", "agent"),
        vec![
            running("worker-1"),
            running("worker-2"),
            running("worker-3"),
            running("worker-4")
        ]
    );
    assert_eq!(status(&simulation), (4, 4, 4, 4));

    assert_eq!(
        kubectl(&mut simulation, "kubectl delete node worker-4"),
        "node \"worker-4\" deleted\n"
    );
    let on_nodes = |simulation: &Simulation| -> Vec<String> {
        pods_labelled(simulation, "default", "app", "agent")
            .iter()
            .map(|p| p.node_name().to_string())
            .collect()
    };
    // The DaemonSet no longer counts the node at once; its pod waits out PodGC's quarantine.
    wait_seconds(&mut simulation, 30);
    assert_eq!(status(&simulation), (3, 3, 3, 3));
    assert_eq!(on_nodes(&simulation).len(), 4);
    wait_seconds(&mut simulation, 15);
    assert_eq!(
        on_nodes(&simulation),
        vec!["worker-1", "worker-2", "worker-3"]
    );
}
