//! `streamlab`: the scenario language headless. Every subcommand reads its
//! input, runs the core and prints; errors go to stderr with exit code 1.

use clap::{Parser, Subcommand};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use streamlab_core::script::{run_script, Session};

#[derive(Parser)]
#[command(
    name = "streamlab",
    version,
    about = "A deterministic Kafka playground, headless"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run a scenario script and print each command's output.
    Run {
        file: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Read scenario lines from stdin and run each as it arrives.
    Console,
    /// Run a Flume agent from a properties file until its sources are
    /// exhausted and its channels drained (or MS of simulated time), then
    /// print Flume's monitoring JSON. Kafka sink records go to a stub.
    Flume {
        /// The agent properties file (`--conf-file` of `flume-ng agent`).
        #[arg(long = "conf", alias = "conf-file")]
        conf: PathBuf,
        /// The agent name (`--name`).
        #[arg(long)]
        name: String,
        /// Stop after this much simulated time.
        #[arg(long = "max-ms", default_value_t = 60_000)]
        max_ms: u64,
        /// Also print every transaction step to stderr.
        #[arg(long)]
        log: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("streamlab: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cmd: Cmd) -> Result<ExitCode, String> {
    match cmd {
        Cmd::Run { file, json } => {
            let text =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let (_, result) = run_script(&text);
            let failed = result.outputs.iter().any(|o| o.is_error);
            if json {
                let s = serde_json::to_string_pretty(&result).map_err(|e| e.to_string())?;
                println!("{s}");
            } else {
                print!("{}", streamlab_core::script::transcript(&result.outputs));
            }
            Ok(if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Cmd::Console => console(),
        Cmd::Flume {
            conf,
            name,
            max_ms,
            log,
        } => flume(&conf, &name, max_ms, log),
    }
}

/// Runs the agent on virtual time; the Kafka sink's records are counted.
fn flume(conf: &std::path::Path, name: &str, max_ms: u64, log: bool) -> Result<ExitCode, String> {
    use streamlab_core::flume::{Agent, CountingKafkaOutput};
    let text = std::fs::read_to_string(conf).map_err(|e| format!("{}: {e}", conf.display()))?;
    let mut agent =
        Agent::from_properties(&text, name).map_err(|e| format!("{}: {e}", conf.display()))?;
    let mut kafka = CountingKafkaOutput::default();
    let mut stderr = std::io::stderr();
    while !agent.is_quiescent() {
        match agent.next_wakeup() {
            Some(t) if t <= max_ms => {
                agent.advance(t, &mut kafka);
            }
            _ => break,
        }
        // Drained every step, so a long run does not hoard the log.
        for e in agent.drain_log() {
            if log {
                let _ = writeln!(stderr, "{:>8} {:<6} {}", e.at_ms, e.component, e.what);
            }
        }
    }
    if agent.has_kafka_sink() {
        let _ = writeln!(
            stderr,
            "streamlab: kafka sink stub accepted {} record(s) at {} ms",
            kafka.records.len(),
            agent.now_ms()
        );
    }
    println!("{}", agent.metrics_json());
    Ok(ExitCode::SUCCESS)
}

/// Lines are run one at a time; a here-document is collected until its marker.
fn console() -> Result<ExitCode, String> {
    let mut session = Session::new();
    let stdin = std::io::stdin();
    let mut pending = String::new();
    let mut stdout = std::io::stdout();
    for line in stdin.lock().lines() {
        let line = line.map_err(|e| e.to_string())?;
        pending.push_str(&line);
        pending.push('\n');
        // Wait for the rest of an open here-document.
        if streamlab_core::script::parse(&pending).is_err() && pending.contains("<<") {
            continue;
        }
        for o in session.run(&pending) {
            if !o.text.is_empty() {
                let _ = writeln!(stdout, "{}", o.text);
            }
        }
        pending.clear();
    }
    Ok(ExitCode::SUCCESS)
}
