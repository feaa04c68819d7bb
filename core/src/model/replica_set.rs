//! `ReplicaSet` (apps/v1). Upstream: `staging/src/k8s.io/api/apps/v1/types.go`.

use serde::{Deserialize, Serialize};

use super::meta::{ObjectMeta, Time};
use super::pod::PodTemplateSpec;
use super::selector::LabelSelector;
use super::shared::Shared;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplicaSet {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<Shared<ReplicaSetSpec>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ReplicaSetStatus>,
}

spec_status!(ReplicaSet);

impl ReplicaSet {
    /// The spec, or an empty one.
    pub fn spec(&self) -> ReplicaSetSpec {
        self.spec.as_deref().cloned().unwrap_or_default()
    }
    /// The status, or an empty one.
    pub fn status(&self) -> ReplicaSetStatus {
        self.status.clone().unwrap_or_default()
    }
}

kube_struct! {
    pub struct ReplicaSetSpec {
        replicas: i32,
        min_ready_seconds: i32,
        selector: LabelSelector,
        template: PodTemplateSpec,
    }
}

kube_struct! {
    pub struct ReplicaSetStatus {
        replicas: i32,
        fully_labeled_replicas: i32,
        ready_replicas: i32,
        available_replicas: i32,
        terminating_replicas: i32,
        observed_generation: i64,
        conditions: Vec<ReplicaSetCondition>,
    }
}

kube_struct! {
    pub struct ReplicaSetCondition {
        #[serde(rename = "type")]
        type_: String,
        status: String,
        last_transition_time: Time,
        reason: String,
        message: String,
    }
}
