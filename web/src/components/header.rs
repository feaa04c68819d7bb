use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// The virtual clock, RFC 3339.
    pub sim_time: AttrValue,
}

/// The blue top bar: the name, and the simulation's virtual clock (not the wall clock).
#[function_component]
pub fn Header(props: &HeaderProps) -> Html {
    html! {
        <header class="topbar">
            <div class="brand">
                <h1>{ "kubesim" }</h1>
                <span class="tagline">{ "Kubernetes, simulated" }</span>
            </div>
            <div class="clock">
                <span>{ "Virtual clock" }</span>
                <time data-testid="sim-time" datetime={props.sim_time.clone()}>{ props.sim_time.clone() }</time>
            </div>
        </header>
    }
}
