//! Share links with the browser's own DEFLATE (`CompressionStream` and
//! `DecompressionStream`, format `deflate-raw`), so the wasm carries no
//! compressor: the core's codec parts do the rest, and the links are the
//! ones the CLI writes and reads with miniz.
//!
//! The streams are driven from a few lines of JavaScript: web-sys bindings
//! for the same streams cost more wasm than the snippet does.

use js_sys::{Promise, Uint8Array};
use streamlab_core::share::{
    fragment_of, pack, payload_of, unpack, ShareError, SharedScenario, MAX_DECODED_LEN,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = r#"
const collect = async (stream, limit) => {
  const reader = stream.getReader();
  const chunks = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    // A deflate bomb stops here: no more is read than the limit.
    if (n > limit) {
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};
const through = (bytes, transform) => new Blob([bytes]).stream().pipeThrough(transform);
export function deflate_raw(bytes) {
  return collect(through(bytes, new CompressionStream("deflate-raw")), Infinity);
}
export function inflate_raw(bytes, limit) {
  return collect(through(bytes, new DecompressionStream("deflate-raw")), limit).catch((e) => {
    throw String((e && e.message) || e);
  });
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    fn deflate_raw(bytes: &[u8]) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch)]
    fn inflate_raw(bytes: &[u8], limit: f64) -> Result<Promise, JsValue>;
}

/// Raw DEFLATE of `raw` by the browser. Fails only where the browser has
/// no `CompressionStream`.
pub async fn deflate(raw: &[u8]) -> Result<Vec<u8>, JsValue> {
    let out = JsFuture::from(deflate_raw(raw)?).await?;
    Ok(out.dyn_into::<Uint8Array>()?.to_vec())
}

/// Inflates raw DEFLATE, reading at most [`MAX_DECODED_LEN`] bytes of
/// output (then [`ShareError::TooLarge`]), with the core's errors for data
/// that is cut short or corrupt.
pub async fn inflate(deflated: &[u8]) -> Result<Vec<u8>, ShareError> {
    let too_large = ShareError::TooLarge {
        max: MAX_DECODED_LEN,
    };
    let result = match inflate_raw(deflated, MAX_DECODED_LEN as f64) {
        Ok(promise) => JsFuture::from(promise).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(out) => out
            .dyn_into::<Uint8Array>()
            .map(|a| a.to_vec())
            .map_err(|_| too_large),
        // Chromium says "Compressed input was truncated."; anything else
        // (bad block type, junk after the end, no stream support) is corrupt.
        Err(e) => Err(match e.as_string().filter(|m| m.contains("truncated")) {
            Some(_) => ShareError::truncated_deflate(),
            None => ShareError::corrupt_deflate(),
        }),
    }
}

/// The fragment (`v1=...`, no `#`) of a scenario, as
/// `streamlab_core::share::encode` would write it but deflated by the browser.
pub async fn encode(s: &SharedScenario) -> Result<String, JsValue> {
    Ok(fragment_of(&deflate(&pack(s)).await?))
}

/// Opens a share link fragment, as `streamlab_core::share::decode_with_version`
/// does, inflating with the browser.
pub async fn decode_with_version(fragment: &str) -> Result<(u32, SharedScenario), ShareError> {
    let payload = payload_of(fragment)?;
    let raw = if payload.is_deflated() {
        inflate(&payload.bytes).await?
    } else {
        payload.bytes
    };
    Ok((payload.version, unpack(payload.version, raw)?))
}
