//! Captured documents against their collections' schemas.
//!
//! Every example the connector captures runs through the runtime core (the code a connector
//! runs), and each document it would commit — the event with `_meta` added, one per batch item —
//! must match the document schema Flow validates it with. A schema stricter than the vendor's
//! real payloads would stop a capture in production; this finds it at `check` time, for batched
//! and form-encoded vendors as well as single JSON events.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use webhook_definition::Definition;
use webhook_definition::schemas;
use webhook_runtime::core::{Decision, Processor};
use webhook_runtime::testing::{example_config, example_now, example_request};

use crate::diagnostics::{Code, Diagnostic};
use crate::load::Document;

/// The findings for one definition that decoded without error.
pub fn check(definition: &Definition, doc: &Document, fixtures: Option<&Path>) -> Vec<Diagnostic> {
    let mut definition = definition.clone();
    // `check` runs this pass only on a definition without errors, so every body file exists;
    // one that cannot be read now leaves the pass to the semantic findings.
    if let Some(dir) = fixtures
        && crate::trial::inline_bodies(&mut definition, dir).is_err()
    {
        return Vec::new();
    }
    let collections = schemas::collections(&definition);
    let mut validators: BTreeMap<usize, Option<jsonschema::Validator>> = BTreeMap::new();
    let vendor = webhook_runtime::testing::leak_vendor(definition);
    let definition = vendor.definition();
    let mut out = Vec::new();
    for (i, example) in definition.examples.iter().enumerate() {
        if example.request.body_file.is_some() {
            continue; // no fixtures folder to read it from
        }
        let Ok(processor) = Processor::new(vendor, &example_config(example)) else { continue };
        let Decision::Capture { events, .. } = processor.process(&example_request(example), example_now(example)) else {
            continue;
        };
        for (n, event) in events.iter().enumerate() {
            let validator = validators.entry(event.binding).or_insert_with(|| {
                let schema = schemas::document(definition, &collections[event.binding]);
                jsonschema::options().with_draft(jsonschema::Draft::Draft7).build(&schema).ok()
            });
            // An invalid schema is reported by the semantic pass.
            let Some(validator) = validator else { continue };
            let Ok(document) = serde_json::from_slice::<Value>(&event.document) else { continue };
            let problems: Vec<String> = validator
                .iter_errors(&document)
                .take(3)
                .map(|e| format!("{} at `{}`", e, e.instance_path().as_str()))
                .collect();
            if problems.is_empty() {
                continue;
            }
            let base = format!("/examples/{i}/request");
            let pointer = if example_has(doc, &format!("{base}/body_file")) { format!("{base}/body_file") } else { format!("{base}/body") };
            let which = if events.len() > 1 { format!("document {} of {} ", n + 1, events.len()) } else { String::new() };
            out.push(
                Diagnostic::new(
                    Code::ExampleAgainstSchema,
                    doc.map.value(&pointer),
                    pointer.as_str(),
                    format!(
                        "the example's {which}captured into `{}` does not match that collection's schema: {}",
                        event.collection,
                        problems.join("; ")
                    ),
                )
                .hint("fix the example or the event type's `schema`; Flow rejects documents that do not match"),
            );
        }
    }
    out
}

fn example_has(doc: &Document, pointer: &str) -> bool {
    doc.value.pointer(pointer).is_some_and(|v| !v.is_null())
}
