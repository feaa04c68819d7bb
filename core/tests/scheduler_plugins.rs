//! Table tests of the scheduler's plugins and cycle helpers, with upstream's own cases.

use std::sync::Arc;

use kubesim::model::Object;
use kubesim::scheduler::framework::{
    CycleState, FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin,
};
use kubesim::scheduler::node_info::{Cache, PodInfo};
use kubesim::scheduler::plugins::balanced_allocation::BalancedAllocation;
use kubesim::scheduler::plugins::node_resources_fit::{
    NodeResourcesFit, ResourceSpec, ScoringStrategy, UtilizationShapePoint, strategy_score,
};
use kubesim::scheduler::plugins::pod_topology_spread::{DefaultingType, PodTopologySpread};
use kubesim::scheduler::plugins::taint_toleration::TaintToleration;
use kubesim::scheduler::schedule_one::{fit_error_message, num_feasible_nodes_to_find};
use serde_json::{Value, json};

fn node(name: &str, cpu: &str, memory: &str, labels: Value, taints: Value) -> Arc<Object> {
    Arc::new(Object::Node(
        serde_json::from_value(json!({
            "metadata": { "name": name, "labels": labels },
            "spec": { "taints": taints },
            "status": { "allocatable": { "cpu": cpu, "memory": memory, "pods": "110" } }
        }))
        .unwrap(),
    ))
}

/// `st.MakePod()` with one container per request (None: no containers at all).
fn pod(name: &str, containers: &[(&str, &str)], extra: Value) -> PodInfo {
    let containers: Vec<Value> = containers
        .iter()
        .enumerate()
        .map(|(i, (cpu, memory))| {
            let mut requests = serde_json::Map::new();
            if !cpu.is_empty() {
                requests.insert("cpu".into(), json!(cpu));
            }
            if !memory.is_empty() {
                requests.insert("memory".into(), json!(memory));
            }
            json!({ "name": format!("c{i}"), "image": "x", "resources": { "requests": requests } })
        })
        .collect();
    let mut spec = json!({ "containers": containers });
    if let Value::Object(extra) = extra.get("spec").cloned().unwrap_or(json!({})) {
        for (k, v) in extra {
            spec[k] = v;
        }
    }
    let labels = extra.get("labels").cloned().unwrap_or(json!({}));
    PodInfo::new(Arc::new(Object::Pod(serde_json::from_value(json!({
        "metadata": { "name": name, "namespace": "default", "uid": format!("uid-{name}"), "labels": labels },
        "spec": spec
    })).unwrap())))
    .unwrap()
}

fn cache(nodes: Vec<Arc<Object>>, pods: Vec<(&str, PodInfo)>) -> Cache {
    let mut cache = Cache::default();
    for node in nodes {
        cache.upsert_node(node);
    }
    for (node, pod) in pods {
        cache.add_pod(Arc::new(pod), node, false);
    }
    cache
}

fn scores(plugin: &dyn ScorePlugin, cache: &Cache, pod: &PodInfo, state: &CycleState) -> Vec<i64> {
    let mut raw: Vec<i64> = cache
        .nodes()
        .iter()
        .map(|n| plugin.score(state, pod, n).unwrap())
        .collect();
    plugin.normalize_score(state, pod, &mut raw);
    raw
}

/// `pkg/scheduler/framework/plugins/noderesources/least_allocated_test.go` TestLeastAllocatedScoringStrategy.
#[test]
fn least_allocated_upstream_cases() {
    let fit = NodeResourcesFit::default();
    let state = CycleState::default();
    let none = pod("p", &[], json!({}));
    let c = cache(
        vec![
            node("n1", "4000", "10000", json!({}), json!([])),
            node("n2", "4000", "10000", json!({}), json!([])),
        ],
        vec![],
    );
    assert_eq!(
        scores(&fit, &c, &none, &state),
        vec![100, 100],
        "nothing scheduled, nothing requested"
    );
    let req = pod("p", &[("3000", "5000")], json!({}));
    let c = cache(
        vec![
            node("n1", "4000", "10000", json!({}), json!([])),
            node("n2", "6000", "10000", json!({}), json!([])),
        ],
        vec![],
    );
    assert_eq!(
        scores(&fit, &c, &req, &state),
        vec![37, 50],
        "differently sized nodes"
    );
    let c = cache(
        vec![
            node("n1", "10000", "20000", json!({}), json!([])),
            node("n2", "10000", "20000", json!({}), json!([])),
        ],
        vec![
            ("n1", pod("a", &[("3000", "0")], json!({}))),
            ("n2", pod("b", &[("3000", "5000")], json!({}))),
        ],
    );
    assert_eq!(
        scores(&fit, &c, &req, &state),
        vec![57, 45],
        "existing pods on both nodes"
    );
    let c = cache(
        vec![
            node("n1", "10000", "20000", json!({}), json!([])),
            node("n2", "10000", "50000", json!({}), json!([])),
        ],
        vec![
            ("n1", pod("a", &[("3000", "0")], json!({}))),
            ("n2", pod("b", &[("3000", "5000")], json!({}))),
        ],
    );
    assert_eq!(
        scores(&fit, &c, &req, &state),
        vec![57, 60],
        "second node has more memory"
    );
    let c = cache(
        vec![
            node("n1", "10000", "20000", json!({}), json!([])),
            node("n2", "10000", "20000", json!({}), json!([])),
        ],
        vec![
            ("n1", pod("a", &[("3000", "0")], json!({}))),
            ("n1", pod("b", &[("3000", "0")], json!({}))),
            ("n2", pod("c", &[("3000", "0")], json!({}))),
            ("n2", pod("d", &[("3000", "5000")], json!({}))),
        ],
    );
    assert_eq!(
        scores(&fit, &c, &none, &state),
        vec![70, 57],
        "no request, existing pods"
    );
}

/// `most_allocated_test.go` TestMostAllocatedScoringStrategy.
#[test]
fn most_allocated_upstream_cases() {
    let state = CycleState::default();
    let most = |resources: Vec<ResourceSpec>| NodeResourcesFit {
        strategy: ScoringStrategy::MostAllocated,
        resources,
    };
    let default = most(kubesim::scheduler::plugins::node_resources_fit::default_resources());
    let none = pod("p", &[], json!({}));
    let c = cache(
        vec![
            node("n1", "4000", "10000", json!({}), json!([])),
            node("n2", "4000", "10000", json!({}), json!([])),
        ],
        vec![],
    );
    assert_eq!(scores(&default, &c, &none, &state), vec![0, 0]);
    let req = pod("p", &[("3000", "5000")], json!({}));
    let c = cache(
        vec![
            node("n1", "4000", "10000", json!({}), json!([])),
            node("n2", "6000", "10000", json!({}), json!([])),
        ],
        vec![],
    );
    assert_eq!(scores(&default, &c, &req, &state), vec![62, 50]);
    let weighted = most(vec![
        ResourceSpec {
            name: "cpu".into(),
            weight: 1,
        },
        ResourceSpec {
            name: "memory".into(),
            weight: 2,
        },
    ]);
    assert_eq!(
        scores(&weighted, &c, &req, &state),
        vec![58, 50],
        "resources with weights"
    );
    let c = cache(
        vec![
            node("n1", "10000", "20000", json!({}), json!([])),
            node("n2", "10000", "20000", json!({}), json!([])),
        ],
        vec![
            ("n1", pod("a", &[("3000", "0")], json!({}))),
            ("n2", pod("b", &[("3000", "5000")], json!({}))),
        ],
    );
    assert_eq!(scores(&default, &c, &req, &state), vec![42, 55]);
}

/// `requested_to_capacity_ratio_test.go` TestBrokenLinearFunction / TestRequestedToCapacityRatioScoringStrategy.
#[test]
fn requested_to_capacity_ratio_upstream_cases() {
    let shape = vec![
        UtilizationShapePoint {
            utilization: 0,
            score: 10,
        },
        UtilizationShapePoint {
            utilization: 100,
            score: 0,
        },
    ];
    let strategy = ScoringStrategy::RequestedToCapacityRatio(shape);
    let resources = kubesim::scheduler::plugins::node_resources_fit::default_resources();
    // "nothing scheduled, nothing requested (default - least requested nodes have priority)": 100.
    assert_eq!(
        strategy_score(&strategy, &resources, &[0, 0], &[4000, 10000]),
        100
    );
    // 3000/4000 cpu → 25, 5000/10000 memory → 50: rounded mean 38.
    assert_eq!(
        strategy_score(&strategy, &resources, &[3000, 5000], &[4000, 10000]),
        38
    );
    // 3000/6000 → 50, 50 → 50.
    assert_eq!(
        strategy_score(&strategy, &resources, &[3000, 5000], &[6000, 10000]),
        50
    );
}

/// `balanced_allocation_test.go` TestNodeResourcesBalancedAllocation (scores from the
/// real requests: cpuOnly = 1000m + 2000m, cpuAndMemory = 1000m/2000 + 2000m/3000).
#[test]
fn balanced_allocation_upstream_cases() {
    let plugin = BalancedAllocation::default();
    let state = CycleState::default();
    let cpu_and_memory = || pod("p", &[("1000m", "2000"), ("2000m", "3000")], json!({}));
    let cpu_only = || pod("q", &[("1000m", "0"), ("2000m", "0")], json!({}));
    let c = cache(
        vec![
            node("n1", "4000m", "10000", json!({}), json!([])),
            node("n2", "6000m", "10000", json!({}), json!([])),
        ],
        vec![],
    );
    assert_eq!(
        scores(&plugin, &c, &cpu_and_memory(), &state),
        vec![87, 100]
    );
    let c = cache(
        vec![
            node("n1", "10000m", "20000", json!({}), json!([])),
            node("n2", "10000m", "20000", json!({}), json!([])),
        ],
        vec![
            ("n1", cpu_only()),
            (
                "n2",
                pod("r", &[("1000m", "2000"), ("2000m", "3000")], json!({})),
            ),
        ],
    );
    assert_eq!(scores(&plugin, &c, &cpu_and_memory(), &state), vec![82, 95]);
    let c = cache(
        vec![
            node("n1", "10000m", "20000", json!({}), json!([])),
            node("n2", "10000m", "50000", json!({}), json!([])),
        ],
        vec![
            ("n1", cpu_only()),
            (
                "n2",
                pod("r", &[("1000m", "2000"), ("2000m", "3000")], json!({})),
            ),
        ],
    );
    assert_eq!(scores(&plugin, &c, &cpu_and_memory(), &state), vec![82, 80]);
    let c = cache(
        vec![
            node("n1", "6000m", "10000", json!({}), json!([])),
            node("n2", "6000m", "10000", json!({}), json!([])),
        ],
        vec![
            ("n1", cpu_only()),
            (
                "n2",
                pod("r", &[("1000m", "2000"), ("2000m", "3000")], json!({})),
            ),
        ],
    );
    assert_eq!(scores(&plugin, &c, &cpu_only(), &state), vec![50, 75]);
    // Best-effort pods are not scored (upstream #129138): PreScore skips.
    let best_effort = pod("be", &[("", "")], json!({}));
    assert!(
        plugin
            .pre_score(&mut CycleState::default(), &best_effort, &[], &c)
            .is_skip()
    );
}

fn taint(key: &str, value: &str, effect: &str) -> Value {
    json!({ "key": key, "value": value, "effect": effect })
}

fn toleration(key: &str, value: &str, effect: &str) -> Value {
    json!({ "key": key, "operator": "Equal", "value": value, "effect": effect })
}

/// `taint_toleration_test.go` TestTaintTolerationScore and TestTaintTolerationFilter.
#[test]
fn taint_toleration_upstream_cases() {
    let plugin = TaintToleration;
    let run = |tolerations: Value, taints: Vec<Value>| {
        let p = pod("p", &[], json!({ "spec": { "tolerations": tolerations } }));
        let nodes = taints
            .into_iter()
            .enumerate()
            .map(|(i, t)| node(&format!("n{i}"), "1", "1", json!({}), t))
            .collect();
        let c = cache(nodes, vec![]);
        let mut state = CycleState::default();
        plugin.pre_score(&mut state, &p, &[], &c);
        scores(&plugin, &c, &p, &state)
    };
    assert_eq!(
        run(
            json!([toleration("foo", "bar", "PreferNoSchedule")]),
            vec![
                json!([taint("foo", "bar", "PreferNoSchedule")]),
                json!([taint("foo", "blah", "PreferNoSchedule")])
            ]
        ),
        vec![100, 0],
        "node with taints tolerated by the pod, gets a higher score than those node with intolerable taints"
    );
    assert_eq!(
        run(
            json!([
                toleration("cpu-type", "arm64", "PreferNoSchedule"),
                toleration("disk-type", "ssd", "PreferNoSchedule")
            ]),
            vec![
                json!([]),
                json!([taint("cpu-type", "arm64", "PreferNoSchedule")]),
                json!([
                    taint("cpu-type", "arm64", "PreferNoSchedule"),
                    taint("disk-type", "ssd", "PreferNoSchedule")
                ])
            ]
        ),
        vec![100, 100, 100],
        "the nodes that all of their taints are tolerated by the pod, get the same score"
    );
    assert_eq!(
        run(
            json!([toleration("foo", "bar", "PreferNoSchedule")]),
            vec![
                json!([]),
                json!([taint("cpu-type", "arm64", "PreferNoSchedule")]),
                json!([
                    taint("cpu-type", "arm64", "PreferNoSchedule"),
                    taint("disk-type", "ssd", "PreferNoSchedule")
                ])
            ]
        ),
        vec![100, 50, 0],
        "the more intolerable taints a node has, the lower score it gets"
    );
    assert_eq!(
        run(
            json!([
                toleration("cpu-type", "arm64", "NoSchedule"),
                toleration("disk-type", "ssd", "PreferNoSchedule")
            ]),
            vec![
                json!([]),
                json!([taint("cpu-type", "arm64", "NoSchedule")]),
                json!([taint("cpu-type", "arm64", "PreferNoSchedule")])
            ]
        ),
        vec![100, 100, 0],
        "only taints and tolerations that have effect PreferNoSchedule are checked by prioritizer function"
    );
    assert_eq!(
        run(
            json!([]),
            vec![
                json!([]),
                json!([taint("cpu-type", "arm64", "PreferNoSchedule")])
            ]
        ),
        vec![100, 0],
        "Default behaviour No taints and tolerations, lands on node with no taints"
    );
    // TestTaintTolerationFilter: "A pod having no tolerations can't be scheduled onto a node with nonempty taints".
    let c = cache(
        vec![node(
            "n",
            "1",
            "1",
            json!({}),
            json!([taint("dedicated", "user1", "NoSchedule")]),
        )],
        vec![],
    );
    let status = plugin.filter(
        &CycleState::default(),
        &pod("p", &[], json!({})),
        &c.nodes()[0],
    );
    assert_eq!(
        status.message(),
        "node(s) had untolerated taint {dedicated: user1}"
    );
    // "A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule".
    let tolerant = pod(
        "p",
        &[],
        json!({ "spec": { "tolerations": [toleration("dedicated", "user1", "NoSchedule")] } }),
    );
    assert!(
        plugin
            .filter(&CycleState::default(), &tolerant, &c.nodes()[0])
            .is_success()
    );
    // "A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the node".
    let exists = pod(
        "p",
        &[],
        json!({ "spec": { "tolerations": [{ "key": "foo", "operator": "Exists", "effect": "NoSchedule" }] } }),
    );
    let c = cache(
        vec![node(
            "n",
            "1",
            "1",
            json!({}),
            json!([taint("foo", "bar", "NoSchedule")]),
        )],
        vec![],
    );
    assert!(
        plugin
            .filter(&CycleState::default(), &exists, &c.nodes()[0])
            .is_success()
    );
}

/// `podtopologyspread/filtering_test.go` TestSingleConstraint (zone constraint, maxSkew 1).
#[test]
fn pod_topology_spread_filter_upstream_cases() {
    let plugin = PodTopologySpread::new(DefaultingType::System, vec![]);
    let spread = json!({ "labels": { "foo": "" }, "spec": { "topologySpreadConstraints": [{
        "maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
        "labelSelector": { "matchExpressions": [{ "key": "foo", "operator": "Exists" }] } }] } });
    let existing = |name: &str| pod(name, &[], json!({ "labels": { "foo": "" } }));
    let nodes = || {
        vec![
            node(
                "node-a",
                "1",
                "1",
                json!({ "zone": "zone1", "node": "node-a" }),
                json!([]),
            ),
            node(
                "node-b",
                "1",
                "1",
                json!({ "zone": "zone1", "node": "node-b" }),
                json!([]),
            ),
            node(
                "node-x",
                "1",
                "1",
                json!({ "zone": "zone2", "node": "node-x" }),
                json!([]),
            ),
            node(
                "node-y",
                "1",
                "1",
                json!({ "zone": "zone2", "node": "node-y" }),
                json!([]),
            ),
        ]
    };
    let verdicts = |c: &Cache| {
        let p = pod("p", &[], spread.clone());
        let mut state = CycleState::default();
        let (status, _) = plugin.pre_filter(&mut state, &p, c);
        assert!(status.is_success());
        c.nodes()
            .iter()
            .map(|n| plugin.filter(&state, &p, n).is_success())
            .collect::<Vec<_>>()
    };
    // "no existing pods": every node fits.
    assert_eq!(
        verdicts(&cache(nodes(), vec![])),
        vec![true, true, true, true]
    );
    // "pods spread across zones as 3/3, all nodes fit".
    let c = cache(
        nodes(),
        vec![
            ("node-a", existing("a1")),
            ("node-a", existing("a2")),
            ("node-b", existing("b1")),
            ("node-x", existing("x1")),
            ("node-y", existing("y1")),
            ("node-y", existing("y2")),
        ],
    );
    assert_eq!(verdicts(&c), vec![true, true, true, true]);
    // "pods spread across zones as 1/2": only zone1 fits (2 + 1 − 1 = 2 > 1 in zone2).
    let c = cache(
        nodes(),
        vec![
            ("node-a", existing("a1")),
            ("node-x", existing("x1")),
            ("node-y", existing("y1")),
        ],
    );
    assert_eq!(verdicts(&c), vec![true, true, false, false]);
    // "existing pods in a different namespace do not count".
    let mut other = existing("o1");
    let mut value = other.object.to_value();
    value["metadata"]["namespace"] = json!("ns2");
    other = PodInfo::new(Arc::new(kubesim::model::manifest::decode_object(json!({"apiVersion": "v1", "kind": "Pod", "metadata": value["metadata"], "spec": value["spec"]}), "").unwrap())).unwrap();
    let c = cache(nodes(), vec![("node-a", other)]);
    assert_eq!(verdicts(&c), vec![true, true, true, true]);
    // A node without the topology label: "(missing required label)".
    let c = cache(
        vec![
            node("node-z", "1", "1", json!({}), json!([])),
            nodes()[0].clone(),
        ],
        vec![],
    );
    let p = pod("p", &[], spread.clone());
    let mut state = CycleState::default();
    let _ = plugin.pre_filter(&mut state, &p, &c);
    assert_eq!(
        plugin.filter(&state, &p, &c.nodes()[0]).message(),
        "node(s) didn't match pod topology spread constraints (missing required label)"
    );
}

/// `schedule_one_test.go` TestNumFeasibleNodesToFind.
#[test]
fn num_feasible_nodes_to_find_upstream_cases() {
    let cases: [(&str, usize, i32, Option<i32>, usize); 8] = [
        (
            "not set percentageOfNodesToScore and nodes number not more than 50",
            10,
            0,
            None,
            10,
        ),
        (
            "set profile percentageOfNodesToScore and nodes number not more than 50",
            10,
            0,
            Some(40),
            10,
        ),
        (
            "not set percentageOfNodesToScore and nodes number more than 50",
            1000,
            0,
            None,
            420,
        ),
        (
            "set profile percentageOfNodesToScore and nodes number more than 50",
            1000,
            0,
            Some(40),
            400,
        ),
        (
            "set global and profile percentageOfNodesToScore and nodes number more than 50",
            1000,
            100,
            Some(40),
            400,
        ),
        (
            "set global percentageOfNodesToScore and nodes number more than 50",
            1000,
            40,
            None,
            400,
        ),
        (
            "not set profile percentageOfNodesToScore and nodes number more than 50*125",
            6000,
            0,
            None,
            300,
        ),
        (
            "set profile percentageOfNodesToScore and nodes number more than 50*125",
            6000,
            0,
            Some(40),
            2400,
        ),
    ];
    for (name, nodes, global, profile, expected) in cases {
        assert_eq!(
            num_feasible_nodes_to_find(profile, global, nodes),
            expected,
            "{name}"
        );
    }
    // And the benchmark's cluster: 5000 nodes → 50 − 40 = 10 % → 500.
    assert_eq!(num_feasible_nodes_to_find(None, 0, 5000), 500);
}

/// `framework/types_test.go` TestFitError_Error.
#[test]
fn fit_error_message_upstream_cases() {
    use kubesim::scheduler::framework::Status;
    let rejected = |reason: &'static str, n: usize| -> Vec<(Arc<str>, Status)> {
        (0..n)
            .map(|i| {
                (
                    Arc::from(format!("node{reason}{i}").as_str()),
                    Status::unschedulable(reason),
                )
            })
            .collect()
    };
    let mut nodes = rejected("Node(s) failed Filter plugin FalseFilter-1", 2);
    nodes.extend(rejected("Node(s) failed Filter plugin FalseFilter-2", 1));
    assert_eq!(
        fit_error_message(3, None, &nodes, None, None),
        "0/3 nodes are available: 1 Node(s) failed Filter plugin FalseFilter-2, 2 Node(s) failed Filter plugin FalseFilter-1."
    );
    assert_eq!(
        fit_error_message(
            3,
            Some("Node(s) failed PreFilter plugin FalsePreFilter"),
            &[],
            None,
            None
        ),
        "0/3 nodes are available: Node(s) failed PreFilter plugin FalsePreFilter."
    );
    assert_eq!(
        fit_error_message(
            3,
            None,
            &nodes,
            None,
            Some("Error running PostFilter plugin FailedPostFilter")
        ),
        "0/3 nodes are available: 1 Node(s) failed Filter plugin FalseFilter-2, 2 Node(s) failed Filter plugin FalseFilter-1. Error running PostFilter plugin FailedPostFilter"
    );
}
