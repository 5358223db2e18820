//! Component tests in headless Chromium: render the app into a div, click,
//! flush, read the DOM — one or more tests per panel.
#![cfg(target_arch = "wasm32")]

use streamlab_core::share::{self, ShareError, SharedScenario, MAX_DECODED_LEN};
use streamlab_web::share_link;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Sets the address bar's fragment (empty: none) without a history entry.
fn set_hash(hash: &str) {
    let w = web_sys::window().expect("window");
    let path = w.location().pathname().expect("pathname");
    let url = if hash.is_empty() {
        path
    } else {
        format!("{path}#{hash}")
    };
    w.history()
        .expect("history")
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
        .expect("replaceState");
}

fn mount_with_hash(hash: &str) -> Element {
    // The app writes the scenario into the fragment; each test starts clean.
    set_hash(hash);
    mount_here()
}

/// Mounts an app on the address bar as it is.
fn mount_here() -> Element {
    let document = gloo_utils::document();
    let root = document.create_element("div").expect("can create a div");
    document
        .body()
        .expect("page has a body")
        .append_child(&root)
        .expect("can append");
    yew::Renderer::<streamlab_web::App>::with_root(root.clone()).render();
    root
}

fn mount() -> Element {
    mount_with_hash("")
}

async fn flush() {
    yew::scheduler::flush().await;
}

/// Lets the browser run its tasks (the compression streams among them).
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

/// Flushes until `done` holds: share links and presets load asynchronously.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..500 {
        flush().await;
        if done() {
            return;
        }
        sleep(10).await;
    }
    panic!("timed out waiting until {what}");
}

fn hash() -> String {
    web_sys::window()
        .expect("window")
        .location()
        .hash()
        .expect("hash")
}

/// Mounts the app on a share link and waits until the link was opened.
async fn open_link(link: &str) -> Element {
    let root = mount_with_hash(link);
    until("the link is opened", || {
        count(&root, "#notice") == 0 || !text(&root, "#notice").contains("Opening the share link")
    })
    .await;
    root
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .expect("valid selector")
        .unwrap_or_else(|| panic!("{selector} is on the page"))
}

fn click(root: &Element, selector: &str) {
    find(root, selector)
        .dyn_into::<HtmlElement>()
        .expect("an HTML element")
        .click();
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector)
        .expect("valid selector")
        .length()
}

fn text(root: &Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

fn fire(el: &Element, kind: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::Event::new_with_event_init_dict(kind, &init).expect("event");
    el.dispatch_event(&ev).expect("dispatch");
}

fn choose(root: &Element, selector: &str, value: &str) {
    let el = find(root, selector);
    el.clone()
        .dyn_into::<HtmlSelectElement>()
        .expect("a select")
        .set_value(value);
    fire(&el, "change");
}

// Every fixture's text (`SCENARIOS`): the test server has no `scenarios/` to fetch.
include!(concat!(env!("OUT_DIR"), "/scenarios.rs"));

/// How the stand-in site answers.
#[derive(Clone, Copy, PartialEq)]
enum Site {
    Serve,
    /// 404 for everything.
    Refuse,
    /// Never answers.
    Hang,
}

/// Stands in for the site: `window.fetch` answers `scenarios/<file>` with
/// the fixture, and 404 for anything else.
fn serve_scenarios(site: Site) {
    let fake = Closure::<dyn Fn(JsValue) -> js_sys::Promise>::new(move |url: JsValue| {
        if site == Site::Hang {
            return js_sys::Promise::new(&mut |_, _| {});
        }
        let url = url.as_string().unwrap_or_default();
        let text = SCENARIOS
            .iter()
            .find(|(file, _)| url == format!("scenarios/{file}"))
            .map(|(_, text)| *text)
            .filter(|_| site == Site::Serve);
        let response = match text {
            Some(text) => web_sys::Response::new_with_opt_str(Some(text)),
            None => {
                let init = web_sys::ResponseInit::new();
                init.set_status(404);
                init.set_status_text("Not Found");
                web_sys::Response::new_with_opt_str_and_init(None, &init)
            }
        }
        .expect("a Response");
        js_sys::Promise::resolve(&JsValue::from(response))
    });
    js_sys::Reflect::set(
        &web_sys::window().expect("window"),
        &JsValue::from_str("fetch"),
        fake.as_ref(),
    )
    .expect("can replace fetch");
    fake.forget();
}

/// Waits (up to 5 s) for `selector`: a preset arrives asynchronously.
async fn wait_for(root: &Element, selector: &str) {
    until(&format!("{selector} appears"), || count(root, selector) > 0).await;
}

/// Chooses the preset `file` in the menu (its value is its index).
fn choose_preset(root: &Element, file: &str) {
    let value = find(root, &format!("#presets option[data-file='{file}']"))
        .get_attribute("value")
        .expect("a value");
    choose(root, "#presets", &value);
}

/// Chooses the preset `file` and waits until it is on screen.
async fn load_preset(root: &Element, file: &str) {
    serve_scenarios(Site::Serve);
    choose_preset(root, file);
    wait_for(root, &format!("#presets[data-loaded='{file}']")).await;
}

fn type_into(root: &Element, selector: &str, value: &str) {
    let el = find(root, selector);
    el.clone()
        .dyn_into::<HtmlInputElement>()
        .expect("an input")
        .set_value(value);
    fire(&el, "input");
}

fn script(root: &Element) -> String {
    text(root, ".script-lines")
}

#[wasm_bindgen_test]
async fn cluster_renders_brokers_partitions_and_badges() {
    let root = mount();
    flush().await;
    let head = text(&root, ".cluster-table thead");
    for b in ["broker 0", "broker 1", "broker 2"] {
        assert!(head.contains(b), "{b} missing in: {head}");
    }
    assert_eq!(count(&root, ".badge.controller"), 1);
    assert_eq!(count(&root, "tr[data-partition]"), 3);
    // RF 2 over three partitions: six replicas, three leaders.
    assert_eq!(count(&root, "td.replica"), 6);
    assert_eq!(count(&root, "td.replica.leader"), 3);
    assert_eq!(count(&root, ".record"), 0);
    assert!(text(&root, "tr[data-partition='hello-0'] th").contains("epoch 0"));
}

#[wasm_bindgen_test]
async fn producer_sends_with_acks_all_and_shows_the_outcome() {
    let root = mount();
    flush().await;
    choose(&root, "#produce-partition", "0");
    choose(&root, "#produce-acks", "all");
    flush().await;
    assert!(text(&root, ".semantics").contains("at least once"));
    click(&root, "#produce");
    flush().await;
    assert!(
        script(&root).contains("sim produce hello record-0 --partition 0 --acks all"),
        "{}",
        script(&root)
    );
    let row = "tr[data-partition='hello-0']";
    // The request is on the wire: nothing appended yet.
    assert_eq!(count(&root, &format!("{row} .record")), 0);
    click(&root, "#step-1s");
    flush().await;
    assert_eq!(count(&root, &format!("{row} .record.below-hw")), 2);
    let sends = text(&root, ".outcomes");
    assert!(
        sends.contains("acknowledged at offset 0 (acks=all)"),
        "{sends}"
    );
    // A keyed record: the murmur2 arithmetic is spelled out.
    choose(&root, "#produce-partition", "auto");
    type_into(&root, "#produce-key", "21");
    flush().await;
    let explain = text(&root, "#partitioner-explain");
    assert!(
        explain.contains("murmur2(\"21\")") && explain.contains("% 3 ="),
        "{explain}"
    );
    // Idempotence: exactly once.
    click(&root, "#produce-idempotence");
    flush().await;
    assert!(text(&root, ".semantics").contains("exactly once"));
}

#[wasm_bindgen_test]
async fn fault_buttons_crash_and_restart_a_broker() {
    let root = mount();
    flush().await;
    click(&root, "th[data-broker='1'] .fault-crash");
    flush().await;
    assert!(script(&root).contains("sim crash 1"));
    let th = find(&root, "th[data-broker='1']");
    assert!(th.class_list().contains("crashed"), "{}", th.class_name());
    click(&root, "th[data-broker='1'] .fault-restart");
    click(&root, "th[data-broker='2'] .fault-isolate");
    flush().await;
    assert!(script(&root).contains("sim restart 1"));
    assert!(find(&root, "th[data-broker='2']")
        .class_list()
        .contains("isolated"));
    click(&root, "th[data-broker='2'] .fault-heal");
    flush().await;
    assert!(script(&root).contains("sim heal"));
    assert!(!find(&root, "th[data-broker='2']")
        .class_list()
        .contains("isolated"));
}

#[wasm_bindgen_test]
async fn timeline_steps_and_travels_back() {
    let root = mount();
    flush().await;
    click(&root, "#produce");
    click(&root, "#step");
    click(&root, "#step-1s");
    flush().await;
    assert_eq!(text(&root, "#clock"), "t = 1100 ms");
    assert!(script(&root).contains("sim advance 1100"), "advances merge");
    // Back to 0 ms: the record was produced at 0 ms but not replicated yet.
    type_into(&root, "#scrubber", "0");
    flush().await;
    assert_eq!(text(&root, "#clock"), "t = 0 ms");
    assert_eq!(count(&root, ".record.below-hw"), 0);
    assert!(text(&root, ".timeline").contains("Viewing the past"));
    assert_eq!(count(&root, ".script-line.future"), 1);
    click(&root, "#to-end");
    flush().await;
    assert_eq!(text(&root, "#clock"), "t = 1100 ms");
    assert_eq!(count(&root, ".record.below-hw"), 2);
    // Play toggles.
    click(&root, "#play");
    flush().await;
    assert_eq!(
        find(&root, "#play")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    click(&root, "#play");
    flush().await;
}

#[wasm_bindgen_test]
async fn acting_in_the_past_drops_the_future_and_play_goes_on_from_there() {
    let root = mount();
    flush().await;
    choose(&root, "#produce-partition", "0");
    click(&root, "#produce");
    click(&root, "#step-1s");
    flush().await;
    click(&root, "#produce");
    click(&root, "#step-1s");
    flush().await;
    assert_eq!(text(&root, "#clock"), "t = 2000 ms");
    type_into(&root, "#scrubber", "500");
    flush().await;
    assert_eq!(
        count(&root, ".script-line.future"),
        2,
        "the second send and its advance are the future"
    );
    // A click in the past: the advance is cut at 500 ms, the crash follows.
    click(&root, "th[data-broker='1'] .fault-crash");
    flush().await;
    assert!(!text(&root, ".timeline").contains("Viewing the past"));
    assert_eq!(count(&root, ".script-line.future"), 0);
    let lines = script(&root);
    assert!(lines.contains("sim advance 500"), "{lines}");
    assert!(lines.ends_with("sim crash 1"), "{lines}");
    assert!(!lines.contains("record-1"), "{lines}");
    assert_eq!(text(&root, "#clock"), "t = 500 ms");
    // Play goes on from there; its ticks merge into one advance.
    click(&root, "#play");
    until("two ticks played", || {
        text(&root, "#clock") != "t = 500 ms" && text(&root, "#clock") != "t = 600 ms"
    })
    .await;
    click(&root, "#play");
    flush().await;
    let lines = script(&root);
    assert_eq!(lines.matches("sim advance").count(), 2, "{lines}");
    assert!(text(&root, ".transcript").contains("sim crash 1"));
}

#[wasm_bindgen_test]
async fn event_log_filters_by_kind() {
    let root = mount();
    flush().await;
    assert!(count(&root, ".ev") >= 5);
    choose(&root, "#event-filter", "leader-elected");
    flush().await;
    assert_eq!(count(&root, ".ev"), 3);
    assert_eq!(count(&root, ".ev.leader-elected"), 3);
    assert!(text(&root, "#checker-status").contains("nothing wrong"));
}

#[wasm_bindgen_test]
async fn console_runs_commands_with_history() {
    let root = mount();
    flush().await;
    let input = find(&root, "#console-input")
        .dyn_into::<HtmlInputElement>()
        .expect("an input");
    input.set_value("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic big --partitions 1 --replication-factor 4");
    click(&root, ".console button[type=submit]");
    flush().await;
    assert!(
        text(&root, ".transcript")
            .contains("Replication factor: 4 larger than available brokers: 3."),
        "{}",
        text(&root, ".transcript")
    );
    assert_eq!(count(&root, ".entry.error"), 1);
    assert_eq!(input.value(), "");
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("ArrowUp");
    init.set_bubbles(true);
    let ev =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    input.dispatch_event(&ev).expect("dispatch");
    flush().await;
    assert!(
        input.value().contains("--replication-factor 4"),
        "history recalls it"
    );
}

#[wasm_bindgen_test]
async fn consumer_panel_adds_a_member_with_one_click() {
    let root = mount();
    flush().await;
    assert!(text(&root, "#join-member").contains("c1"));
    choose(&root, "#group-assignor", "sticky");
    flush().await;
    click(&root, "#join-member");
    flush().await;
    assert!(
        script(&root).contains("sim consumer join g1 c1 --topics hello --assignor sticky"),
        "{}",
        script(&root)
    );
}

#[wasm_bindgen_test]
async fn presets_replace_the_scenario_and_explain_it() {
    let root = mount();
    flush().await;
    let presets = find(&root, "#presets");
    let n = presets
        .query_selector_all("option")
        .expect("valid")
        .length();
    assert_eq!(n as usize, SCENARIOS.len() + 1, "a prompt and the fixtures");
    load_preset(&root, "unclean-election.script").await;
    assert!(text(&root, "#notice").contains("Unclean leader election"));
    assert_eq!(count(&root, "tr[data-partition='orders-0']"), 1);
    // The checker flags the loss, with its explanation.
    assert!(count(&root, ".finding") >= 1);
    assert!(text(&root, ".findings").contains("acked-record-lost"));
    assert!(count(&root, ".ev.flagged") >= 1);
}

#[wasm_bindgen_test]
async fn a_preset_that_cannot_be_fetched_says_why_and_keeps_the_scenario() {
    let root = mount();
    flush().await;
    let before = script(&root);
    serve_scenarios(Site::Refuse);
    choose_preset(&root, "first-slice.script");
    wait_for(&root, "#notice.error").await;
    let notice = text(&root, "#notice");
    assert!(
        notice.contains("Could not load the preset “First slice"),
        "{notice}"
    );
    assert!(
        notice.contains("GET scenarios/first-slice.script: 404 Not Found"),
        "{notice}"
    );
    assert_eq!(script(&root), before);
    assert!(!find(&root, "#presets").has_attribute("disabled"));
    assert!(!find(&root, "#presets").has_attribute("data-loaded"));
    // Chosen again once the site answers, it loads.
    load_preset(&root, "first-slice.script").await;
    assert!(!text(&root, "#notice").contains("Could not"));
    assert!(
        script(&root).contains("sim produce hello first --partition 0"),
        "{}",
        script(&root)
    );
}

#[wasm_bindgen_test]
async fn the_menu_waits_while_a_preset_is_fetched() {
    let root = mount();
    flush().await;
    let before = script(&root);
    serve_scenarios(Site::Hang);
    choose_preset(&root, "first-slice.script");
    wait_for(&root, "#presets[disabled][aria-busy='true']").await;
    assert_eq!(count(&root, "#notice"), 0);
    assert_eq!(script(&root), before, "the old scenario stays");
}

#[wasm_bindgen_test]
async fn metrics_draw_throughput_and_isr() {
    let root = mount();
    flush().await;
    type_into(&root, "#produce-count", "20");
    click(&root, "#produce");
    click(&root, "#step-1s");
    flush().await;
    assert!(count(&root, "#throughput-chart rect.bar") >= 1);
    assert!(text(&root, "#throughput-chart").contains("20 total"));
    assert_eq!(count(&root, "#isr-chart path.line"), 3);
}

const SHARED_SCRIPT: &str = "sim brokers 4\nkafka-topics.sh --bootstrap-server x --create --topic shared --partitions 2 --replication-factor 3\nsim produce shared a --partition 1\nsim advance 1s\n";

/// A link made in an English page (the page writes its language into
/// the link's view).
fn shared_at_500() -> SharedScenario {
    SharedScenario {
        script: SHARED_SCRIPT.into(),
        time_ms: Some(500),
        view: Some("lang=en".into()),
    }
}

#[wasm_bindgen_test]
async fn a_share_link_from_the_cli_opens_the_same_scenario() {
    // The core's `encode` deflates with miniz, as the CLI does.
    let root = open_link(&share::encode(&shared_at_500())).await;
    assert_eq!(count(&root, "th.broker"), 4);
    assert_eq!(count(&root, "tr[data-partition]"), 2);
    assert_eq!(text(&root, "#clock"), "t = 500 ms");
    assert_eq!(count(&root, "#notice"), 0);
    set_hash("");
}

#[wasm_bindgen_test]
async fn the_address_bar_keeps_the_link_until_it_is_opened() {
    let link = share::encode(&shared_at_500());
    set_hash(&link);
    // Record every address the page writes from now on.
    js_sys::eval(
        "window.__written = []; if (!history.__orig) { history.__orig = history.replaceState; \
         history.replaceState = function (s, t, u) { window.__written.push(String(u)); \
         return history.__orig.call(history, s, t, u); }; }",
    )
    .expect("hooks replaceState");
    let root = mount_here();
    flush().await;
    until("the link is opened and the address bar follows", || {
        text(&root, "#clock") == "t = 500 ms" && hash() != format!("#{link}")
    })
    .await;
    let written = js_sys::eval("window.__written.splice(0)").expect("the record");
    let written: Vec<String> = js_sys::Array::from(&written)
        .iter()
        .filter_map(|u| u.as_string())
        .collect();
    assert!(!written.is_empty());
    // Never the empty page shown while opening, nor the default playground.
    for url in &written {
        let fragment = url.split('#').nth(1).unwrap_or_default();
        assert_eq!(share::decode(fragment), Ok(shared_at_500()), "{url}");
    }
    set_hash("");
}

#[wasm_bindgen_test]
async fn a_link_deflated_by_the_browser_opens_here_and_in_the_cli() {
    let root = mount();
    flush().await;
    click(&root, "#produce");
    click(&root, "#step-1s");
    click(&root, "#step");
    flush().await;
    type_into(&root, "#scrubber", "300");
    flush().await;
    click(&root, "#share");
    until("the share link is shown", || {
        count(&root, "#share-url") == 1
    })
    .await;
    let url = find(&root, "#share-url")
        .dyn_into::<HtmlInputElement>()
        .expect("an input")
        .value();
    let fragment = url.split('#').nth(1).expect("a fragment").to_string();
    // Native miniz inflates what the browser deflated.
    let opened = share::decode(&fragment).expect("the CLI opens it");
    assert_eq!(opened.time_ms, Some(300));
    assert!(
        opened.script.contains("sim produce hello record-0")
            && opened.script.contains("sim advance 1100"),
        "{}",
        opened.script
    );
    assert_eq!(
        hash(),
        format!("#{fragment}"),
        "the address bar is the link"
    );
    // And the browser opens it again.
    let again = open_link(&fragment).await;
    assert_eq!(text(&again, "#clock"), "t = 300 ms");
    assert_eq!(script(&again), script(&root));
    assert_eq!(count(&again, "#notice"), 0);
    set_hash("");
}

#[wasm_bindgen_test]
async fn share_says_so_when_the_browser_cannot_compress() {
    let root = mount();
    flush().await;
    let window = web_sys::window().expect("window");
    let stream = js_sys::Reflect::get(&window, &"CompressionStream".into()).expect("readable");
    js_sys::Reflect::delete_property(&window, &"CompressionStream".into()).expect("deletable");
    click(&root, "#share");
    until("the error notice", || count(&root, "#notice.error") == 1).await;
    js_sys::Reflect::set(&window, &"CompressionStream".into(), &stream).expect("restored");
    let notice = text(&root, "#notice");
    assert!(
        notice.contains("This browser cannot make a share link")
            && notice.contains("CompressionStream"),
        "{notice}"
    );
    assert_eq!(count(&root, "#share-url"), 0);
    set_hash("");
}

#[wasm_bindgen_test]
async fn the_browser_codec_round_trips_and_refuses_bombs_and_damage() {
    for s in [
        SharedScenario::default(),
        shared_at_500(),
        SharedScenario {
            script: format!("sim seed 9\n{}", "sim advance 10\n".repeat(500)),
            time_ms: Some(u64::MAX),
            view: Some("ünïcode".into()),
        },
    ] {
        let f = share_link::encode(&s).await.expect("the browser deflates");
        assert_eq!(
            share_link::decode_with_version(&f).await,
            Ok((1, s.clone()))
        );
        assert_eq!(share::decode(&f), Ok(s));
    }
    // Exactly at the limit inflates; one byte more does not.
    let at_limit = vec![b'#'; MAX_DECODED_LEN];
    let deflated = share_link::deflate(&at_limit).await.expect("deflates");
    assert_eq!(
        share_link::inflate(&deflated).await.map(|v| v.len()),
        Ok(MAX_DECODED_LEN)
    );
    let over = vec![b'#'; 8 * MAX_DECODED_LEN];
    let deflated = share_link::deflate(&over).await.expect("deflates");
    assert_eq!(
        share_link::inflate(&deflated).await,
        Err(ShareError::TooLarge {
            max: MAX_DECODED_LEN
        })
    );
    // Block type 3 is reserved in DEFLATE.
    assert_eq!(
        share_link::inflate(&[0x07, 0, 0, 0]).await,
        Err(ShareError::corrupt_deflate())
    );
    let whole = share_link::deflate(SHARED_SCRIPT.as_bytes())
        .await
        .expect("deflates");
    assert_eq!(
        share_link::inflate(&whole[..whole.len() / 2]).await,
        Err(ShareError::truncated_deflate())
    );
    // The envelope's errors are the core's own.
    assert_eq!(
        share_link::decode_with_version("v9=abc").await,
        share::decode_with_version("v9=abc")
    );
}

#[wasm_bindgen_test]
async fn a_deflate_bomb_link_shows_a_message_and_a_working_page() {
    // 2 MiB of `#` (a comment) packs into a few KiB: over the limit.
    let bomb = share::encode(&SharedScenario {
        script: "#".repeat(2 * MAX_DECODED_LEN),
        time_ms: None,
        view: None,
    });
    assert!(bomb.len() < share::MAX_FRAGMENT_LEN);
    let too_large = ShareError::TooLarge {
        max: MAX_DECODED_LEN,
    };
    refused(&bomb, &too_large.to_string()).await;
    set_hash("");
}

/// Opens `link` and checks the page says why it could not, over a working
/// default playground.
async fn refused(link: &str, why: &str) -> Element {
    let root = open_link(link).await;
    let notice = text(&root, "#notice");
    assert!(notice.contains("could not be opened"), "{notice}");
    assert!(notice.contains(why), "{why} in {notice}");
    assert_eq!(
        count(&root, "tr[data-partition]"),
        3,
        "the default playground"
    );
    root
}

#[wasm_bindgen_test]
async fn a_corrupt_or_cut_link_shows_the_typed_error() {
    let corrupt = share::fragment_of(&[0x07, 0, 0, 0]);
    refused(&corrupt, &ShareError::corrupt_deflate().to_string()).await;
    let link = share::encode(&shared_at_500());
    // Cut on a whole base64 quantum, so only the DEFLATE data is short.
    let cut = &link[..3 + (link.len() - 3) / 2 / 4 * 4];
    refused(cut, &ShareError::truncated_deflate().to_string()).await;
    set_hash("");
}

#[wasm_bindgen_test]
async fn a_bad_share_link_shows_a_message_and_a_working_page() {
    let root = refused("v1=<b>not-base64!</b>", "damaged").await;
    assert_eq!(
        count(&root, "#notice b"),
        0,
        "the link's text is never markup"
    );
    click(&root, "#produce");
    click(&root, "#step-1s");
    flush().await;
    assert_eq!(count(&root, ".record"), 2, "leader and follower");
    set_hash("");
}

#[wasm_bindgen_test]
async fn theme_toggle_cycles_auto_light_dark() {
    let root = mount();
    flush().await;
    let html = gloo_utils::document()
        .document_element()
        .expect("an <html>");
    assert!(text(&root, "#theme").contains("auto"));
    click(&root, "#theme");
    flush().await;
    assert_eq!(html.get_attribute("data-theme").as_deref(), Some("light"));
    click(&root, "#theme");
    flush().await;
    assert_eq!(html.get_attribute("data-theme").as_deref(), Some("dark"));
    click(&root, "#theme");
    flush().await;
    assert_eq!(html.get_attribute("data-theme"), None);
}

#[wasm_bindgen_test]
async fn scrubbing_to_the_very_end_goes_live_again() {
    let root = mount();
    flush().await;
    click(&root, "#step-1s");
    click(&root, "#step");
    flush().await;
    // 1,150 ms: not a multiple of 100; the end of the range is live.
    let input = find(&root, ".console input");
    input
        .clone()
        .dyn_into::<HtmlInputElement>()
        .expect("an input")
        .set_value("sim advance 50");
    click(&root, ".console button[type=submit]");
    flush().await;
    type_into(&root, "#scrubber", "300");
    flush().await;
    assert!(text(&root, ".timeline").contains("Viewing the past"));
    type_into(&root, "#scrubber", "1150");
    flush().await;
    assert_eq!(text(&root, "#clock"), "t = 1150 ms");
    assert!(!text(&root, ".timeline").contains("Viewing the past"));
}

#[wasm_bindgen_test]
async fn flume_panel_shows_the_pipeline_and_its_counters() {
    let root = mount();
    flush().await;
    load_preset(&root, "flume-to-kafka.script").await;
    let panel = text(&root, "section.flume");
    assert!(panel.contains("agent a1"), "{panel}");
    assert!(panel.contains("TypeInterceptor$Builder"), "{panel}");
    assert!(panel.contains("EventDrainSuccessCount"), "{panel}");
    assert!(panel.contains("50"), "50 events drained: {panel}");
    assert_eq!(count(&root, ".flume-chart path.line"), 3);
    click(&root, "section.flume button");
    flush().await;
    assert!(text(&root, ".flume-json").contains("\"CHANNEL.c1\""));
}

#[wasm_bindgen_test]
async fn scenarios_are_saved_opened_and_deleted_in_local_storage() {
    let root = mount();
    flush().await;
    type_into(&root, "#save-name", "my lesson");
    flush().await;
    click(&root, "section.saved button[type=submit]");
    flush().await;
    assert!(text(&root, ".saved-list").contains("my lesson"));
    click(&root, "button[aria-label='open my lesson']");
    flush().await;
    assert!(text(&root, "#notice").contains("my lesson"));
    click(&root, "button[aria-label='delete my lesson']");
    flush().await;
    assert!(!text(&root, ".saved-list").contains("my lesson"));
}

#[wasm_bindgen_test]
async fn replicas_flash_while_data_moves() {
    let root = mount();
    flush().await;
    click(&root, "#produce");
    click(&root, "#step");
    flush().await;
    assert!(
        count(&root, "td.replica.appended") >= 1,
        "the leader that appended flashes"
    );
    assert!(
        count(&root, "td.replica.fetched") >= 1,
        "followers that fetched flash"
    );
    click(&root, "#step-1s");
    flush().await;
    assert_eq!(count(&root, "td.replica.appended"), 0, "quiet again");
}

#[wasm_bindgen_test]
async fn fetches_and_acks_travel_between_the_brokers() {
    let root = mount();
    flush().await;
    let row = "tr[data-partition='hello-0']";
    let leader = find(&root, row)
        .get_attribute("data-leader")
        .expect("a leader");
    choose(&root, "#produce-partition", "0");
    choose(&root, "#produce-acks", "all");
    flush().await;
    click(&root, "#produce");
    flush().await;
    // acks=all: the leader appends, the followers fetch, the HW moves, the
    // ack goes back. Step until each was drawn travelling.
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..10 {
        click(&root, "#step");
        flush().await;
        let msgs = root
            .query_selector_all(&format!("{row} .wires .msg"))
            .expect("valid selector");
        let in_flight: u32 = find(&root, ".cluster-table")
            .get_attribute("data-in-flight")
            .and_then(|n| n.parse().ok())
            .expect("data-in-flight is a number");
        assert!(
            in_flight >= msgs.length(),
            "{in_flight} < {}",
            msgs.length()
        );
        for i in 0..msgs.length() {
            let m: Element = msgs.item(i).expect("item").dyn_into().expect("element");
            let attr = |a: &str| m.get_attribute(a).unwrap_or_default();
            let kind = attr("data-kind");
            match kind.as_str() {
                "fetch" => {
                    assert_eq!(attr("data-to"), leader, "a fetch goes to the leader");
                    assert_ne!(attr("data-from"), leader);
                }
                "produce" => assert_eq!(
                    (attr("data-from"), attr("data-to")),
                    ("producer".to_string(), leader.clone())
                ),
                "ack" => assert_eq!(
                    (attr("data-from"), attr("data-to")),
                    (leader.clone(), "producer".to_string())
                ),
                other => panic!("unknown message kind {other}"),
            }
            // Drawn between two columns of the row.
            let style = attr("style");
            assert!(style.contains("--f:") && style.contains("--t:"), "{style}");
            seen.insert(kind);
        }
        if seen.contains("ack") {
            break;
        }
    }
    for kind in ["produce", "fetch", "ack"] {
        assert!(seen.contains(kind), "a {kind} travelled: saw {seen:?}");
    }
    // A second later the produce and its ack have arrived.
    click(&root, "#step-1s");
    flush().await;
    assert_eq!(
        count(&root, ".msg[data-kind='ack'], .msg[data-kind='produce']"),
        0
    );
}
