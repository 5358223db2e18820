//! `sim vary`: each variant equals the scenario written by hand with that
//! value (the same trace hash), and the variants differ where they should.

use streamlab_core::checker::FindingKind;
use streamlab_core::script::{run_script, run_variants, ScriptRun, VaryError};

const CRASH: &str = include_str!("../../tests/scenarios/acks1-leader-crash.script");

/// The notes' acks question on the same failure: acks=1 loses the records
/// acknowledged before the crash, acks=all keeps them.
#[test]
fn acks_variants_equal_the_script_written_with_each_value() {
    let varied = format!("sim vary acks=1,all\n{CRASH}");
    let variants = run_variants(&varied).expect("a valid sim vary");
    assert_eq!(variants.len(), 2);
    for (variant, acks) in variants.iter().zip(["1", "all"]) {
        assert_eq!(
            (variant.name.as_str(), variant.value.as_str()),
            ("acks", acks)
        );
        let by_hand = CRASH.replace("--acks 1", &format!("--acks {acks}"));
        let (_, run) = run_script(&by_hand);
        assert_eq!(
            variant.run.trace_hash, run.trace_hash,
            "acks={acks}: the variant and the script written by hand differ"
        );
        assert_eq!(lost(&variant.run), lost(&run));
    }
    assert!(
        lost(&variants[0].run) > 0,
        "acks=1 loses acknowledged records"
    );
    assert_eq!(lost(&variants[1].run), 0, "acks=all keeps them");
}

/// A broker setting is held from the start, as a `sim set` before every
/// other line would set it, and replaces the script's own `sim set`.
#[test]
fn a_broker_setting_is_held_from_the_start_and_over_the_scripts_own() {
    let body = "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t --partitions 1 --replication-factor 3\n\
                sim set min.insync.replicas=1\n\
                sim crash 1\nsim crash 2\nsim advance 15s\n\
                kafka-console-producer.sh --broker-list localhost:9092 --topic t --producer-property acks=all <<EOF\nx\nEOF\n";
    let varied = format!("sim brokers 3\nsim seed 4\nsim vary min.insync.replicas=1,2\n{body}");
    let variants = run_variants(&varied).expect("a valid sim vary");
    for (variant, n) in variants.iter().zip([1, 2]) {
        let by_hand = format!(
            "sim brokers 3\nsim seed 4\nsim set min.insync.replicas={n}\n{}",
            body.replace("min.insync.replicas=1", &format!("min.insync.replicas={n}"))
        );
        let (_, run) = run_script(&by_hand);
        assert_eq!(
            variant.run.trace_hash, run.trace_hash,
            "min.insync.replicas={n}"
        );
        let last = variant
            .run
            .outputs
            .last()
            .map(|o| o.text.clone())
            .unwrap_or_default();
        // One replica left in the ISR: acks=all needs min.insync.replicas of them.
        assert_eq!(
            last.contains("ERROR"),
            n == 2,
            "min.insync.replicas={n}: {last}"
        );
    }
}

#[test]
fn a_script_without_vary_has_no_variants_and_a_bad_one_is_refused() {
    assert!(run_variants(CRASH).expect("no vary line").is_empty());
    assert!(matches!(
        run_variants("sim vary colour=red,blue\n"),
        Err(VaryError::UnknownName(n)) if n == "colour"
    ));
    assert!(matches!(
        run_variants("sim vary acks=1\n"),
        Err(VaryError::ValueCount { .. })
    ));
    assert!(matches!(
        run_variants("sim vary retries=0,-1\n"),
        Err(VaryError::InvalidValue { .. })
    ));
}

/// A plain run (the page, the console) runs the first value and says so.
#[test]
fn a_plain_run_holds_the_first_value() {
    let (_, plain) = run_script(&format!("sim vary acks=1,all\n{CRASH}"));
    assert_eq!(plain.outputs[0].text, "variant 1 of 2: acks=1");
    let (_, by_hand) = run_script(CRASH);
    assert_eq!(lost(&plain), lost(&by_hand));
    let (_, late) = run_script("sim produce t x\nsim vary acks=1,all\n");
    assert!(late.outputs[1].is_error, "{:?}", late.outputs[1]);
}

fn lost(run: &ScriptRun) -> usize {
    run.findings
        .iter()
        .filter(|f| f.kind == FindingKind::AckedRecordLost)
        .count()
}
