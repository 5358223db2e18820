//! What a frame of `?bench` costs outside the DOM, natively: the reducer
//! (the timeline running a tick's lines) and each derived view, folded as
//! the panels fold them (only new events) and, for comparison, from the
//! whole trace as the page did before the views were folds.
//!
//! `cargo run --release -p streamlab-web --example profile_bench`

use std::rc::Rc;
use std::time::Instant;
use streamlab_core::checker::Checker;
use streamlab_core::event::Event;
use streamlab_web::derive::{Fold, Groups, Metrics, Observe, Outcomes};
use streamlab_web::state::{Action, State};
use yew::Reducible;

fn from_scratch<T: Observe>(events: &[Event]) -> T {
    let mut t = T::default();
    for (i, e) in events.iter().enumerate() {
        t.observe(i, e);
    }
    t
}

fn main() {
    let mut s = Rc::new(State::from_script(streamlab_web::app::BENCH_SCRIPT));
    let mut c = Checker::new();
    let mut seen = 0;
    let (mut tc, mut tm, mut tg, mut tr, mut ts) = (0f64, 0f64, 0f64, 0f64, 0f64);
    let mut metrics = Fold::<Metrics>::default();
    let mut groups = Fold::<Groups>::default();
    let mut sends = Fold::<Outcomes>::default();
    for _ in 0..300 {
        let t = Instant::now();
        s = s.reduce(Action::Typed(
            "sim produce bench v --count 16 --acks 1\nsim advance 16".into(),
        ));
        tr += t.elapsed().as_secs_f64();
        let epoch = s.handle().epoch;
        let sess = s.session();
        let ev = sess.events();
        let t = Instant::now();
        for (i, e) in ev.iter().enumerate().skip(seen) {
            c.observe(i, e);
        }
        c.finish();
        seen = ev.len();
        tc += t.elapsed().as_secs_f64();
        let t = Instant::now();
        metrics.update(epoch, ev);
        tm += t.elapsed().as_secs_f64();
        let t = Instant::now();
        groups.update(epoch, ev);
        sends.update(epoch, ev);
        tg += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let _ = from_scratch::<Groups>(ev);
        let _ = from_scratch::<Outcomes>(ev);
        ts += t.elapsed().as_secs_f64();
    }
    println!(
        "over 300 frames: reduce {tr:.3}s, checker {tc:.3}s, metrics {tm:.3}s, groups+sends {tg:.3}s \
         (from the whole trace every frame: {ts:.3}s); findings {}",
        c.findings().len()
    );
}
