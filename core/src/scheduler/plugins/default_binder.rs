//! DefaultBinder: binds through the API server's `pods/binding` subresource.
//! Upstream: `pkg/scheduler/framework/plugins/defaultbinder/default_binder.go`.

use crate::api_server::ApiServer;
use crate::scheduler::framework::{Plugin, Status};
use crate::scheduler::node_info::PodInfo;

pub const NAME: &str = "DefaultBinder";

/// `BindPlugin`.
pub trait BindPlugin: Plugin {
    fn bind(&self, api: &mut ApiServer, pod: &PodInfo, node_name: &str) -> Status;
}

pub struct DefaultBinder;

impl Plugin for DefaultBinder {
    fn name(&self) -> &'static str {
        NAME
    }
}

impl BindPlugin for DefaultBinder {
    fn bind(&self, api: &mut ApiServer, pod: &PodInfo, node_name: &str) -> Status {
        match api.bind(pod.namespace(), pod.name(), node_name) {
            Ok(_) => Status::success(),
            Err(error) => Status::error(error.to_string()),
        }
    }
}
