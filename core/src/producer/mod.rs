//! The producer side of the client: how a record finds its partition.
//!
//! Only the partitioner lives here for now; batching, `acks` and retries are
//! driven by the simulation's produce path.

pub mod partitioner;

pub use partitioner::{
    check_partition, explain, murmur2, partition_for_key, to_positive, NullKeyStrategy,
    Partitioner, PartitionerError, UNKNOWN_PARTITION,
};
