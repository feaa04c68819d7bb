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
    optimize_wasm(root, &bindgen_wasm)?;

    copy_file(&root.join("index.html"), &dist.join("index.html"))?;
    copy_dir(&root.join("www"), &dist.join("www"))?;
    println!(
        "built {DIST_DIR}/: {CRATE_FILE_STEM}_bg.wasm {} KB after wasm-opt (was {} KB)",
        file_size_bytes(&bindgen_wasm) / 1024,
        size_before_bytes / 1024
    );
    Ok(())
}

/// `wasm-opt -O3` in place (speed over size, as the `wasm-release` profile). npm's binaryen runs as JavaScript and takes about 15 s, so
/// its output is cached under the target dir, keyed by a hash of its input: an
/// unchanged module (the usual case in `cargo xtask test`) is copied, not re-optimized.
fn optimize_wasm(root: &Path, wasm: &Path) -> Result<()> {
    let input =
        std::fs::read(wasm).map_err(|error| format!("cannot read {}: {error}", wasm.display()))?;
    let cache_dir = target_dir(root).join("wasm-opt-cache");
    let cached = cache_dir.join(format!(
        "{:016x}-{}.wasm",
        content_hash(&input),
        input.len()
    ));
    if cached.exists() {
        println!("wasm-opt: input unchanged, reusing {}", cached.display());
        return copy_file(&cached, wasm);
    }
    cmd::run(
        cmd::tool(tools::wasm_opt(root))
            .arg("-O3")
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
            .arg(wasm)
            .arg("-o")
            .arg(wasm),
    )?;
    // Only one cached module is worth keeping: the next build's input.
    let _ = std::fs::remove_dir_all(&cache_dir);
    std::fs::create_dir_all(&cache_dir)
        .map_err(|error| format!("cannot create {}: {error}", cache_dir.display()))?;
    copy_file(wasm, &cached)
}

/// FNV-1a, 64-bit: a stable content hash (unlike std's hasher, fixed by definition).
fn content_hash(bytes: &[u8]) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    bytes.iter().fold(OFFSET_BASIS, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(PRIME)
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_is_fnv1a() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(content_hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(content_hash(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
