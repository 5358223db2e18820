//! `streamlab flume`: runs an agent headless and prints Flume's monitoring JSON.

use std::path::PathBuf;
use std::process::Command;

fn repo_file(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(rel)
}

#[test]
fn seed_pipeline_runs_to_completion_and_prints_metrics() {
    let conf = repo_file("tests/flume/seed-pipeline.conf");
    let text = std::fs::read_to_string(&conf).expect("example config");
    // The seq source's totalEvents is what must reach the Kafka sink.
    let total: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("a1.sources.r1.totalEvents = "))
        .and_then(|v| v.trim().parse().ok())
        .expect("totalEvents in the example");
    let out = Command::new(env!("CARGO_BIN_EXE_streamlab"))
        .args(["flume", "--conf"])
        .arg(&conf)
        .args(["--name", "a1"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json on stdout");
    assert_eq!(json["SINK.k1"]["EventDrainSuccessCount"], total.to_string());
    assert_eq!(json["CHANNEL.c1"]["ChannelSize"], "0");
    assert_eq!(json["SOURCE.r1"]["EventAcceptedCount"], total.to_string());
}

#[test]
fn bad_config_exits_1_with_the_line() {
    let dir = std::env::temp_dir().join(format!("streamlab-flume-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let conf = dir.join("bad.conf");
    std::fs::write(&conf, "a1.sources = r1\na1.sources.r1.type seq\n").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_streamlab"))
        .args(["flume", "--conf"])
        .arg(&conf)
        .args(["--name", "a1"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2: malformed property"), "{err}");
    assert!(out.stdout.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn max_ms_bounds_an_endless_source() {
    let dir = std::env::temp_dir().join(format!("streamlab-flume-exec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let conf = dir.join("exec.conf");
    std::fs::write(
        &conf,
        "a1.sources = r1\na1.channels = c1\na1.sinks = k1\n\
         a1.sources.r1.type = exec\na1.sources.r1.command = tail -F app.log\n\
         a1.sources.r1.channels = c1\na1.channels.c1.type = memory\n\
         a1.sinks.k1.type = org.apache.flume.sink.kafka.KafkaSink\na1.sinks.k1.channel = c1\n",
    )
    .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_streamlab"))
        .args(["flume", "--conf"])
        .arg(&conf)
        .args(["--name", "a1", "--max-ms", "10000"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    // 10 lines/s for 10 s: lines at 0, 100, ..., 10000 ms; exec's EventReceivedCount.
    assert_eq!(json["SOURCE.r1"]["EventReceivedCount"], "101");
    let _ = std::fs::remove_dir_all(&dir);
}
