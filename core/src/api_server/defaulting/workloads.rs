//! Deployment, ReplicaSet and DaemonSet defaults (`pkg/apis/apps/v1/defaults.go`).

use crate::model::daemon_set::{DaemonSet, DaemonSetUpdateStrategy, RollingUpdateDaemonSet};
use crate::model::deployment::{Deployment, DeploymentStrategy, RollingUpdateDeployment};
use crate::model::intstr::IntOrString;
use crate::model::replica_set::ReplicaSet;

use super::pod::default_pod_template;

/// `SetDefaults_Deployment`: 1 replica, RollingUpdate 25%/25%, 10 old ReplicaSets kept,
/// 600 s to make progress.
pub fn default_deployment(deployment: &mut Deployment) {
    let spec = deployment
        .spec
        .get_or_insert_with(Default::default)
        .make_mut();
    spec.replicas.get_or_insert(1);
    let strategy = spec
        .strategy
        .get_or_insert_with(DeploymentStrategy::default);
    let strategy_type = strategy
        .type_
        .get_or_insert_with(|| "RollingUpdate".to_string());
    // Only a RollingUpdate strategy gets rollingUpdate; Recreate with one is invalid.
    if strategy_type == "RollingUpdate" {
        let rolling = strategy
            .rolling_update
            .get_or_insert_with(RollingUpdateDeployment::default);
        rolling
            .max_unavailable
            .get_or_insert_with(|| IntOrString::String("25%".to_string()));
        rolling
            .max_surge
            .get_or_insert_with(|| IntOrString::String("25%".to_string()));
    }
    spec.revision_history_limit.get_or_insert(10);
    spec.progress_deadline_seconds.get_or_insert(600);
    if let Some(template) = spec.template.as_mut() {
        default_pod_template(template);
    }
}

/// `SetDefaults_ReplicaSet`: 1 replica.
pub fn default_replica_set(replica_set: &mut ReplicaSet) {
    let spec = replica_set
        .spec
        .get_or_insert_with(Default::default)
        .make_mut();
    spec.replicas.get_or_insert(1);
    if let Some(template) = spec.template.as_mut() {
        default_pod_template(template);
    }
}

/// `SetDefaults_DaemonSet`: RollingUpdate with maxUnavailable 1 and maxSurge 0,
/// 10 old revisions kept.
pub fn default_daemon_set(daemon_set: &mut DaemonSet) {
    let spec = daemon_set.spec.get_or_insert_with(Default::default);
    let strategy = spec
        .update_strategy
        .get_or_insert_with(DaemonSetUpdateStrategy::default);
    let strategy_type = strategy
        .type_
        .get_or_insert_with(|| "RollingUpdate".to_string());
    if strategy_type == "RollingUpdate" {
        let rolling = strategy
            .rolling_update
            .get_or_insert_with(RollingUpdateDaemonSet::default);
        rolling.max_unavailable.get_or_insert(IntOrString::Int(1));
        rolling.max_surge.get_or_insert(IntOrString::Int(0));
    }
    spec.revision_history_limit.get_or_insert(10);
    if let Some(template) = spec.template.as_mut() {
        default_pod_template(template);
    }
}
