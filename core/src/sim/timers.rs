//! Everything that happens later: messages in flight and periodic work,
//! ordered by due time and then by the order they were armed, so two runs of
//! the same scenario fire them identically.

use crate::ids::{BrokerId, Tp};
use crate::requests::{FetchRequest, FetchResponse, ProduceRequest, ProduceResponse};
use crate::time::SimTime;
use std::collections::BinaryHeap;

#[derive(Debug, Clone)]
pub(crate) enum Timer {
    /// Each broker's `isr-expiration` task (every `replica.lag.time.max.ms / 2`).
    IsrExpiration,
    SessionExpire {
        broker: BrokerId,
        incarnation: u64,
    },
    /// A follower's fetcher sends its next request.
    FetchSend {
        tp: Tp,
        follower: BrokerId,
        session: u64,
    },
    FetchArrive(Box<FetchRequest>),
    /// A fetch parked at the leader reaches `replica.fetch.wait.max.ms`.
    FetchExpire {
        tp: Tp,
        leader: BrokerId,
        follower: BrokerId,
        token: u64,
    },
    FetchResponse(Box<FetchResponse>),
    ProduceArrive(Box<ProduceRequest>),
    ProduceResponse(Box<ProduceResponse>),
    ProduceTimeout {
        producer: String,
        batch: u64,
        request: u64,
    },
    /// A producer looks again at batches waiting for a leader or a retry.
    ProducerWake {
        producer: String,
    },
    ConsumerPoll {
        group: String,
        member: String,
        incarnation: u64,
    },
    AutoCommit {
        group: String,
        member: String,
        incarnation: u64,
    },
    MemberSessionTimeout {
        group: String,
        member: String,
        incarnation: u64,
    },
}

/// A timer with its due time and arming order. Ordered so the heap's top
/// is the earliest (then first-armed) timer: the order the old
/// `BTreeMap<(SimTime, seq), Timer>` popped in.
#[derive(Debug, Clone)]
struct Due {
    at: SimTime,
    seq: u64,
    timer: Timer,
}

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}

impl Eq for Due {}

impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Due {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // Reversed: `BinaryHeap` is a max-heap.
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// A binary heap rather than a `BTreeMap`: the B-tree's code is several KB
/// per instance in the wasm bundle (SPEC §6); `seq` is unique, so the pop
/// order is total and runs stay deterministic.
#[derive(Debug, Clone, Default)]
pub(crate) struct Timers {
    queue: BinaryHeap<Due>,
    seq: u64,
}

impl Timers {
    pub fn schedule(&mut self, at: SimTime, timer: Timer) {
        self.seq += 1;
        self.queue.push(Due {
            at,
            seq: self.seq,
            timer,
        });
    }

    pub fn next_due(&self) -> Option<SimTime> {
        self.queue.peek().map(|d| d.at)
    }

    /// The earliest timer due at or before `at`.
    pub fn pop_due(&mut self, at: SimTime) -> Option<Timer> {
        if self.queue.peek()?.at > at {
            return None;
        }
        self.queue.pop().map(|d| d.timer)
    }
}
