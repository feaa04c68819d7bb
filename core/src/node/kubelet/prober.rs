//! Probes: readiness, liveness and startup, as `pkg/kubelet/prober/worker.go` runs them.
//!
//! A worker probes every `periodSeconds`, starting `initialDelaySeconds` after the
//! container started; a result flips only after `failureThreshold` failures or
//! `successThreshold` successes in a row. Initial results: readiness Failure,
//! liveness Success, startup Unknown.
//!
//! kubesim does not tick every period. A simulated container's health is a known
//! function of time (a server always answers; `cat /tmp/healthy` follows the files
//! its script touches and removes), so the prober computes when the next flip will
//! happen and the kubelet wakes only then. A healthy probe on a steady pod costs
//! nothing. Deviation: upstream starts each worker after a random part of the
//! period; kubesim probes first exactly at `initialDelaySeconds`.

use serde_json::Value;

use crate::model::pod::Probe;
use crate::node::behaviour::{Behaviour, Command, Service, parse_script};
use crate::node::runtime::{ContainerInstance, ProbeState};
use crate::time::{SimDuration, SimTime};

/// The probe kinds, for messages (`Readiness probe failed: ...`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeKind {
    Readiness,
    Liveness,
    Startup,
}

impl ProbeKind {
    pub fn title(self) -> &'static str {
        match self {
            ProbeKind::Readiness => "Readiness",
            ProbeKind::Liveness => "Liveness",
            ProbeKind::Startup => "Startup",
        }
    }

    /// The worker's initial result (`worker.go` newWorker).
    pub fn initial_result(self) -> Option<bool> {
        match self {
            ProbeKind::Readiness => Some(false),
            ProbeKind::Liveness => Some(true),
            ProbeKind::Startup => None,
        }
    }
}

/// The timing of a probe, with upstream's defaults for unset fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    pub initial_delay: SimDuration,
    pub period: SimDuration,
    pub success_threshold: u32,
    pub failure_threshold: u32,
}

impl Timing {
    pub fn of(probe: &Probe) -> Timing {
        let positive =
            |value: Option<i32>, default: i32| value.filter(|v| *v > 0).unwrap_or(default);
        Timing {
            initial_delay: SimDuration::from_secs(i64::from(
                probe.initial_delay_seconds.unwrap_or(0).max(0),
            )),
            period: SimDuration::from_secs(i64::from(positive(probe.period_seconds, 10))),
            success_threshold: positive(probe.success_threshold, 1) as u32,
            failure_threshold: positive(probe.failure_threshold, 3) as u32,
        }
    }
}

/// What a probe checks.
#[derive(Clone, Debug, PartialEq)]
enum Check {
    Http {
        path: String,
        port: String,
    },
    Tcp {
        port: String,
    },
    /// An exec probe that checks files (`cat /tmp/healthy`).
    Files(Vec<String>),
    /// An exec probe with a fixed outcome (`true`, `false`, unknown commands: success).
    Fixed(bool),
}

fn check_of(probe: &Probe) -> Check {
    let port_text = |value: &Value| match value.get("port") {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    if let Some(http) = probe.http_get.as_ref().filter(|v| v.is_object()) {
        return Check::Http {
            path: http
                .get("path")
                .and_then(Value::as_str)
                .unwrap_or("/")
                .to_string(),
            port: port_text(http),
        };
    }
    if let Some(tcp) = probe.tcp_socket.as_ref().filter(|v| v.is_object()) {
        return Check::Tcp {
            port: port_text(tcp),
        };
    }
    if let Some(grpc) = probe.grpc.as_ref().filter(|v| v.is_object()) {
        return Check::Tcp {
            port: port_text(grpc),
        };
    }
    let command: Vec<String> = probe
        .exec
        .as_ref()
        .and_then(|exec| exec.get("command"))
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let script = match command.first().map(String::as_str) {
        Some("sh" | "/bin/sh" | "bash" | "/bin/bash")
            if command.get(1).is_some_and(|f| f == "-c") =>
        {
            command.get(2).cloned().unwrap_or_default()
        }
        _ => shell_join(&command),
    };
    match parse_script(&script).as_deref() {
        Some([Command::Check(paths) | Command::Cat(paths) | Command::List(paths)]) => {
            Check::Files(paths.clone())
        }
        Some([Command::Status(code)]) => Check::Fixed(*code == 0),
        Some([Command::Exit(words)]) => Check::Fixed(words.first().is_none_or(|w| w == "0")),
        _ => Check::Fixed(true),
    }
}

fn shell_join(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("'{}'", w.replace('\'', "")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The paths whose presence decides an HTTP answer of a server image.
fn http_path_served(behaviour: &Behaviour, image: &str, path: &str) -> bool {
    if behaviour.service != Service::Http {
        return false;
    }
    let repository = crate::node::behaviour::short_repository(image);
    let path = path.split('?').next().unwrap_or(path);
    match repository {
        "nginx" => matches!(path, "/" | "/index.html" | "/50x.html"),
        "httpd" => matches!(path, "/" | "/index.html"),
        _ => true,
    }
}

/// The probe's outcome against `instance` at `at`: Ok, or the failure's output.
pub fn probe(
    probe: &Probe,
    instance: &ContainerInstance,
    image: &str,
    pod_ip: &str,
    at: SimTime,
) -> Result<(), String> {
    match check_of(probe) {
        Check::Http { path, port } => {
            if http_path_served(&instance.behaviour, image, &path) {
                Ok(())
            } else if instance.behaviour.service == Service::Http {
                Err("HTTP probe failed with statuscode: 404".to_string())
            } else {
                Err(format!(
                    "Get \"http://{pod_ip}:{port}{path}\": dial tcp {pod_ip}:{port}: connect: connection refused"
                ))
            }
        }
        Check::Tcp { port } => {
            if instance.behaviour.service != Service::None {
                Ok(())
            } else {
                Err(format!(
                    "dial tcp {pod_ip}:{port}: connect: connection refused"
                ))
            }
        }
        Check::Fixed(true) => Ok(()),
        Check::Fixed(false) => Err(String::new()),
        Check::Files(paths) => {
            let offset = at - instance.started_at;
            let run = instance.behaviour.run(offset, &instance.hostname);
            let exists = |path: &String| {
                instance.behaviour.has_file(path) || run.file_exists_at(path, offset)
            };
            match paths.iter().find(|path| !exists(path)) {
                None => Ok(()),
                Some(missing) => Err(format!(
                    "cat: can't open '{missing}': No such file or directory"
                )),
            }
        }
    }
}

/// When the probe's outcome may change after `after` (the files it checks change).
fn next_change(probe: &Probe, instance: &ContainerInstance, after: SimTime) -> Option<SimTime> {
    let Check::Files(paths) = check_of(probe) else {
        return None;
    };
    let horizon = (after - instance.started_at) + SimDuration::from_secs(86_400);
    let run = instance.behaviour.run(horizon, &instance.hostname);
    paths
        .iter()
        .filter_map(|path| run.files.get(path))
        .flatten()
        .map(|(offset, _)| instance.started_at + *offset)
        .filter(|at| *at > after)
        .min()
}

/// A fresh worker for a container that started at `started_at`.
pub fn new_state(kind: ProbeKind, probe: &Probe, started_at: SimTime) -> ProbeState {
    ProbeState {
        result: kind.initial_result(),
        last_observed: None,
        run: 0,
        next_tick: Some(started_at + Timing::of(probe).initial_delay),
    }
}

/// Applies every probe tick up to `now`. Returns the new result if it flipped,
/// with the failure output of the last probe.
pub fn advance(
    state: &mut ProbeState,
    spec: &Probe,
    instance: &ContainerInstance,
    image: &str,
    pod_ip: &str,
    now: SimTime,
) -> Option<(bool, String)> {
    let timing = Timing::of(spec);
    let mut flipped = None;
    for _ in 0..1_000 {
        let Some(tick) = state.next_tick.filter(|tick| *tick <= now) else {
            break;
        };
        let outcome = probe(spec, instance, image, pod_ip, tick);
        let healthy = outcome.is_ok();
        // Every tick up to the next change of health (or now) sees the same outcome.
        let segment_end = next_change(spec, instance, tick).map_or(now, |change| {
            (change - SimDuration::from_millis(1)).min(now)
        });
        let ticks = (segment_end - tick).as_millis() / timing.period.as_millis() + 1;
        let ticks = ticks.max(1) as u32;
        if state.last_observed == Some(healthy) {
            state.run = state.run.saturating_add(ticks);
        } else {
            state.last_observed = Some(healthy);
            state.run = ticks;
        }
        let threshold = if healthy {
            timing.success_threshold
        } else {
            timing.failure_threshold
        };
        if state.run >= threshold && state.result != Some(healthy) {
            state.result = Some(healthy);
            flipped = Some((healthy, outcome.err().unwrap_or_default()));
        }
        state.next_tick =
            Some(tick + SimDuration::from_millis(timing.period.as_millis() * i64::from(ticks)));
    }
    flipped
}

/// The tick at which the result will next flip, if it will.
pub fn next_flip(
    state: &ProbeState,
    spec: &Probe,
    instance: &ContainerInstance,
    image: &str,
    pod_ip: &str,
) -> Option<SimTime> {
    let timing = Timing::of(spec);
    let period = timing.period.as_millis();
    let mut simulated = state.clone();
    let mut tick = simulated.next_tick?;
    for _ in 0..64 {
        let healthy = probe(spec, instance, image, pod_ip, tick).is_ok();
        let change = next_change(spec, instance, tick);
        let threshold = if healthy {
            timing.success_threshold
        } else {
            timing.failure_threshold
        };
        let base = if simulated.last_observed == Some(healthy) {
            simulated.run
        } else {
            0
        };
        if simulated.result != Some(healthy) {
            let needed = threshold.saturating_sub(base).max(1);
            let flip = tick + SimDuration::from_millis(period * i64::from(needed - 1));
            if change.is_none_or(|change| flip < change) {
                return Some(flip);
            }
        }
        let change = change?;
        let ticks = ((change - tick).as_millis() + period - 1) / period;
        let ticks = ticks.max(1);
        simulated.last_observed = Some(healthy);
        simulated.run = base.saturating_add(ticks as u32);
        if simulated.run >= threshold {
            simulated.result = Some(healthy);
        }
        tick += SimDuration::from_millis(period * ticks);
    }
    None
}
