//! Broker-wide settings (`server.properties`), changed with `sim set k=v`.
//! Names and defaults are Kafka's; the few simulation-only knobs say so.

use crate::error::CommandError;
use crate::event::TruncationRule;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BrokerSettings {
    /// `replica.lag.time.max.ms` (10000): a follower that has not caught up
    /// for this long leaves the ISR.
    pub replica_lag_time_max_ms: u64,
    /// `zookeeper.session.timeout.ms` (6000).
    pub zookeeper_session_timeout_ms: u64,
    /// `replica.fetch.wait.max.ms` (500): how long the leader holds a fetch with nothing new.
    pub replica_fetch_wait_max_ms: u64,
    /// `replica.fetch.backoff.ms` (1000): pause after a failed fetch.
    pub replica_fetch_backoff_ms: u64,
    /// Records per fetch response (Kafka bounds bytes with `replica.fetch.max.bytes`;
    /// the simulation bounds records).
    pub replica_fetch_max_records: i64,
    /// `min.insync.replicas` broker default (1).
    pub min_insync_replicas: i32,
    /// `unclean.leader.election.enable` broker default (false).
    pub unclean_leader_election_enable: bool,
    /// `offsets.topic.num.partitions` (50): picks a group's coordinator.
    pub offsets_topic_num_partitions: i32,
    /// How followers truncate: `inter.broker.protocol.version` < 0.11 means the
    /// high-watermark rule, otherwise the leader-epoch rule.
    pub truncation: TruncationRule,
    /// `auto.create.topics.enable` (true): producing to a missing topic creates it.
    pub auto_create_topics_enable: bool,
    /// `num.partitions` (1) for auto-created topics.
    pub num_partitions: i32,
    /// `default.replication.factor` (1) for auto-created topics.
    pub default_replication_factor: i32,
}

impl Default for BrokerSettings {
    fn default() -> Self {
        Self {
            replica_lag_time_max_ms: 10_000,
            zookeeper_session_timeout_ms: 6_000,
            replica_fetch_wait_max_ms: 500,
            replica_fetch_backoff_ms: 1_000,
            replica_fetch_max_records: 10_000,
            min_insync_replicas: 1,
            unclean_leader_election_enable: false,
            offsets_topic_num_partitions: 50,
            truncation: TruncationRule::LeaderEpoch,
            auto_create_topics_enable: true,
            num_partitions: 1,
            default_replication_factor: 1,
        }
    }
}

/// The keys `sim set` accepts, for error messages and the UI.
pub const KEYS: &[&str] = &[
    "replica.lag.time.max.ms",
    "zookeeper.session.timeout.ms",
    "replica.fetch.wait.max.ms",
    "replica.fetch.backoff.ms",
    "replica.fetch.max.records",
    "min.insync.replicas",
    "unclean.leader.election.enable",
    "offsets.topic.num.partitions",
    "inter.broker.protocol.version",
    "truncation",
    "auto.create.topics.enable",
    "num.partitions",
    "default.replication.factor",
];

/// Kafka's `ConfigException` for one key (shared by broker, producer and
/// consumer settings).
pub(crate) fn invalid(key: &str, value: &str, reason: &str) -> CommandError {
    CommandError::InvalidConfig {
        key: key.to_string(),
        value: value.to_string(),
        reason: reason.to_string(),
    }
}

pub(crate) fn parse_bool(key: &str, value: &str) -> Result<bool, CommandError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(invalid(
            key,
            value,
            "Expected value to be either true or false",
        )),
    }
}

pub(crate) fn parse_ms(key: &str, value: &str, min: u64) -> Result<u64, CommandError> {
    parse_at_least(key, value, min, "LONG")
}

pub(crate) fn parse_int(key: &str, value: &str, min: i32) -> Result<i32, CommandError> {
    parse_at_least(key, value, min, "INT")
}

/// A number of Kafka's config `kind` (`LONG`, `INT`) no smaller than `min`.
fn parse_at_least<T>(key: &str, value: &str, min: T, kind: &str) -> Result<T, CommandError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display,
{
    let v: T = value
        .trim()
        .parse()
        .map_err(|_| invalid(key, value, &format!("Not a number of type {kind}")))?;
    if v < min {
        return Err(invalid(
            key,
            value,
            &format!("Value must be at least {min}"),
        ));
    }
    Ok(v)
}

impl BrokerSettings {
    /// Applies `key=value`; on error nothing changes.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), CommandError> {
        match key {
            "replica.lag.time.max.ms" => self.replica_lag_time_max_ms = parse_ms(key, value, 1)?,
            "zookeeper.session.timeout.ms" => {
                self.zookeeper_session_timeout_ms = parse_ms(key, value, 1)?
            }
            "replica.fetch.wait.max.ms" => {
                self.replica_fetch_wait_max_ms = parse_ms(key, value, 0)?
            }
            "replica.fetch.backoff.ms" => self.replica_fetch_backoff_ms = parse_ms(key, value, 0)?,
            "replica.fetch.max.records" => {
                self.replica_fetch_max_records = i64::from(parse_int(key, value, 1)?)
            }
            "min.insync.replicas" => self.min_insync_replicas = parse_int(key, value, 1)?,
            "unclean.leader.election.enable" => {
                self.unclean_leader_election_enable = parse_bool(key, value)?
            }
            "offsets.topic.num.partitions" => {
                self.offsets_topic_num_partitions = parse_int(key, value, 1)?
            }
            "inter.broker.protocol.version" => {
                self.truncation = if protocol_before_0_11(value)
                    .ok_or_else(|| invalid(key, value, "Version is not recognised"))?
                {
                    TruncationRule::HighWatermark
                } else {
                    TruncationRule::LeaderEpoch
                }
            }
            "truncation" => {
                self.truncation = match value {
                    "high-watermark" | "hw" => TruncationRule::HighWatermark,
                    "leader-epoch" | "epoch" => TruncationRule::LeaderEpoch,
                    _ => {
                        return Err(invalid(
                            key,
                            value,
                            "Expected high-watermark or leader-epoch",
                        ))
                    }
                }
            }
            "auto.create.topics.enable" => self.auto_create_topics_enable = parse_bool(key, value)?,
            "num.partitions" => self.num_partitions = parse_int(key, value, 1)?,
            "default.replication.factor" => {
                self.default_replication_factor = parse_int(key, value, 1)?
            }
            _ => {
                return Err(CommandError::Usage(format!(
                    "Unknown broker setting {key}; known: {}",
                    KEYS.join(", ")
                )))
            }
        }
        Ok(())
    }
}

/// `0.10.2`, `0.10.2-IV0`, `2.8`: whether the version predates 0.11 (KIP-101).
fn protocol_before_0_11(version: &str) -> Option<bool> {
    let mut parts = version.split(['.', '-']);
    let major: u32 = parts.next()?.parse().ok()?;
    let minor: u32 = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0);
    Some(major == 0 && minor < 11)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_known_keys_and_refuse_bad_values() {
        let mut s = BrokerSettings::default();
        s.set("replica.lag.time.max.ms", "3000").expect("valid");
        assert_eq!(s.replica_lag_time_max_ms, 3000);
        assert!(s.set("replica.lag.time.max.ms", "soon").is_err());
        assert_eq!(s.replica_lag_time_max_ms, 3000);
        s.set("inter.broker.protocol.version", "0.10.2")
            .expect("valid");
        assert_eq!(s.truncation, TruncationRule::HighWatermark);
        s.set("inter.broker.protocol.version", "2.8-IV1")
            .expect("valid");
        assert_eq!(s.truncation, TruncationRule::LeaderEpoch);
        assert!(s.set("inter.broker.protocol.version", "x").is_err());
        assert!(s.set("no.such.key", "1").is_err());
        assert!(s.set("unclean.leader.election.enable", "yes").is_err());
    }
}
