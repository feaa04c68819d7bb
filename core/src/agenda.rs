//! The timer agenda: what is due when, in virtual time.
//!
//! Timers due at the same instant fire in the order they were scheduled, so the
//! agenda never depends on anything but the inputs.

use std::collections::BTreeMap;

use crate::api_server::ObjectKey;
use crate::time::SimTime;

/// Something that becomes due at a point in virtual time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// Put `key` back on the work queue of the controller at index `controller`.
    Requeue { controller: usize, key: ObjectKey },
}

#[derive(Clone, Debug, Default)]
pub struct Agenda {
    timers: BTreeMap<(SimTime, u64), Timer>,
    next_sequence: u64,
}

impl Agenda {
    pub fn schedule(&mut self, due: SimTime, timer: Timer) {
        self.timers.insert((due, self.next_sequence), timer);
        self.next_sequence += 1;
    }

    /// When the earliest timer is due.
    pub fn next_due(&self) -> Option<SimTime> {
        self.timers.keys().next().map(|(due, _)| *due)
    }

    /// Removes and returns every timer due at or before `now`, earliest first.
    pub fn take_due(&mut self, now: SimTime) -> Vec<Timer> {
        let mut due = Vec::new();
        while let Some(entry) = self.timers.first_entry() {
            if entry.key().0 > now {
                break;
            }
            due.push(entry.remove());
        }
        due
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
