//! The checker against the preset lessons, both directions: it must find
//! the anomaly each unsafe preset teaches, and nothing in the safe ones.

use std::collections::BTreeSet;
use streamlab_core::checker::FindingKind;
use streamlab_core::script::run_script;

fn kinds(name: &str) -> BTreeSet<FindingKind> {
    let path = format!(
        "{}/../tests/scenarios/{name}.script",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("preset exists");
    let (_, run) = run_script(&text);
    run.findings.iter().map(|f| f.kind).collect()
}

#[test]
fn unsafe_presets_show_their_anomaly() {
    let cases = [
        ("acks1-leader-crash", FindingKind::AckedRecordLost),
        ("unclean-election", FindingKind::AckedRecordLost),
        ("hw-truncation", FindingKind::ReplicaDivergence),
        ("retry-duplicates", FindingKind::DuplicateRecord),
        ("hw-blocks-reads", FindingKind::AckedRecordLost),
        ("isolated-leader", FindingKind::AckedRecordLost),
    ];
    for (preset, kind) in cases {
        assert!(kinds(preset).contains(&kind), "{preset} should show {kind}");
    }
}

#[test]
fn safe_presets_show_nothing() {
    for preset in [
        "acks-all-safe",
        "idempotent-retry",
        "min-insync-replicas",
        "flume-to-kafka",
        "seed-rebalance",
        "seed-isr-osr",
        "first-slice",
    ] {
        assert_eq!(kinds(preset), BTreeSet::new(), "{preset}");
    }
}

/// Leader-epoch truncation still loses what the unclean election lost, but
/// never leaves two replicas disagreeing.
#[test]
fn leader_epoch_truncation_never_diverges() {
    let k = kinds("leader-epoch-truncation");
    assert!(!k.contains(&FindingKind::ReplicaDivergence));
    assert!(k.contains(&FindingKind::AckedRecordLost));
}

/// Every preset opens with a title and an explanation for the UI.
#[test]
fn every_preset_explains_itself() {
    let dir = format!("{}/../tests/scenarios", env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(dir).expect("scenarios dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "script") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        let first = text.lines().next().unwrap_or_default();
        if path.file_stem().is_some_and(|s| s == "first-slice") {
            continue;
        }
        assert!(
            first.starts_with("# title: "),
            "{} has no title",
            path.display()
        );
        assert!(
            text.lines().nth(1).is_some_and(|l| l.starts_with("# ")),
            "{} has no explanation",
            path.display()
        );
    }
}
