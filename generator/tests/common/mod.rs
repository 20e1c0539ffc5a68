//! Helpers shared by the generator's integration tests: temporary project copies and running
//! the `webhookgen` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The fixture project: `vendor-definitions/acme.yaml` and its fixtures.
pub fn fixture_project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project")
}

/// The workspace root (where the shipped definitions are).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the generator is in the workspace").to_path_buf()
}

/// The acme fixture definition's text.
pub fn acme_text() -> String {
    std::fs::read_to_string(fixture_project().join("vendor-definitions/acme.yaml")).unwrap()
}

/// A directory under the system temp dir, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A new, empty directory.
    pub fn new(label: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("webhookgen-test-{}-{label}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// A copy of the fixture project.
    pub fn project(label: &str) -> Self {
        let dir = TempDir::new(label);
        copy_tree(&fixture_project(), dir.path());
        dir
    }

    /// A project holding only `vendor-definitions/<name>.yaml` with this text (and the acme
    /// fixtures, so `body_file`s resolve).
    pub fn with_definition(label: &str, name: &str, text: &str) -> Self {
        let dir = TempDir::new(label);
        copy_tree(&fixture_project().join("vendor-definitions/fixtures"), &dir.path().join("vendor-definitions/fixtures"));
        std::fs::write(dir.path().join(format!("vendor-definitions/{name}.yaml")), text).unwrap();
        dir
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Copies a directory tree.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under a directory, relative path → bytes.
pub fn read_tree(root: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut std::collections::BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// The result of running `webhookgen`.
pub struct Run {
    /// The exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code().expect("webhookgen exits normally"),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }

    /// The JSON findings printed by `check --format json`.
    pub fn findings(&self) -> Vec<serde_json::Value> {
        self.stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect()
    }
}

/// Runs `webhookgen --root <root> <args>`.
pub fn webhookgen(root: &Path, args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_webhookgen"));
    command.arg("--root").arg(root).args(args);
    Run::from(command.output().expect("webhookgen runs"))
}

/// Runs `webhookgen <args>` in a directory, without `--root`.
pub fn webhookgen_in(dir: &Path, args: &[&str]) -> Run {
    Run::from(Command::new(env!("CARGO_BIN_EXE_webhookgen")).current_dir(dir).args(args).output().expect("webhookgen runs"))
}

/// The 1-based line of the first line of `text` containing `needle` (after `after` lines).
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("no line contains {needle:?}")) + 1
}
