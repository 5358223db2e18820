//! The simulation: one deterministic state machine for the whole cluster.

use crate::cluster::placement::assign_replicas_to_brokers;
use crate::cluster::{validate_topic_name, Cluster, Topic, TopicConfig};
use crate::error::CommandError;
use crate::event::{Event, EventKind, TraceHasher};
use crate::ids::{BrokerId, Offset, PartitionId};
use crate::log::RecordData;
use crate::partition::Partition;
use crate::rng::SimRng;
use crate::time::SimTime;
use std::collections::VecDeque;
use std::sync::Arc;

/// How the cluster starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterConfig {
    /// Brokers get ids `0..brokers`.
    pub brokers: i32,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        Self { brokers: 3 }
    }
}

/// `kafka-topics.sh --create`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTopic {
    pub name: String,
    pub partitions: i32,
    pub replication_factor: i32,
    /// `--replica-assignment`: replicas per partition, in preference order.
    pub assignment: Option<Vec<Vec<BrokerId>>>,
    pub config: TopicConfig,
}

/// A produce request from a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Produce {
    pub topic: String,
    pub partition: PartitionId,
    pub key: Option<String>,
    pub value: String,
}

/// Application commands: what a user (or a script line) asks the cluster to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    CreateTopic(CreateTopic),
    Produce(Produce),
}

/// What a successful command answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    TopicCreated,
    Appended {
        partition: PartitionId,
        offset: Offset,
    },
}

/// A deterministic Kafka cluster.
///
/// Methods come in four kinds, as in sans-IO protocol crates:
/// - getters (`&self`): [`snapshot`](Self::snapshot), [`now`](Self::now), [`next_wakeup`](Self::next_wakeup);
/// - input of time: [`advance`](Self::advance) runs every internal event due;
/// - mutators for application commands: [`apply`](Self::apply);
/// - output: [`poll_event`](Self::poll_event) / [`drain_events`](Self::drain_events).
///
/// The drain rule: after each `apply` or `advance`, drain the events before
/// the next input if you want to see them in order (they also stay correct
/// if you drain later; they just queue up).
///
/// ```
/// use streamlab_core::{Simulation, ClusterConfig, Command, CreateTopic, Produce, TopicConfig};
/// let mut sim = Simulation::new(ClusterConfig { brokers: 3 }, 42);
/// sim.apply(Command::CreateTopic(CreateTopic {
///     name: "hello".into(), partitions: 2, replication_factor: 2,
///     assignment: None, config: TopicConfig::default(),
/// })).expect("valid topic");
/// sim.apply(Command::Produce(Produce {
///     topic: "hello".into(), partition: 0, key: None, value: "hi".into(),
/// })).expect("topic exists");
/// sim.advance(50);
/// for event in sim.drain_events() {
///     println!("{event:?}");
/// }
/// assert_eq!(sim.snapshot().partition("hello", 0).map(|p| p.high_watermark()), Ok(1));
/// ```
#[derive(Debug, Clone)]
pub struct Simulation {
    seed: u64,
    now: SimTime,
    cluster: Cluster,
    placement_rng: SimRng,
    events: VecDeque<Event>,
    trace: TraceHasher,
}

impl Simulation {
    pub fn new(config: ClusterConfig, seed: u64) -> Self {
        Self {
            seed,
            now: SimTime::ZERO,
            cluster: Cluster::with_brokers(config.brokers),
            placement_rng: SimRng::derive(seed, "placement"),
            events: VecDeque::new(),
            trace: TraceHasher::default(),
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Read-only view of the cluster for the UI and the scripts.
    pub fn snapshot(&self) -> &Cluster {
        &self.cluster
    }

    /// When the next internal event is due, if any.
    pub fn next_wakeup(&self) -> Option<SimTime> {
        let lagging = self
            .cluster
            .topics
            .values()
            .flat_map(|t| &t.partitions)
            .any(|p| {
                p.isr.iter().any(|b| {
                    p.replica_state.get(b).map(|r| r.log.log_end_offset())
                        != Some(p.log_end_offset())
                })
            });
        lagging.then(|| self.now + 1)
    }

    /// Hash of every event so far (the determinism check).
    pub fn trace_hash(&self) -> u64 {
        self.trace.finish()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    pub fn drain_events(&mut self) -> impl Iterator<Item = Event> + '_ {
        self.events.drain(..)
    }

    fn emit(&mut self, kind: EventKind) {
        let event = Event {
            time: self.now,
            kind,
        };
        self.trace.add(&event);
        self.events.push_back(event);
    }

    /// Applies a command at the current time. Invalid commands change nothing.
    pub fn apply(&mut self, command: Command) -> Result<Reply, CommandError> {
        match command {
            Command::CreateTopic(c) => self.create_topic(c),
            Command::Produce(p) => self.produce(p),
        }
    }

    /// Moves virtual time forward by `ms`, running what falls due.
    pub fn advance(&mut self, ms: u64) {
        self.now += ms;
        self.replicate();
    }

    fn create_topic(&mut self, c: CreateTopic) -> Result<Reply, CommandError> {
        validate_topic_name(&c.name)?;
        if self.cluster.topics.contains_key(&c.name) {
            return Err(CommandError::TopicExists(c.name));
        }
        let assignment = match c.assignment {
            Some(a) => a,
            None => {
                let brokers = self.cluster.live_broker_ids();
                let n = (brokers.len() as u32).max(1);
                // Kafka draws the start index and the replica shift separately.
                let start = self.placement_rng.below(n);
                let shift = self.placement_rng.below(n);
                assign_replicas_to_brokers(
                    &brokers,
                    c.partitions,
                    c.replication_factor,
                    start,
                    shift,
                    0,
                )?
            }
        };
        let partitions = assignment
            .into_iter()
            .enumerate()
            .map(|(i, replicas)| Partition::new(&c.name, i as PartitionId, replicas))
            .collect::<Vec<_>>();
        let (np, rf) = (
            partitions.len() as i32,
            partitions.first().map_or(0, |p| p.replicas.len() as i32),
        );
        self.cluster.topics.insert(
            c.name.clone(),
            Topic {
                name: c.name.clone(),
                partitions,
                config: c.config,
            },
        );
        self.emit(EventKind::TopicCreated {
            topic: c.name,
            partitions: np,
            replication_factor: rf,
        });
        Ok(Reply::TopicCreated)
    }

    fn produce(&mut self, p: Produce) -> Result<Reply, CommandError> {
        let now = self.now;
        let topic = self.cluster.topic_mut(&p.topic)?;
        let part = usize::try_from(p.partition)
            .ok()
            .and_then(|i| topic.partitions.get_mut(i))
            .ok_or_else(|| CommandError::UnknownPartition {
                topic: p.topic.clone(),
                partition: p.partition,
            })?;
        let leader = part
            .leader
            .ok_or_else(|| CommandError::Usage("LEADER_NOT_AVAILABLE".into()))?;
        let epoch = part.leader_epoch;
        let replica = part
            .replica_state
            .get_mut(&leader)
            .ok_or_else(|| CommandError::Usage("NOT_LEADER_OR_FOLLOWER".into()))?;
        let offset = replica.log.append(
            RecordData {
                key: p.key.map(Arc::from),
                value: Arc::from(p.value),
                timestamp: now,
                producer_id: -1,
                sequence: -1,
                trace: 0,
            },
            epoch,
        );
        self.emit(EventKind::BatchAppended {
            topic: p.topic,
            partition: p.partition,
            broker: leader,
            base_offset: offset,
            count: 1,
            leader_epoch: epoch,
            producer_id: -1,
            base_sequence: -1,
            first_trace: 0,
        });
        Ok(Reply::Appended {
            partition: p.partition,
            offset,
        })
    }

    /// Followers in the ISR copy what the leader has; the leader's HW becomes
    /// the smallest LEO in the ISR.
    fn replicate(&mut self) {
        let mut out = Vec::new();
        for topic in self.cluster.topics.values_mut() {
            for part in &mut topic.partitions {
                let Some(leader) = part.leader else { continue };
                let Some(leader_log) = part.replica_state.get(&leader).map(|r| r.log.clone())
                else {
                    continue;
                };
                let leader_hw = part.high_watermark();
                for (&broker, replica) in part.replica_state.iter_mut() {
                    if broker == leader {
                        continue;
                    }
                    let from = replica.log.log_end_offset();
                    let missing = leader_log.range(from, leader_log.log_end_offset());
                    // Every fetch response carries the leader's HW.
                    replica.high_watermark = leader_hw.min(from + missing.len() as Offset);
                    if missing.is_empty() {
                        continue;
                    }
                    for r in missing {
                        // Offsets come from the leader's contiguous log: cannot gap.
                        let _ = replica.log.append_replica(r.clone());
                    }
                    out.push(EventKind::ReplicaFetched {
                        topic: part.topic.clone(),
                        partition: part.id,
                        broker,
                        leader,
                        fetch_offset: from,
                        records: missing.len() as i32,
                        leo: replica.log.log_end_offset(),
                        high_watermark: replica.high_watermark,
                    });
                }
                let hw = part.isr_min_leo();
                if let Some(r) = part.replica_state.get_mut(&leader) {
                    if hw > r.high_watermark {
                        r.high_watermark = hw;
                        out.push(EventKind::HighWatermarkChanged {
                            topic: part.topic.clone(),
                            partition: part.id,
                            broker: leader,
                            leader_epoch: part.leader_epoch,
                            high_watermark: hw,
                        });
                    }
                }
            }
        }
        for kind in out {
            self.emit(kind);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(
        sim: &mut Simulation,
        name: &str,
        partitions: i32,
        rf: i32,
    ) -> Result<Reply, CommandError> {
        sim.apply(Command::CreateTopic(CreateTopic {
            name: name.into(),
            partitions,
            replication_factor: rf,
            assignment: None,
            config: TopicConfig::default(),
        }))
    }

    #[test]
    fn rf_larger_than_brokers_is_refused() {
        let mut sim = Simulation::new(ClusterConfig { brokers: 3 }, 1);
        let err = create(&mut sim, "t", 1, 4).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Replication factor: 4 larger than available brokers: 3."
        );
        assert!(sim.snapshot().topics.is_empty());
    }

    #[test]
    fn produce_then_replicate_moves_hw() {
        let mut sim = Simulation::new(ClusterConfig::default(), 7);
        create(&mut sim, "t", 1, 3).expect("valid");
        let r = sim.apply(Command::Produce(Produce {
            topic: "t".into(),
            partition: 0,
            key: None,
            value: "v".into(),
        }));
        assert_eq!(
            r,
            Ok(Reply::Appended {
                partition: 0,
                offset: 0
            })
        );
        assert_eq!(
            sim.snapshot().partition("t", 0).map(|p| p.high_watermark()),
            Ok(0)
        );
        sim.advance(10);
        assert_eq!(
            sim.snapshot().partition("t", 0).map(|p| p.high_watermark()),
            Ok(1)
        );
    }

    #[test]
    fn same_seed_same_placement() {
        let place = |seed| {
            let mut sim = Simulation::new(ClusterConfig { brokers: 5 }, seed);
            create(&mut sim, "t", 10, 3).expect("valid");
            sim.snapshot().topics["t"]
                .partitions
                .iter()
                .map(|p| p.replicas.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(place(3), place(3));
    }

    #[test]
    fn duplicate_topic_and_bad_partition() {
        let mut sim = Simulation::new(ClusterConfig::default(), 0);
        create(&mut sim, "t", 1, 1).expect("valid");
        assert_eq!(
            create(&mut sim, "t", 1, 1),
            Err(CommandError::TopicExists("t".into()))
        );
        let err = sim.apply(Command::Produce(Produce {
            topic: "t".into(),
            partition: 5,
            key: None,
            value: "v".into(),
        }));
        assert!(matches!(err, Err(CommandError::UnknownPartition { .. })));
    }
}
