//! Positional signature lists: the first entry is the signed timestamp, the rest signatures
//! (Recurly: `recurly-signature: <unix ms>,<hex>[,<hex>]`, hex HMAC-SHA256 of `{ts}.{body}`,
//! ±5 minutes). The vector is recurly-client-ruby's spec/recurly/webhooks_spec.rb ("with
//! notification older than five minutes"), which verifies when the tolerance allows it.

mod core_support;

use core_support::*;
use serde_json::json;
use webhook_runtime::core::Processor;

const SECRET: &str = "354fab5bd35f5a0d50845ee7e30165244468b13c2c343f104e4e730a59326d9d";
const BODY: &str = r#"{"id":"rjxwmwedwqug","object_type":"account","site_id":"qc326l1hl8k9","event_type":"created","event_time":"2022-09-13T21:18:40Z","account_code":"adfas23zzz14123"}"#;
const TS_MS: &str = "1663103925004";
const SIGNATURE: &str = "ad24699f3beaa24c9af2cc7ada3ce4c835da0090194241b9d3add83d27f14bc3";
/// The vector's timestamp, in whole seconds (the clock of the tests).
const NOW: u64 = 1_663_103_925;

fn recurly_processor() -> Processor {
    let v = vendor(json!({
        "config": [secret_field("secret", true)],
        "authentication": {"type": "hmac", "algorithm": "sha256",
            "secret": {"config_field": "secret"},
            "signature": {"header": "recurly-signature", "format": {"type": "timestamp_then_signatures", "separator": ","}, "encoding": "hex"},
            "signed_message": "{timestamp}.{body}",
            "timestamp": {"source": {"type": "signature_field"}, "format": "unix_milliseconds"},
            "tolerance": {"past_seconds": 300, "future_seconds": 300}},
        "events": {"discriminator": {"type": "composite", "parts": [
                {"type": "body_pointer", "pointer": "/object_type"}, {"type": "body_pointer", "pointer": "/event_type"}], "separator": "."},
            "document_key": {"type": "body_pointer", "pointer": "/id"},
            "types": [], "unknown_types": {"action": "capture", "collection": "events"}}
    }));
    processor(v, json!({"secret": SECRET}))
}

fn post(header: &str, body: &str) -> webhook_runtime::core::WebhookRequest {
    request("POST", "/", &[("content-type", "application/json"), ("recurly-signature", header)], body)
}

#[test]
fn the_sdk_vector_verifies_within_the_tolerance() {
    let p = recurly_processor();
    let header = format!("{TS_MS},{SIGNATURE}");
    assert_authentic(&p, &post(&header, BODY), at(NOW + 10));
    assert_captured(&p.process(&post(&header, BODY), at(NOW)), &[("events", "account.created", "rjxwmwedwqug")]);
    // A rotation: any listed signature may match (the spec's `de1ec7ab1e` decoy first).
    assert_authentic(&p, &post(&format!("{TS_MS},de1ec7ab1e,{SIGNATURE}"), BODY), at(NOW));
    assert_every_body_byte_matters(&p, &post(&header, BODY), at(NOW));
}

#[test]
fn the_timestamp_is_signed_and_checked() {
    let p = recurly_processor();
    let header = format!("{TS_MS},{SIGNATURE}");
    // The spec's "older than five minutes": stale by default.
    assert_not_authentic(&p, &post(&header, BODY), at(NOW + 302), "a notification older than five minutes");
    assert_not_authentic(&p, &post(&header, BODY), at(NOW - 302), "a notification five minutes ahead");
    assert_not_authentic(&p, &post(&format!("1663103926004,{SIGNATURE}"), BODY), at(NOW), "an altered timestamp");
    assert_not_authentic(&p, &post(&format!("abc,{SIGNATURE}"), BODY), at(NOW), "a malformed timestamp");
    assert_not_authentic(&p, &post(&format!("{TS_MS},"), BODY), at(NOW), "no signatures");
    assert_not_authentic(&p, &post(SIGNATURE, BODY), at(NOW), "a signature without timestamp");
    assert_not_authentic(&p, &post(&header, "{}"), at(NOW), "an altered body");
}
