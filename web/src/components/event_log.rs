//! The event trace, filterable by kind, with the invariant checker's
//! findings on top (each with its explanation) and flagged in the list.

use crate::state::SessionHandle;
use streamlab_core::vec_map::VecSet;

use std::rc::Rc;
use streamlab_core::checker::{Checker, Finding};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Only the newest events are drawn; the rest are a count.
const SHOWN: usize = 200;

/// What the log has folded from the trace so far.
#[derive(Default)]
struct Fold {
    epoch: u64,
    seen: usize,
    checker: Checker,
    kinds: VecSet<&'static str>,
    findings: Option<Rc<Vec<Finding>>>,
}

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    pub session: SessionHandle,
}

#[function_component(EventLog)]
pub fn event_log(props: &EventLogProps) -> Html {
    let filter = use_state(|| "all".to_string());
    // The checker (and the set of kinds seen) fold the trace incrementally:
    // only new events are fed; they start over when a replay rebuilt the session.
    let fold = use_mut_ref(Fold::default);
    let session = props.session.borrow();
    let events = session.events();
    let findings: Rc<Vec<Finding>> = {
        let mut f = fold.borrow_mut();
        if f.epoch != props.session.epoch || f.seen > events.len() {
            *f = Fold {
                epoch: props.session.epoch,
                ..Fold::default()
            };
        }
        if f.seen < events.len() || f.findings.is_none() {
            for (i, e) in events.iter().enumerate().skip(f.seen) {
                f.checker.observe(i, e);
                f.kinds.insert(e.kind.name());
            }
            f.seen = events.len();
            f.checker.finish();
            f.findings = Some(Rc::new(f.checker.findings().to_vec()));
        }
        f.findings.clone().unwrap_or_default()
    };
    let kinds = fold.borrow().kinds.clone();
    let flagged: VecSet<usize> =
        VecSet::from_iter(findings.iter().flat_map(|f| f.events.iter().copied()));
    let onchange = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                filter.set(s.value());
            }
        })
    };
    // Newest first, scanning back only as far as the page shows.
    let shown: Vec<usize> = (0..events.len())
        .rev()
        .filter(|&i| *filter == "all" || events[i].kind.name() == filter.as_str())
        .take(SHOWN)
        .collect();
    let older = shown.last().map_or(0, |&first| {
        events[..first]
            .iter()
            .filter(|e| *filter == "all" || e.kind.name() == filter.as_str())
            .count()
    });
    html! {
        <section class="panel events" aria-labelledby="events-h">
            <h2 id="events-h">{"Events"}</h2>
            { if findings.is_empty() {
                html!{ <p class="checker ok" id="checker-status">{"✓ The invariant checker found nothing wrong."}</p> }
            } else { html! {
                <div class="findings" role="alert" id="checker-status">
                    { for findings.iter().map(|f| html! {
                        <details class="finding">
                            <summary>
                                <span class="badge osr">{f.kind.name()}</span>
                                {format!(" {}-{} at {} ms: {}", f.topic, f.partition, f.time.as_millis(), f.detail)}
                            </summary>
                            <p>{f.kind.explain()}</p>
                        </details>
                    }) }
                </div>
            } } }
            <div class="inline">
                <label for="event-filter">{"Show"}</label>
                <select id="event-filter" {onchange}>
                    <option value="all" selected={*filter == "all"}>{format!("every kind ({})", events.len())}</option>
                    { for kinds.iter().map(|k| html! {
                        <option value={*k} selected={filter.as_str() == *k}>{*k}</option>
                    }) }
                </select>
            </div>
            <ol class="event-list" aria-label="events, newest first">
                { for shown.iter().map(|&i| {
                    let e = &events[i];
                    let flag = flagged.contains(&i);
                    html! {
                        <li key={i} class={classes!("ev", e.kind.name(), flag.then_some("flagged"))}
                            title={flag.then_some("the checker names this event in a finding")}>
                            { if flag { "⚠ " } else { "" } }{e.to_string()}
                        </li>
                    }
                }) }
                { if older > 0 { html!{ <li class="more">{format!("… {older} older events")}</li> } } else { html!{} } }
            </ol>
        </section>
    }
}
