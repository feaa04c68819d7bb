//! The kubelet: one per node, as a single controller keyed by pod and by node.
//!
//! Pod keys: the pod worker ([`pod_worker`]) moves the pod's sandbox and containers
//! forward in time; the status ([`status`]) is a pure function of that runtime
//! state, written only when it changed. Node keys: the Lease is renewed every 10 s
//! and the NodeStatus posted when it changed or every 5 min ([`node_status`]).
//!
//! Cost: the kubelet wakes a pod only when something is due (a pull ends, a
//! container exits, a back-off ends, a probe result will flip). A steady pod costs
//! nothing; a steady healthy probe costs nothing. The kubelet skips the watch
//! events of its own status writes.

pub mod backoff;
pub mod environment;
pub mod hosts_file;
pub mod node_status;
pub mod pod_worker;
pub mod prober;
pub mod queries;
pub mod status;

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use crate::api_server::{ApiServer, DeleteOptions, ObjectKey, WatchEvent, WatchEventType};
use crate::controllers::{Action, Controller, ControllerContext, EventType, WorkQueue};
use crate::model::node::Node;
use crate::model::pod::Pod;
use crate::model::registry::lookup_kind_name;
use crate::model::{Object, ObjectMeta, Resource};
use crate::node::image_registry;
use crate::node::runtime::{CachedImage, NodeRuntime, NodeState, SharedRuntime};
use crate::time::SimTime;

use pod_worker::NodeAddresses;

/// The kubelets of every node.
pub struct Kubelet {
    runtime: SharedRuntime,
    /// When each key's pending timer fires, so that a key never has two timers
    /// for the same wake-up.
    wakeups: BTreeMap<ObjectKey, SimTime>,
    /// The resourceVersion of the kubelet's last status write per pod: the watch
    /// event of its own write needs no reconcile.
    own_writes: BTreeMap<ObjectKey, String>,
}

impl Kubelet {
    pub fn new(runtime: SharedRuntime) -> Self {
        Kubelet {
            runtime,
            wakeups: BTreeMap::new(),
            own_writes: BTreeMap::new(),
        }
    }

    /// Asks for a wake-up at `due`, unless an earlier or equal one is pending.
    fn wake_at(&mut self, key: &ObjectKey, due: Option<SimTime>, now: SimTime) -> Action {
        let Some(due) = due else {
            return Action::Done;
        };
        let due = due.max(now);
        match self.wakeups.get_mut(key) {
            Some(existing) => {
                if *existing > now && *existing <= due {
                    return Action::Done;
                }
                *existing = due;
            }
            None => {
                self.wakeups.insert(key.clone(), due);
            }
        }
        Action::RequeueAfter(due - now)
    }

    fn reconcile_node(&mut self, key: &ObjectKey, context: &mut ControllerContext<'_>) -> Action {
        let now = context.now();
        let Some(object) = context
            .api
            .get_ref(key.resource_type(), "", &key.name)
            .cloned()
        else {
            self.runtime.borrow_mut().nodes.remove(&*key.name);
            self.wakeups.remove(key);
            return Action::Done;
        };
        let Object::Node(node) = object.as_ref() else {
            return Action::Done;
        };
        {
            let mut runtime = self.runtime.borrow_mut();
            let state = ensure_node_state(&mut runtime, &key.name);
            if state.failed {
                return Action::Done;
            }
        }
        if let Err(error) = node_status::renew_lease(context.api, node, now) {
            context.trace(format!(
                "kubelet {} failed to renew its lease: {error}",
                key.name
            ));
        }
        let wrote = {
            let mut runtime = self.runtime.borrow_mut();
            let state = ensure_node_state(&mut runtime, &key.name);
            node_status::update_node_status(context.api, node, state, now)
        };
        match wrote {
            Ok(true) => context.trace(format!("kubelet {} posted node status", key.name)),
            Ok(false) => {}
            Err(error) => context.trace(format!(
                "kubelet {} failed to post node status: {error}",
                key.name
            )),
        }
        self.wake_at(key, Some(now + node_status::LEASE_RENEW_INTERVAL), now)
    }

    fn reconcile_pod(&mut self, key: &ObjectKey, context: &mut ControllerContext<'_>) -> Action {
        let now = context.now();
        let Some(object) = context
            .api
            .get_ref(key.resource_type(), &key.namespace, &key.name)
            .cloned()
        else {
            self.forget_pod(&(key.namespace.to_string(), key.name.to_string()));
            self.wakeups.remove(key);
            self.own_writes.remove(key);
            return Action::Done;
        };
        let Object::Pod(pod) = object.as_ref() else {
            return Action::Done;
        };
        let node_name = pod.node_name();
        if node_name.is_empty() {
            return Action::Done;
        }
        let node_type = lookup_kind_name("Node").expect("Node is served");
        let Some(node_object) = context.api.get_ref(node_type, "", node_name).cloned() else {
            // No such node: no kubelet will ever run this pod.
            return Action::Done;
        };
        let Object::Node(node) = node_object.as_ref() else {
            return Action::Done;
        };
        let host_ip = internal_ip_ref(node);
        let pod_cidr_prefix = node
            .spec
            .as_ref()
            .and_then(|s| s.pod_cidr.as_deref())
            .and_then(|cidr| cidr.strip_suffix(".0/24"));
        let addresses = NodeAddresses {
            node_name,
            host_ip,
            pod_cidr_prefix,
        };

        let mut runtime_guard = self.runtime.borrow_mut();
        let runtime = &mut *runtime_guard;
        if !runtime.nodes.contains_key(node_name) {
            create_node_state(runtime, node_name);
        }
        let NodeRuntime {
            nodes,
            pods,
            container_sequence,
            ..
        } = runtime;
        let Some(mut node_state) = nodes.get_mut(node_name) else {
            return Action::Done;
        };
        if node_state.failed {
            return Action::Done;
        }
        let entry = match pods.entry((key.namespace.to_string(), key.name.to_string())) {
            // A pod recreated under the same name is a new pod.
            Entry::Occupied(stale)
                if stale.get().uid != pod.metadata.uid() || stale.get().node != node_name =>
            {
                let (runtime_key, old) = stale.remove_entry();
                if let Some(state) = nodes.get_mut(&old.node) {
                    pod_worker::release_pod(&old, state);
                }
                let Some(state) = nodes.get_mut(node_name) else {
                    return Action::Done;
                };
                node_state = state;
                pods.entry(runtime_key)
            }
            entry => entry,
        };
        let pod_runtime = match entry {
            Entry::Occupied(entry) => entry.into_mut(),
            Entry::Vacant(entry) => {
                let phase = pod.phase();
                if pod.metadata.is_being_deleted() || phase == "Succeeded" || phase == "Failed" {
                    // Nothing ever ran here: a deletion finishes at once.
                    drop(runtime_guard);
                    if pod.metadata.is_being_deleted() {
                        self.finish_deletion(pod, context);
                    }
                    return Action::Done;
                }
                let admitted = pod_worker::admit_pod(pod, node_state, &addresses, now);
                context.trace(format!(
                    "kubelet {node_name} admitted {}/{}",
                    key.namespace, key.name
                ));
                entry.insert(admitted)
            }
        };
        let mut probe_events = Vec::new();
        pod_worker::run_probes(pod, pod_runtime, now, &mut probe_events);
        let api = &*context.api;
        let namespace = pod.metadata.namespace();
        let resolver =
            |query: &crate::node::behaviour::Query| queries::answer(api, namespace, query);
        let mut result = pod_worker::sync(
            pod,
            pod_runtime,
            node_state,
            container_sequence,
            &resolver,
            now,
        );
        let mut events = probe_events;
        events.append(&mut result.events);
        let generated = status::generate(pod, pod_runtime, host_ip, now);
        let terminal = pod_runtime.terminal_phase.is_some();
        drop(runtime_guard);

        if pod.status.as_ref() != Some(&generated) {
            // The status subresource takes only the status: no copy of the spec.
            let next = Pod {
                metadata: ObjectMeta {
                    name: pod.metadata.name.clone(),
                    namespace: pod.metadata.namespace.clone(),
                    ..ObjectMeta::default()
                },
                spec: None,
                status: Some(generated),
            };
            match context.api.update_status(next.into_object()) {
                Ok(written) => {
                    if let Some(version) = written.metadata().resource_version.as_deref() {
                        match self.own_writes.get_mut(key) {
                            Some(own) => version.clone_into(own),
                            None => {
                                self.own_writes.insert(key.clone(), version.to_string());
                            }
                        }
                    }
                }
                Err(error) => context.trace(format!(
                    "kubelet {node_name} failed to update status of {}/{}: {error}",
                    key.namespace, key.name
                )),
            }
        }
        for event in events {
            let event_type = if event.warning {
                EventType::Warning
            } else {
                EventType::Normal
            };
            context.record_event_on_host(
                node_name,
                &object,
                &event.field_path,
                event_type,
                event.reason,
                &event.message,
            );
        }
        for trace in result.traces {
            context.trace(format!(
                "kubelet {node_name} {}/{}: {trace}",
                key.namespace, key.name
            ));
        }
        if result.finish_deletion {
            self.finish_deletion(pod, context);
            return Action::Done;
        }
        if terminal && !pod.metadata.is_being_deleted() {
            return Action::Done;
        }
        self.wake_at(key, result.next_due, now)
    }

    /// The status manager's last step for a pod being deleted whose containers have
    /// all stopped: delete it with grace 0, guarded by its uid.
    fn finish_deletion(&mut self, pod: &Pod, context: &mut ControllerContext<'_>) {
        let options = DeleteOptions {
            grace_period_seconds: Some(0),
            precondition_uid: Some(pod.metadata.uid().to_string()),
            ..DeleteOptions::default()
        };
        let pod_type = Pod::resource_type();
        match context.api.delete(
            pod_type,
            pod.metadata.namespace(),
            pod.metadata.name(),
            &options,
        ) {
            Ok(_) => context.trace(format!(
                "kubelet {} deleted {}/{}",
                pod.node_name(),
                pod.metadata.namespace(),
                pod.metadata.name()
            )),
            Err(error) => context.trace(format!(
                "kubelet {} could not delete {}/{}: {error}",
                pod.node_name(),
                pod.metadata.namespace(),
                pod.metadata.name()
            )),
        }
        let runtime_key = (
            pod.metadata.namespace().to_string(),
            pod.metadata.name().to_string(),
        );
        self.forget_pod(&runtime_key);
    }

    fn forget_pod(&mut self, runtime_key: &(String, String)) {
        let mut runtime = self.runtime.borrow_mut();
        if let Some(old) = runtime.pods.remove(runtime_key)
            && let Some(state) = runtime.nodes.get_mut(&old.node)
        {
            pod_worker::release_pod(&old, state);
        }
    }
}

/// The node's InternalIP.
pub fn internal_ip(node: &Node) -> String {
    internal_ip_ref(node).to_string()
}

/// The node's InternalIP, borrowed ("" when it has none).
pub fn internal_ip_ref(node: &Node) -> &str {
    node.status
        .as_ref()
        .and_then(|s| s.addresses.as_ref())
        .into_iter()
        .flatten()
        .find(|a| a.type_.as_deref() == Some("InternalIP"))
        .and_then(|a| a.address.as_deref())
        .unwrap_or_default()
}

/// The runtime state of a node, created with its preloaded images on first use.
pub fn ensure_node_state<'a>(runtime: &'a mut NodeRuntime, node_name: &str) -> &'a mut NodeState {
    if !runtime.nodes.contains_key(node_name) {
        create_node_state(runtime, node_name);
    }
    runtime
        .nodes
        .get_mut(node_name)
        .expect("the node's state was just created")
}

fn create_node_state(runtime: &mut NodeRuntime, node_name: &str) {
    runtime
        .nodes
        .entry(node_name.to_string())
        .or_insert_with(|| {
            let mut state = NodeState {
                images_changed: true,
                ..NodeState::default()
            };
            for reference in image_registry::preloaded_images() {
                state.images.insert(
                    reference.full_name(),
                    CachedImage {
                        image_id: reference.image_id(),
                        size_bytes: image_registry::size_of(&reference),
                    },
                );
            }
            state
        });
}

impl Controller for Kubelet {
    fn name(&self) -> &'static str {
        "kubelet"
    }

    fn watches(&self) -> crate::controllers::Watches {
        crate::controllers::Watches::Kinds(&["Pod", "Node"])
    }

    fn observe(&mut self, event: &WatchEvent, _api: &ApiServer, queue: &mut WorkQueue) {
        match event.object.as_ref() {
            Object::Pod(pod) => {
                if pod.node_name().is_empty() {
                    return;
                }
                let key = ObjectKey::of(&event.object);
                if event.event_type != WatchEventType::Deleted
                    && self.own_writes.get(&key).map(String::as_str)
                        == event.object.metadata().resource_version.as_deref()
                {
                    return;
                }
                queue.add(key);
            }
            Object::Node(_) if event.event_type != WatchEventType::Modified => {
                queue.add(ObjectKey::of(&event.object));
            }
            _ => {}
        }
    }

    fn resync(&mut self, api: &ApiServer, queue: &mut WorkQueue) {
        for node in api.list(Node::resource_type(), None) {
            queue.add(ObjectKey::of(node));
        }
        for pod in api.list(Pod::resource_type(), None) {
            if let Object::Pod(inner) = pod.as_ref()
                && !inner.node_name().is_empty()
            {
                queue.add(ObjectKey::of(pod));
            }
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, context: &mut ControllerContext<'_>) -> Action {
        match key.resource_type().kind {
            "Node" => self.reconcile_node(key, context),
            "Pod" => self.reconcile_pod(key, context),
            _ => Action::Done,
        }
    }
}
