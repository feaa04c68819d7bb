//! kube-scheduler scenarios, told as stories about a small cluster.

use kubesim::NodeConfig;
use kubesim::SimDuration;
use kubesim::scheduler::explain::Verdict;
use kubesim_tests::scheduling::*;
use serde_json::json;

#[test]
fn pods_spread_over_the_workers_and_stay_off_the_tainted_control_plane() {
    let mut sim = default_cluster();
    for i in 0..9 {
        create(
            &mut sim,
            pod(&format!("web-{i}"), Some("100m"), Some("128Mi")),
        );
    }
    settle(&mut sim);
    let mut per_node = std::collections::BTreeMap::new();
    for i in 0..9 {
        let node = node_of(&sim, "default", &format!("web-{i}"));
        assert!(node.starts_with("worker-"), "web-{i} landed on {node:?}");
        *per_node.entry(node).or_insert(0) += 1;
    }
    // LeastAllocated and BalancedAllocation even the load out: three pods per worker.
    assert_eq!(
        per_node.values().copied().collect::<Vec<_>>(),
        vec![3, 3, 3]
    );
    let scheduled = event_messages(&sim, "web-0", "Scheduled");
    assert_eq!(
        scheduled,
        vec![format!(
            "Successfully assigned default/web-0 to {}",
            node_of(&sim, "default", "web-0")
        )]
    );
    assert_eq!(
        pod_scheduled(&sim, "default", "web-0").map(|c| c.0),
        Some("True".to_string())
    );
}

#[test]
fn a_pod_that_tolerates_the_control_plane_taint_may_land_there() {
    let mut sim = cluster(vec![NodeConfig::control_plane("control-plane")]);
    let mut tolerant = pod("tolerant", Some("100m"), None);
    tolerant["spec"]["tolerations"] = json!([{ "key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule" }]);
    create(&mut sim, tolerant);
    create(&mut sim, pod("intolerant", Some("100m"), None));
    settle(&mut sim);
    assert_eq!(node_of(&sim, "default", "tolerant"), "control-plane");
    assert_eq!(node_of(&sim, "default", "intolerant"), "");
    let (status, reason, message) = pod_scheduled(&sim, "default", "intolerant").unwrap();
    assert_eq!(
        (status.as_str(), reason.as_str()),
        ("False", "Unschedulable")
    );
    assert_eq!(
        message,
        "0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
    );
}

#[test]
fn a_too_big_pod_stays_pending_with_the_exact_message_until_a_node_is_added() {
    let mut sim = default_cluster();
    // Each worker has 4 CPUs; 3 are asked for, by a pod that fits nowhere once a
    // 2-CPU pod runs on every worker.
    for i in 1..=3 {
        let mut filler = pod(&format!("filler-{i}"), Some("2"), None);
        filler["spec"]["nodeName"] = json!(format!("worker-{i}"));
        create(&mut sim, filler);
    }
    create(&mut sim, pod("big", Some("3"), None));
    settle(&mut sim);
    assert_eq!(node_of(&sim, "default", "big"), "");
    let expected = "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.";
    assert_eq!(pod_scheduled(&sim, "default", "big").unwrap().2, expected);
    assert_eq!(
        event_messages(&sim, "big", "FailedScheduling"),
        vec![expected.to_string()]
    );

    // A new worker joins: the pod is retried at once (after its 1 s backoff).
    let node = NodeConfig::worker("worker-4").to_object(4, sim.now());
    sim.api_mut().create(node).unwrap();
    sim.advance_by(SimDuration::from_secs(2)).unwrap();
    assert_eq!(node_of(&sim, "default", "big"), "worker-4");
}

#[test]
fn node_selector_and_required_node_affinity_choose_the_node() {
    let mut ssd = NodeConfig::worker("ssd-1");
    ssd.labels.insert("disk".into(), "ssd".into());
    let mut sim = cluster(vec![
        NodeConfig::worker("hdd-1"),
        ssd,
        NodeConfig::worker("hdd-2"),
    ]);
    let mut selected = pod("selected", None, None);
    selected["spec"]["nodeSelector"] = json!({ "disk": "ssd" });
    create(&mut sim, selected);
    let mut affine = pod("affine", None, None);
    affine["spec"]["affinity"] = json!({ "nodeAffinity": { "requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{ "matchExpressions": [{ "key": "disk", "operator": "NotIn", "values": ["ssd"] }] }] } } });
    create(&mut sim, affine);
    let mut nowhere = pod("nowhere", None, None);
    nowhere["spec"]["nodeSelector"] = json!({ "disk": "nvme" });
    create(&mut sim, nowhere);
    settle(&mut sim);
    assert_eq!(node_of(&sim, "default", "selected"), "ssd-1");
    assert!(node_of(&sim, "default", "affine").starts_with("hdd-"));
    assert_eq!(
        pod_scheduled(&sim, "default", "nowhere").unwrap().2,
        "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
}

#[test]
fn the_explanation_lists_every_node_with_its_verdict_and_scores() {
    let mut sim = default_cluster();
    create(&mut sim, pod("explained", Some("500m"), Some("256Mi")));
    settle(&mut sim);
    let chosen = node_of(&sim, "default", "explained");
    let record = sim
        .scheduling_record("default", "explained")
        .expect("a record");
    assert_eq!(record.chosen_node(), Some(chosen.as_str()));
    assert_eq!(record.total_nodes, 4);
    let nodes = record.nodes();
    assert_eq!(nodes.len(), 4, "every node has a verdict");
    let control_plane = nodes.iter().find(|n| n.node == "control-plane").unwrap();
    assert!(
        matches!(&control_plane.verdict, Verdict::Rejected { plugin: "TaintToleration", reasons, .. }
        if reasons == &vec!["node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"])
    );
    let mut best_total = i64::MIN;
    for node in nodes.iter().filter(|n| n.node.starts_with("worker-")) {
        let Verdict::Feasible { scores, total } = &node.verdict else {
            panic!("{} should be feasible", node.node);
        };
        let plugins: Vec<&str> = scores.iter().map(|s| s.plugin).collect();
        assert!(
            plugins.contains(&"NodeResourcesFit") && plugins.contains(&"TaintToleration"),
            "{plugins:?}"
        );
        assert_eq!(*total, scores.iter().map(|s| s.weighted).sum::<i64>());
        for score in scores {
            assert_eq!(score.weighted, score.normalized * score.weight);
            assert!((0..=100).contains(&score.normalized));
        }
        best_total = best_total.max(*total);
    }
    let Verdict::Feasible { total, .. } = record.node(&chosen).unwrap().verdict else {
        panic!()
    };
    assert_eq!(total, best_total, "the chosen node has the best total");
}

fn zoned_worker(name: &str, zone: &str) -> NodeConfig {
    let mut node = NodeConfig::worker(name);
    node.zone = Some(zone.to_string());
    node
}

#[test]
fn topology_spread_keeps_the_zones_even() {
    let mut sim = cluster(vec![
        zoned_worker("a-1", "zone-a"),
        zoned_worker("a-2", "zone-a"),
        zoned_worker("a-3", "zone-a"),
        zoned_worker("b-1", "zone-b"),
    ]);
    for i in 0..6 {
        let mut spread = pod(&format!("spread-{i}"), Some("100m"), None);
        spread["metadata"]["labels"] = json!({ "app": "spread" });
        spread["spec"]["topologySpreadConstraints"] = json!([{
            "maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule",
            "labelSelector": { "matchLabels": { "app": "spread" } } }]);
        create(&mut sim, spread);
        settle(&mut sim);
    }
    let in_zone_b = (0..6)
        .filter(|i| node_of(&sim, "default", &format!("spread-{i}")) == "b-1")
        .count();
    // Zone b has one node and zone a three, yet each zone gets three pods.
    assert_eq!(in_zone_b, 3);
}

#[test]
fn required_anti_affinity_puts_one_replica_per_node() {
    let mut sim = default_cluster();
    for i in 0..4 {
        let mut db = pod(&format!("db-{i}"), Some("100m"), None);
        db["metadata"]["labels"] = json!({ "app": "db" });
        db["spec"]["affinity"] = json!({ "podAntiAffinity": { "requiredDuringSchedulingIgnoredDuringExecution": [{
            "labelSelector": { "matchLabels": { "app": "db" } }, "topologyKey": "kubernetes.io/hostname" }] } });
        create(&mut sim, db);
        settle(&mut sim);
    }
    let nodes: std::collections::BTreeSet<String> = (0..3)
        .map(|i| node_of(&sim, "default", &format!("db-{i}")))
        .collect();
    assert_eq!(nodes.len(), 3, "three replicas on three workers: {nodes:?}");
    assert_eq!(node_of(&sim, "default", "db-3"), "");
    assert_eq!(
        pod_scheduled(&sim, "default", "db-3").unwrap().2,
        "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't match pod anti-affinity rules. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod."
    );
}

#[test]
fn a_high_priority_pod_preempts_a_low_priority_one() {
    let mut sim = cluster(vec![NodeConfig::worker("worker-1")]);
    sim.api_mut()
        .create(object(
            json!({ "apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
            "metadata": { "name": "high" }, "value": 1000 }),
        ))
        .unwrap();
    create(&mut sim, pod("batch", Some("3"), None));
    settle(&mut sim);
    assert_eq!(node_of(&sim, "default", "batch"), "worker-1");

    let mut urgent = pod("urgent", Some("2"), None);
    urgent["spec"]["priorityClassName"] = json!("high");
    create(&mut sim, urgent);
    settle(&mut sim);
    // The scheduler evicted the batch pod and nominated the node for the urgent one.
    let pod_type = kubesim::model::registry::lookup_kind_name("Pod").unwrap();
    let urgent_object = sim.api().get(pod_type, "default", "urgent").unwrap();
    let kubesim::model::Object::Pod(urgent_pod) = urgent_object.as_ref() else {
        panic!()
    };
    assert_eq!(urgent_pod.spec.as_ref().unwrap().priority, Some(1000));
    assert_eq!(
        urgent_pod
            .status
            .as_ref()
            .unwrap()
            .nominated_node_name
            .as_deref(),
        Some("worker-1")
    );
    assert_eq!(
        event_messages(&sim, "batch", "Preempted"),
        vec![format!(
            "Preempted by pod {} on node worker-1",
            urgent_pod.metadata.uid()
        )]
    );
    // The victim terminates gracefully; its kubelet finishes the deletion, and the
    // urgent pod takes its place on the next attempt.
    if let Some(batch) = sim.api().get_ref(pod_type, "default", "batch") {
        assert!(
            batch.metadata().is_being_deleted(),
            "the victim is terminating"
        );
    }
    sim.advance_by(SimDuration::from_secs(40)).unwrap();
    assert!(sim.api().get_ref(pod_type, "default", "batch").is_none());
    assert_eq!(node_of(&sim, "default", "urgent"), "worker-1");
}

#[test]
fn a_profile_weight_changes_the_placement() {
    let place = |config: Option<&str>| {
        let mut sim = default_cluster();
        if let Some(text) = config {
            sim.set_scheduler_config(
                kubesim::scheduler::profile::SchedulerConfig::from_yaml(text).unwrap(),
            )
            .unwrap();
        }
        let mut busy = pod("busy", Some("3"), None);
        busy["spec"]["nodeName"] = json!("worker-1");
        create(&mut sim, busy);
        let mut picky = pod("picky", Some("100m"), None);
        picky["spec"]["affinity"] = json!({ "nodeAffinity": { "preferredDuringSchedulingIgnoredDuringExecution": [{
            "weight": 10, "preference": { "matchFields": [{ "key": "metadata.name", "operator": "In", "values": ["worker-1"] }] } }] } });
        create(&mut sim, picky);
        settle(&mut sim);
        node_of(&sim, "default", "picky")
    };
    // By default NodeAffinity (weight 2) outweighs the busier node's lower resource scores.
    assert_eq!(place(None), "worker-1");
    // Weighting NodeResourcesFit 10 makes the free workers win.
    let weighted = r#"
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
  plugins:
    score:
      enabled:
      - name: NodeResourcesFit
        weight: 10
"#;
    assert_ne!(place(Some(weighted)), "worker-1");
}

#[test]
fn most_allocated_packs_pods_onto_one_node() {
    let config = r#"
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
        resources: [{ name: cpu, weight: 1 }, { name: memory, weight: 1 }]
"#;
    let mut sim = default_cluster();
    sim.set_scheduler_config(
        kubesim::scheduler::profile::SchedulerConfig::from_yaml(config).unwrap(),
    )
    .unwrap();
    create(&mut sim, pod("first", Some("1"), Some("1Gi")));
    settle(&mut sim);
    let first = node_of(&sim, "default", "first");
    for i in 0..2 {
        create(&mut sim, pod(&format!("next-{i}"), Some("1"), Some("1Gi")));
        settle(&mut sim);
        assert_eq!(node_of(&sim, "default", &format!("next-{i}")), first);
    }
}

#[test]
fn pods_for_another_scheduler_are_left_alone() {
    let mut sim = default_cluster();
    let mut other = pod("other", None, None);
    other["spec"]["schedulerName"] = json!("my-scheduler");
    create(&mut sim, other);
    settle(&mut sim);
    assert_eq!(node_of(&sim, "default", "other"), "");
    assert!(pod_scheduled(&sim, "default", "other").is_none());
    assert!(sim.scheduling_record("default", "other").is_none());
}
