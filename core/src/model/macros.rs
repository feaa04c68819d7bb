//! `kube_struct!`: a Kubernetes API struct where every field is optional.
//!
//! Upstream's Go types tag nearly every field `omitempty`; kubesim keeps absent
//! fields absent (and `[]`/`{}` as written), so each field is an `Option` that is
//! skipped when `None`. Unknown fields are rejected, as the API server's strict
//! field validation does.

macro_rules! kube_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct $name {
            $(
                $(#[$field_meta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
        }
    };
}

/// Implements [`SpecStatus`](crate::model::SpecStatus) for a kind with `spec` and `status`.
macro_rules! spec_status {
    ($type:ty) => {
        impl $crate::model::object::SpecStatus for $type {
            fn same_spec(&self, other: &Self) -> bool {
                self.spec == other.spec
            }
            fn status_from(&mut self, other: &Self) {
                self.status = other.status.clone();
            }
        }
    };
}
