//! The same scenario gives the same trace hash in the browser as natively.
//! `cargo xtask test` computes the native hashes and passes them in
//! `STREAMLAB_NATIVE_TRACE_HASHES` (`file=hash,...`) when building this test.
#![cfg(target_arch = "wasm32")]

use streamlab_core::script::run_script;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

include!(concat!(env!("OUT_DIR"), "/scenarios.rs"));

#[wasm_bindgen_test]
fn trace_hashes_match_native() {
    // Unset means the test was built outside `cargo xtask test`: fail, don't skip.
    let Some(native) = option_env!("STREAMLAB_NATIVE_TRACE_HASHES") else {
        panic!("STREAMLAB_NATIVE_TRACE_HASHES is unset: run this through `cargo xtask test`");
    };
    let expected: Vec<(&str, u64)> = native
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|pair| {
            let (name, hash) = pair.split_once('=').expect("file=hash");
            (name, hash.parse().expect("a u64 hash"))
        })
        .collect();
    assert!(!SCENARIOS.is_empty(), "no scenarios embedded");
    assert_eq!(
        expected.len(),
        SCENARIOS.len(),
        "native and wasm see different scenario sets"
    );
    for (name, text) in SCENARIOS {
        let (_, run) = run_script(text);
        let want = expected
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, h)| *h)
            .unwrap_or_else(|| panic!("no native hash for {name}"));
        assert_eq!(
            run.trace_hash, want,
            "{name}: wasm trace differs from native"
        );
    }
}
