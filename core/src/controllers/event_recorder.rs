//! Records Kubernetes Events, as client-go's `tools/record` does.
//!
//! Upstream: `staging/src/k8s.io/client-go/tools/record/{event.go,events_cache.go}`.
//! - An Event lives in its object's namespace, or `default` for cluster-scoped
//!   objects, and is named `<object name>.<hex of the timestamp in nanoseconds>`.
//! - An identical event (same object, type, reason, message and source) is not
//!   created again: the existing one gets `count + 1` and a new `lastTimestamp`.
//! - The API server writes every Event with a one-hour TTL (`--event-ttl=1h`), and
//!   etcd deletes it when its lease expires ([`crate::api_server::lease_manager`]);
//!   the simulation then calls [`EventRecorder::forget`].

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::api_server::ApiServer;
use crate::model::event::{Event, EventSource, ObjectReference};
use crate::model::memo_key::{length_prefixed_len, push_length_prefixed};
use crate::model::{Object, ObjectMeta, Resource, Time};

/// `Normal` or `Warning`, the two event types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventType {
    Normal,
    Warning,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Normal => "Normal",
            EventType::Warning => "Warning",
        }
    }
}

/// Who reports an event: `deployment-controller`, or `kubelet` on a host.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventSourceRef {
    pub component: &'static str,
    pub host: Option<String>,
}

/// (namespace, name) of a stored Event.
type EventTarget = (String, String);

/// The client-side event cache: which event object each identical event went to.
#[derive(Clone, Debug, Default)]
pub struct EventRecorder {
    /// Identity (see [`identity_key`]) → the stored Event. A deleted Event is forgotten
    /// through its own fields, which hold its identity ([`EventRecorder::forget`]).
    seen: BTreeMap<Identity, EventTarget>,
    /// Disambiguates events recorded for the same object in the same millisecond.
    sequence: u64,
}

/// A key of the event cache: the identity string, ordered by its FNV-1a hash first so
/// that a lookup compares integers held in the tree's nodes and reads a stored string
/// only on a hash tie. The map is never iterated, so its order is not observable.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Identity {
    hash: u64,
    key: String,
}

impl Identity {
    fn new(key: String) -> Self {
        Identity {
            hash: identity_hash(key.as_bytes()),
            key,
        }
    }
}

/// A word-at-a-time hash with FNV's constants: each 8-byte little-endian word (the last
/// one zero-padded, then the length) is mixed in with a multiply and a shift. It is
/// defined byte for byte, so the map's shape is the same on every platform; equal
/// hashes only cost a comparison of the strings.
fn identity_hash(bytes: &[u8]) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET_BASIS;
    let mut words = bytes.chunks_exact(8);
    for word in words.by_ref() {
        let mut buffer = [0u8; 8];
        buffer.copy_from_slice(word);
        hash = (hash ^ u64::from_le_bytes(buffer)).wrapping_mul(PRIME);
        hash ^= hash >> 29;
    }
    let mut buffer = [0u8; 8];
    buffer[..words.remainder().len()].copy_from_slice(words.remainder());
    hash = (hash ^ u64::from_le_bytes(buffer)).wrapping_mul(PRIME);
    hash ^= hash >> 29;
    (hash ^ bytes.len() as u64).wrapping_mul(PRIME)
}

/// What makes two events the same for deduplication (`getEventKey` upstream joins the
/// same fields into one string): the object's uid, the type, reason, message, source
/// component and host, and the field path, as one string so that a lookup builds one
/// key. Each field is prefixed with its length, so no two identities share a key.
fn identity_key(
    uid: &str,
    event_type: &str,
    reason: &str,
    message: &str,
    component: &str,
    host: Option<&str>,
    field_path: &str,
) -> String {
    let fields = [
        uid,
        event_type,
        reason,
        message,
        component,
        host.unwrap_or(""),
        field_path,
    ];
    let length = fields
        .iter()
        .map(|field| length_prefixed_len(field))
        .sum::<usize>()
        + 1;
    let mut key = String::with_capacity(length);
    for field in fields {
        push_length_prefixed(&mut key, field);
    }
    // No host and an empty host are different sources.
    key.push(if host.is_some() { 'h' } else { '-' });
    key
}

impl EventRecorder {
    /// Records an event about `object`.
    pub fn record(
        &mut self,
        api: &mut ApiServer,
        source: &EventSourceRef,
        object: &Object,
        event_type: EventType,
        reason: &str,
        message: &str,
    ) {
        self.record_with_field_path(api, source, object, "", event_type, reason, message);
    }

    /// Records an event about a part of `object`, e.g. `spec.containers{nginx}`.
    pub fn record_with_field_path(
        &mut self,
        api: &mut ApiServer,
        source: &EventSourceRef,
        object: &Object,
        field_path: &str,
        event_type: EventType,
        reason: &str,
        message: &str,
    ) {
        self.record_from(
            api,
            source.component,
            source.host.as_deref(),
            object,
            field_path,
            event_type,
            reason,
            message,
        );
    }

    /// [`EventRecorder::record_with_field_path`] with the source borrowed, so that a
    /// kubelet's event does not copy its host name before it is needed.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record_from(
        &mut self,
        api: &mut ApiServer,
        component: &'static str,
        host: Option<&str>,
        object: &Object,
        field_path: &str,
        event_type: EventType,
        reason: &str,
        message: &str,
    ) {
        let meta = object.metadata();
        let now = Time(api.now().truncated_to_seconds());
        let identity = Identity::new(identity_key(
            meta.uid(),
            event_type.as_str(),
            reason,
            message,
            component,
            host,
            field_path,
        ));
        if let Some((namespace, name)) = self.seen.get(&identity) {
            if let Some(existing) = api
                .get_ref(Event::resource_type(), namespace, name)
                .map(Arc::clone)
                && let Some(event) = existing.as_::<Event>()
            {
                let mut event = event.clone();
                event.count = Some(event.count.unwrap_or(1) + 1);
                event.last_timestamp = Some(now);
                if api.update(Object::Event(Box::new(event))).is_ok() {
                    return;
                }
            }
            self.seen.remove(&identity);
        }
        let namespace = if meta.namespace().is_empty() {
            "default"
        } else {
            meta.namespace()
        };
        self.sequence += 1;
        let nanos =
            (api.now().unix_millis() as u128) * 1_000_000 + u128::from(self.sequence % 1_000_000);
        let name = format!("{}.{nanos:x}", meta.name());
        let resource_type = object.resource_type();
        let event = Event {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                namespace: Some(namespace.to_string()),
                ..ObjectMeta::default()
            },
            involved_object: ObjectReference {
                kind: Some(resource_type.kind.to_string()),
                namespace: (!meta.namespace().is_empty()).then(|| meta.namespace().to_string()),
                name: Some(meta.name().to_string()),
                uid: Some(meta.uid().to_string()),
                api_version: Some(resource_type.api_version()),
                resource_version: meta.resource_version.clone(),
                field_path: (!field_path.is_empty()).then(|| field_path.to_string()),
            },
            reason: Some(reason.to_string()),
            message: Some(message.to_string()),
            source: Some(EventSource {
                component: Some(component.to_string()),
                host: host.map(str::to_string),
            }),
            first_timestamp: Some(now),
            last_timestamp: Some(now),
            count: Some(1),
            type_: Some(event_type.as_str().to_string()),
            event_time: None,
            series: None,
            action: None,
            related: None,
            reporting_component: Some(String::new()),
            reporting_instance: Some(String::new()),
        };
        if api.create(Object::Event(Box::new(event))).is_ok() {
            self.seen.insert(identity, (namespace.to_string(), name));
        }
    }

    /// Forgets a deleted Event, so the cache stays bounded. The Event's own fields hold
    /// the identity it was recorded under (the recorder changes only its count and
    /// timestamps); the identity is forgotten only while it still points to this Event.
    /// An Event whose identifying fields were edited leaves its identity behind, which
    /// the next identical event finds gone and replaces, as a deletion by anyone else does.
    pub fn forget(&mut self, namespace: &str, name: &str, event: &Event) {
        let source = event.source.as_ref();
        let identity = Identity::new(identity_key(
            event.involved_object.uid.as_deref().unwrap_or(""),
            event.type_.as_deref().unwrap_or(""),
            event.reason.as_deref().unwrap_or(""),
            event.message.as_deref().unwrap_or(""),
            source.and_then(|s| s.component.as_deref()).unwrap_or(""),
            source.and_then(|s| s.host.as_deref()),
            event.involved_object.field_path.as_deref().unwrap_or(""),
        ));
        if self
            .seen
            .get(&identity)
            .is_some_and(|(n, m)| n == namespace && m == name)
        {
            self.seen.remove(&identity);
        }
    }
}
