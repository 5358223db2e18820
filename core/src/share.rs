//! The share link: a whole scenario (script, with its `sim seed`; the time
//! on the timeline; the open view) packed into a URL fragment, compact and
//! versioned, so a link opens the same scenario in anyone's browser.
//!
//! # Format
//!
//! A fragment is `v<N>=<payload>`; a leading `#` is accepted and ignored.
//!
//! * **`v1`** (written by [`encode`]): payload = URL-safe base64 without
//!   padding (RFC 4648 §5) of the raw DEFLATE (RFC 1951) of this layout:
//!
//!   ```text
//!   byte 0     flags: bit 0 = time_ms present, bit 1 = view present,
//!              bits 2..7 must be 0
//!   [time_ms]  unsigned LEB128, at most 10 bytes       (if bit 0)
//!   [view]     LEB128 byte length, then UTF-8 bytes    (if bit 1)
//!   rest       the script, UTF-8, to the end
//!   ```
//!
//!   A bare script costs one header byte; text fields need no escaping
//!   because the script runs to the end and the view is length-prefixed.
//! * **`v0`** (the earlier format, read only): payload = URL-safe base64 of
//!   the uncompressed script; no time, no view.
//!
//! # Migration path
//!
//! Every version keeps a decoder that produces today's [`SharedScenario`];
//! [`encode`] writes only [`CURRENT_VERSION`]. A new layout gets `v2=` and a
//! new decoder; `v1` then becomes read-only like `v0`. A page that opened an
//! older link learns so from [`decode_with_version`] and rewrites the URL in
//! the current format. A version this build does not know (say, a link from
//! a newer release) is [`ShareError::UnknownVersion`], never a guess.
//!
//! # Without DEFLATE
//!
//! [`encode`] and [`decode`] deflate with miniz. A caller with its own
//! compressor (the web app uses the browser's `CompressionStream`, keeping
//! miniz out of the wasm) builds the same links from the parts: [`pack`] and
//! [`fragment_of`] to write, [`payload_of`] and [`unpack`] to read, with
//! [`ShareError::truncated_deflate`] and friends for its inflater's
//! failures. Raw DEFLATE from any compressor opens anywhere.
//!
//! # Limits
//!
//! Decoding refuses fragments over [`MAX_FRAGMENT_LEN`] characters and
//! payloads that unpack to more than [`MAX_DECODED_LEN`] bytes (the
//! inflater stops at the limit, so a deflate bomb costs at most that much
//! memory). Raw DEFLATE has no checksum: a truncated link fails (its final
//! block is missing), but a changed character may still decode to a valid,
//! different scenario; the script is parsed before it is handed out.

use crate::script::{parse, ScriptError};
use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use miniz_oxide::inflate::TINFLStatus;

/// The version [`encode`] writes.
pub const CURRENT_VERSION: u32 = 1;
/// Longest fragment [`decode`] reads, in characters (64 KiB).
pub const MAX_FRAGMENT_LEN: usize = 64 * 1024;
/// Largest unpacked payload [`decode`] accepts, in bytes (1 MiB).
pub const MAX_DECODED_LEN: usize = 1024 * 1024;

const FLAG_TIME: u8 = 0b01;
const FLAG_VIEW: u8 = 0b10;
/// Best ratio; scripts are small, so speed does not matter here.
const DEFLATE_LEVEL: u8 = 10;

/// URL-safe alphabet; writes no padding, but reads links whose padding was
/// added by some other tool.
const B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A scenario as a share link carries it. The seed lives in the script
/// (`sim seed S`), so replaying the script rebuilds the same run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SharedScenario {
    pub script: String,
    /// Position on the timeline, in simulated milliseconds.
    pub time_ms: Option<u64>,
    /// The open view or panel, as the web app names it.
    pub view: Option<String>,
}

/// Why a share link could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    /// Nothing after the `#`.
    #[error("the share link is empty: expected a fragment like #v1=...")]
    Empty,
    /// No `vN=` prefix.
    #[error("the share link has no format version: expected a fragment like #v1=...")]
    MissingVersion,
    /// A `vN=` this build cannot read, e.g. from a newer streamlab.
    #[error("share link format `{version}` is unknown to this streamlab (it reads v0 and v1); the link may come from a newer release")]
    UnknownVersion { version: String },
    /// The fragment is longer than [`MAX_FRAGMENT_LEN`].
    #[error("the share link is {len} bytes long; the limit is {max}")]
    FragmentTooLong { len: usize, max: usize },
    /// The payload is not URL-safe base64: cut or mistyped.
    #[error("the share link is damaged: its payload is not URL-safe base64 ({detail})")]
    BadBase64 { detail: String },
    /// The compressed data or the header inside it is truncated or corrupt.
    #[error("the share link is damaged: {detail}")]
    Corrupt { detail: String },
    /// The payload unpacks to more than [`MAX_DECODED_LEN`] bytes.
    #[error("the shared scenario unpacks to more than {max} bytes; refusing it")]
    TooLarge { max: usize },
    /// The script or the view is not UTF-8 text.
    #[error("the shared scenario's {field} is not valid UTF-8 text (at byte {at})")]
    InvalidUtf8 { field: &'static str, at: usize },
    /// The script decoded but is not a valid scenario script.
    #[error("the shared scenario's script does not parse: {0}")]
    Script(#[from] ScriptError),
}

impl ShareError {
    /// The DEFLATE data ends before its final block: the link was cut.
    pub fn truncated_deflate() -> Self {
        ShareError::Corrupt {
            detail: "its compressed data is truncated".into(),
        }
    }

    /// The DEFLATE data is not valid DEFLATE.
    pub fn corrupt_deflate() -> Self {
        ShareError::Corrupt {
            detail: "its compressed data is corrupt".into(),
        }
    }
}

/// Packs a scenario into a fragment, `v1=...` (no leading `#`).
///
/// Does not check the script; [`decode`] parses it. A script over
/// [`MAX_DECODED_LEN`] bytes gives a link that [`decode`] refuses.
pub fn encode(s: &SharedScenario) -> String {
    fragment_of(&miniz_oxide::deflate::compress_to_vec(
        &pack(s),
        DEFLATE_LEVEL,
    ))
}

/// Opens a share link fragment (with or without the leading `#`).
pub fn decode(fragment: &str) -> Result<SharedScenario, ShareError> {
    decode_with_version(fragment).map(|(_, s)| s)
}

/// Like [`decode`], also saying which format version the link was in, so
/// a page can rewrite an old link in the [`CURRENT_VERSION`].
pub fn decode_with_version(fragment: &str) -> Result<(u32, SharedScenario), ShareError> {
    let payload = payload_of(fragment)?;
    let raw = if payload.is_deflated() {
        inflate(&payload.bytes)?
    } else {
        payload.bytes
    };
    Ok((payload.version, unpack(payload.version, raw)?))
}

/// Raw DEFLATE with miniz, stopping at [`MAX_DECODED_LEN`].
fn inflate(deflated: &[u8]) -> Result<Vec<u8>, ShareError> {
    miniz_oxide::inflate::decompress_to_vec_with_limit(deflated, MAX_DECODED_LEN).map_err(|e| {
        match e.status {
            TINFLStatus::HasMoreOutput => ShareError::TooLarge {
                max: MAX_DECODED_LEN,
            },
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                ShareError::truncated_deflate()
            }
            _ => ShareError::corrupt_deflate(),
        }
    })
}

/// The uncompressed `v1` layout of a scenario (see the module docs), which
/// [`fragment_of`] wants deflated.
pub fn pack(s: &SharedScenario) -> Vec<u8> {
    let mut raw = Vec::with_capacity(s.script.len() + 16);
    let mut flags = 0;
    if s.time_ms.is_some() {
        flags |= FLAG_TIME;
    }
    if s.view.is_some() {
        flags |= FLAG_VIEW;
    }
    raw.push(flags);
    if let Some(t) = s.time_ms {
        put_varint(&mut raw, t);
    }
    if let Some(v) = &s.view {
        put_varint(&mut raw, v.len() as u64);
        raw.extend_from_slice(v.as_bytes());
    }
    raw.extend_from_slice(s.script.as_bytes());
    raw
}

/// The [`CURRENT_VERSION`] fragment (no leading `#`) of the raw DEFLATE of
/// [`pack`]'s output. Any compressor will do: only the inflated bytes count.
pub fn fragment_of(deflated: &[u8]) -> String {
    format!("v{CURRENT_VERSION}={}", B64.encode(deflated))
}

/// A share link with its envelope opened: version known, base64 undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    pub version: u32,
    /// Raw DEFLATE when [`Payload::is_deflated`], else the layout itself.
    pub bytes: Vec<u8>,
}

impl Payload {
    /// Whether [`Payload::bytes`] must be inflated (to at most
    /// [`MAX_DECODED_LEN`] bytes, else [`ShareError::TooLarge`]) before
    /// [`unpack`]. v0 links are not compressed.
    pub fn is_deflated(&self) -> bool {
        self.version != 0
    }
}

/// Opens a fragment's envelope (with or without the leading `#`): checks
/// length and version and undoes the base64.
pub fn payload_of(fragment: &str) -> Result<Payload, ShareError> {
    // Copy-paste adds whitespace around a link; it is never part of one.
    let text = fragment.trim();
    let text = text.strip_prefix('#').unwrap_or(text).trim();
    if text.is_empty() {
        return Err(ShareError::Empty);
    }
    if text.len() > MAX_FRAGMENT_LEN {
        return Err(ShareError::FragmentTooLong {
            len: text.len(),
            max: MAX_FRAGMENT_LEN,
        });
    }
    // Some chat tools percent-encode the `=`; nothing else in a link needs it.
    let (at, sep_len) = ["=", "%3D", "%3d"]
        .iter()
        .filter_map(|sep| text.find(sep).map(|at| (at, sep.len())))
        .min()
        .ok_or(ShareError::MissingVersion)?;
    let (name, payload) = (&text[..at], &text[at + sep_len..]);
    let number = name
        .strip_prefix('v')
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .ok_or(ShareError::MissingVersion)?;
    let version = match number {
        "0" => 0,
        "1" => 1,
        _ => {
            return Err(ShareError::UnknownVersion {
                version: name.to_string(),
            })
        }
    };
    Ok(Payload {
        version,
        bytes: unbase64(payload)?,
    })
}

/// The scenario in a payload's layout: `raw` is [`Payload::bytes`],
/// inflated if [`Payload::is_deflated`]. Refuses more than
/// [`MAX_DECODED_LEN`] bytes and a script that does not parse.
pub fn unpack(version: u32, raw: Vec<u8>) -> Result<SharedScenario, ShareError> {
    if raw.len() > MAX_DECODED_LEN {
        return Err(ShareError::TooLarge {
            max: MAX_DECODED_LEN,
        });
    }
    let scenario = match version {
        0 => SharedScenario {
            script: utf8(raw, "script")?,
            time_ms: None,
            view: None,
        },
        1 => unpack_v1(&raw)?,
        _ => {
            return Err(ShareError::UnknownVersion {
                version: format!("v{version}"),
            })
        }
    };
    parse(&scenario.script)?;
    Ok(scenario)
}

fn unbase64(payload: &str) -> Result<Vec<u8>, ShareError> {
    if payload.is_empty() {
        return Err(ShareError::Corrupt {
            detail: "the payload after `=` is missing".into(),
        });
    }
    B64.decode(payload).map_err(|e| ShareError::BadBase64 {
        detail: base64_detail(payload, &e),
    })
}

/// The base64 crate names bytes by number; a person wants the character.
fn base64_detail(payload: &str, e: &base64::DecodeError) -> String {
    let char_at = |offset: usize| {
        payload
            .get(offset..)
            .and_then(|rest| rest.chars().next())
            .map_or_else(|| "?".to_string(), |c| format!("{c:?}"))
    };
    match *e {
        base64::DecodeError::InvalidByte(offset, _) => {
            format!("character {} at {offset}", char_at(offset))
        }
        base64::DecodeError::InvalidLastSymbol(offset, _) => {
            format!(
                "last character {} at {offset} cannot end it",
                char_at(offset)
            )
        }
        base64::DecodeError::InvalidLength(len) => {
            format!("{len} characters cannot be base64; is the link cut short?")
        }
        base64::DecodeError::InvalidPadding => "misplaced `=` padding".into(),
    }
}

fn unpack_v1(raw: &[u8]) -> Result<SharedScenario, ShareError> {
    let mut rest = raw;
    let (&flags, tail) = rest.split_first().ok_or_else(|| ShareError::Corrupt {
        detail: "the scenario header is missing".into(),
    })?;
    rest = tail;
    if flags & !(FLAG_TIME | FLAG_VIEW) != 0 {
        return Err(ShareError::Corrupt {
            detail: format!("the scenario header has unknown flags {flags:#04x}"),
        });
    }
    let time_ms = if flags & FLAG_TIME != 0 {
        Some(take_varint(&mut rest, "time")?)
    } else {
        None
    };
    let view = if flags & FLAG_VIEW != 0 {
        let len = take_varint(&mut rest, "view length")?;
        let len = usize::try_from(len)
            .ok()
            .filter(|&l| l <= rest.len())
            .ok_or_else(|| ShareError::Corrupt {
                detail: "the view name runs past the end of the scenario".into(),
            })?;
        let (view, tail) = rest.split_at(len);
        rest = tail;
        Some(utf8(view.to_vec(), "view")?)
    } else {
        None
    };
    Ok(SharedScenario {
        script: utf8(rest.to_vec(), "script")?,
        time_ms,
        view,
    })
}

fn utf8(bytes: Vec<u8>, field: &'static str) -> Result<String, ShareError> {
    String::from_utf8(bytes).map_err(|e| ShareError::InvalidUtf8 {
        field,
        at: e.utf8_error().valid_up_to(),
    })
}

/// Unsigned LEB128: 7 bits a byte, low first, high bit = more follows.
fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn take_varint(input: &mut &[u8], what: &str) -> Result<u64, ShareError> {
    let mut value: u64 = 0;
    for i in 0..10u32 {
        let (&byte, rest) = input.split_first().ok_or_else(|| ShareError::Corrupt {
            detail: format!("the scenario header ends inside the {what}"),
        })?;
        *input = rest;
        let bits = u64::from(byte & 0x7f);
        // The 10th byte may carry only the top bit of a u64.
        if i == 9 && bits > 1 {
            break;
        }
        value |= bits << (7 * i);
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(ShareError::Corrupt {
        detail: format!("the scenario header's {what} does not fit in 64 bits"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(script: &str, time_ms: Option<u64>, view: Option<&str>) -> SharedScenario {
        SharedScenario {
            script: script.into(),
            time_ms,
            view: view.map(String::from),
        }
    }

    /// Builds a v1 fragment from a hand-made raw (pre-deflate) payload.
    fn v1_of_raw(raw: &[u8]) -> String {
        format!(
            "v1={}",
            B64.encode(miniz_oxide::deflate::compress_to_vec(raw, 6))
        )
    }

    #[test]
    fn round_trips_every_field_combination() {
        let script = "sim seed 7\nkafka-topics.sh --list --bootstrap-server localhost:9092\n";
        for time in [None, Some(0), Some(1), Some(127), Some(128), Some(u64::MAX)] {
            for view in [None, Some(""), Some("cluster"), Some("ünïcode view")] {
                let s = scenario(script, time, view);
                let f = encode(&s);
                assert!(f.starts_with("v1="), "{f}");
                assert!(f[3..]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
                assert_eq!(decode(&f), Ok(s.clone()));
                assert_eq!(decode(&format!("#{f}")), Ok(s.clone()));
                assert_eq!(decode(&format!("  #{f}\n")), Ok(s.clone()));
                assert_eq!(decode(&f.replacen('=', "%3D", 1)), Ok(s));
            }
        }
    }

    #[test]
    fn parts_compose_to_encode_and_decode() {
        let script = format!("sim seed 4\n{}", "sim advance 10\n".repeat(20));
        let s = scenario(&script, Some(300), Some("cluster"));
        // Another compressor's bytes (stored blocks) must open all the same.
        let f = fragment_of(&miniz_oxide::deflate::compress_to_vec(&pack(&s), 0));
        assert_ne!(f, encode(&s));
        assert_eq!(decode(&f), Ok(s.clone()));
        let p = payload_of(&format!("#{}", encode(&s))).expect("opens");
        assert_eq!(p.version, CURRENT_VERSION);
        assert!(p.is_deflated());
        let raw = inflate(&p.bytes).expect("inflates");
        assert_eq!(raw, pack(&s));
        assert_eq!(unpack(p.version, raw), Ok(s));
        let v0 = payload_of(&format!("v0={}", B64.encode("sim seed 1\n"))).expect("opens");
        assert!(!v0.is_deflated());
        assert_eq!(
            unpack(v0.version, v0.bytes).map(|s| s.script),
            Ok("sim seed 1\n".to_string())
        );
    }

    #[test]
    fn unpack_refuses_what_an_inflater_let_through() {
        // An inflater that overshoots the limit is caught here too.
        assert_eq!(
            unpack(1, vec![0; MAX_DECODED_LEN + 1]),
            Err(ShareError::TooLarge {
                max: MAX_DECODED_LEN
            })
        );
        assert_eq!(
            unpack(0, vec![b'#'; MAX_DECODED_LEN + 1]),
            Err(ShareError::TooLarge {
                max: MAX_DECODED_LEN
            })
        );
        assert_eq!(
            unpack(7, vec![0]),
            Err(ShareError::UnknownVersion {
                version: "v7".into()
            })
        );
        assert!(matches!(
            unpack(
                1,
                pack(&scenario("kafka-topics.sh --nope <<EOF\n", None, None))
            ),
            Err(ShareError::Script(_))
        ));
    }

    #[test]
    fn empty_script_round_trips() {
        let s = SharedScenario::default();
        assert_eq!(decode(&encode(&s)), Ok(s));
    }

    #[test]
    fn varints_round_trip_and_refuse_overflow() {
        for v in [0, 1, 127, 128, 300, 1 << 35, u64::MAX - 1, u64::MAX] {
            let mut buf = Vec::new();
            put_varint(&mut buf, v);
            assert!(buf.len() <= 10);
            let mut slice = buf.as_slice();
            assert_eq!(take_varint(&mut slice, "time"), Ok(v));
            assert!(slice.is_empty());
        }
        let mut too_big: &[u8] = &[0xff; 10];
        assert!(matches!(
            take_varint(&mut too_big, "time"),
            Err(ShareError::Corrupt { .. })
        ));
        let mut cut: &[u8] = &[0x80];
        assert!(matches!(
            take_varint(&mut cut, "time"),
            Err(ShareError::Corrupt { .. })
        ));
    }

    #[test]
    fn v0_legacy_links_still_open() {
        let script = "sim brokers 3\nsim seed 1\n";
        let f = format!("v0={}", B64.encode(script));
        assert_eq!(
            decode_with_version(&f),
            Ok((0, scenario(script, None, None)))
        );
        assert_eq!(
            decode_with_version(&encode(&scenario(script, None, None))).map(|(v, _)| v),
            Ok(CURRENT_VERSION)
        );
    }

    #[test]
    fn empty_and_missing_version() {
        assert_eq!(decode(""), Err(ShareError::Empty));
        assert_eq!(decode("#"), Err(ShareError::Empty));
        assert_eq!(decode("  # "), Err(ShareError::Empty));
        assert_eq!(decode("hello"), Err(ShareError::MissingVersion));
        assert_eq!(decode("x=abc"), Err(ShareError::MissingVersion));
        assert_eq!(decode("v=abc"), Err(ShareError::MissingVersion));
        assert_eq!(decode("v1x=abc"), Err(ShareError::MissingVersion));
    }

    #[test]
    fn unknown_versions_are_named() {
        assert_eq!(
            decode("v2=abc"),
            Err(ShareError::UnknownVersion {
                version: "v2".into()
            })
        );
        let e = decode("#v17=").expect_err("unknown");
        assert!(e.to_string().contains("v17"), "{e}");
    }

    #[test]
    fn bad_base64_and_missing_payload() {
        assert_eq!(
            decode("v1=a*b"),
            Err(ShareError::BadBase64 {
                detail: "character '*' at 1".into()
            })
        );
        let e = decode("v1=abcde").expect_err("5 characters");
        assert!(e.to_string().contains("cut short"), "{e}");
        let e = decode("v1=ab+/").expect_err("not URL-safe");
        assert!(e.to_string().contains("'+' at 2"), "{e}");
        // `+` and `/` are the other alphabet: a link must be URL-safe.
        assert!(matches!(
            decode("v1=ab+/"),
            Err(ShareError::BadBase64 { .. })
        ));
        assert!(matches!(decode("v1=a"), Err(ShareError::BadBase64 { .. })));
        assert!(matches!(decode("v1="), Err(ShareError::Corrupt { .. })));
        assert!(matches!(decode("v0="), Err(ShareError::Corrupt { .. })));
    }

    #[test]
    fn truncated_and_corrupt_deflate() {
        let f = encode(&scenario(
            "sim seed 3\nsim produce t hello --count 10\nsim advance 100\n",
            Some(5),
            None,
        ));
        // Cut inside the data, on a whole base64 quantum so base64 is fine.
        let cut = &f[..3 + (f.len() - 3) / 2 / 4 * 4];
        assert!(
            matches!(decode(cut), Err(ShareError::Corrupt { .. })),
            "{cut}"
        );
        // Block type 3 is reserved in DEFLATE: first byte 0b111.
        let bad = format!("v1={}", B64.encode([0x07u8, 0, 0, 0]));
        assert!(matches!(decode(&bad), Err(ShareError::Corrupt { .. })));
    }

    #[test]
    fn corrupt_header() {
        for raw in [
            &b""[..],
            &[0x04][..],
            &[FLAG_TIME][..],
            &[FLAG_TIME, 0x80][..],
            &[FLAG_VIEW, 5, b'a'][..],
            &[
                FLAG_TIME, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
            ][..],
        ] {
            assert!(
                matches!(decode(&v1_of_raw(raw)), Err(ShareError::Corrupt { .. })),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn oversized_fragment_and_payload() {
        let long = format!("v1={}", "A".repeat(MAX_FRAGMENT_LEN));
        assert_eq!(
            decode(&long),
            Err(ShareError::FragmentTooLong {
                len: MAX_FRAGMENT_LEN + 3,
                max: MAX_FRAGMENT_LEN
            })
        );
        // A deflate bomb: 8 MiB of one byte packs into a few KiB.
        let mut raw = vec![0u8];
        raw.extend(std::iter::repeat_n(b'#', 8 * MAX_DECODED_LEN));
        let bomb = v1_of_raw(&raw);
        assert!(bomb.len() < MAX_FRAGMENT_LEN, "{}", bomb.len());
        assert_eq!(
            decode(&bomb),
            Err(ShareError::TooLarge {
                max: MAX_DECODED_LEN
            })
        );
        // Exactly at the limit is still fine.
        let mut raw = vec![0u8];
        raw.extend(std::iter::repeat_n(b'#', MAX_DECODED_LEN - 1));
        assert!(decode(&v1_of_raw(&raw)).is_ok());
    }

    #[test]
    fn invalid_utf8_names_the_field() {
        assert_eq!(
            decode(&v1_of_raw(&[0, b'o', b'k', 0xff])),
            Err(ShareError::InvalidUtf8 {
                field: "script",
                at: 2
            })
        );
        assert_eq!(
            decode(&v1_of_raw(&[FLAG_VIEW, 2, 0xc3, b'x'])),
            Err(ShareError::InvalidUtf8 {
                field: "view",
                at: 0
            })
        );
        assert!(matches!(
            decode(&format!("v0={}", B64.encode([0xffu8]))),
            Err(ShareError::InvalidUtf8 {
                field: "script",
                ..
            })
        ));
    }

    #[test]
    fn unparsable_script_is_refused() {
        let f = encode(&scenario(
            "sim seed 1\nkafka-console-producer.sh --topic t <<EOF\nx\n",
            None,
            None,
        ));
        assert_eq!(
            decode(&f),
            Err(ShareError::Script(ScriptError::UnclosedHeredoc {
                line: 2,
                marker: "EOF".into()
            }))
        );
        assert!(decode(&f)
            .expect_err("refused")
            .to_string()
            .contains("never closed"));
    }

    #[test]
    fn padded_base64_is_accepted() {
        let script = "sim seed 1\n";
        let padded = base64::engine::general_purpose::URL_SAFE.encode(script);
        assert!(padded.ends_with('='));
        assert_eq!(
            decode(&format!("v0%3D{padded}")).map(|s| s.script),
            Ok(script.to_string())
        );
        assert_eq!(
            decode(&format!("v0={padded}")).map(|s| s.script),
            Ok(script.to_string())
        );
    }
}
