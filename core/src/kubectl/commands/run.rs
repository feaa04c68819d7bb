//! `kubectl run NAME --image=IMAGE`: one Pod, labelled `run=NAME`, as kubectl
//! 1.18+ creates it (`staging/src/k8s.io/kubectl/pkg/cmd/run/run.go` and
//! `generate/versioned/run.go` BasicPod). Arguments after `--` are the
//! container's args, or its command with `--command`.

use serde_json::{Map, Value, json};

use crate::kubectl::commands::create::{after_dash, submit_generated};
use crate::kubectl::commands::exec::{ContainerContext, container_shell};
use crate::kubectl::outcome::{DryRun, check_flags, namespace_or_default};
use crate::kubectl::waiting::{WaitEnd, wait_for};
use crate::kubectl::{CommandOutput, Flags};
use crate::model::Resource;
use crate::model::pod::Pod;
use crate::node::behaviour::Behaviour;
use crate::simulation::Simulation;
use crate::time::SimDuration;

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
    let attach = interactive || flags.has("attach");
    if attach && !attachable(image, flags, &arguments) {
        return CommandOutput::error(
            "error: kubesim cannot attach to a container that keeps running (-i, -t, --attach) unless it runs curl, wget, hostname or echo; run the pod without them and use kubectl logs or kubectl exec",
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
    let created = submit_generated(simulation, flags, value, "created");
    if !attach || created.exit_code != 0 || DryRun::from_flags(flags) != Ok(DryRun::None) {
        return created;
    }
    let namespace = namespace_or_default(flags).to_string();
    attach_to(simulation, flags, &namespace, name, image, &arguments)
}

/// True when the container shell of `kubectl exec` runs the command.
fn simulated_program(argv: &[String]) -> bool {
    argv.first().is_some_and(|program| {
        matches!(
            program.rsplit('/').next().unwrap_or(program),
            "curl" | "wget" | "hostname" | "echo" | "true" | "false" | "env" | "printenv"
        )
    })
}

/// True when kubesim can show what an attached terminal would show: the command
/// is one the container shell runs, or the program ends by itself (its logs are
/// then what kubectl prints, as `handleAttachPod` does for a completed pod).
fn attachable(image: &str, flags: &Flags, arguments: &[String]) -> bool {
    // With or without `--command`, the words are what runs: curlimages/curl's and
    // busybox's entrypoints run their arguments.
    let simulated = simulated_program(arguments);
    let (command, args): (&[String], &[String]) = if flags.has("command") {
        (arguments, &[])
    } else {
        (&[], arguments)
    };
    simulated || !Behaviour::of(image, command, args).runs_forever()
}

/// `kubectl run -i/-t/--attach` (`run.go` with `handleAttachPod`): wait until
/// the pod runs (or finished), show its output, delete it with `--rm`
/// (`pod "tmp" deleted`), and exit with the container's code under
/// `--restart=Never`. kubectl prints no `pod/tmp created` when it attaches.
///
/// Deliberately different: no `If you don't see a command prompt` or TTY
/// warnings, and stdin is not passed to the container.
fn attach_to(
    simulation: &mut Simulation,
    flags: &Flags,
    namespace: &str,
    name: &str,
    image: &str,
    arguments: &[String],
) -> CommandOutput {
    let timeout = match flags.value("pod-running-timeout") {
        Some(text) => match crate::kubectl::waiting::parse_timeout("pod-running-timeout", text) {
            Ok(timeout) => timeout,
            Err(message) => return CommandOutput::error(message),
        },
        None => SimDuration::from_secs(60),
    };
    let phase_of = |simulation: &Simulation| -> Option<String> {
        let object = simulation
            .api()
            .get_ref(Pod::resource_type(), namespace, name)?;
        let pod = object.as_::<Pod>()?;
        let running = pod.status.as_ref().is_some_and(|status| {
            status
                .container_statuses
                .iter()
                .flatten()
                .any(|c| c.state.as_ref().is_some_and(|s| s.running.is_some()))
        });
        match pod.phase() {
            "Succeeded" | "Failed" => Some(pod.phase().to_string()),
            "Running" if running => Some("Running".to_string()),
            _ => None,
        }
    };
    let mut output = CommandOutput::default();
    let phase = match wait_for(simulation, timeout, phase_of) {
        WaitEnd::Done(phase) => phase,
        WaitEnd::TimedOut => {
            return CommandOutput::error("error: timed out waiting for the condition");
        }
        WaitEnd::Stuck(message) => return CommandOutput::error(format!("error: {message}")),
    };
    let exit_code;
    if phase == "Running" && simulated_program(arguments) {
        let hostname: String = name.chars().take(63).collect();
        let context = ContainerContext {
            namespace: namespace.to_string(),
            pod: name.to_string(),
            image: image.to_string(),
            hostname,
            stdin: String::new(),
            environment: simulation
                .api()
                .get_ref(Pod::resource_type(), namespace, name)
                .and_then(|object| object.as_::<Pod>())
                .map(|pod| crate::kubectl::commands::exec::environment_of(pod, name))
                .unwrap_or_default(),
        };
        let process = container_shell(simulation, &context, arguments);
        output.stdout.push_str(&process.stdout);
        output.stderr.push_str(&process.stderr);
        exit_code = process.exit_code;
    } else {
        // The program ends by itself: what the attached terminal shows is its log.
        let finished = |simulation: &Simulation| -> Option<i32> {
            let object = simulation
                .api()
                .get_ref(Pod::resource_type(), namespace, name)?;
            let pod = object.as_::<Pod>()?;
            let terminated = pod
                .status
                .as_ref()?
                .container_statuses
                .iter()
                .flatten()
                .find_map(|c| c.state.as_ref()?.terminated.as_ref()?.exit_code);
            match pod.phase() {
                "Succeeded" => Some(0),
                "Failed" => Some(terminated.unwrap_or(1)),
                _ => None,
            }
        };
        if phase == "Running" {
            match wait_for(
                simulation,
                crate::kubectl::waiting::DEFAULT_BUDGET,
                finished,
            ) {
                WaitEnd::Done(code) => exit_code = code,
                WaitEnd::TimedOut => {
                    return CommandOutput::error("error: timed out waiting for the condition");
                }
                WaitEnd::Stuck(message) => {
                    return CommandOutput::error(format!("error: {message}"));
                }
            }
        } else {
            exit_code = finished(simulation).unwrap_or(0);
        }
        match simulation.container_logs(namespace, name, Some(name), false) {
            Ok(text) => output.stdout.push_str(&text),
            Err(error) => {
                output.stderr.push_str(&format!("{error}\n"));
                output.exit_code = 1;
            }
        }
    }
    if flags.has("rm") {
        let deleted = crate::kubectl::run(
            simulation,
            &format!("kubectl delete pod {name} -n {namespace}"),
            "",
        );
        output.stdout.push_str(&deleted.stdout);
        output.stderr.push_str(&deleted.stderr);
    }
    let waits_for_exit = matches!(flags.value("restart"), Some("Never") | Some("OnFailure"));
    if waits_for_exit && exit_code != 0 {
        output
            .stderr
            .push_str(&format!("pod {namespace}/{name} terminated (Error)\n"));
        output.exit_code = exit_code;
    }
    output
}
