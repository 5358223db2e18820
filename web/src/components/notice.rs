//! A message above the panels: a preset's explanation or why a share link
//! could not be opened. Always text, never markup from the link.

use crate::components::ui::emit_on_click;
use crate::i18n::t;
use crate::state::Notice;
use yew::prelude::*;

/// What the bar shows. A plain function, not a component (it is tiny and
/// rarely on screen; a component costs its own code in the bundle).
pub struct NoticeBarProps {
    pub notice: Notice,
    pub on_dismiss: Callback<()>,
}

pub fn notice_bar(props: &NoticeBarProps) -> Html {
    let n = &props.notice;
    html! {
        <div class={if n.is_error { "notice error" } else { "notice" }} id="notice"
            role={if n.is_error { "alert" } else { "status" }}>
            <div>
                // Looked up where shown, so a preset's explanation follows a
                // language switch (a text that is no key shows as it is).
                <strong class="notice-title">{t(&n.title)}</strong>
                { if n.body.is_empty() { html!{} } else { html!{ <p class="notice-body">{t(&n.body)}</p> } } }
            </div>
            <button class="dismiss" aria-label={t("dismiss")} onclick={emit_on_click(&props.on_dismiss, ())}>{"×"}</button>
        </div>
    }
}
