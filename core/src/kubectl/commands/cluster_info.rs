//! `kubectl cluster-info`.
//!
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/clusterinfo/clusterinfo.go`. The
//! control plane line, then one line per kube-system Service labelled
//! `kubernetes.io/cluster-service=true` (named by its `kubernetes.io/name`
//! label), each reached through the API server's service proxy
//! (`.../services/kube-dns:dns/proxy`), then the `cluster-info dump` hint. Names
//! are green and links yellow: go-colortext writes `ESC[0;32m`, `ESC[0;33m` and
//! `ESC[0m` whether or not stdout is a terminal.

use crate::kubectl::{CommandOutput, Flags};
use crate::model::registry::lookup_kind_name;
use crate::simulation::Simulation;

/// Where kubesim's API server says it listens (kind's and kubeadm's default).
pub const SERVER: &str = "https://127.0.0.1:6443";

const GREEN: &str = "\x1b[0;32m";
const YELLOW: &str = "\x1b[0;33m";
const RESET: &str = "\x1b[0m";

fn service_line(name: &str, link: &str) -> String {
    format!("{GREEN}{name}{RESET} is running at {YELLOW}{link}{RESET}\n")
}

/// The flags upstream's command defines (kubectl's global flags are always accepted).
const FLAGS: &[&str] = &[];

pub fn run(simulation: &Simulation, flags: &Flags) -> CommandOutput {
    if let Err(output) = crate::kubectl::outcome::check_flags(flags, "cluster-info", FLAGS) {
        return output;
    }
    if flags.positional.first().map(String::as_str) == Some("dump") {
        return CommandOutput::error(
            "error: kubesim does not support \"kubectl cluster-info dump\" yet",
        );
    }
    let mut stdout = service_line("Kubernetes control plane", SERVER);
    if let Some(services) = lookup_kind_name("Service") {
        for service in simulation.api().list(services, Some("kube-system")) {
            let meta = service.metadata();
            if meta.label("kubernetes.io/cluster-service") != Some("true") {
                continue;
            }
            let value = service.to_value();
            let ingress = value.pointer("/status/loadBalancer/ingress/0").cloned();
            let link = match ingress {
                Some(ingress) => {
                    let ip = ingress
                        .get("ip")
                        .and_then(|ip| ip.as_str())
                        .filter(|ip| !ip.is_empty())
                        .or_else(|| ingress.get("hostname").and_then(|h| h.as_str()))
                        .unwrap_or("");
                    value
                        .pointer("/spec/ports")
                        .and_then(|ports| ports.as_array())
                        .into_iter()
                        .flatten()
                        .map(|port| {
                            format!(
                                "http://{ip}:{} ",
                                port.get("port").and_then(|p| p.as_i64()).unwrap_or(0)
                            )
                        })
                        .collect::<String>()
                }
                None => {
                    let mut name = meta.name().to_string();
                    if let Some(port) = value.pointer("/spec/ports/0") {
                        let port_name = port.get("name").and_then(|n| n.as_str()).unwrap_or("");
                        let number = port.get("port").and_then(|p| p.as_i64()).unwrap_or(0);
                        let scheme = if port_name == "https" || number == 443 {
                            "https"
                        } else {
                            ""
                        };
                        // utilnet.JoinSchemeNamePort: [scheme:]name[:port].
                        name = match (scheme, port_name) {
                            ("", "") => name,
                            ("", port_name) => format!("{name}:{port_name}"),
                            (scheme, port_name) => format!("{scheme}:{name}:{port_name}"),
                        };
                    }
                    format!("{SERVER}/api/v1/namespaces/kube-system/services/{name}/proxy")
                }
            };
            let shown = meta.label("kubernetes.io/name").unwrap_or(meta.name());
            stdout.push_str(&service_line(shown, &link));
        }
    }
    stdout.push_str(
        "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n",
    );
    CommandOutput::ok(stdout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SimulationConfig;
    use crate::model::manifest::decode_object;

    #[test]
    fn lists_the_control_plane_and_cluster_services() {
        let mut simulation = Simulation::new(SimulationConfig::default());
        let dns = decode_object(
            serde_json::json!({"apiVersion": "v1", "kind": "Service",
                "metadata": {"name": "kube-dns", "namespace": "kube-system",
                    "labels": {"kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"}},
                "spec": {"selector": {"k8s-app": "kube-dns"}, "ports": [{"name": "dns", "port": 53, "protocol": "UDP"}]}}),
            "test",
        )
        .unwrap();
        // The default cluster may already run CoreDNS; this test needs it either way.
        let _ = simulation.api_mut().create(dns);
        let output = run(&simulation, &Flags::default());
        assert_eq!(
            output.stdout,
            "\x1b[0;32mKubernetes control plane\x1b[0m is running at \x1b[0;33mhttps://127.0.0.1:6443\x1b[0m\n\
             \x1b[0;32mCoreDNS\x1b[0m is running at \x1b[0;33mhttps://127.0.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\x1b[0m\n\
             \nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
        );
    }
}
