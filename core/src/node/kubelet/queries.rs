//! What a container's network tools see of the live cluster when they run:
//! `nslookup NAME` asks cluster DNS ([`crate::node::dns`]); `wget`, `curl` and
//! `nc -z` connect through kube-proxy to a ready endpoint of the Service, or to a
//! ready pod's address.
//!
//! The pod worker calls this when a program reaches a query at the time it runs
//! (see [`crate::node::behaviour::Query`]); nothing here draws from the RNG, so a
//! check leaves the cluster's random sequence untouched.

use crate::api_server::ApiServer;
use crate::model::pod::Pod;
use crate::model::service::Service;
use crate::model::{Object, Resource};
use crate::node::behaviour::{Answer, Query};
use crate::node::dns::{self, Resolved};
use crate::node::kube_proxy;

/// The cluster's answer to `query` asked from a pod in `namespace`.
pub fn answer(api: &ApiServer, namespace: &str, query: &Query) -> Answer {
    match query {
        Query::Lookup { name } => match dns::resolve(api, name, namespace) {
            None => Answer::Unresolved,
            Some(Resolved::Address(ip)) => Answer::Resolved(ip),
            Some(Resolved::Service(namespace, name)) => {
                Answer::Resolved(service_address(api, &namespace, &name))
            }
        },
        Query::Connect { host, port } => match dns::resolve(api, host, namespace) {
            None => Answer::Unresolved,
            Some(Resolved::Address(ip)) => {
                if ready_pod_at(api, &ip) {
                    Answer::Resolved(ip)
                } else {
                    Answer::Refused(ip)
                }
            }
            Some(Resolved::Service(namespace, name)) => {
                let address = service_address(api, &namespace, &name);
                if service_serves(api, &namespace, &name, *port) {
                    Answer::Resolved(address)
                } else {
                    Answer::Refused(address)
                }
            }
        },
    }
}

fn service<'a>(api: &'a ApiServer, namespace: &str, name: &str) -> Option<&'a Service> {
    api.get_ref(Service::resource_type(), namespace, name)
        .and_then(|object| object.as_::<Service>())
}

/// The ClusterIP a Service name resolves to (a headless Service: its first ready
/// endpoint, as CoreDNS answers with the endpoints' A records).
fn service_address(api: &ApiServer, namespace: &str, name: &str) -> String {
    let Some(service) = service(api, namespace, name) else {
        return String::new();
    };
    let spec = service.spec.clone().unwrap_or_default();
    match spec.cluster_ip.as_deref() {
        Some(ip) if ip != "None" && !ip.is_empty() => ip.to_string(),
        _ => spec
            .ports
            .iter()
            .flatten()
            .flat_map(|port| kube_proxy::endpoints_for(api, service, port))
            .find(|endpoint| endpoint.ready)
            .map(|endpoint| endpoint.ip)
            .unwrap_or_default(),
    }
}

/// True when the Service has a ready endpoint behind `port` (for a headless
/// Service, behind any of its ports).
fn service_serves(api: &ApiServer, namespace: &str, name: &str, port: i32) -> bool {
    let Some(service) = service(api, namespace, name) else {
        return false;
    };
    let spec = service.spec.clone().unwrap_or_default();
    let headless = spec.cluster_ip.as_deref() == Some("None");
    spec.ports
        .iter()
        .flatten()
        .filter(|service_port| headless || service_port.port == Some(port))
        .any(|service_port| {
            kube_proxy::endpoints_for(api, service, service_port)
                .iter()
                .any(|endpoint| endpoint.ready)
        })
}

/// True when a ready pod has address `ip`. A scan of the pods, done only when a
/// container's connection check runs.
fn ready_pod_at(api: &ApiServer, ip: &str) -> bool {
    api.list(Pod::resource_type(), None).any(|object| {
        let Object::Pod(pod) = object.as_ref() else {
            return false;
        };
        pod.is_ready() && pod.status.as_ref().and_then(|s| s.pod_ip.as_deref()) == Some(ip)
    })
}
