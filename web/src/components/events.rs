use kubesim::view::{EventView, ObjectRef};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::context::use_playground;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct EventStreamProps {
    pub events: Vec<EventView>,
    pub filter: String,
}

/// The cluster's Events as they happen, newest at the bottom, filterable by object.
#[function_component]
pub fn EventStream(props: &EventStreamProps) -> Html {
    let playground = use_playground();
    let oninput = {
        let playground = playground.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                playground.dispatch(Action::SetEventFilter(input.value()));
            }
        })
    };
    let rows = props.events.iter().rev().take(100).map(|event| {
        let (kind, name) = event.object.split_once('/').unwrap_or(("", ""));
        let target = ObjectRef { kind: kind.to_string(), namespace: event.object_namespace.clone(), name: name.to_string() };
        let onclick = playground.on(move || Action::Select(Some(target.clone())));
        let time = event.last_seen.map(|time| time.to_string()).unwrap_or_default();
        let clock = time.get(11..19).unwrap_or("").to_string();
        let warning = event.type_ == "Warning";
        html! {
            <tr class={classes!(warning.then_some("warning"))}>
                <td class="mono"><time datetime={time}>{ clock }</time></td>
                <td>{ if warning { "⚠ Warning" } else { "Normal" } }</td>
                <td>{ &event.reason }</td>
                <td><button class="link" {onclick}>{ &event.object }</button></td>
                <td>{ &event.message }{ if event.count > 1 { format!(" (×{})", event.count) } else { String::new() } }</td>
            </tr>
        }
    });
    html! {
        <div class="events" data-testid="events">
            <div class="filter">
                <label for="event-filter">{ "Filter by object or reason" }</label>
                <input id="event-filter" type="search" value={props.filter.clone()} {oninput} placeholder="e.g. web, Scheduled, BackOff" />
            </div>
            if props.events.is_empty() {
                <p class="hint">{ "No events yet. Create something: controllers, the scheduler and kubelets report what they do here." }</p>
            } else {
                <table class="table events-table">
                    <thead><tr><th>{ "Time" }</th><th>{ "Type" }</th><th>{ "Reason" }</th><th>{ "Object" }</th><th>{ "Message" }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
        </div>
    }
}
