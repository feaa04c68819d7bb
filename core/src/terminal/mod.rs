//! A learner's terminal around kubectl: the bit of shell a tutorial types.
//!
//! A line may be a `;`/`&&`/`||` list and pipe into text filters
//! (`kubectl get pods | grep web`), see [`pipeline`] and [`filters`]; `echo` and
//! `cat FILE` are sources. After each command the cluster reacts at the current
//! instant, as it would while the user types the next one. The native CLI's
//! `kubesim run` and shell and the playground's terminal all run lines here, so a
//! line prints the same in all three.

pub mod filters;
pub mod pipeline;

use crate::kubectl::files::{FileNode, FileSource};
use crate::kubectl::{self, CommandOutput, shell_words};
use crate::simulation::Simulation;

use filters::run_filter;
use pipeline::Connector;

/// The most work one reaction may do, so a runaway controller is an error, not a hang.
const REACTION_STEP_BUDGET: u64 = 10_000_000;

/// One piece of a command line's output, in the order a terminal shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Chunk {
    Stdout(String),
    Stderr(String),
}

/// What a command line printed, and the exit status of its last pipeline.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineOutput {
    pub chunks: Vec<Chunk>,
    pub exit_code: i32,
}

impl LineOutput {
    /// Everything printed, stdout and stderr in order.
    pub fn text(&self) -> String {
        self.chunks
            .iter()
            .map(|chunk| match chunk {
                Chunk::Stdout(text) | Chunk::Stderr(text) => text.as_str(),
            })
            .collect()
    }

    /// What went to stdout, in order.
    pub fn stdout(&self) -> String {
        self.chunks
            .iter()
            .filter_map(|chunk| match chunk {
                Chunk::Stdout(text) => Some(text.as_str()),
                Chunk::Stderr(_) => None,
            })
            .collect()
    }

    /// What went to stderr, in order.
    pub fn stderr(&self) -> String {
        self.chunks
            .iter()
            .filter_map(|chunk| match chunk {
                Chunk::Stderr(text) => Some(text.as_str()),
                Chunk::Stdout(_) => None,
            })
            .collect()
    }
}

/// Runs one pipeline stage: the interpreter for kubectl, sim and sleep; `cat`
/// and `echo` as sources; anything else as a text filter.
fn run_stage(
    simulation: &mut Simulation,
    stage: &str,
    input: &str,
    files: &dyn FileSource,
) -> CommandOutput {
    let words = shell_words::split(stage).unwrap_or_default();
    match words.first().map(String::as_str) {
        Some("kubectl" | "sim" | "sleep") | None => {
            kubectl::run_with_files(simulation, stage, input, files)
        }
        Some("echo") => {
            let (newline, words) = match words.get(1).map(String::as_str) {
                Some("-n") => (false, &words[2..]),
                _ => (true, &words[1..]),
            };
            let mut text = words.join(" ");
            if newline {
                text.push('\n');
            }
            CommandOutput::ok(text)
        }
        Some("cat") if words.len() > 1 => {
            let mut text = String::new();
            for path in &words[1..] {
                match files.read(path) {
                    Some(FileNode::File(contents)) => text.push_str(&contents),
                    Some(FileNode::Directory(_)) => {
                        return CommandOutput {
                            stdout: text,
                            stderr: format!("cat: {path}: Is a directory\n"),
                            exit_code: 1,
                        };
                    }
                    None => {
                        return CommandOutput {
                            stdout: text,
                            stderr: format!("cat: {path}: No such file or directory\n"),
                            exit_code: 1,
                        };
                    }
                }
            }
            CommandOutput::ok(text)
        }
        Some(_) => run_filter(stage, input),
    }
}

/// The cluster reacts between two commands as it would while the user types the
/// next one: every controller works off what is queued at the current instant.
/// No virtual time passes (that is `sim advance` and `sim settle`).
fn react(simulation: &mut Simulation, output: &mut LineOutput) {
    if let Err(error) = simulation.run_until_idle(REACTION_STEP_BUDGET) {
        output
            .chunks
            .push(Chunk::Stderr(format!("error: {error}\n")));
        output.exit_code = 1;
    }
}

/// Runs one command line: a `;`/`&&`/`||` list of pipelines. `stdin` (a
/// here-document) goes to the first command. `-f` files are read from disk.
/// After each command the cluster reacts at the current instant ([`react`]).
pub fn run_line(
    simulation: &mut Simulation,
    line: &str,
    stdin: &str,
    files: &dyn FileSource,
) -> LineOutput {
    let pipelines = match pipeline::split(line) {
        Ok(pipelines) => pipelines,
        Err(message) => {
            return LineOutput {
                chunks: vec![Chunk::Stderr(format!("{message}\n"))],
                exit_code: 2,
            };
        }
    };
    let mut output = LineOutput::default();
    let mut stdin = Some(stdin);
    for pipeline in pipelines {
        let runs = match pipeline.connector {
            Connector::Always => true,
            Connector::And => output.exit_code == 0,
            Connector::Or => output.exit_code != 0,
        };
        if !runs {
            continue;
        }
        let input = stdin.take().unwrap_or("");
        let first = run_stage(simulation, &pipeline.command, input, files);
        let mut reaction = LineOutput::default();
        react(simulation, &mut reaction);
        // kubectl writes notices (server warnings, `Found 3 pods, using pod/x`) as it
        // goes but aggregates its errors and prints them last (`CheckErr` on the
        // collected errors): `pod "a" deleted` comes before the NotFound of `b`, the
        // waiting lines of `rollout status` before its timeout.
        let (notices, errors) = split_notices(&first.stderr);
        let mut piped = String::new();
        let mut trailing_errors = String::new();
        if !pipeline.discard_stderr {
            if pipeline.stderr_to_stdout {
                piped.push_str(&notices);
            } else if !notices.is_empty() {
                output.chunks.push(Chunk::Stderr(notices));
            }
        }
        if !pipeline.discard_stdout {
            piped.push_str(&first.stdout);
        }
        let mut exit_code = first.exit_code;
        if !pipeline.discard_stderr {
            if pipeline.stderr_to_stdout {
                piped.push_str(&errors);
            } else if pipeline.filters.is_empty() {
                trailing_errors = errors;
            } else if !errors.is_empty() {
                // Through a pipe the error reaches the terminal before the filter
                // prints what it read.
                output.chunks.push(Chunk::Stderr(errors));
            }
        }
        for filter in &pipeline.filters {
            let filtered = run_stage(simulation, filter, &piped, files);
            piped = filtered.stdout;
            exit_code = filtered.exit_code;
            if !filtered.stderr.is_empty() {
                output.chunks.push(Chunk::Stderr(filtered.stderr));
            }
        }
        if !piped.is_empty() {
            output.chunks.push(Chunk::Stdout(piped));
        }
        if !trailing_errors.is_empty() {
            output.chunks.push(Chunk::Stderr(trailing_errors));
        }
        output.exit_code = exit_code;
        if reaction.exit_code != 0 {
            output.chunks.extend(reaction.chunks);
            output.exit_code = reaction.exit_code;
        }
    }
    output
}

/// Splits a command's stderr into the notices kubectl prints before its output
/// and the errors it prints after.
fn split_notices(stderr: &str) -> (String, String) {
    const NOTICE_PREFIXES: [&str; 4] = ["Warning: ", "Found ", "Defaulted container ", "Flag --"];
    let mut notices = String::new();
    let mut errors = String::new();
    for line in stderr.split_inclusive('\n') {
        if errors.is_empty()
            && NOTICE_PREFIXES
                .iter()
                .any(|prefix| line.starts_with(prefix))
        {
            notices.push_str(line);
        } else {
            errors.push_str(line);
        }
    }
    (notices, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::files::NoFiles;
    use crate::simulation::SimulationConfig;

    fn simulation() -> Simulation {
        Simulation::new(SimulationConfig::default())
    }

    fn files() -> NoFiles {
        NoFiles
    }

    #[test]
    fn lists_run_by_their_connectors() {
        let mut simulation = simulation();
        let output = run_line(
            &mut simulation,
            "kubectl get nope && sim time || sim advance 1m; sim time",
            "",
            &files(),
        );
        assert_eq!(
            output.text(),
            "error: the server doesn't have a resource type \"nope\"\nadvanced 1m0s to 2025-01-01T00:01:00Z\n2025-01-01T00:01:00Z\n"
        );
        assert_eq!(output.exit_code, 0);
    }

    #[test]
    fn pipes_filter_stdout_and_keep_stderr_apart() {
        let mut simulation = simulation();
        let output = run_line(
            &mut simulation,
            "kubectl get nodes --no-headers | grep -c worker",
            "",
            &files(),
        );
        assert_eq!(output.chunks, [Chunk::Stdout("3\n".to_string())]);
        let missing = run_line(&mut simulation, "kubectl get nope | wc -l", "", &files());
        assert_eq!(
            missing.chunks,
            [
                Chunk::Stderr(
                    "error: the server doesn't have a resource type \"nope\"\n".to_string()
                ),
                Chunk::Stdout("0\n".to_string())
            ]
        );
        assert_eq!(
            missing.exit_code, 0,
            "a pipeline's status is its last command's"
        );
    }

    #[test]
    fn the_here_document_feeds_the_first_command() {
        let mut simulation = simulation();
        let output = run_line(
            &mut simulation,
            "kubectl apply -f - && kubectl get ns demo -o name",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n",
            &files(),
        );
        assert_eq!(output.text(), "namespace/demo created\nnamespace/demo\n");
    }

    #[test]
    fn the_cluster_reacts_between_commands_without_time_passing() {
        let mut simulation = simulation();
        run_line(
            &mut simulation,
            "kubectl apply -f -",
            "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: rs\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: rs}\n  template:\n    metadata:\n      labels: {app: rs}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n",
            &files(),
        );
        let pods = run_line(
            &mut simulation,
            "kubectl get pods -l app=rs --no-headers | wc -l",
            "",
            &files(),
        );
        assert_eq!(pods.text(), "2\n");
        assert_eq!(simulation.now(), crate::time::SimTime::DEFAULT_EPOCH);
    }

    #[test]
    fn kubectl_errors_follow_its_output_and_notices_precede_it() {
        let mut simulation = simulation();
        run_line(&mut simulation, "kubectl run x --image=nginx", "", &files());
        let deleted = run_line(&mut simulation, "kubectl delete pod x nope", "", &files());
        assert_eq!(
            deleted.chunks,
            [
                Chunk::Stdout("pod \"x\" deleted\n".to_string()),
                Chunk::Stderr(
                    "Error from server (NotFound): pods \"nope\" not found\n".to_string()
                ),
            ]
        );
        assert_eq!(
            split_notices("Warning: a\nFound 2 pods, using pod/p\nerror: b\nWarning: c\n"),
            (
                "Warning: a\nFound 2 pods, using pod/p\n".to_string(),
                "error: b\nWarning: c\n".to_string()
            )
        );
    }
}
