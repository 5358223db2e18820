//! The format's parser (good files, and bad ones with the line at fault),
//! the check language and a small lesson performed end to end.

use super::check::{self, evaluate, CheckError, StepContext};
use super::*;

const GOOD: &str = "\
# A comment at the top.
id: demo
title.zh: 演示
title.en: A demo
about.zh: 一个小例子，
  用来测试格式。
about.en: A small example,
  to test the format.
notes: 56-60, 119
setup:
    sim brokers 3
    sim seed 1
    kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t --replica-assignment 0:1:2

step: send
notes: 59
text.zh: 笔记第 59 行说：leader 负责读写，
  follower 只同步。

  第二段。
text.en: Notes line 59: the leader serves reads and writes,
  followers only copy.
predict.zh: 写入后 HW 是多少？
predict.en: What is the HW after the write?
choice.zh: 0
choice.en: 0
choice.zh: 1
choice.en: 1
answer: 2
why.zh: 两个 follower 都复制了。
why.en: Both followers copied it.
do: kafka-console-producer.sh --broker-list localhost:9092 --topic t <<EOF
    hello
      indented
    EOF
look: partition.t.0.hw
check: hw t 0 = 2
check: output lacks \"ERROR\"
takeaway.zh: leader 写，follower 抄。
takeaway.en: The leader writes, followers copy.

step: crash
notes: 140
text.zh: 让 leader 宕机。
text.en: Crash the leader.
real.zh: 真实 Kafka 也是如此。
real.en: Real Kafka does the same.
click: broker.0.crash
click: timeline.play
    sim advance 7s
check: leader t 0 = 1
check: isr t 0 = 2,1
takeaway.zh: 新 leader 来自 ISR。
takeaway.en: The new leader comes from the ISR.
";

fn good() -> Lesson {
    parse("03-demo", GOOD).expect("the demo lesson parses")
}

#[test]
fn a_good_lesson_parses_with_every_field() {
    let l = good();
    assert_eq!(l.id, "demo");
    assert_eq!(l.position, Some(3));
    assert_eq!(l.title.get(Lang::Zh), "演示");
    // Chinese lines join without a space, English ones with one.
    assert_eq!(
        l.about.as_ref().map(|a| a.zh.as_str()),
        Some("一个小例子，用来测试格式。")
    );
    assert_eq!(
        l.about.as_ref().map(|a| a.en.as_str()),
        Some("A small example, to test the format.")
    );
    assert_eq!(
        l.notes,
        vec![
            NoteLines {
                first: 56,
                last: 60
            },
            NoteLines {
                first: 119,
                last: 119
            }
        ]
    );
    assert!(l.setup.starts_with("sim brokers 3\nsim seed 1\n"));
    assert_eq!(l.steps.len(), 2);
    let s = &l.steps[0];
    assert_eq!(s.line, 15);
    assert_eq!(
        s.text.zh,
        "笔记第 59 行说：leader 负责读写，follower 只同步。\n\n第二段。"
    );
    let p = s.predict.as_ref().expect("a prediction");
    assert_eq!(p.choices.len(), 2);
    assert_eq!(p.answer, 1);
    // The here-document keeps its lines, relative indentation included.
    assert_eq!(
        s.actions[0].command(),
        "kafka-console-producer.sh --broker-list localhost:9092 --topic t <<EOF\nhello\n  indented\nEOF"
    );
    assert_eq!(s.look, vec!["partition.t.0.hw".to_string()]);
    assert_eq!(s.checks.len(), 2);
    let c = &l.steps[1];
    assert!(c.real.is_some());
    // A click without a line writes its control's fixed line.
    assert_eq!(
        c.actions[0],
        Action::Click {
            line: line_of("click: broker.0.crash"),
            control: "broker.0.crash".into(),
            command: "sim crash 0".into()
        }
    );
    assert_eq!(c.actions[1].command(), "sim advance 7s");
}

#[test]
fn a_good_lesson_passes_its_checks() {
    let reports = check_lesson(&good()).expect("every check holds");
    assert_eq!(reports.len(), 2);
    assert!(reports.iter().all(StepReport::passed));
}

#[test]
fn a_skipped_action_leaves_the_check_red() {
    let l = good();
    let session = run_setup(&l).expect("setup runs");
    // Step 2 without its crash: broker 0 still leads.
    let mut s = session.clone();
    let (_, from) = perform(&mut s, &l.steps[0]);
    let _ = from;
    let v = evaluate_step(&s, &l.steps[1], &[], s.events().len());
    assert!(!v[0].pass, "{v:?}");
    assert_eq!(v[0].actual, "leader of t-0 is 0");
    // Step 1 without its send: nothing was written.
    let v = evaluate_step(&session, &l.steps[0], &[], session.events().len());
    assert!(!v[0].pass);
}

/// Replaces the first `from` in the good lesson and parses it.
fn broken(from: &str, to: &str) -> LessonError {
    assert!(GOOD.contains(from), "{from}");
    let text = GOOD.replacen(from, to, 1);
    parse("03-demo", &text).expect_err("the broken lesson is refused")
}

fn line_of(needle: &str) -> u32 {
    GOOD.lines()
        .position(|l| l.contains(needle))
        .map_or(0, |i| i as u32 + 1)
}

#[test]
fn malformed_lessons_name_the_line() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // (replace, with, the line it is on, message)
        ("check: hw t 0 = 2", "check: hw t 0 = one", "check: hw t 0", "check: `hw`: `one` is not a whole number"),
        ("check: leader t 0 = 1", "check: leader t = 1", "check: leader t", "check: `leader`: `=` is not a partition number"),
        ("check: isr t 0 = 2,1", "check: isr t 0 = 2,1 extra", "check: isr", "check: `isr`: `1extra` is not a broker id"),
        ("check: output lacks \"ERROR\"", "check: output lacks \"ERROR", "check: output", "check: unterminated quote"),
        ("check: output lacks \"ERROR\"", "check: outputs lacks \"ERROR\"", "check: outputs", "check: unknown check `outputs` (see docs/LESSONS.md for the checks)"),
        ("look: partition.t.0.hw", "look: partition.t.hw", "look: partition", "unknown element to look at `partition.t.hw` (docs/LESSONS.md lists them)"),
        ("click: broker.0.crash", "click: broker.0.explode", "click: broker.0", "unknown control `broker.0.explode` (docs/LESSONS.md lists the controls)"),
        ("    sim advance 7s", "    sim crash 1", "    sim crash 1", ""),
        ("answer: 2", "answer: 3", "answer: 3", "`answer: 3` is not one of the 2 choices (1 to 2)"),
        ("title.en: A demo", "titel.en: A demo", "titel.en", "unknown key `titel.en`"),
        ("notes: 59", "notes: 59-", "notes: 59-", "`59-` is not lines of the notes (like 243, or 72-79, 131-134)"),
        ("    EOF\n", "    END\n", "do: kafka-console-producer", "here-document started with <<EOF is never closed by a line `EOF`"),
        ("id: demo", "id: other", "id: other", "the file is named 03-demo but its id is `other`"),
        ("step: crash", "step: send", "step: send\nnotes: 140", "two steps are named `send`"),
        ("takeaway.en: The leader writes", "takeaway.zh: The leader writes", "takeaway.zh: The leader", "`takeaway.zh` is given twice"),
        ("real.zh: 真实 Kafka 也是如此。\n", "", "real.en", "`real.zh` is missing"),
        ("text.zh: 让 leader 宕机。", "title.zh: 让 leader 宕机。", "title.zh: 让", "`title.zh` belongs before the first `step:`"),
        ("notes: 56-60, 119", "notes: 56-60, 119\ncheck: no findings", "check: no findings", "`check` belongs in a step (after a `step: ID` line)"),
        ("# A comment at the top.", "  # an indented line first", "  # an indented", "an indented line continues a field, but no field came before it"),
        ("about.zh: 一个小例子，", "about.zh 一个小例子，", "about.zh 一个", "`about.zh 一个小例子，` is not a `key: value` line (a line that continues a field is indented)"),
    ];
    for (from, to, at, message) in cases {
        let e = broken(from, to);
        let text = GOOD.replacen(from, to, 1);
        let want_line = text
            .lines()
            .position(|l| l.starts_with(at.lines().next().unwrap_or(at)))
            .map_or(0, |i| i as u32 + 1);
        assert_eq!(e.lesson, "03-demo");
        if message.is_empty() {
            // A click whose line is not the control's.
            assert_eq!(e.line, line_of("click: timeline.play"), "{e}");
            assert!(matches!(e.kind, LessonErrorKind::ClickLine { .. }), "{e}");
            continue;
        }
        assert_eq!(e.kind.to_string(), *message, "replacing {from:?}");
        if at.contains('\n') {
            assert_eq!(e.line, line_of("step: crash"), "{e}");
        } else {
            assert_eq!(e.line, want_line, "{e} (replacing {from:?})");
        }
        // The whole message names the lesson and the line.
        assert!(e
            .to_string()
            .starts_with(&format!("lesson 03-demo, line {}: ", e.line)));
    }
}

#[test]
fn missing_parts_are_named() {
    let e = parse("x", "id: x\ntitle.zh: 甲\ntitle.en: A\nnotes: 1\n").expect_err("no steps");
    assert_eq!(e.kind, LessonErrorKind::NoSteps);
    let e = parse("x", "title.zh: 甲\n").expect_err("no id");
    assert_eq!((e.line, e.kind), (1, LessonErrorKind::Missing("id")));
    let no_check = GOOD.replace("check: leader t 0 = 1\ncheck: isr t 0 = 2,1\n", "");
    let e = parse("03-demo", &no_check).expect_err("a step without a check");
    assert_eq!(
        (e.line, e.kind),
        (line_of("step: crash"), LessonErrorKind::NoCheck)
    );
    let two = GOOD.replace(
        "    sim advance 7s",
        "    sim advance 7s\n    sim advance 1s",
    );
    let e = parse("03-demo", &two).expect_err("two lines for one click");
    assert_eq!(e.kind, LessonErrorKind::SeveralCommands);
    let big = "#".repeat(parse::MAX_LESSON_BYTES + 1);
    assert!(matches!(
        parse("x", &big).map_err(|e| e.kind),
        Err(LessonErrorKind::TooLarge(_))
    ));
}

#[test]
fn check_syntax_errors_are_typed() {
    assert_eq!(check::parse(""), Err(CheckError::Empty));
    assert_eq!(
        check::parse("broker 1 sleeping"),
        Err(CheckError::UnknownBrokerState("sleeping".into()))
    );
    assert_eq!(
        check::parse("finding lost-data"),
        Err(CheckError::UnknownFinding("lost-data".into()))
    );
    assert_eq!(
        check::parse("hw t 0 ~ 3"),
        Err(CheckError::BadOperator {
            check: "hw",
            found: "~".into()
        })
    );
    assert_eq!(
        check::parse("isr t 0 > 1"),
        Err(CheckError::EqualityOnly { check: "isr" })
    );
    assert_eq!(
        check::parse("setting replica.lag.time = 10"),
        Err(CheckError::UnknownSetting("replica.lag.time".into()))
    );
    assert_eq!(
        check::parse("no findings please"),
        Err(CheckError::Trailing("please".into()))
    );
    assert_eq!(
        check::parse("leader t"),
        Err(CheckError::Missing {
            check: "leader",
            what: "a partition number"
        })
    );
    for ok in [
        "output contains \"Created topic hello.\"",
        "error NotEnoughReplicas",
        "error",
        "no error",
        "leader hello 0 = none",
        "isr hello 0 = 1, 2",
        "osr hello 0 = -",
        "replicas hello 0 = 2,1",
        "hw hello 0 on 2 >= 3",
        "leo hello 0 = 4",
        "records hello 0 on 1 = 0",
        "epoch hello 0 = 1",
        "log hello 0 = a,b,c",
        "partitions hello = 4",
        "replication-factor hello = 2",
        "topic hello exists",
        "topic manual absent",
        "broker 1 stopped",
        "controller = 1",
        "finding acked-record-lost pay 0",
        "no findings",
        "no finding duplicate-record",
        "assignment atguigu a = hello2-0,hello2-1",
        "members atguigu = a,b,d",
        "generation atguigu = 5",
        "committed g1 logs 0 = none",
        "committed g1 logs 0 = 3",
        "lag g1 logs 1 = 2",
        "event leader-elected contains \"leader=1\"",
        "no event truncated",
        "events produce-sent contains \"attempt=2\" >= 1",
        "flume a1 CHANNEL.c1.EventPutSuccessCount = 10",
        "setting replica.lag.time.max.ms = 10000",
        "time >= 7s",
    ] {
        assert!(check::parse(ok).is_ok(), "{ok}: {:?}", check::parse(ok));
    }
}

/// Runs `script`, then evaluates `check` with the last line as the step.
fn verdict(script: &str, step: &str, check: &str) -> check::Verdict {
    let mut s = crate::script::Session::new();
    s.run(script);
    let from = s.events().len();
    let outputs = s.run(step);
    let c = check::parse(check).expect("a valid check");
    evaluate(
        &c,
        &StepContext {
            session: &s,
            outputs: &outputs,
            events_from: from,
        },
    )
}

const TOPIC: &str = "sim seed 1\nkafka-topics.sh --bootstrap-server x --create --topic t --replica-assignment 0:1:2 --config min.insync.replicas=2\n";

#[test]
fn checks_read_the_state_outputs_and_events() {
    let crash = "sim crash 0\nsim advance 7s";
    assert!(verdict(TOPIC, crash, "leader t 0 = 1").pass);
    assert!(!verdict(TOPIC, crash, "leader t 0 = 0").pass);
    assert!(verdict(TOPIC, crash, "isr t 0 = 2,1").pass);
    assert!(verdict(TOPIC, crash, "osr t 0 = 0").pass);
    assert!(verdict(TOPIC, crash, "replicas t 0 = 0,1,2").pass);
    assert!(!verdict(TOPIC, crash, "replicas t 0 = 1,0,2").pass);
    assert!(verdict(TOPIC, crash, "epoch t 0 = 1").pass);
    assert!(verdict(TOPIC, crash, "broker 0 crashed").pass);
    assert!(verdict(TOPIC, crash, "controller = 1").pass);
    assert!(verdict(TOPIC, crash, "event leader-elected contains \"leader=1\"").pass);
    assert!(verdict(TOPIC, crash, "no event truncated").pass);
    assert!(verdict(TOPIC, crash, "time = 7000").pass);
    // Events before the step do not count for the step.
    assert!(
        !verdict(
            &format!("{TOPIC}{crash}"),
            "sim advance 1",
            "event leader-elected"
        )
        .pass
    );

    let send = "sim produce t a --acks all\nsim produce t b --acks all\nsim advance 1s";
    assert!(verdict(TOPIC, send, "hw t 0 = 2").pass);
    assert!(verdict(TOPIC, send, "leo t 0 on 2 = 2").pass);
    assert!(verdict(TOPIC, send, "records t 0 >= 2").pass);
    assert!(verdict(TOPIC, send, "log t 0 = a,b").pass);
    assert!(!verdict(TOPIC, send, "log t 0 = b,a").pass);
    assert!(verdict(TOPIC, send, "events produce-acked = 2").pass);
    assert!(verdict(TOPIC, send, "no findings").pass);

    let refused = "sim crash 1\nsim crash 2\nsim advance 7s\nsim produce t x --acks all --retries 0\nsim advance 1s";
    assert!(verdict(TOPIC, refused, "error NotEnoughReplicas").pass);
    assert!(!verdict(TOPIC, "sim advance 1s", "error NotEnoughReplicas").pass);

    let describe = "kafka-topics.sh --bootstrap-server x --describe --topic t";
    let v = verdict(TOPIC, describe, "output contains \"Isr: 0,1,2\"");
    assert!(v.pass, "{v:?}");
    assert!(verdict(TOPIC, describe, "no error").pass);
    let bad = "kafka-topics.sh --bootstrap-server x --create --topic big --partitions 1 --replication-factor 4";
    assert!(verdict(TOPIC, bad, "error \"larger than available brokers: 3\"").pass);
    assert!(!verdict(TOPIC, bad, "no error").pass);
    assert!(verdict(TOPIC, bad, "topic big absent").pass);
    assert!(verdict(TOPIC, "sim advance 1", "partitions t = 1").pass);
    assert!(verdict(TOPIC, "sim advance 1", "replication-factor t = 3").pass);
    let v = verdict(TOPIC, "sim advance 1", "leader nosuch 0 = 1");
    assert_eq!(
        (v.pass, v.actual.as_str()),
        (false, "Topic 'nosuch' does not exist as expected")
    );
}

#[test]
fn checks_read_groups_findings_flume_and_settings() {
    let topics = "sim seed 12\nkafka-topics.sh --bootstrap-server x --create --topic hello2 --partitions 3 --replication-factor 1\nkafka-topics.sh --bootstrap-server x --create --topic hello3 --partitions 3 --replication-factor 1\n";
    let join = "sim consumer join atguigu a --topics hello2\nsim consumer join atguigu b --topics hello2\nsim consumer join atguigu c --topics hello3";
    assert!(verdict(topics, join, "assignment atguigu a = hello2-1,hello2-0").pass);
    assert!(
        verdict(
            topics,
            join,
            "assignment atguigu c = hello3-0,hello3-1,hello3-2"
        )
        .pass
    );
    assert!(!verdict(topics, join, "assignment atguigu b = -").pass);
    assert!(verdict(topics, join, "members atguigu = a,b,c").pass);
    assert!(verdict(topics, join, "generation atguigu = 3").pass);
    // The rebalances committed the positions a revoked partition had.
    assert!(verdict(topics, join, "committed atguigu hello2 0 = 0").pass);
    assert!(!verdict(topics, join, "committed atguigu hello2 0 = none").pass);
    assert!(
        verdict(
            topics,
            "sim consumer join solo x --topics hello2",
            "committed solo hello2 0 = none"
        )
        .pass
    );

    let lost = "sim seed 1\nkafka-topics.sh --bootstrap-server x --create --topic pay --replica-assignment 0:1:2\nsim produce pay a --acks 1\nsim advance 1s\nsim cut 0 1\nsim cut 0 2\nsim produce pay b --acks 1\nsim advance 10ms\n";
    let v = verdict(
        lost,
        "sim crash 0\nsim heal\nsim advance 7s",
        "finding acked-record-lost pay 0",
    );
    assert!(v.pass, "{v:?}");
    assert!(!verdict(lost, "sim advance 1", "finding acked-record-lost").pass);
    assert!(!verdict(lost, "sim crash 0\nsim heal\nsim advance 7s", "no findings").pass);

    let flume = "flume-ng agent --name a1 --conf-file - <<EOF\na1.sources = r1\na1.channels = c1\na1.sinks = k1\na1.sources.r1.type = seq\na1.sources.r1.totalEvents = 10\na1.sources.r1.channels = c1\na1.channels.c1.type = memory\na1.sinks.k1.type = logger\na1.sinks.k1.channel = c1\nEOF\n";
    assert!(
        verdict(
            flume,
            "sim advance 5s",
            "flume a1 CHANNEL.c1.EventPutSuccessCount = 10"
        )
        .pass
    );
    assert!(
        verdict(
            flume,
            "sim advance 5s",
            "flume a1 CHANNEL.c1.ChannelSize = 0"
        )
        .pass
    );
    assert!(!verdict(flume, "sim advance 5s", "flume a1 CHANNEL.c1.Nope = 0").pass);
    assert!(
        !verdict(
            flume,
            "sim advance 5s",
            "flume a2 CHANNEL.c1.ChannelSize = 0"
        )
        .pass
    );

    let set = "sim set replica.lag.time.max.ms=10";
    assert!(verdict("", set, "setting replica.lag.time.max.ms = 10").pass);
    assert!(
        verdict(
            "",
            "sim advance 1",
            "setting replica.lag.time.max.ms = 10000"
        )
        .pass
    );
    assert!(verdict("", "sim advance 1", "broker 2 running").pass);
    assert!(verdict("", "sim isolate 2", "broker 2 isolated").pass);
    assert!(verdict("", "sim isolate 2\nsim advance 7s", "broker 2 expired").pass);
}

#[test]
fn the_index_lists_lessons_in_order() {
    let l = good();
    let text = index(std::slice::from_ref(&l));
    assert_eq!(
        text,
        "# file\tid\ttitle.zh\ttitle.en\n03-demo.lesson\tdemo\t演示\tA demo\n"
    );
    let entries = parse_index(&text).expect("the index reads back");
    assert_eq!(entries[0].file, "03-demo.lesson");
    assert_eq!(entries[0].title.en, "A demo");
    assert_eq!(
        parse_index("# x\nonly\tthree\tfields\n"),
        Err(IndexError { line: 2 })
    );
}
