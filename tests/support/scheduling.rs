//! Helpers for scheduler scenarios: pods and nodes built as a user would write them.

use kubesim::model::Object;
use kubesim::model::manifest::decode_object;
use kubesim::model::registry::lookup_kind_name;
use kubesim::{NodeConfig, Simulation, SimulationConfig};

/// Decodes one object from JSON, as `kubectl apply` would send it.
pub fn object(value: serde_json::Value) -> Object {
    decode_object(value, "").expect("test manifests are valid")
}

/// A pod with one container requesting `cpu` and `memory` (None leaves them out).
pub fn pod(name: &str, cpu: Option<&str>, memory: Option<&str>) -> serde_json::Value {
    let mut requests = serde_json::Map::new();
    if let Some(cpu) = cpu {
        requests.insert("cpu".into(), cpu.into());
    }
    if let Some(memory) = memory {
        requests.insert("memory".into(), memory.into());
    }
    serde_json::json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": { "name": name, "namespace": "default", "labels": { "app": name } },
        "spec": { "containers": [{ "name": "app", "image": "nginx:1.25", "resources": { "requests": requests } }] }
    })
}

/// Creates a pod from JSON.
pub fn create(simulation: &mut Simulation, value: serde_json::Value) {
    simulation
        .api_mut()
        .create(object(value))
        .expect("the pod is admitted");
}

/// The node a pod was bound to ("" while pending).
pub fn node_of(simulation: &Simulation, namespace: &str, name: &str) -> String {
    let pod_type = lookup_kind_name("Pod").expect("Pod is served");
    match simulation
        .api()
        .get_ref(pod_type, namespace, name)
        .map(|o| o.as_ref())
    {
        Some(Object::Pod(pod)) => pod.node_name().to_string(),
        _ => String::new(),
    }
}

/// The pod's PodScheduled condition as (status, reason, message).
pub fn pod_scheduled(
    simulation: &Simulation,
    namespace: &str,
    name: &str,
) -> Option<(String, String, String)> {
    let pod_type = lookup_kind_name("Pod").expect("Pod is served");
    let Some(Object::Pod(pod)) = simulation
        .api()
        .get_ref(pod_type, namespace, name)
        .map(|o| o.as_ref())
    else {
        return None;
    };
    let condition = pod
        .status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_.as_deref() == Some("PodScheduled"))?
        .clone();
    Some((
        condition.status.unwrap_or_default(),
        condition.reason.unwrap_or_default(),
        condition.message.unwrap_or_default(),
    ))
}

/// The messages of the events with `reason` about the object named `name`.
pub fn event_messages(simulation: &Simulation, name: &str, reason: &str) -> Vec<String> {
    let event_type = lookup_kind_name("Event").expect("Event is served");
    simulation
        .api()
        .list(event_type, None)
        .filter_map(|object| {
            let value = object.to_value();
            let involved = value.pointer("/involvedObject/name")?.as_str()?;
            let event_reason = value.get("reason")?.as_str()?;
            (involved == name && event_reason == reason)
                .then(|| value.get("message")?.as_str().map(str::to_string))
                .flatten()
        })
        .collect()
}

/// A simulation of the default cluster (a tainted control plane and three workers).
pub fn default_cluster() -> Simulation {
    crate::node::cluster()
}

/// A simulation with these nodes.
pub fn cluster(nodes: Vec<NodeConfig>) -> Simulation {
    let mut config = SimulationConfig::default();
    config.cluster.nodes = nodes;
    Simulation::new(config)
}

/// Settles the cluster at the current instant.
pub fn settle(simulation: &mut Simulation) {
    simulation
        .run_until_idle(1_000_000)
        .expect("the cluster settles");
}
