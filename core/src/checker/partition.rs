//! One topic-partition as the checker rebuilds it from the events alone:
//! every replica's log (offset → trace id), each replica's high watermark,
//! the leader, its epoch and the ISR, the acknowledgements outstanding, and
//! what was cut. The rules are checked here as each change arrives.

use super::finding::{acks_name, span, Finding, FindingKind};
use crate::event::{TraceId, TruncationRule};
use crate::ids::{BrokerId, LeaderEpoch, Offset, PartitionId, ProducerId};
use crate::time::SimTime;
use crate::vec_map::{VecMap, VecSet};

/// Stands for "no triggering event" (the end-of-trace verdict).
pub(super) const NO_EVENT: usize = usize::MAX;

/// The event being observed.
#[derive(Debug, Clone, Copy)]
pub(super) struct At {
    pub(super) index: usize,
    pub(super) time: SimTime,
}

/// One record in a reconstructed log. An offset missing from the map below
/// the LEO is a record the checker could not reconstruct: never a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Rec {
    trace: TraceId,
    /// The `BatchAppended` that first wrote it (followers copy it along).
    appended: usize,
}

#[derive(Debug, Clone, Default)]
pub(super) struct ReplicaLog {
    records: VecMap<Offset, Rec>,
    leo: Offset,
}

impl ReplicaLog {
    /// Drops records at `from` and above; `true` if any existed.
    fn cut(&mut self, from: Offset) -> bool {
        let dropped = self.records.split_off(&from);
        !dropped.is_empty()
    }
}

/// An acknowledgement a producer received (acks=1 or all).
#[derive(Debug, Clone)]
pub(super) struct Ack {
    pub(super) index: usize,
    pub(super) producer: String,
    pub(super) acks: i16,
    pub(super) base: Offset,
    pub(super) count: i64,
    pub(super) first_trace: TraceId,
}

impl Ack {
    pub(super) fn end(&self) -> Offset {
        self.base.saturating_add(self.count)
    }

    fn trace_at(&self, offset: Offset) -> TraceId {
        let delta = u64::try_from(offset.saturating_sub(self.base)).unwrap_or(0);
        self.first_trace.wrapping_add(delta)
    }
}

/// An event that dropped or overwrote a replica's records from `from` on.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cut {
    index: usize,
    broker: BrokerId,
    from: Offset,
    /// Set for a follower's `Truncated`; `None` for lost disks and overwrites.
    rule: Option<TruncationRule>,
}

impl Cut {
    /// Names pre-KIP-101 truncation, the usual cause of these findings.
    fn note(cuts: &[&Cut]) -> String {
        cuts.iter()
            .find(|c| c.rule == Some(TruncationRule::HighWatermark))
            .map(|c| {
                format!(
                    "; replica {} had truncated to its own high watermark {} (the pre-0.11 \
                     rule KIP-101 replaced with leader-epoch truncation)",
                    c.broker, c.from
                )
            })
            .unwrap_or_default()
    }
}

pub(super) struct Append {
    pub(super) broker: BrokerId,
    pub(super) base: Offset,
    pub(super) count: i64,
    pub(super) epoch: LeaderEpoch,
    pub(super) producer_id: ProducerId,
    pub(super) first_trace: TraceId,
}

#[derive(Debug, Clone)]
pub(super) struct PartitionState {
    topic: String,
    partition: PartitionId,
    logs: VecMap<BrokerId, ReplicaLog>,
    /// Each replica's view of the HW (the leader's own, or a follower's from its last fetch).
    hw: VecMap<BrokerId, Offset>,
    pub(super) leader: Option<BrokerId>,
    pub(super) leader_epoch: LeaderEpoch,
    pub(super) isr: Vec<BrokerId>,
    /// The `LeaderElected` that made the current leader.
    pub(super) election: Option<usize>,
    pub(super) unclean: bool,
    /// Last HW each broker announced as leader: (epoch, hw, event).
    leader_hw: VecMap<BrokerId, (LeaderEpoch, Offset, usize)>,
    /// Outstanding acknowledgements keyed by (end offset, ack event), so a
    /// change from offset `o` only rechecks acks ending above `o`.
    pub(super) acks: VecMap<(Offset, usize), Ack>,
    /// Every offset a leader appended each trace id at (duplicate detection).
    appended_at: VecMap<TraceId, Vec<Offset>>,
    /// Events that dropped or overwrote records, oldest first.
    cuts: Vec<Cut>,
    /// Per replica pair (low id, high id): offsets below this were compared.
    compared: VecMap<(BrokerId, BrokerId), Offset>,
    diverged: VecSet<Offset>,
}

impl PartitionState {
    pub(super) fn new(topic: &str, partition: PartitionId) -> Self {
        Self {
            topic: topic.to_string(),
            partition,
            logs: VecMap::new(),
            hw: VecMap::new(),
            leader: None,
            leader_epoch: 0,
            isr: Vec::new(),
            election: None,
            unclean: false,
            leader_hw: VecMap::new(),
            acks: VecMap::new(),
            appended_at: VecMap::new(),
            cuts: Vec::new(),
            compared: VecMap::new(),
            diverged: VecSet::new(),
        }
    }

    pub(super) fn push(
        &self,
        out: &mut Vec<Finding>,
        kind: FindingKind,
        detail: String,
        at: At,
        events: Vec<usize>,
    ) {
        out.push(self.finding(kind, detail, at, events));
    }

    fn finding(
        &self,
        kind: FindingKind,
        detail: String,
        at: At,
        mut events: Vec<usize>,
    ) -> Finding {
        events.retain(|&e| e != NO_EVENT);
        events.sort_unstable();
        events.dedup();
        Finding {
            kind,
            topic: self.topic.clone(),
            partition: self.partition,
            detail,
            time: at.time,
            events,
        }
    }

    /// Records that `broker`'s log changed at `from` and above: comparisons
    /// with the other replicas from there on must be redone.
    fn changed(&mut self, broker: BrokerId, from: Offset, rule: Option<TruncationRule>, at: At) {
        self.cuts.push(Cut {
            index: at.index,
            broker,
            from,
            rule,
        });
        for ((a, b), upto) in self.compared.iter_mut() {
            if *a == broker || *b == broker {
                *upto = (*upto).min(from);
            }
        }
    }

    /// The HW up to which `broker` treats its log as committed.
    fn hw_of(&self, broker: BrokerId) -> Offset {
        let leo = self.logs.get(&broker).map_or(0, |l| l.leo);
        self.hw.get(&broker).copied().unwrap_or(0).min(leo)
    }

    pub(super) fn lose_disk(&mut self, broker: BrokerId, at: At) {
        let Some(log) = self.logs.get_mut(&broker) else {
            return;
        };
        let had = log.cut(0);
        log.leo = 0;
        self.hw.insert(broker, 0);
        if had {
            self.changed(broker, 0, None, at);
        }
    }

    pub(super) fn append(&mut self, a: Append, at: At, out: &mut Vec<Finding>) {
        if a.count <= 0 {
            return;
        }
        let log = self.logs.entry(a.broker).or_default();
        let leo = log.leo;
        let mut overwrote = false;
        if a.base != leo {
            let what = if a.base > leo {
                format!("skipping offsets {leo}..{}", a.base)
            } else {
                format!("over existing offsets {}..{leo}", a.base)
            };
            overwrote = a.base < leo && log.cut(a.base);
            let detail = format!(
                "broker {} appended offsets {}..{} (epoch {}) but its log ended at offset {leo}: \
                 {what}",
                a.broker,
                a.base,
                a.base.saturating_add(a.count),
                a.epoch
            );
            self.push(out, FindingKind::OffsetGap, detail, at, vec![at.index]);
        }
        let log = self.logs.entry(a.broker).or_default();
        let end = a.base.saturating_add(a.count);
        // Duplicates: an earlier copy of the same trace id still in this log.
        // (trace, new offset, earlier offset, earlier append event)
        let mut dups: Vec<(TraceId, Offset, Offset, usize)> = Vec::new();
        for (i, offset) in (a.base..end).enumerate() {
            let trace = a.first_trace.wrapping_add(i as u64);
            let seen = self.appended_at.entry(trace).or_default();
            for &earlier in seen.iter() {
                if earlier == offset {
                    continue;
                }
                if let Some(rec) = log.records.get(&earlier) {
                    if rec.trace == trace {
                        dups.push((trace, offset, earlier, rec.appended));
                    }
                }
            }
            if !seen.contains(&offset) {
                seen.push(offset);
            }
            log.records.insert(
                offset,
                Rec {
                    trace,
                    appended: at.index,
                },
            );
        }
        log.leo = end;
        if overwrote {
            self.changed(a.broker, a.base, None, at);
        }
        if let Some(&(trace, offset, earlier, _)) = dups.first() {
            let idempotence = if a.producer_id >= 0 {
                format!(
                    "the producer was idempotent (producer id {}): exactly-once per partition \
                     was broken",
                    a.producer_id
                )
            } else {
                "the producer was not idempotent (producer id -1): a retry without \
                 enable.idempotence wrote it again (at-least-once)"
                    .to_string()
            };
            let more = if dups.len() > 1 {
                format!(" ({} records of this batch are duplicates)", dups.len())
            } else {
                String::new()
            };
            let detail = format!(
                "broker {} appended trace {trace} at offset {offset} although its log already \
                 holds it at offset {earlier}{more}; {idempotence}",
                a.broker
            );
            let mut events: Vec<usize> = dups.iter().map(|d| d.3).collect();
            events.push(at.index);
            self.push(out, FindingKind::DuplicateRecord, detail, at, events);
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn fetch(
        &mut self,
        follower: BrokerId,
        leader: BrokerId,
        fetch_offset: Offset,
        records: i64,
        high_watermark: Offset,
        at: At,
        out: &mut Vec<Finding>,
    ) {
        let end = fetch_offset.saturating_add(records.max(0));
        let copied: Vec<(Offset, Rec)> = match self.logs.get(&leader) {
            Some(l) if end > fetch_offset => l
                .records
                .range(&fetch_offset, &end)
                .map(|(o, r)| (*o, *r))
                .collect(),
            _ => Vec::new(),
        };
        let log = self.logs.entry(follower).or_default();
        let leo = log.leo;
        if fetch_offset > leo {
            let detail = format!(
                "follower {follower} fetched from offset {fetch_offset} of leader {leader} but \
                 its log ended at offset {leo}: offsets {leo}..{fetch_offset} are missing"
            );
            self.push(out, FindingKind::OffsetGap, detail, at, vec![at.index]);
        }
        let log = self.logs.entry(follower).or_default();
        let mut overwrote = false;
        if end > fetch_offset && fetch_offset < log.leo {
            // A fetch below the LEO replaces what was there.
            let mut tail = log.records.split_off(&fetch_offset);
            let keep = tail.split_off(&end);
            overwrote = !tail.is_empty();
            log.records.extend(keep);
        }
        log.records.extend(copied);
        log.leo = log.leo.max(end);
        self.hw.insert(follower, high_watermark);
        if overwrote {
            self.changed(follower, fetch_offset, None, at);
        }
    }

    pub(super) fn truncate(&mut self, broker: BrokerId, to: Offset, rule: TruncationRule, at: At) {
        let to = to.max(0);
        let log = self.logs.entry(broker).or_default();
        let had = log.cut(to);
        log.leo = log.leo.min(to);
        if let Some(hw) = self.hw.get_mut(&broker) {
            *hw = (*hw).min(to);
        }
        if had {
            self.changed(broker, to, Some(rule), at);
        }
    }

    pub(super) fn leader_hw_changed(
        &mut self,
        broker: BrokerId,
        epoch: LeaderEpoch,
        hw: Offset,
        at: At,
        out: &mut Vec<Finding>,
    ) {
        if let Some(&(prev_epoch, prev_hw, prev_index)) = self.leader_hw.get(&broker) {
            if prev_epoch == epoch && hw < prev_hw {
                let detail = format!(
                    "leader {broker}'s high watermark went from {prev_hw} back to {hw} within \
                     leader epoch {epoch}"
                );
                self.push(
                    out,
                    FindingKind::HwRegressed,
                    detail,
                    at,
                    vec![prev_index, at.index],
                );
            }
        }
        self.leader_hw.insert(broker, (epoch, hw, at.index));
        self.hw.insert(broker, hw);
    }

    /// Compares `broker` with every other replica below both their HWs.
    /// Replicas that are down are skipped: a crashed broker's stale log is
    /// compared once it is back and has truncated and fetched.
    pub(super) fn scan_divergence(
        &mut self,
        broker: BrokerId,
        down: &VecSet<BrokerId>,
        at: At,
        out: &mut Vec<Finding>,
    ) {
        if down.contains(&broker) {
            return;
        }
        let others: Vec<BrokerId> = self
            .logs
            .keys()
            .copied()
            .filter(|b| *b != broker && !down.contains(b))
            .collect();
        for other in others {
            let key = (broker.min(other), broker.max(other));
            let start = self.compared.get(&key).copied().unwrap_or(0);
            let end = self.hw_of(broker).min(self.hw_of(other));
            if end <= start {
                continue;
            }
            let (Some(mine), Some(theirs)) = (self.logs.get(&broker), self.logs.get(&other)) else {
                continue;
            };
            let mut found: Vec<(Offset, Rec, Rec)> = Vec::new();
            for (offset, rec) in mine.records.range(&start, &end) {
                if let Some(their) = theirs.records.get(offset) {
                    if their.trace != rec.trace && !self.diverged.contains(offset) {
                        found.push((*offset, *rec, *their));
                    }
                }
            }
            self.compared.insert(key, end);
            for (offset, rec, their) in found {
                self.diverged.insert(offset);
                let cuts: Vec<&Cut> = self
                    .cuts
                    .iter()
                    .filter(|c| (c.broker == broker || c.broker == other) && c.from <= offset)
                    .collect();
                let detail = format!(
                    "at offset {offset} replica {broker} holds trace {} and replica {other} \
                     holds trace {}, below both high watermarks ({} and {}){}",
                    rec.trace,
                    their.trace,
                    self.hw_of(broker),
                    self.hw_of(other),
                    Cut::note(&cuts)
                );
                let mut events = vec![rec.appended, their.appended, at.index];
                events.extend(cuts.last().map(|c| c.index));
                self.push(out, FindingKind::ReplicaDivergence, detail, at, events);
            }
        }
    }

    /// Rechecks outstanding acks ending above `from` (all when `None`)
    /// against the current leader.
    pub(super) fn check_acks(
        &mut self,
        down: &VecSet<BrokerId>,
        from: Option<Offset>,
        at: At,
        out: &mut Vec<Finding>,
    ) {
        let keys: Vec<(Offset, usize)> = match from {
            Some(f) => self
                .acks
                .range_from(&(f.saturating_add(1), 0))
                .map(|(k, _)| *k)
                .collect(),
            None => self.acks.keys().copied().collect(),
        };
        for key in keys {
            self.check_ack(key, down, at, out);
        }
    }

    /// Checks one outstanding ack; a loss is reported once and the ack forgotten.
    pub(super) fn check_ack(
        &mut self,
        key: (Offset, usize),
        down: &VecSet<BrokerId>,
        at: At,
        out: &mut Vec<Finding>,
    ) {
        if let Some(finding) = self.ack_loss(key, down, at) {
            self.acks.remove(&key);
            out.push(finding);
        }
    }

    /// What the end-of-trace verdict says now: every outstanding ack
    /// checked against the current leader, changing nothing.
    pub(super) fn ack_losses(&self, down: &VecSet<BrokerId>, at: At, out: &mut Vec<Finding>) {
        for key in self.acks.keys() {
            out.extend(self.ack_loss(*key, down, at));
        }
    }

    /// The finding for an ack whose records the current leader does not
    /// hold at their offsets, if it does not.
    fn ack_loss(&self, key: (Offset, usize), down: &VecSet<BrokerId>, at: At) -> Option<Finding> {
        // Offline, or the leader is down and not yet replaced: nothing is decided.
        let leader = self.leader?;
        if down.contains(&leader) {
            return None;
        }
        let ack = self.acks.get(&key)?;
        let (leo, records) = match self.logs.get(&leader) {
            Some(l) => (l.leo, Some(&l.records)),
            None => (0, None),
        };
        let end = ack.end();
        let mut lost: i64 = 0;
        let mut first: Option<(Offset, Option<TraceId>)> = None;
        if let Some(records) = records {
            let upto = end.min(leo);
            if upto > ack.base {
                for (offset, rec) in records.range(&ack.base, &upto) {
                    if rec.trace != ack.trace_at(*offset) {
                        lost += 1;
                        first.get_or_insert((*offset, Some(rec.trace)));
                    }
                }
            }
        }
        if end > leo {
            let from = ack.base.max(leo);
            lost = lost.saturating_add(end.saturating_sub(from));
            first.get_or_insert((from, None));
        }
        let (offset, there) = first?;
        let how = match there {
            Some(other) => format!("holds trace {other} at offset {offset}"),
            None => format!("has no offset {offset} (its log end offset is {leo})"),
        };
        let election = if self.unclean {
            format!("epoch {}, elected uncleanly", self.leader_epoch)
        } else {
            format!("epoch {}", self.leader_epoch)
        };
        let cuts: Vec<&Cut> = self
            .cuts
            .iter()
            .filter(|c| c.index > ack.index && c.from <= offset)
            .collect();
        let detail = format!(
            "producer {} got acks={} for {} (trace {}), but leader {leader} ({election}) \
             {how}: {lost} of {} acknowledged record(s) lost{}",
            ack.producer,
            acks_name(ack.acks),
            span("offset", i128::from(ack.base), ack.count),
            span("", i128::from(ack.first_trace), ack.count),
            ack.count,
            Cut::note(&cuts)
        );
        let mut events = vec![ack.index, at.index];
        events.extend(self.election.filter(|&e| e > ack.index));
        events.extend(cuts.iter().map(|c| c.index));
        Some(self.finding(FindingKind::AckedRecordLost, detail, at, events))
    }
}
