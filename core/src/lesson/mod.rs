//! Lessons: the study notes taught as a guided path, one data file per
//! lesson (`tests/lessons/NN-id.lesson`, the format in `docs/LESSONS.md`).
//!
//! A lesson is a setup script plus steps. Each step says, in Chinese and
//! English, what happens and why (citing the notes' line), may ask the
//! learner to predict the outcome, names the action the learner does (a
//! command typed as the notes write it, or a click on a named control,
//! which writes a script line like every click in the page), the element to
//! look at, the checks that turn it green and a one-line takeaway.
//!
//! This module parses lesson text ([`parse`]), knows the names of the
//! page's controls and elements ([`vocab`]), evaluates checks against a
//! script [`Session`](crate::script::Session) ([`check`]) and performs a
//! whole lesson headless ([`run`]). It reads no files: the CLI, the tests
//! and the page hand it the text. One evaluator serves all of them, so a
//! step the CLI passes is a step the page turns green.

pub mod check;
mod index;
mod parse;
pub mod run;
pub mod vocab;

pub use check::{Check, CheckError, StepContext, Verdict};
pub use index::{index, parse_index, IndexEntry, IndexError};
pub use parse::{parse, LessonError, LessonErrorKind};
pub use run::{check_lesson, evaluate_step, perform, run_setup, LessonFailure, StepReport};

/// The two languages of the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Chinese, the language of the notes.
    #[default]
    Zh,
    En,
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "zh" | "zh-CN" | "cn" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language {other:?}: zh or en")),
        }
    }
}

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// Lines of the study notes, inclusive: `243` or `72-79`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteLines {
    pub first: u32,
    pub last: u32,
}

impl std::fmt::Display for NoteLines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

/// One lesson of the path.
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    /// `acks`: stable across reordering (links and progress keep it).
    pub id: String,
    /// The file's name without `.lesson` (`12-acks`), as errors name it.
    pub name: String,
    /// Position in the path (the file name's `NN`), if it has one.
    pub position: Option<u32>,
    pub title: Text,
    /// One or two sentences for the lesson list.
    pub about: Option<Text>,
    /// The notes' lines this lesson teaches.
    pub notes: Vec<NoteLines>,
    /// The scenario the lesson starts from (script text, may be empty).
    pub setup: String,
    pub steps: Vec<Step>,
}

impl Lesson {
    /// A step by its id.
    pub fn step(&self, id: &str) -> Option<(usize, &Step)> {
        self.steps.iter().enumerate().find(|(_, s)| s.id == id)
    }
}

/// One step: read, predict, act, look, check, take away.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Unique within the lesson (`crash-leader`): a link can open it.
    pub id: String,
    /// The lesson file's line of `step:`.
    pub line: u32,
    /// The notes' lines this step teaches (its text cites them).
    pub notes: Vec<NoteLines>,
    /// What happens and why, in the notes' terms.
    pub text: Text,
    /// Where the notes are loose or outdated: what real Kafka does, naming
    /// the version.
    pub real: Option<Text>,
    pub predict: Option<Predict>,
    /// What the learner does, in order (usually one).
    pub actions: Vec<Action>,
    /// Elements the page highlights ([`vocab::LOOKS`] names).
    pub look: Vec<String>,
    /// Every one must hold for the step to turn green.
    pub checks: Vec<CheckLine>,
    pub takeaway: Text,
}

/// A question answered before the step's action runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Predict {
    pub question: Text,
    pub choices: Vec<Text>,
    /// Index into `choices` of the right one.
    pub answer: usize,
    /// Shown after the learner chose.
    pub why: Text,
}

/// What the learner does in a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A command typed into the console, exactly as written (it may carry
    /// a here-document, so it can span lines).
    Type { line: u32, command: String },
    /// A click on a named control ([`vocab::CONTROLS`]); `command` is the
    /// script line that click writes, which the CLI runs.
    Click {
        line: u32,
        control: String,
        command: String,
    },
}

impl Action {
    /// The script text the action runs.
    pub fn command(&self) -> &str {
        match self {
            Action::Type { command, .. } | Action::Click { command, .. } => command,
        }
    }

    /// The lesson file's line of the action.
    pub fn line(&self) -> u32 {
        match self {
            Action::Type { line, .. } | Action::Click { line, .. } => *line,
        }
    }
}

/// A check with its source text and line (for messages).
#[derive(Debug, Clone, PartialEq)]
pub struct CheckLine {
    pub line: u32,
    pub source: String,
    pub check: Check,
}

#[cfg(test)]
mod tests;
