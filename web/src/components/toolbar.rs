//! The top bar: name, presets menu, Share, Export and the theme toggle.

use crate::components::ui::emit_on_click;
use crate::presets::{PresetEntry, PresetStatus};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub presets: &'static [PresetEntry],
    /// The menu waits (disabled) while a chosen script is fetched.
    pub preset_status: PresetStatus,
    pub on_preset: Callback<usize>,
    pub on_share: Callback<()>,
    pub on_export: Callback<()>,
    /// After Share: the link and whether it reached the clipboard.
    pub shared: Option<(String, bool)>,
}

/// The three theme choices, in toggle order.
const THEMES: [&str; 3] = ["auto", "light", "dark"];

fn apply_theme(theme: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = if theme == "auto" {
            root.remove_attribute("data-theme")
        } else {
            root.set_attribute("data-theme", theme)
        };
    }
}

#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    // u32, not usize: the same state type as other panels' counters, so
    // the bundle carries one copy of its hook code.
    let theme = use_state(|| 0u32);
    let on_theme = {
        let theme = theme.clone();
        Callback::from(move |_| {
            let next = (*theme + 1) % THEMES.len() as u32;
            apply_theme(THEMES[next as usize]);
            theme.set(next);
        })
    };
    let on_preset = {
        let cb = props.on_preset.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                if let Ok(i) = s.value().parse::<usize>() {
                    cb.emit(i);
                }
                // Back to the prompt, so the same preset can be chosen again.
                s.set_value("");
            }
        })
    };
    let busy = matches!(props.preset_status, PresetStatus::Fetching(_));
    let loaded = match props.preset_status {
        PresetStatus::Loaded(file) => Some(file),
        _ => None,
    };
    let share = emit_on_click(&props.on_share, ());
    let export = emit_on_click(&props.on_export, ());
    html! {
        <header class="topbar">
            <div class="brand">
                <svg class="logo" viewBox="0 0 24 24" aria-hidden="true"><circle cx="6" cy="12" r="3"/><circle cx="18" cy="6" r="3"/><circle cx="18" cy="18" r="3"/><path d="M8.6 10.7 15.4 7.3M8.6 13.3l6.8 3.4"/></svg>
                <h1>{"streamlab"}</h1>
                <p class="tagline">{"Watch Apache Kafka work"}</p>
            </div>
            <nav class="tools" aria-label="scenario">
                <label for="presets" class="sr-only">{"Load a preset scenario"}</label>
                // `data-loaded`: the last preset opened (what a test waits for).
                <select id="presets" onchange={on_preset} disabled={busy} aria-busy={busy.to_string()} data-loaded={loaded}>
                    <option value="" selected=true>{"Presets…"}</option>
                    { for props.presets.iter().enumerate().map(|(i, p)| html! {
                        <option value={i.to_string()} data-file={p.file}>{&p.title}</option>
                    }) }
                </select>
                <button id="share" onclick={share} title="copy a link that replays this scenario">{"Share"}</button>
                <button id="export" onclick={export} title="download a bash script of real Kafka commands">{"Export"}</button>
                <button id="theme" onclick={on_theme} aria-label={format!("theme: {}", THEMES[*theme as usize])}>
                    {format!("Theme: {}", THEMES[*theme as usize])}
                </button>
            </nav>
            { if let Some((url, copied)) = &props.shared { html! {
                <div class="share-box" role="status">
                    <label for="share-url">{ if *copied { "Link copied to the clipboard:" } else { "Copy this link:" } }</label>
                    <input id="share-url" type="text" readonly=true value={url.clone()} />
                </div>
            } } else { html!{} } }
        </header>
    }
}
