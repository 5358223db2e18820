//! Interceptors, built the way the seed describes: a type name in the config
//! (`timestamp`, or a custom `com.example.MyInterceptor$Builder`) is looked up
//! to find a `Builder`; the agent calls `configure(context)` then `build()`.
//!
//! Flume's `InterceptorBuilderFactory` first tries its alias enum
//! (case-insensitive), then `Class.forName(type)`. The [`InterceptorRegistry`]
//! plays both roles: aliases and class names map to builder factories, and
//! [`InterceptorRegistry::register`] adds a custom one.

use crate::vec_map::VecMap;

use super::config::{ConfigError, ConfigErrorKind, Context};
use super::event::FlumeEvent;
use super::pattern::Pattern;

/// What an interceptor may read besides the event (no clocks in the core).
#[derive(Debug, Clone, Copy)]
pub struct InterceptContext<'a> {
    pub now_ms: u64,
    pub host: &'a str,
}

/// Lets a running agent be cloned (the playground checkpoints simulations).
pub trait InterceptorClone {
    fn clone_box(&self) -> Box<dyn Interceptor>;
}

impl<T: 'static + Interceptor + Clone> InterceptorClone for T {
    fn clone_box(&self) -> Box<dyn Interceptor> {
        Box::new(self.clone())
    }
}

impl Clone for Box<dyn Interceptor> {
    fn clone(&self) -> Self {
        self.clone_box()
    }
}

/// `org.apache.flume.interceptor.Interceptor`: return `None` to drop the event.
pub trait Interceptor: std::fmt::Debug + InterceptorClone {
    fn intercept(&mut self, event: FlumeEvent, ctx: &InterceptContext<'_>) -> Option<FlumeEvent>;

    /// `intercept(List<Event>)`: the default keeps what `intercept` keeps.
    fn intercept_batch(
        &mut self,
        events: Vec<FlumeEvent>,
        ctx: &InterceptContext<'_>,
    ) -> Vec<FlumeEvent> {
        events
            .into_iter()
            .filter_map(|e| self.intercept(e, ctx))
            .collect()
    }
}

/// `Interceptor.Builder`: configured from the interceptor's context, then built.
pub trait InterceptorBuilder {
    fn configure(&mut self, context: &Context) -> Result<(), ConfigError>;
    fn build(&self) -> Box<dyn Interceptor>;
}

/// Creates a fresh builder (Java's `clazz.newInstance()`).
pub type InterceptorFactory = fn() -> Box<dyn InterceptorBuilder>;

/// Type name → builder factory.
#[derive(Clone)]
pub struct InterceptorRegistry {
    /// Keys are lowercase for Flume's aliases, exact for class names.
    aliases: VecMap<String, InterceptorFactory>,
    classes: VecMap<String, InterceptorFactory>,
}

impl std::fmt::Debug for InterceptorRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InterceptorRegistry")
            .field("aliases", &self.aliases.keys().collect::<Vec<_>>())
            .field("classes", &self.classes.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Default for InterceptorRegistry {
    fn default() -> Self {
        Self::with_builtins()
    }
}

/// The seed's custom interceptor, registered out of the box.
pub const TYPE_INTERCEPTOR: &str = "com.atguigu.interceptor.TypeInterceptor$Builder";

impl InterceptorRegistry {
    /// No types at all.
    pub fn empty() -> Self {
        Self {
            aliases: VecMap::new(),
            classes: VecMap::new(),
        }
    }

    /// Flume's built-ins (alias and class name) plus the seed's `TypeInterceptor`.
    pub fn with_builtins() -> Self {
        let mut r = Self::empty();
        let builtins: [(&str, &str, InterceptorFactory); 4] = [
            (
                "timestamp",
                "org.apache.flume.interceptor.TimestampInterceptor$Builder",
                || Box::<TimestampBuilder>::default(),
            ),
            (
                "host",
                "org.apache.flume.interceptor.HostInterceptor$Builder",
                || Box::<HostBuilder>::default(),
            ),
            (
                "static",
                "org.apache.flume.interceptor.StaticInterceptor$Builder",
                || Box::<StaticBuilder>::default(),
            ),
            (
                "regex_filter",
                "org.apache.flume.interceptor.RegexFilteringInterceptor$Builder",
                || Box::<RegexFilterBuilder>::default(),
            ),
        ];
        for (alias, class, f) in builtins {
            r.aliases.insert(alias.to_string(), f);
            r.classes.insert(class.to_string(), f);
        }
        r.register(TYPE_INTERCEPTOR, || {
            Box::<TypeInterceptorBuilder>::default()
        });
        r
    }

    /// Registers a custom interceptor under its fully qualified builder name
    /// (`com.example.MyInterceptor$Builder`); replaces an earlier one.
    pub fn register(&mut self, type_name: &str, factory: InterceptorFactory) {
        self.classes.insert(type_name.to_string(), factory);
    }

    /// Every type name that resolves, sorted.
    pub fn type_names(&self) -> Vec<String> {
        self.aliases
            .keys()
            .chain(self.classes.keys())
            .cloned()
            .collect()
    }

    /// Looks a type up the way `InterceptorBuilderFactory.newInstance` does.
    pub fn new_builder(&self, type_name: &str) -> Option<Box<dyn InterceptorBuilder>> {
        self.aliases
            .get(&type_name.to_ascii_lowercase())
            .or_else(|| self.classes.get(type_name))
            .map(|f| f())
    }

    /// Builder lookup, `configure`, `build`, with line-numbered errors.
    pub fn build(
        &self,
        type_name: &str,
        context: &Context,
    ) -> Result<Box<dyn Interceptor>, ConfigError> {
        let Some(mut b) = self.new_builder(type_name) else {
            return Err(ConfigError::new(
                context.line_of("type"),
                ConfigErrorKind::InterceptorNotFound(type_name.to_string()),
            ));
        };
        b.configure(context)?;
        Ok(b.build())
    }
}

// ---- timestamp ----

#[derive(Debug, Default)]
struct TimestampBuilder {
    preserve_existing: bool,
    header: String,
}

impl InterceptorBuilder for TimestampBuilder {
    fn configure(&mut self, c: &Context) -> Result<(), ConfigError> {
        self.preserve_existing = c.get_bool("preserveExisting", false);
        self.header = c.get_string("headerName", "timestamp");
        Ok(())
    }
    fn build(&self) -> Box<dyn Interceptor> {
        Box::new(TimestampInterceptor {
            preserve_existing: self.preserve_existing,
            header: self.header.clone(),
        })
    }
}

/// `timestamp`: header `timestamp` = the virtual time in ms.
#[derive(Debug, Clone)]
struct TimestampInterceptor {
    preserve_existing: bool,
    header: String,
}

impl Interceptor for TimestampInterceptor {
    fn intercept(&mut self, mut e: FlumeEvent, ctx: &InterceptContext<'_>) -> Option<FlumeEvent> {
        if !(self.preserve_existing && e.headers.contains_key(&self.header)) {
            e.headers
                .insert(self.header.clone(), ctx.now_ms.to_string());
        }
        Some(e)
    }
}

// ---- host ----

#[derive(Debug, Default)]
struct HostBuilder {
    preserve_existing: bool,
    header: String,
}

impl InterceptorBuilder for HostBuilder {
    fn configure(&mut self, c: &Context) -> Result<(), ConfigError> {
        self.preserve_existing = c.get_bool("preserveExisting", false);
        // `useIP` is accepted and ignored: the simulated agent has one name.
        self.header = c.get_string("hostHeader", "host");
        Ok(())
    }
    fn build(&self) -> Box<dyn Interceptor> {
        Box::new(HostInterceptor {
            preserve_existing: self.preserve_existing,
            header: self.header.clone(),
        })
    }
}

/// `host`: header `host` (or `hostHeader`) = the agent's host name.
#[derive(Debug, Clone)]
struct HostInterceptor {
    preserve_existing: bool,
    header: String,
}

impl Interceptor for HostInterceptor {
    fn intercept(&mut self, mut e: FlumeEvent, ctx: &InterceptContext<'_>) -> Option<FlumeEvent> {
        if !(self.preserve_existing && e.headers.contains_key(&self.header)) {
            e.headers.insert(self.header.clone(), ctx.host.to_string());
        }
        Some(e)
    }
}

// ---- static ----

#[derive(Debug, Default)]
struct StaticBuilder {
    preserve_existing: bool,
    key: String,
    value: String,
}

impl InterceptorBuilder for StaticBuilder {
    fn configure(&mut self, c: &Context) -> Result<(), ConfigError> {
        // Unlike timestamp and host, static preserves by default.
        self.preserve_existing = c.get_bool("preserveExisting", true);
        self.key = c.get_string("key", "key");
        self.value = c.get_string("value", "value");
        Ok(())
    }
    fn build(&self) -> Box<dyn Interceptor> {
        Box::new(StaticInterceptor {
            preserve_existing: self.preserve_existing,
            key: self.key.clone(),
            value: self.value.clone(),
        })
    }
}

/// `static`: a fixed header.
#[derive(Debug, Clone)]
struct StaticInterceptor {
    preserve_existing: bool,
    key: String,
    value: String,
}

impl Interceptor for StaticInterceptor {
    fn intercept(&mut self, mut e: FlumeEvent, _: &InterceptContext<'_>) -> Option<FlumeEvent> {
        if !(self.preserve_existing && e.headers.contains_key(&self.key)) {
            e.headers.insert(self.key.clone(), self.value.clone());
        }
        Some(e)
    }
}

// ---- regex_filter ----

#[derive(Debug, Default)]
struct RegexFilterBuilder {
    regex: Option<Pattern>,
    exclude_events: bool,
}

impl InterceptorBuilder for RegexFilterBuilder {
    fn configure(&mut self, c: &Context) -> Result<(), ConfigError> {
        let pattern = c.get_string("regex", ".*");
        let re = Pattern::compile(&pattern).map_err(|e| {
            ConfigError::new(
                c.line_of("regex"),
                ConfigErrorKind::BadRegex {
                    regex: pattern.clone(),
                    reason: e.to_string(),
                },
            )
        })?;
        self.regex = Some(re);
        self.exclude_events = c.get_bool("excludeEvents", false);
        Ok(())
    }
    fn build(&self) -> Box<dyn Interceptor> {
        Box::new(RegexFilteringInterceptor {
            regex: self.regex.clone(),
            exclude_events: self.exclude_events,
        })
    }
}

/// `regex_filter`: keeps events whose body *contains* a match (Java's
/// `Matcher.find()`), or drops them with `excludeEvents = true`.
#[derive(Debug, Clone)]
struct RegexFilteringInterceptor {
    /// `None` only if `build` ran before `configure`: then everything matches.
    regex: Option<Pattern>,
    exclude_events: bool,
}

impl Interceptor for RegexFilteringInterceptor {
    fn intercept(&mut self, e: FlumeEvent, _: &InterceptContext<'_>) -> Option<FlumeEvent> {
        let found = self.regex.as_ref().is_none_or(|r| r.find_in(&e.body));
        (found != self.exclude_events).then_some(e)
    }
}

// ---- the seed's custom TypeInterceptor ----

#[derive(Debug, Default)]
struct TypeInterceptorBuilder;

impl InterceptorBuilder for TypeInterceptorBuilder {
    fn configure(&mut self, _: &Context) -> Result<(), ConfigError> {
        Ok(())
    }
    fn build(&self) -> Box<dyn Interceptor> {
        Box::new(TypeInterceptor)
    }
}

/// The course's custom interceptor (`com.atguigu.interceptor.TypeInterceptor`):
/// header `type` = `letter` when the body starts with a letter, `number` when
/// it starts with a digit; other bodies get no header, so a multiplexing
/// selector sends them to its `default` channels.
#[derive(Debug, Clone)]
struct TypeInterceptor;

impl Interceptor for TypeInterceptor {
    fn intercept(&mut self, mut e: FlumeEvent, _: &InterceptContext<'_>) -> Option<FlumeEvent> {
        match e.body.chars().next() {
            Some(c) if c.is_ascii_alphabetic() => {
                e.headers.insert("type".into(), "letter".into());
            }
            Some(c) if c.is_ascii_digit() => {
                e.headers.insert("type".into(), "number".into());
            }
            _ => {}
        }
        Some(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flume::config::Prop;

    fn ctx(pairs: &[(&str, &str)]) -> Context {
        Context {
            line: 7,
            prefix: "a1.sources.r1.interceptors.i1.".into(),
            props: pairs
                .iter()
                .map(|(k, v)| {
                    (
                        (*k).to_string(),
                        Prop {
                            value: (*v).to_string(),
                            line: 9,
                        },
                    )
                })
                .collect(),
        }
    }

    const IC: InterceptContext<'static> = InterceptContext {
        now_ms: 1234,
        host: "hadoop102",
    };

    fn run(type_name: &str, pairs: &[(&str, &str)], e: FlumeEvent) -> Option<FlumeEvent> {
        let r = InterceptorRegistry::with_builtins();
        let mut i = r.build(type_name, &ctx(pairs)).expect("builds");
        i.intercept(e, &IC)
    }

    fn with_header(k: &str, v: &str) -> FlumeEvent {
        let mut e = FlumeEvent::with_body("x");
        e.headers.insert(k.into(), v.into());
        e
    }

    #[test]
    fn timestamp_sets_virtual_time_and_can_preserve() {
        let e = run("timestamp", &[], FlumeEvent::with_body("x")).expect("kept");
        assert_eq!(e.headers["timestamp"], "1234");
        let e = run("TIMESTAMP", &[], with_header("timestamp", "1")).expect("kept");
        assert_eq!(e.headers["timestamp"], "1234", "alias is case-insensitive");
        let e = run(
            "org.apache.flume.interceptor.TimestampInterceptor$Builder",
            &[("preserveExisting", "true")],
            with_header("timestamp", "1"),
        )
        .expect("kept");
        assert_eq!(e.headers["timestamp"], "1");
    }

    #[test]
    fn host_uses_the_agent_host_and_header_name() {
        let e = run("host", &[], FlumeEvent::with_body("x")).expect("kept");
        assert_eq!(e.headers["host"], "hadoop102");
        let e = run(
            "host",
            &[("hostHeader", "hostname"), ("useIP", "false")],
            FlumeEvent::with_body("x"),
        )
        .expect("kept");
        assert_eq!(
            e.headers.get("hostname").map(String::as_str),
            Some("hadoop102")
        );
        assert!(!e.headers.contains_key("host"));
    }

    #[test]
    fn static_preserves_existing_by_default() {
        let e = run(
            "static",
            &[("key", "dc"), ("value", "bj")],
            FlumeEvent::with_body("x"),
        )
        .expect("kept");
        assert_eq!(e.headers["dc"], "bj");
        let e = run(
            "static",
            &[("key", "dc"), ("value", "bj")],
            with_header("dc", "sh"),
        )
        .expect("kept");
        assert_eq!(e.headers["dc"], "sh");
        let e = run(
            "static",
            &[
                ("key", "dc"),
                ("value", "bj"),
                ("preserveExisting", "false"),
            ],
            with_header("dc", "sh"),
        )
        .expect("kept");
        assert_eq!(e.headers["dc"], "bj");
        let e = run("static", &[], FlumeEvent::with_body("x")).expect("kept");
        assert_eq!(e.headers["key"], "value");
    }

    #[test]
    fn regex_filter_uses_find_and_exclude() {
        let keep = |body: &str, pairs: &[(&str, &str)]| {
            run("regex_filter", pairs, FlumeEvent::with_body(body)).is_some()
        };
        assert!(keep("anything", &[]));
        assert!(
            keep("error: disk", &[("regex", "error")]),
            "find, not matches"
        );
        assert!(!keep("all good", &[("regex", "error")]));
        let excl = [("regex", "^.*5$"), ("excludeEvents", "true")];
        assert!(!keep("15", &excl));
        assert!(keep("51", &excl));
    }

    #[test]
    fn bad_regex_and_unknown_type_are_line_numbered() {
        let r = InterceptorRegistry::with_builtins();
        let e = r
            .build("regex_filter", &ctx(&[("regex", "(")]))
            .expect_err("bad regex");
        assert_eq!(e.line, 9);
        let e = r
            .build(
                "com.example.Nope$Builder",
                &ctx(&[("type", "com.example.Nope$Builder")]),
            )
            .expect_err("unknown");
        assert_eq!(e.line, 9);
        assert_eq!(
            e.kind,
            ConfigErrorKind::InterceptorNotFound("com.example.Nope$Builder".into())
        );
    }

    #[test]
    fn seed_type_interceptor_tags_letters_and_numbers() {
        let t = |b: &str| {
            run(TYPE_INTERCEPTOR, &[], FlumeEvent::with_body(b))
                .expect("kept")
                .headers
                .get("type")
                .cloned()
        };
        assert_eq!(t("hello").as_deref(), Some("letter"));
        assert_eq!(t("42").as_deref(), Some("number"));
        assert_eq!(t("#tag"), None);
        assert_eq!(t(""), None);
    }

    #[derive(Debug, Clone)]
    struct Upper;
    impl Interceptor for Upper {
        fn intercept(&mut self, mut e: FlumeEvent, _: &InterceptContext<'_>) -> Option<FlumeEvent> {
            e.body = e.body.to_uppercase();
            Some(e)
        }
    }
    struct UpperBuilder;
    impl InterceptorBuilder for UpperBuilder {
        fn configure(&mut self, _: &Context) -> Result<(), ConfigError> {
            Ok(())
        }
        fn build(&self) -> Box<dyn Interceptor> {
            Box::new(Upper)
        }
    }

    #[test]
    fn custom_builders_register_under_their_class_name() {
        let mut r = InterceptorRegistry::with_builtins();
        assert!(r.new_builder("com.example.Upper$Builder").is_none());
        r.register("com.example.Upper$Builder", || Box::new(UpperBuilder));
        let mut i = r
            .build("com.example.Upper$Builder", &ctx(&[]))
            .expect("registered");
        let e = i
            .intercept(FlumeEvent::with_body("abc"), &IC)
            .expect("kept");
        assert_eq!(e.body, "ABC");
        // Class names are case-sensitive, aliases are not.
        assert!(r.new_builder("com.example.upper$builder").is_none());
    }
}
