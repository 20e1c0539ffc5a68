use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where a value is read from a request: the event type, a document key, a handshake's
/// challenge. Inside a batch, `body_pointer` is relative to the event item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ValueSource {
    /// A JSON pointer (RFC 6901) into the event body, or into the batch item for batched
    /// vendors. Strings are taken as they are; numbers and booleans as their JSON text.
    BodyPointer {
        /// The JSON pointer, starting with `/`.
        #[schemars(title = "JSON pointer", example = &"/type")]
        pointer: String,
    },
    /// A request header (matched case-insensitively).
    Header {
        /// The header's name as the vendor documents it.
        #[schemars(title = "Header name", example = &"X-GitHub-Event")]
        name: String,
    },
    /// A field of an `application/x-www-form-urlencoded` body.
    FormField {
        /// The form field's name.
        #[schemars(title = "Form field", example = &"command")]
        name: String,
    },
    /// A parameter of the request's query string.
    QueryParameter {
        /// The query parameter's name.
        #[schemars(title = "Query parameter", example = &"hub.challenge")]
        name: String,
    },
    /// A segment of the request path, counted from 0 after the leading `/` (in `/twilio/sms`,
    /// segment 0 is `twilio`). Lets one connector serve one URL per event kind.
    PathSegment {
        /// The segment's index, from 0.
        #[schemars(title = "Segment index", example = 0)]
        index: u32,
    },
    /// A fixed value, for vendors that send one kind of event per endpoint.
    Constant {
        /// The value.
        #[schemars(title = "Value", example = &"inbound_message")]
        value: String,
    },
    /// Several values joined with a separator; parts that are absent are left out (GitHub's
    /// `push` has no `/action`, so `push` + `/action` gives `push`, `issues` + `/action` gives
    /// `issues.opened`).
    Composite {
        /// The parts, in order. Each is any other kind of value source.
        #[schemars(title = "Parts")]
        parts: Vec<ValueSource>,
        /// The text placed between present parts.
        #[schemars(title = "Separator", example = &".")]
        separator: String,
    },
    /// The value of the first source that yields one (Slack: the inner `/event/type`, or the
    /// envelope's `/type` when there is no inner event, as for `app_rate_limited`).
    FirstOf {
        /// The sources, tried in order. Each is any other kind of value source.
        #[schemars(title = "Sources", example = first_of_example())]
        sources: Vec<ValueSource>,
    },
    /// The name of the first of `members` present in the JSON object at `pointer`, for events
    /// whose kind is told by which member they carry rather than by a field's value (Meta
    /// Messenger: a `messaging` item carries `message`, `postback`, `read`, `delivery`…).
    PresentMember {
        /// The JSON pointer to the object (`""` for the event itself).
        #[schemars(title = "JSON pointer", example = &"/messaging/0")]
        pointer: String,
        /// The member names, tried in order.
        #[schemars(title = "Members", example = vec!["message", "postback", "read", "delivery"])]
        members: Vec<String>,
        /// Text written before the member's name (`messaging.` gives `messaging.postback`).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        #[schemars(title = "Prefix", example = &"messaging.")]
        prefix: String,
    },
    /// A SHA-256 content hash (lowercase hex), for vendors that send no id: of the whole event's
    /// bytes when `pointers` is empty, else of the named fields' values. Only for document keys.
    ContentHash {
        /// The fields to hash, as JSON pointers. Empty: hash the raw event bytes.
        #[serde(default)]
        #[schemars(title = "Hashed fields", example = vec!["/appsflyer_id", "/event_time", "/event_name"])]
        pointers: Vec<String>,
    },
    /// The event's position in its batch (0, 1, …); combine with a request id in a `composite`
    /// key when batch items carry no id of their own.
    BatchIndex,
}

fn first_of_example() -> serde_json::Value {
    serde_json::json!([{"type": "body_pointer", "pointer": "/event/type"}, {"type": "body_pointer", "pointer": "/type"}])
}
