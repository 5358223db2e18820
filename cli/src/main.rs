//! `streamlab`: the scenario language headless. Every subcommand reads its
//! input, runs the core and prints; errors go to stderr with exit code 1.

use clap::{Parser, Subcommand};
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use streamlab_core::export;
use streamlab_core::script::{run_script, Session};
use streamlab_core::share::{self, SharedScenario};

mod clients;
mod lesson;

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
        /// The scenario script (`-` for stdin).
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
    /// Print the partition the producer picks for each key ("KEY<TAB>PARTITION").
    Partition {
        /// Number of partitions of the topic.
        #[arg(long, allow_negative_numbers = true)]
        partitions: i64,
        /// What records without a key do: random, round-robin or sticky.
        #[arg(long, default_value = "sticky")]
        strategy: String,
        /// How many records without a key to place after the keyed ones.
        #[arg(long, default_value_t = 0)]
        null_keys: u32,
        /// Null-key records per batch (the sticky partitioner moves on after each).
        #[arg(long, default_value_t = 1)]
        batch_size: u32,
        /// Seed of the random and sticky choices.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Also print the arithmetic (murmur2 → toPositive → modulo).
        #[arg(long)]
        explain: bool,
        /// Record keys (UTF-8).
        keys: Vec<String>,
    },
    /// Run a consumer group assignor on JSON from stdin:
    /// {"topics":{"t":3},"members":{"a":["t"]},"previous":{"a":["t-0"]}}.
    Assign {
        /// range, roundrobin, sticky or cooperative-sticky (or a Kafka class name).
        #[arg(long, default_value = "range")]
        assignor: String,
    },
    /// Place replicas as Kafka does without racks ("P: b1,b2,b3" per partition).
    Place {
        /// Broker ids, comma separated.
        #[arg(long)]
        brokers: String,
        #[arg(long, allow_negative_numbers = true)]
        partitions: i64,
        #[arg(long, allow_negative_numbers = true)]
        replication_factor: i64,
        /// Broker index of partition 0's first replica (Kafka picks it at random).
        #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
        start_index: i64,
        /// Initial offset of the follower replicas (Kafka picks it at random).
        #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
        shift: i64,
    },
    /// Share links: a scenario packed into a URL fragment.
    Url {
        #[command(subcommand)]
        action: UrlCmd,
    },
    /// The study notes' lessons: list, show, check (every step performed and verified).
    Lesson {
        #[command(subcommand)]
        action: lesson::LessonCmd,
    },
    /// Print a scenario as a bash script of real Kafka commands.
    Export {
        /// The scenario script (`-` for stdin).
        #[arg(required_unless_present = "compose")]
        file: Option<PathBuf>,
        /// Print a docker-compose.yml for a 3-broker cluster instead.
        #[arg(long)]
        compose: bool,
    },
}

#[derive(Subcommand)]
enum UrlCmd {
    /// Print the share fragment (`v1=...`) of a scenario script.
    Encode {
        /// The scenario script (`-` for stdin).
        file: PathBuf,
        /// Timeline position the link opens at, in simulated ms.
        #[arg(long)]
        time_ms: Option<u64>,
        /// View the link opens.
        #[arg(long)]
        view: Option<String>,
    },
    /// Print the script a share fragment or link carries.
    Decode {
        /// `v1=...`, `#v1=...` or a whole link `https://.../#v1=...`.
        #[arg(allow_hyphen_values = true)]
        fragment: String,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version are not errors; bad arguments are bad input (exit 1).
            return if e.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli.command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("streamlab: {message}");
            ExitCode::FAILURE
        }
    }
}

/// A script with `sim vary`: each variant's transcript under a header naming
/// it, or `{"variants": [...]}`; failing when any variant printed an error.
fn run_variants(
    variants: &[streamlab_core::script::VariantRun],
    json: bool,
) -> Result<ExitCode, String> {
    if json {
        let doc = serde_json::json!({ "variants": variants });
        let s = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
        println!("{s}");
    } else {
        for (i, v) in variants.iter().enumerate() {
            if i > 0 {
                println!();
            }
            println!(
                "=== variant {} of {}: {}={} ===",
                i + 1,
                variants.len(),
                v.name,
                v.value
            );
            print!("{}", streamlab_core::script::transcript(&v.run.outputs));
        }
    }
    let failed = variants
        .iter()
        .any(|v| v.run.outputs.iter().any(|o| o.is_error));
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn run(cmd: Cmd) -> Result<ExitCode, String> {
    match cmd {
        Cmd::Run { file, json } => {
            let text = read_script(&file)?;
            let variants =
                streamlab_core::script::run_variants(&text).map_err(|e| e.to_string())?;
            if !variants.is_empty() {
                return run_variants(&variants, json);
            }
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
        Cmd::Partition {
            partitions,
            strategy,
            null_keys,
            batch_size,
            seed,
            explain,
            keys,
        } => print(clients::partition(clients::PartitionArgs {
            partitions,
            strategy,
            null_keys,
            batch_size,
            seed,
            explain,
            keys,
        })?),
        Cmd::Assign { assignor } => print(clients::assign(&assignor, std::io::stdin().lock())?),
        Cmd::Place {
            brokers,
            partitions,
            replication_factor,
            start_index,
            shift,
        } => print(clients::place(clients::PlaceArgs {
            brokers,
            partitions,
            replication_factor,
            start_index,
            shift,
        })?),
        Cmd::Url { action } => url(action),
        Cmd::Lesson { action } => lesson::run(action),
        Cmd::Export { file, compose } => {
            if compose {
                print!("{}", export::docker_compose());
                return Ok(ExitCode::SUCCESS);
            }
            let file = file.ok_or("export needs a script FILE (or --compose)")?;
            let text = read_script(&file)?;
            let shell = export::to_shell(&text).map_err(|e| format!("{}: {e}", file.display()))?;
            print!("{shell}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A script file, or stdin for `-`.
fn read_script(file: &Path) -> Result<String, String> {
    if file == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("stdin: {e}"))?;
        return Ok(text);
    }
    std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))
}

fn url(action: UrlCmd) -> Result<ExitCode, String> {
    match action {
        UrlCmd::Encode {
            file,
            time_ms,
            view,
        } => {
            let script = read_script(&file)?;
            // A link that would not open is no use: check it the way decode will.
            streamlab_core::script::parse(&script)
                .map_err(|e| format!("{}: {e}", file.display()))?;
            let fragment = share::encode(&SharedScenario {
                script,
                time_ms,
                view,
            });
            share::decode(&fragment).map_err(|e| format!("{}: {e}", file.display()))?;
            println!("{fragment}");
            Ok(ExitCode::SUCCESS)
        }
        UrlCmd::Decode { fragment } => {
            // A whole link: the fragment is what follows its `#`.
            let fragment = fragment
                .rsplit_once('#')
                .map_or(fragment.as_str(), |(_, f)| f);
            let s = share::decode(fragment).map_err(|e| e.to_string())?;
            print!("{}", s.script);
            if !s.script.is_empty() && !s.script.ends_with('\n') {
                println!();
            }
            // stdout stays the script alone, ready for `streamlab run -`.
            if let Some(t) = s.time_ms {
                eprintln!("streamlab: the link opens at {t} ms");
            }
            if let Some(v) = s.view {
                eprintln!("streamlab: the link opens the {v} view");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes a command's whole output; a closed pipe is not worth a panic.
fn print(text: String) -> Result<ExitCode, String> {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
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
