use std::rc::Rc;

use kubesim::view::ObjectRef;
use yew::prelude::*;

use crate::commands;
use crate::components::pod_chip::PodChipView;
use crate::components::resource_meter::ResourceMeter;
use crate::context::use_playground;
use crate::state::{Action, NodeCardData, PodGroup};

#[derive(Properties, PartialEq)]
pub struct NodeCardProps {
    pub card: Rc<NodeCardData>,
    /// The selected pod, when it runs on this node.
    pub selected_pod: Option<AttrValue>,
    pub compact: bool,
}

/// One node: name, roles, status, its allocation and its pods grouped by owner.
/// Status is written out and marked with an icon, never shown by colour alone.
#[function_component]
pub fn NodeCard(props: &NodeCardProps) -> Html {
    let playground = use_playground();
    let node = &props.card.node;
    let (status_class, status_icon, status_word) = if node.ready {
        ("badge ready", "✓", "Ready")
    } else {
        ("badge not-ready", "✗", "NotReady")
    };
    let card_class = classes!(
        "node-card",
        (!node.ready).then_some("not-ready"),
        node.unschedulable.then_some("cordoned"),
        node.roles
            .iter()
            .any(|role| role == "control-plane")
            .then_some("control-plane"),
    );
    let name = node.name.clone();
    let select = {
        let name = name.clone();
        playground.on(move || {
            Action::Select(Some(ObjectRef {
                kind: "Node".to_string(),
                namespace: String::new(),
                name: name.clone(),
            }))
        })
    };
    let fail_or_recover = {
        let name = name.clone();
        let ready = node.ready;
        playground.on(move || {
            Action::Issue(if ready {
                commands::node_fail(&name)
            } else {
                commands::node_recover(&name)
            })
        })
    };
    let cordon = {
        let name = name.clone();
        let unschedulable = node.unschedulable;
        playground.on(move || Action::Issue(commands::cordon(&name, !unschedulable)))
    };
    let pod_total: usize = props.card.groups.iter().map(|group| group.pods.len()).sum();
    html! {
        <li class={card_class} data-testid="node" data-node-name={node.name.clone()}
            data-ready={node.ready.to_string()} data-unschedulable={node.unschedulable.to_string()}>
            <header>
                <button class="node-name link" onclick={select} title="Inspect this node">{ &node.name }</button>
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
                        <span class="badge role">{ "worker" }</span>
                    }
                    { for node.roles.iter().map(|role| html! { <span class="badge role">{ role }</span> }) }
                </div>
            </header>
            if !props.compact {
                <dl class="facts">
                    if let Some(zone) = &node.zone {
                        <dt>{ "Zone" }</dt><dd>{ zone }</dd>
                    }
                    <dt>{ "Taints" }</dt>
                    <dd>{ if node.taints.is_empty() { "<none>".to_string() } else { node.taints.join(", ") } }</dd>
                </dl>
            }
            <ul class="resources" aria-label="Requested of allocatable">
                <ResourceMeter usage={node.cpu} />
                <ResourceMeter usage={node.memory} />
                <ResourceMeter usage={node.pods} />
            </ul>
            <div class="pods" aria-label={format!("{pod_total} pods on {}", node.name)}>
                if pod_total == 0 {
                    <p class="empty">{ "No pods" }</p>
                }
                { for props.card.groups.iter().map(|group| html! {
                    <PodGroupView key={group.owner.clone()} group={group.clone()} selected_pod={props.selected_pod.clone()} />
                }) }
            </div>
            if !props.compact {
                <div class="node-actions">
                    <button class="small" onclick={cordon} data-testid="node-cordon">
                        { if node.unschedulable { "Uncordon" } else { "Cordon" } }
                    </button>
                    <button class="small danger" onclick={fail_or_recover} data-testid="node-fail">
                        { if node.ready { "Fail node" } else { "Recover node" } }
                    </button>
                </div>
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct PodGroupProps {
    pub group: PodGroup,
    pub selected_pod: Option<AttrValue>,
}

/// The pods of one owner, under the owner's name.
#[function_component]
pub fn PodGroupView(props: &PodGroupProps) -> Html {
    let owner = if props.group.owner.is_empty() {
        "no owner".to_string()
    } else {
        props.group.owner.clone()
    };
    html! {
        <div class="pod-group">
            <div class="owner" title={owner.clone()}>{ owner }</div>
            <ul class="chips">
                { for props.group.pods.iter().map(|pod| {
                    let selected = props.selected_pod.as_deref() == Some(pod.name.as_str());
                    html! { <PodChipView key={pod.name.clone()} pod={pod.clone()} {selected} /> }
                }) }
            </ul>
        </div>
    }
}
