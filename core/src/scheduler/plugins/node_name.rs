//! NodeName: a pod that names its node (`spec.nodeName`) fits only there.
//! Upstream: `pkg/scheduler/framework/plugins/nodename/node_name.go`.

use crate::scheduler::framework::{CycleState, FilterPlugin, Plugin, Status};
use crate::scheduler::node_info::{NodeInfo, PodInfo};

pub const NAME: &str = "NodeName";
/// `ErrReason`.
pub const ERR_REASON: &str = "node(s) didn't match the requested node name";

pub struct NodeName;

impl Plugin for NodeName {
    fn name(&self) -> &'static str {
        NAME
    }
}

impl FilterPlugin for NodeName {
    fn filter(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        let wanted = pod.pod().node_name();
        if wanted.is_empty() || wanted == &*node.name {
            Status::success()
        } else {
            Status::unresolvable(ERR_REASON)
        }
    }

    fn admits(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> bool {
        let wanted = pod.pod().node_name();
        wanted.is_empty() || wanted == &*node.name
    }
}
