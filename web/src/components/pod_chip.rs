use yew::prelude::*;

use crate::context::use_playground;
use crate::state::{Action, PodChip};
use kubesim::view::ObjectRef;

#[derive(Properties, PartialEq)]
pub struct PodChipProps {
    pub pod: PodChip,
    pub selected: bool,
}

/// One pod: an icon and its name; its state is in the icon, the colour and the words
/// read out (and shown on hover), never in colour alone. Click to inspect.
#[function_component]
pub fn PodChipView(props: &PodChipProps) -> Html {
    let playground = use_playground();
    let pod = &props.pod;
    let reference = ObjectRef {
        kind: "Pod".to_string(),
        namespace: pod.namespace.clone(),
        name: pod.name.clone(),
    };
    let onclick = playground.on(move || Action::Select(Some(reference.clone())));
    let restarts = if pod.restarts > 0 {
        format!(", {} restarts", pod.restarts)
    } else {
        String::new()
    };
    let label = format!(
        "{}: {} ({}){restarts}",
        pod.name,
        pod.status,
        pod.look.words()
    );
    html! {
        <li>
            <button class={classes!("pod-chip", pod.look.class(), props.selected.then_some("selected"))}
                data-testid="pod" data-pod-name={pod.name.clone()} data-phase={pod.phase.clone()}
                data-status={pod.status.clone()} title={label.clone()} aria-label={label} {onclick}>
                <span class="icon" aria-hidden="true">{ pod.look.icon() }</span>
                <span class="name">{ short_name(&pod.name) }</span>
                if pod.status != pod.phase && pod.status != "Running" {
                    <span class="reason">{ &pod.status }</span>
                }
            </button>
        </li>
    }
}

/// Generated pod names end in the owner's hash and a random suffix; the chip keeps
/// the suffix readable and the full name is in the label.
fn short_name(name: &str) -> String {
    const MAX_CHARS: usize = 22;
    if name.chars().count() <= MAX_CHARS {
        return name.to_string();
    }
    let tail: String = name
        .chars()
        .rev()
        .take(MAX_CHARS - 1)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("…{tail}")
}
