//! Check first, install only what is missing. Each `ensure_*` is fast when the tool
//! is already there, so every command can call them unconditionally.

use std::path::{Path, PathBuf};

use crate::Result;
use crate::cmd::{self, cargo_bin_dir};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// npm packages (wasm-opt from npm's binaryen, playwright-core) live here.
pub const NPM_DIR: &str = "tests/browser";

/// What `dist` and `serve` need: the wasm target, a matching wasm-bindgen, wasm-opt.
pub fn ensure_for_site(root: &Path) -> Result<()> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen_cli(root)?;
    ensure_npm_packages(root)
}

/// What `test` needs on top: Chromium and its driver for the wasm and e2e tests.
pub fn ensure_for_test(root: &Path) -> Result<()> {
    ensure_for_site(root)?;
    ensure_chromium()
}

fn ensure_wasm_target() -> Result<()> {
    let installed = cmd::output(cmd::tool("rustup").args(["target", "list", "--installed"]))?;
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        println!("ok: rust target {WASM_TARGET}");
        return Ok(());
    }
    cmd::run(cmd::tool("rustup").args(["target", "add", WASM_TARGET]))
}

/// wasm-bindgen's CLI must be the exact version of the `wasm-bindgen` crate in
/// Cargo.lock, or it refuses the module; so compare, and reinstall on mismatch.
fn ensure_wasm_bindgen_cli(root: &Path) -> Result<()> {
    let wanted = locked_version(root, "wasm-bindgen")?;
    let installed = cmd::output(cmd::tool(wasm_bindgen()).arg("--version")).unwrap_or_default();
    let runner_present = cmd::works(wasm_bindgen_test_runner());
    if installed.split_whitespace().nth(1) == Some(wanted.as_str()) && runner_present {
        println!("ok: wasm-bindgen-cli {wanted}");
        return Ok(());
    }
    println!(
        "installing wasm-bindgen-cli {wanted} (found {:?}); takes about 4 minutes cold",
        installed.trim()
    );
    let version = format!("={wanted}");
    let mut locked = cmd::cargo();
    locked.args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &version,
        "--locked",
        "--force",
    ]);
    // `--locked` can fail when a locked dependency is missing from the registry mirror
    // (toolchain.md, pitfall 1); the unlocked install works, so fall back to it.
    cmd::run(&mut locked).or_else(|error| {
        println!("--locked install failed ({error}); retrying without --locked");
        cmd::run(cmd::cargo().args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &version,
            "--force",
        ]))
    })
}

pub fn wasm_bindgen() -> PathBuf {
    cargo_bin_dir().join("wasm-bindgen")
}

fn wasm_bindgen_test_runner() -> PathBuf {
    cargo_bin_dir().join("wasm-bindgen-test-runner")
}

/// The version of `package` that Cargo.lock pins.
fn locked_version(root: &Path, package: &str) -> Result<String> {
    let lock_path = root.join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .map_err(|error| format!("cannot read {}: {error}", lock_path.display()))?;
    version_in_lock(&lock, package)
}

fn version_in_lock(lock: &str, package: &str) -> Result<String> {
    let name_line = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == name_line {
            let version = lines
                .next()
                .and_then(|line| line.trim().strip_prefix("version = \""))
                .and_then(|rest| rest.strip_suffix('"'));
            if let Some(version) = version {
                return Ok(version.to_string());
            }
        }
    }
    Err(format!(
        "Cargo.lock has no {package}; run `cargo generate-lockfile`"
    ))
}

/// `npm ci` from the committed package-lock.json, skipped when node_modules already
/// holds that lock (npm writes node_modules/.package-lock.json on install).
fn ensure_npm_packages(root: &Path) -> Result<()> {
    let npm_dir = root.join(NPM_DIR);
    if !cmd::works("npm") || !cmd::works("node") {
        install_debian_packages(&["nodejs", "npm"])?;
    }
    let lock = npm_dir.join("package-lock.json");
    let installed_lock = npm_dir.join("node_modules/.package-lock.json");
    let up_to_date = match (modified(&lock), modified(&installed_lock)) {
        (Some(lock_time), Some(installed_time)) => installed_time >= lock_time,
        _ => false,
    };
    if up_to_date
        && wasm_opt(root).exists()
        && npm_dir.join("node_modules/playwright-core").exists()
    {
        println!("ok: npm packages in {NPM_DIR}/node_modules");
        return Ok(());
    }
    // playwright-core has no install script and downloads no browser.
    cmd::run(
        cmd::tool("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&npm_dir),
    )
}

pub fn wasm_opt(root: &Path) -> PathBuf {
    root.join(NPM_DIR).join("node_modules/.bin/wasm-opt")
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path)
        .and_then(|meta| meta.modified())
        .ok()
}

fn ensure_chromium() -> Result<()> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        println!("ok: {CHROMIUM} and {CHROMEDRIVER}");
        return Ok(());
    }
    install_debian_packages(&["chromium", "chromium-driver"])
}

/// `apt-get update` runs only here, when something must actually be installed.
fn install_debian_packages(packages: &[&str]) -> Result<()> {
    let sudo = !is_root();
    let apt = |args: &[&str]| {
        let mut command = if sudo {
            cmd::tool("sudo")
        } else {
            cmd::tool("apt-get")
        };
        if sudo {
            command.arg("apt-get");
        }
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    cmd::run(&mut apt(&["update", "-q"]))?;
    // With recommends, as toolchain.md's tested recipe: Chromium's fonts (fonts-liberation)
    // are only recommended, and screenshots without them show boxes for letters.
    let mut install_args = vec!["install", "-y", "-q"];
    install_args.extend_from_slice(packages);
    cmd::run(&mut apt(&install_args))
}

fn is_root() -> bool {
    cmd::output(cmd::tool("id").arg("-u")).is_ok_and(|uid| uid.trim() == "0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_in_lock_reads_the_exact_package_not_a_prefix() {
        let lock = "[[package]]\nname = \"wasm-bindgen-backend\"\nversion = \"9.9.9\"\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            version_in_lock(lock, "wasm-bindgen"),
            Ok("0.2.130".to_string())
        );
        assert!(version_in_lock(lock, "yew").is_err());
    }
}
