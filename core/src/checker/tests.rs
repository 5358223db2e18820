//! The checker's unit tests: hand-built traces, one rule each.

use super::*;
use crate::event::{ElectionReason, EventKind, IsrChangeReason, TruncationRule};
use crate::ids::{BrokerId, Offset, ProducerId};
use crate::time::SimTime;

const T: &str = "t";

/// A trace under construction: one event per call, 10 ms apart.
#[derive(Default)]
struct Trace(Vec<Event>);

impl Trace {
    fn push(&mut self, kind: EventKind) -> usize {
        let time = SimTime(10 * self.0.len() as u64);
        self.0.push(Event { time, kind });
        self.0.len() - 1
    }
    fn created(&mut self) -> usize {
        self.push(EventKind::TopicCreated {
            topic: T.into(),
            partitions: 1,
            replication_factor: 3,
        })
    }
    fn elected(&mut self, leader: Option<BrokerId>, epoch: i32, isr: &[BrokerId]) -> usize {
        self.election(leader, epoch, isr, false)
    }
    fn election(
        &mut self,
        leader: Option<BrokerId>,
        epoch: i32,
        isr: &[BrokerId],
        unclean: bool,
    ) -> usize {
        self.push(EventKind::LeaderElected {
            topic: T.into(),
            partition: 0,
            leader,
            leader_epoch: epoch,
            isr: isr.to_vec(),
            unclean,
            reason: ElectionReason::LeaderFailed,
        })
    }
    fn append(&mut self, broker: BrokerId, base: Offset, count: i32, trace: u64) -> usize {
        self.append_by(broker, base, count, trace, -1)
    }
    fn append_by(
        &mut self,
        broker: BrokerId,
        base: Offset,
        count: i32,
        trace: u64,
        producer_id: ProducerId,
    ) -> usize {
        self.push(EventKind::BatchAppended {
            topic: T.into(),
            partition: 0,
            broker,
            base_offset: base,
            count,
            leader_epoch: 0,
            producer_id,
            base_sequence: if producer_id >= 0 { 0 } else { -1 },
            first_trace: trace,
        })
    }
    fn fetched(
        &mut self,
        broker: BrokerId,
        leader: BrokerId,
        from: Offset,
        records: i32,
        hw: Offset,
    ) -> usize {
        self.push(EventKind::ReplicaFetched {
            topic: T.into(),
            partition: 0,
            broker,
            leader,
            fetch_offset: from,
            records,
            leo: from + Offset::from(records),
            high_watermark: hw,
        })
    }
    fn hw(&mut self, broker: BrokerId, epoch: i32, hw: Offset) -> usize {
        self.push(EventKind::HighWatermarkChanged {
            topic: T.into(),
            partition: 0,
            broker,
            leader_epoch: epoch,
            high_watermark: hw,
        })
    }
    fn acked(&mut self, base: Offset, count: i32, trace: u64, acks: i16) -> usize {
        self.push(EventKind::ProduceAcked {
            producer: "p".into(),
            request: 1,
            topic: T.into(),
            partition: 0,
            base_offset: base,
            count,
            first_trace: trace,
            acks,
        })
    }
    fn truncated(&mut self, broker: BrokerId, to: Offset, from_leo: Offset) -> usize {
        self.push(EventKind::Truncated {
            topic: T.into(),
            partition: 0,
            broker,
            to,
            from_leo,
            rule: TruncationRule::HighWatermark,
        })
    }
    fn crashed(&mut self, broker: BrokerId, disk_lost: bool) -> usize {
        self.push(EventKind::BrokerCrashed { broker, disk_lost })
    }
    fn started(&mut self, broker: BrokerId) -> usize {
        self.push(EventKind::BrokerStarted { broker })
    }
    fn shrunk(&mut self, removed: &[BrokerId], isr: &[BrokerId]) -> usize {
        self.push(EventKind::IsrShrunk {
            topic: T.into(),
            partition: 0,
            removed: removed.to_vec(),
            isr: isr.to_vec(),
            reason: IsrChangeReason::LagTimeExceeded,
        })
    }
    fn consumed(&mut self, from: Offset, to: Offset, hw: Offset) -> usize {
        self.push(EventKind::RecordsConsumed {
            consumer: "c".into(),
            group: Some("g".into()),
            topic: T.into(),
            partition: 0,
            from,
            to,
            high_watermark: hw,
        })
    }
    fn committed(&mut self, offset: Offset, hw: Offset) -> usize {
        self.push(EventKind::OffsetCommitted {
            group: "g".into(),
            topic: T.into(),
            partition: 0,
            offset,
            high_watermark: hw,
        })
    }
    fn check(&self) -> Vec<Finding> {
        check(&self.0)
    }
}

fn kinds(findings: &[Finding]) -> Vec<FindingKind> {
    findings.iter().map(|f| f.kind).collect()
}

/// Leader 0, followers 1 and 2, one record (trace 100) at offset 0.
/// With `replicated`, both followers have it and the HW passed it.
fn one_record(acks: i16, replicated: bool) -> (Trace, usize) {
    let mut t = Trace::default();
    t.created();
    t.elected(Some(0), 0, &[0, 1, 2]);
    t.append(0, 0, 1, 100);
    if replicated {
        t.fetched(1, 0, 0, 1, 0);
        t.fetched(2, 0, 0, 1, 0);
        t.hw(0, 0, 1);
    }
    let ack = t.acked(0, 1, 100, acks);
    (t, ack)
}

#[test]
fn acks_1_then_leader_crash_loses_the_acked_record() {
    let (mut t, ack) = one_record(1, false);
    t.crashed(0, false);
    let election = t.elected(Some(1), 1, &[1, 2]);
    let f = t.check();
    assert_eq!(kinds(&f), vec![FindingKind::AckedRecordLost]);
    assert_eq!(f[0].events, vec![ack, election]);
    assert_eq!(f[0].time, t.0[election].time);
    assert!(
        f[0].detail.contains("acks=1 for offset 0 (trace 100)"),
        "{}",
        f[0].detail
    );
    assert!(f[0].detail.contains("leader 1"), "{}", f[0].detail);
}

#[test]
fn acks_0_lost_is_not_a_finding() {
    let (mut t, _) = one_record(0, false);
    t.crashed(0, false);
    t.elected(Some(1), 1, &[1, 2]);
    assert_eq!(t.check(), vec![]);
}

#[test]
fn acks_all_replicated_survives_a_clean_election() {
    let (mut t, _) = one_record(-1, true);
    t.crashed(0, false);
    t.elected(Some(1), 1, &[1, 2]);
    t.append(1, 1, 1, 101);
    t.fetched(2, 1, 1, 1, 1);
    t.hw(1, 1, 2);
    t.started(0);
    t.truncated(0, 1, 1);
    t.fetched(0, 1, 1, 1, 2);
    assert_eq!(t.check(), vec![]);
}

#[test]
fn unclean_election_loses_acked_data() {
    let mut t = Trace::default();
    t.created();
    t.elected(Some(0), 0, &[0, 1]);
    t.shrunk(&[1], &[0]);
    t.append(0, 0, 1, 7);
    t.hw(0, 0, 1);
    let ack = t.acked(0, 1, 7, -1);
    t.crashed(0, false);
    t.elected(None, 1, &[0]);
    let e = t.election(Some(1), 2, &[1], true);
    let f = t.check();
    assert_eq!(kinds(&f), vec![FindingKind::AckedRecordLost]);
    assert_eq!(f[0].events, vec![ack, e]);
    assert!(f[0].detail.contains("uncleanly"), "{}", f[0].detail);
    assert!(f[0].detail.contains("acks=all"), "{}", f[0].detail);

    // The same failover while the partition stays offline loses nothing yet.
    let safe = Trace(t.0[..t.0.len() - 1].to_vec());
    assert_eq!(safe.check(), vec![]);
}

#[test]
fn truncating_an_unacked_follower_tail_is_safe() {
    let (mut t, _) = one_record(-1, true);
    // Offset 1 reaches follower 1 only, is never committed or acked.
    t.append(0, 1, 1, 101);
    t.fetched(1, 0, 1, 1, 1);
    t.crashed(0, false);
    t.elected(Some(2), 1, &[1, 2]);
    t.append(2, 1, 1, 102);
    t.truncated(1, 1, 2);
    t.fetched(1, 2, 1, 1, 1);
    t.hw(2, 1, 2);
    t.fetched(1, 2, 2, 0, 2);
    assert_eq!(t.check(), vec![]);

    // The same trace with offset 1 acked (acks=1): now it is a loss.
    let (mut lost, _) = one_record(-1, true);
    lost.append(0, 1, 1, 101);
    lost.acked(1, 1, 101, 1);
    lost.fetched(1, 0, 1, 1, 1);
    lost.crashed(0, false);
    lost.elected(Some(2), 1, &[1, 2]);
    assert_eq!(kinds(&lost.check()), vec![FindingKind::AckedRecordLost]);
}

/// KIP-101: follower 1 restarts and truncates to its lagging HW, the
/// leader dies, 1 leads and writes a different record at offset 1, and
/// the old leader keeps its own offset 1 below its HW.
fn kip101(hw_truncation: bool) -> Trace {
    let mut t = Trace::default();
    t.created();
    t.elected(Some(0), 0, &[0, 1]);
    t.append(0, 0, 1, 1);
    t.fetched(1, 0, 0, 1, 0);
    t.hw(0, 0, 1);
    t.append(0, 1, 1, 2);
    t.fetched(1, 0, 1, 1, 1);
    t.hw(0, 0, 2);
    t.acked(1, 1, 2, -1);
    t.crashed(1, false);
    t.started(1);
    if hw_truncation {
        t.truncated(1, 1, 2);
    }
    t.crashed(0, false);
    t.elected(Some(1), 1, &[1]);
    let next = if hw_truncation { 1 } else { 2 };
    t.append(1, next, 1, 3);
    t.hw(1, 1, next + 1);
    t.started(0);
    // HW rule: its own HW is 2. Leader epoch: epoch 0 ended at 2 on the
    // new leader. Either way nothing is dropped.
    t.truncated(0, 2, 2);
    t.fetched(0, 1, 2, if hw_truncation { 0 } else { 1 }, next + 1);
    t
}

#[test]
fn high_watermark_truncation_diverges_and_loses() {
    let t = kip101(true);
    let f = t.check();
    assert_eq!(
        kinds(&f),
        vec![FindingKind::AckedRecordLost, FindingKind::ReplicaDivergence],
        "{f:#?}"
    );
    assert!(f[1].detail.contains("offset 1"), "{}", f[1].detail);
    for finding in &f {
        assert!(finding.detail.contains("KIP-101"), "{}", finding.detail);
    }
    // The truncation of follower 1 is among the causes of the loss.
    let cut =
        t.0.iter()
            .position(|e| matches!(e.kind, EventKind::Truncated { broker: 1, .. }))
            .expect("truncation of 1");
    assert!(f[0].events.contains(&cut), "{:?}", f[0].events);
}

#[test]
fn leader_epoch_truncation_keeps_replicas_identical() {
    assert_eq!(kip101(false).check(), vec![]);
}

#[test]
fn corrupted_trace_record_removed_from_new_leader_is_caught() {
    let (mut t, _) = one_record(-1, true);
    t.crashed(0, false);
    t.elected(Some(1), 1, &[1, 2]);
    let clean = t.check();
    assert_eq!(clean, vec![]);

    // Corruption 1: the new leader never fetched the record.
    let mut corrupted = t.0.clone();
    let fetch = corrupted
        .iter()
        .position(|e| matches!(e.kind, EventKind::ReplicaFetched { broker: 1, .. }))
        .expect("fetch by 1");
    corrupted.remove(fetch);
    assert_eq!(
        kinds(&check(&corrupted)),
        vec![FindingKind::AckedRecordLost]
    );

    // Corruption 2: the new leader drops it after the election.
    let mut t2 = Trace(t.0.clone());
    let cut = t2.truncated(1, 0, 1);
    let f = t2.check();
    assert_eq!(kinds(&f), vec![FindingKind::AckedRecordLost]);
    assert!(f[0].events.contains(&cut));
}

#[test]
fn lost_disk_loses_what_only_that_broker_had() {
    for disk_lost in [false, true] {
        let mut t = Trace::default();
        t.created();
        t.elected(Some(0), 0, &[0]);
        t.append(0, 0, 2, 50);
        t.hw(0, 0, 2);
        t.acked(0, 2, 50, -1);
        t.crashed(0, disk_lost);
        t.elected(None, 1, &[0]);
        t.started(0);
        t.elected(Some(0), 2, &[0]);
        let f = t.check();
        if disk_lost {
            assert_eq!(kinds(&f), vec![FindingKind::AckedRecordLost]);
            assert!(
                f[0].detail.contains("offsets 0-1 (trace 50-51)"),
                "{}",
                f[0].detail
            );
            assert!(f[0].detail.contains("2 of 2"), "{}", f[0].detail);
        } else {
            assert_eq!(f, vec![]);
        }
    }
}

#[test]
fn a_lost_ack_is_reported_once() {
    let (mut t, _) = one_record(1, false);
    t.crashed(0, false);
    t.elected(Some(1), 1, &[1, 2]);
    t.append(1, 0, 1, 200);
    t.crashed(1, false);
    t.elected(Some(2), 2, &[2]);
    assert_eq!(kinds(&t.check()), vec![FindingKind::AckedRecordLost]);
}

#[test]
fn the_leader_overwriting_an_acked_offset_is_caught_when_it_happens() {
    let (mut t, ack) = one_record(-1, true);
    let mut c = Checker::new();
    let bad = t.append(0, 0, 1, 999);
    for (i, e) in t.0.iter().enumerate() {
        c.observe(i, e);
    }
    let kinds: Vec<FindingKind> = c.findings().iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        vec![FindingKind::OffsetGap, FindingKind::AckedRecordLost]
    );
    assert_eq!(c.findings()[1].events, vec![ack, bad]);
}

#[test]
fn deleting_and_recreating_a_topic_is_not_a_loss() {
    let (mut t, _) = one_record(-1, true);
    t.push(EventKind::TopicDeleted { topic: T.into() });
    t.created();
    t.elected(Some(1), 0, &[1, 2]);
    assert_eq!(t.check(), vec![]);
}

#[test]
fn a_crashed_leader_not_yet_replaced_decides_nothing() {
    let (mut t, _) = one_record(1, false);
    t.crashed(0, true);
    assert_eq!(t.check(), vec![]);
}

#[test]
fn read_at_or_above_the_high_watermark() {
    let mut t = Trace::default();
    t.consumed(0, 2, 2);
    assert_eq!(t.check(), vec![]);
    let bad = t.consumed(2, 3, 2);
    let f = t.check();
    assert_eq!(kinds(&f), vec![FindingKind::ReadAboveHw]);
    assert_eq!(f[0].events, vec![bad]);
    assert!(f[0].detail.contains("group g"), "{}", f[0].detail);
}

#[test]
fn commit_above_the_high_watermark() {
    let mut t = Trace::default();
    t.committed(2, 2);
    assert_eq!(t.check(), vec![]);
    t.committed(3, 2);
    assert_eq!(kinds(&t.check()), vec![FindingKind::CommitAboveHw]);
}

#[test]
fn leader_outside_the_isr() {
    let mut safe = Trace::default();
    safe.elected(Some(2), 1, &[0, 2]);
    safe.shrunk(&[0], &[2]);
    assert_eq!(safe.check(), vec![]);

    let mut t = Trace::default();
    let e = t.elected(Some(2), 1, &[0, 1]);
    let f = t.check();
    assert_eq!(kinds(&f), vec![FindingKind::LeaderNotInIsr]);
    assert_eq!(f[0].events, vec![e]);

    let mut t = Trace::default();
    t.elected(Some(2), 1, &[0, 2]);
    t.shrunk(&[2], &[0]);
    assert_eq!(kinds(&t.check()), vec![FindingKind::LeaderNotInIsr]);

    // Offline (no leader) with a stale ISR is not a leader outside it.
    let mut t = Trace::default();
    t.elected(None, 1, &[0]);
    t.shrunk(&[0], &[]);
    assert_eq!(t.check(), vec![]);
}

#[test]
fn retry_without_idempotence_duplicates() {
    let mut t = Trace::default();
    t.elected(Some(0), 0, &[0]);
    let first = t.append(0, 0, 2, 10);
    let retry = t.append(0, 2, 2, 10);
    let f = t.check();
    assert_eq!(kinds(&f), vec![FindingKind::DuplicateRecord]);
    assert_eq!(f[0].events, vec![first, retry]);
    assert!(f[0].detail.contains("not idempotent"), "{}", f[0].detail);
    assert!(f[0].detail.contains("2 records"), "{}", f[0].detail);
}

#[test]
fn duplicate_under_idempotence_says_exactly_once_broke() {
    let mut t = Trace::default();
    t.elected(Some(0), 0, &[0]);
    t.append_by(0, 0, 1, 10, 4000);
    t.append_by(0, 1, 1, 10, 4000);
    let f = t.check();
    assert_eq!(kinds(&f), vec![FindingKind::DuplicateRecord]);
    assert!(f[0].detail.contains("was idempotent"), "{}", f[0].detail);
    assert!(f[0].detail.contains("4000"), "{}", f[0].detail);
}

#[test]
fn recognised_idempotent_retry_is_no_duplicate() {
    let mut t = Trace::default();
    t.elected(Some(0), 0, &[0]);
    t.append_by(0, 0, 1, 10, 4000);
    t.push(EventKind::DuplicateIgnored {
        topic: T.into(),
        partition: 0,
        broker: 0,
        producer_id: 4000,
        base_sequence: 0,
        original_offset: 0,
    });
    t.hw(0, 0, 1);
    t.acked(0, 1, 10, -1);
    assert_eq!(t.check(), vec![]);
}

#[test]
fn retry_on_a_new_leader_that_lacks_the_first_copy_is_no_duplicate() {
    let mut t = Trace::default();
    t.elected(Some(0), 0, &[0, 1]);
    t.append(0, 0, 1, 10);
    t.append(0, 1, 1, 11);
    t.fetched(1, 0, 0, 1, 0);
    t.crashed(0, false);
    t.elected(Some(1), 1, &[1]);
    // Trace 11 was at offset 1 on broker 0 only; its retry lands on 1.
    t.append(1, 1, 1, 11);
    assert_eq!(t.check(), vec![]);
    // Retrying trace 10, which broker 1 already has, is a duplicate.
    t.append(1, 2, 1, 10);
    assert_eq!(kinds(&t.check()), vec![FindingKind::DuplicateRecord]);
}

#[test]
fn append_off_the_log_end_is_an_offset_gap() {
    let mut t = Trace::default();
    t.elected(Some(0), 0, &[0]);
    t.append(0, 0, 1, 1);
    t.append(0, 1, 1, 2);
    assert_eq!(t.check(), vec![]);
    let bad = t.append(0, 3, 1, 3);
    let f = t.check();
    assert_eq!(kinds(&f), vec![FindingKind::OffsetGap]);
    assert_eq!(f[0].events, vec![bad]);
    assert!(f[0].detail.contains("2..3"), "{}", f[0].detail);
}

#[test]
fn follower_fetching_past_its_log_end_is_an_offset_gap() {
    let mut t = Trace::default();
    t.elected(Some(0), 0, &[0, 1]);
    t.append(0, 0, 3, 1);
    t.fetched(1, 0, 0, 1, 0);
    t.fetched(1, 0, 1, 1, 0);
    assert_eq!(t.check(), vec![]);
    t.fetched(1, 0, 3, 0, 0);
    assert_eq!(kinds(&t.check()), vec![FindingKind::OffsetGap]);
}

#[test]
fn high_watermark_going_back_within_an_epoch() {
    let mut t = Trace::default();
    t.elected(Some(0), 0, &[0]);
    t.append(0, 0, 3, 1);
    let up = t.hw(0, 0, 3);
    // A new epoch may start lower.
    let mut safe = Trace(t.0.clone());
    safe.hw(0, 1, 2);
    assert_eq!(safe.check(), vec![]);

    let down = t.hw(0, 0, 2);
    let f = t.check();
    assert_eq!(kinds(&f), vec![FindingKind::HwRegressed]);
    assert_eq!(f[0].events, vec![up, down]);
}

#[test]
fn divergence_is_reported_once_per_offset() {
    let mut t = Trace::default();
    t.elected(Some(0), 0, &[0, 1, 2]);
    t.append(0, 0, 1, 1);
    t.hw(0, 0, 1);
    // Two other replicas were (wrongly) written by a zombie leader.
    t.append(1, 0, 1, 9);
    t.fetched(1, 1, 1, 0, 1);
    t.fetched(2, 1, 0, 1, 1);
    let f = t.check();
    assert_eq!(kinds(&f), vec![FindingKind::ReplicaDivergence], "{f:#?}");
}

#[test]
fn findings_json_matches_a_json_value() {
    let (mut t, _) = one_record(1, false);
    t.crashed(0, false);
    t.elected(Some(1), 1, &[1, 2]);
    let findings = t.check();
    assert!(!findings.is_empty());
    let via_value =
        serde_json::to_string(&serde_json::json!({ "findings": findings })).expect("serializes");
    assert_eq!(findings_json(&findings).expect("serializes"), via_value);
    assert_eq!(
        findings_json(&[]).expect("serializes"),
        r#"{"findings":[]}"#
    );
}

#[test]
fn findings_serialize_in_kebab_case() {
    let (mut t, ack) = one_record(1, false);
    t.crashed(0, false);
    let e = t.elected(Some(1), 1, &[1, 2]);
    let json = serde_json::to_string(&t.check()).expect("serializes");
    assert!(
        json.starts_with(r#"[{"kind":"acked-record-lost","topic":"t","partition":0,"detail":"#),
        "{json}"
    );
    let value: serde_json::Value = serde_json::from_str(&json).expect("parses");
    assert_eq!(value[0]["time"], serde_json::json!(t.0[e].time.0));
    assert_eq!(value[0]["events"], serde_json::json!([ack, e]));
    for kind in FindingKind::ALL {
        let name = serde_json::to_value(kind).expect("serializes");
        assert_eq!(name, serde_json::json!(kind.name()));
        assert!(kind.explain().len() > 100, "{kind}");
    }
}

#[test]
fn summary_lines() {
    assert_eq!(summary(&[]), "No findings: every invariant held.");
    let mut t = Trace::default();
    t.committed(3, 2);
    t.consumed(0, 4, 2);
    let s = summary(&t.check());
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines.len(), 2, "{s}");
    assert!(lines[0].starts_with("commit-above-hw t-0: group g"), "{s}");
    assert!(lines[1].starts_with("read-above-hw t-0: "), "{s}");
    assert!(lines[1].ends_with("(at 10ms; events #1)"), "{s}");
}

#[test]
fn incremental_and_whole_trace_agree() {
    let t = kip101(true);
    let mut c = Checker::new();
    for (i, e) in t.0.iter().enumerate() {
        c.observe(i, e);
    }
    c.finish();
    c.finish();
    assert_eq!(c.findings(), t.check().as_slice());
}

/// The page's use: finish() while the trace is still growing. A leader that
/// came back empty has "no offset 0" for an acked record at that point; once
/// it writes something else there, the loss is that other record — as a
/// check from scratch says, not the verdict of the earlier finish().
#[test]
fn a_verdict_in_mid_trace_gives_way_to_what_the_rest_of_the_trace_shows() {
    let (mut t, _) = one_record(1, false);
    t.crashed(0, true);
    // Elected while down (nothing decided), then back with an empty log.
    t.elected(Some(0), 1, &[0]);
    t.started(0);
    let mut c = Checker::new();
    for (i, e) in t.0.iter().enumerate() {
        c.observe(i, e);
    }
    c.finish();
    assert_eq!(c.findings(), t.check().as_slice());
    assert!(c.findings()[0].detail.contains("has no offset 0"));
    let from = t.0.len();
    t.append(0, 0, 1, 200);
    for (i, e) in t.0.iter().enumerate().skip(from) {
        c.observe(i, e);
    }
    c.finish();
    assert_eq!(c.findings(), t.check().as_slice());
    assert_eq!(kinds(c.findings()), vec![FindingKind::AckedRecordLost]);
    assert!(c.findings()[0]
        .detail
        .contains("holds trace 200 at offset 0"));
}

#[test]
fn unclean_election_with_leader_epoch_truncation_loses_but_does_not_diverge() {
    let mut t = Trace::default();
    t.created();
    t.elected(Some(0), 0, &[0, 1]);
    t.append(0, 0, 2, 1);
    t.fetched(1, 0, 0, 1, 0);
    t.shrunk(&[1], &[0]);
    t.hw(0, 0, 2);
    t.acked(0, 2, 1, -1);
    t.crashed(0, false);
    t.election(Some(1), 1, &[1], true);
    t.append(1, 1, 2, 10);
    // Broker 0 is down: its stale offset 1 is not compared yet.
    t.hw(1, 1, 3);
    t.started(0);
    // Leader epoch: epoch 0 ended at offset 1 on the new leader.
    t.truncated(0, 1, 2);
    t.fetched(0, 1, 1, 2, 3);
    let f = t.check();
    assert_eq!(kinds(&f), vec![FindingKind::AckedRecordLost], "{f:#?}");
    assert!(f[0].detail.contains("1 of 2"), "{}", f[0].detail);
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    fn garbage() -> impl Strategy<Value = EventKind> {
        let b = -1i32..4;
        let o = prop_oneof![-3i64..12, Just(i64::MIN), Just(i64::MAX)];
        prop_oneof![
            (b.clone(), any::<bool>())
                .prop_map(|(broker, disk_lost)| EventKind::BrokerCrashed { broker, disk_lost }),
            b.clone()
                .prop_map(|broker| EventKind::BrokerStarted { broker }),
            (b.clone(), o.clone(), -2i32..5, 0u64..6, -1i64..2).prop_map(
                |(broker, base_offset, count, first_trace, producer_id)| {
                    EventKind::BatchAppended {
                        topic: T.into(),
                        partition: 0,
                        broker,
                        base_offset,
                        count,
                        leader_epoch: 0,
                        producer_id,
                        base_sequence: 0,
                        first_trace,
                    }
                }
            ),
            (
                o.clone(),
                -2i32..5,
                0u64..6,
                prop_oneof![Just(-1i16), Just(0), Just(1)]
            )
                .prop_map(|(base_offset, count, first_trace, acks)| {
                    EventKind::ProduceAcked {
                        producer: "p".into(),
                        request: 0,
                        topic: T.into(),
                        partition: 0,
                        base_offset,
                        count,
                        first_trace,
                        acks,
                    }
                }),
            (b.clone(), b.clone(), o.clone(), -2i32..5, o.clone()).prop_map(
                |(broker, leader, fetch_offset, records, high_watermark)| {
                    EventKind::ReplicaFetched {
                        topic: T.into(),
                        partition: 0,
                        broker,
                        leader,
                        fetch_offset,
                        records,
                        leo: 0,
                        high_watermark,
                    }
                }
            ),
            (b.clone(), 0i32..3, o.clone()).prop_map(|(broker, leader_epoch, high_watermark)| {
                EventKind::HighWatermarkChanged {
                    topic: T.into(),
                    partition: 0,
                    broker,
                    leader_epoch,
                    high_watermark,
                }
            }),
            (
                proptest::option::of(b.clone()),
                0i32..3,
                proptest::collection::vec(b.clone(), 0..3),
                any::<bool>()
            )
                .prop_map(|(leader, leader_epoch, isr, unclean)| {
                    EventKind::LeaderElected {
                        topic: T.into(),
                        partition: 0,
                        leader,
                        leader_epoch,
                        isr,
                        unclean,
                        reason: ElectionReason::LeaderFailed,
                    }
                }),
            (
                proptest::collection::vec(b.clone(), 0..3),
                proptest::collection::vec(b.clone(), 0..3)
            )
                .prop_map(|(removed, isr)| EventKind::IsrShrunk {
                    topic: T.into(),
                    partition: 0,
                    removed,
                    isr,
                    reason: IsrChangeReason::LagTimeExceeded,
                }),
            (b, o.clone()).prop_map(|(broker, to)| EventKind::Truncated {
                topic: T.into(),
                partition: 0,
                broker,
                to,
                from_leo: 0,
                rule: TruncationRule::LeaderEpoch,
            }),
            (o.clone(), o.clone(), o).prop_map(|(from, to, high_watermark)| {
                EventKind::RecordsConsumed {
                    consumer: "c".into(),
                    group: None,
                    topic: T.into(),
                    partition: 0,
                    from,
                    to,
                    high_watermark,
                }
            }),
            Just(EventKind::TopicDeleted { topic: T.into() }),
        ]
    }

    proptest! {
        /// Any sequence of events, however inconsistent, gives findings and never a panic,
        /// and the incremental checker agrees with `check`.
        #[test]
        fn garbage_traces_never_panic(kinds in proptest::collection::vec(garbage(), 0..60)) {
            let trace: Vec<Event> = kinds
                .into_iter()
                .enumerate()
                .map(|(i, kind)| Event { time: SimTime(i as u64), kind })
                .collect();
            let all = check(&trace);
            let mut c = Checker::new();
            for (i, e) in trace.iter().enumerate() {
                c.observe(i, e);
            }
            c.finish();
            prop_assert_eq!(c.findings(), all.as_slice());
            for f in &all {
                prop_assert!(f.events.iter().all(|&e| e < trace.len()));
                prop_assert!(!f.events.is_empty());
            }
            let _ = summary(&all);
        }
    }
}
