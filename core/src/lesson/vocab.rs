//! The names lessons use for the page's controls (what a learner clicks)
//! and elements (what a step highlights). The page puts `data-control` and
//! `data-look` attributes with exactly these names on its elements; the
//! table with what each is lives in `docs/LESSONS.md`.
//!
//! A name pattern has `.`-separated segments; `{B}` is a broker id, `{P}` a
//! partition number, `{T}` a topic, `{G}` a group, `{M}` a member, `{A}` a
//! Flume agent (one segment each, so names with dots cannot be addressed).
//! A control's line pattern is the script line the click writes, word by
//! word: the same placeholders, `*` for one word the page's form fills in,
//! `…` for any number of optional words, and a word ending in `*` for a
//! word with that prefix.

/// Every control a lesson may click: (name, the line the click writes).
pub const CONTROLS: &[(&str, &str)] = &[
    // Each broker's header in the cluster view.
    ("broker.{B}.crash", "sim crash {B}"),
    ("broker.{B}.restart", "sim restart {B}"),
    ("broker.{B}.isolate", "sim isolate {B}"),
    ("broker.{B}.slow", "sim slow {B} *"),
    ("broker.{B}.heal", "sim heal …"),
    // The producer panel: Send writes every field of the form.
    ("producer.send", "sim produce * * … --acks * …"),
    ("producer.min-isr", "sim set min.insync.replicas=*"),
    // The consumer panel: the join form and each member's buttons.
    (
        "consumer.join",
        "sim consumer join * * --topics * --assignor *",
    ),
    ("consumer.{G}.{M}.leave", "sim consumer leave {G} {M}"),
    ("consumer.{G}.{M}.crash", "sim consumer crash {G} {M}"),
    // The timeline: Play lets time run (merged into one advance).
    ("timeline.play", "sim advance *"),
    ("timeline.step", "sim advance 100"),
    ("timeline.step-1s", "sim advance 1000"),
];

/// Every element a step may ask the learner to look at.
pub const LOOKS: &[&str] = &[
    "cluster",
    "broker.{B}",
    "partition.{T}.{P}",
    "partition.{T}.{P}.leader",
    "partition.{T}.{P}.epoch",
    "partition.{T}.{P}.isr",
    "partition.{T}.{P}.osr",
    "partition.{T}.{P}.hw",
    "replica.{T}.{P}.{B}",
    "replica.{T}.{P}.{B}.log",
    "replica.{T}.{P}.{B}.hw",
    "replica.{T}.{P}.{B}.leo",
    "producer",
    "producer.topic",
    "producer.partition",
    "producer.key",
    "producer.value",
    "producer.count",
    "producer.acks",
    "producer.retries",
    "producer.idempotence",
    "producer.semantics",
    "producer.partitioner",
    "producer.min-isr",
    "producer.sends",
    "consumer",
    "consumer.group",
    "consumer.topics",
    "consumer.assignor",
    "group.{G}",
    "group.{G}.members",
    "group.{G}.offsets",
    "group.{G}.compare",
    "console",
    "console.input",
    "timeline",
    "timeline.clock",
    "script",
    "events",
    "checker",
    "metrics",
    "flume",
    "flume.{A}",
    "flume.{A}.source.{S}",
    "flume.{A}.interceptors",
    "flume.{A}.channel.{C}",
    "flume.{A}.sink.{K}",
    "flume.{A}.charts",
    "flume.json",
];

/// Placeholder values a name bound, in order.
type Bound<'a> = Vec<(&'a str, &'a str)>;

/// Matches a dotted name against a pattern; the placeholders' values.
fn match_name<'a>(pattern: &'a str, name: &'a str) -> Option<Bound<'a>> {
    let mut bound = Vec::new();
    let mut pat = pattern.split('.');
    let mut seg = name.split('.');
    loop {
        match (pat.next(), seg.next()) {
            (None, None) => return Some(bound),
            (Some(p), Some(s)) => {
                if let Some(ph) = p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                    let numeric = matches!(ph, "B" | "P");
                    if s.is_empty() || (numeric && s.parse::<u32>().is_err()) {
                        return None;
                    }
                    bound.push((p, s));
                } else if p != s {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

/// Whether `name` is a known element to look at.
pub fn is_look(name: &str) -> bool {
    LOOKS.iter().any(|p| match_name(p, name).is_some())
}

/// The line pattern of a control, with the name's placeholders filled in.
pub fn control_line(name: &str) -> Option<String> {
    CONTROLS.iter().find_map(|(pattern, line)| {
        let bound = match_name(pattern, name)?;
        let mut out = (*line).to_string();
        for (ph, value) in bound {
            out = out.replace(ph, value);
        }
        Some(out)
    })
}

/// The line a click writes when the control alone decides it (no form
/// field): `broker.0.crash` → `sim crash 0`.
pub fn fixed_line(pattern: &str) -> Option<&str> {
    let fixed = !pattern
        .split_whitespace()
        .any(|w| w == "…" || w.ends_with('*'));
    fixed.then_some(pattern)
}

/// Whether the words of a script line fit a control's line pattern.
pub fn line_fits(pattern: &str, words: &[String]) -> bool {
    let pattern: Vec<&str> = pattern.split_whitespace().collect();
    fits(&pattern, words)
}

fn fits(pattern: &[&str], words: &[String]) -> bool {
    match pattern.split_first() {
        None => words.is_empty(),
        // Any number of words: try every split (patterns and lines are short).
        Some((&"…", rest)) => (0..=words.len()).any(|i| fits(rest, &words[i..])),
        Some((p, rest)) => match words.split_first() {
            None => false,
            Some((w, more)) => {
                let ok = match p.strip_suffix('*') {
                    Some(prefix) => w.starts_with(prefix),
                    None => w == p,
                };
                ok && fits(rest, more)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn names_bind_placeholders() {
        assert_eq!(
            control_line("broker.2.crash").as_deref(),
            Some("sim crash 2")
        );
        assert_eq!(
            control_line("consumer.atguigu.c.crash").as_deref(),
            Some("sim consumer crash atguigu c")
        );
        assert_eq!(control_line("broker.x.crash"), None);
        assert_eq!(control_line("broker.1.explode"), None);
        assert!(is_look("replica.hello.0.2.hw"));
        assert!(is_look("partition.pay.0.isr"));
        assert!(!is_look("partition.pay.isr"));
        assert!(!is_look("partition.pay.0.1.isr"));
        assert!(!is_look("producer.sendz"));
    }

    #[test]
    fn lines_fit_their_control() {
        let send = "sim produce * * … --acks * …";
        assert!(line_fits(send, &words("sim produce pay x --acks 1")));
        assert!(line_fits(
            send,
            &words("sim produce pay x --key k --partition 0 --acks all --count 3")
        ));
        assert!(!line_fits(send, &words("sim produce pay x --count 3")));
        assert!(!line_fits(send, &words("sim crash 0")));
        assert!(line_fits(
            "sim set min.insync.replicas=*",
            &words("sim set min.insync.replicas=2")
        ));
        assert!(!line_fits(
            "sim set min.insync.replicas=*",
            &words("sim set unclean.leader.election.enable=true")
        ));
        assert!(line_fits("sim heal …", &words("sim heal")));
        assert_eq!(fixed_line("sim crash 0"), Some("sim crash 0"));
        assert_eq!(fixed_line("sim slow 0 *"), None);
    }

    #[test]
    fn every_pattern_is_well_formed() {
        for (name, line) in CONTROLS {
            assert!(line.starts_with("sim "), "{name}: {line}");
            assert!(!name.contains(' '), "{name}");
        }
        for look in LOOKS {
            assert!(!look.contains(' '), "{look}");
        }
    }
}
