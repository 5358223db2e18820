//! `streamlab url encode|decode` and `streamlab export`, run as a user
//! would: good input round-trips, garbage gives one clear line on stderr
//! and exit code 1, never a panic.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn streamlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_streamlab"))
        .args(args)
        .output()
        .expect("the streamlab binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/scenarios exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "script"))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no scenario fixtures");
    v
}

fn temp_script(name: &str, body: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, body).expect("writable temp dir");
    path
}

/// A refusal: exit 1, a `streamlab: ...` message, nothing on stdout.
fn assert_refused(out: &Output, context: &str) -> String {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{context}: {err}");
    assert!(err.starts_with("streamlab: "), "{context}: {err}");
    assert!(!err.contains("panicked"), "{context}: {err}");
    assert!(out.stdout.is_empty(), "{context}: {}", text(&out.stdout));
    err
}

#[test]
fn encode_then_decode_gives_the_script_back() {
    for path in fixtures() {
        let p = path.to_str().expect("UTF-8 path");
        let enc = streamlab(&["url", "encode", p]);
        assert!(enc.status.success(), "{}", text(&enc.stderr));
        let fragment = text(&enc.stdout).trim().to_string();
        assert!(fragment.starts_with("v1="), "{fragment}");
        assert!(fragment.len() < 2_000, "{} chars", fragment.len());

        let script = std::fs::read_to_string(&path).expect("readable");
        for link in [
            fragment.clone(),
            format!("#{fragment}"),
            format!("https://example.org/streamlab/#{fragment}"),
        ] {
            let dec = streamlab(&["url", "decode", &link]);
            assert!(dec.status.success(), "{}", text(&dec.stderr));
            assert_eq!(text(&dec.stdout), script, "{}", path.display());
        }
    }
}

#[test]
fn time_and_view_travel_with_the_link() {
    let path = temp_script("timed.script", "sim seed 9\nsim advance 10\n");
    let p = path.to_str().expect("UTF-8 path");
    let enc = streamlab(&["url", "encode", p, "--time-ms", "2500", "--view", "cluster"]);
    assert!(enc.status.success(), "{}", text(&enc.stderr));
    let fragment = text(&enc.stdout).trim().to_string();
    let dec = streamlab(&["url", "decode", &fragment]);
    assert!(dec.status.success());
    assert_eq!(text(&dec.stdout), "sim seed 9\nsim advance 10\n");
    let err = text(&dec.stderr);
    assert!(err.contains("2500 ms") && err.contains("cluster"), "{err}");
}

#[test]
fn garbage_links_are_refused_clearly() {
    let cases = [
        ("", "empty"),
        ("#", "empty"),
        ("hello", "no format version"),
        ("v9=AAAA", "`v9` is unknown"),
        ("v1=not*base64", "not URL-safe base64"),
        ("v1=AAAA", "truncated"),
        ("v1=-_-_-_-_", "damaged"),
        ("-v1=", "no format version"),
        ("v0=c2ltIHggPDxFT0YK", "does not parse"),
    ];
    for (link, expected) in cases {
        let out = streamlab(&["url", "decode", link]);
        let err = assert_refused(&out, link);
        assert!(err.contains(expected), "{link}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{link}: {err}");
    }
}

#[test]
fn a_script_that_does_not_parse_gets_no_link() {
    let path = temp_script(
        "broken.script",
        "kafka-console-producer.sh --topic t <<EOF\nx\n",
    );
    let out = streamlab(&["url", "encode", path.to_str().expect("UTF-8 path")]);
    let err = assert_refused(&out, "broken script");
    assert!(err.contains("never closed"), "{err}");
    let out = streamlab(&["url", "encode", "/no/such/file.script"]);
    assert_refused(&out, "missing file");
}

#[test]
fn export_prints_a_bash_script() {
    for path in fixtures() {
        let out = streamlab(&["export", path.to_str().expect("UTF-8 path")]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let shell = text(&out.stdout);
        assert!(shell.starts_with("#!/usr/bin/env bash\n"));
        assert!(shell.contains("\nset -euo pipefail\n"));
        bash_syntax_ok(&shell);
    }
    // Every kind of line the export rewrites, through bash's parser.
    let path = temp_script(
        "everything.script",
        "sim brokers 3\nsim seed 1\nsim set min.insync.replicas=2\n\
         kafka-topics.sh --zookeeper localhost:2181 --create --topic t --partitions 2 --replicas-factor 2\n\
         kafka-console-producer.sh --broker-list localhost:9092 --topic t <<EOF\na $HOME `x`\n'q\"\n  EOF\n\
         sim produce t \"it's \\$1\" --key 'k:|=~x' --count 2\nsim produce t v --key a:b --acks all --count 200 --idempotence\n\
         sim advance 250\nsim crash 1\nsim isolate 2\nsim slow 0 30\nsim heal\nsim restart 1\n\
         sim consumer join g m1 --topics t,u --assignor sticky\nsim consumer leave g m1\n\
         kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic t --from-beginning | sort\n\
         kafka-server-stop.sh --override broker.id=2\nsim check --json\n",
    );
    let out = streamlab(&["export", path.to_str().expect("UTF-8 path")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shell = text(&out.stdout);
    // The scenario language has no pipes: `|` and `sort` are words.
    assert!(
        shell.contains("--from-beginning '|' sort --timeout-ms \"$CONSUMER_TIMEOUT_MS\""),
        "{shell}"
    );
    bash_syntax_ok(&shell);

    let out = streamlab(&["export", "--compose"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("confluentinc/cp-kafka"));

    let path = temp_script("broken-export.script", "sim produce t 'x\n");
    let out = streamlab(&["export", path.to_str().expect("UTF-8 path")]);
    let err = assert_refused(&out, "broken export");
    assert!(err.contains("unterminated quote"), "{err}");
}

/// `bash -n` reads the script without running it; skipped without bash.
fn bash_syntax_ok(shell: &str) {
    let Ok(mut child) = Command::new("bash")
        .arg("-n")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        eprintln!("no bash here; syntax check skipped");
        return;
    };
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(shell.as_bytes())
        .expect("bash reads stdin");
    let out = child.wait_with_output().expect("bash finishes");
    assert!(
        out.status.success(),
        "bash -n: {}\n{shell}",
        text(&out.stderr)
    );
}
