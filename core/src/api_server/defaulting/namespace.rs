//! Namespace defaults: `SetDefaults_Namespace`, `SetDefaults_NamespaceStatus`
//! (`pkg/apis/core/v1/defaults.go`) and the namespace strategy's `kubernetes` finalizer
//! (`pkg/registry/core/namespace/strategy.go` PrepareForCreate).

use crate::model::namespace::{Namespace, NamespaceSpec, NamespaceStatus};

/// The label every namespace carries with its own name.
pub const METADATA_NAME_LABEL: &str = "kubernetes.io/metadata.name";

pub fn default_namespace(namespace: &mut Namespace) {
    let name = namespace.metadata.name().to_string();
    if !name.is_empty() {
        namespace.metadata.set_label(METADATA_NAME_LABEL, &name);
    }
    let status = namespace
        .status
        .get_or_insert_with(NamespaceStatus::default);
    status.phase.get_or_insert_with(|| "Active".to_string());
}

/// Create only: the strategy sets `spec.finalizers: [kubernetes]` whatever was given.
pub fn prepare_namespace_for_create(namespace: &mut Namespace) {
    let spec = namespace.spec.get_or_insert_with(NamespaceSpec::default);
    let finalizers = spec.finalizers.get_or_insert_with(Vec::new);
    if !finalizers.iter().any(|f| f == "kubernetes") {
        finalizers.push("kubernetes".to_string());
    }
}
