//! The app shell: header, the panels, and the reducer that owns the scenario.

use crate::components::cluster_view::ClusterView;
use crate::components::console::Console;
use crate::components::producer_panel::ProducerPanel;
use crate::state::{Action, State};
use std::rc::Rc;
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(State::default);
    let (partitions, now) = {
        let session = state.session();
        let partitions = session
            .sim()
            .snapshot()
            .topics
            .values()
            .flat_map(|t| t.partitions.iter().map(|p| (p.topic.clone(), p.id)))
            .collect::<Vec<_>>();
        (partitions, session.sim().now())
    };
    let on_produce = {
        let state = state.clone();
        Callback::from(move |(topic, partition)| {
            state.dispatch(Action::Produce { topic, partition })
        })
    };
    let on_advance = {
        let state = state.clone();
        Callback::from(move |ms| state.dispatch(Action::Advance(ms)))
    };
    let on_run = {
        let state = state.clone();
        Callback::from(move |line| state.dispatch(Action::Run(line)))
    };
    html! {
        <>
            <header class="topbar">
                <h1>{"streamlab"}</h1>
                <p class="tagline">{"Watch Apache Kafka work: produce, replicate, fail over, consume."}</p>
                <span class="clock" aria-label="simulated time">{format!("t = {} ms", now.as_millis())}</span>
            </header>
            <main class="layout">
                <ClusterView session={state.handle()} />
                <div class="side">
                    <ProducerPanel {partitions} {on_produce} {on_advance} />
                    <Console outputs={Rc::clone(&state.outputs)} {on_run} />
                </div>
            </main>
        </>
    }
}
