//! Flume agents running in the scenario: source → interceptors → channel
//! (fill level) → sink, with Flume's own counters moving, and the JSON of
//! Flume's HTTP monitoring one click away.

use crate::components::ui::panel;
use crate::i18n::{t, tf};
use crate::state::SessionHandle;
use streamlab_core::flume::AgentSnapshot;
use streamlab_core::FlumeSample;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FlumePanelProps {
    pub session: SessionHandle,
}

fn counter(label: &'static str, value: u64) -> Html {
    html! { <div class="flume-counter"><span class="k">{label}</span><span class="v">{value}</span></div> }
}

/// The arrow between a flow's stages.
#[inline(never)]
fn arrow() -> Html {
    html! { <div class="flume-arrow" aria-hidden="true">{"→"}</div> }
}

/// One stage of the flow: a titled box of counters.
#[inline(never)]
fn flume_box(class: &'static str, title: String, body: Html) -> Html {
    html! {
        <div {class}>
            <div class="flume-title">{title}</div>
            {body}
        </div>
    }
}

fn agent_view(a: &AgentSnapshot, interceptors: &[String]) -> Html {
    // Pushed in a loop, not `for` over iterator adaptors: each adaptor
    // chain is its own code in the bundle.
    let mut flow = Vec::new();
    for s in &a.sources {
        flow.push(flume_box(
            "flume-box source",
            format!("source {} · {}", s.name, s.type_name),
            html! { <>
                { counter("EventAcceptedCount", s.counters.event_accepted_count) }
                { counter("AppendBatchAcceptedCount", s.counters.append_batch_accepted_count) }
                <div class="flume-note">{ if s.exhausted { t("exhausted") } else { t("running") } }</div>
            </> },
        ));
    }
    flow.push(arrow());
    let mut notes = Vec::new();
    for i in interceptors {
        notes.push(html! { <div class="flume-note mono">{i.clone()}</div> });
    }
    if notes.is_empty() {
        notes.push(html! { <div class="flume-note">{t("none")}</div> });
    }
    flow.push(flume_box(
        "flume-box interceptors",
        t("interceptors").into(),
        html! { { for notes } },
    ));
    flow.push(arrow());
    for c in &a.channels {
        let pct = c.fill_percentage.clamp(0.0, 100.0) as u32;
        flow.push(flume_box(
            "flume-box channel",
            format!("channel {}", c.name),
            html! { <>
                <div class="fill" role="meter" aria-label={tf("channel {name} fill", &[&c.name])}
                    aria-valuemin="0" aria-valuemax="100" aria-valuenow={pct.to_string()}>
                    <div class="fill-bar" style={format!("width:{pct}%")}></div>
                </div>
                { counter("ChannelSize", c.counters.channel_size) }
                { counter("ChannelCapacity", c.counters.channel_capacity) }
                { counter("EventPutSuccessCount", c.counters.event_put_success_count) }
                { counter("EventTakeSuccessCount", c.counters.event_take_success_count) }
            </> },
        ));
    }
    flow.push(arrow());
    for k in &a.sinks {
        let kind = k.type_name.rsplit('.').next().unwrap_or(&k.type_name);
        flow.push(flume_box(
            "flume-box sink",
            format!("sink {} · {kind}", k.name),
            html! { <>
                { counter("EventDrainSuccessCount", k.counters.event_drain_success_count) }
                { counter("BatchCompleteCount", k.counters.batch_complete_count) }
                { counter("BatchEmptyCount", k.counters.batch_empty_count) }
                { counter("BatchUnderflowCount", k.counters.batch_underflow_count) }
                { counter("RollbackCount", k.counters.rollback_count) }
            </> },
        ));
    }
    html! {
        <div class="flume-agent" aria-label={tf("Flume agent {name}", &[&a.agent])}>
            <h3>{format!("agent {}", a.agent)}</h3>
            <div class="flume-flow">{ for flow }</div>
        </div>
    }
}

/// A step line of one counter over time, as Grafana would draw it from
/// the JMX series.
fn sparkline(title: &'static str, samples: &[FlumeSample], value: fn(&FlumeSample) -> u64) -> Html {
    const W: u64 = 240;
    const H: u64 = 48;
    let (Some(first), Some(last)) = (samples.first(), samples.last()) else {
        return html! {};
    };
    let t0 = first.time.as_millis();
    let span = last.time.as_millis().saturating_sub(t0).max(1);
    let max = samples.iter().map(value).max().unwrap_or(0).max(1);
    let mut d = String::new();
    let mut prev_y = None;
    for s in samples {
        let x = (s.time.as_millis() - t0) * W / span;
        let y = H - value(s) * H / max;
        match prev_y {
            None => d.push_str(&format!("M{x} {y}")),
            Some(py) => d.push_str(&format!(" L{x} {py} L{x} {y}")),
        }
        prev_y = Some(y);
    }
    html! {
        <figure class="flume-chart">
            <figcaption>{format!("{title} · {}", tf("max {max}", &[&max]))}</figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label={title} preserveAspectRatio="none">
                <path class="line" d={d} fill="none" />
            </svg>
        </figure>
    }
}

#[function_component(FlumePanel)]
pub fn flume_panel(props: &FlumePanelProps) -> Html {
    let json_open = use_state(|| false);
    let show_json = *json_open;
    let session = props.session.borrow();
    let agents = session.sim().flume_agents();
    if agents.is_empty() {
        return html! {};
    }
    let toggle = {
        let json_open = json_open.clone();
        Callback::from(move |_| json_open.set(!*json_open))
    };
    let mut views = Vec::new();
    let mut json = Vec::new();
    for a in agents.values() {
        let mut interceptors: Vec<String> = Vec::new();
        for s in &a.config().sources {
            for i in &s.interceptors {
                interceptors.push(i.type_name.clone());
            }
        }
        let history = session.sim().flume_history(a.name());
        views.push(agent_view(&a.snapshot(), &interceptors));
        views.push(html! {
            <div class="flume-charts">
                { sparkline("ChannelSize", history, |s| s.channel_size) }
                { sparkline("EventPutSuccessCount", history, |s| s.put_success) }
                { sparkline("EventDrainSuccessCount", history, |s| s.drain_success) }
            </div>
        });
        if show_json {
            json.push(Html::from(a.metrics_json()));
        }
    }
    panel(
        "panel flume",
        "flume-h",
        "Flume",
        html! { <>
            { for views }
            <button class="small" onclick={toggle} aria-expanded={(show_json).to_string()}>
                { if show_json { t("Hide monitoring JSON") } else { t("Monitoring JSON (Flume's HTTP /metrics)") } }
            </button>
            { if show_json { html! {
                <pre class="flume-json">{ for json }</pre>
            } } else { html!{} } }
        </> },
    )
}
