//! `webhookgen infer --into`: adds what the samples show to an existing definition, by
//! inserting YAML text; nothing already written is changed.
//!
//! The samples are read with the definition's own discriminator and key (through the runtime,
//! with authentication set aside), so an event type is "new" exactly when the connector would
//! send it to the catch-all. Each new type gets a collection, a `TODO` description and the
//! schema inferred from its samples. Each sample becomes an example, signed with the
//! configuration of the definition's first example (or the configuration fields' `example`
//! values), whose `expect` is what the real runtime does with it, so `try` passes at once.
//! The result is checked before anything is written: existing types and examples must decode
//! unchanged and the file must pass `check`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde_json::Value;
use webhook_definition::{
    Authentication, Definition, EventType, Example, ExampleRequest, Expectation, ExpectedDocument, Method,
    NoAuthentication, Responses,
};
use webhook_runtime::core::{Decision, Processor, WebhookRequest, sign};
use webhook_runtime::testing::leak_vendor;

use super::scaffold::{event_type_yaml, list_item, yaml};
use super::{Sample, collection_name, schema_of, unique_collection};
use crate::definition_file::DefinitionFile;
use crate::load::{self, Document};
use crate::validate;

/// Bodies up to this size are written inline; larger ones go to a fixture file.
const INLINE_BODY_LIMIT: usize = 2048;

/// The merged definition.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The new text of the definition.
    pub text: String,
    /// Fixture files to write (large example bodies).
    pub fixtures: Vec<(PathBuf, String)>,
    /// What happened to each sample, one line each.
    pub report: Vec<String>,
    /// How many event types were added.
    pub added_types: usize,
    /// How many examples were added.
    pub added_examples: usize,
}

/// Why samples cannot be merged into a definition; nothing is written then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeError {
    /// The definition cannot read events (its discriminator or key does not compile).
    Unreadable(String),
    /// The YAML is laid out in a way text insertion cannot extend (a flow list).
    Layout(String),
    /// The merged text would not pass `check`, or would change existing entries (a bug).
    Invalid(String),
}

impl std::fmt::Display for MergeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MergeError::Unreadable(why) => write!(f, "cannot read the samples with this definition: {why}"),
            MergeError::Layout(why) => write!(f, "{why}"),
            MergeError::Invalid(why) => write!(f, "{why}; nothing was written"),
        }
    }
}

impl std::error::Error for MergeError {}

/// Merges the samples into a checked definition's text.
pub fn merge(
    text: &str,
    definition: &Definition,
    file: &DefinitionFile,
    samples: &[Sample],
) -> Result<Merged, MergeError> {
    let mut report = Vec::new();

    // 1. Read every sample with the definition's discriminator and key, authentication aside.
    let reader = leak_vendor(without_authentication(definition));
    let reader = Processor::new(reader, &Value::Object(Default::default()))
        .map_err(|e| MergeError::Unreadable(e.to_string()))?;
    let mut new_types: Vec<(String, Vec<Value>, Vec<String>)> = Vec::new();
    for s in samples {
        let request = to_request(s);
        match reader.process(&request, SystemTime::now()) {
            Decision::Capture { events, .. } => {
                for e in events {
                    if e.event_type.is_empty() {
                        report.push(format!(
                            "{}: the discriminator finds no event type; nothing added for it",
                            s.stem
                        ));
                        continue;
                    }
                    if webhook_runtime::core::route::route_by_definition(definition, &e.event_type).is_some() {
                        continue;
                    }
                    let mut document: Value = serde_json::from_slice(&e.document).unwrap_or(Value::Null);
                    if let Some(o) = document.as_object_mut() {
                        o.remove("_meta");
                    }
                    match new_types.iter_mut().find(|(v, _, _)| *v == e.event_type) {
                        Some((_, docs, stems)) => {
                            docs.push(document);
                            stems.push(s.stem.clone());
                        }
                        None => new_types.push((e.event_type.clone(), vec![document], vec![s.stem.clone()])),
                    }
                }
            }
            Decision::Reply(reply) => {
                report.push(format!(
                    "{}: not an event for this definition ({} {}); nothing added for it",
                    s.stem, reply.status, reply.outcome
                ));
            }
        }
    }

    // 2. The new event types.
    let mut taken: BTreeSet<String> = webhook_definition::schemas::collections(definition)
        .into_iter()
        .map(|c| c.name)
        .collect();
    taken.insert("config".into());
    taken.insert("resource".into());
    let mut merged_definition = definition.clone();
    let mut type_items = String::new();
    let doc = load::parse(text).map_err(|e| MergeError::Invalid(format!("{}: {}", file.label, e.message)))?;
    let types_dash = block_end(text, &doc, "/events/types").map_err(MergeError::Layout)?;
    for (value, docs, stems) in &new_types {
        let refs: Vec<&Value> = docs.iter().collect();
        let event_type = EventType {
            collection: unique_collection(&collection_name(value), &mut taken),
            values: vec![value.clone()],
            description: format!("TODO: what `{value}` means, from the vendor's documentation"),
            enabled: true,
            schema: Some(schema_of(&refs)),
        };
        report.push(format!(
            "{}: new event type `{value}` → collection `{}`",
            stems.join(", "),
            event_type.collection
        ));
        type_items.push_str(&list_item(&event_type_yaml(&event_type), types_dash.indent));
        merged_definition.events.types.push(event_type);
    }

    // 3. An example per sample, signed and expected as the runtime decides.
    let config = example_config(definition);
    let mut example_items = String::new();
    let mut fixtures = Vec::new();
    let mut added_examples = 0;
    let names: BTreeSet<String> = definition.examples.iter().map(|e| e.name.clone()).collect();
    match &config {
        Err(why) => report.push(format!("no examples added: {why}")),
        Ok(config) => {
            let vendor = leak_vendor(merged_definition.clone());
            let examples_dash = block_end(text, &doc, "/examples").map_err(MergeError::Layout)?;
            for s in samples {
                let name = format!("sample_{}", collection_name(&s.stem));
                if names.contains(&name) {
                    report.push(format!("{}: example `{name}` already exists; left as it is", s.stem));
                    continue;
                }
                match signed_example(vendor, config, s, &name) {
                    Err(why) => report.push(format!("{}: no example added: {why}", s.stem)),
                    Ok(mut example) => {
                        let body = example.request.body.clone().unwrap_or_default();
                        if body.len() > INLINE_BODY_LIMIT {
                            let file_name = format!("{}.json", s.stem);
                            let path = file.fixtures.join(&file_name);
                            match std::fs::read_to_string(&path) {
                                Ok(existing) if existing != body => {
                                    report.push(format!(
                                        "{}: no example added: {} exists with other contents",
                                        s.stem,
                                        path.display()
                                    ));
                                    continue;
                                }
                                Ok(_) => {}
                                Err(_) => fixtures.push((path, body)),
                            }
                            example.request.body = None;
                            example.request.body_file = Some(file_name);
                        }
                        report.push(format!(
                            "{}: example `{name}` added ({})",
                            s.stem,
                            crate::trial::expectation_text(&example.expect)
                        ));
                        example_items.push_str(&list_item(&yaml(&example), examples_dash.indent));
                        merged_definition.examples.push(example);
                        added_examples += 1;
                    }
                }
            }
            if added_examples > 0 {
                // Inserted from the end of the file backwards, so earlier offsets stay valid.
                let mut edits = vec![(types_dash.clone(), type_items), (examples_dash, example_items)];
                edits.sort_by_key(|(at, _)| std::cmp::Reverse(at.offset));
                return finish(
                    text,
                    definition,
                    file,
                    edits,
                    fixtures,
                    report,
                    new_types.len(),
                    added_examples,
                );
            }
        }
    }
    finish(
        text,
        definition,
        file,
        vec![(types_dash, type_items)],
        fixtures,
        report,
        new_types.len(),
        added_examples,
    )
}

#[allow(clippy::too_many_arguments)]
fn finish(
    text: &str,
    definition: &Definition,
    file: &DefinitionFile,
    edits: Vec<(Insertion, String)>,
    fixtures: Vec<(PathBuf, String)>,
    report: Vec<String>,
    added_types: usize,
    added_examples: usize,
) -> Result<Merged, MergeError> {
    let mut out = text.to_string();
    for (at, items) in edits {
        if items.is_empty() {
            continue;
        }
        let mut insert = String::new();
        if let Some(key) = &at.new_key {
            insert.push_str(key);
        }
        insert.push_str(&items);
        out.replace_range(at.offset..at.offset + at.remove, &insert);
    }
    // Nothing written before may change, and the result must pass `check`.
    let checked = validate::check(&file.label, &out, None, Some(&file.name));
    if checked.has_errors() {
        let errors: Vec<String> = checked
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.render_human(Some(&out)))
            .collect();
        return Err(MergeError::Invalid(format!(
            "the merged definition would not pass `check`:\n{}",
            errors.join("\n")
        )));
    }
    let merged = checked
        .definition
        .ok_or_else(|| MergeError::Invalid("the merged definition does not decode".into()))?;
    let kept = merged.events.types.get(..definition.events.types.len()) == Some(definition.events.types.as_slice())
        && merged.examples.get(..definition.examples.len()) == Some(definition.examples.as_slice());
    if !kept {
        return Err(MergeError::Invalid(
            "merging would change existing entries (an unusual layout of the YAML?)".into(),
        ));
    }
    Ok(Merged {
        text: out,
        fixtures,
        report,
        added_types,
        added_examples,
    })
}

/// The definition with authentication, handshakes and configured responses set aside: it
/// reads events only.
fn without_authentication(definition: &Definition) -> Definition {
    let mut d = definition.clone();
    d.authentication = Authentication::None(NoAuthentication {
        reason: "reading samples".into(),
    });
    d.handshakes.clear();
    d.config.clear();
    d.responses = Responses::default();
    d
}

fn to_request(s: &Sample) -> WebhookRequest {
    WebhookRequest {
        method: s.request.method.clone(),
        path_and_query: s.request.path.clone(),
        headers: s
            .request
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), Bytes::from(v.clone())))
            .collect(),
        body: Bytes::from(s.request.body.clone()),
    }
}

/// The configuration examples are signed with: the first example's, else every field's
/// `example` value.
fn example_config(definition: &Definition) -> Result<Value, String> {
    if let Some(e) = definition.examples.iter().find(|e| !e.config.is_empty()) {
        return Ok(Value::Object(
            e.config.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        ));
    }
    let mut config = serde_json::Map::new();
    for field in &definition.config {
        match &field.example {
            Some(v) if field.multiple => {
                config.insert(field.name.clone(), Value::Array(vec![Value::String(v.clone())]));
            }
            Some(v) => {
                config.insert(field.name.clone(), Value::String(v.clone()));
            }
            None if field.required => {
                return Err(format!(
                    "configuration field `{}` has no `example` and no example has a `config`; add one (a test secret, never a real one) so samples can be signed",
                    field.name
                ));
            }
            None => {}
        }
    }
    Ok(Value::Object(config))
}

/// A sample as a signed example whose expectation is what the runtime does with it.
fn signed_example(
    vendor: &'static dyn webhook_runtime::Vendor,
    config: &Value,
    s: &Sample,
    name: &str,
) -> Result<Example, String> {
    let definition = vendor.definition();
    let mut request = to_request(s);
    let now = UNIX_EPOCH
        + Duration::from_secs(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        );
    sign::sign(definition, config, &mut request, now).map_err(|e| e.to_string())?;
    let processor = Processor::new(vendor, config).map_err(|e| e.to_string())?;
    // A signed timestamp the signer could not write (one in the body) sets the clock.
    let clock = processor.signed_timestamp(&request).map(|(ms, _)| (ms / 1000) as i64);
    let at = clock
        .map(|s| UNIX_EPOCH + Duration::from_secs(s.max(0) as u64))
        .unwrap_or(now);
    let expect = match processor.process(&request, at) {
        Decision::Capture { events, .. } => Expectation::Captured {
            documents: events
                .into_iter()
                .map(|e| ExpectedDocument {
                    collection: e.collection,
                    event_type: e.event_type,
                    key: e.key,
                })
                .collect(),
        },
        Decision::Reply(reply) => {
            return Err(format!(
                "the connector answers it {} ({}){}",
                reply.status,
                reply.outcome,
                processor
                    .authentication_failure(&request, at)
                    .map(|f| format!(": {f}"))
                    .unwrap_or_default()
            ));
        }
    };
    let method: Method = serde_json::from_value(Value::String(request.method.clone()))
        .map_err(|_| format!("method {} is not one the format knows", request.method))?;
    let headers: BTreeMap<String, String> = request
        .headers
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("content-length") && !k.eq_ignore_ascii_case("host"))
        .map(|(k, v)| (k.clone(), String::from_utf8_lossy(v).into_owned()))
        .collect();
    let body = String::from_utf8(request.body.to_vec()).map_err(|_| "the body is not UTF-8".to_string())?;
    let has_timestamp = processor.signed_timestamp(&request).is_some();
    Ok(Example {
        name: name.to_string(),
        description: format!(
            "Added by `webhookgen infer` from the sample {}.",
            s.request.file.file_name().and_then(|n| n.to_str()).unwrap_or(&s.stem)
        ),
        source: None,
        config: config
            .as_object()
            .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        now: if has_timestamp {
            clock.or(Some(
                now.duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0),
            ))
        } else {
            None
        },
        request: ExampleRequest {
            method,
            path: request.path_and_query.clone(),
            headers,
            body: Some(body),
            body_file: None,
        },
        expect,
    })
}

/// Where to insert items into a block sequence, and at which indentation.
#[derive(Debug, Clone)]
struct Insertion {
    /// The byte offset to insert at.
    offset: usize,
    /// Bytes to remove there first (an empty flow list `[]`).
    remove: usize,
    /// The dash's indentation.
    indent: usize,
    /// A key line to write first, when the key is absent.
    new_key: Option<String>,
}

/// Finds where the sequence at `pointer` ends: after its last item's last line; or, for an
/// empty flow list (`examples: []`), in place of the `[]`; or, for an absent top-level key, at
/// the end of the file with the key.
fn block_end(text: &str, doc: &Document, pointer: &str) -> Result<Insertion, String> {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let lines: Vec<&str> = text.split('\n').collect();
    let indent_of = |l: &str| l.len() - l.trim_start().len();
    let Some(items) = doc.value.pointer(pointer) else {
        let key = pointer.rsplit('/').next().unwrap_or_default();
        if pointer.matches('/').count() != 1 {
            return Err(format!("`{pointer}` is missing"));
        }
        let newline = if text.ends_with('\n') || text.is_empty() {
            ""
        } else {
            "\n"
        };
        return Ok(Insertion {
            offset: text.len(),
            remove: 0,
            indent: 2,
            new_key: Some(format!("{newline}{key}:\n")),
        });
    };
    let count = items
        .as_array()
        .map(Vec::len)
        .ok_or_else(|| format!("`{pointer}` is not a list"))?;
    if count == 0 {
        // `key: []` (perhaps with a comment) becomes `key:` with the items below it.
        let line_index = doc.map.key(pointer).line - 1;
        let line = lines.get(line_index).ok_or("the source map is out of range")?;
        let name = pointer.rsplit('/').next().unwrap_or_default();
        let open = line.find("[]").ok_or_else(|| {
            format!("`{name}` is an empty list written in a way `infer` cannot extend; write `{name}: []`")
        })?;
        let comment = line[open + 2..].trim();
        let head = line[..open].trim_end();
        let rebuilt = if comment.is_empty() {
            format!("{head}\n")
        } else {
            format!("{head}  {comment}\n")
        };
        let line_start = line_starts[line_index];
        let remove = line.len() + usize::from(line_start + line.len() < text.len());
        return Ok(Insertion {
            offset: line_start,
            remove,
            indent: indent_of(line) + 2,
            new_key: Some(rebuilt),
        });
    }
    let last = format!("{pointer}/{}", count - 1);
    let position = doc.map.value(&last);
    let line_index = position.line - 1;
    let line = lines.get(line_index).ok_or("the source map is out of range")?;
    let before: String = line.chars().take(position.column.saturating_sub(1)).collect();
    let dash = before.rfind('-').filter(|&i| before[i + 1..].trim().is_empty()).ok_or_else(|| {
        format!("`{pointer}` is written as a flow list (`[...]`); write it as a block list (one `- ` per item) for `infer --into`")
    })?;
    let mut last_content = line_index;
    for (i, l) in lines.iter().enumerate().skip(line_index + 1) {
        if l.trim().is_empty() {
            continue;
        }
        if indent_of(l) <= dash {
            break;
        }
        last_content = i;
    }
    let offset = line_starts.get(last_content + 1).copied().unwrap_or(text.len());
    let new_key = (offset == text.len() && !text.ends_with('\n')).then(|| "\n".to_string());
    Ok(Insertion {
        offset,
        remove: 0,
        indent: dash,
        new_key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insertion(text: &str, pointer: &str) -> Insertion {
        block_end(text, &load::parse(text).unwrap(), pointer).unwrap()
    }

    #[test]
    fn finds_the_end_of_block_lists() {
        let text = "a:\n  types:\n  - x: 1\n    y: 2\n\n  # trailing\n  other: 3\nb: 1\n";
        let at = insertion(text, "/a/types");
        assert_eq!((at.offset, at.indent), (text.find("\n\n").unwrap() + 1, 2));
        let text = "examples:\n  - name: a\n    deep:\n      - 1\n";
        let at = insertion(text, "/examples");
        assert_eq!((at.offset, at.indent, at.new_key), (text.len(), 2, None));
    }

    #[test]
    fn extends_empty_flow_lists_and_absent_keys() {
        let text = "examples: []\nz: 1\n";
        let at = insertion(text, "/examples");
        assert_eq!(
            (at.offset, at.remove, at.indent, at.new_key.as_deref()),
            (0, 13, 2, Some("examples:\n"))
        );
        let text = "examples: []  # none yet\n";
        let at = insertion(text, "/examples");
        assert_eq!(at.new_key.as_deref(), Some("examples:  # none yet\n"));
        let at = insertion("a: 1", "/examples");
        assert_eq!(at.new_key.as_deref(), Some("\nexamples:\n"));
        assert!(block_end("t: [1]\n", &load::parse("t: [1]\n").unwrap(), "/t").is_err());
    }
}
