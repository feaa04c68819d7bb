//! NodeAffinity: `nodeSelector` and required node affinity filter; preferred terms score.
//! Upstream: `pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go`.
//!
//! PreFilter narrows the nodes when every required term names nodes with
//! `matchFields: metadata.name In [...]` (DaemonSet pods do), so only those are
//! filtered. Score: the sum of matching preferred weights, normalized so the best
//! node gets 100 (weights [0, 2, 8] → [0, 25, 100]).

use std::collections::BTreeSet;

use crate::model::node_affinity::{
    FIELD_METADATA_NAME, NodeFields, PreferredTerms, RequiredNodeAffinity,
};
use crate::scheduler::framework::{
    CycleState, FilterPlugin, MAX_NODE_SCORE, Plugin, PreFilterPlugin, PreFilterResult,
    PreScorePlugin, ScorePlugin, Status, default_normalize_score,
};
use crate::scheduler::node_info::{Cache, NodeInfo, PodInfo};

pub const NAME: &str = "NodeAffinity";
/// `ErrReasonPod`.
pub const ERR_REASON_POD: &str = "node(s) didn't match Pod's node affinity/selector";
/// `errReasonConflict`.
pub const ERR_REASON_CONFLICT: &str = "pod affinity terms conflict";
const PRE_FILTER_STATE_KEY: &str = "PreFilterNodeAffinity";
const PRE_SCORE_STATE_KEY: &str = "PreScoreNodeAffinity";

pub struct NodeAffinity;

impl Plugin for NodeAffinity {
    fn name(&self) -> &'static str {
        NAME
    }
}

#[derive(Clone)]
struct PreFilterState {
    required: RequiredNodeAffinity,
}

impl PreFilterPlugin for NodeAffinity {
    fn pre_filter(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        _cache: &Cache,
    ) -> (Status, Option<PreFilterResult>) {
        let required = RequiredNodeAffinity::of(pod.pod());
        if required.is_empty() {
            return (Status::skip(), None);
        }
        state.write(PRE_FILTER_STATE_KEY, PreFilterState { required });
        let terms = pod
            .pod()
            .spec
            .as_ref()
            .and_then(|s| s.affinity.as_ref())
            .and_then(|a| a.node_affinity.as_ref())
            .and_then(|a| {
                a.required_during_scheduling_ignored_during_execution
                    .as_ref()
            })
            .and_then(|s| s.node_selector_terms.as_ref());
        let Some(terms) = terms else {
            return (Status::success(), None);
        };
        let mut node_names: Option<BTreeSet<String>> = None;
        for term in terms {
            let mut term_names: Option<BTreeSet<String>> = None;
            for requirement in term.match_fields.iter().flatten() {
                if requirement.key.as_deref() == Some(FIELD_METADATA_NAME)
                    && requirement.operator.as_deref() == Some("In")
                {
                    let values: BTreeSet<String> =
                        requirement.values.iter().flatten().cloned().collect();
                    term_names = Some(match term_names {
                        None => values,
                        Some(names) => names.intersection(&values).cloned().collect(),
                    });
                }
            }
            // A term without a node-name requirement admits every node (terms are ORed).
            let Some(term_names) = term_names else {
                return (Status::success(), None);
            };
            node_names
                .get_or_insert_with(BTreeSet::new)
                .extend(term_names);
        }
        match node_names {
            Some(names) if names.is_empty() => (Status::unresolvable(ERR_REASON_CONFLICT), None),
            names => (
                Status::success(),
                Some(PreFilterResult { node_names: names }),
            ),
        }
    }
}

impl FilterPlugin for NodeAffinity {
    fn filter(&self, state: &CycleState, _pod: &PodInfo, node: &NodeInfo) -> Status {
        let Some(pre) = state.read::<PreFilterState>(PRE_FILTER_STATE_KEY) else {
            return Status::success();
        };
        if pre.required.matches(NodeFields::of(node.node())) {
            Status::success()
        } else {
            Status::unresolvable(ERR_REASON_POD)
        }
    }
}

#[derive(Clone)]
struct PreScoreState {
    preferred: PreferredTerms,
}

impl PreScorePlugin for NodeAffinity {
    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        _nodes: &[&NodeInfo],
        _cache: &Cache,
    ) -> Status {
        match PreferredTerms::of(pod.pod()) {
            Err(error) => Status::error(format!("Parsing pod: {error}")),
            Ok(preferred) if preferred.is_empty() => Status::skip(),
            Ok(preferred) => {
                state.write(PRE_SCORE_STATE_KEY, PreScoreState { preferred });
                Status::success()
            }
        }
    }
}

impl ScorePlugin for NodeAffinity {
    fn score(&self, state: &CycleState, _pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        Ok(state
            .read::<PreScoreState>(PRE_SCORE_STATE_KEY)
            .map_or(0, |pre| pre.preferred.score(NodeFields::of(node.node()))))
    }

    fn normalize_score(&self, _state: &CycleState, _pod: &PodInfo, scores: &mut [i64]) -> bool {
        default_normalize_score(MAX_NODE_SCORE, false, scores);
        true
    }
}
