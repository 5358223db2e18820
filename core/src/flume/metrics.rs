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
    let sign = if v.is_sign_negative() { "-" } else { "" };
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e7 {
        // `{v:.1}`: exact for integers this small.
        format!("{sign}{}.0", v.abs() as u64)
    } else if v == f64::MAX {
        "1.7976931348623157E308".to_string()
    } else {
        plain_decimal(v)
    }
}

/// What `format!("{v}")` prints (shortest round-trip digits, never an
/// exponent), from the digits serde_json's float printer finds. Rust's own
/// float `Display` is ~10 KB of wasm used only here (SPEC §6 budget).
fn plain_decimal(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    let sign = if v.is_sign_negative() { "-" } else { "" };
    if v.is_infinite() {
        return format!("{sign}inf");
    }
    // serde_json prints finite floats as `-?D+(.D+)?(e[+-]?D+)?`.
    let json = serde_json::to_string(&v.abs()).unwrap_or_default();
    let (mantissa, exp) = match json.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.trim_start_matches('+').parse::<i64>().unwrap_or(0)),
        None => (json.as_str(), 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = format!("{int}{frac}");
    let lead = all.len() - all.trim_start_matches('0').len();
    let mut digits = all.trim_matches('0').to_string();
    if digits.is_empty() {
        return format!("{sign}0");
    }
    // Where the decimal point falls, counted from the first significant digit.
    let point = int.len() as i64 + exp - lead as i64;
    round_tie_up(v.abs(), &mut digits, point);
    let len = digits.len() as i64;
    let digits = digits.as_str();
    if point <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat((-point) as usize))
    } else if point >= len {
        format!("{sign}{digits}{}", "0".repeat((point - len) as usize))
    } else {
        let (a, b) = digits.split_at(point as usize);
        format!("{sign}{a}.{b}")
    }
}

type Attrs = VecMap<String, String>;

/// One component's attributes: its counters, an optional non-counter
/// value, and its `Type`. One loop for every counter keeps the number
/// formatting in one place (the wasm bundle is size-budgeted, SPEC §6).
fn attrs(counters: &[(&str, u64)], extra: Option<(&str, String)>, kind: &str) -> Attrs {
    let mut m = Attrs::new();
    for &(k, v) in counters {
        m.insert(k.to_string(), v.to_string());
    }
    if let Some((k, v)) = extra {
        m.insert(k.to_string(), v);
    }
    m.insert("Type".to_string(), kind.to_string());
    m
}

pub(crate) fn source_attrs(c: &SourceCounter) -> Attrs {
    attrs(
        &[
            ("EventReceivedCount", c.event_received_count),
            ("EventAcceptedCount", c.event_accepted_count),
            ("AppendReceivedCount", c.append_received_count),
            ("AppendAcceptedCount", c.append_accepted_count),
            ("AppendBatchReceivedCount", c.append_batch_received_count),
            ("AppendBatchAcceptedCount", c.append_batch_accepted_count),
            ("OpenConnectionCount", c.open_connection_count),
            ("EventReadFail", c.event_read_fail),
            ("ChannelWriteFail", c.channel_write_fail),
            ("GenericProcessingFail", c.generic_processing_fail),
            ("StartTime", c.start_time),
            ("StopTime", c.stop_time),
        ],
        None,
        "SOURCE",
    )
}

pub(crate) fn channel_attrs(c: &ChannelCounter) -> Attrs {
    attrs(
        &[
            ("ChannelSize", c.channel_size),
            ("EventPutAttemptCount", c.event_put_attempt_count),
            ("EventTakeAttemptCount", c.event_take_attempt_count),
            ("EventPutSuccessCount", c.event_put_success_count),
            ("EventTakeSuccessCount", c.event_take_success_count),
            ("ChannelCapacity", c.channel_capacity),
            ("StartTime", c.start_time),
            ("StopTime", c.stop_time),
        ],
        Some((
            "ChannelFillPercentage",
            java_double(c.channel_fill_percentage()),
        )),
        "CHANNEL",
    )
}

/// `KafkaSinkCounterMBean`: note it lists no `EventWriteFail` or
/// `ChannelReadFail` (the MBean interface predates them), so JMX shows none.
pub(crate) fn kafka_sink_attrs(c: &SinkCounter) -> Attrs {
    attrs(
        &[
            ("KafkaEventSendTimer", c.kafka_event_send_timer),
            ("RollbackCount", c.rollback_count),
            ("ConnectionCreatedCount", c.connection_created_count),
            ("ConnectionClosedCount", c.connection_closed_count),
            ("ConnectionFailedCount", c.connection_failed_count),
            ("BatchEmptyCount", c.batch_empty_count),
            ("BatchUnderflowCount", c.batch_underflow_count),
            ("BatchCompleteCount", c.batch_complete_count),
            ("EventDrainAttemptCount", c.event_drain_attempt_count),
            ("EventDrainSuccessCount", c.event_drain_success_count),
            ("StartTime", c.start_time),
            ("StopTime", c.stop_time),
        ],
        None,
        "SINK",
    )
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

/// When two shortest digit strings are equally close to `v`, serde_json
/// picks the even one and Rust's `Display` the larger; this makes `digits`
/// the larger. A tie needs `v` to be exactly halfway, so `v = n / 2^k` for a
/// small `k` (|v| far above any fill percentage, in practice).
fn round_tie_up(v: f64, digits: &mut String, point: i64) {
    let frac = digits.len() as i64 - point;
    if !(1..=17).contains(&frac) {
        return;
    }
    let Some(k) = (0..=20).find(|&k| (v * 2f64.powi(k)).fract() == 0.0) else {
        return;
    };
    let scaled = v * 2f64.powi(k);
    // At most 17 digits: a u64 (no 128-bit parsing or printing in the bundle).
    let Ok(low) = digits.parse::<u64>() else {
        return;
    };
    if scaled >= 2f64.powi(62) {
        return;
    }
    // v = n / 2^k and the candidates are c / 10^frac: `low` and `low + 1`
    // are equally close when 10^frac n is their midpoint, i.e.
    // 2 * 10^frac * n == 2^k * (2 low + 1). Both sides stay below 2^121.
    let n = scaled as u128;
    let (two, ten) = (1u128 << k, 10u128.pow(frac as u32));
    if 2 * ten * n == two * (2 * u128::from(low) + 1) {
        *digits = (low + 1).to_string();
    }
}

#[cfg(test)]
mod tests {
    /// `plain_decimal` prints what Rust's float `Display` prints.
    #[test]
    fn plain_decimal_matches_display() {
        let mut rng = crate::rng::SimRng::new(7);
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            0.1,
            1.5,
            100.0,
            33.333333333333336,
            1e-7,
            1.5e-7,
            2.5e-300,
            5e-324,
            1e15,
            1e16,
            1.2345e22,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -12.75,
        ];
        for _ in 0..20_000 {
            values.push(f64::from_bits(rng.next_u64()));
            // Few fractional bits: where two shortest strings can tie.
            let big = (rng.next_u64() >> 11) as f64 / f64::from(1u32 << rng.below(8));
            values.push(big);
        }
        for size in 0..200u64 {
            for capacity in [1u64, 3, 7, 9, 10, 11, 97, 100, 1000, 12345, 1_000_000_007] {
                values.push(size as f64 / capacity as f64 * 100.0);
            }
        }
        for v in values {
            assert_eq!(plain_decimal(v), format!("{v}"), "{:e}", v);
        }
        for v in [0.0, -0.0, 5.0, 100.0, -3.0, 9_999_999.0] {
            assert_eq!(java_double(v), format!("{v:.1}"));
        }
    }

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
