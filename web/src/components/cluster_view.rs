//! Brokers as columns, partitions as rows; each replica's log as cells with
//! its LEO and high-watermark markers, leader/ISR/OSR/offline/epoch badges,
//! and one-click faults on each broker's header.

use crate::components::partition_row::{hash_log_tip, PartitionRow};
use crate::components::ui::{panel, run_button, sim};
use crate::derive::traffic;
use crate::i18n::{en, t, tf};
use crate::state::SessionHandle;
use std::hash::{Hash, Hasher};
use std::rc::Rc;
use streamlab_core::broker::{Broker, BrokerState};
use streamlab_core::network::Node;
use streamlab_core::partition::Partition;
use streamlab_core::script::Entry;
use streamlab_core::{Cluster, Simulation};
use yew::prelude::*;

/// How many of a log's newest records are drawn (older ones are summarised).
const VISIBLE_RECORDS: usize = 12;
/// Fewer per log when there are many rows, so a big cluster stays fluid.
const VISIBLE_RECORDS_BIG: usize = 6;

/// What the table draws. A plain function, not a component: every action
/// bumps the session's version, so a component would skip only the rare
/// renders of the toolbar's own state (a share link, a preset fetch); the
/// rows (`PartitionRow`) and headers (`BrokerHeader`) are what skip.
pub struct ClusterViewProps {
    pub session: SessionHandle,
    /// Runs a script line (the fault buttons' commands).
    pub on_run: Callback<Entry>,
}

pub fn cluster_view(props: &ClusterViewProps) -> Html {
    let session = props.session.borrow();
    let sim = session.sim();
    let cluster = sim.snapshot();
    let rows: usize = cluster.topics.values().map(|t| t.partitions.len()).sum();
    let visible = if rows > 12 {
        VISIBLE_RECORDS_BIG
    } else {
        VISIBLE_RECORDS
    };
    let traffic = traffic(session.events(), sim.now().as_millis(), |t, p| {
        cluster.partition(t, p).ok().and_then(|p| p.leader)
    });
    // Brokers are columns in id order; a message is drawn between columns.
    let columns: Rc<[i32]> = cluster.brokers.keys().copied().collect();
    let mut rows_html = Vec::with_capacity(rows);
    for t in cluster.topics.values() {
        for p in &t.partitions {
            let key = (p.topic.as_str(), p.id);
            rows_html.push(html! {
                <PartitionRow key={format!("{}-{}", p.topic, p.id)} session={props.session.clone()}
                    topic={p.topic.clone()} partition={p.id} {visible} fingerprint={fingerprint(p, cluster)}
                    activity={traffic.activity.get(&key).cloned().unwrap_or_default()}
                    messages={traffic.messages.get(&key).cloned().unwrap_or_default()}
                    columns={Rc::clone(&columns)} />
            });
        }
    }
    panel(
        "panel cluster",
        "cluster-h",
        t("Cluster"),
        html! { <>
            <div class="table-scroll" tabindex="0" aria-label={t("cluster table, scrolls sideways")}>
            // Rows are grids, not table layout: each row is contained, so a
            // changed row is laid out and painted alone and rows out of view
            // are skipped (`content-visibility`). The roles keep it a table
            // for screen readers whatever its display.
            <table role="table" class={if rows > 12 { "cluster-table big" } else { "cluster-table" }}
                style={format!("--brokers: {}", cluster.brokers.len().max(1))}
                data-in-flight={traffic.in_flight().to_string()}>
                <caption class="sr-only">{t("Replicas of every partition on every broker")}</caption>
                <thead role="rowgroup">
                    <tr role="row">
                        <th scope="col" role="columnheader" class="corner">{t("Partition")}</th>
                        { for cluster.brokers.values().map(|b| broker_header(sim, b, &props.on_run)) }
                    </tr>
                </thead>
                <tbody role="rowgroup">
                    { for rows_html }
                </tbody>
            </table>
            </div>
            { if cluster.topics.is_empty() { html! {
                <p class="empty">{t("No topics yet. Create one in the console:")}{" "}<code>{"kafka-topics.sh --bootstrap-server localhost:9092 --create --topic hello --partitions 3 --replication-factor 2"}</code></p>
            } } else { html! {} } }
            <p class="legend" aria-hidden="true">
                { for LEGEND.iter().map(|&(class, sample, meaning)| html! { <>
                    <span {class}>{ if sample.is_empty() { html! {} } else { html! { sample } } }</span>
                    {" "}{t(meaning)}{" "}
                </> }) }
            </p>
        </> },
    )
}

fn broker_header(sim: &Simulation, b: &Broker, on_run: &Callback<Entry>) -> Html {
    let id = b.id;
    let net = sim.network();
    html! {
        <BrokerHeader key={id} {id} state={b.state} registered={b.registered}
            isolated={net.is_isolated(id)} slow={net.slow.get(&Node::Broker(id)).copied()}
            controller={sim.controller() == Some(id)} on_run={on_run.clone()} />
    }
}

/// The legend under the table: a sample's class and text, then its meaning.
const LEGEND: [(&str, &str, &str); 7] = [
    ("legend-rec below-hw", "0", en("committed (below HW)")),
    ("legend-rec above-hw", "1", en("not yet committed")),
    ("marker hw", "HW", en("high watermark")),
    ("marker leo", "LEO", en("log end offset")),
    (
        "legend-msg fetch",
        "",
        en("fetch (follower → leader → follower)"),
    ),
    ("legend-msg produce", "", en("produce")),
    ("legend-msg ack", "", en("ack to the producer")),
];

#[derive(Properties, PartialEq)]
struct BrokerHeaderProps {
    id: i32,
    state: BrokerState,
    registered: bool,
    isolated: bool,
    slow: Option<u64>,
    controller: bool,
    on_run: Callback<Entry>,
}

/// A broker's column header: its state and one-click faults. A component,
/// so the headers render only when a broker changed, not every frame.
#[function_component(BrokerHeader)]
fn broker_header_view(props: &BrokerHeaderProps) -> Html {
    let BrokerHeaderProps {
        id,
        state,
        registered,
        isolated,
        slow,
        controller,
        ref on_run,
    } = *props;
    let (state, label) = match state {
        BrokerState::Running if !registered => ("expired", t("up, ZooKeeper session expired")),
        BrokerState::Running => ("up", t("up")),
        BrokerState::Stopped => ("stopped", t("stopped")),
        BrokerState::Crashed => ("crashed", t("crashed")),
    };
    let alive = props.state == BrokerState::Running;
    let button =
        |label: &'static str, class: &'static str, line: Entry, aria: String, disabled: bool| {
            run_button(
                AttrValue::Static(class),
                label,
                aria,
                line,
                disabled,
                on_run,
            )
        };
    let b = id.to_string();
    html! {
        <th scope="col" role="columnheader" data-broker={id.to_string()}
            class={format!("broker {state}{}{}", if isolated { " isolated" } else { "" }, if slow.is_some() { " slow" } else { "" })}>
            <div class="broker-name">
                {tf("broker {id}", &[&id])}
                { if controller { html!{ <span class="badge controller" title={t("the controller: elects leaders, tracks the ISR")}>{t("controller")}</span> } } else { html!{} } }
            </div>
            <div class="broker-state">
                <span class="dot" aria-hidden="true"></span>{label}
                { if isolated { html!{ <span class="badge osr">{t("isolated")}</span> } } else { html!{} } }
                { if let Some(ms) = slow { html!{ <span class="badge slow">{tf("slow +{ms} ms", &[&ms])}</span> } } else { html!{} } }
            </div>
            <div class="fault-buttons" role="group" aria-label={tf("faults for broker {id}", &[&id])}>
                { if alive {
                    button(t("Crash"), "fault fault-crash", sim(&["crash", &b]), tf("crash broker {id}", &[&id]), false)
                } else {
                    button(t("Restart"), "fault fault-restart", sim(&["restart", &b]), tf("restart broker {id}", &[&id]), false)
                } }
                { button(t("Isolate"), "fault fault-isolate", sim(&["isolate", &b]), tf("isolate broker {id}", &[&id]), isolated) }
                { button(t("Slow"), "fault fault-slow", sim(&["slow", &b, "300"]), tf("slow broker {id} by 300 ms", &[&id]), slow.is_some()) }
                { button(t("Heal"), "fault fault-heal", sim(&["heal"]), t("heal the network").to_string(), !isolated && slow.is_none()) }
            </div>
        </th>
    }
}

/// Everything a partition's row draws, hashed: rows whose fingerprint did
/// not change are not re-rendered (most rows, under load).
fn fingerprint(p: &Partition, cluster: &Cluster) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (p.leader, p.leader_epoch, &p.isr).hash(&mut h);
    for b in cluster.brokers.values() {
        (b.id, b.state == BrokerState::Running).hash(&mut h);
        if let Some(r) = p.replica_state.get(&b.id) {
            hash_log_tip(r, &mut h);
        }
    }
    h.finish()
}
