//! The ReplicaSet controller's running tally of each ReplicaSet's pods.
//!
//! A sync claims the pods and counts them for the status; upstream does that from an
//! informer cache on every sync, which at 10,000 replicas makes each sync (one per pod
//! status change) cost 10,000 pod reads. The tally keeps, per ReplicaSet, the facts a
//! status needs about each pod it controls, updated from the pod watch events, so that
//! a sync that has nothing to adopt, release, create or delete costs O(log n). Any sync
//! that may write pods still takes the full path.

use std::collections::BTreeMap;

use crate::api_server::{ApiServer, ObjectKey};
use crate::model::Object;
use crate::model::pod::Pod;
use crate::model::pod_util::{is_pod_active, is_pod_ready};
use crate::model::replica_set::ReplicaSet;
use crate::model::selector::{LabelSelector, Selector};

/// What a status needs about one controlled pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Facts {
    active: bool,
    matching: bool,
    fully_labeled: bool,
    ready: bool,
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
    pods: BTreeMap<ObjectKey, Facts>,
    totals: Totals,
}

impl OwnerTally {
    fn facts(&self, pod: &Pod) -> Facts {
        let labels = pod.metadata.labels_or_empty();
        Facts {
            active: is_pod_active(pod),
            matching: self.selector.matches(labels),
            fully_labeled: self.template_selector.matches(labels),
            ready: is_pod_ready(pod),
        }
    }

    fn put(&mut self, key: ObjectKey, facts: Facts) {
        if let Some(previous) = self.pods.insert(key, facts) {
            self.totals.apply(previous, false);
        }
        self.totals.apply(facts, true);
    }

    fn remove(&mut self, key: &ObjectKey) {
        if let Some(previous) = self.pods.remove(key) {
            self.totals.apply(previous, false);
        }
    }
}

/// Tallies by controller uid, and which tally each pod is in.
#[derive(Debug, Default)]
pub struct PodTally {
    by_owner: BTreeMap<String, OwnerTally>,
    owner_of: BTreeMap<ObjectKey, String>,
}

fn template_labels(rs: &ReplicaSet) -> Option<BTreeMap<String, String>> {
    rs.spec
        .as_ref()?
        .template
        .as_ref()?
        .metadata
        .as_ref()?
        .labels
        .clone()
}

impl PodTally {
    /// Forgets everything (after a relist).
    pub fn clear(&mut self) {
        self.by_owner.clear();
        self.owner_of.clear();
    }

    /// Forgets a deleted ReplicaSet's tally.
    pub fn forget(&mut self, owner_uid: &str) {
        if let Some(tally) = self.by_owner.remove(owner_uid) {
            for key in tally.pods.keys() {
                self.owner_of.remove(key);
            }
        }
    }

    /// Records a pod's watch event.
    pub fn observe(&mut self, object: &Object, pod: &Pod, deleted: bool) {
        if self.by_owner.is_empty() {
            return;
        }
        let key = ObjectKey::of(object);
        let owner = if deleted {
            None
        } else {
            pod.metadata
                .controller_ref()
                .map(|reference| reference.uid.as_str())
                .filter(|uid| self.by_owner.contains_key(*uid))
        };
        if let Some(previous) = self.owner_of.get(&key)
            && Some(previous.as_str()) != owner
        {
            if let Some(tally) = self.by_owner.get_mut(previous) {
                tally.remove(&key);
            }
            self.owner_of.remove(&key);
        }
        let Some(owner) = owner else {
            return;
        };
        let Some(tally) = self.by_owner.get_mut(owner) else {
            return;
        };
        let facts = tally.facts(pod);
        if !self.owner_of.contains_key(&key) {
            self.owner_of.insert(key.clone(), owner.to_string());
        }
        tally.put(key, facts);
    }

    /// The totals of `rs`'s controlled pods, building its tally from the store the
    /// first time and again whenever its selector or template labels changed.
    pub fn totals(&mut self, rs: &ReplicaSet, selector: &Selector, api: &ApiServer) -> Totals {
        let uid = rs.metadata.uid();
        let selector_source = rs.spec.as_ref().and_then(|spec| spec.selector.clone());
        let labels = template_labels(rs);
        if let Some(tally) = self.by_owner.get(uid)
            && tally.selector_source == selector_source
            && tally.template_labels == labels
        {
            return tally.totals;
        }
        self.forget(uid);
        let mut tally = OwnerTally {
            template_selector: Selector::from_set(&labels.clone().unwrap_or_default()),
            selector_source,
            template_labels: labels,
            selector: selector.clone(),
            pods: BTreeMap::new(),
            totals: Totals::default(),
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
                continue;
            }
            let facts = tally.facts(pod);
            tally.put(key.clone(), facts);
            self.owner_of.insert(key.clone(), uid.to_string());
        }
        let totals = tally.totals;
        self.by_owner.insert(uid.to_string(), tally);
        totals
    }
}
