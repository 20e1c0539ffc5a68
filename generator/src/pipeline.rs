//! The whole pipeline over a project's definitions: check each, and build the plan of every file
//! generation produces.

use std::fmt;
use std::path::PathBuf;

use crate::diagnostics::Diagnostic;
use crate::emit::{self, EmitError};
use crate::lower::{self, LowerError};
use crate::plan::Plan;
use crate::project::{self, Project, ProjectError};
use crate::validate::{self, Checked};

/// One definition, read and checked.
#[derive(Debug, Clone)]
pub struct CheckedDefinition {
    /// Its name (the file stem).
    pub name: String,
    /// Its text, for rendering findings with their source line.
    pub text: String,
    /// The findings and, when clean, the typed definition.
    pub checked: Checked,
}

/// Reads and checks one definition of a project.
pub fn check_one(project: &Project, name: &str) -> Result<CheckedDefinition, ProjectError> {
    let text = project::read(&project.definition_path(name))?;
    let fixtures = project.fixtures_dir(name);
    let checked = validate::check(&Project::definition_label(name), &text, Some(&fixtures), Some(name));
    Ok(CheckedDefinition { name: name.to_string(), text, checked })
}

/// A failure building the plan.
#[derive(Debug)]
pub enum GenerateError {
    /// The project could not be read.
    Project(ProjectError),
    /// A definition has errors; nothing is generated.
    Findings(Vec<CheckedDefinition>),
    /// A definition could not be lowered (an unreadable fixture).
    Lower(LowerError),
    /// A generator bug.
    Emit(EmitError),
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GenerateError::Project(e) => e.fmt(f),
            GenerateError::Findings(defs) => {
                let errors: usize = defs.iter().map(|d| d.checked.diagnostics.iter().filter(|x| x.is_error()).count()).sum();
                write!(f, "{errors} error(s) in the definitions; nothing was generated (run `webhookgen check` for details)")
            }
            GenerateError::Lower(e) => e.fmt(f),
            GenerateError::Emit(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for GenerateError {}

impl From<ProjectError> for GenerateError {
    fn from(e: ProjectError) -> Self {
        GenerateError::Project(e)
    }
}

/// The plan for the named definitions (all when none are named), plus the editor schema. With a
/// subset, only those connectors' directories are in scope for orphan deletion.
pub fn plan(project: &Project, names: &[String]) -> Result<Plan, GenerateError> {
    let selected = project.select(names)?;
    if selected.is_empty() {
        // Generating nothing would delete every connector as orphaned: surely the wrong root.
        return Err(GenerateError::Project(ProjectError::NoDefinitions(project.definitions_dir())));
    }
    let mut failed = Vec::new();
    let mut connectors = Vec::new();
    for name in &selected {
        let checked = check_one(project, name)?;
        match &checked.checked.definition {
            Some(definition) if !checked.checked.has_errors() => {
                let connector = lower::lower(definition.clone(), &Project::definition_label(name), &project.fixtures_dir(name))
                    .map_err(GenerateError::Lower)?;
                connectors.push(connector);
            }
            _ => failed.push(checked),
        }
    }
    if !failed.is_empty() {
        return Err(GenerateError::Findings(failed));
    }

    let mut plan = Plan::default();
    let schema_path = PathBuf::from("generated/vendor-definition.schema.json");
    plan.files.insert(schema_path.clone(), emit::format_schema_file());
    if names.is_empty() {
        plan.scopes.push(PathBuf::from("generated"));
    } else {
        plan.scopes.push(schema_path);
    }
    for connector in &connectors {
        let dir = PathBuf::from("generated").join(&connector.crate_name);
        for (path, contents) in emit::connector_files(connector).map_err(GenerateError::Emit)? {
            plan.files.insert(dir.join(path), contents);
        }
        if !names.is_empty() {
            plan.scopes.push(dir);
        }
    }
    Ok(plan)
}

/// All diagnostics of a set of checked definitions, in order.
pub fn diagnostics(defs: &[CheckedDefinition]) -> impl Iterator<Item = (&CheckedDefinition, &Diagnostic)> {
    defs.iter().flat_map(|d| d.checked.diagnostics.iter().map(move |x| (d, x)))
}
