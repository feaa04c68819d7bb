//! What a pod requests and what a node offers, as integers the scheduler adds up.
//!
//! Upstream: `staging/src/k8s.io/component-helpers/resource/helpers.go` (`PodRequests`),
//! `pkg/scheduler/framework/types.go` (`Resource`, `NewResource`, `calculateResource`,
//! `getNonMissingContainerRequests`) and `pkg/scheduler/util/pod_resources.go`
//! (`DefaultMilliCPURequest`, `DefaultMemoryRequest`).
//!
//! A pod's request is max(sum of its containers and sidecars, each init container
//! plus the sidecars started before it), then pod-level requests where set, plus
//! overhead. Example: containers 100m + 200m, one init container 500m → 500m; with a
//! sidecar (init container, restartPolicy Always) of 50m before that init container →
//! max(100+200+50, 500+50) = 550m.

use std::collections::BTreeMap;

use super::pod::{Container, Pod};
use super::quantity::Quantity;

/// `schedutil.DefaultMilliCPURequest`: what a container without a cpu request counts
/// as when scoring (never when filtering).
pub const DEFAULT_MILLI_CPU_REQUEST: i64 = 100;
/// `schedutil.DefaultMemoryRequest`: 200 MiB, likewise.
pub const DEFAULT_MEMORY_REQUEST_BYTES: i64 = 200 * 1024 * 1024;

pub const RESOURCE_CPU: &str = "cpu";
pub const RESOURCE_MEMORY: &str = "memory";
pub const RESOURCE_EPHEMERAL_STORAGE: &str = "ephemeral-storage";
pub const RESOURCE_PODS: &str = "pods";
const HUGE_PAGES_PREFIX: &str = "hugepages-";

/// A resource list with exact values (nano-units), keyed by resource name.
pub type ResourceList = BTreeMap<String, i128>;

fn add_list(into: &mut ResourceList, from: &ResourceList) {
    for (name, value) in from {
        *into.entry(name.clone()).or_insert(0) += value;
    }
}

fn max_list(into: &mut ResourceList, from: &ResourceList) {
    for (name, value) in from {
        let entry = into.entry(name.clone()).or_insert(*value);
        *entry = (*entry).max(*value);
    }
}

fn to_list(map: Option<&BTreeMap<String, Quantity>>) -> ResourceList {
    map.into_iter()
        .flatten()
        .map(|(name, quantity)| (name.clone(), quantity.nano_value()))
        .collect()
}

fn container_requests(container: &Container, non_missing: &ResourceList) -> ResourceList {
    let mut list = to_list(
        container
            .resources
            .as_ref()
            .and_then(|r| r.requests.as_ref()),
    );
    for (name, value) in non_missing {
        list.entry(name.clone()).or_insert(*value);
    }
    list
}

/// `AggregateContainerRequests` (spec requests): containers and sidecars summed, init
/// containers as maxima, `non_missing` filling each container's absent requests.
fn aggregate_container_requests(pod: &Pod, non_missing: &ResourceList) -> ResourceList {
    let Some(spec) = pod.spec.as_ref() else {
        return ResourceList::new();
    };
    let mut result = ResourceList::new();
    for container in spec.containers.iter().flatten() {
        add_list(&mut result, &container_requests(container, non_missing));
    }
    let mut sidecars = ResourceList::new();
    let mut init_maximum = ResourceList::new();
    for container in spec.init_containers.iter().flatten() {
        let requests = container_requests(container, non_missing);
        let in_use = if container.restart_policy.as_deref() == Some("Always") {
            add_list(&mut result, &requests);
            add_list(&mut sidecars, &requests);
            sidecars.clone()
        } else {
            let mut combined = requests;
            add_list(&mut combined, &sidecars);
            combined
        };
        max_list(&mut init_maximum, &in_use);
    }
    max_list(&mut result, &init_maximum);
    result
}

fn is_supported_pod_level_resource(name: &str) -> bool {
    name == RESOURCE_CPU || name == RESOURCE_MEMORY || name.starts_with(HUGE_PAGES_PREFIX)
}

fn pod_level_requests(pod: &Pod) -> Option<&BTreeMap<String, Quantity>> {
    pod.spec
        .as_ref()?
        .resources
        .as_ref()?
        .requests
        .as_ref()
        .filter(|requests| requests.keys().any(|k| is_supported_pod_level_resource(k)))
}

/// `resourcehelper.PodRequests` with `NonMissingContainerRequests = non_missing`:
/// the container aggregate, pod-level requests (cpu, memory, hugepages) where set
/// (PodLevelResources, on by default since 1.34), plus `spec.overhead`.
pub fn pod_requests(pod: &Pod, non_missing: &ResourceList) -> ResourceList {
    let mut requests = aggregate_container_requests(pod, non_missing);
    if let Some(pod_level) = pod_level_requests(pod) {
        for (name, quantity) in pod_level {
            if is_supported_pod_level_resource(name) {
                requests.insert(name.clone(), quantity.nano_value());
            }
        }
    }
    if let Some(overhead) = pod.spec.as_ref().and_then(|s| s.overhead.as_ref()) {
        add_list(&mut requests, &to_list(Some(overhead)));
    }
    requests
}

/// `framework.Resource`: the scheduler's integer view of a resource list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resources {
    pub cpu_millis: i64,
    pub memory_bytes: i64,
    pub ephemeral_storage_bytes: i64,
    /// `AllowedPodNumber` (from `pods`; only nodes have it).
    pub pods: i64,
    /// Extended resources and hugepages, by name (`ScalarResources`).
    pub scalar: BTreeMap<String, i64>,
}

fn ceil_div(nanos: i128, unit: i128) -> i64 {
    let value = if nanos >= 0 {
        (nanos + unit - 1) / unit
    } else {
        -((-nanos + unit - 1) / unit)
    };
    value.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

const NANOS_PER_MILLI: i128 = 1_000_000;
const NANOS_PER_UNIT: i128 = 1_000_000_000;

/// `IsScalarResourceName`: extended resources (a domain-qualified name such as
/// `nvidia.com/gpu`), hugepages and attachable volumes.
pub fn is_scalar_resource_name(name: &str) -> bool {
    name.starts_with(HUGE_PAGES_PREFIX)
        || name.starts_with("attachable-volumes-")
        || (name.contains('/') && !name.starts_with("requests."))
}

impl Resources {
    /// `NewResource`: cpu in millis (rounded up), the rest in units (rounded up).
    pub fn from_list(list: &ResourceList) -> Resources {
        let mut resources = Resources::default();
        for (name, nanos) in list {
            match name.as_str() {
                RESOURCE_CPU => resources.cpu_millis = ceil_div(*nanos, NANOS_PER_MILLI),
                RESOURCE_MEMORY => resources.memory_bytes = ceil_div(*nanos, NANOS_PER_UNIT),
                RESOURCE_EPHEMERAL_STORAGE => {
                    resources.ephemeral_storage_bytes = ceil_div(*nanos, NANOS_PER_UNIT)
                }
                RESOURCE_PODS => resources.pods = ceil_div(*nanos, NANOS_PER_UNIT),
                other if is_scalar_resource_name(other) => {
                    resources
                        .scalar
                        .insert(other.to_string(), ceil_div(*nanos, NANOS_PER_UNIT));
                }
                _ => {}
            }
        }
        resources
    }

    /// A node's `status.allocatable`.
    pub fn from_quantities(map: Option<&BTreeMap<String, Quantity>>) -> Resources {
        Resources::from_list(&to_list(map))
    }

    /// The amount of a named resource (0 when absent).
    pub fn get(&self, name: &str) -> i64 {
        match name {
            RESOURCE_CPU => self.cpu_millis,
            RESOURCE_MEMORY => self.memory_bytes,
            RESOURCE_EPHEMERAL_STORAGE => self.ephemeral_storage_bytes,
            RESOURCE_PODS => self.pods,
            other => self.scalar.get(other).copied().unwrap_or(0),
        }
    }

    /// Adds (`sign` 1) or removes (`sign` -1) another amount.
    pub fn add_signed(&mut self, other: &Resources, sign: i64) {
        self.cpu_millis += sign * other.cpu_millis;
        self.memory_bytes += sign * other.memory_bytes;
        self.ephemeral_storage_bytes += sign * other.ephemeral_storage_bytes;
        self.pods += sign * other.pods;
        for (name, value) in &other.scalar {
            *self.scalar.entry(name.clone()).or_insert(0) += sign * value;
        }
    }

    /// True when nothing is requested (the Fit filter then only checks the pod count).
    pub fn is_zero(&self) -> bool {
        self.cpu_millis == 0
            && self.memory_bytes == 0
            && self.ephemeral_storage_bytes == 0
            && self.scalar.values().all(|v| *v == 0)
    }
}

/// What a pod counts for on a node: its requests, and the non-zero cpu and memory
/// that scoring uses (`calculateResource`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodResources {
    pub requests: Resources,
    pub non_zero_cpu_millis: i64,
    pub non_zero_memory_bytes: i64,
}

/// `calculateResource`. Without pod-level requests every container lacking a cpu
/// (memory) request counts 100m (200Mi); with them the defaults apply only when
/// neither the containers nor the pod name the resource. A pod without containers
/// counts 0 (upstream's test fixtures rely on it).
pub fn pod_resources(pod: &Pod) -> PodResources {
    let requests = pod_requests(pod, &ResourceList::new());
    let mut non_missing = ResourceList::new();
    let pod_level = pod_level_requests(pod).is_some();
    if !pod_level || !requests.contains_key(RESOURCE_CPU) {
        non_missing.insert(
            RESOURCE_CPU.to_string(),
            i128::from(DEFAULT_MILLI_CPU_REQUEST) * NANOS_PER_MILLI,
        );
    }
    if !pod_level || !requests.contains_key(RESOURCE_MEMORY) {
        non_missing.insert(
            RESOURCE_MEMORY.to_string(),
            i128::from(DEFAULT_MEMORY_REQUEST_BYTES) * NANOS_PER_UNIT,
        );
    }
    let non_zero = pod_requests(pod, &non_missing);
    PodResources {
        requests: Resources::from_list(&requests),
        non_zero_cpu_millis: ceil_div(
            non_zero.get(RESOURCE_CPU).copied().unwrap_or(0),
            NANOS_PER_MILLI,
        ),
        non_zero_memory_bytes: ceil_div(
            non_zero.get(RESOURCE_MEMORY).copied().unwrap_or(0),
            NANOS_PER_UNIT,
        ),
    }
}
