//! PodTopologySpread: spreads matching pods evenly over topology domains.
//! Upstream: `pkg/scheduler/framework/plugins/podtopologyspread/{plugin.go,common.go,
//! filtering.go,scoring.go}`.
//!
//! Filter (`whenUnsatisfiable: DoNotSchedule`): for each constraint,
//! skew = matching pods in the node's domain + (1 if the pod matches itself) − the
//! minimum over all eligible domains (0 when fewer domains than `minDomains`);
//! skew > maxSkew rejects. Zones a: 2, b: 0 pods, maxSkew 1: a node in zone a gives
//! 2 + 1 − 0 = 3 > 1 (rejected); zone b gives 0 + 1 − 0 = 1 (fits).
//!
//! Score (`ScheduleAnyway`, or the system defaults: hostname maxSkew 3, zone maxSkew 5,
//! for pods selected by a Service, ReplicaSet, StatefulSet or ReplicationController):
//! Σ count × log(domains + 2) + (maxSkew − 1), then reversed so fewer matching pods
//! score higher: 100 × (max + min − s) / max.

use std::collections::BTreeMap;

use crate::model::node_affinity::{NodeFields, RequiredNodeAffinity};
use crate::model::pod::TopologySpreadConstraint;
use crate::model::selector::{Selector, label_selector_as_selector};
use crate::model::tolerations::{find_matching_untolerated_taint, is_do_not_schedule_taint};
use crate::scheduler::framework::{
    CycleState, FilterPlugin, MAX_NODE_SCORE, Plugin, PreFilterPlugin, PreFilterResult,
    PreScorePlugin, ScorePlugin, Status, score_each,
};
use crate::scheduler::node_info::{Cache, NodeInfo, PodInfo, WellKnownLabel};

pub const NAME: &str = "PodTopologySpread";
/// `ErrReasonConstraintsNotMatch`.
pub const ERR_REASON_CONSTRAINTS_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints";
/// `ErrReasonNodeLabelNotMatch`.
pub const ERR_REASON_NODE_LABEL_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints (missing required label)";
pub const LABEL_HOSTNAME: &str = WellKnownLabel::HOSTNAME_KEY;
pub const LABEL_ZONE: &str = WellKnownLabel::ZONE_KEY;
const PRE_FILTER_STATE_KEY: &str = "PreFilterPodTopologySpread";
const PRE_SCORE_STATE_KEY: &str = "PreScorePodTopologySpread";

/// `PodTopologySpreadArgs.defaultingType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultingType {
    /// The built-in defaults (hostname 3, zone 5, ScheduleAnyway).
    System,
    /// The configured `defaultConstraints`.
    List,
}

/// A configured default constraint (no selector: it comes from the pod's workloads).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultConstraint {
    pub max_skew: i64,
    pub topology_key: String,
    pub schedule_anyway: bool,
}

/// `systemDefaultConstraints`.
pub fn system_default_constraints() -> Vec<DefaultConstraint> {
    vec![
        DefaultConstraint {
            max_skew: 3,
            topology_key: LABEL_HOSTNAME.to_string(),
            schedule_anyway: true,
        },
        DefaultConstraint {
            max_skew: 5,
            topology_key: LABEL_ZONE.to_string(),
            schedule_anyway: true,
        },
    ]
}

/// A constraint as the plugin uses it (`topologySpreadConstraint`).
#[derive(Clone, Debug)]
pub struct Constraint {
    pub max_skew: i64,
    pub topology_key: String,
    pub selector: Selector,
    pub min_domains: i64,
    pub honor_node_affinity: bool,
    pub honor_node_taints: bool,
    /// `topology_key` when NodeInfo keeps its value at hand.
    pub well_known_key: Option<WellKnownLabel>,
}

impl Constraint {
    /// Whether the topology is the node itself (`kubernetes.io/hostname`).
    fn is_hostname(&self) -> bool {
        self.well_known_key == Some(WellKnownLabel::Hostname)
    }

    /// The node's value of this constraint's topology key, read from NodeInfo's
    /// copy when the key is a well-known one.
    fn node_value<'a>(&self, node: &'a NodeInfo) -> Option<&'a str> {
        match self.well_known_key {
            Some(label) => node.well_known_label(label),
            None => node.labels().get(&self.topology_key).map(String::as_str),
        }
    }
}

impl Constraint {
    /// True when `includes` admits every node whatever its labels and taints: the
    /// node-affinity policy is Ignore or the pod has no required node affinity, and
    /// taints are ignored.
    fn includes_every_node(&self, required: &RequiredNodeAffinity) -> bool {
        !self.honor_node_taints && (!self.honor_node_affinity || required.is_empty())
    }

    /// `matchNodeInclusionPolicies`.
    fn includes(&self, pod: &PodInfo, node: &NodeInfo, required: &RequiredNodeAffinity) -> bool {
        if self.honor_node_affinity && !required.matches(NodeFields::of(node.node())) {
            return false;
        }
        if self.honor_node_taints {
            let tolerations = pod
                .pod()
                .spec
                .as_ref()
                .and_then(|s| s.tolerations.as_deref())
                .unwrap_or(&[]);
            if find_matching_untolerated_taint(
                node.node().taints(),
                tolerations,
                is_do_not_schedule_taint,
            )
            .is_some()
            {
                return false;
            }
        }
        true
    }
}

pub struct PodTopologySpread {
    defaulting: DefaultingType,
    default_constraints: Vec<DefaultConstraint>,
}

impl PodTopologySpread {
    pub fn new(
        defaulting: DefaultingType,
        configured: Vec<DefaultConstraint>,
    ) -> PodTopologySpread {
        let default_constraints = match defaulting {
            DefaultingType::System => system_default_constraints(),
            DefaultingType::List => configured,
        };
        PodTopologySpread {
            defaulting,
            default_constraints,
        }
    }

    fn system_defaulted(&self) -> bool {
        self.defaulting == DefaultingType::System
    }

    /// The pod's constraints of one kind (`filterTopologySpreadConstraints` or
    /// `buildDefaultConstraints`).
    fn constraints(&self, pod: &PodInfo, cache: &Cache, schedule_anyway: bool) -> Vec<Constraint> {
        let explicit = pod
            .pod()
            .spec
            .as_ref()
            .and_then(|s| s.topology_spread_constraints.as_deref())
            .unwrap_or(&[]);
        if !explicit.is_empty() {
            return explicit
                .iter()
                .filter(|c| {
                    (c.when_unsatisfiable.as_deref() == Some("ScheduleAnyway")) == schedule_anyway
                })
                .map(|c| constraint_of(c, pod))
                .collect();
        }
        let wanted: Vec<&DefaultConstraint> = self
            .default_constraints
            .iter()
            .filter(|c| c.schedule_anyway == schedule_anyway)
            .collect();
        if wanted.is_empty() {
            return Vec::new();
        }
        let selector = cache.default_selector(pod.pod());
        if selector.is_empty() {
            return Vec::new();
        }
        wanted
            .into_iter()
            .map(|c| Constraint {
                max_skew: c.max_skew,
                topology_key: c.topology_key.clone(),
                selector: selector.clone(),
                min_domains: 1,
                honor_node_affinity: true,
                honor_node_taints: false,
                well_known_key: WellKnownLabel::of(&c.topology_key),
            })
            .collect()
    }
}

fn constraint_of(c: &TopologySpreadConstraint, pod: &PodInfo) -> Constraint {
    let mut selector = label_selector_as_selector(c.label_selector.as_ref())
        .unwrap_or_else(|_| Selector::nothing());
    // matchLabelKeys: the pod's own values of those keys join the selector.
    let mut extra = Vec::new();
    for key in c.match_label_keys.iter().flatten() {
        if let Some(value) = pod.labels().get(key)
            && let Ok(requirement) = crate::model::selector::Requirement::new(
                key,
                crate::model::selector::Operator::In,
                vec![value.clone()],
            )
        {
            extra.push(requirement);
        }
    }
    if !extra.is_empty() {
        selector = selector.add(extra);
    }
    let topology_key = c.topology_key.clone().unwrap_or_default();
    Constraint {
        max_skew: i64::from(c.max_skew.unwrap_or(1)),
        well_known_key: WellKnownLabel::of(&topology_key),
        topology_key,
        selector,
        min_domains: i64::from(c.min_domains.unwrap_or(1)),
        honor_node_affinity: c.node_affinity_policy.as_deref() != Some("Ignore"),
        honor_node_taints: c.node_taints_policy.as_deref() == Some("Honor"),
    }
}

fn has_all_keys(node: &NodeInfo, constraints: &[Constraint]) -> bool {
    let labels = node.labels();
    constraints
        .iter()
        .all(|c| labels.contains_key(&c.topology_key))
}

/// `countPodsMatchSelector`: pods in the namespace, not being deleted, matching.
fn count_matching(node: &NodeInfo, selector: &Selector, namespace: &str) -> i64 {
    if selector.matches_nothing() {
        return 0;
    }
    node.pods
        .iter()
        .filter(|p| {
            p.namespace() == namespace
                && !p.pod().metadata.is_being_deleted()
                && selector.matches(p.labels())
        })
        .count() as i64
}

/// `preFilterState`.
#[derive(Clone)]
struct PreFilterState {
    constraints: Vec<Constraint>,
    /// (constraint index, domain value) → matching pods.
    counts: BTreeMap<(usize, String), i64>,
}

impl PreFilterState {
    /// The minimum count over the constraint's domains (0 with fewer than minDomains).
    fn min_match(&self, index: usize) -> i64 {
        let mut domains = 0;
        let mut min = i64::MAX;
        for ((i, _), count) in &self.counts {
            if *i == index {
                domains += 1;
                min = min.min(*count);
            }
        }
        if domains == 0 || domains < self.constraints[index].min_domains {
            0
        } else {
            min
        }
    }

    fn update(&mut self, pod: &PodInfo, other: &PodInfo, node: &NodeInfo, delta: i64) {
        if other.namespace() != pod.namespace() || !has_all_keys(node, &self.constraints) {
            return;
        }
        for (index, constraint) in self.constraints.iter().enumerate() {
            if !constraint.selector.matches(other.labels()) {
                continue;
            }
            let value = node
                .labels()
                .get(&constraint.topology_key)
                .cloned()
                .unwrap_or_default();
            if let Some(count) = self.counts.get_mut(&(index, value)) {
                *count += delta;
            }
        }
    }
}

impl Plugin for PodTopologySpread {
    fn name(&self) -> &'static str {
        NAME
    }
}

impl PreFilterPlugin for PodTopologySpread {
    fn pre_filter(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        cache: &Cache,
    ) -> (Status, Option<PreFilterResult>) {
        let constraints = self.constraints(pod, cache, false);
        if constraints.is_empty() {
            return (Status::skip(), None);
        }
        let required = RequiredNodeAffinity::of(pod.pod());
        let mut counts = BTreeMap::new();
        for node in cache.nodes() {
            if !has_all_keys(node, &constraints) {
                continue;
            }
            for (index, constraint) in constraints.iter().enumerate() {
                if !constraint.includes(pod, node, &required) {
                    continue;
                }
                let value = node
                    .labels()
                    .get(&constraint.topology_key)
                    .cloned()
                    .unwrap_or_default();
                *counts.entry((index, value)).or_insert(0) +=
                    count_matching(node, &constraint.selector, pod.namespace());
            }
        }
        state.write(
            PRE_FILTER_STATE_KEY,
            PreFilterState {
                constraints,
                counts,
            },
        );
        (Status::success(), None)
    }

    fn add_pod(&self, state: &mut CycleState, pod: &PodInfo, added: &PodInfo, node: &NodeInfo) {
        if let Some(pre) = state.read_mut::<PreFilterState>(PRE_FILTER_STATE_KEY) {
            pre.update(pod, added, node, 1);
        }
    }

    fn remove_pod(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        removed: &PodInfo,
        node: &NodeInfo,
    ) {
        if let Some(pre) = state.read_mut::<PreFilterState>(PRE_FILTER_STATE_KEY) {
            pre.update(pod, removed, node, -1);
        }
    }
}

impl FilterPlugin for PodTopologySpread {
    fn filter(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        let Some(pre) = state.read::<PreFilterState>(PRE_FILTER_STATE_KEY) else {
            return Status::success();
        };
        for (index, constraint) in pre.constraints.iter().enumerate() {
            let Some(value) = node.labels().get(&constraint.topology_key) else {
                return Status::unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
            };
            let self_match = i64::from(constraint.selector.matches(pod.labels()));
            let match_num = pre
                .counts
                .get(&(index, value.clone()))
                .copied()
                .unwrap_or(0);
            let skew = match_num + self_match - pre.min_match(index);
            if skew > constraint.max_skew {
                return Status::unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
            }
        }
        Status::success()
    }
}

/// `preScoreState`, with what Score reads laid out by the position of each scored
/// node (the scheduler passes PreScore, Score and NormalizeScore the same nodes in
/// the same order), so scoring a node is arithmetic rather than map lookups by name.
#[derive(Clone)]
struct PreScoreState {
    constraints: Vec<Constraint>,
    /// Whether a node must carry every constraint's topology key to be scored.
    require_all: bool,
    /// Per constraint, domain value → matching pods (upstream's
    /// TopologyPairToPodCounts); empty for hostname constraints, counted per node.
    pair_counts: Vec<BTreeMap<String, i64>>,
    normalizing_weights: Vec<f64>,
    /// Per scored node: `IgnoredNodes` (it lacks a required topology key).
    ignored: Vec<bool>,
    /// Per scored node and constraint (`[position * constraints + index]`): the
    /// matching pods Score counts for it, or None when the node lacks the key.
    node_counts: Vec<Option<i64>>,
}

impl PreScoreState {
    /// `scoreForCount` summed over the constraints for one node's counts.
    fn score_of(&self, counts: impl Iterator<Item = Option<i64>>) -> i64 {
        let mut score = 0f64;
        for ((constraint, weight), count) in self
            .constraints
            .iter()
            .zip(&self.normalizing_weights)
            .zip(counts)
        {
            if let Some(count) = count {
                score += count as f64 * weight + (constraint.max_skew - 1) as f64;
            }
        }
        score.round() as i64
    }
}

impl PreScorePlugin for PodTopologySpread {
    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        nodes: &[&NodeInfo],
        cache: &Cache,
    ) -> Status {
        if nodes.is_empty() || cache.num_nodes() == 0 {
            return Status::skip();
        }
        let constraints = self.constraints(pod, cache, true);
        if constraints.is_empty() {
            return Status::skip();
        }
        let explicit = pod
            .pod()
            .spec
            .as_ref()
            .and_then(|s| s.topology_spread_constraints.as_ref())
            .is_some_and(|c| !c.is_empty());
        // Only explicit (or configured) rules require every topology label, so nodes
        // without a zone label still spread by hostname under the system defaults.
        let require_all = explicit || !self.system_defaulted();
        let width = constraints.len();
        // Each scored node's value of each topology key, read once.
        let mut values: Vec<Option<&str>> = Vec::with_capacity(nodes.len() * width);
        let mut ignored = Vec::with_capacity(nodes.len());
        let mut num_ignored = 0;
        // Per constraint: domain value → matching pods (upstream's TopologyPairToPodCounts).
        let mut pair_counts: Vec<BTreeMap<String, i64>> = vec![BTreeMap::new(); width];
        for node in nodes {
            let first = values.len();
            values.extend(constraints.iter().map(|c| c.node_value(node)));
            let is_ignored = require_all && values[first..].iter().any(Option::is_none);
            ignored.push(is_ignored);
            if is_ignored {
                num_ignored += 1;
                continue;
            }
            for (index, constraint) in constraints.iter().enumerate() {
                if constraint.is_hostname() {
                    continue;
                }
                let value = values[first + index].unwrap_or("");
                if !pair_counts[index].contains_key(value) {
                    pair_counts[index].insert(value.to_string(), 0);
                }
            }
        }
        let normalizing_weights = constraints
            .iter()
            .enumerate()
            .map(|(index, constraint)| {
                let size = if constraint.is_hostname() {
                    nodes.len() - num_ignored
                } else {
                    pair_counts[index].len()
                };
                ((size + 2) as f64).ln()
            })
            .collect();
        let required = RequiredNodeAffinity::of(pod.pod());
        // The namespace and the selector's structural key: equal exactly when the
        // counted pods are the same, without a `{:?}` per pod.
        let memo_key = |constraint: &Constraint| {
            let mut key = String::with_capacity(64);
            key.push_str(pod.namespace());
            key.push('\u{0}');
            constraint.selector.write_memo_key(&mut key);
            key
        };
        // Every node's matching pods count towards its domain; the cache's memo keeps
        // the counts of nodes that did not change since the last cycle.
        for (index, constraint) in constraints.iter().enumerate() {
            // Hostname counts are taken per scored node below.
            if constraint.is_hostname() || pair_counts[index].is_empty() {
                continue;
            }
            let counts = &mut pair_counts[index];
            if constraint.includes_every_node(&required) {
                // Upstream walks every node here, for every pod. The cache keeps the
                // per-domain sums of that walk up to date from the nodes that changed
                // (`Cache::domain_tally`), so the counts equal upstream's walk without
                // visiting every node per cycle. Debug builds check them against it.
                let required_keys: Vec<&str> = if require_all {
                    constraints
                        .iter()
                        .map(|c| c.topology_key.as_str())
                        .collect()
                } else {
                    Vec::new()
                };
                let mut tally_key = memo_key(constraint);
                tally_key.push('\u{0}');
                tally_key.push_str(&constraint.topology_key);
                tally_key.push('\u{0}');
                for (position, required_key) in required_keys.iter().enumerate() {
                    if position > 0 {
                        tally_key.push('\u{0}');
                    }
                    tally_key.push_str(required_key);
                }
                let tally = cache.domain_tally(
                    &tally_key,
                    &constraint.topology_key,
                    &required_keys,
                    |node| count_matching(node, &constraint.selector, pod.namespace()),
                );
                for (value, count) in counts.iter_mut() {
                    *count += tally.total(value);
                }
                drop(tally);
                #[cfg(debug_assertions)]
                {
                    let mut walked: BTreeMap<&str, i64> = BTreeMap::new();
                    for node in cache.nodes() {
                        if require_all && !has_all_keys(node, &constraints) {
                            continue;
                        }
                        let value = node
                            .labels()
                            .get(&constraint.topology_key)
                            .map_or("", String::as_str);
                        if counts.contains_key(value) {
                            *walked.entry(value).or_insert(0) +=
                                count_matching(node, &constraint.selector, pod.namespace());
                        }
                    }
                    for (value, count) in counts.iter() {
                        debug_assert_eq!(
                            *count,
                            walked.get(value.as_str()).copied().unwrap_or(0),
                            "the domain tally equals the walk over every node ({value})"
                        );
                    }
                }
                continue;
            }
            let mut memo = cache.match_counts(&memo_key(constraint));
            for (node_index, node) in cache.nodes().iter().enumerate() {
                if require_all && !has_all_keys(node, &constraints) {
                    continue;
                }
                if !constraint.includes(pod, node, &required) {
                    continue;
                }
                let value = node
                    .labels()
                    .get(&constraint.topology_key)
                    .map_or("", String::as_str);
                if let Some(count) = counts.get_mut(value) {
                    *count += memo.count(node_index, node, |node| {
                        count_matching(node, &constraint.selector, pod.namespace())
                    });
                }
            }
        }
        // Where each scored node is in the cache, for the memo of per-node counts: the
        // scheduler says so (its feasible nodes are the cache's own); a caller that
        // did not gets the cache's lookup by name.
        let scored = state
            .read::<ScoredNodes>(SCORED_NODES_KEY)
            .filter(|scored| scored.0.len() == nodes.len())
            .map(|scored| scored.0.clone());
        let cache_index = |position: usize, node: &NodeInfo| match &scored {
            Some(indices) => Some(indices[position] as usize),
            None => cache.index_of(node),
        };
        let mut node_counts: Vec<Option<i64>> = vec![None; nodes.len() * width];
        for (index, constraint) in constraints.iter().enumerate() {
            if constraint.is_hostname() {
                let mut memo = cache.match_counts(&memo_key(constraint));
                for (position, node) in nodes.iter().enumerate() {
                    if ignored[position] || values[position * width + index].is_none() {
                        continue;
                    }
                    let count = match cache_index(position, node) {
                        Some(node_index) => memo.count(node_index, node, |node| {
                            count_matching(node, &constraint.selector, pod.namespace())
                        }),
                        None => count_matching(node, &constraint.selector, pod.namespace()),
                    };
                    node_counts[position * width + index] = Some(count);
                }
            } else {
                let counts = &pair_counts[index];
                for position in 0..nodes.len() {
                    if ignored[position] {
                        continue;
                    }
                    if let Some(value) = values[position * width + index] {
                        node_counts[position * width + index] =
                            Some(counts.get(value).copied().unwrap_or(0));
                    }
                }
            }
        }
        state.write(
            PRE_SCORE_STATE_KEY,
            PreScoreState {
                constraints,
                require_all,
                pair_counts,
                normalizing_weights,
                ignored,
                node_counts,
            },
        );
        Status::success()
    }
}

impl ScorePlugin for PodTopologySpread {
    /// One node, counted afresh: the same value `score_nodes` gives it (which reads
    /// the counts PreScore laid out by position).
    fn score(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        let Some(pre) = state.read::<PreScoreState>(PRE_SCORE_STATE_KEY) else {
            return Ok(0);
        };
        if pre.require_all && !has_all_keys(node, &pre.constraints) {
            return Ok(0);
        }
        let counts = pre
            .constraints
            .iter()
            .enumerate()
            .map(|(index, constraint)| {
                let value = constraint.node_value(node)?;
                Some(if constraint.is_hostname() {
                    count_matching(node, &constraint.selector, pod.namespace())
                } else {
                    pre.pair_counts[index].get(value).copied().unwrap_or(0)
                })
            });
        Ok(pre.score_of(counts))
    }

    fn score_nodes(
        &self,
        state: &CycleState,
        pod: &PodInfo,
        nodes: &[&NodeInfo],
        scores: &mut Vec<i64>,
    ) -> Result<(), Status> {
        let Some(pre) = state.read::<PreScoreState>(PRE_SCORE_STATE_KEY) else {
            scores.extend(std::iter::repeat_n(0, nodes.len()));
            return Ok(());
        };
        if pre.ignored.len() != nodes.len() {
            // Not the nodes PreScore saw: score them one by one.
            return score_each(self, state, pod, nodes, scores);
        }
        let width = pre.constraints.len();
        for (position, node) in nodes.iter().enumerate() {
            let score = if pre.ignored[position] {
                0
            } else {
                let counts = &pre.node_counts[position * width..(position + 1) * width];
                pre.score_of(counts.iter().copied())
            };
            debug_assert_eq!(
                Ok(score),
                self.score(state, pod, node),
                "the batch score equals the single-node score"
            );
            scores.push(score);
        }
        Ok(())
    }

    fn normalize_score(&self, state: &CycleState, _pod: &PodInfo, scores: &mut [i64]) -> bool {
        // Ignored nodes were scored 0 and must stay 0; scores come in the order of the
        // nodes PreScore saw.
        let Some(pre) = state.read::<PreScoreState>(PRE_SCORE_STATE_KEY) else {
            return true;
        };
        let is_ignored = |i: usize| pre.ignored.get(i).copied().unwrap_or(false);
        let mut min = i64::MAX;
        let mut max = 0i64;
        for (i, score) in scores.iter().enumerate() {
            if is_ignored(i) {
                continue;
            }
            min = min.min(*score);
            max = max.max(*score);
        }
        for (i, score) in scores.iter_mut().enumerate() {
            if is_ignored(i) {
                *score = 0;
            } else if max == 0 {
                *score = MAX_NODE_SCORE;
            } else {
                *score = MAX_NODE_SCORE * (max + min - *score) / max;
            }
        }
        true
    }
}

/// Where each node being scored is in [`Cache::nodes`], in score order (written by
/// the scheduler before PreScore, so plugins that keep per-node memos in the cache
/// need not look nodes up by name).
#[derive(Clone, Default)]
pub struct ScoredNodes(pub Vec<u32>);

pub const SCORED_NODES_KEY: &str = "ScoredNodes";
