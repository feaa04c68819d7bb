//! kube-scheduler: places pending pods on nodes, with the default profile.
//!
//! Upstream: `pkg/scheduler/` (`scheduler.go`, `eventhandlers.go`, `schedule_one.go`).
//! The scheduler watches nodes, pods, namespaces and the workloads that select pods;
//! keeps its cache and queue up to date from those events; and in each of its turns
//! runs one scheduling cycle (`schedule_one.rs`). It leaves alone pods whose
//! `spec.schedulerName` names no profile it has. Every attempt leaves an explanation
//! (`explain.rs`).

pub mod explain;
pub mod framework;
pub mod node_info;
pub mod plugins;
pub mod profile;
pub mod queue;
pub mod schedule_one;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::api_server::{ApiServer, WatchEvent, WatchEventType};
use crate::model::Object;
use crate::model::selector::{Selector, label_selector_as_selector};
use crate::time::SimTime;

use explain::{Explanations, SchedulingRecord};
use framework::Framework;
use node_info::{Cache, PodInfo};
use profile::SchedulerConfig;
use queue::{ClusterEvent, SchedulingQueue};

/// The component name of the scheduler's events and traces.
pub const COMPONENT: &str = "default-scheduler";

/// The scheduler: its profiles, cache, queue, nominations and explanations.
pub struct Scheduler {
    config: SchedulerConfig,
    frameworks: Vec<Framework>,
    cache: Cache,
    queue: SchedulingQueue,
    /// Pods nominated to a node by preemption, by node name.
    nominated: BTreeMap<String, Vec<Arc<PodInfo>>>,
    nominated_node_of: BTreeMap<String, String>,
    explanations: Explanations,
    /// Where the next cycle starts looking (`nextStartNodeIndex`).
    next_start_node_index: usize,
    percentage_of_nodes_to_score: i32,
    /// The scores of the current cycle, kept so their buffers are reused.
    score_matrix: framework::ScoreMatrix,
}

impl Scheduler {
    pub fn new(config: SchedulerConfig) -> Result<Scheduler, String> {
        let frameworks = config
            .profiles
            .iter()
            .map(|p| p.build())
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Scheduler {
            queue: SchedulingQueue::new(
                config.pod_initial_backoff_seconds,
                config.pod_max_backoff_seconds,
            ),
            percentage_of_nodes_to_score: config.percentage_of_nodes_to_score,
            frameworks,
            config,
            cache: Cache::default(),
            nominated: BTreeMap::new(),
            nominated_node_of: BTreeMap::new(),
            explanations: Explanations::default(),
            next_start_node_index: 0,
            score_matrix: framework::ScoreMatrix::default(),
        })
    }

    pub fn config(&self) -> &SchedulerConfig {
        &self.config
    }

    /// Replaces the configuration, as restarting kube-scheduler with a new
    /// `--config` would; the caller resyncs so pods of new profiles are queued.
    pub fn set_config(&mut self, config: SchedulerConfig) -> Result<(), String> {
        let frameworks = config
            .profiles
            .iter()
            .map(|p| p.build())
            .collect::<Result<Vec<_>, _>>()?;
        self.frameworks = frameworks;
        self.queue.set_backoff(
            config.pod_initial_backoff_seconds,
            config.pod_max_backoff_seconds,
        );
        self.percentage_of_nodes_to_score = config.percentage_of_nodes_to_score;
        self.config = config;
        Ok(())
    }

    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    pub fn queue(&self) -> &SchedulingQueue {
        &self.queue
    }

    /// The record of the pod's last scheduling attempt.
    pub fn record(&self, namespace: &str, name: &str) -> Option<&SchedulingRecord> {
        self.explanations.get(namespace, name)
    }

    pub fn explanations(&self) -> &Explanations {
        &self.explanations
    }

    /// True when a pod waits in activeQ.
    pub fn has_work(&self) -> bool {
        self.queue.active_len() > 0
    }

    /// When backoffQ or the unschedulable pool next needs attention.
    pub fn next_wakeup(&self) -> Option<SimTime> {
        self.queue.next_wakeup()
    }

    /// Moves the pods whose backoff ended, or that waited long enough, to activeQ.
    pub fn flush(&mut self, now: SimTime) {
        self.queue.flush(now);
    }

    fn responsible_for(&self, pod: &crate::model::pod::Pod) -> bool {
        let name = pod
            .spec
            .as_ref()
            .and_then(|s| s.scheduler_name.as_deref())
            .unwrap_or(profile::DEFAULT_SCHEDULER_NAME);
        self.frameworks.iter().any(|f| f.scheduler_name == name)
    }

    pub(crate) fn add_nominated(&mut self, pod: Arc<PodInfo>, node: &str) {
        self.remove_nominated(pod.uid());
        self.nominated_node_of
            .insert(pod.uid().to_string(), node.to_string());
        self.nominated
            .entry(node.to_string())
            .or_default()
            .push(pod);
    }

    pub(crate) fn remove_nominated(&mut self, uid: &str) {
        if let Some(node) = self.nominated_node_of.remove(uid)
            && let Some(pods) = self.nominated.get_mut(&node)
        {
            pods.retain(|p| p.uid() != uid);
            if pods.is_empty() {
                self.nominated.remove(&node);
            }
        }
    }

    /// Relists everything (start, or the watch fell behind a compaction).
    pub fn resync(&mut self, api: &ApiServer) {
        let frameworks = std::mem::take(&mut self.frameworks);
        let config = self.config.clone();
        *self = Scheduler {
            frameworks,
            ..Scheduler::new(config).expect("the configuration was valid when set")
        };
        let now = api.now();
        for (_, object) in api.store().iter() {
            self.observe_object(WatchEventType::Added, object, now);
        }
    }

    /// Applies one watch event to the cache and the queue.
    pub fn observe(&mut self, event: &WatchEvent, now: SimTime) {
        self.observe_object(event.event_type, &event.object, now);
    }

    fn observe_object(&mut self, event_type: WatchEventType, object: &Arc<Object>, now: SimTime) {
        match object.as_ref() {
            Object::Node(node) => match event_type {
                WatchEventType::Deleted => {
                    self.cache.remove_node(node.metadata.name());
                    self.queue.move_all(ClusterEvent::NodeDelete, now);
                }
                _ => {
                    // Compared before the upsert, so the old node need not be copied.
                    let event = match self.cache.get(node.metadata.name()) {
                        None => Some(ClusterEvent::NodeAdd),
                        Some(old) if scheduling_properties_changed(old.node(), node) => {
                            Some(ClusterEvent::NodeUpdate)
                        }
                        Some(_) => None,
                    };
                    self.cache.upsert_node(Arc::clone(object));
                    if let Some(event) = event {
                        self.queue.move_all(event, now);
                    }
                }
            },
            Object::Pod(pod) => self.observe_pod(event_type, object, pod, now),
            Object::Namespace(namespace) => {
                let name = namespace.metadata.name();
                let labels = (event_type != WatchEventType::Deleted)
                    .then(|| namespace.metadata.labels_or_empty().clone());
                if self.cache.namespace_labels(name) != labels.as_ref().unwrap_or(&BTreeMap::new())
                {
                    self.cache.set_namespace_labels(name, labels);
                    self.queue.move_all(ClusterEvent::NamespaceChange, now);
                }
            }
            Object::Service(service) => {
                let selector = (event_type != WatchEventType::Deleted)
                    .then(|| {
                        service
                            .spec
                            .as_ref()
                            .and_then(|s| s.selector.as_ref())
                            .map(Selector::from_set)
                    })
                    .flatten();
                self.cache.set_workload_selector(
                    service.metadata.namespace(),
                    "Service",
                    service.metadata.name(),
                    selector,
                );
            }
            Object::ReplicaSet(replica_set) => {
                let selector = (event_type != WatchEventType::Deleted)
                    .then(|| {
                        replica_set
                            .spec
                            .as_ref()
                            .and_then(|s| s.selector.as_ref())
                            .and_then(|s| label_selector_as_selector(Some(s)).ok())
                    })
                    .flatten();
                self.cache.set_workload_selector(
                    replica_set.metadata.namespace(),
                    "ReplicaSet",
                    replica_set.metadata.name(),
                    selector,
                );
            }
            Object::Generic(generic)
                if matches!(
                    generic.resource_type.kind,
                    "StatefulSet" | "ReplicationController"
                ) =>
            {
                let kind = generic.resource_type.kind;
                let selector_value = generic.body.get("spec").and_then(|s| s.get("selector"));
                let selector = (event_type != WatchEventType::Deleted)
                    .then(|| {
                        selector_value.and_then(|value| {
                            if kind == "ReplicationController" {
                                serde_json::from_value::<BTreeMap<String, String>>(value.clone())
                                    .ok()
                                    .map(|m| Selector::from_set(&m))
                            } else {
                                serde_json::from_value::<crate::model::selector::LabelSelector>(
                                    value.clone(),
                                )
                                .ok()
                                .and_then(|s| label_selector_as_selector(Some(&s)).ok())
                            }
                        })
                    })
                    .flatten();
                self.cache.set_workload_selector(
                    generic.metadata.namespace(),
                    kind,
                    generic.metadata.name(),
                    selector,
                );
            }
            _ => {}
        }
    }

    fn observe_pod(
        &mut self,
        event_type: WatchEventType,
        object: &Arc<Object>,
        pod: &crate::model::pod::Pod,
        now: SimTime,
    ) {
        let uid = pod.metadata.uid().to_string();
        if event_type == WatchEventType::Deleted {
            let was_assigned = self.cache.remove_pod(&uid).is_some();
            self.queue.delete(&uid);
            self.remove_nominated(&uid);
            self.explanations
                .remove(pod.metadata.namespace(), pod.metadata.name());
            if was_assigned {
                self.queue.move_all(ClusterEvent::AssignedPodDelete, now);
            }
            return;
        }
        let node_name = pod.node_name();
        if !node_name.is_empty() {
            self.queue.delete(&uid);
            self.remove_nominated(&uid);
            // Finished pods hold no resources on their node.
            if matches!(pod.phase(), "Succeeded" | "Failed") {
                if self.cache.remove_pod(&uid).is_some() {
                    self.queue.move_all(ClusterEvent::AssignedPodDelete, now);
                }
                return;
            }
            let previous = self.cache.node_of(&uid).map(str::to_string);
            let assumed = self.cache.is_assumed(&uid);
            let existing = previous
                .as_deref()
                .and_then(|node| self.cache.get(node))
                .and_then(|n| n.pods.iter().find(|p| p.uid() == uid));
            let labels_changed =
                existing.is_some_and(|p| p.pod().metadata.labels != pod.metadata.labels);
            let info = match existing {
                Some(existing) => existing.refreshed(Arc::clone(object)),
                None => PodInfo::new(Arc::clone(object)),
            };
            let Some(info) = info else {
                return;
            };
            self.cache.add_pod(Arc::new(info), node_name, false);
            if previous.is_none() {
                self.queue.move_all(ClusterEvent::AssignedPodAdd, now);
            } else if labels_changed && !assumed {
                self.queue.move_all(ClusterEvent::AssignedPodUpdate, now);
            }
            return;
        }
        // A pending pod.
        if pod.metadata.is_being_deleted() || !self.responsible_for(pod) {
            self.queue.delete(&uid);
            return;
        }
        if self.cache.is_assumed(&uid) {
            return;
        }
        let Some(info) = PodInfo::new(Arc::clone(object)) else {
            return;
        };
        let info = Arc::new(info);
        match pod
            .status
            .as_ref()
            .and_then(|s| s.nominated_node_name.as_deref())
            .filter(|n| !n.is_empty())
        {
            Some(node) => self.add_nominated(Arc::clone(&info), node),
            None => self.remove_nominated(&uid),
        }
        if self.queue.contains(&uid) {
            self.queue.update(info, now);
        } else {
            self.queue.add(info, now);
        }
    }
}

/// `nodeSchedulingPropertiesChange`: only changes the scheduler can act on move pods.
fn scheduling_properties_changed(
    old: &crate::model::node::Node,
    new: &crate::model::node::Node,
) -> bool {
    fn allocatable(
        node: &crate::model::node::Node,
    ) -> Option<&BTreeMap<String, crate::model::quantity::Quantity>> {
        node.status.as_ref().and_then(|s| s.allocatable.as_ref())
    }
    fn images(node: &crate::model::node::Node) -> Option<&Vec<crate::model::node::ContainerImage>> {
        node.status.as_ref().and_then(|s| s.images.as_ref())
    }
    old.is_unschedulable() != new.is_unschedulable()
        || old.metadata.labels != new.metadata.labels
        || old.taints() != new.taints()
        || allocatable(old) != allocatable(new)
        || images(old) != images(new)
}
