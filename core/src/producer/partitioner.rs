//! Kafka's producer partitioner, bit for bit: explicit partition → key hash →
//! null-key strategy.
//!
//! The key hash is Java Kafka's `Utils.murmur2` followed by
//! `Utils.toPositive(hash) % numPartitions`, so a key lands on the same
//! partition here as with the real Java client. Null keys follow one of three
//! strategies: `random` (the seed's notes, pre-2.4 clients), `round-robin`
//! (`RoundRobinPartitioner`) and `sticky` (KIP-480, the default since 2.4).

use crate::vec_map::VecMap;
use std::fmt;
use std::str::FromStr;

use crate::ids::PartitionId;
use crate::rng::SimRng;

/// Kafka's `RecordMetadata.UNKNOWN_PARTITION`, returned when a topic has no
/// partitions to choose from (so callers never divide by zero).
pub const UNKNOWN_PARTITION: PartitionId = -1;

/// Java Kafka's `Utils.murmur2`: MurmurHash2, 32-bit, seed `0x9747b28c`.
///
/// Java's `int` arithmetic wraps, its `>>>` is a logical shift and its tail
/// `switch` falls through; all three are reproduced on `u32` here.
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;

    // Java's `length` is an `int`: truncate the same way for huge inputs.
    let length = data.len() as u32;
    let mut h = SEED ^ length;

    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        let mut k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }

    // The tail, as Java's fall-through `switch (length % 4)`.
    let tail = chunks.remainder();
    if tail.len() >= 3 {
        h ^= u32::from(tail[2]) << 16;
    }
    if tail.len() >= 2 {
        h ^= u32::from(tail[1]) << 8;
    }
    if !tail.is_empty() {
        h ^= u32::from(tail[0]);
        h = h.wrapping_mul(M);
    }

    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// Kafka's `Utils.toPositive`: clears the sign bit (not `abs`, which would
/// overflow on `i32::MIN`).
pub fn to_positive(n: i32) -> i32 {
    n & 0x7fff_ffff
}

/// Kafka's keyed partition: `toPositive(murmur2(key)) % numPartitions`.
/// Returns [`UNKNOWN_PARTITION`] when `num_partitions <= 0`.
pub fn partition_for_key(key: &[u8], num_partitions: i32) -> PartitionId {
    if num_partitions <= 0 {
        return UNKNOWN_PARTITION;
    }
    to_positive(murmur2(key)) % num_partitions
}

/// The keyed partition with its arithmetic spelled out, for the UI, e.g.
/// `murmur2("21") = -973932308 → toPositive = 1173551340 → 1173551340 % 3 = 0`.
pub fn explain(key: &[u8], num_partitions: i32) -> String {
    let hash = murmur2(key);
    let positive = to_positive(hash);
    let shown = format!("{:?}", String::from_utf8_lossy(key));
    if num_partitions <= 0 {
        return format!(
            "murmur2({shown}) = {hash} → toPositive = {positive} → no partitions to choose from"
        );
    }
    format!(
        "murmur2({shown}) = {hash} → toPositive = {positive} → {positive} % {num_partitions} = {}",
        positive % num_partitions
    )
}

/// What the producer does with a record that has neither a key nor a partition.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum NullKeyStrategy {
    /// `toPositive(random.nextInt()) % numPartitions` per record, as the seed's
    /// notes describe it. (Kafka's `DefaultPartitioner` before 2.4 actually
    /// drew one random number per topic and counted up from it, which is
    /// round-robin from a random start.)
    Random,
    /// `RoundRobinPartitioner` (KIP-369): a per-topic counter from 0,
    /// `toPositive(n++) % numPartitions`.
    RoundRobin,
    /// KIP-480 (Kafka ≥ 2.4, the real default): stay on one partition until a
    /// batch completes, then move to another one chosen at random.
    #[default]
    Sticky,
}

impl NullKeyStrategy {
    pub const ALL: [NullKeyStrategy; 3] = [Self::Random, Self::RoundRobin, Self::Sticky];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Random => "random",
            Self::RoundRobin => "round-robin",
            Self::Sticky => "sticky",
        }
    }
}

impl fmt::Display for NullKeyStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Errors of the partitioner, worded as the Java client words them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartitionerError {
    /// Not one of `random`, `round-robin`, `sticky`.
    #[error("Invalid value {0} for configuration partitioner.class: expected one of random, round-robin, sticky")]
    UnknownStrategy(String),
    /// `KafkaProducer.waitOnMetadata`'s `IllegalArgumentException`.
    #[error("Invalid partition given with record: {partition} is not in the range [0...{num_partitions}].")]
    InvalidPartition {
        partition: PartitionId,
        num_partitions: i32,
    },
}

impl FromStr for NullKeyStrategy {
    type Err = PartitionerError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "random" => Ok(Self::Random),
            "round-robin" | "roundrobin" => Ok(Self::RoundRobin),
            "sticky" | "uniform-sticky" => Ok(Self::Sticky),
            _ => Err(PartitionerError::UnknownStrategy(s.to_string())),
        }
    }
}

/// Kafka's check on a record's explicit partition (`[0...numPartitions]` is
/// the Java message's own wording, although the upper bound is exclusive).
pub fn check_partition(
    partition: PartitionId,
    num_partitions: i32,
) -> Result<(), PartitionerError> {
    if partition < 0 || partition >= num_partitions {
        return Err(PartitionerError::InvalidPartition {
            partition,
            num_partitions,
        });
    }
    Ok(())
}

/// Per-topic null-key state.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct TopicState {
    /// `RoundRobinPartitioner`'s counter (starts at 0, as its `AtomicInteger`).
    counter: i32,
    /// The sticky partition in use, if one is chosen.
    sticky: Option<PartitionId>,
    /// The sticky partition the last completed batch went to: the next one
    /// must differ from it (KIP-480's `nextPartition(prevPartition)`).
    previous: Option<PartitionId>,
}

/// A producer's partitioner: the null-key strategy plus its per-topic state.
/// Randomness comes from the caller's [`SimRng`], so runs are reproducible.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Partitioner {
    strategy: NullKeyStrategy,
    topics: VecMap<String, TopicState>,
}

impl Partitioner {
    pub fn new(strategy: NullKeyStrategy) -> Self {
        Self {
            strategy,
            topics: VecMap::new(),
        }
    }

    pub fn strategy(&self) -> NullKeyStrategy {
        self.strategy
    }

    /// The sticky partition currently used for `topic`, if any.
    pub fn sticky_partition(&self, topic: &str) -> Option<PartitionId> {
        self.topics.get(topic).and_then(|t| t.sticky)
    }

    /// The partition for one record: `explicit` wins (returned as given;
    /// validate it with [`check_partition`]), then the key's hash, then the
    /// null-key strategy. Returns [`UNKNOWN_PARTITION`] when
    /// `num_partitions <= 0` and no explicit partition is given.
    pub fn partition(
        &mut self,
        topic: &str,
        key: Option<&[u8]>,
        explicit: Option<i32>,
        num_partitions: i32,
        rng: &mut SimRng,
    ) -> PartitionId {
        if let Some(p) = explicit {
            return p;
        }
        if num_partitions <= 0 {
            return UNKNOWN_PARTITION;
        }
        if let Some(key) = key {
            return partition_for_key(key, num_partitions);
        }
        let strategy = self.strategy;
        // Look up before inserting: no allocation per record once a topic is known.
        if let Some(state) = self.topics.get_mut(topic) {
            return state.choose(strategy, num_partitions, rng);
        }
        self.topics
            .entry(topic.to_owned())
            .or_default()
            .choose(strategy, num_partitions, rng)
    }

    /// A batch for `topic` was completed (KIP-480's `onNewBatch`): the sticky
    /// partition moves on. The new one is chosen at the next null-key record,
    /// at random and different from this one when there is more than one.
    pub fn on_new_batch(&mut self, topic: &str) {
        if let Some(state) = self.topics.get_mut(topic) {
            if let Some(p) = state.sticky.take() {
                state.previous = Some(p);
            }
        }
    }
}

impl TopicState {
    /// The null-key choice for a topic with `n > 0` partitions.
    fn choose(&mut self, strategy: NullKeyStrategy, n: i32, rng: &mut SimRng) -> PartitionId {
        match strategy {
            NullKeyStrategy::Random => to_positive(rng.next_i32()) % n,
            NullKeyStrategy::RoundRobin => {
                let c = self.counter;
                self.counter = self.counter.wrapping_add(1);
                to_positive(c) % n
            }
            NullKeyStrategy::Sticky => match self.sticky {
                // A topic that grew keeps its sticky partition; one out of
                // range (never, since Kafka cannot shrink) is re-picked.
                Some(p) if p < n => p,
                _ => {
                    let p = next_sticky(self.previous, n, rng);
                    self.sticky = Some(p);
                    p
                }
            },
        }
    }
}

/// KIP-480's `StickyPartitionCache.nextPartition`: a random partition, never
/// `previous` when there is a choice. Kafka loops until it draws a different
/// one; drawing from the other `n - 1` directly gives the same distribution
/// in one step.
fn next_sticky(previous: Option<PartitionId>, n: i32, rng: &mut SimRng) -> PartitionId {
    match previous {
        Some(prev) if n > 1 && (0..n).contains(&prev) => {
            let r = to_positive(rng.next_i32()) % (n - 1);
            if r >= prev {
                r + 1
            } else {
                r
            }
        }
        _ => to_positive(rng.next_i32()) % n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Apache Kafka's `UtilsTest.testMurmur2` vectors, plus librdkafka's
    /// Java-compatibility vectors (which include the empty key).
    #[test]
    fn murmur2_matches_java_kafka() {
        let cases: &[(&str, i32)] = &[
            ("21", -973_932_308),
            ("foobar", -790_332_482),
            ("a-little-bit-long-string", -985_981_536),
            ("a-little-bit-longer-string", -1_486_304_829),
            (
                "lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8",
                -58_897_971,
            ),
            ("abc", 479_470_107),
            ("kafka", 0xd067_cf64_u32 as i32),
            ("giberish123456789", 0x8f55_2b0c_u32 as i32),
            ("1234", 0x9fc9_7b14_u32 as i32),
            ("234", 0xe7c0_09ca_u32 as i32),
            ("34", 0x8739_30da_u32 as i32),
            ("4", 0x5a4b_5ca1),
            ("PreAmbleWillBeRemoved,ThePrePartThatIs", 0x7842_4f1c),
            ("reAmbleWillBeRemoved,ThePrePartThatIs", 0x4a62_b377),
            (
                "eAmbleWillBeRemoved,ThePrePartThatIs",
                0xe0e4_e09e_u32 as i32,
            ),
            ("AmbleWillBeRemoved,ThePrePartThatIs", 0x62b8_b43f),
            ("", 0x106e_08d9),
            ("1", -1_993_445_489),
            ("12", 126_087_238),
            ("123", -267_702_483),
            ("12345", -1_188_365_604),
        ];
        for (key, want) in cases {
            assert_eq!(murmur2(key.as_bytes()), *want, "murmur2({key:?})");
        }
    }

    #[test]
    fn murmur2_uses_unsigned_bytes() {
        // Bytes ≥ 0x80 are sign-extended in Java unless masked with 0xff;
        // a wrong mask changes the hash, so high bytes must differ from low ones.
        assert_ne!(murmur2(&[0x80]), murmur2(&[0x00]));
        assert_ne!(
            murmur2(&[0xff, 0xff, 0xff, 0xff, 0xff]),
            murmur2(&[0x7f; 5])
        );
    }

    #[test]
    fn to_positive_clears_only_the_sign_bit() {
        assert_eq!(to_positive(-973_932_308), -973_932_308 + i32::MAX + 1);
        assert_eq!(to_positive(i32::MIN), 0);
        assert_eq!(to_positive(-1), i32::MAX);
        assert_eq!(to_positive(42), 42);
    }

    #[test]
    fn keyed_partition_and_explanation_agree() {
        let positive = to_positive(murmur2(b"21"));
        assert_eq!(partition_for_key(b"21", 3), positive % 3);
        assert_eq!(
            explain(b"21", 3),
            format!(
                "murmur2(\"21\") = -973932308 → toPositive = {positive} → {positive} % 3 = {}",
                positive % 3
            )
        );
        assert_eq!(partition_for_key(b"21", 0), UNKNOWN_PARTITION);
        assert!(explain(b"21", 0).contains("no partitions"));
    }

    #[test]
    fn strategy_names_round_trip() {
        for s in NullKeyStrategy::ALL {
            assert_eq!(s.to_string().parse::<NullKeyStrategy>(), Ok(s));
        }
        assert!(matches!(
            "hash".parse::<NullKeyStrategy>(),
            Err(PartitionerError::UnknownStrategy(_))
        ));
    }

    #[test]
    fn explicit_partition_wins_then_key() {
        let mut p = Partitioner::new(NullKeyStrategy::Random);
        let mut rng = SimRng::new(1);
        assert_eq!(p.partition("t", Some(b"21"), Some(2), 3, &mut rng), 2);
        assert_eq!(
            p.partition("t", Some(b"21"), None, 3, &mut rng),
            partition_for_key(b"21", 3)
        );
        assert_eq!(p.partition("t", None, None, 0, &mut rng), UNKNOWN_PARTITION);
        assert!(check_partition(3, 3).is_err());
        assert!(check_partition(-1, 3).is_err());
        assert!(check_partition(2, 3).is_ok());
    }

    #[test]
    fn round_robin_counts_per_topic() {
        let mut p = Partitioner::new(NullKeyStrategy::RoundRobin);
        let mut rng = SimRng::new(1);
        let a: Vec<_> = (0..7)
            .map(|_| p.partition("a", None, None, 3, &mut rng))
            .collect();
        assert_eq!(a, vec![0, 1, 2, 0, 1, 2, 0]);
        // Another topic has its own counter.
        assert_eq!(p.partition("b", None, None, 3, &mut rng), 0);
    }

    #[test]
    fn random_is_seeded_and_spreads() {
        let run = |seed| {
            let mut p = Partitioner::new(NullKeyStrategy::Random);
            let mut rng = SimRng::new(seed);
            (0..300)
                .map(|_| p.partition("t", None, None, 3, &mut rng))
                .collect::<Vec<_>>()
        };
        let a = run(9);
        assert_eq!(a, run(9));
        for part in 0..3 {
            assert!(a.iter().filter(|&&x| x == part).count() > 50);
        }
    }

    #[test]
    fn sticky_stays_until_a_batch_completes_then_moves() {
        let mut p = Partitioner::new(NullKeyStrategy::Sticky);
        let mut rng = SimRng::new(3);
        let first = p.partition("t", None, None, 4, &mut rng);
        for _ in 0..10 {
            assert_eq!(p.partition("t", None, None, 4, &mut rng), first);
        }
        let mut last = first;
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..50 {
            p.on_new_batch("t");
            let next = p.partition("t", None, None, 4, &mut rng);
            assert_ne!(next, last, "KIP-480 picks a different partition");
            seen.insert(next);
            last = next;
        }
        assert_eq!(seen.len(), 4, "every partition is eventually used");
    }

    #[test]
    fn sticky_with_one_partition_stays_put() {
        let mut p = Partitioner::new(NullKeyStrategy::Sticky);
        let mut rng = SimRng::new(3);
        for _ in 0..5 {
            assert_eq!(p.partition("t", None, None, 1, &mut rng), 0);
            p.on_new_batch("t");
        }
    }

    proptest! {
        #[test]
        fn keyed_partition_in_range(key in proptest::collection::vec(any::<u8>(), 0..64), n in 1i32..1000) {
            let p = partition_for_key(&key, n);
            prop_assert!((0..n).contains(&p));
        }

        #[test]
        fn null_key_partitions_in_range(seed in any::<u64>(), n in 1i32..50, batches in 1usize..20) {
            for strategy in NullKeyStrategy::ALL {
                let mut p = Partitioner::new(strategy);
                let mut rng = SimRng::new(seed);
                for _ in 0..batches {
                    let got = p.partition("t", None, None, n, &mut rng);
                    prop_assert!((0..n).contains(&got));
                    p.on_new_batch("t");
                }
            }
        }
    }
}
