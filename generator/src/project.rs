//! Where things are in a webhookgen project: the workspace root, the definitions, their fixtures
//! and the generated crates.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// A project rooted at a Cargo workspace.
#[derive(Debug, Clone)]
pub struct Project {
    root: PathBuf,
}

/// A problem finding or reading the project.
#[derive(Debug)]
pub enum ProjectError {
    /// No `Cargo.toml` with a `[workspace]` table above the start directory.
    NoWorkspace(PathBuf),
    /// A named definition does not exist.
    UnknownDefinition {
        /// The name asked for.
        name: String,
        /// The definitions that exist.
        known: Vec<String>,
    },
    /// The project has no definitions at all.
    NoDefinitions(PathBuf),
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

impl fmt::Display for ProjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProjectError::NoWorkspace(start) => write!(
                f,
                "no Cargo workspace (a Cargo.toml with [workspace]) found at or above {}; run inside the project or pass --root",
                start.display()
            ),
            ProjectError::UnknownDefinition { name, known } => {
                write!(f, "there is no definition vendor-definitions/{name}.yaml")?;
                if let Some(suggestion) = crate::diagnostics::closest(name, known.iter().map(String::as_str)) {
                    write!(f, "; did you mean `{suggestion}`?")?;
                }
                if known.is_empty() {
                    write!(f, " (create one with `webhookgen new vendor {name}`)")
                } else {
                    write!(f, " (known: {})", known.join(", "))
                }
            }
            ProjectError::NoDefinitions(dir) => write!(
                f,
                "no definitions in {} (is --root right? create one with `webhookgen new vendor <name>`)",
                dir.display()
            ),
            ProjectError::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for ProjectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ProjectError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Reads a file, naming it in the error.
pub fn read(path: &Path) -> Result<String, ProjectError> {
    std::fs::read_to_string(path).map_err(|source| ProjectError::Io { path: path.to_path_buf(), source })
}

impl Project {
    /// A project at an explicit root.
    pub fn at(root: impl Into<PathBuf>) -> Self {
        Project { root: root.into() }
    }

    /// The project whose workspace contains `start`: the nearest directory at or above it with a
    /// `Cargo.toml` declaring `[workspace]`.
    pub fn discover(start: &Path) -> Result<Self, ProjectError> {
        let mut dir = Some(start);
        while let Some(d) = dir {
            let manifest = d.join("Cargo.toml");
            if let Ok(text) = std::fs::read_to_string(&manifest)
                && text.lines().any(|l| l.trim() == "[workspace]")
            {
                return Ok(Project::at(d));
            }
            dir = d.parent();
        }
        Err(ProjectError::NoWorkspace(start.to_path_buf()))
    }

    /// The workspace root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `vendor-definitions/`.
    pub fn definitions_dir(&self) -> PathBuf {
        self.root.join("vendor-definitions")
    }

    /// `vendor-definitions/<name>.yaml`.
    pub fn definition_path(&self, name: &str) -> PathBuf {
        self.definitions_dir().join(format!("{name}.yaml"))
    }

    /// The label of a definition in findings and headers: `vendor-definitions/<name>.yaml`.
    pub fn definition_label(name: &str) -> String {
        format!("vendor-definitions/{name}.yaml")
    }

    /// `vendor-definitions/fixtures/<name>/`, where large example bodies live.
    pub fn fixtures_dir(&self, name: &str) -> PathBuf {
        self.definitions_dir().join("fixtures").join(name)
    }

    /// `generated/`.
    pub fn generated_dir(&self) -> PathBuf {
        self.root.join("generated")
    }

    /// The names of every definition, sorted.
    pub fn definition_names(&self) -> Result<Vec<String>, ProjectError> {
        let dir = self.definitions_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(ProjectError::Io { path: dir, source }),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| ProjectError::Io { path: dir.clone(), source })?;
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "yaml")
                && path.is_file()
                && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
            {
                names.push(stem.to_string());
            }
        }
        names.sort();
        Ok(names)
    }

    /// The definitions named, or all of them when none are; unknown names are an error.
    pub fn select(&self, names: &[String]) -> Result<Vec<String>, ProjectError> {
        let known = self.definition_names()?;
        if names.is_empty() {
            return Ok(known);
        }
        let mut selected = Vec::new();
        for name in names {
            if !known.contains(name) {
                return Err(ProjectError::UnknownDefinition { name: name.clone(), known });
            }
            if !selected.contains(name) {
                selected.push(name.clone());
            }
        }
        Ok(selected)
    }
}
