//! `ValidateObjectMeta`: name, namespace, labels and annotations of every object.
//! Upstream: `staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go` and
//! the name functions each kind's validation passes in.

use crate::model::Object;
use crate::model::validation::{
    FieldError, NameRule, is_dns1123_label, render_str, validate_annotations, validate_labels,
    validate_object_meta_name_field,
};

/// How a kind's names are checked.
enum NameCheck {
    Rule(NameRule),
    /// `path.ValidatePathSegmentName`: RBAC names such as `system:controller:x`.
    PathSegment,
}

fn name_check(object: &Object) -> NameCheck {
    let resource_type = object.resource_type();
    match (resource_type.group, resource_type.kind) {
        ("", "Service") => NameCheck::Rule(NameRule::Dns1035Label),
        ("", "Namespace") => NameCheck::Rule(NameRule::Dns1123Label),
        ("rbac.authorization.k8s.io", _) => NameCheck::PathSegment,
        _ => NameCheck::Rule(NameRule::Dns1123Subdomain),
    }
}

/// `path.IsValidPathSegmentName`.
fn path_segment_messages(name: &str) -> Vec<String> {
    if name == "." || name == ".." {
        return vec![format!("may not be '{name}'")];
    }
    let mut messages = Vec::new();
    for illegal in ["/", "%"] {
        if name.contains(illegal) {
            messages.push(format!("may not contain '{illegal}'"));
        }
    }
    messages
}

pub fn validate_object_meta(object: &Object) -> Vec<FieldError> {
    let meta = object.metadata();
    let generate_name = meta.generate_name.as_deref().unwrap_or("");
    let mut errors = match name_check(object) {
        NameCheck::Rule(rule) => validate_object_meta_name_field(meta.name(), generate_name, rule),
        NameCheck::PathSegment => {
            let mut errors = Vec::new();
            if meta.name().is_empty() {
                errors.push(FieldError::required(
                    "metadata.name",
                    "name or generateName is required",
                ));
            }
            for message in path_segment_messages(meta.name()) {
                errors.push(FieldError::invalid(
                    "metadata.name",
                    render_str(meta.name()),
                    message,
                ));
            }
            errors
        }
    };
    if object.resource_type().namespaced {
        let namespace = meta.namespace();
        if namespace.is_empty() {
            errors.push(FieldError::required("metadata.namespace", ""));
        } else {
            for message in is_dns1123_label(namespace) {
                errors.push(FieldError::invalid(
                    "metadata.namespace",
                    render_str(namespace),
                    message,
                ));
            }
        }
    } else if !meta.namespace().is_empty() {
        errors.push(FieldError::forbidden(
            "metadata.namespace",
            "not allowed on this type",
        ));
    }
    if let Some(labels) = &meta.labels {
        errors.extend(validate_labels(labels, "metadata.labels"));
    }
    if let Some(annotations) = &meta.annotations {
        errors.extend(validate_annotations(annotations, "metadata.annotations"));
    }
    // `ValidateFinalizers`: each a qualified name (reported at the list, as upstream
    // does), and not both garbage-collection policies at once.
    let finalizers = meta.finalizers();
    for finalizer in finalizers {
        for message in crate::model::validation::is_qualified_name(finalizer) {
            errors.push(FieldError::invalid(
                "metadata.finalizers",
                render_str(finalizer),
                message,
            ));
        }
    }
    let has = |name: &str| finalizers.iter().any(|f| f == name);
    if has("orphan") && has("foregroundDeletion") {
        errors.push(FieldError::invalid(
            "metadata.finalizers",
            crate::model::validation::render_str_slice(Some(finalizers)),
            "finalizer orphan and foregroundDeletion cannot be both set",
        ));
    }
    errors
}
