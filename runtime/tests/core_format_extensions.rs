//! The format's extensions for the gaps vendor authors found: header aliases (Svix-branded
//! Standard Webhooks, Shopify's `shopify-*` headers), `first_of` value sources (Slack's inner or
//! envelope type), `any_of` authentication (Standard Webhooks `v1` or `v1a`), JSON-or-form bodies
//! chosen by `Content-Type` (GitHub) and token header names chosen in the configuration
//! (AppsFlyer). Vendor facts are the vectors.

mod core_support;

use core_support::*;
use serde_json::{Value, json};
use webhook_runtime::core::{Decision, Processor};

const SW_BODY: &str = r#"{"test": 2432232314}"#;
const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SW_V1: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
/// The Go library's TestAsymmetricWebhookSign signature of vector A, and its public key.
const SW_V1A: &str = "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==";
const SW_PUBLIC_KEY: &str = "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=";
const SW_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SW_NOW: u64 = 1_614_265_330;

fn sw_hmac(version: &str) -> Value {
    json!({"type": "hmac", "algorithm": "sha256",
        "secret": {"config_field": "secret", "decoding": "whsec_base64"},
        "signature": {"header": "webhook-signature", "format": {"type": "versioned_list", "separator": " ", "version": version}, "encoding": "base64"},
        "signed_message": "{header:webhook-id}.{timestamp}.{body}",
        "timestamp": {"source": {"type": "header", "name": "webhook-timestamp"}, "format": "unix_seconds"},
        "tolerance": {"past_seconds": 300, "future_seconds": 300}})
}

fn sw_ed25519() -> Value {
    json!({"type": "ed25519",
        "public_key": {"config_field": "public_key", "encoding": "base64"},
        "signature": {"header": "webhook-signature", "format": {"type": "versioned_list", "separator": " ", "version": "v1a"}, "encoding": "base64"},
        "signed_message": "{header:webhook-id}.{timestamp}.{body}",
        "timestamp": {"source": {"type": "header", "name": "webhook-timestamp"}, "format": "unix_seconds"},
        "tolerance": {"past_seconds": 300, "future_seconds": 300}})
}

fn sw_events() -> Value {
    json!({"discriminator": {"type": "body_pointer", "pointer": "/type"},
        "document_key": {"type": "header", "name": "webhook-id"},
        "types": [], "unknown_types": {"action": "capture", "collection": "events"}})
}

fn svix_aliases() -> Value {
    json!({"header_aliases": [
        {"name": "webhook-id", "aliases": ["svix-id"]},
        {"name": "webhook-timestamp", "aliases": ["svix-timestamp"]},
        {"name": "webhook-signature", "aliases": ["svix-signature"]}]})
}

fn document(decision: &Decision) -> Value {
    match decision {
        Decision::Capture { events, .. } => serde_json::from_slice(&events[0].document).expect("documents are JSON"),
        other => panic!("expected a capture, got {}", webhook_runtime::testing::describe(other)),
    }
}

// ------------------------------------------------------------------ header aliases

fn svix_processor() -> Processor {
    let v = vendor(json!({
        "request": svix_aliases(),
        "config": [secret_field("secret", true)],
        "authentication": sw_hmac("v1"),
        "events": sw_events()
    }));
    processor(v, json!({"secret": SW_SECRET}))
}

fn svix_request(signature: &str) -> webhook_runtime::core::WebhookRequest {
    request(
        "POST",
        "/",
        &[("svix-id", SW_ID), ("svix-timestamp", "1614265330"), ("svix-signature", signature)],
        SW_BODY,
    )
}

#[test]
fn svix_branded_headers_verify_key_and_are_redacted() {
    let p = svix_processor();
    let now = at(SW_NOW);
    let r = svix_request(SW_V1);
    assert_authentic(&p, &r, now);
    let d = p.process(&r, now);
    assert_captured(&d, &[("events", "", SW_ID)]);
    let headers = &document(&d)["_meta"]["headers"];
    for name in ["svix-signature", "svix-timestamp", "svix-id"] {
        assert_eq!(headers[name], json!("<redacted>"), "{name} is read by authentication under its alias: {headers}");
    }
    assert_every_body_byte_matters(&p, &r, now);
    assert_every_header_char_matters(&p, &r, now, "svix-signature", Some(3..SW_V1.len()));
    assert_every_header_char_matters(&p, &r, now, "svix-id", None);
    assert_every_header_char_matters(&p, &r, now, "svix-timestamp", None);
    // The tolerance applies to the aliased timestamp too.
    assert_reply(&p.process(&r, at(SW_NOW + 302)), 401, "unauthorized");
    assert_reply(&p.process(&r, at(SW_NOW - 302)), 401, "unauthorized");
}

#[test]
fn the_spec_name_wins_over_its_alias() {
    let p = svix_processor();
    let now = at(SW_NOW);
    // A request with both names reads webhook-signature: its wrong value is not rescued by
    // the right one under the alias (aliases are read only when the header is absent).
    let mut r = svix_request(SW_V1);
    r.headers.push(("webhook-signature".into(), "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=".into()));
    assert_not_authentic(&p, &r, now, "a wrong webhook-signature beside a right svix-signature");
    let mut r = svix_request("v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=");
    r.headers.push(("webhook-signature".into(), SW_V1.into()));
    assert_authentic(&p, &r, now);
    // Without the alias declared, the svix-* request is not authentic.
    let plain = vendor(json!({"config": [secret_field("secret", true)], "authentication": sw_hmac("v1"), "events": sw_events()}));
    let plain = processor(plain, json!({"secret": SW_SECRET}));
    assert_not_authentic(&plain, &svix_request(SW_V1), now, "svix-* headers without aliases");
}

#[test]
fn shopify_events_headers_route_through_aliases() {
    // Shopify's Events deliveries name the HMAC and topic shopify-hmac-sha256 / shopify-topic
    // (shopify-app-js lib/webhooks/header-names.ts); the signature is the same base64
    // HMAC-SHA256 of the raw body.
    let v = vendor(json!({
        "request": {"header_aliases": [
            {"name": "X-Shopify-Hmac-Sha256", "aliases": ["shopify-hmac-sha256"]},
            {"name": "X-Shopify-Topic", "aliases": ["shopify-topic"]}]},
        "config": [secret_field("secret", true)],
        "authentication": {"type": "hmac", "algorithm": "sha256", "secret": {"config_field": "secret"},
            "signature": {"header": "X-Shopify-Hmac-Sha256", "format": {"type": "bare"}, "encoding": "base64"},
            "signed_message": "{body}"},
        "events": {"discriminator": {"type": "header", "name": "X-Shopify-Topic"},
            "document_key": {"type": "body_pointer", "pointer": "/id"},
            "types": [{"collection": "orders_create", "values": ["orders/create"], "description": "An order."}]}
    }));
    let p = processor(v, json!({"secret": "hush"}));
    let body = r#"{"id":820982911946154508,"email":"jon@example.com"}"#;
    // base64(HMAC-SHA256("hush", body)), computed with Python's hmac.
    let mac = "D0UMXmhjwBRi4y66TmhJrDlhQABD7zI2fm3p6/QLMo8=";
    let r = request("POST", "/", &[("shopify-hmac-sha256", mac), ("shopify-topic", "orders/create")], body);
    assert_captured(&p.process(&r, at(0)), &[("orders_create", "orders/create", "820982911946154508")]);
    assert_every_body_byte_matters(&p, &r, at(0));
}

// ------------------------------------------------------------------ first_of

fn slack_like() -> &'static dyn webhook_runtime::Vendor {
    vendor(json!({
        "events": {
            "discriminator": {"type": "first_of", "sources": [
                {"type": "body_pointer", "pointer": "/event/type"},
                {"type": "body_pointer", "pointer": "/type"}]},
            "document_key": {"type": "first_of", "sources": [
                {"type": "body_pointer", "pointer": "/event_id"},
                {"type": "content_hash"}]},
            "types": [
                {"collection": "app_mention", "values": ["app_mention"], "description": "Mentioned."},
                {"collection": "app_rate_limited", "values": ["app_rate_limited"], "description": "Rate limited."}]
        }
    }))
}

#[test]
fn first_of_takes_the_inner_type_else_the_envelope_type() {
    let p = processor(slack_like(), json!({}));
    let mention = r#"{"type":"event_callback","event":{"type":"app_mention","text":"hi"},"event_id":"Ev9QNNUSP5Q"}"#;
    assert_captured(&p.process(&request("POST", "/", &[], mention), at(0)), &[("app_mention", "app_mention", "Ev9QNNUSP5Q")]);
    // Slack's app_rate_limited notice has no inner event and no event_id.
    let limited = r#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","type":"app_rate_limited","team_id":"T123ABC456","minute_rate_limited":1518467820,"api_app_id":"A123ABC456"}"#;
    let d = p.process(&request("POST", "/", &[], limited), at(0));
    let key = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(limited.as_bytes()))
    };
    assert_captured(&d, &[("app_rate_limited", "app_rate_limited", &key)]);
    // A present but unknown inner type wins over the envelope: catch-all, typed by the inner.
    let unknown = r#"{"type":"event_callback","event":{"type":"canvas_edited"},"event_id":"Ev5ZSJS33BS"}"#;
    assert_captured(&p.process(&request("POST", "/", &[], unknown), at(0)), &[("other_events", "canvas_edited", "Ev5ZSJS33BS")]);
    // Neither present: an empty type, caught all.
    let neither = r#"{"id":"x"}"#;
    let d = p.process(&request("POST", "/", &[], neither), at(0));
    assert!(matches!(&d, Decision::Capture { events, .. } if events[0].event_type.is_empty() && events[0].collection == "other_events"));
}

// ------------------------------------------------------------------ any_of

fn any_of_processor(config: Value) -> Result<Processor, webhook_runtime::core::ConfigError> {
    let v = vendor(json!({
        "config": [secret_field("secret", true), json!({"name": "public_key", "title": "k", "description": "k"})],
        "authentication": {"type": "any_of", "checks": [sw_hmac("v1"), sw_ed25519()]},
        "events": sw_events()
    }));
    Processor::new(v, &config)
}

fn sw_request(signature: &str) -> webhook_runtime::core::WebhookRequest {
    request(
        "POST",
        "/",
        &[("webhook-id", SW_ID), ("webhook-timestamp", "1614265330"), ("webhook-signature", signature)],
        SW_BODY,
    )
}

#[test]
fn any_of_accepts_either_standard_webhooks_scheme() {
    let p = any_of_processor(json!({"secret": SW_SECRET, "public_key": SW_PUBLIC_KEY})).expect("both configured");
    let now = at(SW_NOW);
    for signature in [SW_V1, SW_V1A, &format!("{SW_V1} {SW_V1A}")] {
        let r = sw_request(signature);
        assert_authentic(&p, &r, now);
        assert_captured(&p.process(&r, now), &[("events", "", SW_ID)]);
        // Tampering fails every alternative: the body, id and timestamp are signed by both.
        assert_every_body_byte_matters(&p, &r, now);
        assert_every_header_char_matters(&p, &r, now, "webhook-id", None);
        assert_every_header_char_matters(&p, &r, now, "webhook-timestamp", None);
        assert_reply(&p.process(&r, at(SW_NOW + 302)), 401, "unauthorized");
    }
    assert_every_header_char_matters(&p, &sw_request(SW_V1), now, "webhook-signature", Some(3..SW_V1.len()));
    assert_every_header_char_matters(&p, &sw_request(SW_V1A), now, "webhook-signature", Some(4..SW_V1A.len() - 2));
    assert_not_authentic(&p, &sw_request("v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="), now, "only an unknown version");
    assert_not_authentic(&p, &request("POST", "/", &[("webhook-id", SW_ID), ("webhook-timestamp", "1614265330")], SW_BODY), now, "no signature");
}

#[test]
fn any_of_fails_closed() {
    // Each alternative's configuration is required: none is silently skipped.
    assert!(any_of_processor(json!({"secret": SW_SECRET})).is_err(), "a missing public key was accepted");
    assert!(any_of_processor(json!({"public_key": SW_PUBLIC_KEY})).is_err(), "a missing secret was accepted");
    // `none` or a single check inside any_of is a definition error, not an open door.
    for checks in [json!([sw_hmac("v1"), {"type": "none", "reason": "x"}]), json!([sw_hmac("v1")])] {
        let v = vendor(json!({"config": [secret_field("secret", true)], "authentication": {"type": "any_of", "checks": checks}, "events": sw_events()}));
        assert!(Processor::new(v, &json!({"secret": SW_SECRET})).is_err(), "{checks} was accepted");
    }
}

// ------------------------------------------------------------------ JSON or form by Content-Type

fn github_like() -> Processor {
    let v = vendor(json!({
        "request": {"body": {"type": "json_or_form_field", "field": "payload"}},
        "config": [secret_field("secret", true)],
        "authentication": {"type": "hmac", "algorithm": "sha256", "secret": {"config_field": "secret"},
            "signature": {"header": "X-Hub-Signature-256", "format": {"type": "prefixed", "prefix": "sha256="}, "encoding": "hex"},
            "signed_message": "{body}"},
        "events": {
            "discriminator": {"type": "composite", "separator": ".", "parts": [
                {"type": "header", "name": "X-GitHub-Event"}, {"type": "body_pointer", "pointer": "/action"}]},
            "document_key": {"type": "header", "name": "X-GitHub-Delivery"},
            "types": [{"collection": "issues", "values": ["issues", "issues.*"], "description": "Issues."}]
        }
    }));
    processor(v, json!({"secret": "It's a Secret to Everybody"}))
}

const ISSUE: &str = r#"{"action":"opened","issue":{"id":1,"number":1347,"title":"Found a bug","state":"open","user":{"login":"octocat","id":1}},"repository":{"id":1296269,"full_name":"octocat/Hello-World"},"sender":{"login":"octocat","id":1}}"#;
/// `ISSUE` form-encoded as GitHub's form content type sends it (`payload=<urlencoded JSON>`).
const ISSUE_FORM: &str = "payload=%7B%22action%22%3A%22opened%22%2C%22issue%22%3A%7B%22id%22%3A1%2C%22number%22%3A1347%2C%22title%22%3A%22Found+a+bug%22%2C%22state%22%3A%22open%22%2C%22user%22%3A%7B%22login%22%3A%22octocat%22%2C%22id%22%3A1%7D%7D%2C%22repository%22%3A%7B%22id%22%3A1296269%2C%22full_name%22%3A%22octocat%2FHello-World%22%7D%2C%22sender%22%3A%7B%22login%22%3A%22octocat%22%2C%22id%22%3A1%7D%7D";
/// HMAC-SHA256 with "It's a Secret to Everybody" (Python's hmac) of the JSON and of the form bytes.
const ISSUE_JSON_SIG: &str = "sha256=11498e15b8ae59ab0705e058e1f6c756431a1b9b462d6b6ce782a5b6b9ebb2bf";
const ISSUE_FORM_SIG: &str = "sha256=c7f4e77dea5ebbd0be0127e29af766a45f058768a68b96e17da56fe1a000e11e";
const DELIVERY: &str = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

fn gh_request(content_type: &str, signature: &str, body: &str) -> webhook_runtime::core::WebhookRequest {
    request(
        "POST",
        "/",
        &[("Content-Type", content_type), ("X-GitHub-Event", "issues"), ("X-GitHub-Delivery", DELIVERY), ("X-Hub-Signature-256", signature)],
        body,
    )
}

#[test]
fn github_json_and_form_bodies_capture_the_same_event() {
    let p = github_like();
    let json_r = gh_request("application/json", ISSUE_JSON_SIG, ISSUE);
    let form_r = gh_request("application/x-www-form-urlencoded", ISSUE_FORM_SIG, ISSUE_FORM);
    let json_doc = document(&p.process(&json_r, at(0)));
    let form_doc = document(&p.process(&form_r, at(0)));
    assert_captured(&p.process(&form_r, at(0)), &[("issues", "issues.opened", DELIVERY)]);
    // The form's JSON is the document, not the form fields.
    assert_eq!(form_doc["issue"]["title"], json!("Found a bug"));
    assert_eq!(json_doc["issue"], form_doc["issue"]);
    // The signature covers the form bytes as sent.
    assert_every_body_byte_matters(&p, &form_r, at(0));
    let form_with_charset = gh_request("Application/X-WWW-Form-Urlencoded; charset=utf-8", ISSUE_FORM_SIG, ISSUE_FORM);
    assert_captured(&p.process(&form_with_charset, at(0)), &[("issues", "issues.opened", DELIVERY)]);
    // A form body announced as JSON is not JSON: rejected after verification.
    assert_reply(&p.process(&gh_request("application/json", ISSUE_FORM_SIG, ISSUE_FORM), at(0)), 400, "rejected:unreadable_body");
    // A signed form without the payload field is unreadable.
    let sig = "sha256=b8ce44a69d9e776e13c90e7d2b3caab94ca873fd510bd4dda41935e90875c81d";
    let d = p.process(&gh_request("application/x-www-form-urlencoded", sig, "zen=hi"), at(0));
    assert_reply(&d, 400, "rejected:unreadable_body");
}

// ------------------------------------------------------------------ token header chosen by the user

fn appsflyer_like(config: Value) -> Result<Processor, webhook_runtime::core::ConfigError> {
    let v = vendor(json!({
        "config": [secret_field("token", true), {"name": "token_header", "title": "Header", "description": "h", "required": false}],
        "authentication": {"type": "static_token",
            "location": {"type": "header", "name": "Authorization", "name_config_field": "token_header"},
            "token": {"config_field": "token"}},
        "events": {"discriminator": {"type": "body_pointer", "pointer": "/event_type"},
            "document_key": {"type": "content_hash"},
            "types": [{"collection": "installs", "values": ["install"], "description": "Installs."}]}
    }));
    Processor::new(v, &config)
}

#[test]
fn the_token_header_name_comes_from_the_configuration() {
    let body = r#"{"event_type":"install","appsflyer_id":"1732808463127-5502838"}"#;
    let by_default = appsflyer_like(json!({"token": "pushapi-test-token_7Qm2vX9c"})).unwrap();
    assert_authentic(&by_default, &request("POST", "/", &[("Authorization", "pushapi-test-token_7Qm2vX9c")], body), at(0));

    let custom = appsflyer_like(json!({"token": "pushapi-test-token_7Qm2vX9c", "token_header": "X-AF-Push-Token"})).unwrap();
    let r = request("POST", "/", &[("X-AF-Push-Token", "pushapi-test-token_7Qm2vX9c"), ("X-Other", "kept")], body);
    assert_authentic(&custom, &r, at(0));
    assert_every_header_char_matters(&custom, &r, at(0), "X-AF-Push-Token", None);
    // The default header no longer counts once another is chosen.
    let wrong_header = request("POST", "/", &[("Authorization", "pushapi-test-token_7Qm2vX9c")], body);
    assert_not_authentic(&custom, &wrong_header, at(0), "the token in Authorization when X-AF-Push-Token is configured");
    // The chosen header is redacted from documents like any credential.
    let headers = &document(&custom.process(&r, at(0)))["_meta"]["headers"];
    assert_eq!(headers["x-af-push-token"], json!("<redacted>"));
    assert_eq!(headers["x-other"], json!("kept"));
    // A configured name that is not a header name is refused at startup.
    assert!(appsflyer_like(json!({"token": "t", "token_header": "X AF: Token"})).is_err());
}
