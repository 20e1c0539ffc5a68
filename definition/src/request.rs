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
}

impl Default for RequestShape {
    fn default() -> Self {
        RequestShape { methods: default_methods(), body: BodyEncoding::default() }
    }
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
}
