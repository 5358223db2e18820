//! The simulation: one deterministic state machine for the whole cluster.
//!
//! Submodules follow Kafka's own split: [`controller`] (ZooKeeper sessions,
//! broker lifecycle, elections, LeaderAndIsr), [`replica_manager`] (fetching,
//! high watermark, ISR, truncation), [`produce`] (the producer client and the
//! broker's produce path), [`admin`] (topic commands).

mod admin;
mod controller;
mod flume_bridge;
mod group_coordinator;
mod network_client;
mod produce;
mod purgatory;
mod replica_manager;
mod timers;
mod variation;

pub use flume_bridge::FlumeSample;
pub use group_coordinator::{java_string_hash, Group};
pub use variation::{Variation, VARIATION_NAMES};

use crate::cluster::settings::BrokerSettings;
use crate::cluster::{Cluster, TopicConfig};
use crate::consumer::{ConsoleConsume, ConsumedRecord, ConsumerConfig};
use crate::error::CommandError;
#[cfg(feature = "trace-hash")]
use crate::event::TraceHasher;
use crate::event::{Event, EventKind, TraceId};
use crate::ids::{BrokerId, Offset, PartitionId, Tp};
use crate::network::{Network, Node};
use crate::producer::{KafkaProducer, ProducerConfig};
use crate::rng::SimRng;
use crate::time::SimTime;
use crate::vec_map::VecMap;
use crate::vec_map::VecSet;
use timers::{Timer, Timers};

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

/// Records a client hands to `send()`: one batch per partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Produce {
    /// The producer's `client.id`; one producer per id, created on first use.
    pub producer: String,
    pub topic: String,
    /// An explicit partition; otherwise the partitioner decides.
    pub partition: Option<PartitionId>,
    pub records: Vec<(Option<String>, String)>,
    pub config: ProducerConfig,
}

impl Produce {
    /// One record with the default producer settings.
    pub fn one(
        topic: &str,
        partition: Option<PartitionId>,
        key: Option<&str>,
        value: &str,
    ) -> Self {
        Self {
            producer: "producer-1".into(),
            topic: topic.into(),
            partition,
            records: vec![(key.map(String::from), value.to_string())],
            config: ProducerConfig::default(),
        }
    }
}

/// Application commands: what a user (or a script line) asks the cluster to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    CreateTopic(CreateTopic),
    DeleteTopic(String),
    /// `kafka-topics.sh --alter --partitions N` (increase only).
    AlterPartitions {
        topic: String,
        partitions: i32,
    },
    Produce(Produce),
    /// `kafka-server-start.sh`: a stopped or crashed broker, or a new id.
    StartBroker(BrokerId),
    /// `kafka-server-stop.sh`: controlled shutdown.
    StopBroker(BrokerId),
    CrashBroker {
        broker: BrokerId,
        disk_lost: bool,
    },
    /// Crash (if running) and start again.
    RestartBroker(BrokerId),
    /// Cut a broker from the other brokers and ZooKeeper; clients still reach it.
    Isolate(BrokerId),
    /// Cut one link.
    Cut(Node, Node),
    /// Drop a percentage of messages on one link.
    DropMessages(Node, Node, u32),
    /// Add one-way delay to every link of a broker.
    Slow {
        broker: BrokerId,
        ms: u64,
    },
    /// Restore every link.
    Heal,
    /// A broker setting (`server.properties`), applied to every broker.
    SetConfig {
        key: String,
        value: String,
    },
    /// `kafka-leader-election.sh --election-type preferred`.
    ElectPreferred(Option<String>),
    /// A consumer subscribes as a member of a group.
    ConsumerJoin {
        group: String,
        member: String,
        topics: Vec<String>,
        assignor: crate::consumer::AssignorKind,
        config: ConsumerConfig,
    },
    /// `close()`: commit (with auto-commit) and leave the group.
    ConsumerLeave {
        group: String,
        member: String,
    },
    /// The member's process dies: no commit, no leave; the session times out.
    ConsumerCrash {
        group: String,
        member: String,
    },
    /// `commitSync()` of the member's positions.
    ConsumerCommit {
        group: String,
        member: String,
    },
    /// `kafka-console-consumer.sh` run once.
    ConsoleConsume(ConsoleConsume),
    /// `flume-ng agent --name NAME` with its properties text.
    FlumeStart {
        name: String,
        config: String,
    },
    /// Lines typed into a Flume netcat source.
    FlumeFeed {
        agent: String,
        source: String,
        lines: Vec<String>,
    },
    /// Make a custom sink fail its next `count` batches.
    FlumeFailSink {
        agent: String,
        sink: String,
        count: u64,
    },
}

/// What a successful command answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Done,
    TopicCreated,
    /// Records handed to the producer: which partition each went to, and
    /// the trace id of the first.
    Sent {
        partitions: Vec<PartitionId>,
        first_trace: TraceId,
    },
    /// Preferred leaders elected (topic-partition names).
    Elected(Vec<String>),
    /// What a console consumer read.
    Consumed(Vec<ConsumedRecord>),
}

/// A deterministic Kafka cluster.
///
/// Methods come in four kinds, as in sans-IO protocol crates:
/// - getters (`&self`): [`snapshot`](Self::snapshot), [`now`](Self::now), [`next_wakeup`](Self::next_wakeup);
/// - input of time: [`advance`](Self::advance) runs every internal event due;
/// - mutators for application commands: [`apply`](Self::apply);
/// - output: [`poll_event`](Self::poll_event) / [`drain_events`](Self::drain_events).
///
/// ```
/// use streamlab_core::{Simulation, ClusterConfig, Command, CreateTopic, Produce, TopicConfig};
/// let mut sim = Simulation::new(ClusterConfig { brokers: 3 }, 42);
/// sim.apply(Command::CreateTopic(CreateTopic {
///     name: "hello".into(), partitions: 2, replication_factor: 2,
///     assignment: None, config: TopicConfig::default(),
/// })).expect("valid topic");
/// sim.apply(Command::Produce(Produce::one("hello", Some(0), None, "hi"))).expect("topic exists");
/// sim.advance(1_000);
/// for event in sim.drain_events() {
///     println!("{event:?}");
/// }
/// assert_eq!(sim.snapshot().partition("hello", 0).map(|p| p.high_watermark()), Ok(1));
/// ```
#[derive(Debug, Clone)]
pub struct Simulation {
    seed: u64,
    now: SimTime,
    pub(crate) settings: BrokerSettings,
    pub(crate) cluster: Cluster,
    pub(crate) network: Network,
    timers: Timers,
    placement_rng: SimRng,
    network_rng: SimRng,
    pub(crate) client_rng: SimRng,
    /// Events not yet drained (a `Vec`: callers drain them all at once).
    events: Vec<Event>,
    #[cfg(feature = "trace-hash")]
    trace: TraceHasher,
    pub(crate) controller: Option<BrokerId>,
    controller_epoch: i32,
    /// The controller's view of live brokers (`/brokers/ids` as last read).
    known_live: VecSet<BrokerId>,
    /// Every producer client, by `client.id`.
    producers: VecMap<String, KafkaProducer>,
    groups: VecMap<String, Group>,
    flume: VecMap<String, crate::flume::Agent>,
    flume_history: VecMap<String, Vec<flume_bridge::FlumeSample>>,
    next_trace: TraceId,
    /// The next request's id (correlation id), shared by every client.
    next_request: u64,
    /// The next producer id `InitProducerId` hands out.
    next_producer_id: i64,
    /// Requests the brokers hold until they can answer.
    purgatory: purgatory::Purgatory,
    /// The setting this run holds at one value (a variant of `sim vary`).
    variation: Option<Variation>,
    /// Some broker may hold a stale role (after a network change or failover).
    roles_dirty: bool,
    /// Offline partitions may now be electable (a setting changed).
    elections_dirty: bool,
    agents_ran_at: Option<SimTime>,
    /// Timers fired and agent runs so far: the work `advance` did, events
    /// or not (an idle follower's long poll fires timers and emits nothing).
    steps: u64,
}

impl Simulation {
    pub fn new(config: ClusterConfig, seed: u64) -> Self {
        let cluster = Cluster::with_brokers(config.brokers);
        let known_live = VecSet::from_iter(cluster.brokers.keys().copied());
        let mut sim = Self {
            seed,
            now: SimTime::ZERO,
            settings: BrokerSettings::default(),
            cluster,
            network: Network::default(),
            timers: Timers::default(),
            placement_rng: SimRng::derive(seed, "placement"),
            network_rng: SimRng::derive(seed, "network"),
            client_rng: SimRng::derive(seed, "clients"),
            events: Vec::new(),
            #[cfg(feature = "trace-hash")]
            trace: TraceHasher::default(),
            controller: None,
            controller_epoch: 0,
            known_live,
            producers: VecMap::new(),
            groups: VecMap::new(),
            flume: VecMap::new(),
            flume_history: VecMap::new(),
            next_trace: 1,
            next_request: 1,
            next_producer_id: 0,
            purgatory: purgatory::Purgatory::default(),
            variation: None,
            roles_dirty: false,
            elections_dirty: false,
            agents_ran_at: None,
            steps: 0,
        };
        // The first broker up creates /controller.
        sim.reconcile();
        let every = sim.isr_check_interval();
        sim.timers.schedule(SimTime(every), Timer::IsrExpiration);
        sim
    }

    /// Holds one setting at one value for the rest of the run, wherever a
    /// command names it (see [`Variation`]); a broker setting is set now, as
    /// a `sim set` line would. Call it before any other command.
    pub fn hold(&mut self, variation: Variation) -> Result<(), CommandError> {
        self.variation = Some(variation);
        match variation.broker_setting() {
            Some((key, value)) => self.apply(Command::SetConfig { key, value }).map(|_| ()),
            None => Ok(()),
        }
    }

    /// The setting this run holds, if it is a variant.
    pub fn variation(&self) -> Option<Variation> {
        self.variation
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

    pub fn settings(&self) -> &BrokerSettings {
        &self.settings
    }

    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The broker that is controller now, if any broker is registered.
    pub fn controller(&self) -> Option<BrokerId> {
        self.controller
    }

    /// How many timers have fired (and Flume agent runs happened) so far:
    /// the work time has cost, whether it emitted events or not. Budgets
    /// and the time-travel engine's slices count it.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// When the next internal event is due, if any.
    pub fn next_wakeup(&self) -> Option<SimTime> {
        self.timers.next_due()
    }

    /// Hash of every event so far (the determinism check).
    #[cfg(feature = "trace-hash")]
    pub fn trace_hash(&self) -> u64 {
        self.trace.finish()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        (!self.events.is_empty()).then(|| self.events.remove(0))
    }

    pub fn drain_events(&mut self) -> impl Iterator<Item = Event> + '_ {
        self.events.drain(..)
    }

    pub(crate) fn emit(&mut self, kind: EventKind) {
        let event = Event {
            time: self.now,
            kind,
        };
        #[cfg(feature = "trace-hash")]
        self.trace.add(&event);
        self.events.push(event);
    }

    pub(crate) fn schedule(&mut self, delay_ms: u64, timer: Timer) {
        self.timers.schedule(self.now + delay_ms, timer);
    }

    pub(crate) fn next_trace_ids(&mut self, n: usize) -> TraceId {
        let first = self.next_trace;
        self.next_trace += n as TraceId;
        first
    }

    /// Whether a message from `a` to `b` gets through now (cuts and drops).
    pub(crate) fn delivers(&mut self, a: Node, b: Node) -> bool {
        self.network.delivers(a, b, &mut self.network_rng)
    }

    pub(crate) fn delay(&self, a: Node, b: Node) -> u64 {
        self.network.delay(a, b)
    }

    pub(crate) fn broker_alive(&self, id: BrokerId) -> bool {
        self.cluster.brokers.get(&id).is_some_and(|b| b.is_alive())
    }

    pub(crate) fn incarnation(&self, id: BrokerId) -> u64 {
        self.cluster
            .brokers
            .get(&id)
            .map_or(u64::MAX, |b| b.incarnation)
    }

    fn isr_check_interval(&self) -> u64 {
        (self.settings.replica_lag_time_max_ms / 2).max(1)
    }

    /// Applies a command at the current time. Invalid commands change nothing.
    pub fn apply(&mut self, command: Command) -> Result<Reply, CommandError> {
        let command = match self.variation {
            Some(v) => v.apply(command),
            None => command,
        };
        let reply = match command {
            Command::CreateTopic(c) => self.create_topic(c),
            Command::DeleteTopic(name) => self.delete_topic(&name),
            Command::AlterPartitions { topic, partitions } => {
                self.alter_partitions(&topic, partitions)
            }
            Command::Produce(p) => self.produce(p),
            Command::StartBroker(id) => self.start_broker(id),
            Command::StopBroker(id) => self.stop_broker(id),
            Command::CrashBroker { broker, disk_lost } => self.crash_broker(broker, disk_lost),
            Command::RestartBroker(id) => self.restart_broker(id),
            Command::Isolate(b) => self.isolate(b),
            Command::Cut(a, b) => self.cut(a, b),
            Command::DropMessages(a, b, pct) => self.drop_messages(a, b, pct),
            Command::Slow { broker, ms } => self.slow(broker, ms),
            Command::Heal => {
                self.heal();
                Ok(Reply::Done)
            }
            Command::SetConfig { key, value } => {
                self.settings.set(&key, &value)?;
                self.elections_dirty = true;
                self.emit(EventKind::ConfigChanged { key, value });
                Ok(Reply::Done)
            }
            Command::ElectPreferred(topic) => self.elect_preferred(topic.as_deref()),
            Command::ConsumerJoin {
                group,
                member,
                topics,
                assignor,
                config,
            } => self.consumer_join(&group, &member, topics, assignor, config),
            Command::ConsumerLeave { group, member } => self.consumer_leave(&group, &member),
            Command::ConsumerCrash { group, member } => self.consumer_crash(&group, &member),
            Command::ConsumerCommit { group, member } => self.consumer_commit(&group, &member),
            Command::ConsoleConsume(c) => crate::consumer::console::run(self, c),
            Command::FlumeStart { name, config } => self.start_flume_agent(&name, &config),
            Command::FlumeFeed {
                agent,
                source,
                lines,
            } => self
                .flume_agent_mut(&agent)?
                .feed_lines(&source, &lines)
                .map(|_| Reply::Done)
                .map_err(|e| CommandError::Usage(e.to_string())),
            Command::FlumeFailSink { agent, sink, count } => self
                .flume_agent_mut(&agent)?
                .fail_sink(&sink, count)
                .map(|_| Reply::Done)
                .map_err(|e| CommandError::Usage(e.to_string())),
        }?;
        self.reconcile();
        Ok(reply)
    }

    /// Moves virtual time forward by `ms`, running everything that falls due
    /// in order.
    pub fn advance(&mut self, ms: u64) {
        let until = self.now + ms;
        loop {
            let timer = self.timers.next_due().filter(|&t| t <= until);
            // An agent still due at the instant it just ran waits for time to move.
            let agent = self
                .next_agent_wakeup()
                .map(|t| t.max(self.now))
                .filter(|&t| t <= until && self.agents_ran_at.is_none_or(|r| t > r));
            let at = match (timer, agent) {
                (None, None) => break,
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) | (None, Some(a)) => a,
            };
            self.now = at;
            if agent == Some(at) {
                self.run_agents(at);
                self.agents_ran_at = Some(at);
                self.steps += 1;
            }
            // Everything due at one instant runs before the controller looks
            // at ZooKeeper, so simultaneous session expiries are one change.
            while let Some(timer) = self.timers.pop_due(at) {
                self.steps += 1;
                self.fire(timer);
            }
            self.reconcile();
        }
        self.now = until;
    }

    fn fire(&mut self, timer: Timer) {
        match timer {
            Timer::IsrExpiration => {
                self.maybe_shrink_isr();
                let every = self.isr_check_interval();
                self.schedule(every, Timer::IsrExpiration);
            }
            Timer::SessionExpire {
                broker,
                incarnation,
            } => self.session_expired(broker, incarnation),
            Timer::FetchSend {
                tp,
                follower,
                session,
            } => self.fetch_send(tp, follower, session),
            Timer::FetchArrive(request) => self.fetch_arrive(request),
            Timer::FetchExpire {
                tp,
                leader,
                follower,
                token,
            } => self.fetch_expire(tp, leader, follower, token),
            Timer::FetchResponse(response) => self.fetch_response(*response),
            Timer::ProduceArrive(request) => self.produce_arrive(request),
            Timer::ProduceResponse(response) => self.produce_response(*response),
            Timer::ProduceTimeout {
                producer,
                batch,
                request,
            } => self.produce_timeout(&producer, batch, request),
            Timer::ProducerWake { producer } => self.producer_wake(&producer),
            Timer::ConsumerPoll {
                group,
                member,
                incarnation,
            } => self.consumer_poll(&group, &member, incarnation),
            Timer::AutoCommit {
                group,
                member,
                incarnation,
            } => self.auto_commit(&group, &member, incarnation),
            Timer::MemberSessionTimeout {
                group,
                member,
                incarnation,
            } => self.member_session_timeout(&group, &member, incarnation),
        }
    }

    /// The `min.insync.replicas` that applies to a topic.
    pub(crate) fn min_insync(&self, topic: &str) -> i32 {
        self.cluster
            .topics
            .get(topic)
            .and_then(|t| t.config.min_insync_replicas)
            .unwrap_or(self.settings.min_insync_replicas)
    }

    pub(crate) fn unclean_allowed(&self, topic: &str) -> bool {
        self.cluster
            .topics
            .get(topic)
            .and_then(|t| t.config.unclean_leader_election_enable)
            .unwrap_or(self.settings.unclean_leader_election_enable)
    }

    pub(crate) fn partition_mut(
        &mut self,
        topic: &str,
        partition: PartitionId,
    ) -> Option<&mut crate::partition::Partition> {
        self.cluster.topics.get_mut(topic).and_then(|t| {
            usize::try_from(partition)
                .ok()
                .and_then(|i| t.partitions.get_mut(i))
        })
    }

    /// Every topic-partition, in Kafka's order (topic, then number).
    pub(crate) fn all_tps(&self) -> Vec<Tp> {
        self.cluster
            .topics
            .values()
            .flat_map(|t| t.partitions.iter().map(|p| (p.topic.clone(), p.id)))
            .collect()
    }

    /// The high watermark a consumer sees on the current leader.
    pub fn high_watermark(&self, topic: &str, partition: PartitionId) -> Offset {
        self.cluster
            .partition(topic, partition)
            .map_or(0, |p| p.high_watermark())
    }
}

#[cfg(test)]
mod tests;
