//! A broker: its id, rack, whether it runs, and its ZooKeeper registration.

use crate::ids::BrokerId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum BrokerState {
    Running,
    /// Stopped cleanly with `kafka-server-stop.sh` (controlled shutdown).
    Stopped,
    /// Crashed (`sim crash`); its log survives unless the disk was lost.
    Crashed,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Broker {
    pub id: BrokerId,
    pub rack: Option<String>,
    pub state: BrokerState,
    /// Whether its ZooKeeper session is live (`/brokers/ids/N` exists). A
    /// crashed or isolated broker stays registered until the session expires.
    pub registered: bool,
    /// Bumped on every start and every session change, so timers armed for
    /// an earlier life of the broker are ignored.
    pub incarnation: u64,
    /// The ZooKeeper session id; a pending expiry for an older one is void.
    pub session: u64,
    /// Cut from ZooKeeper with an expiry pending.
    pub zk_disconnected: bool,
}

impl Broker {
    pub fn new(id: BrokerId) -> Self {
        Self {
            id,
            rack: None,
            state: BrokerState::Running,
            registered: true,
            incarnation: 0,
            session: 0,
            zk_disconnected: false,
        }
    }

    pub fn is_alive(&self) -> bool {
        self.state == BrokerState::Running
    }
}
