//! The simulated container runtime: what runs on each node, as the kubelet sees it
//! through the CRI. This state is the nodes' own (containerd's), not the API's: the
//! kubelet reports it to the API server as pod and node status.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use crate::node::behaviour::{Behaviour, Query, Run};
use crate::node::kubelet::backoff::Backoff;
use crate::time::{SimDuration, SimTime};

/// The runtime state shared by the kubelet, kube-proxy and the fault API.
pub type SharedRuntime = Rc<RefCell<NodeRuntime>>;

/// Every node's runtime.
#[derive(Debug, Default)]
pub struct NodeRuntime {
    pub nodes: BTreeMap<String, NodeState>,
    /// Pods the kubelets run, by (namespace, name).
    pub pods: BTreeMap<(String, String), PodRuntime>,
    /// How many container ids were handed out (they are drawn from a counter so
    /// that the kubelet does not consume the API server's RNG).
    pub container_sequence: u64,
    /// kube-proxy's ClientIP session affinity entries.
    pub affinity: crate::node::kube_proxy::AffinityTable,
}

/// One node's kubelet and runtime.
#[derive(Debug, Default)]
pub struct NodeState {
    /// Set by `Simulation::fail_node`: the kubelet is down.
    pub failed: bool,
    /// When the node failed, for the containers it stopped.
    pub failed_at: Option<SimTime>,
    /// Images present, by full name (`docker.io/library/nginx:latest`).
    pub images: BTreeMap<String, CachedImage>,
    /// Image pulls are serialized (`serializeImagePulls: true`): the next pull
    /// starts when the previous one ends.
    pub pull_busy_until: SimTime,
    /// Pod IPs in use, as the last octet of the node's /24.
    pub ips_in_use: BTreeSet<u32>,
    /// The last octet handed out (host-local IPAM allocates round-robin).
    pub last_ip: u32,
    /// Image-pull back-off entries, by `<pod uid>_<image>`.
    pub image_backoff: BTreeMap<String, Backoff>,
    /// When the kubelet last posted its NodeStatus.
    pub last_status_report: Option<SimTime>,
    /// True when the image list changed since the last report.
    pub images_changed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedImage {
    pub image_id: String,
    pub size_bytes: i64,
}

/// A pod's sandbox and containers on its node.
#[derive(Debug, Default)]
pub struct PodRuntime {
    pub uid: String,
    pub node: String,
    /// When the kubelet first saw the pod (status.startTime).
    pub start_time: Option<SimTime>,
    /// When the sandbox (network namespace, pause container) is ready.
    pub sandbox_ready_at: Option<SimTime>,
    pub pod_ip: Option<String>,
    /// The last octet allocated from the node's range, to release.
    pub ip_octet: Option<u32>,
    pub init_containers: Vec<ContainerRuntime>,
    pub containers: Vec<ContainerRuntime>,
    /// When the kubelet started stopping the pod's containers (deletion).
    pub killing_since: Option<SimTime>,
    /// The grace period of the kill in progress.
    pub kill_deadline: Option<SimTime>,
    /// The phase once the pod is terminal; the kubelet never restarts it.
    pub terminal_phase: Option<&'static str>,
}

/// Where a container is in its life.
#[derive(Clone, Debug, PartialEq)]
pub enum ContainerPhase {
    /// Not started yet (`ContainerCreating`, `PodInitializing`, or an error).
    Waiting {
        reason: String,
        message: String,
    },
    /// The image is being pulled; it is ready (or fails) at `done_at`.
    Pulling {
        requested_at: SimTime,
        started_at: SimTime,
        done_at: SimTime,
        size_bytes: i64,
        failure: Option<String>,
    },
    /// A failed pull; the next try is at `retry_at`, ImagePullBackOff is shown from `backoff_shown_at`.
    PullBackOff {
        retry_at: SimTime,
        backoff_shown_at: SimTime,
        message: String,
        shown: bool,
    },
    Running,
    /// Exited; restarts at `restart_at` when the restart policy says so.
    Exited {
        restart_at: Option<SimTime>,
    },
}

/// One container of a pod, across its restarts.
#[derive(Clone, Debug)]
pub struct ContainerRuntime {
    pub name: String,
    pub image: String,
    pub is_init: bool,
    pub phase: ContainerPhase,
    pub current: Option<ContainerInstance>,
    /// The previous instance (`lastState`, `kubectl logs --previous`).
    pub previous: Option<ContainerInstance>,
    pub restart_count: i32,
    pub crash_backoff: Option<Backoff>,
    pub readiness: ProbeState,
    pub liveness: ProbeState,
    pub startup: ProbeState,
    /// True once the startup probe passed (or there is none) for the current instance.
    pub started: bool,
    /// The image's normalized name and id once pulled.
    pub image_name: Option<String>,
    pub image_id: Option<String>,
}

/// One run of a container (one containerID).
#[derive(Clone, Debug)]
pub struct ContainerInstance {
    pub container_id: String,
    pub started_at: SimTime,
    pub behaviour: Behaviour,
    /// The program's own exit, precomputed: (time, code, reason).
    pub natural_exit: Option<(SimTime, i32, &'static str)>,
    /// The cluster query the program blocks on and when it runs (`until nslookup
    /// svc`): the kubelet answers it then and recomputes the exit.
    pub waiting_on: Option<(SimTime, Query)>,
    /// The last answered query, when it ran, and the time since the one before:
    /// lets the kubelet predict a steady polling loop's next check.
    pub last_poll: Option<(SimTime, Query, Option<SimDuration>)>,
    /// The actual exit once it happened.
    pub finished: Option<Finished>,
    /// When a SIGTERM was sent (deletion, liveness failure), and the kill deadline.
    pub stopping: Option<(SimTime, SimTime)>,
    /// Extra lines written by serving requests, with their times.
    pub extra_logs: Vec<(SimTime, String)>,
    /// The pod name, for `$HOSTNAME`.
    pub hostname: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finished {
    pub at: SimTime,
    pub exit_code: i32,
    pub reason: &'static str,
    pub message: Option<String>,
}

impl ContainerInstance {
    /// The program's run from its start up to `now` (logs, files).
    pub fn run_until(&self, now: SimTime) -> Run {
        let end = self.finished.as_ref().map_or(now, |f| f.at.min(now));
        self.behaviour.run(
            (end - self.started_at).max(SimDuration::ZERO),
            &self.hostname,
        )
    }

    pub fn is_running(&self) -> bool {
        self.finished.is_none()
    }
}

/// A probe worker's state (`prober/worker.go`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProbeState {
    /// The current result the kubelet acts on; None is Unknown.
    pub result: Option<bool>,
    /// The last observed result and how many times in a row (`lastResult`, `resultRun`).
    pub last_observed: Option<bool>,
    pub run: u32,
    /// The next probe tick.
    pub next_tick: Option<SimTime>,
}
