//! `DaemonSet` (apps/v1). Upstream: `staging/src/k8s.io/api/apps/v1/types.go`.

use serde::{Deserialize, Serialize};

use super::intstr::IntOrString;
use super::meta::{ObjectMeta, Time};
use super::pod::PodTemplateSpec;
use super::selector::LabelSelector;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DaemonSet {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<DaemonSetSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DaemonSetStatus>,
}

spec_status!(DaemonSet);

impl DaemonSet {
    /// The spec, or an empty one.
    pub fn spec(&self) -> DaemonSetSpec {
        self.spec.clone().unwrap_or_default()
    }
    /// The status, or an empty one.
    pub fn status(&self) -> DaemonSetStatus {
        self.status.clone().unwrap_or_default()
    }
}

kube_struct! {
    pub struct DaemonSetSpec {
        selector: LabelSelector,
        template: PodTemplateSpec,
        update_strategy: DaemonSetUpdateStrategy,
        min_ready_seconds: i32,
        revision_history_limit: i32,
    }
}

kube_struct! {
    pub struct DaemonSetUpdateStrategy {
        /// `RollingUpdate` or `OnDelete`.
        #[serde(rename = "type")]
        type_: String,
        rolling_update: RollingUpdateDaemonSet,
    }
}

kube_struct! {
    pub struct RollingUpdateDaemonSet {
        max_unavailable: IntOrString,
        max_surge: IntOrString,
    }
}

kube_struct! {
    pub struct DaemonSetStatus {
        current_number_scheduled: i32,
        number_misscheduled: i32,
        desired_number_scheduled: i32,
        number_ready: i32,
        observed_generation: i64,
        updated_number_scheduled: i32,
        number_available: i32,
        number_unavailable: i32,
        collision_count: i32,
        conditions: Vec<DaemonSetCondition>,
    }
}

kube_struct! {
    pub struct DaemonSetCondition {
        #[serde(rename = "type")]
        type_: String,
        status: String,
        last_transition_time: Time,
        reason: String,
        message: String,
    }
}
