//! `webhookgen`: turns webhook vendor definitions (`vendor-definitions/<vendor>.yaml`) into
//! complete connector crates under `generated/`.
//!
//! The pipeline, one module per step: [`load`] (YAML with positions) → [`validate`] (schema and
//! semantic checks, every finding at once, as [`diagnostics`]) → [`lower`] (a deterministic IR)
//! → [`emit`] (Rust through `quote!`/`syn`/`prettyplease`, text through tera, JSON Schemas) →
//! [`plan`] (the files to write, write them, or diff them for `--check`).

pub mod definition_file;
pub mod diagnostics;
pub mod explain;
pub mod fix;
pub mod load;
pub mod validate;
pub mod emit;
pub mod lower;
pub mod pipeline;
pub mod plan;
pub mod infer;
pub mod project;
pub mod recorded;
pub mod trial;
