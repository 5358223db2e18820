//! Shared, non-generic pieces of the panels' views. Every `html!` element
//! and every closure is its own code in the bundle (SPEC §6: 300 KiB
//! gzipped), so shapes repeated across the page are built here once.

use streamlab_core::script::{Entry, LineBuilder};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// A button that runs a script line when clicked; its tooltip shows the line.
#[inline(never)]
pub fn run_button(
    class: AttrValue,
    label: &'static str,
    aria: String,
    line: Entry,
    disabled: bool,
    on_run: &Callback<Entry>,
) -> Html {
    let title = AttrValue::from(line.command().to_string());
    let onclick = emit_on_click(on_run, line);
    html! {
        <button {class} aria-label={aria} {title} {disabled} {onclick}>{label}</button>
    }
}

/// A labelled form field: `<div class="field"><label for=id>…</label>control</div>`.
#[inline(never)]
pub fn field(id: &'static str, label: &'static str, control: Html) -> Html {
    html! {
        <div class="field">
            <label for={id}>{label}</label>
            {control}
        </div>
    }
}

/// One `<option>` whose text is its value.
#[inline(never)]
pub fn option(value: AttrValue, selected: bool) -> Html {
    html! { <option value={value.clone()} {selected}>{value}</option> }
}

/// The options of a fixed list, the one equal to `current` selected.
#[inline(never)]
pub fn options(values: &[&'static str], current: &str) -> Html {
    values
        .iter()
        .map(|v| option(AttrValue::Static(v), *v == current))
        .collect()
}

/// A text input's value, from its `input` event.
#[inline(never)]
pub fn input_value(e: &InputEvent) -> Option<String> {
    e.target_dyn_into::<HtmlInputElement>().map(|i| i.value())
}

/// A select's value, from its `change` event.
#[inline(never)]
pub fn select_value(e: &Event) -> Option<String> {
    e.target_dyn_into::<HtmlSelectElement>().map(|s| s.value())
}

/// An `oninput` that keeps a text state in step with its input.
#[inline(never)]
pub fn set_on_input(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| {
        if let Some(v) = input_value(&e) {
            state.set(v);
        }
    })
}

/// An `onchange` that keeps a text state in step with its select.
#[inline(never)]
pub fn set_on_change(state: &UseStateHandle<String>) -> Callback<Event> {
    let state = state.clone();
    Callback::from(move |e: Event| {
        if let Some(v) = select_value(&e) {
            state.set(v);
        }
    })
}

/// A panel: `<section class=class aria-labelledby=heading_id>` headed by
/// its `<h2 id=heading_id>`.
#[inline(never)]
pub fn panel(
    class: &'static str,
    heading_id: &'static str,
    title: &'static str,
    body: Html,
) -> Html {
    html! {
        <section {class} aria-labelledby={heading_id}>
            <h2 id={heading_id}>{title}</h2>
            {body}
        </section>
    }
}

/// An `onclick` that emits `value`: one closure type per value type for
/// every such button on the page.
#[inline(never)]
pub fn emit_on_click<T: Clone + 'static>(cb: &Callback<T>, value: T) -> Callback<MouseEvent> {
    let cb = cb.clone();
    Callback::from(move |_: MouseEvent| cb.emit(value.clone()))
}

/// `sim WORDS...`, built as a value: what a button or form runs. Its words
/// come from literals, numbers, text inputs (which strip line breaks) or
/// names a script line gave (one line each), so none holds a line break
/// and building cannot fail; were it to, the click would run
/// `sim advance 0`, which changes nothing.
#[inline(never)]
pub fn sim(words: &[&str]) -> Entry {
    let mut b = LineBuilder::new("sim");
    for w in words {
        b = b.arg(*w);
    }
    b.build().unwrap_or_else(|_| Entry::advance(0))
}
