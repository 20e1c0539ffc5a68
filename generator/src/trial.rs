//! `webhookgen try`: a definition's examples and recorded requests through the real runtime
//! core, in-process, in seconds: no crate is generated or compiled.
//!
//! The definition is turned into a vendor with [`webhook_runtime::testing::leak_vendor`]
//! (routing by [`webhook_runtime::core::route::route_by_definition`], which every generated
//! router is tested against), and each request goes through
//! [`webhook_runtime::core::Processor`], the code a connector runs.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde::Serialize;
use serde_json::Value;
use webhook_definition::{Authentication, Definition, Example, Expectation};
use webhook_runtime::Vendor;
use webhook_runtime::core::{Decision, Processor, WebhookRequest};
use webhook_runtime::testing::{example_config, example_now, example_request};

use crate::recorded::RecordedRequest;

/// What was run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// One of the definition's examples.
    Example,
    /// A recorded request from a file.
    Request,
}

/// One event the connector would capture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CapturedEvent {
    /// The event type the discriminator found (empty when absent).
    pub event_type: String,
    /// The collection it goes to.
    pub collection: String,
    /// The document key.
    pub key: String,
}

/// The answer the vendor would get.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VendorResponse {
    /// The status code.
    pub status: u16,
    /// Why: `captured`, `handshake:<name>`, `unauthorized`, `rejected:…`, `method_not_allowed`.
    pub outcome: String,
    /// The body, as text.
    pub body: String,
    /// Headers beyond the defaults.
    pub headers: Vec<(String, String)>,
}

/// The outcome of one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrialResult {
    /// Example or recorded request.
    pub kind: Kind,
    /// The example's name, or the request file.
    pub name: String,
    /// Whether the request passed authentication (`null`: the definition has none, or the
    /// connector could not start with the configuration).
    pub verified: Option<bool>,
    /// Why (not) verified, in words.
    pub verification: String,
    /// The events captured, in order (empty when nothing is captured).
    pub events: Vec<CapturedEvent>,
    /// The answer the vendor would get (`null` when the connector refuses the configuration).
    pub response: Option<VendorResponse>,
    /// For examples: the outcome the example expects, in words.
    pub expected: Option<String>,
    /// For examples: whether the outcome is the expected one (`null` for recorded requests).
    pub as_expected: Option<bool>,
    /// What differs, or why the request could not be run.
    pub problem: Option<String>,
}

/// Runs every example of a definition. Example bodies must be inlined (see [`inline_bodies`]).
pub fn run_examples(definition: &Definition) -> Vec<TrialResult> {
    let vendor = webhook_runtime::testing::leak_vendor(definition.clone());
    definition.examples.iter().map(|e| run_example(vendor, e)).collect()
}

/// An example's `body_file` cannot be read.
#[derive(Debug)]
pub struct FixtureError {
    /// The example.
    pub example: String,
    /// The file.
    pub path: std::path::PathBuf,
    /// Why.
    pub source: std::io::Error,
}

impl std::fmt::Display for FixtureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "example `{}`: {}: {}",
            self.example,
            self.path.display(),
            self.source
        )
    }
}

impl std::error::Error for FixtureError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Replaces every example's `body_file` with the file's contents.
pub fn inline_bodies(definition: &mut Definition, fixtures: &Path) -> Result<(), FixtureError> {
    for example in &mut definition.examples {
        if let Some(file) = example.request.body_file.take() {
            let path = fixtures.join(&file);
            let body = std::fs::read_to_string(&path).map_err(|source| FixtureError {
                example: example.name.clone(),
                path: path.clone(),
                source,
            })?;
            example.request.body = Some(body);
        }
    }
    Ok(())
}

fn at_seconds(seconds: i64) -> SystemTime {
    if seconds >= 0 {
        UNIX_EPOCH + Duration::from_secs(seconds as u64)
    } else {
        UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs())
    }
}

fn run_example(vendor: &'static dyn Vendor, example: &Example) -> TrialResult {
    let mut result = run(
        vendor,
        Kind::Example,
        &example.name,
        &example_config(example),
        &example_request(example),
        example_now(example),
    );
    result.expected = Some(expectation_text(&example.expect));
    let mismatch = match (&result.response, &result.problem) {
        (None, Some(problem)) => Some(problem.clone()),
        _ => compare(&example.expect, &result),
    };
    result.as_expected = Some(mismatch.is_none());
    result.problem = mismatch;
    result
}

/// Runs recorded requests. Each uses its own `config` and `now` when its file has them, else
/// `config` (from `--config`, or the first example with a configuration) and the real clock.
pub fn run_requests(definition: &Definition, requests: &[RecordedRequest], config: Option<&Value>) -> Vec<TrialResult> {
    let vendor = webhook_runtime::testing::leak_vendor(definition.clone());
    let fallback = config.cloned().or_else(|| {
        definition
            .examples
            .iter()
            .find(|e| !e.config.is_empty())
            .map(example_config)
    });
    requests
        .iter()
        .map(|r| {
            let request = WebhookRequest {
                method: r.method.clone(),
                path_and_query: r.path.clone(),
                headers: r
                    .headers
                    .iter()
                    .map(|(k, v)| (k.clone(), Bytes::from(v.clone())))
                    .collect(),
                body: Bytes::from(r.body.clone()),
            };
            let config = r
                .config
                .clone()
                .or_else(|| fallback.clone())
                .unwrap_or(Value::Object(Default::default()));
            let now = r.now.map(at_seconds).unwrap_or_else(SystemTime::now);
            run(
                vendor,
                Kind::Request,
                &r.file.display().to_string(),
                &config,
                &request,
                now,
            )
        })
        .collect()
}

fn run(
    vendor: &'static dyn Vendor,
    kind: Kind,
    name: &str,
    config: &Value,
    request: &WebhookRequest,
    now: SystemTime,
) -> TrialResult {
    let definition = vendor.definition();
    let mut result = TrialResult {
        kind,
        name: name.to_string(),
        verified: None,
        verification: String::new(),
        events: Vec::new(),
        response: None,
        expected: None,
        as_expected: None,
        problem: None,
    };
    let processor = match Processor::new(vendor, config) {
        Ok(p) => p,
        Err(e) => {
            result.verification = "not run".into();
            result.problem = Some(format!(
                "the connector refuses this configuration: {e}{}",
                if kind == Kind::Request {
                    " (give one with `--config FILE` or a `config:` in the request file)"
                } else {
                    ""
                }
            ));
            return result;
        }
    };
    let decision = processor.process(request, now);
    let failure = processor.authentication_failure(request, now);
    let (verified, verification) = if processor.is_unauthenticated() {
        (None, "no authentication: the definition says `type: none`".to_string())
    } else {
        match failure {
            None => (
                Some(true),
                format!("verified ({})", describe_authentication(&definition.authentication)),
            ),
            Some(f) => (Some(false), f.to_string()),
        }
    };
    result.verified = verified;
    result.verification = verification;
    let reply = match &decision {
        Decision::Reply(reply) => {
            // An unsigned handshake (Meta's GET challenge) is answered without authentication.
            if let Some(name) = reply.outcome.strip_prefix("handshake:")
                && result.verified == Some(false)
                && definition
                    .handshakes
                    .iter()
                    .any(|h| h.name == name && !h.verify_signature)
            {
                result.verification = format!("not required: handshake `{name}` is answered without authentication");
            }
            reply
        }
        Decision::Capture { events, success } => {
            result.events = events
                .iter()
                .map(|e| CapturedEvent {
                    event_type: e.event_type.clone(),
                    collection: e.collection.clone(),
                    key: e.key.clone(),
                })
                .collect();
            success
        }
    };
    result.response = Some(VendorResponse {
        status: reply.status,
        outcome: reply.outcome.clone(),
        body: String::from_utf8_lossy(&reply.body).into_owned(),
        headers: reply.headers.clone(),
    });
    result
}

/// The header, or the body field, that carries a signature.
fn signature_place(s: &webhook_definition::SignatureLocation) -> String {
    match &s.body_pointer {
        Some(pointer) => format!("body field {pointer}"),
        None => s.header.clone(),
    }
}

fn describe_authentication(auth: &Authentication) -> String {
    match auth {
        Authentication::None(_) => "none".into(),
        Authentication::Hmac(h) => format!("HMAC-{:?} in {}", h.algorithm, signature_place(&h.signature)).replace("Sha", "SHA"),
        Authentication::Ed25519(p) => format!("Ed25519 in {}", signature_place(&p.signature)),
        Authentication::EcdsaP256(p) => format!("ECDSA P-256 in {}", signature_place(&p.signature)),
        Authentication::StaticToken(_) => "static token".into(),
        Authentication::Basic(_) => "HTTP basic".into(),
        Authentication::BodyToken(t) => format!("body token at {}", t.pointer),
        Authentication::AllOf(all) => all
            .checks
            .iter()
            .map(describe_authentication)
            .collect::<Vec<_>>()
            .join(" and "),
        // Schemes added to the format later are named by their tag.
        other => serde_json::to_value(other)
            .ok()
            .and_then(|v| v.get("type").and_then(Value::as_str).map(str::to_string))
            .unwrap_or_else(|| "authentication".into()),
    }
}

/// The collections of the definition's event types that no example captures as expected, in
/// definition order (the readiness rule wants one example per event type).
pub fn types_without_example(definition: &Definition, results: &[TrialResult]) -> Vec<String> {
    let covered: std::collections::BTreeSet<&str> = results
        .iter()
        .filter(|r| r.kind == Kind::Example && r.as_expected == Some(true))
        .flat_map(|r| r.events.iter().map(|e| e.collection.as_str()))
        .collect();
    let mut missing: Vec<String> = Vec::new();
    for t in &definition.events.types {
        if !covered.contains(t.collection.as_str()) && !missing.contains(&t.collection) {
            missing.push(t.collection.clone());
        }
    }
    missing
}

/// The expectation in words.
pub fn expectation_text(expect: &Expectation) -> String {
    match expect {
        Expectation::Captured { documents } => {
            let docs: Vec<String> = documents
                .iter()
                .map(|d| format!("{} → {} (key {})", quoted(&d.event_type), d.collection, d.key))
                .collect();
            format!("captured: {}", docs.join(", "))
        }
        Expectation::Rejected { status } => format!("rejected with {status}"),
        Expectation::Handshake { name, status, body } => format!(
            "handshake `{name}` answered {status}{}",
            body.as_ref().map(|b| format!(" with body {b:?}")).unwrap_or_default()
        ),
    }
}

fn quoted(event_type: &str) -> String {
    if event_type.is_empty() {
        "(no type)".into()
    } else {
        event_type.to_string()
    }
}

/// What differs between an example's expectation and its outcome (`None`: nothing).
fn compare(expect: &Expectation, result: &TrialResult) -> Option<String> {
    let response = result.response.as_ref()?;
    match expect {
        Expectation::Captured { documents } => {
            if response.outcome != "captured" {
                return Some(format!(
                    "expected a capture, got {} ({})",
                    response.status, response.outcome
                ));
            }
            if documents.len() != result.events.len() {
                return Some(format!(
                    "expected {} document(s), got {}",
                    documents.len(),
                    result.events.len()
                ));
            }
            for (i, (want, got)) in documents.iter().zip(&result.events).enumerate() {
                let mut diffs = Vec::new();
                if want.event_type != got.event_type {
                    diffs.push(format!(
                        "event type {:?} ≠ expected {:?}",
                        got.event_type, want.event_type
                    ));
                }
                if want.collection != got.collection {
                    diffs.push(format!("collection {} ≠ expected {}", got.collection, want.collection));
                }
                if want.key != got.key {
                    diffs.push(format!("key {:?} ≠ expected {:?}", got.key, want.key));
                }
                if !diffs.is_empty() {
                    return Some(format!("document {}: {}", i + 1, diffs.join("; ")));
                }
            }
            None
        }
        Expectation::Rejected { status } => (response.status != *status || response.outcome == "captured").then(|| {
            format!(
                "expected rejection with {status}, got {} ({})",
                response.status, response.outcome
            )
        }),
        Expectation::Handshake { name, status, body } => {
            if response.outcome != format!("handshake:{name}") || response.status != *status {
                return Some(format!(
                    "expected handshake `{name}` answered {status}, got {} ({})",
                    response.status, response.outcome
                ));
            }
            match body {
                Some(b) if *b != response.body => Some(format!("handshake body {:?} ≠ expected {b:?}", response.body)),
                _ => None,
            }
        }
    }
}

impl TrialResult {
    /// Renders the result for people.
    pub fn render_human(&self) -> String {
        use std::fmt::Write as _;
        let what = match self.kind {
            Kind::Example => format!("example `{}`", self.name),
            Kind::Request => format!("request {}", self.name),
        };
        let verdict = match self.as_expected {
            Some(true) => ": as expected",
            Some(false) => ": DIFFERS FROM `expect`",
            None => "",
        };
        let mut out = format!("{what}{verdict}\n");
        let mark = match self.verified {
            Some(true) => "yes",
            Some(false) => "no",
            None => "-",
        };
        let _ = writeln!(out, "  verified:   {mark} — {}", self.verification);
        for e in &self.events {
            let _ = writeln!(
                out,
                "  event:      {} → collection {}, key {}",
                quoted(&e.event_type),
                e.collection,
                e.key
            );
        }
        if let Some(r) = &self.response {
            let body = if r.body.is_empty() {
                String::new()
            } else {
                format!(", body {:?}", r.body)
            };
            let headers: Vec<String> = r.headers.iter().map(|(n, v)| format!("{n}: {v}")).collect();
            let headers = if headers.is_empty() {
                String::new()
            } else {
                format!(", headers [{}]", headers.join(", "))
            };
            let _ = writeln!(out, "  response:   {} ({}){body}{headers}", r.status, r.outcome);
        }
        if let (Some(false), Some(expected)) = (self.as_expected, &self.expected) {
            let _ = writeln!(out, "  expected:   {expected}");
        }
        if let Some(problem) = &self.problem {
            let _ = writeln!(out, "  problem:    {problem}");
        }
        out
    }

    /// Renders the result as one line of JSON.
    pub fn render_json(&self) -> String {
        serde_json::to_string(self).expect("a result always serializes")
    }
}
