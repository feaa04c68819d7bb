//! The timer agenda: what is due when, in virtual time.
//!
//! Timers due at the same instant fire in the order they were scheduled, so the
//! agenda never depends on anything but the inputs.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use crate::api_server::ObjectKey;
use crate::time::SimTime;

/// Something that becomes due at a point in virtual time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// Put `key` back on the work queue of the controller at index `controller`.
    Requeue { controller: usize, key: ObjectKey },
}

/// Where a timer sits in the agenda: due time, then scheduling order. Unique (the
/// sequence number is), so ordering by slot is total and deterministic.
type Slot = (SimTime, u64);

/// The slots of one class of timers, earliest on top. Timers leave the agenda only
/// through [`Agenda::pop_due`], earliest first, so the timer that leaves is always
/// the earliest of its class too: a min-heap per class suffices (no removal by value).
type Slots = BinaryHeap<Reverse<Slot>>;

#[derive(Clone, Debug, Default)]
pub struct Agenda {
    /// Every pending timer's slot and its index in `timers`, earliest on top.
    queue: BinaryHeap<Reverse<(Slot, usize)>>,
    /// The timers, by index; a freed index is reused (`free`), so the storage does
    /// not grow with the number of timers ever scheduled.
    timers: Vec<Option<Timer>>,
    free: Vec<usize>,
    next_sequence: u64,
    /// (controller, keyed by a Node) → its timers, so that the earliest timer of a
    /// class is found without a scan of the whole agenda. Emptied classes stay (an
    /// empty heap), so the common case, one timer per node replaced by the next,
    /// allocates nothing.
    by_class: BTreeMap<(usize, bool), Slots>,
    /// controller → node name → the timers of Node-keyed requeues (nested, so that a
    /// lookup by name does not build a key). Emptied entries stay, as above.
    by_node: BTreeMap<usize, BTreeMap<String, Slots>>,
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
            .push(Reverse(slot));
        if node {
            let nodes = self.by_node.entry(*controller).or_default();
            match nodes.get_mut(&*key.name) {
                Some(slots) => slots.push(Reverse(slot)),
                None => {
                    nodes.insert(key.name.to_string(), BinaryHeap::from([Reverse(slot)]));
                }
            }
        }
        let index = match self.free.pop() {
            Some(index) => {
                self.timers[index] = Some(timer);
                index
            }
            None => {
                self.timers.push(Some(timer));
                self.timers.len() - 1
            }
        };
        self.queue.push(Reverse((slot, index)));
    }

    /// When the earliest timer is due.
    pub fn next_due(&self) -> Option<SimTime> {
        self.queue.peek().map(|Reverse(((due, _), _))| *due)
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
        let &Reverse((slot, index)) = self.queue.peek()?;
        if slot.0 > now {
            return None;
        }
        self.queue.pop();
        let timer = self.timers[index]
            .take()
            .expect("a queued slot has its timer");
        self.free.push(index);
        self.unindex(slot, &timer);
        Some(timer)
    }

    /// Drops `slot`, the earliest pending timer, from the class indexes. Being the
    /// earliest of all, it is the earliest (the top) of its class and of its node.
    fn unindex(&mut self, slot: Slot, timer: &Timer) {
        let Timer::Requeue { controller, key } = timer;
        let node = node_keyed(key);
        if let Some(slots) = self.by_class.get_mut(&(*controller, node)) {
            let popped = slots.pop();
            debug_assert_eq!(popped, Some(Reverse(slot)));
        }
        if node
            && let Some(slots) = self
                .by_node
                .get_mut(controller)
                .and_then(|nodes| nodes.get_mut(&*key.name))
        {
            let popped = slots.pop();
            debug_assert_eq!(popped, Some(Reverse(slot)));
        }
    }

    /// The earliest due time of each (controller, Node-keyed) class of timers.
    pub fn earliest_by_class(&self) -> impl Iterator<Item = ((usize, bool), SimTime)> + '_ {
        self.by_class
            .iter()
            .filter_map(|(class, slots)| slots.peek().map(|Reverse((due, _))| (*class, *due)))
    }

    /// The earliest due time of `controller`'s requeues of the Node `node`.
    pub fn earliest_for_node(&self, controller: usize, node: &str) -> Option<SimTime> {
        self.by_node
            .get(&controller)
            .and_then(|nodes| nodes.get(node))
            .and_then(|slots| slots.peek())
            .map(|Reverse((due, _))| *due)
    }

    /// Every pending timer, earliest first.
    pub fn iter(&self) -> impl Iterator<Item = (SimTime, &Timer)> {
        let mut pending: Vec<(Slot, usize)> =
            self.queue.iter().map(|Reverse(entry)| *entry).collect();
        pending.sort_unstable();
        pending
            .into_iter()
            .filter_map(|((due, _), index)| self.timers[index].as_ref().map(|timer| (due, timer)))
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::registry::lookup_kind_name;
    use crate::time::SimDuration;

    fn key(kind: &str, name: &str) -> ObjectKey {
        ObjectKey::new(lookup_kind_name(kind).expect("served kind"), "", name)
    }

    #[test]
    fn timers_fire_by_due_time_then_scheduling_order_and_classes_follow() {
        let start = SimTime::DEFAULT_EPOCH;
        let at = |seconds| start + SimDuration::from_secs(seconds);
        let mut agenda = Agenda::default();
        let requeue = |controller, kind, name| Timer::Requeue {
            controller,
            key: key(kind, name),
        };
        agenda.schedule(at(10), requeue(1, "Node", "b"));
        agenda.schedule(at(5), requeue(1, "Node", "a"));
        agenda.schedule(at(10), requeue(2, "Namespace", "x"));
        agenda.schedule(at(5), requeue(1, "Node", "b"));
        agenda.schedule(at(20), requeue(1, "Node", "a"));
        assert_eq!(agenda.len(), 5);
        assert_eq!(agenda.next_due(), Some(at(5)));
        assert_eq!(agenda.earliest_for_node(1, "b"), Some(at(5)));
        let listed: Vec<(SimTime, String)> = agenda
            .iter()
            .map(|(due, Timer::Requeue { key, .. })| (due, key.name.to_string()))
            .collect();
        let names: Vec<&str> = listed.iter().map(|(_, name)| name.as_str()).collect();
        assert_eq!(names, ["a", "b", "b", "x", "a"]);

        assert_eq!(agenda.pop_due(at(4)), None);
        assert_eq!(agenda.take_due(at(5)).len(), 2);
        assert_eq!(agenda.earliest_for_node(1, "b"), Some(at(10)));
        assert_eq!(agenda.earliest_for_node(1, "a"), Some(at(20)));
        let classes: Vec<((usize, bool), SimTime)> = agenda.earliest_by_class().collect();
        assert_eq!(classes, [((1, true), at(10)), ((2, false), at(10))]);
        // Same instant: the order of scheduling.
        assert_eq!(agenda.pop_due(at(10)), Some(requeue(1, "Node", "b")));
        assert_eq!(agenda.pop_due(at(10)), Some(requeue(2, "Namespace", "x")));
        assert_eq!(agenda.earliest_for_node(1, "b"), None);
        let classes: Vec<((usize, bool), SimTime)> = agenda.earliest_by_class().collect();
        assert_eq!(classes, [((1, true), at(20))]);
        assert_eq!(agenda.pop_due(at(30)), Some(requeue(1, "Node", "a")));
        assert!(agenda.is_empty());
        assert_eq!(agenda.next_due(), None);
        // Freed storage is reused.
        agenda.schedule(at(40), requeue(1, "Node", "c"));
        assert_eq!(agenda.timers.len(), 5);
        assert_eq!(agenda.earliest_for_node(1, "c"), Some(at(40)));
    }
}
