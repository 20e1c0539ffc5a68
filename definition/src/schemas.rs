//! The JSON Schemas of a connector, derived from its definition: the endpoint configuration,
//! the resource (binding) configuration, and one document schema per collection.
//!
//! One source for both sides: the generator writes these to `schemas/*.json`, and the runtime
//! answers Flow's `spec` and `discover` with the same values.

use serde_json::{Map, Value, json};

use crate::{Definition, ValueSource};

/// The JSON pointer of every document's key.
pub const DOCUMENT_KEY_POINTER: &str = "/_meta/webhookId";

/// A collection of a connector: one per event type entry, plus the catch-all.
#[derive(Debug, Clone, PartialEq)]
pub struct Collection {
    /// The collection's name.
    pub name: String,
    /// What it holds.
    pub description: String,
    /// Whether its binding is enabled when first discovered.
    pub enabled: bool,
    /// The index of its entry in `events.types`, or `None` for the catch-all.
    pub event_type_index: Option<usize>,
}

/// The collections of a definition, in binding order: the event types in definition order, then
/// the catch-all (present unless unknown types are rejected).
pub fn collections(definition: &Definition) -> Vec<Collection> {
    let mut out: Vec<Collection> = definition
        .events
        .types
        .iter()
        .enumerate()
        .map(|(i, t)| Collection {
            name: t.collection.clone(),
            description: t.description.clone(),
            enabled: t.enabled,
            event_type_index: Some(i),
        })
        .collect();
    if definition.events.unknown_types.action == crate::UnknownTypeAction::Capture {
        out.push(Collection {
            name: definition.events.unknown_types.collection.clone(),
            description: format!(
                "{} events of types this connector does not know yet, captured so nothing is lost.",
                definition.vendor.name
            ),
            enabled: true,
            event_type_index: None,
        });
    }
    out
}

/// Whether document keys are the connector's own (a content hash or a batch index) rather
/// than an id the vendor sends; Flow calls such a key a fallback key.
pub fn key_is_fallback(definition: &Definition) -> bool {
    fn ours(source: &ValueSource) -> bool {
        match source {
            ValueSource::ContentHash { .. } | ValueSource::BatchIndex => true,
            ValueSource::Composite { parts, .. } => parts.iter().all(ours),
            ValueSource::FirstOf { sources } => sources.iter().all(ours),
            _ => false,
        }
    }
    ours(&definition.events.document_key)
}

/// The endpoint configuration schema: one property per configuration field, secrets marked
/// `"secret": true`, fields ordered as declared (`"order"`).
pub fn endpoint_config(definition: &Definition) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (order, field) in definition.config.iter().enumerate() {
        let mut property = Map::new();
        property.insert("title".into(), json!(field.title));
        property.insert("description".into(), json!(field.description));
        if field.multiple {
            // A string, or several strings during a rotation (any one verifying is enough); the
            // field's own description says so in the vendor's terms.
            property.insert(
                "oneOf".into(),
                json!([{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]),
            );
        } else {
            property.insert("type".into(), json!("string"));
        }
        if field.secret {
            property.insert("secret".into(), json!(true));
        }
        property.insert("order".into(), json!(order));
        if let Some(example) = &field.example {
            property.insert("examples".into(), json!([example]));
        }
        if field.required {
            required.push(json!(field.name));
        }
        properties.insert(field.name.clone(), Value::Object(property));
    }
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": format!("{} webhook connector configuration", definition.vendor.name),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// The resource (binding) configuration schema: a binding names the collection it captures.
pub fn resource_config(definition: &Definition) -> Value {
    let names: Vec<String> = collections(definition).into_iter().map(|c| c.name).collect();
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": format!("{} webhook binding", definition.vendor.name),
        "type": "object",
        "properties": {
            "collection": {
                "title": "Collection",
                "description": "The event-type collection this binding captures.",
                "type": "string",
                "enum": names,
            }
        },
        "required": ["collection"],
        "additionalProperties": false,
    })
}

/// The resource path pointers of a binding's resource config (what identifies a binding).
pub const RESOURCE_PATH_POINTERS: &[&str] = &["/collection"];

/// The `_meta` object every document carries.
pub fn meta_schema() -> Value {
    json!({
        "type": "object",
        "description": "Added by the connector to every document.",
        "properties": {
            "webhookId": {"type": "string", "description": "The document key: the vendor's event or delivery id, or a content hash where the vendor sends none."},
            "receivedAt": {"type": "string", "format": "date-time", "description": "When the connector received the request."},
            "eventType": {"type": "string", "description": "The event type, as the discriminator found it."},
            "headers": {"type": "object", "additionalProperties": {"type": "string"}, "description": "The request headers, lowercased, with secrets and signatures redacted."}
        },
        "required": ["webhookId", "receivedAt", "eventType"]
    })
}

/// The document schema of a collection: the event type's schema (or any object) with `_meta`.
pub fn document(definition: &Definition, collection: &Collection) -> Value {
    let base = collection
        .event_type_index
        .and_then(|i| definition.events.types[i].schema.clone())
        .unwrap_or_else(|| json!({"type": "object"}));
    let mut schema = match base {
        Value::Object(map) => map,
        other => {
            let mut map = Map::new();
            map.insert("allOf".into(), json!([other]));
            map
        }
    };
    schema.insert("$schema".into(), json!("http://json-schema.org/draft-07/schema#"));
    schema.entry("title").or_insert_with(|| json!(format!("{}: {}", definition.vendor.name, collection.name)));
    schema.entry("type").or_insert_with(|| json!("object"));
    let properties = schema.entry("properties").or_insert_with(|| json!({}));
    if let Value::Object(p) = properties {
        p.insert("_meta".into(), meta_schema());
    }
    let required = schema.entry("required").or_insert_with(|| json!([]));
    if let Value::Array(r) = required
        && !r.contains(&json!("_meta"))
    {
        r.push(json!("_meta"));
    }
    Value::Object(schema)
}
