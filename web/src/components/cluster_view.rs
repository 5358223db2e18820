//! Brokers as columns, partitions as rows; each replica's log as cells with
//! its LEO and high-watermark markers, leader and ISR badges.

use crate::state::SessionHandle;
use streamlab_core::broker::BrokerState;
use streamlab_core::log::Record;
use streamlab_core::partition::Partition;
use streamlab_core::Cluster;
use yew::prelude::*;

/// How many of a log's newest records are drawn (older ones are summarised).
const VISIBLE_RECORDS: usize = 16;

#[derive(Properties, PartialEq)]
pub struct ClusterViewProps {
    pub session: SessionHandle,
}

#[function_component(ClusterView)]
pub fn cluster_view(props: &ClusterViewProps) -> Html {
    let session = props.session.borrow();
    let cluster: &Cluster = session.sim().snapshot();
    if cluster.topics.is_empty() {
        return html! {
            <section class="panel cluster" aria-labelledby="cluster-h">
                <h2 id="cluster-h">{"Cluster"}</h2>
                <p class="empty">{"No topics yet. Create one with kafka-topics.sh --create in the console."}</p>
            </section>
        };
    }
    html! {
        <section class="panel cluster" aria-labelledby="cluster-h">
            <h2 id="cluster-h">{"Cluster"}</h2>
            <div class="table-scroll">
            <table class="cluster-table">
                <caption class="sr-only">{"Replicas of every partition on every broker"}</caption>
                <thead>
                    <tr>
                        <th scope="col">{"Partition"}</th>
                        { for cluster.brokers.values().map(|b| {
                            let state = match b.state {
                                BrokerState::Running => "up",
                                BrokerState::Stopped => "stopped",
                                BrokerState::Crashed => "crashed",
                            };
                            html! {
                                <th scope="col" class={classes!("broker", state)}>
                                    {format!("broker {}", b.id)}
                                    <span class="broker-state">{state}</span>
                                </th>
                            }
                        }) }
                    </tr>
                </thead>
                <tbody>
                    { for cluster.topics.values().flat_map(|t| t.partitions.iter()).map(|p| html! {
                        <tr data-partition={format!("{}-{}", p.topic, p.id)}>
                            <th scope="row" class="partition-name">
                                {format!("{}-{}", p.topic, p.id)}
                                <span class="meta">{format!("HW {} · epoch {}", p.high_watermark(), p.leader_epoch)}</span>
                            </th>
                            { for cluster.brokers.keys().map(|b| replica_cell(p, *b)) }
                        </tr>
                    }) }
                </tbody>
            </table>
            </div>
        </section>
    }
}

fn replica_cell(p: &Partition, broker: i32) -> Html {
    let Some(replica) = p.replica_state.get(&broker) else {
        return html! { <td class="no-replica" aria-label="no replica"></td> };
    };
    let leader = p.leader == Some(broker);
    let in_isr = p.isr.contains(&broker);
    let role = if leader { "leader" } else { "follower" };
    let records = replica.log.records();
    let hidden = records.len().saturating_sub(VISIBLE_RECORDS);
    let hw = replica.high_watermark;
    let leo = replica.log.log_end_offset();
    html! {
        <td class={classes!("replica", role, (!in_isr).then_some("osr"))}
            aria-label={format!("broker {broker}, {role}, {}, LEO {leo}, HW {hw}", if in_isr { "in sync" } else { "out of sync" })}>
            <div class="badges">
                <span class={classes!("badge", role)}>{ if leader { "leader" } else { "follower" } }</span>
                <span class={classes!("badge", if in_isr { "isr" } else { "osr" })}>{ if in_isr { "ISR" } else { "OSR" } }</span>
                <span class="badge leo">{format!("LEO {leo}")}</span>
            </div>
            <ol class="log" aria-label="log">
                { if hidden > 0 { html!{ <li class="more">{format!("…{hidden}")}</li> } } else { html!{} } }
                { for records[hidden..].iter().map(|r| record_cell(r, hw)) }
            </ol>
        </td>
    }
}

fn record_cell(r: &Record, hw: i64) -> Html {
    let committed = r.offset < hw;
    let title = format!(
        "offset {} · key {} · value {} · producer id {} · sequence {} · leader epoch {}",
        r.offset,
        r.key.as_deref().unwrap_or("null"),
        r.value,
        r.producer_id,
        r.sequence,
        r.leader_epoch
    );
    html! {
        <li class={classes!("record", if committed { "below-hw" } else { "above-hw" })}
            title={title.clone()} aria-label={title} tabindex="0">
            {r.offset}
        </li>
    }
}
