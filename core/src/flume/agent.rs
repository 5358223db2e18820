//! The agent: its components, the runners' schedule, the step log and the
//! monitoring output.
//!
//! Methods come in the house's four kinds: getters (`&self`: `snapshot`,
//! `metrics_json`, `next_wakeup`, ...), input (`advance(now, kafka)`,
//! `feed_lines`), commands (`fail_sink`, `stop`, `set_host`) and output
//! (`drain_log`). After any input, drain the log before the next one if you
//! want every step; nothing is lost if you don't, it only accumulates.

use crate::vec_map::VecMap;

use super::channel::{MemoryChannel, Trace};
use super::config::{parse_agent_config, AgentConfig, ConfigError, ConfigErrorKind};
use super::interceptor::InterceptorRegistry;
use super::metrics::{self, AgentSnapshot, ChannelSnapshot, SinkSnapshot, SourceSnapshot};
use super::sink::{KafkaOutput, SinkRuntime};
use super::source::SourceRuntime;

/// One step a component took, for the UI's event log (maps onto
/// `EventKind::Flume { agent, component, what }`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FlumeLogEntry {
    pub at_ms: u64,
    /// The source, channel or sink that acted.
    pub component: String,
    pub what: String,
}

impl FlumeLogEntry {
    /// The entry as the simulation's typed event (`EventKind::Flume`).
    pub fn to_event(&self, agent: &str) -> crate::event::Event {
        crate::event::Event {
            time: crate::time::SimTime(self.at_ms),
            kind: crate::event::EventKind::Flume {
                agent: agent.to_string(),
                component: self.component.clone(),
                what: self.what.clone(),
            },
        }
    }
}

/// A command the agent cannot carry out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlumeError {
    #[error("Agent {agent} has no source named {name}")]
    UnknownSource { agent: String, name: String },
    #[error("Agent {agent} has no sink named {name}")]
    UnknownSink { agent: String, name: String },
    #[error("Source {0} is not a netcat source; only netcat reads lines")]
    NotNetcat(String),
    #[error("Sink {0} is not {custom}; only the custom sink can be told to fail", custom = super::sink::MY_SINK)]
    NotCustomSink(String),
}

/// A running Flume agent (`flume-ng agent --name NAME`).
#[derive(Debug, Clone)]
pub struct Agent {
    name: String,
    host: String,
    now_ms: u64,
    config: AgentConfig,
    sources: Vec<SourceRuntime>,
    /// Channels by name; `channel_order` keeps declaration order.
    channels: VecMap<String, MemoryChannel>,
    channel_order: Vec<String>,
    sinks: Vec<SinkRuntime>,
    trace: Trace,
    stopped: bool,
    step_budget: u64,
}

/// Runner iterations one `advance` call runs at most.
pub const MAX_STEPS_PER_ADVANCE: u64 = 2_000_000;

/// The host name the `host` interceptor writes unless `set_host` is called.
pub const DEFAULT_HOST: &str = "localhost";

impl Agent {
    /// Parses `text` for agent `name` and starts it at time 0 with the
    /// built-in interceptors.
    pub fn from_properties(text: &str, name: &str) -> Result<Agent, ConfigError> {
        let cfg = parse_agent_config(text, name)?;
        Agent::build(&cfg, &InterceptorRegistry::with_builtins(), 0)
    }

    /// Starts an agent from a parsed config at `start_ms`, resolving
    /// interceptor types through `registry`.
    pub fn build(
        cfg: &AgentConfig,
        registry: &InterceptorRegistry,
        start_ms: u64,
    ) -> Result<Agent, ConfigError> {
        let mut channels = VecMap::new();
        let mut channel_order = Vec::new();
        for c in &cfg.channels {
            let t = c.type_name.as_str();
            if !(t.eq_ignore_ascii_case("memory") || t == "org.apache.flume.channel.MemoryChannel")
            {
                return Err(ConfigError::new(
                    c.context.line_of("type"),
                    ConfigErrorKind::UnknownType {
                        kind: "channel",
                        type_name: t.to_string(),
                        supported: "memory".into(),
                    },
                ));
            }
            let capacity = c.context.get_at_least("capacity", 100, 1)?;
            let tx_capacity = c.context.get_at_least("transactionCapacity", 100, 1)?;
            if tx_capacity > capacity {
                return Err(ConfigError::new(
                    c.context.line_of("transactionCapacity"),
                    ConfigErrorKind::TransactionCapacityTooHigh,
                ));
            }
            channels.insert(
                c.name.clone(),
                MemoryChannel::new(&c.name, capacity, tx_capacity, start_ms),
            );
            channel_order.push(c.name.clone());
        }
        let mut sources = Vec::new();
        for s in &cfg.sources {
            sources.push(SourceRuntime::build(s, registry, start_ms)?);
        }
        let tx_cap = |c: &str| channels.get(c).map(MemoryChannel::transaction_capacity);
        // Flume refuses a batch that can never fit in one transaction.
        for (s, sc) in sources.iter().zip(&cfg.sources) {
            let Some(batch) = s.batch_size_supported() else {
                continue;
            };
            for c in &sc.channels {
                match tx_cap(c) {
                    Some(cap) if cap < batch => {
                        return Err(ConfigError::new(
                            sc.context.line_of("batchSize"),
                            ConfigErrorKind::IncompatibleSource {
                                source_name: sc.name.clone(),
                                batch_size: batch,
                                channel: c.clone(),
                                transaction_capacity: cap,
                            },
                        ))
                    }
                    _ => {}
                }
            }
        }
        let mut sinks = Vec::new();
        for k in &cfg.sinks {
            let sink = SinkRuntime::build(k, start_ms)?;
            if let (Some(batch), Some(cap)) = (sink.batch_size_supported(), tx_cap(&k.channel)) {
                if cap < batch {
                    return Err(ConfigError::new(
                        k.context.line_of("flumeBatchSize"),
                        ConfigErrorKind::IncompatibleSink {
                            sink: k.name.clone(),
                            batch_size: batch,
                            channel: k.channel.clone(),
                            transaction_capacity: cap,
                        },
                    ));
                }
            }
            sinks.push(sink);
        }
        let mut trace = Trace {
            now_ms: start_ms,
            ..Trace::default()
        };
        for c in &channel_order {
            trace.log(c, "Component type: CHANNEL started");
        }
        for k in &sinks {
            trace.log(&k.name, "Component type: SINK started");
        }
        for s in &sources {
            trace.log(&s.name, "Component type: SOURCE started");
        }
        Ok(Agent {
            name: cfg.name.clone(),
            host: DEFAULT_HOST.to_string(),
            now_ms: start_ms,
            config: cfg.clone(),
            sources,
            channels,
            channel_order,
            sinks,
            trace,
            stopped: false,
            step_budget: MAX_STEPS_PER_ADVANCE,
        })
    }

    // ---- getters ----

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn host(&self) -> &str {
        &self.host
    }
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }
    pub fn config(&self) -> &AgentConfig {
        &self.config
    }
    pub fn is_stopped(&self) -> bool {
        self.stopped
    }
    pub fn channel(&self, name: &str) -> Option<&MemoryChannel> {
        self.channels.get(name)
    }

    /// Lines a `logger` or custom sink wrote (`Event: { headers:{} body: ... }`).
    pub fn sink_output(&self, sink: &str) -> Option<&[String]> {
        self.sinks
            .iter()
            .find(|k| k.name == sink)
            .map(|k| k.output.as_slice())
    }

    /// What a netcat source answered each line ("OK" / "FAILED: ...").
    pub fn netcat_replies(&self, source: &str) -> Option<&[String]> {
        self.sources
            .iter()
            .find(|s| s.name == source)
            .map(|s| s.replies.as_slice())
    }

    /// When some runner next has work (`None`: nothing scheduled, or stopped).
    pub fn next_wakeup(&self) -> Option<u64> {
        if self.stopped {
            return None;
        }
        self.sources
            .iter()
            .map(|s| s.next_run_ms)
            .chain(self.sinks.iter().map(|k| k.next_run_ms))
            .filter(|t| *t != u64::MAX)
            .min()
    }

    /// Every source is exhausted and every channel empty: nothing more
    /// will happen until new input (netcat lines).
    pub fn is_quiescent(&self) -> bool {
        self.sources.iter().all(SourceRuntime::exhausted)
            && self.channels.values().all(MemoryChannel::is_empty)
    }

    /// Flume's HTTP monitoring map: `"TYPE.name"` → attribute → value.
    /// Components Flume registers no MBean for (netcat source, logger and
    /// custom sinks) are absent, as in Flume.
    pub fn metrics(&self) -> VecMap<String, VecMap<String, String>> {
        let mut m = VecMap::new();
        for s in self.sources.iter().filter(|s| s.in_monitoring_json()) {
            m.insert(
                format!("SOURCE.{}", s.name),
                metrics::source_attrs(&s.counter),
            );
        }
        for (name, c) in &self.channels {
            m.insert(
                format!("CHANNEL.{name}"),
                metrics::channel_attrs(c.counter()),
            );
        }
        for k in self.sinks.iter().filter(|k| k.in_monitoring_json()) {
            m.insert(
                format!("SINK.{}", k.name),
                metrics::kafka_sink_attrs(&k.counter),
            );
        }
        m
    }

    /// `curl http://host:port/metrics`: `{"CHANNEL.c1":{"ChannelSize":"0",...},...}`.
    pub fn metrics_json(&self) -> String {
        serde_json::to_string(&self.metrics()).unwrap_or_else(|_| "{}".to_string())
    }

    /// Typed counters of every component, for charts.
    pub fn snapshot(&self) -> AgentSnapshot {
        AgentSnapshot {
            agent: self.name.clone(),
            now_ms: self.now_ms,
            sources: self
                .sources
                .iter()
                .map(|s| SourceSnapshot {
                    name: s.name.clone(),
                    type_name: s.type_name.clone(),
                    counters: s.counter.clone(),
                    in_monitoring_json: s.in_monitoring_json(),
                    exhausted: s.exhausted(),
                    pending: s.pending(),
                    next_run_ms: s.next_run_ms,
                })
                .collect(),
            channels: self
                .channel_order
                .iter()
                .filter_map(|n| self.channels.get(n))
                .map(|c| ChannelSnapshot {
                    name: c.name().to_string(),
                    counters: c.counter().clone(),
                    fill_percentage: c.counter().channel_fill_percentage(),
                    head: c.events().take(100).map(|e| e.body.clone()).collect(),
                })
                .collect(),
            sinks: self
                .sinks
                .iter()
                .map(|k| SinkSnapshot {
                    name: k.name.clone(),
                    type_name: k.type_name.clone(),
                    channel: k.channel.clone(),
                    counters: k.counter.clone(),
                    in_monitoring_json: k.in_monitoring_json(),
                    consecutive_backoffs: k.consecutive_backoffs,
                    next_run_ms: k.next_run_ms,
                    output_lines: k.output.len() as u64,
                })
                .collect(),
        }
    }

    // ---- commands ----

    /// Changes the per-call iteration budget of `advance` (at least 1).
    pub fn set_step_budget(&mut self, steps: u64) {
        self.step_budget = steps.max(1);
    }

    /// The name the `host` interceptor writes.
    pub fn set_host(&mut self, host: &str) {
        self.host = host.to_string();
    }

    /// Lines typed into `nc localhost PORT` for netcat source `source`.
    pub fn feed_lines<S: AsRef<str>>(
        &mut self,
        source: &str,
        lines: &[S],
    ) -> Result<(), FlumeError> {
        let now = self.now_ms;
        let s = self
            .sources
            .iter_mut()
            .find(|s| s.name == source)
            .ok_or_else(|| FlumeError::UnknownSource {
                agent: self.name.clone(),
                name: source.to_string(),
            })?;
        if !s.is_netcat() {
            return Err(FlumeError::NotNetcat(source.to_string()));
        }
        let lines: Vec<String> = lines.iter().map(|l| l.as_ref().to_string()).collect();
        s.feed(&lines, now);
        Ok(())
    }

    /// Makes the custom sink's next `count` writes throw (rollback, redelivery).
    pub fn fail_sink(&mut self, sink: &str, count: u64) -> Result<(), FlumeError> {
        let k = self
            .sinks
            .iter_mut()
            .find(|k| k.name == sink)
            .ok_or_else(|| FlumeError::UnknownSink {
                agent: self.name.clone(),
                name: sink.to_string(),
            })?;
        if k.type_name != super::sink::MY_SINK {
            return Err(FlumeError::NotCustomSink(sink.to_string()));
        }
        k.forced_failures += count;
        Ok(())
    }

    /// Stops every component: `StopTime` is set, runners stop.
    pub fn stop(&mut self, now_ms: u64) {
        if self.stopped {
            return;
        }
        self.now_ms = self.now_ms.max(now_ms);
        self.trace.now_ms = self.now_ms;
        let t = self.now_ms;
        for s in &mut self.sources {
            s.counter.stop_time = t;
            self.trace.log(&s.name, "Component type: SOURCE stopped");
        }
        for k in &mut self.sinks {
            k.counter.stop_time = t;
            self.trace.log(&k.name, "Component type: SINK stopped");
        }
        for n in &self.channel_order {
            if let Some(c) = self.channels.get_mut(n) {
                c.counter.stop_time = t;
            }
            self.trace.log(n, "Component type: CHANNEL stopped");
        }
        self.stopped = true;
    }

    // ---- input ----

    /// Runs every source and sink iteration due at or before `now_ms`, in
    /// time order (ties: sources in declaration order, then sinks), and
    /// returns how many ran. Time never goes back: an earlier `now_ms` does
    /// nothing. At most [`MAX_STEPS_PER_ADVANCE`] iterations (see
    /// `set_step_budget`) run per call; if the budget ends first, the clock
    /// stays at the last iteration and the next call continues from there,
    /// so a huge jump cannot hang the caller.
    pub fn advance(&mut self, now_ms: u64, kafka: &mut dyn KafkaOutput) -> u64 {
        if self.stopped {
            return 0;
        }
        let mut steps = 0u64;
        loop {
            if steps >= self.step_budget {
                let msg = format!(
                    "step budget of {} used up; paused at {} ms",
                    self.step_budget, self.now_ms
                );
                self.trace.log(&self.name, msg);
                return steps;
            }
            let src = self
                .sources
                .iter()
                .enumerate()
                .map(|(i, s)| (s.next_run_ms, 0u8, i));
            let snk = self
                .sinks
                .iter()
                .enumerate()
                .map(|(i, k)| (k.next_run_ms, 1u8, i));
            // u64::MAX means "never" (an idle netcat, a finished exec).
            let Some((t, which, i)) = src
                .chain(snk)
                .filter(|(t, _, _)| *t <= now_ms && *t != u64::MAX)
                .min()
            else {
                break;
            };
            steps += 1;
            self.now_ms = t.max(self.now_ms);
            self.trace.now_ms = self.now_ms;
            let Agent {
                host,
                sources,
                channels,
                sinks,
                trace,
                ..
            } = self;
            if which == 0 {
                if let Some(s) = sources.get_mut(i) {
                    s.run(host, channels, trace);
                }
            } else if let Some(k) = sinks.get_mut(i) {
                match channels.get_mut(&k.channel) {
                    Some(ch) => k.run(ch, kafka, trace),
                    // Unreachable for a parsed config; never spin on it.
                    None => k.next_run_ms = u64::MAX,
                }
            }
        }
        self.now_ms = self.now_ms.max(now_ms);
        self.trace.now_ms = self.now_ms;
        steps
    }

    // ---- output ----

    /// The steps taken since the last drain, oldest first.
    pub fn drain_log(&mut self) -> Vec<FlumeLogEntry> {
        std::mem::take(&mut self.trace.entries)
    }

    /// Log entries dropped because the log was not drained (see `TRACE_CAP`).
    pub fn log_dropped(&self) -> u64 {
        self.trace.dropped
    }

    /// Whether the agent has a Kafka sink (it needs a real `KafkaOutput`).
    pub fn has_kafka_sink(&self) -> bool {
        self.sinks.iter().any(SinkRuntime::is_kafka)
    }
}
