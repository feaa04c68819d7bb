//! Read-only views of the cluster for user interfaces.
//!
//! A view is plain data computed from the API server's store: the playground
//! renders it and holds no cluster logic of its own.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::api_server::ApiServer;
use crate::model::quantity::Quantity;
use crate::model::registry::lookup_kind_name;
use crate::time::SimTime;

/// The whole cluster at one instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterView {
    pub time: SimTime,
    pub nodes: Vec<NodeView>,
    pub pods: Vec<PodView>,
}

/// A node card: identity, health and how full it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeView {
    pub name: String,
    /// From `node-role.kubernetes.io/<role>` labels, sorted.
    pub roles: Vec<String>,
    pub ready: bool,
    pub unschedulable: bool,
    /// Taints as `key=value:Effect` (or `key:Effect`).
    pub taints: Vec<String>,
    pub zone: Option<String>,
    pub cpu_allocatable_millis: i64,
    pub memory_allocatable_bytes: i64,
    pub pods_allocatable: i64,
    /// Summed container requests of the node's non-terminal pods.
    pub cpu_requested_millis: i64,
    pub memory_requested_bytes: i64,
    pub pod_count: i64,
}

/// A pod chip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodView {
    pub namespace: String,
    pub name: String,
    pub node_name: Option<String>,
    pub phase: String,
    pub ready: bool,
    /// The controlling owner as `Kind/name`, if any.
    pub owner: Option<String>,
}

impl ClusterView {
    pub fn of(api: &ApiServer) -> ClusterView {
        let pod_type = lookup_kind_name("Pod").expect("Pod is served");
        let node_type = lookup_kind_name("Node").expect("Node is served");
        let mut pods = Vec::new();
        let mut requested_by_node: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
        for object in api.list(pod_type, None) {
            let value = object.to_value();
            let phase = text(&value, &["status", "phase"])
                .unwrap_or("Pending")
                .to_string();
            let node_name = text(&value, &["spec", "nodeName"])
                .filter(|n| !n.is_empty())
                .map(str::to_string);
            let ready = value
                .pointer("/status/conditions")
                .and_then(Value::as_array)
                .is_some_and(|conditions| {
                    conditions
                        .iter()
                        .any(|c| c["type"] == "Ready" && c["status"] == "True")
                });
            let meta = object.metadata();
            if let Some(node) = &node_name
                && phase != "Succeeded"
                && phase != "Failed"
            {
                let (cpu, memory) = container_requests(&value);
                let entry = requested_by_node.entry(node.clone()).or_default();
                entry.0 += cpu;
                entry.1 += memory;
                entry.2 += 1;
            }
            pods.push(PodView {
                namespace: meta.namespace().to_string(),
                name: meta.name().to_string(),
                node_name,
                phase,
                ready,
                owner: meta
                    .controller_ref()
                    .map(|owner| format!("{}/{}", owner.kind, owner.name)),
            });
        }
        let nodes = api
            .list(node_type, None)
            .map(|object| {
                let value = object.to_value();
                let meta = object.metadata();
                let mut roles: Vec<String> = meta
                    .labels_or_empty()
                    .keys()
                    .filter_map(|key| key.strip_prefix("node-role.kubernetes.io/"))
                    .filter(|role| !role.is_empty())
                    .map(str::to_string)
                    .collect();
                roles.sort();
                let ready = value
                    .pointer("/status/conditions")
                    .and_then(Value::as_array)
                    .is_some_and(|conditions| {
                        conditions
                            .iter()
                            .any(|c| c["type"] == "Ready" && c["status"] == "True")
                    });
                let taints = value
                    .pointer("/spec/taints")
                    .and_then(Value::as_array)
                    .map(|taints| {
                        taints
                            .iter()
                            .map(|taint| {
                                let key = taint["key"].as_str().unwrap_or("");
                                let effect = taint["effect"].as_str().unwrap_or("");
                                match taint["value"].as_str().filter(|v| !v.is_empty()) {
                                    Some(v) => format!("{key}={v}:{effect}"),
                                    None => format!("{key}:{effect}"),
                                }
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let allocatable = |resource: &str| {
                    value
                        .pointer(&format!("/status/allocatable/{resource}"))
                        .and_then(quantity)
                };
                let (cpu_requested_millis, memory_requested_bytes, pod_count) = requested_by_node
                    .get(meta.name())
                    .copied()
                    .unwrap_or_default();
                NodeView {
                    name: meta.name().to_string(),
                    roles,
                    ready,
                    unschedulable: value
                        .pointer("/spec/unschedulable")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                    taints,
                    zone: meta
                        .label("topology.kubernetes.io/zone")
                        .map(str::to_string),
                    cpu_allocatable_millis: allocatable("cpu")
                        .map(|q| q.milli_value())
                        .unwrap_or(0),
                    memory_allocatable_bytes: allocatable("memory").map(|q| q.value()).unwrap_or(0),
                    pods_allocatable: allocatable("pods").map(|q| q.value()).unwrap_or(0),
                    cpu_requested_millis,
                    memory_requested_bytes,
                    pod_count,
                }
            })
            .collect();
        ClusterView {
            time: api.now(),
            nodes,
            pods,
        }
    }
}

fn text<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(value, |value, key| value.get(key))?
        .as_str()
}

fn quantity(value: &Value) -> Option<Quantity> {
    match value {
        Value::String(text) => Quantity::parse(text).ok(),
        Value::Number(number) => Quantity::parse(&number.to_string()).ok(),
        _ => None,
    }
}

/// Summed cpu (millicores) and memory (bytes) requests of a pod's containers.
fn container_requests(pod: &Value) -> (i64, i64) {
    let containers = pod.pointer("/spec/containers").and_then(Value::as_array);
    containers
        .into_iter()
        .flatten()
        .fold((0, 0), |(cpu, memory), container| {
            let request = |resource: &str| {
                container
                    .pointer(&format!("/resources/requests/{resource}"))
                    .and_then(quantity)
            };
            (
                cpu + request("cpu").map(|q| q.milli_value()).unwrap_or(0),
                memory + request("memory").map(|q| q.value()).unwrap_or(0),
            )
        })
}
