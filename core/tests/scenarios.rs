//! Scenario fixtures: every `tests/scenarios/NAME.script` is run, its
//! transcript compared with `NAME.expected` and its trace hash with
//! `tests/trace-hashes.txt`. Set `UPDATE_EXPECT=1` to write both after
//! checking the new output by eye.

#[path = "common/trace_hashes.rs"]
mod trace_hashes;

use std::path::{Path, PathBuf};
use streamlab_core::script::{run_script, transcript};

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios")
}

fn scripts() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(scenarios_dir())
        .expect("tests/scenarios exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "script"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_scenario_matches_its_expected_transcript() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    let all = scripts();
    assert!(!all.is_empty(), "no scenario fixtures found");
    for script in all {
        let text = std::fs::read_to_string(&script).expect("readable script");
        let (_, run) = run_script(&text);
        let actual = transcript(&run.outputs);
        let expected_path = script.with_extension("expected");
        if update {
            std::fs::write(&expected_path, &actual).expect("writable expected file");
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!(
                "{}: transcript differs\n--- expected\n{expected}\n--- actual\n{actual}",
                script.display()
            )),
            Err(_) => failures.push(format!(
                "{}: no .expected file (run with UPDATE_EXPECT=1 and review it)",
                script.display()
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The same script gives the same trace as the commit that stored its hash:
/// compared with `tests/trace-hashes.txt`, which the browser test checks too
/// (so native = stored = wasm), not with a second run in this process.
#[test]
fn every_scenario_has_its_stored_trace_hash() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(trace_hashes::FILE);
    let mut computed = Vec::new();
    for script in scripts() {
        let text = std::fs::read_to_string(&script).expect("readable script");
        let (_, run) = run_script(&text);
        let name = script
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        computed.push((name, run.trace_hash));
    }
    if update {
        std::fs::write(&path, trace_hashes::render(&computed)).expect("writable hash file");
        return;
    }
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; {}", path.display(), trace_hashes::HOW_TO_UPDATE));
    let stored = trace_hashes::parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let problems = trace_hashes::compare(&stored, &computed);
    assert!(
        problems.is_empty(),
        "{}\n{}",
        problems.join("\n"),
        trace_hashes::HOW_TO_UPDATE
    );
}
