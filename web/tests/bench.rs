//! The core's workloads timed in headless Chromium, for `cargo xtask bench`.
//! Each is `#[ignore]`d, so `cargo xtask test` reports them as ignored rather
//! than passing them without running; `cargo xtask bench` runs them with
//! `--include-ignored` on a release build. They print figures and assert only
//! that the work was done.
#![cfg(target_arch = "wasm32")]

use streamlab_core::script::Timeline;
use streamlab_core::workload::{pipeline_batches, pipeline_cluster, run_pipeline, seek_scenario};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance)]
    fn now() -> f64;
}

#[wasm_bindgen_test]
#[ignore = "a benchmark: cargo xtask bench runs it"]
fn pipeline_records_per_second() {
    const RECORDS: usize = 100_000;
    let mut best = f64::MAX;
    for _ in 0..5 {
        let (mut sim, batches) = (pipeline_cluster(), pipeline_batches(RECORDS, 1_000));
        let t0 = now();
        let consumed = run_pipeline(&mut sim, batches);
        best = best.min(now() - t0);
        assert_eq!(consumed, RECORDS as i64);
    }
    console_log!(
        "BENCH wasm pipeline: {RECORDS} records in {best:.1} ms = {:.0} records/s",
        RECORDS as f64 / (best / 1000.0)
    );
}

#[wasm_bindgen_test]
#[ignore = "a benchmark: cargo xtask bench runs it"]
fn seek_in_ten_thousand_events() {
    let mut timeline = Timeline::played(&seek_scenario(10_000)).expect("the workload parses");
    let end = timeline.end_ms();
    let events = timeline.session().events().len();
    let mut worst: f64 = 0.0;
    let mut total = 0.0;
    let steps = 50;
    for i in 0..steps {
        // Back and forth, so each seek starts from a checkpoint, not from
        // the one before it.
        let t = end * ((i * 37) % steps) / steps;
        let t0 = now();
        timeline.seek(t);
        timeline.finish();
        let dt = now() - t0;
        assert_eq!(timeline.now_ms(), t);
        worst = worst.max(dt);
        total += dt;
    }
    console_log!(
        "BENCH wasm seek: {} events, mean {:.2} ms, worst {worst:.2} ms",
        events,
        total / steps as f64
    );
}

/// The page's scrubber: the bench scenario (9 brokers, 48 partitions) played
/// as the page plays it — 1,000 records/s, ticks merged into one long
/// advance — for a simulated minute, then travelled to 50 points in it.
#[wasm_bindgen_test]
#[ignore = "a benchmark: cargo xtask bench runs it"]
fn page_scrubber_in_a_minute_at_1000_records_per_second() {
    use std::rc::Rc;
    use streamlab_web::app::BENCH_SCRIPT;
    use streamlab_web::state::{Action, State, TICK_MS};
    use yew::Reducible;
    let mut s = Rc::new(State::from_script(BENCH_SCRIPT));
    let t0 = now();
    for _ in 0..(60_000 / TICK_MS) {
        s = s.reduce(Action::Typed(format!(
            "sim produce bench v --count {TICK_MS} --acks 1"
        )));
        s = s.reduce(Action::Step(TICK_MS));
    }
    let played = now() - t0;
    let end = s.end_ms();
    let (mut worst, mut total): (f64, f64) = (0.0, 0.0);
    let steps = 50;
    for i in 0..steps {
        // Back and forth across the minute, as a hand drags the scrubber.
        let t = end * ((i * 37) % steps) / steps;
        let t0 = now();
        s = s.reduce(Action::Seek(t));
        let dt = now() - t0;
        assert_eq!(s.now_ms(), t);
        worst = worst.max(dt);
        total += dt;
    }
    // For comparison: the whole minute replayed from its first line.
    let t0 = now();
    let scratch = State::from_script(&s.script_text());
    let from_scratch = now() - t0;
    assert_eq!(scratch.end_ms(), end);
    console_log!(
        "BENCH wasm page scrubber: 60,000 records over 9 brokers x 48 partitions played in {played:.0} ms; \
         {} checkpoints; seek mean {:.2} ms, worst {worst:.2} ms (replay from the first line: {from_scratch:.0} ms)",
        s.checkpoint_count(),
        total / steps as f64
    );
}
