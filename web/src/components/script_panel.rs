//! The scenario so far: every click's command, with the time it ran at.
//! Lines after a scrubbed-back cursor are shown as the future.

use crate::components::ui::panel;
use crate::i18n::{t, tf};
use std::rc::Rc;
use yew::prelude::*;

const SHOWN: usize = 300;
/// Lines per chunk (a component; see `ScriptLines`).
const CHUNK: usize = 32;

/// What the panel draws. A plain function, not a component: the script
/// changes with every command, and the chunks (`ScriptLines`) are what
/// skip rendering.
pub struct ScriptPanelProps {
    pub script: Rc<Vec<String>>,
    pub times: Rc<Vec<u64>>,
    /// Entries that made the state on screen.
    pub applied: usize,
}

pub fn script_panel(props: &ScriptPanelProps) -> Html {
    // Whole chunks only: the oldest one shown does not change with every line.
    let skipped = props.script.len().saturating_sub(SHOWN);
    let skipped = skipped - skipped % CHUNK;
    panel(
        "panel script",
        "script-h",
        t("Script"),
        html! { <>
            <p class="hint">{t("Every click is one of these lines. Share and Export carry exactly this.")}</p>
            <ol class="script-lines" start={(skipped + 1).to_string()}>
                { for (skipped / CHUNK..props.script.len().div_ceil(CHUNK)).map(|c| html! {
                    <ScriptLines key={c} script={Rc::clone(&props.script)} times={Rc::clone(&props.times)}
                        from={(c * CHUNK).max(skipped)} to={((c + 1) * CHUNK).min(props.script.len())}
                        applied={props.applied} />
                }) }
            </ol>
        </> },
    )
}

#[derive(Properties, Clone)]
struct ScriptLinesProps {
    script: Rc<Vec<String>>,
    times: Rc<Vec<u64>>,
    from: usize,
    to: usize,
    applied: usize,
}

impl PartialEq for ScriptLinesProps {
    /// Only these lines' text, times and past/future: the panel is redrawn
    /// for every new line, and the chunks already shown skip rendering.
    fn eq(&self, o: &Self) -> bool {
        let (from, to) = (self.from, self.to);
        (from, to) == (o.from, o.to)
            && self.applied.clamp(from, to) == o.applied.clamp(from, to)
            && self.script.get(from..to) == o.script.get(from..to)
            && self.times.get(from..to) == o.times.get(from..to)
    }
}

/// Lines `from..to`: one component per chunk of `CHUNK` lines.
#[function_component(ScriptLines)]
fn script_lines(props: &ScriptLinesProps) -> Html {
    html! {
        <>{ for (props.from..props.to).map(|i| html! {
            <li class={if i >= props.applied { "script-line future" } else { "script-line" }}>
                <span class="t">{ props.times.get(i).map_or(t("later").to_string(), |ms| tf("{ms} ms", &[&ms])) }</span>
                <code>{ props.script.get(i).cloned().unwrap_or_default() }</code>
            </li>
        }) }</>
    }
}
