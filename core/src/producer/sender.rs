//! Kafka's `Sender`: takes ready batches from the [`RecordAccumulator`] to
//! their partition's leader within `max.in.flight.requests.per.connection`,
//! expires batches older than `delivery.timeout.ms`, and handles the
//! answers — acknowledged, retried after `retry.backoff.ms`, or failed.
//!
//! It decides; the simulation carries out. [`Sender::run_once`] returns
//! what to put on the network, in order, and the simulation's
//! `NetworkClient` (`sim/network_client.rs`) emits the events, arms the
//! timeouts and sends the requests, so this file holds the client's rules
//! and nothing of links, timers or the trace.

use super::accumulator::RecordAccumulator;
use super::config::{Acks, ProducerConfig};
use super::transaction_manager::TransactionManager;
use crate::event::TraceId;
use crate::ids::{BrokerId, Offset, Tp};
use crate::requests::ProduceRequest;
use crate::time::SimTime;

/// What one [`Sender::run_once`] decided, in the order it decided it.
#[derive(Debug)]
pub(crate) enum Dispatch {
    /// A batch was still unsent `delivery.timeout.ms` after `send()`: it fails.
    Expired {
        tp: Tp,
        records: usize,
        delivery_timeout_ms: u64,
    },
    /// Send this request to `request.broker`. An `acks=0` batch is done as
    /// soon as it is sent.
    Send {
        request: ProduceRequest,
        attempt: i32,
        timeout_ms: u64,
    },
    /// The next batch cannot go yet (no live leader, or backing off): look
    /// again after this many milliseconds.
    WakeAfter(u64),
}

/// The outcome of an answered (or timed-out) request.
#[derive(Debug)]
pub(crate) enum Completion {
    Acked {
        tp: Tp,
        base_offset: Offset,
        records: i32,
        first_trace: TraceId,
    },
    Failed {
        tp: Tp,
        /// Kafka's error code (`NOT_LEADER_OR_FOLLOWER`, ...).
        code: &'static str,
        will_retry: bool,
    },
}

/// The sender's own state.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sender {
    /// Requests sent and not yet answered (`acks=0` ones are never counted).
    in_flight: u32,
    /// A wake-up is already armed: one is enough.
    wake_pending: bool,
}

impl Sender {
    /// Sends what the in-flight limit allows, oldest batch first; a batch
    /// without a live leader, or still backing off, holds up those behind it.
    ///
    /// `leader_of` gives a partition's leader, if it is alive, and that
    /// broker's incarnation; `next_request` numbers the requests (shared by
    /// every client, as correlation ids in the trace).
    #[allow(clippy::too_many_arguments)]
    pub fn run_once(
        &mut self,
        client_id: &str,
        config: &ProducerConfig,
        accumulator: &mut RecordAccumulator,
        transactions: &TransactionManager,
        now: SimTime,
        next_request: &mut u64,
        leader_of: impl Fn(&Tp) -> Option<(BrokerId, u64)>,
    ) -> Vec<Dispatch> {
        let mut out = Vec::new();
        while self.in_flight < config.max_in_flight {
            let Some(id) = accumulator.peek() else {
                break;
            };
            let Some(batch) = accumulator.batch(id) else {
                accumulator.pop();
                continue;
            };
            if now.since(batch.created) >= config.delivery_timeout_ms {
                out.push(Dispatch::Expired {
                    tp: batch.tp.clone(),
                    records: batch.records.len(),
                    delivery_timeout_ms: config.delivery_timeout_ms,
                });
                accumulator.pop();
                accumulator.deallocate(id);
                continue;
            }
            let retry_at = batch.retry_at;
            let (Some((leader, incarnation)), true) = (leader_of(&batch.tp), retry_at <= now)
            else {
                let wait = if retry_at > now {
                    retry_at.since(now)
                } else {
                    config.retry_backoff_ms.max(1)
                };
                if !self.wake_pending {
                    self.wake_pending = true;
                    out.push(Dispatch::WakeAfter(wait));
                }
                break;
            };
            accumulator.pop();
            let request = *next_request;
            *next_request += 1;
            let Some(batch) = accumulator.batch_mut(id) else {
                break;
            };
            batch.attempt += 1;
            batch.request = Some(request);
            let attempt = batch.attempt;
            let request = ProduceRequest {
                producer: client_id.to_string(),
                batch: id,
                request,
                tp: batch.tp.clone(),
                broker: leader,
                incarnation,
                records: batch.records.clone(),
                acks: config.acks,
                producer_id: transactions.producer_id(),
                base_sequence: batch.base_sequence,
                first_trace: batch.first_trace,
            };
            if config.acks == Acks::Zero {
                // No response will come: the send counts as done.
                accumulator.deallocate(id);
            } else {
                self.in_flight += 1;
            }
            out.push(Dispatch::Send {
                request,
                attempt,
                timeout_ms: config.request_timeout_ms,
            });
        }
        out
    }

    /// The armed wake-up fired.
    pub fn woken(&mut self) {
        self.wake_pending = false;
    }

    /// The answer to request `request` for batch `id` (or its
    /// `request.timeout.ms` passing, as `REQUEST_TIMED_OUT`). `None` when it
    /// answers an attempt already given up on.
    pub fn complete(
        &mut self,
        config: &ProducerConfig,
        accumulator: &mut RecordAccumulator,
        id: u64,
        request: u64,
        result: Result<Offset, &'static str>,
        now: SimTime,
    ) -> Option<Completion> {
        let batch = accumulator.batch_mut(id)?;
        if batch.request != Some(request) {
            return None;
        }
        batch.request = None;
        self.in_flight = self.in_flight.saturating_sub(1);
        let tp = batch.tp.clone();
        match result {
            Ok(base_offset) => {
                let completion = Completion::Acked {
                    tp,
                    base_offset,
                    records: batch.records.len() as i32,
                    first_trace: batch.first_trace,
                };
                accumulator.deallocate(id);
                Some(completion)
            }
            Err(code) => {
                let will_retry = retriable(code)
                    && (batch.attempt as u64) <= u64::from(config.retries)
                    && now.since(batch.created) < config.delivery_timeout_ms;
                if will_retry {
                    batch.retry_at = now + config.retry_backoff_ms;
                    accumulator.reenqueue(id);
                } else {
                    accumulator.deallocate(id);
                }
                Some(Completion::Failed {
                    tp,
                    code,
                    will_retry,
                })
            }
        }
    }
}

/// Whether the producer retries after this error code. Without KIP-360
/// (Kafka 2.5) an idempotent producer cannot recover from a sequence gap.
fn retriable(code: &str) -> bool {
    code != "OUT_OF_ORDER_SEQUENCE_NUMBER"
}

/// Kafka's exception and message for a produce error code.
pub(crate) fn error_message(code: &str) -> String {
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

/// The `TimeoutException` of a batch that expired in the accumulator.
pub(crate) fn expiry_message(records: usize, tp: &Tp, delivery_timeout_ms: u64) -> String {
    format!(
        "org.apache.kafka.common.errors.TimeoutException: Expiring {records} record(s) for {}-{}:{delivery_timeout_ms} ms has passed since batch creation",
        tp.0, tp.1
    )
}
