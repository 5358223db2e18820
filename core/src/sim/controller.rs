//! The controller and ZooKeeper's part: broker registration and session
//! expiry, controller failover, leader election, and LeaderAndIsr requests.
//! As in Kafka 2.x (ZooKeeper mode): the controller learns of a dead broker
//! only when its session expires, elects the first live ISR replica in
//! assignment order, and bumps the leader epoch on every change it makes.

use super::timers::Timer;
use super::{Reply, Simulation};
use crate::broker::{Broker, BrokerState};
use crate::error::CommandError;
use crate::event::{ElectionReason, EventKind, IsrChangeReason};
use crate::ids::{BrokerId, Tp};
use crate::network::Node;
use crate::partition::Role;
use crate::vec_map::VecSet;

impl Simulation {
    fn broker_mut(&mut self, id: BrokerId) -> Result<&mut Broker, CommandError> {
        self.cluster
            .brokers
            .get_mut(&id)
            .ok_or(CommandError::UnknownBroker(id))
    }

    fn not_running(id: BrokerId) -> CommandError {
        CommandError::Usage(format!("Broker {id} is not running"))
    }

    pub(super) fn start_broker(&mut self, id: BrokerId) -> Result<Reply, CommandError> {
        if id < 0 {
            return Err(CommandError::InvalidConfig {
                key: "broker.id".into(),
                value: id.to_string(),
                reason: "broker.id must be >= 0".into(),
            });
        }
        match self.cluster.brokers.get(&id) {
            Some(b) if b.is_alive() => return Err(CommandError::DuplicateBrokerId(id)),
            Some(b) if b.registered => {
                // Restarted before its old session expired: the controller
                // sees a bounced broker, a failure then a startup.
                if let Some(b) = self.cluster.brokers.get_mut(&id) {
                    b.registered = false;
                }
                self.reconcile();
            }
            Some(_) => {}
            None => {
                // A new broker.id: the controller sees it as born at the next reconcile.
                self.cluster.brokers.insert(id, Broker::new(id));
            }
        }
        let b = self.broker_mut(id)?;
        b.state = BrokerState::Running;
        b.incarnation += 1;
        b.session += 1;
        b.zk_disconnected = false;
        b.registered = true;
        self.emit(EventKind::BrokerStarted { broker: id });
        self.watch_zookeeper_links();
        Ok(Reply::Done)
    }

    /// Controlled shutdown: leadership moves away first, then the broker
    /// leaves the ISRs and deregisters at once.
    pub(super) fn stop_broker(&mut self, id: BrokerId) -> Result<Reply, CommandError> {
        if !self.broker_mut(id)?.is_alive() {
            return Err(Self::not_running(id));
        }
        self.emit(EventKind::BrokerStopped { broker: id });
        if self.controller_can_act() {
            for tp in self.all_tps() {
                self.controlled_shutdown_partition(&tp, id);
            }
        }
        self.take_down(id);
        let b = self.broker_mut(id)?;
        b.state = BrokerState::Stopped;
        b.registered = false;
        b.session += 1;
        Ok(Reply::Done)
    }

    fn controlled_shutdown_partition(&mut self, tp: &Tp, id: BrokerId) {
        let registered = self.registered();
        let Some(part) = self.partition_mut(&tp.0, tp.1) else {
            return;
        };
        if !part.replicas.contains(&id) {
            return;
        }
        if part.leader == Some(id) {
            let next = part
                .replicas
                .iter()
                .copied()
                .find(|b| *b != id && part.isr.contains(b) && registered.contains(b));
            // No other in-sync replica: Kafka leaves the leader in place and
            // the partition goes offline when the broker is gone.
            let Some(next) = next else { return };
            part.isr.retain(|b| *b != id);
            part.leader = Some(next);
            part.leader_epoch += 1;
            let (epoch, isr) = (part.leader_epoch, part.isr.clone());
            self.emit(EventKind::LeaderElected {
                topic: tp.0.clone(),
                partition: tp.1,
                leader: Some(next),
                leader_epoch: epoch,
                isr,
                unclean: false,
                reason: ElectionReason::ControlledShutdown,
            });
        } else if part.isr.contains(&id) && part.isr.len() > 1 {
            part.isr.retain(|b| *b != id);
            part.leader_epoch += 1;
            let isr = part.isr.clone();
            self.emit(EventKind::IsrShrunk {
                topic: tp.0.clone(),
                partition: tp.1,
                removed: vec![id],
                isr,
                reason: IsrChangeReason::ControlledShutdown,
            });
        } else {
            return;
        }
        self.propagate(tp);
    }

    pub(super) fn crash_broker(
        &mut self,
        id: BrokerId,
        disk_lost: bool,
    ) -> Result<Reply, CommandError> {
        if !self.broker_mut(id)?.is_alive() {
            return Err(Self::not_running(id));
        }
        self.emit(EventKind::BrokerCrashed {
            broker: id,
            disk_lost,
        });
        self.take_down(id);
        if disk_lost {
            for tp in self.all_tps() {
                if let Some(r) = self
                    .partition_mut(&tp.0, tp.1)
                    .and_then(|p| p.replica_state.get_mut(&id))
                {
                    r.log.truncate_to(0);
                    r.high_watermark = 0;
                }
            }
        }
        let b = self.broker_mut(id)?;
        b.state = BrokerState::Crashed;
        // The session outlives the process until ZooKeeper times it out.
        let session = b.session;
        if b.registered {
            let timeout = self.settings.zookeeper_session_timeout_ms;
            self.schedule(
                timeout,
                Timer::SessionExpire {
                    broker: id,
                    incarnation: session,
                },
            );
        }
        Ok(Reply::Done)
    }

    pub(super) fn restart_broker(&mut self, id: BrokerId) -> Result<Reply, CommandError> {
        if self.broker_mut(id)?.is_alive() {
            self.crash_broker(id, false)?;
        }
        self.start_broker(id)
    }

    /// The process stops: every replica on it stops acting, in-flight work is void.
    fn take_down(&mut self, id: BrokerId) {
        if let Some(b) = self.cluster.brokers.get_mut(&id) {
            b.incarnation += 1;
        }
        for tp in self.all_tps() {
            if let Some(r) = self
                .partition_mut(&tp.0, tp.1)
                .and_then(|p| p.replica_state.get_mut(&id))
            {
                r.role = Role::Offline;
                r.fetch_session += 1;
            }
        }
        self.purgatory.drop_broker(id);
    }

    pub(super) fn session_expired(&mut self, id: BrokerId, session: u64) {
        let Some(b) = self.cluster.brokers.get_mut(&id) else {
            return;
        };
        if b.session != session || !b.registered {
            return;
        }
        b.registered = false;
        b.zk_disconnected = false;
        self.emit(EventKind::SessionExpired { broker: id });
    }

    pub(super) fn registered(&self) -> VecSet<BrokerId> {
        VecSet::from_iter(
            self.cluster
                .brokers
                .values()
                .filter(|b| b.registered)
                .map(|b| b.id),
        )
    }

    /// Arms or cancels session expiry for brokers whose link to ZooKeeper
    /// changed; a broker that can reach ZooKeeper again re-registers.
    pub(super) fn watch_zookeeper_links(&mut self) {
        let timeout = self.settings.zookeeper_session_timeout_ms;
        let ids: Vec<BrokerId> = self.cluster.brokers.keys().copied().collect();
        for id in ids {
            let cut = self.network.is_cut(Node::Broker(id), Node::ZooKeeper);
            let Some(b) = self.cluster.brokers.get_mut(&id) else {
                continue;
            };
            if !b.is_alive() {
                continue;
            }
            match (cut, b.zk_disconnected, b.registered) {
                (true, false, true) => {
                    b.zk_disconnected = true;
                    let session = b.session;
                    self.schedule(
                        timeout,
                        Timer::SessionExpire {
                            broker: id,
                            incarnation: session,
                        },
                    );
                }
                (false, true, _) => {
                    // Reconnected in time: the session lives on.
                    b.zk_disconnected = false;
                    b.session += 1;
                }
                (false, false, false) => {
                    // The session had expired: a new registration, which the
                    // controller treats as a broker startup.
                    b.session += 1;
                    b.registered = true;
                }
                _ => {}
            }
        }
        self.roles_dirty = true;
        // A controller that was cut off may act again: catch up on elections.
        self.elections_dirty = true;
    }

    /// What the controller does whenever ZooKeeper may have changed:
    /// failover if needed, then handle brokers that died or came back.
    pub(crate) fn reconcile(&mut self) {
        let registered = self.registered();
        let mut changed = false;
        if self.controller.is_none_or(|c| !registered.contains(&c)) {
            self.controller = registered.first().copied();
            if let Some(c) = self.controller {
                self.controller_epoch += 1;
                let epoch = self.controller_epoch;
                self.emit(EventKind::ControllerElected {
                    broker: c,
                    controller_epoch: epoch,
                });
                changed = true;
                self.roles_dirty = true;
            }
        }
        if !self.controller_can_act() {
            // No controller, or one that hears nothing from ZooKeeper and
            // cannot write to it: changes wait for the next controller.
            return;
        }
        let dead = VecSet::from_iter(self.known_live.difference(&registered).copied());
        let born = VecSet::from_iter(registered.difference(&self.known_live).copied());
        self.known_live = registered.clone();
        if !dead.is_empty() {
            self.on_brokers_failure(&dead, &registered);
            changed = true;
        }
        if !born.is_empty() {
            self.on_brokers_startup(&born, &registered);
            changed = true;
        }
        if changed || self.elections_dirty {
            self.elections_dirty = false;
            // A new controller (or new settings) may be able to bring
            // offline partitions back, and to elect partitions created
            // while no controller could act.
            for tp in self.all_tps() {
                let Ok(p) = self.cluster.partition(&tp.0, tp.1) else {
                    continue;
                };
                if p.leader_epoch < 0 {
                    self.elect_new_partition(&tp);
                } else if p.leader.is_none_or(|l| !registered.contains(&l)) {
                    self.elect(&tp, ElectionReason::LeaderFailed, &registered);
                }
            }
        }
        if self.roles_dirty {
            self.roles_dirty = false;
            self.resync_roles();
        }
    }

    fn on_brokers_failure(&mut self, dead: &VecSet<BrokerId>, registered: &VecSet<BrokerId>) {
        for tp in self.all_tps() {
            let Ok(part) = self.cluster.partition(&tp.0, tp.1) else {
                continue;
            };
            let leader_dead = part.leader.is_some_and(|l| dead.contains(&l));
            let isr_dead: Vec<BrokerId> = part
                .isr
                .iter()
                .copied()
                .filter(|b| dead.contains(b))
                .collect();
            if leader_dead {
                self.elect(&tp, ElectionReason::LeaderFailed, registered);
            } else if !isr_dead.is_empty() {
                let Some(part) = self.partition_mut(&tp.0, tp.1) else {
                    continue;
                };
                let removed = remove_keeping_last(&mut part.isr, &isr_dead);
                if removed.is_empty() {
                    continue;
                }
                part.leader_epoch += 1;
                let isr = part.isr.clone();
                self.emit(EventKind::IsrShrunk {
                    topic: tp.0.clone(),
                    partition: tp.1,
                    removed,
                    isr,
                    reason: IsrChangeReason::SessionExpired,
                });
                self.propagate(&tp);
            }
        }
    }

    fn on_brokers_startup(&mut self, born: &VecSet<BrokerId>, registered: &VecSet<BrokerId>) {
        for tp in self.all_tps() {
            let Ok(part) = self.cluster.partition(&tp.0, tp.1) else {
                continue;
            };
            if !part.replicas.iter().any(|b| born.contains(b)) {
                continue;
            }
            if part.leader.is_none() {
                self.elect(&tp, ElectionReason::BrokerReturned, registered);
            }
            // The returning broker learns its roles (follower, mostly).
            let targets: Vec<BrokerId> = self
                .cluster
                .partition(&tp.0, tp.1)
                .map(|p| {
                    p.replicas
                        .iter()
                        .copied()
                        .filter(|b| born.contains(b))
                        .collect()
                })
                .unwrap_or_default();
            for b in targets {
                self.send_leader_and_isr(&tp, b);
            }
        }
    }

    /// Picks a leader for a partition whose leader is gone: the first
    /// registered ISR member in assignment order; else, if allowed, any
    /// registered replica (unclean); else the partition is offline.
    pub(super) fn elect(&mut self, tp: &Tp, reason: ElectionReason, registered: &VecSet<BrokerId>) {
        let unclean_allowed = self.unclean_allowed(&tp.0);
        let Some(part) = self.partition_mut(&tp.0, tp.1) else {
            return;
        };
        let clean = part
            .replicas
            .iter()
            .copied()
            .find(|b| registered.contains(b) && part.isr.contains(b));
        let (leader, unclean) = match clean {
            Some(l) => (Some(l), false),
            None if unclean_allowed => (
                part.replicas
                    .iter()
                    .copied()
                    .find(|b| registered.contains(b)),
                true,
            ),
            None => (None, false),
        };
        let unclean = unclean && leader.is_some();
        if leader.is_none() && part.leader.is_none() {
            return; // Still offline: nothing new to write.
        }
        let gone: Vec<BrokerId> = part
            .isr
            .iter()
            .copied()
            .filter(|b| !registered.contains(b))
            .collect();
        let removed = match (leader, unclean) {
            (Some(l), true) => {
                let removed = part.isr.iter().copied().filter(|b| *b != l).collect();
                part.isr = vec![l];
                removed
            }
            _ => remove_keeping_last(&mut part.isr, &gone),
        };
        part.leader = leader;
        part.leader_epoch += 1;
        let (epoch, isr) = (part.leader_epoch, part.isr.clone());
        self.emit(EventKind::LeaderElected {
            topic: tp.0.clone(),
            partition: tp.1,
            leader,
            leader_epoch: epoch,
            isr: isr.clone(),
            unclean,
            reason,
        });
        if !removed.is_empty() {
            self.emit(EventKind::IsrShrunk {
                topic: tp.0.clone(),
                partition: tp.1,
                removed,
                isr,
                reason: if unclean {
                    IsrChangeReason::Election
                } else {
                    IsrChangeReason::SessionExpired
                },
            });
        }
        self.propagate(tp);
    }

    /// The leader election of a new partition: first live replica leads,
    /// the live replicas form the ISR.
    pub(super) fn elect_new_partition(&mut self, tp: &Tp) {
        let registered = self.registered();
        let has_controller = self.controller_can_act();
        let Some(part) = self.partition_mut(&tp.0, tp.1) else {
            return;
        };
        if !has_controller {
            return;
        }
        let live: Vec<BrokerId> = part
            .replicas
            .iter()
            .copied()
            .filter(|b| registered.contains(b))
            .collect();
        let Some(&leader) = live.first() else {
            return;
        };
        part.leader = Some(leader);
        part.leader_epoch = 0;
        part.isr = live.clone();
        self.emit(EventKind::LeaderElected {
            topic: tp.0.clone(),
            partition: tp.1,
            leader: Some(leader),
            leader_epoch: 0,
            isr: live,
            unclean: false,
            reason: ElectionReason::Created,
        });
        self.propagate(tp);
    }

    pub(super) fn elect_preferred(&mut self, topic: Option<&str>) -> Result<Reply, CommandError> {
        if let Some(t) = topic {
            self.cluster.topic(t)?;
        }
        if !self.controller_can_act() {
            return Err(CommandError::Usage(
                "org.apache.kafka.common.errors.NotControllerException: no controller can act now"
                    .into(),
            ));
        }
        let registered = self.registered();
        let mut elected = Vec::new();
        for tp in self.all_tps() {
            if topic.is_some_and(|t| t != tp.0) {
                continue;
            }
            let Some(part) = self.partition_mut(&tp.0, tp.1) else {
                continue;
            };
            let Some(&preferred) = part.replicas.first() else {
                continue;
            };
            if part.leader == Some(preferred)
                || !registered.contains(&preferred)
                || !part.isr.contains(&preferred)
            {
                continue;
            }
            part.leader = Some(preferred);
            part.leader_epoch += 1;
            let (epoch, isr) = (part.leader_epoch, part.isr.clone());
            self.emit(EventKind::LeaderElected {
                topic: tp.0.clone(),
                partition: tp.1,
                leader: Some(preferred),
                leader_epoch: epoch,
                isr,
                unclean: false,
                reason: ElectionReason::Preferred,
            });
            self.propagate(&tp);
            elected.push(format!("{}-{}", tp.0, tp.1));
        }
        Ok(Reply::Elected(elected))
    }

    /// A controller acts only while it runs and reaches ZooKeeper.
    pub(super) fn controller_can_act(&self) -> bool {
        self.controller.is_some_and(|c| {
            self.broker_alive(c) && !self.network.is_cut(Node::Broker(c), Node::ZooKeeper)
        })
    }

    /// Whether the controller's LeaderAndIsr reaches broker `b` now.
    fn controller_reaches(&self, b: BrokerId) -> bool {
        match self.controller {
            Some(c) => c == b || !self.network.is_cut(Node::Broker(c), Node::Broker(b)),
            None => false,
        }
    }

    /// Sends the partition's new state to every replica the controller reaches.
    pub(super) fn propagate(&mut self, tp: &Tp) {
        let replicas = self
            .cluster
            .partition(&tp.0, tp.1)
            .map(|p| p.replicas.clone())
            .unwrap_or_default();
        for b in replicas {
            self.send_leader_and_isr(tp, b);
        }
    }

    fn send_leader_and_isr(&mut self, tp: &Tp, b: BrokerId) {
        if self.broker_alive(b) && self.controller_reaches(b) {
            self.apply_leader_and_isr(tp, b);
        }
    }

    /// Brokers that missed a LeaderAndIsr (cut off, or back up) get it now.
    fn resync_roles(&mut self) {
        for tp in self.all_tps() {
            let Ok(part) = self.cluster.partition(&tp.0, tp.1) else {
                continue;
            };
            let epoch = part.leader_epoch;
            let stale: Vec<BrokerId> = part
                .replica_state
                .iter()
                .filter(|(_, r)| r.role_epoch() < epoch || matches!(r.role, Role::Offline))
                .map(|(b, _)| *b)
                .collect();
            for b in stale {
                self.send_leader_and_isr(&tp, b);
            }
        }
    }

    // ---- network faults ----

    fn check_broker(&self, id: BrokerId) -> Result<(), CommandError> {
        if self.cluster.brokers.contains_key(&id) {
            Ok(())
        } else {
            Err(CommandError::UnknownBroker(id))
        }
    }

    fn check_node(&self, n: Node) -> Result<(), CommandError> {
        match n {
            Node::Broker(b) => self.check_broker(b),
            _ => Ok(()),
        }
    }

    pub(super) fn isolate(&mut self, b: BrokerId) -> Result<Reply, CommandError> {
        self.check_broker(b)?;
        let all: Vec<BrokerId> = self.cluster.brokers.keys().copied().collect();
        self.network.isolate(b, all);
        self.emit(EventKind::NetworkChanged {
            description: format!("broker {b} isolated from the other brokers and ZooKeeper"),
        });
        self.watch_zookeeper_links();
        Ok(Reply::Done)
    }

    pub(super) fn cut(&mut self, a: Node, b: Node) -> Result<Reply, CommandError> {
        self.check_node(a)?;
        self.check_node(b)?;
        self.network.cut(a, b);
        self.emit(EventKind::NetworkChanged {
            description: format!("link {a} <-> {b} cut"),
        });
        self.watch_zookeeper_links();
        Ok(Reply::Done)
    }

    pub(super) fn drop_messages(
        &mut self,
        a: Node,
        b: Node,
        pct: u32,
    ) -> Result<Reply, CommandError> {
        self.check_node(a)?;
        self.check_node(b)?;
        if pct > 100 {
            return Err(CommandError::Usage(format!(
                "drop: {pct} is not a percentage (0-100)"
            )));
        }
        self.network.set_drop(a, b, pct);
        self.emit(EventKind::NetworkChanged {
            description: format!("link {a} <-> {b} drops {pct}% of messages"),
        });
        Ok(Reply::Done)
    }

    pub(super) fn slow(&mut self, b: BrokerId, ms: u64) -> Result<Reply, CommandError> {
        self.check_broker(b)?;
        self.network.set_slow(Node::Broker(b), ms);
        self.emit(EventKind::NetworkChanged {
            description: format!("broker {b} links delayed by {ms} ms"),
        });
        Ok(Reply::Done)
    }

    pub(super) fn heal(&mut self) {
        self.network.heal();
        self.emit(EventKind::NetworkChanged {
            description: "all links healed".into(),
        });
        self.watch_zookeeper_links();
    }
}

/// Kafka's `removeReplicasFromIsr`: one replica at a time, never leaving the
/// ISR empty (the last member stays, so a clean election can wait for it).
fn remove_keeping_last(isr: &mut Vec<BrokerId>, gone: &[BrokerId]) -> Vec<BrokerId> {
    let mut removed = Vec::new();
    for g in gone {
        if isr.len() > 1 && isr.contains(g) {
            isr.retain(|b| b != g);
            removed.push(*g);
        }
    }
    removed
}
