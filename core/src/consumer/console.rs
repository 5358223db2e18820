//! Kafka's `kafka.tools.ConsoleConsumer` (`kafka-console-consumer.sh`), run
//! once: with `--group` it joins that group, reads what is below the high
//! watermark now, commits (with auto-commit) and leaves; with `--partition`
//! it is assigned the partition and commits nothing; without either it reads
//! every partition from where `auto.offset.reset` points.

use super::config::{ConsumerConfig, OffsetReset};
use super::kafka_consumer::{fetch_range, no_offset_error, reset_offset};
use super::AssignorKind;
use crate::error::CommandError;
use crate::event::EventKind;
use crate::ids::{Offset, PartitionId, TopicPartition};
use crate::sim::{Reply, Simulation};

/// One record handed to a console consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumedRecord {
    pub partition: PartitionId,
    pub offset: Offset,
    pub key: Option<String>,
    pub value: String,
}

/// `kafka-console-consumer.sh` run once: read what is readable now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleConsume {
    pub topic: String,
    pub group: Option<String>,
    /// `--partition`: assign instead of subscribe (no group).
    pub partition: Option<PartitionId>,
    /// `--offset` with `--partition`: a number, or earliest/latest.
    pub offset: Option<StartOffset>,
    pub from_beginning: bool,
    pub max_messages: Option<usize>,
    pub config: ConsumerConfig,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartOffset {
    At(Offset),
    Earliest,
    Latest,
}

/// `kafka-console-consumer.sh` in a script: join the group (or assign the
/// partition), read what is below the HW now, commit and leave.
pub(crate) fn run(sim: &mut Simulation, c: ConsoleConsume) -> Result<Reply, CommandError> {
    let topic = sim.cluster.topic(&c.topic)?;
    let partitions = topic.partitions.len() as i32;
    let mut config = c.config.clone();
    if c.from_beginning {
        config.auto_offset_reset = OffsetReset::Earliest;
    }
    let max = c.max_messages.unwrap_or(usize::MAX);
    let mut out = Vec::new();
    let consumer = "console-consumer".to_string();
    match (c.partition, &c.group) {
        (Some(p), _) => {
            if !(0..partitions).contains(&p) {
                return Err(CommandError::UnknownPartition {
                    topic: c.topic.clone(),
                    partition: p,
                });
            }
            let tp = TopicPartition::new(c.topic.clone(), p);
            let start = match c.offset {
                Some(StartOffset::At(o)) => Some(o),
                Some(StartOffset::Earliest) => {
                    reset_offset(&sim.cluster, &tp, OffsetReset::Earliest)
                }
                Some(StartOffset::Latest) => reset_offset(&sim.cluster, &tp, OffsetReset::Latest),
                None => reset_offset(&sim.cluster, &tp, config.auto_offset_reset),
            };
            let start = start.ok_or_else(|| no_offset_error(std::slice::from_ref(&tp)))?;
            read_into(
                sim,
                &consumer,
                None,
                &tp,
                start,
                max,
                config.auto_offset_reset,
                &mut out,
            );
        }
        (None, Some(group)) => {
            sim.consumer_join(
                group,
                &consumer,
                vec![c.topic.clone()],
                sim.groups()
                    .get(group)
                    .map_or(AssignorKind::Range, |g| g.assignor),
                config.clone(),
            )?;
            let positions: Vec<(TopicPartition, Offset)> = sim
                .groups()
                .get(group)
                .and_then(|g| g.members.get(&consumer))
                .map(|m| m.positions.iter().map(|(tp, o)| (tp.clone(), *o)).collect())
                .unwrap_or_default();
            for (tp, start) in positions {
                let left = max.saturating_sub(out.len());
                let end = read_into(
                    sim,
                    &consumer,
                    Some(group),
                    &tp,
                    start,
                    left,
                    config.auto_offset_reset,
                    &mut out,
                );
                sim.seek(group, &consumer, tp, end);
            }
            if config.enable_auto_commit {
                sim.commit_member(group, &consumer, false);
            }
            sim.remove_member(group, &consumer, false);
            // A console consumer's group keeps nothing but its offsets.
            sim.forget_group_if_empty(group);
        }
        (None, None) => {
            // No --group: a throwaway group that commits nothing, so
            // only the reset policy decides where reading starts.
            for p in 0..partitions {
                let tp = TopicPartition::new(c.topic.clone(), p);
                let Some(start) = reset_offset(&sim.cluster, &tp, config.auto_offset_reset) else {
                    return Err(no_offset_error(std::slice::from_ref(&tp)));
                };
                let left = max.saturating_sub(out.len());
                read_into(
                    sim,
                    &consumer,
                    None,
                    &tp,
                    start,
                    left,
                    config.auto_offset_reset,
                    &mut out,
                );
            }
        }
    }
    Ok(Reply::Consumed(out))
}

/// Reads `[start, HW)` (at most `max`) from the leader into `out`.
#[allow(clippy::too_many_arguments)]
fn read_into(
    sim: &mut Simulation,
    consumer: &str,
    group: Option<&str>,
    tp: &TopicPartition,
    start: Offset,
    max: usize,
    reset: OffsetReset,
    out: &mut Vec<ConsumedRecord>,
) -> Offset {
    let Some((from, to, hw)) = fetch_range(&sim.cluster, tp, start, max, reset) else {
        return start;
    };
    let Ok(p) = sim.cluster.partition(&tp.topic, tp.partition) else {
        return start;
    };
    let Some(r) = p.leader_replica() else {
        return start;
    };
    for rec in r.log.range(from, to) {
        out.push(ConsumedRecord {
            partition: tp.partition,
            offset: rec.offset,
            key: rec.key.as_deref().map(String::from),
            value: rec.value.to_string(),
        });
    }
    if to > from {
        sim.emit(EventKind::RecordsConsumed {
            consumer: consumer.to_string(),
            group: group.map(String::from),
            topic: tp.topic.clone(),
            partition: tp.partition,
            from,
            to,
            high_watermark: hw,
        });
    }
    to
}
