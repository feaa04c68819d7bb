//! Read-only views of the cluster for user interfaces.
//!
//! A view is plain data computed from the API server's store: the playground
//! renders it and holds no cluster logic of its own.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::api_server::ApiServer;
use crate::model::event::Event;
use crate::model::manifest;
use crate::model::node::Node;
use crate::model::pod::{ContainerStatus, Pod};
use crate::model::quantity::Quantity;
use crate::model::registry::lookup_kind_name;
use crate::model::{Object, Resource};
use crate::time::SimTime;

/// The whole cluster at one instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterView {
    pub time: SimTime,
    /// The store's revision when the view was taken: equal revisions, equal views
    /// (apart from `time`), so a UI can skip rebuilding.
    pub revision: u64,
    pub nodes: Vec<NodeView>,
    pub pods: Vec<PodView>,
    /// Deployments, ReplicaSets, DaemonSets, Jobs and the other pod owners, by kind then
    /// namespace and name.
    pub workloads: Vec<WorkloadView>,
    pub services: Vec<ServiceView>,
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
    pub uid: String,
    pub node_name: Option<String>,
    /// `status.phase`, "Pending" before the kubelet reported one.
    pub phase: String,
    pub ready: bool,
    /// What `kubectl get pods` shows in STATUS: the phase, or a more telling reason
    /// (`Terminating`, `ContainerCreating`, `CrashLoopBackOff`, `ImagePullBackOff`, …).
    pub status: String,
    /// Ready containers over all containers, as kubectl's READY column ("1/2").
    pub ready_containers: u32,
    pub total_containers: u32,
    pub restarts: i64,
    /// The controlling owner as `Kind/name`, if any.
    pub owner: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub terminating: bool,
}

/// A pod owner (Deployment, ReplicaSet, DaemonSet, Job, StatefulSet, ...): how many
/// pods it wants and how many it has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkloadView {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub uid: String,
    /// The controlling owner as `Kind/name`, e.g. a ReplicaSet's Deployment.
    pub owner: Option<String>,
    /// `spec.replicas` (Deployments, ReplicaSets, StatefulSets), `desiredNumberScheduled`
    /// (DaemonSets) or `spec.completions` (Jobs).
    pub desired: i64,
    /// Pods it has (`status.replicas`, `currentNumberScheduled`, Jobs: `active`).
    pub current: i64,
    /// `readyReplicas`, `numberReady`; for Jobs, `succeeded`.
    pub ready: i64,
    /// Deployments: `updatedReplicas`; Jobs: `failed`.
    pub updated: i64,
    /// `deployment.kubernetes.io/revision` of a Deployment or its ReplicaSets.
    pub revision: Option<i64>,
    /// Deployments: `spec.paused`; Jobs: `spec.suspend`.
    pub paused: bool,
    /// The first container image of the pod template.
    pub image: Option<String>,
    /// `type=status` of each condition whose status is not the healthy default.
    pub conditions: Vec<ConditionView>,
}

/// One entry of `status.conditions`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionView {
    pub type_: String,
    pub status: String,
    pub reason: String,
    pub message: String,
}

/// A Service: how it is reached and which pods it selects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceView {
    pub namespace: String,
    pub name: String,
    pub type_: String,
    pub cluster_ip: String,
    /// `port/protocol` (with `:nodePort` for NodePorts), as kubectl's PORT(S).
    pub ports: Vec<String>,
    pub selector: BTreeMap<String, String>,
}

/// One Event, as `kubectl get events` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventView {
    pub namespace: String,
    pub name: String,
    /// `lastTimestamp` (or `firstTimestamp`, or creation), for ordering.
    pub last_seen: Option<SimTime>,
    /// `Normal` or `Warning`.
    pub type_: String,
    pub reason: String,
    /// The involved object as `Kind/name`.
    pub object: String,
    pub object_namespace: String,
    pub message: String,
    pub count: i64,
    /// `source.component`, e.g. `default-scheduler`.
    pub source: String,
}

/// Everything an inspector shows about one object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectDetail {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// As `kubectl get -o yaml` prints it.
    pub yaml: String,
    pub conditions: Vec<ConditionView>,
    /// Controlling owners from the object up: `[ReplicaSet/web-7d4, Deployment/web]`.
    pub owner_chain: Vec<ObjectRef>,
    /// Objects this one controls, by kind then name.
    pub dependents: Vec<ObjectRef>,
    /// Events about this object, oldest first.
    pub events: Vec<EventView>,
}

/// A reference to a stored object.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectRef {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

/// Kinds that own pods, listed in the view's `workloads`.
const WORKLOAD_KINDS: &[&str] = &[
    "Deployment",
    "ReplicaSet",
    "DaemonSet",
    "StatefulSet",
    "Job",
];

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
            pods.push(PodView::of(pod, phase));
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
        let mut workloads = Vec::new();
        for kind in WORKLOAD_KINDS {
            let Some(resource_type) = lookup_kind_name(kind) else {
                continue;
            };
            workloads.extend(
                api.list(resource_type, None)
                    .map(|object| WorkloadView::of(object)),
            );
        }
        let services = lookup_kind_name("Service")
            .map(|resource_type| {
                api.list(resource_type, None)
                    .map(|object| ServiceView::of(object))
                    .collect()
            })
            .unwrap_or_default();
        ClusterView {
            time: api.now(),
            revision: api.resource_version(),
            nodes,
            pods,
            workloads,
            services,
        }
    }
}

impl PodView {
    fn of(pod: &Pod, phase: &str) -> PodView {
        let meta = &pod.metadata;
        let node_name = pod.node_name();
        let statuses: &[ContainerStatus] = pod
            .status
            .as_ref()
            .and_then(|status| status.container_statuses.as_deref())
            .unwrap_or(&[]);
        let total_containers = pod
            .spec
            .as_ref()
            .and_then(|spec| spec.containers.as_ref())
            .map(|containers| containers.len() as u32)
            .unwrap_or(0);
        PodView {
            namespace: meta.namespace().to_string(),
            name: meta.name().to_string(),
            uid: meta.uid().to_string(),
            node_name: (!node_name.is_empty()).then(|| node_name.to_string()),
            phase: phase.to_string(),
            ready: pod.is_ready(),
            status: pod_status_text(pod, phase, statuses),
            ready_containers: statuses
                .iter()
                .filter(|status| status.ready == Some(true))
                .count() as u32,
            total_containers,
            restarts: statuses
                .iter()
                .map(|status| i64::from(status.restart_count.unwrap_or(0)))
                .sum(),
            owner: meta
                .controller_ref()
                .map(|owner| format!("{}/{}", owner.kind, owner.name)),
            labels: meta.labels_or_empty().clone(),
            terminating: meta.is_being_deleted(),
        }
    }
}

/// kubectl's STATUS column, after `printPod` in `pkg/printers/internalversion/printers.go`:
/// start from the phase (or `status.reason`, e.g. `Evicted`); a waiting or terminated
/// container's reason overrides it (`ContainerCreating`, `CrashLoopBackOff`, `Error`);
/// a pod being deleted reads `Terminating`. Init containers are not shown separately
/// (kubesim's pods run none), so `Init:N/M` never appears.
fn pod_status_text(pod: &Pod, phase: &str, statuses: &[ContainerStatus]) -> String {
    if pod.metadata.is_being_deleted() {
        return "Terminating".to_string();
    }
    let mut reason = pod
        .status
        .as_ref()
        .and_then(|status| status.reason.clone())
        .filter(|reason| !reason.is_empty())
        .unwrap_or_else(|| phase.to_string());
    // printPod walks the containers from last to first, so the first container's
    // reason is the one that stays.
    for status in statuses.iter().rev() {
        let Some(state) = status.state.as_ref() else {
            continue;
        };
        if let Some(waiting) = state
            .waiting
            .as_ref()
            .and_then(|waiting| waiting.reason.as_deref())
            .filter(|reason| !reason.is_empty())
        {
            reason = waiting.to_string();
        } else if let Some(terminated) = state.terminated.as_ref() {
            reason = terminated
                .reason
                .clone()
                .filter(|reason| !reason.is_empty())
                .unwrap_or_else(|| match terminated.exit_code {
                    Some(code) => format!("ExitCode:{code}"),
                    None => "Terminated".to_string(),
                });
        }
    }
    reason
}

fn value_i64(value: &Value, path: &[&str]) -> Option<i64> {
    path.iter()
        .try_fold(value, |value, key| value.get(key))
        .and_then(Value::as_i64)
}

fn value_str<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(value, |value, key| value.get(key))
        .and_then(Value::as_str)
}

/// `status.conditions` of any kind, read from its JSON.
fn conditions_of(value: &Value) -> Vec<ConditionView> {
    value
        .get("status")
        .and_then(|status| status.get("conditions"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|condition| {
            let text = |key: &str| {
                condition
                    .get(key)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            ConditionView {
                type_: text("type"),
                status: text("status"),
                reason: text("reason"),
                message: text("message"),
            }
        })
        .collect()
}

impl WorkloadView {
    fn of(object: &Object) -> WorkloadView {
        let value = object.to_value();
        let kind = object.kind();
        let int = |path: &[&str]| value_i64(&value, path).unwrap_or(0);
        let (desired, current, ready, updated) = match kind {
            "DaemonSet" => (
                int(&["status", "desiredNumberScheduled"]),
                int(&["status", "currentNumberScheduled"]),
                int(&["status", "numberReady"]),
                int(&["status", "updatedNumberScheduled"]),
            ),
            "Job" => (
                value_i64(&value, &["spec", "completions"]).unwrap_or(1),
                int(&["status", "active"]),
                int(&["status", "succeeded"]),
                int(&["status", "failed"]),
            ),
            _ => (
                value_i64(&value, &["spec", "replicas"]).unwrap_or(1),
                int(&["status", "replicas"]),
                int(&["status", "readyReplicas"]),
                int(&["status", "updatedReplicas"]),
            ),
        };
        let meta = object.metadata();
        let paused = match kind {
            "Job" => value.pointer("/spec/suspend").and_then(Value::as_bool),
            _ => value.pointer("/spec/paused").and_then(Value::as_bool),
        }
        .unwrap_or(false);
        WorkloadView {
            kind: kind.to_string(),
            namespace: meta.namespace().to_string(),
            name: meta.name().to_string(),
            uid: meta.uid().to_string(),
            owner: meta
                .controller_ref()
                .map(|owner| format!("{}/{}", owner.kind, owner.name)),
            desired,
            current,
            ready,
            updated,
            revision: meta
                .annotation("deployment.kubernetes.io/revision")
                .and_then(|revision| revision.parse().ok()),
            paused,
            image: value
                .pointer("/spec/template/spec/containers/0/image")
                .and_then(Value::as_str)
                .map(str::to_string),
            conditions: conditions_of(&value),
        }
    }
}

impl ServiceView {
    fn of(object: &Object) -> ServiceView {
        let value = object.to_value();
        let meta = object.metadata();
        let ports = value
            .pointer("/spec/ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|port| {
                let number = port.get("port").and_then(Value::as_i64).unwrap_or(0);
                let protocol = port
                    .get("protocol")
                    .and_then(Value::as_str)
                    .unwrap_or("TCP");
                match port.get("nodePort").and_then(Value::as_i64) {
                    Some(node_port) => format!("{number}:{node_port}/{protocol}"),
                    None => format!("{number}/{protocol}"),
                }
            })
            .collect();
        let selector = value
            .pointer("/spec/selector")
            .and_then(Value::as_object)
            .map(|selector| {
                selector
                    .iter()
                    .map(|(key, value)| (key.clone(), value.as_str().unwrap_or("").to_string()))
                    .collect()
            })
            .unwrap_or_default();
        ServiceView {
            namespace: meta.namespace().to_string(),
            name: meta.name().to_string(),
            type_: value_str(&value, &["spec", "type"])
                .unwrap_or("ClusterIP")
                .to_string(),
            cluster_ip: value_str(&value, &["spec", "clusterIP"])
                .unwrap_or("")
                .to_string(),
            ports,
            selector,
        }
    }
}

impl EventView {
    fn of(event: &Event) -> EventView {
        let involved = &event.involved_object;
        let last_seen = event
            .last_timestamp
            .as_ref()
            .or(event.first_timestamp.as_ref())
            .or(event.metadata.creation_timestamp.as_ref())
            .map(|time| time.0);
        EventView {
            namespace: event.metadata.namespace().to_string(),
            name: event.metadata.name().to_string(),
            last_seen,
            type_: event.type_.clone().unwrap_or_else(|| "Normal".to_string()),
            reason: event.reason.clone().unwrap_or_default(),
            object: format!(
                "{}/{}",
                involved.kind.as_deref().unwrap_or(""),
                involved.name.as_deref().unwrap_or("")
            ),
            object_namespace: involved.namespace.clone().unwrap_or_default(),
            message: event.message.clone().unwrap_or_default(),
            count: i64::from(event.count.unwrap_or(1)),
            source: event
                .source
                .as_ref()
                .and_then(|source| source.component.clone())
                .unwrap_or_default(),
        }
    }
}

/// The newest `limit` events of every namespace, oldest first (ties by namespace and
/// name), as `kubectl get events -A --sort-by=.lastTimestamp` would end.
pub fn recent_events(api: &ApiServer, limit: usize) -> Vec<EventView> {
    let mut events: Vec<EventView> = api
        .list(Event::resource_type(), None)
        .filter_map(|object| object.as_::<Event>())
        .map(EventView::of)
        .collect();
    events.sort_by(|a, b| {
        (a.last_seen, &a.namespace, &a.name).cmp(&(b.last_seen, &b.namespace, &b.name))
    });
    let excess = events.len().saturating_sub(limit);
    events.drain(..excess);
    events
}

/// What an inspector shows for one object, or `None` when it does not exist.
/// `kind` is the Kind (`Deployment`); `namespace` is ignored for cluster-scoped kinds.
pub fn object_detail(
    api: &ApiServer,
    kind: &str,
    namespace: &str,
    name: &str,
) -> Option<ObjectDetail> {
    let resource_type = lookup_kind_name(kind)?;
    let namespace = if resource_type.namespaced {
        namespace
    } else {
        ""
    };
    let object = api.get_ref(resource_type, namespace, name)?;
    let reference = |object: &Object| ObjectRef {
        kind: object.kind().to_string(),
        namespace: object.namespace().to_string(),
        name: object.name().to_string(),
    };
    // Bounded: an owner cycle (which the garbage collector would break) stops the walk.
    let mut owner_chain = Vec::new();
    let mut current: &Object = object;
    for _ in 0..8 {
        let Some(owner) = current
            .metadata()
            .controller_ref()
            .and_then(|owner| api.get_by_uid(&owner.uid))
        else {
            break;
        };
        owner_chain.push(reference(owner));
        current = owner;
    }
    let mut dependents: Vec<ObjectRef> = api
        .store()
        .dependents_of(object.metadata().uid())
        .filter_map(|key| api.store().get(key))
        .filter(|dependent| {
            dependent
                .metadata()
                .controller_ref()
                .is_some_and(|owner| owner.uid == object.metadata().uid())
        })
        .map(|dependent| reference(dependent))
        .collect();
    dependents.sort();
    let events = recent_events(api, usize::MAX)
        .into_iter()
        .filter(|event| {
            event.object == format!("{}/{}", object.kind(), object.name())
                && event.object_namespace == object.namespace()
        })
        .collect();
    Some(ObjectDetail {
        kind: object.kind().to_string(),
        namespace: object.namespace().to_string(),
        name: object.name().to_string(),
        yaml: manifest::to_yaml(object),
        conditions: conditions_of(&object.to_value()),
        owner_chain,
        dependents,
        events,
    })
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
    use super::*;
    use crate::{Simulation, SimulationConfig};

    fn pod(value: serde_json::Value) -> Pod {
        serde_json::from_value(value).unwrap()
    }

    /// Cases after `TestPrintPod` in `pkg/printers/internalversion/printers_test.go`.
    #[test]
    fn pod_status_reads_like_kubectl_get_pods() {
        let status = |value: serde_json::Value| {
            let pod = pod(value);
            let statuses = pod
                .status
                .as_ref()
                .and_then(|status| status.container_statuses.clone())
                .unwrap_or_default();
            let phase = match pod.phase() {
                "" => "Pending",
                phase => phase,
            };
            pod_status_text(&pod, phase, &statuses)
        };
        assert_eq!(
            status(serde_json::json!({"status": {"phase": "Running"}})),
            "Running"
        );
        assert_eq!(status(serde_json::json!({})), "Pending");
        assert_eq!(
            status(
                serde_json::json!({"status": {"phase": "Running", "containerStatuses": [
                    {"name": "a", "state": {"running": {}}},
                    {"name": "b", "state": {"waiting": {"reason": "CrashLoopBackOff"}}}
                ]}})
            ),
            "CrashLoopBackOff"
        );
        assert_eq!(
            status(
                serde_json::json!({"status": {"phase": "Pending", "containerStatuses": [
                    {"name": "a", "state": {"waiting": {"reason": "ContainerCreating"}}}
                ]}})
            ),
            "ContainerCreating"
        );
        assert_eq!(
            status(
                serde_json::json!({"status": {"phase": "Failed", "containerStatuses": [
                    {"name": "a", "state": {"terminated": {"exitCode": 2}}}
                ]}})
            ),
            "ExitCode:2"
        );
        assert_eq!(
            status(serde_json::json!({"status": {"phase": "Failed", "reason": "Evicted"}})),
            "Evicted"
        );
        assert_eq!(
            status(
                serde_json::json!({"metadata": {"deletionTimestamp": "2025-01-01T00:00:00Z"}, "status": {"phase": "Running"}})
            ),
            "Terminating"
        );
    }

    #[test]
    fn workloads_and_details_come_from_the_store() {
        let mut simulation = Simulation::new(SimulationConfig::default());
        let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n";
        let decoded = crate::model::manifest::decode_manifests(manifest, "test");
        let object = decoded.into_iter().next().unwrap().unwrap().object;
        simulation.api_mut().create(object).unwrap();
        let view = simulation.view();
        let deployment = view
            .workloads
            .iter()
            .find(|workload| workload.name == "web")
            .unwrap();
        assert_eq!(deployment.kind, "Deployment");
        assert_eq!(deployment.desired, 3);
        assert_eq!(deployment.image.as_deref(), Some("nginx"));
        assert_eq!(view.revision, simulation.api().resource_version());
        let detail = object_detail(simulation.api(), "Deployment", "default", "web").unwrap();
        assert!(detail.yaml.starts_with("apiVersion: apps/v1\n"));
        assert!(detail.owner_chain.is_empty());
        let node = object_detail(simulation.api(), "Node", "ignored", "worker-1").unwrap();
        assert_eq!(node.namespace, "");
        assert!(object_detail(simulation.api(), "Deployment", "default", "missing").is_none());
        assert!(object_detail(simulation.api(), "NoSuchKind", "default", "web").is_none());
    }

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
