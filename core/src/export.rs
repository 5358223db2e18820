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

use crate::flume::{parse_agent_config, KAFKA_SINK, TYPE_INTERCEPTOR};
use crate::script::{
    heredoc_marker, parse, parse_duration, parse_produce, parse_sim_consumer, quote, split_words,
    Line, ScriptError, Session, SIM_COMMANDS, TOOLS,
};
use crate::{Command, OffsetReset, Produce, ProducerConfig};

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

// The bash the export writes around the script's lines. Every string here
// is in the page's wasm (its Export button), so they say what they must
// and no more.

const HEADER: &str = r#"#!/usr/bin/env bash
# A streamlab scenario as commands for a real Kafka cluster. Every word of
# the scenario is quoted: nothing in it runs as shell. Kafka's tools must be
# on PATH. `streamlab export --compose` writes a 3-broker docker-compose.yml.
set -euo pipefail
BOOTSTRAP=${BOOTSTRAP:-localhost:9092}
"#;

const CONSUMER_TIMEOUT: &str = r#"# A console consumer stops after this long without a record (streamlab's
# stops once it has read what is readable now).
CONSUMER_TIMEOUT_MS=${CONSUMER_TIMEOUT_MS:-10000}
"#;

const FAULT: &str = r#"# Faults no Kafka tool makes: done by the program $STREAMLAB_FAULTS names
# (`cargo xtask oracle` sets one), else printed, to do by hand.
fault() {
  if [[ -n ${STREAMLAB_FAULTS:-} ]]; then "$STREAMLAB_FAULTS" "$@"
  else printf 'streamlab: do this by hand: %s\n' "$*" >&2; fi
}
"#;

const BACKGROUND: &str = r#"# Group members and Flume agents run in the background (output in
# $work/bg-N.out) and are stopped when the script ends.
work=${STREAMLAB_WORK:-$(mktemp -d)}
pids=()
bg_start() { local n=$1; shift; "$@" </dev/null >"$work/bg-$n.out" 2>&1 & pids[n]=$!; }
bg_stop() { kill -s "$2" "${pids[$1]}" 2>/dev/null || true; wait "${pids[$1]}" 2>/dev/null || true; }
cleanup() {
  local p
  for p in ${pids[@]+"${pids[@]}"}; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [[ -z ${STREAMLAB_WORK:-} ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT
"#;

const FLUME_PORT: &str = r#"# Flume agent k (0 for the first one started) serves its counters over
# HTTP on port FLUME_MONITORING_PORT + k.
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
const SIM_ONLY_SETTINGS: &[&str] = &["truncation", "replica.fetch.max.records"];

/// Above this many records a `sim produce` is generated by a loop instead
/// of written out in a here-document.
const LOOP_ABOVE: usize = 100;

const ADDRESS: &str = " --bootstrap-server \"$BOOTSTRAP\"";

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
        ex.keep(raw.get(next..start));
        let opening = raw.get(start).map_or(line.text.as_str(), |r| r.trim());
        ex.line(line, opening)?;
        next = start + 1 + line.heredoc.as_ref().map_or(0, |b| b.len() + 1);
    }
    ex.keep(raw.get(next..));
    let mut out = String::from(HEADER);
    for (used, part) in [
        (ex.consumer_timeout, CONSUMER_TIMEOUT),
        (ex.fault, FAULT),
        (ex.background > 0 || ex.work, BACKGROUND),
        (!ex.agents.is_empty(), FLUME_PORT),
    ] {
        if used {
            out.push_str(part);
        }
    }
    out.push('\n');
    out.push_str(&ex.out);
    Ok(out)
}

/// A Flume agent the script started: its name, its number k (monitoring on
/// `FLUME_MONITORING_PORT + k`), its sources' `/dev/tcp` addresses.
type Agent = (String, usize, Vec<(String, String)>);

/// The export in progress: the script played so far, and what it started.
#[derive(Default)]
struct Exporter {
    session: Session,
    out: String,
    consumer_timeout: bool,
    fault: bool,
    /// Background processes started so far (their numbers for `bg_*`).
    background: usize,
    /// Whether a line writes a file to `$work`.
    work: bool,
    /// (group, member, background number) of each running member.
    members: Vec<(String, String, usize)>,
    agents: Vec<Agent>,
}

impl Exporter {
    fn put(&mut self, parts: &[&str]) {
        for p in parts {
            self.out.push_str(p);
        }
    }

    /// Comments and blank lines of the script, kept.
    fn keep(&mut self, raw: Option<&[&str]>) {
        for r in raw.unwrap_or_default() {
            self.put(&[r.trim(), "\n"]);
        }
    }

    fn word(&mut self, w: &str) {
        self.out.push(' ');
        self.out.push_str(&quote(w));
    }

    /// ` FLAG 'KEY=VALUE'`.
    fn prop(&mut self, flag: &str, key: &str, value: &str) {
        self.put(&[" ", flag]);
        self.word(&[key, "=", value].concat());
    }

    /// ` <<'MARKER'`, the text, the marker: bash expands nothing inside.
    fn heredoc(&mut self, body: &[String]) {
        self.heredoc_then(body, "");
    }

    /// The same, with `then` (`|| true`) after the marker: bash reads the
    /// text once the command line ends, and the redirection must come
    /// before `||` to feed the command rather than `true`.
    fn heredoc_then(&mut self, body: &[String], then: &str) {
        let m = heredoc_marker(body);
        self.put(&[" <<'", &m, "'", then, "\n"]);
        for l in body {
            self.put(&[l, "\n"]);
        }
        self.put(&[&m, "\n"]);
    }

    /// The script line as a comment, with what became of it.
    fn comment(&mut self, opening: &str, why: &str) {
        self.put(&["# ", opening, "  (", why, ")\n"]);
    }

    /// A line with nothing to run: itself and its here-document as comments.
    fn comment_out(&mut self, line: &Line, opening: &str, why: &str) {
        self.comment(opening, why);
        for l in line.heredoc.iter().flatten() {
            self.put(&["#   ", l, "\n"]);
        }
    }

    fn background(&mut self) -> usize {
        self.background += 1;
        self.put(&["bg_start ", &self.background.to_string(), " "]);
        self.background
    }

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
        let sub = args.first().map_or("", String::as_str);
        if program == "sim" && !SIM_COMMANDS.contains(&sub) {
            return Err(ExportError::UnknownSimCommand {
                line: n,
                sub: sub.to_string(),
            });
        }
        // Play the line first: whether it fails, and what it started.
        let output = self.session.execute(line);
        let failure = output
            .is_error
            .then(|| output.text.lines().next().unwrap_or_default());
        match (program, failure) {
            // What streamlab refuses has no real meaning to run, and a real
            // agent with a bad configuration would run on, logging.
            ("sim" | "flume-ng", Some(err)) => {
                self.comment_out(line, opening, &["streamlab refuses it: ", err].concat());
            }
            ("sim", None) => self.sim(line, opening, sub, &args[1..]),
            ("flume-ng", None) => self.flume_agent(line, args),
            _ => self.kafka_tool(program, args, line, failure),
        }
        Ok(())
    }

    /// One of Kafka's tools, its words quoted, its address `$BOOTSTRAP`.
    fn kafka_tool(
        &mut self,
        program: &'static str,
        args: &[String],
        line: &Line,
        failure: Option<&str>,
    ) {
        let mut notes: Vec<&str> = Vec::new();
        let mut cmd = String::new();
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
                Some((_, meant)) => {
                    notes.push("the seed's misspelt option as Kafka spells it");
                    *meant
                }
                None => flag,
            };
            if matches!(flag, "--bootstrap-server" | "--broker-list" | "--zookeeper") {
                if flag != "--bootstrap-server" {
                    notes.push("--zookeeper (gone in Kafka 3.0) and --broker-list (gone in 4.0) are --bootstrap-server");
                }
                // The value, if the flag has one, is the simulation's
                // address: dropped (as Flags::parse takes it).
                if inline.is_none() && args.get(i).is_some_and(|v| !v.starts_with("--")) {
                    i += 1;
                }
                cmd.push_str(ADDRESS);
                continue;
            }
            has_timeout |= flag == "--timeout-ms";
            cmd.push(' ');
            cmd.push_str(&quote(&match inline {
                Some(v) => [flag, "=", v].concat(),
                None if word.starts_with("--") => flag.to_string(),
                None => word.clone(),
            }));
        }
        let mut tool = program;
        match program {
            "kafka-preferred-replica-election.sh" => {
                notes.push("kafka-preferred-replica-election.sh is kafka-leader-election.sh since Kafka 3.0");
                tool = "kafka-leader-election.sh";
            }
            "kafka-console-consumer.sh" if !has_timeout => {
                self.consumer_timeout = true;
                cmd.push_str(" --timeout-ms \"$CONSUMER_TIMEOUT_MS\"");
                notes.push("--timeout-ms added: a real consumer waits for more, even with --max-messages");
            }
            "kafka-console-producer.sh" if line.heredoc.is_none() => {
                // A real producer would read the bash script's own input.
                cmd.push_str(" </dev/null");
            }
            "kafka-server-start.sh" => {
                cmd = server_start(args);
                notes.push("as a daemon, with a properties file; run it on the broker's host (cargo xtask oracle starts that broker again on its data directory)");
            }
            "kafka-server-stop.sh" => notes.push("stops every broker on its host; cargo xtask oracle sends SIGTERM to the broker the line names, else to all"),
            _ => {}
        }
        for n in notes {
            self.put(&["# (export: ", n, ")\n"]);
        }
        if let Some(err) = failure {
            self.put(&["# (this fails in the scenario too: ", err, ")\n"]);
        }
        self.put(&[tool, &cmd]);
        let then = if failure.is_some() { " || true" } else { "" };
        match &line.heredoc {
            Some(body) => self.heredoc_then(body, then),
            None => self.put(&[then, "\n"]),
        }
    }

    fn sim(&mut self, line: &Line, opening: &str, sub: &str, rest: &[String]) {
        let why = match sub {
            "brokers" => "streamlab only: the cluster's size, brokers 0..N-1",
            "seed" => "streamlab only: a real cluster's timing and leaders are its own",
            "kafka" => "streamlab only: the Kafka version the simulation follows",
            "events" => "streamlab only: the simulation's event log (a real broker's are server.log and state-change.log)",
            "check" => "streamlab only: the invariant checker over the event log",
            "advance" => {
                let ms = rest.first().and_then(|d| parse_duration(d).ok()).unwrap_or(0);
                self.comment(opening, "the time passes");
                self.put(&["sleep ", &seconds(ms), "\n"]);
                return;
            }
            "status" => {
                self.comment(opening, "the nearest real view: leaders, replicas, ISR");
                self.put(&["kafka-topics.sh", ADDRESS, " --describe || true\n"]);
                return;
            }
            "crash" | "restart" | "isolate" | "heal" | "slow" | "cut" | "drop" => {
                return self.fault(opening, sub, rest)
            }
            "set" => return self.set(opening, rest),
            "elect-preferred" => return self.elect_preferred(line.number, opening, rest),
            "produce" => {
                if let Ok(p) = parse_produce(rest, None) {
                    self.comment(opening, "a console producer with streamlab's producer settings");
                    self.produce(&p);
                    return;
                }
                "not exported"
            }
            "consumer" => return self.consumer(line, opening, rest),
            "flume" => return self.sim_flume(line, opening, rest),
            // `line` checked every subcommand against SIM_COMMANDS.
            _ => "streamlab only",
        };
        self.comment_out(line, opening, why);
    }

    fn fault(&mut self, opening: &str, sub: &str, rest: &[String]) {
        let why = match sub {
            "crash" if rest.get(1).is_some_and(|w| w == "--disk-lost") => "SIGKILL, and its log directories are emptied",
            "crash" => "SIGKILL: no clean shutdown",
            "restart" => "started again on its log directories",
            "isolate" => "cut off from the other brokers and ZooKeeper, clients still reach it: network namespaces",
            "heal" => "every cut, loss and delay undone",
            "slow" => "its answers late: tc netem delay (cargo xtask oracle: SIGSTOP, SIGCONT)",
            "cut" => "no traffic between the two: network namespaces or iptables",
            _ => "that share of their messages lost: tc netem loss",
        };
        // The sim line's own words, quoted: streamlab accepted them, and
        // `fault` takes what `sim` takes (`1500ms`, `zookeeper`, ...).
        self.fault = true;
        self.comment(opening, why);
        self.put(&["fault ", sub]);
        for w in rest {
            self.word(w);
        }
        self.out.push('\n');
    }

    fn set(&mut self, opening: &str, rest: &[String]) {
        let (key, value) = match (rest.first(), rest.get(1)) {
            (Some(kv), None) => kv.split_once('=').unwrap_or((kv.as_str(), "")),
            (Some(k), Some(v)) => (k.as_str(), v.as_str()),
            _ => ("", ""),
        };
        if SIM_ONLY_SETTINGS.contains(&key) {
            self.comment(opening, "streamlab only: no Kafka setting");
        } else if DYNAMIC_SETTINGS.contains(&key) {
            self.comment(
                opening,
                "a cluster-wide broker default, changed while the brokers run",
            );
            self.put(&[
                "kafka-configs.sh",
                ADDRESS,
                " --entity-type brokers --entity-default --alter --add-config",
            ]);
            self.word(&[key, "=", value].concat());
            self.out.push('\n');
        } else {
            self.fault = true;
            self.comment(opening, "read-only in Kafka: server.properties, then a restart (cargo xtask oracle starts the brokers with it if it comes first)");
            self.out.push_str("fault set");
            self.word(key);
            self.word(value);
            self.out.push('\n');
        }
    }

    fn elect_preferred(&mut self, number: u32, opening: &str, rest: &[String]) {
        self.comment(opening, "kafka-leader-election.sh");
        let Some(topic) = rest.first() else {
            self.put(&[
                "kafka-leader-election.sh",
                ADDRESS,
                " --election-type PREFERRED --all-topic-partitions\n",
            ]);
            return;
        };
        // The tool takes one partition or a JSON file of them.
        let count = self
            .session
            .sim()
            .snapshot()
            .topics
            .get(topic)
            .map_or(0, |t| t.partitions.len());
        // Kafka's topic names need no JSON escaping, and the topic exists
        // (or streamlab would have refused the line).
        let name = ["\"", topic, "\""].concat();
        let mut json = String::from("{\"partitions\":[");
        for p in 0..count {
            if p > 0 {
                json.push(',');
            }
            json.push_str(&["{\"topic\":", &name, ",\"partition\":", &p.to_string(), "}"].concat());
        }
        json.push_str("]}");
        let file = ["\"$work/election-", &number.to_string(), ".json\""].concat();
        self.out.push_str("printf '%s\\n'");
        self.word(&json);
        self.put(&[
            " >",
            &file,
            "\nkafka-leader-election.sh",
            ADDRESS,
            " --election-type PREFERRED --path-to-json-file ",
            &file,
            "\n",
        ]);
        self.work = true;
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
                self.comment(opening, "a console consumer in the background, its client.id the member's name");
                let n = self.background();
                self.members.push((group.clone(), member.clone(), n));
                self.put(&["kafka-console-consumer.sh", ADDRESS]);
                if let [one] = topics.as_slice() {
                    self.out.push_str(" --topic");
                    self.word(one);
                } else {
                    let alternatives: Vec<String> = topics.iter().map(|t| regex_literal(t)).collect();
                    self.out.push_str(" --include");
                    self.word(&["^(", &alternatives.join("|"), ")$"].concat());
                }
                self.out.push_str(" --group");
                self.word(&group);
                let reset = match config.auto_offset_reset {
                    OffsetReset::Earliest => "earliest",
                    OffsetReset::Latest => "latest",
                    OffsetReset::None => "none",
                };
                let commit = if config.enable_auto_commit { "true" } else { "false" };
                for (k, v) in [
                    ("client.id", member.as_str()),
                    ("partition.assignment.strategy", assignor.class_name()),
                    ("auto.offset.reset", reset),
                    ("enable.auto.commit", commit),
                    ("auto.commit.interval.ms", &config.auto_commit_interval_ms.to_string()),
                    ("session.timeout.ms", &config.session_timeout_ms.to_string()),
                    ("max.poll.records", &config.max_poll_records.to_string()),
                ] {
                    self.prop("--consumer-property", k, v);
                }
                self.out.push('\n');
            }
            Ok(Command::ConsumerLeave { group, member })
            | Ok(Command::ConsumerCrash { group, member }) => {
                let at = self
                    .members
                    .iter()
                    .position(|(g, m, _)| *g == group && *m == member);
                let Some((_, _, n)) = at.map(|i| self.members.remove(i)) else {
                    return self.comment_out(line, opening, "not exported: no console consumer plays it");
                };
                let (signal, why) = if rest.first().is_some_and(|a| a == "crash") {
                    ("KILL", "SIGKILL: the coordinator notices after session.timeout.ms")
                } else {
                    ("TERM", "SIGTERM: the consumer commits and leaves the group")
                };
                self.comment(opening, why);
                self.put(&["bg_stop ", &n.to_string(), " ", signal, "\n"]);
            }
            _ => self.comment_out(line, opening, "streamlab only: a console consumer commits every auto.commit.interval.ms and when it stops"),
        }
    }

    /// `flume-ng agent …`: its here-document becomes the properties file.
    fn flume_agent(&mut self, line: &Line, args: &[String]) {
        let body = line.heredoc.clone().unwrap_or_default();
        let mut name = String::new();
        let mut rest = String::new();
        // `agent` first: streamlab refuses the line otherwise.
        let mut it = args.iter().skip(1);
        while let Some(w) = it.next() {
            match w.as_str() {
                "--name" | "-n" => name = it.next().cloned().unwrap_or_default(),
                // Replaced by the file written here.
                "--conf-file" | "-f" => {
                    it.next();
                }
                other => {
                    rest.push(' ');
                    rest.push_str(&quote(other));
                }
            }
        }
        let index = self.agents.len().to_string();
        let file = [
            "\"$work/flume-",
            &(self.background + 1).to_string(),
            ".properties\"",
        ]
        .concat();
        self.put(&["# (export: the properties to a file; the agent in the background, monitored over HTTP)\ncat >", &file]);
        self.heredoc(&body);
        let mut netcat = Vec::new();
        if let Ok(agent) = parse_agent_config(&body.join("\n"), &name) {
            for sink in agent.sinks.iter().filter(|k| k.type_name == KAFKA_SINK) {
                self.out.push_str("printf '%s = %s\\n'");
                self.word(&[&name, ".sinks.", &sink.name, ".kafka.bootstrap.servers"].concat());
                self.put(&[" \"$BOOTSTRAP\" >>", &file, "\n"]);
            }
            for s in &agent.sources {
                if s.interceptors
                    .iter()
                    .any(|i| i.type_name == TYPE_INTERCEPTOR)
                {
                    self.out.push_str("# (export: the course's TypeInterceptor must be in Flume's lib/; cargo xtask oracle builds it)\n");
                }
                // Where `sim flume feed` sends lines (a netcat source's
                // bind and port; streamlab refuses the others).
                if let Some(port) = s.context.get("port") {
                    let host = match s.context.get("bind") {
                        None | Some("0.0.0.0") => "127.0.0.1",
                        Some(h) => h,
                    };
                    netcat.push((s.name.clone(), ["/dev/tcp/", host, "/", port].concat()));
                }
            }
        }
        self.background();
        self.out.push_str("flume-ng agent --name");
        self.word(&name);
        self.put(&[
            &rest,
            " --conf-file ",
            &file,
            " -Dflume.monitoring.type=http \"-Dflume.monitoring.port=$((FLUME_MONITORING_PORT + ",
            &index,
            "))\"\n",
        ]);
        self.agents.push((name, self.agents.len(), netcat));
    }

    fn sim_flume(&mut self, line: &Line, opening: &str, rest: &[String]) {
        let agent = rest
            .get(1)
            .and_then(|a| self.agents.iter().find(|(n, _, _)| n == a))
            .cloned();
        match (rest.first().map(String::as_str), agent) {
            (Some("metrics"), Some((_, index, _))) => {
                self.comment(opening, "Flume's HTTP monitoring");
                self.put(&[
                    "curl -s \"http://127.0.0.1:$((FLUME_MONITORING_PORT + ",
                    &index.to_string(),
                    "))/metrics\"; echo\n",
                ]);
            }
            (Some("feed"), Some((_, _, netcat))) => {
                let address = netcat.into_iter().find(|(n, _)| Some(n) == rest.get(2));
                let Some((_, path)) = address else {
                    return self.comment_out(
                        line,
                        opening,
                        "not exported: no netcat source's address",
                    );
                };
                self.comment(
                    opening,
                    "the lines to the netcat source's port, through bash's /dev/tcp",
                );
                let target = quote(&path);
                let lines = rest.get(3..).unwrap_or_default();
                if lines.is_empty() {
                    self.put(&["cat >", &target]);
                    self.heredoc(line.heredoc.as_deref().unwrap_or_default());
                } else {
                    self.out.push_str("printf '%s\\n'");
                    for l in lines {
                        self.word(l);
                    }
                    self.put(&[" >", &target, "\n"]);
                }
            }
            _ => self.comment_out(
                line,
                opening,
                "streamlab only: a real sink fails when what it writes to does",
            ),
        }
    }

    /// `sim produce` as a console producer sending the same records with
    /// the same producer settings (the console producer's own defaults
    /// differ: acks=-1, retries=3, request.timeout.ms=1500, linger.ms=1000,
    /// idempotence on since Kafka 3.0).
    fn produce(&mut self, p: &Produce) {
        let c = p.config.effective();
        let d = ProducerConfig::default();
        if let Some(part) = p.partition {
            self.put(&[
                "# (export: streamlab wrote to partition ",
                &part.to_string(),
                "; the console producer cannot choose one)\n",
            ]);
        }
        // A separator no key contains: the reader splits at its first
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
        let record = |(k, v): &(Option<String>, String)| match k {
            Some(k) => [k, separator.as_str(), v].concat(),
            None => v.clone(),
        };
        let many = p.records.len() > LOOP_ABOVE;
        if many {
            // The same `VALUE-i` records, without writing them all out.
            let (k, v) = &p.records[0];
            let prefix = record(&(k.clone(), v.strip_suffix("-1").unwrap_or(v).to_string()));
            self.put(&[
                "for ((i = 1; i <= ",
                &p.records.len().to_string(),
                "; i++)); do printf '%s-%d\\n'",
            ]);
            self.word(&prefix);
            self.out.push_str(" \"$i\"; done | ");
        }
        self.put(&["kafka-console-producer.sh", ADDRESS, " --topic"]);
        self.word(&p.topic);
        self.put(&[" --request-required-acks ", &c.acks.to_string()]);
        let flag = "--producer-property";
        self.prop(
            flag,
            "enable.idempotence",
            if c.enable_idempotence {
                "true"
            } else {
                "false"
            },
        );
        self.prop(flag, "retries", &c.retries.to_string());
        self.prop(
            flag,
            "request.timeout.ms",
            &c.request_timeout_ms.to_string(),
        );
        self.prop(flag, "linger.ms", "0");
        for (name, value, default) in [
            ("retry.backoff.ms", c.retry_backoff_ms, d.retry_backoff_ms),
            (
                "delivery.timeout.ms",
                c.delivery_timeout_ms,
                d.delivery_timeout_ms,
            ),
            (
                "max.in.flight.requests.per.connection",
                u64::from(c.max_in_flight),
                u64::from(d.max_in_flight),
            ),
        ] {
            if value != default {
                self.prop(flag, name, &value.to_string());
            }
        }
        if c.partitioner == crate::producer::NullKeyStrategy::RoundRobin {
            self.prop(
                flag,
                "partitioner.class",
                "org.apache.kafka.clients.producer.RoundRobinPartitioner",
            );
        }
        self.prop(flag, "client.id", &p.producer);
        if keys().next().is_some() {
            self.out
                .push_str(" --property parse.key=true --property key.separator=");
            self.out.push_str(&quote(&separator));
        }
        if many {
            self.out.push('\n');
        } else {
            let body: Vec<String> = p.records.iter().map(record).collect();
            self.heredoc(&body);
        }
    }
}

/// `kafka-server-start.sh -daemon FILE [--override K=V]...` as the real
/// script needs it (`-daemon` first, then the properties file), from what
/// the scenario wrote: streamlab reads a bare number as the broker id and
/// runs without a file, in the background.
fn server_start(args: &[String]) -> String {
    let mut file = None;
    let mut overrides = String::new();
    let mut other = String::new();
    let mut it = args.iter();
    while let Some(w) = it.next() {
        match w.as_str() {
            "-daemon" | "--daemon" => {}
            "--override" => {
                if let Some(v) = it.next() {
                    overrides.push_str(" --override ");
                    overrides.push_str(&quote(v));
                }
            }
            o if o.parse::<i32>().is_ok() => {
                overrides.push_str(" --override broker.id=");
                overrides.push_str(o.trim());
            }
            o if !o.starts_with('-') && file.is_none() => file = Some(quote(o)),
            o => {
                other.push(' ');
                other.push_str(&quote(o));
            }
        }
    }
    [
        " -daemon ",
        file.as_deref().unwrap_or("config/server.properties"),
        &overrides,
        &other,
    ]
    .concat()
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

/// Milliseconds as a `sleep` argument: `100` → `0.1`, `2000` → `2`.
fn seconds(ms: u64) -> String {
    let (s, frac) = (ms / 1000, ms % 1000);
    if frac == 0 {
        s.to_string()
    } else {
        let f = (frac + 1000).to_string();
        [&s.to_string(), ".", f[1..].trim_end_matches('0')].concat()
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
