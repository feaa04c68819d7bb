//! Defaulting: the values the API server fills in before validation.
//!
//! Upstream: the `SetDefaults_*` functions of `pkg/apis/{core,apps,batch}/v1/defaults.go`
//! (run on every decode, so on create and on update), and the admission plugins and
//! registry strategies that mutate pods and Jobs on create.

pub mod job;
pub mod namespace;
pub mod pod;
pub mod service;
pub mod workloads;

use crate::model::Object;

/// The scheme's defaults for a kind, as a decode applies them on every write.
pub fn apply_scheme_defaults(object: &mut Object) {
    match object {
        Object::Pod(pod) => pod::default_pod(pod),
        Object::Deployment(deployment) => workloads::default_deployment(deployment),
        Object::ReplicaSet(replica_set) => workloads::default_replica_set(replica_set),
        Object::DaemonSet(daemon_set) => workloads::default_daemon_set(daemon_set),
        Object::Job(job_object) => job::default_job(job_object),
        Object::Service(service_object) => service::default_service(service_object),
        Object::Namespace(namespace_object) => namespace::default_namespace(namespace_object),
        Object::Endpoints(endpoints) => service::default_endpoints(endpoints),
        Object::EndpointSlice(slice) => service::default_endpoint_slice(slice),
        Object::Node(node) => default_node(node),
        Object::Event(_) | Object::Generic(_) => {}
    }
}

/// `SetDefaults_NodeStatus`: allocatable is the capacity when not reported; both
/// lists in canonical form.
fn default_node(node: &mut crate::model::node::Node) {
    let Some(status) = node.status.as_mut() else {
        return;
    };
    if status.allocatable.is_none() {
        status.allocatable = status.capacity.clone();
    }
    for list in [status.capacity.as_mut(), status.allocatable.as_mut()]
        .into_iter()
        .flatten()
    {
        pod::default_resource_list(list);
    }
}
