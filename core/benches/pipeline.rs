//! The simulated pipeline: produce → replicate → HW → consume, 3 brokers,
//! RF 3, acks=all, one consumer group member reading everything; and the
//! seek cost (replaying a 10,000-event scenario from its script).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use streamlab_core::script::{run_script, Timeline};
use streamlab_core::workload::{pipeline_batches, pipeline_cluster, run_pipeline, seek_scenario};

const RECORDS: usize = 100_000;

fn pipeline(c: &mut Criterion) {
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Elements(RECORDS as u64));
    g.sample_size(10);
    g.bench_function("produce-replicate-consume 3 brokers rf3 acks=all", |b| {
        b.iter_batched(
            || (pipeline_cluster(), pipeline_batches(RECORDS, 1_000)),
            // The simulation is returned so criterion drops it outside the timing.
            |(mut sim, batches)| {
                let consumed = run_pipeline(&mut sim, batches);
                (sim, consumed)
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn seek(c: &mut Criterion) {
    let script = seek_scenario(10_000);
    let events = run_script(&script).0.events().len();
    let mut g = c.benchmark_group("seek");
    g.sample_size(20);
    g.bench_function(format!("replay all {events} events from the script"), |b| {
        b.iter(|| run_script(&script).1.trace_hash)
    });
    let mut timeline = Timeline::played(&script).expect("the workload parses");
    let end = timeline.end_ms();
    let mut at = 0;
    g.bench_function(
        format!("seek to any time in {events} events (checkpoints)"),
        |b| {
            b.iter(|| {
                // Walk the timeline in uneven steps so every checkpoint distance shows up.
                at = (at + end / 7 + 13) % end.max(1);
                timeline.seek(at);
                timeline.finish();
                timeline.now_ms()
            })
        },
    );
    g.finish();
}

criterion_group!(benches, pipeline, seek);
criterion_main!(benches);
