//! Small hand-drawn SVG charts derived from the event trace: ISR size, high
//! watermark and LEO per partition, and throughput over time.

use crate::components::ui::panel;
use crate::derive::{Fold, Metrics, PerPartition, Series};
use crate::i18n::{t, tf};
use crate::state::SessionHandle;
use yew::prelude::*;

/// Lines drawn per chart; the rest are named in a note.
const MAX_LINES: usize = 6;
// Integer geometry: no float formatting code in the bundle.
const W: i64 = 320;
const H: i64 = 110;

#[derive(Properties, PartialEq)]
pub struct MetricsProps {
    pub session: SessionHandle,
}

#[function_component(MetricsPanel)]
pub fn metrics_panel(props: &MetricsProps) -> Html {
    // Folded incrementally: only events not seen yet; from scratch after a replay.
    let fold = use_mut_ref(Fold::<Metrics>::default);
    let session = props.session.borrow();
    let mut f = fold.borrow_mut();
    let m = f.update(props.session.epoch, session.events());
    let end = session.sim().now().as_millis().max(1);
    panel(
        "panel metrics",
        "metrics-h",
        t("Metrics"),
        html! { <>
            <div class="charts">
                { step_chart(t("ISR size"), "isr-chart", &m.isr, None, end) }
                { step_chart(t("High watermark (solid) and LEO (dashed)"), "hw-chart", &m.hw, Some(&m.leo), end) }
                { bars(t("Records appended"), m, end) }
            </div>
        </> },
    )
}

/// An SVG path of a step series, at most one point per horizontal unit.
fn path(series: &Series, end: u64, max: i64) -> String {
    let y = |v: i64| H - v.clamp(0, max) * (H - 8) / max - 4;
    let x = |t: u64| {
        (i64::try_from(t.min(end)).unwrap_or(0) * W / i64::try_from(end).unwrap_or(1).max(1)).min(W)
    };
    let mut d = String::new();
    let mut last_x = -1;
    for (i, &(t, v)) in series.iter().enumerate() {
        let px = x(t);
        if i == 0 {
            d.push_str(&format!("M{px},{}", y(v)));
        } else if px > last_x || i + 1 == series.len() {
            d.push_str(&format!("H{px}V{}", y(v)));
        } else {
            continue;
        }
        last_x = px;
    }
    if !series.is_empty() {
        d.push_str(&format!("H{W}"));
    }
    d
}

fn step_chart(
    title: &str,
    id: &str,
    solid: &PerPartition,
    dashed: Option<&PerPartition>,
    end: u64,
) -> Html {
    // Plain loops, not iterator chains: each chain is its own code in the bundle.
    let mut max = 1i64;
    for map in std::iter::once(solid).chain(dashed) {
        for ps in map.values() {
            for s in ps.values() {
                for &(_, v) in s {
                    max = max.max(v);
                }
            }
        }
    }
    let mut total = 0usize;
    let mut shown: Vec<(String, &Series, Option<&Series>)> = Vec::new();
    for (t, ps) in solid.iter() {
        for (p, s) in ps.iter() {
            total += 1;
            if shown.len() < MAX_LINES {
                let d = dashed.and_then(|d| d.get(t)?.get(p));
                shown.push((format!("{t}-{p}"), s, d));
            }
        }
    }
    let more = total.saturating_sub(MAX_LINES);
    let mut lines = Vec::new();
    let mut keys = Vec::new();
    for (i, (n, s, d)) in shown.iter().enumerate() {
        lines.push(html! { <path class={format!("line c{i}")} d={path(s, end, max)} /> });
        if let Some(d) = d {
            lines
                .push(html! { <path class={format!("line dashed c{i}")} d={path(d, end, max)} /> });
        }
        keys.push(html! { <span class={format!("key c{i}")}>{n.as_str()}</span> });
    }
    html! {
        <figure class="chart" id={id.to_string()}>
            <figcaption>{title}<span class="axis">{format!(" · {}", tf("max {max} · 0–{end} ms", &[&max, &end]))}</span></figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} preserveAspectRatio="none" role="img"
                aria-label={tf("{title}: {n} series over {end} ms", &[&title, &total, &end])}>
                <line class="axis-line" x1="0" y1={H.to_string()} x2={W.to_string()} y2={H.to_string()} />
                { for lines }
            </svg>
            <div class="chart-legend">
                { for keys }
                { if more > 0 { html!{ <span class="more">{tf("+{n} more", &[&more])}</span> } } else { html!{} } }
            </div>
        </figure>
    }
}

fn bars(title: &str, m: &Metrics, end: u64) -> Html {
    let (bucket_ms, counts) = m.throughput(end);
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let n = i64::try_from(counts.len()).unwrap_or(1).max(1);
    let total: u64 = counts.iter().sum();
    let mut rects = Vec::new();
    for (i, &v) in counts.iter().enumerate() {
        if v == 0 {
            continue;
        }
        let h = i64::try_from(v * (H as u64 - 6) / max).unwrap_or(0);
        let x = i64::try_from(i).unwrap_or(0) * W / n;
        rects.push(html! { <rect class="bar" x={x.to_string()} y={(H - h).to_string()}
            width={(W / n - 1).max(1).to_string()} height={h.to_string()}><title>{tf("{n} records", &[&v])}</title></rect> });
    }
    html! {
        <figure class="chart" id="throughput-chart">
            <figcaption>{title}<span class="axis">{format!(" · {}", tf("per {s} s · {total} total", &[&(bucket_ms / 1_000), &total]))}</span></figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} preserveAspectRatio="none" role="img"
                aria-label={tf("{title}: {total} records in {n} buckets of {ms} ms", &[&title, &total, &counts.len(), &bucket_ms])}>
                <line class="axis-line" x1="0" y1={H.to_string()} x2={W.to_string()} y2={H.to_string()} />
                { for rects }
            </svg>
        </figure>
    }
}
