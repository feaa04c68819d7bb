//! Running a script and printing it as a terminal session.
//!
//! Every command is echoed after a `$ ` prompt (continuation and here-document
//! lines after `> `, as bash's PS2 shows them), then its output. kubectl writes
//! errors to stderr; in a transcript they appear inline, so by default both go
//! to the same stream, stdout first. With `split_stderr` errors go to the
//! process's stderr instead. A failed command does not stop the script.
//!
//! A line may be a `;`/`&&`/`||` list and pipe into text filters
//! (`kubectl get pods | grep web`), run by the core's [`kubesim::terminal`].

use std::io::{self, Write};

use kubesim::terminal::{Chunk, run_line};
use kubesim::{Simulation, SimulationConfig};

use crate::files::DiskFiles;
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
