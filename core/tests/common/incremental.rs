//! The checker used as the page uses it — observe the events so far,
//! `finish()`, observe more, `finish()` again — compared with a check from
//! scratch of the same trace after every script line. Shared by
//! `core/tests/checker.rs` (every fixture) and the fuzzer's tests in
//! `xtask/src/fuzz.rs` (which include this file by path).

use streamlab_core::checker::{check, Checker};
use streamlab_core::script::{parse, Session};

/// Runs `script` one line at a time. After each line the incremental
/// checker sees only the new events and is finished again; its findings
/// must equal `check` of the whole trace so far. Returns how many lines
/// were compared, or the first difference.
pub fn agrees_line_by_line(script: &str) -> Result<usize, String> {
    let lines = parse(script).map_err(|e| format!("the script does not parse: {e}"))?;
    let mut session = Session::new();
    let mut checker = Checker::new();
    let mut seen = 0;
    for line in &lines {
        session.execute(line);
        let events = session.events();
        for (index, event) in events.iter().enumerate().skip(seen) {
            checker.observe(index, event);
        }
        seen = events.len();
        checker.finish();
        let scratch = check(events);
        if checker.findings() != scratch.as_slice() {
            return Err(format!(
                "after line {} ({}), {} events: the incremental checker found\n{:#?}\nbut a check \
                 from scratch found\n{:#?}",
                line.number,
                line.text,
                events.len(),
                checker.findings(),
                scratch
            ));
        }
    }
    Ok(lines.len())
}
