//! The consumer's settings: Kafka's `ConsumerConfig` entries the simulation
//! acts on, with Kafka 2.x names, defaults and validation messages.

use crate::cluster::settings::{parse_bool, parse_int, parse_ms};
use crate::error::CommandError;

/// `auto.offset.reset`: where to start without a committed offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum OffsetReset {
    Earliest,
    /// Kafka's default: the high watermark at that moment.
    #[default]
    Latest,
    /// Fail with `NoOffsetForPartitionException`.
    None,
}

impl std::str::FromStr for OffsetReset {
    type Err = CommandError;
    fn from_str(s: &str) -> Result<Self, CommandError> {
        match s {
            "earliest" => Ok(Self::Earliest),
            "latest" => Ok(Self::Latest),
            "none" => Ok(Self::None),
            other => Err(CommandError::InvalidConfig {
                key: "auto.offset.reset".into(),
                value: other.into(),
                reason: "String must be one of: latest, earliest, none".into(),
            }),
        }
    }
}

/// Consumer settings, Kafka 2.x names and defaults.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConsumerConfig {
    pub auto_offset_reset: OffsetReset,
    pub enable_auto_commit: bool,
    /// `auto.commit.interval.ms` (5000).
    pub auto_commit_interval_ms: u64,
    /// `session.timeout.ms` (10000).
    pub session_timeout_ms: u64,
    /// `max.poll.records` (500).
    pub max_poll_records: usize,
    /// How often the member polls (the application's loop).
    pub poll_interval_ms: u64,
}

impl Default for ConsumerConfig {
    fn default() -> Self {
        Self {
            auto_offset_reset: OffsetReset::Latest,
            enable_auto_commit: true,
            auto_commit_interval_ms: 5_000,
            session_timeout_ms: 10_000,
            max_poll_records: 500,
            poll_interval_ms: 100,
        }
    }
}

impl ConsumerConfig {
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), CommandError> {
        match key {
            "auto.offset.reset" => self.auto_offset_reset = value.parse()?,
            "enable.auto.commit" => self.enable_auto_commit = parse_bool(key, value)?,
            // At least 1 ms: a zero interval would re-arm itself at the same instant.
            "auto.commit.interval.ms" => self.auto_commit_interval_ms = parse_ms(key, value, 1)?,
            "session.timeout.ms" => self.session_timeout_ms = parse_ms(key, value, 1)?,
            "max.poll.records" => {
                self.max_poll_records = parse_int(key, value, 1)?.unsigned_abs() as usize
            }
            "group.id"
            | "client.id"
            | "key.deserializer"
            | "value.deserializer"
            | "partition.assignment.strategy"
            | "heartbeat.interval.ms"
            | "fetch.min.bytes" => {}
            _ => {
                return Err(CommandError::Usage(format!(
                    "Unknown consumer config {key}"
                )))
            }
        }
        Ok(())
    }
}
