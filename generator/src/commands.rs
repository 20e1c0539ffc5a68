//! The authoring commands of the CLI: `try`, `infer` and `explain` (printing and exit codes;
//! the work is in the library's `trial`, `infer` and `explain` modules).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use webhookgen::definition_file::DefinitionFile;
use webhookgen::explain::FormatGuide;
use webhookgen::pipeline::CheckedDefinition;
use webhookgen::project::Project;
use webhookgen::{infer as inference, recorded, trial};

fn failure(message: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("error: {message}");
    Ok(ExitCode::from(1))
}

/// Resolves and checks a definition; prints its errors and returns `None` when it has any.
fn checked_definition(project: &Project, arg: &str) -> Result<(DefinitionFile, CheckedDefinition), String> {
    let file = DefinitionFile::resolve(project, arg).map_err(|e| e.to_string())?;
    let checked = file.check().map_err(|e| e.to_string())?;
    if checked.checked.has_errors() {
        let errors: Vec<_> = checked.checked.diagnostics.iter().filter(|d| d.is_error()).collect();
        for d in &errors {
            eprintln!("{}", d.render_human(Some(&checked.text)));
        }
        return Err(format!(
            "{} has {} error(s); fix them first (`webhookgen check {}` lists them, `--format json` with fixes)",
            file.label,
            errors.len(),
            file.name
        ));
    }
    Ok((file, checked))
}

fn read_config(path: &Path) -> anyhow::Result<serde_json::Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    yaml_serde::from_str(&text).with_context(|| format!("{}: not a JSON or YAML configuration", path.display()))
}

/// `webhookgen try`.
pub fn try_definition(
    project: &Project,
    arg: &str,
    request_files: &[PathBuf],
    config: Option<&Path>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let (file, checked) = match checked_definition(project, arg) {
        Ok(x) => x,
        Err(e) => return failure(e),
    };
    let mut definition = checked
        .checked
        .definition
        .clone()
        .expect("a definition without errors is decoded");
    if let Err(e) = trial::inline_bodies(&mut definition, &file.fixtures) {
        return failure(e);
    }
    let mut requests = Vec::new();
    for path in request_files {
        match recorded::read(path) {
            Ok(r) => requests.push(r),
            Err(e) => return failure(e),
        }
    }
    let config = match config {
        Some(path) => match read_config(path) {
            Ok(c) => Some(c),
            Err(e) => return failure(format!("{e:#}")),
        },
        None => None,
    };
    let mut results = trial::run_examples(&definition);
    results.extend(trial::run_requests(&definition, &requests, config.as_ref()));

    let mut out = std::io::stdout().lock();
    for r in &results {
        if json {
            writeln!(out, "{}", r.render_json())?;
        } else {
            writeln!(out, "{}", r.render_human())?;
        }
    }
    let examples = results.iter().filter(|r| r.kind == trial::Kind::Example).count();
    let differ = results.iter().filter(|r| r.as_expected == Some(false)).count();
    if !json {
        let warnings = checked.checked.diagnostics.len();
        writeln!(
            out,
            "{}: {examples} example(s), {} as expected, {differ} differ; {} recorded request(s)",
            file.label,
            examples - differ,
            requests.len()
        )?;
        let missing = trial::types_without_example(&definition, &results);
        if !missing.is_empty() {
            let shown: Vec<&str> = missing.iter().take(10).map(String::as_str).collect();
            let more = if missing.len() > shown.len() {
                format!(" and {} more", missing.len() - shown.len())
            } else {
                String::new()
            };
            writeln!(
                out,
                "note: {} event type(s) have no captured example yet: {}{more}",
                missing.len(),
                shown.join(", ")
            )?;
        }
        if examples == 0 {
            writeln!(
                out,
                "note: the definition has no examples; add the vendor's test vectors and a sample event per type"
            )?;
        }
        if warnings > 0 {
            writeln!(
                out,
                "note: {warnings} warning(s) left (TODOs); `webhookgen check {}` lists them",
                file.name
            )?;
        }
    }
    Ok(if differ > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `webhookgen infer`.
pub fn infer(project: &Project, samples_dir: &Path, into: Option<&str>, json: bool) -> anyhow::Result<ExitCode> {
    let samples = match inference::read_samples(samples_dir) {
        Ok(s) => s,
        Err(e) => return failure(e),
    };
    let Some(into) = into else {
        let proposal = inference::propose(&samples);
        let mut out = std::io::stdout().lock();
        if json {
            writeln!(out, "{}", serde_json::to_string_pretty(&proposal)?)?;
        } else {
            let id = samples_dir
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_string))
                .filter(|n| webhookgen::infer::is_vendor_id(n))
                .unwrap_or_else(|| "vendor".into());
            write!(out, "{}", inference::scaffold(&proposal, &id))?;
        }
        return Ok(ExitCode::SUCCESS);
    };
    let (file, checked) = match checked_definition(project, into) {
        Ok(x) => x,
        Err(e) => return failure(e),
    };
    let definition = checked
        .checked
        .definition
        .clone()
        .expect("a definition without errors is decoded");
    let merged = match inference::merge(&checked.text, &definition, &file, &samples) {
        Ok(m) => m,
        Err(e) => return failure(e),
    };
    for (path, contents) in &merged.fixtures {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(path, contents).with_context(|| format!("writing {}", path.display()))?;
    }
    std::fs::write(&file.path, &merged.text).with_context(|| format!("writing {}", file.path.display()))?;
    let mut out = std::io::stdout().lock();
    for line in &merged.report {
        writeln!(out, "{line}")?;
    }
    writeln!(
        out,
        "{}: added {} event type(s) and {} example(s); next: `webhookgen check {}` then `webhookgen try {}`",
        file.label, merged.added_types, merged.added_examples, file.name, file.name
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `webhookgen explain`.
pub fn explain(query: &str, json: bool) -> anyhow::Result<ExitCode> {
    match FormatGuide::new().explain(query) {
        Ok(found) => {
            let mut out = std::io::stdout().lock();
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&found)?)?;
            } else {
                for (i, e) in found.iter().enumerate() {
                    if i > 0 {
                        writeln!(out)?;
                    }
                    write!(out, "{}", e.render_human())?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => failure(e),
    }
}
