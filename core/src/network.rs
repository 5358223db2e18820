//! The network between brokers, the metadata store (ZooKeeper's role) and
//! clients: per-link delay, drops and cuts, as raft-rs's test network does.
//!
//! Clients are modelled as one node: `sim isolate B` cuts B from the other
//! brokers and from ZooKeeper while clients still reach it, which is exactly
//! the setting in which an isolated leader keeps accepting `acks=1` writes.

use crate::ids::BrokerId;
use crate::rng::SimRng;
use crate::vec_map::VecMap;
use crate::vec_map::VecSet;
use std::fmt;

/// A participant on the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Node {
    Broker(BrokerId),
    /// The metadata store (ZooKeeper).
    ZooKeeper,
    /// Producers and consumers.
    Clients,
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Broker(b) => write!(f, "broker {b}"),
            Node::ZooKeeper => f.write_str("zookeeper"),
            Node::Clients => f.write_str("clients"),
        }
    }
}

fn link(a: Node, b: Node) -> (Node, Node) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

/// Link state. Every link is symmetric.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Network {
    /// One-way delay of every link, in ms.
    pub base_delay_ms: u64,
    /// Extra one-way delay on every link of a node (`sim slow B MS`).
    pub slow: VecMap<Node, u64>,
    /// Links that carry nothing.
    pub cuts: VecSet<(Node, Node)>,
    /// Per-link drop probability in percent.
    pub drops: VecMap<(Node, Node), u32>,
}

impl Default for Network {
    fn default() -> Self {
        Self {
            base_delay_ms: 1,
            slow: VecMap::new(),
            cuts: VecSet::new(),
            drops: VecMap::new(),
        }
    }
}

impl Network {
    pub fn is_cut(&self, a: Node, b: Node) -> bool {
        a != b && self.cuts.contains(&link(a, b))
    }

    /// Whether a message from `a` to `b` gets through (a drop draws from `rng`).
    pub fn delivers(&self, a: Node, b: Node, rng: &mut SimRng) -> bool {
        if self.is_cut(a, b) {
            return false;
        }
        match self.drops.get(&link(a, b)) {
            Some(&pct) if pct > 0 => rng.below(100) >= pct,
            _ => true,
        }
    }

    /// One-way delay from `a` to `b`.
    pub fn delay(&self, a: Node, b: Node) -> u64 {
        if a == b {
            return 0;
        }
        self.base_delay_ms
            + self.slow.get(&a).copied().unwrap_or(0)
            + self.slow.get(&b).copied().unwrap_or(0)
    }

    pub fn cut(&mut self, a: Node, b: Node) {
        if a != b {
            self.cuts.insert(link(a, b));
        }
    }

    /// Cuts `broker` from every other broker in `brokers` and from ZooKeeper.
    pub fn isolate(&mut self, broker: BrokerId, brokers: impl IntoIterator<Item = BrokerId>) {
        let me = Node::Broker(broker);
        for other in brokers {
            self.cut(me, Node::Broker(other));
        }
        self.cut(me, Node::ZooKeeper);
    }

    pub fn set_drop(&mut self, a: Node, b: Node, pct: u32) {
        if pct == 0 {
            self.drops.remove(&link(a, b));
        } else {
            self.drops.insert(link(a, b), pct.min(100));
        }
    }

    pub fn set_slow(&mut self, node: Node, ms: u64) {
        if ms == 0 {
            self.slow.remove(&node);
        } else {
            self.slow.insert(node, ms);
        }
    }

    /// Whether `broker` is cut from ZooKeeper or from any other broker.
    pub fn is_isolated(&self, broker: BrokerId) -> bool {
        self.is_cut(Node::Broker(broker), Node::ZooKeeper)
    }

    /// Removes every cut, drop and slowdown.
    pub fn heal(&mut self) {
        self.cuts.clear();
        self.drops.clear();
        self.slow.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isolation_cuts_brokers_and_zookeeper_but_not_clients() {
        let mut net = Network::default();
        net.isolate(1, [0, 1, 2]);
        let b = Node::Broker;
        assert!(net.is_cut(b(1), b(0)));
        assert!(net.is_cut(b(2), b(1)));
        assert!(net.is_cut(b(1), Node::ZooKeeper));
        assert!(!net.is_cut(b(1), Node::Clients));
        assert!(!net.is_cut(b(0), b(2)));
        assert!(net.is_isolated(1));
        net.heal();
        assert!(!net.is_cut(b(1), b(0)));
    }

    #[test]
    fn slow_adds_to_both_ends() {
        let mut net = Network::default();
        net.set_slow(Node::Broker(2), 300);
        assert_eq!(net.delay(Node::Broker(0), Node::Broker(2)), 301);
        assert_eq!(net.delay(Node::Broker(2), Node::Broker(2)), 0);
    }

    #[test]
    fn drops_are_seeded() {
        let mut net = Network::default();
        net.set_drop(Node::Broker(0), Node::Broker(1), 100);
        let mut rng = SimRng::new(1);
        assert!(!net.delivers(Node::Broker(1), Node::Broker(0), &mut rng));
        net.set_drop(Node::Broker(0), Node::Broker(1), 50);
        let got: Vec<bool> = (0..20)
            .map(|_| net.delivers(Node::Broker(0), Node::Broker(1), &mut rng))
            .collect();
        assert!(got.contains(&true) && got.contains(&false));
    }
}
