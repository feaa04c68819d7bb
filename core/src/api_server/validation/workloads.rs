//! Deployment, ReplicaSet and DaemonSet validation.
//! Upstream: `pkg/apis/apps/validation/validation.go`.

use crate::model::daemon_set::{DaemonSet, RollingUpdateDaemonSet};
use crate::model::deployment::{Deployment, DeploymentStrategy};
use crate::model::intstr::IntOrString;
use crate::model::pod::PodTemplateSpec;
use crate::model::replica_set::ReplicaSet;
use crate::model::selector::{LabelSelector, label_selector_as_selector};
use crate::model::validation::{FieldError, regex_error, render_int, render_str};

use super::pod::validate_pod_template;
use super::{
    render_int_or_string, render_label_selector, render_string_map, validate_label_selector,
    validate_nonnegative,
};

pub fn validate_deployment(deployment: &Deployment, errors: &mut Vec<FieldError>) {
    let spec = deployment.spec();
    validate_nonnegative(
        i64::from(spec.replicas.unwrap_or(0)),
        "spec.replicas",
        errors,
    );
    validate_selector_and_template(spec.selector.as_ref(), spec.template.as_ref(), errors);
    validate_template_for_replicas(spec.template.as_ref(), "ReplicaSet", errors);
    if let Some(strategy) = &spec.strategy {
        validate_deployment_strategy(strategy, errors);
    }
    let min_ready_seconds = spec.min_ready_seconds.unwrap_or(0);
    validate_nonnegative(i64::from(min_ready_seconds), "spec.minReadySeconds", errors);
    if let Some(limit) = spec.revision_history_limit {
        validate_nonnegative(i64::from(limit), "spec.revisionHistoryLimit", errors);
    }
    if let Some(deadline_seconds) = spec.progress_deadline_seconds {
        validate_nonnegative(
            i64::from(deadline_seconds),
            "spec.progressDeadlineSeconds",
            errors,
        );
        if deadline_seconds <= min_ready_seconds {
            errors.push(FieldError::invalid(
                "spec.progressDeadlineSeconds",
                render_int(i64::from(deadline_seconds)),
                "must be greater than minReadySeconds",
            ));
        }
    }
}

pub fn validate_replica_set(replica_set: &ReplicaSet, errors: &mut Vec<FieldError>) {
    let spec = replica_set.spec();
    validate_nonnegative(
        i64::from(spec.replicas.unwrap_or(0)),
        "spec.replicas",
        errors,
    );
    validate_nonnegative(
        i64::from(spec.min_ready_seconds.unwrap_or(0)),
        "spec.minReadySeconds",
        errors,
    );
    // Upstream's ReplicaSet message says "deployment" too.
    validate_selector_and_template(spec.selector.as_ref(), spec.template.as_ref(), errors);
    validate_template_for_replicas(spec.template.as_ref(), "ReplicaSet", errors);
}

pub fn validate_daemon_set(daemon_set: &DaemonSet, errors: &mut Vec<FieldError>) {
    let spec = daemon_set.spec();
    validate_daemon_set_selector_and_template(
        spec.selector.as_ref(),
        spec.template.as_ref(),
        errors,
    );
    validate_template_for_replicas(spec.template.as_ref(), "DaemonSet", errors);
    validate_nonnegative(
        i64::from(spec.min_ready_seconds.unwrap_or(0)),
        "spec.minReadySeconds",
        errors,
    );
    if let Some(strategy) = &spec.update_strategy {
        let path = "spec.updateStrategy";
        match strategy.type_.as_deref().unwrap_or("") {
            "OnDelete" => {}
            "RollingUpdate" => match &strategy.rolling_update {
                None => errors.push(FieldError::required(format!("{path}.rollingUpdate"), "")),
                Some(rolling) => validate_rolling_update_daemon_set(rolling, errors),
            },
            other => errors.push(FieldError::not_supported(
                path,
                format!(
                    "apps.DaemonSetUpdateStrategy{{Type:{}, RollingUpdate:{}}}",
                    render_str(other),
                    render_pointer(
                        "apps.RollingUpdateDaemonSet",
                        strategy.rolling_update.is_some()
                    )
                ),
                &["RollingUpdate", "OnDelete"],
            )),
        }
    }
    if let Some(limit) = spec.revision_history_limit {
        validate_nonnegative(i64::from(limit), "spec.revisionHistoryLimit", errors);
    }
}

/// `ValidateReplicaSetSpec`/`ValidateDeploymentSpec`'s selector part: required,
/// valid and non-empty; then `ValidatePodTemplateSpecForReplicaSet`: the template's
/// labels match, and the template itself is valid.
pub fn validate_selector_and_template(
    selector: Option<&LabelSelector>,
    template: Option<&PodTemplateSpec>,
    errors: &mut Vec<FieldError>,
) {
    match selector {
        None => errors.push(FieldError::required("spec.selector", "")),
        Some(selector) => {
            validate_label_selector(selector, "spec.selector", errors);
            push_if_empty(selector, "empty selector is invalid for deployment", errors);
        }
    }
    // A missing selector selects nothing, so it also fails to match the template
    // (upstream reports both errors); `{}` selects everything and is not checked.
    match label_selector_as_selector(selector) {
        Err(_) => errors.push(FieldError::invalid(
            "spec.selector",
            render_label_selector(selector),
            "invalid label selector",
        )),
        Ok(parsed) if !parsed.is_empty() => push_if_mismatch(&parsed, template, errors),
        Ok(_) => {}
    }
    validate_pod_template(template, "spec.template", errors);
}

/// `ValidateDaemonSetSpec`'s selector part: no Required error for a missing selector
/// (it only fails to match), the match check before the empty check.
fn validate_daemon_set_selector_and_template(
    selector: Option<&LabelSelector>,
    template: Option<&PodTemplateSpec>,
    errors: &mut Vec<FieldError>,
) {
    if let Some(selector) = selector {
        validate_label_selector(selector, "spec.selector", errors);
    }
    if let Ok(parsed) = label_selector_as_selector(selector) {
        push_if_mismatch(&parsed, template, errors);
    }
    if let Some(selector) = selector {
        push_if_empty(selector, "empty selector is invalid for daemonset", errors);
    }
    validate_pod_template(template, "spec.template", errors);
}

fn push_if_empty(selector: &LabelSelector, message: &str, errors: &mut Vec<FieldError>) {
    let terms = selector.match_labels.as_ref().map_or(0, |m| m.len())
        + selector.match_expressions.as_ref().map_or(0, |e| e.len());
    if terms == 0 {
        errors.push(FieldError::invalid(
            "spec.selector",
            render_label_selector(Some(selector)),
            message,
        ));
    }
}

fn push_if_mismatch(
    selector: &crate::model::selector::Selector,
    template: Option<&PodTemplateSpec>,
    errors: &mut Vec<FieldError>,
) {
    let labels = template
        .and_then(|t| t.metadata.as_ref())
        .and_then(|m| m.labels.as_ref());
    let empty = Default::default();
    if !selector.matches(labels.unwrap_or(&empty)) {
        errors.push(FieldError::invalid(
            "spec.template.metadata.labels",
            render_string_map(labels),
            "`selector` does not match template `labels`",
        ));
    }
}

/// Controllers that keep pods running accept only `restartPolicy: Always` and no
/// `activeDeadlineSeconds`.
fn validate_template_for_replicas(
    template: Option<&PodTemplateSpec>,
    kind: &str,
    errors: &mut Vec<FieldError>,
) {
    let Some(spec) = template.and_then(|t| t.spec.as_ref()) else {
        return;
    };
    if let Some(policy) = spec.restart_policy.as_deref()
        && policy != "Always"
    {
        errors.push(FieldError::not_supported(
            "spec.template.spec.restartPolicy",
            render_str(policy),
            &["Always"],
        ));
    }
    if spec.active_deadline_seconds.is_some() {
        errors.push(FieldError::forbidden(
            "spec.template.spec.activeDeadlineSeconds",
            format!("activeDeadlineSeconds in {kind} is not Supported"),
        ));
    }
}

fn validate_deployment_strategy(strategy: &DeploymentStrategy, errors: &mut Vec<FieldError>) {
    let path = "spec.strategy";
    match strategy.type_.as_deref().unwrap_or("") {
        "Recreate" => {
            if strategy.rolling_update.is_some() {
                errors.push(FieldError::forbidden(
                    format!("{path}.rollingUpdate"),
                    "may not be specified when strategy `type` is 'Recreate'",
                ));
            }
        }
        "RollingUpdate" => match &strategy.rolling_update {
            None => errors.push(FieldError::required(
                format!("{path}.rollingUpdate"),
                "this should be defaulted and never be nil",
            )),
            Some(rolling) => {
                let surge_path = format!("{path}.rollingUpdate.maxSurge");
                let unavailable_path = format!("{path}.rollingUpdate.maxUnavailable");
                let surge = rolling.max_surge.as_ref();
                let unavailable = rolling.max_unavailable.as_ref();
                validate_positive_int_or_percent(unavailable, &unavailable_path, errors);
                validate_positive_int_or_percent(surge, &surge_path, errors);
                if int_or_percent_value(unavailable) == 0 && int_or_percent_value(surge) == 0 {
                    errors.push(FieldError::invalid(
                        &unavailable_path,
                        render_int_or_string(unavailable),
                        "may not be 0 when `maxSurge` is 0",
                    ));
                }
                not_more_than_100_percent(unavailable, &unavailable_path, errors);
            }
        },
        other => errors.push(FieldError::not_supported(
            path,
            format!(
                "apps.DeploymentStrategy{{Type:{}, RollingUpdate:{}}}",
                render_str(other),
                render_pointer(
                    "apps.RollingUpdateDeployment",
                    strategy.rolling_update.is_some()
                )
            ),
            &["Recreate", "RollingUpdate"],
        )),
    }
}

/// Go's `%#v` of a struct pointer field: `(*apps.X)(nil)`, or an address. Go prints
/// a real address there; kubesim prints a fixed one so messages stay deterministic.
fn render_pointer(type_name: &str, set: bool) -> String {
    if set {
        format!("(*{type_name})(0xc000000000)")
    } else {
        format!("(*{type_name})(nil)")
    }
}

/// `ValidateRollingUpdateDaemonSet`: exactly one of maxSurge and maxUnavailable is non-zero.
fn validate_rolling_update_daemon_set(
    rolling: &RollingUpdateDaemonSet,
    errors: &mut Vec<FieldError>,
) {
    let path = "spec.updateStrategy.rollingUpdate";
    let surge = rolling.max_surge.as_ref();
    let unavailable = rolling.max_unavailable.as_ref();
    let unavailable_path = format!("{path}.maxUnavailable");
    let surge_path = format!("{path}.maxSurge");
    validate_positive_int_or_percent(unavailable, &unavailable_path, errors);
    validate_positive_int_or_percent(surge, &surge_path, errors);
    not_more_than_100_percent(unavailable, &unavailable_path, errors);
    not_more_than_100_percent(surge, &surge_path, errors);
    let has_unavailable = int_or_percent_value(unavailable) != 0;
    let has_surge = int_or_percent_value(surge) != 0;
    if has_unavailable && has_surge {
        errors.push(FieldError::invalid(
            surge_path,
            render_int_or_string(surge),
            "may not be set when maxUnavailable is non-zero",
        ));
    } else if !has_unavailable && !has_surge {
        errors.push(FieldError::required(
            unavailable_path,
            "cannot be 0 when maxSurge is 0",
        ));
    }
}

/// `ValidatePositiveIntOrPercent`: a non-negative int or a `^[0-9]+%$` string.
fn validate_positive_int_or_percent(
    value: Option<&IntOrString>,
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    match value {
        None => {}
        Some(IntOrString::Int(int)) => validate_nonnegative(i64::from(*int), path, errors),
        Some(IntOrString::String(text)) => {
            if !is_valid_percent(text) {
                errors.push(FieldError::invalid(
                    path,
                    render_int_or_string(value),
                    regex_error(
                        "a valid percent string must be a numeric string followed by an ending '%'",
                        "[0-9]+%",
                        &["1%", "93%"],
                    ),
                ));
            }
        }
    }
}

fn is_valid_percent(text: &str) -> bool {
    text.strip_suffix('%')
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// upstream `getIntOrPercentValue`: the int, the percent's number, or the string read
/// as an int (`IntValue`, 0 when it is not one).
fn int_or_percent_value(value: Option<&IntOrString>) -> i64 {
    match value {
        None => 0,
        Some(IntOrString::Int(int)) => i64::from(*int),
        Some(IntOrString::String(text)) => percent_value(text)
            .or_else(|| text.parse::<i32>().ok().map(i64::from))
            .unwrap_or(0),
    }
}

fn percent_value(text: &str) -> Option<i64> {
    if !is_valid_percent(text) {
        return None;
    }
    text.strip_suffix('%')?.parse().ok()
}

/// `IsNotMoreThan100Percent`.
fn not_more_than_100_percent(
    value: Option<&IntOrString>,
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    if let Some(IntOrString::String(text)) = value
        && percent_value(text).is_some_and(|percent| percent > 100)
    {
        errors.push(FieldError::invalid(
            path,
            render_int_or_string(value),
            "must not be greater than 100%",
        ));
    }
}

/// apps/v1 selectors are immutable (`ValidateDeploymentUpdate` and friends).
pub fn validate_selector_update(
    new: Option<&LabelSelector>,
    old: Option<&LabelSelector>,
    errors: &mut Vec<FieldError>,
) {
    super::validate_immutable(
        &new,
        &old,
        "spec.selector",
        || render_label_selector(new),
        errors,
    );
}
