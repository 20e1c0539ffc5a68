use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How the connector proves a request comes from the vendor. Checks run over the raw request
/// bytes before anything is parsed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Authentication {
    /// No authentication. Only for vendors that offer none; the reason is shown to users, who
    /// should then keep the connector's URL secret.
    None(NoAuthentication),
    /// An HMAC signature over a signed message (Stripe, GitHub, Slack, Shopify, Standard Webhooks).
    Hmac(HmacCheck),
    /// An Ed25519 signature checked with the vendor's public key (Discord, Standard Webhooks `v1a`).
    Ed25519(PublicKeyCheck),
    /// An ECDSA P-256 / SHA-256 signature (DER) checked with the vendor's public key (SendGrid).
    EcdsaP256(PublicKeyCheck),
    /// A static token the vendor sends in a header or query parameter, compared in constant time.
    StaticToken(StaticTokenCheck),
    /// HTTP basic authentication with a configured user name and password.
    Basic(BasicCheck),
    /// A static token the vendor puts in the JSON body, compared in constant time (Microsoft
    /// Graph's `clientState` in every notification of a batch).
    BodyToken(BodyTokenCheck),
    /// The raw body's digest, which the vendor sends in a query parameter of a URL it signs
    /// (Twilio's `bodySHA256` on JSON bodies). It proves nothing alone: only inside `all_of`,
    /// beside a check whose signed message covers the query (`{path}` or `{url:…}`).
    BodyDigest(BodyDigestCheck),
    /// Several checks that must all pass (Adyen: basic authentication and an HMAC).
    AllOf(AllOfChecks),
    /// Several checks of which one must pass (a sender that signs with one of two schemes).
    /// Every check is configured and compiled; a request passes when any one verifies.
    AnyOf(AnyOfChecks),
}

impl Authentication {
    /// The single checks, with `all_of` and `any_of` opened (in definition order).
    pub fn checks(&self) -> Vec<&Authentication> {
        match self {
            Authentication::AllOf(AllOfChecks { checks }) | Authentication::AnyOf(AnyOfChecks { checks }) => {
                checks.iter().flat_map(Authentication::checks).collect()
            }
            single => vec![single],
        }
    }

    /// The configuration field holding the secret this single check compares or keys with.
    pub fn secret_field(&self) -> Option<&str> {
        match self {
            Authentication::Hmac(h) => Some(&h.secret.config_field),
            Authentication::StaticToken(t) => Some(&t.token.config_field),
            Authentication::BodyToken(t) => Some(&t.token.config_field),
            Authentication::Basic(b) => Some(&b.password_field),
            _ => None,
        }
    }
}

/// The explicit statement that a vendor's requests carry no authentication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoAuthentication {
    /// Why there is none, and what users should do instead (a secret URL, an IP allow-list).
    #[schemars(title = "Reason", example = &"Mailchimp signs nothing; put a long random token in the webhook URL.")]
    pub reason: String,
}

/// Several checks, all of which must pass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AllOfChecks {
    /// The checks. None of them may be `none` or another `all_of`.
    #[schemars(title = "Checks")]
    pub checks: Vec<Authentication>,
}

/// Several checks, one of which must pass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnyOfChecks {
    /// The checks, at least two. None of them may be `none` or another `any_of`; each one's
    /// configuration fields are required like those of a lone check (fail closed).
    #[schemars(title = "Checks", example = any_of_example())]
    pub checks: Vec<Authentication>,
}

fn any_of_example() -> serde_json::Value {
    serde_json::json!([
        {"type": "static_token", "location": {"type": "header", "name": "Authorization", "prefix": "Bearer "}, "token": {"config_field": "api_token"}},
        {"type": "static_token", "location": {"type": "query_parameter", "name": "token"}, "token": {"config_field": "api_token"}}
    ])
}

/// A hash function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HashAlgorithm {
    /// SHA-1 (legacy vendors: Twilio, Intercom, Segment).
    Sha1,
    /// SHA-256, the common case.
    Sha256,
    /// SHA-512.
    Sha512,
}

/// An HMAC signature check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HmacCheck {
    /// The hash function of the HMAC.
    #[schemars(title = "Hash algorithm", example = HashAlgorithm::Sha256)]
    pub algorithm: HashAlgorithm,
    /// The shared secret, from the connector's configuration.
    #[schemars(title = "Secret")]
    pub secret: SecretRef,
    /// Where the signature is sent and how it is written.
    #[schemars(title = "Signature")]
    pub signature: SignatureLocation,
    /// What is signed, as a template over the request. See `template` variables: `{body}`,
    /// `{timestamp}`, `{method}`, `{path}`, `{header:NAME}`, `{config:FIELD}`, `{form_sorted}`,
    /// `{body_pointer:POINTER}` (a scalar body field's text), `{url:FIELD}` (a configured public
    /// base URL + the request's path and query, tried with and without the default port),
    /// `{signed_headers:NAME}` (the headers listed in header NAME as `name:value;…`),
    /// `{path_uri_encoded}` (path and query escaped as Contentful's signer does);
    /// `{{` and `}}` are literal braces.
    #[schemars(title = "Signed message", example = &"{timestamp}.{body}", extend("x-webhookgen-vars" = crate::template::VARIABLE_NAMES))]
    pub signed_message: String,
    /// Where the signed timestamp is read, if the vendor signs one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Timestamp")]
    pub timestamp: Option<Timestamp>,
    /// How far the timestamp may be from the connector's clock. Checked after the signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Timestamp tolerance")]
    pub tolerance: Option<Tolerance>,
    /// What one signature covers: the whole `request` (the usual case), or each `batch_item`
    /// of `events.batch` on its own (Adyen signs every notification item with fields of that
    /// item). With `batch_item`, the signature and every `{body_pointer:…}` are read inside
    /// the item, the signed message may not use `{body}` or `{form_sorted}`, and a request
    /// with one item that fails is rejected whole.
    #[serde(default, skip_serializing_if = "SignatureScope::is_request")]
    #[schemars(title = "Signature scope", example = SignatureScope::BatchItem)]
    pub scope: SignatureScope,
}

/// What one signature covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignatureScope {
    /// The whole request.
    #[default]
    Request,
    /// Each item of the batch (`events.batch`), separately.
    BatchItem,
}

impl SignatureScope {
    /// Whether this is the default, `request`.
    pub fn is_request(&self) -> bool {
        *self == SignatureScope::Request
    }
}

/// A signature check with the vendor's public key (Ed25519 or ECDSA P-256).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicKeyCheck {
    /// The vendor's public key, from the connector's configuration.
    #[schemars(title = "Public key")]
    pub public_key: PublicKeyRef,
    /// Where the signature is sent and how it is written.
    #[schemars(title = "Signature")]
    pub signature: SignatureLocation,
    /// What is signed, as a template over the request (see `hmac.signed_message`).
    #[schemars(title = "Signed message", example = &"{timestamp}{body}", extend("x-webhookgen-vars" = crate::template::VARIABLE_NAMES))]
    pub signed_message: String,
    /// Where the signed timestamp is read, if the vendor signs one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Timestamp")]
    pub timestamp: Option<Timestamp>,
    /// How far the timestamp may be from the connector's clock. Checked after the signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Timestamp tolerance")]
    pub tolerance: Option<Tolerance>,
}

/// A static token compared in constant time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaticTokenCheck {
    /// Where the vendor sends the token.
    #[schemars(title = "Token location")]
    pub location: TokenLocation,
    /// The expected token, from the connector's configuration.
    #[schemars(title = "Token")]
    pub token: SecretRef,
}

/// Where a static token is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum TokenLocation {
    /// In a header, optionally after a fixed prefix (`Bearer `).
    Header {
        /// The header's name.
        #[schemars(title = "Header name", example = &"Authorization")]
        name: String,
        /// Text before the token in the header value, removed before comparing.
        #[serde(default)]
        #[schemars(title = "Prefix", example = &"Bearer ")]
        prefix: String,
        /// A configuration field with which the user chooses the header's name, for vendors
        /// that let each customer pick it (AppsFlyer: `Authorization` or any custom name). When
        /// the field is unset, `name` is used. The field must be declared and not be a secret.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(title = "Header name from configuration", example = &"token_header_name")]
        name_config_field: Option<String>,
    },
    /// In a query parameter of the URL the vendor calls.
    QueryParameter {
        /// The parameter's name.
        #[schemars(title = "Parameter name", example = &"token")]
        name: String,
    },
}

/// A static token in the JSON body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyTokenCheck {
    /// Where the token is: a JSON pointer, where `*` matches every element of an array (every
    /// notification of a batch). Every value it matches must be a string equal to a configured
    /// token, and at least one must be present; a batch with one foreign item is rejected whole.
    /// Captured documents carry `"<redacted>"` where the body held a configured token, so
    /// readers of the collection never see the credential.
    #[schemars(title = "JSON pointer", example = &"/value/*/clientState")]
    pub pointer: String,
    /// The expected token, from the connector's configuration.
    #[schemars(title = "Token")]
    pub token: SecretRef,
}

/// A digest of the raw body, compared in constant time with the one the vendor sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyDigestCheck {
    /// The hash function.
    #[schemars(title = "Hash algorithm", example = HashAlgorithm::Sha256)]
    pub algorithm: HashAlgorithm,
    /// How the digest is written.
    #[schemars(title = "Encoding", example = SignatureEncoding::Hex)]
    pub encoding: SignatureEncoding,
    /// The query parameter that carries the digest.
    #[schemars(title = "Query parameter", example = &"bodySHA256")]
    pub query_parameter: String,
}

/// HTTP basic authentication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BasicCheck {
    /// The configuration field holding the expected user name.
    #[schemars(title = "User name field", example = &"basic_username")]
    pub username_field: String,
    /// The configuration field holding the expected password.
    #[schemars(title = "Password field", example = &"basic_password")]
    pub password_field: String,
}

/// A secret taken from the connector's configuration, and how its text becomes key bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretRef {
    /// The configuration field that holds the secret (or secrets, during rotation).
    #[schemars(title = "Configuration field", example = &"signing_secret")]
    pub config_field: String,
    /// How the configured text becomes key bytes.
    #[serde(default)]
    #[schemars(title = "Decoding", example = SecretDecoding::Verbatim)]
    pub decoding: SecretDecoding,
}

/// How a configured secret's text becomes key bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SecretDecoding {
    /// The text's UTF-8 bytes, as they are (Stripe keeps its `whsec_` prefix in the key; Zendesk's
    /// secret looks like base64 but is used as text).
    #[default]
    Verbatim,
    /// Standard Webhooks: strip an optional `whsec_` prefix, then base64-decode.
    WhsecBase64,
    /// Standard base64.
    Base64,
    /// Hexadecimal (Adyen's HMAC key).
    Hex,
}

/// The vendor's public key, from the connector's configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicKeyRef {
    /// The configuration field that holds the key (or keys, during rotation).
    #[schemars(title = "Configuration field", example = &"public_key")]
    pub config_field: String,
    /// How the key is written.
    #[schemars(title = "Key encoding", example = PublicKeyEncoding::Hex)]
    pub encoding: PublicKeyEncoding,
}

/// How a public key is written in the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublicKeyEncoding {
    /// Raw key bytes in hexadecimal (Discord's Ed25519 key).
    Hex,
    /// Raw key bytes in standard base64, with an optional `whpk_` prefix (Standard Webhooks).
    Base64,
    /// A DER SubjectPublicKeyInfo in base64 (SendGrid's verification key).
    SpkiDerBase64,
    /// A PEM `PUBLIC KEY` block.
    Pem,
}

/// Where a signature is sent and how its value is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatureLocation {
    /// The header that carries the signature. Exactly one of `header` and `body_pointer` is
    /// set; an empty `header` means the signature is in the body.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(title = "Header", example = &"X-Hub-Signature-256")]
    pub header: String,
    /// A field of the JSON body that carries the signature, instead of a header (Mailgun's
    /// `/signature/signature`). The signed message may then not contain `{body}` or
    /// `{form_sorted}` (the body holds the signature); it names the signed body fields with
    /// `{body_pointer:…}`. No wildcard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Body field", example = &"/signature/signature")]
    pub body_pointer: Option<String>,
    /// How the header value is written.
    #[schemars(title = "Header format")]
    pub format: SignatureFormat,
    /// How the signature bytes are encoded.
    #[schemars(title = "Encoding", example = SignatureEncoding::Hex)]
    pub encoding: SignatureEncoding,
}

/// How a signature header's value is written. Every signature found is a candidate: one that
/// verifies with any configured secret is enough.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum SignatureFormat {
    /// The whole value is the signature (Shopify).
    Bare,
    /// The signature follows a fixed prefix (GitHub `sha256=`, Slack `v0=`).
    Prefixed {
        /// The prefix.
        #[schemars(title = "Prefix", example = &"sha256=")]
        prefix: String,
    },
    /// A list of `key=value` pairs (Stripe `t=…,v1=…,v1=…`; Paddle `ts=…;h1=…`); pairs with
    /// other keys are skipped.
    KeyValueList {
        /// The text between pairs.
        #[schemars(title = "Pair separator", example = &",")]
        separator: String,
        /// The key whose values are signatures; it may appear several times.
        #[schemars(title = "Signature key", example = &"v1")]
        signature_key: String,
        /// The key whose value is the signed timestamp, if one is in the list.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(title = "Timestamp key", example = &"t")]
        timestamp_key: Option<String>,
    },
    /// A list of `version,signature` entries (Standard Webhooks: `v1,<base64> v1,<base64>`);
    /// entries of other versions are skipped.
    VersionedList {
        /// The text between entries.
        #[schemars(title = "Entry separator", example = &" ")]
        separator: String,
        /// The version whose entries are checked.
        #[schemars(title = "Version", example = &"v1")]
        version: String,
    },
    /// A positional list: the first entry is the signed timestamp, every later entry a
    /// signature (Recurly: `1663103925004,<hex>,<hex>` during a key rotation). Read the
    /// timestamp with the `signature_field` timestamp source.
    TimestampThenSignatures {
        /// The text between entries.
        #[schemars(title = "Entry separator", example = &",")]
        separator: String,
    },
}

/// How signature bytes are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignatureEncoding {
    /// Hexadecimal, either case.
    Hex,
    /// Standard base64 with padding.
    Base64,
    /// URL-safe base64, padding optional (Sanity).
    Base64url,
}

/// Where a signed timestamp is read and how it is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Timestamp {
    /// Where the timestamp is.
    #[schemars(title = "Source")]
    pub source: TimestampSource,
    /// How it is written. The raw text is what is signed; the format only matters for the
    /// tolerance check.
    #[schemars(title = "Format", example = TimestampFormat::UnixSeconds)]
    pub format: TimestampFormat,
}

/// Where a signed timestamp is read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum TimestampSource {
    /// A request header.
    Header {
        /// The header's name.
        #[schemars(title = "Header name", example = &"X-Slack-Request-Timestamp")]
        name: String,
    },
    /// The timestamp inside the signature header: the `timestamp_key` entry of a
    /// `key_value_list` (Stripe's `t`), or the first entry of a `timestamp_then_signatures` list
    /// (Recurly).
    SignatureField,
    /// A field of the JSON body (Linear's `/webhookTimestamp`).
    BodyPointer {
        /// The JSON pointer.
        #[schemars(title = "JSON pointer", example = &"/webhookTimestamp")]
        pointer: String,
    },
}

/// How a timestamp is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimestampFormat {
    /// Unix time in seconds.
    UnixSeconds,
    /// Unix time in milliseconds.
    UnixMilliseconds,
    /// RFC 3339 / ISO 8601 with an offset (`2023-07-19T15:00:00.000000000Z`).
    Rfc3339,
}

/// How far a signed timestamp may be from the connector's clock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tolerance {
    /// How old a timestamp may be, in seconds.
    #[schemars(title = "Past tolerance (seconds)", example = 300)]
    pub past_seconds: u32,
    /// How far in the future a timestamp may be, in seconds. Absent: future timestamps are not
    /// checked (Stripe checks only age).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Future tolerance (seconds)", example = 300)]
    pub future_seconds: Option<u32>,
}
