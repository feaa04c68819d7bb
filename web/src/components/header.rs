use yew::prelude::*;

use crate::context::use_playground;
use crate::state::{Action, Speed};

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// The virtual clock, RFC 3339.
    pub sim_time: AttrValue,
    pub playing: bool,
    pub speed: Speed,
    pub embed: bool,
    /// `script=…` for the Share link.
    pub share_fragment: AttrValue,
}

/// The blue top bar: the name, the virtual clock (not the wall clock) and its
/// controls, and Share and Reset.
#[function_component]
pub fn Header(props: &HeaderProps) -> Html {
    let playground = use_playground();
    let share_open = use_state(|| false);
    let playing = props.playing;
    let toggle = playground.on(move || Action::SetPlaying(!playing));
    let step = playground.on(|| Action::Step);
    let reset = {
        let playground = playground.clone();
        Callback::from(move |_: MouseEvent| {
            let confirmed = gloo::dialogs::confirm(
                "Start over with a fresh cluster? The commands you ran are forgotten.",
            );
            if confirmed {
                playground.dispatch(Action::Reset);
            }
        })
    };
    let share_url = {
        let location = gloo::utils::window().location();
        let base = format!(
            "{}{}",
            location.origin().unwrap_or_default(),
            location.pathname().unwrap_or_default()
        );
        format!("{base}#{}", props.share_fragment)
    };
    let open_share = {
        let share_open = share_open.clone();
        let share_url = share_url.clone();
        Callback::from(move |_: MouseEvent| {
            share_open.set(!*share_open);
            // Best effort: the link is also shown, selectable, for when the clipboard is not allowed.
            if let Some(clipboard) = Some(gloo::utils::window().navigator().clipboard()) {
                let _ = clipboard.write_text(&share_url);
            }
        })
    };
    let speeds = Speed::ALL.iter().map(|speed| {
        let speed = *speed;
        let selected = props.speed == speed;
        let onclick = playground.on(move || Action::SetSpeed(speed));
        html! {
            <button class={classes!("speed", selected.then_some("selected"))} aria-pressed={selected.to_string()}
                data-testid={format!("speed-{}", speed.label().trim_end_matches('×').to_ascii_lowercase())}
                title={format!("Run the clock at {}", speed.label())} {onclick}>{ speed.label() }</button>
        }
    });
    html! {
        <header class="topbar">
            <div class="brand">
                <svg class="logo" viewBox="0 0 32 32" aria-hidden="true"><path d="M16 2 28 8v16l-12 6L4 24V8z" fill="#fff" opacity="0.95"/><circle cx="16" cy="16" r="5" fill="none" stroke="#326ce5" stroke-width="2.5"/></svg>
                <h1>{ "kubesim" }</h1>
                if !props.embed {
                    <span class="tagline">{ "a Kubernetes cluster in your browser" }</span>
                }
            </div>
            <div class="controls" role="group" aria-label="Virtual clock">
                <button class="play" data-testid="play-pause" aria-pressed={playing.to_string()} onclick={toggle}
                    title={if playing { "Pause the virtual clock" } else { "Let the virtual clock run" }}>
                    <span aria-hidden="true">{ if playing { "❚❚" } else { "▶" } }</span>
                    { if playing { " Pause" } else { " Play" } }
                </button>
                <div class="speeds" role="group" aria-label="Speed">{ for speeds }</div>
                <button class="step" onclick={step} data-testid="step" title="Jump to the next thing the cluster has scheduled, then pause">{ "Step ›" }</button>
                <div class="clock">
                    <span>{ "Virtual time" }</span>
                    <time data-testid="sim-time" datetime={props.sim_time.clone()}>{ props.sim_time.clone() }</time>
                </div>
            </div>
            if !props.embed {
                <div class="session-actions">
                    <button onclick={open_share} data-testid="share" aria-expanded={share_open.to_string()}>{ "Share" }</button>
                    <button onclick={reset} data-testid="reset">{ "Reset" }</button>
                </div>
            }
            if *share_open && !props.embed {
                <div class="share-box" role="dialog" aria-label="Share link">
                    <label for="share-url">{ "Anyone opening this link gets this exact cluster (copied to your clipboard if allowed):" }</label>
                    <input id="share-url" data-testid="share-url" readonly=true value={share_url.clone()}
                        onfocus={Callback::from(|event: FocusEvent| {
                            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() { input.select(); }
                        })} />
                </div>
            }
        </header>
    }
}
