//! Every lesson of `tests/lessons/` performed and checked in the browser,
//! with the same evaluator as `streamlab lesson check`: the page's wasm
//! reaches the same verdicts as the native build. The lesson files are
//! embedded in this test (by `build.rs`), never in the page.
#![cfg(target_arch = "wasm32")]

use streamlab_core::lesson;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

#[wasm_bindgen_test]
fn every_lesson_passes_its_checks_in_the_browser() {
    assert!(!LESSONS.is_empty(), "no lessons embedded");
    let mut failures = Vec::new();
    for (name, text) in LESSONS {
        match lesson::parse(name, text) {
            Err(e) => failures.push(e.to_string()),
            Ok(l) => {
                if let Err(e) = lesson::check_lesson(&l) {
                    failures.push(e.to_string());
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[wasm_bindgen_test]
fn the_index_lists_every_lesson_in_order() {
    let index = lesson::parse_index(LESSON_INDEX).expect("index.tsv reads");
    let files: Vec<String> = LESSONS.iter().map(|(n, _)| format!("{n}.lesson")).collect();
    let listed: Vec<String> = index.iter().map(|e| e.file.clone()).collect();
    assert_eq!(listed, files);
}

#[wasm_bindgen_test]
fn a_malformed_lesson_is_refused_with_its_line() {
    let (name, text) = LESSONS[0];
    let broken = text.replacen("check: ", "check: leader nosuch = 1\ncheck: ", 1);
    let e = lesson::parse(name, &broken).expect_err("refused");
    assert!(
        e.to_string()
            .starts_with(&format!("lesson {name}, line {}: check: ", e.line)),
        "{e}"
    );
    assert!(e.line > 1);
}
