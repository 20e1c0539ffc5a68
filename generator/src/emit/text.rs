//! The text files of a connector (`Cargo.toml`, `README.md`, `Dockerfile`) and the `new vendor`
//! scaffold, rendered with tera from templates embedded in the binary.
//!
//! Templates stay dumb: everything they show is computed here into a serializable view model,
//! including the prose that explains the authentication scheme.

use serde::Serialize;
use tera::{Context, Tera};
use webhook_definition::{
    Authentication, HashAlgorithm, Method, PublicKeyEncoding, ResponseBody, ResponseValue, SecretDecoding, SignatureEncoding,
    SignatureFormat, SignatureLocation, TimestampFormat, TimestampSource, TokenLocation, Tolerance, ValueSource,
};

use crate::emit::EmitError;
use crate::lower::Connector;

/// The template of a connector's `Cargo.toml`.
pub const CARGO_TOML: &str = "connector/Cargo.toml";
/// The template of a connector's `README.md`.
pub const README: &str = "connector/README.md";
/// The template of a connector's `Dockerfile`.
pub const DOCKERFILE: &str = "connector/Dockerfile";
/// The template of the `new vendor` scaffold.
pub const SCAFFOLD: &str = "vendor.yaml";

fn templates() -> Tera {
    let mut tera = Tera::default();
    tera.autoescape_on(Vec::new());
    tera.add_raw_templates([
        (CARGO_TOML, include_str!("../../../templates/connector/Cargo.toml.tera")),
        (README, include_str!("../../../templates/connector/README.md.tera")),
        (DOCKERFILE, include_str!("../../../templates/connector/Dockerfile.tera")),
        (SCAFFOLD, include_str!("../../../templates/vendor.yaml.tera")),
    ])
    .expect("the embedded templates parse (covered by the generator's tests)");
    tera
}

/// Renders an embedded template; the output always ends with exactly one newline.
pub fn render(template: &str, view: &impl Serialize) -> Result<String, EmitError> {
    let context = Context::from_serialize(view)
        .map_err(|e| EmitError::Template { template: template.to_string(), message: error_chain(&e) })?;
    let text = templates()
        .render(template, &context)
        .map_err(|e| EmitError::Template { template: template.to_string(), message: error_chain(&e) })?;
    Ok(format!("{}\n", text.trim_end()))
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

/// What the connector templates show.
#[derive(Debug, Serialize)]
pub struct ConnectorView {
    /// The vendor id.
    pub id: String,
    /// The vendor's name.
    pub name: String,
    /// The vendor's description.
    pub description: String,
    /// The crate name.
    pub crate_name: String,
    /// The crate description, as a TOML string literal.
    pub crate_description_toml: String,
    /// The definition file.
    pub source_label: String,
    /// The vendor's documentation.
    pub documentation_url: String,
    /// Setup steps in the vendor's dashboard.
    pub setup_steps: Vec<String>,
    /// The configuration fields.
    pub config: Vec<ConfigView>,
    /// A sample configuration file (YAML lines).
    pub sample_config: Vec<String>,
    /// The collections.
    pub collections: Vec<CollectionView>,
    /// The methods that carry events.
    pub methods: String,
    /// The authentication scheme, in words.
    pub authentication: Vec<String>,
    /// Whether requests carry no authentication.
    pub unauthenticated: bool,
    /// The handshakes.
    pub handshakes: Vec<HandshakeView>,
    /// How events are found and keyed, in words.
    pub events: Vec<String>,
    /// The success answer, in words.
    pub success: String,
    /// The status for failed authentication.
    pub authentication_failed_status: u16,
    /// The status for rejected requests.
    pub rejected_status: u16,
    /// Whether unknown event types are rejected rather than captured.
    pub rejects_unknown: bool,
    /// Delivery and retries.
    pub delivery: DeliveryView,
}

/// One configuration field.
#[derive(Debug, Serialize)]
pub struct ConfigView {
    /// Name.
    pub name: String,
    /// Label.
    pub title: String,
    /// Description, on one line.
    pub description: String,
    /// `yes`/`no`.
    pub secret: &'static str,
    /// `yes`/`no`.
    pub required: &'static str,
    /// `yes`/`no`.
    pub multiple: &'static str,
}

/// One collection.
#[derive(Debug, Serialize)]
pub struct CollectionView {
    /// Name.
    pub name: String,
    /// The values routed to it, as Markdown code spans.
    pub values: String,
    /// `yes`/`no`.
    pub enabled: &'static str,
    /// Description, on one line.
    pub description: String,
}

/// One handshake.
#[derive(Debug, Serialize)]
pub struct HandshakeView {
    /// Name.
    pub name: String,
    /// When it is sent.
    pub description: String,
    /// How it is recognised and answered.
    pub details: String,
}

/// Delivery semantics.
#[derive(Debug, Serialize)]
pub struct DeliveryView {
    /// Response timeout, in words.
    pub timeout: Option<String>,
    /// Retries, in the vendor's words.
    pub retries: String,
    /// Retry horizon, in hours.
    pub retry_horizon_hours: u32,
    /// Endpoint disabling.
    pub disabling: Option<String>,
    /// Replay.
    pub replay: Option<String>,
    /// Special statuses.
    pub special_statuses: Option<String>,
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|")
}

fn code_list(values: &[String]) -> String {
    values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
}

/// Builds the view model of a connector's text files.
pub fn connector_view(c: &Connector) -> ConnectorView {
    let d = &c.definition;
    let description = if d.vendor.description.is_empty() {
        format!("Captures {} webhooks into Flow collections.", d.vendor.name)
    } else {
        d.vendor.description.clone()
    };
    let crate_description = format!("{} webhook connector (generated by webhookgen).", d.vendor.name);
    ConnectorView {
        id: c.id.clone(),
        name: d.vendor.name.clone(),
        description: one_line(&description),
        crate_name: c.crate_name.clone(),
        crate_description_toml: serde_json::to_string(&crate_description).expect("strings serialize"),
        source_label: c.source_label.clone(),
        documentation_url: d.vendor.documentation_url.clone(),
        setup_steps: d.vendor.setup_steps.iter().map(|s| one_line(s)).collect(),
        config: d
            .config
            .iter()
            .map(|f| ConfigView {
                name: f.name.clone(),
                title: one_line(&f.title),
                description: one_line(&f.description),
                secret: yes_no(f.secret),
                required: yes_no(f.required),
                multiple: yes_no(f.multiple),
            })
            .collect(),
        sample_config: d
            .config
            .iter()
            .map(|f| {
                let value = f.example.clone().unwrap_or_else(|| format!("<{}>", f.title.to_lowercase()));
                format!("{}: {}", f.name, serde_json::to_string(&value).expect("strings serialize"))
            })
            .collect(),
        collections: c
            .collections
            .iter()
            .map(|col| CollectionView {
                name: col.name.clone(),
                values: if col.event_type_index.is_some() { code_list(&col.values) } else { "any other type".into() },
                enabled: yes_no(col.enabled),
                description: one_line(&col.description),
            })
            .collect(),
        methods: d.request.methods.iter().map(|m| format!("`{}`", m.as_str())).collect::<Vec<_>>().join(", "),
        authentication: describe_authentication(&d.authentication),
        unauthenticated: !c.authenticated,
        handshakes: d
            .handshakes
            .iter()
            .map(|h| HandshakeView {
                name: h.name.clone(),
                description: one_line(&h.description),
                details: format!(
                    "{} requests; {}. Answered with {}.{}",
                    methods(&h.methods),
                    if h.verify_signature { "authenticated like events" } else { "the connector does not check a signature on it" },
                    describe_response(h.response.status, &h.response.body),
                    h.reveal
                        .as_ref()
                        .map(|r| format!(
                            " The connector writes {} to its log (level WARN) with this message: \"{}\"",
                            describe_source(&r.value),
                            one_line(&r.message)
                        ))
                        .unwrap_or_default()
                ),
            })
            .collect(),
        events: describe_events(c),
        success: describe_response(d.responses.success.status, &d.responses.success.body),
        authentication_failed_status: d.responses.authentication_failed_status,
        rejected_status: d.responses.rejected_status,
        rejects_unknown: d.events.unknown_types.action == webhook_definition::UnknownTypeAction::Reject,
        delivery: DeliveryView {
            timeout: d.delivery.timeout_seconds.map(|s| format!("{s} seconds")),
            retries: one_line(&d.delivery.retries),
            retry_horizon_hours: d.delivery.retry_horizon_hours,
            disabling: d.delivery.disabling.as_deref().map(one_line),
            replay: d.delivery.replay.as_deref().map(one_line),
            special_statuses: d.delivery.special_statuses.as_deref().map(one_line),
        },
    }
}

fn methods(methods: &[Method]) -> String {
    methods.iter().map(|m| format!("`{}`", m.as_str())).collect::<Vec<_>>().join("/")
}

/// A value source in words.
pub fn describe_source(source: &ValueSource) -> String {
    match source {
        ValueSource::BodyPointer { pointer } => format!("the body field `{pointer}`"),
        ValueSource::Header { name } => format!("the `{name}` header"),
        ValueSource::FormField { name } => format!("the form field `{name}`"),
        ValueSource::QueryParameter { name } => format!("the query parameter `{name}`"),
        ValueSource::PathSegment { index } => format!("path segment {index}"),
        ValueSource::Constant { value } => format!("always `{value}`"),
        ValueSource::Composite { parts, separator } => format!(
            "{} joined with `{separator}` (absent parts left out)",
            parts.iter().map(describe_source).collect::<Vec<_>>().join(", ")
        ),
        ValueSource::FirstOf { sources } => format!(
            "the first present of {}",
            sources.iter().map(describe_source).collect::<Vec<_>>().join(", ")
        ),
        ValueSource::PresentMember { pointer, members, prefix } => format!(
            "{}the name of the first of {} present in the body object `{pointer}`",
            if prefix.is_empty() { String::new() } else { format!("`{prefix}` followed by ") },
            members.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
        ),
        ValueSource::ContentHash { pointers } if pointers.is_empty() => {
            "the SHA-256 of the event's bytes (the vendor sends no id)".into()
        }
        ValueSource::ContentHash { pointers } => format!(
            "the SHA-256 of the fields {} (the vendor sends no id)",
            pointers.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
        ),
        ValueSource::BatchIndex => "the event's position in its batch".into(),
    }
}

fn describe_events(c: &Connector) -> Vec<String> {
    let e = &c.definition.events;
    let mut out = Vec::new();
    match &e.batch {
        Some(batch) if batch.items.is_empty() => out.push("A request carries a JSON array of events.".into()),
        Some(batch) => out.push(format!("A request carries several events, at `{}`.", batch.items)),
        None => out.push("A request carries one event.".into()),
    }
    match &c.definition.request.body {
        webhook_definition::BodyEncoding::Json => {}
        webhook_definition::BodyEncoding::Form => {
            out.push("The body is a form (`application/x-www-form-urlencoded`), captured as a JSON object of its fields.".into())
        }
        webhook_definition::BodyEncoding::FormFieldJson { field } => {
            out.push(format!("The body is a form whose `{field}` field holds the JSON event."))
        }
        webhook_definition::BodyEncoding::JsonOrFormField { field } => out.push(format!(
            "The body is JSON, or, when the `Content-Type` is `application/x-www-form-urlencoded`, a form whose `{field}` field holds the JSON event; either way the JSON event is captured."
        )),
    }
    for alias in &c.definition.request.header_aliases {
        out.push(format!(
            "The `{}` header is also accepted as {} (read when `{}` is absent).",
            alias.name,
            alias.aliases.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(" or "),
            alias.name
        ));
    }
    out.push(format!("The event type is {}.", describe_source(&e.discriminator)));
    out.push(format!("The document key (`/_meta/webhookId`) is {}.", describe_source(&e.document_key)));
    out.push(match e.unknown_types.action {
        webhook_definition::UnknownTypeAction::Capture => format!(
            "Events of types not listed below are captured into `{}`, so a new event type is never lost.",
            e.unknown_types.collection
        ),
        webhook_definition::UnknownTypeAction::Reject => {
            format!("Events of types not listed below are rejected with {}.", c.definition.responses.rejected_status)
        }
    });
    out
}

fn describe_response(status: u16, body: &ResponseBody) -> String {
    let body = match body {
        ResponseBody::Empty => "no body".to_string(),
        ResponseBody::Text { value } => format!("the text {}", describe_value(value)),
        ResponseBody::JsonObject { fields } => format!(
            "a JSON object ({})",
            fields.iter().map(|f| format!("`{}`: {}", f.name, describe_value(&f.value))).collect::<Vec<_>>().join(", ")
        ),
    };
    format!("status {status} and {body}")
}

fn describe_value(value: &ResponseValue) -> String {
    match value {
        ResponseValue::Literal { value } => format!("`{value}`"),
        ResponseValue::Echo { source } => format!("{} echoed", describe_source(source)),
        ResponseValue::Hmac { algorithm, secret, message, encoding } => format!(
            "the {} of {} keyed with `{}`, {}",
            hmac_name(*algorithm),
            describe_source(message),
            secret.config_field,
            encoding_name(*encoding)
        ),
    }
}

fn hmac_name(a: HashAlgorithm) -> &'static str {
    match a {
        HashAlgorithm::Sha1 => "HMAC-SHA1",
        HashAlgorithm::Sha256 => "HMAC-SHA256",
        HashAlgorithm::Sha512 => "HMAC-SHA512",
    }
}

fn hash_name(a: HashAlgorithm) -> &'static str {
    match a {
        HashAlgorithm::Sha1 => "SHA-1",
        HashAlgorithm::Sha256 => "SHA-256",
        HashAlgorithm::Sha512 => "SHA-512",
    }
}

fn encoding_name(e: SignatureEncoding) -> &'static str {
    match e {
        SignatureEncoding::Hex => "hex-encoded",
        SignatureEncoding::Base64 => "base64-encoded",
        SignatureEncoding::Base64url => "URL-safe-base64-encoded",
    }
}

fn decoding_words(d: SecretDecoding) -> &'static str {
    match d {
        SecretDecoding::Verbatim => "used as text, byte for byte",
        SecretDecoding::WhsecBase64 => "base64-decoded after removing a `whsec_` prefix",
        SecretDecoding::Base64 => "base64-decoded",
        SecretDecoding::Hex => "hex-decoded",
    }
}

fn separated(separator: &str) -> String {
    match separator {
        " " => "space-separated".into(),
        "," => "comma-separated".into(),
        ";" => "semicolon-separated".into(),
        other => format!("`{other}`-separated"),
    }
}

fn signature_words(s: &SignatureLocation) -> String {
    let format = match &s.format {
        SignatureFormat::Bare => "is the whole value".to_string(),
        SignatureFormat::Prefixed { prefix } => format!("follows the prefix `{prefix}`"),
        SignatureFormat::KeyValueList { separator, signature_key, timestamp_key } => format!(
            "is every `{signature_key}=` entry of a {} `key=value` list{}",
            separated(separator),
            timestamp_key.as_ref().map(|k| format!(" (the timestamp is its `{k}=` entry)")).unwrap_or_default()
        ),
        SignatureFormat::TimestampThenSignatures { separator } => {
            format!("is every entry after the first of a {} list (the first entry is the timestamp)", separated(separator))
        }
        SignatureFormat::VersionedList { separator, version } => {
            format!("is every `{version},` entry of a {} list", separated(separator))
        }
    };
    match &s.body_pointer {
        Some(pointer) => format!("The signature is sent in the JSON body field `{pointer}`, {}; it {format}.", encoding_name(s.encoding)),
        None => format!("The signature is sent in the `{}` header, {}; it {format}.", s.header, encoding_name(s.encoding)),
    }
}

fn timestamp_words(timestamp: &Option<webhook_definition::Timestamp>, tolerance: &Option<Tolerance>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(t) = timestamp {
        let source = match &t.source {
            TimestampSource::Header { name } => format!("the `{name}` header"),
            TimestampSource::SignatureField => "the signature header".to_string(),
            TimestampSource::BodyPointer { pointer } => format!("the body field `{pointer}`"),
        };
        let format = match t.format {
            TimestampFormat::UnixSeconds => "Unix seconds",
            TimestampFormat::UnixMilliseconds => "Unix milliseconds",
            TimestampFormat::Rfc3339 => "RFC 3339",
        };
        out.push(format!("The signed timestamp is read from {source} ({format})."));
    }
    if let Some(t) = tolerance {
        out.push(match t.future_seconds {
            Some(f) => format!(
                "Requests signed more than {} s ago or more than {f} s in the future are rejected (replay protection).",
                t.past_seconds
            ),
            None => format!("Requests signed more than {} s ago are rejected (replay protection).", t.past_seconds),
        });
    }
    out
}

/// The authentication scheme, as sentences for the README.
pub fn describe_authentication(auth: &Authentication) -> Vec<String> {
    match auth {
        Authentication::None(n) => vec![format!("None: the vendor does not sign its requests. {}", one_line(&n.reason))],
        Authentication::Hmac(h) => {
            let mut out = vec![format!(
                "{} of the signed message `{}`, keyed with the configured `{}` ({}); every configured value is tried, so secrets can be rotated.",
                hmac_name(h.algorithm),
                h.signed_message,
                h.secret.config_field,
                decoding_words(h.secret.decoding)
            )];
            if h.scope == webhook_definition::SignatureScope::BatchItem {
                out.push(
                    "Each item of the batch carries its own signature over fields of that item (the body fields above are read inside the item); every item is checked before anything is captured, and one item that fails rejects the whole request.".into(),
                );
            }
            out.push(signature_words(&h.signature));
            out.extend(timestamp_words(&h.timestamp, &h.tolerance));
            out
        }
        Authentication::Ed25519(k) | Authentication::EcdsaP256(k) => {
            let scheme = if matches!(auth, Authentication::Ed25519(_)) { "An Ed25519" } else { "An ECDSA P-256/SHA-256" };
            let encoding = match k.public_key.encoding {
                PublicKeyEncoding::Hex => "hex",
                PublicKeyEncoding::Base64 => "base64",
                PublicKeyEncoding::SpkiDerBase64 => "base64 DER SubjectPublicKeyInfo",
                PublicKeyEncoding::Pem => "PEM",
            };
            let mut out = vec![format!(
                "{scheme} signature of the signed message `{}`, checked with the vendor's public key from `{}` ({encoding}).",
                k.signed_message, k.public_key.config_field
            )];
            out.push(signature_words(&k.signature));
            out.extend(timestamp_words(&k.timestamp, &k.tolerance));
            out
        }
        Authentication::StaticToken(t) => vec![match &t.location {
            TokenLocation::Header { name, prefix, name_config_field } => format!(
                "A static token in the `{name}` header{}{}, compared in constant time with the configured `{}`.",
                name_config_field
                    .as_ref()
                    .map(|f| format!(" (or the header named by the configured `{f}`)"))
                    .unwrap_or_default(),
                if prefix.is_empty() { String::new() } else { format!(" after `{prefix}`") },
                t.token.config_field
            ),
            TokenLocation::QueryParameter { name } => format!(
                "A static token in the `{name}` query parameter of the URL the vendor calls, compared in constant time with the configured `{}`.",
                t.token.config_field
            ),
        }],
        Authentication::BodyDigest(d) => vec![format!(
            "The {} digest of the raw body, {}, in the `{}` query parameter must match the body received (the URL carrying it is signed).",
            hash_name(d.algorithm),
            encoding_name(d.encoding),
            d.query_parameter
        )],
        Authentication::BodyToken(t) => vec![format!(
            "A static token at `{}` in the JSON body (every value the pointer matches), compared in constant time with the configured `{}`; captured documents carry `<redacted>` in its place.",
            t.pointer, t.token.config_field
        )],
        Authentication::Basic(b) => vec![format!(
            "HTTP basic authentication with the configured `{}` and `{}`.",
            b.username_field, b.password_field
        )],
        Authentication::AllOf(all) => {
            let mut out = vec!["All of these checks must pass:".to_string()];
            out.extend(all.checks.iter().flat_map(describe_authentication).map(|s| format!("- {s}")));
            out
        }
        Authentication::AnyOf(any) => {
            let mut out = vec!["One of these checks must pass:".to_string()];
            out.extend(any.checks.iter().flat_map(describe_authentication).map(|s| format!("- {s}")));
            out
        }
    }
}

/// What the `new vendor` scaffold shows.
#[derive(Debug, Serialize)]
pub struct ScaffoldView {
    /// The vendor id.
    pub id: String,
    /// The format version.
    pub spec_version: u32,
    /// The modeline's schema path, relative to the definition.
    pub schema_path: String,
}

/// `config.example.yaml`: an endpoint configuration to start the connector with. Values come
/// from the first captured example (so that example's request verifies against a connector
/// started with this file), else from each field's `example`, else a `TODO` placeholder.
pub fn sample_config(c: &Connector, header: &str) -> String {
    use webhook_definition::Expectation;
    let example_config = c
        .definition
        .examples
        .iter()
        .find(|e| matches!(e.expect, Expectation::Captured { .. }))
        .map(|e| (e.name.as_str(), &e.config));
    let mut out = String::new();
    for line in header.lines() {
        out.push_str(&format!("# {line}\n"));
    }
    out.push_str(&format!(
        "#\n# A sample endpoint configuration for `{} serve --config <this file>`.\n",
        c.crate_name
    ));
    match example_config {
        Some((name, _)) => out.push_str(&format!(
            "# Test values from the definition's example `{name}`: replace secrets before real use.\n"
        )),
        None => out.push_str("# Replace every value before real use.\n"),
    }
    for field in &c.definition.config {
        let value = example_config
            .and_then(|(_, config)| config.get(&field.name).cloned())
            .or_else(|| field.example.clone().map(serde_json::Value::String))
            .unwrap_or_else(|| serde_json::Value::String(format!("TODO: {}", field.title)));
        out.push_str(&format!("\n# {}{}\n", field.title, if field.secret { " (secret)" } else { "" }));
        for line in field.description.lines() {
            out.push_str(&format!("# {line}\n"));
        }
        // JSON text is valid YAML flow syntax, and quoting it this way keeps every value a string.
        let text = serde_json::to_string(&value).expect("JSON always serializes");
        let prefix = if field.required { "" } else { "# (optional) " };
        out.push_str(&format!("{prefix}{}: {text}\n", field.name));
    }
    out
}
