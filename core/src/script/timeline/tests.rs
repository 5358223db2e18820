//! The time-travel engine against an independent replay from scratch, as
//! the page drives it: clock ticks merged into long advances, lines in
//! between, seeks back and forth, playing and acting in the past.

use super::*;
use crate::script::LineBuilder;

/// The page's default playground.
const PLAYGROUND: &str = "\
sim brokers 3
sim seed 42
kafka-topics.sh --bootstrap-server localhost:9092 --create --topic hello --partitions 3 --replication-factor 2
";

fn playground() -> Timeline {
    Timeline::played(PLAYGROUND).expect("parses")
}

fn typed(tl: &mut Timeline, text: &str) {
    tl.run_text(text).expect("a script");
    tl.finish();
}

fn seek(tl: &mut Timeline, t: u64) {
    tl.seek(t);
    tl.finish();
}

fn forward(tl: &mut Timeline, ms: u64) {
    tl.forward(ms);
    tl.finish();
}

fn commands(tl: &Timeline) -> Vec<String> {
    tl.entries().iter().map(Entry::text).collect()
}

fn leo(tl: &Timeline, p: i32) -> i64 {
    tl.session()
        .sim()
        .snapshot()
        .partition("hello", p)
        .map_or(-1, |p| p.log_end_offset())
}

/// What replaying `entries` on a fresh session up to `t` gives, written
/// without the engine: every entry that began by `t` runs, an advance
/// across `t` is cut at `t` (whole, in one call), one from `t` on is the
/// future.
struct Scratch {
    session: Session,
    outputs: Vec<Output>,
    times: Vec<u64>,
    applied: usize,
}

fn replay_from_scratch(entries: &[Entry], t: u64) -> Scratch {
    let mut session = Session::new();
    let (mut outputs, mut times) = (Vec::new(), Vec::new());
    let mut applied = 0;
    for e in entries {
        let now = session.sim().now().as_millis();
        if now > t {
            break;
        }
        match e.advance_ms() {
            Some(ms) if ms > 0 && now >= t => break,
            Some(ms) => {
                times.push(now);
                let run = ms.min(t - now);
                session.advance(run);
                let command = if run < ms {
                    format!("sim advance {run}")
                } else {
                    e.command().to_string()
                };
                outputs.push(Output {
                    line: 1,
                    command,
                    text: String::new(),
                    is_error: false,
                });
                if run < ms {
                    applied += 1;
                    break;
                }
            }
            None => {
                times.push(now);
                outputs.push(session.execute(e.line()));
            }
        }
        applied += 1;
    }
    Scratch {
        session,
        outputs,
        times,
        applied,
    }
}

/// The state on screen is what replaying its script from the first line
/// to its time gives: trace, events, outputs, times and applied entries.
#[track_caller]
fn assert_same_as_a_replay_from_scratch(tl: &Timeline) {
    let t = tl.cursor().unwrap_or(u64::MAX);
    let scratch = replay_from_scratch(tl.entries(), t);
    let at = tl.now_ms();
    assert_eq!(
        tl.session().sim().trace_hash(),
        scratch.session.sim().trace_hash(),
        "at {at}"
    );
    assert_eq!(tl.session().events(), scratch.session.events(), "at {at}");
    assert_eq!(tl.outputs(), &scratch.outputs[..], "at {at}");
    assert_eq!(tl.times(), &scratch.times[..], "at {at}");
    assert_eq!(tl.applied(), scratch.applied, "at {at}");
}

/// A busy scenario played the way the page plays it: ticks merged into
/// long advances, with lines in between.
fn busy() -> Timeline {
    let mut tl = playground();
    for round in 0..12 {
        typed(
            &mut tl,
            &format!("sim produce hello r{round} --count 300 --acks all"),
        );
        if round == 5 {
            typed(&mut tl, "sim crash 1");
        }
        for _ in 0..25 {
            forward(&mut tl, 400);
        }
    }
    tl
}

type Fingerprint = (u64, u64, usize, Vec<Output>, Vec<u64>, usize);

fn fingerprint(tl: &Timeline) -> Fingerprint {
    let s = tl.session();
    (
        s.sim().now().as_millis(),
        s.sim().trace_hash(),
        s.events().len(),
        tl.outputs().to_vec(),
        tl.times().to_vec(),
        tl.applied(),
    )
}

#[test]
fn consecutive_advances_merge_into_one_line() {
    let mut tl = playground();
    let n = tl.entries().len();
    forward(&mut tl, 100);
    forward(&mut tl, 100);
    typed(&mut tl, "sim advance 1s");
    assert_eq!(tl.entries().len(), n + 1);
    assert_eq!(
        commands(&tl).last().map(String::as_str),
        Some("sim advance 1200")
    );
    assert_eq!(tl.now_ms(), 1_200);
    // One echo, renamed as it grew.
    let echoes: Vec<&str> = tl
        .outputs()
        .iter()
        .map(|o| o.command.as_str())
        .filter(|c| c.starts_with("sim advance"))
        .collect();
    assert_eq!(echoes, ["sim advance 1200"]);
    assert_same_as_a_replay_from_scratch(&tl);
    // A line in between: the next advance is a new entry.
    typed(&mut tl, "sim crash 0");
    forward(&mut tl, 100);
    assert_eq!(tl.entries().len(), n + 3);
    // Never past a day in one entry.
    forward(&mut tl, MAX_ADVANCE_MS);
    assert_eq!(tl.entries().len(), n + 4);
    assert_same_as_a_replay_from_scratch(&tl);
}

#[test]
fn seeking_back_replays_and_a_new_line_drops_the_future() {
    let mut tl = playground();
    typed(&mut tl, "sim produce hello a --partition 0");
    typed(&mut tl, "sim advance 1s");
    typed(&mut tl, "sim produce hello b --partition 0");
    typed(&mut tl, "sim advance 1s");
    assert_eq!(leo(&tl, 0), 2);
    let full = tl.entries().len();
    let epoch = tl.epoch();
    seek(&mut tl, 500);
    assert_eq!(tl.now_ms(), 500);
    assert_eq!(leo(&tl, 0), 1, "b was produced at 1000 ms");
    assert_eq!(tl.cursor(), Some(500));
    assert_eq!(tl.entries().len(), full, "seeking keeps the future");
    assert_eq!(
        tl.applied(),
        full - 2,
        "b and the last advance are the future"
    );
    assert_ne!(tl.epoch(), epoch, "the session was rebuilt");
    assert_same_as_a_replay_from_scratch(&tl);
    // Back to the end: the same state as before.
    seek(&mut tl, u64::MAX);
    assert_eq!((tl.cursor(), tl.now_ms(), leo(&tl, 0)), (None, 2_000, 2));
    // Scrub back, then act: the future is dropped, the advance is cut.
    seek(&mut tl, 1_500);
    typed(&mut tl, "sim crash 0");
    assert_eq!(tl.cursor(), None);
    assert_eq!(tl.end_ms(), 1_500);
    let cmds = commands(&tl);
    assert!(cmds.iter().any(|l| l == "sim advance 500"), "{cmds:?}");
    assert_eq!(cmds.last().map(String::as_str), Some("sim crash 0"));
    assert_same_as_a_replay_from_scratch(&tl);
}

#[test]
fn seeking_from_checkpoints_reaches_what_a_replay_from_scratch_reaches() {
    let mut tl = busy();
    assert!(
        tl.checkpoint_count() >= 3,
        "{} checkpoints, {} events, {} ms",
        tl.checkpoint_count(),
        tl.session().events().len(),
        tl.now_ms()
    );
    let end = fingerprint(&tl);
    let mut last = u64::MAX;
    for t in [
        29_000, 1_000, 17_450, 17_451, 10_000, 10_000, 25_999, 3_333, 100,
    ] {
        let epoch = tl.epoch();
        seek(&mut tl, t);
        if t >= 10_000 {
            assert!(tl.checkpoints.before(t).is_some(), "{t} starts from a copy");
        }
        assert_eq!(tl.now_ms(), t);
        assert_same_as_a_replay_from_scratch(&tl);
        if t < last {
            assert_ne!(tl.epoch(), epoch, "back to {t}: rebuilt");
        }
        last = t;
    }
    seek(&mut tl, u64::MAX);
    assert_eq!(fingerprint(&tl), end, "the end is the end again");
}

#[test]
fn playing_in_the_past_goes_on_from_the_state_on_screen() {
    let mut tl = busy();
    seek(&mut tl, 40_000);
    let epoch = tl.epoch();
    for _ in 0..40 {
        let events = tl.session().events().len();
        forward(&mut tl, 333);
        assert_eq!(tl.cursor(), Some(tl.now_ms()));
        assert_same_as_a_replay_from_scratch(&tl);
        if tl.epoch() == epoch {
            assert!(
                tl.session().events().len() >= events,
                "the trace only grows"
            );
        }
    }
    assert_eq!(tl.now_ms(), 40_000 + 40 * 333);
    assert!(
        tl.epoch() - epoch < 40,
        "most steps go on from the screen, without a rebuild"
    );
}

#[test]
fn acting_in_the_past_keeps_a_script_that_replays_to_the_same_state() {
    let mut tl = busy();
    seek(&mut tl, 21_250);
    typed(&mut tl, "sim restart 1");
    forward(&mut tl, 3_000);
    let fresh = Timeline::played(&tl.script_text()).expect("parses");
    assert_eq!(tl.now_ms(), 24_250);
    assert_eq!(
        tl.session().sim().trace_hash(),
        fresh.session().sim().trace_hash()
    );
    assert_eq!(tl.session().events(), fresh.session().events());
    assert_eq!(tl.outputs(), fresh.outputs());
    // And travelling again uses the checkpoints kept from before the cut.
    seek(&mut tl, 12_000);
    assert!(tl.checkpoints.before(12_000).is_some());
    assert_same_as_a_replay_from_scratch(&tl);
}

#[test]
fn the_page_scrubber_steps_travels_back_and_goes_live_at_the_very_end() {
    // web/tests/app.rs drives the same through the DOM.
    let mut tl = playground();
    tl.run([LineBuilder::new("sim")
        .arg("produce")
        .arg("hello")
        .arg("record-0")
        .opt("--partition", "0")
        .opt("--acks", "all")
        .build()
        .expect("valid")]);
    tl.finish();
    forward(&mut tl, 100);
    forward(&mut tl, 1_000);
    assert_eq!(tl.now_ms(), 1_100);
    assert!(commands(&tl).contains(&"sim advance 1100".to_string()));
    let committed = |tl: &Timeline| {
        tl.session()
            .sim()
            .snapshot()
            .partition("hello", 0)
            .map_or(-1, |p| p.high_watermark())
    };
    assert_eq!(committed(&tl), 1);
    seek(&mut tl, 0);
    assert_eq!((tl.now_ms(), committed(&tl)), (0, 0));
    assert_eq!(
        tl.entries().len() - tl.applied(),
        1,
        "the advance is the future"
    );
    seek(&mut tl, u64::MAX);
    assert_eq!((tl.now_ms(), committed(&tl), tl.cursor()), (1_100, 1, None));
    // 1,150 ms: the very end of the range is live, one ms before is not.
    typed(&mut tl, "sim crash 2");
    forward(&mut tl, 50);
    seek(&mut tl, 300);
    assert_eq!(tl.cursor(), Some(300));
    seek(&mut tl, 1_149);
    assert_eq!(tl.cursor(), Some(1_149));
    seek(&mut tl, 1_150);
    assert_eq!((tl.cursor(), tl.now_ms()), (None, 1_150));
}

#[test]
fn heredocs_survive_as_entries() {
    let text = "kafka-console-producer.sh --bootstrap-server x --topic t <<EOF\na\nb\nEOF\nsim advance 1\n";
    let tl = Timeline::played(text).expect("parses");
    assert_eq!(tl.entries().len(), 2);
    assert_eq!(tl.entries()[0].heredoc().map(<[String]>::len), Some(2));
    assert_eq!(tl.script_text(), text);
    let again = Timeline::played(&tl.script_text()).expect("parses");
    assert_eq!(again.entries(), tl.entries());
}

#[test]
fn loading_a_script_is_a_new_epoch_and_a_bad_one_changes_nothing() {
    let mut tl = busy();
    let (epoch, end) = (tl.epoch(), fingerprint(&tl));
    assert!(tl.load("x <<EOF\n").is_err());
    assert_eq!((tl.epoch(), fingerprint(&tl)), (epoch, end));
    tl.load(PLAYGROUND).expect("parses");
    assert!(tl.is_busy() && tl.epoch() > epoch);
    tl.finish();
    assert_eq!(fingerprint(&tl), fingerprint(&playground()));
    assert_eq!(tl.checkpoint_count(), 0, "none from the old script");
}

#[test]
fn text_that_is_not_a_script_is_shown_and_kept_out_of_the_script() {
    let mut tl = playground();
    let script = tl.script_text();
    let e = tl.run_text("kafka-console-producer.sh --topic t <<EOF\nnever closed");
    assert!(matches!(e, Err(ScriptError::UnclosedHeredoc { .. })));
    let last = tl.outputs().last().cloned().expect("an output");
    assert!(last.is_error && last.text.contains("never closed by a line `EOF`"));
    assert_eq!(tl.script_text(), script);
    assert!(!tl.is_busy());
}

// ---- slices ----

#[test]
fn a_first_play_in_slices_ends_where_one_call_does() {
    let script = crate::workload::seek_scenario(2_000);
    let whole = Timeline::played(&script).expect("parses");
    let mut sliced = Timeline::from_script(&script).expect("parses");
    assert!(sliced.is_busy());
    assert_eq!(sliced.now_ms(), 0, "nothing runs before it is worked");
    let (mut slices, mut last_entry) = (0, 0);
    loop {
        match sliced.work(25) {
            Progress::Done => break,
            Progress::Working {
                entry,
                entries,
                until_ms,
                ..
            } => {
                assert!(entry >= last_entry, "progress never goes back");
                assert_eq!((entries, until_ms), (whole.entries().len(), None));
                last_entry = entry;
                slices += 1;
            }
        }
    }
    assert!(slices > 50, "{slices} slices");
    assert!(!sliced.is_busy());
    assert_eq!(fingerprint(&sliced), fingerprint(&whole));
    assert_eq!(sliced.times(), whole.times());
    let spans = |tl: &Timeline| tl.checkpoints.spans().collect::<Vec<_>>();
    assert_eq!(
        spans(&sliced),
        spans(&whole),
        "checkpoints do not depend on slicing"
    );
}

#[test]
fn a_slice_ends_at_the_first_step_that_reaches_its_budget() {
    // 1,000 partitions, RF 3: idle fetching fires thousands of timers a
    // second, all at once every fetch interval.
    let script = "sim brokers 3\nkafka-topics.sh --bootstrap-server x --create --topic t --partitions 1000 --replication-factor 3\nsim advance 10s\n";
    // Steps do not depend on the budget: work(1) is one step a call.
    let mut one = Timeline::from_script(script).expect("parses");
    let mut steps = Vec::new();
    loop {
        let before = one.screen.work();
        let p = one.work(1);
        steps.push(1 + one.screen.work() - before);
        if p == Progress::Done {
            break;
        }
    }
    let mut tl = Timeline::from_script(script).expect("parses");
    let mut next = steps.iter().copied();
    loop {
        let before = tl.screen.work();
        let p = tl.work(500);
        let spent = tl.screen.work() - before;
        // The steps this slice took: up to the first that reaches 500.
        let mut expected = 0;
        let mut units = 0;
        for c in next.by_ref() {
            expected += c - 1;
            units += c;
            if units >= 500 {
                break;
            }
        }
        assert_eq!(spent, expected);
        if p == Progress::Done {
            break;
        }
    }
    assert_eq!(next.next(), None, "the same steps");
    assert_eq!(tl.now_ms(), 10_000);
    // Pieces follow the load: most cost about PIECE_WORK or less; only an
    // instant when every follower fetches at once cannot be divided.
    let mut costs = steps[3..].to_vec();
    costs.sort_unstable();
    assert!(costs.len() > 15, "{} pieces for 10 s", costs.len());
    assert!(costs[costs.len() / 2] <= PIECE_WORK, "{costs:?}");
    let whole = Timeline::played(&tl.script_text()).expect("parses");
    assert_eq!(fingerprint(&tl), fingerprint(&whole));
}

#[test]
fn a_seek_in_slices_reaches_what_one_call_does() {
    let mut a = busy();
    let mut b = a.clone();
    seek(&mut a, 17_450);
    b.seek(17_450);
    let mut n = 0;
    while let Progress::Working {
        until_ms, now_ms, ..
    } = b.work(3)
    {
        assert_eq!(until_ms, Some(17_450));
        assert!(now_ms <= 17_450);
        n += 1;
    }
    assert!(n > 1, "{n} slices");
    assert_eq!(fingerprint(&a), fingerprint(&b));
    assert_same_as_a_replay_from_scratch(&b);
}

#[test]
fn stopping_a_first_play_keeps_what_ran_and_drops_the_rest() {
    let script = "sim brokers 3\nkafka-topics.sh --bootstrap-server x --create --topic t --partitions 3 --replication-factor 3\nsim advance 1440m\nsim crash 0\nsim advance 1s\n";
    let mut tl = Timeline::from_script(script).expect("parses");
    for _ in 0..20 {
        tl.work(10);
    }
    let reached = tl.now_ms();
    assert!(reached > 0 && reached < 86_400_000, "{reached}");
    assert_eq!(tl.stop(), 2, "the crash and the last advance");
    assert!(!tl.is_busy());
    assert_eq!((tl.cursor(), tl.end_ms()), (None, reached));
    let cmds = commands(&tl);
    assert_eq!(cmds.last(), Some(&format!("sim advance {reached}")));
    assert_same_as_a_replay_from_scratch(&tl);
    // What is left is a script that replays to the same state.
    let again = Timeline::played(&tl.script_text()).expect("parses");
    assert_eq!(fingerprint(&again), fingerprint(&tl));
}

#[test]
fn stopping_a_seek_stays_where_it_got() {
    let mut tl = busy();
    let end = fingerprint(&tl);
    tl.seek(31_000);
    tl.work(2);
    let reached = tl.now_ms();
    assert_eq!(tl.stop(), 0);
    assert_eq!(tl.cursor(), Some(reached));
    assert_same_as_a_replay_from_scratch(&tl);
    seek(&mut tl, u64::MAX);
    assert_eq!(fingerprint(&tl), end);
}

#[test]
fn a_request_while_busy_replaces_the_pending_work() {
    let mut tl = busy();
    tl.seek(5_000);
    tl.work(1);
    // Dragging on: the next position wins, from wherever the last got.
    tl.seek(2_000);
    tl.finish();
    assert_eq!(tl.now_ms(), 2_000);
    assert_same_as_a_replay_from_scratch(&tl);
    // Acting while a first play is under way acts at the time it reached.
    let mut tl = Timeline::from_script(&crate::workload::seek_scenario(600)).expect("parses");
    tl.work(40);
    let reached = tl.now_ms();
    typed(&mut tl, "sim heal");
    assert_eq!(tl.end_ms(), reached);
    assert_eq!(commands(&tl).last().map(String::as_str), Some("sim heal"));
    assert_same_as_a_replay_from_scratch(&tl);
}

#[test]
fn timelines_side_by_side_do_not_share_anything() {
    // Two settings of one scenario, worked in alternating slices, end as
    // each does alone: nothing global links them.
    let text = |acks: &str| {
        format!(
            "{PLAYGROUND}sim produce hello v --count 200 --acks {acks}\nsim advance 500\nsim crash 0\nsim advance 20s\nsim produce hello w --count 50 --acks {acks}\nsim advance 5s\n"
        )
    };
    let alone: Vec<Fingerprint> = ["1", "all"]
        .iter()
        .map(|a| fingerprint(&Timeline::played(&text(a)).expect("parses")))
        .collect();
    let mut lanes: Vec<Timeline> = ["1", "all"]
        .iter()
        .map(|a| Timeline::from_script(&text(a)).expect("parses"))
        .collect();
    while lanes.iter().any(Timeline::is_busy) {
        for lane in &mut lanes {
            lane.work(7);
        }
    }
    for lane in &mut lanes {
        seek(lane, 10_000);
        assert_same_as_a_replay_from_scratch(lane);
        seek(lane, u64::MAX);
    }
    let together: Vec<Fingerprint> = lanes.iter().map(fingerprint).collect();
    assert_eq!(together, alone);
    assert_ne!(alone[0].1, alone[1].1, "the settings made a difference");
}

#[test]
fn seeking_gives_the_state_a_fresh_run_reaches() {
    const SCRIPT: &str = "sim brokers 3\nsim seed 4\n\
        kafka-topics.sh --bootstrap-server b:9092 --create --topic t --partitions 2 --replication-factor 3\n\
        sim produce t a --count 5\nsim advance 1s\nsim crash 0\nsim advance 10s\n\
        sim produce t b --count 5 --acks all\nsim advance 1s\n";
    let mut tl = Timeline::played(SCRIPT).expect("parses");
    assert_eq!(tl.end_ms(), 12_000);
    let full = tl.session().events().to_vec();
    for t in [0, 500, 1_000, 5_000, 7_000, 11_000, 12_000] {
        seek(&mut tl, t);
        assert_eq!(tl.now_ms(), t, "seek({t})");
        // The state at t holds exactly the full run's events up to t.
        let up_to_t = full.iter().filter(|e| e.time.as_millis() <= t).count();
        assert_eq!(
            tl.session().events(),
            &full[..up_to_t],
            "seek({t}) diverged from the full run"
        );
    }
}

#[test]
fn long_scripts_seek_from_a_checkpoint() {
    let mut tl = Timeline::played(&crate::workload::seek_scenario(2_000)).expect("parses");
    assert!(tl.checkpoint_count() > 2);
    let mid = tl.end_ms() / 2;
    seek(&mut tl, mid);
    assert_eq!(tl.now_ms(), mid);
    assert!(tl.checkpoints.before(mid).is_some());
    assert_same_as_a_replay_from_scratch(&tl);
}

#[test]
fn every_fixture_plays_slices_and_seeks_as_a_run_from_scratch() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/scenarios")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "script"))
        .collect();
    files.sort();
    assert!(files.len() > 10);
    let said = |outputs: &[Output]| -> Vec<(String, String, bool)> {
        outputs
            .iter()
            .map(|o| (o.command.clone(), o.text.clone(), o.is_error))
            .collect()
    };
    for f in files {
        let text = std::fs::read_to_string(&f).expect("readable");
        let name = f.display();
        let (_, run) = crate::script::run_script(&text);
        let mut tl = Timeline::played(&text).expect("parses");
        assert_eq!(tl.session().sim().trace_hash(), run.trace_hash, "{name}");
        assert_eq!(tl.end_ms(), run.time_ms, "{name}");
        // Entries run on their own, numbered 1: the words are the same.
        assert_eq!(said(tl.outputs()), said(&run.outputs), "{name}");
        let mut sliced = Timeline::from_script(&text).expect("parses");
        while sliced.work(37) != Progress::Done {}
        assert_eq!(fingerprint(&sliced), fingerprint(&tl), "{name} in slices");
        let end = fingerprint(&tl);
        for k in [5, 1, 8, 3, 4, 7, 2, 6] {
            seek(&mut tl, run.time_ms * k / 9);
            assert_same_as_a_replay_from_scratch(&tl);
        }
        seek(&mut tl, run.time_ms);
        assert_eq!(fingerprint(&tl), end, "{name}: the end again");
    }
}
