//! Share links over the real scenario fixtures, their size, and a property
//! test: whatever a browser hands `decode` (typed, cut, mangled), it answers
//! with a scenario or a typed error, never a panic.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use streamlab_core::script::parse;
use streamlab_core::share::{decode, encode, ShareError, SharedScenario, MAX_FRAGMENT_LEN};

fn scenario_scripts() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/scenarios exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "script"))
        .collect();
    v.sort();
    v
}

/// A typical scenario of about 30 lines: topics, records, faults, reads.
const TYPICAL: &str = r#"# Leader failover: acks=all survives a crash, acks=1 may not.
sim brokers 3
sim seed 20240611
sim set unclean.leader.election.enable=false
kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3 --config min.insync.replicas=2
kafka-topics.sh --bootstrap-server localhost:9092 --create --topic audit --partitions 1 --replication-factor 2
kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic orders
kafka-console-producer.sh --bootstrap-server localhost:9092 --topic orders --request-required-acks all --property parse.key=true --property key.separator=: <<EOF
alice:order-1
bob:order-2
carol:order-3
EOF
sim advance 200
sim produce audit "login alice" --key alice --acks 1
sim consumer join billing c1 --topics orders --assignor range
sim consumer join billing c2 --topics orders --assignor range
sim advance 500
kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group billing
sim crash 1
sim advance 1000
kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic orders
sim produce orders "order-4" --key dave --acks all --count 5
sim isolate 2
sim advance 3000
sim heal
sim restart 1
sim advance 5000
kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic orders
kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic orders --from-beginning --group report
sim check
"#;

#[test]
fn every_fixture_round_trips() {
    let all = scenario_scripts();
    assert!(!all.is_empty(), "no scenario fixtures found");
    let mut largest = (0, String::new());
    for path in all {
        let script = std::fs::read_to_string(&path).expect("readable script");
        for (time_ms, view) in [(None, None), (Some(12_345), Some("cluster".to_string()))] {
            let s = SharedScenario {
                script: script.clone(),
                time_ms,
                view,
            };
            let fragment = encode(&s);
            assert_eq!(decode(&fragment), Ok(s), "{}", path.display());
            if fragment.len() > largest.0 {
                largest = (fragment.len(), path.display().to_string());
            }
        }
        println!(
            "{}: script {} bytes, fragment {} chars",
            path.display(),
            script.len(),
            encode(&SharedScenario {
                script,
                ..Default::default()
            })
            .len()
        );
    }
    println!("largest fragment: {} chars ({})", largest.0, largest.1);
}

#[test]
fn a_typical_script_stays_short() {
    assert!(TYPICAL.lines().count() >= 30);
    parse(TYPICAL).expect("the typical script parses");
    let s = SharedScenario {
        script: TYPICAL.into(),
        time_ms: Some(9_700),
        view: Some("cluster".into()),
    };
    let fragment = encode(&s);
    println!(
        "typical: {} lines, {} bytes -> fragment {} chars",
        TYPICAL.lines().count(),
        TYPICAL.len(),
        fragment.len()
    );
    // Well under the ~2,000 characters every browser and chat tool keeps.
    assert!(fragment.len() < 1_500, "{}", fragment.len());
    // Compression is worth it: smaller than the plain v0 form.
    let v0 = format!("v0={}", URL_SAFE_NO_PAD.encode(TYPICAL));
    assert!(
        fragment.len() * 2 < v0.len(),
        "{} vs {}",
        fragment.len(),
        v0.len()
    );
    assert_eq!(decode(&v0).map(|d| d.script), Ok(TYPICAL.to_string()));
    assert_eq!(decode(&fragment), Ok(s));
}

/// A failure is a typed error with a message a person can read; a success
/// is a script that parses.
fn check(fragment: &str) -> Result<(), TestCaseError> {
    match decode(fragment) {
        Ok(s) => prop_assert!(parse(&s.script).is_ok()),
        Err(e) => {
            let message = e.to_string();
            prop_assert!(!message.is_empty());
            if let ShareError::FragmentTooLong { len, .. } = e {
                prop_assert!(len > MAX_FRAGMENT_LEN);
            }
        }
    }
    Ok(())
}

fn any_scenario() -> impl Strategy<Value = SharedScenario> {
    (
        "(sim [a-z]{1,8} [0-9]{1,4}\n|kafka-topics.sh --list\n|# [ -~]{0,20}\n|x <<EOF\n[a-z]{0,5}\nEOF\n){0,12}",
        proptest::option::of(any::<u64>()),
        proptest::option::of("[ -~]{0,12}"),
    )
        .prop_map(|(script, time_ms, view)| SharedScenario {
            script,
            time_ms,
            view,
        })
}

proptest! {
    // No failure file: a failing case prints its input, and tests/ has no
    // lib.rs for proptest to put one beside.
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_text_never_panics(s in any::<String>()) {
        check(&s)?;
    }

    #[test]
    fn random_payloads_never_panic(
        version in "#?v[0-2]=",
        payload in "[A-Za-z0-9_=+/-]{0,200}",
    ) {
        check(&format!("{version}{payload}"))?;
    }

    #[test]
    fn scenarios_round_trip(s in any_scenario()) {
        prop_assert_eq!(decode(&encode(&s)), Ok(s));
    }

    #[test]
    fn truncated_links_never_panic(s in any_scenario(), cut in 0.0f64..1.0) {
        let f = encode(&s);
        let at = (f.len() as f64 * cut) as usize;
        check(&f[..at])?;
    }

    #[test]
    fn mistyped_links_never_panic(
        s in any_scenario(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), "[A-Za-z0-9_-]"), 1..4),
    ) {
        let mut f = encode(&s).into_bytes();
        for (i, c) in edits {
            let at = i.index(f.len());
            f[at] = c.as_bytes()[0];
        }
        check(&String::from_utf8(f).expect("ASCII edits keep ASCII"))?;
    }

    /// Flipping bits in the compressed bytes themselves, past base64, so
    /// the inflater and the header reader see the damage.
    #[test]
    fn flipped_compressed_bytes_never_panic(
        s in any_scenario(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..8), 1..6),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let f = encode(&s);
        let mut packed = URL_SAFE_NO_PAD.decode(&f[3..]).expect("own output is base64");
        for (i, bit) in flips {
            let at = i.index(packed.len());
            packed[at] ^= 1 << bit;
        }
        if let Some(c) = cut {
            packed.truncate(c.index(packed.len() + 1));
        }
        check(&format!("v1={}", URL_SAFE_NO_PAD.encode(&packed)))?;
    }
}
