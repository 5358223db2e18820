//! `kafka-server-start.sh`, `kafka-server-stop.sh` and
//! `kafka-leader-election.sh`.

use super::args::{parse_number, FlagSpec, Flags};
use super::session::Session;
use crate::error::CommandError;
use crate::ids::BrokerId;
use crate::sim::{Command, Reply};

const SERVER_SPEC: FlagSpec<'static> = FlagSpec {
    with_value: &["override"],
    switches: &["daemon"],
    aliases: &[],
};

/// The broker id from `--override broker.id=N` or a bare number.
pub(crate) fn broker_id(args: &[String], tool: &str) -> Result<Option<BrokerId>, CommandError> {
    // `-daemon` has one dash in Kafka's scripts.
    let words: Vec<String> = args
        .iter()
        .map(|w| {
            if w == "-daemon" {
                "--daemon".into()
            } else {
                w.clone()
            }
        })
        .collect();
    let flags = Flags::parse(&words, &SERVER_SPEC)?;
    for o in flags.values("override") {
        if let Some(v) = o.strip_prefix("broker.id=") {
            return parse_number("broker.id", v).map(Some);
        }
    }
    for p in &flags.positional {
        if let Ok(id) = p.parse::<BrokerId>() {
            return Ok(Some(id));
        }
    }
    let _ = tool;
    Ok(None)
}

pub(super) fn start(session: &mut Session, args: &[String]) -> Result<String, CommandError> {
    // server.properties ships with broker.id=0.
    let id = broker_id(args, "kafka-server-start.sh")?.unwrap_or(0);
    session.sim_mut().apply(Command::StartBroker(id))?;
    Ok(format!(
        "INFO [KafkaServer id={id}] started (kafka.server.KafkaServer)"
    ))
}

pub(super) fn stop(session: &mut Session, args: &[String]) -> Result<String, CommandError> {
    // Without an id the real script stops every Kafka process on the host;
    // the playground is one host running all brokers.
    let ids: Vec<BrokerId> = match broker_id(args, "kafka-server-stop.sh")? {
        Some(id) => vec![id],
        None => {
            let running: Vec<BrokerId> = session
                .sim()
                .snapshot()
                .brokers
                .values()
                .filter(|b| b.is_alive())
                .map(|b| b.id)
                .collect();
            if running.is_empty() {
                return Err(CommandError::Usage("No kafka server to stop".into()));
            }
            running
        }
    };
    let mut out = Vec::new();
    for id in ids {
        session.sim_mut().apply(Command::StopBroker(id))?;
        out.push(format!(
            "INFO [KafkaServer id={id}] shut down completed (kafka.server.KafkaServer)"
        ));
    }
    Ok(out.join("\n"))
}

const ELECTION_SPEC: FlagSpec<'static> = FlagSpec {
    with_value: &["bootstrap-server", "election-type", "topic", "partition"],
    switches: &["all-topic-partitions"],
    aliases: &[],
};

pub(super) fn leader_election(
    session: &mut Session,
    args: &[String],
) -> Result<String, CommandError> {
    let flags = Flags::parse(args, &ELECTION_SPEC)?;
    flags.required("bootstrap-server")?;
    match flags.required("election-type")? {
        "preferred" | "PREFERRED" => {}
        "unclean" | "UNCLEAN" => {
            return Err(CommandError::Usage(
                "unclean elections on demand are not simulated; use `sim set unclean.leader.election.enable=true`".into(),
            ))
        }
        other => {
            return Err(CommandError::Usage(format!(
                "Unknown election type: {other}"
            )))
        }
    }
    let topic = flags.value("topic").map(String::from);
    if topic.is_none() && !flags.has("all-topic-partitions") {
        return Err(CommandError::Usage(
            "One and only one of the following options is required: all-topic-partitions, topic"
                .into(),
        ));
    }
    match session.sim_mut().apply(Command::ElectPreferred(topic))? {
        Reply::Elected(v) if v.is_empty() => {
            Ok("Valid replica already elected for every partition".into())
        }
        Reply::Elected(v) => Ok(format!(
            "Successfully completed leader election (PREFERRED) for partitions {}",
            v.join(", ")
        )),
        _ => Ok(String::new()),
    }
}
