//! `webhookgen`: check webhook vendor definitions and generate their connector crates.
//!
//! Exit codes: 0 ok, 1 findings or stale output, 2 an internal error (a bug, or an unusable
//! environment).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};
use webhookgen::diagnostics::Severity;
use webhookgen::emit::text::{self, ScaffoldView};
use webhookgen::emit::{self};
use webhookgen::pipeline::{self, GenerateError};
use webhookgen::plan::Change;
use webhookgen::project::Project;
use webhookgen::validate;

mod commands;

/// Turns webhook vendor definitions (vendor-definitions/<vendor>.yaml) into complete connector
/// crates under generated/.
#[derive(Debug, Parser)]
#[command(name = "webhookgen", version, about, long_about = None)]
struct Cli {
    /// The project root. Default: the Cargo workspace containing the current directory.
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create something new from a template.
    New {
        #[command(subcommand)]
        what: New,
    },
    /// Report every problem of the named definitions (all by default), with file:line:column.
    Check {
        /// Definitions to check, by vendor id. Default: all of vendor-definitions/*.yaml.
        names: Vec<String>,
        /// Output format: `human` text, or `json` (one object per line).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Fail (exit 1) on warnings too, such as TODO markers.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Write generated/source-<vendor>-webhook/ for the named definitions (all by default) and
    /// the editor schema; delete @generated files no definition produces any more.
    Generate {
        /// Definitions to generate, by vendor id. Default: all.
        names: Vec<String>,
        /// Change nothing: print a diff of every stale, missing or orphaned file, exit 1 if any.
        #[arg(long)]
        check: bool,
    },
    /// Print the JSON Schema (draft-07) of the vendor definition format.
    Schema,
    /// Run a definition's examples, and recorded requests, through the real runtime in-process
    /// (no build): verified or why not, event type, collection, key, the vendor's response.
    /// Exit 1 if an example's outcome differs from its `expect`.
    Try {
        /// The definition: a vendor id of the project, or a path to a YAML file.
        definition: String,
        /// Recorded requests to run too: JSON/YAML (`method`, `path`, `headers`, `body`, optional
        /// `now`, `config`) or raw HTTP/1.1 dumps. See docs/authoring.md.
        #[arg(long = "request", value_name = "FILE", num_args = 1..)]
        requests: Vec<PathBuf>,
        /// The endpoint configuration (JSON or YAML) for recorded requests without their own
        /// `config`. Default: the first example's.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Output format: `human` text, or `json` (one object per request, one per line).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Propose a discriminator, event types, a document key and a JSON Schema per event type
    /// from sample payloads; print a scaffold, or merge into a definition with --into.
    Infer {
        /// A folder of samples: JSON payloads (`*.json`), recorded requests (JSON/YAML with
        /// `headers` and `body`, or raw HTTP/1.1 dumps `*.http`).
        #[arg(long, value_name = "DIR")]
        samples: PathBuf,
        /// Merge into this definition (a vendor id or a path): add the missing event types and
        /// an example per sample; never rewrites what is there.
        #[arg(long, value_name = "DEFINITION")]
        into: Option<String>,
        /// Output format of the proposal: `human` (a YAML scaffold with the scores), or `json`.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Explain any part of the format: a dotted key (`authentication.signature.format`), a JSON
    /// pointer (`/events/discriminator`), a key name (`tolerance`) or a value (`hmac`).
    Explain {
        /// What to explain.
        query: String,
        /// Output format: `human` text, or `json` (a list of explanations).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

#[derive(Debug, Subcommand)]
enum New {
    /// Write vendor-definitions/<name>.yaml: a scaffold with comments and TODO markers.
    Vendor {
        /// The vendor id: lowercase letters, digits and `-`.
        name: String,
        /// Overwrite an existing definition.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// `file:line:col: error[WG201]: …` with the source line and a hint.
    Human,
    /// One JSON object per finding, one per line.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn project(root: Option<PathBuf>) -> anyhow::Result<Project> {
    match root {
        Some(root) => Ok(Project::at(root)),
        None => {
            let cwd = std::env::current_dir().context("reading the current directory")?;
            Ok(Project::discover(&cwd)?)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Schema => {
            let schema = emit::format_schema_file();
            std::io::stdout().write_all(schema.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::New { what: New::Vendor { name, force } } => new_vendor(&project(cli.root)?, &name, force),
        Command::Check { names, format, deny_warnings } => check(&project(cli.root)?, &names, format, deny_warnings),
        Command::Generate { names, check } => generate(&project(cli.root)?, &names, check),
        Command::Try { definition, requests, config, format } => {
            commands::try_definition(&project(cli.root)?, &definition, &requests, config.as_deref(), format == Format::Json)
        }
        Command::Infer { samples, into, format } => {
            commands::infer(&project(cli.root)?, &samples, into.as_deref(), format == Format::Json)
        }
        Command::Explain { query, format } => commands::explain(&query, format == Format::Json),
    }
}

fn is_vendor_id(name: &str) -> bool {
    let mut parts = name.split('-');
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && parts.all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
}

fn new_vendor(project: &Project, name: &str, force: bool) -> anyhow::Result<ExitCode> {
    if !is_vendor_id(name) {
        eprintln!("error: `{name}` is not a vendor id: use lowercase letters and digits, parts separated by `-` (like `acme-pay`)");
        return Ok(ExitCode::from(1));
    }
    let path = project.definition_path(name);
    if path.exists() && !force {
        eprintln!("error: {} already exists; edit it, or pass --force to replace it with a fresh scaffold", path.display());
        return Ok(ExitCode::from(1));
    }
    let view = ScaffoldView {
        id: name.to_string(),
        spec_version: webhook_definition::SPEC_VERSION,
        schema_path: "../generated/vendor-definition.schema.json".into(),
    };
    let scaffold = text::render(text::SCAFFOLD, &view)?;
    // The scaffold must be valid from the start: only TODO warnings.
    let checked = validate::check(&Project::definition_label(name), &scaffold, None, Some(name));
    if checked.has_errors() {
        for d in &checked.diagnostics {
            eprint!("{}", d.render_human(Some(&scaffold)));
        }
        anyhow::bail!("the scaffold template produced an invalid definition; this is a webhookgen bug");
    }
    std::fs::create_dir_all(project.definitions_dir()).with_context(|| format!("creating {}", project.definitions_dir().display()))?;
    std::fs::write(&path, scaffold).with_context(|| format!("writing {}", path.display()))?;
    println!("wrote {}", path.display());
    println!("next: fill in the TODOs, then `cargo run -p webhookgen -- check {name}` and `… generate {name}`");
    Ok(ExitCode::SUCCESS)
}

fn check(project: &Project, names: &[String], format: Format, deny_warnings: bool) -> anyhow::Result<ExitCode> {
    let selected = match project.select(names) {
        Ok(selected) => selected,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let mut checked = Vec::new();
    for name in &selected {
        checked.push(pipeline::check_one(project, name)?);
    }
    let (mut errors, mut warnings) = (0, 0);
    let mut out = std::io::stdout().lock();
    for (def, d) in pipeline::diagnostics(&checked) {
        match d.severity {
            Severity::Error => errors += 1,
            Severity::Warning => warnings += 1,
        }
        match format {
            Format::Human => writeln!(out, "{}", d.render_human(Some(&def.text)))?,
            Format::Json => writeln!(out, "{}", d.render_json())?,
        }
    }
    if format == Format::Human {
        writeln!(out, "checked {} definition(s): {errors} error(s), {warnings} warning(s)", selected.len())?;
    }
    let failed = errors > 0 || (deny_warnings && warnings > 0);
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn generate(project: &Project, names: &[String], check_only: bool) -> anyhow::Result<ExitCode> {
    let plan = match pipeline::plan(project, names) {
        Ok(plan) => plan,
        Err(GenerateError::Findings(defs)) => {
            for (def, d) in pipeline::diagnostics(&defs) {
                if d.is_error() {
                    eprintln!("{}", d.render_human(Some(&def.text)));
                }
            }
            eprintln!("error: {}", GenerateError::Findings(defs));
            return Ok(ExitCode::from(1));
        }
        Err(GenerateError::Project(e)) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
        Err(GenerateError::Lower(e)) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
        Err(e @ GenerateError::Emit(_)) => return Err(e.into()),
    };
    let root = project.root();
    if check_only {
        let diff = plan.diff(root)?;
        if diff.is_empty() {
            println!("generated files are up to date ({} files)", plan.files.len());
            return Ok(ExitCode::SUCCESS);
        }
        print!("{diff}");
        let names = if names.is_empty() { String::new() } else { format!(" {}", names.join(" ")) };
        eprintln!("error: generated files are out of date; run `cargo run -p webhookgen -- generate{names}` and commit the result");
        return Ok(ExitCode::from(1));
    }
    let changes = match plan.write(root) {
        Ok(changes) => changes,
        Err(e @ webhookgen::plan::PlanError::HandWritten(_)) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    };
    for change in &changes {
        match change {
            Change::Create(p) => println!("created {}", p.display()),
            Change::Update(p) => println!("updated {}", p.display()),
            Change::Delete(p) => println!("deleted {}", p.display()),
        }
    }
    println!("{} file(s) planned, {} changed", plan.files.len(), changes.len());
    Ok(ExitCode::SUCCESS)
}
