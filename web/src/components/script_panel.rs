//! The scenario so far: every click's command, with the time it ran at.
//! Lines after a scrubbed-back cursor are shown as the future.

use std::rc::Rc;
use yew::prelude::*;

const SHOWN: usize = 300;

#[derive(Properties, PartialEq)]
pub struct ScriptPanelProps {
    pub script: Rc<Vec<String>>,
    pub times: Rc<Vec<u64>>,
    /// Entries that made the state on screen.
    pub applied: usize,
}

#[function_component(ScriptPanel)]
pub fn script_panel(props: &ScriptPanelProps) -> Html {
    let skipped = props.script.len().saturating_sub(SHOWN);
    html! {
        <section class="panel script" aria-labelledby="script-h">
            <h2 id="script-h">{"Script"}</h2>
            <p class="hint">{"Every click is one of these lines. Share and Export carry exactly this."}</p>
            <ol class="script-lines" start={(skipped + 1).to_string()}>
                { for props.script.iter().enumerate().skip(skipped).map(|(i, l)| {
                    let future = i >= props.applied;
                    html! {
                        <li key={i} class={classes!("script-line", future.then_some("future"))}>
                            <span class="t">{ props.times.get(i).map_or("later".to_string(), |t| format!("{t} ms")) }</span>
                            <code>{l}</code>
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
