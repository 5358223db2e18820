//! The consumer side of the client: how a group's partitions are divided.
//!
//! The assignors are pure functions of the topic metadata, the members'
//! subscriptions and (for the sticky ones) who owned what before; the group
//! coordinator decides *when* to call them.

pub mod assignor;

pub use assignor::{
    assign, assign_cooperative, moved, range, round_robin, sticky, validate, Assignment,
    AssignorError, AssignorKind, MAX_PARTITIONS,
};
