//! One setting held at one value for a whole run: a variant of `sim vary`.
//!
//! Side by side, the variants of a scenario must differ in that setting and
//! nothing else, so the value replaces the setting wherever a command carries
//! it (a producer's `acks`, a topic's `--config`, a `sim set`, a member's
//! assignor) instead of being one more line that later lines could undo.

use super::Command;
use crate::cluster::settings::{parse_bool, parse_int, BrokerSettings};
use crate::consumer::AssignorKind;
use crate::error::CommandError;
use crate::producer::{Acks, ProducerConfig};

/// A setting and the value it keeps for a whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variation {
    /// The producer's `acks`.
    Acks(Acks),
    /// The producer's `enable.idempotence`.
    EnableIdempotence(bool),
    /// The producer's `retries`.
    Retries(u32),
    /// The brokers' and every topic's `min.insync.replicas`.
    MinInsyncReplicas(i32),
    /// The brokers' and every topic's `unclean.leader.election.enable`.
    UncleanLeaderElectionEnable(bool),
    /// The brokers' `replica.lag.time.max.ms`.
    ReplicaLagTimeMaxMs(u64),
    /// Every consumer's `partition.assignment.strategy`.
    Assignor(AssignorKind),
}

/// The names `sim vary` takes, in Kafka's spelling, for the help text.
pub const VARIATION_NAMES: &[&str] = &[
    "acks",
    "enable.idempotence",
    "retries",
    "min.insync.replicas",
    "unclean.leader.election.enable",
    "replica.lag.time.max.ms",
    "partition.assignment.strategy",
];

impl Variation {
    /// `name=value` as `sim vary` reads each value: `Ok(None)` for a name no
    /// variation has, an error in Kafka's words for a value the setting refuses.
    pub fn parse(name: &str, value: &str) -> Result<Option<Variation>, CommandError> {
        let broker = |v: &str| -> Result<BrokerSettings, CommandError> {
            let mut s = BrokerSettings::default();
            s.set(name, v)?;
            Ok(s)
        };
        Ok(Some(match name {
            "acks" => Variation::Acks(value.parse()?),
            "enable.idempotence" => Variation::EnableIdempotence(parse_bool(name, value)?),
            "retries" => Variation::Retries(parse_int(name, value, 0)?.unsigned_abs()),
            "min.insync.replicas" => {
                Variation::MinInsyncReplicas(broker(value)?.min_insync_replicas)
            }
            "unclean.leader.election.enable" => Variation::UncleanLeaderElectionEnable(
                broker(value)?.unclean_leader_election_enable,
            ),
            "replica.lag.time.max.ms" => {
                Variation::ReplicaLagTimeMaxMs(broker(value)?.replica_lag_time_max_ms)
            }
            "partition.assignment.strategy" | "assignor" => {
                Variation::Assignor(value.parse().map_err(
                    |e: crate::consumer::AssignorError| CommandError::Usage(e.to_string()),
                )?)
            }
            _ => return Ok(None),
        }))
    }

    /// The setting's name, as Kafka spells it.
    pub fn name(&self) -> &'static str {
        match self {
            Variation::Acks(_) => "acks",
            Variation::EnableIdempotence(_) => "enable.idempotence",
            Variation::Retries(_) => "retries",
            Variation::MinInsyncReplicas(_) => "min.insync.replicas",
            Variation::UncleanLeaderElectionEnable(_) => "unclean.leader.election.enable",
            Variation::ReplicaLagTimeMaxMs(_) => "replica.lag.time.max.ms",
            Variation::Assignor(_) => "partition.assignment.strategy",
        }
    }

    /// The value, as a script would write it.
    pub fn value(&self) -> String {
        match self {
            Variation::Acks(Acks::Zero) => "0".into(),
            Variation::Acks(Acks::One) => "1".into(),
            Variation::Acks(Acks::All) => "all".into(),
            Variation::EnableIdempotence(b) | Variation::UncleanLeaderElectionEnable(b) => {
                b.to_string()
            }
            Variation::Retries(n) => n.to_string(),
            Variation::MinInsyncReplicas(n) => n.to_string(),
            Variation::ReplicaLagTimeMaxMs(ms) => ms.to_string(),
            Variation::Assignor(a) => a.name().to_string(),
        }
    }

    /// A broker setting set once when the cluster starts (as a `sim set`
    /// line before everything else would), or `None` for a client setting.
    pub(crate) fn broker_setting(&self) -> Option<(String, String)> {
        match self {
            Variation::MinInsyncReplicas(_)
            | Variation::UncleanLeaderElectionEnable(_)
            | Variation::ReplicaLagTimeMaxMs(_) => Some((self.name().into(), self.value())),
            _ => None,
        }
    }

    /// A producer's settings with this variation's value in place of its own.
    pub(crate) fn apply_to_producer(&self, config: &mut ProducerConfig) {
        match *self {
            Variation::Acks(acks) => config.acks = acks,
            Variation::EnableIdempotence(on) => config.enable_idempotence = on,
            Variation::Retries(n) => config.retries = n,
            _ => {}
        }
    }

    /// A command with this variation's value wherever it names the setting.
    pub(crate) fn apply(&self, command: Command) -> Command {
        match (self, command) {
            (Variation::MinInsyncReplicas(n), Command::CreateTopic(mut c)) => {
                if c.config.min_insync_replicas.is_some() {
                    c.config.min_insync_replicas = Some(*n);
                }
                Command::CreateTopic(c)
            }
            (Variation::UncleanLeaderElectionEnable(b), Command::CreateTopic(mut c)) => {
                if c.config.unclean_leader_election_enable.is_some() {
                    c.config.unclean_leader_election_enable = Some(*b);
                }
                Command::CreateTopic(c)
            }
            (_, Command::SetConfig { key, value }) => match self.broker_setting() {
                Some((name, held)) if name == key => Command::SetConfig { key, value: held },
                _ => Command::SetConfig { key, value },
            },
            (
                Variation::Assignor(kind),
                Command::ConsumerJoin {
                    group,
                    member,
                    topics,
                    config,
                    ..
                },
            ) => Command::ConsumerJoin {
                group,
                member,
                topics,
                assignor: *kind,
                config,
            },
            (_, command) => command,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_as_kafka_reads_the_setting() {
        assert_eq!(
            Variation::parse("acks", "-1").ok().flatten(),
            Some(Variation::Acks(Acks::All))
        );
        assert_eq!(Variation::parse("linger.ms", "5").ok().flatten(), None);
        let refused = Variation::parse("acks", "2").expect_err("acks=2 is refused");
        assert!(
            refused.to_string().contains("String must be one of"),
            "{refused}"
        );
        assert!(Variation::parse("min.insync.replicas", "0").is_err());
        assert!(Variation::parse("enable.idempotence", "yes").is_err());
        assert!(Variation::parse("partition.assignment.strategy", "fair").is_err());
        let rr = Variation::parse("assignor", "roundrobin").ok().flatten();
        assert_eq!(rr.map(|v| v.value()), Some("roundrobin".to_string()));
    }
}
