//! The lesson file format: `key: value` lines, indented lines continuing
//! the field above, `#` comments. Keys with `.zh` / `.en` are the two
//! languages of one text. Everything before the first `step:` describes the
//! lesson; each `step: ID` starts a step. The full description, with an
//! example, is `docs/LESSONS.md`.
//!
//! Text fields join their lines as prose: with a space between Latin words,
//! with nothing between Chinese characters (so a sentence can be wrapped
//! anywhere), and a blank line starts a new paragraph (`\n\n`). Command
//! fields (`setup:`, `do:`, a click's line) keep their lines as written, so
//! a command can carry its here-document.

use super::check::{self, CheckError};
use super::{vocab, Action, CheckLine, Lesson, NoteLines, Predict, Step, Text};
use crate::script::{self, ScriptError};

/// A lesson file that could not be read, with the line that is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("lesson {lesson}, line {line}: {kind}")]
pub struct LessonError {
    /// The file's name without `.lesson`.
    pub lesson: String,
    pub line: u32,
    pub kind: LessonErrorKind,
}

/// What is wrong with a lesson file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LessonErrorKind {
    #[error("the file is {0} bytes; a lesson is at most {max} bytes", max = MAX_LESSON_BYTES)]
    TooLarge(usize),
    #[error("`{0}` is not a `key: value` line (a line that continues a field is indented)")]
    NotAKeyLine(String),
    #[error("an indented line continues a field, but no field came before it")]
    ContinuationWithoutKey,
    #[error("unknown key `{0}`")]
    UnknownKey(String),
    #[error("`{key}` belongs {place}")]
    Misplaced { key: String, place: &'static str },
    #[error("`{0}` is given twice")]
    Duplicate(String),
    #[error("`{0}` is missing")]
    Missing(&'static str),
    #[error("`{0}` needs a value")]
    Empty(String),
    #[error("`{0}` is not an id (lower-case letters, digits and -)")]
    BadId(String),
    #[error("the file is named {file} but its id is `{id}`")]
    IdMismatch { file: String, id: String },
    #[error("two steps are named `{0}`")]
    DuplicateStep(String),
    #[error("`{0}` is not lines of the notes (like 243, or 72-79, 131-134)")]
    BadNotes(String),
    #[error("{zh} Chinese choices but {en} English ones")]
    ChoicesMismatch { zh: usize, en: usize },
    #[error("a prediction needs at least two choices")]
    TooFewChoices,
    #[error("`answer: {answer}` is not one of the {choices} choices (1 to {choices})")]
    BadAnswer { answer: String, choices: usize },
    #[error("a prediction needs `{0}`")]
    PredictIncomplete(&'static str),
    #[error("the step has no action (`do:` or `click:`)")]
    NoAction,
    #[error("the step has no `check:`")]
    NoCheck,
    #[error("the lesson has no steps")]
    NoSteps,
    #[error("at most {max} steps in a lesson", max = MAX_STEPS)]
    TooManySteps,
    #[error("check: {0}")]
    Check(CheckError),
    #[error("unknown control `{0}` (docs/LESSONS.md lists the controls)")]
    UnknownControl(String),
    #[error("`click: {control}` writes `{pattern}`, not `{line}`")]
    ClickLine {
        control: String,
        pattern: String,
        line: String,
    },
    #[error("`click: {0}` needs the line it writes, indented on the next line")]
    ClickNeedsLine(String),
    #[error("unknown element to look at `{0}` (docs/LESSONS.md lists them)")]
    UnknownLook(String),
    #[error("here-document started with <<{0} is never closed by a line `{0}`")]
    UnclosedHeredoc(String),
    #[error("unterminated quote")]
    UnterminatedQuote,
    /// Any other problem of a script the language reports.
    #[error("{0}")]
    Script(String),
    #[error("an action is one command (with its here-document): give each command its own `do:`")]
    SeveralCommands,
}

/// The largest lesson file read (a lesson is a few kilobytes).
pub const MAX_LESSON_BYTES: usize = 256 * 1024;
/// The most steps in one lesson.
pub const MAX_STEPS: usize = 64;

/// One `key: value` field with its continuation lines.
struct Field<'a> {
    key: &'a str,
    line: u32,
    value: &'a str,
    /// Continuation lines as written (blank ones empty).
    more: Vec<(u32, &'a str)>,
}

fn is_key(k: &str) -> bool {
    k.starts_with(|c: char| c.is_ascii_lowercase())
        && k.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
}

fn fields(text: &str) -> Result<Vec<Field<'_>>, (u32, LessonErrorKind)> {
    let mut out: Vec<Field<'_>> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let number = i as u32 + 1;
        if raw.starts_with('#') {
            continue;
        }
        if raw.trim().is_empty() {
            if let Some(f) = out.last_mut() {
                f.more.push((number, ""));
            }
            continue;
        }
        if raw.starts_with(char::is_whitespace) {
            match out.last_mut() {
                Some(f) => f.more.push((number, raw)),
                None => return Err((number, LessonErrorKind::ContinuationWithoutKey)),
            }
            continue;
        }
        match raw.split_once(':') {
            Some((k, v)) if is_key(k.trim_end()) => out.push(Field {
                key: k.trim_end(),
                line: number,
                value: v.trim(),
                more: Vec::new(),
            }),
            _ => return Err((number, LessonErrorKind::NotAKeyLine(raw.trim().to_string()))),
        }
    }
    for f in &mut out {
        while f.more.last().is_some_and(|(_, l)| l.is_empty()) {
            f.more.pop();
        }
    }
    Ok(out)
}

/// Chinese, Japanese and full-width characters: no space around them when
/// lines are joined.
fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF)
}

/// A text field's lines as prose.
fn prose(f: &Field<'_>) -> String {
    let mut out = String::from(f.value);
    let mut paragraph = false;
    for (_, l) in &f.more {
        let l = l.trim();
        if l.is_empty() {
            paragraph = true;
            continue;
        }
        if out.is_empty() {
        } else if paragraph {
            out.push_str("\n\n");
        } else {
            let wide = out.chars().next_back().is_some_and(is_wide)
                || l.chars().next().is_some_and(is_wide);
            if !wide {
                out.push(' ');
            }
        }
        paragraph = false;
        out.push_str(l);
    }
    out
}

/// A command field's lines (the key line's value first), the common
/// indentation of the continuation removed, each with its file line.
fn command_lines<'a>(f: &Field<'a>, with_value: bool) -> Vec<(u32, &'a str)> {
    let indent = f
        .more
        .iter()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(_, l)| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut lines = Vec::new();
    if with_value && !f.value.is_empty() {
        lines.push((f.line, f.value));
    }
    for (n, l) in &f.more {
        lines.push((*n, l.get(indent..).unwrap_or("")));
    }
    lines
}

/// Joins command lines into script text and checks that it parses; the
/// number of commands in it.
fn script_text(lines: &[(u32, &str)]) -> Result<(String, usize), (u32, LessonErrorKind)> {
    let text: Vec<&str> = lines.iter().map(|(_, l)| *l).collect();
    let text = text.join("\n");
    let at = |rel: u32| {
        lines
            .get(rel.saturating_sub(1) as usize)
            .map_or(0, |(n, _)| *n)
    };
    match script::parse(&text) {
        Ok(parsed) => {
            for l in &parsed {
                script::split_words(&l.text, l.number)
                    .map_err(|_| (at(l.number), LessonErrorKind::UnterminatedQuote))?;
            }
            Ok((text, parsed.len()))
        }
        Err(ScriptError::UnclosedHeredoc { line, marker }) => {
            Err((at(line), LessonErrorKind::UnclosedHeredoc(marker)))
        }
        Err(ScriptError::UnterminatedQuote { line }) => {
            Err((at(line), LessonErrorKind::UnterminatedQuote))
        }
        // Nothing else comes from parsing a text; should it, say so.
        Err(other) => Err((at(1), LessonErrorKind::Script(other.to_string()))),
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn note_lines(v: &str) -> Option<Vec<NoteLines>> {
    let mut out = Vec::new();
    for part in v.split(',') {
        let part = part.trim();
        let (a, b) = match part.split_once(['-', '–']) {
            Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
            None => {
                let n = part.parse().ok()?;
                (n, n)
            }
        };
        if a == 0 || b < a {
            return None;
        }
        out.push(NoteLines { first: a, last: b });
    }
    (!out.is_empty()).then_some(out)
}

const LESSON_KEYS: &[&str] = &[
    "id", "title.zh", "title.en", "about.zh", "about.en", "setup",
];
const STEP_KEYS: &[&str] = &[
    "text.zh",
    "text.en",
    "real.zh",
    "real.en",
    "predict.zh",
    "predict.en",
    "choice.zh",
    "choice.en",
    "answer",
    "why.zh",
    "why.en",
    "do",
    "click",
    "look",
    "check",
    "takeaway.zh",
    "takeaway.en",
];
/// Keys that may repeat (each adds one more).
const REPEATED: &[&str] = &["choice.zh", "choice.en", "do", "click", "look", "check"];

/// The fields of one part (the lesson's head, or one step), by key.
#[derive(Default)]
struct Part<'a> {
    line: u32,
    fields: Vec<Field<'a>>,
}

impl<'a> Part<'a> {
    fn add(&mut self, f: Field<'a>) -> Result<(), (u32, LessonErrorKind)> {
        if !REPEATED.contains(&f.key) && self.fields.iter().any(|g| g.key == f.key) {
            return Err((f.line, LessonErrorKind::Duplicate(f.key.to_string())));
        }
        self.fields.push(f);
        Ok(())
    }

    fn get(&self, key: &str) -> Option<&Field<'a>> {
        self.fields.iter().find(|f| f.key == key)
    }

    fn text(&self, key: &'static str) -> Result<Option<String>, (u32, LessonErrorKind)> {
        match self.get(key) {
            None => Ok(None),
            Some(f) => {
                let t = prose(f);
                if t.is_empty() {
                    return Err((f.line, LessonErrorKind::Empty(key.to_string())));
                }
                Ok(Some(t))
            }
        }
    }

    /// Both languages of a text, or neither.
    fn both(&self, base: &'static str) -> Result<Option<Text>, (u32, LessonErrorKind)> {
        let (zh_key, en_key) = LANG_KEYS
            .iter()
            .find(|(b, _, _)| *b == base)
            .map(|(_, z, e)| (*z, *e))
            .unwrap_or(("", ""));
        match (self.text(zh_key)?, self.text(en_key)?) {
            (Some(zh), Some(en)) => Ok(Some(Text { zh, en })),
            (None, None) => Ok(None),
            (Some(_), None) => Err((self.line_of(zh_key), LessonErrorKind::Missing(en_key))),
            (None, Some(_)) => Err((self.line_of(en_key), LessonErrorKind::Missing(zh_key))),
        }
    }

    fn required(&self, base: &'static str) -> Result<Text, (u32, LessonErrorKind)> {
        let missing = LANG_KEYS
            .iter()
            .find(|(b, _, _)| *b == base)
            .map_or("", |(_, z, _)| *z);
        self.both(base)?
            .ok_or((self.line, LessonErrorKind::Missing(missing)))
    }

    fn line_of(&self, key: &str) -> u32 {
        self.get(key).map_or(self.line, |f| f.line)
    }

    fn notes(&self) -> Result<Vec<NoteLines>, (u32, LessonErrorKind)> {
        let f = self
            .get("notes")
            .ok_or((self.line, LessonErrorKind::Missing("notes")))?;
        note_lines(&prose(f)).ok_or((f.line, LessonErrorKind::BadNotes(prose(f))))
    }
}

/// (base, Chinese key, English key): `&'static` names for the errors.
const LANG_KEYS: &[(&str, &str, &str)] = &[
    ("title", "title.zh", "title.en"),
    ("about", "about.zh", "about.en"),
    ("text", "text.zh", "text.en"),
    ("real", "real.zh", "real.en"),
    ("predict", "predict.zh", "predict.en"),
    ("why", "why.zh", "why.en"),
    ("takeaway", "takeaway.zh", "takeaway.en"),
];

/// Parses one lesson file. `name` is the file name without `.lesson`
/// (`12-acks`): errors name it, and its `NN-` prefix is the position.
pub fn parse(name: &str, text: &str) -> Result<Lesson, LessonError> {
    parse_inner(name, text).map_err(|(line, kind)| LessonError {
        lesson: name.to_string(),
        line,
        kind,
    })
}

fn parse_inner(name: &str, text: &str) -> Result<Lesson, (u32, LessonErrorKind)> {
    if text.len() > MAX_LESSON_BYTES {
        return Err((1, LessonErrorKind::TooLarge(text.len())));
    }
    let mut head = Part {
        line: 1,
        fields: Vec::new(),
    };
    let mut steps: Vec<(String, Part<'_>)> = Vec::new();
    for f in fields(text)? {
        if f.key == "step" {
            if !is_id(f.value) {
                return Err((f.line, LessonErrorKind::BadId(f.value.to_string())));
            }
            if steps.iter().any(|(id, _)| id == f.value) {
                return Err((f.line, LessonErrorKind::DuplicateStep(f.value.to_string())));
            }
            if steps.len() == MAX_STEPS {
                return Err((f.line, LessonErrorKind::TooManySteps));
            }
            steps.push((
                f.value.to_string(),
                Part {
                    line: f.line,
                    fields: Vec::new(),
                },
            ));
            continue;
        }
        let in_step = !steps.is_empty();
        let known_here = f.key == "notes"
            || if in_step {
                STEP_KEYS.contains(&f.key)
            } else {
                LESSON_KEYS.contains(&f.key)
            };
        if !known_here {
            let kind = if in_step && LESSON_KEYS.contains(&f.key) {
                LessonErrorKind::Misplaced {
                    key: f.key.to_string(),
                    place: "before the first `step:`",
                }
            } else if !in_step && STEP_KEYS.contains(&f.key) {
                LessonErrorKind::Misplaced {
                    key: f.key.to_string(),
                    place: "in a step (after a `step: ID` line)",
                }
            } else {
                LessonErrorKind::UnknownKey(f.key.to_string())
            };
            return Err((f.line, kind));
        }
        match steps.last_mut() {
            Some((_, part)) => part.add(f)?,
            None => head.add(f)?,
        }
    }

    let id_field = head.get("id").ok_or((1, LessonErrorKind::Missing("id")))?;
    let id = id_field.value.to_string();
    if !is_id(&id) {
        return Err((id_field.line, LessonErrorKind::BadId(id)));
    }
    let (position, file_id) = match name.split_once('-') {
        Some((nn, rest)) if !nn.is_empty() && nn.chars().all(|c| c.is_ascii_digit()) => {
            (nn.parse().ok(), rest)
        }
        _ => (None, name),
    };
    if file_id != id {
        return Err((
            id_field.line,
            LessonErrorKind::IdMismatch {
                file: name.to_string(),
                id,
            },
        ));
    }
    let title = head.required("title")?;
    let about = head.both("about")?;
    let notes = head.notes()?;
    let setup = match head.get("setup") {
        None => String::new(),
        Some(f) => script_text(&command_lines(f, true))?.0,
    };
    if steps.is_empty() {
        return Err((text.lines().count().max(1) as u32, LessonErrorKind::NoSteps));
    }
    let mut out = Vec::with_capacity(steps.len());
    for (id, part) in steps {
        out.push(step(id, &part)?);
    }
    Ok(Lesson {
        id: file_id.to_string(),
        name: name.to_string(),
        position,
        title,
        about,
        notes,
        setup,
        steps: out,
    })
}

fn step(id: String, part: &Part<'_>) -> Result<Step, (u32, LessonErrorKind)> {
    // Values that can be wrong on their own line first, in file order;
    // what is missing from the step after.
    let mut actions = Vec::new();
    let mut look = Vec::new();
    let mut checks = Vec::new();
    for f in &part.fields {
        match f.key {
            "do" => {
                let lines = command_lines(f, true);
                let (command, n) = script_text(&lines)?;
                match n {
                    0 => return Err((f.line, LessonErrorKind::Empty("do".into()))),
                    1 => {}
                    _ => return Err((f.line, LessonErrorKind::SeveralCommands)),
                }
                actions.push(Action::Type {
                    line: f.line,
                    command,
                });
            }
            "click" => actions.push(click(f)?),
            "look" => {
                let name = prose(f);
                if !vocab::is_look(&name) {
                    return Err((f.line, LessonErrorKind::UnknownLook(name)));
                }
                look.push(name);
            }
            "check" => {
                let source = prose(f);
                let check =
                    check::parse(&source).map_err(|e| (f.line, LessonErrorKind::Check(e)))?;
                checks.push(CheckLine {
                    line: f.line,
                    source,
                    check,
                });
            }
            _ => {}
        }
    }
    let notes = part.notes()?;
    let predict = predict(part)?;
    let text = part.required("text")?;
    let real = part.both("real")?;
    let takeaway = part.required("takeaway")?;
    if actions.is_empty() {
        return Err((part.line, LessonErrorKind::NoAction));
    }
    if checks.is_empty() {
        return Err((part.line, LessonErrorKind::NoCheck));
    }
    Ok(Step {
        id,
        line: part.line,
        notes,
        text,
        real,
        predict,
        actions,
        look,
        checks,
        takeaway,
    })
}

fn click(f: &Field<'_>) -> Result<Action, (u32, LessonErrorKind)> {
    let control = f.value.to_string();
    let pattern = vocab::control_line(&control)
        .ok_or((f.line, LessonErrorKind::UnknownControl(control.clone())))?;
    let lines = command_lines(f, false);
    let command = if lines.is_empty() {
        // Only a control whose line needs no form field may leave it out.
        vocab::fixed_line(&pattern)
            .map(String::from)
            .ok_or((f.line, LessonErrorKind::ClickNeedsLine(control.clone())))?
    } else {
        let (command, n) = script_text(&lines)?;
        if n != 1 {
            return Err((f.line, LessonErrorKind::SeveralCommands));
        }
        command
    };
    let words = script::split_words(&command, f.line)
        .map_err(|_| (f.line, LessonErrorKind::UnterminatedQuote))?;
    if !vocab::line_fits(&pattern, &words) {
        return Err((
            f.line,
            LessonErrorKind::ClickLine {
                control,
                pattern,
                line: command,
            },
        ));
    }
    Ok(Action::Click {
        line: f.line,
        control,
        command,
    })
}

fn predict(part: &Part<'_>) -> Result<Option<Predict>, (u32, LessonErrorKind)> {
    let question = part.both("predict")?;
    let zh: Vec<&Field<'_>> = part
        .fields
        .iter()
        .filter(|f| f.key == "choice.zh")
        .collect();
    let en: Vec<&Field<'_>> = part
        .fields
        .iter()
        .filter(|f| f.key == "choice.en")
        .collect();
    let answer = part.get("answer");
    let why = part.both("why")?;
    let any =
        question.is_some() || !zh.is_empty() || !en.is_empty() || answer.is_some() || why.is_some();
    if !any {
        return Ok(None);
    }
    let at = |key: &str| part.line_of(key);
    let question = question.ok_or((
        at("choice.zh"),
        LessonErrorKind::PredictIncomplete("predict.zh"),
    ))?;
    if zh.len() != en.len() {
        return Err((
            at("predict.zh"),
            LessonErrorKind::ChoicesMismatch {
                zh: zh.len(),
                en: en.len(),
            },
        ));
    }
    if zh.len() < 2 {
        return Err((at("predict.zh"), LessonErrorKind::TooFewChoices));
    }
    let mut choices = Vec::with_capacity(zh.len());
    for (z, e) in zh.iter().zip(&en) {
        let (z, e) = (prose(z), prose(e));
        if z.is_empty() || e.is_empty() {
            return Err((at("choice.zh"), LessonErrorKind::Empty("choice".into())));
        }
        choices.push(Text { zh: z, en: e });
    }
    let answer = answer.ok_or((
        at("predict.zh"),
        LessonErrorKind::PredictIncomplete("answer"),
    ))?;
    let index = answer
        .value
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=choices.len()).contains(n))
        .ok_or((
            answer.line,
            LessonErrorKind::BadAnswer {
                answer: answer.value.to_string(),
                choices: choices.len(),
            },
        ))?;
    let why = why.ok_or((
        at("predict.zh"),
        LessonErrorKind::PredictIncomplete("why.zh"),
    ))?;
    Ok(Some(Predict {
        question,
        choices,
        answer: index - 1,
        why,
    }))
}
