//! The lessons in `tests/lessons/`: every one parses and passes its checks
//! performed as the learner would; no check holds without its step's
//! action; the lines they cite are the notes'; the index the page fetches
//! is current (`UPDATE_EXPECT=1` rewrites it).

use std::path::{Path, PathBuf};
use streamlab_core::lesson::{self, evaluate_step, perform, run_setup, Lesson};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/lessons")
}

fn lessons() -> Vec<Lesson> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("tests/lessons exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "lesson"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        let name = f
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&f).expect("a readable lesson");
        match lesson::parse(&name, &text) {
            Ok(l) => out.push(l),
            Err(e) => errors.push(e.to_string()),
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(!out.is_empty(), "no lessons found");
    out
}

#[test]
fn every_lesson_passes_its_checks() {
    let mut failures = Vec::new();
    for l in lessons() {
        if let Err(e) = lesson::check_lesson(&l) {
            failures.push(e.to_string());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A check can fail: for every step, with the steps before it performed
/// but its own action skipped, at least one of its checks is red (a check
/// that already held would turn the step green by itself).
#[test]
fn skipping_a_steps_action_leaves_it_red() {
    let mut vacuous = Vec::new();
    for l in lessons() {
        let mut session = match run_setup(&l) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        for (i, step) in l.steps.iter().enumerate() {
            let skipped = evaluate_step(&session, step, &[], session.events().len());
            if skipped.iter().all(|v| v.pass) {
                vacuous.push(format!(
                    "lesson {}, step {} ({}): every check holds before its action",
                    l.name,
                    i + 1,
                    step.id
                ));
            }
            perform(&mut session, step);
        }
    }
    assert!(vacuous.is_empty(), "{}", vacuous.join("\n"));
}

fn notes() -> Vec<String> {
    std::fs::read_to_string(dir().join("notes.txt"))
        .expect("tests/lessons/notes.txt")
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn cited_lines_are_lines_of_the_notes() {
    let n = notes().len() as u32;
    for l in lessons() {
        let cited = l.notes.iter().chain(l.steps.iter().flat_map(|s| &s.notes));
        for r in cited {
            assert!(
                r.last <= n,
                "lesson {}: notes line {r} (the notes have {n})",
                l.name
            );
        }
        for s in &l.steps {
            assert!(
                s.text.zh.contains("笔记第"),
                "lesson {}, step {}: the Chinese text cites no line (笔记第 N 行)",
                l.name,
                s.id
            );
            assert!(
                s.text.en.to_lowercase().contains("notes line"),
                "lesson {}, step {}: the English text cites no line (notes line N)",
                l.name,
                s.id
            );
        }
    }
}

#[test]
fn lessons_are_numbered_in_order_with_unique_ids() {
    let all = lessons();
    for (i, l) in all.iter().enumerate() {
        assert_eq!(
            l.position,
            Some(i as u32 + 1),
            "{}: the path's positions are 01, 02, ... without gaps",
            l.name
        );
        assert_eq!(
            all.iter().filter(|m| m.id == l.id).count(),
            1,
            "{}: id used twice",
            l.id
        );
    }
}

#[test]
fn the_index_is_current() {
    let want = lesson::index(&lessons());
    let path = dir().join("index.tsv");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, &want).expect("writable index");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        have, want,
        "tests/lessons/index.tsv is stale: run `cargo run -p streamlab-cli -- lesson index > tests/lessons/index.tsv`"
    );
    assert_eq!(
        lesson::parse_index(&have).map(|v| v.len()),
        Ok(lessons().len())
    );
}
