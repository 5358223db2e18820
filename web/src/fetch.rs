//! Fetching the site's data files (preset scripts, lessons, the Chinese
//! dictionary) as text: the thin browser layer the loaders share, with
//! the failure said in HTTP's words.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why a data file could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// Not in a browser window (nothing to fetch with).
    #[error("GET {url}: no browser window to fetch from")]
    NoWindow { url: String },
    /// The request never got an answer (offline, blocked), in the browser's words.
    #[error("GET {url}: {reason}")]
    Network { url: String, reason: String },
    /// The server answered, but not with the file.
    #[error("GET {url}: {status} {status_text}")]
    Status {
        url: String,
        status: u16,
        status_text: String,
    },
}

/// The browser's words for a rejected promise (a `TypeError: Failed to fetch`).
pub fn reason(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the request failed".to_string())
}

/// Fetches `url` (relative to the page) as text.
pub async fn fetch_text(url: &str) -> Result<String, FetchError> {
    let url = url.to_string();
    let window = web_sys::window().ok_or_else(|| FetchError::NoWindow { url: url.clone() })?;
    let network = |e: JsValue| FetchError::Network {
        url: url.clone(),
        reason: reason(&e),
    };
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&url))
        .await
        .map_err(network)?
        .dyn_into()
        .map_err(network)?;
    if !response.ok() {
        return Err(FetchError::Status {
            url,
            status: response.status(),
            status_text: response.status_text(),
        });
    }
    let text = JsFuture::from(response.text().map_err(network)?)
        .await
        .map_err(network)?;
    text.as_string().ok_or_else(|| FetchError::Network {
        url: url.clone(),
        reason: "the answer is not text".to_string(),
    })
}
