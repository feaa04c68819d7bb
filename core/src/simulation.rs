//! The driving API: a sans-IO state machine with the shape of Kubernetes.
//!
//! Inputs are API requests (through [`Simulation::api_mut`]) and time moving
//! forward; outputs are trace entries, the next wake-up time and read-only views.
//! Everything is bounded: running out of a step budget is an error, never a hang.

use std::sync::Arc;

use crate::agenda::{Agenda, Timer};
use crate::api_server::{ApiServer, ObjectKey};
use crate::cluster::ClusterConfig;
use crate::controllers::daemon_set::DaemonSetController;
use crate::controllers::deployment::DeploymentController;
use crate::controllers::endpoint_slice::EndpointSliceController;
use crate::controllers::endpoints::EndpointsController;
use crate::controllers::garbage_collector::GarbageCollector;
use crate::controllers::job::JobController;
use crate::controllers::namespace::NamespaceController;
use crate::controllers::node_lifecycle::NodeLifecycleController;
use crate::controllers::pod_gc::PodGcController;
use crate::controllers::replica_set::ReplicaSetController;
use crate::controllers::taint_eviction::TaintEvictionController;
use crate::controllers::ttl_after_finished::TtlAfterFinishedController;
use crate::controllers::{
    Action, Controller, ControllerContext, EventRecorder, TraceEntry, Watches, WorkQueue,
};
use crate::model::Object;
use crate::model::registry::{RESOURCE_TYPES, lookup_kind_name};
use crate::rng::SimRng;
use crate::scheduler::Scheduler;
use crate::scheduler::explain::SchedulingRecord;
use crate::scheduler::profile::SchedulerConfig;
use crate::time::{SimDuration, SimTime};

/// How a simulation starts.
#[derive(Clone, Debug)]
pub struct SimulationConfig {
    /// The seed of the one RNG everything random is drawn from.
    pub seed: u64,
    /// Where the virtual clock starts.
    pub start_time: SimTime,
    pub cluster: ClusterConfig,
    /// How many watch events the store keeps for watchers to resume from.
    pub watch_log_capacity: usize,
    /// The most reconcile steps one call may take before it reports [`SimError::Stuck`].
    pub max_steps_per_call: u64,
    /// kube-scheduler's configuration (the default profile unless replaced).
    pub scheduler: SchedulerConfig,
    /// True (the default) to run a kubelet on every node. Tests that play the
    /// kubelet's part by writing pod status themselves turn it off.
    pub kubelets: bool,
    /// True (the default) to run the pod garbage collector, as kube-controller-manager
    /// does unless started with `--controllers=*,-podgc`. Tests whose fake kubelet binds
    /// pods to made-up node names turn it off, or it would collect those pods.
    pub pod_gc: bool,
}

impl Default for SimulationConfig {
    fn default() -> Self {
        SimulationConfig {
            seed: Simulation::DEFAULT_SEED,
            start_time: SimTime::DEFAULT_EPOCH,
            cluster: ClusterConfig::default(),
            watch_log_capacity: 100_000,
            max_steps_per_call: 10_000_000,
            scheduler: SchedulerConfig::default(),
            kubelets: true,
            pod_gc: true,
        }
    }
}

/// A simulation that could not finish what it was asked within its budget.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    #[error(
        "simulation did not settle within {steps} steps (seed {seed}); still queued: {pending}"
    )]
    Stuck {
        steps: u64,
        seed: u64,
        pending: String,
    },
}

/// What one [`Simulation::step`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepOutcome {
    /// A controller reconciled one key.
    Worked,
    /// Nothing is queued at the current time.
    Idle,
}

struct ControllerSlot {
    controller: Box<dyn Controller>,
    queue: WorkQueue,
}

/// The kinds kube-scheduler's informers watch: those `Scheduler::observe_object`
/// (core/src/scheduler/mod.rs) acts on. Its other events are not delivered.
const SCHEDULER_WATCHES: Watches = Watches::Kinds(&[
    "Node",
    "Pod",
    "Namespace",
    "Service",
    "ReplicaSet",
    "StatefulSet",
    "ReplicationController",
]);

/// Per resource type (by `ResourceType::index`), who hears its watch events: the
/// controllers, by index in registration order, and whether the scheduler does.
#[derive(Debug, Default)]
struct WatchRoutes {
    controllers: Vec<Vec<usize>>,
    scheduler: Vec<bool>,
}

impl WatchRoutes {
    fn new() -> Self {
        WatchRoutes {
            controllers: vec![Vec::new(); RESOURCE_TYPES.len()],
            scheduler: RESOURCE_TYPES
                .iter()
                .map(|resource_type| SCHEDULER_WATCHES.includes(resource_type.kind))
                .collect(),
        }
    }

    fn add_controller(&mut self, index: usize, watches: Watches) {
        for (route, resource_type) in self.controllers.iter_mut().zip(RESOURCE_TYPES) {
            if watches.includes(resource_type.kind) {
                route.push(index);
            }
        }
    }
}

/// A simulated Kubernetes cluster.
pub struct Simulation {
    api: ApiServer,
    controllers: Vec<ControllerSlot>,
    /// Which controllers (and whether the scheduler) watch each resource type.
    routes: WatchRoutes,
    /// kube-scheduler: its own queue and cache, and the explanations of its decisions.
    scheduler: Scheduler,
    agenda: Agenda,
    recorder: EventRecorder,
    /// Oldest first; a deque, so that dropping the oldest beyond the capacity is O(1).
    trace: std::collections::VecDeque<TraceEntry>,
    /// The last revision whose watch event every controller has seen.
    dispatched_revision: u64,
    /// How often the informers relisted because the watch log was compacted past them.
    informer_relists: u64,
    /// The controller that gets the next turn, so that no queue starves.
    next_turn: usize,
    seed: u64,
    max_steps_per_call: u64,
    total_steps: u64,
    /// The nodes' container runtime, shared with the kubelet (see `crate::node`).
    node_runtime: crate::node::runtime::SharedRuntime,
    /// The kubelet's index among the controllers.
    kubelet_index: usize,
    /// The node lifecycle controller's slot: its checks of healthy nodes are bookkeeping.
    node_lifecycle_index: usize,
    /// kubectl's kubeconfig: client state, outside the cluster and the fingerprint.
    kubeconfig: crate::kubectl::kubeconfig::Kubeconfig,
}

impl Simulation {
    /// The seed used when none is given: "kube" in ASCII.
    pub const DEFAULT_SEED: u64 = 0x6B75_6265;

    /// Trace entries kept when nobody drains them; older ones are dropped.
    const TRACE_CAPACITY: usize = 10_000;

    pub fn new(config: SimulationConfig) -> Self {
        let api = ApiServer::new(
            config.start_time,
            SimRng::new(config.seed),
            config.watch_log_capacity,
        );
        let mut simulation = Simulation {
            api,
            controllers: Vec::new(),
            routes: WatchRoutes::new(),
            scheduler: Scheduler::new(config.scheduler.clone())
                .or_else(|_| Scheduler::new(SchedulerConfig::default()))
                .expect("the default scheduler configuration is valid"),
            agenda: Agenda::default(),
            recorder: EventRecorder::default(),
            trace: std::collections::VecDeque::new(),
            dispatched_revision: 0,
            informer_relists: 0,
            next_turn: 0,
            seed: config.seed,
            max_steps_per_call: config.max_steps_per_call,
            total_steps: 0,
            node_runtime: Default::default(),
            kubelet_index: 0,
            node_lifecycle_index: usize::MAX,
            kubeconfig: Default::default(),
        };
        simulation.bootstrap(&config.cluster);
        simulation.scheduler.resync(&simulation.api);
        simulation.add_controller(Box::new(GarbageCollector::default()));
        if config.pod_gc {
            simulation.add_controller(Box::new(PodGcController::default()));
        }
        simulation.add_controller(Box::new(NamespaceController));
        simulation.add_controller(Box::new(ReplicaSetController::default()));
        simulation.add_controller(Box::new(DeploymentController::default()));
        simulation.add_controller(Box::new(EndpointsController::default()));
        simulation.add_controller(Box::new(EndpointSliceController::default()));
        simulation.node_lifecycle_index = simulation.controllers.len();
        simulation.add_controller(Box::new(NodeLifecycleController::default()));
        simulation.add_controller(Box::new(TaintEvictionController::default()));
        simulation.add_controller(Box::new(JobController::default()));
        simulation.add_controller(Box::new(TtlAfterFinishedController));
        simulation.add_controller(Box::new(DaemonSetController::default()));
        if config.kubelets {
            simulation.kubelet_index = simulation.controllers.len();
            let kubelet = crate::node::kubelet::Kubelet::new(simulation.node_runtime.clone());
            simulation.add_controller(Box::new(kubelet));
        } else {
            simulation.kubelet_index = usize::MAX;
        }
        simulation
    }

    /// Creates what a fresh cluster has: its namespaces and registered nodes.
    fn bootstrap(&mut self, cluster: &ClusterConfig) {
        let namespace_type = lookup_kind_name("Namespace").expect("Namespace is served");
        for name in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            let namespace: Object = Object::Namespace(
                serde_json::from_value(serde_json::json!({ "metadata": { "name": name, "labels": { "kubernetes.io/metadata.name": name } } }))
                    .expect("namespace template matches the Namespace type"),
            );
            debug_assert_eq!(namespace.resource_type(), namespace_type);
            self.api
                .create(namespace)
                .expect("bootstrap namespaces are valid");
        }
        let now = self.api.now();
        for (ordinal, node) in cluster.nodes.iter().enumerate() {
            let object = node.to_object(ordinal as u32, now);
            self.api.create(object).expect("bootstrap nodes are valid");
        }
        self.bootstrap_kubernetes_service(cluster);
        self.trace.push_back(TraceEntry {
            time: now,
            component: "kube-apiserver",
            message: format!("cluster bootstrapped with {} nodes", cluster.nodes.len()),
        });
    }

    /// The `default/kubernetes` Service (10.96.0.1:443, no selector) and the endpoints the
    /// API server keeps for it: the control plane's InternalIP on 6443
    /// (`pkg/controlplane/controller/kubernetesservice`, `reconcilers/lease.go`).
    fn bootstrap_kubernetes_service(&mut self, cluster: &ClusterConfig) {
        use crate::model::Resource;
        use crate::model::service::Service;
        let service_type = Service::resource_type();
        if self
            .api
            .get_ref(service_type, "default", "kubernetes")
            .is_some()
        {
            return;
        }
        let ordinal = cluster
            .nodes
            .iter()
            .position(|node| node.control_plane)
            .unwrap_or(0);
        let apiserver_ip = format!("172.18.0.{}", 2 + ordinal);
        let service: Service = serde_json::from_value(serde_json::json!({
            "metadata": { "name": "kubernetes", "namespace": "default",
                "labels": { "component": "apiserver", "provider": "kubernetes" } },
            "spec": { "clusterIP": "10.96.0.1", "type": "ClusterIP",
                "ports": [{ "name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443 }] },
        }))
        .expect("the kubernetes Service matches the Service type");
        self.api
            .create(Object::Service(Box::new(service)))
            .expect("the kubernetes Service is valid");
        self.api
            .create(Object::Endpoints(Box::new(
                crate::controllers::endpoints::kubernetes_service_endpoints(&apiserver_ip),
            )))
            .expect("the kubernetes Endpoints are valid");
        self.api
            .create(Object::EndpointSlice(Box::new(
                crate::controllers::endpoint_slice::kubernetes_service_slice(&apiserver_ip),
            )))
            .expect("the kubernetes EndpointSlice is valid");
    }

    /// Adds a reconcile loop. It starts with a full resync.
    pub fn add_controller(&mut self, mut controller: Box<dyn Controller>) {
        let mut queue = WorkQueue::default();
        controller.resync(&self.api, &mut queue);
        self.routes
            .add_controller(self.controllers.len(), controller.watches());
        self.controllers.push(ControllerSlot { controller, queue });
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn now(&self) -> SimTime {
        self.api.now()
    }

    pub fn api(&self) -> &ApiServer {
        &self.api
    }

    /// Write access for inputs (kubectl, faults). Controllers see the resulting
    /// watch events at the next step.
    pub fn api_mut(&mut self) -> &mut ApiServer {
        &mut self.api
    }

    /// Total reconcile steps taken since the start.
    pub fn total_steps(&self) -> u64 {
        self.total_steps
    }

    /// How many times the informers had to relist because more changes happened
    /// between two deliveries than the watch log keeps (each one a full resync).
    pub fn informer_relists(&self) -> u64 {
        self.informer_relists
    }

    /// When the next timer is due, if any: the caller's next wake-up.
    pub fn next_wakeup(&self) -> Option<SimTime> {
        earliest(
            earliest(self.agenda.next_due(), self.scheduler.next_wakeup()),
            self.api.next_lease_expiry(),
        )
    }

    /// kube-scheduler, read-only: its configuration, cache, queue and explanations.
    pub fn scheduler(&self) -> &Scheduler {
        &self.scheduler
    }

    /// Why the scheduler placed (or could not place) a pod in its last attempt.
    pub fn scheduling_record(&self, namespace: &str, pod: &str) -> Option<&SchedulingRecord> {
        self.scheduler.record(namespace, pod)
    }

    /// Restarts kube-scheduler with another configuration (its queue and cache are
    /// rebuilt from the API server, as a restarted scheduler relists).
    pub fn set_scheduler_config(&mut self, config: SchedulerConfig) -> Result<(), String> {
        self.scheduler.set_config(config)?;
        self.dispatch_watch_events();
        self.scheduler.resync(&self.api);
        Ok(())
    }

    /// When the next timer is due that is not a kubelet's node heartbeat (the Lease
    /// renewal and NodeStatus check every 10 s). `sim settle` waits for these only:
    /// heartbeats never end, and they change nothing but bookkeeping.
    pub fn next_significant_wakeup(&self) -> Option<SimTime> {
        // The agenda keeps the earliest timer per (controller, Node-keyed) class, so
        // this does not scan every node's timers.
        let mut controllers = None;
        for ((controller, node_key), due) in self.agenda.earliest_by_class() {
            let heartbeat = controller == self.kubelet_index && node_key;
            let node_check = controller == self.node_lifecycle_index && node_key;
            if !(heartbeat || node_check) {
                controllers = earliest(controllers, Some(due));
            }
        }
        // The lifecycle controller re-checks every node at its lease deadline; that
        // matters only for a node whose kubelet has stopped.
        let runtime = self.node_runtime.borrow();
        for (name, _) in runtime.nodes.iter().filter(|(_, node)| node.failed) {
            controllers = earliest(
                controllers,
                self.agenda
                    .earliest_for_node(self.node_lifecycle_index, name),
            );
        }
        // The scheduler's backoff and unschedulable-flush timers count: they retry pods;
        // so does etcd's next lease expiry, which deletes Events.
        earliest(
            earliest(controllers, self.scheduler.next_wakeup()),
            self.api.next_lease_expiry(),
        )
    }

    /// Delivers new watch events to the queues of the controllers that watch their kind.
    fn dispatch_watch_events(&mut self) {
        let revision = self.api.resource_version();
        if revision == self.dispatched_revision {
            return;
        }
        match self.api.store().events_after(self.dispatched_revision) {
            Some(events) => {
                let now = self.api.now();
                for event in events {
                    let type_index = event.object.resource_type().index();
                    match self.routes.controllers.get(type_index) {
                        Some(route) => {
                            for &index in route {
                                let slot = &mut self.controllers[index];
                                slot.controller.observe(event, &self.api, &mut slot.queue);
                            }
                        }
                        // A type outside the table: everyone hears of it, as before.
                        None => {
                            for slot in &mut self.controllers {
                                slot.controller.observe(event, &self.api, &mut slot.queue);
                            }
                        }
                    }
                    if self
                        .routes
                        .scheduler
                        .get(type_index)
                        .copied()
                        .unwrap_or(true)
                    {
                        self.scheduler.observe(event, now);
                    }
                }
            }
            None => {
                // The log was compacted past what controllers saw: relist, as an informer does.
                self.informer_relists += 1;
                for slot in &mut self.controllers {
                    slot.controller.resync(&self.api, &mut slot.queue);
                }
                self.scheduler.resync(&self.api);
            }
        }
        self.dispatched_revision = revision;
    }

    /// Reconciles one queued key, if any is queued at the current time.
    pub fn step(&mut self) -> StepOutcome {
        self.dispatch_watch_events();
        // The scheduler takes its turn after the controllers, in the same round-robin.
        let count = self.controllers.len() + 1;
        for offset in 0..count {
            let index = (self.next_turn + offset) % count;
            if index == self.controllers.len() {
                if !self.scheduler.has_work() {
                    continue;
                }
                self.next_turn = (index + 1) % count;
                let mut context = ControllerContext::new(
                    &mut self.api,
                    &mut self.recorder,
                    &mut self.trace,
                    crate::scheduler::COMPONENT,
                );
                self.scheduler.schedule_one(&mut context);
                self.total_steps += 1;
                self.bound_trace();
                self.dispatch_watch_events();
                return StepOutcome::Worked;
            }
            let Some(key) = self.controllers[index].queue.pop() else {
                continue;
            };
            self.next_turn = (index + 1) % count;
            let slot = &mut self.controllers[index];
            let component = slot.controller.name();
            let mut context = ControllerContext::new(
                &mut self.api,
                &mut self.recorder,
                &mut self.trace,
                component,
            );
            let action = slot.controller.reconcile(&key, &mut context);
            if let Action::RequeueAfter(delay) = action {
                let due = self.api.now() + delay.max(SimDuration::from_millis(1));
                self.agenda.schedule(
                    due,
                    Timer::Requeue {
                        controller: index,
                        key,
                    },
                );
            }
            self.total_steps += 1;
            self.bound_trace();
            self.dispatch_watch_events();
            return StepOutcome::Worked;
        }
        StepOutcome::Idle
    }

    /// Steps until nothing is queued at the current time. Returns the steps taken,
    /// or [`SimError::Stuck`] when `max_steps` ran out first.
    pub fn run_until_idle(&mut self, max_steps: u64) -> Result<u64, SimError> {
        let mut steps = 0;
        while self.step() == StepOutcome::Worked {
            steps += 1;
            if steps >= max_steps && self.has_queued_work() {
                return Err(self.stuck(steps));
            }
        }
        Ok(steps)
    }

    /// Advances the clock to `target`, firing every timer due on the way and
    /// settling the cluster at each instant. Time never goes backwards.
    pub fn advance_to(&mut self, target: SimTime) -> Result<(), SimError> {
        let budget = self.max_steps_per_call;
        let mut steps = 0;
        loop {
            steps += self.run_until_idle(budget.saturating_sub(steps).max(1))?;
            if steps >= budget {
                return Err(self.stuck(steps));
            }
            match self.next_wakeup() {
                Some(due) if due <= target => {
                    self.api.set_now(due.max(self.api.now()));
                    self.scheduler.flush(self.api.now());
                    // One at a time: the due timers of an instant (every node's heartbeat)
                    // are not collected into a vector first.
                    while let Some(timer) = self.agenda.pop_due(self.api.now()) {
                        match timer {
                            Timer::Requeue { controller, key } => {
                                if let Some(slot) = self.controllers.get_mut(controller) {
                                    slot.queue.add(key);
                                }
                            }
                        }
                    }
                    self.revoke_expired_leases();
                }
                _ => {
                    self.api.set_now(target.max(self.api.now()));
                    self.run_until_idle(budget.saturating_sub(steps).max(1))?;
                    return Ok(());
                }
            }
        }
    }

    /// etcd's lessor at the current instant: deletes the objects of every lease that
    /// has expired (Events, an hour to an hour and a minute after their last write),
    /// one step per lease, and forgets the deleted Events in the recorder's cache so
    /// that it stays bounded.
    ///
    /// Each lease's deletions (at most 1,000) reach the informers before the next lease
    /// goes. Upstream keeps a watch cache per resource, so a flood of Event deletions
    /// never compacts the Pods' history; kubesim's one log would, and every informer
    /// would relist. Example: a 100,000-pod rollout writes ~600,000 Events within a
    /// few minutes; an hour later hundreds of leases expire at one instant, and their
    /// deletions, delivered all at once, would exceed the 100,000-entry log.
    fn revoke_expired_leases(&mut self) {
        while let Some(removed) = self.api.revoke_expired_lease() {
            for object in &removed {
                if let Some(event) = object.as_::<crate::model::event::Event>() {
                    self.recorder
                        .forget(object.namespace(), object.name(), event);
                }
            }
            self.total_steps += 1;
            self.dispatch_watch_events();
        }
    }

    /// Advances the clock by `duration`.
    pub fn advance_by(&mut self, duration: SimDuration) -> Result<(), SimError> {
        let target = self.api.now() + duration.max(SimDuration::ZERO);
        self.advance_to(target)
    }

    /// Takes the trace entries recorded since the last drain, oldest first.
    pub fn drain_trace(&mut self) -> Vec<TraceEntry> {
        std::mem::take(&mut self.trace).into()
    }

    /// A read-only view of the cluster for UIs.
    pub fn view(&self) -> crate::view::ClusterView {
        crate::view::ClusterView::of(&self.api)
    }

    /// A stable hash of the whole simulated state: the clock, every stored object
    /// and the RNG's position. Equal fingerprints mean equal futures.
    pub fn fingerprint(&self) -> u64 {
        let mut hasher = crate::fingerprint::Fnv64::new();
        hasher.write_i64(self.api.now().unix_millis());
        hasher.write_u64(self.api.resource_version());
        for (key, object) in self.api.store().iter() {
            hasher.write_str(&key.to_string());
            hasher.write_str(&serde_json::to_string(&object.to_value()).unwrap_or_default());
        }
        let mut rng = self.api.rng_state().clone();
        hasher.write_u64(rng.next_u64());
        hasher.write_u64(self.agenda.len() as u64);
        hasher.write_u64(self.api.store().lease_count() as u64);
        hasher.finish()
    }

    /// kubectl's kubeconfig (contexts and the current one).
    pub fn kubeconfig(&self) -> &crate::kubectl::kubeconfig::Kubeconfig {
        &self.kubeconfig
    }

    pub fn kubeconfig_mut(&mut self) -> &mut crate::kubectl::kubeconfig::Kubeconfig {
        &mut self.kubeconfig
    }

    /// The nodes' runtime state, for the data-plane API in `crate::node::faults`.
    pub(crate) fn node_runtime(&self) -> &crate::node::runtime::SharedRuntime {
        &self.node_runtime
    }

    /// Queues `key` for the kubelet, as a fault or a request that changed a node's
    /// runtime state does.
    pub(crate) fn queue_for_kubelet(&mut self, key: ObjectKey) {
        if let Some(slot) = self.controllers.get_mut(self.kubelet_index) {
            slot.queue.add(key);
        }
    }

    /// Records a trace entry from outside a reconcile (faults, requests).
    pub(crate) fn push_trace(&mut self, component: &'static str, message: String) {
        self.trace.push_back(TraceEntry {
            time: self.api.now(),
            component,
            message,
        });
        self.bound_trace();
    }

    /// Every object of the store, for snapshots and tests.
    pub fn objects(&self) -> impl Iterator<Item = &Arc<Object>> {
        self.api.store().iter().map(|(_, object)| object)
    }

    fn has_queued_work(&self) -> bool {
        self.controllers.iter().any(|slot| !slot.queue.is_empty()) || self.scheduler.has_work()
    }

    fn stuck(&self, steps: u64) -> SimError {
        let pending: Vec<String> = self
            .controllers
            .iter()
            .filter(|slot| !slot.queue.is_empty())
            .map(|slot| {
                let keys: Vec<String> = slot
                    .queue
                    .iter()
                    .take(5)
                    .map(ObjectKey::to_string)
                    .collect();
                format!(
                    "{}: {} keys ({})",
                    slot.controller.name(),
                    slot.queue.len(),
                    keys.join(", ")
                )
            })
            .collect();
        let mut pending = pending;
        if self.scheduler.has_work() {
            let (active, backoff, unschedulable, _) = self.scheduler.queue().pending_counts();
            pending.push(format!(
                "{}: {active} active, {backoff} backing off, {unschedulable} unschedulable pods",
                crate::scheduler::COMPONENT
            ));
        }
        SimError::Stuck {
            steps,
            seed: self.seed,
            pending: pending.join("; "),
        }
    }

    fn bound_trace(&mut self) {
        if self.trace.len() > Self::TRACE_CAPACITY {
            let excess = self.trace.len() - Self::TRACE_CAPACITY;
            self.trace.drain(..excess);
        }
    }
}

/// The earlier of two optional wake-up times.
fn earliest(a: Option<SimTime>, b: Option<SimTime>) -> Option<SimTime> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
