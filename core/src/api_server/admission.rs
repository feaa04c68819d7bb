//! Admission: what the API server does to an object before it is stored.
//! Mutation (defaulting) comes first, validation second, as upstream orders them.

use crate::api_server::{ApiError, ApiServer};
use crate::model::Object;
use crate::model::registry::lookup_kind_name;

/// Admission for a create: namespace lifecycle, defaulting, validation.
pub fn admit_create(object: &mut Object, api: &mut ApiServer) -> Result<(), ApiError> {
    let resource_type = object.resource_type();
    if object.metadata().name().is_empty() {
        return Err(ApiError::Invalid {
            kind: resource_type.kind.to_string(),
            qualified_kind: qualified_kind(object),
            name: String::new(),
            causes: vec![crate::model::validation::FieldError::required(
                "metadata.name",
                "name or generateName is required",
            )],
        });
    }
    if resource_type.namespaced {
        check_namespace_accepts_content(object, api)?;
    }
    Ok(())
}

/// Admission for an update of spec and metadata.
pub fn admit_update(
    _object: &mut Object,
    _current: &Object,
    _api: &ApiServer,
) -> Result<(), ApiError> {
    Ok(())
}

/// Admission for a status update.
pub fn admit_status_update(
    _object: &mut Object,
    _current: &Object,
    _api: &ApiServer,
) -> Result<(), ApiError> {
    Ok(())
}

/// Frees what admission allocated for an object that left the store
/// (a Service's ClusterIP and NodePorts).
pub fn release(_object: &Object, _api: &mut ApiServer) {}

/// The grace period a delete gets, or None when the kind has no graceful deletion.
/// Pods: the request's value, else `spec.terminationGracePeriodSeconds` (30); 0 when
/// the pod was never scheduled or has already finished
/// (`pkg/registry/core/pod/strategy.go` CheckGracefulDelete).
pub fn deletion_grace_period(object: &Object, requested_seconds: Option<i64>) -> Option<i64> {
    let Object::Pod(pod) = object else {
        return None;
    };
    let value = serde_json::to_value(pod).unwrap_or_default();
    let spec = value.get("spec");
    let node_name = spec
        .and_then(|spec| spec.get("nodeName"))
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let phase = value
        .get("status")
        .and_then(|status| status.get("phase"))
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let default_seconds = spec
        .and_then(|spec| spec.get("terminationGracePeriodSeconds"))
        .and_then(|v| v.as_i64())
        .unwrap_or(30);
    let seconds = requested_seconds.unwrap_or(default_seconds).max(0);
    if node_name.is_empty() || phase == "Succeeded" || phase == "Failed" {
        return Some(0);
    }
    Some(seconds)
}

/// `Deployment.apps`, or `Pod` for the core group, as Invalid errors name kinds.
pub fn qualified_kind(object: &Object) -> String {
    let resource_type = object.resource_type();
    if resource_type.group.is_empty() {
        resource_type.kind.to_string()
    } else {
        format!("{}.{}", resource_type.kind, resource_type.group)
    }
}

/// The NamespaceLifecycle admission plugin: no new content in a namespace that does
/// not exist or is being terminated.
fn check_namespace_accepts_content(object: &Object, api: &ApiServer) -> Result<(), ApiError> {
    let namespace_type = lookup_kind_name("Namespace").expect("Namespace is served");
    let namespace = object.namespace();
    match api.get_ref(namespace_type, "", namespace) {
        None => Err(ApiError::NotFound {
            resource: "namespaces".to_string(),
            name: namespace.to_string(),
        }),
        Some(ns) if ns.metadata().is_being_deleted() => Err(ApiError::Forbidden(format!(
            "{} \"{}\" is forbidden: unable to create new content in namespace {namespace} because it is being terminated",
            object.resource_type().group_resource(),
            object.name()
        ))),
        Some(_) => Ok(()),
    }
}
