//! Splitting, discriminating, routing and keying events; the documents' `_meta`; and the
//! `testing` helpers generated connector tests rely on.

mod core_support;

use core_support::*;
use serde_json::{Value, json};
use sha2::Digest;
use webhook_runtime::core::Decision;
use webhook_runtime::core::route::{glob_match, route_by_definition};
use webhook_runtime::testing;

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

fn documents(d: &Decision) -> Vec<Value> {
    match d {
        Decision::Capture { events, .. } => events.iter().map(|e| serde_json::from_slice(&e.document).unwrap()).collect(),
        other => panic!("expected a capture, got {}", testing::describe(other)),
    }
}

#[test]
fn exact_values_win_over_patterns_and_patterns_go_in_order() {
    let def = definition(json!({"events": {
        "discriminator": {"type": "body_pointer", "pointer": "/type"},
        "document_key": {"type": "body_pointer", "pointer": "/id"},
        "types": json!([
            {"collection": "subscription_any", "values": ["customer.subscription.*"], "description": "Any."},
            {"collection": "subscription_created", "values": ["customer.subscription.created", "customer.subscription.resumed"], "description": "Created."},
            {"collection": "customer_any", "values": ["customer.*"], "description": "Customer."}
        ])
    }}));
    assert_eq!(route_by_definition(&def, "customer.subscription.created"), Some(1));
    assert_eq!(route_by_definition(&def, "customer.subscription.resumed"), Some(1));
    assert_eq!(route_by_definition(&def, "customer.subscription.updated"), Some(0));
    assert_eq!(route_by_definition(&def, "customer.created"), Some(2));
    assert_eq!(route_by_definition(&def, "invoice.paid"), None);
    assert!(glob_match("*", "anything") && !glob_match("a.*", "b.c"));

    let v = webhook_runtime::testing::leak_vendor(def);
    testing::check_router(v);
    let p = processor(v, json!({}));
    let d = p.process(&request("POST", "/", &[], r#"{"id":"evt_1","type":"invoice.paid"}"#), at(0));
    assert_captured(&d, &[("other_events", "invoice.paid", "evt_1")]);
    if let Decision::Capture { events, .. } = &d {
        assert_eq!(events[0].binding, 3, "the catch-all binding follows the event types");
    }
}

#[test]
fn unknown_types_are_rejected_when_the_definition_says_so() {
    let v = vendor(json!({
        "events": {"discriminator": {"type": "body_pointer", "pointer": "/type"}, "document_key": {"type": "body_pointer", "pointer": "/id"},
            "types": [{"collection": "a", "values": ["a"], "description": "A."}],
            "unknown_types": {"action": "reject"}},
        "responses": {"rejected_status": 422}
    }));
    let p = processor(v, json!({}));
    assert_eq!(p.collections(), &["a".to_string()]);
    assert_reply(&p.process(&request("POST", "/", &[], r#"{"id":"1","type":"b"}"#), at(0)), 422, "rejected:unknown_type");
    assert_captured(&p.process(&request("POST", "/", &[], r#"{"id":"1","type":"a"}"#), at(0)), &[("a", "a", "1")]);
    assert_reply(&p.process(&request("POST", "/", &[], "{not json"), at(0)), 422, "rejected:unreadable_body");
}

#[test]
fn root_array_batches_are_split_keyed_and_routed_per_item() {
    let v = vendor(json!({"events": {
        "batch": {"items": ""},
        "discriminator": {"type": "body_pointer", "pointer": "/event"},
        "document_key": {"type": "body_pointer", "pointer": "/sg_event_id"},
        "types": [{"collection": "delivered", "values": ["delivered"], "description": "Delivered."}]
    }}));
    let p = processor(v, json!({}));
    let body = "[{\"event\":\"delivered\",\"sg_event_id\":\"a\"},\r\n{\"event\":\"open\",\"sg_event_id\":\"b\"},\r\n{\"event\":\"delivered\"}]\r\n";
    let d = p.process(&request("POST", "/", &[], body), at(0));
    let third = sha256_hex(br#"{"event":"delivered"}"#);
    assert_captured(&d, &[("delivered", "delivered", "a"), ("other_events", "open", "b"), ("delivered", "delivered", &third)]);
    // An empty batch is a success with nothing to commit.
    match p.process(&request("POST", "/", &[], "[]"), at(0)) {
        Decision::Capture { events, success } => assert!(events.is_empty() && success.status == 200),
        other => panic!("expected an empty capture, got {}", testing::describe(&other)),
    }
}

#[test]
fn nested_and_wildcard_batches() {
    let v = vendor(json!({"events": {
        "batch": {"items": "/events"},
        "discriminator": {"type": "composite", "separator": ".", "parts": [{"type": "body_pointer", "pointer": "/resource/resource_type"}, {"type": "body_pointer", "pointer": "/action"}]},
        "document_key": {"type": "composite", "separator": ":", "parts": [{"type": "header", "name": "X-Request-Id"}, {"type": "batch_index"}]},
        "types": [{"collection": "task_added", "values": ["task.added"], "description": "Added."}]
    }}));
    let p = processor(v, json!({}));
    let body = r#"{"events":[{"action":"added","resource":{"resource_type":"task"}},{"action":"changed","resource":{"resource_type":"task"}}]}"#;
    let d = p.process(&request("POST", "/", &[("X-Request-Id", "req-1")], body), at(0));
    assert_captured(&d, &[("task_added", "task.added", "req-1:0"), ("other_events", "task.changed", "req-1:1")]);
    // Asana's heartbeat.
    assert_captured(&p.process(&request("POST", "/", &[("X-Request-Id", "r")], r#"{"events":[]}"#), at(0)), &[]);
    // A body without the declared shape is kept whole in the catch-all.
    let d = p.process(&request("POST", "/", &[], r#"{"unexpected":true}"#), at(0));
    assert_captured(&d, &[("other_events", "", &sha256_hex(br#"{"unexpected":true}"#))]);

    let meta = vendor(json!({"events": {
        "batch": {"items": "/entry/*/changes"},
        "discriminator": {"type": "body_pointer", "pointer": "/field"},
        "document_key": {"type": "content_hash", "pointers": ["/field", "/value/id"]},
        "types": [{"collection": "messages", "values": ["messages"], "description": "Messages."}]
    }}));
    let p = processor(meta, json!({}));
    let body = r#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"id":"m1"}}]},{"id":"2","changes":[{"field":"statuses","value":{"id":"s1"}},{"field":"messages","value":{}}]}]}"#;
    let d = p.process(&request("POST", "/", &[], body), at(0));
    assert_captured(
        &d,
        &[
            ("messages", "messages", &sha256_hex(b"messages\nm1")),
            ("other_events", "statuses", &sha256_hex(b"statuses\ns1")),
            ("messages", "messages", &sha256_hex(b"messages\n")),
        ],
    );
    let docs = documents(&d);
    assert_eq!(docs[1]["value"]["id"], json!("s1"));
    assert_eq!(docs[1]["_meta"]["eventType"], json!("statuses"));
}

#[test]
fn github_style_composite_of_header_and_optional_action() {
    let v = vendor(json!({"events": {
        "discriminator": {"type": "composite", "separator": ".", "parts": [{"type": "header", "name": "X-GitHub-Event"}, {"type": "body_pointer", "pointer": "/action"}]},
        "document_key": {"type": "header", "name": "X-GitHub-Delivery"},
        "types": [
            {"collection": "push", "values": ["push"], "description": "Push."},
            {"collection": "issues_opened", "values": ["issues.opened"], "description": "Opened."}
        ]
    }}));
    let p = processor(v, json!({}));
    let push = p.process(&request("POST", "/", &[("x-github-event", "push"), ("X-GitHub-Delivery", "d1")], r#"{"ref":"refs/heads/main"}"#), at(0));
    assert_captured(&push, &[("push", "push", "d1")]);
    let issue = p.process(&request("POST", "/", &[("X-GitHub-Event", "issues"), ("X-GitHub-Delivery", "d2")], r#"{"action":"opened","issue":{}}"#), at(0));
    assert_captured(&issue, &[("issues_opened", "issues.opened", "d2")]);
    // A non-object event is wrapped; a key that is absent falls back to a content hash.
    let array = p.process(&request("POST", "/", &[("X-GitHub-Event", "push")], "[1,2]"), at(0));
    assert_captured(&array, &[("push", "push", &sha256_hex(b"[1,2]"))]);
    assert_eq!(documents(&array)[0]["value"], json!([1, 2]));
}

#[test]
fn form_bodies_form_field_json_get_queries_and_path_segments() {
    let form = vendor(json!({
        "request": {"body": {"type": "form_field_json", "field": "payload"}},
        "events": {"discriminator": {"type": "body_pointer", "pointer": "/type"}, "document_key": {"type": "content_hash"},
            "types": [{"collection": "block_actions", "values": ["block_actions"], "description": "Clicks."}]}
    }));
    let p = processor(form, json!({}));
    let d = p.process(&request("POST", "/", &[], "payload=%7B%22type%22%3A%22block_actions%22%2C%22n%22%3A1%7D"), at(0));
    assert_captured(&d, &[("block_actions", "block_actions", &sha256_hex(br#"{"type":"block_actions","n":1}"#))]);

    let get = vendor(json!({
        "request": {"methods": ["GET", "POST"], "body": {"type": "form"}},
        "events": {"discriminator": {"type": "path_segment", "index": 1}, "document_key": {"type": "form_field", "name": "MessageSid"},
            "types": [{"collection": "sms_status", "values": ["status"], "description": "Status."}]}
    }));
    let p = processor(get, json!({}));
    let d = p.process(&request("GET", "/twilio/status?MessageSid=SM1&MessageStatus=delivered&x=1&x=2", &[], ""), at(0));
    assert_captured(&d, &[("sms_status", "status", "SM1")]);
    assert_eq!(documents(&d)[0]["x"], json!(["1", "2"]));
    let d = p.process(&request("POST", "/twilio/other", &[], "MessageSid=SM2&_meta=x"), at(0));
    assert_captured(&d, &[("other_events", "other", "SM2")]);
    assert_eq!(documents(&d)[0]["_meta_original"], json!("x"));
    assert_reply(&p.process(&request("PUT", "/", &[], ""), at(0)), 405, "method_not_allowed");
}

#[test]
fn documents_keep_the_raw_bytes_and_carry_meta_with_redacted_headers() {
    let v = vendor(json!({
        "config": [secret_field("token", false)],
        "authentication": {"type": "static_token", "location": {"type": "header", "name": "X-Token"}, "token": {"config_field": "token"}}
    }));
    let p = processor(v, json!({"token": "tok-123"}));
    let body = "{ \"type\" : \"thing.happened\",\n \"id\":\"e1\", \"n\": 1.50 }";
    let r = request(
        "POST",
        "/",
        &[("X-Token", "tok-123"), ("Cookie", "a=b"), ("X-Echo", "contains tok-123 inside"), ("X-Multi", "1"), ("x-multi", "2")],
        body,
    );
    let d = p.process(&r, std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_700_000_000_250));
    let Decision::Capture { events, .. } = &d else { panic!("{}", testing::describe(&d)) };
    let text = std::str::from_utf8(&events[0].document).unwrap();
    assert!(text.starts_with("{ \"type\" : \"thing.happened\",\n \"id\":\"e1\", \"n\": 1.50 ,\"_meta\":{"), "{text}");
    let doc: Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        doc["_meta"],
        json!({"webhookId": "e1", "receivedAt": "2023-11-14T22:13:20.25Z", "eventType": "thing.happened",
            "headers": {"x-token": "<redacted>", "cookie": "<redacted>", "x-echo": "<redacted>", "x-multi": "1, 2"}})
    );
}

#[test]
fn configuration_is_validated_fail_closed() {
    let v = vendor(json!({
        "config": [secret_field("secret", false), plain_field("url")],
        "authentication": {"type": "hmac", "algorithm": "sha1", "secret": {"config_field": "secret", "decoding": "base64"},
            "signature": {"header": "X-Sig", "format": {"type": "bare"}, "encoding": "base64"}, "signed_message": "{config:url}{form_sorted}"}
    }));
    use webhook_runtime::core::{ConfigError, Processor};
    assert_eq!(Processor::new(v, &json!("x")).unwrap_err(), ConfigError::NotAnObject);
    assert!(matches!(Processor::new(v, &json!({"url": "u"})).unwrap_err(), ConfigError::Missing { .. }));
    assert!(matches!(Processor::new(v, &json!({"secret": "!!", "url": "u"})).unwrap_err(), ConfigError::UndecodableSecret { .. }));
    assert!(matches!(Processor::new(v, &json!({"secret": ["AAAA"], "url": "u"})).unwrap_err(), ConfigError::WrongType { .. }));
    let err = Processor::new(v, &json!({"secret": "!!", "url": "u"})).unwrap_err().to_string();
    assert!(!err.contains("!!"), "an error must not echo the secret: {err}");
    // Twilio-style URL + sorted form over SHA-1 (§1.4, the no-port variant).
    let twilio = vendor(json!({
        "config": [secret_field("secret", false), plain_field("url")],
        "request": {"body": {"type": "form"}},
        "authentication": {"type": "hmac", "algorithm": "sha1", "secret": {"config_field": "secret"},
            "signature": {"header": "X-Twilio-Signature", "format": {"type": "bare"}, "encoding": "base64"}, "signed_message": "{config:url}{form_sorted}"},
        "events": {"discriminator": {"type": "constant", "value": "call"}, "document_key": {"type": "form_field", "name": "CallSid"},
            "types": [{"collection": "call", "values": ["call"], "description": "Call."}]}
    }));
    let p = processor(twilio, json!({"secret": "12345", "url": "https://mycompany.com/myapp.php?foo=1&bar=2"}));
    let r = request(
        "POST",
        "/myapp.php?foo=1&bar=2",
        &[("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")],
        "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212",
    );
    assert_captured(&p.process(&r, at(0)), &[("call", "call", "CA1234567890ABCDE")]);
}

// ---------------------------------------------------------------- testing helpers

fn example_vendor(unknown: &str) -> &'static dyn webhook_runtime::Vendor {
    vendor(json!({
        "config": [secret_field("secret", true)],
        "authentication": {"type": "hmac", "algorithm": "sha256", "secret": {"config_field": "secret"},
            "signature": {"header": "Stripe-Signature", "format": {"type": "key_value_list", "separator": ",", "signature_key": "v1", "timestamp_key": "t"}, "encoding": "hex"},
            "signed_message": "{timestamp}.{body}",
            "timestamp": {"source": {"type": "signature_field"}, "format": "unix_seconds"},
            "tolerance": {"past_seconds": 300}},
        "events": {"discriminator": {"type": "body_pointer", "pointer": "/type"}, "document_key": {"type": "body_pointer", "pointer": "/id"},
            "types": [{"collection": "payment_intent_succeeded", "values": ["payment_intent.succeeded"], "description": "Paid."}],
            "unknown_types": {"action": unknown}},
        "examples": [
            {"name": "constructed", "config": {"secret": "whsec_test_secret"}, "now": 1700000000,
             "request": {"headers": {"Stripe-Signature": "t=1700000000,v1=130dc37d5a27b1b232a61e4f2ff00ed245f498112c11e8b747aff3d0fb754056"},
                         "body": "{\"id\":\"evt_test_webhook\",\"object\":\"event\",\"type\":\"payment_intent.succeeded\"}"},
             "expect": {"outcome": "captured", "documents": [{"collection": "payment_intent_succeeded", "event_type": "payment_intent.succeeded", "key": "evt_test_webhook"}]}},
            {"name": "wrong_expectation", "config": {"secret": "whsec_test_secret"}, "now": 1700000000,
             "request": {"headers": {"Stripe-Signature": "t=1700000000,v1=130dc37d5a27b1b232a61e4f2ff00ed245f498112c11e8b747aff3d0fb754056"},
                         "body": "{\"id\":\"evt_test_webhook\",\"object\":\"event\",\"type\":\"payment_intent.succeeded\"}"},
             "expect": {"outcome": "captured", "documents": [{"collection": "payment_intent_succeeded", "event_type": "payment_intent.succeeded", "key": "evt_other"}]}},
            {"name": "forged", "config": {"secret": "whsec_test_secret"}, "now": 1700000000,
             "request": {"headers": {"Stripe-Signature": "t=1700000000,v1=030dc37d5a27b1b232a61e4f2ff00ed245f498112c11e8b747aff3d0fb754056"},
                         "body": "{\"id\":\"evt_test_webhook\",\"object\":\"event\",\"type\":\"payment_intent.succeeded\"}"},
             "expect": {"outcome": "rejected", "status": 401}}
        ]
    }))
}

#[test]
fn testing_helpers_pass_on_a_correct_definition() {
    let v = example_vendor("capture");
    testing::run_example(v, "constructed");
    testing::run_example(v, "forged");
    testing::run_tampered(v, "constructed");
    testing::run_stale(v, "constructed");
    testing::run_unknown_type(v, "constructed");
    testing::check_router(v);
    let rejecting = example_vendor("reject");
    testing::run_unknown_type(rejecting, "constructed");
}

#[test]
fn testing_helpers_fail_with_expected_and_got() {
    let v = example_vendor("capture");
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| testing::run_example(v, "wrong_expectation"))).unwrap_err();
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("expected") && message.contains("evt_other") && message.contains("evt_test_webhook"), "{message}");
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| testing::run_example(v, "no_such_example"))).unwrap_err();
    assert!(panic.downcast_ref::<String>().is_some_and(|m| m.contains("constructed")));

    // A router that disagrees with the definition is caught.
    struct Wrong(&'static webhook_runtime::definition::Definition);
    impl webhook_runtime::Vendor for Wrong {
        fn definition(&self) -> &'static webhook_runtime::definition::Definition {
            self.0
        }
        fn route(&self, _: &str) -> Option<usize> {
            Some(0)
        }
    }
    let wrong: &'static dyn webhook_runtime::Vendor = Box::leak(Box::new(Wrong(v.definition())));
    assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| testing::check_router(wrong))).is_err());
}
