//! Namespace validation. Upstream: `ValidateNamespace` and `validateFinalizerName` in
//! `pkg/apis/core/validation/validation.go`.

use crate::model::namespace::Namespace;
use crate::model::validation::{FieldError, is_qualified_name, render_str};

/// Finalizers that need no domain (`standardFinalizers`).
const STANDARD_FINALIZERS: [&str; 3] = ["kubernetes", "orphan", "foregroundDeletion"];

pub fn validate_namespace(namespace: &Namespace, errors: &mut Vec<FieldError>) {
    let finalizers = namespace
        .spec
        .as_ref()
        .and_then(|s| s.finalizers.as_deref())
        .unwrap_or(&[]);
    for (index, finalizer) in finalizers.iter().enumerate() {
        let field = format!("spec.finalizers[{index}]");
        let messages = is_qualified_name(finalizer);
        for message in &messages {
            errors.push(FieldError::invalid(
                &field,
                render_str(finalizer),
                message.clone(),
            ));
        }
        if messages.is_empty()
            && !STANDARD_FINALIZERS.contains(&finalizer.as_str())
            && !finalizer.contains('/')
        {
            errors.push(FieldError::invalid(
                &field,
                render_str(finalizer),
                "name is neither a standard finalizer name nor is it fully qualified",
            ));
        }
    }
}
