//! The event trace, filterable by kind, with the invariant checker's
//! findings on top (each with its explanation) and flagged in the list.

use crate::state::SessionHandle;
use std::collections::BTreeSet;
use std::rc::Rc;
use streamlab_core::checker::{Checker, Finding};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Only the newest events are drawn; the rest are a count.
const SHOWN: usize = 200;

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    pub session: SessionHandle,
}

#[function_component(EventLog)]
pub fn event_log(props: &EventLogProps) -> Html {
    let filter = use_state(|| "all".to_string());
    // The checker folds the trace incrementally: only new events are fed,
    // and it starts over when a replay rebuilt the session.
    let checker = use_mut_ref(|| (Checker::new(), 0usize, 0u64));
    let findings: Rc<Vec<Finding>> = {
        let session = props.session.clone();
        (*use_memo(props.session.version, move |_| {
            let s = session.borrow();
            let events = s.events();
            let mut c = checker.borrow_mut();
            if c.2 != session.epoch || c.1 > events.len() {
                *c = (Checker::new(), 0, session.epoch);
            }
            for (i, e) in events.iter().enumerate().skip(c.1) {
                c.0.observe(i, e);
            }
            c.1 = events.len();
            c.0.finish();
            Rc::new(c.0.findings().to_vec())
        }))
        .clone()
    };
    let session = props.session.borrow();
    let events = session.events();
    let kinds: BTreeSet<&'static str> = events.iter().map(|e| e.kind.name()).collect();
    let flagged: BTreeSet<usize> = findings
        .iter()
        .flat_map(|f| f.events.iter().copied())
        .collect();
    let onchange = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                filter.set(s.value());
            }
        })
    };
    let matching: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| *filter == "all" || e.kind.name() == filter.as_str())
        .map(|(i, _)| i)
        .collect();
    let skipped = matching.len().saturating_sub(SHOWN);
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
                { for matching.iter().rev().take(SHOWN).map(|&i| {
                    let e = &events[i];
                    let flag = flagged.contains(&i);
                    html! {
                        <li class={classes!("ev", e.kind.name(), flag.then_some("flagged"))}
                            title={flag.then_some("the checker names this event in a finding")}>
                            { if flag { "⚠ " } else { "" } }{e.to_string()}
                        </li>
                    }
                }) }
                { if skipped > 0 { html!{ <li class="more">{format!("… {skipped} older events")}</li> } } else { html!{} } }
            </ol>
        </section>
    }
}
