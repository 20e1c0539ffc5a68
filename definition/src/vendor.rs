use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Who the vendor is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    /// The vendor's identifier: lowercase letters, digits and `-`. It names the definition file
    /// (`vendor-definitions/<id>.yaml`) and the connector (`source-<id>-webhook`).
    #[schemars(title = "Vendor id", example = &"stripe", regex(pattern = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"))]
    pub id: String,

    /// The vendor's name as users know it.
    #[schemars(title = "Display name", example = &"Stripe")]
    pub name: String,

    /// One or two sentences on what the vendor sends webhooks about.
    #[serde(default)]
    #[schemars(title = "Description", example = &"Payments platform; sends an Event object per webhook.")]
    pub description: String,

    /// The vendor's webhook documentation, the source of the facts in this definition.
    #[schemars(title = "Documentation URL", example = &"https://docs.stripe.com/webhooks")]
    pub documentation_url: String,

    /// What a user does in the vendor's dashboard to point webhooks at the connector, one step
    /// per item, in order. Rendered as a numbered list in the connector's README.
    #[serde(default)]
    #[schemars(title = "Setup steps", example = setup_example())]
    pub setup_steps: Vec<String>,
}

fn setup_example() -> serde_json::Value {
    serde_json::json!([
        "In the Stripe Dashboard, open Developers → Webhooks and click **Add endpoint**.",
        "Enter the connector's public URL and select the events to send.",
        "Reveal the endpoint's **Signing secret** and paste it into the connector's `signing_secret`."
    ])
}
