//! The schema pass: the definition's JSON value against the format's draft-07 schema, with every
//! error reported, located, and explained in the terms an author uses.
//!
//! `jsonschema` reports a failed `oneOf` as one error holding every branch's errors. For the
//! format's tagged enums that would read as seven unrelated complaints, so the branch the author
//! meant is chosen by its tag (`type: hmac`) and only its errors are reported; a tag that names
//! no branch becomes one "unknown type" error with a did-you-mean.

use std::sync::LazyLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{Draft, ValidationError, Validator};
use serde_json::Value;
use webhook_definition::Definition;

use crate::diagnostics::{Code, Diagnostic, closest};
use crate::load::{Document, escape_segment};

static SCHEMA: LazyLock<Value> = LazyLock::new(Definition::json_schema);

static VALIDATOR: LazyLock<Validator> = LazyLock::new(|| {
    jsonschema::options()
        .with_draft(Draft::Draft7)
        .build(&SCHEMA)
        .expect("the format's schema is valid draft-07 (covered by the generator's tests)")
});

/// Every schema error of a document, located and explained.
pub fn check(doc: &Document) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for error in VALIDATOR.iter_errors(&doc.value) {
        explain(&error, doc, &mut out);
    }
    out
}

/// The schema node at a canonical schema location (`/definitions/HmacCheck/additionalProperties`).
fn schema_node(location: &str) -> Option<&'static Value> {
    SCHEMA.pointer(location)
}

/// The schema node holding the keyword that failed: the keyword location without its last segment.
fn keyword_parent(error: &ValidationError<'_>) -> Option<&'static Value> {
    let path = error.schema_path().as_str();
    let parent = &path[..path.rfind('/').unwrap_or(0)];
    schema_node(parent)
}

fn describe_json(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn describe_type(name: &str) -> &'static str {
    match name {
        "null" => "null",
        "boolean" => "a boolean",
        "integer" => "an integer",
        "number" => "a number",
        "string" => "a string",
        "array" => "a list",
        "object" => "a mapping",
        _ => "a value",
    }
}

fn instance<'d>(doc: &'d Document, pointer: &str) -> Option<&'d Value> {
    doc.value.pointer(pointer)
}

/// A short description of what a key means, from the schema, for hints.
fn property_hint(parent: Option<&Value>, property: &str) -> Option<String> {
    let schema = parent?.get("properties")?.get(property)?;
    let title = schema.get("title").and_then(Value::as_str);
    let description = schema.get("description").and_then(Value::as_str)?;
    let first_sentence = description.split(". ").next().unwrap_or(description).replace('\n', " ");
    let first_sentence = first_sentence.trim_end_matches('.');
    Some(match title {
        Some(title) => format!("add `{property}` ({title}): {first_sentence}."),
        None => format!("add `{property}`: {first_sentence}."),
    })
}

fn explain(error: &ValidationError<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let pointer = error.instance_path().as_str().to_string();
    let at_value = doc.map.value(&pointer);
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed: Vec<String> = keyword_parent(error)
                .and_then(|node| node.get("properties"))
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            for key in unexpected {
                let member = format!("{pointer}/{}", escape_segment(key));
                out.push(
                    Diagnostic::new(Code::UnknownKey, doc.map.key(&member), member, format!("unknown key `{key}`"))
                        .did_you_mean(closest(key, allowed.iter().map(String::as_str)))
                        .expected(allowed.clone())
                        .hint("remove it or correct its spelling; `webhookgen schema` lists every key of the format"),
                );
            }
        }
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            let branches = schema_node(error.schema_path().as_str()).and_then(Value::as_array);
            explain_alternatives(error, branches.map(Vec::as_slice).unwrap_or_default(), context, doc, out);
        }
        ValidationErrorKind::Type { kind } => {
            let expected: Vec<&str> = match kind {
                TypeKind::Single(t) => vec![describe_type(&t.to_string())],
                TypeKind::Multiple(set) => set.iter().map(|t| describe_type(&t.to_string())).collect(),
            };
            let found = instance(doc, &pointer).map(describe_json).unwrap_or("nothing");
            out.push(
                Diagnostic::new(
                    Code::WrongType,
                    at_value,
                    pointer.clone(),
                    format!("wrong type: expected {}, found {found}", expected.join(" or ")),
                )
                .hint(type_hint(expected.first().copied().unwrap_or_default())),
            );
        }
        ValidationErrorKind::Enum { options } => {
            let allowed: Vec<String> = options
                .as_array()
                .map(|a| a.iter().map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())).collect())
                .unwrap_or_default();
            out.push(unknown_value(doc, &pointer, None, &allowed));
        }
        ValidationErrorKind::Constant { expected_value } => {
            let allowed = vec![expected_value.as_str().map(str::to_string).unwrap_or_else(|| expected_value.to_string())];
            out.push(unknown_value(doc, &pointer, None, &allowed));
        }
        ValidationErrorKind::Required { property } => {
            let property = property.as_str().unwrap_or_default();
            let mut diagnostic =
                Diagnostic::new(Code::MissingKey, doc.map.key(&pointer), pointer.clone(), format!("missing key `{property}`"));
            if pointer.is_empty() && property == "authentication" {
                // Fail closed: there is no default, not even "none".
                diagnostic = diagnostic.hint(
                    "add `authentication:`; a vendor that signs nothing must say so with `type: none` and a `reason`",
                );
            } else if let Some(hint) = property_hint(keyword_parent(error), property) {
                diagnostic = diagnostic.hint(hint);
            }
            out.push(diagnostic);
        }
        ValidationErrorKind::Pattern { pattern } => {
            let value = instance(doc, &pointer).and_then(Value::as_str).unwrap_or_default();
            out.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    at_value,
                    pointer.clone(),
                    format!("`{value}` does not match the pattern `{pattern}`"),
                )
                .hint("names are lowercase: letters and digits, separated by single `_` (or `-` in vendor ids)"),
            );
        }
        _ => out.push(Diagnostic::new(Code::InvalidValue, at_value, pointer.clone(), error.to_string())),
    }
}

fn type_hint(expected: &str) -> String {
    match expected {
        "a string" => "quote the value (`\"…\"`) if YAML reads it as a number, boolean or null".into(),
        "a list" => "write a list: one `- item` per line, or `[a, b]`".into(),
        "a mapping" => "write a mapping: `key: value` lines indented under this key".into(),
        other => format!("write {other} here"),
    }
}

/// An "unknown value" finding with the closed set of accepted values.
fn unknown_value(doc: &Document, pointer: &str, what: Option<&str>, allowed: &[String]) -> Diagnostic {
    let given = instance(doc, pointer);
    let shown = match given {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let what = what.unwrap_or("value");
    Diagnostic::new(
        Code::UnknownValue,
        doc.map.value(pointer),
        pointer,
        format!("unknown {what} `{shown}`, expected one of {}", allowed.join(", ")),
    )
    .did_you_mean(closest(&shown, allowed.iter().map(String::as_str)))
    .expected(allowed.to_vec())
}

/// The property every branch of a tagged enum pins with a `const`, and each branch's value.
fn tag_of(branches: &[Value]) -> Option<(String, Vec<String>)> {
    let first = branches.first()?.get("properties")?.as_object()?;
    let tag = first.iter().find(|(_, s)| s.get("const").is_some()).map(|(k, _)| k.clone())?;
    let values = branches
        .iter()
        .map(|b| b.pointer(&format!("/properties/{tag}/const"))?.as_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()?;
    Some((tag, values))
}

fn explain_alternatives(
    error: &ValidationError<'_>,
    branches: &[Value],
    context: &[Vec<ValidationError<'static>>],
    doc: &Document,
    out: &mut Vec<Diagnostic>,
) {
    let pointer = error.instance_path().as_str().to_string();
    let value = instance(doc, &pointer);

    // A string enum whose variants are documented: `oneOf` of `const`s.
    let consts: Option<Vec<String>> =
        branches.iter().map(|b| b.get("const").and_then(Value::as_str).map(str::to_string)).collect();
    if let Some(allowed) = consts.filter(|c| !c.is_empty()) {
        if value.is_some_and(|v| !v.is_string()) {
            let found = value.map(describe_json).unwrap_or("nothing");
            out.push(
                Diagnostic::new(Code::WrongType, doc.map.value(&pointer), pointer.clone(), format!("wrong type: expected a string, found {found}"))
                    .expected(allowed),
            );
        } else {
            out.push(unknown_value(doc, &pointer, None, &allowed));
        }
        return;
    }

    // A tagged enum: the tag picks the branch.
    if let Some((tag, allowed)) = tag_of(branches) {
        let Some(object) = value.and_then(Value::as_object) else {
            let found = value.map(describe_json).unwrap_or("nothing");
            out.push(
                Diagnostic::new(
                    Code::WrongType,
                    doc.map.value(&pointer),
                    pointer.clone(),
                    format!("wrong type: expected a mapping with a `{tag}` key, found {found}"),
                )
                .expected(allowed),
            );
            return;
        };
        let tag_pointer = format!("{pointer}/{}", escape_segment(&tag));
        match object.get(&tag) {
            None => out.push(
                Diagnostic::new(Code::MissingKey, doc.map.key(&pointer), pointer.clone(), format!("missing key `{tag}`"))
                    .expected(allowed)
                    .hint(format!("add `{tag}:` with one of the listed values; it says which kind of mapping this is")),
            ),
            Some(Value::String(given)) => match allowed.iter().position(|a| a == given) {
                Some(index) => {
                    for inner in context.get(index).map(Vec::as_slice).unwrap_or_default() {
                        explain(inner, doc, out);
                    }
                }
                None => {
                    out.push(unknown_value(doc, &tag_pointer, Some(&tag), &allowed));
                    // Check the rest of the mapping against the kind the author most likely
                    // meant, so a misspelled tag does not hide the mistakes beside it.
                    let meant = closest(given, allowed.iter().map(String::as_str));
                    let index = meant.and_then(|m| allowed.iter().position(|a| *a == m));
                    for inner in index.and_then(|i| context.get(i)).map(Vec::as_slice).unwrap_or_default() {
                        if inner.instance_path().as_str() != tag_pointer {
                            explain(inner, doc, out);
                        }
                    }
                }
            },
            Some(_) => out.push(unknown_value(doc, &tag_pointer, Some(&tag), &allowed)),
        }
        return;
    }

    // An optional value (`anyOf: [X, null]`) that is present: the non-null branch's errors.
    let null_branch = branches.iter().position(|b| b.get("type").and_then(Value::as_str) == Some("null"));
    let chosen = match null_branch {
        Some(n) if branches.len() == 2 && value.is_some_and(|v| !v.is_null()) => Some(1 - n),
        // Otherwise: the branch that came closest.
        _ => context.iter().enumerate().filter(|(_, e)| !e.is_empty()).min_by_key(|(_, e)| e.len()).map(|(i, _)| i),
    };
    match chosen.and_then(|i| context.get(i)) {
        Some(errors) if !errors.is_empty() => {
            for inner in errors {
                explain(inner, doc, out);
            }
        }
        _ => out.push(Diagnostic::new(Code::InvalidValue, doc.map.value(&pointer), pointer.clone(), error.to_string())),
    }
}
