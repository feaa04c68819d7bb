//! The pod worker: moves one pod's sandbox and containers forward in time, as the
//! kubelet's `syncPod` and the runtime manager's `computePodActions`/`SyncPod` do.
//!
//! Upstream: `pkg/kubelet/kubelet.go` (syncPod, syncTerminatingPod),
//! `pkg/kubelet/kuberuntime/kuberuntime_manager.go` (computePodActions, doBackOff),
//! `pkg/kubelet/kuberuntime/kuberuntime_container.go` (startContainer, killContainer),
//! `pkg/kubelet/images/image_manager.go` (EnsureImageExists).
//!
//! The worker applies every transition that is due at or before `now`, in time
//! order, and reports when the next one is due. Timings:
//! - the sandbox (pause container, network) is ready [`SANDBOX_SETUP`] after the
//!   kubelet first sees the pod;
//! - pulls take the registry's time and are serialized per node;
//! - a container's exit is noticed at once; the restart decision comes one PLEG
//!   relist ([`PLEG_RELIST`]) later, so `kubectl get pods -w` shows `Error` before
//!   `CrashLoopBackOff`, as on a real node.
//!   Deviation: upstream's pod worker retries a backed-off container on a jittered
//!   10–15 s timer; kubesim restarts it exactly when the back-off ends.

use crate::model::pod::{Container, Pod, PodSpec, Probe};
use crate::node::behaviour::{Answer, Behaviour, Query, STRESS_ALLOCATION_DELAY, short_repository};
use crate::node::image_registry::{self, PullOutcome};
use crate::node::kubelet::backoff;
use crate::node::kubelet::prober::{self, ProbeKind};
use crate::node::runtime::{
    CachedImage, ContainerInstance, ContainerPhase, ContainerRuntime, Finished, NodeState,
    PodRuntime, ProbeState,
};
use crate::time::{SimDuration, SimTime};

/// How long the sandbox takes (RunPodSandbox and the CNI's ADD).
pub const SANDBOX_SETUP: SimDuration = SimDuration::from_millis(500);
/// The PLEG relist period: how long until the kubelet acts on a container's exit.
pub const PLEG_RELIST: SimDuration = SimDuration::from_secs(1);
/// How long a server that handles SIGTERM takes to exit.
const SIGTERM_EXIT: SimDuration = SimDuration::from_millis(100);
/// The most transitions one sync applies: a budget, never a hang.
const MAX_TRANSITIONS: usize = 10_000;

/// An event the worker wants recorded about the pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingEvent {
    pub field_path: String,
    pub warning: bool,
    pub reason: &'static str,
    pub message: String,
}

/// What a sync did.
#[derive(Debug, Default)]
pub struct SyncResult {
    pub events: Vec<PendingEvent>,
    /// When the worker must run again.
    pub next_due: Option<SimTime>,
    /// True when the pod was being deleted and every container has stopped: the
    /// kubelet finishes the deletion.
    pub finish_deletion: bool,
    /// Trace lines (`kubelet worker-1 started default/web container nginx`).
    pub traces: Vec<String>,
}

/// What the worker knows about the node.
pub struct NodeAddresses<'a> {
    pub node_name: &'a str,
    pub host_ip: &'a str,
    /// The first three octets of the node's /24 pod range (`10.244.1`).
    pub pod_cidr_prefix: Option<&'a str>,
}

fn field_path(container: &ContainerRuntime) -> String {
    if container.is_init {
        format!("spec.initContainers{{{}}}", container.name)
    } else {
        format!("spec.containers{{{}}}", container.name)
    }
}

/// `format.Pod`: `name_namespace(uid)`.
pub fn format_pod(pod: &Pod) -> String {
    format!(
        "{}_{}({})",
        pod.metadata.name(),
        pod.metadata.namespace(),
        pod.metadata.uid()
    )
}

fn new_container(spec: &Container, is_init: bool) -> ContainerRuntime {
    ContainerRuntime {
        name: spec.name.clone().unwrap_or_default(),
        image: spec.image.clone().unwrap_or_default(),
        is_init,
        phase: ContainerPhase::Waiting {
            reason: String::new(),
            message: String::new(),
        },
        current: None,
        previous: None,
        restart_count: 0,
        crash_backoff: None,
        readiness: ProbeState::default(),
        liveness: ProbeState::default(),
        startup: ProbeState::default(),
        started: false,
        image_name: None,
        image_id: None,
    }
}

/// Creates the runtime entry for a pod the kubelet sees for the first time.
pub fn admit_pod(
    pod: &Pod,
    node: &mut NodeState,
    addresses: &NodeAddresses<'_>,
    now: SimTime,
) -> PodRuntime {
    let spec = pod.spec.as_ref().cloned().unwrap_or_default();
    let host_network = spec.host_network == Some(true);
    let (pod_ip, ip_octet) = if host_network {
        (Some(addresses.host_ip.to_string()), None)
    } else {
        match addresses
            .pod_cidr_prefix
            .and_then(|prefix| allocate_ip(node).map(|o| (prefix, o)))
        {
            Some((prefix, octet)) => (Some(format!("{prefix}.{octet}")), Some(octet)),
            None => (None, None),
        }
    };
    PodRuntime {
        uid: pod.metadata.uid().to_string(),
        node: addresses.node_name.to_string(),
        start_time: Some(now),
        sandbox_ready_at: Some(now + SANDBOX_SETUP),
        pod_ip,
        ip_octet,
        init_containers: spec
            .init_containers
            .iter()
            .flatten()
            .map(|c| new_container(c, true))
            .collect(),
        containers: spec
            .containers
            .iter()
            .flatten()
            .map(|c| new_container(c, false))
            .collect(),
        killing_since: None,
        kill_deadline: None,
        terminal_phase: None,
    }
}

/// host-local IPAM: the next free address after the last one handed out, from .2
/// to .254 (.1 is the bridge's gateway), wrapping around.
fn allocate_ip(node: &mut NodeState) -> Option<u32> {
    for step in 1..=253 {
        let candidate = (node.last_ip.max(1) + step - 2) % 253 + 2;
        if node.ips_in_use.insert(candidate) {
            node.last_ip = candidate;
            return Some(candidate);
        }
    }
    None
}

/// Frees what a pod held on its node.
pub fn release_pod(pod: &PodRuntime, node: &mut NodeState) {
    if let Some(octet) = pod.ip_octet {
        node.ips_in_use.remove(&octet);
    }
    let prefix = format!("{}_", pod.uid);
    node.image_backoff
        .retain(|key, _| !key.starts_with(&prefix));
}

/// The container spec for a runtime entry.
fn container_spec<'a>(spec: &'a PodSpec, container: &ContainerRuntime) -> Option<&'a Container> {
    let list = if container.is_init {
        spec.init_containers.as_ref()
    } else {
        spec.containers.as_ref()
    };
    list?
        .iter()
        .find(|c| c.name.as_deref() == Some(container.name.as_str()))
}

fn restart_policy(spec: &PodSpec) -> &str {
    spec.restart_policy.as_deref().unwrap_or("Always")
}

/// Whether a container that exited with `exit_code` is started again.
fn should_restart(spec: &PodSpec, container: &ContainerRuntime, exit_code: i32) -> bool {
    match restart_policy(spec) {
        "Never" => false,
        "OnFailure" => exit_code != 0,
        _ => !container.is_init || exit_code != 0,
    }
}

/// Answers a container's query against the live cluster (DNS, Services).
pub type Resolver<'a> = &'a dyn Fn(&Query) -> Answer;

/// The sync's working set.
struct Worker<'a> {
    pod: &'a Pod,
    resolver: Resolver<'a>,
    spec: &'a PodSpec,
    node: &'a mut NodeState,
    result: SyncResult,
    container_sequence: &'a mut u64,
}

impl Worker<'_> {
    fn event(
        &mut self,
        container: &ContainerRuntime,
        warning: bool,
        reason: &'static str,
        message: String,
    ) {
        self.result.events.push(PendingEvent {
            field_path: field_path(container),
            warning,
            reason,
            message,
        });
    }
}

/// Moves the pod forward to `now`.
pub fn sync(
    pod: &Pod,
    runtime: &mut PodRuntime,
    node: &mut NodeState,
    container_sequence: &mut u64,
    resolver: Resolver<'_>,
    now: SimTime,
) -> SyncResult {
    let spec = pod.spec_or_empty();
    let spec: &PodSpec = &spec;
    let mut worker = Worker {
        pod,
        resolver,
        spec,
        node,
        result: SyncResult::default(),
        container_sequence,
    };
    // Deletion: stop every running container with the pod's grace period.
    if pod.metadata.is_being_deleted() && runtime.killing_since.is_none() {
        let grace = SimDuration::from_secs(
            pod.metadata
                .deletion_grace_period_seconds
                .unwrap_or(0)
                .max(0),
        );
        runtime.killing_since = Some(now);
        runtime.kill_deadline = Some(now + grace);
        for index in 0..runtime.init_containers.len() + runtime.containers.len() {
            let container = container_at(runtime, index);
            if container
                .current
                .as_ref()
                .is_some_and(ContainerInstance::is_running)
            {
                let name = container.name.clone();
                stop_container(container, now, now + grace);
                let container = container_at(runtime, index).clone();
                worker.event(
                    &container,
                    false,
                    "Killing",
                    format!("Stopping container {name}"),
                );
            }
        }
    }
    for _ in 0..MAX_TRANSITIONS {
        let Some((due, index)) = next_transition(runtime, worker.spec) else {
            break;
        };
        if due > now {
            break;
        }
        apply_transition(&mut worker, runtime, index, due.max(now.min(due)), now);
    }
    if runtime.killing_since.is_some() {
        let all_stopped = runtime
            .init_containers
            .iter()
            .chain(runtime.containers.iter())
            .all(|c| c.current.as_ref().is_none_or(|i| !i.is_running()));
        worker.result.finish_deletion = all_stopped;
    }
    worker.result.next_due = next_transition(runtime, worker.spec).map(|(due, _)| due);
    if let Some(probe_due) = next_probe_flip(runtime, worker.spec) {
        worker.result.next_due = Some(
            worker
                .result
                .next_due
                .map_or(probe_due, |due| due.min(probe_due)),
        );
    }
    worker.result
}

fn container_at(runtime: &mut PodRuntime, index: usize) -> &mut ContainerRuntime {
    let init_count = runtime.init_containers.len();
    if index < init_count {
        &mut runtime.init_containers[index]
    } else {
        &mut runtime.containers[index - init_count]
    }
}

fn container_ref(runtime: &PodRuntime, index: usize) -> &ContainerRuntime {
    let init_count = runtime.init_containers.len();
    if index < init_count {
        &runtime.init_containers[index]
    } else {
        &runtime.containers[index - init_count]
    }
}

/// Sends SIGTERM at `at`; the container exits on its own or is killed at `deadline`.
fn stop_container(container: &mut ContainerRuntime, at: SimTime, deadline: SimTime) {
    let image = container.image.clone();
    let Some(instance) = container.current.as_mut().filter(|i| i.is_running()) else {
        return;
    };
    instance.stopping = Some((at, deadline));
    let _ = image;
}

/// When and how a running instance ends, all causes considered.
fn instance_end(instance: &ContainerInstance, image: &str) -> Option<(SimTime, i32, &'static str)> {
    let mut end = instance.natural_exit;
    if let Some((term_at, deadline)) = instance.stopping {
        let stop = if handles_sigterm(&instance.behaviour, image) {
            let code = if known_server(image) { 0 } else { 143 };
            let at = (term_at + SIGTERM_EXIT).min(deadline);
            (at, code, if code == 0 { "Completed" } else { "Error" })
        } else {
            (deadline, 137, "Error")
        };
        if end.is_none_or(|(at, _, _)| stop.0 < at) {
            end = Some(stop);
        }
    }
    end
}

/// Servers exit on SIGTERM; a shell or `sleep` running as PID 1 ignores it and is
/// killed when the grace period ends (the classic 30-second delete).
fn handles_sigterm(behaviour: &Behaviour, _image: &str) -> bool {
    behaviour.service != crate::node::behaviour::Service::None
}

fn known_server(image: &str) -> bool {
    matches!(
        short_repository(image),
        "nginx" | "httpd" | "redis" | "postgres" | "mysql" | "mariadb" | "memcached" | "mongo"
    )
}

/// The earliest due transition: (time, container index in init-then-regular order).
fn next_transition(runtime: &PodRuntime, spec: &PodSpec) -> Option<(SimTime, usize)> {
    let mut best: Option<(SimTime, usize)> = None;
    let count = runtime.init_containers.len() + runtime.containers.len();
    for index in 0..count {
        if let Some(due) = container_due(runtime, spec, index)
            && best.is_none_or(|(time, _)| due < time)
        {
            best = Some((due, index));
        }
    }
    best
}

/// True when every init container before `index` has completed.
fn predecessors_done(runtime: &PodRuntime, index: usize) -> Option<SimTime> {
    let init_count = runtime.init_containers.len();
    let limit = index.min(init_count);
    let mut done_at = runtime.sandbox_ready_at?;
    for container in &runtime.init_containers[..limit] {
        let finished = container.current.as_ref()?.finished.as_ref()?;
        if finished.exit_code != 0 {
            return None;
        }
        done_at = done_at.max(finished.at);
    }
    Some(done_at)
}

fn container_due(runtime: &PodRuntime, spec: &PodSpec, index: usize) -> Option<SimTime> {
    let container = container_ref(runtime, index);
    if runtime.terminal_phase.is_some() {
        return None;
    }
    match &container.phase {
        ContainerPhase::Waiting { reason, .. } => {
            if runtime.killing_since.is_some() || !reason.is_empty() {
                return None;
            }
            predecessors_done(runtime, index)
        }
        ContainerPhase::Pulling { done_at, .. } => Some(*done_at),
        ContainerPhase::PullBackOff {
            retry_at,
            backoff_shown_at,
            shown,
            ..
        } => {
            if runtime.killing_since.is_some() {
                None
            } else if *shown {
                Some(*retry_at)
            } else {
                Some(*backoff_shown_at)
            }
        }
        ContainerPhase::Running => {
            let instance = container.current.as_ref()?;
            let end = instance_end(instance, &container.image).map(|(at, _, _)| at);
            let query = instance
                .waiting_on
                .as_ref()
                .filter(|_| instance.stopping.is_none())
                .map(|(at, _)| *at);
            match (end, query) {
                (Some(end), Some(query)) => Some(end.min(query)),
                (end, query) => end.or(query),
            }
        }
        ContainerPhase::Exited { restart_at } => {
            if runtime.killing_since.is_some() {
                return None;
            }
            let finished = container.current.as_ref()?.finished.as_ref()?;
            match restart_at {
                Some(at) => Some(*at),
                None if should_restart(spec, container, finished.exit_code)
                    && !decided(container) =>
                {
                    Some(finished.at + PLEG_RELIST)
                }
                None => None,
            }
        }
    }
}

/// True once the kubelet decided not to restart (or is waiting out a back-off).
fn decided(container: &ContainerRuntime) -> bool {
    matches!(
        container.phase,
        ContainerPhase::Exited {
            restart_at: Some(_)
        }
    )
}

fn apply_transition(
    worker: &mut Worker<'_>,
    runtime: &mut PodRuntime,
    index: usize,
    due: SimTime,
    now: SimTime,
) {
    let phase = container_ref(runtime, index).phase.clone();
    match phase {
        ContainerPhase::Waiting { .. } => ensure_image(worker, runtime, index, due),
        ContainerPhase::Pulling {
            requested_at,
            started_at,
            done_at,
            size_bytes,
            failure,
        } => {
            let container = container_ref(runtime, index).clone();
            match failure {
                None => {
                    let reference = image_registry::parse_reference(&container.image).ok();
                    if let Some(reference) = &reference {
                        worker.node.images.insert(
                            reference.full_name(),
                            CachedImage {
                                image_id: reference.image_id(),
                                size_bytes,
                            },
                        );
                        worker.node.images_changed = true;
                    }
                    worker.event(
                        &container,
                        false,
                        "Pulled",
                        format!(
                            "Successfully pulled image \"{}\" in {} ({} including waiting). Image size: {size_bytes} bytes.",
                            container.image,
                            (done_at - started_at).to_go_string(),
                            (done_at - requested_at).to_go_string(),
                        ),
                    );
                    start_container(worker, runtime, index, done_at);
                }
                Some(message) => {
                    worker.event(
                        &container,
                        true,
                        "Failed",
                        format!("Failed to pull image \"{}\": {message}", container.image),
                    );
                    worker.event(
                        &container,
                        true,
                        "Failed",
                        "Error: ErrImagePull".to_string(),
                    );
                    let key = format!("{}_{}", runtime.uid, container.image);
                    let entry = backoff::next(
                        worker.node.image_backoff.get(&key).copied(),
                        done_at,
                        done_at,
                    );
                    worker.node.image_backoff.insert(key, entry);
                    let target = container_at(runtime, index);
                    target.phase = ContainerPhase::PullBackOff {
                        retry_at: done_at + entry.duration,
                        backoff_shown_at: done_at + PLEG_RELIST,
                        message,
                        shown: false,
                    };
                }
            }
        }
        ContainerPhase::PullBackOff {
            retry_at,
            backoff_shown_at,
            message,
            shown,
        } => {
            if shown {
                ensure_image(worker, runtime, index, retry_at);
            } else {
                let container = container_ref(runtime, index).clone();
                let back_off = format!("Back-off pulling image \"{}\"", container.image);
                worker.event(&container, false, "BackOff", back_off);
                worker.event(
                    &container,
                    true,
                    "Failed",
                    "Error: ImagePullBackOff".to_string(),
                );
                container_at(runtime, index).phase = ContainerPhase::PullBackOff {
                    retry_at,
                    backoff_shown_at,
                    message,
                    shown: true,
                };
            }
        }
        ContainerPhase::Running => {
            let container = container_at(runtime, index);
            let image = container.image.clone();
            let Some(instance) = container.current.as_mut() else {
                return;
            };
            let end = instance_end(instance, &image);
            if let Some((asked_at, query)) = instance.waiting_on.clone()
                && instance.stopping.is_none()
                && end.is_none_or(|(at, _, _)| asked_at < at)
            {
                answer_query(instance, asked_at, &query, worker.resolver);
                return;
            }
            let Some((at, exit_code, reason)) = end else {
                return;
            };
            instance.finished = Some(Finished {
                at,
                exit_code,
                reason,
                message: None,
            });
            let name = container.name.clone();
            container.phase = ContainerPhase::Exited { restart_at: None };
            container.readiness.result = Some(false);
            container.started = false;
            worker.result.traces.push(format!(
                "container {name} exited with code {exit_code} ({reason})"
            ));
            if !container.is_init {
                update_terminal_phase(runtime, worker.spec);
            } else if exit_code != 0 && restart_policy(worker.spec) == "Never" {
                runtime.terminal_phase = Some("Failed");
            }
        }
        ContainerPhase::Exited { restart_at } => {
            let pod_label = format_pod(worker.pod);
            let container = container_ref(runtime, index).clone();
            let Some(finished) = container.current.as_ref().and_then(|i| i.finished.clone()) else {
                return;
            };
            match restart_at {
                Some(_) => {
                    // The back-off ended: `doBackOff` lets it start and moves the entry on.
                    let entry = backoff::next(container.crash_backoff, finished.at, due);
                    container_at(runtime, index).crash_backoff = Some(entry);
                    restart(worker, runtime, index, due);
                }
                None => {
                    if backoff::in_backoff_since(container.crash_backoff.as_ref(), finished.at, due)
                    {
                        let entry = container.crash_backoff.unwrap_or(backoff::Backoff {
                            duration: backoff::INITIAL_BACKOFF,
                            last_update: due,
                        });
                        worker.event(
                            &container,
                            true,
                            "BackOff",
                            format!(
                                "Back-off restarting failed container {} in pod {pod_label}",
                                container.name
                            ),
                        );
                        container_at(runtime, index).phase = ContainerPhase::Exited {
                            restart_at: Some(finished.at + entry.duration),
                        };
                    } else {
                        let entry = backoff::next(container.crash_backoff, finished.at, due);
                        container_at(runtime, index).crash_backoff = Some(entry);
                        restart(worker, runtime, index, due);
                    }
                }
            }
        }
    }
    let _ = now;
}

/// Re-interpret a steadily polling program at least every this many answers.
const POLL_RESYNC_ANSWERS: usize = 64;

/// Answers the query a running program reached at `asked_at`, then moves the
/// program on: its exit, or its next query.
///
/// Cost: interpreting the program from its start after every answer would make
/// an init container that polls for an hour cost 1800² steps. A loop that asks
/// the same query, gets the same answer as last time and polled at the same
/// interval twice in a row repeats itself, so the kubelet schedules the next check
/// one interval later without interpreting; it interprets again when an answer
/// changes (so the exit is exact) and every [`POLL_RESYNC_ANSWERS`] answers.
fn answer_query(
    instance: &mut ContainerInstance,
    asked_at: SimTime,
    query: &Query,
    resolver: Resolver<'_>,
) {
    let answer = resolver(query);
    let steady = instance
        .last_poll
        .as_ref()
        .and_then(|(at, last_query, period)| {
            let interval = asked_at - *at;
            (last_query == query
                && *period == Some(interval)
                && interval > SimDuration::ZERO
                && instance.behaviour.answers.last() == Some(&answer)
                && !instance
                    .behaviour
                    .answers
                    .len()
                    .is_multiple_of(POLL_RESYNC_ANSWERS))
            .then_some(interval)
        });
    let period = instance.last_poll.as_ref().map(|(at, _, _)| asked_at - *at);
    instance.behaviour.answers.push(answer);
    instance.last_poll = Some((asked_at, query.clone(), period));
    if let Some(interval) = steady {
        instance.waiting_on = Some((asked_at + interval, query.clone()));
        return;
    }
    let outcome = instance.behaviour.outcome(&instance.hostname);
    let started_at = instance.started_at;
    instance.waiting_on = outcome
        .pending
        .map(|(offset, query)| ((started_at + offset).max(asked_at), query));
    instance.natural_exit = outcome.exit.map(|(offset, code)| {
        (
            started_at + offset,
            code,
            if code == 0 { "Completed" } else { "Error" },
        )
    });
}

/// Once every regular container has exited for good, the pod is terminal.
fn update_terminal_phase(runtime: &mut PodRuntime, spec: &PodSpec) {
    let mut all_done = true;
    let mut all_succeeded = true;
    for container in &runtime.containers {
        let Some(finished) = container.current.as_ref().and_then(|i| i.finished.as_ref()) else {
            all_done = false;
            continue;
        };
        if should_restart(spec, container, finished.exit_code) && runtime.killing_since.is_none() {
            all_done = false;
        }
        if finished.exit_code != 0 {
            all_succeeded = false;
        }
    }
    if all_done && !runtime.containers.is_empty() {
        runtime.terminal_phase = Some(if all_succeeded { "Succeeded" } else { "Failed" });
    }
}

fn restart(worker: &mut Worker<'_>, runtime: &mut PodRuntime, index: usize, at: SimTime) {
    let container = container_at(runtime, index);
    container.previous = container.current.take();
    container.restart_count += 1;
    container.phase = ContainerPhase::Waiting {
        reason: String::new(),
        message: String::new(),
    };
    ensure_image(worker, runtime, index, at);
}

/// `EnsureImageExists`: honours imagePullPolicy, the node's cache and the pull back-off.
fn ensure_image(worker: &mut Worker<'_>, runtime: &mut PodRuntime, index: usize, at: SimTime) {
    let container = container_ref(runtime, index).clone();
    let Some(spec) = container_spec(worker.spec, &container) else {
        return;
    };
    let image = container.image.clone();
    let policy = spec.image_pull_policy.as_deref().unwrap_or("IfNotPresent");
    let reference = match image_registry::parse_reference(&image) {
        Ok(reference) => reference,
        Err(error) => {
            let message = format!("Failed to apply default image tag \"{image}\": {error}");
            worker.event(&container, true, "InspectFailed", message.clone());
            worker.event(
                &container,
                true,
                "Failed",
                "Error: InvalidImageName".to_string(),
            );
            container_at(runtime, index).phase = ContainerPhase::Waiting {
                reason: "InvalidImageName".to_string(),
                message,
            };
            return;
        }
    };
    let full_name = reference.full_name();
    let present = worker.node.images.contains_key(&full_name);
    if policy == "Never" && !present {
        let message =
            format!("Container image \"{image}\" is not present with pull policy of Never");
        worker.event(&container, true, "ErrImageNeverPull", message.clone());
        worker.event(
            &container,
            true,
            "Failed",
            "Error: ErrImageNeverPull".to_string(),
        );
        container_at(runtime, index).phase = ContainerPhase::Waiting {
            reason: "ErrImageNeverPull".to_string(),
            message,
        };
        return;
    }
    if present && policy != "Always" {
        worker.event(
            &container,
            false,
            "Pulled",
            format!("Container image \"{image}\" already present on machine"),
        );
        let cached = worker.node.images.get(&full_name).cloned();
        let target = container_at(runtime, index);
        target.image_name = Some(full_name);
        target.image_id = cached.map(|c| c.image_id);
        start_container(worker, runtime, index, at);
        return;
    }
    worker.event(
        &container,
        false,
        "Pulling",
        format!("Pulling image \"{image}\""),
    );
    let started_at = at.max(worker.node.pull_busy_until);
    let (done_at, size_bytes, failure) = match image_registry::pull(&reference) {
        PullOutcome::Found {
            size_bytes,
            duration,
        } => {
            // A cached image under `Always` only checks the manifest.
            let duration = if present {
                SimDuration::from_millis(400)
            } else {
                duration
            };
            (started_at + duration, size_bytes, None)
        }
        PullOutcome::NotFound { message, after } => (started_at + after, 0, Some(message)),
    };
    worker.node.pull_busy_until = done_at;
    let target = container_at(runtime, index);
    if failure.is_none() {
        target.image_name = Some(full_name);
        target.image_id = Some(reference.image_id());
    }
    target.phase = ContainerPhase::Pulling {
        requested_at: at,
        started_at,
        done_at,
        size_bytes,
        failure,
    };
}

/// The memory limit of a container, in bytes.
fn memory_limit_bytes(spec: &Container) -> Option<i64> {
    spec.resources
        .as_ref()?
        .limits
        .as_ref()?
        .get("memory")
        .map(|q| q.value())
}

/// `startContainer`: create, then start.
fn start_container(worker: &mut Worker<'_>, runtime: &mut PodRuntime, index: usize, at: SimTime) {
    let container = container_ref(runtime, index).clone();
    let Some(spec) = container_spec(worker.spec, &container) else {
        return;
    };
    *worker.container_sequence += 1;
    let sequence = *worker.container_sequence;
    let container_id = format!(
        "containerd://{}",
        image_registry::digest_of(&format!("{}/{}/{sequence}", runtime.uid, container.name))
            .trim_start_matches("sha256:")
    );
    let environment = super::environment::container_environment(worker.pod, spec);
    let behaviour = Behaviour::of(
        &container.image,
        &super::environment::expand_all(spec.command.as_deref().unwrap_or(&[]), &environment),
        &super::environment::expand_all(spec.args.as_deref().unwrap_or(&[]), &environment),
    )
    .with_environment(environment)
    .with_namespace(worker.pod.metadata.namespace())
    .with_pod_files(
        super::hosts_file::hosts_file(worker.pod, runtime.pod_ip.as_deref().unwrap_or("")),
        super::hosts_file::resolv_conf(worker.pod.metadata.namespace()),
    );
    let hostname = worker.pod.metadata.name().to_string();
    let outcome = behaviour.outcome(&hostname);
    let waiting_on = outcome.pending.map(|(offset, query)| (at + offset, query));
    let mut natural_exit = outcome.exit.map(|(offset, code)| {
        (
            at + offset,
            code,
            if code == 0 { "Completed" } else { "Error" },
        )
    });
    if behaviour.memory_bytes > 0
        && let Some(limit) = memory_limit_bytes(spec)
        && behaviour.memory_bytes > limit
    {
        let oom_at = at + STRESS_ALLOCATION_DELAY;
        if natural_exit.is_none_or(|(exit_at, _, _)| oom_at < exit_at) {
            natural_exit = Some((oom_at, 137, "OOMKilled"));
        }
    }
    let instance = ContainerInstance {
        container_id,
        started_at: at,
        behaviour,
        natural_exit,
        waiting_on,
        last_poll: None,
        finished: None,
        stopping: None,
        extra_logs: Vec::new(),
        hostname,
    };
    worker.event(
        &container,
        false,
        "Created",
        format!("Created container: {}", container.name),
    );
    worker.event(
        &container,
        false,
        "Started",
        format!("Started container {}", container.name),
    );
    worker.result.traces.push(format!(
        "started container {} ({})",
        container.name, container.image
    ));
    let target = container_at(runtime, index);
    let probe_state = |probe: Option<&Probe>, kind: ProbeKind| {
        probe
            .map(|p| prober::new_state(kind, p, at))
            .unwrap_or_default()
    };
    target.readiness = probe_state(spec.readiness_probe.as_ref(), ProbeKind::Readiness);
    target.liveness = probe_state(spec.liveness_probe.as_ref(), ProbeKind::Liveness);
    target.startup = probe_state(spec.startup_probe.as_ref(), ProbeKind::Startup);
    target.started = spec.startup_probe.is_none();
    if !target.started {
        target.readiness.next_tick = None;
        target.liveness.next_tick = None;
    }
    target.current = Some(instance);
    target.phase = ContainerPhase::Running;
}

/// The next probe flip of any running container.
fn next_probe_flip(runtime: &PodRuntime, spec: &PodSpec) -> Option<SimTime> {
    if runtime.killing_since.is_some() {
        return None;
    }
    let pod_ip = runtime.pod_ip.as_deref().unwrap_or("");
    let mut best: Option<SimTime> = None;
    for container in runtime
        .init_containers
        .iter()
        .chain(runtime.containers.iter())
    {
        let Some(instance) = container
            .current
            .as_ref()
            .filter(|i| i.is_running() && i.stopping.is_none())
        else {
            continue;
        };
        let Some(container_spec) = container_spec(spec, container) else {
            continue;
        };
        let probes = [
            (&container.startup, container_spec.startup_probe.as_ref()),
            (
                &container.readiness,
                container_spec.readiness_probe.as_ref(),
            ),
            (&container.liveness, container_spec.liveness_probe.as_ref()),
        ];
        for (state, probe) in probes {
            if let Some(probe) = probe
                && let Some(flip) =
                    prober::next_flip(state, probe, instance, &container.image, pod_ip)
            {
                best = Some(best.map_or(flip, |b| b.min(flip)));
            }
        }
    }
    best
}

/// Applies probe ticks up to `now` for every running container. Returns true when
/// a result changed (the status changes).
pub fn run_probes(
    pod: &Pod,
    runtime: &mut PodRuntime,
    now: SimTime,
    events: &mut Vec<PendingEvent>,
) -> bool {
    if runtime.killing_since.is_some() {
        return false;
    }
    let Some(spec) = pod.spec.as_ref() else {
        return false;
    };
    let has_probe = |c: &Container| {
        c.startup_probe.is_some() || c.readiness_probe.is_some() || c.liveness_probe.is_some()
    };
    if !spec.init_containers.iter().flatten().any(has_probe)
        && !spec.containers.iter().flatten().any(has_probe)
    {
        return false;
    }
    let pod_ip = runtime.pod_ip.clone().unwrap_or_default();
    let grace_default = spec.termination_grace_period_seconds.unwrap_or(30);
    let mut changed = false;
    let count = runtime.init_containers.len() + runtime.containers.len();
    for index in 0..count {
        let container = container_at(runtime, index);
        let Some(container_spec) = container_spec(spec, container).filter(|c| has_probe(c)) else {
            continue;
        };
        let image = container.image.clone();
        let name = container.name.clone();
        let path = field_path(container);
        let Some(instance) = container
            .current
            .clone()
            .filter(|i| i.is_running() && i.stopping.is_none())
        else {
            continue;
        };
        if let Some(probe) = container_spec.startup_probe.as_ref()
            && !container.started
            && let Some((healthy, output)) = prober::advance(
                &mut container.startup,
                probe,
                &instance,
                &image,
                &pod_ip,
                now,
            )
        {
            changed = true;
            if healthy {
                container.started = true;
                container.readiness.next_tick = container_spec
                    .readiness_probe
                    .as_ref()
                    .map(|p| now.max(instance.started_at + prober::Timing::of(p).initial_delay));
                container.liveness.next_tick = container_spec
                    .liveness_probe
                    .as_ref()
                    .map(|p| now.max(instance.started_at + prober::Timing::of(p).initial_delay));
            } else {
                events.push(PendingEvent {
                    field_path: path.clone(),
                    warning: true,
                    reason: "Unhealthy",
                    message: format!("Startup probe failed: {output}"),
                });
                events.push(PendingEvent {
                    field_path: path.clone(),
                    warning: false,
                    reason: "Killing",
                    message: format!("Container {name} failed startup probe, will be restarted"),
                });
                let grace = probe
                    .termination_grace_period_seconds
                    .unwrap_or(grace_default);
                stop_container(container, now, now + SimDuration::from_secs(grace.max(0)));
                continue;
            }
        }
        if !container.started {
            continue;
        }
        if let Some(probe) = container_spec.readiness_probe.as_ref()
            && let Some((healthy, output)) = prober::advance(
                &mut container.readiness,
                probe,
                &instance,
                &image,
                &pod_ip,
                now,
            )
        {
            changed = true;
            if !healthy {
                events.push(PendingEvent {
                    field_path: path.clone(),
                    warning: true,
                    reason: "Unhealthy",
                    message: format!("Readiness probe failed: {output}"),
                });
            }
        }
        if let Some(probe) = container_spec.liveness_probe.as_ref()
            && let Some((healthy, output)) = prober::advance(
                &mut container.liveness,
                probe,
                &instance,
                &image,
                &pod_ip,
                now,
            )
            && !healthy
        {
            changed = true;
            events.push(PendingEvent {
                field_path: path.clone(),
                warning: true,
                reason: "Unhealthy",
                message: format!("Liveness probe failed: {output}"),
            });
            events.push(PendingEvent {
                field_path: path.clone(),
                warning: false,
                reason: "Killing",
                message: format!("Container {name} failed liveness probe, will be restarted"),
            });
            let grace = probe
                .termination_grace_period_seconds
                .unwrap_or(grace_default);
            stop_container(container, now, now + SimDuration::from_secs(grace.max(0)));
        }
    }
    changed
}
