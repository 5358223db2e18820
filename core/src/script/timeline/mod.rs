//! Time travel: a script being played, seekable to any simulated time.
//!
//! A [`Timeline`] owns the script (its [`Entry`]s), the time each entry
//! began, the outputs, the session on screen and, while the screen is in
//! the past, the session at the end of the script. The past is replayed, not
//! stored: the simulation is deterministic, so the state at time `t` is the
//! script replayed from the last checkpoint before `t` (see
//! [`checkpoints`]) until the `sim advance` that would pass `t`, cut short
//! to end exactly at `t`. Consecutive advances merge into one entry (a
//! page's clock would otherwise write one per tick), and acting while in
//! the past replaces the future, as typing after an undo does.
//!
//! Work is asked for, then done in slices: [`seek`](Timeline::seek),
//! [`run`](Timeline::run), [`forward`](Timeline::forward) and
//! [`from_script`](Timeline::from_script) only say where to go;
//! [`work`](Timeline::work) goes at most about `budget` units of the way
//! and says how far it got, so a caller with a frame to draw (the page) can
//! spread minutes of simulation over many frames, and [`finish`](Timeline::finish)
//! goes all the way. A unit is one trace event, one timer fired (an idle
//! follower's long poll emits nothing but still costs) or one step (an
//! entry, or a piece of an advance); pieces shrink on a busy cluster, so a
//! slice ends within one step of its budget. How the work is sliced never changes the
//! result. Every timeline is a plain value — several can play side by side.
//!
//! [`epoch`](Timeline::epoch) changes whenever the session on screen is
//! rebuilt rather than continued (a seek from a checkpoint, back to the
//! end, a new script), so observers that fold the trace incrementally know
//! to start over; between changes of epoch the trace only grows.

mod checkpoints;
#[cfg(test)]
mod tests;

use super::session::{Output, Session};
use super::{parse, Entry, ScriptError, MAX_ADVANCE_MS};
use checkpoints::Checkpoints;

/// The longest piece of an advance run in one step, in simulated ms.
const PIECE_MS: u64 = 1_000;
/// The work (events plus timers fired) one piece should cost: each piece
/// is sized from the last one's rate, between 1 ms and `PIECE_MS`.
const PIECE_WORK: u64 = 4_096;
/// The first piece, before any rate is known.
const FIRST_PIECE_MS: u64 = 16;

/// How far a timeline got with the work asked of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The state asked for is on screen.
    Done,
    /// More to do: call [`Timeline::work`] again.
    Working {
        /// Entries run in full so far, of `entries`.
        entry: usize,
        entries: usize,
        /// Simulated time on screen, and where a seek is going (`None`:
        /// to the end of the script).
        now_ms: u64,
        until_ms: Option<u64>,
    },
}

/// The state on screen, and how far into the script it is.
#[derive(Debug, Clone)]
struct Screen {
    session: Session,
    outputs: Vec<Output>,
    /// Entries run in full.
    done: usize,
    /// Milliseconds run of entry `done` (an advance under way); 0 otherwise.
    into_ms: u64,
    /// Where in `outputs` the advance under way is echoed, if it is (cut
    /// short by a seek, paused by the budget, or reopened by a merge).
    echo: Option<usize>,
}

impl Screen {
    fn fresh() -> Self {
        Self {
            session: Session::new(),
            outputs: Vec::new(),
            done: 0,
            into_ms: 0,
            echo: None,
        }
    }

    fn now_ms(&self) -> u64 {
        self.session.sim.now().as_millis()
    }

    /// The work done so far: events emitted plus timers fired.
    fn work(&self) -> u64 {
        self.session.events().len() as u64 + self.session.sim.steps()
    }

    /// Echoes the part of the advance under way that ran, if one is.
    fn echo_cut(&mut self) {
        if self.into_ms > 0 {
            self.echo(format!("sim advance {}", self.into_ms));
        }
    }

    /// Shows `command` as the echo of the advance under way.
    fn echo(&mut self, command: String) {
        match self.echo.and_then(|i| self.outputs.get_mut(i)) {
            Some(o) => o.command = command,
            None => {
                self.echo = Some(self.outputs.len());
                self.outputs.push(Output {
                    line: 1,
                    command,
                    text: String::new(),
                    is_error: false,
                });
            }
        }
    }
}

/// The end of the script, kept while the screen is in the past: going back
/// to it costs nothing, and its history is what checkpoints leave out.
#[derive(Debug, Clone)]
struct End {
    session: Session,
    outputs: Vec<Output>,
}

/// A script played or being played, seekable to any simulated time.
#[derive(Debug, Clone)]
pub struct Timeline {
    entries: Vec<Entry>,
    /// Simulated time at which each played entry began (entries
    /// `..times.len()` have been played).
    times: Vec<u64>,
    screen: Screen,
    /// `Some` exactly while the screen is in the past.
    end: Option<Box<End>>,
    /// `Some(t)`: scrubbed back to `t` (the screen may be later when the
    /// entry at `t` itself takes time, as a console producer does).
    cursor: Option<u64>,
    checkpoints: Checkpoints,
    epoch: u64,
    /// What the pending work is going to: `Some(None)` the end of the script
    /// (playing entries for the first time), `Some(Some(t))` time `t`.
    job: Option<Option<u64>>,
    piece_ms: u64,
}

impl Default for Timeline {
    fn default() -> Self {
        Self::new()
    }
}

impl Timeline {
    /// An empty script on a fresh session.
    pub fn new() -> Self {
        Self {
            entries: Vec::new(),
            times: Vec::new(),
            screen: Screen::fresh(),
            end: None,
            cursor: None,
            checkpoints: Checkpoints::default(),
            epoch: 0,
            job: None,
            piece_ms: FIRST_PIECE_MS,
        }
    }

    /// A script to play from its first line: nothing has run yet, the work
    /// is pending (see [`work`](Self::work)).
    pub fn from_script(text: &str) -> Result<Self, ScriptError> {
        let mut tl = Self::new();
        tl.load(text)?;
        Ok(tl)
    }

    /// Replaces the script with `text`, to play from its first line (the
    /// work is pending); a new epoch. Text that is not a script changes
    /// nothing.
    pub fn load(&mut self, text: &str) -> Result<(), ScriptError> {
        let entries = parse(text)?.into_iter().map(Entry::from_line).collect();
        let epoch = self.epoch + 1;
        *self = Self {
            entries,
            epoch,
            job: Some(None),
            ..Self::new()
        };
        Ok(())
    }

    /// A script played to its end.
    pub fn played(text: &str) -> Result<Self, ScriptError> {
        let mut tl = Self::from_script(text)?;
        tl.finish();
        Ok(tl)
    }

    // ---- reading ----

    /// The session on screen.
    pub fn session(&self) -> &Session {
        &self.screen.session
    }

    /// Simulated time on screen.
    pub fn now_ms(&self) -> u64 {
        self.screen.now_ms()
    }

    /// Simulated time at the end of the script as played so far.
    pub fn end_ms(&self) -> u64 {
        self.end
            .as_ref()
            .map_or_else(|| self.now_ms(), |e| e.session.sim.now().as_millis())
    }

    /// `Some(t)` while scrubbed back to `t`, `None` at the end.
    pub fn cursor(&self) -> Option<u64> {
        self.cursor
    }

    /// The whole script, the future included.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// How many entries made the state on screen (an advance cut short or
    /// under way counts); the rest are the future.
    pub fn applied(&self) -> usize {
        self.screen.done + usize::from(self.screen.into_ms > 0 || self.screen.echo.is_some())
    }

    /// The simulated time at which each applied entry began.
    pub fn times(&self) -> &[u64] {
        &self.times[..self.applied().min(self.times.len())]
    }

    /// What the entries on screen printed, in order (an advance cut short
    /// is echoed with the part that ran).
    pub fn outputs(&self) -> &[Output] {
        &self.screen.outputs
    }

    /// The whole script as text (what a share link and an export carry).
    pub fn script_text(&self) -> String {
        let mut s = String::new();
        for (i, e) in self.entries.iter().enumerate() {
            if i > 0 {
                s.push('\n');
            }
            s.push_str(&e.text());
        }
        s.push('\n');
        s
    }

    /// Changes whenever the session on screen is rebuilt instead of
    /// continued; while it stays, the trace only grows.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// How many checkpoints a seek can start from.
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    /// Whether work asked for is still to do.
    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    // ---- asking ----

    /// Travel to simulated time `t_ms`: the end of the script when `t_ms`
    /// reaches it (at once), else the script replayed up to `t_ms`.
    pub fn seek(&mut self, t_ms: u64) {
        self.stop();
        if t_ms >= self.end_ms() {
            return self.back_to_end();
        }
        let end = match self.end.take() {
            Some(end) => end,
            // Leaving the end: it is kept whole, the screen starts again.
            None => Box::new(End {
                session: std::mem::take(&mut self.screen.session),
                outputs: std::mem::take(&mut self.screen.outputs),
            }),
        };
        let checkpoint = self.checkpoints.before(t_ms);
        // Forward from the state on screen (playing in the past) when no
        // checkpoint is nearer: no work is redone, the trace only grows.
        let screen_now = self.screen.now_ms();
        let from_screen = self.cursor.is_some()
            && screen_now <= t_ms
            && checkpoint.is_none_or(|cp| cp.time_ms <= screen_now);
        if !from_screen {
            self.screen = checkpoint
                .and_then(|cp| {
                    let mut session = cp.session.clone();
                    session.restore_history(end.session.events().get(..cp.events)?);
                    Some(Screen {
                        session,
                        outputs: end.outputs.get(..cp.outputs)?.to_vec(),
                        done: cp.entries,
                        into_ms: cp.into_ms,
                        echo: None,
                    })
                })
                .unwrap_or_else(Screen::fresh);
            self.epoch += 1;
        }
        self.end = Some(end);
        self.cursor = Some(t_ms);
        self.job = Some(Some(t_ms));
    }

    /// Let `ms` of simulated time pass: replaying towards the end while in
    /// the past, else an advance at the end of the script (merged with an
    /// advance there).
    pub fn forward(&mut self, ms: u64) {
        match self.cursor {
            Some(t) => self.seek(t.saturating_add(ms)),
            None => self.run([Entry::advance(ms)]),
        }
    }

    /// Run entries at the end of the script. In the past, the future is
    /// dropped first and they run at the time on screen; while a first play
    /// is under way, its unplayed rest is dropped the same way.
    pub fn run(&mut self, entries: impl IntoIterator<Item = Entry>) {
        self.stop();
        self.truncate_to_screen();
        for e in entries {
            self.push(e);
        }
        self.job = Some(None);
    }

    /// Run script text typed by hand. Text that is not a script (an
    /// unclosed here-document) runs nothing: its error is shown among the
    /// outputs, and kept out of the script so it still shares and replays.
    pub fn run_text(&mut self, text: &str) -> Result<(), ScriptError> {
        match parse(text) {
            Ok(lines) => {
                self.run(lines.into_iter().map(Entry::from_line));
                Ok(())
            }
            Err(e) => {
                self.screen.outputs.push(Output {
                    line: 0,
                    command: text.to_string(),
                    text: e.to_string(),
                    is_error: true,
                });
                Err(e)
            }
        }
    }

    // ---- working ----

    /// Does about `budget` units of the pending work (at least one step)
    /// and says whether it is done.
    pub fn work(&mut self, budget: u64) -> Progress {
        let Some(until) = self.job else {
            return Progress::Done;
        };
        let mut spent = 0u64;
        loop {
            match self.step(until) {
                None => {
                    self.job_done(until);
                    return Progress::Done;
                }
                Some(cost) => spent = spent.saturating_add(cost),
            }
            if spent >= budget {
                self.screen.echo_cut();
                return Progress::Working {
                    entry: self.screen.done,
                    entries: self.entries.len(),
                    now_ms: self.now_ms(),
                    until_ms: until,
                };
            }
        }
    }

    /// Does all the pending work.
    pub fn finish(&mut self) {
        while self.work(u64::MAX) != Progress::Done {}
    }

    /// Gives up the pending work where it got: a seek stays at the time it
    /// reached; a first play keeps what ran and drops the rest of the
    /// script, an advance under way cut where it got. Returns how many
    /// entries were dropped.
    pub fn stop(&mut self) -> usize {
        match self.job.take() {
            None => 0,
            Some(Some(_)) => {
                self.screen.echo_cut();
                self.cursor = Some(self.now_ms());
                0
            }
            Some(None) => {
                let before = self.entries.len();
                self.truncate_to_screen();
                before - self.entries.len()
            }
        }
    }

    /// One step towards `until` (`None`: the end of the script), or `None`
    /// when there is nothing left to do; `Some(cost)` otherwise.
    fn step(&mut self, until: Option<u64>) -> Option<u64> {
        // A first play records times and offers checkpoints; a seek replays
        // what was played already.
        let first_play = until.is_none();
        let s = &mut self.screen;
        let entry = self.entries.get(s.done)?;
        let now = s.now_ms();
        if until.is_some_and(|u| now > u) {
            return None;
        }
        let work = s.work();
        let Some(total) = entry.advance_ms() else {
            if first_play && self.times.len() == s.done {
                self.times.push(now);
            }
            let out = s.session.execute_entry(entry);
            s.outputs.push(out);
            s.done += 1;
            if first_play {
                self.checkpoints
                    .offer(&s.session, s.done, 0, s.outputs.len());
            }
            return Some(1 + s.work() - work);
        };
        if s.into_ms == 0 && s.echo.is_none() {
            // An advance from `t` on is the future of `t`.
            if until.is_some_and(|u| total > 0 && now >= u) {
                return None;
            }
            if first_play && self.times.len() == s.done {
                self.times.push(now);
            }
        }
        let began = now - s.into_ms;
        let target = began.saturating_add(total);
        let stop = until.map_or(target, |u| u.min(target));
        if now < stop {
            let piece = (stop - now).min(self.piece_ms);
            s.session.advance(piece);
            // From the clock reached, not the piece asked for: an advance
            // may stop short (a work budget running out).
            s.into_ms = s.now_ms() - began;
            let cost = s.work() - work;
            // The next piece costs about PIECE_WORK at this piece's rate,
            // growing at most 2× a step (a quiet moment may precede a burst).
            self.piece_ms = (piece.saturating_mul(PIECE_WORK) / cost.max(1))
                .clamp(1, self.piece_ms.saturating_mul(2))
                .min(PIECE_MS);
            if first_play && s.into_ms < total {
                let outputs = s.echo.unwrap_or(s.outputs.len());
                self.checkpoints
                    .offer(&s.session, s.done, s.into_ms, outputs);
            }
            return Some(1 + cost);
        }
        if stop < target {
            // Cut at `until`: echoed with the part that ran.
            s.echo(format!("sim advance {}", stop - began));
            return None;
        }
        s.echo(entry.command().to_string());
        let echo = s.echo.take().unwrap_or(s.outputs.len());
        s.done += 1;
        s.into_ms = 0;
        if first_play {
            // The last advance may still grow (a merge reopens it): the
            // copy is inside it, before its echo.
            if s.done == self.entries.len() {
                self.checkpoints.offer(&s.session, s.done - 1, total, echo);
            } else {
                self.checkpoints
                    .offer(&s.session, s.done, 0, s.outputs.len());
            }
        }
        Some(1)
    }

    fn job_done(&mut self, until: Option<u64>) {
        self.job = None;
        if self.screen.done == self.entries.len() && self.screen.into_ms == 0 {
            // The whole script ran: the end it reached is the end kept.
            self.back_to_end();
        } else if until.is_none() {
            // Unreachable: a first play ends only at the end of the script.
            self.cursor = None;
        }
    }

    /// Leaves the past: the state is the end of the script again.
    fn back_to_end(&mut self) {
        self.job = None;
        self.cursor = None;
        let Some(end) = self.end.take() else {
            return;
        };
        self.screen = Screen {
            session: end.session,
            outputs: end.outputs,
            done: self.entries.len(),
            into_ms: 0,
            echo: None,
        };
        self.epoch += 1;
    }

    /// Makes the state on screen the end of the script: the future is
    /// dropped, an advance under way ends where it is.
    fn truncate_to_screen(&mut self) {
        let s = &mut self.screen;
        let mut keep = s.done;
        if s.into_ms > 0 || s.echo.is_some() {
            let cut = Entry::advance(s.into_ms);
            s.echo(cut.command().to_string());
            if let Some(e) = self.entries.get_mut(s.done) {
                *e = cut;
            }
            keep += 1;
            s.done = keep;
            s.into_ms = 0;
            s.echo = None;
        }
        if keep == self.entries.len() && self.end.is_none() && self.cursor.is_none() {
            return;
        }
        self.entries.truncate(keep);
        self.times.truncate(keep);
        let now = s.now_ms();
        self.checkpoints.truncate(now, keep);
        self.end = None;
        self.cursor = None;
    }

    /// Appends an entry, or merges an advance into an advance that ends the
    /// script (reopening it on screen when it already ran).
    fn push(&mut self, entry: Entry) {
        let merged = match (entry.advance_ms(), self.entries.last()) {
            (Some(ms), Some(last)) if ms > 0 => last
                .advance_ms()
                .and_then(|prev| prev.checked_add(ms).map(|t| (prev, t)))
                .filter(|&(_, total)| total <= MAX_ADVANCE_MS),
            _ => None,
        };
        let Some((prev, total)) = merged else {
            self.entries.push(entry);
            return;
        };
        let last = self.entries.len() - 1;
        let old = std::mem::replace(&mut self.entries[last], Entry::advance(total));
        let s = &mut self.screen;
        if s.done == self.entries.len() {
            // It ran in full: under way again, its echo renamed in place.
            s.done = last;
            s.into_ms = prev;
            s.echo = s.outputs.iter().rposition(|o| o.command == old.command());
        }
        if s.done == last && s.echo.is_some() {
            s.echo(self.entries[last].command().to_string());
        }
    }
}
