//! The producer's partitioner (the client itself lives in the simulation).

pub mod partitioner;

pub use partitioner::{murmur2, partition_for_key, to_positive};
