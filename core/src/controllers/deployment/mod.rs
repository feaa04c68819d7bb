//! The Deployment controller: rolls a pod template out through ReplicaSets.
//!
//! Upstream: `pkg/controller/deployment/deployment_controller.go` (syncDeployment and
//! the event handlers). The concerns live beside this file, as upstream splits them:
//! `sync.rs` (new RS, revisions, proportional scaling, history cleanup, status),
//! `rolling.rs`, `recreate.rs`, `rollback.rs` (the legacy rollback annotation),
//! `progress.rs` (Progressing condition, progress deadline) and `util.rs` (the pure
//! arithmetic, shared with kubectl).
//!
//! `syncDeployment` order: an empty selector only gets a `SelectingAll` warning; a
//! deployment being deleted only gets its status; then the paused condition is
//! checked; paused → `sync` (scale and cleanup only); a rollback annotation →
//! rollback; a scaling event → `sync`; otherwise the strategy's rollout.

pub mod progress;
pub mod recreate;
pub mod rollback;
pub mod rolling;
pub mod sync;
pub mod util;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::api_server::{ObjectKey, WatchEvent, WatchEventType};
use crate::controllers::controller_utils::{claim, claim_candidates, key_of};
use crate::controllers::replica_set::failure_backoff;
use crate::controllers::{Action, Controller, ControllerContext, EventType, WorkQueue};
use crate::model::deployment::Deployment;
use crate::model::replica_set::ReplicaSet;
use crate::model::{Object, OwnerReference, Resource};
use crate::time::SimDuration;

/// The Deployment controller (`deployment-controller`).
#[derive(Debug, Default)]
pub struct DeploymentController {
    /// Consecutive failed syncs per key, for the rate-limited requeue.
    failures: BTreeMap<String, u32>,
}

/// One sync of one deployment: the deployment as this sync knows it (mutated locally
/// and written through the API), and when to come back.
pub(crate) struct DeploymentSync<'c, 'a> {
    pub context: &'c mut ControllerContext<'a>,
    pub d: Deployment,
    /// The stored object `d` was read or written as, for events.
    pub object: Arc<Object>,
    pub requeue: Option<SimDuration>,
}

impl DeploymentSync<'_, '_> {
    /// Writes `d`'s status (and, as upstream's status strategy allows, its annotations).
    pub fn write_status(&mut self) -> Result<(), String> {
        // The status subresource reads only the status and (for a Deployment) the
        // annotations of what it is sent: no copy of the template.
        let object = Deployment {
            metadata: crate::model::ObjectMeta {
                name: self.d.metadata.name.clone(),
                namespace: self.d.metadata.namespace.clone(),
                annotations: self.d.metadata.annotations.clone(),
                ..crate::model::ObjectMeta::default()
            },
            spec: None,
            status: self.d.status.clone(),
        };
        let written = self
            .context
            .api
            .update_status(Object::Deployment(Box::new(object)))
            .map_err(|error| error.to_string())?;
        self.adopt_written(written);
        Ok(())
    }

    /// Writes `d` as an update (spec and metadata).
    pub fn write(&mut self) -> Result<(), String> {
        let mut object = self.d.clone();
        object.metadata.resource_version = None;
        let written = self
            .context
            .api
            .update(Object::Deployment(Box::new(object)))
            .map_err(|error| error.to_string())?;
        self.adopt_written(written);
        Ok(())
    }

    fn adopt_written(&mut self, written: Arc<Object>) {
        if let Some(d) = written.as_::<Deployment>() {
            self.d.metadata = d.metadata.clone();
            self.d.spec = d.spec.clone();
            // A status write returns the status it was sent: no second copy of it.
            if self.d.status != d.status {
                self.d.status = d.status.clone();
            }
        }
        self.object = written;
    }

    /// Records an event about the deployment.
    pub fn event(&mut self, event_type: EventType, reason: &str, message: &str) {
        let object = Arc::clone(&self.object);
        self.context
            .record_event(&object, event_type, reason, message);
    }

    /// Asks to be reconciled again after `delay` (the earliest request wins).
    pub fn requeue_after(&mut self, delay: SimDuration) {
        self.requeue = Some(self.requeue.map_or(delay, |current| current.min(delay)));
    }
}

fn is_deployment_ref(reference: &OwnerReference) -> bool {
    reference.kind == "Deployment" && reference.api_version.starts_with("apps/")
}

impl DeploymentController {
    /// `getDeploymentsForReplicaSet`: deployments whose selector matches an orphan RS.
    fn deployments_selecting(
        api: &crate::api_server::ApiServer,
        rs: &ReplicaSet,
    ) -> Vec<ObjectKey> {
        let labels = rs.metadata.labels_or_empty();
        api.list(Deployment::resource_type(), Some(rs.metadata.namespace()))
            .filter(|object| {
                object
                    .as_::<Deployment>()
                    .and_then(|d| d.spec.as_ref()?.selector.as_ref()?.to_selector().ok())
                    .is_some_and(|selector| !selector.is_empty() && selector.matches(labels))
            })
            .map(|object| ObjectKey::of(object))
            .collect()
    }

    /// The live deployment `reference` points to.
    fn resolve(
        api: &crate::api_server::ApiServer,
        namespace: &str,
        reference: &OwnerReference,
    ) -> Option<ObjectKey> {
        if !is_deployment_ref(reference) {
            return None;
        }
        let key = ObjectKey::new(Deployment::resource_type(), namespace, &reference.name);
        let object = api.store().get(&key)?;
        (object.metadata().uid() == reference.uid).then_some(key)
    }

    /// `getReplicaSetsForDeployment`: claims the RSs (adopting matching orphans,
    /// releasing strays) from the owner and orphan indexes. The stored objects are
    /// returned, so the sync borrows them instead of copying each.
    fn claim_replica_sets(sync: &mut DeploymentSync<'_, '_>) -> Result<Vec<Arc<Object>>, String> {
        let selector = sync
            .d
            .spec
            .as_ref()
            .and_then(|s| s.selector.as_ref())
            .map(|s| s.to_selector())
            .transpose()
            .map_err(|error| {
                format!(
                    "deployment {}/{} has invalid label selector: {error}",
                    sync.d.metadata.namespace(),
                    sync.d.metadata.name()
                )
            })?
            .unwrap_or_else(crate::model::selector::Selector::nothing);
        let candidates = claim_candidates(
            sync.context.api,
            &sync.d.metadata,
            ReplicaSet::resource_type(),
        );
        let object = Arc::clone(&sync.object);
        let result = claim(sync.context.api, &object, &selector, candidates, |_| true);
        if let Some(error) = result.errors.first() {
            return Err(error.clone());
        }
        Ok(result
            .claimed
            .into_iter()
            .filter(|object| object.as_::<ReplicaSet>().is_some())
            .collect())
    }

    fn sync_deployment(sync: &mut DeploymentSync<'_, '_>) -> Result<(), String> {
        let everything = sync
            .d
            .spec
            .as_ref()
            .and_then(|s| s.selector.as_ref())
            .is_some_and(|s| {
                s.match_labels.as_ref().is_none_or(BTreeMap::is_empty)
                    && s.match_expressions.as_ref().is_none_or(Vec::is_empty)
            });
        if everything {
            sync.event(
                EventType::Warning,
                "SelectingAll",
                "This deployment is selecting all pods. A non-empty selector is required.",
            );
            let generation = sync.d.metadata.generation.unwrap_or(0);
            let status = sync.d.status.get_or_insert_with(Default::default);
            if status.observed_generation.unwrap_or(0) < generation {
                status.observed_generation = Some(generation);
                sync.write_status()?;
            }
            return Ok(());
        }
        let claimed = Self::claim_replica_sets(sync)?;
        let rs_list: Vec<&ReplicaSet> = claimed
            .iter()
            .filter_map(|object| object.as_::<ReplicaSet>())
            .collect();
        if sync.d.metadata.is_being_deleted() {
            return sync::sync_status_only(sync, &rs_list);
        }
        sync::check_paused_conditions(sync)?;
        if sync.d.spec.as_ref().and_then(|s| s.paused).unwrap_or(false) {
            return sync::sync(sync, &rs_list);
        }
        if rollback::rollback_to(&sync.d).is_some() {
            return rollback::rollback(sync, &rs_list);
        }
        if sync::is_scaling_event(sync, &rs_list)? {
            return sync::sync(sync, &rs_list);
        }
        match util::strategy_type(&sync.d) {
            "Recreate" => recreate::rollout_recreate(sync, &rs_list),
            "RollingUpdate" => rolling::rollout_rolling(sync, &rs_list),
            other => Err(format!("unexpected deployment strategy type: {other}")),
        }
    }
}

impl Controller for DeploymentController {
    fn name(&self) -> &'static str {
        "deployment-controller"
    }

    fn watches(&self) -> crate::controllers::Watches {
        crate::controllers::Watches::Kinds(&["Deployment", "ReplicaSet", "Pod"])
    }

    fn observe(
        &mut self,
        event: &WatchEvent,
        api: &crate::api_server::ApiServer,
        queue: &mut WorkQueue,
    ) {
        match event.object.as_ref() {
            Object::Deployment(_) => queue.add(ObjectKey::of(&event.object)),
            Object::ReplicaSet(rs) => match rs.metadata.controller_ref() {
                Some(reference) => {
                    if let Some(key) = Self::resolve(api, rs.metadata.namespace(), reference) {
                        queue.add(key);
                    }
                }
                None if event.event_type != WatchEventType::Deleted => {
                    for key in Self::deployments_selecting(api, rs) {
                        queue.add(key);
                    }
                }
                None => {}
            },
            // Recreate waits for the old pods to be gone (upstream deletePod).
            Object::Pod(pod) if event.event_type == WatchEventType::Deleted => {
                let Some(rs_ref) = pod.metadata.controller_ref() else {
                    return;
                };
                let rs_key = ObjectKey::new(
                    ReplicaSet::resource_type(),
                    pod.metadata.namespace(),
                    &rs_ref.name,
                );
                let Some(rs) = api.store().get(&rs_key) else {
                    return;
                };
                if let Some(d_ref) = rs.metadata().controller_ref()
                    && let Some(key) = Self::resolve(api, pod.metadata.namespace(), d_ref)
                    && api
                        .store()
                        .get(&key)
                        .and_then(|d| {
                            d.as_::<Deployment>()
                                .map(|d| util::strategy_type(d) == "Recreate")
                        })
                        .unwrap_or(false)
                {
                    queue.add(key);
                }
            }
            _ => {}
        }
    }

    fn resync(&mut self, api: &crate::api_server::ApiServer, queue: &mut WorkQueue) {
        for d in api.list(Deployment::resource_type(), None) {
            queue.add(ObjectKey::of(d));
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, context: &mut ControllerContext<'_>) -> Action {
        let Some(object) = context.api.store().get(key).map(Arc::clone) else {
            return Action::Done;
        };
        let Some(d) = object.as_::<Deployment>().cloned() else {
            return Action::Done;
        };
        let failure_key = key_of(&d.metadata);
        let mut sync = DeploymentSync {
            context,
            d,
            object,
            requeue: None,
        };
        match Self::sync_deployment(&mut sync) {
            Ok(()) => {
                self.failures.remove(&failure_key);
                match sync.requeue {
                    Some(delay) => Action::RequeueAfter(delay),
                    None => Action::Done,
                }
            }
            Err(error) => {
                sync.context
                    .trace(format!("sync of deployment {key} failed: {error}"));
                let failures = self.failures.entry(failure_key).or_insert(0);
                let delay = failure_backoff(*failures);
                *failures += 1;
                Action::RequeueAfter(delay)
            }
        }
    }
}
