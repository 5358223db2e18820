//! Every text the page can show has its Chinese in `www/i18n/zh.json`, and
//! the dictionary holds nothing else. The texts are found where they are
//! written: the string literals inside `t("…")`, `tf("…", …)` and
//! `en("…")` in `web/src` (tests, after a file's `#[cfg(test)]`, are left
//! out), plus the texts that come from data: every preset's title and
//! explanation, and the checker's kinds and explanations. Native: it reads
//! the source files (docs/I18N.md says how to add a string).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use streamlab_core::checker::FindingKind;
use streamlab_core::ProducerConfig;
use streamlab_web::i18n::placeholders;
use streamlab_web::presets::describe;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// A Rust string literal starting at `s` (`"…"` or `r#"…"#`): its value and
/// its length in the source, or `None` if `s` does not start with one.
fn literal(s: &str) -> Option<(String, usize)> {
    if let Some(raw) = s.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw[hashes..].strip_prefix('"')?;
        let close = format!("\"{}", "#".repeat(hashes));
        let end = body.find(&close)?;
        return Some((body[..end].to_string(), 1 + hashes + 1 + end + close.len()));
    }
    let body = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, i + 2)),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                '0' => out.push('\0'),
                '\\' => out.push('\\'),
                '"' => out.push('"'),
                '\'' => out.push('\''),
                'u' => {
                    // `\u{XXXX}`: `rest` starts at its `{`.
                    let rest = &body[i + 2..];
                    let close = rest.find('}')?;
                    let code = u32::from_str_radix(rest.get(1..close)?, 16).ok()?;
                    out.push(char::from_u32(code)?);
                    for _ in 0..=close {
                        chars.next();
                    }
                }
                // A line continuation: the newline and the next line's indent go.
                '\n' => {
                    let rest = &body[i + 2..];
                    let skip = rest.len() - rest.trim_start().len();
                    for _ in 0..rest[..skip].chars().count() {
                        chars.next();
                    }
                }
                other => panic!("unexpected escape \\{other} in a string literal"),
            },
            c => out.push(c),
        }
    }
    None
}

/// The keys written in one source file: `(line, text)`.
fn keys_in(file: &str, source: &str) -> Vec<(usize, String)> {
    let code = source.split("#[cfg(test)]").next().unwrap_or_default();
    let mut keys = Vec::new();
    for call in ["t(", "tf(", "en("] {
        let mut from = 0;
        while let Some(at) = code[from..].find(call) {
            let start = from + at;
            from = start + call.len();
            // `t(` but not `set(` or `.t(`-less lookalikes such as `start(`.
            let before = code[..start].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                || code[..start].ends_with("fn ")
            {
                continue;
            }
            // Not in a comment (the docs show the calls as examples).
            let line_start = code[..start].rfind('\n').map_or(0, |i| i + 1);
            if code[line_start..start].contains("//") {
                continue;
            }
            let args = code[from..].trim_start();
            let line = code[..start].matches('\n').count() + 1;
            match literal(args) {
                Some((text, _)) => keys.push((line, text)),
                // `t(x)` looks up a text kept elsewhere (a table of `en("…")`,
                // the core); a template must be written where it is filled.
                None if call == "tf(" => panic!(
                    "{file}:{line}: tf's template must be a string literal (write one tf per \
                     template), or this test cannot see it: tf({}",
                    args.lines().next().unwrap_or_default()
                ),
                None => {}
            }
        }
    }
    keys
}

#[test]
fn the_literal_reader_reads_what_rust_reads() {
    assert_eq!(literal(r#""plain" rest"#), Some(("plain".into(), 7)));
    assert_eq!(
        literal(r#""a \"q\" \\ \u{4e2d}""#).map(|l| l.0),
        Some("a \"q\" \\ 中".into())
    );
    assert_eq!(
        literal("\"one \\\n        two\"").map(|l| l.0),
        Some("one two".into())
    );
    assert_eq!(
        literal(r##"r#"raw "x""#"##).map(|l| l.0),
        Some(r#"raw "x""#.into())
    );
    assert_eq!(literal("p.title"), None);
    let keys = keys_in(
        "test.rs",
        "x(t(\"A\")); set(\"no\"); // t(\"comment\")\ntf(\n  \"B {n}\", &[&n]); en(\"C\"); t(dynamic);\n#[cfg(test)]\nt(\"test only\")",
    );
    let texts: Vec<&str> = keys.iter().map(|(_, k)| k.as_str()).collect();
    assert_eq!(texts, vec!["A", "B {n}", "C"]);
}

/// Every text the page can show, with where it comes from.
fn page_texts() -> BTreeMap<String, String> {
    let mut texts = BTreeMap::new();
    let mut files = Vec::new();
    rust_files(&root().join("web/src"), &mut files);
    for f in &files {
        let source = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let rel = f.strip_prefix(root()).unwrap_or(f).display().to_string();
        for (line, key) in keys_in(&rel, &source) {
            texts.entry(key).or_insert(format!("{rel}:{line}"));
        }
    }
    let scenarios = root().join("tests/scenarios");
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(&scenarios)
        .expect("tests/scenarios")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "script"))
        .collect();
    scripts.sort();
    for p in scripts {
        let name = p
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&p).expect("a preset script");
        let (title, body) = describe(&name, &text);
        let at = format!("the preset {name}");
        texts.entry(title).or_insert(at.clone());
        if !body.is_empty() {
            texts.entry(body).or_insert(at);
        }
    }
    // The delivery semantics the producer panel names, from the core.
    for acks in ["0", "1", "all"] {
        for idempotence in [false, true] {
            for retries in [None, Some("0")] {
                let mut c = ProducerConfig::default();
                let _ = c.set("acks", acks);
                c.enable_idempotence = idempotence;
                if let Some(r) = retries {
                    let _ = c.set("retries", r);
                }
                texts
                    .entry(c.semantics().to_string())
                    .or_insert("the producer's delivery semantics (core)".to_string());
            }
        }
    }
    let menu =
        std::fs::read_to_string(scenarios.join("menu.txt")).expect("tests/scenarios/menu.txt");
    for line in menu.lines() {
        if let Some(group) = line
            .trim()
            .strip_prefix('[')
            .and_then(|l| l.strip_suffix(']'))
        {
            texts
                .entry(group.to_string())
                .or_insert("a group of the presets menu".to_string());
        }
    }
    for kind in FindingKind::ALL {
        texts
            .entry(kind.explain().to_string())
            .or_insert(format!("the checker's explanation of {}", kind.name()));
    }
    texts
}

fn dictionary() -> BTreeMap<String, String> {
    let path = root().join("www/i18n/zh.json");
    let json = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&json)
        .unwrap_or_else(|e| panic!("{} is not a JSON object of strings: {e}", path.display()))
}

#[test]
fn every_text_the_page_shows_has_its_chinese() {
    let texts = page_texts();
    let zh = dictionary();
    let missing: Vec<String> = texts
        .iter()
        .filter(|(k, _)| !zh.contains_key(*k))
        .map(|(k, at)| format!("  {at}: {k:?}"))
        .collect();
    assert!(
        missing.is_empty(),
        "{} texts have no Chinese in www/i18n/zh.json (docs/I18N.md says how to add one):\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn the_dictionary_holds_only_texts_the_page_shows() {
    let texts = page_texts();
    let stale: Vec<String> = dictionary()
        .into_keys()
        .filter(|k| !texts.contains_key(k))
        .collect();
    // A stale entry is dead weight every Chinese visit downloads, and a
    // sign that an English text changed without its Chinese.
    assert!(
        stale.is_empty(),
        "www/i18n/zh.json has entries no page text uses (changed or removed English?):\n  {}",
        stale
            .iter()
            .map(|k| format!("{k:?}"))
            .collect::<Vec<_>>()
            .join("\n  ")
    );
}

#[test]
fn every_chinese_text_keeps_the_placeholders_of_its_english() {
    for (en, zh) in dictionary() {
        assert!(!zh.trim().is_empty(), "{en:?} has an empty Chinese text");
        let mut a = placeholders(&en);
        let mut b = placeholders(&zh);
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b, "{en:?} → {zh:?}: the placeholders differ");
    }
}

#[test]
fn the_page_calls_the_notes_the_study_notes() {
    // The learner knows the file as their study notes (学习笔记), not "the seed".
    for (text, at) in page_texts() {
        assert!(
            !text.to_lowercase().contains("seed's") && !text.to_lowercase().contains("the seed"),
            "{at}: {text:?} calls the study notes \"the seed\""
        );
    }
}
