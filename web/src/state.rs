//! The playground's state and its reducer: plain data and pure functions, no HTML,
//! so it is tested natively (`cargo test -p kubesim-web --lib`).
//!
//! The simulation lives in the [`Session`] the state holds; actions change it only
//! through the session's command door, and the page never computes cluster facts
//! itself: it reshapes what `kubesim::view` reports into what the panels display.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use kubesim::SimDuration;
use kubesim::terminal::{Chunk, LineOutput};
use kubesim::view::{
    ClusterView, EventView, NodeView, ObjectDetail, ObjectRef, PodView, ServiceView, WorkloadView,
};
use yew::Reducible;

use crate::complete;
use crate::script::{self, SavedSession, ScriptEntry};
use crate::session::{Session, SessionConfig, TraceRow};

/// Terminal lines kept; older ones scroll away.
const TERMINAL_LINES_KEPT: usize = 2_000;
/// Commands kept in the up/down history.
const HISTORY_KEPT: usize = 200;
/// Events shown in the event stream.
const EVENTS_SHOWN: usize = 200;
/// A frame longer than this (a background tab, a debugger pause) advances the clock
/// as if it were this long: the advance per frame is bounded.
pub const MAX_FRAME_WALL_MILLIS: f64 = 100.0;
/// At "Max" speed one frame advances at most this much virtual time.
const MAX_SPEED_VIRTUAL_MILLIS_PER_FRAME: i64 = 60_000;
/// At "Max" speed one frame jumps over at most this many timers.
const MAX_SPEED_WAKEUPS_PER_FRAME: usize = 64;

/// How fast the virtual clock runs while playing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Speed {
    #[default]
    X1,
    X10,
    X100,
    /// As fast as possible: from timer to timer, bounded per frame.
    Max,
}

impl Speed {
    pub const ALL: [Speed; 4] = [Speed::X1, Speed::X10, Speed::X100, Speed::Max];

    pub fn label(self) -> &'static str {
        match self {
            Speed::X1 => "1×",
            Speed::X10 => "10×",
            Speed::X100 => "100×",
            Speed::Max => "Max",
        }
    }

    fn factor(self) -> Option<f64> {
        match self {
            Speed::X1 => Some(1.0),
            Speed::X10 => Some(10.0),
            Speed::X100 => Some(100.0),
            Speed::Max => None,
        }
    }
}

/// One line of the terminal's scrollback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TerminalLine {
    pub kind: LineKind,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// What the user typed, shown after the prompt.
    Input,
    Stdout,
    Stderr,
    /// The playground speaking (completions, replay notes).
    Note,
}

/// A message across the top of the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Banner {
    pub warning: bool,
    pub text: String,
}

/// The outcome of the YAML editor's last apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplyResult {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Which panel the lower area shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Panel {
    #[default]
    Events,
    Architecture,
    Rollout,
}

/// Everything the page shows.
#[derive(Clone)]
pub struct PlaygroundState {
    pub session: Rc<RefCell<Session>>,
    /// The virtual clock, RFC 3339.
    pub sim_time: String,
    pub cluster: Rc<ClusterModel>,
    pub events: Rc<Vec<EventView>>,
    /// `events` after the object filter: what the stream shows.
    pub shown_events: Rc<Vec<EventView>>,
    pub trace: Rc<Vec<TraceRow>>,
    pub terminal: Rc<Vec<TerminalLine>>,
    pub history: Rc<Vec<String>>,
    pub playing: bool,
    pub speed: Speed,
    pub selected: Option<ObjectRef>,
    pub detail: Option<Rc<ObjectDetail>>,
    /// For a selected pod: the scheduler's explanation of its last attempt.
    pub scheduling: Option<Rc<Vec<String>>>,
    pub event_filter: String,
    pub banner: Option<Banner>,
    pub apply_result: Option<ApplyResult>,
    pub panel: Panel,
    /// The Deployment the rollout panel follows.
    pub rollout_target: Option<String>,
    /// Fractional virtual milliseconds not yet advanced (the clock moves in whole ms).
    carry_millis: f64,
    /// The store revision the displayed data was built from.
    observed_revision: u64,
    /// The selection changed, so the inspector's detail must be rebuilt.
    detail_stale: bool,
}

impl PartialEq for PlaygroundState {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.session, &other.session)
            && self.sim_time == other.sim_time
            && Rc::ptr_eq(&self.cluster, &other.cluster)
            && Rc::ptr_eq(&self.terminal, &other.terminal)
            && self.playing == other.playing
            && self.speed == other.speed
            && self.selected == other.selected
            && self.banner == other.banner
    }
}

/// What can happen to the page's state.
pub enum Action {
    /// The user entered a line in the terminal.
    RunCommand(String),
    /// The YAML editor's Apply: `kubectl apply -f -` with the text as stdin.
    ApplyYaml(String),
    /// A command issued by a button (rollout, chaos): run and echoed like typed ones.
    Issue(String),
    /// One animation frame passed, this many wall-clock milliseconds after the last.
    Frame(f64),
    SetPlaying(bool),
    SetSpeed(Speed),
    /// Jump to the next timer (or one second when none is set), then pause.
    Step,
    Select(Option<ObjectRef>),
    SetEventFilter(String),
    SetPanel(Panel),
    SetRolloutTarget(Option<String>),
    /// Tab pressed on this line; the completion is written to the terminal and
    /// returned through [`PlaygroundState::last_completion`].
    ShowCandidates(Vec<String>),
    /// Start over with a fresh cluster (same seed and size).
    Reset,
    DismissBanner,
    ShowBanner(Banner),
}

impl Reducible for PlaygroundState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut state = (*self).clone();
        match action {
            Action::RunCommand(line) => {
                let line = line.trim().to_string();
                if line.is_empty() {
                    state.push_terminal([TerminalLine {
                        kind: LineKind::Input,
                        text: String::new(),
                    }]);
                    return Rc::new(state);
                }
                state.remember(&line);
                if line == "clear" {
                    state.terminal = Rc::new(Vec::new());
                    return Rc::new(state);
                }
                state.run_echoed(ScriptEntry::command(line));
            }
            Action::Issue(line) => {
                state.run_echoed(ScriptEntry::command(line));
            }
            Action::ApplyYaml(yaml) => {
                let output = state.run_echoed(ScriptEntry::with_stdin("kubectl apply -f -", yaml));
                state.apply_result = Some(ApplyResult {
                    ok: output.exit_code == 0,
                    stdout: output.stdout(),
                    stderr: output.stderr(),
                });
            }
            Action::Frame(wall_millis) => {
                if !state.playing {
                    return self;
                }
                state.frame(wall_millis);
            }
            Action::SetPlaying(playing) => state.playing = playing,
            Action::SetSpeed(speed) => state.speed = speed,
            Action::Step => {
                state.playing = false;
                let until = state
                    .session
                    .borrow()
                    .until_next_wakeup()
                    .filter(|duration| duration.as_millis() > 0)
                    .unwrap_or(SimDuration::from_secs(1));
                state.session.borrow_mut().advance(until);
            }
            Action::Select(selected) => {
                state.selected = selected;
                state.detail_stale = true;
            }
            Action::SetEventFilter(filter) => {
                state.shown_events = Rc::new(filter_events(&state.events, &filter));
                state.event_filter = filter;
                return Rc::new(state);
            }
            Action::SetPanel(panel) => {
                state.panel = panel;
                return Rc::new(state);
            }
            Action::SetRolloutTarget(target) => {
                state.rollout_target = target;
                state.panel = Panel::Rollout;
                return Rc::new(state);
            }
            Action::ShowCandidates(candidates) => {
                state.push_terminal([TerminalLine {
                    kind: LineKind::Note,
                    text: candidates.join("  "),
                }]);
                return Rc::new(state);
            }
            Action::Reset => {
                let config = state.session.borrow().config();
                let fresh = PlaygroundState::new(Session::new(config));
                return Rc::new(PlaygroundState {
                    banner: Some(Banner {
                        warning: false,
                        text: "Started a fresh cluster.".to_string(),
                    }),
                    history: state.history,
                    speed: state.speed,
                    playing: state.playing,
                    ..fresh
                });
            }
            Action::DismissBanner => {
                state.banner = None;
                return Rc::new(state);
            }
            Action::ShowBanner(banner) => {
                state.banner = Some(banner);
                return Rc::new(state);
            }
        }
        state.refresh();
        Rc::new(state)
    }
}

impl PlaygroundState {
    /// The page's state over a session, showing its cluster.
    pub fn new(session: Session) -> Self {
        let mut state = PlaygroundState {
            session: Rc::new(RefCell::new(session)),
            sim_time: String::new(),
            cluster: Rc::new(ClusterModel::default()),
            events: Rc::new(Vec::new()),
            shown_events: Rc::new(Vec::new()),
            trace: Rc::new(Vec::new()),
            terminal: Rc::new(vec![TerminalLine {
                kind: LineKind::Note,
                text: WELCOME.to_string(),
            }]),
            history: Rc::new(Vec::new()),
            playing: false,
            speed: Speed::default(),
            selected: None,
            detail: None,
            scheduling: None,
            event_filter: String::new(),
            banner: None,
            apply_result: None,
            panel: Panel::default(),
            rollout_target: None,
            carry_millis: 0.0,
            observed_revision: u64::MAX,
            detail_stale: true,
        };
        state.refresh();
        state
    }

    /// A session replayed from saved or shared text; a bad one gives a fresh cluster
    /// and a banner saying why, never a blank page.
    pub fn restore(saved: Result<SavedSession, script::ScriptError>, what: &str) -> Self {
        let restored = saved.and_then(|saved| Session::restore(&saved));
        match restored {
            Ok((session, outputs)) => {
                let mut state = PlaygroundState::new(session);
                let shown = outputs
                    .into_iter()
                    .filter(|(entry, _)| !entry.line.starts_with("sim advance "));
                let mut lines = vec![TerminalLine {
                    kind: LineKind::Note,
                    text: format!("Replayed the {what}."),
                }];
                for (entry, output) in shown {
                    lines.extend(echo(&entry, &output));
                }
                state.push_terminal(lines);
                state.history = Rc::new(
                    state
                        .session
                        .borrow()
                        .script()
                        .iter()
                        .filter(|entry| entry.stdin.is_none() && !entry.line.starts_with("sim "))
                        .map(|entry| entry.line.clone())
                        .collect(),
                );
                if let Some(failure) = state.session.borrow().failure() {
                    state.banner = Some(Banner {
                        warning: true,
                        text: format!("The simulation stopped: {failure}"),
                    });
                }
                state
            }
            Err(error) => {
                let mut state = PlaygroundState::new(Session::new(SessionConfig::default()));
                state.banner = Some(Banner {
                    warning: true,
                    text: format!(
                        "The {what} could not be restored: {error}. Started a fresh cluster instead."
                    ),
                });
                state
            }
        }
    }

    /// Completes a terminal line against the cluster.
    pub fn complete(&self, line: &str) -> complete::Completion {
        complete::complete(line, self.session.borrow().simulation().api())
    }

    /// The share fragment for the current session.
    pub fn share_fragment(&self) -> String {
        let session = self.session.borrow();
        let config = session.config();
        let default_seed = SessionConfig::default().seed;
        script::share_fragment(
            &script::to_text(session.script()),
            (config.seed != default_seed).then_some(config.seed),
            config.workers,
        )
    }

    fn frame(&mut self, wall_millis: f64) {
        let wall_millis = wall_millis.clamp(0.0, MAX_FRAME_WALL_MILLIS);
        match self.speed.factor() {
            Some(factor) => {
                self.carry_millis += wall_millis * factor;
                let whole = self.carry_millis.floor();
                self.carry_millis -= whole;
                if whole >= 1.0 {
                    self.session
                        .borrow_mut()
                        .advance(SimDuration::from_millis(whole as i64));
                }
            }
            None => {
                let mut session = self.session.borrow_mut();
                let mut budget = MAX_SPEED_VIRTUAL_MILLIS_PER_FRAME;
                for _ in 0..MAX_SPEED_WAKEUPS_PER_FRAME {
                    let next = session
                        .until_next_wakeup()
                        .map(|duration| duration.as_millis().max(1))
                        .unwrap_or(budget)
                        .min(budget);
                    if next <= 0 {
                        break;
                    }
                    session.advance(SimDuration::from_millis(next));
                    budget -= next;
                }
            }
        }
        if self.session.borrow().failure().is_some() {
            self.playing = false;
        }
    }

    fn remember(&mut self, line: &str) {
        let mut history = (*self.history).clone();
        if history.last().map(String::as_str) != Some(line) {
            history.push(line.to_string());
        }
        let excess = history.len().saturating_sub(HISTORY_KEPT);
        history.drain(..excess);
        self.history = Rc::new(history);
    }

    fn run_echoed(&mut self, entry: ScriptEntry) -> LineOutput {
        let output = self.session.borrow_mut().run(entry.clone());
        self.push_terminal(echo(&entry, &output));
        output
    }

    fn push_terminal(&mut self, lines: impl IntoIterator<Item = TerminalLine>) {
        let mut terminal = (*self.terminal).clone();
        terminal.extend(lines);
        let excess = terminal.len().saturating_sub(TERMINAL_LINES_KEPT);
        terminal.drain(..excess);
        self.terminal = Rc::new(terminal);
    }

    /// Rebuilds what changed since the last look at the simulation.
    fn refresh(&mut self) {
        let session = self.session.borrow();
        let simulation = session.simulation();
        self.sim_time = simulation.now().to_string();
        let trace_changed = self.trace.last().map(|row| row.sequence)
            != session.trace().back().map(|row| row.sequence);
        if trace_changed {
            self.trace = Rc::new(session.trace().iter().cloned().collect());
        }
        if let Some(failure) = session.failure() {
            let text = format!("The simulation stopped: {failure}");
            if self.banner.as_ref().map(|banner| &banner.text) != Some(&text) {
                self.banner = Some(Banner {
                    warning: true,
                    text,
                });
            }
        }
        let revision = simulation.api().resource_version();
        if revision == self.observed_revision && !self.detail_stale {
            return;
        }
        // Only what changed is rebuilt: heartbeats and leases move the revision of a
        // quiet cluster all the time, and rebuilding 1,000 pods for them costs frames.
        let (cluster_changed, nodes_only, events_changed) = match simulation
            .api()
            .store()
            .events_after(self.observed_revision)
        {
            _ if revision == self.observed_revision => (false, false, false),
            Some(changes) if self.observed_revision != u64::MAX => {
                let mut cluster = false;
                let mut nodes_only = true;
                let mut events = false;
                for change in changes {
                    match change.object.kind() {
                        "Event" => events = true,
                        "Lease" | "EndpointSlice" | "Endpoints" | "Namespace" => {}
                        "Node" => cluster = true,
                        _ => {
                            cluster = true;
                            nodes_only = false;
                        }
                    }
                }
                (cluster, nodes_only, events)
            }
            _ => (true, false, true),
        };
        self.observed_revision = revision;
        if cluster_changed && nodes_only {
            // Heartbeats: the pods are as they were, so only the node cards are rebuilt.
            self.cluster = Rc::new(
                self.cluster
                    .with_nodes(&kubesim::view::node_views(simulation.api())),
            );
        } else if cluster_changed {
            self.cluster = Rc::new(ClusterModel::from_view(&simulation.view(), &self.cluster));
        }
        if events_changed {
            self.events = Rc::new(kubesim::view::recent_events(simulation.api(), EVENTS_SHOWN));
            self.shown_events = Rc::new(filter_events(&self.events, &self.event_filter));
        }
        if !cluster_changed && !events_changed && !self.detail_stale {
            return;
        }
        self.detail_stale = false;
        self.detail = self.selected.as_ref().and_then(|selected| {
            kubesim::view::object_detail(
                simulation.api(),
                &selected.kind,
                &selected.namespace,
                &selected.name,
            )
            .map(Rc::new)
        });
        self.scheduling = self
            .selected
            .as_ref()
            .filter(|selected| selected.kind == "Pod")
            .and_then(|pod| scheduling_lines(simulation, &pod.namespace, &pod.name))
            .map(Rc::new);
    }
}

const WELCOME: &str = "Welcome to kubesim: a Kubernetes cluster simulated in this tab. Try: kubectl create deployment web --image=nginx --replicas=3   (Tab completes, ↑/↓ recall)";

/// The scheduler's explanation for a pod, when the simulation keeps one.
fn scheduling_lines(
    simulation: &kubesim::Simulation,
    namespace: &str,
    pod: &str,
) -> Option<Vec<String>> {
    kubesim::view::scheduling_explanation(simulation, namespace, pod)
}

/// The events whose object or reason contains `filter` (case-insensitive).
fn filter_events(events: &[EventView], filter: &str) -> Vec<EventView> {
    let filter = filter.trim().to_ascii_lowercase();
    events
        .iter()
        .filter(|event| {
            filter.is_empty()
                || event.object.to_ascii_lowercase().contains(&filter)
                || event.reason.to_ascii_lowercase().contains(&filter)
        })
        .cloned()
        .collect()
}

/// A command and what it printed, as the terminal shows them.
fn echo(entry: &ScriptEntry, output: &LineOutput) -> Vec<TerminalLine> {
    let mut lines = vec![TerminalLine {
        kind: LineKind::Input,
        text: match &entry.stdin {
            Some(_) => format!("{}   # YAML from the editor", entry.line),
            None => entry.line.clone(),
        },
    }];
    let split = |text: &str, kind: LineKind| -> Vec<TerminalLine> {
        text.strip_suffix('\n')
            .unwrap_or(text)
            .split('\n')
            .filter(|_| !text.is_empty())
            .map(|line| TerminalLine {
                kind,
                text: line.to_string(),
            })
            .collect()
    };
    for chunk in &output.chunks {
        match chunk {
            Chunk::Stdout(text) => lines.extend(split(text, LineKind::Stdout)),
            Chunk::Stderr(text) => lines.extend(split(text, LineKind::Stderr)),
        }
    }
    lines
}

/// The cluster map's data: node cards with their pods, and the pods no node has.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClusterModel {
    pub nodes: Vec<Rc<NodeCardData>>,
    /// Pods no node is assigned to (Pending, waiting for the scheduler).
    pub unscheduled: Rc<Vec<PodGroup>>,
    pub workloads: Rc<Vec<WorkloadView>>,
    pub services: Rc<Vec<ServiceView>>,
    pub pod_count: usize,
}

/// One node card: the node, and its pods grouped by owner.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeCardData {
    pub node: NodeSummary,
    pub groups: Vec<PodGroup>,
}

/// Pods with the same controlling owner on one node (or unscheduled).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodGroup {
    /// `ReplicaSet/web-7d4f8`, or "" for pods without an owner.
    pub owner: String,
    pub pods: Vec<PodChip>,
}

/// A pod chip: its name and how to show its state without relying on colour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodChip {
    pub namespace: String,
    pub name: String,
    pub phase: String,
    pub status: String,
    pub ready: bool,
    pub look: PodLook,
    pub restarts: i64,
}

/// How a pod chip looks: a colour class, an icon and words, all three together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodLook {
    Ready,
    /// Running but not (yet) ready.
    NotReady,
    Pending,
    Failing,
    Succeeded,
    Failed,
    Terminating,
}

impl PodLook {
    pub fn of(pod: &PodView) -> PodLook {
        if pod.terminating {
            return PodLook::Terminating;
        }
        match pod.status.as_str() {
            "CrashLoopBackOff"
            | "ImagePullBackOff"
            | "ErrImagePull"
            | "Error"
            | "CreateContainerConfigError"
            | "InvalidImageName"
            | "OOMKilled" => {
                return PodLook::Failing;
            }
            _ => {}
        }
        match pod.phase.as_str() {
            "Running" if pod.ready => PodLook::Ready,
            "Running" => PodLook::NotReady,
            "Succeeded" => PodLook::Succeeded,
            "Failed" => PodLook::Failed,
            _ => PodLook::Pending,
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            PodLook::Ready => "ready",
            PodLook::NotReady => "not-ready",
            PodLook::Pending => "pending",
            PodLook::Failing => "failing",
            PodLook::Succeeded => "succeeded",
            PodLook::Failed => "failed",
            PodLook::Terminating => "terminating",
        }
    }

    pub fn icon(self) -> &'static str {
        match self {
            PodLook::Ready => "●",
            PodLook::NotReady => "◐",
            PodLook::Pending => "○",
            PodLook::Failing => "!",
            PodLook::Succeeded => "✓",
            PodLook::Failed => "✗",
            PodLook::Terminating => "↓",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            PodLook::Ready => "running and ready",
            PodLook::NotReady => "running, not ready",
            PodLook::Pending => "pending",
            PodLook::Failing => "failing",
            PodLook::Succeeded => "completed",
            PodLook::Failed => "failed",
            PodLook::Terminating => "terminating",
        }
    }

    pub const ALL: [PodLook; 7] = [
        PodLook::Ready,
        PodLook::NotReady,
        PodLook::Pending,
        PodLook::Failing,
        PodLook::Terminating,
        PodLook::Succeeded,
        PodLook::Failed,
    ];
}

impl PodChip {
    fn of(pod: &PodView) -> PodChip {
        PodChip {
            namespace: pod.namespace.clone(),
            name: pod.name.clone(),
            phase: pod.phase.clone(),
            status: pod.status.clone(),
            ready: pod.ready,
            look: PodLook::of(pod),
            restarts: pod.restarts,
        }
    }
}

fn group_pods<'a>(pods: impl Iterator<Item = &'a PodView>) -> Vec<PodGroup> {
    let mut groups: BTreeMap<String, Vec<PodChip>> = BTreeMap::new();
    for pod in pods {
        groups
            .entry(pod.owner.clone().unwrap_or_default())
            .or_default()
            .push(PodChip::of(pod));
    }
    groups
        .into_iter()
        .map(|(owner, pods)| PodGroup { owner, pods })
        .collect()
}

impl ClusterModel {
    /// The map's data; node cards equal to the previous ones keep their `Rc`, so the
    /// components that render them see identical props and skip the work.
    pub fn from_view(view: &ClusterView, previous: &ClusterModel) -> ClusterModel {
        let mut by_node: BTreeMap<&str, Vec<&PodView>> = BTreeMap::new();
        let mut unscheduled = Vec::new();
        for pod in &view.pods {
            match &pod.node_name {
                Some(node) => by_node.entry(node.as_str()).or_default().push(pod),
                None => unscheduled.push(pod),
            }
        }
        let nodes = view
            .nodes
            .iter()
            .map(|node| {
                let card = NodeCardData {
                    node: NodeSummary::from_view(node),
                    groups: group_pods(
                        by_node
                            .get(node.name.as_str())
                            .into_iter()
                            .flatten()
                            .copied(),
                    ),
                };
                match previous.nodes.iter().find(|old| old.node.name == node.name) {
                    Some(old) if **old == card => Rc::clone(old),
                    _ => Rc::new(card),
                }
            })
            .collect();
        let unscheduled = group_pods(unscheduled.into_iter());
        let keep_or_new = |old: &Rc<Vec<PodGroup>>, new: Vec<PodGroup>| {
            if **old == new {
                Rc::clone(old)
            } else {
                Rc::new(new)
            }
        };
        ClusterModel {
            nodes,
            unscheduled: keep_or_new(&previous.unscheduled, unscheduled),
            workloads: if *previous.workloads == view.workloads {
                Rc::clone(&previous.workloads)
            } else {
                Rc::new(view.workloads.clone())
            },
            services: if *previous.services == view.services {
                Rc::clone(&previous.services)
            } else {
                Rc::new(view.services.clone())
            },
            pod_count: view.pods.len(),
        }
    }

    /// The same pods with fresh node cards; a card whose node did not change keeps
    /// its `Rc`.
    pub fn with_nodes(&self, nodes: &[NodeView]) -> ClusterModel {
        let nodes = nodes
            .iter()
            .map(|node| {
                let summary = NodeSummary::from_view(node);
                match self.nodes.iter().find(|old| old.node.name == node.name) {
                    Some(old) if old.node == summary => Rc::clone(old),
                    Some(old) => Rc::new(NodeCardData {
                        node: summary,
                        groups: old.groups.clone(),
                    }),
                    None => Rc::new(NodeCardData {
                        node: summary,
                        groups: Vec::new(),
                    }),
                }
            })
            .collect();
        ClusterModel {
            nodes,
            ..self.clone()
        }
    }

    /// ReplicaSets of a Deployment, newest revision first.
    pub fn replica_sets_of(&self, namespace: &str, deployment: &str) -> Vec<WorkloadView> {
        let owner = format!("Deployment/{deployment}");
        let mut sets: Vec<WorkloadView> = self
            .workloads
            .iter()
            .filter(|workload| {
                workload.kind == "ReplicaSet"
                    && workload.namespace == namespace
                    && workload.owner.as_deref() == Some(owner.as_str())
            })
            .cloned()
            .collect();
        sets.sort_by(|a, b| b.revision.cmp(&a.revision).then(a.name.cmp(&b.name)));
        sets
    }
}

/// One node card's content.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeSummary {
    pub name: String,
    pub roles: Vec<String>,
    pub ready: bool,
    pub unschedulable: bool,
    pub taints: Vec<String>,
    pub zone: Option<String>,
    pub cpu: ResourceUsage,
    pub memory: ResourceUsage,
    pub pods: ResourceUsage,
}

impl NodeSummary {
    pub fn from_view(node: &NodeView) -> Self {
        Self {
            name: node.name.clone(),
            roles: node.roles.clone(),
            ready: node.ready,
            unschedulable: node.unschedulable,
            taints: node.taints.clone(),
            zone: node.zone.clone(),
            cpu: ResourceUsage {
                resource: Resource::Cpu,
                requested: node.cpu_requested_millis,
                allocatable: node.cpu_allocatable_millis,
            },
            memory: ResourceUsage {
                resource: Resource::Memory,
                requested: node.memory_requested_bytes,
                allocatable: node.memory_allocatable_bytes,
            },
            pods: ResourceUsage {
                resource: Resource::Pods,
                requested: node.pod_count,
                allocatable: node.pods_allocatable,
            },
        }
    }

    /// kubectl's STATUS column: "Ready", "NotReady", with ",SchedulingDisabled" when cordoned.
    pub fn status_text(&self) -> String {
        let readiness = if self.ready { "Ready" } else { "NotReady" };
        if self.unschedulable {
            format!("{readiness},SchedulingDisabled")
        } else {
            readiness.to_string()
        }
    }
}

/// The three resources a node card compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    /// Amounts in millicores.
    Cpu,
    /// Amounts in bytes.
    Memory,
    /// Amounts in pods.
    Pods,
}

impl Resource {
    pub fn label(self) -> &'static str {
        match self {
            Resource::Cpu => "CPU",
            Resource::Memory => "Memory",
            Resource::Pods => "Pods",
        }
    }

    /// An amount in this resource's unit, written as Kubernetes writes quantities.
    pub fn format_amount(self, amount: i64) -> String {
        match self {
            Resource::Cpu => format_cpu_millis(amount),
            Resource::Memory => format_memory_bytes(amount),
            Resource::Pods => amount.to_string(),
        }
    }
}

/// Requested versus allocatable, in the resource's unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResourceUsage {
    pub resource: Resource,
    pub requested: i64,
    pub allocatable: i64,
}

impl ResourceUsage {
    /// Requested as a whole percent of allocatable, clamped to 0..=100 for the bar.
    /// A node with nothing allocatable counts as 0%, never a division by zero.
    pub fn percent_used(&self) -> u8 {
        if self.allocatable <= 0 || self.requested <= 0 {
            return 0;
        }
        let percent = (i128::from(self.requested) * 100) / i128::from(self.allocatable);
        percent.clamp(0, 100) as u8
    }

    /// "750m of 2 (37%)", the way `kubectl describe node` summarises allocation.
    pub fn summary_text(&self) -> String {
        format!(
            "{} of {} ({}%)",
            self.resource.format_amount(self.requested),
            self.resource.format_amount(self.allocatable),
            self.percent_used()
        )
    }
}

/// Millicores as a Kubernetes CPU quantity: whole cores plain ("2"), else millis ("750m").
pub fn format_cpu_millis(millis: i64) -> String {
    if millis % 1000 == 0 {
        (millis / 1000).to_string()
    } else {
        format!("{millis}m")
    }
}

/// Bytes as a Kubernetes memory quantity with the largest binary suffix that divides
/// it exactly ("4Gi", "512Mi"), else one decimal of the largest fitting one ("1.5Gi").
pub fn format_memory_bytes(bytes: i64) -> String {
    const SUFFIXES: [(&str, i64); 4] = [
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ];
    for (suffix, unit_bytes) in SUFFIXES {
        if bytes.unsigned_abs() >= unit_bytes.unsigned_abs() {
            if bytes % unit_bytes == 0 {
                return format!("{}{suffix}", bytes / unit_bytes);
            }
            return format!("{:.1}{suffix}", bytes as f64 / unit_bytes as f64);
        }
    }
    bytes.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(resource: Resource, requested: i64, allocatable: i64) -> ResourceUsage {
        ResourceUsage {
            resource,
            requested,
            allocatable,
        }
    }

    #[test]
    fn cpu_is_written_in_cores_or_millicores() {
        assert_eq!(format_cpu_millis(2000), "2");
        assert_eq!(format_cpu_millis(750), "750m");
        assert_eq!(format_cpu_millis(1500), "1500m");
        assert_eq!(format_cpu_millis(0), "0");
    }

    #[test]
    fn memory_uses_the_largest_binary_suffix() {
        assert_eq!(format_memory_bytes(4 << 30), "4Gi");
        assert_eq!(format_memory_bytes(512 << 20), "512Mi");
        assert_eq!(format_memory_bytes(3 << 29), "1.5Gi");
        assert_eq!(format_memory_bytes(100), "100");
        assert_eq!(format_memory_bytes(0), "0");
    }

    #[test]
    fn percent_used_is_clamped_and_safe_on_zero_allocatable() {
        assert_eq!(usage(Resource::Cpu, 750, 2000).percent_used(), 37);
        assert_eq!(usage(Resource::Cpu, 3000, 2000).percent_used(), 100);
        assert_eq!(usage(Resource::Pods, 5, 0).percent_used(), 0);
        assert_eq!(usage(Resource::Pods, -1, 110).percent_used(), 0);
        assert_eq!(
            usage(Resource::Memory, i64::MAX, i64::MAX).percent_used(),
            100
        );
    }

    #[test]
    fn summary_reads_like_kubectl_describe() {
        assert_eq!(
            usage(Resource::Cpu, 750, 2000).summary_text(),
            "750m of 2 (37%)"
        );
        assert_eq!(
            usage(Resource::Memory, 1 << 30, 4 << 30).summary_text(),
            "1Gi of 4Gi (25%)"
        );
    }

    fn node(ready: bool, unschedulable: bool, roles: &[&str]) -> NodeSummary {
        NodeSummary {
            name: "worker-1".into(),
            roles: roles.iter().map(|role| role.to_string()).collect(),
            ready,
            unschedulable,
            taints: Vec::new(),
            zone: None,
            cpu: usage(Resource::Cpu, 0, 2000),
            memory: usage(Resource::Memory, 0, 4 << 30),
            pods: usage(Resource::Pods, 0, 110),
        }
    }

    #[test]
    fn status_reads_like_kubectl_get_nodes() {
        assert_eq!(node(true, false, &[]).status_text(), "Ready");
        assert_eq!(
            node(false, true, &[]).status_text(),
            "NotReady,SchedulingDisabled"
        );
    }

    fn fresh() -> Rc<PlaygroundState> {
        Rc::new(PlaygroundState::new(Session::new(SessionConfig::default())))
    }

    #[test]
    fn a_fresh_state_shows_the_default_nodes_and_the_clock() {
        let state = fresh();
        let names: Vec<&str> = state
            .cluster
            .nodes
            .iter()
            .map(|card| card.node.name.as_str())
            .collect();
        assert_eq!(names, ["control-plane", "worker-1", "worker-2", "worker-3"]);
        assert_eq!(state.sim_time, kubesim::SimTime::DEFAULT_EPOCH.to_string());
        assert!(!state.playing);
    }

    #[test]
    fn commands_are_echoed_remembered_and_recorded() {
        let state = fresh().reduce(Action::RunCommand("kubectl api-resources -o name".into()));
        let inputs: Vec<&str> = state
            .terminal
            .iter()
            .filter(|line| line.kind == LineKind::Input)
            .map(|line| line.text.as_str())
            .collect();
        assert_eq!(inputs, ["kubectl api-resources -o name"]);
        assert!(
            state
                .terminal
                .iter()
                .any(|line| line.kind == LineKind::Stdout && line.text == "pods")
        );
        assert_eq!(*state.history, ["kubectl api-resources -o name"]);
        assert_eq!(state.session.borrow().script().len(), 1);
        let cleared = state.reduce(Action::RunCommand("clear".into()));
        assert!(cleared.terminal.is_empty());
        assert_eq!(
            cleared.session.borrow().script().len(),
            1,
            "clear is the terminal's, not the cluster's"
        );
    }

    #[test]
    fn frames_advance_the_clock_only_while_playing_and_are_bounded() {
        let paused = fresh();
        let same = Rc::clone(&paused).reduce(Action::Frame(16.0));
        assert!(
            Rc::ptr_eq(&paused, &same),
            "a paused frame changes nothing, so nothing re-renders"
        );
        let start = paused.session.borrow().simulation().now().unix_millis();
        let playing = paused
            .reduce(Action::SetSpeed(Speed::X100))
            .reduce(Action::SetPlaying(true))
            .reduce(Action::Frame(16.0))
            .reduce(Action::Frame(5_000.0));
        let advanced = playing.session.borrow().simulation().now().unix_millis() - start;
        // 16 ms and then a 5 s hitch clamped to 100 ms, each at 100×.
        assert_eq!(advanced, 1_600 + 10_000);
        let lines: Vec<String> = playing
            .session
            .borrow()
            .script()
            .iter()
            .map(|entry| entry.line.clone())
            .collect();
        assert_eq!(lines, ["sim advance 11.6s"]);
    }

    #[test]
    fn fractional_frames_carry_over() {
        let mut state = fresh().reduce(Action::SetPlaying(true));
        for _ in 0..3 {
            state = state.reduce(Action::Frame(0.5));
        }
        let session = state.session.borrow();
        assert_eq!(
            session.simulation().now().unix_millis()
                - kubesim::SimTime::DEFAULT_EPOCH.unix_millis(),
            1
        );
    }

    #[test]
    fn max_speed_and_step_move_the_clock_and_step_pauses() {
        let state = fresh()
            .reduce(Action::SetSpeed(Speed::Max))
            .reduce(Action::SetPlaying(true))
            .reduce(Action::Frame(16.0));
        let start = kubesim::SimTime::DEFAULT_EPOCH.unix_millis();
        let after_frame = state.session.borrow().simulation().now().unix_millis() - start;
        assert!(after_frame > 0 && after_frame <= MAX_SPEED_VIRTUAL_MILLIS_PER_FRAME);
        let stepped = state.reduce(Action::Step);
        assert!(!stepped.playing);
        assert!(stepped.session.borrow().simulation().now().unix_millis() - start > after_frame);
    }

    #[test]
    fn a_corrupt_saved_session_gives_a_banner_and_a_fresh_cluster() {
        let state =
            PlaygroundState::restore(SavedSession::from_json("{\"format\": 3"), "saved session");
        let banner = state.banner.clone().unwrap();
        assert!(banner.warning);
        assert!(
            banner.text.starts_with(
                "The saved session could not be restored: it is not a kubesim session"
            )
        );
        assert_eq!(state.cluster.nodes.len(), 4);
    }

    #[test]
    fn a_saved_session_replays_to_the_same_cluster() {
        let state = fresh()
            .reduce(Action::RunCommand("kubectl api-resources".into()))
            .reduce(Action::SetPlaying(true))
            .reduce(Action::Frame(40.0));
        let saved = state.session.borrow().saved();
        let restored = PlaygroundState::restore(Ok(saved), "saved session");
        assert!(restored.banner.is_none());
        assert_eq!(restored.sim_time, state.sim_time);
        assert_eq!(
            restored.session.borrow().simulation().fingerprint(),
            state.session.borrow().simulation().fingerprint()
        );
        assert_eq!(*restored.history, ["kubectl api-resources"]);
        // A share fragment carries the same script.
        let shared = script::parse_fragment(&state.share_fragment()).unwrap();
        assert_eq!(
            shared.script.unwrap(),
            state.session.borrow().saved().script
        );
    }

    #[test]
    fn reset_starts_a_fresh_cluster_and_says_so() {
        let state = fresh()
            .reduce(Action::RunCommand("kubectl api-resources".into()))
            .reduce(Action::Reset);
        assert!(state.session.borrow().script().is_empty());
        assert_eq!(
            state.banner.as_ref().unwrap().text,
            "Started a fresh cluster."
        );
        assert_eq!(
            *state.history,
            ["kubectl api-resources"],
            "history survives a reset"
        );
    }

    #[test]
    fn applying_bad_yaml_reports_the_error_and_changes_nothing() {
        let state = fresh().reduce(Action::ApplyYaml("kind: [".into()));
        let result = state.apply_result.clone().unwrap();
        assert!(!result.ok);
        assert!(!result.stderr.is_empty());
    }

    #[test]
    fn selecting_an_object_shows_its_detail_and_the_filter_narrows_events() {
        let node = ObjectRef {
            kind: "Node".into(),
            namespace: String::new(),
            name: "worker-1".into(),
        };
        let state = fresh().reduce(Action::Select(Some(node)));
        let detail = state.detail.clone().expect("the node's detail");
        assert_eq!(
            (detail.kind.as_str(), detail.name.as_str()),
            ("Node", "worker-1")
        );
        assert!(detail.yaml.contains("name: worker-1"));
        let filtered = state.reduce(Action::SetEventFilter("no-such-object".into()));
        assert!(filtered.shown_events.is_empty());
        let cleared = filtered.reduce(Action::Select(None));
        assert!(cleared.detail.is_none());
    }

    #[test]
    fn node_only_changes_keep_the_pods_and_unchanged_cards() {
        let state = fresh();
        let view = state.session.borrow().simulation().view();
        let same = state.cluster.with_nodes(&view.nodes);
        assert!(
            same.nodes
                .iter()
                .zip(&state.cluster.nodes)
                .all(|(a, b)| Rc::ptr_eq(a, b))
        );
        let mut cordoned = view.nodes.clone();
        cordoned[1].unschedulable = true;
        let changed = state.cluster.with_nodes(&cordoned);
        assert!(changed.nodes[1].node.unschedulable);
        assert!(Rc::ptr_eq(&changed.nodes[0], &state.cluster.nodes[0]));
        assert!(Rc::ptr_eq(&changed.unscheduled, &state.cluster.unscheduled));
    }

    #[test]
    fn pod_looks_name_their_state_in_words() {
        for look in PodLook::ALL {
            assert!(
                !look.icon().is_empty() && !look.words().is_empty() && !look.class().is_empty()
            );
        }
    }
}

#[cfg(test)]
mod profile {
    use super::*;

    /// Where a frame's time goes at 50 workers and 1,000 pods (run with --ignored --nocapture).
    #[test]
    #[ignore]
    fn frame_cost_breakdown() {
        let mut yaml = String::new();
        for index in 0..1000 {
            yaml.push_str(&format!("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: bench-{index}\n  labels:\n    app: bench\nspec:\n  nodeName: worker-{}\n  containers:\n  - name: web\n    image: nginx\n", index % 50 + 1));
        }
        let session = Session::new(SessionConfig {
            seed: 1,
            workers: Some(50),
        });
        let mut state = Rc::new(PlaygroundState::new(session)).reduce(Action::ApplyYaml(yaml));
        state = state
            .reduce(Action::SetSpeed(Speed::X100))
            .reduce(Action::SetPlaying(true));
        let started = std::time::Instant::now();
        let mut advance = std::time::Duration::ZERO;
        let mut view = std::time::Duration::ZERO;
        let mut events = std::time::Duration::ZERO;
        for _ in 0..100 {
            let t = std::time::Instant::now();
            state
                .session
                .borrow_mut()
                .advance(SimDuration::from_millis(1600));
            advance += t.elapsed();
            let t = std::time::Instant::now();
            let v = state.session.borrow().simulation().view();
            let _ = ClusterModel::from_view(&v, &state.cluster);
            view += t.elapsed();
            let t = std::time::Instant::now();
            let e = kubesim::view::recent_events(
                state.session.borrow().simulation().api(),
                EVENTS_SHOWN,
            );
            events += t.elapsed();
            let _ = e;
        }
        state = state.reduce(Action::Frame(16.0));
        println!(
            "100 frames: total {:?}, advance {:?}, view+model {:?}, events {:?}; store objects {}",
            started.elapsed(),
            advance,
            view,
            events,
            state.session.borrow().simulation().api().store().len()
        );
    }
}
