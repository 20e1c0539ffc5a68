//! Naming one definition on the command line: a vendor id of the project
//! (`webhookgen try github`) or a path to a YAML file (`webhookgen try ./acme.yaml`).

use std::path::{Path, PathBuf};

use crate::pipeline::CheckedDefinition;
use crate::project::{self, Project, ProjectError};
use crate::validate;

/// Where a definition is.
#[derive(Debug, Clone)]
pub struct DefinitionFile {
    /// Its vendor id (the file stem).
    pub name: String,
    /// The file.
    pub path: PathBuf,
    /// How findings name it.
    pub label: String,
    /// The folder its examples' `body_file`s are in.
    pub fixtures: PathBuf,
}

impl DefinitionFile {
    /// A vendor id of the project, or a path (anything ending in `.yaml`/`.yml` or holding a
    /// `/`): then its fixtures are in `fixtures/<stem>/` beside it, as in a project.
    pub fn resolve(project: &Project, arg: &str) -> Result<DefinitionFile, ProjectError> {
        let looks_like_path = arg.ends_with(".yaml") || arg.ends_with(".yml") || arg.contains('/');
        if looks_like_path {
            let path = PathBuf::from(arg);
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            return Ok(DefinitionFile {
                fixtures: dir.join("fixtures").join(&name),
                label: arg.to_string(),
                name,
                path,
            });
        }
        let name = project.select(&[arg.to_string()])?.remove(0);
        Ok(DefinitionFile {
            path: project.definition_path(&name),
            label: Project::definition_label(&name),
            fixtures: project.fixtures_dir(&name),
            name,
        })
    }

    /// Reads and checks it (the same pipeline as `webhookgen check`).
    pub fn check(&self) -> Result<CheckedDefinition, ProjectError> {
        let text = project::read(&self.path)?;
        let checked = validate::check(&self.label, &text, Some(&self.fixtures), Some(&self.name));
        Ok(CheckedDefinition {
            name: self.name.clone(),
            text,
            checked,
        })
    }
}
