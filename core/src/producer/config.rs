//! The producer's settings: `acks` and the rest of Kafka's `ProducerConfig`
//! that the simulation acts on, with Kafka 2.x names, defaults and
//! validation messages.

use crate::cluster::settings::{invalid, parse_bool, parse_int, parse_ms};
use crate::error::CommandError;
use crate::producer::NullKeyStrategy;

/// `acks`: how many replicas must have a record before the send succeeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Acks {
    /// Fire and forget: at most once.
    Zero,
    /// The leader wrote it.
    One,
    /// Every ISR member has it (the HW passed it). `-1` on the wire.
    All,
}

impl Acks {
    pub fn wire(self) -> i16 {
        match self {
            Acks::Zero => 0,
            Acks::One => 1,
            Acks::All => -1,
        }
    }
}

impl std::str::FromStr for Acks {
    type Err = CommandError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "0" => Ok(Acks::Zero),
            "1" => Ok(Acks::One),
            "all" | "-1" => Ok(Acks::All),
            other => Err(CommandError::InvalidConfig {
                key: "acks".into(),
                value: other.into(),
                reason: "String must be one of: all, -1, 0, 1".into(),
            }),
        }
    }
}

impl std::fmt::Display for Acks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Acks::Zero => "0",
            Acks::One => "1",
            Acks::All => "all",
        })
    }
}

/// Producer settings, with Kafka 2.x names and defaults.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProducerConfig {
    pub acks: Acks,
    /// `enable.idempotence`; forces `acks=all` and unbounded retries.
    pub enable_idempotence: bool,
    /// `retries` (2147483647 since Kafka 2.1).
    pub retries: u32,
    /// `request.timeout.ms` (30000).
    pub request_timeout_ms: u64,
    /// `retry.backoff.ms` (100).
    pub retry_backoff_ms: u64,
    /// `delivery.timeout.ms` (120000): a batch not acknowledged by then fails.
    pub delivery_timeout_ms: u64,
    /// `max.in.flight.requests.per.connection` (5).
    pub max_in_flight: u32,
    /// What records without key or partition do (`partitioner.class`).
    pub partitioner: NullKeyStrategy,
}

impl Default for ProducerConfig {
    fn default() -> Self {
        Self {
            acks: Acks::One,
            enable_idempotence: false,
            retries: i32::MAX as u32,
            request_timeout_ms: 30_000,
            retry_backoff_ms: 100,
            delivery_timeout_ms: 120_000,
            max_in_flight: 5,
            partitioner: NullKeyStrategy::Sticky,
        }
    }
}

impl ProducerConfig {
    /// Applies one `--producer-property k=v`.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), CommandError> {
        let bad = |reason: &str| invalid(key, value, reason);
        match key {
            "acks" => self.acks = value.parse()?,
            "enable.idempotence" => self.enable_idempotence = parse_bool(key, value)?,
            // Kafka's `retries` is an INT: at most 2147483647.
            "retries" => self.retries = parse_int(key, value, 0)?.unsigned_abs(),
            "request.timeout.ms" => self.request_timeout_ms = parse_ms(key, value, 0)?,
            "retry.backoff.ms" => self.retry_backoff_ms = parse_ms(key, value, 0)?,
            "delivery.timeout.ms" => self.delivery_timeout_ms = parse_ms(key, value, 0)?,
            "max.in.flight.requests.per.connection" => {
                self.max_in_flight = parse_int(key, value, 1)?.unsigned_abs()
            }
            "partitioner" => {
                self.partitioner = value
                    .parse()
                    .map_err(|_| bad("Expected random, round-robin or sticky"))?
            }
            "partitioner.class" => {
                self.partitioner = match value.rsplit('.').next().unwrap_or(value) {
                    "RoundRobinPartitioner" => NullKeyStrategy::RoundRobin,
                    "UniformStickyPartitioner" | "DefaultPartitioner" => NullKeyStrategy::Sticky,
                    _ => return Err(bad("Class could not be found")),
                }
            }
            // Accepted and without effect in the simulation.
            "linger.ms" | "batch.size" | "compression.type" | "client.id" | "key.serializer"
            | "value.serializer" | "buffer.memory" => {}
            _ => {
                return Err(CommandError::Usage(format!(
                    "Unknown producer config {key}"
                )))
            }
        }
        Ok(())
    }

    /// What Kafka actually runs with: idempotence forces acks=all.
    pub fn effective(&self) -> ProducerConfig {
        let mut c = self.clone();
        if c.enable_idempotence {
            c.acks = Acks::All;
            c.max_in_flight = c.max_in_flight.min(5);
        }
        c
    }

    /// The delivery guarantee these settings give, in the seed's words.
    pub fn semantics(&self) -> &'static str {
        let c = self.effective();
        match (c.acks, c.enable_idempotence, c.retries) {
            (Acks::Zero, _, _) | (_, false, 0) => "at most once",
            (_, true, _) => "exactly once (per partition)",
            _ => "at least once",
        }
    }
}
