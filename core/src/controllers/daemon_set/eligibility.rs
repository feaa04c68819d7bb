//! Which nodes a DaemonSet's pods belong on, and the tolerations and pinning the
//! controller adds to them.
//!
//! Upstream: `pkg/controller/daemon/daemon_controller.go` (NodeShouldRunDaemonPod,
//! predicates) and `pkg/controller/daemon/util/daemonset_util.go`
//! (AddOrUpdateDaemonPodTolerations, ReplaceDaemonSetPodNodeNameNodeAffinity,
//! GetTargetNodeName).

use crate::model::Shared;
use crate::model::daemon_set::DaemonSet;
use crate::model::node::Node;
use crate::model::node_affinity::{FIELD_METADATA_NAME, NodeFields, RequiredNodeAffinity};
use crate::model::pod::{
    Affinity, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod, PodSpec,
    Toleration,
};
use crate::model::tolerations::{find_matching_untolerated_taint, is_do_not_schedule_taint};

/// The tolerations every DaemonSet pod gets (key, effect), in upstream's order; all
/// `Exists` without tolerationSeconds, so they tolerate forever. The last one only
/// for hostNetwork pods.
const DAEMON_TOLERATIONS: [(&str, &str); 7] = [
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ("node.kubernetes.io/network-unavailable", "NoSchedule"),
];

/// `AddOrUpdateDaemonPodTolerations`: adds the daemon tolerations, replacing a
/// toleration with the same key, operator, value and effect (`AddOrUpdateTolerationInPodSpec`).
pub fn add_daemon_tolerations(spec: &mut PodSpec) {
    let host_network = spec.host_network == Some(true);
    let tolerations = spec.tolerations.get_or_insert_with(Vec::new);
    for (index, (key, effect)) in DAEMON_TOLERATIONS.iter().enumerate() {
        if index == 6 && !host_network {
            continue;
        }
        let wanted = Toleration {
            key: Some(key.to_string()),
            operator: Some("Exists".to_string()),
            value: None,
            effect: Some(effect.to_string()),
            toleration_seconds: None,
        };
        let same = |t: &Toleration| {
            t.key == wanted.key
                && t.operator.as_deref().unwrap_or("Equal") == "Exists"
                && t.value.as_deref().unwrap_or("").is_empty()
                && t.effect == wanted.effect
        };
        match tolerations.iter_mut().find(|t| same(t)) {
            Some(existing) => *existing = wanted,
            None => tolerations.push(wanted),
        }
    }
}

/// `ReplaceDaemonSetPodNodeNameNodeAffinity`: pins the pod to `node` with a required
/// `matchFields metadata.name In [node]` term, replacing any required terms (the
/// controller already checked them).
pub fn pin_to_node(spec: &mut PodSpec, node: &str) {
    let term = NodeSelectorTerm {
        match_expressions: None,
        match_fields: Some(vec![NodeSelectorRequirement {
            key: Some(FIELD_METADATA_NAME.to_string()),
            operator: Some("In".to_string()),
            values: Some(vec![node.to_string()]),
        }]),
    };
    let affinity = spec.affinity.get_or_insert_with(Affinity::default);
    let node_affinity = affinity
        .node_affinity
        .get_or_insert_with(NodeAffinity::default);
    let required = node_affinity
        .required_during_scheduling_ignored_during_execution
        .get_or_insert_with(NodeSelector::default);
    required.node_selector_terms = Some(vec![term]);
}

/// `GetTargetNodeName`: the pod's node, or the node its affinity pins it to.
pub fn target_node_name(pod: &Pod) -> Option<String> {
    if !pod.node_name().is_empty() {
        return Some(pod.node_name().to_string());
    }
    let terms = pod
        .spec
        .as_ref()?
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?
        .node_selector_terms
        .as_ref()?;
    terms.iter().find_map(|term| {
        term.match_fields.iter().flatten().find_map(|field| {
            let values = field.values.as_deref().unwrap_or(&[]);
            (field.key.as_deref() == Some(FIELD_METADATA_NAME)
                && field.operator.as_deref() == Some("In")
                && values.len() == 1)
                .then(|| values[0].clone())
        })
    })
}

/// What a DaemonSet's pods need of a node, prepared once per sync (`NewPod`: the
/// template with the daemon tolerations, its required node affinity and nodeName).
pub struct DaemonPodFit {
    template_node: String,
    affinity: RequiredNodeAffinity,
    tolerations: Vec<Toleration>,
}

impl DaemonPodFit {
    pub fn of(daemon_set: &DaemonSet) -> DaemonPodFit {
        let mut spec = daemon_set
            .spec
            .as_ref()
            .and_then(|s| s.template.as_ref())
            .and_then(|t| t.spec.clone())
            .map(Shared::into_inner)
            .unwrap_or_default();
        let template_node = spec.node_name.take().unwrap_or_default();
        add_daemon_tolerations(&mut spec);
        let tolerations = spec.tolerations.take().unwrap_or_default();
        let pod = Pod {
            metadata: Default::default(),
            spec: Some(spec.into()),
            status: None,
        };
        DaemonPodFit {
            template_node,
            affinity: RequiredNodeAffinity::of(&pod),
            tolerations,
        }
    }

    /// `NodeShouldRunDaemonPod` → (should run, should continue running):
    /// - a template nodeName other than the node → (false, false);
    /// - nodeSelector or required node affinity not matching → (false, false);
    /// - an untolerated NoSchedule/NoExecute taint → should not run, and should not
    ///   continue only if one of the untolerated taints is NoExecute;
    /// - otherwise (true, true). Cordoned nodes are fine: the unschedulable taint is
    ///   tolerated.
    pub fn should_run(&self, node: &Node) -> (bool, bool) {
        let name = node.metadata.name();
        if !self.template_node.is_empty() && self.template_node != name {
            return (false, false);
        }
        if !self.affinity.matches(NodeFields::of(node)) {
            return (false, false);
        }
        let taints = node.taints();
        if find_matching_untolerated_taint(taints, &self.tolerations, is_do_not_schedule_taint)
            .is_some()
        {
            let untolerated_no_execute =
                find_matching_untolerated_taint(taints, &self.tolerations, |t| {
                    t.effect.as_deref() == Some("NoExecute")
                })
                .is_some();
            return (false, !untolerated_no_execute);
        }
        (true, true)
    }
}

/// `NodeShouldRunDaemonPod` for one node (see [`DaemonPodFit::should_run`]).
pub fn node_should_run_daemon_pod(node: &Node, daemon_set: &DaemonSet) -> (bool, bool) {
    DaemonPodFit::of(daemon_set).should_run(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(labels: &[(&str, &str)], taints: &[(&str, &str)]) -> Node {
        serde_json::from_value(serde_json::json!({
            "metadata": { "name": "node-1",
                "labels": labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<std::collections::BTreeMap<_, _>>() },
            "spec": { "taints": taints.iter().map(|(k, e)| serde_json::json!({"key": k, "effect": e})).collect::<Vec<_>>() },
        }))
        .unwrap()
    }

    fn daemon_set(spec: serde_json::Value) -> DaemonSet {
        serde_json::from_value(serde_json::json!({
            "metadata": { "name": "ds", "namespace": "default" },
            "spec": { "selector": { "matchLabels": { "app": "ds" } },
                "template": { "metadata": { "labels": { "app": "ds" } }, "spec": spec } },
        }))
        .unwrap()
    }

    /// The rules of upstream `NodeShouldRunDaemonPod`, case by case: node name, node
    /// selector, node affinity and taints (the default DaemonSet tolerations included).
    #[test]
    fn node_should_run_daemon_pod_cases() {
        let plain =
            daemon_set(serde_json::json!({ "containers": [{ "name": "c", "image": "i" }] }));
        let selecting = daemon_set(serde_json::json!({
            "nodeSelector": { "disk": "ssd" }, "containers": [{ "name": "c", "image": "i" }] }));
        let named = daemon_set(serde_json::json!({
            "nodeName": "other", "containers": [{ "name": "c", "image": "i" }] }));
        let affinity = daemon_set(serde_json::json!({
            "affinity": { "nodeAffinity": { "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{ "matchExpressions": [{ "key": "zone", "operator": "In", "values": ["a"] }] }] } } },
            "containers": [{ "name": "c", "image": "i" }] }));
        let tolerating = daemon_set(serde_json::json!({
            "tolerations": [{ "key": "dedicated", "operator": "Exists" }],
            "containers": [{ "name": "c", "image": "i" }] }));
        let cases: Vec<(&str, Node, &DaemonSet, (bool, bool))> = vec![
            ("fits", node(&[], &[]), &plain, (true, true)),
            (
                "selector matches",
                node(&[("disk", "ssd")], &[]),
                &selecting,
                (true, true),
            ),
            (
                "selector does not match",
                node(&[("disk", "hdd")], &[]),
                &selecting,
                (false, false),
            ),
            ("other node name", node(&[], &[]), &named, (false, false)),
            (
                "affinity matches",
                node(&[("zone", "a")], &[]),
                &affinity,
                (true, true),
            ),
            (
                "affinity does not match",
                node(&[("zone", "b")], &[]),
                &affinity,
                (false, false),
            ),
            (
                "NoSchedule taint: no new pod, keep running",
                node(&[], &[("dedicated", "NoSchedule")]),
                &plain,
                (false, true),
            ),
            (
                "NoExecute taint: go",
                node(&[], &[("dedicated", "NoExecute")]),
                &plain,
                (false, false),
            ),
            (
                "tolerated taint",
                node(&[], &[("dedicated", "NoExecute")]),
                &tolerating,
                (true, true),
            ),
            (
                "PreferNoSchedule is fine",
                node(&[], &[("dedicated", "PreferNoSchedule")]),
                &plain,
                (true, true),
            ),
            (
                "cordoned node",
                node(&[], &[("node.kubernetes.io/unschedulable", "NoSchedule")]),
                &plain,
                (true, true),
            ),
            (
                "unreachable node",
                node(&[], &[("node.kubernetes.io/unreachable", "NoExecute")]),
                &plain,
                (true, true),
            ),
            (
                "control plane",
                node(
                    &[],
                    &[("node-role.kubernetes.io/control-plane", "NoSchedule")],
                ),
                &plain,
                (false, true),
            ),
        ];
        for (name, node, ds, expected) in cases {
            assert_eq!(node_should_run_daemon_pod(&node, ds), expected, "{name}");
        }
    }

    #[test]
    fn daemon_pods_tolerate_node_problems_forever_and_are_pinned() {
        let mut spec = PodSpec::default();
        add_daemon_tolerations(&mut spec);
        let keys: Vec<String> = spec
            .tolerations
            .iter()
            .flatten()
            .map(|t| {
                format!(
                    "{}:{}",
                    t.key.as_deref().unwrap(),
                    t.effect.as_deref().unwrap()
                )
            })
            .collect();
        assert_eq!(keys.len(), 6);
        assert_eq!(keys[0], "node.kubernetes.io/not-ready:NoExecute");
        assert!(
            spec.tolerations
                .iter()
                .flatten()
                .all(|t| t.toleration_seconds.is_none())
        );
        add_daemon_tolerations(&mut spec);
        assert_eq!(spec.tolerations.as_ref().unwrap().len(), 6, "idempotent");
        pin_to_node(&mut spec, "worker-2");
        let pod = Pod {
            metadata: Default::default(),
            spec: Some(spec.into()),
            status: None,
        };
        assert_eq!(target_node_name(&pod).as_deref(), Some("worker-2"));
    }
}
