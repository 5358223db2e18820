//! The playground's state: the scenario script and the session playing it.
//! Every action becomes a script line, so the UI, the console, the share
//! link and time travel stay one thing: the script.
//!
//! Time travel is deterministic replay. Lines are commands at times (only
//! `sim advance` moves the clock), so the state at time `t` is the script
//! replayed from scratch until the advance that would pass `t`, which is cut
//! short to end exactly at `t`.

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
    /// Entries run (the last one possibly a shortened advance).
    ran: Vec<String>,
    /// Whether every entry ran in full.
    complete: bool,
}

/// Runs `entries` in a fresh session, stopping at time `until` if given.
fn replay(entries: &[String], until: Option<u64>) -> Replayed {
    let mut session = Session::new();
    let mut outputs = Vec::new();
    let mut times = Vec::new();
    let mut ran = Vec::new();
    for entry in entries {
        let now = session.sim().now().as_millis();
        if let (Some(u), Some(ms)) = (until, advance_ms(entry)) {
            if ms > 0 && now >= u {
                return Replayed {
                    session,
                    outputs,
                    times,
                    ran,
                    complete: false,
                };
            }
            if now.saturating_add(ms) > u {
                let short = format!("sim advance {}", u.saturating_sub(now));
                outputs.extend(session.run(&short));
                times.push(now);
                ran.push(short);
                return Replayed {
                    session,
                    outputs,
                    times,
                    ran,
                    complete: false,
                };
            }
        }
        outputs.extend(session.run(entry));
        times.push(now);
        ran.push(entry.clone());
    }
    Replayed {
        session,
        outputs,
        times,
        ran,
        complete: true,
    }
}

impl State {
    pub fn from_script(text: &str) -> Self {
        Self::from_entries(entries_of(text), None)
    }

    fn from_entries(entries: Vec<String>, notice: Option<Notice>) -> Self {
        let r = replay(&entries, None);
        let end_ms = r.session.sim().now().as_millis();
        Self {
            session: Rc::new(RefCell::new(r.session)),
            version: 0,
            epoch: 0,
            applied: r.ran.len(),
            script: Rc::new(entries),
            times: Rc::new(r.times),
            outputs: Rc::new(r.outputs),
            end_ms,
            cursor: None,
            playing: false,
            speed: 1,
            notice,
        }
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
            playing: self.playing,
            speed: self.speed,
            notice: self.notice.clone(),
        };
        f(&mut s);
        Rc::new(s)
    }

    /// Replays to `t` (or to the end when `t` reaches it).
    fn seek(&mut self, t: u64) {
        let until = (t < self.end_ms).then_some(t);
        let r = replay(&self.script, until);
        *self.session.borrow_mut() = r.session;
        self.epoch += 1;
        self.applied = if r.complete {
            self.script.len()
        } else {
            // A shortened advance counts as applied (it ran, in part).
            r.ran.len()
        };
        self.times = Rc::new(r.times);
        self.outputs = Rc::new(r.outputs);
        self.cursor = if r.complete { None } else { Some(t) };
        if r.complete {
            self.end_ms = self.now_ms();
        }
    }

    /// Makes the state on screen the end of the script: the future after a
    /// scrubbed-back cursor is dropped (like typing after an undo).
    fn truncate_to_cursor(&mut self) {
        if self.cursor.is_none() {
            return;
        }
        // Replay once more to learn the exact entries that ran, with the
        // shortened advance spelled as it ran.
        let t = self.cursor.unwrap_or(self.end_ms);
        let r = replay(&self.script, Some(t));
        *self.session.borrow_mut() = r.session;
        self.epoch += 1;
        self.applied = r.ran.len();
        self.script = Rc::new(r.ran);
        self.times = Rc::new(r.times);
        self.outputs = Rc::new(r.outputs);
        self.cursor = None;
        self.end_ms = self.now_ms();
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
                    *last = format!("sim advance {total}");
                }
                true
            }
            _ => false,
        };
        if merged {
            self.applied = script.len();
            self.script = Rc::new(script);
            self.times = Rc::new(times);
            self.outputs = Rc::new(outputs);
            self.end_ms = self.now_ms();
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
        self.applied = script.len();
        self.script = Rc::new(script);
        self.times = Rc::new(times);
        self.outputs = Rc::new(outputs);
        self.end_ms = self.now_ms();
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
