//! Authentication: HMAC, Ed25519, ECDSA P-256, static tokens, HTTP basic and combinations,
//! always over the raw request bytes.
//!
//! Everything that can be prepared is prepared once, when the [`Verifier`] is built: secrets
//! decoded and HMAC states pre-keyed, public keys parsed, templates compiled. A missing or
//! undecodable secret is an error then, never an accepting verifier later. Per request, every
//! signature found in the request is tried against every configured secret (rotation), MACs are
//! compared in constant time, and the timestamp's age is checked only after a signature
//! matched.

use std::borrow::Cow;
use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use subtle::ConstantTimeEq;
use webhook_definition::template::{self, Part};
use webhook_definition::{
    Authentication, HashAlgorithm, SignatureEncoding, SignatureFormat, SignatureLocation, SignatureScope, Timestamp,
    TimestampSource, TokenLocation, Tolerance,
};

use super::config::{ConfigError, EndpointConfig};
use super::discriminate::{PointerTable, parse_pointer};
use super::encoding;
use super::incoming::Incoming;
use super::json;
use super::timestamp::{self, Freshness, Millis};

/// The signatures found in one signature header value, and the timestamp field if the format
/// has one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedSignatures<'a> {
    /// Every candidate signature, as written (still encoded), in order.
    pub signatures: Vec<&'a str>,
    /// The value of the format's timestamp key (`t` in `t=…,v1=…`), when present.
    pub timestamp: Option<&'a str>,
}

/// Parses a signature header value. Unknown keys and versions are skipped, whitespace around
/// pairs and entries is ignored, pieces without `=` (or without `,`) are skipped.
pub fn parse_signature_header<'a>(value: &'a str, format: &SignatureFormat) -> ParsedSignatures<'a> {
    let mut parsed = ParsedSignatures::default();
    match format {
        SignatureFormat::Bare => {
            let v = value.trim();
            if !v.is_empty() {
                parsed.signatures.push(v);
            }
        }
        SignatureFormat::Prefixed { prefix } => {
            if let Some(rest) = value.trim().strip_prefix(prefix.as_str()) {
                let rest = rest.trim();
                if !rest.is_empty() {
                    parsed.signatures.push(rest);
                }
            }
        }
        SignatureFormat::KeyValueList { separator, signature_key, timestamp_key } => {
            for_each_piece(value, separator, |pair| {
                // A byte search: pairs are short, a searcher's setup costs more than the scan.
                let Some(eq) = pair.bytes().position(|b| b == b'=') else { return };
                let (key, v) = (&pair[..eq], &pair[eq + 1..]);
                let (key, v) = (key.trim(), v.trim());
                if key == signature_key && !v.is_empty() {
                    parsed.signatures.push(v);
                } else if timestamp_key.as_deref() == Some(key) && parsed.timestamp.is_none() {
                    parsed.timestamp = Some(v);
                }
            });
        }
        SignatureFormat::TimestampThenSignatures { separator } => {
            let mut first = true;
            for_each_piece(value, separator, |entry| {
                if std::mem::take(&mut first) {
                    parsed.timestamp = Some(entry);
                } else {
                    parsed.signatures.push(entry);
                }
            });
        }
        SignatureFormat::VersionedList { separator, version } => {
            for_each_piece(value, separator, |entry| {
                let Some((v, sig)) = entry.split_once(',') else { return };
                let sig = sig.trim();
                if v.trim() == version && !sig.is_empty() {
                    parsed.signatures.push(sig);
                }
            });
        }
    }
    parsed
}

/// Calls `f` with each non-empty, trimmed piece of `value` between separators (no
/// collection: this runs per request).
fn for_each_piece<'a>(value: &'a str, separator: &str, mut f: impl FnMut(&'a str)) {
    if separator.is_empty() {
        std::iter::once(value.trim()).filter(|s| !s.is_empty()).for_each(f);
        return;
    }
    if separator.trim().is_empty() {
        // A whitespace separator: any run of whitespace separates.
        value.split_ascii_whitespace().for_each(f);
        return;
    }
    if let [sep] = separator.as_bytes()
        && sep.is_ascii()
    {
        // A one-byte separator (`,`, `;`): a plain byte loop beats a searcher on short headers;
        // slicing at an ASCII byte keeps UTF-8 boundaries.
        let mut start = 0;
        for (i, b) in value.bytes().enumerate() {
            if b == *sep {
                emit_trimmed(&value[start..i], &mut f);
                start = i + 1;
            }
        }
        emit_trimmed(&value[start..], &mut f);
        return;
    }
    value.split(separator).for_each(|piece| emit_trimmed(piece, &mut f));
}

fn emit_trimmed<'a>(piece: &'a str, f: &mut impl FnMut(&'a str)) {
    let piece = piece.trim();
    if !piece.is_empty() {
        f(piece);
    }
}

/// Why a request failed authentication (for logs; the vendor only sees the status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthFailure {
    /// The signature header (or token, or credentials) is absent.
    Missing(String),
    /// No signature in the request verifies with any configured secret or key.
    Mismatch,
    /// The signed timestamp is absent or unreadable.
    BadTimestamp,
    /// The signed timestamp is older than the tolerance.
    Stale,
    /// The signed timestamp is further in the future than the tolerance.
    FromTheFuture,
    /// The headers the request lists as signed are absent, or the list omits the timestamp.
    SignedHeaders,
    /// A batch item fails its own signature check (or the body has no items to check).
    Item(usize, Box<AuthFailure>),
}

impl fmt::Display for AuthFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthFailure::Missing(what) => write!(f, "missing {what}"),
            AuthFailure::Mismatch => write!(f, "no signature matches any configured secret"),
            AuthFailure::BadTimestamp => write!(f, "the signed timestamp is missing or unreadable"),
            AuthFailure::Stale => write!(f, "the signed timestamp is older than the tolerance"),
            AuthFailure::FromTheFuture => write!(f, "the signed timestamp is too far in the future"),
            AuthFailure::SignedHeaders => {
                write!(f, "a header listed as signed is absent, or the list omits the signed timestamp header")
            }
            AuthFailure::Item(index, why) => write!(f, "batch item {index}: {why}"),
        }
    }
}

/// A compiled signed-message template piece.
#[derive(Debug, Clone)]
enum Piece {
    Literal(Vec<u8>),
    Body,
    Timestamp,
    Method,
    Path,
    /// The path and query escaped like Contentful's signer (see [`path_uri_encoded`]).
    PathUriEncoded,
    FormSorted,
    Header(String),
    /// A scalar body field: a slot of the whole-body pointer table.
    BodyField(usize),
    /// A configured public base URL, in every form a sender may write it (as configured, and
    /// with the scheme's default port added or removed); a `Path` piece follows it.
    UrlBase(Vec<Vec<u8>>),
    /// The headers listed (comma-separated) in the named header, as `name:value;…`.
    SignedHeaders(String),
}

/// Compiles a template; `{config:…}` is resolved now, `{body_pointer:…}` registered in
/// `body_table` (the whole-body pointer table).
fn compile_template(text: &str, config: &EndpointConfig, body_table: &mut PointerTable) -> Result<Vec<Piece>, ConfigError> {
    let parts = template::parse(text).map_err(|e| ConfigError::Definition(format!("signed message `{text}`: {e}")))?;
    let mut pieces = Vec::with_capacity(parts.len());
    for part in parts {
        let piece = match part {
            Part::Literal(l) => Piece::Literal(l.into_bytes()),
            Part::Body => Piece::Body,
            Part::Timestamp => Piece::Timestamp,
            Part::Method => Piece::Method,
            Part::Path => Piece::Path,
            Part::PathUriEncoded => Piece::PathUriEncoded,
            Part::FormSorted => Piece::FormSorted,
            Part::Header(h) => Piece::Header(h),
            Part::Config(field) => Piece::Literal(config.single(&field)?.as_bytes().to_vec()),
            Part::BodyPointer(pointer) => Piece::BodyField(body_slot(&pointer, body_table)?),
            Part::SignedHeaders(list) => {
                if pieces.iter().any(|p| matches!(p, Piece::SignedHeaders(_))) {
                    return Err(ConfigError::Definition(format!("signed message `{text}`: more than one `{{signed_headers:…}}`")));
                }
                Piece::SignedHeaders(list)
            }
            Part::Url(field) => {
                let base = config.single(&field)?.trim().trim_end_matches('/');
                let variants = url_variants(base).ok_or(ConfigError::WrongType {
                    field: field.clone(),
                    expected: "an absolute http:// or https:// URL",
                })?;
                pieces.push(Piece::UrlBase(variants.into_iter().map(String::into_bytes).collect()));
                Piece::Path
            }
        };
        pieces.push(piece);
    }
    Ok(pieces)
}

/// A base URL as configured, and with its scheme's default port toggled (`:443` for https,
/// `:80` for http: added when absent, removed when present); only the first form when it names
/// another port. `None` when it is not an absolute http(s) URL.
fn url_variants(base: &str) -> Option<Vec<String>> {
    let (scheme, rest) = base.split_once("://")?;
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "https" => "443",
        "http" => "80",
        _ => return None,
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    // The host follows any `user:pass@`; a port follows the host (after `]` for IPv6).
    let host_start = authority.rfind('@').map_or(0, |i| i + 1);
    let host_and_port = &authority[host_start..];
    if host_and_port.is_empty() {
        return None;
    }
    let port_colon = match host_and_port.rfind(']') {
        Some(bracket) => host_and_port[bracket..].find(':').map(|i| bracket + i),
        None => host_and_port.find(':'),
    };
    let toggled = match port_colon {
        Some(colon) if &host_and_port[colon + 1..] == default_port => {
            format!("{scheme}://{}{}{tail}", &authority[..host_start], &host_and_port[..colon])
        }
        Some(_) => return Some(vec![base.to_string()]),
        None => format!("{scheme}://{authority}:{default_port}{tail}"),
    };
    Some(vec![base.to_string(), toggled])
}

/// The body-table slot of a pointer without wildcard.
fn body_slot(pointer: &str, body_table: &mut PointerTable) -> Result<usize, ConfigError> {
    let segments = parse_pointer(pointer).map_err(ConfigError::Definition)?;
    if segments.iter().any(|s| s == "*") {
        return Err(ConfigError::Definition(format!("`{pointer}`: a signature field may not use a wildcard")));
    }
    Ok(body_table.slot_of(segments))
}

/// A MAC key with its pre-keyed state (cloned per request: the key schedule runs once).
#[derive(Clone)]
pub(crate) enum KeyedMac {
    Sha1(Hmac<sha1::Sha1>),
    Sha256(Hmac<sha2::Sha256>),
    Sha512(Hmac<sha2::Sha512>),
}

impl fmt::Debug for KeyedMac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyedMac(<redacted>)")
    }
}

impl KeyedMac {
    pub fn new(algorithm: HashAlgorithm, key: &[u8]) -> KeyedMac {
        match algorithm {
            HashAlgorithm::Sha1 => KeyedMac::Sha1(Hmac::new_from_slice(key).expect("HMAC takes any key length")),
            HashAlgorithm::Sha256 => KeyedMac::Sha256(Hmac::new_from_slice(key).expect("HMAC takes any key length")),
            HashAlgorithm::Sha512 => KeyedMac::Sha512(Hmac::new_from_slice(key).expect("HMAC takes any key length")),
        }
    }

    /// The MAC of the concatenation of `pieces`.
    pub fn mac(&self, pieces: &[&[u8]]) -> MacBytes {
        fn run<M: Mac + Clone>(m: &M, pieces: &[&[u8]]) -> MacBytes {
            let mut m = m.clone();
            for p in pieces {
                m.update(p);
            }
            let bytes = m.finalize().into_bytes();
            let mut out = MacBytes { bytes: [0; 64], len: bytes.len() };
            out.bytes[..bytes.len()].copy_from_slice(&bytes);
            out
        }
        match self {
            KeyedMac::Sha1(m) => run(m, pieces),
            KeyedMac::Sha256(m) => run(m, pieces),
            KeyedMac::Sha512(m) => run(m, pieces),
        }
    }
}

/// A MAC value (at most 64 bytes, SHA-512), kept on the stack.
pub(crate) struct MacBytes {
    bytes: [u8; 64],
    len: usize,
}

impl std::ops::Deref for MacBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// What verifies the signature bytes.
enum SignatureKeys {
    Hmac(Vec<KeyedMac>),
    Ed25519(Vec<ed25519_dalek::VerifyingKey>),
    EcdsaP256(Vec<p256::ecdsa::VerifyingKey>),
}

/// Where the signed timestamp is read.
#[derive(Debug, Clone)]
enum TimestampAt {
    Header(String),
    SignatureField,
    /// A slot of the whole-body pointer table.
    Body(usize),
}

struct SignatureCheck {
    keys: SignatureKeys,
    location: SignatureLocation,
    /// The body-table slot of the signature when it is in the body (`location.body_pointer`).
    body_signature: Option<usize>,
    template: Vec<Piece>,
    /// What the template needs computed per request, found once here rather than per request.
    needs: Needs,
    timestamp: Option<(TimestampAt, webhook_definition::TimestampFormat)>,
    tolerance: Option<Tolerance>,
}

/// The per-request pieces a template needs computed before the message is assembled.
#[derive(Debug, Clone, Default)]
struct Needs {
    form_sorted: bool,
    path_uri_encoded: bool,
    /// The header that lists the signed headers, and the timestamp header it must list.
    signed_headers: Option<(String, Option<String>)>,
}

impl Needs {
    fn of(template: &[Piece], timestamp: &Option<(TimestampAt, webhook_definition::TimestampFormat)>) -> Needs {
        let timestamp_header = match timestamp {
            Some((TimestampAt::Header(h), _)) => Some(h.clone()),
            _ => None,
        };
        Needs {
            form_sorted: template.iter().any(|p| matches!(p, Piece::FormSorted)),
            path_uri_encoded: template.iter().any(|p| matches!(p, Piece::PathUriEncoded)),
            signed_headers: template.iter().find_map(|p| match p {
                Piece::SignedHeaders(list) => Some((list.clone(), timestamp_header.clone())),
                _ => None,
            }),
        }
    }
}

/// A compiled authentication check.
pub struct Verifier {
    check: Check,
    /// Checks run on each batch item (`scope: batch_item`), with pointers into the item.
    item_checks: Vec<SignatureCheck>,
    item_table: PointerTable,
}

enum Check {
    None,
    Signature(Box<SignatureCheck>),
    /// A check of every batch item: passes here, runs in [`Verifier::verify_item`].
    PerItem,
    Token { location: TokenLocation, tokens: Vec<Vec<u8>> },
    Basic { credentials: Vec<(Vec<u8>, Vec<u8>)> },
    BodyToken { segments: Vec<webhook_definition::pointer::Segment>, tokens: Vec<Vec<u8>> },
    BodyDigest(webhook_definition::BodyDigestCheck),
    AllOf(Vec<Check>),
    AnyOf(Vec<Check>),
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Verifier(<redacted>)")
    }
}

impl Verifier {
    /// Builds the verifier of a definition's authentication from an endpoint configuration,
    /// registering the body pointers it reads in `body_table` (the whole-body pointer table).
    pub(crate) fn new(
        authentication: &Authentication,
        config: &EndpointConfig,
        body_table: &mut PointerTable,
    ) -> Result<Verifier, ConfigError> {
        if matches!(authentication, Authentication::BodyDigest(_)) {
            return Err(ConfigError::Definition("a `body_digest` proves nothing alone; use it inside `all_of`".into()));
        }
        let mut items = ItemChecks::default();
        let check = compile(authentication, config, body_table, &mut items)?;
        Ok(Verifier { check, item_checks: items.checks, item_table: items.table })
    }

    /// Whether some check runs per batch item.
    pub(crate) fn checks_items(&self) -> bool {
        !self.item_checks.is_empty()
    }

    /// Checks one batch item (the JSON text of the item) against every per-item check.
    pub(crate) fn verify_item(&self, incoming: &Incoming<'_>, index: usize, item: &str, now: Millis) -> Result<(), AuthFailure> {
        if self.item_checks.is_empty() {
            return Ok(());
        }
        let view = incoming.item_view(item, self.item_table.pointers());
        self.item_checks
            .iter()
            .try_for_each(|check| run_signature(check, &view, now))
            .map_err(|e| AuthFailure::Item(index, Box::new(e)))
    }

    /// Checks a request.
    pub(crate) fn verify(&self, incoming: &Incoming<'_>, now: Millis) -> Result<(), AuthFailure> {
        run(&self.check, incoming, now)
    }

    /// The signed timestamp of a request in milliseconds, if the check reads one (for tests
    /// that move the clock around it).
    pub(crate) fn request_timestamp(&self, incoming: &Incoming<'_>) -> Option<(Millis, Tolerance)> {
        fn find(check: &Check, incoming: &Incoming<'_>) -> Option<(Millis, Tolerance)> {
            match check {
                Check::Signature(s) => {
                    let tolerance = s.tolerance.clone()?;
                    let (_, format) = s.timestamp.as_ref()?;
                    let text = timestamp_text(s, incoming, &signature_values(s, incoming).1)?;
                    Some((timestamp::parse(&text, *format)?, tolerance))
                }
                Check::AllOf(checks) | Check::AnyOf(checks) => checks.iter().find_map(|c| find(c, incoming)),
                _ => None,
            }
        }
        find(&self.check, incoming)
    }

    /// The lowercase names of the headers the check reads (redacted from documents).
    pub(crate) fn headers_read(&self) -> Vec<String> {
        fn collect(check: &Check, out: &mut Vec<String>) {
            match check {
                Check::None | Check::PerItem => {}
                Check::Signature(s) => {
                    if s.body_signature.is_none() {
                        out.push(s.location.header.to_ascii_lowercase());
                    }
                    if let Some((TimestampAt::Header(h), _)) = &s.timestamp {
                        out.push(h.to_ascii_lowercase());
                    }
                    for piece in &s.template {
                        if let Piece::Header(h) = piece {
                            out.push(h.to_ascii_lowercase());
                        }
                    }
                }
                Check::Token { location: TokenLocation::Header { name, .. }, .. } => out.push(name.to_ascii_lowercase()),
                Check::Token { .. } => {}
                Check::Basic { .. } => out.push("authorization".to_string()),
                Check::BodyToken { .. } | Check::BodyDigest(_) => {}
                Check::AllOf(checks) | Check::AnyOf(checks) => checks.iter().for_each(|c| collect(c, out)),
            }
        }
        let mut out = Vec::new();
        collect(&self.check, &mut out);
        out.sort();
        out.dedup();
        out
    }

    /// Whether the check covers the body bytes (a changed body must then be rejected).
    pub(crate) fn covers_body(&self) -> bool {
        fn covers(check: &Check) -> bool {
            match check {
                Check::Signature(s) => s.template.iter().any(|p| matches!(p, Piece::Body | Piece::FormSorted)),
                Check::BodyDigest(_) => true,
                Check::AllOf(checks) => checks.iter().any(covers),
                // Any alternative may be the one that passes: each must cover the body.
                Check::AnyOf(checks) => checks.iter().all(covers),
                _ => false,
            }
        }
        covers(&self.check)
    }

    /// Whether there is any check at all.
    pub(crate) fn is_none(&self) -> bool {
        matches!(self.check, Check::None)
    }
}

/// The per-item checks found while compiling, with the pointer table they read items with.
#[derive(Default)]
struct ItemChecks {
    checks: Vec<SignatureCheck>,
    table: PointerTable,
}

fn compile(
    auth: &Authentication,
    config: &EndpointConfig,
    body_table: &mut PointerTable,
    items: &mut ItemChecks,
) -> Result<Check, ConfigError> {
    Ok(match auth {
        Authentication::None(_) => Check::None,
        Authentication::Hmac(h) => {
            let keys = SignatureKeys::Hmac(config.secrets(&h.secret)?.iter().map(|k| KeyedMac::new(h.algorithm, k)).collect());
            let per_item = h.scope == SignatureScope::BatchItem;
            if per_item && h.signature.body_pointer.is_none() {
                return Err(ConfigError::Definition("a `batch_item` signature must be in the item (`body_pointer`)".into()));
            }
            // A per-item check reads its pointers inside each item.
            let table = if per_item { &mut items.table } else { body_table };
            let check = signature_check(keys, &h.signature, &h.signed_message, &h.timestamp, &h.tolerance, config, table)?;
            if !per_item {
                return Ok(check);
            }
            let Check::Signature(check) = check else { unreachable!("signature_check builds a signature check") };
            if check.needs.signed_headers.is_some() || check.template.iter().any(|p| matches!(p, Piece::UrlBase(_))) {
                return Err(ConfigError::Definition("a `batch_item` signature signs fields of the item only".into()));
            }
            items.checks.push(*check);
            Check::PerItem
        }
        Authentication::Ed25519(p) => {
            let keys = config
                .values(&p.public_key.config_field)?
                .iter()
                .map(|text| {
                    encoding::ed25519_key(text, p.public_key.encoding)
                        .map_err(|reason| ConfigError::BadPublicKey { field: p.public_key.config_field.clone(), reason })
                })
                .collect::<Result<_, _>>()?;
            signature_check(SignatureKeys::Ed25519(keys), &p.signature, &p.signed_message, &p.timestamp, &p.tolerance, config, body_table)?
        }
        Authentication::EcdsaP256(p) => {
            let keys = config
                .values(&p.public_key.config_field)?
                .iter()
                .map(|text| {
                    encoding::p256_key(text, p.public_key.encoding)
                        .map_err(|reason| ConfigError::BadPublicKey { field: p.public_key.config_field.clone(), reason })
                })
                .collect::<Result<_, _>>()?;
            signature_check(SignatureKeys::EcdsaP256(keys), &p.signature, &p.signed_message, &p.timestamp, &p.tolerance, config, body_table)?
        }
        Authentication::BodyDigest(d) => Check::BodyDigest(d.clone()),
        Authentication::BodyToken(t) => Check::BodyToken {
            segments: webhook_definition::pointer::parse(&t.pointer, true)
                .map_err(|e| ConfigError::Definition(format!("`{}`: {e}", t.pointer)))?,
            tokens: config.secrets(&t.token)?,
        },
        Authentication::StaticToken(t) => Check::Token { location: token_location(&t.location, config)?, tokens: config.secrets(&t.token)? },
        Authentication::Basic(b) => {
            let users = config.values(&b.username_field)?;
            let passwords = config.values(&b.password_field)?;
            let mut credentials = Vec::new();
            for u in users {
                for p in passwords {
                    credentials.push((u.as_bytes().to_vec(), p.as_bytes().to_vec()));
                }
            }
            Check::Basic { credentials }
        }
        Authentication::AllOf(all) => {
            if all.checks.is_empty() {
                return Err(ConfigError::Definition("`all_of` has no checks".to_string()));
            }
            let mut checks = Vec::new();
            for c in &all.checks {
                if matches!(c, Authentication::None(_)) {
                    return Err(ConfigError::Definition("`all_of` may not contain `none`".to_string()));
                }
                checks.push(compile(c, config, body_table, items)?);
            }
            Check::AllOf(checks)
        }
        Authentication::AnyOf(any) => {
            if any.checks.len() < 2 {
                return Err(ConfigError::Definition("`any_of` needs at least two checks".to_string()));
            }
            let mut checks = Vec::new();
            for c in &any.checks {
                if matches!(c, Authentication::None(_) | Authentication::AnyOf(_) | Authentication::BodyDigest(_)) {
                    return Err(ConfigError::Definition("`any_of` may not contain `none`, `any_of` or `body_digest`".to_string()));
                }
                // Every alternative is compiled, so each one's configuration is required: an
                // unconfigured alternative is an error, never a silently skipped check.
                let per_item = items.checks.len();
                checks.push(compile(c, config, body_table, items)?);
                if items.checks.len() != per_item {
                    // Per-item checks always run: inside `any_of` they would not be alternatives.
                    return Err(ConfigError::Definition("`any_of` may not contain a `batch_item` check".to_string()));
                }
            }
            Check::AnyOf(checks)
        }
    })
}

/// A token location with the header name the configuration chooses, when it may choose one.
fn token_location(location: &TokenLocation, config: &EndpointConfig) -> Result<TokenLocation, ConfigError> {
    let TokenLocation::Header { name, prefix, name_config_field: Some(field) } = location else {
        return Ok(location.clone());
    };
    let name = match config.values(field) {
        Ok(values) => values[0].trim().to_string(),
        Err(_) => name.clone(),
    };
    let is_token = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !is_token {
        return Err(ConfigError::WrongType { field: field.clone(), expected: "an HTTP header name (letters, digits, `-`)" });
    }
    Ok(TokenLocation::Header { name, prefix: prefix.clone(), name_config_field: None })
}

fn signature_check(
    keys: SignatureKeys,
    location: &SignatureLocation,
    signed_message: &str,
    timestamp: &Option<Timestamp>,
    tolerance: &Option<Tolerance>,
    config: &EndpointConfig,
    body_table: &mut PointerTable,
) -> Result<Check, ConfigError> {
    let template = compile_template(signed_message, config, body_table)?;
    let body_signature = match &location.body_pointer {
        None => None,
        Some(pointer) => {
            if template.iter().any(|p| matches!(p, Piece::Body | Piece::FormSorted)) {
                return Err(ConfigError::Definition(
                    "a signature in the body cannot sign `{body}` or `{form_sorted}` (they contain it)".into(),
                ));
            }
            Some(body_slot(pointer, body_table)?)
        }
    };
    let timestamp = match timestamp {
        None => None,
        Some(t) => Some((
            match &t.source {
                TimestampSource::Header { name } => TimestampAt::Header(name.clone()),
                TimestampSource::SignatureField => {
                    if !matches!(
                        location.format,
                        SignatureFormat::KeyValueList { timestamp_key: Some(_), .. } | SignatureFormat::TimestampThenSignatures { .. }
                    ) {
                        return Err(ConfigError::Definition(
                            "timestamp source `signature_field` needs a `key_value_list` format with a `timestamp_key`, or `timestamp_then_signatures`".into(),
                        ));
                    }
                    TimestampAt::SignatureField
                }
                TimestampSource::BodyPointer { pointer } => {
                    TimestampAt::Body(body_table.slot_of(parse_pointer(pointer).map_err(ConfigError::Definition)?))
                }
            },
            t.format,
        )),
    };
    if timestamp.is_none() && (tolerance.is_some() || template.iter().any(|p| matches!(p, Piece::Timestamp))) {
        return Err(ConfigError::Definition(
            "the signed message or tolerance uses a timestamp but the check has no `timestamp` source".into(),
        ));
    }
    let needs = Needs::of(&template, &timestamp);
    Ok(Check::Signature(Box::new(SignatureCheck {
        keys,
        location: location.clone(),
        body_signature,
        template,
        needs,
        timestamp,
        tolerance: tolerance.clone(),
    })))
}

fn run(check: &Check, incoming: &Incoming<'_>, now: Millis) -> Result<(), AuthFailure> {
    match check {
        Check::None | Check::PerItem => Ok(()),
        Check::Signature(s) => run_signature(s, incoming, now),
        Check::Token { location, tokens } => {
            let presented: Option<Cow<[u8]>> = match location {
                TokenLocation::Header { name, prefix, .. } => incoming
                    .header(name)
                    .and_then(|v| v.strip_prefix(prefix.as_bytes()))
                    .map(Cow::Borrowed),
                TokenLocation::QueryParameter { name } => super::form::field(incoming.query_pairs(), name)
                    .map(|v| Cow::Owned(v.as_bytes().to_vec())),
            };
            let presented = presented.ok_or_else(|| AuthFailure::Missing("token".into()))?;
            let mut ok = subtle::Choice::from(0);
            for t in tokens {
                ok |= t.as_slice().ct_eq(&presented);
            }
            if bool::from(ok) { Ok(()) } else { Err(AuthFailure::Mismatch) }
        }
        Check::Basic { credentials } => {
            let header = incoming.header("authorization").ok_or_else(|| AuthFailure::Missing("Authorization".into()))?;
            let text = std::str::from_utf8(header).map_err(|_| AuthFailure::Mismatch)?.trim();
            let (scheme, rest) = text.split_once(' ').ok_or(AuthFailure::Mismatch)?;
            if !scheme.eq_ignore_ascii_case("basic") {
                return Err(AuthFailure::Missing("basic credentials".into()));
            }
            let decoded = encoding::decode_base64(rest.trim()).ok_or(AuthFailure::Mismatch)?;
            let colon = decoded.iter().position(|&b| b == b':').ok_or(AuthFailure::Mismatch)?;
            let (user, pass) = (&decoded[..colon], &decoded[colon + 1..]);
            let mut ok = subtle::Choice::from(0);
            for (u, p) in credentials {
                ok |= u.as_slice().ct_eq(user) & p.as_slice().ct_eq(pass);
            }
            if bool::from(ok) { Ok(()) } else { Err(AuthFailure::Mismatch) }
        }
        Check::BodyToken { segments, tokens } => {
            if super::body_token::verify(&incoming.request.body, segments, tokens) { Ok(()) } else { Err(AuthFailure::Mismatch) }
        }
        Check::BodyDigest(d) => {
            let sent = super::form::field(incoming.query_pairs(), &d.query_parameter)
                .ok_or_else(|| AuthFailure::Missing(format!("`{}` query parameter", d.query_parameter)))?;
            let mut buf = [0u8; 96];
            let n = encoding::decode_signature_into(sent, d.encoding, &mut buf).ok_or(AuthFailure::Mismatch)?;
            if bool::from(ct_eq(&body_digest(d.algorithm, &incoming.request.body), &buf[..n])) {
                Ok(())
            } else {
                Err(AuthFailure::Mismatch)
            }
        }
        Check::AllOf(checks) => checks.iter().try_for_each(|c| run(c, incoming, now)),
        Check::AnyOf(checks) => {
            // The first failure explains the rejection (for logs); every alternative is tried.
            let mut first_failure = None;
            for c in checks {
                match run(c, incoming, now) {
                    Ok(()) => return Ok(()),
                    Err(e) => {
                        first_failure.get_or_insert(e);
                    }
                }
            }
            Err(first_failure.unwrap_or(AuthFailure::Mismatch))
        }
    }
}

/// The signature candidates of every occurrence of the signature header, and the first
/// timestamp field among them.
fn signature_values<'r>(s: &SignatureCheck, incoming: &Incoming<'r>) -> (Vec<&'r str>, Option<&'r str>) {
    let mut candidates = Vec::new();
    let mut ts = None;
    if let Some(slot) = s.body_signature {
        // A JSON string field; a signature is hex or base64, so it never has escapes to undo.
        let raw = incoming.body_values().ok().and_then(|values| values.get(slot).copied().flatten());
        if let Some(std::borrow::Cow::Borrowed(text)) = raw.and_then(json::scalar_text) {
            let parsed = parse_signature_header(text, &s.location.format);
            return (parsed.signatures, parsed.timestamp);
        }
        return (candidates, ts);
    }
    for value in incoming.header_values(&s.location.header) {
        let Ok(text) = std::str::from_utf8(value) else { continue };
        let parsed = parse_signature_header(text, &s.location.format);
        if candidates.is_empty() {
            candidates = parsed.signatures;
        } else {
            candidates.extend(parsed.signatures);
        }
        if ts.is_none() {
            ts = parsed.timestamp;
        }
    }
    (candidates, ts)
}

fn timestamp_text<'r>(s: &SignatureCheck, incoming: &Incoming<'r>, field: &Option<&'r str>) -> Option<Cow<'r, str>> {
    match &s.timestamp.as_ref()?.0 {
        TimestampAt::Header(name) => incoming.header_str(name).map(Cow::Borrowed),
        TimestampAt::SignatureField => field.map(Cow::Borrowed),
        TimestampAt::Body(slot) => {
            let values = incoming.body_values().ok()?;
            values.get(*slot).copied().flatten().and_then(json::scalar_text)
        }
    }
}

fn run_signature(s: &SignatureCheck, incoming: &Incoming<'_>, now: Millis) -> Result<(), AuthFailure> {
    let (candidates, field) = signature_values(s, incoming);
    if candidates.is_empty() {
        return Err(AuthFailure::Missing(match &s.location.body_pointer {
            Some(pointer) => format!("body signature at `{pointer}`"),
            None => format!("`{}` signature", s.location.header),
        }));
    }
    let ts_text = if s.timestamp.is_some() {
        Some(timestamp_text(s, incoming, &field).ok_or(AuthFailure::BadTimestamp)?)
    } else {
        None
    };

    // The signed message, as borrowed pieces (no copy of the body; no allocation for the
    // usual few pieces): the MAC is fed piece by piece.
    let form_sorted = s.needs.form_sorted.then(|| super::form::sorted_concatenation(incoming.body_form()));
    // Body fields, read once (a field's text may be unescaped, hence owned).
    let fields: Vec<Cow<'_, str>> = s
        .template
        .iter()
        .filter_map(|p| match p {
            Piece::BodyField(slot) => Some(body_field(incoming, *slot)),
            _ => None,
        })
        .collect();
    let signed_headers = match &s.needs.signed_headers {
        None => None,
        Some((list, timestamp_header)) => Some(
            signed_headers_text(incoming, list, timestamp_header.as_deref()).ok_or(AuthFailure::SignedHeaders)?,
        ),
    };
    let encoded_path = s.needs.path_uri_encoded.then(|| path_uri_encoded(&incoming.request.path_and_query));
    let computed = Computed {
        ts: ts_text.as_deref(),
        form: form_sorted.as_deref(),
        signed_headers: signed_headers.as_deref(),
        path: encoded_path.as_deref(),
    };
    let mut next_field = fields.iter();
    let mut inline: [&[u8]; 8] = [&[]; 8];
    let spilled: Vec<&[u8]>;
    let pieces: &[&[u8]] = if s.template.len() <= inline.len() {
        for (slot, piece) in inline.iter_mut().zip(&s.template) {
            *slot = template_piece(piece, &mut next_field, incoming, &computed);
        }
        &inline[..s.template.len()]
    } else {
        spilled = s.template.iter().map(|piece| template_piece(piece, &mut next_field, incoming, &computed)).collect();
        &spilled
    };

    // A `{url:…}` template is also tried with the URL's other form (default port toggled).
    let alternative: Option<Vec<&[u8]>> =
        s.template.iter().any(|p| matches!(p, Piece::UrlBase(v) if v.len() > 1)).then(|| {
            pieces
                .iter()
                .zip(&s.template)
                .map(|(bytes, piece)| match piece {
                    Piece::UrlBase(v) if v.len() > 1 => v[1].as_slice(),
                    _ => *bytes,
                })
                .collect()
        });
    let messages = std::iter::once(pieces).chain(alternative.as_deref());

    let matched = match &s.keys {
        SignatureKeys::Hmac(keys) => {
            // Each candidate is decoded onto the stack; one that does not decode (or is longer
            // than any MAC) cannot match.
            let mut ok = subtle::Choice::from(0);
            for message in messages {
                for key in keys {
                    let mac = key.mac(message);
                    for candidate in &candidates {
                        let mut buf = [0u8; 96];
                        if let Some(n) = encoding::decode_signature_into(candidate, s.location.encoding, &mut buf) {
                            ok |= ct_eq(&mac, &buf[..n]);
                        }
                    }
                }
            }
            bool::from(ok)
        }
        SignatureKeys::Ed25519(keys) => {
            let decoded = decode_all(&candidates, s.location.encoding);
            messages.map(|m| m.concat()).any(|message| {
                decoded.iter().any(|sig| {
                    let Ok(bytes) = <[u8; 64]>::try_from(sig.as_slice()) else { return false };
                    let signature = ed25519_dalek::Signature::from_bytes(&bytes);
                    keys.iter().any(|k| k.verify_strict(&message, &signature).is_ok())
                })
            })
        }
        SignatureKeys::EcdsaP256(keys) => {
            use p256::ecdsa::signature::Verifier as _;
            let decoded = decode_all(&candidates, s.location.encoding);
            messages.map(|m| m.concat()).any(|message| {
                decoded.iter().any(|sig| {
                    let Ok(signature) = p256::ecdsa::Signature::from_der(sig) else { return false };
                    keys.iter().any(|k| k.verify(&message, &signature).is_ok())
                })
            })
        }
    };
    if !matched {
        return Err(AuthFailure::Mismatch);
    }

    // Only an authentic timestamp is worth checking.
    if let (Some(tolerance), Some((_, format)), Some(text)) = (&s.tolerance, &s.timestamp, &ts_text) {
        let ts = timestamp::parse(text, *format).ok_or(AuthFailure::BadTimestamp)?;
        match timestamp::check(ts, now, tolerance) {
            Freshness::Fresh => {}
            Freshness::Stale => return Err(AuthFailure::Stale),
            Freshness::FromTheFuture => return Err(AuthFailure::FromTheFuture),
        }
    }
    Ok(())
}

/// The pieces of a signed message computed per request before it is assembled.
struct Computed<'a> {
    ts: Option<&'a str>,
    form: Option<&'a str>,
    signed_headers: Option<&'a str>,
    path: Option<&'a str>,
}

/// The request target as Contentful's signer (`getNormalizedEncodedURI` of node-apps-toolkit)
/// writes it: split at `?` (a second `?` and what follows are dropped), the query escaped
/// like Node's `querystring.escape` (all but `A-Za-z0-9-_.!~*'()`), then the whole escaped like
/// `encodeURI` (which also keeps `;,/?:@&=+$#`, and escapes `%`, so escapes are doubled).
pub(crate) fn path_uri_encoded(target: &str) -> String {
    fn escape(text: &str, keep: &[u8]) -> String {
        let mut out = String::with_capacity(text.len());
        for b in text.bytes() {
            if b.is_ascii_alphanumeric() || keep.contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }
    const QUERY_KEEP: &[u8] = b"-_.!~*'()";
    const URI_KEEP: &[u8] = b"-_.!~*'();,/?:@&=+$#";
    let mut pieces = target.split('?');
    let path = pieces.next().unwrap_or_default();
    let joined = match pieces.next().filter(|q| !q.is_empty()) {
        Some(query) => format!("{path}?{}", escape(query, QUERY_KEEP)),
        None => path.to_string(),
    };
    escape(&joined, URI_KEEP)
}

/// The bytes of one signed-message piece, body fields taken in order from `fields`.
fn template_piece<'a, 'r: 'a>(
    piece: &'a Piece,
    fields: &mut std::slice::Iter<'a, Cow<'r, str>>,
    incoming: &Incoming<'r>,
    computed: &Computed<'a>,
) -> &'a [u8] {
    match piece {
        Piece::BodyField(_) => fields.next().map(|f| f.as_bytes()).unwrap_or_default(),
        _ => piece_bytes(piece, incoming, computed),
    }
}

/// `{signed_headers:LIST}`: every header named in the comma-separated `LIST` header, as
/// `name:value` joined with `;`, sorted by lowercase name (names lowercased, values trimmed;
/// Contentful's signer sorts the same way). `None` when the list is absent or empty, names a
/// header the request lacks, or omits `timestamp_header`.
fn signed_headers_text(incoming: &Incoming<'_>, list: &str, timestamp_header: Option<&str>) -> Option<String> {
    let names = incoming.header_str(list)?;
    let mut names: Vec<String> =
        names.split(',').map(str::trim).filter(|n| !n.is_empty()).map(str::to_ascii_lowercase).collect();
    if names.is_empty() || timestamp_header.is_some_and(|ts| !names.iter().any(|n| n.eq_ignore_ascii_case(ts))) {
        return None;
    }
    names.sort_unstable();
    names.dedup();
    let mut out = String::new();
    for (i, name) in names.iter().enumerate() {
        let value = incoming.header_str(name)?;
        if i > 0 {
            out.push(';');
        }
        out.push_str(name);
        out.push(':');
        out.push_str(value.trim());
    }
    Some(out)
}

/// The text of a scalar body field (empty when absent, not JSON, or not a scalar).
fn body_field<'r>(incoming: &Incoming<'r>, slot: usize) -> Cow<'r, str> {
    incoming
        .body_values()
        .ok()
        .and_then(|values| values.get(slot).copied().flatten())
        .and_then(json::scalar_text)
        .unwrap_or_default()
}

/// The bytes of one signed-message piece (body fields are read by the caller).
fn piece_bytes<'a, 'r: 'a>(piece: &'a Piece, incoming: &Incoming<'r>, computed: &Computed<'a>) -> &'a [u8] {
    let request = incoming.request;
    match piece {
        Piece::Literal(l) => l,
        Piece::Body => &request.body,
        Piece::Timestamp => computed.ts.map(str::as_bytes).unwrap_or_default(),
        Piece::Method => request.method.as_bytes(),
        Piece::Path => request.path_and_query.as_bytes(),
        Piece::PathUriEncoded => computed.path.map(str::as_bytes).unwrap_or_default(),
        Piece::FormSorted => computed.form.map(str::as_bytes).unwrap_or_default(),
        Piece::SignedHeaders(_) => computed.signed_headers.map(str::as_bytes).unwrap_or_default(),
        Piece::Header(h) => incoming.header(h).unwrap_or_default(),
        Piece::BodyField(_) => &[],
        Piece::UrlBase(variants) => &variants[0],
    }
}

/// Every candidate signature that decodes.
fn decode_all(candidates: &[&str], encoding: SignatureEncoding) -> Vec<Vec<u8>> {
    candidates.iter().filter_map(|c| encoding::decode_signature(c, encoding)).collect()
}

/// Constant-time equality of two byte strings whose lengths are public (a MAC's length is):
/// the differences are OR-ed without a branch, and one optimisation barrier (`subtle`) guards
/// the final test, instead of one per byte.
fn ct_eq(a: &[u8], b: &[u8]) -> subtle::Choice {
    if a.len() != b.len() {
        return subtle::Choice::from(0);
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    diff.ct_eq(&0)
}

/// The plain digest of a body (for `body_digest`).
pub(crate) fn body_digest(algorithm: HashAlgorithm, body: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    match algorithm {
        HashAlgorithm::Sha1 => sha1::Sha1::digest(body).to_vec(),
        HashAlgorithm::Sha256 => sha2::Sha256::digest(body).to_vec(),
        HashAlgorithm::Sha512 => sha2::Sha512::digest(body).to_vec(),
    }
}

/// Encodes a MAC for a response (Zoom's `encryptedToken`).
pub(crate) fn encode(bytes: &[u8], encoding: SignatureEncoding) -> String {
    encoding::encode_signature(bytes, encoding)
}

/// The signed message of a request under a template (for signing helpers).
pub(crate) fn signed_message(
    template_text: &str,
    config: &EndpointConfig,
    request: &super::request::WebhookRequest,
    timestamp: Option<&str>,
    aliases: &[webhook_definition::HeaderAlias],
) -> Result<Vec<u8>, ConfigError> {
    let mut body_table = PointerTable::default();
    let template = compile_template(template_text, config, &mut body_table)?;
    let incoming = Incoming::new(request, body_table.pointers()).with_aliases(aliases);
    let mut out = Vec::new();
    for piece in &template {
        match piece {
            Piece::Literal(l) => out.extend_from_slice(l),
            Piece::Body => out.extend_from_slice(&request.body),
            Piece::Timestamp => out.extend_from_slice(timestamp.unwrap_or_default().as_bytes()),
            Piece::Method => out.extend_from_slice(request.method.as_bytes()),
            Piece::Path => out.extend_from_slice(request.path_and_query.as_bytes()),
            Piece::PathUriEncoded => out.extend_from_slice(path_uri_encoded(&request.path_and_query).as_bytes()),
            Piece::FormSorted => out.extend_from_slice(super::form::sorted_concatenation(incoming.body_form()).as_bytes()),
            Piece::Header(h) => out.extend_from_slice(incoming.header(h).unwrap_or_default()),
            Piece::BodyField(slot) => out.extend_from_slice(body_field(&incoming, *slot).as_bytes()),
            Piece::UrlBase(variants) => out.extend_from_slice(&variants[0]),
            Piece::SignedHeaders(list) => {
                // The signer lists every header it signs; the timestamp header is one of them.
                let text = signed_headers_text(&incoming, list, None).ok_or_else(|| {
                    ConfigError::Definition(format!("the request lists no signed headers in `{list}`, or lacks one it lists"))
                })?;
                out.extend_from_slice(text.as_bytes());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_forms_toggle_the_default_port() {
        let forms = |u: &str| url_variants(u).unwrap();
        assert_eq!(forms("https://mycompany.com"), ["https://mycompany.com", "https://mycompany.com:443"]);
        assert_eq!(forms("https://mycompany.com:443/hooks"), ["https://mycompany.com:443/hooks", "https://mycompany.com/hooks"]);
        assert_eq!(forms("http://user:pass@host"), ["http://user:pass@host", "http://user:pass@host:80"]);
        assert_eq!(forms("http://[::1]:80"), ["http://[::1]:80", "http://[::1]"]);
        assert_eq!(forms("http://host:1234"), ["http://host:1234"]);
        assert!(url_variants("ftp://host").is_none());
        assert!(url_variants("mycompany.com").is_none());
        assert!(url_variants("https://").is_none());
    }

    /// The table of node-apps-toolkit's `getNormalizedEncodedURI`, computed with Node's own
    /// `querystring.escape` and `encodeURI`.
    #[test]
    fn paths_are_encoded_like_contentfuls_signer() {
        for (target, expected) in [
            ("/", "/"),
            ("/contentful", "/contentful"),
            ("/hooks/contentful?token=abc", "/hooks/contentful?token%253Dabc"),
            ("/api/v1?a=1&b=2", "/api/v1?a%253D1%2526b%253D2"),
            ("/a%20b", "/a%2520b"),
            ("/x?", "/x"),
            ("/a?b?c", "/a?b"),
            ("/q?x=a%2Fb", "/q?x%253Da%25252Fb"),
        ] {
            assert_eq!(path_uri_encoded(target), expected, "{target}");
        }
    }

    #[test]
    fn header_grammars() {
        let kv = SignatureFormat::KeyValueList { separator: ",".into(), signature_key: "v1".into(), timestamp_key: Some("t".into()) };
        let p = parse_signature_header(" t=1 , v1=a,v0=b,v1=c,junk,=x", &kv);
        assert_eq!(p.signatures, vec!["a", "c"]);
        assert_eq!(p.timestamp, Some("1"));
        let vl = SignatureFormat::VersionedList { separator: " ".into(), version: "v1".into() };
        let p = parse_signature_header("v1,a  v2,b v1a,c nocomma v1,d", &vl);
        assert_eq!(p.signatures, vec!["a", "d"]);
        let positional = SignatureFormat::TimestampThenSignatures { separator: ",".into() };
        let p = parse_signature_header("1663103925004, de1ec7ab1e ,,abc", &positional);
        assert_eq!(p.timestamp, Some("1663103925004"));
        assert_eq!(p.signatures, vec!["de1ec7ab1e", "abc"]);
        assert_eq!(parse_signature_header("1663103925004,", &positional).signatures, Vec::<&str>::new());
        let pre = SignatureFormat::Prefixed { prefix: "sha256=".into() };
        assert_eq!(parse_signature_header("sha1=x", &pre).signatures, Vec::<&str>::new());
        assert_eq!(parse_signature_header("sha256=x", &pre).signatures, vec!["x"]);
    }
}
