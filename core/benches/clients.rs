//! Client-side hot paths: the producer's key hash and the consumer group
//! assignors at SPEC §6's size (1,000 members × 10,000 partitions, ≤ 20 ms).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use streamlab_core::consumer::{self, AssignorKind};
use streamlab_core::producer::{murmur2, partition_for_key};
use streamlab_core::vec_map::VecMap;

fn keys(n: usize) -> Vec<[u8; 10]> {
    (0..n)
        .map(|i| {
            let mut k = *b"key-000000";
            for (j, d) in format!("{i:06}").bytes().enumerate() {
                k[4 + j] = d;
            }
            k
        })
        .collect()
}

fn partitioner(c: &mut Criterion) {
    let keys = keys(1024);
    let mut g = c.benchmark_group("partitioner");
    g.throughput(Throughput::Elements(keys.len() as u64));
    g.bench_function("murmur2/10-byte keys", |b| {
        b.iter(|| {
            let mut acc = 0i32;
            for k in &keys {
                acc ^= murmur2(black_box(k));
            }
            acc
        })
    });
    g.bench_function("partition_for_key/10-byte keys, 12 partitions", |b| {
        b.iter(|| {
            let mut acc = 0i32;
            for k in &keys {
                acc ^= partition_for_key(black_box(k), 12);
            }
            acc
        })
    });
    g.finish();
}

/// 10 topics × 1,000 partitions, every member subscribed to every topic.
fn big_group(members: usize) -> (VecMap<String, i32>, VecMap<String, Vec<String>>) {
    let topics: VecMap<String, i32> = (0..10).map(|t| (format!("topic-{t:02}"), 1000)).collect();
    let names: Vec<String> = topics.keys().cloned().collect();
    let subs = (0..members)
        .map(|m| (format!("consumer-{m:04}"), names.clone()))
        .collect();
    (topics, subs)
}

fn assignors(c: &mut Criterion) {
    let (topics, subs) = big_group(1000);
    let none = consumer::Assignment::new();
    let mut g = c.benchmark_group("assign 1000 members x 10000 partitions");
    g.sample_size(20);
    for kind in AssignorKind::ALL {
        g.bench_function(kind.name(), |b| {
            b.iter(|| consumer::assign(kind, black_box(&topics), black_box(&subs), &none))
        });
    }
    // A rebalance: one member leaves a settled sticky group.
    let settled = consumer::sticky(&topics, &subs, &none);
    let mut left = subs.clone();
    left.remove("consumer-0500");
    g.bench_function("sticky rebalance (one member left)", |b| {
        b.iter(|| consumer::sticky(black_box(&topics), black_box(&left), &settled))
    });
    // The general path: half the members subscribe to half the topics.
    let mut uneven = subs.clone();
    for (i, ts) in uneven.values_mut().enumerate() {
        if i % 2 == 1 {
            ts.truncate(5);
        }
    }
    g.bench_function("sticky uneven subscriptions", |b| {
        b.iter_batched(
            || uneven.clone(),
            |s| consumer::sticky(&topics, &s, &none),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, partitioner, assignors);
criterion_main!(benches);
