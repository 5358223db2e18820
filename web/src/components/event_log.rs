//! The event trace, filterable by kind, with the invariant checker's
//! findings on top (each with its explanation) and flagged in the list.

use crate::components::ui::{option, panel, set_on_change};
use crate::derive::{Fold, Observe};
use crate::i18n::{en, t, tf};
use crate::state::SessionHandle;
use std::rc::Rc;
use streamlab_core::checker::{Checker, Finding, FindingKind};
use streamlab_core::event::Event;
use streamlab_core::vec_map::VecSet;
use yew::prelude::*;

/// Only the newest events are drawn; the rest are a count.
const SHOWN: usize = 200;
/// Events per chunk (a component; see `EventChunk`).
const CHUNK: usize = 32;

/// What the log has folded from the trace so far: the checker's findings
/// and the kinds of event seen (the filter's options).
#[derive(Default)]
struct Checked {
    checker: Checker,
    kinds: VecSet<&'static str>,
    findings: Rc<Vec<Finding>>,
}

impl Observe for Checked {
    fn observe(&mut self, i: usize, e: &Event) {
        self.checker.observe(i, e);
        self.kinds.insert(e.kind.name());
    }

    fn caught_up(&mut self) {
        self.checker.finish();
        self.findings = Rc::new(self.checker.findings().to_vec());
    }
}

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    pub session: SessionHandle,
}

/// What a finding's kind means, in a few words (its badge shows the
/// checker's own name for it, as `sim check --json` prints it).
pub fn kind_title(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::AckedRecordLost => en("an acknowledged record was lost"),
        FindingKind::ReadAboveHw => en("a consumer read above the high watermark"),
        FindingKind::CommitAboveHw => en("an offset was committed above the high watermark"),
        FindingKind::LeaderNotInIsr => en("the leader is not in the ISR"),
        FindingKind::DuplicateRecord => en("a record was written twice"),
        FindingKind::OffsetGap => en("a log has a gap in its offsets"),
        FindingKind::HwRegressed => en("the high watermark went backwards"),
        FindingKind::ReplicaDivergence => en("replicas hold different records"),
    }
}

/// One finding: the checker's name for it, what it means and where, the
/// explanation by kind in the page's language, and the checker's record
/// of it with its values (a technical line, like a broker's log: English).
fn finding_view(f: &Finding) -> Html {
    html! {
        <details class="finding" data-kind={f.kind.name()}>
            <summary>
                <span class="badge osr">{f.kind.name()}</span>{" "}
                {tf("{tp} at {ms} ms: {what}", &[&format!("{}-{}", f.topic, f.partition), &f.time.as_millis(), &t(kind_title(f.kind))])}
            </summary>
            <p>{t(f.kind.explain())}</p>
            <p class="finding-detail" lang="en">{&f.detail}</p>
        </details>
    }
}

#[function_component(EventLog)]
pub fn event_log(props: &EventLogProps) -> Html {
    let filter = use_state(|| "all".to_string());
    // The checker (and the set of kinds seen) fold the trace incrementally:
    // only new events are fed; they start over when a replay rebuilt the session.
    let fold = use_mut_ref(Fold::<Checked>::default);
    let session = props.session.borrow();
    let events = session.events();
    let (findings, kinds) = {
        let mut f = fold.borrow_mut();
        let c = f.update(props.session.epoch, events);
        (Rc::clone(&c.findings), c.kinds.clone())
    };
    let mut flagged = VecSet::default();
    for f in findings.iter() {
        for &i in &f.events {
            flagged.insert(i);
        }
    }
    let onchange = set_on_change(&filter);
    // Newest first, scanning back only as far as the page shows, then to
    // the start of that chunk (chunks are drawn whole, see `EventChunk`).
    // Plain loops, not iterator chains: each chain is its own code in the bundle.
    let all = *filter == "all";
    let matches = |i: usize| all || events[i].kind.name() == filter.as_str();
    let mut shown: Vec<usize> = Vec::new();
    let mut i = events.len();
    while i > 0 && shown.len() < SHOWN {
        i -= 1;
        if matches(i) {
            shown.push(i);
        }
    }
    let mut older = 0;
    if let Some(&last) = shown.last() {
        let chunk_start = last - last % CHUNK;
        for i in (chunk_start..last).rev() {
            if matches(i) {
                shown.push(i);
            }
        }
        if let Some(&first) = shown.last() {
            for i in 0..first {
                if matches(i) {
                    older += 1;
                }
            }
        }
    }
    let mut chunks: Vec<(usize, Vec<usize>)> = Vec::new();
    for &i in &shown {
        match chunks.last_mut() {
            Some((c, v)) if *c == i / CHUNK => v.push(i),
            _ => chunks.push((i / CHUNK, vec![i])),
        }
    }
    panel(
        "panel events",
        "events-h",
        t("Events"),
        html! { <>
            { if findings.is_empty() {
                html!{ <p class="checker ok" id="checker-status">{t("✓ The invariant checker found nothing wrong.")}</p> }
            } else { html! {
                <div class="findings" role="alert" id="checker-status">
                    { for findings.iter().map(finding_view) }
                </div>
            } } }
            <div class="inline">
                <label for="event-filter">{t("Show")}</label>
                <select id="event-filter" {onchange}>
                    <option value="all" selected={*filter == "all"}>{tf("every kind ({n})", &[&events.len()])}</option>
                    { for kinds.iter().map(|&k| option(AttrValue::Static(k), filter.as_str() == k)) }
                </select>
            </div>
            <ol class="event-list" aria-label={t("events, newest first")}>
                // Its own fragment, so the keyed items are diffed by key (not
                // by position next to the unkeyed "older" line).
                <>{ for chunks.into_iter().map(|(c, indexes)| {
                    let mut mine = Vec::new();
                    for &i in &indexes {
                        if flagged.contains(&i) {
                            mine.push(i);
                        }
                    }
                    html! { <EventChunk key={c} session={props.session.clone()} {indexes} flagged={mine} /> }
                }) }</>
                { if older > 0 { html!{ <li class="more">{tf("… {n} older events", &[&older])}</li> } } else { html!{} } }
            </ol>
        </> },
    )
}

#[derive(Properties, Clone)]
struct EventChunkProps {
    session: SessionHandle,
    /// The events drawn, newest first, all in one chunk of `CHUNK`.
    indexes: Vec<usize>,
    /// Those of them the checker names.
    flagged: Vec<usize>,
}

impl PartialEq for EventChunkProps {
    /// An event never changes once in the trace (a replay starts a new
    /// epoch): only the newest chunk renders again as events arrive.
    fn eq(&self, o: &Self) -> bool {
        self.indexes == o.indexes
            && self.flagged == o.flagged
            && self.session.epoch == o.session.epoch
    }
}

/// A run of events, drawn as one component: a page of events is a dozen
/// components to compare each frame, not hundreds.
#[function_component(EventChunk)]
fn event_chunk(props: &EventChunkProps) -> Html {
    let session = props.session.borrow();
    let events = session.events();
    let mut items = Vec::with_capacity(props.indexes.len());
    for &i in &props.indexes {
        let Some(e) = events.get(i) else { continue };
        let flag = props.flagged.contains(&i);
        items.push(html! {
            <li key={i} class={format!("ev {}{}", e.kind.name(), if flag { " flagged" } else { "" })}
                title={flag.then(|| t("the checker names this event in a finding"))}>
                { if flag { "⚠ " } else { "" } }{e.to_string()}
            </li>
        });
    }
    html! { <>{ for items }</> }
}
