//! `streamlab partition`, `assign` and `place` run as a user runs them: the
//! built binary, arguments, stdin, stdout, stderr and the exit code.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn streamlab(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_streamlab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn streamlab");
    // The command may exit before reading stdin (e.g. an unknown assignor).
    let _ = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes());
    child.wait_with_output().expect("wait")
}

fn ok(args: &[&str], stdin: &str) -> String {
    let out = streamlab(args, stdin);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?} failed: {stderr}");
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

/// Bad input: exit code 1, a message on stderr, no panic, nothing on stdout.
fn fails(args: &[&str], stdin: &str, message: &str) {
    let out = streamlab(args, stdin);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    assert!(
        stderr.contains(message),
        "{args:?}: {stderr:?} lacks {message:?}"
    );
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    assert!(out.stdout.is_empty(), "{args:?} printed on failure");
}

fn assign(assignor: &str, input: &str) -> serde_json::Value {
    let text = ok(&["assign", "--assignor", assignor], input);
    serde_json::from_str(&text).expect("JSON output")
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("test JSON")
}

#[test]
fn partition_prints_key_tab_partition() {
    let out = ok(
        &["partition", "--partitions", "3", "21", "foobar", "abc"],
        "",
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3);
    // toPositive(murmur2(key)) % 3, with the values Kafka's UtilsTest checks.
    for (line, (key, hash)) in lines.iter().zip([
        ("21", -973_932_308i32),
        ("foobar", -790_332_482),
        ("abc", 479_470_107),
    ]) {
        assert_eq!(*line, format!("{key}\t{}", (hash & 0x7fff_ffff) % 3));
    }
}

#[test]
fn partition_explains_the_arithmetic() {
    let out = ok(&["partition", "--partitions", "3", "--explain", "21"], "");
    assert!(
        out.contains("murmur2(\"21\") = -973932308 → toPositive = 1173551340 → 1173551340 % 3 = 0"),
        "{out}"
    );
}

#[test]
fn partition_null_keys_follow_the_strategy() {
    let rr = ok(
        &[
            "partition",
            "--partitions",
            "3",
            "--strategy",
            "round-robin",
            "--null-keys",
            "4",
        ],
        "",
    );
    assert_eq!(rr, "null\t0\nnull\t1\nnull\t2\nnull\t0\n");
    let args = [
        "partition",
        "--partitions",
        "4",
        "--strategy",
        "sticky",
        "--null-keys",
        "6",
        "--batch-size",
        "3",
        "--seed",
        "7",
    ];
    let sticky = ok(&args, "");
    let parts: Vec<&str> = sticky
        .lines()
        .map(|l| l.trim_start_matches("null\t"))
        .collect();
    assert_eq!(parts[0], parts[1]);
    assert_eq!(parts[1], parts[2]);
    assert_eq!(parts[3], parts[4]);
    assert_ne!(parts[2], parts[3], "a new batch moves to another partition");
    // Seeded: the same command gives the same answer.
    assert_eq!(sticky, ok(&args, ""));
}

#[test]
fn partition_bad_input() {
    let msg = "Number of partitions must be larger than 0.";
    fails(&["partition", "--partitions", "0", "k"], "", msg);
    fails(&["partition", "--partitions", "-3", "k"], "", msg);
    fails(&["partition", "--partitions", "99999999999", "k"], "", msg);
    fails(
        &["partition", "--partitions", "x", "k"],
        "",
        "invalid value 'x'",
    );
    fails(
        &["partition", "--partitions", "3", "--strategy", "hash", "k"],
        "",
        "hash",
    );
    fails(&["partition", "--partitions", "3"], "", "at least one KEY");
}

const FIXTURE_1: &str = r#"{"topics":{"hello2":3,"hello3":3},
  "members":{"a":["hello2"],"b":["hello2"],"c":["hello3"]}}"#;

#[test]
fn seed_example_1_range_and_roundrobin() {
    assert_eq!(
        assign("range", FIXTURE_1),
        json(
            r#"{"a":["hello2-0","hello2-1"],"b":["hello2-2"],"c":["hello3-0","hello3-1","hello3-2"]}"#
        )
    );
    assert_eq!(
        assign("roundrobin", FIXTURE_1),
        json(
            r#"{"a":["hello2-0","hello2-2"],"b":["hello2-1"],"c":["hello3-0","hello3-1","hello3-2"]}"#
        )
    );
    // Kafka's class name works too.
    assert_eq!(
        assign(
            "org.apache.kafka.clients.consumer.RoundRobinAssignor",
            FIXTURE_1
        ),
        assign("round-robin", FIXTURE_1)
    );
}

#[test]
fn seed_example_2_range_gives_a_six() {
    let input = r#"{"topics":{"hello2":4,"hello3":4,"hello4":4},
      "members":{"a":["hello2","hello3","hello4"],"b":["hello2","hello3","hello4"],
                 "c":["hello2","hello3","hello4"]}}"#;
    assert_eq!(
        assign("range", input),
        json(
            r#"{"a":["hello2-0","hello2-1","hello3-0","hello3-1","hello4-0","hello4-1"],
                "b":["hello2-2","hello3-2","hello4-2"],
                "c":["hello2-3","hello3-3","hello4-3"]}"#
        )
    );
}

#[test]
fn seed_example_3_d_waits_then_takes_over() {
    let four = r#"{"topics":{"hello2":3},
      "members":{"a":["hello2"],"b":["hello2"],"c":["hello2"],"d":["hello2"]}}"#;
    for assignor in ["range", "roundrobin", "sticky", "cooperative-sticky"] {
        let before = assign(assignor, four);
        assert_eq!(
            before["d"],
            json("[]"),
            "{assignor}: d is listed, with nothing"
        );
        let owned = before.to_string();
        // c fails; a, b, d rebalance (sticky ones told who owned what).
        let three = format!(
            r#"{{"topics":{{"hello2":3}},"members":{{"a":["hello2"],"b":["hello2"],"d":["hello2"]}},"previous":{owned}}}"#
        );
        let after = assign(assignor, &three);
        assert_eq!(
            after["d"].as_array().map(Vec::len),
            Some(1),
            "{assignor}: {after}"
        );
        if assignor.contains("sticky") {
            assert_eq!(
                after["d"], before["c"],
                "{assignor}: d inherits exactly c's partition"
            );
            assert_eq!(after["a"], before["a"]);
        }
    }
}

#[test]
fn assign_output_is_ordered_and_lists_everyone() {
    let input = r#"{"topics":{"b":2,"a":2},"members":{"z":["b","a"],"y":[]}}"#;
    assert_eq!(
        ok(&["assign", "--assignor", "range"], input),
        "{\"y\":[],\"z\":[\"a-0\",\"a-1\",\"b-0\",\"b-1\"]}\n"
    );
    // Topic names with dashes and a numbered partition ten.
    let input = r#"{"topics":{"my-topic":11},"members":{"a":["my-topic"]},"previous":{"a":["my-topic-10"]}}"#;
    let out = assign("sticky", input);
    assert_eq!(out["a"].as_array().map(Vec::len), Some(11));
    assert_eq!(out["a"][10], json("\"my-topic-10\""));
}

#[test]
fn assign_bad_input() {
    fails(
        &["assign", "--assignor", "fair"],
        FIXTURE_1,
        "Valid assignors: range, roundrobin, sticky, cooperative-sticky",
    );
    fails(&["assign"], "{\"topics\":", "invalid input JSON");
    fails(&["assign"], "", "invalid input JSON");
    fails(
        &["assign"],
        r#"{"topics":{"t":1},"members":{"a":["t"]},"extra":1}"#,
        "unknown field",
    );
    fails(
        &["assign"],
        r#"{"topics":{"t":1},"members":{"a":["u"]}}"#,
        "Member a subscribes to topic u",
    );
    fails(
        &["assign"],
        r#"{"topics":{"t":-1},"members":{"a":["t"]}}"#,
        "negative number of partitions: -1",
    );
    fails(
        &["assign"],
        r#"{"topics":{"t":1.5},"members":{"a":["t"]}}"#,
        "invalid input JSON",
    );
    fails(
        &["assign"],
        r#"{"topics":{"t":4000000000},"members":{}}"#,
        "too many partitions",
    );
    fails(
        &["assign"],
        r#"{"topics":{"t":2000000000},"members":{}}"#,
        "more than this simulator assigns",
    );
    fails(
        &["assign", "--assignor", "sticky"],
        r#"{"topics":{"t":1},"members":{"a":["t"]},"previous":{"a":["t0"]}}"#,
        "not a topic-partition",
    );
}

#[test]
fn place_matches_kafkas_rack_unaware_vector() {
    // SPEC §2: 5 brokers, 10 partitions, RF 3, start 0, shift 0.
    let out = ok(
        &[
            "place",
            "--brokers",
            "4,3,2,1,0",
            "--partitions",
            "10",
            "--replication-factor",
            "3",
        ],
        "",
    );
    let rows: Vec<Vec<i32>> = out
        .lines()
        .enumerate()
        .map(|(p, line)| {
            let (num, list) = line.split_once(": ").expect("P: list");
            assert_eq!(num, p.to_string());
            list.split(',')
                .map(|b| b.parse().expect("broker id"))
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 10);
    let holding = |replica: usize, broker: i32| -> Vec<usize> {
        (0..10).filter(|&p| rows[p][replica] == broker).collect()
    };
    for b in 0..5 {
        assert_eq!(holding(0, b), vec![b as usize, b as usize + 5]);
    }
    assert_eq!(holding(1, 0), vec![4, 8]);
    assert_eq!(holding(2, 0), vec![3, 7]);
    // start index and shift move the replicas.
    let shifted = ok(
        &[
            "place",
            "--brokers",
            "0,1,2",
            "--partitions",
            "1",
            "--replication-factor",
            "2",
            "--start-index",
            "1",
            "--shift",
            "1",
        ],
        "",
    );
    assert_eq!(shifted, "0: 1,0\n");
}

#[test]
fn place_bad_input() {
    fails(
        &[
            "place",
            "--brokers",
            "0,1,2",
            "--partitions",
            "3",
            "--replication-factor",
            "4",
        ],
        "",
        "Replication factor: 4 larger than available brokers: 3.",
    );
    fails(
        &[
            "place",
            "--brokers",
            "0,1,1",
            "--partitions",
            "3",
            "--replication-factor",
            "1",
        ],
        "",
        "listed twice",
    );
    fails(
        &[
            "place",
            "--brokers",
            "0,x",
            "--partitions",
            "3",
            "--replication-factor",
            "1",
        ],
        "",
        "not a broker id",
    );
    fails(
        &[
            "place",
            "--brokers",
            "0,1",
            "--partitions",
            "0",
            "--replication-factor",
            "1",
        ],
        "",
        "Number of partitions must be larger than 0.",
    );
    fails(
        &[
            "place",
            "--brokers",
            "0,1",
            "--partitions",
            "2",
            "--replication-factor",
            "-1",
        ],
        "",
        "Replication factor must be larger than 0.",
    );
    fails(
        &[
            "place",
            "--brokers",
            "0,1",
            "--partitions",
            "2",
            "--replication-factor",
            "1",
            "--start-index",
            "-1",
        ],
        "",
        "--start-index must be 0 or more",
    );
}
