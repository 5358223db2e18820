//! A broker: its id, rack and whether it is running.

use crate::ids::BrokerId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum BrokerState {
    Running,
    /// Stopped cleanly with `kafka-server-stop.sh`.
    Stopped,
    /// Crashed (`sim crash`); its log survives unless the disk was lost.
    Crashed,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Broker {
    pub id: BrokerId,
    pub rack: Option<String>,
    pub state: BrokerState,
}

impl Broker {
    pub fn new(id: BrokerId) -> Self {
        Self {
            id,
            rack: None,
            state: BrokerState::Running,
        }
    }

    pub fn is_alive(&self) -> bool {
        self.state == BrokerState::Running
    }
}
