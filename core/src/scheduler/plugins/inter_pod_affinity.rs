//! InterPodAffinity: pod affinity and anti-affinity, required (filter) and preferred
//! (score), including the anti-affinity of pods already running.
//! Upstream: `pkg/scheduler/framework/plugins/interpodaffinity/{plugin.go,filtering.go,scoring.go}`.
//!
//! Counts are kept per topology pair (key, value). A node fails required affinity when
//! a term's domain has no matching pod (unless no pod matches anywhere and the pod
//! matches its own terms: the first of a group); it fails anti-affinity when its domain
//! has one. Score: Σ weights of matching preferred terms per domain (affinity +,
//! anti-affinity −, existing pods' required affinity × hardPodAffinityWeight),
//! normalized linearly from the minimum (0) to the maximum (100).

use std::collections::BTreeMap;

use crate::scheduler::framework::{
    CycleState, FilterPlugin, MAX_NODE_SCORE, Plugin, PreFilterPlugin, PreFilterResult,
    PreScorePlugin, ScorePlugin, Status,
};
use crate::scheduler::node_info::{AffinityTerm, Cache, NodeInfo, PodInfo, WeightedAffinityTerm};

pub const NAME: &str = "InterPodAffinity";
/// `ErrReasonExistingAntiAffinityRulesNotMatch`.
pub const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH: &str =
    "node(s) didn't satisfy existing pods anti-affinity rules";
/// `ErrReasonAffinityRulesNotMatch`.
pub const ERR_REASON_AFFINITY_RULES_NOT_MATCH: &str = "node(s) didn't match pod affinity rules";
/// `ErrReasonAntiAffinityRulesNotMatch`.
pub const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH: &str =
    "node(s) didn't match pod anti-affinity rules";
const PRE_FILTER_STATE_KEY: &str = "PreFilterInterPodAffinity";
const PRE_SCORE_STATE_KEY: &str = "PreScoreInterPodAffinity";

pub struct InterPodAffinity {
    pub hard_pod_affinity_weight: i64,
    pub ignore_preferred_terms_of_existing_pods: bool,
}

type PairCounts = BTreeMap<(String, String), i64>;

#[derive(Clone, Default)]
struct PreFilterState {
    existing_anti_affinity_counts: PairCounts,
    affinity_counts: PairCounts,
    anti_affinity_counts: PairCounts,
    pod_matches_own_terms: bool,
}

fn add_counts_for(
    counts: &mut PairCounts,
    terms: &[AffinityTerm],
    target: &PodInfo,
    namespace_labels: &BTreeMap<String, String>,
    node: &NodeInfo,
    delta: i64,
) {
    for term in terms {
        if let Some(value) = node.labels().get(&term.topology_key)
            && term.matches(target.pod(), namespace_labels)
        {
            *counts
                .entry((term.topology_key.clone(), value.clone()))
                .or_insert(0) += delta;
        }
    }
}

impl InterPodAffinity {
    /// Counts contributed by `existing` on `node` (used for the whole cluster in
    /// PreFilter, and per pod by preemption's what-if).
    fn account(
        state: &mut PreFilterState,
        pod: &PodInfo,
        existing: &PodInfo,
        node: &NodeInfo,
        cache: &Cache,
        delta: i64,
    ) {
        let own_namespace_labels = cache.namespace_labels(pod.namespace());
        add_counts_for(
            &mut state.existing_anti_affinity_counts,
            &existing.required_anti_affinity_terms,
            pod,
            own_namespace_labels,
            node,
            delta,
        );
        let existing_namespace_labels = cache.namespace_labels(existing.namespace());
        add_counts_for(
            &mut state.affinity_counts,
            &pod.required_affinity_terms,
            existing,
            existing_namespace_labels,
            node,
            delta,
        );
        add_counts_for(
            &mut state.anti_affinity_counts,
            &pod.required_anti_affinity_terms,
            existing,
            existing_namespace_labels,
            node,
            delta,
        );
        for counts in [
            &mut state.existing_anti_affinity_counts,
            &mut state.affinity_counts,
            &mut state.anti_affinity_counts,
        ] {
            counts.retain(|_, count| *count > 0);
        }
    }
}

impl Plugin for InterPodAffinity {
    fn name(&self) -> &'static str {
        NAME
    }
}

/// Pre-filter needs the cache for namespace labels; preemption's add/remove run
/// without it, so the state remembers the incoming pod's own namespace labels.
#[derive(Clone, Default)]
struct NamespaceLabels(BTreeMap<String, BTreeMap<String, String>>);

impl PreFilterPlugin for InterPodAffinity {
    fn pre_filter(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        cache: &Cache,
    ) -> (Status, Option<PreFilterResult>) {
        if pod.required_affinity_terms.is_empty()
            && pod.required_anti_affinity_terms.is_empty()
            && !cache.any_pod_with_required_anti_affinity()
        {
            return (Status::skip(), None);
        }
        let mut pre = PreFilterState::default();
        let needs_all_pods =
            !pod.required_affinity_terms.is_empty() || !pod.required_anti_affinity_terms.is_empty();
        for node in cache.nodes() {
            if needs_all_pods {
                for existing in &node.pods {
                    InterPodAffinity::account(&mut pre, pod, existing, node, cache, 1);
                }
            } else if node.pods_with_required_anti_affinity > 0 {
                for existing in node.pods_with_required_anti_affinity() {
                    InterPodAffinity::account(&mut pre, pod, existing, node, cache, 1);
                }
            }
        }
        let own_labels = cache.namespace_labels(pod.namespace());
        pre.pod_matches_own_terms = pod
            .required_affinity_terms
            .iter()
            .all(|t| t.matches(pod.pod(), own_labels));
        let mut namespaces = NamespaceLabels::default();
        for node in cache.nodes() {
            for existing in &node.pods {
                namespaces
                    .0
                    .entry(existing.namespace().to_string())
                    .or_insert_with(|| cache.namespace_labels(existing.namespace()).clone());
            }
        }
        namespaces
            .0
            .insert(pod.namespace().to_string(), own_labels.clone());
        state.write(PRE_FILTER_STATE_KEY, pre);
        state.write("InterPodAffinityNamespaces", namespaces);
        (Status::success(), None)
    }

    fn add_pod(&self, state: &mut CycleState, pod: &PodInfo, added: &PodInfo, node: &NodeInfo) {
        self.update(state, pod, added, node, 1);
    }

    fn remove_pod(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        removed: &PodInfo,
        node: &NodeInfo,
    ) {
        self.update(state, pod, removed, node, -1);
    }
}

impl InterPodAffinity {
    fn update(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        other: &PodInfo,
        node: &NodeInfo,
        delta: i64,
    ) {
        let empty = BTreeMap::new();
        let labels = state
            .read::<NamespaceLabels>("InterPodAffinityNamespaces")
            .cloned()
            .unwrap_or_default();
        let Some(pre) = state.read_mut::<PreFilterState>(PRE_FILTER_STATE_KEY) else {
            return;
        };
        let own = labels.0.get(pod.namespace()).unwrap_or(&empty);
        let theirs = labels.0.get(other.namespace()).unwrap_or(&empty);
        add_counts_for(
            &mut pre.existing_anti_affinity_counts,
            &other.required_anti_affinity_terms,
            pod,
            own,
            node,
            delta,
        );
        add_counts_for(
            &mut pre.affinity_counts,
            &pod.required_affinity_terms,
            other,
            theirs,
            node,
            delta,
        );
        add_counts_for(
            &mut pre.anti_affinity_counts,
            &pod.required_anti_affinity_terms,
            other,
            theirs,
            node,
            delta,
        );
        for counts in [
            &mut pre.existing_anti_affinity_counts,
            &mut pre.affinity_counts,
            &mut pre.anti_affinity_counts,
        ] {
            counts.retain(|_, count| *count > 0);
        }
    }
}

impl FilterPlugin for InterPodAffinity {
    fn filter(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        let Some(pre) = state.read::<PreFilterState>(PRE_FILTER_STATE_KEY) else {
            return Status::success();
        };
        let labels = node.labels();
        // satisfyPodAffinity
        if !pod.required_affinity_terms.is_empty() {
            let mut pods_exist = true;
            for term in &pod.required_affinity_terms {
                let Some(value) = labels.get(&term.topology_key) else {
                    return Status::unresolvable(ERR_REASON_AFFINITY_RULES_NOT_MATCH);
                };
                if pre
                    .affinity_counts
                    .get(&(term.topology_key.clone(), value.clone()))
                    .copied()
                    .unwrap_or(0)
                    <= 0
                {
                    pods_exist = false;
                }
            }
            // The first pod of a group with affinity to itself may go anywhere.
            let first_of_group = pre.affinity_counts.is_empty() && pre.pod_matches_own_terms;
            if !pods_exist && !first_of_group {
                return Status::unresolvable(ERR_REASON_AFFINITY_RULES_NOT_MATCH);
            }
        }
        // satisfyPodAntiAffinity
        if !pre.anti_affinity_counts.is_empty() {
            for term in &pod.required_anti_affinity_terms {
                if let Some(value) = labels.get(&term.topology_key)
                    && pre
                        .anti_affinity_counts
                        .get(&(term.topology_key.clone(), value.clone()))
                        .copied()
                        .unwrap_or(0)
                        > 0
                {
                    return Status::unschedulable(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
                }
            }
        }
        // satisfyExistingPodsAntiAffinity
        if !pre.existing_anti_affinity_counts.is_empty() {
            for (key, value) in labels {
                if pre
                    .existing_anti_affinity_counts
                    .get(&(key.clone(), value.clone()))
                    .copied()
                    .unwrap_or(0)
                    > 0
                {
                    return Status::unschedulable(
                        ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
                    );
                }
            }
        }
        Status::success()
    }
}

#[derive(Clone, Default)]
struct PreScoreState {
    /// topology key → value → score.
    topology_score: BTreeMap<String, BTreeMap<String, i64>>,
}

fn process_terms(
    scores: &mut BTreeMap<String, BTreeMap<String, i64>>,
    terms: &[WeightedAffinityTerm],
    target: &PodInfo,
    namespace_labels: &BTreeMap<String, String>,
    node: &NodeInfo,
    multiplier: i64,
) {
    for weighted in terms {
        process_term(
            scores,
            &weighted.term,
            weighted.weight,
            target,
            namespace_labels,
            node,
            multiplier,
        );
    }
}

fn process_term(
    scores: &mut BTreeMap<String, BTreeMap<String, i64>>,
    term: &AffinityTerm,
    weight: i64,
    target: &PodInfo,
    namespace_labels: &BTreeMap<String, String>,
    node: &NodeInfo,
    multiplier: i64,
) {
    if let Some(value) = node.labels().get(&term.topology_key)
        && term.matches(target.pod(), namespace_labels)
    {
        *scores
            .entry(term.topology_key.clone())
            .or_default()
            .entry(value.clone())
            .or_insert(0) += weight * multiplier;
    }
}

impl PreScorePlugin for InterPodAffinity {
    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        nodes: &[&NodeInfo],
        cache: &Cache,
    ) -> Status {
        if nodes.is_empty() {
            return Status::skip();
        }
        let has_constraints = !pod.preferred_affinity_terms.is_empty()
            || !pod.preferred_anti_affinity_terms.is_empty();
        if self.ignore_preferred_terms_of_existing_pods && !has_constraints {
            return Status::skip();
        }
        if !has_constraints && !cache.any_pod_with_affinity() {
            return Status::skip();
        }
        let own_labels = cache.namespace_labels(pod.namespace());
        let mut topology_score = BTreeMap::new();
        for node in cache.nodes() {
            if node.labels().is_empty() || (!has_constraints && node.pods_with_affinity == 0) {
                continue;
            }
            for existing in &node.pods {
                if !has_constraints && !existing.has_affinity() {
                    continue;
                }
                let theirs = cache.namespace_labels(existing.namespace());
                process_terms(
                    &mut topology_score,
                    &pod.preferred_affinity_terms,
                    existing,
                    theirs,
                    node,
                    1,
                );
                process_terms(
                    &mut topology_score,
                    &pod.preferred_anti_affinity_terms,
                    existing,
                    theirs,
                    node,
                    -1,
                );
                if self.hard_pod_affinity_weight > 0 {
                    for term in &existing.required_affinity_terms {
                        process_term(
                            &mut topology_score,
                            term,
                            self.hard_pod_affinity_weight,
                            pod,
                            own_labels,
                            node,
                            1,
                        );
                    }
                }
                process_terms(
                    &mut topology_score,
                    &existing.preferred_affinity_terms,
                    pod,
                    own_labels,
                    node,
                    1,
                );
                process_terms(
                    &mut topology_score,
                    &existing.preferred_anti_affinity_terms,
                    pod,
                    own_labels,
                    node,
                    -1,
                );
            }
        }
        if topology_score.is_empty() {
            return Status::skip();
        }
        state.write(PRE_SCORE_STATE_KEY, PreScoreState { topology_score });
        Status::success()
    }
}

impl ScorePlugin for InterPodAffinity {
    fn score(&self, state: &CycleState, _pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        let Some(pre) = state.read::<PreScoreState>(PRE_SCORE_STATE_KEY) else {
            return Ok(0);
        };
        let labels = node.labels();
        Ok(pre
            .topology_score
            .iter()
            .filter_map(|(key, values)| labels.get(key).and_then(|v| values.get(v)))
            .sum())
    }

    fn normalize_score(&self, state: &CycleState, _pod: &PodInfo, scores: &mut [i64]) -> bool {
        if state.read::<PreScoreState>(PRE_SCORE_STATE_KEY).is_none() {
            return true;
        }
        let min = scores.iter().copied().min().unwrap_or(0);
        let max = scores.iter().copied().max().unwrap_or(0);
        let spread = max - min;
        for score in scores.iter_mut() {
            *score = if spread > 0 {
                (MAX_NODE_SCORE as f64 * ((*score - min) as f64 / spread as f64)) as i64
            } else {
                0
            };
        }
        true
    }
}
