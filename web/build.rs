//! Writes two lists of the scenario fixtures in `tests/scenarios/`:
//! - `preset_index.rs`: file name, title and menu group of each, in the
//!   order of `tests/scenarios/menu.txt` (the study notes' order), the
//!   presets menu. The app fetches a script only when it is chosen (dist
//!   serves the folder), so the texts stay out of the wasm.
//! - `scenarios.rs`: every script's text (`include_str!`) and the stored
//!   trace hashes (`tests/trace-hashes.txt`), for tests only (a browser test
//!   cannot read files).
//! - `lessons.rs`: every lesson file's text and the lesson index, for tests
//!   only: the page fetches lessons from `dist/lessons/`, the wasm holds none.

use std::fmt::Write;
use std::path::{Path, PathBuf};

#[path = "src/presets/describe.rs"]
mod describe;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.retain(|p| p.extension().is_some_and(|x| x == "script"));
    entries.sort();
    let mut texts = String::from(
        "/// (file name, script text) for every scenario fixture.\n\
         pub const SCENARIOS: &[(&str, &str)] = &[\n",
    );
    let mut index = String::from(
        "/// Every preset, in the menu's order (its groups in turn).\npub const PRESETS: &[PresetEntry] = &[\n",
    );
    let menu_path = dir.join("menu.txt");
    println!("cargo:rerun-if-changed={}", menu_path.display());
    let menu = std::fs::read_to_string(&menu_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", menu_path.display()));
    let mut titles = std::collections::BTreeMap::new();
    for p in &entries {
        println!("cargo:rerun-if-changed={}", p.display());
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(p)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
        let (title, _) = describe::describe(&name, &text);
        let _ = writeln!(
            texts,
            "    ({name:?}, include_str!({:?})),",
            p.display().to_string()
        );
        titles.insert(name, title);
    }
    let mut group = String::new();
    for (n, line) in menu.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(g) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            group = g.to_string();
            continue;
        }
        let at = format!("{}:{}", menu_path.display(), n + 1);
        let title = titles.remove(line).unwrap_or_else(|| {
            panic!("{at}: {line} is not a script in tests/scenarios (or is listed twice)")
        });
        assert!(!group.is_empty(), "{at}: {line} comes before any [group]");
        let _ = writeln!(
            index,
            "    PresetEntry {{ file: {line:?}, title: {title:?}, group: {group:?} }},"
        );
    }
    if let Some(missing) = titles.keys().next() {
        panic!(
            "{missing} is not in {}: add it to a group",
            menu_path.display()
        );
    }
    texts.push_str("];\n");
    let hashes = dir.join("../trace-hashes.txt");
    println!("cargo:rerun-if-changed={}", hashes.display());
    let _ = writeln!(
        texts,
        "/// `tests/trace-hashes.txt`: the trace hash each fixture must give.\n\
         #[allow(dead_code)] // Only the determinism test reads it.\n\
         pub const TRACE_HASHES: &str = include_str!({:?});",
        hashes.display().to_string()
    );
    index.push_str("];\n");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let out = Path::new(&out_dir);
    std::fs::write(out.join("scenarios.rs"), texts).expect("OUT_DIR is writable");
    std::fs::write(out.join("preset_index.rs"), index).expect("OUT_DIR is writable");
    std::fs::write(out.join("lessons.rs"), lessons()).expect("OUT_DIR is writable");
}

/// `LESSONS`: (file stem, text) of every `tests/lessons/*.lesson` in the
/// path's order, and `LESSON_INDEX`: the index file's text.
fn lessons() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/lessons");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "lesson"));
    files.sort();
    let mut s = String::from(
        "/// (file name without .lesson, text) for every lesson, in the path's order.\n\
         pub const LESSONS: &[(&str, &str)] = &[\n",
    );
    for p in &files {
        println!("cargo:rerun-if-changed={}", p.display());
        let stem = p
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "    ({stem:?}, include_str!({:?})),",
            p.display().to_string()
        );
    }
    s.push_str("];\n");
    let index = dir.join("index.tsv");
    println!("cargo:rerun-if-changed={}", index.display());
    let _ = writeln!(
        s,
        "/// tests/lessons/index.tsv.\npub const LESSON_INDEX: &str = include_str!({:?});",
        index.display().to_string()
    );
    s
}
