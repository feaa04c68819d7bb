//! `kubectl drain NODE`: cordon, then evict every pod that may go, then wait
//! (on the virtual clock) until they are gone.
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/drain/drain.go` and
//! `pkg/drain/{drain.go,filters.go}`. The filters run in upstream's order:
//! deleted, DaemonSet, mirror, local storage, unreplicated. A 429 from a
//! disruption budget is retried every 5 s, as kubectl does.

use std::sync::Arc;

use crate::api_server::DeleteOptions;
use crate::api_server::eviction::EvictionError;
use crate::kubectl::commands::cordon::{select_nodes, set_unschedulable};
use crate::kubectl::outcome::{DryRun, check_flags, operation_line};
use crate::kubectl::waiting::{DEFAULT_BUDGET, WaitEnd, parse_timeout, wait_for};
use crate::kubectl::{CommandOutput, Flags};
use crate::model::Object;
use crate::model::pod::Pod;
use crate::model::registry::lookup_kind_name;
use crate::model::selector::Selector;
use crate::simulation::Simulation;
use crate::time::SimDuration;

const FLAGS: &[&str] = &[
    "ignore-daemonsets",
    "delete-emptydir-data",
    "delete-local-data",
    "force",
    "grace-period",
    "timeout",
    "pod-selector",
    "l",
    "selector",
    "disable-eviction",
    "dry-run",
    "skip-wait-for-delete-timeout",
    "chunk-size",
];

/// How a filter judged a pod (`podDeleteStatus`).
enum Verdict {
    Delete,
    Skip,
    Warn(&'static str),
    Fail(&'static str),
}

fn judge(simulation: &Simulation, pod: &Pod, flags: &Flags) -> Verdict {
    let phase = pod.phase();
    let terminal = phase == "Succeeded" || phase == "Failed";
    let controller = pod.metadata.controller_ref();
    // daemonSetFilter: DaemonSet pods stay (the DaemonSet would recreate them).
    if let Some(owner) = controller.filter(|owner| owner.kind == "DaemonSet") {
        if !terminal {
            let daemon_set_type = lookup_kind_name("DaemonSet").expect("DaemonSet is served");
            if simulation
                .api()
                .get_ref(daemon_set_type, pod.metadata.namespace(), &owner.name)
                .is_none()
            {
                // The DaemonSet is gone: an orphan, as upstream's filter treats a missing owner with --force.
                if !flags.has("force") {
                    return Verdict::Fail("Pods declare no controller (use --force to override)");
                }
                return Verdict::Warn("deleting Pods that declare no controller");
            }
            if !flags.has("ignore-daemonsets") {
                return Verdict::Fail("DaemonSet-managed Pods (use --ignore-daemonsets to ignore)");
            }
            return Verdict::Warn("ignoring DaemonSet-managed Pods");
        }
    }
    // mirrorPodFilter: static pods belong to their kubelet.
    if pod
        .metadata
        .annotation("kubernetes.io/config.mirror")
        .is_some()
    {
        return Verdict::Skip;
    }
    // localStorageFilter: emptyDir data dies with the pod.
    let has_empty_dir = pod
        .spec
        .as_ref()
        .and_then(|spec| spec.volumes.as_ref())
        .into_iter()
        .flatten()
        .any(|volume| volume.get("emptyDir").is_some());
    let mut warning = None;
    if has_empty_dir && !terminal {
        if !(flags.has("delete-emptydir-data") || flags.has("delete-local-data")) {
            return Verdict::Fail(
                "Pods with local storage (use --delete-emptydir-data to override)",
            );
        }
        warning = Some("deleting Pods with local storage");
    }
    // unreplicatedFilter: nothing would bring a bare pod back.
    if controller.is_none() && !terminal {
        if !flags.has("force") {
            return Verdict::Fail("Pods declare no controller (use --force to override)");
        }
        return Verdict::Warn("deleting Pods that declare no controller");
    }
    match warning {
        Some(message) => Verdict::Warn(message),
        None => Verdict::Delete,
    }
}

/// `msg: ns/a, ns/b` groups in message order (upstream iterates a Go map; sorted here).
fn grouped(entries: &[(&'static str, String)]) -> Vec<String> {
    let mut messages: Vec<&str> = entries.iter().map(|(message, _)| *message).collect();
    messages.sort();
    messages.dedup();
    messages
        .into_iter()
        .map(|message| {
            let pods: Vec<&str> = entries
                .iter()
                .filter(|(m, _)| *m == message)
                .map(|(_, pod)| pod.as_str())
                .collect();
            format!("{message}: {}", pods.join(", "))
        })
        .collect()
}

pub fn run(simulation: &mut Simulation, flags: &Flags) -> CommandOutput {
    if let Err(output) = check_flags(flags, "drain", FLAGS) {
        return output;
    }
    let dry_run = match DryRun::from_flags(flags) {
        Ok(dry_run) => dry_run,
        Err(output) => return output,
    };
    let grace_period = match flags.value("grace-period") {
        None => -1,
        Some(text) => match text.parse::<i64>() {
            Ok(value) => value,
            Err(_) => {
                return CommandOutput::error(format!(
                    "error: invalid argument \"{text}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax"
                ));
            }
        },
    };
    let timeout = match flags.value("timeout") {
        None => DEFAULT_BUDGET,
        Some(text) => match parse_timeout("timeout", text) {
            Ok(duration) if duration > SimDuration::ZERO => duration,
            Ok(_) => DEFAULT_BUDGET,
            Err(message) => return CommandOutput::error(message),
        },
    };
    let pod_selector = match flags.value("pod-selector") {
        None => Selector::everything(),
        Some(text) => match Selector::parse(text) {
            Ok(selector) => selector,
            Err(error) => return CommandOutput::error(format!("error: {error}")),
        },
    };
    let (nodes, errors) = match select_nodes(simulation, flags, "drain", "drain NODE") {
        Ok(selected) => selected,
        Err(output) => return output,
    };
    let mut output = CommandOutput::default();
    if !errors.is_empty() {
        return crate::kubectl::outcome::finish(String::new(), String::new(), &errors);
    }
    let deadline = simulation.now() + timeout;
    for (index, node) in nodes.iter().enumerate() {
        match set_unschedulable(simulation, node, true, dry_run) {
            Ok(operation) => output.stdout.push_str(&operation_line(
                node.resource_type(),
                node.name(),
                operation,
                dry_run,
                None,
            )),
            Err(error) => {
                output
                    .stderr
                    .push_str(&crate::kubectl::outcome::render_errors(&[error]));
                output.exit_code = 1;
                return output;
            }
        }
        let pod_type = lookup_kind_name("Pod").expect("Pod is served");
        let pods: Vec<Arc<Object>> = simulation
            .api()
            .list(pod_type, None)
            .filter(|object| {
                object.as_::<Pod>().is_some_and(|pod| {
                    pod.node_name() == node.name()
                        && pod_selector.matches(pod.metadata.labels_or_empty())
                })
            })
            .cloned()
            .collect();
        let mut to_evict: Vec<Arc<Object>> = Vec::new();
        let mut warnings: Vec<(&'static str, String)> = Vec::new();
        let mut failures: Vec<(&'static str, String)> = Vec::new();
        for object in &pods {
            let Some(pod) = object.as_::<Pod>() else {
                continue;
            };
            let id = format!("{}/{}", pod.metadata.namespace(), pod.metadata.name());
            match judge(simulation, pod, flags) {
                Verdict::Delete => to_evict.push(object.clone()),
                Verdict::Skip => {}
                Verdict::Warn(message) => {
                    if message != "ignoring DaemonSet-managed Pods" {
                        to_evict.push(object.clone());
                    }
                    warnings.push((message, id));
                }
                Verdict::Fail(message) => failures.push((message, id)),
            }
        }
        if !failures.is_empty() {
            let messages: Vec<String> = grouped(&failures)
                .into_iter()
                .map(|m| format!("cannot delete {m}"))
                .collect();
            let joined = match messages.as_slice() {
                [single] => single.clone(),
                many => format!("[{}]", many.join(", ")),
            };
            output.stderr.push_str(&format!(
                "error: unable to drain node {:?} due to error: {joined}, continuing command...\nThere are pending nodes to be drained:\n",
                node.name()
            ));
            for pending in &nodes[index..] {
                output.stderr.push_str(&format!(" {}\n", pending.name()));
            }
            for message in messages {
                output.stderr.push_str(&format!("{message}\n"));
            }
            output.exit_code = 1;
            return output;
        }
        if !warnings.is_empty() {
            output
                .stderr
                .push_str(&format!("Warning: {}\n", grouped(&warnings).join("; ")));
        }
        let options = DeleteOptions {
            grace_period_seconds: (grace_period >= 0).then_some(grace_period),
            ..DeleteOptions::default()
        };
        let suffix = dry_run.suffix();
        let disable_eviction = flags.has("disable-eviction");
        for object in &to_evict {
            output.stdout.push_str(&format!(
                "{} pod {}/{}{suffix}\n",
                if disable_eviction {
                    "deleting"
                } else {
                    "evicting"
                },
                object.namespace(),
                object.name()
            ));
        }
        if dry_run != DryRun::None {
            output.stdout.push_str(&operation_line(
                node.resource_type(),
                node.name(),
                "drained",
                dry_run,
                None,
            ));
            continue;
        }
        // Evict, retrying refused evictions every 5 s; then wait until each pod is gone.
        let failed = evict_and_wait(
            simulation,
            to_evict,
            &options,
            disable_eviction,
            deadline,
            &mut output,
        );
        if let Err(message) = failed {
            output.stderr.push_str(&format!(
                "error: unable to drain node {:?} due to error: {message}, continuing command...\nThere are pending nodes to be drained:\n",
                node.name()
            ));
            for pending_node in &nodes[index..] {
                output
                    .stderr
                    .push_str(&format!(" {}\n", pending_node.name()));
            }
            output.stderr.push_str(&format!("{message}\n"));
            output.exit_code = 1;
            return output;
        }
        output.stdout.push_str(&operation_line(
            node.resource_type(),
            node.name(),
            "drained",
            dry_run,
            None,
        ));
    }
    output
}

/// Evicts (or deletes) every pod, retrying 429s every 5 s, then waits until each
/// is gone, printing `pod/NAME evicted` as it goes. Errors are kubectl's words.
fn evict_and_wait(
    simulation: &mut Simulation,
    pods: Vec<Arc<Object>>,
    options: &DeleteOptions,
    disable_eviction: bool,
    deadline: crate::time::SimTime,
    output: &mut CommandOutput,
) -> Result<(), String> {
    let retry = SimDuration::from_secs(5);
    let mut remaining = pods;
    let mut waiting: Vec<Arc<Object>> = Vec::new();
    let pod_type = lookup_kind_name("Pod").expect("Pod is served");
    while !remaining.is_empty() {
        let mut refused = Vec::new();
        for pod in remaining {
            let result = if disable_eviction {
                simulation
                    .api_mut()
                    .delete(pod_type, pod.namespace(), pod.name(), options)
                    .map_err(EvictionError::Api)
            } else {
                simulation
                    .api_mut()
                    .evict(pod.namespace(), pod.name(), options)
            };
            match result {
                Ok(_) => waiting.push(pod),
                Err(EvictionError::Api(error)) if error.is_not_found() => {}
                Err(EvictionError::TooManyRequests { message, .. }) => {
                    output.stderr.push_str(&format!(
                        "error when evicting pods/{:?} -n {:?} (will retry after 5s): {message}\n",
                        pod.name(),
                        pod.namespace()
                    ));
                    refused.push(pod);
                }
                Err(EvictionError::Api(error)) => {
                    return Err(format!(
                        "error when evicting pods/{:?} -n {:?}: {error}",
                        pod.name(),
                        pod.namespace()
                    ));
                }
            }
        }
        remaining = refused;
        if remaining.is_empty() {
            break;
        }
        if simulation.now() + retry > deadline {
            let pod = &remaining[0];
            return Err(format!(
                "error when evicting pods/{:?} -n {:?}: global timeout reached: {}",
                pod.name(),
                pod.namespace(),
                (deadline - simulation.now())
                    .max(SimDuration::ZERO)
                    .to_go_string()
            ));
        }
        let next = simulation.now() + retry;
        simulation
            .advance_to(next)
            .map_err(|error| error.to_string())?;
    }
    let mut printed = vec![false; waiting.len()];
    let timeout = (deadline - simulation.now()).max(SimDuration::ZERO);
    let ended = wait_for(simulation, timeout, |simulation| {
        for (pod, printed) in waiting.iter().zip(printed.iter_mut()) {
            let gone = simulation
                .api()
                .get_ref(pod_type, pod.namespace(), pod.name())
                .is_none_or(|current| current.metadata().uid() != pod.metadata().uid());
            if gone && !*printed {
                output
                    .stdout
                    .push_str(&format!("pod/{} evicted\n", pod.name()));
                *printed = true;
            }
        }
        printed.iter().all(|done| *done).then_some(())
    });
    match ended {
        WaitEnd::Done(()) => Ok(()),
        WaitEnd::TimedOut => {
            let stuck = waiting
                .iter()
                .find(|pod| simulation.api().get_ref(pod_type, pod.namespace(), pod.name()).is_some())
                .map(|pod| format!("error when waiting for pod {:?} in namespace {:?} to terminate: timed out waiting for the condition", pod.name(), pod.namespace()))
                .unwrap_or_else(|| "timed out waiting for the condition".to_string());
            Err(stuck)
        }
        WaitEnd::Stuck(message) => Err(message),
    }
}
