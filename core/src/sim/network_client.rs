//! The clients' side of the wire — what Kafka's `NetworkClient` does for a
//! producer: carries the requests its [`KafkaProducer`]'s sender decided
//! over the simulated links, arms their `request.timeout.ms`, wakes the
//! sender when a backoff ends, and hands answers back to it. Each outcome
//! becomes an event in the trace.
//!
//! The producer's rules live in `producer/`; the broker's answer to a
//! produce request in `produce.rs`.

use super::timers::Timer;
use super::{CreateTopic, Produce, Reply, Simulation};
use crate::error::CommandError;
use crate::event::EventKind;
use crate::ids::{Offset, Tp};
use crate::network::Node;
use crate::producer::sender::{error_message, expiry_message, Completion, Dispatch};
use crate::producer::transaction_manager::NO_PRODUCER_ID;
use crate::producer::{Acks, KafkaProducer};
use crate::requests::ProduceResponse;

impl Simulation {
    /// A client's `send()`: the producer named in `p` (created on first use,
    /// or replaced when idle with other settings) takes the records, then
    /// sends what it can.
    pub(super) fn produce(&mut self, mut p: Produce) -> Result<Reply, CommandError> {
        if let Some(v) = self.variation {
            v.apply_to_producer(&mut p.config);
        }
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
        if existing.is_some_and(|c| *c.config() != config && c.has_incomplete()) {
            return Err(CommandError::Usage(format!(
                "producer {} still has records in flight with other settings; give this send another --producer name",
                p.producer
            )));
        }
        if existing.is_none_or(|c| *c.config() != config) {
            // InitProducerId: the broker hands out producer ids in order.
            let producer_id = if config.enable_idempotence {
                self.next_producer_id += 1;
                self.next_producer_id - 1
            } else {
                NO_PRODUCER_ID
            };
            self.producers.insert(
                p.producer.clone(),
                KafkaProducer::new(&p.producer, config, producer_id),
            );
        }
        let first_trace = self.next_trace_ids(p.records.len());
        let now = self.now();
        let Some(client) = self.producers.get_mut(&p.producer) else {
            return Err(CommandError::Usage("producer vanished".into()));
        };
        let partitions = client.send(
            &p.topic,
            p.partition,
            p.records,
            partitions,
            first_trace,
            now,
            &mut self.client_rng,
        );
        self.pump(&p.producer);
        Ok(Reply::Sent {
            partitions,
            first_trace,
        })
    }

    /// `auto.create.topics.enable`: a send to an unknown topic creates it
    /// with the broker's defaults.
    fn auto_create_topic(&mut self, topic: &str) -> Result<(), CommandError> {
        if !self.settings.auto_create_topics_enable {
            return Err(CommandError::UnknownTopic(topic.to_string()));
        }
        self.create_topic(CreateTopic {
            name: topic.to_string(),
            partitions: self.settings.num_partitions,
            replication_factor: self.settings.default_replication_factor,
            assignment: None,
            config: Default::default(),
        })?;
        Ok(())
    }

    /// Lets a producer's sender run and carries out what it decided.
    fn pump(&mut self, name: &str) {
        let now = self.now();
        let Some(client) = self.producers.get_mut(name) else {
            return;
        };
        let cluster = &self.cluster;
        let dispatches = client.run_once(now, &mut self.next_request, |tp: &Tp| {
            let leader = cluster.partition(&tp.0, tp.1).ok()?.leader?;
            let broker = cluster.brokers.get(&leader).filter(|b| b.is_alive())?;
            Some((leader, broker.incarnation))
        });
        for dispatch in dispatches {
            match dispatch {
                Dispatch::Expired {
                    tp,
                    records,
                    delivery_timeout_ms,
                } => self.emit(EventKind::ProduceFailed {
                    producer: name.to_string(),
                    request: 0,
                    error: expiry_message(records, &tp, delivery_timeout_ms),
                    topic: tp.0,
                    partition: tp.1,
                    will_retry: false,
                }),
                Dispatch::WakeAfter(ms) => self.schedule(
                    ms,
                    Timer::ProducerWake {
                        producer: name.to_string(),
                    },
                ),
                Dispatch::Send {
                    request,
                    attempt,
                    timeout_ms,
                } => {
                    let count = request.records.len() as i32;
                    let acks = request.acks;
                    self.emit(EventKind::ProduceSent {
                        producer: name.to_string(),
                        request: request.request,
                        topic: request.tp.0.clone(),
                        partition: request.tp.1,
                        count,
                        first_trace: request.first_trace,
                        acks: acks.wire(),
                        attempt,
                    });
                    if acks == Acks::Zero {
                        // No response will come: the send counts as done.
                        self.emit(EventKind::ProduceAcked {
                            producer: name.to_string(),
                            request: request.request,
                            topic: request.tp.0.clone(),
                            partition: request.tp.1,
                            base_offset: -1,
                            count,
                            first_trace: request.first_trace,
                            acks: 0,
                        });
                    } else {
                        self.schedule(
                            timeout_ms,
                            Timer::ProduceTimeout {
                                producer: name.to_string(),
                                batch: request.batch,
                                request: request.request,
                            },
                        );
                    }
                    let leader = Node::Broker(request.broker);
                    if self.delivers(Node::Clients, leader) {
                        let delay = self.delay(Node::Clients, leader);
                        self.schedule(delay, Timer::ProduceArrive(Box::new(request)));
                    }
                }
            }
        }
    }

    pub(super) fn producer_wake(&mut self, name: &str) {
        if let Some(c) = self.producers.get_mut(name) {
            c.woken();
        }
        self.pump(name);
    }

    pub(super) fn produce_response(&mut self, resp: ProduceResponse) {
        self.complete_request(&resp.producer, resp.batch, resp.request, resp.result);
    }

    /// `request.timeout.ms` passed without an answer.
    pub(super) fn produce_timeout(&mut self, name: &str, batch: u64, request: u64) {
        self.complete_request(name, batch, request, Err("REQUEST_TIMED_OUT"));
    }

    fn complete_request(
        &mut self,
        name: &str,
        batch: u64,
        request: u64,
        result: Result<Offset, &'static str>,
    ) {
        let now = self.now();
        let Some(client) = self.producers.get_mut(name) else {
            return;
        };
        let acks = client.config().acks.wire();
        let Some(completion) = client.complete(batch, request, result, now) else {
            return; // An answer to an attempt already given up on.
        };
        self.emit(match completion {
            Completion::Acked {
                tp,
                base_offset,
                records,
                first_trace,
            } => EventKind::ProduceAcked {
                producer: name.to_string(),
                request,
                topic: tp.0,
                partition: tp.1,
                base_offset,
                count: records,
                first_trace,
                acks,
            },
            Completion::Failed {
                tp,
                code,
                will_retry,
            } => EventKind::ProduceFailed {
                producer: name.to_string(),
                request,
                topic: tp.0,
                partition: tp.1,
                error: error_message(code),
                will_retry,
            },
        });
        self.pump(name);
    }

    /// Records a producer still holds (queued, in flight or waiting to retry).
    pub(crate) fn unacknowledged(&self, producer: &str) -> usize {
        self.producers
            .get(producer)
            .map_or(0, KafkaProducer::incomplete_records)
    }
}
