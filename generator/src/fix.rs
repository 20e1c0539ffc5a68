//! Suggested fixes for findings: a text replacement a program can apply without judgement,
//! offered only where exactly one is plausible (a misspelled key or value with a close accepted
//! one, an unsupported `spec_version`).
//!
//! A fix is located in the source text, not just by pointer, so an editor or an assistant can
//! apply it as is: replace `replace`, which starts at `line`:`column`, with `with`.

use serde::Serialize;
use serde_json::Value;
use webhook_definition::SPEC_VERSION;
use webhook_definition::template::{self, Part, TemplateErrorKind};

use crate::diagnostics::{Code, Diagnostic};
use crate::load::Document;

/// A suggested replacement in the definition's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// The line the replaced text starts on, from 1.
    pub line: usize,
    /// The column it starts at, from 1, in characters.
    pub column: usize,
    /// The text to replace, exactly as it is in the file.
    pub replace: String,
    /// The replacement.
    pub with: String,
}

/// Adds a fix to every finding that has one.
pub fn suggest_all(diagnostics: &mut [Diagnostic], text: &str, doc: &Document) {
    for d in diagnostics.iter_mut() {
        if d.fix.is_none() {
            d.fix = suggest(d, text, doc);
        }
    }
}

/// The fix for one finding, if exactly one is plausible.
pub fn suggest(d: &Diagnostic, text: &str, doc: &Document) -> Option<Fix> {
    let (old, new) = replacement(d, doc)?;
    if old == new {
        return None;
    }
    locate(text, d.line, d.column, &old).map(|(line, column)| Fix {
        line,
        column,
        replace: old,
        with: new,
    })
}

/// What to replace with what, from the finding and the document.
fn replacement(d: &Diagnostic, doc: &Document) -> Option<(String, String)> {
    let value = doc.value.pointer(&d.pointer);
    match d.code {
        Code::SpecVersion => Some((value?.to_string(), SPEC_VERSION.to_string())),
        Code::UnknownKey | Code::UnknownExampleConfig => {
            let suggestion = d.did_you_mean.clone()?;
            let (parent, key) = d.pointer.rsplit_once('/')?;
            let key = key.replace("~1", "/").replace("~0", "~");
            // Renaming onto a key that is already there would make a duplicate, not a fix.
            if doc
                .value
                .pointer(parent)
                .and_then(Value::as_object)
                .is_some_and(|m| m.contains_key(&suggestion))
            {
                return None;
            }
            Some((key, suggestion))
        }
        Code::UnknownValue | Code::UnknownCollection | Code::UnknownHandshake => {
            Some((value?.as_str()?.to_string(), d.did_you_mean.clone()?))
        }
        Code::UndeclaredConfigField => {
            let suggestion = d.did_you_mean.clone()?;
            let text = value?.as_str()?;
            if !text.contains('{') {
                return Some((text.to_string(), suggestion));
            }
            // In a template: the one undeclared `{config:…}` variable.
            let parts = template::parse(text).ok()?;
            let mut undeclared = parts.iter().filter_map(|p| match p {
                Part::Config(name)
                    if crate::diagnostics::closest(name, [suggestion.as_str()]).is_some() && *name != suggestion =>
                {
                    Some(name.clone())
                }
                _ => None,
            });
            let name = undeclared.next()?;
            if undeclared.next().is_some() {
                return None;
            }
            Some((format!("{{config:{name}}}"), format!("{{config:{suggestion}}}")))
        }
        Code::UnknownTemplateVariable => {
            let suggestion = d.did_you_mean.clone()?;
            match template::parse(value?.as_str()?) {
                Err(e) => match e.kind {
                    TemplateErrorKind::UnknownVariable(name) => Some((format!("{{{name}}}"), suggestion)),
                    _ => None,
                },
                Ok(_) => None,
            }
        }
        _ => None,
    }
}

/// Where `old` starts at or after `line`:`column` on that line (a quoted scalar starts at its
/// quote; a template variable is inside its string). `None` when it is not on that line (a
/// multi-line scalar, an escape sequence): then no fix is offered rather than a wrong one.
fn locate(text: &str, line: usize, column: usize, old: &str) -> Option<(usize, usize)> {
    let source = text.lines().nth(line.checked_sub(1)?)?;
    let start_byte = source.char_indices().nth(column.checked_sub(1)?).map(|(i, _)| i)?;
    let found = source[start_byte..].find(old)? + start_byte;
    Some((line, source[..found].chars().count() + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_after_the_position_on_the_same_line_only() {
        let text = "a: 1\n  type: \"hmca\"  # hmca\nb: 2\n";
        assert_eq!(locate(text, 2, 9, "hmca"), Some((2, 10)));
        assert_eq!(locate(text, 2, 3, "type"), Some((2, 3)));
        assert_eq!(locate(text, 1, 1, "hmca"), None);
        assert_eq!(locate(text, 9, 1, "x"), None);
        assert_eq!(locate("é: ü hmca\n", 1, 4, "hmca"), Some((1, 6)));
    }
}
