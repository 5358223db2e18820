//! Installs the tools the build needs when they are missing, and only then.
//! Nothing is downloaded from GitHub (unreachable on our machines): trunk and
//! wasm-bindgen come from crates.io, Chromium from Debian's packages.

use crate::{cargo, run, Result};
use std::path::PathBuf;
use std::process::Command;

pub const TRUNK_VERSION: &str = "0.21.14";
/// Must equal the `wasm-bindgen` pin in the workspace Cargo.toml and Trunk.toml.
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// npm's `binaryen` package; Trunk.toml names the same `version_132`.
pub const BINARYEN_VERSION: &str = "132";

fn cargo_bin() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|h| h.join("bin"))
}

/// `cargo install` puts binaries in $CARGO_HOME/bin; make sure children find them.
fn cargo_bin_on_path() {
    if let Some(bin) = cargo_bin() {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut parts: Vec<PathBuf> = std::env::split_paths(&path).collect();
        if !parts.contains(&bin) {
            parts.insert(0, bin);
            if let Ok(joined) = std::env::join_paths(parts) {
                std::env::set_var("PATH", joined);
            }
        }
    }
}

/// First line of `program --version`, if it runs.
fn version_of(program: &str) -> Option<String> {
    let out = Command::new(program).arg("--version").output().ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    })
}

pub fn ensure_build_tools() -> Result {
    cargo_bin_on_path();
    let targets = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup is needed to add the wasm32 target: {e}"))?;
    if !String::from_utf8_lossy(&targets.stdout).contains("wasm32-unknown-unknown") {
        println!("xtask: installing the wasm32-unknown-unknown target (the web app compiles to WebAssembly)");
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    if !version_of("trunk").is_some_and(|v| v.contains(TRUNK_VERSION)) {
        println!("xtask: installing trunk {TRUNK_VERSION} (builds and serves the web app; takes ~5 min once)");
        run(cargo().args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))?;
    }
    if !version_of("wasm-bindgen").is_some_and(|v| v.contains(WASM_BINDGEN_VERSION)) {
        // Without --locked: a locked dependency of this version is missing from the index.
        println!(
            "xtask: installing wasm-bindgen-cli {WASM_BINDGEN_VERSION} (trunk and the wasm test runner need this exact version; ~2 min once)"
        );
        run(cargo().args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            WASM_BINDGEN_VERSION,
        ]))?;
    }
    ensure_wasm_opt()
}

/// The toolchain that builds the release wasm (`cargo xtask dist`, and so
/// the site `cargo xtask test` checks in Chromium): a pinned nightly, because
/// only nightly can rebuild `std` with panics that abort at once
/// (`-Cpanic=immediate-abort`) and drop source locations
/// (`-Zlocation-detail=none`). The page already builds with `panic = "abort"`,
/// so a panic ends it either way; what goes is the panic-message formatting
/// and every `file:line` string: 21 KiB of the 300 KiB gzipped budget
/// (measured on 2026-12-02: 296.6 → 275.3 KiB, gzip -9). Pinned by date so a
/// build today and in a year give the same bytes; debug builds, `trunk
/// serve` and every test stay on stable.
pub const RELEASE_NIGHTLY: &str = "nightly-2026-05-20";

/// Installs [`RELEASE_NIGHTLY`] with `rust-src` (for `-Zbuild-std`) and the
/// wasm32 target, when missing.
pub fn ensure_release_toolchain() -> Result {
    let has = |what: &str, list: &[&str]| -> bool {
        Command::new("rustup").args(list).output().is_ok_and(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.starts_with(what))
        })
    };
    let toolchain_there = has(RELEASE_NIGHTLY, &["toolchain", "list"]);
    let complete = toolchain_there
        && has(
            "rust-src",
            &[
                "component",
                "list",
                "--installed",
                "--toolchain",
                RELEASE_NIGHTLY,
            ],
        )
        && has(
            "wasm32-unknown-unknown",
            &[
                "target",
                "list",
                "--installed",
                "--toolchain",
                RELEASE_NIGHTLY,
            ],
        );
    if complete {
        return Ok(());
    }
    println!(
        "xtask: installing Rust {RELEASE_NIGHTLY} with rust-src and the wasm32 target \
         (the release wasm rebuilds std without panic messages: 21 KiB smaller; ~1 min once)"
    );
    run(Command::new("rustup").args([
        "toolchain",
        "install",
        RELEASE_NIGHTLY,
        "--profile",
        "minimal",
        "--component",
        "rust-src",
        "--target",
        "wasm32-unknown-unknown",
    ]))
}

/// trunk's release build shrinks the wasm with `wasm-opt`; trunk's own
/// download of it comes from GitHub, so install npm's build of binaryen into
/// a cache and link it into $CARGO_HOME/bin, where trunk finds it.
fn ensure_wasm_opt() -> Result {
    let want = format!("version_{BINARYEN_VERSION}");
    if version_of("wasm-opt").is_some_and(|v| v.contains(&want)) {
        return Ok(());
    }
    let (Some(bin), Some(home)) = (cargo_bin(), std::env::var_os("HOME")) else {
        return Err("cannot find $CARGO_HOME/bin or $HOME to install wasm-opt into".into());
    };
    if which("npm").is_none() {
        return Err(format!(
            "release builds run wasm-opt {want}; install Node.js and npm (Debian: apt-get install -y npm) \
             or put binaryen {BINARYEN_VERSION}'s wasm-opt on PATH, and run again"
        ));
    }
    let prefix = PathBuf::from(home).join(".cache/streamlab/binaryen");
    println!(
        "xtask: installing wasm-opt (npm package binaryen@{BINARYEN_VERSION}; shrinks the release wasm) into {}",
        prefix.display()
    );
    run(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(&prefix)
        .arg(format!("binaryen@{BINARYEN_VERSION}.0.0")))?;
    let target = prefix.join("node_modules/.bin/wasm-opt");
    let link = bin.join("wasm-opt");
    let _ = std::fs::remove_file(&link);
    std::fs::create_dir_all(&bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    std::os::unix::fs::symlink(&target, &link)
        .map_err(|e| format!("linking {}: {e}", link.display()))?;
    if version_of("wasm-opt").is_some_and(|v| v.contains(&want)) {
        Ok(())
    } else {
        Err(format!(
            "wasm-opt at {} does not report {want}",
            link.display()
        ))
    }
}

fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Whether a CJK font is installed (fontconfig's list names its languages).
fn has_cjk_font() -> bool {
    Command::new("fc-list")
        .arg(":lang=zh")
        .output()
        .is_ok_and(|o| o.status.success() && !o.stdout.is_empty())
}

/// The page is also in Chinese: without a CJK font the browser tests'
/// screenshots show boxes instead of characters (the site itself downloads
/// no font, so the machine must have one). Debian's `fonts-noto-cjk`.
fn ensure_cjk_font() -> Result {
    if has_cjk_font() {
        return Ok(());
    }
    if !is_root() {
        println!(
            "xtask: no CJK font found (fc-list :lang=zh is empty): Chinese screenshots will show boxes; \
             install Debian's fonts-noto-cjk (sudo apt-get install -y fonts-noto-cjk)"
        );
        return Ok(());
    }
    println!("xtask: installing fonts-noto-cjk with apt (the page is also in Chinese; the browser tests' screenshots need a CJK font)");
    run(Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends", "fonts-noto-cjk"])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// Makes sure Chromium, its WebDriver and a CJK font are there; returns the
/// driver's path.
pub fn ensure_browser() -> Result<PathBuf> {
    if let (Some(_), Some(driver)) = (which("chromium"), which("chromedriver")) {
        ensure_cjk_font()?;
        return Ok(driver);
    }
    let is_root = is_root();
    if !is_root {
        return Err(
            "the browser tests need Debian's packages `chromium` and `chromium-driver`; \
                    install them (sudo apt-get install -y chromium chromium-driver) and run again"
                .into(),
        );
    }
    println!("xtask: installing chromium, chromium-driver and fonts-noto-cjk with apt (the wasm and end-to-end tests run in headless Chromium; the page is also in Chinese)");
    run(Command::new("apt-get")
        .arg("update")
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    run(Command::new("apt-get")
        .args([
            "install",
            "-y",
            "--no-install-recommends",
            "chromium",
            "chromium-driver",
            "fonts-noto-cjk",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    which("chromedriver")
        .ok_or_else(|| "chromedriver is still not on PATH after installing chromium-driver".into())
}
