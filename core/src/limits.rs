//! The one home for the simulator's bounds. A user-typed size beyond these is
//! refused with a typed error before anything is allocated, so no script line
//! or share link can abort the CLI or the page on a huge allocation.
//!
//! Why these numbers: the page draws every partition's replicas; beyond about
//! a thousand partitions per topic the broker view no longer fits or redraws at
//! 60 fps, and a cluster of ten thousand partitions already holds tens of MB of
//! per-partition state in the wasm heap. Real Kafka has no hard limit (KIP-578
//! was never adopted), so these are the simulator's own, said plainly.

/// Most partitions one topic may have (create or alter).
pub const MAX_PARTITIONS_PER_TOPIC: i32 = 1000;
/// Most partitions all topics of one cluster may have together.
pub const MAX_PARTITIONS_PER_CLUSTER: i32 = 10_000;
