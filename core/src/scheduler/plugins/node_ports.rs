//! NodePorts: a pod's host ports must be free on the node.
//! Upstream: `pkg/scheduler/framework/plugins/nodeports/node_ports.go`.

use crate::scheduler::framework::{
    CycleState, FilterPlugin, Plugin, PreFilterPlugin, PreFilterResult, Status,
};
use crate::scheduler::node_info::{Cache, NodeInfo, PodInfo};

pub const NAME: &str = "NodePorts";
/// `ErrReason`.
pub const ERR_REASON: &str = "node(s) didn't have free ports for the requested pod ports";

pub struct NodePorts;

impl Plugin for NodePorts {
    fn name(&self) -> &'static str {
        NAME
    }
}

impl PreFilterPlugin for NodePorts {
    fn pre_filter(
        &self,
        _state: &mut CycleState,
        pod: &PodInfo,
        _cache: &Cache,
    ) -> (Status, Option<PreFilterResult>) {
        // A pod without host ports has nothing to check.
        if pod.host_ports.is_empty() {
            (Status::skip(), None)
        } else {
            (Status::success(), None)
        }
    }
}

impl FilterPlugin for NodePorts {
    fn filter(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        let conflict = pod.host_ports.iter().any(|wanted| {
            node.used_ports
                .iter()
                .any(|used| used.conflicts_with(wanted))
        });
        if conflict {
            Status::unschedulable(ERR_REASON)
        } else {
            Status::success()
        }
    }
}
