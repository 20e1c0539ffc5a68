//! Checking a definition: YAML syntax, then the schema, then the semantic rules, then the typed
//! decode. Every finding of every pass is reported in one run.

pub mod schema;
pub mod semantic;

use std::path::Path;

use webhook_definition::Definition;

use crate::diagnostics::{Code, Diagnostic};
use crate::load::{self, SyntaxErrorKind};

/// The outcome of checking one definition.
#[derive(Debug, Clone)]
pub struct Checked {
    /// Every finding, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// The typed definition, when there is no error.
    pub definition: Option<Definition>,
}

impl Checked {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Checks a definition's text. `file` labels the findings; `fixtures` is the folder its examples'
/// `body_file`s are relative to (not checked when `None`); `expected_id` is the vendor id the
/// file name implies (`vendor-definitions/<id>.yaml`).
pub fn check(file: &str, text: &str, fixtures: Option<&Path>, expected_id: Option<&str>) -> Checked {
    let mut diagnostics = Vec::new();
    let mut definition = None;
    match load::parse(text) {
        Err(error) => {
            let code = match error.kind {
                SyntaxErrorKind::Syntax => Code::YamlSyntax,
                SyntaxErrorKind::DuplicateKey => Code::DuplicateKey,
                SyntaxErrorKind::Unsupported => Code::UnsupportedYaml,
            };
            diagnostics.push(
                Diagnostic::new(code, error.position, "", error.message)
                    .hint("fix the YAML first; the other checks run once the file parses"),
            );
        }
        Ok(doc) => {
            diagnostics.extend(schema::check(&doc));
            diagnostics.extend(semantic::check(&doc, fixtures, expected_id));
            if !diagnostics.iter().any(Diagnostic::is_error) {
                match load::decode(text) {
                    Ok(d) => definition = Some(d),
                    Err(error) => {
                        let position = error.position.unwrap_or_default();
                        diagnostics.push(
                            Diagnostic::new(Code::ModelMismatch, position, "", format!("the schema accepted this file but the model did not: {error}"))
                                .hint("this is a webhookgen bug (its schema and model disagree); please report it with this file"),
                        );
                    }
                }
            }
        }
    }
    for d in &mut diagnostics {
        d.file = file.to_string();
    }
    diagnostics.sort_by(|a, b| (a.line, a.column, a.code, &a.pointer, &a.message).cmp(&(b.line, b.column, b.code, &b.pointer, &b.message)));
    diagnostics.dedup();
    Checked { diagnostics, definition }
}
