//! The NoExecute taint manager: evicts pods from nodes with NoExecute taints they
//! do not tolerate, at once or when their tolerationSeconds run out.
//!
//! Upstream: `pkg/controller/tainteviction/taint_eviction.go` (processPodOnNode,
//! handleNodeUpdate, handlePodUpdate, addConditionAndDeletePod) and
//! `pkg/apis/core/v1/helper/helpers.go` (GetMatchingTolerations).
//! - A pod that does not tolerate every NoExecute taint of its node is deleted now.
//! - Otherwise, with the tolerations that matched, its deletion is scheduled at
//!   now + min(tolerationSeconds): a toleration without tolerationSeconds tolerates
//!   forever, a value ≤ 0 means now. An existing schedule that fires earlier is kept.
//!   Example: the default `unreachable:NoExecute` toleration of 300 s evicts a pod
//!   300 s after its node was tainted unreachable.
//! - When the taints go (or the tolerations change to forever) a scheduled deletion
//!   is cancelled: Normal `TaintManagerEviction` "Cancelling deletion of Pod <ns>/<name>".
//! - Eviction: Normal `TaintManagerEviction` "Marking for deletion Pod <ns>/<name>", the
//!   pod condition DisruptionTarget=True (reason `DeletionByTaintManager`, "Taint
//!   manager: deleting due to NoExecute taint"), then an ordinary (graceful) delete.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::api_server::{ApiServer, DeleteOptions, ObjectKey, WatchEvent, WatchEventType};
use crate::controllers::node_lifecycle::PodsByNode;
use crate::controllers::{Action, Controller, ControllerContext, EventType, WorkQueue};
use crate::model::node::{Node, Taint};
use crate::model::pod::{Pod, PodCondition, Toleration};
use crate::model::tolerations::{is_no_execute_taint, toleration_tolerates_taint};
use crate::model::{Object, Resource, Time};
use crate::time::{SimDuration, SimTime};

/// `GetMatchingTolerations`: whether every taint is tolerated, and the first
/// toleration that tolerates each.
pub fn matching_tolerations<'a>(
    taints: &[Taint],
    tolerations: &'a [Toleration],
) -> (bool, Vec<&'a Toleration>) {
    let mut used = Vec::new();
    for taint in taints {
        match tolerations
            .iter()
            .find(|toleration| toleration_tolerates_taint(toleration, taint))
        {
            Some(toleration) => used.push(toleration),
            None => return (false, Vec::new()),
        }
    }
    (true, used)
}

/// `getMinTolerationTime`: the smallest tolerationSeconds of the used tolerations,
/// zero for none used or a value ≤ 0, None (forever) when none sets it.
/// Examples: [300, 60] → 60 s; [unset] → forever; [300, -5] → 0.
pub fn min_toleration_time(used: &[&Toleration]) -> Option<SimDuration> {
    if used.is_empty() {
        return Some(SimDuration::ZERO);
    }
    let mut min: Option<i64> = None;
    for toleration in used {
        if let Some(seconds) = toleration.toleration_seconds {
            if seconds <= 0 {
                return Some(SimDuration::ZERO);
            }
            min = Some(min.map_or(seconds, |m| m.min(seconds)));
        }
    }
    min.map(SimDuration::from_secs)
}

/// A scheduled deletion: when it was scheduled and when it fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ScheduledEviction {
    created_at: SimTime,
    fire_at: SimTime,
}

/// The taint eviction controller.
#[derive(Debug, Default)]
pub struct TaintEvictionController {
    /// Nodes with NoExecute taints, and those taints.
    tainted_nodes: BTreeMap<String, Vec<Taint>>,
    pods: PodsByNode,
    /// Tolerations of the pods on tainted nodes, to notice when they change.
    tolerations_seen: BTreeMap<(String, String), Vec<Toleration>>,
    scheduled: BTreeMap<(String, String), ScheduledEviction>,
}

fn no_execute_taints(node: &Node) -> Vec<Taint> {
    node.taints()
        .iter()
        .filter(|taint| is_no_execute_taint(taint))
        .cloned()
        .collect()
}

impl TaintEvictionController {
    /// Cancels a scheduled deletion; records the cancellation when there was one.
    fn cancel_with_event(
        &mut self,
        pod_key: &(String, String),
        context: &mut ControllerContext<'_>,
    ) {
        if self.scheduled.remove(pod_key).is_none() {
            return;
        }
        if let Some(pod) = context
            .api
            .get_ref(Pod::resource_type(), &pod_key.0, &pod_key.1)
            .map(Arc::clone)
        {
            context.record_event(
                &pod,
                EventType::Normal,
                "TaintManagerEviction",
                &format!("Cancelling deletion of Pod {}/{}", pod_key.0, pod_key.1),
            );
        }
    }

    /// `processPodOnNode`: evict now, schedule, keep or cancel. Returns the time of a
    /// pending deletion to come back at.
    fn process_pod_on_node(
        &mut self,
        pod: &Pod,
        taints: &[Taint],
        context: &mut ControllerContext<'_>,
    ) -> Option<SimTime> {
        let pod_key = (
            pod.metadata.namespace().to_string(),
            pod.metadata.name().to_string(),
        );
        let now = context.now();
        if taints.is_empty() {
            self.cancel_with_event(&pod_key, context);
            return None;
        }
        let tolerations = pod
            .spec
            .as_ref()
            .and_then(|s| s.tolerations.as_deref())
            .unwrap_or(&[]);
        let (all_tolerated, used) = matching_tolerations(taints, tolerations);
        if !all_tolerated {
            self.cancel_with_event(&pod_key, context);
            evict(pod, context);
            return None;
        }
        let Some(min) = min_toleration_time(&used) else {
            self.cancel_with_event(&pod_key, context);
            return None;
        };
        let mut start = now;
        let trigger = now + min;
        if let Some(existing) = self.scheduled.get(&pod_key).copied() {
            start = existing.created_at;
            if start + min < trigger {
                return Some(existing.fire_at);
            }
            self.cancel_with_event(&pod_key, context);
        }
        let fire_at = start + min;
        if fire_at <= now {
            evict(pod, context);
            return None;
        }
        self.scheduled.insert(
            pod_key,
            ScheduledEviction {
                created_at: start,
                fire_at,
            },
        );
        Some(fire_at)
    }

    fn handle_node(&mut self, key: &ObjectKey, context: &mut ControllerContext<'_>) -> Action {
        let taints = context
            .api
            .store()
            .get(key)
            .and_then(|o| o.as_::<Node>())
            .map(no_execute_taints)
            .unwrap_or_default();
        if taints.is_empty() {
            self.tainted_nodes.remove(&*key.name);
        } else {
            self.tainted_nodes
                .insert(key.name.to_string(), taints.clone());
        }
        let now = context.now();
        let mut next_due: Option<SimTime> = None;
        let pod_keys: Vec<(String, String)> = self.pods.pods_on(&key.name).cloned().collect();
        for pod_key in pod_keys {
            if taints.is_empty() {
                self.tolerations_seen.remove(&pod_key);
                self.cancel_with_event(&pod_key, context);
                continue;
            }
            let Some(object) = context
                .api
                .get_ref(Pod::resource_type(), &pod_key.0, &pod_key.1)
                .map(Arc::clone)
            else {
                continue;
            };
            let Some(pod) = object.as_::<Pod>() else {
                continue;
            };
            if self
                .scheduled
                .get(&pod_key)
                .is_some_and(|scheduled| scheduled.fire_at <= now)
            {
                self.scheduled.remove(&pod_key);
                evict(pod, context);
                continue;
            }
            if let Some(fire_at) = self.process_pod_on_node(pod, &taints, context) {
                next_due = Some(next_due.map_or(fire_at, |due| due.min(fire_at)));
            }
        }
        // The node comes back when the first scheduled deletion on it is due.
        match next_due {
            Some(due) => Action::RequeueAfter(due - now),
            None => Action::Done,
        }
    }

    fn reconcile_pod(&mut self, key: &ObjectKey, context: &mut ControllerContext<'_>) -> Action {
        let pod_key = (key.namespace.to_string(), key.name.to_string());
        let now = context.now();
        let Some(object) = context.api.store().get(key).map(Arc::clone) else {
            self.scheduled.remove(&pod_key);
            self.tolerations_seen.remove(&pod_key);
            return Action::Done;
        };
        let Some(pod) = object.as_::<Pod>() else {
            return Action::Done;
        };
        if let Some(scheduled) = self.scheduled.get(&pod_key).copied()
            && scheduled.fire_at <= now
        {
            self.scheduled.remove(&pod_key);
            evict(pod, context);
            return Action::Done;
        }
        let Some(taints) = self.tainted_nodes.get(pod.node_name()).cloned() else {
            return Action::Done;
        };
        match self.process_pod_on_node(pod, &taints, context) {
            Some(fire_at) => Action::RequeueAfter(fire_at - now),
            None => Action::Done,
        }
    }
}

/// `addConditionAndDeletePod`, with the eviction event first.
fn evict(pod: &Pod, context: &mut ControllerContext<'_>) {
    let namespace = pod.metadata.namespace().to_string();
    let name = pod.metadata.name().to_string();
    let object = Object::Pod(Box::new(pod.clone()));
    context.record_event(
        &object,
        EventType::Normal,
        "TaintManagerEviction",
        &format!("Marking for deletion Pod {namespace}/{name}"),
    );
    let mut updated = pod.clone();
    let now = Time(context.now().truncated_to_seconds());
    let conditions = updated
        .status
        .get_or_insert_with(Default::default)
        .conditions
        .get_or_insert_with(Vec::new);
    let wanted = PodCondition {
        type_: Some("DisruptionTarget".to_string()),
        status: Some("True".to_string()),
        reason: Some("DeletionByTaintManager".to_string()),
        message: Some("Taint manager: deleting due to NoExecute taint".to_string()),
        last_transition_time: Some(now),
        ..PodCondition::default()
    };
    match conditions
        .iter_mut()
        .find(|c| c.type_.as_deref() == Some("DisruptionTarget"))
    {
        Some(existing) => {
            if existing.status != wanted.status
                || existing.reason != wanted.reason
                || existing.message != wanted.message
            {
                *existing = wanted;
            }
        }
        None => conditions.push(wanted),
    }
    let _ = context.api.update_status(Object::Pod(Box::new(updated)));
    if context
        .api
        .delete(
            Pod::resource_type(),
            &namespace,
            &name,
            &DeleteOptions::default(),
        )
        .is_ok()
    {
        context.trace(format!(
            "evicted {namespace}/{name}: its node has a NoExecute taint it does not tolerate"
        ));
    }
}

impl Controller for TaintEvictionController {
    fn name(&self) -> &'static str {
        "taint-eviction-controller"
    }

    fn watches(&self) -> crate::controllers::Watches {
        crate::controllers::Watches::Kinds(&["Node", "Pod"])
    }

    fn observe(&mut self, event: &WatchEvent, _api: &ApiServer, queue: &mut WorkQueue) {
        let deleted = event.event_type == WatchEventType::Deleted;
        match &*event.object {
            Object::Node(node) => {
                // Only a change of the NoExecute taints matters (upstream's nodeUpdated).
                let taints = if deleted {
                    Vec::new()
                } else {
                    no_execute_taints(node)
                };
                let known = self
                    .tainted_nodes
                    .get(node.metadata.name())
                    .cloned()
                    .unwrap_or_default();
                if taints != known {
                    queue.add(ObjectKey::of(&event.object));
                }
            }
            Object::Pod(pod) => {
                self.pods.observe(pod, deleted);
                let pod_key = (
                    pod.metadata.namespace().to_string(),
                    pod.metadata.name().to_string(),
                );
                if deleted {
                    self.tolerations_seen.remove(&pod_key);
                    if self.scheduled.contains_key(&pod_key) {
                        queue.add(ObjectKey::of(&event.object));
                    }
                    return;
                }
                // A pod on a tainted node is processed when it arrives there or its
                // tolerations change (upstream's podUpdated).
                if !self.tainted_nodes.contains_key(pod.node_name()) {
                    self.tolerations_seen.remove(&pod_key);
                    return;
                }
                let tolerations = pod
                    .spec
                    .as_ref()
                    .and_then(|s| s.tolerations.clone())
                    .unwrap_or_default();
                if self.tolerations_seen.get(&pod_key) != Some(&tolerations) {
                    self.tolerations_seen.insert(pod_key, tolerations);
                    queue.add(ObjectKey::of(&event.object));
                }
            }
            _ => {}
        }
    }

    fn resync(&mut self, api: &ApiServer, queue: &mut WorkQueue) {
        self.pods.clear();
        self.tolerations_seen.clear();
        for object in api.list(Pod::resource_type(), None) {
            if let Some(pod) = object.as_::<Pod>() {
                self.pods.observe(pod, false);
            }
        }
        for object in api.list(Node::resource_type(), None) {
            if let Some(node) = object.as_::<Node>()
                && (!no_execute_taints(node).is_empty()
                    || self.tainted_nodes.contains_key(node.metadata.name()))
            {
                queue.add(ObjectKey::of(object));
            }
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, context: &mut ControllerContext<'_>) -> Action {
        if key.resource_type() == Pod::resource_type() {
            return self.reconcile_pod(key, context);
        }
        self.handle_node(key, context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toleration(key: &str, seconds: Option<i64>) -> Toleration {
        Toleration {
            key: Some(key.to_string()),
            operator: Some("Exists".to_string()),
            effect: Some("NoExecute".to_string()),
            toleration_seconds: seconds,
            ..Toleration::default()
        }
    }

    fn taint(key: &str) -> Taint {
        Taint {
            key: Some(key.to_string()),
            effect: Some("NoExecute".to_string()),
            ..Taint::default()
        }
    }

    /// The rules of upstream `getMinTolerationTime` (pkg/controller/tainteviction/taint_eviction.go), case by case.
    #[test]
    fn min_toleration_time_cases() {
        let one = toleration("a", Some(1));
        let ten = toleration("b", Some(10));
        let forever = toleration("c", None);
        let negative = toleration("d", Some(-1));
        let cases: [(Vec<&Toleration>, Option<i64>); 5] = [
            (vec![], Some(0)),
            (vec![&one, &ten], Some(1)),
            (vec![&forever], None),
            (vec![&forever, &ten], Some(10)),
            (vec![&ten, &negative], Some(0)),
        ];
        for (used, expected) in cases {
            assert_eq!(
                min_toleration_time(&used),
                expected.map(SimDuration::from_secs),
                "{used:?}"
            );
        }
    }

    #[test]
    fn every_taint_needs_a_toleration() {
        let tolerations = vec![toleration("a", Some(5)), toleration("b", None)];
        let (all, used) = matching_tolerations(&[taint("a"), taint("b")], &tolerations);
        assert!(all);
        assert_eq!(used.len(), 2);
        let (all, used) = matching_tolerations(&[taint("a"), taint("z")], &tolerations);
        assert!(!all && used.is_empty());
        assert!(matching_tolerations(&[], &tolerations).0);
    }
}
