//! `cargo xtask`: the project's tasks, so a fresh machine with only rustup
//! needs two commands. Each task first installs what is missing (and says
//! what and why), then runs plain cargo/trunk commands, printing each one.

mod fuzz;
// The checker's incremental-use comparison, shared with core's tests.
#[cfg(test)]
#[path = "../../core/tests/common/incremental.rs"]
mod incremental;
mod tools;

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "streamlab's tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Install what is missing, build, and serve http://127.0.0.1:8080.
    Serve,
    /// Everything: fmt, clippy, native tests, fixed-seed fuzzing, wasm tests in headless Chromium, release build, browser e2e.
    Test,
    /// Run the benchmarks and print what they measured.
    Bench,
    /// Build the release site into dist/.
    Dist,
    /// Seeded swarm fuzzer: random clusters, workloads and faults as scenario scripts.
    Fuzz {
        /// First seed (default: from the clock, printed).
        #[arg(long)]
        seed: Option<u64>,
        /// How many seeds, from --seed on.
        #[arg(long, default_value_t = 1000)]
        runs: u64,
        /// Also write passing seeds' scripts to target/fuzz/ (to read or replay them).
        #[arg(long)]
        save: bool,
        /// Shrink each failing script line by line, to target/fuzz/seed-S.min.script.
        #[arg(long)]
        minimize: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Serve => serve(),
        Task::Test => test(),
        Task::Bench => bench(),
        Task::Dist => dist().map(|_| ()),
        Task::Fuzz {
            seed,
            runs,
            save,
            minimize,
        } => fuzz_task(seed, runs, save, minimize),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs a command from the workspace root, echoing it; fails on non-zero exit.
pub fn run(cmd: &mut Command) -> Result {
    cmd.current_dir(root());
    println!("xtask: $ {}", show(cmd));
    let status = cmd
        .status()
        .map_err(|e| format!("could not start {}: {e}", show(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", show(cmd)))
    }
}

fn show(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

pub fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn serve() -> Result {
    tools::ensure_build_tools()?;
    println!("xtask: serving http://127.0.0.1:8080 (Ctrl-C to stop)");
    run(Command::new("trunk").arg("serve"))
}

fn dist() -> Result<PathBuf> {
    tools::ensure_build_tools()?;
    tools::ensure_release_toolchain()?;
    // See `tools::RELEASE_NIGHTLY` for why the release wasm is built this way.
    // Its own target dir, so stable and nightly artifacts never evict each other.
    run(Command::new("trunk")
        .args(["build", "--release"])
        .env("RUSTUP_TOOLCHAIN", tools::RELEASE_NIGHTLY)
        .env("CARGO_TARGET_DIR", root().join("target/dist-nightly"))
        .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            "-Zlocation-detail=none -Zunstable-options -Cpanic=immediate-abort",
        )
        // A caller's RUSTFLAGS would replace the flags above.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS"))?;
    let dist = root().join("dist");
    let (raw, gz) = wasm_size(&dist)?;
    println!(
        "xtask: dist/ built; wasm {raw} bytes raw, {gz} bytes gzipped ({:.1} KiB)",
        gz as f64 / 1024.0
    );
    Ok(dist)
}

/// Raw and gzip -9 size of the release `.wasm` in `dist`.
fn wasm_size(dist: &Path) -> Result<(u64, u64)> {
    use std::io::Write;
    let wasm = std::fs::read_dir(dist)
        .map_err(|e| format!("{}: {e}", dist.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "wasm"))
        .ok_or("no .wasm in dist/")?;
    let bytes = std::fs::read(&wasm).map_err(|e| e.to_string())?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bytes).map_err(|e| e.to_string())?;
    let gz = gz.finish().map_err(|e| e.to_string())?;
    Ok((bytes.len() as u64, gz.len() as u64))
}

/// Seeds the `test` task fuzzes: fixed, so CI is reproducible.
const TEST_FUZZ_SEEDS: std::ops::Range<u64> = 0..1000;

fn fuzz_task(seed: Option<u64>, runs: u64, save: bool, minimize: bool) -> Result {
    let start = seed.unwrap_or_else(|| {
        // Only here may the clock pick anything: the seed is printed, so the run repeats.
        let s = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        println!("xtask: fuzz starting at seed {s} (from the clock)");
        s
    });
    let summary = fuzz::fuzz(start, runs, false, save, minimize)?;
    match summary.failures.first() {
        None => Ok(()),
        Some((seed, f)) => Err(format!(
            "{} failing seeds; first: seed {seed}: {f} (script in target/fuzz/seed-{seed}.script)",
            summary.failures.len()
        )),
    }
}

fn test() -> Result {
    tools::ensure_build_tools()?;
    let chromedriver = tools::ensure_browser()?;
    let steps: [(&str, &dyn Fn() -> Result); 8] = [
        ("format", &|| {
            run(cargo().args(["fmt", "--all", "--", "--check"]))
        }),
        ("clippy (native)", &|| {
            run(cargo().args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]))
        }),
        ("clippy (wasm)", &|| {
            run(cargo().args([
                "clippy",
                "-p",
                "streamlab-web",
                "--target",
                "wasm32-unknown-unknown",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]))
        }),
        ("native tests", &|| {
            run(cargo().args(["test", "--workspace"]))
        }),
        ("fuzz (fixed seeds)", &|| {
            let seeds = TEST_FUZZ_SEEDS;
            let summary = fuzz::fuzz(seeds.start, seeds.end - seeds.start, true, false, false)?;
            match summary.failures.first() {
                None => Ok(()),
                Some((seed, f)) => Err(format!(
                    "seed {seed}: {f} (script in target/fuzz/seed-{seed}.script; \
                     shrink it with `cargo xtask fuzz --seed {seed} --runs 1 --minimize`)"
                )),
            }
        }),
        ("wasm tests in headless Chromium", &|| {
            // The determinism test compares with tests/trace-hashes.txt, the
            // file the native tests check too.
            run(cargo()
                .args([
                    "test",
                    "-p",
                    "streamlab-web",
                    "--target",
                    "wasm32-unknown-unknown",
                ])
                .env("CHROMEDRIVER", &chromedriver))
        }),
        ("release build", &|| dist().map(|_| ())),
        ("browser end-to-end", &|| {
            run(cargo()
                .args([
                    "test",
                    "-p",
                    "streamlab-e2e",
                    "--",
                    "--ignored",
                    "--test-threads=1",
                ])
                .env("STREAMLAB_DIST", root().join("dist"))
                .env("CHROMEDRIVER", &chromedriver))
        }),
    ];
    let total = steps.len();
    for (i, (name, step)) in steps.iter().enumerate() {
        println!("\nxtask: [{}/{total}] {name}", i + 1);
        step().map_err(|e| format!("step '{name}' failed: {e}"))?;
    }
    println!("\nxtask: all {total} steps passed");
    Ok(())
}

fn bench() -> Result {
    tools::ensure_build_tools()?;
    let chromedriver = tools::ensure_browser()?;
    let started = std::time::SystemTime::now();
    run(cargo().args(["bench", "--workspace", "--exclude", "streamlab-e2e"]))?;
    println!("\nxtask: the same workloads in headless Chromium (release wasm)");
    let wasm = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root())
        .args([
            "test",
            "-p",
            "streamlab-web",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            "bench",
            "--",
            // The benches are #[ignore]d so that `cargo xtask test` reports
            // them as not run; here they are what we came for.
            "--include-ignored",
            "--nocapture",
        ])
        .env("CHROMEDRIVER", &chromedriver)
        .output()
        .map_err(|e| format!("cargo test (wasm bench): {e}"))?;
    let wasm_out = String::from_utf8_lossy(&wasm.stdout).into_owned();
    if !wasm.status.success() {
        return Err(format!(
            "wasm bench failed:\n{wasm_out}\n{}",
            String::from_utf8_lossy(&wasm.stderr)
        ));
    }
    // A bench that printed no figure did not run: say so instead of a summary without it.
    let figures = wasm_out.lines().filter(|l| l.contains("BENCH ")).count();
    let ran = passed_count(&wasm_out);
    if ran == 0 || figures < ran {
        return Err(format!(
            "the wasm benches did not all run ({ran} passed, {figures} figures printed):\n{wasm_out}"
        ));
    }
    let dist = dist()?;
    let (raw, gz) = wasm_size(&dist)?;
    println!("\nbenchmark summary (criterion means; targets from SPEC §6)");
    println!("  {:<68} {:>12} {:>16}", "benchmark", "mean", "throughput");
    for (name, mean_ns, elements) in criterion_results(started)? {
        let per_sec = elements
            .map(|n| format!("{:.2} M/s", n as f64 / (mean_ns / 1e9) / 1e6))
            .unwrap_or_default();
        println!("  {name:<68} {:>9.3} ms {per_sec:>16}", mean_ns / 1e6);
    }
    for line in wasm_out.lines().filter(|l| l.contains("BENCH ")) {
        println!("  {}", line.trim().trim_start_matches("BENCH "));
    }
    println!(
        "  release wasm: {raw} bytes raw, {gz} bytes gzipped ({:.1} KiB; target <= 300 KiB)",
        gz as f64 / 1024.0
    );
    Ok(())
}

/// How many tests a test runner's output says passed (the sum over its
/// `test result: ok. N passed` lines).
fn passed_count(output: &str) -> usize {
    output
        .lines()
        .filter_map(|l| {
            l.split_once("test result: ")?
                .1
                .split_once(" passed")
                .map(|(n, _)| n)
        })
        .filter_map(|n| n.rsplit(' ').next()?.parse::<usize>().ok())
        .sum()
}

/// (group/bench, mean ns, elements per iteration) from criterion's reports
/// written since `since` (older reports are of benches that no longer exist).
fn criterion_results(since: std::time::SystemTime) -> Result<Vec<(String, f64, Option<u64>)>> {
    let dir = root().join("target/criterion");
    let mut out = Vec::new();
    let Ok(groups) = std::fs::read_dir(&dir) else {
        return Ok(out);
    };
    let read_json = |p: &Path| -> Option<serde_json::Value> {
        serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok()
    };
    for group in groups.filter_map(|e| e.ok().map(|e| e.path())) {
        let Ok(benches) = std::fs::read_dir(&group) else {
            continue;
        };
        for bench in benches.filter_map(|e| e.ok().map(|e| e.path())) {
            let new = bench.join("new");
            let fresh = std::fs::metadata(new.join("estimates.json"))
                .and_then(|m| m.modified())
                .is_ok_and(|t| t >= since);
            if !fresh {
                continue;
            }
            let (Some(est), Some(meta)) = (
                read_json(&new.join("estimates.json")),
                read_json(&new.join("benchmark.json")),
            ) else {
                continue;
            };
            let Some(mean) = est["mean"]["point_estimate"].as_f64() else {
                continue;
            };
            let name = meta["full_id"].as_str().unwrap_or_default().to_string();
            let elements = meta["throughput"]["Elements"].as_u64();
            out.push((name, mean, elements));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::passed_count;

    #[test]
    fn passed_count_sums_the_runner_summaries() {
        let out = "running 3 tests\ntest a ... ok\n\
                   test result: ok. 3 passed; 0 failed; 0 ignored; 0 filtered out\n\
                   test result: ok. 2 passed; 0 failed; 1 ignored\n";
        assert_eq!(passed_count(out), 5);
        assert_eq!(
            passed_count("test result: ok. 0 passed; 0 failed; 3 ignored"),
            0
        );
        assert_eq!(passed_count("no summary at all"), 0);
    }
}
