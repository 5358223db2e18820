//! A deterministic Flume agent: sources → interceptors → channel selector →
//! memory channels → sinks, driven by virtual milliseconds.
//!
//! It follows Apache Flume 1.x (the seed's first part): real agent properties
//! files, `Interceptor.Builder`s looked up by type name, Flume's transaction
//! semantics and exception texts, the sink runner's back-off and the counters
//! of Flume's JSON monitoring. It knows nothing of the Kafka simulation: the
//! Kafka sink hands records to a [`KafkaOutput`] the caller passes in.
//!
//! Driving it (same shape as the cluster's `Simulation`):
//!
//! ```
//! use streamlab_core::flume::{Agent, CountingKafkaOutput};
//! let conf = "a1.sources = r1\na1.channels = c1\na1.sinks = k1\n\
//!             a1.sources.r1.type = seq\na1.sources.r1.totalEvents = 5\n\
//!             a1.sources.r1.channels = c1\na1.channels.c1.type = memory\n\
//!             a1.sinks.k1.type = logger\na1.sinks.k1.channel = c1\n";
//! let mut agent = Agent::from_properties(conf, "a1").expect("valid config");
//! let mut kafka = CountingKafkaOutput::default();
//! while !agent.is_quiescent() {
//!     let Some(t) = agent.next_wakeup() else { break };
//!     agent.advance(t, &mut kafka);
//! }
//! assert_eq!(agent.sink_output("k1").map(|l| l.len()), Some(5));
//! let _json = agent.metrics_json(); // {"CHANNEL.c1":{"ChannelSize":"0",...},...}
//! ```
//!
//! **What differs from a real agent, on purpose:** each `process()` call of a
//! source or sink takes one virtual millisecond; a blocking wait (the memory
//! channel's `keep-alive`) never blocks, so a full channel fails at once; the
//! memory channel's `byteCapacity` is not modelled; JSON keys are sorted.

mod agent;
mod channel;
mod config;
mod event;
mod interceptor;
mod metrics;
mod pattern;
mod sink;
mod source;

pub use agent::{Agent, FlumeError, FlumeLogEntry, DEFAULT_HOST, MAX_STEPS_PER_ADVANCE};
pub use channel::{ChannelError, MemoryChannel, Trace, Transaction, TxState, TRACE_CAP};
pub use config::{
    parse_agent_config, AgentConfig, ChannelConfig, ConfigError, ConfigErrorKind, Context,
    InterceptorConfig, Prop, SelectorConfig, SinkConfig, SourceConfig, DEFAULT_MULTIPLEX_HEADER,
};
pub use event::FlumeEvent;
pub use interceptor::{
    InterceptContext, Interceptor, InterceptorBuilder, InterceptorFactory, InterceptorRegistry,
    TYPE_INTERCEPTOR,
};
pub use metrics::{
    AgentSnapshot, ChannelCounter, ChannelSnapshot, SinkCounter, SinkSnapshot, SourceCounter,
    SourceSnapshot,
};
pub use sink::{
    CountingKafkaOutput, EventDeliveryError, KafkaOutput, SentRecord, BACKOFF_SLEEP_INCREMENT_MS,
    KAFKA_SINK, MAX_BACKOFF_SLEEP_MS, MY_SINK,
};
pub use source::Status;

#[cfg(test)]
mod tests;
