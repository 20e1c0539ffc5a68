//! Tokens in the JSON body (Microsoft Graph change notifications: every notification of the
//! `value` batch carries the subscription's `clientState`, which must equal the configured one).
//! The notification shape is Microsoft's documented example (learn.microsoft.com
//! graph/change-notifications-delivery-webhooks).

mod core_support;

use core_support::*;
use serde_json::json;
use webhook_runtime::core::Processor;

const CLIENT_STATE: &str = "secretClientValue";

fn graph_processor() -> Processor {
    let v = vendor(json!({
        "config": [secret_field("client_state", true)],
        "authentication": {"type": "body_token", "pointer": "/value/*/clientState", "token": {"config_field": "client_state"}},
        "events": {"batch": {"items": "/value"},
            "discriminator": {"type": "body_pointer", "pointer": "/changeType"},
            "document_key": {"type": "body_pointer", "pointer": "/resourceData/id"},
            "types": [], "unknown_types": {"action": "capture", "collection": "notifications"}}
    }));
    processor(v, json!({"client_state": [CLIENT_STATE, "rotatedClientValue"]}))
}

fn notification(id: &str, client_state: Option<&str>) -> serde_json::Value {
    let mut n = json!({"subscriptionId": "7f105c7d-2dc5-4530-97cd-4e7ae6534c07",
        "subscriptionExpirationDateTime": "2016-11-20T18:23:45.9356913Z",
        "changeType": "created",
        "resource": format!("Users/592f4b9b-2b67-4c5b-8a19-14f3f2bd6e56/Messages/{id}"),
        "resourceData": {"@odata.type": "#Microsoft.Graph.Message", "@odata.id": format!("Users/592f4b9b/Messages/{id}"), "id": id},
        "tenantId": "84bd8158-6d4d-4958-8b9f-9d6445542f95"});
    if let Some(c) = client_state {
        n["clientState"] = json!(c);
    }
    n
}

fn post(items: Vec<serde_json::Value>) -> webhook_runtime::core::WebhookRequest {
    request("POST", "/", &[("content-type", "application/json")], json!({"value": items}).to_string())
}

#[test]
fn every_notification_must_carry_the_client_state() {
    let p = graph_processor();
    let good = post(vec![notification("AAA1", Some(CLIENT_STATE)), notification("AAA2", Some("rotatedClientValue"))]);
    assert_authentic(&p, &good, at(0));
    assert_captured(&p.process(&good, at(0)), &[("notifications", "created", "AAA1"), ("notifications", "created", "AAA2")]);
    assert_not_authentic(&p, &post(vec![notification("AAA1", Some(CLIENT_STATE)), notification("AAA2", Some("forged"))]), at(0), "one foreign item");
    assert_not_authentic(&p, &post(vec![notification("AAA1", Some(CLIENT_STATE)), notification("AAA2", None)]), at(0), "one item without clientState");
    assert_not_authentic(&p, &post(vec![]), at(0), "an empty batch");
    assert_not_authentic(&p, &post(vec![notification("AAA1", Some("secretClientValuf"))]), at(0), "a one-character change");
}
