//! Flume agents running inside the simulation on its clock; their Kafka
//! sinks produce into the simulated cluster.

use super::{Produce, ProducerConfig, Reply, Simulation};
use crate::error::CommandError;
use crate::event::EventKind;
use crate::flume::{parse_agent_config, Agent, InterceptorRegistry, KafkaOutput};
use crate::producer::Acks;
use crate::time::SimTime;

/// The Kafka sink's producer: `send()` hands records to a simulated
/// producer client. Flume's sink waits for the send futures; here the
/// client accepting the records counts as sent (its acks follow in the trace).
struct SimKafka<'a> {
    sim: &'a mut Simulation,
    agent: &'a str,
}

impl KafkaOutput for SimKafka<'_> {
    fn send(
        &mut self,
        topic: &str,
        key: Option<&str>,
        value: &str,
        acks: i16,
    ) -> Result<(), String> {
        let config = ProducerConfig {
            acks: match acks {
                0 => Acks::Zero,
                1 => Acks::One,
                _ => Acks::All,
            },
            ..ProducerConfig::default()
        };
        self.sim
            .produce(Produce {
                producer: format!("flume-{}", self.agent),
                topic: topic.to_string(),
                partition: None,
                records: vec![(key.map(String::from), value.to_string())],
                config,
            })
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// One point of an agent's counters over time (the seed's JMX → InfluxDB →
/// Grafana path: what a time series of Flume's MBeans would hold).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct FlumeSample {
    pub time: SimTime,
    /// Events in all the agent's channels.
    pub channel_size: u64,
    pub channel_capacity: u64,
    pub put_success: u64,
    pub take_success: u64,
    /// Events the sinks delivered.
    pub drain_success: u64,
}

/// Samples are taken at most this often per agent, so history stays small.
const SAMPLE_EVERY_MS: u64 = 100;

impl Simulation {
    /// The agent's counters over time.
    pub fn flume_history(&self, agent: &str) -> &[FlumeSample] {
        self.flume_history.get(agent).map_or(&[], Vec::as_slice)
    }

    fn sample_agent(&mut self, name: &str, agent: &Agent) {
        let snap = agent.snapshot();
        let sample = FlumeSample {
            time: self.now(),
            channel_size: snap.channels.iter().map(|c| c.counters.channel_size).sum(),
            channel_capacity: snap
                .channels
                .iter()
                .map(|c| c.counters.channel_capacity)
                .sum(),
            put_success: snap
                .channels
                .iter()
                .map(|c| c.counters.event_put_success_count)
                .sum(),
            take_success: snap
                .channels
                .iter()
                .map(|c| c.counters.event_take_success_count)
                .sum(),
            drain_success: snap
                .sinks
                .iter()
                .map(|k| k.counters.event_drain_success_count)
                .sum(),
        };
        let history = self.flume_history.entry(name.to_string()).or_default();
        // Within one sampling period the newest point replaces the last one
        // (the first point stays, so the chart starts where the agent did).
        let len = history.len();
        let recent = len > 1 && sample.time.since(history[len - 2].time) < SAMPLE_EVERY_MS;
        match history.last_mut() {
            Some(last) if recent => *last = sample,
            _ => history.push(sample),
        }
    }

    pub(super) fn start_flume_agent(
        &mut self,
        name: &str,
        config: &str,
    ) -> Result<Reply, CommandError> {
        if self.flume.contains_key(name) {
            return Err(CommandError::Usage(format!(
                "Flume agent {name} is already running"
            )));
        }
        let cfg =
            parse_agent_config(config, name).map_err(|e| CommandError::Usage(e.to_string()))?;
        let agent = Agent::build(
            &cfg,
            &InterceptorRegistry::with_builtins(),
            self.now().as_millis(),
        )
        .map_err(|e| CommandError::Usage(e.to_string()))?;
        self.flume.insert(name.to_string(), agent);
        self.emit(EventKind::Flume {
            agent: name.to_string(),
            component: "agent".into(),
            what: "started".into(),
        });
        Ok(Reply::Done)
    }

    pub fn flume_agents(&self) -> &crate::vec_map::VecMap<String, Agent> {
        &self.flume
    }

    pub(super) fn flume_agent_mut(&mut self, name: &str) -> Result<&mut Agent, CommandError> {
        self.flume
            .get_mut(name)
            .ok_or_else(|| CommandError::Usage(format!("No Flume agent named {name} is running")))
    }

    pub(super) fn next_agent_wakeup(&self) -> Option<SimTime> {
        self.flume
            .values()
            .filter_map(Agent::next_wakeup)
            .min()
            .map(SimTime)
    }

    /// Runs every agent's work due at `at`, recording what it did.
    pub(super) fn run_agents(&mut self, at: SimTime) {
        let mut agents = std::mem::take(&mut self.flume);
        for (name, agent) in agents.iter_mut() {
            if agent.next_wakeup().is_some_and(|t| t <= at.as_millis()) {
                let mut out = SimKafka {
                    sim: self,
                    agent: name,
                };
                agent.advance(at.as_millis(), &mut out);
            }
            for e in agent.drain_log() {
                self.emit(EventKind::Flume {
                    agent: name.clone(),
                    component: e.component,
                    what: e.what,
                });
            }
            self.sample_agent(name, agent);
        }
        self.flume = agents;
    }
}
