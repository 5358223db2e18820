//! Topic administration as `kafka-topics.sh` drives it: create (placement
//! and the first election), delete, and adding partitions.

use super::{CreateTopic, Reply, Simulation};
use crate::cluster::placement::assign_replicas_to_brokers;
use crate::cluster::{validate_topic_name, Topic};
use crate::error::CommandError;
use crate::event::EventKind;
use crate::ids::{BrokerId, PartitionId};
use crate::partition::Partition;

impl Simulation {
    /// Brokers placement may use: the registered ones, sorted by id.
    fn placement_brokers(&self) -> Vec<BrokerId> {
        self.registered().into_iter().collect()
    }

    pub(super) fn create_topic(&mut self, c: CreateTopic) -> Result<Reply, CommandError> {
        validate_topic_name(&c.name)?;
        if self.cluster.topics.contains_key(&c.name) {
            return Err(CommandError::TopicExists(c.name));
        }
        // Kafka: '.' and '_' map to the same metric name, so such topics collide.
        let folded = c.name.replace('.', "_");
        let colliding: Vec<&str> = self
            .cluster
            .topics
            .keys()
            .filter(|t| t.replace('.', "_") == folded)
            .map(String::as_str)
            .collect();
        if !colliding.is_empty() {
            return Err(CommandError::TopicCollision {
                topic: c.name.clone(),
                existing: colliding.join(", "),
            });
        }
        let requested = c
            .assignment
            .as_ref()
            .map_or(c.partitions, |a| i32::try_from(a.len()).unwrap_or(i32::MAX));
        self.check_partition_limits(&c.name, 0, requested)?;
        if let Some(m) = c.config.min_insync_replicas {
            if m < 1 {
                return Err(CommandError::InvalidConfig {
                    key: "min.insync.replicas".into(),
                    value: m.to_string(),
                    reason: "Value must be at least 1".into(),
                });
            }
        }
        let assignment = match c.assignment {
            Some(a) => {
                self.validate_assignment(&a)?;
                a
            }
            None => {
                let brokers = self.placement_brokers();
                let n = (brokers.len() as u32).max(1);
                // Kafka draws the start index and the replica shift separately.
                let start = self.placement_rng.below(n);
                let shift = self.placement_rng.below(n);
                assign_replicas_to_brokers(
                    &brokers,
                    c.partitions,
                    c.replication_factor,
                    start,
                    shift,
                    0,
                )?
            }
        };
        let partitions: Vec<Partition> = assignment
            .into_iter()
            .enumerate()
            .map(|(i, replicas)| Partition::new(&c.name, i as PartitionId, replicas))
            .collect();
        let (np, rf) = (
            partitions.len() as i32,
            partitions.first().map_or(0, |p| p.replicas.len() as i32),
        );
        self.cluster.topics.insert(
            c.name.clone(),
            Topic {
                name: c.name.clone(),
                partitions,
                config: c.config,
            },
        );
        self.emit(EventKind::TopicCreated {
            topic: c.name.clone(),
            partitions: np,
            replication_factor: rf,
        });
        for p in 0..np {
            self.elect_new_partition(&(c.name.clone(), p));
        }
        Ok(Reply::TopicCreated)
    }

    /// `limits.rs`: refused before placement allocates anything.
    fn check_partition_limits(
        &self,
        topic: &str,
        current: i32,
        requested: i32,
    ) -> Result<(), CommandError> {
        use crate::limits::{MAX_PARTITIONS_PER_CLUSTER, MAX_PARTITIONS_PER_TOPIC};
        if requested > MAX_PARTITIONS_PER_TOPIC {
            return Err(CommandError::TooManyPartitions {
                requested: i64::from(requested),
                limit: MAX_PARTITIONS_PER_TOPIC,
            });
        }
        let existing: i64 = self
            .cluster
            .topics
            .values()
            .map(|t| t.partitions.len() as i64)
            .sum();
        let total = existing - i64::from(current) + i64::from(requested.max(0));
        if total > i64::from(MAX_PARTITIONS_PER_CLUSTER) {
            return Err(CommandError::TooManyClusterPartitions {
                topic: topic.to_string(),
                total,
                limit: MAX_PARTITIONS_PER_CLUSTER,
            });
        }
        Ok(())
    }

    /// `--replica-assignment`: every partition the same length, brokers known.
    fn validate_assignment(&self, a: &[Vec<BrokerId>]) -> Result<(), CommandError> {
        if a.is_empty() || a.iter().any(Vec::is_empty) {
            return Err(CommandError::InvalidReplicaAssignment(
                "Replica assignment must not be empty".into(),
            ));
        }
        let unknown: Vec<String> = a
            .iter()
            .flatten()
            .filter(|b| !self.cluster.brokers.contains_key(b))
            .map(ToString::to_string)
            .collect();
        if !unknown.is_empty() {
            return Err(CommandError::InvalidReplicaAssignment(format!(
                "Unknown broker(s) in replica assignment: {}.",
                unknown.join(", ")
            )));
        }
        Ok(())
    }

    pub(super) fn delete_topic(&mut self, name: &str) -> Result<Reply, CommandError> {
        self.cluster.topic(name)?;
        self.cluster.topics.remove(name);
        self.purgatory.drop_topic(name);
        self.emit(EventKind::TopicDeleted {
            topic: name.to_string(),
        });
        Ok(Reply::Done)
    }

    pub(super) fn alter_partitions(&mut self, name: &str, to: i32) -> Result<Reply, CommandError> {
        let topic = self.cluster.topic(name)?;
        let current = topic.partitions.len() as i32;
        if to <= current {
            return Err(CommandError::PartitionsNotIncreased {
                topic: name.to_string(),
                current,
                requested: to,
            });
        }
        self.check_partition_limits(name, current, to)?;
        let topic = self.cluster.topic(name)?;
        let first = topic
            .partitions
            .first()
            .map(|p| p.replicas.clone())
            .unwrap_or_default();
        let brokers = self.placement_brokers();
        // AdminZkClient.createPartitions: start where partition 0's first
        // replica sits, shift the same, number from the old count.
        let start = first
            .first()
            .and_then(|b0| brokers.iter().position(|b| b >= b0))
            .unwrap_or(0) as u32;
        let assignment = assign_replicas_to_brokers(
            &brokers,
            to - current,
            first.len() as i32,
            start,
            start,
            current,
        )?;
        let topic = self.cluster.topic_mut(name)?;
        for (i, replicas) in assignment.into_iter().enumerate() {
            topic
                .partitions
                .push(Partition::new(name, current + i as PartitionId, replicas));
        }
        self.emit(EventKind::PartitionsAdded {
            topic: name.to_string(),
            from: current,
            to,
        });
        for p in current..to {
            self.elect_new_partition(&(name.to_string(), p));
        }
        self.on_partitions_added(name);
        Ok(Reply::Done)
    }
}
