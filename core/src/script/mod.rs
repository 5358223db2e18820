//! The scenario language: one command a line, `#` comments, here-documents.
//! The seed's own shell commands (`kafka-topics.sh ...`) with Kafka's flags,
//! output and errors, plus `sim ...` for what no Kafka tool does. The UI,
//! the console, the CLI, the tests and the share URL all speak it.

mod args;
mod entry;
mod flume_ng;
mod kafka_console;
mod kafka_server;
mod kafka_topics;
mod session;
mod sim_cmd;
mod timeline;
mod vary;

pub use args::Flags;
pub use entry::{quote, Entry, LineBuilder};
pub use session::{run_script, transcript, Output, ScriptRun, Session};
pub use sim_cmd::{parse_duration, MAX_ADVANCE_MS};
pub use timeline::{Progress, Timeline};
pub use vary::{find_vary, parse_vary, run_variants, VariantRun, Vary, VaryError, MAX_VARIANTS};

pub(crate) use entry::heredoc_marker;
pub(crate) use kafka_console::parse_sim_consumer;
pub(crate) use session::TOOLS;
pub(crate) use sim_cmd::{parse_produce, SIM_COMMANDS};

/// One command line of a script, with the here-document that followed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number in the script text.
    pub number: u32,
    pub text: String,
    /// The here-document body (`<<EOF` ... `EOF`), line by line.
    pub heredoc: Option<Vec<String>>,
}

/// A script that could not be split into lines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    #[error(
        "line {line}: here-document started with <<{marker} is never closed by a line `{marker}`"
    )]
    UnclosedHeredoc { line: u32, marker: String },
    #[error("line {line}: unterminated quote")]
    UnterminatedQuote { line: u32 },
    /// A word given to [`LineBuilder`]: one script line holds no line break.
    #[error("a script line cannot hold a line break (in {word:?}); a here-document carries lines")]
    LineBreakInWord { word: String },
}

/// Splits a script into command lines: comments and blank lines dropped,
/// here-documents attached to the line that opened them.
pub fn parse(text: &str) -> Result<Vec<Line>, ScriptError> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((i, raw)) = lines.next() {
        let number = i as u32 + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (command, marker) = split_heredoc(trimmed);
        let heredoc = match marker {
            None => None,
            Some(marker) => {
                let mut body = Vec::new();
                let mut closed = false;
                for (_, l) in lines.by_ref() {
                    if l.trim() == marker {
                        closed = true;
                        break;
                    }
                    body.push(l.to_string());
                }
                if !closed {
                    return Err(ScriptError::UnclosedHeredoc {
                        line: number,
                        marker,
                    });
                }
                Some(body)
            }
        };
        out.push(Line {
            number,
            text: command.to_string(),
            heredoc,
        });
    }
    Ok(out)
}

/// `cmd args <<EOF` → (`cmd args`, Some("EOF")). Quoted markers (`<<'EOF'`,
/// `<<"EOF"`) and `<<-` are accepted as in a shell.
fn split_heredoc(line: &str) -> (&str, Option<String>) {
    // The first `<<` outside quotes: a quoted `'<<'` earlier is a word.
    match line
        .match_indices("<<")
        .map(|(pos, _)| pos)
        .find(|&pos| !in_quotes(&line[..pos]))
    {
        Some(pos) => {
            let marker = line[pos + 2..]
                .trim_start_matches('-')
                .trim()
                .trim_matches(|c| c == '\'' || c == '"')
                .to_string();
            if marker.is_empty() || marker.contains(char::is_whitespace) {
                return (line, None);
            }
            (line[..pos].trim_end(), Some(marker))
        }
        None => (line, None),
    }
}

/// Whether `prefix` ends inside quotes, read as [`split_words`] reads it: a
/// backslash outside single quotes escapes the next character (so `'\''`,
/// the quoting of a `'`, opens no quote).
fn in_quotes(prefix: &str) -> bool {
    let (mut single, mut double) = (false, false);
    let mut chars = prefix.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '\\' if !single => {
                chars.next();
            }
            _ => {}
        }
    }
    single || double
}

/// Shell-like word splitting: whitespace separates, quotes group, a
/// backslash escapes the next character outside single quotes.
pub fn split_words(line: &str, number: u32) -> Result<Vec<String>, ScriptError> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut has_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                has_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => cur.push(ch),
                        None => return Err(ScriptError::UnterminatedQuote { line: number }),
                    }
                }
            }
            '"' => {
                has_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch) => cur.push(ch),
                            None => return Err(ScriptError::UnterminatedQuote { line: number }),
                        },
                        Some(ch) => cur.push(ch),
                        None => return Err(ScriptError::UnterminatedQuote { line: number }),
                    }
                }
            }
            '\\' => {
                has_word = true;
                if let Some(ch) = chars.next() {
                    cur.push(ch);
                }
            }
            c if c.is_whitespace() => {
                if has_word {
                    words.push(std::mem::take(&mut cur));
                    has_word = false;
                }
            }
            c => {
                has_word = true;
                cur.push(c);
            }
        }
    }
    if has_word {
        words.push(cur);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_blank_lines_and_heredocs() {
        let s = "# a comment\n\nsim brokers 3\nkafka-console-producer.sh --topic t <<EOF\nhello\n world\nEOF\nsim advance 10\n";
        let lines = parse(s).expect("valid");
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].number, 3);
        assert_eq!(lines[1].text, "kafka-console-producer.sh --topic t");
        assert_eq!(
            lines[1].heredoc.as_deref(),
            Some(&["hello".to_string(), " world".to_string()][..])
        );
        assert_eq!(lines[2].number, 8);
    }

    #[test]
    fn unclosed_heredoc_is_an_error() {
        assert_eq!(
            parse("x <<EOF\nabc\n"),
            Err(ScriptError::UnclosedHeredoc {
                line: 1,
                marker: "EOF".into()
            })
        );
    }

    #[test]
    fn quoted_markers_and_words() {
        let lines = parse("cat <<'END'\nx\nEND").expect("valid");
        assert_eq!(lines[0].heredoc.as_ref().map(Vec::len), Some(1));
        assert_eq!(
            split_words(r#"sim produce t "hello world" --key 'a b' x\ y"#, 1).expect("valid"),
            vec!["sim", "produce", "t", "hello world", "--key", "a b", "x y"]
        );
        assert_eq!(split_words("a ''", 1).expect("valid"), vec!["a", ""]);
        assert!(split_words("a 'b", 1).is_err());
    }
}
