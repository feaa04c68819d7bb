//! Native side of the cross-platform determinism check.
//!
//! xtask runs `kubesim::probe::determinism_probe(seed)` natively and passes the
//! results to the wasm test build as `KUBESIM_NATIVE_PROBES`; the wasm test reads
//! them with `option_env!` and must compute the same strings inside Chromium. Cargo
//! records `option_env!` reads, so a changed value rebuilds the test.

/// Seeds the probe runs for; `web/tests/in_browser.rs` checks the same list.
pub const SEEDS: [u64; 3] = [1, 2, 3];
pub const ENV_VAR: &str = "KUBESIM_NATIVE_PROBES";

/// `1=<hex>;2=<hex>;3=<hex>`. Hex keeps any fingerprint text (`;`, `=`, newlines)
/// safe inside one env var; the test decodes it before comparing.
pub fn native_probes_env_value() -> String {
    println!("kubesim::probe::determinism_probe(seed) for seeds {SEEDS:?}, natively");
    SEEDS
        .iter()
        .map(|seed| {
            let fingerprint = kubesim::probe::determinism_probe(*seed);
            println!("native probe, seed {seed}: {}", summarize(&fingerprint));
            format!("{seed}={}", hex(fingerprint.as_bytes()))
        })
        .collect::<Vec<_>>()
        .join(";")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn summarize(fingerprint: &str) -> String {
    const MAX_CHARS: usize = 100;
    let one_line = fingerprint.replace('\n', "⏎");
    if one_line.chars().count() <= MAX_CHARS {
        one_line
    } else {
        let head: String = one_line.chars().take(MAX_CHARS).collect();
        format!("{head}… ({} bytes)", fingerprint.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lowercase_two_digits_per_byte() {
        assert_eq!(hex(b"a;\n"), "613b0a");
    }
}
