//! `sim ...`: what no Kafka tool does (cluster size, seed, time, faults).

use super::args::parse_number;
use super::session::Session;
use super::Line;
use crate::error::CommandError;
use crate::sim::{Command, Produce};

pub(super) fn run(
    session: &mut Session,
    args: &[String],
    _line: &Line,
) -> Result<String, CommandError> {
    let usage = || {
        CommandError::Usage("usage: sim brokers N | seed S | advance MS | produce TOPIC VALUE [--key K] [--partition P]".into())
    };
    let sub = args.first().ok_or_else(usage)?;
    let rest = &args[1..];
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
            let ms: u64 = parse_number("advance", rest.first().ok_or_else(usage)?)?;
            session.sim_mut().advance(ms);
            Ok(String::new())
        }
        "produce" => {
            let topic = rest.first().ok_or_else(usage)?.clone();
            let value = rest.get(1).ok_or_else(usage)?.clone();
            let mut key = None;
            let mut partition = 0;
            let mut i = 2;
            while i < rest.len() {
                let v = rest.get(i + 1).ok_or_else(usage)?;
                match rest[i].as_str() {
                    "--key" => key = Some(v.clone()),
                    "--partition" => partition = parse_number("partition", v)?,
                    other => {
                        return Err(CommandError::Usage(format!(
                            "{} is not a recognized option",
                            other.trim_start_matches('-')
                        )))
                    }
                }
                i += 2;
            }
            session.sim_mut().apply(Command::Produce(Produce {
                topic: topic.clone(),
                partition,
                key,
                value,
            }))?;
            Ok(String::new())
        }
        other => Err(CommandError::Usage(format!("sim {other}: unknown command"))),
    }
}
