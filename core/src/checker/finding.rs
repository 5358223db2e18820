//! What the checker reports: the kinds of broken guarantee, each with a
//! paragraph for the page, one [`Finding`] per occurrence, and the texts
//! `sim check` prints (one line each, or JSON).

use crate::ids::{BrokerId, PartitionId};
use crate::time::SimTime;
use serde::Serialize;

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

pub(super) fn brokers(ids: &[BrokerId]) -> String {
    let s: Vec<String> = ids.iter().map(|b| b.to_string()).collect();
    format!("[{}]", s.join(","))
}

/// `offset 4` or `offsets 4-6`, for `count` consecutive values from
/// `first` (i128: neither an `Offset` nor a `TraceId` overflows it).
pub(super) fn span(noun: &str, first: i128, count: i64) -> String {
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

pub(super) fn acks_name(acks: i16) -> String {
    if acks == -1 {
        "all".to_string()
    } else {
        acks.to_string()
    }
}
