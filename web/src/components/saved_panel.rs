//! Scenarios saved in this browser (local storage: name, list, open,
//! delete), and the script as a file: download it, or import one.

use crate::components::ui::{emit_on_click, panel};
use crate::i18n::{t, tf};
use streamlab_core::vec_map::VecSet;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Every saved scenario is one local-storage entry under this prefix.
const PREFIX: &str = "streamlab.scenario.";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// Saved scenario names, sorted.
pub fn saved_names() -> Vec<String> {
    let Some(s) = storage() else {
        return Vec::new();
    };
    let n = s.length().unwrap_or(0);
    // Storage keys are distinct, so a set sorts them; it shares code the
    // page already has (a sort would be its own copy).
    let names: VecSet<String> = (0..n)
        .filter_map(|i| s.key(i).ok().flatten())
        .filter_map(|k| k.strip_prefix(PREFIX).map(String::from))
        .collect();
    names.into_iter().collect()
}

fn load(name: &str) -> Option<String> {
    storage()?
        .get_item(&format!("{PREFIX}{name}"))
        .ok()
        .flatten()
}

#[derive(Properties, PartialEq)]
pub struct SavedPanelProps {
    /// The current script, to save or download.
    pub script: AttrValue,
    /// Open a script (a saved one or an imported file).
    pub on_open: Callback<(String, String)>,
    pub on_download: Callback<()>,
}

#[function_component(SavedPanel)]
pub fn saved_panel(props: &SavedPanelProps) -> Html {
    let names = use_state(saved_names);
    let name = use_state(String::new);
    let message = use_state(|| None::<String>);
    let on_name = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                name.set(i.value());
            }
        })
    };
    let save = {
        let (name, names, message, script) = (
            name.clone(),
            names.clone(),
            message.clone(),
            props.script.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let n = name.trim().to_string();
            if n.is_empty() {
                message.set(Some(t("Give the scenario a name first.").into()));
                return;
            }
            let ok = storage()
                .map(|s| s.set_item(&format!("{PREFIX}{n}"), &script).is_ok())
                .unwrap_or(false);
            message.set(Some(if ok {
                tf("Saved “{name}” in this browser.", &[&n])
            } else {
                t("This browser does not allow local storage here.").into()
            }));
            names.set(saved_names());
        })
    };
    let import = {
        let (on_open, message) = (props.on_open.clone(), message.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            let file_name = file.name();
            let (on_open, message) = (on_open.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    Ok(text) => match text.as_string() {
                        Some(t) => on_open.emit((file_name, t)),
                        None => message.set(Some(t("That file is not text.").into())),
                    },
                    Err(_) => message.set(Some(t("The file could not be read.").into())),
                }
            });
            input.set_value("");
        })
    };
    let download = emit_on_click(&props.on_download, ());
    let mut items = Vec::new();
    for n in names.iter() {
        let open = {
            let (on_open, n) = (props.on_open.clone(), n.clone());
            Callback::from(move |_| {
                if let Some(script) = load(&n) {
                    on_open.emit((n.clone(), script));
                }
            })
        };
        let delete = {
            let (names, n) = (names.clone(), n.clone());
            Callback::from(move |_| {
                if let Some(s) = storage() {
                    let _ = s.remove_item(&format!("{PREFIX}{n}"));
                }
                names.set(saved_names());
            })
        };
        items.push(html! {
            <li>
                <span class="mono">{n.clone()}</span>
                <button class="small" onclick={open} aria-label={tf("open {name}", &[n])}>{t("Open")}</button>
                <button class="small" onclick={delete} aria-label={tf("delete {name}", &[n])}>{t("Delete")}</button>
            </li>
        });
    }
    panel(
        "panel saved",
        "saved-h",
        t("Saved scenarios"),
        html! { <>
            <form class="row" onsubmit={save}>
                <label for="save-name" class="sr-only">{t("Name")}</label>
                <input id="save-name" placeholder={t("name")} value={(*name).clone()} oninput={on_name} />
                <button type="submit">{t("Save")}</button>
            </form>
            { if let Some(m) = &*message { html!{ <p class="hint" role="status">{m.clone()}</p> } } else { html!{} } }
            <ul class="saved-list">
                { for items }
            </ul>
            <div class="row">
                <button class="small" onclick={download}>{t("Download script")}</button>
                <label class="file small">{t("Import script…")}
                    <input type="file" accept=".script,.txt,.sh,text/plain" onchange={import} />
                </label>
            </div>
        </> },
    )
}
