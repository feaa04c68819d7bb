//! Helpers for the workload scenario tests (ReplicaSets, Deployments).
//!
//! The scenarios run in a cluster without nodes, so that neither the scheduler nor a
//! kubelet touches their pods. A [`FakeKubelet`] plays both parts, as upstream's
//! controller unit tests do: it binds pods to made-up node names, reports them
//! Running and Ready through `update_status` (or leaves them unready, as a bad image
//! would), and finishes graceful deletions.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use kubesim::api_server::{DeleteOptions, PropagationPolicy};
use kubesim::model::deployment::Deployment;
use kubesim::model::event::Event;
use kubesim::model::manifest::decode_object;
use kubesim::model::pod::{
    ContainerState, ContainerStateRunning, ContainerStateWaiting, ContainerStatus, Pod,
    PodCondition, PodStatus,
};
use kubesim::model::pod_util::{is_pod_active, is_pod_available, is_pod_ready};
use kubesim::model::replica_set::ReplicaSet;
use kubesim::model::{Object, Resource, Time};
use kubesim::{ClusterConfig, SimDuration, Simulation, SimulationConfig};

/// A simulation without nodes, with the given seed. The pod garbage collector is off:
/// the [`FakeKubelet`] binds pods to made-up nodes, which it would collect.
pub fn empty_cluster(seed: u64) -> Simulation {
    Simulation::new(SimulationConfig {
        seed,
        cluster: ClusterConfig { nodes: Vec::new() },
        pod_gc: false,
        ..SimulationConfig::default()
    })
}

/// Decodes a YAML manifest of one object, as `kubectl apply -f` reads it.
pub fn manifest(yaml: &str) -> Object {
    let value: serde_json::Value = serde_yaml::from_str(yaml).expect("test manifest is YAML");
    decode_object(value, "test.yaml").expect("test manifest decodes")
}

/// Creates the object of `yaml`.
pub fn apply(simulation: &mut Simulation, yaml: &str) -> Arc<Object> {
    simulation
        .api_mut()
        .create(manifest(yaml))
        .expect("test object is accepted")
}

/// A Deployment manifest `name` of `replicas` pods running `image`, labelled `app: name`,
/// with extra spec fields in YAML (indented for `spec:`), e.g. `"  minReadySeconds: 5\n"`.
pub fn deployment_yaml(name: &str, replicas: i32, image: &str, extra_spec: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
{extra_spec}  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: main
        image: {image}
"
    )
}

/// A ReplicaSet manifest `name` of `replicas` pods labelled `app: name`.
pub fn replica_set_yaml(name: &str, replicas: i32, image: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: main
        image: {image}
"
    )
}

/// Plays scheduler and kubelet for pods in a node-less cluster.
#[derive(Clone, Debug)]
pub struct FakeKubelet {
    /// The made-up nodes pods are bound to, round-robin by fewest pods.
    pub nodes: Vec<String>,
    /// Images whose pods never become ready (a bad tag: ImagePullBackOff).
    pub broken_images: BTreeSet<String>,
}

impl Default for FakeKubelet {
    fn default() -> Self {
        FakeKubelet {
            nodes: vec!["node-a".into(), "node-b".into(), "node-c".into()],
            broken_images: BTreeSet::new(),
        }
    }
}

impl FakeKubelet {
    /// One pass over every pod: bind the unbound, start the bound (Ready unless an
    /// image is broken), and finish deletions. Returns how many writes it made.
    pub fn sync(&self, simulation: &mut Simulation) -> usize {
        let now = simulation.now();
        let pods: Vec<Pod> = simulation
            .api()
            .list(Pod::resource_type(), None)
            .filter_map(|object| object.as_::<Pod>().cloned())
            .collect();
        let mut per_node: BTreeMap<String, usize> =
            self.nodes.iter().map(|node| (node.clone(), 0)).collect();
        for pod in &pods {
            if let Some(count) = per_node.get_mut(pod.node_name()) {
                *count += 1;
            }
        }
        let mut writes = 0;
        for mut pod in pods {
            let api = simulation.api_mut();
            let (namespace, name) = (
                pod.metadata.namespace().to_string(),
                pod.metadata.name().to_string(),
            );
            if pod.metadata.is_being_deleted() {
                let options = DeleteOptions {
                    grace_period_seconds: Some(0),
                    ..DeleteOptions::default()
                };
                if api
                    .delete(Pod::resource_type(), &namespace, &name, &options)
                    .is_ok()
                {
                    writes += 1;
                }
                continue;
            }
            if pod.node_name().is_empty() {
                let Some(node) = per_node
                    .iter()
                    .min_by_key(|(node, count)| (**count, (*node).clone()))
                    .map(|(node, _)| node.clone())
                else {
                    continue;
                };
                *per_node.entry(node.clone()).or_default() += 1;
                pod.spec
                    .get_or_insert_with(Default::default)
                    .make_mut()
                    .node_name = Some(node);
                match api.update(Object::Pod(Box::new(pod))) {
                    Ok(bound) => {
                        pod = bound.as_::<Pod>().cloned().expect("a pod");
                        writes += 1;
                    }
                    Err(_) => continue,
                }
            }
            if pod.phase() == "Running" || pod.phase() == "Succeeded" || pod.phase() == "Failed" {
                continue;
            }
            let broken = pod.spec().containers.iter().flatten().any(|c| {
                self.broken_images
                    .contains(c.image.as_deref().unwrap_or(""))
            });
            if broken
                && pod
                    .status
                    .as_ref()
                    .is_some_and(|s| s.container_statuses.is_some())
            {
                continue;
            }
            let time = Some(Time(now.truncated_to_seconds()));
            let condition = |type_: &str, ok: bool| PodCondition {
                type_: Some(type_.to_string()),
                status: Some(if ok { "True" } else { "False" }.to_string()),
                last_transition_time: time,
                ..PodCondition::default()
            };
            let containers = pod.spec().containers.clone().unwrap_or_default();
            let statuses = containers
                .iter()
                .map(|container| ContainerStatus {
                    name: container.name.clone(),
                    image: container.image.clone(),
                    ready: Some(!broken),
                    restart_count: Some(0),
                    state: Some(if broken {
                        ContainerState {
                            waiting: Some(ContainerStateWaiting {
                                reason: Some("ImagePullBackOff".to_string()),
                                message: None,
                            }),
                            ..ContainerState::default()
                        }
                    } else {
                        ContainerState {
                            running: Some(ContainerStateRunning { started_at: time }),
                            ..ContainerState::default()
                        }
                    }),
                    ..ContainerStatus::default()
                })
                .collect();
            pod.status = Some(PodStatus {
                phase: Some(if broken { "Pending" } else { "Running" }.to_string()),
                conditions: Some(vec![
                    condition("Initialized", true),
                    condition("Ready", !broken),
                    condition("ContainersReady", !broken),
                    condition("PodScheduled", true),
                ]),
                container_statuses: Some(statuses),
                start_time: time,
                ..PodStatus::default()
            });
            if api.update_status(Object::Pod(Box::new(pod))).is_ok() {
                writes += 1;
            }
        }
        writes
    }

    /// Settles controllers and this kubelet in turn until neither has anything to do
    /// at the current instant. `check` runs after every controller step and every
    /// kubelet pass, to assert invariants at each intermediate state.
    pub fn settle_checking(&self, simulation: &mut Simulation, mut check: impl FnMut(&Simulation)) {
        for _ in 0..10_000 {
            let mut worked = false;
            for _ in 0..1_000_000 {
                if simulation.step() == kubesim::StepOutcome::Idle {
                    break;
                }
                worked = true;
                check(simulation);
            }
            let writes = self.sync(simulation);
            check(simulation);
            if writes == 0 && !worked {
                return;
            }
        }
        panic!("the cluster did not settle");
    }

    /// Settles controllers and this kubelet at the current instant.
    pub fn settle(&self, simulation: &mut Simulation) {
        self.settle_checking(simulation, |_| {});
    }

    /// Moves the clock forward `seconds`, one second at a time, settling at each.
    pub fn advance(&self, simulation: &mut Simulation, seconds: i64) {
        self.settle(simulation);
        for _ in 0..seconds {
            simulation
                .advance_by(SimDuration::from_secs(1))
                .expect("the simulation advances");
            self.settle(simulation);
        }
    }
}

/// The object of `kind` named `name` in `default`, typed.
pub fn get<T: Resource>(simulation: &Simulation, name: &str) -> T {
    simulation
        .api()
        .get(T::resource_type(), "default", name)
        .unwrap_or_else(|_| panic!("{} {name} exists", T::KIND))
        .as_::<T>()
        .cloned()
        .expect("the right kind")
}

pub fn deployment(simulation: &Simulation, name: &str) -> Deployment {
    get::<Deployment>(simulation, name)
}

/// Every pod in `default`, in name order.
pub fn pods(simulation: &Simulation) -> Vec<Pod> {
    simulation
        .api()
        .list(Pod::resource_type(), Some("default"))
        .filter_map(|object| object.as_::<Pod>().cloned())
        .collect()
}

/// The active pods (not finished, not being deleted) in `default`.
pub fn active_pods(simulation: &Simulation) -> Vec<Pod> {
    pods(simulation).into_iter().filter(is_pod_active).collect()
}

/// Active pods that are ready and available (minReadySeconds 0).
pub fn available_pods(simulation: &Simulation, min_ready_seconds: i32) -> usize {
    let now = simulation.now();
    active_pods(simulation)
        .iter()
        .filter(|pod| is_pod_ready(pod) && is_pod_available(pod, min_ready_seconds, now))
        .count()
}

/// The ReplicaSets of `default` owned by the Deployment `name`, lowest revision first.
pub fn replica_sets_of(simulation: &Simulation, name: &str) -> Vec<ReplicaSet> {
    let owner = deployment(simulation, name);
    let mut sets: Vec<ReplicaSet> = simulation
        .api()
        .list(ReplicaSet::resource_type(), Some("default"))
        .filter_map(|object| object.as_::<ReplicaSet>().cloned())
        .filter(|rs| {
            rs.metadata
                .controller_ref()
                .is_some_and(|r| r.uid == owner.metadata.uid())
        })
        .collect();
    sets.sort_by_key(|rs| (revision(rs), rs.metadata.name.clone()));
    sets
}

/// The revision annotation of an RS, as a number.
pub fn revision(rs: &ReplicaSet) -> i64 {
    rs.metadata
        .annotation("deployment.kubernetes.io/revision")
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// `spec.replicas` of an RS.
pub fn spec_replicas(rs: &ReplicaSet) -> i32 {
    rs.spec().replicas.unwrap_or(0)
}

/// Events about `name`, oldest first, as (reason, message).
pub fn events_about(simulation: &Simulation, name: &str) -> Vec<(String, String)> {
    let mut events: Vec<(u128, String, String)> = simulation
        .api()
        .list(Event::resource_type(), None)
        .filter_map(|object| object.as_::<Event>())
        .filter(|event| event.involved_object.name.as_deref() == Some(name))
        .map(|event| {
            let order = event
                .metadata
                .name()
                .rsplit('.')
                .next()
                .and_then(|hex| u128::from_str_radix(hex, 16).ok())
                .unwrap_or(0);
            (
                order,
                event.reason.clone().unwrap_or_default(),
                event.message.clone().unwrap_or_default(),
            )
        })
        .collect();
    events.sort();
    events
        .into_iter()
        .map(|(_, reason, message)| (reason, message))
        .collect()
}

/// The condition `type_` of a Deployment as (status, reason).
pub fn condition(deployment: &Deployment, type_: &str) -> Option<(String, String)> {
    deployment
        .status()
        .conditions
        .unwrap_or_default()
        .into_iter()
        .find(|c| c.type_.as_deref() == Some(type_))
        .map(|c| (c.status.unwrap_or_default(), c.reason.unwrap_or_default()))
}

/// Replaces the Deployment's spec via `update`, as `kubectl apply` of an edited file would.
pub fn edit_deployment(
    simulation: &mut Simulation,
    name: &str,
    edit: impl FnOnce(&mut Deployment),
) {
    let mut current = deployment(simulation, name);
    edit(&mut current);
    simulation
        .api_mut()
        .update(Object::Deployment(Box::new(current)))
        .expect("the edit is accepted");
}

/// Sets the first container's image (`kubectl set image`).
pub fn set_image(simulation: &mut Simulation, name: &str, image: &str) {
    edit_deployment(simulation, name, |d| {
        let spec = d.spec.as_mut().expect("spec").make_mut();
        let template = spec.template.as_mut().expect("template");
        let pod_spec = template.spec.as_mut().expect("pod spec").make_mut();
        pod_spec.containers.as_mut().expect("containers")[0].image = Some(image.to_string());
    });
}

/// Deletes a pod of `default` gracefully, as `kubectl delete pod` does.
pub fn delete_pod(simulation: &mut Simulation, name: &str) {
    simulation
        .api_mut()
        .delete(
            Pod::resource_type(),
            "default",
            name,
            &DeleteOptions::default(),
        )
        .expect("the pod exists");
}

/// Deletes an object with a propagation policy (`kubectl delete --cascade=...`).
pub fn delete_with(
    simulation: &mut Simulation,
    resource_type: &'static kubesim::model::ResourceType,
    name: &str,
    policy: PropagationPolicy,
) {
    simulation
        .api_mut()
        .delete(
            resource_type,
            "default",
            name,
            &DeleteOptions {
                propagation_policy: Some(policy),
                ..DeleteOptions::default()
            },
        )
        .expect("the delete is accepted");
}
