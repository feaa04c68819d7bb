//! `metav1.ObjectMeta` and friends: what every object carries.
//!
//! Upstream: `staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::Shared;
use crate::time::SimTime;

/// `metav1.Time`: RFC 3339 with second precision on the wire.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Time(pub SimTime);

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        SimTime::parse_rfc3339(&text)
            .map(Time)
            .map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// `metav1.ObjectMeta`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObjectMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generate_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_link: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_grace_period_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Shared between versions (copied on write): every status write and Lease renewal
    /// stores a new version with the same references, and the watch log keeps the old.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_references: Option<Shared<Vec<OwnerReference>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finalizers: Option<Vec<String>>,
    /// Server-side apply bookkeeping: kept as given, never acted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_fields: Option<serde_json::Value>,
}

impl ObjectMeta {
    /// The object's name, or "" before the API server has assigned one.
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }

    /// The object's namespace, or "" for cluster-scoped objects.
    pub fn namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or("")
    }

    pub fn uid(&self) -> &str {
        self.uid.as_deref().unwrap_or("")
    }

    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels.as_ref()?.get(key).map(String::as_str)
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.as_ref()?.get(key).map(String::as_str)
    }

    /// The labels, or an empty map.
    pub fn labels_or_empty(&self) -> &BTreeMap<String, String> {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        self.labels.as_ref().unwrap_or(&EMPTY)
    }

    pub fn set_label(&mut self, key: &str, value: &str) {
        self.labels
            .get_or_insert_with(BTreeMap::new)
            .insert(key.to_string(), value.to_string());
    }

    pub fn set_annotation(&mut self, key: &str, value: &str) {
        self.annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(key.to_string(), value.to_string());
    }

    pub fn owner_references(&self) -> &[OwnerReference] {
        self.owner_references
            .as_ref()
            .map_or(&[], |references| references.as_slice())
    }

    /// The owner reference with `controller: true`, if any (`metav1.GetControllerOf`).
    pub fn controller_ref(&self) -> Option<&OwnerReference> {
        self.owner_references()
            .iter()
            .find(|owner| owner.controller == Some(true))
    }

    pub fn finalizers(&self) -> &[String] {
        self.finalizers.as_deref().unwrap_or(&[])
    }

    pub fn has_finalizer(&self, finalizer: &str) -> bool {
        self.finalizers().iter().any(|f| f == finalizer)
    }

    pub fn is_being_deleted(&self) -> bool {
        self.deletion_timestamp.is_some()
    }

    /// The resourceVersion as the store's integer, if it is one.
    pub fn resource_version_number(&self) -> Option<u64> {
        self.resource_version.as_deref()?.parse().ok()
    }
}

/// `metav1.OwnerReference`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OwnerReference {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub uid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_owner_deletion: Option<bool>,
}

impl OwnerReference {
    /// A controller reference as `metav1.NewControllerRef` makes it:
    /// `controller: true, blockOwnerDeletion: true`.
    pub fn controller_of(api_version: &str, kind: &str, meta: &ObjectMeta) -> Self {
        OwnerReference {
            api_version: api_version.to_string(),
            kind: kind.to_string(),
            name: meta.name().to_string(),
            uid: meta.uid().to_string(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }
    }

    pub fn is_controller(&self) -> bool {
        self.controller == Some(true)
    }
}
