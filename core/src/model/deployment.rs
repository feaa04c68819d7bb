//! `Deployment` (apps/v1). Upstream: `staging/src/k8s.io/api/apps/v1/types.go`.

use serde::{Deserialize, Serialize};

use super::intstr::IntOrString;
use super::meta::{ObjectMeta, Time};
use super::pod::PodTemplateSpec;
use super::selector::LabelSelector;
use super::shared::Shared;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Deployment {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<Shared<DeploymentSpec>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DeploymentStatus>,
}

spec_status!(Deployment);

impl Deployment {
    /// The spec, or an empty one.
    pub fn spec(&self) -> DeploymentSpec {
        self.spec.as_deref().cloned().unwrap_or_default()
    }
    /// The status, or an empty one.
    pub fn status(&self) -> DeploymentStatus {
        self.status.clone().unwrap_or_default()
    }
}

kube_struct! {
    pub struct DeploymentSpec {
        replicas: i32,
        selector: LabelSelector,
        template: PodTemplateSpec,
        strategy: DeploymentStrategy,
        min_ready_seconds: i32,
        revision_history_limit: i32,
        paused: bool,
        progress_deadline_seconds: i32,
    }
}

kube_struct! {
    pub struct DeploymentStrategy {
        /// `RollingUpdate` or `Recreate`.
        #[serde(rename = "type")]
        type_: String,
        rolling_update: RollingUpdateDeployment,
    }
}

kube_struct! {
    pub struct RollingUpdateDeployment {
        max_unavailable: IntOrString,
        max_surge: IntOrString,
    }
}

kube_struct! {
    pub struct DeploymentStatus {
        observed_generation: i64,
        replicas: i32,
        updated_replicas: i32,
        ready_replicas: i32,
        available_replicas: i32,
        unavailable_replicas: i32,
        terminating_replicas: i32,
        conditions: Vec<DeploymentCondition>,
        collision_count: i32,
    }
}

kube_struct! {
    pub struct DeploymentCondition {
        #[serde(rename = "type")]
        type_: String,
        status: String,
        last_update_time: Time,
        last_transition_time: Time,
        reason: String,
        message: String,
    }
}
