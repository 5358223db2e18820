//! Produce a record to a chosen partition with one click.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProducerPanelProps {
    /// `topic-partition` choices, in order.
    pub partitions: Vec<(String, i32)>,
    pub on_produce: Callback<(String, i32)>,
    pub on_advance: Callback<u64>,
}

#[function_component(ProducerPanel)]
pub fn producer_panel(props: &ProducerPanelProps) -> Html {
    let selected = use_state(|| 0usize);
    let onchange = {
        let selected = selected.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() {
                selected.set(sel.selected_index().max(0) as usize);
            }
        })
    };
    let target = props
        .partitions
        .get(*selected)
        .or(props.partitions.first())
        .cloned();
    let onclick = {
        let on_produce = props.on_produce.clone();
        let target = target.clone();
        Callback::from(move |_| {
            if let Some(t) = target.clone() {
                on_produce.emit(t);
            }
        })
    };
    let advance = {
        let on_advance = props.on_advance.clone();
        Callback::from(move |_| on_advance.emit(1000))
    };
    html! {
        <section class="panel producer" aria-labelledby="producer-h">
            <h2 id="producer-h">{"Producer"}</h2>
            <label for="produce-partition">{"Partition"}</label>
            <select id="produce-partition" {onchange} disabled={props.partitions.is_empty()}>
                { for props.partitions.iter().enumerate().map(|(i, (t, p))| html! {
                    <option value={i.to_string()} selected={i == *selected}>{format!("{t}-{p}")}</option>
                }) }
            </select>
            <div class="buttons">
                <button id="produce" class="primary" {onclick} disabled={target.is_none()}>{"Produce a record"}</button>
                <button id="advance" onclick={advance}>{"Advance 1 s"}</button>
            </div>
        </section>
    }
}
