//! Standard workloads shared by the native benches, the browser benches and
//! tests, so every figure measures the same thing.

use crate::consumer::AssignorKind;
use crate::event::EventKind;
use crate::{
    Acks, ClusterConfig, Command, ConsumerConfig, CreateTopic, OffsetReset, Produce,
    ProducerConfig, Simulation, TopicConfig,
};
use std::fmt::Write;

/// A 3-broker cluster with an RF 3 topic of 3 partitions and one group
/// member reading from the beginning.
pub fn pipeline_cluster() -> Simulation {
    let mut sim = Simulation::new(ClusterConfig { brokers: 3 }, 1);
    // Both commands are valid on a fresh 3-broker cluster.
    let _ = sim.apply(Command::CreateTopic(CreateTopic {
        name: "bench".into(),
        partitions: 3,
        replication_factor: 3,
        assignment: None,
        config: TopicConfig::default(),
    }));
    let _ = sim.apply(Command::ConsumerJoin {
        group: "g".into(),
        member: "c".into(),
        topics: vec!["bench".into()],
        assignor: AssignorKind::Range,
        config: ConsumerConfig {
            auto_offset_reset: OffsetReset::Earliest,
            max_poll_records: 100_000,
            ..ConsumerConfig::default()
        },
    });
    sim
}

/// The records of the pipeline workload, one `send()` per inner vector.
pub fn pipeline_batches(records: usize, batch: usize) -> Vec<Vec<(Option<String>, String)>> {
    let batch = batch.max(1);
    (0..records.div_ceil(batch))
        .map(|b| {
            (b * batch..((b + 1) * batch).min(records))
                .map(|i| (None, format!("v{i}")))
                .collect()
        })
        .collect()
}

/// Produce (acks=all) → replicate → HW → consume. Returns how many records
/// the consumer read.
pub fn run_pipeline(sim: &mut Simulation, batches: Vec<Vec<(Option<String>, String)>>) -> i64 {
    let config = ProducerConfig {
        acks: Acks::All,
        ..ProducerConfig::default()
    };
    let mut consumed = 0;
    let mut count = |sim: &mut Simulation| {
        for e in sim.drain_events() {
            if let EventKind::RecordsConsumed { from, to, .. } = e.kind {
                consumed += to - from;
            }
        }
    };
    for records in batches {
        let _ = sim.apply(Command::Produce(Produce {
            producer: "p".into(),
            topic: "bench".into(),
            partition: None,
            records,
            config: config.clone(),
        }));
        sim.advance(5);
        count(sim);
    }
    sim.advance(1_000);
    count(sim);
    consumed
}

/// A scenario script of roughly `events` trace events: produces, consumer
/// polls, a follower falling behind and a leader crash, for seek timings.
pub fn seek_scenario(events: usize) -> String {
    let mut s = String::from(
        "sim brokers 3\nsim seed 5\n\
         kafka-topics.sh --bootstrap-server b:9092 --create --topic t --partitions 3 --replication-factor 3\n\
         sim consumer join g a --topics t --from-beginning\n",
    );
    // Each round emits about 6 events (send, append, fetches, HW, ack, read).
    let rounds = events / 6;
    for round in 0..rounds {
        let _ = writeln!(s, "sim produce t r{round} --acks all --count 3");
        let _ = writeln!(s, "sim advance 50");
        if round == rounds / 3 {
            s.push_str("sim crash 0\n");
        }
    }
    s
}
