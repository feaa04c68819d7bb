//! The kubesim playground: a Yew page that renders kubesim's public API.
//!
//! Layout, after Yew's `function_todomvc` example:
//! - [`state`]: the reducer and display data; no HTML, tested natively.
//! - `app`: the thin root component that owns the simulation.
//! - `components`: leaves that take props.
//!
//! This crate holds no cluster logic: every fact shown comes from `kubesim::view`.

mod app;
pub mod bench;
pub mod commands;
pub mod complete;
mod components;
mod context;
pub mod script;
pub mod session;
pub mod state;

use wasm_bindgen::prelude::*;

/// Runs when `./pkg/kubesim_web.js` is initialised: mounts the app on `#app`.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| show_fatal(&info.to_string())));
    match gloo::utils::document().get_element_by_id("app") {
        Some(root) => {
            yew::Renderer::<app::App>::with_root(root).render();
        }
        None => show_fatal("the page has no element with id \"app\" to render into"),
    }
}

/// Never a blank page: a panic (or a missing mount point) is written into `#fatal`,
/// which index.html provides, as well as to the console.
fn show_fatal(message: &str) {
    web_sys::console::error_1(&JsValue::from_str(message));
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    if let Some(fatal) = document.get_element_by_id("fatal") {
        fatal.set_text_content(Some(&format!("The simulator stopped: {message}")));
        let _ = fatal.remove_attribute("hidden");
    }
}
