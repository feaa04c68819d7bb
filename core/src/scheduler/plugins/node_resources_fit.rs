//! NodeResourcesFit: the pod's requests must fit in what the node has left; the
//! scoring strategy ranks the nodes that fit.
//! Upstream: `pkg/scheduler/framework/plugins/noderesources/{fit.go,least_allocated.go,
//! most_allocated.go,requested_to_capacity_ratio.go,resource_allocation.go}` and
//! `pkg/scheduler/framework/plugins/helper/shape_score.go`.
//!
//! Scoring uses the non-zero requests (a container without a cpu request counts
//! 100m, without memory 200Mi). Per resource, then a weighted average (integer):
//! * LeastAllocated: (capacity − requested) × 100 / capacity. Node cpu 4000m with
//!   3000m requested → 25; memory 10000 with 5000 → 50; average (25 + 50) / 2 = 37.
//! * MostAllocated: min(requested, capacity) × 100 / capacity → 75 and 50 → 62.
//! * RequestedToCapacityRatio: a broken-linear function of utilization% whose shape
//!   scores (0–10) are scaled by 10; resources scoring 0 are left out; rounded.

use crate::model::resources::{
    RESOURCE_CPU, RESOURCE_EPHEMERAL_STORAGE, RESOURCE_MEMORY, is_scalar_resource_name,
};
use crate::scheduler::framework::{
    CycleState, FilterPlugin, MAX_NODE_SCORE, Plugin, PreFilterPlugin, PreFilterResult,
    PreScorePlugin, ScorePlugin, Status, score_each,
};
use crate::scheduler::node_info::{Cache, NodeInfo, PodInfo};

pub const NAME: &str = "NodeResourcesFit";
/// `config.MaxCustomPriorityScore`: shape scores are 0–10.
pub const MAX_CUSTOM_PRIORITY_SCORE: i64 = 10;
/// `maxUtilization`.
pub const MAX_UTILIZATION: i64 = 100;

/// A resource and its weight in a score (`config.ResourceSpec`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceSpec {
    pub name: String,
    pub weight: i64,
}

/// The default scored resources: cpu and memory, weight 1 each.
pub fn default_resources() -> Vec<ResourceSpec> {
    vec![
        ResourceSpec {
            name: RESOURCE_CPU.to_string(),
            weight: 1,
        },
        ResourceSpec {
            name: RESOURCE_MEMORY.to_string(),
            weight: 1,
        },
    ]
}

/// One point of a RequestedToCapacityRatio shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UtilizationShapePoint {
    pub utilization: i64,
    pub score: i64,
}

/// `config.ScoringStrategy`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScoringStrategy {
    LeastAllocated,
    MostAllocated,
    RequestedToCapacityRatio(Vec<UtilizationShapePoint>),
}

impl ScoringStrategy {
    pub fn type_name(&self) -> &'static str {
        match self {
            ScoringStrategy::LeastAllocated => "LeastAllocated",
            ScoringStrategy::MostAllocated => "MostAllocated",
            ScoringStrategy::RequestedToCapacityRatio(_) => "RequestedToCapacityRatio",
        }
    }
}

/// `leastRequestedScore`.
pub fn least_requested_score(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 || requested > capacity {
        return 0;
    }
    (capacity - requested) * MAX_NODE_SCORE / capacity
}

/// `mostRequestedScore`.
pub fn most_requested_score(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 {
        return 0;
    }
    requested.min(capacity) * MAX_NODE_SCORE / capacity
}

/// `helper.BuildBrokenLinearFunction` evaluated at `p`, on a shape already scaled to 0–100.
pub fn broken_linear(shape: &[UtilizationShapePoint], p: i64) -> i64 {
    for (i, point) in shape.iter().enumerate() {
        if p <= point.utilization {
            if i == 0 {
                return shape[0].score;
            }
            let previous = shape[i - 1];
            return previous.score
                + (point.score - previous.score) * (p - previous.utilization)
                    / (point.utilization - previous.utilization);
        }
    }
    shape.last().map_or(0, |point| point.score)
}

/// The strategy's node score from per-resource requested and allocatable amounts
/// (resources with allocatable 0 are skipped).
pub fn strategy_score(
    strategy: &ScoringStrategy,
    resources: &[ResourceSpec],
    requested: &[i64],
    allocatable: &[i64],
) -> i64 {
    let (mut node_score, mut weight_sum) = (0i64, 0i64);
    match strategy {
        ScoringStrategy::LeastAllocated | ScoringStrategy::MostAllocated => {
            let least = *strategy == ScoringStrategy::LeastAllocated;
            for i in 0..requested.len() {
                if allocatable[i] == 0 {
                    continue;
                }
                let weight = resources[i].weight;
                let score = if least {
                    least_requested_score(requested[i], allocatable[i])
                } else {
                    most_requested_score(requested[i], allocatable[i])
                };
                node_score += score * weight;
                weight_sum += weight;
            }
            if weight_sum == 0 {
                0
            } else {
                node_score / weight_sum
            }
        }
        ScoringStrategy::RequestedToCapacityRatio(shape) => {
            let scaled: Vec<UtilizationShapePoint> = shape
                .iter()
                .map(|p| UtilizationShapePoint {
                    utilization: p.utilization,
                    score: p.score * (MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE),
                })
                .collect();
            for i in 0..requested.len() {
                if allocatable[i] == 0 {
                    continue;
                }
                let weight = resources[i].weight;
                let score = if requested[i] > allocatable[i] {
                    broken_linear(&scaled, MAX_UTILIZATION)
                } else {
                    broken_linear(&scaled, requested[i] * MAX_UTILIZATION / allocatable[i])
                };
                if score > 0 {
                    node_score += score * weight;
                    weight_sum += weight;
                }
            }
            if weight_sum == 0 {
                0
            } else {
                (node_score as f64 / weight_sum as f64).round() as i64
            }
        }
    }
}

/// What the pod asks of each scored resource: non-zero cpu/memory when scoring with
/// `NonZeroRequested` (`use_requested` false), else the real requests.
pub fn pod_request_for(pod: &PodInfo, resource: &str, use_requested: bool) -> i64 {
    match resource {
        RESOURCE_CPU if !use_requested => pod.resources.non_zero_cpu_millis,
        RESOURCE_MEMORY if !use_requested => pod.resources.non_zero_memory_bytes,
        other => pod.resources.requests.get(other),
    }
}

/// `calculateResourceAllocatableRequest`: (allocatable, requested after adding the
/// pod) of one resource on a node; (0, 0) for an extended resource the pod does not
/// request, so it is not scored.
pub fn allocatable_and_requested(
    node: &NodeInfo,
    resource: &str,
    pod_request: i64,
    use_requested: bool,
) -> (i64, i64) {
    if pod_request == 0 && is_scalar_resource_name(resource) {
        return (0, 0);
    }
    match resource {
        RESOURCE_CPU => {
            let used = if use_requested {
                node.requested.cpu_millis
            } else {
                node.non_zero_cpu_millis
            };
            (node.allocatable.cpu_millis, used + pod_request)
        }
        RESOURCE_MEMORY => {
            let used = if use_requested {
                node.requested.memory_bytes
            } else {
                node.non_zero_memory_bytes
            };
            (node.allocatable.memory_bytes, used + pod_request)
        }
        RESOURCE_EPHEMERAL_STORAGE => (
            node.allocatable.ephemeral_storage_bytes,
            node.requested.ephemeral_storage_bytes + pod_request,
        ),
        other => (
            node.allocatable.get(other),
            node.requested.get(other) + pod_request,
        ),
    }
}

/// Where one scored resource's numbers come from, resolved once per cycle so that
/// scoring a node does not match resource names: the same values as
/// [`allocatable_and_requested`] with the pod's request.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ResourceSlot<'a> {
    Cpu,
    Memory,
    EphemeralStorage,
    /// An extended resource the pod does not request: (0, 0), not scored.
    Unscored,
    Other(&'a str),
}

/// The scored resources of one cycle: each one's slot and the pod's request of it.
pub(crate) fn resolve_resources<'a>(
    resources: &'a [ResourceSpec],
    pod: &PodInfo,
    use_requested: bool,
) -> Vec<(ResourceSlot<'a>, i64)> {
    resources
        .iter()
        .map(|resource| {
            let name = resource.name.as_str();
            let pod_request = pod_request_for(pod, name, use_requested);
            let slot = if pod_request == 0 && is_scalar_resource_name(name) {
                ResourceSlot::Unscored
            } else {
                match name {
                    RESOURCE_CPU => ResourceSlot::Cpu,
                    RESOURCE_MEMORY => ResourceSlot::Memory,
                    RESOURCE_EPHEMERAL_STORAGE => ResourceSlot::EphemeralStorage,
                    other => ResourceSlot::Other(other),
                }
            };
            (slot, pod_request)
        })
        .collect()
}

/// One node's (allocatable, requested) of every resolved resource, in `slots` order:
/// the per-node step both NodeResourcesFit and BalancedAllocation score from.
#[inline]
pub(crate) fn fill_allocatable_and_requested(
    node: &NodeInfo,
    slots: &[(ResourceSlot<'_>, i64)],
    use_requested: bool,
    allocatable: &mut [i64; 8],
    requested: &mut [i64; 8],
) {
    for (i, (slot, pod_request)) in slots.iter().enumerate() {
        let (alloc, req) = slot_allocatable_and_requested(node, *slot, *pod_request, use_requested);
        allocatable[i] = alloc;
        requested[i] = req;
    }
}

/// The pod's requests of the scored resources when they are cpu then memory, the
/// default: the batch scorers then read two fields per node instead of dispatching
/// on each resource.
pub(crate) fn cpu_then_memory(slots: &[(ResourceSlot<'_>, i64)]) -> Option<(i64, i64)> {
    match slots {
        [(ResourceSlot::Cpu, cpu), (ResourceSlot::Memory, memory)] => Some((*cpu, *memory)),
        _ => None,
    }
}

/// [`allocatable_and_requested`] for a resolved resource.
#[inline]
pub(crate) fn slot_allocatable_and_requested(
    node: &NodeInfo,
    slot: ResourceSlot<'_>,
    pod_request: i64,
    use_requested: bool,
) -> (i64, i64) {
    match slot {
        ResourceSlot::Unscored => (0, 0),
        ResourceSlot::Cpu => {
            let used = if use_requested {
                node.requested.cpu_millis
            } else {
                node.non_zero_cpu_millis
            };
            (node.allocatable.cpu_millis, used + pod_request)
        }
        ResourceSlot::Memory => {
            let used = if use_requested {
                node.requested.memory_bytes
            } else {
                node.non_zero_memory_bytes
            };
            (node.allocatable.memory_bytes, used + pod_request)
        }
        ResourceSlot::EphemeralStorage => (
            node.allocatable.ephemeral_storage_bytes,
            node.requested.ephemeral_storage_bytes + pod_request,
        ),
        ResourceSlot::Other(name) => (
            node.allocatable.get(name),
            node.requested.get(name) + pod_request,
        ),
    }
}

/// The RequestedToCapacityRatio shape scaled to 0–100, as [`strategy_score`] does
/// on every call; computed once per cycle by `score_nodes`.
fn scaled_shape(strategy: &ScoringStrategy) -> Vec<UtilizationShapePoint> {
    match strategy {
        ScoringStrategy::RequestedToCapacityRatio(shape) => shape
            .iter()
            .map(|p| UtilizationShapePoint {
                utilization: p.utilization,
                score: p.score * (MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// [`strategy_score`] with the shape already scaled.
fn strategy_score_scaled(
    strategy: &ScoringStrategy,
    scaled: &[UtilizationShapePoint],
    resources: &[ResourceSpec],
    requested: &[i64],
    allocatable: &[i64],
) -> i64 {
    if !matches!(strategy, ScoringStrategy::RequestedToCapacityRatio(_)) {
        return strategy_score(strategy, resources, requested, allocatable);
    }
    let (mut node_score, mut weight_sum) = (0i64, 0i64);
    for i in 0..requested.len() {
        if allocatable[i] == 0 {
            continue;
        }
        let weight = resources[i].weight;
        let score = if requested[i] > allocatable[i] {
            broken_linear(scaled, MAX_UTILIZATION)
        } else {
            broken_linear(scaled, requested[i] * MAX_UTILIZATION / allocatable[i])
        };
        if score > 0 {
            node_score += score * weight;
            weight_sum += weight;
        }
    }
    if weight_sum == 0 {
        0
    } else {
        (node_score as f64 / weight_sum as f64).round() as i64
    }
}

pub struct NodeResourcesFit {
    pub strategy: ScoringStrategy,
    pub resources: Vec<ResourceSpec>,
}

impl Default for NodeResourcesFit {
    fn default() -> Self {
        NodeResourcesFit {
            strategy: ScoringStrategy::LeastAllocated,
            resources: default_resources(),
        }
    }
}

impl Plugin for NodeResourcesFit {
    fn name(&self) -> &'static str {
        NAME
    }
}

impl PreFilterPlugin for NodeResourcesFit {
    fn pre_filter(
        &self,
        _state: &mut CycleState,
        _pod: &PodInfo,
        _cache: &Cache,
    ) -> (Status, Option<PreFilterResult>) {
        // The pod's requests are computed once, in its PodInfo.
        (Status::success(), None)
    }
}

/// Whether `fitsRequest` finds no reason against the node: the filter's common case,
/// answered without building reasons (`insufficient_resources` explains a rejection).
pub fn fits_request(pod: &PodInfo, node: &NodeInfo) -> bool {
    if node.pods.len() as i64 + 1 > node.allocatable.pods {
        return false;
    }
    let request = &pod.resources.requests;
    let allocatable = &node.allocatable;
    let used = &node.requested;
    let fits = |requested: i64, allocatable: i64, used: i64| {
        requested <= 0 || requested <= allocatable - used
    };
    fits(request.cpu_millis, allocatable.cpu_millis, used.cpu_millis)
        && fits(
            request.memory_bytes,
            allocatable.memory_bytes,
            used.memory_bytes,
        )
        && fits(
            request.ephemeral_storage_bytes,
            allocatable.ephemeral_storage_bytes,
            used.ephemeral_storage_bytes,
        )
        && request.scalar.iter().all(|(name, quantity)| {
            *quantity == 0 || *quantity <= allocatable.get(name) - used.get(name)
        })
}

/// `fitsRequest`: the reasons a node cannot take the pod, and whether removing pods
/// could ever help (not when the request exceeds the node's whole allocatable).
pub fn insufficient_resources(
    pod: &PodInfo,
    node: &NodeInfo,
) -> (Vec<std::borrow::Cow<'static, str>>, bool) {
    let mut reasons: Vec<std::borrow::Cow<'static, str>> = Vec::new();
    let mut unresolvable = false;
    if node.pods.len() as i64 + 1 > node.allocatable.pods {
        reasons.push("Too many pods".into());
    }
    let request = &pod.resources.requests;
    if request.is_zero() {
        return (reasons, unresolvable);
    }
    let allocatable = &node.allocatable;
    let used = &node.requested;
    if request.cpu_millis > 0 && request.cpu_millis > allocatable.cpu_millis - used.cpu_millis {
        reasons.push("Insufficient cpu".into());
        unresolvable |= request.cpu_millis > allocatable.cpu_millis;
    }
    if request.memory_bytes > 0
        && request.memory_bytes > allocatable.memory_bytes - used.memory_bytes
    {
        reasons.push("Insufficient memory".into());
        unresolvable |= request.memory_bytes > allocatable.memory_bytes;
    }
    if request.ephemeral_storage_bytes > 0
        && request.ephemeral_storage_bytes
            > allocatable.ephemeral_storage_bytes - used.ephemeral_storage_bytes
    {
        reasons.push("Insufficient ephemeral-storage".into());
        unresolvable |= request.ephemeral_storage_bytes > allocatable.ephemeral_storage_bytes;
    }
    for (name, quantity) in &request.scalar {
        if *quantity == 0 {
            continue;
        }
        if *quantity > allocatable.get(name) - used.get(name) {
            reasons.push(format!("Insufficient {name}").into());
            unresolvable |= *quantity > allocatable.get(name);
        }
    }
    (reasons, unresolvable)
}

impl FilterPlugin for NodeResourcesFit {
    fn filter(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        let fits = fits_request(pod, node);
        debug_assert_eq!(fits, insufficient_resources(pod, node).0.is_empty());
        if fits {
            return Status::success();
        }
        let (reasons, unresolvable) = insufficient_resources(pod, node);
        if reasons.is_empty() {
            return Status::success();
        }
        let code = if unresolvable {
            crate::scheduler::framework::Code::UnschedulableAndUnresolvable
        } else {
            crate::scheduler::framework::Code::Unschedulable
        };
        Status::with_reasons(code, reasons)
    }

    fn admits(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> bool {
        fits_request(pod, node)
    }
}

impl PreScorePlugin for NodeResourcesFit {
    fn pre_score(
        &self,
        _state: &mut CycleState,
        _pod: &PodInfo,
        _nodes: &[&NodeInfo],
        _cache: &Cache,
    ) -> Status {
        Status::success()
    }
}

impl NodeResourcesFit {
    /// LeastAllocated or MostAllocated over cpu and memory, the default resources: the
    /// same weighted average as [`strategy_score`], with no per-resource dispatch.
    /// `requests` and `weights` are (cpu, memory); a resource the node has none of is
    /// left out of the average.
    fn score_cpu_memory(
        &self,
        nodes: &[&NodeInfo],
        (cpu_request, memory_request): (i64, i64),
        (cpu_weight, memory_weight): (i64, i64),
        resource_score: impl Fn(i64, i64) -> i64,
        scores: &mut Vec<i64>,
    ) {
        scores.reserve(nodes.len());
        for node in nodes {
            let cpu_allocatable = node.allocatable.cpu_millis;
            let cpu_requested = node.non_zero_cpu_millis + cpu_request;
            let memory_allocatable = node.allocatable.memory_bytes;
            let memory_requested = node.non_zero_memory_bytes + memory_request;
            let (mut node_score, mut weight_sum) = (0i64, 0i64);
            if cpu_allocatable != 0 {
                node_score += resource_score(cpu_requested, cpu_allocatable) * cpu_weight;
                weight_sum += cpu_weight;
            }
            if memory_allocatable != 0 {
                node_score += resource_score(memory_requested, memory_allocatable) * memory_weight;
                weight_sum += memory_weight;
            }
            let score = if weight_sum == 0 {
                0
            } else {
                node_score / weight_sum
            };
            debug_assert_eq!(
                score,
                strategy_score(
                    &self.strategy,
                    &self.resources,
                    &[cpu_requested, memory_requested],
                    &[cpu_allocatable, memory_allocatable],
                )
            );
            scores.push(score);
        }
    }
}

impl ScorePlugin for NodeResourcesFit {
    fn score(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        let count = self.resources.len();
        let mut requested = [0i64; 8];
        let mut allocatable = [0i64; 8];
        let mut requested_vec;
        let mut allocatable_vec;
        let (requested, allocatable): (&mut [i64], &mut [i64]) = if count <= 8 {
            (&mut requested[..count], &mut allocatable[..count])
        } else {
            requested_vec = vec![0; count];
            allocatable_vec = vec![0; count];
            (&mut requested_vec[..], &mut allocatable_vec[..])
        };
        for (i, resource) in self.resources.iter().enumerate() {
            let pod_request = pod_request_for(pod, &resource.name, false);
            let (alloc, req) = allocatable_and_requested(node, &resource.name, pod_request, false);
            allocatable[i] = alloc;
            requested[i] = req;
        }
        Ok(strategy_score(
            &self.strategy,
            &self.resources,
            requested,
            allocatable,
        ))
    }

    fn score_nodes(
        &self,
        _state: &CycleState,
        pod: &PodInfo,
        nodes: &[&NodeInfo],
        scores: &mut Vec<i64>,
    ) -> Result<(), Status> {
        let count = self.resources.len();
        if count > 8 {
            return score_each(self, _state, pod, nodes, scores);
        }
        let slots = resolve_resources(&self.resources, pod, false);
        if let Some(requests) = cpu_then_memory(&slots) {
            let weights = (self.resources[0].weight, self.resources[1].weight);
            match self.strategy {
                ScoringStrategy::LeastAllocated => {
                    self.score_cpu_memory(nodes, requests, weights, least_requested_score, scores);
                    return Ok(());
                }
                ScoringStrategy::MostAllocated => {
                    self.score_cpu_memory(nodes, requests, weights, most_requested_score, scores);
                    return Ok(());
                }
                ScoringStrategy::RequestedToCapacityRatio(_) => {}
            }
        }
        let scaled = scaled_shape(&self.strategy);
        let mut requested = [0i64; 8];
        let mut allocatable = [0i64; 8];
        for node in nodes {
            fill_allocatable_and_requested(node, &slots, false, &mut allocatable, &mut requested);
            scores.push(strategy_score_scaled(
                &self.strategy,
                &scaled,
                &self.resources,
                &requested[..count],
                &allocatable[..count],
            ));
        }
        Ok(())
    }
}
