//! Kafka's `ReplicaManager` and `Partition` logic on each broker: becoming
//! leader or follower (`LeaderAndIsr`), the follower's fetcher
//! (`ReplicaFetcherThread`), the leader's view of its followers, the high
//! watermark, ISR shrink and expand, and truncation. Fetches and produces a
//! leader holds wait in `purgatory.rs`.

use super::timers::Timer;
use super::Simulation;
use crate::event::{EventKind, IsrChangeReason, TruncationRule};
use crate::ids::{BrokerId, Offset, Tp};
use crate::network::Node;
use crate::partition::{FollowerState, Replica, Role};
use crate::requests::{FetchBody, FetchKind, FetchRequest, FetchResponse};
use crate::time::SimTime;

impl Simulation {
    fn replica_mut(&mut self, tp: &Tp, b: BrokerId) -> Option<&mut Replica> {
        self.partition_mut(&tp.0, tp.1)
            .and_then(|p| p.replica_state.get_mut(&b))
    }

    pub(super) fn replica(&self, tp: &Tp, b: BrokerId) -> Option<&Replica> {
        self.cluster
            .partition(&tp.0, tp.1)
            .ok()
            .and_then(|p| p.replica_state.get(&b))
    }

    /// A broker acts on the controller's LeaderAndIsr for one partition.
    pub(super) fn apply_leader_and_isr(&mut self, tp: &Tp, b: BrokerId) {
        let now = self.now();
        let rule = self.settings.truncation;
        let Some(part) = self.partition_mut(&tp.0, tp.1) else {
            return;
        };
        let (leader, epoch, isr) = (part.leader, part.leader_epoch, part.isr.clone());
        let replicas = part.replicas.clone();
        let Some(replica) = part.replica_state.get_mut(&b) else {
            return;
        };
        if replica.role_epoch() > epoch {
            return; // Stale request: Kafka ignores epochs older than its own.
        }
        let mut truncated = None;
        // Stopped leading: the produce purgatory's requests fail.
        let mut lost_leadership = false;
        let mut start_fetching = false;
        match (&mut replica.role, leader) {
            // Same leader, newer epoch (an ISR change by the controller):
            // update in place without restarting anything.
            (
                Role::Leader {
                    epoch: e, isr: i, ..
                },
                Some(l),
            ) if l == b => {
                *e = epoch;
                *i = isr;
            }
            // Same leader: pre-0.11 brokers carry on; with leader epochs a new
            // epoch means the leader's history may have changed under the
            // follower (it missed an epoch), so it checks again below.
            (
                Role::Follower {
                    leader: fl,
                    epoch: e,
                },
                Some(l),
            ) if *fl == l && (rule == TruncationRule::HighWatermark || *e == epoch) => {
                *e = epoch;
            }
            (_, Some(l)) if l == b => {
                let followers = crate::vec_map::VecMap::from_iter(
                    replicas.iter().filter(|&&f| f != b).map(|&f| {
                        (
                            f,
                            FollowerState {
                                log_end_offset: None,
                                // Kafka counts ISR members as caught up at the election.
                                last_caught_up: if isr.contains(&f) { now } else { SimTime::ZERO },
                                last_fetch_leader_leo: 0,
                                last_fetch_time: SimTime::ZERO,
                            },
                        )
                    }),
                );
                replica.role = Role::Leader {
                    epoch,
                    isr,
                    followers,
                };
                replica.fetch_session += 1;
                replica.epoch_check_pending = false;
                replica.rebuild_producer_state();
            }
            (_, Some(l)) => {
                replica.role = Role::Follower { leader: l, epoch };
                replica.fetch_session += 1;
                lost_leadership = true;
                match rule {
                    TruncationRule::HighWatermark => {
                        // Pre-0.11: a new follower drops everything above its own HW.
                        let from = replica.log.log_end_offset();
                        let to = replica.high_watermark.min(from);
                        if to < from {
                            replica.log.truncate_to(to);
                            replica.rebuild_producer_state();
                            truncated = Some((to, from));
                        }
                    }
                    TruncationRule::LeaderEpoch => {
                        replica.epoch_check_pending = !replica.log.is_empty();
                    }
                }
                start_fetching = true;
            }
            (_, None) => {
                replica.role = Role::Offline;
                replica.fetch_session += 1;
                lost_leadership = true;
            }
        }
        let session = replica.fetch_session;
        if let Some((to, from_leo)) = truncated {
            self.emit(EventKind::Truncated {
                topic: tp.0.clone(),
                partition: tp.1,
                broker: b,
                to,
                from_leo,
                rule: TruncationRule::HighWatermark,
            });
        }
        if lost_leadership {
            for delayed in self.take_delayed_produce(tp, b) {
                self.respond_delayed_produce(b, delayed, Err("NOT_LEADER_OR_FOLLOWER"));
            }
        }
        if start_fetching {
            self.schedule(
                0,
                Timer::FetchSend {
                    tp: tp.clone(),
                    follower: b,
                    session,
                },
            );
        }
        if leader == Some(b) {
            self.maybe_increment_hw(tp, b);
        }
    }

    pub(super) fn fetch_send(&mut self, tp: Tp, follower: BrokerId, session: u64) {
        if !self.broker_alive(follower) {
            return;
        }
        let Some(r) = self.replica(&tp, follower) else {
            return;
        };
        if r.fetch_session != session {
            return;
        }
        let Role::Follower { leader, epoch } = r.role else {
            return;
        };
        let kind = if r.epoch_check_pending {
            FetchKind::EpochQuery {
                epoch: r.log.latest_epoch(),
            }
        } else {
            FetchKind::Records {
                offset: r.log.log_end_offset(),
            }
        };
        let backoff = self.settings.replica_fetch_backoff_ms;
        let (from, to) = (Node::Broker(follower), Node::Broker(leader));
        if !self.broker_alive(leader) || !self.delivers(from, to) {
            self.schedule(
                backoff,
                Timer::FetchSend {
                    tp,
                    follower,
                    session,
                },
            );
            return;
        }
        let delay = self.delay(from, to);
        let leader_incarnation = self.incarnation(leader);
        let follower_incarnation = self.incarnation(follower);
        self.schedule(
            delay,
            Timer::FetchArrive(Box::new(FetchRequest {
                tp,
                follower,
                leader,
                session,
                leader_incarnation,
                follower_incarnation,
                epoch,
                kind,
            })),
        );
    }

    pub(super) fn respond_fetch(&mut self, req: &FetchRequest, body: FetchBody) {
        let (from, to) = (Node::Broker(req.leader), Node::Broker(req.follower));
        let response = FetchResponse {
            tp: req.tp.clone(),
            follower: req.follower,
            leader: req.leader,
            session: req.session,
            body,
        };
        if matches!(response.body, FetchBody::Error) || !self.delivers(from, to) {
            // A lost or refused fetch: the follower backs off and retries.
            let backoff = self.settings.replica_fetch_backoff_ms;
            self.schedule(
                backoff,
                Timer::FetchSend {
                    tp: response.tp,
                    follower: response.follower,
                    session: response.session,
                },
            );
            return;
        }
        let delay = self.delay(from, to);
        self.schedule(delay, Timer::FetchResponse(Box::new(response)));
    }

    pub(super) fn fetch_arrive(&mut self, req: Box<FetchRequest>) {
        if self.incarnation(req.follower) != req.follower_incarnation {
            return; // Its connection closed when the follower restarted.
        }
        let stale_session = self
            .replica(&req.tp, req.follower)
            .is_some_and(|r| r.fetch_session != req.session);
        if stale_session {
            return; // The follower's fetcher for that role is gone.
        }
        let leader = req.leader;
        if !self.broker_alive(leader) || self.incarnation(leader) != req.leader_incarnation {
            self.respond_fetch(&req, FetchBody::Error);
            return;
        }
        let now = self.now();
        let Some(r) = self.replica(&req.tp, leader) else {
            return;
        };
        let Role::Leader { epoch, .. } = r.role else {
            self.respond_fetch(&req, FetchBody::Error);
            return;
        };
        if epoch != req.epoch {
            // FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH: wait for the controller.
            self.respond_fetch(&req, FetchBody::Error);
            return;
        }
        let offset = match req.kind {
            FetchKind::EpochQuery { epoch: e } => {
                let (epoch, end) = match r.log.largest_epoch_at_most(e) {
                    Some(le) => (le, r.log.end_offset_for_epoch(le)),
                    // The leader has nothing that old: everything after
                    // its log start is in question.
                    None => (-1, r.log.log_start_offset()),
                };
                self.respond_fetch(&req, FetchBody::EpochEnd { epoch, end });
                return;
            }
            FetchKind::Records { offset } => offset,
        };
        let leader_leo = r.log.log_end_offset();
        if offset > leader_leo {
            self.respond_fetch(&req, FetchBody::OutOfRange { leader_leo });
            return;
        }
        self.update_follower_fetch_state(&req.tp, leader, req.follower, offset, now);
        self.maybe_expand_isr(&req.tp, leader, req.follower, offset);
        self.maybe_increment_hw(&req.tp, leader);
        let max = self.settings.replica_fetch_max_records;
        let Some(r) = self.replica_mut(&req.tp, leader) else {
            return;
        };
        let records = r.log.range(offset, offset.saturating_add(max)).to_vec();
        if records.is_empty() {
            // Long poll: hold the fetch until new data or the wait expires.
            self.delay_fetch(req);
            return;
        }
        let hw = r.high_watermark;
        self.respond_fetch(&req, FetchBody::Records { records, hw });
    }

    /// Kafka's `Replica.updateFetchState`: a follower is caught up if it
    /// fetched from the leader's LEO, or from at least the LEO the leader
    /// had at its previous fetch (then it was caught up at that time).
    fn update_follower_fetch_state(
        &mut self,
        tp: &Tp,
        leader: BrokerId,
        follower: BrokerId,
        offset: Offset,
        now: SimTime,
    ) {
        let Some(r) = self.replica_mut(tp, leader) else {
            return;
        };
        let leo = r.log.log_end_offset();
        if let Role::Leader { followers, .. } = &mut r.role {
            if let Some(f) = followers.get_mut(&follower) {
                if offset >= leo {
                    f.last_caught_up = now;
                } else if offset >= f.last_fetch_leader_leo {
                    f.last_caught_up = f.last_caught_up.max(f.last_fetch_time);
                }
                f.log_end_offset = Some(offset);
                f.last_fetch_leader_leo = leo;
                f.last_fetch_time = now;
            }
        }
    }

    /// A follower rejoins the ISR once it has reached the HW and the start
    /// of the current leader epoch (`Partition.maybeExpandIsr`).
    fn maybe_expand_isr(&mut self, tp: &Tp, leader: BrokerId, follower: BrokerId, offset: Offset) {
        if !self.can_write_isr(tp, leader) {
            return;
        }
        let Some(r) = self.replica_mut(tp, leader) else {
            return;
        };
        let hw = r.high_watermark;
        let Role::Leader { epoch, isr, .. } = &r.role else {
            return;
        };
        let epoch_start = r.log.epoch_start_offset(*epoch);
        if isr.contains(&follower) || offset < hw || offset < epoch_start {
            return;
        }
        let mut new_isr = isr.clone();
        new_isr.push(follower);
        self.write_isr(tp, leader, new_isr.clone());
        self.emit(EventKind::IsrExpanded {
            topic: tp.0.clone(),
            partition: tp.1,
            added: vec![follower],
            isr: new_isr,
            reason: IsrChangeReason::CaughtUp,
        });
    }

    /// The leader may change the ISR only if it can reach ZooKeeper and its
    /// view is current (Kafka's conditional update on the zkVersion).
    fn can_write_isr(&self, tp: &Tp, leader: BrokerId) -> bool {
        let Ok(part) = self.cluster.partition(&tp.0, tp.1) else {
            return false;
        };
        let Some(r) = part.replica_state.get(&leader) else {
            return false;
        };
        part.leader == Some(leader)
            && r.role_epoch() == part.leader_epoch
            && !self.network.is_cut(Node::Broker(leader), Node::ZooKeeper)
            && self
                .cluster
                .brokers
                .get(&leader)
                .is_some_and(|b| b.registered)
    }

    fn write_isr(&mut self, tp: &Tp, leader: BrokerId, isr: Vec<BrokerId>) {
        let Some(part) = self.partition_mut(&tp.0, tp.1) else {
            return;
        };
        part.isr = isr.clone();
        if let Some(Role::Leader { isr: cached, .. }) =
            part.replica_state.get_mut(&leader).map(|r| &mut r.role)
        {
            *cached = isr;
        }
    }

    /// HW = the smallest LEO in the ISR, and it never moves back. A follower
    /// whose LEO the leader does not know yet holds it where it is.
    pub(super) fn maybe_increment_hw(&mut self, tp: &Tp, leader: BrokerId) {
        let Some(r) = self.replica_mut(tp, leader) else {
            return;
        };
        let Role::Leader {
            isr,
            followers,
            epoch,
        } = &r.role
        else {
            return;
        };
        let mut hw = r.log.log_end_offset();
        for b in isr.iter().filter(|&&b| b != leader) {
            match followers.get(b).and_then(|f| f.log_end_offset) {
                Some(leo) => hw = hw.min(leo),
                None => return,
            }
        }
        if hw <= r.high_watermark {
            return;
        }
        let epoch = *epoch;
        r.high_watermark = hw;
        self.emit(EventKind::HighWatermarkChanged {
            topic: tp.0.clone(),
            partition: tp.1,
            broker: leader,
            leader_epoch: epoch,
            high_watermark: hw,
        });
        self.try_complete_delayed_produce(tp, leader);
    }

    pub(super) fn fetch_response(&mut self, resp: FetchResponse) {
        let follower = resp.follower;
        if !self.broker_alive(follower) {
            return;
        }
        let tp = resp.tp.clone();
        let Some(r) = self.replica_mut(&tp, follower) else {
            return;
        };
        if r.fetch_session != resp.session
            || !matches!(r.role, Role::Follower { leader, .. } if leader == resp.leader)
        {
            return;
        }
        let session = r.fetch_session;
        let mut event = None;
        match resp.body {
            FetchBody::Records { records, hw } => {
                let fetch_offset = r.log.log_end_offset();
                let mut appended = 0;
                for record in records {
                    // Offsets are contiguous: the first refused one ends the batch.
                    if r.log.append_replica(record).is_err() {
                        break;
                    }
                    appended += 1;
                }
                r.note_last_appended(appended);
                // A follower's HW: the leader's, never past its own LEO, never back.
                let new_hw = hw.max(r.high_watermark).min(r.log.log_end_offset());
                let hw_moved = new_hw != r.high_watermark;
                r.high_watermark = new_hw;
                if appended > 0 || hw_moved {
                    event = Some(EventKind::ReplicaFetched {
                        topic: tp.0.clone(),
                        partition: tp.1,
                        broker: follower,
                        leader: resp.leader,
                        fetch_offset,
                        records: appended as i32,
                        leo: r.log.log_end_offset(),
                        high_watermark: new_hw,
                    });
                }
            }
            FetchBody::EpochEnd { epoch, end } => {
                r.epoch_check_pending = false;
                let from = r.log.log_end_offset();
                // KIP-279: truncate where the common epoch ends in *both* logs.
                let own_end = if epoch < 0 {
                    r.log.log_start_offset()
                } else {
                    r.log.end_offset_for_epoch(epoch)
                };
                let to = end.min(own_end).min(from);
                if to < from {
                    r.log.truncate_to(to);
                    r.high_watermark = r.high_watermark.min(to);
                    r.rebuild_producer_state();
                    event = Some(EventKind::Truncated {
                        topic: tp.0.clone(),
                        partition: tp.1,
                        broker: follower,
                        to,
                        from_leo: from,
                        rule: TruncationRule::LeaderEpoch,
                    });
                }
            }
            FetchBody::OutOfRange { leader_leo } => {
                let from = r.log.log_end_offset();
                r.log.truncate_to(leader_leo);
                r.high_watermark = r.high_watermark.min(leader_leo);
                r.rebuild_producer_state();
                let rule = self.settings.truncation;
                event = Some(EventKind::Truncated {
                    topic: tp.0.clone(),
                    partition: tp.1,
                    broker: follower,
                    to: leader_leo,
                    from_leo: from,
                    rule,
                });
            }
            FetchBody::Error => {}
        }
        if let Some(e) = event {
            self.emit(e);
        }
        self.schedule(
            0,
            Timer::FetchSend {
                tp,
                follower,
                session,
            },
        );
    }

    /// The `isr-expiration` task on every leader.
    pub(super) fn maybe_shrink_isr(&mut self) {
        let now = self.now();
        let lag = self.settings.replica_lag_time_max_ms;
        for tp in self.all_tps() {
            let Ok(part) = self.cluster.partition(&tp.0, tp.1) else {
                continue;
            };
            let leaders: Vec<BrokerId> = part
                .replica_state
                .iter()
                .filter(|(b, r)| r.is_leader() && self.broker_alive(**b))
                .map(|(b, _)| *b)
                .collect();
            for leader in leaders {
                let Some(r) = self.replica(&tp, leader) else {
                    continue;
                };
                let Role::Leader { isr, followers, .. } = &r.role else {
                    continue;
                };
                let out: Vec<BrokerId> = isr
                    .iter()
                    .copied()
                    .filter(|&b| b != leader)
                    .filter(|b| {
                        followers
                            .get(b)
                            .is_some_and(|f| now.since(f.last_caught_up) > lag)
                    })
                    .collect();
                if out.is_empty() || !self.can_write_isr(&tp, leader) {
                    continue;
                }
                let new_isr: Vec<BrokerId> =
                    isr.iter().copied().filter(|b| !out.contains(b)).collect();
                self.write_isr(&tp, leader, new_isr.clone());
                self.emit(EventKind::IsrShrunk {
                    topic: tp.0.clone(),
                    partition: tp.1,
                    removed: out,
                    isr: new_isr,
                    reason: IsrChangeReason::LagTimeExceeded,
                });
                self.maybe_increment_hw(&tp, leader);
            }
        }
    }
}
