//! `Job` (batch/v1). Upstream: `staging/src/k8s.io/api/batch/v1/types.go`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::meta::{ObjectMeta, Time};
use super::pod::PodTemplateSpec;
use super::selector::LabelSelector;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Job {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<JobSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<JobStatus>,
}

spec_status!(Job);

impl Job {
    /// The spec, or an empty one.
    pub fn spec(&self) -> JobSpec {
        self.spec.clone().unwrap_or_default()
    }
    /// The status, or an empty one.
    pub fn status(&self) -> JobStatus {
        self.status.clone().unwrap_or_default()
    }
}

kube_struct! {
    pub struct JobSpec {
        parallelism: i32,
        completions: i32,
        active_deadline_seconds: i64,
        pod_failure_policy: Value,
        success_policy: Value,
        backoff_limit: i32,
        backoff_limit_per_index: i32,
        max_failed_indexes: i32,
        selector: LabelSelector,
        manual_selector: bool,
        template: PodTemplateSpec,
        ttl_seconds_after_finished: i32,
        /// `NonIndexed` or `Indexed`.
        completion_mode: String,
        suspend: bool,
        pod_replacement_policy: String,
        managed_by: String,
    }
}

kube_struct! {
    pub struct JobStatus {
        conditions: Vec<JobCondition>,
        start_time: Time,
        completion_time: Time,
        active: i32,
        succeeded: i32,
        failed: i32,
        terminating: i32,
        completed_indexes: String,
        failed_indexes: String,
        uncounted_terminated_pods: UncountedTerminatedPods,
        ready: i32,
    }
}

kube_struct! {
    pub struct JobCondition {
        #[serde(rename = "type")]
        type_: String,
        status: String,
        last_probe_time: Time,
        last_transition_time: Time,
        reason: String,
        message: String,
    }
}

kube_struct! {
    /// Pod UIDs the controller has seen finish but not yet counted.
    pub struct UncountedTerminatedPods {
        succeeded: Vec<String>,
        failed: Vec<String>,
    }
}
