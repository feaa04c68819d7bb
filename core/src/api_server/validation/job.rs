//! Job validation. Upstream: `pkg/apis/batch/validation/validation.go`
//! (`ValidateJob`, `validateJobSpec`, `validateGeneratedSelector`, `ValidateJobSpecUpdate`).

use crate::model::job::{Job, JobSpec};
use crate::model::selector::label_selector_as_selector;
use crate::model::validation::{FieldError, render_str};

use super::pod::validate_pod_template;
use super::{
    render_label_selector, render_string_map, validate_immutable, validate_label_selector,
    validate_nonnegative,
};

/// Label the generated selector keys on (`batch.ControllerUidLabel`).
pub const CONTROLLER_UID_LABEL: &str = "batch.kubernetes.io/controller-uid";
pub const JOB_NAME_LABEL: &str = "batch.kubernetes.io/job-name";
pub const LEGACY_CONTROLLER_UID_LABEL: &str = "controller-uid";
pub const LEGACY_JOB_NAME_LABEL: &str = "job-name";

const COMPLETION_MODES: [&str; 2] = ["NonIndexed", "Indexed"];

pub fn validate_job(job: &Job, errors: &mut Vec<FieldError>) {
    validate_generated_selector(job, errors);
    validate_job_spec(&job.spec(), errors);
}

/// `validateGeneratedSelector`: unless `manualSelector: true`, the template carries the
/// generated labels (`ValidateHasLabel`) and the selector selects exactly this Job's
/// pods by uid and name.
fn validate_generated_selector(job: &Job, errors: &mut Vec<FieldError>) {
    let spec = job.spec();
    if spec.manual_selector == Some(true) {
        return;
    }
    let Some(selector) = spec.selector.as_ref() else {
        return;
    };
    let uid = job.metadata.uid();
    if uid.is_empty() {
        errors.push(FieldError::internal("metadata.uid", "UID not set"));
        return;
    }
    let name = job.metadata.name();
    let template_labels = spec
        .template
        .as_ref()
        .and_then(|t| t.metadata.as_ref())
        .and_then(|m| m.labels.as_ref());
    for (key, expected) in [
        (LEGACY_CONTROLLER_UID_LABEL, uid),
        (LEGACY_JOB_NAME_LABEL, name),
        (CONTROLLER_UID_LABEL, uid),
        (JOB_NAME_LABEL, name),
    ] {
        let field = format!("spec.template.metadata.labels[{key}]");
        let detail = format!("must be '{expected}'");
        match template_labels.and_then(|labels| labels.get(key)) {
            None => errors.push(FieldError::required(field, detail)),
            Some(actual) if actual != expected => errors.push(FieldError::invalid(
                field,
                render_string_map(template_labels),
                detail,
            )),
            Some(_) => {}
        }
    }
    let expected_labels = [
        (CONTROLLER_UID_LABEL.to_string(), uid.to_string()),
        (JOB_NAME_LABEL.to_string(), name.to_string()),
    ]
    .into_iter()
    .collect();
    let matches =
        label_selector_as_selector(Some(selector)).is_ok_and(|s| s.matches(&expected_labels));
    if !matches {
        errors.push(FieldError::invalid(
            "spec.selector",
            render_label_selector(Some(selector)),
            "`selector` not auto-generated",
        ));
    }
}

fn validate_job_spec(spec: &JobSpec, errors: &mut Vec<FieldError>) {
    for (field, value) in [
        ("parallelism", spec.parallelism.map(i64::from)),
        ("completions", spec.completions.map(i64::from)),
        ("activeDeadlineSeconds", spec.active_deadline_seconds),
        ("backoffLimit", spec.backoff_limit.map(i64::from)),
        (
            "ttlSecondsAfterFinished",
            spec.ttl_seconds_after_finished.map(i64::from),
        ),
    ] {
        if let Some(value) = value {
            validate_nonnegative(value, &format!("spec.{field}"), errors);
        }
    }
    match &spec.selector {
        None => errors.push(FieldError::required("spec.selector", "")),
        Some(selector) => validate_label_selector(selector, "spec.selector", errors),
    }
    {
        {
            let labels = spec
                .template
                .as_ref()
                .and_then(|t| t.metadata.as_ref())
                .and_then(|m| m.labels.as_ref());
            let empty = Default::default();
            if let Ok(parsed) = label_selector_as_selector(spec.selector.as_ref())
                && !parsed.matches(labels.unwrap_or(&empty))
            {
                errors.push(FieldError::invalid(
                    "spec.template.metadata.labels",
                    render_string_map(labels),
                    "`selector` does not match template `labels`",
                ));
            }
        }
    }
    validate_pod_template(spec.template.as_ref(), "spec.template", errors);
    let restart_policy = spec
        .template
        .as_ref()
        .and_then(|t| t.spec.as_ref())
        .and_then(|s| s.restart_policy.as_deref())
        .unwrap_or("");
    if restart_policy != "OnFailure" && restart_policy != "Never" {
        errors.push(FieldError::not_supported(
            "spec.template.spec.restartPolicy",
            render_str(restart_policy),
            &["OnFailure", "Never"],
        ));
    }
    if let Some(mode) = spec.completion_mode.as_deref() {
        if !COMPLETION_MODES.contains(&mode) {
            errors.push(FieldError::not_supported(
                "spec.completionMode",
                render_str(mode),
                &COMPLETION_MODES,
            ));
        }
        if mode == "Indexed" && spec.completions.is_none() {
            errors.push(FieldError::required(
                "spec.completions",
                "when completion mode is Indexed",
            ));
        }
    }
    if let Some(policy) = spec.pod_replacement_policy.as_deref() {
        const POLICIES: [&str; 2] = ["Failed", "TerminatingOrFailed"];
        if !POLICIES.contains(&policy) {
            errors.push(FieldError::not_supported(
                "spec.podReplacementPolicy",
                render_str(policy),
                &POLICIES,
            ));
        }
    }
}

/// `ValidateJobSpecUpdate`: selector, completions, completionMode and (once the Job
/// has started) the pod template are fixed.
pub fn validate_job_update(new: &Job, old: &Job, errors: &mut Vec<FieldError>) {
    let new_spec = new.spec();
    let old_spec = old.spec();
    validate_immutable(
        &new_spec.selector,
        &old_spec.selector,
        "spec.selector",
        || render_label_selector(new_spec.selector.as_ref()),
        errors,
    );
    validate_immutable(
        &new_spec.completions,
        &old_spec.completions,
        "spec.completions",
        || {
            new_spec
                .completions
                .map_or("null".to_string(), |c| c.to_string())
        },
        errors,
    );
    validate_immutable(
        &new_spec.completion_mode,
        &old_spec.completion_mode,
        "spec.completionMode",
        || render_str(new_spec.completion_mode.as_deref().unwrap_or("")),
        errors,
    );
    // A suspended Job that never started may have its scheduling directives changed
    // (upstream's `validatePodTemplateUpdate`); kubesim allows any template change then.
    let never_started = old.status().start_time.is_none();
    let suspended = old_spec.suspend == Some(true);
    if !(suspended && never_started) {
        // Upstream renders the whole template with %#v; kubesim abbreviates it.
        validate_immutable(
            &new_spec.template,
            &old_spec.template,
            "spec.template",
            || "core.PodTemplateSpec{...}".to_string(),
            errors,
        );
    }
}
