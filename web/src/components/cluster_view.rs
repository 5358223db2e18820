//! Brokers as columns, partitions as rows; each replica's log as cells with
//! its LEO and high-watermark markers, leader/ISR/OSR/offline/epoch badges,
//! and one-click faults on each broker's header.

use crate::state::SessionHandle;
use streamlab_core::broker::{Broker, BrokerState};
use streamlab_core::log::Record;
use streamlab_core::network::Node;
use streamlab_core::partition::Partition;
use streamlab_core::Simulation;
use yew::prelude::*;

/// How many of a log's newest records are drawn (older ones are summarised).
const VISIBLE_RECORDS: usize = 12;
/// Fewer per log when there are many rows, so a big cluster stays fluid.
const VISIBLE_RECORDS_BIG: usize = 6;

#[derive(Properties, PartialEq)]
pub struct ClusterViewProps {
    pub session: SessionHandle,
    /// Runs a script line (the fault buttons' commands).
    pub on_run: Callback<String>,
}

#[function_component(ClusterView)]
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
    html! {
        <section class="panel cluster" aria-labelledby="cluster-h">
            <h2 id="cluster-h">{"Cluster"}</h2>
            <div class="table-scroll" tabindex="0" aria-label="cluster table, scrolls sideways">
            <table class="cluster-table">
                <caption class="sr-only">{"Replicas of every partition on every broker"}</caption>
                <thead>
                    <tr>
                        <th scope="col" class="corner">{"Partition"}</th>
                        { for cluster.brokers.values().map(|b| broker_header(sim, b, &props.on_run)) }
                    </tr>
                </thead>
                <tbody>
                    { for cluster.topics.values().flat_map(|t| t.partitions.iter()).map(|p| html! {
                        <tr data-partition={format!("{}-{}", p.topic, p.id)}
                            data-leader={p.leader.map_or("none".to_string(), |l| l.to_string())}>
                            { partition_header(p) }
                            { for cluster.brokers.values().map(|b| replica_cell(p, b, visible)) }
                        </tr>
                    }) }
                </tbody>
            </table>
            </div>
            { if cluster.topics.is_empty() { html! {
                <p class="empty">{"No topics yet. Create one in the console: kafka-topics.sh --bootstrap-server localhost:9092 --create --topic hello --partitions 3 --replication-factor 2"}</p>
            } } else { html! {} } }
            <p class="legend" aria-hidden="true">
                <span class="legend-rec below-hw">{"0"}</span>{" committed (below HW) "}
                <span class="legend-rec above-hw">{"1"}</span>{" not yet committed "}
                <span class="marker hw">{"HW"}</span>{" high watermark "}
                <span class="marker leo">{"LEO"}</span>{" log end offset"}
            </p>
        </section>
    }
}

fn broker_header(sim: &Simulation, b: &Broker, on_run: &Callback<String>) -> Html {
    let id = b.id;
    let net = sim.network();
    let isolated = net.is_isolated(id);
    let slow = net.slow.get(&Node::Broker(id)).copied();
    let controller = sim.controller() == Some(id);
    let (state, label) = match b.state {
        BrokerState::Running if !b.registered => ("expired", "up, ZooKeeper session expired"),
        BrokerState::Running => ("up", "up"),
        BrokerState::Stopped => ("stopped", "stopped"),
        BrokerState::Crashed => ("crashed", "crashed"),
    };
    let alive = b.state == BrokerState::Running;
    let button = |label: &'static str, line: String, aria: String, disabled: bool| {
        let on_run = on_run.clone();
        let cls = format!("fault fault-{}", label.to_lowercase());
        html! {
            <button class={cls} aria-label={aria} title={line.clone()} {disabled}
                onclick={Callback::from(move |_| on_run.emit(line.clone()))}>{label}</button>
        }
    };
    html! {
        <th scope="col" data-broker={id.to_string()}
            class={classes!("broker", state, isolated.then_some("isolated"), slow.map(|_| "slow"))}>
            <div class="broker-name">
                {format!("broker {id}")}
                { if controller { html!{ <span class="badge controller" title="the controller: elects leaders, tracks the ISR">{"controller"}</span> } } else { html!{} } }
            </div>
            <div class="broker-state">
                <span class="dot" aria-hidden="true"></span>{label}
                { if isolated { html!{ <span class="badge osr">{"isolated"}</span> } } else { html!{} } }
                { if let Some(ms) = slow { html!{ <span class="badge slow">{format!("slow +{ms} ms")}</span> } } else { html!{} } }
            </div>
            <div class="fault-buttons" role="group" aria-label={format!("faults for broker {id}")}>
                { if alive {
                    button("Crash", format!("sim crash {id}"), format!("crash broker {id}"), false)
                } else {
                    button("Restart", format!("sim restart {id}"), format!("restart broker {id}"), false)
                } }
                { button("Isolate", format!("sim isolate {id}"), format!("isolate broker {id}"), isolated) }
                { button("Slow", format!("sim slow {id} 300"), format!("slow broker {id} by 300 ms"), slow.is_some()) }
                { button("Heal", "sim heal".to_string(), "heal the network".to_string(), !isolated && slow.is_none()) }
            </div>
        </th>
    }
}

fn partition_header(p: &Partition) -> Html {
    let osr = p.osr();
    let ids = |v: &[i32]| {
        v.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    };
    html! {
        <th scope="row" class="partition-name">
            <span class="tp">{format!("{}-{}", p.topic, p.id)}</span>
            <span class="badges">
                { match p.leader {
                    Some(l) => html!{ <span class="badge leader">{format!("leader {l}")}</span> },
                    None => html!{ <span class="badge offline" title="no leader: reads and writes fail">{"offline"}</span> },
                } }
                <span class="badge epoch" title="leader epoch">{format!("epoch {}", p.leader_epoch)}</span>
                <span class="badge isr" title="in-sync replicas">{format!("ISR {}", ids(&p.isr))}</span>
                { if osr.is_empty() { html!{} } else { html!{ <span class="badge osr" title="out-of-sync replicas">{format!("OSR {}", ids(&osr))}</span> } } }
            </span>
            <span class="meta">{format!("HW {} · LEO {}", p.high_watermark(), p.log_end_offset())}</span>
        </th>
    }
}

fn replica_cell(p: &Partition, b: &Broker, visible: usize) -> Html {
    let broker = b.id;
    let Some(replica) = p.replica_state.get(&broker) else {
        return html! { <td class="no-replica"><span class="sr-only">{"no replica"}</span></td> };
    };
    let leader = p.leader == Some(broker);
    let in_isr = p.isr.contains(&broker);
    let down = b.state != BrokerState::Running;
    let role = if leader { "leader" } else { "follower" };
    let records = replica.log.records();
    let hidden = records.len().saturating_sub(visible);
    let hw = replica.high_watermark;
    let leo = replica.log.log_end_offset();
    let shown = &records[hidden..];
    // The HW marker goes before the first record at or above it.
    let hw_at = shown.iter().position(|r| r.offset >= hw);
    html! {
        <td class={classes!("replica", role, (!in_isr).then_some("osr"), down.then_some("down"))}
            aria-label={format!("broker {broker}, {role}, {}, LEO {leo}, HW {hw}{}",
                if in_isr { "in sync" } else { "out of sync" }, if down { ", broker down" } else { "" })}>
            <div class="badges">
                <span class={classes!("badge", role)}>{role}</span>
                <span class={classes!("badge", if in_isr { "isr" } else { "osr" })}>{ if in_isr { "ISR" } else { "OSR" } }</span>
                <span class="badge hwv" title="this replica's high watermark">{format!("HW {hw}")}</span>
            </div>
            <ol class="log" aria-label={format!("log of broker {broker}")}>
                { if hidden > 0 { html!{ <li class="more" title={format!("{hidden} older records")}>{format!("…{hidden}")}</li> } } else { html!{} } }
                { for shown.iter().enumerate().map(|(i, r)| html! {
                    <>
                        { if hw_at == Some(i) { html!{ <li class="marker hw" aria-hidden="true">{"HW"}</li> } } else { html!{} } }
                        { record_cell(r, hw) }
                    </>
                }) }
                { if hw_at.is_none() { html!{ <li class="marker hw" aria-hidden="true">{"HW"}</li> } } else { html!{} } }
                <li class="marker leo" aria-hidden="true" title={format!("log end offset {leo}")}>{format!("LEO {leo}")}</li>
            </ol>
        </td>
    }
}

fn record_cell(r: &Record, hw: i64) -> Html {
    let committed = r.offset < hw;
    let title = format!(
        "offset {} · key {} · value {} · producer id {} · sequence {} · leader epoch {}{}",
        r.offset,
        r.key.as_deref().unwrap_or("null"),
        r.value,
        r.producer_id,
        r.sequence,
        r.leader_epoch,
        if committed {
            " · committed"
        } else {
            " · above the HW, consumers cannot read it yet"
        }
    );
    html! {
        <li class={classes!("record", if committed { "below-hw" } else { "above-hw" })}
            title={title.clone()} aria-label={title} tabindex="0">
            {r.offset}
        </li>
    }
}
