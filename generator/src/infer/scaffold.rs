//! `webhookgen infer` without `--into`: the `new vendor` scaffold with the inferred `events`.

use std::fmt::Write as _;

use std::collections::BTreeMap;
use webhook_definition::{EventType, SPEC_VERSION, ValueSource};

use super::Proposal;
use crate::emit::text::{self, ScaffoldView};

/// Indents every non-empty line by `n` spaces.
pub(super) fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// A YAML block sequence item at `dash` spaces: `- first line`, the rest under it.
pub(super) fn list_item(yaml: &str, dash: usize) -> String {
    let mut out = String::new();
    for (i, line) in yaml.lines().enumerate() {
        if i == 0 {
            let _ = writeln!(out, "{}- {line}", " ".repeat(dash));
        } else if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{}  {line}", " ".repeat(dash));
        }
    }
    out
}

/// YAML text of a value (a bug if it cannot be written).
pub(super) fn yaml(value: &impl serde::Serialize) -> String {
    yaml_serde::to_string(value).expect("JSON values and model types always serialize to YAML")
}

/// An event type as `infer` writes it: `enabled` left at its default, and the schema's `type`
/// first, as people write schemas.
pub(super) fn event_type_yaml(event_type: &EventType) -> String {
    #[derive(serde::Serialize)]
    struct Written<'a> {
        collection: &'a str,
        values: &'a [String],
        description: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        schema: Option<crate::explain::TagFirst<'a>>,
    }
    yaml(&Written {
        collection: &event_type.collection,
        values: &event_type.values,
        description: &event_type.description,
        schema: event_type.schema.as_ref().map(crate::explain::TagFirst),
    })
}

/// The `events:` block for a proposal, with the candidates and their scores as comments.
pub fn events_block(proposal: &Proposal) -> String {
    let mut out = String::from("events:\n");
    let _ = writeln!(
        out,
        "  # Inferred by `webhookgen infer` from {} sample(s); check each choice against the vendor's docs.",
        proposal.samples
    );
    let list = |cs: &[super::Candidate]| {
        cs.iter()
            .take(4)
            .map(|c| format!("{} ({})", c.label, c.score))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !proposal.discriminator_candidates.is_empty() {
        let _ = writeln!(
            out,
            "  # Discriminator candidates (score): {}",
            list(&proposal.discriminator_candidates)
        );
    }
    let discriminator = match &proposal.discriminator {
        Some(c) => {
            let _ = writeln!(
                out,
                "  # Chosen: {} ({} distinct value(s) in {} sample(s))",
                c.label, c.distinct, c.present
            );
            c.source.clone()
        }
        None => {
            out.push_str("  # TODO: nothing in the samples separates them; say where the event type is\n");
            ValueSource::BodyPointer {
                pointer: "/type".into(),
            }
        }
    };
    out.push_str(&indent(&yaml(&BTreeMap::from([("discriminator", &discriminator)])), 2));
    if !proposal.key_candidates.is_empty() {
        let _ = writeln!(
            out,
            "  # Document key candidates (score): {}",
            list(&proposal.key_candidates)
        );
    }
    let key = match &proposal.document_key {
        Some(c) => c.source.clone(),
        None => {
            out.push_str(
                "  # No field is unique and id-like across the samples: the key is a hash of the event's bytes.\n",
            );
            ValueSource::ContentHash { pointers: Vec::new() }
        }
    };
    out.push_str(&indent(&yaml(&BTreeMap::from([("document_key", &key)])), 2));
    out.push_str("  types:\n");
    if proposal.event_types.is_empty() {
        out.push_str("    - collection: todo_events\n      values: [\"TODO.event_type\"]\n      description: \"TODO: what this event means, from the vendor's documentation\"\n");
    }
    for t in &proposal.event_types {
        let event_type = EventType {
            collection: t.collection.clone(),
            values: vec![t.value.clone()],
            description: format!("TODO: what `{}` means, from the vendor's documentation", t.value),
            enabled: true,
            schema: Some(t.schema.clone()),
        };
        let _ = writeln!(out, "    # from {}", t.samples.join(", "));
        out.push_str(&list_item(&event_type_yaml(&event_type), 4));
    }
    if !proposal.untyped_samples.is_empty() {
        let _ = writeln!(
            out,
            "  # No event type found in: {}",
            proposal.untyped_samples.join(", ")
        );
    }
    out
}

/// A complete definition scaffold (the `new vendor` one) with the inferred `events`.
pub fn scaffold(proposal: &Proposal, id: &str) -> String {
    let view = ScaffoldView {
        id: id.to_string(),
        spec_version: SPEC_VERSION,
        schema_path: "../generated/vendor-definition.schema.json".into(),
    };
    let Ok(base) = text::render(text::SCAFFOLD, &view) else {
        return events_block(proposal);
    };
    // The scaffold's own `events:` block runs to the next top-level comment or key.
    let Some(start) = base.find("\nevents:\n").map(|i| i + 1) else {
        return format!("{base}\n{}", events_block(proposal));
    };
    let rest = &base[start + "events:\n".len()..];
    let end = rest
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .find(|&i| rest[i..].starts_with(|c: char| c == '#' || c.is_ascii_alphabetic()))
        .map(|i| start + "events:\n".len() + i)
        .unwrap_or(base.len());
    format!("{}{}\n{}", &base[..start], events_block(proposal), &base[end..])
}
