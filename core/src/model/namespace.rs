//! `Namespace` (core/v1). Upstream: `staging/src/k8s.io/api/core/v1/types.go`.

use serde::{Deserialize, Serialize};

use super::meta::{ObjectMeta, Time};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Namespace {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<NamespaceSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<NamespaceStatus>,
}

spec_status!(Namespace);

impl Namespace {
    /// `status.phase` (`Active`, `Terminating`), or "".
    pub fn phase(&self) -> &str {
        self.status
            .as_ref()
            .and_then(|s| s.phase.as_deref())
            .unwrap_or("")
    }
}

kube_struct! {
    pub struct NamespaceSpec {
        finalizers: Vec<String>,
    }
}

kube_struct! {
    pub struct NamespaceStatus {
        phase: String,
        conditions: Vec<NamespaceCondition>,
    }
}

kube_struct! {
    pub struct NamespaceCondition {
        #[serde(rename = "type")]
        type_: String,
        status: String,
        last_transition_time: Time,
        reason: String,
        message: String,
    }
}
