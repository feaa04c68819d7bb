//! Property test of the controllers with the real scheduler and kubelets: random
//! sequences of operations on a small cluster (scale, image changes including a bad
//! tag, pod deletes, node failures and recoveries, new nodes, time passing), with
//! the invariants upstream's controllers keep checked after every step.
//!
//! Every step ends at a quiescent point (`run_until_idle`, or `advance_by`, which
//! settles at every instant it visits). The invariants, and why they are the ones
//! upstream guarantees:
//!
//! 1. **No node is over-committed.** For every node, the requests (cpu, memory, one
//!    pod each) of the non-terminal pods bound to it, terminating ones included (the
//!    scheduler's cache keeps them until they are gone), fit its allocatable.
//! 2. **Surge bound.** For every Deployment, the ReplicaSets it controls ask for at
//!    most `replicas + maxSurge` pods in total, and at most that many of their pods
//!    are active (neither terminal nor terminating). `reconcileNewReplicaSet` never
//!    scales up past `maxTotalPods`, and `scale()` sizes proportional scaling to
//!    `replicas + maxSurge` of the new spec, so this holds at every quiescent point,
//!    a scale included. Terminating pods are left out as upstream leaves them out: a
//!    replacement is created as soon as a pod is being deleted.
//! 3. **Availability bound, for the controller's own actions.** The controller only
//!    scales old ReplicaSets down while at least `replicas - maxUnavailable` pods stay
//!    available (`reconcileOldReplicaSets`, `cleanupUnhealthyReplicas` removes only
//!    unavailable ones, and the ReplicaSet deletes not-ready pods first). Faults are
//!    not the controller's doing: a deleted pod, pods on a node that is failed, was
//!    failed when the step began, or recovered in the last 10 minutes (its containers
//!    restart), or a deleted node may drop availability. So after a step, for every Deployment:
//!    `available + lost_to_faults >= min(available_before, replicas - maxUnavailable)`.
//!    Upstream guarantees nothing stronger: a scale-up raises the bound before the
//!    new pods exist, and a failed node drops pods the controller cannot keep. A
//!    scale mid-rollout is not covered either: `scale()` in `sync.go` resizes every
//!    ReplicaSet in proportion, available or not (replicas 4 → 2 with maxSurge 50%
//!    and an old and a stuck new ReplicaSet of 3 each: allowed 3, each gets
//!    round(3·3/6) = 2, the leftover −1 goes to the larger older one, so the old
//!    ReplicaSet keeps 1 available pod while the bound is 2). The check skips the
//!    Deployment a step scaled; the next steps start from what it left.
//! 4. **No orphan.** Every Pod and ReplicaSet with an ownerReference either has a
//!    live owner with that uid or is already being deleted (the garbage collector
//!    acted; a pod on a failed node stays Terminating, as upstream).
//! 5. **Convergence.** Once faults stop (every node recovered, bad images replaced),
//!    within 15 minutes every Deployment has `status.replicas == updatedReplicas ==
//!    availableReplicas == spec.replicas` and `observedGeneration == generation`.
//!
//! A second property: the same seed and the same operations give the same events,
//! traces and fingerprint.

use std::collections::{BTreeMap, BTreeSet};

use kubesim::api_server::DeleteOptions;
use kubesim::model::Resource;
use kubesim::model::deployment::Deployment;
use kubesim::model::event::Event;
use kubesim::model::node::Node;
use kubesim::model::pod::Pod;
use kubesim::model::pod_util::{is_pod_active, is_pod_available, is_pod_ready, is_pod_terminal};
use kubesim::model::replica_set::ReplicaSet;
use kubesim::model::resources::{Resources, pod_requests};
use kubesim::{ClusterConfig, NodeConfig, SimDuration, SimTime, Simulation, SimulationConfig};
use kubesim_tests::workloads::{apply, deployment, deployment_yaml, edit_deployment, set_image};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const DEPLOYMENTS: usize = 3;
const WORKERS: usize = 3;
const MAX_EXTRA_NODES: usize = 2;
const GOOD_IMAGES: [&str; 3] = ["nginx:1.24", "nginx:1.25", "nginx:1.26"];
/// A typo tag: ErrImagePull, then ImagePullBackOff, as on Docker Hub.
const BAD_IMAGE: &str = "nginx:1.161";
const BOUNDS: [&str; 5] = ["0", "1", "2", "25%", "50%"];
/// How long a recovered node's pods may still be restarting.
const RECOVERY_SECONDS: i64 = 600;

#[derive(Clone, Debug)]
struct Plan {
    replicas: i32,
    max_surge: &'static str,
    max_unavailable: &'static str,
    revision_history_limit: i32,
}

#[derive(Clone, Debug)]
enum Op {
    Scale {
        deployment: usize,
        replicas: i32,
    },
    SetImage {
        deployment: usize,
        image: usize,
    },
    BadImage {
        deployment: usize,
    },
    DeletePod {
        pick: usize,
    },
    FailNode {
        node: usize,
    },
    RecoverNode {
        node: usize,
    },
    AddNode,
    /// `kubectl delete node` of a node the test added (the pod GC takes its pods).
    DeleteNode {
        pick: usize,
    },
    Advance {
        seconds: i64,
    },
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        1..=4i32,
        0..BOUNDS.len(),
        0..BOUNDS.len(),
        prop_oneof![Just(0), Just(1), Just(10)],
    )
        .prop_filter(
            "maxSurge and maxUnavailable may not both be 0",
            |(_, s, u, _)| !(BOUNDS[*s] == "0" && BOUNDS[*u] == "0"),
        )
        .prop_map(|(replicas, s, u, limit)| Plan {
            replicas,
            max_surge: BOUNDS[s],
            max_unavailable: BOUNDS[u],
            revision_history_limit: limit,
        })
}

fn op() -> impl Strategy<Value = Op> {
    let deployment = 0..DEPLOYMENTS;
    prop_oneof![
        2 => (deployment.clone(), 0..=5i32).prop_map(|(deployment, replicas)| Op::Scale { deployment, replicas }),
        3 => (deployment.clone(), 0..GOOD_IMAGES.len()).prop_map(|(deployment, image)| Op::SetImage { deployment, image }),
        1 => deployment.prop_map(|deployment| Op::BadImage { deployment }),
        2 => (0..64usize).prop_map(|pick| Op::DeletePod { pick }),
        1 => (0..WORKERS + MAX_EXTRA_NODES).prop_map(|node| Op::FailNode { node }),
        1 => (0..WORKERS + MAX_EXTRA_NODES).prop_map(|node| Op::RecoverNode { node }),
        1 => Just(Op::AddNode),
        1 => (0..MAX_EXTRA_NODES).prop_map(|pick| Op::DeleteNode { pick }),
        6 => prop_oneof![Just(1i64), Just(3), Just(10), Just(45), Just(120), Just(330)]
            .prop_map(|seconds| Op::Advance { seconds }),
    ]
}

fn worker_name(index: usize) -> String {
    format!("worker-{}", index + 1)
}

/// A worker small enough that capacity matters: 2 CPUs, 4 GiB, 8 pods.
fn small_worker(name: &str) -> NodeConfig {
    let mut node = NodeConfig::worker(name);
    node.cpu_millis = 2000;
    node.memory_bytes = 4 * 1024 * 1024 * 1024;
    node.max_pods = 8;
    node
}

fn deployment_name(index: usize) -> String {
    format!("app-{index}")
}

/// The cluster and what the test knows about its faults.
struct World {
    simulation: Simulation,
    nodes_added: usize,
    failed: BTreeSet<String>,
    /// When each node last recovered.
    recovered_at: BTreeMap<String, SimTime>,
    deleted: BTreeSet<String>,
}

impl World {
    fn new(seed: u64, plans: &[Plan]) -> World {
        let mut nodes = vec![NodeConfig::control_plane("control-plane")];
        nodes.extend((0..WORKERS).map(|i| small_worker(&worker_name(i))));
        let mut simulation = Simulation::new(SimulationConfig {
            seed,
            cluster: ClusterConfig { nodes },
            ..SimulationConfig::default()
        });
        for (index, plan) in plans.iter().enumerate() {
            let strategy = format!(
                "  revisionHistoryLimit: {}\n  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: {}\n      maxUnavailable: {}\n",
                plan.revision_history_limit,
                quoted(plan.max_surge),
                quoted(plan.max_unavailable)
            );
            let yaml = deployment_yaml(&deployment_name(index), plan.replicas, GOOD_IMAGES[1], &strategy)
                .replace(
                    "        image: nginx:1.25\n",
                    "        image: nginx:1.25\n        resources:\n          requests: { cpu: 250m, memory: 256Mi }\n",
                );
            apply(&mut simulation, &yaml);
        }
        simulation.run_until_idle(1_000_000).expect("settles");
        World {
            simulation,
            nodes_added: 0,
            failed: BTreeSet::new(),
            recovered_at: BTreeMap::new(),
            deleted: BTreeSet::new(),
        }
    }

    fn node_names(&self) -> Vec<String> {
        (0..WORKERS + self.nodes_added)
            .map(worker_name)
            .filter(|name| !self.deleted.contains(name))
            .collect()
    }

    /// Applies one operation and settles. Returns the pod it deleted, if any.
    fn apply(&mut self, op: &Op) -> Option<String> {
        let mut deleted = None;
        match op {
            Op::Scale {
                deployment,
                replicas,
            } => edit_deployment(&mut self.simulation, &deployment_name(*deployment), |d| {
                d.spec.as_mut().unwrap().make_mut().replicas = Some(*replicas);
            }),
            Op::SetImage { deployment, image } => set_image(
                &mut self.simulation,
                &deployment_name(*deployment),
                GOOD_IMAGES[*image],
            ),
            Op::BadImage { deployment } => set_image(
                &mut self.simulation,
                &deployment_name(*deployment),
                BAD_IMAGE,
            ),
            Op::DeletePod { pick } => {
                let live: Vec<Pod> = pods(&self.simulation)
                    .into_iter()
                    .filter(|p| p.metadata.deletion_timestamp.is_none())
                    .collect();
                if !live.is_empty() {
                    let name = live[pick % live.len()].metadata.name().to_string();
                    self.simulation
                        .api_mut()
                        .delete(
                            Pod::resource_type(),
                            "default",
                            &name,
                            &DeleteOptions::default(),
                        )
                        .expect("the pod exists");
                    deleted = Some(name);
                }
            }
            Op::FailNode { node } => {
                let names = self.node_names();
                let name = &names[node % names.len()];
                if self.simulation.fail_node(name).is_ok() {
                    self.failed.insert(name.clone());
                }
            }
            Op::RecoverNode { node } => {
                let names = self.node_names();
                let name = names[node % names.len()].clone();
                if self.failed.contains(&name) {
                    self.simulation
                        .recover_node(&name)
                        .expect("a failed node recovers");
                    self.failed.remove(&name);
                    self.recovered_at.insert(name, self.simulation.now());
                }
            }
            Op::AddNode => {
                if self.nodes_added < MAX_EXTRA_NODES {
                    let name = worker_name(WORKERS + self.nodes_added);
                    self.simulation
                        .add_node(small_worker(&name))
                        .expect("a new node joins");
                    self.nodes_added += 1;
                }
            }
            Op::DeleteNode { pick } => {
                let extra: Vec<String> = (WORKERS..WORKERS + self.nodes_added)
                    .map(worker_name)
                    .filter(|name| !self.deleted.contains(name))
                    .collect();
                if !extra.is_empty() {
                    let name = extra[pick % extra.len()].clone();
                    self.simulation
                        .api_mut()
                        .delete(Node::resource_type(), "", &name, &DeleteOptions::default())
                        .expect("the node exists");
                    self.failed.remove(&name);
                    self.deleted.insert(name);
                }
            }
            Op::Advance { seconds } => {
                self.simulation
                    .advance_by(SimDuration::from_secs(*seconds))
                    .expect("the cluster settles while time passes");
            }
        }
        self.simulation
            .run_until_idle(1_000_000)
            .expect("the cluster settles");
        deleted
    }

    /// Nodes whose faults may explain lost availability in the step that began when
    /// `failed_before` were failed.
    fn suspect_nodes(&self, failed_before: &BTreeSet<String>) -> BTreeSet<String> {
        let now = self.simulation.now();
        let mut suspects: BTreeSet<String> = failed_before.union(&self.failed).cloned().collect();
        suspects.extend(self.deleted.iter().cloned());
        for (node, at) in &self.recovered_at {
            if now - *at <= SimDuration::from_secs(RECOVERY_SECONDS) {
                suspects.insert(node.clone());
            }
        }
        suspects
    }
}

fn quoted(bound: &str) -> String {
    if bound.ends_with('%') {
        format!("\"{bound}\"")
    } else {
        bound.to_string()
    }
}

fn pods(simulation: &Simulation) -> Vec<Pod> {
    simulation
        .api()
        .list(Pod::resource_type(), Some("default"))
        .filter_map(|o| o.as_::<Pod>().cloned())
        .collect()
}

fn replica_sets(simulation: &Simulation) -> Vec<ReplicaSet> {
    simulation
        .api()
        .list(ReplicaSet::resource_type(), Some("default"))
        .filter_map(|o| o.as_::<ReplicaSet>().cloned())
        .collect()
}

/// A bound as an absolute number: percentages of `replicas`, the surge rounded up
/// and the unavailability down (`intstr.GetScaledValueFromIntOrPercent`). Written
/// out here rather than taken from the controller, so the test checks it.
fn resolve(bound: &str, replicas: i32, round_up: bool) -> i32 {
    match bound.strip_suffix('%') {
        Some(percent) => {
            let scaled = percent.parse::<i32>().unwrap() * replicas;
            if round_up {
                (scaled + 99) / 100
            } else {
                scaled / 100
            }
        }
        None => bound.parse().unwrap(),
    }
}

/// (maxSurge, maxUnavailable) as `ResolveFenceposts` resolves them: both 0 → 0 and 1.
fn fenceposts(d: &Deployment) -> (i32, i32) {
    let replicas = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let rolling = d
        .spec
        .as_ref()
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.rolling_update.as_ref())
        .expect("rolling update");
    let text = |v: &Option<kubesim::model::intstr::IntOrString>| -> String {
        serde_json::to_value(v.as_ref().unwrap())
            .ok()
            .map(|v| match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            })
            .unwrap()
    };
    let surge = resolve(&text(&rolling.max_surge), replicas, true);
    let unavailable = resolve(&text(&rolling.max_unavailable), replicas, false);
    if surge == 0 && unavailable == 0 {
        (0, 1)
    } else {
        (surge, unavailable)
    }
}

/// The uids of the ReplicaSets the Deployment controls.
fn owned_sets(simulation: &Simulation, d: &Deployment) -> Vec<ReplicaSet> {
    replica_sets(simulation)
        .into_iter()
        .filter(|rs| {
            rs.metadata
                .controller_ref()
                .is_some_and(|r| r.uid == d.metadata.uid())
        })
        .collect()
}

fn owned_pods(simulation: &Simulation, sets: &[ReplicaSet]) -> Vec<Pod> {
    let uids: BTreeSet<String> = sets
        .iter()
        .map(|rs| rs.metadata.uid().to_string())
        .collect();
    pods(simulation)
        .into_iter()
        .filter(|p| {
            p.metadata
                .controller_ref()
                .is_some_and(|r| uids.contains(&r.uid))
        })
        .collect()
}

/// Names and nodes of a Deployment's available pods (minReadySeconds 0).
fn available(simulation: &Simulation, index: usize) -> BTreeMap<String, String> {
    let d = deployment(simulation, &deployment_name(index));
    let now = simulation.now();
    owned_pods(simulation, &owned_sets(simulation, &d))
        .into_iter()
        .filter(|p| is_pod_active(p) && is_pod_ready(p) && is_pod_available(p, 0, now))
        .map(|p| (p.metadata.name().to_string(), p.node_name().to_string()))
        .collect()
}

fn check_no_overcommit(simulation: &Simulation) -> Result<(), TestCaseError> {
    let mut used: BTreeMap<String, Resources> = BTreeMap::new();
    for pod in pods(simulation) {
        if pod.node_name().is_empty() || is_pod_terminal(&pod) {
            continue;
        }
        let requests = Resources::from_list(&pod_requests(&pod, &Default::default()));
        let entry = used.entry(pod.node_name().to_string()).or_default();
        entry.add_signed(&requests, 1);
        entry.pods += 1;
    }
    for object in simulation.api().list(Node::resource_type(), None) {
        let node = object.as_::<Node>().expect("a node");
        let allocatable =
            Resources::from_quantities(node.status.as_ref().and_then(|s| s.allocatable.as_ref()));
        let Some(used) = used.get(node.metadata.name()) else {
            continue;
        };
        prop_assert!(
            used.cpu_millis <= allocatable.cpu_millis
                && used.memory_bytes <= allocatable.memory_bytes
                && used.pods <= allocatable.pods,
            "node {} over-committed: {used:?} of {allocatable:?}",
            node.metadata.name()
        );
    }
    Ok(())
}

fn check_surge_bound(simulation: &Simulation) -> Result<(), TestCaseError> {
    for index in 0..DEPLOYMENTS {
        let d = deployment(simulation, &deployment_name(index));
        let replicas = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
        let (surge, _) = fenceposts(&d);
        let sets = owned_sets(simulation, &d);
        let asked: i32 = sets.iter().map(|rs| rs.spec().replicas.unwrap_or(0)).sum();
        prop_assert!(
            asked <= replicas + surge,
            "{}: ReplicaSets ask for {asked} pods, more than {replicas} + maxSurge {surge}",
            deployment_name(index)
        );
        let active = owned_pods(simulation, &sets)
            .iter()
            .filter(|p| is_pod_active(p))
            .count() as i32;
        prop_assert!(
            active <= replicas + surge,
            "{}: {active} active pods, more than {replicas} + maxSurge {surge}",
            deployment_name(index)
        );
    }
    Ok(())
}

fn check_availability(
    simulation: &Simulation,
    before: &[BTreeMap<String, String>],
    deleted: Option<&str>,
    suspects: &BTreeSet<String>,
    scaled: Option<usize>,
) -> Result<(), TestCaseError> {
    for (index, available_before) in before.iter().enumerate() {
        if scaled == Some(index) {
            continue;
        }
        let d = deployment(simulation, &deployment_name(index));
        let replicas = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
        let (_, max_unavailable) = fenceposts(&d);
        let min_available = (replicas - max_unavailable).max(0);
        let after = available(simulation, index);
        let lost_to_faults = available_before
            .iter()
            .filter(|(name, node)| {
                !after.contains_key(*name)
                    && (deleted == Some(name.as_str()) || suspects.contains(*node))
            })
            .count();
        let floor = (available_before.len()).min(min_available as usize);
        prop_assert!(
            after.len() + lost_to_faults >= floor,
            "{}: {} available (+{lost_to_faults} lost to faults), below min({}, {replicas} - maxUnavailable {max_unavailable}); before {:?}, after {:?}",
            deployment_name(index),
            after.len(),
            available_before.len(),
            available_before,
            after
        );
    }
    Ok(())
}

fn check_no_orphans(simulation: &Simulation) -> Result<(), TestCaseError> {
    let api = simulation.api();
    let owners_of = |meta: &kubesim::model::ObjectMeta| -> Vec<String> {
        meta.owner_references
            .iter()
            .flatten()
            .map(|r| r.uid.clone())
            .collect()
    };
    for pod in pods(simulation) {
        for uid in owners_of(&pod.metadata) {
            prop_assert!(
                api.get_by_uid(&uid).is_some() || pod.metadata.deletion_timestamp.is_some(),
                "pod {} outlives its owner {uid}",
                pod.metadata.name()
            );
        }
    }
    for rs in replica_sets(simulation) {
        for uid in owners_of(&rs.metadata) {
            prop_assert!(
                api.get_by_uid(&uid).is_some() || rs.metadata.deletion_timestamp.is_some(),
                "ReplicaSet {} outlives its owner {uid}",
                rs.metadata.name()
            );
        }
    }
    Ok(())
}

/// Stops every fault, then checks that every Deployment converges to its spec.
fn check_convergence(world: &mut World) -> Result<(), TestCaseError> {
    for node in world.failed.clone() {
        world.simulation.recover_node(&node).expect("recovers");
    }
    world.failed.clear();
    for index in 0..DEPLOYMENTS {
        let name = deployment_name(index);
        let d = deployment(&world.simulation, &name);
        let image = d
            .spec
            .as_ref()
            .unwrap()
            .template
            .as_ref()
            .unwrap()
            .spec
            .as_ref()
            .unwrap()
            .containers
            .as_ref()
            .unwrap()[0]
            .image
            .clone()
            .unwrap_or_default();
        if image == BAD_IMAGE {
            set_image(&mut world.simulation, &name, GOOD_IMAGES[0]);
        }
    }
    world
        .simulation
        .advance_by(SimDuration::from_secs(15 * 60))
        .expect("the cluster settles");
    for index in 0..DEPLOYMENTS {
        let d = deployment(&world.simulation, &deployment_name(index));
        let spec_replicas = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
        let status = d.status.clone().unwrap_or_default();
        let counts = (
            status.replicas.unwrap_or(0),
            status.updated_replicas.unwrap_or(0),
            status.available_replicas.unwrap_or(0),
        );
        prop_assert_eq!(
            counts,
            (spec_replicas, spec_replicas, spec_replicas),
            "{} did not converge to {} replicas: (replicas, updated, available)",
            deployment_name(index),
            spec_replicas
        );
        prop_assert_eq!(
            status.observed_generation,
            d.metadata.generation,
            "{} observedGeneration",
            deployment_name(index)
        );
    }
    check_no_orphans(&world.simulation)
}

fn run_and_check(seed: u64, plans: &[Plan], ops: &[Op]) -> Result<(), TestCaseError> {
    let mut world = World::new(seed, plans);
    for op in ops {
        let before: Vec<BTreeMap<String, String>> = (0..DEPLOYMENTS)
            .map(|index| available(&world.simulation, index))
            .collect();
        let failed_before = world.failed.clone();
        let deleted = world.apply(op);
        let suspects = world.suspect_nodes(&failed_before);
        check_no_overcommit(&world.simulation)?;
        check_surge_bound(&world.simulation)?;
        let scaled = match op {
            Op::Scale { deployment, .. } => Some(*deployment),
            _ => None,
        };
        check_availability(
            &world.simulation,
            &before,
            deleted.as_deref(),
            &suspects,
            scaled,
        )?;
        check_no_orphans(&world.simulation)?;
    }
    check_convergence(&mut world)
}

/// Everything observable a run leaves behind: events, component traces, fingerprint.
fn trace_of(seed: u64, plans: &[Plan], ops: &[Op]) -> (Vec<String>, Vec<String>, u64) {
    let mut world = World::new(seed, plans);
    let mut traces = Vec::new();
    for op in ops {
        world.apply(op);
        traces.extend(
            world
                .simulation
                .drain_trace()
                .into_iter()
                .map(|t| format!("{} {} {}", t.time.to_rfc3339(), t.component, t.message)),
        );
    }
    let events = world
        .simulation
        .api()
        .list(Event::resource_type(), None)
        .filter_map(|o| o.as_::<Event>().cloned())
        .map(|e| {
            format!(
                "{} {} {} {} x{}",
                e.metadata.name(),
                e.involved_object.name.unwrap_or_default(),
                e.reason.unwrap_or_default(),
                e.message.unwrap_or_default(),
                e.count.unwrap_or(1)
            )
        })
        .collect();
    (events, traces, world.simulation.fingerprint())
}

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

proptest! {
    // PROPTEST_CASES=500 hunts longer; the default keeps the debug run short.
    #![proptest_config(ProptestConfig { cases: cases(24), max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn controllers_keep_their_invariants_under_random_operations(
        seed in any::<u64>(),
        plans in proptest::collection::vec(plan(), DEPLOYMENTS),
        ops in proptest::collection::vec(op(), 1..30),
    ) {
        run_and_check(seed, &plans, &ops)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]

    #[test]
    fn the_same_seed_and_operations_give_the_same_event_trace(
        seed in any::<u64>(),
        plans in proptest::collection::vec(plan(), DEPLOYMENTS),
        ops in proptest::collection::vec(op(), 1..20),
    ) {
        let first = trace_of(seed, &plans, &ops);
        let second = trace_of(seed, &plans, &ops);
        prop_assert!(!first.0.is_empty(), "the run records events");
        prop_assert_eq!(first, second);
    }
}
