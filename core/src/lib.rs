//! streamlab-core: a deterministic, no-IO simulation of an Apache Kafka
//! cluster (and a Flume agent feeding it).
//!
//! **Architecture invariant:** nothing here reads a clock, the network, files
//! or OS entropy, or starts a thread. Time is [`SimTime`] passed in by the
//! caller; randomness is a [`rng::SimRng`] derived from the scenario seed.
//! The same script and seed give the same event trace on x86 and in WASM.

pub mod broker;
pub mod checker;
pub mod cluster;
pub mod consumer;
pub mod error;
pub mod event;
pub mod export;
pub mod flume;
pub mod ids;
pub mod lesson;
pub mod limits;
pub mod log;
pub mod network;
pub mod partition;
pub mod producer;
mod requests;
pub mod rng;
pub mod script;
pub mod share;
pub(crate) mod sim;
pub mod time;
pub mod vec_map;
pub mod workload;

pub use cluster::{Cluster, Topic, TopicConfig};
pub use consumer::{
    ConsoleConsume, ConsumedRecord, ConsumerConfig, Member, OffsetReset, StartOffset,
};
pub use error::CommandError;
pub use event::{Event, EventKind};
pub use producer::{Acks, ProducerConfig};
pub use sim::{
    java_string_hash, ClusterConfig, Command, CreateTopic, FlumeSample, Group, Produce, Reply,
    Simulation,
};
pub use time::SimTime;
