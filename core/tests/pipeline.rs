//! The benchmarked pipeline delivers everything: every acknowledged record
//! is replicated to all three brokers and read exactly once by the group.

use streamlab_core::checker::check;
use streamlab_core::consumer::AssignorKind;
use streamlab_core::event::EventKind;
use streamlab_core::{
    Acks, ClusterConfig, Command, ConsumerConfig, CreateTopic, OffsetReset, Produce,
    ProducerConfig, Simulation, TopicConfig,
};

#[test]
fn produce_replicate_consume_delivers_every_record_once() {
    let mut sim = Simulation::new(ClusterConfig { brokers: 3 }, 9);
    sim.apply(Command::CreateTopic(CreateTopic {
        name: "t".into(),
        partitions: 3,
        replication_factor: 3,
        assignment: None,
        config: TopicConfig::default(),
    }))
    .expect("topic");
    sim.apply(Command::ConsumerJoin {
        group: "g".into(),
        member: "c".into(),
        topics: vec!["t".into()],
        assignor: AssignorKind::Range,
        config: ConsumerConfig {
            auto_offset_reset: OffsetReset::Earliest,
            ..ConsumerConfig::default()
        },
    })
    .expect("join");
    let mut events = sim.drain_events().collect::<Vec<_>>();
    for b in 0..20 {
        sim.apply(Command::Produce(Produce {
            producer: "p".into(),
            topic: "t".into(),
            partition: None,
            records: (0..500).map(|i| (None, format!("{b}-{i}"))).collect(),
            config: ProducerConfig {
                acks: Acks::All,
                ..ProducerConfig::default()
            },
        }))
        .expect("produce");
        sim.advance(5);
        events.extend(sim.drain_events());
    }
    sim.advance(2_000);
    events.extend(sim.drain_events());
    let acked: i64 = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ProduceAcked { count, .. } => Some(i64::from(*count)),
            _ => None,
        })
        .sum();
    let consumed: i64 = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::RecordsConsumed { from, to, .. } => Some(to - from),
            _ => None,
        })
        .sum();
    assert_eq!(acked, 10_000);
    assert_eq!(consumed, 10_000);
    for p in &sim.snapshot().topics["t"].partitions {
        let leo = p.log_end_offset();
        assert_eq!(p.high_watermark(), leo);
        for r in p.replica_state.values() {
            assert_eq!(r.log.log_end_offset(), leo);
        }
    }
    assert!(check(&events).is_empty());
}
