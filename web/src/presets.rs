//! The guided scenarios: every `tests/scenarios/*.script`, embedded at build
//! time (`build.rs` writes the `include_str!` list). A script's first comment
//! line `# title: ...` names it; the comment lines after it explain it.

include!(concat!(env!("OUT_DIR"), "/scenarios.rs"));

/// One preset as the menu shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    pub file: &'static str,
    pub title: String,
    pub explanation: String,
    pub script: &'static str,
}

/// Title and explanation from a script's leading comment block.
pub fn describe(file: &str, script: &str) -> (String, String) {
    let comments: Vec<&str> = script
        .lines()
        .map(str::trim)
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .collect();
    let fallback = file.trim_end_matches(".script").replace('-', " ");
    match comments.split_first() {
        Some((first, rest)) => match first.strip_prefix("title:") {
            Some(t) => (t.trim().to_string(), rest.join(" ")),
            // No title line: the file name names it, every comment explains.
            None => (fallback, comments.join(" ")),
        },
        None => (fallback, String::new()),
    }
}

/// Every preset, in file-name order.
pub fn presets() -> Vec<Preset> {
    SCENARIOS
        .iter()
        .map(|(file, script)| {
            let (title, explanation) = describe(file, script);
            Preset {
                file,
                title,
                explanation,
                script,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_explanations() {
        let (t, e) = describe(
            "x.script",
            "# title: Hello\n# one\n# two\nsim brokers 3\n# later",
        );
        assert_eq!(t, "Hello");
        assert_eq!(e, "one two");
        let (t, e) = describe("first-slice.script", "# just a note\nsim brokers 1");
        assert_eq!(t, "first slice");
        assert_eq!(e, "just a note");
    }

    #[test]
    fn every_fixture_is_a_preset_with_a_title() {
        let p = presets();
        assert!(!p.is_empty());
        assert!(p
            .iter()
            .all(|p| !p.title.is_empty() && !p.script.is_empty()));
    }
}
