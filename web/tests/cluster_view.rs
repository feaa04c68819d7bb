//! In headless Chromium: the simulation builds on wasm32 and its view has the
//! default cluster's four nodes. Run by `cargo xtask test`.
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
