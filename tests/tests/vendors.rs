//! Other generated connectors through the same server: a signed handshake answered without
//! capture (Slack), GET deliveries with a static token and content-hash keys (AppsFlyer), a
//! secret the vendor reveals only after setup (Notion).

use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use serde_json::json;
use sha2::Sha256;
use webhookgen_e2e::{Connector, Request, Serving, client};

const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

fn slack_signed(body: &str) -> Request {
    let ts = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs().to_string();
    let mut mac = Hmac::<Sha256>::new_from_slice(SLACK_SECRET.as_bytes()).unwrap();
    mac.update(format!("v0:{ts}:{body}").as_bytes());
    Request::post(body)
        .header("Content-Type", "application/json")
        .header("X-Slack-Request-Timestamp", &ts)
        .header("X-Slack-Signature", &format!("v0={}", hex::encode(mac.finalize().into_bytes())))
}

#[test]
fn slack_handshake_is_answered_and_events_are_stored() {
    let serving = Serving::start(&Connector::of("slack"), &json!({"signing_secret": SLACK_SECRET}), &[]);
    let challenge =
        r#"{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    let r = client::send(serving.addr, &slack_signed(challenge)).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    let event = r#"{"type":"event_callback","event_id":"Ev0PV52K21","event":{"type":"app_mention","text":"<@U0LAN0Z89> is it everything a river should be?"}}"#;
    assert_eq!(client::send(serving.addr, &slack_signed(event)).unwrap().status, 200);
    let mut tampered = slack_signed(event);
    tampered.body[10] ^= 1;
    assert_eq!(client::send(serving.addr, &tampered).unwrap().status, 401);
    let stored = serving.export();
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0].0, "app_mention");
    assert_eq!(stored[0].1["_meta"]["webhookId"], "Ev0PV52K21");
    assert_eq!(stored[0].1["_meta"]["headers"]["x-slack-signature"], "<redacted>");
}

#[test]
fn appsflyer_get_deliveries_are_keyed_by_content() {
    let token = "pushapi-test-token_7Qm2vX9c";
    let serving = Serving::start(&Connector::of("appsflyer"), &json!({"auth_token": [token]}), &[]);
    let get = |query: &str, auth: &str| Request::get(&format!("/?{query}")).header("Authorization", auth);
    let first = "appsflyer_id=1-1&event_type=re-engagement&event_name=re-engagement&app_id=com.example.shop&event_time=2026-11-28%2021%3A10%3A44.512";
    let second = "appsflyer_id=1-2&event_type=re-engagement&event_name=re-engagement&app_id=com.example.shop&event_time=2026-11-28%2021%3A11%3A00.000";
    assert_eq!(client::send(serving.addr, &get(first, token)).unwrap().status, 200);
    assert_eq!(client::send(serving.addr, &get(first, token)).unwrap().status, 200, "a resend is answered 2xx");
    assert_eq!(client::send(serving.addr, &get(second, token)).unwrap().status, 200);
    assert_eq!(client::send(serving.addr, &get(second, "wrong")).unwrap().status, 401);
    let stored = serving.export();
    let ids: Vec<&str> = stored.iter().map(|(_, d)| d["appsflyer_id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec!["1-1", "1-2"], "stored once each, in commit order");
    assert!(stored.iter().all(|(c, _)| c == "re_engagements"));
}

fn notion_signed(token: &str, body: &str) -> Request {
    let mut mac = Hmac::<Sha256>::new_from_slice(token.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    Request::post(body)
        .header("Content-Type", "application/json")
        .header("X-Notion-Signature", &format!("sha256={}", hex::encode(mac.finalize().into_bytes())))
}

/// Notion's setup as a user lives it: the connector starts without the token, Notion's one-time
/// verification request puts the token in the log, events are refused (and retried by Notion)
/// until the token is configured, then captured.
#[test]
fn notion_verification_token_is_revealed_then_verifies_events() {
    let token = "secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl";
    let mut serving = Serving::start(&Connector::of("notion"), &json!({}), &[]);
    assert!(
        serving.log_text().contains("verification_token"),
        "the start warns that the token is unset: {}",
        serving.log_text()
    );
    let verification = format!(r#"{{"verification_token":"{token}"}}"#);
    let r = client::send(serving.addr, &notion_signed(token, &verification)).unwrap();
    assert_eq!(r.status, 200);
    assert!(serving.log_text().contains(token), "the token is in the log: {}", serving.log_text());

    let event = r#"{"id":"367cba44-b6f3-4c92-81e7-6a2e9659efd4","timestamp":"2024-12-05T23:55:34.285Z","workspace_id":"13950b26-c203-4f3b-b97d-93ec06319565","workspace_name":"Quantify Labs","subscription_id":"29d75c0d-5546-4414-8459-7b7a92f1fc4b","integration_id":"0ef2e755-4912-8096-91c1-00376a88a5ca","type":"page.created","authors":[{"id":"c7c11cca-1d73-471d-9b6e-bdef51470190","type":"person"}],"accessible_by":[{"id":"556a1abf-4f08-40c6-878a-75890d2a88ba","type":"person"}],"attempt_number":1,"entity":{"id":"153104cd-477e-809d-8dc4-ff2d96ae3090","type":"page"},"data":{"parent":{"id":"13950b26-c203-4f3b-b97d-93ec06319565","type":"space"}}}"#;
    assert_eq!(client::send(serving.addr, &notion_signed(token, event)).unwrap().status, 401, "no token yet");

    serving.set_config(&json!({"verification_token": token}));
    serving.restart();
    assert_eq!(client::send(serving.addr, &notion_signed(token, event)).unwrap().status, 200);
    assert_eq!(client::send(serving.addr, &notion_signed("secret_other", event)).unwrap().status, 401);
    let stored = serving.export();
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0].0, "page");
    assert_eq!(stored[0].1["_meta"]["webhookId"], "367cba44-b6f3-4c92-81e7-6a2e9659efd4");
}
