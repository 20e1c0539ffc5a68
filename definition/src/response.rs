use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{HashAlgorithm, SecretRef, SignatureEncoding, ValueSource};

/// What the connector answers the vendor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Responses {
    /// The answer once every event of a request is durably committed.
    #[serde(default)]
    #[schemars(title = "Success")]
    pub success: Response,

    /// The status for a request that fails authentication (Discord and Xero require 401).
    #[serde(default = "unauthorized")]
    #[schemars(title = "Authentication failure status", example = 401)]
    pub authentication_failed_status: u16,

    /// The status for a request rejected because of an unknown event type
    /// (`events.unknown_types.action: reject`) or an unreadable body.
    #[serde(default = "bad_request")]
    #[schemars(title = "Rejected request status", example = 400)]
    pub rejected_status: u16,
}

impl Default for Responses {
    fn default() -> Self {
        Responses {
            success: Response::default(),
            authentication_failed_status: unauthorized(),
            rejected_status: bad_request(),
        }
    }
}

fn unauthorized() -> u16 {
    401
}

fn bad_request() -> u16 {
    400
}

/// An HTTP answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// The status code.
    #[serde(default = "ok")]
    #[schemars(title = "Status", example = 200)]
    pub status: u16,

    /// The body.
    #[serde(default)]
    #[schemars(title = "Body")]
    pub body: ResponseBody,

    /// Extra headers (Dropbox wants `X-Content-Type-Options: nosniff`).
    #[serde(default)]
    #[schemars(title = "Headers")]
    pub headers: Vec<ResponseHeader>,
}

impl Default for Response {
    fn default() -> Self {
        Response { status: ok(), body: ResponseBody::Empty, headers: Vec::new() }
    }
}

fn ok() -> u16 {
    200
}

/// The body of an answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ResponseBody {
    /// No body.
    #[default]
    Empty,
    /// A `text/plain` body.
    Text {
        /// The text.
        #[schemars(title = "Value")]
        value: ResponseValue,
    },
    /// An `application/json` object built field by field, in order.
    JsonObject {
        /// The fields.
        #[schemars(title = "Fields")]
        fields: Vec<JsonField>,
    },
}

/// One field of a JSON answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonField {
    /// The field's name.
    #[schemars(title = "Name", example = &"challenge")]
    pub name: String,
    /// Its value (a JSON string).
    #[schemars(title = "Value")]
    pub value: ResponseValue,
}

/// One extra header of an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseHeader {
    /// The header's name.
    #[schemars(title = "Name", example = &"X-Content-Type-Options")]
    pub name: String,
    /// Its value.
    #[schemars(title = "Value")]
    pub value: ResponseValue,
}

/// A text value in an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ResponseValue {
    /// Fixed text.
    Literal {
        /// The text.
        #[schemars(title = "Text", example = &"[accepted]")]
        value: String,
    },
    /// A value read from the request (an echoed challenge).
    Echo {
        /// Where it is read.
        #[schemars(title = "Source")]
        source: ValueSource,
    },
    /// An HMAC of a value read from the request (Zoom's `encryptedToken`).
    Hmac {
        /// The hash function.
        #[schemars(title = "Hash algorithm", example = HashAlgorithm::Sha256)]
        algorithm: HashAlgorithm,
        /// The key.
        #[schemars(title = "Secret")]
        secret: SecretRef,
        /// The value that is signed.
        #[schemars(title = "Message")]
        message: ValueSource,
        /// How the MAC is written.
        #[schemars(title = "Encoding", example = SignatureEncoding::Hex)]
        encoding: SignatureEncoding,
    },
}
