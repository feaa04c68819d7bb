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
