//! The static site: `dist/` = `index.html` + `www/` + `pkg/` (wasm-bindgen's output).
//! Every URL inside is relative, so the folder works from any static host and path.

use std::path::{Path, PathBuf};

use crate::Result;
use crate::cmd;
use crate::tools::{self, WASM_TARGET};

pub const DIST_DIR: &str = "dist";
const WASM_PROFILE: &str = "wasm-release";
const CRATE_FILE_STEM: &str = "kubesim_web";

/// Builds `dist/` from scratch (the wasm build itself is incremental).
pub fn build(root: &Path) -> Result<()> {
    // Keep the `target_features` section that `strip = true` would drop: wasm-bindgen
    // reads it to know which wasm features the module uses. wasm-opt strips afterwards.
    cmd::run(
        cmd::cargo()
            .args([
                "build",
                "-p",
                "kubesim-web",
                "--target",
                WASM_TARGET,
                "--profile",
                WASM_PROFILE,
            ])
            .env("CARGO_PROFILE_WASM_RELEASE_STRIP", "false"),
    )?;

    let dist = root.join(DIST_DIR);
    if dist.exists() {
        std::fs::remove_dir_all(&dist)
            .map_err(|error| format!("cannot clear {DIST_DIR}/: {error}"))?;
    }
    let pkg = dist.join("pkg");
    let wasm = target_dir(root)
        .join(WASM_TARGET)
        .join(WASM_PROFILE)
        .join(format!("{CRATE_FILE_STEM}.wasm"));
    cmd::run(
        cmd::tool(tools::wasm_bindgen())
            .arg(&wasm)
            .args(["--target", "web", "--no-typescript", "--out-dir"])
            .arg(&pkg),
    )?;

    let bindgen_wasm = pkg.join(format!("{CRATE_FILE_STEM}_bg.wasm"));
    let size_before_bytes = file_size_bytes(&bindgen_wasm);
    cmd::run(
        cmd::tool(tools::wasm_opt(root))
            .arg("-Oz")
            // rustc's default wasm32 features; wasm-opt must accept what rustc emitted.
            .args([
                "--enable-bulk-memory",
                "--enable-mutable-globals",
                "--enable-nontrapping-float-to-int",
                "--enable-sign-ext",
                "--enable-reference-types",
                "--enable-multivalue",
            ])
            .args(["--strip-debug", "--strip-producers"])
            .arg(&bindgen_wasm)
            .arg("-o")
            .arg(&bindgen_wasm),
    )?;

    copy_file(&root.join("index.html"), &dist.join("index.html"))?;
    copy_dir(&root.join("www"), &dist.join("www"))?;
    println!(
        "built {DIST_DIR}/: {CRATE_FILE_STEM}_bg.wasm {} KB after wasm-opt (was {} KB)",
        file_size_bytes(&bindgen_wasm) / 1024,
        size_before_bytes / 1024
    );
    Ok(())
}

/// Where cargo puts build output: `$CARGO_TARGET_DIR` if set, else `<root>/target`.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

fn file_size_bytes(path: &Path) -> u64 {
    std::fs::metadata(path).map(|meta| meta.len()).unwrap_or(0)
}

fn copy_file(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to).map(|_| ()).map_err(|error| {
        format!(
            "cannot copy {} to {}: {error}",
            from.display(),
            to.display()
        )
    })
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)
        .map_err(|error| format!("cannot create {}: {error}", to.display()))?;
    let entries = std::fs::read_dir(from)
        .map_err(|error| format!("cannot read {}: {error}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|error| format!("cannot read {}: {error}", from.display()))?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            copy_file(&entry.path(), &target)?;
        }
    }
    Ok(())
}
