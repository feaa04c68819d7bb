//! Helpers for scenario tests of the data plane: pods pinned to nodes, the
//! kubelet's events in order, and container states read back from the API.

use kubesim::model::Object;
use kubesim::model::event::Event;
use kubesim::model::manifest::decode_manifests;
use kubesim::model::pod::{ContainerStateTerminated, ContainerStateWaiting, ContainerStatus, Pod};
use kubesim::model::registry::lookup_kind_name;
use kubesim::{SimDuration, Simulation, SimulationConfig};

/// A default cluster (control plane and three workers) with the default seed.
pub fn cluster() -> Simulation {
    Simulation::new(SimulationConfig::default())
}

/// A cluster with a given seed.
pub fn cluster_with_seed(seed: u64) -> Simulation {
    Simulation::new(SimulationConfig {
        seed,
        ..SimulationConfig::default()
    })
}

/// Applies a YAML manifest (one or more documents) through the API server and settles.
pub fn apply(simulation: &mut Simulation, yaml: &str) {
    for decoded in decode_manifests(yaml, "test") {
        let decoded = decoded.expect("the test manifest decodes");
        simulation
            .api_mut()
            .create(decoded.object)
            .expect("the test manifest is accepted");
    }
    simulation.run_until_idle(1_000_000).expect("settles");
}

/// Advances virtual time by whole seconds.
pub fn wait_seconds(simulation: &mut Simulation, seconds: i64) {
    simulation
        .advance_by(SimDuration::from_secs(seconds))
        .expect("the cluster settles");
}

/// Advances virtual time by milliseconds.
pub fn wait_millis(simulation: &mut Simulation, millis: i64) {
    simulation
        .advance_by(SimDuration::from_millis(millis))
        .expect("the cluster settles");
}

/// The pod as stored.
pub fn pod(simulation: &Simulation, namespace: &str, name: &str) -> Option<Pod> {
    let pod_type = lookup_kind_name("Pod").expect("Pod is served");
    simulation
        .api()
        .get_ref(pod_type, namespace, name)
        .and_then(|o| o.as_::<Pod>().cloned())
}

/// The pod's phase ("" when gone).
pub fn phase(simulation: &Simulation, namespace: &str, name: &str) -> String {
    pod(simulation, namespace, name)
        .map(|p| p.phase().to_string())
        .unwrap_or_default()
}

/// A container's status.
pub fn container_status(
    simulation: &Simulation,
    namespace: &str,
    name: &str,
    container: &str,
) -> Option<ContainerStatus> {
    let pod = pod(simulation, namespace, name)?;
    let status = pod.status?;
    status
        .container_statuses
        .into_iter()
        .flatten()
        .chain(status.init_container_statuses.into_iter().flatten())
        .find(|s| s.name.as_deref() == Some(container))
}

/// The container's current state if it is waiting (reason, message).
pub fn waiting_state(
    simulation: &Simulation,
    namespace: &str,
    name: &str,
    container: &str,
) -> Option<ContainerStateWaiting> {
    container_status(simulation, namespace, name, container)?
        .state?
        .waiting
}

/// The container's current state if it has terminated.
pub fn terminated_state(
    simulation: &Simulation,
    namespace: &str,
    name: &str,
    container: &str,
) -> Option<ContainerStateTerminated> {
    container_status(simulation, namespace, name, container)?
        .state?
        .terminated
}

/// How the container's previous instance ended (`lastState.terminated`).
pub fn last_terminated_state(
    simulation: &Simulation,
    namespace: &str,
    name: &str,
    container: &str,
) -> Option<ContainerStateTerminated> {
    container_status(simulation, namespace, name, container)?
        .last_state?
        .terminated
}

/// What `kubectl get pods` shows as STATUS for a single-container pod: the waiting
/// or terminated reason, else the phase.
pub fn container_reason(
    simulation: &Simulation,
    namespace: &str,
    name: &str,
    container: &str,
) -> String {
    let Some(status) = container_status(simulation, namespace, name, container) else {
        return String::new();
    };
    let state = status.state.unwrap_or_default();
    if let Some(waiting) = state.waiting {
        return waiting.reason.unwrap_or_default();
    }
    if let Some(terminated) = state.terminated {
        return terminated.reason.unwrap_or_default();
    }
    if state.running.is_some() {
        return "Running".to_string();
    }
    String::new()
}

/// The events about an object, oldest first: (reason, message).
pub fn events_for(simulation: &Simulation, namespace: &str, name: &str) -> Vec<(String, String)> {
    let event_type = lookup_kind_name("Event").expect("Event is served");
    let mut events: Vec<(String, String, String, i32)> = simulation
        .api()
        .list(event_type, Some(namespace))
        .filter_map(|o| match o.as_ref() {
            Object::Event(event) => Some((**event).clone()),
            _ => None,
        })
        .filter(|e: &Event| e.involved_object.name.as_deref() == Some(name))
        .map(|e| {
            (
                e.first_timestamp
                    .map(|t| t.0.to_rfc3339())
                    .unwrap_or_default()
                    + e.metadata.name(),
                e.reason.clone().unwrap_or_default(),
                e.message.clone().unwrap_or_default(),
                e.count.unwrap_or(1),
            )
        })
        .collect();
    events.sort();
    events.into_iter().map(|(_, r, m, _)| (r, m)).collect()
}

/// The condition's status ("True", "False") on the pod.
pub fn pod_condition(simulation: &Simulation, namespace: &str, name: &str, type_: &str) -> String {
    pod(simulation, namespace, name)
        .and_then(|p| p.status)
        .and_then(|s| s.conditions)
        .into_iter()
        .flatten()
        .find(|c| c.type_.as_deref() == Some(type_))
        .and_then(|c| c.status)
        .unwrap_or_default()
}

/// A single-container pod pinned to `node`, as YAML.
pub fn pinned_pod(
    name: &str,
    node: &str,
    image: &str,
    extra_container_yaml: &str,
    extra_spec_yaml: &str,
) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels:\n    app: {name}\nspec:\n  nodeName: {node}\n{extra_spec_yaml}  containers:\n  - name: {name}\n    image: {image}\n{extra_container_yaml}"
    )
}

/// Runs one kubectl command line as a user would; panics with its stderr if it fails.
pub fn kubectl(simulation: &mut Simulation, line: &str) -> String {
    let output = kubesim::kubectl::run(simulation, line, "");
    assert_eq!(output.exit_code, 0, "{line}: {}", output.stderr);
    output.stdout
}

/// (node, phase, ready) of the live (not terminating) pods labelled `key=value`, by node.
pub fn live_pods_by_node(
    simulation: &Simulation,
    namespace: &str,
    key: &str,
    value: &str,
) -> Vec<(String, String, bool)> {
    let mut pods: Vec<(String, String, bool)> =
        crate::batchnodes::pods_labelled(simulation, namespace, key, value)
            .into_iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .map(|p| {
                (
                    p.node_name().to_string(),
                    p.phase().to_string(),
                    kubesim::model::pod_util::is_pod_ready(&p),
                )
            })
            .collect();
    pods.sort();
    pods
}
