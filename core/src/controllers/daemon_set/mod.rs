//! The DaemonSet controller: one pod on every eligible node.
//!
//! Upstream: `pkg/controller/daemon/daemon_controller.go` (syncDaemonSet, manage,
//! podsShouldBeOnNode, syncNodes, updateDaemonSetStatus), `update.go` ([`update`],
//! [`history`]) and `util/daemonset_util.go` ([`eligibility`]).
//! - For each node, [`eligibility::node_should_run_daemon_pod`] decides: a node that
//!   should run a pod and has none gets one; a node that should not continue running
//!   loses its pods; a failed pod is deleted (Warning `FailedDaemonPod` "Found failed
//!   daemon pod <ns>/<name> on node <node>, will try to kill it") with a per-node
//!   backoff from 1 s doubling to 15 min; a succeeded pod is deleted (`SucceededDaemonPod`);
//!   of several running pods the oldest stays.
//! - Pods are stamped from the template with the `controller-revision-hash` and
//!   `pod-template-generation` labels and the daemon tolerations, pinned to their node
//!   with required node affinity `matchFields metadata.name`; the scheduler binds them.
//! - RollingUpdate replaces old pods within maxUnavailable (or surges within maxSurge);
//!   OnDelete only creates pods of the current template where pods are missing.
//! - Status: desired, current, ready, available, updated, misscheduled and unavailable
//!   numbers and observedGeneration, written only when changed.
//!
//! Differences on purpose: nodes are visited in name order (upstream iterates a Go map);
//! `pod-template-generation` is `metadata.generation` (upstream keeps a separate
//! template generation that moves only with the template); the store is read directly,
//! so expectations are not needed. As upstream, the pods bound to a node that no
//! longer exists are left to the pod garbage collector ([`crate::controllers::pod_gc`]);
//! unscheduled ones pinned to it are deleted here (getUnscheduledPodsWithoutNode).

pub mod eligibility;
pub mod history;
pub mod update;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::api_server::{ApiServer, ObjectKey, WatchEvent, WatchEventType};
use crate::controllers::controller_utils::{
    SLOW_START_INITIAL_BATCH_SIZE, claim, claim_candidates, controller_ref, delete_pod,
    pod_from_template, slow_start_batch,
};
use crate::controllers::{Action, Controller, ControllerContext, EventType, WorkQueue};
use crate::model::daemon_set::{DaemonSet, DaemonSetStatus};
use crate::model::node::Node;
use crate::model::pod::Pod;
use crate::model::pod_util::{is_pod_available, is_pod_ready};
use crate::model::selector::label_selector_as_selector;
use crate::model::{Object, Resource};
use crate::time::{SimDuration, SimTime};

use eligibility::{DaemonPodFit, add_daemon_tolerations, pin_to_node, target_node_name};
use history::{REVISION_HASH_LABEL, cleanup_history, construct_history};
use update::{NodeUpdateState, pods_to_replace, surge_plan, update_budget};

/// `pod-template-generation`, the deprecated template generation label.
pub const TEMPLATE_GENERATION_LABEL: &str = "pod-template-generation";
/// The DaemonSet controller's `BurstReplicas`.
pub const DAEMON_BURST_REPLICAS: usize = 250;
const FAILED_POD_BACKOFF_INITIAL: SimDuration = SimDuration::from_secs(1);
const FAILED_POD_BACKOFF_MAX: SimDuration = SimDuration::from_mins(15);

/// The parts of a node that decide where daemon pods run.
#[derive(Clone, Debug, PartialEq)]
struct NodeDigest {
    labels: BTreeMap<String, String>,
    taints: Vec<crate::model::node::Taint>,
}

/// The DaemonSet controller.
#[derive(Debug, Default)]
pub struct DaemonSetController {
    nodes: BTreeMap<String, NodeDigest>,
    /// `failedPodsBackoff`: (DaemonSet uid, node) → (current delay, last update).
    failed_pods_backoff: BTreeMap<(String, String), (SimDuration, SimTime)>,
}

/// `podByCreationTimestampAndPhase`: scheduled first, then oldest, then by name.
fn oldest_first(pods: &mut [&Pod]) {
    pods.sort_by(|a, b| {
        let scheduled = |p: &Pod| p.node_name().is_empty();
        scheduled(a)
            .cmp(&scheduled(b))
            .then(
                a.metadata
                    .creation_timestamp
                    .cmp(&b.metadata.creation_timestamp),
            )
            .then(a.metadata.name().cmp(b.metadata.name()))
    });
}

fn is_pod_updated(pod: &Pod, hash: &str, generation: Option<i64>) -> bool {
    let hash_matches = !hash.is_empty() && pod.metadata.label(REVISION_HASH_LABEL) == Some(hash);
    let generation_matches = generation.is_some_and(|g| {
        pod.metadata.label(TEMPLATE_GENERATION_LABEL) == Some(g.to_string().as_str())
    });
    hash_matches || generation_matches
}

impl Controller for DaemonSetController {
    fn name(&self) -> &'static str {
        "daemonset-controller"
    }

    fn watches(&self) -> crate::controllers::Watches {
        crate::controllers::Watches::Kinds(&["DaemonSet", "Pod", "Node"])
    }

    fn observe(&mut self, event: &WatchEvent, api: &ApiServer, queue: &mut WorkQueue) {
        let deleted = event.event_type == WatchEventType::Deleted;
        match &*event.object {
            Object::DaemonSet(_) => {
                if !deleted {
                    queue.add(ObjectKey::of(&event.object));
                }
            }
            Object::Pod(pod) => {
                if let Some(owner) = pod.metadata.controller_ref()
                    && owner.kind == "DaemonSet"
                {
                    queue.add(ObjectKey::new(
                        DaemonSet::resource_type(),
                        pod.metadata.namespace(),
                        &owner.name,
                    ));
                }
            }
            Object::Node(node) => {
                // Only a new or deleted node, or a label or taint change, can change
                // where daemon pods belong; heartbeats do not.
                let name = node.metadata.name().to_string();
                let digest = NodeDigest {
                    labels: node.metadata.labels_or_empty().clone(),
                    taints: node.taints().to_vec(),
                };
                let changed = if deleted {
                    self.nodes.remove(&name).is_some()
                } else {
                    self.nodes.insert(name, digest.clone()).as_ref() != Some(&digest)
                };
                if changed {
                    for daemon_set in api.list(DaemonSet::resource_type(), None) {
                        queue.add(ObjectKey::of(daemon_set));
                    }
                }
            }
            _ => {}
        }
    }

    fn resync(&mut self, api: &ApiServer, queue: &mut WorkQueue) {
        self.nodes.clear();
        for object in api.list(Node::resource_type(), None) {
            if let Some(node) = object.as_::<Node>() {
                self.nodes.insert(
                    node.metadata.name().to_string(),
                    NodeDigest {
                        labels: node.metadata.labels_or_empty().clone(),
                        taints: node.taints().to_vec(),
                    },
                );
            }
        }
        for daemon_set in api.list(DaemonSet::resource_type(), None) {
            queue.add(ObjectKey::of(daemon_set));
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, context: &mut ControllerContext<'_>) -> Action {
        let Some(object) = context.api.store().get(key).map(Arc::clone) else {
            return Action::Done;
        };
        let Some(daemon_set) = object.as_::<DaemonSet>() else {
            return Action::Done;
        };
        if daemon_set.metadata.is_being_deleted() {
            return Action::Done;
        }
        self.sync(&object, daemon_set, context)
    }
}

impl DaemonSetController {
    /// The DaemonSet's pods by target node (deleted terminal pods left out).
    fn pods_by_node(
        object: &Object,
        daemon_set: &DaemonSet,
        context: &mut ControllerContext<'_>,
    ) -> BTreeMap<String, Vec<Arc<Object>>> {
        let selector = daemon_set
            .spec
            .as_ref()
            .and_then(|s| s.selector.as_ref())
            .map(|s| label_selector_as_selector(Some(s)))
            .and_then(Result::ok)
            .unwrap_or_else(crate::model::selector::Selector::nothing);
        let candidates = claim_candidates(context.api, &daemon_set.metadata, Pod::resource_type());
        let claimed = claim(context.api, object, &selector, candidates, |_| true).claimed;
        let mut by_node: BTreeMap<String, Vec<Arc<Object>>> = BTreeMap::new();
        for pod_object in claimed {
            let Some(pod) = pod_object.as_::<Pod>() else {
                continue;
            };
            if pod.metadata.is_being_deleted() && matches!(pod.phase(), "Succeeded" | "Failed") {
                continue;
            }
            let node = target_node_name(pod).unwrap_or_default();
            by_node.entry(node).or_default().push(pod_object);
        }
        by_node
    }

    fn sync(
        &mut self,
        object: &Arc<Object>,
        daemon_set: &DaemonSet,
        context: &mut ControllerContext<'_>,
    ) -> Action {
        let now = context.now();
        let (hash, old_revisions) = construct_history(object, daemon_set, context);
        let nodes: Vec<Arc<Object>> = context
            .api
            .list(Node::resource_type(), None)
            .cloned()
            .collect();
        let node_list: Vec<&Node> = nodes.iter().filter_map(|o| o.as_::<Node>()).collect();
        let by_node = Self::pods_by_node(object, daemon_set, context);
        let spec = daemon_set.spec.clone().unwrap_or_default();
        let min_ready_seconds = spec.min_ready_seconds.unwrap_or(0);
        let fit = DaemonPodFit::of(daemon_set);
        // `AllowsSurge`: maxSurge resolved against one node is not zero.
        let allows_surge = update_budget(daemon_set, 1).0 > 0;
        let mut requeue: Option<SimDuration> = None;
        let mut want_requeue = |delay: SimDuration| {
            requeue = Some(requeue.map_or(delay, |r: SimDuration| r.min(delay)));
        };

        // manage: which nodes need a pod, which pods must go.
        let mut nodes_needing_pods: Vec<String> = Vec::new();
        let mut pods_to_delete: Vec<(String, String)> = Vec::new();
        let ds_uid = daemon_set.metadata.uid().to_string();
        for node in &node_list {
            let name = node.metadata.name();
            let (should_run, should_continue) = fit.should_run(node);
            let pods: Vec<&Pod> = by_node
                .get(name)
                .into_iter()
                .flatten()
                .filter_map(|o| o.as_::<Pod>())
                .collect();
            let exists = !pods.is_empty();
            if should_run && !exists {
                nodes_needing_pods.push(name.to_string());
            } else if should_continue {
                let mut running: Vec<&Pod> = Vec::new();
                for pod in pods {
                    if pod.metadata.is_being_deleted() {
                        continue;
                    }
                    match pod.phase() {
                        "Failed" => {
                            let backoff_key = (ds_uid.clone(), name.to_string());
                            let entry = self.failed_pods_backoff.get(&backoff_key).copied();
                            if let Some((delay, since)) = entry
                                && now - since < delay
                            {
                                want_requeue(delay - (now - since));
                                continue;
                            }
                            let next_delay =
                                entry.map_or(FAILED_POD_BACKOFF_INITIAL, |(d, since)| {
                                    if (now - since).as_millis()
                                        > 2 * FAILED_POD_BACKOFF_MAX.as_millis()
                                    {
                                        FAILED_POD_BACKOFF_INITIAL
                                    } else {
                                        SimDuration::from_millis(d.as_millis() * 2)
                                            .min(FAILED_POD_BACKOFF_MAX)
                                    }
                                });
                            self.failed_pods_backoff
                                .insert(backoff_key, (next_delay, now));
                            context.record_event(
                                object,
                                EventType::Warning,
                                "FailedDaemonPod",
                                &format!(
                                    "Found failed daemon pod {}/{} on node {name}, will try to kill it",
                                    pod.metadata.namespace(),
                                    pod.metadata.name()
                                ),
                            );
                            pods_to_delete.push((
                                pod.metadata.namespace().to_string(),
                                pod.metadata.name().to_string(),
                            ));
                        }
                        "Succeeded" => {
                            context.record_event(
                                object,
                                EventType::Normal,
                                "SucceededDaemonPod",
                                &format!(
                                    "Found succeeded daemon pod {}/{} on node {name}, will try to delete it",
                                    pod.metadata.namespace(),
                                    pod.metadata.name()
                                ),
                            );
                            pods_to_delete.push((
                                pod.metadata.namespace().to_string(),
                                pod.metadata.name().to_string(),
                            ));
                        }
                        _ => running.push(pod),
                    }
                }
                oldest_first(&mut running);
                if !allows_surge {
                    for pod in running.iter().skip(1) {
                        pods_to_delete.push((
                            pod.metadata.namespace().to_string(),
                            pod.metadata.name().to_string(),
                        ));
                    }
                } else {
                    // Keep the oldest new and the oldest old pod; the old one goes once
                    // it is not ready or the new one is available.
                    let mut oldest_new: Option<&Pod> = None;
                    let mut oldest_old: Option<&Pod> = None;
                    for pod in running {
                        let slot = if pod.metadata.label(REVISION_HASH_LABEL) == Some(hash.as_str())
                        {
                            &mut oldest_new
                        } else {
                            &mut oldest_old
                        };
                        if slot.is_none() {
                            *slot = Some(pod);
                        } else {
                            pods_to_delete.push((
                                pod.metadata.namespace().to_string(),
                                pod.metadata.name().to_string(),
                            ));
                        }
                    }
                    if let (Some(new), Some(old)) = (oldest_new, oldest_old)
                        && (!is_pod_ready(old) || is_pod_available(new, min_ready_seconds, now))
                    {
                        pods_to_delete.push((
                            old.metadata.namespace().to_string(),
                            old.metadata.name().to_string(),
                        ));
                    }
                }
            } else if exists {
                for pod in pods.iter().filter(|p| !p.metadata.is_being_deleted()) {
                    pods_to_delete.push((
                        pod.metadata.namespace().to_string(),
                        pod.metadata.name().to_string(),
                    ));
                }
            }
        }
        // getUnscheduledPodsWithoutNode: unscheduled pods pinned to a node that no
        // longer exists; PodGC only takes bound ones.
        let existing: BTreeSet<&str> = node_list.iter().map(|n| n.metadata.name()).collect();
        for (node, pods) in &by_node {
            if existing.contains(node.as_str()) {
                continue;
            }
            for pod in pods {
                let bound = pod.as_::<Pod>().is_some_and(|p| !p.node_name().is_empty());
                if !bound && !pod.metadata().is_being_deleted() {
                    pods_to_delete.push((pod.namespace().to_string(), pod.name().to_string()));
                }
            }
        }
        let managed = self.sync_nodes(
            object,
            daemon_set,
            &hash,
            &pods_to_delete,
            &nodes_needing_pods,
            context,
        );

        // The rolling update runs once the manage step has nothing to do.
        let strategy = spec
            .update_strategy
            .as_ref()
            .and_then(|s| s.type_.as_deref())
            .unwrap_or("RollingUpdate");
        if !managed && strategy == "RollingUpdate" {
            let by_node = Self::pods_by_node(object, daemon_set, context);
            let desired_nodes: Vec<&str> = node_list
                .iter()
                .filter(|n| fit.should_run(n).0)
                .map(|n| n.metadata.name())
                .collect();
            let (max_surge, max_unavailable) =
                update_budget(daemon_set, desired_nodes.len() as i32);
            let mut node_names: BTreeSet<String> = by_node.keys().cloned().collect();
            node_names.extend(desired_nodes.iter().map(|n| n.to_string()));
            node_names.remove("");
            let generation = daemon_set.metadata.generation;
            let states: Vec<(String, NodeUpdateState)> = node_names
                .into_iter()
                .map(|node| {
                    let pods: Vec<&Pod> = by_node
                        .get(&node)
                        .into_iter()
                        .flatten()
                        .filter_map(|o| o.as_::<Pod>())
                        .filter(|p| !p.metadata.is_being_deleted())
                        .collect();
                    let (new, old): (Vec<&Pod>, Vec<&Pod>) = pods
                        .into_iter()
                        .partition(|p| is_pod_updated(p, &hash, generation));
                    let state = match (new.as_slice(), old.as_slice()) {
                        (n, o) if n.len() > 1 || o.len() > 1 => NodeUpdateState::Unclean,
                        ([], []) => NodeUpdateState::InTransition,
                        ([new], [old]) => {
                            if max_surge > 0 {
                                NodeUpdateState::Surged {
                                    old_pod: old.metadata.name().to_string(),
                                    new_available: is_pod_available(new, min_ready_seconds, now),
                                }
                            } else {
                                NodeUpdateState::InTransition
                            }
                        }
                        ([new], []) => NodeUpdateState::Updated {
                            available: is_pod_available(new, min_ready_seconds, now),
                        },
                        (_, [old]) => NodeUpdateState::Old {
                            pod: old.metadata.name().to_string(),
                            available: is_pod_available(old, min_ready_seconds, now),
                        },
                        _ => NodeUpdateState::InTransition,
                    };
                    (node, state)
                })
                .collect();
            let namespace = daemon_set.metadata.namespace().to_string();
            if max_surge == 0 {
                let plain: Vec<NodeUpdateState> = states.into_iter().map(|(_, s)| s).collect();
                let delete: Vec<(String, String)> = pods_to_replace(&plain, max_unavailable)
                    .into_iter()
                    .map(|name| (namespace.clone(), name))
                    .collect();
                self.sync_nodes(object, daemon_set, &hash, &delete, &[], context);
            } else {
                let (delete, create) = surge_plan(&states, max_surge);
                let delete: Vec<(String, String)> = delete
                    .into_iter()
                    .map(|name| (namespace.clone(), name))
                    .collect();
                self.sync_nodes(object, daemon_set, &hash, &delete, &create, context);
            }
        }

        // History cleanup keeps the revisions live pods use.
        let live_hashes: BTreeSet<String> = Self::pods_by_node(object, daemon_set, context)
            .values()
            .flatten()
            .filter_map(|o| o.metadata().label(REVISION_HASH_LABEL).map(str::to_string))
            .collect();
        cleanup_history(daemon_set, old_revisions, &live_hashes, context);

        // Status.
        let by_node = Self::pods_by_node(object, daemon_set, context);
        let status = compute_status(daemon_set, &fit, &node_list, &by_node, &hash, now);
        if min_ready_seconds > 0
            && status.number_ready.unwrap_or(0) != status.number_available.unwrap_or(0)
        {
            want_requeue(SimDuration::from_secs(i64::from(min_ready_seconds)));
        }
        let current = daemon_set.status.clone().unwrap_or_default();
        if current != status {
            let mut updated = daemon_set.clone();
            updated.status = Some(DaemonSetStatus {
                collision_count: current.collision_count,
                conditions: current.conditions.clone(),
                ..status
            });
            if updated.status != daemon_set.status
                && context
                    .api
                    .update_status(Object::DaemonSet(Box::new(updated)))
                    .is_err()
            {
                return Action::RequeueAfter(SimDuration::from_secs(1));
            }
        }
        match requeue {
            Some(delay) => Action::RequeueAfter(delay),
            None => Action::Done,
        }
    }

    /// `syncNodes`: creates a pod on each node (slow start, at most 250) and deletes the
    /// named pods. Returns true when it asked for anything.
    fn sync_nodes(
        &mut self,
        object: &Object,
        daemon_set: &DaemonSet,
        hash: &str,
        pods_to_delete: &[(String, String)],
        nodes: &[String],
        context: &mut ControllerContext<'_>,
    ) -> bool {
        let spec = daemon_set.spec.clone().unwrap_or_default();
        let mut template = spec.template.clone().unwrap_or_default();
        {
            let meta = template.metadata.get_or_insert_with(Default::default);
            meta.set_label(
                TEMPLATE_GENERATION_LABEL,
                &daemon_set.metadata.generation.unwrap_or(1).to_string(),
            );
            if !hash.is_empty() {
                meta.set_label(REVISION_HASH_LABEL, hash);
            }
            add_daemon_tolerations(
                template
                    .spec
                    .get_or_insert_with(Default::default)
                    .make_mut(),
            );
        }
        let count = nodes.len().min(DAEMON_BURST_REPLICAS);
        let mut targets = nodes.iter().take(count);
        let _ = slow_start_batch(count, SLOW_START_INITIAL_BATCH_SIZE, || {
            let Some(node) = targets.next() else {
                return Ok(());
            };
            let mut pod = pod_from_template(
                &template,
                &daemon_set.metadata,
                Some(controller_ref(object)),
            );
            pin_to_node(
                pod.spec.get_or_insert_with(Default::default).make_mut(),
                node,
            );
            match context.api.create(Object::Pod(Box::new(pod))) {
                Ok(created) => {
                    context.record_event(
                        object,
                        EventType::Normal,
                        "SuccessfulCreate",
                        &format!("Created pod: {}", created.name()),
                    );
                    context.trace(format!(
                        "created daemon pod {}/{} for node {node}",
                        created.namespace(),
                        created.name()
                    ));
                    Ok(())
                }
                Err(error) => {
                    let message = error.to_string();
                    if !message.contains("being terminated") {
                        context.record_event(
                            object,
                            EventType::Warning,
                            "FailedCreate",
                            &format!("Error creating: {message}"),
                        );
                    }
                    Err(message)
                }
            }
        });
        for (namespace, name) in pods_to_delete {
            let _ = delete_pod(context, namespace, name, object);
        }
        count > 0 || !pods_to_delete.is_empty()
    }
}

/// `updateDaemonSetStatus`'s counts, for the oldest pod on each node.
pub fn compute_status(
    daemon_set: &DaemonSet,
    fit: &DaemonPodFit,
    nodes: &[&Node],
    by_node: &BTreeMap<String, Vec<Arc<Object>>>,
    hash: &str,
    now: SimTime,
) -> DaemonSetStatus {
    let min_ready_seconds = daemon_set
        .spec
        .as_ref()
        .and_then(|s| s.min_ready_seconds)
        .unwrap_or(0);
    let generation = daemon_set.metadata.generation;
    let (mut desired, mut current, mut ready, mut available, mut updated, mut misscheduled) =
        (0, 0, 0, 0, 0, 0);
    for node in nodes {
        let (should_run, _) = fit.should_run(node);
        let mut pods: Vec<&Pod> = by_node
            .get(node.metadata.name())
            .into_iter()
            .flatten()
            .filter_map(|o| o.as_::<Pod>())
            .collect();
        let scheduled = !pods.is_empty();
        if should_run {
            desired += 1;
            if !scheduled {
                continue;
            }
            current += 1;
            oldest_first(&mut pods);
            let pod = pods[0];
            if is_pod_ready(pod) {
                ready += 1;
                if is_pod_available(pod, min_ready_seconds, now) {
                    available += 1;
                }
            }
            if is_pod_updated(pod, hash, generation) {
                updated += 1;
            }
        } else if scheduled {
            misscheduled += 1;
        }
    }
    let unavailable = desired - available;
    DaemonSetStatus {
        current_number_scheduled: Some(current),
        number_misscheduled: Some(misscheduled),
        desired_number_scheduled: Some(desired),
        number_ready: Some(ready),
        observed_generation: daemon_set.metadata.generation,
        updated_number_scheduled: (updated > 0).then_some(updated),
        number_available: (available > 0).then_some(available),
        number_unavailable: (unavailable > 0).then_some(unavailable),
        collision_count: daemon_set.status.as_ref().and_then(|s| s.collision_count),
        conditions: daemon_set
            .status
            .as_ref()
            .and_then(|s| s.conditions.clone()),
    }
}
