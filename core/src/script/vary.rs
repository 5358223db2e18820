//! `sim vary NAME=V1,V2[,V3]`: one scenario run once per value of one
//! setting, everything else (seed, faults, every other line) the same, so
//! the runs can be read side by side ("what would acks=1 have lost that
//! acks=all keeps?").

use super::session::{ScriptRun, Session};
use super::{parse, split_words, Line};
use crate::error::CommandError;
use crate::sim::{Variation, VARIATION_NAMES};

/// At most this many variants: three columns fit a page.
pub const MAX_VARIANTS: usize = 3;

/// A `sim vary` line that cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaryError {
    #[error("sim vary: usage: sim vary NAME=V1,V2[,V3] (NAME one of {})", VARIATION_NAMES.join(", "))]
    Usage,
    #[error("sim vary: {0} is not a setting sim vary knows (it knows {names})", names = VARIATION_NAMES.join(", "))]
    UnknownName(String),
    #[error("sim vary {name}: give two or three values to compare, separated by commas")]
    ValueCount { name: String },
    #[error("sim vary {name}: the value {value} is given twice")]
    RepeatedValue { name: String, value: String },
    #[error("sim vary {name}={value}: {reason}")]
    InvalidValue {
        name: String,
        value: String,
        reason: String,
    },
    #[error("line {line}: only one sim vary per script (the first is on line {first})")]
    SecondVary { line: u32, first: u32 },
    #[error("sim vary must come before the first command that changes the cluster")]
    TooLate,
}

/// One `sim vary` line, read: the setting's name and each value it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vary {
    /// The script line it is on.
    pub line: u32,
    pub variants: Vec<Variation>,
}

/// Reads the words after `sim vary`.
pub fn parse_vary(words: &[String], line: u32) -> Result<Vary, VaryError> {
    let [spec] = words else {
        return Err(VaryError::Usage);
    };
    let (name, values) = spec.split_once('=').ok_or(VaryError::Usage)?;
    let values: Vec<&str> = values.split(',').map(str::trim).collect();
    let mut variants: Vec<Variation> = Vec::with_capacity(MAX_VARIANTS);
    for value in &values {
        let v = match Variation::parse(name, value) {
            Ok(Some(v)) => v,
            Ok(None) => return Err(VaryError::UnknownName(name.to_string())),
            Err(e) => {
                return Err(VaryError::InvalidValue {
                    name: name.to_string(),
                    value: value.to_string(),
                    reason: e.to_string(),
                })
            }
        };
        if variants.contains(&v) {
            return Err(VaryError::RepeatedValue {
                name: v.name().to_string(),
                value: value.to_string(),
            });
        }
        variants.push(v);
    }
    if !(2..=MAX_VARIANTS).contains(&variants.len()) {
        return Err(VaryError::ValueCount {
            name: name.to_string(),
        });
    }
    Ok(Vary { line, variants })
}

/// The script's `sim vary` line, if it has one; an error for a bad one or
/// for a second one.
pub fn find_vary(text: &str) -> Result<Option<Vary>, VaryError> {
    // A script that does not split into lines has no variants: running it
    // reports why.
    let Ok(lines) = parse(text) else {
        return Ok(None);
    };
    let mut found: Option<Vary> = None;
    for line in &lines {
        let Some(words) = vary_words(line) else {
            continue;
        };
        if let Some(first) = &found {
            return Err(VaryError::SecondVary {
                line: line.number,
                first: first.line,
            });
        }
        found = Some(parse_vary(&words, line.number)?);
    }
    Ok(found)
}

/// The words after `sim vary` on a line that is one.
fn vary_words(line: &Line) -> Option<Vec<String>> {
    let words = split_words(&line.text, line.number).ok()?;
    match words.as_slice() {
        [sim, vary, rest @ ..] if sim.rsplit('/').next() == Some("sim") && vary == "vary" => {
            Some(rest.to_vec())
        }
        _ => None,
    }
}

/// One variant's run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VariantRun {
    /// The setting, as Kafka spells it.
    pub name: String,
    /// Its value in this run.
    pub value: String,
    #[serde(flatten)]
    pub run: ScriptRun,
}

/// Runs `text` once per value of its `sim vary` line (an empty list when it
/// has none).
pub fn run_variants(text: &str) -> Result<Vec<VariantRun>, VaryError> {
    let Some(vary) = find_vary(text)? else {
        return Ok(Vec::new());
    };
    Ok(vary
        .variants
        .iter()
        .map(|&v| {
            let mut session = Session::variant(v);
            let outputs = session.run(text);
            VariantRun {
                name: v.name().to_string(),
                value: v.value(),
                run: session.finish(outputs),
            }
        })
        .collect())
}

/// `sim vary ...` as a line of a session: a variant's session names its
/// value; a plain session (the page before it shows columns, `sim vary`
/// typed into a console) holds the first value from here on.
pub(super) fn run_line(
    session: &mut Session,
    words: &[String],
    line: &Line,
) -> Result<String, CommandError> {
    let usage = |e: VaryError| CommandError::Usage(e.to_string());
    let vary = parse_vary(words, line.number).map_err(usage)?;
    if let Some(first) = session.vary_line.filter(|&l| l != line.number) {
        return Err(usage(VaryError::SecondVary {
            line: line.number,
            first,
        }));
    }
    let held = match session.sim().variation() {
        Some(held) if vary.variants.contains(&held) => held,
        Some(_) => return Err(usage(VaryError::TooLate)),
        None => {
            if session.started {
                return Err(usage(VaryError::TooLate));
            }
            let first = vary.variants[0];
            session.hold(first).map_err(|e| {
                usage(VaryError::InvalidValue {
                    name: first.name().into(),
                    value: first.value(),
                    reason: e.to_string(),
                })
            })?;
            first
        }
    };
    session.vary_line = Some(line.number);
    let k = vary.variants.iter().position(|&v| v == held).unwrap_or(0) + 1;
    Ok(format!(
        "variant {k} of {}: {}={}",
        vary.variants.len(),
        held.name(),
        held.value()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn bad_vary_lines_are_typed_errors() {
        assert_eq!(parse_vary(&words("acks"), 1), Err(VaryError::Usage));
        assert_eq!(
            parse_vary(&words("linger.ms=0,5"), 1),
            Err(VaryError::UnknownName("linger.ms".into()))
        );
        assert_eq!(
            parse_vary(&words("acks=1"), 1),
            Err(VaryError::ValueCount {
                name: "acks".into()
            })
        );
        assert_eq!(
            parse_vary(&words("acks=0,1,all,-1"), 1),
            Err(VaryError::RepeatedValue {
                name: "acks".into(),
                value: "-1".into()
            })
        );
        assert!(matches!(
            parse_vary(&words("acks=1,2"), 1),
            Err(VaryError::InvalidValue { value, .. }) if value == "2"
        ));
        assert!(matches!(
            find_vary("sim vary acks=1,all\nsim vary retries=0,3\n"),
            Err(VaryError::SecondVary { line: 2, first: 1 })
        ));
        let v = parse_vary(&words("acks=1,all"), 4).expect("valid");
        assert_eq!(v.variants.len(), 2);
    }
}
