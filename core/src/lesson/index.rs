//! The path's index, `tests/lessons/index.tsv`: one lesson a line, in the
//! path's order, so the page lists the lessons (in either language)
//! without fetching every file. `streamlab lesson index` writes it; a test
//! keeps the committed file equal to what the lessons say.

use super::{Lesson, Text};

/// One line of the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    /// The lesson's file name (`12-acks.lesson`), relative to the index.
    pub file: String,
    pub id: String,
    pub title: Text,
}

/// A line of the index that is not `FILE<TAB>ID<TAB>TITLE_ZH<TAB>TITLE_EN`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("lesson index, line {line}: expected FILE, ID, Chinese title and English title separated by tabs")]
pub struct IndexError {
    pub line: u32,
}

const HEADER: &str = "# file\tid\ttitle.zh\ttitle.en";

/// The index text of lessons already in the path's order.
pub fn index(lessons: &[Lesson]) -> String {
    let clean = |s: &str| s.replace(['\t', '\n'], " ");
    let mut out = String::from(HEADER);
    out.push('\n');
    for l in lessons {
        out.push_str(&format!(
            "{}.lesson\t{}\t{}\t{}\n",
            l.name,
            l.id,
            clean(&l.title.zh),
            clean(&l.title.en)
        ));
    }
    out
}

/// Reads the index (comments and blank lines skipped).
pub fn parse_index(text: &str) -> Result<Vec<IndexEntry>, IndexError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split('\t');
        match (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) {
            (Some(file), Some(id), Some(zh), Some(en), None)
                if !file.is_empty() && !id.is_empty() =>
            {
                out.push(IndexEntry {
                    file: file.to_string(),
                    id: id.to_string(),
                    title: Text {
                        zh: zh.to_string(),
                        en: en.to_string(),
                    },
                });
            }
            _ => return Err(IndexError { line: i as u32 + 1 }),
        }
    }
    Ok(out)
}
