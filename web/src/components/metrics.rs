//! Small hand-drawn SVG charts derived from the event trace: ISR size, high
//! watermark and LEO per partition, and throughput over time.

use crate::derive::{metrics, Metrics, Series};
use crate::state::SessionHandle;
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;

/// Lines drawn per chart; the rest are named in a note.
const MAX_LINES: usize = 6;
const W: f64 = 320.0;
const H: f64 = 110.0;

#[derive(Properties, PartialEq)]
pub struct MetricsProps {
    pub session: SessionHandle,
}

#[function_component(MetricsPanel)]
pub fn metrics_panel(props: &MetricsProps) -> Html {
    let m: Rc<Metrics> = {
        let session = props.session.clone();
        (*use_memo(props.session.version, move |_| {
            let s = session.borrow();
            Rc::new(metrics(s.events(), s.sim().now().as_millis()))
        }))
        .clone()
    };
    let end = m.end_ms.max(1);
    html! {
        <section class="panel metrics" aria-labelledby="metrics-h">
            <h2 id="metrics-h">{"Metrics"}</h2>
            <div class="charts">
                { step_chart("ISR size", "isr-chart", &m.isr, None, end) }
                { step_chart("High watermark (solid) and LEO (dashed)", "hw-chart", &m.hw, Some(&m.leo), end) }
                { bars("Records appended per bucket", &m) }
            </div>
        </section>
    }
}

fn x(t: u64, end: u64) -> f64 {
    t as f64 / end as f64 * W
}

fn path(series: &Series, end: u64, max: f64) -> String {
    let y = |v: i64| H - (v as f64 / max) * (H - 8.0) - 4.0;
    let mut d = String::new();
    let mut last = None;
    for &(t, v) in series {
        let px = x(t, end);
        match last {
            None => d.push_str(&format!("M{px:.1},{:.1}", y(v))),
            Some(_) => d.push_str(&format!("H{px:.1}V{:.1}", y(v))),
        }
        last = Some(v);
    }
    if last.is_some() {
        d.push_str(&format!("H{W:.1}"));
    }
    d
}

fn step_chart(
    title: &str,
    id: &str,
    solid: &BTreeMap<String, Series>,
    dashed: Option<&BTreeMap<String, Series>>,
    end: u64,
) -> Html {
    let max = solid
        .values()
        .chain(dashed.into_iter().flat_map(|d| d.values()))
        .flat_map(|s| s.iter().map(|p| p.1))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let names: Vec<&String> = solid.keys().take(MAX_LINES).collect();
    let more = solid.len().saturating_sub(MAX_LINES);
    html! {
        <figure class="chart" id={id.to_string()}>
            <figcaption>{title}<span class="axis">{format!(" · max {max} · 0–{} ms", end)}</span></figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} preserveAspectRatio="none" role="img"
                aria-label={format!("{title}: {} series over {} ms", solid.len(), end)}>
                <line class="axis-line" x1="0" y1={H.to_string()} x2={W.to_string()} y2={H.to_string()} />
                { for names.iter().enumerate().map(|(i, n)| html! {
                    <>
                        <path class={format!("line c{i}")} d={path(&solid[*n], end, max)} />
                        { if let Some(d) = dashed.and_then(|d| d.get(*n)) { html!{ <path class={format!("line dashed c{i}")} d={path(d, end, max)} /> } } else { html!{} } }
                    </>
                }) }
            </svg>
            <div class="chart-legend">
                { for names.iter().enumerate().map(|(i, n)| html! { <span class={format!("key c{i}")}>{n.as_str()}</span> }) }
                { if more > 0 { html!{ <span class="more">{format!("+{more} more")}</span> } } else { html!{} } }
            </div>
        </figure>
    }
}

fn bars(title: &str, m: &Metrics) -> Html {
    let max = m.throughput.iter().copied().max().unwrap_or(0).max(1) as f64;
    let n = m.throughput.len().max(1) as f64;
    let w = W / n;
    let total: u64 = m.throughput.iter().sum();
    html! {
        <figure class="chart" id="throughput-chart">
            <figcaption>{title}<span class="axis">{format!(" · {} ms each · {} total", m.bucket_ms, total)}</span></figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} preserveAspectRatio="none" role="img"
                aria-label={format!("{title}: {total} records in {} buckets", m.throughput.len())}>
                <line class="axis-line" x1="0" y1={H.to_string()} x2={W.to_string()} y2={H.to_string()} />
                { for m.throughput.iter().enumerate().filter(|(_, v)| **v > 0).map(|(i, &v)| {
                    let h = v as f64 / max * (H - 6.0);
                    html! { <rect class="bar" x={format!("{:.1}", i as f64 * w + 0.5)} y={format!("{:.1}", H - h)}
                        width={format!("{:.1}", (w - 1.0).max(0.5))} height={format!("{h:.1}")}><title>{format!("{v} records")}</title></rect> }
                }) }
            </svg>
        </figure>
    }
}
