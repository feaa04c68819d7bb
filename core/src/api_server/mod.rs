//! The API server: the only door to the cluster's state.
//!
//! Every read and write of simulated state goes through here, as it does in
//! Kubernetes: create, get, list, update, update-status, merge patch, delete and
//! watch, with admission (defaulting and validation), optimistic concurrency on
//! `resourceVersion`, generation tracking, graceful deletion and finalizers.
//! Upstream: `staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go`.

pub mod admission;
pub mod allocators;
pub mod binding;
pub mod defaulting;
pub mod errors;
pub mod eviction;
pub mod field_selector;
pub mod lease_manager;
pub mod lessor;
pub mod names;
pub mod patch;
pub mod store;
pub mod validation;

use std::sync::Arc;

pub use errors::ApiError;
pub use store::{ObjectKey, Store, WatchEvent, WatchEventType};

use crate::model::registry::ResourceType;
use crate::model::{Object, Time};
use crate::rng::SimRng;
use crate::time::SimTime;

/// How long an Event lives after its last write: `--event-ttl`, one hour by default
/// (`cmd/kube-apiserver/app/options/options.go`). The Event registry gives every
/// create and update this TTL (`pkg/registry/core/event/storage/storage.go`), and
/// etcd deletes the Event when the lease it was written with expires
/// ([`lease_manager`]: up to a minute later).
pub const EVENT_TTL_SECONDS: i64 = 3600;

/// The TTL of a kind's objects, if its registry sets one: only Events have one.
fn ttl_seconds(resource_type: &ResourceType) -> Option<i64> {
    (resource_type.kind == "Event" && resource_type.group.is_empty()).then_some(EVENT_TTL_SECONDS)
}

/// The finalizer the garbage collector honours for `propagationPolicy: Orphan`.
pub const FINALIZER_ORPHAN: &str = "orphan";
/// The finalizer the garbage collector honours for `propagationPolicy: Foreground`.
pub const FINALIZER_FOREGROUND: &str = "foregroundDeletion";

/// How a delete treats the object's dependents (`metav1.DeletionPropagation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PropagationPolicy {
    /// Dependents lose their ownerReference to the object and live on.
    Orphan,
    /// The object goes at once; the garbage collector deletes dependents afterwards.
    Background,
    /// The object stays, being deleted, until its blocking dependents are gone.
    Foreground,
}

impl PropagationPolicy {
    pub fn parse(text: &str) -> Option<PropagationPolicy> {
        match text {
            "Orphan" => Some(PropagationPolicy::Orphan),
            "Background" => Some(PropagationPolicy::Background),
            "Foreground" => Some(PropagationPolicy::Foreground),
            _ => None,
        }
    }

    /// The registry's default when a request names no policy
    /// (`DefaultGarbageCollectionPolicy` of each strategy): batch/v1 Jobs and core
    /// ReplicationControllers orphan for backward compatibility; everything else
    /// deletes dependents in the background.
    pub fn default_for(resource_type: &ResourceType) -> PropagationPolicy {
        match (resource_type.group, resource_type.kind) {
            ("batch", "Job") | ("", "ReplicationController") => PropagationPolicy::Orphan,
            _ => PropagationPolicy::Background,
        }
    }
}

/// `metav1.DeleteOptions`, as far as the simulation acts on it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeleteOptions {
    pub propagation_policy: Option<PropagationPolicy>,
    /// None means the object's own default (a pod's terminationGracePeriodSeconds).
    pub grace_period_seconds: Option<i64>,
    pub precondition_uid: Option<String>,
    pub precondition_resource_version: Option<String>,
}

/// What a delete did.
#[derive(Clone, Debug)]
pub enum DeleteOutcome {
    /// The object is gone from the store.
    Deleted(Arc<Object>),
    /// The object now has a deletionTimestamp and waits for finalizers or for its
    /// grace period (a pod's kubelet finishes the deletion).
    Pending(Arc<Object>),
}

impl DeleteOutcome {
    pub fn object(&self) -> &Arc<Object> {
        match self {
            DeleteOutcome::Deleted(object) | DeleteOutcome::Pending(object) => object,
        }
    }
}

/// The API server with its store, the simulation's clock reading and its RNG
/// (which names and uids are drawn from).
#[derive(Clone, Debug)]
pub struct ApiServer {
    store: Store,
    now: SimTime,
    rng: SimRng,
    pub(crate) cluster_ips: allocators::ClusterIpAllocator,
    pub(crate) node_ports: allocators::NodePortAllocator,
    lease_manager: lease_manager::LeaseManager,
}

impl ApiServer {
    pub fn new(now: SimTime, rng: SimRng, watch_log_capacity: usize) -> Self {
        ApiServer {
            store: Store::new(watch_log_capacity),
            now,
            rng,
            cluster_ips: allocators::ClusterIpAllocator::default(),
            node_ports: allocators::NodePortAllocator::default(),
            lease_manager: lease_manager::LeaseManager::default(),
        }
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Moves the server's clock reading. Time never goes backwards.
    pub(crate) fn set_now(&mut self, now: SimTime) {
        debug_assert!(now >= self.now, "time went backwards");
        self.now = self.now.max(now);
    }

    pub fn rng(&mut self) -> &mut SimRng {
        &mut self.rng
    }

    /// The RNG's current position, for fingerprints.
    pub fn rng_state(&self) -> &SimRng {
        &self.rng
    }

    /// Read-only access to the store, for informers and snapshots.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The latest resourceVersion (what a list returns as its own).
    pub fn resource_version(&self) -> u64 {
        self.store.revision()
    }

    /// Creates an object. The server assigns uid, resourceVersion, creationTimestamp,
    /// generation and (from `generateName`) the name, applies defaults and validates.
    pub fn create(&mut self, object: Object) -> Result<Arc<Object>, ApiError> {
        // A rejected create changes nothing, not even the RNG's position (the uid
        // and generated name are drawn before admission can refuse).
        let rng_before = self.rng.clone();
        let result = self.create_admitted(object);
        if result.is_err() {
            self.rng = rng_before;
        }
        result
    }

    fn create_admitted(&mut self, mut object: Object) -> Result<Arc<Object>, ApiError> {
        let resource_type = object.resource_type();
        if resource_type.namespaced && object.metadata().namespace().is_empty() {
            object.metadata_mut().namespace = Some("default".to_string());
        }
        if !resource_type.namespaced {
            object.metadata_mut().namespace = None;
        }
        if object.metadata().name().is_empty()
            && let Some(base) = object
                .metadata()
                .generate_name
                .clone()
                .filter(|base| !base.is_empty())
        {
            object.metadata_mut().name = Some(names::generate_name(&base, &mut self.rng));
        }
        // System fields come before admission, as in upstream's BeforeCreate, so
        // that validation can use the uid (a Job's generated selector does).
        let uid = names::new_uid(&mut self.rng);
        let now = self.now;
        let meta = object.metadata_mut();
        meta.uid = Some(uid);
        meta.creation_timestamp = Some(Time(now.truncated_to_seconds()));
        meta.deletion_timestamp = None;
        meta.deletion_grace_period_seconds = None;
        meta.generation = if resource_type.tracks_generation {
            Some(1)
        } else {
            None
        };
        meta.resource_version = None;
        meta.self_link = None;
        admission::admit_create(&mut object, self)?;
        let key = ObjectKey::of(&object);
        if self.store.get(&key).is_some() {
            admission::release(&object, self);
            return Err(ApiError::AlreadyExists {
                resource: resource_type.group_resource(),
                name: object.name().to_string(),
            });
        }
        Ok(self.put_with_ttl(key, object))
    }

    /// Stores a create or an update: with a lease when the kind has a TTL, so that
    /// etcd deletes the object when the lease expires (upstream's `Create` and
    /// `Update` of `registry/generic/registry/store.go` ask `TTLFunc`).
    fn put_with_ttl(&mut self, key: ObjectKey, object: Object) -> Arc<Object> {
        match ttl_seconds(key.resource_type()) {
            Some(ttl) => {
                let lease = self.lease_manager.get_lease(&mut self.store, self.now, ttl);
                self.store.put_with_lease(key, object, lease)
            }
            None => self.store.put_at(key, object),
        }
    }

    /// When the next etcd lease expires, taking its objects with it.
    pub fn next_lease_expiry(&self) -> Option<SimTime> {
        self.store.next_lease_expiry()
    }

    /// Deletes the objects of the first lease expired by now, as etcd's lessor does
    /// when it revokes the lease (no admission: etcd deletes them under the API
    /// server, whose watch reports them as deleted). Returns what it deleted, or
    /// `None` when no lease has expired.
    pub(crate) fn revoke_expired_lease(&mut self) -> Option<Vec<Arc<Object>>> {
        let keys = self.store.revoke_expired_lease(self.now)?;
        Some(keys.iter().filter_map(|key| self.remove(key)).collect())
    }

    /// The object at (type, namespace, name), or NotFound.
    pub fn get(
        &self,
        resource_type: &'static ResourceType,
        namespace: &str,
        name: &str,
    ) -> Result<Arc<Object>, ApiError> {
        self.get_ref(resource_type, namespace, name)
            .map(Arc::clone)
            .ok_or_else(|| ApiError::NotFound {
                resource: resource_type.group_resource(),
                name: name.to_string(),
            })
    }

    /// A borrowed read, without the refcount bump of [`ApiServer::get`].
    pub fn get_ref(
        &self,
        resource_type: &'static ResourceType,
        namespace: &str,
        name: &str,
    ) -> Option<&Arc<Object>> {
        self.store.get_parts(resource_type, namespace, name)
    }

    /// The object with this uid, for owner lookups; Events are not indexed by uid.
    pub fn get_by_uid(&self, uid: &str) -> Option<&Arc<Object>> {
        self.store.get_by_uid(uid)
    }

    /// Objects of a type, in one namespace or (None) in all, in name order.
    pub fn list<'a>(
        &'a self,
        resource_type: &'static ResourceType,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Arc<Object>> + 'a {
        self.store.range(resource_type, namespace)
    }

    /// A list request: objects of a type in one namespace or all, filtered by a
    /// label and a field selector, in name order. An unsupported field is a
    /// BadRequest, worded as the API server words it.
    pub fn list_selected(
        &self,
        resource_type: &'static ResourceType,
        namespace: Option<&str>,
        labels: &crate::model::selector::Selector,
        fields: &field_selector::FieldSelector,
    ) -> Result<Vec<Arc<Object>>, ApiError> {
        fields.check_supported(resource_type.kind).map_err(|error| {
            let (group, version) = (resource_type.group, resource_type.version);
            ApiError::BadRequest(format!(
                "Unable to find \"{group}/{version}, Resource={}\" that match label selector \"{labels}\", field selector \"{}\": {error}",
                resource_type.plural,
                fields
                    .requirements()
                    .iter()
                    .map(|r| format!("{}{}{}", r.field, if r.equal { "=" } else { "!=" }, r.value))
                    .collect::<Vec<_>>()
                    .join(",")
            ))
        })?;
        Ok(self
            .list(resource_type, namespace)
            .filter(|object| {
                labels.matches(object.metadata().labels_or_empty()) && fields.matches(object)
            })
            .map(Arc::clone)
            .collect())
    }

    /// Replaces an object's spec and metadata. The stored status is kept for kinds
    /// with a status subresource. A stale resourceVersion is a Conflict; a write
    /// that changes nothing is not a write (no new resourceVersion).
    pub fn update(&mut self, object: Object) -> Result<Arc<Object>, ApiError> {
        self.write(object, WriteKind::Update)
    }

    /// Replaces only the status (the `/status` subresource).
    pub fn update_status(&mut self, object: Object) -> Result<Arc<Object>, ApiError> {
        self.write(object, WriteKind::Status)
    }

    fn write(
        &mut self,
        mut object: Object,
        write_kind: WriteKind,
    ) -> Result<Arc<Object>, ApiError> {
        let resource_type = object.resource_type();
        if resource_type.namespaced && object.metadata().namespace().is_empty() {
            object.metadata_mut().namespace = Some("default".to_string());
        }
        let key = ObjectKey::of(&object);
        let not_found = || ApiError::NotFound {
            resource: resource_type.group_resource(),
            name: key.name.to_string(),
        };
        let current = Arc::clone(self.store.get(&key).ok_or_else(not_found)?);
        if let Some(version) = object
            .metadata()
            .resource_version
            .as_deref()
            .filter(|v| !v.is_empty())
            && Some(version) != current.metadata().resource_version.as_deref()
        {
            return Err(ApiError::stale(&resource_type.group_resource(), &key.name));
        }
        let mut next = match write_kind {
            WriteKind::Update => {
                if resource_type.has_status {
                    object.status_from(&current);
                }
                admission::admit_update(&mut object, &current, self)?;
                object
            }
            WriteKind::Status if resource_type.kind != "Deployment" => {
                let mut next = with_status_of(&current, object);
                admission::admit_status_update(&mut next, &current, self)?;
                next
            }
            WriteKind::Status => {
                let mut next = (*current).clone();
                next.status_from(&object);
                // A Deployment's status strategy resets only spec and labels
                // (pkg/registry/apps/deployment/strategy.go): the controller writes
                // its revision annotation with the status, without a generation bump.
                if resource_type.kind == "Deployment" {
                    next.metadata_mut().annotations = object.metadata().annotations.clone();
                }
                admission::admit_status_update(&mut next, &current, self)?;
                next
            }
        };
        // Server-owned metadata cannot be changed by a client.
        let current_meta = current.metadata();
        let generation = current_meta.generation;
        {
            let meta = next.metadata_mut();
            meta.uid = current_meta.uid.clone();
            meta.creation_timestamp = current_meta.creation_timestamp;
            meta.deletion_timestamp = current_meta.deletion_timestamp;
            meta.deletion_grace_period_seconds = current_meta.deletion_grace_period_seconds;
            meta.generation = generation;
            meta.resource_version = current_meta.resource_version.clone();
            meta.self_link = None;
        }
        if resource_type.tracks_generation && write_kind == WriteKind::Update {
            // Deployments also count annotation changes (pkg/registry/apps/deployment/strategy.go):
            // that is how the legacy rollback annotation started a rollout.
            let annotations_changed = resource_type.kind == "Deployment"
                && next.metadata().annotations != current_meta.annotations;
            if !next.same_spec(&current) || annotations_changed {
                next.metadata_mut().generation = Some(generation.unwrap_or(0) + 1);
            }
        }
        if next == *current {
            return Ok(current);
        }
        // An object being deleted goes once its last finalizer is removed and no
        // grace period is pending.
        let meta = next.metadata();
        if meta.is_being_deleted()
            && !blocks_removal(&next)
            && meta.deletion_grace_period_seconds.unwrap_or(0) == 0
        {
            return Ok(self.remove(&key).unwrap_or(current));
        }
        Ok(self.put_with_ttl(key, next))
    }

    /// Sets fields of a stored generic object's `spec`: a kubelet's Lease renewal, the
    /// most frequent write of a quiet cluster (every node, every 10 s). It is the write an
    /// [`ApiServer::update`] of the object with those fields set makes (same
    /// resourceVersion, watch event and stored object): generic kinds have no defaults,
    /// status subresource or generation, and their validation checks only the metadata,
    /// which this keeps as stored. It skips the admission passes and the comparison of
    /// whole objects. Anything else (a typed kind, an object being deleted) takes the
    /// full update path.
    pub fn update_generic_spec<const N: usize>(
        &mut self,
        resource_type: &'static ResourceType,
        namespace: &str,
        name: &str,
        fields: [(&str, serde_json::Value); N],
    ) -> Result<Arc<Object>, ApiError> {
        let Some(current) = self.store.get_parts(resource_type, namespace, name) else {
            return Err(ApiError::NotFound {
                resource: resource_type.group_resource(),
                name: name.to_string(),
            });
        };
        let lean = match current.as_ref() {
            Object::Generic(generic)
                if !resource_type.has_status
                    && !resource_type.tracks_generation
                    && !generic.metadata.is_being_deleted() =>
            {
                Some(generic)
            }
            _ => None,
        };
        let Some(generic) = lean else {
            let mut object = (**current).clone();
            if let Object::Generic(generic) = &mut object {
                set_spec_fields(generic, fields);
            }
            return self.update(object);
        };
        let spec = generic.body.get("spec");
        if fields
            .iter()
            .all(|(field, value)| spec.and_then(|spec| spec.get(*field)) == Some(value))
        {
            return Ok(Arc::clone(current));
        }
        // The new version is built from the stored one's parts, without first copying
        // the spec values it replaces (what `set_spec_fields` on a copy would give).
        // Fields keep their place (as an assignment does, whatever the map's order).
        let mut fields = fields.map(|(field, value)| (field, Some(value)));
        let mut body = serde_json::Map::new();
        if let Some(serde_json::Value::Object(spec)) = spec {
            for (field, value) in spec {
                let replacement = fields
                    .iter_mut()
                    .find(|(replaced, _)| replaced == field)
                    .and_then(|(_, value)| value.take());
                body.insert(field.clone(), replacement.unwrap_or_else(|| value.clone()));
            }
        }
        for (field, value) in fields {
            if let Some(value) = value {
                body.insert(field.to_string(), value);
            }
        }
        let mut next = crate::model::GenericObject {
            resource_type: generic.resource_type,
            api_version: generic.api_version.clone(),
            metadata: generic.metadata.clone(),
            body: generic
                .body
                .iter()
                .filter(|(field, _)| field.as_str() != "spec")
                .map(|(field, value)| (field.clone(), value.clone()))
                .collect(),
        };
        next.body
            .insert("spec".to_string(), serde_json::Value::Object(body));
        let next = Object::Generic(next);
        debug_assert!(validation::validate_update(&next, current).is_empty());
        // The metadata is the stored one's, so the store's indexes stay as they are.
        self.store
            .replace_same_entries(next)
            .ok_or_else(|| ApiError::NotFound {
                resource: resource_type.group_resource(),
                name: name.to_string(),
            })
    }

    /// Applies a JSON merge patch (`kubectl patch --type merge`) to the stored
    /// object and writes the result as an update. The patched object is decoded
    /// strictly, so an unknown field is a BadRequest, as with the real server.
    pub fn patch_merge(
        &mut self,
        resource_type: &'static ResourceType,
        namespace: &str,
        name: &str,
        patch: &serde_json::Value,
    ) -> Result<Arc<Object>, ApiError> {
        let current = self.get(resource_type, namespace, name)?;
        let mut value = current.to_value();
        patch::apply_merge_patch(&mut value, patch);
        // Identity fields cannot be patched away.
        value["apiVersion"] = serde_json::Value::String(resource_type.api_version());
        value["kind"] = serde_json::Value::String(resource_type.kind.to_string());
        let object = crate::model::manifest::decode_object(value, "").map_err(|error| {
            ApiError::BadRequest(error.server_message().unwrap_or_else(|| error.to_string()))
        })?;
        if object.name() != name
            || (resource_type.namespaced && object.namespace() != current.namespace())
        {
            return Err(ApiError::BadRequest(
                "the name of the object and the name in the URL do not match".to_string(),
            ));
        }
        self.update(object)
    }

    /// Deletes an object, honouring finalizers, the propagation policy and (for
    /// pods) graceful termination. Upstream: `store.go` Delete and
    /// `pkg/registry/core/pod/strategy.go` CheckGracefulDelete.
    pub fn delete(
        &mut self,
        resource_type: &'static ResourceType,
        namespace: &str,
        name: &str,
        options: &DeleteOptions,
    ) -> Result<DeleteOutcome, ApiError> {
        let key = ObjectKey::new(resource_type, namespace, name);
        let current = Arc::clone(self.store.get(&key).ok_or_else(|| ApiError::NotFound {
            resource: resource_type.group_resource(),
            name: name.to_string(),
        })?);
        let current_meta = current.metadata();
        if let Some(uid) = &options.precondition_uid
            && Some(uid) != current_meta.uid.as_ref()
        {
            return Err(ApiError::Conflict {
                resource: resource_type.group_resource(),
                name: name.to_string(),
                detail: format!(
                    "Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                    current_meta.uid()
                ),
            });
        }
        if let Some(version) = &options.precondition_resource_version
            && Some(version) != current_meta.resource_version.as_ref()
        {
            return Err(ApiError::stale(&resource_type.group_resource(), name));
        }

        let grace_seconds =
            admission::deletion_grace_period(&current, options.grace_period_seconds);
        let policy = options.propagation_policy.unwrap_or_else(|| {
            // An object already being deleted keeps the policy its finalizers recorded.
            if current_meta.has_finalizer(FINALIZER_ORPHAN) {
                PropagationPolicy::Orphan
            } else if current_meta.has_finalizer(FINALIZER_FOREGROUND) {
                PropagationPolicy::Foreground
            } else {
                PropagationPolicy::default_for(resource_type)
            }
        });
        let mut finalizers: Vec<String> = current_meta.finalizers().to_vec();
        finalizers.retain(|f| f != FINALIZER_ORPHAN && f != FINALIZER_FOREGROUND);
        match policy {
            PropagationPolicy::Orphan => finalizers.push(FINALIZER_ORPHAN.to_string()),
            PropagationPolicy::Foreground => finalizers.push(FINALIZER_FOREGROUND.to_string()),
            PropagationPolicy::Background => {}
        }
        // Only objects that have dependents need the GC's finalizers.
        let has_dependents = self
            .store
            .dependents_of(current_meta.uid())
            .next()
            .is_some();
        if !has_dependents && policy != PropagationPolicy::Foreground {
            finalizers.retain(|f| f != FINALIZER_ORPHAN);
        }
        // Nothing holds the object and no grace period is due (an expired Event, most
        // deletions): it goes now, as below, without a copy that is never stored.
        if finalizers.is_empty()
            && grace_seconds.is_none_or(|grace| grace <= 0)
            && !matches!(current.as_ref(), Object::Namespace(_))
        {
            // Not held here, so that the store can reuse the version it removes when
            // nothing else holds it either.
            drop(current);
            let removed = self.remove(&key).ok_or_else(|| ApiError::NotFound {
                resource: resource_type.group_resource(),
                name: name.to_string(),
            })?;
            return Ok(DeleteOutcome::Deleted(removed));
        }
        let mut next = (*current).clone();
        next.metadata_mut().finalizers = if finalizers.is_empty() {
            None
        } else {
            Some(finalizers)
        };

        let now = self.now;
        let meta = next.metadata_mut();
        let already_deleting = meta.deletion_timestamp.is_some();
        match grace_seconds {
            Some(grace) if grace > 0 => {
                // A shorter grace period may bring a pending deletion forward, never back.
                let deadline =
                    Time((now + crate::time::SimDuration::from_secs(grace)).truncated_to_seconds());
                if meta
                    .deletion_timestamp
                    .is_none_or(|existing| deadline < existing)
                {
                    meta.deletion_timestamp = Some(deadline);
                    meta.deletion_grace_period_seconds = Some(grace);
                }
            }
            _ => {
                if !already_deleting {
                    meta.deletion_timestamp = Some(Time(now.truncated_to_seconds()));
                }
                meta.deletion_grace_period_seconds = Some(0);
            }
        }
        let pending_grace = meta.deletion_grace_period_seconds.unwrap_or(0) > 0;
        if let Object::Namespace(namespace) = &mut next
            && namespace_has_spec_finalizers(namespace)
        {
            // A namespace with spec finalizers is emptied by the namespace controller
            // first (pkg/registry/core/namespace/storage/storage.go Delete).
            namespace.status.get_or_insert_with(Default::default).phase =
                Some("Terminating".to_string());
        }
        if !blocks_removal(&next) && !pending_grace {
            let removed = self.remove(&key).unwrap_or(current);
            return Ok(DeleteOutcome::Deleted(removed));
        }
        if next == *current {
            return Ok(DeleteOutcome::Pending(current));
        }
        Ok(DeleteOutcome::Pending(self.store.put(next)))
    }

    /// Removes an object from the store and frees what admission allocated for it.
    fn remove(&mut self, key: &ObjectKey) -> Option<Arc<Object>> {
        let removed = self.store.remove(key)?;
        admission::release(&removed, self);
        Some(removed)
    }

    /// Watch events after `resource_version`, or 410 Gone if they were compacted.
    pub fn watch(&self, resource_version: u64) -> Result<Vec<WatchEvent>, ApiError> {
        match self.store.events_after(resource_version) {
            Some(events) => Ok(events.cloned().collect()),
            None => Err(ApiError::Gone {
                requested: resource_version,
                oldest: self.store.compacted_revision(),
            }),
        }
    }
}

/// What a status write stores before admission: `current` with `object`'s status
/// (`SpecStatus::status_from` on a copy of `current`). For the kinds whose status is
/// written most (a Pod, Node and ReplicaSet are exactly metadata, spec and status),
/// `object` is the base and takes a copy of the current metadata and spec, so the new
/// status is not copied and the replaced one never is.
fn with_status_of(current: &Object, object: Object) -> Object {
    match (current, object) {
        (Object::Pod(current), Object::Pod(mut next)) => {
            next.metadata = current.metadata.clone();
            next.spec = current.spec.clone();
            Object::Pod(next)
        }
        (Object::Node(current), Object::Node(mut next)) => {
            next.metadata = current.metadata.clone();
            next.spec = current.spec.clone();
            Object::Node(next)
        }
        (Object::ReplicaSet(current), Object::ReplicaSet(mut next)) => {
            next.metadata = current.metadata.clone();
            next.spec = current.spec.clone();
            Object::ReplicaSet(next)
        }
        (current, object) => {
            let mut next = current.clone();
            next.status_from(&object);
            next
        }
    }
}

/// Sets `fields` in a generic object's `spec` (made an object if it is not one).
fn set_spec_fields<const N: usize>(
    generic: &mut crate::model::GenericObject,
    fields: [(&str, serde_json::Value); N],
) {
    let spec = generic
        .body
        .entry("spec".to_string())
        .or_insert_with(|| serde_json::json!({}));
    if !spec.is_object() {
        *spec = serde_json::json!({});
    }
    for (field, value) in fields {
        if spec.get(field) != Some(&value) {
            spec[field] = value;
        }
    }
}

/// True while something still holds a deleted object in the store: metadata
/// finalizers, or (for namespaces) the `kubernetes` spec finalizer.
fn blocks_removal(object: &Object) -> bool {
    if !object.metadata().finalizers().is_empty() {
        return true;
    }
    match object {
        Object::Namespace(namespace) => namespace_has_spec_finalizers(namespace),
        _ => false,
    }
}

fn namespace_has_spec_finalizers(namespace: &crate::model::namespace::Namespace) -> bool {
    namespace
        .spec
        .as_ref()
        .and_then(|spec| spec.finalizers.as_ref())
        .is_some_and(|finalizers| !finalizers.is_empty())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WriteKind {
    Update,
    Status,
}
