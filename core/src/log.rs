//! A replica's append-only log: records with contiguous offsets from
//! `log_start_offset` to `log_end_offset` (LEO, the next offset to write).

use crate::event::TraceId;
use crate::ids::{LeaderEpoch, Offset, ProducerId};
use crate::time::SimTime;
use std::sync::Arc;

/// One record as stored in a partition's log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Record {
    pub offset: Offset,
    pub key: Option<Arc<str>>,
    pub value: Arc<str>,
    pub timestamp: SimTime,
    /// `-1` when the producer is not idempotent, as on the wire.
    pub producer_id: ProducerId,
    /// `-1` when the producer is not idempotent.
    pub sequence: i32,
    /// Epoch of the leader that first appended this record.
    pub leader_epoch: LeaderEpoch,
    /// The simulation's tracer id from the producer's `send()` (not on Kafka's wire).
    pub trace: TraceId,
}

/// The payload of a record before the log gives it an offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordData {
    pub key: Option<Arc<str>>,
    pub value: Arc<str>,
    pub timestamp: SimTime,
    pub producer_id: ProducerId,
    pub sequence: i32,
    pub trace: TraceId,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Log {
    log_start_offset: Offset,
    records: Vec<Record>,
}

impl Log {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn log_start_offset(&self) -> Offset {
        self.log_start_offset
    }

    /// LEO: the offset the next appended record gets.
    pub fn log_end_offset(&self) -> Offset {
        self.log_start_offset + self.records.len() as Offset
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Appends as leader: the record takes the next offset.
    pub fn append(&mut self, data: RecordData, leader_epoch: LeaderEpoch) -> Offset {
        let offset = self.log_end_offset();
        self.records.push(Record {
            offset,
            key: data.key,
            value: data.value,
            timestamp: data.timestamp,
            producer_id: data.producer_id,
            sequence: data.sequence,
            leader_epoch,
            trace: data.trace,
        });
        offset
    }

    /// Appends a record copied from the leader (a follower's fetch). The
    /// offset must be exactly the LEO: logs never have gaps.
    pub fn append_replica(&mut self, record: Record) -> Result<(), Offset> {
        if record.offset != self.log_end_offset() {
            return Err(self.log_end_offset());
        }
        self.records.push(record);
        Ok(())
    }

    /// Removes every record at or above `offset` (follower truncation).
    pub fn truncate_to(&mut self, offset: Offset) -> Vec<Record> {
        let keep = (offset - self.log_start_offset).clamp(0, self.records.len() as Offset) as usize;
        self.records.split_off(keep)
    }

    pub fn get(&self, offset: Offset) -> Option<&Record> {
        let idx = offset.checked_sub(self.log_start_offset)?;
        usize::try_from(idx).ok().and_then(|i| self.records.get(i))
    }

    /// Records in `[from, to)`, clamped to what the log holds.
    pub fn range(&self, from: Offset, to: Offset) -> &[Record] {
        let lo = (from - self.log_start_offset).clamp(0, self.records.len() as Offset) as usize;
        let hi =
            (to - self.log_start_offset).clamp(lo as Offset, self.records.len() as Offset) as usize;
        &self.records[lo..hi]
    }

    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// Epoch of the last record, `-1` for an empty log.
    pub fn latest_epoch(&self) -> LeaderEpoch {
        self.records.last().map_or(-1, |r| r.leader_epoch)
    }

    /// The first offset written in `epoch` or later (the LEO when none).
    pub fn epoch_start_offset(&self, epoch: LeaderEpoch) -> Offset {
        self.records
            .iter()
            .rev()
            .take_while(|r| r.leader_epoch >= epoch)
            .last()
            .map_or(self.log_end_offset(), |r| r.offset)
    }

    /// The largest epoch in this log that is not above `epoch`.
    pub fn largest_epoch_at_most(&self, epoch: LeaderEpoch) -> Option<LeaderEpoch> {
        let i = self.records.partition_point(|r| r.leader_epoch <= epoch);
        i.checked_sub(1)
            .and_then(|j| self.records.get(j))
            .map(|r| r.leader_epoch)
    }

    /// KIP-101's OffsetsForLeaderEpoch answer: the end offset of `epoch` in
    /// this log (the start offset of the first larger epoch, or the LEO).
    pub fn end_offset_for_epoch(&self, epoch: LeaderEpoch) -> Offset {
        // Epochs only grow along the log, so the first larger epoch is found by bisection.
        let i = self.records.partition_point(|r| r.leader_epoch <= epoch);
        match self.records.get(i) {
            Some(r) => r.offset,
            None => self.log_end_offset(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(v: &str) -> RecordData {
        RecordData {
            key: None,
            value: v.into(),
            timestamp: SimTime(0),
            producer_id: -1,
            sequence: -1,
            trace: 0,
        }
    }

    #[test]
    fn offsets_are_contiguous_from_zero() {
        let mut log = Log::new();
        assert_eq!(log.append(data("a"), 0), 0);
        assert_eq!(log.append(data("b"), 0), 1);
        assert_eq!(log.log_end_offset(), 2);
        assert_eq!(log.get(1).map(|r| &*r.value), Some("b"));
        assert!(log.get(2).is_none());
        assert!(log.get(-1).is_none());
    }

    #[test]
    fn replica_append_refuses_gaps() {
        let mut leader = Log::new();
        leader.append(data("a"), 0);
        leader.append(data("b"), 0);
        let mut follower = Log::new();
        assert_eq!(follower.append_replica(leader.records()[1].clone()), Err(0));
        assert!(follower.append_replica(leader.records()[0].clone()).is_ok());
    }

    #[test]
    fn truncate_removes_tail() {
        let mut log = Log::new();
        for v in ["a", "b", "c"] {
            log.append(data(v), 0);
        }
        let removed = log.truncate_to(1);
        assert_eq!(removed.len(), 2);
        assert_eq!(log.log_end_offset(), 1);
        assert!(log.truncate_to(5).is_empty());
    }

    #[test]
    fn epoch_end_offsets() {
        let mut log = Log::new();
        log.append(data("a"), 0);
        log.append(data("b"), 0);
        log.append(data("c"), 2);
        assert_eq!(log.end_offset_for_epoch(0), 2);
        assert_eq!(log.end_offset_for_epoch(1), 2);
        assert_eq!(log.end_offset_for_epoch(2), 3);
        assert_eq!(log.range(1, 10).len(), 2);
    }
}
