//! The container's environment, as the kubelet computes it
//! (`pkg/kubelet/kubelet_pods.go` makeEnvironmentVariables), and the `$(VAR)`
//! references in `command`, `args` and `env` values
//! (`third_party/forked/golang/expansion/expand.go`).
//!
//! Modelled: `env[].value` with references to earlier variables, `valueFrom.fieldRef`
//! (metadata.name, metadata.namespace, metadata.uid, spec.nodeName,
//! spec.serviceAccountName, status.podIP, status.hostIP), and the service links of
//! the `default/kubernetes` Service (10.96.0.1:443), which every pod gets. Not
//! modelled: `envFrom`, ConfigMap and Secret references (left out), the service
//! links of other Services.

use serde_json::Value;

use crate::model::pod::{Container, Pod};

/// The `default/kubernetes` Service's address, as `Simulation` bootstraps it.
const KUBERNETES_SERVICE_HOST: &str = "10.96.0.1";

/// The container's variables in order: its `env`, then the service links.
pub fn container_environment(pod: &Pod, container: &Container) -> Vec<(String, String)> {
    let service_links = kubernetes_service_links();
    let mut environment: Vec<(String, String)> = Vec::new();
    for variable in container.env.as_deref().unwrap_or(&[]) {
        let Some(name) = variable.get("name").and_then(Value::as_str) else {
            continue;
        };
        let value = if let Some(value) = variable.get("value").and_then(Value::as_str) {
            // Upstream expands against the variables defined so far and the services.
            let defined: Vec<(String, String)> = environment
                .iter()
                .chain(service_links.iter())
                .cloned()
                .collect();
            expand(value, &defined)
        } else if let Some(path) = variable
            .pointer("/valueFrom/fieldRef/fieldPath")
            .and_then(Value::as_str)
        {
            match field_value(pod, path) {
                Some(value) => value,
                None => continue,
            }
        } else if variable.get("valueFrom").is_some() {
            continue;
        } else {
            String::new()
        };
        match environment
            .iter_mut()
            .find(|(existing, _)| existing == name)
        {
            Some(existing) => existing.1 = value,
            None => environment.push((name.to_string(), value)),
        }
    }
    for (name, value) in service_links {
        if !environment.iter().any(|(existing, _)| *existing == name) {
            environment.push((name, value));
        }
    }
    environment
}

/// `command` or `args` with their `$(VAR)` references expanded.
pub fn expand_all(words: &[String], environment: &[(String, String)]) -> Vec<String> {
    words.iter().map(|word| expand(word, environment)).collect()
}

/// Expands `$(VAR)` to VAR's value; `$$` is a literal `$`; a reference to an
/// undefined variable, or an unclosed one, stays as written. Upstream's
/// TestMapReference: `$(VAR_A)` with VAR_A=A → `A`, `$$(VAR_A)` → `$(VAR_A)`,
/// `$(UNKNOWN)` → `$(UNKNOWN)`.
pub fn expand(input: &str, environment: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut rest = input;
    while let Some(index) = rest.find('$') {
        out.push_str(&rest[..index]);
        let after = &rest[index + 1..];
        if let Some(after_dollar) = after.strip_prefix('$') {
            out.push('$');
            rest = after_dollar;
        } else if let Some(inner) = after.strip_prefix('(')
            && let Some(end) = inner.find(')')
        {
            let name = &inner[..end];
            match environment.iter().find(|(existing, _)| existing == name) {
                Some((_, value)) => out.push_str(value),
                None => {
                    out.push_str("$(");
                    out.push_str(name);
                    out.push(')');
                }
            }
            rest = &inner[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The downward API's field values the model knows.
fn field_value(pod: &Pod, path: &str) -> Option<String> {
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    match path {
        "metadata.name" => Some(pod.metadata.name().to_string()),
        "metadata.namespace" => Some(pod.metadata.namespace.clone().unwrap_or_default()),
        "metadata.uid" => pod.metadata.uid.clone(),
        "spec.nodeName" => spec.and_then(|s| s.node_name.clone()),
        "spec.serviceAccountName" => spec.and_then(|s| s.service_account_name.clone()),
        "status.podIP" => status.and_then(|s| s.pod_ip.clone()),
        "status.hostIP" => status.and_then(|s| s.host_ip.clone()),
        _ => None,
    }
}

/// `envvars.FromServices` for the `kubernetes` Service (port 443, named https).
fn kubernetes_service_links() -> Vec<(String, String)> {
    let host = KUBERNETES_SERVICE_HOST;
    [
        ("KUBERNETES_SERVICE_HOST", host.to_string()),
        ("KUBERNETES_SERVICE_PORT", "443".to_string()),
        ("KUBERNETES_SERVICE_PORT_HTTPS", "443".to_string()),
        ("KUBERNETES_PORT", format!("tcp://{host}:443")),
        ("KUBERNETES_PORT_443_TCP", format!("tcp://{host}:443")),
        ("KUBERNETES_PORT_443_TCP_PROTO", "tcp".to_string()),
        ("KUBERNETES_PORT_443_TCP_PORT", "443".to_string()),
        ("KUBERNETES_PORT_443_TCP_ADDR", host.to_string()),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_string(), value))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn environment(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn references_expand_as_upstreams_expansion_tests() {
        // third_party/forked/golang/expansion/expand_test.go TestMapReference (subset).
        let env = environment(&[("VAR_A", "A"), ("VAR_B", "B"), ("VAR_EMPTY", "")]);
        let cases = [
            ("$(VAR_A)", "A"),
            ("___$(VAR_B)___", "___B___"),
            ("$(VAR_A)-$(VAR_B)", "A-B"),
            ("$$(VAR_A)", "$(VAR_A)"),
            ("$(VAR_EMPTY)", ""),
            ("$(UNKNOWN)", "$(UNKNOWN)"),
            ("$(VAR_A", "$(VAR_A"),
            ("$VAR_A", "$VAR_A"),
            ("$$", "$"),
        ];
        for (input, expected) in cases {
            assert_eq!(expand(input, &env), expected, "{input}");
        }
    }

    #[test]
    fn env_values_see_earlier_variables_and_the_downward_api() {
        let pod: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "envar-demo", "namespace": "default"},
            "spec": {"nodeName": "worker-1", "containers": [{
                "name": "c", "image": "busybox",
                "env": [
                    {"name": "GREETING", "value": "Warm greetings to"},
                    {"name": "HONORIFIC", "value": "The Most Honorable"},
                    {"name": "MESSAGE", "value": "$(GREETING) $(HONORIFIC)"},
                    {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
                    {"name": "SECRET", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}
                ]}]}
        }))
        .unwrap();
        let container = &pod.spec.as_ref().unwrap().containers.as_ref().unwrap()[0];
        let env = container_environment(&pod, container);
        let value = |name: &str| env.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        assert_eq!(
            value("MESSAGE"),
            Some("Warm greetings to The Most Honorable")
        );
        assert_eq!(value("NODE"), Some("worker-1"));
        assert_eq!(value("SECRET"), None);
        assert_eq!(value("KUBERNETES_SERVICE_HOST"), Some("10.96.0.1"));
    }
}
