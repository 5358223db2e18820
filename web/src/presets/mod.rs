//! The guided scenarios: every `tests/scenarios/*.script`. The wasm holds
//! only their index (file name and title, written by `build.rs`); dist
//! serves the scripts themselves under `scenarios/`, fetched when chosen, so
//! their text costs the page nothing until then.
//!
//! Loading is split so it can be tested without a network: [`fetch_script`]
//! is the thin browser layer, [`load_action`] turns a script's text into
//! the action that opens it.

mod describe;

pub use describe::describe;

use crate::state::{Action, Notice};

/// One preset as the menu lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PresetEntry {
    /// The script's file name in `tests/scenarios/` (and `scenarios/` in dist).
    pub file: &'static str,
    pub title: &'static str,
    /// The menu group (`tests/scenarios/menu.txt`), an English key.
    pub group: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/preset_index.rs"));

/// Where the menu's last choice stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PresetStatus {
    #[default]
    Idle,
    /// The script is on its way.
    Fetching(&'static str),
    Loaded(&'static str),
    Failed(&'static str),
}

pub use crate::fetch::FetchError;

/// The script's address, relative to the page (the site may live under any path).
pub fn script_url(file: &str) -> String {
    format!("scenarios/{file}")
}

/// Opens a preset's script: a fresh scenario, explained by its comments.
pub fn load_action(file: &str, script: String) -> Action {
    let (title, body) = describe(file, &script);
    Action::Load {
        script,
        time_ms: None,
        notice: Some(Notice {
            title,
            body,
            is_error: false,
        }),
    }
}

/// Says a preset could not be loaded; the scenario on screen stays.
pub fn failure_notice(entry: &PresetEntry, error: &FetchError) -> Notice {
    Notice {
        title: crate::i18n::tf(
            "Could not load the preset “{title}”",
            &[&crate::i18n::t(entry.title)],
        ),
        body: error.to_string(),
        is_error: true,
    }
}

/// Fetches a preset's script text from the site.
pub async fn fetch_script(file: &str) -> Result<String, FetchError> {
    crate::fetch::fetch_text(&script_url(file)).await
}

/// Fetches and opens a preset: the action to dispatch (the scenario, or a
/// notice saying why not) and where the menu stands after it.
pub async fn load(entry: PresetEntry) -> (Action, PresetStatus) {
    match fetch_script(entry.file).await {
        Ok(script) => (
            load_action(entry.file, script),
            PresetStatus::Loaded(entry.file),
        ),
        Err(e) => (
            Action::ShowNotice(failure_notice(&entry, &e)),
            PresetStatus::Failed(entry.file),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    include!(concat!(env!("OUT_DIR"), "/scenarios.rs"));

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
        let (t, e) = describe("a-b.script", "sim brokers 1");
        assert_eq!((t.as_str(), e.as_str()), ("a b", ""));
    }

    #[test]
    fn the_index_lists_every_fixture_with_its_title() {
        assert!(!PRESETS.is_empty());
        let mut files: Vec<&str> = PRESETS.iter().map(|p| p.file).collect();
        files.sort_unstable();
        let fixtures: Vec<&str> = SCENARIOS.iter().map(|(f, _)| *f).collect();
        assert_eq!(files, fixtures, "the menu lists every fixture once");
        for (file, text) in SCENARIOS {
            let entry = PRESETS.iter().find(|p| p.file == *file).expect("listed");
            assert_eq!(entry.title, describe(file, text).0, "{file}");
            assert!(!entry.title.is_empty(), "{file}");
        }
        // Two groups, each in one run: the study notes' examples first, in
        // the notes' order (Flume comes first in the notes).
        let mut groups: Vec<&str> = PRESETS.iter().map(|p| p.group).collect();
        groups.dedup();
        assert_eq!(
            groups,
            vec![
                "The study notes' examples",
                "Failures: how records are lost or written twice"
            ]
        );
        assert_eq!(PRESETS[0].file, "flume-to-kafka.script");
        let at = |f: &str| PRESETS.iter().position(|p| p.file == f);
        assert!(at("seed-install-and-topics.script") < at("seed-partitioning.script"));
        assert!(at("assignors-two-topics.script") < at("assignors-three-topics.script"));
        assert!(at("acks1-leader-crash.script") < at("min-insync-replicas.script"));
        // Titles written as Rust literals survive quotes and non-ASCII.
        assert!(PRESETS
            .iter()
            .any(|p| p.file == "first-slice.script" && p.title.starts_with("First slice")));
    }

    #[test]
    fn a_fetched_script_loads_with_its_explanation() {
        let text = "# title: Demo\n# Why it matters.\nsim brokers 1\n";
        match load_action("demo.script", text.to_string()) {
            Action::Load {
                script,
                time_ms,
                notice: Some(n),
            } => {
                assert_eq!(script, text);
                assert_eq!(time_ms, None);
                assert_eq!(n.title, "Demo");
                assert_eq!(n.body, "Why it matters.");
                assert!(!n.is_error);
            }
            _ => panic!("a preset opens as a Load with a notice"),
        }
    }

    #[test]
    fn a_failed_fetch_is_an_error_notice_in_http_words() {
        let entry = PRESETS[0];
        let e = FetchError::Status {
            url: script_url(entry.file),
            status: 404,
            status_text: "Not Found".into(),
        };
        let n = failure_notice(&entry, &e);
        assert!(n.is_error);
        assert!(n.title.contains(entry.title), "{}", n.title);
        assert_eq!(
            n.body,
            format!("GET scenarios/{}: 404 Not Found", entry.file)
        );
        let e = FetchError::Network {
            url: script_url("x.script"),
            reason: "Failed to fetch".into(),
        };
        assert_eq!(e.to_string(), "GET scenarios/x.script: Failed to fetch");
    }
}
