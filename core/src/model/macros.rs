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

/// Quantities as upstream's `Quantity.UnmarshalJSON` takes them: a string or a
/// bare number (`cpu: 1`, `cpu: 0.5`), which is read as its decimal text.
pub(crate) mod quantity_map {
    use std::collections::BTreeMap;
    use std::fmt;

    use serde::de::{self, Deserializer, Visitor};

    use crate::model::quantity::Quantity;

    struct Lenient(Quantity);

    impl<'de> serde::Deserialize<'de> for Lenient {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct QuantityVisitor;
            impl Visitor<'_> for QuantityVisitor {
                type Value = Lenient;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a quantity")
                }
                fn visit_str<E: de::Error>(self, text: &str) -> Result<Lenient, E> {
                    Quantity::parse(text).map(Lenient).map_err(E::custom)
                }
                fn visit_i64<E: de::Error>(self, n: i64) -> Result<Lenient, E> {
                    self.visit_str(&n.to_string())
                }
                fn visit_u64<E: de::Error>(self, n: u64) -> Result<Lenient, E> {
                    self.visit_str(&n.to_string())
                }
                fn visit_f64<E: de::Error>(self, n: f64) -> Result<Lenient, E> {
                    self.visit_str(&n.to_string())
                }
            }
            deserializer.deserialize_any(QuantityVisitor)
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<BTreeMap<String, Quantity>>, D::Error> {
        let map: BTreeMap<String, Lenient> = serde::Deserialize::deserialize(deserializer)?;
        Ok(Some(map.into_iter().map(|(k, v)| (k, v.0)).collect()))
    }
}
