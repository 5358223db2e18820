//! The stored trace hashes of the scenario fixtures (`tests/trace-hashes.txt`),
//! read by the native check (`core/tests/scenarios.rs`) and the browser's
//! (`web/tests/determinism.rs`, which includes this file by path), so both
//! compare with one committed list instead of with a second run of their own.

/// The file, relative to the workspace root.
pub const FILE: &str = "tests/trace-hashes.txt";

/// How to change the stored hashes on purpose, for failure messages.
pub const HOW_TO_UPDATE: &str = "if the simulation is meant to behave differently, review the \
     changed transcripts and run `UPDATE_EXPECT=1 cargo test -p streamlab-core --test scenarios` \
     to rewrite tests/trace-hashes.txt (and the .expected files), then commit them";

/// `(file name, hash)` pairs, in file order. Blank lines and `#` comments are
/// skipped; a malformed line is an error naming it.
pub fn parse(text: &str) -> Result<Vec<(&str, u64)>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parsed = line
            .split_once(' ')
            .and_then(|(name, hash)| Some((name, hash.trim().parse::<u64>().ok()?)));
        match parsed {
            Some(pair) => out.push(pair),
            None => {
                return Err(format!(
                    "{FILE} line {}: expected `NAME.script HASH`, got {line:?}",
                    i + 1
                ))
            }
        }
    }
    Ok(out)
}

/// The file's text for `hashes` (sorted by name, as the fixtures are).
#[allow(dead_code)] // Only the native test writes the file.
pub fn render(hashes: &[(String, u64)]) -> String {
    let mut out = String::from(
        "# The trace hash (Simulation::trace_hash after the whole script) of every\n\
         # tests/scenarios/*.script. Checked natively by core/tests/scenarios.rs and\n\
         # in headless Chromium by web/tests/determinism.rs: a change means the\n\
         # simulation now behaves differently. To change it on purpose, review the\n\
         # transcripts and run: UPDATE_EXPECT=1 cargo test -p streamlab-core --test scenarios\n",
    );
    for (name, hash) in hashes {
        out.push_str(name);
        out.push(' ');
        out.push_str(&hash.to_string());
        out.push('\n');
    }
    out
}

/// Compares computed hashes with the stored ones: every fixture must have a
/// stored hash, every stored hash a fixture, and each must match. Returns one
/// message per difference.
pub fn compare(stored: &[(&str, u64)], computed: &[(String, u64)]) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, hash) in computed {
        match stored.iter().find(|(n, _)| n == name) {
            None => problems.push(format!("{name}: no stored trace hash in {FILE}")),
            Some((_, want)) if want != hash => problems.push(format!(
                "{name}: trace hash {hash} differs from the stored {want}"
            )),
            Some(_) => {}
        }
    }
    for (name, _) in stored {
        if !computed.iter().any(|(n, _)| n == name) {
            problems.push(format!("{name}: stored in {FILE} but no such fixture"));
        }
    }
    problems
}
