use yew::prelude::*;

use crate::components::node_card::NodeCard;
use crate::state::NodeSummary;

#[derive(Properties, PartialEq)]
pub struct NodeListProps {
    pub nodes: Vec<NodeSummary>,
    pub pod_count: usize,
}

/// The cluster map: one card per node, in the order the simulation reports them.
#[function_component]
pub fn NodeList(props: &NodeListProps) -> Html {
    let node_count = props.nodes.len();
    let plural = |count: usize, word: &str| {
        if count == 1 {
            format!("{count} {word}")
        } else {
            format!("{count} {word}s")
        }
    };
    html! {
        <section aria-labelledby="nodes-title">
            <h2 class="section-title" id="nodes-title">
                { "Nodes" }
                <span class="count">{ format!("{} · {}", plural(node_count, "node"), plural(props.pod_count, "pod")) }</span>
            </h2>
            <ul class="node-grid">
                { for props.nodes.iter().map(|node| html! { <NodeCard key={node.name.clone()} node={node.clone()} /> }) }
            </ul>
        </section>
    }
}
