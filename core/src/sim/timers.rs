//! Everything that happens later: messages in flight and periodic work,
//! ordered by due time and then by the order they were armed, so two runs of
//! the same scenario fire them identically.

use super::produce::{ProduceRequest, ProduceResponse};
use super::replica_manager::{FetchRequest, FetchResponse};
use super::Tp;
use crate::ids::BrokerId;
use crate::time::SimTime;
use std::collections::BTreeMap;

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

#[derive(Debug, Clone, Default)]
pub(crate) struct Timers {
    queue: BTreeMap<(SimTime, u64), Timer>,
    seq: u64,
}

impl Timers {
    pub fn schedule(&mut self, at: SimTime, timer: Timer) {
        self.seq += 1;
        self.queue.insert((at, self.seq), timer);
    }

    pub fn next_due(&self) -> Option<SimTime> {
        self.queue.keys().next().map(|&(t, _)| t)
    }

    /// The earliest timer due at or before `at`.
    pub fn pop_due(&mut self, at: SimTime) -> Option<Timer> {
        let entry = self.queue.first_entry()?;
        if entry.key().0 > at {
            return None;
        }
        Some(entry.remove())
    }
}
