//! The etcd of the simulation: a versioned object store with a watch log.
//!
//! Every write takes the next value of one global, strictly increasing revision,
//! which becomes the object's `metadata.resourceVersion`. Every write is also
//! appended to a bounded watch log, so a watcher can resume from any revision
//! that has not been compacted away, as with etcd.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use crate::model::Object;
use crate::model::registry::{RESOURCE_TYPES, ResourceType};

/// Where an object lives: its type, namespace ("" when cluster-scoped) and name.
/// Ordered by type, then namespace, then name, so a kind or a namespace is a range.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ObjectKey {
    type_index: u16,
    pub namespace: String,
    pub name: String,
}

impl Ord for ObjectKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.type_index
            .cmp(&other.type_index)
            .then_with(|| compare_bytes(self.namespace.as_bytes(), other.namespace.as_bytes()))
            .then_with(|| compare_bytes(self.name.as_bytes(), other.name.as_bytes()))
    }
}

impl PartialOrd for ObjectKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The byte-wise (so `String`'s) order of two short texts, eight bytes at a time and
/// inline: keys are compared on every store, queue and timer lookup, and for names of
/// a few dozen bytes a call to `memcmp` costs more than the comparison.
#[inline]
fn compare_bytes(left: &[u8], right: &[u8]) -> Ordering {
    let shared = left.len().min(right.len());
    let mut offset = 0;
    while offset + 8 <= shared {
        let word = |text: &[u8]| {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(&text[offset..offset + 8]);
            u64::from_be_bytes(bytes)
        };
        let (a, b) = (word(left), word(right));
        if a != b {
            return a.cmp(&b);
        }
        offset += 8;
    }
    while offset < shared {
        if left[offset] != right[offset] {
            return left[offset].cmp(&right[offset]);
        }
        offset += 1;
    }
    left.len().cmp(&right.len())
}

impl ObjectKey {
    pub fn new(resource_type: &'static ResourceType, namespace: &str, name: &str) -> Self {
        let namespace = if resource_type.namespaced {
            namespace
        } else {
            ""
        };
        ObjectKey {
            type_index: resource_type.index() as u16,
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    pub fn of(object: &Object) -> Self {
        ObjectKey::new(object.resource_type(), object.namespace(), object.name())
    }

    pub fn resource_type(&self) -> &'static ResourceType {
        &RESOURCE_TYPES[usize::from(self.type_index)]
    }

    /// The smallest key of a type (and namespace), to start a range scan.
    fn range_start(resource_type: &'static ResourceType, namespace: Option<&str>) -> Self {
        ObjectKey {
            type_index: resource_type.index() as u16,
            namespace: namespace.unwrap_or("").to_string(),
            name: String::new(),
        }
    }
}

impl std::fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let resource = self.resource_type().group_resource();
        if self.namespace.is_empty() {
            write!(f, "{resource}/{}", self.name)
        } else {
            write!(f, "{resource}/{}/{}", self.namespace, self.name)
        }
    }
}

/// The type of a watch event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum WatchEventType {
    Added,
    Modified,
    Deleted,
}

impl WatchEventType {
    pub fn as_str(self) -> &'static str {
        match self {
            WatchEventType::Added => "ADDED",
            WatchEventType::Modified => "MODIFIED",
            WatchEventType::Deleted => "DELETED",
        }
    }
}

/// One entry of the watch log. For `Deleted`, `object` is the last state the
/// object had, with the deletion's revision as its resourceVersion.
#[derive(Clone, Debug)]
pub struct WatchEvent {
    pub event_type: WatchEventType,
    pub revision: u64,
    pub object: Arc<Object>,
}

/// The versioned store. It checks nothing about the objects themselves:
/// admission, validation and concurrency checks happen in the API server above it.
#[derive(Clone, Debug)]
pub struct Store {
    objects: BTreeMap<ObjectKey, Arc<Object>>,
    revision: u64,
    log: VecDeque<WatchEvent>,
    log_capacity: usize,
    /// The oldest revision a watch may start from: events after it are all in the log.
    compacted_revision: u64,
    uid_index: BTreeMap<String, ObjectKey>,
    /// Owner uid → keys of the objects whose ownerReferences name it.
    dependents: BTreeMap<String, BTreeSet<ObjectKey>>,
    /// (type, namespace) → keys of namespaced objects without a controller
    /// ownerReference: the orphans a controller may adopt, without a full scan.
    /// Events are left out: they are the bulk of writes and nothing adopts them.
    controllerless: BTreeMap<(u16, String), BTreeSet<ObjectKey>>,
}

impl Store {
    /// A store whose watch log keeps the last `log_capacity` events.
    pub fn new(log_capacity: usize) -> Self {
        Store {
            objects: BTreeMap::new(),
            revision: 0,
            log: VecDeque::new(),
            log_capacity: log_capacity.max(1),
            compacted_revision: 0,
            uid_index: BTreeMap::new(),
            dependents: BTreeMap::new(),
            controllerless: BTreeMap::new(),
        }
    }

    /// The latest revision written (the list resourceVersion).
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    pub fn get(&self, key: &ObjectKey) -> Option<&Arc<Object>> {
        self.objects.get(key)
    }

    pub fn get_by_uid(&self, uid: &str) -> Option<&Arc<Object>> {
        self.uid_index
            .get(uid)
            .and_then(|key| self.objects.get(key))
    }

    /// Objects of one type, in one namespace or all, in key order.
    pub fn range<'a>(
        &'a self,
        resource_type: &'static ResourceType,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Arc<Object>> + 'a {
        let namespace = if resource_type.namespaced {
            namespace
        } else {
            None
        };
        let start = ObjectKey::range_start(resource_type, namespace);
        let type_index = start.type_index;
        self.objects
            .range(start..)
            .take_while(move |(key, _)| {
                key.type_index == type_index
                    && namespace.is_none_or(|namespace| key.namespace == namespace)
            })
            .map(|(_, object)| object)
    }

    /// Every object, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&ObjectKey, &Arc<Object>)> {
        self.objects.iter()
    }

    /// Keys of the objects that list `owner_uid` among their ownerReferences.
    pub fn dependents_of(&self, owner_uid: &str) -> impl Iterator<Item = &ObjectKey> {
        self.dependents.get(owner_uid).into_iter().flatten()
    }

    /// Keys of the objects of `resource_type` in `namespace` that have no controller
    /// ownerReference (orphans), in key order. Always empty for Events and for
    /// cluster-scoped kinds.
    pub fn without_controller<'a>(
        &'a self,
        resource_type: &'static ResourceType,
        namespace: &str,
    ) -> impl Iterator<Item = &'a ObjectKey> + 'a {
        self.controllerless
            .get(&(resource_type.index() as u16, namespace.to_string()))
            .into_iter()
            .flatten()
    }

    /// Writes `object` (new or replacing) at the next revision and logs the event.
    /// Returns the stored object with its new resourceVersion.
    pub fn put(&mut self, object: Object) -> Arc<Object> {
        let key = ObjectKey::of(&object);
        self.put_at(key, object)
    }

    /// [`Store::put`] for a caller that has the object's key at hand.
    pub fn put_at(&mut self, key: ObjectKey, mut object: Object) -> Arc<Object> {
        debug_assert_eq!(key, ObjectKey::of(&object));
        self.revision += 1;
        object.metadata_mut().resource_version = Some(self.revision.to_string());
        let object = Arc::new(object);
        let previous = self.objects.insert(key.clone(), Arc::clone(&object));
        match &previous {
            // Most writes (status, Lease renewals) leave what the indexes hold alone.
            Some(previous) if Self::same_index_entries(previous.metadata(), object.metadata()) => {}
            Some(previous) => {
                self.unindex(&key, previous);
                self.index(&key, &object);
            }
            None => self.index(&key, &object),
        }
        let event_type = if previous.is_some() {
            WatchEventType::Modified
        } else {
            WatchEventType::Added
        };
        self.append(event_type, Arc::clone(&object));
        object
    }

    /// Removes the object at `key` at the next revision and logs the deletion.
    pub fn remove(&mut self, key: &ObjectKey) -> Option<Arc<Object>> {
        let previous = self.objects.remove(key)?;
        self.unindex(key, &previous);
        self.revision += 1;
        let mut last_state = (*previous).clone();
        last_state.metadata_mut().resource_version = Some(self.revision.to_string());
        let last_state = Arc::new(last_state);
        self.append(WatchEventType::Deleted, Arc::clone(&last_state));
        Some(last_state)
    }

    /// Events with a revision greater than `after`, or `None` when some of them
    /// were compacted away (the watcher must relist, as with a 410 Gone).
    pub fn events_after(&self, after: u64) -> Option<impl Iterator<Item = &WatchEvent>> {
        if after < self.compacted_revision {
            return None;
        }
        // Every write appends one event at the next revision, so the log's revisions are
        // consecutive and the first event after `after` is found by subtraction. Callers
        // may pass u64::MAX as "seen everything" (the playground does), hence saturating.
        let first = match self.log.front() {
            Some(front) => usize::try_from(after.saturating_add(1).saturating_sub(front.revision))
                .unwrap_or(usize::MAX)
                .min(self.log.len()),
            None => 0,
        };
        debug_assert_eq!(
            first,
            self.log.partition_point(|event| event.revision <= after)
        );
        Some(self.log.range(first..))
    }

    /// The oldest revision a watch can start from.
    pub fn compacted_revision(&self) -> u64 {
        self.compacted_revision
    }

    fn append(&mut self, event_type: WatchEventType, object: Arc<Object>) {
        debug_assert!(
            self.log
                .back()
                .is_none_or(|last| last.revision < self.revision)
        );
        self.log.push_back(WatchEvent {
            event_type,
            revision: self.revision,
            object,
        });
        while self.log.len() > self.log_capacity {
            if let Some(dropped) = self.log.pop_front() {
                self.compacted_revision = dropped.revision;
            }
        }
    }

    fn index(&mut self, key: &ObjectKey, object: &Object) {
        let meta = object.metadata();
        if let Some(uid) = &meta.uid {
            self.uid_index.insert(uid.clone(), key.clone());
        }
        for owner in meta.owner_references() {
            self.dependents
                .entry(owner.uid.clone())
                .or_default()
                .insert(key.clone());
        }
        if Self::tracks_controllerless(key, meta) {
            self.controllerless
                .entry((key.type_index, key.namespace.clone()))
                .or_default()
                .insert(key.clone());
        }
    }

    /// True when two versions of an object have the same uid, ownerReferences and
    /// controller, so that every index entry of one is an entry of the other.
    fn same_index_entries(
        previous: &crate::model::ObjectMeta,
        next: &crate::model::ObjectMeta,
    ) -> bool {
        previous.uid == next.uid && previous.owner_references == next.owner_references
    }

    fn tracks_controllerless(key: &ObjectKey, meta: &crate::model::ObjectMeta) -> bool {
        let resource_type = key.resource_type();
        resource_type.namespaced && resource_type.kind != "Event" && meta.controller_ref().is_none()
    }

    fn unindex(&mut self, key: &ObjectKey, object: &Object) {
        let meta = object.metadata();
        if let Some(uid) = &meta.uid
            && self.uid_index.get(uid) == Some(key)
        {
            self.uid_index.remove(uid);
        }
        for owner in meta.owner_references() {
            if let Some(set) = self.dependents.get_mut(&owner.uid) {
                set.remove(key);
                if set.is_empty() {
                    self.dependents.remove(&owner.uid);
                }
            }
        }
        if Self::tracks_controllerless(key, meta) {
            let slot = (key.type_index, key.namespace.clone());
            if let Some(set) = self.controllerless.get_mut(&slot) {
                set.remove(key);
                if set.is_empty() {
                    self.controllerless.remove(&slot);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_order_as_their_texts_do() {
        let texts = [
            "",
            "a",
            "ab",
            "abcdefgh",
            "abcdefghi",
            "abcdefgi",
            "worker-1",
            "worker-10",
            "worker-2",
            "web-5f7d8c9b4-abcde",
            "web-5f7d8c9b4-abcdf",
            "kube-node-lease",
            "kube-system",
            "\u{e9}t\u{e9}",
            "zzzzzzzzzzzzzzzzz",
        ];
        for left in texts {
            for right in texts {
                assert_eq!(
                    compare_bytes(left.as_bytes(), right.as_bytes()),
                    left.cmp(right),
                    "{left:?} vs {right:?}"
                );
            }
        }
    }

    #[test]
    fn events_after_the_last_revision_or_beyond_are_none_left() {
        let mut store = Store::new(10);
        assert_eq!(store.events_after(u64::MAX).map(Iterator::count), Some(0));
        let mut namespace = crate::model::namespace::Namespace::default();
        namespace.metadata.name = Some("dev".to_string());
        store.put(Object::Namespace(Box::new(namespace)));
        assert_eq!(store.events_after(0).map(Iterator::count), Some(1));
        assert_eq!(store.events_after(1).map(Iterator::count), Some(0));
        // The playground's "seen everything" marker must not overflow.
        assert_eq!(store.events_after(u64::MAX).map(Iterator::count), Some(0));
    }
}
