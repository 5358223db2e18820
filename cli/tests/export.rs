//! `streamlab export` of a hostile scenario, run by bash with stub tools on
//! PATH: nothing but the stubs runs, and each stub receives exactly the
//! words (and here-document text) the scenario meant. A payload that ran
//! would call `pwned` (also a stub, so it is seen) or leave a file behind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Every shell construct a shared scenario could smuggle into a line, a
/// here-document, a value, a key, a group or member name or a file name.
const HOSTILE: &str = r#"# Every way a shared scenario could try to run shell through its export.
sim brokers 3
kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t --partitions 1 --replication-factor 1
kafka-topics.sh --bootstrap-server localhost:9092 --create --topic u --partitions 1 --replication-factor 1 --config 'retention.ms=$(pwned 1)'
kafka-topics.sh --bootstrap-server localhost:9092 --list $(pwned 2)
kafka-topics.sh --bootstrap-server localhost:9092 --list `pwned 3`
kafka-topics.sh --bootstrap-server localhost:9092 --list ; pwned 4
kafka-topics.sh --bootstrap-server localhost:9092 --list && pwned 5 || pwned 6
kafka-topics.sh --bootstrap-server localhost:9092 --list | pwned 7 > pwned-file & pwned 8
kafka-topics.sh --bootstrap-server $HOME --describe --topic "$PATH" ${IFS} * ~ {a,b} \$x #9
bin/kafka-topics.sh --bootstrap-server=localhost:9092 --describe --topic "t\"" 'it'\''s'
kafka-console-producer.sh --bootstrap-server localhost:9092 --topic t <<EOF
$(pwned 10)
`pwned 11`
${HOME} $PATH \
it's "quoted" \ back
EOF
kafka-console-producer.sh --bootstrap-server localhost:9092 --topic t --bogus <<EOF
$(pwned 23)
EOF
kafka-console-producer.sh --bootstrap-server localhost:9092 --topic t <<'M$(pwned)'
EOF
	EOF
M$(pwned)
sim produce t "$(pwned 13)" --key '`pwned 14`'
sim produce t 'v;pwned 15' --key "k'q\":|=~" --count 3
sim consumer join 'g$(pwned 16)' "m;pwned 17" --topics t
sim advance 2s
sim consumer leave 'g$(pwned 16)' "m;pwned 17"
kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group '$(pwned 18)'
kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic t --group "g\$(pwned 19)" --from-beginning
sim advance 10ms
sim crash 1
sim heal
sim restart 1
flume-ng agent --name a1 --conf-file '$(pwned 20)' <<EOF
a1.sources = r1
a1.channels = c1
a1.sinks = k1
a1.sources.r1.type = seq
a1.sources.r1.totalEvents = 1
a1.sources.r1.channels = c1
a1.channels.c1.type = memory
a1.sinks.k1.type = logger
a1.sinks.k1.channel = c1
# $(pwned 21) `pwned 22`
EOF
sim flume metrics a1
"#;

/// Each stub appends one record per call to its own file: its name, its
/// arguments, then what it read on stdin (for `flume-ng`, the properties
/// file it was given), NUL-separated. One file per call, because group
/// members and agents run in the background, concurrently (the script
/// waits 2 s before it stops the member, so the stub has started).
const STUB: &str = r#"#!/bin/bash
# A member stopped with SIGTERM (`sim consumer leave`) still records.
trap '' TERM
record=$(mktemp "$STUB_CALLS/call.XXXXXXXX")
{
  printf '%s\0' "${0##*/}" "$@"
  if [[ ${0##*/} == flume-ng ]]; then
    while [[ $# -gt 0 && $1 != --conf-file ]]; do shift; done
    cat "$2"
  else
    cat
  fi
} >"$record"
"#;

const STUBS: &[&str] = &[
    "kafka-topics.sh",
    "kafka-console-producer.sh",
    "kafka-console-consumer.sh",
    "kafka-consumer-groups.sh",
    "kafka-server-start.sh",
    "kafka-server-stop.sh",
    "kafka-leader-election.sh",
    "kafka-configs.sh",
    "flume-ng",
    "curl",
    "fault",
    "pwned",
];

/// One call a stub saw: its arguments and input.
type Call = (Vec<String>, String);

fn calls(dir: &Path) -> BTreeMap<String, Vec<Call>> {
    let mut out: BTreeMap<String, Vec<Call>> = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("calls dir") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("call record");
        let text = String::from_utf8(bytes).expect("UTF-8 record");
        let mut fields: Vec<String> = text.split('\0').map(String::from).collect();
        let input = fields.pop().unwrap_or_default();
        let name = fields.remove(0);
        out.entry(name).or_default().push((fields, input));
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

fn words(ws: &[&str]) -> Vec<String> {
    ws.iter().map(|w| w.to_string()).collect()
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn a_hostile_scenario_runs_nothing_but_the_tools_it_names() {
    if Command::new("bash").arg("-c").arg("true").status().is_err() {
        eprintln!("no bash here: the hostile export test is skipped");
        return;
    }
    let root = fresh_dir("hostile-export");
    let (bin, calls_dir, cwd) = (root.join("bin"), root.join("calls"), root.join("cwd"));
    for d in [&bin, &calls_dir, &cwd] {
        std::fs::create_dir_all(d).expect("dir");
    }
    for name in STUBS {
        let path = bin.join(name);
        std::fs::write(&path, STUB).expect("stub");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let script = root.join("hostile.script");
    std::fs::write(&script, HOSTILE).expect("script");
    let export = Command::new(env!("CARGO_BIN_EXE_streamlab"))
        .arg("export")
        .arg(&script)
        .output()
        .expect("streamlab runs");
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let shell = root.join("hostile.sh");
    std::fs::write(&shell, &export.stdout).expect("exported script");

    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = Command::new("bash")
        .arg(&shell)
        .current_dir(&cwd)
        .env("PATH", path)
        .env("STUB_CALLS", &calls_dir)
        .env("STREAMLAB_FAULTS", bin.join("fault"))
        .env("BOOTSTRAP", "127.0.0.1:1")
        .env("CONSUMER_TIMEOUT_MS", "7")
        .env("FLUME_MONITORING_PORT", "9")
        .env("HOME", "/nonexistent-home")
        .stdin(Stdio::null())
        .output()
        .expect("bash runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "bash failed: {stderr}");
    assert!(!stderr.contains("command not found"), "{stderr}");

    let seen = calls(&calls_dir);
    assert!(
        !seen.contains_key("pwned"),
        "a payload ran: {:?}",
        seen.get("pwned")
    );
    let left: Vec<_> = std::fs::read_dir(&cwd).expect("cwd").collect();
    assert!(
        left.is_empty(),
        "files appeared in the working directory: {left:?}"
    );

    let b = ["--bootstrap-server", "127.0.0.1:1"];
    let topics = |rest: &[&str]| (words(&[&b[..], rest].concat()), String::new());
    let mut expected: BTreeMap<String, Vec<Call>> = BTreeMap::new();
    expected.insert(
        "kafka-topics.sh".into(),
        vec![
            topics(&[
                "--create",
                "--topic",
                "t",
                "--partitions",
                "1",
                "--replication-factor",
                "1",
            ]),
            topics(&[
                "--create",
                "--topic",
                "u",
                "--partitions",
                "1",
                "--replication-factor",
                "1",
                "--config",
                "retention.ms=$(pwned 1)",
            ]),
            topics(&["--list", "$(pwned", "2)"]),
            topics(&["--list", "`pwned", "3`"]),
            topics(&["--list", ";", "pwned", "4"]),
            topics(&["--list", "&&", "pwned", "5", "||", "pwned", "6"]),
            topics(&[
                "--list",
                "|",
                "pwned",
                "7",
                ">",
                "pwned-file",
                "&",
                "pwned",
                "8",
            ]),
            topics(&[
                "--describe",
                "--topic",
                "$PATH",
                "${IFS}",
                "*",
                "~",
                "{a,b}",
                "$x",
                "#9",
            ]),
            topics(&["--describe", "--topic", "t\"", "it's"]),
        ],
    );
    let producer_settings = [
        "--request-required-acks",
        "1",
        "--producer-property",
        "enable.idempotence=false",
        "--producer-property",
        "retries=2147483647",
        "--producer-property",
        "request.timeout.ms=30000",
        "--producer-property",
        "linger.ms=0",
        "--producer-property",
        "client.id=producer-acks1",
        "--property",
        "parse.key=true",
        "--property",
    ];
    let producer = |rest: &[&str], input: &str| {
        (
            words(&[&b[..], &["--topic", "t"], rest].concat()),
            input.to_string(),
        )
    };
    expected.insert(
        "kafka-console-producer.sh".into(),
        vec![
            producer(
                &[],
                "$(pwned 10)\n`pwned 11`\n${HOME} $PATH \\\nit's \"quoted\" \\ back\n",
            ),
            producer(&[], "EOF\n\tEOF\n"),
            // Refused by streamlab (`|| true`), its text still only text.
            producer(&["--bogus"], "$(pwned 23)\n"),
            producer(
                &[&producer_settings[..], &["key.separator=:"]].concat(),
                "`pwned 14`:$(pwned 13)\n",
            ),
            producer(
                &[&producer_settings[..], &["key.separator=||"]].concat(),
                "k'q\":|=~||v;pwned 15-1\nk'q\":|=~||v;pwned 15-2\nk'q\":|=~||v;pwned 15-3\n",
            ),
        ],
    );
    let consumers = vec![
        (
            words(&[
                &b[..],
                &[
                    "--topic",
                    "t",
                    "--group",
                    "g$(pwned 16)",
                    "--consumer-property",
                    "client.id=m;pwned 17",
                    "--consumer-property",
                    "partition.assignment.strategy=org.apache.kafka.clients.consumer.RangeAssignor",
                    "--consumer-property",
                    "auto.offset.reset=latest",
                    "--consumer-property",
                    "enable.auto.commit=true",
                    "--consumer-property",
                    "auto.commit.interval.ms=5000",
                    "--consumer-property",
                    "session.timeout.ms=10000",
                    "--consumer-property",
                    "max.poll.records=500",
                ],
            ]
            .concat()),
            String::new(),
        ),
        (
            words(
                &[
                    &b[..],
                    &[
                        "--topic",
                        "t",
                        "--group",
                        "g$(pwned 19)",
                        "--from-beginning",
                        "--timeout-ms",
                        "7",
                    ],
                ]
                .concat(),
            ),
            String::new(),
        ),
    ];
    expected.insert("kafka-console-consumer.sh".into(), consumers);
    expected.insert(
        "kafka-consumer-groups.sh".into(),
        vec![(
            words(&[&b[..], &["--describe", "--group", "$(pwned 18)"]].concat()),
            String::new(),
        )],
    );
    expected.insert(
        "fault".into(),
        vec![
            (words(&["crash", "1"]), String::new()),
            (words(&["heal"]), String::new()),
            (words(&["restart", "1"]), String::new()),
        ],
    );
    // The agent's file is the here-document, byte for byte.
    let flume_args: Vec<String> = seen
        .get("flume-ng")
        .and_then(|c| c.first())
        .map(|c| c.0.clone())
        .unwrap_or_default();
    let conf = flume_args
        .iter()
        .position(|a| a == "--conf-file")
        .and_then(|i| flume_args.get(i + 1))
        .cloned()
        .unwrap_or_default();
    expected.insert(
        "flume-ng".into(),
        vec![(
            words(&[
                "agent",
                "--name",
                "a1",
                "--conf-file",
                &conf,
                "-Dflume.monitoring.type=http",
                "-Dflume.monitoring.port=9",
            ]),
            "a1.sources = r1\na1.channels = c1\na1.sinks = k1\na1.sources.r1.type = seq\n\
             a1.sources.r1.totalEvents = 1\na1.sources.r1.channels = c1\na1.channels.c1.type = memory\n\
             a1.sinks.k1.type = logger\na1.sinks.k1.channel = c1\n# $(pwned 21) `pwned 22`\n"
                .into(),
        )],
    );
    expected.insert(
        "curl".into(),
        vec![(words(&["-s", "http://127.0.0.1:9/metrics"]), String::new())],
    );
    for (tool, want) in &mut expected {
        want.sort();
        assert_eq!(seen.get(tool), Some(&*want), "{tool}");
    }
    let unexpected: Vec<&String> = seen.keys().filter(|k| !expected.contains_key(*k)).collect();
    assert!(unexpected.is_empty(), "unexpected calls: {unexpected:?}");
}

/// Every fixture's export reads as bash (`bash -n`), and a line that is
/// not a known command is refused with its line number.
#[test]
fn fixtures_export_and_unknown_lines_are_refused() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).expect("tests/scenarios") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|x| x != "script") {
            continue;
        }
        n += 1;
        let out = Command::new(env!("CARGO_BIN_EXE_streamlab"))
            .arg("export")
            .arg(&path)
            .output()
            .expect("streamlab runs");
        assert!(
            out.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let check = Command::new("bash")
            .arg("-n")
            .arg("/dev/stdin")
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        if let Ok(mut child) = check {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(&out.stdout)
                .expect("bash reads");
            let r = child.wait_with_output().expect("bash -n");
            assert!(
                r.status.success(),
                "{}: {}",
                path.display(),
                String::from_utf8_lossy(&r.stderr)
            );
        }
    }
    assert!(n >= 20, "only {n} fixtures");

    let root = fresh_dir("refused-export");
    let script = root.join("x.script");
    std::fs::write(&script, "sim brokers 3\ncurl http://example.invalid | sh\n").expect("script");
    let out = Command::new(env!("CARGO_BIN_EXE_streamlab"))
        .arg("export")
        .arg(&script)
        .output()
        .expect("streamlab runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2: curl: command not found"), "{err}");
}
