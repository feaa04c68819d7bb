//! The `pods/binding` subresource: how a scheduler assigns a pod to a node.
//!
//! Upstream: `pkg/registry/core/pod/storage/storage.go` (`BindingREST.Create`,
//! `assignPod`, `setPodNodeAndMetadata`). One write sets `spec.nodeName` and the
//! `PodScheduled=True` condition. The node is not checked to exist, as upstream.

use std::sync::Arc;

use crate::api_server::{ApiError, ApiServer};
use crate::model::Object;
use crate::model::Time;
use crate::model::pod::PodCondition;
use crate::model::registry::lookup_kind_name;
use crate::model::validation::FieldError;

impl ApiServer {
    /// `POST /api/v1/namespaces/{namespace}/pods/{pod}/binding` with target `node_name`.
    ///
    /// Errors as upstream: NotFound for a missing pod; Conflict on `pods/binding` for a
    /// pod that is being deleted, already assigned, or still has scheduling gates,
    /// e.g. `Operation cannot be fulfilled on pods/binding "web": pod web is already
    /// assigned to node "worker-1"`.
    pub fn bind(
        &mut self,
        namespace: &str,
        pod_name: &str,
        node_name: &str,
    ) -> Result<Arc<Object>, ApiError> {
        let pod_type = lookup_kind_name("Pod").expect("Pod is served");
        if node_name.is_empty() {
            return Err(ApiError::Invalid {
                kind: "Binding".to_string(),
                qualified_kind: "Binding".to_string(),
                name: pod_name.to_string(),
                causes: vec![FieldError::required("target.name", "")],
            });
        }
        let current = self.get(pod_type, namespace, pod_name)?;
        let Object::Pod(pod) = current.as_ref() else {
            return Err(ApiError::NotFound {
                resource: "pods".to_string(),
                name: pod_name.to_string(),
            });
        };
        let conflict = |detail: String| ApiError::Conflict {
            resource: "pods/binding".to_string(),
            name: pod_name.to_string(),
            detail,
        };
        if pod.metadata.is_being_deleted() {
            return Err(conflict(format!(
                "pod {pod_name} is being deleted, cannot be assigned to a host"
            )));
        }
        if !pod.node_name().is_empty() {
            return Err(conflict(format!(
                "pod {pod_name} is already assigned to node \"{}\"",
                pod.node_name()
            )));
        }
        let gated = pod
            .spec
            .as_ref()
            .and_then(|s| s.scheduling_gates.as_ref())
            .is_some_and(|gates| !gates.is_empty());
        if gated {
            return Err(conflict(format!(
                "pod {pod_name} has non-empty .spec.schedulingGates"
            )));
        }
        let mut next = pod.clone();
        next.spec
            .get_or_insert_with(Default::default)
            .make_mut()
            .node_name = Some(node_name.to_string());
        set_pod_condition(
            &mut next,
            PodCondition {
                type_: Some("PodScheduled".to_string()),
                status: Some("True".to_string()),
                ..PodCondition::default()
            },
            self.now(),
        );
        Ok(self.store.put(Object::Pod(next)))
    }
}

/// `podutil.UpdatePodCondition`: replaces the condition of the same type. The
/// transition time moves only when the status changes; nothing is written when the
/// condition is already as wanted. Returns true when something changed.
pub fn set_pod_condition(
    pod: &mut crate::model::pod::Pod,
    mut condition: PodCondition,
    now: crate::time::SimTime,
) -> bool {
    let conditions = pod
        .status
        .get_or_insert_with(Default::default)
        .conditions
        .get_or_insert_with(Vec::new);
    let existing = conditions.iter_mut().find(|c| c.type_ == condition.type_);
    match existing {
        None => {
            condition.last_transition_time = Some(Time(now.truncated_to_seconds()));
            conditions.push(condition);
            true
        }
        Some(existing) => {
            if existing.status == condition.status {
                condition.last_transition_time = existing.last_transition_time;
            } else {
                condition.last_transition_time = Some(Time(now.truncated_to_seconds()));
            }
            let changed = existing.status != condition.status
                || existing.reason != condition.reason
                || existing.message != condition.message
                || existing.last_probe_time != condition.last_probe_time;
            if changed {
                *existing = condition;
            }
            changed
        }
    }
}
