//! NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory would be used
//! in equal fractions. Uses the real requests (not the non-zero defaults).
//! Upstream: `pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go`.
//!
//! fraction_i = min(requested_i / allocatable_i, 1); with two resources
//! std = |f1 − f2| / 2, with more the population standard deviation;
//! score = (1 − std) × 100, truncated. Node 4000m/10000 after a pod of 3000m/5000:
//! fractions 0.75 and 0.5 → std 0.125 → 87.

use crate::scheduler::framework::{
    CycleState, MAX_NODE_SCORE, Plugin, PreScorePlugin, ScorePlugin, Status,
};
use crate::scheduler::node_info::{Cache, NodeInfo, PodInfo};
use crate::scheduler::plugins::node_resources_fit::{
    ResourceSpec, allocatable_and_requested, cpu_then_memory, default_resources,
    fill_allocatable_and_requested, pod_request_for, resolve_resources,
};

pub const NAME: &str = "NodeResourcesBalancedAllocation";

pub struct BalancedAllocation {
    pub resources: Vec<ResourceSpec>,
}

impl Default for BalancedAllocation {
    fn default() -> Self {
        BalancedAllocation {
            resources: default_resources(),
        }
    }
}

/// `balancedResourceScorer`.
#[inline]
pub fn balanced_resource_score(requested: &[i64], allocatable: &[i64]) -> i64 {
    let mut fractions = [0f64; 8];
    let mut count = 0usize;
    let mut total = 0f64;
    for i in 0..requested.len() {
        if allocatable[i] == 0 || count == fractions.len() {
            continue;
        }
        let fraction = (requested[i] as f64 / allocatable[i] as f64).min(1.0);
        total += fraction;
        fractions[count] = fraction;
        count += 1;
    }
    let std = match count {
        2 => ((fractions[0] - fractions[1]) / 2.0).abs(),
        n if n > 2 => {
            let mean = total / n as f64;
            let sum: f64 = fractions[..n].iter().map(|f| (f - mean) * (f - mean)).sum();
            (sum / n as f64).sqrt()
        }
        _ => 0.0,
    };
    ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
}

/// [`balanced_resource_score`] of two resources, each (requested, allocatable): the
/// same arithmetic, unrolled.
#[inline]
fn balanced_cpu_memory_score(cpu: (i64, i64), memory: (i64, i64)) -> i64 {
    let fraction = |(requested, allocatable): (i64, i64)| {
        (allocatable != 0).then(|| (requested as f64 / allocatable as f64).min(1.0))
    };
    let std = match (fraction(cpu), fraction(memory)) {
        (Some(cpu), Some(memory)) => ((cpu - memory) / 2.0).abs(),
        _ => 0.0,
    };
    ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
}

impl Plugin for BalancedAllocation {
    fn name(&self) -> &'static str {
        NAME
    }
}

impl PreScorePlugin for BalancedAllocation {
    fn pre_score(
        &self,
        _state: &mut CycleState,
        pod: &PodInfo,
        _nodes: &[&NodeInfo],
        _cache: &Cache,
    ) -> Status {
        // Best-effort pods are not scored, so they do not all pile onto one node
        // (kubernetes/kubernetes#129138).
        let best_effort = self
            .resources
            .iter()
            .all(|r| pod_request_for(pod, &r.name, true) == 0);
        if best_effort {
            Status::skip()
        } else {
            Status::success()
        }
    }
}

impl ScorePlugin for BalancedAllocation {
    fn score(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        let count = self.resources.len().min(8);
        let mut requested = [0i64; 8];
        let mut allocatable = [0i64; 8];
        for (i, resource) in self.resources.iter().take(count).enumerate() {
            let pod_request = pod_request_for(pod, &resource.name, true);
            let (alloc, req) = allocatable_and_requested(node, &resource.name, pod_request, true);
            allocatable[i] = alloc;
            requested[i] = req;
        }
        Ok(balanced_resource_score(
            &requested[..count],
            &allocatable[..count],
        ))
    }

    fn score_nodes(
        &self,
        _state: &CycleState,
        pod: &PodInfo,
        nodes: &[&NodeInfo],
        scores: &mut Vec<i64>,
    ) -> Result<(), Status> {
        let count = self.resources.len().min(8);
        let slots = resolve_resources(&self.resources[..count], pod, true);
        if let Some((cpu_request, memory_request)) = cpu_then_memory(&slots) {
            // The default resources: two fields per node, no per-resource dispatch.
            scores.reserve(nodes.len());
            for node in nodes {
                let cpu = (
                    node.requested.cpu_millis + cpu_request,
                    node.allocatable.cpu_millis,
                );
                let memory = (
                    node.requested.memory_bytes + memory_request,
                    node.allocatable.memory_bytes,
                );
                let score = balanced_cpu_memory_score(cpu, memory);
                debug_assert_eq!(
                    score,
                    balanced_resource_score(&[cpu.0, memory.0], &[cpu.1, memory.1])
                );
                scores.push(score);
            }
            return Ok(());
        }
        let mut requested = [0i64; 8];
        let mut allocatable = [0i64; 8];
        for node in nodes {
            fill_allocatable_and_requested(node, &slots, true, &mut allocatable, &mut requested);
            scores.push(balanced_resource_score(
                &requested[..count],
                &allocatable[..count],
            ));
        }
        Ok(())
    }
}
