//! `sim ...`: what no Kafka tool does (cluster size, seed, time, faults,
//! a quick producer, the event log).

use super::args::{parse_number, FlagSpec, Flags};
use super::session::Session;
use super::Line;
use crate::error::CommandError;
use crate::network::Node;
use crate::{Command, Produce, ProducerConfig, Reply};
use std::fmt::Write;

const USAGE: &str =
    "usage: sim brokers N | seed S | advance MS | crash B [--disk-lost] | restart B | \
isolate B | heal | slow B MS | cut A B | drop A B PCT | set KEY=VALUE | elect-preferred [TOPIC] | \
produce TOPIC VALUE [--key K] [--partition P] [--acks 0|1|all] [--idempotence] [--count N] | \
status | events [KIND...] | vary NAME=V1,V2[,V3] | check [--json] | consumer join|leave|crash|commit GROUP MEMBER ... | flume metrics|feed|fail ...";

/// Every `sim` subcommand [`run`] knows (the export maps each one).
pub(crate) const SIM_COMMANDS: &[&str] = &[
    "brokers",
    "seed",
    "advance",
    "crash",
    "restart",
    "isolate",
    "heal",
    "slow",
    "cut",
    "drop",
    "set",
    "elect-preferred",
    "produce",
    "consumer",
    "flume",
    "status",
    "check",
    "events",
    "vary",
];

fn usage() -> CommandError {
    CommandError::Usage(USAGE.into())
}

fn broker_arg(args: &[String], i: usize) -> Result<i32, CommandError> {
    parse_number("broker", args.get(i).ok_or_else(usage)?)
}

/// `3`, `zk`/`zookeeper`, `clients`.
fn node_arg(args: &[String], i: usize) -> Result<Node, CommandError> {
    let w = args.get(i).ok_or_else(usage)?;
    match w.as_str() {
        "zk" | "zookeeper" => Ok(Node::ZooKeeper),
        "clients" | "client" => Ok(Node::Clients),
        other => Ok(Node::Broker(parse_number("broker", other)?)),
    }
}

/// The longest single `sim advance`: one simulated day.
pub const MAX_ADVANCE_MS: u64 = 1_000 * 60 * 60 * 24;

/// `500`, `500ms`, `10s`, `2m` (at most a day), as `sim advance` reads it.
pub fn parse_duration(word: &str) -> Result<u64, CommandError> {
    let w = word.trim();
    let (digits, factor) = if let Some(d) = w.strip_suffix("ms") {
        (d, 1)
    } else if let Some(d) = w.strip_suffix('s') {
        (d, 1_000)
    } else if let Some(d) = w.strip_suffix('m') {
        (d, 60_000)
    } else {
        (w, 1)
    };
    let n: u64 = parse_number("advance", digits)?;
    n.checked_mul(factor)
        .filter(|&ms| ms <= MAX_ADVANCE_MS)
        .ok_or_else(|| CommandError::Usage("advance: at most one day at a time".into()))
}

const PRODUCE_SPEC: FlagSpec<'static> = FlagSpec {
    with_value: &[
        "key",
        "partition",
        "acks",
        "count",
        "producer",
        "producer-property",
        "retries",
    ],
    switches: &["idempotence"],
    aliases: &[],
};

pub(super) fn run(
    session: &mut Session,
    args: &[String],
    line: &Line,
) -> Result<String, CommandError> {
    let sub = args.first().ok_or_else(usage)?;
    let rest = &args[1..];
    let sim = |s: &mut Session, c: Command| -> Result<String, CommandError> {
        s.sim_mut().apply(c).map(|_| String::new())
    };
    match sub.as_str() {
        "brokers" | "seed" => {
            if session.started {
                return Err(CommandError::Usage(format!(
                    "sim {sub} must come before the first command that changes the cluster"
                )));
            }
            let value = rest.first().ok_or_else(usage)?;
            if sub == "brokers" {
                let n: i32 = parse_number("brokers", value)?;
                if !(1..=64).contains(&n) {
                    return Err(CommandError::Usage(
                        "sim brokers: between 1 and 64 brokers".into(),
                    ));
                }
                session.config.brokers = n;
            } else {
                session.seed = parse_number("seed", value)?;
            }
            session.reset();
            Ok(String::new())
        }
        "advance" => {
            let ms = parse_duration(rest.first().ok_or_else(usage)?)?;
            session.sim_mut().advance(ms);
            Ok(String::new())
        }
        "crash" => {
            let broker = broker_arg(rest, 0)?;
            let disk_lost = match rest.get(1).map(String::as_str) {
                None => false,
                Some("--disk-lost") => true,
                Some(_) => return Err(usage()),
            };
            sim(session, Command::CrashBroker { broker, disk_lost })
        }
        "restart" => sim(session, Command::RestartBroker(broker_arg(rest, 0)?)),
        "isolate" => sim(session, Command::Isolate(broker_arg(rest, 0)?)),
        "heal" => sim(session, Command::Heal),
        "slow" => {
            let broker = broker_arg(rest, 0)?;
            let ms = parse_duration(rest.get(1).ok_or_else(usage)?)?;
            sim(session, Command::Slow { broker, ms })
        }
        "cut" => {
            let (a, b) = (node_arg(rest, 0)?, node_arg(rest, 1)?);
            sim(session, Command::Cut(a, b))
        }
        "drop" => {
            let (a, b) = (node_arg(rest, 0)?, node_arg(rest, 1)?);
            let pct: u32 = parse_number("drop", rest.get(2).ok_or_else(usage)?)?;
            sim(session, Command::DropMessages(a, b, pct))
        }
        "set" => {
            // `sim set k=v` or `sim set k v`.
            let (key, value) = match (rest.first(), rest.get(1)) {
                (Some(kv), None) => kv
                    .split_once('=')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .ok_or_else(usage)?,
                (Some(k), Some(v)) => (k.clone(), v.clone()),
                _ => return Err(usage()),
            };
            sim(session, Command::SetConfig { key, value })
        }
        "elect-preferred" => match session
            .sim_mut()
            .apply(Command::ElectPreferred(rest.first().cloned()))?
        {
            Reply::Elected(v) if v.is_empty() => {
                Ok("Every partition already has its preferred leader.".into())
            }
            Reply::Elected(v) => Ok(format!(
                "Successfully completed leader election (PREFERRED) for partitions {}",
                v.join(", ")
            )),
            _ => Ok(String::new()),
        },
        "produce" => produce(session, rest),
        "consumer" => super::kafka_console::sim_consumer(session, rest),
        "flume" => super::flume_ng::sim_flume(session, rest, line),
        "status" => Ok(status(session)),
        "check" => {
            let findings = crate::checker::check(session.events());
            match rest.first().map(String::as_str) {
                None => Ok(crate::checker::summary(&findings)),
                // Plain structs of strings and numbers always serialize; a
                // fixed message keeps serde_json's error texts out of the wasm.
                Some("--json") => crate::checker::findings_json(&findings).map_err(|_| {
                    CommandError::Usage(
                        "sim check --json: the findings could not be written".into(),
                    )
                }),
                Some(_) => Err(usage()),
            }
        }
        "events" => Ok(events(session, rest)),
        "vary" => super::vary::run_line(session, rest, line),
        other => Err(CommandError::Usage(format!(
            "sim {other}: unknown command\n{USAGE}"
        ))),
    }
}

fn produce(session: &mut Session, rest: &[String]) -> Result<String, CommandError> {
    let produce = parse_produce(rest, session.sim().variation())?;
    session.sim_mut().apply(Command::Produce(produce))?;
    Ok(String::new())
}

/// What `sim produce TOPIC VALUE ...` hands the producer: with `--count N`
/// the values `VALUE-1` … `VALUE-N`. The export sends exactly these.
#[inline(never)] // shared by the session and the export: one copy
///
/// A variant's held setting (`sim vary`) replaces the line's own before the
/// producer is named, as if the line had been written with it.
pub(crate) fn parse_produce(
    rest: &[String],
    variation: Option<crate::sim::Variation>,
) -> Result<Produce, CommandError> {
    let flags = Flags::parse(rest, &PRODUCE_SPEC)?;
    let (topic, value) = match flags.positional.as_slice() {
        [t, v] => (t.clone(), v.clone()),
        _ => return Err(usage()),
    };
    let mut config = ProducerConfig::default();
    for kv in flags.values("producer-property") {
        let (k, v) = kv.split_once('=').ok_or_else(|| {
            CommandError::Usage(format!("producer-property must be key=value: {kv}"))
        })?;
        config.set(k, v)?;
    }
    if let Some(a) = flags.value("acks") {
        config.acks = a.parse()?;
    }
    if let Some(r) = flags.value("retries") {
        config.set("retries", r)?;
    }
    if flags.has("idempotence") {
        config.enable_idempotence = true;
    }
    if let Some(v) = variation {
        v.apply_to_producer(&mut config);
    }
    let count: u32 = flags.number("count")?.unwrap_or(1);
    if !(1..=1_000_000).contains(&count) {
        return Err(CommandError::Usage(
            "sim produce: --count between 1 and 1000000".into(),
        ));
    }
    let key = flags.value("key").map(String::from);
    let records = if count == 1 {
        vec![(key, value)]
    } else {
        (1..=count)
            .map(|i| (key.clone(), format!("{value}-{i}")))
            .collect()
    };
    let producer = flags
        .value("producer")
        .map(String::from)
        .unwrap_or_else(|| default_producer_name(&config));
    Ok(Produce {
        producer,
        topic,
        partition: flags.number("partition")?,
        records,
        config,
    })
}

/// One producer per distinct configuration, named after it, so a script
/// that mixes `--acks` values does not reset a producer's sequences.
fn default_producer_name(c: &ProducerConfig) -> String {
    let c = c.effective();
    let d = ProducerConfig::default();
    let mut name = format!("producer-acks{}", c.acks);
    if c.enable_idempotence {
        name.push_str("-idempotent");
    }
    if c.partitioner != d.partitioner {
        let _ = write!(name, "-{}", c.partitioner);
    }
    if c.retries != d.retries {
        let _ = write!(name, "-retries{}", c.retries);
    }
    if c.request_timeout_ms != d.request_timeout_ms {
        let _ = write!(name, "-timeout{}", c.request_timeout_ms);
    }
    if c.max_in_flight != d.max_in_flight {
        let _ = write!(name, "-inflight{}", c.max_in_flight);
    }
    if c.retry_backoff_ms != d.retry_backoff_ms || c.delivery_timeout_ms != d.delivery_timeout_ms {
        name.push_str("-custom");
    }
    name
}

fn status(session: &Session) -> String {
    let sim = session.sim();
    let mut out = String::new();
    let _ = writeln!(out, "time: {}ms", sim.now().as_millis());
    for b in sim.snapshot().brokers.values() {
        let mut notes = Vec::new();
        if sim.controller() == Some(b.id) {
            notes.push("controller".to_string());
        }
        if !b.registered && b.is_alive() {
            notes.push("zookeeper session expired".to_string());
        }
        if sim.network().is_isolated(b.id) {
            notes.push("isolated".to_string());
        }
        if let Some(ms) = sim.network().slow.get(&Node::Broker(b.id)) {
            notes.push(format!("slow +{ms}ms"));
        }
        let _ = writeln!(
            out,
            "broker {}: {:?}{}",
            b.id,
            b.state,
            if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join(", "))
            }
        );
    }
    for t in sim.snapshot().topics.values() {
        for p in &t.partitions {
            let _ = writeln!(
                out,
                "{}-{}: leader={} epoch={} isr={:?} HW={} LEO={}",
                t.name,
                p.id,
                p.leader.map_or("none".into(), |l| l.to_string()),
                p.leader_epoch,
                p.isr,
                p.high_watermark(),
                p.log_end_offset()
            );
        }
    }
    out.trim_end().to_string()
}

/// The event log so far, optionally only some kinds (`leader-elected`, ...).
fn events(session: &Session, kinds: &[String]) -> String {
    session
        .events()
        .iter()
        .filter(|e| kinds.is_empty() || kinds.iter().any(|k| k == e.kind.name()))
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}
