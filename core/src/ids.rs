//! Identifier types, with the widths Kafka's own protocol uses (so nothing
//! hashed or seeded depends on the platform's `usize`).

/// `broker.id` (an `int` in Kafka).
pub type BrokerId = i32;
/// A partition number within a topic.
pub type PartitionId = i32;
/// A position in a partition's log (a `long` in Kafka).
pub type Offset = i64;
/// Leader epoch of a partition (bumped by every election).
pub type LeaderEpoch = i32;
/// Producer id handed out for idempotent producers.
pub type ProducerId = i64;

/// A topic-partition as a key of the simulation's internal maps (a tuple:
/// cheaper to build and compare than a [`TopicPartition`]).
pub(crate) type Tp = (String, PartitionId);

/// A topic-partition, ordered by topic then number as Kafka sorts them.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct TopicPartition {
    pub topic: String,
    pub partition: PartitionId,
}

impl TopicPartition {
    pub fn new(topic: impl Into<String>, partition: PartitionId) -> Self {
        Self {
            topic: topic.into(),
            partition,
        }
    }
}

impl std::fmt::Display for TopicPartition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}
