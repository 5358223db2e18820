//! Kafka's `KafkaProducer`: one client (`client.id`) with its settings, its
//! [`Partitioner`], its [`RecordAccumulator`], its [`Sender`] and the
//! idempotence state of its [`TransactionManager`]. `send()` is
//! client-side work only — choosing partitions, batching, numbering — and
//! the simulation then lets the sender put batches on the network.

use super::accumulator::RecordAccumulator;
use super::config::ProducerConfig;
use super::partitioner::Partitioner;
use super::sender::{Completion, Dispatch, Sender};
use super::transaction_manager::TransactionManager;
use crate::event::TraceId;
use crate::ids::{BrokerId, Offset, PartitionId, ProducerId, Tp};
use crate::log::RecordData;
use crate::rng::SimRng;
use crate::time::SimTime;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub(crate) struct KafkaProducer {
    client_id: String,
    /// What it runs with ([`ProducerConfig::effective`]).
    config: ProducerConfig,
    partitioner: Partitioner,
    accumulator: RecordAccumulator,
    transactions: TransactionManager,
    sender: Sender,
}

impl KafkaProducer {
    /// A new producer; `producer_id` is what `InitProducerId` gave it
    /// ([`super::transaction_manager::NO_PRODUCER_ID`] without idempotence).
    pub fn new(client_id: &str, config: ProducerConfig, producer_id: ProducerId) -> Self {
        Self {
            client_id: client_id.to_string(),
            partitioner: Partitioner::new(config.partitioner),
            config,
            accumulator: RecordAccumulator::default(),
            transactions: TransactionManager::new(producer_id),
            sender: Sender::default(),
        }
    }

    pub fn config(&self) -> &ProducerConfig {
        &self.config
    }

    /// Whether any record is queued, in flight or waiting to retry.
    pub fn has_incomplete(&self) -> bool {
        self.accumulator.has_incomplete()
    }

    /// Records not yet acknowledged.
    pub fn incomplete_records(&self) -> usize {
        self.accumulator.incomplete_records()
    }

    /// `send()` of records to `topic` (with `partitions` partitions), the
    /// first with trace id `first_trace` and the rest numbered on: each
    /// record's partition is the explicit one, else its key's hash, else the
    /// null-key strategy's choice; consecutive records for one partition
    /// become one batch. Returns the partition of every record, in order.
    #[allow(clippy::too_many_arguments)]
    pub fn send(
        &mut self,
        topic: &str,
        explicit: Option<PartitionId>,
        records: Vec<(Option<String>, String)>,
        partitions: i32,
        first_trace: TraceId,
        now: SimTime,
        rng: &mut SimRng,
    ) -> Vec<PartitionId> {
        let mut chosen = Vec::with_capacity(records.len());
        let mut batches: Vec<(PartitionId, Vec<RecordData>, TraceId)> = Vec::new();
        for (i, (key, value)) in records.into_iter().enumerate() {
            let partition = self
                .partitioner
                .partition(
                    topic,
                    key.as_deref().map(str::as_bytes),
                    explicit,
                    partitions,
                    rng,
                )
                .max(0);
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
            match batches.last_mut() {
                Some((part, records, _)) if *part == partition => records.push(data),
                _ => batches.push((partition, vec![data], trace)),
            }
        }
        // The batch is complete: a sticky partitioner moves on (KIP-480).
        self.partitioner.on_new_batch(topic);
        for (partition, mut records, trace) in batches {
            let tp = (topic.to_string(), partition);
            let base_sequence = self.transactions.assign_sequences(&tp, &mut records);
            self.accumulator
                .append(tp, records, trace, base_sequence, now);
        }
        chosen
    }

    /// What the sender puts on the network now (see [`Sender::run_once`]).
    pub fn run_once(
        &mut self,
        now: SimTime,
        next_request: &mut u64,
        leader_of: impl Fn(&Tp) -> Option<(BrokerId, u64)>,
    ) -> Vec<Dispatch> {
        self.sender.run_once(
            &self.client_id,
            &self.config,
            &mut self.accumulator,
            &self.transactions,
            now,
            next_request,
            leader_of,
        )
    }

    /// The sender's wake-up fired.
    pub fn woken(&mut self) {
        self.sender.woken();
    }

    /// An answer (or timeout) for request `request` of batch `batch`.
    pub fn complete(
        &mut self,
        batch: u64,
        request: u64,
        result: Result<Offset, &'static str>,
        now: SimTime,
    ) -> Option<Completion> {
        self.sender.complete(
            &self.config,
            &mut self.accumulator,
            batch,
            request,
            result,
            now,
        )
    }
}
