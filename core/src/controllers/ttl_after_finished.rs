//! The TTL-after-finished controller: deletes a finished Job
//! `ttlSecondsAfterFinished` seconds after it finished.
//!
//! Upstream: `pkg/controller/ttlafterfinished/ttlafterfinished_controller.go`
//! (processJob, timeLeft, jobFinishTime).
//! - Only Jobs with the field set and a `Complete` or `Failed` condition that is True.
//! - The expiry is that condition's lastTransitionTime + TTL; before it, the Job is
//!   checked again at the expiry. Example: finished at 12:00:00 with TTL 100 → deleted
//!   at 12:01:40.
//! - The delete uses Foreground propagation, so the Job's pods go first.

use std::sync::Arc;

use crate::api_server::{
    ApiServer, DeleteOptions, ObjectKey, PropagationPolicy, WatchEvent, WatchEventType,
};
use crate::controllers::job::finished_condition;
use crate::controllers::{Action, Controller, ControllerContext, WorkQueue};
use crate::model::job::Job;
use crate::model::{Object, Resource};
use crate::time::SimTime;

/// When the Job expires, if it has a TTL and has finished.
pub fn expiry(job: &Job) -> Option<SimTime> {
    let ttl = job.spec.as_ref()?.ttl_seconds_after_finished?;
    let finished = finished_condition(job)?.last_transition_time?;
    Some(finished.0 + crate::time::SimDuration::from_secs(i64::from(ttl)))
}

#[derive(Debug, Default)]
pub struct TtlAfterFinishedController;

impl Controller for TtlAfterFinishedController {
    fn name(&self) -> &'static str {
        "ttl-after-finished-controller"
    }

    fn watches(&self) -> crate::controllers::Watches {
        crate::controllers::Watches::Kinds(&["Job"])
    }

    fn observe(&mut self, event: &WatchEvent, _api: &ApiServer, queue: &mut WorkQueue) {
        if event.event_type != WatchEventType::Deleted
            && let Object::Job(job) = &*event.object
            && !job.metadata.is_being_deleted()
            && expiry(job).is_some()
        {
            queue.add(ObjectKey::of(&event.object));
        }
    }

    fn resync(&mut self, api: &ApiServer, queue: &mut WorkQueue) {
        for object in api.list(Job::resource_type(), None) {
            if object.as_::<Job>().and_then(expiry).is_some() {
                queue.add(ObjectKey::of(object));
            }
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, context: &mut ControllerContext<'_>) -> Action {
        let Some(object) = context.api.store().get(key).map(Arc::clone) else {
            return Action::Done;
        };
        let Some(job) = object.as_::<Job>() else {
            return Action::Done;
        };
        if job.metadata.is_being_deleted() {
            return Action::Done;
        }
        let Some(expires) = expiry(job) else {
            return Action::Done;
        };
        let now = context.now();
        if expires > now {
            return Action::RequeueAfter(expires - now);
        }
        // Deletes only the Job that was checked (a uid precondition, as upstream).
        let options = DeleteOptions {
            propagation_policy: Some(PropagationPolicy::Foreground),
            precondition_uid: Some(job.metadata.uid().to_string()),
            ..DeleteOptions::default()
        };
        if context
            .api
            .delete(Job::resource_type(), &key.namespace, &key.name, &options)
            .is_ok()
        {
            context.trace(format!(
                "deleted job {}/{}: its TTL after finishing ran out",
                key.namespace, key.name
            ));
        }
        Action::Done
    }
}
