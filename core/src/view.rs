//! Read-only views of the cluster for user interfaces.
//!
//! A view is plain data computed from the API server's store: the playground
//! renders it and holds no cluster logic of its own.

use std::collections::BTreeMap;

use crate::api_server::ApiServer;
use crate::model::Resource;
use crate::model::node::Node;
use crate::model::pod::Pod;
use crate::model::quantity::Quantity;
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
        let mut pods = Vec::new();
        let mut requested_by_node: BTreeMap<&str, (i64, i64, i64)> = BTreeMap::new();
        for object in api.list(Pod::resource_type(), None) {
            let Some(pod) = object.as_::<Pod>() else {
                continue;
            };
            let phase = match pod.phase() {
                "" => "Pending",
                phase => phase,
            };
            let node_name = pod.node_name();
            if !node_name.is_empty() && phase != "Succeeded" && phase != "Failed" {
                let (cpu_millis, memory_bytes) = pod_requests(pod);
                let entry = requested_by_node.entry(node_name).or_default();
                entry.0 += cpu_millis;
                entry.1 += memory_bytes;
                entry.2 += 1;
            }
            let meta = &pod.metadata;
            pods.push(PodView {
                namespace: meta.namespace().to_string(),
                name: meta.name().to_string(),
                node_name: (!node_name.is_empty()).then(|| node_name.to_string()),
                phase: phase.to_string(),
                ready: pod.is_ready(),
                owner: meta
                    .controller_ref()
                    .map(|owner| format!("{}/{}", owner.kind, owner.name)),
            });
        }
        let nodes = api
            .list(Node::resource_type(), None)
            .filter_map(|object| object.as_::<Node>())
            .map(|node| {
                let meta = &node.metadata;
                // BTreeMap keys are sorted, so the roles come out sorted.
                let roles: Vec<String> = meta
                    .labels_or_empty()
                    .keys()
                    .filter_map(|key| key.strip_prefix("node-role.kubernetes.io/"))
                    .filter(|role| !role.is_empty())
                    .map(str::to_string)
                    .collect();
                let taints = node
                    .taints()
                    .iter()
                    .map(|taint| {
                        let key = taint.key.as_deref().unwrap_or("");
                        let effect = taint.effect.as_deref().unwrap_or("");
                        match taint.value.as_deref().filter(|value| !value.is_empty()) {
                            Some(value) => format!("{key}={value}:{effect}"),
                            None => format!("{key}:{effect}"),
                        }
                    })
                    .collect();
                let allocatable = node
                    .status
                    .as_ref()
                    .and_then(|status| status.allocatable.as_ref());
                let allocatable =
                    |resource: &str| allocatable.and_then(|resources| resources.get(resource));
                let (cpu_requested_millis, memory_requested_bytes, pod_count) = requested_by_node
                    .get(meta.name())
                    .copied()
                    .unwrap_or_default();
                NodeView {
                    name: meta.name().to_string(),
                    roles,
                    ready: node.is_ready(),
                    unschedulable: node.is_unschedulable(),
                    taints,
                    zone: meta
                        .label("topology.kubernetes.io/zone")
                        .map(str::to_string),
                    cpu_allocatable_millis: allocatable("cpu")
                        .map(Quantity::milli_value)
                        .unwrap_or(0),
                    memory_allocatable_bytes: allocatable("memory")
                        .map(Quantity::value)
                        .unwrap_or(0),
                    pods_allocatable: allocatable("pods").map(Quantity::value).unwrap_or(0),
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

/// Summed cpu (millicores) and memory (bytes) requests of a pod's containers.
fn pod_requests(pod: &Pod) -> (i64, i64) {
    let containers = pod.spec.as_ref().and_then(|spec| spec.containers.as_ref());
    containers
        .into_iter()
        .flatten()
        .fold((0, 0), |(cpu_millis, memory_bytes), container| {
            let requests = container
                .resources
                .as_ref()
                .and_then(|resources| resources.requests.as_ref());
            let request = |resource: &str| requests.and_then(|requests| requests.get(resource));
            (
                cpu_millis + request("cpu").map(Quantity::milli_value).unwrap_or(0),
                memory_bytes + request("memory").map(Quantity::value).unwrap_or(0),
            )
        })
}

#[cfg(test)]
mod tests {
    use crate::{Simulation, SimulationConfig};

    #[test]
    fn default_cluster_view_has_four_nodes_with_capacity() {
        let view = Simulation::new(SimulationConfig::default()).view();
        let names: Vec<&str> = view.nodes.iter().map(|node| node.name.as_str()).collect();
        assert_eq!(names, ["control-plane", "worker-1", "worker-2", "worker-3"]);
        let control_plane = &view.nodes[0];
        assert_eq!(control_plane.roles, ["control-plane"]);
        assert_eq!(
            control_plane.taints,
            ["node-role.kubernetes.io/control-plane:NoSchedule"]
        );
        assert!(control_plane.ready);
        let worker = &view.nodes[1];
        assert_eq!(worker.cpu_allocatable_millis, 4000);
        assert_eq!(
            worker.memory_allocatable_bytes,
            8 * 1024 * 1024 * 1024 - 100 * 1024 * 1024
        );
        assert_eq!(worker.pods_allocatable, 110);
        assert!(worker.roles.is_empty() && worker.taints.is_empty());
    }
}
