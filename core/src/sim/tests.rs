//! Unit tests of the cluster rules, one scenario each.

use super::*;
use crate::consumer::OffsetReset;
use crate::event::{ElectionReason, IsrChangeReason, TruncationRule};
use crate::network::Node;
use crate::producer::Acks;

fn sim(brokers: i32) -> Simulation {
    Simulation::new(ClusterConfig { brokers }, 1)
}

fn create(sim: &mut Simulation, name: &str, assignment: Vec<Vec<BrokerId>>) {
    sim.apply(Command::CreateTopic(CreateTopic {
        name: name.into(),
        partitions: assignment.len() as i32,
        replication_factor: assignment[0].len() as i32,
        assignment: Some(assignment),
        config: TopicConfig::default(),
    }))
    .expect("valid topic");
}

fn produce(sim: &mut Simulation, topic: &str, partition: PartitionId, value: &str, acks: Acks) {
    let mut p = Produce::one(topic, Some(partition), None, value);
    p.config.acks = acks;
    p.producer = format!("p-{acks}");
    sim.apply(Command::Produce(p)).expect("produce accepted");
}

fn part<'a>(sim: &'a Simulation, topic: &str, p: PartitionId) -> &'a crate::partition::Partition {
    sim.snapshot()
        .partition(topic, p)
        .expect("partition exists")
}

fn events(sim: &mut Simulation) -> Vec<EventKind> {
    sim.drain_events().map(|e| e.kind).collect()
}

#[test]
fn rf_larger_than_brokers_is_refused() {
    let mut s = sim(3);
    let err = s
        .apply(Command::CreateTopic(CreateTopic {
            name: "t".into(),
            partitions: 1,
            replication_factor: 4,
            assignment: None,
            config: TopicConfig::default(),
        }))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Replication factor: 4 larger than available brokers: 3."
    );
    assert!(s.snapshot().topics.is_empty());
}

#[test]
fn new_topic_elects_first_replica_and_replicates() {
    let mut s = sim(3);
    create(&mut s, "t", vec![vec![1, 2, 0]]);
    let p = part(&s, "t", 0);
    assert_eq!(
        (p.leader, p.leader_epoch, p.isr.clone()),
        (Some(1), 0, vec![1, 2, 0])
    );
    produce(&mut s, "t", 0, "a", Acks::One);
    s.advance(2);
    assert_eq!(part(&s, "t", 0).log_end_offset(), 1);
    // The HW moves once every follower fetched past the record.
    s.advance(10);
    let p = part(&s, "t", 0);
    assert_eq!(p.high_watermark(), 1);
    for b in [0, 2] {
        assert_eq!(p.replica_state[&b].log.log_end_offset(), 1);
    }
    // Followers learn the HW from a later fetch response (up to the long-poll wait).
    s.advance(600);
    let p = part(&s, "t", 0);
    for b in [0, 2] {
        assert_eq!(p.replica_state[&b].high_watermark, 1, "follower {b}");
    }
}

#[test]
fn follower_hw_lags_the_leader() {
    let mut s = sim(2);
    create(&mut s, "t", vec![vec![0, 1]]);
    s.advance(1000);
    produce(&mut s, "t", 0, "a", Acks::One);
    s.advance(5);
    let p = part(&s, "t", 0);
    assert_eq!(p.replica_state[&0].high_watermark, 1);
    assert_eq!(p.replica_state[&1].high_watermark, 0);
    assert_eq!(p.replica_state[&1].log.log_end_offset(), 1);
}

#[test]
fn leader_crash_elects_next_isr_replica_with_epoch_plus_one() {
    let mut s = sim(3);
    create(&mut s, "t", vec![vec![0, 1, 2]]);
    s.advance(100);
    s.apply(Command::CrashBroker {
        broker: 0,
        disk_lost: false,
    })
    .expect("running");
    s.advance(5_999);
    assert_eq!(
        part(&s, "t", 0).leader,
        Some(0),
        "not before the session expires"
    );
    s.advance(1);
    let p = part(&s, "t", 0);
    assert_eq!((p.leader, p.leader_epoch), (Some(1), 1));
    assert_eq!(p.isr, vec![1, 2]);
    let ev = events(&mut s);
    assert!(ev.iter().any(|e| matches!(
        e,
        EventKind::LeaderElected {
            leader: Some(1),
            reason: ElectionReason::LeaderFailed,
            ..
        }
    )));
    // The controller was broker 0: it failed over to broker 1.
    assert_eq!(s.controller(), Some(1));
}

#[test]
fn slow_follower_leaves_isr_after_lag_time_and_returns() {
    let mut s = sim(3);
    create(&mut s, "t", vec![vec![0, 1, 2]]);
    s.advance(100);
    s.apply(Command::Slow {
        broker: 2,
        ms: 20_000,
    })
    .expect("known broker");
    for i in 0..30 {
        produce(&mut s, "t", 0, &format!("v{i}"), Acks::One);
        s.advance(500);
    }
    let p = part(&s, "t", 0);
    assert_eq!(p.isr, vec![0, 1]);
    assert_eq!(p.osr(), vec![2]);
    let ev = events(&mut s);
    assert!(ev.iter().any(|e| matches!(e, EventKind::IsrShrunk { removed, reason: IsrChangeReason::LagTimeExceeded, .. } if removed == &vec![2])));
    s.apply(Command::Heal).expect("heal");
    s.advance(60_000);
    assert_eq!(part(&s, "t", 0).isr, vec![0, 1, 2]);
}

#[test]
fn isolated_leader_is_replaced_and_its_acks1_writes_are_truncated() {
    let mut s = sim(3);
    create(&mut s, "t", vec![vec![0, 1, 2]]);
    produce(&mut s, "t", 0, "safe", Acks::All);
    s.advance(1000);
    assert_eq!(part(&s, "t", 0).high_watermark(), 1);
    s.apply(Command::Isolate(0)).expect("known broker");
    produce(&mut s, "t", 0, "doomed", Acks::One);
    s.advance(10);
    // The isolated leader took it alone and acknowledged it.
    assert_eq!(part(&s, "t", 0).replica_state[&0].log.log_end_offset(), 2);
    s.advance(6_000);
    let p = part(&s, "t", 0);
    assert_eq!((p.leader, p.leader_epoch), (Some(1), 1));
    s.apply(Command::Heal).expect("heal");
    s.advance(2_000);
    let p = part(&s, "t", 0);
    assert_eq!(
        p.replica_state[&0].log.log_end_offset(),
        1,
        "old leader truncated"
    );
    let ev = events(&mut s);
    assert!(ev.iter().any(|e| matches!(
        e,
        EventKind::ProduceAcked {
            acks: 1,
            base_offset: 1,
            ..
        }
    )));
    assert!(ev.iter().any(|e| matches!(
        e,
        EventKind::Truncated {
            broker: 0,
            to: 1,
            from_leo: 2,
            ..
        }
    )));
}

#[test]
fn no_live_isr_means_offline_unless_unclean() {
    for unclean in [false, true] {
        let mut s = sim(3);
        create(&mut s, "t", vec![vec![1, 2]]);
        s.advance(100);
        s.apply(Command::CrashBroker {
            broker: 2,
            disk_lost: false,
        })
        .expect("running");
        s.advance(20_000);
        assert_eq!(part(&s, "t", 0).isr, vec![1]);
        produce(&mut s, "t", 0, "only-on-1", Acks::One);
        s.advance(100);
        s.apply(Command::CrashBroker {
            broker: 1,
            disk_lost: false,
        })
        .expect("running");
        s.advance(7_000);
        assert_eq!(part(&s, "t", 0).leader, None);
        if unclean {
            s.apply(Command::SetConfig {
                key: "unclean.leader.election.enable".into(),
                value: "true".into(),
            })
            .expect("known key");
        }
        s.apply(Command::StartBroker(2)).expect("was crashed");
        s.advance(100);
        let p = part(&s, "t", 0);
        if unclean {
            assert_eq!(p.leader, Some(2));
            assert_eq!(p.log_end_offset(), 0, "the record on broker 1 is lost");
            let ev = events(&mut s);
            assert!(ev
                .iter()
                .any(|e| matches!(e, EventKind::LeaderElected { unclean: true, .. })));
        } else {
            assert_eq!(p.leader, None, "broker 2 is not in the ISR");
            s.apply(Command::StartBroker(1)).expect("was crashed");
            s.advance(100);
            assert_eq!(part(&s, "t", 0).leader, Some(1));
        }
    }
}

/// Unclean election, then the old leader returns: the high-watermark rule
/// keeps its divergent record, the leader-epoch rule truncates it.
#[test]
fn hw_truncation_diverges_where_leader_epoch_does_not() {
    for rule in ["high-watermark", "leader-epoch"] {
        let mut s = sim(3);
        s.apply(Command::SetConfig {
            key: "truncation".into(),
            value: rule.into(),
        })
        .expect("key");
        s.apply(Command::SetConfig {
            key: "unclean.leader.election.enable".into(),
            value: "true".into(),
        })
        .expect("key");
        create(&mut s, "t", vec![vec![1, 2]]);
        produce(&mut s, "t", 0, "m1", Acks::All);
        s.advance(1_000);
        s.apply(Command::CrashBroker {
            broker: 2,
            disk_lost: false,
        })
        .expect("running");
        s.advance(7_000);
        produce(&mut s, "t", 0, "m2", Acks::All);
        s.advance(100);
        assert_eq!(part(&s, "t", 0).high_watermark(), 2);
        s.apply(Command::CrashBroker {
            broker: 1,
            disk_lost: false,
        })
        .expect("running");
        s.advance(7_000);
        s.apply(Command::StartBroker(2)).expect("crashed");
        s.advance(100);
        assert_eq!(part(&s, "t", 0).leader, Some(2));
        produce(&mut s, "t", 0, "m3", Acks::One);
        s.advance(100);
        s.apply(Command::StartBroker(1)).expect("crashed");
        s.advance(2_000);
        let p = part(&s, "t", 0);
        let at1 = |b: BrokerId| p.replica_state[&b].log.get(1).map(|r| r.value.to_string());
        if rule == "high-watermark" {
            assert_eq!(at1(1).as_deref(), Some("m2"));
            assert_eq!(at1(2).as_deref(), Some("m3"));
        } else {
            assert_eq!(at1(1), at1(2));
            let ev = events(&mut s);
            assert!(ev.iter().any(|e| matches!(
                e,
                EventKind::Truncated {
                    broker: 1,
                    rule: TruncationRule::LeaderEpoch,
                    ..
                }
            )));
        }
    }
}

#[test]
fn acks_all_refused_below_min_insync() {
    let mut s = sim(3);
    create(&mut s, "t", vec![vec![0, 1, 2]]);
    s.apply(Command::SetConfig {
        key: "min.insync.replicas".into(),
        value: "2".into(),
    })
    .expect("key");
    s.apply(Command::CrashBroker {
        broker: 1,
        disk_lost: false,
    })
    .expect("running");
    s.apply(Command::CrashBroker {
        broker: 2,
        disk_lost: false,
    })
    .expect("running");
    s.advance(7_000);
    assert_eq!(part(&s, "t", 0).isr, vec![0]);
    events(&mut s);
    let mut p = Produce::one("t", Some(0), None, "x");
    p.config.acks = Acks::All;
    p.config.retries = 0;
    s.apply(Command::Produce(p))
        .expect("accepted by the client");
    s.advance(100);
    let ev = events(&mut s);
    assert!(ev.iter().any(|e| matches!(e, EventKind::ProduceFailed { error, will_retry: false, .. } if error.contains("NotEnoughReplicasException"))), "{ev:?}");
    assert_eq!(part(&s, "t", 0).log_end_offset(), 0);
}

#[test]
fn retries_duplicate_without_idempotence_and_not_with_it() {
    for idempotent in [false, true] {
        let mut s = sim(3);
        create(&mut s, "t", vec![vec![0, 1, 2]]);
        s.advance(100);
        // The leader's links are slower than the request timeout: the
        // producer gives up and sends again what the broker will write.
        s.apply(Command::Slow {
            broker: 0,
            ms: 1_500,
        })
        .expect("known broker");
        let mut p = Produce::one("t", Some(0), None, "once");
        p.config.acks = Acks::All;
        p.config.enable_idempotence = idempotent;
        p.config.request_timeout_ms = 1_000;
        s.apply(Command::Produce(p)).expect("accepted");
        s.advance(1_200);
        s.apply(Command::Heal).expect("heal");
        s.advance(5_000);
        let leo = part(&s, "t", 0).log_end_offset();
        if idempotent {
            assert_eq!(leo, 1);
            let ev = events(&mut s);
            assert!(ev.iter().any(|e| matches!(
                e,
                EventKind::DuplicateIgnored {
                    original_offset: 0,
                    ..
                }
            )));
        } else {
            assert!(leo >= 2, "the retry appended a duplicate");
        }
    }
}

#[test]
fn controlled_shutdown_moves_leadership_first() {
    let mut s = sim(3);
    create(&mut s, "t", vec![vec![0, 1, 2]]);
    s.advance(100);
    s.apply(Command::StopBroker(0)).expect("running");
    let p = part(&s, "t", 0);
    assert_eq!((p.leader, p.isr.clone()), (Some(1), vec![1, 2]));
    assert_eq!(
        s.apply(Command::StartBroker(1)),
        Err(CommandError::DuplicateBrokerId(1))
    );
    s.apply(Command::StartBroker(0)).expect("stopped");
    s.advance(1_000);
    assert_eq!(part(&s, "t", 0).isr, vec![1, 2, 0]);
    s.apply(Command::ElectPreferred(None)).expect("elect");
    assert_eq!(part(&s, "t", 0).leader, Some(0));
}

#[test]
fn alter_adds_partitions_only() {
    let mut s = sim(3);
    create(&mut s, "t", vec![vec![0, 1]]);
    assert!(matches!(
        s.apply(Command::AlterPartitions {
            topic: "t".into(),
            partitions: 1
        }),
        Err(CommandError::PartitionsNotIncreased { .. })
    ));
    s.apply(Command::AlterPartitions {
        topic: "t".into(),
        partitions: 3,
    })
    .expect("increase");
    let t = &s.snapshot().topics["t"];
    assert_eq!(t.partitions.len(), 3);
    assert!(t
        .partitions
        .iter()
        .all(|p| p.replicas.len() == 2 && p.leader.is_some()));
}

#[test]
fn same_seed_same_trace() {
    let run = |seed| {
        let mut s = Simulation::new(ClusterConfig { brokers: 5 }, seed);
        s.apply(Command::CreateTopic(CreateTopic {
            name: "t".into(),
            partitions: 10,
            replication_factor: 3,
            assignment: None,
            config: TopicConfig::default(),
        }))
        .expect("valid");
        for i in 0..20 {
            let mut p = Produce::one("t", None, None, &format!("v{i}"));
            p.config.acks = Acks::All;
            s.apply(Command::Produce(p)).expect("accepted");
            s.advance(37);
        }
        s.apply(Command::CrashBroker {
            broker: 2,
            disk_lost: false,
        })
        .expect("running");
        s.advance(20_000);
        s.trace_hash()
    };
    assert_eq!(run(3), run(3));
    assert_ne!(run(3), run(4));
}

/// The seed's three acks settings under the same leader crash: acks=0 and
/// acks=1 lose what only the leader had (acks=0 without ever knowing),
/// acks=all never acknowledges it before it is safe.
#[test]
fn acks_outcomes_under_leader_crash() {
    for acks in [Acks::Zero, Acks::One, Acks::All] {
        let mut s = sim(3);
        create(&mut s, "t", vec![vec![0, 1, 2]]);
        s.advance(100);
        s.apply(Command::Cut(Node::Broker(0), Node::Broker(1)))
            .expect("nodes");
        s.apply(Command::Cut(Node::Broker(0), Node::Broker(2)))
            .expect("nodes");
        let mut events = s.drain_events().collect::<Vec<_>>();
        produce(&mut s, "t", 0, "v", acks);
        s.advance(10);
        s.apply(Command::CrashBroker {
            broker: 0,
            disk_lost: false,
        })
        .expect("running");
        s.apply(Command::Heal).expect("heal");
        s.advance(60_000);
        events.extend(s.drain_events());
        let acked: Vec<Offset> = events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::ProduceAcked { base_offset, .. } => Some(base_offset),
                _ => None,
            })
            .collect();
        let findings = crate::checker::check(&events);
        let new_leader_has = part(&s, "t", 0).log_end_offset();
        match acks {
            Acks::Zero => {
                assert_eq!(acked, vec![-1], "counted as sent, no offset");
                assert_eq!(new_leader_has, 0, "lost");
                assert!(findings.is_empty(), "acks=0 promises nothing");
            }
            Acks::One => {
                assert_eq!(acked, vec![0]);
                assert_eq!(new_leader_has, 0, "lost after the ack");
                assert!(findings
                    .iter()
                    .any(|f| f.kind == crate::checker::FindingKind::AckedRecordLost));
            }
            Acks::All => {
                // Not acknowledged by the old leader; the retry lands on the new one.
                assert_eq!(acked, vec![0]);
                assert_eq!(new_leader_has, 1);
                assert!(findings.is_empty(), "{findings:?}");
            }
        }
    }
}

/// Consumers only ever read below the high watermark, whatever the faults.
#[test]
fn consumers_never_read_at_or_above_the_hw() {
    let mut s = sim(3);
    create(&mut s, "t", vec![vec![0, 1, 2], vec![1, 2, 0]]);
    s.apply(Command::ConsumerJoin {
        group: "g".into(),
        member: "a".into(),
        topics: vec!["t".into()],
        assignor: crate::consumer::AssignorKind::Range,
        config: ConsumerConfig {
            auto_offset_reset: OffsetReset::Earliest,
            ..ConsumerConfig::default()
        },
    })
    .expect("join");
    let mut events = Vec::new();
    for i in 0..200 {
        produce(
            &mut s,
            "t",
            i % 2,
            "v",
            if i % 3 == 0 { Acks::One } else { Acks::All },
        );
        if i == 50 {
            s.apply(Command::Slow {
                broker: 2,
                ms: 3_000,
            })
            .expect("broker");
        }
        if i == 120 {
            s.apply(Command::CrashBroker {
                broker: 0,
                disk_lost: false,
            })
            .expect("running");
        }
        s.advance(97);
        events.extend(s.drain_events());
    }
    let mut reads = 0;
    for e in &events {
        if let EventKind::RecordsConsumed {
            to, high_watermark, ..
        } = e.kind
        {
            assert!(to <= high_watermark);
            reads += 1;
        }
    }
    assert!(reads > 10);
}

/// A Flume agent inside the simulation feeds the cluster through its Kafka
/// sink, and its counters are sampled over time for the charts.
#[test]
fn flume_agent_feeds_the_cluster_and_keeps_a_history() {
    let mut s = sim(3);
    create(&mut s, "first", vec![vec![0, 1], vec![1, 2]]);
    let conf = "a1.sources = r1\na1.channels = c1\na1.sinks = k1\n\
        a1.sources.r1.type = seq\na1.sources.r1.totalEvents = 30\na1.sources.r1.channels = c1\n\
        a1.channels.c1.type = memory\n\
        a1.sinks.k1.type = org.apache.flume.sink.kafka.KafkaSink\na1.sinks.k1.kafka.topic = first\n\
        a1.sinks.k1.channel = c1\n";
    s.apply(Command::FlumeStart {
        name: "a1".into(),
        config: conf.into(),
    })
    .expect("valid config");
    s.advance(5_000);
    let t = &s.snapshot().topics["first"];
    let stored: i64 = t.partitions.iter().map(|p| p.log_end_offset()).sum();
    assert_eq!(stored, 30);
    let h = s.flume_history("a1");
    assert!(h.len() >= 2);
    assert!(h.windows(2).all(|w| w[0].time <= w[1].time));
    assert_eq!(h.last().map(|x| x.drain_success), Some(30));
    assert!(matches!(
        s.apply(Command::FlumeStart {
            name: "a1".into(),
            config: conf.into()
        }),
        Err(CommandError::Usage(_))
    ));
}

/// Advances 1 ms at a time until the leader has appended something.
fn until_appended(s: &mut Simulation) -> Vec<EventKind> {
    let mut seen = Vec::new();
    for _ in 0..1_000 {
        s.advance(1);
        seen.extend(events(s));
        if seen
            .iter()
            .any(|e| matches!(e, EventKind::BatchAppended { .. }))
        {
            return seen;
        }
    }
    panic!("nothing appended in a second: {seen:?}");
}

#[test]
fn an_acks_all_produce_waits_in_purgatory_until_the_hw_passes_it() {
    let mut s = sim(3);
    create(&mut s, "t", vec![vec![0, 1, 2]]);
    s.advance(1_000);
    // Caught-up followers' fetches wait at the leader (the long poll).
    assert_eq!(s.purgatory.delayed_fetches(), 2);
    produce(&mut s, "t", 0, "v", Acks::All);
    let seen = until_appended(&mut s);
    assert!(!seen
        .iter()
        .any(|e| matches!(e, EventKind::ProduceAcked { .. })));
    assert_eq!(
        s.purgatory.delayed_produces(),
        1,
        "appended, not yet replicated"
    );
    s.advance(1_000);
    let seen = events(&mut s);
    assert_eq!(s.purgatory.delayed_produces(), 0);
    assert!(seen.iter().any(|e| matches!(
        e,
        EventKind::ProduceAcked {
            acks: -1,
            base_offset: 0,
            ..
        }
    )));
}

#[test]
fn a_leader_that_learns_it_was_replaced_fails_its_delayed_produces() {
    let mut s = sim(3);
    create(&mut s, "t", vec![vec![0, 1, 2]]);
    s.advance(1_000);
    s.apply(Command::Isolate(0)).expect("known broker");
    produce(&mut s, "t", 0, "stuck", Acks::All);
    until_appended(&mut s);
    // Its followers cannot fetch: the request waits until the session expires
    // and broker 1 leads, and keeps waiting while broker 0 hears nothing.
    s.advance(7_000);
    assert_eq!(part(&s, "t", 0).leader, Some(1));
    assert_eq!(s.purgatory.delayed_produces(), 1);
    s.apply(Command::Heal).expect("heal");
    s.advance(100);
    assert_eq!(s.purgatory.delayed_produces(), 0);
    let failed = events(&mut s).into_iter().find_map(|e| match e {
        EventKind::ProduceFailed { error, .. } => Some(error),
        _ => None,
    });
    assert_eq!(
        failed.as_deref(),
        Some(
            "org.apache.kafka.common.errors.NotLeaderOrFollowerException: For requests intended \
             only for the leader, this error indicates that the broker is not the current leader."
        )
    );
}

#[test]
fn a_crashed_leader_drops_what_it_held_and_a_deleted_topic_leaves_nothing() {
    let mut s = sim(3);
    create(&mut s, "t", vec![vec![0, 1, 2]]);
    s.advance(1_000);
    s.apply(Command::Cut(Node::Broker(0), Node::Broker(1)))
        .expect("known brokers");
    s.apply(Command::Cut(Node::Broker(0), Node::Broker(2)))
        .expect("known brokers");
    produce(&mut s, "t", 0, "lost", Acks::All);
    until_appended(&mut s);
    assert_eq!(s.purgatory.delayed_produces(), 1);
    s.apply(Command::CrashBroker {
        broker: 0,
        disk_lost: false,
    })
    .expect("running broker");
    // The process that would answer is gone: no answer, the client times out.
    assert_eq!(s.purgatory.delayed_produces(), 0);
    s.apply(Command::Heal).expect("heal");
    s.advance(10_000);
    assert!(
        s.purgatory.delayed_fetches() > 0,
        "the new leader holds fetches"
    );
    s.apply(Command::DeleteTopic("t".into()))
        .expect("topic exists");
    assert_eq!(s.purgatory.delayed_fetches(), 0);
}
