//! Node failure and cordon: the node lifecycle controller marks a silent node
//! Unknown, taints it, and marks its pods not ready; a cordon adds the
//! unschedulable taint.

use kubesim::model::pod::Pod;
use kubesim_tests::batchnodes::*;

const WORKERS: [&str; 3] = ["worker-1", "worker-2", "worker-3"];

/// The default simulation runs the node lifecycle controller.
fn cluster_with_node_controller() -> kubesim::Simulation {
    let mut simulation = cluster();
    settle(&mut simulation);
    simulation
}

#[test]
fn a_silent_node_goes_unknown_after_the_grace_period_and_is_tainted() {
    let mut simulation = cluster_with_node_controller();
    create(
        &mut simulation,
        "apiVersion: v1\nkind: Pod\nmetadata: { name: app }\nspec: { schedulerName: test-binder, containers: [{ name: app, image: nginx }] }\n",
    );
    settle(&mut simulation);
    bind(&mut simulation, "default", "app", "worker-2");
    run(&mut simulation, "default", "app", "10.244.2.4", true);
    settle(&mut simulation);

    // worker-2's kubelet stops posting; the others keep going.
    let healthy = ["control-plane", "worker-1", "worker-3"];
    advance_with_heartbeats(&mut simulation, 40, &healthy);
    assert_eq!(
        node_condition(&simulation, "worker-2", "Ready").0,
        "True",
        "still within the 40 s grace period"
    );
    assert!(taints_of(&simulation, "worker-2").is_empty());

    advance_with_heartbeats(&mut simulation, 10, &healthy);
    assert_eq!(
        node_condition(&simulation, "worker-2", "Ready"),
        ("Unknown".to_string(), "NodeStatusUnknown".to_string())
    );
    assert_eq!(
        node_condition(&simulation, "worker-2", "MemoryPressure").0,
        "Unknown"
    );
    assert_eq!(
        taints_of(&simulation, "worker-2"),
        vec![
            "node.kubernetes.io/unreachable:NoExecute",
            "node.kubernetes.io/unreachable:NoSchedule"
        ]
    );
    let node: kubesim::model::node::Node = get(&simulation, "", "worker-2").unwrap();
    assert!(node.taints().iter().all(|t| t.time_added.is_some()));
    assert!(events_about(&simulation, "worker-2").contains(&(
        "NodeNotReady".to_string(),
        "Node worker-2 status is now: NodeNotReady".to_string()
    )));
    // Its pod is no longer Ready.
    let pod: Pod = get(&simulation, "default", "app").unwrap();
    assert!(!pod.is_ready());
    assert!(
        events_about(&simulation, "app")
            .contains(&("NodeNotReady".to_string(), "Node is not ready".to_string()))
    );
    // The healthy nodes are untouched.
    for node in healthy {
        assert_eq!(node_condition(&simulation, node, "Ready").0, "True");
        assert!(
            taints_of(&simulation, node)
                .iter()
                .all(|t| !t.contains("unreachable"))
        );
    }

    // The kubelet comes back: the taints go.
    heartbeat(&mut simulation, "worker-2");
    settle(&mut simulation);
    assert_eq!(node_condition(&simulation, "worker-2", "Ready").0, "True");
    assert!(taints_of(&simulation, "worker-2").is_empty());
}

#[test]
fn a_node_reporting_not_ready_gets_the_not_ready_taints() {
    let mut simulation = cluster_with_node_controller();
    let mut node: kubesim::model::node::Node = get(&simulation, "", "worker-1").unwrap();
    for condition in node.status.as_mut().unwrap().conditions.as_mut().unwrap() {
        if condition.type_.as_deref() == Some("Ready") {
            condition.status = Some("False".to_string());
            condition.reason = Some("KubeletNotReady".to_string());
        }
    }
    simulation
        .api_mut()
        .update_status(kubesim::model::Object::Node(Box::new(node)))
        .unwrap();
    settle(&mut simulation);
    assert_eq!(
        taints_of(&simulation, "worker-1"),
        vec![
            "node.kubernetes.io/not-ready:NoExecute",
            "node.kubernetes.io/not-ready:NoSchedule"
        ]
    );
}

#[test]
fn cordoning_a_node_adds_the_unschedulable_taint_and_uncordoning_removes_it() {
    let mut simulation = cluster_with_node_controller();
    let set_unschedulable = |simulation: &mut kubesim::Simulation, value: bool| {
        let mut node: kubesim::model::node::Node = get(simulation, "", "worker-3").unwrap();
        node.spec.get_or_insert_with(Default::default).unschedulable = value.then_some(true);
        simulation
            .api_mut()
            .update(kubesim::model::Object::Node(Box::new(node)))
            .unwrap();
        settle(simulation);
    };
    set_unschedulable(&mut simulation, true);
    assert_eq!(
        taints_of(&simulation, "worker-3"),
        vec!["node.kubernetes.io/unschedulable:NoSchedule"]
    );
    set_unschedulable(&mut simulation, false);
    assert!(taints_of(&simulation, "worker-3").is_empty());
    // The control plane keeps its own taint throughout.
    assert_eq!(
        taints_of(&simulation, "control-plane"),
        vec!["node-role.kubernetes.io/control-plane:NoSchedule"]
    );
}

#[test]
fn with_every_kubelet_posting_no_node_goes_unknown_or_tainted() {
    let mut simulation = cluster_with_node_controller();
    let mut all = vec!["control-plane"];
    all.extend(WORKERS);
    advance_with_heartbeats(&mut simulation, 120, &all);
    for node in &all {
        assert_eq!(node_condition(&simulation, node, "Ready").0, "True");
    }
    assert!(taints_of(&simulation, "worker-1").is_empty());
}

fn plain_pod(simulation: &mut kubesim::Simulation, name: &str, node: &str, extra_spec: &str) {
    create(
        simulation,
        &format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{ name: {name} }}\nspec:\n  schedulerName: test-binder\n  containers: [{{ name: app, image: nginx }}]\n{extra_spec}"
        ),
    );
    settle(simulation);
    bind(simulation, "default", name, node);
    run(simulation, "default", name, "10.244.2.9", true);
    settle(simulation);
}

#[test]
fn pods_on_an_unreachable_node_are_evicted_after_their_300_second_toleration() {
    let mut simulation = cluster_with_node_controller();
    plain_pod(&mut simulation, "app", "worker-2", "");
    // A pod that tolerates unreachable for only 60 s, and one that tolerates it forever.
    plain_pod(
        &mut simulation,
        "short",
        "worker-2",
        "  tolerations: [{ key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 60 }]\n",
    );
    plain_pod(
        &mut simulation,
        "forever",
        "worker-2",
        "  tolerations: [{ key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute }]\n",
    );
    let healthy = ["control-plane", "worker-1", "worker-3"];
    // Unknown and tainted 40 s after the last heartbeat (t = 41 s, checked at t = 50 s).
    advance_with_heartbeats(&mut simulation, 50, &healthy);
    assert!(
        taints_of(&simulation, "worker-2")
            .contains(&"node.kubernetes.io/unreachable:NoExecute".to_string())
    );
    let tainted_at = simulation.now() - kubesim::SimDuration::from_secs(9);

    // 60 s after the taint, the short-tolerance pod is evicted; the others stay.
    simulation
        .advance_to(tainted_at + kubesim::SimDuration::from_secs(59))
        .unwrap();
    assert!(!being_deleted(&simulation, "default", "short"));
    simulation
        .advance_to(tainted_at + kubesim::SimDuration::from_secs(61))
        .unwrap();
    let short: Pod = get(&simulation, "default", "short").unwrap();
    assert!(
        short.metadata.deletion_timestamp.is_some(),
        "evicted after 60 s"
    );
    let disruption = short
        .status
        .as_ref()
        .unwrap()
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_.as_deref() == Some("DisruptionTarget"))
        .cloned()
        .expect("DisruptionTarget condition");
    assert_eq!(disruption.reason.as_deref(), Some("DeletionByTaintManager"));
    assert!(events_about(&simulation, "short").contains(&(
        "TaintManagerEviction".to_string(),
        "Marking for deletion Pod default/short".to_string()
    )));

    // The default 300 s toleration (added at admission) runs out.
    simulation
        .advance_to(tainted_at + kubesim::SimDuration::from_secs(299))
        .unwrap();
    assert!(!being_deleted(&simulation, "default", "app"));
    simulation
        .advance_to(tainted_at + kubesim::SimDuration::from_secs(301))
        .unwrap();
    assert!(being_deleted(&simulation, "default", "app"));
    // Tolerating forever means never evicted.
    advance_secs(&mut simulation, 3600);
    assert!(!being_deleted(&simulation, "default", "forever"));
}

#[test]
fn a_scheduled_eviction_is_cancelled_when_the_node_recovers() {
    let mut simulation = cluster_with_node_controller();
    plain_pod(&mut simulation, "app", "worker-2", "");
    let healthy = ["control-plane", "worker-1", "worker-3"];
    advance_with_heartbeats(&mut simulation, 50, &healthy);
    assert!(!taints_of(&simulation, "worker-2").is_empty());
    advance_with_heartbeats(&mut simulation, 100, &healthy);
    heartbeat(&mut simulation, "worker-2");
    settle(&mut simulation);
    assert!(taints_of(&simulation, "worker-2").is_empty());
    assert!(events_about(&simulation, "app").contains(&(
        "TaintManagerEviction".to_string(),
        "Cancelling deletion of Pod default/app".to_string()
    )));
    let mut all = vec!["worker-2"];
    all.extend(healthy);
    advance_with_heartbeats(&mut simulation, 600, &all);
    assert!(!being_deleted(&simulation, "default", "app"));
}

#[test]
fn an_untolerated_no_execute_taint_evicts_at_once() {
    let mut simulation = cluster();
    plain_pod(&mut simulation, "app", "worker-1", "");
    let mut node: kubesim::model::node::Node = get(&simulation, "", "worker-1").unwrap();
    node.spec.get_or_insert_with(Default::default).taints =
        Some(vec![kubesim::model::node::Taint {
            key: Some("maintenance".to_string()),
            effect: Some("NoExecute".to_string()),
            ..Default::default()
        }]);
    simulation
        .api_mut()
        .update(kubesim::model::Object::Node(Box::new(node)))
        .unwrap();
    settle(&mut simulation);
    assert!(being_deleted(&simulation, "default", "app"));
}

#[test]
fn a_replica_set_replaces_the_pods_evicted_from_a_failed_node() {
    let mut simulation = cluster_with_node_controller();
    create(
        &mut simulation,
        r#"
apiVersion: apps/v1
kind: ReplicaSet
metadata: { name: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      nodeSelector: { kubernetes.io/hostname: worker-2 }
      containers: [{ name: web, image: nginx }]
"#,
    );
    settle(&mut simulation);
    let original: Vec<String> = pods_labelled(&simulation, "default", "app", "web")
        .iter()
        .map(|p| p.metadata.name().to_string())
        .collect();
    assert_eq!(original.len(), 2);
    for name in &original {
        bind(&mut simulation, "default", name, "worker-2");
        run(&mut simulation, "default", name, "10.244.2.5", true);
    }
    settle(&mut simulation);
    // worker-2 goes silent: Unknown after 40 s, evicted 300 s after the taint.
    let healthy = ["control-plane", "worker-1", "worker-3"];
    advance_with_heartbeats(&mut simulation, 300, &healthy);
    let live = |simulation: &kubesim::Simulation| -> Vec<Pod> {
        pods_labelled(simulation, "default", "app", "web")
            .into_iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .collect()
    };
    assert!(
        live(&simulation)
            .iter()
            .all(|p| original.contains(&p.metadata.name().to_string()))
    );
    advance_with_heartbeats(&mut simulation, 60, &healthy);
    // The evicted pods stay Terminating (their kubelet is gone); the ReplicaSet has
    // already created two replacements.
    let replacements = live(&simulation);
    assert_eq!(replacements.len(), 2);
    assert!(
        replacements
            .iter()
            .all(|p| !original.contains(&p.metadata.name().to_string()))
    );
    for name in &original {
        assert!(being_deleted(&simulation, "default", name));
    }
}

/// The whole story with the real scheduler and kubelets: a Deployment's pods on a
/// node that fails are marked not ready once the node goes Unknown, evicted when
/// their 300 s toleration of the unreachable taint runs out, and replaced by pods
/// that run on the other workers.
#[test]
fn with_kubelets_pods_of_a_failed_node_are_evicted_at_their_toleration_and_run_elsewhere() {
    use kubesim::model::deployment::Deployment;
    use kubesim_tests::node::{kubectl, live_pods_by_node, wait_seconds};
    let mut simulation = kubesim_tests::node::cluster();
    kubectl(
        &mut simulation,
        "kubectl create deployment web --image=nginx:1.25 --replicas=6",
    );
    wait_seconds(&mut simulation, 30);
    let placed = live_pods_by_node(&simulation, "default", "app", "web");
    assert_eq!(placed.len(), 6);
    assert!(
        placed
            .iter()
            .all(|(_, phase, ready)| phase == "Running" && *ready)
    );
    let on_worker_2: Vec<String> = pods_labelled(&simulation, "default", "app", "web")
        .iter()
        .filter(|p| p.node_name() == "worker-2")
        .map(|p| p.metadata.name().to_string())
        .collect();
    assert_eq!(
        on_worker_2.len(),
        2,
        "the scheduler spreads 6 pods over 3 workers"
    );

    simulation.fail_node("worker-2").unwrap();
    let failed_at = simulation.now();
    let at = |seconds: i64| failed_at + kubesim::SimDuration::from_secs(seconds);
    // Within the 40 s grace period the node still counts as Ready.
    simulation.advance_to(at(30)).unwrap();
    assert_eq!(node_condition(&simulation, "worker-2", "Ready").0, "True");
    // Then Unknown, tainted unreachable, and its pods are marked not ready.
    simulation.advance_to(at(60)).unwrap();
    assert_eq!(
        node_condition(&simulation, "worker-2", "Ready"),
        ("Unknown".to_string(), "NodeStatusUnknown".to_string())
    );
    assert!(
        taints_of(&simulation, "worker-2")
            .contains(&"node.kubernetes.io/unreachable:NoExecute".to_string())
    );
    for name in &on_worker_2 {
        let pod: Pod = get(&simulation, "default", name).unwrap();
        assert!(
            !kubesim::model::pod_util::is_pod_ready(&pod),
            "{name} not ready"
        );
        assert!(pod.metadata.deletion_timestamp.is_none());
    }
    let deployment: Deployment = get(&simulation, "default", "web").unwrap();
    assert_eq!(deployment.status.unwrap().available_replicas, Some(4));

    // The taint came at about 40 s; the default toleration is 300 s.
    simulation.advance_to(at(330)).unwrap();
    for name in &on_worker_2 {
        assert!(
            !being_deleted(&simulation, "default", name),
            "{name} still tolerated"
        );
    }
    simulation.advance_to(at(360)).unwrap();
    for name in &on_worker_2 {
        assert!(
            being_deleted(&simulation, "default", name),
            "{name} evicted"
        );
        assert!(events_about(&simulation, name).contains(&(
            "TaintManagerEviction".to_string(),
            format!("Marking for deletion Pod default/{name}")
        )));
    }
    // The replacements run on the healthy workers, pulled and started by their kubelets.
    simulation.advance_to(at(400)).unwrap();
    let live = live_pods_by_node(&simulation, "default", "app", "web");
    assert_eq!(live.len(), 6);
    assert!(
        live.iter()
            .all(|(node, phase, ready)| node != "worker-2" && phase == "Running" && *ready),
        "{live:?}"
    );
    let deployment: Deployment = get(&simulation, "default", "web").unwrap();
    assert_eq!(deployment.status.unwrap().available_replicas, Some(6));
    // The evicted pods stay Terminating until their node comes back, then go.
    assert!(get::<Pod>(&simulation, "default", &on_worker_2[0]).is_some());
    simulation.recover_node("worker-2").unwrap();
    simulation.advance_to(at(460)).unwrap();
    for name in &on_worker_2 {
        assert!(
            get::<Pod>(&simulation, "default", name).is_none(),
            "{name} gone"
        );
    }
    assert_eq!(node_condition(&simulation, "worker-2", "Ready").0, "True");
    assert!(taints_of(&simulation, "worker-2").is_empty());
}

/// `kubectl delete node` with pods still on it: the pod garbage collector force-deletes
/// them 40 s later (its quarantine), marked Failed with DisruptionTarget
/// (DeletionByPodGC) first, and the ReplicaSet replaces them on the other workers.
#[test]
fn with_kubelets_pods_of_a_deleted_node_are_garbage_collected_and_replaced() {
    use kubesim_tests::node::{kubectl, live_pods_by_node, wait_seconds};
    let mut simulation = kubesim_tests::node::cluster();
    kubectl(
        &mut simulation,
        "kubectl create deployment web --image=nginx:1.25 --replicas=3",
    );
    wait_seconds(&mut simulation, 30);
    let doomed: Vec<String> = pods_labelled(&simulation, "default", "app", "web")
        .iter()
        .filter(|p| p.node_name() == "worker-2")
        .map(|p| p.metadata.name().to_string())
        .collect();
    assert_eq!(doomed.len(), 1);
    kubectl(&mut simulation, "kubectl delete node worker-2");
    wait_seconds(&mut simulation, 39);
    assert!(
        get::<Pod>(&simulation, "default", &doomed[0]).is_some(),
        "quarantined for 40 s"
    );
    wait_seconds(&mut simulation, 1);
    assert!(get::<Pod>(&simulation, "default", &doomed[0]).is_none());
    wait_seconds(&mut simulation, 20);
    let live = live_pods_by_node(&simulation, "default", "app", "web");
    assert_eq!(live.len(), 3);
    assert!(
        live.iter()
            .all(|(node, phase, ready)| node != "worker-2" && phase == "Running" && *ready),
        "{live:?}"
    );
}
