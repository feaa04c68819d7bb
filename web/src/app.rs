//! The root component: owns the simulation and the reducer, hands data to the leaves.

use kubesim::{Simulation, SimulationConfig};
use yew::prelude::*;

use crate::components::header::Header;
use crate::components::node_list::NodeList;
use crate::state::PlaygroundState;

#[function_component]
pub fn App() -> Html {
    // The simulation lives as long as the page; later actions (apply, step) will use it.
    let simulation = use_mut_ref(|| Simulation::new(SimulationConfig::default()));
    // Built from the first snapshot, so the first frame already shows the cluster.
    let state = {
        let simulation = simulation.clone();
        use_reducer(move || PlaygroundState::from_view(&simulation.borrow().view()))
    };
    html! {
        <>
            <Header sim_time={AttrValue::from(state.sim_time.clone())} />
            <main>
                <NodeList nodes={state.nodes.clone()} pod_count={state.pod_count} />
            </main>
            <footer>
                { "Every number here comes from kubesim's simulated cluster, running in your browser as WebAssembly." }
            </footer>
        </>
    }
}
