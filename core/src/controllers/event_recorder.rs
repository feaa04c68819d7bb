//! Records Kubernetes Events, as client-go's `tools/record` does.
//!
//! Upstream: `staging/src/k8s.io/client-go/tools/record/{event.go,events_cache.go}`.
//! - An Event lives in its object's namespace, or `default` for cluster-scoped
//!   objects, and is named `<object name>.<hex of the timestamp in nanoseconds>`.
//! - An identical event (same object, type, reason, message and source) is not
//!   created again: the existing one gets `count + 1` and a new `lastTimestamp`.
//! - The API server drops events an hour after their last update (`--event-ttl=1h`);
//!   [`EventTtl`] does that here.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::api_server::{ApiServer, DeleteOptions, ObjectKey, WatchEvent, WatchEventType};
use crate::controllers::{Action, Controller, ControllerContext, WorkQueue};
use crate::model::event::{Event, EventSource, ObjectReference};
use crate::model::{Object, ObjectMeta, Resource, Time};
use crate::time::{SimDuration, SimTime};

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
    /// Identity (see [`identity_key`]) → the stored Event.
    seen: BTreeMap<Arc<str>, Arc<EventTarget>>,
    /// A stored Event → the identities in `seen` that point to it, so that forgetting a
    /// deleted Event is not a scan of every identity.
    by_event: BTreeMap<Arc<EventTarget>, BTreeSet<Arc<str>>>,
    /// Disambiguates events recorded for the same object in the same millisecond.
    sequence: u64,
}

/// What makes two events the same for deduplication (`getEventKey` upstream joins the
/// same fields into one string): the object's uid, the type, reason, message, source
/// component and host, and the field path, as one string so that a lookup builds one
/// key. Each field is prefixed with its length, so no two identities share a key.
fn identity_key(
    uid: &str,
    event_type: EventType,
    reason: &str,
    message: &str,
    source: &EventSourceRef,
    field_path: &str,
) -> String {
    let host = source.host.as_deref();
    let fields = [
        uid,
        event_type.as_str(),
        reason,
        message,
        source.component,
        host.unwrap_or(""),
        field_path,
    ];
    let mut key = String::with_capacity(fields.iter().map(|f| f.len() + 8).sum::<usize>() + 1);
    for field in fields {
        key.push_str(itoa(field.len()).as_str());
        key.push(':');
        key.push_str(field);
    }
    // No host and an empty host are different sources.
    key.push(if host.is_some() { 'h' } else { '-' });
    key
}

/// A length in decimal, without the formatting machinery.
fn itoa(mut value: usize) -> SmallDecimal {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    SmallDecimal { digits, start }
}

struct SmallDecimal {
    digits: [u8; 20],
    start: usize,
}

impl SmallDecimal {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.digits[self.start..]).unwrap_or("0")
    }
}

/// Events are kept this long after their last update.
pub const EVENT_TTL: SimDuration = SimDuration::from_secs(3600);

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
        let meta = object.metadata();
        let now = Time(api.now().truncated_to_seconds());
        let identity = identity_key(meta.uid(), event_type, reason, message, source, field_path);
        if let Some(target) = self.seen.get(identity.as_str()) {
            let (namespace, name) = &**target;
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
            self.unsee(identity.as_str());
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
                component: Some(source.component.to_string()),
                host: source.host.clone(),
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
            let target = Arc::new((namespace.to_string(), name));
            let identity: Arc<str> = Arc::from(identity);
            self.unsee(&identity);
            self.by_event
                .entry(Arc::clone(&target))
                .or_default()
                .insert(Arc::clone(&identity));
            self.seen.insert(identity, target);
        }
    }

    fn unsee(&mut self, identity: &str) {
        if let Some(target) = self.seen.remove(identity)
            && let Some(identities) = self.by_event.get_mut(&target)
        {
            identities.remove(identity);
            if identities.is_empty() {
                self.by_event.remove(&target);
            }
        }
    }

    /// Forgets events that no longer exist, so the cache stays bounded.
    pub fn forget(&mut self, namespace: &str, name: &str) {
        let target = (namespace.to_string(), name.to_string());
        for identity in self.by_event.remove(&target).into_iter().flatten() {
            self.seen.remove(&identity);
        }
    }
}

/// Deletes events one hour after their last update, as the API server's event TTL does.
#[derive(Debug, Default)]
pub struct EventTtl;

impl EventTtl {
    fn expiry(event: &Event) -> Option<SimTime> {
        let last = event
            .last_timestamp
            .or(event.first_timestamp)
            .or(event.metadata.creation_timestamp)?;
        Some(last.0 + EVENT_TTL)
    }
}

impl Controller for EventTtl {
    fn name(&self) -> &'static str {
        "event-ttl"
    }

    fn watches(&self) -> crate::controllers::Watches {
        crate::controllers::Watches::Kinds(&["Event"])
    }

    fn observe(&mut self, event: &WatchEvent, _api: &ApiServer, queue: &mut WorkQueue) {
        if event.event_type != WatchEventType::Deleted && event.object.as_::<Event>().is_some() {
            queue.add(ObjectKey::of(&event.object));
        }
    }

    fn resync(&mut self, api: &ApiServer, queue: &mut WorkQueue) {
        for event in api.list(Event::resource_type(), None) {
            queue.add(ObjectKey::of(event));
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, context: &mut ControllerContext<'_>) -> Action {
        let Some(object) = context.api.store().get(key).map(Arc::clone) else {
            return Action::Done;
        };
        let Some(expiry) = object.as_::<Event>().and_then(EventTtl::expiry) else {
            return Action::Done;
        };
        let now = context.now();
        if expiry > now {
            return Action::RequeueAfter(expiry - now);
        }
        let _ = context.api.delete(
            key.resource_type(),
            &key.namespace,
            &key.name,
            &DeleteOptions::default(),
        );
        context.recorder.forget(&key.namespace, &key.name);
        Action::Done
    }
}
