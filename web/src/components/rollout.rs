use std::rc::Rc;

use kubesim::view::WorkloadView;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::commands;
use crate::context::use_playground;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct RolloutProps {
    pub workloads: Rc<Vec<WorkloadView>>,
    pub target: Option<String>,
}

/// A Deployment's rollout: its ReplicaSets by revision, replica counts moving as the
/// controller scales the new one up and the old ones down. The buttons issue the
/// kubectl commands one would type.
#[function_component]
pub fn RolloutPanel(props: &RolloutProps) -> Html {
    let playground = use_playground();
    let deployments: Vec<&WorkloadView> = props
        .workloads
        .iter()
        .filter(|workload| workload.kind == "Deployment")
        .collect();
    let Some(deployment) = props
        .target
        .as_ref()
        .and_then(|target| {
            deployments
                .iter()
                .find(|deployment| &deployment.name == target)
        })
        .or(deployments.first())
        .copied()
    else {
        return html! { <p class="hint" data-testid="rollout">{ "No Deployments yet. Try: kubectl create deployment web --image=nginx --replicas=3" }</p> };
    };
    let onchange = {
        let playground = playground.clone();
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<HtmlSelectElement>() {
                playground.dispatch(Action::SetRolloutTarget(Some(select.value())));
            }
        })
    };
    let name = deployment.name.clone();
    let issue = |label: &'static str, line: String, testid: &'static str| {
        let onclick = playground.on(move || Action::Issue(line.clone()));
        html! { <button class="small" {onclick} data-testid={testid}>{ label }</button> }
    };
    let mut sets: Vec<&WorkloadView> = props
        .workloads
        .iter()
        .filter(|workload| {
            workload.kind == "ReplicaSet"
                && workload.namespace == deployment.namespace
                && workload.owner.as_deref()
                    == Some(format!("Deployment/{}", deployment.name).as_str())
        })
        .collect();
    sets.sort_by(|a, b| b.revision.cmp(&a.revision).then(a.name.cmp(&b.name)));
    let widest = sets
        .iter()
        .map(|set| set.desired.max(set.current))
        .chain([deployment.desired])
        .max()
        .unwrap_or(1)
        .max(1);
    let rows = sets.iter().enumerate().map(|(index, set)| {
        let percent = |count: i64| (count.clamp(0, widest) * 100 / widest).to_string();
        html! {
            <tr class={classes!((index == 0).then_some("newest"))} data-testid="rollout-replicaset" data-revision={set.revision.unwrap_or(0).to_string()}>
                <td class="num">{ set.revision.map(|revision| revision.to_string()).unwrap_or_default() }</td>
                <td class="mono">{ &set.name }</td>
                <td>{ set.image.clone().unwrap_or_default() }</td>
                <td class="num">{ format!("{} desired · {} current · {} ready", set.desired, set.current, set.ready) }</td>
                <td class="bar-cell" aria-hidden="true">
                    <div class="bar"><span style={format!("width: {}%", percent(set.ready))}></span></div>
                </td>
            </tr>
        }
    });
    let progressing = deployment
        .conditions
        .iter()
        .find(|condition| condition.type_ == "Progressing");
    html! {
        <div class="rollout" data-testid="rollout">
            <div class="rollout-head">
                <label for="rollout-target">{ "Deployment" }</label>
                <select id="rollout-target" {onchange}>
                    { for deployments.iter().map(|candidate| html! {
                        <option value={candidate.name.clone()} selected={candidate.name == deployment.name}>{ &candidate.name }</option>
                    }) }
                </select>
                <span class="summary">{ format!("{}/{} ready · {} up to date{}", deployment.ready, deployment.desired, deployment.updated, if deployment.paused { " · paused" } else { "" }) }</span>
            </div>
            if let Some(condition) = progressing {
                <p class={classes!("condition", (condition.status != "True").then_some("warning"))}>
                    { format!("Progressing={} {}: {}", condition.status, condition.reason, condition.message) }
                </p>
            }
            <div class="object-actions">
                if deployment.paused {
                    { issue("Resume", commands::rollout("resume", "Deployment", &name), "rollout-resume") }
                } else {
                    { issue("Pause", commands::rollout("pause", "Deployment", &name), "rollout-pause") }
                }
                { issue("Undo", commands::rollout("undo", "Deployment", &name), "rollout-undo") }
                { issue("Restart", commands::rollout("restart", "Deployment", &name), "rollout-restart") }
                { issue("Scale −1", commands::scale("Deployment", &name, deployment.desired - 1), "scale-down") }
                { issue("Scale +1", commands::scale("Deployment", &name, deployment.desired + 1), "scale-up") }
            </div>
            if sets.is_empty() {
                <p class="hint">{ "No ReplicaSets yet: the deployment controller creates one per template revision." }</p>
            } else {
                <table class="table">
                    <thead><tr><th>{ "Revision" }</th><th>{ "ReplicaSet" }</th><th>{ "Image" }</th><th>{ "Replicas" }</th><th>{ "Ready" }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
        </div>
    }
}
