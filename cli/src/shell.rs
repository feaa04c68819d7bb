//! The interactive shell: a `$ ` prompt with line editing and history
//! (rustyline), running each line through the same interpreter as `kubesim run`.
//! `<<WORD` reads here-document lines at a `> ` prompt; `exit` or Ctrl-D leaves.

use std::io::{self, Write};
use std::path::PathBuf;

use kubesim::Simulation;
use rustyline::DefaultEditor;
use rustyline::error::ReadlineError;

use crate::files::DiskFiles;
use crate::script::find_heredoc;
use kubesim::terminal::{Chunk, run_line};

/// Where history is kept between sessions: `$HOME/.kubesim_history`.
fn history_path() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".kubesim_history"))
}

const BANNER: &str = "kubesim shell: kubectl and sim commands against a simulated cluster.
Type 'sim --help' for the simulation commands, 'exit' or Ctrl-D to leave.";

/// Runs the shell until `exit` or end of input. Returns the process exit code.
pub fn run_shell(mut simulation: Simulation, files: DiskFiles) -> i32 {
    let mut editor = match DefaultEditor::new() {
        Ok(editor) => editor,
        Err(error) => {
            eprintln!("kubesim: cannot start the shell: {error}");
            return 1;
        }
    };
    let history = history_path();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    println!("{BANNER}");
    let mut last_exit_code = 0;
    loop {
        let line = match editor.readline("$ ") {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(error) => {
                eprintln!("kubesim: {error}");
                last_exit_code = 1;
                break;
            }
        };
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let _ = editor.add_history_entry(trimmed);
        if trimmed == "exit" || trimmed == "quit" {
            break;
        }
        let (command, stdin) = match find_heredoc(trimmed) {
            Some(marker) => {
                let mut body = String::new();
                loop {
                    match editor.readline("> ") {
                        Ok(raw) => {
                            let content = if marker.strip_tabs {
                                raw.trim_start_matches('\t')
                            } else {
                                raw.as_str()
                            };
                            if content == marker.delimiter {
                                break;
                            }
                            body.push_str(content);
                            body.push('\n');
                        }
                        Err(ReadlineError::Interrupted) => {
                            body.clear();
                            break;
                        }
                        Err(_) => break,
                    }
                }
                (marker.command, body)
            }
            None => (trimmed.to_string(), String::new()),
        };
        let output = run_line(&mut simulation, &command, &stdin, &files);
        for chunk in &output.chunks {
            match chunk {
                Chunk::Stdout(text) => print!("{text}"),
                Chunk::Stderr(text) => eprint!("{text}"),
            }
            let _ = io::stdout().flush();
        }
        last_exit_code = output.exit_code;
    }
    if let Some(path) = &history {
        let _ = editor.save_history(path);
    }
    last_exit_code
}
