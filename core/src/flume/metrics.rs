//! Flume's monitoring counters (`SourceCounter`, `ChannelCounter`,
//! `SinkCounter`, `KafkaSinkCounter`) and the JSON of its HTTP monitoring
//! (`-Dflume.monitoring.type=http`): `{"CHANNEL.c1":{"ChannelSize":"0",...}}`,
//! every value a string, attribute names as the JMX MBean getters name them.

use crate::vec_map::VecMap;

/// `SourceCounter` (`SourceCounterMBean` attributes).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SourceCounter {
    pub event_received_count: u64,
    pub event_accepted_count: u64,
    pub append_received_count: u64,
    pub append_accepted_count: u64,
    pub append_batch_received_count: u64,
    pub append_batch_accepted_count: u64,
    pub open_connection_count: u64,
    pub event_read_fail: u64,
    pub channel_write_fail: u64,
    pub generic_processing_fail: u64,
    pub start_time: u64,
    pub stop_time: u64,
}

/// `ChannelCounter` (`ChannelCounterMBean` attributes).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ChannelCounter {
    /// Updated on commit and rollback, as Flume's is (not on each take).
    pub channel_size: u64,
    pub event_put_attempt_count: u64,
    pub event_take_attempt_count: u64,
    pub event_put_success_count: u64,
    pub event_take_success_count: u64,
    pub channel_capacity: u64,
    pub start_time: u64,
    pub stop_time: u64,
}

impl ChannelCounter {
    /// `getChannelFillPercentage()`, computed the way Flume computes it.
    pub fn channel_fill_percentage(&self) -> f64 {
        if self.channel_capacity == 0 {
            return f64::MAX;
        }
        (self.channel_size as f64 / self.channel_capacity as f64) * 100.0
    }
}

/// `SinkCounter`, plus `KafkaSinkCounter`'s two extra attributes.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SinkCounter {
    pub connection_created_count: u64,
    pub connection_closed_count: u64,
    pub connection_failed_count: u64,
    pub batch_empty_count: u64,
    pub batch_underflow_count: u64,
    pub batch_complete_count: u64,
    pub event_drain_attempt_count: u64,
    pub event_drain_success_count: u64,
    pub event_write_fail: u64,
    pub channel_read_fail: u64,
    /// `KafkaSinkCounter.getRollbackCount()`.
    pub rollback_count: u64,
    /// `KafkaSinkCounter.getKafkaEventSendTimer()`, ms; sends are instant here.
    pub kafka_event_send_timer: u64,
    pub start_time: u64,
    pub stop_time: u64,
}

/// Java's `Double.toString` for the values a fill percentage takes.
fn java_double(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e7 {
        format!("{v:.1}")
    } else if v == f64::MAX {
        "1.7976931348623157E308".to_string()
    } else {
        format!("{v}")
    }
}

type Attrs = VecMap<String, String>;

fn attrs(pairs: &[(&str, String)]) -> Attrs {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect()
}

pub(crate) fn source_attrs(c: &SourceCounter) -> Attrs {
    attrs(&[
        ("EventReceivedCount", c.event_received_count.to_string()),
        ("EventAcceptedCount", c.event_accepted_count.to_string()),
        ("AppendReceivedCount", c.append_received_count.to_string()),
        ("AppendAcceptedCount", c.append_accepted_count.to_string()),
        (
            "AppendBatchReceivedCount",
            c.append_batch_received_count.to_string(),
        ),
        (
            "AppendBatchAcceptedCount",
            c.append_batch_accepted_count.to_string(),
        ),
        ("OpenConnectionCount", c.open_connection_count.to_string()),
        ("EventReadFail", c.event_read_fail.to_string()),
        ("ChannelWriteFail", c.channel_write_fail.to_string()),
        (
            "GenericProcessingFail",
            c.generic_processing_fail.to_string(),
        ),
        ("StartTime", c.start_time.to_string()),
        ("StopTime", c.stop_time.to_string()),
        ("Type", "SOURCE".to_string()),
    ])
}

pub(crate) fn channel_attrs(c: &ChannelCounter) -> Attrs {
    attrs(&[
        ("ChannelSize", c.channel_size.to_string()),
        (
            "EventPutAttemptCount",
            c.event_put_attempt_count.to_string(),
        ),
        (
            "EventTakeAttemptCount",
            c.event_take_attempt_count.to_string(),
        ),
        (
            "EventPutSuccessCount",
            c.event_put_success_count.to_string(),
        ),
        (
            "EventTakeSuccessCount",
            c.event_take_success_count.to_string(),
        ),
        ("ChannelCapacity", c.channel_capacity.to_string()),
        (
            "ChannelFillPercentage",
            java_double(c.channel_fill_percentage()),
        ),
        ("StartTime", c.start_time.to_string()),
        ("StopTime", c.stop_time.to_string()),
        ("Type", "CHANNEL".to_string()),
    ])
}

/// `KafkaSinkCounterMBean`: note it lists no `EventWriteFail` or
/// `ChannelReadFail` (the MBean interface predates them), so JMX shows none.
pub(crate) fn kafka_sink_attrs(c: &SinkCounter) -> Attrs {
    attrs(&[
        ("KafkaEventSendTimer", c.kafka_event_send_timer.to_string()),
        ("RollbackCount", c.rollback_count.to_string()),
        (
            "ConnectionCreatedCount",
            c.connection_created_count.to_string(),
        ),
        (
            "ConnectionClosedCount",
            c.connection_closed_count.to_string(),
        ),
        (
            "ConnectionFailedCount",
            c.connection_failed_count.to_string(),
        ),
        ("BatchEmptyCount", c.batch_empty_count.to_string()),
        ("BatchUnderflowCount", c.batch_underflow_count.to_string()),
        ("BatchCompleteCount", c.batch_complete_count.to_string()),
        (
            "EventDrainAttemptCount",
            c.event_drain_attempt_count.to_string(),
        ),
        (
            "EventDrainSuccessCount",
            c.event_drain_success_count.to_string(),
        ),
        ("StartTime", c.start_time.to_string()),
        ("StopTime", c.stop_time.to_string()),
        ("Type", "SINK".to_string()),
    ])
}

/// What the UI charts read: every component's counters, typed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AgentSnapshot {
    pub agent: String,
    pub now_ms: u64,
    pub sources: Vec<SourceSnapshot>,
    pub channels: Vec<ChannelSnapshot>,
    pub sinks: Vec<SinkSnapshot>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SourceSnapshot {
    pub name: String,
    pub type_name: String,
    pub counters: SourceCounter,
    /// Whether real Flume registers this counter as an MBean, so whether it
    /// appears in the monitoring JSON (`NetcatSource` registers none).
    pub in_monitoring_json: bool,
    /// No more events will come (a `seq` that reached `totalEvents`, an
    /// `exec` command that exited, a `netcat` with nothing left to read).
    pub exhausted: bool,
    /// Lines or events waiting to be put (netcat lines, an exec batch).
    pub pending: u64,
    pub next_run_ms: u64,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ChannelSnapshot {
    pub name: String,
    pub counters: ChannelCounter,
    pub fill_percentage: f64,
    /// Stored events, head first (at most the first 100 bodies).
    pub head: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SinkSnapshot {
    pub name: String,
    pub type_name: String,
    pub channel: String,
    /// Kept for every sink so the UI can chart it; only `KafkaSink`
    /// registers an MBean in Flume (`LoggerSink` and custom sinks do not).
    pub counters: SinkCounter,
    pub in_monitoring_json: bool,
    /// `runner.backoffs.consecutive` of the `SinkRunner`.
    pub consecutive_backoffs: u64,
    pub next_run_ms: u64,
    /// Lines a logger or custom sink has written so far.
    pub output_lines: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_percentage_prints_like_java() {
        let mut c = ChannelCounter {
            channel_capacity: 100,
            ..Default::default()
        };
        assert_eq!(channel_attrs(&c)["ChannelFillPercentage"], "0.0");
        c.channel_size = 50;
        assert_eq!(channel_attrs(&c)["ChannelFillPercentage"], "50.0");
        c.channel_capacity = 3;
        c.channel_size = 1;
        assert_eq!(
            channel_attrs(&c)["ChannelFillPercentage"],
            "33.33333333333333"
        );
    }

    #[test]
    fn attribute_sets_match_the_mbeans() {
        let s = source_attrs(&SourceCounter::default());
        assert_eq!(s.len(), 13);
        assert_eq!(s["Type"], "SOURCE");
        let c = channel_attrs(&ChannelCounter::default());
        assert_eq!(c.len(), 10);
        let k = kafka_sink_attrs(&SinkCounter::default());
        assert_eq!(k.len(), 13);
        assert!(!k.contains_key("EventWriteFail"));
        assert!(k.contains_key("RollbackCount"));
    }
}
