//! The checker fed incrementally, as the page feeds it while a scenario
//! plays, says what a check from scratch says — after every line of every
//! fixture. (The fuzzer's tests do the same for generated scenarios.)

#[path = "common/incremental.rs"]
mod incremental;

use std::path::Path;

#[test]
fn incremental_use_agrees_with_a_check_from_scratch_on_every_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios");
    let mut scripts: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/scenarios exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "script"))
        .collect();
    scripts.sort();
    assert!(!scripts.is_empty(), "no fixtures found");
    let mut failures = Vec::new();
    let mut lines = 0;
    for script in &scripts {
        let text = std::fs::read_to_string(script).expect("readable script");
        match incremental::agrees_line_by_line(&text) {
            Ok(n) => lines += n,
            Err(e) => failures.push(format!("{}: {e}", script.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(lines > scripts.len(), "compared only {lines} lines");
}
