//! The ReplicaSet controller's running tally of each ReplicaSet's pods.
//!
//! A sync claims the pods and counts them for the status; upstream does that from an
//! informer cache on every sync, which at 10,000 replicas makes each sync (one per pod
//! status change) cost 10,000 pod reads. The tally keeps, per ReplicaSet, the facts a
//! status needs about each pod it controls, updated from the pod watch events, so that
//! a sync that has nothing to adopt or release costs O(log n) for its status. A
//! scale-down picks the pods to delete from the tally too ([`PodTally::pods_to_delete`]):
//! each pod's scale-down class is kept, and only the pods of the classes that go first
//! are ranked in full. Any sync that may adopt or release pods takes the full path.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::api_server::{ApiServer, ObjectKey};
use crate::controllers::controller_utils::{
    DeletionClass, DeletionRank, RankTimes, first_to_delete,
};
use crate::model::Object;
use crate::model::pod::Pod;
use crate::model::pod_util::{is_pod_active, is_pod_ready};
use crate::model::replica_set::ReplicaSet;
use crate::model::selector::{LabelSelector, Selector};
use crate::time::SimTime;

/// What a status needs about one controlled pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Facts {
    active: bool,
    matching: bool,
    fully_labeled: bool,
    ready: bool,
}

/// One controlled pod: its facts, its node (interned), its scale-down class without
/// the node's crowding (which depends on the sibling ReplicaSets' pods), and the
/// object as last observed.
#[derive(Clone, Debug)]
struct Entry {
    facts: Facts,
    node: u32,
    class: DeletionClass,
    times: RankTimes,
    object: Arc<Object>,
}

/// Counts over one ReplicaSet's controlled pods.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Active pods matching the selector: what a claim returns.
    pub matching: usize,
    /// Active pods not matching the selector: a claim would release them.
    pub not_matching: usize,
    /// Of `matching`, those carrying the template's labels.
    pub fully_labeled: i32,
    /// Of `matching`, the ready ones.
    pub ready: i32,
}

impl Totals {
    fn apply(&mut self, facts: Facts, add: bool) {
        if !facts.active {
            return;
        }
        let step = |value: &mut usize| {
            if add {
                *value += 1;
            } else {
                *value -= 1;
            }
        };
        if !facts.matching {
            step(&mut self.not_matching);
            return;
        }
        step(&mut self.matching);
        let delta = if add { 1 } else { -1 };
        if facts.fully_labeled {
            self.fully_labeled += delta;
        }
        if facts.ready {
            self.ready += delta;
        }
    }
}

#[derive(Debug)]
struct OwnerTally {
    /// The selector and template labels the facts were computed with.
    selector_source: Option<LabelSelector>,
    template_labels: Option<BTreeMap<String, String>>,
    selector: Selector,
    template_selector: Selector,
    pods: BTreeMap<ObjectKey, Entry>,
    totals: Totals,
    /// Active controlled pods per node (matching or not): what this ReplicaSet adds to
    /// a sibling's scale-down ranking.
    active_on_node: BTreeMap<u32, usize>,
    /// Pods that name this ReplicaSet in an ownerReference without being controlled
    /// by it. The ranking counts them too; the tally does not rank with them.
    foreign: BTreeSet<ObjectKey>,
}

impl OwnerTally {
    fn entry(&self, object: &Arc<Object>, pod: &Pod, node: u32) -> Entry {
        let labels = pod.metadata.labels_or_empty();
        Entry {
            facts: Facts {
                active: is_pod_active(pod),
                matching: self.selector.matches(labels),
                fully_labeled: self.template_selector.matches(labels),
                ready: is_pod_ready(pod),
            },
            node,
            class: DeletionClass::of(pod, 0),
            times: RankTimes::of(pod),
            object: Arc::clone(object),
        }
    }

    fn put(&mut self, key: ObjectKey, entry: Entry) {
        let (facts, node) = (entry.facts, entry.node);
        if let Some(previous) = self.pods.insert(key, entry) {
            self.forget_counts(previous.facts, previous.node);
        }
        self.totals.apply(facts, true);
        if facts.active {
            *self.active_on_node.entry(node).or_default() += 1;
        }
    }

    fn remove(&mut self, key: &ObjectKey) {
        if let Some(previous) = self.pods.remove(key) {
            self.forget_counts(previous.facts, previous.node);
        }
    }

    fn forget_counts(&mut self, facts: Facts, node: u32) {
        self.totals.apply(facts, false);
        if facts.active
            && let Some(count) = self.active_on_node.get_mut(&node)
        {
            *count -= 1;
            if *count == 0 {
                self.active_on_node.remove(&node);
            }
        }
    }
}

/// Tallies by controller uid, and which tally each pod is in.
#[derive(Debug, Default)]
pub struct PodTally {
    by_owner: BTreeMap<String, OwnerTally>,
    owner_of: BTreeMap<ObjectKey, String>,
    /// Node name → a small id, so counts per node need no string keys.
    node_ids: BTreeMap<String, u32>,
    /// Pod → the tallied owners it names without being controlled by them.
    foreign_of: BTreeMap<ObjectKey, Vec<String>>,
}

fn template_labels(rs: &ReplicaSet) -> Option<BTreeMap<String, String>> {
    template_labels_ref(rs).cloned()
}

fn template_labels_ref(rs: &ReplicaSet) -> Option<&BTreeMap<String, String>> {
    rs.spec
        .as_ref()?
        .template
        .as_ref()?
        .metadata
        .as_ref()?
        .labels
        .as_ref()
}

impl PodTally {
    /// Forgets everything (after a relist).
    pub fn clear(&mut self) {
        self.by_owner.clear();
        self.owner_of.clear();
        self.foreign_of.clear();
    }

    /// Forgets a deleted ReplicaSet's tally.
    pub fn forget(&mut self, owner_uid: &str) {
        if let Some(tally) = self.by_owner.remove(owner_uid) {
            for key in tally.pods.keys() {
                self.owner_of.remove(key);
            }
            for key in &tally.foreign {
                if let Some(owners) = self.foreign_of.get_mut(key) {
                    owners.retain(|uid| uid != owner_uid);
                    if owners.is_empty() {
                        self.foreign_of.remove(key);
                    }
                }
            }
        }
    }

    fn node_id(&mut self, node_name: &str) -> u32 {
        if let Some(id) = self.node_ids.get(node_name) {
            return *id;
        }
        let id = self.node_ids.len() as u32;
        self.node_ids.insert(node_name.to_string(), id);
        id
    }

    /// Records a pod's watch event.
    pub fn observe(&mut self, object: &Arc<Object>, pod: &Pod, deleted: bool) {
        if self.by_owner.is_empty() {
            return;
        }
        let key = ObjectKey::of(object);
        self.observe_foreign(&key, pod, deleted);
        let owner = if deleted {
            None
        } else {
            pod.metadata
                .controller_ref()
                .map(|reference| reference.uid.as_str())
                .filter(|uid| self.by_owner.contains_key(*uid))
        };
        // One search of `owner_of` tells whether the pod stays with its tally.
        let mut recorded = false;
        if let Some(previous) = self.owner_of.get(&key) {
            if Some(previous.as_str()) == owner {
                recorded = true;
            } else {
                if let Some(tally) = self.by_owner.get_mut(previous) {
                    tally.remove(&key);
                }
                self.owner_of.remove(&key);
            }
        }
        let Some(owner) = owner else {
            return;
        };
        let node = self.node_id(pod.node_name());
        let Some(tally) = self.by_owner.get_mut(owner) else {
            return;
        };
        let entry = tally.entry(object, pod, node);
        if !recorded {
            self.owner_of.insert(key.clone(), owner.to_string());
        }
        tally.put(key, entry);
    }

    /// Keeps `foreign` up to date: the tallied owners `pod` names but is not
    /// controlled by.
    fn observe_foreign(&mut self, key: &ObjectKey, pod: &Pod, deleted: bool) {
        if let Some(owners) = self.foreign_of.remove(key) {
            for uid in owners {
                if let Some(tally) = self.by_owner.get_mut(&uid) {
                    tally.foreign.remove(key);
                }
            }
        }
        if deleted {
            return;
        }
        let controller = pod.metadata.controller_ref().map(|r| r.uid.as_str());
        let owners: Vec<String> = pod
            .metadata
            .owner_references()
            .iter()
            .filter(|reference| Some(reference.uid.as_str()) != controller)
            .filter(|reference| self.by_owner.contains_key(&reference.uid))
            .map(|reference| reference.uid.clone())
            .collect();
        if owners.is_empty() {
            return;
        }
        for uid in &owners {
            if let Some(tally) = self.by_owner.get_mut(uid) {
                tally.foreign.insert(key.clone());
            }
        }
        self.foreign_of.insert(key.clone(), owners);
    }

    /// The totals of `rs`'s controlled pods, building its tally from the store the
    /// first time and again whenever its selector or template labels changed.
    pub fn totals(&mut self, rs: &ReplicaSet, selector: &Selector, api: &ApiServer) -> Totals {
        let uid = rs.metadata.uid();
        // Compared in place: the copies are taken only when the tally is rebuilt.
        if let Some(tally) = self.by_owner.get(uid)
            && tally.selector_source.as_ref() == rs.spec.as_ref().and_then(|s| s.selector.as_ref())
            && tally.template_labels.as_ref() == template_labels_ref(rs)
        {
            return tally.totals;
        }
        let selector_source = rs.spec.as_ref().and_then(|spec| spec.selector.clone());
        let labels = template_labels(rs);
        self.forget(uid);
        let mut tally = OwnerTally {
            template_selector: Selector::from_set(&labels.clone().unwrap_or_default()),
            selector_source,
            template_labels: labels,
            selector: selector.clone(),
            pods: BTreeMap::new(),
            totals: Totals::default(),
            active_on_node: BTreeMap::new(),
            foreign: BTreeSet::new(),
        };
        let store = api.store();
        for key in store.dependents_of(uid) {
            let Some(object) = store.get(key) else {
                continue;
            };
            let Some(pod) = object.as_::<Pod>() else {
                continue;
            };
            if pod.metadata.controller_ref().map(|r| r.uid.as_str()) != Some(uid) {
                tally.foreign.insert(key.clone());
                self.foreign_of
                    .entry(key.clone())
                    .or_default()
                    .push(uid.to_string());
                continue;
            }
            let node = self.node_id(pod.node_name());
            let entry = tally.entry(object, pod, node);
            tally.put(key.clone(), entry);
            self.owner_of.insert(key.clone(), uid.to_string());
        }
        let totals = tally.totals;
        self.by_owner.insert(uid.to_string(), tally);
        totals
    }

    /// The `count` pods `manageReplicas` deletes from `rs` at `now`, in its order:
    /// `ActivePodsWithRanks` over the claimed pods, ranked by the active pods of every
    /// ReplicaSet with the same controller on the same node. `rs`'s tally must be
    /// current (see [`PodTally::totals`]) and a claim must have nothing to adopt or
    /// release. None when the tally cannot rank as the full path would (a sibling
    /// with an invalid selector, or pods naming a sibling without being controlled).
    pub fn pods_to_delete(
        &mut self,
        rs: &ReplicaSet,
        count: usize,
        now: SimTime,
        api: &ApiServer,
    ) -> Option<Vec<Arc<Object>>> {
        let mut sibling_uids = Vec::new();
        if let Some(controller) = rs.metadata.controller_ref() {
            let store = api.store();
            for sibling_key in store.dependents_of(&controller.uid) {
                let Some(sibling) = store
                    .get(sibling_key)
                    .and_then(|object| object.as_::<ReplicaSet>())
                else {
                    continue;
                };
                if sibling.metadata.controller_ref().map(|r| r.uid.as_str())
                    != Some(controller.uid.as_str())
                {
                    continue;
                }
                let selector = sibling
                    .spec
                    .as_ref()?
                    .selector
                    .as_ref()?
                    .to_selector()
                    .ok()?;
                self.totals(sibling, &selector, api);
                sibling_uids.push(sibling.metadata.uid());
            }
        }
        let mut on_node = vec![0usize; self.node_ids.len()];
        for uid in sibling_uids {
            let sibling = self.by_owner.get(uid)?;
            if !sibling.foreign.is_empty() {
                return None;
            }
            for (node, count) in &sibling.active_on_node {
                on_node[*node as usize] += count;
            }
        }
        let tally = self.by_owner.get(rs.metadata.uid())?;
        let (mut entries, mut classes) = (Vec::new(), Vec::new());
        for entry in tally.pods.values() {
            if entry.facts.active && entry.facts.matching {
                let mut class = entry.class;
                class.crowding = Reverse(on_node.get(entry.node as usize).copied().unwrap_or(0));
                classes.push(class);
                entries.push(entry);
            }
        }
        let chosen = first_to_delete(&classes, count, |position| {
            let entry = entries[position];
            DeletionRank::from_parts(
                classes[position],
                entry.times,
                entry.object.metadata().uid(),
                Some(now),
            )
        });
        Some(
            chosen
                .into_iter()
                .map(|position| Arc::clone(&entries[position].object))
                .collect(),
        )
    }
}
