//! Memory of a 1-million-record scenario: 3 brokers, RF 3, a consumer
//! group, produced in batches of 1,000. Prints the process's resident set
//! before and after (Linux `/proc`), for `cargo xtask bench`.

use streamlab_core::workload::{pipeline_batches, pipeline_cluster, run_pipeline};

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() {
    const RECORDS: usize = 1_000_000;
    let before = rss_kib();
    let mut sim = pipeline_cluster();
    let consumed = run_pipeline(&mut sim, pipeline_batches(RECORDS, 1_000));
    let after = rss_kib();
    let stored: usize = sim
        .snapshot()
        .topics
        .values()
        .flat_map(|t| &t.partitions)
        .flat_map(|p| p.replica_state.values())
        .map(|r| r.log.len())
        .sum();
    match (before, after) {
        (Some(b), Some(a)) => println!(
            "BENCH memory: {RECORDS} records produced, {consumed} consumed, {stored} stored across replicas; resident set {:.1} MiB ({:.0} bytes per stored record)",
            (a - b) as f64 / 1024.0,
            (a - b) as f64 * 1024.0 / stored.max(1) as f64
        ),
        _ => println!("BENCH memory: /proc/self/status unavailable on this platform"),
    }
}
