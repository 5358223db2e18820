//! Typed errors. Invalid commands are errors returned from `apply`; Kafka
//! protocol outcomes (NotLeaderOrFollower, NotEnoughReplicas, ...) are events.
//! Messages follow Kafka's own wording so the UI can show them as Kafka would.

use crate::ids::{BrokerId, PartitionId};

/// Why a command could not be applied. The `Display` text is Kafka's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// `org.apache.kafka.common.errors.InvalidReplicationFactorException`
    #[error("Replication factor: {requested} larger than available brokers: {available}.")]
    ReplicationFactorTooLarge { requested: i32, available: i32 },
    /// `InvalidReplicationFactorException` for a zero or negative factor.
    #[error("Replication factor must be larger than 0.")]
    ReplicationFactorNotPositive,
    /// `InvalidPartitionsException` on create.
    #[error("Number of partitions must be larger than 0.")]
    PartitionsNotPositive,
    /// The simulator's own bound on one topic's partitions (`limits.rs`);
    /// worded as Kafka's `InvalidPartitionsException`.
    #[error("Number of partitions {requested} exceeds this simulator's limit of {limit} partitions per topic.")]
    TooManyPartitions { requested: i64, limit: i32 },
    /// The simulator's own bound on a cluster's partitions (`limits.rs`).
    #[error("Topic '{topic}' would bring the cluster to {total} partitions, over this simulator's limit of {limit}.")]
    TooManyClusterPartitions {
        topic: String,
        total: i64,
        limit: i32,
    },
    /// `InvalidTopicException` from `AdminZkClient`: '.' and '_' collide in metric names.
    #[error("Topic '{topic}' collides with existing topics: {existing}")]
    TopicCollision { topic: String, existing: String },
    /// `TopicExistsException`
    #[error("Topic '{0}' already exists.")]
    TopicExists(String),
    /// `kafka-topics.sh` on a topic that is not there.
    #[error("Topic '{0}' does not exist as expected")]
    UnknownTopic(String),
    /// `org.apache.kafka.common.errors.InvalidTopicException`
    #[error("Topic name \"{name}\" is illegal, {reason}")]
    InvalidTopicName { name: String, reason: String },
    /// `UnknownTopicOrPartitionException` for a partition number out of range.
    #[error("Partition {partition} of topic {topic} does not exist.")]
    UnknownPartition {
        topic: String,
        partition: PartitionId,
    },
    /// `InvalidPartitionsException` on alter.
    #[error("The number of partitions for a topic can only be increased. Topic {topic} currently has {current} partitions, {requested} would not be an increase.")]
    PartitionsNotIncreased {
        topic: String,
        current: i32,
        requested: i32,
    },
    /// `--replica-assignment` problems (`AdminOperationException` / `InvalidReplicaAssignmentException`).
    #[error("{0}")]
    InvalidReplicaAssignment(String),
    /// A broker id that is already registered (`NodeExistsException` in ZooKeeper).
    #[error("Error while creating ephemeral at /brokers/ids/{0}, node already exists and owner does not match current session")]
    DuplicateBrokerId(BrokerId),
    /// A broker id that the cluster does not know.
    #[error("Broker {0} does not exist")]
    UnknownBroker(BrokerId),
    /// A configuration key or value Kafka would reject (`ConfigException`).
    #[error("Invalid value {value} for configuration {key}: {reason}")]
    InvalidConfig {
        key: String,
        value: String,
        reason: String,
    },
    /// Anything a script line got wrong before it reached the cluster.
    #[error("{0}")]
    Usage(String),
}
