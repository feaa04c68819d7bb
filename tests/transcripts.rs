//! The example walkthrough, replayed as `kubesim run` replays it, compared with a
//! reviewed snapshot of its whole transcript (`snapshots/`).
//!
//! When a change to kubesim changes what the walkthrough prints, this test shows
//! the difference. Review it line by line against what kubectl prints for the
//! same objects, then accept it with
//! `INSTA_UPDATE=always cargo test -p kubesim-tests --test transcripts`
//! (or `cargo insta review`) and commit the updated `snapshots/*.snap`.

use kubesim::SimulationConfig;
use kubesim_cli::files::DiskFiles;
use kubesim_cli::runner::{RunOptions, transcript};

fn examples_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

fn run_example(script: &str, config: SimulationConfig) -> String {
    let dir = examples_dir();
    let text = std::fs::read_to_string(dir.join(script)).expect("the example script exists");
    let options = RunOptions {
        simulation: config,
        files: DiskFiles::new(&dir),
        split_stderr: false,
        script_name: script.to_string(),
    };
    transcript(&text, &options).0
}

#[test]
fn walkthrough_transcript() {
    let output = run_example("walkthrough.kubesim", SimulationConfig::default());
    // Shown only when the snapshot differs.
    eprintln!(
        "The walkthrough's transcript changed. Review the diff against kubectl's output, then accept it:\n  INSTA_UPDATE=always cargo test -p kubesim-tests --test transcripts\nand commit tests/snapshots/transcripts__walkthrough.snap."
    );
    insta::assert_snapshot!("walkthrough", output);
}

#[test]
fn walkthrough_is_byte_identical_every_run() {
    let first = run_example("walkthrough.kubesim", SimulationConfig::default());
    let second = run_example("walkthrough.kubesim", SimulationConfig::default());
    assert_eq!(first, second);
}

#[test]
fn every_command_of_the_walkthrough_is_echoed_in_order() {
    let dir = examples_dir();
    let text = std::fs::read_to_string(dir.join("walkthrough.kubesim")).unwrap();
    let output = run_example("walkthrough.kubesim", SimulationConfig::default());
    let echoed: Vec<&str> = output
        .lines()
        .filter_map(|line| line.strip_prefix("$ "))
        .collect();
    let commands: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    assert_eq!(echoed, commands);
}
