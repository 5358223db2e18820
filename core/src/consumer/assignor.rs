//! Kafka's consumer partition assignors: `range`, `roundrobin`, `sticky` and
//! `cooperative-sticky`.
//!
//! As in Kafka, members are taken in member-id order and partitions in topic
//! then partition order, so the result is a pure function of the input.
//! Everything runs on dense indices (topic index, global partition index,
//! member index) and only the result is turned back into names, which keeps a
//! 1,000-member × 10,000-partition group well inside the 20 ms budget.

use crate::vec_map::VecMap;
use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;

use crate::ids::TopicPartition;

/// Member id → its partitions, sorted by topic then partition. Every member
/// of the group is present, possibly with an empty list.
pub type Assignment = VecMap<String, Vec<TopicPartition>>;

/// More partitions than this in one assignment are refused by [`validate`]:
/// the simulator would spend its memory on them, and no demo needs that many.
pub const MAX_PARTITIONS: u64 = 1_000_000;

/// Which assignor a group uses (`partition.assignment.strategy`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum AssignorKind {
    /// `RangeAssignor`, Kafka's (and the seed's) default.
    #[default]
    Range,
    /// `RoundRobinAssignor`.
    #[serde(rename = "roundrobin", alias = "round-robin", alias = "round_robin")]
    RoundRobin,
    /// `StickyAssignor` (KIP-54).
    Sticky,
    /// `CooperativeStickyAssignor` (KIP-429).
    CooperativeSticky,
}

impl AssignorKind {
    pub const ALL: [AssignorKind; 4] = [
        Self::Range,
        Self::RoundRobin,
        Self::Sticky,
        Self::CooperativeSticky,
    ];

    /// The protocol name Kafka's assignor reports (`ConsumerPartitionAssignor.name()`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Range => "range",
            Self::RoundRobin => "roundrobin",
            Self::Sticky => "sticky",
            Self::CooperativeSticky => "cooperative-sticky",
        }
    }

    /// The class a Java client names in `partition.assignment.strategy`.
    pub fn class_name(self) -> &'static str {
        match self {
            Self::Range => "org.apache.kafka.clients.consumer.RangeAssignor",
            Self::RoundRobin => "org.apache.kafka.clients.consumer.RoundRobinAssignor",
            Self::Sticky => "org.apache.kafka.clients.consumer.StickyAssignor",
            Self::CooperativeSticky => {
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"
            }
        }
    }

    /// Runs this assignor after [`validate`]. For `cooperative-sticky` this is
    /// the assignment of this generation (moving partitions held back, see
    /// [`assign_cooperative`]).
    pub fn assign(
        self,
        topics: &VecMap<String, i32>,
        subscriptions: &VecMap<String, Vec<String>>,
        previous: &Assignment,
    ) -> Result<Assignment, AssignorError> {
        assign(self, topics, subscriptions, previous)
    }
}

impl fmt::Display for AssignorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for AssignorKind {
    type Err = AssignorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| {
                t.eq_ignore_ascii_case(k.name())
                    || t == k.class_name()
                    // The seed's notes write `round_robin`.
                    || (*k == Self::RoundRobin
                        && ["round-robin", "round_robin"]
                            .iter()
                            .any(|a| t.eq_ignore_ascii_case(a)))
            })
            .ok_or_else(|| AssignorError::UnknownAssignor(s.to_string()))
    }
}

/// Why an assignment could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignorError {
    /// `partition.assignment.strategy` names no known assignor (Kafka's `ConfigException`).
    #[error("Invalid value {0} for configuration partition.assignment.strategy: Class {0} cannot be found. Valid assignors: range, roundrobin, sticky, cooperative-sticky (or their class names, e.g. org.apache.kafka.clients.consumer.RangeAssignor)")]
    UnknownAssignor(String),
    /// A subscription names a topic the cluster does not have.
    #[error("Member {member} subscribes to topic {topic}: This server does not host this topic-partition.")]
    UnknownTopic { member: String, topic: String },
    /// A topic's partition count is below zero.
    #[error("Topic {topic} has a negative number of partitions: {count}")]
    NegativePartitionCount { topic: String, count: i32 },
    /// More partitions than [`MAX_PARTITIONS`].
    #[error("{total} partitions is more than this simulator assigns (at most {MAX_PARTITIONS})")]
    TooManyPartitions { total: u64 },
}

/// Checks the input the way the CLI and the UI need it: every subscribed
/// topic exists, no count is negative, and the total is reasonable.
/// (Kafka's own assignors silently skip topics without metadata; the bare
/// functions below do the same.)
pub fn validate(
    topics: &VecMap<String, i32>,
    subscriptions: &VecMap<String, Vec<String>>,
) -> Result<(), AssignorError> {
    let mut total: u64 = 0;
    for (topic, &count) in topics {
        if count < 0 {
            return Err(AssignorError::NegativePartitionCount {
                topic: topic.clone(),
                count,
            });
        }
        total += count as u64;
    }
    if total > MAX_PARTITIONS {
        return Err(AssignorError::TooManyPartitions { total });
    }
    for (member, subs) in subscriptions {
        if let Some(topic) = subs.iter().find(|t| !topics.contains_key(*t)) {
            return Err(AssignorError::UnknownTopic {
                member: member.clone(),
                topic: topic.clone(),
            });
        }
    }
    Ok(())
}

/// [`validate`], then the chosen assignor.
pub fn assign(
    kind: AssignorKind,
    topics: &VecMap<String, i32>,
    subscriptions: &VecMap<String, Vec<String>>,
    previous: &Assignment,
) -> Result<Assignment, AssignorError> {
    validate(topics, subscriptions)?;
    Ok(match kind {
        AssignorKind::Range => range(topics, subscriptions),
        AssignorKind::RoundRobin => round_robin(topics, subscriptions),
        AssignorKind::Sticky => sticky(topics, subscriptions, previous),
        AssignorKind::CooperativeSticky => assign_cooperative(topics, subscriptions, previous).0,
    })
}

/// Marks "no owner" in the dense owner tables.
const NONE: u32 = u32::MAX;

/// The input on dense indices. Topics keep the map's (sorted) order, so a
/// global partition index `base[t] + p` sorts exactly as Kafka sorts
/// topic-partitions.
struct Ctx<'a> {
    names: Vec<&'a str>,
    /// `base[t]` = global index of partition 0 of topic `t`; one extra entry
    /// holds the total.
    base: Vec<u32>,
    members: Vec<&'a str>,
    /// Per member: the existing topics it subscribes to, sorted, no repeats.
    subs: Vec<Vec<u32>>,
}

impl<'a> Ctx<'a> {
    fn new(
        topics: &'a VecMap<String, i32>,
        subscriptions: &'a VecMap<String, Vec<String>>,
    ) -> Self {
        let names: Vec<&str> = topics.keys().map(String::as_str).collect();
        let mut base = Vec::with_capacity(names.len() + 1);
        let mut total: u32 = 0;
        for &count in topics.values() {
            base.push(total);
            // Negative counts are refused by `validate`; treat them as empty.
            total = total.saturating_add(count.max(0) as u32);
        }
        base.push(total);
        let members: Vec<&str> = subscriptions.keys().map(String::as_str).collect();
        let subs = subscriptions
            .values()
            .map(|list| {
                let mut ts: Vec<u32> = list
                    .iter()
                    .filter_map(|t| names.binary_search(&t.as_str()).ok().map(|i| i as u32))
                    .collect();
                ts.sort_unstable();
                ts.dedup();
                ts
            })
            .collect();
        Self {
            names,
            base,
            members,
            subs,
        }
    }

    fn total(&self) -> u32 {
        self.base[self.names.len()]
    }

    fn partitions(&self, t: u32) -> std::ops::Range<u32> {
        self.base[t as usize]..self.base[t as usize + 1]
    }

    fn subscribed(&self, m: usize, t: u32) -> bool {
        self.subs[m].binary_search(&t).is_ok()
    }

    /// Global index of a named partition, if the topic and partition exist.
    fn global(&self, tp: &TopicPartition) -> Option<u32> {
        let t = self.names.binary_search(&tp.topic.as_str()).ok()? as u32;
        let p = u32::try_from(tp.partition).ok()?;
        let r = self.partitions(t);
        (p < r.end - r.start).then_some(r.start + p)
    }

    fn topic_of(&self, g: u32) -> usize {
        self.base.partition_point(|&b| b <= g) - 1
    }

    fn to_tp(&self, g: u32) -> TopicPartition {
        let t = self.topic_of(g);
        TopicPartition::new(self.names[t], (g - self.base[t]) as i32)
    }

    /// Every member, with its partitions in topic-then-partition order.
    fn finish(&self, mut lists: Vec<Vec<u32>>) -> Assignment {
        VecMap::from_iter(self.members.iter().zip(lists.iter_mut()).map(|(m, list)| {
            list.sort_unstable();
            (m.to_string(), list.iter().map(|&g| self.to_tp(g)).collect())
        }))
    }

    fn finish_owners(&self, owner: &[u32]) -> Assignment {
        let mut lists = vec![Vec::new(); self.members.len()];
        for (g, &m) in owner.iter().enumerate() {
            if m != NONE {
                lists[m as usize].push(g as u32);
            }
        }
        self.finish(lists)
    }

    /// For each topic, the members subscribed to it, in member-id order.
    fn consumers_per_topic(&self) -> Vec<Vec<u32>> {
        let mut per = vec![Vec::new(); self.names.len()];
        for (m, ts) in self.subs.iter().enumerate() {
            for &t in ts {
                per[t as usize].push(m as u32);
            }
        }
        per
    }
}

/// `RangeAssignor`: per topic, over the members subscribed to it, member `i`
/// of `C` gets `P / C` contiguous partitions plus one if `i < P % C`.
///
/// The seed's first example (group `atguigu`):
///
/// ```
/// use streamlab_core::vec_map::VecMap;
/// use streamlab_core::consumer::range;
///
/// let topics = VecMap::from([("hello2".to_string(), 3), ("hello3".to_string(), 3)]);
/// let members = VecMap::from([
///     ("a".to_string(), vec!["hello2".to_string()]),
///     ("b".to_string(), vec!["hello2".to_string()]),
///     ("c".to_string(), vec!["hello3".to_string()]),
/// ]);
/// let a = range(&topics, &members);
/// let show = |m: &str| a[m].iter().map(|tp| tp.to_string()).collect::<Vec<_>>().join(",");
/// assert_eq!(show("a"), "hello2-0,hello2-1");
/// assert_eq!(show("b"), "hello2-2");
/// assert_eq!(show("c"), "hello3-0,hello3-1,hello3-2");
/// ```
pub fn range(
    topics: &VecMap<String, i32>,
    subscriptions: &VecMap<String, Vec<String>>,
) -> Assignment {
    let ctx = Ctx::new(topics, subscriptions);
    let mut lists = vec![Vec::new(); ctx.members.len()];
    for (t, consumers) in ctx.consumers_per_topic().iter().enumerate() {
        if consumers.is_empty() {
            continue;
        }
        let r = ctx.partitions(t as u32);
        let (p, c) = (r.end - r.start, consumers.len() as u32);
        let (n, extra) = (p / c, p % c);
        for (i, &m) in consumers.iter().enumerate() {
            let i = i as u32;
            let start = r.start + n * i + i.min(extra);
            let len = n + u32::from(i < extra);
            lists[m as usize].extend(start..start + len);
        }
    }
    ctx.finish(lists)
}

/// `RoundRobinAssignor`: all subscribed partitions in order, dealt to the
/// members in a circle, skipping a member not subscribed to the partition's
/// topic (Kafka's `CircularIterator`, which keeps its place between topics).
pub fn round_robin(
    topics: &VecMap<String, i32>,
    subscriptions: &VecMap<String, Vec<String>>,
) -> Assignment {
    let ctx = Ctx::new(topics, subscriptions);
    let members = ctx.members.len();
    let mut lists = vec![Vec::new(); members];
    let consumers = ctx.consumers_per_topic();
    let mut cursor = 0usize;
    for (t, subscribed) in consumers.iter().enumerate() {
        // An unsubscribed topic is not in Kafka's `allPartitionsSorted`; this
        // also guarantees the skipping loop below finds someone.
        if subscribed.is_empty() {
            continue;
        }
        for g in ctx.partitions(t as u32) {
            while !ctx.subscribed(cursor, t as u32) {
                cursor = (cursor + 1) % members;
            }
            lists[cursor].push(g);
            cursor = (cursor + 1) % members;
        }
    }
    ctx.finish(lists)
}

/// Per member, the previously owned partitions it may keep: the partition
/// still exists, the member still subscribes to its topic, and no member
/// earlier in id order claimed it too. (Kafka breaks such double claims by
/// generation; without generations, member-id order decides.)
fn previous_owned(ctx: &Ctx<'_>, previous: &Assignment) -> Vec<Vec<u32>> {
    let mut claimed = vec![false; ctx.total() as usize];
    ctx.members
        .iter()
        .enumerate()
        .map(|(m, id)| {
            let mut owned: Vec<u32> = previous
                .get(*id)
                .into_iter()
                .flatten()
                .filter_map(|tp| ctx.global(tp))
                .filter(|&g| ctx.subscribed(m, ctx.topic_of(g) as u32))
                .collect();
            owned.sort_unstable();
            owned.dedup();
            owned.retain(|&g| !std::mem::replace(&mut claimed[g as usize], true));
            owned
        })
        .collect()
}

/// `StickyAssignor`: as balanced as the subscriptions allow (no partition
/// could move to an eligible member with two or more fewer partitions), and
/// within that, as many partitions as possible stay with their previous owner.
///
/// Like the other bare assignor functions this trusts its input; call
/// [`validate`] (or use [`assign`]) for anything a user typed.
pub fn sticky(
    topics: &VecMap<String, i32>,
    subscriptions: &VecMap<String, Vec<String>>,
    previous: &Assignment,
) -> Assignment {
    let ctx = Ctx::new(topics, subscriptions);
    if ctx.members.is_empty() {
        return Assignment::new();
    }
    let owned = previous_owned(&ctx, previous);
    if ctx.subs.windows(2).all(|w| w[0] == w[1]) {
        ctx.finish(constrained(&ctx, owned))
    } else {
        ctx.finish_owners(&general(&ctx, owned))
    }
}

/// Kafka's `constrainedAssign`, for the common case where every member
/// subscribes to the same topics: each member ends with `min = P / C` or
/// `max = ⌈P / C⌉` partitions, and exactly `P % C` members get `max`.
fn constrained(ctx: &Ctx<'_>, owned: Vec<Vec<u32>>) -> Vec<Vec<u32>> {
    let c = ctx.members.len() as u32;
    let total: u32 = ctx.subs[0]
        .iter()
        .map(|&t| ctx.partitions(t).len() as u32)
        .sum();
    let min = (total / c) as usize;
    let expected_over = (total % c) as usize;
    let max = min + usize::from(expected_over > 0);

    let mut assigned: Vec<Vec<u32>> = Vec::with_capacity(owned.len());
    let mut taken = vec![false; ctx.total() as usize];
    let mut over = 0usize;
    let mut under: Vec<usize> = Vec::new();
    let mut exactly_min: VecDeque<usize> = VecDeque::new();

    // 1. Keep what each member owned, up to its quota.
    for (m, mut mine) in owned.into_iter().enumerate() {
        if mine.len() < min {
            under.push(m);
        } else if mine.len() >= max && over < expected_over {
            mine.truncate(max);
            over += 1;
            if over == expected_over {
                exactly_min.clear();
            }
        } else {
            mine.truncate(min);
            if over < expected_over {
                exactly_min.push_back(m);
            }
        }
        for &g in &mine {
            taken[g as usize] = true;
        }
        assigned.push(mine);
    }

    // 2. Deal the rest round-robin to the members under `min`, then one each
    //    to members at `min` until `P % C` members have `max`.
    let mut pos = 0usize;
    for &t in &ctx.subs[0] {
        for g in ctx.partitions(t) {
            if taken[g as usize] {
                continue;
            }
            let from_under = !under.is_empty();
            let m = if from_under {
                if pos >= under.len() {
                    pos = 0;
                }
                under[pos]
            } else if let Some(m) = exactly_min.pop_front() {
                m
            } else {
                // Unreachable by the quota arithmetic; leaving a partition
                // unassigned beats panicking in a simulation.
                debug_assert!(false, "constrained sticky ran out of members");
                break;
            };
            assigned[m].push(g);
            let count = assigned[m].len();
            if from_under {
                if count == min {
                    under.remove(pos);
                    exactly_min.push_back(m);
                } else {
                    pos += 1;
                }
            }
        }
    }
    assigned
}

/// The general case (members subscribe to different topics): keep valid
/// previous ownership, give each unassigned partition (fewest eligible
/// members first) to its least-loaded eligible member, then move partitions
/// one at a time from a member to an eligible one with at least two fewer
/// until no such move exists. Each move lowers the sum of squared loads, so
/// the loop ends.
fn general(ctx: &Ctx<'_>, owned: Vec<Vec<u32>>) -> Vec<u32> {
    let consumers = ctx.consumers_per_topic();
    let mut owner = vec![NONE; ctx.total() as usize];
    let mut counts = vec![0u32; ctx.members.len()];
    for (m, mine) in owned.iter().enumerate() {
        for &g in mine {
            owner[g as usize] = m as u32;
        }
        counts[m] = mine.len() as u32;
    }

    let least_loaded = |counts: &[u32], candidates: &[u32]| -> u32 {
        let mut best = candidates[0];
        for &m in &candidates[1..] {
            if counts[m as usize] < counts[best as usize] {
                best = m;
            }
        }
        best
    };

    // Unowned partitions by (number of consumers, partition): they are
    // pushed in partition order, so taking them count by count keeps that
    // order (and needs no sort of tuples, its own code in the wasm).
    let mut unassigned: Vec<(usize, u32, u32)> = Vec::new();
    for (t, cs) in consumers.iter().enumerate() {
        if cs.is_empty() {
            continue;
        }
        for g in ctx.partitions(t as u32) {
            if owner[g as usize] == NONE {
                unassigned.push((cs.len(), g, t as u32));
            }
        }
    }
    let mut lens: Vec<usize> = unassigned.iter().map(|u| u.0).collect();
    lens.sort_unstable();
    lens.dedup();
    for len in lens {
        for &(_, g, t) in unassigned.iter().filter(|u| u.0 == len) {
            let m = least_loaded(&counts, &consumers[t as usize]);
            owner[g as usize] = m;
            counts[m as usize] += 1;
        }
    }

    // Partitions handed out above move before any previously owned one, so
    // owners keep what they had whenever balance allows it.
    let mut kept = vec![false; owner.len()];
    for &g in owned.iter().flatten() {
        kept[g as usize] = true;
    }
    let mut pass = |may_move_kept: bool| -> bool {
        let mut changed = false;
        // Loads only rise from the minimum during a pass, so a member within
        // one of this (stale) minimum can never give anything away: skip the
        // candidate scan for its partitions.
        let lowest = counts.iter().copied().min().unwrap_or(0);
        for (t, cs) in consumers.iter().enumerate() {
            if cs.len() < 2 {
                continue;
            }
            for g in ctx.partitions(t as u32) {
                if (kept[g as usize] && !may_move_kept)
                    || counts[owner[g as usize] as usize] <= lowest + 1
                {
                    continue;
                }
                let from = owner[g as usize];
                let to = least_loaded(&counts, cs);
                if counts[to as usize] + 1 < counts[from as usize] {
                    owner[g as usize] = to;
                    counts[from as usize] -= 1;
                    counts[to as usize] += 1;
                    changed = true;
                }
            }
        }
        changed
    };
    while pass(false) || pass(true) {}
    owner
}

/// `CooperativeStickyAssignor` for one generation (KIP-429): the sticky
/// target, except that a partition whose owner changes is only revoked from
/// its previous owner this round and given to the new owner in the next
/// rebalance. Returns the assignment and the partitions revoked, sorted.
/// A partition whose previous owner left the group moves at once: nobody has
/// to give it up.
pub fn assign_cooperative(
    topics: &VecMap<String, i32>,
    subscriptions: &VecMap<String, Vec<String>>,
    previous: &Assignment,
) -> (Assignment, Vec<TopicPartition>) {
    let mut target = sticky(topics, subscriptions, previous);
    let owners = owners(
        previous
            .iter()
            .filter(|(member, _)| subscriptions.contains_key(*member)),
    );
    // Each partition is in one target list, so a set sorts them (and shares
    // code the wasm has; a sort would be its own copy).
    let mut revoked = crate::vec_map::VecSet::new();
    for (member, list) in target.iter_mut() {
        list.retain(|tp| match owners.get(tp) {
            Some(old) if *old != member.as_str() => {
                revoked.insert(tp.clone());
                false
            }
            _ => true,
        });
    }
    (target, revoked.into_iter().collect())
}

/// Partition → owner; a partition listed twice belongs to the first member
/// in id order, as in [`sticky`].
fn owners<'a>(
    assignment: impl Iterator<Item = (&'a String, &'a Vec<TopicPartition>)>,
) -> VecMap<&'a TopicPartition, &'a str> {
    let mut out = VecMap::new();
    for (member, list) in assignment {
        for tp in list {
            out.entry(tp).or_insert(member.as_str());
        }
    }
    out
}

/// Partitions that had an owner in `previous` and have a different owner (or
/// none) in `next`, sorted — what the UI highlights after a rebalance.
/// A partition that had no owner before is not a move.
pub fn moved(previous: &Assignment, next: &Assignment) -> Vec<TopicPartition> {
    let before = owners(previous.iter());
    let after = owners(next.iter());
    before
        .into_iter()
        .filter(|(tp, member)| after.get(tp) != Some(member))
        .map(|(tp, _)| tp.clone())
        .collect()
}

#[cfg(test)]
mod tests;
