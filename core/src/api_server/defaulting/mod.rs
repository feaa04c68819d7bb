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
        Object::Generic(generic) => default_generic(generic),
        Object::Event(_) => {}
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

/// Scheme defaults of stored-only kinds that show in kubectl's output: a Secret's
/// `type`, a CronJob's policies and history limits, a PriorityClass's preemption
/// policy, volume phases and modes (`pkg/apis/{core,batch,scheduling}/v1/defaults.go`).
fn default_generic(generic: &mut crate::model::GenericObject) {
    use serde_json::{Value, json};
    fn set_missing(object: &mut serde_json::Map<String, Value>, key: &str, value: Value) {
        object.entry(key.to_string()).or_insert(value);
    }
    fn section<'a>(
        body: &'a mut std::collections::BTreeMap<String, Value>,
        key: &str,
    ) -> Option<&'a mut serde_json::Map<String, Value>> {
        body.entry(key.to_string())
            .or_insert_with(|| json!({}))
            .as_object_mut()
    }
    let resource_type = generic.resource_type;
    let body = &mut generic.body;
    match (resource_type.group, resource_type.kind) {
        ("", "Secret") => {
            body.entry("type".to_string())
                .or_insert_with(|| json!("Opaque"));
        }
        ("batch", "CronJob") => {
            if let Some(spec) = section(body, "spec") {
                set_missing(spec, "concurrencyPolicy", json!("Allow"));
                set_missing(spec, "suspend", json!(false));
                set_missing(spec, "successfulJobsHistoryLimit", json!(3));
                set_missing(spec, "failedJobsHistoryLimit", json!(1));
            }
        }
        ("scheduling.k8s.io", "PriorityClass") => {
            body.entry("preemptionPolicy".to_string())
                .or_insert_with(|| json!("PreemptLowerPriority"));
        }
        ("", "PersistentVolumeClaim") => {
            if let Some(spec) = section(body, "spec") {
                set_missing(spec, "volumeMode", json!("Filesystem"));
            }
            if let Some(status) = section(body, "status") {
                set_missing(status, "phase", json!("Pending"));
            }
        }
        ("", "PersistentVolume") => {
            if let Some(spec) = section(body, "spec") {
                set_missing(spec, "persistentVolumeReclaimPolicy", json!("Retain"));
                set_missing(spec, "volumeMode", json!("Filesystem"));
            }
            if let Some(status) = section(body, "status") {
                set_missing(status, "phase", json!("Pending"));
            }
        }
        _ => {}
    }
}
