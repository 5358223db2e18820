//! Copies of the session taken while a timeline plays, so travelling to
//! time `t` replays from the last copy before `t` instead of from the first
//! line.
//!
//! A copy can sit inside an advance (the page merges its clock ticks into
//! one long `sim advance`), which is sound because advancing `a` then `b`
//! reaches the same state as advancing `a + b` — the merge relies on it too.
//! Copies leave out the event history (it is a prefix of the full run's).
//! They are spaced by the work a replay would redo — simulated time plus
//! trace events plus timers fired — and bounded by
//! thinning: when there are too many, or together they hold more than
//! `MEMORY_FACTOR` times the records of the newest, every other one goes and
//! the spacing doubles. Uniform spacing keeps any seek's replay under a
//! fraction of the whole run, and memory within a few copies of the state.

use crate::script::Session;

/// Work (simulated ms + events + timers) between checkpoints at first.
const FIRST_SPACING: u64 = 2_000;
/// At most this many copies of the session are kept.
pub(super) const MAX_CHECKPOINTS: usize = 64;
/// Copies together hold at most this many times the newest one's records.
const MEMORY_FACTOR: u64 = 4;

/// Records held by every replica of every partition: what a copy costs.
fn records_stored(session: &Session) -> u64 {
    let mut records = 0u64;
    for t in session.sim.cluster.topics.values() {
        for p in &t.partitions {
            for r in p.replica_state.values() {
                records += r.log.len() as u64;
            }
        }
    }
    records
}

/// The state after `entries` script entries and `into_ms` of the next one.
#[derive(Debug, Clone)]
pub(super) struct Checkpoint {
    /// Script entries run in full.
    pub entries: usize,
    /// Milliseconds already run of the next entry (an advance); 0 otherwise.
    pub into_ms: u64,
    pub time_ms: u64,
    /// Records the copy holds.
    records: u64,
    /// Events and outputs of the full run up to here (outputs without the
    /// echo of an advance under way: a replay echoes it when it ends).
    pub events: usize,
    pub outputs: usize,
    /// The simulation's timers fired up to here.
    steps: u64,
    /// The session without its event history.
    pub session: Session,
}

#[derive(Debug, Clone)]
pub(super) struct Checkpoints {
    list: Vec<Checkpoint>,
    spacing: u64,
}

impl Default for Checkpoints {
    fn default() -> Self {
        Self {
            list: Vec::new(),
            spacing: FIRST_SPACING,
        }
    }
}

impl Checkpoints {
    /// Keeps a copy of `session` if enough happened since the last one.
    /// Cheap when it does not: the records are counted only for a copy.
    pub fn offer(&mut self, session: &Session, entries: usize, into_ms: u64, outputs: usize) {
        let time_ms = session.sim.now().as_millis();
        // At time 0 the settings may still be reset (`sim brokers`), which
        // clears the history: nothing to gain from a copy there anyway.
        if time_ms == 0 {
            return;
        }
        let events = session.events().len();
        let steps = session.sim.steps();
        let (last_time, last_events, last_steps) = self
            .list
            .last()
            .map_or((0, 0, 0), |c| (c.time_ms, c.events, c.steps));
        let work = time_ms.saturating_sub(last_time)
            + (events.saturating_sub(last_events) as u64)
            + steps.saturating_sub(last_steps);
        if work < self.spacing {
            return;
        }
        let records = records_stored(session);
        self.list.push(Checkpoint {
            entries,
            into_ms,
            time_ms,
            records,
            events,
            steps,
            outputs,
            session: session.without_history(),
        });
        let held: u64 = self.list.iter().map(|c| c.records).sum();
        if self.list.len() > MAX_CHECKPOINTS
            || held > MEMORY_FACTOR.saturating_mul(records).max(FIRST_SPACING)
        {
            // Every other one goes, the first one stays.
            let mut i = 0;
            self.list.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.spacing = self.spacing.saturating_mul(2);
        }
    }

    /// The last checkpoint at or before `t_ms`.
    pub fn before(&self, t_ms: u64) -> Option<&Checkpoint> {
        self.list.iter().rev().find(|c| c.time_ms <= t_ms)
    }

    /// Forgets checkpoints past time `t_ms` or past the first `entries`
    /// entries (the future was dropped from the script).
    pub fn truncate(&mut self, t_ms: u64, entries: usize) {
        self.list
            .retain(|c| c.time_ms <= t_ms && c.entries + usize::from(c.into_ms > 0) <= entries);
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// `(time, records)` of each copy, oldest first.
    #[cfg(test)]
    pub fn spans(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.list.iter().map(|c| (c.time_ms, c.records))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn busy_session(ms: u64) -> Session {
        let mut s = Session::new();
        s.run(
            "sim brokers 3\nkafka-topics.sh --bootstrap-server b:9092 --create --topic t \
             --partitions 3 --replication-factor 3\nsim produce t v --count 200",
        );
        s.advance(ms);
        s
    }

    #[test]
    fn copies_are_spaced_by_work_and_thinned_when_full() {
        let mut cps = Checkpoints::default();
        let mut s = busy_session(1);
        for _ in 0..(MAX_CHECKPOINTS * 8) {
            s.run("sim produce t v --count 200");
            s.advance(100);
            cps.offer(&s, 0, 0, 0);
        }
        assert!(
            cps.len() <= MAX_CHECKPOINTS && cps.len() > 1,
            "{}",
            cps.len()
        );
        assert!(cps.spacing > FIRST_SPACING, "thinning doubled the spacing");
        let times: Vec<u64> = cps.list.iter().map(|c| c.time_ms).collect();
        assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
        // Memory: the copies together hold a few times the newest one.
        let held: u64 = cps.spans().map(|(_, r)| r).sum();
        let newest = cps.list.last().map_or(0, |c| c.records);
        assert!(held <= MEMORY_FACTOR * newest, "{held} > 4 × {newest}");
        let t = times[times.len() / 2];
        assert_eq!(cps.before(t).map(|c| c.time_ms), Some(t));
        assert_eq!(cps.before(t + 1).map(|c| c.time_ms), Some(t));
        assert!(cps.before(times[0] - 1).is_none());
        cps.truncate(t, usize::MAX);
        assert_eq!(cps.list.last().map(|c| c.time_ms), Some(t));
    }

    #[test]
    fn nothing_is_kept_at_time_zero_or_too_soon() {
        let mut cps = Checkpoints::default();
        cps.offer(&Session::new(), 0, 0, 0);
        assert_eq!(cps.len(), 0);
        let s = busy_session(FIRST_SPACING);
        cps.offer(&s, 0, 0, 0);
        assert_eq!(cps.len(), 1);
        cps.offer(&s, 0, 0, 0);
        assert_eq!(cps.len(), 1, "no work since the last copy");
    }
}
