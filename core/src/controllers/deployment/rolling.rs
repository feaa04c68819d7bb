//! The RollingUpdate strategy: grow the new ReplicaSet within maxSurge, shrink the old
//! ones within maxUnavailable.
//!
//! Upstream: `pkg/controller/deployment/rolling.go`. Worked example from upstream's
//! comment: 10 replicas, maxUnavailable 2, maxSurge 3. The new RS starts at 3 (13
//! pods in all), the old RS goes 10 → 8, the new RS to 5. If the new pods crash-loop,
//! allPods 13 − minAvailable 8 − newRSUnavailable 5 = 0 may be scaled down: the
//! rollout stops there, with 8 old pods still available.
//!
//! The planners here are pure: they take ReplicaSets and return the scalings, in the
//! order upstream performs them, so table tests can check them directly.

use super::DeploymentSync;
use super::progress::sync_rollout_status;
use super::sync::{
    ScaleOp, cleanup_deployment, execute_ops, get_all_replica_sets_and_sync_revision,
};
use super::util::*;
use crate::model::deployment::Deployment;
use crate::model::replica_set::ReplicaSet;

/// `reconcileNewReplicaSet`: the size the new RS should be scaled to now, if it
/// should change: down to replicas if above, else `NewRSNewReplicas`.
pub fn reconcile_new_replica_set(
    all: &[&ReplicaSet],
    new_rs: &ReplicaSet,
    d: &Deployment,
) -> Result<Option<i32>, String> {
    let replicas = deployment_replicas(d);
    let current = rs_replicas(new_rs);
    if current == replicas {
        return Ok(None);
    }
    if current > replicas {
        return Ok(Some(replicas));
    }
    let target = new_rs_new_replicas(d, all, new_rs)?;
    Ok((target != current).then_some(target))
}

/// `cleanupUnhealthyReplicas`: scales old RSs (oldest first) down by their
/// unavailable pods, at most `max_cleanup` in all. Updates `old` in place and returns
/// the scalings and how many replicas went.
/// Example (TestDeploymentController_cleanupUnhealthyReplicas): 10 replicas, 8
/// available, maxCleanupCount 3 → 2 cleaned.
pub fn cleanup_unhealthy_replicas(old: &mut [ReplicaSet], max_cleanup: i32) -> (Vec<ScaleOp>, i32) {
    old.sort_by(by_creation_timestamp);
    let mut total = 0;
    let mut ops = Vec::new();
    for rs in old.iter_mut() {
        if total >= max_cleanup {
            break;
        }
        let replicas = rs_replicas(rs);
        let available = rs_available(rs);
        if replicas == 0 || replicas == available {
            continue;
        }
        let scaled = (max_cleanup - total).min(replicas - available);
        let new_replicas = replicas - scaled;
        set_rs_replicas(rs, new_replicas);
        ops.push(ScaleOp {
            name: rs.metadata.name().to_string(),
            replicas: new_replicas,
            operation: None,
        });
        total += scaled;
    }
    (ops, total)
}

/// `scaleDownOldReplicaSetsForRollingUpdate`: scales old RSs (oldest first) down by
/// what availability above minAvailable allows. `others` are counted for
/// availability too (the new RS). Updates `old` in place.
/// Example (TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate): 10
/// replicas, maxUnavailable 2, 10 available → old 10 → 8.
pub fn scale_down_old_replica_sets_for_rolling_update(
    others: &[&ReplicaSet],
    old: &mut [ReplicaSet],
    d: &Deployment,
) -> (Vec<ScaleOp>, i32) {
    let min_available = deployment_replicas(d) - max_unavailable(d);
    let available = available_replica_count(others) + old.iter().map(rs_available).sum::<i32>();
    if available <= min_available {
        return (Vec::new(), 0);
    }
    old.sort_by(by_creation_timestamp);
    let total_to_scale = available - min_available;
    let mut total = 0;
    let mut ops = Vec::new();
    for rs in old.iter_mut() {
        if total >= total_to_scale {
            break;
        }
        let replicas = rs_replicas(rs);
        if replicas == 0 {
            continue;
        }
        let scaled = replicas.min(total_to_scale - total);
        let new_replicas = replicas - scaled;
        set_rs_replicas(rs, new_replicas);
        ops.push(ScaleOp {
            name: rs.metadata.name().to_string(),
            replicas: new_replicas,
            operation: None,
        });
        total += scaled;
    }
    (ops, total)
}

/// `reconcileOldReplicaSets`: how the active old RSs shrink this sync. At most
/// allPods − minAvailable − (new RS's unavailable pods) may go: first unhealthy old
/// replicas, then healthy ones while availability stays above minAvailable.
/// Example (TestDeploymentController_reconcileOldReplicaSets): 10 replicas,
/// maxUnavailable 2, old 8 + new 2 with the new pods unavailable → 10 − 8 − 2 = 0:
/// nothing.
pub fn reconcile_old_replica_sets(
    all: &[&ReplicaSet],
    active_old: &[&ReplicaSet],
    new_rs: &ReplicaSet,
    d: &Deployment,
) -> Vec<ScaleOp> {
    if replica_count(active_old) == 0 {
        return Vec::new();
    }
    let all_pods = replica_count(all);
    let min_available = deployment_replicas(d) - max_unavailable(d);
    let new_unavailable = rs_replicas(new_rs) - rs_available(new_rs);
    let max_scaled_down = all_pods - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return Vec::new();
    }
    let mut old: Vec<ReplicaSet> = active_old.iter().map(|rs| (*rs).clone()).collect();
    let (mut ops, _) = cleanup_unhealthy_replicas(&mut old, max_scaled_down);
    let (more, _) = scale_down_old_replica_sets_for_rolling_update(&[new_rs], &mut old, d);
    ops.extend(more);
    ops
}

/// `rolloutRolling`: one step of a rolling update.
pub(crate) fn rollout_rolling(
    sync: &mut DeploymentSync<'_, '_>,
    rs_list: &[&ReplicaSet],
) -> Result<(), String> {
    let (new_rs, old_refs) = get_all_replica_sets_and_sync_revision(sync, rs_list, true)?;
    let Some(new_rs) = new_rs else {
        return Err("the new replica set was not created".to_string());
    };
    let new_rs: &ReplicaSet = &new_rs;
    let mut all: Vec<&ReplicaSet> = old_refs.clone();
    all.push(new_rs);

    // Scale up the new RS if possible; that is this sync's step.
    if let Some(target) = reconcile_new_replica_set(&all, new_rs, &sync.d)? {
        let ops = [ScaleOp {
            name: new_rs.metadata.name().to_string(),
            replicas: target,
            operation: None,
        }];
        if execute_ops(sync, &[new_rs], &ops)? {
            return sync_rollout_status(sync, &all, Some(new_rs));
        }
    }

    // Scale down old RSs if possible.
    let active_old = filter_active(&old_refs);
    let ops = reconcile_old_replica_sets(&all, &active_old, new_rs, &sync.d);
    if !ops.is_empty() {
        if execute_ops(sync, &active_old, &ops)? {
            return sync_rollout_status(sync, &all, Some(new_rs));
        }
    }

    let status = sync.d.status.clone().unwrap_or_default();
    if deployment_complete(&sync.d, &status) {
        cleanup_deployment(sync, &old_refs)?;
    }
    sync_rollout_status(sync, &all, Some(new_rs))
}
