//! The garbage collector: cascading deletion along ownerReferences.
//!
//! Upstream: `pkg/controller/garbagecollector/garbagecollector.go`.
//! - An object whose owners are all gone is deleted (Background propagation).
//!   With some owners left, only the dangling references are removed.
//! - An owner being deleted with the `orphan` finalizer has its dependents'
//!   references to it removed, then loses the finalizer.
//! - An owner being deleted with the `foregroundDeletion` finalizer has its
//!   dependents deleted (in the foreground too); once no dependent that blocks
//!   owner deletion is left, it loses the finalizer and goes.

use std::sync::Arc;

use crate::api_server::store::KeyMap;
use crate::api_server::{
    ApiServer, DeleteOptions, FINALIZER_FOREGROUND, FINALIZER_ORPHAN, ObjectKey, PropagationPolicy,
    WatchEvent, WatchEventType,
};
use crate::controllers::{Action, Controller, ControllerContext, WorkQueue};
use crate::model::registry::lookup_kind;
use crate::model::{Object, ObjectMeta, OwnerReference};

/// The garbage collector. Like upstream's dependency graph (`graph_builder.go`), it
/// remembers each dependent's ownerReferences, so an update that changes neither them
/// nor the deletion state (a Lease renewal, a pod status write) costs a comparison
/// instead of a reconcile. The map is looked up from the event's object without
/// building its key.
#[derive(Debug, Default)]
pub struct GarbageCollector {
    observed: KeyMap<Observed>,
}

/// What the collector acts on, as last observed for one object with owners.
#[derive(Debug, PartialEq)]
struct Observed {
    owners: Vec<OwnerReference>,
    being_deleted: bool,
}

impl Observed {
    fn of(meta: &ObjectMeta) -> Self {
        Observed {
            owners: meta.owner_references().to_vec(),
            being_deleted: meta.is_being_deleted(),
        }
    }

    fn matches(&self, meta: &ObjectMeta) -> bool {
        self.being_deleted == meta.is_being_deleted()
            && self.owners.as_slice() == meta.owner_references()
    }
}

impl Controller for GarbageCollector {
    fn name(&self) -> &'static str {
        "garbage-collector"
    }

    fn observe(&mut self, event: &WatchEvent, api: &ApiServer, queue: &mut WorkQueue) {
        let meta = event.object.metadata();
        match event.event_type {
            WatchEventType::Deleted => {
                self.observed.remove_of(&event.object);
                // Its dependents may now be dangling.
                for dependent in api.store().dependents_of(meta.uid()) {
                    queue.add(dependent.clone());
                }
                // An owner waiting in the foreground may now be free to go.
                for reference in meta.owner_references() {
                    if let OwnerLookup::Found(owner) = find_owner(api, reference, meta.namespace())
                        && owner.metadata().has_finalizer(FINALIZER_FOREGROUND)
                    {
                        queue.add(ObjectKey::of(owner));
                    }
                }
            }
            WatchEventType::Added | WatchEventType::Modified => {
                let gc_finalizer = meta.has_finalizer(FINALIZER_ORPHAN)
                    || meta.has_finalizer(FINALIZER_FOREGROUND);
                let deleting_owner = meta.is_being_deleted() && gc_finalizer;
                if meta.owner_references().is_empty() {
                    if !self.observed.is_empty() {
                        self.observed.remove_of(&event.object);
                    }
                    if deleting_owner {
                        queue.add(ObjectKey::of(&event.object));
                    }
                    return;
                }
                // A dependent whose references and deletion state did not change has
                // nothing new for the collector (upstream's referencesDiffs).
                let unchanged = event.event_type == WatchEventType::Modified
                    && self
                        .observed
                        .get_of(&event.object)
                        .is_some_and(|observed| observed.matches(meta));
                if unchanged && !deleting_owner {
                    return;
                }
                let key = ObjectKey::of(&event.object);
                if !unchanged {
                    self.observed.insert(key.clone(), Observed::of(meta));
                }
                queue.add(key);
            }
        }
    }

    fn resync(&mut self, api: &ApiServer, queue: &mut WorkQueue) {
        self.observed.clear();
        for (key, object) in api.store().iter() {
            let meta = object.metadata();
            if !meta.owner_references().is_empty() {
                self.observed.insert(key.clone(), Observed::of(meta));
            }
            if !meta.owner_references().is_empty()
                || meta.has_finalizer(FINALIZER_ORPHAN)
                || meta.has_finalizer(FINALIZER_FOREGROUND)
            {
                queue.add(key.clone());
            }
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, context: &mut ControllerContext<'_>) -> Action {
        let Some(object) = context.api.store().get(key).map(Arc::clone) else {
            return Action::Done;
        };
        let meta = object.metadata();
        if meta.is_being_deleted() && meta.has_finalizer(FINALIZER_ORPHAN) {
            orphan_dependents(&object, context);
            return Action::Done;
        }
        if meta.is_being_deleted() && meta.has_finalizer(FINALIZER_FOREGROUND) {
            delete_dependents_in_foreground(&object, context);
            return Action::Done;
        }
        collect_if_dangling(&object, context);
        Action::Done
    }
}

/// Removes every dependent's reference to `owner`, then the owner's `orphan` finalizer.
fn orphan_dependents(owner: &Object, context: &mut ControllerContext<'_>) {
    let owner_uid = owner.metadata().uid().to_string();
    let dependents: Vec<ObjectKey> = context
        .api
        .store()
        .dependents_of(&owner_uid)
        .cloned()
        .collect();
    for dependent_key in dependents {
        let Some(dependent) = context.api.store().get(&dependent_key) else {
            continue;
        };
        let mut dependent = (**dependent).clone();
        remove_owner_reference(&mut dependent, &owner_uid);
        if context.api.update(dependent).is_ok() {
            context.trace(format!(
                "orphaned {dependent_key} from {}",
                ObjectKey::of(owner)
            ));
        }
    }
    remove_finalizer(owner, FINALIZER_ORPHAN, context);
}

/// Deletes `owner`'s dependents; once none that blocks owner deletion is left,
/// removes the `foregroundDeletion` finalizer so that the owner goes too.
fn delete_dependents_in_foreground(owner: &Object, context: &mut ControllerContext<'_>) {
    let owner_uid = owner.metadata().uid().to_string();
    let dependents: Vec<ObjectKey> = context
        .api
        .store()
        .dependents_of(&owner_uid)
        .cloned()
        .collect();
    for dependent_key in dependents {
        let Some(dependent) = context.api.store().get(&dependent_key).map(Arc::clone) else {
            continue;
        };
        if !dependent.metadata().is_being_deleted() {
            let options = DeleteOptions {
                propagation_policy: Some(PropagationPolicy::Foreground),
                ..DeleteOptions::default()
            };
            let resource_type = dependent_key.resource_type();
            if context
                .api
                .delete(
                    resource_type,
                    &dependent_key.namespace,
                    &dependent_key.name,
                    &options,
                )
                .is_ok()
            {
                context.trace(format!(
                    "deleting {dependent_key} (foreground, owner {})",
                    ObjectKey::of(owner)
                ));
            }
        }
    }
    let still_blocking = context.api.store().dependents_of(&owner_uid).any(|key| {
        context.api.store().get(key).is_some_and(|dependent| {
            dependent
                .metadata()
                .owner_references()
                .iter()
                .any(|reference| {
                    reference.uid == owner_uid && reference.block_owner_deletion == Some(true)
                })
        })
    });
    if !still_blocking {
        remove_finalizer(owner, FINALIZER_FOREGROUND, context);
    }
}

/// What a lookup of an ownerReference's owner found.
enum OwnerLookup<'a> {
    /// The object the reference names, with the reference's uid.
    Found(&'a Arc<Object>),
    /// No such object, or one of that name with another uid: the owner is gone.
    Absent,
    /// A kind the API server does not serve: upstream's lookup fails and is retried
    /// with backoff, so the reference is neither honoured nor dangling. kubesim does
    /// not retry on a timer; the dependent's next change looks again.
    UnknownKind,
}

/// The owner an ownerReference names, found as upstream's `isDangling` does
/// (`pkg/controller/garbagecollector/garbagecollector.go`): a GET of the reference's
/// kind by name, in the dependent's namespace when the kind is namespaced, that counts
/// only when the uid matches. Example: a pod owned by ReplicaSet `web-7d4b` with uid
/// `u1` is dangling once `web-7d4b` is deleted, and also once a new `web-7d4b` (uid
/// `u2`) replaced it. A cluster-scoped dependent naming a namespaced owner finds none
/// (upstream also records an `OwnerRefInvalidNamespace` Event then; kubesim does not).
fn find_owner<'a>(
    api: &'a ApiServer,
    reference: &OwnerReference,
    dependent_namespace: &str,
) -> OwnerLookup<'a> {
    let Some(resource_type) = lookup_kind(&reference.api_version, &reference.kind) else {
        return OwnerLookup::UnknownKind;
    };
    if resource_type.namespaced && dependent_namespace.is_empty() {
        return OwnerLookup::Absent;
    }
    // `get_ref` ignores the namespace of a cluster-scoped kind.
    match api.get_ref(resource_type, dependent_namespace, &reference.name) {
        Some(owner) if owner.metadata().uid() == reference.uid => OwnerLookup::Found(owner),
        _ => OwnerLookup::Absent,
    }
}

/// Deletes an object whose owners are all gone, or drops the references to the
/// owners that are gone while others remain.
fn collect_if_dangling(object: &Object, context: &mut ControllerContext<'_>) {
    let references = object.metadata().owner_references();
    if references.is_empty() {
        return;
    }
    let namespace = object.namespace();
    let dangling: Vec<String> = references
        .iter()
        .filter(|r| matches!(find_owner(context.api, r, namespace), OwnerLookup::Absent))
        .map(|r| r.uid.clone())
        .collect();
    if dangling.is_empty() {
        // An owner deleted in the foreground deletes its dependents itself.
        for reference in references {
            if let OwnerLookup::Found(owner) = find_owner(context.api, reference, namespace)
                && owner.metadata().is_being_deleted()
                && owner.metadata().has_finalizer(FINALIZER_FOREGROUND)
            {
                let owner = Arc::clone(owner);
                delete_dependents_in_foreground(&owner, context);
            }
        }
        return;
    }
    let key = ObjectKey::of(object);
    if dangling.len() == references.len() {
        if object.metadata().is_being_deleted() {
            return;
        }
        let options = DeleteOptions {
            propagation_policy: Some(PropagationPolicy::Background),
            ..DeleteOptions::default()
        };
        if context
            .api
            .delete(key.resource_type(), &key.namespace, &key.name, &options)
            .is_ok()
        {
            context.trace(format!("deleting {key}: its owner is gone"));
        }
        return;
    }
    let mut updated = object.clone();
    for uid in &dangling {
        remove_owner_reference(&mut updated, uid);
    }
    if context.api.update(updated).is_ok() {
        context.trace(format!("removed dangling owner references from {key}"));
    }
}

fn remove_owner_reference(object: &mut Object, owner_uid: &str) {
    let meta = object.metadata_mut();
    if let Some(references) = &mut meta.owner_references {
        references
            .make_mut()
            .retain(|reference| reference.uid != owner_uid);
        if references.is_empty() {
            meta.owner_references = None;
        }
    }
}

fn remove_finalizer(object: &Object, finalizer: &str, context: &mut ControllerContext<'_>) {
    let Some(current) = context.api.store().get(&ObjectKey::of(object)) else {
        return;
    };
    let mut updated = (**current).clone();
    let meta = updated.metadata_mut();
    if let Some(finalizers) = &mut meta.finalizers {
        finalizers.retain(|f| f != finalizer);
        if finalizers.is_empty() {
            meta.finalizers = None;
        }
    }
    if context.api.update(updated).is_ok() {
        context.trace(format!(
            "removed finalizer {finalizer} from {}",
            ObjectKey::of(object)
        ));
    }
}
