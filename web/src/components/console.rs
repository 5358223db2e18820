//! The scenario language typed in the page: the study notes' shell commands with
//! Kafka's own output and errors, with history on the arrow keys.

use crate::components::ui::panel;
use crate::i18n::{t, tf};
use crate::state::SessionHandle;
use streamlab_core::script::Output;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Only the newest outputs are drawn.
const SHOWN: usize = 150;
/// Outputs per chunk (a component; see `Entries`).
const CHUNK: usize = 16;

#[derive(Properties, PartialEq)]
pub struct ConsoleProps {
    /// The timeline: its outputs are the transcript.
    pub session: SessionHandle,
    /// Runs a typed line.
    pub on_run: Callback<String>,
}

#[function_component(Console)]
pub fn console(props: &ConsoleProps) -> Html {
    let input = use_node_ref();
    // Typed lines, oldest first, and where Up/Down is in them.
    let history = use_mut_ref(Vec::<String>::new);
    let cursor = use_mut_ref(|| 0usize);
    let onsubmit = {
        let input = input.clone();
        let on_run = props.on_run.clone();
        let history = history.clone();
        let cursor = cursor.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(el) = input.cast::<HtmlInputElement>() {
                let line = el.value();
                if !line.trim().is_empty() {
                    let mut h = history.borrow_mut();
                    if h.last() != Some(&line) {
                        h.push(line.clone());
                    }
                    *cursor.borrow_mut() = h.len();
                    on_run.emit(line);
                    el.set_value("");
                }
            }
        })
    };
    let onkeydown = {
        let input = input.clone();
        Callback::from(move |e: KeyboardEvent| {
            let h = history.borrow();
            let mut c = cursor.borrow_mut();
            let next = match e.key().as_str() {
                "ArrowUp" if *c > 0 => *c - 1,
                "ArrowDown" if *c < h.len() => *c + 1,
                _ => return,
            };
            e.prevent_default();
            *c = next;
            if let Some(el) = input.cast::<HtmlInputElement>() {
                el.set_value(h.get(next).map_or("", String::as_str));
            }
        })
    };
    // Whole chunks only: the oldest one shown does not change with every command.
    let timeline = props.session.timeline();
    let outputs = timeline.outputs();
    let skipped = outputs.len().saturating_sub(SHOWN);
    let skipped = skipped - skipped % CHUNK;
    let mut chunks = Vec::new();
    for c in (skipped / CHUNK..outputs.len().div_ceil(CHUNK)).rev() {
        let from = (c * CHUNK).max(skipped);
        let to = ((c + 1) * CHUNK).min(outputs.len());
        chunks.push(html! {
            <Entries key={c} {from} outputs={outputs[from..to].to_vec()} />
        });
    }
    panel(
        "panel console",
        "console-h",
        t("Console"),
        html! { <>
            <div class="transcript" role="log" aria-live="polite" tabindex="0">
                // Newest first in the DOM, shown bottom-up (column-reverse):
                // the browser keeps the newest in view without a forced layout.
                // A fragment of its own: the keyed entries must not share a
                // list with the unkeyed "earlier" line, or Yew diffs them by
                // position and rebuilds every entry on each new command.
                <>{ for chunks }</>
                { if skipped > 0 { html!{ <div class="more">{tf("… {n} earlier commands", &[&skipped])}</div> } } else { html!{} } }
            </div>
            <form {onsubmit}>
                <label for="console-input" class="sr-only">{t("Command (Up and Down recall earlier ones)")}</label>
                <input id="console-input" ref={input} type="text" autocomplete="off" spellcheck="false" {onkeydown}
                    placeholder="kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic hello" />
                <button type="submit">{t("Run")}</button>
            </form>
        </> },
    )
}

/// A chunk's outputs, copied (a few dozen at most), so a chunk whose
/// outputs did not change compares equal and skips rendering.
#[derive(Properties, Clone, PartialEq)]
struct EntriesProps {
    outputs: Vec<Output>,
    /// The index of the first.
    from: usize,
}

/// Outputs `from..to`, newest first: one component per chunk, so a long
/// transcript is a few components to compare, not one per command.
#[function_component(Entries)]
fn entries(props: &EntriesProps) -> Html {
    html! {
        <>{ for props.outputs.iter().enumerate().rev().map(|(i, o)| html! {
            // Keyed: a new command is one inserted entry, not every entry
            // of the chunk rewritten one place down.
            <div key={props.from + i} class={if o.is_error { "entry error" } else { "entry" }}>
                <div class="cmd"><span class="prompt" aria-hidden="true">{"$ "}</span>{&o.command}</div>
                { if o.text.is_empty() { html!{} } else { html!{ <pre class="out">{ if o.is_error { format!("Error: {}", o.text) } else { o.text.clone() } }</pre> } } }
            </div>
        }) }</>
    }
}
