//! Whole-agent tests: configs in, counters and outputs checked against
//! numbers computed here from the workload, not copied from a run.

use super::*;

fn agent(conf: &str) -> Agent {
    match Agent::from_properties(conf, "a1") {
        Ok(a) => a,
        Err(e) => panic!("config should be valid: {e}"),
    }
}

/// Runs until nothing is left to do or `max_ms`.
fn run_until_quiet(a: &mut Agent, out: &mut dyn KafkaOutput, max_ms: u64) {
    while !a.is_quiescent() {
        match a.next_wakeup() {
            Some(t) if t <= max_ms => {
                a.advance(t, out);
            }
            _ => break,
        }
    }
}

fn sink<'a>(s: &'a AgentSnapshot, name: &str) -> &'a SinkSnapshot {
    s.sinks.iter().find(|k| k.name == name).expect("sink")
}
fn chan<'a>(s: &'a AgentSnapshot, name: &str) -> &'a ChannelSnapshot {
    s.channels.iter().find(|c| c.name == name).expect("channel")
}
fn src<'a>(s: &'a AgentSnapshot, name: &str) -> &'a SourceSnapshot {
    s.sources.iter().find(|c| c.name == name).expect("source")
}

const FILTER_WORKLOAD: &str = "\
a1.sources = r1
a1.channels = c1
a1.sinks = k1
a1.sources.r1.type = seq
a1.sources.r1.totalEvents = 1000
a1.sources.r1.batchSize = 100
a1.sources.r1.channels = c1
a1.sources.r1.interceptors = i1
a1.sources.r1.interceptors.i1.type = regex_filter
a1.sources.r1.interceptors.i1.regex = ^.*5$
a1.sources.r1.interceptors.i1.excludeEvents = true
a1.channels.c1.type = memory
a1.channels.c1.capacity = 1000
a1.channels.c1.transactionCapacity = 100
a1.sinks.k1.type = logger
a1.sinks.k1.channel = c1
";

#[test]
fn seq_through_regex_filter_to_logger_counts_exactly() {
    let total = 1000u64;
    let batch = 100u64;
    // Bodies are "0".."999"; the filter drops those ending in 5.
    let kept: Vec<String> = (0..total)
        .map(|n| n.to_string())
        .filter(|b| !b.ends_with('5'))
        .collect();
    let kept_n = kept.len() as u64;

    let mut a = agent(FILTER_WORKLOAD);
    let mut out = CountingKafkaOutput::default();
    run_until_quiet(&mut a, &mut out, 60_000);
    assert!(a.is_quiescent());

    let s = a.snapshot();
    let r1 = &src(&s, "r1").counters;
    assert_eq!(
        r1.event_accepted_count, total,
        "counted before interceptors"
    );
    assert_eq!(r1.append_batch_accepted_count, total.div_ceil(batch));
    assert_eq!(r1.channel_write_fail, 0);
    assert_eq!(
        r1.event_received_count, 0,
        "Flume's seq source never counts received"
    );

    let c1 = &chan(&s, "c1").counters;
    assert_eq!(c1.event_put_attempt_count, kept_n);
    assert_eq!(c1.event_put_success_count, kept_n);
    assert_eq!(c1.event_take_success_count, kept_n);
    assert_eq!(c1.channel_size, 0);

    let k1 = &sink(&s, "k1").counters;
    assert_eq!(k1.event_drain_success_count, kept_n);
    assert_eq!(k1.event_drain_attempt_count, kept_n);
    // Every take that found nothing was one empty logger call.
    assert_eq!(
        c1.event_take_attempt_count,
        c1.event_take_success_count + k1.batch_empty_count
    );

    let logged = a.sink_output("k1").expect("logger");
    assert_eq!(logged.len() as u64, kept_n);
    let expected_first = FlumeEvent::with_body(kept[0].clone()).dump(16);
    assert_eq!(logged[0], format!("Event: {expected_first}"));
    assert_eq!(
        logged[0],
        format!("Event: {{ headers:{{}} body: 30 {}0 }}", "   ".repeat(15))
    );
    for (line, body) in logged.iter().zip(&kept) {
        assert!(line.ends_with(&format!(" {body} }}")), "{line} vs {body}");
    }

    // The JSON: Flume's shape, strings only; LoggerSink has no MBean.
    let json: serde_json::Value = serde_json::from_str(&a.metrics_json()).expect("json");
    let obj = json.as_object().expect("object");
    let keys: Vec<&String> = obj.keys().collect();
    assert_eq!(keys, vec!["CHANNEL.c1", "SOURCE.r1"]);
    assert_eq!(
        json["CHANNEL.c1"]["EventPutSuccessCount"],
        kept_n.to_string()
    );
    assert_eq!(json["CHANNEL.c1"]["ChannelSize"], "0");
    assert_eq!(json["CHANNEL.c1"]["ChannelCapacity"], "1000");
    assert_eq!(json["CHANNEL.c1"]["ChannelFillPercentage"], "0.0");
    assert_eq!(json["CHANNEL.c1"]["Type"], "CHANNEL");
    assert_eq!(json["SOURCE.r1"]["EventAcceptedCount"], total.to_string());
    assert_eq!(json["SOURCE.r1"]["StopTime"], "0");
    assert!(obj
        .values()
        .flat_map(|m| m.as_object().expect("attrs").values())
        .all(|v| v.is_string()));
}

#[test]
fn log_entries_become_simulation_events() {
    let mut a = agent(FILTER_WORKLOAD);
    a.advance(0, &mut CountingKafkaOutput::default());
    let log = a.drain_log();
    assert!(!log.is_empty());
    let ev = log[log.len() - 1].to_event("a1");
    assert_eq!(ev.time, crate::time::SimTime(0));
    match ev.kind {
        crate::event::EventKind::Flume { agent, .. } => assert_eq!(agent, "a1"),
        other => panic!("expected a flume event, got {other:?}"),
    }
    assert!(a.drain_log().is_empty(), "drained");
    assert_eq!(a.log_dropped(), 0);
}

#[test]
fn same_config_same_trace() {
    let run = || {
        let mut a = agent(FILTER_WORKLOAD);
        run_until_quiet(&mut a, &mut CountingKafkaOutput::default(), 60_000);
        (a.drain_log(), a.metrics_json())
    };
    assert_eq!(run(), run());
}

#[test]
fn replicating_selector_copies_to_all_and_optional_failures_are_ignored() {
    let mut a = agent(
        "a1.sources = r1\na1.channels = c1 c2 c3\n\
         a1.sources.r1.type = seq\na1.sources.r1.totalEvents = 8\na1.sources.r1.batchSize = 4\n\
         a1.sources.r1.channels = c1 c2 c3\na1.sources.r1.selector.type = replicating\n\
         a1.sources.r1.selector.optional = c3\n\
         a1.channels.c1.type = memory\na1.channels.c2.type = memory\n\
         a1.channels.c3.type = memory\na1.channels.c3.capacity = 5\n\
         a1.channels.c3.transactionCapacity = 5\n",
    );
    a.advance(10, &mut CountingKafkaOutput::default());
    assert_eq!(a.channel("c1").map(MemoryChannel::len), Some(8));
    assert_eq!(a.channel("c2").map(MemoryChannel::len), Some(8));
    // c3 took the first batch of 4; the second did not fit and was dropped.
    assert_eq!(a.channel("c3").map(MemoryChannel::len), Some(4));
    let s = a.snapshot();
    assert_eq!(src(&s, "r1").counters.channel_write_fail, 0);
    assert_eq!(chan(&s, "c3").counters.event_put_attempt_count, 8);
}

#[test]
fn multiplexing_selector_routes_by_the_seed_interceptor_header() {
    let mut a = agent(
        "a1.sources = r1\na1.channels = c1 c2 c3\n\
         a1.sources.r1.type = netcat\na1.sources.r1.channels = c1 c2 c3\n\
         a1.sources.r1.interceptors = i1\n\
         a1.sources.r1.interceptors.i1.type = com.atguigu.interceptor.TypeInterceptor$Builder\n\
         a1.sources.r1.selector.type = multiplexing\na1.sources.r1.selector.header = type\n\
         a1.sources.r1.selector.mapping.letter = c1\na1.sources.r1.selector.mapping.number = c2\n\
         a1.sources.r1.selector.default = c3\n\
         a1.channels.c1.type = memory\na1.channels.c2.type = memory\na1.channels.c3.type = memory\n",
    );
    a.feed_lines("r1", &["hello", "42", "#tag", "world", "7"])
        .expect("netcat");
    a.advance(0, &mut CountingKafkaOutput::default());
    let bodies = |c: &str| -> Vec<String> {
        a.channel(c)
            .expect("channel")
            .events()
            .map(|e| e.body.clone())
            .collect()
    };
    assert_eq!(bodies("c1"), vec!["hello", "world"]);
    assert_eq!(bodies("c2"), vec!["42", "7"]);
    assert_eq!(bodies("c3"), vec!["#tag"]);
    assert_eq!(a.netcat_replies("r1").map(<[String]>::len), Some(5));
    // Netcat registers no counter MBean in Flume.
    assert!(!a.metrics_json().contains("SOURCE.r1"));
    assert!(matches!(
        a.feed_lines("r9", &["x"]),
        Err(FlumeError::UnknownSource { .. })
    ));
}

#[test]
fn full_channel_makes_the_source_retry_and_count_attempts() {
    let batch = 10u64;
    let cap = 10u64;
    let mut a = agent(&format!(
        "a1.sources = r1\na1.channels = c1\n\
         a1.sources.r1.type = seq\na1.sources.r1.batchSize = {batch}\n\
         a1.sources.r1.channels = c1\n\
         a1.channels.c1.type = memory\na1.channels.c1.capacity = {cap}\n\
         a1.channels.c1.transactionCapacity = {batch}\n"
    ));
    let calls = 10u64; // at t = 0..=9, one call per ms
    a.advance(calls - 1, &mut CountingKafkaOutput::default());
    let s = a.snapshot();
    let c1 = &chan(&s, "c1").counters;
    assert_eq!(c1.event_put_attempt_count, calls * batch);
    assert_eq!(c1.event_put_success_count, cap);
    assert_eq!(src(&s, "r1").counters.channel_write_fail, calls - 1);
    assert_eq!(src(&s, "r1").counters.event_accepted_count, cap);
    let json: serde_json::Value = serde_json::from_str(&a.metrics_json()).expect("json");
    assert_eq!(json["CHANNEL.c1"]["ChannelFillPercentage"], "100.0");
    let log = a.drain_log();
    assert!(log.iter().any(|e| e.what.contains(
        "Space for commit to queue couldn't be acquired. Sinks are likely not keeping up with sources, or the buffer size is too tight"
    )));
    assert!(log.iter().any(|e| e.what.contains("rollback")));
}

#[test]
fn sink_runner_backs_off_like_flume_and_ready_resets_it() {
    let mut a = agent(
        "a1.sources = r1\na1.channels = c1\na1.sinks = k1\n\
         a1.sources.r1.type = netcat\na1.sources.r1.channels = c1\n\
         a1.channels.c1.type = memory\na1.sinks.k1.type = logger\na1.sinks.k1.channel = c1\n",
    );
    let mut out = CountingKafkaOutput::default();
    // Expected wake-ups: each back-off sleeps min(n × 1000, 5000) ms.
    let mut t = 0;
    let mut expected = Vec::new();
    for n in 1..=6u64 {
        t += (n * BACKOFF_SLEEP_INCREMENT_MS).min(MAX_BACKOFF_SLEEP_MS);
        expected.push(t);
    }
    let mut seen = Vec::new();
    for _ in 0..6 {
        let w = a.next_wakeup().expect("sink is scheduled");
        a.advance(w, &mut out);
        seen.push(sink(&a.snapshot(), "k1").next_run_ms);
    }
    assert_eq!(seen, expected);
    let s = a.snapshot();
    assert_eq!(sink(&s, "k1").consecutive_backoffs, 6);
    assert_eq!(sink(&s, "k1").counters.batch_empty_count, 6);

    // An event arrives; the sink picks it up on its next wake-up: READY.
    let now = a.now_ms();
    a.feed_lines("r1", &["hi"]).expect("netcat");
    a.advance(now, &mut out);
    let wake = sink(&a.snapshot(), "k1").next_run_ms;
    a.advance(wake, &mut out);
    let s = a.snapshot();
    assert_eq!(sink(&s, "k1").consecutive_backoffs, 0, "READY resets");
    assert_eq!(sink(&s, "k1").next_run_ms, wake + 1);
    assert_eq!(a.sink_output("k1").map(<[String]>::len), Some(1));
}

const KAFKA_CONF: &str = "\
a1.sources = r1
a1.channels = c1
a1.sinks = k1
a1.sources.r1.type = seq
a1.sources.r1.totalEvents = 250
a1.sources.r1.batchSize = 50
a1.sources.r1.channels = c1
a1.channels.c1.type = memory
a1.channels.c1.capacity = 1000
a1.sinks.k1.type = org.apache.flume.sink.kafka.KafkaSink
a1.sinks.k1.kafka.topic = first
a1.sinks.k1.kafka.producer.acks = all
a1.sinks.k1.flumeBatchSize = 100
a1.sinks.k1.channel = c1
";

#[test]
fn kafka_sink_sends_batches_and_redelivers_after_a_failed_send() {
    let total = 250u64;
    let fail_at = 5u64; // the 5th send fails
    let mut a = agent(KAFKA_CONF);
    let mut out = CountingKafkaOutput {
        fail_sends: vec![fail_at],
        ..Default::default()
    };
    run_until_quiet(&mut a, &mut out, 120_000);
    assert!(a.is_quiescent());
    // Sends before the failure reached Kafka and are sent again: duplicates.
    assert_eq!(out.records.len() as u64, total + (fail_at - 1));
    assert!(out
        .records
        .iter()
        .all(|r| r.topic == "first" && r.acks == -1));
    let mut distinct: Vec<&str> = out.records.iter().map(|r| r.value.as_str()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len() as u64, total);

    let s = a.snapshot();
    let k1 = &sink(&s, "k1").counters;
    assert_eq!(k1.event_drain_success_count, total);
    assert_eq!(k1.event_drain_attempt_count, total + fail_at);
    assert_eq!(k1.rollback_count, 1);
    assert_eq!(k1.event_write_fail, 1);
    let c1 = &chan(&s, "c1").counters;
    assert_eq!(c1.event_take_success_count, total);
    assert_eq!(c1.event_put_success_count, total);

    let json: serde_json::Value = serde_json::from_str(&a.metrics_json()).expect("json");
    assert_eq!(json["SINK.k1"]["RollbackCount"], "1");
    assert_eq!(json["SINK.k1"]["EventDrainSuccessCount"], total.to_string());
    assert_eq!(json["SINK.k1"]["Type"], "SINK");
    assert!(json["SINK.k1"].get("EventWriteFail").is_none());
}

#[test]
fn kafka_sink_batch_counters_and_header_overrides() {
    let mut a = agent(
        "a1.sources = r1\na1.channels = c1\na1.sinks = k1\n\
         a1.sources.r1.type = netcat\na1.sources.r1.channels = c1\n\
         a1.sources.r1.interceptors = i1 i2\n\
         a1.sources.r1.interceptors.i1.type = static\n\
         a1.sources.r1.interceptors.i1.key = topic\n\
         a1.sources.r1.interceptors.i1.value = second\n\
         a1.sources.r1.interceptors.i2.type = static\n\
         a1.sources.r1.interceptors.i2.key = key\n\
         a1.sources.r1.interceptors.i2.value = k\n\
         a1.channels.c1.type = memory\n\
         a1.sinks.k1.type = org.apache.flume.sink.kafka.KafkaSink\n\
         a1.sinks.k1.flumeBatchSize = 2\na1.sinks.k1.channel = c1\n",
    );
    let mut out = CountingKafkaOutput::default();
    a.feed_lines("r1", &["a", "b", "c"]).expect("netcat");
    a.advance(0, &mut out); // source puts 3, sink takes a full batch of 2
    a.advance(1, &mut out); // sink takes 1, then null: underflow
    a.advance(1001, &mut out);
    let s = a.snapshot();
    let k1 = &sink(&s, "k1").counters;
    assert_eq!(k1.batch_underflow_count, 1);
    assert_eq!(k1.batch_empty_count, 1);
    assert_eq!(
        k1.batch_complete_count, 0,
        "Flume's KafkaSink never counts it"
    );
    assert_eq!(out.records.len(), 3);
    assert!(out
        .records
        .iter()
        .all(|r| r.topic == "second" && r.key.as_deref() == Some("k") && r.acks == 1));
}

#[test]
fn custom_sink_rolls_back_and_redelivers_in_order() {
    let total = 10u64;
    let every = 3u64;
    let mut a = agent(&format!(
        "a1.sources = r1\na1.channels = c1\na1.sinks = k1\n\
         a1.sources.r1.type = seq\na1.sources.r1.totalEvents = {total}\n\
         a1.sources.r1.batchSize = {total}\na1.sources.r1.channels = c1\n\
         a1.channels.c1.type = memory\n\
         a1.sinks.k1.type = com.atguigu.sink.MySink\na1.sinks.k1.prefix = atguigu:\n\
         a1.sinks.k1.failEvery = {every}\na1.sinks.k1.channel = c1\n"
    ));
    let mut out = CountingKafkaOutput::default();
    run_until_quiet(&mut a, &mut out, 600_000);
    // Every `every`-th attempt fails; count the failures the workload causes.
    let (mut attempts, mut delivered, mut failures) = (0u64, 0u64, 0u64);
    while delivered < total {
        attempts += 1;
        if attempts % every == 0 {
            failures += 1;
        } else {
            delivered += 1;
        }
    }
    let expected: Vec<String> = (0..total).map(|n| format!("atguigu:{n}")).collect();
    assert_eq!(a.sink_output("k1").map(<[String]>::to_vec), Some(expected));
    let s = a.snapshot();
    let k1 = &sink(&s, "k1").counters;
    assert_eq!(k1.rollback_count, failures);
    assert_eq!(k1.event_drain_attempt_count, attempts);
    assert_eq!(chan(&s, "c1").counters.event_take_success_count, total);
    assert!(
        !a.metrics_json().contains("SINK.k1"),
        "custom sinks register no MBean"
    );
    let log = a.drain_log();
    // The eight steps are visible in the log for a failed call.
    let steps: Vec<&str> = log
        .iter()
        .filter(|e| e.component == "c1" && e.what.starts_with("k1 tx#"))
        .map(|e| e.what.as_str())
        .collect();
    assert!(steps
        .iter()
        .any(|w| w.ends_with("rollback (1 takes returned to the channel, 0 puts discarded)")));
}

#[test]
fn fail_sink_api_forces_rollbacks() {
    let mut a = agent(
        "a1.sources = r1\na1.channels = c1\na1.sinks = k1\n\
         a1.sources.r1.type = seq\na1.sources.r1.totalEvents = 3\n\
         a1.sources.r1.batchSize = 3\na1.sources.r1.channels = c1\n\
         a1.channels.c1.type = memory\n\
         a1.sinks.k1.type = com.atguigu.sink.MySink\na1.sinks.k1.channel = c1\n",
    );
    a.fail_sink("k1", 2).expect("custom sink");
    let mut out = CountingKafkaOutput::default();
    run_until_quiet(&mut a, &mut out, 600_000);
    let s = a.snapshot();
    assert_eq!(sink(&s, "k1").counters.rollback_count, 2);
    assert_eq!(
        a.sink_output("k1").map(<[String]>::to_vec),
        Some(vec!["hello:0".into(), "hello:1".into(), "hello:2".into()])
    );
    let mut b = agent(FILTER_WORKLOAD);
    assert!(matches!(
        b.fail_sink("k1", 1),
        Err(FlumeError::NotCustomSink(_))
    ));
}

#[test]
fn exec_source_batches_by_size_and_by_timeout() {
    let mut a = agent(
        "a1.sources = r1\na1.channels = c1\n\
         a1.sources.r1.type = exec\na1.sources.r1.command = tail -F /var/log/app.log\n\
         a1.sources.r1.linesPerSecond = 10\na1.sources.r1.batchSize = 20\n\
         a1.sources.r1.channels = c1\na1.channels.c1.type = memory\n",
    );
    let mut out = CountingKafkaOutput::default();
    let interval = 1000 / 10;
    let batch = 20u64;
    let last_of_first_batch = (batch - 1) * interval;
    a.advance(last_of_first_batch - 1, &mut out);
    let s = a.snapshot();
    assert_eq!(src(&s, "r1").counters.event_received_count, batch - 1);
    assert_eq!(src(&s, "r1").counters.event_accepted_count, 0);
    a.advance(last_of_first_batch, &mut out);
    assert_eq!(
        a.channel("c1").map(MemoryChannel::len),
        Some(batch as usize)
    );
    assert_eq!(
        a.channel("c1")
            .and_then(|c| c.events().next())
            .map(|e| e.body.clone()),
        Some("line 0".into())
    );

    // A full channel: the batch is retried whole, never grown past batchSize.
    let mut c = agent(
        "a1.sources = r1\na1.channels = c1\n\
         a1.sources.r1.type = exec\na1.sources.r1.command = seq 1 100\n\
         a1.sources.r1.batchSize = 20\na1.sources.r1.channels = c1\n\
         a1.channels.c1.type = memory\na1.channels.c1.capacity = 30\n\
         a1.channels.c1.transactionCapacity = 20\n",
    );
    c.advance(10_000, &mut out);
    let s = c.snapshot();
    assert_eq!(c.channel("c1").map(MemoryChannel::len), Some(20));
    assert_eq!(src(&s, "r1").pending, 20);
    assert_eq!(src(&s, "r1").counters.event_received_count, 40);
    assert!(src(&s, "r1").counters.channel_write_fail > 0);
    let c1 = &chan(&s, "c1").counters;
    assert_eq!(c1.event_put_attempt_count % 20, 0, "whole batches only");
    // Batch 1 commits at t=0; batch 2 fails at t=1 and is retried every
    // backoffSleepIncrement (1000 ms): at 1001, 2001, ... up to 10 000.
    let retries = (10_000 - 1) / 1000;
    assert_eq!(c1.event_put_attempt_count, 20 * (2 + retries));

    // A finite command: `seq 1 45` prints 45 lines and exits.
    let mut b = agent(
        "a1.sources = r1\na1.channels = c1\n\
         a1.sources.r1.type = exec\na1.sources.r1.command = seq 1 45\n\
         a1.sources.r1.channels = c1\na1.channels.c1.type = memory\n",
    );
    b.advance(100, &mut out);
    let s = b.snapshot();
    assert!(src(&s, "r1").exhausted);
    assert_eq!(src(&s, "r1").counters.event_accepted_count, 45);
    assert_eq!(b.channel("c1").map(MemoryChannel::len), Some(45));
    let json: serde_json::Value = serde_json::from_str(&b.metrics_json()).expect("json");
    assert_eq!(json["SOURCE.r1"]["EventReceivedCount"], "45");
}

#[test]
fn timestamp_and_host_use_virtual_time_and_the_agent_host() {
    let mut a = agent(
        "a1.sources = r1\na1.channels = c1\n\
         a1.sources.r1.type = seq\na1.sources.r1.totalEvents = 3\n\
         a1.sources.r1.channels = c1\na1.sources.r1.interceptors = t h\n\
         a1.sources.r1.interceptors.t.type = timestamp\n\
         a1.sources.r1.interceptors.h.type = host\n\
         a1.channels.c1.type = memory\n",
    );
    a.set_host("hadoop102");
    a.advance(500, &mut CountingKafkaOutput::default());
    let ts: Vec<(String, String)> = a
        .channel("c1")
        .expect("c1")
        .events()
        .map(|e| (e.headers["timestamp"].clone(), e.headers["host"].clone()))
        .collect();
    // batchSize 1: one event per millisecond starting at 0.
    let expected: Vec<(String, String)> = (0..3)
        .map(|t: u64| (t.to_string(), "hadoop102".to_string()))
        .collect();
    assert_eq!(ts, expected);
}

#[test]
fn build_errors_carry_line_numbers() {
    let e = |conf: &str| Agent::from_properties(conf, "a1").expect_err("invalid");
    let base = "a1.sources = r1\na1.channels = c1\na1.sources.r1.channels = c1\n\
                a1.channels.c1.type = memory\n";
    let err = e(&format!("{base}a1.sources.r1.type = avro\n"));
    assert_eq!(err.line, 5);
    assert!(matches!(
        err.kind,
        ConfigErrorKind::UnknownType { kind: "source", .. }
    ));
    let err = e(&format!(
        "{base}a1.sources.r1.type = seq\na1.channels.c1.capacity = 10\n\
         a1.channels.c1.transactionCapacity = 20\n"
    ));
    assert_eq!(err.line, 7);
    assert_eq!(err.kind, ConfigErrorKind::TransactionCapacityTooHigh);
    let err = e(&format!(
        "{base}a1.sources.r1.type = seq\na1.sources.r1.batchSize = ten\n"
    ));
    assert_eq!(err.line, 6);
    assert!(matches!(err.kind, ConfigErrorKind::BadNumber { .. }));
    let err = e(&format!(
        "{base}a1.sources.r1.type = seq\na1.sources.r1.batchSize = 0\n"
    ));
    assert_eq!(err.line, 6);
    let err = e(&format!(
        "{base}a1.sources.r1.type = seq\na1.sources.r1.interceptors = i1\n\
         a1.sources.r1.interceptors.i1.type = com.example.Missing$Builder\n"
    ));
    assert_eq!(err.line, 7);
    assert!(err.to_string().contains("Interceptor.Builder not found"));
    let err = e(&format!(
        "{base}a1.sources.r1.type = seq\na1.channels.c1.transactionCapacity = 10\n\
         a1.sources.r1.batchSize = 11\n"
    ));
    assert_eq!(err.line, 7);
    assert_eq!(
        err.kind.to_string(),
        "Incompatible source and channel settings defined. source's batch size is greater than the channels transaction capacity. Source: r1, batch size = 11, channel c1, transaction capacity = 10"
    );
    let err = e(&format!(
        "{base}a1.sources.r1.type = seq\na1.sinks = k1\na1.sinks.k1.channel = c1\n\
         a1.sinks.k1.type = org.apache.flume.sink.kafka.KafkaSink\n\
         a1.sinks.k1.flumeBatchSize = 101\n"
    ));
    assert_eq!(err.line, 9);
    assert!(matches!(
        err.kind,
        ConfigErrorKind::IncompatibleSink {
            batch_size: 101,
            ..
        }
    ));
    let err = e("a1.channels = c1\na1.channels.c1.type = file\n");
    assert_eq!(err.line, 2);
    let err = e(&format!(
        "{base}a1.sources.r1.type = seq\na1.sinks = k1\na1.sinks.k1.channel = c1\n\
         a1.sinks.k1.type = org.apache.flume.sink.kafka.KafkaSink\n\
         a1.sinks.k1.kafka.producer.acks = 2\n"
    ));
    assert_eq!(err.line, 9);
}

#[test]
fn custom_interceptor_registered_by_the_caller() {
    #[derive(Debug, Clone)]
    struct Tag;
    impl Interceptor for Tag {
        fn intercept(&mut self, mut e: FlumeEvent, _: &InterceptContext<'_>) -> Option<FlumeEvent> {
            e.headers.insert("tagged".into(), "yes".into());
            Some(e)
        }
    }
    struct TagBuilder;
    impl InterceptorBuilder for TagBuilder {
        fn configure(&mut self, _: &Context) -> Result<(), ConfigError> {
            Ok(())
        }
        fn build(&self) -> Box<dyn Interceptor> {
            Box::new(Tag)
        }
    }
    let conf = "a1.sources = r1\na1.channels = c1\na1.sources.r1.type = seq\n\
                a1.sources.r1.totalEvents = 1\na1.sources.r1.channels = c1\n\
                a1.sources.r1.interceptors = i1\n\
                a1.sources.r1.interceptors.i1.type = com.example.Tag$Builder\n\
                a1.channels.c1.type = memory\n";
    let cfg = parse_agent_config(conf, "a1").expect("parses");
    let mut reg = InterceptorRegistry::with_builtins();
    assert!(Agent::build(&cfg, &reg, 0).is_err());
    reg.register("com.example.Tag$Builder", || Box::new(TagBuilder));
    let mut a = Agent::build(&cfg, &reg, 0).expect("registered");
    a.advance(0, &mut CountingKafkaOutput::default());
    let e = a.channel("c1").and_then(|c| c.events().next().cloned());
    assert_eq!(
        e.map(|e| e.headers["tagged"].clone()).as_deref(),
        Some("yes")
    );
}

#[test]
fn netcat_gets_failed_replies_when_the_channel_is_full_and_retries() {
    let mut a = agent(
        "a1.sources = r1\na1.channels = c1\na1.sinks = k1\n\
         a1.sources.r1.type = netcat\na1.sources.r1.channels = c1\n\
         a1.channels.c1.type = memory\na1.channels.c1.capacity = 2\n\
         a1.channels.c1.transactionCapacity = 2\n\
         a1.sinks.k1.type = logger\na1.sinks.k1.channel = c1\n",
    );
    let mut out = CountingKafkaOutput::default();
    // Sink first sleeps 1000 ms after an empty poll at t=0.
    a.advance(0, &mut out);
    a.feed_lines("r1", &["a", "b", "c"]).expect("netcat");
    a.advance(0, &mut out);
    let replies = a.netcat_replies("r1").expect("netcat").to_vec();
    assert_eq!(replies[..2], ["OK".to_string(), "OK".to_string()]);
    assert!(replies[2].starts_with("FAILED: Space for commit to queue couldn't be acquired"));
    run_until_quiet(&mut a, &mut out, 60_000);
    assert_eq!(
        a.sink_output("k1").map(<[String]>::len),
        Some(3),
        "the failed line is resent"
    );
}

#[test]
fn seed_pipeline_example_config_runs() {
    let conf = include_str!("../../../tests/flume/seed-pipeline.conf");
    let mut a = agent(conf);
    let mut out = CountingKafkaOutput::default();
    run_until_quiet(&mut a, &mut out, 60_000);
    assert!(a.is_quiescent());
    assert!(!out.records.is_empty());
    assert!(out.records.iter().all(|r| r.topic == "first"));
    let json: serde_json::Value = serde_json::from_str(&a.metrics_json()).expect("json");
    assert_eq!(
        json["SINK.k1"]["EventDrainSuccessCount"],
        out.records.len().to_string()
    );
}

#[test]
fn huge_jumps_neither_overflow_nor_hang() {
    let mut a = agent(FILTER_WORKLOAD);
    a.set_step_budget(500);
    let mut out = CountingKafkaOutput::default();
    let steps = a.advance(u64::MAX, &mut out);
    assert_eq!(steps, 500);
    assert!(a.now_ms() < u64::MAX, "paused at the last iteration");
    // Calls continue where the budget stopped; the workload still finishes.
    let mut guard = 0;
    while !a.is_quiescent() && guard < 100 {
        a.advance(u64::MAX, &mut out);
        guard += 1;
    }
    assert!(a.is_quiescent());
    // An idle netcat (next run "never") is not run at u64::MAX.
    let mut b = agent(
        "a1.sources = r1\na1.channels = c1\na1.sources.r1.type = netcat\n\
         a1.sources.r1.channels = c1\na1.channels.c1.type = memory\n",
    );
    assert_eq!(b.advance(u64::MAX, &mut out), 1);
    assert_eq!(b.next_wakeup(), None);
    assert_eq!(b.advance(u64::MAX, &mut out), 0);
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Any text is a config or a typed error, never a panic.
        #[test]
        fn any_text_parses_or_errors(lines in proptest::collection::vec("[a-z0-9 .=#$_-]{0,30}", 0..12)) {
            let text = lines.join("\n");
            let _ = Agent::from_properties(&text, "a1");
            let prefixed: String = lines.iter().map(|l| format!("a1.{l}\n")).collect();
            let _ = Agent::from_properties(&prefixed, "a1");
        }

        /// Random pipelines and schedules keep the channel's books balanced
        /// and deliver in order through rollbacks.
        #[test]
        fn random_pipelines_keep_invariants(
            total in 0u64..300,
            batch in 1u64..20,
            cap_extra in 0u64..50,
            sink_kind in 0u8..3,
            fail_every in 0u64..5,
            fail_sends in proptest::collection::vec(1u64..400, 0..4),
            steps in proptest::collection::vec(0u64..1500, 1..12),
        ) {
            let tx_cap = batch.max(5);
            let cap = tx_cap + cap_extra;
            let sink = match sink_kind {
                0 => "logger".to_string(),
                1 => format!("{KAFKA_SINK}\na1.sinks.k1.flumeBatchSize = {}", tx_cap.min(7)),
                _ => format!("{MY_SINK}\na1.sinks.k1.failEvery = {fail_every}"),
            };
            let conf = format!(
                "a1.sources = r1\na1.channels = c1\na1.sinks = k1\n\
                 a1.sources.r1.type = seq\na1.sources.r1.totalEvents = {total}\n\
                 a1.sources.r1.batchSize = {batch}\na1.sources.r1.channels = c1\n\
                 a1.channels.c1.type = memory\na1.channels.c1.capacity = {cap}\n\
                 a1.channels.c1.transactionCapacity = {tx_cap}\n\
                 a1.sinks.k1.channel = c1\na1.sinks.k1.type = {sink}\n"
            );
            let mut a = agent(&conf);
            let mut out = CountingKafkaOutput { fail_sends, ..Default::default() };
            let mut t = 0;
            for dt in steps {
                t += dt;
                a.advance(t, &mut out);
                let c = a.channel("c1").expect("c1");
                let k = c.counter();
                prop_assert!(c.len() as u64 <= cap);
                prop_assert_eq!(k.event_put_success_count - k.event_take_success_count, c.len() as u64);
                prop_assert_eq!(k.channel_size, c.len() as u64);
                prop_assert!(k.event_put_attempt_count >= k.event_put_success_count);
                prop_assert!(k.event_take_attempt_count >= k.event_take_success_count);
            }
            // Whatever was written, it is the sequence in order, each once.
            if sink_kind != 1 {
                let written = a.sink_output("k1").expect("sink").len() as u64;
                prop_assert_eq!(written, a.channel("c1").expect("c1").counter().event_take_success_count);
                if sink_kind == 2 {
                    let expected: Vec<String> = (0..written).map(|n| format!("hello:{n}")).collect();
                    prop_assert_eq!(a.sink_output("k1").expect("sink").to_vec(), expected);
                }
            } else {
                // At-least-once: everything committed was sent, plus perhaps
                // part of the head batch a failed send rolled back.
                let mut seen: Vec<u64> = out.records.iter().filter_map(|r| r.value.parse().ok()).collect();
                seen.sort_unstable();
                seen.dedup();
                let taken = a.channel("c1").expect("c1").counter().event_take_success_count;
                let m = seen.len() as u64;
                prop_assert_eq!(seen, (0..m).collect::<Vec<u64>>());
                prop_assert!(m >= taken && m <= taken + tx_cap.min(7));
            }
        }
    }
}
