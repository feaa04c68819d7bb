//! The scheduling framework: extension points, statuses and the cycle state.
//!
//! Upstream: `pkg/scheduler/framework/interface.go` (`Code`, `Status`, the plugin
//! interfaces) and `pkg/scheduler/framework/runtime/framework.go` (how a profile runs
//! them). Plugins implement the small traits of the extension points they take part
//! in; the framework (not the plugins) normalizes, clamps to 0–100 and weights scores.

use std::any::Any;
use std::borrow::Cow;
use std::collections::BTreeSet;

use super::node_info::{Cache, NodeInfo, PodInfo};

/// `framework.MaxNodeScore`.
pub const MAX_NODE_SCORE: i64 = 100;
/// `framework.MinNodeScore`.
pub const MIN_NODE_SCORE: i64 = 0;

/// `framework.Code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    Success,
    /// An internal error: the pod is retried with backoff.
    Error,
    /// The node does not fit now; preemption might help.
    Unschedulable,
    /// The node does not fit, and preemption cannot help.
    UnschedulableAndUnresolvable,
    /// A Permit plugin asks to wait (not used by the default profile).
    Wait,
    /// The plugin has nothing to do for this pod at this extension point.
    Skip,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Success => "Success",
            Code::Error => "Error",
            Code::Unschedulable => "Unschedulable",
            Code::UnschedulableAndUnresolvable => "UnschedulableAndUnresolvable",
            Code::Wait => "Wait",
            Code::Skip => "Skip",
        }
    }
}

/// `framework.Status`: a code, reasons, and the plugin that returned it.
/// Success carries no reasons and allocates nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    code: Code,
    reasons: Vec<Cow<'static, str>>,
    plugin: &'static str,
}

impl Status {
    pub const fn success() -> Status {
        Status {
            code: Code::Success,
            reasons: Vec::new(),
            plugin: "",
        }
    }

    pub const fn skip() -> Status {
        Status {
            code: Code::Skip,
            reasons: Vec::new(),
            plugin: "",
        }
    }

    pub fn new(code: Code, reason: impl Into<Cow<'static, str>>) -> Status {
        Status {
            code,
            reasons: vec![reason.into()],
            plugin: "",
        }
    }

    pub fn with_reasons(code: Code, reasons: Vec<Cow<'static, str>>) -> Status {
        Status {
            code,
            reasons,
            plugin: "",
        }
    }

    pub fn unschedulable(reason: impl Into<Cow<'static, str>>) -> Status {
        Status::new(Code::Unschedulable, reason)
    }

    pub fn unresolvable(reason: impl Into<Cow<'static, str>>) -> Status {
        Status::new(Code::UnschedulableAndUnresolvable, reason)
    }

    pub fn error(reason: impl Into<Cow<'static, str>>) -> Status {
        Status::new(Code::Error, reason)
    }

    pub fn code(&self) -> Code {
        self.code
    }

    pub fn is_success(&self) -> bool {
        self.code == Code::Success
    }

    pub fn is_skip(&self) -> bool {
        self.code == Code::Skip
    }

    /// `IsRejected`: Unschedulable or UnschedulableAndUnresolvable.
    pub fn is_rejected(&self) -> bool {
        matches!(
            self.code,
            Code::Unschedulable | Code::UnschedulableAndUnresolvable
        )
    }

    pub fn reasons(&self) -> impl Iterator<Item = &str> {
        self.reasons.iter().map(|r| r.as_ref())
    }

    /// `Message`: the reasons joined by ", ".
    pub fn message(&self) -> String {
        self.reasons
            .iter()
            .map(|r| r.as_ref())
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn plugin(&self) -> &'static str {
        self.plugin
    }

    pub fn with_plugin(mut self, plugin: &'static str) -> Status {
        self.plugin = plugin;
        self
    }
}

/// Data a plugin computes in PreFilter/PreScore and reads in Filter/Score.
pub trait StateData: Any {
    fn clone_data(&self) -> Box<dyn StateData>;
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<T: Any + Clone> StateData for T {
    fn clone_data(&self) -> Box<dyn StateData> {
        Box::new(self.clone())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// `framework.CycleState`: per-cycle data keyed by a plugin's state key. Cloned for
/// preemption's what-if runs (`Clone`), as upstream.
#[derive(Default)]
pub struct CycleState {
    entries: Vec<(&'static str, Box<dyn StateData>)>,
    /// Plugins whose PreFilter returned Skip: their Filter does not run.
    pub skip_filter_plugins: BTreeSet<&'static str>,
    /// Plugins whose PreScore returned Skip: their Score does not run.
    pub skip_score_plugins: BTreeSet<&'static str>,
    /// `skip_filter_plugins` as a mask over the framework's filter plugins (bit i:
    /// plugin i is skipped), set by `run_pre_filter` so Filter, which runs once per
    /// node, tests a bit instead of looking names up (None: look the names up).
    filter_skip_mask: Option<u64>,
}

impl Clone for CycleState {
    fn clone(&self) -> Self {
        CycleState {
            entries: self
                .entries
                .iter()
                .map(|(key, data)| (*key, StateData::clone_data(&**data)))
                .collect(),
            skip_filter_plugins: self.skip_filter_plugins.clone(),
            skip_score_plugins: self.skip_score_plugins.clone(),
            filter_skip_mask: self.filter_skip_mask,
        }
    }
}

impl CycleState {
    pub fn write<T: StateData>(&mut self, key: &'static str, data: T) {
        if let Some(entry) = self.entries.iter_mut().find(|(k, _)| *k == key) {
            entry.1 = Box::new(data);
        } else {
            self.entries.push((key, Box::new(data)));
        }
    }

    pub fn read<T: 'static>(&self, key: &'static str) -> Option<&T> {
        self.entries
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, data)| StateData::as_any(&**data).downcast_ref::<T>())
    }

    pub fn read_mut<T: 'static>(&mut self, key: &'static str) -> Option<&mut T> {
        self.entries
            .iter_mut()
            .find(|(k, _)| *k == key)
            .and_then(|(_, data)| StateData::as_any_mut(&mut **data).downcast_mut::<T>())
    }
}

/// `framework.PreFilterResult`: the only nodes worth filtering (None: all nodes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreFilterResult {
    pub node_names: Option<BTreeSet<String>>,
}

/// Every plugin has a name.
pub trait Plugin {
    fn name(&self) -> &'static str;
}

/// `PreFilterPlugin`: computes per-pod data once; may reject the pod outright, narrow
/// the nodes, or Skip (its Filter then does not run).
pub trait PreFilterPlugin: Plugin {
    fn pre_filter(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        cache: &Cache,
    ) -> (Status, Option<PreFilterResult>);

    /// `PreFilterExtensions.AddPod`: updates the cycle state as if `added` ran on `node`
    /// (preemption's what-if and nominated pods).
    fn add_pod(&self, _state: &mut CycleState, _pod: &PodInfo, _added: &PodInfo, _node: &NodeInfo) {
    }

    /// `PreFilterExtensions.RemovePod`.
    fn remove_pod(
        &self,
        _state: &mut CycleState,
        _pod: &PodInfo,
        _removed: &PodInfo,
        _node: &NodeInfo,
    ) {
    }
}

/// `FilterPlugin`: can the pod run on this node?
pub trait FilterPlugin: Plugin {
    fn filter(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status;

    /// Whether `filter` would succeed. The scheduler asks this of every node of every
    /// cycle and calls `filter` only for a node it refuses, so a plugin may answer it
    /// without building a Status.
    fn admits(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> bool {
        self.filter(state, pod, node).is_success()
    }
}

/// `PreScorePlugin`: per-pod data for scoring, or Skip.
pub trait PreScorePlugin: Plugin {
    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        nodes: &[&NodeInfo],
        cache: &Cache,
    ) -> Status;
}

/// `ScorePlugin` with its optional `NormalizeScore`.
pub trait ScorePlugin: Plugin {
    fn score(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status>;

    /// Scores every node in order, appending to `scores`: the same values as
    /// `score` node by node. Plugins override it to read their cycle state once
    /// per cycle instead of once per node.
    fn score_nodes(
        &self,
        state: &CycleState,
        pod: &PodInfo,
        nodes: &[&NodeInfo],
        scores: &mut Vec<i64>,
    ) -> Result<(), Status> {
        score_each(self, state, pod, nodes, scores)
    }

    /// Rescales the raw scores of all nodes to 0–100. Returns false when the plugin
    /// has no NormalizeScore (its raw scores are already in range).
    fn normalize_score(&self, _state: &CycleState, _pod: &PodInfo, _scores: &mut [i64]) -> bool {
        false
    }
}

/// A mask of the lowest `count` bits (`count` ≤ 64).
fn low_bits(count: usize) -> u64 {
    if count >= 64 {
        u64::MAX
    } else {
        (1u64 << count) - 1
    }
}

/// Scores `nodes` one by one through [`ScorePlugin::score`]: the default
/// `score_nodes`, and the fallback of plugins whose batch path does not apply.
pub fn score_each<P: ScorePlugin + ?Sized>(
    plugin: &P,
    state: &CycleState,
    pod: &PodInfo,
    nodes: &[&NodeInfo],
    scores: &mut Vec<i64>,
) -> Result<(), Status> {
    for node in nodes {
        scores.push(plugin.score(state, pod, node)?);
    }
    Ok(())
}

/// `helper.DefaultNormalizeScore`: scales so the highest score becomes `max_priority`
/// (integer division); `reverse` flips it (100 − score). With all scores 0 the result
/// is 0, or `max_priority` when reversed. Example: raw [1, 2, 4] → [25, 50, 100];
/// reversed → [75, 50, 0].
pub fn default_normalize_score(max_priority: i64, reverse: bool, scores: &mut [i64]) {
    let max_count = scores.iter().copied().max().unwrap_or(0);
    if max_count == 0 {
        if reverse {
            for score in scores.iter_mut() {
                *score = max_priority;
            }
        }
        return;
    }
    for score in scores.iter_mut() {
        let mut value = max_priority * *score / max_count;
        if reverse {
            value = max_priority - value;
        }
        *score = value;
    }
}

/// `PostFilterPlugin`: runs when no node fits (DefaultPreemption). Returns the node
/// the pod is nominated to, if any.
pub trait PostFilterPlugin: Plugin {
    fn post_filter(&self, context: &mut PostFilterContext<'_, '_>) -> (Option<String>, Status);
}

/// What a PostFilter plugin may use: the profile (to re-run filters), the cycle
/// state, the cache, every node's filter status, and the API (to delete victims).
pub struct PostFilterContext<'a, 'c> {
    pub framework: &'a Framework,
    pub state: &'a CycleState,
    pub pod: &'a PodInfo,
    pub cache: &'a Cache,
    /// Filter statuses by node name (nodes that were not evaluated are absent).
    pub statuses: &'a std::collections::BTreeMap<std::sync::Arc<str>, Status>,
    /// Pods nominated to nodes, by node name (for the nominated-pods check).
    pub nominated: &'a std::collections::BTreeMap<String, Vec<std::sync::Arc<PodInfo>>>,
    pub controller: &'a mut crate::controllers::ControllerContext<'c>,
}

/// A profile, instantiated: the plugins of each extension point, in order.
pub struct Framework {
    pub scheduler_name: String,
    pub pre_filter: Vec<std::sync::Arc<dyn PreFilterPlugin>>,
    pub filter: Vec<std::sync::Arc<dyn FilterPlugin>>,
    pub post_filter: Vec<std::sync::Arc<dyn PostFilterPlugin>>,
    pub pre_score: Vec<std::sync::Arc<dyn PreScorePlugin>>,
    /// Score plugins with their weights.
    pub score: Vec<(std::sync::Arc<dyn ScorePlugin>, i64)>,
    pub bind: Vec<std::sync::Arc<dyn super::plugins::default_binder::BindPlugin>>,
    /// The profile's `percentageOfNodesToScore`, if set.
    pub percentage_of_nodes_to_score: Option<i32>,
}

/// The outcome of the PreFilter extension point.
pub struct PreFilterOutcome {
    pub status: Status,
    pub result: PreFilterResult,
    /// Plugins that rejected the pod here.
    pub rejected_by: BTreeSet<&'static str>,
}

impl Framework {
    /// `RunPreFilterPlugins`: every plugin in order; Skip marks its Filter skipped;
    /// the first rejection or error ends the extension point; node-name results intersect.
    pub fn run_pre_filter(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        cache: &Cache,
    ) -> PreFilterOutcome {
        let outcome = self.run_pre_filter_plugins(state, pod, cache);
        state.filter_skip_mask = self.filter_skip_mask(state);
        outcome
    }

    /// The mask of `state.skip_filter_plugins` over this framework's filter plugins
    /// (None with more filter plugins than bits).
    fn filter_skip_mask(&self, state: &CycleState) -> Option<u64> {
        if self.filter.len() > 64 {
            return None;
        }
        let mut mask = 0u64;
        for (index, plugin) in self.filter.iter().enumerate() {
            if state.skip_filter_plugins.contains(plugin.name()) {
                mask |= 1 << index;
            }
        }
        Some(mask)
    }

    fn run_pre_filter_plugins(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        cache: &Cache,
    ) -> PreFilterOutcome {
        let mut result = PreFilterResult::default();
        let mut narrowed_by: Vec<&'static str> = Vec::new();
        for plugin in &self.pre_filter {
            let (status, plugin_result) = plugin.pre_filter(state, pod, cache);
            if status.is_skip() {
                state.skip_filter_plugins.insert(plugin.name());
                continue;
            }
            if !status.is_success() {
                let rejected = status.is_rejected();
                return PreFilterOutcome {
                    status: status.with_plugin(plugin.name()),
                    result,
                    rejected_by: if rejected {
                        BTreeSet::from([plugin.name()])
                    } else {
                        BTreeSet::new()
                    },
                };
            }
            if let Some(PreFilterResult {
                node_names: Some(names),
            }) = plugin_result
            {
                narrowed_by.push(plugin.name());
                result.node_names = Some(match result.node_names.take() {
                    None => names,
                    Some(existing) => existing.intersection(&names).cloned().collect(),
                });
                if result.node_names.as_ref().is_some_and(BTreeSet::is_empty) {
                    // "node(s) didn't satisfy plugin(s) [NodeAffinity] simultaneously"
                    let message = format!(
                        "node(s) didn't satisfy plugin(s) [{}] simultaneously",
                        narrowed_by.join(" ")
                    );
                    return PreFilterOutcome {
                        status: Status::unresolvable(message),
                        result,
                        rejected_by: narrowed_by.into_iter().collect(),
                    };
                }
            }
        }
        PreFilterOutcome {
            status: Status::success(),
            result,
            rejected_by: narrowed_by.into_iter().collect(),
        }
    }

    /// True when [`Framework::run_filter`] would succeed, answered without building
    /// a Status: the per-node question of every cycle, for the nodes that fit.
    pub fn admits(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> bool {
        let Some(skip_mask) = state.filter_skip_mask else {
            return self.run_filter(state, pod, node).is_success();
        };
        self.unskipped_filters(skip_mask)
            .all(|plugin| plugin.admits(state, pod, node))
    }

    /// The Filter plugins PreFilter did not skip, in order: a bare pod skips half the
    /// default filters, and these run for every node of every cycle.
    fn unskipped_filters(
        &self,
        skip_mask: u64,
    ) -> impl Iterator<Item = &std::sync::Arc<dyn FilterPlugin>> + '_ {
        let mut active = !skip_mask & low_bits(self.filter.len());
        std::iter::from_fn(move || {
            if active == 0 {
                return None;
            }
            let index = active.trailing_zeros() as usize;
            active &= active - 1;
            Some(&self.filter[index])
        })
    }

    /// `RunFilterPlugins`: the first plugin that does not admit the node decides.
    pub fn run_filter(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        if let Some(skip_mask) = state.filter_skip_mask {
            for plugin in self.unskipped_filters(skip_mask) {
                let admitted = plugin.admits(state, pod, node);
                debug_assert_eq!(admitted, plugin.filter(state, pod, node).is_success());
                if admitted {
                    continue;
                }
                let status = plugin.filter(state, pod, node);
                if !status.is_success() {
                    return status.with_plugin(plugin.name());
                }
            }
            return Status::success();
        }
        for plugin in &self.filter {
            if !state.skip_filter_plugins.is_empty()
                && state.skip_filter_plugins.contains(plugin.name())
            {
                continue;
            }
            let status = plugin.filter(state, pod, node);
            if !status.is_success() {
                return status.with_plugin(plugin.name());
            }
        }
        Status::success()
    }

    /// `RunPreFilterExtensionAddPod` for every PreFilter plugin that ran.
    pub fn run_pre_filter_add_pod(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        added: &PodInfo,
        node: &NodeInfo,
    ) {
        for plugin in &self.pre_filter {
            if !state.skip_filter_plugins.contains(plugin.name()) {
                plugin.add_pod(state, pod, added, node);
            }
        }
    }

    /// `RunPreFilterExtensionRemovePod`.
    pub fn run_pre_filter_remove_pod(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        removed: &PodInfo,
        node: &NodeInfo,
    ) {
        for plugin in &self.pre_filter {
            if !state.skip_filter_plugins.contains(plugin.name()) {
                plugin.remove_pod(state, pod, removed, node);
            }
        }
    }

    /// `RunPreScorePlugins`: Skip marks the plugin's Score skipped; an error ends it.
    pub fn run_pre_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        nodes: &[&NodeInfo],
        cache: &Cache,
    ) -> Status {
        for plugin in &self.pre_score {
            let status = plugin.pre_score(state, pod, nodes, cache);
            if status.is_skip() {
                state.skip_score_plugins.insert(plugin.name());
            } else if !status.is_success() {
                return status.with_plugin(plugin.name());
            }
        }
        Status::success()
    }

    /// `RunScorePlugins`: for every active score plugin the raw scores of all nodes,
    /// normalized by the plugin (if it normalizes), clamped to 0–100 and weighted.
    /// Returns the plugins that ran with their weights, and per plugin the raw and
    /// normalized scores (`raw[p * nodes + n]`).
    pub fn run_score(
        &self,
        state: &CycleState,
        pod: &PodInfo,
        nodes: &[&NodeInfo],
    ) -> Result<ScoreMatrix, Status> {
        let mut matrix = ScoreMatrix::default();
        self.run_score_into(state, pod, nodes, &mut matrix)?;
        Ok(matrix)
    }

    /// [`Framework::run_score`] into `matrix`, reusing its buffers (the scheduler keeps
    /// one matrix across cycles rather than allocating one per pod).
    pub fn run_score_into(
        &self,
        state: &CycleState,
        pod: &PodInfo,
        nodes: &[&NodeInfo],
        matrix: &mut ScoreMatrix,
    ) -> Result<(), Status> {
        let n = nodes.len();
        let ScoreMatrix {
            plugins,
            raw,
            normalized,
            totals,
        } = matrix;
        plugins.clear();
        raw.clear();
        normalized.clear();
        totals.clear();
        for (plugin, weight) in &self.score {
            if state.skip_score_plugins.contains(plugin.name()) {
                continue;
            }
            let start = raw.len();
            plugin
                .score_nodes(state, pod, nodes, raw)
                .map_err(|s| s.with_plugin(plugin.name()))?;
            debug_assert_eq!(raw.len() - start, n, "one score per node");
            normalized.extend_from_slice(&raw[start..]);
            plugin.normalize_score(state, pod, &mut normalized[start..]);
            // kubesim clamps where upstream reports "plugin returns an invalid score".
            for score in &mut normalized[start..] {
                *score = (*score).clamp(MIN_NODE_SCORE, MAX_NODE_SCORE);
            }
            plugins.push((plugin.name(), *weight));
        }
        totals.resize(n, 0);
        for (p, (_, weight)) in plugins.iter().enumerate() {
            for (node, total) in totals.iter_mut().enumerate() {
                *total += normalized[p * n + node] * weight;
            }
        }
        Ok(())
    }

    pub fn has_score_plugins(&self) -> bool {
        !self.score.is_empty()
    }
}

/// Scores of one cycle: `raw` and `normalized` hold `plugins.len() × nodes` values,
/// plugin-major; `totals` the weighted sum per node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScoreMatrix {
    pub plugins: Vec<(&'static str, i64)>,
    pub raw: Vec<i64>,
    pub normalized: Vec<i64>,
    pub totals: Vec<i64>,
}
