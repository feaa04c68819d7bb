//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::Result;
use crate::cmd;
use crate::tools::{self, CHROMEDRIVER, CHROMIUM, NPM_DIR, WASM_TARGET};
use crate::{checks, probes, site};

/// The browser tests save a screenshot of each main view here (linked from README.md).
const SCREENSHOT_DIR: &str = "docs/screenshots";

struct StepResult {
    name: &'static str,
    elapsed: Duration,
    passed: bool,
}

#[derive(Default)]
struct Steps {
    results: Vec<StepResult>,
}

impl Steps {
    /// Runs one named step, timing it; a failure is returned tagged with the step name.
    fn run<T>(&mut self, name: &'static str, body: impl FnOnce() -> Result<T>) -> Result<T> {
        println!("\n==> {name}");
        let started = Instant::now();
        let outcome = body();
        let elapsed = started.elapsed();
        self.results.push(StepResult {
            name,
            elapsed,
            passed: outcome.is_ok(),
        });
        outcome.map_err(|error| format!("step \"{name}\" failed: {error}"))
    }

    fn print_summary(&self, total: Duration) {
        println!("\nsummary:");
        for step in &self.results {
            let verdict = if step.passed { "ok    " } else { "FAILED" };
            println!(
                "  {verdict} {:>7.1}s  {}",
                step.elapsed.as_secs_f64(),
                step.name
            );
        }
        let passed = self.results.iter().filter(|step| step.passed).count();
        let failed = self.results.len() - passed;
        println!("  total  {:>7.1}s", total.as_secs_f64());
        println!("steps: {passed} passed, {failed} failed");
    }
}

pub fn run(root: &Path) -> Result<()> {
    let started = Instant::now();
    let mut steps = Steps::default();
    let outcome = run_steps(root, &mut steps);
    steps.print_summary(started.elapsed());
    outcome
}

fn run_steps(root: &Path, steps: &mut Steps) -> Result<()> {
    steps.run("ensure tools", || tools::ensure_for_test(root))?;
    steps.run("cargo fmt --check", || {
        cmd::run(cmd::cargo().args(["fmt", "--all", "--check"]))
    })?;
    steps.run("clippy (workspace, native)", || {
        cmd::run(cmd::cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    steps.run("clippy (wasm32: core; web and its browser tests)", || {
        cmd::run(cmd::cargo().args([
            "clippy",
            "-p",
            "kubesim",
            "--target",
            WASM_TARGET,
            "--",
            "-D",
            "warnings",
        ]))?;
        // The browser tests compile only for wasm32, so the native clippy never sees them.
        cmd::run(cmd::cargo().args([
            "clippy",
            "-p",
            "kubesim-web",
            "--target",
            WASM_TARGET,
            "--lib",
            "--tests",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    steps.run("cargo test (default members)", || {
        cmd::run(cmd::cargo().arg("test"))
    })?;
    // The playground is not a default member (it targets wasm32), but its reducer is
    // plain Rust: test it natively.
    steps.run("web reducer tests (native)", || {
        cmd::run(cmd::cargo().args(["test", "-p", "kubesim-web", "--lib"]))
    })?;
    steps.run("core builds for wasm32", || {
        cmd::run(cmd::cargo().args(["build", "-p", "kubesim", "--target", WASM_TARGET]))
    })?;
    steps.run(
        "dependency-absence check (core)",
        checks::core_dependencies_absent,
    )?;
    steps.run("API-absence check (core/src)", || {
        checks::core_apis_absent(root)
    })?;
    let native_probes = steps.run("native determinism probes", || {
        Ok(probes::native_probes_env_value())
    })?;
    steps.run("wasm tests (headless Chromium)", || {
        // Only the integration tests: plain #[test]s in the lib do not run on wasm32.
        cmd::run(
            cmd::cargo()
                .args([
                    "test",
                    "-p",
                    "kubesim-web",
                    "--target",
                    WASM_TARGET,
                    "--test",
                    "*",
                ])
                .env("CHROMEDRIVER", CHROMEDRIVER)
                .env(probes::ENV_VAR, &native_probes),
        )
    })?;
    steps.run("dist", || site::build(root))?;
    steps.run("browser e2e (Playwright + Chromium)", || {
        let screenshots = root.join(SCREENSHOT_DIR);
        std::fs::create_dir_all(&screenshots)
            .map_err(|error| format!("cannot create {}: {error}", screenshots.display()))?;
        cmd::run(
            cmd::tool("node")
                .args(["--test", "e2e.test.mjs"])
                .current_dir(root.join(NPM_DIR))
                .env("KUBESIM_DIST_DIR", root.join(site::DIST_DIR))
                .env("KUBESIM_SCREENSHOT_DIR", &screenshots)
                .env("CHROMIUM", CHROMIUM),
        )
    })?;
    Ok(())
}
