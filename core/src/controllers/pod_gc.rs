//! The pod garbage collector (PodGC): force-deletes the pods bound to a node that no
//! longer exists.
//!
//! Upstream: `pkg/controller/podgc/gc_controller.go` (gcOrphaned,
//! markFailedAndDeletePodWithCondition). A node seen missing is quarantined for
//! 40 s (`quarantineTime`) and checked again; if it is still gone, each of its pods
//! is marked Failed with the condition DisruptionTarget=True (reason
//! `DeletionByPodGC`, "PodGC: node no longer exists") unless it already finished,
//! then deleted with grace period 0: no kubelet is left to finish a graceful
//! termination. Example: `kubectl delete node worker-2` at 12:00:00 → its pods are
//! gone at 12:00:40 and their ReplicaSets replace them elsewhere.
//!
//! Differences on purpose: upstream's loop runs every 20 s (`gcCheckPeriod`), so the
//! pods go 40 to 60 s after the node; kubesim reacts to the watch events and deletes
//! them exactly 40 s after it first saw the node missing. Not modelled: the
//! terminated-pod threshold (12,500 by default, far beyond a playground) and the
//! out-of-service taint.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::api_server::{ApiServer, DeleteOptions, ObjectKey, WatchEvent, WatchEventType};
use crate::controllers::node_lifecycle::PodsByNode;
use crate::controllers::{Action, Controller, ControllerContext, WorkQueue};
use crate::model::node::Node;
use crate::model::pod::{Pod, PodCondition};
use crate::model::pod_util::is_pod_terminal;
use crate::model::{Object, Resource, Time};
use crate::time::{SimDuration, SimTime};

/// How long a node must stay missing before its pods are deleted (`quarantineTime`).
pub const QUARANTINE: SimDuration = SimDuration::from_secs(40);

#[derive(Debug, Default)]
pub struct PodGcController {
    pods: PodsByNode,
    /// When each node with pods was first seen missing.
    missing_since: BTreeMap<String, SimTime>,
}

fn node_key(node: &str) -> ObjectKey {
    ObjectKey::new(Node::resource_type(), "", node)
}

fn node_exists(api: &ApiServer, node: &str) -> bool {
    api.get_ref(Node::resource_type(), "", node).is_some()
}

impl Controller for PodGcController {
    fn name(&self) -> &'static str {
        "pod-garbage-collector"
    }

    fn watches(&self) -> crate::controllers::Watches {
        crate::controllers::Watches::Kinds(&["Node", "Pod"])
    }

    fn observe(&mut self, event: &WatchEvent, api: &ApiServer, queue: &mut WorkQueue) {
        let deleted = event.event_type == WatchEventType::Deleted;
        match &*event.object {
            Object::Node(node) if deleted => {
                let name = node.metadata.name();
                if self.pods.pods_on(name).next().is_some() {
                    queue.add(node_key(name));
                }
            }
            Object::Pod(pod) => {
                // Only a bind can put a pod on a missing node: one lookup per bind.
                let newly_bound = self.pods.observe(pod, deleted);
                if newly_bound && !node_exists(api, pod.node_name()) {
                    queue.add(node_key(pod.node_name()));
                }
            }
            _ => {}
        }
    }

    fn resync(&mut self, api: &ApiServer, queue: &mut WorkQueue) {
        self.pods.clear();
        for object in api.list(Pod::resource_type(), None) {
            if let Some(pod) = object.as_::<Pod>() {
                self.pods.observe(pod, false);
                let node = pod.node_name();
                if !node.is_empty() && !node_exists(api, node) {
                    queue.add(node_key(node));
                }
            }
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, context: &mut ControllerContext<'_>) -> Action {
        let node = key.name.to_string();
        let pods: Vec<(String, String)> = self.pods.pods_on(&node).cloned().collect();
        if node_exists(context.api, &node) || pods.is_empty() {
            self.missing_since.remove(&node);
            return Action::Done;
        }
        let now = context.now();
        let since = *self.missing_since.entry(node.clone()).or_insert(now);
        if now < since + QUARANTINE {
            return Action::RequeueAfter(since + QUARANTINE - now);
        }
        self.missing_since.remove(&node);
        for (namespace, name) in pods {
            let Some(object) = context
                .api
                .get_ref(Pod::resource_type(), &namespace, &name)
                .map(Arc::clone)
            else {
                continue;
            };
            let Some(pod) = object.as_::<Pod>() else {
                continue;
            };
            mark_failed_and_delete(pod, context);
        }
        Action::Done
    }
}

/// `markFailedAndDeletePodWithCondition` for a pod whose node is gone.
fn mark_failed_and_delete(pod: &Pod, context: &mut ControllerContext<'_>) {
    let namespace = pod.metadata.namespace().to_string();
    let name = pod.metadata.name().to_string();
    if !is_pod_terminal(pod) {
        let mut updated = pod.clone();
        let status = updated.status.get_or_insert_with(Default::default);
        status.phase = Some("Failed".to_string());
        let conditions = status.conditions.get_or_insert_with(Vec::new);
        let condition = PodCondition {
            type_: Some("DisruptionTarget".to_string()),
            status: Some("True".to_string()),
            reason: Some("DeletionByPodGC".to_string()),
            message: Some("PodGC: node no longer exists".to_string()),
            last_transition_time: Some(Time(context.now().truncated_to_seconds())),
            ..PodCondition::default()
        };
        conditions.retain(|c| c.type_.as_deref() != Some("DisruptionTarget"));
        conditions.push(condition);
        let _ = context.api.update_status(Object::Pod(Box::new(updated)));
    }
    let force = DeleteOptions {
        grace_period_seconds: Some(0),
        ..DeleteOptions::default()
    };
    if context
        .api
        .delete(Pod::resource_type(), &namespace, &name, &force)
        .is_ok()
    {
        context.trace(format!(
            "force-deleted pod {namespace}/{name}: its node {} no longer exists",
            pod.node_name()
        ));
    }
}
