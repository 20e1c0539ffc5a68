//! The files generation produces, and applying them: write (create, update, delete orphaned
//! `@generated` files) or check (change nothing, diff everything that differs).
//!
//! A file is only ever overwritten or deleted if it carries the `@generated` marker: a file
//! somebody wrote by hand under `generated/` is left alone, and writing over one is refused.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::emit::MARKER;

/// The files one generation produces, by path relative to the project root, and the
/// directories it owns (where `@generated` files not in the plan are orphans).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Path → contents.
    pub files: BTreeMap<PathBuf, String>,
    /// Directories (or single files) this plan is responsible for, relative to the root.
    pub scopes: Vec<PathBuf>,
}

/// What applying a plan did or would do to one file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// A planned file that does not exist.
    Create(PathBuf),
    /// A planned file whose contents differ.
    Update(PathBuf),
    /// A `@generated` file no definition produces any more.
    Delete(PathBuf),
}

impl Change {
    /// The file concerned.
    pub fn path(&self) -> &Path {
        match self {
            Change::Create(p) | Change::Update(p) | Change::Delete(p) => p,
        }
    }
}

/// A failure applying a plan.
#[derive(Debug)]
pub enum PlanError {
    /// A planned file exists without the `@generated` marker: somebody wrote it by hand.
    HandWritten(PathBuf),
    /// A file system operation failed.
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::HandWritten(path) => write!(
                f,
                "{} exists and was not generated (no `{MARKER}` header); move it away, webhookgen never overwrites hand-written files",
                path.display()
            ),
            PlanError::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for PlanError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PlanError::Io { source, .. } => Some(source),
            PlanError::HandWritten(_) => None,
        }
    }
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> PlanError + '_ {
    move |source| PlanError::Io { path: path.to_path_buf(), source }
}

/// Whether a file's text carries the `@generated` marker in its first lines.
pub fn is_generated(text: &str) -> bool {
    text.lines().take(5).any(|l| l.contains(MARKER))
}

fn read_existing(path: &Path) -> Result<Option<String>, PlanError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error(path)(e)),
    }
}

/// Every file under `dir` (recursively), sorted; nothing when it does not exist.
fn files_under(dir: &Path) -> Result<Vec<PathBuf>, PlanError> {
    let mut out = Vec::new();
    if dir.is_file() {
        out.push(dir.to_path_buf());
        return Ok(out);
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(io_error(dir)(e)),
    };
    for entry in entries {
        let path = entry.map_err(io_error(dir))?.path();
        if path.is_dir() {
            out.extend(files_under(&path)?);
        } else {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

impl Plan {
    /// What applying the plan under `root` would change, in path order.
    pub fn changes(&self, root: &Path) -> Result<Vec<Change>, PlanError> {
        let mut changes = Vec::new();
        for (path, contents) in &self.files {
            match read_existing(&root.join(path))? {
                None => changes.push(Change::Create(path.clone())),
                Some(existing) if existing != *contents => changes.push(Change::Update(path.clone())),
                Some(_) => {}
            }
        }
        for orphan in self.orphans(root)? {
            changes.push(Change::Delete(orphan));
        }
        changes.sort();
        Ok(changes)
    }

    /// `@generated` files in the plan's scopes that the plan does not produce.
    fn orphans(&self, root: &Path) -> Result<Vec<PathBuf>, PlanError> {
        let mut orphans = Vec::new();
        for scope in &self.scopes {
            for file in files_under(&root.join(scope))? {
                let relative = file.strip_prefix(root).unwrap_or(&file).to_path_buf();
                if self.files.contains_key(&relative) {
                    continue;
                }
                if read_existing(&file)?.is_some_and(|text| is_generated(&text)) {
                    orphans.push(relative);
                }
            }
        }
        Ok(orphans)
    }

    /// Applies the plan: creates and updates planned files, deletes orphans (and directories they
    /// leave empty). Refuses, before changing anything, to overwrite a hand-written file.
    pub fn write(&self, root: &Path) -> Result<Vec<Change>, PlanError> {
        let changes = self.changes(root)?;
        for change in &changes {
            if let Change::Update(path) = change
                && let Some(existing) = read_existing(&root.join(path))?
                && !is_generated(&existing)
            {
                return Err(PlanError::HandWritten(path.clone()));
            }
        }
        for change in &changes {
            let full = root.join(change.path());
            match change {
                Change::Create(path) | Change::Update(path) => {
                    if let Some(parent) = full.parent() {
                        std::fs::create_dir_all(parent).map_err(io_error(parent))?;
                    }
                    std::fs::write(&full, &self.files[path]).map_err(io_error(&full))?;
                }
                Change::Delete(_) => {
                    std::fs::remove_file(&full).map_err(io_error(&full))?;
                    remove_empty_parents(&full, root);
                }
            }
        }
        Ok(changes)
    }

    /// A unified diff of every difference between the plan and the files under `root` (stale,
    /// missing and orphaned files); empty when everything is up to date.
    pub fn diff(&self, root: &Path) -> Result<String, PlanError> {
        let mut out = String::new();
        for change in self.changes(root)? {
            let path = change.path();
            let shown = path.display().to_string();
            let existing = read_existing(&root.join(path))?.unwrap_or_default();
            let (old, new, what) = match &change {
                Change::Create(p) => (String::new(), self.files[p].clone(), "missing"),
                Change::Update(p) => (existing, self.files[p].clone(), "stale"),
                Change::Delete(_) => (existing, String::new(), "orphaned (no definition produces it)"),
            };
            out.push_str(&format!("{shown}: {what}\n"));
            let diff = TextDiff::from_lines(&old, &new);
            out.push_str(
                &diff
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{shown}"), &format!("b/{shown}"))
                    .to_string(),
            );
        }
        Ok(out)
    }
}

fn remove_empty_parents(file: &Path, root: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}
