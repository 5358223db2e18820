//! Writing words back: the inverse of [`split_words`](super::split_words),
//! for everything that builds a line (the page's panels, the export).
//!
//! A quoted word reads back as itself both in the scenario language and in
//! bash: safe words stay bare, anything else is single-quoted (where neither
//! language expands anything), with a `'` written as `'\''`. The export
//! relies on the bash half to keep a script's words from ever running as
//! shell.

/// Characters that mean nothing to bash or to the scenario language in the
/// middle of an argument. `~` (tilde expansion at the start), glob and brace
/// characters, `$`, quotes, `\`, `#` and whitespace are not among them.
fn is_plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.,:/=@+%".contains(c)
}

/// `word` as one word of a line: bare when that is safe, else single-quoted.
pub fn quote(word: &str) -> String {
    if !word.is_empty() && word.chars().all(is_plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// A here-document marker that no line of `body` can be mistaken for:
/// `preferred` when it is a plain word no body line equals, else `EOF`,
/// `EOF1`, `EOF2`, …
pub fn heredoc_marker(body: &[String], preferred: &str) -> String {
    let free = |m: &str| !body.iter().any(|l| l.trim() == m);
    if !preferred.is_empty()
        && preferred
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        && free(preferred)
    {
        return preferred.to_string();
    }
    let mut n = 0u32;
    loop {
        let m = if n == 0 {
            "EOF".to_string()
        } else {
            format!("EOF{n}")
        };
        if free(&m) {
            return m;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::super::split_words;
    use super::*;

    #[test]
    fn quoted_words_read_back_as_themselves() {
        for w in [
            "plain",
            "a-b_c.d,e:f/g=h@i+j%k",
            "",
            "two words",
            "it's",
            "''",
            "$(touch x)",
            "`id`",
            "a;b&&c|d",
            "~root",
            "*",
            "{a,b}",
            "back\\slash",
            "\"dq\"",
            "#hash",
            "tab\there",
            "ünïcödé",
        ] {
            let q = quote(w);
            let line = format!("x {q} y");
            assert_eq!(
                split_words(&line, 1).expect("quoted words split"),
                vec!["x".to_string(), w.to_string(), "y".to_string()],
                "{w:?} quoted as {q}"
            );
        }
        assert_eq!(quote("hello"), "hello");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("~x"), "'~x'");
    }

    #[test]
    fn markers_never_match_a_body_line() {
        let body = vec!["EOF".to_string(), " EOF1 ".to_string(), "x".to_string()];
        assert_eq!(heredoc_marker(&body, "EOF"), "EOF2");
        assert_eq!(heredoc_marker(&body, "END"), "END");
        assert_eq!(heredoc_marker(&body, "x"), "EOF2");
        assert_eq!(heredoc_marker(&body, "a'b"), "EOF2");
        assert_eq!(heredoc_marker(&[], ""), "EOF");
    }
}
