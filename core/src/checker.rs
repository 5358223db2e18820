//! The invariant checker: reads an event trace, from outside the system
//! under test, and reports where Kafka's guarantees were broken.
//!
//! It trusts nothing the simulation keeps internally. From the events alone
//! it rebuilds, per topic-partition, every replica's log as a map from offset
//! to the record's trace id, each replica's high watermark, the leader, its
//! epoch and the ISR, and every acknowledgement a producer received. The
//! rules (SPEC §2 "Invariant checker") are then checked as the events arrive,
//! so the UI can feed it one event at a time while scrubbing, and a whole
//! trace gives the same answer through [`check`].
//!
//! Safe cases are not findings: a follower's uncommitted, unacknowledged tail
//! being truncated is how Kafka works, and `acks=0` promises nothing.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::event::{Event, EventKind, TraceId, TruncationRule};
use crate::ids::{BrokerId, LeaderEpoch, Offset, PartitionId, ProducerId, TopicPartition};
use crate::time::SimTime;

/// What kind of guarantee a [`Finding`] says was broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    AckedRecordLost,
    ReadAboveHw,
    CommitAboveHw,
    LeaderNotInIsr,
    DuplicateRecord,
    OffsetGap,
    HwRegressed,
    ReplicaDivergence,
}

impl FindingKind {
    pub const ALL: [FindingKind; 8] = [
        FindingKind::AckedRecordLost,
        FindingKind::ReadAboveHw,
        FindingKind::CommitAboveHw,
        FindingKind::LeaderNotInIsr,
        FindingKind::DuplicateRecord,
        FindingKind::OffsetGap,
        FindingKind::HwRegressed,
        FindingKind::ReplicaDivergence,
    ];

    /// The kebab-case name, the same as in the JSON output.
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::AckedRecordLost => "acked-record-lost",
            FindingKind::ReadAboveHw => "read-above-hw",
            FindingKind::CommitAboveHw => "commit-above-hw",
            FindingKind::LeaderNotInIsr => "leader-not-in-isr",
            FindingKind::DuplicateRecord => "duplicate-record",
            FindingKind::OffsetGap => "offset-gap",
            FindingKind::HwRegressed => "hw-regressed",
            FindingKind::ReplicaDivergence => "replica-divergence",
        }
    }

    /// One paragraph for the UI: what broke, how it usually happens, and
    /// which setting prevents it.
    pub fn explain(self) -> &'static str {
        match self {
            FindingKind::AckedRecordLost => {
                "An acknowledged record was later lost: the producer was told the write \
                 succeeded, yet the partition's current leader no longer has the record at \
                 its offset. With acks=1 the ack returns as soon as the leader alone has \
                 written the record; if that leader crashes before a follower fetched it, the \
                 new leader never had it. An unclean leader election (an out-of-sync replica \
                 elected because unclean.leader.election.enable=true) and pre-0.11 high \
                 watermark truncation (KIP-101) lose records even under acks=all. acks=all \
                 with min.insync.replicas=2, replication factor 3, clean elections and \
                 leader-epoch truncation never lose an acknowledged record."
            }
            FindingKind::ReadAboveHw => {
                "A consumer read a record at or above the high watermark. Consumers may only \
                 see records below the HW, i.e. records every ISR member has: anything above \
                 it may still disappear when the leader fails, so a consumer that saw it could \
                 act on data that, for the rest of the cluster, never existed."
            }
            FindingKind::CommitAboveHw => {
                "A consumer group committed an offset above the high watermark. A committed \
                 offset is the next offset the group will read; it can be at most the HW, \
                 because only records below the HW are visible. A commit beyond it points at \
                 records that may never exist, and after a failover the group would skip the \
                 records the new leader writes there."
            }
            FindingKind::LeaderNotInIsr => {
                "A partition's leader was outside its in-sync replica set. The leader defines \
                 the high watermark and is always in the ISR in Kafka; a leader outside it \
                 means the controller elected a replica that was not known to be caught up \
                 (or the ISR was shrunk without moving leadership), so acknowledged records \
                 can silently disappear."
            }
            FindingKind::DuplicateRecord => {
                "The same record (same producer send, same trace id) was appended twice at \
                 different offsets of one partition. Without enable.idempotence this is how \
                 retries give at-least-once delivery: a request timed out, the producer \
                 retried, and both copies were written. With enable.idempotence=true the \
                 broker must recognise the retry by producer id and sequence number and answer \
                 with the original offset, so under idempotence a duplicate breaks \
                 exactly-once per partition."
            }
            FindingKind::OffsetGap => {
                "A replica appended at an offset other than its log end offset. Offsets in a \
                 partition increase by one with no gaps and no overwrites: a leader appends at \
                 its LEO and a follower fetches from its LEO. A gap or an overwrite means the \
                 log lost or skipped records without a truncation."
            }
            FindingKind::HwRegressed => {
                "The leader's high watermark went backwards within one leader epoch. Records \
                 below the HW are committed and may already have been consumed; the HW only \
                 moves forward while the same leader serves the partition. (A new leader may \
                 start with a lower HW in a new epoch; that is not a finding.)"
            }
            FindingKind::ReplicaDivergence => {
                "Two replicas hold different records at the same offset, below both of their \
                 high watermarks: each believes its record is committed. Pre-0.11 Kafka \
                 truncated a restarting follower to its own high watermark, which lags the \
                 leader's; after a failover the logs could diverge for good (KIP-101). Modern \
                 Kafka truncates by leader epoch instead and replicas never diverge below the \
                 HW."
            }
        }
    }
}

impl std::fmt::Display for FindingKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One broken invariant, with the trace events that caused it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub topic: String,
    pub partition: PartitionId,
    pub detail: String,
    /// When the checker could first tell (the time of the last event in `events`).
    pub time: SimTime,
    /// Indexes into the trace of the events that caused it, ascending.
    pub events: Vec<usize>,
}

/// Checks a whole trace and returns its findings.
pub fn check(trace: &[Event]) -> Vec<Finding> {
    let mut checker = Checker::new();
    for (index, event) in trace.iter().enumerate() {
        checker.observe(index, event);
    }
    checker.finish();
    checker.into_findings()
}

/// The text `sim check` prints: one line per finding, or a line saying all held.
pub fn summary(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "No findings: every invariant held.".to_string();
    }
    let mut out = String::new();
    for f in findings {
        let events: Vec<String> = f.events.iter().map(|e| format!("#{e}")).collect();
        out.push_str(&format!(
            "{} {}-{}: {} (at {}; events {})\n",
            f.kind,
            f.topic,
            f.partition,
            f.detail,
            f.time,
            events.join(", ")
        ));
    }
    out
}

/// The incremental checker: feed it events in trace order with
/// [`Checker::observe`], read [`Checker::findings`] at any point.
#[derive(Debug, Clone, Default)]
pub struct Checker {
    partitions: BTreeMap<TopicPartition, PartitionState>,
    /// Brokers crashed or stopped and not started since: a leader that is
    /// down is not serving, so its (possibly empty) log says nothing yet.
    down: BTreeSet<BrokerId>,
    findings: Vec<Finding>,
    last_time: SimTime,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }

    /// Feeds the event at `index` of the trace. Events must come in trace order.
    pub fn observe(&mut self, index: usize, event: &Event) {
        let time = event.time;
        self.last_time = time;
        let out = &mut self.findings;
        let at = At { index, time };
        match &event.kind {
            EventKind::TopicCreated { topic, .. } | EventKind::TopicDeleted { topic } => {
                // A new topic of the same name starts from nothing; deleting is not losing.
                self.partitions.retain(|tp, _| tp.topic != *topic);
            }
            EventKind::BrokerStarted { broker } => {
                self.down.remove(broker);
            }
            EventKind::BrokerStopped { broker } => {
                self.down.insert(*broker);
            }
            EventKind::BrokerCrashed { broker, disk_lost } => {
                self.down.insert(*broker);
                if *disk_lost {
                    for p in self.partitions.values_mut() {
                        p.lose_disk(*broker, at);
                    }
                }
            }
            EventKind::BatchAppended {
                topic,
                partition,
                broker,
                base_offset,
                count,
                leader_epoch,
                producer_id,
                first_trace,
                ..
            } => {
                let p = state(&mut self.partitions, topic, *partition);
                p.append(
                    Append {
                        broker: *broker,
                        base: *base_offset,
                        count: i64::from(*count),
                        epoch: *leader_epoch,
                        producer_id: *producer_id,
                        first_trace: *first_trace,
                    },
                    at,
                    out,
                );
                if p.leader == Some(*broker) {
                    p.check_acks(&self.down, Some(*base_offset), at, out);
                }
                p.scan_divergence(*broker, at, out);
            }
            EventKind::ProduceAcked {
                producer,
                topic,
                partition,
                base_offset,
                count,
                first_trace,
                acks,
                ..
            } => {
                // acks=0 promises nothing, so losing such a record is no finding.
                if *acks != 0 && *count > 0 {
                    let p = state(&mut self.partitions, topic, *partition);
                    let ack = Ack {
                        index,
                        producer: producer.clone(),
                        acks: *acks,
                        base: *base_offset,
                        count: i64::from(*count),
                        first_trace: *first_trace,
                    };
                    let key = (ack.end(), index);
                    p.acks.insert(key, ack);
                    p.check_ack(key, &self.down, at, out);
                }
            }
            EventKind::ReplicaFetched {
                topic,
                partition,
                broker,
                leader,
                fetch_offset,
                records,
                high_watermark,
                ..
            } => {
                let p = state(&mut self.partitions, topic, *partition);
                p.fetch(
                    *broker,
                    *leader,
                    *fetch_offset,
                    i64::from(*records),
                    *high_watermark,
                    at,
                    out,
                );
                p.scan_divergence(*broker, at, out);
            }
            EventKind::HighWatermarkChanged {
                topic,
                partition,
                broker,
                leader_epoch,
                high_watermark,
            } => {
                let p = state(&mut self.partitions, topic, *partition);
                p.leader_hw_changed(*broker, *leader_epoch, *high_watermark, at, out);
                p.scan_divergence(*broker, at, out);
            }
            EventKind::IsrShrunk {
                topic,
                partition,
                removed,
                isr,
                ..
            } => {
                let p = state(&mut self.partitions, topic, *partition);
                p.isr.clone_from(isr);
                if let Some(leader) = p.leader {
                    if removed.contains(&leader) || !isr.contains(&leader) {
                        let detail = format!(
                            "the ISR shrank to {} (removed {}) while broker {leader} was still \
                             leader (epoch {})",
                            brokers(isr),
                            brokers(removed),
                            p.leader_epoch
                        );
                        p.push(out, FindingKind::LeaderNotInIsr, detail, at, vec![index]);
                    }
                }
            }
            EventKind::IsrExpanded {
                topic,
                partition,
                added,
                isr,
                ..
            } => {
                let p = state(&mut self.partitions, topic, *partition);
                p.isr.clone_from(isr);
                if let Some(leader) = p.leader {
                    if !isr.contains(&leader) {
                        let detail = format!(
                            "the ISR grew to {} (added {}) without its leader, broker {leader} \
                             (epoch {})",
                            brokers(isr),
                            brokers(added),
                            p.leader_epoch
                        );
                        p.push(out, FindingKind::LeaderNotInIsr, detail, at, vec![index]);
                    }
                }
            }
            EventKind::LeaderElected {
                topic,
                partition,
                leader,
                leader_epoch,
                isr,
                unclean,
                ..
            } => {
                let p = state(&mut self.partitions, topic, *partition);
                p.leader = *leader;
                p.leader_epoch = *leader_epoch;
                p.isr.clone_from(isr);
                p.election = Some(index);
                p.unclean = *unclean;
                if let Some(l) = leader {
                    if !isr.contains(l) {
                        let detail = format!(
                            "broker {l} was elected leader (epoch {leader_epoch}{}) but the ISR \
                             is {}",
                            if *unclean { ", unclean" } else { "" },
                            brokers(isr)
                        );
                        p.push(out, FindingKind::LeaderNotInIsr, detail, at, vec![index]);
                    }
                }
                p.check_acks(&self.down, None, at, out);
            }
            EventKind::Truncated {
                topic,
                partition,
                broker,
                to,
                rule,
                ..
            } => {
                let p = state(&mut self.partitions, topic, *partition);
                p.truncate(*broker, *to, *rule, at);
                if p.leader == Some(*broker) {
                    p.check_acks(&self.down, Some(*to), at, out);
                }
                p.scan_divergence(*broker, at, out);
            }
            EventKind::RecordsConsumed {
                consumer,
                group,
                topic,
                partition,
                from,
                to,
                high_watermark,
            } => {
                if to > high_watermark {
                    let who = match group {
                        Some(g) => format!("consumer {consumer} (group {g})"),
                        None => format!("consumer {consumer}"),
                    };
                    out.push(Finding {
                        kind: FindingKind::ReadAboveHw,
                        topic: topic.clone(),
                        partition: *partition,
                        detail: format!(
                            "{who} read offsets {from}..{to} (exclusive) while the high \
                             watermark was {high_watermark}: offsets {}..{to} were not committed",
                            (*high_watermark).max(*from)
                        ),
                        time,
                        events: vec![index],
                    });
                }
            }
            EventKind::OffsetCommitted {
                group,
                topic,
                partition,
                offset,
                high_watermark,
            } => {
                if offset > high_watermark {
                    out.push(Finding {
                        kind: FindingKind::CommitAboveHw,
                        topic: topic.clone(),
                        partition: *partition,
                        detail: format!(
                            "group {group} committed offset {offset} while the high watermark \
                             was {high_watermark}"
                        ),
                        time,
                        events: vec![index],
                    });
                }
            }
            // An idempotent retry recognised by the leader appends nothing: no
            // log changes, and its ack (with the original offset) is checked
            // like any other.
            EventKind::DuplicateIgnored { .. } => {}
            EventKind::SessionExpired { .. }
            | EventKind::ControllerElected { .. }
            | EventKind::NetworkChanged { .. }
            | EventKind::ConfigChanged { .. }
            | EventKind::PartitionsAdded { .. }
            | EventKind::ProduceSent { .. }
            | EventKind::ProduceFailed { .. }
            | EventKind::MemberJoined { .. }
            | EventKind::MemberLeft { .. }
            | EventKind::GroupRebalanced { .. }
            | EventKind::Flume { .. } => {}
        }
    }

    /// End-of-trace verdict: checks every outstanding acknowledgement against
    /// its partition's current, running leader. Safe to call more than once
    /// and to keep observing afterwards (a loss is reported only once).
    pub fn finish(&mut self) {
        // No triggering event: the finding is stamped with the last time seen.
        let at = At {
            index: NO_EVENT,
            time: self.last_time,
        };
        for p in self.partitions.values_mut() {
            p.check_acks(&self.down, None, at, &mut self.findings);
        }
    }
}

fn state<'a>(
    partitions: &'a mut BTreeMap<TopicPartition, PartitionState>,
    topic: &str,
    partition: PartitionId,
) -> &'a mut PartitionState {
    partitions
        .entry(TopicPartition::new(topic, partition))
        .or_insert_with(|| PartitionState::new(topic, partition))
}

fn brokers(ids: &[BrokerId]) -> String {
    let s: Vec<String> = ids.iter().map(|b| b.to_string()).collect();
    format!("[{}]", s.join(","))
}

fn acks_name(acks: i16) -> String {
    if acks == -1 {
        "all".to_string()
    } else {
        acks.to_string()
    }
}

/// Stands for "no triggering event" (the end-of-trace verdict).
const NO_EVENT: usize = usize::MAX;

/// The event being observed.
#[derive(Debug, Clone, Copy)]
struct At {
    index: usize,
    time: SimTime,
}

/// One record in a reconstructed log. An offset missing from the map below
/// the LEO is a record the checker could not reconstruct: never a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rec {
    trace: TraceId,
    /// The `BatchAppended` that first wrote it (followers copy it along).
    appended: usize,
}

#[derive(Debug, Clone, Default)]
struct ReplicaLog {
    records: BTreeMap<Offset, Rec>,
    leo: Offset,
}

impl ReplicaLog {
    /// Drops records at `from` and above; `true` if any existed.
    fn cut(&mut self, from: Offset) -> bool {
        let dropped = self.records.split_off(&from);
        !dropped.is_empty()
    }
}

/// An acknowledgement a producer received (acks=1 or all).
#[derive(Debug, Clone)]
struct Ack {
    index: usize,
    producer: String,
    acks: i16,
    base: Offset,
    count: i64,
    first_trace: TraceId,
}

impl Ack {
    fn end(&self) -> Offset {
        self.base.saturating_add(self.count)
    }

    fn trace_at(&self, offset: Offset) -> TraceId {
        let delta = u64::try_from(offset.saturating_sub(self.base)).unwrap_or(0);
        self.first_trace.wrapping_add(delta)
    }
}

struct Append {
    broker: BrokerId,
    base: Offset,
    count: i64,
    epoch: LeaderEpoch,
    producer_id: ProducerId,
    first_trace: TraceId,
}

#[derive(Debug, Clone)]
struct PartitionState {
    topic: String,
    partition: PartitionId,
    logs: BTreeMap<BrokerId, ReplicaLog>,
    /// Each replica's view of the HW (the leader's own, or a follower's from its last fetch).
    hw: BTreeMap<BrokerId, Offset>,
    leader: Option<BrokerId>,
    leader_epoch: LeaderEpoch,
    isr: Vec<BrokerId>,
    /// The `LeaderElected` that made the current leader.
    election: Option<usize>,
    unclean: bool,
    /// Last HW each broker announced as leader: (epoch, hw, event).
    leader_hw: BTreeMap<BrokerId, (LeaderEpoch, Offset, usize)>,
    /// Outstanding acknowledgements keyed by (end offset, ack event), so a
    /// change from offset `o` only rechecks acks ending above `o`.
    acks: BTreeMap<(Offset, usize), Ack>,
    /// Every offset a leader appended each trace id at (duplicate detection).
    appended_at: BTreeMap<TraceId, Vec<Offset>>,
    /// Events that dropped or overwrote records: (event, broker, from offset).
    cuts: Vec<(usize, BrokerId, Offset)>,
    /// Per replica pair (low id, high id): offsets below this were compared.
    compared: BTreeMap<(BrokerId, BrokerId), Offset>,
    diverged: BTreeSet<Offset>,
}

impl PartitionState {
    fn new(topic: &str, partition: PartitionId) -> Self {
        Self {
            topic: topic.to_string(),
            partition,
            logs: BTreeMap::new(),
            hw: BTreeMap::new(),
            leader: None,
            leader_epoch: 0,
            isr: Vec::new(),
            election: None,
            unclean: false,
            leader_hw: BTreeMap::new(),
            acks: BTreeMap::new(),
            appended_at: BTreeMap::new(),
            cuts: Vec::new(),
            compared: BTreeMap::new(),
            diverged: BTreeSet::new(),
        }
    }

    fn push(
        &self,
        out: &mut Vec<Finding>,
        kind: FindingKind,
        detail: String,
        at: At,
        mut events: Vec<usize>,
    ) {
        events.retain(|&e| e != NO_EVENT);
        events.sort_unstable();
        events.dedup();
        out.push(Finding {
            kind,
            topic: self.topic.clone(),
            partition: self.partition,
            detail,
            time: at.time,
            events,
        });
    }

    /// Records that `broker`'s log changed at `from` and above: comparisons
    /// with the other replicas from there on must be redone.
    fn changed(&mut self, broker: BrokerId, from: Offset, at: At) {
        self.cuts.push((at.index, broker, from));
        for ((a, b), upto) in self.compared.iter_mut() {
            if *a == broker || *b == broker {
                *upto = (*upto).min(from);
            }
        }
    }

    /// The HW up to which `broker` treats its log as committed.
    fn hw_of(&self, broker: BrokerId) -> Offset {
        let leo = self.logs.get(&broker).map_or(0, |l| l.leo);
        self.hw.get(&broker).copied().unwrap_or(0).min(leo)
    }

    fn lose_disk(&mut self, broker: BrokerId, at: At) {
        let Some(log) = self.logs.get_mut(&broker) else {
            return;
        };
        let had = log.cut(0);
        log.leo = 0;
        self.hw.insert(broker, 0);
        if had {
            self.changed(broker, 0, at);
        }
    }

    fn append(&mut self, a: Append, at: At, out: &mut Vec<Finding>) {
        if a.count <= 0 {
            return;
        }
        let log = self.logs.entry(a.broker).or_default();
        let leo = log.leo;
        let mut overwrote = false;
        if a.base != leo {
            let what = if a.base > leo {
                format!("skipping offsets {leo}..{}", a.base)
            } else {
                format!("over existing offsets {}..{leo}", a.base)
            };
            overwrote = a.base < leo && log.cut(a.base);
            let detail = format!(
                "broker {} appended offsets {}..{} (epoch {}) but its log ended at offset {leo}: \
                 {what}",
                a.broker,
                a.base,
                a.base.saturating_add(a.count),
                a.epoch
            );
            self.push(out, FindingKind::OffsetGap, detail, at, vec![at.index]);
        }
        let log = self.logs.entry(a.broker).or_default();
        let end = a.base.saturating_add(a.count);
        // Duplicates: an earlier copy of the same trace id still in this log.
        // (trace, new offset, earlier offset, earlier append event)
        let mut dups: Vec<(TraceId, Offset, Offset, usize)> = Vec::new();
        for (i, offset) in (a.base..end).enumerate() {
            let trace = a.first_trace.wrapping_add(i as u64);
            let seen = self.appended_at.entry(trace).or_default();
            for &earlier in seen.iter() {
                if earlier == offset {
                    continue;
                }
                if let Some(rec) = log.records.get(&earlier) {
                    if rec.trace == trace {
                        dups.push((trace, offset, earlier, rec.appended));
                    }
                }
            }
            if !seen.contains(&offset) {
                seen.push(offset);
            }
            log.records.insert(
                offset,
                Rec {
                    trace,
                    appended: at.index,
                },
            );
        }
        log.leo = end;
        if overwrote {
            self.changed(a.broker, a.base, at);
        }
        if let Some(&(trace, offset, earlier, _)) = dups.first() {
            let idempotence = if a.producer_id >= 0 {
                format!(
                    "the producer was idempotent (producer id {}): exactly-once per partition \
                     was broken",
                    a.producer_id
                )
            } else {
                "the producer was not idempotent (producer id -1): a retry without \
                 enable.idempotence wrote it again (at-least-once)"
                    .to_string()
            };
            let more = if dups.len() > 1 {
                format!(" ({} records of this batch are duplicates)", dups.len())
            } else {
                String::new()
            };
            let detail = format!(
                "broker {} appended trace {trace} at offset {offset} although its log already \
                 holds it at offset {earlier}{more}; {idempotence}",
                a.broker
            );
            let mut events: Vec<usize> = dups.iter().map(|d| d.3).collect();
            events.push(at.index);
            self.push(out, FindingKind::DuplicateRecord, detail, at, events);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn fetch(
        &mut self,
        follower: BrokerId,
        leader: BrokerId,
        fetch_offset: Offset,
        records: i64,
        high_watermark: Offset,
        at: At,
        out: &mut Vec<Finding>,
    ) {
        let end = fetch_offset.saturating_add(records.max(0));
        let copied: Vec<(Offset, Rec)> = match self.logs.get(&leader) {
            Some(l) if end > fetch_offset => l
                .records
                .range(fetch_offset..end)
                .map(|(o, r)| (*o, *r))
                .collect(),
            _ => Vec::new(),
        };
        let log = self.logs.entry(follower).or_default();
        let leo = log.leo;
        if fetch_offset > leo {
            let detail = format!(
                "follower {follower} fetched from offset {fetch_offset} of leader {leader} but \
                 its log ended at offset {leo}: offsets {leo}..{fetch_offset} are missing"
            );
            self.push(out, FindingKind::OffsetGap, detail, at, vec![at.index]);
        }
        let log = self.logs.entry(follower).or_default();
        let mut overwrote = false;
        if end > fetch_offset && fetch_offset < log.leo {
            // A fetch below the LEO replaces what was there.
            let mut tail = log.records.split_off(&fetch_offset);
            let keep = tail.split_off(&end);
            overwrote = !tail.is_empty();
            log.records.extend(keep);
        }
        log.records.extend(copied);
        log.leo = log.leo.max(end);
        self.hw.insert(follower, high_watermark);
        if overwrote {
            self.changed(follower, fetch_offset, at);
        }
    }

    fn truncate(&mut self, broker: BrokerId, to: Offset, _rule: TruncationRule, at: At) {
        let to = to.max(0);
        let log = self.logs.entry(broker).or_default();
        let had = log.cut(to);
        log.leo = log.leo.min(to);
        if let Some(hw) = self.hw.get_mut(&broker) {
            *hw = (*hw).min(to);
        }
        if had {
            self.changed(broker, to, at);
        }
    }

    fn leader_hw_changed(
        &mut self,
        broker: BrokerId,
        epoch: LeaderEpoch,
        hw: Offset,
        at: At,
        out: &mut Vec<Finding>,
    ) {
        if let Some(&(prev_epoch, prev_hw, prev_index)) = self.leader_hw.get(&broker) {
            if prev_epoch == epoch && hw < prev_hw {
                let detail = format!(
                    "leader {broker}'s high watermark went from {prev_hw} back to {hw} within \
                     leader epoch {epoch}"
                );
                self.push(
                    out,
                    FindingKind::HwRegressed,
                    detail,
                    at,
                    vec![prev_index, at.index],
                );
            }
        }
        self.leader_hw.insert(broker, (epoch, hw, at.index));
        self.hw.insert(broker, hw);
    }

    /// Compares `broker` with every other replica below both their HWs.
    fn scan_divergence(&mut self, broker: BrokerId, at: At, out: &mut Vec<Finding>) {
        let others: Vec<BrokerId> = self.logs.keys().copied().filter(|&b| b != broker).collect();
        for other in others {
            let key = (broker.min(other), broker.max(other));
            let start = self.compared.get(&key).copied().unwrap_or(0);
            let end = self.hw_of(broker).min(self.hw_of(other));
            if end <= start {
                continue;
            }
            let (Some(mine), Some(theirs)) = (self.logs.get(&broker), self.logs.get(&other)) else {
                continue;
            };
            let mut found: Vec<(Offset, Rec, Rec)> = Vec::new();
            for (offset, rec) in mine.records.range(start..end) {
                if let Some(their) = theirs.records.get(offset) {
                    if their.trace != rec.trace && !self.diverged.contains(offset) {
                        found.push((*offset, *rec, *their));
                    }
                }
            }
            self.compared.insert(key, end);
            for (offset, rec, their) in found {
                self.diverged.insert(offset);
                let detail = format!(
                    "at offset {offset} replica {broker} holds trace {} and replica {other} \
                     holds trace {}, below both high watermarks ({} and {})",
                    rec.trace,
                    their.trace,
                    self.hw_of(broker),
                    self.hw_of(other)
                );
                let mut events = vec![rec.appended, their.appended, at.index];
                events.extend(
                    self.cuts
                        .iter()
                        .filter(|c| (c.1 == broker || c.1 == other) && c.2 <= offset)
                        .map(|c| c.0)
                        .last(),
                );
                self.push(out, FindingKind::ReplicaDivergence, detail, at, events);
            }
        }
    }

    /// Rechecks outstanding acks ending above `from` (all when `None`)
    /// against the current leader.
    fn check_acks(
        &mut self,
        down: &BTreeSet<BrokerId>,
        from: Option<Offset>,
        at: At,
        out: &mut Vec<Finding>,
    ) {
        let keys: Vec<(Offset, usize)> = match from {
            Some(f) => self
                .acks
                .range((f.saturating_add(1), 0)..)
                .map(|(k, _)| *k)
                .collect(),
            None => self.acks.keys().copied().collect(),
        };
        for key in keys {
            self.check_ack(key, down, at, out);
        }
    }

    fn check_ack(
        &mut self,
        key: (Offset, usize),
        down: &BTreeSet<BrokerId>,
        at: At,
        out: &mut Vec<Finding>,
    ) {
        // Offline, or the leader is down and not yet replaced: nothing is decided.
        let Some(leader) = self.leader else {
            return;
        };
        if down.contains(&leader) {
            return;
        }
        let Some(ack) = self.acks.get(&key) else {
            return;
        };
        let (leo, records) = match self.logs.get(&leader) {
            Some(l) => (l.leo, Some(&l.records)),
            None => (0, None),
        };
        let end = ack.end();
        let mut lost: i64 = 0;
        let mut first: Option<(Offset, Option<TraceId>)> = None;
        if let Some(records) = records {
            let upto = end.min(leo);
            if upto > ack.base {
                for (offset, rec) in records.range(ack.base..upto) {
                    if rec.trace != ack.trace_at(*offset) {
                        lost += 1;
                        first.get_or_insert((*offset, Some(rec.trace)));
                    }
                }
            }
        }
        if end > leo {
            let from = ack.base.max(leo);
            lost = lost.saturating_add(end - from);
            first.get_or_insert((from, None));
        }
        let Some((offset, there)) = first else {
            return;
        };
        let Some(ack) = self.acks.remove(&key) else {
            return;
        };
        let how = match there {
            Some(other) => format!("holds trace {other} at offset {offset}"),
            None => format!("ends at offset {leo}, without offset {offset}"),
        };
        let election = if self.unclean {
            format!("epoch {}, elected uncleanly", self.leader_epoch)
        } else {
            format!("epoch {}", self.leader_epoch)
        };
        let detail = format!(
            "producer {} got acks={} for offsets {}..{} (trace {}..{}), but leader {leader} \
             ({election}) {how}: {lost} of {} acknowledged record(s) lost",
            ack.producer,
            acks_name(ack.acks),
            ack.base,
            end,
            ack.first_trace,
            ack.trace_at(end),
            ack.count
        );
        let mut events = vec![ack.index, at.index];
        events.extend(self.election.filter(|&e| e > ack.index));
        events.extend(
            self.cuts
                .iter()
                .filter(|c| c.0 > ack.index && c.2 <= offset)
                .map(|c| c.0),
        );
        self.push(out, FindingKind::AckedRecordLost, detail, at, events);
    }
}
