//! The producer client, split as Kafka's `org.apache.kafka.clients.producer`
//! splits it:
//! - [`config`]: `acks` and the `ProducerConfig` settings the simulation acts on;
//! - [`partitioner`]: how a record finds its partition (Java's murmur2,
//!   the null-key strategies); pure functions, also used by the CLI;
//! - `kafka_producer`: `KafkaProducer`, one client and its `send()`;
//! - `accumulator`: `RecordAccumulator` and `ProducerBatch`;
//! - `sender`: `Sender`, what goes on the network and what an answer means;
//! - `transaction_manager`: the producer id and sequence numbers of an
//!   idempotent producer.
//!
//! The client decides and the simulation carries out: nothing here sends,
//! arms a timer or emits an event. The broker's side of a produce request
//! lives in `sim/produce.rs`.

pub(crate) mod accumulator;
pub mod config;
pub(crate) mod kafka_producer;
pub mod partitioner;
pub(crate) mod sender;
pub(crate) mod transaction_manager;

pub use config::{Acks, ProducerConfig};
pub(crate) use kafka_producer::KafkaProducer;
pub use partitioner::{
    check_partition, explain, murmur2, partition_for_key, to_positive, NullKeyStrategy,
    Partitioner, PartitionerError, UNKNOWN_PARTITION,
};
