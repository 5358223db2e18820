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
//!
//! ```
//! use streamlab_core::checker::{check, summary, Checker, FindingKind};
//! use streamlab_core::{Event, EventKind, SimTime};
//!
//! // A consumer that read offsets 0..3 while the high watermark was 2.
//! let trace = vec![Event {
//!     time: SimTime(5),
//!     kind: EventKind::RecordsConsumed {
//!         consumer: "c".into(),
//!         group: None,
//!         topic: "t".into(),
//!         partition: 0,
//!         from: 0,
//!         to: 3,
//!         high_watermark: 2,
//!     },
//! }];
//!
//! // Incrementally, as the UI does while the trace grows...
//! let mut checker = Checker::new();
//! for (index, event) in trace.iter().enumerate() {
//!     checker.observe(index, event);
//! }
//! checker.finish();
//! assert_eq!(checker.findings()[0].kind, FindingKind::ReadAboveHw);
//!
//! // ...or all at once, as `sim check` does.
//! let findings = check(&trace);
//! assert!(summary(&findings).starts_with("read-above-hw t-0: consumer c read offsets 0..3"));
//! ```

use crate::vec_map::VecMap;
use crate::vec_map::VecSet;

use serde::Serialize;

use crate::event::{Event, EventKind, TraceId, TruncationRule};
use crate::ids::{BrokerId, LeaderEpoch, Offset, PartitionId, ProducerId};
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

/// `{"findings": [...]}`, as `sim check --json` prints it: keys sorted, as
/// a `serde_json::Value` would print them, without building one (its map
/// type and code would otherwise ship in the wasm bundle).
pub fn findings_json(findings: &[Finding]) -> Result<String, serde_json::Error> {
    #[derive(Serialize)]
    struct Sorted<'a> {
        detail: &'a str,
        events: &'a [usize],
        kind: FindingKind,
        partition: PartitionId,
        time: SimTime,
        topic: &'a str,
    }
    #[derive(Serialize)]
    struct Doc<'a> {
        findings: Vec<Sorted<'a>>,
    }
    let findings = findings
        .iter()
        .map(|f| Sorted {
            detail: &f.detail,
            events: &f.events,
            kind: f.kind,
            partition: f.partition,
            time: f.time,
            topic: &f.topic,
        })
        .collect();
    serde_json::to_string(&Doc { findings })
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
    let lines: Vec<String> = findings
        .iter()
        .map(|f| {
            let events: Vec<String> = f.events.iter().map(|e| format!("#{e}")).collect();
            format!(
                "{} {}-{}: {} (at {}; events {})",
                f.kind,
                f.topic,
                f.partition,
                f.detail,
                f.time,
                events.join(", ")
            )
        })
        .collect();
    lines.join("\n")
}

/// The incremental checker: feed it events in trace order with
/// [`Checker::observe`], read [`Checker::findings`] at any point.
#[derive(Debug, Clone, Default)]
pub struct Checker {
    /// Per topic, then partition: nested so a lookup borrows the event's `&str`.
    partitions: VecMap<String, VecMap<PartitionId, PartitionState>>,
    /// Brokers crashed or stopped and not started since: a leader that is
    /// down is not serving, so its (possibly empty) log says nothing yet.
    down: VecSet<BrokerId>,
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
                self.partitions.remove(topic);
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
                    for p in self.partitions.values_mut().flat_map(|t| t.values_mut()) {
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
                let Some(p) = state(&mut self.partitions, topic, *partition) else {
                    return;
                };
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
                p.scan_divergence(*broker, &self.down, at, out);
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
                    let Some(p) = state(&mut self.partitions, topic, *partition) else {
                        return;
                    };
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
                let Some(p) = state(&mut self.partitions, topic, *partition) else {
                    return;
                };
                p.fetch(
                    *broker,
                    *leader,
                    *fetch_offset,
                    i64::from(*records),
                    *high_watermark,
                    at,
                    out,
                );
                p.scan_divergence(*broker, &self.down, at, out);
            }
            EventKind::HighWatermarkChanged {
                topic,
                partition,
                broker,
                leader_epoch,
                high_watermark,
            } => {
                let Some(p) = state(&mut self.partitions, topic, *partition) else {
                    return;
                };
                p.leader_hw_changed(*broker, *leader_epoch, *high_watermark, at, out);
                p.scan_divergence(*broker, &self.down, at, out);
            }
            EventKind::IsrShrunk {
                topic,
                partition,
                removed,
                isr,
                ..
            } => {
                let Some(p) = state(&mut self.partitions, topic, *partition) else {
                    return;
                };
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
                let Some(p) = state(&mut self.partitions, topic, *partition) else {
                    return;
                };
                p.isr.clone_from(isr);
                // A replica declared in sync must agree with the others below the HW.
                for b in added {
                    p.scan_divergence(*b, &self.down, at, out);
                }
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
                let Some(p) = state(&mut self.partitions, topic, *partition) else {
                    return;
                };
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
                let Some(p) = state(&mut self.partitions, topic, *partition) else {
                    return;
                };
                p.truncate(*broker, *to, *rule, at);
                if p.leader == Some(*broker) {
                    p.check_acks(&self.down, Some(*to), at, out);
                }
                p.scan_divergence(*broker, &self.down, at, out);
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
        for p in self.partitions.values_mut().flat_map(|t| t.values_mut()) {
            p.check_acks(&self.down, None, at, &mut self.findings);
        }
    }
}

fn state<'a>(
    partitions: &'a mut VecMap<String, VecMap<PartitionId, PartitionState>>,
    topic: &str,
    partition: PartitionId,
) -> Option<&'a mut PartitionState> {
    // Look up before inserting: the topic's name is cloned once, not per event.
    if !partitions.contains_key(topic) {
        partitions.insert(topic.to_string(), VecMap::new());
    }
    let topic_state = partitions.get_mut(topic)?;
    Some(
        topic_state
            .entry(partition)
            .or_insert_with(|| PartitionState::new(topic, partition)),
    )
}

fn brokers(ids: &[BrokerId]) -> String {
    let s: Vec<String> = ids.iter().map(|b| b.to_string()).collect();
    format!("[{}]", s.join(","))
}

/// `offset 4` or `offsets 4-6`, for `count` consecutive values from
/// `first` (i128: neither an `Offset` nor a `TraceId` overflows it).
fn span(noun: &str, first: i128, count: i64) -> String {
    let (plural, space) = if noun.is_empty() {
        ("", "")
    } else {
        ("s", " ")
    };
    if count > 1 {
        let last = first + i128::from(count) - 1;
        format!("{noun}{plural}{space}{first}-{last}")
    } else {
        format!("{noun}{space}{first}")
    }
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
    records: VecMap<Offset, Rec>,
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

/// An event that dropped or overwrote a replica's records from `from` on.
#[derive(Debug, Clone, Copy)]
struct Cut {
    index: usize,
    broker: BrokerId,
    from: Offset,
    /// Set for a follower's `Truncated`; `None` for lost disks and overwrites.
    rule: Option<TruncationRule>,
}

impl Cut {
    /// Names pre-KIP-101 truncation, the usual cause of these findings.
    fn note(cuts: &[&Cut]) -> String {
        cuts.iter()
            .find(|c| c.rule == Some(TruncationRule::HighWatermark))
            .map(|c| {
                format!(
                    "; replica {} had truncated to its own high watermark {} (the pre-0.11 \
                     rule KIP-101 replaced with leader-epoch truncation)",
                    c.broker, c.from
                )
            })
            .unwrap_or_default()
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
    logs: VecMap<BrokerId, ReplicaLog>,
    /// Each replica's view of the HW (the leader's own, or a follower's from its last fetch).
    hw: VecMap<BrokerId, Offset>,
    leader: Option<BrokerId>,
    leader_epoch: LeaderEpoch,
    isr: Vec<BrokerId>,
    /// The `LeaderElected` that made the current leader.
    election: Option<usize>,
    unclean: bool,
    /// Last HW each broker announced as leader: (epoch, hw, event).
    leader_hw: VecMap<BrokerId, (LeaderEpoch, Offset, usize)>,
    /// Outstanding acknowledgements keyed by (end offset, ack event), so a
    /// change from offset `o` only rechecks acks ending above `o`.
    acks: VecMap<(Offset, usize), Ack>,
    /// Every offset a leader appended each trace id at (duplicate detection).
    appended_at: VecMap<TraceId, Vec<Offset>>,
    /// Events that dropped or overwrote records, oldest first.
    cuts: Vec<Cut>,
    /// Per replica pair (low id, high id): offsets below this were compared.
    compared: VecMap<(BrokerId, BrokerId), Offset>,
    diverged: VecSet<Offset>,
}

impl PartitionState {
    fn new(topic: &str, partition: PartitionId) -> Self {
        Self {
            topic: topic.to_string(),
            partition,
            logs: VecMap::new(),
            hw: VecMap::new(),
            leader: None,
            leader_epoch: 0,
            isr: Vec::new(),
            election: None,
            unclean: false,
            leader_hw: VecMap::new(),
            acks: VecMap::new(),
            appended_at: VecMap::new(),
            cuts: Vec::new(),
            compared: VecMap::new(),
            diverged: VecSet::new(),
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
    fn changed(&mut self, broker: BrokerId, from: Offset, rule: Option<TruncationRule>, at: At) {
        self.cuts.push(Cut {
            index: at.index,
            broker,
            from,
            rule,
        });
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
            self.changed(broker, 0, None, at);
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
            self.changed(a.broker, a.base, None, at);
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
                .range(&fetch_offset, &end)
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
            self.changed(follower, fetch_offset, None, at);
        }
    }

    fn truncate(&mut self, broker: BrokerId, to: Offset, rule: TruncationRule, at: At) {
        let to = to.max(0);
        let log = self.logs.entry(broker).or_default();
        let had = log.cut(to);
        log.leo = log.leo.min(to);
        if let Some(hw) = self.hw.get_mut(&broker) {
            *hw = (*hw).min(to);
        }
        if had {
            self.changed(broker, to, Some(rule), at);
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
    /// Replicas that are down are skipped: a crashed broker's stale log is
    /// compared once it is back and has truncated and fetched.
    fn scan_divergence(
        &mut self,
        broker: BrokerId,
        down: &VecSet<BrokerId>,
        at: At,
        out: &mut Vec<Finding>,
    ) {
        if down.contains(&broker) {
            return;
        }
        let others: Vec<BrokerId> = self
            .logs
            .keys()
            .copied()
            .filter(|b| *b != broker && !down.contains(b))
            .collect();
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
            for (offset, rec) in mine.records.range(&start, &end) {
                if let Some(their) = theirs.records.get(offset) {
                    if their.trace != rec.trace && !self.diverged.contains(offset) {
                        found.push((*offset, *rec, *their));
                    }
                }
            }
            self.compared.insert(key, end);
            for (offset, rec, their) in found {
                self.diverged.insert(offset);
                let cuts: Vec<&Cut> = self
                    .cuts
                    .iter()
                    .filter(|c| (c.broker == broker || c.broker == other) && c.from <= offset)
                    .collect();
                let detail = format!(
                    "at offset {offset} replica {broker} holds trace {} and replica {other} \
                     holds trace {}, below both high watermarks ({} and {}){}",
                    rec.trace,
                    their.trace,
                    self.hw_of(broker),
                    self.hw_of(other),
                    Cut::note(&cuts)
                );
                let mut events = vec![rec.appended, their.appended, at.index];
                events.extend(cuts.last().map(|c| c.index));
                self.push(out, FindingKind::ReplicaDivergence, detail, at, events);
            }
        }
    }

    /// Rechecks outstanding acks ending above `from` (all when `None`)
    /// against the current leader.
    fn check_acks(
        &mut self,
        down: &VecSet<BrokerId>,
        from: Option<Offset>,
        at: At,
        out: &mut Vec<Finding>,
    ) {
        let keys: Vec<(Offset, usize)> = match from {
            Some(f) => self
                .acks
                .range_from(&(f.saturating_add(1), 0))
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
        down: &VecSet<BrokerId>,
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
                for (offset, rec) in records.range(&ack.base, &upto) {
                    if rec.trace != ack.trace_at(*offset) {
                        lost += 1;
                        first.get_or_insert((*offset, Some(rec.trace)));
                    }
                }
            }
        }
        if end > leo {
            let from = ack.base.max(leo);
            lost = lost.saturating_add(end.saturating_sub(from));
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
            None => format!("has no offset {offset} (its log end offset is {leo})"),
        };
        let election = if self.unclean {
            format!("epoch {}, elected uncleanly", self.leader_epoch)
        } else {
            format!("epoch {}", self.leader_epoch)
        };
        let cuts: Vec<&Cut> = self
            .cuts
            .iter()
            .filter(|c| c.index > ack.index && c.from <= offset)
            .collect();
        let detail = format!(
            "producer {} got acks={} for {} (trace {}), but leader {leader} ({election}) \
             {how}: {lost} of {} acknowledged record(s) lost{}",
            ack.producer,
            acks_name(ack.acks),
            span("offset", i128::from(ack.base), ack.count),
            span("", i128::from(ack.first_trace), ack.count),
            ack.count,
            Cut::note(&cuts)
        );
        let mut events = vec![ack.index, at.index];
        events.extend(self.election.filter(|&e| e > ack.index));
        events.extend(cuts.iter().map(|c| c.index));
        self.push(out, FindingKind::AckedRecordLost, detail, at, events);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{ElectionReason, IsrChangeReason};

    const T: &str = "t";

    /// A trace under construction: one event per call, 10 ms apart.
    #[derive(Default)]
    struct Trace(Vec<Event>);

    impl Trace {
        fn push(&mut self, kind: EventKind) -> usize {
            let time = SimTime(10 * self.0.len() as u64);
            self.0.push(Event { time, kind });
            self.0.len() - 1
        }
        fn created(&mut self) -> usize {
            self.push(EventKind::TopicCreated {
                topic: T.into(),
                partitions: 1,
                replication_factor: 3,
            })
        }
        fn elected(&mut self, leader: Option<BrokerId>, epoch: i32, isr: &[BrokerId]) -> usize {
            self.election(leader, epoch, isr, false)
        }
        fn election(
            &mut self,
            leader: Option<BrokerId>,
            epoch: i32,
            isr: &[BrokerId],
            unclean: bool,
        ) -> usize {
            self.push(EventKind::LeaderElected {
                topic: T.into(),
                partition: 0,
                leader,
                leader_epoch: epoch,
                isr: isr.to_vec(),
                unclean,
                reason: ElectionReason::LeaderFailed,
            })
        }
        fn append(&mut self, broker: BrokerId, base: Offset, count: i32, trace: u64) -> usize {
            self.append_by(broker, base, count, trace, -1)
        }
        fn append_by(
            &mut self,
            broker: BrokerId,
            base: Offset,
            count: i32,
            trace: u64,
            producer_id: ProducerId,
        ) -> usize {
            self.push(EventKind::BatchAppended {
                topic: T.into(),
                partition: 0,
                broker,
                base_offset: base,
                count,
                leader_epoch: 0,
                producer_id,
                base_sequence: if producer_id >= 0 { 0 } else { -1 },
                first_trace: trace,
            })
        }
        fn fetched(
            &mut self,
            broker: BrokerId,
            leader: BrokerId,
            from: Offset,
            records: i32,
            hw: Offset,
        ) -> usize {
            self.push(EventKind::ReplicaFetched {
                topic: T.into(),
                partition: 0,
                broker,
                leader,
                fetch_offset: from,
                records,
                leo: from + Offset::from(records),
                high_watermark: hw,
            })
        }
        fn hw(&mut self, broker: BrokerId, epoch: i32, hw: Offset) -> usize {
            self.push(EventKind::HighWatermarkChanged {
                topic: T.into(),
                partition: 0,
                broker,
                leader_epoch: epoch,
                high_watermark: hw,
            })
        }
        fn acked(&mut self, base: Offset, count: i32, trace: u64, acks: i16) -> usize {
            self.push(EventKind::ProduceAcked {
                producer: "p".into(),
                request: 1,
                topic: T.into(),
                partition: 0,
                base_offset: base,
                count,
                first_trace: trace,
                acks,
            })
        }
        fn truncated(&mut self, broker: BrokerId, to: Offset, from_leo: Offset) -> usize {
            self.push(EventKind::Truncated {
                topic: T.into(),
                partition: 0,
                broker,
                to,
                from_leo,
                rule: TruncationRule::HighWatermark,
            })
        }
        fn crashed(&mut self, broker: BrokerId, disk_lost: bool) -> usize {
            self.push(EventKind::BrokerCrashed { broker, disk_lost })
        }
        fn started(&mut self, broker: BrokerId) -> usize {
            self.push(EventKind::BrokerStarted { broker })
        }
        fn shrunk(&mut self, removed: &[BrokerId], isr: &[BrokerId]) -> usize {
            self.push(EventKind::IsrShrunk {
                topic: T.into(),
                partition: 0,
                removed: removed.to_vec(),
                isr: isr.to_vec(),
                reason: IsrChangeReason::LagTimeExceeded,
            })
        }
        fn consumed(&mut self, from: Offset, to: Offset, hw: Offset) -> usize {
            self.push(EventKind::RecordsConsumed {
                consumer: "c".into(),
                group: Some("g".into()),
                topic: T.into(),
                partition: 0,
                from,
                to,
                high_watermark: hw,
            })
        }
        fn committed(&mut self, offset: Offset, hw: Offset) -> usize {
            self.push(EventKind::OffsetCommitted {
                group: "g".into(),
                topic: T.into(),
                partition: 0,
                offset,
                high_watermark: hw,
            })
        }
        fn check(&self) -> Vec<Finding> {
            check(&self.0)
        }
    }

    fn kinds(findings: &[Finding]) -> Vec<FindingKind> {
        findings.iter().map(|f| f.kind).collect()
    }

    /// Leader 0, followers 1 and 2, one record (trace 100) at offset 0.
    /// With `replicated`, both followers have it and the HW passed it.
    fn one_record(acks: i16, replicated: bool) -> (Trace, usize) {
        let mut t = Trace::default();
        t.created();
        t.elected(Some(0), 0, &[0, 1, 2]);
        t.append(0, 0, 1, 100);
        if replicated {
            t.fetched(1, 0, 0, 1, 0);
            t.fetched(2, 0, 0, 1, 0);
            t.hw(0, 0, 1);
        }
        let ack = t.acked(0, 1, 100, acks);
        (t, ack)
    }

    #[test]
    fn acks_1_then_leader_crash_loses_the_acked_record() {
        let (mut t, ack) = one_record(1, false);
        t.crashed(0, false);
        let election = t.elected(Some(1), 1, &[1, 2]);
        let f = t.check();
        assert_eq!(kinds(&f), vec![FindingKind::AckedRecordLost]);
        assert_eq!(f[0].events, vec![ack, election]);
        assert_eq!(f[0].time, t.0[election].time);
        assert!(
            f[0].detail.contains("acks=1 for offset 0 (trace 100)"),
            "{}",
            f[0].detail
        );
        assert!(f[0].detail.contains("leader 1"), "{}", f[0].detail);
    }

    #[test]
    fn acks_0_lost_is_not_a_finding() {
        let (mut t, _) = one_record(0, false);
        t.crashed(0, false);
        t.elected(Some(1), 1, &[1, 2]);
        assert_eq!(t.check(), vec![]);
    }

    #[test]
    fn acks_all_replicated_survives_a_clean_election() {
        let (mut t, _) = one_record(-1, true);
        t.crashed(0, false);
        t.elected(Some(1), 1, &[1, 2]);
        t.append(1, 1, 1, 101);
        t.fetched(2, 1, 1, 1, 1);
        t.hw(1, 1, 2);
        t.started(0);
        t.truncated(0, 1, 1);
        t.fetched(0, 1, 1, 1, 2);
        assert_eq!(t.check(), vec![]);
    }

    #[test]
    fn unclean_election_loses_acked_data() {
        let mut t = Trace::default();
        t.created();
        t.elected(Some(0), 0, &[0, 1]);
        t.shrunk(&[1], &[0]);
        t.append(0, 0, 1, 7);
        t.hw(0, 0, 1);
        let ack = t.acked(0, 1, 7, -1);
        t.crashed(0, false);
        t.elected(None, 1, &[0]);
        let e = t.election(Some(1), 2, &[1], true);
        let f = t.check();
        assert_eq!(kinds(&f), vec![FindingKind::AckedRecordLost]);
        assert_eq!(f[0].events, vec![ack, e]);
        assert!(f[0].detail.contains("uncleanly"), "{}", f[0].detail);
        assert!(f[0].detail.contains("acks=all"), "{}", f[0].detail);

        // The same failover while the partition stays offline loses nothing yet.
        let safe = Trace(t.0[..t.0.len() - 1].to_vec());
        assert_eq!(safe.check(), vec![]);
    }

    #[test]
    fn truncating_an_unacked_follower_tail_is_safe() {
        let (mut t, _) = one_record(-1, true);
        // Offset 1 reaches follower 1 only, is never committed or acked.
        t.append(0, 1, 1, 101);
        t.fetched(1, 0, 1, 1, 1);
        t.crashed(0, false);
        t.elected(Some(2), 1, &[1, 2]);
        t.append(2, 1, 1, 102);
        t.truncated(1, 1, 2);
        t.fetched(1, 2, 1, 1, 1);
        t.hw(2, 1, 2);
        t.fetched(1, 2, 2, 0, 2);
        assert_eq!(t.check(), vec![]);

        // The same trace with offset 1 acked (acks=1): now it is a loss.
        let (mut lost, _) = one_record(-1, true);
        lost.append(0, 1, 1, 101);
        lost.acked(1, 1, 101, 1);
        lost.fetched(1, 0, 1, 1, 1);
        lost.crashed(0, false);
        lost.elected(Some(2), 1, &[1, 2]);
        assert_eq!(kinds(&lost.check()), vec![FindingKind::AckedRecordLost]);
    }

    /// KIP-101: follower 1 restarts and truncates to its lagging HW, the
    /// leader dies, 1 leads and writes a different record at offset 1, and
    /// the old leader keeps its own offset 1 below its HW.
    fn kip101(hw_truncation: bool) -> Trace {
        let mut t = Trace::default();
        t.created();
        t.elected(Some(0), 0, &[0, 1]);
        t.append(0, 0, 1, 1);
        t.fetched(1, 0, 0, 1, 0);
        t.hw(0, 0, 1);
        t.append(0, 1, 1, 2);
        t.fetched(1, 0, 1, 1, 1);
        t.hw(0, 0, 2);
        t.acked(1, 1, 2, -1);
        t.crashed(1, false);
        t.started(1);
        if hw_truncation {
            t.truncated(1, 1, 2);
        }
        t.crashed(0, false);
        t.elected(Some(1), 1, &[1]);
        let next = if hw_truncation { 1 } else { 2 };
        t.append(1, next, 1, 3);
        t.hw(1, 1, next + 1);
        t.started(0);
        // HW rule: its own HW is 2. Leader epoch: epoch 0 ended at 2 on the
        // new leader. Either way nothing is dropped.
        t.truncated(0, 2, 2);
        t.fetched(0, 1, 2, if hw_truncation { 0 } else { 1 }, next + 1);
        t
    }

    #[test]
    fn high_watermark_truncation_diverges_and_loses() {
        let t = kip101(true);
        let f = t.check();
        assert_eq!(
            kinds(&f),
            vec![FindingKind::AckedRecordLost, FindingKind::ReplicaDivergence],
            "{f:#?}"
        );
        assert!(f[1].detail.contains("offset 1"), "{}", f[1].detail);
        for finding in &f {
            assert!(finding.detail.contains("KIP-101"), "{}", finding.detail);
        }
        // The truncation of follower 1 is among the causes of the loss.
        let cut =
            t.0.iter()
                .position(|e| matches!(e.kind, EventKind::Truncated { broker: 1, .. }))
                .expect("truncation of 1");
        assert!(f[0].events.contains(&cut), "{:?}", f[0].events);
    }

    #[test]
    fn leader_epoch_truncation_keeps_replicas_identical() {
        assert_eq!(kip101(false).check(), vec![]);
    }

    #[test]
    fn corrupted_trace_record_removed_from_new_leader_is_caught() {
        let (mut t, _) = one_record(-1, true);
        t.crashed(0, false);
        t.elected(Some(1), 1, &[1, 2]);
        let clean = t.check();
        assert_eq!(clean, vec![]);

        // Corruption 1: the new leader never fetched the record.
        let mut corrupted = t.0.clone();
        let fetch = corrupted
            .iter()
            .position(|e| matches!(e.kind, EventKind::ReplicaFetched { broker: 1, .. }))
            .expect("fetch by 1");
        corrupted.remove(fetch);
        assert_eq!(
            kinds(&check(&corrupted)),
            vec![FindingKind::AckedRecordLost]
        );

        // Corruption 2: the new leader drops it after the election.
        let mut t2 = Trace(t.0.clone());
        let cut = t2.truncated(1, 0, 1);
        let f = t2.check();
        assert_eq!(kinds(&f), vec![FindingKind::AckedRecordLost]);
        assert!(f[0].events.contains(&cut));
    }

    #[test]
    fn lost_disk_loses_what_only_that_broker_had() {
        for disk_lost in [false, true] {
            let mut t = Trace::default();
            t.created();
            t.elected(Some(0), 0, &[0]);
            t.append(0, 0, 2, 50);
            t.hw(0, 0, 2);
            t.acked(0, 2, 50, -1);
            t.crashed(0, disk_lost);
            t.elected(None, 1, &[0]);
            t.started(0);
            t.elected(Some(0), 2, &[0]);
            let f = t.check();
            if disk_lost {
                assert_eq!(kinds(&f), vec![FindingKind::AckedRecordLost]);
                assert!(
                    f[0].detail.contains("offsets 0-1 (trace 50-51)"),
                    "{}",
                    f[0].detail
                );
                assert!(f[0].detail.contains("2 of 2"), "{}", f[0].detail);
            } else {
                assert_eq!(f, vec![]);
            }
        }
    }

    #[test]
    fn a_lost_ack_is_reported_once() {
        let (mut t, _) = one_record(1, false);
        t.crashed(0, false);
        t.elected(Some(1), 1, &[1, 2]);
        t.append(1, 0, 1, 200);
        t.crashed(1, false);
        t.elected(Some(2), 2, &[2]);
        assert_eq!(kinds(&t.check()), vec![FindingKind::AckedRecordLost]);
    }

    #[test]
    fn the_leader_overwriting_an_acked_offset_is_caught_when_it_happens() {
        let (mut t, ack) = one_record(-1, true);
        let mut c = Checker::new();
        let bad = t.append(0, 0, 1, 999);
        for (i, e) in t.0.iter().enumerate() {
            c.observe(i, e);
        }
        let kinds: Vec<FindingKind> = c.findings().iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            vec![FindingKind::OffsetGap, FindingKind::AckedRecordLost]
        );
        assert_eq!(c.findings()[1].events, vec![ack, bad]);
    }

    #[test]
    fn deleting_and_recreating_a_topic_is_not_a_loss() {
        let (mut t, _) = one_record(-1, true);
        t.push(EventKind::TopicDeleted { topic: T.into() });
        t.created();
        t.elected(Some(1), 0, &[1, 2]);
        assert_eq!(t.check(), vec![]);
    }

    #[test]
    fn a_crashed_leader_not_yet_replaced_decides_nothing() {
        let (mut t, _) = one_record(1, false);
        t.crashed(0, true);
        assert_eq!(t.check(), vec![]);
    }

    #[test]
    fn read_at_or_above_the_high_watermark() {
        let mut t = Trace::default();
        t.consumed(0, 2, 2);
        assert_eq!(t.check(), vec![]);
        let bad = t.consumed(2, 3, 2);
        let f = t.check();
        assert_eq!(kinds(&f), vec![FindingKind::ReadAboveHw]);
        assert_eq!(f[0].events, vec![bad]);
        assert!(f[0].detail.contains("group g"), "{}", f[0].detail);
    }

    #[test]
    fn commit_above_the_high_watermark() {
        let mut t = Trace::default();
        t.committed(2, 2);
        assert_eq!(t.check(), vec![]);
        t.committed(3, 2);
        assert_eq!(kinds(&t.check()), vec![FindingKind::CommitAboveHw]);
    }

    #[test]
    fn leader_outside_the_isr() {
        let mut safe = Trace::default();
        safe.elected(Some(2), 1, &[0, 2]);
        safe.shrunk(&[0], &[2]);
        assert_eq!(safe.check(), vec![]);

        let mut t = Trace::default();
        let e = t.elected(Some(2), 1, &[0, 1]);
        let f = t.check();
        assert_eq!(kinds(&f), vec![FindingKind::LeaderNotInIsr]);
        assert_eq!(f[0].events, vec![e]);

        let mut t = Trace::default();
        t.elected(Some(2), 1, &[0, 2]);
        t.shrunk(&[2], &[0]);
        assert_eq!(kinds(&t.check()), vec![FindingKind::LeaderNotInIsr]);

        // Offline (no leader) with a stale ISR is not a leader outside it.
        let mut t = Trace::default();
        t.elected(None, 1, &[0]);
        t.shrunk(&[0], &[]);
        assert_eq!(t.check(), vec![]);
    }

    #[test]
    fn retry_without_idempotence_duplicates() {
        let mut t = Trace::default();
        t.elected(Some(0), 0, &[0]);
        let first = t.append(0, 0, 2, 10);
        let retry = t.append(0, 2, 2, 10);
        let f = t.check();
        assert_eq!(kinds(&f), vec![FindingKind::DuplicateRecord]);
        assert_eq!(f[0].events, vec![first, retry]);
        assert!(f[0].detail.contains("not idempotent"), "{}", f[0].detail);
        assert!(f[0].detail.contains("2 records"), "{}", f[0].detail);
    }

    #[test]
    fn duplicate_under_idempotence_says_exactly_once_broke() {
        let mut t = Trace::default();
        t.elected(Some(0), 0, &[0]);
        t.append_by(0, 0, 1, 10, 4000);
        t.append_by(0, 1, 1, 10, 4000);
        let f = t.check();
        assert_eq!(kinds(&f), vec![FindingKind::DuplicateRecord]);
        assert!(f[0].detail.contains("was idempotent"), "{}", f[0].detail);
        assert!(f[0].detail.contains("4000"), "{}", f[0].detail);
    }

    #[test]
    fn recognised_idempotent_retry_is_no_duplicate() {
        let mut t = Trace::default();
        t.elected(Some(0), 0, &[0]);
        t.append_by(0, 0, 1, 10, 4000);
        t.push(EventKind::DuplicateIgnored {
            topic: T.into(),
            partition: 0,
            broker: 0,
            producer_id: 4000,
            base_sequence: 0,
            original_offset: 0,
        });
        t.hw(0, 0, 1);
        t.acked(0, 1, 10, -1);
        assert_eq!(t.check(), vec![]);
    }

    #[test]
    fn retry_on_a_new_leader_that_lacks_the_first_copy_is_no_duplicate() {
        let mut t = Trace::default();
        t.elected(Some(0), 0, &[0, 1]);
        t.append(0, 0, 1, 10);
        t.append(0, 1, 1, 11);
        t.fetched(1, 0, 0, 1, 0);
        t.crashed(0, false);
        t.elected(Some(1), 1, &[1]);
        // Trace 11 was at offset 1 on broker 0 only; its retry lands on 1.
        t.append(1, 1, 1, 11);
        assert_eq!(t.check(), vec![]);
        // Retrying trace 10, which broker 1 already has, is a duplicate.
        t.append(1, 2, 1, 10);
        assert_eq!(kinds(&t.check()), vec![FindingKind::DuplicateRecord]);
    }

    #[test]
    fn append_off_the_log_end_is_an_offset_gap() {
        let mut t = Trace::default();
        t.elected(Some(0), 0, &[0]);
        t.append(0, 0, 1, 1);
        t.append(0, 1, 1, 2);
        assert_eq!(t.check(), vec![]);
        let bad = t.append(0, 3, 1, 3);
        let f = t.check();
        assert_eq!(kinds(&f), vec![FindingKind::OffsetGap]);
        assert_eq!(f[0].events, vec![bad]);
        assert!(f[0].detail.contains("2..3"), "{}", f[0].detail);
    }

    #[test]
    fn follower_fetching_past_its_log_end_is_an_offset_gap() {
        let mut t = Trace::default();
        t.elected(Some(0), 0, &[0, 1]);
        t.append(0, 0, 3, 1);
        t.fetched(1, 0, 0, 1, 0);
        t.fetched(1, 0, 1, 1, 0);
        assert_eq!(t.check(), vec![]);
        t.fetched(1, 0, 3, 0, 0);
        assert_eq!(kinds(&t.check()), vec![FindingKind::OffsetGap]);
    }

    #[test]
    fn high_watermark_going_back_within_an_epoch() {
        let mut t = Trace::default();
        t.elected(Some(0), 0, &[0]);
        t.append(0, 0, 3, 1);
        let up = t.hw(0, 0, 3);
        // A new epoch may start lower.
        let mut safe = Trace(t.0.clone());
        safe.hw(0, 1, 2);
        assert_eq!(safe.check(), vec![]);

        let down = t.hw(0, 0, 2);
        let f = t.check();
        assert_eq!(kinds(&f), vec![FindingKind::HwRegressed]);
        assert_eq!(f[0].events, vec![up, down]);
    }

    #[test]
    fn divergence_is_reported_once_per_offset() {
        let mut t = Trace::default();
        t.elected(Some(0), 0, &[0, 1, 2]);
        t.append(0, 0, 1, 1);
        t.hw(0, 0, 1);
        // Two other replicas were (wrongly) written by a zombie leader.
        t.append(1, 0, 1, 9);
        t.fetched(1, 1, 1, 0, 1);
        t.fetched(2, 1, 0, 1, 1);
        let f = t.check();
        assert_eq!(kinds(&f), vec![FindingKind::ReplicaDivergence], "{f:#?}");
    }

    #[test]
    fn findings_json_matches_a_json_value() {
        let (mut t, _) = one_record(1, false);
        t.crashed(0, false);
        t.elected(Some(1), 1, &[1, 2]);
        let findings = t.check();
        assert!(!findings.is_empty());
        let via_value = serde_json::to_string(&serde_json::json!({ "findings": findings }))
            .expect("serializes");
        assert_eq!(findings_json(&findings).expect("serializes"), via_value);
        assert_eq!(
            findings_json(&[]).expect("serializes"),
            r#"{"findings":[]}"#
        );
    }

    #[test]
    fn findings_serialize_in_kebab_case() {
        let (mut t, ack) = one_record(1, false);
        t.crashed(0, false);
        let e = t.elected(Some(1), 1, &[1, 2]);
        let json = serde_json::to_string(&t.check()).expect("serializes");
        assert!(
            json.starts_with(r#"[{"kind":"acked-record-lost","topic":"t","partition":0,"detail":"#),
            "{json}"
        );
        let value: serde_json::Value = serde_json::from_str(&json).expect("parses");
        assert_eq!(value[0]["time"], serde_json::json!(t.0[e].time.0));
        assert_eq!(value[0]["events"], serde_json::json!([ack, e]));
        for kind in FindingKind::ALL {
            let name = serde_json::to_value(kind).expect("serializes");
            assert_eq!(name, serde_json::json!(kind.name()));
            assert!(kind.explain().len() > 100, "{kind}");
        }
    }

    #[test]
    fn summary_lines() {
        assert_eq!(summary(&[]), "No findings: every invariant held.");
        let mut t = Trace::default();
        t.committed(3, 2);
        t.consumed(0, 4, 2);
        let s = summary(&t.check());
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines.len(), 2, "{s}");
        assert!(lines[0].starts_with("commit-above-hw t-0: group g"), "{s}");
        assert!(lines[1].starts_with("read-above-hw t-0: "), "{s}");
        assert!(lines[1].ends_with("(at 10ms; events #1)"), "{s}");
    }

    #[test]
    fn incremental_and_whole_trace_agree() {
        let t = kip101(true);
        let mut c = Checker::new();
        for (i, e) in t.0.iter().enumerate() {
            c.observe(i, e);
        }
        c.finish();
        c.finish();
        assert_eq!(c.findings(), t.check().as_slice());
    }

    #[test]
    fn unclean_election_with_leader_epoch_truncation_loses_but_does_not_diverge() {
        let mut t = Trace::default();
        t.created();
        t.elected(Some(0), 0, &[0, 1]);
        t.append(0, 0, 2, 1);
        t.fetched(1, 0, 0, 1, 0);
        t.shrunk(&[1], &[0]);
        t.hw(0, 0, 2);
        t.acked(0, 2, 1, -1);
        t.crashed(0, false);
        t.election(Some(1), 1, &[1], true);
        t.append(1, 1, 2, 10);
        // Broker 0 is down: its stale offset 1 is not compared yet.
        t.hw(1, 1, 3);
        t.started(0);
        // Leader epoch: epoch 0 ended at offset 1 on the new leader.
        t.truncated(0, 1, 2);
        t.fetched(0, 1, 1, 2, 3);
        let f = t.check();
        assert_eq!(kinds(&f), vec![FindingKind::AckedRecordLost], "{f:#?}");
        assert!(f[0].detail.contains("1 of 2"), "{}", f[0].detail);
    }

    mod prop {
        use super::*;
        use proptest::prelude::*;

        fn garbage() -> impl Strategy<Value = EventKind> {
            let b = -1i32..4;
            let o = prop_oneof![-3i64..12, Just(i64::MIN), Just(i64::MAX)];
            prop_oneof![
                (b.clone(), any::<bool>())
                    .prop_map(|(broker, disk_lost)| EventKind::BrokerCrashed { broker, disk_lost }),
                b.clone()
                    .prop_map(|broker| EventKind::BrokerStarted { broker }),
                (b.clone(), o.clone(), -2i32..5, 0u64..6, -1i64..2).prop_map(
                    |(broker, base_offset, count, first_trace, producer_id)| {
                        EventKind::BatchAppended {
                            topic: T.into(),
                            partition: 0,
                            broker,
                            base_offset,
                            count,
                            leader_epoch: 0,
                            producer_id,
                            base_sequence: 0,
                            first_trace,
                        }
                    }
                ),
                (
                    o.clone(),
                    -2i32..5,
                    0u64..6,
                    prop_oneof![Just(-1i16), Just(0), Just(1)]
                )
                    .prop_map(|(base_offset, count, first_trace, acks)| {
                        EventKind::ProduceAcked {
                            producer: "p".into(),
                            request: 0,
                            topic: T.into(),
                            partition: 0,
                            base_offset,
                            count,
                            first_trace,
                            acks,
                        }
                    }),
                (b.clone(), b.clone(), o.clone(), -2i32..5, o.clone()).prop_map(
                    |(broker, leader, fetch_offset, records, high_watermark)| {
                        EventKind::ReplicaFetched {
                            topic: T.into(),
                            partition: 0,
                            broker,
                            leader,
                            fetch_offset,
                            records,
                            leo: 0,
                            high_watermark,
                        }
                    }
                ),
                (b.clone(), 0i32..3, o.clone()).prop_map(
                    |(broker, leader_epoch, high_watermark)| {
                        EventKind::HighWatermarkChanged {
                            topic: T.into(),
                            partition: 0,
                            broker,
                            leader_epoch,
                            high_watermark,
                        }
                    }
                ),
                (
                    proptest::option::of(b.clone()),
                    0i32..3,
                    proptest::collection::vec(b.clone(), 0..3),
                    any::<bool>()
                )
                    .prop_map(|(leader, leader_epoch, isr, unclean)| {
                        EventKind::LeaderElected {
                            topic: T.into(),
                            partition: 0,
                            leader,
                            leader_epoch,
                            isr,
                            unclean,
                            reason: ElectionReason::LeaderFailed,
                        }
                    }),
                (
                    proptest::collection::vec(b.clone(), 0..3),
                    proptest::collection::vec(b.clone(), 0..3)
                )
                    .prop_map(|(removed, isr)| EventKind::IsrShrunk {
                        topic: T.into(),
                        partition: 0,
                        removed,
                        isr,
                        reason: IsrChangeReason::LagTimeExceeded,
                    }),
                (b, o.clone()).prop_map(|(broker, to)| EventKind::Truncated {
                    topic: T.into(),
                    partition: 0,
                    broker,
                    to,
                    from_leo: 0,
                    rule: TruncationRule::LeaderEpoch,
                }),
                (o.clone(), o.clone(), o).prop_map(|(from, to, high_watermark)| {
                    EventKind::RecordsConsumed {
                        consumer: "c".into(),
                        group: None,
                        topic: T.into(),
                        partition: 0,
                        from,
                        to,
                        high_watermark,
                    }
                }),
                Just(EventKind::TopicDeleted { topic: T.into() }),
            ]
        }

        proptest! {
            /// Any sequence of events, however inconsistent, gives findings and never a panic,
            /// and the incremental checker agrees with `check`.
            #[test]
            fn garbage_traces_never_panic(kinds in proptest::collection::vec(garbage(), 0..60)) {
                let trace: Vec<Event> = kinds
                    .into_iter()
                    .enumerate()
                    .map(|(i, kind)| Event { time: SimTime(i as u64), kind })
                    .collect();
                let all = check(&trace);
                let mut c = Checker::new();
                for (i, e) in trace.iter().enumerate() {
                    c.observe(i, e);
                }
                c.finish();
                prop_assert_eq!(c.findings(), all.as_slice());
                for f in &all {
                    prop_assert!(f.events.iter().all(|&e| e < trace.len()));
                    prop_assert!(!f.events.is_empty());
                }
                let _ = summary(&all);
            }
        }
    }
}
