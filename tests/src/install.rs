//! Installing pinned packages from a public registry (npm, PyPI) into `target/`, once per pin set,
//! for the tests that need them (`tests/official_sdks.rs`: the vendors' SDKs; `tests/real_payloads.rs`:
//! GitHub's example payloads).
//!
//! An installation is built in a staging folder beside its final one and renamed into place with a
//! stamp of what it was made from (the pins), so an interrupted install is never mistaken for a
//! finished one and a stale one is redone. Only a failure to reach the registry is reported as
//! [`Install::Unreachable`] (the caller prints a `SKIP` line); every other failure panics.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// An installation, or why there is none.
#[derive(Debug)]
pub enum Install {
    /// The folder holding the installation.
    Ready(PathBuf),
    /// The registry could not be reached: the reason, for the SKIP line.
    Unreachable(String),
}

/// Runs `command` with no stdin and captures its output; panics when it cannot be started.
pub fn run_capture(command: &mut Command, what: &str) -> Output {
    command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e} (Node.js with npm and Python 3 with venv are needed)"))
}

/// `npm ci` in `dir` (which holds a `package.json` and its `package-lock.json`): exact versions and
/// integrity hashes from the lockfile, no install scripts, one retry and a 30 s timeout per fetch.
pub fn npm_ci(dir: &Path) -> Command {
    let mut ci = Command::new("npm");
    ci.current_dir(dir).args([
        "ci",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        "--fetch-retries=1",
        "--fetch-timeout=30000",
    ]);
    ci
}

/// Installs `root/<name>` unless it already holds an installation stamped `stamp`: `steps` is
/// given a fresh staging folder beside it (and may copy files into it) and returns the commands
/// to run, in order, with what to call each in messages. The staging folder is stamped and
/// renamed into place; a concurrent process installing the same pins is tolerated.
pub fn install(
    root: &Path,
    name: &str,
    stamp: &str,
    steps: impl FnOnce(&Path) -> Vec<(Command, &'static str)>,
) -> Install {
    let dir = root.join(name);
    let stamp_file = |d: &Path| d.join(".installed-from");
    if std::fs::read_to_string(stamp_file(&dir)).is_ok_and(|s| s == stamp) {
        return Install::Ready(dir);
    }
    let staging = root.join(format!("{name}.staging-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).expect("creating the SDK staging folder");
    for (mut command, what) in steps(&staging) {
        let out = run_capture(&mut command, what);
        if !out.status.success() {
            let _ = std::fs::remove_dir_all(&staging);
            let stderr = String::from_utf8_lossy(&out.stderr);
            if let Some(line) = network_failure(&stderr) {
                let line: String = line.trim().chars().take(200).collect();
                return Install::Unreachable(format!("{what}: {line}"));
            }
            panic!(
                "{what} failed ({}), and not for want of the network:\n{stderr}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
    std::fs::write(stamp_file(&staging), stamp).expect("writing the install stamp");
    if std::fs::read_to_string(stamp_file(&dir)).is_ok_and(|s| s == stamp) {
        // Another test process finished the same install meanwhile (and may be using it).
        let _ = std::fs::remove_dir_all(&staging);
        return Install::Ready(dir);
    }
    let _ = std::fs::remove_dir_all(&dir);
    if std::fs::rename(&staging, &dir).is_err() {
        // Another test process installed the same pins meanwhile: use its copy.
        let _ = std::fs::remove_dir_all(&staging);
        assert!(
            std::fs::read_to_string(stamp_file(&dir)).is_ok_and(|s| s == stamp),
            "could not move the {name} SDK install into {}",
            dir.display()
        );
    }
    Install::Ready(dir)
}

/// The first line of an installer's stderr that says the registry could not be reached.
pub fn network_failure(stderr: &str) -> Option<&str> {
    const MARKERS: [&str; 14] = [
        "enotfound",
        "eai_again",
        "econnrefused",
        "econnreset",
        "etimedout",
        "enetunreach",
        "ehostunreach",
        "network is unreachable",
        "temporary failure in name resolution",
        "name or service not known",
        "failed to establish a new connection",
        "connection refused",
        "read timed out",
        "no route to host",
    ];
    stderr.lines().find(|line| {
        let line = line.to_ascii_lowercase();
        MARKERS.iter().any(|m| line.contains(m))
    })
}
