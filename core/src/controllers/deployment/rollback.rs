//! The legacy, controller-side rollback: the `deprecated.deployment.rollback.to`
//! annotation (what `extensions/v1beta1` `spec.rollbackTo` round-trips to).
//!
//! Upstream: `pkg/controller/deployment/rollback.go`. Revision 0 means the previous
//! one (`LastRevision`). The deployment takes the RS's template (without the hash
//! label) and its annotations (but the skipped ones), and the annotation is cleared.
//! Modern `kubectl rollout undo` patches the template itself instead.

use super::DeploymentSync;
use super::sync::get_all_replica_sets_and_sync_revision;
use super::util::*;
use crate::controllers::EventType;
use crate::model::deployment::Deployment;
use crate::model::replica_set::ReplicaSet;

/// `getRollbackTo`: the requested revision; an empty or unparsable value is ignored.
pub fn rollback_to(d: &Deployment) -> Option<i64> {
    d.metadata
        .annotation(ROLLBACK_TO_ANNOTATION)
        .filter(|text| !text.is_empty())
        .and_then(|text| text.parse::<i64>().ok())
}

/// Clears the annotation and writes the deployment (`updateDeploymentAndClearRollbackTo`).
fn clear_rollback_to(sync: &mut DeploymentSync<'_, '_>) -> Result<(), String> {
    if let Some(annotations) = sync.d.metadata.annotations.as_mut() {
        annotations.remove(ROLLBACK_TO_ANNOTATION);
    }
    sync.write()
}

/// `rollback`.
pub(crate) fn rollback(
    sync: &mut DeploymentSync<'_, '_>,
    rs_list: &[&ReplicaSet],
) -> Result<(), String> {
    let (new_rs, mut all) = get_all_replica_sets_and_sync_revision(sync, rs_list, true)?;
    all.extend(new_rs.as_deref());
    let mut wanted = rollback_to(&sync.d).unwrap_or(0);
    if wanted == 0 {
        wanted = last_revision(&all);
        if wanted == 0 {
            sync.event(
                EventType::Warning,
                ROLLBACK_REVISION_NOT_FOUND,
                "Unable to find last revision.",
            );
            return clear_rollback_to(sync);
        }
    }
    let Some(target) = find_revision(&all, wanted).cloned() else {
        sync.event(
            EventType::Warning,
            ROLLBACK_REVISION_NOT_FOUND,
            "Unable to find the revision to rollback to.",
        );
        return clear_rollback_to(sync);
    };
    let current_template = sync
        .d
        .spec
        .as_ref()
        .and_then(|s| s.template.clone())
        .unwrap_or_default();
    let target_template = target
        .spec
        .as_ref()
        .and_then(|s| s.template.clone())
        .unwrap_or_default();
    if equal_ignore_hash(&current_template, &target_template) {
        let message = format!(
            "The rollback revision contains the same template as current deployment \"{}\"",
            sync.d.metadata.name()
        );
        sync.event(EventType::Warning, ROLLBACK_TEMPLATE_UNCHANGED, &message);
        return clear_rollback_to(sync);
    }
    set_from_replica_set_template(&mut sync.d, &target_template);
    set_deployment_annotations_to(&mut sync.d, &target);
    clear_rollback_to(sync)?;
    let message = format!(
        "Rolled back deployment \"{}\" to revision {wanted}",
        sync.d.metadata.name()
    );
    sync.event(EventType::Normal, ROLLBACK_DONE, &message);
    Ok(())
}
