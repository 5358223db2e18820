//! The invariant checker: reads an event trace, from outside the system
//! under test, and reports where Kafka's guarantees were broken.
//!
//! It trusts nothing the simulation keeps internally. From the events alone
//! it rebuilds, per topic-partition, every replica's log as a map from offset
//! to the record's trace id, each replica's high watermark, the leader, its
//! epoch and the ISR, and every acknowledgement a producer received. The
//! rules (SPEC §2 "Invariant checker") are then checked as the events arrive,
//! so the UI can feed it one event at a time while scrubbing, and a whole
//! trace gives the same answer through [`check`].
//!
//! Safe cases are not findings: a follower's uncommitted, unacknowledged tail
//! being truncated is how Kafka works, and `acks=0` promises nothing.
//!
//! ```
//! use streamlab_core::checker::{check, summary, Checker, FindingKind};
//! use streamlab_core::{Event, EventKind, SimTime};
//!
//! // A consumer that read offsets 0..3 while the high watermark was 2.
//! let trace = vec![Event {
//!     time: SimTime(5),
//!     kind: EventKind::RecordsConsumed {
//!         consumer: "c".into(),
//!         group: None,
//!         topic: "t".into(),
//!         partition: 0,
//!         from: 0,
//!         to: 3,
//!         high_watermark: 2,
//!     },
//! }];
//!
//! // Incrementally, as the UI does while the trace grows...
//! let mut checker = Checker::new();
//! for (index, event) in trace.iter().enumerate() {
//!     checker.observe(index, event);
//! }
//! checker.finish();
//! assert_eq!(checker.findings()[0].kind, FindingKind::ReadAboveHw);
//!
//! // ...or all at once, as `sim check` does.
//! let findings = check(&trace);
//! assert!(summary(&findings).starts_with("read-above-hw t-0: consumer c read offsets 0..3"));
//! ```
//!
//! The code follows those seams: `finding` (what a finding is, its kinds
//! and their texts), `observe` (the [`Checker`]: each event routed to the
//! state it changes) and `partition` (one topic-partition rebuilt from the
//! events, where the rules are checked).

mod finding;
mod observe;
mod partition;
#[cfg(test)]
mod tests;

use crate::event::Event;

pub use finding::{findings_json, summary, Finding, FindingKind};
pub use observe::Checker;

/// Checks a whole trace and returns its findings.
pub fn check(trace: &[Event]) -> Vec<Finding> {
    let mut checker = Checker::new();
    for (index, event) in trace.iter().enumerate() {
        checker.observe(index, event);
    }
    checker.finish();
    checker.into_findings()
}
