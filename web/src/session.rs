//! The session: a seed, a starting cluster and the script of command lines run so
//! far, with the simulation they produce. Saving and sharing store only the seed and
//! the script; restoring replays them, so the same cluster comes back, byte for byte.
//!
//! Everything changes the simulation through one door, [`Session::run`], which
//! records the line and hands it to the core's interpreter (kubectl and `sim …`
//! commands alike). The running clock moves time with [`Session::advance`],
//! recorded as the `sim advance <duration>` line that does the same. So the script
//! is a `kubesim run` script: the CLI replays a shared session to the same cluster.

use std::collections::VecDeque;

use kubesim::terminal::{self, LineOutput};
use kubesim::{ClusterConfig, NodeConfig, SimDuration, Simulation, SimulationConfig};

use crate::script::{self, SavedSession, ScriptEntry};

/// How a session starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionConfig {
    pub seed: u64,
    /// Worker nodes, when not the default cluster's three.
    pub workers: Option<u32>,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            seed: Simulation::DEFAULT_SEED,
            workers: None,
        }
    }
}

impl SessionConfig {
    fn simulation_config(&self) -> SimulationConfig {
        let mut config = SimulationConfig {
            seed: self.seed,
            ..SimulationConfig::default()
        };
        if let Some(workers) = self.workers {
            let mut nodes = vec![NodeConfig::control_plane("control-plane")];
            nodes.extend((1..=workers).map(|index| NodeConfig::worker(&format!("worker-{index}"))));
            config.cluster = ClusterConfig { nodes };
        }
        config
    }
}

/// One thing a component did, numbered so that a UI can tell new entries from old.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceRow {
    pub sequence: u64,
    pub time: String,
    pub component: String,
    pub message: String,
}

/// Trace rows kept for the architecture view.
const TRACE_ROWS_KEPT: usize = 200;

pub struct Session {
    config: SessionConfig,
    simulation: Simulation,
    script: Vec<ScriptEntry>,
    trace: VecDeque<TraceRow>,
    trace_sequence: u64,
    /// Bumped on every change of the script, so savers know when to save.
    script_version: u64,
    /// The last error the simulation reported (a step budget ran out), if any.
    failure: Option<String>,
    /// The script's last line is the clock's own `sim advance`, which the next
    /// advance extends (a typed `sim advance` stays as typed).
    clock_line_last: bool,
}

impl Session {
    pub fn new(config: SessionConfig) -> Session {
        let mut session = Session {
            simulation: Simulation::new(config.simulation_config()),
            config,
            script: Vec::new(),
            trace: VecDeque::new(),
            trace_sequence: 0,
            script_version: 0,
            failure: None,
            clock_line_last: false,
        };
        session.collect_trace();
        session
    }

    /// A fresh session that replays `entries`, with each entry's output.
    pub fn replay(
        config: SessionConfig,
        entries: Vec<ScriptEntry>,
    ) -> (Session, Vec<(ScriptEntry, LineOutput)>) {
        let mut session = Session::new(config);
        let mut outputs = Vec::with_capacity(entries.len());
        for entry in entries {
            let output = session.run(entry.clone());
            outputs.push((entry, output));
        }
        (session, outputs)
    }

    /// Replays a saved session.
    pub fn restore(
        saved: &SavedSession,
    ) -> Result<(Session, Vec<(ScriptEntry, LineOutput)>), script::ScriptError> {
        let entries = script::parse(&saved.script)?;
        let config = SessionConfig {
            seed: saved.seed,
            workers: saved.workers,
        };
        Ok(Session::replay(config, entries))
    }

    pub fn config(&self) -> SessionConfig {
        self.config
    }

    pub fn simulation(&self) -> &Simulation {
        &self.simulation
    }

    pub fn script(&self) -> &[ScriptEntry] {
        &self.script
    }

    pub fn script_version(&self) -> u64 {
        self.script_version
    }

    pub fn trace(&self) -> &VecDeque<TraceRow> {
        &self.trace
    }

    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }

    pub fn saved(&self) -> SavedSession {
        SavedSession {
            format: SavedSession::FORMAT.to_string(),
            version: SavedSession::VERSION,
            seed: self.config.seed,
            workers: self.config.workers,
            script: script::to_text(&self.script),
        }
    }

    /// Runs one line and records it in the script. Blank lines and comments do nothing.
    pub fn run(&mut self, entry: ScriptEntry) -> LineOutput {
        let line = entry.line.trim().to_string();
        if line.is_empty() || line.starts_with('#') {
            return LineOutput::default();
        }
        self.record(ScriptEntry {
            line: line.clone(),
            stdin: entry.stdin.clone(),
        });
        // As in `kubesim run`: pipes and filters work, and the cluster reacts at the
        // current instant after each command, so a shared script replays the same.
        let output = terminal::run_line(
            &mut self.simulation,
            &line,
            entry.stdin.as_deref().unwrap_or(""),
            &kubesim::kubectl::files::NoFiles,
        );
        self.clock_line_last = false;
        self.collect_trace();
        output
    }

    /// Moves the clock forward, firing timers on the way, and records it as
    /// `sim advance <d>`, merged into the previous line when that was an advance too
    /// (advancing by a then b is advancing by a + b: nothing else happened between).
    pub fn advance(&mut self, duration: SimDuration) {
        if duration.as_millis() <= 0 {
            return;
        }
        let merged = match self.script.last() {
            Some(last) if self.clock_line_last => last
                .line
                .strip_prefix("sim advance ")
                .and_then(|previous| SimDuration::parse_go(previous).ok())
                .map(|previous| {
                    SimDuration::from_millis(previous.as_millis() + duration.as_millis())
                }),
            _ => None,
        };
        match merged {
            Some(total) => {
                if let Some(last) = self.script.last_mut() {
                    last.line = format!("sim advance {}", total.to_go_string());
                }
                self.script_version += 1;
            }
            None => {
                self.record(ScriptEntry::command(format!(
                    "sim advance {}",
                    duration.to_go_string()
                )));
                self.clock_line_last = true;
            }
        }
        if let Err(error) = self.simulation.advance_by(duration) {
            self.failure = Some(error.to_string());
        }
        self.collect_trace();
    }

    /// How long until the next timer fires, if one is set.
    pub fn until_next_wakeup(&self) -> Option<SimDuration> {
        let now = self.simulation.now();
        self.simulation
            .next_wakeup()
            .map(|due| SimDuration::from_millis((due.unix_millis() - now.unix_millis()).max(0)))
    }

    fn record(&mut self, entry: ScriptEntry) {
        self.script.push(entry);
        self.script_version += 1;
    }

    fn collect_trace(&mut self) {
        for entry in self.simulation.drain_trace() {
            self.trace_sequence += 1;
            self.trace.push_back(TraceRow {
                sequence: self.trace_sequence,
                time: entry.time.to_string(),
                component: entry.component.to_string(),
                message: entry.message,
            });
        }
        while self.trace.len() > TRACE_ROWS_KEPT {
            self.trace.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_advances_merge_into_one_line() {
        let mut session = Session::new(SessionConfig::default());
        let start = session.simulation().now();
        session.advance(SimDuration::from_millis(1600));
        session.advance(SimDuration::from_millis(400));
        session.run(ScriptEntry::command("kubectl api-resources"));
        session.advance(SimDuration::from_secs(90));
        let lines: Vec<&str> = session
            .script()
            .iter()
            .map(|entry| entry.line.as_str())
            .collect();
        assert_eq!(
            lines,
            [
                "sim advance 2s",
                "kubectl api-resources",
                "sim advance 1m30s"
            ]
        );
        assert_eq!(
            session.simulation().now().unix_millis() - start.unix_millis(),
            92_000
        );
    }

    #[test]
    fn typed_sim_advance_runs_in_the_interpreter() {
        let mut session = Session::new(SessionConfig::default());
        let start = session.simulation().now();
        let output = session.run(ScriptEntry::command("sim advance 1m"));
        assert_eq!(output.exit_code, 0);
        assert_eq!(
            session.simulation().now().unix_millis() - start.unix_millis(),
            60_000
        );
        assert_eq!(output.stdout(), "advanced 1m0s to 2025-01-01T00:01:00Z\n");
        // A typed advance stays as typed; the clock's next advance is a line of its own.
        session.advance(SimDuration::from_secs(1));
        let lines: Vec<&str> = session
            .script()
            .iter()
            .map(|entry| entry.line.as_str())
            .collect();
        assert_eq!(lines, ["sim advance 1m", "sim advance 1s"]);
    }

    #[test]
    fn replaying_the_saved_script_gives_the_same_fingerprint() {
        let mut session = Session::new(SessionConfig {
            seed: 9,
            workers: Some(5),
        });
        session.run(ScriptEntry::command(
            "kubectl create deployment web --image=nginx --replicas=3",
        ));
        session.advance(SimDuration::from_millis(12_345));
        session.run(ScriptEntry::with_stdin(
            "kubectl apply -f -",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n",
        ));
        session.advance(SimDuration::from_secs(3));
        let saved = session.saved();
        let (restored, _) = Session::restore(&saved).unwrap();
        assert_eq!(restored.config(), session.config());
        assert_eq!(restored.simulation().now(), session.simulation().now());
        assert_eq!(
            restored.simulation().fingerprint(),
            session.simulation().fingerprint()
        );
        assert_eq!(restored.simulation().view().nodes.len(), 6);
    }

    #[test]
    fn the_bootstrap_shows_in_the_trace() {
        let session = Session::new(SessionConfig::default());
        let first = session.trace().front().unwrap();
        assert_eq!(first.sequence, 1);
        assert_eq!(first.component, "kube-apiserver");
    }
}
