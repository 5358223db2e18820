//! What the panels show that the snapshot does not hold: figures derived from
//! the event trace (send outcomes, consumer groups, metrics over time).
//! Folded as the trace grows (see [`Fold`]): a render feeds only the events
//! not seen yet, never the whole trace again. Pure, so tested natively.

use crate::i18n::tf;
use streamlab_core::consumer::{assign, moved, Assignment, AssignorKind};
use streamlab_core::event::{Event, EventKind};
use streamlab_core::vec_map::{VecMap, VecSet};

/// A view built one event at a time.
pub trait Observe: Default {
    fn observe(&mut self, index: usize, e: &Event);
    /// The events so far are all in (a checker finishes its pass here).
    fn caught_up(&mut self) {}
}

/// A view that keeps up with a timeline's trace: fed only the events it has
/// not seen, from scratch when the timeline's epoch changes (a seek back
/// rebuilt the session, or a new script came), since only then can the
/// trace shrink or change.
#[derive(Default)]
pub struct Fold<T> {
    epoch: u64,
    seen: usize,
    value: T,
}

impl<T: Observe> Fold<T> {
    pub fn update(&mut self, epoch: u64, events: &[Event]) -> &T {
        if self.epoch != epoch || self.seen > events.len() {
            *self = Fold {
                epoch,
                seen: 0,
                value: T::default(),
            };
        }
        if self.seen < events.len() {
            for (i, e) in events.iter().enumerate().skip(self.seen) {
                self.value.observe(i, e);
            }
            self.seen = events.len();
            self.value.caught_up();
        }
        &self.value
    }
}

/// One send's outcome, as the producer panel lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub time: u64,
    pub ok: bool,
    pub text: String,
}

/// How many send outcomes the producer panel lists.
pub const OUTCOMES: usize = 6;

/// The newest [`OUTCOMES`] send outcomes: their events, put in words when
/// shown (in the page's language of the moment).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcomes {
    /// Oldest first (appended as they happen).
    kept: Vec<Event>,
}

impl Outcomes {
    /// Newest first, as the panel lists them.
    pub fn newest(&self) -> Vec<Outcome> {
        self.kept.iter().rev().filter_map(outcome).collect()
    }
}

impl Observe for Outcomes {
    fn observe(&mut self, _: usize, e: &Event) {
        if !matches!(
            e.kind,
            EventKind::ProduceAcked { .. } | EventKind::ProduceFailed { .. }
        ) {
            return;
        }
        if self.kept.len() == OUTCOMES {
            self.kept.remove(0);
        }
        self.kept.push(e.clone());
    }
}

/// What a produce answer says, if `e` is one.
fn outcome(e: &Event) -> Option<Outcome> {
    let time = e.time.as_millis();
    match &e.kind {
        EventKind::ProduceAcked {
            topic,
            partition,
            base_offset,
            count,
            acks,
            ..
        } => Some(Outcome {
            time,
            ok: true,
            text: if *base_offset < 0 {
                tf(
                    "{tp}: {count} record(s) sent, acks={acks}: no answer expected",
                    &[&format!("{topic}-{partition}"), &count, &acks],
                )
            } else {
                tf(
                    "{tp}: {count} record(s) acknowledged at offset {offset} (acks={acks})",
                    &[
                        &format!("{topic}-{partition}"),
                        &count,
                        &base_offset,
                        &if *acks == -1 {
                            "all".to_string()
                        } else {
                            acks.to_string()
                        },
                    ],
                )
            },
        }),
        EventKind::ProduceFailed {
            topic,
            partition,
            error,
            will_retry,
            ..
        } => Some(Outcome {
            time,
            ok: false,
            // The error is Kafka's name for it (glossed where shown).
            text: {
                let tp = format!("{topic}-{partition}");
                let args: [&dyn std::fmt::Display; 2] = [&tp, error];
                if *will_retry {
                    tf("{tp}: {error} — retrying", &args)
                } else {
                    tf("{tp}: {error} — gave up", &args)
                }
            },
        }),
        _ => None,
    }
}

/// How long (simulated ms) a replica stays flagged as having fetched,
/// appended or acknowledged, and a message stays on its way.
pub const TRAFFIC_MS: u64 = 400;
/// At most this many messages travel at once (newest first), so a busy
/// cluster costs the browser a bounded number of moving dots.
pub const MAX_IN_FLIGHT: usize = 32;

/// What a travelling message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MessageKind {
    /// A follower's fetch: to the leader, and back with records and the HW.
    Fetch,
    /// A produce request arriving at the leader (it appended the batch).
    Produce,
    /// The leader's answer to the producer.
    Ack,
}

impl MessageKind {
    pub fn name(self) -> &'static str {
        match self {
            MessageKind::Fetch => "fetch",
            MessageKind::Produce => "produce",
            MessageKind::Ack => "ack",
        }
    }
}

/// One message on its way between two parties of a partition. `from`/`to`
/// are broker ids; `None` is the producer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub kind: MessageKind,
    pub from: Option<i32>,
    pub to: Option<i32>,
    /// Records it carries (fetch answers and produce requests).
    pub records: i32,
    /// Stable while one trip is drawn, new for the next trip between the
    /// same two parties (the page keys the element by it, so a trip's
    /// animation is not restarted by the events that follow it).
    pub trip: u64,
}

/// The replication traffic of the last `TRAFFIC_MS` for each partition.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Traffic<'a> {
    /// `(topic, partition)` → (broker, "fetched" | "appended" | "acked").
    pub activity: VecMap<(&'a str, i32), Vec<(i32, &'static str)>>,
    /// `(topic, partition)` → messages on their way, newest first. One per
    /// kind and pair of parties (newer traffic between the same two is the
    /// same moving dot), and at most `MAX_IN_FLIGHT` in all.
    pub messages: VecMap<(&'a str, i32), Vec<Message>>,
}

impl Traffic<'_> {
    /// How many messages are drawn.
    pub fn in_flight(&self) -> usize {
        self.messages.values().map(Vec::len).sum()
    }
}

/// Reads the newest events (those of the last `TRAFFIC_MS` before `now`):
/// which replicas just fetched, appended or acknowledged, and the fetches,
/// produce requests and acks to draw travelling. `leader_of` names the
/// partition's leader now (acks come from it).
pub fn traffic<'a>(
    events: &'a [Event],
    now: u64,
    leader_of: impl Fn(&str, i32) -> Option<i32>,
) -> Traffic<'a> {
    let mut out = Traffic::default();
    let mut drawn = 0usize;
    for e in events.iter().rev() {
        let t = e.time.as_millis();
        if t + TRAFFIC_MS < now {
            break;
        }
        let (topic, partition, broker, what, message) = match &e.kind {
            // A fetch that brought nothing (a long poll that timed out) is
            // not drawn: idle followers would fill the table with dots.
            EventKind::ReplicaFetched {
                topic,
                partition,
                broker,
                leader,
                records,
                ..
            } if *records > 0 => (
                topic,
                *partition,
                *broker,
                Some("fetched"),
                (MessageKind::Fetch, Some(*broker), Some(*leader), *records),
            ),
            EventKind::BatchAppended {
                topic,
                partition,
                broker,
                count,
                ..
            } => (
                topic,
                *partition,
                *broker,
                Some("appended"),
                (MessageKind::Produce, None, Some(*broker), *count),
            ),
            // acks=0 gets no answer: nothing travels back.
            EventKind::ProduceAcked {
                topic,
                partition,
                base_offset,
                ..
            } if *base_offset >= 0 => {
                let Some(l) = leader_of(topic, *partition) else {
                    continue;
                };
                (
                    topic,
                    *partition,
                    l,
                    Some("acked"),
                    (MessageKind::Ack, Some(l), None, 0),
                )
            }
            _ => continue,
        };
        let key = (topic.as_str(), partition);
        if let Some(what) = what {
            let v = out.activity.entry(key).or_default();
            if !v.contains(&(broker, what)) {
                v.push((broker, what));
            }
        }
        let (kind, from, to, records) = message;
        let v = out.messages.entry(key).or_default();
        if drawn < MAX_IN_FLIGHT && !v.iter().any(|m| (m.kind, m.from, m.to) == (kind, from, to)) {
            v.push(Message {
                kind,
                from,
                to,
                records,
                trip: t / TRAFFIC_MS,
            });
            drawn += 1;
        }
    }
    out.messages.retain(|_, v| !v.is_empty());
    out
}

/// A consumer group as its events describe it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Group {
    pub name: String,
    pub members: VecSet<String>,
    /// Each membership the group went through, oldest first (for replaying
    /// the assignors side by side).
    pub history: Vec<VecSet<String>>,
    pub generation: i32,
    pub assignor: String,
    /// Member → `t-p` names, from the last rebalance.
    pub assignment: Vec<(String, Vec<String>)>,
    pub moved: Vec<String>,
    /// `(topic, partition)` → committed offset.
    pub committed: VecMap<(String, i32), i64>,
}

/// Every group in the trace, by name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Groups(pub VecMap<String, Group>);

impl Groups {
    fn entry(&mut self, g: &str) -> &mut Group {
        self.0.entry(g.to_string()).or_insert_with(|| Group {
            name: g.to_string(),
            ..Group::default()
        })
    }
}

impl Observe for Groups {
    fn observe(&mut self, _: usize, e: &Event) {
        match &e.kind {
            EventKind::MemberJoined { group, member } => {
                let g = self.entry(group);
                if g.members.insert(member.clone()) {
                    g.history.push(g.members.clone());
                }
            }
            EventKind::MemberLeft { group, member, .. } => {
                let g = self.entry(group);
                if g.members.remove(member) {
                    g.history.push(g.members.clone());
                }
            }
            EventKind::GroupRebalanced {
                group,
                generation,
                assignor,
                assignment,
                moved,
            } => {
                let g = self.entry(group);
                g.generation = *generation;
                g.assignor = assignor.clone();
                g.assignment = assignment.clone();
                g.moved = moved.clone();
            }
            EventKind::OffsetCommitted {
                group,
                topic,
                partition,
                offset,
                ..
            } => {
                let g = self.entry(group);
                g.committed.insert((topic.clone(), *partition), *offset);
            }
            _ => {}
        }
    }
}

/// One assignor's answer for the group now, and what its last change moved.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub kind: AssignorKind,
    pub assignment: Result<Vec<(String, Vec<String>)>, String>,
    pub moved: Vec<String>,
}

fn names(a: &Assignment) -> Vec<(String, Vec<String>)> {
    a.iter()
        .map(|(m, tps)| (m.clone(), tps.iter().map(ToString::to_string).collect()))
        .collect()
}

/// Range, round-robin and sticky over the same membership history, so the
/// moves of the last rebalance can be compared.
pub fn compare(
    history: &[VecSet<String>],
    subs: &VecMap<String, Vec<String>>,
    topics: &VecMap<String, i32>,
) -> Vec<Comparison> {
    [
        AssignorKind::Range,
        AssignorKind::RoundRobin,
        AssignorKind::Sticky,
    ]
    .into_iter()
    .map(|kind| {
        let mut prev = Assignment::new();
        let mut last_moved = Vec::new();
        for members in history {
            let s: VecMap<String, Vec<String>> = VecMap::from_iter(
                members
                    .iter()
                    .map(|m| (m.clone(), subs.get(m).cloned().unwrap_or_default())),
            );
            match assign(kind, topics, &s, &prev) {
                Ok(next) => {
                    last_moved = moved(&prev, &next)
                        .iter()
                        .map(ToString::to_string)
                        .collect();
                    prev = next;
                }
                Err(e) => {
                    return Comparison {
                        kind,
                        assignment: Err(e.to_string()),
                        moved: Vec::new(),
                    }
                }
            }
        }
        Comparison {
            kind,
            assignment: Ok(names(&prev)),
            moved: last_moved,
        }
    })
    .collect()
}

/// A step series: `(time, value)` points, each value holding until the next.
pub type Series = Vec<(u64, i64)>;

/// Topic → partition → series; nested so a lookup borrows the event's `&str`.
pub type PerPartition = VecMap<String, VecMap<i32, Series>>;

/// Figures over time for the metrics charts, folded from the trace one
/// event at a time (the UI feeds only the events it has not seen).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    pub isr: PerPartition,
    /// The leader's high watermark.
    pub hw: PerPartition,
    /// The leader's log end offset.
    pub leo: PerPartition,
    /// Records appended in each simulated second.
    pub per_second: Vec<u64>,
}

fn push_step(map: &mut PerPartition, topic: &str, partition: i32, t: u64, v: i64) {
    if !map.contains_key(topic) {
        map.insert(topic.to_string(), VecMap::new());
    }
    let Some(parts) = map.get_mut(topic) else {
        return;
    };
    let series = parts.entry(partition).or_default();
    match series.last_mut() {
        Some(last) if last.1 == v => {}
        Some(last) if last.0 == t => last.1 = v,
        _ => series.push((t, v)),
    }
}

impl Observe for Metrics {
    fn observe(&mut self, _: usize, e: &Event) {
        let t = e.time.as_millis();
        match &e.kind {
            EventKind::LeaderElected {
                topic,
                partition,
                isr,
                ..
            }
            | EventKind::IsrShrunk {
                topic,
                partition,
                isr,
                ..
            }
            | EventKind::IsrExpanded {
                topic,
                partition,
                isr,
                ..
            } => push_step(&mut self.isr, topic, *partition, t, isr.len() as i64),
            EventKind::HighWatermarkChanged {
                topic,
                partition,
                high_watermark,
                ..
            } => push_step(&mut self.hw, topic, *partition, t, *high_watermark),
            EventKind::BatchAppended {
                topic,
                partition,
                base_offset,
                count,
                ..
            } => {
                push_step(
                    &mut self.leo,
                    topic,
                    *partition,
                    t,
                    base_offset + i64::from(*count),
                );
                let second = (t / 1_000) as usize;
                if self.per_second.len() <= second {
                    self.per_second.resize(second + 1, 0);
                }
                self.per_second[second] += u64::try_from(*count).unwrap_or(0);
            }
            _ => {}
        }
    }
}

impl Metrics {
    /// Records appended per bucket up to `end_ms`, about 40 buckets of
    /// whole seconds: `(bucket_ms, counts)`.
    pub fn throughput(&self, end_ms: u64) -> (u64, Vec<u64>) {
        let secs_per_bucket = (end_ms / 40).div_ceil(1_000).max(1);
        let buckets = (end_ms / 1_000 / secs_per_bucket + 1) as usize;
        let mut out = vec![0; buckets];
        for (s, n) in self.per_second.iter().enumerate() {
            if let Some(b) = out.get_mut(s / secs_per_bucket as usize) {
                *b += n;
            }
        }
        (secs_per_bucket * 1_000, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamlab_core::script::Session;

    #[test]
    fn traffic_draws_fetches_produces_and_acks_between_the_right_brokers() {
        let mut s = run("sim brokers 3\nkafka-topics.sh --bootstrap-server x --create --topic t --partitions 1 --replication-factor 3\nsim advance 1s\nsim produce t a --partition 0 --acks all");
        let now = |s: &Session| s.sim().now().as_millis();
        let leader = s.sim().snapshot().topics["t"].partitions[0]
            .leader
            .expect("a leader");
        // Step until the acks=all answer came back, then look.
        let (mut msgs, mut activity) = (Vec::new(), Vec::new());
        for _ in 0..50 {
            s.run("sim advance 5");
            let tr = traffic(s.events(), now(&s), |_, _| Some(leader));
            msgs = tr.messages.get(&("t", 0)).cloned().unwrap_or_default();
            activity = tr.activity.get(&("t", 0)).cloned().unwrap_or_default();
            if msgs.iter().any(|m| m.kind == MessageKind::Ack) {
                break;
            }
        }
        let kinds: VecSet<MessageKind> = msgs.iter().map(|m| m.kind).collect();
        assert!(kinds.contains(&MessageKind::Ack), "{msgs:?}");
        assert!(
            kinds.contains(&MessageKind::Fetch),
            "acks=all waits for fetches: {msgs:?}"
        );
        for m in &msgs {
            match m.kind {
                MessageKind::Fetch => {
                    assert_eq!(m.to, Some(leader), "{m:?}");
                    assert!(m.from.is_some_and(|f| f != leader), "{m:?}");
                }
                MessageKind::Produce => assert_eq!((m.from, m.to), (None, Some(leader))),
                MessageKind::Ack => assert_eq!((m.from, m.to), (Some(leader), None)),
            }
        }
        // One dot per kind and pair of parties.
        let pairs: VecSet<_> = msgs.iter().map(|m| (m.kind, m.from, m.to)).collect();
        assert_eq!(pairs.len(), msgs.len(), "{msgs:?}");
        assert!(activity.contains(&(leader, "acked")), "{activity:?}");
        assert!(
            msgs.iter()
                .all(|m| m.kind == MessageKind::Ack || m.records > 0),
            "{msgs:?}"
        );
        // Long after, nothing is in flight (idle fetches are not drawn).
        s.run("sim advance 3s");
        let tr = traffic(s.events(), now(&s), |_, _| Some(leader));
        assert_eq!(tr.in_flight(), 0, "{:?}", tr.messages);
    }

    #[test]
    fn traffic_is_capped() {
        // Sends to 60 partitions at once: 60 produce requests, 60 acks and
        // 120 fetches in the same instant, far more than the cap.
        let mut script = "sim brokers 5\nkafka-topics.sh --bootstrap-server x --create --topic t --partitions 60 --replication-factor 3\nsim advance 1s\n".to_string();
        for p in 0..60 {
            script.push_str(&format!("sim produce t v --partition {p} --acks all\n"));
        }
        script.push_str("sim advance 50");
        let s = run(&script);
        let tr = traffic(s.events(), s.sim().now().as_millis(), |_, _| Some(0));
        assert!(tr.in_flight() <= MAX_IN_FLIGHT, "{}", tr.in_flight());
        assert!(tr.in_flight() > 0);
        // The newest trip of a pair keys its element: it changes only every
        // TRAFFIC_MS.
        for m in tr.messages.values().flatten() {
            assert!(m.trip * TRAFFIC_MS <= s.sim().now().as_millis());
        }
    }

    fn run(text: &str) -> Session {
        let mut s = Session::new();
        let out = s.run(text);
        assert!(out.iter().all(|o| !o.is_error), "{out:?}");
        s
    }

    #[test]
    fn outcomes_name_acks_and_errors() {
        let s = run("sim brokers 3\nkafka-topics.sh --bootstrap-server x --create --topic t --partitions 1 --replication-factor 3\nsim set min.insync.replicas=3\nsim produce t a --acks all --retries 0\nsim advance 1s\nsim crash 0\nsim crash 1\nsim advance 8s\nsim produce t b --acks all --retries 0\nsim advance 1s");
        let out = Fold::<Outcomes>::default().update(0, s.events()).newest();
        assert!(out.len() >= 2 && out.len() <= OUTCOMES, "{out:?}");
        assert!(
            out.iter().any(|o| o.ok && o.text.contains("acks=all")),
            "{out:?}"
        );
        assert!(out.iter().any(|o| !o.ok), "{out:?}");
        assert!(
            out.windows(2).all(|w| w[0].time >= w[1].time),
            "newest first"
        );
    }

    #[test]
    fn metrics_follow_the_hw_and_throughput() {
        let s = run("sim brokers 3\nkafka-topics.sh --bootstrap-server x --create --topic t --partitions 2 --replication-factor 2\nsim produce t a --partition 0 --count 5\nsim advance 2s\nsim produce t b --partition 1 --count 3\nsim advance 2s");
        let mut fold = Fold::<Metrics>::default();
        let m = fold.update(0, s.events()).clone();
        assert_eq!(m.hw["t"][&0].last().map(|p| p.1), Some(5));
        assert_eq!(m.leo["t"][&1].last().map(|p| p.1), Some(3));
        let (bucket, counts) = m.throughput(s.sim().now().as_millis());
        assert_eq!(bucket, 1_000);
        assert_eq!(counts, vec![5, 0, 3, 0, 0]);
        assert_eq!(m.isr["t"][&0].last().map(|p| p.1), Some(2));
        // 200 s: 40 buckets of 5 s.
        let (bucket, counts) = m.throughput(200_000);
        assert_eq!((bucket, counts.len(), counts[0]), (5_000, 41, 8));
    }

    #[test]
    fn groups_follow_membership_rebalances_and_commits() {
        use streamlab_core::SimTime;
        let ev = |t: u64, kind: EventKind| Event {
            time: SimTime(t),
            kind,
        };
        let joined = |m: &str| EventKind::MemberJoined {
            group: "g".into(),
            member: m.into(),
        };
        let trace = vec![
            ev(0, joined("a")),
            ev(1, joined("b")),
            ev(
                2,
                EventKind::GroupRebalanced {
                    group: "g".into(),
                    generation: 2,
                    assignor: "range".into(),
                    assignment: vec![
                        ("a".into(), vec!["t-0".into()]),
                        ("b".into(), vec!["t-1".into()]),
                    ],
                    moved: vec!["t-1".into()],
                },
            ),
            ev(
                3,
                EventKind::OffsetCommitted {
                    group: "g".into(),
                    topic: "t".into(),
                    partition: 1,
                    offset: 7,
                    high_watermark: 9,
                },
            ),
            ev(
                4,
                EventKind::MemberLeft {
                    group: "g".into(),
                    member: "a".into(),
                    timed_out: true,
                },
            ),
        ];
        let mut fold = Fold::<Groups>::default();
        let g = &fold.update(0, &trace).0["g"];
        assert_eq!(g.members.iter().collect::<Vec<_>>(), vec!["b"]);
        assert_eq!(g.history.len(), 3, "joined a, joined b, a left");
        assert_eq!((g.generation, g.assignor.as_str()), (2, "range"));
        assert_eq!(g.moved, vec!["t-1"]);
        assert_eq!(g.committed.get(&("t".to_string(), 1)), Some(&7));
    }

    #[test]
    fn a_fold_fed_as_the_trace_grows_equals_one_fed_at_once() {
        let mut s = run("sim brokers 3\nkafka-topics.sh --bootstrap-server x --create --topic t --partitions 2 --replication-factor 2\nsim consumer join g a --topics t");
        let mut grown = (Fold::<Metrics>::default(), Fold::<Groups>::default());
        for line in [
            "sim produce t a --count 5",
            "sim advance 2s",
            "sim consumer join g b --topics t",
            "sim produce t b --count 3 --acks all",
            "sim advance 2s",
            "sim consumer leave g a",
            "sim advance 1s",
        ] {
            s.run(line);
            grown.0.update(7, s.events());
            grown.1.update(7, s.events());
        }
        let (m, g) = (grown.0.update(7, s.events()), grown.1.update(7, s.events()));
        assert_eq!(m, Fold::<Metrics>::default().update(7, s.events()));
        assert_eq!(g, Fold::<Groups>::default().update(7, s.events()));
        assert_eq!(g.0["g"].history.len(), 3);
        // A new epoch starts over: the same trace, the same view.
        let before = g.clone();
        assert_eq!(grown.1.update(8, s.events()), &before);
        // And a shorter trace (a seek back) is folded from its start.
        let short = &s.events()[..s.events().len() / 2];
        assert_eq!(
            grown.1.update(8, short),
            Fold::<Groups>::default().update(8, short)
        );
    }

    #[test]
    fn subscriptions_outlive_the_members_that_left() {
        let s = run("sim brokers 3\nkafka-topics.sh --bootstrap-server x --create --topic t1 --partitions 2 --replication-factor 1\nkafka-topics.sh --bootstrap-server x --create --topic t2 --partitions 2 --replication-factor 1\nsim consumer join g a --topics t1,t2\nsim consumer join h x --topics t1\nsim consumer join g b --topics t2 --assignor sticky\nsim consumer leave g a\nsim advance 1s");
        let subs = &s.sim().groups()["g"].subscriptions;
        assert_eq!(subs.len(), 2);
        assert_eq!(subs["a"], vec!["t1", "t2"]);
        assert_eq!(subs["b"], vec!["t2"]);
        assert!(!s.sim().groups()["g"].members.contains_key("a"));
    }

    #[test]
    fn sticky_moves_less_than_range_when_a_member_joins() {
        let topics = VecMap::from([("t".to_string(), 6)]);
        let subs: VecMap<String, Vec<String>> = ["a", "b", "c"]
            .iter()
            .map(|m| (m.to_string(), vec!["t".to_string()]))
            .collect();
        let set = |ms: &[&str]| ms.iter().map(|m| m.to_string()).collect::<VecSet<_>>();
        let history = vec![set(&["a"]), set(&["a", "b"]), set(&["a", "b", "c"])];
        let cmp = compare(&history, &subs, &topics);
        assert_eq!(cmp.len(), 3);
        let moved = |k: AssignorKind| cmp.iter().find(|c| c.kind == k).map(|c| c.moved.len());
        let (range, sticky) = (moved(AssignorKind::Range), moved(AssignorKind::Sticky));
        // Range re-cuts the ranges (2, 4, 5 change owner); sticky takes one
        // partition from each old member for the newcomer.
        assert_eq!((range, sticky), (Some(3), Some(2)));
        for c in &cmp {
            let a = c.assignment.as_ref().expect("valid");
            assert_eq!(a.iter().map(|(_, p)| p.len()).sum::<usize>(), 6);
        }
    }
}
