//! `streamlab partition`, `assign` and `place`: the client-side algorithms
//! (producer partitioner, consumer assignors, replica placement) on their own,
//! for scripting and for checking against a real cluster.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Read;

use streamlab_core::cluster::placement::assign_replicas_to_brokers;
use streamlab_core::consumer::{self, AssignorKind};
use streamlab_core::ids::{BrokerId, TopicPartition};
use streamlab_core::producer::{explain, NullKeyStrategy, Partitioner};
use streamlab_core::rng::SimRng;
use streamlab_core::vec_map::VecMap;
use streamlab_core::CommandError;

/// Options of `streamlab partition`.
pub struct PartitionArgs {
    pub partitions: i64,
    pub strategy: String,
    pub null_keys: u32,
    pub batch_size: u32,
    pub seed: u64,
    pub explain: bool,
    pub keys: Vec<String>,
}

/// One `KEY<TAB>PARTITION` line per key (keys as UTF-8, as Kafka's
/// `StringSerializer` sends them), then one `null<TAB>PARTITION` line per
/// null-key record.
pub fn partition(args: PartitionArgs) -> Result<String, String> {
    let n = positive_i32(args.partitions, || {
        CommandError::PartitionsNotPositive.to_string()
    })?;
    let strategy: NullKeyStrategy = args.strategy.parse().map_err(|e| format!("{e}"))?;
    if args.keys.is_empty() && args.null_keys == 0 {
        return Err("no records: give at least one KEY or --null-keys N".into());
    }
    if args.batch_size == 0 {
        return Err("--batch-size must be larger than 0".into());
    }
    let mut partitioner = Partitioner::new(strategy);
    let mut rng = SimRng::derive(args.seed, "partitioner");
    let mut out = String::new();
    for key in &args.keys {
        let p = partitioner.partition("t", Some(key.as_bytes()), None, n, &mut rng);
        if args.explain {
            let _ = writeln!(out, "{key}\t{p}\t{}", explain(key.as_bytes(), n));
        } else {
            let _ = writeln!(out, "{key}\t{p}");
        }
    }
    for i in 0..args.null_keys {
        // The sticky partitioner moves on when a batch fills up.
        if i > 0 && i % args.batch_size == 0 {
            partitioner.on_new_batch("t");
        }
        let p = partitioner.partition("t", None, None, n, &mut rng);
        let _ = writeln!(out, "null\t{p}");
    }
    Ok(out)
}

/// The JSON `streamlab assign` reads on stdin.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AssignInput {
    topics: BTreeMap<String, i64>,
    members: BTreeMap<String, Vec<String>>,
    /// Member → partitions it owned (`"t-0"`), for the sticky assignors.
    #[serde(default)]
    previous: BTreeMap<String, Vec<String>>,
}

/// Runs an assignor over the group described by `input` and renders the
/// result as `{"a":["t-0","t-1"],...}`.
pub fn assign(assignor: &str, mut input: impl Read) -> Result<String, String> {
    let kind: AssignorKind = assignor.parse().map_err(|e| format!("{e}"))?;
    let mut text = String::new();
    input
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    let parsed: AssignInput = serde_json::from_str(&text).map_err(|e| {
        format!(
            "invalid input JSON ({e}); expected {{\"topics\":{{\"t\":3}},\"members\":{{\"a\":[\"t\"]}}}} with an optional \"previous\":{{\"a\":[\"t-0\"]}}"
        )
    })?;
    let mut topics = VecMap::new();
    for (topic, count) in parsed.topics {
        let count = i32::try_from(count).map_err(|_| {
            if count < 0 {
                format!("Topic {topic} has a negative number of partitions: {count}")
            } else {
                format!("Topic {topic} has too many partitions: {count}")
            }
        })?;
        topics.insert(topic, count);
    }
    let mut previous = consumer::Assignment::new();
    for (member, list) in parsed.previous {
        let tps = list
            .iter()
            .map(|s| parse_topic_partition(s))
            .collect::<Result<Vec<_>, _>>()?;
        previous.insert(member, tps);
    }
    let members: VecMap<String, Vec<String>> = parsed.members.into_iter().collect();
    let result = consumer::assign(kind, &topics, &members, &previous).map_err(|e| e.to_string())?;
    let rendered: BTreeMap<&str, Vec<String>> = result
        .iter()
        .map(|(m, tps)| (m.as_str(), tps.iter().map(ToString::to_string).collect()))
        .collect();
    let mut json = serde_json::to_string(&rendered).map_err(|e| e.to_string())?;
    json.push('\n');
    Ok(json)
}

/// `"hello-world-2"` → topic `hello-world`, partition 2 (topic names may
/// contain `-`, the number is after the last one).
fn parse_topic_partition(s: &str) -> Result<TopicPartition, String> {
    s.rsplit_once('-')
        .and_then(|(t, p)| {
            let p: i32 = p.parse().ok()?;
            (!t.is_empty() && p >= 0).then(|| TopicPartition::new(t, p))
        })
        .ok_or_else(|| format!("\"{s}\" in \"previous\" is not a topic-partition like \"t-0\""))
}

/// Options of `streamlab place`.
pub struct PlaceArgs {
    pub brokers: String,
    pub partitions: i64,
    pub replication_factor: i64,
    pub start_index: i64,
    pub shift: i64,
}

/// Kafka's rack-unaware replica placement, one `P: b1,b2,b3` line per partition.
pub fn place(args: PlaceArgs) -> Result<String, String> {
    let mut brokers: Vec<BrokerId> = Vec::new();
    let mut seen = BTreeSet::new();
    for part in args.brokers.split(',').map(str::trim) {
        let id: BrokerId =
            part.parse().ok().filter(|id| *id >= 0).ok_or_else(|| {
                format!("--brokers: \"{part}\" is not a broker id (a number ≥ 0)")
            })?;
        if !seen.insert(id) {
            return Err(format!("--brokers: broker id {id} is listed twice"));
        }
        brokers.push(id);
    }
    // Kafka sorts the broker list by id before placing.
    brokers.sort_unstable();
    let partitions = positive_i32(args.partitions, || {
        CommandError::PartitionsNotPositive.to_string()
    })?;
    let rf = positive_i32(args.replication_factor, || {
        CommandError::ReplicationFactorNotPositive.to_string()
    })?;
    let start = u32::try_from(args.start_index)
        .map_err(|_| format!("--start-index must be 0 or more, not {}", args.start_index))?;
    let shift = u32::try_from(args.shift)
        .map_err(|_| format!("--shift must be 0 or more, not {}", args.shift))?;
    let placed = assign_replicas_to_brokers(&brokers, partitions, rf, start, shift, 0)
        .map_err(|e| e.to_string())?;
    let mut out = String::new();
    for (p, replicas) in placed.iter().enumerate() {
        let list: Vec<String> = replicas.iter().map(ToString::to_string).collect();
        let _ = writeln!(out, "{p}: {}", list.join(","));
    }
    Ok(out)
}

/// `n` as a positive `i32`, or the given message.
fn positive_i32(n: i64, message: impl Fn() -> String) -> Result<i32, String> {
    i32::try_from(n).ok().filter(|n| *n > 0).ok_or_else(message)
}
