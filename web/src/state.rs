//! The playground's state and its reducer: plain data and pure functions, no HTML,
//! so it is tested natively (`cargo test -p kubesim-web --lib`).
//!
//! The page never computes cluster facts itself; it only reshapes what
//! `kubesim::Simulation::view` reports into what the cards display.

use std::rc::Rc;

use kubesim::view::{ClusterView, NodeView};
use yew::Reducible;

/// Everything the page shows, as of the last observed snapshot.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlaygroundState {
    /// The virtual clock, RFC 3339; empty until the first observation.
    pub sim_time: String,
    pub nodes: Vec<NodeSummary>,
    pub pod_count: usize,
}

/// What can happen to the page's state.
pub enum Action {
    /// A fresh snapshot from the simulation replaces the displayed one.
    Observe(ClusterView),
}

impl Reducible for PlaygroundState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Observe(view) => Rc::new(Self::from_view(&view)),
        }
    }
}

impl PlaygroundState {
    pub fn from_view(view: &ClusterView) -> Self {
        Self {
            sim_time: view.time.to_string(),
            nodes: view.nodes.iter().map(NodeSummary::from_view).collect(),
            pod_count: view.pods.len(),
        }
    }
}

/// One node card's content.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeSummary {
    pub name: String,
    pub roles: Vec<String>,
    pub ready: bool,
    pub unschedulable: bool,
    pub taints: Vec<String>,
    pub zone: Option<String>,
    pub cpu: ResourceUsage,
    pub memory: ResourceUsage,
    pub pods: ResourceUsage,
}

impl NodeSummary {
    pub fn from_view(node: &NodeView) -> Self {
        Self {
            name: node.name.clone(),
            roles: node.roles.clone(),
            ready: node.ready,
            unschedulable: node.unschedulable,
            taints: node.taints.clone(),
            zone: node.zone.clone(),
            cpu: ResourceUsage {
                resource: Resource::Cpu,
                requested: node.cpu_requested_millis,
                allocatable: node.cpu_allocatable_millis,
            },
            memory: ResourceUsage {
                resource: Resource::Memory,
                requested: node.memory_requested_bytes,
                allocatable: node.memory_allocatable_bytes,
            },
            pods: ResourceUsage {
                resource: Resource::Pods,
                requested: node.pod_count,
                allocatable: node.pods_allocatable,
            },
        }
    }

    /// kubectl's STATUS column: "Ready", "NotReady", with ",SchedulingDisabled" when cordoned.
    pub fn status_text(&self) -> String {
        let readiness = if self.ready { "Ready" } else { "NotReady" };
        if self.unschedulable {
            format!("{readiness},SchedulingDisabled")
        } else {
            readiness.to_string()
        }
    }
}

/// The three resources a node card compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    /// Amounts in millicores.
    Cpu,
    /// Amounts in bytes.
    Memory,
    /// Amounts in pods.
    Pods,
}

impl Resource {
    pub fn label(self) -> &'static str {
        match self {
            Resource::Cpu => "CPU",
            Resource::Memory => "Memory",
            Resource::Pods => "Pods",
        }
    }

    /// An amount in this resource's unit, written as Kubernetes writes quantities.
    pub fn format_amount(self, amount: i64) -> String {
        match self {
            Resource::Cpu => format_cpu_millis(amount),
            Resource::Memory => format_memory_bytes(amount),
            Resource::Pods => amount.to_string(),
        }
    }
}

/// Requested versus allocatable, in the resource's unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResourceUsage {
    pub resource: Resource,
    pub requested: i64,
    pub allocatable: i64,
}

impl ResourceUsage {
    /// Requested as a whole percent of allocatable, clamped to 0..=100 for the bar.
    /// A node with nothing allocatable counts as 0%, never a division by zero.
    pub fn percent_used(&self) -> u8 {
        if self.allocatable <= 0 || self.requested <= 0 {
            return 0;
        }
        let percent = (i128::from(self.requested) * 100) / i128::from(self.allocatable);
        percent.clamp(0, 100) as u8
    }

    /// "750m of 2 (37%)", the way `kubectl describe node` summarises allocation.
    pub fn summary_text(&self) -> String {
        format!(
            "{} of {} ({}%)",
            self.resource.format_amount(self.requested),
            self.resource.format_amount(self.allocatable),
            self.percent_used()
        )
    }
}

/// Millicores as a Kubernetes CPU quantity: whole cores plain ("2"), else millis ("750m").
pub fn format_cpu_millis(millis: i64) -> String {
    if millis % 1000 == 0 {
        (millis / 1000).to_string()
    } else {
        format!("{millis}m")
    }
}

/// Bytes as a Kubernetes memory quantity with the largest binary suffix that divides
/// it exactly ("4Gi", "512Mi"), else one decimal of the largest fitting one ("1.5Gi").
pub fn format_memory_bytes(bytes: i64) -> String {
    const SUFFIXES: [(&str, i64); 4] = [
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ];
    for (suffix, unit_bytes) in SUFFIXES {
        if bytes.unsigned_abs() >= unit_bytes.unsigned_abs() {
            if bytes % unit_bytes == 0 {
                return format!("{}{suffix}", bytes / unit_bytes);
            }
            return format!("{:.1}{suffix}", bytes as f64 / unit_bytes as f64);
        }
    }
    bytes.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(resource: Resource, requested: i64, allocatable: i64) -> ResourceUsage {
        ResourceUsage {
            resource,
            requested,
            allocatable,
        }
    }

    #[test]
    fn cpu_is_written_in_cores_or_millicores() {
        assert_eq!(format_cpu_millis(2000), "2");
        assert_eq!(format_cpu_millis(750), "750m");
        assert_eq!(format_cpu_millis(1500), "1500m");
        assert_eq!(format_cpu_millis(0), "0");
    }

    #[test]
    fn memory_uses_the_largest_binary_suffix() {
        assert_eq!(format_memory_bytes(4 << 30), "4Gi");
        assert_eq!(format_memory_bytes(512 << 20), "512Mi");
        assert_eq!(format_memory_bytes(3 << 29), "1.5Gi");
        assert_eq!(format_memory_bytes(100), "100");
        assert_eq!(format_memory_bytes(0), "0");
    }

    #[test]
    fn percent_used_is_clamped_and_safe_on_zero_allocatable() {
        assert_eq!(usage(Resource::Cpu, 750, 2000).percent_used(), 37);
        assert_eq!(usage(Resource::Cpu, 3000, 2000).percent_used(), 100);
        assert_eq!(usage(Resource::Pods, 5, 0).percent_used(), 0);
        assert_eq!(usage(Resource::Pods, -1, 110).percent_used(), 0);
        assert_eq!(
            usage(Resource::Memory, i64::MAX, i64::MAX).percent_used(),
            100
        );
    }

    #[test]
    fn summary_reads_like_kubectl_describe() {
        assert_eq!(
            usage(Resource::Cpu, 750, 2000).summary_text(),
            "750m of 2 (37%)"
        );
        assert_eq!(
            usage(Resource::Memory, 1 << 30, 4 << 30).summary_text(),
            "1Gi of 4Gi (25%)"
        );
    }

    fn node(ready: bool, unschedulable: bool, roles: &[&str]) -> NodeSummary {
        NodeSummary {
            name: "worker-1".into(),
            roles: roles.iter().map(|role| role.to_string()).collect(),
            ready,
            unschedulable,
            taints: Vec::new(),
            zone: None,
            cpu: usage(Resource::Cpu, 0, 2000),
            memory: usage(Resource::Memory, 0, 4 << 30),
            pods: usage(Resource::Pods, 0, 110),
        }
    }

    #[test]
    fn status_reads_like_kubectl_get_nodes() {
        assert_eq!(node(true, false, &[]).status_text(), "Ready");
        assert_eq!(
            node(false, true, &[]).status_text(),
            "NotReady,SchedulingDisabled"
        );
    }

    #[test]
    fn observing_the_default_simulation_shows_its_nodes() {
        let simulation = kubesim::Simulation::new(kubesim::SimulationConfig::default());
        let state = Rc::new(PlaygroundState::default()).reduce(Action::Observe(simulation.view()));
        let names: Vec<&str> = state.nodes.iter().map(|node| node.name.as_str()).collect();
        assert_eq!(names, ["control-plane", "worker-1", "worker-2", "worker-3"]);
        assert!(!state.sim_time.is_empty());
    }
}
