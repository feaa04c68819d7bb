//! Rollout progress: the Progressing and ReplicaFailure conditions and the progress
//! deadline.
//!
//! Upstream: `pkg/controller/deployment/progress.go`.
//! - Complete → Progressing True `NewReplicaSetAvailable`; progressing (more updated,
//!   fewer old, more ready or available) → `ReplicaSetUpdated` with a fresh
//!   lastUpdateTime; no progress for longer than progressDeadlineSeconds →
//!   Progressing False `ProgressDeadlineExceeded`.
//! - An unchanged status is not written; a rollout that may still time out is
//!   requeued for lastUpdateTime + deadline − now + 1 s.
//!   Example: deadline 600 s, last progress at 10:00:00, now 10:04:00 → requeue in 361 s.

use super::DeploymentSync;
use super::util::*;
use crate::model::deployment::{Deployment, DeploymentCondition, DeploymentStatus};
use crate::model::replica_set::ReplicaSet;
use crate::time::{SimDuration, SimTime};

/// The status `syncRolloutStatus` would write, computed purely.
pub fn rollout_status(
    d: &Deployment,
    all: &[&ReplicaSet],
    new_rs: Option<&ReplicaSet>,
    now: SimTime,
) -> DeploymentStatus {
    let mut status = calculate_status(all, new_rs, d, now);
    if !has_progress_deadline(d) {
        remove_condition(&mut status, PROGRESSING);
    }
    let current = d
        .status
        .as_ref()
        .and_then(|s| get_condition(s, PROGRESSING))
        .cloned();
    let complete_already = status.replicas == status.updated_replicas
        && current
            .as_ref()
            .is_some_and(|c| c.reason.as_deref() == Some(NEW_RS_AVAILABLE_REASON));
    if has_progress_deadline(d) && !complete_already {
        let subject = |verb: &str| match new_rs {
            Some(rs) => format!("ReplicaSet \"{}\" {verb}", rs.metadata.name()),
            None => format!("Deployment \"{}\" {verb}", d.metadata.name()),
        };
        if deployment_complete(d, &status) {
            let message = subject("has successfully progressed.");
            set_condition(
                &mut status,
                new_condition(PROGRESSING, "True", NEW_RS_AVAILABLE_REASON, &message, now),
            );
        } else if deployment_progressing(d, &status) {
            let message = subject("is progressing.");
            let mut condition = new_condition(
                PROGRESSING,
                "True",
                REPLICA_SET_UPDATED_REASON,
                &message,
                now,
            );
            // Progress refreshes lastUpdateTime, keeping the transition time.
            if let Some(current) = &current {
                if current.status.as_deref() == Some("True") {
                    condition.last_transition_time = current.last_transition_time;
                }
                remove_condition(&mut status, PROGRESSING);
            }
            set_condition(&mut status, condition);
        } else if deployment_timed_out(d, &status, now) {
            let message = subject("has timed out progressing.");
            set_condition(
                &mut status,
                new_condition(PROGRESSING, "False", TIMED_OUT_REASON, &message, now),
            );
        }
    }
    match replica_failures(all, new_rs).into_iter().next() {
        Some(failure) => set_condition(&mut status, failure),
        None => remove_condition(&mut status, REPLICA_FAILURE),
    }
    status
}

/// `getReplicaFailures`: the new RS's ReplicaFailure conditions, else any RS's.
fn replica_failures(all: &[&ReplicaSet], new_rs: Option<&ReplicaSet>) -> Vec<DeploymentCondition> {
    let of = |rs: &ReplicaSet| -> Vec<DeploymentCondition> {
        rs.status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .into_iter()
            .flatten()
            .filter(|c| c.type_.as_deref() == Some(REPLICA_FAILURE))
            .map(replica_set_to_deployment_condition)
            .collect()
    };
    let from_new = new_rs.map(of).unwrap_or_default();
    if !from_new.is_empty() {
        return from_new;
    }
    all.iter().flat_map(|rs| of(rs)).collect()
}

/// `requeueStuckDeployment`: when a rollout in progress could still time out, the
/// delay until one second after its deadline (1 s when it is less than a second away).
pub fn stuck_requeue(
    d: &Deployment,
    new_status: &DeploymentStatus,
    now: SimTime,
) -> Option<SimDuration> {
    let deadline = progress_deadline_seconds(d)?;
    let current = d
        .status
        .as_ref()
        .and_then(|s| get_condition(s, PROGRESSING))?;
    if deployment_complete(d, new_status) || current.reason.as_deref() == Some(TIMED_OUT_REASON) {
        return None;
    }
    let last_update = current.last_update_time?.0;
    let after = (last_update + SimDuration::from_secs(i64::from(deadline))) - now;
    if after < SimDuration::from_secs(1) {
        // Upstream re-adds the key rate-limited; a second later it has timed out.
        return Some(SimDuration::from_secs(1));
    }
    Some(after + SimDuration::from_secs(1))
}

/// `syncRolloutStatus`: writes the rollout status when it changed; otherwise requeues
/// a rollout that may time out.
pub(crate) fn sync_rollout_status(
    sync: &mut DeploymentSync<'_, '_>,
    all: &[&ReplicaSet],
    new_rs: Option<&ReplicaSet>,
) -> Result<(), String> {
    let now = sync.context.now();
    let status = rollout_status(&sync.d, all, new_rs, now);
    if sync.d.status.as_ref() == Some(&status) {
        if let Some(delay) = stuck_requeue(&sync.d, &status, now) {
            sync.requeue_after(delay);
        }
        return Ok(());
    }
    let timed_out_now = get_condition(&status, PROGRESSING)
        .is_some_and(|c| c.reason.as_deref() == Some(TIMED_OUT_REASON))
        && sync
            .d
            .status
            .as_ref()
            .and_then(|s| get_condition(s, PROGRESSING))
            .is_none_or(|c| c.reason.as_deref() != Some(TIMED_OUT_REASON));
    sync.d.status = Some(status);
    sync.write_status()?;
    if timed_out_now {
        sync.context.trace(format!(
            "deployment {}/{} exceeded its progress deadline",
            sync.d.metadata.namespace(),
            sync.d.metadata.name()
        ));
    }
    Ok(())
}
