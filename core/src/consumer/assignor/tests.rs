//! Assignor tests: the seed's fixtures (group `atguigu`), Kafka's documented
//! behaviour, and properties over random groups.

use super::*;
use proptest::prelude::*;

fn topics(list: &[(&str, i32)]) -> VecMap<String, i32> {
    list.iter().map(|(t, n)| (t.to_string(), *n)).collect()
}

fn members(list: &[(&str, &[&str])]) -> VecMap<String, Vec<String>> {
    list.iter()
        .map(|(m, ts)| (m.to_string(), ts.iter().map(|t| t.to_string()).collect()))
        .collect()
}

/// `"a" → "hello2-0,hello2-1"`-style rendering, to compare with the seed's notes.
fn render(a: &Assignment) -> VecMap<String, String> {
    a.iter()
        .map(|(m, tps)| {
            let s: Vec<String> = tps.iter().map(ToString::to_string).collect();
            (m.clone(), s.join(","))
        })
        .collect()
}

fn expect(a: &Assignment, want: &[(&str, &str)]) {
    let want: VecMap<String, String> = want
        .iter()
        .map(|(m, s)| (m.to_string(), s.to_string()))
        .collect();
    assert_eq!(render(a), want);
}

fn none() -> Assignment {
    Assignment::new()
}

fn count(a: &Assignment, m: &str) -> usize {
    a.get(m).map_or(0, Vec::len)
}

#[test]
fn seed_fixture_1_range_and_roundrobin() {
    let t = topics(&[("hello2", 3), ("hello3", 3)]);
    let s = members(&[("a", &["hello2"]), ("b", &["hello2"]), ("c", &["hello3"])]);
    expect(
        &range(&t, &s),
        &[
            ("a", "hello2-0,hello2-1"),
            ("b", "hello2-2"),
            ("c", "hello3-0,hello3-1,hello3-2"),
        ],
    );
    expect(
        &round_robin(&t, &s),
        &[
            ("a", "hello2-0,hello2-2"),
            ("b", "hello2-1"),
            ("c", "hello3-0,hello3-1,hello3-2"),
        ],
    );
}

#[test]
fn seed_fixture_2_range_gives_a_the_extra_of_every_topic() {
    let t = topics(&[("hello2", 4), ("hello3", 4), ("hello4", 4)]);
    let all: &[&str] = &["hello2", "hello3", "hello4"];
    let s = members(&[("a", all), ("b", all), ("c", all)]);
    let r = range(&t, &s);
    expect(
        &r,
        &[
            ("a", "hello2-0,hello2-1,hello3-0,hello3-1,hello4-0,hello4-1"),
            ("b", "hello2-2,hello3-2,hello4-2"),
            ("c", "hello2-3,hello3-3,hello4-3"),
        ],
    );
    // Round-robin spreads the same 12 partitions 4/4/4.
    let rr = round_robin(&t, &s);
    assert!(["a", "b", "c"].iter().all(|m| count(&rr, m) == 4));
}

#[test]
fn seed_fixture_3_fourth_member_waits_until_one_fails() {
    let t = topics(&[("hello2", 3)]);
    let four = members(&[
        ("a", &["hello2"]),
        ("b", &["hello2"]),
        ("c", &["hello2"]),
        ("d", &["hello2"]),
    ]);
    let three = members(&[("a", &["hello2"]), ("b", &["hello2"]), ("d", &["hello2"])]);
    for kind in AssignorKind::ALL {
        let before = assign(kind, &t, &four, &none()).expect("valid");
        assert_eq!(count(&before, "d"), 0, "{kind}: d idle with 4 members");
        assert!(before.contains_key("d"), "{kind}: idle members are listed");
        let after = assign(kind, &t, &three, &before).expect("valid");
        assert_eq!(count(&after, "d"), 1, "{kind}: d takes over after c fails");
    }
    // Under the sticky assignors only c's partition moves, and it goes to d.
    let before = sticky(&t, &four, &none());
    let after = sticky(&t, &three, &before);
    assert_eq!(moved(&before, &after), before["c"]);
    assert_eq!(after["d"], before["c"]);
}

#[test]
fn range_handles_uneven_subscriptions_per_topic() {
    let t = topics(&[("x", 5), ("y", 2)]);
    let s = members(&[("a", &["x"]), ("b", &["x", "y"]), ("c", &["y"])]);
    expect(
        &range(&t, &s),
        &[("a", "x-0,x-1,x-2"), ("b", "x-3,x-4,y-0"), ("c", "y-1")],
    );
}

#[test]
fn round_robin_keeps_its_place_across_topics() {
    // x: a,b,c take 0,1,2; y continues at a (skipping c, who is not
    // subscribed): a y-0, b y-1, a y-2.
    let t = topics(&[("x", 3), ("y", 3)]);
    let s = members(&[("a", &["x", "y"]), ("b", &["x", "y"]), ("c", &["x"])]);
    expect(
        &round_robin(&t, &s),
        &[("a", "x-0,y-0,y-2"), ("b", "x-1,y-1"), ("c", "x-2")],
    );
}

#[test]
fn sticky_fresh_assignment_is_round_robin_like() {
    // Kafka's constrainedAssign deals unowned partitions round-robin.
    let t = topics(&[("t", 10)]);
    let s = members(&[("a", &["t"]), ("b", &["t"]), ("c", &["t"])]);
    expect(
        &sticky(&t, &s, &none()),
        &[
            ("a", "t-0,t-3,t-6,t-9"),
            ("b", "t-1,t-4,t-7"),
            ("c", "t-2,t-5,t-8"),
        ],
    );
}

#[test]
fn sticky_join_moves_only_what_balance_needs() {
    let t = topics(&[("t", 6)]);
    let two = members(&[("a", &["t"]), ("b", &["t"])]);
    let three = members(&[("a", &["t"]), ("b", &["t"]), ("c", &["t"])]);
    let before = sticky(&t, &two, &none());
    let after = sticky(&t, &three, &before);
    assert!(["a", "b", "c"].iter().all(|m| count(&after, m) == 2));
    // a and b each give up one partition, nothing else changes hands.
    let m = moved(&before, &after);
    assert_eq!(m.len(), 2);
    assert!(m.iter().all(|tp| after["c"].contains(tp)));
    // Range, by contrast, reshuffles.
    let r_before = range(&t, &two);
    let r_after = range(&t, &three);
    assert!(moved(&r_before, &r_after).len() > 2);
}

#[test]
fn sticky_keeps_at_most_quota_of_an_overloaded_owner() {
    let t = topics(&[("t", 4)]);
    let s = members(&[("a", &["t"]), ("b", &["t"])]);
    let mut prev = Assignment::new();
    prev.insert(
        "a".into(),
        (0..4).map(|p| TopicPartition::new("t", p)).collect(),
    );
    let next = sticky(&t, &s, &prev);
    expect(&next, &[("a", "t-0,t-1"), ("b", "t-2,t-3")]);
}

#[test]
fn sticky_ignores_stale_and_doubly_claimed_ownership() {
    let t = topics(&[("t", 2)]);
    let s = members(&[("a", &["t"]), ("b", &["t"])]);
    let mut prev = Assignment::new();
    // t-9 does not exist, "gone" is no topic, t-0 claimed by both.
    prev.insert(
        "a".into(),
        vec![TopicPartition::new("t", 0), TopicPartition::new("t", 9)],
    );
    prev.insert(
        "b".into(),
        vec![TopicPartition::new("t", 0), TopicPartition::new("gone", 0)],
    );
    expect(&sticky(&t, &s, &prev), &[("a", "t-0"), ("b", "t-1")]);
}

#[test]
fn sticky_general_case_balances_what_it_can() {
    // c can only take y; a and b share x.
    let t = topics(&[("x", 4), ("y", 2)]);
    let s = members(&[("a", &["x", "y"]), ("b", &["x", "y"]), ("c", &["y"])]);
    let a = sticky(&t, &s, &none());
    assert_eq!(count(&a, "a") + count(&a, "b") + count(&a, "c"), 6);
    assert!(count(&a, "c") >= 1);
    assert_balanced(&t, &s, &a);
}

#[test]
fn cooperative_revokes_first_then_assigns() {
    let t = topics(&[("t", 6)]);
    let two = members(&[("a", &["t"]), ("b", &["t"])]);
    let three = members(&[("a", &["t"]), ("b", &["t"]), ("c", &["t"])]);
    let gen1 = sticky(&t, &two, &none());
    let (gen2, revoked) = assign_cooperative(&t, &three, &gen1);
    assert_eq!(revoked.len(), 2, "a and b each revoke one");
    assert_eq!(
        count(&gen2, "c"),
        0,
        "c gets nothing until they are revoked"
    );
    assert!(revoked
        .iter()
        .all(|tp| !gen2.values().flatten().any(|x| x == tp)));
    // Nothing moves directly between members in one generation.
    assert!(moved(&gen1, &gen2).iter().all(|tp| revoked.contains(tp)));
    // The follow-up rebalance hands them out and revokes nothing.
    let (gen3, again) = assign_cooperative(&t, &three, &gen2);
    assert!(again.is_empty());
    assert_eq!(gen3, sticky(&t, &three, &gen1));
    assert!(["a", "b", "c"].iter().all(|m| count(&gen3, m) == 2));
}

#[test]
fn cooperative_reassigns_a_departed_members_partitions_at_once() {
    let t = topics(&[("t", 3)]);
    let three = members(&[("a", &["t"]), ("b", &["t"]), ("c", &["t"])]);
    let two = members(&[("a", &["t"]), ("b", &["t"])]);
    let gen1 = sticky(&t, &three, &none());
    let (gen2, revoked) = assign_cooperative(&t, &two, &gen1);
    assert!(revoked.is_empty());
    assert_eq!(gen2.values().map(Vec::len).sum::<usize>(), 3);
}

#[test]
fn kinds_parse_from_names_and_class_names() {
    for k in AssignorKind::ALL {
        assert_eq!(k.name().parse::<AssignorKind>(), Ok(k));
        assert_eq!(k.class_name().parse::<AssignorKind>(), Ok(k));
        assert_eq!(k.to_string(), k.name());
    }
    assert_eq!("round-robin".parse(), Ok(AssignorKind::RoundRobin));
    assert_eq!("round_robin".parse(), Ok(AssignorKind::RoundRobin));
    assert_eq!("RANGE".parse(), Ok(AssignorKind::Range));
    let err = "fair".parse::<AssignorKind>().expect_err("unknown");
    assert_eq!(err, AssignorError::UnknownAssignor("fair".into()));
    let text = err.to_string();
    for k in AssignorKind::ALL {
        assert!(text.contains(k.name()), "{text} lists {k}");
    }
}

#[test]
fn kinds_serialize_as_kafka_names() {
    for k in AssignorKind::ALL {
        let text = serde_json::to_string(&k).expect("serialize");
        assert_eq!(text, format!("\"{}\"", k.name()));
        assert_eq!(
            serde_json::from_str::<AssignorKind>(&text).expect("parse"),
            k
        );
    }
    assert_eq!(
        serde_json::from_str::<AssignorKind>("\"round-robin\"").expect("alias"),
        AssignorKind::RoundRobin
    );
}

#[test]
fn validation_errors() {
    let s = members(&[("a", &["t", "nope"])]);
    assert_eq!(
        assign(AssignorKind::Range, &topics(&[("t", 1)]), &s, &none()),
        Err(AssignorError::UnknownTopic {
            member: "a".into(),
            topic: "nope".into()
        })
    );
    let s = members(&[("a", &["t"])]);
    assert!(matches!(
        validate(&topics(&[("t", -1)]), &s),
        Err(AssignorError::NegativePartitionCount { count: -1, .. })
    ));
    assert!(matches!(
        validate(&topics(&[("t", i32::MAX), ("u", i32::MAX)]), &s),
        Err(AssignorError::TooManyPartitions { .. })
    ));
    // The bare functions skip unknown topics, as Kafka's assignors do.
    let s = members(&[("a", &["t", "nope"])]);
    expect(&range(&topics(&[("t", 1)]), &s), &[("a", "t-0")]);
}

#[test]
fn empty_group_and_empty_topics() {
    let t = topics(&[("t", 0)]);
    let s = members(&[("a", &["t"]), ("b", &[])]);
    for kind in AssignorKind::ALL {
        let a = assign(kind, &t, &s, &none()).expect("valid");
        expect(&a, &[("a", ""), ("b", "")]);
        assert!(assign(kind, &t, &VecMap::new(), &none())
            .expect("valid")
            .is_empty());
    }
}

#[test]
fn moved_lists_changed_owners_only() {
    let t = topics(&[("t", 4)]);
    let s = members(&[("a", &["t"]), ("b", &["t"])]);
    let a = range(&t, &s);
    assert!(moved(&a, &a).is_empty());
    let mut b = a.clone();
    let tp = b.get_mut("a").and_then(Vec::pop).expect("a has partitions");
    b.get_mut("b").expect("b").push(tp.clone());
    assert_eq!(moved(&a, &b), vec![tp]);
    // Gaining a partition nobody had is not a move.
    assert!(moved(&Assignment::new(), &a).is_empty());
}

/// Every partition of a subscribed topic goes to exactly one member subscribed
/// to it; nothing else is assigned; lists are sorted; every member is listed.
fn assert_complete(t: &VecMap<String, i32>, s: &VecMap<String, Vec<String>>, a: &Assignment) {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        s.keys().collect::<Vec<_>>(),
        "every member listed"
    );
    let mut seen = std::collections::BTreeSet::new();
    for (m, list) in a {
        assert!(list.windows(2).all(|w| w[0] < w[1]), "{m}'s list sorted");
        for tp in list {
            assert!(s[m].contains(&tp.topic), "{tp} given to unsubscribed {m}");
            assert!(seen.insert(tp.clone()), "{tp} assigned twice");
        }
    }
    for (topic, &n) in t {
        if s.values().any(|ts| ts.contains(topic)) {
            for p in 0..n {
                assert!(
                    seen.contains(&TopicPartition::new(topic.as_str(), p)),
                    "{topic}-{p} unassigned"
                );
            }
        }
    }
}

/// No partition could move to an eligible member with at least two fewer.
fn assert_balanced(t: &VecMap<String, i32>, s: &VecMap<String, Vec<String>>, a: &Assignment) {
    let _ = t;
    for (owner, list) in a {
        for tp in list {
            for (other, subs) in s {
                if subs.contains(&tp.topic) {
                    assert!(
                        count(a, other) + 1 >= list.len(),
                        "{tp} could move from {owner} ({}) to {other} ({})",
                        list.len(),
                        count(a, other)
                    );
                }
            }
        }
    }
}

type Subs = VecMap<String, Vec<String>>;

/// Topics, members with any subscriptions, members with equal subscriptions.
fn group() -> impl Strategy<Value = (VecMap<String, i32>, Subs, Subs)> {
    let topics = proptest::collection::btree_map("[a-e]", 0i32..12, 1..5);
    topics.prop_flat_map(|t| {
        let names: Vec<String> = t.keys().cloned().collect();
        let sub = proptest::sample::subsequence(names.clone(), 0..=names.len());
        let equal = proptest::sample::subsequence(names.clone(), 1..=names.len());
        let members = proptest::collection::btree_map("m[0-9]{1,2}", sub, 1..12);
        let uniform = (proptest::collection::btree_set("m[0-9]{1,2}", 1..12), equal)
            .prop_map(|(ms, ts)| ms.into_iter().map(|m| (m, ts.clone())).collect());
        (
            Just(t.into_iter().collect()),
            members.prop_map(|m| m.into_iter().collect()),
            uniform,
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn every_assignor_is_complete_and_respects_subscriptions((t, s, u) in group()) {
        for subs in [&s, &u] {
            for kind in AssignorKind::ALL {
                let a = assign(kind, &t, subs, &none()).expect("valid");
                assert_complete(&t, subs, &a);
                // Deterministic: same input, same output.
                prop_assert_eq!(&a, &assign(kind, &t, subs, &none()).expect("valid"));
            }
        }
    }

    #[test]
    fn sticky_is_balanced_from_any_previous((t, s, u) in group(), seed in any::<u64>()) {
        // A previous assignment from another assignor and a shuffled group.
        let prev = round_robin(&t, &u);
        let mut rng = crate::rng::SimRng::new(seed);
        let keep: VecMap<String, Vec<String>> = s
            .iter()
            .filter(|_| rng.chance(70))
            .map(|(m, ts)| (m.clone(), ts.clone()))
            .collect();
        for subs in [&s, &u, &keep] {
            let a = sticky(&t, subs, &prev);
            assert_complete(&t, subs, &a);
            assert_balanced(&t, subs, &a);
            if subs == &u {
                // Equal subscriptions: counts differ by at most one.
                let counts: Vec<usize> = a.values().map(Vec::len).collect();
                let (lo, hi) = (counts.iter().min(), counts.iter().max());
                prop_assert!(hi.zip(lo).is_none_or(|(h, l)| h - l <= 1));
            }
        }
    }

    #[test]
    fn sticky_member_leaving_moves_only_its_partitions((t, _s, u) in group(), pick in any::<usize>()) {
        let before = sticky(&t, &u, &none());
        let leaver = before.keys().nth(pick % before.len()).cloned().expect("non-empty");
        let mut rest = u.clone();
        rest.remove(&leaver);
        let after = sticky(&t, &rest, &before);
        for tp in moved(&before, &after) {
            prop_assert!(before[&leaver].contains(&tp), "{} moved but {} did not own it", tp, leaver);
        }
    }

    #[test]
    fn cooperative_never_hands_over_directly_and_converges((t, s, u) in group()) {
        for subs in [&s, &u] {
            let start = range(&t, subs);
            let mut joined = subs.clone();
            joined.insert("zz".into(), subs.values().next().cloned().unwrap_or_default());
            let mut prev = start;
            let mut rounds = 0;
            loop {
                let (next, revoked) = assign_cooperative(&t, &joined, &prev);
                for tp in &revoked {
                    prop_assert!(!next.values().flatten().any(|x| x == tp), "{} revoked and assigned", tp);
                }
                // A partition changes hands only through a revocation.
                for tp in moved(&prev, &next) {
                    prop_assert!(revoked.contains(&tp) || !next.values().flatten().any(|x| *x == tp));
                }
                rounds += 1;
                if revoked.is_empty() {
                    assert_complete(&t, &joined, &next);
                    assert_balanced(&t, &joined, &next);
                    break;
                }
                prev = next;
                prop_assert!(rounds < 6, "no convergence after {} rounds", rounds);
            }
            if subs == &u {
                // Equal subscriptions (Kafka's constrained path): one round of
                // revocations, then the follow-up rebalance settles.
                prop_assert!(rounds <= 2, "{} rounds", rounds);
            }
        }
    }
}
