//! Helpers the workload controllers share (ReplicaSet, Deployment, Job, DaemonSet).
//!
//! Upstream: `pkg/controller/controller_utils.go` (slowStartBatch, expectations,
//! `GetPodFromTemplate`, `ActivePodsWithRanks`, `FilterActivePods`, `RealPodControl`)
//! and `pkg/controller/controller_ref_manager.go` (`ClaimObject`, adopt, release).
//!
//! - [`slow_start_batch`]: run N calls in batches of 1, 2, 4, ... stopping at the
//!   first batch with an error.
//! - [`ControllerExpectations`]: creations and deletions a controller is waiting to
//!   see through its watch before it syncs a key again.
//! - [`claim`] / [`claim_candidates`]: adopt matching orphans, release owned objects
//!   that no longer match, as ownerReference writes through the API.
//! - [`pod_from_template`], [`create_pod`], [`delete_pod`]: `RealPodControl`, with
//!   upstream's events.
//! - [`sort_pods_for_deletion`]: `ActivePodsWithRanks` ordering.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::api_server::{ApiError, ApiServer, DeleteOptions, ObjectKey};
use crate::controllers::{ControllerContext, EventType};
use crate::model::pod::{Pod, PodTemplateSpec};
use crate::model::pod_util::{
    POD_PENDING, POD_RUNNING, POD_UNKNOWN, is_pod_active, is_pod_ready, max_container_restarts,
    pod_deletion_cost, pod_ready_time,
};
use crate::model::registry::ResourceType;
use crate::model::selector::Selector;
use crate::model::{Object, ObjectMeta, OwnerReference, Resource};
use crate::time::{SimDuration, SimTime};

/// `BurstReplicas`: the most pods one sync creates or deletes.
pub const BURST_REPLICAS: usize = 500;
/// `SlowStartInitialBatchSize`.
pub const SLOW_START_INITIAL_BATCH_SIZE: usize = 1;
/// `ExpectationsTimeout`: unsatisfied expectations stop blocking a sync after 5 minutes.
pub const EXPECTATIONS_TIMEOUT: SimDuration = SimDuration::from_mins(5);

/// Event reasons of `RealPodControl`.
pub const SUCCESSFUL_CREATE_POD_REASON: &str = "SuccessfulCreate";
pub const FAILED_CREATE_POD_REASON: &str = "FailedCreate";
pub const SUCCESSFUL_DELETE_POD_REASON: &str = "SuccessfulDelete";
pub const FAILED_DELETE_POD_REASON: &str = "FailedDelete";

// ---------------------------------------------------------------------------------------
// slowStartBatch

/// `slowStartBatch`: calls `call` `count` times in batches of `initial_batch_size`,
/// then twice that, and so on (1, 2, 4, 8, ... capped at what remains). Upstream runs a
/// batch's calls in parallel, so every call of a failing batch still happens; the
/// batches after it are skipped. Returns the successes and the first error.
/// Example: 10 calls where the 4th fails run batches 1, 2 and 4 (7 calls, 6 successes);
/// the remaining 3 are skipped, and the caller lowers its expectations by 10 − 6 = 4.
pub fn slow_start_batch<E>(
    count: usize,
    initial_batch_size: usize,
    mut call: impl FnMut() -> Result<(), E>,
) -> (usize, Option<E>) {
    let mut remaining = count;
    let mut successes = 0;
    let mut batch_size = remaining.min(initial_batch_size.max(1));
    while batch_size > 0 {
        let mut first_error = None;
        for _ in 0..batch_size {
            match call() {
                Ok(()) => successes += 1,
                Err(error) => {
                    if first_error.is_none() {
                        first_error = Some(error);
                    }
                }
            }
        }
        if first_error.is_some() {
            return (successes, first_error);
        }
        remaining -= batch_size;
        batch_size = remaining.min(2 * batch_size);
    }
    (successes, None)
}

// ---------------------------------------------------------------------------------------
// Expectations

/// What one controller key still expects to observe.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expectation {
    /// Creations not yet observed.
    pub add: i64,
    /// Deletions not yet observed.
    pub del: i64,
    /// With `expect_deletions_of`: the pod keys (`namespace/name`) whose deletion is
    /// awaited (`UIDTrackingControllerExpectations`); only those lower `del`.
    deleting: Option<BTreeSet<String>>,
    /// When the expectation was set, for the 5-minute timeout.
    timestamp: Option<SimTime>,
}

impl Expectation {
    /// `Fulfilled`: nothing left to observe.
    pub fn fulfilled(&self) -> bool {
        self.add <= 0 && self.del <= 0
    }
}

/// `ControllerExpectations`: per controller key (`namespace/name`), the creations and
/// deletions it issued and has not yet seen come back through its watch. A key with
/// unsatisfied expectations is not synced (its view would be stale), until they are
/// met or 5 minutes pass.
#[derive(Clone, Debug, Default)]
pub struct ControllerExpectations {
    records: BTreeMap<String, Expectation>,
}

impl ControllerExpectations {
    /// `SatisfiedExpectations`: true when there is no record, when it is fulfilled, or
    /// when it is older than [`EXPECTATIONS_TIMEOUT`].
    pub fn satisfied(&self, key: &str, now: SimTime) -> bool {
        match self.records.get(key) {
            None => true,
            Some(record) => {
                record.fulfilled()
                    || record
                        .timestamp
                        .is_none_or(|since| now - since > EXPECTATIONS_TIMEOUT)
            }
        }
    }

    /// The record of `key`, if any.
    pub fn get(&self, key: &str) -> Option<&Expectation> {
        self.records.get(key)
    }

    /// `ExpectCreations`: replaces the record with `count` creations.
    pub fn expect_creations(&mut self, key: &str, count: usize, now: SimTime) {
        self.records.insert(
            key.to_string(),
            Expectation {
                add: count as i64,
                del: 0,
                deleting: None,
                timestamp: Some(now),
            },
        );
    }

    /// `ExpectDeletions` (counting): replaces the record with `count` deletions.
    pub fn expect_deletions(&mut self, key: &str, count: usize, now: SimTime) {
        self.records.insert(
            key.to_string(),
            Expectation {
                add: 0,
                del: count as i64,
                deleting: None,
                timestamp: Some(now),
            },
        );
    }

    /// `UIDTrackingControllerExpectations.ExpectDeletions`: awaits the deletion of these
    /// pods (keys `namespace/name`); only their deletions count.
    pub fn expect_deletions_of(&mut self, key: &str, pod_keys: Vec<String>, now: SimTime) {
        let count = pod_keys.len() as i64;
        self.records.insert(
            key.to_string(),
            Expectation {
                add: 0,
                del: count,
                deleting: Some(pod_keys.into_iter().collect()),
                timestamp: Some(now),
            },
        );
    }

    /// `CreationObserved`: one creation came back (or will never happen).
    pub fn creation_observed(&mut self, key: &str) {
        if let Some(record) = self.records.get_mut(key) {
            record.add -= 1;
        }
    }

    /// `DeletionObserved`: the pod `pod_key` is gone or being deleted. With tracked
    /// keys only an awaited pod counts, and only once.
    pub fn deletion_observed(&mut self, key: &str, pod_key: &str) {
        if let Some(record) = self.records.get_mut(key) {
            match &mut record.deleting {
                Some(awaited) => {
                    if awaited.remove(pod_key) {
                        record.del -= 1;
                    }
                }
                None => record.del -= 1,
            }
        }
    }

    /// `LowerExpectations`: `add` creations and `del` deletions will never be observed.
    pub fn lower(&mut self, key: &str, add: usize, del: usize) {
        if let Some(record) = self.records.get_mut(key) {
            record.add -= add as i64;
            record.del -= del as i64;
        }
    }

    /// `DeleteExpectations`: the controller object is gone.
    pub fn delete(&mut self, key: &str) {
        self.records.remove(key);
    }

    /// Forgets every record: after a relist the controller's view is fresh again.
    pub fn clear(&mut self) {
        self.records.clear();
    }
}

/// `controller.KeyFunc`: `namespace/name`, or `name` for cluster-scoped objects.
pub fn key_of(meta: &ObjectMeta) -> String {
    if meta.namespace().is_empty() {
        meta.name().to_string()
    } else {
        format!("{}/{}", meta.namespace(), meta.name())
    }
}

// ---------------------------------------------------------------------------------------
// Controller references, claiming (adoption and orphaning)

/// `metav1.NewControllerRef`: a reference to `owner` with `controller: true` and
/// `blockOwnerDeletion: true`.
pub fn controller_ref(owner: &Object) -> OwnerReference {
    OwnerReference::controller_of(
        &owner.resource_type().api_version(),
        owner.kind(),
        owner.metadata(),
    )
}

/// The objects of `resource_type` a claim by `owner` must consider, without a scan of
/// the namespace: those whose ownerReferences name the owner (the store's owner index)
/// and the namespace's orphans (its controller-less index). Objects controlled by
/// someone else are never claimable, so they are not needed. In key order.
pub fn claim_candidates(
    api: &ApiServer,
    owner: &ObjectMeta,
    resource_type: &'static ResourceType,
) -> Vec<Arc<Object>> {
    let store = api.store();
    let type_matches = |key: &&ObjectKey| std::ptr::eq(key.resource_type(), resource_type);
    // Both indexes iterate in key order: merge them without a set (a key can be in
    // both when it names the owner without `controller: true`).
    let mut owned = store
        .dependents_of(owner.uid())
        .filter(type_matches)
        .peekable();
    let mut orphans = store
        .without_controller(resource_type, owner.namespace())
        .peekable();
    let mut candidates = Vec::new();
    loop {
        let key = match (owned.peek(), orphans.peek()) {
            (None, None) => break,
            (Some(_), None) => owned.next(),
            (None, Some(_)) => orphans.next(),
            (Some(a), Some(b)) => match a.cmp(b) {
                Ordering::Less => owned.next(),
                Ordering::Greater => orphans.next(),
                Ordering::Equal => {
                    orphans.next();
                    owned.next()
                }
            },
        };
        if let Some(object) = key.and_then(|key| store.get(key)) {
            candidates.push(Arc::clone(object));
        }
    }
    candidates
}

/// The metadata a status write needs: the status subresource keeps everything of the
/// stored object but its status, and reads only the name, namespace and
/// resourceVersion of what it is sent, so a controller need not copy the whole object.
pub fn status_write_meta(meta: &ObjectMeta) -> ObjectMeta {
    ObjectMeta {
        name: meta.name.clone(),
        namespace: meta.namespace.clone(),
        resource_version: meta.resource_version.clone(),
        ..ObjectMeta::default()
    }
}

/// What a claim found.
#[derive(Debug, Default)]
pub struct ClaimResult {
    /// The objects the owner now controls (adopted ones in their written state).
    pub claimed: Vec<Arc<Object>>,
    /// Adoption or release errors, as upstream's aggregate lists them.
    pub errors: Vec<String>,
}

/// `ClaimObject` for each candidate (`controller_ref_manager.go`):
/// - controlled by another owner: ignored;
/// - controlled by `owner` and matching (`selector` and `filter`): claimed, even while
///   the owner is being deleted;
/// - controlled by `owner` but no longer matching: released (our ownerReference is
///   removed), unless the owner is being deleted;
/// - an orphan: adopted (a controller ownerReference is added) when the owner is not
///   being deleted, it matches, it is not being deleted and it is in the owner's
///   namespace. Adoption first re-reads the owner (`RecheckDeletionTimestamp`).
///
/// Writes go through the API; a candidate that vanished meanwhile is skipped silently.
pub fn claim(
    api: &mut ApiServer,
    owner: &Object,
    selector: &Selector,
    candidates: Vec<Arc<Object>>,
    filter: impl Fn(&Object) -> bool,
) -> ClaimResult {
    let owner_meta = owner.metadata();
    let owner_uid = owner_meta.uid();
    let owner_deleting = owner_meta.is_being_deleted();
    let mut result = ClaimResult::default();
    for candidate in candidates {
        let meta = candidate.metadata();
        let matches = selector.matches(meta.labels_or_empty()) && filter(&candidate);
        match meta.controller_ref() {
            Some(reference) if reference.uid != owner_uid => {}
            Some(_) => {
                if matches {
                    result.claimed.push(candidate);
                } else if !owner_deleting
                    && let Err(error) = release(api, owner_uid, &candidate)
                    && !matches!(error, ApiError::NotFound { .. })
                {
                    result.errors.push(error.to_string());
                }
            }
            None => {
                if owner_deleting
                    || !matches
                    || meta.is_being_deleted()
                    || (!owner_meta.namespace().is_empty()
                        && owner_meta.namespace() != meta.namespace())
                {
                    continue;
                }
                match adopt(api, owner, &candidate) {
                    Ok(adopted) => result.claimed.push(adopted),
                    Err(AdoptError::Api(ApiError::NotFound { .. })) => {}
                    Err(AdoptError::Api(error)) => result.errors.push(error.to_string()),
                    Err(AdoptError::CannotAdopt(message)) => result.errors.push(message),
                }
            }
        }
    }
    result
}

enum AdoptError {
    Api(ApiError),
    CannotAdopt(String),
}

/// `RecheckDeletionTimestamp`: a fresh read of the owner, which must still be the same
/// object and not being deleted.
fn can_adopt(api: &ApiServer, owner: &Object) -> Result<(), String> {
    let meta = owner.metadata();
    let fresh = api
        .get(owner.resource_type(), meta.namespace(), meta.name())
        .map_err(|error| error.to_string())?;
    let fresh_meta = fresh.metadata();
    if fresh_meta.uid() != meta.uid() {
        return Err(format!(
            "original {}/{} is gone: got uid {}, wanted {}",
            meta.namespace(),
            meta.name(),
            fresh_meta.uid(),
            meta.uid()
        ));
    }
    if let Some(deleted_at) = fresh_meta.deletion_timestamp {
        return Err(format!(
            "{}/{} has just been deleted at {}",
            meta.namespace(),
            meta.name(),
            deleted_at
        ));
    }
    Ok(())
}

/// `AdoptPod`/`AdoptReplicaSet`: adds a controller reference to `owner`.
fn adopt(api: &mut ApiServer, owner: &Object, object: &Object) -> Result<Arc<Object>, AdoptError> {
    if let Err(reason) = can_adopt(api, owner) {
        let meta = object.metadata();
        return Err(AdoptError::CannotAdopt(format!(
            "can't adopt {} {}/{} ({}): {reason}",
            object.kind(),
            meta.namespace(),
            meta.name(),
            meta.uid()
        )));
    }
    let mut updated = object.clone();
    let meta = updated.metadata_mut();
    meta.owner_references
        .get_or_insert_with(Default::default)
        .make_mut()
        .push(controller_ref(owner));
    api.update(updated).map_err(AdoptError::Api)
}

/// `ReleasePod`/`ReleaseReplicaSet`: removes the reference to `owner_uid`.
fn release(api: &mut ApiServer, owner_uid: &str, object: &Object) -> Result<Arc<Object>, ApiError> {
    let mut updated = object.clone();
    let meta = updated.metadata_mut();
    if let Some(references) = &mut meta.owner_references {
        references
            .make_mut()
            .retain(|reference| reference.uid != owner_uid);
        if references.is_empty() {
            meta.owner_references = None;
        }
    }
    api.update(updated)
}

// ---------------------------------------------------------------------------------------
// Pods from templates (RealPodControl)

/// `getPodsPrefix`: `<owner>-` when that is a valid generateName prefix, else the name.
pub fn pod_name_prefix(owner_name: &str) -> String {
    let prefix = format!("{owner_name}-");
    // A trailing dash is masked when validating a prefix (NameIsDNSSubdomain, prefix=true).
    let masked = format!("{owner_name}a");
    if crate::model::validation::is_dns1123_subdomain(&masked).is_empty() {
        prefix
    } else {
        owner_name.to_string()
    }
}

/// `GetPodFromTemplate`: a pod stamped from `template` in `owner`'s namespace, named by
/// `generateName = <owner>-`, with the template's labels, annotations and finalizers,
/// and `controller_ref` as its only ownerReference.
pub fn pod_from_template(
    template: &PodTemplateSpec,
    owner: &ObjectMeta,
    controller_ref: Option<OwnerReference>,
) -> Pod {
    let template_meta = template.metadata.as_ref();
    Pod {
        metadata: ObjectMeta {
            generate_name: Some(pod_name_prefix(owner.name())),
            namespace: Some(owner.namespace().to_string()),
            labels: template_meta.and_then(|meta| meta.labels.clone()),
            annotations: template_meta.and_then(|meta| meta.annotations.clone()),
            finalizers: template_meta.and_then(|meta| meta.finalizers.clone()),
            owner_references: controller_ref.map(|reference| vec![reference].into()),
            ..ObjectMeta::default()
        },
        spec: template.spec.clone(),
        status: None,
    }
}

/// `RealPodControl.CreatePods`: creates a pod from `template` owned by `owner` and
/// records `SuccessfulCreate` "Created pod: <name>" or Warning `FailedCreate`
/// "Error creating: <error>" on the owner. A template without labels is refused
/// ("unable to create pods, no labels") without an API call, as upstream.
pub fn create_pod(
    context: &mut ControllerContext<'_>,
    template: &PodTemplateSpec,
    owner: &Object,
) -> Result<Arc<Object>, String> {
    let pod = pod_from_template(template, owner.metadata(), Some(controller_ref(owner)));
    if pod.metadata.labels.as_ref().is_none_or(BTreeMap::is_empty) {
        return Err("unable to create pods, no labels".to_string());
    }
    match context.api.create(Object::Pod(Box::new(pod))) {
        Ok(created) => {
            context.record_event(
                owner,
                EventType::Normal,
                SUCCESSFUL_CREATE_POD_REASON,
                &format!("Created pod: {}", created.name()),
            );
            context.trace(format!(
                "created pod {}/{} for {} {}",
                created.namespace(),
                created.name(),
                owner.kind(),
                owner.name()
            ));
            Ok(created)
        }
        Err(error) => {
            let message = error.to_string();
            // Upstream stays quiet when the namespace is terminating.
            if !matches!(error, ApiError::Forbidden(_)) || !message.contains("being terminated") {
                context.record_event(
                    owner,
                    EventType::Warning,
                    FAILED_CREATE_POD_REASON,
                    &format!("Error creating: {message}"),
                );
            }
            Err(message)
        }
    }
}

/// `RealPodControl.DeletePod`: deletes a pod on behalf of `owner` and records
/// `SuccessfulDelete` "Deleted pod: <name>" or Warning `FailedDelete` "Error deleting:
/// <error>". A pod that is already gone is an error without an event.
pub fn delete_pod(
    context: &mut ControllerContext<'_>,
    namespace: &str,
    name: &str,
    owner: &Object,
) -> Result<(), ApiError> {
    match context.api.delete(
        Pod::resource_type(),
        namespace,
        name,
        &DeleteOptions::default(),
    ) {
        Ok(_) => {
            context.record_event(
                owner,
                EventType::Normal,
                SUCCESSFUL_DELETE_POD_REASON,
                &format!("Deleted pod: {name}"),
            );
            context.trace(format!(
                "deleted pod {namespace}/{name} for {} {}",
                owner.kind(),
                owner.name()
            ));
            Ok(())
        }
        Err(error @ ApiError::NotFound { .. }) => Err(error),
        Err(error) => {
            context.record_event(
                owner,
                EventType::Warning,
                FAILED_DELETE_POD_REASON,
                &format!("Error deleting: {error}"),
            );
            Err(error)
        }
    }
}

/// `FilterActivePods`: the pods that are neither finished nor being deleted.
pub fn filter_active_pods(pods: Vec<Arc<Object>>) -> Vec<Arc<Object>> {
    pods.into_iter()
        .filter(|object| object.as_::<Pod>().is_some_and(is_pod_active))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Which pods go first on scale-down

/// `podPhaseToOrdinal`: Pending < Unknown < Running; other phases count as Pending.
fn phase_ordinal(pod: &Pod) -> u8 {
    match pod.phase() {
        POD_UNKNOWN => 1,
        POD_RUNNING => 2,
        POD_PENDING => 0,
        _ => 0,
    }
}

/// `afterOrZero`: a missing time sorts first, then the later time.
fn after_or_zero(left: Option<SimTime>, right: Option<SimTime>) -> bool {
    match (left, right) {
        (None, _) | (_, None) => left.is_none(),
        (Some(left), Some(right)) => left > right,
    }
}

/// `logarithmicRankDiff`: compares how long ago two instants were by
/// `floor(log2(nanoseconds))` buckets; an instant not in the past is bucket −1.
/// Example: 3 s and 5 s ago are buckets 31 and 32 (2^31 ns ≈ 2.1 s, 2^32 ns ≈ 4.3 s).
pub fn logarithmic_rank_diff(left: SimTime, right: SimTime, now: SimTime) -> i64 {
    log_bucket(left, now) - log_bucket(right, now)
}

/// Steps 1–5 of `ActivePodsWithRanks.Less`: each step compares one key, so together
/// they are a consistent lexicographic order (smaller is deleted first). Only pods of
/// the same class reach the later steps, whose log buckets and uid tie-break are not
/// a total order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DeletionClass {
    /// 1. Unassigned < assigned.
    pub assigned: bool,
    /// 2. Pending < Unknown < Running.
    pub phase: u8,
    /// 3. Not ready < ready.
    pub ready: bool,
    /// 4. Lower pod-deletion-cost < higher.
    pub cost: i32,
    /// 5. Doubled up < not doubled up: more related pods on the node first.
    pub crowding: std::cmp::Reverse<usize>,
}

impl DeletionClass {
    /// The class of `pod`, with `rank` active related pods on its node.
    pub fn of(pod: &Pod, rank: usize) -> Self {
        DeletionClass {
            assigned: !pod.node_name().is_empty(),
            phase: phase_ordinal(pod),
            ready: is_pod_ready(pod),
            cost: pod_deletion_cost(pod),
            crowding: std::cmp::Reverse(rank),
        }
    }
}

/// What steps 6–8 of `ActivePodsWithRanks.Less` read of a pod besides its uid: the
/// ready time, the restarts and the creation time. Independent of `now`, so a cache
/// of pods can keep it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RankTimes {
    ready_time: Option<SimTime>,
    restarts: i32,
    created: Option<SimTime>,
}

impl RankTimes {
    pub fn of(pod: &Pod) -> Self {
        RankTimes {
            ready_time: pod_ready_time(pod),
            restarts: max_container_restarts(pod),
            created: pod.metadata.creation_timestamp.map(|time| time.0),
        }
    }
}

/// Everything `ActivePodsWithRanks.Less` reads of one pod, read once: the comparator
/// otherwise scans conditions and parses annotations on every comparison.
#[derive(Clone, Copy, Debug)]
pub struct DeletionRank<'a> {
    pub class: DeletionClass,
    ready_time: Option<SimTime>,
    restarts: i32,
    created: Option<SimTime>,
    /// `floor(log2(ns ago))` of the ready and creation times (see
    /// [`logarithmic_rank_diff`]); None without `now` or without the time.
    ready_bucket: Option<i64>,
    created_bucket: Option<i64>,
    uid: &'a str,
}

/// The bucket [`logarithmic_rank_diff`] puts an instant in.
fn log_bucket(time: SimTime, now: SimTime) -> i64 {
    let nanos = (now - time).as_millis() as f64 * 1e6;
    if nanos > 0.0 {
        nanos.log2().floor() as i64
    } else {
        -1
    }
}

impl<'a> DeletionRank<'a> {
    /// The rank of `pod` with `rank` active related pods on its node, at `now`.
    pub fn of(pod: &'a Pod, rank: usize, now: Option<SimTime>) -> Self {
        Self::with_class(pod, DeletionClass::of(pod, rank), now)
    }

    /// The same, with the class already computed.
    pub fn with_class(pod: &'a Pod, class: DeletionClass, now: Option<SimTime>) -> Self {
        Self::from_parts(class, RankTimes::of(pod), pod.metadata.uid(), now)
    }

    /// The same, from a pod's class, times and uid.
    pub fn from_parts(
        class: DeletionClass,
        times: RankTimes,
        uid: &'a str,
        now: Option<SimTime>,
    ) -> Self {
        let RankTimes {
            ready_time,
            restarts,
            created,
        } = times;
        DeletionRank {
            class,
            ready_time,
            restarts,
            created,
            ready_bucket: now.zip(ready_time).map(|(now, time)| log_bucket(time, now)),
            created_bucket: now.zip(created).map(|(now, time)| log_bucket(time, now)),
            uid,
        }
    }

    /// `ActivePodsWithRanks.Less`: true when `self` should be deleted before `other`.
    /// `logarithmic` is the LogarithmicScaleDown gate (on by default since 1.22); the
    /// buckets are used only when both ranks were made with `now`.
    pub fn delete_first(&self, other: &DeletionRank<'_>, logarithmic: bool) -> bool {
        let (a, b) = (self, other);
        // Steps 1–5.
        if a.class != b.class {
            return a.class < b.class;
        }
        let uid_order = || a.uid < b.uid;
        // 6. Ready for less time < more time (empty first).
        if a.class.ready && a.ready_time != b.ready_time {
            return match (logarithmic, a.ready_bucket, b.ready_bucket) {
                (true, Some(bucket_a), Some(bucket_b)) => {
                    let diff = bucket_a - bucket_b;
                    if diff == 0 { uid_order() } else { diff < 0 }
                }
                _ => after_or_zero(a.ready_time, b.ready_time),
            };
        }
        // 7. Higher restart count < lower.
        if a.restarts != b.restarts {
            return a.restarts > b.restarts;
        }
        // 8. Empty creation time < newer < older.
        if a.created != b.created {
            return match (logarithmic, a.created_bucket, b.created_bucket) {
                (true, Some(bucket_a), Some(bucket_b)) => {
                    let diff = bucket_a - bucket_b;
                    if diff == 0 { uid_order() } else { diff < 0 }
                }
                _ => after_or_zero(a.created, b.created),
            };
        }
        false
    }

    /// The comparator the sort uses: Less when `self` goes first, Greater when `other`
    /// does, Equal when neither.
    /// Each step of `delete_first` is antisymmetric, so one pass over the steps answers
    /// both directions.
    fn compare(&self, other: &DeletionRank<'_>) -> Ordering {
        let (a, b) = (self, other);
        // Steps 1–5.
        if a.class != b.class {
            return a.class.cmp(&b.class);
        }
        // Step 6 (ready time) and 8 (creation time) with the gate on: the log bucket,
        // then the uid within a bucket.
        let by_bucket = |times: (Option<SimTime>, Option<SimTime>),
                         buckets: (Option<i64>, Option<i64>)| {
            match buckets {
                (Some(bucket_a), Some(bucket_b)) if bucket_a != bucket_b => bucket_a.cmp(&bucket_b),
                (Some(_), Some(_)) => a.uid.cmp(b.uid),
                _ => {
                    if after_or_zero(times.0, times.1) {
                        Ordering::Less
                    } else if after_or_zero(times.1, times.0) {
                        Ordering::Greater
                    } else {
                        Ordering::Equal
                    }
                }
            }
        };
        if a.class.ready && a.ready_time != b.ready_time {
            return by_bucket(
                (a.ready_time, b.ready_time),
                (a.ready_bucket, b.ready_bucket),
            );
        }
        // 7. Higher restart count < lower.
        if a.restarts != b.restarts {
            return b.restarts.cmp(&a.restarts);
        }
        if a.created != b.created {
            return by_bucket((a.created, b.created), (a.created_bucket, b.created_bucket));
        }
        Ordering::Equal
    }
}

/// `ActivePodsWithRanks.Less`: true when `left` should be deleted before `right`.
/// `rank` counts the active related pods on the pod's node (colocated pods go first).
/// `logarithmic` is the LogarithmicScaleDown gate (on by default since 1.22).
pub fn delete_first(
    left: (&Pod, usize),
    right: (&Pod, usize),
    now: Option<SimTime>,
    logarithmic: bool,
) -> bool {
    DeletionRank::of(left.0, left.1, now)
        .delete_first(&DeletionRank::of(right.0, right.1, now), logarithmic)
}

/// Active related pods per node name (`getPodsRankedByRelatedPodsOnSameNode`).
fn related_on_node(related: &[Arc<Object>]) -> BTreeMap<&str, usize> {
    let mut on_node: BTreeMap<&str, usize> = BTreeMap::new();
    for pod in related.iter().filter_map(|object| object.as_::<Pod>()) {
        if is_pod_active(pod) {
            *on_node.entry(pod.node_name()).or_default() += 1;
        }
    }
    on_node
}

/// `getPodsRankedByRelatedPodsOnSameNode` + `sort.Sort(ActivePodsWithRanks)`: orders
/// `pods` so that the ones to delete first come first. `related` are the active and
/// inactive pods of the owner's siblings (the same Deployment's ReplicaSets); only
/// active ones count towards a node's rank.
/// kubesim sorts stably, so pods that compare equal keep their input order (name
/// order from the store); upstream's unstable sort leaves them in lister order.
pub fn sort_pods_for_deletion(pods: &mut [Arc<Object>], related: &[Arc<Object>], now: SimTime) {
    let on_node = related_on_node(related);
    let default_pod = Pod::default();
    let ranks: Vec<DeletionRank<'_>> = pods
        .iter()
        .map(|object| {
            let pod = object.as_::<Pod>().unwrap_or(&default_pod);
            let rank = object
                .as_::<Pod>()
                .map(|pod| on_node.get(pod.node_name()).copied().unwrap_or(0))
                .unwrap_or(0);
            DeletionRank::of(pod, rank, Some(now))
        })
        .collect();
    // Upstream's Less is not a total order once log buckets mix with the uid and
    // creation-time steps (A~B by ready time, B~C by bucket and uid); Go's sort.Sort
    // tolerates that, and so must we: std's sort may panic on an inconsistent order.
    let mut order: Vec<usize> = (0..pods.len()).collect();
    merge_sort_tolerant(&mut order, &|left: &usize, right: &usize| {
        ranks[*left].compare(&ranks[*right])
    });
    let sorted: Vec<Arc<Object>> = order
        .iter()
        .map(|&index| Arc::clone(&pods[index]))
        .collect();
    for (slot, object) in pods.iter_mut().zip(sorted) {
        *slot = object;
    }
}

/// The first `count` positions of the order [`sort_pods_for_deletion`] gives a list
/// whose pod at position `i` has class `classes[i]`, computing full ranks (`rank_at`)
/// only for the classes that reach the first `count`: O(n) for the classes, plus
/// O(m log count) for the m pods of those classes, instead of sorting all n.
///
/// Why this equals the full sort: every merge of the merge sort takes its inputs in
/// class order (classes are a consistent order), so the pods of one class come out
/// as the merge of that class's pods of each half, compared among themselves alone.
/// The class's order is therefore the same merge tree (split at the same midpoints of
/// the whole list) evaluated on its own pods. Example: positions 0..8 with class-A
/// pods at 1, 2 and 6: the tree merges {1} with {2} (inside 0..4), then that with {6}
/// (4..8), exactly as the full sort compares them. And the first k a merge gives
/// depend only on the first k of each input, so each subtree stops at k.
pub fn first_to_delete<'a>(
    classes: &[DeletionClass],
    count: usize,
    rank_at: impl Fn(usize) -> DeletionRank<'a>,
) -> Vec<usize> {
    let len = classes.len();
    if count >= len {
        // manageReplicas sorts only when it keeps some pods.
        return (0..len).collect();
    }
    if count == 0 {
        return Vec::new();
    }
    let threshold = nth_smallest_class(classes, count - 1);
    // Collected in position order, so that with one class (the common case: a rollout's
    // old pods are all Running and ready) the sort finds them already in order.
    let mut members: Vec<(DeletionClass, usize)> = classes
        .iter()
        .enumerate()
        .filter(|(_, class)| **class <= threshold)
        .map(|(position, class)| (*class, position))
        .collect();
    members.sort_unstable();
    let mut chosen = Vec::with_capacity(members.len());
    for group in members.chunk_by(|a, b| a.0 == b.0) {
        let ranked: Vec<(usize, DeletionRank<'a>)> = group
            .iter()
            .map(|(_, position)| (*position, rank_at(*position)))
            .collect();
        chosen.extend(merge_tree_order(&ranked, 0, len, count - chosen.len()));
        if chosen.len() >= count {
            break;
        }
    }
    chosen.truncate(count);
    chosen
}

/// The class at index `nth` of `classes` sorted. One pass finds the smallest class
/// and how many pods it has, which is the answer when at least `nth + 1` have it (a
/// scale-down by a few pods usually takes them from the most crowded class alone);
/// otherwise a selection over a copy.
fn nth_smallest_class(classes: &[DeletionClass], nth: usize) -> DeletionClass {
    let mut smallest = classes[0];
    let mut with_smallest = 0usize;
    for class in classes {
        match class.cmp(&smallest) {
            Ordering::Less => {
                smallest = *class;
                with_smallest = 1;
            }
            Ordering::Equal => with_smallest += 1,
            Ordering::Greater => {}
        }
    }
    if nth < with_smallest {
        return smallest;
    }
    let mut copy = classes.to_vec();
    *copy.select_nth_unstable(nth).1
}

/// The first `limit` of the order [`merge_sort_tolerant`] over positions `lo..hi`
/// gives `members` (sorted by position, all inside `lo..hi`), as positions.
fn merge_tree_order(
    members: &[(usize, DeletionRank<'_>)],
    lo: usize,
    hi: usize,
    limit: usize,
) -> Vec<usize> {
    let mut runs = Vec::with_capacity(members.len());
    let mut scratch = Vec::with_capacity(limit.min(members.len()));
    merge_tree(
        members,
        (0, members.len()),
        (lo, hi),
        limit,
        &mut runs,
        &mut scratch,
    );
    runs.into_iter().map(|index| members[index].0).collect()
}

/// [`merge_tree_order`] for `members[first..last]`, the members inside `lo..hi`:
/// appends their first `limit` to `runs`, as indices into `members`. The two halves'
/// results are appended side by side and merged through `scratch` in place, so a
/// scale-down's ranking allocates two buffers, not one vector per tree node.
fn merge_tree(
    members: &[(usize, DeletionRank<'_>)],
    (first, last): (usize, usize),
    (lo, hi): (usize, usize),
    limit: usize,
    runs: &mut Vec<usize>,
    scratch: &mut Vec<usize>,
) {
    if last - first <= 1 {
        runs.extend(first..last);
        return;
    }
    let middle = lo + (hi - lo) / 2;
    let split = first + members[first..last].partition_point(|(position, _)| *position < middle);
    let start = runs.len();
    merge_tree(members, (first, split), (lo, middle), limit, runs, scratch);
    let right_start = runs.len();
    merge_tree(members, (split, last), (middle, hi), limit, runs, scratch);
    let end = runs.len();
    if right_start == start || right_start == end {
        // One half is empty: the other's run is the merge.
        runs.truncate(start + limit);
        return;
    }
    scratch.clear();
    let (mut l, mut r) = (start, right_start);
    while l < right_start && r < end && scratch.len() < limit {
        if members[runs[r]].1.compare(&members[runs[l]].1) == Ordering::Less {
            scratch.push(runs[r]);
            r += 1;
        } else {
            scratch.push(runs[l]);
            l += 1;
        }
    }
    let rest = limit - scratch.len();
    let from_left = (right_start - l).min(rest);
    scratch.extend_from_slice(&runs[l..l + from_left]);
    let from_right = (end - r).min(rest - from_left);
    scratch.extend_from_slice(&runs[r..r + from_right]);
    runs.truncate(start);
    runs.extend_from_slice(scratch);
}

/// A stable top-down merge sort that never panics, whatever `compare` answers. For a
/// consistent order it gives exactly what a stable `sort_by` gives.
fn merge_sort_tolerant<T: Clone>(items: &mut [T], compare: &impl Fn(&T, &T) -> Ordering) {
    if items.len() <= 1 {
        return;
    }
    let middle = items.len() / 2;
    merge_sort_tolerant(&mut items[..middle], compare);
    merge_sort_tolerant(&mut items[middle..], compare);
    let mut merged = Vec::with_capacity(items.len());
    let (mut left, mut right) = (0, middle);
    while left < middle && right < items.len() {
        if compare(&items[right], &items[left]) == Ordering::Less {
            merged.push(items[right].clone());
            right += 1;
        } else {
            merged.push(items[left].clone());
            left += 1;
        }
    }
    merged.extend_from_slice(&items[left..middle]);
    merged.extend_from_slice(&items[right..]);
    items.clone_from_slice(&merged);
}

/// `ActivePods.Less` (no ranks, no deletion cost, no log buckets), as in
/// TestSortingActivePods: true when `left` is deleted before `right`.
pub fn active_pods_less(left: &Pod, right: &Pod) -> bool {
    // ActivePods has no deletion-cost or rank step; equal ranks and costs make
    // delete_first skip them.
    let strip_cost = |pod: &Pod| {
        let mut pod = pod.clone();
        if let Some(annotations) = &mut pod.metadata.annotations {
            annotations.remove(crate::model::pod_util::POD_DELETION_COST_ANNOTATION);
        }
        pod
    };
    delete_first((&strip_cost(left), 0), (&strip_cost(right), 0), None, false)
}
