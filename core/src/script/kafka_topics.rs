//! `kafka-topics.sh`: create, list and describe topics, with Kafka's output.

use super::args::{parse_number, FlagSpec, Flags};
use super::session::Session;
use crate::cluster::{Topic, TopicConfig};
use crate::error::CommandError;
use crate::ids::BrokerId;
use crate::sim::{Command, CreateTopic};
use std::fmt::Write;

const SPEC: FlagSpec<'static> = FlagSpec {
    with_value: &[
        "zookeeper",
        "bootstrap-server",
        "topic",
        "partitions",
        "replication-factor",
        "replica-assignment",
        "config",
    ],
    switches: &[
        "create",
        "list",
        "describe",
        "delete",
        "alter",
        "if-exists",
        "if-not-exists",
        "under-replicated-partitions",
        "unavailable-partitions",
    ],
    // The seed's notes spell these so; real Kafka would refuse them.
    aliases: &[
        ("replicas-factor", "replication-factor"),
        ("replicas-assignment", "replica-assignment"),
        ("bootstap-server", "bootstrap-server"),
    ],
};

pub(super) fn run(session: &mut Session, args: &[String]) -> Result<String, CommandError> {
    let flags = Flags::parse(args, &SPEC)?;
    let mut out = String::new();
    for note in &flags.notes {
        let _ = writeln!(out, "{note}");
    }
    if !flags.has("zookeeper") && !flags.has("bootstrap-server") {
        return Err(CommandError::Usage(
            "Missing required argument \"[bootstrap-server]\" (or --zookeeper)".into(),
        ));
    }
    let action = ["create", "list", "describe", "delete", "alter"]
        .into_iter()
        .filter(|a| flags.has(a))
        .count();
    if action != 1 {
        return Err(CommandError::Usage(
            "Command must include exactly one action: --list, --describe, --create, --alter or --delete".into(),
        ));
    }
    let body = if flags.has("create") {
        create(session, &flags)?
    } else if flags.has("list") {
        list(session)
    } else if flags.has("delete") {
        delete(session, &flags)?
    } else if flags.has("alter") {
        alter(session, &flags)?
    } else {
        describe(session, &flags)?
    };
    out.push_str(&body);
    Ok(out.trim_end().to_string())
}

fn delete(session: &mut Session, flags: &Flags) -> Result<String, CommandError> {
    let name = flags.required("topic")?.to_string();
    if flags.has("if-exists") && session.sim().snapshot().topic(&name).is_err() {
        return Ok(String::new());
    }
    session
        .sim_mut()
        .apply(Command::DeleteTopic(name.clone()))?;
    Ok(format!(
        "Topic {name} is marked for deletion.\nNote: This will have no impact if delete.topic.enable is not set to true."
    ))
}

fn alter(session: &mut Session, flags: &Flags) -> Result<String, CommandError> {
    let name = flags.required("topic")?.to_string();
    if flags.has("replication-factor") {
        return Err(CommandError::Usage(
            "Option \"[replication-factor]\" can't be used with option \"[alter]\"".into(),
        ));
    }
    let partitions: i32 = flags
        .number("partitions")?
        .ok_or_else(|| CommandError::Usage("Missing required argument \"[partitions]\"".into()))?;
    session.sim_mut().apply(Command::AlterPartitions {
        topic: name,
        partitions,
    })?;
    Ok("WARNING: If partitions are increased for a topic that has a key, the partition logic or ordering of the messages will be affected\nAdding partitions succeeded!".into())
}

fn create(session: &mut Session, flags: &Flags) -> Result<String, CommandError> {
    let name = flags.required("topic")?.to_string();
    if flags.has("if-not-exists") && session.sim().snapshot().topic(&name).is_ok() {
        return Ok(String::new());
    }
    let assignment = flags
        .value("replica-assignment")
        .map(parse_assignment)
        .transpose()?;
    let (partitions, replication_factor) = match &assignment {
        Some(a) => (a.len() as i32, a.first().map_or(0, |r| r.len() as i32)),
        None => (
            flags.number::<i32>("partitions")?.ok_or_else(|| {
                CommandError::Usage("Missing required argument \"[partitions]\"".into())
            })?,
            flags.number::<i32>("replication-factor")?.ok_or_else(|| {
                CommandError::Usage("Missing required argument \"[replication-factor]\"".into())
            })?,
        ),
    };
    let mut config = TopicConfig::default();
    for kv in flags.values("config") {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| CommandError::Usage(format!("Invalid topic config: all configs to be added must be in the format \"key=val\": {kv}")))?;
        match k {
            "min.insync.replicas" => config.min_insync_replicas = Some(parse_number(k, v)?),
            "unclean.leader.election.enable" => {
                config.unclean_leader_election_enable = Some(parse_number(k, v)?)
            }
            _ => {
                return Err(CommandError::InvalidConfig {
                    key: k.into(),
                    value: v.into(),
                    reason: "Unknown topic config name".into(),
                })
            }
        }
    }
    session.sim_mut().apply(Command::CreateTopic(CreateTopic {
        name: name.clone(),
        partitions,
        replication_factor,
        assignment,
        config,
    }))?;
    Ok(format!("Created topic {name}."))
}

/// `1:2,2:3,3:1` → one replica list per partition.
fn parse_assignment(s: &str) -> Result<Vec<Vec<BrokerId>>, CommandError> {
    let bad = |m: String| CommandError::InvalidReplicaAssignment(m);
    let mut out: Vec<Vec<BrokerId>> = Vec::new();
    for (p, part) in s.split(',').enumerate() {
        let replicas = part
            .split(':')
            .map(|b| {
                b.trim()
                    .parse::<BrokerId>()
                    .map_err(|_| bad(format!("Invalid replica assignment: {s}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        // A set, not sort + dedup: shares code the wasm already has.
        let distinct = crate::vec_map::VecSet::from_iter(replicas.iter().copied());
        if distinct.len() != replicas.len() {
            return Err(bad(format!(
                "Partition replica lists may not contain duplicate entries: {part}"
            )));
        }
        if let Some(first) = out.first() {
            if first.len() != replicas.len() {
                return Err(bad(format!(
                    "Partition {p} has different replication factor: {}",
                    replicas
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(",")
                )));
            }
        }
        out.push(replicas);
    }
    Ok(out)
}

fn list(session: &Session) -> String {
    session
        .sim()
        .snapshot()
        .topics
        .keys()
        .cloned()
        .collect::<Vec<_>>()
        .join("\n")
}

fn describe(session: &Session, flags: &Flags) -> Result<String, CommandError> {
    let cluster = session.sim().snapshot();
    let topics: Vec<&Topic> = match flags.value("topic") {
        Some(name) => vec![cluster.topic(name)?],
        None => cluster.topics.values().collect(),
    };
    let under = flags.has("under-replicated-partitions");
    let unavailable = flags.has("unavailable-partitions");
    let mut out = String::new();
    for t in topics {
        if under || unavailable {
            // Kafka prints only the matching partition lines then.
            for p in &t.partitions {
                let live = |b: &BrokerId| cluster.brokers.get(b).is_some_and(|b| b.is_alive());
                let show = (under && p.isr.len() < p.replicas.len())
                    || (unavailable && p.leader.is_none_or(|l| !live(&l)));
                if show {
                    partition_line(&mut out, t, p);
                }
            }
        } else {
            describe_topic(&mut out, t);
        }
    }
    Ok(out)
}

fn join(ids: &[BrokerId]) -> String {
    ids.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Kafka 2.x `TopicCommand` describe format.
fn describe_topic(out: &mut String, t: &Topic) {
    let mut configs = Vec::new();
    if let Some(m) = t.config.min_insync_replicas {
        configs.push(format!("min.insync.replicas={m}"));
    }
    if let Some(u) = t.config.unclean_leader_election_enable {
        configs.push(format!("unclean.leader.election.enable={u}"));
    }
    let _ = writeln!(
        out,
        "Topic: {}\tPartitionCount: {}\tReplicationFactor: {}\tConfigs: {}",
        t.name,
        t.partitions.len(),
        t.replication_factor(),
        configs.join(",")
    );
    for p in &t.partitions {
        partition_line(out, t, p);
    }
}

fn partition_line(out: &mut String, t: &Topic, p: &crate::partition::Partition) {
    let leader = p.leader.map_or("none".to_string(), |l| l.to_string());
    let _ = writeln!(
        out,
        "\tTopic: {}\tPartition: {}\tLeader: {}\tReplicas: {}\tIsr: {}",
        t.name,
        p.id,
        leader,
        join(&p.replicas),
        join(&p.isr)
    );
}
