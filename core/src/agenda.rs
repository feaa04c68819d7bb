//! The timer agenda: what is due when, in virtual time.
//!
//! Timers due at the same instant fire in the order they were scheduled, so the
//! agenda never depends on anything but the inputs.

use std::collections::{BTreeMap, BTreeSet};

use crate::api_server::ObjectKey;
use crate::time::SimTime;

/// Something that becomes due at a point in virtual time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// Put `key` back on the work queue of the controller at index `controller`.
    Requeue { controller: usize, key: ObjectKey },
}

/// Where a timer sits in the agenda: due time, then scheduling order.
type Slot = (SimTime, u64);

#[derive(Clone, Debug, Default)]
pub struct Agenda {
    timers: BTreeMap<Slot, Timer>,
    next_sequence: u64,
    /// (controller, keyed by a Node) → its timers, so that the earliest timer of a
    /// class is found without a scan of the whole agenda.
    by_class: BTreeMap<(usize, bool), BTreeSet<Slot>>,
    /// controller → node name → the timers of Node-keyed requeues (nested, so that a
    /// lookup by name does not build a key).
    by_node: BTreeMap<usize, BTreeMap<String, BTreeSet<Slot>>>,
}

fn node_keyed(key: &ObjectKey) -> bool {
    key.resource_type().kind == "Node"
}

impl Agenda {
    pub fn schedule(&mut self, due: SimTime, timer: Timer) {
        let slot = (due, self.next_sequence);
        self.next_sequence += 1;
        let Timer::Requeue { controller, key } = &timer;
        let node = node_keyed(key);
        self.by_class
            .entry((*controller, node))
            .or_default()
            .insert(slot);
        if node {
            let nodes = self.by_node.entry(*controller).or_default();
            match nodes.get_mut(&key.name) {
                Some(slots) => {
                    slots.insert(slot);
                }
                None => {
                    nodes.insert(key.name.clone(), BTreeSet::from([slot]));
                }
            }
        }
        self.timers.insert(slot, timer);
    }

    /// When the earliest timer is due.
    pub fn next_due(&self) -> Option<SimTime> {
        self.timers.keys().next().map(|(due, _)| *due)
    }

    /// Removes and returns every timer due at or before `now`, earliest first.
    pub fn take_due(&mut self, now: SimTime) -> Vec<Timer> {
        let mut due = Vec::new();
        while let Some(timer) = self.pop_due(now) {
            due.push(timer);
        }
        due
    }

    /// Removes and returns the earliest timer if it is due at or before `now`.
    pub fn pop_due(&mut self, now: SimTime) -> Option<Timer> {
        let entry = self.timers.first_entry()?;
        if entry.key().0 > now {
            return None;
        }
        let slot = *entry.key();
        let timer = entry.remove();
        self.unindex(slot, &timer);
        Some(timer)
    }

    fn unindex(&mut self, slot: Slot, timer: &Timer) {
        let Timer::Requeue { controller, key } = timer;
        let node = node_keyed(key);
        if let Some(set) = self.by_class.get_mut(&(*controller, node)) {
            set.remove(&slot);
            if set.is_empty() {
                self.by_class.remove(&(*controller, node));
            }
        }
        if node && let Some(nodes) = self.by_node.get_mut(controller) {
            if let Some(set) = nodes.get_mut(&key.name) {
                set.remove(&slot);
                if set.is_empty() {
                    nodes.remove(&key.name);
                }
            }
            if nodes.is_empty() {
                self.by_node.remove(controller);
            }
        }
    }

    /// The earliest due time of each (controller, Node-keyed) class of timers.
    pub fn earliest_by_class(&self) -> impl Iterator<Item = ((usize, bool), SimTime)> + '_ {
        self.by_class
            .iter()
            .filter_map(|(class, slots)| slots.first().map(|(due, _)| (*class, *due)))
    }

    /// The earliest due time of `controller`'s requeues of the Node `node`.
    pub fn earliest_for_node(&self, controller: usize, node: &str) -> Option<SimTime> {
        self.by_node
            .get(&controller)
            .and_then(|nodes| nodes.get(node))
            .and_then(|slots| slots.first())
            .map(|(due, _)| *due)
    }

    /// Every pending timer, earliest first.
    pub fn iter(&self) -> impl Iterator<Item = (SimTime, &Timer)> {
        self.timers.iter().map(|((due, _), timer)| (*due, timer))
    }

    pub fn len(&self) -> usize {
        self.timers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.timers.is_empty()
    }
}
