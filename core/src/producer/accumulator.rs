//! Kafka's `RecordAccumulator` and `ProducerBatch`: the records a producer
//! has been handed and not yet seen acknowledged, one batch per run of
//! consecutive records for the same partition.
//!
//! One queue for the whole producer, oldest first, where a batch that will
//! be retried goes back to the front: with `max.in.flight` and the
//! partition's leader deciding when a batch may go, this keeps the order
//! Kafka keeps per partition. (Kafka's accumulator holds one deque per
//! partition and drains them per node; the simulation does not model
//! `linger.ms` or `batch.size`, so a batch is complete when `send()` returns.)

use crate::event::TraceId;
use crate::ids::Tp;
use crate::log::RecordData;
use crate::time::SimTime;
use crate::vec_map::VecMap;
use std::collections::VecDeque;
use std::sync::Arc;

/// One batch of records for one partition (Kafka's `ProducerBatch`).
#[derive(Debug, Clone)]
pub(crate) struct ProducerBatch {
    pub tp: Tp,
    /// Shared with the requests that carry it: a retry resends the same records.
    pub records: Arc<Vec<RecordData>>,
    pub first_trace: TraceId,
    /// `-1` unless the producer is idempotent.
    pub base_sequence: i32,
    /// How many times it was sent.
    pub attempt: i32,
    /// The request in flight for it, if any.
    pub request: Option<u64>,
    /// When `send()` created it: `delivery.timeout.ms` counts from here.
    pub created: SimTime,
    /// Not before this time (`retry.backoff.ms` after a failed attempt).
    pub retry_at: SimTime,
}

#[derive(Debug, Clone)]
pub(crate) struct RecordAccumulator {
    batches: VecMap<u64, ProducerBatch>,
    /// Batches waiting to be sent, oldest first.
    queue: VecDeque<u64>,
    next_batch: u64,
}

impl Default for RecordAccumulator {
    fn default() -> Self {
        Self {
            batches: VecMap::new(),
            queue: VecDeque::new(),
            next_batch: 1,
        }
    }
}

impl RecordAccumulator {
    /// Adds a complete batch at the back of the queue; returns its number.
    pub fn append(
        &mut self,
        tp: Tp,
        records: Vec<RecordData>,
        first_trace: TraceId,
        base_sequence: i32,
        now: SimTime,
    ) -> u64 {
        let id = self.next_batch;
        self.next_batch += 1;
        self.batches.insert(
            id,
            ProducerBatch {
                tp,
                records: Arc::new(records),
                first_trace,
                base_sequence,
                attempt: 0,
                request: None,
                created: now,
                retry_at: now,
            },
        );
        self.queue.push_back(id);
        id
    }

    /// The batch next in line, if any is waiting.
    pub fn peek(&self) -> Option<u64> {
        self.queue.front().copied()
    }

    /// Takes the batch next in line off the queue (it stays in the accumulator
    /// until it is acknowledged, fails for good or expires).
    pub fn pop(&mut self) {
        self.queue.pop_front();
    }

    /// A failed batch that will be retried goes first again.
    pub fn reenqueue(&mut self, id: u64) {
        self.queue.push_front(id);
    }

    pub fn batch(&self, id: u64) -> Option<&ProducerBatch> {
        self.batches.get(&id)
    }

    pub fn batch_mut(&mut self, id: u64) -> Option<&mut ProducerBatch> {
        self.batches.get_mut(&id)
    }

    /// Done with a batch: acknowledged, failed for good, or expired.
    pub fn deallocate(&mut self, id: u64) {
        self.batches.remove(&id);
    }

    /// Whether any batch is queued, in flight or waiting to retry.
    pub fn has_incomplete(&self) -> bool {
        !self.batches.is_empty()
    }

    /// Records not yet acknowledged (queued, in flight or waiting to retry).
    pub fn incomplete_records(&self) -> usize {
        self.batches.values().map(|b| b.records.len()).sum()
    }
}
