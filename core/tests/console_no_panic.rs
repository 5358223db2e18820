//! The console must survive anything a person can type: random and
//! malformed command lines from the vocabulary of every command and flag,
//! plus junk, extreme numbers, unicode, unclosed quotes and here-documents.
//! Every line either succeeds or is an `is_error` output with a message;
//! nothing panics.

use proptest::prelude::*;
use streamlab_core::script::{parse, Line, Session};

const PROGRAMS: &[&str] = &[
    "sim",
    "kafka-topics.sh",
    "bin/kafka-topics.sh",
    "./kafka-topics.sh",
    "kafka-server-start.sh",
    "kafka-server-stop.sh",
    "kafka-leader-election.sh",
    "kafka-preferred-replica-election.sh",
    "kafka-console-producer.sh",
    "kafka-console-consumer.sh",
    "kafka-consumer-groups.sh",
    "ls",
    "",
];

const SIM_SUBCOMMANDS: &[&str] = &[
    "brokers",
    "seed",
    "advance",
    "crash",
    "restart",
    "isolate",
    "heal",
    "slow",
    "cut",
    "drop",
    "set",
    "elect-preferred",
    "produce",
    "status",
    "events",
    "check",
    "consumer",
    "join",
    "leave",
];

const FLAGS: &[&str] = &[
    "--zookeeper",
    "--bootstrap-server",
    "--bootstap-server",
    "--broker-list",
    "--topic",
    "--partitions",
    "--replication-factor",
    "--replicas-factor",
    "--replica-assignment",
    "--replicas-assignment",
    "--config",
    "--create",
    "--list",
    "--describe",
    "--delete",
    "--alter",
    "--if-exists",
    "--if-not-exists",
    "--under-replicated-partitions",
    "--unavailable-partitions",
    "--override",
    "--daemon",
    "-daemon",
    "--election-type",
    "--all-topic-partitions",
    "--partition",
    "--key",
    "--acks",
    "--idempotence",
    "--count",
    "--producer",
    "--producer-property",
    "--retries",
    "--disk-lost",
    "--json",
    "--request-required-acks",
    "--property",
    "--from-beginning",
    "--group",
    "--offset",
    "--max-messages",
    "--topics",
    "--assignor",
    "--",
    "--=",
    "--partitions=",
    "--topic=t",
    "--acks=all",
];

const VALUES: &[&str] = &[
    "-1",
    "0",
    "1",
    "2",
    "3",
    "5",
    "64",
    "65",
    "2147483647",
    "2147483648",
    "-2147483648",
    "-2147483649",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "1e3",
    "0x10",
    "10s",
    "2m",
    "500ms",
    "86401s",
    "1441m",
    "99999999999999999999m",
    "s",
    "ms",
    "m",
    "",
    " ",
    "t",
    "t0",
    "hello",
    "__consumer_offsets",
    ".",
    "..",
    "a/b",
    "a b",
    "é",
    "日本語",
    "🦀",
    "\u{0}",
    "\u{202e}",
    "localhost:9092",
    "1:2,2:3,3:1",
    "0:0",
    "0:1,0",
    "1:",
    ":",
    ",",
    "-1:-2",
    "zk",
    "zookeeper",
    "clients",
    "all",
    "-1",
    "true",
    "false",
    "TRUE",
    "preferred",
    "unclean",
    "range",
    "roundrobin",
    "sticky",
    "min.insync.replicas=2",
    "min.insync.replicas=0",
    "min.insync.replicas=-1",
    "unclean.leader.election.enable=true",
    "unclean.leader.election.enable=yes",
    "replica.lag.time.max.ms=0",
    "replica.lag.time.max.ms=1",
    "zookeeper.session.timeout.ms=1",
    "replica.fetch.wait.max.ms=0",
    "replica.fetch.backoff.ms=0",
    "replica.fetch.max.records=1",
    "inter.broker.protocol.version=0.10.2",
    "inter.broker.protocol.version=banana",
    "truncation=hw",
    "auto.create.topics.enable=false",
    "num.partitions=2147483647",
    "default.replication.factor=3",
    "offsets.topic.num.partitions=1",
    "broker.id=0",
    "broker.id=-1",
    "broker.id=2147483648",
    "broker.id=",
    "acks=all",
    "enable.idempotence=true",
    "enable.idempotence=maybe",
    "retries=-1",
    "request.timeout.ms=1",
    "max.in.flight.requests.per.connection=0",
    "delivery.timeout.ms=18446744073709551615",
    "k=v",
    "=",
    "==",
    "parse.key=true",
    "key.separator=:",
    "config/server.properties",
];

/// Bits of shell syntax that stress the line and word splitter.
const JUNK: &[&str] = &[
    "'",
    "\"",
    "\\",
    "'unclosed",
    "\"unclosed",
    "<<",
    "<<EOF",
    "<<'EOF'",
    "<<-END",
    "<<\"X\"",
    "#",
    "# comment",
    "$x",
    "`x`",
    "|",
    ";",
    "&&",
    "\t",
    "\\\"",
    "'a b'",
    "\"a\\\"b\"",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(FLAGS).prop_map(String::from),
        4 => prop::sample::select(VALUES).prop_map(String::from),
        2 => prop::sample::select(SIM_SUBCOMMANDS).prop_map(String::from),
        1 => prop::sample::select(PROGRAMS).prop_map(String::from),
        1 => prop::sample::select(JUNK).prop_map(String::from),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => "\\PC{0,12}",
        1 => any::<String>(),
    ]
}

/// One command line: usually a known program and, for `sim`, a subcommand,
/// then random words.
fn command_line() -> impl Strategy<Value = String> {
    (
        prop::sample::select(PROGRAMS),
        prop::option::of(prop::sample::select(SIM_SUBCOMMANDS)),
        prop::collection::vec(word(), 0..8),
        any::<bool>(),
    )
        .prop_map(|(program, sub, words, raw)| {
            if raw {
                return words.join(" ");
            }
            let mut parts = vec![program.to_string()];
            if program == "sim" {
                parts.extend(sub.map(String::from));
            }
            parts.extend(words);
            parts.join(" ")
        })
}

/// A script: lines, sometimes with a here-document body, closed or not.
fn script() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            command_line(),
            prop::option::of((prop::collection::vec(word(), 0..3), any::<bool>())),
        ),
        0..12,
    )
    .prop_map(|lines| {
        let mut text = String::new();
        for (line, heredoc) in lines {
            text.push_str(&line);
            match heredoc {
                Some((body, closed)) => {
                    text.push_str(" <<EOF\n");
                    for b in body {
                        text.push_str(&b);
                        text.push('\n');
                    }
                    if closed {
                        text.push_str("EOF\n");
                    }
                }
                None => text.push('\n'),
            }
        }
        text
    })
}

/// A few lines that make deeper paths reachable: brokers, a topic, records.
const PRELUDES: &[&str] = &[
    "",
    "kafka-topics.sh --bootstrap-server x --create --topic t --partitions 3 --replication-factor 2\n",
    "sim brokers 5\nkafka-topics.sh --zookeeper x --create --topic t0 --partitions 2 --replication-factor 3\nsim produce t0 v --count 5 --acks all\nsim advance 1s\n",
    "sim brokers 1\nkafka-topics.sh --bootstrap-server x --create --topic t --replica-assignment 0\nsim produce t hello\n",
];

fn check_outputs(outputs: &[streamlab_core::script::Output]) -> Result<(), TestCaseError> {
    for o in outputs {
        if o.is_error {
            prop_assert!(
                !o.text.trim().is_empty(),
                "empty error text for line {} `{}`",
                o.line,
                o.command
            );
        }
    }
    Ok(())
}

// 256 cases by default; `PROPTEST_CASES=20000` for a longer hunt.
proptest! {
    /// Whole scripts through `Session::run` (the splitter, here-documents and every command).
    #[test]
    fn scripts_never_panic(prelude in prop::sample::select(PRELUDES), body in script()) {
        let mut session = Session::new();
        let text = format!("{prelude}{body}");
        let outputs = session.run(&text);
        check_outputs(&outputs)?;
        // A script that does not split into lines is one error output.
        if parse(&text).is_err() {
            prop_assert_eq!(outputs.len(), 1);
            prop_assert!(outputs[0].is_error);
        }
        // And the session still answers afterwards.
        let after = session.run("sim status\nsim check --json\n");
        prop_assert!(after.iter().all(|o| !o.is_error), "{:?}", after);
    }

    /// Single lines through `Session::execute`, one after another in one
    /// session, bypassing the splitter: the raw text may hold anything.
    #[test]
    fn lines_never_panic(
        prelude in prop::sample::select(PRELUDES),
        lines in prop::collection::vec(
            (command_line(), prop::option::of(prop::collection::vec(any::<String>(), 0..3))),
            1..12,
        ),
    ) {
        let mut session = Session::new();
        check_outputs(&session.run(prelude))?;
        for (i, (text, heredoc)) in lines.into_iter().enumerate() {
            let line = Line { number: i as u32 + 1, text, heredoc };
            let out = session.execute(&line);
            prop_assert_eq!(out.line, line.number);
            check_outputs(std::slice::from_ref(&out))?;
        }
    }
}

/// Every error any command can give has a message: one malformed variant of
/// each command, checked one by one so a failure names the line.
#[test]
fn every_error_text_is_non_empty() {
    let lines = [
        "nosuchtool",
        "sim",
        "sim nosuch",
        "sim brokers",
        "sim brokers 0",
        "sim brokers 65",
        "sim brokers x",
        "sim seed -1",
        "sim advance",
        "sim advance 2d",
        "sim advance 1441m",
        "sim advance -5",
        "sim crash",
        "sim crash 99",
        "sim crash 0 --bogus",
        "sim restart x",
        "sim isolate 99",
        "sim slow 0",
        "sim slow 0 x",
        "sim cut 0",
        "sim cut 0 99",
        "sim drop 0 1",
        "sim drop 0 1 101",
        "sim set",
        "sim set nokey",
        "sim set bogus=1",
        "sim set min.insync.replicas=0",
        "sim set replica.lag.time.max.ms=x",
        "sim set inter.broker.protocol.version=banana",
        "sim elect-preferred nosuchtopic",
        "sim produce",
        "sim produce t",
        "sim produce nosuchtopic v --partition 0 --producer-property auto=1",
        "sim produce t v --acks 2",
        "sim produce t v --count 0",
        "sim produce t v --partition 99",
        "sim produce t v --producer-property retries=-1",
        "sim produce t v --producer-property nokv",
        "sim check --bogus",
        "kafka-topics.sh",
        "kafka-topics.sh --bootstrap-server x",
        "kafka-topics.sh --bootstrap-server x --list --describe",
        "kafka-topics.sh --bootstrap-server x --create",
        "kafka-topics.sh --bootstrap-server x --create --topic t",
        "kafka-topics.sh --bootstrap-server x --create --topic t --partitions 1 --replication-factor 4",
        "kafka-topics.sh --bootstrap-server x --create --topic t --partitions 0 --replication-factor 1",
        "kafka-topics.sh --bootstrap-server x --create --topic t --partitions 1 --replication-factor 0",
        "kafka-topics.sh --bootstrap-server x --create --topic t --replica-assignment 0:0",
        "kafka-topics.sh --bootstrap-server x --create --topic t --replica-assignment 0:1,0",
        "kafka-topics.sh --bootstrap-server x --create --topic t --replica-assignment 7",
        "kafka-topics.sh --bootstrap-server x --create --topic t --replica-assignment x",
        "kafka-topics.sh --bootstrap-server x --create --topic 日本 --partitions 1 --replication-factor 1",
        "kafka-topics.sh --bootstrap-server x --create --topic .. --partitions 1 --replication-factor 1",
        "kafka-topics.sh --bootstrap-server x --create --topic t --partitions 1 --replication-factor 1 --config bogus=1",
        "kafka-topics.sh --bootstrap-server x --create --topic t --partitions 1 --replication-factor 1 --config nokv",
        "kafka-topics.sh --bootstrap-server x --delete --topic nosuch",
        "kafka-topics.sh --bootstrap-server x --alter --topic nosuch --partitions 2",
        "kafka-topics.sh --bootstrap-server x --alter --topic t",
        "kafka-topics.sh --bootstrap-server x --describe --topic nosuch",
        "kafka-topics.sh --bootstrap-server x --bogus",
        "kafka-topics.sh --bootstrap-server",
        "kafka-server-start.sh",
        "kafka-server-start.sh --override broker.id=x",
        "kafka-server-start.sh --override broker.id=-1",
        "kafka-server-start.sh --override broker.id=0",
        "kafka-server-stop.sh 99",
        "kafka-leader-election.sh",
        "kafka-leader-election.sh --bootstrap-server x",
        "kafka-leader-election.sh --bootstrap-server x --election-type unclean",
        "kafka-leader-election.sh --bootstrap-server x --election-type bogus",
        "kafka-leader-election.sh --bootstrap-server x --election-type preferred",
        "sim produce 't",
        "sim produce \"t",
    ];
    let mut session = Session::new();
    session.run("sim brokers 3\nkafka-topics.sh --bootstrap-server x --create --topic t --partitions 1 --replication-factor 1\n");
    let mut errors = 0;
    for (i, text) in lines.iter().enumerate() {
        let line = Line {
            number: i as u32 + 1,
            text: text.to_string(),
            heredoc: None,
        };
        let out = session.execute(&line);
        if out.is_error {
            errors += 1;
            assert!(
                !out.text.trim().is_empty(),
                "`{text}` failed with an empty message"
            );
        }
    }
    // Nearly all of them must be refused; a few may be accepted as real Kafka would.
    assert!(
        errors * 10 >= lines.len() * 9,
        "only {errors} of {} refused",
        lines.len()
    );

    // Script-level errors too.
    for text in ["a <<EOF\nnever closed\n", "sim produce 'x\n"] {
        let outputs = Session::new().run(text);
        assert!(
            outputs.iter().any(|o| o.is_error && !o.text.is_empty()),
            "{text:?}"
        );
    }
}
