//! etcd's leases: keys written with a lease are deleted when it expires.
//!
//! Upstream: `go.etcd.io/etcd/server/lease/lessor.go`. A lease is granted with a
//! TTL; a put may attach its key to a lease, and a put without one detaches it
//! (the key lives on); when a lease expires, the lessor revokes it and every key
//! still attached goes. etcd's lessor looks for expired leases every 500 ms; here a
//! lease is revoked at the instant it expires, as the simulation has no clock
//! between instants.
//!
//! Keys are kept per lease in a list and checked against `lease_of` when the lease
//! goes, so that a key moved to a newer lease (an Event updated later) costs no
//! removal from the older lease's list; only the lease a key holds now deletes it.

use std::collections::{BTreeMap, BTreeSet};

use super::store::{KeyMap, ObjectKey};
use crate::time::SimTime;

/// etcd's `LeaseID`. Granted in increasing order; the number is never shown.
pub type LeaseId = u64;

#[derive(Clone, Debug)]
struct Lease {
    /// Every key attached to this lease at some point; those whose `lease_of` is
    /// still this lease are the ones attached now.
    keys: Vec<ObjectKey>,
}

#[derive(Clone, Debug, Default)]
pub struct Lessor {
    next_id: LeaseId,
    leases: BTreeMap<LeaseId, Lease>,
    /// (expiry, lease): the next lease to expire first.
    by_expiry: BTreeSet<(SimTime, LeaseId)>,
    /// The lease each key is attached to.
    lease_of: KeyMap<LeaseId>,
}

impl Lessor {
    /// Grants a lease that expires at `expiry`.
    pub fn grant(&mut self, expiry: SimTime) -> LeaseId {
        self.next_id += 1;
        let id = self.next_id;
        self.leases.insert(id, Lease { keys: Vec::new() });
        self.by_expiry.insert((expiry, id));
        id
    }

    /// Attaches `key` to `lease` (detaching it from any other). A lease that has
    /// gone attaches nothing, as etcd refuses a put with a revoked lease.
    pub fn attach(&mut self, key: &ObjectKey, lease: LeaseId) {
        let Some(granted) = self.leases.get_mut(&lease) else {
            self.detach(key);
            return;
        };
        match self.lease_of.get_mut(key) {
            Some(current) if *current == lease => {}
            Some(current) => {
                *current = lease;
                granted.keys.push(key.clone());
            }
            None => {
                self.lease_of.insert(key.clone(), lease);
                granted.keys.push(key.clone());
            }
        }
    }

    /// Detaches `key` from its lease, if it has one: a put without a lease, or a
    /// deletion.
    pub fn detach(&mut self, key: &ObjectKey) {
        // Most keys never had a lease: their type's slot in `lease_of` is empty.
        self.lease_of.remove(key);
    }

    /// [`Lessor::detach`] of `ObjectKey::of(object)`, without making the key.
    pub fn detach_of(&mut self, object: &crate::model::Object) {
        self.lease_of.remove_of(object);
    }

    /// The lease `key` is attached to.
    pub fn lease_of(&self, key: &ObjectKey) -> Option<LeaseId> {
        self.lease_of.get(key).copied()
    }

    /// When the next lease expires.
    pub fn next_expiry(&self) -> Option<SimTime> {
        self.by_expiry.first().map(|(expiry, _)| *expiry)
    }

    /// Revokes the first lease expired at `now`, returning the keys attached to it
    /// (in the order they were attached), which the caller deletes.
    pub fn revoke_expired(&mut self, now: SimTime) -> Option<(LeaseId, Vec<ObjectKey>)> {
        let &(expiry, id) = self.by_expiry.first()?;
        if expiry > now {
            return None;
        }
        self.by_expiry.remove(&(expiry, id));
        let lease = self.leases.remove(&id)?;
        let mut attached = Vec::with_capacity(lease.keys.len());
        for key in lease.keys {
            if self.lease_of.get(&key) == Some(&id) {
                self.lease_of.remove(&key);
                attached.push(key);
            }
        }
        Some((id, attached))
    }

    /// Leases granted and not yet revoked.
    pub fn len(&self) -> usize {
        self.leases.len()
    }

    pub fn is_empty(&self) -> bool {
        self.leases.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Resource;
    use crate::model::event::Event;
    use crate::time::SimDuration;

    fn key(name: &str) -> ObjectKey {
        ObjectKey::new(Event::resource_type(), "default", name)
    }

    #[test]
    fn a_lease_deletes_only_the_keys_still_attached_to_it() {
        let start = SimTime::DEFAULT_EPOCH;
        let mut lessor = Lessor::default();
        let first = lessor.grant(start + SimDuration::from_secs(10));
        let second = lessor.grant(start + SimDuration::from_secs(20));
        lessor.attach(&key("a"), first);
        lessor.attach(&key("b"), first);
        lessor.attach(&key("c"), first);
        // Rewritten with a newer lease, and written without one (a put detaches).
        lessor.attach(&key("b"), second);
        lessor.detach(&key("c"));
        assert_eq!(lessor.lease_of(&key("b")), Some(second));
        assert_eq!(
            lessor.next_expiry(),
            Some(start + SimDuration::from_secs(10))
        );
        assert_eq!(
            lessor.revoke_expired(start + SimDuration::from_secs(9)),
            None
        );
        assert_eq!(
            lessor.revoke_expired(start + SimDuration::from_secs(10)),
            Some((first, vec![key("a")]))
        );
        assert_eq!(
            lessor.revoke_expired(start + SimDuration::from_secs(10)),
            None
        );
        assert_eq!(
            lessor.revoke_expired(start + SimDuration::from_secs(30)),
            Some((second, vec![key("b")]))
        );
        assert!(lessor.is_empty());
        // A revoked lease attaches nothing.
        lessor.attach(&key("d"), first);
        assert_eq!(lessor.lease_of(&key("d")), None);
    }
}
