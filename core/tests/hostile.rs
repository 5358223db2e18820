//! Hostile input (issue 21): sizes beyond `limits.rs` are refused with a
//! typed message before anything is allocated, quickly, and the session keeps
//! working afterwards.

use std::time::{Duration, Instant};
use streamlab_core::limits::{MAX_PARTITIONS_PER_CLUSTER, MAX_PARTITIONS_PER_TOPIC};
use streamlab_core::script::Session;

const CREATE: &str = "kafka-topics.sh --bootstrap-server localhost:9092 --create";

/// Runs `prelude` (which must succeed), then `line`; returns `line`'s output
/// text, asserting it is an error and came back within a second.
fn refused(prelude: &str, line: &str) -> (Session, String) {
    let mut s = Session::new();
    let ok = s.run(prelude);
    assert!(ok.iter().all(|o| !o.is_error), "{ok:?}");
    let t = Instant::now();
    let out = s.run(line);
    assert!(
        t.elapsed() < Duration::from_secs(1),
        "{line} took {:?}",
        t.elapsed()
    );
    let last = out.last().expect("an output");
    assert!(last.is_error, "{line} was accepted: {last:?}");
    (s, last.text.clone())
}

fn still_works(s: &mut Session) {
    let after = s.run("sim status\n");
    assert!(after.iter().all(|o| !o.is_error), "{after:?}");
}

#[test]
fn huge_partition_count_on_create_is_refused_not_allocated() {
    for n in [i32::MAX, 10_000_000, MAX_PARTITIONS_PER_TOPIC + 1] {
        let (mut s, text) = refused(
            "sim brokers 3\n",
            &format!("{CREATE} --topic t --partitions {n} --replication-factor 1\n"),
        );
        assert!(
            text.contains("limit of 1000 partitions per topic"),
            "{text}"
        );
        still_works(&mut s);
    }
}

#[test]
fn the_limit_itself_is_accepted() {
    let mut s = Session::new();
    let out = s.run(&format!(
        "sim brokers 3\n{CREATE} --topic t --partitions {MAX_PARTITIONS_PER_TOPIC} --replication-factor 1\n"
    ));
    assert!(out.iter().all(|o| !o.is_error), "{out:?}");
}

#[test]
fn huge_partition_count_on_alter_is_refused() {
    let (mut s, text) = refused(
        &format!("sim brokers 3\n{CREATE} --topic t --partitions 1 --replication-factor 1\n"),
        "kafka-topics.sh --bootstrap-server localhost:9092 --alter --topic t --partitions 2147483647\n",
    );
    assert!(
        text.contains("limit of 1000 partitions per topic"),
        "{text}"
    );
    still_works(&mut s);
}

#[test]
fn cluster_partition_total_is_bounded() {
    let topics = MAX_PARTITIONS_PER_CLUSTER / MAX_PARTITIONS_PER_TOPIC;
    let prelude: String = std::iter::once("sim brokers 1\n".to_string())
        .chain((0..topics).map(|i| {
            format!("{CREATE} --topic t{i} --partitions {MAX_PARTITIONS_PER_TOPIC} --replication-factor 1\n")
        }))
        .collect();
    let (mut s, text) = refused(
        &prelude,
        &format!("{CREATE} --topic extra --partitions 1 --replication-factor 1\n"),
    );
    assert!(
        text.contains("over this simulator's limit of 10000"),
        "{text}"
    );
    still_works(&mut s);
}

#[test]
fn dot_and_underscore_topics_collide_as_kafka_says() {
    let (mut s, text) = refused(
        &format!(
            "sim brokers 1\n{CREATE} --topic my.topic --partitions 1 --replication-factor 1\n"
        ),
        &format!("{CREATE} --topic my_topic --partitions 1 --replication-factor 1\n"),
    );
    assert_eq!(
        text.trim(),
        "Topic 'my_topic' collides with existing topics: my.topic"
    );
    still_works(&mut s);
}
