//! `kubectl create -f FILE` and the generators `create deployment|job|namespace|
//! service clusterip|nodeport|configmap|secret generic`.
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/create/*.go`.
//!
//! Generators build the object as kubectl's typed Go structs serialize it, so
//! `--dry-run=client -o yaml` prints what kubectl prints (`creationTimestamp:
//! null`, `resources: {}`, `status: {}`).

use serde_json::{Map, Value, json};

use crate::kubectl::apply::last_applied::with_last_applied;
use crate::kubectl::apply::{Loaded, decode_for_server, load, settle_namespace};
use crate::kubectl::commands::apply::{check_output, filenames, print_objects};
use crate::kubectl::files::{FileNode, FileSource, read_sources};
use crate::kubectl::outcome::{
    DryRun, KubectlError, check_flags, finish, namespace_flag, operation_line, output_format,
};
use crate::kubectl::{CommandOutput, Flags};
use crate::model::Object;
use crate::model::manifest::value_to_yaml;
use crate::simulation::Simulation;

const FILE_FLAGS: &[&str] = &[
    "f",
    "filename",
    "R",
    "recursive",
    "o",
    "output",
    "dry-run",
    "save-config",
    "validate",
    "edit",
    "raw",
    "selector",
    "l",
    "windows-line-endings",
    "field-manager",
];

/// The words after `--`, if any (kubectl's `ArgsLenAtDash`).
pub fn after_dash(flags: &Flags) -> (Vec<String>, Vec<String>) {
    match flags.positional.iter().position(|word| word == "--") {
        Some(index) => (
            flags.positional[..index].to_vec(),
            flags.positional[index + 1..].to_vec(),
        ),
        None => (flags.positional.clone(), Vec::new()),
    }
}

fn usage(message: &str, command: &str) -> CommandOutput {
    CommandOutput::error(format!(
        "error: {message}\nSee 'kubectl {command} -h' for help and examples"
    ))
}

/// JSON printed as kubectl's JSON printer does (4-space indent).
pub fn pretty_json(value: &Value) -> String {
    let mut buffer = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut buffer, formatter);
    if serde::Serialize::serialize(value, &mut serializer).is_err() {
        return String::new();
    }
    let mut text = String::from_utf8(buffer).unwrap_or_default();
    text.push('\n');
    text
}

/// Creates (or, for a dry run, only prints) an object a generator built.
/// `operation` is what the name printer says (`created`, `exposed`).
pub fn submit_generated(
    simulation: &mut Simulation,
    flags: &Flags,
    mut value: Value,
    operation: &str,
) -> CommandOutput {
    let dry_run = match DryRun::from_flags(flags) {
        Ok(dry_run) => dry_run,
        Err(output) => return output,
    };
    let output = output_format(flags);
    if let Err(error) = check_output(output) {
        return error;
    }
    if let Some(namespace) = namespace_flag(flags).filter(|n| !n.is_empty())
        && let Some(metadata) = value.get_mut("metadata").and_then(Value::as_object_mut)
    {
        metadata.insert(
            "namespace".to_string(),
            Value::String(namespace.to_string()),
        );
    }
    if flags.has("save-config")
        && let Value::Object(map) = &value
    {
        value = Value::Object(with_last_applied(map));
    }
    let Value::Object(map) = value.clone() else {
        return CommandOutput::error("error: generated object is not a map");
    };
    let mut typed = match decode_for_server(map.clone(), "") {
        Ok(typed) => typed,
        Err(error) => return CommandOutput::error(KubectlError::api(error).to_list_message()),
    };
    // Without `-n` the request goes to the kubeconfig context's namespace, while
    // the printed object (client dry run) names none, as upstream's generators do.
    if typed.resource_type().namespaced && typed.metadata().namespace().is_empty() {
        let mut map = map;
        if let Some(Value::Object(metadata)) = map.get_mut("metadata") {
            metadata.insert(
                "namespace".to_string(),
                Value::String(flags.default_namespace().to_string()),
            );
        }
        typed = match decode_for_server(map, "") {
            Ok(typed) => typed,
            Err(error) => {
                return CommandOutput::error(KubectlError::api(error).to_list_message());
            }
        };
    }
    let resource_type = typed.resource_type();
    let name = typed.name().to_string();
    let stored: Object = match dry_run {
        DryRun::Client => {
            return match output {
                Some("yaml") => CommandOutput::ok(value_to_yaml(&value)),
                Some("json") => CommandOutput::ok(pretty_json(&value)),
                _ => CommandOutput::ok(operation_line(
                    resource_type,
                    &name,
                    operation,
                    dry_run,
                    output,
                )),
            };
        }
        DryRun::Server => {
            let mut scratch = simulation.api().clone();
            match scratch.create(typed) {
                Ok(created) => (*created).clone(),
                Err(error) => {
                    return finish(String::new(), String::new(), &[KubectlError::api(error)]);
                }
            }
        }
        DryRun::None => match simulation.api_mut().create(typed) {
            Ok(created) => (*created).clone(),
            Err(error) => return finish(String::new(), String::new(), &[KubectlError::api(error)]),
        },
    };
    match output {
        Some("yaml") | Some("json") => CommandOutput::ok(print_objects(&[stored], output)),
        _ => CommandOutput::ok(operation_line(
            resource_type,
            &name,
            operation,
            dry_run,
            output,
        )),
    }
}

pub fn run(
    simulation: &mut Simulation,
    flags: &Flags,
    stdin: &str,
    files: &dyn FileSource,
) -> CommandOutput {
    let (positional, command) = after_dash(flags);
    let Some(subcommand) = positional.first().cloned() else {
        if filenames(flags).is_empty() {
            return CommandOutput::error("error: must specify one of -f and -k");
        }
        return create_from_files(simulation, flags, stdin, files);
    };
    let mut sub_flags = flags.clone();
    sub_flags.positional = positional[1..].to_vec();
    match subcommand.as_str() {
        "deployment" | "deploy" => create_deployment(simulation, &sub_flags, command),
        "job" => create_job(simulation, &sub_flags, command),
        "namespace" | "ns" => create_namespace(simulation, &sub_flags),
        "service" | "svc" => create_service(simulation, &sub_flags),
        "configmap" | "cm" => create_configmap(simulation, &sub_flags, files, false),
        "secret" => {
            if sub_flags.positional.first().map(String::as_str) != Some("generic") {
                return CommandOutput::error(
                    "error: kubesim supports \"kubectl create secret generic\" only",
                );
            }
            sub_flags.positional.remove(0);
            create_configmap(simulation, &sub_flags, files, true)
        }
        other => CommandOutput::error(format!(
            "error: kubesim does not support \"kubectl create {other}\"; write a manifest and use kubectl apply -f"
        )),
    }
}

fn create_from_files(
    simulation: &mut Simulation,
    flags: &Flags,
    stdin: &str,
    files: &dyn FileSource,
) -> CommandOutput {
    if let Err(output) = check_flags(flags, "create", FILE_FLAGS) {
        return output;
    }
    let dry_run = match DryRun::from_flags(flags) {
        Ok(dry_run) => dry_run,
        Err(output) => return output,
    };
    let output = output_format(flags);
    if let Err(error) = check_output(output) {
        return error;
    }
    let recursive = flags.has("R") || flags.has("recursive");
    let sources = match read_sources(&filenames(flags), recursive, stdin, files) {
        Ok(sources) => sources,
        Err(message) => return CommandOutput::error(message),
    };
    let loaded = load(&sources);
    let mut errors: Vec<KubectlError> = loaded
        .iter()
        .filter_map(|entry| match entry {
            Loaded::ClientError(error) => Some(error.clone()),
            _ => None,
        })
        .collect();
    if loaded.is_empty() {
        return CommandOutput::error("error: no objects passed to create");
    }
    let mut scratch = (dry_run == DryRun::Server).then(|| simulation.api().clone());
    let mut stdout = String::new();
    let mut printed = Vec::new();
    for entry in loaded {
        let mut object = match entry {
            Loaded::ClientError(_) => continue,
            Loaded::ServerError(error) => {
                errors.push(KubectlError::Manifest(error));
                continue;
            }
            Loaded::Object(object) => object,
        };
        if let Err(error) = settle_namespace(
            &mut object,
            namespace_flag(flags),
            flags.default_namespace(),
        ) {
            errors.push(error);
            continue;
        }
        let data = if flags.has("save-config") {
            with_last_applied(&object.data)
        } else {
            object.data.clone()
        };
        let typed = match decode_for_server(data, &object.source) {
            Ok(typed) => typed,
            Err(error) => {
                errors.push(KubectlError::with_source(error, "creating", &object.source));
                continue;
            }
        };
        let stored = if dry_run == DryRun::Client {
            typed
        } else {
            let api = match scratch.as_mut() {
                Some(scratch) => scratch,
                None => simulation.api_mut(),
            };
            match api.create(typed) {
                Ok(created) => (*created).clone(),
                Err(error) => {
                    errors.push(KubectlError::with_source(error, "creating", &object.source));
                    continue;
                }
            }
        };
        match output {
            Some("yaml") | Some("json") => printed.push(stored),
            _ => stdout.push_str(&operation_line(
                object.resource_type,
                stored.name(),
                "created",
                dry_run,
                output,
            )),
        }
    }
    stdout.push_str(&print_objects(&printed, output));
    finish(stdout, String::new(), &errors)
}

const GENERATOR_FLAGS: &[&str] = &[
    "o",
    "output",
    "dry-run",
    "save-config",
    "validate",
    "field-manager",
];

fn check_generator_flags(flags: &Flags, command: &str, own: &[&str]) -> Result<(), CommandOutput> {
    let allowed: Vec<&str> = GENERATOR_FLAGS.iter().chain(own).copied().collect();
    check_flags(flags, command, &allowed)
}

/// The single NAME a generator takes.
fn one_name(flags: &Flags, command: &str) -> Result<String, CommandOutput> {
    match flags.positional.as_slice() {
        [name] => Ok(name.clone()),
        other => Err(usage(
            &format!("exactly one NAME is required, got {}", other.len()),
            command,
        )),
    }
}

fn parse_i32_flag(flags: &Flags, name: &str, default: i64) -> Result<i64, CommandOutput> {
    match flags.value(name) {
        None => Ok(default),
        Some(text) => text.parse::<i32>().map(i64::from).map_err(|_| {
            CommandOutput::error(format!(
                "error: invalid argument \"{text}\" for \"--{name}\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax"
            ))
        }),
    }
}

/// The container name `create deployment` derives from an image
/// (`registry/team/nginx:1.25` → `nginx`), with `_` made `-`.
fn container_name_for(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    let name = last.split(':').next().unwrap_or(last);
    let name = name.split('@').next().unwrap_or(name);
    name.replace('_', "-")
}

fn create_deployment(
    simulation: &mut Simulation,
    flags: &Flags,
    command: Vec<String>,
) -> CommandOutput {
    let command_name = "create deployment";
    if let Err(output) = check_generator_flags(flags, command_name, &["image", "replicas", "port"])
    {
        return output;
    }
    let name = match one_name(flags, command_name) {
        Ok(name) => name,
        Err(output) => return output,
    };
    let images = flags.values("image");
    if images.is_empty() {
        return CommandOutput::error("error: required flag(s) \"image\" not set");
    }
    if images.len() > 1 && !command.is_empty() {
        return CommandOutput::error("error: cannot specify multiple --image options and command");
    }
    let replicas = match parse_i32_flag(flags, "replicas", 1) {
        Ok(replicas) => replicas,
        Err(output) => return output,
    };
    let port = match parse_i32_flag(flags, "port", -1) {
        Ok(port) => port,
        Err(output) => return output,
    };
    let mut seen: Vec<String> = Vec::new();
    let mut containers = Vec::new();
    for image in images {
        let mut container_name = container_name_for(image);
        if seen.contains(&container_name) {
            // Upstream appends a random suffix to a repeated name (sanitizeAndUniquify).
            container_name = crate::api_server::names::generate_name(
                &format!("{container_name}-"),
                simulation.api_mut().rng(),
            );
        }
        seen.push(container_name.clone());
        let mut container = json!({"image": image, "name": container_name, "resources": {}});
        if !command.is_empty() {
            container["command"] = json!(command);
        }
        containers.push(container);
    }
    if port >= 0
        && let Some(first) = containers.first_mut()
    {
        first["ports"] = json!([{"containerPort": port}]);
    }
    let value = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"creationTimestamp": null, "labels": {"app": name}, "name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "strategy": {},
            "template": {
                "metadata": {"creationTimestamp": null, "labels": {"app": name}},
                "spec": {"containers": containers}
            }
        },
        "status": {}
    });
    submit_generated(simulation, flags, value, "created")
}

fn create_job(simulation: &mut Simulation, flags: &Flags, command: Vec<String>) -> CommandOutput {
    let command_name = "create job";
    if let Err(output) = check_generator_flags(flags, command_name, &["image", "from"]) {
        return output;
    }
    let name = match one_name(flags, command_name) {
        Ok(name) => name,
        Err(output) => return output,
    };
    if flags.value("from").is_some() {
        return CommandOutput::error(
            "error: kubesim does not support --from (CronJobs are stored, not run)",
        );
    }
    let Some(image) = flags.value("image") else {
        return usage("--image must be specified", command_name);
    };
    let mut container = json!({"image": image, "name": name, "resources": {}});
    if !command.is_empty() {
        container["command"] = json!(command);
    }
    let value = json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"creationTimestamp": null, "name": name},
        "spec": {"template": {
            "metadata": {"creationTimestamp": null},
            "spec": {"containers": [container], "restartPolicy": "Never"}
        }},
        "status": {}
    });
    submit_generated(simulation, flags, value, "created")
}

fn create_namespace(simulation: &mut Simulation, flags: &Flags) -> CommandOutput {
    let command_name = "create namespace";
    if let Err(output) = check_generator_flags(flags, command_name, &[]) {
        return output;
    }
    let name = match one_name(flags, command_name) {
        Ok(name) => name,
        Err(output) => return output,
    };
    let value = json!({
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"creationTimestamp": null, "name": name},
        "spec": {},
        "status": {}
    });
    submit_generated(simulation, flags, value, "created")
}

/// `parsePorts`: `80` or `80:8080` (the target may be a named port).
fn parse_port_spec(spec: &str) -> Result<(i64, Value), String> {
    let (port, target) = match spec.split_once(':') {
        Some((port, target)) => (port, target),
        None => (spec, spec),
    };
    let port = port
        .parse::<i32>()
        .map_err(|_| format!("strconv.Atoi: parsing {port:?}: invalid syntax"))?;
    let target = match target.parse::<i32>() {
        Ok(number) => json!(number),
        Err(_) => json!(target),
    };
    Ok((i64::from(port), target))
}

fn create_service(simulation: &mut Simulation, flags: &Flags) -> CommandOutput {
    let Some(kind) = flags.positional.first().cloned() else {
        return CommandOutput::error(
            "error: kubesim supports \"kubectl create service clusterip|nodeport NAME --tcp=PORT:TARGET\"",
        );
    };
    let (service_type, command_name) = match kind.as_str() {
        "clusterip" => ("ClusterIP", "create service clusterip"),
        "nodeport" => ("NodePort", "create service nodeport"),
        "loadbalancer" => ("LoadBalancer", "create service loadbalancer"),
        other => {
            return CommandOutput::error(format!(
                "error: kubesim does not support \"kubectl create service {other}\""
            ));
        }
    };
    let mut flags = flags.clone();
    flags.positional.remove(0);
    if let Err(output) =
        check_generator_flags(&flags, command_name, &["tcp", "clusterip", "node-port"])
    {
        return output;
    }
    let name = match one_name(&flags, command_name) {
        Ok(name) => name,
        Err(output) => return output,
    };
    let tcp: Vec<String> = flags
        .values("tcp")
        .iter()
        .flat_map(|value| value.split(','))
        .filter(|value| !value.is_empty())
        .map(str::to_string)
        .collect();
    let cluster_ip = flags.value("clusterip");
    if tcp.is_empty() && cluster_ip != Some("None") {
        return CommandOutput::error("error: at least one tcp port specifier must be provided");
    }
    let node_port = match parse_i32_flag(&flags, "node-port", 0) {
        Ok(port) => port,
        Err(output) => return output,
    };
    let mut ports = Vec::new();
    for spec in &tcp {
        let (port, target) = match parse_port_spec(spec) {
            Ok(parsed) => parsed,
            Err(message) => return CommandOutput::error(format!("error: {message}")),
        };
        let mut entry = json!({"name": spec.replace(':', "-"), "port": port, "protocol": "TCP", "targetPort": target});
        if node_port > 0 {
            entry["nodePort"] = json!(node_port);
        }
        ports.push(entry);
    }
    let mut spec = Map::new();
    if !ports.is_empty() {
        spec.insert("ports".to_string(), Value::Array(ports));
    }
    spec.insert("selector".to_string(), json!({"app": name}));
    spec.insert("type".to_string(), json!(service_type));
    if let Some(ip) = cluster_ip {
        spec.insert("clusterIP".to_string(), json!(ip));
    }
    let value = json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"creationTimestamp": null, "labels": {"app": name}, "name": name},
        "spec": spec,
        "status": {"loadBalancer": {}}
    });
    submit_generated(simulation, &flags, value, "created")
}

/// Standard base64 with padding, as Go's `encoding/json` writes `[]byte`.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for index in 0..4 {
            if index <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * index)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn create_configmap(
    simulation: &mut Simulation,
    flags: &Flags,
    files: &dyn FileSource,
    secret: bool,
) -> CommandOutput {
    let command_name = if secret {
        "create secret generic"
    } else {
        "create configmap"
    };
    if let Err(output) = check_generator_flags(
        flags,
        command_name,
        &["from-literal", "from-file", "type", "append-hash"],
    ) {
        return output;
    }
    let name = match one_name(flags, command_name) {
        Ok(name) => name,
        Err(output) => return output,
    };
    let mut data = Map::new();
    for literal in flags.values("from-literal") {
        let Some((key, value)) = literal.split_once('=').filter(|(key, _)| !key.is_empty()) else {
            return CommandOutput::error(format!(
                "error: invalid literal source {literal}, expected key=value"
            ));
        };
        if data.contains_key(key) {
            return CommandOutput::error(format!(
                "error: cannot add key {key}, another key by that name already exists in Data for {}",
                if secret { "Secret" } else { "ConfigMap" }
            ));
        }
        data.insert(key.to_string(), json!(value));
    }
    for source in flags.values("from-file") {
        let (key, path) = match source.split_once('=') {
            Some((key, path)) => (key.to_string(), path.to_string()),
            None => (
                source.rsplit('/').next().unwrap_or(source).to_string(),
                source.clone(),
            ),
        };
        match files.read(&path) {
            Some(FileNode::File(text)) => {
                data.insert(key, json!(text));
            }
            _ => {
                return CommandOutput::error(format!(
                    "error: error reading {path}: no such file or directory"
                ));
            }
        }
    }
    let value = if secret {
        let encoded: Map<String, Value> = data
            .into_iter()
            .map(|(key, value)| (key, json!(base64(value.as_str().unwrap_or("").as_bytes()))))
            .collect();
        let mut secret = json!({
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"creationTimestamp": null, "name": name},
            "type": flags.value("type").unwrap_or("Opaque")
        });
        if !encoded.is_empty() {
            secret["data"] = Value::Object(encoded);
        }
        secret
    } else {
        let mut configmap = json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"creationTimestamp": null, "name": name}
        });
        if !data.is_empty() {
            configmap["data"] = Value::Object(data);
        }
        configmap
    };
    submit_generated(simulation, flags, value, "created")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(
            container_name_for("registry.k8s.io/e2e/agn_host:2.39@sha256:x"),
            "agn-host"
        );
    }
}
