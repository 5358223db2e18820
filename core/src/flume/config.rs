//! Flume agent properties files (`a1.sources = r1`, `a1.sources.r1.type = seq`,
//! ...), parsed into a typed [`AgentConfig`] with line-numbered errors.
//!
//! Like `flume-ng agent --name a1`, only lines whose key starts with the
//! agent's name apply; other agents' lines are ignored. This module checks the
//! structure (declared components, types present, channel bindings,
//! selectors); each component checks its own properties when the agent is
//! built, through [`Context`], so those errors carry line numbers too.

use crate::vec_map::VecMap;

/// A config error and the 1-based line it is about (0: the whole file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub line: usize,
    pub kind: ConfigErrorKind,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "line {}: {}", self.line, self.kind)
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.kind)
    }
}

/// What is wrong. Messages follow Flume's own where Flume has one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigErrorKind {
    /// Not `key = value`.
    #[error("malformed property, expected `key = value`: {0}")]
    Malformed(String),
    /// `flume-ng agent --name X` with no `X.*` lines.
    #[error("No configuration found for this host:{0}")]
    NoConfiguration(String),
    /// A declared component without `type` (`FlumeConfiguration`'s text).
    #[error("Component has no type. Cannot configure. {0}")]
    NoType(String),
    /// A type neither Flume's alias, class name nor a registered builder.
    #[error("Unable to load {kind} type: {type_name}, class: {type_name} (streamlab simulates: {supported})")]
    UnknownType {
        kind: &'static str,
        type_name: String,
        supported: String,
    },
    /// A source or sink names a channel the agent does not declare.
    #[error("{component} is bound to channel {channel}, which is not in {agent}.channels")]
    UndeclaredChannel {
        agent: String,
        component: String,
        channel: String,
    },
    /// A source with no `channels` property.
    #[error("Source {0} has no channels configured")]
    SourceWithoutChannels(String),
    /// A sink with no `channel` property.
    #[error("Sink {0} has no channel configured")]
    UnboundSink(String),
    /// Java's `NumberFormatException` text, with the key.
    #[error("{key}: For input string: \"{value}\"")]
    BadNumber { key: String, value: String },
    /// A number out of its allowed range (`Preconditions.checkArgument`).
    #[error("{key} was {value} but expected {expected}")]
    OutOfRange {
        key: String,
        value: String,
        expected: &'static str,
    },
    /// `MemoryChannel.configure`'s check.
    #[error("Transaction Capacity of Memory Channel cannot be higher than the capacity.")]
    TransactionCapacityTooHigh,
    /// An interceptor listed without `type` (`ChannelProcessor`'s text).
    #[error("Interceptor.Type not specified for {0}")]
    InterceptorWithoutType(String),
    /// `Class.forName` failed for an interceptor builder.
    #[error("Interceptor.Builder not found: {0}")]
    InterceptorNotFound(String),
    /// A selector names a channel that is not one of its source's channels.
    #[error("Selector channel not found: {0}")]
    SelectorChannelNotFound(String),
    /// `MultiplexingChannelSelector`: a mapping with no channels.
    #[error("No channel configured for when header value is: {0}")]
    EmptyMapping(String),
    /// `Pattern.compile` failed.
    #[error("bad regex {regex}: {reason}")]
    BadRegex { regex: String, reason: String },
    /// `AbstractConfigurationProvider.checkSourceChannelCompatibility`.
    #[error("Incompatible source and channel settings defined. source's batch size is greater than the channels transaction capacity. Source: {source_name}, batch size = {batch_size}, channel {channel}, transaction capacity = {transaction_capacity}")]
    IncompatibleSource {
        source_name: String,
        batch_size: u64,
        channel: String,
        transaction_capacity: u64,
    },
    /// `AbstractConfigurationProvider.checkSinkChannelCompatibility`.
    #[error("Incompatible sink and channel settings defined. sink's batch size is greater than the channels transaction capacity. Sink: {sink}, batch size = {batch_size}, channel {channel}, transaction capacity = {transaction_capacity}")]
    IncompatibleSink {
        sink: String,
        batch_size: u64,
        channel: String,
        transaction_capacity: u64,
    },
    /// Any other invalid value (for example `acks`).
    #[error("Invalid value {value} for configuration {key}: {reason}")]
    InvalidValue {
        key: String,
        value: String,
        reason: String,
    },
}

impl ConfigError {
    pub fn new(line: usize, kind: ConfigErrorKind) -> Self {
        Self { line, kind }
    }
}

/// One property value and the line it came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Prop {
    pub value: String,
    pub line: usize,
}

/// A component's properties with its prefix stripped (Flume's `Context`):
/// for `a1.sources.r1.batchSize = 10` the source's context has `batchSize`.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Context {
    /// Where the component was declared (for errors about missing keys).
    pub line: usize,
    /// The full key prefix, `a1.sources.r1.`, to name keys in errors.
    pub prefix: String,
    pub props: VecMap<String, Prop>,
}

impl Context {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.props.get(key).map(|p| p.value.as_str())
    }

    pub fn get_string(&self, key: &str, default: &str) -> String {
        self.get(key).unwrap_or(default).to_string()
    }

    /// Java's `Boolean.valueOf`: "true" in any case is true, anything else false.
    pub fn get_bool(&self, key: &str, default: bool) -> bool {
        self.get(key)
            .map(|v| v.eq_ignore_ascii_case("true"))
            .unwrap_or(default)
    }

    /// Java's `Long.parseLong`, with the line on failure.
    pub fn get_i64(&self, key: &str, default: i64) -> Result<i64, ConfigError> {
        match self.props.get(key) {
            None => Ok(default),
            Some(p) => p.value.parse::<i64>().map_err(|_| {
                ConfigError::new(
                    p.line,
                    ConfigErrorKind::BadNumber {
                        key: format!("{}{key}", self.prefix),
                        value: p.value.clone(),
                    },
                )
            }),
        }
    }

    /// A number that must be at least `min`.
    pub fn get_at_least(&self, key: &str, default: i64, min: i64) -> Result<u64, ConfigError> {
        let v = self.get_i64(key, default)?;
        if v < min {
            let line = self.line_of(key);
            return Err(ConfigError::new(
                line,
                ConfigErrorKind::OutOfRange {
                    key: format!("{}{key}", self.prefix),
                    value: v.to_string(),
                    expected: if min > 0 { "positive" } else { "non-negative" },
                },
            ));
        }
        Ok(u64::try_from(v).unwrap_or(0))
    }

    /// The line of `key`, or the component's declaration line.
    pub fn line_of(&self, key: &str) -> usize {
        self.props.get(key).map(|p| p.line).unwrap_or(self.line)
    }

    /// `Context.getSubProperties(prefix)`: keys under `prefix`, prefix removed.
    pub fn sub(&self, prefix: &str) -> Context {
        let props = self
            .props
            .iter()
            .filter_map(|(k, v)| k.strip_prefix(prefix).map(|r| (r.to_string(), v.clone())))
            .collect();
        Context {
            line: self.line,
            prefix: format!("{}{prefix}", self.prefix),
            props,
        }
    }
}

/// An interceptor as listed in `a1.sources.r1.interceptors = i1 i2`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InterceptorConfig {
    pub name: String,
    pub type_name: String,
    /// `a1.sources.r1.interceptors.i1.*` without the prefix.
    pub context: Context,
}

/// `a1.sources.r1.selector.*`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum SelectorConfig {
    /// Every event to every required channel; `optional` ones may fail.
    Replicating { optional: Vec<String> },
    /// By the value of one header.
    Multiplexing {
        header: String,
        mapping: VecMap<String, Vec<String>>,
        default: Vec<String>,
        optional: VecMap<String, Vec<String>>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceConfig {
    pub name: String,
    pub type_name: String,
    pub channels: Vec<String>,
    pub interceptors: Vec<InterceptorConfig>,
    pub selector: SelectorConfig,
    pub context: Context,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChannelConfig {
    pub name: String,
    pub type_name: String,
    pub context: Context,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SinkConfig {
    pub name: String,
    pub type_name: String,
    pub channel: String,
    pub context: Context,
}

/// One agent's configuration, components in declaration order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AgentConfig {
    pub name: String,
    pub sources: Vec<SourceConfig>,
    pub channels: Vec<ChannelConfig>,
    pub sinks: Vec<SinkConfig>,
    /// What Flume would log as a warning and skip (properties of undeclared
    /// components, sink groups, unknown keys), with line numbers.
    pub warnings: Vec<String>,
}

/// `flume.selector.header`, `MultiplexingChannelSelector`'s default header.
pub const DEFAULT_MULTIPLEX_HEADER: &str = "flume.selector.header";

#[derive(Default)]
struct Declared {
    /// name → declaration line, in declaration order.
    names: Vec<(String, usize)>,
    props: VecMap<String, Context>,
}

fn split_list(v: &str) -> Vec<String> {
    v.split_whitespace().map(str::to_string).collect()
}

/// Parses the properties `text` for agent `agent` (`--name`).
pub fn parse_agent_config(text: &str, agent: &str) -> Result<AgentConfig, ConfigError> {
    let prefix = format!("{agent}.");
    let mut warnings = Vec::new();
    let mut kinds: VecMap<&'static str, Declared> = VecMap::new();
    let mut any_line = false;
    let mut first_line = 0;
    for (idx, raw) in text.lines().enumerate() {
        let line = idx + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('!') {
            continue;
        }
        let Some((k, v)) = trimmed.split_once('=') else {
            return Err(ConfigError::new(
                line,
                ConfigErrorKind::Malformed(trimmed.to_string()),
            ));
        };
        let key = k.trim();
        let value = v.trim().to_string();
        if key.is_empty() || key.contains(char::is_whitespace) {
            return Err(ConfigError::new(
                line,
                ConfigErrorKind::Malformed(trimmed.to_string()),
            ));
        }
        let Some(rest) = key.strip_prefix(&prefix) else {
            continue; // another agent's line
        };
        if !any_line {
            any_line = true;
            first_line = line;
        }
        let (kind, tail) = match rest.split_once('.') {
            Some((kind, tail)) => (kind, Some(tail)),
            None => (rest, None),
        };
        let kind: &'static str = match kind {
            "sources" => "sources",
            "channels" => "channels",
            "sinks" => "sinks",
            _ => {
                warnings.push(format!("line {line}: ignoring unsupported property {key}"));
                continue;
            }
        };
        let decl = kinds.entry(kind).or_default();
        match tail {
            None => {
                decl.names = split_list(&value).into_iter().map(|n| (n, line)).collect();
            }
            Some(tail) => {
                let Some((comp, prop)) = tail.split_once('.') else {
                    return Err(ConfigError::new(
                        line,
                        ConfigErrorKind::Malformed(trimmed.to_string()),
                    ));
                };
                let ctx = decl
                    .props
                    .entry(comp.to_string())
                    .or_insert_with(|| Context {
                        line,
                        prefix: format!("{agent}.{kind}.{comp}."),
                        props: VecMap::new(),
                    });
                // Java's Properties: the last duplicate wins.
                ctx.props.insert(prop.to_string(), Prop { value, line });
            }
        }
    }
    if !any_line {
        return Err(ConfigError::new(
            0,
            ConfigErrorKind::NoConfiguration(agent.to_string()),
        ));
    }
    let take = |kinds: &mut VecMap<&'static str, Declared>, k| kinds.remove(k).unwrap_or_default();
    let sources_d = take(&mut kinds, "sources");
    let channels_d = take(&mut kinds, "channels");
    let sinks_d = take(&mut kinds, "sinks");

    for (d, kind) in [
        (&sources_d, "source"),
        (&channels_d, "channel"),
        (&sinks_d, "sink"),
    ] {
        for (name, ctx) in &d.props {
            if !d.names.iter().any(|(n, _)| n == name) {
                warnings.push(format!(
                    "line {}: {kind} {name} is not declared; its properties are ignored",
                    ctx.line
                ));
            }
        }
    }

    let component =
        |d: &Declared, name: &str, line: usize| -> Result<(String, Context), ConfigError> {
            let mut ctx = d.props.get(name).cloned().unwrap_or_default();
            ctx.line = line;
            let Some(t) = ctx.get("type") else {
                return Err(ConfigError::new(
                    line,
                    ConfigErrorKind::NoType(name.to_string()),
                ));
            };
            Ok((t.to_string(), ctx))
        };

    let channel_names: Vec<String> = channels_d.names.iter().map(|(n, _)| n.clone()).collect();
    let mut channels = Vec::new();
    for (name, line) in &channels_d.names {
        let (type_name, context) = component(&channels_d, name, *line)?;
        channels.push(ChannelConfig {
            name: name.clone(),
            type_name,
            context,
        });
    }

    let mut sources = Vec::new();
    for (name, line) in &sources_d.names {
        let (type_name, context) = component(&sources_d, name, *line)?;
        let Some(list) = context.get("channels") else {
            return Err(ConfigError::new(
                *line,
                ConfigErrorKind::SourceWithoutChannels(name.clone()),
            ));
        };
        let chans = split_list(list);
        let chans_line = context.line_of("channels");
        if chans.is_empty() {
            return Err(ConfigError::new(
                chans_line,
                ConfigErrorKind::SourceWithoutChannels(name.clone()),
            ));
        }
        for c in &chans {
            if !channel_names.contains(c) {
                return Err(ConfigError::new(
                    chans_line,
                    ConfigErrorKind::UndeclaredChannel {
                        agent: agent.to_string(),
                        component: format!("source {name}"),
                        channel: c.clone(),
                    },
                ));
            }
        }
        let interceptors = parse_interceptors(&context)?;
        let selector = parse_selector(&context, &chans)?;
        sources.push(SourceConfig {
            name: name.clone(),
            type_name,
            channels: chans,
            interceptors,
            selector,
            context,
        });
    }

    let mut sinks = Vec::new();
    for (name, line) in &sinks_d.names {
        let (type_name, context) = component(&sinks_d, name, *line)?;
        let Some(channel) = context.get("channel").map(str::to_string) else {
            return Err(ConfigError::new(
                *line,
                ConfigErrorKind::UnboundSink(name.clone()),
            ));
        };
        if !channel_names.contains(&channel) {
            return Err(ConfigError::new(
                context.line_of("channel"),
                ConfigErrorKind::UndeclaredChannel {
                    agent: agent.to_string(),
                    component: format!("sink {name}"),
                    channel,
                },
            ));
        }
        sinks.push(SinkConfig {
            name: name.clone(),
            type_name,
            channel,
            context,
        });
    }
    if sources.is_empty() && channels.is_empty() && sinks.is_empty() {
        return Err(ConfigError::new(
            first_line,
            ConfigErrorKind::NoConfiguration(agent.to_string()),
        ));
    }
    Ok(AgentConfig {
        name: agent.to_string(),
        sources,
        channels,
        sinks,
        warnings,
    })
}

fn parse_interceptors(source: &Context) -> Result<Vec<InterceptorConfig>, ConfigError> {
    let Some(list) = source.get("interceptors") else {
        return Ok(Vec::new());
    };
    let all = source.sub("interceptors.");
    let mut out = Vec::new();
    for name in split_list(list) {
        let mut context = all.sub(&format!("{name}."));
        context.line = source.line_of("interceptors");
        let Some(t) = context.get("type") else {
            return Err(ConfigError::new(
                context.line,
                ConfigErrorKind::InterceptorWithoutType(name),
            ));
        };
        out.push(InterceptorConfig {
            name,
            type_name: t.to_string(),
            context,
        });
    }
    Ok(out)
}

fn channel_list(v: &str, line: usize, channels: &[String]) -> Result<Vec<String>, ConfigError> {
    let list = split_list(v);
    for c in &list {
        if !channels.contains(c) {
            return Err(ConfigError::new(
                line,
                ConfigErrorKind::SelectorChannelNotFound(c.clone()),
            ));
        }
    }
    Ok(list)
}

fn parse_selector(source: &Context, channels: &[String]) -> Result<SelectorConfig, ConfigError> {
    let sel = source.sub("selector.");
    let t = sel.get("type").unwrap_or("replicating");
    let tl = t.to_ascii_lowercase();
    if tl == "replicating" || t == "org.apache.flume.channel.ReplicatingChannelSelector" {
        let optional = match sel.get("optional") {
            Some(v) => channel_list(v, sel.line_of("optional"), channels)?,
            None => Vec::new(),
        };
        return Ok(SelectorConfig::Replicating { optional });
    }
    if tl == "multiplexing" || t == "org.apache.flume.channel.MultiplexingChannelSelector" {
        let header = sel.get_string("header", DEFAULT_MULTIPLEX_HEADER);
        let default = match sel.get("default") {
            Some(v) => channel_list(v, sel.line_of("default"), channels)?,
            None => Vec::new(),
        };
        let mut mapping = VecMap::new();
        for (value, prop) in &sel.sub("mapping.").props {
            let list = channel_list(&prop.value, prop.line, channels)?;
            if list.is_empty() {
                return Err(ConfigError::new(
                    prop.line,
                    ConfigErrorKind::EmptyMapping(value.clone()),
                ));
            }
            mapping.insert(value.clone(), list);
        }
        let mut optional = VecMap::new();
        for (value, prop) in &sel.sub("optional.").props {
            let mut list = channel_list(&prop.value, prop.line, channels)?;
            // Flume drops optional channels that are already required.
            let required = mapping.get(value).unwrap_or(&default);
            list.retain(|c| !required.contains(c));
            optional.insert(value.clone(), list);
        }
        return Ok(SelectorConfig::Multiplexing {
            header,
            mapping,
            default,
            optional,
        });
    }
    Err(ConfigError::new(
        sel.line_of("type"),
        ConfigErrorKind::UnknownType {
            kind: "selector",
            type_name: t.to_string(),
            supported: "replicating, multiplexing".to_string(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "\
# Name the components on this agent
a1.sources = r1
a1.sinks = k1
a1.channels = c1 c2

a1.sources.r1.type = netcat
a1.sources.r1.bind = localhost
a1.sources.r1.port=44444
a1.sources.r1.interceptors = i1 i2
a1.sources.r1.interceptors.i1.type = timestamp
a1.sources.r1.interceptors.i2.type = com.atguigu.interceptor.TypeInterceptor$Builder
a1.sources.r1.selector.type = multiplexing
a1.sources.r1.selector.header = type
a1.sources.r1.selector.mapping.letter = c1
a1.sources.r1.selector.mapping.number = c2
a1.sources.r1.selector.default = c1 c2
a1.sources.r1.channels = c1 c2

a1.sinks.k1.type = logger
a1.sinks.k1.channel = c1
a1.channels.c1.type = memory
a1.channels.c1.capacity = 1000
a1.channels.c2.type = memory
# another agent in the same file
a2.sources = x
a2.sources.x.type = nonsense
";

    #[test]
    fn parses_a_full_agent_and_ignores_other_agents() {
        let cfg = parse_agent_config(GOOD, "a1").expect("valid");
        assert_eq!(cfg.sources.len(), 1);
        let r1 = &cfg.sources[0];
        assert_eq!(r1.type_name, "netcat");
        assert_eq!(r1.context.get("port"), Some("44444"));
        assert_eq!(r1.channels, vec!["c1", "c2"]);
        assert_eq!(r1.interceptors.len(), 2);
        assert_eq!(r1.interceptors[0].name, "i1");
        assert_eq!(r1.interceptors[0].type_name, "timestamp");
        assert_eq!(
            r1.interceptors[1].type_name,
            "com.atguigu.interceptor.TypeInterceptor$Builder"
        );
        match &r1.selector {
            SelectorConfig::Multiplexing {
                header,
                mapping,
                default,
                ..
            } => {
                assert_eq!(header, "type");
                assert_eq!(mapping.get("letter"), Some(&vec!["c1".to_string()]));
                assert_eq!(mapping.get("number"), Some(&vec!["c2".to_string()]));
                assert_eq!(default, &vec!["c1".to_string(), "c2".to_string()]);
            }
            other => panic!("expected multiplexing, got {other:?}"),
        }
        assert_eq!(cfg.channels.len(), 2);
        assert_eq!(cfg.channels[0].context.line_of("capacity"), 22);
        assert_eq!(cfg.sinks[0].channel, "c1");
        // a2's bad type is not a1's problem.
        assert!(parse_agent_config(GOOD, "a2").is_err());
    }

    fn err(text: &str) -> ConfigError {
        match parse_agent_config(text, "a1") {
            Ok(c) => panic!("expected an error, got {c:?}"),
            Err(e) => e,
        }
    }

    const BASE: &str = "a1.sources = r1\na1.channels = c1\na1.sinks = k1\n\
        a1.sources.r1.type = seq\na1.sources.r1.channels = c1\n\
        a1.channels.c1.type = memory\na1.sinks.k1.type = logger\n";

    #[test]
    fn malformed_line_is_reported_with_its_number() {
        let e = err("# c\n\na1.sources = r1\na1.sources.r1.type seq\n");
        assert_eq!(e.line, 4);
        assert!(matches!(e.kind, ConfigErrorKind::Malformed(_)));
        assert!(e.to_string().starts_with("line 4: malformed"));
    }

    #[test]
    fn unbound_sink_points_at_its_declaration() {
        let e = err(BASE);
        assert_eq!(e.line, 3);
        assert_eq!(e.kind, ConfigErrorKind::UnboundSink("k1".into()));
    }

    #[test]
    fn undeclared_channel_points_at_the_binding_line() {
        let e = err(&format!("{BASE}a1.sinks.k1.channel = c9\n"));
        assert_eq!(e.line, 8);
        assert!(
            matches!(e.kind, ConfigErrorKind::UndeclaredChannel { ref channel, .. } if channel == "c9")
        );
        let e = err(
            "a1.sources = r1\na1.channels = c1\na1.sources.r1.type = seq\n\
             a1.channels.c1.type = memory\na1.sources.r1.channels = c1 c2\n",
        );
        assert_eq!(e.line, 5);
    }

    #[test]
    fn component_without_type() {
        let e = err("a1.sources = r1\na1.channels = c1\na1.sources.r1.channels = c1\n");
        assert_eq!(e.line, 2);
        assert_eq!(e.kind, ConfigErrorKind::NoType("c1".into()));
        assert_eq!(
            e.to_string(),
            "line 2: Component has no type. Cannot configure. c1"
        );
    }

    #[test]
    fn no_lines_for_the_agent() {
        let e = err("a2.sources = r1\n");
        assert_eq!(e.kind, ConfigErrorKind::NoConfiguration("a1".into()));
        assert_eq!(e.to_string(), "No configuration found for this host:a1");
    }

    #[test]
    fn selector_errors() {
        let e = err(&format!(
            "{BASE}a1.sinks.k1.channel = c1\na1.sources.r1.selector.type = multiplexing\n\
             a1.sources.r1.selector.mapping.x = c7\n"
        ));
        assert_eq!(e.line, 10);
        assert_eq!(
            e.kind,
            ConfigErrorKind::SelectorChannelNotFound("c7".into())
        );
        let e = err(&format!(
            "{BASE}a1.sinks.k1.channel = c1\na1.sources.r1.selector.type = roundrobin\n"
        ));
        assert_eq!(e.line, 9);
        assert!(matches!(
            e.kind,
            ConfigErrorKind::UnknownType {
                kind: "selector",
                ..
            }
        ));
    }

    #[test]
    fn interceptor_without_type() {
        let e = err(&format!(
            "{BASE}a1.sinks.k1.channel = c1\na1.sources.r1.interceptors = i1\n"
        ));
        assert_eq!(e.line, 9);
        assert_eq!(e.kind, ConfigErrorKind::InterceptorWithoutType("i1".into()));
    }

    #[test]
    fn context_numbers_report_their_line() {
        let cfg = parse_agent_config(
            &format!("{BASE}a1.sinks.k1.channel = c1\na1.channels.c1.capacity = lots\n"),
            "a1",
        )
        .expect("structure is fine");
        let e = cfg.channels[0]
            .context
            .get_i64("capacity", 100)
            .expect_err("not a number");
        assert_eq!(e.line, 9);
        assert_eq!(
            e.to_string(),
            "line 9: a1.channels.c1.capacity: For input string: \"lots\""
        );
    }
}
