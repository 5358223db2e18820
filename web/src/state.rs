//! The playground's state: the scenario script and the session playing it.
//! Every action becomes a script line, so the UI and the console stay one.

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

pub struct State {
    /// Heavy and mutated in place: shared behind `Rc<RefCell<_>>`, with
    /// `version` telling Yew when it changed.
    session: Rc<RefCell<Session>>,
    pub version: u64,
    /// The script so far, one entry per command (with its here-document).
    pub script: Rc<Vec<String>>,
    pub outputs: Rc<Vec<Output>>,
    /// How many records the Produce button has sent (names the next value).
    pub produced: u32,
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
    /// Produce one record to `partition` of `topic`, then let replication run.
    Produce { topic: String, partition: i32 },
    /// Let simulated time pass.
    Advance(u64),
}

impl State {
    pub fn from_script(text: &str) -> Self {
        let mut session = Session::new();
        let outputs = session.run(text);
        let script = match parse(text) {
            Ok(lines) => lines.into_iter().map(|l| l.text).collect(),
            Err(_) => Vec::new(),
        };
        Self {
            session: Rc::new(RefCell::new(session)),
            version: 0,
            script: Rc::new(script),
            outputs: Rc::new(outputs),
            produced: 0,
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
        }
    }

    fn run_lines(&self, text: &str) -> (Vec<String>, Vec<Output>) {
        let mut session = self.session.borrow_mut();
        let outputs = session.run(text);
        let mut script = (*self.script).clone();
        script.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(String::from),
        );
        let mut all = (*self.outputs).clone();
        all.extend(outputs);
        (script, all)
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let (text, produced) = match action {
            Action::Run(line) => (line, self.produced),
            Action::Produce { topic, partition } => (
                format!(
                    "sim produce {topic} record-{} --partition {partition}\nsim advance 100",
                    self.produced
                ),
                self.produced + 1,
            ),
            Action::Advance(ms) => (format!("sim advance {ms}"), self.produced),
        };
        let (script, outputs) = self.run_lines(&text);
        Rc::new(State {
            session: Rc::clone(&self.session),
            version: self.version + 1,
            script: Rc::new(script),
            outputs: Rc::new(outputs),
            produced,
        })
    }
}
