//! Consumers: group members with the coordinator's rebalances, generations,
//! session timeouts and committed offsets, and standalone (assigned)
//! consumers. Rebalances complete at the instant they start (the join and
//! sync round trips are not simulated); everything else follows Kafka 2.x.

use super::timers::Timer;
use super::{Reply, Simulation};
use crate::cluster::settings::{parse_bool, parse_int, parse_ms};
use crate::consumer::{assign_cooperative, moved, Assignment, AssignorKind};
use crate::error::CommandError;
use crate::event::EventKind;
use crate::ids::{BrokerId, Offset, PartitionId, TopicPartition};
use crate::vec_map::VecMap;

/// `auto.offset.reset`: where to start without a committed offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum OffsetReset {
    Earliest,
    /// Kafka's default: the high watermark at that moment.
    #[default]
    Latest,
    /// Fail with `NoOffsetForPartitionException`.
    None,
}

impl std::str::FromStr for OffsetReset {
    type Err = CommandError;
    fn from_str(s: &str) -> Result<Self, CommandError> {
        match s {
            "earliest" => Ok(Self::Earliest),
            "latest" => Ok(Self::Latest),
            "none" => Ok(Self::None),
            other => Err(CommandError::InvalidConfig {
                key: "auto.offset.reset".into(),
                value: other.into(),
                reason: "String must be one of: latest, earliest, none".into(),
            }),
        }
    }
}

/// Consumer settings, Kafka 2.x names and defaults.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConsumerConfig {
    pub auto_offset_reset: OffsetReset,
    pub enable_auto_commit: bool,
    /// `auto.commit.interval.ms` (5000).
    pub auto_commit_interval_ms: u64,
    /// `session.timeout.ms` (10000).
    pub session_timeout_ms: u64,
    /// `max.poll.records` (500).
    pub max_poll_records: usize,
    /// How often the member polls (the application's loop).
    pub poll_interval_ms: u64,
}

impl Default for ConsumerConfig {
    fn default() -> Self {
        Self {
            auto_offset_reset: OffsetReset::Latest,
            enable_auto_commit: true,
            auto_commit_interval_ms: 5_000,
            session_timeout_ms: 10_000,
            max_poll_records: 500,
            poll_interval_ms: 100,
        }
    }
}

impl ConsumerConfig {
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), CommandError> {
        match key {
            "auto.offset.reset" => self.auto_offset_reset = value.parse()?,
            "enable.auto.commit" => self.enable_auto_commit = parse_bool(key, value)?,
            // At least 1 ms: a zero interval would re-arm itself at the same instant.
            "auto.commit.interval.ms" => self.auto_commit_interval_ms = parse_ms(key, value, 1)?,
            "session.timeout.ms" => self.session_timeout_ms = parse_ms(key, value, 1)?,
            "max.poll.records" => {
                self.max_poll_records = parse_int(key, value, 1)?.unsigned_abs() as usize
            }
            "group.id"
            | "client.id"
            | "key.deserializer"
            | "value.deserializer"
            | "partition.assignment.strategy"
            | "heartbeat.interval.ms"
            | "fetch.min.bytes" => {}
            _ => {
                return Err(CommandError::Usage(format!(
                    "Unknown consumer config {key}"
                )))
            }
        }
        Ok(())
    }
}

/// A group member (a `KafkaConsumer` that subscribed).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Member {
    /// The name the scenario gave it (also its `client.id`).
    pub name: String,
    /// The coordinator's member id: `client.id` + a unique suffix.
    pub member_id: String,
    pub topics: Vec<String>,
    pub config: ConsumerConfig,
    /// A crashed member stops heartbeating; the coordinator notices after
    /// `session.timeout.ms`.
    pub crashed: bool,
    /// Next offset to read, per assigned partition.
    pub positions: VecMap<TopicPartition, Offset>,
    /// Bumped on every (re)start so old poll timers are void.
    pub incarnation: u64,
}

/// A consumer group as its coordinator keeps it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Group {
    pub id: String,
    pub generation: i32,
    pub assignor: AssignorKind,
    /// By member name, in name order.
    pub members: VecMap<String, Member>,
    /// Member name → partitions, as of the current generation.
    pub assignment: Assignment,
    pub committed: VecMap<TopicPartition, Offset>,
    /// Every member's subscription as of its last join, kept after it
    /// leaves: the page replays the group's membership history under each
    /// assignor, members long gone included.
    pub subscriptions: VecMap<String, Vec<String>>,
}

/// One record handed to a console consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumedRecord {
    pub partition: PartitionId,
    pub offset: Offset,
    pub key: Option<String>,
    pub value: String,
}

/// `kafka-console-consumer.sh` run once: read what is readable now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleConsume {
    pub topic: String,
    pub group: Option<String>,
    /// `--partition`: assign instead of subscribe (no group).
    pub partition: Option<PartitionId>,
    /// `--offset` with `--partition`: a number, or earliest/latest.
    pub offset: Option<StartOffset>,
    pub from_beginning: bool,
    pub max_messages: Option<usize>,
    pub config: ConsumerConfig,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartOffset {
    At(Offset),
    Earliest,
    Latest,
}

/// Java's `String.hashCode`.
pub fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

impl Simulation {
    /// The group's partition of `__consumer_offsets`: `abs(hashCode) % 50`.
    pub fn offsets_partition_for(&self, group: &str) -> i32 {
        let h = java_string_hash(group);
        // Kafka's Utils.abs maps Integer.MIN_VALUE to 0.
        let abs = if h == i32::MIN { 0 } else { h.abs() };
        abs % self.settings.offsets_topic_num_partitions.max(1)
    }

    /// The group's coordinator: the leader of its `__consumer_offsets`
    /// partition. The internal topic is not materialised; its partition p is
    /// led by the p-th live broker (wrapping), as rack-unaware placement
    /// with start index 0 would put it.
    pub fn coordinator_for(&self, group: &str) -> Option<BrokerId> {
        let live: Vec<BrokerId> = self
            .cluster
            .brokers
            .values()
            .filter(|b| b.is_alive())
            .map(|b| b.id)
            .collect();
        if live.is_empty() {
            return None;
        }
        let p = self.offsets_partition_for(group) as usize;
        Some(live[p % live.len()])
    }

    pub fn groups(&self) -> &VecMap<String, Group> {
        &self.groups
    }

    fn topic_partition_counts(&self) -> VecMap<String, i32> {
        VecMap::from_iter(
            self.cluster
                .topics
                .values()
                .map(|t| (t.name.clone(), t.partitions.len() as i32)),
        )
    }

    pub(super) fn consumer_join(
        &mut self,
        group: &str,
        name: &str,
        topics: Vec<String>,
        assignor: AssignorKind,
        config: ConsumerConfig,
    ) -> Result<Reply, CommandError> {
        if group.is_empty() || name.is_empty() {
            return Err(CommandError::Usage(
                "group and member names must not be empty".into(),
            ));
        }
        if topics.is_empty() {
            return Err(CommandError::Usage("--topics names no topic".into()));
        }
        if self.coordinator_for(group).is_none() {
            return Err(CommandError::Usage(
                "org.apache.kafka.common.errors.CoordinatorNotAvailableException: The coordinator is not available.".into(),
            ));
        }
        if self
            .groups
            .get(group)
            .is_some_and(|g| g.members.contains_key(name))
        {
            return Err(CommandError::Usage(format!(
                "member {name} is already in group {group}"
            )));
        }
        let suffix = self.client_rng.next_u64();
        let member_id = format!(
            "{name}-{:08x}-{:04x}-{:04x}",
            suffix >> 32,
            (suffix >> 16) & 0xffff,
            suffix & 0xffff
        );
        let g = self
            .groups
            .entry(group.to_string())
            .or_insert_with(|| Group {
                id: group.to_string(),
                generation: 0,
                assignor,
                members: VecMap::new(),
                assignment: Assignment::new(),
                committed: VecMap::new(),
                subscriptions: VecMap::new(),
            });
        // The group's protocol is the assignor its members agree on; the
        // simulation takes the latest joiner's choice.
        g.assignor = assignor;
        g.subscriptions.insert(name.to_string(), topics.clone());
        g.members.insert(
            name.to_string(),
            Member {
                name: name.to_string(),
                member_id,
                topics,
                config: config.clone(),
                crashed: false,
                positions: VecMap::new(),
                incarnation: 0,
            },
        );
        self.emit(EventKind::MemberJoined {
            group: group.to_string(),
            member: name.to_string(),
        });
        self.rebalance(group);
        self.schedule_poll(group, name, 0);
        if config.enable_auto_commit {
            self.schedule(
                config.auto_commit_interval_ms,
                Timer::AutoCommit {
                    group: group.to_string(),
                    member: name.to_string(),
                    incarnation: 0,
                },
            );
        }
        // `auto.offset.reset=none` fails the member's first poll.
        let missing = self.missing_offsets(group, name);
        if config.auto_offset_reset == OffsetReset::None && !missing.is_empty() {
            self.remove_member(group, name, false);
            if self
                .groups
                .get(group)
                .is_some_and(|g| g.members.is_empty() && g.committed.is_empty())
            {
                self.groups.remove(group);
            }
            return Err(no_offset_error(&missing));
        }
        Ok(Reply::Done)
    }

    fn missing_offsets(&self, group: &str, name: &str) -> Vec<TopicPartition> {
        let Some(g) = self.groups.get(group) else {
            return Vec::new();
        };
        g.assignment
            .get(name)
            .map(|parts| {
                parts
                    .iter()
                    .filter(|tp| !g.committed.contains_key(*tp))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    fn schedule_poll(&mut self, group: &str, name: &str, after: u64) {
        let Some(m) = self.groups.get(group).and_then(|g| g.members.get(name)) else {
            return;
        };
        let incarnation = m.incarnation;
        self.schedule(
            after,
            Timer::ConsumerPoll {
                group: group.to_string(),
                member: name.to_string(),
                incarnation,
            },
        );
    }

    pub(super) fn consumer_leave(
        &mut self,
        group: &str,
        name: &str,
    ) -> Result<Reply, CommandError> {
        self.member(group, name)?;
        // close(): with auto-commit the consumer commits before leaving.
        self.commit_member(group, name, true);
        self.remove_member(group, name, false);
        Ok(Reply::Done)
    }

    pub(super) fn consumer_crash(
        &mut self,
        group: &str,
        name: &str,
    ) -> Result<Reply, CommandError> {
        let timeout = {
            let m = self.member_mut(group, name)?;
            if m.crashed {
                return Err(CommandError::Usage(format!(
                    "member {name} already crashed"
                )));
            }
            m.crashed = true;
            m.incarnation += 1;
            m.config.session_timeout_ms
        };
        let incarnation = self.member(group, name)?.incarnation;
        self.schedule(
            timeout,
            Timer::MemberSessionTimeout {
                group: group.to_string(),
                member: name.to_string(),
                incarnation,
            },
        );
        Ok(Reply::Done)
    }

    /// `commitSync()` of a member's current positions.
    pub(super) fn consumer_commit(
        &mut self,
        group: &str,
        name: &str,
    ) -> Result<Reply, CommandError> {
        self.member(group, name)?;
        self.commit_member(group, name, false);
        Ok(Reply::Done)
    }

    fn member(&self, group: &str, name: &str) -> Result<&Member, CommandError> {
        self.groups
            .get(group)
            .and_then(|g| g.members.get(name))
            .ok_or_else(|| unknown_member(group, name))
    }

    fn member_mut(&mut self, group: &str, name: &str) -> Result<&mut Member, CommandError> {
        self.groups
            .get_mut(group)
            .and_then(|g| g.members.get_mut(name))
            .ok_or_else(|| unknown_member(group, name))
    }

    pub(super) fn member_session_timeout(&mut self, group: &str, name: &str, incarnation: u64) {
        let due = self
            .groups
            .get(group)
            .and_then(|g| g.members.get(name))
            .is_some_and(|m| m.crashed && m.incarnation == incarnation);
        if due {
            self.remove_member(group, name, true);
        }
    }

    fn remove_member(&mut self, group: &str, name: &str, timed_out: bool) {
        let Some(g) = self.groups.get_mut(group) else {
            return;
        };
        if g.members.remove(name).is_none() {
            return;
        }
        g.assignment.remove(name);
        self.emit(EventKind::MemberLeft {
            group: group.to_string(),
            member: name.to_string(),
            timed_out,
        });
        self.rebalance(group);
    }

    /// Partitions were added to a topic: groups subscribed to it rebalance.
    pub(super) fn on_partitions_added(&mut self, topic: &str) {
        let subscribed: Vec<String> = self
            .groups
            .values()
            .filter(|g| {
                g.members
                    .values()
                    .any(|m| m.topics.iter().any(|t| t == topic))
            })
            .map(|g| g.id.clone())
            .collect();
        for g in subscribed {
            self.rebalance(&g);
        }
    }

    /// A new generation: members that are alive commit (auto-commit on
    /// revocation), the assignor runs, members start from committed offsets.
    pub(super) fn rebalance(&mut self, group: &str) {
        let counts = self.topic_partition_counts();
        let Some(g) = self.groups.get(group) else {
            return;
        };
        if g.members.is_empty() {
            if let Some(g) = self.groups.get_mut(group) {
                g.generation += 1;
                g.assignment.clear();
            }
            let generation = self.groups.get(group).map_or(0, |g| g.generation);
            self.emit(EventKind::GroupRebalanced {
                group: group.to_string(),
                generation,
                assignor: String::new(),
                assignment: Vec::new(),
                moved: Vec::new(),
            });
            return;
        }
        // Auto-commit before giving partitions up (onJoinPrepare).
        let live: Vec<String> = g
            .members
            .values()
            .filter(|m| !m.crashed && m.config.enable_auto_commit)
            .map(|m| m.name.clone())
            .collect();
        for name in live {
            self.commit_member(group, &name, true);
        }
        let Some(g) = self.groups.get(group) else {
            return;
        };
        // Members are sorted by member id, as Kafka's assignors do; the id
        // starts with the member's name, so name order is kept.
        let subscriptions: VecMap<String, Vec<String>> =
            VecMap::from_iter(g.members.values().map(|m| {
                (
                    m.name.clone(),
                    m.topics
                        .iter()
                        .filter(|t| counts.contains_key(*t))
                        .cloned()
                        .collect(),
                )
            }));
        let previous = g.assignment.clone();
        let kind = g.assignor;
        let rounds: Vec<Assignment> = if kind == AssignorKind::CooperativeSticky {
            // KIP-429: moving partitions are revoked in one generation and
            // assigned in the next.
            let (first, revoked) = assign_cooperative(&counts, &subscriptions, &previous);
            if revoked.is_empty() {
                vec![first]
            } else {
                let (second, _) = assign_cooperative(&counts, &subscriptions, &first);
                vec![first, second]
            }
        } else {
            match kind.assign(&counts, &subscriptions, &previous) {
                Ok(a) => vec![a],
                Err(_) => vec![Assignment::new()],
            }
        };
        for next in rounds {
            self.install_assignment(group, next, kind);
        }
    }

    fn install_assignment(&mut self, group: &str, next: Assignment, kind: AssignorKind) {
        let Some(g) = self.groups.get_mut(group) else {
            return;
        };
        let moved_parts = moved(&g.assignment, &next);
        g.generation += 1;
        g.assignment = next.clone();
        let generation = g.generation;
        let names: Vec<String> = g.members.keys().cloned().collect();
        for name in &names {
            let owned =
                crate::vec_map::VecSet::from_iter(next.get(name).into_iter().flatten().cloned());
            if let Some(m) = g.members.get_mut(name) {
                m.positions.retain(|tp, _| owned.contains(tp));
            }
        }
        let assignment = next
            .iter()
            .map(|(m, parts)| (m.clone(), parts.iter().map(ToString::to_string).collect()))
            .collect();
        self.emit(EventKind::GroupRebalanced {
            group: group.to_string(),
            generation,
            assignor: kind.name().to_string(),
            assignment,
            moved: moved_parts.iter().map(ToString::to_string).collect(),
        });
        // Newly owned partitions start at the committed offset or the reset policy.
        for name in names {
            self.init_positions(group, &name);
        }
    }

    fn init_positions(&mut self, group: &str, name: &str) {
        let Some(g) = self.groups.get(group) else {
            return;
        };
        let Some(m) = g.members.get(name) else {
            return;
        };
        let owned = g.assignment.get(name).cloned().unwrap_or_default();
        let mut start = Vec::new();
        for tp in owned {
            if m.positions.contains_key(&tp) {
                continue;
            }
            let pos = match g.committed.get(&tp) {
                Some(&o) => Some(o),
                None => self.reset_offset(&tp, m.config.auto_offset_reset),
            };
            if let Some(pos) = pos {
                start.push((tp, pos));
            }
        }
        if let Some(m) = self
            .groups
            .get_mut(group)
            .and_then(|g| g.members.get_mut(name))
        {
            m.positions.extend(start);
        }
    }

    /// Where `auto.offset.reset` points now (`None` for the `none` policy).
    fn reset_offset(&self, tp: &TopicPartition, reset: OffsetReset) -> Option<Offset> {
        let p = self.cluster.partition(&tp.topic, tp.partition).ok()?;
        match reset {
            OffsetReset::Earliest => Some(p.log_start_offset()),
            OffsetReset::Latest => Some(p.high_watermark()),
            OffsetReset::None => None,
        }
    }

    fn commit_member(&mut self, group: &str, name: &str, only_auto: bool) {
        let Some(g) = self.groups.get(group) else {
            return;
        };
        let Some(m) = g.members.get(name) else {
            return;
        };
        if m.crashed || (only_auto && !m.config.enable_auto_commit) {
            return;
        }
        let changed: Vec<(TopicPartition, Offset)> = m
            .positions
            .iter()
            .filter(|(tp, pos)| g.committed.get(*tp) != Some(*pos))
            .map(|(tp, pos)| (tp.clone(), *pos))
            .collect();
        for (tp, offset) in changed {
            let hw = self.high_watermark(&tp.topic, tp.partition);
            if let Some(g) = self.groups.get_mut(group) {
                g.committed.insert(tp.clone(), offset);
            }
            self.emit(EventKind::OffsetCommitted {
                group: group.to_string(),
                topic: tp.topic,
                partition: tp.partition,
                offset,
                high_watermark: hw,
            });
        }
    }

    pub(super) fn auto_commit(&mut self, group: &str, name: &str, incarnation: u64) {
        let Some(m) = self.groups.get(group).and_then(|g| g.members.get(name)) else {
            return;
        };
        if m.crashed || m.incarnation != incarnation {
            return;
        }
        let interval = m.config.auto_commit_interval_ms;
        self.commit_member(group, name, true);
        self.schedule(
            interval,
            Timer::AutoCommit {
                group: group.to_string(),
                member: name.to_string(),
                incarnation,
            },
        );
    }

    /// One `poll()`: up to `max.poll.records` from the assigned partitions,
    /// only below each leader's high watermark.
    pub(super) fn consumer_poll(&mut self, group: &str, name: &str, incarnation: u64) {
        let Some(m) = self.groups.get(group).and_then(|g| g.members.get(name)) else {
            return;
        };
        if m.crashed || m.incarnation != incarnation {
            return;
        }
        let interval = m.config.poll_interval_ms;
        let mut budget = m.config.max_poll_records;
        let positions: Vec<(TopicPartition, Offset)> =
            m.positions.iter().map(|(tp, o)| (tp.clone(), *o)).collect();
        let reset = m.config.auto_offset_reset;
        for (tp, pos) in positions {
            if budget == 0 {
                break;
            }
            let Some((from, to, hw)) = self.readable(&tp, pos, budget, reset) else {
                continue;
            };
            if let Some(m) = self
                .groups
                .get_mut(group)
                .and_then(|g| g.members.get_mut(name))
            {
                m.positions.insert(tp.clone(), to);
            }
            if to > from {
                budget = budget.saturating_sub((to - from) as usize);
                self.emit(EventKind::RecordsConsumed {
                    consumer: name.to_string(),
                    group: Some(group.to_string()),
                    topic: tp.topic.clone(),
                    partition: tp.partition,
                    from,
                    to,
                    high_watermark: hw,
                });
            }
        }
        self.schedule_poll(group, name, interval);
    }

    /// What a fetch from `pos` returns now: `[from, to)` and the HW. A
    /// position outside the leader's log (after truncation) is reset first.
    fn readable(
        &self,
        tp: &TopicPartition,
        pos: Offset,
        max: usize,
        reset: OffsetReset,
    ) -> Option<(Offset, Offset, Offset)> {
        let p = self.cluster.partition(&tp.topic, tp.partition).ok()?;
        let leader = p.leader?;
        if !self.broker_alive(leader) {
            return None;
        }
        let r = p.replica_state.get(&leader)?;
        let hw = r.high_watermark;
        let from = if pos > r.log.log_end_offset() || pos < r.log.log_start_offset() {
            // OFFSET_OUT_OF_RANGE: the reset policy decides.
            self.reset_offset(tp, reset)?
        } else {
            pos
        };
        let to = from
            .saturating_add(max.min(i64::MAX as usize) as Offset)
            .min(hw)
            .max(from);
        Some((from, to, hw))
    }

    /// `kafka-console-consumer.sh` in a script: join (or assign), read what
    /// is below the HW now, commit and leave.
    pub(super) fn console_consume(&mut self, c: ConsoleConsume) -> Result<Reply, CommandError> {
        let topic = self.cluster.topic(&c.topic)?;
        let partitions = topic.partitions.len() as i32;
        let mut config = c.config.clone();
        if c.from_beginning {
            config.auto_offset_reset = OffsetReset::Earliest;
        }
        let max = c.max_messages.unwrap_or(usize::MAX);
        let mut out = Vec::new();
        let consumer = "console-consumer".to_string();
        match (c.partition, &c.group) {
            (Some(p), _) => {
                if !(0..partitions).contains(&p) {
                    return Err(CommandError::UnknownPartition {
                        topic: c.topic.clone(),
                        partition: p,
                    });
                }
                let tp = TopicPartition::new(c.topic.clone(), p);
                let start = match c.offset {
                    Some(StartOffset::At(o)) => Some(o),
                    Some(StartOffset::Earliest) => self.reset_offset(&tp, OffsetReset::Earliest),
                    Some(StartOffset::Latest) => self.reset_offset(&tp, OffsetReset::Latest),
                    None => self.reset_offset(&tp, config.auto_offset_reset),
                };
                let start = start.ok_or_else(|| no_offset_error(std::slice::from_ref(&tp)))?;
                self.read_into(
                    &consumer,
                    None,
                    &tp,
                    start,
                    max,
                    config.auto_offset_reset,
                    &mut out,
                );
            }
            (None, Some(group)) => {
                self.consumer_join(
                    group,
                    &consumer,
                    vec![c.topic.clone()],
                    self.groups
                        .get(group)
                        .map_or(AssignorKind::Range, |g| g.assignor),
                    config.clone(),
                )?;
                let positions: Vec<(TopicPartition, Offset)> = self
                    .groups
                    .get(group)
                    .and_then(|g| g.members.get(&consumer))
                    .map(|m| m.positions.iter().map(|(tp, o)| (tp.clone(), *o)).collect())
                    .unwrap_or_default();
                for (tp, start) in positions {
                    let left = max.saturating_sub(out.len());
                    let end = self.read_into(
                        &consumer,
                        Some(group),
                        &tp,
                        start,
                        left,
                        config.auto_offset_reset,
                        &mut out,
                    );
                    if let Some(m) = self
                        .groups
                        .get_mut(group)
                        .and_then(|g| g.members.get_mut(&consumer))
                    {
                        m.positions.insert(tp, end);
                    }
                }
                if config.enable_auto_commit {
                    self.commit_member(group, &consumer, false);
                }
                self.remove_member(group, &consumer, false);
                // A console consumer's group keeps nothing but its offsets.
                if self
                    .groups
                    .get(group)
                    .is_some_and(|g| g.members.is_empty() && g.committed.is_empty())
                {
                    self.groups.remove(group);
                }
            }
            (None, None) => {
                // No --group: a throwaway group that commits nothing, so
                // only the reset policy decides where reading starts.
                for p in 0..partitions {
                    let tp = TopicPartition::new(c.topic.clone(), p);
                    let Some(start) = self.reset_offset(&tp, config.auto_offset_reset) else {
                        return Err(no_offset_error(std::slice::from_ref(&tp)));
                    };
                    let left = max.saturating_sub(out.len());
                    self.read_into(
                        &consumer,
                        None,
                        &tp,
                        start,
                        left,
                        config.auto_offset_reset,
                        &mut out,
                    );
                }
            }
        }
        Ok(Reply::Consumed(out))
    }

    /// Reads `[start, HW)` (at most `max`) from the leader into `out`.
    #[allow(clippy::too_many_arguments)]
    fn read_into(
        &mut self,
        consumer: &str,
        group: Option<&str>,
        tp: &TopicPartition,
        start: Offset,
        max: usize,
        reset: OffsetReset,
        out: &mut Vec<ConsumedRecord>,
    ) -> Offset {
        let Some((from, to, hw)) = self.readable(tp, start, max, reset) else {
            return start;
        };
        let Ok(p) = self.cluster.partition(&tp.topic, tp.partition) else {
            return start;
        };
        let Some(r) = p.leader_replica() else {
            return start;
        };
        for rec in r.log.range(from, to) {
            out.push(ConsumedRecord {
                partition: tp.partition,
                offset: rec.offset,
                key: rec.key.as_deref().map(String::from),
                value: rec.value.to_string(),
            });
        }
        if to > from {
            self.emit(EventKind::RecordsConsumed {
                consumer: consumer.to_string(),
                group: group.map(String::from),
                topic: tp.topic.clone(),
                partition: tp.partition,
                from,
                to,
                high_watermark: hw,
            });
        }
        to
    }

    /// Lag per partition for a group: (partition, committed, HW).
    pub fn group_offsets(&self, group: &str) -> Vec<(TopicPartition, Option<Offset>, Offset)> {
        let Some(g) = self.groups.get(group) else {
            return Vec::new();
        };
        let mut tps = crate::vec_map::VecSet::from_iter(g.committed.keys().cloned());
        tps.extend(g.assignment.values().flatten().cloned());
        tps.into_iter()
            .map(|tp| {
                let hw = self.high_watermark(&tp.topic, tp.partition);
                (tp.clone(), g.committed.get(&tp).copied(), hw)
            })
            .collect()
    }
}

fn unknown_member(group: &str, name: &str) -> CommandError {
    CommandError::Usage(format!("group {group} has no member {name}"))
}

fn no_offset_error(parts: &[TopicPartition]) -> CommandError {
    CommandError::Usage(format!(
        "org.apache.kafka.clients.consumer.NoOffsetForPartitionException: Undefined offset with no reset policy for partitions: [{}]",
        parts.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    ))
}
