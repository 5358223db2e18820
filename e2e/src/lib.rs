//! Harness for the browser end-to-end tests: serves `dist/` on 127.0.0.1,
//! starts chromedriver, and opens a headless Chromium session.
//!
//! The tests are `#[ignore]`d in plain `cargo test` (they need the release
//! build and a browser); `cargo xtask test` builds `dist/` and runs them
//! with `--ignored`, passing `STREAMLAB_DIST` and `CHROMEDRIVER`.

use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// A static file server for the built site, on an ephemeral loopback port.
pub struct SiteServer {
    pub url: String,
    _thread: std::thread::JoinHandle<()>,
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        // The presets' scenario scripts, fetched as text.
        Some("script") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

impl SiteServer {
    pub fn start(dist: PathBuf) -> Result<Self, Error> {
        let server = tiny_http::Server::http("127.0.0.1:0")?;
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .ok_or("server has no IP address")?;
        let thread = std::thread::spawn(move || {
            for request in server.incoming_requests() {
                let path = request
                    .url()
                    .split(['?', '#'])
                    .next()
                    .unwrap_or("/")
                    .to_string();
                let rel = path.trim_start_matches('/');
                let file = if rel.is_empty() {
                    dist.join("index.html")
                } else {
                    dist.join(rel)
                };
                // Never serve outside dist/.
                let inside = !rel.split('/').any(|c| c == "..");
                let response = match std::fs::read(&file) {
                    Ok(body) if inside => {
                        let header = tiny_http::Header::from_bytes(
                            &b"Content-Type"[..],
                            content_type(&file).as_bytes(),
                        )
                        .expect("static header is valid");
                        tiny_http::Response::from_data(body)
                            .with_header(header)
                            .boxed()
                    }
                    _ => tiny_http::Response::from_string("not found")
                        .with_status_code(404)
                        .boxed(),
                };
                let _ = request.respond(response);
            }
        });
        Ok(Self {
            url: format!("http://127.0.0.1:{port}/"),
            _thread: thread,
        })
    }
}

/// A running chromedriver, killed on drop.
pub struct Driver {
    child: Child,
    pub url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16, Error> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Driver {
    pub fn start() -> Result<Self, Error> {
        let bin = std::env::var("CHROMEDRIVER")
            .map_err(|_| "CHROMEDRIVER is unset: run through `cargo xtask test`")?;
        let port = free_port()?;
        let child = Command::new(bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let driver = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(driver);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err("chromedriver did not start listening within 10 s".into())
    }
}

/// Where `cargo xtask test` put the release build.
pub fn dist_dir() -> Result<PathBuf, Error> {
    let dist = PathBuf::from(
        std::env::var("STREAMLAB_DIST")
            .map_err(|_| "STREAMLAB_DIST is unset: run through `cargo xtask test`")?,
    );
    if !dist.join("index.html").is_file() {
        return Err(format!(
            "{} has no index.html: build it with `cargo xtask dist`",
            dist.display()
        )
        .into());
    }
    Ok(dist)
}

/// A headless Chromium session at `width`×`height`.
pub async fn browser(driver: &Driver, width: u32, height: u32) -> Result<Client, Error> {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", format!("--window-size={width},{height}")
        ]}),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&driver.url)
        .await?;
    // chromedriver's default page-load wait is 300 s: a renderer that stops
    // answering (a known headless chromedriver flake) should cost a minute, not five.
    client
        .update_timeouts(TimeoutConfiguration::new(
            Some(Duration::from_secs(60)),
            Some(Duration::from_secs(60)),
            None,
        ))
        .await?;
    Ok(client)
}

/// Navigates to `url`; a navigation that times out (the renderer did not
/// answer chromedriver) is tried once more, loudly, before it fails the test.
pub async fn navigate(c: &Client, url: &str) -> Result<(), Error> {
    match c.goto(url).await {
        Err(fantoccini::error::CmdError::Standard(e))
            if e.error == fantoccini::error::ErrorStatus::Timeout =>
        {
            eprintln!("e2e: navigation to {url} timed out ({e}); trying once more");
            c.goto(url).await?;
            Ok(())
        }
        other => Ok(other?),
    }
}

/// Where screenshots from the e2e run go (`target/e2e/`).
pub fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e");
    let _ = std::fs::create_dir_all(&dir);
    dir
}
