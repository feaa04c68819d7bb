//! The `pods/eviction` subresource: a delete that respects PodDisruptionBudgets.
//!
//! Upstream: `pkg/registry/core/pod/storage/eviction.go` and the budget math of
//! `pkg/controller/disruption/disruption.go`. kubesim stores PodDisruptionBudgets
//! but runs no disruption controller, so the eviction computes the budget's
//! status itself at the moment of the request (deliberately different: upstream
//! reads `status.disruptionsAllowed`, which the controller keeps current).
//! Worked example: `minAvailable: 2` over 3 ready pods allows 3 − 2 = 1
//! disruption; once one pod is terminating, 2 − 2 = 0, and the next eviction is
//! a 429.

use crate::api_server::{ApiError, ApiServer, DeleteOptions, DeleteOutcome};
use crate::model::Object;
use crate::model::intstr::IntOrString;
use crate::model::pod::Pod;
use crate::model::registry::lookup_kind_name;
use crate::model::selector::{LabelSelector, label_selector_as_selector};

/// Why an eviction was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum EvictionError {
    Api(ApiError),
    /// 429 TooManyRequests: a disruption budget would be violated.
    TooManyRequests {
        message: String,
        cause: String,
    },
}

impl std::fmt::Display for EvictionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvictionError::Api(error) => write!(f, "{error}"),
            EvictionError::TooManyRequests { message, .. } => f.write_str(message),
        }
    }
}

/// `ceil(percent × total / 100)`, or the integer itself (`GetScaledValueFromIntOrPercent` rounding up).
fn scaled(value: &IntOrString, total: i64, round_up: bool) -> Option<i64> {
    match value {
        IntOrString::Int(number) => Some(i64::from(*number)),
        IntOrString::String(text) => {
            let percent: i64 = text.strip_suffix('%')?.parse().ok()?;
            let product = percent * total;
            Some(if round_up {
                (product + 99) / 100
            } else {
                product / 100
            })
        }
    }
}

fn is_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|status| status.conditions.as_ref())
        .into_iter()
        .flatten()
        .any(|condition| {
            condition.type_.as_deref() == Some("Ready")
                && condition.status.as_deref() == Some("True")
        })
}

impl ApiServer {
    /// Evicts a pod: refused with 429 while a matching PodDisruptionBudget allows no
    /// disruption; otherwise the pod is deleted with `options`.
    pub fn evict(
        &mut self,
        namespace: &str,
        name: &str,
        options: &DeleteOptions,
    ) -> Result<DeleteOutcome, EvictionError> {
        let pod_type = lookup_kind_name("Pod").expect("Pod is served");
        let pdb_type = lookup_kind_name("PodDisruptionBudget").expect("PDB is served");
        let pod = self
            .get(pod_type, namespace, name)
            .map_err(EvictionError::Api)?;
        let Object::Pod(pod) = pod.as_ref() else {
            return Err(EvictionError::Api(ApiError::BadRequest(
                "not a pod".to_string(),
            )));
        };
        let phase = pod.phase();
        // Terminal and already-terminating pods are deleted without consulting budgets.
        let exempt = phase == "Succeeded" || phase == "Failed" || pod.metadata.is_being_deleted();
        if !exempt {
            let pod_labels = pod.metadata.labels_or_empty().clone();
            let budgets: Vec<_> = self.list(pdb_type, Some(namespace)).cloned().collect();
            let matching: Vec<_> = budgets
                .iter()
                .filter_map(|budget| {
                    let Object::Generic(generic) = budget.as_ref() else {
                        return None;
                    };
                    let spec = generic.body.get("spec")?;
                    let selector: LabelSelector =
                        serde_json::from_value(spec.get("selector")?.clone()).ok()?;
                    let selector = label_selector_as_selector(Some(&selector)).ok()?;
                    selector
                        .matches(&pod_labels)
                        .then(|| (generic.metadata.name().to_string(), spec.clone(), selector))
                })
                .collect();
            if matching.len() > 1 {
                return Err(EvictionError::Api(ApiError::BadRequest(
                    "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.".to_string(),
                )));
            }
            if let Some((budget_name, spec, selector)) = matching.into_iter().next() {
                let selected: Vec<Pod> = self
                    .list(pod_type, Some(namespace))
                    .filter_map(|object| object.as_::<Pod>())
                    .filter(|candidate| selector.matches(candidate.metadata.labels_or_empty()))
                    .cloned()
                    .collect();
                let expected = selected.len() as i64;
                let healthy = selected
                    .iter()
                    .filter(|candidate| {
                        !candidate.metadata.is_being_deleted() && is_ready(candidate)
                    })
                    .count() as i64;
                let int_or_string = |field: &str| -> Option<IntOrString> {
                    serde_json::from_value::<IntOrString>(spec.get(field)?.clone()).ok()
                };
                let desired = if let Some(min_available) = int_or_string("minAvailable") {
                    scaled(&min_available, expected, true).unwrap_or(expected)
                } else if let Some(max_unavailable) = int_or_string("maxUnavailable") {
                    (expected - scaled(&max_unavailable, expected, true).unwrap_or(0)).max(0)
                } else {
                    expected
                };
                let allowed = if expected <= 0 {
                    0
                } else {
                    (healthy - desired).max(0)
                };
                if allowed == 0 {
                    return Err(EvictionError::TooManyRequests {
                        message:
                            "Cannot evict pod as it would violate the pod's disruption budget."
                                .to_string(),
                        cause: format!(
                            "The disruption budget {budget_name} needs {desired} healthy pods and has {healthy} currently"
                        ),
                    });
                }
            }
        }
        self.delete(pod_type, namespace, name, options)
            .map_err(EvictionError::Api)
    }
}
