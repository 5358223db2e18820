//! A scenario's title and explanation, read from its leading comment block.
//! Shared with `build.rs` (which writes the menu's index from it), so it
//! uses nothing but `std`.

/// Title and explanation from a script's leading comment block: the first
/// comment line `# title: ...` names it, the comment lines after it explain
/// it. Without a title line the file name names it.
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
