//! One scheduling cycle: pop a pod, filter, score, pick a node, assume, bind.
//!
//! Upstream: `pkg/scheduler/schedule_one.go` (`ScheduleOne`, `schedulePod`,
//! `findNodesThatFitPod`, `findNodesThatPassFilters`, `numFeasibleNodesToFind`,
//! `prioritizeNodes`, `selectHost`, `handleSchedulingFailure`) and
//! `pkg/scheduler/framework/types.go` (`FitError.Error`). Binding happens in the same
//! step (upstream binds asynchronously; the observable result is the same write).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::Scheduler;
use super::explain::{Outcome, RecordScores, SchedulingRecord};
use super::framework::{Code, CycleState, Framework, PostFilterContext, Status};
use super::node_info::{NodeInfo, PodInfo};
use super::plugins::pod_topology_spread::{SCORED_NODES_KEY, ScoredNodes};
use super::queue::{ClusterEvent, QueuedPodInfo};
use crate::api_server::binding::set_pod_condition;
use crate::controllers::{ControllerContext, EventType};
use crate::model::Object;
use crate::model::pod::PodCondition;
use crate::model::registry::lookup_kind_name;

/// `minFeasibleNodesToFind`.
pub const MIN_FEASIBLE_NODES_TO_FIND: usize = 100;
/// `minFeasibleNodesPercentageToFind`.
pub const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND: i64 = 5;
/// `validation.NoteLengthLimit`: event messages longer than this are truncated.
pub const NOTE_LENGTH_LIMIT: usize = 1024;

/// `numFeasibleNodesToFind`: all nodes below 100; else the profile's (or the global)
/// percentage, adaptive when 0: 50 − nodes/125, at least 5 %; never fewer than 100.
/// 1000 nodes → 42 % → 420; 5000 nodes → 10 % → 500; 6000 → 5 % → 300.
pub fn num_feasible_nodes_to_find(
    profile_percentage: Option<i32>,
    global_percentage: i32,
    num_all_nodes: usize,
) -> usize {
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND {
        return num_all_nodes;
    }
    let mut percentage = i64::from(profile_percentage.unwrap_or(global_percentage));
    if percentage == 0 {
        percentage = 50 - num_all_nodes as i64 / 125;
        if percentage < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND {
            percentage = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
        }
    }
    let num_nodes = (num_all_nodes as i64 * percentage / 100) as usize;
    num_nodes.max(MIN_FEASIBLE_NODES_TO_FIND)
}

/// `FitError.Error`: "0/<N> nodes are available: <PreFilterMsg>." or, after filters,
/// the reasons counted and sorted as strings ("<count> <reason>"), joined by ", ",
/// then the PostFilter message (which carries its own full stop).
pub fn fit_error_message(
    num_all_nodes: usize,
    pre_filter_message: Option<&str>,
    rejected: &[(Arc<str>, Status)],
    absent: Option<(&Status, usize)>,
    post_filter_message: Option<&str>,
) -> String {
    let mut message = format!("0/{num_all_nodes} nodes are available:");
    match pre_filter_message {
        Some(pre) if !pre.is_empty() => message.push_str(&format!(" {pre}.")),
        _ => {
            let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
            for (_, status) in rejected {
                for reason in status.reasons() {
                    *reasons.entry(reason).or_insert(0) += 1;
                }
            }
            if let Some((status, count)) = absent {
                for reason in status.reasons() {
                    *reasons.entry(reason).or_insert(0) += count;
                }
            }
            let mut parts: Vec<String> = reasons
                .iter()
                .map(|(reason, count)| format!("{count} {reason}"))
                .collect();
            parts.sort();
            if !parts.is_empty() {
                message.push_str(&format!(" {}.", parts.join(", ")));
            }
        }
    }
    if let Some(post) = post_filter_message.filter(|m| !m.is_empty()) {
        message.push(' ');
        message.push_str(post);
    }
    message
}

/// `truncateMessage`.
pub fn truncate_message(message: &str) -> String {
    if message.len() <= NOTE_LENGTH_LIMIT {
        return message.to_string();
    }
    let suffix = " ...";
    let mut end = NOTE_LENGTH_LIMIT - suffix.len();
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{suffix}", &message[..end])
}

/// Why no node was chosen.
enum Failure {
    /// No node fits (a FitError): rejected by plugins.
    Unschedulable {
        message: String,
        plugins: std::collections::BTreeSet<&'static str>,
        nominated: Option<String>,
    },
    /// Something went wrong.
    Error(String),
}

impl Scheduler {
    /// Runs one scheduling cycle. Returns false when no pod was waiting.
    pub fn schedule_one(&mut self, context: &mut ControllerContext<'_>) -> bool {
        let Some(queued) = self.queue.pop() else {
            return false;
        };
        let pod = Arc::clone(&queued.pod);
        let pod_type = lookup_kind_name("Pod").expect("Pod is served");
        // The freshest version of the pod: the watch may lag behind our own writes.
        let current = context
            .api
            .get_ref(pod_type, pod.namespace(), pod.name())
            .cloned();
        let Some(current) = current.filter(|c| c.metadata().uid() == pod.uid()) else {
            return true;
        };
        if let Object::Pod(p) = current.as_ref()
            && (!p.node_name().is_empty() || p.metadata.is_being_deleted())
        {
            if p.metadata.is_being_deleted() && p.node_name().is_empty() {
                context.record_event(
                    &current,
                    EventType::Warning,
                    "FailedScheduling",
                    &format!(
                        "skip schedule deleting pod: {}/{}",
                        pod.namespace(),
                        pod.name()
                    ),
                );
            }
            return true;
        }
        let pod = if Arc::ptr_eq(&current, &pod.object) {
            pod
        } else {
            match PodInfo::new(Arc::clone(&current)) {
                Some(info) => Arc::new(info),
                None => return true,
            }
        };
        let scheduler_name = pod
            .pod()
            .spec
            .as_ref()
            .and_then(|s| s.scheduler_name.clone())
            .unwrap_or_else(|| super::profile::DEFAULT_SCHEDULER_NAME.to_string());
        let Some(framework_index) = self
            .frameworks
            .iter()
            .position(|f| f.scheduler_name == scheduler_name)
        else {
            return true;
        };
        let now = context.api.now();
        let mut record = SchedulingRecord::new(
            pod.namespace(),
            pod.name(),
            pod.uid(),
            queued.attempts,
            now,
            &scheduler_name,
        );
        let mut state = CycleState::default();
        let result = self.schedule_pod(framework_index, &mut state, &pod, &mut record, context);
        match result {
            Ok(node_name) => {
                self.assume_and_bind(framework_index, queued, pod, node_name, record, context)
            }
            Err(failure) => self.handle_failure(queued, pod, failure, record, context),
        }
        true
    }

    /// `schedulePod`: the feasible nodes, their scores, the chosen host.
    fn schedule_pod(
        &mut self,
        framework_index: usize,
        state: &mut CycleState,
        pod: &Arc<PodInfo>,
        record: &mut SchedulingRecord,
        context: &mut ControllerContext<'_>,
    ) -> Result<String, Failure> {
        let framework = &self.frameworks[framework_index];
        let num_all_nodes = self.cache.num_nodes();
        record.total_nodes = num_all_nodes;
        record.names = Some(self.cache.node_names());
        if num_all_nodes == 0 {
            return Err(Failure::Unschedulable {
                message: "no nodes available to schedule pods".to_string(),
                plugins: Default::default(),
                nominated: None,
            });
        }
        // PreFilter.
        let pre = framework.run_pre_filter(state, pod, &self.cache);
        if !pre.status.is_success() {
            if !pre.status.is_rejected() {
                return Err(Failure::Error(pre.status.message()));
            }
            let message = pre.status.message();
            record.pre_filter = Some(pre.status.clone());
            let statuses: BTreeMap<Arc<str>, Status> = self
                .cache
                .nodes()
                .iter()
                .map(|n| (Arc::clone(&n.name), pre.status.clone()))
                .collect();
            let (nominated, post) =
                self.run_post_filter(framework_index, state, pod, &statuses, context);
            record.post_filter_message = post.clone();
            record.nominated_node = nominated.clone();
            return Err(Failure::Unschedulable {
                message: fit_error_message(
                    num_all_nodes,
                    Some(&message),
                    &[],
                    None,
                    post.as_deref(),
                ),
                plugins: pre.rejected_by,
                nominated,
            });
        }
        // The nominated node first: after preemption it is likely the only fit.
        let nominated_name = pod
            .pod()
            .status
            .as_ref()
            .and_then(|s| s.nominated_node_name.clone())
            .unwrap_or_default();
        if !nominated_name.is_empty()
            && let Some(index) = self.cache.position(&nominated_name)
        {
            let node = &self.cache.nodes()[index];
            let status = self.run_filter_with_nominated_pods(framework, state, pod, node);
            if status.is_success() {
                record.feasible.push(index as u32);
                record.nodes_to_find = 1;
                record.nodes_not_evaluated = num_all_nodes - 1;
                return Ok(nominated_name);
            }
        }
        // Filter, from where the last cycle stopped, until enough nodes fit.
        // PreFilter's narrowing, as cache indices (None: every node, in cache order).
        let candidates: Option<Vec<usize>> = pre.result.node_names.as_ref().map(|names| {
            names
                .iter()
                .filter_map(|name| self.cache.nodes().iter().position(|n| &*n.name == name))
                .collect()
        });
        let absent_status = pre.result.node_names.as_ref().map(|_| {
            let plugins: Vec<&str> = pre.rejected_by.iter().copied().collect();
            Status::unresolvable(format!(
                "node(s) didn't satisfy plugin(s) [{}]",
                plugins.join(" ")
            ))
        });
        let num_nodes = candidates.as_ref().map_or(num_all_nodes, Vec::len);
        let mut num_to_find = num_feasible_nodes_to_find(
            framework.percentage_of_nodes_to_score,
            self.percentage_of_nodes_to_score,
            num_nodes,
        );
        if !framework.has_score_plugins() {
            num_to_find = 1;
        }
        record.nodes_to_find = num_to_find;
        let mut feasible: Vec<&NodeInfo> = Vec::with_capacity(num_to_find.min(num_nodes));
        // Cache indices (into `record.names`) of the feasible nodes, for the record.
        let mut feasible_indices: Vec<u32> = Vec::with_capacity(num_to_find.min(num_nodes));
        let mut rejected: Vec<(u32, Status)> = Vec::new();
        let mut processed = 0;
        let start = if num_nodes == 0 {
            0
        } else {
            self.next_start_node_index % num_nodes
        };
        let nodes = self.cache.nodes();
        for i in 0..num_nodes {
            let position = (start + i) % num_nodes;
            let index = match &candidates {
                None => position,
                Some(candidates) => candidates[position],
            };
            let node = &nodes[index];
            processed += 1;
            // Most nodes fit and no pod is nominated: answered without a Status.
            if self.nominated.is_empty() && framework.admits(state, pod, node) {
                debug_assert!(
                    self.run_filter_with_nominated_pods(framework, state, pod, node)
                        .is_success()
                );
                feasible.push(node);
                feasible_indices.push(index as u32);
                if feasible.len() >= num_to_find {
                    break;
                }
                continue;
            }
            let status = self.run_filter_with_nominated_pods(framework, state, pod, node);
            if status.code() == Code::Error {
                self.next_start_node_index =
                    (self.next_start_node_index + processed) % num_all_nodes;
                return Err(Failure::Error(status.message()));
            }
            if status.is_success() {
                feasible.push(node);
                feasible_indices.push(index as u32);
                if feasible.len() >= num_to_find {
                    break;
                }
            } else {
                rejected.push((index as u32, status));
            }
        }
        self.next_start_node_index = (self.next_start_node_index + processed) % num_all_nodes;
        record.nodes_not_evaluated = num_all_nodes - processed;
        if feasible.is_empty() {
            let mut plugins: std::collections::BTreeSet<&'static str> = rejected
                .iter()
                .map(|(_, s)| s.plugin())
                .filter(|p| !p.is_empty())
                .collect();
            if absent_status.is_some() {
                plugins.extend(pre.rejected_by.iter().copied());
            }
            let absent_count = num_all_nodes.saturating_sub(rejected.len());
            let named: Vec<(Arc<str>, Status)> = rejected
                .iter()
                .map(|(index, status)| (Arc::clone(&nodes[*index as usize].name), status.clone()))
                .collect();
            let mut statuses: BTreeMap<Arc<str>, Status> = named.iter().cloned().collect();
            if let Some(absent) = &absent_status {
                for node in self.cache.nodes() {
                    statuses
                        .entry(Arc::clone(&node.name))
                        .or_insert_with(|| absent.clone());
                }
            }
            let (nominated, post) =
                self.run_post_filter(framework_index, state, pod, &statuses, context);
            let message = fit_error_message(
                num_all_nodes,
                None,
                &named,
                absent_status.as_ref().map(|s| (s, absent_count)),
                post.as_deref(),
            );
            record.rejected = rejected;
            record.post_filter_message = post;
            record.nominated_node = nominated.clone();
            return Err(Failure::Unschedulable {
                message,
                plugins,
                nominated,
            });
        }
        record.feasible = feasible_indices;
        record.rejected = rejected;
        // A single feasible node is chosen without scoring.
        if feasible.len() == 1 {
            return Ok(feasible[0].name.to_string());
        }
        state.write(SCORED_NODES_KEY, ScoredNodes(record.feasible.clone()));
        let status = framework.run_pre_score(state, pod, &feasible, &self.cache);
        if !status.is_success() {
            return Err(Failure::Error(status.message()));
        }
        let matrix = &mut self.score_matrix;
        framework
            .run_score_into(state, pod, &feasible, matrix)
            .map_err(|s| Failure::Error(s.message()))?;
        let chosen = select_host(&matrix.totals, context);
        let node_name = feasible[chosen].name.to_string();
        record.scores = RecordScores::of(matrix);
        Ok(node_name)
    }

    /// `RunFilterPluginsWithNominatedPods`: pods nominated to the node with at least
    /// this pod's priority count as if they ran there. (Upstream then runs the filters
    /// a second time without them, which matters only for pod affinity to them.)
    fn run_filter_with_nominated_pods(
        &self,
        framework: &Framework,
        state: &CycleState,
        pod: &PodInfo,
        node: &NodeInfo,
    ) -> Status {
        if self.nominated.is_empty() {
            return framework.run_filter(state, pod, node);
        }
        let nominated: Vec<&Arc<PodInfo>> = self
            .nominated
            .get(&*node.name)
            .into_iter()
            .flatten()
            .filter(|other| other.uid() != pod.uid() && other.priority >= pod.priority)
            .collect();
        if nominated.is_empty() {
            return framework.run_filter(state, pod, node);
        }
        let mut node = node.clone();
        let mut state = state.clone();
        for other in nominated {
            node.add_pod(Arc::clone(other));
            framework.run_pre_filter_add_pod(&mut state, pod, other, &node);
        }
        framework.run_filter(&state, pod, &node)
    }

    fn run_post_filter(
        &self,
        framework_index: usize,
        state: &CycleState,
        pod: &PodInfo,
        statuses: &BTreeMap<Arc<str>, Status>,
        context: &mut ControllerContext<'_>,
    ) -> (Option<String>, Option<String>) {
        let framework = &self.frameworks[framework_index];
        for plugin in &framework.post_filter {
            let mut post_context = PostFilterContext {
                framework,
                state,
                pod,
                cache: &self.cache,
                statuses,
                nominated: &self.nominated,
                controller: context,
            };
            let (nominated, status) = plugin.post_filter(&mut post_context);
            if status.is_success() {
                return (nominated, None);
            }
            let message = status.message();
            if !message.is_empty() {
                return (None, Some(message));
            }
        }
        (None, None)
    }

    fn assume_and_bind(
        &mut self,
        framework_index: usize,
        queued: QueuedPodInfo,
        pod: Arc<PodInfo>,
        node_name: String,
        mut record: SchedulingRecord,
        context: &mut ControllerContext<'_>,
    ) {
        // assume: the pod counts on the node before the binding is confirmed.
        self.cache.add_pod(Arc::clone(&pod), &node_name, true);
        self.remove_nominated(pod.uid());
        let framework = &self.frameworks[framework_index];
        let status = match framework.bind.first() {
            Some(binder) => binder.bind(context.api, &pod, &node_name),
            None => Status::error("no bind plugin"),
        };
        if !status.is_success() {
            // ForgetPod, and retry with backoff.
            self.cache.remove_pod(pod.uid());
            self.queue
                .move_all(ClusterEvent::AssignedPodDelete, context.api.now());
            let message = status.message();
            self.handle_failure(queued, pod, Failure::Error(message), record, context);
            return;
        }
        let pod_type = lookup_kind_name("Pod").expect("Pod is served");
        if let Some(bound) = context
            .api
            .get_ref(pod_type, pod.namespace(), pod.name())
            .cloned()
        {
            context.record_event(
                &bound,
                EventType::Normal,
                "Scheduled",
                &format!(
                    "Successfully assigned {}/{} to {}",
                    pod.namespace(),
                    pod.name(),
                    node_name
                ),
            );
        }
        context.trace(format!(
            "scheduler bound {}/{} to {}",
            pod.namespace(),
            pod.name(),
            node_name
        ));
        record.outcome = Outcome::Scheduled { node: node_name };
        self.explanations.insert(record);
    }

    /// `handleSchedulingFailure`: back to the queue, a FailedScheduling event, and the
    /// PodScheduled=False condition (reason Unschedulable or SchedulerError) with the
    /// nominated node when preemption chose one.
    fn handle_failure(
        &mut self,
        mut queued: QueuedPodInfo,
        pod: Arc<PodInfo>,
        failure: Failure,
        mut record: SchedulingRecord,
        context: &mut ControllerContext<'_>,
    ) {
        let (reason, message, rejected, nominated) = match failure {
            Failure::Unschedulable {
                message,
                plugins,
                nominated,
            } => {
                queued.unschedulable_plugins = plugins;
                record.outcome = Outcome::Unschedulable {
                    message: message.clone(),
                };
                ("Unschedulable", message, true, nominated)
            }
            Failure::Error(message) => {
                queued.unschedulable_plugins.clear();
                record.outcome = Outcome::Error {
                    message: message.clone(),
                };
                ("SchedulerError", message, false, None)
            }
        };
        let now = context.api.now();
        let pod_type = lookup_kind_name("Pod").expect("Pod is served");
        let current = context
            .api
            .get_ref(pod_type, pod.namespace(), pod.name())
            .cloned();
        self.explanations.insert(record);
        let Some(current) = current.filter(|c| c.metadata().uid() == pod.uid()) else {
            return;
        };
        let Object::Pod(current_pod) = current.as_ref() else {
            return;
        };
        if !current_pod.node_name().is_empty() {
            return;
        }
        queued.pod = match PodInfo::new(Arc::clone(&current)) {
            Some(info) => Arc::new(info),
            None => return,
        };
        self.queue.add_unschedulable(queued, rejected, now);
        context.record_event(
            &current,
            EventType::Warning,
            "FailedScheduling",
            &truncate_message(&message),
        );
        context.trace(format!(
            "scheduler could not place {}/{}: {}",
            pod.namespace(),
            pod.name(),
            message
        ));
        let mut next = current_pod.clone();
        let mut changed = set_pod_condition(
            &mut next,
            PodCondition {
                type_: Some("PodScheduled".to_string()),
                status: Some("False".to_string()),
                reason: Some(reason.to_string()),
                message: Some(message),
                ..PodCondition::default()
            },
            now,
        );
        let current_nominated = current_pod
            .status
            .as_ref()
            .and_then(|s| s.nominated_node_name.clone());
        // Preemption nominates (override); a failed preemption clears an old nomination.
        let wanted_nominated = if rejected {
            nominated.clone()
        } else {
            current_nominated.clone()
        };
        if wanted_nominated != current_nominated {
            next.status
                .get_or_insert_with(Default::default)
                .nominated_node_name = wanted_nominated.clone();
            changed = true;
        }
        if let Some(node) = wanted_nominated {
            self.add_nominated(Arc::clone(&queued_pod_info(&next)), &node);
        } else {
            self.remove_nominated(pod.uid());
        }
        if changed {
            let _ = context.api.update_status(Object::Pod(next));
        }
    }
}

fn queued_pod_info(pod: &crate::model::pod::Pod) -> Arc<PodInfo> {
    Arc::new(PodInfo::new(Arc::new(Object::Pod(Box::new(pod.clone())))).expect("a pod"))
}

/// `selectHost`: the highest total; ties are broken uniformly at random (reservoir
/// sampling: the k-th tied node replaces the pick with probability 1/k). The draw
/// comes from the simulation's seeded RNG, so runs stay reproducible. Upstream gets the
/// same distribution from a heap ordered by (score, random number).
fn select_host(totals: &[i64], context: &mut ControllerContext<'_>) -> usize {
    let mut best = 0usize;
    let mut ties = 1u64;
    for (index, &total) in totals.iter().enumerate().skip(1) {
        if total > totals[best] {
            best = index;
            ties = 1;
        } else if total == totals[best] {
            ties += 1;
            if context.api.rng().below(ties) == 0 {
                best = index;
            }
        }
    }
    best
}
