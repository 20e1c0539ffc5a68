use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ValueSource;

/// What the events are and where each goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Events {
    /// Where the events are when one request carries several. Absent: one event per request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Batch")]
    pub batch: Option<Batch>,

    /// Where the event type is. Inside a batch, body pointers are relative to the item.
    #[schemars(title = "Discriminator", example = discriminator_example())]
    pub discriminator: ValueSource,

    /// Where each event's unique id (the document key) is. The vendor's own event or delivery
    /// id where it sends one (the same across retries, so a redelivery is stored once); a
    /// `content_hash` where it sends none.
    #[schemars(title = "Document key", example = key_example())]
    pub document_key: ValueSource,

    /// The event types the vendor documents, each routed to a collection of its own (or
    /// several types to one collection).
    #[schemars(title = "Event types")]
    pub types: Vec<EventType>,

    /// What happens to an event whose type matches none of `types`.
    #[serde(default)]
    #[schemars(title = "Unknown event types")]
    pub unknown_types: UnknownTypes,
}

fn discriminator_example() -> serde_json::Value {
    serde_json::json!({"type": "body_pointer", "pointer": "/type"})
}

fn key_example() -> serde_json::Value {
    serde_json::json!({"type": "header", "name": "X-GitHub-Delivery"})
}

/// Where the events of a batched request are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    /// A JSON pointer to the array of events; `""` when the body itself is the array; a `*`
    /// segment stands for every element of an array on the way (`/entry/*/changes`).
    #[schemars(title = "Items pointer", example = &"/entry/*/changes")]
    pub items: String,
}

/// A known event type and the collection it is captured into.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventType {
    /// The collection the events are captured into: lowercase snake_case, unique.
    #[schemars(title = "Collection", example = &"payment_intent_succeeded", regex(pattern = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"))]
    pub collection: String,

    /// The discriminator values routed to this collection: exact values, or glob patterns where
    /// `*` matches any run of characters (`customer.subscription.*`). Exact values win over
    /// patterns; patterns are tried in the order of `types`.
    #[schemars(title = "Values", example = vec!["payment_intent.succeeded"])]
    pub values: Vec<String>,

    /// What the event means, from the vendor's documentation.
    #[schemars(title = "Description", example = &"Occurs when a PaymentIntent has successfully completed payment.")]
    pub description: String,

    /// Whether the binding is enabled when a user first discovers the connector.
    #[serde(default = "yes")]
    #[schemars(title = "Enabled by default", example = true)]
    pub enabled: bool,

    /// A JSON Schema for the documents of this collection, where the vendor publishes one.
    /// Absent: any JSON object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Document schema", example = schema_example())]
    pub schema: Option<serde_json::Value>,
}

fn yes() -> bool {
    true
}

fn schema_example() -> serde_json::Value {
    serde_json::json!({"type": "object", "required": ["id", "type"], "properties": {"id": {"type": "string"}, "type": {"type": "string"}}})
}

/// What happens to events of unknown types.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnknownTypes {
    /// `capture` them into the catch-all collection (the default: a vendor's new event type is
    /// never lost), or `reject` them.
    #[serde(default)]
    #[schemars(title = "Action", example = UnknownTypeAction::Capture)]
    pub action: UnknownTypeAction,

    /// The catch-all collection.
    #[serde(default = "default_catch_all")]
    #[schemars(title = "Catch-all collection", example = &"other_events")]
    pub collection: String,
}

impl Default for UnknownTypes {
    fn default() -> Self {
        UnknownTypes { action: UnknownTypeAction::Capture, collection: default_catch_all() }
    }
}

/// The default name of the catch-all collection.
pub fn default_catch_all() -> String {
    "other_events".to_string()
}

/// What happens to an event of unknown type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnknownTypeAction {
    /// Capture it into the catch-all collection.
    #[default]
    Capture,
    /// Reject the request with `responses.rejected_status`. Vendors retry or drop rejected
    /// events, so choose this only when the vendor's types are a closed set.
    Reject,
}
