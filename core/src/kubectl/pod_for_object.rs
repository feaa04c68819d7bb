//! Which pod a command on a workload acts on: `kubectl logs deployment/web`,
//! `kubectl exec job/pi -- ...`.
//!
//! Upstream: `staging/src/k8s.io/kubectl/pkg/polymorphichelpers`
//! (`SelectorsForObject`, `GetFirstPod`, `logsForObject`,
//! `attachablePodForObject`) and `pkg/util/podutils/podutils.go` (`ByLogging`,
//! `ActivePods`). `logs` takes the first pod by `ByLogging` and says
//! `Found 3 pods, using pod/web-x` when there were several; `exec` takes the
//! first by the reverse of `ActivePods`, silently.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::api_server::ApiServer;
use crate::api_server::field_selector::FieldSelector;
use crate::model::pod::Pod;
use crate::model::pod_util::{is_pod_ready, max_container_restarts, pod_ready_time};
use crate::model::selector::{LabelSelector, Selector, label_selector_as_selector};
use crate::model::{Object, Resource};
use crate::time::SimTime;

/// How to rank a workload's pods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodOrder {
    /// `podutils.ByLogging`: the pod most likely to have interesting logs first.
    ByLogging,
    /// `sort.Reverse(podutils.ActivePods)`: the most established pod first.
    ActiveReverse,
}

/// `SelectorsForObject`: the namespace and label selector of a workload's pods.
/// Kinds without a pod selector are kubectl's error.
pub fn selector_for_object(object: &Object) -> Result<Selector, String> {
    let value = object.to_value();
    let selector = &value["spec"]["selector"];
    let go_type = format!("*v1.{}", object.kind());
    let parse = |selector: &serde_json::Value| -> Result<Selector, String> {
        let label_selector: LabelSelector = serde_json::from_value(selector.clone())
            .map_err(|error| format!("invalid label selector: {error}"))?;
        label_selector_as_selector(Some(&label_selector)).map_err(|error| error.to_string())
    };
    match object.kind() {
        "ReplicaSet" | "Deployment" | "DaemonSet" | "StatefulSet" | "Job" => parse(selector),
        "Service" | "ReplicationController" => {
            let Some(map) = selector.as_object().filter(|map| !map.is_empty()) else {
                return Err(format!(
                    "invalid service '{}': Service is defined without a selector",
                    object.name()
                ));
            };
            let labels: BTreeMap<String, String> = map
                .iter()
                .map(|(key, value)| (key.clone(), value.as_str().unwrap_or("").to_string()))
                .collect();
            Ok(Selector::from_set(&labels))
        }
        _ => Err(format!("selector for {go_type} not implemented")),
    }
}

/// `GetFirstPod`: the workload's pods ranked by `order`, and how many there were.
/// None when the selector matches no pod (kubectl would then watch for one).
pub fn first_pod(
    api: &ApiServer,
    namespace: &str,
    selector: &Selector,
    order: PodOrder,
) -> Option<(Arc<Object>, usize)> {
    let mut pods = api
        .list_selected(
            Pod::resource_type(),
            Some(namespace),
            selector,
            &FieldSelector::default(),
        )
        .ok()?;
    let count = pods.len();
    pods.sort_by(|a, b| {
        let (Some(pa), Some(pb)) = (a.as_::<Pod>(), b.as_::<Pod>()) else {
            return Ordering::Equal;
        };
        match order {
            PodOrder::ByLogging => by_logging(pa, pb),
            PodOrder::ActiveReverse => active_pods(pb, pa),
        }
    });
    // Go's sort.Sort is not stable; kubesim keeps the list's name order among equals.
    pods.into_iter().next().map(|pod| (pod, count))
}

fn creation(pod: &Pod) -> Option<SimTime> {
    pod.metadata.creation_timestamp.map(|time| time.0)
}

/// `afterOrZero(t1, t2)`: t1 after t2, a zero (missing) time counting as after.
fn after_or_zero(t1: Option<SimTime>, t2: Option<SimTime>) -> bool {
    match (t1, t2) {
        (None, _) | (_, None) => t1.is_none(),
        (Some(t1), Some(t2)) => t1 > t2,
    }
}

fn less_to_ordering(less: bool) -> Ordering {
    if less {
        Ordering::Less
    } else {
        Ordering::Greater
    }
}

/// `ByLogging.Less`: assigned < unassigned; Running < Unknown < Pending; ready <
/// not ready; ready longer < ready shorter; more restarts < fewer; older < newer.
/// E.g. of two running ready pods, the one ready since 10:00 sorts before the one
/// ready since 10:05.
fn by_logging(a: &Pod, b: &Pod) -> Ordering {
    if a.node_name() != b.node_name() && (a.node_name().is_empty() || b.node_name().is_empty()) {
        return less_to_ordering(!a.node_name().is_empty());
    }
    let rank = |pod: &Pod| match pod.phase() {
        "Running" => 0,
        "Unknown" => 1,
        "Pending" => 2,
        // Go's map lookup of a missing phase gives 0.
        _ => 0,
    };
    if rank(a) != rank(b) {
        return rank(a).cmp(&rank(b));
    }
    if is_pod_ready(a) != is_pod_ready(b) {
        return less_to_ordering(is_pod_ready(a));
    }
    if is_pod_ready(a) && is_pod_ready(b) && pod_ready_time(a) != pod_ready_time(b) {
        return less_to_ordering(after_or_zero(pod_ready_time(b), pod_ready_time(a)));
    }
    if max_container_restarts(a) != max_container_restarts(b) {
        return max_container_restarts(b).cmp(&max_container_restarts(a));
    }
    if creation(a) != creation(b) {
        return less_to_ordering(after_or_zero(creation(b), creation(a)));
    }
    Ordering::Equal
}

/// `ActivePods.Less`: unassigned < assigned; Pending < Unknown < Running; not
/// ready < ready; ready shorter < ready longer; more restarts < fewer; newer < older.
fn active_pods(a: &Pod, b: &Pod) -> Ordering {
    if a.node_name() != b.node_name() && (a.node_name().is_empty() || b.node_name().is_empty()) {
        return less_to_ordering(a.node_name().is_empty());
    }
    let rank = |pod: &Pod| match pod.phase() {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    };
    if rank(a) != rank(b) {
        return rank(a).cmp(&rank(b));
    }
    if is_pod_ready(a) != is_pod_ready(b) {
        return less_to_ordering(!is_pod_ready(a));
    }
    if is_pod_ready(a) && is_pod_ready(b) && pod_ready_time(a) != pod_ready_time(b) {
        return less_to_ordering(after_or_zero(pod_ready_time(a), pod_ready_time(b)));
    }
    if max_container_restarts(a) != max_container_restarts(b) {
        return max_container_restarts(b).cmp(&max_container_restarts(a));
    }
    if creation(a) != creation(b) {
        return less_to_ordering(after_or_zero(creation(a), creation(b)));
    }
    Ordering::Equal
}
