use std::rc::Rc;

use kubesim::view::ObjectRef;
use yew::prelude::*;

use crate::commands;
use crate::components::node_card::{NodeCard, PodGroupView};
use crate::context::use_playground;
use crate::state::{Action, ClusterModel, PodLook};

#[derive(Properties, PartialEq)]
pub struct ClusterMapProps {
    pub cluster: Rc<ClusterModel>,
    pub selected: Option<ObjectRef>,
    pub embed: bool,
}

/// The cluster map: the control plane and worker nodes as cards with their pods,
/// and the pods no node has yet.
#[function_component]
pub fn ClusterMap(props: &ClusterMapProps) -> Html {
    let playground = use_playground();
    let cluster = &props.cluster;
    let node_names: Vec<String> = cluster
        .nodes
        .iter()
        .map(|card| card.node.name.clone())
        .collect();
    let add_node = playground
        .on(move || Action::Issue(commands::node_add(&commands::next_worker_name(&node_names))));
    let selected_pod = props
        .selected
        .as_ref()
        .filter(|selected| selected.kind == "Pod")
        .map(|selected| AttrValue::from(selected.name.clone()));
    let ready_nodes = cluster.nodes.iter().filter(|card| card.node.ready).count();
    let unscheduled: usize = cluster
        .unscheduled
        .iter()
        .map(|group| group.pods.len())
        .sum();
    let compact = props.embed || cluster.nodes.len() > 12;
    html! {
        <section class="panel map" aria-labelledby="map-title">
            <div class="section-head">
                <h2 class="section-title" id="map-title">
                    { "Cluster" }
                    <span class="count">{ format!("{} nodes ({ready_nodes} ready) · {} pods", cluster.nodes.len(), cluster.pod_count) }</span>
                </h2>
                if !props.embed {
                    <div class="toolbar">
                        <button class="small" onclick={add_node} data-testid="add-node">{ "+ Add node" }</button>
                    </div>
                }
            </div>
            <ul class="legend" aria-label="Pod states">
                { for PodLook::ALL.iter().map(|look| html! {
                    <li><span class={classes!("pod-chip", "sample", look.class())} aria-hidden="true"><span class="icon">{ look.icon() }</span></span>{ look.words() }</li>
                }) }
            </ul>
            if unscheduled > 0 {
                <div class="unscheduled" data-testid="unscheduled">
                    <h3>{ format!("Unscheduled: {unscheduled} pods waiting for a node") }</h3>
                    { for cluster.unscheduled.iter().map(|group| html! {
                        <PodGroupView key={group.owner.clone()} group={group.clone()} selected_pod={selected_pod.clone()} />
                    }) }
                </div>
            }
            <ul class={classes!("node-grid", compact.then_some("compact"))}>
                { for cluster.nodes.iter().map(|card| {
                    let on_card = card.groups.iter().any(|group| group.pods.iter().any(|pod| Some(pod.name.as_str()) == selected_pod.as_deref()));
                    html! {
                        <NodeCard key={card.node.name.clone()} card={Rc::clone(card)} {compact}
                            selected_pod={if on_card { selected_pod.clone() } else { None }} />
                    }
                }) }
            </ul>
        </section>
    }
}
