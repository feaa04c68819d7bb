//! The kubelet's back-off: client-go's `flowcontrol.Backoff` without jitter, as
//! `flowcontrol.NewBackOff(10s, 300s)` builds it for crash loops and image pulls.
//!
//! Upstream: `staging/src/k8s.io/client-go/util/flowcontrol/backoff.go`,
//! `pkg/kubelet/kubelet.go` (`backOffPeriod`, `MaxContainerBackOff`).
//! Worked example: a container that exits every time at once restarts immediately
//! the first time (no entry yet; `Next` creates one of 10 s), then waits 10, 20, 40,
//! 80, 160, 300, 300 … s after each exit. An entry whose last update is more than
//! 2 × 300 s = 10 min before the exit has expired: the next wait starts at 10 s again.

use crate::time::{SimDuration, SimTime};

/// The first back-off (`backOffPeriod`).
pub const INITIAL_BACKOFF: SimDuration = SimDuration::from_secs(10);
/// The cap (`MaxContainerBackOff`).
pub const MAX_BACKOFF: SimDuration = SimDuration::from_secs(300);

/// One key's back-off entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub duration: SimDuration,
    pub last_update: SimTime,
}

/// `hasExpired`: the entry is older than twice the cap at `event_time`.
fn has_expired(entry: &Backoff, event_time: SimTime) -> bool {
    event_time - entry.last_update > SimDuration::from_millis(MAX_BACKOFF.as_millis() * 2)
}

/// `Backoff.Next(id, eventTime)`: starts or doubles the entry; `now` is the clock.
pub fn next(entry: Option<Backoff>, event_time: SimTime, now: SimTime) -> Backoff {
    let duration = match entry {
        Some(entry) if !has_expired(&entry, event_time) => {
            SimDuration::from_millis(entry.duration.as_millis() * 2).min(MAX_BACKOFF)
        }
        _ => INITIAL_BACKOFF,
    };
    Backoff {
        duration,
        last_update: now,
    }
}

/// `IsInBackOffSince(id, eventTime)`: still waiting at `now` after an event at
/// `event_time` (a container's finishedAt).
pub fn in_backoff_since(entry: Option<&Backoff>, event_time: SimTime, now: SimTime) -> bool {
    match entry {
        None => false,
        Some(entry) if has_expired(entry, event_time) => false,
        Some(entry) => now - event_time < entry.duration,
    }
}

/// `IsInBackOffSinceUpdate(id, now)`: still waiting since the entry's last update
/// (image pulls).
pub fn in_backoff_since_update(entry: Option<&Backoff>, now: SimTime) -> bool {
    match entry {
        None => false,
        Some(entry) if has_expired(entry, now) => false,
        Some(entry) => now - entry.last_update < entry.duration,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `TestSlowBackoff` / `TestBackoffReset` in client-go's backoff_test.go, as
    /// the kubelet uses it: the waits double to the cap, and reset after 2 × cap.
    #[test]
    fn doubles_to_the_cap_then_resets_after_ten_minutes() {
        let start = SimTime::DEFAULT_EPOCH;
        let mut entry = None;
        let mut waits = Vec::new();
        let mut now = start;
        for _ in 0..8 {
            let next_entry = next(entry, now, now);
            waits.push(next_entry.duration.as_secs());
            now += next_entry.duration;
            entry = Some(next_entry);
        }
        assert_eq!(waits, vec![10, 20, 40, 80, 160, 300, 300, 300]);
        let late = now + SimDuration::from_secs(601);
        assert!(!in_backoff_since(entry.as_ref(), late, late));
        assert_eq!(next(entry, late, late).duration, INITIAL_BACKOFF);
    }
}
