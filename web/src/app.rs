//! The app shell: reads the share link, owns the reducer, lays out the
//! panels, and keeps the side effects (the play timer, the address bar,
//! clipboard and downloads) in effects and callbacks, never in `reduce`.

use crate::components::bench::Bench;
use crate::components::cluster_view::{cluster_view, ClusterViewProps};
use crate::components::console::Console;
use crate::components::consumer_panel::ConsumerPanel;
use crate::components::event_log::EventLog;
use crate::components::flume_panel::FlumePanel;
use crate::components::metrics::MetricsPanel;
use crate::components::notice::{notice_bar, NoticeBarProps};
use crate::components::producer_panel::ProducerPanel;
use crate::components::saved_panel::SavedPanel;
use crate::components::script_panel::{script_panel, ScriptPanelProps};
use crate::components::timeline::{timeline, TimelineProps};
use crate::components::toolbar::Toolbar;
use crate::derive::{Fold, Outcomes};
use crate::i18n::{self, t, Lang};
use crate::presets::{PresetStatus, PRESETS};
use crate::share_link;
use crate::state::{Action, Notice, State, DEFAULT_SCRIPT};
use std::cell::RefCell;
use std::rc::Rc;
use streamlab_core::script::Entry;
use streamlab_core::share::SharedScenario;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// The scenario `?bench` measures: 9 brokers, 48 partitions, RF 3.
pub const BENCH_SCRIPT: &str = "\
sim brokers 9
sim seed 1
kafka-topics.sh --bootstrap-server localhost:9092 --create --topic bench --partitions 48 --replication-factor 3
";

fn location() -> Option<web_sys::Location> {
    web_sys::window().map(|w| w.location())
}

/// The panels `?bench&skip=events,console` leaves out, to see what a frame costs.
#[derive(Clone, Copy, Default)]
struct Skipped {
    timeline: bool,
    cluster: bool,
    metrics: bool,
    producer: bool,
    /// Consumer groups, Flume agents and saved scenarios.
    consumers: bool,
    events: bool,
    console: bool,
    script: bool,
}

impl Skipped {
    fn from_address() -> Self {
        let list = location()
            .and_then(|l| l.search().ok())
            .and_then(|s| {
                s.split(['?', '&'])
                    .find_map(|kv| kv.strip_prefix("skip=").map(String::from))
            })
            .unwrap_or_default();
        let mut skip = Self::default();
        for name in list.split(',') {
            let flag = match name {
                "timeline" => &mut skip.timeline,
                "cluster" => &mut skip.cluster,
                "metrics" => &mut skip.metrics,
                "producer" => &mut skip.producer,
                "consumers" => &mut skip.consumers,
                "events" => &mut skip.events,
                "console" => &mut skip.console,
                "script" => &mut skip.script,
                _ => continue,
            };
            *flag = true;
        }
        skip
    }
}

fn is_bench() -> bool {
    location()
        .and_then(|l| l.search().ok())
        .is_some_and(|s| s.contains("bench"))
}

/// The share link in the address bar, if any (`?bench` ignores it).
fn incoming_link() -> Option<String> {
    if is_bench() {
        return None;
    }
    let hash = location().and_then(|l| l.hash().ok()).unwrap_or_default();
    (!hash.trim_start_matches('#').trim().is_empty()).then_some(hash)
}

/// The first state: the default playground, or while a share link is being
/// opened (the browser inflates asynchronously) an empty one saying so.
pub fn initial_state() -> State {
    if is_bench() {
        return State::from_script(BENCH_SCRIPT);
    }
    if incoming_link().is_none() {
        return State::default();
    }
    let mut s = State::from_script("");
    s.notice = Some(Notice {
        title: t("Opening the share link…").into(),
        body: String::new(),
        is_error: false,
    });
    s
}

/// What opening a share link leads to: its scenario at its time (and the
/// language it was shared in), or the default playground with why the
/// link could not be opened.
pub async fn open_link(fragment: &str) -> (Action, Option<Lang>) {
    match share_link::decode_with_version(fragment).await {
        Ok((_, shared)) => (
            Action::Load {
                script: shared.script,
                time_ms: shared.time_ms,
                notice: None,
            },
            shared.view.as_deref().and_then(i18n::from_view),
        ),
        Err(e) => (
            Action::Load {
                script: DEFAULT_SCRIPT.into(),
                time_ms: None,
                notice: Some(Notice {
                    title: t(
                        "This share link could not be opened; here is a fresh playground instead.",
                    )
                    .into(),
                    body: e.to_string(),
                    is_error: true,
                }),
            },
            None,
        ),
    }
}

/// What the share link of a state carries: the scenario, its time, and
/// the language the page is in (the link opens in it).
pub fn shared_scenario(state: &State) -> SharedScenario {
    SharedScenario {
        script: state.script_text(),
        time_ms: state.cursor(),
        view: Some(i18n::view_of(i18n::lang())),
    }
}

/// Shows the page in `lang`: fetches the Chinese dictionary first if
/// needed; `Err` says why Chinese could not be shown (the page stays English).
/// Boxed, so its code is in the bundle once (main.rs awaits it too).
pub fn switch_language(
    lang: Lang,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Lang, i18n::DictError>>>> {
    Box::pin(async move {
        if lang == Lang::Zh {
            i18n::ensure_loaded().await?;
        }
        i18n::set_lang(lang);
        i18n::mark_document(lang);
        Ok(lang)
    })
}

/// The notice for a dictionary that could not be loaded.
fn dictionary_notice(e: &i18n::DictError) -> Notice {
    Notice {
        // Shown in English: the Chinese texts are what is missing (the
        // Chinese line is for the learner who asked for Chinese).
        title: "The Chinese texts could not be loaded, so the page stays in English. 中文界面文本加载失败，页面暂以英文显示。".into(),
        body: e.to_string(),
        is_error: true,
    }
}

/// A callback that shows the page in the language it is given, keeps the
/// choice if asked (the toolbar's switch; not a link's or the browser's),
/// then tells `shown`, or says in a notice why not.
fn language_switcher(
    shown: UseStateSetter<Lang>,
    d: UseReducerDispatcher<State>,
) -> Callback<(Lang, bool)> {
    Callback::from(move |(lang, keep): (Lang, bool)| {
        let (shown, d) = (shown.clone(), d.clone());
        spawn_local(async move {
            match switch_language(lang).await {
                Ok(l) => {
                    if keep {
                        i18n::store(l);
                    }
                    shown.set(l);
                }
                Err(e) => d.dispatch(Action::ShowNotice(dictionary_notice(&e))),
            }
        });
    })
}

/// Orders the address-bar writes of encodings that finish out of order:
/// each encoding takes a ticket, and one older than the last written is
/// dropped, so a late result never replaces a newer scenario.
#[derive(Default)]
struct HashWrites {
    issued: u64,
    written: u64,
}

impl HashWrites {
    fn ticket(&mut self) -> u64 {
        self.issued += 1;
        self.issued
    }

    /// Writes `fragment` unless a newer ticket already did.
    fn write(&mut self, ticket: u64, fragment: &str) {
        if ticket > self.written {
            self.written = ticket;
            replace_hash(fragment);
        }
    }
}

/// Puts `scenario`'s link in the address bar (the ticket is taken now, so
/// the order of calls wins over the order encodings finish) and gives its
/// fragment; fails only where the browser has no `CompressionStream`.
fn link_into_address_bar(
    writes: &Rc<RefCell<HashWrites>>,
    scenario: SharedScenario,
) -> impl std::future::Future<Output = Result<String, wasm_bindgen::JsValue>> {
    let ticket = writes.borrow_mut().ticket();
    let writes = Rc::clone(writes);
    async move {
        let fragment = share_link::encode(&scenario).await?;
        writes.borrow_mut().write(ticket, &fragment);
        Ok(fragment)
    }
}

fn replace_hash(fragment: &str) {
    if let Some(w) = web_sys::window() {
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&format!("#{fragment}")),
            );
        }
    }
}

fn download(name: &str, text: &str) -> Result<(), wasm_bindgen::JsValue> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("text/x-shellscript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url)
}

/// A callback dispatching the action made from its argument: one closure
/// type per argument type, not one per callback, in the bundle.
fn dispatch_with<T: 'static>(
    d: &UseReducerDispatcher<State>,
    action: fn(T) -> Action,
) -> Callback<T> {
    let d = d.clone();
    Callback::from(move |x: T| d.dispatch(action(x)))
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(initial_state);
    let bench = use_memo((), |_| is_bench());
    // The link being opened: until it is loaded, the address bar keeps it.
    let opening = use_mut_ref(incoming_link);
    let hash_writes = use_mut_ref(HashWrites::default);
    let preset_status = use_state(PresetStatus::default);
    let shared = use_state(|| None::<(String, bool)>);
    // The language shown; the texts themselves are looked up in `i18n`.
    let lang = use_state(i18n::lang);
    let switch_to = language_switcher(lang.setter(), state.dispatcher());

    // The play timer: one tick every 100 ms of wall time while playing.
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.playing, move |playing| {
            let interval = playing.then(|| {
                gloo_timers::callback::Interval::new(100, move || dispatcher.dispatch(Action::Tick))
            });
            move || drop(interval)
        });
    }
    // Open the share link once, then hand the address bar back; without
    // one, show the learner's language (main.rs usually has already).
    {
        let d = state.dispatcher();
        let opening = opening.clone();
        let follow = switch_to.clone();
        use_effect_with((), move |_| {
            let link = opening.borrow().clone();
            match link {
                Some(link) => spawn_local(async move {
                    let (action, link_lang) = open_link(&link).await;
                    *opening.borrow_mut() = None;
                    d.dispatch(action);
                    let wanted = link_lang.unwrap_or_else(i18n::preferred);
                    if wanted != i18n::lang() {
                        follow.emit((wanted, false));
                    }
                }),
                None => {
                    let wanted = i18n::preferred();
                    if wanted != i18n::lang() && !is_bench() {
                        follow.emit((wanted, false));
                    }
                }
            }
        });
    }
    // The address bar follows the scenario (and the language), without
    // adding history entries.
    {
        let state = state.clone();
        let bench = *bench;
        let opening = opening.clone();
        let hash_writes = hash_writes.clone();
        use_effect_with((state.version, *lang), move |_| {
            if !bench && opening.borrow().is_none() {
                let written = link_into_address_bar(&hash_writes, shared_scenario(&state));
                spawn_local(async move {
                    let _ = written.await;
                });
            }
        });
    }

    // One callback for the page's life (the dispatcher never changes), so
    // the panels given it can skip rendering when nothing else changed.
    let run = {
        let d = state.dispatcher();
        (*use_memo((), move |_| {
            Callback::from(move |line: Entry| d.dispatch(Action::Run(line)))
        }))
        .clone()
    };
    let typed = {
        let d = state.dispatcher();
        (*use_memo((), move |_| {
            Callback::from(move |line: String| d.dispatch(Action::Typed(line)))
        }))
        .clone()
    };
    let on_preset = {
        let d = state.dispatcher();
        let status = preset_status.setter();
        Callback::from(move |i: usize| {
            let Some(&entry) = PRESETS.get(i) else {
                return;
            };
            status.set(PresetStatus::Fetching(entry.file));
            let (d, status) = (d.clone(), status.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let (action, done) = crate::presets::load(entry).await;
                d.dispatch(action);
                status.set(done);
            });
        })
    };
    let on_share = {
        let state = state.clone();
        let shared = shared.clone();
        let hash_writes = hash_writes.clone();
        let d = state.dispatcher();
        Callback::from(move |_| {
            let written = link_into_address_bar(&hash_writes, shared_scenario(&state));
            let shared = shared.clone();
            let d = d.clone();
            spawn_local(async move {
                let frag = match written.await {
                    Ok(frag) => frag,
                    Err(e) => {
                        // Only a browser without CompressionStream gets here.
                        d.dispatch(Action::ShowNotice(Notice {
                            title: t("This browser cannot make a share link.").into(),
                            body: i18n::tf(
                                "Compressing the scenario failed: {reason}",
                                &[&e.dyn_ref::<js_sys::Error>()
                                    .map(|e| String::from(e.message()))
                                    .unwrap_or_else(|| format!("{e:?}"))],
                            ),
                            is_error: true,
                        }));
                        return;
                    }
                };
                let href = location().and_then(|l| l.href().ok()).unwrap_or_default();
                let page = href.split('#').next().unwrap_or_default();
                let url = format!("{page}#{frag}");
                let copied = web_sys::window()
                    .map(|w| {
                        let _ = w.navigator().clipboard().write_text(&url);
                    })
                    .is_some();
                shared.set(Some((url, copied)));
            });
        })
    };
    let on_export = {
        let state = state.clone();
        Callback::from(move |_| {
            let text = match streamlab_core::export::to_shell(&state.script_text()) {
                Ok(t) => t,
                // A comment in the downloaded bash script, in English like
                // the rest of it (the export is for a real cluster).
                Err(e) => format!("# streamlab could not export this script: {e}\n"),
            };
            let _ = download("streamlab-scenario.sh", &text);
        })
    };
    let on_open_saved = {
        let d = state.dispatcher();
        Callback::from(move |(name, script): (String, String)| {
            d.dispatch(Action::Load {
                script,
                time_ms: None,
                notice: Some(Notice {
                    title: i18n::tf("Opened “{name}”", &[&name]),
                    body: String::new(),
                    is_error: false,
                }),
            })
        })
    };
    let on_download_script = {
        let state = state.clone();
        Callback::from(move |_| {
            let _ = download("scenario.script", &state.script_text());
        })
    };
    let on_bench_frame = {
        let d = state.dispatcher();
        let owed = use_mut_ref(|| 0.0f64);
        Callback::from(move |dt: f64| {
            // 1,000 records per simulated second; simulated time = wall time.
            let mut o = owed.borrow_mut();
            *o += dt;
            let ms = o.floor() as u64;
            if ms >= 1 {
                *o -= ms as f64;
                d.dispatch(Action::Typed(format!(
                    "sim produce bench v --count {ms} --acks 1\nsim advance {ms}"
                )));
            }
        })
    };

    // The newest sends, folded as the trace grows.
    let sends = use_mut_ref(Fold::<Outcomes>::default);
    let (topics, outcomes, min_isr, now_ms) = {
        let session = state.session();
        let sim = session.sim();
        let topics: Vec<(String, i32)> = sim
            .snapshot()
            .topics
            .iter()
            .map(|(n, t)| (n.clone(), t.partitions.len() as i32))
            .collect();
        (
            Rc::new(topics),
            Rc::new(
                sends
                    .borrow_mut()
                    .update(state.handle().epoch, session.events())
                    .newest(),
            ),
            sim.settings().min_insync_replicas,
            sim.now().as_millis(),
        )
    };
    let d = state.dispatcher();
    let on_play = dispatch_with(&d, Action::Play);
    let on_step = dispatch_with(&d, Action::Step);
    let on_speed = dispatch_with(&d, Action::Speed);
    let on_seek = dispatch_with(&d, Action::Seek);
    let on_dismiss = dispatch_with(&d, |()| Action::DismissNotice);
    let skip = *use_memo((), |_| Skipped::from_address());
    let show = |skipped: bool, h: Html| {
        if skipped {
            html! {}
        } else {
            h
        }
    };

    // Keyed by the language: a switch builds the panels afresh in the new
    // language (panels that skip renders would otherwise keep the old
    // texts); the scenario lives up here, so it stays.
    html! {
        <div class="app" key={lang.code()}>
            <a class="skip" href="#console-input">{t("Skip to the console")}</a>
            <Toolbar presets={PRESETS} preset_status={*preset_status} {on_preset} {on_share} {on_export} on_lang={switch_to} shared={(*shared).clone()} />
            { if let Some(n) = &state.notice { notice_bar(&NoticeBarProps { notice: n.clone(), on_dismiss }) } else { html!{} } }
            { if *bench { html!{ <Bench on_frame={on_bench_frame} /> } } else { html!{} } }
            <main class="layout">
                <div class="col-main">
                    { if skip.timeline { html! {} } else { timeline(&TimelineProps { now_ms, end_ms: state.end_ms(), in_past: state.cursor().is_some(),
                        playing: state.playing, speed: state.speed, on_play, on_step, on_speed, on_seek }) } }
                    { if skip.cluster { html! {} } else { cluster_view(&ClusterViewProps { session: state.handle(), on_run: run.clone() }) } }
                    { show(skip.metrics, html!{ <MetricsPanel session={state.handle()} /> }) }
                </div>
                <div class="col-side">
                    { show(skip.producer, html!{ <ProducerPanel {topics} {outcomes} {min_isr} on_run={run.clone()} /> }) }
                    { show(skip.consumers, html!{ <ConsumerPanel session={state.handle()} on_run={run.clone()} /> }) }
                    { show(skip.consumers, html!{ <FlumePanel session={state.handle()} /> }) }
                    { show(skip.consumers, html!{ <SavedPanel script={AttrValue::from(state.script_text())} on_open={on_open_saved} on_download={on_download_script} /> }) }
                </div>
                <div class="col-bottom">
                    { show(skip.events, html!{ <EventLog session={state.handle()} /> }) }
                    { show(skip.console, html!{ <Console session={state.handle()} on_run={typed} /> }) }
                    { if skip.script { html! {} } else { script_panel(&ScriptPanelProps { session: state.handle() }) } }
                </div>
            </main>
            <footer class="foot">
                {t("streamlab simulates Kafka deterministically in your browser: the same script always replays the same run. Nothing leaves this page.")}
            </footer>
        </div>
    }
}
