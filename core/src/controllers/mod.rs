//! The controller-manager: reconcile loops that turn desired state into current state.
//!
//! Each controller observes watch events, queues the keys they concern, and
//! reconciles one key per step. A reconcile is a step that returns what to do
//! next ([`Action`]); it never loops or sleeps.

pub mod controller_utils;
pub mod daemon_set;
pub mod deployment;
pub mod endpoint_slice;
pub mod endpoints;
pub mod event_recorder;
pub mod garbage_collector;
pub mod job;
pub mod namespace;
pub mod node_lifecycle;
pub mod pod_gc;
pub mod replica_set;
pub mod replica_set_tally;
pub mod taint_eviction;
pub mod ttl_after_finished;
pub mod work_queue;

use crate::api_server::{ApiServer, ObjectKey, WatchEvent};
use crate::model::Object;
use crate::time::{SimDuration, SimTime};

pub use event_recorder::{EventRecorder, EventSourceRef, EventType};
pub use work_queue::WorkQueue;

/// What a reconcile asks for next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Nothing until a watch event queues the key again.
    Done,
    /// Reconcile the key again after this long, even without a watch event.
    RequeueAfter(SimDuration),
}

/// What a controller can touch while reconciling.
pub struct ControllerContext<'a> {
    pub api: &'a mut ApiServer,
    pub recorder: &'a mut EventRecorder,
    trace: &'a mut std::collections::VecDeque<TraceEntry>,
    component: &'static str,
}

impl<'a> ControllerContext<'a> {
    pub(crate) fn new(
        api: &'a mut ApiServer,
        recorder: &'a mut EventRecorder,
        trace: &'a mut std::collections::VecDeque<TraceEntry>,
        component: &'static str,
    ) -> Self {
        ControllerContext {
            api,
            recorder,
            trace,
            component,
        }
    }

    /// Records a Kubernetes Event about `object`, from this component.
    pub fn record_event(
        &mut self,
        object: &Object,
        event_type: EventType,
        reason: &str,
        message: &str,
    ) {
        self.recorder.record_from(
            self.api,
            self.component,
            None,
            object,
            "",
            event_type,
            reason,
            message,
        );
    }

    /// Records an event from this component on `host` (the kubelet's events),
    /// optionally about a part of the object (`spec.containers{nginx}`).
    pub fn record_event_on_host(
        &mut self,
        host: &str,
        object: &Object,
        field_path: &str,
        event_type: EventType,
        reason: &str,
        message: &str,
    ) {
        self.recorder.record_from(
            self.api,
            self.component,
            Some(host),
            object,
            field_path,
            event_type,
            reason,
            message,
        );
    }

    pub fn now(&self) -> SimTime {
        self.api.now()
    }

    /// Records what this component just did, for the architecture view and traces
    /// (e.g. "scheduler bound default/web-x to worker-2").
    pub fn trace(&mut self, message: impl Into<String>) {
        self.trace.push_back(TraceEntry {
            time: self.api.now(),
            component: self.component,
            message: message.into(),
        });
    }
}

/// One action of one component, in the order they happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceEntry {
    pub time: SimTime,
    pub component: &'static str,
    pub message: String,
}

/// The resource types a controller watches. Upstream's informers are per resource type
/// (`client-go/informers`), so a controller hears only of the kinds it has informers
/// for; the simulation dispatches each watch event only to the controllers that name
/// its kind, and a controller that hears every kind (the garbage collector's and the
/// namespace controller's dynamic informers) says [`Watches::All`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Watches {
    /// Every kind: the default, so a controller that declares nothing misses nothing.
    All,
    /// Only objects whose `ResourceType::kind` is one of these.
    Kinds(&'static [&'static str]),
}

impl Watches {
    /// True when events about objects of `kind` reach the controller.
    pub fn includes(self, kind: &str) -> bool {
        match self {
            Watches::All => true,
            Watches::Kinds(kinds) => kinds.contains(&kind),
        }
    }
}

/// A reconcile loop.
pub trait Controller {
    /// The component name shown in traces and as the source of its Events,
    /// e.g. "deployment-controller", "default-scheduler", "kubelet".
    fn name(&self) -> &'static str;

    /// The kinds whose watch events [`Controller::observe`] is given. It must name
    /// every kind `observe` acts on; events of other kinds are not delivered.
    fn watches(&self) -> Watches {
        Watches::All
    }

    /// Queues the keys a watch event concerns.
    fn observe(&mut self, event: &WatchEvent, api: &ApiServer, queue: &mut WorkQueue);

    /// Queues every key this controller cares about: used at start and when the
    /// watch fell behind a compaction (a relist).
    fn resync(&mut self, api: &ApiServer, queue: &mut WorkQueue);

    /// Brings one key's current state towards its desired state.
    fn reconcile(&mut self, key: &ObjectKey, context: &mut ControllerContext<'_>) -> Action;
}
