//! DefaultPreemption: when no node fits, evict lower-priority pods from one node.
//! Upstream: `pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go`
//! and `pkg/scheduler/framework/preemption/preemption.go`.
//!
//! 1. The pod must be allowed to preempt (`preemptionPolicy` not Never; no lower-priority
//!    pod still terminating on its nominated node).
//! 2. Nodes whose rejection was UnschedulableAndUnresolvable are "not helpful".
//! 3. On each other node (from a random offset, until enough candidates): remove every
//!    lower-priority pod; if the pod still does not fit, the node is out; else add the
//!    victims back from the most important down while the pod still fits.
//! 4. Pick the node: fewest PDB violations (none simulated), lowest highest-victim
//!    priority, lowest priority sum, fewest victims, latest start of the top victims,
//!    then the first.
//! 5. Delete the victims (event `Preempted` "Preempted by pod <uid> on node <node>") and
//!    nominate the node in the preemptor's `status.nominatedNodeName`.

use std::sync::Arc;

use crate::api_server::DeleteOptions;
use crate::controllers::EventType;
use crate::model::pod::PodCondition;
use crate::model::registry::lookup_kind_name;
use crate::scheduler::framework::{
    Code, CycleState, Plugin, PostFilterContext, PostFilterPlugin, Status,
};
use crate::scheduler::node_info::{NodeInfo, PodInfo};
use crate::time::SimTime;

pub const NAME: &str = "DefaultPreemption";
pub const NOT_HELPFUL: &str = "Preemption is not helpful for scheduling";
pub const NO_VICTIMS: &str = "No preemption victims found for incoming pod";

pub struct DefaultPreemption {
    pub min_candidate_nodes_percentage: i64,
    pub min_candidate_nodes_absolute: i64,
}

impl Plugin for DefaultPreemption {
    fn name(&self) -> &'static str {
        NAME
    }
}

fn start_time(pod: &PodInfo) -> Option<SimTime> {
    pod.pod()
        .status
        .as_ref()
        .and_then(|s| s.start_time)
        .map(|t| t.0)
}

/// `util.MoreImportantPod`: higher priority, then the earlier start.
fn more_important(a: &PodInfo, b: &PodInfo) -> std::cmp::Ordering {
    b.priority.cmp(&a.priority).then_with(|| {
        let (ta, tb) = (start_time(a), start_time(b));
        match (ta, tb) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
    })
}

struct Candidate {
    node: Arc<str>,
    victims: Vec<Arc<PodInfo>>,
}

impl DefaultPreemption {
    /// `GetOffsetAndNumCandidates`' count.
    fn num_candidates(&self, nodes: usize) -> usize {
        let n = nodes as i64 * self.min_candidate_nodes_percentage / 100;
        n.max(self.min_candidate_nodes_absolute)
            .min(nodes as i64)
            .max(0) as usize
    }

    /// `SelectVictimsOnNode`.
    fn select_victims(
        &self,
        context: &PostFilterContext<'_, '_>,
        node: &NodeInfo,
    ) -> Result<Vec<Arc<PodInfo>>, Status> {
        let framework = context.framework;
        let pod = context.pod;
        let mut state: CycleState = context.state.clone();
        let mut node = node.clone();
        let mut potential: Vec<Arc<PodInfo>> = node
            .pods
            .iter()
            .filter(|p| p.priority < pod.priority)
            .cloned()
            .collect();
        for victim in &potential {
            node.remove_pod(victim.uid());
            framework.run_pre_filter_remove_pod(&mut state, pod, victim, &node);
        }
        if potential.is_empty() {
            return Err(Status::unresolvable(NO_VICTIMS));
        }
        let status = framework.run_filter(&state, pod, &node);
        if !status.is_success() {
            return Err(status);
        }
        potential.sort_by(|a, b| more_important(a, b));
        let mut victims = Vec::new();
        for candidate in potential {
            node.add_pod(Arc::clone(&candidate));
            framework.run_pre_filter_add_pod(&mut state, pod, &candidate, &node);
            if !framework.run_filter(&state, pod, &node).is_success() {
                node.remove_pod(candidate.uid());
                framework.run_pre_filter_remove_pod(&mut state, pod, &candidate, &node);
                victims.push(candidate);
            }
        }
        Ok(victims)
    }
}

/// What preemption decided, for the scheduling record.
pub const STATE_KEY: &str = "DefaultPreemptionStatuses";

/// The per-node outcome of the dry run (`nodeStatuses`), kept for explanations.
#[derive(Clone, Default)]
pub struct PreemptionStatuses(pub Vec<(Arc<str>, Status)>);

impl PostFilterPlugin for DefaultPreemption {
    fn post_filter(&self, context: &mut PostFilterContext<'_, '_>) -> (Option<String>, Status) {
        let pod = context.pod;
        let spec = pod.pod().spec.as_ref();
        // PodEligibleToPreemptOthers
        if spec.and_then(|s| s.preemption_policy.as_deref()) == Some("Never") {
            return (
                None,
                Status::unschedulable("preemption: not eligible due to preemptionPolicy=Never."),
            );
        }
        let nominated = pod
            .pod()
            .status
            .as_ref()
            .and_then(|s| s.nominated_node_name.clone())
            .unwrap_or_default();
        if !nominated.is_empty() {
            let unresolvable = context
                .statuses
                .get(nominated.as_str())
                .is_some_and(|s| s.code() == Code::UnschedulableAndUnresolvable);
            if !unresolvable
                && let Some(node) = context.cache.get(&nominated)
                && node
                    .pods
                    .iter()
                    .any(|p| p.pod().metadata.is_being_deleted() && p.priority < pod.priority)
            {
                return (
                    None,
                    Status::unschedulable(
                        "preemption: not eligible due to a terminating pod on the nominated node.",
                    ),
                );
            }
        }
        // nodesWherePreemptionMightHelp
        let all_nodes = context.cache.nodes();
        let mut statuses: Vec<(Arc<str>, Status)> = Vec::new();
        let mut potential: Vec<&NodeInfo> = Vec::new();
        for node in all_nodes {
            match context.statuses.get(&*node.name) {
                Some(status) if status.code() == Code::UnschedulableAndUnresolvable => {
                    statuses.push((Arc::clone(&node.name), Status::unresolvable(NOT_HELPFUL)));
                }
                _ => potential.push(node),
            }
        }
        let mut candidates: Vec<Candidate> = Vec::new();
        if !potential.is_empty() {
            let wanted = self.num_candidates(potential.len());
            let offset = context.controller.api.rng().index(potential.len());
            for i in 0..potential.len() {
                let node = potential[(offset + i) % potential.len()];
                match self.select_victims(context, node) {
                    Ok(victims) if !victims.is_empty() => {
                        candidates.push(Candidate {
                            node: Arc::clone(&node.name),
                            victims,
                        });
                        if candidates.len() >= wanted {
                            break;
                        }
                    }
                    Ok(_) => statuses.push((
                        Arc::clone(&node.name),
                        Status::error(format!(
                            "expected at least one victim pod on node \"{}\"",
                            node.name
                        )),
                    )),
                    Err(status) => statuses.push((Arc::clone(&node.name), status)),
                }
            }
        }
        if candidates.is_empty() {
            let message = fit_message(all_nodes.len(), &statuses);
            return (
                None,
                Status::unschedulable(format!("preemption: {message}")),
            );
        }
        let chosen = pick_one_node(candidates);
        prepare_candidate(context, &chosen);
        (Some(chosen.node.to_string()), Status::success())
    }
}

/// `FitError.Error` over the preemption statuses: "0/4 nodes are available: 1 ..., 3 ....".
fn fit_message(num_nodes: usize, statuses: &[(Arc<str>, Status)]) -> String {
    let mut reasons: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for (_, status) in statuses {
        for reason in status.reasons() {
            *reasons.entry(reason.to_string()).or_insert(0) += 1;
        }
    }
    let mut parts: Vec<String> = reasons
        .iter()
        .map(|(reason, count)| format!("{count} {reason}"))
        .collect();
    parts.sort();
    let mut message = format!("0/{num_nodes} nodes are available:");
    if !parts.is_empty() {
        message.push_str(&format!(" {}.", parts.join(", ")));
    }
    message
}

/// `pickOneNodeForPreemption`.
fn pick_one_node(mut candidates: Vec<Candidate>) -> Candidate {
    let highest = |c: &Candidate| {
        c.victims
            .first()
            .map_or(i64::MIN, |v| i64::from(v.priority))
    };
    let sum = |c: &Candidate| {
        c.victims
            .iter()
            .map(|v| i64::from(v.priority) + i64::from(i32::MAX) + 1)
            .sum::<i64>()
    };
    let earliest_top_start = |c: &Candidate| {
        let top = highest(c);
        c.victims
            .iter()
            .filter(|v| i64::from(v.priority) == top)
            .filter_map(|v| start_time(v))
            .min()
    };
    let min_highest = candidates.iter().map(highest).min().unwrap_or(i64::MIN);
    candidates.retain(|c| highest(c) == min_highest);
    let min_sum = candidates.iter().map(sum).min().unwrap_or(0);
    candidates.retain(|c| sum(c) == min_sum);
    let min_count = candidates
        .iter()
        .map(|c| c.victims.len())
        .min()
        .unwrap_or(0);
    candidates.retain(|c| c.victims.len() == min_count);
    let latest = candidates.iter().map(earliest_top_start).max().flatten();
    if let Some(position) = candidates
        .iter()
        .position(|c| earliest_top_start(c) == latest)
    {
        return candidates.swap_remove(position);
    }
    candidates.swap_remove(0)
}

/// `prepareCandidate`: mark and delete the victims, and clear the nomination of
/// lower-priority pods nominated to the node.
fn prepare_candidate(context: &mut PostFilterContext<'_, '_>, chosen: &Candidate) {
    let pod_type = lookup_kind_name("Pod").expect("Pod is served");
    let preemptor = context.pod;
    let scheduler_name = preemptor
        .pod()
        .spec
        .as_ref()
        .and_then(|s| s.scheduler_name.clone())
        .unwrap_or_else(|| "default-scheduler".to_string());
    for victim in &chosen.victims {
        let api = &mut *context.controller.api;
        let now = api.now();
        if let Some(current) = api
            .get_ref(pod_type, victim.namespace(), victim.name())
            .cloned()
            && let crate::model::Object::Pod(mut pod) = (*current).clone()
        {
            crate::api_server::binding::set_pod_condition(
                &mut pod,
                PodCondition {
                    type_: Some("DisruptionTarget".to_string()),
                    status: Some("True".to_string()),
                    reason: Some("PreemptionByScheduler".to_string()),
                    message: Some(format!(
                        "{scheduler_name}: preempting to accommodate a higher priority pod"
                    )),
                    ..PodCondition::default()
                },
                now,
            );
            let _ = api.update_status(crate::model::Object::Pod(pod));
        }
        let _ = context.controller.api.delete(
            pod_type,
            victim.namespace(),
            victim.name(),
            &DeleteOptions::default(),
        );
        context.controller.record_event(
            &victim.object,
            EventType::Normal,
            "Preempted",
            &format!(
                "Preempted by pod {} on node {}",
                preemptor.uid(),
                chosen.node
            ),
        );
        context.controller.trace(format!(
            "scheduler preempted {}/{} on {} for {}/{}",
            victim.namespace(),
            victim.name(),
            chosen.node,
            preemptor.namespace(),
            preemptor.name()
        ));
    }
    for other in context.nominated.get(&*chosen.node).into_iter().flatten() {
        if other.priority < preemptor.priority && other.uid() != preemptor.uid() {
            let api = &mut *context.controller.api;
            if let Some(current) = api
                .get_ref(pod_type, other.namespace(), other.name())
                .cloned()
                && let crate::model::Object::Pod(mut pod) = (*current).clone()
            {
                if let Some(status) = pod.status.as_mut() {
                    status.nominated_node_name = None;
                }
                let _ = api.update_status(crate::model::Object::Pod(pod));
            }
        }
    }
}
