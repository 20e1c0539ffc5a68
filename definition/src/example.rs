use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Method;

/// An example request and what the connector must do with it. Each becomes a test of the
/// generated connector; accepted examples also get tampered and stale variants that must fail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// A short snake_case name, unique among the examples; names the generated test.
    #[schemars(title = "Name", example = &"docs_vector")]
    pub name: String,

    /// What the example shows.
    #[serde(default)]
    #[schemars(title = "Description", example = &"The test vector from GitHub's documentation.")]
    pub description: String,

    /// Where the example comes from: a documentation URL or an SDK test file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Source", example = &"https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries")]
    pub source: Option<String>,

    /// The connector configuration the example runs with: configuration field → value (a list
    /// for fields with `multiple: true`).
    #[serde(default)]
    #[schemars(title = "Configuration", example = config_example())]
    pub config: BTreeMap<String, serde_json::Value>,

    /// The connector's clock for this example, in Unix seconds, so signed timestamps are fresh.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Clock (Unix seconds)", example = 1531420618)]
    pub now: Option<i64>,

    /// The request.
    #[schemars(title = "Request")]
    pub request: ExampleRequest,

    /// What must happen.
    #[schemars(title = "Expected outcome")]
    pub expect: Expectation,
}

fn config_example() -> serde_json::Value {
    serde_json::json!({"webhook_secret": "It's a Secret to Everybody"})
}

/// An example HTTP request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExampleRequest {
    /// The method.
    #[serde(default = "post")]
    #[schemars(title = "Method", example = Method::Post)]
    pub method: Method,

    /// The path, with the query string if any.
    #[serde(default = "root")]
    #[schemars(title = "Path and query", example = &"/?hub.mode=subscribe")]
    pub path: String,

    /// The headers, name → value.
    #[serde(default)]
    #[schemars(title = "Headers", example = headers_example())]
    pub headers: BTreeMap<String, String>,

    /// The body, byte for byte (mind trailing newlines: signatures cover every byte). Use a YAML
    /// quoted string when the body has escapes such as `\r\n`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Body", example = &"{\"foo\":\"bar\"}")]
    pub body: Option<String>,

    /// A file holding the body, relative to the definition's `fixtures/<vendor>/` folder, for
    /// large payloads. Exclusive with `body`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Body file", example = &"push.json")]
    pub body_file: Option<String>,
}

fn post() -> Method {
    Method::Post
}

fn root() -> String {
    "/".to_string()
}

fn headers_example() -> serde_json::Value {
    serde_json::json!({"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=4864d2759938a15468b5df9ade20bf161da9b4f737ea61794142f3484236bda3"})
}

/// What the connector must do with an example request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "outcome", rename_all = "snake_case", deny_unknown_fields)]
pub enum Expectation {
    /// The request is authentic and its events are captured.
    Captured {
        /// The documents captured, in order.
        #[schemars(title = "Captured documents")]
        documents: Vec<ExpectedDocument>,
    },
    /// The request is rejected without capturing anything.
    Rejected {
        /// The status the vendor gets.
        #[schemars(title = "Status", example = 401)]
        status: u16,
    },
    /// The request is a handshake, answered without capturing anything.
    Handshake {
        /// The handshake's name.
        #[schemars(title = "Handshake", example = &"url_verification")]
        name: String,
        /// The status the vendor gets.
        #[serde(default = "ok")]
        #[schemars(title = "Status", example = 200)]
        status: u16,
        /// The exact body the vendor gets, if it matters.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(title = "Body", example = &"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")]
        body: Option<String>,
    },
}

fn ok() -> u16 {
    200
}

/// A document an example must capture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectedDocument {
    /// The collection it goes to (an event type's collection, or the catch-all).
    #[schemars(title = "Collection", example = &"payment_intent_succeeded")]
    pub collection: String,
    /// The event type found by the discriminator.
    #[schemars(title = "Event type", example = &"payment_intent.succeeded")]
    pub event_type: String,
    /// The document key.
    #[schemars(title = "Key", example = &"evt_1NG8Du2eZvKYlo2CUI79vXWy")]
    pub key: String,
}
