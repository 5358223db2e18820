//! The top bar: name, presets menu, Share, Export, the theme toggle and
//! the language switch.

use crate::components::ui::emit_on_click;
use crate::i18n::{en, t, Lang};
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
    /// The language switch: the language to show, and that it is the
    /// learner's choice (kept).
    pub on_lang: Callback<(Lang, bool)>,
    /// After Share: the link and whether it reached the clipboard.
    pub shared: Option<(String, bool)>,
}

/// The three theme choices, in toggle order.
const THEMES: [&str; 3] = ["auto", "light", "dark"];
/// Their names as shown.
const THEME_NAMES: [&str; 3] = [en("Theme: auto"), en("Theme: light"), en("Theme: dark")];

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

/// The menu's options in their groups (`tests/scenarios/menu.txt`), each
/// option's value its index in the index.
fn groups(presets: &[PresetEntry]) -> Vec<Html> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < presets.len() {
        let group = presets[i].group;
        let mut options = Vec::new();
        while i < presets.len() && presets[i].group == group {
            let p = presets[i];
            options.push(
                html! { <option value={i.to_string()} data-file={p.file}>{t(p.title)}</option> },
            );
            i += 1;
        }
        out.push(html! { <optgroup label={t(group)}>{ for options }</optgroup> });
    }
    out
}

/// The theme the page shows now (its index in `THEMES`).
fn current_theme() -> u32 {
    let set = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|root| root.get_attribute("data-theme"));
    match set.as_deref() {
        Some("light") => 1,
        Some("dark") => 2,
        _ => 0,
    }
}

#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let lang = crate::i18n::lang();
    // u32, not usize: the same state type as other panels' counters, so
    // the bundle carries one copy of its hook code.
    // From the page, not 0: the toolbar is built afresh on a language switch.
    let theme = use_state(current_theme);
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
    // The switch names the other language in that language, as language
    // switches do (a learner who cannot read the page can still find it).
    let (other, other_name, switch_title) = match lang {
        Lang::En => (Lang::Zh, "中文", "切换到中文"),
        Lang::Zh => (Lang::En, "English", "Switch to English"),
    };
    let switch = emit_on_click(&props.on_lang, (other, true));
    html! {
        <header class="topbar">
            <div class="brand">
                <svg class="logo" viewBox="0 0 24 24" aria-hidden="true"><circle cx="6" cy="12" r="3"/><circle cx="18" cy="6" r="3"/><circle cx="18" cy="18" r="3"/><path d="M8.6 10.7 15.4 7.3M8.6 13.3l6.8 3.4"/></svg>
                <h1>{"streamlab"}</h1>
                <p class="tagline">{t("Watch Apache Kafka work")}</p>
            </div>
            <nav class="tools" aria-label={t("scenario")}>
                <label for="presets" class="sr-only">{t("Load a preset scenario")}</label>
                // `data-loaded`: the last preset opened (what a test waits for).
                <select id="presets" onchange={on_preset} disabled={busy} aria-busy={busy.to_string()} data-loaded={loaded}>
                    <option value="" selected=true>{t("Presets…")}</option>
                    { for groups(props.presets) }
                </select>
                <button id="share" onclick={share} title={t("copy a link that replays this scenario")}>{t("Share")}</button>
                <button id="export" onclick={export} title={t("download a bash script of real Kafka commands")}>{t("Export")}</button>
                <button id="theme" onclick={on_theme}>{t(THEME_NAMES[*theme as usize])}</button>
                <button id="language" data-control="toolbar.language" onclick={switch} lang={other.html_lang()} title={switch_title}>{other_name}</button>
            </nav>
            { if let Some((url, copied)) = &props.shared { html! {
                <div class="share-box" role="status">
                    <label for="share-url">{ if *copied { t("Link copied to the clipboard:") } else { t("Copy this link:") } }</label>
                    <input id="share-url" type="text" readonly=true value={url.clone()} />
                </div>
            } } else { html!{} } }
        </header>
    }
}
