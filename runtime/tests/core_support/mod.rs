//! Shared helpers of the core's integration tests: small definitions built from JSON,
//! requests, and assertions with expected-versus-got messages.
#![allow(dead_code)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde_json::{Value, json};
use webhook_runtime::Vendor;
use webhook_runtime::core::{Decision, Processor, WebhookRequest};
use webhook_runtime::definition::Definition;
use webhook_runtime::testing::{describe, leak_vendor};

/// A definition: a minimal valid one with the given top-level members replaced.
pub fn definition(overrides: Value) -> Definition {
    let mut base = json!({
        "spec_version": 1,
        "vendor": {"id": "test", "name": "Test", "documentation_url": "https://example.com/docs"},
        "authentication": {"type": "none", "reason": "test"},
        "events": {
            "discriminator": {"type": "body_pointer", "pointer": "/type"},
            "document_key": {"type": "body_pointer", "pointer": "/id"},
            "types": [{"collection": "thing_happened", "values": ["thing.happened"], "description": "A thing happened."}]
        },
        "delivery": {"retries": "none", "retry_horizon_hours": 0}
    });
    for (k, v) in overrides.as_object().expect("overrides are an object") {
        base[k] = v.clone();
    }
    serde_json::from_value(base).unwrap_or_else(|e| panic!("test definition does not deserialize: {e}"))
}

/// A vendor of that definition.
pub fn vendor(overrides: Value) -> &'static dyn Vendor {
    leak_vendor(definition(overrides))
}

/// A processor, panicking with the configuration error.
pub fn processor(vendor: &'static dyn Vendor, config: Value) -> Processor {
    Processor::new(vendor, &config).unwrap_or_else(|e| panic!("configuration refused: {e}"))
}

/// A secret config field declaration.
pub fn secret_field(name: &str, multiple: bool) -> Value {
    json!({"name": name, "title": name, "description": "test", "secret": true, "multiple": multiple})
}

/// A plain config field declaration.
pub fn plain_field(name: &str) -> Value {
    json!({"name": name, "title": name, "description": "test"})
}

/// A request.
pub fn request(method: &str, path: &str, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> WebhookRequest {
    WebhookRequest {
        method: method.to_string(),
        path_and_query: path.to_string(),
        headers: headers.iter().map(|(k, v)| (k.to_string(), Bytes::from(v.to_string()))).collect(),
        body: Bytes::from(body.into()),
    }
}

/// A clock at Unix seconds.
pub fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

/// Asserts a capture of exactly these (collection, event type, key) documents.
pub fn assert_captured(decision: &Decision, expected: &[(&str, &str, &str)]) {
    let ok = match decision {
        Decision::Capture { events, .. } => {
            events.len() == expected.len()
                && events.iter().zip(expected).all(|(e, (c, t, k))| e.collection == *c && e.event_type == *t && e.key == *k)
        }
        _ => false,
    };
    assert!(ok, "expected capture of {expected:?}\n  got: {}", describe(decision));
    if let Decision::Capture { events, .. } = decision {
        for e in events {
            let doc: Value = serde_json::from_slice(&e.document)
                .unwrap_or_else(|err| panic!("document is not JSON ({err}): {}", String::from_utf8_lossy(&e.document)));
            assert_eq!(doc["_meta"]["webhookId"], json!(e.key), "document: {doc}");
        }
    }
}

/// Asserts a reply with this status and outcome.
pub fn assert_reply(decision: &Decision, status: u16, outcome: &str) {
    match decision {
        Decision::Reply(r) if r.status == status && r.outcome == outcome => {}
        other => panic!("expected reply {status} ({outcome})\n  got: {}", describe(other)),
    }
}

/// Asserts the request passes authentication.
pub fn assert_authentic(processor: &Processor, request: &WebhookRequest, now: SystemTime) {
    if let Some(failure) = processor.authentication_failure(request, now) {
        panic!("expected the request to be authentic, but: {failure}\n  request: {request:?}");
    }
}

/// Asserts the request fails authentication.
pub fn assert_not_authentic(processor: &Processor, request: &WebhookRequest, now: SystemTime, what: &str) {
    assert!(
        processor.authentication_failure(request, now).is_some(),
        "expected {what} to fail authentication\n  request: {request:?}"
    );
}

/// Every single-byte change of the body is rejected.
pub fn assert_every_body_byte_matters(processor: &Processor, request: &WebhookRequest, now: SystemTime) {
    for i in 0..request.body.len() {
        let mut copy = request.clone();
        let mut body = copy.body.to_vec();
        body[i] ^= 0x01;
        copy.body = Bytes::from(body);
        assert_not_authentic(processor, &copy, now, &format!("body byte {i} changed"));
    }
}

/// Replaces one character of a header value with another of a different value in any of the
/// encodings (hex either case, base64, digits).
pub fn tamper_char(c: u8) -> u8 {
    match c {
        b'0'..=b'8' => c + 1,
        b'9' => b'0',
        b'a' | b'A' => b'b',
        _ => b'a',
    }
}

/// Every single-character change of a header's value in `range` (all of it when `None`) is
/// rejected.
pub fn assert_every_header_char_matters(
    processor: &Processor,
    request: &WebhookRequest,
    now: SystemTime,
    header: &str,
    range: Option<std::ops::Range<usize>>,
) {
    let index = request
        .headers
        .iter()
        .position(|(n, _)| n.eq_ignore_ascii_case(header))
        .unwrap_or_else(|| panic!("the request has no {header} header"));
    let value = request.headers[index].1.to_vec();
    for i in range.unwrap_or(0..value.len()) {
        let mut copy = request.clone();
        let mut v = value.clone();
        v[i] = tamper_char(v[i]);
        copy.headers[index].1 = Bytes::from(v);
        assert_not_authentic(processor, &copy, now, &format!("{header} character {i} changed"));
    }
}
