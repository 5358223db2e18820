//! A partition: the metadata the controller keeps in ZooKeeper (assignment,
//! leader, ISR, epoch) and one replica (log + high watermark + the role the
//! broker believes it has) per assigned broker.

use crate::ids::{BrokerId, LeaderEpoch, Offset, PartitionId, ProducerId};
use crate::log::Log;
use crate::time::SimTime;
use crate::vec_map::VecMap;
use std::collections::VecDeque;

/// What the leader knows about one follower (Kafka's `Replica` on the leader).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowerState {
    /// The follower's LEO as of its last fetch; `None` until it fetches from
    /// this leader (so a new leader cannot move the HW on stale knowledge).
    pub log_end_offset: Option<Offset>,
    pub last_caught_up: SimTime,
    pub last_fetch_leader_leo: Offset,
    pub last_fetch_time: SimTime,
}

/// Sequence numbers an idempotent producer wrote, as runs of records
/// (the broker's producer state, rebuilt from the log after truncation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SequenceRun {
    pub first_sequence: i32,
    pub last_sequence: i32,
    pub base_offset: Offset,
}

/// The role a broker believes it has for a partition, from the last
/// LeaderAndIsr request it received. It can be stale (an isolated leader).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// Not hosting the partition right now (broker down, or never told).
    Offline,
    Leader {
        epoch: LeaderEpoch,
        /// The leader's cached ISR (what it last wrote or was told).
        isr: Vec<BrokerId>,
        followers: VecMap<BrokerId, FollowerState>,
    },
    Follower {
        leader: BrokerId,
        epoch: LeaderEpoch,
    },
}

/// One broker's copy of a partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replica {
    pub log: Log,
    /// This replica's view of the high watermark. The leader's is the truth;
    /// a follower learns it from fetch responses and so lags behind.
    pub high_watermark: Offset,
    pub role: Role,
    /// Bumped on every role change: fetches armed under an old role are dropped.
    pub fetch_session: u64,
    /// Leader epoch check still owed before fetching (KIP-101 rule).
    pub epoch_check_pending: bool,
    /// Per producer id, the most recent sequence runs (duplicate detection).
    pub producers: VecMap<ProducerId, VecDeque<SequenceRun>>,
}

impl Default for Replica {
    fn default() -> Self {
        Self {
            log: Log::new(),
            high_watermark: 0,
            role: Role::Offline,
            fetch_session: 0,
            epoch_check_pending: false,
            producers: VecMap::new(),
        }
    }
}

impl Replica {
    pub fn is_leader(&self) -> bool {
        matches!(self.role, Role::Leader { .. })
    }

    /// The last `n` records appended to this replica's log update its
    /// producer state (read in place: no copy on the replication path).
    pub fn note_last_appended(&mut self, n: usize) {
        let records = self.log.records();
        let from = records.len().saturating_sub(n);
        note_sequences(&mut self.producers, &records[from..]);
    }

    /// After truncation the producer state is rebuilt from what the log holds.
    pub fn rebuild_producer_state(&mut self) {
        self.producers.clear();
        note_sequences(&mut self.producers, self.log.records());
    }

    pub fn role_epoch(&self) -> LeaderEpoch {
        match self.role {
            Role::Leader { epoch, .. } | Role::Follower { epoch, .. } => epoch,
            Role::Offline => -1,
        }
    }
}

/// How many sequence runs per producer a broker remembers (Kafka keeps five batches).
pub const RECENT_RUNS: usize = 5;

fn note_sequences(
    producers: &mut VecMap<ProducerId, VecDeque<SequenceRun>>,
    records: &[crate::log::Record],
) {
    for r in records.iter().filter(|r| r.producer_id >= 0) {
        let runs = producers.entry(r.producer_id).or_default();
        match runs.back_mut() {
            Some(run)
                if run.last_sequence.wrapping_add(1) == r.sequence
                    && run.base_offset + i64::from(r.sequence.wrapping_sub(run.first_sequence))
                        == r.offset =>
            {
                run.last_sequence = r.sequence;
            }
            _ => {
                runs.push_back(SequenceRun {
                    first_sequence: r.sequence,
                    last_sequence: r.sequence,
                    base_offset: r.offset,
                });
                if runs.len() > RECENT_RUNS {
                    runs.pop_front();
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    pub topic: String,
    pub id: PartitionId,
    /// The assignment (AR in Kafka's code, R in the seed), in preference order.
    pub replicas: Vec<BrokerId>,
    /// The leader in ZooKeeper; `None` while the partition is offline.
    pub leader: Option<BrokerId>,
    pub leader_epoch: LeaderEpoch,
    pub isr: Vec<BrokerId>,
    pub replica_state: VecMap<BrokerId, Replica>,
}

impl Partition {
    pub fn new(topic: &str, id: PartitionId, replicas: Vec<BrokerId>) -> Self {
        let replica_state = replicas.iter().map(|&b| (b, Replica::default())).collect();
        Self {
            topic: topic.to_string(),
            id,
            leader: None,
            leader_epoch: -1,
            isr: Vec::new(),
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

    /// The leader's log start offset (0 when offline).
    pub fn log_start_offset(&self) -> Offset {
        self.leader_replica()
            .map_or(0, |r| r.log.log_start_offset())
    }

    /// Replicas outside the ISR (the seed's OSR: AR = ISR + OSR).
    pub fn osr(&self) -> Vec<BrokerId> {
        self.replicas
            .iter()
            .copied()
            .filter(|b| !self.isr.contains(b))
            .collect()
    }

    pub fn is_offline(&self) -> bool {
        self.leader.is_none()
    }
}
