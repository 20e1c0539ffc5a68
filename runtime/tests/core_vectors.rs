//! The vendors' published (and the reference's constructed) signature vectors, each run
//! through the core built from a small definition: the vector passes; any one changed byte of
//! body, timestamp, id or signature fails; stale and future timestamps 2 s beyond the tolerance
//! fail; a second configured secret (rotation) passes.

mod core_support;

use core_support::*;
use serde_json::{Value, json};
use webhook_runtime::core::Processor;
use webhook_runtime::core::WebhookRequest;

fn events(discriminator: Value, key: Value) -> Value {
    json!({
        "discriminator": discriminator,
        "document_key": key,
        "types": [{"collection": "known", "values": ["known"], "description": "A known type."}]
    })
}

fn hmac_auth(algorithm: &str, decoding: &str, header: &str, format: Value, encoding: &str, message: &str) -> Value {
    json!({
        "type": "hmac", "algorithm": algorithm,
        "secret": {"config_field": "secret", "decoding": decoding},
        "signature": {"header": header, "format": format, "encoding": encoding},
        "signed_message": message
    })
}

fn with(mut auth: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        auth[k] = v.clone();
    }
    auth
}

fn header_span(request: &WebhookRequest, header: &str, needle: &str) -> std::ops::Range<usize> {
    let value = request.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(header)).unwrap().1.clone();
    let text = std::str::from_utf8(&value).unwrap();
    let start = text.find(needle).unwrap_or_else(|| panic!("{needle} not in {text}"));
    start..start + needle.len()
}

/// Rotation: the same request passes with `[wrong, right]` configured.
fn assert_rotation(vendor: &'static dyn webhook_runtime::Vendor, right: &str, request: &WebhookRequest, now: std::time::SystemTime) {
    assert_rotation_from(vendor, "an-old-secret-that-no-longer-signs", right, request, now)
}

fn assert_rotation_from(vendor: &'static dyn webhook_runtime::Vendor, old: &str, right: &str, request: &WebhookRequest, now: std::time::SystemTime) {
    let p = processor(vendor, json!({"secret": [old, right]}));
    assert_authentic(&p, request, now);
    let p = processor(vendor, json!({"secret": [old]}));
    assert_not_authentic(&p, request, now, "the request with only the old secret configured");
}

/// Stale (and, with a future tolerance, early) clocks 2 s beyond the bounds fail; 2 s inside
/// they pass.
fn assert_window(p: &Processor, request: &WebhookRequest, ts_ms: i128, past_s: i128, future_s: Option<i128>) {
    let at_ms = |ms: i128| std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms as u64);
    assert_not_authentic(p, request, at_ms(ts_ms + past_s * 1000 + 2000), "a stale timestamp");
    assert_authentic(p, request, at_ms(ts_ms + past_s * 1000 - 2000));
    match future_s {
        Some(f) => {
            assert_not_authentic(p, request, at_ms(ts_ms - f * 1000 - 2000), "a future timestamp");
            assert_authentic(p, request, at_ms(ts_ms - f * 1000 + 2000));
        }
        None => assert_authentic(p, request, at_ms(ts_ms - 3_600_000)),
    }
}

// ---------------------------------------------------------------- GitHub (§1.1)

fn github(secret_multiple: bool) -> &'static dyn webhook_runtime::Vendor {
    vendor(json!({
        "config": [secret_field("secret", secret_multiple)],
        "authentication": hmac_auth("sha256", "verbatim", "X-Hub-Signature-256", json!({"type": "prefixed", "prefix": "sha256="}), "hex", "{body}"),
        "events": events(json!({"type": "header", "name": "X-GitHub-Event"}), json!({"type": "header", "name": "X-GitHub-Delivery"}))
    }))
}

#[test]
fn github_docs_vector_authenticates_and_a_non_json_body_is_then_rejected_not_unauthorized() {
    let v = github(false);
    let p = processor(v, json!({"secret": "It's a Secret to Everybody"}));
    let r = request("POST", "/", &[("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"), ("X-GitHub-Event", "known")], "Hello, World!");
    assert_authentic(&p, &r, at(0));
    assert_reply(&p.process(&r, at(0)), 400, "rejected:unreadable_body");
    assert_every_body_byte_matters(&p, &r, at(0));
    assert_every_header_char_matters(&p, &r, at(0), "X-Hub-Signature-256", Some(7..71));
}

#[test]
fn github_octokit_vectors() {
    let v = github(true);
    let p = processor(v, json!({"secret": "mysecret"}));
    let r = request(
        "POST",
        "/",
        &[
            ("X-Hub-Signature-256", "sha256=4864d2759938a15468b5df9ade20bf161da9b4f737ea61794142f3484236bda3"),
            ("X-GitHub-Event", "known"),
            ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
        ],
        r#"{"foo":"bar"}"#,
    );
    assert_captured(&p.process(&r, at(0)), &[("known", "known", "72d3162e-cc78-11e3-81ab-4c9367dc0958")]);
    assert_every_body_byte_matters(&p, &r, at(0));
    assert_every_header_char_matters(&p, &r, at(0), "X-Hub-Signature-256", Some(7..71));
    // Uppercase hex is the same signature.
    let mut upper = r.clone();
    upper.headers[0].1 = "sha256=4864D2759938A15468B5DF9ADE20BF161DA9B4F737EA61794142F3484236BDA3".into();
    assert_authentic(&p, &upper, at(0));
    assert_rotation(v, "mysecret", &r, at(0));

    // The unicode vector: `\u001B` escapes in upper case are part of the signed bytes.
    let p = processor(v, json!({"secret": "development"}));
    let body = "{\"foo\":\"Foo\\n\\u001B[34mbar: ♥♥♥♥♥♥♥♥\\nthis-is-lost\\u001B[0m\\u001B[2K\"}";
    let r = request("POST", "/", &[("X-Hub-Signature-256", "sha256=afecc3caa27548bb90d51a50384cb2868b9a3327b4ad6a01c9bd4ed0f8b0b12c"), ("X-GitHub-Event", "known")], body);
    assert_authentic(&p, &r, at(0));
    let lower = request("POST", "/", &[("X-Hub-Signature-256", "sha256=afecc3caa27548bb90d51a50384cb2868b9a3327b4ad6a01c9bd4ed0f8b0b12c")], body.replace("u001B", "u001b"));
    assert_not_authentic(&p, &lower, at(0), "the re-serialized (lowercase escape) body");
}

#[test]
fn non_utf8_bodies_verify() {
    let v = github(false);
    let p = processor(v, json!({"secret": "mysecret"}));
    let body: Vec<u8> = vec![0xff, 0xfe, b'{', 0x80];
    let sig = webhook_runtime::core::encoding::encode_signature(
        &{
            use hmac::{KeyInit, Mac};
            let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"mysecret").unwrap();
            m.update(&body);
            m.finalize().into_bytes().to_vec()
        },
        webhook_runtime::definition::SignatureEncoding::Hex,
    );
    let r = request("POST", "/", &[("X-Hub-Signature-256", &format!("sha256={sig}"))], body);
    assert_authentic(&p, &r, at(0));
    assert_reply(&p.process(&r, at(0)), 400, "rejected:unreadable_body");
}

// ---------------------------------------------------------------- Standard Webhooks (§1.2)

fn standard_webhooks() -> &'static dyn webhook_runtime::Vendor {
    vendor(json!({
        "config": [secret_field("secret", true)],
        "authentication": with(
            hmac_auth("sha256", "whsec_base64", "webhook-signature", json!({"type": "versioned_list", "separator": " ", "version": "v1"}), "base64", "{header:webhook-id}.{timestamp}.{body}"),
            json!({"timestamp": {"source": {"type": "header", "name": "webhook-timestamp"}, "format": "unix_seconds"},
                   "tolerance": {"past_seconds": 300, "future_seconds": 300}})
        ),
        "events": events(json!({"type": "body_pointer", "pointer": "/type"}), json!({"type": "header", "name": "webhook-id"}))
    }))
}

fn sw_request(id: &str, ts: &str, signature: &str, body: &str) -> WebhookRequest {
    request("POST", "/", &[("webhook-id", id), ("webhook-timestamp", ts), ("webhook-signature", signature)], body)
}

#[test]
fn standard_webhooks_vector_a() {
    let v = standard_webhooks();
    let r = sw_request("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", r#"{"test": 2432232314}"#);
    let now = at(1_614_265_330);
    for secret in ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] {
        let p = processor(v, json!({"secret": secret}));
        assert_captured(&p.process(&r, now), &[("other_events", "", "msg_p5jXN8AQM9LWM0D4loKWxJek")]);
    }
    let p = processor(v, json!({"secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}));
    assert_every_body_byte_matters(&p, &r, now);
    assert_every_header_char_matters(&p, &r, now, "webhook-id", None);
    assert_every_header_char_matters(&p, &r, now, "webhook-timestamp", None);
    assert_every_header_char_matters(&p, &r, now, "webhook-signature", Some(3..47));
    assert_window(&p, &r, 1_614_265_330_000, 300, Some(300));
    assert_rotation_from(v, "whsec_b2xkIHNlY3JldA==", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &r, now);
    // The libraries' negatives.
    for bad in [
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=",
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
        "v1,",
        "v1,g0hM9SsE",
        "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    ] {
        let bad_r = sw_request("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", bad, r#"{"test": 2432232314}"#);
        assert_not_authentic(&p, &bad_r, now, bad);
        assert_reply(&p.process(&bad_r, now), 401, "unauthorized");
    }
}

#[test]
fn standard_webhooks_vector_b_and_multi_signature_headers() {
    let v = standard_webhooks();
    let p = processor(v, json!({"secret": "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"}));
    let body = r#"{"email":"test@example.com","username":"test_user"}"#;
    let valid = "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";
    let now = at(1_649_367_553);
    let r = sw_request("msg_27UH4WbU6Z5A5EzD8u03UvzRbpk", "1649367553", valid, body);
    assert_authentic(&p, &r, now);
    assert_every_body_byte_matters(&p, &r, now);
    let bad = sw_request("msg_27UH4WbU6Z5A5EzD8u03UvzRbpk", "1649367553", "v1,R3PTzyfHASBKHH98a7yexTwaJ4yNIcGhFQc1yuN+BPU=", body);
    assert_not_authentic(&p, &bad, now, "rust test_no_verify signature");
    let others = ["v1,tFtCZ5RDCPxzWQRWXWPgrCgE2frDBe9gjpbWQxnVfsQ=", "v1,Mm7xgUVICxZfQ3bgf0h0Dof65L/IFx+PnZvnDWPCX6Q=", "v1,9DfC1c3eeOrXB6w/5dIDydLNQaEyww5KalE5jLBZucE="];
    let multi = format!("{} {} {valid} v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= {}", others[0], others[1], others[2]);
    assert_authentic(&p, &sw_request("msg_27UH4WbU6Z5A5EzD8u03UvzRbpk", "1649367553", &multi, body), now);
    let without = format!("{} {} v2,{} {}", others[0], others[1], &valid[3..], others[2]);
    assert_not_authentic(&p, &sw_request("msg_27UH4WbU6Z5A5EzD8u03UvzRbpk", "1649367553", &without, body), now, "the multi-signature header without the valid v1");
}

#[test]
fn standard_webhooks_refuses_empty_secrets_at_construction() {
    let v = standard_webhooks();
    for secret in [json!("whsec_"), json!(""), json!([]), json!("whsec_not base64!")] {
        assert!(webhook_runtime::core::Processor::new(v, &json!({"secret": secret})).is_err(), "{secret} was accepted");
    }
    assert!(webhook_runtime::core::Processor::new(v, &json!({})).is_err());
}

#[test]
fn standard_webhooks_asymmetric_v1a_ed25519() {
    let v = vendor(json!({
        "config": [secret_field("public_key", true)],
        "authentication": {"type": "ed25519",
            "public_key": {"config_field": "public_key", "encoding": "base64"},
            "signature": {"header": "webhook-signature", "format": {"type": "versioned_list", "separator": " ", "version": "v1a"}, "encoding": "base64"},
            "signed_message": "{header:webhook-id}.{timestamp}.{body}",
            "timestamp": {"source": {"type": "header", "name": "webhook-timestamp"}, "format": "unix_seconds"},
            "tolerance": {"past_seconds": 300, "future_seconds": 300}},
        "events": events(json!({"type": "body_pointer", "pointer": "/type"}), json!({"type": "header", "name": "webhook-id"}))
    }));
    let p = processor(v, json!({"public_key": "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g="}));
    let r = sw_request(
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "1614265330",
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==",
        r#"{"test": 2432232314}"#,
    );
    let now = at(1_614_265_330);
    assert_authentic(&p, &r, now);
    assert_every_body_byte_matters(&p, &r, now);
    assert_every_header_char_matters(&p, &r, now, "webhook-timestamp", None);
    assert_window(&p, &r, 1_614_265_330_000, 300, Some(300));
}

// ---------------------------------------------------------------- Slack (§1.3)

#[test]
fn slack_slash_command_form_vector() {
    let v = vendor(json!({
        "config": [secret_field("secret", true)],
        "request": {"body": {"type": "form"}},
        "authentication": with(
            hmac_auth("sha256", "verbatim", "X-Slack-Signature", json!({"type": "prefixed", "prefix": "v0="}), "hex", "v0:{timestamp}:{body}"),
            json!({"timestamp": {"source": {"type": "header", "name": "X-Slack-Request-Timestamp"}, "format": "unix_seconds"},
                   "tolerance": {"past_seconds": 300, "future_seconds": 300}})
        ),
        "events": {
            "discriminator": {"type": "form_field", "name": "command"},
            "document_key": {"type": "body_pointer", "pointer": "/trigger_id"},
            "types": [{"collection": "webhook_collect", "values": ["/webhook-collect"], "description": "The slash command."}]
        }
    }));
    let p = processor(v, json!({"secret": "8f742231b10e8888abcd99yyyzzz85a5"}));
    let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    let r = request(
        "POST",
        "/",
        &[("X-Slack-Request-Timestamp", "1531420618"), ("X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")],
        body,
    );
    let now = at(1_531_420_618);
    let decision = p.process(&r, now);
    assert_captured(&decision, &[("webhook_collect", "/webhook-collect", "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")]);
    if let webhook_runtime::core::Decision::Capture { events, .. } = &decision {
        let doc: Value = serde_json::from_slice(&events[0].document).unwrap();
        assert_eq!(doc["response_url"], json!("https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN"));
        assert_eq!(doc["_meta"]["headers"]["x-slack-signature"], json!("<redacted>"));
    }
    assert_every_body_byte_matters(&p, &r, now);
    assert_every_header_char_matters(&p, &r, now, "X-Slack-Request-Timestamp", None);
    assert_every_header_char_matters(&p, &r, now, "X-Slack-Signature", Some(3..67));
    assert_window(&p, &r, 1_531_420_618_000, 300, Some(300));
    assert_rotation(v, "8f742231b10e8888abcd99yyyzzz85a5", &r, now);
}

// ---------------------------------------------------------------- Shopify (§1.7)

#[test]
fn shopify_vector() {
    let v = vendor(json!({
        "config": [secret_field("secret", true)],
        "authentication": hmac_auth("sha256", "verbatim", "X-Shopify-Hmac-Sha256", json!({"type": "bare"}), "base64", "{body}"),
        "events": {
            "discriminator": {"type": "header", "name": "X-Shopify-Topic"},
            "document_key": {"type": "header", "name": "X-Shopify-Webhook-Id"},
            "types": [{"collection": "products_create", "values": ["products/create"], "description": "A product was created."}]
        }
    }));
    let p = processor(v, json!({"secret": "test_secret_key"}));
    let r = request(
        "POST",
        "/",
        &[
            ("X-Shopify-Hmac-Sha256", "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g="),
            ("X-Shopify-Topic", "products/create"),
            ("X-Shopify-Shop-Domain", "shop1.myshopify.io"),
            ("X-Shopify-API-Version", "2023-01"),
            ("X-Shopify-Webhook-Id", "123456789"),
        ],
        r#"{"foo": "bar"}"#,
    );
    assert_captured(&p.process(&r, at(0)), &[("products_create", "products/create", "123456789")]);
    assert_every_body_byte_matters(&p, &r, at(0));
    assert_every_header_char_matters(&p, &r, at(0), "X-Shopify-Hmac-Sha256", None);
    assert_rotation(v, "test_secret_key", &r, at(0));
}

// ---------------------------------------------------------------- Square (§1.8)

#[test]
fn square_vectors_sign_the_notification_url() {
    let v = vendor(json!({
        "config": [secret_field("secret", true), plain_field("notification_url")],
        "authentication": hmac_auth("sha256", "verbatim", "x-square-hmacsha256-signature", json!({"type": "bare"}), "base64", "{config:notification_url}{body}"),
        "events": events(json!({"type": "body_pointer", "pointer": "/type"}), json!({"type": "body_pointer", "pointer": "/event_id"}))
    }));
    let body = r#"{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}"#;
    let url = "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9";
    let r = request("POST", "/", &[("x-square-hmacsha256-signature", "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=")], body);
    let p = processor(v, json!({"secret": "Ibxx_5AKakO-3qeNVR61Dw", "notification_url": url}));
    assert_captured(&p.process(&r, at(0)), &[("other_events", "webhooks.test_notification", "ac3ac95b-f97d-458c-a6e6-18981597e05f")]);
    assert_every_body_byte_matters(&p, &r, at(0));
    assert_every_header_char_matters(&p, &r, at(0), "x-square-hmacsha256-signature", None);
    assert_rotation_square(v, url, &r);
    let wrong_url = processor(v, json!({"secret": "Ibxx_5AKakO-3qeNVR61Dw", "notification_url": "https://webhook.site/79a4f3a-dcfa-49ee-bac5-9d0edad886b9"}));
    assert_not_authentic(&wrong_url, &r, at(0), "the vector with one character of the URL removed");

    let p = processor(v, json!({"secret": "signature-key", "notification_url": "https://webhook.site/webhooks"}));
    for (body, sig) in [
        (r#"{"data":{"type":"webhooks","id":"fake_id"}}"#, "W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA="),
        (r#"{"data":{"type":"webhooks","id":">id<"}}"#, "Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U="),
    ] {
        let r = request("POST", "/", &[("x-square-hmacsha256-signature", sig)], body);
        assert_authentic(&p, &r, at(0));
        assert_every_body_byte_matters(&p, &r, at(0));
    }
}

fn assert_rotation_square(v: &'static dyn webhook_runtime::Vendor, url: &str, r: &WebhookRequest) {
    let p = processor(v, json!({"secret": ["old", "Ibxx_5AKakO-3qeNVR61Dw"], "notification_url": url}));
    assert_authentic(&p, r, at(0));
}

// ---------------------------------------------------------------- Paddle (§1.9)

#[test]
fn paddle_vectors_with_a_five_second_tolerance() {
    let v = vendor(json!({
        "config": [secret_field("secret", true)],
        "authentication": with(
            hmac_auth("sha256", "verbatim", "Paddle-Signature", json!({"type": "key_value_list", "separator": ";", "signature_key": "h1", "timestamp_key": "ts"}), "hex", "{timestamp}:{body}"),
            json!({"timestamp": {"source": {"type": "signature_field"}, "format": "unix_seconds"},
                   "tolerance": {"past_seconds": 5, "future_seconds": 5}})
        ),
        "events": events(json!({"type": "body_pointer", "pointer": "/event_type"}), json!({"type": "body_pointer", "pointer": "/event_id"}))
    }));
    let p = processor(v, json!({"secret": "VALID_SECRET"}));
    let header = "ts=1698796800;h1=a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9";
    let r = request("POST", "/", &[("Paddle-Signature", header)], r#"{"data": ["1", "2"]}"#);
    let now = at(1_698_796_800);
    assert_authentic(&p, &r, now);
    assert_authentic(&p, &r, at(1_698_796_805));
    assert_not_authentic(&p, &r, at(1_698_796_806), "the vector 6 s later");
    assert_every_body_byte_matters(&p, &r, now);
    assert_every_header_char_matters(&p, &r, now, "Paddle-Signature", Some(header_span(&r, "Paddle-Signature", "1698796800")));
    assert_every_header_char_matters(&p, &r, now, "Paddle-Signature", Some(header_span(&r, "Paddle-Signature", "a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9")));
    assert_window(&p, &r, 1_698_796_800_000, 5, Some(5));
    assert_rotation(v, "VALID_SECRET", &r, now);
    let spaced = request("POST", "/", &[("Paddle-Signature", header)], r#"{ "data": [ "1", "2" ]}"#);
    assert_not_authentic(&p, &spaced, now, "the body with whitespace added");

    let second = "ts=1698796800;h1=28981e941fae76e53db32f3d2a83cb69db41476595e84e1970a1b5d98f62b261;h1=28981e941fae76e53db32f3d2a83cb69db41476595e84e1970a1b5d98f62b261;h2=RANDOM_HASH";
    assert_authentic(&p, &request("POST", "/", &[("Paddle-Signature", second)], r#"{"data": "value"}"#), now);
}

// ---------------------------------------------------------------- Sanity (§1.10)

#[test]
fn sanity_vector_base64url_and_milliseconds() {
    let v = vendor(json!({
        "config": [secret_field("secret", true)],
        "authentication": with(
            hmac_auth("sha256", "verbatim", "sanity-webhook-signature", json!({"type": "key_value_list", "separator": ",", "signature_key": "v1", "timestamp_key": "t"}), "base64url", "{timestamp}.{body}"),
            json!({"timestamp": {"source": {"type": "signature_field"}, "format": "unix_milliseconds"}})
        ),
        "events": events(json!({"type": "body_pointer", "pointer": "/_type"}), json!({"type": "body_pointer", "pointer": "/_id"}))
    }));
    let p = processor(v, json!({"secret": "test"}));
    let header = "t=1633519811129,v1=tLa470fx7qkLLEcMOcEUFuBbRSkGujyskxrNXcoh0N0";
    let r = request("POST", "/", &[("sanity-webhook-signature", header)], r#"{"_id":"resume"}"#);
    assert_captured(&p.process(&r, at(0)), &[("other_events", "", "resume")]);
    assert_every_body_byte_matters(&p, &r, at(0));
    assert_every_header_char_matters(&p, &r, at(0), "sanity-webhook-signature", Some(2..15));
    assert_every_header_char_matters(&p, &r, at(0), "sanity-webhook-signature", Some(19..62));
    for (bad_header, body) in [
        ("t=1633519811128,v1=tLa470fx7qkLLEcMOcEUFuBbRSkGujyskxrNXcoh0N0", r#"{"_id":"resume"}"#),
        ("t=1633519811129,v5=tLa470fx7qkLLEcMOcEUFuBbRSkGujyskxrNXcoh0N0", r#"{"_id":"resume"}"#),
        (header, r#"{"_id":"structure"}"#),
    ] {
        assert_not_authentic(&p, &request("POST", "/", &[("sanity-webhook-signature", bad_header)], body), at(0), bad_header);
    }
    assert_rotation(v, "test", &r, at(0));
}

// ---------------------------------------------------------------- Zendesk (§1.14)

#[test]
fn zendesk_verbatim_base64_looking_secret_and_rfc3339_timestamp() {
    let v = vendor(json!({
        "config": [secret_field("secret", true)],
        "authentication": with(
            hmac_auth("sha256", "verbatim", "X-Zendesk-Webhook-Signature", json!({"type": "bare"}), "base64", "{timestamp}{body}"),
            json!({"timestamp": {"source": {"type": "header", "name": "X-Zendesk-Webhook-Signature-Timestamp"}, "format": "rfc3339"}})
        ),
        "events": events(json!({"type": "body_pointer", "pointer": "/event"}), json!({"type": "body_pointer", "pointer": "/id"}))
    }));
    let secret = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==";
    let p = processor(v, json!({"secret": secret}));
    let r = request(
        "POST",
        "/",
        &[("X-Zendesk-Webhook-Signature-Timestamp", "2021-03-25T05:09:27Z"), ("X-Zendesk-Webhook-Signature", "S/RDdU2ERmj7LHDDoWJ2onPYH+t7/f2+LTM4dL7UiLM=")],
        r#"{"event":"ticket.updated","id":123}"#,
    );
    assert_captured(&p.process(&r, at(0)), &[("other_events", "ticket.updated", "123")]);
    assert_every_body_byte_matters(&p, &r, at(0));
    assert_every_header_char_matters(&p, &r, at(0), "X-Zendesk-Webhook-Signature-Timestamp", None);
    assert_every_header_char_matters(&p, &r, at(0), "X-Zendesk-Webhook-Signature", None);
    assert_rotation(v, secret, &r, at(0));
    // Decoding the secret as base64 (the trap) does not verify.
    let decoded = vendor(json!({
        "config": [secret_field("secret", true)],
        "authentication": with(
            hmac_auth("sha256", "base64", "X-Zendesk-Webhook-Signature", json!({"type": "bare"}), "base64", "{timestamp}{body}"),
            json!({"timestamp": {"source": {"type": "header", "name": "X-Zendesk-Webhook-Signature-Timestamp"}, "format": "rfc3339"}})
        )
    }));
    assert_not_authentic(&processor(decoded, json!({"secret": secret})), &r, at(0), "the base64-decoded Zendesk secret");
}

// ---------------------------------------------------------------- Constructed (§1.15)

#[test]
fn stripe_constructed_vector_keeps_whsec_in_the_key() {
    let v = vendor(json!({
        "config": [secret_field("secret", true)],
        "authentication": with(
            hmac_auth("sha256", "verbatim", "Stripe-Signature", json!({"type": "key_value_list", "separator": ",", "signature_key": "v1", "timestamp_key": "t"}), "hex", "{timestamp}.{body}"),
            json!({"timestamp": {"source": {"type": "signature_field"}, "format": "unix_seconds"}, "tolerance": {"past_seconds": 300}})
        ),
        "events": {
            "discriminator": {"type": "body_pointer", "pointer": "/type"},
            "document_key": {"type": "body_pointer", "pointer": "/id"},
            "types": [{"collection": "payment_intent_succeeded", "values": ["payment_intent.succeeded"], "description": "Paid."}]
        }
    }));
    let p = processor(v, json!({"secret": "whsec_test_secret"}));
    let header = "t=1700000000,v1=130dc37d5a27b1b232a61e4f2ff00ed245f498112c11e8b747aff3d0fb754056";
    let body = r#"{"id":"evt_test_webhook","object":"event","type":"payment_intent.succeeded"}"#;
    let r = request("POST", "/", &[("Stripe-Signature", header)], body);
    let now = at(1_700_000_000);
    assert_captured(&p.process(&r, now), &[("payment_intent_succeeded", "payment_intent.succeeded", "evt_test_webhook")]);
    assert_every_body_byte_matters(&p, &r, now);
    assert_every_header_char_matters(&p, &r, now, "Stripe-Signature", Some(2..12));
    assert_every_header_char_matters(&p, &r, now, "Stripe-Signature", Some(16..80));
    assert_window(&p, &r, 1_700_000_000_000, 300, None);
    assert_rotation(v, "whsec_test_secret", &r, now);
    // Several v1 (a rolled secret) and unknown schemes, with spaces around pairs.
    let rolled = format!(" t=1700000000 , v1={} , v0=6ffbb59b23 , v1=130dc37d5a27b1b232a61e4f2ff00ed245f498112c11e8b747aff3d0fb754056", "0".repeat(64));
    assert_authentic(&p, &request("POST", "/", &[("Stripe-Signature", &rolled)], body), now);
    // The whsec_-decoded key (Standard Webhooks' handling) does not verify Stripe.
    let decoded = vendor(json!({
        "config": [secret_field("secret", true)],
        "authentication": with(
            hmac_auth("sha256", "whsec_base64", "Stripe-Signature", json!({"type": "key_value_list", "separator": ",", "signature_key": "v1", "timestamp_key": "t"}), "hex", "{timestamp}.{body}"),
            json!({"timestamp": {"source": {"type": "signature_field"}, "format": "unix_seconds"}})
        )
    }));
    let p2 = processor(decoded, json!({"secret": "whsec_dGVzdF9zZWNyZXQ="}));
    assert_not_authentic(&p2, &r, now, "Stripe with a base64-decoded key");
}

#[test]
fn zoom_constructed_vector() {
    let v = vendor(json!({
        "config": [secret_field("secret", true)],
        "authentication": with(
            hmac_auth("sha256", "verbatim", "x-zm-signature", json!({"type": "prefixed", "prefix": "v0="}), "hex", "v0:{timestamp}:{body}"),
            json!({"timestamp": {"source": {"type": "header", "name": "x-zm-request-timestamp"}, "format": "unix_seconds"}, "tolerance": {"past_seconds": 300, "future_seconds": 300}})
        ),
        "events": events(json!({"type": "body_pointer", "pointer": "/event"}), json!({"type": "composite", "separator": ":", "parts": [{"type": "body_pointer", "pointer": "/event"}, {"type": "body_pointer", "pointer": "/event_ts"}, {"type": "body_pointer", "pointer": "/payload/object/id"}]}))
    }));
    let p = processor(v, json!({"secret": "zoom_secret_token"}));
    let body = r#"{"event":"meeting.started","event_ts":1700000000000,"payload":{"account_id":"abc","object":{"id":"123"}}}"#;
    let r = request("POST", "/", &[("x-zm-request-timestamp", "1700000000"), ("x-zm-signature", "v0=2a45ef96eb37d6ad6c4b33fb794fded2510fef9a7074a362ae5e8a6daa94b702")], body);
    let now = at(1_700_000_000);
    assert_captured(&p.process(&r, now), &[("other_events", "meeting.started", "meeting.started:1700000000000:123")]);
    assert_every_body_byte_matters(&p, &r, now);
    assert_every_header_char_matters(&p, &r, now, "x-zm-request-timestamp", None);
    assert_every_header_char_matters(&p, &r, now, "x-zm-signature", Some(3..67));
    assert_window(&p, &r, 1_700_000_000_000, 300, Some(300));
    assert_rotation(v, "zoom_secret_token", &r, now);
}

#[test]
fn twitch_constructed_vector_signs_id_timestamp_and_body() {
    let v = vendor(json!({
        "config": [secret_field("secret", true)],
        "authentication": with(
            hmac_auth("sha256", "verbatim", "Twitch-Eventsub-Message-Signature", json!({"type": "prefixed", "prefix": "sha256="}), "hex", "{header:Twitch-Eventsub-Message-Id}{timestamp}{body}"),
            json!({"timestamp": {"source": {"type": "header", "name": "Twitch-Eventsub-Message-Timestamp"}, "format": "rfc3339"}, "tolerance": {"past_seconds": 600}})
        ),
        "events": {
            "discriminator": {"type": "header", "name": "Twitch-Eventsub-Subscription-Type"},
            "document_key": {"type": "header", "name": "Twitch-Eventsub-Message-Id"},
            "types": [{"collection": "channel_follow", "values": ["channel.follow"], "description": "A follow."}]
        }
    }));
    let p = processor(v, json!({"secret": "s3cre7"}));
    let r = request(
        "POST",
        "/",
        &[
            ("Twitch-Eventsub-Message-Id", "e76c6bd4-55c9-4987-8304-da1588d8988b"),
            ("Twitch-Eventsub-Message-Timestamp", "2023-07-19T15:00:00.000000000Z"),
            ("Twitch-Eventsub-Message-Signature", "sha256=77722e8a9a223a10c53716a8ad8c127295230804f034ff1d4f4a2447f481beb5"),
            ("Twitch-Eventsub-Subscription-Type", "channel.follow"),
        ],
        r#"{"subscription":{"type":"channel.follow"}}"#,
    );
    let now = at(1_689_778_800);
    assert_captured(&p.process(&r, now), &[("channel_follow", "channel.follow", "e76c6bd4-55c9-4987-8304-da1588d8988b")]);
    assert_every_body_byte_matters(&p, &r, now);
    assert_every_header_char_matters(&p, &r, now, "Twitch-Eventsub-Message-Id", None);
    assert_every_header_char_matters(&p, &r, now, "Twitch-Eventsub-Message-Timestamp", None);
    assert_every_header_char_matters(&p, &r, now, "Twitch-Eventsub-Message-Signature", Some(7..71));
    assert_window(&p, &r, 1_689_778_800_000, 600, None);
    assert_rotation(v, "s3cre7", &r, now);
}

#[test]
fn discord_ed25519_constructed_vector() {
    let v = vendor(json!({
        "config": [secret_field("public_key", true)],
        "authentication": {"type": "ed25519",
            "public_key": {"config_field": "public_key", "encoding": "hex"},
            "signature": {"header": "X-Signature-Ed25519", "format": {"type": "bare"}, "encoding": "hex"},
            "signed_message": "{timestamp}{body}",
            "timestamp": {"source": {"type": "header", "name": "X-Signature-Timestamp"}, "format": "unix_seconds"}},
        "events": events(json!({"type": "body_pointer", "pointer": "/type"}), json!({"type": "body_pointer", "pointer": "/id"}))
    }));
    let key = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    let p = processor(v, json!({"public_key": key}));
    let r = request(
        "POST",
        "/",
        &[
            ("X-Signature-Timestamp", "1700000000"),
            ("X-Signature-Ed25519", "f0bd878adcef1f6d475c9644421905bd02b5de38e0d3ecfc6f58a711962c69ccc8dd7c9db312f9bdf08b1e1b8182e27a844da728c5e0dbb5507bf9931c1ed80b"),
        ],
        r#"{"id":"787053080478613555","token":"ThisIsATokenFromDiscordThatIsVeryLong","type":1,"version":1}"#,
    );
    assert_captured(&p.process(&r, at(0)), &[("other_events", "1", "787053080478613555")]);
    assert_every_body_byte_matters(&p, &r, at(0));
    assert_every_header_char_matters(&p, &r, at(0), "X-Signature-Timestamp", None);
    assert_every_header_char_matters(&p, &r, at(0), "X-Signature-Ed25519", None);
    let rotated = processor(v, json!({"public_key": ["3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", key]}));
    assert_authentic(&rotated, &r, at(0));
    assert!(webhook_runtime::core::Processor::new(v, &json!({"public_key": "d75a98"})).is_err(), "a short key must be refused");
}

#[test]
fn sendgrid_ecdsa_vector_over_a_crlf_payload() {
    let v = vendor(json!({
        "config": [secret_field("public_key", true)],
        "authentication": {"type": "ecdsa_p256",
            "public_key": {"config_field": "public_key", "encoding": "spki_der_base64"},
            "signature": {"header": "X-Twilio-Email-Event-Webhook-Signature", "format": {"type": "bare"}, "encoding": "base64"},
            "signed_message": "{timestamp}{body}",
            "timestamp": {"source": {"type": "header", "name": "X-Twilio-Email-Event-Webhook-Timestamp"}, "format": "unix_seconds"}},
        "events": {
            "batch": {"items": ""},
            "discriminator": {"type": "body_pointer", "pointer": "/event"},
            "document_key": {"type": "body_pointer", "pointer": "/sg_event_id"},
            "types": [{"collection": "dropped", "values": ["dropped"], "description": "Dropped."}]
        }
    }));
    let key = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==";
    let p = processor(v, json!({"public_key": key}));
    let body = "[{\"email\":\"hello@world.com\",\"event\":\"dropped\",\"reason\":\"Bounced Address\",\"sg_event_id\":\"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA\",\"sg_message_id\":\"LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0\",\"smtp-id\":\"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>\",\"timestamp\":1600112492}]\r\n";
    let r = request(
        "POST",
        "/",
        &[
            ("X-Twilio-Email-Event-Webhook-Timestamp", "1600112502"),
            ("X-Twilio-Email-Event-Webhook-Signature", "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM="),
        ],
        body,
    );
    assert_captured(&p.process(&r, at(0)), &[("dropped", "dropped", "ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA")]);
    assert_every_body_byte_matters(&p, &r, at(0));
    assert_every_header_char_matters(&p, &r, at(0), "X-Twilio-Email-Event-Webhook-Timestamp", None);
    assert_every_header_char_matters(&p, &r, at(0), "X-Twilio-Email-Event-Webhook-Signature", Some(0..96));
    let without_crlf = request("POST", "/", &[("X-Twilio-Email-Event-Webhook-Timestamp", "1600112502"), ("X-Twilio-Email-Event-Webhook-Signature", "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=")], body.trim_end());
    assert_not_authentic(&p, &without_crlf, at(0), "the payload without its trailing CRLF");
    let pem = format!("-----BEGIN PUBLIC KEY-----\n{}\n{}\n-----END PUBLIC KEY-----\n", &key[..64], &key[64..]);
    let pem_vendor = vendor(json!({
        "config": [secret_field("public_key", true)],
        "authentication": {"type": "ecdsa_p256",
            "public_key": {"config_field": "public_key", "encoding": "pem"},
            "signature": {"header": "X-Twilio-Email-Event-Webhook-Signature", "format": {"type": "bare"}, "encoding": "base64"},
            "signed_message": "{timestamp}{body}",
            "timestamp": {"source": {"type": "header", "name": "X-Twilio-Email-Event-Webhook-Timestamp"}, "format": "unix_seconds"}}
    }));
    assert_authentic(&processor(pem_vendor, json!({"public_key": pem})), &r, at(0));
}

#[test]
fn box_primary_key_signs_body_then_timestamp() {
    let v = vendor(json!({
        "config": [secret_field("secret", true)],
        "authentication": with(
            hmac_auth("sha256", "verbatim", "box-signature-primary", json!({"type": "bare"}), "base64", "{body}{timestamp}"),
            json!({"timestamp": {"source": {"type": "header", "name": "box-delivery-timestamp"}, "format": "rfc3339"}, "tolerance": {"past_seconds": 600}})
        ),
        "events": events(json!({"type": "body_pointer", "pointer": "/trigger"}), json!({"type": "header", "name": "box-delivery-id"}))
    }));
    let p = processor(v, json!({"secret": "SamplePrimaryKey"}));
    let r = request(
        "POST",
        "/",
        &[
            ("box-delivery-id", "f96bb54b-ee16-4fc5-aa65-8c2d9e5b546f"),
            ("box-delivery-timestamp", "2020-01-01T00:00:00-07:00"),
            ("box-signature-algorithm", "HmacSHA256"),
            ("box-signature-version", "1"),
            ("box-signature-primary", "6TfeAW3A1PASkgboxxA5yqHNKOwFyMWuEXny/FPD5hI="),
            ("box-signature-secondary", "v+1CD1Jdo3muIcbpv5lxxgPglOqMfsNHPV899xWYydo="),
        ],
        r#"{"type":"webhook_event","webhook":{"id":"1234567890"},"trigger":"FILE.UPLOADED","source":{"id":"1234567890","type":"file","name":"Test.txt"}}"#,
    );
    let now = at(1_577_862_000);
    assert_captured(&p.process(&r, now), &[("other_events", "FILE.UPLOADED", "f96bb54b-ee16-4fc5-aa65-8c2d9e5b546f")]);
    assert_every_body_byte_matters(&p, &r, now);
    assert_every_header_char_matters(&p, &r, now, "box-delivery-timestamp", None);
    assert_every_header_char_matters(&p, &r, now, "box-signature-primary", None);
    assert_window(&p, &r, 1_577_862_000_000, 600, None);
    assert_rotation(v, "SamplePrimaryKey", &r, now);
}

#[test]
fn hubspot_v3_signs_method_url_body_and_millisecond_timestamp() {
    let v = vendor(json!({
        "config": [secret_field("secret", true), plain_field("webhook_url")],
        "authentication": with(
            hmac_auth("sha256", "verbatim", "X-HubSpot-Signature-v3", json!({"type": "bare"}), "base64", "{method}{config:webhook_url}{body}{timestamp}"),
            json!({"timestamp": {"source": {"type": "header", "name": "X-HubSpot-Request-Timestamp"}, "format": "unix_milliseconds"}, "tolerance": {"past_seconds": 300}})
        ),
        "events": events(json!({"type": "body_pointer", "pointer": "/subscriptionType"}), json!({"type": "body_pointer", "pointer": "/eventId"}))
    }));
    let p = processor(v, json!({"secret": "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy", "webhook_url": "https://www.example.com/webhook_uri"}));
    let r = request(
        "POST",
        "/",
        &[("X-HubSpot-Request-Timestamp", "1700000000000"), ("X-HubSpot-Signature-v3", "rQEKkaNUiu+1qGF//O/pw4BCzstSqO1PyUnGICmf+7o=")],
        r#"{"example_field":"example_value"}"#,
    );
    let now = at(1_700_000_000);
    assert_authentic(&p, &r, now);
    assert_every_body_byte_matters(&p, &r, now);
    assert_every_header_char_matters(&p, &r, now, "X-HubSpot-Request-Timestamp", None);
    assert_every_header_char_matters(&p, &r, now, "X-HubSpot-Signature-v3", None);
    assert_window(&p, &r, 1_700_000_000_000, 300, None);
    let mut put = r.clone();
    put.method = "PUT".into();
    assert_not_authentic(&p, &put, now, "the vector with another method");
}

#[test]
fn adyen_banking_header_hmac_with_a_hex_key() {
    let v = vendor(json!({
        "config": [secret_field("secret", true)],
        "authentication": hmac_auth("sha256", "hex", "HmacSignature", json!({"type": "bare"}), "base64", "{body}"),
        "events": events(json!({"type": "body_pointer", "pointer": "/type"}), json!({"type": "content_hash"}))
    }));
    let key = "11223344D785FBAE710E7F943F307971BB61B21281C98C9129B3D4018A57B2EB";
    let p = processor(v, json!({"secret": key}));
    // Constructed with the SDK's key and the documented algorithm (base64 HMAC-SHA256 of the raw
    // body under the hex-decoded key), over a banking-shaped body.
    let body = r#"{"data":{"balancePlatform":"YOUR_BALANCE_PLATFORM","accountHolder":{"id":"AH00000000000000000000001","status":"active"}},"environment":"test","type":"balancePlatform.accountHolder.created"}"#;
    let r = request("POST", "/", &[("HmacSignature", "a922djxBF4SeAZIvnr12egaBf3GRb1Y801FEz/NMNqs=")], body);
    let expected_key = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(body.as_bytes()))
    };
    assert_captured(&p.process(&r, at(0)), &[("other_events", "balancePlatform.accountHolder.created", &expected_key)]);
    assert_every_body_byte_matters(&p, &r, at(0));
    assert_every_header_char_matters(&p, &r, at(0), "HmacSignature", None);
    assert_rotation_from(v, "00112233", key, &r, at(0));
    let verbatim = vendor(json!({
        "config": [secret_field("secret", true)],
        "authentication": hmac_auth("sha256", "verbatim", "HmacSignature", json!({"type": "bare"}), "base64", "{body}")
    }));
    assert_not_authentic(&processor(verbatim, json!({"secret": key})), &r, at(0), "the hex key used as text");
}

// ---------------------------------------------------------------- Tokens, basic, all_of

#[test]
fn static_token_basic_and_all_of() {
    let token = vendor(json!({
        "config": [secret_field("token", true)],
        "authentication": {"type": "static_token", "location": {"type": "header", "name": "Authorization", "prefix": "Bearer "}, "token": {"config_field": "token"}}
    }));
    let p = processor(token, json!({"token": ["old-token", "s3cr3t-t0ken"]}));
    let body = r#"{"type":"thing.happened","id":"1"}"#;
    let r = request("POST", "/", &[("Authorization", "Bearer s3cr3t-t0ken")], body);
    assert_captured(&p.process(&r, at(0)), &[("thing_happened", "thing.happened", "1")]);
    assert_every_header_char_matters(&p, &r, at(0), "Authorization", Some(7..19));
    assert_reply(&p.process(&request("POST", "/", &[], body), at(0)), 401, "unauthorized");
    assert_reply(&p.process(&request("POST", "/", &[("Authorization", "s3cr3t-t0ken")], body), at(0)), 401, "unauthorized");

    let query = vendor(json!({
        "config": [secret_field("token", false)],
        "authentication": {"type": "static_token", "location": {"type": "query_parameter", "name": "token"}, "token": {"config_field": "token"}}
    }));
    let p = processor(query, json!({"token": "a b&c"}));
    assert_authentic(&p, &request("POST", "/hook?token=a+b%26c", &[], body), at(0));
    assert_not_authentic(&p, &request("POST", "/hook?token=a+b", &[], body), at(0), "a wrong query token");

    let mut auth = hmac_auth("sha256", "hex", "HmacSignature", json!({"type": "bare"}), "base64", "{body}");
    auth["secret"]["config_field"] = json!("hmac_key");
    let adyen_def = core_support::definition(json!({
        "config": [secret_field("hmac_key", true), plain_field("user"), secret_field("password", true)],
        "authentication": {"type": "all_of", "checks": [{"type": "basic", "username_field": "user", "password_field": "password"}, auth]}
    }));
    let adyen = webhook_runtime::testing::leak_vendor(adyen_def);
    let config = json!({"hmac_key": "11223344D785FBAE710E7F943F307971BB61B21281C98C9129B3D4018A57B2EB", "user": "adyen", "password": "pa:ss"});
    let p = processor(adyen, config.clone());
    let body = r#"{"data":{"balancePlatform":"YOUR_BALANCE_PLATFORM","accountHolder":{"id":"AH00000000000000000000001","status":"active"}},"environment":"test","type":"balancePlatform.accountHolder.created"}"#;
    // "adyen:pa:ss" in base64: the password may contain a colon.
    let basic = "Basic YWR5ZW46cGE6c3M=";
    let r = request("POST", "/", &[("Authorization", basic), ("HmacSignature", "a922djxBF4SeAZIvnr12egaBf3GRb1Y801FEz/NMNqs=")], body);
    assert_authentic(&p, &r, at(0));
    assert_every_header_char_matters(&p, &r, at(0), "Authorization", Some(6..basic.len()));
    assert_every_body_byte_matters(&p, &r, at(0));
    assert_not_authentic(&p, &request("POST", "/", &[("HmacSignature", "a922djxBF4SeAZIvnr12egaBf3GRb1Y801FEz/NMNqs=")], body), at(0), "HMAC without basic");
    assert_not_authentic(&p, &request("POST", "/", &[("Authorization", basic)], body), at(0), "basic without HMAC");
    // The sign helper produces credentials the verifier accepts.
    let mut unsigned = request("POST", "/", &[], body);
    webhook_runtime::core::sign::sign(adyen.definition(), &config, &mut unsigned, at(0)).unwrap();
    assert_authentic(&p, &unsigned, at(0));
}

#[test]
fn linear_style_timestamp_from_a_body_pointer_in_milliseconds() {
    // Constructed: hex HMAC-SHA256 of the raw body; the signed timestamp is the body's
    // `/webhookTimestamp` (ms), checked within 60 s.
    let v = vendor(json!({
        "config": [secret_field("secret", true)],
        "authentication": with(
            hmac_auth("sha256", "verbatim", "Linear-Signature", json!({"type": "bare"}), "hex", "{body}"),
            json!({"timestamp": {"source": {"type": "body_pointer", "pointer": "/webhookTimestamp"}, "format": "unix_milliseconds"},
                   "tolerance": {"past_seconds": 60, "future_seconds": 60}})
        ),
        "events": events(
            json!({"type": "composite", "separator": ".", "parts": [{"type": "body_pointer", "pointer": "/type"}, {"type": "body_pointer", "pointer": "/action"}]}),
            json!({"type": "header", "name": "Linear-Delivery"})
        )
    }));
    let p = processor(v, json!({"secret": "lin_wh_secret"}));
    let body = r#"{"action":"create","type":"Issue","data":{"id":"i1"},"webhookTimestamp":1700000000000}"#;
    let r = request(
        "POST",
        "/",
        &[("Linear-Signature", "b3d83c93969148cd6f7c60ef332785e677eceec9676f152ff0a9c565a3ed3644"), ("Linear-Delivery", "d-1")],
        body,
    );
    let now = at(1_700_000_000);
    assert_captured(&p.process(&r, now), &[("other_events", "Issue.create", "d-1")]);
    assert_every_body_byte_matters(&p, &r, now);
    assert_every_header_char_matters(&p, &r, now, "Linear-Signature", None);
    assert_window(&p, &r, 1_700_000_000_000, 60, Some(60));
    assert_rotation(v, "lin_wh_secret", &r, now);
    let no_timestamp = request("POST", "/", &[("Linear-Signature", "b3d83c93969148cd6f7c60ef332785e677eceec9676f152ff0a9c565a3ed3644")], r#"{"action":"create"}"#);
    assert_not_authentic(&p, &no_timestamp, now, "a body without its timestamp");
}
