//! The Recreate strategy: every old pod goes before any new one starts.
//!
//! Upstream: `pkg/controller/deployment/recreate.go`. Old RSs are scaled to zero; while
//! any old pod still runs (status.replicas > 0, or a pod of an old RS not Succeeded or
//! Failed, terminating ones included) nothing else happens; then the new RS is created
//! (at full size: NewRSNewReplicas is replicas for Recreate) or scaled up.

use std::sync::Arc;

use super::DeploymentSync;
use super::progress::sync_rollout_status;
use super::sync::{
    cleanup_deployment, get_all_replica_sets_and_sync_revision, scale_replica_set_and_record_event,
};
use super::util::*;
use crate::model::Object;
use crate::model::pod::Pod;
use crate::model::pod_util::{POD_FAILED, POD_SUCCEEDED};
use crate::model::replica_set::ReplicaSet;

/// `oldPodsRunning`: an old RS still reports pods, or one of `old_pods` (the pods of
/// the RSs other than the new one) is not finished. Unknown counts as running.
pub fn old_pods_running(old_rss: &[&ReplicaSet], old_pods: &[&Pod]) -> bool {
    if actual_replica_count(old_rss) > 0 {
        return true;
    }
    old_pods
        .iter()
        .any(|pod| !matches!(pod.phase(), POD_FAILED | POD_SUCCEEDED))
}

/// The pods each RS controls, from the owner index (`getPodMapForDeployment`).
fn pods_of(sync: &DeploymentSync<'_, '_>, rs: &ReplicaSet) -> Vec<Arc<Object>> {
    let store = sync.context.api.store();
    store
        .dependents_of(rs.metadata.uid())
        .filter_map(|key| store.get(key))
        .filter(|object| {
            object.as_::<Pod>().is_some_and(|pod| {
                pod.metadata
                    .controller_ref()
                    .is_some_and(|r| r.uid == rs.metadata.uid())
            })
        })
        .map(Arc::clone)
        .collect()
}

/// `rolloutRecreate`.
pub(crate) fn rollout_recreate(
    sync: &mut DeploymentSync<'_, '_>,
    rs_list: &[&ReplicaSet],
) -> Result<(), String> {
    let (mut new_rs, mut old) = get_all_replica_sets_and_sync_revision(sync, rs_list, false)?;
    let all_refs: Vec<&ReplicaSet> = old.iter().copied().chain(new_rs.as_deref()).collect();

    // Scale down every active old RS.
    let mut scaled_down = false;
    for rs in old.iter().filter(|rs| rs_replicas(rs) > 0) {
        let (scaled, _) = scale_replica_set_and_record_event(sync, rs, 0)?;
        scaled_down |= scaled;
    }
    if scaled_down {
        return sync_rollout_status(sync, &all_refs, new_rs.as_deref());
    }

    // Wait until every old pod is gone.
    let new_uid = new_rs.as_ref().map(|rs| rs.metadata.uid().to_string());
    let old_pods: Vec<Arc<Object>> = old
        .iter()
        .filter(|rs| Some(rs.metadata.uid().to_string()) != new_uid)
        .flat_map(|rs| pods_of(sync, rs))
        .collect();
    let old_pod_refs: Vec<&Pod> = old_pods.iter().filter_map(|o| o.as_::<Pod>()).collect();
    if old_pods_running(&old, &old_pod_refs) {
        return sync_rollout_status(sync, &all_refs, new_rs.as_deref());
    }

    // Then create the new RS, or scale it up.
    if new_rs.is_none() {
        (new_rs, old) = get_all_replica_sets_and_sync_revision(sync, rs_list, true)?;
    }
    let all_refs: Vec<&ReplicaSet> = old.iter().copied().chain(new_rs.as_deref()).collect();
    if let Some(rs) = &new_rs {
        let replicas = deployment_replicas(&sync.d);
        scale_replica_set_and_record_event(sync, rs, replicas)?;
    }
    let status = sync.d.status.clone().unwrap_or_default();
    if deployment_complete(&sync.d, &status) {
        cleanup_deployment(sync, &old)?;
    }
    sync_rollout_status(sync, &all_refs, new_rs.as_deref())
}
