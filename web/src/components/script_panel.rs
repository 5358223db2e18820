//! The scenario so far: every click's command, with the time it ran at.
//! Lines after a scrubbed-back cursor are shown as the future.

use crate::components::ui::panel;
use crate::i18n::{t, tf};
use crate::state::SessionHandle;
use streamlab_core::script::Entry;
use yew::prelude::*;

const SHOWN: usize = 300;
/// Lines per chunk (a component; see `ScriptLines`).
const CHUNK: usize = 32;

/// What the panel draws. A plain function, not a component: the script
/// changes with every command, and the chunks (`ScriptLines`) are what
/// skip rendering.
pub struct ScriptPanelProps {
    /// The timeline: its entries, their times and how many are applied.
    pub session: SessionHandle,
}

pub fn script_panel(props: &ScriptPanelProps) -> Html {
    let tl = props.session.timeline();
    let (entries, times) = (tl.entries(), tl.times());
    // Whole chunks only: the oldest one shown does not change with every line.
    let skipped = entries.len().saturating_sub(SHOWN);
    let skipped = skipped - skipped % CHUNK;
    let mut chunks = Vec::new();
    for c in skipped / CHUNK..entries.len().div_ceil(CHUNK) {
        let from = (c * CHUNK).max(skipped);
        let to = ((c + 1) * CHUNK).min(entries.len());
        chunks.push(html! {
            <ScriptLines key={c} {from} lines={entries[from..to].iter().map(Entry::text).collect::<Vec<_>>()}
                times={times.get(from..to.min(times.len())).unwrap_or_default().to_vec()}
                applied={tl.applied().clamp(from, to)} />
        });
    }
    panel(
        "panel script",
        "script-h",
        t("Script"),
        html! { <>
            <p class="hint">{t("Every click is one of these lines. Share and Export carry exactly this.")}</p>
            <ol class="script-lines" start={(skipped + 1).to_string()}>
                { for chunks }
            </ol>
        </> },
    )
}

/// A chunk's lines and times, copied (a few dozen), so an unchanged chunk
/// compares equal and skips rendering.
#[derive(Properties, Clone, PartialEq)]
struct ScriptLinesProps {
    /// The index of the first line.
    from: usize,
    lines: Vec<String>,
    /// When each line ran, for those that made the state on screen.
    times: Vec<u64>,
    /// Lines before this index made the state on screen; the rest are the future.
    applied: usize,
}

/// One component per chunk of `CHUNK` lines.
#[function_component(ScriptLines)]
fn script_lines(props: &ScriptLinesProps) -> Html {
    html! {
        <>{ for props.lines.iter().enumerate().map(|(k, line)| html! {
            <li class={if props.from + k >= props.applied { "script-line future" } else { "script-line" }}>
                <span class="t">{ props.times.get(k).map_or(t("later").to_string(), |ms| tf("{ms} ms", &[&ms])) }</span>
                <code>{ line }</code>
            </li>
        }) }</>
    }
}
