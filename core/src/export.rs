//! Export: a scenario script as a bash script for a real Kafka cluster, and
//! a docker-compose.yml for a 3-broker cluster to run it on.
//!
//! The export reads the script with the scenario language's own parser
//! ([`parse`], [`split_words`]) and plays it in a [`Session`] as it goes,
//! so it knows what every line means and which lines the simulation
//! refuses. Then it writes each line again from its words, every word
//! through [`quote`]: nothing a script says can run as shell (no `$(…)`,
//! no `;`, no globbing), and a line that does not start with a tool
//! streamlab knows is refused, never copied.
//!
//! What happens to each line:
//!
//! * Kafka's tools stay Kafka's tools, looked up on `PATH` by their own
//!   name (`bin/kafka-topics.sh` is `kafka-topics.sh`). The address
//!   (`--bootstrap-server`, `--broker-list`, `--zookeeper`) becomes
//!   `--bootstrap-server "$BOOTSTRAP"` (the simulation ignores it, Kafka
//!   3.0 removed `--zookeeper`, 4.0 `--broker-list`); the seed's
//!   misspellings get Kafka's spelling. A console consumer gets
//!   `--timeout-ms` (streamlab's stops after what is readable now, a real
//!   one waits for more, even with `--max-messages`), a console producer
//!   without a here-document reads `/dev/null`, `kafka-server-start.sh`
//!   gets `-daemon` (streamlab's returns at once). A line that fails in the
//!   scenario too gets `|| true`, so `set -e` does not stop there.
//! * Here-documents keep their text exactly: the marker is always quoted
//!   (`<<'EOF'`), so bash expands nothing in them, and chosen so that no
//!   line of the text can end them early.
//! * `sim` lines become the nearest real thing: `sim advance 1s` sleeps,
//!   `sim produce` is a console producer sending exactly the simulation's
//!   records (with `--count 3`: `VALUE-1` … `VALUE-3`) with the producer
//!   settings spelled out, `sim consumer join` a console consumer in the
//!   background (`leave` is SIGTERM, `crash` SIGKILL), `sim set` of a
//!   dynamic setting `kafka-configs.sh`, `sim elect-preferred`
//!   `kafka-leader-election.sh`. Faults (`crash`, `restart`, `isolate`,
//!   `cut`, `drop`, `slow`, `heal`, static settings) call the function
//!   `fault`, which runs the program named by `$STREAMLAB_FAULTS` (`cargo
//!   xtask oracle` provides one) or prints what to do by hand. What has no
//!   real equivalent (`sim events`, `sim check`, `sim seed` …) is a comment
//!   that says so.
//! * `flume-ng agent` writes its here-document to a properties file (Kafka
//!   sinks get `kafka.bootstrap.servers`) and runs the agent in the
//!   background with HTTP monitoring; `sim flume metrics` reads it there.
//! * Comments and blank lines are kept.

use crate::error::CommandError;
use crate::flume::{parse_agent_config, KAFKA_SINK, TYPE_INTERCEPTOR};
use crate::network::Node;
use crate::script::{
    broker_arg, broker_id, heredoc_marker, node_arg, parse, parse_duration, parse_produce,
    parse_sim_consumer, quote, split_heredoc, split_words, Line, ScriptError, Session,
    SIM_COMMANDS, TOOLS,
};
use crate::sim::{Command, OffsetReset, Produce};
use crate::vec_map::VecMap;
use std::fmt::Write;

/// Why a script cannot be exported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// The script does not parse (an unclosed here-document, a quote).
    #[error(transparent)]
    Script(#[from] ScriptError),
    /// A line starts with a program streamlab does not know: copying it
    /// would run an arbitrary command on the machine of whoever runs the
    /// export.
    #[error("line {line}: {program}: command not found (the export runs only streamlab's commands: {})", TOOLS.join(", "))]
    UnknownCommand { line: u32, program: String },
    #[error("line {line}: sim {sub}: unknown command (sim knows {})", SIM_COMMANDS.join(", "))]
    UnknownSimCommand { line: u32, sub: String },
    /// bash cannot pass a NUL character in an argument or keep it in a
    /// here-document.
    #[error("line {line}: holds a NUL character, which no shell command can receive")]
    Nul { line: u32 },
}

const HEADER: &str = r#"#!/usr/bin/env bash
# Exported by streamlab from a scenario script, to replay it on a real Kafka
# cluster. Every word of the scenario is quoted: nothing in it runs as shell.
# Kafka's tools (kafka-topics.sh, ...) must be on PATH (Confluent's packages
# name them without .sh). What only streamlab can do goes through `fault`
# below or stays a comment that says so.
# A local 3-broker cluster: `streamlab export --compose > docker-compose.yml`
# then `docker compose up -d` (brokers 0, 1, 2 on localhost:9092-9094).
set -euo pipefail

# With the compose cluster, BOOTSTRAP=localhost:9092,localhost:9093,localhost:9094
# keeps the tools working while broker 0 is down.
BOOTSTRAP=${BOOTSTRAP:-localhost:9092}
"#;

const CONSUMER_TIMEOUT: &str = r#"# How long a console consumer waits for one more record before it stops
# (streamlab's stops once it has read what is readable now).
CONSUMER_TIMEOUT_MS=${CONSUMER_TIMEOUT_MS:-10000}
"#;

const FAULT: &str = r#"# Faults and settings no Kafka tool changes (`fault crash 1`, `fault heal`,
# ...). With STREAMLAB_FAULTS naming a program (`cargo xtask oracle` sets
# one), it carries them out; otherwise they are printed, to do by hand.
fault() {
  if [[ -n ${STREAMLAB_FAULTS:-} ]]; then
    "$STREAMLAB_FAULTS" "$@"
  else
    printf 'streamlab: do this by hand on your cluster: %s\n' "$*" >&2
  fi
}
"#;

const BACKGROUND: &str = r#"# Group members and Flume agents run in the background, each one's output in
# $work/bg-N.out; whatever still runs is stopped when the script ends.
work=${STREAMLAB_WORK:-$(mktemp -d)}
pids=()
bg_start() { # N COMMAND...
  local n=$1
  shift
  "$@" </dev/null >"$work/bg-$n.out" 2>&1 &
  pids[n]=$!
}
bg_stop() { # N SIGNAL
  kill -s "$2" "${pids[$1]}" 2>/dev/null || true
  wait "${pids[$1]}" 2>/dev/null || true
}
cleanup() {
  local p
  for p in ${pids[@]+"${pids[@]}"}; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [[ -z ${STREAMLAB_WORK:-} ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT
"#;

const FLUME_PORT: &str = r#"# Flume agents serve their counters over HTTP, agent k on port
# FLUME_MONITORING_PORT + k (k = 0 for the first agent the script starts).
FLUME_MONITORING_PORT=${FLUME_MONITORING_PORT:-34545}
"#;

/// Misspellings streamlab accepts from the seed, with Kafka's spelling.
const ALIASES: &[(&str, &str)] = &[
    ("--replicas-factor", "--replication-factor"),
    ("--replicas-assignment", "--replica-assignment"),
    ("--bootstap-server", "--bootstrap-server"),
];

/// Broker settings Kafka lets `kafka-configs.sh` change cluster-wide while
/// the brokers run (`DynamicBrokerConfig`); the rest of `sim set` needs
/// server.properties and a restart.
const DYNAMIC_SETTINGS: &[&str] = &["min.insync.replicas", "unclean.leader.election.enable"];

/// `sim set` keys with no Kafka setting behind them.
const SIM_ONLY_SETTINGS: &[(&str, &str)] = &[
    (
        "truncation",
        "Kafka picks its truncation rule by inter.broker.protocol.version",
    ),
    (
        "replica.fetch.max.records",
        "Kafka bounds a follower's fetch in bytes (replica.fetch.max.bytes), not records",
    ),
];

/// Above this many records a `sim produce` is generated by a loop instead
/// of written out in a here-document.
const LOOP_ABOVE: usize = 100;

/// Turns a scenario script into a bash script of real Kafka commands.
///
/// Fails when the script does not parse, when a line starts with a program
/// streamlab does not know, and when a line holds a NUL character.
pub fn to_shell(script: &str) -> Result<String, ExportError> {
    let lines = parse(script)?;
    let raw: Vec<&str> = script.lines().collect();
    let mut ex = Exporter::default();
    let mut next = 0usize;
    for line in &lines {
        let start = line.number.saturating_sub(1) as usize;
        for r in raw.get(next..start).unwrap_or_default() {
            push_kept(&mut ex.body, r);
        }
        let opening = raw.get(start).map_or(line.text.as_str(), |r| r.trim());
        ex.line(line, opening)?;
        next = start + 1 + line.heredoc.as_ref().map_or(0, |b| b.len() + 1);
    }
    for r in raw.get(next..).unwrap_or_default() {
        push_kept(&mut ex.body, r);
    }
    let mut out = String::from(HEADER);
    for (used, part) in [
        (ex.uses.consumer_timeout, CONSUMER_TIMEOUT),
        (ex.uses.fault, FAULT),
        (ex.uses.background, BACKGROUND),
        (!ex.agents.is_empty(), FLUME_PORT),
    ] {
        if used {
            out.push('\n');
            out.push_str(part);
        }
    }
    out.push('\n');
    out.push_str(&ex.body);
    Ok(out)
}

/// A comment or blank line of the script, kept.
fn push_kept(out: &mut String, raw: &str) {
    out.push_str(raw.trim());
    out.push('\n');
}

/// Which parts of the header the body needs.
#[derive(Default)]
struct Uses {
    consumer_timeout: bool,
    fault: bool,
    background: bool,
}

/// A Flume agent the script started.
struct Agent {
    /// Its number k: monitoring on `FLUME_MONITORING_PORT + k`.
    index: usize,
    /// Its properties, to find a netcat source's address for `sim flume feed`.
    config: String,
}

/// The export in progress: the script played so far, and what it started.
#[derive(Default)]
struct Exporter {
    session: Session,
    body: String,
    uses: Uses,
    /// Background processes started so far (their numbers for `bg_*`).
    background: usize,
    /// (group, member) → the background consumer playing it.
    members: VecMap<(String, String), usize>,
    agents: VecMap<String, Agent>,
}

/// Where a line goes: the comment above it, the command, the here-document.
struct Written {
    notes: Vec<String>,
    command: String,
    heredoc: Option<Vec<String>>,
    /// The script's own marker, kept when it is safe.
    marker: String,
}

impl Written {
    fn new(command: String) -> Self {
        Self {
            notes: Vec::new(),
            command,
            heredoc: None,
            marker: "EOF".into(),
        }
    }
}

impl Exporter {
    fn line(&mut self, line: &Line, opening: &str) -> Result<(), ExportError> {
        let n = line.number;
        if line.text.contains('\0') || line.heredoc.iter().flatten().any(|l| l.contains('\0')) {
            return Err(ExportError::Nul { line: n });
        }
        let words = split_words(&line.text, n)?;
        let Some(first) = words.first() else {
            return Ok(());
        };
        let name = first.rsplit('/').next().unwrap_or(first);
        // The program as the export writes it: one of streamlab's names,
        // never the script's own text.
        let program =
            *TOOLS
                .iter()
                .find(|t| **t == name)
                .ok_or_else(|| ExportError::UnknownCommand {
                    line: n,
                    program: first.clone(),
                })?;
        let args = &words[1..];
        if program == "sim" {
            let sub = args.first().map_or("", String::as_str);
            if !SIM_COMMANDS.contains(&sub) {
                return Err(ExportError::UnknownSimCommand {
                    line: n,
                    sub: sub.to_string(),
                });
            }
        }
        // Play the line first: whether it fails, and what it started.
        let output = self.session.execute(line);
        let failure = output
            .is_error
            .then(|| output.text.lines().next().unwrap_or_default().to_string());
        if program == "sim" {
            self.sim(line, opening, args, failure.as_deref());
        } else if program == "flume-ng" {
            match failure {
                None => self.flume_agent(line, args),
                // A real agent with a bad configuration runs on, logging.
                Some(err) => self.comment_out(
                    line,
                    opening,
                    &format!("streamlab refuses this line too: {err}; not started"),
                ),
            }
        } else {
            let written = self.kafka_tool(program, args, line, opening);
            self.push(written, failure.as_deref());
        }
        Ok(())
    }

    /// Writes a command with its notes (and `|| true` when it fails in the
    /// scenario too).
    fn push(&mut self, w: Written, failure: Option<&str>) {
        for note in &w.notes {
            let _ = writeln!(self.body, "# (export: {note})");
        }
        let mut command = w.command;
        if let Some(err) = failure {
            let _ = writeln!(self.body, "# (this fails in the scenario too: {err})");
            // On the command line; bash reads the here-document after it.
            command.push_str(" || true");
        }
        self.push_command(&command, w.heredoc.as_deref(), &w.marker);
    }

    fn push_command(&mut self, command: &str, heredoc: Option<&[String]>, marker: &str) {
        self.body.push_str(command);
        match heredoc {
            None => self.body.push('\n'),
            Some(body) => {
                let marker = heredoc_marker(body, marker);
                let _ = writeln!(self.body, " <<'{marker}'");
                for l in body {
                    self.body.push_str(l);
                    self.body.push('\n');
                }
                self.body.push_str(&marker);
                self.body.push('\n');
            }
        }
    }

    /// A line as a comment, its here-document too, with why.
    fn comment_out(&mut self, line: &Line, opening: &str, why: &str) {
        let _ = writeln!(self.body, "# {opening}  ({why})");
        for l in line.heredoc.iter().flatten() {
            let _ = writeln!(self.body, "#   {l}");
        }
    }

    /// One of Kafka's tools, its words quoted, its address `$BOOTSTRAP`.
    fn kafka_tool(
        &mut self,
        program: &'static str,
        args: &[String],
        line: &Line,
        opening: &str,
    ) -> Written {
        let mut notes = Vec::new();
        let tool = if program == "kafka-preferred-replica-election.sh" {
            notes.push(
                "kafka-preferred-replica-election.sh is kafka-leader-election.sh since Kafka 3.0"
                    .to_string(),
            );
            "kafka-leader-election.sh"
        } else {
            program
        };
        let mut words: Vec<String> = vec![tool.to_string()];
        let mut has_timeout = false;
        let mut i = 0;
        while i < args.len() {
            let word = &args[i];
            i += 1;
            let (flag, inline) = match word.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f, Some(v)),
                _ => (word.as_str(), None),
            };
            let flag = match ALIASES.iter().find(|(w, _)| *w == flag) {
                Some((w, meant)) => {
                    notes.push(format!("Kafka spells {w} as {meant}"));
                    *meant
                }
                None => flag,
            };
            if matches!(flag, "--bootstrap-server" | "--broker-list" | "--zookeeper") {
                if flag == "--zookeeper" {
                    notes.push("--zookeeper became --bootstrap-server (Kafka 3.0 removed --zookeeper from the tools)".into());
                } else if flag == "--broker-list" {
                    notes.push(
                        "--broker-list became --bootstrap-server (Kafka 4.0 removed it)".into(),
                    );
                }
                // The value, if the flag has one, is the simulation's
                // address: dropped (as Flags::parse takes it).
                if inline.is_none() && args.get(i).is_some_and(|v| !v.starts_with("--")) {
                    i += 1;
                }
                words.push("--bootstrap-server \"$BOOTSTRAP\"".into());
                continue;
            }
            has_timeout |= flag == "--timeout-ms";
            words.push(match inline {
                Some(v) => quote(&format!("{flag}={v}")),
                None if word.starts_with("--") => quote(flag),
                None => quote(word),
            });
        }
        match program {
            "kafka-console-consumer.sh" if !has_timeout => {
                self.uses.consumer_timeout = true;
                words.push("--timeout-ms \"$CONSUMER_TIMEOUT_MS\"".into());
                notes.push("--timeout-ms added: streamlab's consumer stops after what it can read now, a real one waits for more (even with --max-messages)".into());
            }
            "kafka-server-start.sh" => {
                let id = broker_id(args, program).ok().flatten().unwrap_or(0);
                words = server_start(args, id, &mut notes);
                notes.push(format!("run it on broker {id}'s own host; cargo xtask oracle starts broker {id} again on its data directory"));
            }
            "kafka-server-stop.sh" => {
                let which = match broker_id(args, program).ok().flatten() {
                    Some(id) => format!("broker {id} with SIGTERM"),
                    None => "every broker with SIGTERM".into(),
                };
                notes.push(format!("kafka-server-stop.sh stops every broker on the host it runs on (with KRaft, --node-id=N picks one); cargo xtask oracle stops {which}"));
            }
            _ => {}
        }
        let mut w = Written::new(words.join(" "));
        w.notes = notes;
        if program == "kafka-console-producer.sh" && line.heredoc.is_none() {
            // A real producer would read the bash script's own input.
            w.command.push_str(" </dev/null");
        }
        w.heredoc = line.heredoc.clone();
        if let (_, Some(marker)) = split_heredoc(opening) {
            w.marker = marker;
        }
        w
    }

    fn sim(&mut self, line: &Line, opening: &str, args: &[String], failure: Option<&str>) {
        if let Some(err) = failure {
            let why = format!("streamlab refuses this line too: {err}; nothing to run");
            self.comment_out(line, opening, &why);
            return;
        }
        let sub = args.first().map_or("", String::as_str);
        let rest = &args[1..];
        let say = |s: &mut Self, why: &str| s.comment_out(line, opening, why);
        match sub {
            "brokers" => say(self, "streamlab only: the cluster's size, brokers 0..N-1; the compose file from `streamlab export --compose` runs 3"),
            "seed" => say(self, "streamlab only: the seed of the simulation's choices; a real cluster has none, so its timing and leaders may differ"),
            "kafka" => say(self, "streamlab only: the Kafka version the simulation follows; run the script on a cluster of that version"),
            "events" => say(self, "streamlab only: the simulation's event log; a real broker writes these in its server.log, state-change.log and controller.log"),
            "check" => say(self, "streamlab only: the invariant checker over the event log; on a real cluster compare kafka-topics.sh --describe and what consumers read"),
            "advance" => {
                let ms = rest.first().and_then(|d| parse_duration(d).ok()).unwrap_or(0);
                let _ = writeln!(self.body, "# {opening}  (streamlab moves its clock; a real cluster needs the time to pass)");
                let _ = writeln!(self.body, "sleep {}", seconds(ms));
            }
            "crash" | "restart" | "isolate" | "heal" | "slow" | "cut" | "drop" => {
                self.fault(line, opening, sub, rest)
            }
            "set" => self.set(opening, rest),
            "elect-preferred" => self.elect_preferred(line.number, opening, rest),
            "produce" => match parse_produce(rest) {
                Ok(p) => {
                    let _ = writeln!(self.body, "# {opening}");
                    let w = produce(&p);
                    self.push(w, None);
                }
                Err(e) => say(self, &format!("streamlab refuses this line too: {e}")),
            },
            "consumer" => self.consumer(line, opening, rest),
            "flume" => self.sim_flume(line, opening, rest),
            "status" => {
                let _ = writeln!(self.body, "# {opening}  (the nearest real view: every partition's leader, replicas and ISR)");
                self.body
                    .push_str("kafka-topics.sh --bootstrap-server \"$BOOTSTRAP\" --describe || true\n");
            }
            // `line` checked every subcommand against SIM_COMMANDS.
            _ => say(self, "streamlab only"),
        }
    }

    fn fault(&mut self, line: &Line, opening: &str, sub: &str, rest: &[String]) {
        match fault_words(sub, rest) {
            Ok((words, why)) => {
                self.uses.fault = true;
                let _ = writeln!(self.body, "# {opening}  ({why})");
                let sep = if words.is_empty() { "" } else { " " };
                let _ = writeln!(self.body, "fault {sub}{sep}{words}");
            }
            // The session ran it without an error, so this cannot happen;
            // if it does, say so rather than guess.
            Err(e) => self.comment_out(line, opening, &format!("not exported: {e}")),
        }
    }

    fn set(&mut self, opening: &str, rest: &[String]) {
        let (key, value) = match (rest.first(), rest.get(1)) {
            (Some(kv), None) => kv.split_once('=').unwrap_or((kv.as_str(), "")),
            (Some(k), Some(v)) => (k.as_str(), v.as_str()),
            _ => ("", ""),
        };
        if let Some((_, why)) = SIM_ONLY_SETTINGS.iter().find(|(k, _)| *k == key) {
            let _ = writeln!(self.body, "# {opening}  (streamlab only: {why})");
        } else if DYNAMIC_SETTINGS.contains(&key) {
            let _ = writeln!(
                self.body,
                "# {opening}  (a cluster-wide broker default, changed while the brokers run)"
            );
            let _ = writeln!(
                self.body,
                "kafka-configs.sh --bootstrap-server \"$BOOTSTRAP\" --entity-type brokers --entity-default --alter --add-config {}",
                quote(&format!("{key}={value}"))
            );
        } else {
            self.uses.fault = true;
            let _ = writeln!(self.body, "# {opening}  (read-only in Kafka: {key} goes in every broker's server.properties, then a restart; cargo xtask oracle starts the brokers with it when no command came before)");
            let _ = writeln!(self.body, "fault set {} {}", quote(key), quote(value));
        }
    }

    fn elect_preferred(&mut self, number: u32, opening: &str, rest: &[String]) {
        let _ = writeln!(self.body, "# {opening}");
        let mut command =
            "kafka-leader-election.sh --bootstrap-server \"$BOOTSTRAP\" --election-type PREFERRED"
                .to_string();
        match rest.first() {
            None => command.push_str(" --all-topic-partitions"),
            Some(topic) => {
                // The tool takes one partition or a JSON file of them.
                let count = self
                    .session
                    .sim()
                    .snapshot()
                    .topics
                    .get(topic)
                    .map_or(0, |t| t.partitions.len());
                let name = json_string(topic);
                let list: Vec<String> = (0..count)
                    .map(|p| format!("{{\"topic\":{name},\"partition\":{p}}}"))
                    .collect();
                self.uses.background = true;
                let file = format!("\"$work/election-{number}.json\"");
                let _ = writeln!(
                    self.body,
                    "printf '%s\\n' {} >{file}",
                    quote(&format!("{{\"partitions\":[{}]}}", list.join(",")))
                );
                let _ = write!(command, " --path-to-json-file {file}");
            }
        }
        self.body.push_str(&command);
        self.body.push('\n');
    }

    fn consumer(&mut self, line: &Line, opening: &str, rest: &[String]) {
        match parse_sim_consumer(rest) {
            Ok(Command::ConsumerJoin {
                group,
                member,
                topics,
                assignor,
                config,
            }) => {
                self.uses.background = true;
                self.background += 1;
                let n = self.background;
                self.members.insert((group.clone(), member.clone()), n);
                let subscription = match topics.as_slice() {
                    [one] => format!("--topic {}", quote(one)),
                    many => {
                        let alternatives: Vec<String> = many.iter().map(|t| regex_literal(t)).collect();
                        format!("--include {}", quote(&format!("^({})$", alternatives.join("|"))))
                    }
                };
                let reset = match config.auto_offset_reset {
                    OffsetReset::Earliest => "earliest",
                    OffsetReset::Latest => "latest",
                    OffsetReset::None => "none",
                };
                let mut props = vec![
                    format!("client.id={member}"),
                    format!("partition.assignment.strategy={}", assignor.class_name()),
                    format!("auto.offset.reset={reset}"),
                    format!("enable.auto.commit={}", config.enable_auto_commit),
                    format!("auto.commit.interval.ms={}", config.auto_commit_interval_ms),
                    format!("session.timeout.ms={}", config.session_timeout_ms),
                    format!("max.poll.records={}", config.max_poll_records),
                ];
                let mut command = format!(
                    "bg_start {n} kafka-console-consumer.sh --bootstrap-server \"$BOOTSTRAP\" {subscription} --group {}",
                    quote(&group)
                );
                for p in props.drain(..) {
                    let _ = write!(command, " --consumer-property {}", quote(&p));
                }
                let _ = writeln!(self.body, "# {opening}  (a console consumer in the background plays member {member}; its client.id is the member's name, so Kafka's member id starts with it)");
                let _ = writeln!(self.body, "{command}");
            }
            Ok(Command::ConsumerLeave { group, member }) | Ok(Command::ConsumerCrash { group, member }) => {
                let crash = rest.first().is_some_and(|a| a == "crash");
                match self.members.remove(&(group, member)) {
                    Some(n) => {
                        let (signal, why) = if crash {
                            ("KILL", "SIGKILL: the member says nothing, the coordinator notices after session.timeout.ms")
                        } else {
                            ("TERM", "SIGTERM: the console consumer commits and leaves the group at once")
                        };
                        let _ = writeln!(self.body, "# {opening}  ({why})");
                        let _ = writeln!(self.body, "bg_stop {n} {signal}");
                    }
                    None => self.comment_out(line, opening, "not exported: no console consumer plays this member"),
                }
            }
            Ok(Command::ConsumerCommit { .. }) => self.comment_out(line, opening, "streamlab only: a console consumer commits by itself, every auto.commit.interval.ms and when it stops"),
            Ok(_) | Err(_) => self.comment_out(line, opening, "not exported"),
        }
    }

    /// `flume-ng agent …` with its properties as a here-document.
    fn flume_agent(&mut self, line: &Line, args: &[String]) {
        let body = line.heredoc.clone().unwrap_or_default();
        let mut name = String::new();
        let mut words: Vec<String> = vec!["flume-ng".into()];
        let mut it = args.iter();
        while let Some(w) = it.next() {
            match w.as_str() {
                "--name" | "-n" => {
                    name = it.next().cloned().unwrap_or_default();
                    words.push("--name".into());
                    words.push(quote(&name));
                }
                // Replaced by the file written below.
                "--conf-file" | "-f" => {
                    it.next();
                }
                other => words.push(quote(other)),
            }
        }
        let index = self.agents.len();
        self.uses.background = true;
        self.background += 1;
        let n = self.background;
        let file = format!("\"$work/flume-{n}.properties\"");
        let _ = writeln!(
            self.body,
            "# (export: the agent's properties go to a file; the agent runs in the background with HTTP monitoring on port FLUME_MONITORING_PORT + {index})"
        );
        self.push_command(&format!("cat >{file}"), Some(&body), "EOF");
        let config = body.join("\n");
        if let Ok(agent) = parse_agent_config(&config, &name) {
            for sink in &agent.sinks {
                if sink.type_name == KAFKA_SINK {
                    let _ = writeln!(
                        self.body,
                        "# (export: the Kafka sink {} writes to $BOOTSTRAP)",
                        sink.name
                    );
                    let _ = writeln!(
                        self.body,
                        "printf '%s = %s\\n' {} \"$BOOTSTRAP\" >>{file}",
                        quote(&format!(
                            "{name}.sinks.{}.kafka.bootstrap.servers",
                            sink.name
                        ))
                    );
                }
            }
            let custom = agent
                .sources
                .iter()
                .flat_map(|s| &s.interceptors)
                .filter(|i| i.type_name == TYPE_INTERCEPTOR);
            for i in custom {
                let _ = writeln!(self.body, "# (export: {} is the course's own class: its jar must be in Flume's lib/; cargo xtask oracle builds one)", i.type_name);
            }
        }
        words.push("--conf-file".into());
        words.push(file);
        words.push("-Dflume.monitoring.type=http".into());
        words.push(format!(
            "\"-Dflume.monitoring.port=$((FLUME_MONITORING_PORT + {index}))\""
        ));
        let _ = writeln!(self.body, "bg_start {n} {}", words.join(" "));
        self.agents.insert(name, Agent { index, config });
    }

    fn sim_flume(&mut self, line: &Line, opening: &str, rest: &[String]) {
        match rest {
            [m, agent] if m == "metrics" => match self.agents.get(agent) {
                Some(a) => {
                    let _ = writeln!(self.body, "# {opening}  (Flume's HTTP monitoring)");
                    let _ = writeln!(
                        self.body,
                        "curl -s \"http://127.0.0.1:$((FLUME_MONITORING_PORT + {}))/metrics\"; echo",
                        a.index
                    );
                }
                None => self.comment_out(line, opening, "not exported: no flume-ng line started this agent"),
            },
            [f, agent, source, lines @ ..] if f == "feed" => {
                let address = self.agents.get(agent).and_then(|a| {
                    let cfg = parse_agent_config(&a.config, agent).ok()?;
                    let s = cfg.sources.iter().find(|s| &s.name == source)?;
                    let host = s.context.get("bind").unwrap_or("127.0.0.1");
                    let host = if host == "0.0.0.0" { "127.0.0.1" } else { host };
                    Some(format!("/dev/tcp/{host}/{}", s.context.get("port")?))
                });
                match address {
                    Some(path) => {
                        let _ = writeln!(self.body, "# {opening}  (the lines go to the netcat source's port, through bash's /dev/tcp)");
                        let target = quote(&path);
                        if lines.is_empty() {
                            let body = line.heredoc.clone().unwrap_or_default();
                            self.push_command(&format!("cat >{target}"), Some(&body), "EOF");
                        } else {
                            let quoted: Vec<String> = lines.iter().map(|l| quote(l)).collect();
                            let _ = writeln!(self.body, "printf '%s\\n' {} >{target}", quoted.join(" "));
                        }
                    }
                    None => self.comment_out(line, opening, "not exported: the source's address is not in the agent's properties"),
                }
            }
            _ => self.comment_out(line, opening, "streamlab only: Flume has no switch to make a sink fail; a real sink fails when what it writes to does"),
        }
    }
}

/// `kafka-server-start.sh -daemon FILE [--override K=V]...`, the shape the
/// real script needs (`-daemon` first, then the properties file), from
/// whatever the scenario wrote: streamlab reads a bare number as the
/// broker id and runs without a file.
fn server_start(args: &[String], id: i32, notes: &mut Vec<String>) -> Vec<String> {
    let mut file = None;
    let mut overrides = Vec::new();
    let mut other = Vec::new();
    let mut has_daemon = false;
    let mut bare_id = false;
    let mut it = args.iter();
    while let Some(w) = it.next() {
        match w.as_str() {
            "-daemon" | "--daemon" => has_daemon = true,
            "--override" => overrides.extend(it.next().map(|v| quote(v))),
            o if o.starts_with("--override=") => overrides.push(quote(&o["--override=".len()..])),
            o if o.parse::<i32>().is_ok() => bare_id = true,
            o if !o.starts_with('-') && file.is_none() => file = Some(quote(o)),
            o => other.push(quote(o)),
        }
    }
    if !has_daemon {
        notes.push("-daemon added: streamlab's broker starts and the script goes on; kafka-server-start.sh would stay in the foreground".into());
    }
    let file = file.unwrap_or_else(|| {
        notes.push(
            "config/server.properties added: kafka-server-start.sh needs a properties file".into(),
        );
        "config/server.properties".into()
    });
    if bare_id {
        notes.push(format!(
            "the broker id {id} became --override broker.id={id}"
        ));
        overrides.push(format!("broker.id={id}"));
    }
    let mut words = vec!["kafka-server-start.sh".to_string(), "-daemon".into(), file];
    for o in overrides {
        words.push("--override".into());
        words.push(o);
    }
    words.extend(other);
    words
}

/// A fault's words for `fault` (numbers and names streamlab parsed, never
/// the script's text) and what it does on a real cluster.
fn fault_words(sub: &str, rest: &[String]) -> Result<(String, String), CommandError> {
    let node = |i: usize| node_arg(rest, i).map(|n| (fault_node(n), n.to_string()));
    Ok(match sub {
        "heal" => (
            String::new(),
            "every cut, drop and delay is undone; slowed brokers run again".into(),
        ),
        "cut" => {
            let ((a, an), (b, bn)) = (node(0)?, node(1)?);
            (
                format!("{a} {b}"),
                format!("no traffic between {an} and {bn}: network namespaces, or iptables"),
            )
        }
        "drop" => {
            let ((a, an), (b, bn)) = (node(0)?, node(1)?);
            let pct: u32 = rest.get(2).and_then(|p| p.trim().parse().ok()).unwrap_or(0);
            (
                format!("{a} {b} {pct}"),
                format!("{pct}% of the messages between {an} and {bn} are lost: tc netem loss"),
            )
        }
        _ => {
            let b = broker_arg(rest, 0)?;
            match sub {
                "crash" if rest.get(1).is_some_and(|w| w == "--disk-lost") => (
                    format!("{b} --disk-lost"),
                    format!("broker {b} is killed (SIGKILL) and loses its log directories: it starts again empty"),
                ),
                "crash" => (b.to_string(), format!("broker {b} is killed (SIGKILL): no clean shutdown, its ZooKeeper session times out")),
                "restart" => (b.to_string(), format!("broker {b} starts again on its log directories")),
                "isolate" => (b.to_string(), format!("broker {b} is cut off from the other brokers and ZooKeeper; clients still reach it (network namespaces; docker network disconnect cuts clients off too)")),
                _ => {
                    let ms = parse_duration(rest.get(1).map_or("", String::as_str))?;
                    (format!("{b} {ms}"), format!("broker {b} answers {ms} ms late (tc netem delay; cargo xtask oracle pauses the JVM with SIGSTOP, resumes it with SIGCONT)"))
                }
            }
        }
    })
}

/// `zk`, `clients` or the broker's id, as `fault` takes them.
fn fault_node(n: Node) -> String {
    match n {
        Node::Broker(b) => b.to_string(),
        Node::ZooKeeper => "zk".into(),
        Node::Clients => "clients".into(),
    }
}

/// A topic name inside a Java regex: every character that is not a
/// letter or digit escaped (a backslash before those is always literal).
fn regex_literal(t: &str) -> String {
    let mut out = String::with_capacity(t.len() * 2);
    for c in t.chars() {
        if !c.is_ascii_alphanumeric() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A JSON string literal.
fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `sim produce` as a console producer sending the same records with the
/// same producer settings.
fn produce(p: &Produce) -> Written {
    let c = p.config.effective();
    let d = crate::sim::ProducerConfig::default();
    let mut notes = vec![
        "the settings of streamlab's producer spelled out: the console producer's own differ"
            .to_string(),
    ];
    let mut props = vec![
        format!("enable.idempotence={}", c.enable_idempotence),
        format!("retries={}", c.retries),
        format!("request.timeout.ms={}", c.request_timeout_ms),
        "linger.ms=0".to_string(),
    ];
    if c.retry_backoff_ms != d.retry_backoff_ms {
        props.push(format!("retry.backoff.ms={}", c.retry_backoff_ms));
    }
    if c.delivery_timeout_ms != d.delivery_timeout_ms {
        props.push(format!("delivery.timeout.ms={}", c.delivery_timeout_ms));
    }
    if c.max_in_flight != d.max_in_flight {
        props.push(format!(
            "max.in.flight.requests.per.connection={}",
            c.max_in_flight
        ));
    }
    match c.partitioner {
        crate::producer::NullKeyStrategy::Sticky => {}
        crate::producer::NullKeyStrategy::RoundRobin => props.push(
            "partitioner.class=org.apache.kafka.clients.producer.RoundRobinPartitioner".into(),
        ),
        crate::producer::NullKeyStrategy::Random => notes.push(
            "no Kafka partitioner picks a partition at random: Kafka's default (sticky) decides"
                .into(),
        ),
    }
    props.push(format!("client.id={}", p.producer));
    let mut command = format!(
        "kafka-console-producer.sh --bootstrap-server \"$BOOTSTRAP\" --topic {} --request-required-acks {}",
        quote(&p.topic),
        c.acks
    );
    for prop in &props {
        let _ = write!(command, " --producer-property {}", quote(prop));
    }
    // A separator that no key contains: the reader splits at its first
    // occurrence, so values may hold it.
    let keys = || p.records.iter().filter_map(|(k, _)| k.as_deref());
    let mut separator = [":", "|", "=", "~"]
        .into_iter()
        .find(|s| !keys().any(|k| k.contains(s)))
        .unwrap_or("|")
        .to_string();
    while keys().any(|k| k.contains(separator.as_str())) {
        separator.push('|');
    }
    if keys().next().is_some() {
        let _ = write!(
            command,
            " --property parse.key=true --property key.separator={}",
            quote(&separator)
        );
    }
    if let Some(part) = p.partition {
        notes.push(format!("streamlab wrote to partition {part}; kafka-console-producer.sh cannot choose one, its partitioner does"));
    }
    let record = |(k, v): &(Option<String>, String)| match k {
        Some(k) => format!("{k}{separator}{v}"),
        None => v.clone(),
    };
    let mut w = Written::new(String::new());
    w.notes = notes;
    if p.records.len() > LOOP_ABOVE {
        // The same `VALUE-i` records as the simulation, without writing
        // them all out; `--count` values share key and value prefix.
        let (k, v) = &p.records[0];
        let prefix = record(&(k.clone(), v.strip_suffix("-1").unwrap_or(v).to_string()));
        w.command = format!(
            "for ((i = 1; i <= {}; i++)); do printf '%s-%d\\n' {} \"$i\"; done | {command}",
            p.records.len(),
            quote(&prefix)
        );
    } else {
        w.command = command;
        w.heredoc = Some(p.records.iter().map(record).collect());
    }
    w
}

/// Milliseconds as a `sleep` argument: `100` → `0.1`, `2000` → `2`.
fn seconds(ms: u64) -> String {
    let (s, frac) = (ms / 1000, ms % 1000);
    if frac == 0 {
        s.to_string()
    } else {
        format!("{s}.{frac:03}").trim_end_matches('0').to_string()
    }
}

/// A docker-compose.yml for a 3-broker cluster with ZooKeeper, brokers 0,
/// 1, 2 as services `kafka-0..kafka-2` on localhost:9092..9094, with the
/// broker settings the simulation starts with.
pub fn docker_compose() -> &'static str {
    DOCKER_COMPOSE
}

const DOCKER_COMPOSE: &str = r#"# A 3-broker Kafka cluster with ZooKeeper, for scripts exported by streamlab,
# with the broker settings the simulation starts with (Kafka 2.4's timeouts;
# min.insync.replicas, unclean election and auto-creation as Kafka ships them).
#   docker compose up -d          # brokers 0,1,2 on localhost:9092, 9093, 9094
#   docker compose kill kafka-1   # `fault crash 1`
#   docker compose start kafka-1  # `fault restart 1`
# Each broker has two listeners: INTERNAL for the other brokers (kafka-N:29092)
# and EXTERNAL advertised on localhost for tools on this machine.
name: streamlab

x-kafka-env: &kafka-env
  KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181
  KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT
  KAFKA_INTER_BROKER_LISTENER_NAME: INTERNAL
  KAFKA_REPLICA_LAG_TIME_MAX_MS: "10000"
  KAFKA_ZOOKEEPER_SESSION_TIMEOUT_MS: "6000"
  KAFKA_DEFAULT_REPLICATION_FACTOR: "1"
  KAFKA_NUM_PARTITIONS: "1"
  KAFKA_MIN_INSYNC_REPLICAS: "1"
  KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "3"
  KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "3"
  KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "2"
  KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE: "false"
  KAFKA_AUTO_CREATE_TOPICS_ENABLE: "true"
  KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0"

services:
  zookeeper:
    image: confluentinc/cp-zookeeper:7.6.1
    hostname: zookeeper
    container_name: zookeeper
    ports:
      - "2181:2181"
    environment:
      ZOOKEEPER_CLIENT_PORT: 2181
      ZOOKEEPER_TICK_TIME: 2000

  kafka-0:
    image: confluentinc/cp-kafka:7.6.1
    hostname: kafka-0
    container_name: kafka-0
    depends_on: [zookeeper]
    ports:
      - "9092:9092"
    environment:
      <<: *kafka-env
      KAFKA_BROKER_ID: 0
      KAFKA_LISTENERS: INTERNAL://0.0.0.0:29092,EXTERNAL://0.0.0.0:9092
      KAFKA_ADVERTISED_LISTENERS: INTERNAL://kafka-0:29092,EXTERNAL://localhost:9092

  kafka-1:
    image: confluentinc/cp-kafka:7.6.1
    hostname: kafka-1
    container_name: kafka-1
    depends_on: [zookeeper]
    ports:
      - "9093:9093"
    environment:
      <<: *kafka-env
      KAFKA_BROKER_ID: 1
      KAFKA_LISTENERS: INTERNAL://0.0.0.0:29092,EXTERNAL://0.0.0.0:9093
      KAFKA_ADVERTISED_LISTENERS: INTERNAL://kafka-1:29092,EXTERNAL://localhost:9093

  kafka-2:
    image: confluentinc/cp-kafka:7.6.1
    hostname: kafka-2
    container_name: kafka-2
    depends_on: [zookeeper]
    ports:
      - "9094:9094"
    environment:
      <<: *kafka-env
      KAFKA_BROKER_ID: 2
      KAFKA_LISTENERS: INTERNAL://0.0.0.0:29092,EXTERNAL://0.0.0.0:9094
      KAFKA_ADVERTISED_LISTENERS: INTERNAL://kafka-2:29092,EXTERNAL://localhost:9094

networks:
  default:
    name: streamlab
"#;

#[cfg(test)]
mod tests;
