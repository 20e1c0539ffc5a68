use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Method, Response, ValueSource};

/// A request the connector answers itself without capturing anything: a challenge, a
/// verification probe, a ping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Handshake {
    /// A short snake_case name, unique among the handshakes.
    #[schemars(title = "Name", example = &"url_verification")]
    pub name: String,

    /// When and why the vendor sends it.
    #[schemars(title = "Description", example = &"Sent when the Request URL is saved; the challenge must be echoed.")]
    pub description: String,

    /// The methods the handshake arrives with.
    #[serde(default = "post")]
    #[schemars(title = "Methods", example = vec![Method::Post])]
    pub methods: Vec<Method>,

    /// The conditions that identify the handshake; all must hold.
    #[schemars(title = "Recognised when")]
    pub when: Vec<Condition>,

    /// Whether the request must pass `authentication` before it is answered (Slack, Zoom and
    /// Twitch sign their handshakes; Meta's GET challenge is not signed).
    #[schemars(title = "Verify signature first", example = true)]
    pub verify_signature: bool,

    /// Further conditions that must hold for the handshake to succeed; if one fails the
    /// connector answers 403 (Meta: the verify token must match the configured one).
    #[serde(default)]
    #[schemars(title = "Required")]
    pub require: Vec<Condition>,

    /// The answer.
    #[schemars(title = "Response")]
    pub response: Response,
}

fn post() -> Vec<Method> {
    vec![Method::Post]
}

/// A condition on a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// The value is present and equals a literal.
    Equals {
        /// Where the value is read.
        #[schemars(title = "Value")]
        value: ValueSource,
        /// The literal it must equal.
        #[schemars(title = "Expected", example = &"url_verification")]
        to: String,
    },
    /// The value is present and equals a configuration field's value (compared in constant time).
    EqualsConfig {
        /// Where the value is read.
        #[schemars(title = "Value")]
        value: ValueSource,
        /// The configuration field it must equal.
        #[schemars(title = "Configuration field", example = &"verify_token")]
        config_field: String,
    },
    /// The value is present.
    Present {
        /// Where the value is read.
        #[schemars(title = "Value")]
        value: ValueSource,
    },
}
