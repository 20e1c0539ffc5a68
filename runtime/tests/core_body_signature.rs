//! Signatures carried in the JSON body instead of a header, over body fields named with
//! `{body_pointer:…}` (Mailgun: hex HMAC-SHA256 of `/signature/timestamp` ‖ `/signature/token`
//! at `/signature/signature`). The vector is mailgun-php's `testVerifyWebhookGood`
//! (tests/Api/WebhookTest.php); `testVerifyWebhookBad` changes only the token.

mod core_support;

use core_support::*;
use serde_json::{Value, json};
use webhook_runtime::core::Processor;

const KEY: &str = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";
const TIMESTAMP: &str = "1403645220";
const TOKEN: &str = "5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6";
const BAD_TOKEN: &str = "owyldpe6nxhmrn78epljl6bj0orrki1u3d2v5e6cnlmmuox8jr";
const SIGNATURE: &str = "9cfc5c41582e51246e73c88d34db3af0a3a2692a76fbab81492842f000256d33";

fn mailgun_processor() -> Processor {
    let v = vendor(json!({
        "config": [secret_field("signing_key", true)],
        "authentication": {"type": "hmac", "algorithm": "sha256",
            "secret": {"config_field": "signing_key"},
            "signature": {"body_pointer": "/signature/signature", "format": {"type": "bare"}, "encoding": "hex"},
            "signed_message": "{body_pointer:/signature/timestamp}{body_pointer:/signature/token}",
            "timestamp": {"source": {"type": "body_pointer", "pointer": "/signature/timestamp"}, "format": "unix_seconds"},
            "tolerance": {"past_seconds": 300}},
        "events": {"discriminator": {"type": "body_pointer", "pointer": "/event-data/event"},
            "document_key": {"type": "body_pointer", "pointer": "/event-data/id"},
            "types": [], "unknown_types": {"action": "capture", "collection": "events"}}
    }));
    processor(v, json!({"signing_key": KEY}))
}

fn body(timestamp: Value, token: &str, signature: &str) -> String {
    json!({"signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {"event": "opened", "id": "DACSsAdVSeGpLid7TN03WA"}})
    .to_string()
}

fn post(body: String) -> webhook_runtime::core::WebhookRequest {
    request("POST", "/", &[("content-type", "application/json")], body)
}

#[test]
fn the_sdk_vector_verifies() {
    let p = mailgun_processor();
    let now = at(1_403_645_220 + 10);
    assert_authentic(&p, &post(body(json!(TIMESTAMP), TOKEN, SIGNATURE)), now);
    // A numeric timestamp is signed as written.
    assert_authentic(&p, &post(body(json!(1_403_645_220), TOKEN, SIGNATURE)), now);
    assert_captured(&p.process(&post(body(json!(TIMESTAMP), TOKEN, SIGNATURE)), now), &[("events", "opened", "DACSsAdVSeGpLid7TN03WA")]);
}

#[test]
fn every_signed_field_matters() {
    let p = mailgun_processor();
    let now = at(1_403_645_220);
    assert_not_authentic(&p, &post(body(json!(TIMESTAMP), BAD_TOKEN, SIGNATURE)), now, "the SDK's bad token");
    assert_not_authentic(&p, &post(body(json!("1403645221"), TOKEN, SIGNATURE)), now, "another timestamp");
    let mut tampered = SIGNATURE.to_string();
    tampered.replace_range(0..1, "a");
    assert_not_authentic(&p, &post(body(json!(TIMESTAMP), TOKEN, &tampered)), now, "a changed signature");
    // Absent fields: no signature, or an empty signed message.
    assert_not_authentic(&p, &post(json!({"event-data": {"event": "opened"}}).to_string()), now, "no signature object");
    assert_not_authentic(
        &p,
        &post(json!({"signature": {"timestamp": TIMESTAMP, "token": TOKEN}}).to_string()),
        now,
        "no signature field",
    );
    // A signature header is not read.
    let mut r = post(json!({"signature": {"timestamp": TIMESTAMP, "token": TOKEN}}).to_string());
    r.headers.push(("signature".into(), bytes::Bytes::from_static(SIGNATURE.as_bytes())));
    assert_not_authentic(&p, &r, now, "a header instead of the body field");
}

#[test]
fn the_body_timestamp_is_checked_after_the_signature() {
    let p = mailgun_processor();
    assert_not_authentic(&p, &post(body(json!(TIMESTAMP), TOKEN, SIGNATURE)), at(1_403_645_220 + 302), "a stale timestamp");
}

#[test]
fn a_body_signature_may_not_sign_the_body() {
    let v = vendor(json!({
        "config": [secret_field("signing_key", true)],
        "authentication": {"type": "hmac", "algorithm": "sha256",
            "secret": {"config_field": "signing_key"},
            "signature": {"body_pointer": "/signature", "format": {"type": "bare"}, "encoding": "hex"},
            "signed_message": "{body}"},
        "events": {"discriminator": {"type": "body_pointer", "pointer": "/type"},
            "document_key": {"type": "body_pointer", "pointer": "/id"},
            "types": [], "unknown_types": {"action": "capture", "collection": "events"}}
    }));
    let err = Processor::new(v, &json!({"signing_key": KEY})).expect_err("a body signature over the body is refused");
    assert!(err.to_string().contains("{body}"), "{err}");
}
