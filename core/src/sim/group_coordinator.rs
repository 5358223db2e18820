//! Kafka's `GroupCoordinator` (with the client's `ConsumerCoordinator`
//! folded in): group members join and leave, generations and rebalances,
//! the assignor's run, committed offsets (auto-commit on its interval and
//! before a rebalance), session timeouts of crashed members, and the poll
//! loop's timer. Rebalances complete at the instant they start (the join
//! and sync round trips are not simulated); everything else follows Kafka
//! 2.x. The members' client side is in `consumer/`.

use super::timers::Timer;
use super::{Reply, Simulation};
use crate::consumer::kafka_consumer::{no_offset_error, reset_offset};
use crate::consumer::{
    assign_cooperative, moved, Assignment, AssignorKind, ConsumerConfig, Member, OffsetReset,
};
use crate::error::CommandError;
use crate::event::EventKind;
use crate::ids::{BrokerId, Offset, TopicPartition};
use crate::vec_map::VecMap;

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

    pub(crate) fn consumer_join(
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
            self.forget_group_if_empty(group);
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

    pub(crate) fn remove_member(&mut self, group: &str, name: &str, timed_out: bool) {
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
                None => reset_offset(&self.cluster, &tp, m.config.auto_offset_reset),
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

    pub(crate) fn commit_member(&mut self, group: &str, name: &str, only_auto: bool) {
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

    /// `KafkaConsumer.seek`: where a member reads next in `tp`.
    pub(crate) fn seek(&mut self, group: &str, name: &str, tp: TopicPartition, offset: Offset) {
        if let Some(m) = self
            .groups
            .get_mut(group)
            .and_then(|g| g.members.get_mut(name))
        {
            m.positions.insert(tp, offset);
        }
    }

    /// A group with no members and no committed offsets leaves no trace.
    pub(crate) fn forget_group_if_empty(&mut self, group: &str) {
        if self
            .groups
            .get(group)
            .is_some_and(|g| g.members.is_empty() && g.committed.is_empty())
        {
            self.groups.remove(group);
        }
    }

    /// The member's application loop calls `poll()` every
    /// `poll.interval`; what it reads goes into the trace.
    pub(super) fn consumer_poll(&mut self, group: &str, name: &str, incarnation: u64) {
        let Some(m) = self
            .groups
            .get_mut(group)
            .and_then(|g| g.members.get_mut(name))
        else {
            return;
        };
        if m.crashed || m.incarnation != incarnation {
            return;
        }
        let interval = m.config.poll_interval_ms;
        for fetched in m.poll(&self.cluster) {
            self.emit(EventKind::RecordsConsumed {
                consumer: name.to_string(),
                group: Some(group.to_string()),
                topic: fetched.tp.topic,
                partition: fetched.tp.partition,
                from: fetched.from,
                to: fetched.to,
                high_watermark: fetched.high_watermark,
            });
        }
        self.schedule_poll(group, name, interval);
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
