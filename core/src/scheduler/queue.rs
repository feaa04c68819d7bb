//! The scheduling queue: active, backoff and unschedulable pods.
//!
//! Upstream: `pkg/scheduler/backend/queue/scheduling_queue.go` (`PriorityQueue`).
//! * activeQ: ordered by the QueueSort plugin, PrioritySort: higher `spec.priority`
//!   first, then the earlier queue timestamp (kubesim adds an insertion number as the
//!   last tie-break so the order is total).
//! * backoffQ: pods waiting out `podInitialBackoffSeconds` (1) doubled per attempt up
//!   to `podMaxBackoffSeconds` (10): attempt 1 → 1 s, 2 → 2 s, 3 → 4 s, 4 → 8 s, 5+ → 10 s.
//! * unschedulablePods: pods no node could take. A cluster event that could help one
//!   of the plugins that rejected a pod moves it back (to backoffQ while its backoff
//!   lasts, else to activeQ); after `podMaxInUnschedulablePodsDuration` (5 min) it is
//!   retried anyway. Upstream checks that every 30 s; kubesim wakes at the exact
//!   instant, so a pod is retried up to 30 s earlier than upstream would.
//! * Pods with `spec.schedulingGates` wait, gated, until the gates are removed
//!   (the SchedulingGates PreEnqueue plugin).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::node_info::PodInfo;
use crate::time::{SimDuration, SimTime};

/// `podMaxInUnschedulablePodsDuration`.
pub const POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION: SimDuration = SimDuration::from_secs(300);

/// A cluster change that may make unschedulable pods schedulable (`ClusterEvent`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterEvent {
    NodeAdd,
    NodeUpdate,
    NodeDelete,
    AssignedPodAdd,
    AssignedPodUpdate,
    AssignedPodDelete,
    NamespaceChange,
}

/// Whether a plugin that rejected a pod registers for `event` (its
/// `EventsToRegister`, without the finer queueing hints).
pub fn plugin_interested(plugin: &str, event: ClusterEvent) -> bool {
    use ClusterEvent::*;
    match plugin {
        "NodeUnschedulable" | "NodeName" | "TaintToleration" | "NodeAffinity" => {
            matches!(event, NodeAdd | NodeUpdate)
        }
        "NodePorts" => matches!(event, NodeAdd | AssignedPodDelete),
        "NodeResourcesFit" => matches!(
            event,
            NodeAdd | NodeUpdate | AssignedPodDelete | AssignedPodUpdate
        ),
        "PodTopologySpread" => matches!(
            event,
            NodeAdd
                | NodeUpdate
                | NodeDelete
                | AssignedPodAdd
                | AssignedPodUpdate
                | AssignedPodDelete
        ),
        "InterPodAffinity" => matches!(
            event,
            NodeAdd
                | NodeUpdate
                | AssignedPodAdd
                | AssignedPodUpdate
                | AssignedPodDelete
                | NamespaceChange
        ),
        // Unknown plugins (and pods rejected by none, e.g. after an error): any event.
        _ => true,
    }
}

/// `framework.QueuedPodInfo`.
#[derive(Clone, Debug)]
pub struct QueuedPodInfo {
    pub pod: Arc<PodInfo>,
    /// When the pod last entered the queue (PrioritySort's second key; the start of
    /// its backoff).
    pub timestamp: SimTime,
    /// How many times the scheduler tried it.
    pub attempts: u32,
    /// The plugins that rejected it in its last attempt.
    pub unschedulable_plugins: BTreeSet<&'static str>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ActiveKey {
    negative_priority: i64,
    timestamp: SimTime,
    sequence: u64,
    uid: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Place {
    Active(ActiveKey),
    Backoff(SimTime, u64),
    Unschedulable(SimTime, u64),
    Gated,
}

#[derive(Clone, Debug)]
struct Entry {
    info: QueuedPodInfo,
    place: Place,
}

/// The priority queue with its three sub-queues.
#[derive(Clone, Debug)]
pub struct SchedulingQueue {
    entries: BTreeMap<String, Entry>,
    active: BTreeSet<ActiveKey>,
    backoff: BTreeSet<(SimTime, u64, String)>,
    unschedulable: BTreeSet<(SimTime, u64, String)>,
    sequence: u64,
    initial_backoff: SimDuration,
    max_backoff: SimDuration,
}

impl SchedulingQueue {
    pub fn new(initial_backoff_seconds: i64, max_backoff_seconds: i64) -> SchedulingQueue {
        SchedulingQueue {
            entries: BTreeMap::new(),
            active: BTreeSet::new(),
            backoff: BTreeSet::new(),
            unschedulable: BTreeSet::new(),
            sequence: 0,
            initial_backoff: SimDuration::from_secs(initial_backoff_seconds.max(0)),
            max_backoff: SimDuration::from_secs(max_backoff_seconds.max(0)),
        }
    }

    pub fn set_backoff(&mut self, initial_backoff_seconds: i64, max_backoff_seconds: i64) {
        self.initial_backoff = SimDuration::from_secs(initial_backoff_seconds.max(0));
        self.max_backoff = SimDuration::from_secs(max_backoff_seconds.max(0));
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn active_len(&self) -> usize {
        self.active.len()
    }

    pub fn contains(&self, uid: &str) -> bool {
        self.entries.contains_key(uid)
    }

    /// `calculateBackoffDuration`: initial × 2^(attempts−1), at most the maximum.
    pub fn backoff_duration(&self, attempts: u32) -> SimDuration {
        let mut duration = self.initial_backoff;
        for _ in 1..attempts {
            duration = duration + duration;
            if duration > self.max_backoff {
                return self.max_backoff;
            }
        }
        duration.min(self.max_backoff)
    }

    fn backoff_expiry(&self, info: &QueuedPodInfo) -> SimTime {
        info.timestamp + self.backoff_duration(info.attempts)
    }

    fn next_sequence(&mut self) -> u64 {
        self.sequence += 1;
        self.sequence
    }

    fn detach(&mut self, uid: &str) -> Option<Entry> {
        let entry = self.entries.remove(uid)?;
        match &entry.place {
            Place::Active(key) => {
                self.active.remove(key);
            }
            Place::Backoff(time, sequence) => {
                self.backoff.remove(&(*time, *sequence, uid.to_string()));
            }
            Place::Unschedulable(time, sequence) => {
                self.unschedulable
                    .remove(&(*time, *sequence, uid.to_string()));
            }
            Place::Gated => {}
        }
        Some(entry)
    }

    fn place_active(&mut self, info: QueuedPodInfo) {
        let uid = info.pod.uid().to_string();
        let key = ActiveKey {
            negative_priority: -i64::from(info.pod.priority),
            timestamp: info.timestamp,
            sequence: self.next_sequence(),
            uid: uid.clone(),
        };
        self.active.insert(key.clone());
        self.entries.insert(
            uid,
            Entry {
                info,
                place: Place::Active(key),
            },
        );
    }

    fn place_backoff(&mut self, info: QueuedPodInfo) {
        let uid = info.pod.uid().to_string();
        let expiry = self.backoff_expiry(&info);
        let sequence = self.next_sequence();
        self.backoff.insert((expiry, sequence, uid.clone()));
        self.entries.insert(
            uid,
            Entry {
                info,
                place: Place::Backoff(expiry, sequence),
            },
        );
    }

    fn place_unschedulable(&mut self, info: QueuedPodInfo) {
        let uid = info.pod.uid().to_string();
        let sequence = self.next_sequence();
        let since = info.timestamp;
        self.unschedulable.insert((since, sequence, uid.clone()));
        self.entries.insert(
            uid,
            Entry {
                info,
                place: Place::Unschedulable(since, sequence),
            },
        );
    }

    fn is_gated(pod: &PodInfo) -> bool {
        pod.pod()
            .spec
            .as_ref()
            .and_then(|s| s.scheduling_gates.as_ref())
            .is_some_and(|gates| !gates.is_empty())
    }

    /// `Add`: a new pending pod goes to activeQ (or waits, gated).
    pub fn add(&mut self, pod: Arc<PodInfo>, now: SimTime) {
        let uid = pod.uid().to_string();
        if self.entries.contains_key(&uid) {
            self.update(pod, now);
            return;
        }
        let gated = SchedulingQueue::is_gated(&pod);
        let info = QueuedPodInfo {
            pod,
            timestamp: now,
            attempts: 0,
            unschedulable_plugins: BTreeSet::new(),
        };
        if gated {
            self.entries.insert(
                uid,
                Entry {
                    info,
                    place: Place::Gated,
                },
            );
        } else {
            self.place_active(info);
        }
    }

    /// `Update`: the pending pod changed. A pod waiting as unschedulable or gated is
    /// moved, since the change may make it schedulable (upstream's `isPodUpdated`).
    pub fn update(&mut self, pod: Arc<PodInfo>, now: SimTime) {
        let uid = pod.uid().to_string();
        let Some(entry) = self.entries.get_mut(&uid) else {
            self.add(pod, now);
            return;
        };
        let changed = entry.info.pod.pod().spec != pod.pod().spec
            || entry.info.pod.pod().metadata.labels != pod.pod().metadata.labels;
        entry.info.pod = pod;
        let movable = matches!(entry.place, Place::Unschedulable(..) | Place::Gated);
        if changed && movable {
            let entry = self.detach(&uid).expect("entry exists");
            let mut info = entry.info;
            if SchedulingQueue::is_gated(&info.pod) {
                self.entries.insert(
                    uid,
                    Entry {
                        info,
                        place: Place::Gated,
                    },
                );
            } else if matches!(entry.place, Place::Gated) {
                info.timestamp = now;
                self.place_active(info);
            } else {
                self.requeue(info, now);
            }
        }
    }

    /// `Delete`.
    pub fn delete(&mut self, uid: &str) -> Option<QueuedPodInfo> {
        self.detach(uid).map(|entry| entry.info)
    }

    /// `Pop`: the head of activeQ, with its attempt counted.
    pub fn pop(&mut self) -> Option<QueuedPodInfo> {
        let key = self.active.pop_first()?;
        let mut entry = self.entries.remove(&key.uid)?;
        entry.info.attempts += 1;
        Some(entry.info)
    }

    /// `AddUnschedulableIfNotPresent`: a failed attempt. Rejected pods wait in
    /// unschedulablePods; errors go to backoffQ.
    pub fn add_unschedulable(&mut self, mut info: QueuedPodInfo, rejected: bool, now: SimTime) {
        let uid = info.pod.uid().to_string();
        if self.entries.contains_key(&uid) {
            return;
        }
        info.timestamp = now;
        if rejected {
            self.place_unschedulable(info);
        } else {
            self.place_backoff(info);
        }
    }

    fn requeue(&mut self, info: QueuedPodInfo, now: SimTime) {
        if self.backoff_expiry(&info) > now {
            self.place_backoff(info);
        } else {
            self.place_active(info);
        }
    }

    /// `MoveAllToActiveOrBackoffQueue`: unschedulable pods that the event could help.
    /// Returns how many moved.
    pub fn move_all(&mut self, event: ClusterEvent, now: SimTime) -> usize {
        let movable: Vec<String> = self
            .unschedulable
            .iter()
            .filter(|(_, _, uid)| {
                self.entries.get(uid).is_some_and(|entry| {
                    let plugins = &entry.info.unschedulable_plugins;
                    plugins.is_empty() || plugins.iter().any(|p| plugin_interested(p, event))
                })
            })
            .map(|(_, _, uid)| uid.clone())
            .collect();
        for uid in &movable {
            if let Some(entry) = self.detach(uid) {
                self.requeue(entry.info, now);
            }
        }
        movable.len()
    }

    /// `flushBackoffQCompleted` and `flushUnschedulablePodsLeftover` at `now`.
    pub fn flush(&mut self, now: SimTime) {
        while let Some((expiry, _, uid)) = self.backoff.first().cloned() {
            if expiry > now {
                break;
            }
            if let Some(entry) = self.detach(&uid) {
                self.place_active(entry.info);
            }
        }
        while let Some((since, _, uid)) = self.unschedulable.first().cloned() {
            if since + POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION > now {
                break;
            }
            if let Some(entry) = self.detach(&uid) {
                self.requeue(entry.info, now);
            }
        }
    }

    /// When the queue next needs `flush`.
    pub fn next_wakeup(&self) -> Option<SimTime> {
        let backoff = self.backoff.first().map(|(expiry, _, _)| *expiry);
        let leftover = self
            .unschedulable
            .first()
            .map(|(since, _, _)| *since + POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION);
        match (backoff, leftover) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The uids of the pods waiting in each sub-queue (active, backoff, unschedulable, gated).
    pub fn pending_counts(&self) -> (usize, usize, usize, usize) {
        let gated = self
            .entries
            .values()
            .filter(|e| matches!(e.place, Place::Gated))
            .count();
        (
            self.active.len(),
            self.backoff.len(),
            self.unschedulable.len(),
            gated,
        )
    }

    /// Every queued pod, for debugging and `stuck` reports.
    pub fn uids(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    pub fn get(&self, uid: &str) -> Option<&QueuedPodInfo> {
        self.entries.get(uid).map(|e| &e.info)
    }
}
