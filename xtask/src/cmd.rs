//! Running child processes: each prints what it runs, and failure names the command.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::Command;

use crate::Result;

/// `cargo` as invoked by `cargo xtask` (cargo sets `$CARGO`), else the one on PATH.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.env("PATH", path_with_cargo_bin());
    command
}

/// A command whose PATH also holds `~/.cargo/bin`, where `cargo install` puts
/// wasm-bindgen: a fresh install must be found even if the shell's PATH lacks it.
pub fn tool(program: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new(program);
    command.env("PATH", path_with_cargo_bin());
    command
}

pub fn cargo_bin_dir() -> PathBuf {
    if let Some(cargo_home) = std::env::var_os("CARGO_HOME") {
        return PathBuf::from(cargo_home).join("bin");
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
    PathBuf::from(home).join(".cargo").join("bin")
}

pub fn path_with_cargo_bin() -> std::ffi::OsString {
    let mut paths = vec![cargo_bin_dir()];
    if let Some(path) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(paths).unwrap_or_default()
}

/// Prints `$ program args…` (with any env it sets), runs it, and fails unless it exits 0.
pub fn run(command: &mut Command) -> Result<()> {
    let shown = describe(command);
    println!("$ {shown}");
    let status = command
        .status()
        .map_err(|error| format!("could not start `{shown}`: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Like [`output`], but first prints the command, as a test step should.
pub fn output_shown(command: &mut Command) -> Result<String> {
    println!("$ {}", describe(command));
    output(command)
}

/// Runs quietly and returns stdout; for probing versions and reading `cargo tree`.
pub fn output(command: &mut Command) -> Result<String> {
    let shown = describe(command);
    let output = command
        .output()
        .map_err(|error| format!("could not start `{shown}`: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "`{shown}` failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Whether a program starts at all (`--version` exits 0).
pub fn works(program: impl AsRef<OsStr>) -> bool {
    tool(program)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

fn describe(command: &Command) -> String {
    let mut words: Vec<String> = command
        .get_envs()
        .filter(|(key, _)| *key != "PATH")
        .filter_map(|(key, value)| Some(format!("{}={}", key.to_str()?, short(value?.to_str()?))))
        .collect();
    let program = command.get_program().to_string_lossy();
    // `$CARGO` is a long toolchain path; "cargo" says the same to a reader.
    let program = if program.ends_with("/cargo") {
        "cargo".into()
    } else {
        program
    };
    words.push(program.into_owned());
    words.extend(
        command
            .get_args()
            .map(|arg| arg.to_string_lossy().into_owned()),
    );
    words.join(" ")
}

/// Long env values (the probe fingerprints) would drown the command line.
fn short(value: &str) -> String {
    const MAX_CHARS: usize = 60;
    if value.chars().count() <= MAX_CHARS {
        value.to_string()
    } else {
        let head: String = value.chars().take(MAX_CHARS).collect();
        format!("{head}…")
    }
}
