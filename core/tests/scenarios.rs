//! Scenario fixtures: every `tests/scenarios/NAME.script` is run and its
//! transcript compared with `NAME.expected`. Set `UPDATE_EXPECT=1` to write
//! the expected files after checking the new output by eye.

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

#[test]
fn every_scenario_is_deterministic() {
    for script in scripts() {
        let text = std::fs::read_to_string(&script).expect("readable script");
        let (_, a) = run_script(&text);
        let (_, b) = run_script(&text);
        assert_eq!(a.trace_hash, b.trace_hash, "{}", script.display());
    }
}
