//! The consumer client, split as Kafka's `org.apache.kafka.clients.consumer`
//! splits it:
//! - [`config`]: the `ConsumerConfig` settings the simulation acts on;
//! - [`kafka_consumer`]: a `KafkaConsumer` in a group — its positions and
//!   what one `poll()` reads;
//! - [`console`]: `kafka-console-consumer.sh` run once;
//! - [`assignor`]: how a group's partitions are divided (range, roundrobin,
//!   sticky, cooperative-sticky): pure functions of the topic metadata, the
//!   members' subscriptions and (for the sticky ones) who owned what before.
//!
//! The group coordinator — joins, generations, rebalances, committed
//! offsets, session timeouts — is the broker's, in `sim/group_coordinator.rs`,
//! and decides *when* the assignors run.

pub mod assignor;
pub mod config;
pub mod console;
pub mod kafka_consumer;

pub use assignor::{
    assign, assign_cooperative, moved, range, round_robin, sticky, validate, Assignment,
    AssignorError, AssignorKind, MAX_PARTITIONS,
};
pub use config::{ConsumerConfig, OffsetReset};
pub use console::{ConsoleConsume, ConsumedRecord, StartOffset};
pub use kafka_consumer::Member;
