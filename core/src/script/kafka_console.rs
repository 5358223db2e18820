//! `kafka-console-producer.sh`, `kafka-console-consumer.sh`,
//! `kafka-consumer-groups.sh` and `sim consumer ...`, with Kafka's output.

use super::args::{parse_number, FlagSpec, Flags};
use super::session::Session;
use super::Line;
use crate::consumer::AssignorKind;
use crate::error::CommandError;
use crate::event::EventKind;
use crate::ids::Offset;
use crate::{
    Command, ConsoleConsume, ConsumerConfig, OffsetReset, Produce, ProducerConfig, Reply,
    StartOffset,
};
use std::fmt::Write;

const PRODUCER_SPEC: FlagSpec<'static> = FlagSpec {
    with_value: &[
        "broker-list",
        "bootstrap-server",
        "topic",
        "producer-property",
        "request-required-acks",
        "property",
        "request-timeout-ms",
        "message-send-max-retries",
        "retry-backoff-ms",
        "timeout",
    ],
    switches: &["sync"],
    aliases: &[("bootstap-server", "bootstrap-server")],
};

/// The console producer reads its records from the here-document, sends
/// them, and on end of input closes the producer, which waits until every
/// record was acknowledged or failed (simulated time passes meanwhile).
pub(super) fn producer(
    session: &mut Session,
    args: &[String],
    line: &Line,
) -> Result<String, CommandError> {
    let flags = Flags::parse(args, &PRODUCER_SPEC)?;
    if !flags.has("broker-list") && !flags.has("bootstrap-server") {
        return Err(CommandError::Usage(
            "Missing required argument \"[bootstrap-server]\" (or --broker-list)".into(),
        ));
    }
    let topic = flags.required("topic")?.to_string();
    let mut config = ProducerConfig::default();
    for kv in flags.values("producer-property") {
        let (k, v) = split_kv(kv)?;
        config.set(k, v)?;
    }
    if let Some(a) = flags.value("request-required-acks") {
        config.acks = a.parse()?;
    }
    if let Some(r) = flags.value("message-send-max-retries") {
        config.set("retries", r)?;
    }
    if let Some(t) = flags.value("request-timeout-ms") {
        config.set("request.timeout.ms", t)?;
    }
    if let Some(t) = flags.value("retry-backoff-ms") {
        config.set("retry.backoff.ms", t)?;
    }
    let (mut parse_key, mut separator) = (false, "\t".to_string());
    for kv in flags.values("property") {
        match split_kv(kv)? {
            ("parse.key", v) => parse_key = v == "true",
            ("key.separator", v) => separator = v.to_string(),
            _ => {}
        }
    }
    let lines = line.heredoc.clone().unwrap_or_default();
    if lines.is_empty() {
        return Ok(String::new());
    }
    let mut records = Vec::with_capacity(lines.len());
    for l in &lines {
        if parse_key {
            let (k, v) = l.split_once(separator.as_str()).ok_or_else(|| {
                CommandError::Usage(format!(
                    "org.apache.kafka.common.KafkaException: No key found on line 1: {l}"
                ))
            })?;
            records.push((Some(k.to_string()), v.to_string()));
        } else {
            records.push((None, l.clone()));
        }
    }
    let producer = "console-producer".to_string();
    let before = session.events().len();
    session.sim_mut().apply(Command::Produce(Produce {
        producer: producer.clone(),
        topic: topic.clone(),
        partition: None,
        records: records.clone(),
        config: config.clone(),
    }))?;
    // close(): wait for every outstanding send (bounded by delivery.timeout.ms).
    let limit = config.delivery_timeout_ms + config.request_timeout_ms;
    let mut waited = 0;
    while session.sim().unacknowledged(&producer) > 0 && waited < limit {
        session.advance(10);
        waited += 10;
    }
    session.advance(0);
    let mut out = String::new();
    for e in &session.events()[before..] {
        if let EventKind::ProduceFailed {
            producer: p,
            topic: t,
            partition,
            error,
            will_retry,
            request,
        } = &e.kind
        {
            if *p != producer {
                continue;
            }
            if *will_retry {
                let code = error.rsplit('.').next().unwrap_or(error);
                let _ = writeln!(
                    out,
                    "WARN [Producer clientId={producer}] Got error produce response with correlation id {request} on topic-partition {t}-{partition}, retrying. Error: {code}"
                );
            } else {
                let _ = writeln!(
                    out,
                    "ERROR Error when sending message to topic {t} with key: null, value: {} bytes with error: (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)\n{error}",
                    records.first().map_or(0, |r| r.1.len())
                );
            }
        }
    }
    Ok(out.trim_end().to_string())
}

fn split_kv(kv: &str) -> Result<(&str, &str), CommandError> {
    kv.split_once('=')
        .ok_or_else(|| CommandError::Usage(format!("Invalid property, expected key=value: {kv}")))
}

const CONSUMER_SPEC: FlagSpec<'static> = FlagSpec {
    with_value: &[
        "bootstrap-server",
        "topic",
        "group",
        "partition",
        "offset",
        "max-messages",
        "property",
        "consumer-property",
        "timeout-ms",
        "isolation-level",
    ],
    switches: &["from-beginning", "skip-message-on-error"],
    aliases: &[("bootstap-server", "bootstrap-server")],
};

pub(super) fn consumer(session: &mut Session, args: &[String]) -> Result<String, CommandError> {
    let flags = Flags::parse(args, &CONSUMER_SPEC)?;
    if !flags.has("bootstrap-server") {
        // Kafka 2.x's console consumer dropped --zookeeper.
        return Err(CommandError::Usage(
            "Missing required argument \"[bootstrap-server]\"".into(),
        ));
    }
    let topic = flags.required("topic")?.to_string();
    let mut config = ConsumerConfig::default();
    for kv in flags.values("consumer-property") {
        let (k, v) = split_kv(kv)?;
        config.set(k, v)?;
    }
    let mut print_key = false;
    for kv in flags.values("property") {
        match split_kv(kv)? {
            ("print.key", v) => print_key = v == "true",
            (k, v) => {
                let _ = config.set(k, v);
            }
        }
    }
    let partition = flags.number("partition")?;
    let offset = match flags.value("offset") {
        None => None,
        Some(_) if partition.is_none() => {
            return Err(CommandError::Usage(
                "The partition is required when offset is specified.".into(),
            ))
        }
        Some("earliest") => Some(StartOffset::Earliest),
        Some("latest") => Some(StartOffset::Latest),
        Some(v) => Some(StartOffset::At(parse_number::<Offset>("offset", v)?)),
    };
    let group = flags.value("group").map(String::from);
    if group.is_some() && partition.is_some() {
        return Err(CommandError::Usage(
            "Options group and partition cannot be specified together.".into(),
        ));
    }
    let max_messages = flags
        .number::<i64>("max-messages")?
        .map(|n| usize::try_from(n.max(0)).unwrap_or(usize::MAX));
    let reply = session
        .sim_mut()
        .apply(Command::ConsoleConsume(ConsoleConsume {
            topic,
            group,
            partition,
            offset,
            from_beginning: flags.has("from-beginning"),
            max_messages,
            config,
        }))?;
    let Reply::Consumed(records) = reply else {
        return Ok(String::new());
    };
    let mut out = String::new();
    for r in &records {
        if print_key {
            let _ = write!(out, "{}\t", r.key.as_deref().unwrap_or("null"));
        }
        let _ = writeln!(out, "{}", r.value);
    }
    let _ = write!(out, "Processed a total of {} messages", records.len());
    Ok(out)
}

const GROUPS_SPEC: FlagSpec<'static> = FlagSpec {
    with_value: &["bootstrap-server", "group"],
    switches: &["list", "describe", "members", "state", "offsets", "verbose"],
    aliases: &[("bootstap-server", "bootstrap-server")],
};

pub(super) fn groups(session: &mut Session, args: &[String]) -> Result<String, CommandError> {
    let flags = Flags::parse(args, &GROUPS_SPEC)?;
    flags.required("bootstrap-server")?;
    let sim = session.sim();
    if flags.has("list") {
        return Ok(sim.groups().keys().cloned().collect::<Vec<_>>().join("\n"));
    }
    if !flags.has("describe") {
        return Err(CommandError::Usage(
            "Command must include exactly one action: --list, --describe".into(),
        ));
    }
    let group = flags.required("group")?;
    let g = sim
        .groups()
        .get(group)
        .ok_or_else(|| CommandError::Usage(format!("Consumer group '{group}' does not exist.")))?;
    let mut out = String::new();
    if flags.has("state") {
        let coordinator = sim
            .coordinator_for(group)
            .map_or("-".to_string(), |b| format!("localhost:{} ({b})", 9092 + b));
        let state = if g.members.is_empty() {
            "Empty"
        } else {
            "Stable"
        };
        let rows = [[
            group.to_string(),
            coordinator,
            g.assignor.name().to_string(),
            state.to_string(),
            g.members.len().to_string(),
        ]];
        table(
            &mut out,
            &[
                "GROUP",
                "COORDINATOR (ID)",
                "ASSIGNMENT-STRATEGY",
                "STATE",
                "#MEMBERS",
            ],
            &rows,
        );
        return Ok(out.trim_end().to_string());
    }
    if flags.has("members") {
        let rows: Vec<[String; 5]> = g
            .members
            .values()
            .map(|m| {
                [
                    group.to_string(),
                    m.member_id.clone(),
                    "/127.0.0.1".to_string(),
                    m.name.clone(),
                    g.assignment.get(&m.name).map_or(0, Vec::len).to_string(),
                ]
            })
            .collect();
        table(
            &mut out,
            &["GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS"],
            &rows,
        );
        return Ok(out.trim_end().to_string());
    }
    if g.members.is_empty() {
        let _ = writeln!(out, "\nConsumer group '{group}' has no active members.");
    }
    let owner = |tp: &crate::ids::TopicPartition| {
        g.assignment
            .iter()
            .find(|(_, parts)| parts.contains(tp))
            .and_then(|(m, _)| g.members.get(m))
    };
    let rows: Vec<[String; 9]> = sim
        .group_offsets(group)
        .into_iter()
        .map(|(tp, committed, hw)| {
            let m = owner(&tp);
            [
                group.to_string(),
                tp.topic.clone(),
                tp.partition.to_string(),
                committed.map_or("-".into(), |c| c.to_string()),
                hw.to_string(),
                committed.map_or("-".into(), |c| (hw - c).max(0).to_string()),
                m.map_or("-".into(), |m| m.member_id.clone()),
                m.map_or("-".into(), |_| "/127.0.0.1".into()),
                m.map_or("-".into(), |m| m.name.clone()),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "GROUP",
            "TOPIC",
            "PARTITION",
            "CURRENT-OFFSET",
            "LOG-END-OFFSET",
            "LAG",
            "CONSUMER-ID",
            "HOST",
            "CLIENT-ID",
        ],
        &rows,
    );
    Ok(out.trim_end_matches('\n').to_string())
}

/// `ConsumerGroupCommand`'s layout: columns padded to the widest cell (at
/// least 15 for names, 10 for PARTITION), separated by one space.
fn table<const N: usize>(out: &mut String, header: &[&str; N], rows: &[[String; N]]) {
    let mut widths = [0usize; N];
    for (i, h) in header.iter().enumerate() {
        widths[i] = h.len().max(if *h == "PARTITION" { 10 } else { 15 });
    }
    for row in rows {
        for (i, c) in row.iter().enumerate() {
            widths[i] = widths[i].max(c.len());
        }
    }
    let mut line = |cells: Vec<&str>| {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == N {
                l.push_str(c);
            } else {
                let _ = write!(l, "{c:<w$} ", w = widths[i]);
            }
        }
        let _ = writeln!(out, "{}", l.trim_end());
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

const MEMBER_SPEC: FlagSpec<'static> = FlagSpec {
    with_value: &[
        "topics",
        "assignor",
        "auto-offset-reset",
        "consumer-property",
    ],
    switches: &["from-beginning", "no-auto-commit"],
    aliases: &[],
};

/// `sim consumer join|leave|crash|commit GROUP MEMBER ...`.
pub(super) fn sim_consumer(session: &mut Session, args: &[String]) -> Result<String, CommandError> {
    session.sim_mut().apply(parse_sim_consumer(args)?)?;
    Ok(String::new())
}

/// The command a `sim consumer ...` line asks for (the export reads the
/// member's settings from it).
#[inline(never)] // shared by the session and the export: one copy
pub(crate) fn parse_sim_consumer(args: &[String]) -> Result<Command, CommandError> {
    let usage = || {
        CommandError::Usage(
            "usage: sim consumer join GROUP MEMBER --topics t1,t2 [--assignor range|roundrobin|sticky|cooperative-sticky] [--from-beginning] [--no-auto-commit] | sim consumer leave|crash|commit GROUP MEMBER".into(),
        )
    };
    let (action, group, member) = match args {
        [a, g, m, ..] => (a.as_str(), g.clone(), m.clone()),
        _ => return Err(usage()),
    };
    Ok(match action {
        "join" => {
            let flags = Flags::parse(&args[3..], &MEMBER_SPEC)?;
            if !flags.positional.is_empty() {
                return Err(usage());
            }
            let topics: Vec<String> = flags
                .required("topics")?
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(String::from)
                .collect();
            let assignor: AssignorKind =
                flags.value("assignor").unwrap_or("range").parse().map_err(
                    |e: crate::consumer::AssignorError| CommandError::Usage(e.to_string()),
                )?;
            let mut config = ConsumerConfig::default();
            for kv in flags.values("consumer-property") {
                let (k, v) = split_kv(kv)?;
                config.set(k, v)?;
            }
            if flags.has("from-beginning") {
                config.auto_offset_reset = OffsetReset::Earliest;
            }
            if let Some(r) = flags.value("auto-offset-reset") {
                config.auto_offset_reset = r.parse()?;
            }
            if flags.has("no-auto-commit") {
                config.enable_auto_commit = false;
            }
            Command::ConsumerJoin {
                group,
                member,
                topics,
                assignor,
                config,
            }
        }
        "leave" => Command::ConsumerLeave { group, member },
        "crash" => Command::ConsumerCrash { group, member },
        "commit" => Command::ConsumerCommit { group, member },
        _ => return Err(usage()),
    })
}
