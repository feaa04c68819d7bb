//! TaintToleration: NoSchedule/NoExecute taints keep pods off unless tolerated;
//! untolerated PreferNoSchedule taints lower the score.
//! Upstream: `pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go`.
//!
//! Score: the number of untolerated PreferNoSchedule taints, normalized reversed:
//! counts [0, 1, 2] → [100, 50, 0].

use crate::model::pod::Toleration;
use crate::model::tolerations::{
    EFFECT_PREFER_NO_SCHEDULE, find_matching_untolerated_taint, is_do_not_schedule_taint,
    taint_in_braces, tolerations_tolerate_taint,
};
use crate::scheduler::framework::{
    CycleState, FilterPlugin, MAX_NODE_SCORE, Plugin, PreScorePlugin, ScorePlugin, Status,
    default_normalize_score,
};
use crate::scheduler::node_info::{Cache, NodeInfo, PodInfo};

pub const NAME: &str = "TaintToleration";
const PRE_SCORE_STATE_KEY: &str = "PreScoreTaintToleration";

pub struct TaintToleration;

fn tolerations(pod: &PodInfo) -> &[Toleration] {
    pod.pod()
        .spec
        .as_ref()
        .and_then(|s| s.tolerations.as_deref())
        .unwrap_or(&[])
}

impl Plugin for TaintToleration {
    fn name(&self) -> &'static str {
        NAME
    }
}

impl FilterPlugin for TaintToleration {
    fn filter(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        let taints = node.taints();
        if taints.is_empty() {
            return Status::success();
        }
        match find_matching_untolerated_taint(taints, tolerations(pod), is_do_not_schedule_taint) {
            None => Status::success(),
            // "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"
            Some(taint) => Status::unresolvable(format!(
                "node(s) had untolerated taint {}",
                taint_in_braces(taint)
            )),
        }
    }

    fn admits(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> bool {
        let taints = node.taints();
        taints.is_empty()
            || find_matching_untolerated_taint(taints, tolerations(pod), is_do_not_schedule_taint)
                .is_none()
    }
}

/// `preScoreState`: the tolerations that can tolerate PreferNoSchedule taints.
#[derive(Clone)]
struct PreScoreState {
    tolerations_prefer_no_schedule: Vec<Toleration>,
}

impl PreScoreState {
    /// `countIntolerableTaintsPreferNoSchedule`.
    fn untolerated_prefer_no_schedule(&self, taints: &[crate::model::node::Taint]) -> i64 {
        taints
            .iter()
            .filter(|taint| taint.effect.as_deref() == Some(EFFECT_PREFER_NO_SCHEDULE))
            .filter(|taint| {
                !tolerations_tolerate_taint(&self.tolerations_prefer_no_schedule, taint)
            })
            .count() as i64
    }
}

impl PreScorePlugin for TaintToleration {
    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        _nodes: &[&NodeInfo],
        _cache: &Cache,
    ) -> Status {
        // Empty effect means all effects, PreferNoSchedule included.
        let tolerations_prefer_no_schedule = tolerations(pod)
            .iter()
            .filter(|t| {
                let effect = t.effect.as_deref().unwrap_or("");
                effect.is_empty() || effect == EFFECT_PREFER_NO_SCHEDULE
            })
            .cloned()
            .collect();
        state.write(
            PRE_SCORE_STATE_KEY,
            PreScoreState {
                tolerations_prefer_no_schedule,
            },
        );
        Status::success()
    }
}

impl ScorePlugin for TaintToleration {
    fn score(&self, state: &CycleState, _pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        let taints = node.taints();
        if taints.is_empty() {
            return Ok(0);
        }
        let Some(pre) = state.read::<PreScoreState>(PRE_SCORE_STATE_KEY) else {
            return Err(Status::error(format!(
                "failed to read \"{PRE_SCORE_STATE_KEY}\" from cycleState"
            )));
        };
        Ok(pre.untolerated_prefer_no_schedule(taints))
    }

    fn score_nodes(
        &self,
        state: &CycleState,
        _pod: &PodInfo,
        nodes: &[&NodeInfo],
        scores: &mut Vec<i64>,
    ) -> Result<(), Status> {
        let pre = state.read::<PreScoreState>(PRE_SCORE_STATE_KEY);
        for node in nodes {
            let taints = node.taints();
            if taints.is_empty() {
                scores.push(0);
                continue;
            }
            let Some(pre) = pre else {
                return Err(Status::error(format!(
                    "failed to read \"{PRE_SCORE_STATE_KEY}\" from cycleState"
                )));
            };
            scores.push(pre.untolerated_prefer_no_schedule(taints));
        }
        Ok(())
    }

    fn normalize_score(&self, _state: &CycleState, _pod: &PodInfo, scores: &mut [i64]) -> bool {
        default_normalize_score(MAX_NODE_SCORE, true, scores);
        true
    }
}
