//! Waiting commands advance the virtual clock.
//!
//! `kubectl rollout status`, `kubectl wait`, `kubectl delete` (which waits for
//! the object to be gone) and `kubectl drain` block on a real cluster until
//! something happens. Here time is virtual: the command settles the cluster,
//! checks its condition, and moves the clock to the next timer (a requeue, a
//! kubelet's probe, a grace period ending) until the condition holds or the
//! timeout passes. A wait without a timeout gets [`DEFAULT_BUDGET`] of virtual
//! time so that it always ends; running out is a reported error.

use crate::simulation::Simulation;
use crate::time::{SimDuration, SimTime};

/// The virtual time a wait without a timeout may take.
pub const DEFAULT_BUDGET: SimDuration = SimDuration::from_secs(3600);

/// The most clock moves one wait makes, so a chatty timer cannot spin forever.
const MAX_ADVANCES: u32 = 100_000;

/// How a wait ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WaitEnd<T> {
    /// The condition returned a value.
    Done(T),
    /// The deadline passed first.
    TimedOut,
    /// The simulation could not settle (its step budget ran out).
    Stuck(String),
}

/// Repeatedly settles the cluster and asks `check`, moving the clock to the next
/// timer between checks, until `check` returns `Some` or `timeout` of virtual
/// time has passed. `check` may record progress (rollout status prints each new
/// message). A zero timeout checks once.
pub fn wait_for<T>(
    simulation: &mut Simulation,
    timeout: SimDuration,
    mut check: impl FnMut(&Simulation) -> Option<T>,
) -> WaitEnd<T> {
    let deadline: SimTime = simulation.now() + timeout;
    if let Err(error) = simulation.advance_to(simulation.now()) {
        return WaitEnd::Stuck(error.to_string());
    }
    for _ in 0..MAX_ADVANCES {
        if let Some(value) = check(simulation) {
            return WaitEnd::Done(value);
        }
        if simulation.now() >= deadline {
            return WaitEnd::TimedOut;
        }
        let next = match simulation.next_wakeup() {
            Some(due) if due <= deadline => due.max(simulation.now()),
            _ => deadline,
        };
        // A timer already due fires now; the clock never stalls on one instant.
        let next = if next <= simulation.now() {
            simulation.now() + SimDuration::from_millis(1)
        } else {
            next
        };
        if let Err(error) = simulation.advance_to(next.min(deadline)) {
            return WaitEnd::Stuck(error.to_string());
        }
    }
    WaitEnd::Stuck(format!(
        "gave up after {MAX_ADVANCES} clock moves waiting for the condition"
    ))
}

/// Parses a kubectl duration flag (`--timeout=30s`), where a bare number means
/// seconds for some commands; kubectl's error when it is malformed.
pub fn parse_timeout(flag: &str, text: &str) -> Result<SimDuration, String> {
    SimDuration::parse_go(text).map_err(|error| {
        format!("error: invalid argument \"{text}\" for \"--{flag}\" flag: {error}")
    })
}
