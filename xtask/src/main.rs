//! `cargo xtask`: installs what is missing, then serves, tests or builds the site.
//!
//! - `cargo xtask serve [--port N]`: build the static site into `dist/` and serve it.
//! - `cargo xtask dist`: build the static site into `dist/` only.
//! - `cargo xtask test`: every check CI runs, in order, failing fast.
//!
//! Every command first checks for its tools and installs only what is missing, so a
//! second run on the same machine is fast. Nothing prompts, with or without `CI=true`.

mod checks;
mod cmd;
mod probes;
mod serve;
mod site;
mod test;
mod tools;

use std::path::PathBuf;
use std::process::ExitCode;

/// What a failed step says. A `String` is enough: xtask only ever prints it.
pub type Result<T, E = String> = std::result::Result<T, E>;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  serve [--port N]   build the site into dist/ and serve it on http://127.0.0.1:N/ (default 8000)
  dist               build the site into dist/ (copy that folder to any static host)
  test               run every check CI runs: fmt, clippy, tests, wasm tests, browser e2e";

const DEFAULT_PORT: u16 = 8000;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = repo_root();
    if let Err(message) = std::env::set_current_dir(&root) {
        eprintln!(
            "xtask: cannot enter the repo root {}: {message}",
            root.display()
        );
        return ExitCode::FAILURE;
    }
    let outcome = match args.first().map(String::as_str) {
        Some("serve") => parse_port(&args[1..]).and_then(|port| serve::run(&root, port)),
        Some("dist") => tools::ensure_for_site(&root).and_then(|()| site::build(&root)),
        Some("test") => test::run(&root),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown or missing command\n\n{USAGE}")),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn parse_port(args: &[String]) -> Result<u16> {
    match args {
        [] => Ok(DEFAULT_PORT),
        [flag, value] if flag == "--port" => value
            .parse()
            .map_err(|_| format!("--port wants a number from 0 to 65535, got {value:?}")),
        _ => Err(format!("serve takes only --port N\n\n{USAGE}")),
    }
}

/// xtask lives at `<root>/xtask`, so the root is its manifest's parent, wherever
/// `cargo xtask` was typed.
fn repo_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}
