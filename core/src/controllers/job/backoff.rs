//! The Job controller's pod-failure backoff: how long to wait before creating
//! pods again after failures.
//!
//! Upstream: `pkg/controller/job/backoff_utils.go` (newBackoffRecord,
//! getRemainingTime) and `job_controller.go` (DefaultJobPodFailureBackOff = 10 s,
//! MaxJobPodFailureBackOff = 10 min).
//! - The record counts the failures since the last success and remembers the
//!   latest failure's finish time.
//! - The delay is base × 2^(failures − 1), capped at the maximum, measured from that
//!   last failure: with the defaults 10 s, 20 s, 40 s, 80 s, 160 s, 320 s, then 600 s.

use crate::time::{SimDuration, SimTime};

/// `DefaultJobPodFailureBackOff`.
pub const DEFAULT_POD_FAILURE_BACKOFF: SimDuration = SimDuration::from_secs(10);
/// `MaxJobPodFailureBackOff`.
pub const MAX_POD_FAILURE_BACKOFF: SimDuration = SimDuration::from_mins(10);

/// `backoffRecord`: failures after the last success, and when the last one finished.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BackoffRecord {
    pub failures_after_last_success: u32,
    pub last_failure_time: Option<SimTime>,
}

impl BackoffRecord {
    /// `newBackoffRecord`: the record after this sync counted `succeeded` and `failed`
    /// pods, given as finish times (each list in any order). A success resets the
    /// count to the failures that finished after the latest success.
    pub fn updated(self, succeeded: &[SimTime], failed: &[SimTime]) -> BackoffRecord {
        if succeeded.is_empty() {
            if failed.is_empty() {
                return self;
            }
            return BackoffRecord {
                failures_after_last_success: self.failures_after_last_success + failed.len() as u32,
                last_failure_time: failed.iter().copied().max(),
            };
        }
        let last_success = succeeded.iter().copied().max();
        let after: Vec<SimTime> = failed
            .iter()
            .copied()
            .filter(|time| Some(*time) > last_success)
            .collect();
        BackoffRecord {
            failures_after_last_success: after.len() as u32,
            last_failure_time: after.iter().copied().max(),
        }
    }

    /// `getRemainingTime`: how long pod creation still waits at `now`.
    pub fn remaining(&self, now: SimTime, base: SimDuration, max: SimDuration) -> SimDuration {
        if self.failures_after_last_success == 0 {
            return SimDuration::ZERO;
        }
        let mut backoff = base;
        for _ in 1..self.failures_after_last_success {
            backoff = SimDuration::from_millis(backoff.as_millis().saturating_mul(2));
            if backoff >= max {
                backoff = max;
                break;
            }
        }
        let elapsed = now - self.last_failure_time.unwrap_or(now);
        if backoff < elapsed {
            SimDuration::ZERO
        } else {
            backoff - elapsed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Upstream `TestGetRemainingBackoffTime` (pkg/controller/job/backoff_utils_test.go),
    /// with its base of 5 s and maximum of 700 s: (failures, seconds since the last
    /// failure) → seconds to wait.
    #[test]
    fn remaining_backoff_time() {
        let base = SimDuration::from_secs(5);
        let max = SimDuration::from_secs(700);
        let start = SimTime::DEFAULT_EPOCH;
        let cases = [
            (0, 0, 0),
            (1, 0, 5),
            (1, 1, 4),
            (1, 5, 0),
            (1, 6, 0),
            (3, 0, 20),
            (8, 0, 640),
            (9, 0, 700),
        ];
        for (failures, elapsed, expected) in cases {
            let record = BackoffRecord {
                failures_after_last_success: failures,
                last_failure_time: (failures > 0).then_some(start),
            };
            let now = start + SimDuration::from_secs(elapsed);
            assert_eq!(
                record.remaining(now, base, max),
                SimDuration::from_secs(expected),
                "failures={failures} elapsed={elapsed}s"
            );
        }
    }

    #[test]
    fn default_delays_double_up_to_ten_minutes() {
        let start = SimTime::DEFAULT_EPOCH;
        let delays: Vec<i64> = (1..=8)
            .map(|failures| {
                BackoffRecord {
                    failures_after_last_success: failures,
                    last_failure_time: Some(start),
                }
                .remaining(start, DEFAULT_POD_FAILURE_BACKOFF, MAX_POD_FAILURE_BACKOFF)
                .as_secs()
            })
            .collect();
        assert_eq!(delays, vec![10, 20, 40, 80, 160, 320, 600, 600]);
    }

    #[test]
    fn a_success_resets_the_count_to_later_failures() {
        let t = |s: i64| SimTime::DEFAULT_EPOCH + SimDuration::from_secs(s);
        let record = BackoffRecord::default().updated(&[], &[t(1), t(2)]);
        assert_eq!(record.failures_after_last_success, 2);
        assert_eq!(record.last_failure_time, Some(t(2)));
        let record = record.updated(&[t(5)], &[t(3), t(7)]);
        assert_eq!(
            record,
            BackoffRecord {
                failures_after_last_success: 1,
                last_failure_time: Some(t(7))
            }
        );
        assert_eq!(record.updated(&[t(9)], &[]), BackoffRecord::default());
    }
}
