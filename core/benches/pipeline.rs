//! The simulated pipeline: produce → replicate → HW → consume, 3 brokers,
//! RF 3, acks=all, one consumer group member reading everything.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use streamlab_core::consumer::AssignorKind;
use streamlab_core::{
    Acks, ClusterConfig, Command, ConsumerConfig, CreateTopic, OffsetReset, Produce,
    ProducerConfig, Simulation, TopicConfig,
};

const RECORDS: usize = 100_000;
const BATCH: usize = 1_000;

/// One `send()` of records per entry: (key, value) pairs.
type Batches = Vec<Vec<(Option<String>, String)>>;

fn setup() -> (Simulation, Batches) {
    let mut sim = Simulation::new(ClusterConfig { brokers: 3 }, 1);
    sim.apply(Command::CreateTopic(CreateTopic {
        name: "bench".into(),
        partitions: 3,
        replication_factor: 3,
        assignment: None,
        config: TopicConfig::default(),
    }))
    .expect("topic");
    sim.apply(Command::ConsumerJoin {
        group: "g".into(),
        member: "c".into(),
        topics: vec!["bench".into()],
        assignor: AssignorKind::Range,
        config: ConsumerConfig {
            auto_offset_reset: OffsetReset::Earliest,
            max_poll_records: 100_000,
            ..ConsumerConfig::default()
        },
    })
    .expect("join");
    let batches = (0..RECORDS / BATCH)
        .map(|b| {
            (0..BATCH)
                .map(|i| (None, format!("v{}", b * BATCH + i)))
                .collect()
        })
        .collect();
    (sim, batches)
}

fn run(mut sim: Simulation, batches: Batches) -> Simulation {
    let config = ProducerConfig {
        acks: Acks::All,
        ..ProducerConfig::default()
    };
    for records in batches {
        sim.apply(Command::Produce(Produce {
            producer: "p".into(),
            topic: "bench".into(),
            partition: None,
            records,
            config: config.clone(),
        }))
        .expect("produce");
        sim.advance(5);
    }
    sim.advance(1_000);
    let _ = sim.drain_events().count();
    sim
}

fn pipeline(c: &mut Criterion) {
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Elements(RECORDS as u64));
    g.sample_size(10);
    g.bench_function("produce-replicate-consume 3 brokers rf3 acks=all", |b| {
        b.iter_batched(
            setup,
            |(sim, batches)| run(sim, batches),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
