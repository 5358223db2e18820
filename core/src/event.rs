//! The typed event trace: every state change, stamped with simulated time.
//! The checker, the UI's event log and the determinism hash all read it.
//!
//! Events say what happened, never why it was allowed: the invariant checker
//! (outside the system under test) decides whether a sequence is safe.

use crate::ids::{BrokerId, LeaderEpoch, Offset, PartitionId, ProducerId};
use crate::time::SimTime;

/// Identifies one record from the client's `send()` to its append and ack.
/// Not part of Kafka's wire format: the simulation's tracer, like a
/// distributed-tracing id, so lost and duplicated records can be proven.
pub type TraceId = u64;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Event {
    pub time: SimTime,
    pub kind: EventKind,
}

/// How a follower decides where to truncate when it follows a new leader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TruncationRule {
    /// Pre-0.11 Kafka: truncate to the follower's own high watermark (KIP-101's bug).
    HighWatermark,
    /// Modern Kafka (KIP-101/279): ask the leader where the follower's last epoch ended.
    #[default]
    LeaderEpoch,
}

/// Why the ISR changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IsrChangeReason {
    /// The follower did not catch up to the leader's LEO within `replica.lag.time.max.ms`.
    LagTimeExceeded,
    /// The follower's broker lost its ZooKeeper session (crashed, stopped or cut off).
    SessionExpired,
    /// The follower's LEO reached the high watermark again.
    CaughtUp,
    /// A new leader was elected with this ISR.
    Election,
    /// `kafka-server-stop.sh`: the controller takes the broker out first.
    ControlledShutdown,
}

/// Why a leader election ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ElectionReason {
    /// The partition was created.
    Created,
    /// The previous leader's broker went away.
    LeaderFailed,
    /// A replica of an offline partition came back.
    BrokerReturned,
    /// `kafka-leader-election.sh --election-type preferred` / auto rebalance.
    Preferred,
    /// Controlled shutdown moved leadership away.
    ControlledShutdown,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum EventKind {
    // ---- brokers, metadata store, controller ----
    BrokerStarted {
        broker: BrokerId,
    },
    /// `kafka-server-stop.sh`: controlled shutdown, session closed at once.
    BrokerStopped {
        broker: BrokerId,
    },
    /// `sim crash`: the process dies; ZooKeeper notices only at session expiry.
    BrokerCrashed {
        broker: BrokerId,
        disk_lost: bool,
    },
    /// ZooKeeper dropped the broker's ephemeral node (`zookeeper.session.timeout.ms` passed).
    SessionExpired {
        broker: BrokerId,
    },
    ControllerElected {
        broker: BrokerId,
        controller_epoch: i32,
    },
    /// Links between nodes changed (`sim isolate`, `sim slow`, `sim heal`, ...).
    NetworkChanged {
        description: String,
    },
    /// A broker-level setting changed with `sim set`.
    ConfigChanged {
        key: String,
        value: String,
    },

    // ---- topics ----
    TopicCreated {
        topic: String,
        partitions: i32,
        replication_factor: i32,
    },
    TopicDeleted {
        topic: String,
    },
    PartitionsAdded {
        topic: String,
        from: i32,
        to: i32,
    },

    // ---- produce path ----
    /// A producer sent a batch (`attempt` > 1 is a retry).
    ProduceSent {
        producer: String,
        request: u64,
        topic: String,
        partition: PartitionId,
        count: i32,
        first_trace: TraceId,
        acks: i16,
        attempt: i32,
    },
    /// The leader appended a batch: offsets `base_offset .. base_offset + count`.
    BatchAppended {
        topic: String,
        partition: PartitionId,
        broker: BrokerId,
        base_offset: Offset,
        count: i32,
        leader_epoch: LeaderEpoch,
        producer_id: ProducerId,
        base_sequence: i32,
        first_trace: TraceId,
    },
    /// An idempotent retry the leader recognised: answered with the original offset, not appended.
    DuplicateIgnored {
        topic: String,
        partition: PartitionId,
        broker: BrokerId,
        producer_id: ProducerId,
        base_sequence: i32,
        original_offset: Offset,
    },
    /// The producer got a successful answer (for acks=0: counted as sent).
    ProduceAcked {
        producer: String,
        request: u64,
        topic: String,
        partition: PartitionId,
        base_offset: Offset,
        count: i32,
        first_trace: TraceId,
        acks: i16,
    },
    /// The producer got an error (`error` is Kafka's exception name).
    ProduceFailed {
        producer: String,
        request: u64,
        topic: String,
        partition: PartitionId,
        error: String,
        will_retry: bool,
    },

    // ---- replication ----
    /// A follower's fetch was answered: it now has `leo`, and learned `high_watermark`.
    ReplicaFetched {
        topic: String,
        partition: PartitionId,
        broker: BrokerId,
        leader: BrokerId,
        fetch_offset: Offset,
        records: i32,
        leo: Offset,
        high_watermark: Offset,
    },
    /// The leader's high watermark moved.
    HighWatermarkChanged {
        topic: String,
        partition: PartitionId,
        broker: BrokerId,
        leader_epoch: LeaderEpoch,
        high_watermark: Offset,
    },
    IsrShrunk {
        topic: String,
        partition: PartitionId,
        removed: Vec<BrokerId>,
        isr: Vec<BrokerId>,
        reason: IsrChangeReason,
    },
    IsrExpanded {
        topic: String,
        partition: PartitionId,
        added: Vec<BrokerId>,
        isr: Vec<BrokerId>,
        reason: IsrChangeReason,
    },
    /// The controller chose a leader (`None`: the partition is offline).
    LeaderElected {
        topic: String,
        partition: PartitionId,
        leader: Option<BrokerId>,
        leader_epoch: LeaderEpoch,
        isr: Vec<BrokerId>,
        unclean: bool,
        reason: ElectionReason,
    },
    /// A replica cut its log back to `to` (records `to .. from_leo` are gone from it).
    Truncated {
        topic: String,
        partition: PartitionId,
        broker: BrokerId,
        to: Offset,
        from_leo: Offset,
        rule: TruncationRule,
    },

    // ---- consumers and groups ----
    /// A consumer read `from .. to` (exclusive) while the leader's HW was `high_watermark`.
    RecordsConsumed {
        consumer: String,
        group: Option<String>,
        topic: String,
        partition: PartitionId,
        from: Offset,
        to: Offset,
        high_watermark: Offset,
    },
    OffsetCommitted {
        group: String,
        topic: String,
        partition: PartitionId,
        offset: Offset,
        high_watermark: Offset,
    },
    MemberJoined {
        group: String,
        member: String,
    },
    MemberLeft {
        group: String,
        member: String,
        /// `true` when the coordinator expired it (`session.timeout.ms`).
        timed_out: bool,
    },
    /// A rebalance finished: the new generation and who owns what.
    GroupRebalanced {
        group: String,
        generation: i32,
        assignor: String,
        assignment: Vec<(String, Vec<String>)>,
        moved: Vec<String>,
    },

    // ---- flume ----
    /// A Flume agent component did something worth showing (batches, rollbacks).
    Flume {
        agent: String,
        component: String,
        what: String,
    },
}

impl EventKind {
    /// A short kebab-case name for filtering the event log.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::BrokerStarted { .. } => "broker-started",
            EventKind::BrokerStopped { .. } => "broker-stopped",
            EventKind::BrokerCrashed { .. } => "broker-crashed",
            EventKind::SessionExpired { .. } => "session-expired",
            EventKind::ControllerElected { .. } => "controller-elected",
            EventKind::NetworkChanged { .. } => "network-changed",
            EventKind::ConfigChanged { .. } => "config-changed",
            EventKind::TopicCreated { .. } => "topic-created",
            EventKind::TopicDeleted { .. } => "topic-deleted",
            EventKind::PartitionsAdded { .. } => "partitions-added",
            EventKind::ProduceSent { .. } => "produce-sent",
            EventKind::BatchAppended { .. } => "batch-appended",
            EventKind::DuplicateIgnored { .. } => "duplicate-ignored",
            EventKind::ProduceAcked { .. } => "produce-acked",
            EventKind::ProduceFailed { .. } => "produce-failed",
            EventKind::ReplicaFetched { .. } => "replica-fetched",
            EventKind::HighWatermarkChanged { .. } => "high-watermark-changed",
            EventKind::IsrShrunk { .. } => "isr-shrunk",
            EventKind::IsrExpanded { .. } => "isr-expanded",
            EventKind::LeaderElected { .. } => "leader-elected",
            EventKind::Truncated { .. } => "truncated",
            EventKind::RecordsConsumed { .. } => "records-consumed",
            EventKind::OffsetCommitted { .. } => "offset-committed",
            EventKind::MemberJoined { .. } => "member-joined",
            EventKind::MemberLeft { .. } => "member-left",
            EventKind::GroupRebalanced { .. } => "group-rebalanced",
            EventKind::Flume { .. } => "flume",
        }
    }
}

/// FNV-1a over the events' `Debug` text: stable across platforms (no
/// `usize`, no randomised hasher), so a native and a wasm run compare.
#[derive(Debug, Clone)]
pub struct TraceHasher(u64);

impl Default for TraceHasher {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl TraceHasher {
    pub fn add(&mut self, event: &Event) {
        use std::fmt::Write;
        struct Fnv<'a>(&'a mut u64);
        impl Write for Fnv<'_> {
            fn write_str(&mut self, s: &str) -> std::fmt::Result {
                for b in s.bytes() {
                    *self.0 ^= u64::from(b);
                    *self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
                }
                Ok(())
            }
        }
        // Writing into FNV cannot fail.
        let _ = writeln!(Fnv(&mut self.0), "{event:?}");
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

fn ids(v: &[BrokerId]) -> String {
    v.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// One line per event, for `sim events` and the UI's event log.
impl std::fmt::Display for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{:>7}ms] {} ", self.time.as_millis(), self.kind.name())?;
        use EventKind as E;
        match &self.kind {
            E::BrokerStarted { broker } | E::BrokerStopped { broker } | E::SessionExpired { broker } => {
                write!(f, "broker {broker}")
            }
            E::BrokerCrashed { broker, disk_lost } => {
                write!(f, "broker {broker}{}", if *disk_lost { " (disk lost)" } else { "" })
            }
            E::ControllerElected { broker, controller_epoch } => {
                write!(f, "broker {broker} (controller epoch {controller_epoch})")
            }
            E::NetworkChanged { description } => f.write_str(description),
            E::ConfigChanged { key, value } => write!(f, "{key}={value}"),
            E::TopicCreated { topic, partitions, replication_factor } => {
                write!(f, "{topic} partitions={partitions} rf={replication_factor}")
            }
            E::TopicDeleted { topic } => f.write_str(topic),
            E::PartitionsAdded { topic, from, to } => write!(f, "{topic} {from} -> {to}"),
            E::ProduceSent { producer, topic, partition, count, acks, attempt, first_trace, .. } => write!(
                f,
                "{producer} -> {topic}-{partition} {count} record(s) acks={acks} attempt={attempt} trace={first_trace}"
            ),
            E::BatchAppended { topic, partition, broker, base_offset, count, leader_epoch, producer_id, base_sequence, .. } => {
                write!(f, "{topic}-{partition} on {broker} offsets {base_offset}..{} epoch={leader_epoch}", base_offset + i64::from(*count) - 1)?;
                if *producer_id >= 0 {
                    write!(f, " pid={producer_id} seq={base_sequence}")?;
                }
                Ok(())
            }
            E::DuplicateIgnored { topic, partition, broker, producer_id, base_sequence, original_offset } => write!(
                f,
                "{topic}-{partition} on {broker} pid={producer_id} seq={base_sequence} already at offset {original_offset}"
            ),
            E::ProduceAcked { producer, topic, partition, base_offset, count, acks, .. } => {
                if *base_offset < 0 {
                    write!(f, "{producer} {topic}-{partition} {count} record(s) acks={acks} (no response expected)")
                } else {
                    write!(f, "{producer} {topic}-{partition} offset {base_offset} ({count} record(s)) acks={acks}")
                }
            }
            E::ProduceFailed { producer, topic, partition, error, will_retry, .. } => write!(
                f,
                "{producer} {topic}-{partition} {error}{}",
                if *will_retry { " (retrying)" } else { "" }
            ),
            E::ReplicaFetched { topic, partition, broker, leader, fetch_offset, records, leo, high_watermark } => write!(
                f,
                "{topic}-{partition} broker {broker} from {leader} at {fetch_offset}: {records} record(s), LEO={leo} HW={high_watermark}"
            ),
            E::HighWatermarkChanged { topic, partition, broker, high_watermark, .. } => {
                write!(f, "{topic}-{partition} on {broker} HW={high_watermark}")
            }
            E::IsrShrunk { topic, partition, removed, isr, reason } => write!(
                f,
                "{topic}-{partition} removed {} isr={} ({reason:?})",
                ids(removed),
                ids(isr)
            ),
            E::IsrExpanded { topic, partition, added, isr, .. } => {
                write!(f, "{topic}-{partition} added {} isr={}", ids(added), ids(isr))
            }
            E::LeaderElected { topic, partition, leader, leader_epoch, isr, unclean, reason } => write!(
                f,
                "{topic}-{partition} leader={} epoch={leader_epoch} isr={} ({reason:?}{})",
                leader.map_or("none".to_string(), |l| l.to_string()),
                ids(isr),
                if *unclean { ", UNCLEAN" } else { "" }
            ),
            E::Truncated { topic, partition, broker, to, from_leo, rule } => write!(
                f,
                "{topic}-{partition} broker {broker} LEO {from_leo} -> {to} ({} rule)",
                match rule {
                    TruncationRule::HighWatermark => "high-watermark",
                    TruncationRule::LeaderEpoch => "leader-epoch",
                }
            ),
            E::RecordsConsumed { consumer, topic, partition, from, to, high_watermark, .. } => write!(
                f,
                "{consumer} {topic}-{partition} offsets {from}..{to} (HW={high_watermark})"
            ),
            E::OffsetCommitted { group, topic, partition, offset, .. } => {
                write!(f, "{group} {topic}-{partition} offset={offset}")
            }
            E::MemberJoined { group, member } => write!(f, "{group} {member}"),
            E::MemberLeft { group, member, timed_out } => {
                write!(f, "{group} {member}{}", if *timed_out { " (session timed out)" } else { "" })
            }
            E::GroupRebalanced { group, generation, assignor, assignment, moved } => {
                write!(f, "{group} generation {generation} ({assignor}):")?;
                for (m, parts) in assignment {
                    write!(f, " {m}=[{}]", parts.join(","))?;
                }
                if !moved.is_empty() {
                    write!(f, " moved: {}", moved.join(","))?;
                }
                Ok(())
            }
            E::Flume { agent, component, what } => write!(f, "{agent}.{component} {what}"),
        }
    }
}
