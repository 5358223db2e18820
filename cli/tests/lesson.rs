//! `streamlab lesson list|show|check|index` as a user runs them: the
//! path's lessons listed in order in either language, a lesson's steps
//! shown, every step checked; a malformed file reported with its line while
//! the other lessons still load.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn streamlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_streamlab"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .output()
        .expect("the streamlab binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn lessons_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/lessons")
}

fn lesson_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(lessons_dir())
        .expect("tests/lessons exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "lesson"))
        .collect();
    v.sort();
    v
}

#[test]
fn list_prints_id_and_title_in_the_paths_order() {
    let zh = streamlab(&["lesson", "list"]);
    assert!(zh.status.success(), "{}", text(&zh.stderr));
    let en = streamlab(&["lesson", "list", "--lang", "en"]);
    let (zh, en) = (text(&zh.stdout), text(&en.stdout));
    assert_eq!(zh.lines().count(), lesson_files().len());
    let first_zh = zh.lines().next().unwrap_or_default();
    let first_en = en.lines().next().unwrap_or_default();
    assert_eq!(
        first_zh,
        "flume-interceptor\t自定义拦截器：Interceptor、Builder 与 全类名$Builder"
    );
    assert_eq!(
        first_en,
        "flume-interceptor\tA custom interceptor: Interceptor, Builder and FQCN$Builder"
    );
    // The same ids, in the same order, in both languages.
    let ids = |s: &str| {
        s.lines()
            .map(|l| l.split('\t').next().unwrap_or_default().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&zh), ids(&en));
    let bad = streamlab(&["lesson", "list", "--lang", "fr"]);
    assert!(!bad.status.success());
    assert!(text(&bad.stderr).contains("unknown language"));
}

#[test]
fn show_prints_the_steps_in_the_chosen_language() {
    let out = streamlab(&["lesson", "show", "flume-interceptor", "--lang", "en"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    for want in [
        "Lesson 1 · A custom interceptor",
        "Step 1 · forget-builder",
        "Predict: With `$Builder` left out",
        "Answer: 2",
        "$ flume-ng agent --name a1 --conf-file conf/type.conf <<EOF",
        "Click: timeline.step (writes `sim advance 100`)",
        "Check: error \"Interceptor.Builder not found",
        "Takeaway:",
    ] {
        assert!(s.contains(want), "missing {want:?} in\n{s}");
    }
    let zh = text(&streamlab(&["lesson", "show", "01-flume-interceptor"]).stdout);
    assert!(zh.contains("第1步 · forget-builder"), "{zh}");
    assert!(zh.contains("笔记第 5 行"), "{zh}");
    let missing = streamlab(&["lesson", "show", "nosuch"]);
    assert!(!missing.status.success());
    assert!(text(&missing.stderr).contains("no lesson nosuch"));
}

#[test]
fn check_all_passes_and_names_each_lesson() {
    let out = streamlab(&["lesson", "check", "--all"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("ok\t")).count(),
        lesson_files().len(),
        "{stdout}"
    );
}

/// A scratch folder of lessons for one test.
fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("writable temp dir");
    d
}

#[test]
fn a_malformed_lesson_is_named_with_its_line_and_the_others_still_load() {
    let d = scratch("lessons-malformed");
    let good = &lesson_files()[0];
    let good_text = std::fs::read_to_string(good).expect("readable");
    std::fs::copy(good, d.join(good.file_name().expect("a file name"))).expect("copy");
    std::fs::write(
        d.join("02-broken.lesson"),
        "id: broken\ntitle.zh: 坏\ntitle.en: Broken\nnotes: 1\n\nstep: one\nnotes: 1\ncheck: leader t = 1\n",
    )
    .expect("writable");
    let dir = d.to_string_lossy().into_owned();
    let out = streamlab(&["lesson", "list", "--dir", &dir]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout).lines().count(),
        1,
        "the good lesson is still listed"
    );
    assert_eq!(
        text(&out.stderr),
        "streamlab: lesson 02-broken, line 8: check: `leader`: `=` is not a partition number\n"
    );
    let out = streamlab(&["lesson", "check", "--all", "--dir", &dir]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).starts_with("ok\t01-"),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stderr).contains("lesson 02-broken, line 8:"));
    // Checking the good one alone still works.
    let id = good_text
        .lines()
        .find_map(|l| l.strip_prefix("id: "))
        .unwrap_or_default();
    let out = streamlab(&["lesson", "check", id, "--dir", &dir]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn check_names_the_first_step_that_failed() {
    let d = scratch("lessons-failing");
    let good = &lesson_files()[0];
    let text_in = std::fs::read_to_string(good).expect("readable");
    // The interceptor now marks digits as letters: step 3 cannot pass.
    let wrong = text_in.replace(
        "check: event flume contains \"headers:{type=number} body: 32 30 32 34\"",
        "check: event flume contains \"headers:{type=letter} body: 32 30 32 34\"",
    );
    assert_ne!(wrong, text_in, "the lesson has the check this test changes");
    std::fs::write(d.join("01-flume-interceptor.lesson"), wrong).expect("writable");
    let dir = d.to_string_lossy().into_owned();
    let out = streamlab(&["lesson", "check", "flume-interceptor", "--dir", &dir]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.starts_with(
            "streamlab: lesson 01-flume-interceptor, step 3 (intercept): check `event flume contains \"headers:{type=letter} body: 32 30 32 34\"` failed:"
        ),
        "{err}"
    );
}

#[test]
fn index_matches_the_committed_file() {
    let out = streamlab(&["lesson", "index"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let committed = std::fs::read_to_string(lessons_dir().join("index.tsv")).expect("index.tsv");
    assert_eq!(text(&out.stdout), committed);
}
