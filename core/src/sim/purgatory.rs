//! Kafka's purgatories (`DelayedOperationPurgatory`): requests a leader
//! cannot answer yet wait here until they can complete or expire.
//!
//! - [`DelayedProduce`] (ReplicaManager's `delayedProducePurgatory`): an
//!   `acks=all` produce the leader has appended, waiting until its high
//!   watermark passes the batch (`DelayedProduce.tryComplete`). It answers
//!   `NOT_ENOUGH_REPLICAS_AFTER_APPEND` if the ISR shrank below
//!   `min.insync.replicas` meanwhile, and `NOT_LEADER_OR_FOLLOWER` if the
//!   broker loses leadership first. (Kafka also expires it after the
//!   request's timeout; here the producer's own `request.timeout.ms` does.)
//! - [`DelayedFetch`] (`delayedFetchPurgatory`): a follower's fetch that found
//!   nothing new, held until records arrive or `replica.fetch.wait.max.ms`
//!   passes (the long poll).
//!
//! A broker that stops or crashes drops what it held without answering:
//! the process that would answer is gone.

use super::timers::Timer;
use super::Simulation;
use crate::ids::{BrokerId, Offset, Tp};
use crate::requests::{FetchBody, FetchKind, FetchRequest};
use crate::vec_map::VecMap;

/// An `acks=all` produce waiting for the high watermark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DelayedProduce {
    pub producer: String,
    pub batch: u64,
    pub request: u64,
    /// The HW that completes it: the batch's last offset + 1.
    pub required_offset: Offset,
    pub base_offset: Offset,
}

/// A follower's fetch held by its leader, with the token of its expiry timer
/// (a later fetch from the same follower replaces it and voids that timer).
#[derive(Debug, Clone)]
pub(crate) struct DelayedFetch {
    token: u64,
    request: Box<FetchRequest>,
}

/// Both purgatories of every broker.
#[derive(Debug, Clone, Default)]
pub(crate) struct Purgatory {
    /// By (partition, leader), in arrival order. Emptied lists stay: the
    /// same partitions keep coming back, and a sorted map shifts on insert.
    produce: VecMap<(Tp, BrokerId), Vec<DelayedProduce>>,
    /// By (partition, leader, follower): a follower has one fetch at a time.
    fetch: VecMap<(Tp, BrokerId, BrokerId), DelayedFetch>,
    next_fetch_token: u64,
}

impl Purgatory {
    /// Drops everything held by a broker that stopped or crashed.
    pub fn drop_broker(&mut self, broker: BrokerId) {
        for ((_, leader), waiting) in self.produce.iter_mut() {
            if *leader == broker {
                waiting.clear();
            }
        }
    }

    /// Drops everything for a deleted topic.
    pub fn drop_topic(&mut self, topic: &str) {
        self.produce.retain(|(tp, _), _| tp.0 != topic);
        self.fetch.retain(|(tp, _, _), _| tp.0 != topic);
    }

    /// How many produce requests wait, on every broker.
    #[cfg(test)]
    pub fn delayed_produces(&self) -> usize {
        self.produce.values().map(Vec::len).sum()
    }

    /// How many follower fetches are held, on every broker.
    #[cfg(test)]
    pub fn delayed_fetches(&self) -> usize {
        self.fetch.len()
    }
}

impl Simulation {
    /// Holds an `acks=all` produce until the HW passes `required_offset`.
    pub(super) fn delay_produce(&mut self, tp: &Tp, leader: BrokerId, delayed: DelayedProduce) {
        let key = (tp.clone(), leader);
        match self.purgatory.produce.get_mut(&key) {
            Some(waiting) => waiting.push(delayed),
            None => {
                self.purgatory.produce.insert(key, vec![delayed]);
            }
        }
    }

    /// Answers the delayed produces the leader's HW has passed
    /// (`DelayedProduce.tryComplete`).
    pub(super) fn try_complete_delayed_produce(&mut self, tp: &Tp, leader: BrokerId) {
        let min_isr = self.min_insync(&tp.0);
        let Some((isr_size, hw)) = self
            .cluster
            .partition(&tp.0, tp.1)
            .ok()
            .and_then(|p| p.replica_state.get(&leader))
            .and_then(|r| match &r.role {
                crate::partition::Role::Leader { isr, .. } => Some((isr.len(), r.high_watermark)),
                _ => None,
            })
        else {
            return;
        };
        let Some(waiting) = self.purgatory.produce.get_mut(&(tp.clone(), leader)) else {
            return;
        };
        if waiting.iter().all(|d| d.required_offset > hw) {
            return;
        }
        let (done, still): (Vec<_>, Vec<_>) = std::mem::take(waiting)
            .into_iter()
            .partition(|d| d.required_offset <= hw);
        *waiting = still;
        for delayed in done {
            let result = if (isr_size as i32) < min_isr {
                Err("NOT_ENOUGH_REPLICAS_AFTER_APPEND")
            } else {
                Ok(())
            };
            self.respond_delayed_produce(leader, delayed, result);
        }
    }

    /// Takes what a broker held for `tp` when it stopped leading it: the
    /// caller answers each with `NOT_LEADER_OR_FOLLOWER`.
    pub(super) fn take_delayed_produce(
        &mut self,
        tp: &Tp,
        broker: BrokerId,
    ) -> Vec<DelayedProduce> {
        self.purgatory
            .produce
            .get_mut(&(tp.clone(), broker))
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Holds a follower's fetch that found nothing new until records arrive
    /// or `replica.fetch.wait.max.ms` passes.
    pub(super) fn delay_fetch(&mut self, request: Box<FetchRequest>) {
        self.purgatory.next_fetch_token += 1;
        let token = self.purgatory.next_fetch_token;
        let wait = self.settings.replica_fetch_wait_max_ms;
        let (tp, leader, follower) = (request.tp.clone(), request.leader, request.follower);
        self.schedule(
            wait,
            Timer::FetchExpire {
                tp: tp.clone(),
                leader,
                follower,
                token,
            },
        );
        self.purgatory
            .fetch
            .insert((tp, leader, follower), DelayedFetch { token, request });
    }

    /// `replica.fetch.wait.max.ms` passed for a held fetch (unless it was
    /// answered or replaced since).
    pub(super) fn fetch_expire(
        &mut self,
        tp: Tp,
        leader: BrokerId,
        follower: BrokerId,
        token: u64,
    ) {
        let key = (tp, leader, follower);
        if self
            .purgatory
            .fetch
            .get(&key)
            .is_none_or(|d| d.token != token)
        {
            return;
        }
        if let Some(delayed) = self.purgatory.fetch.remove(&key) {
            self.complete_delayed_fetch(&delayed.request);
        }
    }

    /// New records on a leader complete the fetches held on it, in
    /// follower order.
    pub(super) fn try_complete_delayed_fetches(&mut self, tp: &Tp, leader: BrokerId) {
        let keys: Vec<_> = self
            .purgatory
            .fetch
            .keys()
            .filter(|(t, l, _)| t == tp && *l == leader)
            .cloned()
            .collect();
        for key in keys {
            if let Some(delayed) = self.purgatory.fetch.remove(&key) {
                self.complete_delayed_fetch(&delayed.request);
            }
        }
    }

    /// Answers a held fetch with whatever the leader has now.
    fn complete_delayed_fetch(&mut self, req: &FetchRequest) {
        let max = self.settings.replica_fetch_max_records;
        let body = match self.replica(&req.tp, req.leader) {
            Some(r) if r.is_leader() && self.broker_alive(req.leader) => {
                let FetchKind::Records { offset } = req.kind else {
                    return;
                };
                FetchBody::Records {
                    records: r.log.range(offset, offset.saturating_add(max)).to_vec(),
                    hw: r.high_watermark,
                }
            }
            _ => FetchBody::Error,
        };
        self.respond_fetch(req, body);
    }
}
