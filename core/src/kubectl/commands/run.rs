//! `kubectl run NAME --image=IMAGE`: one Pod, labelled `run=NAME`, as kubectl
//! 1.18+ creates it (`staging/src/k8s.io/kubectl/pkg/cmd/run/run.go` and
//! `generate/versioned/run.go` BasicPod). Arguments after `--` are the
//! container's args, or its command with `--command`.

use serde_json::{Map, Value, json};

use crate::kubectl::commands::create::{after_dash, submit_generated};
use crate::kubectl::outcome::check_flags;
use crate::kubectl::{CommandOutput, Flags};
use crate::simulation::Simulation;

const FLAGS: &[&str] = &[
    "image",
    "port",
    "labels",
    "l",
    "restart",
    "env",
    "command",
    "o",
    "output",
    "dry-run",
    "image-pull-policy",
    "annotations",
    "serviceaccount",
    "expose",
    "i",
    "stdin",
    "t",
    "tty",
    "rm",
    "attach",
    "privileged",
    "save-config",
    "field-manager",
    "override-type",
    "overrides",
    "pod-running-timeout",
    "quiet",
    "q",
];

fn usage(message: &str) -> CommandOutput {
    CommandOutput::error(format!(
        "error: {message}\nSee 'kubectl run -h' for help and examples"
    ))
}

/// `key=value,key=value` (kubectl's `--labels`).
fn parse_labels(text: &str) -> Result<Map<String, Value>, String> {
    let mut labels = Map::new();
    for pair in text.split(',').filter(|pair| !pair.is_empty()) {
        match pair.split_once('=') {
            Some((key, value)) if !key.is_empty() => {
                labels.insert(key.to_string(), json!(value));
            }
            _ => return Err(format!("invalid label spec: {pair}")),
        }
    }
    Ok(labels)
}

pub fn run(simulation: &mut Simulation, flags: &Flags) -> CommandOutput {
    if let Err(output) = check_flags(flags, "run", FLAGS) {
        return output;
    }
    let (positional, arguments) = after_dash(flags);
    let Some(name) = positional.first() else {
        return usage("NAME is required for run");
    };
    let Some(image) = flags.value("image").filter(|image| !image.is_empty()) else {
        return CommandOutput::error("error: required flag(s) \"image\" not set");
    };
    let interactive = flags.has("i") || flags.has("stdin") || flags.has("t") || flags.has("tty");
    if flags.has("rm") && !(interactive || flags.has("attach")) {
        return CommandOutput::error("error: --rm should only be used for attached containers");
    }
    if interactive || flags.has("attach") {
        return CommandOutput::error(
            "error: kubesim cannot attach to a container (-i, -t, --attach); run the pod without them and use kubectl logs or kubectl exec",
        );
    }
    let restart = flags.value("restart").unwrap_or("Always");
    if !matches!(restart, "Always" | "OnFailure" | "Never") {
        return CommandOutput::error(format!("error: invalid restart policy: {restart}"));
    }
    let port = match flags.value("port") {
        None => None,
        Some(text) => match text.parse::<i32>() {
            Ok(port) => Some(port),
            Err(_) => {
                return CommandOutput::error(format!(
                    "error: invalid argument \"{text}\" for \"--port\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax"
                ));
            }
        },
    };
    if flags.has("expose") {
        return CommandOutput::error(
            "error: kubesim does not support --expose; create the pod, then kubectl expose pod NAME --port=PORT",
        );
    }
    let labels = match flags.value("labels").or_else(|| flags.value("l")) {
        Some(text) => match parse_labels(text) {
            Ok(labels) => labels,
            Err(message) => return CommandOutput::error(format!("error: {message}")),
        },
        None => {
            let mut labels = Map::new();
            labels.insert("run".to_string(), json!(name));
            labels
        }
    };
    let mut container = Map::new();
    if !arguments.is_empty() {
        let field = if flags.has("command") {
            "command"
        } else {
            "args"
        };
        container.insert(field.to_string(), json!(arguments));
    }
    let mut env = Vec::new();
    for pair in flags.values("env") {
        match pair.split_once('=') {
            Some((key, value)) if !key.is_empty() => env.push(json!({"name": key, "value": value})),
            _ => return CommandOutput::error(format!("error: invalid env: {pair}")),
        }
    }
    if !env.is_empty() {
        container.insert("env".to_string(), Value::Array(env));
    }
    container.insert("image".to_string(), json!(image));
    if let Some(policy) = flags.value("image-pull-policy") {
        container.insert("imagePullPolicy".to_string(), json!(policy));
    }
    container.insert("name".to_string(), json!(name));
    if let Some(port) = port.filter(|port| *port >= 0) {
        container.insert("ports".to_string(), json!([{"containerPort": port}]));
    }
    container.insert("resources".to_string(), json!({}));
    let mut metadata = Map::new();
    metadata.insert("creationTimestamp".to_string(), Value::Null);
    if !labels.is_empty() {
        metadata.insert("labels".to_string(), Value::Object(labels));
    }
    metadata.insert("name".to_string(), json!(name));
    let mut spec = Map::new();
    spec.insert("containers".to_string(), json!([container]));
    spec.insert("dnsPolicy".to_string(), json!("ClusterFirst"));
    spec.insert("restartPolicy".to_string(), json!(restart));
    if let Some(account) = flags.value("serviceaccount") {
        spec.insert("serviceAccountName".to_string(), json!(account));
    }
    let value = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata,
        "spec": spec,
        "status": {}
    });
    submit_generated(simulation, flags, value, "created")
}
