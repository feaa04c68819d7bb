//! Syncing a deployment's ReplicaSets: the new RS and revisions, scaling (including
//! proportional scaling of a rollout in flight), history cleanup and status.
//!
//! Upstream: `pkg/controller/deployment/sync.go`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::DeploymentSync;
use super::util::*;
use crate::api_server::ApiError;
use crate::controllers::EventType;
use crate::controllers::controller_utils::controller_ref;
use crate::model::replica_set::{ReplicaSet, ReplicaSetSpec};
use crate::model::selector::LabelSelector;
use crate::model::{Object, ObjectMeta, Resource};

/// One scaling a plan asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScaleOp {
    /// The ReplicaSet's name.
    pub name: String,
    pub replicas: i32,
    /// `Some("up"|"down"|"")`: `scaleReplicaSet` (writes annotations even at the same
    /// size, with this word in the event); `None`: `scaleReplicaSetAndRecordEvent`
    /// (nothing at the same size, the word from the direction).
    pub operation: Option<&'static str>,
}

/// Applies `ops` to copies of RSs, as the writes would: for table tests and previews.
pub fn apply_ops(rss: &mut [ReplicaSet], ops: &[ScaleOp]) {
    for op in ops {
        if let Some(rs) = rss.iter_mut().find(|rs| rs.metadata.name() == op.name) {
            set_rs_replicas(rs, op.replicas);
        }
    }
}

/// `scale()`: the scaling a resize of a deployment asks for (paused deployments and
/// scaling events). With at most one active RS, that one takes the new size; with a
/// saturated new RS the old ones go to zero; otherwise (RollingUpdate) the difference
/// to replicas + maxSurge is shared out in proportion to each RS's size
/// (`GetProportion`), the leftover going to the first RS in sort order.
/// Example (TestScale "proportional scaling: 5 -> 10"): new RS 2, old RS 3, annotated
/// max 5 → toAdd 5; old (larger first) gets round(3·10/5)−3 = 3, new gets
/// min(round(2·10/5)−2, 2) = 2 → new 4, old 6.
pub fn scale_plan(
    d: &Deployment,
    new_rs: Option<&ReplicaSet>,
    old_rss: &[&ReplicaSet],
) -> Vec<ScaleOp> {
    let replicas = deployment_replicas(d);
    if let Some(rs) = find_active_or_latest(new_rs, old_rss) {
        if rs_replicas(rs) == replicas {
            return Vec::new();
        }
        return vec![ScaleOp {
            name: rs.metadata.name().to_string(),
            replicas,
            operation: None,
        }];
    }
    if is_saturated(d, new_rs) {
        return filter_active(old_rss)
            .into_iter()
            .map(|rs| ScaleOp {
                name: rs.metadata.name().to_string(),
                replicas: 0,
                operation: None,
            })
            .collect();
    }
    if !is_rolling_update(d) {
        return Vec::new();
    }
    let mut all: Vec<&ReplicaSet> = old_rss.to_vec();
    all.extend(new_rs);
    let mut all = filter_active(&all);
    let current = replica_count(&all);
    let allowed = if replicas > 0 {
        replicas + max_surge(d)
    } else {
        0
    };
    let to_add = allowed - current;
    let operation = match to_add.cmp(&0) {
        std::cmp::Ordering::Greater => {
            all.sort_by(|a, b| by_size_newer(a, b));
            "up"
        }
        std::cmp::Ordering::Less => {
            all.sort_by(|a, b| by_size_older(a, b));
            "down"
        }
        std::cmp::Ordering::Equal => "",
    };
    let mut added = 0;
    let mut sizes: Vec<i32> = Vec::with_capacity(all.len());
    for rs in &all {
        if to_add != 0 {
            let share = proportion(rs, d, to_add, added);
            sizes.push(rs_replicas(rs) + share);
            added += share;
        } else {
            sizes.push(rs_replicas(rs));
        }
    }
    if to_add != 0
        && let Some(first) = sizes.first_mut()
    {
        *first = (*first + to_add - added).max(0);
    }
    all.iter()
        .zip(sizes)
        .map(|(rs, size)| ScaleOp {
            name: rs.metadata.name().to_string(),
            replicas: size,
            operation: Some(operation),
        })
        .collect()
}

/// `cleanupDeployment`: the old RSs to delete so that at most revisionHistoryLimit
/// remain, lowest revision first; only fully scaled-down, observed RSs that are not
/// already being deleted go, and none takes a skipped one's place.
/// Example (TestDeploymentController_cleanupDeployment): three empty old RSs with
/// limit 1 → the two lowest revisions are deleted.
pub fn cleanup_plan(old_rss: &[&ReplicaSet], d: &Deployment) -> Vec<String> {
    let Some(limit) = revision_history_limit(d) else {
        return Vec::new();
    };
    let mut cleanable: Vec<&ReplicaSet> = old_rss
        .iter()
        .copied()
        .filter(|rs| !rs.metadata.is_being_deleted())
        .collect();
    let diff = cleanable.len() as i64 - i64::from(limit);
    if diff <= 0 {
        return Vec::new();
    }
    cleanable.sort_by(|a, b| by_revision(a, b));
    cleanable
        .into_iter()
        .take(diff as usize)
        .filter(|rs| {
            rs_status_replicas(rs) == 0
                && rs_replicas(rs) == 0
                && rs.metadata.generation.unwrap_or(0)
                    <= rs
                        .status
                        .as_ref()
                        .and_then(|s| s.observed_generation)
                        .unwrap_or(0)
                && !rs.metadata.is_being_deleted()
        })
        .map(|rs| rs.metadata.name().to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Writes

/// `scaleReplicaSet`: writes the size and replica annotations when either changed;
/// records `ScalingReplicaSet` "Scaled <op> replica set <rs> to <new> from <old>" when
/// the size changed. Returns whether it scaled and the RS as written (None when
/// nothing was written: `rs` is still current).
pub(crate) fn scale_replica_set(
    sync: &mut DeploymentSync<'_, '_>,
    rs: &ReplicaSet,
    new_scale: i32,
    operation: &str,
) -> Result<(bool, Option<Arc<Object>>), String> {
    let old_scale = rs_replicas(rs);
    let replicas = deployment_replicas(&sync.d);
    let max = replicas + max_surge(&sync.d);
    let size_needs_update = old_scale != new_scale;
    if !size_needs_update && !replicas_annotations_need_update(rs, replicas, max) {
        return Ok((false, None));
    }
    let mut copy = rs.clone();
    set_rs_replicas(&mut copy, new_scale);
    set_replicas_annotations(&mut copy, replicas, max);
    copy.metadata.resource_version = None;
    let written = sync
        .context
        .api
        .update(Object::ReplicaSet(Box::new(copy)))
        .map_err(|error| error.to_string())?;
    if size_needs_update {
        let meta = written.metadata();
        sync.event(
            EventType::Normal,
            "ScalingReplicaSet",
            &format!(
                "Scaled {operation} replica set {} to {new_scale} from {old_scale}",
                meta.name()
            ),
        );
        sync.context.trace(format!(
            "scaled {operation} replicaset {}/{} to {new_scale} from {old_scale}",
            meta.namespace(),
            meta.name()
        ));
    }
    Ok((size_needs_update, Some(written)))
}

/// `scaleReplicaSetAndRecordEvent`: nothing when the size is already right.
pub(crate) fn scale_replica_set_and_record_event(
    sync: &mut DeploymentSync<'_, '_>,
    rs: &ReplicaSet,
    new_scale: i32,
) -> Result<(bool, Option<Arc<Object>>), String> {
    let current = rs_replicas(rs);
    if current == new_scale {
        return Ok((false, None));
    }
    let operation = if current < new_scale { "up" } else { "down" };
    scale_replica_set(sync, rs, new_scale, operation)
}

/// Executes `ops` in order against the latest state of each RS: `rss` until an op
/// writes one, then what the API returned. Returns whether any changed size.
pub(crate) fn execute_ops(
    sync: &mut DeploymentSync<'_, '_>,
    rss: &[&ReplicaSet],
    ops: &[ScaleOp],
) -> Result<bool, String> {
    let mut scaled = false;
    let mut written: Vec<Option<Arc<Object>>> = vec![None; rss.len()];
    for op in ops {
        let Some(index) = rss.iter().position(|rs| rs.metadata.name() == op.name) else {
            continue;
        };
        let latest = written[index].clone();
        let rs = match latest.as_deref() {
            Some(object) => object.as_::<ReplicaSet>().unwrap_or(rss[index]),
            None => rss[index],
        };
        let (changed, next) = match op.operation {
            Some(operation) => scale_replica_set(sync, rs, op.replicas, operation)?,
            None => scale_replica_set_and_record_event(sync, rs, op.replicas)?,
        };
        scaled |= changed;
        if next.is_some() {
            written[index] = next;
        }
    }
    Ok(scaled)
}

/// `cleanupDeployment`: deletes the old RSs beyond the history limit.
pub(crate) fn cleanup_deployment(
    sync: &mut DeploymentSync<'_, '_>,
    old_rss: &[&ReplicaSet],
) -> Result<(), String> {
    for name in cleanup_plan(old_rss, &sync.d) {
        let namespace = sync.d.metadata.namespace().to_string();
        match sync.context.api.delete(
            ReplicaSet::resource_type(),
            &namespace,
            &name,
            &crate::api_server::DeleteOptions::default(),
        ) {
            Ok(_) => sync.context.trace(format!(
                "deleted old replicaset {namespace}/{name} (revision history limit)"
            )),
            Err(ApiError::NotFound { .. }) => {}
            Err(error) => return Err(error.to_string()),
        }
    }
    Ok(())
}

/// `getNewReplicaSet` + `getAllReplicaSetsAndSyncRevision`: the new RS (created when
/// `create` and missing) with its revision synced, and all old RSs. Both borrow from
/// `rs_list`; only a new RS that was written is a copy (of what the API returned).
pub(crate) fn get_all_replica_sets_and_sync_revision<'r>(
    sync: &mut DeploymentSync<'_, '_>,
    rs_list: &[&'r ReplicaSet],
    create: bool,
) -> Result<(Option<Cow<'r, ReplicaSet>>, Vec<&'r ReplicaSet>), String> {
    let (_, old) = find_old_replica_sets(&sync.d, rs_list);
    let new_rs = get_new_replica_set(sync, rs_list, &old, create)?;
    Ok((new_rs, old))
}

fn get_new_replica_set<'r>(
    sync: &mut DeploymentSync<'_, '_>,
    rs_list: &[&'r ReplicaSet],
    old_rss: &[&ReplicaSet],
    create: bool,
) -> Result<Option<Cow<'r, ReplicaSet>>, String> {
    let existing = find_new_replica_set(&sync.d, rs_list);
    let new_revision = max_revision(old_rss) + 1;
    let now = sync.context.now();

    if let Some(existing) = existing {
        // The annotations are worked out on a copy of them alone (with `exists`,
        // SetNewReplicaSetAnnotations reads and writes nothing else); the RS is copied
        // only when it has to be written.
        let mut annotated = ReplicaSet {
            metadata: ObjectMeta {
                annotations: existing.metadata.annotations.clone(),
                ..ObjectMeta::default()
            },
            spec: None,
            status: None,
        };
        let annotations_updated =
            set_new_replica_set_annotations(&sync.d, &mut annotated, new_revision, true);
        let d_min_ready = sync.d.spec.as_ref().and_then(|s| s.min_ready_seconds);
        let rs_min_ready = existing.spec.as_ref().and_then(|s| s.min_ready_seconds);
        let min_ready_needs_update = rs_min_ready.unwrap_or(0) != d_min_ready.unwrap_or(0);
        if annotations_updated || min_ready_needs_update {
            let mut copy = existing.clone();
            copy.metadata.annotations = annotated.metadata.annotations;
            copy.spec
                .get_or_insert_with(Default::default)
                .make_mut()
                .min_ready_seconds = d_min_ready;
            copy.metadata.resource_version = None;
            let written = sync
                .context
                .api
                .update(Object::ReplicaSet(Box::new(copy)))
                .map_err(|error| error.to_string())?;
            return Ok(written.as_::<ReplicaSet>().cloned().map(Cow::Owned));
        }
        // SetNewReplicaSetAnnotations can change the annotations and still report no
        // update (a revision annotation that is not a number): upstream goes on with
        // that copy, so this does too.
        let copy: Cow<'_, ReplicaSet> =
            if annotated.metadata.annotations != existing.metadata.annotations {
                let mut owned = existing.clone();
                owned.metadata.annotations = annotated.metadata.annotations;
                Cow::Owned(owned)
            } else {
                Cow::Borrowed(existing)
            };
        let revision_text = copy
            .metadata
            .annotation(REVISION_ANNOTATION)
            .unwrap_or("")
            .to_string();
        let mut needs_update = set_deployment_revision(&mut sync.d, &revision_text);
        let has_progressing = sync
            .d
            .status
            .as_ref()
            .is_some_and(|status| get_condition(status, PROGRESSING).is_some());
        if has_progress_deadline(&sync.d) && !has_progressing {
            let message = format!("Found new replica set \"{}\"", copy.metadata.name());
            let condition = new_condition(PROGRESSING, "True", FOUND_NEW_RS_REASON, &message, now);
            set_condition(
                sync.d.status.get_or_insert_with(Default::default),
                condition,
            );
            needs_update = true;
        }
        if needs_update {
            sync.write_status()?;
        }
        return Ok(Some(copy));
    }
    if !create {
        return Ok(None);
    }

    // A new ReplicaSet named <deployment>-<hash>, its template, labels and selector
    // carrying the hash.
    let collision_count = sync.d.status.as_ref().and_then(|s| s.collision_count);
    let spec = sync.d.spec.clone().unwrap_or_default();
    let template = spec.template.clone().unwrap_or_default();
    let hash = compute_hash(&template, collision_count);
    let mut new_template = template.clone();
    new_template
        .metadata
        .get_or_insert_with(Default::default)
        .set_label(POD_TEMPLATE_HASH_LABEL, &hash);
    let labels = new_template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone());
    let mut selector: LabelSelector = spec.selector.clone().unwrap_or_default();
    selector
        .match_labels
        .get_or_insert_with(BTreeMap::new)
        .insert(POD_TEMPLATE_HASH_LABEL.to_string(), hash.clone());
    let name = format!("{}-{hash}", sync.d.metadata.name());
    let mut new_rs = ReplicaSet {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: Some(sync.d.metadata.namespace().to_string()),
            owner_references: Some(vec![controller_ref(&sync.object)].into()),
            labels,
            ..ObjectMeta::default()
        },
        spec: Some(
            ReplicaSetSpec {
                replicas: Some(0),
                min_ready_seconds: spec.min_ready_seconds,
                selector: Some(selector),
                template: Some(new_template),
            }
            .into(),
        ),
        status: None,
    };
    let mut all: Vec<&ReplicaSet> = old_rss.to_vec();
    all.push(&new_rs);
    let new_replicas = new_rs_new_replicas(&sync.d, &all, &new_rs)?;
    set_rs_replicas(&mut new_rs, new_replicas);
    set_new_replica_set_annotations(&sync.d, &mut new_rs, new_revision, false);

    let created = match sync
        .context
        .api
        .create(Object::ReplicaSet(Box::new(new_rs.clone())))
    {
        Ok(created) => (
            created.as_::<ReplicaSet>().cloned().unwrap_or_default(),
            false,
        ),
        Err(ApiError::AlreadyExists { .. }) => {
            let existing = sync
                .context
                .api
                .get(
                    ReplicaSet::resource_type(),
                    sync.d.metadata.namespace(),
                    &name,
                )
                .map_err(|error| error.to_string())?;
            let existing_rs = existing.as_::<ReplicaSet>().cloned().unwrap_or_default();
            let ours = existing_rs
                .metadata
                .controller_ref()
                .is_some_and(|r| r.uid == sync.d.metadata.uid());
            let same_template = existing_rs
                .spec
                .as_ref()
                .and_then(|s| s.template.as_ref())
                .is_some_and(|t| equal_ignore_hash(t, &template));
            if ours && same_template {
                (existing_rs, true)
            } else {
                // A hash collision: bump collisionCount and try again with a new hash.
                let status = sync.d.status.get_or_insert_with(Default::default);
                status.collision_count = Some(status.collision_count.unwrap_or(0) + 1);
                sync.write_status()?;
                return Err(format!("replicasets.apps \"{name}\" already exists"));
            }
        }
        Err(error) => {
            let message = format!("Failed to create new replica set \"{name}\": {error}");
            if has_progress_deadline(&sync.d) {
                let condition =
                    new_condition(PROGRESSING, "False", FAILED_RS_CREATE_REASON, &message, now);
                set_condition(
                    sync.d.status.get_or_insert_with(Default::default),
                    condition,
                );
                let _ = sync.write_status();
            }
            sync.event(EventType::Warning, FAILED_RS_CREATE_REASON, &message);
            return Err(error.to_string());
        }
    };
    let (created, already_existed) = created;
    if !already_existed && new_replicas > 0 {
        sync.event(
            EventType::Normal,
            "ScalingReplicaSet",
            &format!(
                "Scaled up replica set {} to {new_replicas}",
                created.metadata.name()
            ),
        );
    }
    sync.context.trace(format!(
        "created replicaset {}/{} (revision {new_revision}, {new_replicas} replicas)",
        created.metadata.namespace(),
        created.metadata.name()
    ));
    let mut needs_update = set_deployment_revision(&mut sync.d, &new_revision.to_string());
    if !already_existed && has_progress_deadline(&sync.d) {
        let message = format!("Created new replica set \"{}\"", created.metadata.name());
        let condition = new_condition(PROGRESSING, "True", NEW_RS_REASON, &message, now);
        set_condition(
            sync.d.status.get_or_insert_with(Default::default),
            condition,
        );
        needs_update = true;
    }
    if needs_update {
        sync.write_status()?;
    }
    Ok(Some(Cow::Owned(created)))
}

/// `isScalingEvent`: an active RS's desired-replicas annotation differs from the
/// deployment's replicas.
pub(crate) fn is_scaling_event(
    sync: &mut DeploymentSync<'_, '_>,
    rs_list: &[&ReplicaSet],
) -> Result<bool, String> {
    let (new_rs, mut all) = get_all_replica_sets_and_sync_revision(sync, rs_list, false)?;
    all.extend(new_rs.as_deref());
    let replicas = deployment_replicas(&sync.d);
    Ok(filter_active(&all)
        .iter()
        .filter_map(|rs| desired_replicas_annotation(rs))
        .any(|desired| desired != replicas))
}

/// `sync`: reconciles a paused deployment or a scaling event: scale, clean up, status.
pub(crate) fn sync(
    sync: &mut DeploymentSync<'_, '_>,
    rs_list: &[&ReplicaSet],
) -> Result<(), String> {
    let (new_rs, old_refs) = get_all_replica_sets_and_sync_revision(sync, rs_list, false)?;
    let ops = scale_plan(&sync.d, new_rs.as_deref(), &old_refs);
    let all: Vec<&ReplicaSet> = old_refs.iter().copied().chain(new_rs.as_deref()).collect();
    execute_ops(sync, &all, &ops)?;
    // Cleanup happens here only for a paused deployment with no rollback pending.
    let paused = sync.d.spec.as_ref().and_then(|s| s.paused).unwrap_or(false);
    if paused && super::rollback::rollback_to(&sync.d).is_none() {
        cleanup_deployment(sync, &old_refs)?;
    }
    let mut all_refs: Vec<&ReplicaSet> = old_refs.clone();
    all_refs.extend(new_rs.as_deref());
    sync_deployment_status(sync, &all_refs, new_rs.as_deref())
}

/// `syncStatusOnly`: a deployment being deleted only gets its status.
pub(crate) fn sync_status_only(
    sync: &mut DeploymentSync<'_, '_>,
    rs_list: &[&ReplicaSet],
) -> Result<(), String> {
    let (new_rs, mut all) = get_all_replica_sets_and_sync_revision(sync, rs_list, false)?;
    all.extend(new_rs.as_deref());
    sync_deployment_status(sync, &all, new_rs.as_deref())
}

/// `syncDeploymentStatus`: writes calculateStatus when it differs.
pub(crate) fn sync_deployment_status(
    sync: &mut DeploymentSync<'_, '_>,
    all: &[&ReplicaSet],
    new_rs: Option<&ReplicaSet>,
) -> Result<(), String> {
    let now = sync.context.now();
    let status = calculate_status(all, new_rs, &sync.d, now);
    if sync.d.status.as_ref() == Some(&status) {
        return Ok(());
    }
    sync.d.status = Some(status);
    sync.write_status()
}

/// `checkPausedConditions`: Progressing Unknown `DeploymentPaused` while paused,
/// `DeploymentResumed` once resumed; never over ProgressDeadlineExceeded, and nothing
/// without a deadline.
pub(crate) fn check_paused_conditions(sync: &mut DeploymentSync<'_, '_>) -> Result<(), String> {
    if !has_progress_deadline(&sync.d) {
        return Ok(());
    }
    let now = sync.context.now();
    let paused = sync.d.spec.as_ref().and_then(|s| s.paused).unwrap_or(false);
    let status = sync.d.status.get_or_insert_with(Default::default);
    let reason = get_condition(status, PROGRESSING).and_then(|c| c.reason.clone());
    if reason.as_deref() == Some(TIMED_OUT_REASON) {
        return Ok(());
    }
    let paused_condition_exists = reason.as_deref() == Some(PAUSED_DEPLOY_REASON);
    let condition = if paused && !paused_condition_exists {
        new_condition(
            PROGRESSING,
            "Unknown",
            PAUSED_DEPLOY_REASON,
            "Deployment is paused",
            now,
        )
    } else if !paused && paused_condition_exists {
        new_condition(
            PROGRESSING,
            "Unknown",
            RESUMED_DEPLOY_REASON,
            "Deployment is resumed",
            now,
        )
    } else {
        return Ok(());
    };
    set_condition(status, condition);
    sync.write_status()
}

use crate::model::deployment::Deployment;
