use yew::prelude::*;

use crate::state::ResourceUsage;

#[derive(Properties, PartialEq)]
pub struct ResourceMeterProps {
    pub usage: ResourceUsage,
}

/// One resource of a node: "CPU 750m of 2 (37%)" and a bar. The text carries the
/// numbers; the bar is decoration for sighted readers, so it is hidden from screen readers.
#[function_component]
pub fn ResourceMeter(props: &ResourceMeterProps) -> Html {
    let usage = props.usage;
    let width = format!("width: {}%", usage.percent_used());
    html! {
        <li class="resource">
            <div class="resource-label">
                <span class="name">{ usage.resource.label() }</span>
                <span class="amounts">
                    <span class="visually-hidden">{ "requested " }</span>
                    { usage.summary_text() }
                </span>
            </div>
            <div class="bar" aria-hidden="true"><span style={width}></span></div>
        </li>
    }
}
