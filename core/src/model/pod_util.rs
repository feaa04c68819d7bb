//! Questions controllers ask about a pod: is it active, ready, available, terminating?
//!
//! Upstream: `pkg/api/v1/pod/util.go` (`IsPodReady`, `IsPodAvailable`,
//! `GetPodReadyCondition`) and `pkg/controller/controller_utils.go` (`IsPodActive`,
//! `IsPodTerminating`, `maxContainerRestarts`), and
//! `pkg/apis/core/helper` (`GetDeletionCostFromPodAnnotations`).

use super::pod::{Pod, PodCondition};
use crate::time::{SimDuration, SimTime};

/// `v1.PodPending`: accepted, not all containers running yet.
pub const POD_PENDING: &str = "Pending";
/// `v1.PodRunning`: bound and at least one container running.
pub const POD_RUNNING: &str = "Running";
/// `v1.PodSucceeded`: every container exited 0 and will not restart.
pub const POD_SUCCEEDED: &str = "Succeeded";
/// `v1.PodFailed`: every container terminated, at least one in failure.
pub const POD_FAILED: &str = "Failed";
/// `v1.PodUnknown`: the node stopped reporting.
pub const POD_UNKNOWN: &str = "Unknown";

/// The `Ready` pod condition type.
pub const POD_READY: &str = "Ready";

/// The annotation that orders scale-down (`controller.kubernetes.io/pod-deletion-cost`).
pub const POD_DELETION_COST_ANNOTATION: &str = "controller.kubernetes.io/pod-deletion-cost";

/// `IsPodTerminal`: the phase is Succeeded or Failed.
pub fn is_pod_terminal(pod: &Pod) -> bool {
    matches!(pod.phase(), POD_SUCCEEDED | POD_FAILED)
}

/// `controller.IsPodActive`: not finished and not being deleted. Only active pods count
/// towards a ReplicaSet's replicas.
pub fn is_pod_active(pod: &Pod) -> bool {
    !is_pod_terminal(pod) && !pod.metadata.is_being_deleted()
}

/// `controller.IsPodTerminating`: being deleted but not finished yet.
pub fn is_pod_terminating(pod: &Pod) -> bool {
    !is_pod_terminal(pod) && pod.metadata.is_being_deleted()
}

/// `GetPodReadyCondition`: the `Ready` condition, if the kubelet reported one.
pub fn pod_ready_condition(pod: &Pod) -> Option<&PodCondition> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|condition| condition.type_.as_deref() == Some(POD_READY))
}

/// `IsPodReady`: the `Ready` condition is `True`.
pub fn is_pod_ready(pod: &Pod) -> bool {
    pod_ready_condition(pod).is_some_and(|condition| condition.status.as_deref() == Some("True"))
}

/// When a ready pod became ready (its Ready condition's lastTransitionTime); None
/// when it is not ready or the time is missing (`podReadyTime`'s zero time).
pub fn pod_ready_time(pod: &Pod) -> Option<SimTime> {
    if !is_pod_ready(pod) {
        return None;
    }
    pod_ready_condition(pod)?
        .last_transition_time
        .map(|time| time.0)
}

/// `IsPodAvailable`: ready for at least `min_ready_seconds`. With 0 every ready pod is
/// available; otherwise the Ready transition time plus minReadySeconds must lie strictly
/// before `now` (a missing transition time is never available).
/// Example: ready at 10:00:00 with minReadySeconds 5 is available at 10:00:06, not at 10:00:05.
pub fn is_pod_available(pod: &Pod, min_ready_seconds: i32, now: SimTime) -> bool {
    if !is_pod_ready(pod) {
        return false;
    }
    if min_ready_seconds <= 0 {
        return true;
    }
    pod_ready_condition(pod)
        .and_then(|condition| condition.last_transition_time)
        .is_some_and(|since| since.0 + SimDuration::from_secs(i64::from(min_ready_seconds)) < now)
}

/// When a ready pod that is not yet available becomes available, for requeueing:
/// the first whole second after readiness + minReadySeconds. None when it already is,
/// or never will be without another change.
pub fn pod_available_at(pod: &Pod, min_ready_seconds: i32, now: SimTime) -> Option<SimTime> {
    if min_ready_seconds <= 0 || is_pod_available(pod, min_ready_seconds, now) {
        return None;
    }
    let since = pod_ready_time(pod)?;
    Some(since + SimDuration::from_secs(i64::from(min_ready_seconds) + 1))
}

/// `maxContainerRestarts`: the highest restartCount among the regular containers.
pub fn max_container_restarts(pod: &Pod) -> i32 {
    pod.status
        .as_ref()
        .and_then(|status| status.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|status| status.restart_count)
        .max()
        .unwrap_or(0)
        .max(0)
}

/// `GetDeletionCostFromPodAnnotations`: the pod-deletion-cost annotation as an int32;
/// missing or invalid is 0 (the scale-down ordering ignores the parse error).
pub fn pod_deletion_cost(pod: &Pod) -> i32 {
    pod.metadata
        .annotation(POD_DELETION_COST_ANNOTATION)
        .and_then(|text| text.parse::<i32>().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Time;
    use crate::model::pod::PodStatus;

    fn ready_pod(since: SimTime) -> Pod {
        Pod {
            status: Some(PodStatus {
                phase: Some(POD_RUNNING.to_string()),
                conditions: Some(vec![PodCondition {
                    type_: Some(POD_READY.to_string()),
                    status: Some("True".to_string()),
                    last_transition_time: Some(Time(since)),
                    ..PodCondition::default()
                }]),
                ..PodStatus::default()
            }),
            ..Pod::default()
        }
    }

    // Upstream TestIsPodAvailable (pkg/api/v1/pod/util_test.go): ready for 0 with
    // minReadySeconds 0 is available; ready for 1s with 1 is not; ready for 2s with 1 is.
    #[test]
    fn availability_needs_ready_for_strictly_longer_than_min_ready_seconds() {
        let now = SimTime::DEFAULT_EPOCH + SimDuration::from_secs(100);
        assert!(is_pod_available(&ready_pod(now), 0, now));
        let one_second_ago = now - SimDuration::from_secs(1);
        assert!(!is_pod_available(&ready_pod(one_second_ago), 1, now));
        let two_seconds_ago = now - SimDuration::from_secs(2);
        assert!(is_pod_available(&ready_pod(two_seconds_ago), 1, now));
        assert!(!is_pod_available(&Pod::default(), 0, now));
        assert_eq!(
            pod_available_at(&ready_pod(one_second_ago), 1, now),
            Some(now + SimDuration::from_secs(1))
        );
    }

    #[test]
    fn active_excludes_finished_and_deleted_pods() {
        let mut pod = ready_pod(SimTime::DEFAULT_EPOCH);
        assert!(is_pod_active(&pod));
        pod.metadata.deletion_timestamp = Some(Time(SimTime::DEFAULT_EPOCH));
        assert!(!is_pod_active(&pod));
        assert!(is_pod_terminating(&pod));
        pod.status.as_mut().unwrap().phase = Some(POD_SUCCEEDED.to_string());
        assert!(!is_pod_terminating(&pod));
        pod.metadata.deletion_timestamp = None;
        assert!(!is_pod_active(&pod));
    }
}
