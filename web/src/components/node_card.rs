use yew::prelude::*;

use crate::components::resource_meter::ResourceMeter;
use crate::state::NodeSummary;

#[derive(Properties, PartialEq)]
pub struct NodeCardProps {
    pub node: NodeSummary,
}

/// One node: name, roles, status, placement facts and its allocation.
/// Status is written out and marked with an icon, never shown by colour alone.
#[function_component]
pub fn NodeCard(props: &NodeCardProps) -> Html {
    let node = &props.node;
    let (status_class, status_icon, status_word) = if node.ready {
        ("badge ready", "✓", "Ready")
    } else {
        ("badge not-ready", "✗", "NotReady")
    };
    let card_class = classes!("node-card", (!node.ready).then_some("not-ready"));
    html! {
        <li class={card_class} data-testid="node" data-node-name={node.name.clone()}>
            <header>
                <h3 class="node-name">{ &node.name }</h3>
                <div class="badges">
                    <span class={status_class} data-testid="node-status">
                        <span class="icon" aria-hidden="true">{ status_icon }</span>{ status_word }
                    </span>
                    if node.unschedulable {
                        <span class="badge cordoned">
                            <span class="icon" aria-hidden="true">{ "⏸" }</span>{ "SchedulingDisabled" }
                        </span>
                    }
                    if node.roles.is_empty() {
                        <span class="badge role">{ "no role" }</span>
                    }
                    { for node.roles.iter().map(|role| html! { <span class="badge role">{ role }</span> }) }
                </div>
            </header>
            <dl class="facts">
                if let Some(zone) = &node.zone {
                    <dt>{ "Zone" }</dt><dd>{ zone }</dd>
                }
                <dt>{ "Taints" }</dt>
                <dd>{ if node.taints.is_empty() { "<none>".to_string() } else { node.taints.join(", ") } }</dd>
            </dl>
            <ul class="resources" aria-label="Requested of allocatable">
                <ResourceMeter usage={node.cpu} />
                <ResourceMeter usage={node.memory} />
                <ResourceMeter usage={node.pods} />
            </ul>
        </li>
    }
}
