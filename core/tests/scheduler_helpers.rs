//! Table tests of the scheduling helpers shared by the scheduler, the DaemonSet
//! controller and the taint manager, with upstream's own cases.

use kubesim::model::node::{Node, Taint};
use kubesim::model::node_affinity::{NodeFields, PreferredTerms, RequiredNodeAffinity};
use kubesim::model::pod::{Pod, Toleration};
use kubesim::model::resources::{Resources, pod_resources};
use kubesim::model::tolerations::{
    find_matching_untolerated_taint, is_do_not_schedule_taint, toleration_tolerates_taint,
    tolerations_tolerate_taint,
};
use serde_json::json;

fn taint(key: &str, value: &str, effect: &str) -> Taint {
    serde_json::from_value(json!({ "key": key, "value": value, "effect": effect })).unwrap()
}

fn toleration(key: &str, operator: &str, value: &str, effect: &str) -> Toleration {
    let mut t = json!({});
    for (field, v) in [
        ("key", key),
        ("operator", operator),
        ("value", value),
        ("effect", effect),
    ] {
        if !v.is_empty() {
            t[field] = json!(v);
        }
    }
    serde_json::from_value(t).unwrap()
}

/// `staging/src/k8s.io/api/core/v1/toleration_test.go` TestTolerationToleratesTaint.
#[test]
fn toleration_tolerates_taint_upstream_cases() {
    let cases = [
        (
            "same key and effect, Exists, taint without value",
            toleration("foo", "Exists", "", "NoSchedule"),
            taint("foo", "", "NoSchedule"),
            true,
        ),
        (
            "same key and effect, Exists, taint with value",
            toleration("foo", "Exists", "", "NoSchedule"),
            taint("foo", "bar", "NoSchedule"),
            true,
        ),
        (
            "empty key with Exists matches all keys",
            toleration("", "Exists", "", "NoSchedule"),
            taint("foo", "bar", "NoSchedule"),
            true,
        ),
        (
            "same key, effect and value, Equal",
            toleration("foo", "Equal", "bar", "NoSchedule"),
            taint("foo", "bar", "NoSchedule"),
            true,
        ),
        (
            "different values, Equal",
            toleration("foo", "Equal", "value1", "NoSchedule"),
            taint("foo", "value2", "NoSchedule"),
            false,
        ),
        (
            "different effects",
            toleration("foo", "Equal", "bar", "NoSchedule"),
            taint("foo", "bar", "NoExecute"),
            false,
        ),
        (
            "Gt, taint value less",
            toleration("node.kubernetes.io/sla", "Gt", "950", "NoSchedule"),
            taint("node.kubernetes.io/sla", "800", "NoSchedule"),
            false,
        ),
        (
            "Gt, taint value greater",
            toleration("node.kubernetes.io/sla", "Gt", "750", "NoSchedule"),
            taint("node.kubernetes.io/sla", "950", "NoSchedule"),
            true,
        ),
        (
            "Lt, taint value greater",
            toleration("node.kubernetes.io/sla", "Lt", "800", "NoSchedule"),
            taint("node.kubernetes.io/sla", "950", "NoSchedule"),
            false,
        ),
        (
            "Lt, taint value less",
            toleration("node.kubernetes.io/sla", "Lt", "950", "NoSchedule"),
            taint("node.kubernetes.io/sla", "800", "NoSchedule"),
            true,
        ),
        (
            "Gt, equal values",
            toleration("node.kubernetes.io/sla", "Gt", "950", "NoSchedule"),
            taint("node.kubernetes.io/sla", "950", "NoSchedule"),
            false,
        ),
        (
            "Gt, non-numeric taint value",
            toleration("node.kubernetes.io/sla", "Gt", "950", "NoSchedule"),
            taint("node.kubernetes.io/sla", "high", "NoSchedule"),
            false,
        ),
        (
            "Gt, negative values",
            toleration("test-key", "Gt", "-100", "NoSchedule"),
            taint("test-key", "-200", "NoSchedule"),
            false,
        ),
        (
            "Gt, large values",
            toleration("test-key", "Gt", "9223372036854775806", "NoSchedule"),
            taint("test-key", "100", "NoSchedule"),
            false,
        ),
        // Empty effect on the toleration matches every effect (rule 1).
        (
            "empty effect matches any effect",
            toleration("foo", "Equal", "bar", ""),
            taint("foo", "bar", "NoExecute"),
            true,
        ),
    ];
    for (description, toleration, taint, expected) in cases {
        assert_eq!(
            toleration_tolerates_taint(&toleration, &taint),
            expected,
            "{description}"
        );
    }
}

/// `pkg/apis/core/v1/helper/helpers_test.go` TestTolerationsTolerateTaintsWithFilter and
/// `component-helpers/scheduling/corev1/helpers_test.go` TestFindMatchingUntoleratedTaint.
#[test]
fn find_matching_untolerated_taint_upstream_cases() {
    let no_schedule = |t: &Taint| t.effect.as_deref() == Some("NoSchedule");
    // "empty tolerations tolerate empty taints"
    assert!(find_matching_untolerated_taint(&[], &[], |_| true).is_none());
    // "non-empty tolerations tolerate empty taints"
    assert!(
        find_matching_untolerated_taint(
            &[],
            &[toleration("foo", "Exists", "", "NoSchedule")],
            |_| true
        )
        .is_none()
    );
    // "tolerations match all taints, expect tolerated"
    let taints = [taint("foo", "", "NoSchedule")];
    assert!(
        find_matching_untolerated_taint(
            &taints,
            &[toleration("foo", "Exists", "", "NoSchedule")],
            |_| true
        )
        .is_none()
    );
    // "tolerations don't match taints, expect untolerated"
    let taints = [taint("bar", "", "NoSchedule")];
    let found = find_matching_untolerated_taint(
        &taints,
        &[toleration("foo", "Exists", "", "NoSchedule")],
        |_| true,
    );
    assert_eq!(found.and_then(|t| t.key.as_deref()), Some("bar"));
    // "tolerations partially match taints, expect untolerated"
    let taints = [
        taint("foo", "", "NoSchedule"),
        taint("bar", "", "NoSchedule"),
    ];
    let found = find_matching_untolerated_taint(
        &taints,
        &[toleration("foo", "Exists", "", "NoSchedule")],
        |_| true,
    );
    assert_eq!(found.and_then(|t| t.key.as_deref()), Some("bar"));
    // "taints with PreferNoSchedule are filtered out": only NoSchedule counts.
    let taints = [
        taint("foo", "", "NoSchedule"),
        taint("bar", "", "PreferNoSchedule"),
    ];
    assert!(
        find_matching_untolerated_taint(
            &taints,
            &[toleration("foo", "Exists", "", "NoSchedule")],
            no_schedule
        )
        .is_none()
    );
    // The scheduler's filter: NoSchedule and NoExecute.
    let taints = [
        taint("soft", "", "PreferNoSchedule"),
        taint("evict", "", "NoExecute"),
    ];
    let found = find_matching_untolerated_taint(&taints, &[], is_do_not_schedule_taint);
    assert_eq!(found.and_then(|t| t.key.as_deref()), Some("evict"));
    assert!(tolerations_tolerate_taint(
        &[toleration("", "Exists", "", "")],
        &taints[1]
    ));
}

fn node(name: &str, labels: serde_json::Value) -> Node {
    serde_json::from_value(json!({ "metadata": { "name": name, "labels": labels } })).unwrap()
}

fn pod(spec: serde_json::Value) -> Pod {
    serde_json::from_value(json!({ "metadata": { "name": "p" }, "spec": spec })).unwrap()
}

/// `component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity_test.go`
/// TestNodeSelectorMatch and TestPodMatchesNodeSelectorAndAffinityTerms (cases from
/// `pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go` TestNodeAffinity).
#[test]
fn required_node_affinity_upstream_cases() {
    let affinity = |terms: serde_json::Value| json!({ "affinity": { "nodeAffinity": { "requiredDuringSchedulingIgnoredDuringExecution": { "nodeSelectorTerms": terms } } } });
    let cases: Vec<(&str, serde_json::Value, serde_json::Value, bool)> = vec![
        ("no selector", json!({}), json!({}), true),
        (
            "missing labels",
            json!({ "nodeSelector": { "foo": "bar" } }),
            json!({}),
            false,
        ),
        (
            "same labels",
            json!({ "nodeSelector": { "foo": "bar" } }),
            json!({ "foo": "bar" }),
            true,
        ),
        (
            "node labels are superset",
            json!({ "nodeSelector": { "foo": "bar" } }),
            json!({ "foo": "bar", "baz": "blah" }),
            true,
        ),
        (
            "node labels are subset",
            json!({ "nodeSelector": { "foo": "bar", "baz": "blah" } }),
            json!({ "foo": "bar" }),
            false,
        ),
        (
            "Pod with matchExpressions using In operator that matches the existing node",
            affinity(
                json!([{ "matchExpressions": [{ "key": "foo", "operator": "In", "values": ["bar", "value2"] }] }]),
            ),
            json!({ "foo": "bar" }),
            true,
        ),
        (
            "Pod with matchExpressions using Gt operator that matches the existing node",
            affinity(
                json!([{ "matchExpressions": [{ "key": "kernel-version", "operator": "Gt", "values": ["0204"] }] }]),
            ),
            json!({ "kernel-version": "0206" }),
            true,
        ),
        (
            "Pod with matchExpressions using NotIn operator that matches the existing node",
            affinity(
                json!([{ "matchExpressions": [{ "key": "mem-type", "operator": "NotIn", "values": ["DDR", "DDR2"] }] }]),
            ),
            json!({ "mem-type": "DDR3" }),
            true,
        ),
        (
            "Pod with matchExpressions using Exists operator that matches the existing node",
            affinity(json!([{ "matchExpressions": [{ "key": "GPU", "operator": "Exists" }] }])),
            json!({ "GPU": "NVIDIA-GRID-K1" }),
            true,
        ),
        (
            "Pod with affinity that don't match node's labels won't schedule onto the node",
            affinity(
                json!([{ "matchExpressions": [{ "key": "foo", "operator": "In", "values": ["value1", "value2"] }] }]),
            ),
            json!({ "foo": "bar" }),
            false,
        ),
        (
            "Pod with a nil []NodeSelectorTerm in affinity, can't match the node's labels and won't schedule onto the node",
            json!({ "affinity": { "nodeAffinity": { "requiredDuringSchedulingIgnoredDuringExecution": {} } } }),
            json!({ "foo": "bar" }),
            false,
        ),
        (
            "Pod with an empty []NodeSelectorTerm in affinity, can't match the node's labels and won't schedule onto the node",
            affinity(json!([])),
            json!({ "foo": "bar" }),
            false,
        ),
        (
            "Pod with empty MatchExpressions is not a valid value will match no objects and won't schedule onto the node",
            affinity(json!([{ "matchExpressions": [] }])),
            json!({ "foo": "bar" }),
            false,
        ),
        (
            "Pod with no Affinity will schedule onto a node",
            json!({}),
            json!({ "foo": "bar" }),
            true,
        ),
        (
            "Pod with Affinity but nil NodeSelector will schedule onto a node",
            json!({ "affinity": { "nodeAffinity": {} } }),
            json!({ "foo": "bar" }),
            true,
        ),
        (
            "Pod with multiple matchExpressions ANDed that matches the existing node",
            affinity(
                json!([{ "matchExpressions": [{ "key": "GPU", "operator": "Exists" }, { "key": "GPU", "operator": "NotIn", "values": ["AMD", "INTER"] }] }]),
            ),
            json!({ "GPU": "NVIDIA-GRID-K1" }),
            true,
        ),
        (
            "Pod with multiple matchExpressions ANDed that doesn't match the existing node",
            affinity(
                json!([{ "matchExpressions": [{ "key": "GPU", "operator": "Exists" }, { "key": "GPU", "operator": "In", "values": ["AMD", "INTER"] }] }]),
            ),
            json!({ "GPU": "NVIDIA-GRID-K1" }),
            false,
        ),
        (
            "Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and will schedule onto the node",
            affinity(
                json!([{ "matchExpressions": [{ "key": "foo", "operator": "In", "values": ["bar", "value2"] }] }, { "matchExpressions": [{ "key": "diffkey", "operator": "In", "values": ["wrong", "value2"] }] }]),
            ),
            json!({ "foo": "bar" }),
            true,
        ),
        (
            "Pod with an Affinity and a PodSpec.NodeSelector(the old thing that we are deprecating) both are satisfied, will schedule onto the node",
            {
                let mut s = affinity(
                    json!([{ "matchExpressions": [{ "key": "foo", "operator": "Exists" }] }]),
                );
                s["nodeSelector"] = json!({ "foo": "bar" });
                s
            },
            json!({ "foo": "bar" }),
            true,
        ),
        (
            "Pod with an Affinity matches node's labels but the PodSpec.NodeSelector(the old thing that we are deprecating) is not satisfied, won't schedule onto the node",
            {
                let mut s = affinity(
                    json!([{ "matchExpressions": [{ "key": "foo", "operator": "Exists" }] }]),
                );
                s["nodeSelector"] = json!({ "foo": "bar" });
                s
            },
            json!({ "foo": "barrrrrr" }),
            false,
        ),
        (
            "Pod with an invalid value in Affinity term won't be scheduled onto the node",
            affinity(
                json!([{ "matchExpressions": [{ "key": "foo", "operator": "NotIn", "values": ["invalid value: ___@#$%^"] }] }]),
            ),
            json!({ "foo": "bar" }),
            false,
        ),
        (
            "Pod with matchFields using In operator that matches the existing node",
            affinity(
                json!([{ "matchFields": [{ "key": "metadata.name", "operator": "In", "values": ["node1"] }] }]),
            ),
            json!({}),
            true,
        ),
        (
            "Pod with matchFields using In operator that does not match the existing node",
            affinity(
                json!([{ "matchFields": [{ "key": "metadata.name", "operator": "In", "values": ["node2"] }] }]),
            ),
            json!({}),
            false,
        ),
        (
            "Pod with two terms: matchFields does not match, but matchExpressions matches",
            affinity(
                json!([{ "matchFields": [{ "key": "metadata.name", "operator": "In", "values": ["node2"] }] }, { "matchExpressions": [{ "key": "foo", "operator": "In", "values": ["bar"] }] }]),
            ),
            json!({ "foo": "bar" }),
            true,
        ),
        (
            "Pod with one term: matchFields does not match, but matchExpressions matches",
            affinity(
                json!([{ "matchFields": [{ "key": "metadata.name", "operator": "In", "values": ["node2"] }], "matchExpressions": [{ "key": "foo", "operator": "In", "values": ["bar"] }] }]),
            ),
            json!({ "foo": "bar" }),
            false,
        ),
        (
            "Pod with one term: both matchFields and matchExpressions match",
            affinity(
                json!([{ "matchFields": [{ "key": "metadata.name", "operator": "In", "values": ["node1"] }], "matchExpressions": [{ "key": "foo", "operator": "In", "values": ["bar"] }] }]),
            ),
            json!({ "foo": "bar" }),
            true,
        ),
        (
            "Pod with two terms: both matchFields and matchExpressions do not match",
            affinity(
                json!([{ "matchFields": [{ "key": "metadata.name", "operator": "In", "values": ["node2"] }] }, { "matchExpressions": [{ "key": "foo", "operator": "In", "values": ["not-match-to-bar"] }] }]),
            ),
            json!({ "foo": "bar" }),
            false,
        ),
    ];
    for (description, spec, labels, expected) in cases {
        let required = RequiredNodeAffinity::of(&pod(spec));
        assert_eq!(
            required.matches_node(&node("node1", labels)),
            expected,
            "{description}"
        );
    }
}

/// `pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go` TestNodeAffinityPriority
/// (raw scores before normalization: the sum of matching preferred weights).
#[test]
fn preferred_terms_score_upstream_cases() {
    let preferred = json!({ "affinity": { "nodeAffinity": { "preferredDuringSchedulingIgnoredDuringExecution": [
        { "weight": 2, "preference": { "matchExpressions": [{ "key": "foo", "operator": "In", "values": ["bar"] }] } },
        { "weight": 4, "preference": { "matchExpressions": [{ "key": "key", "operator": "In", "values": ["value"] }] } },
        { "weight": 5, "preference": { "matchExpressions": [
            { "key": "foo", "operator": "In", "values": ["bar"] },
            { "key": "key", "operator": "In", "values": ["value"] },
            { "key": "az", "operator": "In", "values": ["az1"] } ] } },
        { "weight": 0, "preference": { "matchExpressions": [{ "key": "foo", "operator": "Exists" }] } },
    ] } } });
    let terms = PreferredTerms::of(&pod(preferred)).unwrap();
    let score = |labels: serde_json::Value| {
        let n = node("machine", labels);
        terms.score(NodeFields::of(&n))
    };
    assert_eq!(score(json!({ "foo": "bar" })), 2);
    assert_eq!(score(json!({ "key": "value" })), 4);
    assert_eq!(
        score(json!({ "foo": "bar", "key": "value", "az": "az1" })),
        11
    );
    assert_eq!(score(json!({ "region": "r1" })), 0);
    let invalid = json!({ "affinity": { "nodeAffinity": { "preferredDuringSchedulingIgnoredDuringExecution": [
        { "weight": 1, "preference": { "matchExpressions": [{ "key": "foo", "operator": "Bad", "values": ["x"] }] } } ] } } });
    assert!(PreferredTerms::of(&pod(invalid)).is_err());
}

fn container(name: &str, requests: serde_json::Value) -> serde_json::Value {
    json!({ "name": name, "image": "x", "resources": { "requests": requests } })
}

/// `staging/src/k8s.io/component-helpers/resource/helpers_test.go` TestPodResourceRequests
/// (the sidecar cases of KEP-753) and `pkg/scheduler/framework/types_test.go`
/// TestCalculateResource (non-zero defaults).
#[test]
fn pod_requests_upstream_cases() {
    let sidecar = |name: &str, cpu: &str| {
        let mut c = container(name, json!({ "cpu": cpu }));
        c["restartPolicy"] = json!("Always");
        c
    };
    let cases: Vec<(&str, serde_json::Value, i64)> = vec![
        (
            "containers summed",
            json!({ "containers": [container("a", json!({ "cpu": "1" })), container("b", json!({ "cpu": "2" }))] }),
            3000,
        ),
        (
            "init container larger than the containers",
            json!({ "containers": [container("a", json!({ "cpu": "1" }))], "initContainers": [container("i", json!({ "cpu": "2" }))] }),
            2000,
        ),
        (
            "restartable init container",
            json!({ "containers": [container("a", json!({ "cpu": "1" }))], "initContainers": [sidecar("s", "1")] }),
            2000,
        ),
        (
            "multiple restartable init containers",
            json!({ "containers": [container("a", json!({ "cpu": "1" }))], "initContainers": [sidecar("s1", "1"), sidecar("s2", "2"), sidecar("s3", "3")] }),
            7000,
        ),
        (
            "multiple restartable and regular init containers",
            json!({ "containers": [container("a", json!({ "cpu": "1" }))],
            "initContainers": [container("i1", json!({ "cpu": "5" })), sidecar("s1", "1"), sidecar("s2", "2"), container("i2", json!({ "cpu": "5" })), sidecar("s3", "3")] }),
            8000,
        ),
        (
            "restartable-init, init and regular",
            json!({ "containers": [container("a", json!({ "cpu": "1" }))],
            "initContainers": [sidecar("s1", "1"), container("i1", json!({ "cpu": "5" }))] }),
            6000,
        ),
        (
            "pod overhead added",
            json!({ "containers": [container("a", json!({ "cpu": "1" }))], "overhead": { "cpu": "250m" } }),
            1250,
        ),
        (
            "pod-level requests win",
            json!({ "containers": [container("a", json!({ "cpu": "1" }))], "resources": { "requests": { "cpu": "3" } } }),
            3000,
        ),
    ];
    for (description, spec, cpu_millis) in cases {
        assert_eq!(
            pod_resources(&pod(spec)).requests.cpu_millis,
            cpu_millis,
            "{description}"
        );
    }

    // Non-zero requests: defaults per container when absent, explicit zero kept.
    let no_requests = pod(
        json!({ "containers": [{ "name": "a", "image": "x" }, { "name": "b", "image": "x" }] }),
    );
    let r = pod_resources(&no_requests);
    assert_eq!((r.requests.cpu_millis, r.requests.memory_bytes), (0, 0));
    assert_eq!(
        (r.non_zero_cpu_millis, r.non_zero_memory_bytes),
        (200, 400 * 1024 * 1024)
    );
    let explicit_zero =
        pod(json!({ "containers": [container("a", json!({ "cpu": "0", "memory": "0" }))] }));
    let r = pod_resources(&explicit_zero);
    assert_eq!((r.non_zero_cpu_millis, r.non_zero_memory_bytes), (0, 0));
    let cpu_only = pod(json!({ "containers": [container("a", json!({ "cpu": "500m" }))] }));
    let r = pod_resources(&cpu_only);
    assert_eq!(
        (r.non_zero_cpu_millis, r.non_zero_memory_bytes),
        (500, 200 * 1024 * 1024)
    );
    // No containers at all: nothing, not even the defaults (upstream's st.MakePod().Obj()).
    assert_eq!(pod_resources(&pod(json!({}))).non_zero_cpu_millis, 0);

    // Extended resources and memory units.
    let gpu = pod(
        json!({ "containers": [container("a", json!({ "nvidia.com/gpu": "2", "memory": "1Gi" }))] }),
    );
    let r = pod_resources(&gpu).requests;
    assert_eq!(r.get("nvidia.com/gpu"), 2);
    assert_eq!(r.memory_bytes, 1024 * 1024 * 1024);
    let allocatable: Resources = Resources::from_quantities(Some(
        &serde_json::from_value(json!({ "cpu": "4", "memory": "8Gi", "pods": "110" })).unwrap(),
    ));
    assert_eq!((allocatable.cpu_millis, allocatable.pods), (4000, 110));
}
