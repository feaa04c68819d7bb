//! `kubectl logs (POD | TYPE/NAME) [CONTAINER] [-c C] [-p] [--tail N]
//! [--timestamps] [--since D] [-l SELECTOR] [--all-containers] [--prefix]`.
//!
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/logs/logs.go` (Complete,
//! Validate, RunLogs) and `pkg/polymorphichelpers/logsforobject.go`. Without
//! `-c` the pod's `kubectl.kubernetes.io/default-container` annotation, else its
//! first container, is used, with `Defaulted container "a" out of: a, b` on
//! stderr when the pod has more than one. A workload (`deployment/web`,
//! `job/pi`) logs its first pod by `podutils.ByLogging`. The lines come from the
//! kubelet's view of the container (`Simulation::container_log_lines`).
//!
//! Deliberately different: `-f` prints what the container wrote so far and
//! returns, since a script cannot stream; a workload with no pod yet fails at
//! once with the error kubectl prints after `--pod-running-timeout`.

use std::sync::Arc;

use crate::kubectl::outcome::{check_flags, namespace_or_default};
use crate::kubectl::pod_for_object::{PodOrder, first_pod, selector_for_object};
use crate::kubectl::resource_args::resolve_type;
use crate::kubectl::{CommandOutput, Flags};
use crate::model::pod::Pod;
use crate::model::selector::Selector;
use crate::model::{Object, Resource};
use crate::node::faults::NodeError;
use crate::simulation::Simulation;
use crate::time::{SimDuration, SimTime};

const FLAGS: &[&str] = &[
    "all-pods",
    "all-containers",
    "follow",
    "timestamps",
    "limit-bytes",
    "previous",
    "p",
    "tail",
    "ignore-errors",
    "since-time",
    "since",
    "container",
    "c",
    "insecure-skip-tls-verify-backend",
    "pod-running-timeout",
    "selector",
    "l",
    "max-log-requests",
    "prefix",
];

const USAGE: &str = "logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]";

/// `cmdutil.UsageErrorf`.
fn usage(message: &str) -> CommandOutput {
    CommandOutput::error(format!(
        "error: {message}\nSee 'kubectl logs -h' for help and examples"
    ))
}

/// pflag's error for a flag value that does not parse.
fn invalid_argument(flag: &str, text: &str, reason: &str) -> CommandOutput {
    CommandOutput::error(format!(
        "error: invalid argument \"{text}\" for \"{flag}\" flag: {reason}\nSee 'kubectl logs --help' for usage."
    ))
}

fn int_flag(flags: &Flags, name: &str, default: i64) -> Result<i64, CommandOutput> {
    match flags.value(name) {
        None => Ok(default),
        Some(text) => text.parse::<i64>().map_err(|_| {
            invalid_argument(
                &format!("--{name}"),
                text,
                &format!("strconv.ParseInt: parsing \"{text}\": invalid syntax"),
            )
        }),
    }
}

fn bool_flag(flags: &Flags, names: &[&str]) -> bool {
    names.iter().any(|name| flags.has(name))
}

/// What to print of each container's log.
struct LogOptions {
    container: Option<String>,
    previous: bool,
    timestamps: bool,
    tail: Option<i64>,
    since: Option<SimTime>,
    limit_bytes: Option<usize>,
    prefix: bool,
    all_containers: bool,
}

pub fn run(simulation: &mut Simulation, flags: &Flags) -> CommandOutput {
    if let Err(output) = check_flags(flags, "logs", FLAGS) {
        return output;
    }
    let namespace = namespace_or_default(flags).to_string();
    let selector_text = flags
        .value("selector")
        .or_else(|| flags.value("l"))
        .unwrap_or("");
    let container_flag = flags.value("container").or_else(|| flags.value("c"));
    let positional = &flags.positional;
    let (resource_argument, inline_container) = match positional.as_slice() {
        [] if selector_text.is_empty() => {
            return usage(&format!(
                "expected '{USAGE}'.\nPOD or TYPE/NAME is a required argument for the logs command"
            ));
        }
        [] => (None, None),
        [_] if !selector_text.is_empty() => {
            return usage("only a selector (-l) or a POD name is allowed");
        }
        [resource] => (Some(resource.clone()), None),
        [resource, container] => (Some(resource.clone()), Some(container.clone())),
        _ => {
            return usage(&format!(
                "expected '{USAGE}'.\nPOD or TYPE/NAME is a required argument for the logs command"
            ));
        }
    };
    let tail = match int_flag(flags, "tail", -1) {
        Ok(tail) => tail,
        Err(output) => return output,
    };
    let limit_bytes = match int_flag(flags, "limit-bytes", 0) {
        Ok(limit) => limit,
        Err(output) => return output,
    };
    let since = match flags.value("since") {
        None => None,
        Some(text) => match SimDuration::parse_go(text) {
            Ok(duration) => Some(duration),
            Err(error) => return invalid_argument("--since", text, &error.to_string()),
        },
    };
    let since_time = match flags.value("since-time") {
        None => None,
        Some(text) => match SimTime::parse_rfc3339(text) {
            Ok(time) => Some(time),
            Err(_) => {
                return CommandOutput::error(format!(
                    "error: parsing time \"{text}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"{text}\" as \"2006\""
                ));
            }
        },
    };
    // Validate.
    if since.is_some() && since_time.is_some() {
        return CommandOutput::error(
            "error: at most one of `sinceTime` or `sinceSeconds` may be specified",
        );
    }
    let container = container_flag
        .map(str::to_string)
        .or(inline_container.clone());
    let all_containers = bool_flag(flags, &["all-containers"]);
    if all_containers && let Some(name) = &container {
        return CommandOutput::error(format!(
            "error: --all-containers=true should not be specified with container name {name}"
        ));
    }
    if container_flag.is_some() && inline_container.is_some() {
        return CommandOutput::error(
            "error: only one of -c or an inline [CONTAINER] arg is allowed",
        );
    }
    if limit_bytes < 0 {
        return CommandOutput::error("error: --limit-bytes must be greater than 0");
    }
    if since.is_some_and(|since| since < SimDuration::ZERO) {
        return CommandOutput::error("error: --since must be greater than 0");
    }
    if tail < -1 {
        return CommandOutput::error("error: --tail must be greater than or equal to -1");
    }
    let tail_given = flags.value("tail").is_some();
    let now = simulation.now();
    let options = LogOptions {
        container,
        previous: bool_flag(flags, &["previous", "p"]),
        timestamps: bool_flag(flags, &["timestamps"]),
        // A selector shows the last 10 lines of each pod unless --tail says otherwise.
        tail: if !selector_text.is_empty() && !tail_given {
            Some(10)
        } else {
            (tail != -1).then_some(tail)
        },
        // `--since` is rounded to whole seconds (ToLogOptions).
        since: since
            .map(|since| now + SimDuration::from_millis(-(since.as_millis() + 500) / 1000 * 1000))
            .or(since_time),
        limit_bytes: (limit_bytes > 0).then_some(limit_bytes as usize),
        prefix: bool_flag(flags, &["prefix", "all-pods"]),
        all_containers,
    };
    let mut output = CommandOutput::default();
    let pods: Vec<Arc<Object>> = if let Some(argument) = resource_argument {
        match object_for(simulation, &namespace, &argument) {
            Ok(object) if object.kind() == "Pod" => vec![object],
            Ok(object) => {
                let selector = match selector_for_object(&object) {
                    Ok(selector) => selector,
                    Err(message) => {
                        return CommandOutput::error(format!(
                            "error: cannot get the logs from *v1.{}: {message}",
                            object.kind()
                        ));
                    }
                };
                match first_pod(simulation.api(), &namespace, &selector, PodOrder::ByLogging) {
                    Some((pod, count)) => {
                        if count > 1 && !bool_flag(flags, &["all-pods"]) {
                            output.stderr.push_str(&format!(
                                "Found {count} pods, using pod/{}\n",
                                pod.name()
                            ));
                        }
                        if bool_flag(flags, &["all-pods"]) {
                            all_pods(simulation, &namespace, &selector)
                        } else {
                            vec![pod]
                        }
                    }
                    None => {
                        output
                            .stderr
                            .push_str("error: timed out waiting for the condition\n");
                        output.exit_code = 1;
                        return output;
                    }
                }
            }
            Err(error) => return error,
        }
    } else {
        let selector = match Selector::parse(selector_text) {
            Ok(selector) => selector,
            Err(error) => {
                return CommandOutput::error(format!("error: {error}"));
            }
        };
        let pods = all_pods(simulation, &namespace, &selector);
        if pods.is_empty() {
            output
                .stderr
                .push_str(&format!("No resources found in {namespace} namespace.\n"));
        }
        pods
    };
    for pod in pods {
        if let Err(message) = pod_logs(simulation, &pod, &options, &mut output) {
            output.stderr.push_str(&message);
            output.stderr.push('\n');
            output.exit_code = 1;
            return output;
        }
    }
    output
}

/// The pods a selector matches, in name order.
fn all_pods(simulation: &Simulation, namespace: &str, selector: &Selector) -> Vec<Arc<Object>> {
    simulation
        .api()
        .list(Pod::resource_type(), Some(namespace))
        .filter(|object| selector.matches(object.metadata().labels_or_empty()))
        .cloned()
        .collect()
}

/// `builder.ResourceNames("pods", arg)`: a bare name is a pod, `TYPE/NAME` any kind.
fn object_for(
    simulation: &Simulation,
    namespace: &str,
    argument: &str,
) -> Result<Arc<Object>, CommandOutput> {
    resolve_object(simulation, namespace, argument).map_err(|message| {
        let mut output = CommandOutput::error(message);
        output.exit_code = 1;
        output
    })
}

/// Shared with `exec`: the object a `POD` or `TYPE/NAME` argument names, or
/// kubectl's error text.
pub fn resolve_object(
    simulation: &Simulation,
    namespace: &str,
    argument: &str,
) -> Result<Arc<Object>, String> {
    let (resource_type, name) = match argument.split_once('/') {
        Some((kind, name)) => match resolve_type(kind) {
            Ok(resource_type) => (resource_type, name),
            Err(error) => return Err(error.render()),
        },
        None => (Pod::resource_type(), argument),
    };
    if name.is_empty() || name.contains('/') {
        return Err(
            "error: arguments in resource/name form must have a single resource and name"
                .to_string(),
        );
    }
    let request_namespace = if resource_type.namespaced {
        namespace
    } else {
        ""
    };
    simulation
        .api()
        .get(resource_type, request_namespace, name)
        .map_err(|error| {
            format!("error: error from server (NotFound): {error} in namespace \"{namespace}\"")
        })
}

/// `podcmd.AllContainerNames`: containers, then ephemeral, then init ones.
pub fn all_container_names(pod: &Pod) -> String {
    let spec = pod.spec();
    let mut names: Vec<String> = spec
        .containers
        .iter()
        .flatten()
        .filter_map(|container| container.name.clone())
        .collect();
    for container in spec.ephemeral_containers.iter().flatten() {
        if let Some(name) = container.get("name").and_then(|name| name.as_str()) {
            names.push(format!("{name} (ephem)"));
        }
    }
    for container in spec.init_containers.iter().flatten() {
        if let Some(name) = &container.name {
            names.push(format!("{name} (init)"));
        }
    }
    names.join(", ")
}

/// True when the pod declares a container (any kind) of that name.
pub fn has_container(pod: &Pod, name: &str) -> bool {
    let spec = pod.spec();
    spec.containers
        .iter()
        .flatten()
        .chain(spec.init_containers.iter().flatten())
        .any(|container| container.name.as_deref() == Some(name))
        || spec
            .ephemeral_containers
            .iter()
            .flatten()
            .any(|container| container.get("name").and_then(|n| n.as_str()) == Some(name))
}

/// The default container: the annotation's if it names one, else the first
/// (`FindOrDefaultContainerByName`), with its notice when the pod has several.
pub fn default_container(pod: &Pod, name: &str, notices: &mut String) -> Option<String> {
    if let Some(annotated) = pod
        .metadata
        .annotation("kubectl.kubernetes.io/default-container")
        .filter(|annotated| !annotated.is_empty())
    {
        if has_container(pod, annotated) {
            return Some(annotated.to_string());
        }
        notices.push_str(&format!(
            "Default container name \"{annotated}\" not found in pod {name}\n"
        ));
    }
    let spec = pod.spec();
    let first = spec.containers.iter().flatten().next()?.name.clone()?;
    let several = spec.containers.iter().flatten().count() > 1
        || spec.init_containers.iter().flatten().next().is_some()
        || spec.ephemeral_containers.iter().flatten().next().is_some();
    if several {
        notices.push_str(&format!(
            "Defaulted container \"{first}\" out of: {}\n",
            all_container_names(pod)
        ));
    }
    Some(first)
}

/// One pod's logs (each container's with `--all-containers`), appended to `output`.
fn pod_logs(
    simulation: &Simulation,
    object: &Object,
    options: &LogOptions,
    output: &mut CommandOutput,
) -> Result<(), String> {
    let Some(pod) = object.as_::<Pod>() else {
        return Ok(());
    };
    let name = object.name();
    let containers: Vec<String> = if options.all_containers {
        let spec = pod.spec();
        spec.init_containers
            .iter()
            .flatten()
            .chain(spec.containers.iter().flatten())
            .filter_map(|container| container.name.clone())
            .collect()
    } else {
        match &options.container {
            Some(container) if has_container(pod, container) => vec![container.clone()],
            Some(container) => {
                return Err(format!(
                    "error: container {container} is not valid for pod {name}"
                ));
            }
            None => match default_container(pod, name, &mut output.stderr) {
                Some(container) => vec![container],
                None => return Ok(()),
            },
        }
    };
    for container in containers {
        // The API server gives an empty log for a pod no node runs yet
        // (`LogLocation` returns no location; `LocationStreamer` then reads nothing).
        if pod.node_name().is_empty() {
            continue;
        }
        let lines = simulation
            .container_log_lines(object.namespace(), name, Some(&container), options.previous)
            .map_err(|error| match error {
                NodeError::Api(error) => error.kubectl_message(),
                other => other.to_string(),
            })?;
        let mut lines: Vec<_> = lines
            .into_iter()
            .filter(|line| options.since.is_none_or(|since| line.time >= since))
            .collect();
        if let Some(tail) = options.tail {
            let keep = usize::try_from(tail).unwrap_or(0);
            let skip = lines.len().saturating_sub(keep);
            lines.drain(..skip);
        }
        let mut text = String::new();
        for line in lines {
            if options.prefix {
                text.push_str(&format!("[pod/{name}/{container}] "));
            }
            if options.timestamps {
                text.push_str(&kubelet_timestamp(line.time));
                text.push(' ');
            }
            text.push_str(&line.line);
            text.push('\n');
        }
        if let Some(limit) = options.limit_bytes
            && text.len() > limit
        {
            let mut cut = limit;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        output.stdout.push_str(&text);
    }
    Ok(())
}

/// The kubelet's log timestamp: RFC 3339 with nine fraction digits
/// (`timestampFormat` in `pkg/kubelet/kuberuntime/logs/logs.go`), e.g.
/// `2025-01-01T00:00:05.120000000Z` for 5.12 s past midnight.
pub fn kubelet_timestamp(time: SimTime) -> String {
    let base = time.truncated_to_seconds().to_rfc3339();
    let nanos = time.unix_millis().rem_euclid(1000) * 1_000_000;
    format!("{}.{nanos:09}Z", &base[..base.len() - 1])
}

#[cfg(test)]
mod tests {
    use crate::kubectl::run;
    use crate::{Simulation, SimulationConfig};

    const TWO_CONTAINERS: &str = "apiVersion: v1
kind: Pod
metadata:
  name: pair
spec:
  containers:
  - name: app
    image: busybox
    command: [sh, -c, 'echo app started; sleep 3600']
  - name: side
    image: busybox
    command: [sh, -c, 'echo side started; sleep 3600']
";

    #[test]
    fn the_first_container_is_the_default_with_kubectls_notice() {
        let mut simulation = Simulation::new(SimulationConfig::default());
        assert_eq!(
            run(&mut simulation, "kubectl apply -f -", TWO_CONTAINERS).exit_code,
            0
        );
        // No node yet: the API server has no log location and the log is empty.
        let unscheduled = run(&mut simulation, "kubectl logs pair", "");
        assert_eq!(
            (unscheduled.stdout.as_str(), unscheduled.exit_code),
            ("", 0)
        );
        // Bound, not started yet: the kubelet's words, through the API server.
        simulation.run_until_idle(1_000_000).unwrap();
        let waiting = run(&mut simulation, "kubectl logs pair", "");
        assert_eq!(
            waiting.stderr,
            "Defaulted container \"app\" out of: app, side\nError from server (BadRequest): container \"app\" in pod \"pair\" is waiting to start: ContainerCreating\n"
        );
        run(&mut simulation, "sim settle", "");
        let logs = run(&mut simulation, "kubectl logs pair", "");
        assert_eq!(logs.stdout, "app started\n");
        assert_eq!(
            logs.stderr,
            "Defaulted container \"app\" out of: app, side\n"
        );
        assert_eq!(
            run(&mut simulation, "kubectl logs pair side", "").stdout,
            "side started\n"
        );
        let all = run(
            &mut simulation,
            "kubectl logs pair --all-containers --prefix",
            "",
        );
        assert_eq!(
            all.stdout,
            "[pod/pair/app] app started\n[pod/pair/side] side started\n"
        );
        let previous = run(&mut simulation, "kubectl logs pair -c side -p", "");
        assert_eq!(
            previous.stderr,
            "Error from server (BadRequest): previous terminated container \"side\" in pod \"pair\" not found\n"
        );
        let wrong = run(&mut simulation, "kubectl logs pair -c nope", "");
        assert_eq!(
            wrong.stderr,
            "error: container nope is not valid for pod pair\n"
        );
    }

    #[test]
    fn previous_shows_the_crashed_instance() {
        let mut simulation = Simulation::new(SimulationConfig::default());
        run(&mut simulation, "kubectl apply -f -", TWO_CONTAINERS);
        run(&mut simulation, "sim settle", "");
        assert_eq!(
            run(&mut simulation, "sim pod crash pair -c app", "").exit_code,
            0
        );
        run(&mut simulation, "sim advance 30s", "");
        let previous = run(&mut simulation, "kubectl logs pair -c app --previous", "");
        assert_eq!(
            (previous.stdout.as_str(), previous.exit_code),
            ("app started\n", 0)
        );
        let stamped = run(
            &mut simulation,
            "kubectl logs pair -c side --timestamps --tail=1",
            "",
        );
        assert!(stamped.stdout.ends_with("Z side started\n"), "{stamped:?}");
        assert_eq!(stamped.stdout.split(' ').next().map(str::len), Some(30));
    }
}
