//! Which etcd lease an object with a TTL is written with: the API server reuses one
//! lease for the writes of about a minute, so that an hour of Events costs a lease a
//! minute, not one per write, and the Events of one minute go together.
//!
//! Upstream: `staging/src/k8s.io/apiserver/pkg/storage/etcd3/lease_manager.go`
//! (`GetLease`), with the defaults of `--lease-reuse-duration-seconds` (60) and
//! `defaultLeaseMaxObjectCount` (1000). The reuse window is the smaller of 60 s and
//! 5 % of the TTL, and a new lease is granted for the TTL plus that window. For the
//! one-hour Event TTL: reuse = min(60, 0.05 × 3600 = 180) = 60 s, so a lease is
//! granted for 3,660 s, and the writes of the next 60 s (up to 1,000 objects) reuse
//! it. An Event written at 10:00:00 and one written at 10:00:59 both go at 11:01:00:
//! an Event lives between one hour and one hour and a minute after its last write.

use super::lessor::LeaseId;
use super::store::Store;
use crate::time::{SimDuration, SimTime};

/// `--lease-reuse-duration-seconds`.
pub const LEASE_REUSE_DURATION_SECONDS: i64 = 60;
/// `leaseReuseDurationPercent`: 5 % of the TTL, when that is less than the above.
const LEASE_REUSE_DURATION_PERCENT: f64 = 0.05;
/// `defaultLeaseMaxObjectCount`: objects attached to one lease at most.
pub const LEASE_MAX_ATTACHED_OBJECT_COUNT: u64 = 1000;

/// The previous lease and how many writes it was handed to.
#[derive(Clone, Debug, Default)]
pub struct LeaseManager {
    previous: Option<PreviousLease>,
    /// Counts every request for a lease since the previous one was granted, the
    /// granting one included (upstream counts failed writes too).
    attached_object_count: u64,
}

#[derive(Clone, Copy, Debug)]
struct PreviousLease {
    id: LeaseId,
    expiry: SimTime,
}

impl LeaseManager {
    /// The lease a write at `now` with a TTL of `ttl_seconds` is attached to: the
    /// previous one when it expires after `now + ttl` but no later than
    /// `now + ttl + reuse` and has fewer than 1,000 objects; a new one for
    /// `ttl + reuse` otherwise.
    pub fn get_lease(&mut self, store: &mut Store, now: SimTime, ttl_seconds: i64) -> LeaseId {
        let reuse_seconds = reuse_duration_seconds(ttl_seconds);
        self.attached_object_count += 1;
        if let Some(previous) = self.previous {
            let valid = now + SimDuration::from_secs(ttl_seconds) < previous.expiry;
            // Upstream asks `After`: a real clock always moves between two writes;
            // here the writes of one instant share a reading, so equal is enough.
            let sufficient =
                now + SimDuration::from_secs(ttl_seconds + reuse_seconds) >= previous.expiry;
            if valid && sufficient && self.attached_object_count <= LEASE_MAX_ATTACHED_OBJECT_COUNT
            {
                return previous.id;
            }
        }
        let expiry = now + SimDuration::from_secs(ttl_seconds + reuse_seconds);
        let id = store.grant_lease(expiry);
        self.previous = Some(PreviousLease { id, expiry });
        self.attached_object_count = 1;
        id
    }
}

/// `getReuseDurationSecondsLocked`: the smaller of 60 s and 5 % of the TTL (rounded
/// down, as Go's `int64()` conversion does).
fn reuse_duration_seconds(ttl_seconds: i64) -> i64 {
    let by_percent = (LEASE_REUSE_DURATION_PERCENT * ttl_seconds as f64) as i64;
    by_percent.min(LEASE_REUSE_DURATION_SECONDS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reuse_window_is_the_smaller_of_a_minute_and_five_percent() {
        assert_eq!(reuse_duration_seconds(3600), 60);
        assert_eq!(reuse_duration_seconds(600), 30);
        assert_eq!(reuse_duration_seconds(30), 1);
        assert_eq!(reuse_duration_seconds(10), 0);
    }

    #[test]
    fn writes_within_the_window_share_a_lease_until_it_is_full() {
        let mut store = Store::new(10);
        let mut manager = LeaseManager::default();
        let start = SimTime::DEFAULT_EPOCH;
        let first = manager.get_lease(&mut store, start, 3600);
        assert_eq!(
            store.next_lease_expiry(),
            Some(start + SimDuration::from_secs(3660))
        );
        // 59 s later the lease still expires after now + 1 h: reused.
        let later = start + SimDuration::from_secs(59);
        assert_eq!(manager.get_lease(&mut store, later, 3600), first);
        // At 60 s it would expire exactly at now + 1 h, not after: a new lease.
        let minute = start + SimDuration::from_secs(60);
        let second = manager.get_lease(&mut store, minute, 3600);
        assert_ne!(second, first);
        // The new lease takes 999 more objects; the 1,001st gets another.
        for _ in 1..LEASE_MAX_ATTACHED_OBJECT_COUNT {
            assert_eq!(manager.get_lease(&mut store, minute, 3600), second);
        }
        let third = manager.get_lease(&mut store, minute, 3600);
        assert_ne!(third, second);
        assert_eq!(store.lease_count(), 3);
    }
}
