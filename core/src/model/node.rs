//! `Node` (core/v1). Upstream: `staging/src/k8s.io/api/core/v1/types.go` (`Node`,
//! `NodeSpec`, `Taint`, `NodeStatus`, `NodeCondition`, `NodeSystemInfo`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::meta::{ObjectMeta, Time};
use super::quantity::Quantity;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Node {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<NodeSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<NodeStatus>,
}

spec_status!(Node);

impl Node {
    pub fn spec(&self) -> NodeSpec {
        self.spec.clone().unwrap_or_default()
    }
    pub fn status(&self) -> NodeStatus {
        self.status.clone().unwrap_or_default()
    }
    /// The condition of `type_` (`Ready`, `MemoryPressure`, ...), if reported.
    pub fn condition(&self, type_: &str) -> Option<&NodeCondition> {
        self.status
            .as_ref()?
            .conditions
            .as_ref()?
            .iter()
            .find(|c| c.type_.as_deref() == Some(type_))
    }
    /// True when the `Ready` condition is `True`.
    pub fn is_ready(&self) -> bool {
        self.condition("Ready").and_then(|c| c.status.as_deref()) == Some("True")
    }
    pub fn is_unschedulable(&self) -> bool {
        self.spec.as_ref().and_then(|s| s.unschedulable) == Some(true)
    }
    pub fn taints(&self) -> &[Taint] {
        self.spec
            .as_ref()
            .and_then(|s| s.taints.as_deref())
            .unwrap_or(&[])
    }
}

kube_struct! {
    pub struct NodeSpec {
        #[serde(rename = "podCIDR")]
        pod_cidr: String,
        #[serde(rename = "podCIDRs")]
        pod_cidrs: Vec<String>,
        #[serde(rename = "providerID")]
        provider_id: String,
        unschedulable: bool,
        taints: Vec<Taint>,
        /// Deprecated; the API server still accepts it.
        config_source: Value,
        #[serde(rename = "externalID")]
        external_id: String,
    }
}

kube_struct! {
    pub struct Taint {
        key: String,
        value: String,
        effect: String,
        time_added: Time,
    }
}

kube_struct! {
    pub struct NodeStatus {
        capacity: BTreeMap<String, Quantity>,
        allocatable: BTreeMap<String, Quantity>,
        phase: String,
        conditions: Vec<NodeCondition>,
        addresses: Vec<NodeAddress>,
        /// `{kubeletEndpoint: {Port: 10250}}` (upstream's field really is `Port`).
        daemon_endpoints: Value,
        node_info: NodeSystemInfo,
        images: Vec<ContainerImage>,
        volumes_in_use: Vec<String>,
        volumes_attached: Vec<Value>,
        config: Value,
        runtime_handlers: Vec<Value>,
        features: Value,
        /// Feature-gated (`NodeDeclaredFeatures`).
        declared_features: Vec<String>,
    }
}

kube_struct! {
    pub struct NodeCondition {
        #[serde(rename = "type")]
        type_: String,
        status: String,
        last_heartbeat_time: Time,
        last_transition_time: Time,
        reason: String,
        message: String,
    }
}

kube_struct! {
    pub struct NodeAddress {
        #[serde(rename = "type")]
        type_: String,
        address: String,
    }
}

kube_struct! {
    pub struct NodeSystemInfo {
        #[serde(rename = "machineID")]
        machine_id: String,
        #[serde(rename = "systemUUID")]
        system_uuid: String,
        #[serde(rename = "bootID")]
        boot_id: String,
        kernel_version: String,
        os_image: String,
        container_runtime_version: String,
        kubelet_version: String,
        kube_proxy_version: String,
        operating_system: String,
        architecture: String,
        swap: Value,
    }
}

kube_struct! {
    pub struct ContainerImage {
        names: Vec<String>,
        size_bytes: i64,
    }
}
