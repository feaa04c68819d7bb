//! The rollout arithmetic and bookkeeping of Deployments, as pure functions.
//!
//! Upstream: `pkg/controller/deployment/util/deployment_util.go`, the sort orders of
//! `pkg/controller/controller_utils.go` (`ReplicaSetsByCreationTimestamp`,
//! `ReplicaSetsBySizeOlder/Newer`) and `controller.ComputeHash`.
//! Everything here reads objects and returns values, so it is testable directly and
//! reusable by kubectl (`rollout history`, `rollout undo`): see [`replica_sets_of`],
//! [`revision`], [`equal_ignore_hash`], [`find_revision`], [`last_revision`],
//! [`set_from_replica_set_template`], [`skip_copy_annotation`].

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::api_server::ApiServer;
use crate::model::deployment::{Deployment, DeploymentCondition, DeploymentStatus};
use crate::model::intstr::{IntOrString, resolve_fenceposts};
use crate::model::pod::PodTemplateSpec;
use crate::model::replica_set::{ReplicaSet, ReplicaSetCondition};
use crate::model::{Object, ObjectMeta, Time};
use crate::time::SimTime;

/// `apps.DefaultDeploymentUniqueLabelKey`.
pub const POD_TEMPLATE_HASH_LABEL: &str = "pod-template-hash";
/// The revision of an RS (and the deployment's current one).
pub const REVISION_ANNOTATION: &str = "deployment.kubernetes.io/revision";
/// Earlier revisions an RS had before it was reused by a rollback.
pub const REVISION_HISTORY_ANNOTATION: &str = "deployment.kubernetes.io/revision-history";
/// The deployment's replicas when the RS was last scaled.
pub const DESIRED_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/desired-replicas";
/// The deployment's replicas + maxSurge when the RS was last scaled.
pub const MAX_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/max-replicas";
/// The legacy rollback request (`apps.DeprecatedRollbackTo`).
pub const ROLLBACK_TO_ANNOTATION: &str = "deprecated.deployment.rollback.to";
/// kubectl apply's record.
pub const LAST_APPLIED_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";
/// `maxRevHistoryLengthInChars`.
pub const MAX_REV_HISTORY_LENGTH_IN_CHARS: usize = 2000;

// Condition types and reasons (deployment_util.go).
pub const PROGRESSING: &str = "Progressing";
pub const AVAILABLE: &str = "Available";
pub const REPLICA_FAILURE: &str = "ReplicaFailure";
pub const NEW_RS_REASON: &str = "NewReplicaSetCreated";
pub const FOUND_NEW_RS_REASON: &str = "FoundNewReplicaSet";
pub const REPLICA_SET_UPDATED_REASON: &str = "ReplicaSetUpdated";
pub const NEW_RS_AVAILABLE_REASON: &str = "NewReplicaSetAvailable";
pub const TIMED_OUT_REASON: &str = "ProgressDeadlineExceeded";
pub const FAILED_RS_CREATE_REASON: &str = "ReplicaSetCreateError";
pub const PAUSED_DEPLOY_REASON: &str = "DeploymentPaused";
pub const RESUMED_DEPLOY_REASON: &str = "DeploymentResumed";
pub const MINIMUM_REPLICAS_AVAILABLE: &str = "MinimumReplicasAvailable";
pub const MINIMUM_REPLICAS_UNAVAILABLE: &str = "MinimumReplicasUnavailable";
pub const ROLLBACK_REVISION_NOT_FOUND: &str = "DeploymentRollbackRevisionNotFound";
pub const ROLLBACK_TEMPLATE_UNCHANGED: &str = "DeploymentRollbackTemplateUnchanged";
pub const ROLLBACK_DONE: &str = "DeploymentRollback";

// ---------------------------------------------------------------------------------------
// Field access with upstream's defaults (the API server defaults them, so None is rare).

/// `*d.Spec.Replicas` (defaulted to 1).
pub fn deployment_replicas(d: &Deployment) -> i32 {
    d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
}

/// `*rs.Spec.Replicas` (defaulted to 1).
pub fn rs_replicas(rs: &ReplicaSet) -> i32 {
    rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
}

/// `rs.Status.AvailableReplicas`.
pub fn rs_available(rs: &ReplicaSet) -> i32 {
    rs.status
        .as_ref()
        .and_then(|s| s.available_replicas)
        .unwrap_or(0)
}

/// `rs.Status.Replicas`.
pub fn rs_status_replicas(rs: &ReplicaSet) -> i32 {
    rs.status.as_ref().and_then(|s| s.replicas).unwrap_or(0)
}

/// Sets `*rs.Spec.Replicas`.
pub fn set_rs_replicas(rs: &mut ReplicaSet, replicas: i32) {
    rs.spec
        .get_or_insert_with(Default::default)
        .make_mut()
        .replicas = Some(replicas);
}

/// `IsRollingUpdate`: the strategy is RollingUpdate (the default).
pub fn is_rolling_update(d: &Deployment) -> bool {
    strategy_type(d) == "RollingUpdate"
}

/// `spec.strategy.type`, defaulted to RollingUpdate.
pub fn strategy_type(d: &Deployment) -> &str {
    d.spec
        .as_ref()
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.type_.as_deref())
        .unwrap_or("RollingUpdate")
}

fn rolling_params(d: &Deployment) -> (Option<&IntOrString>, Option<&IntOrString>) {
    let rolling = d
        .spec
        .as_ref()
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.rolling_update.as_ref());
    (
        rolling.and_then(|r| r.max_surge.as_ref()),
        rolling.and_then(|r| r.max_unavailable.as_ref()),
    )
}

/// `MaxUnavailable`: the resolved maxUnavailable, at most spec.replicas; 0 for
/// Recreate, for 0 replicas, and when the values do not resolve.
/// Example: 10 replicas with maxUnavailable "50%" → 5; 5 replicas with 10 → 5.
pub fn max_unavailable(d: &Deployment) -> i32 {
    let replicas = deployment_replicas(d);
    if !is_rolling_update(d) || replicas == 0 {
        return 0;
    }
    let (surge, unavailable) = rolling_params(d);
    match resolve_fenceposts(surge, unavailable, replicas) {
        Ok((_, unavailable)) => unavailable.min(replicas),
        Err(_) => 0,
    }
}

/// `MinAvailable`: replicas − MaxUnavailable, or 0 for Recreate.
pub fn min_available(d: &Deployment) -> i32 {
    if !is_rolling_update(d) {
        return 0;
    }
    deployment_replicas(d) - max_unavailable(d)
}

/// `MaxSurge`: the resolved maxSurge (rounded up); 0 for Recreate.
pub fn max_surge(d: &Deployment) -> i32 {
    if !is_rolling_update(d) {
        return 0;
    }
    let (surge, unavailable) = rolling_params(d);
    resolve_fenceposts(surge, unavailable, deployment_replicas(d))
        .map(|(surge, _)| surge)
        .unwrap_or(0)
}

/// `HasProgressDeadline`: set and not MaxInt32.
pub fn has_progress_deadline(d: &Deployment) -> bool {
    progress_deadline_seconds(d).is_some()
}

/// `spec.progressDeadlineSeconds`, unless unset or MaxInt32 (no deadline).
pub fn progress_deadline_seconds(d: &Deployment) -> Option<i32> {
    d.spec
        .as_ref()
        .and_then(|s| s.progress_deadline_seconds)
        .filter(|seconds| *seconds != i32::MAX)
}

/// `HasRevisionHistoryLimit`: set and not MaxInt32.
pub fn revision_history_limit(d: &Deployment) -> Option<i32> {
    d.spec
        .as_ref()
        .and_then(|s| s.revision_history_limit)
        .filter(|limit| *limit != i32::MAX)
}

/// `GetReplicaCountForReplicaSets`: Σ spec.replicas.
pub fn replica_count(rss: &[&ReplicaSet]) -> i32 {
    rss.iter().map(|rs| rs_replicas(rs)).sum()
}

/// `GetActualReplicaCountForReplicaSets`: Σ status.replicas.
pub fn actual_replica_count(rss: &[&ReplicaSet]) -> i32 {
    rss.iter().map(|rs| rs_status_replicas(rs)).sum()
}

/// `GetReadyReplicaCountForReplicaSets`: Σ status.readyReplicas.
pub fn ready_replica_count(rss: &[&ReplicaSet]) -> i32 {
    rss.iter()
        .map(|rs| {
            rs.status
                .as_ref()
                .and_then(|s| s.ready_replicas)
                .unwrap_or(0)
        })
        .sum()
}

/// `GetAvailableReplicaCountForReplicaSets`: Σ status.availableReplicas.
pub fn available_replica_count(rss: &[&ReplicaSet]) -> i32 {
    rss.iter().map(|rs| rs_available(rs)).sum()
}

// ---------------------------------------------------------------------------------------
// New ReplicaSet sizing

/// `NewRSNewReplicas`: how big the new RS may be now. RollingUpdate: grow by what
/// maxSurge leaves (replicas + maxSurge − Σ spec.replicas), at most up to replicas;
/// Recreate: replicas. The both-zero rule of ResolveFenceposts does not apply here.
/// Example (TestNewRSNewReplicas): replicas 6, maxSurge 10, new RS 2, all RSs sum 5 →
/// 2 + min(16 − 5, 6 − 2) = 6.
pub fn new_rs_new_replicas(
    d: &Deployment,
    all_rss: &[&ReplicaSet],
    new_rs: &ReplicaSet,
) -> Result<i32, String> {
    let replicas = deployment_replicas(d);
    match strategy_type(d) {
        "RollingUpdate" => {
            let (surge, _) = rolling_params(d);
            let surge = surge
                .ok_or_else(|| "nil value for IntOrString".to_string())?
                .scaled_value(replicas, true)?;
            let current = replica_count(all_rss);
            let max_total = replicas + surge;
            if current >= max_total {
                return Ok(rs_replicas(new_rs));
            }
            let scale_up = (max_total - current).min(replicas - rs_replicas(new_rs));
            Ok(rs_replicas(new_rs) + scale_up)
        }
        "Recreate" => Ok(replicas),
        other => Err(format!("deployment type {other} isn't supported")),
    }
}

// ---------------------------------------------------------------------------------------
// Hashing, templates

/// FNV-1a, 32 bits (Go's `hash/fnv` New32a).
pub fn fnv1a_32(bytes: &[u8]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in bytes {
        hash ^= u32::from(*byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// `rand.SafeEncodeString`: each byte mapped to `"bcdfghjklmnpqrstvwxz2456789"[b % 27]`,
/// so the decimal digits 0-9 become 4 5 6 7 8 9 b c d f.
pub fn safe_encode_string(text: &str) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    text.bytes()
        .map(|byte| ALPHANUMS[usize::from(byte) % ALPHANUMS.len()] as char)
        .collect()
}

/// `controller.ComputeHash`: FNV-1a 32 of the template, then (with a collision count)
/// its little-endian u32 and four zero bytes, as decimal, safe-encoded.
/// kubesim hashes a canonical JSON serialization of the template (fields in
/// declaration order, maps sorted); upstream hashes a Go spew dump of the struct, so
/// the values differ from a real cluster's while the format (1-10 chars of
/// 4-9,b,c,d,f) is the same.
pub fn compute_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let mut bytes = serde_json::to_vec(template).unwrap_or_default();
    if let Some(count) = collision_count {
        bytes.extend_from_slice(&(count as u32).to_le_bytes());
        bytes.extend_from_slice(&[0, 0, 0, 0]);
    }
    safe_encode_string(&fnv1a_32(&bytes).to_string())
}

/// Removes JSON nulls and empty arrays and objects, so that `[]`, `{}` and absent
/// compare equal, as apimachinery's semantic DeepEqual treats empty and nil alike.
fn strip_empty(value: &mut serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => true,
        serde_json::Value::Array(items) => {
            for item in items.iter_mut() {
                strip_empty(item);
            }
            items.is_empty()
        }
        serde_json::Value::Object(map) => {
            map.retain(|_, item| !strip_empty(item));
            map.is_empty()
        }
        _ => false,
    }
}

/// Whether two template metadata are equal once the `pod-template-hash` label is
/// dropped from both (labels left empty count as none), compared in place: the same
/// answer as comparing copies without the label, which the Deployment controller
/// would otherwise build for every ReplicaSet on every sync.
fn meta_equal_ignore_hash(left: Option<&ObjectMeta>, right: Option<&ObjectMeta>) -> bool {
    let (Some(left), Some(right)) = (left, right) else {
        return left.is_none() && right.is_none();
    };
    fn labels(meta: &ObjectMeta) -> impl Iterator<Item = (&String, &String)> {
        let labels = meta.labels.iter().flatten();
        labels.filter(|(key, _)| key.as_str() != POD_TEMPLATE_HASH_LABEL)
    }
    // Every field is named, so a new ObjectMeta field cannot be missed here.
    let ObjectMeta {
        name,
        generate_name,
        namespace,
        self_link,
        uid,
        resource_version,
        generation,
        creation_timestamp,
        deletion_timestamp,
        deletion_grace_period_seconds,
        labels: _,
        annotations,
        owner_references,
        finalizers,
        managed_fields,
    } = left;
    *name == right.name
        && *generate_name == right.generate_name
        && *namespace == right.namespace
        && *self_link == right.self_link
        && *uid == right.uid
        && *resource_version == right.resource_version
        && *generation == right.generation
        && *creation_timestamp == right.creation_timestamp
        && *deletion_timestamp == right.deletion_timestamp
        && *deletion_grace_period_seconds == right.deletion_grace_period_seconds
        && *annotations == right.annotations
        && *owner_references == right.owner_references
        && *finalizers == right.finalizers
        && *managed_fields == right.managed_fields
        && labels(left).eq(labels(right))
}

/// `EqualIgnoreHash`: the templates are equal once the `pod-template-hash` label is
/// removed from both (and empty collections are taken as absent).
pub fn equal_ignore_hash(left: &PodTemplateSpec, right: &PodTemplateSpec) -> bool {
    // Only the metadata is copied to drop the label; the specs compare in place.
    let without_hash = |meta: Option<&ObjectMeta>| {
        let mut meta = meta.cloned();
        if let Some(meta) = meta.as_mut()
            && let Some(labels) = meta.labels.as_mut()
        {
            labels.remove(POD_TEMPLATE_HASH_LABEL);
            if labels.is_empty() {
                meta.labels = None;
            }
        }
        meta
    };
    if left.spec == right.spec
        && meta_equal_ignore_hash(left.metadata.as_ref(), right.metadata.as_ref())
    {
        return true;
    }
    // A container whose image differs (`kubectl set image`) differs in JSON too: an
    // image is a string or absent, and strip_empty keeps strings and array slots.
    fn containers(template: &PodTemplateSpec) -> &[crate::model::pod::Container] {
        template
            .spec
            .as_ref()
            .and_then(|spec| spec.containers.as_deref())
            .unwrap_or(&[])
    }
    let (left_containers, right_containers) = (containers(left), containers(right));
    if left_containers.len() == right_containers.len()
        && left_containers
            .iter()
            .zip(right_containers)
            .any(|(a, b)| a.image != b.image)
    {
        return false;
    }
    let (left_meta, right_meta) = (
        without_hash(left.metadata.as_ref()),
        without_hash(right.metadata.as_ref()),
    );
    let left = PodTemplateSpec {
        metadata: left_meta,
        spec: left.spec.clone(),
    };
    let right = PodTemplateSpec {
        metadata: right_meta,
        spec: right.spec.clone(),
    };
    let mut left = serde_json::to_value(&left).unwrap_or_default();
    let mut right = serde_json::to_value(&right).unwrap_or_default();
    strip_empty(&mut left);
    strip_empty(&mut right);
    left == right
}

/// `SetFromReplicaSetTemplate`: the deployment takes the RS's template without the
/// hash label (a rollback).
pub fn set_from_replica_set_template(d: &mut Deployment, template: &PodTemplateSpec) {
    let mut template = template.clone();
    if let Some(meta) = template.metadata.as_mut()
        && let Some(labels) = meta.labels.as_mut()
    {
        labels.remove(POD_TEMPLATE_HASH_LABEL);
        if labels.is_empty() {
            meta.labels = None;
        }
    }
    d.spec
        .get_or_insert_with(Default::default)
        .make_mut()
        .template = Some(template);
}

// ---------------------------------------------------------------------------------------
// Revisions and annotations

/// `Revision`: the RS's revision annotation as a number; no annotation is 0, an
/// unparsable one an error.
pub fn revision(rs: &ReplicaSet) -> Result<i64, String> {
    match rs.metadata.annotation(REVISION_ANNOTATION) {
        None => Ok(0),
        Some(text) => text
            .parse::<i64>()
            .map_err(|_| format!("strconv.ParseInt: parsing \"{text}\": invalid syntax")),
    }
}

/// `MaxRevision`: the highest revision among `rss` (unparsable ones skipped).
pub fn max_revision(rss: &[&ReplicaSet]) -> i64 {
    rss.iter()
        .filter_map(|rs| revision(rs).ok())
        .max()
        .unwrap_or(0)
        .max(0)
}

/// `LastRevision`: the second-highest revision, the one `rollout undo` goes back to.
pub fn last_revision(rss: &[&ReplicaSet]) -> i64 {
    let (mut max, mut second) = (0, 0);
    for value in rss.iter().filter_map(|rs| revision(rs).ok()) {
        if value >= max {
            second = max;
            max = value;
        } else if value > second {
            second = value;
        }
    }
    second
}

/// The RS whose revision is `wanted`, if any.
pub fn find_revision<'a>(rss: &[&'a ReplicaSet], wanted: i64) -> Option<&'a ReplicaSet> {
    rss.iter()
        .copied()
        .find(|rs| revision(rs).ok() == Some(wanted))
}

/// `skipCopyAnnotation`: annotations that stay on their object.
pub fn skip_copy_annotation(key: &str) -> bool {
    matches!(
        key,
        LAST_APPLIED_ANNOTATION
            | REVISION_ANNOTATION
            | REVISION_HISTORY_ANNOTATION
            | DESIRED_REPLICAS_ANNOTATION
            | MAX_REPLICAS_ANNOTATION
            | ROLLBACK_TO_ANNOTATION
    )
}

/// `copyDeploymentAnnotationsToReplicaSet`: copies every annotation not skipped and
/// not already equal. True when something changed.
pub fn copy_deployment_annotations_to_replica_set(d: &Deployment, rs: &mut ReplicaSet) -> bool {
    let mut changed = false;
    let annotations = rs.metadata.annotations.get_or_insert_with(BTreeMap::new);
    for (key, value) in d.metadata.annotations.iter().flatten() {
        if skip_copy_annotation(key) || annotations.get(key) == Some(value) {
            continue;
        }
        annotations.insert(key.clone(), value.clone());
        changed = true;
    }
    changed
}

/// `SetDeploymentAnnotationsTo`: the deployment keeps only its skipped annotations and
/// takes the RS's others (a rollback).
pub fn set_deployment_annotations_to(d: &mut Deployment, rs: &ReplicaSet) {
    let mut annotations: BTreeMap<String, String> = d
        .metadata
        .annotations
        .iter()
        .flatten()
        .filter(|(key, _)| skip_copy_annotation(key))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, value) in rs.metadata.annotations.iter().flatten() {
        if !skip_copy_annotation(key) {
            annotations.insert(key.clone(), value.clone());
        }
    }
    d.metadata.annotations = Some(annotations);
}

/// `SetNewReplicaSetAnnotations`: copies the deployment's annotations, raises the RS's
/// revision to `new_revision` when it is lower (recording the previous one in
/// revision-history when it had one: a rollback reusing it), and for an RS about to be
/// created sets the replica annotations. True when something changed.
/// Example: an RS at revision 1 reused as revision 3 gets revision "3" and
/// revision-history "1"; reused again as 5, revision-history "1,3".
pub fn set_new_replica_set_annotations(
    d: &Deployment,
    rs: &mut ReplicaSet,
    new_revision: i64,
    exists: bool,
) -> bool {
    let mut changed = copy_deployment_annotations_to_replica_set(d, rs);
    let annotations = rs.metadata.annotations.get_or_insert_with(BTreeMap::new);
    let old_revision = annotations.get(REVISION_ANNOTATION).cloned();
    let old_revision_number = match &old_revision {
        None => 0,
        Some(text) => match text.parse::<i64>() {
            Ok(number) => number,
            Err(_) if text.is_empty() => 0,
            Err(_) => return false,
        },
    };
    if old_revision_number < new_revision {
        annotations.insert(REVISION_ANNOTATION.to_string(), new_revision.to_string());
        changed = true;
    }
    if let Some(old_revision) = old_revision
        && old_revision_number < new_revision
    {
        let history = annotations
            .get(REVISION_HISTORY_ANNOTATION)
            .cloned()
            .unwrap_or_default();
        if history.is_empty() {
            annotations.insert(REVISION_HISTORY_ANNOTATION.to_string(), old_revision);
        } else {
            let old_revisions: Vec<&str> = history.split(',').collect();
            let mut total = history.len() + old_revision.len() + 1;
            let mut start = 0;
            while total > MAX_REV_HISTORY_LENGTH_IN_CHARS && start < old_revisions.len() {
                total -= old_revisions[start].len() + 1;
                start += 1;
            }
            if total <= MAX_REV_HISTORY_LENGTH_IN_CHARS {
                let mut kept: Vec<&str> = old_revisions[start..].to_vec();
                kept.push(&old_revision);
                annotations.insert(REVISION_HISTORY_ANNOTATION.to_string(), kept.join(","));
            }
        }
    }
    if !exists
        && set_replicas_annotations(
            rs,
            deployment_replicas(d),
            deployment_replicas(d) + max_surge(d),
        )
    {
        changed = true;
    }
    changed
}

/// `SetReplicasAnnotations`: desired-replicas and max-replicas. True when changed.
pub fn set_replicas_annotations(rs: &mut ReplicaSet, desired: i32, max: i32) -> bool {
    let annotations = rs.metadata.annotations.get_or_insert_with(BTreeMap::new);
    let mut changed = false;
    for (key, value) in [
        (DESIRED_REPLICAS_ANNOTATION, desired.to_string()),
        (MAX_REPLICAS_ANNOTATION, max.to_string()),
    ] {
        if annotations.get(key) != Some(&value) {
            annotations.insert(key.to_string(), value);
            changed = true;
        }
    }
    changed
}

/// `ReplicasAnnotationsNeedUpdate`.
pub fn replicas_annotations_need_update(rs: &ReplicaSet, desired: i32, max: i32) -> bool {
    rs.metadata.annotation(DESIRED_REPLICAS_ANNOTATION) != Some(desired.to_string().as_str())
        || rs.metadata.annotation(MAX_REPLICAS_ANNOTATION) != Some(max.to_string().as_str())
}

/// `SetDeploymentRevision`: sets the deployment's revision annotation. True when changed.
pub fn set_deployment_revision(d: &mut Deployment, revision: &str) -> bool {
    if d.metadata.annotation(REVISION_ANNOTATION) == Some(revision) {
        return false;
    }
    d.metadata.set_annotation(REVISION_ANNOTATION, revision);
    true
}

/// `GetDesiredReplicasAnnotation`.
pub fn desired_replicas_annotation(rs: &ReplicaSet) -> Option<i32> {
    rs.metadata
        .annotation(DESIRED_REPLICAS_ANNOTATION)?
        .parse()
        .ok()
}

/// `getMaxReplicasAnnotation`.
pub fn max_replicas_annotation(rs: &ReplicaSet) -> Option<i32> {
    rs.metadata
        .annotation(MAX_REPLICAS_ANNOTATION)?
        .parse()
        .ok()
}

// ---------------------------------------------------------------------------------------
// Finding the new and old ReplicaSets

/// `ReplicaSetsByCreationTimestamp`: oldest first, ties by name.
pub fn by_creation_timestamp(left: &ReplicaSet, right: &ReplicaSet) -> Ordering {
    left.metadata
        .creation_timestamp
        .cmp(&right.metadata.creation_timestamp)
        .then_with(|| left.metadata.name().cmp(right.metadata.name()))
}

/// `ReplicaSetsBySizeOlder`: larger first, ties older first.
pub fn by_size_older(left: &ReplicaSet, right: &ReplicaSet) -> Ordering {
    rs_replicas(right)
        .cmp(&rs_replicas(left))
        .then_with(|| by_creation_timestamp(left, right))
}

/// `ReplicaSetsBySizeNewer`: larger first, ties newer first.
pub fn by_size_newer(left: &ReplicaSet, right: &ReplicaSet) -> Ordering {
    rs_replicas(right)
        .cmp(&rs_replicas(left))
        .then_with(|| by_creation_timestamp(right, left))
}

/// `ReplicaSetsByRevision`: by revision, falling back to creation time when either
/// revision does not parse or they are equal.
pub fn by_revision(left: &ReplicaSet, right: &ReplicaSet) -> Ordering {
    match (revision(left), revision(right)) {
        (Ok(a), Ok(b)) if a != b => a.cmp(&b),
        _ => by_creation_timestamp(left, right),
    }
}

/// `FindNewReplicaSet`: the oldest RS whose template equals the deployment's, ignoring
/// the hash label.
pub fn find_new_replica_set<'a>(d: &Deployment, rss: &[&'a ReplicaSet]) -> Option<&'a ReplicaSet> {
    let template = d.spec.as_ref()?.template.as_ref()?;
    let mut sorted: Vec<&ReplicaSet> = rss.to_vec();
    sorted.sort_by(|a, b| by_creation_timestamp(a, b));
    sorted.into_iter().find(|rs| {
        rs.spec
            .as_ref()
            .and_then(|s| s.template.as_ref())
            .is_some_and(|rs_template| equal_ignore_hash(rs_template, template))
    })
}

/// `FindOldReplicaSets`: (old RSs with replicas > 0, all old RSs).
pub fn find_old_replica_sets<'a>(
    d: &Deployment,
    rss: &[&'a ReplicaSet],
) -> (Vec<&'a ReplicaSet>, Vec<&'a ReplicaSet>) {
    let new_uid = find_new_replica_set(d, rss).map(|rs| rs.metadata.uid().to_string());
    let all: Vec<&ReplicaSet> = rss
        .iter()
        .copied()
        .filter(|rs| Some(rs.metadata.uid().to_string()) != new_uid)
        .collect();
    let required = all
        .iter()
        .copied()
        .filter(|rs| rs_replicas(rs) != 0)
        .collect();
    (required, all)
}

/// `FilterActiveReplicaSets`: those with spec.replicas > 0.
pub fn filter_active<'a>(rss: &[&'a ReplicaSet]) -> Vec<&'a ReplicaSet> {
    rss.iter()
        .copied()
        .filter(|rs| rs_replicas(rs) > 0)
        .collect()
}

/// `FindActiveOrLatest`: with at most one active RS, that one (or, with none, the new
/// RS, else the newest old one); None when several are active.
pub fn find_active_or_latest<'a>(
    new_rs: Option<&'a ReplicaSet>,
    old_rss: &[&'a ReplicaSet],
) -> Option<&'a ReplicaSet> {
    if new_rs.is_none() && old_rss.is_empty() {
        return None;
    }
    let mut old: Vec<&ReplicaSet> = old_rss.to_vec();
    old.sort_by(|a, b| by_creation_timestamp(b, a));
    let mut all = old.clone();
    all.extend(new_rs);
    let active = filter_active(&all);
    match active.len() {
        0 => new_rs.or_else(|| old.first().copied()),
        1 => Some(active[0]),
        _ => None,
    }
}

/// `IsSaturated`: the new RS has all the deployment's replicas, annotated so, and they
/// are all available.
pub fn is_saturated(d: &Deployment, rs: Option<&ReplicaSet>) -> bool {
    let Some(rs) = rs else {
        return false;
    };
    let replicas = deployment_replicas(d);
    rs_replicas(rs) == replicas
        && desired_replicas_annotation(rs) == Some(replicas)
        && rs_available(rs) == replicas
}

// ---------------------------------------------------------------------------------------
// Proportional scaling

/// `getReplicaSetFraction` ([newer] upstream): the RS's share of a resize,
/// `round(rs.replicas × (replicas + maxSurge) / annotatedMax) − rs.replicas`. Scaling
/// to zero takes everything. Without a usable max-replicas annotation the deployment's
/// status.replicas stands in; if that is 0 too the share is 0.
/// Example (TestGetReplicaSetFraction): replicas 120, maxSurge 10, rs 50, max "110" →
/// round(50 × 130 / 110) − 50 = 59 − 50 = 9.
pub fn replica_set_fraction(rs: &ReplicaSet, d: &Deployment) -> i32 {
    let replicas = deployment_replicas(d);
    if replicas == 0 {
        return -rs_replicas(rs);
    }
    let deployment_max = replicas + max_surge(d);
    let mut before = max_replicas_annotation(rs).unwrap_or(0);
    if before == 0 {
        before = d.status.as_ref().and_then(|s| s.replicas).unwrap_or(0);
        if before == 0 {
            return 0;
        }
    }
    let scaled =
        (f64::from(rs_replicas(rs)) * f64::from(deployment_max) / f64::from(before)).round();
    scaled as i32 - rs_replicas(rs)
}

/// `GetProportion`: how many replicas `rs` gains (or loses) of `to_add`, given `added`
/// so far: its fraction, capped by what is left.
pub fn proportion(rs: &ReplicaSet, d: &Deployment, to_add: i32, added: i32) -> i32 {
    if rs_replicas(rs) == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let fraction = replica_set_fraction(rs, d);
    let allowed = to_add - added;
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}

// ---------------------------------------------------------------------------------------
// Conditions and completeness

/// `NewDeploymentCondition` at `now`.
pub fn new_condition(
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: SimTime,
) -> DeploymentCondition {
    let time = Some(Time(now.truncated_to_seconds()));
    DeploymentCondition {
        type_: Some(type_.to_string()),
        status: Some(status.to_string()),
        last_update_time: time,
        last_transition_time: time,
        reason: Some(reason.to_string()),
        message: Some(message.to_string()),
    }
}

/// `GetDeploymentCondition`.
pub fn get_condition<'a>(
    status: &'a DeploymentStatus,
    type_: &str,
) -> Option<&'a DeploymentCondition> {
    status
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_.as_deref() == Some(type_))
}

/// `SetDeploymentCondition`: a condition with the same status and reason is left as
/// it is; with the same status only, the lastTransitionTime is kept; the new condition
/// goes last.
pub fn set_condition(status: &mut DeploymentStatus, mut condition: DeploymentCondition) {
    if let Some(current) = get_condition(status, condition.type_.as_deref().unwrap_or("")) {
        if current.status == condition.status && current.reason == condition.reason {
            return;
        }
        if current.status == condition.status {
            condition.last_transition_time = current.last_transition_time;
        }
    }
    remove_condition(status, condition.type_.as_deref().unwrap_or(""));
    status
        .conditions
        .get_or_insert_with(Vec::new)
        .push(condition);
}

/// `RemoveDeploymentCondition`.
pub fn remove_condition(status: &mut DeploymentStatus, type_: &str) {
    if let Some(conditions) = status.conditions.as_mut() {
        conditions.retain(|c| c.type_.as_deref() != Some(type_));
        if conditions.is_empty() {
            status.conditions = None;
        }
    }
}

/// `ReplicaSetToDeploymentCondition`.
pub fn replica_set_to_deployment_condition(condition: &ReplicaSetCondition) -> DeploymentCondition {
    DeploymentCondition {
        type_: condition.type_.clone(),
        status: condition.status.clone(),
        last_update_time: condition.last_transition_time,
        last_transition_time: condition.last_transition_time,
        reason: condition.reason.clone(),
        message: condition.message.clone(),
    }
}

fn status_value(status: &DeploymentStatus, field: fn(&DeploymentStatus) -> Option<i32>) -> i32 {
    field(status).unwrap_or(0)
}

/// `DeploymentComplete`: every replica updated and available, and the latest
/// generation observed.
pub fn deployment_complete(d: &Deployment, new_status: &DeploymentStatus) -> bool {
    let replicas = deployment_replicas(d);
    status_value(new_status, |s| s.updated_replicas) == replicas
        && status_value(new_status, |s| s.replicas) == replicas
        && status_value(new_status, |s| s.available_replicas) == replicas
        && new_status.observed_generation.unwrap_or(0) >= d.metadata.generation.unwrap_or(0)
}

/// `DeploymentProgressing`: more updated, fewer old, more ready or more available
/// replicas than the stored status says.
pub fn deployment_progressing(d: &Deployment, new_status: &DeploymentStatus) -> bool {
    let old = d.status.clone().unwrap_or_default();
    let value = |s: &DeploymentStatus, f: fn(&DeploymentStatus) -> Option<i32>| status_value(s, f);
    let old_old = value(&old, |s| s.replicas) - value(&old, |s| s.updated_replicas);
    let new_old = value(new_status, |s| s.replicas) - value(new_status, |s| s.updated_replicas);
    value(new_status, |s| s.updated_replicas) > value(&old, |s| s.updated_replicas)
        || new_old < old_old
        || value(new_status, |s| s.ready_replicas) > value(&old, |s| s.ready_replicas)
        || value(new_status, |s| s.available_replicas) > value(&old, |s| s.available_replicas)
}

/// `DeploymentTimedOut`: the Progressing condition was last updated more than
/// progressDeadlineSeconds before `now` (strictly), unless it already says complete;
/// once ProgressDeadlineExceeded, always.
/// Example (TestDeploymentTimedOut): deadline 10 s, last update 00:01:09, now 00:01:20
/// → timed out (11 s); last update 00:01:11 → not (9 s).
pub fn deployment_timed_out(d: &Deployment, new_status: &DeploymentStatus, now: SimTime) -> bool {
    let Some(deadline) = progress_deadline_seconds(d) else {
        return false;
    };
    let Some(condition) = get_condition(new_status, PROGRESSING) else {
        return false;
    };
    match condition.reason.as_deref() {
        Some(NEW_RS_AVAILABLE_REASON) => false,
        Some(TIMED_OUT_REASON) => true,
        _ => condition.last_update_time.is_some_and(|from| {
            from.0 + crate::time::SimDuration::from_secs(i64::from(deadline)) < now
        }),
    }
}

/// `calculateStatus` (sync.go): the deployment's status from its ReplicaSets, with the
/// Available condition. Zero counts are left out, as upstream's omitempty fields.
pub fn calculate_status(
    all_rss: &[&ReplicaSet],
    new_rs: Option<&ReplicaSet>,
    d: &Deployment,
    now: SimTime,
) -> DeploymentStatus {
    let available = available_replica_count(all_rss);
    let total = replica_count(all_rss);
    let unavailable = (total - available).max(0);
    let nonzero = |value: i32| (value != 0).then_some(value);
    let current = d.status.as_ref();
    let mut status = DeploymentStatus {
        observed_generation: d.metadata.generation.filter(|g| *g != 0),
        replicas: nonzero(actual_replica_count(all_rss)),
        updated_replicas: nonzero(new_rs.map(rs_status_replicas).unwrap_or(0)),
        ready_replicas: nonzero(ready_replica_count(all_rss)),
        available_replicas: nonzero(available),
        unavailable_replicas: nonzero(unavailable),
        terminating_replicas: current.and_then(|s| s.terminating_replicas),
        conditions: current.and_then(|s| s.conditions.clone()),
        collision_count: current.and_then(|s| s.collision_count),
    };
    if available >= deployment_replicas(d) - max_unavailable(d) {
        set_condition(
            &mut status,
            new_condition(
                AVAILABLE,
                "True",
                MINIMUM_REPLICAS_AVAILABLE,
                "Deployment has minimum availability.",
                now,
            ),
        );
    } else {
        set_condition(
            &mut status,
            new_condition(
                AVAILABLE,
                "False",
                MINIMUM_REPLICAS_UNAVAILABLE,
                "Deployment does not have minimum availability.",
                now,
            ),
        );
    }
    status
}

// ---------------------------------------------------------------------------------------
// Reading a deployment's ReplicaSets (for kubectl too)

/// The ReplicaSets `d` controls, through the store's owner index (no scan), oldest
/// first. This is what `kubectl rollout history` lists (upstream kubectl filters the
/// namespace's RSs by `IsControlledBy`).
pub fn replica_sets_of(api: &ApiServer, d: &Deployment) -> Vec<ReplicaSet> {
    let store = api.store();
    let uid = d.metadata.uid();
    let mut rss: Vec<ReplicaSet> = store
        .dependents_of(uid)
        .filter_map(|key| store.get(key))
        .filter_map(|object| match object.as_ref() {
            Object::ReplicaSet(rs)
                if rs.metadata.controller_ref().is_some_and(|r| r.uid == uid) =>
            {
                Some((**rs).clone())
            }
            _ => None,
        })
        .collect();
    rss.sort_by(by_creation_timestamp);
    rss
}
