//! The requests and responses that cross the simulated network, as Kafka's
//! `org.apache.kafka.common.requests` names them: `ProduceRequest` /
//! `ProduceResponse` (a client's batch to a partition leader and its answer)
//! and the follower's `FetchRequest` / `FetchResponse`, whose
//! [`FetchKind::EpochQuery`] stands for `OffsetsForLeaderEpochRequest`
//! (KIP-101) sent on the same fetcher.
//!
//! Plain data: the code that builds and answers them lives with the client
//! (`producer/`) and the broker (`sim/produce.rs`, `sim/replica_manager.rs`).
//! The timer queue (`sim/timers.rs`) carries them while they are in flight,
//! so this module depends on neither.

use crate::event::TraceId;
use crate::ids::{BrokerId, LeaderEpoch, Offset, ProducerId, Tp};
use crate::log::{Record, RecordData};
use crate::producer::Acks;
use std::sync::Arc;

/// One producer batch sent to the leader of its partition.
#[derive(Debug, Clone)]
pub(crate) struct ProduceRequest {
    /// The producer's `client.id`.
    pub producer: String,
    /// The batch's number within that producer.
    pub batch: u64,
    /// The request's id (`correlationId`): an answer to an older attempt is void.
    pub request: u64,
    pub tp: Tp,
    /// The broker it was sent to, and the process it expects there: a
    /// restarted broker never answers its predecessor's requests.
    pub broker: BrokerId,
    pub incarnation: u64,
    pub records: Arc<Vec<RecordData>>,
    pub acks: Acks,
    /// `-1` unless the producer is idempotent.
    pub producer_id: ProducerId,
    pub base_sequence: i32,
    pub first_trace: TraceId,
}

/// The leader's answer: the batch's base offset or Kafka's error code.
#[derive(Debug, Clone)]
pub(crate) struct ProduceResponse {
    pub producer: String,
    pub batch: u64,
    pub request: u64,
    pub result: Result<Offset, &'static str>,
}

/// What a follower's fetcher asks its leader.
#[derive(Debug, Clone)]
pub(crate) enum FetchKind {
    /// Records from the follower's log end offset on.
    Records { offset: Offset },
    /// KIP-101 `OffsetsForLeaderEpoch` for the follower's latest epoch.
    EpochQuery { epoch: LeaderEpoch },
}

/// A follower's fetch (or epoch query) to the leader of one partition.
#[derive(Debug, Clone)]
pub(crate) struct FetchRequest {
    pub tp: Tp,
    pub follower: BrokerId,
    pub leader: BrokerId,
    /// The follower's fetch session for its current role: a role change voids it.
    pub session: u64,
    pub leader_incarnation: u64,
    /// The follower process that sent it: a restart closes its connections.
    pub follower_incarnation: u64,
    /// The leader epoch the follower was told (KIP-320 fencing).
    pub epoch: LeaderEpoch,
    pub kind: FetchKind,
}

/// What the leader answered.
#[derive(Debug, Clone)]
pub(crate) enum FetchBody {
    Records {
        records: Vec<Record>,
        hw: Offset,
    },
    /// The leader's largest epoch not above the one asked for, and where
    /// that epoch ends in the leader's log (KIP-279).
    EpochEnd {
        epoch: LeaderEpoch,
        end: Offset,
    },
    OutOfRange {
        leader_leo: Offset,
    },
    /// Not leader, fenced epoch, leader down: back off and retry.
    Error,
}

/// A leader's answer to a [`FetchRequest`], addressed to the follower's session.
#[derive(Debug, Clone)]
pub(crate) struct FetchResponse {
    pub tp: Tp,
    pub follower: BrokerId,
    pub leader: BrokerId,
    pub session: u64,
    pub body: FetchBody,
}
