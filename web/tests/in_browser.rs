//! Tests that run in headless Chromium (wasm-bindgen-test), via `cargo xtask test`.
//! One file, so one browser start serves them all.
//!
//! - The simulation builds on wasm32 and its view has the default cluster's four nodes.
//! - Determinism across platforms: kubesim's probe gives, on wasm32, exactly the
//!   fingerprints computed natively in the same `cargo xtask test` run. xtask passes
//!   the native values at compile time as `KUBESIM_NATIVE_PROBES`
//!   (`1=<hex>;2=<hex>;3=<hex>`, hex of the UTF-8 fingerprint). Cargo tracks
//!   `option_env!`, so new native values rebuild this test.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn default_simulation_view_has_the_four_default_nodes() {
    let simulation = kubesim::Simulation::new(kubesim::SimulationConfig::default());
    let view = simulation.view();
    let names: Vec<&str> = view.nodes.iter().map(|node| node.name.as_str()).collect();
    assert_eq!(names, ["control-plane", "worker-1", "worker-2", "worker-3"]);
}

/// The seeds xtask computes natively (`xtask/src/probes.rs`).
const SEEDS: [u64; 3] = [1, 2, 3];

#[wasm_bindgen_test]
fn probe_matches_the_native_fingerprint_for_each_seed() {
    let Some(encoded) = option_env!("KUBESIM_NATIVE_PROBES") else {
        panic!(
            "KUBESIM_NATIVE_PROBES is not set: run via `cargo xtask test`, which computes the \
             native fingerprints and passes them to this build"
        );
    };
    let native = parse_native_probes(encoded);
    for seed in SEEDS {
        let expected = native
            .iter()
            .find(|(native_seed, _)| *native_seed == seed)
            .map(|(_, fingerprint)| fingerprint.as_str())
            .unwrap_or_else(|| {
                panic!("KUBESIM_NATIVE_PROBES has no value for seed {seed}: {encoded:?}")
            });
        let in_browser = kubesim::probe::determinism_probe(seed);
        assert_eq!(
            in_browser, expected,
            "seed {seed}: the wasm32 fingerprint (left) differs from the native one (right)"
        );
    }
}

/// `1=<hex>;2=<hex>` into (seed, fingerprint) pairs; malformed input fails the test
/// with the offending text rather than comparing against garbage.
fn parse_native_probes(encoded: &str) -> Vec<(u64, String)> {
    encoded
        .split(';')
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let (seed, hex) = entry
                .split_once('=')
                .unwrap_or_else(|| panic!("malformed KUBESIM_NATIVE_PROBES entry {entry:?}"));
            let seed = seed.parse().unwrap_or_else(|_| {
                panic!("malformed seed in KUBESIM_NATIVE_PROBES entry {entry:?}")
            });
            (seed, decode_hex(hex))
        })
        .collect()
}

fn decode_hex(hex: &str) -> String {
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|start| {
            hex.get(start..start + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .unwrap_or_else(|| {
                    panic!("malformed hex in KUBESIM_NATIVE_PROBES at offset {start}")
                })
        })
        .collect();
    String::from_utf8(bytes)
        .unwrap_or_else(|error| panic!("KUBESIM_NATIVE_PROBES is not UTF-8 hex: {error}"))
}
