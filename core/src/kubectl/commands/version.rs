//! `kubectl version [--client] [-o json|yaml]`.
//!
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/version/version.go`. Since 1.28
//! the default output is three lines (`Client Version`, `Kustomize Version`,
//! `Server Version`); `--client` leaves out the server; `-o json` is
//! `json.MarshalIndent(..., "", "  ")` of `{clientVersion, kustomizeVersion,
//! serverVersion}` in struct field order, and `-o yaml` the same data with sorted
//! keys (sigs.k8s.io/yaml goes through a map). The build details are those of the
//! v1.28.0 release that kubesim simulates.

use serde_json::{Map, Value, json};

use crate::cluster::KUBERNETES_VERSION;
use crate::kubectl::{CommandOutput, Flags};
use crate::model::manifest::value_to_yaml;

/// kustomize as vendored by kubectl v1.28.0.
pub const KUSTOMIZE_VERSION: &str = "v5.0.4-0.20230601165947-6ce0bf390ce3";

/// `version.Info` of the simulated release, fields in Go's struct order.
fn version_info() -> Vec<(&'static str, String)> {
    let (major, minor) = KUBERNETES_VERSION
        .trim_start_matches('v')
        .split_once('.')
        .map(|(major, rest)| {
            (
                major.to_string(),
                rest.split('.').next().unwrap_or("").to_string(),
            )
        })
        .unwrap_or_default();
    vec![
        ("major", major),
        ("minor", minor),
        ("gitVersion", KUBERNETES_VERSION.to_string()),
        (
            "gitCommit",
            "855e7c48de7388eb330da0f8d9d2394ee818fb8d".to_string(),
        ),
        ("gitTreeState", "clean".to_string()),
        ("buildDate", "2023-08-15T10:20:15Z".to_string()),
        ("goVersion", "go1.20.7".to_string()),
        ("compiler", "gc".to_string()),
        ("platform", "linux/amd64".to_string()),
    ]
}

fn info_value(info: &[(&str, String)]) -> Value {
    let mut map = Map::new();
    for (key, value) in info {
        map.insert(key.to_string(), Value::String(value.clone()));
    }
    Value::Object(map)
}

/// Go's `json.MarshalIndent(v, "", "  ")` of the version document, in struct order.
fn indented_json(client_only: bool) -> String {
    let quote = |text: &str| serde_json::to_string(text).unwrap_or_default();
    let info = |out: &mut String| {
        let fields = version_info();
        out.push_str("{\n");
        for (index, (key, value)) in fields.iter().enumerate() {
            out.push_str(&format!("    {}: {}", quote(key), quote(value)));
            out.push_str(if index + 1 < fields.len() {
                ",\n"
            } else {
                "\n"
            });
        }
        out.push_str("  }");
    };
    let mut out = String::from("{\n  \"clientVersion\": ");
    info(&mut out);
    out.push_str(&format!(
        ",\n  \"kustomizeVersion\": {}",
        quote(KUSTOMIZE_VERSION)
    ));
    if !client_only {
        out.push_str(",\n  \"serverVersion\": ");
        info(&mut out);
    }
    out.push_str("\n}\n");
    out
}

/// The flags upstream's command defines (kubectl's global flags are always accepted).
const FLAGS: &[&str] = &["client", "o", "output"];

pub fn run(flags: &Flags) -> CommandOutput {
    if let Err(output) = crate::kubectl::outcome::check_flags(flags, "version", FLAGS) {
        return output;
    }
    let client_only = flags.has("client");
    let output = flags
        .value("output")
        .or_else(|| flags.value("o"))
        .unwrap_or("");
    let mut document = Map::new();
    document.insert("clientVersion".to_string(), info_value(&version_info()));
    document.insert(
        "kustomizeVersion".to_string(),
        Value::String(KUSTOMIZE_VERSION.to_string()),
    );
    if !client_only {
        document.insert("serverVersion".to_string(), info_value(&version_info()));
    }
    match output {
        "" => {
            let mut stdout = format!(
                "Client Version: {KUBERNETES_VERSION}\nKustomize Version: {KUSTOMIZE_VERSION}\n"
            );
            if !client_only {
                stdout.push_str(&format!("Server Version: {KUBERNETES_VERSION}\n"));
            }
            CommandOutput::ok(stdout)
        }
        "json" => CommandOutput::ok(indented_json(client_only)),
        "yaml" => CommandOutput::ok(value_to_yaml(&json!(document))),
        _ => CommandOutput::error("error: --output must be 'yaml' or 'json'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::shell_words;

    fn version(line: &str) -> CommandOutput {
        run(&Flags::parse(&shell_words::split(line).unwrap()))
    }

    #[test]
    fn prints_as_kubectl_1_28() {
        assert_eq!(
            version("").stdout,
            "Client Version: v1.28.0\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\nServer Version: v1.28.0\n"
        );
        assert_eq!(
            version("--client").stdout,
            "Client Version: v1.28.0\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\n"
        );
        let json = version("--client -o json").stdout;
        assert!(json.starts_with("{\n  \"clientVersion\": {\n    \"major\": \"1\",\n    \"minor\": \"28\",\n    \"gitVersion\": \"v1.28.0\",\n"), "{json}");
        assert!(
            json.ends_with(
                "  },\n  \"kustomizeVersion\": \"v5.0.4-0.20230601165947-6ce0bf390ce3\"\n}\n"
            ),
            "{json}"
        );
        let yaml = version("-o yaml").stdout;
        assert!(
            yaml.starts_with(
                "clientVersion:\n  buildDate: \"2023-08-15T10:20:15Z\"\n  compiler: gc\n"
            ),
            "{yaml}"
        );
        assert!(yaml.contains("\nserverVersion:\n"));
        assert_eq!(
            version("-o wide").stderr,
            "error: --output must be 'yaml' or 'json'\n"
        );
    }
}
