//! Handshakes answered by the core without capturing anything: echoes from body, query and
//! header, computed answers (Zoom), probes (GitHub `ping`, PagerDuty `pagey.ping`); signed
//! ones only after verification, unsigned ones (Meta's GET) before it.

mod core_support;

use core_support::*;
use serde_json::{Value, json};
use webhook_runtime::core::Decision;

fn echo_body(pointer: &str) -> Value {
    json!({"type": "echo", "source": {"type": "body_pointer", "pointer": pointer}})
}

fn reply(decision: &Decision) -> &webhook_runtime::core::Reply {
    match decision {
        Decision::Reply(r) => r,
        other => panic!("expected a reply, got {}", webhook_runtime::testing::describe(other)),
    }
}

fn content_type(r: &webhook_runtime::core::Reply) -> Option<&str> {
    r.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-type")).map(|(_, v)| v.as_str())
}

#[test]
fn slack_url_verification_is_signed_and_echoes_the_challenge() {
    let v = vendor(json!({
        "config": [secret_field("secret", false)],
        "authentication": {"type": "hmac", "algorithm": "sha256", "secret": {"config_field": "secret"},
            "signature": {"header": "X-Slack-Signature", "format": {"type": "prefixed", "prefix": "v0="}, "encoding": "hex"},
            "signed_message": "v0:{timestamp}:{body}",
            "timestamp": {"source": {"type": "header", "name": "X-Slack-Request-Timestamp"}, "format": "unix_seconds"},
            "tolerance": {"past_seconds": 300, "future_seconds": 300}},
        "handshakes": [{"name": "url_verification", "description": "Request URL check.",
            "when": [{"type": "equals", "value": {"type": "body_pointer", "pointer": "/type"}, "to": "url_verification"}],
            "verify_signature": true,
            "response": {"body": {"type": "text", "value": echo_body("/challenge")}}}],
        "events": {"discriminator": {"type": "body_pointer", "pointer": "/event/type"}, "document_key": {"type": "body_pointer", "pointer": "/event_id"},
            "types": [{"collection": "app_mention", "values": ["app_mention"], "description": "Mentioned."}]}
    }));
    let p = processor(v, json!({"secret": "8f742231b10e8888abcd99yyyzzz85a5"}));
    let body = r#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    let signed = request(
        "POST",
        "/",
        &[("X-Slack-Request-Timestamp", "1531420618"), ("X-Slack-Signature", "v0=f9bd80929259f3f6d5fe3a3186c453c89cd1ad4862815a15837584f31c993652")],
        body,
    );
    let now = at(1_531_420_618);
    let d = p.process(&signed, now);
    let r = reply(&d);
    assert_eq!((r.status, r.outcome.as_str(), r.body.as_ref()), (200, "handshake:url_verification", &b"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"[..]));
    assert_eq!(content_type(r), Some("text/plain; charset=utf-8"));
    let unsigned = request("POST", "/", &[("X-Slack-Request-Timestamp", "1531420618")], body);
    assert_reply(&p.process(&unsigned, now), 401, "unauthorized");
    assert_reply(&p.process(&signed, at(1_531_420_618 + 302)), 401, "unauthorized");
}

#[test]
fn zoom_url_validation_answers_the_encrypted_token() {
    let v = vendor(json!({
        "config": [secret_field("secret", false)],
        "authentication": {"type": "hmac", "algorithm": "sha256", "secret": {"config_field": "secret"},
            "signature": {"header": "x-zm-signature", "format": {"type": "prefixed", "prefix": "v0="}, "encoding": "hex"},
            "signed_message": "v0:{timestamp}:{body}",
            "timestamp": {"source": {"type": "header", "name": "x-zm-request-timestamp"}, "format": "unix_seconds"}},
        "handshakes": [{"name": "endpoint_url_validation", "description": "CRC.",
            "when": [{"type": "equals", "value": {"type": "body_pointer", "pointer": "/event"}, "to": "endpoint.url_validation"}],
            "verify_signature": true,
            "response": {"body": {"type": "json_object", "fields": [
                {"name": "plainToken", "value": echo_body("/payload/plainToken")},
                {"name": "encryptedToken", "value": {"type": "hmac", "algorithm": "sha256", "secret": {"config_field": "secret"},
                    "message": {"type": "body_pointer", "pointer": "/payload/plainToken"}, "encoding": "hex"}}
            ]}}}],
        "events": {"discriminator": {"type": "body_pointer", "pointer": "/event"}, "document_key": {"type": "content_hash"},
            "types": [{"collection": "meeting_started", "values": ["meeting.started"], "description": "Started."}]}
    }));
    let p = processor(v, json!({"secret": "zoom_secret_token"}));
    let body = r#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
    let r = request("POST", "/", &[("x-zm-request-timestamp", "1700000000"), ("x-zm-signature", "v0=c914ce806ecfc847caee06fd9e019d6b15d662c44be7ba1cd7544227b79ae829")], body);
    let d = p.process(&r, at(1_700_000_000));
    let answer = reply(&d);
    assert_eq!(answer.outcome, "handshake:endpoint_url_validation");
    assert_eq!(content_type(answer), Some("application/json"));
    assert_eq!(
        std::str::from_utf8(&answer.body).unwrap(),
        r#"{"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":"bd48235863f4a6323ccc4963c594908b7c97f88b4a6a95278f4f093690b12726"}"#
    );
    let tampered = request("POST", "/", &[("x-zm-request-timestamp", "1700000001"), ("x-zm-signature", "v0=c914ce806ecfc847caee06fd9e019d6b15d662c44be7ba1cd7544227b79ae829")], body);
    assert_reply(&p.process(&tampered, at(1_700_000_000)), 401, "unauthorized");
}

fn meta() -> &'static dyn webhook_runtime::Vendor {
    vendor(json!({
        "config": [secret_field("app_secret", false), secret_field("verify_token", false)],
        "authentication": {"type": "hmac", "algorithm": "sha256", "secret": {"config_field": "app_secret"},
            "signature": {"header": "X-Hub-Signature-256", "format": {"type": "prefixed", "prefix": "sha256="}, "encoding": "hex"},
            "signed_message": "{body}"},
        "handshakes": [{"name": "verification", "description": "hub.challenge.", "methods": ["GET"],
            "when": [{"type": "equals", "value": {"type": "query_parameter", "name": "hub.mode"}, "to": "subscribe"}],
            "verify_signature": false,
            "require": [{"type": "equals_config", "value": {"type": "query_parameter", "name": "hub.verify_token"}, "config_field": "verify_token"}],
            "response": {"body": {"type": "text", "value": {"type": "echo", "source": {"type": "query_parameter", "name": "hub.challenge"}}}}}],
        "events": {"batch": {"items": "/entry/*/changes"},
            "discriminator": {"type": "body_pointer", "pointer": "/field"}, "document_key": {"type": "content_hash"},
            "types": [{"collection": "messages", "values": ["messages"], "description": "Messages."}]}
    }))
}

#[test]
fn meta_hub_challenge_get_checks_the_verify_token_before_any_signature() {
    let p = processor(meta(), json!({"app_secret": "app-secret", "verify_token": "my-verify-token"}));
    let ok = request("GET", "/?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=my-verify-token", &[], "");
    let d = p.process(&ok, at(0));
    let r = reply(&d);
    assert_eq!((r.status, r.outcome.as_str(), r.body.as_ref()), (200, "handshake:verification", &b"1158201444"[..]));
    for bad in [
        "/?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=wrong",
        "/?hub.mode=subscribe&hub.challenge=1158201444",
    ] {
        assert_reply(&p.process(&request("GET", bad, &[], ""), at(0)), 403, "forbidden:handshake:verification");
    }
    // A GET that is no handshake: events come by POST only.
    let d = p.process(&request("GET", "/", &[], ""), at(0));
    assert_eq!(reply(&d).status, 405);
    assert!(reply(&d).headers.contains(&("Allow".to_string(), "GET, POST".to_string())));
}

#[test]
fn okta_get_challenge_answers_a_json_verification() {
    let v = vendor(json!({
        "config": [secret_field("auth_header", false)],
        "authentication": {"type": "static_token", "location": {"type": "header", "name": "Authorization"}, "token": {"config_field": "auth_header"}},
        "handshakes": [{"name": "verification", "description": "One-time.", "methods": ["GET"],
            "when": [{"type": "present", "value": {"type": "header", "name": "X-Okta-Verification-Challenge"}}],
            "verify_signature": false,
            "response": {"body": {"type": "json_object", "fields": [{"name": "verification", "value": {"type": "echo", "source": {"type": "header", "name": "X-Okta-Verification-Challenge"}}}]}}}],
        "events": {"batch": {"items": "/data/events"}, "discriminator": {"type": "body_pointer", "pointer": "/eventType"},
            "document_key": {"type": "body_pointer", "pointer": "/uuid"},
            "types": [{"collection": "user_session_start", "values": ["user.session.start"], "description": "Login."}]}
    }));
    let p = processor(v, json!({"auth_header": "okta-shared-secret"}));
    let d = p.process(&request("GET", "/", &[("X-Okta-Verification-Challenge", "a\"b")], ""), at(0));
    let r = reply(&d);
    assert_eq!((r.status, r.body.as_ref()), (200, &br#"{"verification":"a\"b"}"#[..]));
    // And the events themselves need the token.
    let body = r#"{"eventType":"com.okta.event_hook","data":{"events":[{"uuid":"u1","eventType":"user.session.start"},{"uuid":"u2","eventType":"user.lifecycle.create"}]}}"#;
    assert_reply(&p.process(&request("POST", "/", &[], body), at(0)), 401, "unauthorized");
    let d = p.process(&request("POST", "/", &[("Authorization", "okta-shared-secret")], body), at(0));
    assert_captured(&d, &[("user_session_start", "user.session.start", "u1"), ("other_events", "user.lifecycle.create", "u2")]);
    if let Decision::Capture { events, .. } = &d {
        let doc: Value = serde_json::from_slice(&events[0].document).unwrap();
        assert_eq!(doc["_meta"]["headers"]["authorization"], json!("<redacted>"));
    }
}

#[test]
fn microsoft_graph_validation_token_post_answers_text() {
    let v = vendor(json!({
        "authentication": {"type": "none", "reason": "clientState is compared downstream."},
        "handshakes": [{"name": "validation", "description": "Subscription validation.",
            "when": [{"type": "present", "value": {"type": "query_parameter", "name": "validationToken"}}],
            "verify_signature": false,
            "response": {"body": {"type": "text", "value": {"type": "echo", "source": {"type": "query_parameter", "name": "validationToken"}}}}}],
        "events": {"batch": {"items": "/value"}, "discriminator": {"type": "body_pointer", "pointer": "/changeType"}, "document_key": {"type": "content_hash"},
            "types": [{"collection": "created", "values": ["created"], "description": "Created."}]}
    }));
    let p = processor(v, json!({}));
    let d = p.process(&request("POST", "/?validationToken=Validation%3A+Testing%20client%20application%20reachability", &[("Content-Type", "text/plain")], ""), at(0));
    let r = reply(&d);
    assert_eq!((r.status, r.body.as_ref()), (200, &b"Validation: Testing client application reachability"[..]));
    assert_eq!(content_type(r), Some("text/plain; charset=utf-8"));
}

#[test]
fn dropbox_challenge_with_nosniff() {
    let v = vendor(json!({
        "config": [secret_field("app_secret", false)],
        "authentication": {"type": "hmac", "algorithm": "sha256", "secret": {"config_field": "app_secret"},
            "signature": {"header": "X-Dropbox-Signature", "format": {"type": "bare"}, "encoding": "hex"}, "signed_message": "{body}"},
        "handshakes": [{"name": "challenge", "description": "Endpoint check.", "methods": ["GET"],
            "when": [{"type": "present", "value": {"type": "query_parameter", "name": "challenge"}}],
            "verify_signature": false,
            "response": {"body": {"type": "text", "value": {"type": "echo", "source": {"type": "query_parameter", "name": "challenge"}}},
                "headers": [{"name": "X-Content-Type-Options", "value": {"type": "literal", "value": "nosniff"}}]}}],
        "events": {"discriminator": {"type": "constant", "value": "list_folder"}, "document_key": {"type": "content_hash"},
            "types": [{"collection": "list_folder", "values": ["list_folder"], "description": "Changes."}]}
    }));
    let p = processor(v, json!({"app_secret": "s"}));
    let d = p.process(&request("GET", "/?challenge=abc123", &[], ""), at(0));
    let r = reply(&d);
    assert_eq!((r.status, r.body.as_ref()), (200, &b"abc123"[..]));
    assert!(r.headers.contains(&("X-Content-Type-Options".to_string(), "nosniff".to_string())), "{:?}", r.headers);
}

#[test]
fn twitch_callback_verification_is_signed_and_answers_the_raw_challenge() {
    let v = vendor(json!({
        "config": [secret_field("secret", false)],
        "authentication": {"type": "hmac", "algorithm": "sha256", "secret": {"config_field": "secret"},
            "signature": {"header": "Twitch-Eventsub-Message-Signature", "format": {"type": "prefixed", "prefix": "sha256="}, "encoding": "hex"},
            "signed_message": "{header:Twitch-Eventsub-Message-Id}{timestamp}{body}",
            "timestamp": {"source": {"type": "header", "name": "Twitch-Eventsub-Message-Timestamp"}, "format": "rfc3339"},
            "tolerance": {"past_seconds": 600}},
        "handshakes": [{"name": "webhook_callback_verification", "description": "Subscription check.",
            "when": [{"type": "equals", "value": {"type": "header", "name": "Twitch-Eventsub-Message-Type"}, "to": "webhook_callback_verification"}],
            "verify_signature": true,
            "response": {"body": {"type": "text", "value": echo_body("/challenge")}}}],
        "events": {"discriminator": {"type": "header", "name": "Twitch-Eventsub-Subscription-Type"}, "document_key": {"type": "header", "name": "Twitch-Eventsub-Message-Id"},
            "types": [{"collection": "channel_follow", "values": ["channel.follow"], "description": "Follow."}]}
    }));
    let p = processor(v, json!({"secret": "s3cre7"}));
    let body = r#"{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","status":"webhook_callback_verification_pending","type":"channel.follow","version":"2"}}"#;
    let headers = [
        ("Twitch-Eventsub-Message-Id", "e76c6bd4-55c9-4987-8304-da1588d8988b"),
        ("Twitch-Eventsub-Message-Timestamp", "2023-07-19T15:00:00.000000000Z"),
        ("Twitch-Eventsub-Message-Type", "webhook_callback_verification"),
        ("Twitch-Eventsub-Message-Signature", "sha256=3f62e90db02fb8ab0ade52a7f7f09b0803c33aa0b434bbe6ae7930b4f7fd8f85"),
    ];
    let now = at(1_689_778_800);
    let d = p.process(&request("POST", "/", &headers, body), now);
    let r = reply(&d);
    assert_eq!((r.status, r.outcome.as_str(), r.body.as_ref()), (200, "handshake:webhook_callback_verification", &b"pogchamp-kappa-360noscope-vohiyo"[..]));
    assert_eq!(content_type(r), Some("text/plain; charset=utf-8"));
    let mut forged = headers;
    forged[3].1 = "sha256=0f62e90db02fb8ab0ade52a7f7f09b0803c33aa0b434bbe6ae7930b4f7fd8f85";
    assert_reply(&p.process(&request("POST", "/", &forged, body), now), 401, "unauthorized");
}

#[test]
fn github_ping_and_pagerduty_ping_are_answered_without_capture() {
    let gh = vendor(json!({
        "config": [secret_field("secret", false)],
        "authentication": {"type": "hmac", "algorithm": "sha256", "secret": {"config_field": "secret"},
            "signature": {"header": "X-Hub-Signature-256", "format": {"type": "prefixed", "prefix": "sha256="}, "encoding": "hex"}, "signed_message": "{body}"},
        "handshakes": [{"name": "ping", "description": "Sent when the hook is created.",
            "when": [{"type": "equals", "value": {"type": "header", "name": "X-GitHub-Event"}, "to": "ping"}],
            "verify_signature": true, "response": {"status": 200}}],
        "events": {"discriminator": {"type": "header", "name": "X-GitHub-Event"}, "document_key": {"type": "header", "name": "X-GitHub-Delivery"},
            "types": [{"collection": "push", "values": ["push"], "description": "Push."}]}
    }));
    let p = processor(gh, json!({"secret": "mysecret"}));
    let body = r#"{"zen":"Keep it logically awesome.","hook_id":12345678}"#;
    let sig = "sha256=917179b374172fe565278b85307040b9c125d12bde80f69ea40fa547970d5fc9";
    let d = p.process(&request("POST", "/", &[("X-GitHub-Event", "ping"), ("X-Hub-Signature-256", sig)], body), at(0));
    assert_eq!((reply(&d).status, reply(&d).outcome.as_str(), reply(&d).body.len()), (200, "handshake:ping", 0));
    assert_reply(&p.process(&request("POST", "/", &[("X-GitHub-Event", "ping")], body), at(0)), 401, "unauthorized");

    let pd = vendor(json!({
        "config": [secret_field("secret", true)],
        "authentication": {"type": "hmac", "algorithm": "sha256", "secret": {"config_field": "secret"},
            "signature": {"header": "X-PagerDuty-Signature", "format": {"type": "key_value_list", "separator": ",", "signature_key": "v1"}, "encoding": "hex"}, "signed_message": "{body}"},
        "handshakes": [{"name": "pagey_ping", "description": "Test ping.",
            "when": [{"type": "equals", "value": {"type": "body_pointer", "pointer": "/event/event_type"}, "to": "pagey.ping"}],
            "verify_signature": true, "response": {"status": 202}}],
        "events": {"discriminator": {"type": "body_pointer", "pointer": "/event/event_type"}, "document_key": {"type": "body_pointer", "pointer": "/event/id"},
            "types": [{"collection": "incident_triggered", "values": ["incident.triggered"], "description": "Triggered."}]}
    }));
    let p = processor(pd, json!({"secret": ["rotated-out", "pd_secret"]}));
    let body = r#"{"event":{"id":"01ABC","event_type":"pagey.ping","resource_type":"pagey","occurred_at":"2023-01-01T00:00:00Z","data":{"message":"Hello from your friend Pagey!","type":"ping"}}}"#;
    let header = "v1=0000000000000000000000000000000000000000000000000000000000000000,v1=c45ac81f796773968255c10b6739f408b60394234aeaa343481f51037c9f3627";
    let d = p.process(&request("POST", "/", &[("X-PagerDuty-Signature", header)], body), at(0));
    assert_eq!((reply(&d).status, reply(&d).outcome.as_str()), (202, "handshake:pagey_ping"));
}

#[test]
fn a_head_probe_without_conditions_answers_every_head_but_may_not_shadow_events() {
    let handshake = |methods: Value| {
        json!([{"name": "head_probe", "description": "Trello checks the URL with HEAD.", "methods": methods, "when": [],
            "verify_signature": false, "response": {"status": 200}}])
    };
    let v = vendor(json!({"handshakes": handshake(json!(["HEAD"]))}));
    let p = processor(v, json!({}));
    assert_reply(&p.process(&request("HEAD", "/", &[], ""), at(0)), 200, "handshake:head_probe");
    assert_captured(&p.process(&request("POST", "/", &[], r#"{"type":"thing.happened","id":"1"}"#), at(0)), &[("thing_happened", "thing.happened", "1")]);
    let shadowing = vendor(json!({"handshakes": handshake(json!(["POST"]))}));
    assert!(webhook_runtime::core::Processor::new(shadowing, &json!({})).is_err());
}
