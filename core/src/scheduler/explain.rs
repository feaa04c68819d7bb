//! Explanations: why the scheduler put a pod where it did, or nowhere.
//!
//! For every attempt the scheduler keeps a [`SchedulingRecord`]: per evaluated node the
//! filter plugin that rejected it and why, or (when it passed) each score plugin's raw,
//! normalized and weighted score and the total; and the outcome. Only the last attempt
//! per pod is kept, records of deleted pods are dropped, and the per-node detail of the
//! oldest records is dropped once the retained detail exceeds a budget, so memory stays
//! bounded however many pods are scheduled. Scores are stored plugin-major in flat
//! vectors (one allocation per attempt, not per node); [`SchedulingRecord::nodes`] gives
//! the per-node view.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use super::framework::{Code, ScoreMatrix, Status};

/// Raw scores, plugin-major: 16 bits each when every one fits (the default plugins'
/// raw scores are counts and 0–100 values), else 64.
#[derive(Clone, Debug)]
enum RawScores {
    Narrow(Vec<i16>),
    Wide(Vec<i64>),
}

impl Default for RawScores {
    fn default() -> Self {
        RawScores::Narrow(Vec::new())
    }
}

impl RawScores {
    fn get(&self, index: usize) -> i64 {
        match self {
            RawScores::Narrow(values) => i64::from(values[index]),
            RawScores::Wide(values) => values[index],
        }
    }
}

/// One attempt's scores, kept as compactly as they are exact: normalized scores are
/// 0–100 after the framework's clamp (a byte each); totals are not stored but summed
/// again from normalized × weight, as `Framework::run_score` summed them.
#[derive(Clone, Debug, Default)]
pub(crate) struct RecordScores {
    plugins: Vec<(&'static str, i64)>,
    raw: RawScores,
    normalized: Vec<u8>,
}

impl RecordScores {
    pub(crate) fn of(matrix: &ScoreMatrix) -> RecordScores {
        let narrow = matrix.raw.iter().all(|&v| i16::try_from(v).is_ok());
        let raw = if narrow {
            RawScores::Narrow(matrix.raw.iter().map(|&v| v as i16).collect())
        } else {
            RawScores::Wide(matrix.raw.clone())
        };
        let normalized = matrix
            .normalized
            .iter()
            .map(|&v| {
                debug_assert!((0..=100).contains(&v), "normalized scores are clamped");
                v as u8
            })
            .collect();
        RecordScores {
            plugins: matrix.plugins.clone(),
            raw,
            normalized,
        }
    }
}
use crate::time::SimTime;

/// How an attempt ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Bound to this node.
    Scheduled { node: String },
    /// No node fits; `message` is the FailedScheduling message.
    Unschedulable { message: String },
    /// An internal error (the pod is retried with backoff).
    Error { message: String },
}

/// One score plugin's contribution to one node's total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PluginScore {
    pub plugin: &'static str,
    pub weight: i64,
    /// What the plugin's Score returned.
    pub raw: i64,
    /// After the plugin's NormalizeScore and the framework's clamp to 0–100.
    pub normalized: i64,
    /// normalized × weight.
    pub weighted: i64,
}

/// A node's verdict in one attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict<'a> {
    /// A filter plugin (or PreFilter's node narrowing) rejected it.
    Rejected {
        plugin: &'static str,
        code: Code,
        reasons: Vec<&'a str>,
    },
    /// It passed every filter. `scores` is empty when scoring was skipped (a single
    /// feasible node, or the nominated node passed).
    Feasible {
        scores: Vec<PluginScore>,
        total: i64,
    },
}

/// One node's line in a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeVerdict<'a> {
    pub node: &'a str,
    pub verdict: Verdict<'a>,
}

/// The record of one scheduling attempt.
#[derive(Clone, Debug)]
pub struct SchedulingRecord {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    /// 1 for the first attempt.
    pub attempt: u32,
    pub time: SimTime,
    pub scheduler_name: String,
    /// Nodes in the cluster at the time.
    pub total_nodes: usize,
    /// How many feasible nodes the scheduler looked for (`numFeasibleNodesToFind`).
    pub nodes_to_find: usize,
    /// Nodes never evaluated because enough feasible ones were found first.
    pub nodes_not_evaluated: usize,
    /// A PreFilter rejection that applied to every node.
    pub pre_filter: Option<Status>,
    /// What PostFilter (preemption) said, and the node it nominated.
    pub post_filter_message: Option<String>,
    pub nominated_node: Option<String>,
    pub outcome: Outcome,
    /// True once the per-node detail was dropped to stay within the memory budget.
    pub detail_dropped: bool,
    pub(crate) rejected: Vec<(Arc<str>, Status)>,
    pub(crate) feasible: Vec<Arc<str>>,
    pub(crate) scores: RecordScores,
}

impl SchedulingRecord {
    pub(crate) fn new(
        namespace: &str,
        name: &str,
        uid: &str,
        attempt: u32,
        time: SimTime,
        scheduler_name: &str,
    ) -> Self {
        SchedulingRecord {
            namespace: namespace.to_string(),
            name: name.to_string(),
            uid: uid.to_string(),
            attempt,
            time,
            scheduler_name: scheduler_name.to_string(),
            total_nodes: 0,
            nodes_to_find: 0,
            nodes_not_evaluated: 0,
            pre_filter: None,
            post_filter_message: None,
            nominated_node: None,
            outcome: Outcome::Error {
                message: String::new(),
            },
            detail_dropped: false,
            rejected: Vec::new(),
            feasible: Vec::new(),
            scores: RecordScores::default(),
        }
    }

    /// The node the pod was bound to, if it was.
    pub fn chosen_node(&self) -> Option<&str> {
        match &self.outcome {
            Outcome::Scheduled { node } => Some(node),
            _ => None,
        }
    }

    /// The score plugins that ran, with their weights.
    pub fn score_plugins(&self) -> &[(&'static str, i64)] {
        &self.scores.plugins
    }

    fn feasible_verdict(&self, index: usize) -> Verdict<'_> {
        let n = self.feasible.len();
        let plugins = &self.scores.plugins;
        if plugins.is_empty() || self.scores.normalized.len() != plugins.len() * n {
            return Verdict::Feasible {
                scores: Vec::new(),
                total: 0,
            };
        }
        let scores: Vec<PluginScore> = plugins
            .iter()
            .enumerate()
            .map(|(p, (plugin, weight))| {
                let normalized = i64::from(self.scores.normalized[p * n + index]);
                PluginScore {
                    plugin,
                    weight: *weight,
                    raw: self.scores.raw.get(p * n + index),
                    normalized,
                    weighted: normalized * weight,
                }
            })
            .collect();
        let total = scores.iter().map(|score| score.weighted).sum();
        Verdict::Feasible { scores, total }
    }

    /// Every evaluated node with its verdict: rejected nodes in evaluation order, then
    /// the feasible ones.
    pub fn nodes(&self) -> Vec<NodeVerdict<'_>> {
        let mut nodes: Vec<NodeVerdict<'_>> = self
            .rejected
            .iter()
            .map(|(node, status)| NodeVerdict {
                node,
                verdict: Verdict::Rejected {
                    plugin: status.plugin(),
                    code: status.code(),
                    reasons: status.reasons().collect(),
                },
            })
            .collect();
        for (index, node) in self.feasible.iter().enumerate() {
            nodes.push(NodeVerdict {
                node,
                verdict: self.feasible_verdict(index),
            });
        }
        nodes
    }

    /// One node's verdict, if it was evaluated.
    pub fn node(&self, name: &str) -> Option<NodeVerdict<'_>> {
        self.nodes().into_iter().find(|v| v.node == name)
    }

    /// Values kept per node, for the memory budget.
    fn cells(&self) -> usize {
        self.rejected.len() + self.feasible.len() * (1 + self.scores.plugins.len() * 2)
    }

    fn drop_detail(&mut self) {
        self.rejected = Vec::new();
        self.feasible = Vec::new();
        self.scores = RecordScores::default();
        self.detail_dropped = true;
    }
}

/// The records, bounded.
#[derive(Clone, Debug, Default)]
pub struct Explanations {
    records: BTreeMap<(String, String), (u64, SchedulingRecord)>,
    detail_order: VecDeque<((String, String), u64)>,
    cells: usize,
    sequence: u64,
}

impl Explanations {
    /// Per-node values kept across all records before the oldest detail is dropped
    /// (about 40 MB at most).
    pub const DETAIL_BUDGET_CELLS: usize = 2_000_000;

    pub fn get(&self, namespace: &str, name: &str) -> Option<&SchedulingRecord> {
        self.records
            .get(&(namespace.to_string(), name.to_string()))
            .map(|(_, record)| record)
    }

    pub fn insert(&mut self, record: SchedulingRecord) {
        let key = (record.namespace.clone(), record.name.clone());
        self.remove(&key.0, &key.1);
        self.sequence += 1;
        self.cells += record.cells();
        self.detail_order.push_back((key.clone(), self.sequence));
        self.records.insert(key, (self.sequence, record));
        while self.cells > Self::DETAIL_BUDGET_CELLS {
            let Some((key, sequence)) = self.detail_order.pop_front() else {
                break;
            };
            if let Some((current, record)) = self.records.get_mut(&key)
                && *current == sequence
            {
                self.cells -= record.cells();
                record.drop_detail();
            }
        }
    }

    /// Drops a pod's record (the pod was deleted).
    pub fn remove(&mut self, namespace: &str, name: &str) {
        if let Some((_, record)) = self
            .records
            .remove(&(namespace.to_string(), name.to_string()))
        {
            self.cells -= record.cells();
        }
        if self.detail_order.len() > 2 * self.records.len() + 64 {
            let records = &self.records;
            self.detail_order
                .retain(|(key, sequence)| records.get(key).is_some_and(|(s, _)| s == sequence));
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}
