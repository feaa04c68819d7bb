//! Cluster DNS as CoreDNS answers it for pods with `dnsPolicy: ClusterFirst`.
//!
//! A pod's resolv.conf searches `<ns>.svc.cluster.local svc.cluster.local
//! cluster.local`, so `web`, `web.ns`, `web.ns.svc` and `web.ns.svc.cluster.local`
//! all name Service `web` in `ns`. Pod records are `a-b-c-d.<ns>.pod.cluster.local`.
//! Upstream: the Kubernetes DNS specification (`dns/specification.md`).

use crate::api_server::ApiServer;
use crate::model::registry::lookup_kind_name;

/// The cluster domain (kubeadm's default).
pub const CLUSTER_DOMAIN: &str = "cluster.local";

/// What a name resolves to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A Service: (namespace, name).
    Service(String, String),
    /// An address (an IP literal or a pod record).
    Address(String),
}

/// True when `text` is a dotted IPv4 address.
pub fn is_ipv4(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
}

/// Resolves `host` as a pod in `namespace` would.
pub fn resolve(api: &ApiServer, host: &str, namespace: &str) -> Option<Resolved> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if is_ipv4(&host) {
        return Some(Resolved::Address(host));
    }
    let service_type = lookup_kind_name("Service").expect("Service is served");
    let service_exists = |ns: &str, name: &str| api.get_ref(service_type, ns, name).is_some();
    let labels: Vec<&str> = host.split('.').collect();
    let suffix = format!("svc.{CLUSTER_DOMAIN}");
    // Fully qualified first, then the search path.
    let candidates: Vec<(String, String)> = match labels.as_slice() {
        [name] => vec![(namespace.to_string(), name.to_string())],
        [name, ns] => vec![(ns.to_string(), name.to_string())],
        [name, ns, "svc"] => vec![(ns.to_string(), name.to_string())],
        [name, ns, rest @ ..] if rest.join(".") == suffix => {
            vec![(ns.to_string(), name.to_string())]
        }
        [ip, ns, "pod", rest @ ..] if rest.join(".") == CLUSTER_DOMAIN || rest.is_empty() => {
            let address = ip.replace('-', ".");
            let _ = ns;
            return is_ipv4(&address).then_some(Resolved::Address(address));
        }
        _ => Vec::new(),
    };
    candidates
        .into_iter()
        .find(|(ns, name)| service_exists(ns, name))
        .map(|(ns, name)| Resolved::Service(ns, name))
}
