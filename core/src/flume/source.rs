//! Sources and their `ChannelProcessor` (interceptor chain, channel selector,
//! one put transaction per channel).
//!
//! * `seq` (`SequenceGeneratorSource`): bodies "0", "1", ... up to
//!   `totalEvents`, `batchSize` per `process()` (default 1), exactly as
//!   Flume's `doProcess` (a failed put retries the same events next call).
//! * `netcat` (`NetcatSource`): lines given to [`super::Agent::feed_lines`];
//!   each line is its own `processEvent` and gets "OK" or "FAILED: ...".
//!   Flume would drop a FAILED line; here it stays queued and is retried
//!   after 1000 ms, as a client would resend. Netcat registers no counter
//!   MBean in Flume, so it is absent from the monitoring JSON.
//! * `exec` (`ExecSource`): `command` is never run. `seq [FIRST] LAST`
//!   prints those numbers and exits, as the real command would; any other
//!   command (`tail -F app.log`) is an endless stream "line 0", "line 1", ...
//!   at `linesPerSecond` (streamlab's key, default 10), stopping after
//!   `totalLines` if set. Batches of `batchSize` (20) or after
//!   `batchTimeout` (3000 ms), like Flume; a failed batch is retried.

use crate::vec_map::VecMap;
use std::collections::VecDeque;

use super::channel::{ChannelError, MemoryChannel, Trace};
use super::config::{ConfigError, ConfigErrorKind, SelectorConfig, SourceConfig};
use super::event::FlumeEvent;
use super::interceptor::{InterceptContext, Interceptor, InterceptorRegistry};
use super::metrics::SourceCounter;

/// `PollableSource.Status` (also the sink's `Sink.Status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Status {
    /// Did work (a sink took at least one event).
    Ready,
    /// Nothing to do: the runner sleeps a growing back-off.
    Backoff,
}

/// Channel selection for one event.
#[derive(Debug, Clone)]
pub(crate) struct Selector {
    config: SelectorConfig,
    all: Vec<String>,
}

impl Selector {
    fn required(&self, e: &FlumeEvent) -> Vec<String> {
        match &self.config {
            SelectorConfig::Replicating { optional } => self
                .all
                .iter()
                .filter(|c| !optional.contains(c))
                .cloned()
                .collect(),
            SelectorConfig::Multiplexing {
                header,
                mapping,
                default,
                ..
            } => match e.headers.get(header) {
                Some(v) if !v.trim().is_empty() => mapping.get(v).unwrap_or(default).clone(),
                _ => default.clone(),
            },
        }
    }

    fn optional(&self, e: &FlumeEvent) -> Vec<String> {
        match &self.config {
            SelectorConfig::Replicating { optional } => optional.clone(),
            SelectorConfig::Multiplexing {
                header, optional, ..
            } => e
                .headers
                .get(header)
                .and_then(|v| optional.get(v))
                .cloned()
                .unwrap_or_default(),
        }
    }
}

/// Interceptors + selector: Flume's `ChannelProcessor`.
#[derive(Debug, Clone)]
pub(crate) struct ChannelProcessor {
    interceptors: Vec<Box<dyn Interceptor>>,
    selector: Selector,
}

/// Adds `e` to the list kept for `ch`, keeping first-seen channel order
/// (Flume's `LinkedHashMap`).
fn enqueue(queues: &mut Vec<(String, Vec<FlumeEvent>)>, ch: &str, e: &FlumeEvent) {
    match queues.iter_mut().find(|(c, _)| c == ch) {
        Some((_, q)) => q.push(e.clone()),
        None => queues.push((ch.to_string(), vec![e.clone()])),
    }
}

impl ChannelProcessor {
    /// `processEventBatch`: intercept, select, then one transaction per
    /// required channel (a failure stops and is returned — channels already
    /// committed keep their copy) and per optional channel (failures ignored).
    pub(crate) fn process_batch(
        &mut self,
        source: &str,
        events: Vec<FlumeEvent>,
        ictx: &InterceptContext<'_>,
        channels: &mut VecMap<String, MemoryChannel>,
        trace: &mut Trace,
    ) -> Result<(), ChannelError> {
        let mut events = events;
        for i in &mut self.interceptors {
            events = i.intercept_batch(events, ictx);
        }
        let mut req: Vec<(String, Vec<FlumeEvent>)> = Vec::new();
        let mut opt: Vec<(String, Vec<FlumeEvent>)> = Vec::new();
        for e in &events {
            for c in self.selector.required(e) {
                enqueue(&mut req, &c, e);
            }
            for c in self.selector.optional(e) {
                enqueue(&mut opt, &c, e);
            }
        }
        for (name, batch) in req {
            if let Some(ch) = channels.get_mut(&name) {
                put_all(ch, source, batch, trace)?;
            }
        }
        for (name, batch) in opt {
            if let Some(ch) = channels.get_mut(&name) {
                if let Err(e) = put_all(ch, source, batch, trace) {
                    trace.log(
                        source,
                        format!("Unable to put batch on optional channel: {name}: {e}"),
                    );
                }
            }
        }
        Ok(())
    }
}

/// begin, put each, commit; rollback on any failure; close.
fn put_all(
    ch: &mut MemoryChannel,
    source: &str,
    batch: Vec<FlumeEvent>,
    trace: &mut Trace,
) -> Result<(), ChannelError> {
    let mut tx = ch.transaction(source, trace);
    let result = (|| {
        tx.begin()?;
        for e in batch {
            tx.put(e)?;
        }
        tx.commit()
    })();
    if let Err(e) = result {
        let _ = tx.rollback();
        let _ = tx.close();
        return Err(e);
    }
    tx.close()
}

#[derive(Debug, Clone)]
enum Kind {
    Seq {
        total: u64,
        sent: u64,
    },
    Netcat {
        lines: VecDeque<String>,
    },
    Exec {
        command: String,
        /// `Some(lines)` for a finite command such as `seq 1 10`.
        finite: Option<VecDeque<String>>,
        /// Milliseconds between generated lines (endless stream).
        interval_ms: u64,
        total_lines: Option<u64>,
        generated: u64,
        started_ms: u64,
        batch: Vec<FlumeEvent>,
        batch_timeout_ms: u64,
        last_push_ms: u64,
    },
}

/// A configured source and its runner state.
#[derive(Debug, Clone)]
pub(crate) struct SourceRuntime {
    pub(crate) name: String,
    pub(crate) type_name: String,
    kind: Kind,
    batch_size: u64,
    processor: ChannelProcessor,
    pub(crate) counter: SourceCounter,
    pub(crate) next_run_ms: u64,
    consecutive_backoffs: u64,
    backoff_increment_ms: u64,
    max_backoff_ms: u64,
    /// Netcat's "OK" / "FAILED: ..." answers, in order.
    pub(crate) replies: Vec<String>,
}

const SEQ_ALIASES: [&str; 2] = ["seq", "org.apache.flume.source.SequenceGeneratorSource"];
const NETCAT_ALIASES: [&str; 2] = ["netcat", "org.apache.flume.source.NetcatSource"];
const EXEC_ALIASES: [&str; 2] = ["exec", "org.apache.flume.source.ExecSource"];
/// A FAILED netcat line is resent after this long.
const NETCAT_RETRY_MS: u64 = 1000;

fn is(t: &str, aliases: &[&str; 2]) -> bool {
    t.eq_ignore_ascii_case(aliases[0]) || t == aliases[1]
}

/// `seq LAST` / `seq FIRST LAST` / `seq FIRST STEP LAST` like coreutils.
fn seq_command(command: &str) -> Option<VecDeque<String>> {
    let mut parts = command.split_whitespace();
    if parts.next() != Some("seq") {
        return None;
    }
    let nums: Vec<i64> = parts.map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let (first, step, last) = match nums.as_slice() {
        [l] => (1, 1, *l),
        [f, l] => (*f, 1, *l),
        [f, s, l] if *s != 0 => (*f, *s, *l),
        _ => return None,
    };
    let mut out = VecDeque::new();
    let mut v = first;
    // Cap the generated list so a typo cannot exhaust memory.
    while ((step > 0 && v <= last) || (step < 0 && v >= last)) && out.len() < 1_000_000 {
        out.push_back(v.to_string());
        v = v.saturating_add(step);
    }
    Some(out)
}

impl SourceRuntime {
    pub(crate) fn build(
        cfg: &SourceConfig,
        registry: &InterceptorRegistry,
        start_ms: u64,
    ) -> Result<Self, ConfigError> {
        let c = &cfg.context;
        let t = cfg.type_name.as_str();
        let (kind, batch_size) = if is(t, &SEQ_ALIASES) {
            let total = c.get_at_least("totalEvents", i64::MAX, 0)?;
            let batch = c.get_at_least("batchSize", 1, 1)?;
            (Kind::Seq { total, sent: 0 }, batch)
        } else if is(t, &NETCAT_ALIASES) {
            (
                Kind::Netcat {
                    lines: VecDeque::new(),
                },
                1,
            )
        } else if is(t, &EXEC_ALIASES) {
            let command = c.get_string("command", "");
            if command.is_empty() {
                return Err(ConfigError::new(
                    c.line,
                    ConfigErrorKind::InvalidValue {
                        key: format!("{}command", c.prefix),
                        value: String::new(),
                        reason: "The parameter command must be specified".into(),
                    },
                ));
            }
            let rate = c.get_at_least("linesPerSecond", 10, 1)?;
            let total_lines = match c.get("totalLines") {
                Some(_) => Some(c.get_at_least("totalLines", 0, 0)?),
                None => None,
            };
            let batch = c.get_at_least("batchSize", 20, 1)?;
            let batch_timeout_ms = c.get_at_least("batchTimeout", 3000, 1)?;
            (
                Kind::Exec {
                    finite: seq_command(&command),
                    command,
                    interval_ms: (1000 / rate).max(1),
                    total_lines,
                    generated: 0,
                    started_ms: start_ms,
                    batch: Vec::new(),
                    batch_timeout_ms,
                    last_push_ms: start_ms,
                },
                batch,
            )
        } else {
            return Err(ConfigError::new(
                c.line_of("type"),
                ConfigErrorKind::UnknownType {
                    kind: "source",
                    type_name: t.to_string(),
                    supported: "seq, netcat, exec".into(),
                },
            ));
        };
        let mut interceptors = Vec::new();
        for ic in &cfg.interceptors {
            interceptors.push(registry.build(&ic.type_name, &ic.context)?);
        }
        let counter = SourceCounter {
            start_time: start_ms,
            ..SourceCounter::default()
        };
        Ok(Self {
            name: cfg.name.clone(),
            type_name: cfg.type_name.clone(),
            kind,
            batch_size,
            processor: ChannelProcessor {
                interceptors,
                selector: Selector {
                    config: cfg.selector.clone(),
                    all: cfg.channels.clone(),
                },
            },
            counter,
            next_run_ms: start_ms,
            consecutive_backoffs: 0,
            backoff_increment_ms: c.get_at_least("backoffSleepIncrement", 1000, 0)?,
            max_backoff_ms: c.get_at_least("maxBackoffSleep", 5000, 0)?,
            replies: Vec::new(),
        })
    }

    /// Whether real Flume registers a `SourceCounter` MBean for this type.
    pub(crate) fn in_monitoring_json(&self) -> bool {
        !matches!(self.kind, Kind::Netcat { .. })
    }

    /// `BatchSizeSupported.getBatchSize()` (seq and exec) and its config line.
    pub(crate) fn batch_size_supported(&self) -> Option<u64> {
        match self.kind {
            Kind::Netcat { .. } => None,
            _ => Some(self.batch_size),
        }
    }

    pub(crate) fn is_netcat(&self) -> bool {
        matches!(self.kind, Kind::Netcat { .. })
    }

    pub(crate) fn feed(&mut self, lines: &[String], now_ms: u64) {
        if let Kind::Netcat { lines: q } = &mut self.kind {
            q.extend(lines.iter().cloned());
            self.next_run_ms = self.next_run_ms.min(now_ms);
        }
    }

    /// Nothing more will come from this source.
    pub(crate) fn exhausted(&self) -> bool {
        match &self.kind {
            Kind::Seq { total, sent } => sent >= total,
            Kind::Netcat { lines } => lines.is_empty(),
            Kind::Exec {
                finite,
                total_lines,
                generated,
                batch,
                ..
            } => {
                let done = match finite {
                    Some(q) => q.is_empty(),
                    None => total_lines.is_some_and(|t| *generated >= t),
                };
                done && batch.is_empty()
            }
        }
    }

    pub(crate) fn pending(&self) -> u64 {
        match &self.kind {
            Kind::Seq { .. } => 0,
            Kind::Netcat { lines } => lines.len() as u64,
            Kind::Exec { batch, .. } => batch.len() as u64,
        }
    }

    /// One runner iteration at `trace.now_ms`; sets `next_run_ms`.
    pub(crate) fn run(
        &mut self,
        host: &str,
        channels: &mut VecMap<String, MemoryChannel>,
        trace: &mut Trace,
    ) {
        let now = trace.now_ms;
        let ictx = InterceptContext { now_ms: now, host };
        let name = self.name.clone();
        match &mut self.kind {
            Kind::Seq { total, sent } => {
                let status = seq_process(
                    &name,
                    total,
                    sent,
                    self.batch_size,
                    &mut self.processor,
                    &mut self.counter,
                    &ictx,
                    channels,
                    trace,
                );
                // PollableSourceRunner: back off min(n × increment, max).
                self.next_run_ms = match status {
                    Status::Ready => {
                        self.consecutive_backoffs = 0;
                        now.saturating_add(1)
                    }
                    Status::Backoff => {
                        self.consecutive_backoffs += 1;
                        let sleep = self
                            .consecutive_backoffs
                            .saturating_mul(self.backoff_increment_ms)
                            .min(self.max_backoff_ms);
                        now.saturating_add(sleep.max(1))
                    }
                };
            }
            Kind::Netcat { lines } => {
                let mut retry = false;
                while let Some(line) = lines.front().cloned() {
                    let r = self.processor.process_batch(
                        &name,
                        vec![FlumeEvent::with_body(line)],
                        &ictx,
                        channels,
                        trace,
                    );
                    match r {
                        Ok(()) => {
                            lines.pop_front();
                            self.replies.push("OK".into());
                            trace.log(&name, "OK");
                        }
                        Err(e) => {
                            self.replies.push(format!("FAILED: {e}"));
                            trace.log(&name, format!("FAILED: {e}"));
                            retry = true;
                            break;
                        }
                    }
                }
                self.next_run_ms = if retry {
                    now.saturating_add(NETCAT_RETRY_MS)
                } else {
                    u64::MAX
                };
            }
            Kind::Exec {
                command,
                finite,
                interval_ms,
                total_lines,
                generated,
                started_ms,
                batch,
                batch_timeout_ms,
                last_push_ms,
            } => {
                // Read the lines printed by now, up to one batch (a batch
                // that failed to commit is retried before reading more).
                loop {
                    if batch.len() as u64 >= self.batch_size {
                        break;
                    }
                    let line = match finite {
                        Some(q) => match q.pop_front() {
                            Some(l) => l,
                            None => break,
                        },
                        None => {
                            let due =
                                started_ms.saturating_add(generated.saturating_mul(*interval_ms));
                            if due > now || total_lines.is_some_and(|t| *generated >= t) {
                                break;
                            }
                            format!("line {generated}")
                        }
                    };
                    *generated += 1;
                    self.counter.event_received_count += 1;
                    batch.push(FlumeEvent::with_body(line));
                }
                let command_done = match finite {
                    Some(q) => q.is_empty(),
                    None => total_lines.is_some_and(|t| *generated >= t),
                };
                let timed_out = now.saturating_sub(*last_push_ms) >= *batch_timeout_ms;
                let mut failed = false;
                if !batch.is_empty()
                    && (batch.len() as u64 >= self.batch_size || timed_out || command_done)
                {
                    let events = batch.clone();
                    let n = events.len() as u64;
                    match self
                        .processor
                        .process_batch(&name, events, &ictx, channels, trace)
                    {
                        Ok(()) => {
                            self.counter.event_accepted_count += n;
                            batch.clear();
                            *last_push_ms = now;
                            trace.log(&name, format!("[{command}] flushed {n} lines"));
                        }
                        Err(e) => {
                            failed = true;
                            self.counter.channel_write_fail += 1;
                            trace.log(
                                &name,
                                format!("Failed while running command: {command}: {e}"),
                            );
                        }
                    }
                }
                // A full batch waits for its retry instead of reading on.
                let batch_full = batch.len() as u64 >= self.batch_size;
                let next_line = if command_done || batch_full {
                    u64::MAX
                } else if finite.is_some() {
                    now.saturating_add(1)
                } else {
                    (started_ms.saturating_add(generated.saturating_mul(*interval_ms)))
                        .max(now.saturating_add(1))
                };
                let flush_at = if batch.is_empty() {
                    u64::MAX
                } else if failed {
                    now.saturating_add(self.backoff_increment_ms.max(1))
                } else {
                    last_push_ms
                        .saturating_add(*batch_timeout_ms)
                        .max(now.saturating_add(1))
                };
                self.next_run_ms = next_line.min(flush_at);
            }
        }
    }
}

/// `SequenceGeneratorSource.doProcess`.
#[allow(clippy::too_many_arguments)]
fn seq_process(
    name: &str,
    total: &u64,
    sent: &mut u64,
    batch_size: u64,
    processor: &mut ChannelProcessor,
    counter: &mut SourceCounter,
    ictx: &InterceptContext<'_>,
    channels: &mut VecMap<String, MemoryChannel>,
    trace: &mut Trace,
) -> Status {
    let mut status = Status::Ready;
    let mut next = *sent;
    let mut batch = Vec::new();
    for _ in 0..batch_size {
        if next < *total {
            batch.push(FlumeEvent::with_body(next.to_string()));
            next += 1;
        } else {
            status = Status::Backoff;
            break;
        }
    }
    if batch.is_empty() {
        return status;
    }
    let n = batch.len() as u64;
    match processor.process_batch(name, batch, ictx, channels, trace) {
        Ok(()) => {
            // batchSize 1 goes through processEvent: no batch counter.
            if batch_size > 1 {
                counter.append_batch_accepted_count += 1;
            }
            counter.event_accepted_count += n;
            *sent = next;
        }
        Err(e) => {
            counter.channel_write_fail += 1;
            trace.log(
                name,
                format!("{name} source could not write to channel. {e}"),
            );
        }
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seq_command_like_coreutils() {
        let v: Vec<String> = seq_command("seq 3").expect("seq").into();
        assert_eq!(v, vec!["1", "2", "3"]);
        let v: Vec<String> = seq_command("seq 5 2 9").expect("seq").into();
        assert_eq!(v, vec!["5", "7", "9"]);
        assert!(seq_command("tail -F /var/log/app.log").is_none());
        assert!(seq_command("seq x").is_none());
    }
}
