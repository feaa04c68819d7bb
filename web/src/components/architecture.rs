use std::rc::Rc;

use yew::prelude::*;

use crate::session::TraceRow;

#[derive(Properties, PartialEq)]
pub struct ArchitectureProps {
    pub trace: Rc<Vec<TraceRow>>,
    pub nodes: Vec<String>,
}

/// The control plane's components and each node's agents, with what each did last.
/// Every line comes from the simulation's trace (`Simulation::drain_trace`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    ApiServer,
    Etcd,
    ControllerManager,
    Scheduler,
    Kubelet,
    KubeProxy,
}

fn part_of(component: &str) -> Part {
    if component.contains("apiserver") {
        Part::ApiServer
    } else if component.contains("etcd") {
        Part::Etcd
    } else if component.contains("scheduler") {
        Part::Scheduler
    } else if component.contains("kubelet") {
        Part::Kubelet
    } else if component.contains("proxy") {
        Part::KubeProxy
    } else {
        Part::ControllerManager
    }
}

const PARTS: [(Part, &str, &str); 4] = [
    (
        Part::ApiServer,
        "kube-apiserver",
        "The front door: every change is a request here, validated and stored.",
    ),
    (
        Part::Etcd,
        "etcd",
        "The store of record: every object, with a revision.",
    ),
    (
        Part::ControllerManager,
        "kube-controller-manager",
        "Reconcile loops: make current state match desired state.",
    ),
    (
        Part::Scheduler,
        "kube-scheduler",
        "Picks a node for each new pod.",
    ),
];

#[function_component]
pub fn Architecture(props: &ArchitectureProps) -> Html {
    let newest = props.trace.last().map(|row| row.sequence).unwrap_or(0);
    let recent = |wanted: &dyn Fn(&TraceRow) -> bool, count: usize| -> Html {
        let rows: Vec<&TraceRow> = props
            .trace
            .iter()
            .rev()
            .filter(|row| wanted(row))
            .take(count)
            .collect();
        if rows.is_empty() {
            return html! { <p class="idle">{ "idle" }</p> };
        }
        html! {
            <ol class="actions">
                { for rows.into_iter().map(|row| html! {
                    <li key={row.sequence} class={classes!((row.sequence + 3 > newest).then_some("fresh"))}>
                        <span class="component">{ &row.component }</span>{ " " }{ &row.message }
                    </li>
                }) }
            </ol>
        }
    };
    let control_plane = PARTS.iter().map(|(part, name, role)| {
        let part = *part;
        html! {
            <div class="component-box" data-component={*name}>
                <h4>{ *name }</h4>
                <p class="role">{ *role }</p>
                { recent(&|row: &TraceRow| part_of(&row.component) == part, 4) }
            </div>
        }
    });
    let shown_nodes: Vec<&String> = props.nodes.iter().take(8).collect();
    let node_boxes = shown_nodes.iter().map(|node| {
        let title = (*node).clone();
        let node = (*node).clone();
        let mentions = move |row: &TraceRow| row.message.split(|c: char| c.is_whitespace() || c == '/' || c == ':').any(|word| word == node);
        let mentions_too = mentions.clone();
        html! {
            <div class="node-box">
                <h4>{ title }</h4>
                <div class="agent"><h5>{ "kubelet" }</h5>{ recent(&move |row: &TraceRow| part_of(&row.component) == Part::Kubelet && mentions(row), 2) }</div>
                <div class="agent"><h5>{ "kube-proxy" }</h5>{ recent(&move |row: &TraceRow| part_of(&row.component) == Part::KubeProxy && mentions_too(row), 1) }</div>
            </div>
        }
    });
    html! {
        <div class="architecture" data-testid="architecture">
            <div class="plane">
                <h3>{ "Control plane" }</h3>
                <div class="component-grid">{ for control_plane }</div>
            </div>
            <div class="plane data">
                <h3>{ "Data plane: nodes" }
                    if props.nodes.len() > shown_nodes.len() { <span class="count">{ format!(" (first {} of {})", shown_nodes.len(), props.nodes.len()) }</span> }
                </h3>
                <div class="node-box-grid">{ for node_boxes }</div>
            </div>
        </div>
    }
}
