//! A partition: its assignment, leader, ISR, epoch, and one replica (log +
//! high watermark) per assigned broker.

use crate::ids::{BrokerId, LeaderEpoch, Offset, PartitionId};
use crate::log::Log;
use std::collections::BTreeMap;

/// One broker's copy of a partition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replica {
    pub log: Log,
    /// This replica's view of the high watermark. The leader's is the truth;
    /// a follower learns it from fetch responses and so lags behind.
    pub high_watermark: Offset,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    pub topic: String,
    pub id: PartitionId,
    /// The assignment (AR in Kafka's code, R in the seed), in preference order.
    pub replicas: Vec<BrokerId>,
    pub leader: Option<BrokerId>,
    pub leader_epoch: LeaderEpoch,
    pub isr: Vec<BrokerId>,
    pub replica_state: BTreeMap<BrokerId, Replica>,
}

impl Partition {
    pub fn new(topic: &str, id: PartitionId, replicas: Vec<BrokerId>) -> Self {
        let replica_state = replicas.iter().map(|&b| (b, Replica::default())).collect();
        Self {
            topic: topic.to_string(),
            id,
            leader: replicas.first().copied(),
            leader_epoch: 0,
            isr: replicas.clone(),
            replicas,
            replica_state,
        }
    }

    pub fn leader_replica(&self) -> Option<&Replica> {
        self.leader.and_then(|b| self.replica_state.get(&b))
    }

    /// The leader's high watermark (0 when offline).
    pub fn high_watermark(&self) -> Offset {
        self.leader_replica().map_or(0, |r| r.high_watermark)
    }

    /// The leader's log end offset (0 when offline).
    pub fn log_end_offset(&self) -> Offset {
        self.leader_replica().map_or(0, |r| r.log.log_end_offset())
    }

    /// HW = the smallest LEO among the ISR, as the leader computes it.
    pub fn isr_min_leo(&self) -> Offset {
        self.isr
            .iter()
            .filter_map(|b| self.replica_state.get(b))
            .map(|r| r.log.log_end_offset())
            .min()
            .unwrap_or(0)
    }
}
