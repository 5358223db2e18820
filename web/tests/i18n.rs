//! The page in Chinese and English, in headless Chromium: the switch in the
//! toolbar, the choice kept in local storage, the language in share links,
//! and panels that skip renders still following the switch.
#![cfg(target_arch = "wasm32")]

use streamlab_web::i18n::{self, Lang};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// The dictionary the site serves (the test server has no `i18n/` to fetch).
const ZH_JSON: &str = include_str!("../../www/i18n/zh.json");

fn storage() -> web_sys::Storage {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("local storage")
}

/// English, no stored choice, no fragment, the dictionary installed: each
/// test starts from the same page.
fn reset() {
    let _ = storage().remove_item(i18n::STORAGE_KEY);
    i18n::install(i18n::parse_dictionary(ZH_JSON).expect("zh.json parses in the browser"));
    i18n::set_lang(Lang::En);
    i18n::mark_document(Lang::En);
    let w = web_sys::window().expect("window");
    let path = w.location().pathname().expect("pathname");
    w.history()
        .expect("history")
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path))
        .expect("replaceState");
}

fn mount() -> Element {
    let document = gloo_utils::document();
    let root = document.create_element("div").expect("a div");
    document
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    yew::Renderer::<streamlab_web::App>::with_root(root.clone()).render();
    root
}

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .expect("window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("setTimeout");
    });
    wasm_bindgen_futures::JsFuture::from(p)
        .await
        .expect("timer");
}

async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..500 {
        yew::scheduler::flush().await;
        if done() {
            return;
        }
        sleep(10).await;
    }
    panic!("timed out waiting until {what}");
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .expect("valid selector")
        .unwrap_or_else(|| panic!("{selector} is on the page"))
}

fn text(root: &Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

fn click(root: &Element, selector: &str) {
    find(root, selector)
        .dyn_into::<HtmlElement>()
        .expect("an HTML element")
        .click();
}

fn html_lang() -> Option<String> {
    gloo_utils::document()
        .document_element()
        .and_then(|e| e.get_attribute("lang"))
}

#[wasm_bindgen_test]
async fn the_switch_turns_the_whole_page_chinese_and_back_and_is_kept() {
    reset();
    let root = mount();
    until("the page renders", || {
        root.query_selector("#producer-h").ok().flatten().is_some()
    })
    .await;
    assert_eq!(text(&root, "#producer-h"), "Producer");
    assert_eq!(
        text(&root, "#language"),
        "中文",
        "the switch names Chinese in Chinese"
    );
    assert_eq!(storage().get_item(i18n::STORAGE_KEY).ok().flatten(), None);

    click(&root, "#language");
    until("the page is Chinese", || {
        text(&root, "#producer-h") == "生产者"
    })
    .await;
    // Panels of every kind follow: plain views, components with props,
    // and the rows and cells that skip renders unless their data changes.
    assert_eq!(text(&root, "#cluster-h"), "集群");
    assert_eq!(text(&root, "#timeline-h"), "时间线");
    assert_eq!(text(&root, "#produce"), "发送");
    let replica = find(&root, "td.replica")
        .get_attribute("aria-label")
        .unwrap_or_default();
    assert!(
        replica.contains("同步"),
        "a replica cell re-rendered in Chinese: {replica}"
    );
    let state = text(&root, "th.broker .broker-state");
    assert!(
        state.contains("运行中"),
        "a broker header re-rendered in Chinese: {state}"
    );
    // Kafka's own words stay as Kafka prints them.
    assert!(text(&root, ".cluster-table").contains("ISR"));
    assert_eq!(text(&root, "#language"), "English");
    assert_eq!(html_lang().as_deref(), Some("zh-CN"));
    assert_eq!(
        storage()
            .get_item(i18n::STORAGE_KEY)
            .ok()
            .flatten()
            .as_deref(),
        Some("zh"),
        "the choice is kept for the next visit"
    );

    click(&root, "#language");
    until("the page is English again", || {
        text(&root, "#producer-h") == "Producer"
    })
    .await;
    assert_eq!(text(&root, "#cluster-h"), "Cluster");
    assert_eq!(html_lang().as_deref(), Some("en"));
    assert_eq!(
        storage()
            .get_item(i18n::STORAGE_KEY)
            .ok()
            .flatten()
            .as_deref(),
        Some("en")
    );
    root.remove();
    reset();
}

#[wasm_bindgen_test]
async fn a_kept_choice_opens_the_next_visit_in_chinese() {
    reset();
    storage().set_item(i18n::STORAGE_KEY, "zh").expect("store");
    let root = mount();
    until("the page follows the kept choice", || {
        root.query_selector("#producer-h")
            .ok()
            .flatten()
            .is_some_and(|h| h.text_content().as_deref() == Some("生产者"))
    })
    .await;
    assert_eq!(i18n::lang(), Lang::Zh);
    root.remove();
    reset();
}

#[wasm_bindgen_test]
async fn share_links_carry_the_language_and_open_in_it() {
    reset();
    let state = streamlab_web::state::State::default();
    i18n::set_lang(Lang::Zh);
    let shared = streamlab_web::app::shared_scenario(&state);
    assert_eq!(shared.view.as_deref(), Some("lang=zh"));
    i18n::set_lang(Lang::En);
    // A link made in Chinese opens in Chinese for a visitor whose browser
    // and storage say English (and does not change their kept choice).
    let fragment = streamlab_web::share_link::encode(&shared)
        .await
        .expect("encode");
    let w = web_sys::window().expect("window");
    let path = w.location().pathname().expect("pathname");
    w.history()
        .expect("history")
        .replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}#{fragment}")),
        )
        .expect("replaceState");
    let root = mount();
    until("the link opens in Chinese", || {
        root.query_selector("#producer-h")
            .ok()
            .flatten()
            .is_some_and(|h| h.text_content().as_deref() == Some("生产者"))
    })
    .await;
    assert_eq!(storage().get_item(i18n::STORAGE_KEY).ok().flatten(), None);
    root.remove();
    reset();
}

#[wasm_bindgen_test]
fn the_dictionary_parses_in_the_browser_and_a_bad_one_is_refused() {
    let pairs = i18n::parse_dictionary(ZH_JSON).expect("parses");
    assert!(pairs.len() > 200, "{} entries", pairs.len());
    assert!(pairs.iter().any(|(k, v)| k == "Producer" && v == "生产者"));
    let pairs = i18n::parse_dictionary("{\"a\": 1, \"b\": \"乙\"}").expect("an object");
    assert_eq!(
        pairs,
        vec![("b".to_string(), "乙".to_string())],
        "a number is no text"
    );
    let e = i18n::parse_dictionary("[1,").expect_err("not JSON");
    assert!(
        e.to_string()
            .starts_with("i18n/zh.json is not a JSON object of strings"),
        "{e}"
    );
    assert!(
        i18n::parse_dictionary("[]").is_err(),
        "an array is no dictionary"
    );
}
