//! The page's two languages. Every string the page shows is written in
//! English in the code, inside `t("…")` (a fixed text), `tf("… {name} …",
//! &[value])` (a text with values) or `en("…")` (a key kept in a table and
//! looked up where it is shown). In Chinese those English texts are looked
//! up in `www/i18n/zh.json` (English → Chinese), fetched once when Chinese
//! is first needed: the wasm carries no translations. A text missing from
//! the dictionary shows in English; `web/tests/i18n_keys.rs` fails the build
//! on one, so a new string cannot be forgotten (docs/I18N.md).
//!
//! Kafka's own words (command lines, its output, exception names, config
//! keys) are never keys: they stay as Kafka prints them, glossed beside.

use std::cell::Cell;

/// The page's language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// The code kept in local storage and in share links.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// `zh`, `zh-CN`, `zh_TW` … are Chinese; anything else is English.
    pub fn from_code(code: &str) -> Lang {
        if code.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("zh")) {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The value of `<html lang>` (what screen readers and font fallback read).
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }
}

/// English → Chinese, sorted by the English text for binary search.
type Dict = &'static [(&'static str, &'static str)];

thread_local! {
    /// The dictionary, once fetched (kept when the page switches back to English).
    static LOADED: Cell<Option<Dict>> = const { Cell::new(None) };
    /// The dictionary in use: `Some` exactly while the page is in Chinese.
    static ACTIVE: Cell<Option<Dict>> = const { Cell::new(None) };
}

/// Installs a dictionary (pairs in any order; a repeated key keeps its
/// last value). Its strings live as long as the page: one dictionary per
/// visit, so nothing is worth freeing.
pub fn install(pairs: Vec<(String, String)>) -> usize {
    let mut dict: Vec<(&'static str, &'static str)> = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        let (k, v): (&'static str, &'static str) =
            (Box::leak(k.into_boxed_str()), Box::leak(v.into_boxed_str()));
        match dict.binary_search_by(|(x, _)| (*x).cmp(k)) {
            Ok(i) => dict[i].1 = v,
            Err(i) => dict.insert(i, (k, v)),
        }
    }
    let n = dict.len();
    let dict: Dict = Box::leak(dict.into_boxed_slice());
    LOADED.with(|l| l.set(Some(dict)));
    if ACTIVE.with(Cell::get).is_some() {
        ACTIVE.with(|a| a.set(Some(dict)));
    }
    n
}

/// Whether a dictionary has been installed (Chinese can be shown at once).
pub fn loaded() -> bool {
    LOADED.with(Cell::get).is_some()
}

/// Shows `lang` from now on: Chinese uses the installed dictionary (texts
/// stay English until one is installed).
pub fn set_lang(lang: Lang) {
    let dict = match lang {
        Lang::En => None,
        Lang::Zh => LOADED.with(Cell::get),
    };
    ACTIVE.with(|a| a.set(dict));
}

/// The language texts are shown in now.
pub fn lang() -> Lang {
    if ACTIVE.with(Cell::get).is_some() {
        Lang::Zh
    } else {
        Lang::En
    }
}

/// `en` in the page's language.
pub fn t(en: &str) -> &str {
    ACTIVE
        .with(Cell::get)
        .and_then(|d| {
            d.binary_search_by(|(k, _)| (*k).cmp(en))
                .ok()
                .map(|i| d[i].1)
        })
        .unwrap_or(en)
}

/// Marks an English text as a key without translating it yet: for tables
/// of texts, translated with `t` where shown (and found there by the
/// key-extraction test).
pub const fn en(s: &'static str) -> &'static str {
    s
}

/// `en` in the page's language, its `{name}` placeholders filled with
/// `args` (anything `Display`: no strings made at the call) in the order
/// the names first appear in the English text (the
/// Chinese text may put them in another order). A `{` not followed by a
/// known name and `}` stays as written.
pub fn tf(en: &str, args: &[&dyn std::fmt::Display]) -> String {
    use std::fmt::Write;
    let names = placeholders(en);
    let mut out = String::new();
    let mut rest = t(en);
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let hit = after.find('}').and_then(|close| {
            let name = &after[..close];
            let i = names.iter().position(|n| *n == name)?;
            Some((close, args.get(i)))
        });
        match hit {
            Some((close, value)) => {
                if let Some(v) = value {
                    let _ = write!(out, "{v}");
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The distinct `{name}` placeholders of a text, in order of first use
/// (a name is letters, digits, `_` or `-`).
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(close) = rest.find('}') {
            let name = &rest[..close];
            if !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                if !names.contains(&name) {
                    names.push(name);
                }
                rest = &rest[close + 1..];
            }
        }
    }
    names
}

/// Where the dictionary is served, relative to the page.
pub const ZH_URL: &str = "i18n/zh.json";

/// Local storage key of the language the learner chose with the switch.
pub const STORAGE_KEY: &str = "streamlab.lang";

/// Why the Chinese dictionary could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DictError {
    #[error(transparent)]
    Fetch(#[from] crate::fetch::FetchError),
    /// The file is not a JSON object of strings, in the browser's words.
    #[error("{url} is not a JSON object of strings: {reason}")]
    Malformed { url: String, reason: String },
}

/// The pairs of a JSON object, parsed by the browser (`JSON.parse`: no
/// JSON parser in the wasm). A value that is not a string is left out
/// (`web/tests/i18n_keys.rs` keeps the file clean).
pub fn parse_dictionary(json: &str) -> Result<Vec<(String, String)>, DictError> {
    let malformed = |reason: String| DictError::Malformed {
        url: ZH_URL.to_string(),
        reason,
    };
    let value = js_sys::JSON::parse(json).map_err(|e| malformed(crate::fetch::reason(&e)))?;
    if !value.is_object() || js_sys::Array::is_array(&value) {
        return Err(malformed("the top level is not an object".into()));
    }
    use wasm_bindgen::JsCast;
    let entries = js_sys::Object::entries(value.unchecked_ref());
    let mut pairs = Vec::with_capacity(entries.length() as usize);
    for entry in entries.iter() {
        let pair: &js_sys::Array = entry.unchecked_ref();
        if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            pairs.push((k, v));
        }
    }
    Ok(pairs)
}

/// Fetches and installs the Chinese dictionary unless it is there already.
pub async fn ensure_loaded() -> Result<(), DictError> {
    if loaded() {
        return Ok(());
    }
    let json = crate::fetch::fetch_text(ZH_URL).await?;
    install(parse_dictionary(&json)?);
    Ok(())
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The language the learner chose with the switch, if they did.
pub fn stored() -> Option<Lang> {
    let code = storage()?.get_item(STORAGE_KEY).ok().flatten()?;
    Some(Lang::from_code(&code))
}

/// Keeps the learner's choice for their next visit.
pub fn store(lang: Lang) {
    if let Some(s) = storage() {
        let _ = s.set_item(STORAGE_KEY, lang.code());
    }
}

/// The language a visit starts in: the learner's choice, else the
/// browser's (`navigator.language` starting with `zh` is Chinese).
pub fn preferred() -> Lang {
    stored().unwrap_or_else(|| {
        let browser = web_sys::window()
            .and_then(|w| w.navigator().language())
            .unwrap_or_default();
        Lang::from_code(&browser)
    })
}

/// Sets `<html lang>`, so screen readers read Chinese as Chinese and the
/// browser picks the CJK fonts of the font stack.
pub fn mark_document(lang: Lang) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", lang.html_lang());
    }
}

/// The language a share link's view names (`lang=zh`), if any.
pub fn from_view(view: &str) -> Option<Lang> {
    view.split('&')
        .find_map(|kv| kv.strip_prefix("lang="))
        .map(Lang::from_code)
}

/// The view a share link carries for `lang`.
pub fn view_of(lang: Lang) -> String {
    format!("lang={}", lang.code())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zh(pairs: &[(&str, &str)]) {
        install(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        set_lang(Lang::Zh);
    }

    #[test]
    fn english_is_the_key_itself_and_chinese_is_looked_up() {
        set_lang(Lang::En);
        zh(&[("Send", "发送"), ("Cluster", "集群")]);
        assert_eq!(t("Send"), "发送");
        assert_eq!(t("Cluster"), "集群");
        assert_eq!(t("Not in the dictionary"), "Not in the dictionary");
        assert_eq!(lang(), Lang::Zh);
        set_lang(Lang::En);
        assert_eq!(t("Send"), "Send");
        assert_eq!(lang(), Lang::En);
        // Back to Chinese without a new fetch.
        set_lang(Lang::Zh);
        assert_eq!(t("Send"), "发送");
    }

    #[test]
    fn placeholders_are_filled_by_name_in_either_order() {
        zh(&[("broker {id} is {state}", "{state}：broker {id}")]);
        assert_eq!(
            tf("broker {id} is {state}", &[&2, &"停止"]),
            "停止：broker 2"
        );
        set_lang(Lang::En);
        assert_eq!(tf("broker {id} is {state}", &[&2, &"up"]), "broker 2 is up");
        // A repeated name, a brace that is no placeholder, a missing value.
        assert_eq!(tf("{a} and {a} {", &[&"x"]), "x and x {");
        assert_eq!(tf("{a} {b}", &[&"x"]), "x ");
        assert_eq!(tf("{not one} {a}", &[&"x"]), "{not one} x");
    }

    #[test]
    fn placeholder_names() {
        assert_eq!(placeholders("a {x} b {y} {x} {} {no way}"), vec!["x", "y"]);
        assert!(placeholders("no braces").is_empty());
    }

    #[test]
    fn share_link_views_name_the_language() {
        assert_eq!(from_view(&view_of(Lang::Zh)), Some(Lang::Zh));
        assert_eq!(from_view(&view_of(Lang::En)), Some(Lang::En));
        assert_eq!(from_view("panel=x&lang=zh-CN"), Some(Lang::Zh));
        assert_eq!(from_view("cluster"), None);
    }

    #[test]
    fn languages_from_browser_codes() {
        for zh in ["zh", "zh-CN", "zh_TW", "ZH-hk"] {
            assert_eq!(Lang::from_code(zh), Lang::Zh, "{zh}");
        }
        for en in ["en", "en-US", "de", "", "z"] {
            assert_eq!(Lang::from_code(en), Lang::En, "{en}");
        }
    }
}
