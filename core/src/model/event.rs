//! `Event` (core/v1) and `ObjectReference`. Upstream:
//! `staging/src/k8s.io/api/core/v1/types.go`.

use serde::{Deserialize, Serialize};

use super::meta::{ObjectMeta, Time};

/// Event has no spec or status; its fields sit at the top level.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Event {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub involved_object: ObjectReference,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<EventSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_timestamp: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_timestamp: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i32>,
    /// `Normal` or `Warning`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// `metav1.MicroTime`: RFC 3339 with microseconds, kept as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
    /// Boxed, as `related` below: rarely set, and the store holds hundreds of thousands
    /// of Events (six per pod), so an unset one costs a pointer, not the whole struct.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<Box<EventSeries>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Boxed: 168 bytes when inline, and almost never set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related: Option<Box<ObjectReference>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporting_component: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporting_instance: Option<String>,
}

impl super::object::SpecStatus for Event {
    /// Everything but metadata.
    fn same_spec(&self, other: &Self) -> bool {
        let strip = |event: &Event| Event {
            metadata: ObjectMeta::default(),
            ..event.clone()
        };
        strip(self) == strip(other)
    }
    /// No status subresource.
    fn status_from(&mut self, _other: &Self) {}
}

kube_struct! {
    pub struct ObjectReference {
        kind: String,
        namespace: String,
        name: String,
        uid: String,
        api_version: String,
        resource_version: String,
        field_path: String,
    }
}

kube_struct! {
    pub struct EventSource {
        component: String,
        host: String,
    }
}

kube_struct! {
    pub struct EventSeries {
        count: i32,
        /// `metav1.MicroTime`, kept as written.
        last_observed_time: String,
    }
}
