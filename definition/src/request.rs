use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The HTTP methods a vendor uses to deliver events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// HTTP GET: the event's fields are in the query string.
    Get,
    /// HTTP HEAD: only used by handshakes and probes.
    Head,
    /// HTTP POST: the event is in the body. The common case.
    Post,
    /// HTTP PUT.
    Put,
    /// HTTP PATCH.
    Patch,
    /// HTTP DELETE.
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// The shape of the HTTP requests that carry events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestShape {
    /// The methods that carry events. A `GET` event carries its fields in the query string,
    /// which is then read like a form body. Handshakes may use other methods; they list their own.
    #[serde(default = "default_methods")]
    #[schemars(title = "Event methods", example = vec![Method::Post])]
    pub methods: Vec<Method>,

    /// How the body encodes the event.
    #[serde(default)]
    #[schemars(title = "Body encoding")]
    pub body: BodyEncoding,

    /// Other names a header may arrive under. Wherever the definition reads header `name` (the
    /// signature, the timestamp, `{header:…}` in a signed message, the discriminator, the
    /// document key, handshake conditions, token locations) and the request has no such header,
    /// the first alias the request has is read instead; aliases of headers authentication reads
    /// are redacted like the headers themselves. Svix-powered senders send `svix-id`,
    /// `svix-timestamp` and `svix-signature` for Standard Webhooks' `webhook-*` headers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(title = "Header aliases", example = header_aliases_example())]
    pub header_aliases: Vec<HeaderAlias>,
}

impl Default for RequestShape {
    fn default() -> Self {
        RequestShape { methods: default_methods(), body: BodyEncoding::default(), header_aliases: Vec::new() }
    }
}

impl RequestShape {
    /// The aliases of a header (names compared case-insensitively); empty when it has none.
    pub fn aliases_of(&self, name: &str) -> &[String] {
        self.header_aliases
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .map(|a| a.aliases.as_slice())
            .unwrap_or_default()
    }
}

fn header_aliases_example() -> serde_json::Value {
    serde_json::json!([
        {"name": "webhook-id", "aliases": ["svix-id"]},
        {"name": "webhook-timestamp", "aliases": ["svix-timestamp"]},
        {"name": "webhook-signature", "aliases": ["svix-signature"]}
    ])
}

/// Other names one header may arrive under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeaderAlias {
    /// The header's name as the rest of the definition uses it.
    #[schemars(title = "Header name", example = &"webhook-signature")]
    pub name: String,
    /// The names read, in order, when the request has no `name` header.
    #[schemars(title = "Aliases", example = vec!["svix-signature"])]
    pub aliases: Vec<String>,
}

fn default_methods() -> Vec<Method> {
    vec![Method::Post]
}

/// How the body of an event request encodes the event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum BodyEncoding {
    /// A JSON document (`application/json`). The default.
    #[default]
    Json,
    /// `application/x-www-form-urlencoded` fields, captured as a JSON object of strings
    /// (a repeated field becomes an array of strings).
    Form,
    /// A form body whose one field holds the JSON event (GitHub's form mode and Slack
    /// interactivity use `payload`).
    FormFieldJson {
        /// The form field that holds the JSON document.
        #[schemars(title = "Form field", example = &"payload")]
        field: String,
    },
    /// JSON, unless the request's `Content-Type` is `application/x-www-form-urlencoded`: then
    /// the JSON event is in one form field (GitHub lets each webhook choose either content type
    /// and puts the JSON in `payload`). Signatures still cover the raw body bytes as sent.
    JsonOrFormField {
        /// The form field that holds the JSON document in a form-encoded request.
        #[schemars(title = "Form field", example = &"payload")]
        field: String,
    },
}
