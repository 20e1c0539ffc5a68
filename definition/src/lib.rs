//! The vendor definition model of webhookgen.
//!
//! A vendor definition (`vendor-definitions/<vendor>.yaml`) says what differs between webhook
//! vendors: where the event type sits, which event types exist, how requests are signed, which
//! handshakes the vendor performs, and how it retries. These types are the one model of that
//! format: the generator validates YAML into them, the JSON Schema editors use is derived from
//! them, and the runtime interprets the same values at run time.
//!
//! Every type is closed (`deny_unknown_fields`), every tagged enum carries an explicit `type`,
//! and every field has a title, a description and an example, because the schema derived from
//! these types is what authors (people and AI assistants) read.
#![deny(missing_docs)]

mod authentication;
mod config;
mod delivery;
mod events;
mod example;
mod handshake;
pub mod pointer;
mod request;
mod response;
pub mod schemas;
pub mod template;
mod value;
mod vendor;

pub use authentication::*;
pub use config::*;
pub use delivery::*;
pub use events::*;
pub use example::*;
pub use handshake::*;
pub use request::*;
pub use response::*;
pub use value::*;
pub use vendor::*;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The version of the definition format this crate reads.
pub const SPEC_VERSION: u32 = 1;

/// A webhook vendor definition: everything a generated connector needs to know about one vendor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "Webhook vendor definition",
    description = "What differs between webhook vendors, declaratively: where the event type sits, the known event types, the signature scheme, handshakes and retry semantics. `webhookgen generate` turns it into a complete connector crate.",
    example = example_definition()
)]
pub struct Definition {
    /// The version of this format the file is written in. Always `1` for now.
    #[schemars(title = "Format version", example = 1)]
    pub spec_version: u32,

    /// Who the vendor is and where its documentation lives.
    #[schemars(title = "Vendor")]
    pub vendor: Vendor,

    /// The shape of the HTTP requests the vendor sends.
    #[serde(default)]
    #[schemars(title = "Request shape")]
    pub request: RequestShape,

    /// The settings a user provides when configuring the connector: the vendor's secrets, verify
    /// tokens, public URLs. Referenced by name from `authentication`, `handshakes` and templates.
    #[serde(default)]
    #[schemars(title = "Configuration fields", example = example_config_fields())]
    pub config: Vec<ConfigField>,

    /// How the connector proves a request comes from the vendor. Fails closed: a definition
    /// without authentication must say so explicitly with `type: none` and a reason.
    #[schemars(title = "Authentication")]
    pub authentication: Authentication,

    /// Requests the connector answers itself, without capturing anything: challenges,
    /// verification probes and pings.
    #[serde(default)]
    #[schemars(title = "Handshakes")]
    pub handshakes: Vec<Handshake>,

    /// What the events are: how a request splits into events, where each event's type and key
    /// are found, and which collection each type is captured into.
    #[schemars(title = "Events")]
    pub events: Events,

    /// What the connector answers the vendor.
    #[serde(default)]
    #[schemars(title = "Responses")]
    pub responses: Responses,

    /// How the vendor delivers and retries. Documentation for users and the basis of the
    /// deduplication window; the connector does not depend on it to be correct.
    #[schemars(title = "Delivery semantics")]
    pub delivery: Delivery,

    /// Example requests with their expected outcome: the vendor's published test vectors and a
    /// realistic event per type. Each becomes a test of the generated connector.
    #[serde(default)]
    #[schemars(title = "Examples")]
    pub examples: Vec<Example>,
}

fn example_definition() -> serde_json::Value {
    serde_json::json!({
        "spec_version": 1,
        "vendor": {"id": "acme", "name": "Acme", "documentation_url": "https://docs.acme.example/webhooks"},
        "config": [{"name": "signing_secret", "title": "Signing secret", "description": "Shown in the Acme dashboard.", "secret": true}],
        "authentication": {"type": "hmac", "algorithm": "sha256",
            "secret": {"config_field": "signing_secret", "decoding": "verbatim"},
            "signature": {"header": "Acme-Signature", "format": {"type": "prefixed", "prefix": "sha256="}, "encoding": "hex"},
            "signed_message": "{body}"},
        "events": {"discriminator": {"type": "body_pointer", "pointer": "/type"},
            "document_key": {"type": "body_pointer", "pointer": "/id"},
            "types": [{"collection": "order_created", "values": ["order.created"], "description": "An order was placed."}]},
        "delivery": {"retries": "Retried 5 times over 24 hours with exponential backoff.", "retry_horizon_hours": 24}
    })
}

fn example_config_fields() -> serde_json::Value {
    serde_json::json!([{
        "name": "signing_secret",
        "title": "Signing secret",
        "description": "The endpoint's signing secret, shown under Developers → Webhooks.",
        "secret": true,
        "multiple": true
    }])
}

impl Definition {
    /// The JSON Schema of the format (draft-07, the draft editors' YAML language servers support).
    pub fn json_schema() -> serde_json::Value {
        let generator = schemars::generate::SchemaSettings::draft07().into_generator();
        let schema = generator.into_root_schema_for::<Definition>();
        serde_json::to_value(schema).expect("a schema always serializes")
    }

    /// The configuration field with this name, if the definition declares it.
    pub fn config_field(&self, name: &str) -> Option<&ConfigField> {
        self.config.iter().find(|f| f.name == name)
    }
}
