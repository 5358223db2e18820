//! The export's tests: what each kind of line becomes. That bash runs the
//! result without running anything of the script is checked by
//! `cli/tests/export.rs`, with stub tools.

use super::*;

fn export(s: &str) -> String {
    to_shell(s).expect("script exports")
}

/// The exported body: what follows the header.
fn body(s: &str) -> String {
    let out = export(s);
    let at = out
        .find("BOOTSTRAP=${BOOTSTRAP:-localhost:9092}\n")
        .expect("header");
    out[at..].to_string()
}

fn has_line(out: &str, line: &str) -> bool {
    out.lines().any(|l| l == line)
}

#[test]
fn header_shape() {
    let out = export("");
    assert!(out.starts_with("#!/usr/bin/env bash\n"));
    assert!(has_line(&out, "set -euo pipefail"));
    assert!(has_line(&out, "BOOTSTRAP=${BOOTSTRAP:-localhost:9092}"));
    // Only what the body uses.
    assert!(!out.contains("fault()"));
    assert!(!out.contains("bg_start()"));
    assert!(export("sim crash 1\n").contains("\nfault() {\n"));
    assert!(export("kafka-topics.sh --create --topic t --partitions 1 --replication-factor 1 --bootstrap-server x\nsim consumer join g m --topics t\n").contains("\nbg_start() {"));
}

#[test]
fn programs_and_sim_commands_the_export_knows_are_the_languages() {
    // Every name of TOOLS and SIM_COMMANDS reaches its command (a usage
    // error at most), so the lists cannot drift from Session::dispatch.
    for tool in TOOLS.iter().filter(|t| **t != "sim") {
        let (_, run) = crate::script::run_script(tool);
        let text = &run.outputs[0].text;
        assert!(!text.ends_with("command not found"), "{tool}: {text}");
    }
    for sub in SIM_COMMANDS {
        let (_, run) = crate::script::run_script(&format!("sim {sub}"));
        let text = &run.outputs[0].text;
        assert!(!text.contains("unknown command"), "sim {sub}: {text}");
    }
    let (_, run) = crate::script::run_script("sim bogus");
    assert!(run.outputs[0].text.contains("unknown command"));
}

#[test]
fn unknown_commands_are_refused_never_copied() {
    assert_eq!(
        to_shell("sim brokers 3\n\nrm -rf /\n"),
        Err(ExportError::UnknownCommand {
            line: 3,
            program: "rm".into()
        })
    );
    assert_eq!(
        to_shell("sim rm -rf /\n"),
        Err(ExportError::UnknownSimCommand {
            line: 1,
            sub: "rm".into()
        })
    );
    assert_eq!(
        to_shell("sim\n"),
        Err(ExportError::UnknownSimCommand {
            line: 1,
            sub: String::new()
        })
    );
    assert_eq!(
        to_shell("$(touch x) --list\n"),
        Err(ExportError::UnknownCommand {
            line: 1,
            program: "$(touch".into()
        })
    );
    let e = to_shell("kafka-topics.sh --list\nkafka-topic.sh --list\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 2: kafka-topic.sh: command not found (the export runs only streamlab's commands: \
         kafka-topics.sh, kafka-console-producer.sh, kafka-console-consumer.sh, \
         kafka-consumer-groups.sh, kafka-server-start.sh, kafka-server-stop.sh, \
         kafka-leader-election.sh, kafka-preferred-replica-election.sh, flume-ng, sim)"
    );
    assert_eq!(
        to_shell("sim produce t 'a\0b'\n"),
        Err(ExportError::Nul { line: 1 })
    );
    assert_eq!(
        to_shell("kafka-console-producer.sh --topic t <<EOF\na\0\nEOF\n"),
        Err(ExportError::Nul { line: 1 })
    );
    assert_eq!(
        to_shell("sim seed 1\nkafka-console-producer.sh --topic t <<EOF\nx\n"),
        Err(ExportError::Script(ScriptError::UnclosedHeredoc {
            line: 2,
            marker: "EOF".into()
        }))
    );
    assert_eq!(
        to_shell("sim produce t 'oops\n"),
        Err(ExportError::Script(ScriptError::UnterminatedQuote {
            line: 1
        }))
    );
}

#[test]
fn every_word_is_quoted_and_the_program_is_streamlabs() {
    let out = body(
        "bin/kafka-topics.sh --bootstrap-server localhost:9092 --list $(touch x) `id` ';' && $HOME 'a b'\n\
         ./x/kafka-consumer-groups.sh --bootstrap-server=h:1 --describe --group \"g'1\"\n",
    );
    assert!(
        has_line(
            &out,
            r#"kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --list '$(touch' 'x)' '`id`' ';' '&&' '$HOME' 'a b'"#
        ),
        "{out}"
    );
    assert!(
        has_line(
            &out,
            r#"kafka-consumer-groups.sh --bootstrap-server "$BOOTSTRAP" --describe --group 'g'\''1' || true"#
        ),
        "{out}"
    );
}

#[test]
fn addresses_and_misspellings() {
    let out = body(
        "kafka-topics.sh --zookeeper localhost:2181 --create --topic t --partitions 1 --replicas-factor 1\n\
         kafka-console-producer.sh --broker-list localhost:9092 --topic t\n\
         kafka-console-consumer.sh --bootstap-server=localhost:9092 --topic t --max-messages 2\n\
         kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic t --timeout-ms 500\n",
    );
    assert!(
        has_line(
            &out,
            r#"kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --topic t --partitions 1 --replication-factor 1"#
        ),
        "{out}"
    );
    assert!(out.contains(
        "--zookeeper (gone in Kafka 3.0) and --broker-list (gone in 4.0) are --bootstrap-server"
    ));
    assert!(out.contains("the seed's misspelt option as Kafka spells it"));
    // No here-document: a real producer would read the script's stdin.
    assert!(
        has_line(
            &out,
            r#"kafka-console-producer.sh --bootstrap-server "$BOOTSTRAP" --topic t </dev/null"#
        ),
        "{out}"
    );
    assert!(
        has_line(
            &out,
            r#"kafka-console-consumer.sh --bootstrap-server "$BOOTSTRAP" --topic t --max-messages 2 --timeout-ms "$CONSUMER_TIMEOUT_MS""#
        ),
        "{out}"
    );
    assert!(has_line(
        &out,
        r#"kafka-console-consumer.sh --bootstrap-server "$BOOTSTRAP" --topic t --timeout-ms 500"#
    ));
    assert!(
        export("kafka-console-consumer.sh --topic t --bootstrap-server x\n")
            .contains("\nCONSUMER_TIMEOUT_MS=${CONSUMER_TIMEOUT_MS:-10000}\n")
    );
}

#[test]
fn a_command_that_fails_in_the_scenario_does_not_stop_the_script() {
    let out = body(
        "kafka-topics.sh --bootstrap-server x --create --topic big --partitions 1 --replication-factor 4\n\
         kafka-topics.sh --bootstrap-server x --create --topic ok --partitions 1 --replication-factor 1\n\
         sim crash 9\n",
    );
    assert!(out.contains("# (this fails in the scenario too: Replication factor: 4 larger"));
    assert!(
        has_line(
            &out,
            r#"kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --topic big --partitions 1 --replication-factor 4 || true"#
        ),
        "{out}"
    );
    assert!(has_line(
        &out,
        r#"kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --topic ok --partitions 1 --replication-factor 1"#
    ));
    // With a here-document, `|| true` follows the marker, or the text
    // would feed `true`.
    let fed =
        body("kafka-console-producer.sh --bootstrap-server x --topic t --bogus <<EOF\nv\nEOF\n");
    assert!(
        fed.contains("--topic t --bogus <<'EOF' || true\nv\nEOF\n"),
        "{fed}"
    );
    // A sim line streamlab refuses has nothing to run.
    assert!(out.contains("# sim crash 9  (streamlab refuses it: "));
    assert!(!out.contains("fault crash 9"));
}

#[test]
fn heredocs_keep_their_text_exactly() {
    let out = body(
        "kafka-console-producer.sh --topic t --bootstrap-server x:1 <<END\nprice $5 `id` $(touch x)\n  it's\nEOF\n  END\n",
    );
    assert!(
        out.contains(
            "kafka-console-producer.sh --topic t --bootstrap-server \"$BOOTSTRAP\" <<'EOF2'\nprice $5 `id` $(touch x)\n  it's\nEOF\nEOF2\n"
        ),
        "{out}"
    );
    // The script's marker is not copied either: the export's is a plain word.
    let out =
        body("kafka-console-producer.sh --topic t --bootstrap-server x <<'E$(x)'\nv\nE$(x)\n");
    assert!(out.contains("<<'EOF'\nv\nEOF\n"), "{out}");
}

#[test]
fn sim_advance_sleeps_for_durations_with_units() {
    let out = body("sim advance 1s\nsim advance 250\nsim advance 1500ms\nsim advance 2m\n");
    for s in ["sleep 1", "sleep 0.25", "sleep 1.5", "sleep 120"] {
        assert!(has_line(&out, s), "{s} in\n{out}");
    }
    assert!(out.contains("# sim advance 1s  (the time passes)"));
    assert_eq!(seconds(0), "0");
    assert_eq!(seconds(5), "0.005");
    assert_eq!(seconds(2000), "2");
}

#[test]
fn sim_produce_sends_the_simulations_records() {
    let out = body("sim produce orders 'a b' --key k:1 --acks all --count 3\n");
    assert!(
        out.contains(
            "kafka-console-producer.sh --bootstrap-server \"$BOOTSTRAP\" --topic orders --request-required-acks all \
             --producer-property enable.idempotence=false --producer-property retries=2147483647 \
             --producer-property request.timeout.ms=30000 --producer-property linger.ms=0 \
             --producer-property client.id=producer-acksall \
             --property parse.key=true --property key.separator='|' <<'EOF'\nk:1|a b-1\nk:1|a b-2\nk:1|a b-3\nEOF\n"
        ),
        "{out}"
    );
    // One record: the value as given.
    let out = body("kafka-topics.sh --bootstrap-server x --create --topic t --partitions 3 --replication-factor 1\nsim produce t v --partition 2\n");
    assert!(out.contains("streamlab wrote to partition 2"));
    assert!(
        out.contains("client.id=producer-acks1 <<'EOF'\nv\nEOF\n"),
        "{out}"
    );
    // Idempotence means acks=all.
    let out = body("sim produce t v --idempotence --producer-property request.timeout.ms=1000\n");
    assert!(out.contains("--request-required-acks all --producer-property enable.idempotence=true"));
    assert!(out.contains("request.timeout.ms=1000"));
    // Many records: a loop writing the same values.
    let out = body("sim produce t \"it's\" --key \":|=~\" --count 500\n");
    assert!(
        out.contains(
            "for ((i = 1; i <= 500; i++)); do printf '%s-%d\\n' ':|=~||it'\\''s' \"$i\"; done | kafka-console-producer.sh"
        ),
        "{out}"
    );
    assert!(out.contains("--property key.separator='||'"), "{out}");
    let out = body("sim produce t v --producer-property partitioner=round-robin --count 2\n");
    assert!(
        out.contains("partitioner.class=org.apache.kafka.clients.producer.RoundRobinPartitioner")
    );
    // What streamlab refuses has nothing to run.
    let out = body("sim produce t v --bogus 1\n");
    assert!(out.contains("(streamlab refuses it: bogus is not a recognized option)"));
    assert!(!out.contains("kafka-console-producer.sh"));
}

#[test]
fn faults_go_through_fault() {
    let out = body(
        "sim crash 1\nsim crash 2 --disk-lost\nsim restart 1\nsim isolate 2\nsim slow 0 1500ms\n\
         sim cut 0 zookeeper\nsim cut clients 1\nsim drop 1 2 30\nsim heal\n",
    );
    for l in [
        "fault crash 1",
        "fault crash 2 --disk-lost",
        "fault restart 1",
        "fault isolate 2",
        "fault slow 0 1500ms",
        "fault cut 0 zookeeper",
        "fault cut clients 1",
        "fault drop 1 2 30",
        "fault heal",
    ] {
        assert!(has_line(&out, l), "{l} in\n{out}");
    }
    assert!(out.contains("# sim crash 1  (SIGKILL: no clean shutdown)"));
    assert!(
        out.contains("# sim crash 2 --disk-lost  (SIGKILL, and its log directories are emptied)")
    );
    assert!(out.contains("SIGSTOP"));
    assert!(out.contains("# sim cut 0 zookeeper  (no traffic between the two"));
}

#[test]
fn settings_streamlab_only_lines_and_views() {
    let out = body(
        "sim set unclean.leader.election.enable=true\nsim set min.insync.replicas 2\n\
         sim set replica.lag.time.max.ms=3000\nsim set replica.fetch.max.records=5\n\
         sim events leader-elected\nsim check\nsim status\nsim seed 3\n",
    );
    assert!(has_line(&out, "kafka-configs.sh --bootstrap-server \"$BOOTSTRAP\" --entity-type brokers --entity-default --alter --add-config unclean.leader.election.enable=true"), "{out}");
    assert!(has_line(&out, "kafka-configs.sh --bootstrap-server \"$BOOTSTRAP\" --entity-type brokers --entity-default --alter --add-config min.insync.replicas=2"));
    assert!(has_line(&out, "fault set replica.lag.time.max.ms 3000"));
    assert!(
        out.contains("# sim set replica.fetch.max.records=5  (streamlab only: no Kafka setting)")
    );
    assert!(
        out.contains("# sim events leader-elected  (streamlab only: the simulation's event log")
    );
    assert!(out.contains("# sim check  (streamlab only"));
    assert!(has_line(
        &out,
        "kafka-topics.sh --bootstrap-server \"$BOOTSTRAP\" --describe || true"
    ));
    // sim seed comes after a command here: streamlab refuses it.
    assert!(out.contains("# sim seed 3  (streamlab refuses it"));
}

#[test]
fn preferred_elections() {
    let out = body(
        "kafka-topics.sh --bootstrap-server x --create --topic t --partitions 2 --replication-factor 1\n\
         sim elect-preferred t\nsim elect-preferred\n",
    );
    assert!(out.contains(r#"printf '%s\n' '{"partitions":[{"topic":"t","partition":0},{"topic":"t","partition":1}]}' >"$work/election-2.json""#), "{out}");
    assert!(has_line(
        &out,
        r#"kafka-leader-election.sh --bootstrap-server "$BOOTSTRAP" --election-type PREFERRED --path-to-json-file "$work/election-2.json""#
    ));
    assert!(has_line(
        &out,
        r#"kafka-leader-election.sh --bootstrap-server "$BOOTSTRAP" --election-type PREFERRED --all-topic-partitions"#
    ));
}

#[test]
fn group_members_run_in_the_background() {
    let out = body(
        "kafka-topics.sh --bootstrap-server x --create --topic t.a --partitions 2 --replication-factor 1\n\
         kafka-topics.sh --bootstrap-server x --create --topic u --partitions 2 --replication-factor 1\n\
         sim consumer join g m1 --topics t.a,u --assignor sticky\n\
         sim consumer join g m2 --topics u --from-beginning\n\
         sim consumer commit g m2\nsim consumer leave g m1\nsim consumer crash g m2\n",
    );
    assert!(
        out.contains(r"bg_start 1 kafka-console-consumer.sh --bootstrap-server "),
        "{out}"
    );
    assert!(out.contains(r"--include '^(t\.a|u)$' --group g --consumer-property client.id=m1 --consumer-property partition.assignment.strategy=org.apache.kafka.clients.consumer.StickyAssignor --consumer-property auto.offset.reset=latest"), "{out}");
    assert!(out.contains("bg_start 2 kafka-console-consumer.sh --bootstrap-server \"$BOOTSTRAP\" --topic u --group g --consumer-property client.id=m2 --consumer-property partition.assignment.strategy=org.apache.kafka.clients.consumer.RangeAssignor --consumer-property auto.offset.reset=earliest"));
    assert!(out.contains("session.timeout.ms=10000"));
    assert!(out
        .contains("# sim consumer commit g m2  (streamlab only: a console consumer commits every"));
    assert!(has_line(&out, "bg_stop 1 TERM"));
    assert!(has_line(&out, "bg_stop 2 KILL"));
    assert_eq!(regex_literal("a.b-c_1"), r"a\.b\-c\_1");
}

#[test]
fn broker_start_and_stop() {
    let out = body(
        "kafka-server-stop.sh 1\nkafka-server-start.sh --override broker.id=1\nkafka-server-stop.sh\n\
         kafka-server-start.sh -daemon config/server.properties\nkafka-server-start.sh 2\n",
    );
    assert!(has_line(&out, "kafka-server-stop.sh 1"), "{out}");
    assert!(
        out.contains("cargo xtask oracle sends SIGTERM to the broker the line names, else to all")
    );
    assert!(has_line(
        &out,
        "kafka-server-start.sh -daemon config/server.properties --override broker.id=1"
    ));
    assert!(out.contains("as a daemon, with a properties file"));
    assert!(has_line(&out, "kafka-server-stop.sh"));
    assert!(has_line(
        &out,
        "kafka-server-start.sh -daemon config/server.properties"
    ));
    assert!(has_line(
        &out,
        "kafka-server-start.sh -daemon config/server.properties --override broker.id=2"
    ));
}

#[test]
fn flume_agents_get_a_file_their_broker_and_monitoring() {
    let out = body(
        "flume-ng agent --name a1 --conf-file conf/x.conf -Dx=1 <<EOF\n\
         a1.sources = r1\na1.channels = c1 c2\na1.sinks = k1 k2\n\
         a1.sources.r1.type = netcat\na1.sources.r1.bind = 0.0.0.0\na1.sources.r1.port = 44444\na1.sources.r1.channels = c1 c2\n\
         a1.channels.c1.type = memory\na1.channels.c2.type = memory\na1.sinks.k2.type = com.atguigu.sink.MySink\na1.sinks.k2.channel = c2\n\
         a1.sinks.k1.type = org.apache.flume.sink.kafka.KafkaSink\na1.sinks.k1.kafka.topic = t\na1.sinks.k1.channel = c1\nEOF\n\
         sim flume feed a1 r1 'one $x' two\nsim flume feed a1 r1 <<EOF\nthree\nEOF\n\
         sim flume metrics a1\nsim flume fail a1 k2 2\n",
    );
    assert!(
        out.contains("cat >\"$work/flume-1.properties\" <<'EOF'\na1.sources = r1\n"),
        "{out}"
    );
    assert!(has_line(&out, "printf '%s = %s\\n' a1.sinks.k1.kafka.bootstrap.servers \"$BOOTSTRAP\" >>\"$work/flume-1.properties\""), "{out}");
    assert!(has_line(&out, "bg_start 1 flume-ng agent --name a1 -Dx=1 --conf-file \"$work/flume-1.properties\" -Dflume.monitoring.type=http \"-Dflume.monitoring.port=$((FLUME_MONITORING_PORT + 0))\""), "{out}");
    assert!(has_line(
        &out,
        "printf '%s\\n' 'one $x' two >/dev/tcp/127.0.0.1/44444"
    ));
    assert!(out.contains("cat >/dev/tcp/127.0.0.1/44444 <<'EOF'\nthree\nEOF\n"));
    assert!(has_line(
        &out,
        "curl -s \"http://127.0.0.1:$((FLUME_MONITORING_PORT + 0))/metrics\"; echo"
    ));
    assert!(
        out.contains("# sim flume fail a1 k2 2  (streamlab only"),
        "{out}"
    );
    assert!(export("sim brokers 3\n")
        .find("FLUME_MONITORING_PORT")
        .is_none());
    // An agent streamlab refuses is not started.
    let out = body("flume-ng agent --name a1 --conf-file x <<EOF\na1.sources = r1\nEOF\n");
    assert!(out.contains("streamlab refuses it"), "{out}");
    assert!(!out.contains("bg_start"));
}

#[test]
fn compose_has_three_brokers_with_the_simulations_settings() {
    let c = docker_compose();
    for id in 0..3 {
        assert!(c.contains(&format!("  kafka-{id}:\n")));
        assert!(c.contains(&format!("KAFKA_BROKER_ID: {id}\n")));
        assert!(c.contains(&format!("EXTERNAL://localhost:909{}", 2 + id)));
    }
    let d = crate::cluster::settings::BrokerSettings::default();
    assert!(c.contains(&format!(
        "KAFKA_REPLICA_LAG_TIME_MAX_MS: \"{}\"",
        d.replica_lag_time_max_ms
    )));
    assert!(c.contains(&format!(
        "KAFKA_ZOOKEEPER_SESSION_TIMEOUT_MS: \"{}\"",
        d.zookeeper_session_timeout_ms
    )));
    assert!(c.contains(&format!(
        "KAFKA_MIN_INSYNC_REPLICAS: \"{}\"",
        d.min_insync_replicas
    )));
    assert!(!c.contains('\t'), "YAML forbids tabs");
}
