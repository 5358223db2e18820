//! The part of `java.util.regex.Pattern` that Flume's `regex_filter` needs:
//! compile a pattern, then `Matcher.find()` — is there a match anywhere?
//!
//! Written here rather than taken from a crate because the only candidates
//! (`regex-lite`, `regex`) cost 20 KiB of the 300 KiB gzipped wasm budget for
//! one interceptor, and neither speaks Java's dialect: Java's `.` also stops
//! at `\r`, its `$` matches before a final line break, `\Q…\E` quotes, and a
//! bad pattern is reported as `PatternSyntaxException` words it.
//!
//! Matching is a Pike VM (Thompson NFA simulation): time linear in the input
//! for any pattern, so no pattern can hang the page. Java's backtracking-only
//! features — back-references, lookaround, possessive quantifiers — are
//! refused at compile time with a message saying so.

use std::fmt;

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    prog: Vec<Inst>,
}

/// `PatternSyntaxException`: Java's description and the index it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternSyntaxError {
    pub description: String,
    /// Java's `cursor - 1`: `None` where Java's index would be -1.
    pub index: Option<usize>,
}

impl fmt::Display for PatternSyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description)?;
        match self.index {
            Some(i) => write!(f, " near index {i}"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for PatternSyntaxError {}

/// Counted repetition copies its operand; past this many instructions a
/// pattern is refused rather than eating the page's memory.
const MAX_PROGRAM: usize = 50_000;

#[derive(Debug, Clone, Copy)]
enum Perl {
    Digit,
    Word,
    Space,
    /// `\h`: Java's horizontal white space.
    HSpace,
    /// `\p{Lower}`, `\p{Alpha}`, … (Java's POSIX classes are ASCII only).
    Posix(fn(&char) -> bool),
}

impl Perl {
    fn has(self, c: char) -> bool {
        match self {
            Perl::Digit => c.is_ascii_digit(),
            Perl::Word => c.is_ascii_alphanumeric() || c == '_',
            Perl::Space => matches!(c, ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r'),
            Perl::HSpace => matches!(
                c,
                ' ' | '\t' | '\u{A0}' | '\u{1680}' | '\u{180e}' | '\u{2000}'
                    ..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
            ),
            Perl::Posix(f) => f(&c),
        }
    }
}

#[derive(Debug, Clone)]
enum Item {
    Range(char, char),
    Perl(Perl, bool),
}

/// A character class: `[...]`, `\d`, `.` and literals all compile to one.
#[derive(Debug, Clone)]
struct Class {
    items: Vec<Item>,
    negated: bool,
    /// `(?i)`: Java's default case-insensitivity is US-ASCII only.
    fold: bool,
}

impl Class {
    fn of(items: Vec<Item>, negated: bool, fold: bool) -> Self {
        Self {
            items,
            negated,
            fold,
        }
    }

    fn has_exactly(&self, c: char) -> bool {
        self.items.iter().any(|i| match *i {
            Item::Range(lo, hi) => lo <= c && c <= hi,
            Item::Perl(p, neg) => p.has(c) != neg,
        })
    }

    fn matches(&self, c: char) -> bool {
        let hit = self.has_exactly(c)
            || (self.fold && c.is_ascii_alphabetic() && self.has_exactly(other_case(c)));
        hit != self.negated
    }
}

fn other_case(c: char) -> char {
    if c.is_ascii_lowercase() {
        c.to_ascii_uppercase()
    } else {
        c.to_ascii_lowercase()
    }
}

fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Java's `\b` asks `Character.isLetterOrDigit`, not just ASCII.
fn is_word(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Look {
    /// `^`, or with `(?m)` also after a line terminator.
    Caret {
        multiline: bool,
    },
    /// `$`, Java's: at the end, or before a final line terminator; with
    /// `(?m)` before any line terminator.
    Dollar {
        multiline: bool,
    },
    WordBoundary,
    NotWordBoundary,
    /// `\A`
    TextStart,
    /// `\z`
    TextEnd,
    /// `\Z`: the end, or before a final line terminator.
    TextEndBeforeTerminator,
}

#[derive(Debug, Clone)]
enum Inst {
    Class(Class),
    Split(usize, usize),
    Jmp(usize),
    Look(Look),
    Match,
}

/// The pattern as parsed, before compiling.
#[derive(Debug, Clone)]
enum Node {
    Empty,
    Class(Class),
    Look(Look),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    fold: bool,
    multiline: bool,
    dotall: bool,
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    flags: Flags,
}

type Parsed<T> = Result<T, PatternSyntaxError>;

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.at += 1;
        }
        hit
    }

    fn error<T>(&self, description: impl Into<String>, index: usize) -> Parsed<T> {
        Err(PatternSyntaxError {
            description: description.into(),
            index: Some(index),
        })
    }

    /// Java reports some errors one before the character at fault.
    fn error_before<T>(&self, description: &str, at: usize) -> Parsed<T> {
        Err(PatternSyntaxError {
            description: description.into(),
            index: at.checked_sub(1),
        })
    }

    fn unsupported<T>(&self, what: &str, index: usize) -> Parsed<T> {
        self.error(
            format!("{what} are valid Java but not simulated by streamlab"),
            index,
        )
    }

    /// alternation := sequence ('|' sequence)*
    fn alternation(&mut self) -> Parsed<Node> {
        let mut alts = vec![self.sequence()?];
        while self.eat('|') {
            alts.push(self.sequence()?);
        }
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(alts)
        })
    }

    fn sequence(&mut self) -> Parsed<Node> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            let start = self.at;
            let atom = match c {
                '|' | ')' => break,
                '?' | '*' | '+' => {
                    return self.error(format!("Dangling meta character '{c}'"), start)
                }
                '{' => return self.error_before("Illegal repetition", start),
                '(' => match self.group()? {
                    Some(node) => node,
                    // `(?i)` and friends: flags for the rest of the group.
                    None => continue,
                },
                _ => self.atom()?,
            };
            items.push(self.closure(atom)?);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap_or(Node::Empty),
            _ => Node::Concat(items),
        })
    }

    /// A group, or `None` for a flag-only group like `(?i)`.
    fn group(&mut self) -> Parsed<Option<Node>> {
        let open = self.at;
        self.at += 1;
        let saved = self.flags;
        if self.eat('?') {
            match self.peek() {
                Some(':') => self.at += 1,
                Some('<') if matches!(self.peek_at(1), Some('=' | '!')) => {
                    return self.unsupported("Lookbehind groups", open)
                }
                Some('<') => {
                    self.at += 1;
                    let name_start = self.at;
                    while self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
                        self.at += 1;
                    }
                    let first = self.chars.get(name_start).copied();
                    if self.at == name_start || !first.is_some_and(|c| c.is_ascii_alphabetic()) {
                        return self.error(
                            "capturing group name does not start with a Latin letter",
                            self.at,
                        );
                    }
                    if !self.eat('>') {
                        return self
                            .error("named capturing group is missing trailing '>'", self.at);
                    }
                }
                Some('=' | '!') => return self.unsupported("Lookahead groups", open),
                Some('>') => return self.unsupported("Independent groups", open),
                _ => {
                    // Inline flags: (?imsx-imsx) or (?imsx-imsx:X)
                    let mut on = true;
                    loop {
                        let at = self.at;
                        match self.peek() {
                            Some('i') => self.flags.fold = on,
                            Some('m') => self.flags.multiline = on,
                            Some('s') => self.flags.dotall = on,
                            Some('-') => on = false,
                            Some(')') => {
                                self.at += 1;
                                // The flags hold to the end of the enclosing group.
                                return Ok(None);
                            }
                            Some(':') => {
                                self.at += 1;
                                break;
                            }
                            Some('d' | 'u' | 'x' | 'U') => {
                                return self.unsupported("The d, u, x and U flags", at)
                            }
                            None => return self.error("Unclosed group", self.chars.len()),
                            Some(_) => return self.error("Unknown inline modifier", at),
                        }
                        self.at += 1;
                    }
                }
            }
        }
        let inner = self.alternation()?;
        if !self.eat(')') {
            return self.error("Unclosed group", self.chars.len());
        }
        self.flags = saved;
        Ok(Some(inner))
    }

    fn closure(&mut self, node: Node) -> Parsed<Node> {
        let start = self.at;
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                self.at += 1;
                let Some(min) = self.number() else {
                    return self.error_before("Illegal repetition", start);
                };
                let max = if self.eat(',') {
                    self.number()
                } else {
                    Some(min)
                };
                if !self.eat('}') {
                    return self.error("Unclosed counted closure", self.at);
                }
                if max.is_some_and(|m| m < min) {
                    return self.error("Illegal repetition range", self.at - 1);
                }
                self.at -= 1;
                (min, max)
            }
            _ => return Ok(node),
        };
        self.at += 1;
        // Lazy (`*?`) finds a match exactly when greedy does; possessive
        // (`*+`) would need backtracking to be told apart.
        if self.peek() == Some('+') {
            return self.unsupported("Possessive quantifiers", self.at);
        }
        self.eat('?');
        if matches!(self.peek(), Some('*' | '+' | '?')) {
            let c = self.peek().unwrap_or('?');
            return self.error(format!("Dangling meta character '{c}'"), self.at);
        }
        Ok(Node::Repeat {
            node: Box::new(node),
            min,
            max,
        })
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.at;
        let mut n: u32 = 0;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            n = n.checked_mul(10)?.checked_add(d)?;
            self.at += 1;
        }
        (self.at > start).then_some(n)
    }

    fn literal(&self, c: char) -> Node {
        Node::Class(Class::of(vec![Item::Range(c, c)], false, self.flags.fold))
    }

    fn atom(&mut self) -> Parsed<Node> {
        let Some(c) = self.peek() else {
            return Ok(Node::Empty);
        };
        let start = self.at;
        self.at += 1;
        Ok(match c {
            '.' => {
                let items = if self.flags.dotall {
                    vec![]
                } else {
                    vec![
                        Item::Range('\n', '\n'),
                        Item::Range('\r', '\r'),
                        Item::Range('\u{85}', '\u{85}'),
                        Item::Range('\u{2028}', '\u{2029}'),
                    ]
                };
                Node::Class(Class::of(items, true, false))
            }
            '^' => Node::Look(Look::Caret {
                multiline: self.flags.multiline,
            }),
            '$' => Node::Look(Look::Dollar {
                multiline: self.flags.multiline,
            }),
            '[' => Node::Class(self.class()?),
            '\\' => self.escape(start)?,
            c => self.literal(c),
        })
    }

    /// After a `\`: an assertion, a class, or a literal.
    fn escape(&mut self, start: usize) -> Parsed<Node> {
        let Some(c) = self.peek() else {
            return self.error("Unexpected internal error", self.chars.len());
        };
        let look = match c {
            'b' => Some(Look::WordBoundary),
            'B' => Some(Look::NotWordBoundary),
            'A' => Some(Look::TextStart),
            'z' => Some(Look::TextEnd),
            'Z' => Some(Look::TextEndBeforeTerminator),
            _ => None,
        };
        if let Some(look) = look {
            self.at += 1;
            return Ok(Node::Look(look));
        }
        match c {
            '1'..='9' | 'k' => return self.unsupported("Back-references", start),
            'G' => return self.unsupported("\\G", start),
            'R' | 'X' => return self.unsupported("\\R and \\X", start),
            'Q' => {
                // \Q...\E: everything up to \E (or the end) is literal.
                self.at += 1;
                let mut lits = Vec::new();
                while let Some(c) = self.peek() {
                    if c == '\\' && self.peek_at(1) == Some('E') {
                        self.at += 2;
                        break;
                    }
                    lits.push(self.literal(c));
                    self.at += 1;
                }
                return Ok(Node::Concat(lits));
            }
            _ => {}
        }
        let items = self.class_escape(start)?;
        Ok(Node::Class(Class::of(items, false, self.flags.fold)))
    }

    /// An escape that stands for characters (usable inside `[...]` too).
    fn class_escape(&mut self, start: usize) -> Parsed<Vec<Item>> {
        let Some(c) = self.peek() else {
            return self.error("Unexpected internal error", self.chars.len());
        };
        self.at += 1;
        let perl = |p, neg| Ok(vec![Item::Perl(p, neg)]);
        let lit = |c| Ok(vec![Item::Range(c, c)]);
        match c {
            'd' => perl(Perl::Digit, false),
            'D' => perl(Perl::Digit, true),
            'w' => perl(Perl::Word, false),
            'W' => perl(Perl::Word, true),
            's' => perl(Perl::Space, false),
            'S' => perl(Perl::Space, true),
            'h' => perl(Perl::HSpace, false),
            'H' => perl(Perl::HSpace, true),
            'p' | 'P' => {
                let name_start = self.at;
                let name: String = if self.eat('{') {
                    let mut s = String::new();
                    loop {
                        match self.peek() {
                            Some('}') => break,
                            Some(c) => s.push(c),
                            None => return self.error("Unclosed character family", self.at),
                        }
                        self.at += 1;
                    }
                    self.at += 1;
                    s
                } else {
                    match self.peek() {
                        Some(c) => {
                            self.at += 1;
                            c.to_string()
                        }
                        None => return self.error("Illegal character family", name_start),
                    }
                };
                let f: fn(&char) -> bool = match name.trim_start_matches("Is") {
                    "Lower" | "Ll" => char::is_ascii_lowercase,
                    "Upper" | "Lu" => char::is_ascii_uppercase,
                    "ASCII" => char::is_ascii,
                    "Alpha" | "L" => char::is_ascii_alphabetic,
                    "Digit" | "Nd" | "N" => char::is_ascii_digit,
                    "Alnum" => char::is_ascii_alphanumeric,
                    "Punct" => char::is_ascii_punctuation,
                    "Graph" => char::is_ascii_graphic,
                    "Print" => |c: &char| c.is_ascii_graphic() || *c == ' ',
                    "Blank" => |c: &char| matches!(c, ' ' | '\t'),
                    "Cntrl" => char::is_ascii_control,
                    "XDigit" => char::is_ascii_hexdigit,
                    "Space" => |c: &char| Perl::Space.has(*c),
                    _ => {
                        return self.error(
                            format!("Unknown character property name {{{name}}}"),
                            self.at,
                        )
                    }
                };
                perl(Perl::Posix(f), c == 'P')
            }
            't' => lit('\t'),
            'n' => lit('\n'),
            'r' => lit('\r'),
            'f' => lit('\x0C'),
            'a' => lit('\x07'),
            'e' => lit('\x1B'),
            '0' => {
                // Octal: \0n, \0nn, \0mnn (m <= 3).
                let mut v: u32 = 0;
                let mut digits = 0;
                while digits < 3 {
                    match self.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) if v * 8 + d <= 0o377 => {
                            v = v * 8 + d;
                            digits += 1;
                            self.at += 1;
                        }
                        _ => break,
                    }
                }
                if digits == 0 {
                    return self.error("Illegal octal escape sequence", self.at);
                }
                lit(char::from_u32(v).unwrap_or('\0'))
            }
            'x' | 'u' => {
                let braced = c == 'x' && self.eat('{');
                let want = if c == 'u' { 4 } else { 2 };
                let mut v: u32 = 0;
                let mut digits = 0;
                while let Some(d) = self.peek().and_then(|c| c.to_digit(16)) {
                    if !braced && digits == want {
                        break;
                    }
                    v = v.saturating_mul(16).saturating_add(d);
                    digits += 1;
                    self.at += 1;
                }
                let closed = !braced || self.eat('}');
                match char::from_u32(v) {
                    Some(ch) if closed && digits > 0 && (braced || digits == want) => lit(ch),
                    _ => self.error(
                        if c == 'u' {
                            "Illegal Unicode escape sequence"
                        } else {
                            "Illegal hexadecimal escape sequence"
                        },
                        self.at,
                    ),
                }
            }
            'c' => match self.peek() {
                Some(x) => {
                    self.at += 1;
                    lit(char::from_u32(u32::from(x) ^ 64).unwrap_or('\0'))
                }
                None => self.error("Illegal control escape sequence", self.at),
            },
            c if c.is_ascii_alphabetic() => {
                self.error("Illegal/unsupported escape sequence", start + 1)
            }
            // Any other escaped character stands for itself.
            c => lit(c),
        }
    }

    /// `[...]`, after its `[`.
    fn class(&mut self) -> Parsed<Class> {
        let negated = self.eat('^');
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let at = self.at;
            let Some(c) = self.peek() else {
                return self.error("Unclosed character class", self.chars.len() - 1);
            };
            match c {
                ']' if !first => {
                    self.at += 1;
                    break;
                }
                '[' => return self.unsupported("Nested character classes", at),
                '&' if self.peek_at(1) == Some('&') => {
                    return self.unsupported("Class intersections", at)
                }
                _ => {}
            }
            first = false;
            let lo = if c == '\\' {
                self.at += 1;
                let mut esc = self.class_escape(at)?;
                match esc.as_slice() {
                    [Item::Range(a, b)] if a == b => *a,
                    _ => {
                        items.append(&mut esc);
                        continue;
                    }
                }
            } else {
                self.at += 1;
                c
            };
            // A range `lo-hi`, unless the `-` is last (then it is literal).
            if self.peek() == Some('-') && !matches!(self.peek_at(1), Some(']') | None) {
                self.at += 1;
                let hi_at = self.at;
                let hi = match self.peek() {
                    Some('\\') => {
                        self.at += 1;
                        match self.class_escape(hi_at)?.as_slice() {
                            [Item::Range(a, b)] if a == b => *a,
                            _ => return self.error("Illegal character range", hi_at),
                        }
                    }
                    Some(h) => {
                        self.at += 1;
                        h
                    }
                    None => return self.error("Unclosed character class", self.chars.len() - 1),
                };
                if hi < lo {
                    return self.error("Illegal character range", self.at - 1);
                }
                items.push(Item::Range(lo, hi));
            } else {
                items.push(Item::Range(lo, lo));
            }
        }
        Ok(Class::of(items, negated, self.flags.fold))
    }
}

fn compile(node: &Node, prog: &mut Vec<Inst>) -> Result<(), ()> {
    if prog.len() > MAX_PROGRAM {
        return Err(());
    }
    match node {
        Node::Empty => {}
        Node::Class(c) => prog.push(Inst::Class(c.clone())),
        Node::Look(l) => prog.push(Inst::Look(*l)),
        Node::Concat(items) => {
            for n in items {
                compile(n, prog)?;
            }
        }
        Node::Alt(alts) => {
            // split L1, next; L1: a; jmp end; next: split L2, … ; last
            let mut jumps = Vec::new();
            for (i, alt) in alts.iter().enumerate() {
                if i + 1 < alts.len() {
                    let split = prog.len();
                    prog.push(Inst::Split(split + 1, 0));
                    compile(alt, prog)?;
                    jumps.push(prog.len());
                    prog.push(Inst::Jmp(0));
                    let next = prog.len();
                    prog[split] = Inst::Split(split + 1, next);
                } else {
                    compile(alt, prog)?;
                }
            }
            let end = prog.len();
            for j in jumps {
                prog[j] = Inst::Jmp(end);
            }
        }
        Node::Repeat { node, min, max } => {
            for _ in 0..*min {
                compile(node, prog)?;
            }
            match max {
                None => {
                    // L: split body, end; body; jmp L
                    let split = prog.len();
                    prog.push(Inst::Split(split + 1, 0));
                    compile(node, prog)?;
                    prog.push(Inst::Jmp(split));
                    let end = prog.len();
                    prog[split] = Inst::Split(split + 1, end);
                }
                Some(max) => {
                    // Each optional copy may be skipped to the very end.
                    let mut splits = Vec::new();
                    for _ in *min..*max {
                        splits.push(prog.len());
                        prog.push(Inst::Split(0, 0));
                        compile(node, prog)?;
                        if prog.len() > MAX_PROGRAM {
                            return Err(());
                        }
                    }
                    let end = prog.len();
                    for s in splits {
                        prog[s] = Inst::Split(s + 1, end);
                    }
                }
            }
        }
    }
    if prog.len() > MAX_PROGRAM {
        return Err(());
    }
    Ok(())
}

/// Where in the text a zero-width assertion is asked.
struct Position<'t> {
    prev: Option<char>,
    rest: &'t str,
}

impl Position<'_> {
    fn next(&self) -> Option<char> {
        self.rest.chars().next()
    }

    /// Only a line terminator (or `\r\n`) is left.
    fn before_final_terminator(&self) -> bool {
        let mut it = self.rest.chars();
        match (it.next(), it.next(), it.next()) {
            (Some(c), None, _) => is_line_terminator(c),
            (Some('\r'), Some('\n'), None) => true,
            _ => false,
        }
    }

    fn holds(&self, look: Look) -> bool {
        let next = self.next();
        match look {
            Look::Caret { multiline: false } | Look::TextStart => self.prev.is_none(),
            Look::Caret { multiline: true } => match self.prev {
                None => true,
                // Not between the \r and \n of one line break, nor at the very end.
                Some('\r') if next == Some('\n') => false,
                Some(p) => is_line_terminator(p) && next.is_some(),
            },
            Look::Dollar { multiline: false } | Look::TextEndBeforeTerminator => {
                next.is_none() || self.before_final_terminator()
            }
            Look::Dollar { multiline: true } => match next {
                None => true,
                Some('\n') if self.prev == Some('\r') => false,
                Some(c) => is_line_terminator(c),
            },
            Look::TextEnd => next.is_none(),
            Look::WordBoundary | Look::NotWordBoundary => {
                let boundary = self.prev.is_some_and(is_word) != next.is_some_and(is_word);
                boundary == (look == Look::WordBoundary)
            }
        }
    }
}

/// The Pike VM's thread list: a set of program counters in insertion order.
struct Threads {
    dense: Vec<usize>,
    seen: Vec<bool>,
}

impl Threads {
    fn new(n: usize) -> Self {
        Self {
            dense: Vec::with_capacity(n),
            seen: vec![false; n],
        }
    }

    fn clear(&mut self) {
        for &pc in &self.dense {
            self.seen[pc] = false;
        }
        self.dense.clear();
    }
}

impl Pattern {
    /// `Pattern.compile(regex)`.
    pub fn compile(regex: &str) -> Result<Self, PatternSyntaxError> {
        let mut p = Parser {
            chars: regex.chars().collect(),
            at: 0,
            flags: Flags::default(),
        };
        let node = p.alternation()?;
        if p.at < p.chars.len() {
            // Only a `)` stops the top-level alternation early.
            return p.error_before("Unmatched closing ')'", p.at);
        }
        let mut prog = Vec::new();
        compile(&node, &mut prog).map_err(|()| PatternSyntaxError {
            description: format!(
                "pattern too large for streamlab ({} characters expand past {MAX_PROGRAM} steps)",
                p.chars.len()
            ),
            index: None,
        })?;
        prog.push(Inst::Match);
        Ok(Self { prog })
    }

    /// `matcher(text).find()`: whether a match starts anywhere in `text`.
    pub fn find_in(&self, text: &str) -> bool {
        let n = self.prog.len();
        let mut cur = Threads::new(n);
        let mut next = Threads::new(n);
        let mut stack = Vec::new();
        let mut prev = None;
        let mut rest = text;
        loop {
            let at = Position { prev, rest };
            // A new attempt starts at every position (find, not matches).
            if self.add(&mut cur, &mut stack, 0, &at) {
                return true;
            }
            let Some(c) = rest.chars().next() else {
                return false;
            };
            let after = Position {
                prev: Some(c),
                rest: &rest[c.len_utf8()..],
            };
            for i in 0..cur.dense.len() {
                let pc = cur.dense[i];
                if let Some(Inst::Class(class)) = self.prog.get(pc) {
                    if class.matches(c) && self.add(&mut next, &mut stack, pc + 1, &after) {
                        return true;
                    }
                }
            }
            std::mem::swap(&mut cur, &mut next);
            next.clear();
            prev = after.prev;
            rest = after.rest;
        }
    }

    /// Adds `pc` and what it reaches without consuming; true on a match.
    fn add(&self, list: &mut Threads, stack: &mut Vec<usize>, pc: usize, at: &Position) -> bool {
        stack.push(pc);
        while let Some(pc) = stack.pop() {
            if list.seen[pc] {
                continue;
            }
            list.seen[pc] = true;
            list.dense.push(pc);
            match &self.prog[pc] {
                Inst::Match => {
                    stack.clear();
                    return true;
                }
                Inst::Jmp(to) => stack.push(*to),
                Inst::Split(a, b) => {
                    stack.push(*b);
                    stack.push(*a);
                }
                Inst::Look(l) => {
                    if at.holds(*l) {
                        stack.push(pc + 1);
                    }
                }
                Inst::Class(_) => {}
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(re: &str, text: &str) -> bool {
        Pattern::compile(re)
            .unwrap_or_else(|e| panic!("{re}: {e}"))
            .find_in(text)
    }

    fn err(re: &str) -> String {
        match Pattern::compile(re) {
            Ok(_) => panic!("{re} compiled"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn find_is_a_match_anywhere() {
        assert!(find("error", "an error: disk"));
        assert!(!find("error", "all good"));
        assert!(find("", "anything"));
        assert!(find(".*", ""));
        assert!(find("^.*5$", "event 5"));
        assert!(!find("^.*5$", "event 6"));
        assert!(find("a|b|c", "xxc"));
        assert!(find("(ab)+c", "xababc"));
        assert!(!find("(ab)+c", "xac"));
        assert!(find("colou?r", "color"));
        assert!(find("x{2,3}y", "axxy"));
        assert!(!find("^x{2,3}y", "xxxxy"));
        assert!(find("^x{2}$", "xx"));
        assert!(!find("^x{2}$", "xxx"));
        assert!(find("^x{2,}$", "xxxxx"));
        assert!(find("a.*?b", "a--b"));
    }

    #[test]
    fn classes_and_escapes_as_java_reads_them() {
        assert!(find("^[a-c]+$", "abcabc"));
        assert!(!find("^[^a-c]+$", "xxa"));
        assert!(find("^\\d{3}-\\w+\\s$", "123-ab_9 "));
        assert!(find("[-a]", "-"));
        assert!(find("[a-]", "-"));
        assert!(find("[]a]", "]"));
        assert!(find("\\.", "a.b"));
        assert!(!find("\\.", "ab"));
        assert!(find("\\Qa.b\\E", "a.b"));
        assert!(!find("\\Qa.b\\E", "axb"));
        assert!(find("\\x41\\u0042\\0103", "ABC"));
        assert!(find("\\p{Upper}\\P{Upper}", "Ab"));
        assert!(find("[\\d.]+", "1.5"));
        assert!(find("\\t", "a\tb"));
        assert!(find("é", "café"));
    }

    #[test]
    fn dot_and_dollar_follow_java_line_rules() {
        // Java's `.` stops at \r too; `$` matches before a final line break.
        assert!(!find("^a.b$", "a\rb"));
        assert!(find("(?s)^a.b$", "a\rb"));
        assert!(find("^abc$", "abc\n"));
        assert!(find("^abc$", "abc\r\n"));
        assert!(!find("^abc$", "abc\n\n"));
        assert!(!find("^abc\\z", "abc\n"));
        assert!(find("^abc\\Z", "abc\n"));
        assert!(!find("^b", "a\nb"));
        assert!(find("(?m)^b$", "a\nb\nc"));
    }

    #[test]
    fn flags_word_boundaries_and_groups() {
        assert!(find("(?i)ERROR", "an error"));
        assert!(!find("(?i:E)RROR", "error"));
        assert!(find("(?i:E)RROR", "eRROR"));
        assert!(find("a(?i)b", "aB"));
        assert!(!find("(a(?i)b)c", "aBC"));
        assert!(find("(?i)[a-c]", "B"));
        assert!(find("\\bcat\\b", "a cat sat"));
        assert!(!find("\\bcat\\b", "concatenate"));
        assert!(find("\\Bcat\\B", "concatenate"));
        assert!(find("(?<year>\\d{4})-(?:\\d\\d)", "on 2024-05"));
    }

    #[test]
    fn syntax_errors_in_java_words() {
        assert_eq!(err("("), "Unclosed group near index 1");
        assert_eq!(err("a)"), "Unmatched closing ')' near index 0");
        assert_eq!(err("*a"), "Dangling meta character '*' near index 0");
        assert_eq!(err("a**"), "Dangling meta character '*' near index 2");
        assert_eq!(err("[ab"), "Unclosed character class near index 2");
        assert_eq!(err("[b-a]"), "Illegal character range near index 3");
        // Java points one before the brace, and nowhere when it is first.
        assert_eq!(err("${x}"), "Illegal repetition near index 0");
        assert_eq!(err("{"), "Illegal repetition");
        assert_eq!(err(")"), "Unmatched closing ')'");
        assert_eq!(err("a{3,1}"), "Illegal repetition range near index 5");
        assert_eq!(err("a{3"), "Unclosed counted closure near index 3");
        assert_eq!(
            err("\\y"),
            "Illegal/unsupported escape sequence near index 1"
        );
        assert_eq!(err("a\\"), "Unexpected internal error near index 2");
        assert!(err("(a)\\1").contains("not simulated by streamlab"));
        assert!(err("a(?=b)").contains("not simulated by streamlab"));
        assert!(err("a*+").contains("not simulated by streamlab"));
    }

    #[test]
    fn huge_counted_repetition_is_refused_not_built() {
        assert!(err("(a{1000}){1000}").contains("too large"));
        // Linear time: an exponential-backtracking pattern answers at once.
        let text = "a".repeat(5_000);
        assert!(!find("^(a+)+b$", &text));
    }

    /// Random patterns from the syntax both dialects read alike, matched
    /// against random text without line terminators (where Java's `.` and
    /// `$` differ from `regex-lite`'s): both engines must agree.
    mod against_regex_lite {
        use super::super::Pattern;
        use proptest::prelude::*;

        fn atom() -> impl Strategy<Value = String> {
            prop_oneof![
                prop::sample::select(vec!["a", "b", "A", "1", " ", "_", "-", "\\.", "."]),
                prop::sample::select(vec![
                    "[ab]", "[^a]", "[a-b1]", "[-a]", "\\d", "\\w", "\\s", "\\D", "\\W", "\\S",
                    "^", "$", "\\b", "\\B",
                ]),
            ]
            .prop_map(String::from)
        }

        fn pattern() -> impl Strategy<Value = String> {
            atom().prop_recursive(4, 24, 4, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 1..4).prop_map(|v| v.concat()),
                    (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}|{b}")),
                    inner.clone().prop_map(|a| format!("({a})")),
                    inner.clone().prop_map(|a| format!("(?:{a})")),
                    inner.clone().prop_map(|a| format!("(?i){a}")),
                    (
                        inner,
                        prop::sample::select(vec![
                            "*", "+", "?", "*?", "+?", "{2}", "{0,2}", "{1,}", "{2,3}?",
                        ])
                    )
                        .prop_map(|(a, q)| format!("({a}){q}")),
                ]
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2_000))]
            #[test]
            fn agrees_with_regex_lite(re in pattern(), text in "[abAB1 _.-]{0,12}") {
                let ours = Pattern::compile(&re).map_err(|e| TestCaseError::fail(format!("{re}: {e}")))?;
                let theirs = regex_lite::Regex::new(&re).map_err(|e| TestCaseError::fail(format!("{re}: {e}")))?;
                prop_assert_eq!(ours.find_in(&text), theirs.is_match(&text), "{} on {:?}", re, text);
            }
        }
    }
}
