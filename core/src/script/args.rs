//! Command-line flags as Kafka's tools parse them (joptsimple):
//! `--name value` or `--name=value`, unknown options refused in its words.

use crate::error::CommandError;
use crate::vec_map::VecMap;

/// Parsed flags of one command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    values: VecMap<String, Vec<String>>,
    /// Words that are not flags or flag values, in order.
    pub positional: Vec<String>,
    /// Notes for the user, e.g. when a misspelt flag from the seed was accepted.
    pub notes: Vec<String>,
}

/// How a command's flags are shaped.
pub struct FlagSpec<'a> {
    /// Flags that take a value.
    pub with_value: &'a [&'a str],
    /// Flags that stand alone.
    pub switches: &'a [&'a str],
    /// Misspellings accepted with a note: (written, meant).
    pub aliases: &'a [(&'a str, &'a str)],
}

impl Flags {
    pub fn parse(words: &[String], spec: &FlagSpec<'_>) -> Result<Flags, CommandError> {
        let mut flags = Flags::default();
        let mut i = 0;
        while i < words.len() {
            let word = &words[i];
            i += 1;
            let Some(body) = word.strip_prefix("--") else {
                flags.positional.push(word.clone());
                continue;
            };
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let name = match spec.aliases.iter().find(|(w, _)| *w == name) {
                Some((written, meant)) => {
                    flags.notes.push(format!(
                        "note: Kafka's option is --{meant}; --{written} was read as --{meant}"
                    ));
                    *meant
                }
                None => name,
            };
            if spec.with_value.contains(&name) {
                let value = match inline {
                    Some(v) => v,
                    None => {
                        let v = words
                            .get(i)
                            .filter(|v| !v.starts_with("--"))
                            .ok_or_else(|| {
                                CommandError::Usage(format!("Option {name} requires an argument"))
                            })?;
                        i += 1;
                        v.clone()
                    }
                };
                flags
                    .values
                    .entry(name.to_string())
                    .or_default()
                    .push(value);
            } else if spec.switches.contains(&name) {
                if inline.is_some() {
                    return Err(CommandError::Usage(format!(
                        "Option {name} does not take an argument"
                    )));
                }
                flags.values.entry(name.to_string()).or_default();
            } else {
                return Err(CommandError::Usage(format!(
                    "{name} is not a recognized option"
                )));
            }
        }
        Ok(flags)
    }

    pub fn has(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// The last value given for `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// Every value given for a repeatable flag such as `--config`.
    pub fn values(&self, name: &str) -> &[String] {
        self.values.get(name).map_or(&[], Vec::as_slice)
    }

    pub fn required(&self, name: &str) -> Result<&str, CommandError> {
        self.value(name)
            .ok_or_else(|| CommandError::Usage(format!("Missing required argument \"[{name}]\"")))
    }

    /// A numeric flag, with Kafka's message for a value that is not a number.
    pub fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, CommandError> {
        self.value(name).map(|v| parse_number(name, v)).transpose()
    }
}

pub fn parse_number<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, CommandError> {
    value.trim().parse().map_err(|_| {
        CommandError::Usage(format!("Cannot parse argument '{value}' of option {name}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: FlagSpec<'static> = FlagSpec {
        with_value: &["topic", "partitions", "config"],
        switches: &["create"],
        aliases: &[("replicas-factor", "replication-factor")],
    };

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn values_switches_and_equals() {
        let f = Flags::parse(
            &words("--create --topic t --partitions=3 --config a=1 --config b=2 x"),
            &SPEC,
        )
        .expect("valid");
        assert!(f.has("create"));
        assert_eq!(f.value("topic"), Some("t"));
        assert_eq!(f.number::<i32>("partitions"), Ok(Some(3)));
        assert_eq!(f.values("config"), &["a=1".to_string(), "b=2".to_string()]);
        assert_eq!(f.positional, vec!["x".to_string()]);
    }

    #[test]
    fn errors_in_kafka_words() {
        let e = Flags::parse(&words("--bogus"), &SPEC).unwrap_err();
        assert_eq!(e.to_string(), "bogus is not a recognized option");
        let e = Flags::parse(&words("--topic"), &SPEC).unwrap_err();
        assert_eq!(e.to_string(), "Option topic requires an argument");
        let f = Flags::parse(&words("--partitions x"), &SPEC).expect("parses");
        assert!(f.number::<i32>("partitions").is_err());
    }
}
