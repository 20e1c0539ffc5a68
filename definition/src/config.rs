use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A setting the user provides when configuring the connector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigField {
    /// The field's name in the endpoint configuration: lowercase snake_case. Other parts of the
    /// definition refer to it by this name (`config_field: signing_secret`).
    #[schemars(title = "Name", example = &"signing_secret", regex(pattern = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"))]
    pub name: String,

    /// A short label for forms.
    #[schemars(title = "Title", example = &"Signing secret")]
    pub title: String,

    /// Where the user finds the value in the vendor's dashboard and what it is for.
    #[schemars(title = "Description", example = &"Shown under Developers → Webhooks → your endpoint → Signing secret.")]
    pub description: String,

    /// Whether the value is a secret: masked in forms, redacted from logs and documents.
    #[serde(default)]
    #[schemars(title = "Secret", example = true)]
    pub secret: bool,

    /// Whether the connector can start without it. A secret that authentication reads is
    /// normally required; it is optional only for a vendor that reveals it after setup
    /// (Notion's verification token): until it is set, every request fails authentication.
    #[serde(default = "yes")]
    #[schemars(title = "Required", example = true)]
    pub required: bool,

    /// Whether several values may be configured at once, to rotate a secret without downtime:
    /// a request verified by any of them is accepted.
    #[serde(default)]
    #[schemars(title = "Several values (rotation)", example = true)]
    pub multiple: bool,

    /// An example value, shown in the generated README and sample configuration. Never a real
    /// secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Example value", example = &"whsec_test_secret")]
    pub example: Option<String>,
}

fn yes() -> bool {
    true
}
