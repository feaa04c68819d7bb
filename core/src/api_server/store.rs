//! The etcd of the simulation: a versioned object store with a watch log.
//!
//! Every write takes the next value of one global, strictly increasing revision,
//! which becomes the object's `metadata.resourceVersion`. Every write is also
//! appended to a bounded watch log, so a watcher can resume from any revision
//! that has not been compacted away, as with etcd.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use super::lessor::{LeaseId, Lessor};
use crate::model::Object;
use crate::model::registry::{RESOURCE_TYPES, ResourceType};
use crate::time::SimTime;

/// Where an object lives: its type, namespace ("" when cluster-scoped) and name.
/// Ordered by type, then namespace, then name, so a kind or a namespace is a range.
///
/// The texts are shared (`Arc<str>`): one key is held by the store's name map, its uid
/// and owner indexes, the lessor, work queues and timers, so a copy is two reference
/// counts, not two allocations (an Event's key had six copies of its name).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ObjectKey {
    type_index: u16,
    pub namespace: Arc<str>,
    pub name: Arc<str>,
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
        ObjectKey {
            type_index: resource_type.index() as u16,
            namespace: Arc::from(stored_namespace(resource_type, namespace)),
            name: Arc::from(name),
        }
    }

    pub fn of(object: &Object) -> Self {
        ObjectKey::new(object.resource_type(), object.namespace(), object.name())
    }

    pub fn resource_type(&self) -> &'static ResourceType {
        &RESOURCE_TYPES[usize::from(self.type_index)]
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

/// Sets a resourceVersion to `revision`, in the text it already has when it has one
/// (a written object is usually a copy of the stored one), so a write allocates no
/// new text for it.
fn set_resource_version(resource_version: &mut Option<String>, revision: u64) {
    use std::fmt::Write as _;
    match resource_version {
        Some(text) => {
            text.clear();
            let _ = write!(text, "{revision}");
        }
        None => *resource_version = Some(revision.to_string()),
    }
}

/// A stored object's key, ordered by its name alone: the key of the map that holds
/// one type and namespace, where only names differ. It is looked up by the name's
/// text (`Borrow<str>`, whose order is the same), so a lookup builds no key.
#[derive(Clone, Debug)]
struct ByName(ObjectKey);

impl PartialEq for ByName {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}

impl Eq for ByName {}

impl Ord for ByName {
    fn cmp(&self, other: &Self) -> Ordering {
        compare_bytes(self.0.name.as_bytes(), other.0.name.as_bytes())
    }
}

impl PartialOrd for ByName {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl std::borrow::Borrow<str> for ByName {
    fn borrow(&self) -> &str {
        &self.0.name
    }
}

/// The values of one type and namespace, by name.
type Names<V> = BTreeMap<ByName, V>;

/// A map keyed by [`ObjectKey`], nested by type (`ResourceType::index`), then
/// namespace ("" when cluster-scoped), then name. That is `ObjectKey`'s order, so
/// iteration yields keys in it; and a lookup goes straight to its type, compares a
/// few namespaces, then names only, from borrowed parts (a map keyed by whole
/// `ObjectKey`s compares the type and the namespace again at every step of every
/// search, and a lookup from an object must first build its key). The store's
/// objects live in one; informer caches keyed by object may use one too.
#[derive(Clone, Debug)]
pub struct KeyMap<V> {
    by_type: Vec<BTreeMap<String, Names<V>>>,
    len: usize,
}

impl<V> Default for KeyMap<V> {
    fn default() -> Self {
        KeyMap {
            by_type: Vec::new(),
            len: 0,
        }
    }
}

/// The namespace a key of `resource_type` holds: none for a cluster-scoped type,
/// whatever the caller passed.
fn stored_namespace<'a>(resource_type: &ResourceType, namespace: &'a str) -> &'a str {
    if resource_type.namespaced {
        namespace
    } else {
        ""
    }
}

impl<V> KeyMap<V> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn clear(&mut self) {
        self.by_type.clear();
        self.len = 0;
    }

    fn get_at(&self, type_index: usize, namespace: &str, name: &str) -> Option<&V> {
        self.by_type.get(type_index)?.get(namespace)?.get(name)
    }

    pub fn get(&self, key: &ObjectKey) -> Option<&V> {
        self.get_at(usize::from(key.type_index), &key.namespace, &key.name)
    }

    /// The value at the key `ObjectKey::new` makes from these parts, without making
    /// it (the namespace of a cluster-scoped type is ignored, as there).
    pub fn get_parts(
        &self,
        resource_type: &'static ResourceType,
        namespace: &str,
        name: &str,
    ) -> Option<&V> {
        self.get_at(
            resource_type.index(),
            stored_namespace(resource_type, namespace),
            name,
        )
    }

    /// The value at `ObjectKey::of(object)`, without making the key.
    pub fn get_of(&self, object: &Object) -> Option<&V> {
        self.get_parts(object.resource_type(), object.namespace(), object.name())
    }

    pub fn get_mut(&mut self, key: &ObjectKey) -> Option<&mut V> {
        self.by_type
            .get_mut(usize::from(key.type_index))?
            .get_mut(&*key.namespace)?
            .get_mut(&*key.name)
    }

    /// [`KeyMap::get_mut`] of `ObjectKey::of(object)`, without making the key.
    pub fn get_mut_of(&mut self, object: &Object) -> Option<&mut V> {
        let resource_type = object.resource_type();
        self.by_type
            .get_mut(resource_type.index())?
            .get_mut(stored_namespace(resource_type, object.namespace()))?
            .get_mut(object.name())
    }

    /// Sets the value at `key`, returning the one it replaces. A replacement keeps
    /// the stored key.
    pub fn insert(&mut self, key: ObjectKey, value: V) -> Option<V> {
        if let Some(stored) = self.get_mut(&key) {
            return Some(std::mem::replace(stored, value));
        }
        let type_index = usize::from(key.type_index);
        if self.by_type.len() <= type_index {
            self.by_type
                .resize_with((type_index + 1).max(RESOURCE_TYPES.len()), BTreeMap::new);
        }
        let namespaces = &mut self.by_type[type_index];
        let names = match namespaces.get_mut(&*key.namespace) {
            Some(names) => names,
            None => namespaces.entry(key.namespace.to_string()).or_default(),
        };
        names.insert(ByName(key), value);
        self.len += 1;
        None
    }

    pub fn remove(&mut self, key: &ObjectKey) -> Option<V> {
        self.remove_at(usize::from(key.type_index), &key.namespace, &key.name)
    }

    /// Removes the value at `ObjectKey::of(object)`, without making the key.
    pub fn remove_of(&mut self, object: &Object) -> Option<V> {
        let resource_type = object.resource_type();
        let namespace = if resource_type.namespaced {
            object.namespace()
        } else {
            ""
        };
        self.remove_at(resource_type.index(), namespace, object.name())
    }

    fn remove_at(&mut self, type_index: usize, namespace: &str, name: &str) -> Option<V> {
        let namespaces = self.by_type.get_mut(type_index)?;
        let names = namespaces.get_mut(namespace)?;
        let removed = names.remove(name)?;
        if names.is_empty() {
            namespaces.remove(namespace);
        }
        self.len -= 1;
        Some(removed)
    }

    /// Every entry, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&ObjectKey, &V)> {
        self.by_type
            .iter()
            .flat_map(|namespaces| namespaces.values())
            .flat_map(|names| names.iter().map(|(key, value)| (&key.0, value)))
    }

    /// The values of one type, in one namespace or all, in key order.
    fn range<'a>(
        &'a self,
        type_index: usize,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = &'a V> + 'a {
        use std::ops::Bound;
        let bounds: (Bound<&str>, Bound<&str>) = match namespace {
            Some(namespace) => (Bound::Included(namespace), Bound::Included(namespace)),
            None => (Bound::Unbounded, Bound::Unbounded),
        };
        self.by_type
            .get(type_index)
            .into_iter()
            .flat_map(move |namespaces| namespaces.range::<str, _>(bounds))
            .flat_map(|(_, names)| names.values())
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
    objects: KeyMap<Arc<Object>>,
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
    /// etcd's leases: the keys that go when their lease expires (Events).
    lessor: Lessor,
}

impl Store {
    /// A store whose watch log keeps the last `log_capacity` events.
    pub fn new(log_capacity: usize) -> Self {
        Store {
            objects: KeyMap::default(),
            revision: 0,
            log: VecDeque::new(),
            log_capacity: log_capacity.max(1),
            compacted_revision: 0,
            uid_index: BTreeMap::new(),
            dependents: BTreeMap::new(),
            controllerless: BTreeMap::new(),
            lessor: Lessor::default(),
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

    /// [`Store::get`] of the key `ObjectKey::new` makes from these parts, without
    /// making it (the namespace of a cluster-scoped type is ignored, as there).
    pub fn get_parts(
        &self,
        resource_type: &'static ResourceType,
        namespace: &str,
        name: &str,
    ) -> Option<&Arc<Object>> {
        self.objects.get_parts(resource_type, namespace, name)
    }

    /// The object with this uid; Events are not indexed (see `indexes_uid`).
    pub fn get_by_uid(&self, uid: &str) -> Option<&Arc<Object>> {
        self.uid_index.get(uid).and_then(|key| self.get(key))
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
        self.objects.range(resource_type.index(), namespace)
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
    pub fn put_at(&mut self, key: ObjectKey, object: Object) -> Arc<Object> {
        self.put_leased(key, object, None)
    }

    /// [`Store::put`] with the key attached to `lease`, so that it goes when the
    /// lease expires (etcd's `Put` with `WithLease`).
    pub fn put_with_lease(
        &mut self,
        key: ObjectKey,
        object: Object,
        lease: LeaseId,
    ) -> Arc<Object> {
        self.put_leased(key, object, Some(lease))
    }

    /// A put attaches the key to `lease`, or, without one, detaches it from any
    /// lease it had, as an etcd put does.
    fn put_leased(
        &mut self,
        key: ObjectKey,
        mut object: Object,
        lease: Option<LeaseId>,
    ) -> Arc<Object> {
        debug_assert_eq!(key, ObjectKey::of(&object));
        match lease {
            Some(lease) => self.lessor.attach(&key, lease),
            None => self.lessor.detach(&key),
        }
        self.revision += 1;
        set_resource_version(&mut object.metadata_mut().resource_version, self.revision);
        let object = Arc::new(object);
        // A replacement keeps the stored key (no copy of its texts).
        let previous = self
            .objects
            .get_mut(&key)
            .map(|stored| std::mem::replace(stored, Arc::clone(&object)));
        match &previous {
            // Most writes (status, Lease renewals) leave what the indexes hold alone.
            Some(previous) if Self::same_index_entries(previous.metadata(), object.metadata()) => {}
            Some(previous) => {
                self.unindex(&key, previous);
                self.index(&key, &object);
            }
            None => {
                self.index(&key, &object);
                self.objects.insert(key, Arc::clone(&object));
            }
        }
        let event_type = if previous.is_some() {
            WatchEventType::Modified
        } else {
            WatchEventType::Added
        };
        self.append(event_type, Arc::clone(&object));
        object
    }

    /// [`Store::put_at`] for the replacement of a stored object with the same uid and
    /// ownerReferences (so no index changes), found from the object's own names, so no
    /// key is built. Writes nothing and returns `None` when nothing is stored there.
    pub fn replace_same_entries(&mut self, mut object: Object) -> Option<Arc<Object>> {
        let revision = self.revision + 1;
        set_resource_version(&mut object.metadata_mut().resource_version, revision);
        let object = Arc::new(object);
        let stored = self.objects.get_mut_of(&object)?;
        self.lessor.detach_of(&object);
        debug_assert!(Self::same_index_entries(
            stored.metadata(),
            object.metadata()
        ));
        *stored = Arc::clone(&object);
        self.revision = revision;
        self.append(WatchEventType::Modified, Arc::clone(&object));
        Some(object)
    }

    /// Removes the object at `key` at the next revision and logs the deletion.
    pub fn remove(&mut self, key: &ObjectKey) -> Option<Arc<Object>> {
        let previous = self.objects.remove(key)?;
        self.unindex(key, &previous);
        self.lessor.detach(key);
        self.revision += 1;
        // The last state carries the deletion's revision. Copied unless nothing else
        // holds the stored version (the watch log has dropped it): then it is reused.
        let mut last_state = previous;
        set_resource_version(
            &mut Arc::make_mut(&mut last_state)
                .metadata_mut()
                .resource_version,
            self.revision,
        );
        self.append(WatchEventType::Deleted, Arc::clone(&last_state));
        Some(last_state)
    }

    /// Grants an etcd lease that expires at `expiry`.
    pub fn grant_lease(&mut self, expiry: SimTime) -> LeaseId {
        self.lessor.grant(expiry)
    }

    /// The lease `key` is attached to, if any.
    pub fn lease_of(&self, key: &ObjectKey) -> Option<LeaseId> {
        self.lessor.lease_of(key)
    }

    /// When the next lease expires.
    pub fn next_lease_expiry(&self) -> Option<SimTime> {
        self.lessor.next_expiry()
    }

    /// Leases granted and not yet revoked.
    pub fn lease_count(&self) -> usize {
        self.lessor.len()
    }

    /// Revokes the first lease expired at `now` and returns the keys still attached
    /// to it, for the caller to delete; `None` when no lease has expired.
    pub(crate) fn revoke_expired_lease(&mut self, now: SimTime) -> Option<Vec<ObjectKey>> {
        self.lessor.revoke_expired(now).map(|(_, keys)| keys)
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
        if let Some(uid) = &meta.uid
            && Self::indexes_uid(key)
        {
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
                .entry((key.type_index, key.namespace.to_string()))
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

    /// Events stay out of the uid index: they are six per pod, and nothing looks one
    /// up by uid (the garbage collector finds owners by kind and name, as upstream).
    fn indexes_uid(key: &ObjectKey) -> bool {
        key.resource_type().kind != "Event"
    }

    fn tracks_controllerless(key: &ObjectKey, meta: &crate::model::ObjectMeta) -> bool {
        let resource_type = key.resource_type();
        resource_type.namespaced && resource_type.kind != "Event" && meta.controller_ref().is_none()
    }

    fn unindex(&mut self, key: &ObjectKey, object: &Object) {
        let meta = object.metadata();
        if let Some(uid) = &meta.uid
            && Self::indexes_uid(key)
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
            let slot = (key.type_index, key.namespace.to_string());
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
    fn key_maps_keep_the_order_and_lookups_of_object_keys() {
        let kinds = ["Pod", "Node", "Namespace", "Lease", "Event"];
        let texts = [
            "",
            "a",
            "ab",
            "abcdefghi",
            "worker-1",
            "worker-10",
            "worker-2",
        ];
        let mut expected: BTreeMap<ObjectKey, usize> = BTreeMap::new();
        let mut map: KeyMap<usize> = KeyMap::default();
        let mut value = 0;
        for kind in kinds {
            let resource_type = crate::model::registry::lookup_kind_name(kind).expect("served");
            for namespace in texts {
                for name in texts.iter().rev() {
                    let key = ObjectKey::new(resource_type, namespace, name);
                    value += 1;
                    assert_eq!(map.insert(key.clone(), value), expected.insert(key, value));
                }
            }
        }
        assert_eq!(map.len(), expected.len());
        let listed: Vec<(&ObjectKey, &usize)> = map.iter().collect();
        let wanted: Vec<(&ObjectKey, &usize)> = expected.iter().collect();
        assert_eq!(listed, wanted);
        let pod = crate::model::registry::lookup_kind_name("Pod").expect("served");
        let node = crate::model::registry::lookup_kind_name("Node").expect("served");
        assert_eq!(
            map.get_parts(node, "ignored", "worker-1"),
            expected.get(&ObjectKey::new(node, "", "worker-1"))
        );
        let in_namespace: Vec<&usize> = map.range(pod.index(), Some("ab")).collect();
        let wanted: Vec<&usize> = expected
            .iter()
            .filter(|(key, _)| key.resource_type() == pod && &*key.namespace == "ab")
            .map(|(_, value)| value)
            .collect();
        assert_eq!(in_namespace, wanted);
        for (key, _) in expected.clone() {
            assert_eq!(map.remove(&key), expected.remove(&key));
            assert_eq!(map.get(&key), None);
        }
        assert!(map.is_empty());
        assert_eq!(map.iter().count(), 0);
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
