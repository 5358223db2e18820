//! Component tests in headless Chromium: render the app, click, flush, read the DOM.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn mount() -> Element {
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

fn click(root: &Element, selector: &str) {
    root.query_selector(selector)
        .expect("valid selector")
        .unwrap_or_else(|| panic!("{selector} is on the page"))
        .dyn_into::<HtmlElement>()
        .expect("an HTML element")
        .click();
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector)
        .expect("valid selector")
        .length()
}

#[wasm_bindgen_test]
async fn renders_brokers_and_partitions() {
    let root = mount();
    yew::scheduler::flush().await;
    let text = root.text_content().unwrap_or_default();
    for b in ["broker 0", "broker 1", "broker 2"] {
        assert!(text.contains(b), "{b} missing in: {text}");
    }
    assert_eq!(count(&root, "tr[data-partition]"), 3);
    // RF 2 over three partitions: six replicas, three leaders.
    assert_eq!(count(&root, "td.replica"), 6);
    assert_eq!(count(&root, "td.replica.leader"), 3);
    assert_eq!(count(&root, ".record"), 0);
}

#[wasm_bindgen_test]
async fn produce_then_advance_replicates_below_the_high_watermark() {
    let root = mount();
    yew::scheduler::flush().await;
    click(&root, "#produce");
    yew::scheduler::flush().await;
    let row = root
        .query_selector("tr[data-partition='hello-0']")
        .expect("valid selector")
        .expect("hello-0 row");
    let in_row = |sel: &str| {
        row.query_selector_all(sel)
            .expect("valid selector")
            .length()
    };
    assert_eq!(
        in_row("td.replica.leader .record"),
        1,
        "the leader appended the record"
    );
    let console = root
        .query_selector(".transcript")
        .expect("valid")
        .expect("console");
    let text = console.text_content().unwrap_or_default();
    assert!(
        text.contains("sim produce hello record-0 --partition 0"),
        "script line shown: {text}"
    );

    // A second later the follower has fetched it and learned the new HW.
    click(&root, "#advance");
    yew::scheduler::flush().await;
    assert_eq!(in_row(".record"), 2, "leader and follower hold the record");
    assert_eq!(
        in_row(".record.below-hw"),
        2,
        "both replicas see it below the HW"
    );
}

#[wasm_bindgen_test]
async fn console_runs_a_command_and_shows_kafka_errors() {
    let root = mount();
    yew::scheduler::flush().await;
    let input = root
        .query_selector("#console-input")
        .expect("valid")
        .expect("console input")
        .dyn_into::<web_sys::HtmlInputElement>()
        .expect("an input");
    input.set_value("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic big --partitions 1 --replication-factor 4");
    click(&root, ".console button[type=submit]");
    yew::scheduler::flush().await;
    let text = root.text_content().unwrap_or_default();
    assert!(
        text.contains("Replication factor: 4 larger than available brokers: 3."),
        "{text}"
    );
    assert_eq!(count(&root, ".entry.error"), 1);
}
