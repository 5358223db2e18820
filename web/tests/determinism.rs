//! The same scenario gives the same trace hash in the browser as natively:
//! both compare with the committed `tests/trace-hashes.txt` (the native side
//! in `core/tests/scenarios.rs`), so a wasm-only difference fails here and a
//! change of behaviour fails in both until the file is updated on purpose.
#![cfg(target_arch = "wasm32")]

#[path = "../../core/tests/common/trace_hashes.rs"]
mod trace_hashes;

use streamlab_core::script::run_script;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

include!(concat!(env!("OUT_DIR"), "/scenarios.rs"));

#[wasm_bindgen_test]
fn trace_hashes_match_the_stored_ones() {
    let stored = trace_hashes::parse(TRACE_HASHES).unwrap_or_else(|e| panic!("{e}"));
    assert!(!SCENARIOS.is_empty(), "no scenarios embedded");
    let computed: Vec<(String, u64)> = SCENARIOS
        .iter()
        .map(|(name, text)| (name.to_string(), run_script(text).1.trace_hash))
        .collect();
    let problems = trace_hashes::compare(&stored, &computed);
    assert!(
        problems.is_empty(),
        "in wasm: {}\n{}",
        problems.join("\n"),
        trace_hashes::HOW_TO_UPDATE
    );
}
