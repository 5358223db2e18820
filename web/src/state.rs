//! The playground's state: a reducer over the core's time-travel engine,
//! [`streamlab_core::script::Timeline`], which owns the script, its outputs,
//! the session on screen and the checkpoints. Every action is a script entry
//! (a click builds a typed [`Entry`]; the console's text is parsed once) or
//! a move in time, so the UI, the console, the share link and time travel
//! stay one thing: the script.

use crate::i18n::t;
use std::cell::{Ref, RefCell};
use std::rc::Rc;
use streamlab_core::script::{Entry, Session, Timeline};
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
    /// `version` telling Yew when it changed. One timeline for the page's
    /// life (a new script is a new epoch of it).
    timeline: Rc<RefCell<Timeline>>,
    pub version: u64,
    pub playing: bool,
    /// Simulated time per wall-clock time: 1, 10 or 100.
    pub speed: u64,
    pub notice: Option<Notice>,
}

impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.timeline, &other.timeline) && self.version == other.version
    }
}

impl Default for State {
    fn default() -> Self {
        Self::from_script(DEFAULT_SCRIPT)
    }
}

/// Shared read access to the timeline, compared by version so Yew
/// re-renders a component only when something changed.
#[derive(Clone)]
pub struct SessionHandle {
    timeline: Rc<RefCell<Timeline>>,
    pub version: u64,
    /// The timeline's epoch: derived views folding the trace start over
    /// when it changes (see `derive::Fold`).
    pub epoch: u64,
}

impl PartialEq for SessionHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.timeline, &other.timeline) && self.version == other.version
    }
}

impl SessionHandle {
    /// The session on screen.
    pub fn borrow(&self) -> Ref<'_, Session> {
        Ref::map(self.timeline.borrow(), Timeline::session)
    }

    /// The script, its outputs and times.
    pub fn timeline(&self) -> Ref<'_, Timeline> {
        self.timeline.borrow()
    }
}

pub enum Action {
    /// A line typed in the console (parsed once, here).
    Typed(String),
    /// A command built by a click.
    Run(Entry),
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

impl State {
    pub fn from_script(text: &str) -> Self {
        let mut s = Self {
            timeline: Rc::new(RefCell::new(Timeline::new())),
            version: 0,
            playing: false,
            speed: 1,
            notice: None,
        };
        s.load(text, None);
        s
    }

    /// Opens `text` (at `time_ms` if given). Text that is not a script
    /// leaves an empty playground saying why.
    fn load(&mut self, text: &str, time_ms: Option<u64>) {
        let mut tl = self.timeline.borrow_mut();
        if let Err(e) = tl.load(text) {
            let _ = tl.load("");
            self.notice = Some(Notice {
                title: t("This scenario could not be read; the playground is empty.").into(),
                body: e.to_string(),
                is_error: true,
            });
        }
        tl.finish();
        if let Some(t) = time_ms {
            tl.seek(t);
            tl.finish();
        }
    }

    /// The timeline, for reading.
    pub fn timeline(&self) -> Ref<'_, Timeline> {
        self.timeline.borrow()
    }

    /// Read access to the session on screen.
    pub fn session(&self) -> Ref<'_, Session> {
        Ref::map(self.timeline.borrow(), Timeline::session)
    }

    /// A cheap handle for components' props: equal while nothing changed.
    pub fn handle(&self) -> SessionHandle {
        SessionHandle {
            timeline: Rc::clone(&self.timeline),
            version: self.version,
            epoch: self.timeline.borrow().epoch(),
        }
    }

    /// Simulated time shown (the cursor when scrubbed back).
    pub fn now_ms(&self) -> u64 {
        self.timeline.borrow().now_ms()
    }

    /// Time at the end of the whole script.
    pub fn end_ms(&self) -> u64 {
        self.timeline.borrow().end_ms()
    }

    /// `Some(t)`: scrubbed back to `t`; `None`: live at the end of the script.
    pub fn cursor(&self) -> Option<u64> {
        self.timeline.borrow().cursor()
    }

    /// The whole script as text (what Share and Export carry).
    pub fn script_text(&self) -> String {
        self.timeline.borrow().script_text()
    }

    /// How many checkpoints time travel can start from.
    pub fn checkpoint_count(&self) -> usize {
        self.timeline.borrow().checkpoint_count()
    }

    /// The next state: `f` changes the timeline (its work done before the
    /// page draws again) or the page's own fields.
    fn next(&self, f: impl FnOnce(&mut State, &mut Timeline)) -> Rc<Self> {
        let mut s = State {
            timeline: Rc::clone(&self.timeline),
            version: self.version + 1,
            playing: self.playing,
            speed: self.speed,
            notice: self.notice.clone(),
        };
        {
            let tl = Rc::clone(&self.timeline);
            let mut tl = tl.borrow_mut();
            f(&mut s, &mut tl);
            tl.finish();
        }
        Rc::new(s)
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            // Not a script (an unclosed here-document): the timeline shows
            // why among the outputs and keeps it out of the script.
            Action::Typed(text) => self.next(|_, tl| {
                let _ = tl.run_text(&text);
            }),
            Action::Run(entry) => self.next(|_, tl| tl.run([entry])),
            Action::Tick if !self.playing => self,
            Action::Tick => self.next(|s, tl| tl.forward(TICK_MS * s.speed)),
            Action::Step(ms) => self.next(|_, tl| tl.forward(ms)),
            Action::Play(p) => self.next(|s, _| s.playing = p),
            Action::Speed(x) => self.next(|s, _| s.speed = x.clamp(1, 1000)),
            Action::Seek(t) => self.next(|_, tl| tl.seek(t)),
            Action::Load {
                script,
                time_ms,
                notice,
            } => {
                let mut s = State {
                    timeline: Rc::clone(&self.timeline),
                    version: self.version + 1,
                    playing: self.playing,
                    speed: self.speed,
                    notice,
                };
                s.load(&script, time_ms);
                Rc::new(s)
            }
            Action::ShowNotice(n) => self.next(|s, _| s.notice = Some(n)),
            Action::DismissNotice => self.next(|s, _| s.notice = None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamlab_core::script::LineBuilder;

    fn reduce(s: Rc<State>, a: Action) -> Rc<State> {
        s.reduce(a)
    }

    #[test]
    fn a_shown_notice_leaves_the_scenario_alone() {
        let s = Rc::new(State::default());
        let s = reduce(s, Action::Step(TICK_MS));
        let (script, now) = (s.script_text(), s.now_ms());
        let notice = Notice {
            title: "Could not load".into(),
            body: "GET scenarios/x.script: 404 Not Found".into(),
            is_error: true,
        };
        let s = reduce(s, Action::ShowNotice(notice.clone()));
        assert_eq!(s.notice.as_ref(), Some(&notice));
        assert_eq!(s.script_text(), script);
        assert_eq!(s.now_ms(), now);
        let s = reduce(s, Action::DismissNotice);
        assert_eq!(s.notice, None);
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
    fn every_action_is_a_new_version_drawn_from_one_timeline() {
        let s = Rc::new(State::default());
        let epoch = s.handle().epoch;
        let crash = LineBuilder::new("sim")
            .arg("crash")
            .arg("1")
            .build()
            .expect("valid");
        let s1 = reduce(Rc::clone(&s), Action::Run(crash));
        assert!(s1.version > s.version && s1.handle() != s.handle());
        assert!(s1.script_text().ends_with("sim crash 1\n"));
        let s2 = reduce(s1, Action::Step(500));
        let s3 = reduce(s2, Action::Seek(200));
        assert_eq!((s3.cursor(), s3.now_ms()), (Some(200), 200));
        assert!(s3.handle().epoch > epoch, "a seek back rebuilt the session");
        // A share link opens at its time; a bad script says why.
        let s4 = reduce(
            s3,
            Action::Load {
                script: "sim brokers 4\nsim advance 2s\n".into(),
                time_ms: Some(700),
                notice: None,
            },
        );
        assert_eq!((s4.cursor(), s4.end_ms()), (Some(700), 2_000));
        let s5 = reduce(
            s4,
            Action::Load {
                script: "x <<EOF\n".into(),
                time_ms: None,
                notice: None,
            },
        );
        assert!(s5.notice.as_ref().is_some_and(|n| n.is_error));
        assert_eq!(s5.script_text(), "\n");
    }
}
