//! Running a script and printing it as a terminal session.
//!
//! Every command is echoed after a `$ ` prompt (continuation and here-document
//! lines after `> `, as bash's PS2 shows them), then its output. kubectl writes
//! errors to stderr; in a transcript they appear inline, so by default both go
//! to the same stream, stdout first. With `split_stderr` errors go to the
//! process's stderr instead. A failed command does not stop the script.
//!
//! A line may be a `;`/`&&`/`||` list and pipe into text filters
//! (`kubectl get pods | grep web`), see [`crate::pipeline`] and [`crate::filters`].

use std::io::{self, Write};

use kubesim::kubectl::{self, CommandOutput};
use kubesim::{Simulation, SimulationConfig};

use crate::files::DiskFiles;
use crate::filters::run_filter;
use crate::pipeline::{self, Connector};
use crate::script::{self, ScriptCommand};

/// The most commands one script may run, so a generated script cannot run forever.
pub const MAX_COMMANDS: usize = 100_000;

/// How to run a script.
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub simulation: SimulationConfig,
    /// Where `-f` paths are resolved from: the script's folder.
    pub files: DiskFiles,
    /// Errors to the process's stderr instead of inline.
    pub split_stderr: bool,
    /// Where the script came from, for warnings (`walkthrough.kubesim`).
    pub script_name: String,
}

/// What running a script did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunSummary {
    pub commands: usize,
    pub failed: usize,
}

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
}

/// Runs one pipeline stage: the interpreter for kubectl, sim and sleep; `cat`
/// and `echo` as sources; anything else as a text filter.
fn run_stage(
    simulation: &mut Simulation,
    stage: &str,
    input: &str,
    files: &DiskFiles,
) -> CommandOutput {
    let words = kubesim::kubectl::shell_words::split(stage).unwrap_or_default();
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
                match kubesim::kubectl::files::FileSource::read(files, path) {
                    Some(kubesim::kubectl::files::FileNode::File(contents)) => {
                        text.push_str(&contents)
                    }
                    Some(kubesim::kubectl::files::FileNode::Directory(_)) => {
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

/// Runs one command line: a `;`/`&&`/`||` list of pipelines. `stdin` (a
/// here-document) goes to the first command. `-f` files are read from disk.
pub fn run_line(
    simulation: &mut Simulation,
    line: &str,
    stdin: &str,
    files: &DiskFiles,
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
        let mut piped = if pipeline.discard_stdout {
            String::new()
        } else {
            first.stdout
        };
        let mut exit_code = first.exit_code;
        if !pipeline.discard_stderr {
            if pipeline.stderr_to_stdout {
                piped.push_str(&first.stderr);
            } else if !first.stderr.is_empty() {
                output.chunks.push(Chunk::Stderr(first.stderr));
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
        output.exit_code = exit_code;
    }
    output
}

/// Writes the transcript lines a terminal would show for a command as typed.
fn echo(command: &ScriptCommand, out: &mut dyn Write) -> io::Result<()> {
    for (index, line) in command.echo.iter().enumerate() {
        let prompt = if index == 0 { "$ " } else { "> " };
        writeln!(out, "{prompt}{line}")?;
    }
    Ok(())
}

fn write_with_newline(out: &mut dyn Write, text: &str) -> io::Result<()> {
    out.write_all(text.as_bytes())?;
    if !text.is_empty() && !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Runs a script's text. Output goes to `out` (and errors to `err` when split).
pub fn run_script(
    text: &str,
    options: &RunOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<RunSummary> {
    let parsed = script::parse(text);
    for warning in &parsed.warnings {
        writeln!(
            err,
            "kubesim: {}: warning: {}",
            options.script_name, warning.message
        )?;
    }
    let mut simulation = Simulation::new(options.simulation.clone());
    let mut summary = RunSummary {
        commands: 0,
        failed: 0,
    };
    for command in &parsed.commands {
        if summary.commands >= MAX_COMMANDS {
            let message = format!(
                "kubesim: {}: stopped after {MAX_COMMANDS} commands (line {})",
                options.script_name, command.line_number
            );
            writeln!(out, "{message}")?;
            summary.failed += 1;
            break;
        }
        echo(command, out)?;
        let output = run_line(
            &mut simulation,
            &command.command,
            command.stdin.as_deref().unwrap_or(""),
            &options.files,
        );
        for chunk in &output.chunks {
            match chunk {
                Chunk::Stdout(text) => write_with_newline(out, text)?,
                Chunk::Stderr(text) if options.split_stderr => write_with_newline(err, text)?,
                Chunk::Stderr(text) => write_with_newline(out, text)?,
            }
        }
        summary.commands += 1;
        if output.exit_code != 0 {
            summary.failed += 1;
        }
    }
    out.flush()?;
    Ok(summary)
}

/// Runs a script and returns its transcript, errors inline: what tests compare.
pub fn transcript(text: &str, options: &RunOptions) -> (String, RunSummary) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let options = RunOptions {
        split_stderr: false,
        ..options.clone()
    };
    let summary = run_script(text, &options, &mut out, &mut err).unwrap_or(RunSummary {
        commands: 0,
        failed: 1,
    });
    let mut text = String::from_utf8_lossy(&err).into_owned();
    text.push_str(&String::from_utf8_lossy(&out));
    (text, summary)
}
