//! Play, pause, step and speed for simulated time, and a scrubber that
//! travels back by replaying the script up to the chosen moment.

use crate::components::ui::{emit_on_click, panel};
use crate::i18n::{t, tf};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// What the timeline draws. A plain function, not a component: its clock
/// changes whenever the page renders while time runs, so skipping renders
/// would rarely pay, and a component costs its own code in the bundle.
pub struct TimelineProps {
    pub now_ms: u64,
    pub end_ms: u64,
    /// Scrubbed back (the script has a future).
    pub in_past: bool,
    pub playing: bool,
    pub speed: u64,
    pub on_play: Callback<bool>,
    /// Advance by this many milliseconds once.
    pub on_step: Callback<u64>,
    pub on_speed: Callback<u64>,
    pub on_seek: Callback<u64>,
}

fn fmt_ms(ms: u64) -> String {
    if ms >= 10_000 {
        tf("{s} s", &[&format!("{}.{}", ms / 1000, ms % 1000 / 100)])
    } else {
        tf("{ms} ms", &[&ms])
    }
}

pub fn timeline(props: &TimelineProps) -> Html {
    let toggle = emit_on_click(&props.on_play, !props.playing);
    let step = |ms: u64| emit_on_click(&props.on_step, ms);
    let on_seek = {
        let on_seek = props.on_seek.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(v) = e
                .target_dyn_into::<HtmlInputElement>()
                .and_then(|i| i.value().parse::<u64>().ok())
            {
                on_seek.emit(v);
            }
        })
    };
    let to_end = emit_on_click(&props.on_seek, u64::MAX);
    let max = props.end_ms.max(props.now_ms).max(1);
    panel(
        "panel timeline",
        "timeline-h",
        t("Timeline"),
        html! { <>
            <div class="timeline-row">
                <button id="play" class="primary" aria-pressed={props.playing.to_string()} onclick={toggle}
                    aria-label={if props.playing { t("pause") } else { t("play") }}>
                    { if props.playing { t("❚❚ Pause") } else { t("▶ Play") } }
                </button>
                <button id="step" onclick={step(100)} title="sim advance 100">{t("+100 ms")}</button>
                <button id="step-1s" onclick={step(1_000)} title="sim advance 1000">{t("+1 s")}</button>
                <div class="speed" role="group" aria-label={t("speed")}>
                    { for [1u64, 10, 100].iter().map(|&x| html! {
                        <button class={if props.speed == x { "speed-btn on" } else { "speed-btn" }}
                            aria-pressed={(props.speed == x).to_string()}
                            onclick={emit_on_click(&props.on_speed, x)}>{format!("{x}×")}</button>
                    }) }
                </div>
                <span class="clock" id="clock" aria-live="off">{format!("t = {}", fmt_ms(props.now_ms))}</span>
            </div>
            <div class="scrubber">
                <label for="scrubber" class="sr-only">{t("simulated time")}</label>
                <input id="scrubber" type="range" min="0" max={max.to_string()} step="1"
                    value={props.now_ms.to_string()} oninput={on_seek}
                    aria-valuetext={tf("{now} of {end}", &[&fmt_ms(props.now_ms), &fmt_ms(props.end_ms)])} />
                <span class="end">{fmt_ms(props.end_ms)}</span>
            </div>
            { if props.in_past { html! {
                <p class="past" role="status">
                    {t("Viewing the past (replayed from the script). A new command here drops what came after.")}{" "}
                    <button id="to-end" onclick={to_end}>{t("Back to the end")}</button>
                </p>
            } } else { html!{} } }
        </> },
    )
}
