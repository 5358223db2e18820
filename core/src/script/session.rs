//! Runs script lines against a simulation and collects what each printed.

use super::{
    flume_ng, kafka_console, kafka_server, kafka_topics, parse, sim_cmd, split_words, Entry, Line,
    ScriptError,
};
use crate::error::CommandError;
use crate::event::Event;
use crate::sim::{ClusterConfig, Simulation, Variation};

/// The programs a script line can start with (as `bin/NAME` or `./NAME`
/// too); anything else is `command not found`. The export refuses the rest.
pub(crate) const TOOLS: &[&str] = &[
    "kafka-topics.sh",
    "kafka-console-producer.sh",
    "kafka-console-consumer.sh",
    "kafka-consumer-groups.sh",
    "kafka-server-start.sh",
    "kafka-server-stop.sh",
    "kafka-leader-election.sh",
    "kafka-preferred-replica-election.sh",
    "flume-ng",
    "sim",
];

/// One line per program of [`TOOLS`], what `help` prints (the page console
/// and `streamlab console` both run lines through [`Session`], so this is the
/// one list of what the console knows).
const HELP: &[(&str, &str)] = &[
    ("kafka-topics.sh", "create, list, describe, alter or delete topics (--create --topic T --partitions N --replication-factor R)"),
    ("kafka-console-producer.sh", "send records to a topic, one per line (--broker-list HOST:PORT --topic T, lines in a here-document)"),
    ("kafka-console-consumer.sh", "read records from a topic (--bootstrap-server HOST:PORT --topic T [--from-beginning] [--group G])"),
    ("kafka-consumer-groups.sh", "list or describe consumer groups, their members, offsets and lag"),
    ("kafka-server-start.sh", "start a stopped broker"),
    ("kafka-server-stop.sh", "stop a broker"),
    ("kafka-leader-election.sh", "elect leaders (preferred or unclean) for partitions"),
    ("kafka-preferred-replica-election.sh", "move leadership back to each partition's preferred replica"),
    ("flume-ng", "run a Flume agent from a configuration (flume-ng agent --name A --conf-file F)"),
    ("sim", "the playground's own controls: brokers, seed, time, faults, settings (sim brokers N, sim advance 5s, sim crash 1, sim set K=V)"),
];

/// `help` lists the programs; `help PROGRAM` gives that one's line.
fn help(args: &[String]) -> Result<String, CommandError> {
    match args.first() {
        None => Ok(HELP
            .iter()
            .map(|(name, what)| format!("{name:<36} {what}"))
            .chain(std::iter::once(
                "help PROGRAM gives one program's line".to_string(),
            ))
            .collect::<Vec<_>>()
            .join("\n")),
        Some(name) => {
            let name = name.rsplit('/').next().unwrap_or(name);
            HELP.iter()
                .find(|(n, _)| *n == name)
                .map(|(n, what)| format!("{n}: {what}"))
                .ok_or_else(|| {
                    CommandError::Usage(format!(
                        "help: no help topics match `{name}` (the programs are: {})",
                        TOOLS.join(", ")
                    ))
                })
        }
    }
}

/// What one script line printed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Output {
    pub line: u32,
    pub command: String,
    pub text: String,
    pub is_error: bool,
}

/// A scenario being played: the simulation plus the settings that must be
/// fixed before it starts (`sim brokers`, `sim seed`).
#[derive(Debug, Clone)]
pub struct Session {
    pub(crate) config: ClusterConfig,
    pub(crate) seed: u64,
    pub(crate) sim: Simulation,
    /// Whether a line has changed the cluster (after that, `sim brokers`/`sim seed` are refused).
    pub(crate) started: bool,
    /// Every event so far, in order (the checker and the UI read it).
    events: Vec<Event>,
    /// The setting held for the whole run (a variant of `sim vary`).
    pub(crate) variation: Option<Variation>,
    /// The line of the script's `sim vary`, once run.
    pub(crate) vary_line: Option<u32>,
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

impl Session {
    pub fn new() -> Self {
        let config = ClusterConfig::default();
        Self {
            sim: Simulation::new(config.clone(), 0),
            config,
            seed: 0,
            started: false,
            events: Vec::new(),
            variation: None,
            vary_line: None,
        }
    }

    /// A session that holds `variation` from its start: one variant of a
    /// script's `sim vary`.
    pub fn variant(variation: Variation) -> Self {
        let mut s = Self::new();
        s.variation = Some(variation);
        s.reset();
        s
    }

    /// Holds `variation` from now on (only before the cluster changed).
    pub(crate) fn hold(&mut self, variation: Variation) -> Result<(), CommandError> {
        self.variation = Some(variation);
        let held = self.sim.hold(variation);
        self.collect_events();
        held
    }

    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    pub fn sim_mut(&mut self) -> &mut Simulation {
        self.started = true;
        &mut self.sim
    }

    /// Rebuilds the simulation from the current settings (only before it started).
    pub(crate) fn reset(&mut self) {
        self.sim = Simulation::new(self.config.clone(), self.seed);
        if let Some(v) = self.variation {
            // Checked when the variation was read: a held value is one the
            // setting accepts.
            let _ = self.sim.hold(v);
        }
        self.events.clear();
        self.collect_events();
    }

    /// A copy of the state without its event history (for checkpoints).
    pub(crate) fn without_history(&self) -> Session {
        let mut s = Session {
            config: self.config.clone(),
            seed: self.seed,
            sim: self.sim.clone(),
            started: self.started,
            events: Vec::new(),
            variation: self.variation,
            vary_line: self.vary_line,
        };
        s.collect_events();
        s
    }

    /// Puts back the history a checkpoint left out.
    pub(crate) fn restore_history(&mut self, events: &[Event]) {
        let mut all = events.to_vec();
        all.append(&mut self.events);
        self.events = all;
    }

    /// The full event trace so far.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    fn collect_events(&mut self) {
        self.events.extend(self.sim.drain_events());
    }

    /// Lets simulated time pass (the UI's clock), keeping the trace.
    pub fn advance(&mut self, ms: u64) {
        self.started = true;
        self.sim.advance(ms);
        self.collect_events();
    }

    /// Runs one line and returns what it printed. Never panics on bad input.
    pub fn execute(&mut self, line: &Line) -> Output {
        let words = split_words(&line.text, line.number);
        self.execute_words(line, words.as_deref())
    }

    /// Runs an entry, split into words when it was made.
    pub(crate) fn execute_entry(&mut self, entry: &Entry) -> Output {
        self.execute_words(entry.line(), entry.words())
    }

    fn execute_words(&mut self, line: &Line, words: Result<&[String], &ScriptError>) -> Output {
        self.collect_events();
        let result = words
            .map_err(|e| CommandError::Usage(e.to_string()))
            .and_then(|words| self.dispatch(words, line));
        self.collect_events();
        let (text, is_error) = match result {
            Ok(text) => (text, false),
            Err(text) => (text.to_string(), true),
        };
        Output {
            line: line.number,
            command: line.text.clone(),
            text,
            is_error,
        }
    }

    /// Runs one line's words; every program of [`TOOLS`] has its arm here.
    fn dispatch(&mut self, words: &[String], line: &Line) -> Result<String, CommandError> {
        let Some(program) = words.first() else {
            return Ok(String::new());
        };
        // `bin/kafka-topics.sh` and `./kafka-topics.sh` name the same tool.
        let program = program.rsplit('/').next().unwrap_or(program);
        let args = &words[1..];
        match program {
            "kafka-topics.sh" => kafka_topics::run(self, args),
            "kafka-console-producer.sh" => kafka_console::producer(self, args, line),
            "kafka-console-consumer.sh" => kafka_console::consumer(self, args),
            "kafka-consumer-groups.sh" => kafka_console::groups(self, args),
            "kafka-server-start.sh" => kafka_server::start(self, args),
            "flume-ng" => flume_ng::run(self, args, line),
            "kafka-server-stop.sh" => kafka_server::stop(self, args),
            "kafka-leader-election.sh" | "kafka-preferred-replica-election.sh" => {
                kafka_server::leader_election(self, args)
            }
            "sim" => sim_cmd::run(self, args, line),
            // Not a tool of the script (the export leaves it out): the
            // console's way to find the tools.
            "help" => help(args),
            other => Err(CommandError::Usage(format!(
                "{other}: command not found (type help for the commands)"
            ))),
        }
    }

    /// Runs a whole script text: each line's output, in order.
    pub fn run(&mut self, text: &str) -> Vec<Output> {
        match parse(text) {
            Ok(lines) => lines.iter().map(|l| self.execute(l)).collect(),
            Err(e) => vec![Output {
                line: 0,
                command: String::new(),
                text: e.to_string(),
                is_error: true,
            }],
        }
    }
}

/// The text a person would see running the script in a terminal: each
/// command after `$ `, then what it printed (errors prefixed `Error: `).
/// Scenario fixtures in `tests/scenarios/*.expected` are in this format.
pub fn transcript(outputs: &[Output]) -> String {
    let mut out = String::new();
    for o in outputs {
        if o.command.is_empty() {
            out.push_str("Error: ");
        } else {
            out.push_str("$ ");
            out.push_str(&o.command);
            out.push('\n');
            if o.is_error {
                out.push_str("Error: ");
            }
        }
        if !o.text.is_empty() {
            out.push_str(&o.text);
            out.push('\n');
        } else if o.is_error || o.command.is_empty() {
            out.push('\n');
        }
    }
    out
}

/// The result of running a script from scratch.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScriptRun {
    pub outputs: Vec<Output>,
    /// What the invariant checker found in the whole trace.
    pub findings: Vec<crate::checker::Finding>,
    #[cfg(feature = "trace-hash")]
    pub trace_hash: u64,
    pub time_ms: u64,
}

/// Runs `text` in a fresh session.
pub fn run_script(text: &str) -> (Session, ScriptRun) {
    let mut session = Session::new();
    let outputs = session.run(text);
    let run = session.finish(outputs);
    (session, run)
}

impl Session {
    /// The result of a run that printed `outputs`: the checker's findings
    /// over the whole trace, the trace hash, the time reached.
    pub fn finish(&self, outputs: Vec<Output>) -> ScriptRun {
        ScriptRun {
            findings: crate::checker::check(self.events()),
            outputs,
            #[cfg(feature = "trace-hash")]
            trace_hash: self.sim.trace_hash(),
            time_ms: self.sim.now().as_millis(),
        }
    }
}

#[cfg(test)]
mod help_tests {
    use super::*;

    #[test]
    fn help_lists_every_tool_and_one_program() {
        let mut s = Session::new();
        let out = s.run("help");
        assert!(!out[0].is_error, "{}", out[0].text);
        for tool in TOOLS {
            assert!(
                HELP.iter().any(|(n, _)| n == tool),
                "{tool} has no help line"
            );
            assert!(out[0].text.contains(tool), "{tool} missing from help");
        }
        let out = s.run("help bin/kafka-topics.sh");
        assert!(
            out[0].text.starts_with("kafka-topics.sh: create"),
            "{}",
            out[0].text
        );
        let out = s.run("help kafka-topic.sh");
        assert!(out[0].is_error);
        assert!(
            out[0].text.contains("no help topics match"),
            "{}",
            out[0].text
        );
    }
}
