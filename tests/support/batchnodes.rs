//! Helpers for the endpoints, node lifecycle, Job and DaemonSet scenarios.
//!
//! Until the scheduler and the kubelet drive pods, these play their part as
//! upstream's controller unit tests do: bind a pod to a node, give it an IP, and
//! mark it Running, Ready, Succeeded or Failed through the status subresource.

use std::sync::Arc;

use kubesim::api_server::DeleteOptions;
use kubesim::model::manifest::decode_object;
use kubesim::model::pod::{Pod, PodCondition};
use kubesim::model::registry::lookup_kind_name;
use kubesim::model::{Object, Resource, Time};
use kubesim::{SimDuration, Simulation, SimulationConfig};

/// A default cluster (a control plane and three workers) at the default epoch,
/// without kubelets: these tests play the kubelet's part themselves.
pub fn cluster() -> Simulation {
    Simulation::new(SimulationConfig {
        kubelets: false,
        ..SimulationConfig::default()
    })
}

/// Creates the object a YAML manifest describes, as `kubectl create -f` would.
pub fn create(simulation: &mut Simulation, yaml: &str) -> Arc<Object> {
    let value: serde_json::Value = serde_yaml::from_str(yaml).expect("test manifest is YAML");
    let object = decode_object(value, "test").expect("test manifest decodes");
    simulation
        .api_mut()
        .create(object)
        .expect("test object is accepted")
}

/// Lets every controller settle at the current instant.
pub fn settle(simulation: &mut Simulation) {
    simulation
        .run_until_idle(1_000_000)
        .expect("cluster settles");
}

/// Moves the clock forward by whole seconds, settling on the way.
pub fn advance_secs(simulation: &mut Simulation, seconds: i64) {
    simulation
        .advance_by(SimDuration::from_secs(seconds))
        .expect("cluster settles while time passes");
}

/// Every stored object of a kind in a namespace (all namespaces for "").
pub fn list<T: Resource>(simulation: &Simulation, namespace: &str) -> Vec<T> {
    let namespace = (!namespace.is_empty()).then_some(namespace);
    simulation
        .api()
        .list(T::resource_type(), namespace)
        .filter_map(|object| object.as_::<T>().cloned())
        .collect()
}

pub fn get<T: Resource>(simulation: &Simulation, namespace: &str, name: &str) -> Option<T> {
    simulation
        .api()
        .get_ref(T::resource_type(), namespace, name)
        .and_then(|object| object.as_::<T>().cloned())
}

/// True when the pod exists and is being deleted (its deletionTimestamp is set).
pub fn being_deleted(simulation: &Simulation, namespace: &str, name: &str) -> bool {
    get::<Pod>(simulation, namespace, name)
        .unwrap_or_else(|| panic!("pod {namespace}/{name} exists"))
        .metadata
        .deletion_timestamp
        .is_some()
}

/// Pods in a namespace whose labels include `key=value`.
pub fn pods_labelled(simulation: &Simulation, namespace: &str, key: &str, value: &str) -> Vec<Pod> {
    list::<Pod>(simulation, namespace)
        .into_iter()
        .filter(|pod| pod.metadata.label(key) == Some(value))
        .collect()
}

/// Plays the scheduler: sets `spec.nodeName` (a binding).
pub fn bind(simulation: &mut Simulation, namespace: &str, name: &str, node: &str) {
    let mut pod: Pod = get(simulation, namespace, name).expect("pod exists");
    if pod.node_name() == node {
        // The scheduler got there first.
        return;
    }
    pod.spec
        .get_or_insert_with(Default::default)
        .make_mut()
        .node_name = Some(node.to_string());
    simulation
        .api_mut()
        .update(Object::Pod(Box::new(pod)))
        .expect("binding is accepted");
}

fn set_condition(pod: &mut Pod, type_: &str, status: &str, now: Time) {
    let conditions = pod
        .status
        .get_or_insert_with(Default::default)
        .conditions
        .get_or_insert_with(Vec::new);
    match conditions
        .iter_mut()
        .find(|c| c.type_.as_deref() == Some(type_))
    {
        Some(condition) => {
            if condition.status.as_deref() != Some(status) {
                condition.status = Some(status.to_string());
                condition.last_transition_time = Some(now);
            }
        }
        None => conditions.push(PodCondition {
            type_: Some(type_.to_string()),
            status: Some(status.to_string()),
            last_transition_time: Some(now),
            ..PodCondition::default()
        }),
    }
}

/// Plays the kubelet: the pod runs with `ip`, Ready or not.
pub fn run(simulation: &mut Simulation, namespace: &str, name: &str, ip: &str, ready: bool) {
    let now = Time(simulation.now().truncated_to_seconds());
    let mut pod: Pod = get(simulation, namespace, name).expect("pod exists");
    let status = pod.status.get_or_insert_with(Default::default);
    status.phase = Some("Running".to_string());
    status.pod_ip = Some(ip.to_string());
    status.pod_ips = Some(vec![kubesim::model::pod::IpAddress {
        ip: Some(ip.to_string()),
    }]);
    status.start_time.get_or_insert(now);
    set_condition(&mut pod, "Ready", if ready { "True" } else { "False" }, now);
    simulation
        .api_mut()
        .update_status(Object::Pod(Box::new(pod)))
        .expect("status is accepted");
}

/// Plays the kubelet: the pod's containers exited, `Succeeded` or `Failed`.
pub fn finish(simulation: &mut Simulation, namespace: &str, name: &str, phase: &str) {
    let now = Time(simulation.now().truncated_to_seconds());
    let mut pod: Pod = get(simulation, namespace, name).expect("pod exists");
    let status = pod.status.get_or_insert_with(Default::default);
    status.phase = Some(phase.to_string());
    set_condition(&mut pod, "Ready", "False", now);
    let containers: Vec<String> = pod
        .spec
        .iter()
        .flat_map(|s| s.containers.iter().flatten())
        .filter_map(|c| c.name.clone())
        .collect();
    let exit_code = if phase == "Succeeded" { 0 } else { 1 };
    pod.status
        .get_or_insert_with(Default::default)
        .container_statuses = Some(
        containers
            .into_iter()
            .map(|name| kubesim::model::pod::ContainerStatus {
                name: Some(name),
                state: Some(kubesim::model::pod::ContainerState {
                    terminated: Some(kubesim::model::pod::ContainerStateTerminated {
                        exit_code: Some(exit_code),
                        reason: Some(
                            if exit_code == 0 { "Completed" } else { "Error" }.to_string(),
                        ),
                        finished_at: Some(now),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            })
            .collect(),
    );
    simulation
        .api_mut()
        .update_status(Object::Pod(Box::new(pod)))
        .expect("status is accepted");
}

/// Deletes an object of `kind`, as `kubectl delete` does (background propagation).
pub fn delete(simulation: &mut Simulation, kind: &str, namespace: &str, name: &str) {
    let resource_type = lookup_kind_name(kind).expect("kind is served");
    simulation
        .api_mut()
        .delete(resource_type, namespace, name, &DeleteOptions::default())
        .expect("delete is accepted");
}

/// Plays the kubelet finishing a graceful deletion: the pod leaves the store.
pub fn remove_pod(simulation: &mut Simulation, namespace: &str, name: &str) {
    let resource_type = Pod::resource_type();
    let options = DeleteOptions {
        grace_period_seconds: Some(0),
        ..DeleteOptions::default()
    };
    let _ = simulation
        .api_mut()
        .delete(resource_type, namespace, name, &options);
}

/// (reason, message) of every Event about `name`, oldest first.
pub fn events_about(simulation: &Simulation, name: &str) -> Vec<(String, String)> {
    let mut events: Vec<kubesim::model::event::Event> = list(simulation, "");
    events.retain(|e| e.involved_object.name.as_deref() == Some(name));
    events.sort_by_key(|e| e.first_timestamp);
    events
        .into_iter()
        .map(|e| (e.reason.unwrap_or_default(), e.message.unwrap_or_default()))
        .collect()
}

/// Plays a healthy kubelet: posts the node's Ready condition with a fresh heartbeat.
pub fn heartbeat(simulation: &mut Simulation, node: &str) {
    let now = Time(simulation.now().truncated_to_seconds());
    let mut object: kubesim::model::node::Node = get(simulation, "", node).expect("node exists");
    for condition in object
        .status
        .get_or_insert_with(Default::default)
        .conditions
        .get_or_insert_with(Vec::new)
        .iter_mut()
    {
        let healthy = if condition.type_.as_deref() == Some("Ready") {
            "True"
        } else {
            "False"
        };
        if condition.status.as_deref() != Some(healthy) {
            condition.status = Some(healthy.to_string());
            condition.last_transition_time = Some(now);
            condition.reason = Some(
                if healthy == "True" {
                    "KubeletReady"
                } else {
                    "KubeletHasSufficientMemory"
                }
                .to_string(),
            );
        }
        condition.last_heartbeat_time = Some(now);
    }
    simulation
        .api_mut()
        .update_status(Object::Node(Box::new(object)))
        .expect("node status is accepted");
}

/// Advances `seconds` in 10-s steps, the kubelets of `healthy` nodes posting a
/// heartbeat at each step (the kubelet's node-status-update-frequency).
pub fn advance_with_heartbeats(simulation: &mut Simulation, seconds: i64, healthy: &[&str]) {
    let mut left = seconds;
    while left > 0 {
        let step = left.min(10);
        advance_secs(simulation, step);
        left -= step;
        for node in healthy {
            heartbeat(simulation, node);
        }
        settle(simulation);
    }
}

/// `key:Effect` of each of the node's taints, in order.
pub fn taints_of(simulation: &Simulation, node: &str) -> Vec<String> {
    let node: kubesim::model::node::Node = get(simulation, "", node).expect("node exists");
    node.taints()
        .iter()
        .map(|t| {
            format!(
                "{}:{}",
                t.key.as_deref().unwrap_or(""),
                t.effect.as_deref().unwrap_or("")
            )
        })
        .collect()
}

/// The status of the node's condition `type_`.
pub fn node_condition(simulation: &Simulation, node: &str, type_: &str) -> (String, String) {
    let node: kubesim::model::node::Node = get(simulation, "", node).expect("node exists");
    let condition = node.condition(type_).cloned().unwrap_or_default();
    (
        condition.status.unwrap_or_default(),
        condition.reason.unwrap_or_default(),
    )
}
