use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How the vendor delivers and retries, as its documentation says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    /// How long the vendor waits for an answer before it counts a delivery as failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Response timeout (seconds)", example = 10)]
    pub timeout_seconds: Option<u32>,

    /// What the vendor retries, how often and for how long, in the vendor's words.
    #[schemars(title = "Retries", example = &"Live mode: up to 3 days with exponential backoff.")]
    pub retries: String,

    /// How long after the first attempt the vendor may still redeliver an event (0: it never
    /// retries). Deduplication keeps keys at least this long.
    #[schemars(title = "Retry horizon (hours)", example = 72)]
    pub retry_horizon_hours: u32,

    /// When the vendor disables an endpoint that keeps failing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Endpoint disabling", example = &"After 8 consecutive failures the subscription is removed.")]
    pub disabling: Option<String>,

    /// How to have the vendor send missed events again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Replay", example = &"Redeliver from the dashboard's delivery log for 3 days.")]
    pub replay: Option<String>,

    /// Status codes or response headers with a special meaning to the vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Special statuses", example = &"410 Gone disables the endpoint.")]
    pub special_statuses: Option<String>,
}
