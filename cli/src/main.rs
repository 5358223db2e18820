//! `streamlab`: the scenario language headless. Every subcommand reads its
//! input, runs the core and prints; errors go to stderr with exit code 1.

use clap::{Parser, Subcommand};
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use streamlab_core::export;
use streamlab_core::script::{run_script, Session};
use streamlab_core::share::{self, SharedScenario};

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
    /// Share links: a scenario packed into a URL fragment.
    Url {
        #[command(subcommand)]
        action: UrlCmd,
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
            let text = read_script(&file)?;
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
        Cmd::Url { action } => url(action),
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
