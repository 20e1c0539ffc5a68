//! GitHub's real example payloads through the generated GitHub connector.
//!
//! The payloads are not written here: they are the examples GitHub's SDK team (Octokit) publishes
//! in the npm package `@octokit/webhooks-examples`, pinned in `tests/payloads/package.json` (+
//! lockfile) and installed by the test into `target/real-payloads/` (reused while the pins are
//! unchanged). Its `api.github.com/index.json` lists every webhook event GitHub documents for
//! github.com, with `{name, actions, examples[]}` per event.
//!
//! Each example is sent as GitHub would send it (POST, `X-GitHub-Event`, a fresh
//! `X-GitHub-Delivery`, `Content-Type: application/json`, the example as compact JSON in its own
//! key order, `X-Hub-Signature-256` over those bytes) through the connector's core
//! (`webhook_runtime::core::Processor` with `source_github_webhook::VENDOR`), and must be captured
//! as one document:
//! - whose event type is `<event>` or `<event>.<action>`, as the discriminator of
//!   `vendor-definitions/github.yaml` composes it;
//! - in the collection github.yaml routes that type to (read from the YAML itself, not from the
//!   generated router), never `other_events` for an event github.yaml lists; an event GitHub
//!   documents and github.yaml does not list fails the test (the missing events are printed);
//! - under the delivery id, with the payload's fields intact and `_meta` carrying key and type;
//! - valid against `generated/source-github-webhook/schemas/<collection>.schema.json` (Flow rejects
//!   a document its collection's schema rejects, which would stop the capture).
//!
//! `ping` is the exception: it is the webhook's handshake, answered 200 and never captured.
//!
//! Only an install that fails because the package registry is unreachable skips (with a `SKIP`
//! line on stderr); every other failure fails.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use webhook_runtime::core::{Decision, Processor, WebhookRequest};
use webhookgen_e2e::install::{self, Install};
use webhookgen_e2e::{target_dir, workspace_root};

const SECRET: &str = "real-payloads-secret-6d1f";

/// The package and the file of its index that lists github.com's events.
const PACKAGE: &str = "@octokit/webhooks-examples";
const INDEX: &str = "api.github.com/index.json";

fn payload_sources() -> PathBuf {
    workspace_root().join("tests").join("payloads")
}

/// `target/real-payloads`, or `$WEBHOOKGEN_PAYLOADS_CACHE` (to try the offline path without
/// disturbing the real cache).
fn cache_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("WEBHOOKGEN_PAYLOADS_CACHE") {
        return PathBuf::from(dir);
    }
    target_dir().join("real-payloads")
}

/// The installed package folder, and how long the install took (zero when it was reused).
fn installed() -> &'static (Install, std::time::Duration) {
    static INSTALL: OnceLock<(Install, std::time::Duration)> = OnceLock::new();
    INSTALL.get_or_init(|| {
        let read = |name: &str| {
            std::fs::read_to_string(payload_sources().join(name))
                .unwrap_or_else(|e| panic!("reading tests/payloads/{name}: {e}"))
        };
        let stamp = format!("{}\n{}", read("package.json"), read("package-lock.json"));
        let started = Instant::now();
        let install = install::install(&cache_root(), "node", &stamp, |staging| {
            for file in ["package.json", "package-lock.json"] {
                std::fs::copy(payload_sources().join(file), staging.join(file)).expect("copying tests/payloads files");
            }
            vec![(install::npm_ci(staging), "npm ci")]
        });
        (install, started.elapsed())
    })
}

/// The package's folder; `None` (after a SKIP line naming `test`) when the registry is unreachable.
fn package_dir(test: &str) -> Option<PathBuf> {
    match &installed().0 {
        Install::Ready(dir) => Some(dir.join("node_modules").join(PACKAGE)),
        Install::Unreachable(reason) => {
            // Straight to the process's stderr: libtest captures `eprintln!`.
            let _ = writeln!(
                std::io::stderr(),
                "SKIP real_payloads::{test}: the package registry is unreachable, so {PACKAGE} could not be installed ({reason})"
            );
            None
        }
    }
}

/// One event of the index.
#[derive(Deserialize)]
struct IndexEvent {
    name: String,
    actions: Vec<String>,
    /// Each example as it appears in the file (its key order and numbers kept).
    examples: Vec<Box<RawValue>>,
}

/// JSON text without the whitespace between tokens (string contents untouched): the body as
/// GitHub sends it, in the example's own key order.
fn compact(json: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for &b in json.as_bytes() {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
            if b == b'"' {
                in_string = true;
            }
            out.push(b);
        }
    }
    out
}

/// A UUID (version 4 layout) derived from `seed`, so a rerun sends the same deliveries.
fn delivery_id(seed: &str) -> String {
    let mut b: [u8; 16] = Sha256::digest(seed.as_bytes())[..16].try_into().unwrap();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

fn signature(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The request GitHub sends for `event` with this body.
fn github_request(event: &str, delivery: &str, body: Vec<u8>) -> WebhookRequest {
    let headers = [
        ("Accept", "*/*".to_string()),
        ("Content-Type", "application/json".to_string()),
        ("User-Agent", "GitHub-Hookshot/044aadd".to_string()),
        ("X-GitHub-Delivery", delivery.to_string()),
        ("X-GitHub-Event", event.to_string()),
        ("X-GitHub-Hook-ID", "292430182".to_string()),
        ("X-GitHub-Hook-Installation-Target-ID", "79929171".to_string()),
        ("X-GitHub-Hook-Installation-Target-Type", "repository".to_string()),
        ("X-Hub-Signature-256", signature(&body)),
    ];
    WebhookRequest {
        method: "POST".into(),
        path_and_query: "/".into(),
        headers: headers.into_iter().map(|(n, v)| (n.to_string(), Bytes::from(v))).collect(),
        body: Bytes::from(body),
    }
}

/// What `vendor-definitions/github.yaml` says, read from the YAML itself.
struct GithubYaml {
    /// `(collection, values)` in definition order.
    types: Vec<(String, Vec<String>)>,
    /// The separator of the composite discriminator (`X-GitHub-Event` + `/action`).
    separator: String,
    /// The collection of unknown types.
    catch_all: String,
    /// The handshakes answered on `X-GitHub-Event` values (`ping`).
    handshake_events: BTreeSet<String>,
}

fn github_yaml() -> GithubYaml {
    let path = workspace_root().join("vendor-definitions").join("github.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let yaml: Value = yaml_serde::from_str(&text).expect("github.yaml is YAML");
    let events = &yaml["events"];
    let discriminator = &events["discriminator"];
    assert_eq!(
        (
            &discriminator["type"],
            &discriminator["parts"][0],
            &discriminator["parts"][1],
            discriminator["parts"].as_array().map(Vec::len)
        ),
        (
            &json!("composite"),
            &json!({"type": "header", "name": "X-GitHub-Event"}),
            &json!({"type": "body_pointer", "pointer": "/action"}),
            Some(2)
        ),
        "github.yaml's discriminator is no longer X-GitHub-Event + /action: update this test"
    );
    assert_eq!(events["document_key"], json!({"type": "header", "name": "X-GitHub-Delivery"}));
    assert_eq!(events["unknown_types"]["action"], "capture");
    let types = events["types"]
        .as_array()
        .expect("events.types")
        .iter()
        .map(|t| {
            let values = t["values"].as_array().expect("values").iter().map(|v| v.as_str().unwrap().to_string());
            (t["collection"].as_str().expect("collection").to_string(), values.collect())
        })
        .collect();
    let handshake_events = yaml["handshakes"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|h| h["when"].as_array().into_iter().flatten())
        .filter(|w| w["type"] == "equals" && w["value"] == json!({"type": "header", "name": "X-GitHub-Event"}))
        .map(|w| w["to"].as_str().expect("a string").to_string())
        .collect();
    GithubYaml {
        types,
        separator: discriminator["separator"].as_str().expect("separator").to_string(),
        catch_all: events["unknown_types"]["collection"].as_str().expect("unknown_types.collection").to_string(),
        handshake_events,
    }
}

/// `*` matches any run of characters.
fn glob(pattern: &[u8], value: &[u8]) -> bool {
    match pattern.split_first() {
        None => value.is_empty(),
        Some((b'*', rest)) => (0..=value.len()).any(|i| glob(rest, &value[i..])),
        Some((c, rest)) => value.split_first().is_some_and(|(v, vs)| v == c && glob(rest, vs)),
    }
}

impl GithubYaml {
    /// The collection of `event_type`: an exact value anywhere wins, otherwise the first pattern
    /// in definition order; `None` when no type matches (the catch-all).
    fn collection_of(&self, event_type: &str) -> Option<&str> {
        let exact = self.types.iter().find(|(_, values)| values.iter().any(|v| !v.contains('*') && v == event_type));
        let pattern = || {
            self.types
                .iter()
                .find(|(_, values)| values.iter().any(|v| v.contains('*') && glob(v.as_bytes(), event_type.as_bytes())))
        };
        exact.or_else(pattern).map(|(c, _)| c.as_str())
    }

    fn event_type(&self, event: &str, payload: &Value) -> String {
        match payload.get("action").and_then(Value::as_str) {
            Some(action) => format!("{event}{}{action}", self.separator),
            None => event.to_string(),
        }
    }
}

fn schema_validator(collection: &str) -> jsonschema::Validator {
    let path = workspace_root()
        .join("generated")
        .join("source-github-webhook")
        .join("schemas")
        .join(format!("{collection}.schema.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let schema: Value = serde_json::from_str(&text).expect("a schema is JSON");
    jsonschema::draft7::new(&schema).unwrap_or_else(|e| panic!("{}: not a valid draft-07 schema: {e}", path.display()))
}

#[test]
fn github_octokit_webhooks_examples_are_captured_routed_and_schema_valid() {
    let test = "github_octokit_webhooks_examples_are_captured_routed_and_schema_valid";
    let Some(package) = package_dir(test) else { return };
    let version: Value = serde_json::from_str(&std::fs::read_to_string(package.join("package.json")).unwrap()).unwrap();
    let index_text = std::fs::read_to_string(package.join(INDEX)).unwrap_or_else(|e| panic!("reading {INDEX}: {e}"));
    let index: Vec<IndexEvent> = serde_json::from_str(&index_text).expect("the index is [{name, actions, examples}]");

    let yaml = github_yaml();
    let processor = Processor::new(&source_github_webhook::VENDOR, &json!({"webhook_secret": [SECRET]}))
        .expect("the connector accepts the configuration");
    let now = SystemTime::now();

    let mut validators: BTreeMap<String, jsonschema::Validator> = BTreeMap::new();
    let mut failures: Vec<String> = Vec::new();
    let mut missing_events: BTreeMap<String, usize> = BTreeMap::new();
    let mut payloads = 0usize;
    let mut handshakes = 0usize;
    let mut per_collection: BTreeMap<String, usize> = BTreeMap::new();
    let mut event_types: BTreeSet<String> = BTreeSet::new();

    for event in &index {
        let handshake = yaml.handshake_events.contains(&event.name);
        if !handshake && yaml.collection_of(&event.name).is_none() {
            missing_events.insert(event.name.clone(), event.examples.len());
        }
        // Every action GitHub documents for the event (with an example or not) has a route of its own.
        for action in &event.actions {
            let event_type = format!("{}{}{action}", event.name, yaml.separator);
            if !handshake && yaml.collection_of(&event_type).is_none() && yaml.collection_of(&event.name).is_some() {
                failures.push(format!("{event_type}: a documented action that github.yaml does not route"));
            }
        }
        for (i, example) in event.examples.iter().enumerate() {
            payloads += 1;
            let what = format!("{} example #{i}", event.name);
            let payload: Value = serde_json::from_str(example.get()).expect("an example is JSON");
            let body = compact(example.get());
            assert_eq!(serde_json::from_slice::<Value>(&body).unwrap(), payload, "{what}: compacting changed the JSON");
            let delivery = delivery_id(&format!("{}/{i}", event.name));
            let request = github_request(&event.name, &delivery, body);
            let decision = processor.process(&request, now);

            if handshake {
                handshakes += 1;
                match &decision {
                    Decision::Reply(r) if r.status == 200 && r.outcome.starts_with("handshake:") => {}
                    other => failures.push(format!(
                        "{what}: the handshake was not answered 200 without capture: {}",
                        webhook_runtime::testing::describe(other)
                    )),
                }
                continue;
            }
            let events = match &decision {
                Decision::Capture { events, success } if success.status == 200 => events,
                other => {
                    let why = processor.authentication_failure(&request, now).map(|f| format!(" (authentication: {f})"));
                    failures.push(format!(
                        "{what}: not captured: {}{}",
                        webhook_runtime::testing::describe(other),
                        why.unwrap_or_default()
                    ));
                    continue;
                }
            };
            let [captured] = events.as_slice() else {
                failures.push(format!("{what}: {} documents instead of one", events.len()));
                continue;
            };
            let want_type = yaml.event_type(&event.name, &payload);
            let want_collection = yaml.collection_of(&want_type).unwrap_or(&yaml.catch_all);
            event_types.insert(want_type.clone());
            if captured.event_type != want_type {
                failures.push(format!("{what}: event type {:?}, github.yaml composes {want_type:?}", captured.event_type));
            }
            if captured.collection != want_collection {
                failures.push(format!(
                    "{what} ({want_type}): captured into {:?}, github.yaml routes it to {want_collection:?}",
                    captured.collection
                ));
            }
            if captured.key != delivery {
                failures.push(format!("{what}: key {:?} instead of the delivery id {delivery:?}", captured.key));
            }
            let mut doc: Value = match serde_json::from_slice(&captured.document) {
                Ok(doc) => doc,
                Err(e) => {
                    failures.push(format!("{what}: the document is not JSON: {e}"));
                    continue;
                }
            };
            if doc.pointer("/_meta/webhookId") != Some(&json!(delivery))
                || doc.pointer("/_meta/eventType") != Some(&json!(captured.event_type))
            {
                failures.push(format!("{what}: _meta does not carry the key and event type: {}", doc["_meta"]));
            }
            *per_collection.entry(captured.collection.clone()).or_default() += 1;
            let validator = validators.entry(captured.collection.clone()).or_insert_with(|| schema_validator(&captured.collection));
            let errors: Vec<String> = validator
                .iter_errors(&doc)
                .map(|e| format!("at {:?}: {e}", e.instance_path().to_string()))
                .collect();
            if !errors.is_empty() {
                failures.push(format!(
                    "{what} ({want_type}): the document fails schemas/{}.schema.json: {}",
                    captured.collection,
                    errors.join("; ")
                ));
            }
            doc.as_object_mut().unwrap().remove("_meta");
            if doc != payload {
                failures.push(format!("{what}: the document's fields differ from the payload's"));
            }
        }
    }

    let collections_total = yaml.types.len();
    let report = format!(
        "real_payloads: {PACKAGE} {} ({INDEX}): {payloads} payloads of {} events ({} event types with an example; \
         {} documented actions); {handshakes} ping handshakes answered; {} captured into {} of github.yaml's {collections_total} \
         collections; install {:.1?}{}",
        version["version"].as_str().unwrap_or("?"),
        index.len(),
        event_types.len(),
        index.iter().map(|e| e.actions.len()).sum::<usize>(),
        per_collection.values().sum::<usize>(),
        per_collection.len(),
        installed().1,
        if installed().1.as_millis() < 100 { " (reused)" } else { "" },
    );
    let _ = writeln!(std::io::stderr(), "{report}");
    let _ = writeln!(std::io::stderr(), "real_payloads: per collection: {per_collection:?}");
    if !missing_events.is_empty() {
        let _ = writeln!(
            std::io::stderr(),
            "real_payloads: events GitHub documents that github.yaml lacks (captured into {}): {missing_events:?}",
            yaml.catch_all
        );
        failures.push(format!(
            "{} events GitHub documents are not in github.yaml's types: {:?}",
            missing_events.len(),
            missing_events.keys().collect::<Vec<_>>()
        ));
    }
    assert!(failures.is_empty(), "{} mismatches with GitHub's real payloads:\n{}", failures.len(), failures.join("\n"));
}
