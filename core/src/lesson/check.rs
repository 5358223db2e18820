//! The check language: one line says what must be true for a step to turn
//! green, read off the simulation's state, the checker's findings, the
//! events of the step and what its action printed. The grammar is in
//! `docs/LESSONS.md`; [`parse`] gives a typed [`CheckError`] for a line it
//! cannot read, [`evaluate`] a [`Verdict`] with what it saw.
//!
//! "During the step" means from the moment the step began (its
//! [`StepContext::events_from`]): a check on events or output cannot be
//! satisfied by an earlier step, so skipping a step's action leaves it red.

use crate::checker::FindingKind;
use crate::event::EventKind;
use crate::ids::{BrokerId, PartitionId, TopicPartition};
use crate::network::Node;
use crate::partition::Partition;
use crate::script::{Output, Session};
use std::fmt::Write;

/// A check line the parser could not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    #[error("empty check")]
    Empty,
    #[error("unknown check `{0}` (see docs/LESSONS.md for the checks)")]
    Unknown(String),
    #[error("`{check}` needs {what}")]
    Missing {
        check: &'static str,
        what: &'static str,
    },
    #[error("`{check}` expected {what}, found `{found}`")]
    Expected {
        check: &'static str,
        what: &'static str,
        found: String,
    },
    #[error("`{check}`: `{found}` is not {what}")]
    NotANumber {
        check: &'static str,
        what: &'static str,
        found: String,
    },
    #[error("`{check}` compares with = != < <= > >=, found `{found}`")]
    BadOperator { check: &'static str, found: String },
    #[error("`{check}` compares only with = or !=")]
    EqualityOnly { check: &'static str },
    #[error("unterminated quote")]
    UnterminatedQuote,
    #[error("unexpected `{0}` at the end of the check")]
    Trailing(String),
    #[error("unknown finding kind `{0}` (acked-record-lost, read-above-hw, commit-above-hw, leader-not-in-isr, duplicate-record, offset-gap, hw-regressed, replica-divergence)")]
    UnknownFinding(String),
    #[error("unknown broker state `{0}` (running, stopped, crashed, expired, isolated, slow)")]
    UnknownBrokerState(String),
    #[error("unknown setting `{0}`")]
    UnknownSetting(String),
}

/// `=`, `!=`, `<`, `<=`, `>`, `>=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn holds<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            Op::Eq => a == b,
            Op::Ne => a != b,
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
}

/// A number a check compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Quantity {
    /// The partition's high watermark (its leader's), or one replica's.
    Hw(TopicPartition, Option<BrokerId>),
    /// The partition's log end offset (its leader's), or one replica's.
    Leo(TopicPartition, Option<BrokerId>),
    /// Records in the leader's (or one replica's) log.
    Records(TopicPartition, Option<BrokerId>),
    Epoch(TopicPartition),
    Partitions(String),
    ReplicationFactor(String),
    Generation(String),
    Committed(String, TopicPartition),
    Lag(String, TopicPartition),
    /// Events of a kind during the step (whose line contains the text).
    Events(String, Option<String>),
    /// Simulated time, in ms.
    Time,
}

/// Which broker list of a partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrokerList {
    /// In-sync replicas, compared as a set.
    Isr,
    /// Out-of-sync replicas (assigned, not in the ISR), as a set.
    Osr,
    /// The assigned replicas, in order (the first is the preferred leader).
    Replicas,
}

/// A broker condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrokerCond {
    Running,
    Stopped,
    Crashed,
    /// Running, but its ZooKeeper session expired (cut off too long).
    Expired,
    Isolated,
    Slow,
}

/// One parsed check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// What the step's action printed contains the text.
    OutputContains(String),
    OutputLacks(String),
    /// A line of the step failed (its text containing this), or a send
    /// during the step failed with it.
    Error(Option<String>),
    NoError,
    /// `None`: the partition is offline.
    Leader(TopicPartition, Option<BrokerId>),
    Brokers(BrokerList, TopicPartition, Vec<BrokerId>),
    Compare(Quantity, Op, i64),
    /// The group has no committed offset for the partition.
    NoCommit(String, TopicPartition),
    /// The values of the leader's (or one replica's) log, in order.
    Log(TopicPartition, Option<BrokerId>, Vec<String>),
    Topic(String, bool),
    Broker(BrokerId, BrokerCond),
    Controller(BrokerId),
    /// The invariant checker reports this kind (on this partition) in the
    /// whole trace.
    Finding(FindingKind, Option<TopicPartition>),
    /// `None`: no findings at all.
    NoFinding(Option<FindingKind>),
    /// A member's partitions, as a set (`-` for none).
    Assignment(String, String, Vec<String>),
    /// A group's members (crashed ones count until their session expires).
    Members(String, Vec<String>),
    /// An event of a kind (whose line contains the text) happened during
    /// the step, or (`false`) did not.
    Event(String, Option<String>, bool),
    /// A counter of Flume's monitoring JSON: agent, `TYPE.name.Attribute`.
    Flume(String, String, Op, String),
    /// A broker setting's current value.
    Setting(String, String),
}

/// What a check reads: the session after the step's action, what that
/// action printed, and where in the trace the step began.
#[derive(Debug, Clone, Copy)]
pub struct StepContext<'a> {
    pub session: &'a Session,
    pub outputs: &'a [Output],
    /// `session.events()[events_from..]` happened during the step.
    pub events_from: usize,
}

/// Whether a check holds, and what it saw (for "expected … found …").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub pass: bool,
    pub actual: String,
}

impl Verdict {
    fn new(pass: bool, actual: String) -> Self {
        Self { pass, actual }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Quoted(String),
}

fn tokenize(s: &str) -> Result<Vec<Token>, CheckError> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut q = String::new();
            loop {
                match chars.next() {
                    Some('"') => break,
                    // `\n` and `\t` for Kafka's multi-line and tabbed output.
                    Some('\\') => match chars.next() {
                        Some('n') => q.push('\n'),
                        Some('t') => q.push('\t'),
                        Some(e) => q.push(e),
                        None => return Err(CheckError::UnterminatedQuote),
                    },
                    Some(ch) => q.push(ch),
                    None => return Err(CheckError::UnterminatedQuote),
                }
            }
            out.push(Token::Quoted(q));
        } else {
            let mut w = String::new();
            while let Some(&ch) = chars.peek() {
                if ch.is_whitespace() {
                    break;
                }
                w.push(ch);
                chars.next();
            }
            out.push(Token::Word(w));
        }
    }
    Ok(out)
}

/// The tokens of one check, read left to right.
struct Cursor {
    check: &'static str,
    tokens: std::vec::IntoIter<Token>,
}

impl Cursor {
    fn next_token(&mut self, what: &'static str) -> Result<Token, CheckError> {
        self.tokens.next().ok_or(CheckError::Missing {
            check: self.check,
            what,
        })
    }

    fn word(&mut self, what: &'static str) -> Result<String, CheckError> {
        match self.next_token(what)? {
            Token::Word(w) => Ok(w),
            Token::Quoted(q) => Err(self.expected(what, format!("\"{q}\""))),
        }
    }

    fn expected(&self, what: &'static str, found: String) -> CheckError {
        CheckError::Expected {
            check: self.check,
            what,
            found,
        }
    }

    fn quoted(&mut self, what: &'static str) -> Result<String, CheckError> {
        match self.next_token(what)? {
            Token::Quoted(q) => Ok(q),
            Token::Word(w) => Err(self.expected(what, w)),
        }
    }

    fn number<T: std::str::FromStr>(&mut self, what: &'static str) -> Result<T, CheckError> {
        let w = self.word(what)?;
        w.parse().map_err(|_| CheckError::NotANumber {
            check: self.check,
            what,
            found: w,
        })
    }

    fn topic_partition(&mut self) -> Result<TopicPartition, CheckError> {
        let topic = self.word("a topic")?;
        let partition: PartitionId = self.number("a partition number")?;
        Ok(TopicPartition::new(topic, partition))
    }

    fn op(&mut self) -> Result<Op, CheckError> {
        let w = self.word("a comparison (= != < <= > >=)")?;
        Ok(match w.as_str() {
            "=" | "==" => Op::Eq,
            "!=" => Op::Ne,
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            _ => {
                return Err(CheckError::BadOperator {
                    check: self.check,
                    found: w,
                })
            }
        })
    }

    fn equals(&mut self) -> Result<(), CheckError> {
        match self.op()? {
            Op::Eq => Ok(()),
            _ => Err(CheckError::EqualityOnly { check: self.check }),
        }
    }

    /// `on B` if it comes next.
    fn on_broker(&mut self) -> Result<Option<BrokerId>, CheckError> {
        if matches!(self.tokens.as_slice().first(), Some(Token::Word(w)) if w == "on") {
            self.tokens.next();
            return self.number("a broker id after `on`").map(Some);
        }
        Ok(None)
    }

    /// `contains "TEXT"` if it comes next.
    fn contains(&mut self) -> Result<Option<String>, CheckError> {
        if matches!(self.tokens.as_slice().first(), Some(Token::Word(w)) if w == "contains") {
            self.tokens.next();
            return self.quoted("a \"quoted text\" after `contains`").map(Some);
        }
        Ok(None)
    }

    /// The rest as a comma-separated list (`-` or `none`: empty).
    fn list(&mut self, what: &'static str) -> Result<Vec<String>, CheckError> {
        let mut joined = String::new();
        for t in self.tokens.by_ref() {
            match t {
                Token::Word(w) => joined.push_str(&w),
                Token::Quoted(q) => return Err(self.expected(what, format!("\"{q}\""))),
            }
        }
        if joined.is_empty() {
            return Err(CheckError::Missing {
                check: self.check,
                what,
            });
        }
        if joined == "-" || joined == "none" {
            return Ok(Vec::new());
        }
        Ok(joined.split(',').map(String::from).collect())
    }

    fn brokers(&mut self) -> Result<Vec<BrokerId>, CheckError> {
        let check = self.check;
        self.list("a list of broker ids (1,2 or -)")?
            .into_iter()
            .map(|b| {
                b.parse().map_err(|_| CheckError::NotANumber {
                    check,
                    what: "a broker id",
                    found: b,
                })
            })
            .collect()
    }

    fn end(mut self) -> Result<(), CheckError> {
        match self.tokens.next() {
            None => Ok(()),
            Some(Token::Word(w)) => Err(CheckError::Trailing(w)),
            Some(Token::Quoted(q)) => Err(CheckError::Trailing(format!("\"{q}\""))),
        }
    }
}

/// The settings a `setting` check can read.
const SETTINGS: &[&str] = &[
    "replica.lag.time.max.ms",
    "zookeeper.session.timeout.ms",
    "replica.fetch.wait.max.ms",
    "replica.fetch.backoff.ms",
    "replica.fetch.max.records",
    "min.insync.replicas",
    "unclean.leader.election.enable",
    "offsets.topic.num.partitions",
    "truncation",
    "auto.create.topics.enable",
    "num.partitions",
    "default.replication.factor",
];

/// The names checks start with (for messages and the docs' table).
pub const CHECKS: &[&str] = &[
    "output",
    "error",
    "no",
    "leader",
    "isr",
    "osr",
    "replicas",
    "hw",
    "leo",
    "records",
    "epoch",
    "log",
    "partitions",
    "replication-factor",
    "topic",
    "broker",
    "controller",
    "finding",
    "assignment",
    "members",
    "generation",
    "committed",
    "lag",
    "event",
    "events",
    "flume",
    "setting",
    "time",
];

/// Parses one check line.
pub fn parse(text: &str) -> Result<Check, CheckError> {
    let mut tokens = tokenize(text)?.into_iter();
    let first = match tokens.next() {
        None => return Err(CheckError::Empty),
        Some(Token::Word(w)) => w,
        Some(Token::Quoted(q)) => return Err(CheckError::Unknown(format!("\"{q}\""))),
    };
    let Some(&check) = CHECKS.iter().find(|c| **c == first) else {
        return Err(CheckError::Unknown(first));
    };
    let mut c = Cursor { check, tokens };
    let parsed = match check {
        "output" => {
            let how = c.word("`contains` or `lacks`")?;
            let text = c.quoted("a \"quoted text\"")?;
            match how.as_str() {
                "contains" => Check::OutputContains(text),
                "lacks" => Check::OutputLacks(text),
                _ => return Err(c.expected("`contains` or `lacks`", how)),
            }
        }
        "error" => match c.tokens.as_slice().first() {
            None => Check::Error(None),
            Some(Token::Quoted(_)) => Check::Error(Some(c.quoted("a \"quoted text\"")?)),
            Some(Token::Word(_)) => Check::Error(Some(c.word("an exception name")?)),
        },
        "no" => {
            c.check = "no";
            let what = c.word("`error`, `findings`, `finding KIND` or `event KIND`")?;
            match what.as_str() {
                "error" | "errors" => Check::NoError,
                "findings" => Check::NoFinding(None),
                "finding" => Check::NoFinding(Some(finding_kind(&c.word("a finding kind")?)?)),
                "event" => {
                    let kind = c.word("an event kind")?;
                    Check::Event(kind, c.contains()?, false)
                }
                _ => {
                    return Err(
                        c.expected("`error`, `findings`, `finding KIND` or `event KIND`", what)
                    )
                }
            }
        }
        "leader" => {
            let tp = c.topic_partition()?;
            c.equals()?;
            let w = c.word("a broker id or `none`")?;
            let leader = match w.as_str() {
                "none" | "-" => None,
                _ => Some(w.parse().map_err(|_| CheckError::NotANumber {
                    check,
                    what: "a broker id or `none`",
                    found: w,
                })?),
            };
            Check::Leader(tp, leader)
        }
        "isr" | "osr" | "replicas" => {
            let list = match check {
                "isr" => BrokerList::Isr,
                "osr" => BrokerList::Osr,
                _ => BrokerList::Replicas,
            };
            let tp = c.topic_partition()?;
            c.equals()?;
            Check::Brokers(list, tp, c.brokers()?)
        }
        "hw" | "leo" | "records" => {
            let tp = c.topic_partition()?;
            let on = c.on_broker()?;
            let q = match check {
                "hw" => Quantity::Hw(tp, on),
                "leo" => Quantity::Leo(tp, on),
                _ => Quantity::Records(tp, on),
            };
            compare(&mut c, q)?
        }
        "epoch" => {
            let tp = c.topic_partition()?;
            compare(&mut c, Quantity::Epoch(tp))?
        }
        "log" => {
            let tp = c.topic_partition()?;
            let on = c.on_broker()?;
            c.equals()?;
            Check::Log(tp, on, c.list("the record values, comma-separated (or -)")?)
        }
        "partitions" | "replication-factor" => {
            let topic = c.word("a topic")?;
            let q = if check == "partitions" {
                Quantity::Partitions(topic)
            } else {
                Quantity::ReplicationFactor(topic)
            };
            compare(&mut c, q)?
        }
        "topic" => {
            let topic = c.word("a topic")?;
            let w = c.word("`exists` or `absent`")?;
            match w.as_str() {
                "exists" => Check::Topic(topic, true),
                "absent" => Check::Topic(topic, false),
                _ => return Err(c.expected("`exists` or `absent`", w)),
            }
        }
        "broker" => {
            let id = c.number("a broker id")?;
            let w = c.word("a state (running, stopped, crashed, expired, isolated, slow)")?;
            let cond = match w.as_str() {
                "running" => BrokerCond::Running,
                "stopped" => BrokerCond::Stopped,
                "crashed" => BrokerCond::Crashed,
                "expired" => BrokerCond::Expired,
                "isolated" => BrokerCond::Isolated,
                "slow" => BrokerCond::Slow,
                _ => return Err(CheckError::UnknownBrokerState(w)),
            };
            Check::Broker(id, cond)
        }
        "controller" => {
            c.equals()?;
            Check::Controller(c.number("a broker id")?)
        }
        "finding" => {
            let kind = finding_kind(&c.word("a finding kind")?)?;
            let at = match c.tokens.as_slice().first() {
                None => None,
                Some(_) => Some(c.topic_partition()?),
            };
            Check::Finding(kind, at)
        }
        "assignment" => {
            let group = c.word("a group")?;
            let member = c.word("a member")?;
            c.equals()?;
            Check::Assignment(
                group,
                member,
                c.list("partitions like hello2-0,hello2-1 (or -)")?,
            )
        }
        "members" => {
            let group = c.word("a group")?;
            c.equals()?;
            Check::Members(group, c.list("member names, comma-separated (or -)")?)
        }
        "generation" => {
            let group = c.word("a group")?;
            compare(&mut c, Quantity::Generation(group))?
        }
        "committed" | "lag" => {
            let group = c.word("a group")?;
            let tp = c.topic_partition()?;
            if check == "committed"
                && matches!(c.tokens.as_slice(), [Token::Word(o), Token::Word(n)] if o == "=" && n == "none")
            {
                c.tokens.next();
                c.tokens.next();
                Check::NoCommit(group, tp)
            } else if check == "committed" {
                compare(&mut c, Quantity::Committed(group, tp))?
            } else {
                compare(&mut c, Quantity::Lag(group, tp))?
            }
        }
        "event" => {
            let kind = c.word("an event kind")?;
            Check::Event(kind, c.contains()?, true)
        }
        "events" => {
            let kind = c.word("an event kind")?;
            let contains = c.contains()?;
            compare(&mut c, Quantity::Events(kind, contains))?
        }
        "flume" => {
            let agent = c.word("an agent name")?;
            let key = c.word("a counter like CHANNEL.c1.EventPutSuccessCount")?;
            if key.split('.').count() < 3 {
                return Err(c.expected("a counter like CHANNEL.c1.EventPutSuccessCount", key));
            }
            let op = c.op()?;
            let value = c.word("a value")?;
            Check::Flume(agent, key, op, value)
        }
        "setting" => {
            let key = c.word("a setting")?;
            if !SETTINGS.contains(&key.as_str()) {
                return Err(CheckError::UnknownSetting(key));
            }
            c.equals()?;
            Check::Setting(key, c.word("a value")?)
        }
        "time" => {
            let op = c.op()?;
            let w = c.word("a duration (7000, 7s)")?;
            let ms = crate::script::parse_duration(&w).map_err(|_| CheckError::NotANumber {
                check,
                what: "a duration (7000, 7s)",
                found: w,
            })?;
            Check::Compare(Quantity::Time, op, ms as i64)
        }
        _ => return Err(CheckError::Unknown(first)),
    };
    c.end()?;
    Ok(parsed)
}

fn compare(c: &mut Cursor, q: Quantity) -> Result<Check, CheckError> {
    let op = c.op()?;
    let n = c.number("a whole number")?;
    Ok(Check::Compare(q, op, n))
}

fn finding_kind(w: &str) -> Result<FindingKind, CheckError> {
    FindingKind::ALL
        .into_iter()
        .find(|k| k.name() == w)
        .ok_or_else(|| CheckError::UnknownFinding(w.to_string()))
}

fn ids(v: &[BrokerId]) -> String {
    if v.is_empty() {
        return "-".into();
    }
    let mut s = String::new();
    for (i, b) in v.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "{b}");
    }
    s
}

fn sorted<T: Ord + Clone>(v: &[T]) -> Vec<T> {
    let mut v = v.to_vec();
    v.sort();
    v
}

/// What a step printed, shortened for a message.
fn printed(outputs: &[Output]) -> String {
    let mut all = String::new();
    for o in outputs {
        if !o.text.is_empty() {
            if !all.is_empty() {
                all.push('\n');
            }
            all.push_str(&o.text);
        }
    }
    if all.is_empty() {
        return "the step printed nothing".into();
    }
    let short: String = all.chars().take(300).collect();
    if short.len() < all.len() {
        format!("the step printed: {short}…")
    } else {
        format!("the step printed: {short}")
    }
}

/// The partition, or why it is not there.
fn partition<'a>(ctx: &StepContext<'a>, tp: &TopicPartition) -> Result<&'a Partition, String> {
    ctx.session
        .sim()
        .snapshot()
        .partition(&tp.topic, tp.partition)
        .map_err(|e| e.to_string())
}

/// One replica's (or the leader's) HW, LEO and log length.
fn replica_numbers(
    ctx: &StepContext<'_>,
    tp: &TopicPartition,
    on: Option<BrokerId>,
) -> Result<(i64, i64, i64, Vec<String>), String> {
    let p = partition(ctx, tp)?;
    let (r, who) = match on {
        Some(b) => (
            p.replica_state.get(&b),
            format!("broker {b} has no replica of {tp}"),
        ),
        None => (p.leader_replica(), format!("{tp} has no leader")),
    };
    let r = r.ok_or(who)?;
    let values = r
        .log
        .records()
        .iter()
        .map(|x| x.value.to_string())
        .collect();
    Ok((
        r.high_watermark,
        r.log.log_end_offset(),
        r.log.len() as i64,
        values,
    ))
}

fn group<'a>(ctx: &StepContext<'a>, name: &str) -> Result<&'a crate::Group, String> {
    ctx.session
        .sim()
        .groups()
        .get(name)
        .ok_or_else(|| format!("there is no group {name}"))
}

fn step_events<'a>(
    ctx: &StepContext<'a>,
    kind: &'a str,
    contains: &'a Option<String>,
) -> impl Iterator<Item = String> + 'a {
    let events = ctx.session.events();
    events[ctx.events_from.min(events.len())..]
        .iter()
        .filter(move |e| e.kind.name() == kind)
        .map(ToString::to_string)
        .filter(move |line| contains.as_ref().is_none_or(|t| line.contains(t.as_str())))
}

fn read(ctx: &StepContext<'_>, q: &Quantity) -> Result<i64, String> {
    let sim = ctx.session.sim();
    Ok(match q {
        Quantity::Hw(tp, on) => replica_numbers(ctx, tp, *on)?.0,
        Quantity::Leo(tp, on) => replica_numbers(ctx, tp, *on)?.1,
        Quantity::Records(tp, on) => replica_numbers(ctx, tp, *on)?.2,
        Quantity::Epoch(tp) => i64::from(partition(ctx, tp)?.leader_epoch),
        Quantity::Partitions(t) => sim
            .snapshot()
            .topic(t)
            .map_err(|e| e.to_string())?
            .partitions
            .len() as i64,
        Quantity::ReplicationFactor(t) => sim
            .snapshot()
            .topic(t)
            .map_err(|e| e.to_string())?
            .replication_factor() as i64,
        Quantity::Generation(g) => i64::from(group(ctx, g)?.generation),
        Quantity::Committed(g, tp) => *group(ctx, g)?
            .committed
            .get(tp)
            .ok_or_else(|| format!("group {g} has no committed offset for {tp}"))?,
        Quantity::Lag(g, tp) => {
            let committed = *group(ctx, g)?
                .committed
                .get(tp)
                .ok_or_else(|| format!("group {g} has no committed offset for {tp}"))?;
            (partition(ctx, tp)?.high_watermark() - committed).max(0)
        }
        Quantity::Events(kind, contains) => step_events(ctx, kind, contains).count() as i64,
        Quantity::Time => sim.now().as_millis() as i64,
    })
}

fn quantity_name(q: &Quantity) -> String {
    match q {
        Quantity::Hw(tp, on) | Quantity::Leo(tp, on) | Quantity::Records(tp, on) => {
            let what = match q {
                Quantity::Hw(..) => "HW",
                Quantity::Leo(..) => "LEO",
                _ => "records",
            };
            match on {
                Some(b) => format!("{what} of {tp} on broker {b}"),
                None => format!("{what} of {tp}"),
            }
        }
        Quantity::Epoch(tp) => format!("leader epoch of {tp}"),
        Quantity::Partitions(t) => format!("partitions of {t}"),
        Quantity::ReplicationFactor(t) => format!("replication factor of {t}"),
        Quantity::Generation(g) => format!("generation of {g}"),
        Quantity::Committed(g, tp) => format!("{g}'s committed offset of {tp}"),
        Quantity::Lag(g, tp) => format!("{g}'s lag on {tp}"),
        Quantity::Events(k, _) => format!("{k} events during the step"),
        Quantity::Time => "time (ms)".into(),
    }
}

/// The value of a broker setting, as `sim set` writes it.
fn setting(session: &Session, key: &str) -> Option<String> {
    let s = session.sim().settings();
    Some(match key {
        "replica.lag.time.max.ms" => s.replica_lag_time_max_ms.to_string(),
        "zookeeper.session.timeout.ms" => s.zookeeper_session_timeout_ms.to_string(),
        "replica.fetch.wait.max.ms" => s.replica_fetch_wait_max_ms.to_string(),
        "replica.fetch.backoff.ms" => s.replica_fetch_backoff_ms.to_string(),
        "replica.fetch.max.records" => s.replica_fetch_max_records.to_string(),
        "min.insync.replicas" => s.min_insync_replicas.to_string(),
        "unclean.leader.election.enable" => s.unclean_leader_election_enable.to_string(),
        "offsets.topic.num.partitions" => s.offsets_topic_num_partitions.to_string(),
        "truncation" => match s.truncation {
            crate::event::TruncationRule::HighWatermark => "high-watermark".into(),
            crate::event::TruncationRule::LeaderEpoch => "leader-epoch".into(),
        },
        "auto.create.topics.enable" => s.auto_create_topics_enable.to_string(),
        "num.partitions" => s.num_partitions.to_string(),
        "default.replication.factor" => s.default_replication_factor.to_string(),
        _ => return None,
    })
}

/// Evaluates a check after a step's action.
pub fn evaluate(check: &Check, ctx: &StepContext<'_>) -> Verdict {
    let sim = ctx.session.sim();
    let fail = |why: String| Verdict::new(false, why);
    match check {
        Check::OutputContains(t) => {
            let pass = ctx.outputs.iter().any(|o| o.text.contains(t.as_str()));
            Verdict::new(pass, printed(ctx.outputs))
        }
        Check::OutputLacks(t) => {
            let pass = !ctx.outputs.iter().any(|o| o.text.contains(t.as_str()));
            Verdict::new(pass, printed(ctx.outputs))
        }
        Check::Error(t) => {
            let in_output = ctx
                .outputs
                .iter()
                .any(|o| o.is_error && t.as_ref().is_none_or(|t| o.text.contains(t.as_str())));
            let events = ctx.session.events();
            let failed_send = t.as_ref().is_some_and(|t| {
                events[ctx.events_from.min(events.len())..].iter().any(|e| {
                    matches!(&e.kind, EventKind::ProduceFailed { error, .. } if error.contains(t.as_str()))
                })
            });
            Verdict::new(in_output || failed_send, printed(ctx.outputs))
        }
        Check::NoError => {
            let errors: Vec<&str> = ctx
                .outputs
                .iter()
                .filter(|o| o.is_error)
                .map(|o| o.text.as_str())
                .collect();
            Verdict::new(
                errors.is_empty(),
                if errors.is_empty() {
                    "no line failed".into()
                } else {
                    format!("failed: {}", errors.join("; "))
                },
            )
        }
        Check::Leader(tp, want) => match partition(ctx, tp) {
            Err(e) => fail(e),
            Ok(p) => Verdict::new(
                p.leader == *want,
                format!(
                    "leader of {tp} is {}",
                    p.leader.map_or("none".to_string(), |l| l.to_string())
                ),
            ),
        },
        Check::Brokers(list, tp, want) => match partition(ctx, tp) {
            Err(e) => fail(e),
            Ok(p) => {
                let (name, have, pass) = match list {
                    BrokerList::Isr => ("ISR", p.isr.clone(), sorted(&p.isr) == sorted(want)),
                    BrokerList::Osr => {
                        let osr = p.osr();
                        let pass = sorted(&osr) == sorted(want);
                        ("OSR", osr, pass)
                    }
                    BrokerList::Replicas => ("replicas", p.replicas.clone(), p.replicas == *want),
                };
                Verdict::new(pass, format!("{name} of {tp} is {}", ids(&have)))
            }
        },
        Check::Compare(q, op, want) => match read(ctx, q) {
            Err(e) => fail(e),
            Ok(have) => Verdict::new(
                op.holds(have, *want),
                format!(
                    "{} is {have} (the check wants {} {want})",
                    quantity_name(q),
                    op.symbol()
                ),
            ),
        },
        Check::NoCommit(g, tp) => match group(ctx, g) {
            // No group yet: nothing committed either.
            Err(_) => Verdict::new(true, format!("there is no group {g}")),
            Ok(grp) => match grp.committed.get(tp) {
                None => Verdict::new(true, format!("{g} has no committed offset for {tp}")),
                Some(o) => fail(format!("{g} committed offset {o} for {tp}")),
            },
        },
        Check::Log(tp, on, want) => match replica_numbers(ctx, tp, *on) {
            Err(e) => fail(e),
            Ok((_, _, _, values)) => {
                let shown = if values.is_empty() {
                    "-".to_string()
                } else {
                    values.join(",")
                };
                Verdict::new(values == *want, format!("the log of {tp} holds {shown}"))
            }
        },
        Check::Topic(t, exists) => {
            let there = sim.snapshot().topic(t).is_ok();
            Verdict::new(
                there == *exists,
                format!(
                    "topic {t} {}",
                    if there { "exists" } else { "does not exist" }
                ),
            )
        }
        Check::Broker(id, cond) => {
            let Some(b) = sim.snapshot().brokers.get(id) else {
                return fail(format!("there is no broker {id}"));
            };
            use crate::broker::BrokerState as S;
            let net = sim.network();
            let pass = match cond {
                BrokerCond::Running => b.state == S::Running,
                BrokerCond::Stopped => b.state == S::Stopped,
                BrokerCond::Crashed => b.state == S::Crashed,
                BrokerCond::Expired => b.state == S::Running && !b.registered,
                BrokerCond::Isolated => net.is_isolated(*id),
                BrokerCond::Slow => net.slow.contains_key(&Node::Broker(*id)),
            };
            let mut notes = format!("broker {id} is {:?}", b.state).to_lowercase();
            if b.state == S::Running && !b.registered {
                notes.push_str(", its ZooKeeper session expired");
            }
            if net.is_isolated(*id) {
                notes.push_str(", isolated");
            }
            if net.slow.contains_key(&Node::Broker(*id)) {
                notes.push_str(", slow");
            }
            Verdict::new(pass, notes)
        }
        Check::Controller(id) => Verdict::new(
            sim.controller() == Some(*id),
            format!(
                "the controller is {}",
                sim.controller()
                    .map_or("none".to_string(), |c| format!("broker {c}"))
            ),
        ),
        Check::Finding(kind, at) => {
            let findings = crate::checker::check(ctx.session.events());
            let pass = findings.iter().any(|f| {
                f.kind == *kind
                    && at
                        .as_ref()
                        .is_none_or(|tp| f.topic == tp.topic && f.partition == tp.partition)
            });
            Verdict::new(pass, findings_text(&findings))
        }
        Check::NoFinding(kind) => {
            let findings = crate::checker::check(ctx.session.events());
            let pass = !findings.iter().any(|f| kind.is_none_or(|k| f.kind == k));
            Verdict::new(pass, findings_text(&findings))
        }
        Check::Assignment(g, m, want) => match group(ctx, g) {
            Err(e) => fail(e),
            Ok(grp) => {
                let have: Vec<String> = grp
                    .assignment
                    .get(m)
                    .map(|ps| ps.iter().map(ToString::to_string).collect())
                    .unwrap_or_default();
                let shown = if have.is_empty() {
                    "nothing".to_string()
                } else {
                    have.join(",")
                };
                Verdict::new(
                    sorted(&have) == sorted(want),
                    format!("{m} of {g} owns {shown} (generation {})", grp.generation),
                )
            }
        },
        Check::Members(g, want) => match group(ctx, g) {
            Err(e) => fail(e),
            Ok(grp) => {
                let have: Vec<String> = grp.members.keys().cloned().collect();
                Verdict::new(
                    sorted(&have) == sorted(want),
                    format!("{g} has members {}", have.join(",")),
                )
            }
        },
        Check::Event(kind, contains, present) => {
            let found: Vec<String> = step_events(ctx, kind, contains).take(3).collect();
            let shown = if found.is_empty() {
                format!("no {kind} event during the step")
            } else {
                found.join("\n")
            };
            Verdict::new(found.is_empty() != *present, shown)
        }
        Check::Flume(agent, key, op, want) => {
            let Some(a) = sim.flume_agents().get(agent) else {
                return fail(format!("no Flume agent named {agent} is running"));
            };
            let Some((component, attr)) = key.rsplit_once('.') else {
                return fail(format!("{key} names no counter"));
            };
            let metrics = a.metrics();
            let Some(have) = metrics.get(component).and_then(|m| m.get(attr)) else {
                return fail(format!("{agent}'s monitoring JSON has no {key}"));
            };
            let pass = match (have.parse::<i64>(), want.parse::<i64>()) {
                (Ok(h), Ok(w)) => op.holds(h, w),
                _ => match op {
                    Op::Eq => have == want,
                    Op::Ne => have != want,
                    _ => false,
                },
            };
            Verdict::new(pass, format!("{agent} {key} is {have}"))
        }
        Check::Setting(key, want) => match setting(ctx.session, key) {
            None => fail(format!("unknown setting {key}")),
            Some(have) => Verdict::new(have == *want, format!("{key} is {have}")),
        },
    }
}

fn findings_text(findings: &[crate::checker::Finding]) -> String {
    if findings.is_empty() {
        return "the checker found nothing".into();
    }
    let mut s = String::from("the checker found ");
    for (i, f) in findings.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "{} on {}-{}", f.kind, f.topic, f.partition);
    }
    s
}
