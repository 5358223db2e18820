//! Time travel: a played script with checkpoints, so the state at any
//! simulated time is a checkpoint plus a short replay (deterministic, so
//! the replay is the past exactly as it happened).

use super::session::{Output, Session};
use super::{parse, Line, ScriptError};
use crate::event::Event;

/// How many script lines a checkpoint covers.
pub const CHECKPOINT_EVERY: usize = 16;

#[derive(Debug, Clone)]
struct Checkpoint {
    /// Lines executed before this state.
    line: usize,
    time_ms: u64,
    /// Events in the trace up to this state.
    events: usize,
    /// The state, its event history left out (the full run has it).
    session: Session,
}

/// A script played to the end, seekable to any time.
#[derive(Debug, Clone)]
pub struct Timeline {
    lines: Vec<Line>,
    /// Simulated time when each line started and ended.
    spans: Vec<(u64, u64)>,
    checkpoints: Vec<Checkpoint>,
    end: Session,
    outputs: Vec<Output>,
}

impl Timeline {
    pub fn new(text: &str) -> Result<Self, ScriptError> {
        let lines = parse(text)?;
        let mut session = Session::new();
        let mut spans = Vec::with_capacity(lines.len());
        let mut checkpoints = Vec::new();
        let mut outputs = Vec::with_capacity(lines.len());
        for (i, line) in lines.iter().enumerate() {
            if i % CHECKPOINT_EVERY == 0 {
                checkpoints.push(Checkpoint {
                    line: i,
                    time_ms: session.sim().now().as_millis(),
                    events: session.events().len(),
                    session: session.without_history(),
                });
            }
            let start = session.sim().now().as_millis();
            outputs.push(session.execute(line));
            spans.push((start, session.sim().now().as_millis()));
        }
        Ok(Self {
            lines,
            spans,
            checkpoints,
            end: session,
            outputs,
        })
    }

    /// The state after the whole script.
    pub fn end(&self) -> &Session {
        &self.end
    }

    pub fn outputs(&self) -> &[Output] {
        &self.outputs
    }

    pub fn end_time_ms(&self) -> u64 {
        self.end.sim().now().as_millis()
    }

    /// The full trace of the whole script.
    pub fn events(&self) -> &[Event] {
        self.end.events()
    }

    /// The state at simulated time `t_ms`: lines that ended by then have
    /// run; an `advance` that spans `t_ms` is cut there.
    pub fn seek(&self, t_ms: u64) -> Session {
        let cp = self
            .checkpoints
            .iter()
            .rev()
            .find(|c| c.time_ms <= t_ms)
            .or(self.checkpoints.first());
        let Some(cp) = cp else {
            return Session::new();
        };
        let mut session = cp.session.clone();
        session.restore_history(&self.end.events()[..cp.events]);
        for (line, &(start, end)) in self.lines.iter().zip(&self.spans).skip(cp.line) {
            if end <= t_ms {
                session.execute(line);
            } else {
                if start < t_ms && is_advance(line) {
                    session.advance(t_ms - session.sim().now().as_millis());
                } else if start < t_ms || (start == t_ms && end == start) {
                    session.execute(line);
                    continue;
                }
                break;
            }
        }
        if session.sim().now().as_millis() < t_ms && t_ms <= self.end_time_ms() {
            session.advance(t_ms - session.sim().now().as_millis());
        }
        session
    }
}

fn is_advance(line: &Line) -> bool {
    line.text.split_whitespace().take(2).eq(["sim", "advance"])
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRIPT: &str = "sim brokers 3\nsim seed 4\n\
        kafka-topics.sh --bootstrap-server b:9092 --create --topic t --partitions 2 --replication-factor 3\n\
        sim produce t a --count 5\nsim advance 1s\nsim crash 0\nsim advance 10s\n\
        sim produce t b --count 5 --acks all\nsim advance 1s\n";

    #[test]
    fn seeking_gives_the_state_a_fresh_run_reaches() {
        let tl = Timeline::new(SCRIPT).expect("parses");
        assert_eq!(tl.end_time_ms(), 12_000);
        for t in [0, 500, 1_000, 5_000, 7_000, 11_000, 12_000] {
            let s = tl.seek(t);
            assert_eq!(s.sim().now().as_millis(), t, "seek({t})");
            // The state at t holds exactly the full run's events up to t.
            let up_to_t = tl
                .events()
                .iter()
                .filter(|e| e.time.as_millis() <= t)
                .count();
            assert_eq!(
                s.events(),
                &tl.events()[..up_to_t],
                "seek({t}) diverged from the full run"
            );
        }
        assert_eq!(
            tl.seek(12_000).sim().trace_hash(),
            tl.end().sim().trace_hash()
        );
    }

    #[test]
    fn long_scripts_seek_from_a_checkpoint() {
        let script = crate::workload::seek_scenario(2_000);
        let tl = Timeline::new(&script).expect("parses");
        assert!(tl.checkpoints.len() > 2);
        let mid = tl.end_time_ms() / 2;
        let s = tl.seek(mid);
        assert_eq!(s.sim().now().as_millis(), mid);
        let up_to_mid = tl
            .events()
            .iter()
            .filter(|e| e.time.as_millis() <= mid)
            .count();
        assert_eq!(s.events(), &tl.events()[..up_to_mid]);
    }
}
