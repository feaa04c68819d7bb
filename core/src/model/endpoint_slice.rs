//! `EndpointSlice` (discovery.k8s.io/v1). Upstream:
//! `staging/src/k8s.io/api/discovery/v1/types.go`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::event::ObjectReference;
use super::meta::ObjectMeta;

/// EndpointSlice has no spec or status; its fields sit at the top level.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndpointSlice {
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// `IPv4`, `IPv6` or `FQDN`. Required upstream; validation reports it missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Vec<Endpoint>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<Vec<EndpointSlicePort>>,
}

impl super::object::SpecStatus for EndpointSlice {
    fn same_spec(&self, other: &Self) -> bool {
        (&self.address_type, &self.endpoints, &self.ports)
            == (&other.address_type, &other.endpoints, &other.ports)
    }
    /// No status subresource.
    fn status_from(&mut self, _other: &Self) {}
}

kube_struct! {
    pub struct Endpoint {
        addresses: Vec<String>,
        conditions: EndpointConditions,
        hostname: String,
        target_ref: ObjectReference,
        deprecated_topology: std::collections::BTreeMap<String, String>,
        node_name: String,
        zone: String,
        hints: Value,
    }
}

kube_struct! {
    pub struct EndpointConditions {
        ready: bool,
        serving: bool,
        terminating: bool,
    }
}

kube_struct! {
    pub struct EndpointSlicePort {
        name: String,
        protocol: String,
        port: i32,
        app_protocol: String,
    }
}
