//! Cluster metadata as the controller keeps it in ZooKeeper: brokers, topics,
//! partition assignments, leaders, ISR, epochs.

pub mod placement;
pub mod settings;

use crate::broker::Broker;
use crate::error::CommandError;
use crate::ids::{BrokerId, PartitionId};
use crate::partition::Partition;
use crate::vec_map::VecMap;

/// Per-topic configuration (`--config k=v`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TopicConfig {
    /// Overrides the broker's `min.insync.replicas` when set.
    pub min_insync_replicas: Option<i32>,
    /// Overrides the broker's `unclean.leader.election.enable` when set.
    pub unclean_leader_election_enable: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub name: String,
    pub partitions: Vec<Partition>,
    pub config: TopicConfig,
}

impl Topic {
    pub fn replication_factor(&self) -> usize {
        self.partitions.first().map_or(0, |p| p.replicas.len())
    }
}

/// Everything a snapshot of the cluster shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cluster {
    pub brokers: VecMap<BrokerId, Broker>,
    pub topics: VecMap<String, Topic>,
}

impl Cluster {
    pub fn with_brokers(n: i32) -> Self {
        let brokers = (0..n.max(0)).map(|id| (id, Broker::new(id))).collect();
        Self {
            brokers,
            topics: VecMap::new(),
        }
    }

    /// Ids of running brokers, sorted (the order placement uses).
    pub fn live_broker_ids(&self) -> Vec<BrokerId> {
        self.brokers
            .values()
            .filter(|b| b.is_alive())
            .map(|b| b.id)
            .collect()
    }

    pub fn topic(&self, name: &str) -> Result<&Topic, CommandError> {
        self.topics
            .get(name)
            .ok_or_else(|| CommandError::UnknownTopic(name.to_string()))
    }

    pub fn topic_mut(&mut self, name: &str) -> Result<&mut Topic, CommandError> {
        self.topics
            .get_mut(name)
            .ok_or_else(|| CommandError::UnknownTopic(name.to_string()))
    }

    pub fn partition(
        &self,
        topic: &str,
        partition: PartitionId,
    ) -> Result<&Partition, CommandError> {
        let t = self.topic(topic)?;
        usize::try_from(partition)
            .ok()
            .and_then(|i| t.partitions.get(i))
            .ok_or_else(|| CommandError::UnknownPartition {
                topic: topic.to_string(),
                partition,
            })
    }
}

/// Kafka's topic name rules (`Topic.validate`).
pub fn validate_topic_name(name: &str) -> Result<(), CommandError> {
    let bad = |reason: &str| {
        Err(CommandError::InvalidTopicName {
            name: name.to_string(),
            reason: reason.to_string(),
        })
    };
    if name.is_empty() {
        return bad("it can't be empty");
    }
    if name == "." || name == ".." {
        return bad("it can't be \".\" or \"..\"");
    }
    if name.len() > 249 {
        return bad("it can't be longer than 249 characters");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
    {
        return bad(
            "contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
        );
    }
    Ok(())
}
