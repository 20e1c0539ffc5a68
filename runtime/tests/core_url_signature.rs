//! Signatures over the URL the vendor called: `{url:FIELD}` is a configured public base URL
//! plus the request's path and query, tried with and without the scheme's default port
//! (Twilio: base64 HMAC-SHA1 of the URL + the form fields sorted by name). The vectors are
//! twilio-node's spec/validation.spec.js (vendor-mechanics §1.4).

mod core_support;

use core_support::*;
use serde_json::json;
use webhook_runtime::core::Processor;

const TOKEN: &str = "12345";
const PATH: &str = "/myapp.php?foo=1&bar=2";
const FORM: &str = "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";
/// Over `https://mycompany.com/myapp.php?foo=1&bar=2` + the sorted fields.
const SIGNATURE: &str = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
/// Over the same URL written with `:443`.
const SIGNATURE_443: &str = "kvajT1Ptam85bY51eRf/AJRuM3w=";
/// Over `http://mycompany.com:1234/myapp.php?foo=1&bar=2`.
const SIGNATURE_1234: &str = "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=";
/// Over `https://user:pass@mycompany.com/myapp.php?foo=1&bar=2`.
const SIGNATURE_CREDENTIALS: &str = "CukzLTc1tT5dXEDIHm/tKBanW10=";

/// A Twilio-like vendor: URL-bound HMAC-SHA1 over the configured public URL and sorted form.
fn twilio_vendor() -> &'static dyn webhook_runtime::Vendor {
    vendor(json!({
        "request": {"body": {"type": "form"}},
        "config": [secret_field("auth_token", true), plain_field("public_url")],
        "authentication": {"type": "hmac", "algorithm": "sha1",
            "secret": {"config_field": "auth_token"},
            "signature": {"header": "X-Twilio-Signature", "format": {"type": "bare"}, "encoding": "base64"},
            "signed_message": "{url:public_url}{form_sorted}"},
        "events": {"discriminator": {"type": "form_field", "name": "CallSid"},
            "document_key": {"type": "form_field", "name": "CallSid"},
            "types": [], "unknown_types": {"action": "capture", "collection": "events"}}
    }))
}

fn twilio_processor(public_url: &str) -> Processor {
    processor(twilio_vendor(), json!({"auth_token": TOKEN, "public_url": public_url}))
}

fn post(signature: &str, body: &str) -> webhook_runtime::core::WebhookRequest {
    request(
        "POST",
        PATH,
        &[("content-type", "application/x-www-form-urlencoded"), ("x-twilio-signature", signature)],
        body,
    )
}

#[test]
fn the_sdk_vectors_verify_with_either_port_form() {
    for base in ["https://mycompany.com", "https://mycompany.com:443", "https://mycompany.com/"] {
        let p = twilio_processor(base);
        assert_authentic(&p, &post(SIGNATURE, FORM), at(0));
        assert_authentic(&p, &post(SIGNATURE_443, FORM), at(0));
        assert_every_body_byte_matters(&p, &post(SIGNATURE, FORM), at(0));
    }
    assert_authentic(&twilio_processor("http://mycompany.com:1234"), &post(SIGNATURE_1234, FORM), at(0));
    assert_authentic(&twilio_processor("https://user:pass@mycompany.com"), &post(SIGNATURE_CREDENTIALS, FORM), at(0));
}

#[test]
fn the_url_is_signed() {
    let p = twilio_processor("https://mycompany.com");
    let mut other_path = post(SIGNATURE, FORM);
    other_path.path_and_query = "/myapp.php?foo=1&bar=3".into();
    assert_not_authentic(&p, &other_path, at(0), "another query");
    assert_not_authentic(&twilio_processor("https://mycompany.org"), &post(SIGNATURE, FORM), at(0), "another host");
    assert_not_authentic(&twilio_processor("http://mycompany.com"), &post(SIGNATURE, FORM), at(0), "another scheme");
    // Another port is not a default-port variant.
    assert_not_authentic(&twilio_processor("http://mycompany.com:1235"), &post(SIGNATURE_1234, FORM), at(0), "another port");
    assert_not_authentic(&p, &post(SIGNATURE, "CallSid=CA1234567890ABCDE"), at(0), "fewer fields");
}

#[test]
fn a_public_url_must_be_an_http_url() {
    let err = Processor::new(twilio_vendor(), &json!({"auth_token": TOKEN, "public_url": "mycompany.com"})).expect_err("not a URL");
    assert!(err.to_string().contains("public_url"), "{err}");
}
