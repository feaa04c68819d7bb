//! `Service` (core/v1). Upstream: `staging/src/k8s.io/api/core/v1/types.go`
//! (`Service`, `ServiceSpec`, `ServicePort`, `ServiceStatus`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::intstr::IntOrString;
use super::meta::ObjectMeta;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Service {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<ServiceSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ServiceStatus>,
}

spec_status!(Service);

impl Service {
    pub fn spec(&self) -> ServiceSpec {
        self.spec.clone().unwrap_or_default()
    }
    /// `spec.type`, defaulting to `ClusterIP` as the API server does.
    pub fn type_(&self) -> &str {
        self.spec
            .as_ref()
            .and_then(|s| s.type_.as_deref())
            .unwrap_or("ClusterIP")
    }
}

kube_struct! {
    pub struct ServiceSpec {
        ports: Vec<ServicePort>,
        selector: BTreeMap<String, String>,
        #[serde(rename = "clusterIP")]
        cluster_ip: String,
        #[serde(rename = "clusterIPs")]
        cluster_ips: Vec<String>,
        /// `ClusterIP`, `NodePort`, `LoadBalancer` or `ExternalName`.
        #[serde(rename = "type")]
        type_: String,
        #[serde(rename = "externalIPs")]
        external_ips: Vec<String>,
        session_affinity: String,
        #[serde(rename = "loadBalancerIP")]
        load_balancer_ip: String,
        load_balancer_source_ranges: Vec<String>,
        external_name: String,
        external_traffic_policy: String,
        health_check_node_port: i32,
        publish_not_ready_addresses: bool,
        session_affinity_config: Value,
        ip_families: Vec<String>,
        ip_family_policy: String,
        allocate_load_balancer_node_ports: bool,
        load_balancer_class: String,
        internal_traffic_policy: String,
        traffic_distribution: String,
    }
}

kube_struct! {
    pub struct ServicePort {
        name: String,
        protocol: String,
        app_protocol: String,
        port: i32,
        target_port: IntOrString,
        node_port: i32,
    }
}

kube_struct! {
    pub struct ServiceStatus {
        load_balancer: LoadBalancerStatus,
        conditions: Vec<Value>,
    }
}

kube_struct! {
    pub struct LoadBalancerStatus {
        ingress: Vec<LoadBalancerIngress>,
    }
}

kube_struct! {
    pub struct LoadBalancerIngress {
        ip: String,
        hostname: String,
        ip_mode: String,
        ports: Vec<Value>,
    }
}
