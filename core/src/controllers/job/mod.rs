//! The Job controller: runs pods to completion.
//!
//! Upstream: `pkg/controller/job/job_controller.go` (syncJob, manageJob,
//! trackJobStatusAndRemoveFinalizers, pastBackoffLimitOnFailure, pastActiveDeadline),
//! `backoff_utils.go` ([`backoff`]) and `indexed_job_utils.go` ([`indexed`]).
//! - Active pods (not finished, not being deleted) are kept at
//!   min(completions − succeeded, parallelism); a work-queue Job (no completions) runs
//!   `parallelism` pods until one succeeds, then starts no more. Extra pods are deleted
//!   first; a sync never both deletes and creates. Creation waits out the pod-failure
//!   backoff (10 s × 2^(failures−1), at most 10 min) and uses slow-start batches of
//!   at most 500.
//! - Pods carry the `batch.kubernetes.io/job-tracking` finalizer. A finished pod is
//!   first listed in `status.uncountedTerminatedPods`, loses the finalizer, and is then
//!   counted in `succeeded`/`failed`. A pod being deleted before it succeeded counts as
//!   failed (podReplacementPolicy TerminatingOrFailed).
//! - Failure: more failures than backoffLimit (or, with restartPolicy OnFailure, as many
//!   container restarts) → `BackoffLimitExceeded` "Job has reached the specified backoff
//!   limit"; running for activeDeadlineSeconds → `DeadlineExceeded` "Job was active longer
//!   than specified deadline". The Job first gets the interim `FailureTarget` condition
//!   and its active pods are deleted; once none is terminating it gets `Failed` and the
//!   Warning event with the same reason and message.
//! - Success: `SuccessCriteriaMet`, then (no pod terminating) `Complete`, both reason
//!   `CompletionsReached` "Reached expected number of succeeded pods", completionTime,
//!   and the event `Completed` "Job completed". (The newer behaviour: v1.28 set
//!   `Complete` directly with no reason.)
//! - Indexed Jobs give each pod an index (annotation and label
//!   `batch.kubernetes.io/job-completion-index`, env `JOB_COMPLETION_INDEX`, hostname
//!   `<job>-<index>`, generateName `<job>-<index>-`), complete when every index
//!   succeeded, and report `completedIndexes`.
//! - suspend deletes the active pods (condition Suspended/`JobSuspended`, event
//!   `Suspended` "Job suspended"); resuming resets startTime (`JobResumed`, `Resumed`).
//!
//! Not simulated: podFailurePolicy, successPolicy, backoffLimitPerIndex and
//! managedBy. Differences on purpose: pod events sync the Job at once, where upstream
//! batches pod updates for 1 s (`syncJobBatchPeriod`); the controller reads the store
//! directly, so it needs no expectations.

pub mod backoff;
pub mod indexed;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::json;

use crate::api_server::{ApiServer, ObjectKey, WatchEvent, WatchEventType};
use crate::controllers::controller_utils::{
    BURST_REPLICAS, SLOW_START_INITIAL_BATCH_SIZE, claim, claim_candidates, controller_ref,
    delete_pod, pod_from_template, pod_name_prefix, slow_start_batch, sort_pods_for_deletion,
};
use crate::controllers::{Action, Controller, ControllerContext, EventType, WorkQueue};
use crate::model::job::{Job, JobCondition, JobStatus, UncountedTerminatedPods};
use crate::model::pod::{Pod, PodTemplateSpec};
use crate::model::pod_util::is_pod_ready;
use crate::model::selector::label_selector_as_selector;
use crate::model::{Object, Resource, Time};
use crate::time::{SimDuration, SimTime};

use backoff::{BackoffRecord, DEFAULT_POD_FAILURE_BACKOFF, MAX_POD_FAILURE_BACKOFF};
use indexed::{
    COMPLETION_INDEX_ANNOTATION, COMPLETION_INDEX_ENV, completion_index, first_pending_indexes,
    format_indexes, generate_name_with_index, parse_indexes,
};

/// `batch.kubernetes.io/job-tracking`: holds a finished pod until it is counted.
pub const JOB_TRACKING_FINALIZER: &str = "batch.kubernetes.io/job-tracking";

pub const REASON_BACKOFF_LIMIT_EXCEEDED: &str = "BackoffLimitExceeded";
pub const MESSAGE_BACKOFF_LIMIT_EXCEEDED: &str = "Job has reached the specified backoff limit";
pub const REASON_DEADLINE_EXCEEDED: &str = "DeadlineExceeded";
pub const MESSAGE_DEADLINE_EXCEEDED: &str = "Job was active longer than specified deadline";
pub const REASON_COMPLETIONS_REACHED: &str = "CompletionsReached";
pub const MESSAGE_COMPLETIONS_REACHED: &str = "Reached expected number of succeeded pods";

/// True when the Job has a `Complete` or `Failed` condition that is True (`IsJobFinished`).
pub fn is_job_finished(job: &Job) -> bool {
    finished_condition(job).is_some()
}

/// The Job's `Complete` or `Failed` condition, when True.
pub fn finished_condition(job: &Job) -> Option<&JobCondition> {
    job.status.as_ref()?.conditions.as_ref()?.iter().find(|c| {
        matches!(c.type_.as_deref(), Some("Complete" | "Failed"))
            && c.status.as_deref() == Some("True")
    })
}

fn condition<'a>(status: &'a JobStatus, type_: &str) -> Option<&'a JobCondition> {
    status
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_.as_deref() == Some(type_))
}

/// `ensureJobConditionStatus`: sets a condition, changing the transition time only when
/// its status changes. Returns true when anything changed.
fn set_condition(
    status: &mut JobStatus,
    type_: &str,
    value: &str,
    reason: &str,
    message: &str,
    now: Time,
) -> bool {
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    if let Some(existing) = conditions
        .iter_mut()
        .find(|c| c.type_.as_deref() == Some(type_))
    {
        if existing.status.as_deref() == Some(value)
            && existing.reason.as_deref() == Some(reason)
            && existing.message.as_deref() == Some(message)
        {
            return false;
        }
        if existing.status.as_deref() != Some(value) {
            existing.last_transition_time = Some(now);
        }
        existing.status = Some(value.to_string());
        existing.reason = Some(reason.to_string());
        existing.message = Some(message.to_string());
        existing.last_probe_time = Some(now);
        return true;
    }
    // A new False condition is not added (upstream only records ones that happened).
    if value == "False" {
        return false;
    }
    conditions.push(JobCondition {
        type_: Some(type_.to_string()),
        status: Some(value.to_string()),
        last_probe_time: Some(now),
        last_transition_time: Some(now),
        reason: Some(reason.to_string()),
        message: Some(message.to_string()),
    });
    true
}

/// `getFinishedTime`: when the pod's last container terminated, else when it stopped
/// being Ready, else its deletion time, else now.
fn finish_time(pod: &Pod, now: SimTime) -> SimTime {
    let status = pod.status.as_ref();
    let containers = status
        .and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|c| c.state.as_ref()?.terminated.as_ref()?.finished_at)
        .map(|t| t.0)
        .max();
    if let Some(time) = containers {
        return time;
    }
    let ready_false = status
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .find(|c| c.type_.as_deref() == Some("Ready") && c.status.as_deref() == Some("False"))
        .and_then(|c| c.last_transition_time);
    if let Some(time) = ready_false {
        return time.0;
    }
    pod.metadata.deletion_timestamp.map_or(now, |t| t.0)
}

/// `pastBackoffLimitOnFailure`: with restartPolicy OnFailure, the container restarts of
/// running and pending pods reach backoffLimit (any restart when it is 0).
fn past_backoff_limit_on_failure(job: &Job, pods: &[&Pod]) -> bool {
    let spec = job.spec.as_ref();
    let restart_policy = spec
        .and_then(|s| s.template.as_ref())
        .and_then(|t| t.spec.as_ref())
        .and_then(|s| s.restart_policy.as_deref());
    if restart_policy != Some("OnFailure") {
        return false;
    }
    let restarts: i64 = pods
        .iter()
        .filter(|p| matches!(p.phase(), "Running" | "Pending"))
        .flat_map(|p| {
            let status = p.status.as_ref();
            let init = status.and_then(|s| s.init_container_statuses.as_ref());
            let main = status.and_then(|s| s.container_statuses.as_ref());
            init.into_iter().flatten().chain(main.into_iter().flatten())
        })
        .map(|c| i64::from(c.restart_count.unwrap_or(0)))
        .sum();
    let limit = i64::from(spec.and_then(|s| s.backoff_limit).unwrap_or(6));
    if limit == 0 {
        restarts > 0
    } else {
        restarts >= limit
    }
}

/// A pod considered finished for counting: Succeeded, Failed, or (TerminatingOrFailed)
/// being deleted before it succeeded.
fn finished_outcome(pod: &Pod) -> Option<bool> {
    match pod.phase() {
        "Succeeded" => Some(true),
        "Failed" => Some(false),
        _ if pod.metadata.is_being_deleted() => Some(false),
        _ => None,
    }
}

fn is_active(pod: &Pod) -> bool {
    !matches!(pod.phase(), "Succeeded" | "Failed") && !pod.metadata.is_being_deleted()
}

/// The Job controller.
#[derive(Debug, Default)]
pub struct JobController {
    /// `podBackoffStore`: per Job key, the failures since the last success.
    backoff: BTreeMap<String, BackoffRecord>,
}

impl JobController {
    fn job_key(namespace: &str, name: &str) -> ObjectKey {
        ObjectKey::new(Job::resource_type(), namespace, name)
    }
}

impl Controller for JobController {
    fn name(&self) -> &'static str {
        "job-controller"
    }

    fn watches(&self) -> crate::controllers::Watches {
        crate::controllers::Watches::Kinds(&["Job", "Pod"])
    }

    fn observe(&mut self, event: &WatchEvent, api: &ApiServer, queue: &mut WorkQueue) {
        match &*event.object {
            Object::Job(job) => {
                if event.event_type == WatchEventType::Deleted {
                    self.backoff.remove(&format!(
                        "{}/{}",
                        job.metadata.namespace(),
                        job.metadata.name()
                    ));
                } else {
                    queue.add(ObjectKey::of(&event.object));
                }
            }
            Object::Pod(pod) => {
                let meta = &pod.metadata;
                match meta.controller_ref() {
                    Some(owner) if owner.kind == "Job" => {
                        let owner_alive = api
                            .get_by_uid(&owner.uid)
                            .is_some_and(|o| o.as_::<Job>().is_some_and(|j| !is_job_finished(j)));
                        if owner_alive {
                            queue.add(Self::job_key(meta.namespace(), &owner.name));
                        } else if meta.has_finalizer(JOB_TRACKING_FINALIZER)
                            && event.event_type != WatchEventType::Deleted
                        {
                            queue.add(ObjectKey::of(&event.object));
                        }
                    }
                    None if meta.has_finalizer(JOB_TRACKING_FINALIZER)
                        && event.event_type != WatchEventType::Deleted =>
                    {
                        // An orphan with the finalizer: nobody else will release it.
                        queue.add(ObjectKey::of(&event.object));
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    fn resync(&mut self, api: &ApiServer, queue: &mut WorkQueue) {
        for job in api.list(Job::resource_type(), None) {
            queue.add(ObjectKey::of(job));
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, context: &mut ControllerContext<'_>) -> Action {
        if key.resource_type() == Pod::resource_type() {
            sync_orphan_pod(key, context);
            return Action::Done;
        }
        let Some(object) = context.api.store().get(key).map(Arc::clone) else {
            return Action::Done;
        };
        let Some(job) = object.as_::<Job>() else {
            return Action::Done;
        };
        self.sync_job(&object, job, context)
    }
}

/// `syncOrphanPod`: a pod with the tracking finalizer whose Job is gone (or finished, or
/// that has no controller) loses the finalizer.
fn sync_orphan_pod(key: &ObjectKey, context: &mut ControllerContext<'_>) {
    let Some(object) = context.api.store().get(key).map(Arc::clone) else {
        return;
    };
    let meta = object.metadata();
    if !meta.has_finalizer(JOB_TRACKING_FINALIZER) {
        return;
    }
    if let Some(owner) = meta.controller_ref()
        && context
            .api
            .get_by_uid(&owner.uid)
            .is_some_and(|o| o.as_::<Job>().is_some_and(|j| !is_job_finished(j)))
    {
        return;
    }
    remove_tracking_finalizer(&object, context);
}

/// Removes the tracking finalizer; true when the pod no longer holds it (or is gone).
fn remove_tracking_finalizer(pod: &Object, context: &mut ControllerContext<'_>) -> bool {
    if !pod.metadata().has_finalizer(JOB_TRACKING_FINALIZER) {
        return true;
    }
    let mut updated = pod.clone();
    let meta = updated.metadata_mut();
    if let Some(finalizers) = meta.finalizers.as_mut() {
        finalizers.retain(|f| f != JOB_TRACKING_FINALIZER);
        if finalizers.is_empty() {
            meta.finalizers = None;
        }
    }
    match context.api.update(updated) {
        Ok(_) => true,
        Err(crate::api_server::ApiError::NotFound { .. }) => true,
        Err(_) => false,
    }
}

/// What one sync decided about the Job's end.
#[derive(Clone, Debug)]
struct Finish {
    success: bool,
    reason: &'static str,
    message: &'static str,
}

impl JobController {
    fn sync_job(
        &mut self,
        object: &Arc<Object>,
        job: &Job,
        context: &mut ControllerContext<'_>,
    ) -> Action {
        let now = context.now();
        let now_time = Time(now.truncated_to_seconds());
        let job_key = format!("{}/{}", job.metadata.namespace(), job.metadata.name());
        let spec = job.spec.clone().unwrap_or_default();
        let selector = label_selector_as_selector(spec.selector.as_ref())
            .unwrap_or_else(|_| crate::model::selector::Selector::nothing());
        let candidates = claim_candidates(context.api, &job.metadata, Pod::resource_type());
        let claimed = claim(context.api, object, &selector, candidates, |_| true).claimed;
        let pods: Vec<Arc<Object>> = claimed;
        let pod_refs: Vec<&Pod> = pods.iter().filter_map(|o| o.as_::<Pod>()).collect();

        if is_job_finished(job) {
            // Pods of a finished Job are counted already; release any that still hold on.
            for pod in &pods {
                remove_tracking_finalizer(pod, context);
            }
            return Action::Done;
        }

        let mut status = job.status.clone().unwrap_or_default();
        let suspended = spec.suspend == Some(true);
        let indexed = spec.completion_mode.as_deref() == Some("Indexed");
        let completions = spec.completions;
        let backoff_limit = spec.backoff_limit.unwrap_or(6);

        // Suspension and resumption.
        let was_suspended =
            condition(&status, "Suspended").is_some_and(|c| c.status.as_deref() == Some("True"));
        if suspended && !was_suspended {
            set_condition(
                &mut status,
                "Suspended",
                "True",
                "JobSuspended",
                "Job suspended",
                now_time,
            );
            context.record_event(object, EventType::Normal, "Suspended", "Job suspended");
        } else if !suspended && was_suspended {
            set_condition(
                &mut status,
                "Suspended",
                "False",
                "JobResumed",
                "Job resumed",
                now_time,
            );
            context.record_event(object, EventType::Normal, "Resumed", "Job resumed");
            status.start_time = Some(now_time);
        }
        if status.start_time.is_none() && !suspended {
            status.start_time = Some(now_time);
        }

        // Count finished pods: uncounted first, then release their finalizers.
        let uncounted = status.uncounted_terminated_pods.take().unwrap_or_default();
        let mut uncounted_succeeded: BTreeSet<String> = uncounted
            .succeeded
            .unwrap_or_default()
            .into_iter()
            .collect();
        let mut uncounted_failed: BTreeSet<String> =
            uncounted.failed.unwrap_or_default().into_iter().collect();
        let mut succeeded_indexes = parse_indexes(
            status.completed_indexes.as_deref().unwrap_or(""),
            completions.unwrap_or(0),
        );
        let mut new_succeeded_times = Vec::new();
        let mut new_failed_times = Vec::new();
        let by_uid: BTreeMap<&str, (&Arc<Object>, &Pod)> = pods
            .iter()
            .filter_map(|o| o.as_::<Pod>().map(|p| (p.metadata.uid(), (o, p))))
            .collect();
        for (uid, (_, pod)) in &by_uid {
            if !pod.metadata.has_finalizer(JOB_TRACKING_FINALIZER)
                || uncounted_succeeded.contains(*uid)
                || uncounted_failed.contains(*uid)
            {
                continue;
            }
            match finished_outcome(pod) {
                Some(true) => {
                    uncounted_succeeded.insert(uid.to_string());
                }
                Some(false) => {
                    uncounted_failed.insert(uid.to_string());
                }
                None => {}
            }
        }
        let mut succeeded = status.succeeded.unwrap_or(0);
        let mut failed = status.failed.unwrap_or(0);
        for (uids, success) in [
            (&mut uncounted_succeeded, true),
            (&mut uncounted_failed, false),
        ] {
            let counted: Vec<String> = uids
                .iter()
                .filter(|uid| match by_uid.get(uid.as_str()) {
                    Some((object, _)) => remove_tracking_finalizer(object, context),
                    None => true,
                })
                .cloned()
                .collect();
            for uid in counted {
                uids.remove(&uid);
                let pod = by_uid.get(uid.as_str()).map(|(_, pod)| *pod);
                let time = pod.map_or(now, |p| finish_time(p, now));
                if success {
                    new_succeeded_times.push(time);
                    match (
                        indexed,
                        pod.and_then(|p| completion_index(p, completions.unwrap_or(0))),
                    ) {
                        (true, Some(index)) => {
                            succeeded_indexes.insert(index);
                        }
                        (true, None) => {}
                        (false, _) => succeeded += 1,
                    }
                } else {
                    new_failed_times.push(time);
                    failed += 1;
                }
            }
        }
        if indexed {
            succeeded = succeeded_indexes.len() as i32;
            status.completed_indexes =
                (!succeeded_indexes.is_empty()).then(|| format_indexes(&succeeded_indexes));
        }
        let record = self
            .backoff
            .get(&job_key)
            .copied()
            .unwrap_or_default()
            .updated(&new_succeeded_times, &new_failed_times);
        self.backoff.insert(job_key.clone(), record);

        let mut active_pods: Vec<Arc<Object>> = pods
            .iter()
            .filter(|o| o.as_::<Pod>().is_some_and(is_active))
            .cloned()
            .collect();
        let mut requeue: Option<SimDuration> = None;
        let mut want_requeue = |delay: SimDuration| {
            requeue = Some(requeue.map_or(delay, |r: SimDuration| r.min(delay)));
        };

        // Has the Job failed?
        let mut finish: Option<Finish> = if let Some(target) =
            condition(&status, "FailureTarget").filter(|c| c.status.as_deref() == Some("True"))
        {
            Some(Finish {
                success: false,
                reason: if target.reason.as_deref() == Some(REASON_DEADLINE_EXCEEDED) {
                    REASON_DEADLINE_EXCEEDED
                } else {
                    REASON_BACKOFF_LIMIT_EXCEEDED
                },
                message: if target.reason.as_deref() == Some(REASON_DEADLINE_EXCEEDED) {
                    MESSAGE_DEADLINE_EXCEEDED
                } else {
                    MESSAGE_BACKOFF_LIMIT_EXCEEDED
                },
            })
        } else if condition(&status, "SuccessCriteriaMet")
            .is_some_and(|c| c.status.as_deref() == Some("True"))
        {
            Some(Finish {
                success: true,
                reason: REASON_COMPLETIONS_REACHED,
                message: MESSAGE_COMPLETIONS_REACHED,
            })
        } else {
            None
        };
        let total_failed = failed + uncounted_failed.len() as i32;
        if finish.is_none() {
            let active_refs: Vec<&Pod> =
                active_pods.iter().filter_map(|o| o.as_::<Pod>()).collect();
            if total_failed > backoff_limit || past_backoff_limit_on_failure(job, &active_refs) {
                finish = Some(Finish {
                    success: false,
                    reason: REASON_BACKOFF_LIMIT_EXCEEDED,
                    message: MESSAGE_BACKOFF_LIMIT_EXCEEDED,
                });
            } else if let (Some(deadline), Some(start), false) =
                (spec.active_deadline_seconds, status.start_time, suspended)
            {
                let allowed = SimDuration::from_secs(deadline);
                let elapsed = now - start.0;
                if elapsed >= allowed {
                    finish = Some(Finish {
                        success: false,
                        reason: REASON_DEADLINE_EXCEEDED,
                        message: MESSAGE_DEADLINE_EXCEEDED,
                    });
                } else {
                    want_requeue(allowed - elapsed);
                }
            }
        }

        if finish.as_ref().is_some_and(|f| !f.success) {
            // A failed Job deletes its active pods.
            let doomed = std::mem::take(&mut active_pods);
            for pod in doomed {
                let _ = delete_pod(context, pod.namespace(), pod.name(), object);
            }
        } else if finish.is_none() {
            if let Some(delay) = self.manage_job(
                object,
                job,
                &mut active_pods,
                succeeded,
                &succeeded_indexes,
                &pod_refs,
                context,
            ) {
                want_requeue(delay);
            }
            let active = active_pods.len() as i32;
            let complete = match completions {
                None => succeeded > 0 && active == 0,
                Some(completions) => succeeded >= completions && active == 0,
            };
            if complete {
                finish = Some(Finish {
                    success: true,
                    reason: REASON_COMPLETIONS_REACHED,
                    message: MESSAGE_COMPLETIONS_REACHED,
                });
            }
        }

        // Status as observed after this sync's deletions and creations.
        let fresh: Vec<Arc<Object>> = context
            .api
            .store()
            .dependents_of(job.metadata.uid())
            .filter_map(|k| context.api.store().get(k))
            .filter(|o| {
                o.as_::<Pod>().is_some()
                    && o.metadata()
                        .controller_ref()
                        .is_some_and(|r| r.uid == job.metadata.uid())
            })
            .cloned()
            .collect();
        let fresh_pods: Vec<&Pod> = fresh.iter().filter_map(|o| o.as_::<Pod>()).collect();
        let active = fresh_pods.iter().filter(|p| is_active(p)).count() as i32;
        let ready = fresh_pods
            .iter()
            .filter(|p| is_active(p) && is_pod_ready(p))
            .count() as i32;
        let terminating = fresh_pods
            .iter()
            .filter(|p| {
                p.metadata.is_being_deleted() && !matches!(p.phase(), "Succeeded" | "Failed")
            })
            .count() as i32;
        status.active = (active > 0).then_some(active);
        status.ready = Some(ready);
        status.terminating = Some(terminating);
        status.succeeded = (succeeded > 0).then_some(succeeded);
        status.failed = (failed > 0).then_some(failed);
        status.uncounted_terminated_pods = Some(UncountedTerminatedPods {
            succeeded: (!uncounted_succeeded.is_empty())
                .then(|| uncounted_succeeded.iter().cloned().collect()),
            failed: (!uncounted_failed.is_empty())
                .then(|| uncounted_failed.iter().cloned().collect()),
        });

        if let Some(finish) = &finish {
            let interim = if finish.success {
                "SuccessCriteriaMet"
            } else {
                "FailureTarget"
            };
            set_condition(
                &mut status,
                interim,
                "True",
                finish.reason,
                finish.message,
                now_time,
            );
            // The terminal condition waits until no pod is terminating or uncounted.
            let settled = terminating == 0
                && uncounted_succeeded.is_empty()
                && uncounted_failed.is_empty()
                && (finish.success || active == 0);
            if settled {
                let terminal = if finish.success { "Complete" } else { "Failed" };
                set_condition(
                    &mut status,
                    terminal,
                    "True",
                    finish.reason,
                    finish.message,
                    now_time,
                );
                if finish.success {
                    status.completion_time = Some(now_time);
                    context.record_event(object, EventType::Normal, "Completed", "Job completed");
                } else {
                    context.record_event(object, EventType::Warning, finish.reason, finish.message);
                }
                self.backoff.remove(&job_key);
            }
        }

        if job.status.as_ref() != Some(&status) {
            let mut updated = job.clone();
            updated.status = Some(status);
            if context
                .api
                .update_status(Object::Job(Box::new(updated)))
                .is_err()
            {
                return Action::RequeueAfter(SimDuration::from_secs(1));
            }
        }
        match requeue {
            Some(delay) => Action::RequeueAfter(delay),
            None => Action::Done,
        }
    }

    /// `manageJob`: deletes extra pods or creates missing ones. Returns a delay to sync
    /// again after (the backoff still running).
    #[allow(clippy::too_many_arguments)]
    fn manage_job(
        &mut self,
        object: &Arc<Object>,
        job: &Job,
        active_pods: &mut Vec<Arc<Object>>,
        succeeded: i32,
        succeeded_indexes: &BTreeSet<i32>,
        all_pods: &[&Pod],
        context: &mut ControllerContext<'_>,
    ) -> Option<SimDuration> {
        let now = context.now();
        let spec = job.spec.clone().unwrap_or_default();
        let indexed = spec.completion_mode.as_deref() == Some("Indexed");
        let active = active_pods.len() as i32;
        if spec.suspend == Some(true) {
            let doomed = std::mem::take(active_pods);
            for pod in doomed {
                let _ = delete_pod(context, pod.namespace(), pod.name(), object);
            }
            return None;
        }
        let parallelism = spec.parallelism.unwrap_or(1).max(0);
        let want_active = match spec.completions {
            None => {
                if succeeded > 0 {
                    active
                } else {
                    parallelism
                }
            }
            Some(completions) => (completions - succeeded).clamp(0, parallelism),
        };

        // Pods to remove: for Indexed Jobs, those with a bad, succeeded or duplicate
        // index first; then the extra pods, the least useful first.
        let mut to_delete: Vec<Arc<Object>> = Vec::new();
        if indexed {
            let completions = spec.completions.unwrap_or(0);
            let mut seen = BTreeSet::new();
            let mut keep = Vec::new();
            let mut sorted = active_pods.clone();
            // Of duplicates, the oldest pod stays.
            sorted.sort_by_key(|o| (o.metadata().creation_timestamp, o.name().to_string()));
            for pod in sorted {
                let index = pod
                    .as_::<Pod>()
                    .and_then(|p| completion_index(p, completions));
                match index {
                    Some(i) if !succeeded_indexes.contains(&i) && seen.insert(i) => keep.push(pod),
                    _ => to_delete.push(pod),
                }
            }
            *active_pods = keep;
        }
        let remaining_active = active_pods.len() as i32;
        if remaining_active > want_active {
            let mut ranked = active_pods.clone();
            sort_pods_for_deletion(&mut ranked, &[], now);
            let extra = (remaining_active - want_active) as usize;
            to_delete.extend(ranked.into_iter().take(extra));
        }
        if !to_delete.is_empty() {
            to_delete.truncate(BURST_REPLICAS);
            let doomed: BTreeSet<String> = to_delete.iter().map(|o| o.name().to_string()).collect();
            for pod in &to_delete {
                let _ = delete_pod(context, pod.namespace(), pod.name(), object);
            }
            active_pods.retain(|o| !doomed.contains(o.name()));
            return None;
        }
        if remaining_active >= want_active {
            return None;
        }
        let job_key = format!("{}/{}", job.metadata.namespace(), job.metadata.name());
        let remaining = self
            .backoff
            .get(&job_key)
            .copied()
            .unwrap_or_default()
            .remaining(now, DEFAULT_POD_FAILURE_BACKOFF, MAX_POD_FAILURE_BACKOFF);
        if remaining > SimDuration::ZERO {
            return Some(remaining);
        }
        let mut diff = ((want_active - remaining_active) as usize).min(BURST_REPLICAS);
        let mut indexes: Vec<i32> = Vec::new();
        if indexed {
            let active_indexes: BTreeSet<i32> = all_pods
                .iter()
                .filter(|p| is_active(p))
                .filter_map(|p| completion_index(p, spec.completions.unwrap_or(0)))
                .collect();
            indexes = first_pending_indexes(
                succeeded_indexes,
                &active_indexes,
                diff,
                spec.completions.unwrap_or(0),
            );
            diff = indexes.len();
        }
        let template = spec.template.clone().unwrap_or_default();
        let mut next_index = indexes.into_iter();
        let (_, _error) = slow_start_batch(diff, SLOW_START_INITIAL_BATCH_SIZE, || {
            let index = next_index.next();
            match create_job_pod(context, object, job, &template, index) {
                Ok(created) => {
                    active_pods.push(created);
                    Ok(())
                }
                Err(error) => Err(error),
            }
        });
        None
    }
}

/// Creates one pod of the Job (with its index, for Indexed Jobs), recording
/// `SuccessfulCreate` "Created pod: <name>" or Warning `FailedCreate`.
fn create_job_pod(
    context: &mut ControllerContext<'_>,
    object: &Object,
    job: &Job,
    template: &PodTemplateSpec,
    index: Option<i32>,
) -> Result<Arc<Object>, String> {
    let mut pod = pod_from_template(template, &job.metadata, Some(controller_ref(object)));
    pod.metadata.generate_name = Some(pod_name_prefix(job.metadata.name()));
    pod.metadata
        .finalizers
        .get_or_insert_with(Vec::new)
        .push(JOB_TRACKING_FINALIZER.to_string());
    if let Some(index) = index {
        let text = index.to_string();
        pod.metadata
            .set_annotation(COMPLETION_INDEX_ANNOTATION, &text);
        pod.metadata.set_label(COMPLETION_INDEX_ANNOTATION, &text);
        pod.metadata.generate_name = Some(generate_name_with_index(job.metadata.name(), index));
        let spec = pod.spec.get_or_insert_with(Default::default).make_mut();
        if spec.hostname.as_deref().unwrap_or("").is_empty() {
            spec.hostname = Some(format!("{}-{index}", job.metadata.name()));
        }
        let env_var = json!({
            "name": COMPLETION_INDEX_ENV,
            "valueFrom": { "fieldRef": { "fieldPath": format!("metadata.annotations['{COMPLETION_INDEX_ANNOTATION}']") } },
        });
        for container in spec
            .init_containers
            .iter_mut()
            .flatten()
            .chain(spec.containers.iter_mut().flatten())
        {
            let env = container.env.get_or_insert_with(Vec::new);
            if !env
                .iter()
                .any(|e| e.get("name").and_then(|n| n.as_str()) == Some(COMPLETION_INDEX_ENV))
            {
                env.push(env_var.clone());
            }
        }
    }
    match context.api.create(Object::Pod(Box::new(pod))) {
        Ok(created) => {
            context.record_event(
                object,
                EventType::Normal,
                "SuccessfulCreate",
                &format!("Created pod: {}", created.name()),
            );
            context.trace(format!(
                "created pod {}/{} for job {}",
                created.namespace(),
                created.name(),
                job.metadata.name()
            ));
            Ok(created)
        }
        Err(error) => {
            let message = error.to_string();
            if !message.contains("being terminated") {
                context.record_event(
                    object,
                    EventType::Warning,
                    "FailedCreate",
                    &format!("Error creating: {message}"),
                );
            }
            Err(message)
        }
    }
}
