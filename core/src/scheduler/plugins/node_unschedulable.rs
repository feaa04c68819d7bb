//! NodeUnschedulable: a cordoned node (`spec.unschedulable`) takes only pods that
//! tolerate `node.kubernetes.io/unschedulable:NoSchedule`.
//! Upstream: `pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go`.

use crate::model::node::Taint;
use crate::model::tolerations::tolerations_tolerate_taint;
use crate::scheduler::framework::{CycleState, FilterPlugin, Plugin, Status};
use crate::scheduler::node_info::{NodeInfo, PodInfo};

pub const NAME: &str = "NodeUnschedulable";
/// `ErrReasonUnschedulable`.
pub const ERR_REASON_UNSCHEDULABLE: &str = "node(s) were unschedulable";
pub const TAINT_NODE_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

pub struct NodeUnschedulable;

impl Plugin for NodeUnschedulable {
    fn name(&self) -> &'static str {
        NAME
    }
}

impl FilterPlugin for NodeUnschedulable {
    fn filter(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        if !node.is_unschedulable() {
            return Status::success();
        }
        let taint = Taint {
            key: Some(TAINT_NODE_UNSCHEDULABLE.to_string()),
            effect: Some("NoSchedule".to_string()),
            ..Taint::default()
        };
        let tolerations = pod
            .pod()
            .spec
            .as_ref()
            .and_then(|s| s.tolerations.as_deref())
            .unwrap_or(&[]);
        if tolerations_tolerate_taint(tolerations, &taint) {
            Status::success()
        } else {
            Status::unresolvable(ERR_REASON_UNSCHEDULABLE)
        }
    }

    fn admits(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> bool {
        !node.is_unschedulable() || self.filter(state, pod, node).is_success()
    }
}
