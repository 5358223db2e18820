//! The idempotence part of Kafka's `TransactionManager`: the producer id a
//! producer with `enable.idempotence=true` was given, and the next sequence
//! number per partition, which the leader uses to recognise a retried batch
//! (and to refuse one that skipped ahead with `OUT_OF_ORDER_SEQUENCE_NUMBER`).
//! Transactions themselves are not simulated.

use crate::ids::{ProducerId, Tp};
use crate::log::RecordData;
use crate::vec_map::VecMap;

/// What `InitProducerId` returns to a producer without idempotence.
pub(crate) const NO_PRODUCER_ID: ProducerId = -1;

#[derive(Debug, Clone)]
pub(crate) struct TransactionManager {
    producer_id: ProducerId,
    /// The next sequence number per partition.
    sequences: VecMap<Tp, i32>,
}

impl TransactionManager {
    /// `producer_id` is [`NO_PRODUCER_ID`] for a producer without idempotence.
    pub fn new(producer_id: ProducerId) -> Self {
        Self {
            producer_id,
            sequences: VecMap::new(),
        }
    }

    pub fn producer_id(&self) -> ProducerId {
        self.producer_id
    }

    /// Stamps a new batch's records with the producer id and consecutive
    /// sequence numbers for `tp`, and returns the batch's base sequence
    /// (`-1` without idempotence). Sequences wrap as Java's `int` does.
    pub fn assign_sequences(&mut self, tp: &Tp, records: &mut [RecordData]) -> i32 {
        if self.producer_id < 0 {
            return -1;
        }
        let next = self.sequences.entry(tp.clone()).or_insert(0);
        let base = *next;
        for (i, r) in records.iter_mut().enumerate() {
            r.producer_id = self.producer_id;
            r.sequence = base.wrapping_add(i as i32);
        }
        *next = base.wrapping_add(records.len() as i32);
        base
    }
}
