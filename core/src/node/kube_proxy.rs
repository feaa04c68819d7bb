//! kube-proxy in iptables mode: where a packet to a Service goes.
//!
//! Upstream: `pkg/proxy/iptables/proxier.go`, `pkg/proxy/topology.go`.
//! - ClusterIP:port and NodeIP:nodePort route to the Service's endpoints.
//! - Endpoints used: the ready ones; if none is ready, those serving and
//!   terminating (`CategorizeEndpoints`). None at all: REJECT (connection refused).
//! - Choice: for n endpoints, rule i (0-based) matches with probability 1/(n−i),
//!   the last rule always, so each gets 1/n. Example, n = 3: 0.3333333333, then
//!   0.5000000000, then the rest. The draw uses the simulation's seeded RNG.
//! - `sessionAffinity: ClientIP`: a client sticks to its endpoint for
//!   `timeoutSeconds` (10800 by default) after its last packet (`-m recent`).
//!
//! Endpoints come from EndpointSlices (label `kubernetes.io/service-name`) when
//! the endpoint-slice controller has written any for the Service; until then they
//! are computed from the selector and the pods, as that controller would
//! ([`endpoints_for`], the one place to change).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::api_server::ApiServer;
use crate::model::Object;
use crate::model::endpoint_slice::EndpointSlice;
use crate::model::intstr::IntOrString;
use crate::model::pod::Pod;
use crate::model::registry::lookup_kind_name;
use crate::model::service::{Service, ServicePort};
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};

/// `sessionAffinityConfig.clientIP.timeoutSeconds` when unset.
pub const DEFAULT_AFFINITY_TIMEOUT_SECONDS: i64 = 10_800;

/// One endpoint of a Service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceEndpoint {
    pub ip: String,
    pub port: i32,
    pub pod: Option<(String, String)>,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
}

/// Session affinity state: (service namespace, name, client IP) → (endpoint IP, last use).
pub type AffinityTable = BTreeMap<(String, String, String), (String, SimTime)>;

/// A packet's destination after kube-proxy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// DNAT to an endpoint.
    Endpoint(ServiceEndpoint),
    /// The Service exists but has no usable endpoint: REJECT.
    NoEndpoints,
    /// Not a Service address: the packet goes where it is addressed.
    NotAService,
}

/// The port of `pod` that `target` (a number or a container port's name) names.
fn resolve_target_port(pod: &Pod, target: &IntOrString) -> Option<i32> {
    match target {
        IntOrString::Int(port) => Some(*port),
        IntOrString::String(name) => pod
            .spec
            .as_ref()?
            .containers
            .iter()
            .flatten()
            .flat_map(|c| c.ports.iter().flatten())
            .find(|p| p.name.as_deref() == Some(name.as_str()))
            .and_then(|p| p.container_port),
    }
}

/// The Service's endpoints for `service_port`, from EndpointSlices if any exist,
/// else computed from the selector as the endpoint-slice controller would.
pub fn endpoints_for(
    api: &ApiServer,
    service: &Service,
    service_port: &ServicePort,
) -> Vec<ServiceEndpoint> {
    let namespace = service.metadata.namespace();
    let name = service.metadata.name();
    let slice_type = lookup_kind_name("EndpointSlice").expect("EndpointSlice is served");
    let slices: Vec<&EndpointSlice> = api
        .list(slice_type, Some(namespace))
        .filter_map(|object| object.as_::<EndpointSlice>())
        .filter(|slice| slice.metadata.label("kubernetes.io/service-name") == Some(name))
        .collect();
    if !slices.is_empty() {
        let mut endpoints = Vec::new();
        for slice in slices {
            let port = slice
                .ports
                .iter()
                .flatten()
                .find(|p| {
                    p.name.as_deref().unwrap_or("") == service_port.name.as_deref().unwrap_or("")
                })
                .and_then(|p| p.port);
            let Some(port) = port else { continue };
            for endpoint in slice.endpoints.iter().flatten() {
                let conditions = endpoint.conditions.clone().unwrap_or_default();
                let target = endpoint.target_ref.as_ref();
                for ip in endpoint.addresses.iter().flatten() {
                    endpoints.push(ServiceEndpoint {
                        ip: ip.clone(),
                        port,
                        pod: target.and_then(|t| {
                            Some((
                                t.namespace.clone().unwrap_or_else(|| namespace.to_string()),
                                t.name.clone()?,
                            ))
                        }),
                        ready: conditions.ready.unwrap_or(true),
                        serving: conditions
                            .serving
                            .unwrap_or(conditions.ready.unwrap_or(true)),
                        terminating: conditions.terminating.unwrap_or(false),
                    });
                }
            }
        }
        endpoints.sort_by(|a, b| a.ip.cmp(&b.ip));
        return endpoints;
    }
    let spec = service.spec.clone().unwrap_or_default();
    let Some(selector) = spec.selector.filter(|s| !s.is_empty()) else {
        return Vec::new();
    };
    let target = service_port
        .target_port
        .clone()
        .unwrap_or(IntOrString::Int(service_port.port.unwrap_or(0)));
    let publish_not_ready = spec.publish_not_ready_addresses == Some(true);
    let mut endpoints: Vec<ServiceEndpoint> = api
        .list(
            <Pod as crate::model::Resource>::resource_type(),
            Some(namespace),
        )
        .filter_map(|object| object.as_::<Pod>())
        .filter(|pod| {
            let labels = pod.metadata.labels_or_empty();
            selector.iter().all(|(k, v)| labels.get(k) == Some(v))
        })
        .filter(|pod| !matches!(pod.phase(), "Succeeded" | "Failed"))
        .filter_map(|pod| {
            let ip = pod
                .status
                .as_ref()?
                .pod_ip
                .clone()
                .filter(|ip| !ip.is_empty())?;
            let port = resolve_target_port(pod, &target)?;
            let serving = pod.is_ready();
            let terminating = pod.metadata.is_being_deleted();
            Some(ServiceEndpoint {
                ip,
                port,
                pod: Some((namespace.to_string(), pod.metadata.name().to_string())),
                ready: publish_not_ready || (serving && !terminating),
                serving,
                terminating,
            })
        })
        .collect();
    endpoints.sort_by(|a, b| a.ip.cmp(&b.ip));
    endpoints
}

/// Finds the Service and port a destination names: a ClusterIP and port, or a
/// node address and nodePort.
pub fn service_for<'a>(
    api: &'a ApiServer,
    destination_ip: &str,
    port: i32,
    node_ips: &[String],
) -> Option<(&'a Service, ServicePort)> {
    let service_type = lookup_kind_name("Service").expect("Service is served");
    let is_node = node_ips.iter().any(|ip| ip == destination_ip);
    api.list(service_type, None).find_map(|object| {
        let Object::Service(service) = object.as_ref() else {
            return None;
        };
        let spec = service.spec.as_ref()?;
        let ports = spec.ports.as_ref()?;
        let matched = if is_node {
            ports.iter().find(|p| p.node_port == Some(port))
        } else {
            let cluster_ip = spec.cluster_ip.as_deref().unwrap_or("");
            (cluster_ip == destination_ip && cluster_ip != "None")
                .then(|| ports.iter().find(|p| p.port == Some(port)))
                .flatten()
        };
        matched.map(|p| (&**service, p.clone()))
    })
}

/// The affinity timeout of a ClientIP Service.
fn affinity_timeout(service: &Service) -> Option<SimDuration> {
    let spec = service.spec.as_ref()?;
    if spec.session_affinity.as_deref() != Some("ClientIP") {
        return None;
    }
    let seconds = spec
        .session_affinity_config
        .as_ref()
        .and_then(|c| c.pointer("/clientIP/timeoutSeconds"))
        .and_then(Value::as_i64)
        .unwrap_or(DEFAULT_AFFINITY_TIMEOUT_SECONDS);
    Some(SimDuration::from_secs(seconds))
}

/// Routes a packet from `client_ip` to `destination_ip:port`.
pub fn route(
    api: &ApiServer,
    rng: &mut SimRng,
    affinity: &mut AffinityTable,
    client_ip: &str,
    destination_ip: &str,
    port: i32,
    node_ips: &[String],
    now: SimTime,
) -> Route {
    let Some((service, service_port)) = service_for(api, destination_ip, port, node_ips) else {
        return Route::NotAService;
    };
    let endpoints = endpoints_for(api, service, &service_port);
    let ready: Vec<&ServiceEndpoint> = endpoints.iter().filter(|e| e.ready).collect();
    let usable = if ready.is_empty() {
        endpoints
            .iter()
            .filter(|e| e.serving && e.terminating)
            .collect()
    } else {
        ready
    };
    if usable.is_empty() {
        return Route::NoEndpoints;
    }
    let affinity_key = (
        service.metadata.namespace().to_string(),
        service.metadata.name().to_string(),
        client_ip.to_string(),
    );
    let timeout = affinity_timeout(service);
    if let Some(timeout) = timeout
        && let Some((ip, last)) = affinity.get(&affinity_key)
        && now - *last <= timeout
        && let Some(endpoint) = usable.iter().find(|e| &e.ip == ip)
    {
        let endpoint = (*endpoint).clone();
        affinity.insert(affinity_key, (endpoint.ip.clone(), now));
        return Route::Endpoint(endpoint);
    }
    // The iptables chain: rule i matches with probability 1/(n−i).
    let count = usable.len() as u64;
    let mut chosen = usable[usable.len() - 1];
    for (index, endpoint) in usable.iter().enumerate().take(usable.len() - 1) {
        if rng.chance(1, count - index as u64) {
            chosen = endpoint;
            break;
        }
    }
    if timeout.is_some() {
        affinity.insert(affinity_key, (chosen.ip.clone(), now));
    }
    Route::Endpoint(chosen.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each rule's probability, formatted as proxier.go writes `--probability`.
    #[test]
    fn iptables_probabilities_give_each_endpoint_one_nth() {
        let n = 3u64;
        let rules: Vec<String> = (0..n - 1)
            .map(|i| format!("{:.10}", 1.0 / (n - i) as f64))
            .collect();
        assert_eq!(rules, vec!["0.3333333333", "0.5000000000"]);
        let mut rng = SimRng::new(7);
        let mut counts = [0u32; 3];
        for _ in 0..3000 {
            let mut chosen = 2;
            for i in 0..2u64 {
                if rng.chance(1, n - i) {
                    chosen = i as usize;
                    break;
                }
            }
            counts[chosen] += 1;
        }
        assert!(counts.iter().all(|c| (850..1150).contains(c)), "{counts:?}");
    }
}
