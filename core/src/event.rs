//! The typed event trace: every state change, stamped with simulated time.
//! The checker, the UI's event log and the determinism hash all read it.

use crate::ids::{BrokerId, Offset, PartitionId};
use crate::time::SimTime;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Event {
    pub time: SimTime,
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum EventKind {
    TopicCreated {
        topic: String,
        partitions: i32,
        replication_factor: i32,
    },
    /// A leader appended a produced record.
    RecordAppended {
        topic: String,
        partition: PartitionId,
        broker: BrokerId,
        offset: Offset,
    },
    /// A follower copied records from the leader up to `leo`.
    ReplicaFetched {
        topic: String,
        partition: PartitionId,
        broker: BrokerId,
        leo: Offset,
    },
    HighWatermarkAdvanced {
        topic: String,
        partition: PartitionId,
        high_watermark: Offset,
    },
}

/// FNV-1a over the events' `Debug` text: stable across platforms (no
/// `usize`, no randomised hasher), so a native and a wasm run compare.
#[derive(Debug, Clone)]
pub struct TraceHasher(u64);

impl Default for TraceHasher {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl TraceHasher {
    pub fn add(&mut self, event: &Event) {
        use std::fmt::Write;
        struct Fnv<'a>(&'a mut u64);
        impl Write for Fnv<'_> {
            fn write_str(&mut self, s: &str) -> std::fmt::Result {
                for b in s.bytes() {
                    *self.0 ^= u64::from(b);
                    *self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
                }
                Ok(())
            }
        }
        // Writing into FNV cannot fail.
        let _ = writeln!(Fnv(&mut self.0), "{event:?}");
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}
