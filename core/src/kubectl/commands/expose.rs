//! `kubectl expose TYPE NAME --port=P [--target-port=T] [--type=T] [--name=N]
//! [--selector=S]`: a Service selecting the object's pods.
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/expose/expose.go` and
//! `polymorphichelpers/mapbasedselectorforobject.go`, `portsforobject.go`,
//! `protocolsforobject.go`. Without `--port` the ports are the containers'
//! (or the Service's); with several, they are named `port-1`, `port-2`, ...

use serde_json::{Map, Value, json};

use crate::kubectl::commands::create::submit_generated;
use crate::kubectl::files::FileSource;
use crate::kubectl::outcome::check_flags;
use crate::kubectl::targets::{Selection, select};
use crate::kubectl::{CommandOutput, Flags};
use crate::model::Object;
use crate::simulation::Simulation;

const FLAGS: &[&str] = &[
    "port",
    "target-port",
    "protocol",
    "type",
    "name",
    "selector",
    "labels",
    "l",
    "cluster-ip",
    "external-ip",
    "load-balancer-ip",
    "session-affinity",
    "f",
    "filename",
    "R",
    "recursive",
    "o",
    "output",
    "dry-run",
    "save-config",
    "override-type",
    "overrides",
    "field-manager",
];

fn usage(message: &str) -> CommandOutput {
    CommandOutput::error(format!(
        "error: {message}\nSee 'kubectl expose -h' for help and examples"
    ))
}

/// `MapBasedSelectorForObject`.
fn selector_for(object: &Object) -> Result<Map<String, Value>, String> {
    let value = object.to_value();
    let labels_at = |pointer: &str| value.pointer(pointer).and_then(Value::as_object).cloned();
    match object.kind() {
        "Pod" => labels_at("/metadata/labels")
            .filter(|labels| !labels.is_empty())
            .ok_or_else(|| "the pod has no labels and cannot be exposed".to_string()),
        "Service" => labels_at("/spec/selector")
            .filter(|selector| !selector.is_empty())
            .ok_or_else(|| "the service has no pod selector set".to_string()),
        "ReplicationController" => labels_at("/spec/selector")
            .ok_or_else(|| "the replication controller has no selector set".to_string()),
        "Deployment" | "ReplicaSet" => {
            if let Some(expressions) = value
                .pointer("/spec/selector/matchExpressions")
                .and_then(Value::as_array)
                .filter(|expressions| !expressions.is_empty())
            {
                return Err(format!(
                    "couldn't convert expressions - \"{}\", to map-based selector format",
                    serde_json::to_string(expressions).unwrap_or_default()
                ));
            }
            Ok(labels_at("/spec/selector/matchLabels").unwrap_or_default())
        }
        other => Err(format!("cannot extract pod selector from {other}")),
    }
}

/// `PortsForObject` with `ProtocolsForObject`: (port, protocol) pairs.
fn ports_for(object: &Object) -> Vec<(i64, String)> {
    let value = object.to_value();
    let containers = match object.kind() {
        "Pod" => value.pointer("/spec/containers"),
        "Deployment" | "ReplicaSet" | "ReplicationController" => {
            value.pointer("/spec/template/spec/containers")
        }
        "Service" => {
            return value
                .pointer("/spec/ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|port| {
                    Some((
                        port.get("port")?.as_i64()?,
                        port.get("protocol")
                            .and_then(Value::as_str)
                            .unwrap_or("TCP")
                            .to_string(),
                    ))
                })
                .collect();
        }
        _ => None,
    };
    containers
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|container| {
            container
                .get("ports")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|port| {
            Some((
                port.get("containerPort")?.as_i64()?,
                port.get("protocol")
                    .and_then(Value::as_str)
                    .unwrap_or("TCP")
                    .to_string(),
            ))
        })
        .collect()
}

pub fn run(
    simulation: &mut Simulation,
    flags: &Flags,
    stdin: &str,
    files: &dyn FileSource,
) -> CommandOutput {
    if let Err(output) = check_flags(flags, "expose", FLAGS) {
        return output;
    }
    let targets = match select(
        simulation.api(),
        flags,
        &flags.positional,
        stdin,
        files,
        Selection {
            command: "expose",
            names_required: true,
        },
    ) {
        Ok(targets) => targets,
        Err(output) => return output,
    };
    if let Some(error) = targets.errors.into_iter().next() {
        return crate::kubectl::outcome::finish(String::new(), String::new(), &[error]);
    }
    let Some(object) = targets.objects.into_iter().next() else {
        return CommandOutput::error("error: no objects passed to expose");
    };
    if !matches!(
        object.kind(),
        "Pod" | "Service" | "ReplicationController" | "Deployment" | "ReplicaSet"
    ) {
        return CommandOutput::error(format!("error: cannot expose a {}", object.kind()));
    }
    let selector = match flags.value("selector") {
        Some(text) => {
            let mut selector = Map::new();
            for pair in text.split(',').filter(|pair| !pair.is_empty()) {
                match pair.split_once('=') {
                    Some((key, value)) => {
                        selector.insert(key.to_string(), json!(value));
                    }
                    None => {
                        return CommandOutput::error(format!(
                            "error: unexpected selector {pair:?}: map-based selectors are key=value"
                        ));
                    }
                }
            }
            selector
        }
        None => match selector_for(&object) {
            Ok(selector) => selector,
            Err(message) => {
                return CommandOutput::error(format!(
                    "error: couldn't retrieve selectors via --selector flag or introspection: {message}"
                ));
            }
        },
    };
    let ports: Vec<(i64, String)> = match flags.value("port") {
        Some(text) => match text.parse::<i32>() {
            Ok(port) => vec![(
                i64::from(port),
                flags.value("protocol").unwrap_or("TCP").to_string(),
            )],
            Err(_) => {
                return CommandOutput::error(format!(
                    "error: invalid argument \"{text}\" for \"--port\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax"
                ));
            }
        },
        None => ports_for(&object),
    };
    if ports.is_empty() {
        return usage("couldn't find port via --port flag or introspection");
    }
    let target_port = flags
        .value("target-port")
        .map(|text| match text.parse::<i32>() {
            Ok(number) => json!(number),
            Err(_) => json!(text),
        });
    let many = ports.len() > 1;
    let service_ports: Vec<Value> = ports
        .iter()
        .enumerate()
        .map(|(index, (port, protocol))| {
            let mut entry = Map::new();
            if many {
                entry.insert("name".to_string(), json!(format!("port-{}", index + 1)));
            }
            entry.insert("port".to_string(), json!(port));
            entry.insert("protocol".to_string(), json!(protocol));
            entry.insert(
                "targetPort".to_string(),
                target_port.clone().unwrap_or_else(|| json!(port)),
            );
            Value::Object(entry)
        })
        .collect();
    let name = flags.value("name").unwrap_or(object.name()).to_string();
    let labels: Option<Value> = match flags.value("labels").or_else(|| flags.value("l")) {
        Some(text) => {
            let mut labels = Map::new();
            for pair in text.split(',').filter(|pair| !pair.is_empty()) {
                if let Some((key, value)) = pair.split_once('=') {
                    labels.insert(key.to_string(), json!(value));
                }
            }
            Some(Value::Object(labels))
        }
        None => object
            .metadata()
            .labels
            .as_ref()
            .filter(|labels| !labels.is_empty())
            .map(|labels| json!(labels)),
    };
    let mut metadata = Map::new();
    metadata.insert("creationTimestamp".to_string(), Value::Null);
    if let Some(labels) = labels {
        metadata.insert("labels".to_string(), labels);
    }
    metadata.insert("name".to_string(), json!(name));
    if object.resource_type().namespaced {
        metadata.insert("namespace".to_string(), json!(object.namespace()));
    }
    let mut spec = Map::new();
    spec.insert("ports".to_string(), Value::Array(service_ports));
    spec.insert("selector".to_string(), Value::Object(selector));
    if let Some(service_type) = flags.value("type") {
        spec.insert("type".to_string(), json!(service_type));
    }
    if let Some(cluster_ip) = flags.value("cluster-ip") {
        spec.insert("clusterIP".to_string(), json!(cluster_ip));
    }
    if let Some(affinity) = flags.value("session-affinity") {
        spec.insert("sessionAffinity".to_string(), json!(affinity));
    }
    if let Some(ips) = flags.value("external-ip") {
        spec.insert(
            "externalIPs".to_string(),
            json!(ips.split(',').collect::<Vec<_>>()),
        );
    }
    let value = json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata,
        "spec": spec,
        "status": {"loadBalancer": {}}
    });
    submit_generated(simulation, flags, value, "exposed")
}
