//! The browser bench: the core's benchmark workloads (`kubesim::benchmarks`) run in
//! wasm and timed with `performance.now()`, for `tests/browser/bench.mjs`. No cluster
//! logic here: the workloads are the ones `kubesim bench` runs natively.

use kubesim::benchmarks::{Sizes, Workload};
use wasm_bindgen::prelude::*;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}

/// Prepares and runs one workload; returns the JSON line `kubesim bench` prints
/// (without peak memory, which a page cannot read).
#[wasm_bindgen]
pub fn bench_workload(name: &str, nodes: u32, pods: u32, seed: u32) -> Result<String, JsValue> {
    let workload = Workload::parse(name)
        .ok_or_else(|| JsValue::from_str(&format!("unknown workload \"{name}\"")))?;
    let sizes = Sizes {
        nodes: nodes as usize,
        pods: pods as usize,
    };
    let started = now_ms();
    let prepared = workload
        .prepare(sizes, u64::from(seed))
        .map_err(|error| JsValue::from_str(&error.to_string()))?;
    let setup_ms = now_ms() - started;
    let started = now_ms();
    let (outcome, simulation) = prepared
        .run()
        .map_err(|error| JsValue::from_str(&error.to_string()))?;
    let wall_ms = now_ms() - started;
    drop(simulation);
    Ok(format!(
        "{{\"workload\":\"{}\",\"nodes\":{},\"pods\":{},\"setup_ms\":{setup_ms:.1},\"wall_ms\":{wall_ms:.1},\"virtual_seconds\":{:.3},\"objects\":{},\"pods_stored\":{},\"steps\":{},\"peak_rss_bytes\":null}}",
        workload.name(),
        sizes.nodes,
        sizes.pods,
        outcome.virtual_seconds,
        outcome.objects,
        outcome.pods,
        outcome.steps,
    ))
}
