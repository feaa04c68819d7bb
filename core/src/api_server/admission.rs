//! Admission: what the API server does to an object before it is stored.
//!
//! Order as upstream: namespace lifecycle, then mutation (the scheme's defaults, the
//! mutating admission plugins and the registry strategy's PrepareForCreate/Update),
//! then validation, then (Services) allocation. A rejected request changes nothing:
//! allocation comes last and is all-or-nothing.

use crate::api_server::defaulting::{self, job, namespace, pod, service};
use crate::api_server::validation;
use crate::api_server::{ApiError, ApiServer, names};
use crate::model::registry::lookup_kind_name;
use crate::model::validation::FieldError;
use crate::model::{GenericObject, Object};

/// Admission for a create: namespace lifecycle, defaulting, validation, allocation.
pub fn admit_create(object: &mut Object, api: &mut ApiServer) -> Result<(), ApiError> {
    let resource_type = object.resource_type();
    if object.metadata().name().is_empty() {
        return Err(invalid(
            object,
            vec![FieldError::required(
                "metadata.name",
                "name or generateName is required",
            )],
        ));
    }
    if resource_type.namespaced {
        check_namespace_accepts_content(object, api)?;
    }
    defaulting::apply_scheme_defaults(object);
    prepare_for_create(object, api)?;
    let causes = validation::validate_create(object);
    if !causes.is_empty() {
        return Err(invalid(object, causes));
    }
    // As upstream's BeginCreate: allocation before the store write. When the write then
    // fails with AlreadyExists, `ApiServer::create` calls `release`.
    if let Object::Service(service_object) = object {
        service::allocate(service_object, api).map_err(|causes| invalid(object, causes))?;
    }
    Ok(())
}

/// Admission for an update of spec and metadata.
pub fn admit_update(
    object: &mut Object,
    current: &Object,
    api: &mut ApiServer,
) -> Result<(), ApiError> {
    defaulting::apply_scheme_defaults(object);
    prepare_for_update(object, current);
    // Defaulting copies a shared pod spec to write it (`make_mut`) even where it
    // changes nothing, as on a stored spec; the new version then keeps the stored
    // one instead of holding an equal copy.
    if let (Object::Pod(new), Object::Pod(old)) = (&mut *object, current)
        && new.spec == old.spec
    {
        new.spec = old.spec.clone();
    }
    let causes = validation::validate_update(object, current);
    if !causes.is_empty() {
        return Err(invalid(object, causes));
    }
    // Allocation comes last, so a rejected update never holds an address or port.
    if let (Object::Service(service_object), Object::Service(current_service)) =
        (&mut *object, current)
        && let Err(causes) = service::update_allocations(service_object, current_service, api)
    {
        return Err(invalid(object, causes));
    }
    Ok(())
}

/// Admission for a status update. The spec is the stored one, so only metadata can be
/// wrong; upstream's per-kind status rules are not simulated. A pod's QoS class is fixed
/// at creation: a status write without one keeps it (`podStatusStrategy.PrepareForUpdate`).
pub fn admit_status_update(
    object: &mut Object,
    current: &Object,
    _api: &mut ApiServer,
) -> Result<(), ApiError> {
    if let (Object::Pod(new), Object::Pod(old)) = (object, current) {
        let old_qos = old.status.as_ref().and_then(|s| s.qos_class.clone());
        let status = new.status.get_or_insert_with(Default::default);
        if status.qos_class.as_deref().unwrap_or("").is_empty() {
            status.qos_class = old_qos;
        }
    }
    Ok(())
}

/// Frees what admission allocated for an object that left the store
/// (a Service's ClusterIP and NodePorts).
pub fn release(object: &Object, api: &mut ApiServer) {
    if let Object::Service(service_object) = object {
        service::release(service_object, api);
    }
}

/// The grace period a delete gets, or None when the kind has no graceful deletion.
/// Pods: the request's value, else `spec.terminationGracePeriodSeconds` (30); 0 when
/// the pod was never scheduled or has already finished
/// (`pkg/registry/core/pod/strategy.go` CheckGracefulDelete).
pub fn deletion_grace_period(object: &Object, requested_seconds: Option<i64>) -> Option<i64> {
    let Object::Pod(pod_object) = object else {
        return None;
    };
    let default_seconds = pod_object
        .spec
        .as_ref()
        .and_then(|spec| spec.termination_grace_period_seconds)
        .unwrap_or(pod::DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
    let phase = pod_object.phase();
    if pod_object.node_name().is_empty() || phase == "Succeeded" || phase == "Failed" {
        return Some(0);
    }
    // A negative period (allowed in old pods and in requests) means one second.
    let seconds = requested_seconds.unwrap_or(default_seconds);
    Some(if seconds < 0 { 1 } else { seconds })
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

/// `errors.NewInvalid`. Its message comes from `ErrorList.ToAggregate`, which drops
/// repeated messages (a bad value in two labels reads once), so the causes do too.
fn invalid(object: &Object, mut causes: Vec<FieldError>) -> ApiError {
    let mut seen = std::collections::BTreeSet::new();
    causes.retain(|cause| seen.insert(cause.to_string()));
    ApiError::Invalid {
        kind: object.resource_type().kind.to_string(),
        qualified_kind: qualified_kind(object),
        name: object.name().to_string(),
        causes,
    }
}

/// The create-time mutations of admission plugins and registry strategies.
fn prepare_for_create(object: &mut Object, api: &mut ApiServer) -> Result<(), ApiError> {
    match object {
        Object::Pod(pod_object) => {
            // Plugin order as kube-apiserver enables them: ServiceAccount,
            // DefaultTolerationSeconds, Priority; then the strategy resets status.
            pod::default_service_account(pod_object);
            pod::add_default_tolerations(pod_object);
            resolve_priority(pod_object, api)?;
            pod::reset_status_for_create(pod_object);
        }
        Object::Namespace(namespace_object) => {
            namespace::prepare_namespace_for_create(namespace_object);
            namespace_object.status = Some(crate::model::namespace::NamespaceStatus {
                phase: Some("Active".to_string()),
                ..Default::default()
            });
        }
        Object::Job(job_object) => {
            // The strategy builds the selector from the uid, which `ApiServer::create`
            // assigns before admission (as upstream's BeforeCreate does).
            if job_object.metadata.uid().is_empty() {
                job_object.metadata.uid = Some(names::new_uid(api.rng()));
            }
            job_object.status = None;
            job::generate_selector(job_object);
        }
        Object::Deployment(deployment) => deployment.status = None,
        Object::ReplicaSet(replica_set) => replica_set.status = None,
        Object::DaemonSet(daemon_set) => daemon_set.status = None,
        Object::Service(service_object) => {
            service_object.status = None;
            service::normalize_cluster_ips(service_object);
        }
        _ => {}
    }
    Ok(())
}

/// The update-time mutations: what the server keeps that a client may leave out.
fn prepare_for_update(object: &mut Object, current: &Object) {
    match (object, current) {
        (Object::Pod(new), Object::Pod(old)) => {
            let old_spec = old.spec();
            let spec = new.spec.get_or_insert_with(Default::default).make_mut();
            if spec.service_account_name.is_none() {
                spec.service_account_name = old_spec.service_account_name.clone();
                spec.service_account = old_spec.service_account.clone();
            }
            if spec.priority.is_none() {
                spec.priority = old_spec.priority;
                spec.preemption_policy = old_spec.preemption_policy.clone();
            }
            pod::add_default_tolerations(new);
        }
        (Object::Service(new), Object::Service(old)) => {
            service::keep_allocated_values(new, old);
            service::drop_type_dependent_fields(new, old);
            service::normalize_cluster_ips(new);
        }
        // The generated selector names the uid; a client's PUT may leave the uid out.
        (Object::Job(new), Object::Job(old)) => {
            if new.metadata.uid().is_empty() {
                new.metadata.uid = old.metadata.uid.clone();
            }
        }
        // Upstream changes a namespace's spec.finalizers only through the `finalize`
        // subresource, which the namespace controller calls once the namespace is
        // empty. kubesim has no such subresource: an update may change them only
        // while the namespace is terminating.
        (Object::Namespace(new), Object::Namespace(old)) => {
            if !old.metadata.is_being_deleted() {
                new.spec = old.spec.clone();
            }
        }
        _ => {}
    }
}

/// Built-in PriorityClasses every cluster has (`scheduling.SystemPriorityClasses`).
const SYSTEM_PRIORITY_CLASSES: [(&str, i32); 2] = [
    ("system-node-critical", 2_000_001_000),
    ("system-cluster-critical", 2_000_000_000),
];

/// The Priority admission plugin: `spec.priority` from the named PriorityClass (or the
/// global default class, else 0) and its preemptionPolicy (default PreemptLowerPriority).
fn resolve_priority(
    pod_object: &mut crate::model::pod::Pod,
    api: &ApiServer,
) -> Result<(), ApiError> {
    let class_type = lookup_kind_name("PriorityClass").expect("PriorityClass is served");
    let spec = pod_object
        .spec
        .get_or_insert_with(Default::default)
        .make_mut();
    let class_name = spec.priority_class_name.clone().unwrap_or_default();
    let class_fields = |generic: &GenericObject| {
        let value = generic
            .body
            .get("value")
            .and_then(serde_json::Value::as_i64)
            .and_then(|v| i32::try_from(v).ok())
            .unwrap_or(0);
        let preemption = generic
            .body
            .get("preemptionPolicy")
            .and_then(serde_json::Value::as_str)
            .map(str::to_string);
        (value, preemption)
    };
    let (priority, preemption) = if class_name.is_empty() {
        api.list(class_type, None)
            .find_map(|object| match object.as_ref() {
                Object::Generic(generic)
                    if generic.body.get("globalDefault")
                        == Some(&serde_json::Value::Bool(true)) =>
                {
                    Some((class_fields(generic), generic.metadata.name().to_string()))
                }
                _ => None,
            })
            .map(|(fields, name)| {
                spec.priority_class_name = Some(name);
                fields
            })
            .unwrap_or((0, None))
    } else if let Some(Object::Generic(generic)) =
        api.get_ref(class_type, "", &class_name).map(AsRef::as_ref)
    {
        class_fields(generic)
    } else if let Some((_, value)) = SYSTEM_PRIORITY_CLASSES
        .iter()
        .find(|(name, _)| *name == class_name)
    {
        (*value, None)
    } else {
        return Err(ApiError::Forbidden(format!(
            "pods \"{}\" is forbidden: no PriorityClass with name {class_name} was found",
            pod_object.metadata.name()
        )));
    };
    if let Some(given) = spec.priority
        && given != priority
    {
        return Err(ApiError::Forbidden(format!(
            "pods \"{}\" is forbidden: the integer value of priority ({given}) must not be provided in pod spec; priority admission controller computed {priority} from the given PriorityClass name",
            pod_object.metadata.name()
        )));
    }
    spec.priority = Some(priority);
    spec.preemption_policy = Some(
        spec.preemption_policy
            .clone()
            .or(preemption)
            .unwrap_or_else(|| "PreemptLowerPriority".to_string()),
    );
    Ok(())
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
