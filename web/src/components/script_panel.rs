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
                { for (skipped..props.script.len()).map(|i| html! {
                    <ScriptLine key={i} script={Rc::clone(&props.script)} times={Rc::clone(&props.times)}
                        index={i} future={i >= props.applied} />
                }) }
            </ol>
        </section>
    }
}

#[derive(Properties, Clone)]
struct ScriptLineProps {
    script: Rc<Vec<String>>,
    times: Rc<Vec<u64>>,
    index: usize,
    future: bool,
}

impl PartialEq for ScriptLineProps {
    /// Only this line's text and time: the panel is redrawn for every new
    /// line, and the hundreds already shown then skip rendering.
    fn eq(&self, o: &Self) -> bool {
        let i = self.index;
        i == o.index
            && self.future == o.future
            && self.script.get(i) == o.script.get(i)
            && self.times.get(i) == o.times.get(i)
    }
}

#[function_component(ScriptLine)]
fn script_line(props: &ScriptLineProps) -> Html {
    let i = props.index;
    html! {
        <li class={classes!("script-line", props.future.then_some("future"))}>
            <span class="t">{ props.times.get(i).map_or("later".to_string(), |t| format!("{t} ms")) }</span>
            <code>{ props.script.get(i).cloned().unwrap_or_default() }</code>
        </li>
    }
}
