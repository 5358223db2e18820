//! The producer: topic, key, value, partition, count, acks, idempotence,
//! retries and min.insync.replicas; the delivery semantics they give, the
//! murmur2 arithmetic for a key, and what happened to each send. Every send
//! is a `sim produce ...` line.

use crate::components::ui::{field, input_value, option, options, panel, select_value, sim};
use crate::derive::Outcome;
use crate::i18n::{t, tf};
use std::rc::Rc;
use streamlab_core::producer::explain;
use streamlab_core::script::{Entry, LineBuilder};
use streamlab_core::ProducerConfig;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProducerPanelProps {
    /// Topics with their partition counts, in order.
    pub topics: Rc<Vec<(String, i32)>>,
    /// The newest send outcomes, newest first.
    pub outcomes: Rc<Vec<Outcome>>,
    /// The brokers' current `min.insync.replicas`.
    pub min_isr: i32,
    pub on_run: Callback<Entry>,
}

/// The form's values, as typed.
#[derive(Clone, PartialEq)]
struct Form {
    topic: String,
    key: String,
    value: String,
    /// "auto" or a partition number.
    partition: String,
    count: String,
    acks: String,
    idempotence: bool,
    retries: String,
    min_isr: String,
}

impl Form {
    /// The `sim produce` line, or why not.
    fn line(&self, topic: &str, sent: u32) -> Result<Entry, String> {
        let value = if self.value.trim().is_empty() {
            format!("record-{sent}")
        } else {
            self.value.clone()
        };
        let mut line = LineBuilder::new("sim").arg("produce").arg(topic).arg(value);
        if !self.key.is_empty() {
            line = line.opt("--key", self.key.as_str());
        }
        if self.partition != "auto" {
            line = line.opt("--partition", self.partition.as_str());
        }
        line = line.opt("--acks", self.acks.as_str());
        if self.idempotence {
            line = line.switch("--idempotence");
        }
        let count = self.count.trim();
        if !count.is_empty() && count != "1" {
            match count.parse::<u32>() {
                Ok(n) if (1..=100_000).contains(&n) => line = line.opt("--count", n.to_string()),
                _ => return Err(t("count: a whole number from 1 to 100000").into()),
            }
        }
        let retries = self.retries.trim();
        if !retries.is_empty() {
            match retries.parse::<u32>() {
                Ok(r) if r <= i32::MAX as u32 => line = line.opt("--retries", r.to_string()),
                _ => return Err(t("retries: a whole number from 0 to 2147483647").into()),
            }
        }
        line.build().map_err(|e| e.to_string())
    }

    fn config(&self) -> ProducerConfig {
        let mut c = ProducerConfig::default();
        let _ = c.set("acks", &self.acks);
        c.enable_idempotence = self.idempotence;
        if !self.retries.trim().is_empty() {
            let _ = c.set("retries", self.retries.trim());
        }
        c
    }
}

/// Field edits go through a reducer, so two edits before a render both land.
impl Reducible for Form {
    type Action = (fn(&mut Form, String), String);

    fn reduce(self: Rc<Self>, (f, v): Self::Action) -> Rc<Self> {
        let mut next = (*self).clone();
        f(&mut next, v);
        Rc::new(next)
    }
}

/// An `oninput` that sets one field of the form (one closure type for all).
#[inline(never)]
fn on_input(d: &UseReducerDispatcher<Form>, f: fn(&mut Form, String)) -> Callback<InputEvent> {
    let d = d.clone();
    Callback::from(move |e: InputEvent| d.dispatch((f, input_value(&e).unwrap_or_default())))
}

/// An `onchange` that sets one field of the form from a select.
#[inline(never)]
fn on_select(d: &UseReducerDispatcher<Form>, f: fn(&mut Form, String)) -> Callback<Event> {
    let d = d.clone();
    Callback::from(move |e: Event| d.dispatch((f, select_value(&e).unwrap_or_default())))
}

#[function_component(ProducerPanel)]
pub fn producer_panel(props: &ProducerPanelProps) -> Html {
    let form = use_reducer(|| Form {
        topic: String::new(),
        key: String::new(),
        value: String::new(),
        partition: "auto".into(),
        count: "1".into(),
        acks: "all".into(),
        idempotence: false,
        retries: String::new(),
        min_isr: String::new(),
    });
    let sent = use_state(|| 0u32);
    let error = use_state(|| None::<String>);

    // The chosen topic, or the first one when the chosen one is gone.
    let topic = props
        .topics
        .iter()
        .find(|(t, _)| *t == form.topic)
        .or(props.topics.first())
        .cloned();
    let partitions = topic.as_ref().map_or(0, |t| t.1);

    let d = form.dispatcher();
    let on_topic = on_select(&d, |f, v| {
        f.topic = v;
        f.partition = "auto".into();
    });
    let on_partition = on_select(&d, |f, v| f.partition = v);
    let on_acks = on_select(&d, |f, v| f.acks = v);
    let on_key = on_input(&d, |f, v| f.key = v);
    let on_value = on_input(&d, |f, v| f.value = v);
    let on_count = on_input(&d, |f, v| f.count = v);
    let on_retries = on_input(&d, |f, v| f.retries = v);
    let on_min_isr = on_input(&d, |f, v| f.min_isr = v);
    let on_idem = Callback::from(move |e: Event| {
        let checked = e
            .target_dyn_into::<HtmlInputElement>()
            .is_some_and(|i| i.checked());
        d.dispatch((|f, v| f.idempotence = v == "true", checked.to_string()))
    });
    let onsubmit = {
        let form = form.clone();
        let sent = sent.clone();
        let error = error.clone();
        let on_run = props.on_run.clone();
        let topic = topic.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some((t, _)) = &topic else { return };
            match form.line(t, *sent) {
                Ok(line) => {
                    error.set(None);
                    sent.set(*sent + 1);
                    on_run.emit(line);
                }
                Err(msg) => error.set(Some(msg)),
            }
        })
    };
    let apply_min_isr = {
        let form = form.clone();
        let on_run = props.on_run.clone();
        let error = error.clone();
        Callback::from(move |_| match form.min_isr.trim().parse::<i32>() {
            Ok(n) if n >= 1 => {
                error.set(None);
                on_run.emit(sim(&["set", &format!("min.insync.replicas={n}")]));
            }
            _ => error.set(Some(
                t("min.insync.replicas: a whole number, 1 or more").into(),
            )),
        })
    };

    let config = form.config();
    let effective = config.effective();
    let explanation = if form.partition != "auto" {
        tf(
            "Partition {partition} chosen explicitly: the partitioner is not asked.",
            &[&form.partition],
        )
    } else if !form.key.is_empty() {
        // The arithmetic stays as Java computes it; the sentence is translated.
        tf(
            "{murmur2} — the same key always lands on the same partition.",
            &[&explain(form.key.as_bytes(), partitions)],
        )
    } else {
        t(
            "No key: since Kafka 2.4 the sticky partitioner fills one partition's batch, then \
           moves to another (older clients spread null-key records over the partitions).",
        )
        .to_string()
    };
    let no_topic = topic.is_none();
    let mut sends = Vec::new();
    for o in props.outcomes.iter() {
        sends.push(html! {
            <li class={if o.ok { "ok" } else { "failed" }}>
                <span class="t">{tf("{ms} ms", &[&o.time])}</span>
                <span aria-hidden="true">{ if o.ok { "✓ " } else { "✗ " } }</span>
                {&o.text}
            </li>
        });
    }
    let mut topic_options = Vec::new();
    for (t, _) in props.topics.iter() {
        let selected = topic.as_ref().is_some_and(|x| &x.0 == t);
        topic_options.push(option(AttrValue::from(t.clone()), selected));
    }
    let mut partition_options = Vec::new();
    for p in 0..partitions {
        let p = p.to_string();
        let selected = form.partition == p;
        partition_options.push(option(AttrValue::from(p), selected));
    }

    panel(
        "panel producer",
        "producer-h",
        t("Producer"),
        html! { <>
            <form class="grid-form" {onsubmit}>
                { field("produce-topic", t("Topic"), html! {
                    <select id="produce-topic" onchange={on_topic} disabled={no_topic}>
                        { for topic_options }
                    </select>
                }) }
                { field("produce-partition", t("Partition"), html! {
                    <select id="produce-partition" onchange={on_partition} disabled={no_topic}>
                        <option value="auto" selected={form.partition == "auto"}>{t("auto (partitioner)")}</option>
                        { for partition_options }
                    </select>
                }) }
                { field("produce-key", t("Key"), html! {
                    <input id="produce-key" type="text" placeholder={t("none (null key)")} value={form.key.clone()} oninput={on_key} />
                }) }
                { field("produce-value", t("Value"), html! {
                    <input id="produce-value" type="text" placeholder={format!("record-{}", *sent)} value={form.value.clone()} oninput={on_value} />
                }) }
                { field("produce-count", t("Count"), html! {
                    <input id="produce-count" type="number" min="1" max="100000" value={form.count.clone()} oninput={on_count} />
                }) }
                { field("produce-acks", "acks", html! {
                    <select id="produce-acks" onchange={on_acks}>
                        { options(&["0", "1", "all"], &form.acks) }
                    </select>
                }) }
                { field("produce-retries", "retries", html! {
                    <input id="produce-retries" type="number" min="0" placeholder="2147483647" value={form.retries.clone()} oninput={on_retries} />
                }) }
                <div class="field check">
                    <input id="produce-idempotence" type="checkbox" checked={form.idempotence} onchange={on_idem} />
                    <label for="produce-idempotence">{"enable.idempotence"}</label>
                </div>
                <p class="semantics" aria-live="polite">
                    <span class={classes!("sem", config.semantics().replace(' ', "-").replace(['(', ')'], ""))}>{t(config.semantics())}</span>
                    { if form.idempotence { format!(" · {}", tf("idempotence forces acks={acks} and retries", &[&match effective.acks { streamlab_core::Acks::All => "all", streamlab_core::Acks::One => "1", streamlab_core::Acks::Zero => "0" }])) } else { String::new() } }
                </p>
                <p class="partitioner" id="partitioner-explain">{explanation}</p>
                <div class="buttons">
                    <button id="produce" class="primary" type="submit" disabled={no_topic}>{t("Send")}</button>
                </div>
            </form>
            <div class="min-isr">
                <label for="min-isr">{tf("min.insync.replicas (now {n})", &[&props.min_isr])}</label>
                <div class="inline">
                    <input id="min-isr" type="number" min="1" placeholder={props.min_isr.to_string()} value={form.min_isr.clone()} oninput={on_min_isr} />
                    <button id="apply-min-isr" onclick={apply_min_isr}>{t("Set")}</button>
                </div>
            </div>
            { if let Some(msg) = &*error { html!{ <p class="form-error" role="alert">{msg}</p> } } else { html!{} } }
            <h3>{t("Sends")}</h3>
            { if props.outcomes.is_empty() {
                html!{ <p class="empty">{t("Nothing sent yet.")}</p> }
            } else { html! {
                <ul class="outcomes" aria-live="polite">
                    { for sends }
                </ul>
            } } }
        </> },
    )
}
