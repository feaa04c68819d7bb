use std::rc::Rc;

use kubesim::view::{ObjectDetail, ObjectRef, ServiceView, WorkloadView};
use yew::prelude::*;

use crate::commands;
use crate::context::use_playground;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub detail: Option<Rc<ObjectDetail>>,
    pub selected: Option<ObjectRef>,
    pub workloads: Rc<Vec<WorkloadView>>,
    pub services: Rc<Vec<ServiceView>>,
}

fn reference(kind: &str, namespace: &str, name: &str) -> ObjectRef {
    ObjectRef {
        kind: kind.to_string(),
        namespace: namespace.to_string(),
        name: name.to_string(),
    }
}

/// Click any object to see it here: status, conditions, owner chain, events, YAML.
/// With nothing selected it lists the cluster's workloads and Services.
#[function_component]
pub fn Inspector(props: &InspectorProps) -> Html {
    let playground = use_playground();
    let show_yaml = use_state(|| false);
    let link = |object: &ObjectRef| {
        let target = object.clone();
        let onclick = playground.on(move || Action::Select(Some(target.clone())));
        html! { <button class="link" {onclick}>{ format!("{}/{}", object.kind, object.name) }</button> }
    };
    let body = match (&props.selected, &props.detail) {
        (None, _) => {
            let rows = props.workloads.iter().filter(|workload| workload.owner.is_none() || workload.kind != "ReplicaSet").map(|workload| {
                let object = reference(&workload.kind, &workload.namespace, &workload.name);
                html! {
                    <tr>
                        <td>{ link(&object) }</td>
                        <td class="num">{ format!("{}/{}", workload.ready, workload.desired) }</td>
                        <td>{ workload.image.clone().unwrap_or_default() }</td>
                    </tr>
                }
            });
            let services = props.services.iter().map(|service| {
                let object = reference("Service", &service.namespace, &service.name);
                html! {
                    <tr>
                        <td>{ link(&object) }</td>
                        <td>{ &service.cluster_ip }</td>
                        <td>{ service.ports.join(",") }</td>
                    </tr>
                }
            });
            html! {
                <>
                    <p class="hint">{ "Click a node, a pod or an object to inspect it." }</p>
                    if !props.workloads.is_empty() {
                        <table class="table"><thead><tr><th>{ "Workload" }</th><th>{ "Ready" }</th><th>{ "Image" }</th></tr></thead>
                        <tbody>{ for rows }</tbody></table>
                    }
                    if !props.services.is_empty() {
                        <table class="table"><thead><tr><th>{ "Service" }</th><th>{ "Cluster IP" }</th><th>{ "Ports" }</th></tr></thead>
                        <tbody>{ for services }</tbody></table>
                    }
                </>
            }
        }
        (Some(selected), None) => html! {
            <p class="hint">{ format!("{}/{} no longer exists.", selected.kind, selected.name) }</p>
        },
        (Some(_), Some(detail)) => {
            let this = reference(&detail.kind, &detail.namespace, &detail.name);
            let mut chain: Vec<ObjectRef> = detail.owner_chain.iter().rev().cloned().collect();
            chain.push(this.clone());
            let chain_html = chain.iter().enumerate().map(|(index, object)| html! {
                <>
                    if index > 0 { <span class="arrow" aria-hidden="true">{ " → " }</span> }
                    if *object == this { <strong>{ format!("{}/{}", object.kind, object.name) }</strong> } else { { link(object) } }
                </>
            });
            let actions = object_actions(&playground, detail);
            html! {
                <>
                    <div class="owner-chain" data-testid="owner-chain" aria-label="Owner chain">{ for chain_html }</div>
                    { actions }
                    if !detail.conditions.is_empty() {
                        <h3>{ "Conditions" }</h3>
                        <table class="table"><thead><tr><th>{ "Type" }</th><th>{ "Status" }</th><th>{ "Reason" }</th><th>{ "Message" }</th></tr></thead>
                        <tbody>{ for detail.conditions.iter().map(|condition| html! {
                            <tr><td>{ &condition.type_ }</td><td>{ &condition.status }</td><td>{ &condition.reason }</td><td>{ &condition.message }</td></tr>
                        }) }</tbody></table>
                    }
                    if !detail.dependents.is_empty() {
                        <h3>{ "Controls" }</h3>
                        <ul class="dependents">{ for detail.dependents.iter().map(|object| html! { <li>{ link(object) }</li> }) }</ul>
                    }
                    <h3>{ "Events" }</h3>
                    if detail.events.is_empty() {
                        <p class="hint">{ "No events." }</p>
                    } else {
                        <ul class="event-list">{ for detail.events.iter().map(|event| html! {
                            <li class={classes!((event.type_ == "Warning").then_some("warning"))}>
                                <span class="reason">{ &event.reason }</span>{ " " }{ &event.message }
                            </li>
                        }) }</ul>
                    }
                    <h3>
                        <button class="link" aria-expanded={show_yaml.to_string()} onclick={{
                            let show_yaml = show_yaml.clone();
                            Callback::from(move |_| show_yaml.set(!*show_yaml))
                        }}>{ if *show_yaml { "▾ YAML" } else { "▸ YAML" } }</button>
                    </h3>
                    if *show_yaml {
                        <pre class="yaml-view" data-testid="inspector-yaml">{ &detail.yaml }</pre>
                    }
                </>
            }
        }
    };
    let close = playground.on(|| Action::Select(None));
    let title = match &props.selected {
        Some(selected) => format!("{}/{}", selected.kind, selected.name),
        None => "Objects".to_string(),
    };
    html! {
        <section class="panel inspector" aria-labelledby="inspector-title" data-testid="inspector">
            <div class="section-head">
                <h2 class="section-title" id="inspector-title">{ "Inspector" }<span class="count">{ title }</span></h2>
                if props.selected.is_some() {
                    <button class="link" onclick={close} aria-label="Close the inspector">{ "✕" }</button>
                }
            </div>
            { body }
        </section>
    }
}

/// Buttons for what one usually does next with this kind of object.
fn object_actions(playground: &crate::context::Playground, detail: &ObjectDetail) -> Html {
    let issue = |label: &'static str, line: String, testid: &'static str| {
        let onclick = playground.on(move || Action::Issue(line.clone()));
        html! { <button class="small" {onclick} data-testid={testid}>{ label }</button> }
    };
    let (kind, namespace, name) = (
        detail.kind.as_str(),
        detail.namespace.as_str(),
        detail.name.as_str(),
    );
    match kind {
        "Pod" => html! {
            <div class="object-actions">
                { issue("Delete pod", commands::delete("Pod", namespace, name), "delete-pod") }
                { issue("Crash container", commands::crash_container(namespace, name), "crash-container") }
            </div>
        },
        "Deployment" => {
            let target = name.to_string();
            let rollout = playground.on(move || Action::SetRolloutTarget(Some(target.clone())));
            html! {
                <div class="object-actions">
                    <button class="small" onclick={rollout}>{ "Show rollout" }</button>
                    { issue("Delete", commands::delete(kind, namespace, name), "delete-object") }
                </div>
            }
        }
        "Node" => html! {},
        _ => html! {
            <div class="object-actions">{ issue("Delete", commands::delete(kind, namespace, name), "delete-object") }</div>
        },
    }
}
