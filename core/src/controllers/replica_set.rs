//! The ReplicaSet controller: keeps `spec.replicas` active pods matching the selector.
//!
//! Upstream: `pkg/controller/replicaset/replica_set.go` (syncReplicaSet,
//! manageReplicas, getPodsToDelete) and `replica_set_utils.go` (calculateStatus,
//! updateReplicaSetStatus).
//! - A sync claims the pods (adopting matching orphans, releasing strays), then, unless
//!   it still waits for its own creations or deletions to be observed (expectations)
//!   or the ReplicaSet is being deleted, creates or deletes at most 500 pods
//!   (`BurstReplicas`): creations in slow-start batches 1, 2, 4, ..., deletions in
//!   `ActivePodsWithRanks` order.
//! - Status counts the active pods: replicas, fullyLabeledReplicas (matching the
//!   template's labels), readyReplicas, availableReplicas (ready for longer than
//!   minReadySeconds), observedGeneration, and a `ReplicaFailure` condition while
//!   creating or deleting fails. It is written only when it changed.
//! - A ReplicaSet with pods that will become available after minReadySeconds is
//!   requeued for that moment.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::api_server::{ApiServer, ObjectKey, WatchEvent, WatchEventType};
use crate::controllers::controller_utils::{
    BURST_REPLICAS, ControllerExpectations, SLOW_START_INITIAL_BATCH_SIZE, claim, claim_candidates,
    create_pod, delete_pod, filter_active_pods, key_of, slow_start_batch, sort_pods_for_deletion,
    status_write_meta,
};
use crate::controllers::replica_set_tally::{PodTally, Totals};
use crate::controllers::{Action, Controller, ControllerContext, WorkQueue};
use crate::model::pod::{Pod, PodTemplateSpec};
use crate::model::pod_util::{is_pod_active, is_pod_available, is_pod_ready, pod_available_at};
use crate::model::replica_set::{ReplicaSet, ReplicaSetCondition, ReplicaSetStatus};
use crate::model::selector::Selector;
use crate::model::{Object, OwnerReference, Resource, Time};
use crate::time::{SimDuration, SimTime};

/// The condition type set while pods cannot be created or deleted.
pub const REPLICA_FAILURE: &str = "ReplicaFailure";

/// The ReplicaSet controller (`replicaset-controller`).
#[derive(Debug, Default)]
pub struct ReplicaSetController {
    expectations: ControllerExpectations,
    /// Consecutive failed syncs per key, for the rate-limited requeue.
    failures: BTreeMap<String, u32>,
    /// Counts of each ReplicaSet's pods, kept from watch events (a performance cache).
    tally: PodTally,
}

/// True when `reference` names a ReplicaSet (apps/v1).
fn is_replica_set_ref(reference: &OwnerReference) -> bool {
    reference.kind == "ReplicaSet" && reference.api_version.starts_with("apps/")
}

impl ReplicaSetController {
    /// The key of the live ReplicaSet `reference` points to, if it still exists.
    fn resolve_controller_ref(
        api: &ApiServer,
        namespace: &str,
        reference: &OwnerReference,
    ) -> Option<ObjectKey> {
        if !is_replica_set_ref(reference) {
            return None;
        }
        let key = ObjectKey::new(ReplicaSet::resource_type(), namespace, &reference.name);
        let rs = api.store().get(&key)?;
        (rs.metadata().uid() == reference.uid).then_some(key)
    }

    /// `getPodReplicaSets`: the ReplicaSets whose selector matches an orphan pod.
    fn replica_sets_selecting(api: &ApiServer, pod: &Pod) -> Vec<ObjectKey> {
        let labels = pod.metadata.labels_or_empty();
        api.list(ReplicaSet::resource_type(), Some(pod.metadata.namespace()))
            .filter(|object| {
                object
                    .as_::<ReplicaSet>()
                    .and_then(|rs| rs.spec.as_ref()?.selector.as_ref()?.to_selector().ok())
                    .is_some_and(|selector| !selector.is_empty() && selector.matches(labels))
            })
            .map(|object| ObjectKey::of(object))
            .collect()
    }

    fn observe_pod(
        &mut self,
        event: &WatchEvent,
        pod: &Pod,
        api: &ApiServer,
        queue: &mut WorkQueue,
    ) {
        let meta = &pod.metadata;
        let Some(reference) = meta.controller_ref() else {
            if event.event_type != WatchEventType::Deleted {
                for key in Self::replica_sets_selecting(api, pod) {
                    queue.add(key);
                }
            }
            return;
        };
        let Some(rs_key) = Self::resolve_controller_ref(api, meta.namespace(), reference) else {
            return;
        };
        // The keys are built only for the events that settle an expectation.
        let expectation_key = || format!("{}/{}", rs_key.namespace, rs_key.name);
        match event.event_type {
            WatchEventType::Added if !meta.is_being_deleted() => {
                self.expectations.creation_observed(&expectation_key());
            }
            // A pod being deleted counts as deleted (updatePod → deletePod upstream).
            _ if meta.is_being_deleted() || event.event_type == WatchEventType::Deleted => {
                self.expectations
                    .deletion_observed(&expectation_key(), &key_of(meta));
            }
            _ => {}
        }
        queue.add(rs_key);
    }

    /// `getIndirectlyRelatedPods`: the pods of every ReplicaSet with the same controller
    /// (a Deployment's ReplicaSets), used to rank pods by node crowding. Upstream lists
    /// pods by each sibling's selector; kubesim takes each sibling's owned pods from the
    /// owner index, which is the same set for controller-made ReplicaSets.
    fn related_pods(api: &ApiServer, rs: &ReplicaSet) -> Vec<Arc<Object>> {
        let Some(controller) = rs.metadata.controller_ref() else {
            return Vec::new();
        };
        let store = api.store();
        let mut related = Vec::new();
        for sibling_key in store.dependents_of(&controller.uid) {
            let Some(sibling) = store.get(sibling_key) else {
                continue;
            };
            if sibling.as_::<ReplicaSet>().is_none()
                || sibling.metadata().controller_ref().map(|r| r.uid.as_str())
                    != Some(controller.uid.as_str())
            {
                continue;
            }
            for pod_key in store.dependents_of(sibling.metadata().uid()) {
                if let Some(pod) = store.get(pod_key)
                    && pod.as_::<Pod>().is_some()
                {
                    related.push(Arc::clone(pod));
                }
            }
        }
        related
    }

    /// The sync from the tally, when a claim would write nothing: no active orphan in
    /// the namespace matches (nothing to adopt) and every active controlled pod
    /// matches (nothing to release). Then the claimed pods are the tally's, and
    /// manageReplicas needs only their count, or (to delete) the first of them in
    /// deletion order. minReadySeconds must be 0, as availability then needs no clock.
    /// None means: take the full path.
    fn fast_plan(
        &mut self,
        rs: &ReplicaSet,
        selector: &Selector,
        needs_sync: bool,
        api: &ApiServer,
        now: SimTime,
    ) -> Option<(Totals, Plan)> {
        let spec = rs.spec.as_ref()?;
        if spec.min_ready_seconds.unwrap_or(0) != 0 {
            return None;
        }
        let store = api.store();
        let adoptable = store
            .without_controller(Pod::resource_type(), rs.metadata.namespace())
            .filter_map(|key| store.get(key))
            .filter_map(|object| object.as_::<Pod>())
            .any(|pod| is_pod_active(pod) && selector.matches(pod.metadata.labels_or_empty()));
        if adoptable {
            return None;
        }
        let totals = self.tally.totals(rs, selector, api);
        if totals.not_matching != 0 {
            return None;
        }
        let desired = spec.replicas.unwrap_or(1).max(0) as usize;
        if !needs_sync || rs.metadata.is_being_deleted() || totals.matching == desired {
            return Some((totals, Plan::Nothing));
        }
        if totals.matching < desired {
            let count = (desired - totals.matching).min(BURST_REPLICAS);
            return Some((totals, Plan::Create(count)));
        }
        let count = (totals.matching - desired).min(BURST_REPLICAS);
        let pods = self.tally.pods_to_delete(rs, count, now, api)?;
        Some((totals, Plan::Delete(pods)))
    }

    /// `manageReplicas`: creates or deletes pods to move towards `spec.replicas`.
    fn manage_replicas(
        &mut self,
        filtered: &[Arc<Object>],
        rs_object: &Arc<Object>,
        rs: &ReplicaSet,
        context: &mut ControllerContext<'_>,
    ) -> Result<(), String> {
        let desired = desired_replicas(rs);
        if filtered.len() < desired {
            let count = (desired - filtered.len()).min(BURST_REPLICAS);
            return self.create_replicas(count, rs_object, rs, context);
        }
        if filtered.len() > desired {
            let count = (filtered.len() - desired).min(BURST_REPLICAS);
            let pods = Self::pods_to_delete(filtered, count, rs, context.api, context.now());
            return self.delete_replicas(&pods, rs_object, rs, context);
        }
        Ok(())
    }

    /// `getPodsToDelete`: the first `count` of `filtered` in `ActivePodsWithRanks` order
    /// (unsorted when all of them go).
    fn pods_to_delete(
        filtered: &[Arc<Object>],
        count: usize,
        rs: &ReplicaSet,
        api: &ApiServer,
        now: SimTime,
    ) -> Vec<Arc<Object>> {
        let mut pods: Vec<Arc<Object>> = filtered.to_vec();
        if count < pods.len() {
            let related = Self::related_pods(api, rs);
            sort_pods_for_deletion(&mut pods, &related, now);
        }
        pods.truncate(count);
        pods
    }

    /// manageReplicas' creations: `count` pods in slow-start batches.
    fn create_replicas(
        &mut self,
        count: usize,
        rs_object: &Arc<Object>,
        rs: &ReplicaSet,
        context: &mut ControllerContext<'_>,
    ) -> Result<(), String> {
        let rs_key = key_of(&rs.metadata);
        let now = context.now();
        self.expectations.expect_creations(&rs_key, count, now);
        let default_template = PodTemplateSpec::default();
        let template = rs
            .spec
            .as_ref()
            .and_then(|spec| spec.template.as_ref())
            .unwrap_or(&default_template);
        let (successes, error) = slow_start_batch(count, SLOW_START_INITIAL_BATCH_SIZE, || {
            match create_pod(context, template, rs_object) {
                Ok(_) => Ok(()),
                // Upstream ignores creations refused because the namespace is terminating.
                Err(message) if message.contains("because it is being terminated") => Ok(()),
                Err(message) => Err(message),
            }
        });
        let skipped = count - successes;
        if skipped > 0 {
            self.expectations.lower(&rs_key, skipped, 0);
        }
        error.map_or(Ok(()), Err)
    }

    /// manageReplicas' deletions of `pods`, awaited by key.
    fn delete_replicas(
        &mut self,
        pods: &[Arc<Object>],
        rs_object: &Arc<Object>,
        rs: &ReplicaSet,
        context: &mut ControllerContext<'_>,
    ) -> Result<(), String> {
        let rs_key = key_of(&rs.metadata);
        let now = context.now();
        let pod_keys: Vec<String> = pods.iter().map(|pod| key_of(pod.metadata())).collect();
        self.expectations
            .expect_deletions_of(&rs_key, pod_keys.clone(), now);
        let mut first_error = None;
        for (pod, pod_key) in pods.iter().zip(&pod_keys) {
            if let Err(error) = delete_pod(context, pod.namespace(), pod.name(), rs_object) {
                self.expectations.deletion_observed(&rs_key, pod_key);
                if !matches!(error, crate::api_server::ApiError::NotFound { .. })
                    && first_error.is_none()
                {
                    first_error = Some(format!("unable to delete pods: {error}"));
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// `spec.replicas` (default 1), as a count.
fn desired_replicas(rs: &ReplicaSet) -> usize {
    rs.spec
        .as_ref()
        .and_then(|spec| spec.replicas)
        .unwrap_or(1)
        .max(0) as usize
}

/// What a sync from the tally does to the pods.
enum Plan {
    Nothing,
    Create(usize),
    Delete(Vec<Arc<Object>>),
}

/// `calculateStatus` (replica_set_utils.go): the status `filtered` (the claimed active
/// pods) gives, with observedGeneration = generation. A manage error sets
/// `ReplicaFailure` (FailedCreate when pods were missing, FailedDelete when there were
/// too many) unless one is already set; success removes it.
pub fn calculate_status(
    rs: &ReplicaSet,
    filtered: &[Arc<Object>],
    manage_error: Option<&str>,
    now: SimTime,
) -> ReplicaSetStatus {
    let spec = rs.spec.as_ref();
    let min_ready_seconds = spec.and_then(|spec| spec.min_ready_seconds).unwrap_or(0);
    let template_labels = spec
        .and_then(|spec| spec.template.as_ref())
        .and_then(|template| template.metadata.as_ref())
        .and_then(|meta| meta.labels.clone())
        .unwrap_or_default();
    let template_selector = Selector::from_set(&template_labels);
    let (mut fully_labeled, mut ready, mut available) = (0, 0, 0);
    for pod in filtered.iter().filter_map(|object| object.as_::<Pod>()) {
        if template_selector.matches(pod.metadata.labels_or_empty()) {
            fully_labeled += 1;
        }
        if is_pod_ready(pod) {
            ready += 1;
            if is_pod_available(pod, min_ready_seconds, now) {
                available += 1;
            }
        }
    }
    let counts = Counts {
        replicas: filtered.len(),
        fully_labeled,
        ready,
        available,
    };
    status_from_counts(rs, counts, manage_error, now)
}

/// What a status counts of the claimed active pods.
#[derive(Clone, Copy, Debug)]
struct Counts {
    replicas: usize,
    fully_labeled: i32,
    ready: i32,
    available: i32,
}

/// The rest of `calculateStatus`, from the counts.
fn status_from_counts(
    rs: &ReplicaSet,
    counts: Counts,
    manage_error: Option<&str>,
    now: SimTime,
) -> ReplicaSetStatus {
    let Counts {
        fully_labeled,
        ready,
        available,
        ..
    } = counts;
    let mut status = rs.status();
    let mut conditions = status.conditions.take().unwrap_or_default();
    let has_failure = conditions
        .iter()
        .any(|condition| condition.type_.as_deref() == Some(REPLICA_FAILURE));
    match manage_error {
        Some(message) if !has_failure => {
            let spec_replicas = rs.spec.as_ref().and_then(|spec| spec.replicas);
            let diff = counts.replicas as i64 - i64::from(spec_replicas.unwrap_or(1));
            let reason = match diff.cmp(&0) {
                std::cmp::Ordering::Less => "FailedCreate",
                std::cmp::Ordering::Greater => "FailedDelete",
                std::cmp::Ordering::Equal => "",
            };
            conditions.push(ReplicaSetCondition {
                type_: Some(REPLICA_FAILURE.to_string()),
                status: Some("True".to_string()),
                last_transition_time: Some(Time(now.truncated_to_seconds())),
                reason: Some(reason.to_string()),
                message: Some(message.to_string()),
            });
        }
        None if has_failure => {
            conditions.retain(|condition| condition.type_.as_deref() != Some(REPLICA_FAILURE));
        }
        _ => {}
    }
    let nonzero = |value: i32| (value != 0).then_some(value);
    ReplicaSetStatus {
        // `replicas` is not omitempty upstream: 0 is written.
        replicas: Some(counts.replicas as i32),
        fully_labeled_replicas: nonzero(fully_labeled),
        ready_replicas: nonzero(ready),
        available_replicas: nonzero(available),
        terminating_replicas: status.terminating_replicas,
        observed_generation: rs.metadata.generation.filter(|generation| *generation != 0),
        conditions: (!conditions.is_empty()).then_some(conditions),
    }
}

/// The next moment one of `filtered` becomes available, relative to `now`.
fn next_availability(
    filtered: &[Arc<Object>],
    min_ready_seconds: i32,
    now: SimTime,
) -> Option<SimDuration> {
    filtered
        .iter()
        .filter_map(|object| object.as_::<Pod>())
        .filter_map(|pod| pod_available_at(pod, min_ready_seconds, now))
        .min()
        .map(|at| (at - now).max(SimDuration::from_millis(1)))
}

/// The rate-limited requeue of a failed sync: 5 ms doubling per consecutive failure,
/// at most 1000 s (client-go's `DefaultControllerRateLimiter` per-item backoff).
pub fn failure_backoff(failures: u32) -> SimDuration {
    let millis = 5i64.saturating_mul(1i64 << failures.min(30));
    SimDuration::from_millis(millis.min(1_000_000))
}

impl Controller for ReplicaSetController {
    fn name(&self) -> &'static str {
        "replicaset-controller"
    }

    fn watches(&self) -> crate::controllers::Watches {
        crate::controllers::Watches::Kinds(&["ReplicaSet", "Pod"])
    }

    fn observe(&mut self, event: &WatchEvent, api: &ApiServer, queue: &mut WorkQueue) {
        match event.object.as_ref() {
            Object::ReplicaSet(rs) => {
                if event.event_type == WatchEventType::Deleted {
                    self.expectations.delete(&key_of(&rs.metadata));
                    self.failures.remove(&key_of(&rs.metadata));
                    self.tally.forget(rs.metadata.uid());
                }
                queue.add(ObjectKey::of(&event.object));
            }
            Object::Pod(pod) => {
                self.tally.observe(
                    &event.object,
                    pod,
                    event.event_type == WatchEventType::Deleted,
                );
                self.observe_pod(event, pod, api, queue)
            }
            _ => {}
        }
    }

    fn resync(&mut self, api: &ApiServer, queue: &mut WorkQueue) {
        // After a relist the view is fresh: nothing is still in flight.
        self.expectations.clear();
        self.tally.clear();
        for rs in api.list(ReplicaSet::resource_type(), None) {
            queue.add(ObjectKey::of(rs));
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, context: &mut ControllerContext<'_>) -> Action {
        let rs_key = format!("{}/{}", key.namespace, key.name);
        let Some(rs_object) = context.api.store().get(key).map(Arc::clone) else {
            self.expectations.delete(&rs_key);
            return Action::Done;
        };
        let Some(rs) = rs_object.as_::<ReplicaSet>() else {
            return Action::Done;
        };
        let now = context.now();
        let needs_sync = self.expectations.satisfied(&rs_key, now);
        let Some(Ok(selector)) = rs
            .spec
            .as_ref()
            .and_then(|spec| spec.selector.as_ref())
            .map(|s| s.to_selector())
        else {
            // Upstream logs the invalid selector and drops the key.
            return Action::Done;
        };
        let fast = self.fast_plan(rs, &selector, needs_sync, context.api, now);
        // What the full path would claim, for checking the tally in debug builds.
        let expected_claim = (cfg!(debug_assertions) && fast.is_some())
            .then(|| filtered_active_claimed(context.api, rs, &selector));
        let (filtered, mut sync_error, manage_error, totals) = match fast {
            Some((totals, plan)) => {
                let manage_error = match plan {
                    Plan::Nothing => None,
                    Plan::Create(count) => {
                        self.create_replicas(count, &rs_object, rs, context).err()
                    }
                    Plan::Delete(pods) => {
                        if let Some(claimed) = &expected_claim {
                            let want =
                                Self::pods_to_delete(claimed, pods.len(), rs, context.api, now);
                            debug_assert_eq!(
                                pods.iter()
                                    .map(|p| key_of(p.metadata()))
                                    .collect::<Vec<_>>(),
                                want.iter()
                                    .map(|p| key_of(p.metadata()))
                                    .collect::<Vec<_>>(),
                                "the tally's scale-down of {key} disagrees with a full ranking"
                            );
                        }
                        self.delete_replicas(&pods, &rs_object, rs, context).err()
                    }
                };
                (Vec::new(), None, manage_error, Some(totals))
            }
            None => {
                let candidates = filter_active_pods(claim_candidates(
                    context.api,
                    &rs.metadata,
                    Pod::resource_type(),
                ));
                let claimed = claim(context.api, &rs_object, &selector, candidates, |_| true);
                let sync_error = claimed.errors.first().cloned();
                let filtered = claimed.claimed;
                let mut manage_error = None;
                if sync_error.is_none() && needs_sync && !rs.metadata.is_being_deleted() {
                    manage_error = self
                        .manage_replicas(&filtered, &rs_object, rs, context)
                        .err();
                }
                (filtered, sync_error, manage_error, None)
            }
        };

        // Status from the pods this sync started with, as upstream.
        let current = context.api.store().get(key).map(Arc::clone);
        let Some(current) = current
            .as_ref()
            .and_then(|object| object.as_::<ReplicaSet>())
        else {
            return Action::Done;
        };
        let new_status = match totals {
            Some(totals) => {
                let counts = Counts {
                    replicas: totals.matching,
                    fully_labeled: totals.fully_labeled,
                    ready: totals.ready,
                    // minReadySeconds is 0 on this path: ready means available.
                    available: totals.ready,
                };
                let status = status_from_counts(current, counts, manage_error.as_deref(), now);
                if let Some(claimed) = &expected_claim {
                    debug_assert_eq!(
                        status,
                        calculate_status(current, claimed, manage_error.as_deref(), now),
                        "the pod tally of {key} disagrees with a full count"
                    );
                }
                status
            }
            None => calculate_status(current, &filtered, manage_error.as_deref(), now),
        };
        if current.status.as_ref() != Some(&new_status) {
            // The status subresource takes only the status: no copy of the template.
            let updated = ReplicaSet {
                metadata: status_write_meta(&current.metadata),
                spec: None,
                status: Some(new_status),
            };
            if let Err(error) = context
                .api
                .update_status(Object::ReplicaSet(Box::new(updated)))
            {
                sync_error.get_or_insert(error.to_string());
            }
        }
        if let Some(error) = manage_error.or(sync_error) {
            let failures = self.failures.entry(rs_key).or_insert(0);
            let delay = failure_backoff(*failures);
            *failures += 1;
            context.trace(format!("sync of replicaset {key} failed: {error}"));
            return Action::RequeueAfter(delay);
        }
        self.failures.remove(&rs_key);
        let min_ready_seconds = rs
            .spec
            .as_ref()
            .and_then(|spec| spec.min_ready_seconds)
            .unwrap_or(0);
        if min_ready_seconds > 0
            && let Some(delay) = next_availability(&filtered, min_ready_seconds, now)
        {
            return Action::RequeueAfter(delay);
        }
        Action::Done
    }
}

/// The active pods `rs` controls that match `selector`, read from the store: what a
/// claim returns when it writes nothing. For checking the tally in debug builds.
fn filtered_active_claimed(
    api: &ApiServer,
    rs: &ReplicaSet,
    selector: &Selector,
) -> Vec<Arc<Object>> {
    filter_active_pods(claim_candidates(api, &rs.metadata, Pod::resource_type()))
        .into_iter()
        .filter(|pod| {
            pod.metadata().controller_ref().map(|r| r.uid.as_str()) == Some(rs.metadata.uid())
                && selector.matches(pod.metadata().labels_or_empty())
        })
        .collect()
}
