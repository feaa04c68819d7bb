//! The DaemonSet rolling update: how many nodes may be unavailable or surged, and
//! which old pods to replace now.
//!
//! Upstream: `pkg/controller/daemon/update.go` (rollingUpdate,
//! updatedDesiredNodeCounts, findUpdatedPodsOnNode) and
//! `pkg/controller/daemon/util/daemonset_util.go` (UnavailableCount, SurgeCount).
//! - maxUnavailable and maxSurge percentages resolve against the desired number of
//!   scheduled pods, rounding UP (a Deployment rounds maxUnavailable down). If both
//!   come to 0 with pods desired, maxUnavailable is 1. Example: 10 nodes, 25 % → 3.
//! - Without surge, an old pod is deleted (and the manage loop then creates the new
//!   one) while fewer than maxUnavailable nodes are unavailable; old pods that are not
//!   available anyway are always replaced.
//! - With surge, a new pod is created beside the old one on up to maxSurge nodes; the
//!   old pod goes once the new one is available.

use crate::model::daemon_set::DaemonSet;
use crate::model::intstr::IntOrString;

/// (maxSurge, maxUnavailable) for `desired` scheduled pods (`updatedDesiredNodeCounts`).
pub fn update_budget(daemon_set: &DaemonSet, desired: i32) -> (i32, i32) {
    let strategy = daemon_set
        .spec
        .as_ref()
        .and_then(|s| s.update_strategy.as_ref());
    if strategy.and_then(|s| s.type_.as_deref()) != Some("RollingUpdate") {
        return (0, if desired > 0 { 1 } else { 0 });
    }
    let rolling = strategy.and_then(|s| s.rolling_update.as_ref());
    let resolve = |value: Option<&IntOrString>, default: i32| {
        value
            .map(|v| v.scaled_value(desired, true).unwrap_or(default))
            .unwrap_or(default)
    };
    let max_unavailable = resolve(rolling.and_then(|r| r.max_unavailable.as_ref()), 1);
    let max_surge = resolve(rolling.and_then(|r| r.max_surge.as_ref()), 0);
    if desired > 0 && max_unavailable == 0 && max_surge == 0 {
        return (0, 1);
    }
    (max_surge, max_unavailable)
}

/// The state of one node during a rolling update, from `findUpdatedPodsOnNode`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeUpdateState {
    /// More than one new or more than one old pod: the manage loop cleans up.
    Unclean,
    /// Neither pod, or both: the manage loop creates or deletes.
    InTransition,
    /// Only an updated pod; is it available?
    Updated { available: bool },
    /// Only an old pod (its name); is it available?
    Old { pod: String, available: bool },
    /// Surge: both, the new one available or not (the old one's name).
    Surged {
        old_pod: String,
        new_available: bool,
    },
}

/// `rollingUpdate` without surge: the old pods to delete now.
pub fn pods_to_replace(nodes: &[NodeUpdateState], max_unavailable: i32) -> Vec<String> {
    let mut unavailable = 0;
    let mut allowed = Vec::new();
    let mut candidates = Vec::new();
    for node in nodes {
        match node {
            NodeUpdateState::Unclean | NodeUpdateState::InTransition => unavailable += 1,
            NodeUpdateState::Surged { .. } => unavailable += 1,
            NodeUpdateState::Updated { available } => {
                if !available {
                    unavailable += 1;
                }
            }
            NodeUpdateState::Old { pod, available } => {
                if !available {
                    allowed.push(pod.clone());
                } else if unavailable < max_unavailable {
                    candidates.push(pod.clone());
                }
            }
        }
    }
    let remaining = (max_unavailable - unavailable).clamp(0, candidates.len() as i32) as usize;
    allowed.extend(candidates.into_iter().take(remaining));
    allowed
}

/// `rollingUpdate` with surge: (old pods to delete, node indexes to create new pods on).
pub fn surge_plan(
    nodes: &[(String, NodeUpdateState)],
    max_surge: i32,
) -> (Vec<String>, Vec<String>) {
    let mut surged = 0;
    let mut to_delete = Vec::new();
    let mut allowed = Vec::new();
    let mut candidates = Vec::new();
    for (node, state) in nodes {
        match state {
            NodeUpdateState::Unclean => surged += 1,
            NodeUpdateState::InTransition | NodeUpdateState::Updated { .. } => {}
            NodeUpdateState::Old { available, .. } => {
                if !available {
                    allowed.push(node.clone());
                } else if surged < max_surge {
                    candidates.push(node.clone());
                }
            }
            NodeUpdateState::Surged {
                old_pod,
                new_available,
            } => {
                if *new_available {
                    to_delete.push(old_pod.clone());
                } else {
                    surged += 1;
                }
            }
        }
    }
    let remaining = (max_surge - surged).clamp(0, candidates.len() as i32) as usize;
    allowed.extend(candidates.into_iter().take(remaining));
    (to_delete, allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn daemon_set(max_unavailable: serde_json::Value, max_surge: serde_json::Value) -> DaemonSet {
        serde_json::from_value(serde_json::json!({
            "metadata": { "name": "ds" },
            "spec": { "updateStrategy": { "type": "RollingUpdate",
                "rollingUpdate": { "maxUnavailable": max_unavailable, "maxSurge": max_surge } } },
        }))
        .unwrap()
    }

    /// Percentages round up against the desired count; 0 and 0 becomes 1 unavailable.
    #[test]
    fn rolling_update_budget() {
        let cases = [
            (serde_json::json!(1), serde_json::json!(0), 5, (0, 1)),
            (serde_json::json!("25%"), serde_json::json!(0), 10, (0, 3)),
            (serde_json::json!("10%"), serde_json::json!(0), 3, (0, 1)),
            (serde_json::json!(0), serde_json::json!("30%"), 10, (3, 0)),
            (serde_json::json!(0), serde_json::json!(0), 4, (0, 1)),
            (serde_json::json!(0), serde_json::json!(0), 0, (0, 0)),
            (
                serde_json::json!("50%"),
                serde_json::json!("50%"),
                5,
                (3, 3),
            ),
        ];
        for (unavailable, surge, desired, expected) in cases {
            let ds = daemon_set(unavailable.clone(), surge.clone());
            assert_eq!(
                update_budget(&ds, desired),
                expected,
                "maxUnavailable {unavailable} maxSurge {surge} desired {desired}"
            );
        }
    }

    #[test]
    fn without_surge_old_pods_go_within_max_unavailable() {
        let old = |name: &str, available: bool| NodeUpdateState::Old {
            pod: name.to_string(),
            available,
        };
        let nodes = vec![
            NodeUpdateState::Updated { available: false },
            old("a", true),
            old("b", true),
            old("c", false),
        ];
        // One node is already unavailable: with maxUnavailable 2 one healthy old pod
        // may go, plus the unavailable one.
        assert_eq!(pods_to_replace(&nodes, 2), vec!["c", "a"]);
        assert_eq!(pods_to_replace(&nodes, 1), vec!["c"]);
    }
}
