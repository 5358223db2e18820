//! The [`Checker`]: events in trace order, each routed to the state it
//! changes — brokers that are down, and per topic-partition the state of
//! `partition.rs`, where the rules are checked as the logs change.

use super::finding::{brokers, Finding, FindingKind};
use super::partition::{Ack, Append, At, PartitionState, NO_EVENT};
use crate::event::{Event, EventKind};
use crate::ids::{BrokerId, PartitionId};
use crate::time::SimTime;
use crate::vec_map::{VecMap, VecSet};

/// The incremental checker: feed it events in trace order with
/// [`Checker::observe`], read [`Checker::findings`] at any point.
#[derive(Debug, Clone, Default)]
pub struct Checker {
    /// Per topic, then partition: nested so a lookup borrows the event's `&str`.
    partitions: VecMap<String, VecMap<PartitionId, PartitionState>>,
    /// Brokers crashed or stopped and not started since: a leader that is
    /// down is not serving, so its (possibly empty) log says nothing yet.
    down: VecSet<BrokerId>,
    /// What the events showed, then the latest [`Checker::finish`] verdict.
    findings: Vec<Finding>,
    /// How many of `findings` the events themselves showed: the rest is
    /// the verdict, replaced by the next one.
    observed: usize,
    last_time: SimTime,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every finding so far: those the events showed as they came, then
    /// the latest [`Checker::finish`] verdict.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }

    /// Feeds the event at `index` of the trace. Events must come in trace order.
    pub fn observe(&mut self, index: usize, event: &Event) {
        // The trace goes on: the verdict at its previous end no longer stands.
        self.findings.truncate(self.observed);
        self.route(index, event);
        self.observed = self.findings.len();
    }

    /// Hands the event to the state it changes, which checks the rules.
    fn route(&mut self, index: usize, event: &Event) {
        let time = event.time;
        self.last_time = time;
        let out = &mut self.findings;
        let at = At { index, time };
        match &event.kind {
            EventKind::TopicCreated { topic, .. } | EventKind::TopicDeleted { topic } => {
                // A new topic of the same name starts from nothing; deleting is not losing.
                self.partitions.remove(topic);
            }
            EventKind::BrokerStarted { broker } => {
                self.down.remove(broker);
            }
            EventKind::BrokerStopped { broker } => {
                self.down.insert(*broker);
            }
            EventKind::BrokerCrashed { broker, disk_lost } => {
                self.down.insert(*broker);
                if *disk_lost {
                    for p in self.partitions.values_mut().flat_map(|t| t.values_mut()) {
                        p.lose_disk(*broker, at);
                    }
                }
            }
            EventKind::BatchAppended {
                topic,
                partition,
                broker,
                base_offset,
                count,
                leader_epoch,
                producer_id,
                first_trace,
                ..
            } => {
                let Some(p) = state(&mut self.partitions, topic, *partition) else {
                    return;
                };
                p.append(
                    Append {
                        broker: *broker,
                        base: *base_offset,
                        count: i64::from(*count),
                        epoch: *leader_epoch,
                        producer_id: *producer_id,
                        first_trace: *first_trace,
                    },
                    at,
                    out,
                );
                if p.leader == Some(*broker) {
                    p.check_acks(&self.down, Some(*base_offset), at, out);
                }
                p.scan_divergence(*broker, &self.down, at, out);
            }
            EventKind::ProduceAcked {
                producer,
                topic,
                partition,
                base_offset,
                count,
                first_trace,
                acks,
                ..
            } => {
                // acks=0 promises nothing, so losing such a record is no finding.
                if *acks != 0 && *count > 0 {
                    let Some(p) = state(&mut self.partitions, topic, *partition) else {
                        return;
                    };
                    let ack = Ack {
                        index,
                        producer: producer.clone(),
                        acks: *acks,
                        base: *base_offset,
                        count: i64::from(*count),
                        first_trace: *first_trace,
                    };
                    let key = (ack.end(), index);
                    p.acks.insert(key, ack);
                    p.check_ack(key, &self.down, at, out);
                }
            }
            EventKind::ReplicaFetched {
                topic,
                partition,
                broker,
                leader,
                fetch_offset,
                records,
                high_watermark,
                ..
            } => {
                let Some(p) = state(&mut self.partitions, topic, *partition) else {
                    return;
                };
                p.fetch(
                    *broker,
                    *leader,
                    *fetch_offset,
                    i64::from(*records),
                    *high_watermark,
                    at,
                    out,
                );
                p.scan_divergence(*broker, &self.down, at, out);
            }
            EventKind::HighWatermarkChanged {
                topic,
                partition,
                broker,
                leader_epoch,
                high_watermark,
            } => {
                let Some(p) = state(&mut self.partitions, topic, *partition) else {
                    return;
                };
                p.leader_hw_changed(*broker, *leader_epoch, *high_watermark, at, out);
                p.scan_divergence(*broker, &self.down, at, out);
            }
            EventKind::IsrShrunk {
                topic,
                partition,
                removed,
                isr,
                ..
            } => {
                let Some(p) = state(&mut self.partitions, topic, *partition) else {
                    return;
                };
                p.isr.clone_from(isr);
                if let Some(leader) = p.leader {
                    if removed.contains(&leader) || !isr.contains(&leader) {
                        let detail = format!(
                            "the ISR shrank to {} (removed {}) while broker {leader} was still \
                             leader (epoch {})",
                            brokers(isr),
                            brokers(removed),
                            p.leader_epoch
                        );
                        p.push(out, FindingKind::LeaderNotInIsr, detail, at, vec![index]);
                    }
                }
            }
            EventKind::IsrExpanded {
                topic,
                partition,
                added,
                isr,
                ..
            } => {
                let Some(p) = state(&mut self.partitions, topic, *partition) else {
                    return;
                };
                p.isr.clone_from(isr);
                // A replica declared in sync must agree with the others below the HW.
                for b in added {
                    p.scan_divergence(*b, &self.down, at, out);
                }
                if let Some(leader) = p.leader {
                    if !isr.contains(&leader) {
                        let detail = format!(
                            "the ISR grew to {} (added {}) without its leader, broker {leader} \
                             (epoch {})",
                            brokers(isr),
                            brokers(added),
                            p.leader_epoch
                        );
                        p.push(out, FindingKind::LeaderNotInIsr, detail, at, vec![index]);
                    }
                }
            }
            EventKind::LeaderElected {
                topic,
                partition,
                leader,
                leader_epoch,
                isr,
                unclean,
                ..
            } => {
                let Some(p) = state(&mut self.partitions, topic, *partition) else {
                    return;
                };
                p.leader = *leader;
                p.leader_epoch = *leader_epoch;
                p.isr.clone_from(isr);
                p.election = Some(index);
                p.unclean = *unclean;
                if let Some(l) = leader {
                    if !isr.contains(l) {
                        let detail = format!(
                            "broker {l} was elected leader (epoch {leader_epoch}{}) but the ISR \
                             is {}",
                            if *unclean { ", unclean" } else { "" },
                            brokers(isr)
                        );
                        p.push(out, FindingKind::LeaderNotInIsr, detail, at, vec![index]);
                    }
                }
                p.check_acks(&self.down, None, at, out);
            }
            EventKind::Truncated {
                topic,
                partition,
                broker,
                to,
                rule,
                ..
            } => {
                let Some(p) = state(&mut self.partitions, topic, *partition) else {
                    return;
                };
                p.truncate(*broker, *to, *rule, at);
                if p.leader == Some(*broker) {
                    p.check_acks(&self.down, Some(*to), at, out);
                }
                p.scan_divergence(*broker, &self.down, at, out);
            }
            EventKind::RecordsConsumed {
                consumer,
                group,
                topic,
                partition,
                from,
                to,
                high_watermark,
            } => {
                if to > high_watermark {
                    let who = match group {
                        Some(g) => format!("consumer {consumer} (group {g})"),
                        None => format!("consumer {consumer}"),
                    };
                    out.push(Finding {
                        kind: FindingKind::ReadAboveHw,
                        topic: topic.clone(),
                        partition: *partition,
                        detail: format!(
                            "{who} read offsets {from}..{to} (exclusive) while the high \
                             watermark was {high_watermark}: offsets {}..{to} were not committed",
                            (*high_watermark).max(*from)
                        ),
                        time,
                        events: vec![index],
                    });
                }
            }
            EventKind::OffsetCommitted {
                group,
                topic,
                partition,
                offset,
                high_watermark,
            } => {
                if offset > high_watermark {
                    out.push(Finding {
                        kind: FindingKind::CommitAboveHw,
                        topic: topic.clone(),
                        partition: *partition,
                        detail: format!(
                            "group {group} committed offset {offset} while the high watermark \
                             was {high_watermark}"
                        ),
                        time,
                        events: vec![index],
                    });
                }
            }
            // An idempotent retry recognised by the leader appends nothing: no
            // log changes, and its ack (with the original offset) is checked
            // like any other.
            EventKind::DuplicateIgnored { .. } => {}
            EventKind::SessionExpired { .. }
            | EventKind::ControllerElected { .. }
            | EventKind::NetworkChanged { .. }
            | EventKind::ConfigChanged { .. }
            | EventKind::PartitionsAdded { .. }
            | EventKind::ProduceSent { .. }
            | EventKind::ProduceFailed { .. }
            | EventKind::MemberJoined { .. }
            | EventKind::MemberLeft { .. }
            | EventKind::GroupRebalanced { .. }
            | EventKind::Flume { .. } => {}
        }
    }

    /// The verdict if the trace ended here: every outstanding
    /// acknowledgement checked against its partition's current, running
    /// leader. It changes no state and stands only until the next event, so
    /// observing a trace in pieces with a `finish()` after each gives, at
    /// every step, what [`check`](super::check) gives for the trace so far
    /// (the page does this while a scenario plays).
    pub fn finish(&mut self) {
        // No triggering event: the finding is stamped with the last time seen.
        let at = At {
            index: NO_EVENT,
            time: self.last_time,
        };
        self.findings.truncate(self.observed);
        for p in self.partitions.values().flat_map(|t| t.values()) {
            p.ack_losses(&self.down, at, &mut self.findings);
        }
    }
}

fn state<'a>(
    partitions: &'a mut VecMap<String, VecMap<PartitionId, PartitionState>>,
    topic: &str,
    partition: PartitionId,
) -> Option<&'a mut PartitionState> {
    // Look up before inserting: the topic's name is cloned once, not per event.
    if !partitions.contains_key(topic) {
        partitions.insert(topic.to_string(), VecMap::new());
    }
    let topic_state = partitions.get_mut(topic)?;
    Some(
        topic_state
            .entry(partition)
            .or_insert_with(|| PartitionState::new(topic, partition)),
    )
}
