//! Sinks and the `SinkRunner` that polls them.
//!
//! `process()` returns [`Status::Ready`] when it took at least one event and
//! [`Status::Backoff`] when it took none; an error is Flume's
//! `EventDeliveryException`. The runner (Flume's `SinkRunner.PollingRunner`
//! with the `DefaultSinkProcessor`) then waits:
//! READY → next call at once (1 ms later here); BACKOFF → `min(n × 1000,
//! 5000)` ms for the n-th consecutive back-off; an exception → 5000 ms.
//!
//! * `logger` (`LoggerSink`): one event per call, written as
//!   `Event: { headers:{...} body: 31 32  12 }` (`maxBytesToLog`, default 16).
//! * `org.apache.flume.sink.kafka.KafkaSink`: up to `flumeBatchSize` (100)
//!   events per transaction to `kafka.topic` (or the event's `topic`
//!   header), key from the `key` header, `kafka.producer.acks` (default 1).
//!   A send error rolls the whole batch back: records already sent stay in
//!   Kafka and are sent again (at-least-once).
//! * `com.atguigu.sink.MySink`: the seed's custom sink, the eight steps in
//!   order; writes `prefix + body + suffix`; `failEvery = N` makes every
//!   N-th handled event throw, so the transaction rolls back and the event
//!   is taken again on a later call.

use super::channel::{ChannelError, MemoryChannel, Trace};
use super::config::{ConfigError, ConfigErrorKind, SinkConfig};
use super::metrics::SinkCounter;
pub use super::source::Status;

/// Where the Kafka sink's records go. The Flume module does not know the
/// Kafka simulation; the caller adapts it (or counts, as the CLI does).
pub trait KafkaOutput {
    /// Sends one record and waits for its ack (the sink's `future.get()`).
    fn send(
        &mut self,
        topic: &str,
        key: Option<&str>,
        value: &str,
        acks: i16,
    ) -> Result<(), String>;
}

/// One record a [`CountingKafkaOutput`] accepted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SentRecord {
    pub topic: String,
    pub key: Option<String>,
    pub value: String,
    pub acks: i16,
}

/// A `KafkaOutput` that accepts everything and keeps what it got, or fails
/// the sends numbered in `fail_sends` (1-based), for tests and the CLI.
#[derive(Debug, Clone, Default)]
pub struct CountingKafkaOutput {
    pub records: Vec<SentRecord>,
    pub attempts: u64,
    pub fail_sends: Vec<u64>,
}

impl KafkaOutput for CountingKafkaOutput {
    fn send(
        &mut self,
        topic: &str,
        key: Option<&str>,
        value: &str,
        acks: i16,
    ) -> Result<(), String> {
        self.attempts += 1;
        if self.fail_sends.contains(&self.attempts) {
            return Err("org.apache.kafka.common.errors.TimeoutException: Expiring 1 record(s) for the topic: send failed".into());
        }
        self.records.push(SentRecord {
            topic: topic.to_string(),
            key: key.map(str::to_string),
            value: value.to_string(),
            acks,
        });
        Ok(())
    }
}

/// Flume's `EventDeliveryException`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventDeliveryError {
    /// `LoggerSink`: "Failed to log event: ..." (a channel error here).
    #[error("Failed to log event: {0}")]
    Log(String),
    /// `KafkaSink`: a send or channel failure.
    #[error("Failed to publish events: {0}")]
    Publish(String),
    /// The custom sink's own failure.
    #[error("{0}")]
    Custom(String),
    #[error(transparent)]
    Channel(#[from] ChannelError),
}

#[derive(Debug, Clone)]
enum SinkKind {
    Logger {
        max_bytes: usize,
    },
    Kafka {
        topic: String,
        acks: i16,
        batch_size: u64,
    },
    MySink {
        prefix: String,
        suffix: String,
        fail_every: u64,
        handled: u64,
    },
}

/// A configured sink and its runner state.
#[derive(Debug, Clone)]
pub(crate) struct SinkRuntime {
    pub(crate) name: String,
    pub(crate) type_name: String,
    pub(crate) channel: String,
    kind: SinkKind,
    pub(crate) counter: SinkCounter,
    pub(crate) output: Vec<String>,
    pub(crate) next_run_ms: u64,
    pub(crate) consecutive_backoffs: u64,
    /// Forced failures requested through the API (`Agent::fail_sink`).
    pub(crate) forced_failures: u64,
}

/// `SinkRunner`'s constants (not configurable in Flume).
pub const BACKOFF_SLEEP_INCREMENT_MS: u64 = 1000;
pub const MAX_BACKOFF_SLEEP_MS: u64 = 5000;

pub const KAFKA_SINK: &str = "org.apache.flume.sink.kafka.KafkaSink";
pub const MY_SINK: &str = "com.atguigu.sink.MySink";

fn parse_acks(v: &str) -> Option<i16> {
    match v.trim() {
        "all" => Some(-1),
        "-1" => Some(-1),
        "0" => Some(0),
        "1" => Some(1),
        _ => None,
    }
}

impl SinkRuntime {
    pub(crate) fn build(cfg: &SinkConfig, start_ms: u64) -> Result<Self, ConfigError> {
        let c = &cfg.context;
        let t = cfg.type_name.as_str();
        let kind = if t.eq_ignore_ascii_case("logger") || t == "org.apache.flume.sink.LoggerSink" {
            SinkKind::Logger {
                max_bytes: usize::try_from(c.get_at_least("maxBytesToLog", 16, 0)?)
                    .unwrap_or(usize::MAX),
            }
        } else if t == KAFKA_SINK {
            let acks_s = c.get_string("kafka.producer.acks", "1");
            let Some(acks) = parse_acks(&acks_s) else {
                return Err(ConfigError::new(
                    c.line_of("kafka.producer.acks"),
                    ConfigErrorKind::InvalidValue {
                        key: "acks".into(),
                        value: acks_s,
                        reason: "String must be one of: all, -1, 0, 1".into(),
                    },
                ));
            };
            SinkKind::Kafka {
                topic: c.get_string("kafka.topic", "default-flume-topic"),
                acks,
                batch_size: c.get_at_least("flumeBatchSize", 100, 1)?,
            }
        } else if t == MY_SINK {
            SinkKind::MySink {
                prefix: c.get_string("prefix", "hello:"),
                suffix: c.get_string("suffix", ""),
                fail_every: c.get_at_least("failEvery", 0, 0)?,
                handled: 0,
            }
        } else {
            return Err(ConfigError::new(
                c.line_of("type"),
                ConfigErrorKind::UnknownType {
                    kind: "sink",
                    type_name: t.to_string(),
                    supported: format!("logger, {KAFKA_SINK}, {MY_SINK}"),
                },
            ));
        };
        Ok(Self {
            name: cfg.name.clone(),
            type_name: cfg.type_name.clone(),
            channel: cfg.channel.clone(),
            kind,
            counter: SinkCounter {
                start_time: start_ms,
                ..SinkCounter::default()
            },
            output: Vec::new(),
            next_run_ms: start_ms,
            consecutive_backoffs: 0,
            forced_failures: 0,
        })
    }

    /// Only `KafkaSink` registers a counter MBean in Flume.
    pub(crate) fn in_monitoring_json(&self) -> bool {
        matches!(self.kind, SinkKind::Kafka { .. })
    }

    /// `BatchSizeSupported.getBatchSize()` (only `KafkaSink` among these).
    pub(crate) fn batch_size_supported(&self) -> Option<u64> {
        match self.kind {
            SinkKind::Kafka { batch_size, .. } => Some(batch_size),
            _ => None,
        }
    }

    pub(crate) fn is_kafka(&self) -> bool {
        self.in_monitoring_json()
    }

    /// One `SinkRunner` iteration at `trace.now_ms`; sets `next_run_ms`.
    pub(crate) fn run(
        &mut self,
        channel: &mut MemoryChannel,
        kafka: &mut dyn KafkaOutput,
        trace: &mut Trace,
    ) {
        let now = trace.now_ms;
        let result = self.process(channel, kafka, trace);
        self.next_run_ms = match result {
            Ok(Status::Ready) => {
                self.consecutive_backoffs = 0;
                now.saturating_add(1)
            }
            Ok(Status::Backoff) => {
                self.consecutive_backoffs += 1;
                let sleep = self
                    .consecutive_backoffs
                    .saturating_mul(BACKOFF_SLEEP_INCREMENT_MS)
                    .min(MAX_BACKOFF_SLEEP_MS);
                trace.log(&self.name, format!("BACKOFF, sleeping {sleep} ms"));
                now.saturating_add(sleep)
            }
            Err(e) => {
                trace.log(
                    &self.name,
                    format!("Unable to deliver event. Exception follows. {e}; sleeping {MAX_BACKOFF_SLEEP_MS} ms"),
                );
                now.saturating_add(MAX_BACKOFF_SLEEP_MS)
            }
        };
    }

    /// The sink's `process()`.
    pub(crate) fn process(
        &mut self,
        channel: &mut MemoryChannel,
        kafka: &mut dyn KafkaOutput,
        trace: &mut Trace,
    ) -> Result<Status, EventDeliveryError> {
        let name = self.name.clone();
        match &mut self.kind {
            SinkKind::Logger { max_bytes } => {
                let mut tx = channel.transaction(&name, trace);
                let mut taken = None;
                let r = (|| {
                    tx.begin()?;
                    taken = tx.take()?;
                    tx.commit()
                })();
                if let Err(e) = r {
                    let _ = tx.rollback();
                    let _ = tx.close();
                    return Err(EventDeliveryError::Log(e.to_string()));
                }
                tx.close()?;
                let c = &mut self.counter;
                match taken {
                    Some(e) => {
                        // LoggerSink has no SinkCounter; these are for the UI.
                        c.event_drain_attempt_count += 1;
                        c.event_drain_success_count += 1;
                        c.batch_complete_count += 1;
                        let line = format!("Event: {}", e.dump(*max_bytes));
                        trace.log(&name, line.clone());
                        self.output.push(line);
                        Ok(Status::Ready)
                    }
                    None => {
                        c.batch_empty_count += 1;
                        Ok(Status::Backoff)
                    }
                }
            }
            SinkKind::Kafka {
                topic,
                acks,
                batch_size,
            } => {
                let counter = &mut self.counter;
                let mut tx = channel.transaction(&name, trace);
                let mut status = Status::Ready;
                let mut processed = 0u64;
                let mut sent_log = Vec::new();
                let r: Result<(), EventDeliveryError> = (|| {
                    tx.begin()?;
                    while processed < *batch_size {
                        let Some(event) = tx.take()? else {
                            if processed == 0 {
                                status = Status::Backoff;
                                counter.batch_empty_count += 1;
                            } else {
                                counter.batch_underflow_count += 1;
                            }
                            break;
                        };
                        counter.event_drain_attempt_count += 1;
                        // allowTopicOverride defaults to true, header "topic".
                        let t = event.headers.get("topic").unwrap_or(topic);
                        let key = event.headers.get("key").map(String::as_str);
                        kafka
                            .send(t, key, &event.body, *acks)
                            .map_err(|e| EventDeliveryError::Publish(e.clone()))?;
                        sent_log.push(format!("sent to {t}: {}", event.body));
                        processed += 1;
                    }
                    if processed > 0 {
                        counter.event_drain_success_count += processed;
                    }
                    tx.commit()?;
                    Ok(())
                })();
                match r {
                    Ok(()) => {
                        tx.close()?;
                        for l in sent_log {
                            trace.log(&name, l);
                        }
                        Ok(status)
                    }
                    Err(e) => {
                        // Sends before the failure did reach Kafka.
                        for l in &sent_log {
                            tx.note(l);
                        }
                        match &e {
                            EventDeliveryError::Channel(_) => counter.channel_read_fail += 1,
                            _ => counter.event_write_fail += 1,
                        }
                        let _ = tx.rollback();
                        counter.rollback_count += 1;
                        let _ = tx.close();
                        trace.log(&name, format!("Failed to publish events: {e}"));
                        Err(e)
                    }
                }
            }
            SinkKind::MySink {
                prefix,
                suffix,
                fail_every,
                handled,
            } => {
                let forced = &mut self.forced_failures;
                let counter = &mut self.counter;
                // ① the channel this sink is bound to
                let ch = channel;
                // ② a transaction from the channel
                let mut txn = ch.transaction(&name, trace);
                // ③ declare the event (kept separate: it is the seed's step)
                #[allow(clippy::needless_late_init)]
                let event;
                // ④ begin
                txn.begin()?;
                // ⑤ take one event; null means the channel is empty
                event = txn.take()?;
                let status;
                let outcome: Result<Option<String>, String> = match &event {
                    None => Ok(None),
                    Some(e) => {
                        counter.event_drain_attempt_count += 1;
                        *handled += 1;
                        let fail = if *forced > 0 {
                            *forced -= 1;
                            true
                        } else {
                            *fail_every > 0 && *handled % *fail_every == 0
                        };
                        if fail {
                            Err(format!(
                                "MySink failed to write {} (failEvery/fail_sink)",
                                e.body
                            ))
                        } else {
                            Ok(Some(format!("{prefix}{}{suffix}", e.body)))
                        }
                    }
                };
                match outcome {
                    Ok(line) => {
                        if let Some(l) = &line {
                            txn.note(&format!("wrote {l}"));
                        }
                        // ⑥ commit
                        txn.commit()?;
                        match line {
                            Some(l) => {
                                counter.event_drain_success_count += 1;
                                counter.batch_complete_count += 1;
                                self.output.push(l);
                                status = Status::Ready;
                            }
                            None => {
                                counter.batch_empty_count += 1;
                                status = Status::Backoff;
                            }
                        }
                    }
                    Err(msg) => {
                        txn.note(&msg);
                        // ⑦ on an exception, roll back: the event returns to the channel
                        txn.rollback()?;
                        counter.rollback_count += 1;
                        status = Status::Backoff;
                    }
                }
                // ⑧ always close
                txn.close()?;
                Ok(status)
            }
        }
    }
}
