//! Checking a definition: YAML syntax, then the schema, then the semantic rules, then the typed
//! decode and the examples' captured documents against their schemas. Every finding of every
//! pass is reported in one run.

pub mod documents;
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
            comment_todos(text, &mut diagnostics);
            crate::fix::suggest_all(&mut diagnostics, text, &doc);
            if !diagnostics.iter().any(Diagnostic::is_error) {
                match load::decode(text) {
                    Ok(d) => {
                        let findings = documents::check(&d, &doc, fixtures);
                        if findings.is_empty() {
                            definition = Some(d);
                        }
                        diagnostics.extend(findings);
                    }
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

/// Where a YAML comment starts on a line: a `#` at the start or after whitespace, outside quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if (c == '"' || c == '\'') && (previous.is_whitespace() || previous == ':' || i == 0) => quote = Some(c),
            None if c == '#' && previous.is_whitespace() => return Some(i),
            None => {}
        }
        previous = c;
    }
    None
}

/// `TODO` markers in comments are warnings too (the scaffold puts some there); a line whose
/// value already has a TODO finding is not reported twice.
fn comment_todos(text: &str, diagnostics: &mut Vec<Diagnostic>) {
    let reported: std::collections::BTreeSet<usize> =
        diagnostics.iter().filter(|d| d.code == Code::Todo).map(|d| d.line).collect();
    for (index, line) in text.lines().enumerate() {
        let Some(start) = comment_start(line) else { continue };
        let comment = &line[start..];
        if let Some(todo) = comment.find("TODO")
            && !reported.contains(&(index + 1))
        {
            let column = line[..start + todo].chars().count() + 1;
            let marker = comment[todo..].trim();
            diagnostics.push(
                Diagnostic::new(Code::Todo, load::Position { line: index + 1, column }, "", format!("TODO left in a comment: {marker}"))
                    .hint("settle the TODO from the vendor's documentation, then remove the marker"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_comments_outside_quotes() {
        assert_eq!(comment_start("a: b # c"), Some(5));
        assert_eq!(comment_start("# top"), Some(0));
        assert_eq!(comment_start("a: \"x # y\" # z"), Some(11));
        assert_eq!(comment_start("a: C#"), None);
        assert_eq!(comment_start("a: 'it''s' # z"), Some(11));
    }

    #[test]
    fn todo_comments_are_warnings_once_per_line() {
        let mut diagnostics = Vec::new();
        comment_todos("a: 1  # TODO: check\nb: \"TODO\"  # TODO twice\n# TODO: top\n", &mut diagnostics);
        let lines: Vec<usize> = diagnostics.iter().map(|d| d.line).collect();
        assert_eq!(lines, vec![1, 2, 3]);
        assert_eq!(diagnostics[0].column, 9);
        assert!(diagnostics.iter().all(|d| d.code == Code::Todo && !d.is_error()));
    }
}
