//! The root component: builds the session (fresh, saved or shared), owns the reducer,
//! drives the clock with animation frames and saves the session. Leaves take props.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::render::{AnimationFrame, request_animation_frame};
use gloo::storage::{LocalStorage, Storage};
use yew::prelude::*;

use crate::components::architecture::Architecture;
use crate::components::cluster_map::ClusterMap;
use crate::components::events::EventStream;
use crate::components::header::Header;
use crate::components::inspector::Inspector;
use crate::components::rollout::RolloutPanel;
use crate::components::terminal::Terminal;
use crate::components::yaml_editor::YamlEditor;
use crate::context::Playground;
use crate::script::{self, SavedSession};
use crate::session::{Session, SessionConfig};
use crate::state::{Action, Banner, Panel, PlaygroundState};

/// The localStorage key of the saved session.
pub const STORAGE_KEY: &str = "kubesim.session";
/// While playing, the session is saved at most this often (and always on pause,
/// on every command and when the page is hidden).
const SAVE_INTERVAL_MILLIS: f64 = 1_000.0;

/// What the page's URL asks for.
struct PageRequest {
    embed: bool,
    shared: Result<script::SharedSession, script::ScriptError>,
}

fn page_request() -> PageRequest {
    let location = gloo::utils::window().location();
    let search = location.search().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    let embed = search
        .trim_start_matches('?')
        .split('&')
        .any(|pair| pair == "embed=1" || pair == "embed");
    // The session may come in the fragment (share links) or the query (`?workers=50`).
    let query = script::parse_fragment(&search);
    let fragment = script::parse_fragment(&hash);
    let shared = match (query, fragment) {
        (Ok(query), Ok(fragment)) => Ok(script::SharedSession {
            script: fragment.script.or(query.script),
            seed: fragment.seed.or(query.seed),
            workers: fragment.workers.or(query.workers),
        }),
        (Err(error), _) | (_, Err(error)) => Err(error),
    };
    PageRequest { embed, shared }
}

fn initial_state(request: &PageRequest) -> PlaygroundState {
    match &request.shared {
        Err(error) => {
            let mut state = PlaygroundState::new(Session::new(SessionConfig::default()));
            state.banner = Some(Banner {
                warning: true,
                text: format!(
                    "The shared link could not be opened: {error}. Started a fresh cluster instead."
                ),
            });
            state
        }
        Ok(shared) if shared.script.is_some() => {
            let saved = SavedSession {
                format: SavedSession::FORMAT.to_string(),
                version: SavedSession::VERSION,
                seed: shared.seed.unwrap_or(SessionConfig::default().seed),
                workers: shared.workers,
                script: shared.script.clone().unwrap_or_default(),
            };
            let mut state = PlaygroundState::restore(Ok(saved), "shared session");
            if state.banner.is_none() && !request.embed {
                state.banner = Some(Banner {
                    warning: false,
                    text: "Opened a shared session, paused. Press Play to let time run."
                        .to_string(),
                });
            }
            state
        }
        Ok(shared) => {
            let stored: Option<String> = if request.embed {
                None
            } else {
                LocalStorage::raw().get_item(STORAGE_KEY).ok().flatten()
            };
            let fresh_config = SessionConfig {
                seed: shared.seed.unwrap_or(SessionConfig::default().seed),
                workers: shared.workers,
            };
            match stored {
                Some(text) if shared.seed.is_none() && shared.workers.is_none() => {
                    let mut state =
                        PlaygroundState::restore(SavedSession::from_json(&text), "saved session");
                    if state.banner.is_none() {
                        state.banner = Some(Banner {
                            warning: false,
                            text: "Restored your cluster from this browser, paused. Press Play to let time run."
                                .to_string(),
                        });
                    }
                    state
                }
                _ => {
                    let mut state = PlaygroundState::new(Session::new(fresh_config));
                    state.playing = !request.embed;
                    state
                }
            }
        }
    }
}

fn save(session: &Session) {
    let _ = LocalStorage::raw().set_item(STORAGE_KEY, &session.saved().to_json());
}

fn now_millis() -> f64 {
    gloo::utils::window()
        .performance()
        .map(|performance| performance.now())
        .unwrap_or(0.0)
}

#[function_component]
pub fn App() -> Html {
    let request = use_memo((), |_| page_request());
    let state = {
        let request = request.clone();
        use_reducer(move || {
            let state = initial_state(&request);
            if request
                .shared
                .as_ref()
                .is_ok_and(|shared| shared.script.is_some())
                && !request.embed
            {
                // The shared session is now this browser's session; reloading keeps it.
                save(&state.session.borrow());
                let _ = gloo::utils::window().history().and_then(|history| {
                    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("./"))
                });
            }
            state
        })
    };
    let embed = request.embed;

    // The clock: one Frame action per animation frame, with the wall time since the last.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let handle: Rc<RefCell<Option<AnimationFrame>>> = Rc::new(RefCell::new(None));
            let last: Rc<Cell<Option<f64>>> = Rc::new(Cell::new(None));
            fn schedule(
                handle: Rc<RefCell<Option<AnimationFrame>>>,
                last: Rc<Cell<Option<f64>>>,
                dispatcher: UseReducerDispatcher<PlaygroundState>,
            ) {
                let next_handle = Rc::clone(&handle);
                let frame = request_animation_frame(move |timestamp| {
                    let elapsed = last.get().map(|last| timestamp - last).unwrap_or(0.0);
                    last.set(Some(timestamp));
                    dispatcher.dispatch(Action::Frame(elapsed));
                    schedule(next_handle, last, dispatcher);
                });
                *handle.borrow_mut() = Some(frame);
            }
            schedule(Rc::clone(&handle), last, dispatcher);
            move || {
                handle.borrow_mut().take();
            }
        });
    }

    // Saving: on every script change when paused, at most once a second while playing,
    // and when the page is hidden or closed.
    let last_saved = use_mut_ref(|| (0_u64, f64::MIN));
    let latest_session = use_mut_ref(|| Rc::clone(&state.session));
    *latest_session.borrow_mut() = Rc::clone(&state.session);
    {
        let session = Rc::clone(&state.session);
        let version = session.borrow().script_version();
        let playing = state.playing;
        let last_saved = last_saved.clone();
        use_effect_with(
            (version, playing, Rc::as_ptr(&session) as usize),
            move |_| {
                if !embed {
                    let (saved_version, saved_at) = *last_saved.borrow();
                    let now = now_millis();
                    if saved_version != version
                        && (!playing || now - saved_at >= SAVE_INTERVAL_MILLIS)
                    {
                        save(&session.borrow());
                        *last_saved.borrow_mut() = (version, now);
                    }
                }
            },
        );
    }
    {
        let latest_session = latest_session.clone();
        use_effect_with((), move |_| {
            let listener = (!embed).then(|| {
                gloo::events::EventListener::new(&gloo::utils::window(), "pagehide", move |_| {
                    save(&latest_session.borrow().borrow());
                })
            });
            move || drop(listener)
        });
    }

    let context = Playground {
        dispatcher: state.dispatcher(),
        session: Rc::clone(&state.session),
    };
    let banner = state.banner.clone().map(|banner| {
        let dismiss = {
            let dispatcher = state.dispatcher();
            Callback::from(move |_| dispatcher.dispatch(Action::DismissBanner))
        };
        html! {
            <div class={classes!("banner", banner.warning.then_some("warning"))} role={if banner.warning { "alert" } else { "status" }} data-testid="banner">
                <span>{ banner.text }</span>
                <button class="link" onclick={dismiss} aria-label="Dismiss this message">{ "✕" }</button>
            </div>
        }
    });
    let share_fragment = state.share_fragment();
    let panel_tab = |panel: Panel, label: &'static str| {
        let dispatcher = state.dispatcher();
        let selected = state.panel == panel;
        let onclick = Callback::from(move |_| dispatcher.dispatch(Action::SetPanel(panel)));
        html! {
            <button role="tab" class={classes!("tab", selected.then_some("selected"))}
                aria-selected={selected.to_string()} {onclick}
                data-testid={format!("panel-{}", label.to_ascii_lowercase())}>{ label }</button>
        }
    };
    let panel = match state.panel {
        Panel::Events => html! {
            <EventStream events={state.filtered_events()} filter={state.event_filter.clone()} />
        },
        Panel::Architecture => html! {
            <Architecture trace={state.trace.clone()} nodes={state.cluster.nodes.iter().map(|card| card.node.name.clone()).collect::<Vec<_>>()} />
        },
        Panel::Rollout => html! {
            <RolloutPanel workloads={state.cluster.workloads.clone()} target={state.rollout_target.clone()} />
        },
    };
    html! {
        <ContextProvider<Playground> context={context}>
            <div class={classes!("app", embed.then_some("embed"))}>
                <Header sim_time={AttrValue::from(state.sim_time.clone())} playing={state.playing}
                    speed={state.speed} {embed} share_fragment={AttrValue::from(share_fragment)} />
                { for banner }
                <main class="layout">
                    <div class="column-main">
                        <ClusterMap cluster={state.cluster.clone()} selected={state.selected.clone()} {embed} />
                        if !embed {
                            <section class="panel lower" aria-label="Events, architecture and rollouts">
                                <div class="tabs" role="tablist">
                                    { panel_tab(Panel::Events, "Events") }
                                    { panel_tab(Panel::Architecture, "Architecture") }
                                    { panel_tab(Panel::Rollout, "Rollout") }
                                </div>
                                { panel }
                            </section>
                        }
                    </div>
                    <div class="column-side">
                        <Terminal lines={state.terminal.clone()} history={state.history.clone()} />
                        if !embed {
                            <Inspector detail={state.detail.clone()} selected={state.selected.clone()}
                                workloads={state.cluster.workloads.clone()} services={state.cluster.services.clone()} />
                            <YamlEditor result={state.apply_result.clone()} />
                        }
                    </div>
                </main>
                if !embed {
                    <footer>
                        { "Everything here is kubesim's simulated cluster, running in your browser as WebAssembly: no server, no account, no network. " }
                        { "The commands and manifests work unchanged on a real cluster." }
                    </footer>
                }
            </div>
        </ContextProvider<Playground>>
    }
}
