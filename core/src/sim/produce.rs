//! The broker's produce path — Kafka's `KafkaApis.handleProduceRequest`,
//! `ReplicaManager.appendRecords` and `Partition.appendRecordsToLeader`:
//! the leader checks its role, `min.insync.replicas` and an idempotent
//! producer's sequence numbers, appends, answers `acks=1` at once and puts
//! an `acks=all` request in the produce purgatory (`purgatory.rs`).
//!
//! The producer client is in `producer/`; `network_client.rs` carries its
//! requests here and the answers back.

use super::purgatory::DelayedProduce;
use super::timers::Timer;
use super::Simulation;
use crate::event::EventKind;
use crate::ids::{BrokerId, Offset};
use crate::network::Node;
use crate::partition::Role;
use crate::producer::Acks;
use crate::requests::{ProduceRequest, ProduceResponse};

impl Simulation {
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
        let delayed = DelayedProduce {
            producer: req.producer.clone(),
            batch: req.batch,
            request: req.request,
            required_offset: 0,
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
                    self.emit(EventKind::DuplicateIgnored {
                        topic: req.tp.0.clone(),
                        partition: req.tp.1,
                        broker: b,
                        producer_id: req.producer_id,
                        base_sequence: req.base_sequence,
                        original_offset: original,
                    });
                    if wait_for_hw {
                        // Like any acks=all append, the answer waits until
                        // the HW passes the original records.
                        self.delay_produce(
                            &req.tp,
                            b,
                            DelayedProduce {
                                required_offset: original + i64::from(count),
                                base_offset: original,
                                ..delayed
                            },
                        );
                        self.maybe_increment_hw(&req.tp, b);
                        self.try_complete_delayed_produce(&req.tp, b);
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
        if req.acks == Acks::All {
            self.delay_produce(
                &req.tp,
                b,
                DelayedProduce {
                    required_offset: base_offset + i64::from(count),
                    base_offset,
                    ..delayed
                },
            );
        }
        if req.acks == Acks::One {
            self.respond(&req, Ok(base_offset));
        }
        self.try_complete_delayed_fetches(&req.tp, b);
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

    /// Answers a produce request the leader held in purgatory.
    pub(super) fn respond_delayed_produce(
        &mut self,
        leader: BrokerId,
        delayed: DelayedProduce,
        result: Result<(), &'static str>,
    ) {
        let result = result.map(|()| delayed.base_offset);
        self.send_response(
            leader,
            ProduceResponse {
                producer: delayed.producer,
                batch: delayed.batch,
                request: delayed.request,
                result,
            },
        );
    }
}
