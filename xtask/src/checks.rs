//! The absence checks: the invariants "core does no IO, knows no browser and has no
//! hidden source of time, randomness or hash order", enforced mechanically.

use std::path::{Path, PathBuf};

use crate::Result;
use crate::cmd;

/// Crates core must never depend on: browser bindings, async runtimes, OS randomness.
/// An entry ending in `*` matches every crate whose name starts with the rest.
const FORBIDDEN_CORE_DEPENDENCIES: &[&str] = &[
    "web-sys",
    "js-sys",
    "wasm-bindgen*",
    "gloo*",
    "yew*",
    "tokio*",
    "async-std",
    "futures*",
    "getrandom",
];

/// APIs core must never use: wall clocks, IO, threads, OS randomness, hash order, async.
const FORBIDDEN_CORE_APIS: &[&str] = &[
    "Instant::now",
    "SystemTime",
    "std::fs",
    "std::net",
    "std::thread",
    "std::process",
    "thread_rng",
    "OsRng",
    "HashMap",
    "HashSet",
    "tokio",
    "async fn",
];

pub fn core_dependencies_absent() -> Result<()> {
    let tree = cmd::output_shown(cmd::cargo().args([
        "tree", "-p", "kubesim", "-e", "normal", "--target", "all", "--prefix", "none",
    ]))?;
    let found = forbidden_dependencies(&tree);
    if found.is_empty() {
        println!(
            "ok: kubesim (core) has no normal dependency on {}",
            FORBIDDEN_CORE_DEPENDENCIES.join(", ")
        );
        return Ok(());
    }
    Err(format!(
        "kubesim (core) must not depend on these crates, but does: {}\n(see `cargo tree -p kubesim -e normal --target all -i <crate>`)",
        found.join(", ")
    ))
}

/// Crate names in `cargo tree --prefix none` output ("name v1.2.3 (…)") that are forbidden.
fn forbidden_dependencies(tree: &str) -> Vec<String> {
    let mut found: Vec<String> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| {
            FORBIDDEN_CORE_DEPENDENCIES
                .iter()
                .any(|pattern| matches_crate(pattern, name))
        })
        .map(str::to_string)
        .collect();
    found.sort();
    found.dedup();
    found
}

fn matches_crate(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == pattern,
    }
}

pub fn core_apis_absent(root: &Path) -> Result<()> {
    let source_dir = root.join("core/src");
    println!("scanning core/src/**/*.rs, skipping `//` comment lines");
    let mut files = Vec::new();
    rust_files(&source_dir, &mut files)?;
    files.sort();
    let mut violations = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file)
            .map_err(|error| format!("cannot read {}: {error}", file.display()))?;
        let shown = file
            .strip_prefix(root)
            .unwrap_or(file)
            .display()
            .to_string();
        violations.extend(
            forbidden_api_uses(&text)
                .into_iter()
                .map(|(line_number, api, line)| {
                    format!("  {shown}:{line_number}: uses `{api}`: {line}")
                }),
        );
    }
    if violations.is_empty() {
        println!(
            "ok: {} files in core/src use none of: {}",
            files.len(),
            FORBIDDEN_CORE_APIS.join(", ")
        );
        return Ok(());
    }
    Err(format!(
        "core/src must stay IO-free and deterministic (use SimTime, SimRng, BTreeMap/BTreeSet):\n{}",
        violations.join("\n")
    ))
}

/// (1-based line number, forbidden API, trimmed line) for each use outside `//` comment lines.
fn forbidden_api_uses(text: &str) -> Vec<(usize, &'static str, String)> {
    let mut uses = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let code = line.trim();
        if code.starts_with("//") {
            continue;
        }
        for api in FORBIDDEN_CORE_APIS {
            if code.contains(api) {
                uses.push((index + 1, *api, code.to_string()));
            }
        }
    }
    uses
}

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir)
        .map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|error| format!("cannot read {}: {error}", dir.display()))?
            .path();
        if path.is_dir() {
            rust_files(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_dependencies_match_names_and_prefixes_only() {
        let tree = "kubesim v0.1.0 (/w/core)\nserde v1.0.229\nfutures-util v0.3.31\nwasm-bindgen v0.2.130 (*)\nmy-tokio-free v1.0.0\n";
        assert_eq!(
            forbidden_dependencies(tree),
            vec!["futures-util", "wasm-bindgen"]
        );
    }

    #[test]
    fn forbidden_apis_are_found_in_code_but_not_in_comment_lines() {
        let source = "/// never uses HashMap\n// std::fs is banned\nuse std::collections::HashMap;\nlet t = Instant::now();\n";
        let uses = forbidden_api_uses(source);
        let found: Vec<(usize, &str)> = uses.iter().map(|(line, api, _)| (*line, *api)).collect();
        assert_eq!(found, vec![(3, "HashMap"), (4, "Instant::now")]);
    }
}
