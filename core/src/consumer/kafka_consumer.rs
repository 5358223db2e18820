//! Kafka's `KafkaConsumer` in a group: its positions, and what one `poll()`
//! reads — up to `max.poll.records` from its partitions, only below each
//! leader's high watermark, with `auto.offset.reset` deciding where a
//! position without a committed offset (or out of the log's range) starts.
//!
//! The poll loop's timers and the group protocol (join, rebalance, commit,
//! session timeout) are the simulation's, in `sim/group_coordinator.rs`;
//! the functions here only read the cluster.

use super::config::{ConsumerConfig, OffsetReset};
use crate::cluster::Cluster;
use crate::error::CommandError;
use crate::ids::{Offset, TopicPartition};
use crate::vec_map::VecMap;

/// A `KafkaConsumer` that subscribed, as one record: what the client keeps
/// (its settings and its positions, Kafka's `SubscriptionState`) and what
/// the group coordinator knows of it (member id, subscription, liveness).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Member {
    /// The name the scenario gave it (also its `client.id`).
    pub name: String,
    /// The coordinator's member id: `client.id` + a unique suffix.
    pub member_id: String,
    pub topics: Vec<String>,
    pub config: ConsumerConfig,
    /// A crashed member stops heartbeating; the coordinator notices after
    /// `session.timeout.ms`.
    pub crashed: bool,
    /// Next offset to read, per assigned partition.
    pub positions: VecMap<TopicPartition, Offset>,
    /// Bumped on every (re)start so old poll timers are void.
    pub incarnation: u64,
}

/// What one fetch of a `poll()` read: `[from, to)` of `tp`, and the HW then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fetched {
    pub tp: TopicPartition,
    pub from: Offset,
    pub to: Offset,
    pub high_watermark: Offset,
}

impl Member {
    /// One `poll()`: reads from each assigned partition in turn, moving the
    /// positions on, until `max.poll.records` are read. Returns the
    /// non-empty reads in order.
    pub(crate) fn poll(&mut self, cluster: &Cluster) -> Vec<Fetched> {
        let mut budget = self.config.max_poll_records;
        let reset = self.config.auto_offset_reset;
        let mut out = Vec::new();
        for (tp, pos) in self.positions.iter_mut() {
            if budget == 0 {
                break;
            }
            let Some((from, to, hw)) = fetch_range(cluster, tp, *pos, budget, reset) else {
                continue;
            };
            *pos = to;
            if to > from {
                budget = budget.saturating_sub((to - from) as usize);
                out.push(Fetched {
                    tp: tp.clone(),
                    from,
                    to,
                    high_watermark: hw,
                });
            }
        }
        out
    }
}

/// What a fetch from `pos` returns now: `[from, to)` and the HW, at most
/// `max` records. A position outside the leader's log (after truncation) is
/// `OFFSET_OUT_OF_RANGE`, and the reset policy picks a new one first. `None`
/// while the partition has no live leader (or the policy is `none`).
pub(crate) fn fetch_range(
    cluster: &Cluster,
    tp: &TopicPartition,
    pos: Offset,
    max: usize,
    reset: OffsetReset,
) -> Option<(Offset, Offset, Offset)> {
    let p = cluster.partition(&tp.topic, tp.partition).ok()?;
    let leader = p.leader?;
    if !cluster.brokers.get(&leader).is_some_and(|b| b.is_alive()) {
        return None;
    }
    let r = p.replica_state.get(&leader)?;
    let hw = r.high_watermark;
    let from = if pos > r.log.log_end_offset() || pos < r.log.log_start_offset() {
        reset_offset(cluster, tp, reset)?
    } else {
        pos
    };
    let to = from
        .saturating_add(max.min(i64::MAX as usize) as Offset)
        .min(hw)
        .max(from);
    Some((from, to, hw))
}

/// Where `auto.offset.reset` points now (`ListOffsets` for the earliest or
/// latest offset; `None` for the `none` policy).
pub(crate) fn reset_offset(
    cluster: &Cluster,
    tp: &TopicPartition,
    reset: OffsetReset,
) -> Option<Offset> {
    let p = cluster.partition(&tp.topic, tp.partition).ok()?;
    match reset {
        OffsetReset::Earliest => Some(p.log_start_offset()),
        OffsetReset::Latest => Some(p.high_watermark()),
        OffsetReset::None => None,
    }
}

/// `auto.offset.reset=none` and no committed offset: the first poll fails.
pub(crate) fn no_offset_error(parts: &[TopicPartition]) -> CommandError {
    CommandError::Usage(format!(
        "org.apache.kafka.clients.consumer.NoOffsetForPartitionException: Undefined offset with no reset policy for partitions: [{}]",
        parts.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    ))
}
