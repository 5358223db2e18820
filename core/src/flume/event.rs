//! Flume's `Event`: headers and a body. Bodies are text here (the seed's
//! examples are all text lines); Flume's are bytes.

use crate::vec_map::VecMap;

/// One Flume event. Headers are sorted so every printout is deterministic
/// (Flume's `HashMap` prints them in hash order).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct FlumeEvent {
    pub headers: VecMap<String, String>,
    pub body: String,
}

impl FlumeEvent {
    /// `EventBuilder.withBody(body)`: an event with no headers.
    pub fn with_body(body: impl Into<String>) -> Self {
        Self {
            headers: VecMap::new(),
            body: body.into(),
        }
    }

    /// Headers as Java's `Map.toString()` prints them: `{k1=v1, k2=v2}`.
    pub fn headers_string(&self) -> String {
        let inner: Vec<String> = self
            .headers
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        format!("{{{}}}", inner.join(", "))
    }

    /// `EventHelper.dumpEvent(event, maxBytes)`, as `LoggerSink` logs it:
    /// `{ headers:{...} body: 31 32 33     123 }` — the first `max_bytes`
    /// bytes of the body as commons-io's `HexDump` prints one 16-byte row
    /// per line (offset column removed, last line break dropped).
    pub fn dump(&self, max_bytes: usize) -> String {
        let bytes = self.body.as_bytes();
        let data = &bytes[..bytes.len().min(max_bytes)];
        let mut buffer = String::new();
        for (row, chunk) in data.chunks(16).enumerate() {
            if row > 0 {
                // Only the first row's offset is stripped by EventHelper.
                buffer.push('\n');
                buffer.push_str(&format!("{:08X}", row * 16));
            }
            buffer.push(' ');
            for k in 0..16 {
                match chunk.get(k) {
                    Some(b) => buffer.push_str(&format!("{b:02X}")),
                    None => buffer.push_str("  "),
                }
                buffer.push(' ');
            }
            for b in chunk {
                buffer.push(if (32..127).contains(b) {
                    char::from(*b)
                } else {
                    '.'
                });
            }
        }
        format!("{{ headers:{} body:{} }}", self.headers_string(), buffer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dump_matches_flume_logger_sink_layout() {
        // The Flume user guide's netcat example logs "Hello world!\r".
        let e = FlumeEvent::with_body("Hello world!\r");
        let expected = format!(
            "{{ headers:{{}} body: 48 65 6C 6C 6F 20 77 6F 72 6C 64 21 0D {}Hello world!. }}",
            "   ".repeat(3)
        );
        assert_eq!(e.dump(16), expected);
    }

    #[test]
    fn dump_truncates_to_max_bytes_and_prints_headers_like_java() {
        let mut e = FlumeEvent::with_body("0123456789abcdefXYZ");
        e.headers.insert("type".into(), "number".into());
        e.headers.insert("host".into(), "h".into());
        let d = e.dump(16);
        assert!(d.starts_with("{ headers:{host=h, type=number} body: 30 31"));
        assert!(d.ends_with("0123456789abcdef }"), "{d}");
        assert!(!d.contains("XYZ"));
        assert_eq!(FlumeEvent::with_body("").dump(16), "{ headers:{} body: }");
    }
}
