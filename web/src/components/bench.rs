//! `?bench`: drives the simulation from requestAnimationFrame at ~1,000
//! records per simulated second (simulated time runs at wall-clock speed)
//! and reports the frame rate into the page, for the e2e test to read.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Frames before measuring (the first render of a big table is slow).
const WARMUP_MS: f64 = 1_000.0;
const MEASURE_MS: f64 = 5_000.0;

/// The frame callback, kept where it can re-request itself.
type FrameSlot = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

#[derive(Properties, PartialEq)]
pub struct BenchProps {
    /// Called every frame with the wall-clock milliseconds since the last.
    pub on_frame: Callback<f64>,
}

#[function_component(Bench)]
pub fn bench(props: &BenchProps) -> Html {
    let result = use_state(|| None::<String>);
    {
        let on_frame = props.on_frame.clone();
        let result = result.clone();
        use_effect_with((), move |_| {
            let stopped = Rc::new(Cell::new(false));
            let slot: FrameSlot = Rc::new(RefCell::new(None));
            let (start, last, frames) = (
                Rc::new(Cell::new(-1.0)),
                Rc::new(Cell::new(0.0)),
                Rc::new(Cell::new(0u32)),
            );
            // Milliseconds spent in the update a frame triggers (dispatch and,
            // when Yew renders synchronously, the render).
            let busy = Rc::new(Cell::new(0.0f64));
            let request = |slot: &FrameSlot| {
                if let (Some(w), Some(cb)) = (web_sys::window(), slot.borrow().as_ref()) {
                    let _ = w.request_animation_frame(cb.as_ref().unchecked_ref());
                }
            };
            let slot2 = slot.clone();
            let stop2 = stopped.clone();
            *slot.borrow_mut() = Some(Closure::new(move |ts: f64| {
                if stop2.get() {
                    return;
                }
                if start.get() < 0.0 {
                    start.set(ts);
                    last.set(ts);
                }
                let dt = (ts - last.get()).clamp(0.0, 100.0);
                last.set(ts);
                let elapsed = ts - start.get();
                if elapsed >= WARMUP_MS {
                    frames.set(frames.get() + 1);
                }
                if elapsed >= WARMUP_MS + MEASURE_MS {
                    // Tenths of a frame per second, in integers (no float
                    // formatting code in the bundle).
                    let tenths = u64::from(frames.get()) * 10_000 / MEASURE_MS as u64;
                    let per_frame = (busy.get() / f64::from(frames.get().max(1))) as u64;
                    result.set(Some(format!(
                        "{}.{} fps ({per_frame} ms of update per frame)",
                        tenths / 10,
                        tenths % 10
                    )));
                    stop2.set(true);
                    return;
                }
                let t0 = js_sys::Date::now();
                on_frame.emit(dt);
                busy.set(busy.get() + js_sys::Date::now() - t0);
                let guard = slot2.borrow();
                if let (Some(w), Some(cb)) = (web_sys::window(), guard.as_ref()) {
                    let _ = w.request_animation_frame(cb.as_ref().unchecked_ref());
                }
            }));
            request(&slot);
            move || {
                stopped.set(true);
                // Break the closure's cycle through `slot`.
                slot.borrow_mut().take();
            }
        });
    }
    html! {
        <p class="bench" role="status">
            {"Benchmark: 9 brokers × 48 partitions, 1,000 records per second. "}
            <output id="bench-fps" data-done={result.is_some().to_string()}>
                { match &*result { Some(r) => r.clone(), None => "measuring…".to_string() } }
            </output>
        </p>
    }
}
