//! The pod status the kubelet reports: a pure function of the runtime's state.
//!
//! Upstream: `pkg/kubelet/kubelet_pods.go` (generateAPIPodStatus, getPhase,
//! convertToAPIContainerStatuses), `pkg/kubelet/status/generate.go` (the
//! conditions), `pkg/kubelet/status/status_manager.go` (lastTransitionTime kept
//! while a condition's status is unchanged; conditions other components own kept).

use crate::model::Time;
use crate::model::pod::{
    ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStateWaiting,
    ContainerStatus, IpAddress, Pod, PodCondition, PodSpec, PodStatus,
};
use crate::node::runtime::{ContainerInstance, ContainerPhase, ContainerRuntime, PodRuntime};
use crate::time::SimTime;

/// Condition types the kubelet owns (`kubetypes.PodConditionsByKubelet`).
const KUBELET_CONDITIONS: [&str; 5] = [
    "PodReadyToStartContainers",
    "Initialized",
    "Ready",
    "ContainersReady",
    "PodScheduled",
];

fn terminated_state(instance: &ContainerInstance) -> Option<ContainerState> {
    let finished = instance.finished.as_ref()?;
    Some(ContainerState {
        terminated: Some(ContainerStateTerminated {
            exit_code: Some(finished.exit_code),
            reason: Some(finished.reason.to_string()),
            message: finished.message.clone(),
            started_at: Some(Time(instance.started_at.truncated_to_seconds())),
            finished_at: Some(Time(finished.at.truncated_to_seconds())),
            container_id: Some(instance.container_id.clone()),
            signal: None,
        }),
        ..ContainerState::default()
    })
}

fn waiting(reason: &str, message: &str) -> ContainerState {
    ContainerState {
        waiting: Some(ContainerStateWaiting {
            reason: Some(reason.to_string()),
            message: (!message.is_empty()).then(|| message.to_string()),
        }),
        ..ContainerState::default()
    }
}

/// One container's status.
fn container_status(
    container: &ContainerRuntime,
    pod: &Pod,
    default_waiting: &str,
    has_readiness_probe: bool,
    now: SimTime,
) -> ContainerStatus {
    let running = container
        .current
        .as_ref()
        .filter(|i| i.is_running() && matches!(container.phase, ContainerPhase::Running));
    let state = match &container.phase {
        ContainerPhase::Waiting { reason, message } => {
            if reason.is_empty() {
                waiting(default_waiting, "")
            } else {
                waiting(reason, message)
            }
        }
        ContainerPhase::Pulling { .. } => waiting(default_waiting, ""),
        ContainerPhase::PullBackOff {
            message,
            backoff_shown_at,
            ..
        } => {
            if now >= *backoff_shown_at {
                waiting(
                    "ImagePullBackOff",
                    &format!("Back-off pulling image \"{}\"", container.image),
                )
            } else {
                waiting("ErrImagePull", message)
            }
        }
        ContainerPhase::Running => ContainerState {
            running: Some(ContainerStateRunning {
                started_at: running.map(|i| Time(i.started_at.truncated_to_seconds())),
            }),
            ..ContainerState::default()
        },
        ContainerPhase::Exited { restart_at } => match restart_at {
            Some(_) => {
                let backoff = container
                    .crash_backoff
                    .map(|b| b.duration)
                    .unwrap_or(crate::node::kubelet::backoff::INITIAL_BACKOFF);
                waiting(
                    "CrashLoopBackOff",
                    &format!(
                        "back-off {} restarting failed container={} pod={}",
                        backoff.to_go_string(),
                        container.name,
                        crate::node::kubelet::pod_worker::format_pod(pod)
                    ),
                )
            }
            None => container
                .current
                .as_ref()
                .and_then(terminated_state)
                .unwrap_or_default(),
        },
    };
    let last_state = container
        .previous
        .as_ref()
        .and_then(terminated_state)
        .unwrap_or_default();
    let started = running.is_some() && container.started;
    let ready = started && (!has_readiness_probe || container.readiness.result == Some(true));
    let instance = container.current.as_ref().or(container.previous.as_ref());
    ContainerStatus {
        name: Some(container.name.clone()),
        state: Some(state),
        last_state: Some(last_state),
        ready: Some(ready),
        restart_count: Some(container.restart_count),
        image: Some(
            container
                .image_name
                .clone()
                .unwrap_or_else(|| container.image.clone()),
        ),
        image_id: Some(container.image_id.clone().unwrap_or_default()),
        container_id: instance.map(|i| i.container_id.clone()),
        started: Some(started),
        ..ContainerStatus::default()
    }
}

/// `getPhase` (facts §6.4), for regular containers, given the init containers' progress.
pub fn phase(spec: &PodSpec, runtime: &PodRuntime) -> &'static str {
    if let Some(terminal) = runtime.terminal_phase {
        return terminal;
    }
    let policy = spec.restart_policy.as_deref().unwrap_or("Always");
    for init in &runtime.init_containers {
        let finished = init.current.as_ref().and_then(|i| i.finished.as_ref());
        match finished {
            Some(f) if f.exit_code == 0 => {}
            Some(_) if policy == "Never" => return "Failed",
            _ => return "Pending",
        }
    }
    let (mut running, mut waiting, mut stopped, mut succeeded) = (0, 0, 0, 0);
    for container in &runtime.containers {
        match &container.phase {
            ContainerPhase::Running => running += 1,
            ContainerPhase::Exited { restart_at } => {
                stopped += 1;
                let code = container
                    .current
                    .as_ref()
                    .and_then(|i| i.finished.as_ref())
                    .map_or(1, |f| f.exit_code);
                if restart_at.is_none() && code == 0 {
                    succeeded += 1;
                }
            }
            _ => {
                if container.previous.is_some() {
                    stopped += 1;
                } else {
                    waiting += 1;
                }
            }
        }
    }
    if waiting > 0 {
        return "Pending";
    }
    if running > 0 {
        return "Running";
    }
    if stopped > 0 {
        return match policy {
            "Always" => "Running",
            _ if stopped == succeeded => "Succeeded",
            "Never" => "Failed",
            _ => "Running",
        };
    }
    "Pending"
}

fn condition(
    type_: &str,
    status: bool,
    reason: Option<&str>,
    message: Option<String>,
) -> PodCondition {
    PodCondition {
        type_: Some(type_.to_string()),
        status: Some(if status { "True" } else { "False" }.to_string()),
        reason: reason.map(str::to_string),
        message,
        ..PodCondition::default()
    }
}

/// The status the kubelet would write now, merged with the stored one as the
/// status manager merges.
pub fn generate(pod: &Pod, runtime: &PodRuntime, host_ip: &str, now: SimTime) -> PodStatus {
    let spec = pod.spec_or_empty();
    let spec: &PodSpec = &spec;
    let no_status = PodStatus::default();
    let stored = pod.status.as_ref().unwrap_or(&no_status);
    let has_init = !runtime.init_containers.is_empty();
    let default_waiting = if has_init {
        "PodInitializing"
    } else {
        "ContainerCreating"
    };
    let readiness_of = |container: &ContainerRuntime| {
        let list = if container.is_init {
            spec.init_containers.as_ref()
        } else {
            spec.containers.as_ref()
        };
        list.into_iter()
            .flatten()
            .find(|c| c.name.as_deref() == Some(container.name.as_str()))
            .is_some_and(|c| c.readiness_probe.is_some())
    };
    let init_statuses: Vec<ContainerStatus> = runtime
        .init_containers
        .iter()
        .map(|c| container_status(c, pod, default_waiting, readiness_of(c), now))
        .collect();
    let container_statuses: Vec<ContainerStatus> = runtime
        .containers
        .iter()
        .map(|c| container_status(c, pod, default_waiting, readiness_of(c), now))
        .collect();
    let phase = phase(spec, runtime);
    let sandbox_ready = runtime.sandbox_ready_at.is_some_and(|at| at <= now)
        && runtime.killing_since.is_none()
        && runtime.terminal_phase.is_none();

    // GeneratePodInitializedCondition
    let incomplete: Vec<&str> = runtime
        .init_containers
        .iter()
        .filter(|c| {
            c.current
                .as_ref()
                .and_then(|i| i.finished.as_ref())
                .is_none_or(|f| f.exit_code != 0)
        })
        .map(|c| c.name.as_str())
        .collect();
    let completed = phase == "Succeeded";
    let initialized = if completed && incomplete.is_empty() {
        condition("Initialized", true, Some("PodCompleted"), None)
    } else if incomplete.is_empty() {
        condition("Initialized", true, None, None)
    } else {
        condition(
            "Initialized",
            false,
            Some("ContainersNotInitialized"),
            Some(format!(
                "containers with incomplete status: [{}]",
                incomplete.join(" ")
            )),
        )
    };
    // GenerateContainersReadyCondition / GeneratePodReadyCondition
    let unready: Vec<&str> = runtime
        .containers
        .iter()
        .zip(container_statuses.iter())
        .filter(|(_, status)| status.ready != Some(true))
        .map(|(c, _)| c.name.as_str())
        .collect();
    let ready_condition = |type_: &str| {
        if completed {
            condition(type_, false, Some("PodCompleted"), None)
        } else if !incomplete.is_empty() && has_init {
            condition(
                type_,
                false,
                Some("ContainersNotReady"),
                Some(format!(
                    "containers with unready status: [{}]",
                    runtime
                        .containers
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                )),
            )
        } else if unready.is_empty() {
            condition(type_, true, None, None)
        } else {
            condition(
                type_,
                false,
                Some("ContainersNotReady"),
                Some(format!(
                    "containers with unready status: [{}]",
                    unready.join(" ")
                )),
            )
        }
    };
    let generated = [
        condition("PodReadyToStartContainers", sandbox_ready, None, None),
        initialized,
        ready_condition("Ready"),
        ready_condition("ContainersReady"),
        condition("PodScheduled", true, None, None),
    ];
    let stored_conditions = stored.conditions.as_deref().unwrap_or(&[]);
    let mut conditions: Vec<PodCondition> = stored_conditions
        .iter()
        .filter(|c| !KUBELET_CONDITIONS.contains(&c.type_.as_deref().unwrap_or("")))
        .cloned()
        .collect();
    for mut new in generated {
        let old = stored_conditions.iter().find(|c| c.type_ == new.type_);
        new.last_transition_time = match old {
            Some(old) if old.status == new.status => old.last_transition_time,
            _ => Some(Time(now.truncated_to_seconds())),
        };
        new.last_probe_time = old.and_then(|o| o.last_probe_time);
        conditions.push(new);
    }
    let pod_ip = runtime
        .pod_ip
        .clone()
        .filter(|_| runtime.sandbox_ready_at.is_some_and(|at| at <= now));
    PodStatus {
        phase: Some(phase.to_string()),
        conditions: Some(conditions),
        host_ip: Some(host_ip.to_string()),
        host_ips: Some(vec![IpAddress {
            ip: Some(host_ip.to_string()),
        }]),
        pod_ip: pod_ip.clone(),
        pod_ips: pod_ip.map(|ip| vec![IpAddress { ip: Some(ip) }]),
        start_time: runtime.start_time.map(|t| Time(t.truncated_to_seconds())),
        init_container_statuses: (!init_statuses.is_empty()).then_some(init_statuses),
        container_statuses: Some(container_statuses),
        qos_class: stored.qos_class.clone(),
        nominated_node_name: stored.nominated_node_name.clone(),
        ..PodStatus::default()
    }
}
