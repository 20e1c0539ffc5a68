//! Helpers for process-level tests of connectors: locating (and building) connector binaries,
//! running them standalone or under a fake Flow runtime, and signing requests like a vendor.
//!
//! Connector binaries: for vendor `x`, the generated crate `generated/source-x-webhook` is built
//! with `cargo build -p source-x-webhook --bin source-x-webhook` (same profile as the caller; a
//! no-op when fresh, so the binary never lags the sources; cargo releases its build lock before
//! running tests, so the nested build does not wait on the outer one) and
//! `$CARGO_TARGET_DIR|target/<profile>/source-x-webhook` is run. `env!("CARGO_BIN_EXE_…")` only
//! names binaries of the test's own package, hence the explicit build.

pub mod client;
pub mod install;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;

pub use client::{Connection, Request, Response};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is inside the workspace").to_path_buf()
}

/// The target folder: `$CARGO_TARGET_DIR`, or `target/` in the workspace.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target"))
}

fn profile() -> &'static str {
    if cfg!(debug_assertions) { "debug" } else { "release" }
}

/// A connector binary and how to start it.
#[derive(Debug, Clone)]
pub struct Connector {
    /// The vendor id.
    pub vendor: String,
    /// The executable.
    pub binary: PathBuf,
    /// Environment it is started with.
    pub env: Vec<(String, String)>,
}

static BUILT: Mutex<Vec<String>> = Mutex::new(Vec::new());

impl Connector {
    /// The generated connector of `vendor`, built (or found fresh) by cargo.
    pub fn of(vendor: &str) -> Connector {
        let root = workspace_root();
        let package = format!("source-{vendor}-webhook");
        assert!(
            root.join("generated").join(&package).join("Cargo.toml").exists(),
            "no generated crate generated/{package}: run `cargo run -p webhookgen -- generate`"
        );
        let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
        if !built.iter().any(|v| v == vendor) {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let mut build = Command::new(cargo);
            build.current_dir(&root).args(["build", "--quiet", "-p", &package, "--bin", &package]);
            if profile() == "release" {
                build.arg("--release");
            }
            let status = build.status().expect("running cargo build");
            assert!(status.success(), "cargo build -p {package} failed");
            built.push(vendor.to_string());
        }
        Connector { vendor: vendor.into(), binary: target_dir().join(profile()).join(&package), env: Vec::new() }
    }

    /// A command running the connector with these arguments.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.binary);
        c.args(args);
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }
}

/// A fresh, empty directory under the system's temp dir.
pub fn temp_dir(label: &str) -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "webhookgen-e2e-{label}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creating a temp dir");
    dir
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("binding an ephemeral port").local_addr().unwrap().port()
}

/// GitHub's documented test secret.
pub const GITHUB_SECRET: &str = "It's a Secret to Everybody";

/// The endpoint configuration of the GitHub connector used by the tests.
pub fn github_config() -> Value {
    serde_json::json!({ "webhook_secret": GITHUB_SECRET })
}

/// `sha256=<hex HMAC-SHA256(secret, body)>`, as GitHub signs.
pub fn github_signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// A signed GitHub delivery of `event` (`push`, `issues`, …) with a body of about `size` bytes.
pub fn github_delivery(event: &str, delivery: &str, size: usize) -> Request {
    let head = format!(
        "{{\"action\":\"opened\",\"delivery\":\"{delivery}\",\"repository\":{{\"full_name\":\"acme/widgets\"}},\"padding\":\""
    );
    let tail = "\"}";
    let pad = size.saturating_sub(head.len() + tail.len());
    let body = format!("{head}{}{tail}", "x".repeat(pad));
    github_signed(event, delivery, body.into_bytes())
}

/// A GitHub delivery of `event` with this body, signed.
pub fn github_signed(event: &str, delivery: &str, body: Vec<u8>) -> Request {
    let signature = github_signature(GITHUB_SECRET, &body);
    Request::post(body)
        .header("Content-Type", "application/json")
        .header("X-GitHub-Event", event)
        .header("X-GitHub-Delivery", delivery)
        .header("X-Hub-Signature-256", &signature)
}

/// A connector running `serve`.
#[derive(Debug)]
pub struct Serving {
    child: Option<Child>,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its data directory.
    pub data_dir: PathBuf,
    /// Its stderr (JSON logs).
    pub log: PathBuf,
    /// The temp dir holding config, log and (by default) data; removed on drop unless a test failed.
    dir: PathBuf,
    connector: Connector,
    config: PathBuf,
    env: Vec<(String, String)>,
}

impl Serving {
    /// Starts `connector serve` with `config` in a fresh data dir and waits until it is healthy.
    pub fn start(connector: &Connector, config: &Value, env: &[(&str, &str)]) -> Serving {
        Serving::start_in(connector, config, env, None)
    }

    /// Like [`Serving::start`], with the data dir at `data_dir` when given.
    pub fn start_in(connector: &Connector, config: &Value, env: &[(&str, &str)], data_dir: Option<PathBuf>) -> Serving {
        let dir = temp_dir(&connector.vendor);
        let config_path = dir.join("config.json");
        std::fs::write(&config_path, config.to_string()).unwrap();
        let mut serving = Serving {
            child: None,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: data_dir.unwrap_or_else(|| dir.join("data")),
            log: dir.join("stderr.log"),
            dir: dir.clone(),
            connector: connector.clone(),
            config: config_path,
            env: env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        };
        serving.restart();
        serving
    }

    /// Replaces the configuration file; it takes effect at the next [`Serving::restart`].
    pub fn set_config(&mut self, config: &Value) {
        std::fs::write(&self.config, config.to_string()).unwrap();
    }

    /// (Re)starts the process on a new port with the same data dir and waits until healthy.
    pub fn restart(&mut self) {
        let port = free_port();
        self.addr = SocketAddr::from(([127, 0, 0, 1], port));
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).unwrap();
        let mut command = self.connector.command(&[
            "serve",
            "--config",
            self.config.to_str().unwrap(),
            "--data-dir",
            self.data_dir.to_str().unwrap(),
            "--port",
            &port.to_string(),
            "--host",
            "127.0.0.1",
        ]);
        for (k, v) in &self.env {
            command.env(k, v);
        }
        let child =
            command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(log).spawn().expect("starting the connector");
        self.child = Some(child);
        self.wait_healthy(Duration::from_secs(20));
    }

    fn wait_healthy(&mut self, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(r) = client::send(self.addr, &Request::get("/healthz"))
                && r.status == 200
            {
                return;
            }
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                panic!("the connector exited with {status} before it was healthy; log:\n{}", self.log_text());
            }
            assert!(Instant::now() < deadline, "the connector was not healthy in time; log:\n{}", self.log_text());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The connector's stderr so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL, and reap.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM, then wait for the exit (at most `within`).
    pub fn terminate(&mut self, within: Duration) -> Option<ExitStatus> {
        let mut child = self.child.take()?;
        let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
        let deadline = Instant::now() + within;
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Some(status);
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `connector export` of the data dir: `(collection, doc)` per stored document.
    pub fn export(&self) -> Vec<(String, Value)> {
        let out = self
            .connector
            .command(&["export", "--data-dir", self.data_dir.to_str().unwrap()])
            .stderr(Stdio::inherit())
            .output()
            .expect("running export");
        assert!(out.status.success(), "export failed");
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("export line {l:?}: {e}"));
                (v["collection"].as_str().unwrap().to_string(), v["doc"].clone())
            })
            .collect()
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        self.kill9();
        if std::thread::panicking() {
            eprintln!("connector files kept for inspection: {}", self.dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// A connector in Flow mode, driven by the test as the Flow runtime would.
#[derive(Debug)]
pub struct FlowRun {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
    /// The HTTP address after `open`.
    pub addr: SocketAddr,
    /// Its stderr (JSON logs).
    pub log: PathBuf,
}

impl FlowRun {
    /// Starts the connector with no arguments (Flow mode), listening on a free loopback port.
    pub fn start(connector: &Connector) -> FlowRun {
        let port = free_port();
        let log = temp_dir(&connector.vendor).join("stderr.log");
        let mut child = connector
            .command(&[])
            .env("PORT", port.to_string())
            .env("HOST", "127.0.0.1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("creating the log file"))
            .spawn()
            .expect("starting the connector in Flow mode");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        FlowRun { child, stdin, lines, addr: SocketAddr::from(([127, 0, 0, 1], port)), log }
    }

    /// Writes one protocol request line.
    pub fn send(&mut self, message: &Value) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        writeln!(stdin, "{message}").expect("writing to the connector");
        stdin.flush().unwrap();
    }

    /// The next line the connector writes, parsed (panics after `within`).
    pub fn next(&self, within: Duration) -> Value {
        let line =
            self.lines.recv_timeout(within).unwrap_or_else(|e| panic!("no protocol line within {within:?}: {e}"));
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("connector wrote non-JSON {line:?}: {e}"))
    }

    /// The next raw line, if one arrives within `within` (for drivers that only look at prefixes).
    pub fn next_raw(&self, within: Duration) -> Option<String> {
        self.lines.recv_timeout(within).ok()
    }

    /// A raw line already written, without waiting.
    pub fn try_raw(&self) -> Option<String> {
        self.lines.try_recv().ok()
    }

    /// The next line, if one arrives within `within`.
    pub fn try_next(&self, within: Duration) -> Option<Value> {
        self.lines.recv_timeout(within).ok().map(|l| serde_json::from_str(&l).expect("JSON line"))
    }

    /// The connector's stderr so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
    }

    /// Closes stdin (EOF) and waits for the exit (at most `within`).
    pub fn close(&mut self, within: Duration) -> Option<ExitStatus> {
        self.stdin = None;
        let deadline = Instant::now() + within;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends `open` for these collections (binding i = collections[i]) and waits for `opened`.
    pub fn open(&mut self, config: &Value, collections: &[&str]) {
        let bindings: Vec<Value> = collections
            .iter()
            .map(|c| serde_json::json!({"resourceConfig": {"collection": c}, "resourcePath": [c], "collection": {"name": format!("acme/{c}")}, "stateKey": c}))
            .collect();
        self.send(&serde_json::json!({"open": {"capture": {"name": "acme/source-test", "connectorType": "IMAGE", "config": config, "bindings": bindings}, "version": "1", "range": {"keyEnd": 4294967295u32, "rClockEnd": 4294967295u32}, "state": {}}}));
        let opened = self.next(Duration::from_secs(20));
        assert_eq!(opened, serde_json::json!({"opened": {"explicitAcknowledgements": true}}));
    }
}

impl Drop for FlowRun {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(dir) = self.log.parent() {
            if std::thread::panicking() {
                eprintln!("connector log kept for inspection: {}", self.log.display());
            } else {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
    }
}

/// Waits until `f` holds (polling), or panics with `what` after `within`.
pub fn eventually(within: Duration, what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}
