//! Export: a scenario script as a bash script for a real Kafka cluster, and
//! a docker-compose.yml for a 3-broker cluster to run it on.
//!
//! What happens to each line:
//!
//! * `kafka-*.sh` commands stay real commands, written as in the script,
//!   except for the address: the value of `--bootstrap-server` and
//!   `--broker-list` becomes `"$BOOTSTRAP"` (the simulation ignores it; a
//!   real cluster may live elsewhere), and `--zookeeper X` becomes
//!   `--bootstrap-server "$BOOTSTRAP"` (Kafka 3.0 removed `--zookeeper` from
//!   the tools). Misspellings that streamlab accepts with a note (from the
//!   seed) get Kafka's spelling. Each change is noted in a comment above.
//! * Here-documents are kept; the marker is quoted (`<<'EOF'`) only when
//!   the body holds `$`, `` ` `` or `\`, which bash would otherwise expand,
//!   while streamlab sends the text as written.
//! * A `kafka-console-consumer.sh` without `--max-messages` or
//!   `--timeout-ms` gets `--timeout-ms 10000`: streamlab's consumer stops
//!   after what is readable now, a real one would wait forever.
//! * A command that fails in the scenario too (the simulation is run to
//!   find out) gets `|| true`, so `set -e` does not stop the script there.
//! * `kafka-server-start.sh`/`kafka-server-stop.sh`, and every `sim` line,
//!   become comments naming the real-cluster equivalent (docker compose
//!   service `kafka-B` for broker B); `sim advance` becomes `sleep` and a
//!   `sim produce` becomes a `kafka-console-producer.sh` here-document.
//! * Comments and blank lines are kept.

use crate::script::{parse, run_script, split_words, Line, ScriptError};
use crate::vec_map::{VecMap, VecSet};
use std::fmt::Write;

/// The docker network name in [`docker_compose`], fixed so `docker network
/// disconnect` commands in the comments work as written.
const NETWORK: &str = "streamlab";

/// Misspellings streamlab accepts from the seed, with Kafka's spelling.
const ALIASES: &[(&str, &str)] = &[
    ("--replicas-factor", "--replication-factor"),
    ("--replicas-assignment", "--replica-assignment"),
    ("--bootstap-server", "--bootstrap-server"),
];

const HEADER: &str = r#"#!/usr/bin/env bash
# Exported by streamlab from a scenario script, to replay it on a real Kafka
# cluster. kafka-*.sh lines are real commands (Kafka's bin/ must be on PATH;
# Confluent packages name them without .sh). `sim` lines only exist in
# streamlab: they are comments here, with the real-cluster equivalent.
# A local 3-broker cluster: `streamlab export --compose > docker-compose.yml`
# then `docker compose up -d` (brokers kafka-0..kafka-2 on localhost:9092-9094).
set -euo pipefail

# With the compose cluster, BOOTSTRAP=localhost:9092,localhost:9093,localhost:9094
# keeps the tools working while broker 0 is down.
BOOTSTRAP=${BOOTSTRAP:-localhost:9092}

"#;

/// Turns a scenario script into a bash script of real Kafka commands.
///
/// Fails only when the script itself does not parse (an unclosed
/// here-document, an unterminated quote).
pub fn to_shell(script: &str) -> Result<String, ScriptError> {
    let lines = parse(script)?;
    for line in &lines {
        split_words(&line.text, line.number)?;
    }
    // Which commands fail in the scenario, so the export expects it too.
    let (_, run) = run_script(script);
    let failing: VecMap<u32, String> = VecMap::from_iter(
        run.outputs
            .into_iter()
            .filter(|o| o.is_error && !o.text.ends_with("command not found"))
            .map(|o| (o.line, o.text)),
    );

    let raw: Vec<&str> = script.lines().collect();
    let mut out = String::from(HEADER);
    let mut state = State::default();
    let mut next = 0usize;
    for line in &lines {
        let start = line.number.saturating_sub(1) as usize;
        for r in raw.get(next..start).unwrap_or_default() {
            push_kept(&mut out, r);
        }
        let body_len = line.heredoc.as_ref().map(Vec::len);
        // The closing marker as bash needs it: alone, unindented.
        let marker = body_len.map(|n| {
            raw.get(start + 1 + n)
                .map(|m| m.trim().to_string())
                .unwrap_or_else(|| "EOF".into())
        });
        let opening = raw.get(start).copied().unwrap_or(&line.text);
        let cmd = Cmd {
            line,
            opening,
            marker: marker.as_deref(),
            failure: failing.get(&line.number).map(String::as_str),
        };
        export_line(&mut out, &mut state, &cmd)?;
        next = start + 1 + body_len.map_or(0, |n| n + 1);
    }
    for r in raw.get(next..).unwrap_or_default() {
        push_kept(&mut out, r);
    }
    Ok(out)
}

/// A comment or blank line of the script, kept.
fn push_kept(out: &mut String, raw: &str) {
    out.push_str(raw.trim_end());
    out.push('\n');
}

/// What the export remembers across lines.
#[derive(Default)]
struct State {
    /// Brokers cut off by `sim isolate`, for `sim heal`'s comment.
    isolated: VecSet<String>,
    /// Brokers slowed by `sim slow`, for `sim heal`'s comment.
    slowed: VecSet<String>,
}

/// One command line and what the export needs to know about it.
struct Cmd<'a> {
    line: &'a Line,
    /// The script line as written (with its `<<MARKER`).
    opening: &'a str,
    /// The here-document's closing marker, if the line has one.
    marker: Option<&'a str>,
    /// The error the simulation printed for this line, if any.
    failure: Option<&'a str>,
}

fn export_line(out: &mut String, state: &mut State, cmd: &Cmd<'_>) -> Result<(), ScriptError> {
    let words = split_words(&cmd.line.text, cmd.line.number)?;
    let program = words
        .first()
        .map(|p| p.rsplit('/').next().unwrap_or(p))
        .unwrap_or_default();
    match program {
        "sim" => export_sim(out, state, cmd, &words[1..]),
        "kafka-server-start.sh" | "kafka-server-stop.sh" => {
            let broker = server_broker(&words[1..]);
            // Neither runs well from a script: start needs the broker's
            // server.properties and stays in the foreground; stop stops
            // every broker on the machine it runs on.
            let note = if program == "kafka-server-start.sh" {
                format!(
                    "on a real cluster, start broker {broker}, e.g. docker compose start kafka-{broker}; \
                     kafka-server-start.sh itself runs on the broker's host with its server.properties"
                )
            } else {
                format!(
                    "on a real cluster, stop broker {broker}, e.g. docker compose stop kafka-{broker}; \
                     kafka-server-stop.sh itself stops every broker on the host it runs on"
                )
            };
            comment_out(out, cmd, &note);
        }
        p if p.starts_with("kafka-") && p.ends_with(".sh") => export_kafka(out, cmd, p),
        _ => {
            comment_out(out, cmd, "not a command streamlab knows; kept as a comment");
        }
    }
    Ok(())
}

/// `--override broker.id=N` or a bare id; `0` when neither is given.
fn server_broker(args: &[String]) -> String {
    args.iter()
        .find_map(|a| a.strip_prefix("broker.id="))
        .or_else(|| {
            args.iter()
                .map(String::as_str)
                .find(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()))
        })
        .unwrap_or("0")
        .to_string()
}

/// The whole line, here-document included, as comments, with a note.
fn comment_out(out: &mut String, cmd: &Cmd<'_>, note: &str) {
    let _ = writeln!(out, "# {}  ({note})", cmd.opening.trim());
    if let (Some(body), Some(marker)) = (&cmd.line.heredoc, cmd.marker) {
        for l in body {
            let _ = writeln!(out, "#   {l}");
        }
        let _ = writeln!(out, "#   {marker}");
    }
}

/// A word of a shell line and where it sits, so it can be replaced in place.
struct Token {
    start: usize,
    end: usize,
}

/// Splits at unquoted whitespace, keeping byte ranges.
fn tokens(line: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let (mut single, mut double, mut escaped) = (false, false, false);
    let mut start = None;
    for (i, c) in line.char_indices() {
        if start.is_none() && !c.is_whitespace() {
            start = Some(i);
        }
        match c {
            _ if escaped => escaped = false,
            '\\' if !single => escaped = true,
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            c if c.is_whitespace() && !single && !double => {
                if let Some(s) = start.take() {
                    out.push(Token { start: s, end: i });
                }
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Token {
            start: s,
            end: line.len(),
        });
    }
    out
}

fn export_kafka(out: &mut String, cmd: &Cmd<'_>, program: &str) {
    let line = cmd.opening.trim();
    let toks = tokens(line);
    let text = |t: &Token| &line[t.start..t.end];
    let mut notes = Vec::new();
    // (range to replace, replacement), in order.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut has_limit = false;
    let mut heredoc_at = None;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let word = text(t);
        if word.starts_with("<<") && heredoc_at.is_none() {
            heredoc_at = Some(i);
        }
        let (flag, inline) = match word.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v)),
            _ => (word, None),
        };
        let spelled = match ALIASES.iter().find(|(w, _)| *w == flag) {
            Some((w, meant)) => {
                notes.push(format!("Kafka spells {w} as {meant}"));
                *meant
            }
            None => flag,
        };
        if matches!(flag, "--max-messages" | "--timeout-ms") {
            has_limit = true;
        }
        let address = match spelled {
            "--bootstrap-server" | "--broker-list" => Some(spelled),
            "--zookeeper" => {
                notes.push(
                    "--zookeeper became --bootstrap-server (Kafka 3.0 removed --zookeeper from the tools)"
                        .into(),
                );
                Some("--bootstrap-server")
            }
            _ => None,
        };
        match (address, inline) {
            (Some(f), Some(_)) => edits.push((t.start, t.end, format!("{f}=\"$BOOTSTRAP\""))),
            (Some(f), None) => {
                let value = toks.get(i + 1).filter(|v| !text(v).starts_with('-'));
                match value {
                    Some(v) => {
                        edits.push((t.start, v.end, format!("{f} \"$BOOTSTRAP\"")));
                        i += 1;
                    }
                    None => edits.push((t.start, t.end, f.to_string())),
                }
            }
            (None, _) if spelled != flag => {
                let rest = inline.map(|v| format!("={v}")).unwrap_or_default();
                edits.push((t.start, t.end, format!("{spelled}{rest}")));
            }
            _ => {}
        }
        i += 1;
    }
    if program == "kafka-console-consumer.sh" && !has_limit {
        // Before the here-document or pipe, if any; else at the end.
        let at = heredoc_at
            .or_else(|| {
                toks.iter()
                    .position(|t| matches!(text(t), "|" | ">" | ">>"))
            })
            .and_then(|k| k.checked_sub(1))
            .and_then(|k| toks.get(k))
            .map_or(line.len(), |t| t.end);
        edits.push((at, at, " --timeout-ms 10000".into()));
        notes.push(
            "--timeout-ms 10000 added: streamlab's consumer stops after what it can read now"
                .into(),
        );
    }
    let body_needs_quoting = cmd.line.heredoc.as_ref().is_some_and(|b| {
        b.iter()
            .any(|l| l.contains('$') || l.contains('`') || l.contains('\\'))
    });
    if let (Some(t), true) = (heredoc_at.and_then(|k| toks.get(k)), body_needs_quoting) {
        let op = text(t);
        let rest = op.trim_start_matches('<').trim_start_matches('-');
        if !rest.starts_with('\'') && !rest.starts_with('"') && !rest.is_empty() {
            let dash = if op.starts_with("<<-") { "-" } else { "" };
            edits.push((t.start, t.end, format!("<<{dash}'{rest}'")));
            notes.push("here-document marker quoted: its text is sent as written".into());
        }
    }
    // A stable insertion sort of a handful of edits: `sort_by_key` would add
    // its own copy of the stable sort to the wasm.
    for i in 1..edits.len() {
        let mut j = i;
        while j > 0 && (edits[j - 1].0, edits[j - 1].1) > (edits[j].0, edits[j].1) {
            edits.swap(j - 1, j);
            j -= 1;
        }
    }

    let mut rewritten = String::with_capacity(line.len() + 32);
    let mut pos = 0;
    for (s, e, r) in edits {
        if s < pos {
            continue;
        }
        rewritten.push_str(&line[pos..s]);
        rewritten.push_str(&r);
        pos = e;
    }
    rewritten.push_str(&line[pos..]);

    for n in &notes {
        let _ = writeln!(out, "# (export: {n})");
    }
    if let Some(err) = cmd.failure {
        let first = err.lines().next().unwrap_or_default();
        let _ = writeln!(out, "# (this fails in the scenario too: {first})");
        // On the command line; bash reads the here-document body after it.
        rewritten.push_str(" || true");
    }
    out.push_str(&rewritten);
    out.push('\n');
    if let (Some(body), Some(marker)) = (&cmd.line.heredoc, cmd.marker) {
        for l in body {
            out.push_str(l);
            out.push('\n');
        }
        out.push_str(marker);
        out.push('\n');
    }
}

fn export_sim(out: &mut String, state: &mut State, cmd: &Cmd<'_>, args: &[String]) {
    let original = cmd.line.text.trim();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("?");
    let note = match args.first().map(String::as_str) {
        Some("brokers") => format!(
            "streamlab only: a cluster of {n} brokers, ids 0..{last}; the docker-compose.yml from \
             `streamlab export --compose` runs 3",
            n = arg(1),
            last = arg(1).parse::<u32>().map_or("N-1".into(), |n| n
                .saturating_sub(1)
                .to_string())
        ),
        Some("seed") => "streamlab only: the seed of the simulation's choices; a real cluster has \
                         none, so its timing and leaders may differ"
            .into(),
        Some("advance") => {
            let secs = arg(1).parse::<u64>().ok().map(seconds);
            let _ = writeln!(
                out,
                "# {original}  (streamlab moves its clock; a real cluster needs the time to pass)"
            );
            match secs {
                Some(s) => {
                    let _ = writeln!(out, "sleep {s}");
                }
                None => out.push_str("#   (not a number of milliseconds; no sleep)\n"),
            }
            return;
        }
        Some("crash") => format!(
            "streamlab only: on a real cluster, stop broker {b} hard, e.g. docker compose kill kafka-{b}",
            b = arg(1)
        ),
        Some("restart") => format!(
            "streamlab only: on a real cluster, start broker {b} again, e.g. docker compose start kafka-{b}",
            b = arg(1)
        ),
        Some("isolate") => {
            state.isolated.insert(arg(1).to_string());
            format!(
                "streamlab only: cut broker {b} off from the other brokers and ZooKeeper, e.g. \
                 docker network disconnect {NETWORK} kafka-{b} (unlike streamlab, this cuts clients off too)",
                b = arg(1)
            )
        }
        Some("heal") => {
            let mut fixes: Vec<String> = state
                .isolated
                .iter()
                .map(|b| format!("docker network connect {NETWORK} kafka-{b}"))
                .collect();
            fixes.extend(
                state
                    .slowed
                    .iter()
                    .map(|b| format!("docker compose exec kafka-{b} tc qdisc del dev eth0 root")),
            );
            state.isolated.clear();
            state.slowed.clear();
            if fixes.is_empty() {
                "streamlab only: undo network cuts and delays; nothing was cut here".into()
            } else {
                format!(
                    "streamlab only: undo network cuts and delays, e.g. {}",
                    fixes.join("; ")
                )
            }
        }
        Some("slow") => {
            state.slowed.insert(arg(1).to_string());
            format!(
                "streamlab only: delay broker {b}'s traffic by {ms} ms, e.g. docker compose exec kafka-{b} \
                 tc qdisc add dev eth0 root netem delay {ms}ms (needs tc in the image and cap_add: NET_ADMIN)",
                b = arg(1),
                ms = arg(2)
            )
        }
        Some("set") => {
            let kv = arg(1);
            let (key, value) = kv.split_once('=').unwrap_or((kv, "?"));
            let env = format!("KAFKA_{}", key.to_ascii_uppercase().replace(['.', '-'], "_"));
            format!(
                "streamlab only: a broker setting; on a real cluster set {key}={value} in server.properties \
                 ({env}: \"{value}\" in docker-compose.yml), or, if Kafka lets it change at run time: \
                 kafka-configs.sh --bootstrap-server \"$BOOTSTRAP\" --entity-type brokers --entity-default \
                 --alter --add-config {key}={value}"
            )
        }
        Some("consumer") => consumer_note(&args[1..]),
        Some("produce") => {
            let _ = writeln!(out, "# {original}");
            match produce(&args[1..]) {
                Ok(lines) => out.push_str(&lines),
                Err(why) => {
                    let _ = writeln!(
                        out,
                        "#   (streamlab only: not turned into a console producer: {why})"
                    );
                }
            }
            return;
        }
        Some("check") => "streamlab only: the invariant checker; on a real cluster compare \
                          kafka-topics.sh --describe and what consumers read by hand"
            .into(),
        _ => "not a sim command streamlab knows".into(),
    };
    comment_out(out, cmd, &note);
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

fn consumer_note(args: &[String]) -> String {
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("?");
    let (group, member) = (arg(1), arg(2));
    match args.first().map(String::as_str) {
        Some("join") => {
            let mut topics = "?".to_string();
            let mut assignor = "range".to_string();
            let mut i = 3;
            while i + 1 < args.len() {
                match args[i].as_str() {
                    "--topics" => topics = args[i + 1].clone(),
                    "--assignor" => assignor = args[i + 1].clone(),
                    _ => {}
                }
                i += 2;
            }
            let class = match assignor.as_str() {
                "roundrobin" => "RoundRobinAssignor",
                "sticky" => "StickyAssignor",
                "cooperative-sticky" => "CooperativeStickyAssignor",
                _ => "RangeAssignor",
            };
            let list: Vec<&str> = topics.split(',').collect();
            let topic_flag = if list.len() == 1 {
                format!("--topic {}", shell_quote(&topics))
            } else {
                format!("--include {}", shell_quote(&list.join("|")))
            };
            format!(
                "streamlab only: member {member} joins group {group}; on a real cluster run in another terminal: \
                 kafka-console-consumer.sh --bootstrap-server \"$BOOTSTRAP\" {topic_flag} --group {g} \
                 --consumer-property client.id={m} --consumer-property \
                 partition.assignment.strategy=org.apache.kafka.clients.consumer.{class}",
                g = shell_quote(group),
                m = shell_quote(member),
            )
        }
        Some("leave") => format!(
            "streamlab only: member {member} leaves group {group}; on a real cluster stop that consumer \
             (Ctrl-C): it leaves at once"
        ),
        Some("crash") => format!(
            "streamlab only: member {member} of group {group} dies; on a real cluster kill -9 that consumer: \
             the group notices after session.timeout.ms"
        ),
        _ => "not a sim consumer command streamlab knows".into(),
    }
}

/// `sim produce TOPIC VALUE [--key K] [--partition P] [--acks A]
/// [--idempotence] [--count N]` as a console producer, or why not.
fn produce(args: &[String]) -> Result<String, String> {
    let topic = args.first().ok_or("no topic")?;
    let value = args.get(1).ok_or("no value")?;
    let (mut key, mut partition, mut acks, mut idempotence, mut count) =
        (None, None, None, false, 1u64);
    let mut i = 2;
    while i < args.len() {
        let flag = args[i].as_str();
        if flag == "--idempotence" {
            idempotence = true;
            i += 1;
            continue;
        }
        let v = args
            .get(i + 1)
            .ok_or_else(|| format!("{flag} has no value"))?;
        match flag {
            "--key" => key = Some(v.clone()),
            "--partition" => partition = Some(v.clone()),
            "--acks" => acks = Some(v.clone()),
            "--count" => {
                count = v
                    .parse()
                    .map_err(|_| format!("--count {v} is not a number"))?
            }
            other => return Err(format!("unknown option {other}")),
        }
        i += 2;
    }
    if count == 0 {
        return Err("--count 0 sends nothing".into());
    }
    let separator = match &key {
        None => None,
        Some(k) => Some(
            [":", "|", "=", "~"]
                .into_iter()
                .find(|s| !k.contains(s))
                .ok_or("the key holds every separator the console producer could use")?,
        ),
    };
    let record = match (&key, separator) {
        (Some(k), Some(s)) => format!("{k}{s}{value}"),
        _ => value.clone(),
    };
    let mut command = format!(
        "kafka-console-producer.sh --bootstrap-server \"$BOOTSTRAP\" --topic {}",
        shell_quote(topic)
    );
    if let Some(a) = &acks {
        let _ = write!(command, " --request-required-acks {}", shell_quote(a));
    }
    if idempotence {
        command.push_str(" --producer-property enable.idempotence=true");
    }
    if let Some(s) = separator {
        let _ = write!(
            command,
            " --property parse.key=true --property key.separator={}",
            shell_quote(s)
        );
    }
    let mut out = String::new();
    if let Some(p) = partition {
        let _ = writeln!(
            out,
            "# (streamlab wrote to partition {p}; kafka-console-producer.sh cannot choose one, its partitioner does)"
        );
    }
    if count > 100 {
        let _ = writeln!(
            out,
            "for _ in $(seq 1 {count}); do printf '%s\\n' {}; done | {command}",
            shell_quote(&record)
        );
    } else {
        let marker = ["EOF", "END_OF_RECORDS", "STREAMLAB_EOF"]
            .into_iter()
            .find(|m| record.trim() != *m)
            .unwrap_or("EOF");
        let _ = writeln!(out, "{command} <<'{marker}'");
        for _ in 0..count {
            out.push_str(&record);
            out.push('\n');
        }
        let _ = writeln!(out, "{marker}");
    }
    Ok(out)
}

/// A word as bash reads it back: bare when safe, else single-quoted.
fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=,@%+".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A docker-compose.yml for a 3-broker cluster with ZooKeeper, brokers 0,
/// 1, 2 as services `kafka-0..kafka-2` on localhost:9092..9094.
pub fn docker_compose() -> &'static str {
    DOCKER_COMPOSE
}

const DOCKER_COMPOSE: &str = r#"# A 3-broker Kafka cluster with ZooKeeper, for scripts exported by streamlab.
#   docker compose up -d          # brokers 0,1,2 on localhost:9092, 9093, 9094
#   docker compose kill kafka-1   # `sim crash 1`
#   docker compose start kafka-1  # `sim restart 1`
# Each broker has two listeners: INTERNAL for the other brokers (kafka-N:29092)
# and EXTERNAL advertised on localhost for tools on this machine.
name: streamlab

x-kafka-env: &kafka-env
  KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181
  KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT
  KAFKA_INTER_BROKER_LISTENER_NAME: INTERNAL
  KAFKA_DEFAULT_REPLICATION_FACTOR: "3"
  KAFKA_NUM_PARTITIONS: "3"
  KAFKA_MIN_INSYNC_REPLICAS: "2"
  KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "3"
  KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "3"
  KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "2"
  KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE: "false"
  KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false"
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
mod tests {
    use super::*;

    const SCRIPT: &str = "# Failover demo\n\
sim brokers 3\n\
sim seed 42\n\
kafka-topics.sh --bootstrap-server localhost:9092 --create --topic hello --partitions 3 --replication-factor 2\n\
kafka-topics.sh --bootstrap-server localhost:9092 --create --topic big --partitions 1 --replication-factor 4\n\
\n\
kafka-console-producer.sh --broker-list localhost:9092 --topic hello <<EOF\n\
first\n\
\x20\x20second with  spaces\n\
EOF\n\
sim produce hello third --partition 1\n\
sim advance 1500\n\
sim crash 1\n\
sim restart 1\n\
kafka-topics.sh --zookeeper localhost:2181 --describe --topic hello\n";

    fn export(s: &str) -> String {
        to_shell(s).expect("script parses")
    }

    /// Walks the output as bash would read its lines: here-documents must
    /// close, and every other line is a comment, blank, or a command.
    fn check_lines(out: &str) {
        let mut open: Option<String> = None;
        for l in out.lines() {
            if let Some(m) = &open {
                if l == m {
                    open = None;
                }
                continue;
            }
            if let Some(pos) = l.find("<<") {
                if !l.starts_with('#') {
                    let marker = l[pos + 2..]
                        .trim_start_matches('-')
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .trim_matches(|c| c == '\'' || c == '"');
                    assert!(!marker.is_empty(), "{l}");
                    open = Some(marker.to_string());
                }
            }
            let ok = l.is_empty()
                || l.starts_with('#')
                || l.starts_with("kafka-")
                || l.starts_with("sleep ")
                || l.starts_with("for _ in")
                || l.starts_with("set -")
                || l.starts_with("BOOTSTRAP=");
            assert!(ok, "unexpected line: {l}");
        }
        assert_eq!(open, None, "a here-document is never closed");
    }

    #[test]
    fn header_shape() {
        let out = export("");
        let mut lines = out.lines();
        assert_eq!(lines.next(), Some("#!/usr/bin/env bash"));
        assert!(out.lines().any(|l| l == "set -euo pipefail"));
        assert!(out
            .lines()
            .any(|l| l == "BOOTSTRAP=${BOOTSTRAP:-localhost:9092}"));
        check_lines(&out);
    }

    #[test]
    fn sim_lines_become_comments_and_kafka_lines_stay() {
        let out = export(SCRIPT);
        check_lines(&out);
        for l in SCRIPT.lines().filter(|l| l.starts_with("sim ")) {
            assert!(
                out.lines().any(|o| o.starts_with(&format!("# {l}"))),
                "{l} not commented in\n{out}"
            );
            assert!(!out.lines().any(|o| o == l), "{l} left as a command");
        }
        // Kafka lines verbatim but for the address.
        let created = "kafka-topics.sh --bootstrap-server \"$BOOTSTRAP\" --create --topic hello --partitions 3 --replication-factor 2";
        assert!(out.lines().any(|l| l == created), "{out}");
        assert!(out.contains("# sim crash 1  (streamlab only: on a real cluster, stop broker 1 hard, e.g. docker compose kill kafka-1)"));
        assert!(out.contains("docker compose start kafka-1"));
        assert!(out.lines().any(|l| l == "sleep 1.5"), "{out}");
        // Comments and blank lines are kept.
        assert!(out.lines().any(|l| l == "# Failover demo"));
        assert!(!out.contains("localhost:2181"));
        assert!(out
            .lines()
            .any(|l| l
                == "kafka-topics.sh --bootstrap-server \"$BOOTSTRAP\" --describe --topic hello"));
        assert!(out.contains("--zookeeper became --bootstrap-server"));
    }

    #[test]
    fn a_command_that_fails_in_the_scenario_does_not_stop_the_script() {
        let out = export(SCRIPT);
        let big = out
            .lines()
            .find(|l| l.contains("--topic big"))
            .expect("big topic line");
        assert!(big.ends_with(" || true"), "{big}");
        assert!(out.contains("# (this fails in the scenario too: Replication factor: 4 larger"));
        let hello = out
            .lines()
            .find(|l| l.contains("--create --topic hello"))
            .expect("hello topic line");
        assert!(!hello.contains("|| true"));
    }

    #[test]
    fn heredocs_are_preserved() {
        let out = export(SCRIPT);
        let lines: Vec<&str> = out.lines().collect();
        let at = lines
            .iter()
            .position(|l| {
                l.starts_with(
                    "kafka-console-producer.sh --broker-list \"$BOOTSTRAP\" --topic hello <<EOF",
                )
            })
            .expect("producer line");
        assert_eq!(
            &lines[at + 1..at + 4],
            &["first", "  second with  spaces", "EOF"]
        );
        // A body bash would expand gets a quoted marker; an indented
        // closing marker (streamlab allows it) comes out unindented.
        let out = export(
            "kafka-console-producer.sh --topic t --bootstrap-server x:1 <<END\nprice $5\n  END\n",
        );
        check_lines(&out);
        assert!(
            out.contains("--topic t --bootstrap-server \"$BOOTSTRAP\" <<'END'\nprice $5\nEND\n"),
            "{out}"
        );
    }

    #[test]
    fn sim_produce_becomes_a_console_producer() {
        let out = export("sim produce orders 'a b' --key k:1 --acks all --count 3\n");
        check_lines(&out);
        assert!(out.contains(
            "kafka-console-producer.sh --bootstrap-server \"$BOOTSTRAP\" --topic orders --request-required-acks all \
             --property parse.key=true --property key.separator='|' <<'EOF'\nk:1|a b\nk:1|a b\nk:1|a b\nEOF\n"
        ), "{out}");
        let out = export("sim produce t v --partition 2\n");
        assert!(out.contains("streamlab wrote to partition 2"));
        assert!(out.contains("--topic t <<'EOF'\nv\nEOF\n"), "{out}");
        let out = export("sim produce t \"it's\" --count 500 --idempotence\n");
        check_lines(&out);
        assert!(out.contains(
            "for _ in $(seq 1 500); do printf '%s\\n' 'it'\\''s'; done | kafka-console-producer.sh"
        ), "{out}");
        assert!(out.contains("enable.idempotence=true"));
        let out = export("sim produce t v --bogus 1\n");
        assert!(out.contains("not turned into a console producer: unknown option --bogus"));
        assert!(!out.lines().any(|l| l.starts_with("kafka-")));
    }

    #[test]
    fn consumers_get_a_timeout_and_misspellings_are_fixed() {
        let out = export(
            "kafka-topics.sh --bootstap-server=localhost:9092 --create --topic t --partitions 1 --replicas-factor 1\n\
             kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic t --from-beginning\n\
             kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic t --max-messages 2\n",
        );
        check_lines(&out);
        assert!(out.lines().any(|l| l == "kafka-console-consumer.sh --bootstrap-server \"$BOOTSTRAP\" --topic t --from-beginning --timeout-ms 10000"), "{out}");
        assert!(out.lines().any(|l| l == "kafka-console-consumer.sh --bootstrap-server \"$BOOTSTRAP\" --topic t --max-messages 2"));
        assert!(out.lines().any(|l| l == "kafka-topics.sh --bootstrap-server=\"$BOOTSTRAP\" --create --topic t --partitions 1 --replication-factor 1"), "{out}");
    }

    #[test]
    fn faults_name_real_cluster_equivalents() {
        let out = export(
            "sim isolate 2\nsim slow 0 50\nsim heal\nsim consumer join g c1 --topics a,b --assignor roundrobin\n\
             sim consumer crash g c1\nsim set unclean.leader.election.enable=true\nkafka-server-stop.sh 1\n",
        );
        check_lines(&out);
        assert!(out.contains("docker network disconnect streamlab kafka-2"));
        assert!(out.contains("docker network connect streamlab kafka-2"));
        assert!(out.contains("tc qdisc del dev eth0 root"));
        assert!(out.contains("--include 'a|b' --group g"));
        assert!(out.contains("consumer.RoundRobinAssignor"));
        assert!(out.contains("session.timeout.ms"));
        assert!(out.contains("KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE: \"true\""));
        assert!(out.contains("# kafka-server-stop.sh 1  (on a real cluster, stop broker 1, e.g. docker compose stop kafka-1;"));
    }

    #[test]
    fn bad_scripts_are_refused() {
        assert_eq!(
            to_shell("sim seed 1\nkafka-console-producer.sh --topic t <<EOF\nx\n"),
            Err(ScriptError::UnclosedHeredoc {
                line: 2,
                marker: "EOF".into()
            })
        );
        assert_eq!(
            to_shell("sim produce t 'oops\n"),
            Err(ScriptError::UnterminatedQuote { line: 1 })
        );
    }

    #[test]
    fn seconds_for_sleep() {
        assert_eq!(seconds(0), "0");
        assert_eq!(seconds(5), "0.005");
        assert_eq!(seconds(100), "0.1");
        assert_eq!(seconds(1500), "1.5");
        assert_eq!(seconds(2000), "2");
    }

    #[test]
    fn compose_has_three_brokers_on_localhost() {
        let c = docker_compose();
        for id in 0..3 {
            assert!(c.contains(&format!("  kafka-{id}:\n")));
            assert!(c.contains(&format!("KAFKA_BROKER_ID: {id}\n")));
            assert!(c.contains(&format!("EXTERNAL://localhost:909{}", 2 + id)));
            assert!(c.contains(&format!("\"909{p}:909{p}\"", p = 2 + id)));
        }
        assert!(c.contains("confluentinc/cp-zookeeper:"));
        assert_eq!(c.matches("image: confluentinc/cp-kafka:").count(), 3);
        assert!(c.contains("KAFKA_DEFAULT_REPLICATION_FACTOR: \"3\""));
        assert!(c.contains(&format!("name: {NETWORK}")));
        assert!(!c.contains('\t'), "YAML forbids tabs");
    }
}
