//! One partition's row of the cluster table: its badges, then each broker's
//! replica with the log's newest records and the HW and LEO markers. Keyed by
//! a fingerprint, so unchanged rows skip rendering.

use crate::derive::Message;
use crate::i18n::{t, tf};
use crate::state::SessionHandle;
use std::hash::{Hash, Hasher};
use std::rc::Rc;
use streamlab_core::broker::{Broker, BrokerState};
use streamlab_core::log::Record;
use streamlab_core::partition::{Partition, Replica};
use yew::prelude::*;

#[derive(Properties, Clone)]
pub struct PartitionRowProps {
    pub session: SessionHandle,
    pub topic: String,
    pub partition: i32,
    /// How many of each log's newest records to draw.
    pub visible: usize,
    /// A hash of what the row draws (see `cluster_view::fingerprint`).
    pub fingerprint: u64,
    /// Replicas that just fetched, appended or acknowledged (they flash).
    pub activity: Vec<(i32, &'static str)>,
    /// Fetches, produce requests and acks on their way (drawn travelling).
    pub messages: Vec<Message>,
    /// Broker ids in column order.
    pub columns: Rc<[i32]>,
}

impl PartialEq for PartitionRowProps {
    /// The session's version is left out on purpose: the fingerprint says
    /// whether this row changed.
    fn eq(&self, o: &Self) -> bool {
        self.topic == o.topic
            && self.partition == o.partition
            && self.visible == o.visible
            && self.fingerprint == o.fingerprint
            && self.activity == o.activity
            && self.messages == o.messages
            && self.columns == o.columns
    }
}

#[function_component(PartitionRow)]
pub fn partition_row(props: &PartitionRowProps) -> Html {
    let session = props.session.borrow();
    let cluster = session.sim().snapshot();
    let Some(p) = cluster
        .topics
        .get(&props.topic)
        .and_then(|t| t.partitions.iter().find(|p| p.id == props.partition))
    else {
        return html! {};
    };
    let mut cells = Vec::with_capacity(cluster.brokers.len());
    for b in cluster.brokers.values() {
        if !p.replica_state.contains_key(&b.id) {
            cells.push(no_replica());
            continue;
        }
        let mut activity: Vec<&'static str> = Vec::new();
        for &(x, w) in &props.activity {
            if x == b.id {
                activity.push(w);
            }
        }
        cells.push(html! {
            <ReplicaCell session={props.session.clone()} topic={AttrValue::from(p.topic.clone())} partition={p.id}
                broker={b.id} visible={props.visible} fingerprint={replica_fingerprint(p, b)} {activity} />
        });
    }
    html! {
        <tr role="row" data-partition={format!("{}-{}", p.topic, p.id)}
            data-leader={p.leader.map_or("none".to_string(), |l| l.to_string())}>
            { partition_header(p, &props.messages, &props.columns) }
            { for cells }
        </tr>
    }
}

/// One travelling message: a full-row-wide box moved sideways with a
/// transform between two columns (`--f`, `--t`: column indexes, -1 is the
/// producer), so the browser animates it without layout or repaint.
fn message(m: &Message, columns: &[i32]) -> Html {
    let col = |b: Option<i32>| {
        b.and_then(|b| columns.iter().position(|&c| c == b))
            .map_or(-1, |i| i as i32)
    };
    let (f, t) = (col(m.from), col(m.to));
    let party = |b: Option<i32>| b.map_or("producer".to_string(), |b| b.to_string());
    html! {
        <span key={format!("{}-{}-{}-{}", m.kind.name(), f, t, m.trip)}
            class={format!("msg {} {}", m.kind.name(), if t < f { "leftward" } else { "rightward" })}
            style={format!("--f:{f};--t:{t}")}
            data-kind={m.kind.name()} data-from={party(m.from)} data-to={party(m.to)}
            data-records={m.records.to_string()}></span>
    }
}

/// The cell of a broker without a replica of the partition.
#[inline(never)]
fn no_replica() -> Html {
    html! { <td role="cell" class="no-replica"><span class="sr-only">{t("no replica")}</span></td> }
}

/// Broker ids, comma-separated.
fn ids(v: &[i32]) -> String {
    let mut s = String::new();
    for (i, id) in v.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&id.to_string());
    }
    s
}

fn partition_header(p: &Partition, messages: &[Message], columns: &[i32]) -> Html {
    let osr = p.osr();
    html! {
        <th scope="row" role="rowheader" class="partition-name">
            // Positioned against the row, not this cell: messages cross it.
            <span class="wires" aria-hidden="true">
                { for messages.iter().map(|m| message(m, columns)) }
            </span>
            <span class="tp">{format!("{}-{}", p.topic, p.id)}</span>
            <span class="badges">
                { match p.leader {
                    Some(l) => html!{ <span class="badge leader">{tf("leader {id}", &[&l])}</span> },
                    None => html!{ <span class="badge offline" title={t("no leader: reads and writes fail")}>{t("offline")}</span> },
                } }
                <span class="badge epoch" title={t("leader epoch")}>{tf("epoch {n}", &[&p.leader_epoch])}</span>
                <span class="badge isr" title={t("in-sync replicas")}>{format!("ISR {}", ids(&p.isr))}</span>
                { if osr.is_empty() { html!{} } else { html!{ <span class="badge osr" title={t("out-of-sync replicas")}>{format!("OSR {}", ids(&osr))}</span> } } }
            </span>
            <span class="meta">{format!("HW {} · LEO {}", p.high_watermark(), p.log_end_offset())}</span>
        </th>
    }
}

/// Everything a replica's cell draws, hashed (see `ReplicaCell`).
fn replica_fingerprint(p: &Partition, b: &Broker) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        p.leader == Some(b.id),
        p.isr.contains(&b.id),
        b.state == BrokerState::Running,
    )
        .hash(&mut h);
    if let Some(r) = p.replica_state.get(&b.id) {
        r.log.records().len().hash(&mut h);
        hash_log_tip(r, &mut h);
    }
    h.finish()
}

/// A replica's HW, LEO and newest record, hashed: what changes when it
/// appends, truncates or learns a new high watermark.
pub(crate) fn hash_log_tip(r: &Replica, h: &mut impl Hasher) {
    (r.high_watermark, r.log.log_end_offset()).hash(h);
    if let Some(last) = r.log.records().last() {
        (
            last.offset,
            last.leader_epoch,
            last.producer_id,
            last.sequence,
        )
            .hash(h);
        last.value.hash(h);
    }
}

#[derive(Properties, Clone)]
struct ReplicaCellProps {
    session: SessionHandle,
    topic: AttrValue,
    partition: i32,
    broker: i32,
    visible: usize,
    /// A hash of what the cell draws (`replica_fingerprint`).
    fingerprint: u64,
    /// What the replica just did ("fetched", "appended", "acked"): it flashes.
    activity: Vec<&'static str>,
}

impl PartialEq for ReplicaCellProps {
    /// The session's version is left out on purpose: the fingerprint says
    /// whether this cell changed, so a row redrawn because one replica
    /// fetched does not redraw the others.
    fn eq(&self, o: &Self) -> bool {
        self.topic == o.topic
            && self.partition == o.partition
            && self.broker == o.broker
            && self.visible == o.visible
            && self.fingerprint == o.fingerprint
            && self.activity == o.activity
    }
}

#[function_component(ReplicaCell)]
fn replica_cell_view(props: &ReplicaCellProps) -> Html {
    let session = props.session.borrow();
    let cluster = session.sim().snapshot();
    let (Ok(p), Some(b)) = (
        cluster.partition(&props.topic, props.partition),
        cluster.brokers.get(&props.broker),
    ) else {
        return html! {};
    };
    replica_cell(p, b, props.visible, &props.activity)
}

fn replica_cell(p: &Partition, b: &Broker, visible: usize, activity: &[&'static str]) -> Html {
    let broker = b.id;
    let Some(replica) = p.replica_state.get(&broker) else {
        return no_replica();
    };
    let leader = p.leader == Some(broker);
    let in_isr = p.isr.contains(&broker);
    let down = b.state != BrokerState::Running;
    let (role, role_text) = if leader {
        ("leader", t("leader"))
    } else {
        ("follower", t("follower"))
    };
    let records = replica.log.records();
    let hidden = records.len().saturating_sub(visible);
    let hw = replica.high_watermark;
    let leo = replica.log.log_end_offset();
    let shown = &records[hidden..];
    // The HW marker goes before the first record at or above it.
    let hw_at = shown.iter().position(|r| r.offset >= hw);
    let mut class = format!("replica {role}");
    if !in_isr {
        class.push_str(" osr");
    }
    if down {
        class.push_str(" down");
    }
    for a in activity {
        class.push(' ');
        class.push_str(a);
    }
    html! {
        <td role="cell" {class}
            aria-label={{
                let sync = if in_isr { t("in sync") } else { t("out of sync") };
                let args: [&dyn std::fmt::Display; 5] = [&broker, &role_text, &sync, &leo, &hw];
                if down { tf("broker {broker}, {role}, {sync}, LEO {leo}, HW {hw}, broker down", &args) } else { tf("broker {broker}, {role}, {sync}, LEO {leo}, HW {hw}", &args) }
            }}>
            <div class="badges">
                <span class={if leader { "badge leader" } else { "badge follower" }}>{role_text}</span>
                <span class={if in_isr { "badge isr" } else { "badge osr" }}>{ if in_isr { "ISR" } else { "OSR" } }</span>
                <span class="badge hwv" title={t("this replica's high watermark")}>{format!("HW {hw}")}</span>
            </div>
            <ol class="log" aria-label={tf("log of broker {broker}", &[&broker])}>
                { for log_items(shown, hidden, hw_at, hw, leo) }
            </ol>
        </td>
    }
}

/// The log's items, every one keyed (records by offset): when a record
/// arrives the oldest shown one leaves and the rest stay as they are,
/// instead of every item being rewritten in place.
fn log_items(
    shown: &[Record],
    hidden: usize,
    hw_at: Option<usize>,
    hw: i64,
    leo: i64,
) -> Vec<Html> {
    let hw_marker = || html! { <li key="hw" class="marker hw" aria-hidden="true">{"HW"}</li> };
    let mut items = Vec::with_capacity(shown.len() + 3);
    if hidden > 0 {
        items.push(html! { <li key="more" class="more" title={tf("{n} older records", &[&hidden])}>{format!("…{hidden}")}</li> });
    }
    for (i, r) in shown.iter().enumerate() {
        if hw_at == Some(i) {
            items.push(hw_marker());
        }
        items.push(record_cell(r, hw));
    }
    if hw_at.is_none() {
        items.push(hw_marker());
    }
    items.push(html! {
        <li key="leo" class="marker leo" aria-hidden="true" title={tf("log end offset {leo}", &[&leo])}>{format!("LEO {leo}")}</li>
    });
    items
}

fn record_cell(r: &Record, hw: i64) -> Html {
    let committed = r.offset < hw;
    let title = format!(
        "{} · {}",
        tf(
            "offset {offset} · key {key} · value {value} · producer id {pid} · sequence {seq} · leader epoch {epoch}",
            &[
                &r.offset,
                &r.key.as_deref().unwrap_or("null"),
                &r.value,
                &r.producer_id,
                &r.sequence,
                &r.leader_epoch,
            ],
        ),
        if committed {
            t("committed")
        } else {
            t("above the HW, consumers cannot read it yet")
        }
    );
    html! {
        <li key={r.offset} class={if committed { "record below-hw" } else { "record above-hw" }}
            title={title.clone()} aria-label={title} tabindex="0">
            {r.offset}
        </li>
    }
}
