//! Consumer groups, built from the group events (MemberJoined, MemberLeft,
//! GroupRebalanced, OffsetCommitted): members, who owns which partition
//! (colour-coded, moved ones highlighted), committed offsets and lag; and
//! range vs round-robin vs sticky side by side on the same membership.

use crate::components::ui::{
    emit_on_click, field, options, panel, run_button, set_on_change, set_on_input, sim,
};
use crate::derive::{compare, Fold, Group, Groups};
use crate::i18n::{t, tf};
use crate::state::SessionHandle;
use streamlab_core::script::Entry;
use streamlab_core::vec_map::VecMap;
use streamlab_core::{Cluster, Simulation};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConsumerPanelProps {
    pub session: SessionHandle,
    pub on_run: Callback<Entry>,
}

const OWN: [&str; 8] = [
    "own-0", "own-1", "own-2", "own-3", "own-4", "own-5", "own-6", "own-7",
];

/// A stable colour slot per member (by position among the group's members).
fn colour(members: &[String], member: &str) -> &'static str {
    let i = members.iter().position(|m| m == member).unwrap_or(0);
    OWN[i % 8]
}

#[function_component(ConsumerPanel)]
pub fn consumer_panel(props: &ConsumerPanelProps) -> Html {
    let group_name = use_state(|| "g1".to_string());
    let topics_text = use_state(String::new);
    let assignor = use_state(|| "range".to_string());
    let session = props.session.borrow();
    let simulation = session.sim();
    let cluster = simulation.snapshot();
    let mut topic_sizes: VecMap<String, i32> = VecMap::new();
    for (n, t) in cluster.topics.iter() {
        topic_sizes.insert(n.clone(), t.partitions.len() as i32);
    }
    // Folded as the trace grows, not rescanned every render.
    let fold = use_mut_ref(Fold::<Groups>::default);
    let mut fold = fold.borrow_mut();
    let all_groups = &fold.update(props.session.epoch, session.events()).0;
    let default_topic = topic_sizes.keys().next().cloned().unwrap_or_default();
    let topics_value = if topics_text.is_empty() {
        default_topic.clone()
    } else {
        (*topics_text).clone()
    };
    // The first free `c<n>` in the group.
    let group = all_groups.get(group_name.as_str());
    let mut n = 1u32;
    let next_member = loop {
        let m = format!("c{n}");
        if !group.is_some_and(|g| g.members.contains(&m)) {
            break m;
        }
        n += 1;
    };
    let on_group = set_on_input(&group_name);
    let on_topics = set_on_input(&topics_text);
    let on_assignor = set_on_change(&assignor);
    let join = {
        let topics = topics_value.replace(' ', "");
        let line = sim(&[
            "consumer",
            "join",
            group_name.trim(),
            &next_member,
            "--topics",
            &topics,
            "--assignor",
            &assignor,
        ]);
        emit_on_click(&props.on_run, line)
    };

    panel(
        "panel consumers",
        "consumers-h",
        t("Consumer groups"),
        html! { <>
            <div class="grid-form">
                { field("group-name", t("Group"), html! {
                    <input id="group-name" type="text" value={(*group_name).clone()} oninput={on_group} />
                }) }
                { field("group-topics", t("Topics"), html! {
                    <input id="group-topics" type="text" placeholder={default_topic} value={(*topics_text).clone()} oninput={on_topics} />
                }) }
                { field("group-assignor", t("Assignor"), html! {
                    <select id="group-assignor" onchange={on_assignor}>
                        { options(&["range", "roundrobin", "sticky", "cooperative-sticky"], assignor.as_str()) }
                    </select>
                }) }
                <div class="buttons">
                    <button id="join-member" class="primary" onclick={join} disabled={group_name.trim().is_empty()}>
                        {tf("Add member {member}", &[&next_member])}
                    </button>
                </div>
            </div>
            { if all_groups.is_empty() {
                html!{ <p class="empty">{t("No consumer group yet. Add a member: it joins, the coordinator rebalances, and the assignor divides the partitions.")}</p> }
            } else { html! {
                { for all_groups.values().map(|g| group_view(g, sim_groups(simulation, &g.name), &topic_sizes, cluster, &props.on_run)) }
            } } }
        </> },
    )
}

/// Each member's subscription, as the coordinator keeps it (members that
/// left included); none for a group the coordinator dropped.
fn sim_groups<'a>(sim: &'a Simulation, group: &str) -> Option<&'a VecMap<String, Vec<String>>> {
    sim.groups().get(group).map(|g| &g.subscriptions)
}

fn group_view(
    g: &Group,
    subs: Option<&VecMap<String, Vec<String>>>,
    topics: &VecMap<String, i32>,
    cluster: &Cluster,
    on_run: &Callback<Entry>,
) -> Html {
    let members: Vec<String> = g.members.iter().cloned().collect();
    let mut owner: VecMap<&str, &str> = VecMap::new();
    for (m, ps) in g.assignment.iter() {
        for p in ps {
            owner.insert(p.as_str(), m.as_str());
        }
    }
    let none = VecMap::new();
    let subs = subs.unwrap_or(&none);
    let comparison = compare(&g.history, subs, topics);
    let member_button =
        |label: &'static str, aria: String, verb: &'static str, class: &'static str, m: &str| {
            let line = sim(&["consumer", verb, &g.name, m]);
            run_button(AttrValue::Static(class), label, aria, line, false, on_run)
        };
    let mut rows = Vec::new();
    for (topic, n) in topics.iter() {
        if !subs.values().any(|s| s.contains(topic)) {
            continue;
        }
        for p in 0..*n {
            let name = format!("{topic}-{p}");
            let who = owner.get(name.as_str()).copied();
            let committed = g.committed.get(&(topic.clone(), p)).copied();
            let h = cluster
                .partition(topic, p)
                .map_or(0, |p| p.high_watermark());
            let moved = g.moved.contains(&name);
            let class = match (who, moved) {
                (Some(m), true) => format!("{} moved", colour(&members, m)),
                (Some(m), false) => colour(&members, m).to_string(),
                (None, true) => "moved".to_string(),
                (None, false) => String::new(),
            };
            rows.push(html! {
                <tr {class}>
                    <td>{&name}{ if moved { html!{ <span class="badge moved-badge">{t("moved")}</span> } } else { html!{} } }</td>
                    <td>{who.unwrap_or("—")}</td>
                    <td>{committed.map_or("-".to_string(), |c| c.to_string())}</td>
                    <td>{h}</td>
                    <td>{committed.map_or("-".to_string(), |c| (h - c).max(0).to_string())}</td>
                </tr>
            });
        }
    }
    let mut member_items = Vec::new();
    for m in &members {
        member_items.push(html! {
            <li class={format!("member {}", colour(&members, m))}>
                <span class="swatch" aria-hidden="true"></span>
                <span class="member-name">{m}</span>
                { member_button(t("Leave"), tf("Leave {member}", &[m]), "leave", "member-leave", m) }
                { member_button(t("Crash"), tf("Crash {member}", &[m]), "crash", "member-crash", m) }
            </li>
        });
    }
    let mut heads = Vec::new();
    // Kafka's column names (kafka-consumer-groups.sh prints them so) stay;
    // OWNER is ours, so it is translated.
    for h in ["PARTITION", "OWNER", "CURRENT-OFFSET", "HW", "LAG"] {
        let h = if h == "OWNER" { t("OWNER") } else { h };
        heads.push(html! { <th scope="col">{h}</th> });
    }
    let mut compared = Vec::new();
    for c in comparison.iter() {
        let body = match &c.assignment {
            Err(e) => html! { <p class="form-error">{e}</p> },
            Ok(a) => {
                let mut items = Vec::new();
                for (m, ps) in a.iter() {
                    let mut chips = Vec::new();
                    for p in ps {
                        let moved = c.moved.contains(p);
                        chips.push(html! {
                            <span class={format!("chip {}{}", colour(&members, m), if moved { " moved" } else { "" })}
                                title={if moved { t("moved in the last rebalance") } else { t("kept its owner") }}>{p}</span>
                        });
                    }
                    items.push(html! {
                        <li>
                            <span class="member-name">{m}</span>{": "}
                            { for chips }
                        </li>
                    });
                }
                html! { <ul>{ for items }</ul> }
            }
        };
        compared.push(html! {
            <div class="assignor" data-assignor={c.kind.name()}>
                <h5>{c.kind.name()}<span class="moved-count">{format!(" · {}", tf("{n} moved", &[&c.moved.len()]))}</span></h5>
                {body}
            </div>
        });
    }
    html! {
        <div class="group" data-group={g.name.clone()}>
            <h3>{format!("{} · {} · {}", g.name, tf("generation {n}", &[&g.generation]), if g.assignor.is_empty() { "—" } else { g.assignor.as_str() })}</h3>
            <ul class="members">
                { for member_items }
            </ul>
            <table class="offsets">
                <caption class="sr-only">{t("partitions, owners, committed offsets and lag")}</caption>
                <thead><tr>
                    { for heads }
                </tr></thead>
                <tbody>
                    { for rows }
                </tbody>
            </table>
            <h4>{t("The same membership under each assignor")}</h4>
            <div class="compare">
                { for compared }
            </div>
        </div>
    }
}
