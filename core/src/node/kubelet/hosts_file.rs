//! The files the kubelet writes for a pod and mounts into each of its containers:
//! the managed `/etc/hosts`, and `/etc/resolv.conf` for `dnsPolicy: ClusterFirst`.
//!
//! Upstream: `pkg/kubelet/kubelet_pods.go` (`managedHostsFileContent`,
//! `hostsEntriesFromHostAliases`) and `pkg/kubelet/network/dns/dns.go`
//! (`GetPodDNS`: the search path `<ns>.svc.<domain> svc.<domain> <domain>`,
//! `options ndots:5`).

use serde_json::Value;

use crate::model::pod::Pod;
use crate::node::behaviour::CLUSTER_DNS_IP;
use crate::node::dns::CLUSTER_DOMAIN;

/// The pod's `/etc/hosts`. For a pod `web` at 10.244.1.2 with a hostAlias
/// `127.0.0.1 foo.local` (fields separated by tabs):
/// ```text
/// # Kubernetes-managed hosts file.
/// 127.0.0.1 localhost
/// ...
/// 10.244.1.2 web
///
/// # Entries added by HostAliases.
/// 127.0.0.1 foo.local
/// ```
pub fn hosts_file(pod: &Pod, pod_ip: &str) -> String {
    let spec = pod.spec.as_ref();
    let hostname = spec
        .and_then(|s| s.hostname.as_deref())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| pod.metadata.name());
    let mut text = String::from(
        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n",
    );
    match spec
        .and_then(|s| s.subdomain.as_deref())
        .filter(|s| !s.is_empty())
    {
        Some(subdomain) => text.push_str(&format!(
            "{pod_ip}\t{hostname}.{subdomain}.{}.svc.{CLUSTER_DOMAIN}\t{hostname}\n",
            pod.metadata.namespace()
        )),
        None => text.push_str(&format!("{pod_ip}\t{hostname}\n")),
    }
    let aliases = spec
        .and_then(|s| s.host_aliases.as_deref())
        .unwrap_or_default();
    if !aliases.is_empty() {
        text.push_str("\n# Entries added by HostAliases.\n");
        for alias in aliases {
            let ip = alias.get("ip").and_then(Value::as_str).unwrap_or("");
            let names: Vec<&str> = alias
                .get("hostnames")
                .and_then(Value::as_array)
                .map(|names| names.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            text.push_str(&format!("{ip}\t{}\n", names.join("\t")));
        }
    }
    text
}

/// The pod's `/etc/resolv.conf` under `dnsPolicy: ClusterFirst`.
pub fn resolv_conf(namespace: &str) -> String {
    format!(
        "search {namespace}.svc.{CLUSTER_DOMAIN} svc.{CLUSTER_DOMAIN} {CLUSTER_DOMAIN}\nnameserver {CLUSTER_DNS_IP}\noptions ndots:5\n"
    )
}
