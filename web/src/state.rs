//! The playground's state: the scenario script and the session playing it.
//! Every action becomes a script line, so the UI, the console, the share
//! link and time travel stay one thing: the script.
//!
//! Time travel is deterministic replay. Lines are commands at times (only
//! `sim advance` moves the clock), so the state at time `t` is the script
//! replayed from the last checkpoint before `t` (see `checkpoints`) until
//! the advance that would pass `t`, which is cut short to end exactly at `t`.

use crate::checkpoints::Checkpoints;
use std::cell::RefCell;
use std::rc::Rc;
use streamlab_core::script::{parse, Output, Session};
use yew::Reducible;

/// The scenario a fresh page opens with.
pub const DEFAULT_SCRIPT: &str = "\
# Three brokers and a topic with three partitions, two replicas each.
sim brokers 3
sim seed 42
kafka-topics.sh --bootstrap-server localhost:9092 --create --topic hello --partitions 3 --replication-factor 2
";

/// Simulated milliseconds per timer tick at 1x (the tick is 100 ms of wall time).
pub const TICK_MS: u64 = 100;

/// A message above the panels (a bad share link, a preset's explanation).
#[derive(Clone, PartialEq, Debug)]
pub struct Notice {
    pub title: String,
    pub body: String,
    pub is_error: bool,
}

pub struct State {
    /// Heavy and mutated in place: shared behind `Rc<RefCell<_>>`, with
    /// `version` telling Yew when it changed.
    session: Rc<RefCell<Session>>,
    pub version: u64,
    /// Bumped whenever the session is rebuilt by a replay, so derived views
    /// that fold the trace incrementally know to start over.
    pub epoch: u64,
    /// The whole script, one entry per command (with its here-document). When
    /// scrubbed back, entries past `applied` are the future.
    pub script: Rc<Vec<String>>,
    /// Simulated time at which each applied entry ran.
    pub times: Rc<Vec<u64>>,
    /// How many entries the session has run (all of them when live).
    pub applied: usize,
    pub outputs: Rc<Vec<Output>>,
    /// Time at the end of the whole script.
    pub end_ms: u64,
    /// `Some(t)`: scrubbed back to `t`; `None`: live at the end of the script.
    pub cursor: Option<u64>,
    /// When scrubbed back into an advance: how much of it ran.
    cut_ms: Option<u64>,
    /// The end of the script while scrubbed back (shared and mutated in
    /// place, like the session).
    end: Rc<RefCell<Option<End>>>,
    checkpoints: Rc<RefCell<Checkpoints>>,
    pub playing: bool,
    /// Simulated time per wall-clock time: 1, 10 or 100.
    pub speed: u64,
    pub notice: Option<Notice>,
}

impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.session, &other.session) && self.version == other.version
    }
}

impl Default for State {
    fn default() -> Self {
        Self::from_script(DEFAULT_SCRIPT)
    }
}

/// Shared read access to the session, compared by version so Yew re-renders
/// a component only when the simulation changed.
#[derive(Clone)]
pub struct SessionHandle {
    session: Rc<RefCell<Session>>,
    pub version: u64,
    pub epoch: u64,
}

impl PartialEq for SessionHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.session, &other.session) && self.version == other.version
    }
}

impl SessionHandle {
    pub fn borrow(&self) -> std::cell::Ref<'_, Session> {
        self.session.borrow()
    }
}

pub enum Action {
    /// Run a line of the scenario language (typed or produced by a click).
    Run(String),
    /// The play timer fired: advance by one tick times the speed.
    Tick,
    /// Advance this many milliseconds once (`+100 ms`, `+1 s`).
    Step(u64),
    Play(bool),
    Speed(u64),
    /// Travel to simulated time `t` (replaying the script).
    Seek(u64),
    /// Replace the scenario (a preset or a share link), optionally at a time.
    Load {
        script: String,
        time_ms: Option<u64>,
        notice: Option<Notice>,
    },
    /// Show a message, the scenario unchanged (a preset that could not load).
    ShowNotice(Notice),
    DismissNotice,
}

/// `sim advance D` → milliseconds (`500`, `500ms`, `10s`, `2m`), as the core reads it.
pub fn advance_ms(line: &str) -> Option<u64> {
    let mut words = line.split_whitespace();
    if words.next() != Some("sim") || words.next() != Some("advance") {
        return None;
    }
    let w = words.next()?;
    if words.next().is_some() {
        return None;
    }
    streamlab_core::script::parse_duration(w).ok()
}

/// Script entries of a text: each command with its here-document re-attached.
pub fn entries_of(text: &str) -> Vec<String> {
    match parse(text) {
        Ok(lines) => lines
            .into_iter()
            .map(|l| match l.heredoc {
                None => l.text,
                Some(body) => {
                    let mut s = format!("{} <<EOF", l.text);
                    for b in body {
                        s.push('\n');
                        s.push_str(&b);
                    }
                    s.push_str("\nEOF");
                    s
                }
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Quotes a word for the scenario language when it needs it.
pub fn quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.,:/=@+".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// What a replay produced.
struct Replayed {
    session: Session,
    outputs: Vec<Output>,
    times: Vec<u64>,
    /// Entries run (the last one possibly an advance cut short).
    applied: usize,
    /// The milliseconds the last applied advance ran when it was cut short.
    cut_ms: Option<u64>,
    /// Whether every entry ran in full.
    complete: bool,
}

/// Where a replay starts: a fresh session or a checkpoint.
struct Start {
    session: Session,
    outputs: Vec<Output>,
    times: Vec<u64>,
    entries: usize,
    into_ms: u64,
}

impl Start {
    fn fresh() -> Self {
        Self {
            session: Session::new(),
            outputs: Vec::new(),
            times: Vec::new(),
            entries: 0,
            into_ms: 0,
        }
    }
}

/// Advances run in pieces this long, so a long advance can hold checkpoints.
const PIECE_MS: u64 = 1_000;

/// What a successful `sim advance` prints: nothing (the line is echoed).
fn advance_output(entry: &str) -> Output {
    Output {
        line: 1,
        command: entry.to_string(),
        text: String::new(),
        is_error: false,
    }
}

/// Runs `entries` from `start`, stopping at time `until` if given, offering
/// the states it passes to `checkpoints` if given.
fn replay(
    start: Start,
    entries: &[String],
    until: Option<u64>,
    mut checkpoints: Option<&mut Checkpoints>,
) -> Replayed {
    let Start {
        mut session,
        mut outputs,
        mut times,
        entries: first,
        into_ms,
    } = start;
    let last = entries.len().saturating_sub(1);
    for (i, entry) in entries.iter().enumerate().skip(first) {
        let now = session.sim().now().as_millis();
        let Some(total) = advance_ms(entry) else {
            times.push(now);
            outputs.extend(session.run(entry));
            if let Some(cps) = checkpoints.as_deref_mut() {
                cps.offer(&session, i + 1, 0, outputs.len());
            }
            continue;
        };
        let mut done = if i == first { into_ms.min(total) } else { 0 };
        if done == 0 {
            if until.is_some_and(|u| total > 0 && now >= u) {
                return Replayed {
                    session,
                    outputs,
                    times,
                    applied: i,
                    cut_ms: None,
                    complete: false,
                };
            }
            times.push(now);
        }
        let began = now - done;
        let target = began.saturating_add(total);
        let stop = until.map_or(target, |u| u.min(target));
        while session.sim().now().as_millis() < stop {
            let piece = (stop - session.sim().now().as_millis()).min(PIECE_MS);
            session.advance(piece);
            done += piece;
            if let Some(cps) = checkpoints.as_deref_mut() {
                if done < total {
                    cps.offer(&session, i, done, outputs.len());
                }
            }
        }
        if stop < target {
            let short = format!("sim advance {}", stop - began);
            outputs.push(advance_output(&short));
            return Replayed {
                session,
                outputs,
                times,
                applied: i + 1,
                cut_ms: Some(stop - began),
                complete: false,
            };
        }
        outputs.push(advance_output(entry));
        if let Some(cps) = checkpoints.as_deref_mut() {
            // The last advance may still grow (play merges ticks into it).
            if i == last {
                cps.offer(&session, i, total, outputs.len());
            } else {
                cps.offer(&session, i + 1, 0, outputs.len());
            }
        }
    }
    Replayed {
        session,
        outputs,
        times,
        applied: entries.len(),
        cut_ms: None,
        complete: true,
    }
}

/// The script played to its end, kept while scrubbed back: returning to the
/// end costs nothing, and its history is what checkpoints leave out.
struct End {
    session: Session,
    outputs: Rc<Vec<Output>>,
    times: Rc<Vec<u64>>,
}

impl State {
    pub fn from_script(text: &str) -> Self {
        Self::from_entries(entries_of(text), None)
    }

    fn from_entries(entries: Vec<String>, notice: Option<Notice>) -> Self {
        let mut checkpoints = Checkpoints::default();
        let r = replay(Start::fresh(), &entries, None, Some(&mut checkpoints));
        let end_ms = r.session.sim().now().as_millis();
        Self {
            session: Rc::new(RefCell::new(r.session)),
            version: 0,
            epoch: 0,
            applied: r.applied,
            script: Rc::new(entries),
            times: Rc::new(r.times),
            outputs: Rc::new(r.outputs),
            end_ms,
            cursor: None,
            cut_ms: None,
            end: Rc::new(RefCell::new(None)),
            checkpoints: Rc::new(RefCell::new(checkpoints)),
            playing: false,
            speed: 1,
            notice,
        }
    }

    /// How many checkpoints time travel can start from.
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.borrow().len()
    }

    /// Read access to the session for rendering.
    pub fn session(&self) -> std::cell::Ref<'_, Session> {
        self.session.borrow()
    }

    /// A cheap handle for components' props: equal while nothing changed.
    pub fn handle(&self) -> SessionHandle {
        SessionHandle {
            session: Rc::clone(&self.session),
            version: self.version,
            epoch: self.epoch,
        }
    }

    /// Simulated time shown (the cursor when scrubbed back).
    pub fn now_ms(&self) -> u64 {
        self.session.borrow().sim().now().as_millis()
    }

    /// The entries that made the state on screen.
    pub fn applied_script(&self) -> &[String] {
        &self.script[..self.applied.min(self.script.len())]
    }

    /// The whole script as text (what Share and Export carry).
    pub fn script_text(&self) -> String {
        let mut s = self.script.join("\n");
        s.push('\n');
        s
    }

    fn next(&self, f: impl FnOnce(&mut State)) -> Rc<Self> {
        let mut s = State {
            session: Rc::clone(&self.session),
            version: self.version + 1,
            epoch: self.epoch,
            script: Rc::clone(&self.script),
            times: Rc::clone(&self.times),
            applied: self.applied,
            outputs: Rc::clone(&self.outputs),
            end_ms: self.end_ms,
            cursor: self.cursor,
            cut_ms: self.cut_ms,
            end: Rc::clone(&self.end),
            checkpoints: Rc::clone(&self.checkpoints),
            playing: self.playing,
            speed: self.speed,
            notice: self.notice.clone(),
        };
        f(&mut s);
        Rc::new(s)
    }

    /// Travels to `t` (or to the end when `t` reaches it).
    fn seek(&mut self, t: u64) {
        if t >= self.end_ms {
            return self.back_to_end();
        }
        let r = {
            let mut end = self.end.borrow_mut();
            let end = end.get_or_insert_with(|| End {
                session: std::mem::take(&mut *self.session.borrow_mut()),
                outputs: Rc::clone(&self.outputs),
                times: Rc::clone(&self.times),
            });
            let checkpoint = self.checkpoints.borrow();
            let checkpoint = checkpoint.before(t);
            // Forward from the state on screen (playing in the past) when
            // no checkpoint is nearer: no work is redone.
            let from_screen = self
                .cursor
                .is_some_and(|c| c <= t && checkpoint.is_none_or(|cp| cp.time_ms <= c));
            let start = if from_screen {
                let mut outputs = self.outputs.to_vec();
                if self.cut_ms.is_some() {
                    // The cut advance's echo: the replay echoes it again.
                    outputs.pop();
                }
                Some(Start {
                    session: std::mem::take(&mut *self.session.borrow_mut()),
                    outputs,
                    times: self.times.to_vec(),
                    entries: self.applied - usize::from(self.cut_ms.is_some()),
                    into_ms: self.cut_ms.unwrap_or(0),
                })
            } else {
                checkpoint.and_then(|cp| {
                    let mut session = cp.session.clone();
                    session.restore_history(end.session.events().get(..cp.events)?);
                    let entries_begun = cp.entries + usize::from(cp.into_ms > 0);
                    Some(Start {
                        session,
                        outputs: end.outputs.get(..cp.outputs)?.to_vec(),
                        times: end.times.get(..entries_begun)?.to_vec(),
                        entries: cp.entries,
                        into_ms: cp.into_ms,
                    })
                })
            };
            replay(
                start.unwrap_or_else(Start::fresh),
                &self.script,
                Some(t),
                None,
            )
        };
        if r.complete {
            return self.back_to_end();
        }
        *self.session.borrow_mut() = r.session;
        self.epoch += 1;
        self.applied = r.applied;
        self.cut_ms = r.cut_ms;
        self.times = Rc::new(r.times);
        self.outputs = Rc::new(r.outputs);
        self.cursor = Some(t);
    }

    /// Leaves the past: the state is the end of the script again.
    fn back_to_end(&mut self) {
        let Some(end) = self.end.borrow_mut().take() else {
            return;
        };
        *self.session.borrow_mut() = end.session;
        self.epoch += 1;
        self.applied = self.script.len();
        self.cut_ms = None;
        self.times = end.times;
        self.outputs = end.outputs;
        self.cursor = None;
    }

    /// Makes the state on screen the end of the script: the future after a
    /// scrubbed-back cursor is dropped (like typing after an undo).
    fn truncate_to_cursor(&mut self) {
        let Some(t) = self.cursor else {
            return;
        };
        let mut script = self.script[..self.applied.min(self.script.len())].to_vec();
        if let (Some(ms), Some(last)) = (self.cut_ms, script.last_mut()) {
            *last = format!("sim advance {ms}");
        }
        self.checkpoints.borrow_mut().truncate(t, script.len());
        *self.end.borrow_mut() = None;
        self.applied = script.len();
        self.script = Rc::new(script);
        self.cursor = None;
        self.cut_ms = None;
        self.end_ms = self.now_ms();
    }

    /// Offers the live state to the checkpoints after a line ran.
    fn offer_checkpoint(&self) {
        let session = self.session.borrow();
        let (entries, into_ms, outputs) = match self.script.last() {
            // An advance at the end may grow: the checkpoint is inside it,
            // before its echo (a replay echoes it when it completes).
            Some(last) if advance_ms(last).is_some_and(|ms| ms > 0) => (
                self.script.len() - 1,
                advance_ms(last).unwrap_or(0),
                self.outputs
                    .iter()
                    .rposition(|o| o.command == *last)
                    .unwrap_or(self.outputs.len()),
            ),
            _ => (self.script.len(), 0, self.outputs.len()),
        };
        self.checkpoints
            .borrow_mut()
            .offer(&session, entries, into_ms, outputs);
    }

    /// Runs one line at the end of the script.
    fn run_line(&mut self, line: &str) {
        self.truncate_to_cursor();
        let line = line.trim();
        if line.is_empty() {
            return;
        }
        let now = self.now_ms();
        let mut script = (*self.script).clone();
        let mut times = (*self.times).clone();
        let mut outputs = (*self.outputs).clone();
        let merged = match (advance_ms(line), script.last().and_then(|l| advance_ms(l))) {
            // Consecutive advances become one line: the play timer would
            // otherwise write thousands of them.
            (Some(ms), Some(prev)) if ms > 0 => {
                let Some(total) = prev
                    .checked_add(ms)
                    .filter(|&t| t <= streamlab_core::script::MAX_ADVANCE_MS)
                else {
                    return self.append(line, now, script, times, outputs);
                };
                let out = self.session.borrow_mut().run(&format!("sim advance {ms}"));
                if out.iter().any(|o| o.is_error) {
                    outputs.extend(out);
                    script.push(line.to_string());
                    times.push(now);
                } else if let Some(last) = script.last_mut() {
                    let merged = format!("sim advance {total}");
                    // Its echo in the transcript follows, as a replay prints it.
                    if let Some(o) = outputs.iter_mut().rev().find(|o| o.command == *last) {
                        o.command.clone_from(&merged);
                    }
                    *last = merged;
                }
                true
            }
            _ => false,
        };
        if merged {
            self.set_end(script, times, outputs);
        } else {
            self.append(line, now, script, times, outputs);
        }
    }

    fn append(
        &mut self,
        line: &str,
        now: u64,
        mut script: Vec<String>,
        mut times: Vec<u64>,
        mut outputs: Vec<Output>,
    ) {
        outputs.extend(self.session.borrow_mut().run(line));
        script.push(line.to_string());
        times.push(now);
        self.set_end(script, times, outputs);
    }

    /// The live session ran the script's new end: record it, and maybe copy it.
    fn set_end(&mut self, script: Vec<String>, times: Vec<u64>, outputs: Vec<Output>) {
        self.applied = script.len();
        self.script = Rc::new(script);
        self.times = Rc::new(times);
        self.outputs = Rc::new(outputs);
        self.end_ms = self.now_ms();
        self.offer_checkpoint();
    }

    /// Moves time forward by `ms`: replaying towards the end when scrubbed
    /// back, else appending an advance.
    fn forward(&mut self, ms: u64) {
        match self.cursor {
            Some(t) => self.seek(t.saturating_add(ms)),
            None => self.run_line(&format!("sim advance {ms}")),
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Run(line) => self.next(|s| match parse(&line) {
                Ok(_) => {
                    for l in entries_of(&line) {
                        s.run_line(&l);
                    }
                }
                // Not a script (an unclosed here-document): show why, keep
                // the script clean so it still shares and replays.
                Err(e) => {
                    let mut outputs = (*s.outputs).clone();
                    outputs.push(Output {
                        line: 0,
                        command: line.clone(),
                        text: e.to_string(),
                        is_error: true,
                    });
                    s.outputs = Rc::new(outputs);
                }
            }),
            Action::Tick if !self.playing => self,
            Action::Tick => self.next(|s| s.forward(TICK_MS * s.speed)),
            Action::Step(ms) => self.next(|s| s.forward(ms)),
            Action::Play(p) => self.next(|s| s.playing = p),
            Action::Speed(x) => self.next(|s| s.speed = x.clamp(1, 1000)),
            Action::Seek(t) => self.next(|s| s.seek(t)),
            Action::Load {
                script,
                time_ms,
                notice,
            } => {
                let mut s = State::from_entries(entries_of(&script), notice);
                s.version = self.version + 1;
                s.epoch = self.epoch + 1;
                // A fresh session: a new Rc, so every handle sees the change.
                if let Some(t) = time_ms {
                    s.seek(t);
                }
                Rc::new(s)
            }
            Action::ShowNotice(n) => self.next(|s| s.notice = Some(n)),
            Action::DismissNotice => self.next(|s| s.notice = None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(s: Rc<State>, a: Action) -> Rc<State> {
        s.reduce(a)
    }

    #[test]
    fn advance_durations() {
        assert_eq!(advance_ms("sim advance 100"), Some(100));
        assert_eq!(advance_ms("sim advance 7s"), Some(7_000));
        assert_eq!(advance_ms("sim advance 2m"), Some(120_000));
        assert_eq!(advance_ms("sim advance 5ms"), Some(5));
        assert_eq!(advance_ms("sim crash 1"), None);
        assert_eq!(advance_ms("sim advance x"), None);
    }

    #[test]
    fn quoting_round_trips_through_the_parser() {
        for w in ["plain", "two words", "it's", "", "a'b c"] {
            let line = format!("sim produce t {}", quote(w));
            let words = streamlab_core::script::split_words(&line, 1).expect("quoted");
            assert_eq!(words[3], w);
        }
    }

    #[test]
    fn a_shown_notice_leaves_the_scenario_alone() {
        let s = Rc::new(State::default());
        let s = reduce(s, Action::Step(TICK_MS));
        let (script, now) = (s.script.clone(), s.now_ms());
        let notice = Notice {
            title: "Could not load".into(),
            body: "GET scenarios/x.script: 404 Not Found".into(),
            is_error: true,
        };
        let s = reduce(s, Action::ShowNotice(notice.clone()));
        assert_eq!(s.notice.as_ref(), Some(&notice));
        assert_eq!(s.script, script);
        assert_eq!(s.now_ms(), now);
        let s = reduce(s, Action::DismissNotice);
        assert_eq!(s.notice, None);
    }

    #[test]
    fn consecutive_advances_merge_into_one_line() {
        let s = Rc::new(State::default());
        let n = s.script.len();
        let s = reduce(s, Action::Step(TICK_MS));
        let s = reduce(s, Action::Step(TICK_MS));
        let s = reduce(s, Action::Run("sim advance 1s".into()));
        assert_eq!(s.script.len(), n + 1);
        assert_eq!(
            s.script.last().map(String::as_str),
            Some("sim advance 1200")
        );
        assert_eq!(s.now_ms(), 1_200);
    }

    #[test]
    fn seeking_back_replays_and_a_new_line_drops_the_future() {
        let s = Rc::new(State::default());
        let s = reduce(s, Action::Run("sim produce hello a --partition 0".into()));
        let s = reduce(s, Action::Run("sim advance 1s".into()));
        let s = reduce(s, Action::Run("sim produce hello b --partition 0".into()));
        let s = reduce(s, Action::Run("sim advance 1s".into()));
        let leo =
            |s: &State| s.session().sim().snapshot().topics["hello"].partitions[0].log_end_offset();
        assert_eq!(leo(&s), 2);
        let full = s.script.len();
        let s = reduce(s, Action::Seek(500));
        assert_eq!(s.now_ms(), 500);
        assert_eq!(leo(&s), 1, "b was produced at 1000 ms");
        assert_eq!(s.cursor, Some(500));
        assert_eq!(s.script.len(), full, "seeking keeps the future");
        // Back to the end: the same state as before.
        let s = reduce(s, Action::Seek(u64::MAX));
        assert_eq!((s.cursor, s.now_ms(), leo(&s)), (None, 2_000, 2));
        // Scrub back, then act: the future is dropped, the advance is cut.
        let s = reduce(s, Action::Seek(1_500));
        let s = reduce(s, Action::Run("sim crash 0".into()));
        assert_eq!(s.cursor, None);
        assert_eq!(s.end_ms, 1_500);
        assert!(s.script.iter().any(|l| l == "sim advance 500"));
        assert_eq!(s.script.last().map(String::as_str), Some("sim crash 0"));
    }

    /// A busy scenario played the way the page plays it: ticks merged into
    /// long advances, with lines in between.
    fn busy() -> Rc<State> {
        let mut s = Rc::new(State::default());
        for round in 0..12 {
            s = reduce(
                s,
                Action::Run(format!("sim produce hello r{round} --count 300 --acks all")),
            );
            if round == 5 {
                s = reduce(s, Action::Run("sim crash 1".into()));
            }
            for _ in 0..25 {
                s = reduce(s, Action::Step(TICK_MS * 4));
            }
        }
        s
    }

    fn fingerprint(s: &State) -> (u64, u64, usize, Vec<Output>, Vec<u64>, usize) {
        let session = s.session();
        (
            session.sim().now().as_millis(),
            session.sim().trace_hash(),
            session.events().len(),
            s.outputs.to_vec(),
            s.times.to_vec(),
            s.applied,
        )
    }

    /// The state on screen is what replaying its script from the first line
    /// to its time gives: trace, events, outputs, times and cut advance.
    fn assert_same_as_a_replay_from_scratch(s: &State) {
        let t = s.now_ms();
        let scratch = replay(Start::fresh(), &s.script, Some(t), None);
        assert_eq!(
            s.session().sim().trace_hash(),
            scratch.session.sim().trace_hash(),
            "at {t}"
        );
        assert_eq!(s.session().events(), scratch.session.events(), "at {t}");
        assert_eq!(*s.outputs, scratch.outputs, "at {t}");
        assert_eq!(*s.times, scratch.times, "at {t}");
        assert_eq!(
            (s.applied, s.cut_ms),
            (scratch.applied, scratch.cut_ms),
            "at {t}"
        );
    }

    #[test]
    fn seeking_from_checkpoints_reaches_what_a_replay_from_scratch_reaches() {
        let s = busy();
        assert!(
            s.checkpoint_count() >= 3,
            "{} checkpoints, {} events, {} ms",
            s.checkpoint_count(),
            s.session().events().len(),
            s.now_ms()
        );
        let end = fingerprint(&s);
        let mut cur = s;
        for t in [
            29_000, 1_000, 17_450, 17_451, 10_000, 10_000, 25_999, 3_333, 100,
        ] {
            cur = reduce(cur, Action::Seek(t));
            if t >= 10_000 {
                assert!(
                    cur.checkpoints.borrow().before(t).is_some(),
                    "{t} starts from a copy"
                );
            }
            assert_eq!(cur.session().sim().now().as_millis(), t);
            assert_same_as_a_replay_from_scratch(&cur);
        }
        let back = reduce(cur, Action::Seek(u64::MAX));
        assert_eq!(fingerprint(&back), end, "the end is the end again");
    }

    #[test]
    fn playing_in_the_past_goes_on_from_the_state_on_screen() {
        let mut s = reduce(busy(), Action::Seek(40_000));
        for _ in 0..40 {
            s = reduce(s, Action::Step(333));
            assert_eq!(s.cursor, Some(s.now_ms()));
            assert_same_as_a_replay_from_scratch(&s);
        }
        assert_eq!(s.now_ms(), 40_000 + 40 * 333);
    }

    #[test]
    fn acting_in_the_past_keeps_a_script_that_replays_to_the_same_state() {
        let s = reduce(busy(), Action::Seek(21_250));
        let s = reduce(s, Action::Run("sim restart 1".into()));
        let s = reduce(s, Action::Step(3_000));
        let fresh = State::from_script(&s.script_text());
        let a = s.session();
        let b = fresh.session();
        assert_eq!(a.sim().now().as_millis(), 24_250);
        assert_eq!(a.sim().trace_hash(), b.sim().trace_hash());
        assert_eq!(a.events(), b.events());
        drop((a, b));
        // And travelling again uses the checkpoints kept from before the cut.
        let s = reduce(s, Action::Seek(12_000));
        let scratch = replay(Start::fresh(), &s.script, Some(12_000), None);
        assert_eq!(
            s.session().sim().trace_hash(),
            scratch.session.sim().trace_hash()
        );
    }

    #[test]
    fn play_ticks_only_while_playing_and_scale_with_speed() {
        let s = Rc::new(State::default());
        let s = reduce(s, Action::Tick);
        assert_eq!(s.now_ms(), 0);
        let s = reduce(s, Action::Play(true));
        let s = reduce(s, Action::Speed(10));
        let s = reduce(s, Action::Tick);
        assert_eq!(s.now_ms(), 1_000);
    }

    #[test]
    fn heredocs_survive_as_entries() {
        let e = entries_of("kafka-console-producer.sh --topic t <<EOF\na\nb\nEOF\nsim advance 1\n");
        assert_eq!(e.len(), 2);
        assert_eq!(entries_of(&e[0]), vec![e[0].clone()]);
    }
}
