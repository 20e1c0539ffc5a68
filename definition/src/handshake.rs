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

    /// A value of the handshake the user must see, written to the connector's log with a
    /// message when the handshake is answered (Notion sends the verification token once, and
    /// the user pastes it into Notion and into the connector's configuration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Reveal to the user")]
    pub reveal: Option<Reveal>,
}

/// A handshake value shown to the user in the connector's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reveal {
    /// Where the value is read.
    #[schemars(title = "Value", example = reveal_value_example())]
    pub value: ValueSource,
    /// What the user must do with it.
    #[schemars(
        title = "Message",
        example = &"Paste this token into Notion's Verify form and into the connector's verification_token."
    )]
    pub message: String,
}

fn reveal_value_example() -> serde_json::Value {
    serde_json::json!({"type": "body_pointer", "pointer": "/verification_token"})
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
