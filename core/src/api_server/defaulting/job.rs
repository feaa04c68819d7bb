//! Job defaults (`pkg/apis/batch/v1/defaults.go` SetDefaults_Job) and the job
//! strategy's generated selector (`pkg/registry/batch/job/strategy.go` generateSelector).

use std::collections::BTreeMap;

use crate::api_server::validation::job::{
    CONTROLLER_UID_LABEL, JOB_NAME_LABEL, LEGACY_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL,
};
use crate::model::job::Job;
use crate::model::meta::ObjectMeta;
use crate::model::selector::LabelSelector;

use super::pod::default_pod_template;

/// Both unset: 1 completion, parallelism 1. Only parallelism set: completions stays
/// unset (a work-queue Job). backoffLimit 6, or MaxInt32 with backoffLimitPerIndex.
pub fn default_job(job: &mut Job) {
    let template_labels = job
        .spec
        .as_ref()
        .and_then(|s| s.template.as_ref())
        .and_then(|t| t.metadata.as_ref())
        .and_then(|m| m.labels.clone());
    let spec = job.spec.get_or_insert_with(Default::default);
    if spec.completions.is_none() && spec.parallelism.is_none() {
        spec.completions = Some(1);
        spec.parallelism = Some(1);
    }
    spec.parallelism.get_or_insert(1);
    if spec.backoff_limit.is_none() {
        spec.backoff_limit = Some(if spec.backoff_limit_per_index.is_some() {
            i32::MAX
        } else {
            6
        });
    }
    spec.completion_mode
        .get_or_insert_with(|| "NonIndexed".to_string());
    spec.suspend.get_or_insert(false);
    if spec.pod_replacement_policy.is_none() {
        let policy = if spec
            .pod_failure_policy
            .as_ref()
            .is_some_and(|p| !p.is_null())
        {
            "Failed"
        } else {
            "TerminatingOrFailed"
        };
        spec.pod_replacement_policy = Some(policy.to_string());
    }
    if let Some(template) = spec.template.as_mut() {
        default_pod_template(template);
    }
    // An unlabelled Job takes its template's labels.
    if let Some(labels) = template_labels
        && job.metadata.labels.as_ref().is_none_or(BTreeMap::is_empty)
    {
        job.metadata.labels = Some(labels);
    }
}

/// `generateSelector`: unless `manualSelector: true`, label the template with the
/// Job's name and uid (both label generations) and select on the uid. Labels the user
/// already set are kept, so a conflicting one fails validation.
pub fn generate_selector(job: &mut Job) {
    let name = job.metadata.name().to_string();
    let uid = job.metadata.uid().to_string();
    let spec = job.spec.get_or_insert_with(Default::default);
    if spec.manual_selector == Some(true) {
        return;
    }
    let template = spec.template.get_or_insert_with(Default::default);
    let meta = template.metadata.get_or_insert_with(ObjectMeta::default);
    let labels = meta.labels.get_or_insert_with(BTreeMap::new);
    for key in [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL] {
        labels
            .entry(key.to_string())
            .or_insert_with(|| name.clone());
    }
    for key in [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL] {
        labels.entry(key.to_string()).or_insert_with(|| uid.clone());
    }
    let selector = spec.selector.get_or_insert_with(LabelSelector::default);
    selector
        .match_labels
        .get_or_insert_with(BTreeMap::new)
        .entry(CONTROLLER_UID_LABEL.to_string())
        .or_insert(uid);
}
