use std::rc::Rc;
use std::time::Instant;
use streamlab_core::checker::Checker;
use streamlab_web::state::{Action, State};
use yew::Reducible;

fn main() {
    let mut s = Rc::new(State::from_script(streamlab_web::app::BENCH_SCRIPT));
    let mut c = Checker::new();
    let mut seen = 0;
    let (mut tc, mut tm, mut tg, mut tr) = (0f64, 0f64, 0f64, 0f64);
    let mut m = streamlab_web::derive::Metrics::default();
    for _ in 0..300 {
        let t = Instant::now();
        s = s.reduce(Action::Run(
            "sim produce bench v --count 16 --acks 1\nsim advance 16".into(),
        ));
        tr += t.elapsed().as_secs_f64();
        let sess = s.session();
        let ev = sess.events();
        let t = Instant::now();
        for (i, e) in ev.iter().enumerate().skip(seen) {
            c.observe(i, e);
        }
        c.finish();
        tc += t.elapsed().as_secs_f64();
        let t = Instant::now();
        for e in &ev[seen..] {
            m.observe(e);
        }
        tm += t.elapsed().as_secs_f64();
        seen = ev.len();
        let t = Instant::now();
        let _ = streamlab_web::derive::groups(ev);
        let _ = streamlab_web::derive::produce_outcomes(ev, 6);
        tg += t.elapsed().as_secs_f64();
    }
    println!("reduce {tr:.3}s checker {tc:.3}s metrics {tm:.3}s groups+outcomes {tg:.3}s over 300 frames; findings {}", c.findings().len());
}
