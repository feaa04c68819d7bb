use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::complete;
use crate::context::use_playground;
use crate::state::{Action, LineKind, TerminalLine};

#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    pub lines: Rc<Vec<TerminalLine>>,
    pub history: Rc<Vec<String>>,
}

/// A kubectl prompt: each line runs through kubesim's interpreter and prints exactly
/// what the CLI prints. ↑/↓ walk the history, Tab completes commands, kinds and names.
/// The input is uncontrolled (the browser owns what is typed), so re-renders while
/// the clock runs never drop a keystroke.
#[function_component]
pub fn Terminal(props: &TerminalProps) -> Html {
    let playground = use_playground();
    let input = use_node_ref();
    let output = use_node_ref();
    // Position in the history while walking it; None when editing a new line.
    let cursor = use_mut_ref(|| None::<usize>);
    {
        let output = output.clone();
        use_effect_with(Rc::clone(&props.lines), move |_| {
            if let Some(element) = output.cast::<web_sys::HtmlElement>() {
                element.set_scroll_top(element.scroll_height());
            }
        });
    }
    let onkeydown = {
        let input = input.clone();
        let history = Rc::clone(&props.history);
        let cursor = cursor.clone();
        let playground = playground.clone();
        Callback::from(move |event: KeyboardEvent| {
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            match event.key().as_str() {
                "Enter" => {
                    event.prevent_default();
                    let line = field.value();
                    field.set_value("");
                    *cursor.borrow_mut() = None;
                    playground.dispatch(Action::RunCommand(line));
                }
                "ArrowUp" | "ArrowDown" if !history.is_empty() => {
                    event.prevent_default();
                    let up = event.key() == "ArrowUp";
                    let next = match (*cursor.borrow(), up) {
                        (None, true) => Some(history.len() - 1),
                        (None, false) => None,
                        (Some(0), true) => Some(0),
                        (Some(index), true) => Some(index - 1),
                        (Some(index), false) if index + 1 < history.len() => Some(index + 1),
                        (Some(_), false) => None,
                    };
                    *cursor.borrow_mut() = next;
                    field.set_value(next.map(|index| history[index].as_str()).unwrap_or(""));
                }
                "Tab" => {
                    event.prevent_default();
                    let line = field.value();
                    let completion: complete::Completion =
                        complete::complete(&line, playground.session.borrow().simulation().api());
                    field.set_value(&completion.line);
                    if !completion.candidates.is_empty() {
                        playground.dispatch(Action::ShowCandidates(completion.candidates));
                    }
                }
                "l" if event.ctrl_key() => {
                    event.prevent_default();
                    playground.dispatch(Action::RunCommand("clear".to_string()));
                }
                _ => {}
            }
        })
    };
    let focus_input = {
        let input = input.clone();
        Callback::from(move |_: MouseEvent| {
            // Clicking the scrollback focuses the prompt, unless text is being selected.
            let selecting = gloo::utils::window()
                .get_selection()
                .ok()
                .flatten()
                .is_some_and(|selection| !selection.is_collapsed());
            if !selecting {
                if let Some(field) = input.cast::<HtmlInputElement>() {
                    let _ = field.focus();
                }
            }
        })
    };
    html! {
        <section class="panel terminal" aria-labelledby="terminal-title">
            <h2 class="section-title" id="terminal-title">{ "Terminal" }<span class="count">{ "kubectl, as on a real cluster" }</span></h2>
            <div class="screen" onclick={focus_input}>
                <pre class="scrollback" data-testid="terminal-output" ref={output} aria-live="polite">
                    { for props.lines.iter().map(|line| match line.kind {
                        LineKind::Input => html! { <div class="line input"><span class="prompt" aria-hidden="true">{ "$ " }</span>{ &line.text }</div> },
                        LineKind::Stdout => html! { <div class="line stdout">{ &line.text }</div> },
                        LineKind::Stderr => html! { <div class="line stderr">{ &line.text }</div> },
                        LineKind::Note => html! { <div class="line note">{ &line.text }</div> },
                    }) }
                </pre>
                <div class="prompt-line">
                    <label for="terminal-input" class="prompt">{ "$" }</label>
                    <input id="terminal-input" ref={input} data-testid="terminal-input" type="text"
                        autocomplete="off" autocapitalize="off" spellcheck="false"
                        aria-label="Command line: kubectl or sim commands; Tab completes"
                        placeholder="kubectl get pods" {onkeydown} />
                </div>
            </div>
        </section>
    }
}
