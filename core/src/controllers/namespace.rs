//! The namespace controller: empties a namespace that is being deleted, then
//! removes its `kubernetes` finalizer so that the API server lets it go.
//!
//! Upstream: `pkg/controller/namespace/deletion/namespaced_resources_deleter.go`.
//! It deletes every namespaced object in the namespace (pods gracefully), waits
//! until none is left, and only then finalizes the namespace.

use std::sync::Arc;

use crate::api_server::{
    ApiServer, DeleteOptions, ObjectKey, PropagationPolicy, WatchEvent, WatchEventType,
};
use crate::controllers::{Action, Controller, ControllerContext, WorkQueue};
use crate::model::namespace::Namespace;
use crate::model::registry::RESOURCE_TYPES;
use crate::model::{Object, Resource};
use crate::time::SimDuration;

/// The spec finalizer the namespace controller owns.
pub const FINALIZER_KUBERNETES: &str = "kubernetes";

#[derive(Debug, Default)]
pub struct NamespaceController;

impl Controller for NamespaceController {
    fn name(&self) -> &'static str {
        "namespace-controller"
    }

    fn observe(&mut self, event: &WatchEvent, api: &ApiServer, queue: &mut WorkQueue) {
        if let Some(namespace) = event.object.as_::<Namespace>() {
            if event.event_type != WatchEventType::Deleted && namespace.metadata.is_being_deleted()
            {
                queue.add(ObjectKey::of(&event.object));
            }
            return;
        }
        // The last objects leaving a terminating namespace let it finish.
        if event.event_type == WatchEventType::Deleted && event.object.resource_type().namespaced {
            let namespace = event.object.namespace();
            if let Some(object) = api.get_ref(Namespace::resource_type(), "", namespace)
                && object.metadata().is_being_deleted()
            {
                queue.add(ObjectKey::of(object));
            }
        }
    }

    fn resync(&mut self, api: &ApiServer, queue: &mut WorkQueue) {
        for namespace in api.list(Namespace::resource_type(), None) {
            if namespace.metadata().is_being_deleted() {
                queue.add(ObjectKey::of(namespace));
            }
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, context: &mut ControllerContext<'_>) -> Action {
        let Some(object) = context.api.store().get(key).map(Arc::clone) else {
            return Action::Done;
        };
        let Some(namespace) = object.as_::<Namespace>() else {
            return Action::Done;
        };
        if !namespace.metadata.is_being_deleted() {
            return Action::Done;
        }
        let name = namespace.metadata.name().to_string();
        let mut remaining = 0usize;
        for resource_type in RESOURCE_TYPES
            .iter()
            .filter(|resource_type| resource_type.namespaced)
        {
            let keys: Vec<ObjectKey> = context
                .api
                .list(resource_type, Some(&name))
                .map(|o| ObjectKey::of(o))
                .collect();
            for object_key in keys {
                remaining += 1;
                let being_deleted = context
                    .api
                    .store()
                    .get(&object_key)
                    .is_some_and(|o| o.metadata().is_being_deleted());
                if !being_deleted {
                    let options = DeleteOptions {
                        propagation_policy: Some(PropagationPolicy::Background),
                        ..DeleteOptions::default()
                    };
                    let _ = context
                        .api
                        .delete(resource_type, &name, &object_key.name, &options);
                }
            }
        }
        if remaining > 0 {
            // Deletions of the remaining objects requeue the namespace; this is a backstop
            // for objects that wait on something else (finalizers, grace periods).
            return Action::RequeueAfter(SimDuration::from_secs(5));
        }
        let mut finalized = namespace.clone();
        if let Some(finalizers) = finalized
            .spec
            .as_mut()
            .and_then(|spec| spec.finalizers.as_mut())
        {
            finalizers.retain(|finalizer| finalizer != FINALIZER_KUBERNETES);
        }
        if context
            .api
            .update(Object::Namespace(Box::new(finalized)))
            .is_ok()
        {
            context.trace(format!("namespace {name} is empty and finalized"));
        }
        Action::Done
    }
}
