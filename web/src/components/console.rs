//! The scenario so far, what each line printed, and a prompt to type the
//! seed's shell commands as they are.

use std::rc::Rc;
use streamlab_core::script::Output;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConsoleProps {
    pub outputs: Rc<Vec<Output>>,
    pub on_run: Callback<String>,
}

#[function_component(Console)]
pub fn console(props: &ConsoleProps) -> Html {
    let input = use_node_ref();
    let onsubmit = {
        let input = input.clone();
        let on_run = props.on_run.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(el) = input.cast::<HtmlInputElement>() {
                let line = el.value();
                if !line.trim().is_empty() {
                    on_run.emit(line);
                    el.set_value("");
                }
            }
        })
    };
    html! {
        <section class="panel console" aria-labelledby="console-h">
            <h2 id="console-h">{"Console"}</h2>
            <div class="transcript" role="log" aria-live="polite">
                { for props.outputs.iter().map(|o| html! {
                    <div class={classes!("entry", o.is_error.then_some("error"))}>
                        <div class="cmd"><span class="prompt" aria-hidden="true">{"$ "}</span>{&o.command}</div>
                        { if o.text.is_empty() { html!{} } else { html!{ <pre class="out">{&o.text}</pre> } } }
                    </div>
                }) }
            </div>
            <form {onsubmit}>
                <label for="console-input" class="sr-only">{"Command"}</label>
                <input id="console-input" ref={input} type="text" autocomplete="off" spellcheck="false"
                    placeholder="kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic hello" />
                <button type="submit">{"Run"}</button>
            </form>
        </section>
    }
}
