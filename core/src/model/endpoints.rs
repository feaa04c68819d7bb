//! `Endpoints` (core/v1). Upstream: `staging/src/k8s.io/api/core/v1/types.go`
//! (`Endpoints`, `EndpointSubset`, `EndpointAddress`, `EndpointPort`).

use serde::{Deserialize, Serialize};

use super::event::ObjectReference;
use super::meta::ObjectMeta;

/// Endpoints has no spec or status: `subsets` sits at the top level.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Endpoints {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subsets: Option<Vec<EndpointSubset>>,
}

impl super::object::SpecStatus for Endpoints {
    fn same_spec(&self, other: &Self) -> bool {
        self.subsets == other.subsets
    }
    /// No status subresource.
    fn status_from(&mut self, _other: &Self) {}
}

kube_struct! {
    pub struct EndpointSubset {
        addresses: Vec<EndpointAddress>,
        not_ready_addresses: Vec<EndpointAddress>,
        ports: Vec<EndpointPort>,
    }
}

kube_struct! {
    pub struct EndpointAddress {
        ip: String,
        hostname: String,
        node_name: String,
        target_ref: ObjectReference,
    }
}

kube_struct! {
    pub struct EndpointPort {
        name: String,
        port: i32,
        protocol: String,
        app_protocol: String,
    }
}
