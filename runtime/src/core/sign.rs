//! Producing valid credentials for a request from a definition and a configuration: HMAC
//! signatures, static tokens and basic credentials (public-key schemes need the vendor's
//! private key, which a receiver never has). Used by tests, benches and `webhookgen try`.

use std::fmt;
use std::time::SystemTime;

use base64::Engine;
use bytes::Bytes;
use webhook_definition::{
    Authentication, Definition, HeaderAlias, HmacCheck, SignatureFormat, SignatureScope, TimestampFormat, TimestampSource,
    TokenLocation,
};

use super::config::{ConfigError, EndpointConfig};
use super::request::WebhookRequest;
use super::verify::KeyedMac;
use super::{encoding, form, json, timestamp};

/// Why a request cannot be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignError {
    /// The scheme needs a private key (Ed25519, ECDSA) or something else a receiver lacks.
    Unsupported(String),
    /// The configuration does not fit the definition.
    Config(ConfigError),
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::Unsupported(why) => write!(f, "cannot sign: {why}"),
            SignError::Config(e) => write!(f, "cannot sign: {e}"),
        }
    }
}

impl std::error::Error for SignError {}

impl From<ConfigError> for SignError {
    fn from(e: ConfigError) -> Self {
        SignError::Config(e)
    }
}

/// Adds valid credentials to `request` (replacing any it has), with the first configured
/// secret. A timestamp already in the request is kept (so a re-signed example stays as fresh
/// as it was); otherwise `now` is written in the definition's format.
pub fn sign(definition: &Definition, config: &serde_json::Value, request: &mut WebhookRequest, now: SystemTime) -> Result<(), SignError> {
    let config = EndpointConfig::from_json(definition, config)?;
    let signer = Signer {
        config: &config,
        aliases: &definition.request.header_aliases,
        batch: definition.events.batch.as_ref().map(|b| b.items.as_str()),
        now,
    };
    signer.sign(&definition.authentication, request)
}

/// What signing a request needs besides the request.
struct Signer<'a> {
    config: &'a EndpointConfig,
    aliases: &'a [HeaderAlias],
    /// The batch items pointer, for per-item signatures.
    batch: Option<&'a str>,
    now: SystemTime,
}

impl Signer<'_> {
    fn sign(&self, auth: &Authentication, request: &mut WebhookRequest) -> Result<(), SignError> {
        let (config, aliases, now) = (self.config, self.aliases, self.now);
        match auth {
            Authentication::None(_) => Ok(()),
            Authentication::Hmac(h) if h.scope == SignatureScope::BatchItem => self.sign_items(h, request),
            Authentication::Hmac(h) => sign_hmac(h, config, aliases, request, now),
            Authentication::Ed25519(_) | Authentication::EcdsaP256(_) => {
                Err(SignError::Unsupported("public-key signatures need the vendor's private key".into()))
            }
            Authentication::StaticToken(t) => {
                let token = config.single(&t.token.config_field)?.to_string();
                match &t.location {
                    TokenLocation::Header { name, prefix, name_config_field } => {
                        // The header name the configuration chooses, when it chooses one.
                        let name = name_config_field
                            .as_deref()
                            .and_then(|f| config.single(f).ok())
                            .map_or(name.as_str(), str::trim)
                            .to_string();
                        set_header(request, &name, format!("{prefix}{token}"))
                    }
                    TokenLocation::QueryParameter { name } => set_query(request, name, &token),
                }
                Ok(())
            }
            Authentication::BodyToken(t) => {
                // Every place the pointer names gets the configured token.
                let token = config.single(&t.token.config_field)?.to_string();
                let segments = webhook_definition::pointer::parse(&t.pointer, true)
                    .map_err(|e| ConfigError::Definition(format!("`{}`: {e}", t.pointer)))?;
                let mut body: serde_json::Value = serde_json::from_slice(&request.body)
                    .map_err(|_| SignError::Unsupported("the body is not JSON".into()))?;
                set_everywhere(&mut body, &segments, &token);
                request.body = serde_json::to_vec(&body).expect("a JSON value serializes").into();
                Ok(())
            }
            Authentication::Basic(b) => {
                let credentials = format!("{}:{}", config.single(&b.username_field)?, config.single(&b.password_field)?);
                let value = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(credentials));
                set_header(request, "Authorization", value);
                Ok(())
            }
            // A body digest goes into the URL before anything signs the URL.
        Authentication::AllOf(all) => {
            let (digests, others): (Vec<_>, Vec<_>) =
                all.checks.iter().partition(|c| matches!(c, Authentication::BodyDigest(_)));
            digests.into_iter().chain(others).try_for_each(|c| self.sign(c, request))
        }
        Authentication::BodyDigest(d) => {
            let digest = super::verify::body_digest(d.algorithm, &request.body);
            set_query(request, &d.query_parameter, &encoding::encode_signature(&digest, d.encoding));
            Ok(())
        }
            // One alternative is enough: the first that can sign (HMAC, token, basic) does.
            Authentication::AnyOf(any) => {
                let mut why = SignError::Unsupported("`any_of` has no check that can be signed".into());
                for c in &any.checks {
                    match self.sign(c, request) {
                        Ok(()) => return Ok(()),
                        Err(e) => why = e,
                    }
                }
                Err(why)
            }
        }
    }

    /// Signs every batch item on its own, writing each item's signature into the item (the
    /// body is re-serialized).
    fn sign_items(&self, h: &HmacCheck, request: &mut WebhookRequest) -> Result<(), SignError> {
        let batch = self.batch.ok_or_else(|| SignError::Unsupported("a `batch_item` signature needs `events.batch`".into()))?;
        let pointer = h.signature.body_pointer.as_deref().ok_or_else(|| {
            SignError::Unsupported("a `batch_item` signature must be in the item (`body_pointer`)".into())
        })?;
        let key = first_secret(h, self.config)?;
        let mut body: serde_json::Value =
            serde_json::from_slice(&request.body).map_err(|_| SignError::Unsupported("the body is not JSON".into()))?;
        for item in super::batch::items_mut(&mut body, batch) {
            let mut view = request.clone();
            view.body = serde_json::to_vec(item).expect("a JSON value serializes").into();
            let message = super::verify::signed_message(&h.signed_message, self.config, &view, None, self.aliases)?;
            let signature =
                encoding::encode_signature(&KeyedMac::new(h.algorithm, &key).mac(&[&message]), h.signature.encoding);
            let value = match &h.signature.format {
                SignatureFormat::Prefixed { prefix } => format!("{prefix}{signature}"),
                _ => signature,
            };
            set_json_field(item, pointer, value)?;
        }
        request.body = serde_json::to_vec(&body).expect("a JSON value serializes").into();
        Ok(())
    }
}

/// The key bytes of the first configured secret.
fn first_secret(h: &HmacCheck, config: &EndpointConfig) -> Result<Vec<u8>, SignError> {
    config.secrets(&h.secret)?.into_iter().next().ok_or_else(|| {
        SignError::Config(ConfigError::Missing { field: h.secret.config_field.clone() })
    })
}

/// Writes a string into a JSON value at a pointer, creating missing objects on the way.
fn set_json_field(value: &mut serde_json::Value, pointer: &str, text: String) -> Result<(), SignError> {
    let segments = webhook_definition::pointer::parse(pointer, false)
        .map_err(|e| ConfigError::Definition(format!("`{pointer}`: {e}")))?;
    let mut at = value;
    for segment in segments {
        let webhook_definition::pointer::Segment::Key(key) = segment else {
            return Err(SignError::Unsupported(format!("`{pointer}` has a wildcard")));
        };
        let serde_json::Value::Object(map) = at else {
            return Err(SignError::Unsupported(format!("the item has no object on the way to `{pointer}`")));
        };
        at = map.entry(key).or_insert_with(|| serde_json::Value::Object(Default::default()));
    }
    *at = serde_json::Value::String(text);
    Ok(())
}

/// A header's text, or its first present alias's.
fn header_text<'a>(request: &'a WebhookRequest, name: &str, aliases: &[HeaderAlias]) -> Option<&'a str> {
    let find = |name: &str| request.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name));
    let alias_names = aliases.iter().find(|a| a.name.eq_ignore_ascii_case(name)).map(|a| a.aliases.as_slice());
    find(name)
        .or_else(|| alias_names.unwrap_or_default().iter().find_map(|a| find(a)))
        .and_then(|(_, v)| std::str::from_utf8(v).ok())
}

/// Sets a header, removing every other occurrence.
pub fn set_header(request: &mut WebhookRequest, name: &str, value: String) {
    request.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    request.headers.push((name.to_string(), Bytes::from(value)));
}

fn set_query(request: &mut WebhookRequest, name: &str, value: &str) {
    let (path, query) = match request.path_and_query.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (request.path_and_query.clone(), String::new()),
    };
    let mut parts: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty() && form::decode_component(p.split('=').next().unwrap_or("").as_bytes()) != name)
        .map(str::to_string)
        .collect();
    parts.push(format!("{}={}", percent_encode(name), percent_encode(value)));
    request.path_and_query = format!("{path}?{}", parts.join("&"));
}

/// Percent-encodes a form or query component (everything but RFC 3986 unreserved bytes).
pub(crate) fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn format_timestamp(now: SystemTime, format: TimestampFormat) -> String {
    let ms = timestamp::millis(now);
    match format {
        TimestampFormat::UnixSeconds => (ms.div_euclid(1000)).to_string(),
        TimestampFormat::UnixMilliseconds => ms.to_string(),
        TimestampFormat::Rfc3339 => timestamp::format_rfc3339(now),
    }
}

fn sign_hmac(
    h: &HmacCheck,
    config: &EndpointConfig,
    aliases: &[HeaderAlias],
    request: &mut WebhookRequest,
    now: SystemTime,
) -> Result<(), SignError> {
    let key = first_secret(h, config)?;
    // The timestamp: kept from the request when present, else `now`.
    let ts: Option<String> = match &h.timestamp {
        None => None,
        Some(t) => Some(match &t.source {
            TimestampSource::Header { name } => match header_text(request, name, aliases) {
                Some(existing) => existing.to_string(),
                None => {
                    let text = format_timestamp(now, t.format);
                    set_header(request, name, text.clone());
                    text
                }
            },
            TimestampSource::SignatureField => {
                let existing = header_text(request, &h.signature.header, aliases)
                    .and_then(|v| super::verify::parse_signature_header(v, &h.signature.format).timestamp.map(str::to_string));
                existing.unwrap_or_else(|| format_timestamp(now, t.format))
            }
            TimestampSource::BodyPointer { pointer } => {
                let segments = super::discriminate::parse_pointer(pointer).map_err(ConfigError::Definition)?;
                let body = std::str::from_utf8(&request.body)
                    .map_err(|_| SignError::Unsupported("the body is not UTF-8".into()))?;
                let values = json::resolve_many(body, &[segments.as_slice()])
                    .map_err(|_| SignError::Unsupported("the body is not JSON".into()))?;
                values[0]
                    .and_then(json::scalar_text)
                    .map(|c| c.into_owned())
                    .ok_or_else(|| SignError::Unsupported(format!("the body has no timestamp at `{pointer}`")))?
            }
        }),
    };
    let message = super::verify::signed_message(&h.signed_message, config, request, ts.as_deref(), aliases)?;
    let signature = encoding::encode_signature(&KeyedMac::new(h.algorithm, &key).mac(&[&message]), h.signature.encoding);
    let value = match &h.signature.format {
        SignatureFormat::Bare => signature,
        SignatureFormat::Prefixed { prefix } => format!("{prefix}{signature}"),
        SignatureFormat::KeyValueList { separator, signature_key, timestamp_key } => {
            match (timestamp_key, &h.timestamp, &ts) {
                (Some(tk), Some(t), Some(ts)) if t.source == TimestampSource::SignatureField => {
                    format!("{tk}={ts}{separator}{signature_key}={signature}")
                }
                _ => format!("{signature_key}={signature}"),
            }
        }
        SignatureFormat::VersionedList { version, .. } => format!("{version},{signature}"),
        SignatureFormat::TimestampThenSignatures { separator } => {
            format!("{}{separator}{signature}", ts.as_deref().unwrap_or_default())
        }
    };
    match &h.signature.body_pointer {
        Some(pointer) => set_body_field(request, pointer, value)?,
        None => set_header(request, &h.signature.header, value),
    }
    Ok(())
}

/// Sets every string the pointer names (`*`: in every array element) to `token`.
fn set_everywhere(value: &mut serde_json::Value, segments: &[webhook_definition::pointer::Segment], token: &str) {
    use webhook_definition::pointer::Segment;
    let Some((first, rest)) = segments.split_first() else {
        *value = serde_json::Value::String(token.to_string());
        return;
    };
    match (first, value) {
        (Segment::Wildcard, serde_json::Value::Array(items)) => items.iter_mut().for_each(|i| set_everywhere(i, rest, token)),
        (Segment::Key(key), serde_json::Value::Object(map)) => {
            if let Some(next) = map.get_mut(key) {
                set_everywhere(next, rest, token);
            }
        }
        _ => {}
    }
}

/// Writes a string into the JSON body at a pointer (the body is re-serialized: a signature in
/// the body never signs the body's bytes, only fields of it).
fn set_body_field(request: &mut WebhookRequest, pointer: &str, value: String) -> Result<(), SignError> {
    let mut body: serde_json::Value =
        serde_json::from_slice(&request.body).map_err(|_| SignError::Unsupported("the body is not JSON".into()))?;
    let slot = body
        .pointer_mut(pointer)
        .ok_or_else(|| SignError::Unsupported(format!("the body has no signature field at `{pointer}`")))?;
    *slot = serde_json::Value::String(value);
    request.body = serde_json::to_vec(&body).expect("a JSON value serializes").into();
    Ok(())
}
