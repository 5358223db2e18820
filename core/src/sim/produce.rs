//! The produce path, both ends: the producer client (batches, `acks`,
//! retries, in-flight limit, idempotent sequences) and the partition
//! leader's handling of a produce request (checks, append, purgatory).

use super::timers::Timer;
use super::{Produce, Reply, Simulation, Tp};
use crate::cluster::settings::{invalid, parse_bool, parse_int, parse_ms};
use crate::error::CommandError;
use crate::event::{EventKind, TraceId};
use crate::ids::{BrokerId, Offset, PartitionId, ProducerId};
use crate::log::RecordData;
use crate::network::Node;
use crate::partition::{PendingAck, Role};
use crate::producer::{NullKeyStrategy, Partitioner};
use crate::time::SimTime;
use crate::vec_map::VecMap;
use std::collections::VecDeque;
use std::sync::Arc;

/// `acks`: how many replicas must have a record before the send succeeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Acks {
    /// Fire and forget: at most once.
    Zero,
    /// The leader wrote it.
    One,
    /// Every ISR member has it (the HW passed it). `-1` on the wire.
    All,
}

impl Acks {
    pub fn wire(self) -> i16 {
        match self {
            Acks::Zero => 0,
            Acks::One => 1,
            Acks::All => -1,
        }
    }
}

impl std::str::FromStr for Acks {
    type Err = CommandError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "0" => Ok(Acks::Zero),
            "1" => Ok(Acks::One),
            "all" | "-1" => Ok(Acks::All),
            other => Err(CommandError::InvalidConfig {
                key: "acks".into(),
                value: other.into(),
                reason: "String must be one of: all, -1, 0, 1".into(),
            }),
        }
    }
}

impl std::fmt::Display for Acks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Acks::Zero => "0",
            Acks::One => "1",
            Acks::All => "all",
        })
    }
}

/// Producer settings, with Kafka 2.x names and defaults.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProducerConfig {
    pub acks: Acks,
    /// `enable.idempotence`; forces `acks=all` and unbounded retries.
    pub enable_idempotence: bool,
    /// `retries` (2147483647 since Kafka 2.1).
    pub retries: u32,
    /// `request.timeout.ms` (30000).
    pub request_timeout_ms: u64,
    /// `retry.backoff.ms` (100).
    pub retry_backoff_ms: u64,
    /// `delivery.timeout.ms` (120000): a batch not acknowledged by then fails.
    pub delivery_timeout_ms: u64,
    /// `max.in.flight.requests.per.connection` (5).
    pub max_in_flight: u32,
    /// What records without key or partition do (`partitioner.class`).
    pub partitioner: NullKeyStrategy,
}

impl Default for ProducerConfig {
    fn default() -> Self {
        Self {
            acks: Acks::One,
            enable_idempotence: false,
            retries: i32::MAX as u32,
            request_timeout_ms: 30_000,
            retry_backoff_ms: 100,
            delivery_timeout_ms: 120_000,
            max_in_flight: 5,
            partitioner: NullKeyStrategy::Sticky,
        }
    }
}

impl ProducerConfig {
    /// Applies one `--producer-property k=v`.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), CommandError> {
        let bad = |reason: &str| invalid(key, value, reason);
        match key {
            "acks" => self.acks = value.parse()?,
            "enable.idempotence" => self.enable_idempotence = parse_bool(key, value)?,
            // Kafka's `retries` is an INT: at most 2147483647.
            "retries" => self.retries = parse_int(key, value, 0)?.unsigned_abs(),
            "request.timeout.ms" => self.request_timeout_ms = parse_ms(key, value, 0)?,
            "retry.backoff.ms" => self.retry_backoff_ms = parse_ms(key, value, 0)?,
            "delivery.timeout.ms" => self.delivery_timeout_ms = parse_ms(key, value, 0)?,
            "max.in.flight.requests.per.connection" => {
                self.max_in_flight = parse_int(key, value, 1)?.unsigned_abs()
            }
            "partitioner" => {
                self.partitioner = value
                    .parse()
                    .map_err(|_| bad("Expected random, round-robin or sticky"))?
            }
            "partitioner.class" => {
                self.partitioner = match value.rsplit('.').next().unwrap_or(value) {
                    "RoundRobinPartitioner" => NullKeyStrategy::RoundRobin,
                    "UniformStickyPartitioner" | "DefaultPartitioner" => NullKeyStrategy::Sticky,
                    _ => return Err(bad("Class could not be found")),
                }
            }
            // Accepted and without effect in the simulation.
            "linger.ms" | "batch.size" | "compression.type" | "client.id" | "key.serializer"
            | "value.serializer" | "buffer.memory" => {}
            _ => {
                return Err(CommandError::Usage(format!(
                    "Unknown producer config {key}"
                )))
            }
        }
        Ok(())
    }

    /// What Kafka actually runs with: idempotence forces acks=all.
    pub fn effective(&self) -> ProducerConfig {
        let mut c = self.clone();
        if c.enable_idempotence {
            c.acks = Acks::All;
            c.max_in_flight = c.max_in_flight.min(5);
        }
        c
    }

    /// The delivery guarantee these settings give, in the seed's words.
    pub fn semantics(&self) -> &'static str {
        let c = self.effective();
        match (c.acks, c.enable_idempotence, c.retries) {
            (Acks::Zero, _, _) | (_, false, 0) => "at most once",
            (_, true, _) => "exactly once (per partition)",
            _ => "at least once",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Batch {
    pub tp: Tp,
    pub records: Arc<Vec<RecordData>>,
    pub first_trace: TraceId,
    pub base_sequence: i32,
    pub attempt: i32,
    /// The request in flight for it, if any.
    pub request: Option<u64>,
    pub created: SimTime,
    pub retry_at: SimTime,
}

/// One `KafkaProducer`.
#[derive(Debug, Clone)]
pub(crate) struct ProducerClient {
    pub config: ProducerConfig,
    pub producer_id: ProducerId,
    pub sequences: VecMap<Tp, i32>,
    pub batches: VecMap<u64, Batch>,
    /// Batches waiting to be sent, oldest first.
    pub queue: VecDeque<u64>,
    pub in_flight: u32,
    pub next_batch: u64,
    pub wake_pending: bool,
    pub partitioner: Partitioner,
}

#[derive(Debug, Clone)]
pub(crate) struct ProduceRequest {
    pub producer: String,
    pub batch: u64,
    pub request: u64,
    pub tp: Tp,
    pub broker: BrokerId,
    pub incarnation: u64,
    pub records: Arc<Vec<RecordData>>,
    pub acks: Acks,
    pub producer_id: ProducerId,
    pub base_sequence: i32,
    pub first_trace: TraceId,
}

#[derive(Debug, Clone)]
pub(crate) struct ProduceResponse {
    pub producer: String,
    pub batch: u64,
    pub request: u64,
    pub result: Result<Offset, &'static str>,
}

/// Kafka's exception and message for a produce error code.
pub fn error_message(code: &str) -> String {
    let (class, message) = match code {
        "NOT_LEADER_OR_FOLLOWER" => (
            "NotLeaderOrFollowerException",
            "For requests intended only for the leader, this error indicates that the broker is not the current leader.",
        ),
        "NOT_ENOUGH_REPLICAS" => (
            "NotEnoughReplicasException",
            "Messages are rejected since there are fewer in-sync replicas than required.",
        ),
        "NOT_ENOUGH_REPLICAS_AFTER_APPEND" => (
            "NotEnoughReplicasAfterAppendException",
            "Messages are written to the log, but to fewer in-sync replicas than required.",
        ),
        "OUT_OF_ORDER_SEQUENCE_NUMBER" => (
            "OutOfOrderSequenceException",
            "The broker received an out of order sequence number.",
        ),
        "REQUEST_TIMED_OUT" => ("TimeoutException", "The request timed out."),
        "LEADER_NOT_AVAILABLE" => (
            "LeaderNotAvailableException",
            "There is no leader for this topic-partition as we are in the middle of a leadership election.",
        ),
        other => return other.to_string(),
    };
    format!("org.apache.kafka.common.errors.{class}: {message}")
}

fn retriable(code: &str) -> bool {
    code != "OUT_OF_ORDER_SEQUENCE_NUMBER"
}

impl Simulation {
    pub(super) fn produce(&mut self, p: Produce) -> Result<Reply, CommandError> {
        if p.records.is_empty() {
            return Err(CommandError::Usage("nothing to send".into()));
        }
        if !self.cluster.topics.contains_key(&p.topic) {
            self.auto_create_topic(&p.topic)?;
        }
        let partitions = self.cluster.topic(&p.topic)?.partitions.len() as i32;
        if let Some(n) = p.partition {
            if !(0..partitions).contains(&n) {
                return Err(CommandError::UnknownPartition {
                    topic: p.topic.clone(),
                    partition: n,
                });
            }
        }
        let config = p.config.effective();
        let existing = self.producers.get(&p.producer);
        if existing.is_some_and(|c| c.config != config && !c.batches.is_empty()) {
            return Err(CommandError::Usage(format!(
                "producer {} still has records in flight with other settings; give this send another --producer name",
                p.producer
            )));
        }
        let replace = existing.is_none_or(|c| c.config != config);
        if replace {
            let producer_id = if config.enable_idempotence {
                self.next_producer_id += 1;
                self.next_producer_id - 1
            } else {
                -1
            };
            self.producers.insert(
                p.producer.clone(),
                ProducerClient {
                    config: config.clone(),
                    producer_id,
                    sequences: VecMap::new(),
                    batches: VecMap::new(),
                    queue: VecDeque::new(),
                    in_flight: 0,
                    next_batch: 1,
                    wake_pending: false,
                    partitioner: Partitioner::new(config.partitioner),
                },
            );
        }
        let first_trace = self.next_trace_ids(p.records.len());
        let now = self.now();
        // Consecutive records for the same partition travel in one batch.
        let mut chosen = Vec::with_capacity(p.records.len());
        let mut groups: Vec<(PartitionId, Vec<RecordData>, TraceId)> = Vec::new();
        for (i, (key, value)) in p.records.into_iter().enumerate() {
            let partition = self.choose_partition(
                &p.producer,
                &p.topic,
                p.partition,
                key.as_deref(),
                partitions,
            );
            chosen.push(partition);
            let trace = first_trace + i as TraceId;
            let data = RecordData {
                key: key.map(Arc::from),
                value: Arc::from(value),
                timestamp: now,
                producer_id: -1,
                sequence: -1,
                trace,
            };
            match groups.last_mut() {
                Some((part, records, _)) if *part == partition => records.push(data),
                _ => groups.push((partition, vec![data], trace)),
            }
        }
        let Some(client) = self.producers.get_mut(&p.producer) else {
            return Err(CommandError::Usage("producer vanished".into()));
        };
        // The batch is complete: a sticky partitioner moves on (KIP-480).
        client.partitioner.on_new_batch(&p.topic);
        for (partition, mut records, trace) in groups {
            let tp = (p.topic.clone(), partition);
            let base_sequence = if client.producer_id >= 0 {
                let seq = client.sequences.entry(tp.clone()).or_insert(0);
                let base = *seq;
                for (i, r) in records.iter_mut().enumerate() {
                    r.producer_id = client.producer_id;
                    r.sequence = base.wrapping_add(i as i32);
                }
                *seq = base.wrapping_add(records.len() as i32);
                base
            } else {
                -1
            };
            let id = client.next_batch;
            client.next_batch += 1;
            client.batches.insert(
                id,
                Batch {
                    tp,
                    records: Arc::new(records),
                    first_trace: trace,
                    base_sequence,
                    attempt: 0,
                    request: None,
                    created: now,
                    retry_at: now,
                },
            );
            client.queue.push_back(id);
        }
        self.pump(&p.producer);
        Ok(Reply::Sent {
            partitions: chosen,
            first_trace,
        })
    }

    /// Explicit partition, else the key's hash, else the null-key strategy.
    fn choose_partition(
        &mut self,
        producer: &str,
        topic: &str,
        explicit: Option<PartitionId>,
        key: Option<&str>,
        partitions: i32,
    ) -> PartitionId {
        let Some(client) = self.producers.get_mut(producer) else {
            return explicit.unwrap_or(0);
        };
        client
            .partitioner
            .partition(
                topic,
                key.map(str::as_bytes),
                explicit,
                partitions,
                &mut self.client_rng,
            )
            .max(0)
    }

    fn auto_create_topic(&mut self, topic: &str) -> Result<(), CommandError> {
        if !self.settings.auto_create_topics_enable {
            return Err(CommandError::UnknownTopic(topic.to_string()));
        }
        self.create_topic(super::CreateTopic {
            name: topic.to_string(),
            partitions: self.settings.num_partitions,
            replication_factor: self.settings.default_replication_factor,
            assignment: None,
            config: Default::default(),
        })?;
        Ok(())
    }

    /// Sends what the in-flight limit allows; batches without a live leader wait.
    fn pump(&mut self, name: &str) {
        let now = self.now();
        loop {
            let Some(client) = self.producers.get(name) else {
                return;
            };
            if client.in_flight >= client.config.max_in_flight {
                return;
            }
            let Some(&id) = client.queue.front() else {
                return;
            };
            let Some(batch) = client.batches.get(&id) else {
                if let Some(c) = self.producers.get_mut(name) {
                    c.queue.pop_front();
                }
                continue;
            };
            let (tp, created, retry_at) = (batch.tp.clone(), batch.created, batch.retry_at);
            let delivery_timeout = client.config.delivery_timeout_ms;
            if now.since(created) >= delivery_timeout {
                let count = batch.records.len();
                if let Some(c) = self.producers.get_mut(name) {
                    c.queue.pop_front();
                    c.batches.remove(&id);
                }
                self.emit(EventKind::ProduceFailed {
                    producer: name.to_string(),
                    request: 0,
                    topic: tp.0.clone(),
                    partition: tp.1,
                    error: format!(
                        "org.apache.kafka.common.errors.TimeoutException: Expiring {count} record(s) for {}-{}:{delivery_timeout} ms has passed since batch creation",
                        tp.0, tp.1
                    ),
                    will_retry: false,
                });
                continue;
            }
            let leader = self
                .cluster
                .partition(&tp.0, tp.1)
                .ok()
                .and_then(|p| p.leader)
                .filter(|&l| self.broker_alive(l));
            let (Some(leader), true) = (leader, retry_at <= now) else {
                let wait = if retry_at > now {
                    retry_at.since(now)
                } else {
                    client.config.retry_backoff_ms.max(1)
                };
                self.wake_producer(name, wait);
                return;
            };
            if let Some(c) = self.producers.get_mut(name) {
                c.queue.pop_front();
            }
            self.send_batch(name, id, leader);
        }
    }

    fn wake_producer(&mut self, name: &str, after: u64) {
        if let Some(c) = self.producers.get_mut(name) {
            if c.wake_pending {
                return;
            }
            c.wake_pending = true;
        }
        self.schedule(
            after,
            Timer::ProducerWake {
                producer: name.to_string(),
            },
        );
    }

    pub(super) fn producer_wake(&mut self, name: &str) {
        if let Some(c) = self.producers.get_mut(name) {
            c.wake_pending = false;
        }
        self.pump(name);
    }

    fn send_batch(&mut self, name: &str, id: u64, leader: BrokerId) {
        let request = self.next_request_id();
        let incarnation = self.incarnation(leader);
        let Some(client) = self.producers.get_mut(name) else {
            return;
        };
        let (acks, producer_id, timeout) = (
            client.config.acks,
            client.producer_id,
            client.config.request_timeout_ms,
        );
        let Some(batch) = client.batches.get_mut(&id) else {
            return;
        };
        batch.attempt += 1;
        batch.request = Some(request);
        let req = ProduceRequest {
            producer: name.to_string(),
            batch: id,
            request,
            tp: batch.tp.clone(),
            broker: leader,
            incarnation,
            records: batch.records.clone(),
            acks,
            producer_id,
            base_sequence: batch.base_sequence,
            first_trace: batch.first_trace,
        };
        let attempt = batch.attempt;
        let count = batch.records.len() as i32;
        if acks == Acks::Zero {
            client.batches.remove(&id);
        } else {
            client.in_flight += 1;
        }
        self.emit(EventKind::ProduceSent {
            producer: name.to_string(),
            request,
            topic: req.tp.0.clone(),
            partition: req.tp.1,
            count,
            first_trace: req.first_trace,
            acks: acks.wire(),
            attempt,
        });
        if acks == Acks::Zero {
            // No response will come: the send counts as done.
            self.emit(EventKind::ProduceAcked {
                producer: name.to_string(),
                request,
                topic: req.tp.0.clone(),
                partition: req.tp.1,
                base_offset: -1,
                count,
                first_trace: req.first_trace,
                acks: 0,
            });
        } else {
            self.schedule(
                timeout,
                Timer::ProduceTimeout {
                    producer: name.to_string(),
                    batch: id,
                    request,
                },
            );
        }
        if self.delivers(Node::Clients, Node::Broker(leader)) {
            let delay = self.delay(Node::Clients, Node::Broker(leader));
            self.schedule(delay, Timer::ProduceArrive(Box::new(req)));
        }
    }

    /// The partition leader handles a produce request.
    pub(super) fn produce_arrive(&mut self, req: Box<ProduceRequest>) {
        let b = req.broker;
        if !self.broker_alive(b) || self.incarnation(b) != req.incarnation {
            return; // The process that would answer is gone: the client times out.
        }
        let min_isr = self.min_insync(&req.tp.0);
        let now = self.now();
        let Some(part) = self.partition_mut(&req.tp.0, req.tp.1) else {
            return;
        };
        let Some(r) = part.replica_state.get_mut(&b) else {
            return;
        };
        let ack = PendingAck {
            producer: req.producer.clone(),
            batch: req.batch,
            request: req.request,
            required: 0,
            base_offset: -1,
        };
        let Role::Leader { epoch, isr, .. } = &r.role else {
            self.respond(&req, Err("NOT_LEADER_OR_FOLLOWER"));
            return;
        };
        let epoch = *epoch;
        if req.acks == Acks::All && (isr.len() as i32) < min_isr {
            self.respond(&req, Err("NOT_ENOUGH_REPLICAS"));
            return;
        }
        let count = req.records.len() as i32;
        if req.producer_id >= 0 {
            if let Some(runs) = r.producers.get(&req.producer_id) {
                let dup = runs.iter().find(|run| {
                    run.first_sequence <= req.base_sequence
                        && req.base_sequence <= run.last_sequence
                });
                if let Some(run) = dup {
                    let original =
                        run.base_offset + i64::from(req.base_sequence - run.first_sequence);
                    let wait_for_hw = req.acks == Acks::All;
                    if wait_for_hw {
                        // Like any acks=all append, the answer waits until
                        // the HW passes the original records.
                        r.purgatory.push(PendingAck {
                            required: original + i64::from(count),
                            base_offset: original,
                            ..ack.clone()
                        });
                    }
                    self.emit(EventKind::DuplicateIgnored {
                        topic: req.tp.0.clone(),
                        partition: req.tp.1,
                        broker: b,
                        producer_id: req.producer_id,
                        base_sequence: req.base_sequence,
                        original_offset: original,
                    });
                    if wait_for_hw {
                        self.maybe_increment_hw(&req.tp, b);
                        self.complete_purgatory(&req.tp, b);
                    } else {
                        self.respond(&req, Ok(original));
                    }
                    return;
                }
                let last = runs.back().map_or(-1, |run| run.last_sequence);
                if req.base_sequence != last.wrapping_add(1) {
                    self.respond(&req, Err("OUT_OF_ORDER_SEQUENCE_NUMBER"));
                    return;
                }
            }
        }
        let base_offset = r.log.log_end_offset();
        for data in req.records.iter() {
            let mut data = data.clone();
            data.timestamp = now;
            r.log.append(data, epoch);
        }
        if req.producer_id >= 0 {
            r.note_last_appended(req.records.len());
        }
        if req.acks == Acks::All {
            r.purgatory.push(PendingAck {
                required: base_offset + i64::from(count),
                base_offset,
                ..ack
            });
        }
        self.emit(EventKind::BatchAppended {
            topic: req.tp.0.clone(),
            partition: req.tp.1,
            broker: b,
            base_offset,
            count,
            leader_epoch: epoch,
            producer_id: req.producer_id,
            base_sequence: req.base_sequence,
            first_trace: req.first_trace,
        });
        if req.acks == Acks::One {
            self.respond(&req, Ok(base_offset));
        }
        self.wake_parked_fetches(&req.tp, b);
        self.maybe_increment_hw(&req.tp, b);
    }

    fn respond(&mut self, req: &ProduceRequest, result: Result<Offset, &'static str>) {
        if req.acks == Acks::Zero {
            return;
        }
        self.send_response(
            req.broker,
            ProduceResponse {
                producer: req.producer.clone(),
                batch: req.batch,
                request: req.request,
                result,
            },
        );
    }

    fn send_response(&mut self, broker: BrokerId, response: ProduceResponse) {
        let (from, to) = (Node::Broker(broker), Node::Clients);
        if self.delivers(from, to) {
            let delay = self.delay(from, to);
            self.schedule(delay, Timer::ProduceResponse(Box::new(response)));
        }
    }

    /// Answers a produce request the leader held in purgatory (or could not take).
    pub(super) fn respond_produce(
        &mut self,
        leader: BrokerId,
        ack: PendingAck,
        result: Result<(), &'static str>,
    ) {
        let result = result.map(|()| ack.base_offset);
        self.send_response(
            leader,
            ProduceResponse {
                producer: ack.producer,
                batch: ack.batch,
                request: ack.request,
                result,
            },
        );
    }

    pub(super) fn produce_response(&mut self, resp: ProduceResponse) {
        let name = resp.producer.clone();
        self.finish_request(&name, resp.batch, resp.request, resp.result);
    }

    pub(super) fn produce_timeout(&mut self, name: &str, batch: u64, request: u64) {
        self.finish_request(name, batch, request, Err("REQUEST_TIMED_OUT"));
    }

    fn finish_request(
        &mut self,
        name: &str,
        id: u64,
        request: u64,
        result: Result<Offset, &'static str>,
    ) {
        let now = self.now();
        let Some(client) = self.producers.get_mut(name) else {
            return;
        };
        let config = client.config.clone();
        let Some(batch) = client.batches.get_mut(&id) else {
            return;
        };
        if batch.request != Some(request) {
            return; // An answer to an attempt already given up on.
        }
        batch.request = None;
        client.in_flight = client.in_flight.saturating_sub(1);
        let (tp, count, first_trace, attempt) = (
            batch.tp.clone(),
            batch.records.len() as i32,
            batch.first_trace,
            batch.attempt,
        );
        match result {
            Ok(base_offset) => {
                client.batches.remove(&id);
                self.emit(EventKind::ProduceAcked {
                    producer: name.to_string(),
                    request,
                    topic: tp.0,
                    partition: tp.1,
                    base_offset,
                    count,
                    first_trace,
                    acks: config.acks.wire(),
                });
            }
            Err(code) => {
                let will_retry = retriable(code)
                    && (attempt as u64) <= u64::from(config.retries)
                    && now.since(batch.created) < config.delivery_timeout_ms;
                if will_retry {
                    batch.retry_at = now + config.retry_backoff_ms;
                    client.queue.push_front(id);
                } else {
                    client.batches.remove(&id);
                }
                self.emit(EventKind::ProduceFailed {
                    producer: name.to_string(),
                    request,
                    topic: tp.0,
                    partition: tp.1,
                    error: error_message(code),
                    will_retry,
                });
            }
        }
        self.pump(name);
    }

    /// Records a producer still holds (queued, in flight or waiting to retry).
    pub fn unacknowledged(&self, producer: &str) -> usize {
        self.producers
            .get(producer)
            .map_or(0, |c| c.batches.values().map(|b| b.records.len()).sum())
    }
}
