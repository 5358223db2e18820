//! Flume's `MemoryChannel` and its `MemoryTransaction`, step for step.
//!
//! A put becomes visible only on commit; a take removes the event from the
//! queue at once and a rollback returns it to the head. Capacity is a
//! semaphore (`queueRemaining`) that a take frees only on commit, so a put
//! commit can fail while a sink holds uncommitted takes — as in Flume.

use std::collections::VecDeque;

use super::event::FlumeEvent;
use super::metrics::ChannelCounter;

/// Why a channel operation failed. The texts are Flume's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    /// `ChannelFullException` from `doCommit`.
    #[error("Space for commit to queue couldn't be acquired. Sinks are likely not keeping up with sources, or the buffer size is too tight")]
    ChannelFull,
    /// `ChannelException` from `doPut`: more puts than `transactionCapacity`.
    #[error("Put queue for MemoryTransaction of capacity {0} full, consider committing more frequently, increasing capacity or increasing thread count")]
    PutListFull(u64),
    /// `ChannelException` from `doTake`: more takes than `transactionCapacity`.
    #[error("Take list for MemoryTransaction, capacity {0} full, consider committing more frequently, increasing capacity, or increasing thread count")]
    TakeListFull(u64),
    /// `BasicTransactionSemantics`' precondition failures (`IllegalStateException`).
    #[error("{0}")]
    IllegalState(String),
}

/// `BasicTransactionSemantics.State`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum TxState {
    New,
    Open,
    Completed,
    Closed,
}

impl std::fmt::Display for TxState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TxState::New => "NEW",
            TxState::Open => "OPEN",
            TxState::Completed => "COMPLETED",
            TxState::Closed => "CLOSED",
        })
    }
}

/// Undrained log entries kept at most; older ones are dropped (and counted)
/// so an agent nobody drains cannot grow without bound.
pub const TRACE_CAP: usize = 100_000;

/// The step log: what each component did, stamped with virtual time.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    pub now_ms: u64,
    pub entries: Vec<super::agent::FlumeLogEntry>,
    /// Entries dropped because nobody drained them in time.
    pub dropped: u64,
}

impl Trace {
    pub fn log(&mut self, component: &str, what: impl Into<String>) {
        if self.entries.len() >= TRACE_CAP {
            let half = TRACE_CAP / 2;
            self.entries.drain(..half);
            self.dropped += half as u64;
        }
        self.entries.push(super::agent::FlumeLogEntry {
            at_ms: self.now_ms,
            component: component.to_string(),
            what: what.into(),
        });
    }
}

/// A memory channel (`type = memory`).
#[derive(Debug, Clone)]
pub struct MemoryChannel {
    name: String,
    capacity: u64,
    transaction_capacity: u64,
    queue: VecDeque<FlumeEvent>,
    /// `queueRemaining`: free slots, counting uncommitted takes as used.
    queue_remaining: u64,
    next_tx: u64,
    pub(crate) counter: ChannelCounter,
}

impl MemoryChannel {
    /// `capacity` and `transaction_capacity` must be positive and
    /// `transaction_capacity <= capacity` (checked by the config layer).
    pub fn new(name: &str, capacity: u64, transaction_capacity: u64, start_ms: u64) -> Self {
        let counter = ChannelCounter {
            channel_capacity: capacity,
            start_time: start_ms,
            ..ChannelCounter::default()
        };
        Self {
            name: name.to_string(),
            capacity,
            transaction_capacity,
            queue: VecDeque::new(),
            queue_remaining: capacity,
            next_tx: 1,
            counter,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn capacity(&self) -> u64 {
        self.capacity
    }
    pub fn transaction_capacity(&self) -> u64 {
        self.transaction_capacity
    }
    /// Events stored now (committed puts not yet taken).
    pub fn len(&self) -> usize {
        self.queue.len()
    }
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
    /// The stored events, head first.
    pub fn events(&self) -> impl Iterator<Item = &FlumeEvent> {
        self.queue.iter()
    }
    pub fn counter(&self) -> &ChannelCounter {
        &self.counter
    }

    /// `channel.getTransaction()`. `actor` names who uses it, for the log.
    pub fn transaction<'a>(&'a mut self, actor: &str, trace: &'a mut Trace) -> Transaction<'a> {
        let id = self.next_tx;
        self.next_tx += 1;
        Transaction {
            channel: self,
            trace,
            actor: actor.to_string(),
            id,
            state: TxState::New,
            put_list: Vec::new(),
            take_list: Vec::new(),
        }
    }
}

/// A `MemoryTransaction`: begin, put/take, commit or rollback, close.
/// Dropping an open transaction rolls it back, so takes are never lost.
pub struct Transaction<'a> {
    channel: &'a mut MemoryChannel,
    trace: &'a mut Trace,
    actor: String,
    id: u64,
    state: TxState,
    put_list: Vec<FlumeEvent>,
    take_list: Vec<FlumeEvent>,
}

impl Transaction<'_> {
    pub fn state(&self) -> TxState {
        self.state
    }

    fn log(&mut self, what: String) {
        let line = format!("{} tx#{} {what}", self.actor, self.id);
        self.trace.log(&self.channel.name, line);
    }

    fn require(&self, op: &str, ok: bool) -> Result<(), ChannelError> {
        if ok {
            Ok(())
        } else {
            Err(ChannelError::IllegalState(format!(
                "{op}() called when transaction is {}!",
                self.state
            )))
        }
    }

    /// Adds a line to the step log under this transaction (a sink's own news).
    pub fn note(&mut self, what: &str) {
        self.log(what.to_string());
    }

    pub fn begin(&mut self) -> Result<(), ChannelError> {
        self.require("begin", self.state == TxState::New)?;
        self.state = TxState::Open;
        self.log("begin".into());
        Ok(())
    }

    /// `doPut`: counts an attempt, then fails if the put list is full.
    pub fn put(&mut self, event: FlumeEvent) -> Result<(), ChannelError> {
        self.require("put", self.state == TxState::Open)?;
        self.channel.counter.event_put_attempt_count += 1;
        if self.put_list.len() as u64 >= self.channel.transaction_capacity {
            let err = ChannelError::PutListFull(self.channel.transaction_capacity);
            self.log(format!("put failed: {err}"));
            return Err(err);
        }
        self.log(format!("put {}", event.body));
        self.put_list.push(event);
        Ok(())
    }

    /// `doTake`: counts an attempt; `None` when the channel is empty.
    pub fn take(&mut self) -> Result<Option<FlumeEvent>, ChannelError> {
        self.require("take", self.state == TxState::Open)?;
        self.channel.counter.event_take_attempt_count += 1;
        if self.take_list.len() as u64 >= self.channel.transaction_capacity {
            let err = ChannelError::TakeListFull(self.channel.transaction_capacity);
            self.log(format!("take failed: {err}"));
            return Err(err);
        }
        match self.channel.queue.pop_front() {
            None => {
                self.log("take -> null (channel empty)".into());
                Ok(None)
            }
            Some(e) => {
                self.log(format!("take {}", e.body));
                self.take_list.push(e.clone());
                Ok(Some(e))
            }
        }
    }

    /// `doCommit`: puts become visible, takes are gone for good.
    pub fn commit(&mut self) -> Result<(), ChannelError> {
        self.require("commit", self.state == TxState::Open)?;
        let puts = self.put_list.len() as u64;
        let takes = self.take_list.len() as u64;
        if puts > takes {
            let need = puts - takes;
            if self.channel.queue_remaining < need {
                // State stays OPEN: the caller must roll back, as in Flume.
                let err = ChannelError::ChannelFull;
                self.log(format!("commit failed: {err}"));
                return Err(err);
            }
            self.channel.queue_remaining -= need;
        } else {
            self.channel.queue_remaining += takes - puts;
        }
        self.channel.queue.extend(self.put_list.drain(..));
        self.take_list.clear();
        let c = &mut self.channel.counter;
        c.event_put_success_count += puts;
        c.event_take_success_count += takes;
        c.channel_size = self.channel.queue.len() as u64;
        self.state = TxState::Completed;
        self.log(format!("commit (puts {puts}, takes {takes})"));
        Ok(())
    }

    /// `doRollback`: takes go back to the head in their order; puts vanish.
    pub fn rollback(&mut self) -> Result<(), ChannelError> {
        self.require("rollback", self.state == TxState::Open)?;
        let takes = self.take_list.len();
        let puts = self.put_list.len();
        while let Some(e) = self.take_list.pop() {
            self.channel.queue.push_front(e);
        }
        self.put_list.clear();
        self.channel.counter.channel_size = self.channel.queue.len() as u64;
        self.state = TxState::Completed;
        self.log(format!(
            "rollback ({takes} takes returned to the channel, {puts} puts discarded)"
        ));
        Ok(())
    }

    pub fn close(mut self) -> Result<(), ChannelError> {
        if !matches!(self.state, TxState::New | TxState::Completed) {
            return Err(ChannelError::IllegalState(format!(
                "close() called when transaction is {} - you must either commit or rollback first",
                self.state
            )));
        }
        self.state = TxState::Closed;
        self.log("close".into());
        Ok(())
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if self.state == TxState::Open {
            // A forgotten or failed close: keep the channel consistent.
            let _ = self.rollback();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(s: &str) -> FlumeEvent {
        FlumeEvent::with_body(s)
    }

    #[test]
    fn puts_are_visible_only_after_commit() {
        let mut ch = MemoryChannel::new("c1", 10, 10, 0);
        let mut trace = Trace::default();
        let mut tx = ch.transaction("r1", &mut trace);
        tx.begin().expect("begin");
        tx.put(ev("a")).expect("put");
        tx.put(ev("b")).expect("put");
        drop(tx); // open → rolled back
        assert_eq!(ch.len(), 0);
        assert_eq!(ch.counter().event_put_attempt_count, 2);
        assert_eq!(ch.counter().event_put_success_count, 0);

        let mut tx = ch.transaction("r1", &mut trace);
        tx.begin().expect("begin");
        tx.put(ev("a")).expect("put");
        tx.put(ev("b")).expect("put");
        tx.commit().expect("commit");
        tx.close().expect("close");
        assert_eq!(ch.len(), 2);
        assert_eq!(ch.counter().event_put_success_count, 2);
        assert_eq!(ch.counter().channel_size, 2);
    }

    #[test]
    fn rollback_returns_takes_to_the_head_in_order() {
        let mut ch = MemoryChannel::new("c1", 10, 10, 0);
        let mut trace = Trace::default();
        let mut tx = ch.transaction("r1", &mut trace);
        tx.begin().expect("begin");
        for b in ["a", "b", "c"] {
            tx.put(ev(b)).expect("put");
        }
        tx.commit().expect("commit");
        tx.close().expect("close");

        let mut tx = ch.transaction("k1", &mut trace);
        tx.begin().expect("begin");
        assert_eq!(tx.take().expect("take").map(|e| e.body), Some("a".into()));
        assert_eq!(tx.take().expect("take").map(|e| e.body), Some("b".into()));
        tx.rollback().expect("rollback");
        tx.close().expect("close");
        let order: Vec<&str> = ch.events().map(|e| e.body.as_str()).collect();
        assert_eq!(order, vec!["a", "b", "c"]);
        assert_eq!(ch.counter().event_take_attempt_count, 2);
        assert_eq!(ch.counter().event_take_success_count, 0);
    }

    #[test]
    fn commit_beyond_capacity_is_channel_full() {
        let mut ch = MemoryChannel::new("c1", 3, 3, 0);
        let mut trace = Trace::default();
        let mut tx = ch.transaction("r1", &mut trace);
        tx.begin().expect("begin");
        for b in ["a", "b", "c"] {
            tx.put(ev(b)).expect("put");
        }
        tx.commit().expect("fits exactly");
        tx.close().expect("close");
        let mut tx = ch.transaction("r1", &mut trace);
        tx.begin().expect("begin");
        tx.put(ev("d")).expect("put fits the put list");
        let err = tx.commit().expect_err("queue is full");
        assert_eq!(err, ChannelError::ChannelFull);
        assert_eq!(
            err.to_string(),
            "Space for commit to queue couldn't be acquired. Sinks are likely not keeping up with sources, or the buffer size is too tight"
        );
        assert_eq!(tx.state(), TxState::Open);
        tx.rollback().expect("rollback after failed commit");
        tx.close().expect("close");
        assert_eq!(ch.len(), 3);
        assert_eq!(ch.counter().event_put_attempt_count, 4);
        assert_eq!(ch.counter().event_put_success_count, 3);
    }

    #[test]
    fn uncommitted_take_still_counts_against_capacity() {
        let mut ch = MemoryChannel::new("c1", 2, 2, 0);
        let mut t = Trace::default();
        let mut tx = ch.transaction("r1", &mut t);
        tx.begin().expect("begin");
        tx.put(ev("a")).expect("put");
        tx.put(ev("b")).expect("put");
        tx.commit().expect("commit");
        tx.close().expect("close");
        // Take "a" and put "x" in one transaction: net zero, commit succeeds...
        let mut tx = ch.transaction("k1", &mut t);
        tx.begin().expect("begin");
        assert!(tx.take().expect("take").is_some());
        tx.put(ev("x")).expect("put");
        tx.commit().expect("take frees the slot the put needs");
        tx.close().expect("close");
        assert_eq!(ch.len(), 2);
    }

    #[test]
    fn transaction_capacity_limits_put_and_take_lists() {
        let mut ch = MemoryChannel::new("c1", 10, 2, 0);
        let mut t = Trace::default();
        let mut tx = ch.transaction("r1", &mut t);
        tx.begin().expect("begin");
        tx.put(ev("a")).expect("put");
        tx.put(ev("b")).expect("put");
        let err = tx.put(ev("c")).expect_err("third put");
        assert_eq!(
            err.to_string(),
            "Put queue for MemoryTransaction of capacity 2 full, consider committing more frequently, increasing capacity or increasing thread count"
        );
        tx.commit().expect("the two fit");
        tx.close().expect("close");
        let mut tx = ch.transaction("k1", &mut t);
        tx.begin().expect("begin");
        tx.take().expect("take");
        tx.take().expect("take");
        let err = tx.take().expect_err("third take");
        assert_eq!(err, ChannelError::TakeListFull(2));
        assert!(err
            .to_string()
            .starts_with("Take list for MemoryTransaction, capacity 2 full"));
        drop(tx);
        assert_eq!(ch.counter().event_put_attempt_count, 3);
        assert_eq!(
            ch.len(),
            2,
            "dropping the open take transaction rolled back"
        );
    }

    #[test]
    fn undrained_trace_is_capped_and_counts_what_it_dropped() {
        let mut t = Trace::default();
        for i in 0..=TRACE_CAP {
            t.log("c1", i.to_string());
        }
        assert_eq!(t.entries.len(), TRACE_CAP - TRACE_CAP / 2 + 1);
        assert_eq!(t.dropped, (TRACE_CAP / 2) as u64);
        assert_eq!(
            t.entries.last().map(|e| e.what.clone()),
            Some(TRACE_CAP.to_string())
        );
    }

    #[test]
    fn lifecycle_preconditions_use_flumes_words() {
        let mut ch = MemoryChannel::new("c1", 10, 10, 0);
        let mut t = Trace::default();
        let mut tx = ch.transaction("k1", &mut t);
        assert_eq!(
            tx.take().expect_err("not begun").to_string(),
            "take() called when transaction is NEW!"
        );
        tx.begin().expect("begin");
        assert!(tx.begin().is_err());
        assert_eq!(
            tx.close().expect_err("open").to_string(),
            "close() called when transaction is OPEN - you must either commit or rollback first"
        );
        // close() consumed the tx; dropping it rolled back. Channel untouched.
        assert_eq!(ch.len(), 0);
    }
}
