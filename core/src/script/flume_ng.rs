//! `flume-ng agent ...` and `sim flume metrics|feed|fail ...`.

use super::session::Session;
use super::Line;
use crate::error::CommandError;
use crate::sim::Command;

/// `flume-ng agent --name a1 --conf-file FILE [--conf DIR] [-Dk=v]` (or
/// `-n`, `-f`, `-c`). The playground has no files: the properties come from
/// the here-document that follows the line.
pub(super) fn run(
    session: &mut Session,
    args: &[String],
    line: &Line,
) -> Result<String, CommandError> {
    let usage = || {
        CommandError::Usage(
            "usage: flume-ng agent --name a1 --conf-file - <<EOF ... EOF (the properties as a here-document)".into(),
        )
    };
    let mut words = args.iter();
    if words.next().map(String::as_str) != Some("agent") {
        return Err(usage());
    }
    let mut name = None;
    let mut conf_file = None;
    while let Some(w) = words.next() {
        match w.as_str() {
            "--name" | "-n" => name = words.next().cloned(),
            "--conf-file" | "-f" => conf_file = words.next().cloned(),
            "--conf" | "-c" => {
                words.next();
            }
            w if w.starts_with("-D") || w.starts_with("-X") => {}
            other => {
                return Err(CommandError::Usage(format!(
                    "flume-ng: unknown option {other}"
                )))
            }
        }
    }
    let name = name.ok_or_else(usage)?;
    let conf_file = conf_file.ok_or_else(usage)?;
    let Some(body) = &line.heredoc else {
        return Err(CommandError::Usage(format!(
            "flume-ng: the playground has no file {conf_file}: give the agent's properties as a here-document (--conf-file {conf_file} <<EOF ... EOF)"
        )));
    };
    let text = body.join("\n");
    session.sim_mut().apply(Command::FlumeStart {
        name: name.clone(),
        config: text,
    })?;
    Ok(format!(
        "INFO node.Application: Starting new configuration:{{ sourceRunners, sinkRunners, channels }} for agent {name}"
    ))
}

/// `sim flume metrics AGENT | feed AGENT SOURCE LINE... | fail AGENT SINK N`.
pub(super) fn sim_flume(
    session: &mut Session,
    args: &[String],
    line: &Line,
) -> Result<String, CommandError> {
    let usage = || {
        CommandError::Usage(
            "usage: sim flume metrics AGENT | feed AGENT SOURCE [LINE...] (or a here-document) | fail AGENT SINK N".into(),
        )
    };
    match args {
        [m, agent] if m == "metrics" => session
            .sim()
            .flume_agents()
            .get(agent)
            .map(|a| a.metrics_json())
            .ok_or_else(|| CommandError::Usage(format!("No Flume agent named {agent} is running"))),
        [f, agent, source, rest @ ..] if f == "feed" => {
            let mut lines: Vec<String> = rest.to_vec();
            lines.extend(line.heredoc.iter().flatten().cloned());
            session.sim_mut().apply(Command::FlumeFeed {
                agent: agent.clone(),
                source: source.clone(),
                lines,
            })?;
            Ok(String::new())
        }
        [f, agent, sink, n] if f == "fail" => {
            let count = super::args::parse_number("fail", n)?;
            session.sim_mut().apply(Command::FlumeFailSink {
                agent: agent.clone(),
                sink: sink.clone(),
                count,
            })?;
            Ok(String::new())
        }
        _ => Err(usage()),
    }
}
