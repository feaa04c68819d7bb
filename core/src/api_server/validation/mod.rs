//! Validation of every simulated kind, with upstream's field paths and messages.
//!
//! Upstream: `pkg/apis/core/validation/validation.go`,
//! `pkg/apis/apps/validation/validation.go`, `pkg/apis/batch/validation/validation.go`
//! and `staging/src/k8s.io/apimachinery/pkg/api/validation`. Values in messages are
//! rendered as Go's `field.Error` renders them (`%q` for strings, `%#v` for structs).

pub mod job;
pub mod namespace;
pub mod node;
pub mod object_meta;
pub mod pod;
pub mod service;
pub mod workloads;

use std::collections::BTreeMap;

use crate::model::Object;
use crate::model::intstr::IntOrString;
use crate::model::selector::LabelSelector;
use crate::model::validation::{
    FieldError, is_dns1123_label, is_qualified_name, render_int, render_str,
};

/// `apimachinery/pkg/api/validation.IsNegativeErrorMsg`.
pub const NEGATIVE_ERROR_MESSAGE: &str = "must be greater than or equal to 0";
/// `apimachinery/pkg/api/validation.FieldImmutableErrorMsg`.
pub const FIELD_IMMUTABLE_MESSAGE: &str = "field is immutable";

/// Everything wrong with a new object (`Validate` of the kind's strategy).
pub fn validate_create(object: &Object) -> Vec<FieldError> {
    let mut errors = object_meta::validate_object_meta(object);
    match object {
        Object::Pod(pod) => pod::validate_pod(pod, &mut errors),
        Object::Deployment(deployment) => workloads::validate_deployment(deployment, &mut errors),
        Object::ReplicaSet(replica_set) => {
            workloads::validate_replica_set(replica_set, &mut errors)
        }
        Object::DaemonSet(daemon_set) => workloads::validate_daemon_set(daemon_set, &mut errors),
        Object::Job(job_object) => job::validate_job(job_object, &mut errors),
        Object::Service(service_object) => service::validate_service(service_object, &mut errors),
        Object::Namespace(namespace_object) => {
            namespace::validate_namespace(namespace_object, &mut errors)
        }
        Object::Node(node_object) => node::validate_node(node_object, &mut errors),
        Object::EndpointSlice(slice) => service::validate_endpoint_slice(slice, &mut errors),
        Object::Endpoints(_) | Object::Event(_) | Object::Generic(_) => {}
    }
    errors
}

/// Everything wrong with an update (`ValidateUpdate` of the kind's strategy): the new
/// object's own validity plus the fields that may not change.
pub fn validate_update(object: &Object, current: &Object) -> Vec<FieldError> {
    let mut errors = validate_create(object);
    match (object, current) {
        (Object::Pod(new), Object::Pod(old)) => pod::validate_pod_update(new, old, &mut errors),
        (Object::Deployment(new), Object::Deployment(old)) => workloads::validate_selector_update(
            new.spec.as_ref().and_then(|s| s.selector.as_ref()),
            old.spec.as_ref().and_then(|s| s.selector.as_ref()),
            &mut errors,
        ),
        (Object::ReplicaSet(new), Object::ReplicaSet(old)) => workloads::validate_selector_update(
            new.spec.as_ref().and_then(|s| s.selector.as_ref()),
            old.spec.as_ref().and_then(|s| s.selector.as_ref()),
            &mut errors,
        ),
        (Object::DaemonSet(new), Object::DaemonSet(old)) => workloads::validate_selector_update(
            new.spec.as_ref().and_then(|s| s.selector.as_ref()),
            old.spec.as_ref().and_then(|s| s.selector.as_ref()),
            &mut errors,
        ),
        (Object::Job(new), Object::Job(old)) => job::validate_job_update(new, old, &mut errors),
        (Object::Service(new), Object::Service(old)) => {
            service::validate_service_update(new, old, &mut errors)
        }
        _ => {}
    }
    errors
}

// ---------------------------------------------------------------------------------------
// Shared checks

/// `ValidateNonnegativeField`.
pub fn validate_nonnegative(value: i64, field: &str, errors: &mut Vec<FieldError>) {
    if value < 0 {
        errors.push(FieldError::invalid(
            field,
            render_int(value),
            NEGATIVE_ERROR_MESSAGE,
        ));
    }
}

/// `validation.InclusiveRangeError`.
pub fn inclusive_range_error(low: i64, high: i64) -> String {
    format!("must be between {low} and {high}, inclusive")
}

/// `validation.IsValidPortNum`.
pub fn is_valid_port_num(port: i64) -> Vec<String> {
    if (1..=65535).contains(&port) {
        Vec::new()
    } else {
        vec![inclusive_range_error(1, 65535)]
    }
}

/// `validation.IsValidPortName` (IANA_SVC_NAME).
pub fn is_valid_port_name(name: &str) -> Vec<String> {
    let mut messages = Vec::new();
    if name.len() > 15 {
        messages.push("must be no more than 15 characters".to_string());
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        messages.push(
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_string(),
        );
    }
    if !name.bytes().any(|b| b.is_ascii_lowercase()) {
        messages.push("must contain at least one letter (a-z)".to_string());
    }
    if name.contains("--") {
        messages.push("must not contain consecutive hyphens".to_string());
    }
    if name.starts_with('-') || name.ends_with('-') {
        messages.push("must not begin or end with a hyphen".to_string());
    }
    messages
}

/// `ValidateDNS1123Label` at a field.
pub fn validate_dns1123_label(value: &str, field: &str, errors: &mut Vec<FieldError>) {
    for message in is_dns1123_label(value) {
        errors.push(FieldError::invalid(field, render_str(value), message));
    }
}

/// `ValidateLabelName`: a label key (qualified name).
pub fn validate_label_name(key: &str, field: &str, errors: &mut Vec<FieldError>) {
    for message in is_qualified_name(key) {
        errors.push(FieldError::invalid(field, render_str(key), message));
    }
}

/// `metav1validation.ValidateLabelSelector`.
pub fn validate_label_selector(
    selector: &LabelSelector,
    field: &str,
    errors: &mut Vec<FieldError>,
) {
    for (index, requirement) in selector
        .match_expressions
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let path = format!("{field}.matchExpressions[{index}]");
        let values = requirement.values.as_deref().unwrap_or(&[]);
        match requirement.operator.as_str() {
            "In" | "NotIn" => {
                if values.is_empty() {
                    errors.push(FieldError::required(
                        format!("{path}.values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if !values.is_empty() {
                    errors.push(FieldError::forbidden(
                        format!("{path}.values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
            other => errors.push(FieldError::invalid(
                format!("{path}.operator"),
                render_str(other),
                "not a valid selector operator",
            )),
        }
        validate_label_name(&requirement.key, &format!("{path}.key"), errors);
    }
    if let Some(labels) = &selector.match_labels {
        errors.extend(crate::model::validation::validate_labels(
            labels,
            &format!("{field}.matchLabels"),
        ));
    }
}

/// Go's `%#v` of a `map[string]string`: `map[string]string{"app":"x"}`, nil as
/// `map[string]string(nil)`. Go prints map keys sorted.
pub fn render_string_map(map: Option<&BTreeMap<String, String>>) -> String {
    match map {
        None => "map[string]string(nil)".to_string(),
        Some(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}:{}", render_str(k), render_str(v)))
                .collect();
            format!("map[string]string{{{}}}", entries.join(", "))
        }
    }
}

/// Go's `%#v` of a `metav1.LabelSelector` value.
pub fn render_label_selector(selector: Option<&LabelSelector>) -> String {
    let Some(selector) = selector else {
        return "null".to_string();
    };
    let expressions = match &selector.match_expressions {
        None => "[]v1.LabelSelectorRequirement(nil)".to_string(),
        Some(list) => {
            let items: Vec<String> = list
                .iter()
                .map(|r| {
                    format!(
                        "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{}}}",
                        render_str(&r.key),
                        render_str(&r.operator),
                        crate::model::validation::render_str_slice(r.values.as_deref())
                    )
                })
                .collect();
            format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
        }
    };
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{}}}",
        render_string_map(selector.match_labels.as_ref()),
        expressions
    )
}

/// Go's `%#v` of an `intstr.IntOrString`: `intstr.IntOrString{Type:1, IntVal:0, StrVal:"0%"}`.
pub fn render_int_or_string(value: Option<&IntOrString>) -> String {
    match value {
        None => "intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}".to_string(),
        Some(IntOrString::Int(int)) => {
            format!("intstr.IntOrString{{Type:0, IntVal:{int}, StrVal:\"\"}}")
        }
        Some(IntOrString::String(text)) => format!(
            "intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}",
            render_str(text)
        ),
    }
}

/// `ValidateImmutableField` for values already rendered.
pub fn validate_immutable<T: PartialEq>(
    new: &T,
    old: &T,
    field: &str,
    rendered_new: impl FnOnce() -> String,
    errors: &mut Vec<FieldError>,
) {
    if new != old {
        errors.push(FieldError::invalid(
            field,
            rendered_new(),
            FIELD_IMMUTABLE_MESSAGE,
        ));
    }
}
