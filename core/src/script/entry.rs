//! Script lines as values: an [`Entry`] is one command with its
//! here-document, split into words once; [`LineBuilder`] makes one word by
//! word (what a click in the page does) and renders its text with the
//! quoting [`split_words`](super::split_words) reads back, so the words a
//! command receives are exactly the words it was built from. [`quote`] is
//! that quoting, for anyone writing a word into a line.

use super::{split_words, Line, ScriptError};

/// Characters a word may hold and still be written bare: neither the
/// scenario language nor a POSIX shell gives them a meaning.
fn is_bare(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.,:/=@+".contains(c)
}

/// Quotes `word` for a script line when it needs it: bare when every
/// character is harmless, otherwise in single quotes, a `'` written as
/// `'\''` (as a shell does, so the same text is also a safe shell word).
///
/// A word with a line break cannot be written in one line at all;
/// [`LineBuilder::build`] refuses such words.
pub fn quote(word: &str) -> String {
    if !word.is_empty() && word.chars().all(is_bare) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// One command of a script with its here-document: what a page's script
/// panel shows as one line, what time travel replays, what a click adds.
/// Split into words when made, so running it never parses it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The command (without its here-document), numbered 1: an entry runs
    /// on its own, as a one-line script.
    line: Line,
    /// The command's words, or why it has none (an unterminated quote is
    /// reported when the entry runs, as the console reports it).
    words: Result<Vec<String>, ScriptError>,
}

impl Entry {
    /// An entry from a line the parser read.
    pub fn from_line(line: Line) -> Self {
        let line = Line { number: 1, ..line };
        let words = split_words(&line.text, line.number);
        Self { line, words }
    }

    /// `sim advance MS`, made without parsing (the page's clock).
    pub fn advance(ms: u64) -> Self {
        let text = format!("sim advance {ms}");
        Self {
            words: Ok(vec!["sim".into(), "advance".into(), ms.to_string()]),
            line: Line {
                number: 1,
                text,
                heredoc: None,
            },
        }
    }

    /// The command as written, without its here-document.
    pub fn command(&self) -> &str {
        &self.line.text
    }

    pub fn heredoc(&self) -> Option<&[String]> {
        self.line.heredoc.as_deref()
    }

    pub fn line(&self) -> &Line {
        &self.line
    }

    pub fn words(&self) -> Result<&[String], &ScriptError> {
        self.words.as_deref()
    }

    /// The milliseconds of a valid `sim advance D`, else `None`: the one
    /// command time travel cuts short and merges.
    pub fn advance_ms(&self) -> Option<u64> {
        match self.words.as_deref() {
            Ok([sim, advance, d]) if sim == "sim" && advance == "advance" => {
                super::parse_duration(d).ok()
            }
            _ => None,
        }
    }

    /// The entry as script text: the command, then its here-document under
    /// a marker no line of the body closes early.
    pub fn text(&self) -> String {
        let Some(body) = &self.line.heredoc else {
            return self.line.text.clone();
        };
        let marker = heredoc_marker(body);
        let mut s = format!("{} <<{marker}", self.line.text);
        for b in body {
            s.push('\n');
            s.push_str(b);
        }
        s.push('\n');
        s.push_str(&marker);
        s
    }
}

/// `EOF`, or `EOF2`, `EOF3`... when a line of the body would end it (the
/// export writes here-documents with it too).
pub(crate) fn heredoc_marker(body: &[String]) -> String {
    let closes = |m: &str| body.iter().any(|l| l.trim() == m);
    if !closes("EOF") {
        return "EOF".into();
    }
    let mut n = 2u32;
    loop {
        let m = format!("EOF{n}");
        if !closes(&m) {
            return m;
        }
        n += 1;
    }
}

/// A command built word by word, for callers that hold values rather than
/// text (the page's buttons and forms):
///
/// ```
/// use streamlab_core::script::LineBuilder;
/// let entry = LineBuilder::new("sim")
///     .arg("produce")
///     .arg("orders")
///     .arg("it's here")
///     .opt("--key", "k 1")
///     .switch("--idempotence")
///     .build()
///     .expect("no line breaks");
/// assert_eq!(
///     entry.command(),
///     r"sim produce orders 'it'\''s here' --key 'k 1' --idempotence"
/// );
/// assert_eq!(entry.words().map(|w| w[3].as_str()), Ok("it's here"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineBuilder {
    words: Vec<String>,
    heredoc: Option<Vec<String>>,
}

impl LineBuilder {
    /// A line running `program` (`sim`, `kafka-topics.sh`, ...).
    pub fn new(program: &str) -> Self {
        Self {
            words: vec![program.to_string()],
            heredoc: None,
        }
    }

    /// One more word, written as given whatever it holds.
    pub fn arg(mut self, word: impl Into<String>) -> Self {
        self.words.push(word.into());
        self
    }

    /// `--flag value`.
    pub fn opt(self, flag: &str, value: impl Into<String>) -> Self {
        self.arg(flag).arg(value)
    }

    /// A flag without a value (`--idempotence`).
    pub fn switch(self, flag: &str) -> Self {
        self.arg(flag)
    }

    /// A here-document for the command (`kafka-console-producer.sh`,
    /// `flume-ng`), one string per line.
    pub fn heredoc(mut self, lines: Vec<String>) -> Self {
        self.heredoc = Some(lines);
        self
    }

    /// The entry, its text rendered once. A word or body line holding a
    /// line break has no way into a script line and is refused.
    pub fn build(self) -> Result<Entry, ScriptError> {
        let broken = |w: &String| w.contains(['\n', '\r']);
        if let Some(w) = self
            .words
            .iter()
            .chain(self.heredoc.iter().flatten())
            .find(|w| broken(w))
        {
            return Err(ScriptError::LineBreakInWord { word: w.clone() });
        }
        let mut text = String::new();
        for w in &self.words {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&quote(w));
        }
        Ok(Entry {
            line: Line {
                number: 1,
                text,
                heredoc: self.heredoc,
            },
            words: Ok(self.words),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::parse;
    use proptest::prelude::*;

    #[test]
    fn quoting_round_trips_through_the_parser() {
        for w in [
            "plain",
            "two words",
            "it's",
            "",
            "a'b c",
            "$(x)",
            "a\\b",
            "\"q\"",
            "#c",
            "<<EOF",
            "ü",
        ] {
            let line = format!("sim produce t {}", quote(w));
            let words = split_words(&line, 1).expect("quoted");
            assert_eq!(words[3], w, "{line}");
        }
        assert_eq!(quote("hello-0.x,y:z/a=b@c+d"), "hello-0.x,y:z/a=b@c+d");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote(""), "''");
    }

    /// Words heavy in what the parser gives meaning to, and anything else.
    const WORD: &str = "(<<|EOF|[ '\"\\\\$#<-]|[a-z]|[^\r\n]){0,10}";

    proptest! {
        /// Whatever the words, the built text parses back to them (and to
        /// one line, with the same here-document).
        #[test]
        fn built_lines_parse_back_to_their_words(
            words in proptest::collection::vec(WORD, 1..6),
            body in proptest::option::of(proptest::collection::vec(WORD, 0..4)),
        ) {
            let mut b = LineBuilder::new("sim");
            for w in &words {
                b = b.arg(w.clone());
            }
            if let Some(body) = &body {
                b = b.heredoc(body.clone());
            }
            let entry = b.build().expect("no line breaks");
            let mut expected = vec!["sim".to_string()];
            expected.extend(words.iter().cloned());
            prop_assert_eq!(entry.words(), Ok(&expected[..]));
            let lines = parse(&entry.text()).expect("parses");
            prop_assert_eq!(lines.len(), 1);
            let again = Entry::from_line(lines[0].clone());
            prop_assert_eq!(again.words(), Ok(&expected[..]));
            prop_assert_eq!(again.heredoc(), body.as_deref());
            prop_assert_eq!(again, entry);
        }
    }

    #[test]
    fn line_breaks_are_refused() {
        let e = LineBuilder::new("sim").arg("a\nb").build();
        assert_eq!(
            e,
            Err(ScriptError::LineBreakInWord {
                word: "a\nb".into()
            })
        );
        assert!(LineBuilder::new("x")
            .heredoc(vec!["ok".into(), "no\r".into()])
            .build()
            .is_err());
    }

    #[test]
    fn a_body_line_named_eof_gets_another_marker() {
        let e = LineBuilder::new("kafka-console-producer.sh")
            .heredoc(vec!["EOF".into(), " EOF2 ".into(), "x".into()])
            .build()
            .expect("valid");
        assert!(e.text().contains("<<EOF3\n"), "{}", e.text());
        let lines = parse(&e.text()).expect("parses");
        assert_eq!(lines[0].heredoc.as_ref().map(Vec::len), Some(3));
    }

    #[test]
    fn advances_are_recognised_from_their_words() {
        let typed = |t: &str| Entry::from_line(parse(t).expect("parses").remove(0));
        assert_eq!(typed("sim advance 7s").advance_ms(), Some(7_000));
        assert_eq!(typed("sim  advance '2m'").advance_ms(), Some(120_000));
        assert_eq!(typed("sim advance x").advance_ms(), None);
        assert_eq!(typed("sim advance 1 2").advance_ms(), None);
        assert_eq!(typed("sim crash 1").advance_ms(), None);
        assert_eq!(Entry::advance(250).advance_ms(), Some(250));
        assert_eq!(Entry::advance(250), typed("sim advance 250"));
        assert!(typed("sim produce t 'x").words().is_err());
    }
}
