//! End to end with the vendors' official SDKs: each SDK signs a realistic delivery, which is posted to
//! the generated connector running standalone; the delivery must be stored in the right collection
//! under the right key, and the same request with one body byte changed must get 401.
//!
//! The SDKs are pinned in `tests/sdk/package.json` (+ lockfile) and `tests/sdk/requirements.txt` and
//! installed by the first test that needs them into `target/sdk-signers/` (a Node folder and a Python
//! venv, reused while the pins are unchanged). `tests/sdk/sign.mjs` and `tests/sdk/sign.py` turn one
//! JSON request on stdin into the signed headers and body. Only an install that fails because the
//! package registry is unreachable skips (with a `SKIP` line on stderr); every other failure fails.
//!
//! Square's, Paddle's, Discord's, SendGrid's, Linear's and Box's SDKs only verify: for them the script
//! signs as the vendor documents (Discord and SendGrid with a fresh key pair), the SDK's own verifier
//! must accept exactly that request, and only then is it posted (the tests are named
//! `…_verifies_what_the_connector_accepts`).
//!
//! Not covered, and why: Stripe's Python SDK has no public signer (only a private helper), AppsFlyer
//! authenticates with a static token that no SDK produces, and Recurly's Node and Python clients have
//! no webhook verifier (only its Ruby gem has one, from a registry this project does not use).

mod sdk {
    //! Installing the pinned SDKs once per test process, and running the signing scripts.

    use std::io::Write;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};
    use std::sync::OnceLock;

    use serde_json::Value;
    use webhookgen_e2e::install::{self, Install, run_capture};
    use webhookgen_e2e::{target_dir, workspace_root};

    /// The two signing toolchains.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Ecosystem {
        /// `tests/sdk/sign.mjs` with the packages of `tests/sdk/package.json`.
        Node,
        /// `tests/sdk/sign.py` with the packages of `tests/sdk/requirements.txt`.
        Python,
    }

    /// A request as the SDK signed it.
    #[derive(Debug, Clone)]
    pub struct Signed {
        /// Header names and values, as produced by the signing script.
        pub headers: Vec<(String, String)>,
        /// The body exactly as signed.
        pub body: Vec<u8>,
        /// The path and query the signature covers (`/` unless the script says otherwise).
        pub path: String,
        /// For an SDK that only verifies (the script signs as the vendor documents): whether the
        /// SDK's own verifier accepted exactly this request. `None` when the SDK signed it.
        pub verified: Option<bool>,
        /// What else the script reports (`Null` if nothing): the fresh key pair it signed with
        /// (Discord, SendGrid), and constants read from the SDK.
        pub facts: Value,
    }

    fn sdk_sources() -> PathBuf {
        workspace_root().join("tests").join("sdk")
    }

    /// `target/sdk-signers`, or `$WEBHOOKGEN_SDK_CACHE` (used to try the offline path without
    /// disturbing the real cache).
    fn cache_root() -> PathBuf {
        if let Some(dir) = std::env::var_os("WEBHOOKGEN_SDK_CACHE") {
            return PathBuf::from(dir);
        }
        target_dir().join("sdk-signers")
    }

    static NODE: OnceLock<Install> = OnceLock::new();
    static PYTHON: OnceLock<Install> = OnceLock::new();

    fn installed(ecosystem: Ecosystem) -> &'static Install {
        match ecosystem {
            Ecosystem::Node => NODE.get_or_init(|| {
                let install = install(ecosystem);
                if let Install::Ready(dir) = &install {
                    place_node_script(dir);
                }
                install
            }),
            Ecosystem::Python => PYTHON.get_or_init(|| install(ecosystem)),
        }
    }

    /// Copies `sign.mjs` beside `node_modules` (ES modules resolve packages next to the importing
    /// file), once per process and atomically (write, then rename), so that no concurrent `node`
    /// reads a half-written script.
    fn place_node_script(dir: &Path) {
        let partial = dir.join(format!("sign.mjs.{}", std::process::id()));
        std::fs::copy(sdk_sources().join("sign.mjs"), &partial).expect("copying sign.mjs");
        std::fs::rename(&partial, dir.join("sign.mjs")).expect("placing sign.mjs");
    }

    /// What the installation is made from; an installation whose stamp differs is redone.
    fn stamp(ecosystem: Ecosystem) -> String {
        let read = |name: &str| {
            std::fs::read_to_string(sdk_sources().join(name))
                .unwrap_or_else(|e| panic!("reading tests/sdk/{name}: {e}"))
        };
        match ecosystem {
            Ecosystem::Node => format!("{}\n{}", read("package.json"), read("package-lock.json")),
            Ecosystem::Python => {
                // The venv links to this interpreter: a different one means a new venv.
                let version = run_capture(
                    Command::new("python3").args(["-c", "import sys; print(sys.version, sys.base_prefix)"]),
                    "python3",
                );
                format!("{}{}", String::from_utf8_lossy(&version.stdout), read("requirements.txt"))
            }
        }
    }

    /// Installs into a fresh folder beside the final one, then renames it into place, so that an
    /// interrupted install is never mistaken for a finished one.
    fn install(ecosystem: Ecosystem) -> Install {
        let (name, stamp) = match ecosystem {
            Ecosystem::Node => ("node", stamp(ecosystem)),
            Ecosystem::Python => ("python", stamp(ecosystem)),
        };
        install::install(&cache_root(), name, &stamp, |staging| match ecosystem {
            Ecosystem::Node => {
                for file in ["package.json", "package-lock.json"] {
                    std::fs::copy(sdk_sources().join(file), staging.join(file)).expect("copying tests/sdk files");
                }
                vec![(install::npm_ci(staging), "npm ci")]
            }
            Ecosystem::Python => {
                let mut venv = Command::new("python3");
                venv.args(["-m", "venv"]).arg(staging.join("venv"));
                let mut pip = Command::new(staging.join("venv").join("bin").join("python"));
                pip.args([
                    "-m",
                    "pip",
                    "install",
                    "--no-input",
                    "--disable-pip-version-check",
                    "--retries",
                    "1",
                    "--timeout",
                    "30",
                    "-r",
                ])
                .arg(sdk_sources().join("requirements.txt"));
                vec![(venv, "python3 -m venv"), (pip, "pip install -r tests/sdk/requirements.txt")]
            }
        })
    }

    /// Signs with the SDK named in `request` (`"sdk"`); `None` (after a SKIP line naming `test`)
    /// when the registry is unreachable.
    pub fn sign(test: &str, ecosystem: Ecosystem, request: &Value) -> Option<Signed> {
        let dir = match installed(ecosystem) {
            Install::Ready(dir) => dir,
            Install::Unreachable(reason) => {
                // Straight to the process's stderr: libtest captures `eprintln!`.
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIP official_sdks::{test}: the package registry is unreachable, so the official SDK could not be installed ({reason})"
                );
                return None;
            }
        };
        let mut command = match ecosystem {
            Ecosystem::Node => {
                let mut c = Command::new("node");
                c.arg(dir.join("sign.mjs"));
                c
            }
            Ecosystem::Python => {
                let mut c = Command::new(dir.join("venv").join("bin").join("python"));
                c.arg(sdk_sources().join("sign.py"));
                c
            }
        };
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting the signing script");
        child.stdin.take().unwrap().write_all(request.to_string().as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "signing {request} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let signed: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("the signing script printed non-JSON ({e}): {}", String::from_utf8_lossy(&out.stdout))
        });
        let headers = signed["headers"]
            .as_object()
            .expect("headers object")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().expect("header values are strings").to_string()))
            .collect();
        let body = signed["body"].as_str().expect("body string").as_bytes().to_vec();
        let path = signed.get("path").map_or("/", |p| p.as_str().expect("path string")).to_string();
        let verified = signed.get("verified").map(|v| v.as_bool().expect("verified is a boolean"));
        let facts = signed.get("facts").cloned().unwrap_or(Value::Null);
        Some(Signed { headers, body, path, verified, facts })
    }
}

use serde_json::{Value, json};
use webhookgen_e2e::{Connector, Request, Response, Serving, client};

use sdk::{Ecosystem, Signed, sign};

impl Signed {
    fn request(&self) -> Request {
        let mut request = self.headers.iter().fold(Request::post(self.body.clone()), |r, (n, v)| r.header(n, v));
        request.path = self.path.clone();
        request
    }

    /// For a verify-only SDK: panics unless its own verifier accepted this request.
    fn verified_by_sdk(self, sdk: &str) -> Signed {
        assert_eq!(
            self.verified,
            Some(true),
            "{sdk}'s verifier rejects the request signed as the vendor documents: headers {:?}, body {}",
            self.headers,
            String::from_utf8_lossy(&self.body)
        );
        self
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("the SDK request has no {name} header: {:?}", self.headers))
    }

    /// The same request with one body byte changed: the first letter of the first string value,
    /// upper-cased, so the body stays valid JSON (or a valid form, holding JSON or plain fields) and
    /// only the signature can reject it.
    fn tampered(&self) -> Request {
        let mut request = self.request();
        let body = &mut request.body;
        let json_string_start = |i: usize| {
            body[i - 1] == b'"' && body[..i - 1].iter().rev().find(|b| !b.is_ascii_whitespace()) == Some(&b':')
        };
        let form_string_start = |i: usize| body[..i].ends_with(b"%3A%22");
        let plain_form = !matches!(body.iter().find(|b| !b.is_ascii_whitespace()), Some(b'{' | b'['));
        let form_value_start = |i: usize| plain_form && body[i - 1] == b'=';
        let at = (1..body.len())
            .find(|&i| {
                body[i].is_ascii_lowercase() && (json_string_start(i) || form_string_start(i) || form_value_start(i))
            })
            .expect("the body has a string value starting with a lowercase letter");
        body[at] = body[at].to_ascii_uppercase();
        request
    }
}

fn post(serving: &Serving, request: &Request) -> Response {
    client::send(serving.addr, request).expect("posting to the connector")
}

/// What one SDK-signed delivery must become.
struct Expect<'a> {
    collection: &'a str,
    key: &'a str,
    /// The header carrying the signature, which must be stored redacted.
    signature_header: &'a str,
    /// The event as sent: each of its fields must be stored as is.
    event: &'a Value,
}

/// Posts the tampered request (401), the signed one (2xx) and the tampered one again (401, the
/// stored key is not a way around the signature), then checks `export` holds exactly that document.
fn deliver(serving: &Serving, signed: &Signed, expect: &Expect) -> Value {
    deliver_rejecting(serving, signed, 401, std::slice::from_ref(expect)).remove(0)
}

/// [`deliver`] for a definition whose failed signatures get `rejected`, and for a batch: `export`
/// must hold exactly the `expected` documents (one per event of the batch, in any order). Returns
/// the stored documents in the order of `expected`.
fn deliver_rejecting(serving: &Serving, signed: &Signed, rejected: u16, expected: &[Expect]) -> Vec<Value> {
    deliver_tampered(serving, signed, &signed.tampered(), rejected, expected).1
}

/// [`deliver_rejecting`] with a given tampered copy (for a body whose first string is not signed):
/// also returns the connector's answer to the signed request.
fn deliver_tampered(
    serving: &Serving,
    signed: &Signed,
    tampered: &Request,
    rejected: u16,
    expected: &[Expect],
) -> (Response, Vec<Value>) {
    assert_eq!(
        post(serving, tampered).status,
        rejected,
        "one changed body byte is rejected; log:\n{}",
        serving.log_text()
    );
    let r = post(serving, &signed.request());
    assert!(
        (200..300).contains(&r.status),
        "the SDK-signed request got {} {:?}; headers {:?}; log:\n{}",
        r.status,
        r.text(),
        signed.headers,
        serving.log_text()
    );
    assert_eq!(post(serving, tampered).status, rejected, "a tampered copy of a stored delivery is still rejected");
    let stored = serving.export();
    assert_eq!(stored.len(), expected.len(), "exactly the signed delivery's events are stored: {stored:?}");
    let docs = expected
        .iter()
        .map(|expect| {
            let (collection, doc) = stored
                .iter()
                .find(|(_, doc)| doc["_meta"]["webhookId"] == expect.key)
                .unwrap_or_else(|| panic!("no document has the key {:?}: {stored:?}", expect.key));
            assert_eq!(collection, expect.collection, "collection of {doc}");
            for (field, value) in expect.event.as_object().expect("events are objects") {
                assert_eq!(&doc[field], value, "stored field {field}");
            }
            assert_eq!(
                doc["_meta"]["headers"][expect.signature_header.to_ascii_lowercase()],
                "<redacted>",
                "the signature header is redacted in {doc}"
            );
            doc.clone()
        })
        .collect();
    (r, docs)
}

// ---------------------------------------------------------------------------------------------
// Stripe

const STRIPE_SECRET: &str = "whsec_4f0b8c2d9e1a7f3b6c5d8e9f0a1b2c3d";

fn stripe_payment_intent_succeeded() -> Value {
    json!({
        "id": "evt_3QfKz2LkdIwHu7ix0gmR5Ehx",
        "object": "event",
        "api_version": "2025-09-30.clover",
        "created": 1795910000,
        "data": {"object": {
            "id": "pi_3QfKz2LkdIwHu7ix0d1Rk3cO",
            "object": "payment_intent",
            "amount": 2000,
            "amount_received": 2000,
            "currency": "usd",
            "customer": "cus_RZxe1fM6XWqV2H",
            "latest_charge": "ch_3QfKz2LkdIwHu7ix0kGq9mBv",
            "payment_method_types": ["card"],
            "status": "succeeded",
            "metadata": {"order_id": "6735"}
        }},
        "livemode": false,
        "pending_webhooks": 1,
        "request": {"id": "req_8xBq3Hn2L7cWdp", "idempotency_key": "8d1c6f0e-3f4b-4a53-9b7e-2f1b0a6c9d21"},
        "type": "payment_intent.succeeded"
    })
}

#[test]
fn stripe_node_sdk_generate_test_header_string() {
    let event = stripe_payment_intent_succeeded();
    // Pretty-printed like Stripe's deliveries: the signature covers the raw bytes, whitespace included.
    let request =
        json!({"sdk": "stripe", "secret": STRIPE_SECRET, "body": serde_json::to_string_pretty(&event).unwrap()});
    let Some(signed) = sign("stripe_node_sdk_generate_test_header_string", Ecosystem::Node, &request) else {
        return;
    };
    // Mid-rotation: the new secret is configured first, the SDK signs with the old one, still valid.
    let config = json!({"signing_secret": ["whsec_9c1e7a5b3d2f4e6a8b0c1d3e5f7a9b2c", STRIPE_SECRET]});
    let serving = Serving::start(&Connector::of("stripe"), &config, &[]);
    let doc = deliver(
        &serving,
        &signed,
        &Expect {
            collection: "payment_intent_succeeded",
            key: "evt_3QfKz2LkdIwHu7ix0gmR5Ehx",
            signature_header: "Stripe-Signature",
            event: &event,
        },
    );
    assert_eq!(doc["_meta"]["eventType"], "payment_intent.succeeded");

    // Signed by the SDK 400 s ago (Stripe's tolerance is 300 s): rejected, nothing stored.
    let mut stale_event = event.clone();
    stale_event["id"] = json!("evt_3QfKz2LkdIwHu7ix1Stale00");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let stale =
        json!({"sdk": "stripe", "secret": STRIPE_SECRET, "body": stale_event.to_string(), "timestamp": now - 400});
    let stale = sign("stripe_node_sdk_generate_test_header_string", Ecosystem::Node, &stale).expect("installed above");
    assert_eq!(post(&serving, &stale.request()).status, 401, "a delivery signed 400 s ago is rejected");
    assert_eq!(serving.export().len(), 1, "the stale delivery is not stored");
}

// ---------------------------------------------------------------------------------------------
// Standard Webhooks and Svix

const STANDARD_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

fn standard_webhooks_event(sdk: &str) -> Value {
    json!({
        "type": "invoice.paid",
        "timestamp": "2026-11-29T01:02:03.456Z",
        "data": {"invoice_id": "inv_2CwH5k9RzP", "customer_id": "cus_8Ld1", "amount_cents": 4900, "currency": "EUR", "via": sdk}
    })
}

/// One SDK signing for the Standard Webhooks connector; `prefix` is the header family the SDK uses
/// (`webhook-` for the standard, `svix-` for Svix, accepted through the definition's header aliases).
fn standard_webhooks_case(test: &str, ecosystem: Ecosystem, sdk: &str, prefix: &str) {
    let event = standard_webhooks_event(sdk);
    let id = format!("msg_2hVqkQ{}{}", sdk.len(), if ecosystem == Ecosystem::Node { "N" } else { "P" });
    let Some(signed) =
        sign(test, ecosystem, &json!({"sdk": sdk, "secret": STANDARD_SECRET, "id": &id, "body": event.to_string()}))
    else {
        return;
    };
    assert_eq!(signed.header(&format!("{prefix}-id")), id, "the SDK request uses {prefix}* headers");
    let serving =
        Serving::start(&Connector::of("standard-webhooks"), &json!({"signing_secret": [STANDARD_SECRET]}), &[]);
    let doc = deliver(
        &serving,
        &signed,
        &Expect { collection: "events", key: &id, signature_header: &format!("{prefix}-signature"), event: &event },
    );
    assert_eq!(doc["_meta"]["eventType"], "invoice.paid");
}

#[test]
fn standard_webhooks_python_sdk_webhook_headers() {
    standard_webhooks_case(
        "standard_webhooks_python_sdk_webhook_headers",
        Ecosystem::Python,
        "standardwebhooks",
        "webhook",
    );
}

#[test]
fn standard_webhooks_node_sdk_webhook_headers() {
    standard_webhooks_case(
        "standard_webhooks_node_sdk_webhook_headers",
        Ecosystem::Node,
        "standardwebhooks",
        "webhook",
    );
}

#[test]
fn svix_python_sdk_svix_headers() {
    standard_webhooks_case("svix_python_sdk_svix_headers", Ecosystem::Python, "svix", "svix");
}

#[test]
fn svix_node_sdk_svix_headers() {
    standard_webhooks_case("svix_node_sdk_svix_headers", Ecosystem::Node, "svix", "svix");
}

// ---------------------------------------------------------------------------------------------
// Slack

const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

#[test]
fn slack_python_sdk_signature_verifier() {
    let test = "slack_python_sdk_signature_verifier";
    let challenge = json!({"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"});
    let Some(handshake) = sign(
        test,
        Ecosystem::Python,
        &json!({"sdk": "slack_sdk", "secret": SLACK_SECRET, "body": challenge.to_string()}),
    ) else {
        return;
    };
    let event = json!({
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        "team_id": "T0001",
        "api_app_id": "A0KRD7HC3",
        "event": {"type": "message", "channel": "C2147483705", "user": "U2147483697", "text": "hello from slack_sdk", "ts": "1795910400.000200", "channel_type": "channel", "event_ts": "1795910400.000200"},
        "type": "event_callback",
        "authorizations": [{"enterprise_id": null, "team_id": "T0001", "user_id": "U0LAN0Z89", "is_bot": true, "is_enterprise_install": false}],
        "event_id": "Ev08MFMKH6",
        "event_time": 1795910400u64
    });
    let signed =
        sign(test, Ecosystem::Python, &json!({"sdk": "slack_sdk", "secret": SLACK_SECRET, "body": event.to_string()}))
            .expect("installed above");
    let serving = Serving::start(&Connector::of("slack"), &json!({"signing_secret": [SLACK_SECRET]}), &[]);

    assert_eq!(post(&serving, &handshake.tampered()).status, 401, "a tampered handshake is rejected");
    let r = post(&serving, &handshake.request());
    assert_eq!(r.status, 200, "{:?}; log:\n{}", r.text(), serving.log_text());
    assert_eq!(r.text(), "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "the challenge is echoed");
    assert!(serving.export().is_empty(), "the handshake is not captured");

    let doc = deliver(
        &serving,
        &signed,
        &Expect { collection: "message", key: "Ev08MFMKH6", signature_header: "X-Slack-Signature", event: &event },
    );
    assert_eq!(doc["_meta"]["eventType"], "message");
}

// ---------------------------------------------------------------------------------------------
// GitHub

const GITHUB_SECRET: &str = "8d3f0c1b6a2e4f9d7c5b3a1e0f2d4c6b";

#[test]
fn github_octokit_webhooks_methods_sign() {
    let test = "github_octokit_webhooks_methods_sign";
    let ping = json!({
        "zen": "Design for failure.",
        "hook_id": 292430182,
        "hook": {"type": "Repository", "id": 292430182, "name": "web", "active": true, "events": ["*"], "config": {"content_type": "json", "insecure_ssl": "0", "url": "https://capture.example.com/"}},
        "repository": {"id": 35129377, "name": "widgets", "full_name": "acme/widgets", "private": false},
        "sender": {"login": "octocat", "id": 1, "type": "User"}
    });
    let request = |event: &str, delivery: &str, body: &Value| json!({"sdk": "octokit", "secret": GITHUB_SECRET, "event": event, "id": delivery, "body": body.to_string()});
    let Some(ping) = sign(test, Ecosystem::Node, &request("ping", "7b1c2f30-cd8a-11f0-8a3e-51d4c2a0e1a1", &ping))
    else {
        return;
    };
    let push = json!({
        "ref": "refs/heads/main",
        "before": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
        "after": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
        "repository": {"id": 35129377, "name": "widgets", "full_name": "acme/widgets", "private": false, "default_branch": "main"},
        "pusher": {"name": "octocat", "email": "octocat@github.com"},
        "sender": {"login": "octocat", "id": 1, "type": "User"},
        "created": false,
        "deleted": false,
        "forced": false,
        "compare": "https://github.com/acme/widgets/compare/6113728f27ae...0d1a26e67d8f",
        "commits": [{"id": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", "message": "Update README.md", "timestamp": "2026-11-29T01:00:00Z", "author": {"name": "Mona Octocat", "email": "mona@github.com", "username": "octocat"}, "added": [], "removed": [], "modified": ["README.md"]}],
        "head_commit": {"id": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", "message": "Update README.md"}
    });
    let delivery = "9f3e2d10-cd8a-11f0-9c6b-0d2e8f1a4b77";
    let signed = sign(test, Ecosystem::Node, &request("push", delivery, &push)).expect("installed above");
    let serving = Serving::start(&Connector::of("github"), &json!({"webhook_secret": [GITHUB_SECRET]}), &[]);

    assert_eq!(post(&serving, &ping.tampered()).status, 401, "a tampered ping is rejected");
    let r = post(&serving, &ping.request());
    assert_eq!(r.status, 200, "{:?}; log:\n{}", r.text(), serving.log_text());
    assert!(serving.export().is_empty(), "the ping is not captured");

    let doc = deliver(
        &serving,
        &signed,
        &Expect { collection: "push", key: delivery, signature_header: "X-Hub-Signature-256", event: &push },
    );
    assert_eq!(doc["_meta"]["eventType"], "push");
}

// ---------------------------------------------------------------------------------------------
// Shopify

const SHOPIFY_SECRET: &str = "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";

#[test]
fn shopify_api_test_helpers_set_up_valid_request() {
    // Ids below 2^53: the helper parses and re-serialises the body in JavaScript.
    let order = json!({
        "id": 5732648173622u64,
        "admin_graphql_api_id": "gid://shopify/Order/5732648173622",
        "name": "#9999",
        "email": "jon@example.com",
        "created_at": "2026-11-28T20:06:44-05:00",
        "currency": "USD",
        "financial_status": "paid",
        "total_price": "403.00",
        "line_items": [{"id": 14276511261238u64, "title": "IPod Nano - 8GB", "quantity": 1, "price": "199.00", "sku": "IPOD2008PINK"}],
        "customer": {"id": 7012419485750u64, "email": "john@example.com", "first_name": "John", "last_name": "Smith"}
    });
    let webhook_id = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043";
    let request = json!({"sdk": "shopify", "secret": SHOPIFY_SECRET, "event": "orders/create", "id": webhook_id, "body": order.to_string()});
    let Some(signed) = sign("shopify_api_test_helpers_set_up_valid_request", Ecosystem::Node, &request) else {
        return;
    };
    let serving = Serving::start(&Connector::of("shopify"), &json!({"signing_secret": [SHOPIFY_SECRET]}), &[]);
    let doc = deliver(
        &serving,
        &signed,
        &Expect {
            collection: "orders_create",
            key: webhook_id,
            signature_header: "X-Shopify-Hmac-Sha256",
            event: &order,
        },
    );
    assert_eq!(doc["_meta"]["eventType"], "orders/create");
}

/// `application/x-www-form-urlencoded` encoding of one value (space as `+`), as GitHub's form
/// deliveries are written.
fn form_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn github_octokit_signs_a_form_encoded_delivery() {
    // With "Content type: application/x-www-form-urlencoded" GitHub sends `payload=<JSON>` and signs
    // those form bytes; the connector verifies them and captures the JSON of the `payload` field.
    let issue = json!({
        "action": "opened",
        "issue": {"id": 3635482113u64, "number": 1347, "title": "Found a bug", "state": "open", "user": {"login": "octocat", "id": 1}, "body": "I'm having a problem with this & that."},
        "repository": {"id": 35129377, "name": "widgets", "full_name": "acme/widgets", "private": false},
        "sender": {"login": "octocat", "id": 1, "type": "User"}
    });
    let delivery = "c0ffee00-cd8b-11f0-8f1e-3b5a7d9c2e41";
    let body = format!("payload={}", form_encode(&issue.to_string()));
    let request = json!({"sdk": "octokit", "secret": GITHUB_SECRET, "event": "issues", "id": delivery, "body": body});
    let Some(mut signed) = sign("github_octokit_signs_a_form_encoded_delivery", Ecosystem::Node, &request) else {
        return;
    };
    for (name, value) in &mut signed.headers {
        if name == "content-type" {
            *value = "application/x-www-form-urlencoded".into();
        }
    }
    let serving = Serving::start(&Connector::of("github"), &json!({"webhook_secret": [GITHUB_SECRET]}), &[]);
    let doc = deliver(
        &serving,
        &signed,
        &Expect { collection: "issues", key: delivery, signature_header: "X-Hub-Signature-256", event: &issue },
    );
    assert_eq!(doc["_meta"]["eventType"], "issues.opened");
}

/// Seconds since the Unix epoch.
fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

// ---------------------------------------------------------------------------------------------
// Twilio

const TWILIO_AUTH_TOKEN: &str = "7c1e9a4f2b6d8e0a3c5f7b9d1e3a5c7f";
const TWILIO_PUBLIC_URL: &str = "https://hooks.example.com";

/// One form-encoded Twilio webhook to `path` (signed over the public URL + path and query), which
/// must be stored in `collection` under `key`; the same signed request sent to another path is
/// rejected (Twilio signs the URL). `false` when the SDK could not be installed (skipped).
fn twilio_case(test: &str, path: &str, fields: &[(&str, &str)], collection: &str, key: &str, event_type: &str) -> bool {
    let url = format!("{TWILIO_PUBLIC_URL}{path}");
    let request =
        json!({"sdk": "twilio", "secret": TWILIO_AUTH_TOKEN, "url": url, "id": format!("{key}-0"), "params": fields});
    let Some(signed) = sign(test, Ecosystem::Node, &request) else {
        return false;
    };
    assert_eq!(signed.path, path, "the request goes to the path that was signed");
    // A repeated field is stored as an array of its values, in the order sent.
    let mut event = serde_json::Map::new();
    for (name, value) in fields {
        match event.get_mut(*name) {
            None => {
                event.insert(name.to_string(), json!(value));
            }
            Some(Value::Array(values)) => values.push(json!(value)),
            Some(first) => *first = json!([first.take(), value]),
        }
    }
    let event = Value::Object(event);
    let config = json!({"auth_token": [TWILIO_AUTH_TOKEN], "public_url": TWILIO_PUBLIC_URL});
    let serving = Serving::start(&Connector::of("twilio"), &config, &[]);
    // twilio.yaml: authentication_failed_status 403.
    let doc = deliver_rejecting(
        &serving,
        &signed,
        403,
        &[Expect { collection, key, signature_header: "X-Twilio-Signature", event: &event }],
    )
    .remove(0);
    assert_eq!(doc["_meta"]["eventType"], event_type);
    let mut elsewhere = signed.request();
    elsewhere.path = "/twilio/other".into();
    assert_eq!(post(&serving, &elsewhere).status, 403, "the signature covers the URL: another path is rejected");
    assert_eq!(serving.export().len(), 1, "nothing more is stored");
    true
}

#[test]
fn twilio_node_sdk_get_expected_twilio_signature() {
    let test = "twilio_node_sdk_get_expected_twilio_signature";
    // An incoming SMS ("A message comes in" webhook), with the fields Twilio documents; the text has
    // spaces, punctuation, an accent and an emoji, so the form's percent-encoding matters.
    let incoming = [
        ("ToCountry", "US"),
        ("ToState", "CA"),
        ("SmsMessageSid", "SM7f3c1e5a9b2d4f6e8a0c2e4f6a8b0c2d"),
        ("NumMedia", "0"),
        ("ToCity", "SAN FRANCISCO"),
        ("FromZip", "94105"),
        ("SmsSid", "SM7f3c1e5a9b2d4f6e8a0c2e4f6a8b0c2d"),
        ("FromState", "CA"),
        ("SmsStatus", "received"),
        ("FromCity", "SAN FRANCISCO"),
        ("Body", "Hi! Is 8:30 ok for the café? 👍 (reply Y/N) 100% sure & ready"),
        ("FromCountry", "US"),
        ("To", "+15558675310"),
        ("MessagingServiceSid", "MG2b4d6f8a0c2e4a6c8e0a2c4e6a8c0e2a"),
        ("ToZip", "94103"),
        ("NumSegments", "1"),
        ("MessageSid", "SM7f3c1e5a9b2d4f6e8a0c2e4f6a8b0c2d"),
        ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        ("From", "+15017122661"),
        ("ApiVersion", "2010-04-01"),
    ];
    if !twilio_case(
        test,
        "/twilio/sms",
        &incoming,
        "incoming_message",
        "SM7f3c1e5a9b2d4f6e8a0c2e4f6a8b0c2d:received",
        "received",
    ) {
        return;
    }
    // A messaging status callback to a StatusCallback URL with a query string (signed with it).
    let delivered = [
        ("SmsSid", "SM9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"),
        ("SmsStatus", "delivered"),
        ("MessageStatus", "delivered"),
        ("To", "+15558675310"),
        ("MessagingServiceSid", "MG2b4d6f8a0c2e4a6c8e0a2c4e6a8c0e2a"),
        ("MessageSid", "SM9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"),
        ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        ("From", "+15017122661"),
        ("ApiVersion", "2010-04-01"),
        ("RawDlrDoneDate", "2611290115"),
    ];
    if !twilio_case(
        test,
        "/twilio/status?tenant=acme&kind=sms",
        &delivered,
        "message_status",
        "SM9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d:delivered",
        "delivered",
    ) {
        return;
    }
    // An incoming MMS whose form repeats a name out of order and with a duplicate value: twilio-node
    // signs the name's distinct values sorted (`Array.from(new Set(values)).sort()`), and so must the
    // connector; all three values are stored, in the order sent.
    let media = "https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/MM3c5e7a9b1d2f4e6a8c0b2d4f6a8c0e2b/Media";
    let (second, first) =
        (format!("{media}/ME9f8e7d6c5b4a39281706f5e4d3c2b1a0"), format!("{media}/ME0a1b2c3d4e5f60718293a4b5c6d7e8f9"));
    let mms = [
        ("ToCountry", "US"),
        ("SmsMessageSid", "MM3c5e7a9b1d2f4e6a8c0b2d4f6a8c0e2b"),
        ("NumMedia", "2"),
        ("SmsSid", "MM3c5e7a9b1d2f4e6a8c0b2d4f6a8c0e2b"),
        ("SmsStatus", "received"),
        ("Body", "two photos"),
        ("MediaUrl", second.as_str()),
        ("MediaUrl", first.as_str()),
        ("MediaUrl", second.as_str()),
        ("To", "+15558675310"),
        ("MessageSid", "MM3c5e7a9b1d2f4e6a8c0b2d4f6a8c0e2b"),
        ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        ("From", "+15017122661"),
        ("ApiVersion", "2010-04-01"),
    ];
    twilio_case(
        test,
        "/twilio/mms",
        &mms,
        "incoming_message",
        "MM3c5e7a9b1d2f4e6a8c0b2d4f6a8c0e2b:received",
        "received",
    );
}

// ---------------------------------------------------------------------------------------------
// Twilio Event Streams

/// What twilio-node's `validateRequestWithBody` says about `request` as the connector receives it: the
/// configured public URL followed by the request's path and query, its body and its X-Twilio-Signature.
fn twilio_sdk_accepts(test: &str, request: &Request) -> bool {
    let (_, signature) = request
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("X-Twilio-Signature"))
        .expect("the request has an X-Twilio-Signature");
    let check = json!({
        "sdk": "twilio-event-streams",
        "secret": TWILIO_AUTH_TOKEN,
        "url": format!("{TWILIO_PUBLIC_URL}{}", request.path),
        "body": String::from_utf8(request.body.clone()).expect("a UTF-8 body"),
        "signature": signature,
    });
    let answer = sign(test, Ecosystem::Node, &check).expect("installed above");
    answer.verified.expect("the script reports the verifier's answer")
}

#[test]
fn twilio_event_streams_node_sdk_validate_request_with_body() {
    let test = "twilio_event_streams_node_sdk_validate_request_with_body";
    // A sink delivery holding two CloudEvents of different types (Twilio documents the body as an array,
    // one event today), in Twilio's field order: the outbound-message and inbound-message examples of
    // vendor-definitions/twilio-event-streams.yaml.
    let body = concat!(
        "[",
        r#"{"specversion":"1.0","type":"com.twilio.messaging.message.delivered","#,
        r#""source":"/v1/Events/messaging_outbound_message","id":"EZ7b518fd281b6c47905d9a09d294aecd7","#,
        r#""dataschema":"https://events-schemas.twilio.com/Messaging.MessageStatus/8","#,
        r#""datacontenttype":"application/json","time":"2025-01-01T00:00:00.000Z","#,
        r#""data":{"messageSid":"SM0000000000000000000000000000001","timestamp":"2025-01-01T00:00:00.000Z","#,
        r#""accountSid":"AC0000000000000000000000000000001","#,
        r#""eventName":"com.twilio.messaging.message.delivered","apiVersion":"2010-04-01","#,
        r#""from":"+14015551212","to":"+14155555555","messageStatus":"DELIVERED","#,
        r#""messagingServiceSid":"MG0000000000000000000000000000001","numberOfSegments":1,"#,
        r#""rawDlrDoneDate":"2025-01-01T00:00:00.000Z","tags":{}}}"#,
        ",",
        r#"{"specversion":"1.0","type":"com.twilio.messaging.inbound-message.received","#,
        r#""source":"/v1/Events/messaging_inbound_message","id":"EZa7cebd287a19d900adae49e339e61e5d","#,
        r#""dataschema":"https://events-schemas.twilio.com/Messaging.InboundMessageV1/6","#,
        r#""datacontenttype":"application/json","time":"2025-01-01T00:00:00.000Z","#,
        r#""data":{"messageSid":"SM0000000000000000000000000000002","timestamp":"2025-01-01T00:00:00.000Z","#,
        r#""accountSid":"AC0000000000000000000000000000001","#,
        r#""eventName":"com.twilio.messaging.inbound-message.received","from":"+11234567890","#,
        r#""to":"+12345678901","numMedia":0,"body":"Ahoy!","toCountry":"US","toState":"FL","#,
        r#""toCity":"FORT MEADE","toZip":"33841","fromCountry":"US","fromState":"NH","fromCity":"NASHUA","#,
        r#""fromZip":"03049","mnc":"090","mcc":"310","#,
        r#""messagingServiceSid":"MG0000000000000000000000000000001"}}"#,
        "]",
    );
    let events: Vec<Value> = serde_json::from_str(body).expect("the body is JSON");
    // The sink's destination has its own query; the SDK signs the URL with bodySHA256 appended to it.
    let sink = format!("{TWILIO_PUBLIC_URL}/events?tenant=acme");
    let request = json!({"sdk": "twilio-event-streams", "secret": TWILIO_AUTH_TOKEN, "url": sink, "body": body});
    // The script requires the SDK's own validateRequestWithBody to accept what it signed.
    let Some(signed) = sign(test, Ecosystem::Node, &request) else {
        return;
    };
    let hash = sha256_hex(body.as_bytes());
    assert_eq!(signed.facts["body_sha256"], hash.as_str(), "getExpectedBodyHash is the hex SHA-256 of the raw body");
    assert_eq!(signed.path, format!("/events?tenant=acme&bodySHA256={hash}"), "bodySHA256 follows the sink's query");
    assert_eq!(signed.body, body.as_bytes(), "the body is sent as signed");

    // One body byte changed, URL and signature kept (the first event's type, `com.` -> `Com.`), and the
    // signed request posted to another path (query and body kept): the SDK rejects both.
    let tampered = signed.tampered();
    assert_ne!(tampered.body, signed.body);
    assert!(!twilio_sdk_accepts(test, &tampered), "validateRequestWithBody rejects the changed body");
    let mut elsewhere = signed.request();
    elsewhere.path = format!("/events/other?tenant=acme&bodySHA256={hash}");
    assert!(!twilio_sdk_accepts(test, &elsewhere), "validateRequestWithBody rejects another path");

    let config = json!({"auth_token": [TWILIO_AUTH_TOKEN], "public_url": TWILIO_PUBLIC_URL});
    let serving = Serving::start(&Connector::of("twilio-event-streams"), &config, &[]);
    // twilio-event-streams.yaml: authentication_failed_status 403.
    assert_eq!(post(&serving, &tampered).status, 403, "a changed body is rejected; log:\n{}", serving.log_text());
    assert!(serving.export().is_empty(), "nothing of the tampered delivery is stored");
    let header = "X-Twilio-Signature";
    let (_, docs) = deliver_tampered(
        &serving,
        &signed,
        &tampered,
        403,
        &[
            Expect {
                collection: "messaging_outbound_message",
                key: "EZ7b518fd281b6c47905d9a09d294aecd7",
                signature_header: header,
                event: &events[0],
            },
            Expect {
                collection: "messaging_inbound_message",
                key: "EZa7cebd287a19d900adae49e339e61e5d",
                signature_header: header,
                event: &events[1],
            },
        ],
    );
    for (doc, event) in docs.iter().zip(&events) {
        assert_eq!(doc["_meta"]["eventType"], event["type"]);
    }
    assert_eq!(post(&serving, &elsewhere).status, 403, "the signature covers the URL: another path is rejected");
    assert_eq!(serving.export().len(), 2, "nothing more is stored");
}

// ---------------------------------------------------------------------------------------------
// Square (the SDK only verifies)

const SQUARE_SIGNATURE_KEY: &str = "Ibxx_5AKakO-3qeNVR61Dw";
const SQUARE_NOTIFICATION_URL: &str = "https://connector.example.com/square";

#[test]
fn square_node_sdk_verifies_what_the_connector_accepts() {
    // A `payment.updated` notification as in Square's webhook reference.
    let event = json!({
        "merchant_id": "6SSW7HV8K2ST5",
        "type": "payment.updated",
        "event_id": "6a8f5f28-54a1-4eb0-a98a-3111513fd4fc",
        "created_at": "2026-11-22T21:16:51.198Z",
        "data": {
            "type": "payment",
            "id": "hYy9pRFVxpDsO1FB05SunFWUe9JZY",
            "object": {"payment": {
                "amount_money": {"amount": 100, "currency": "USD"},
                "approved_money": {"amount": 100, "currency": "USD"},
                "card_details": {
                    "avs_status": "AVS_ACCEPTED",
                    "card": {"bin": "540988", "card_brand": "MASTERCARD", "card_type": "CREDIT", "exp_month": 11, "exp_year": 2028, "fingerprint": "sq-1-Tvruf3vPQxlvI6n0IcKYfBukrcv6IqWr8UyBdViWXU2yzGn5VMJvrsHMKpINMhPmVg", "last_4": "9029", "prepaid_type": "NOT_PREPAID"},
                    "card_payment_timeline": {"authorized_at": "2026-11-22T21:16:51.198Z", "captured_at": "2026-11-22T21:19:00.832Z"},
                    "cvv_status": "CVV_ACCEPTED",
                    "entry_method": "KEYED",
                    "statement_description": "SQ *DEFAULT TEST ACCOUNT",
                    "status": "CAPTURED"
                },
                "created_at": "2026-11-22T21:16:51.086Z",
                "id": "hYy9pRFVxpDsO1FB05SunFWUe9JZY",
                "location_id": "S8GWD5R9QB376",
                "order_id": "03O3USaPaAaFnI6kkwB1JxGgBsUZY",
                "receipt_number": "hYy9",
                "receipt_url": "https://squareup.com/receipt/preview/hYy9pRFVxpDsO1FB05SunFWUe9JZY",
                "risk_evaluation": {"created_at": "2026-11-22T21:16:51.198Z", "risk_level": "NORMAL"},
                "source_type": "CARD",
                "status": "COMPLETED",
                "total_money": {"amount": 100, "currency": "USD"},
                "updated_at": "2026-11-22T21:19:00.831Z",
                "version_token": "bhC3b8tKjvsJtRAz7XWMmDPlNTB8Gc2ItlsR6sgc8Hh6o"
            }}
        }
    });
    let request = json!({"sdk": "square", "secret": SQUARE_SIGNATURE_KEY, "url": SQUARE_NOTIFICATION_URL, "body": event.to_string()});
    let Some(signed) = sign("square_node_sdk_verifies_what_the_connector_accepts", Ecosystem::Node, &request) else {
        return;
    };
    let signed = signed.verified_by_sdk("square WebhooksHelper.verifySignature");
    let config = json!({"signature_key": [SQUARE_SIGNATURE_KEY], "notification_url": SQUARE_NOTIFICATION_URL});
    let serving = Serving::start(&Connector::of("square"), &config, &[]);
    let doc = deliver(
        &serving,
        &signed,
        &Expect {
            collection: "payment",
            key: "6a8f5f28-54a1-4eb0-a98a-3111513fd4fc",
            signature_header: "x-square-hmacsha256-signature",
            event: &event,
        },
    );
    assert_eq!(doc["_meta"]["eventType"], "payment.updated");
}

// ---------------------------------------------------------------------------------------------
// Paddle (the SDK only verifies)

const PADDLE_SECRET_KEY: &str = "pdl_ntfset_01hv8x2af0pzdrtkc6mmrdr3q8_Ra3kL9q2xWf7mZc1Pv8tYbN0";

fn paddle_transaction_completed(event_id: &str) -> Value {
    // A `transaction.completed` notification as in Paddle's webhook reference (prices and totals
    // abridged to one item).
    json!({
        "event_id": event_id,
        "event_type": "transaction.completed",
        "occurred_at": "2026-11-29T01:18:49.621022Z",
        "notification_id": "ntf_01jdzx2af0pzdrtkc6mmrdr3q8",
        "data": {
            "id": "txn_01jdzwptq8987qeep44cyrewp9",
            "items": [{
                "price": {
                    "id": "pri_01gsz8x8sawmvhz1pv30nge1ke",
                    "name": "Monthly (per seat)",
                    "type": "standard",
                    "status": "active",
                    "quantity": {"maximum": 999, "minimum": 1},
                    "tax_mode": "account_setting",
                    "created_at": "2026-02-23T13:55:22.538367Z",
                    "product_id": "pro_01gsz4t5hdjse780zja8vvr7jg",
                    "unit_price": {"amount": "3000", "currency_code": "USD"},
                    "updated_at": "2026-04-11T13:54:52.254748Z",
                    "custom_data": null,
                    "description": "Monthly",
                    "import_meta": null,
                    "trial_period": null,
                    "billing_cycle": {"interval": "month", "frequency": 1},
                    "unit_price_overrides": []
                },
                "quantity": 10,
                "proration": null
            }],
            "origin": "web",
            "status": "completed",
            "details": {
                "totals": {"fee": "1545", "tax": "5220", "total": "35220", "credit": "0", "balance": "0", "discount": "0", "earnings": "28455", "subtotal": "30000", "grand_total": "35220", "currency_code": "USD", "credit_to_balance": "0"},
                "line_items": [{
                    "id": "txnitm_01jdzwt98jahpbm1t1tzr06z6n",
                    "totals": {"tax": "5220", "total": "35220", "discount": "0", "subtotal": "30000"},
                    "item_id": null,
                    "product": {"id": "pro_01gsz4t5hdjse780zja8vvr7jg", "name": "AeroEdit Pro", "type": "standard", "status": "active", "image_url": "https://buyer-example.paddle.com/aeroedit-pro.png", "created_at": "2026-02-23T12:43:46.605Z", "updated_at": "2026-04-05T15:53:44.687Z", "custom_data": {"features": {"sso": false, "route_planning": true, "payment_by_invoice": false}, "suggested_addons": ["pro_01h1vjes1y163xfj1rh1tkfb65"], "upgrade_description": null}, "description": "Designed for professional pilots, including all features plus in Basic plus compliance monitoring, route optimization, and third-party integrations.", "import_meta": null, "tax_category": "standard"},
                    "price_id": "pri_01gsz8x8sawmvhz1pv30nge1ke",
                    "quantity": 10,
                    "tax_rate": "0.174",
                    "unit_totals": {"tax": "522", "total": "3522", "discount": "0", "subtotal": "3000"},
                    "proration": null
                }],
                "payout_totals": {"fee": "1545", "tax": "5220", "total": "35220", "credit": "0", "balance": "0", "discount": "0", "earnings": "28455", "fee_rate": "0.05", "subtotal": "30000", "grand_total": "35220", "currency_code": "USD", "exchange_rate": "1", "credit_to_balance": "0"},
                "tax_rates_used": [{"totals": {"tax": "5220", "total": "35220", "discount": "0", "subtotal": "30000"}, "tax_rate": "0.174"}],
                "adjusted_totals": {"fee": "1545", "tax": "5220", "total": "35220", "earnings": "28455", "subtotal": "30000", "grand_total": "35220", "currency_code": "USD"}
            },
            "checkout": {"url": "https://aeroedit.com/pay?_ptxn=txn_01jdzwptq8987qeep44cyrewp9"},
            "payments": [{
                "amount": "35220",
                "status": "captured",
                "created_at": "2026-11-29T01:18:47.635628Z",
                "error_code": null,
                "captured_at": "2026-11-29T01:18:48.773116Z",
                "method_details": {"card": {"type": "visa", "last4": "3184", "expiry_year": 2028, "expiry_month": 1, "cardholder_name": "Michael McGovern"}, "type": "card"},
                "payment_method_id": "paymtd_01jdzx1tpjfnttxddw73xnqx6s",
                "payment_attempt_id": "8f72cfa6-26b4-4a57-91dc-8f2708f7822d",
                "stored_payment_method_id": "5c7b8a0e-1b8c-4d3a-9e2f-4c6d8e0a2b4c"
            }],
            "billed_at": "2026-11-29T01:18:48.294633Z",
            "address_id": "add_01hv8gq3318ktkfengj2r75gfx",
            "created_at": "2026-11-29T01:12:33.2014Z",
            "invoice_id": "inv_01jdzx29nsh54c2pgt0hnq0zkx",
            "revised_at": null,
            "updated_at": "2026-11-29T01:18:49.738971Z",
            "business_id": null,
            "custom_data": null,
            "customer_id": "ctm_01hv6y1jedq4p1n0yqn5ba3ky4",
            "discount_id": null,
            "currency_code": "USD",
            "billing_period": {"ends_at": "2026-12-29T01:18:48.294633Z", "starts_at": "2026-11-29T01:18:48.294633Z"},
            "invoice_number": "325-10566",
            "billing_details": null,
            "collection_mode": "automatic",
            "subscription_id": "sub_01jdzx29kz0t586xy6zn1a62ny"
        }
    })
}

#[test]
fn paddle_node_sdk_verifies_what_the_connector_accepts() {
    let test = "paddle_node_sdk_verifies_what_the_connector_accepts";
    let serving = Serving::start(&Connector::of("paddle"), &json!({"secret_key": [PADDLE_SECRET_KEY]}), &[]);
    // Signed now, after the connector is up: the SDK and the connector allow 5 seconds.
    let event = paddle_transaction_completed("evt_01jdzx2acma2gz2hvx6ps3fcq0");
    let request =
        json!({"sdk": "paddle", "secret": PADDLE_SECRET_KEY, "body": event.to_string(), "timestamp": unix_now()});
    let Some(signed) = sign(test, Ecosystem::Node, &request) else {
        return;
    };
    let signed = signed.verified_by_sdk("paddle webhooks.unmarshal");
    let doc = deliver(
        &serving,
        &signed,
        &Expect {
            collection: "transaction",
            key: "evt_01jdzx2acma2gz2hvx6ps3fcq0",
            signature_header: "Paddle-Signature",
            event: &event,
        },
    );
    assert_eq!(doc["_meta"]["eventType"], "transaction.completed");

    // Signed 30 s ago: the SDK rejects it, and so does the connector; nothing is stored.
    let stale_event = paddle_transaction_completed("evt_01jdzx2acma2gz2hvx6ps3stale");
    let stale = json!({"sdk": "paddle", "secret": PADDLE_SECRET_KEY, "body": stale_event.to_string(), "timestamp": unix_now() - 30});
    let stale = sign(test, Ecosystem::Node, &stale).expect("installed above");
    assert_eq!(stale.verified, Some(false), "paddle's SDK rejects a signature 30 s old");
    assert_eq!(post(&serving, &stale.request()).status, 401, "a delivery signed 30 s ago is rejected");
    assert_eq!(serving.export().len(), 1, "the stale delivery is not stored");
}

// ---------------------------------------------------------------------------------------------
// HubSpot

const HUBSPOT_CLIENT_SECRET: &str = "3b0e6f2a-8c4d-4e1f-9a7b-5d2c8e0f4a61";
const HUBSPOT_TARGET_URL: &str = "https://webhooks.example.com/hubspot";

#[test]
fn hubspot_node_sdk_signature_v3() {
    let test = "hubspot_node_sdk_signature_v3";
    // A batch as in HubSpot's Webhooks API reference: two contact events and a deal event.
    let events = [
        json!({"eventId": 1937454051u64, "subscriptionId": 2371823, "portalId": 62515, "appId": 1160452, "occurredAt": 1795910400123u64, "subscriptionType": "contact.propertyChange", "attemptNumber": 0, "objectId": 1246965, "propertyName": "lifecyclestage", "propertyValue": "customer", "changeSource": "CRM_UI", "sourceId": "userId:1234567"}),
        json!({"eventId": 1937454052u64, "subscriptionId": 2371820, "portalId": 62515, "appId": 1160452, "occurredAt": 1795910400456u64, "subscriptionType": "contact.creation", "attemptNumber": 0, "objectId": 1246978, "changeFlag": "CREATED", "changeSource": "IMPORT"}),
        json!({"eventId": 3816279480u64, "subscriptionId": 2371830, "portalId": 62515, "appId": 1160452, "occurredAt": 1795910401000u64, "subscriptionType": "deal.creation", "attemptNumber": 0, "objectId": 9876543210u64, "changeFlag": "CREATED", "changeSource": "CRM_UI", "sourceId": "userId:1234567"}),
    ];
    let body = Value::Array(events.to_vec()).to_string();
    let request = json!({"sdk": "hubspot", "secret": HUBSPOT_CLIENT_SECRET, "url": HUBSPOT_TARGET_URL, "body": body});
    let Some(signed) = sign(test, Ecosystem::Node, &request) else {
        return;
    };
    let signed = signed.verified_by_sdk("hubspot Signature.isValid");
    let config = json!({"client_secret": [HUBSPOT_CLIENT_SECRET], "target_url": HUBSPOT_TARGET_URL});
    let serving = Serving::start(&Connector::of("hubspot"), &config, &[]);
    let header = "X-HubSpot-Signature-v3";
    let docs = deliver_rejecting(
        &serving,
        &signed,
        401,
        &[
            Expect {
                collection: "contacts",
                key: "62515:2371823:1937454051:1795910400123",
                signature_header: header,
                event: &events[0],
            },
            Expect {
                collection: "contacts",
                key: "62515:2371820:1937454052:1795910400456",
                signature_header: header,
                event: &events[1],
            },
            Expect {
                collection: "deals",
                key: "62515:2371830:3816279480:1795910401000",
                signature_header: header,
                event: &events[2],
            },
        ],
    );
    for (doc, event) in docs.iter().zip(&events) {
        assert_eq!(doc["_meta"]["eventType"], event["subscriptionType"]);
    }

    // Signed 400 s ago (the SDK's limit is 5 minutes): the SDK rejects it, and so does the connector.
    let stale_events = json!([{"eventId": 1937454099u64, "subscriptionId": 2371820, "portalId": 62515, "appId": 1160452, "occurredAt": 1795910000000u64, "subscriptionType": "contact.creation", "attemptNumber": 0, "objectId": 1246999, "changeFlag": "CREATED", "changeSource": "CRM_UI"}]);
    let stale = json!({"sdk": "hubspot", "secret": HUBSPOT_CLIENT_SECRET, "url": HUBSPOT_TARGET_URL, "body": stale_events.to_string(), "timestamp": unix_now() - 400});
    let stale = sign(test, Ecosystem::Node, &stale).expect("installed above");
    assert_eq!(stale.verified, Some(false), "HubSpot's SDK rejects a v3 timestamp 400 s old");
    assert_eq!(post(&serving, &stale.request()).status, 401, "a batch signed 400 s ago is rejected");
    assert_eq!(serving.export().len(), 3, "the stale batch is not stored");
}

// ---------------------------------------------------------------------------------------------
// Adyen

const ADYEN_HMAC_KEY: &str = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";
const ADYEN_USERNAME: &str = "adyen_webhook";
const ADYEN_PASSWORD: &str = "adyen-test-password-7c41";

#[test]
fn adyen_node_sdk_hmac_validator_calculate_hmac() {
    let test = "adyen_node_sdk_hmac_validator_calculate_hmac";
    // Two NotificationRequestItems as in Adyen's Webhooks API reference (AUTHORISATION and CAPTURE of
    // one payment), each signed by the SDK into its additionalData.hmacSignature. Adyen's JSON webhooks
    // carry one item; two show that every item is verified (SOAP batches hold up to six).
    let items = json!([
        {
            "additionalData": {"authCode": "076181", "avsResult": "5 No AVS data provided", "cardSummary": "1111", "expiryDate": "03/2030", "paymentMethodVariant": "visa", "shopperReference": "customer-8812"},
            "amount": {"currency": "EUR", "value": 10990},
            "eventCode": "AUTHORISATION",
            "eventDate": "2026-11-29T01:02:03+01:00",
            "merchantAccountCode": "AcmeShopEU",
            "merchantReference": "order-10427",
            "operations": ["CANCEL", "CAPTURE", "REFUND"],
            "paymentMethod": "visa",
            "pspReference": "QFQTPCQ8HXSKGK82",
            "reason": "076181:1111:03/2030",
            "success": "true"
        },
        {
            "additionalData": {},
            "amount": {"currency": "EUR", "value": 10990},
            "eventCode": "CAPTURE",
            "eventDate": "2026-11-29T01:07:41+01:00",
            "merchantAccountCode": "AcmeShopEU",
            "merchantReference": "order-10427",
            "originalReference": "QFQTPCQ8HXSKGK82",
            "paymentMethod": "visa",
            "pspReference": "WF3T8L6MGVVGWN82",
            "reason": "",
            "success": "true"
        }
    ]);
    let request = json!({"sdk": "adyen", "secret": ADYEN_HMAC_KEY, "username": ADYEN_USERNAME, "password": ADYEN_PASSWORD, "items": items});
    let Some(signed) = sign(test, Ecosystem::Node, &request) else {
        return;
    };
    // The items as sent, signatures included: each is one document.
    let body: Value = serde_json::from_slice(&signed.body).expect("the SDK body is JSON");
    let sent = body["notificationItems"].as_array().expect("notificationItems").clone();
    assert_eq!(sent.len(), 2);
    for (item, original) in sent.iter().zip(items.as_array().unwrap()) {
        assert_eq!(item["NotificationRequestItem"]["pspReference"], original["pspReference"]);
        assert!(item["NotificationRequestItem"]["additionalData"]["hmacSignature"].is_string(), "signed: {item}");
    }
    // The second item's merchantReference (a signed field) changed: the whole request is rejected.
    let mut tampered = signed.request();
    let text = String::from_utf8(tampered.body.clone()).unwrap();
    let second = text.rfind(r#"{"NotificationRequestItem":"#).expect("the second item");
    let (head, tail) = text.split_at(second);
    assert!(tail.contains(r#""merchantReference":"order-10427""#), "the second item's merchantReference: {tail}");
    tampered.body = format!(
        "{head}{}",
        tail.replacen(r#""merchantReference":"order-10427""#, r#""merchantReference":"order-10428""#, 1)
    )
    .into_bytes();

    let config = json!({"username": ADYEN_USERNAME, "password": [ADYEN_PASSWORD], "hmac_key": [ADYEN_HMAC_KEY]});
    let serving = Serving::start(&Connector::of("adyen"), &config, &[]);
    // The basic credentials are checked too: the signed body with another password is rejected.
    let mut wrong_password = signed.request();
    let basic = wrong_password.headers.iter_mut().find(|(n, _)| n == "authorization").expect("authorization");
    basic.1 = "Basic YWR5ZW5fd2ViaG9vazpub3QtdGhlLXBhc3N3b3Jk".into(); // adyen_webhook:not-the-password
    assert_eq!(post(&serving, &wrong_password).status, 401, "wrong basic credentials are rejected");

    // The signatures travel in the body (stored as sent); the credential header is Authorization.
    let header = "Authorization";
    let (answer, docs) = deliver_tampered(
        &serving,
        &signed,
        &tampered,
        401,
        &[
            Expect {
                collection: "authorisation",
                key: "QFQTPCQ8HXSKGK82:AUTHORISATION:true",
                signature_header: header,
                event: &sent[0],
            },
            Expect {
                collection: "capture",
                key: "WF3T8L6MGVVGWN82:CAPTURE:true",
                signature_header: header,
                event: &sent[1],
            },
        ],
    );
    assert_eq!(answer.text(), "[accepted]", "Adyen's legacy answer body");
    assert_eq!(docs[0]["_meta"]["eventType"], "AUTHORISATION");
    assert_eq!(docs[1]["_meta"]["eventType"], "CAPTURE");
}

// ---------------------------------------------------------------------------------------------
// Contentful

const CONTENTFUL_SECRET: &str = "Zm9vYmFyLXdlYmhvb2tnZW4tZTJlLWNvbnRlbnRmdWwtc2lnbmluZy1zZWNyZXQx";

#[test]
fn contentful_node_apps_toolkit_sign_request() {
    let test = "contentful_node_apps_toolkit_sign_request";
    let serving = Serving::start(&Connector::of("contentful"), &json!({"signing_secret": [CONTENTFUL_SECRET]}), &[]);
    // An Entry.publish delivery as in the Content Management API reference (the published entry),
    // to a URL with a query string: the toolkit signs the path escaped by getNormalizedEncodedURI.
    let entry = json!({
        "fields": {"title": {"en-US": "Hello, World!"}, "body": {"en-US": "Bacon is healthy!"}, "slug": {"en-US": "hello-world"}},
        "metadata": {"tags": [{"sys": {"type": "Link", "linkType": "Tag", "id": "nyCampaign"}}]},
        "sys": {
            "id": "5KsDBWseXY6QegucYAoacS",
            "type": "Entry",
            "contentType": {"sys": {"type": "Link", "linkType": "ContentType", "id": "hfM9RCJIk0wIm06WkEOQY"}},
            "revision": 2,
            "space": {"sys": {"type": "Link", "linkType": "Space", "id": "yadj1kx9rmg0"}},
            "environment": {"sys": {"id": "master", "type": "Link", "linkType": "Environment"}},
            "createdAt": "2026-11-28T11:29:46.809Z",
            "createdBy": {"sys": {"type": "Link", "linkType": "User", "id": "7BslKh9TdKGOK41VmLDjFZ"}},
            "updatedAt": "2026-11-29T01:02:03.456Z",
            "updatedBy": {"sys": {"type": "Link", "linkType": "User", "id": "4FLrUHftHW3v2BLi9fzfjU"}},
            "publishedVersion": 3
        }
    });
    let idempotency_key = "9d1c5e7a3b2f4068a1c3e5f7092b4d6f8a0c2e4f6a8b0d2f4e6a8c0e2b4d6f8a";
    let headers = json!({
        "Content-Type": "application/vnd.contentful.management.v1+json",
        "X-Contentful-Topic": "ContentManagement.Entry.publish",
        "X-Contentful-Webhook-Name": "Flow capture",
        "X-Contentful-Webhook-Request-Attempt": "1",
        "X-Contentful-Event-Datetime": "2026-11-29T01:02:03.456Z",
        "X-Contentful-Idempotency-Key": idempotency_key,
        "X-Contentful-CRN": "crn:contentful:::content:spaces/yadj1kx9rmg0/environments/master/entries/5KsDBWseXY6QegucYAoacS"
    });
    let path = "/hooks/contentful?tenant=acme";
    // Signed now, after the connector is up: the toolkit and the connector allow 30 seconds.
    let request = json!({"sdk": "contentful", "secret": CONTENTFUL_SECRET, "path": path, "headers": headers, "body": entry.to_string()});
    let Some(signed) = sign(test, Ecosystem::Node, &request) else {
        return;
    };
    assert_eq!(signed.path, path, "the request goes to the path that was signed");
    let doc = deliver(
        &serving,
        &signed,
        &Expect {
            collection: "entry",
            key: idempotency_key,
            signature_header: "x-contentful-signature",
            event: &entry,
        },
    );
    assert_eq!(doc["_meta"]["eventType"], "ContentManagement.Entry.publish");
    // The path and query are signed: the same request without the query is rejected.
    let mut elsewhere = signed.request();
    elsewhere.path = "/hooks/contentful".into();
    assert_eq!(post(&serving, &elsewhere).status, 401, "the signature covers the query");
    assert_eq!(serving.export().len(), 1, "nothing more is stored");
}

// ---------------------------------------------------------------------------------------------
// Notion

const NOTION_VERIFICATION_TOKEN: &str = "secret_Wq8ZbN3kLd5Tf7Hx2Rv9Cm4Pj6Ys1Ue0Ga3Ko5Bi8Dn";

#[test]
fn notion_node_sdk_sign_webhook_payload() {
    let test = "notion_node_sdk_sign_webhook_payload";
    // The subscription's handshake, which the SDK says is signed with the token it carries: answered,
    // not captured.
    let handshake = json!({"verification_token": NOTION_VERIFICATION_TOKEN});
    let Some(handshake) = sign(
        test,
        Ecosystem::Node,
        &json!({"sdk": "notion", "secret": NOTION_VERIFICATION_TOKEN, "body": handshake.to_string()}),
    ) else {
        return;
    };
    // A page.created event as in Notion's "Event types & delivery" reference.
    let event = json!({
        "id": "367cba44-b6f3-4c92-81e7-6a2e9659efd4",
        "timestamp": "2026-11-29T01:02:03.285Z",
        "workspace_id": "13950b26-c203-4f3b-b97d-93ec06319565",
        "workspace_name": "Quantify Labs",
        "subscription_id": "29d75c0d-5546-4414-8459-7b7a92f1fc4b",
        "integration_id": "0ef2e755-4912-8096-91c1-00376a88a5ca",
        "type": "page.created",
        "authors": [{"id": "c7c11cca-1d73-471d-9b6e-bdef51470190", "type": "person"}],
        "accessible_by": [{"id": "556a1abf-4f08-40c6-878a-75890d2a88ba", "type": "person"}, {"id": "1edc05f6-2702-81b5-8408-00279347f034", "type": "bot"}],
        "attempt_number": 1,
        "api_version": "2025-09-03",
        "entity": {"id": "153104cd-477e-809d-8dc4-ff2d96ae3090", "type": "page"},
        "data": {"parent": {"id": "0ef104cd-477e-80e1-8571-cfd10e92339a", "type": "page"}}
    });
    let signed = sign(
        test,
        Ecosystem::Node,
        &json!({"sdk": "notion", "secret": NOTION_VERIFICATION_TOKEN, "body": event.to_string()}),
    )
    .expect("installed above");
    let serving =
        Serving::start(&Connector::of("notion"), &json!({"verification_token": [NOTION_VERIFICATION_TOKEN]}), &[]);

    let r = post(&serving, &handshake.request());
    assert_eq!(r.status, 200, "{:?}; log:\n{}", r.text(), serving.log_text());
    assert!(serving.export().is_empty(), "the handshake is not captured");

    let doc = deliver(
        &serving,
        &signed,
        &Expect {
            collection: "page",
            key: "367cba44-b6f3-4c92-81e7-6a2e9659efd4",
            signature_header: "X-Notion-Signature",
            event: &event,
        },
    );
    assert_eq!(doc["_meta"]["eventType"], "page.created");
}

// ---------------------------------------------------------------------------------------------
// Sanity

const SANITY_SECRET: &str = "sanity_test_webhook_secret_9c1e7a";

#[test]
fn sanity_webhook_toolkit_encode_signature_header() {
    let test = "sanity_webhook_toolkit_encode_signature_header";
    // The `create` delivery of a post with the default projection (the whole document), with the
    // headers Sanity sends beside the signature.
    let post_doc = json!({
        "_createdAt": "2026-11-29T01:20:11Z",
        "_id": "7a4f3c1e-5b2d-4e8a-9c6f-0d1b2a3c4e5f",
        "_rev": "Fk2Ls8Xq1mN5bV7cZ0pQ3r",
        "_type": "post",
        "_updatedAt": "2026-11-29T01:20:11Z",
        "title": "Shipping the new checkout",
        "slug": {"_type": "slug", "current": "shipping-the-new-checkout"},
        "publishedAt": "2026-11-29T01:33:00Z",
        "author": {"_ref": "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b", "_type": "reference"}
    });
    let idempotency_key = "msg_2b9Xc7QeL1pN4vA8";
    let headers = json!({
        "user-agent": "Sanity.io webhook delivery",
        "idempotency-key": idempotency_key,
        "sanity-dataset": "production",
        "sanity-document-id": "7a4f3c1e-5b2d-4e8a-9c6f-0d1b2a3c4e5f",
        "sanity-operation": "create",
        "sanity-project-id": "3do82whm",
        "sanity-transaction-id": "Gj9Tf2rq0bR6wS1yKcV3pL",
        "sanity-transaction-time": "2026-11-29T01:33:20.000Z",
        "sanity-webhook-id": "dNHm6yDwIMzX3ZKa"
    });
    let request = json!({"sdk": "sanity", "secret": SANITY_SECRET, "headers": headers, "body": post_doc.to_string()});
    let Some(signed) = sign(test, Ecosystem::Node, &request) else {
        return;
    };
    assert!(signed.header("sanity-webhook-signature").starts_with("t="), "the toolkit's t=…,v1=… header");
    // Mid-rotation: the new secret is configured first, the toolkit signs with the old one.
    let config = json!({"webhook_secret": ["sanity_rotated_webhook_secret_4d8b2f", SANITY_SECRET]});
    let serving = Serving::start(&Connector::of("sanity"), &config, &[]);
    let doc = deliver(
        &serving,
        &signed,
        &Expect {
            collection: "documents",
            key: idempotency_key,
            signature_header: "sanity-webhook-signature",
            event: &post_doc,
        },
    );
    assert_eq!(doc["_meta"]["eventType"], "create");
    assert_eq!(doc["_meta"]["headers"]["sanity-document-id"], "7a4f3c1e-5b2d-4e8a-9c6f-0d1b2a3c4e5f");
}

// ---------------------------------------------------------------------------------------------
// Discord (the SDK only verifies)

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

#[test]
fn discord_interactions_verifies_what_the_connector_accepts() {
    let test = "discord_interactions_verifies_what_the_connector_accepts";
    // The PING Discord sends when the Webhook Events URL is saved, signed with a fresh Ed25519 key.
    let ping_body = r#"{"version":1,"application_id":"1234560123453231555","type":0}"#;
    let Some(ping) = sign(test, Ecosystem::Node, &json!({"sdk": "discord", "body": ping_body})) else {
        return;
    };
    let ping = ping.verified_by_sdk("discord-interactions verifyKey");
    assert_eq!(ping.facts["ping_type"], 0, "the SDK's WebhookType.PING is the type the PING carries");
    let public_key = ping.facts["public_key"].as_str().expect("the public key (hex)").to_string();
    let private_key = ping.facts["private_key"].as_str().expect("the private key").to_string();
    // An APPLICATION_AUTHORIZED event as in Discord's webhook events reference, pretty-printed as
    // Discord sends it, signed with the same key.
    let event_body = "{\n  \"version\": 1,\n  \"application_id\": \"1234560123453231555\",\n  \"type\": 1,\n  \"event\": {\n    \"type\": \"APPLICATION_AUTHORIZED\",\n    \"timestamp\": \"2026-11-29T01:42:53.064834\",\n    \"data\": {\n      \"integration_type\": 1,\n      \"scopes\": [\n        \"applications.commands\"\n      ],\n      \"user\": {\n        \"id\": \"111111111111111111\",\n        \"username\": \"exampleuser\",\n        \"global_name\": \"Example User\",\n        \"avatar\": null,\n        \"discriminator\": \"0\",\n        \"public_flags\": 0\n      }\n    }\n  }\n}";
    let event: Value = serde_json::from_str(event_body).unwrap();
    let signed = sign(test, Ecosystem::Node, &json!({"sdk": "discord", "secret": private_key, "body": event_body}))
        .expect("installed above")
        .verified_by_sdk("discord-interactions verifyKey");
    assert_eq!(signed.facts["public_key"], public_key.as_str(), "signed with the same key");
    assert_eq!(event["type"], signed.facts["event_type"], "the SDK's WebhookType.EVENT");
    let serving = Serving::start(&Connector::of("discord"), &json!({"public_key": [public_key]}), &[]);

    // Discord checks the URL with bad signatures, which must get 401: the PING with its
    // application_id changed.
    let mut bad_ping = ping.request();
    bad_ping.body = ping_body.replace("1234560123453231555", "1234560123453231556").into_bytes();
    assert_eq!(post(&serving, &bad_ping).status, 401, "a PING whose signature does not verify is rejected");
    let r = post(&serving, &ping.request());
    assert_eq!(r.status, 204, "{:?}; log:\n{}", r.text(), serving.log_text());
    assert!(r.body.is_empty(), "the PING is answered with no body: {:?}", r.text());
    assert_eq!(r.header("content-type"), Some("application/json"), "Discord requires a Content-Type");
    assert!(serving.export().is_empty(), "the PING is not captured");

    let key = sha256_hex(event_body.as_bytes());
    let doc = deliver(
        &serving,
        &signed,
        &Expect {
            collection: "application_authorized",
            key: &key,
            signature_header: "X-Signature-Ed25519",
            event: &event,
        },
    );
    assert_eq!(doc["_meta"]["eventType"], "APPLICATION_AUTHORIZED");
}

// ---------------------------------------------------------------------------------------------
// SendGrid (the SDK only verifies)

#[test]
fn sendgrid_eventwebhook_verifies_what_the_connector_accepts() {
    let test = "sendgrid_eventwebhook_verifies_what_the_connector_accepts";
    // A batch of three events as in SendGrid's Event Webhook reference, written as SendGrid writes
    // them: CR LF after each event and after the array.
    let events = [
        json!({"email": "example@test.com", "timestamp": 1795910400, "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>", "category": ["cat facts"], "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0", "event": "processed", "pool": {"name": "new_MY_test", "id": 210}, "sg_event_id": "cHJvY2Vzc2VkLXNlbmRncmlkLXRlc3QtMDAwMA"}),
        json!({"email": "example@test.com", "timestamp": 1795910403, "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>", "category": ["cat facts"], "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0", "event": "delivered", "response": "250 OK", "ip": "168.1.1.1", "tls": 1, "sg_event_id": "ZGVsaXZlcmVkLXNlbmRncmlkLXRlc3QtMDAwMg"}),
        json!({"email": "example@test.com", "timestamp": 1795910460, "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>", "category": ["cat facts"], "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0", "event": "open", "useragent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "ip": "255.255.255.255", "sg_machine_open": false, "sg_event_id": "b3Blbi1zZW5kZ3JpZC10ZXN0LTAwMDU"}),
    ];
    let body = format!("[{}]\r\n", events.iter().map(Value::to_string).collect::<Vec<_>>().join(",\r\n"));
    let Some(signed) = sign(test, Ecosystem::Node, &json!({"sdk": "sendgrid", "body": body})) else {
        return;
    };
    let signed = signed.verified_by_sdk("@sendgrid/eventwebhook verifySignature");
    // The Verification Key as SendGrid shows it: base64 DER SubjectPublicKeyInfo.
    let verification_key = signed.facts["public_key"].as_str().expect("the verification key");
    assert!(verification_key.starts_with("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"), "a P-256 SPKI: {verification_key}");
    let serving = Serving::start(&Connector::of("sendgrid"), &json!({"verification_key": [verification_key]}), &[]);
    let header = "X-Twilio-Email-Event-Webhook-Signature";
    let expected: Vec<Expect> = events
        .iter()
        .map(|event| Expect {
            collection: event["event"].as_str().unwrap(),
            key: event["sg_event_id"].as_str().unwrap(),
            signature_header: header,
            event,
        })
        .collect();
    let docs = deliver_rejecting(&serving, &signed, 401, &expected);
    for (doc, event) in docs.iter().zip(&events) {
        assert_eq!(doc["_meta"]["eventType"], event["event"]);
    }
}

// ---------------------------------------------------------------------------------------------
// Linear (the SDK only verifies)

const LINEAR_SECRET: &str = "lin_wh_7f3c1e5a9b2d4f6e8a0c2e4f6a8b0c2d";

/// An `Issue` `create` event as in Linear's webhook reference (abridged), sent at `webhook_ms`.
fn linear_issue_created(issue_id: &str, webhook_ms: u64) -> Value {
    json!({
        "action": "create",
        "type": "Issue",
        "createdAt": "2026-11-29T01:00:00.000Z",
        "actor": {"id": "80e102b0-0000-4000-8000-00000000e001", "type": "user", "name": "Ada Lovelace"},
        "data": {
            "id": issue_id,
            "createdAt": "2026-11-29T01:00:00.000Z",
            "updatedAt": "2026-11-29T01:00:00.000Z",
            "number": 42,
            "identifier": "ENG-42",
            "title": "Checkout fails on Safari",
            "priority": 2,
            "teamId": "5b1c0000-0000-4000-8000-00000000c001",
            "stateId": "c02edc3a-0000-4000-8000-00000000d001"
        },
        "url": format!("https://linear.app/acme/issue/{issue_id}"),
        "organizationId": "8f1e6b7c-0000-4000-8000-000000000001",
        "webhookTimestamp": webhook_ms,
        "webhookId": "0a2c4e6f-0000-4000-8000-000000000002"
    })
}

fn unix_now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64
}

#[test]
fn linear_sdk_webhook_client_verifies_what_the_connector_accepts() {
    let test = "linear_sdk_webhook_client_verifies_what_the_connector_accepts";
    let serving = Serving::start(&Connector::of("linear"), &json!({"signing_secret": [LINEAR_SECRET]}), &[]);
    // Sent now, after the connector is up: the SDK and the connector allow a minute.
    let issue_id = "2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9";
    let event = linear_issue_created(issue_id, unix_now_ms());
    let request = json!({"sdk": "linear", "secret": LINEAR_SECRET, "id": "6c1e5c2a-52b8-4a64-9a55-3f1d0b7e9c21", "event": "Issue", "body": event.to_string()});
    let Some(signed) = sign(test, Ecosystem::Node, &request) else {
        return;
    };
    let signed = signed.verified_by_sdk("@linear/sdk LinearWebhookClient.verify");
    let key = format!("Issue:create:{issue_id}:2026-11-29T01:00:00.000Z");
    let doc = deliver(
        &serving,
        &signed,
        &Expect { collection: "issue", key: &key, signature_header: "Linear-Signature", event: &event },
    );
    assert_eq!(doc["_meta"]["eventType"], "Issue.create");

    // webhookTimestamp 90 s old: the SDK rejects it, and so does the connector; nothing is stored.
    let stale_event = linear_issue_created("9c0d2e4f-6a8b-4c1d-8e2f-4a6b8c0d2e4f", unix_now_ms() - 90_000);
    let stale = json!({"sdk": "linear", "secret": LINEAR_SECRET, "id": "6c1e5c2a-52b8-4a64-9a55-3f1d0b7e9c22", "event": "Issue", "body": stale_event.to_string()});
    let stale = sign(test, Ecosystem::Node, &stale).expect("installed above");
    assert_eq!(stale.verified, Some(false), "Linear's SDK rejects a webhookTimestamp 90 s old");
    assert_eq!(post(&serving, &stale.request()).status, 401, "an event sent 90 s ago is rejected");
    assert_eq!(serving.export().len(), 1, "the stale event is not stored");
}

// ---------------------------------------------------------------------------------------------
// Box (the SDK only verifies)

const BOX_PRIMARY_KEY: &str = "kT9xq2LmV7bN4cR8wZ1pH6sJ3fD0gY5a";
const BOX_SECONDARY_KEY: &str = "Qe4Wr7Ty0Ui3Op6As9Df2Gh5Jk8Lz1Xc";

/// A `webhook_event` as in Box's webhook invocation reference.
fn box_event(id: &str, trigger: &str, source: Value) -> Value {
    json!({
        "type": "webhook_event",
        "id": id,
        "created_at": "2026-11-28T17:33:15-08:00",
        "trigger": trigger,
        "webhook": {"id": "1234567890", "type": "webhook"},
        "created_by": {"type": "user", "id": "11111111", "name": "Aaron Levie", "login": "aaron@example.com"},
        "source": source
    })
}

/// Box signs `event` with `primary` and `secondary`; the SDK checks it with the configured keys.
fn box_request(event: &Value, delivery: &str, primary: &str, secondary: &str, timestamp: u64) -> Value {
    json!({
        "sdk": "box",
        "secret": BOX_PRIMARY_KEY,
        "secondary": BOX_SECONDARY_KEY,
        "keys": {"primary": primary, "secondary": secondary},
        "id": delivery,
        "body": event.to_string(),
        "timestamp": timestamp
    })
}

#[test]
fn box_node_sdk_validate_message_verifies_what_the_connector_accepts() {
    let test = "box_node_sdk_validate_message_verifies_what_the_connector_accepts";
    let config = json!({"primary_signature_key": BOX_PRIMARY_KEY, "secondary_signature_key": BOX_SECONDARY_KEY});
    let serving = Serving::start(&Connector::of("box"), &config, &[]);
    // A FILE.UPLOADED event, signed with both keys now (the SDK rejects a future timestamp).
    let uploaded = box_event(
        "7f43a8e2-61c5-4a0f-9c85-ba0a8f3d2e11",
        "FILE.UPLOADED",
        json!({"type": "file", "id": "33333333333", "file_version": {"type": "file_version", "id": "44444444444", "sha1": "134b65991ed521fcfe4724b7d814ab8ded5185dc"}, "sequence_id": "0", "etag": "0", "sha1": "134b65991ed521fcfe4724b7d814ab8ded5185dc", "name": "NDA-acme.pdf", "parent": {"type": "folder", "id": "22222222", "sequence_id": "1", "etag": "1", "name": "Contracts"}}),
    );
    let request =
        box_request(&uploaded, "d09a1c2e4-0000-4000-8000-000000000000", BOX_PRIMARY_KEY, BOX_SECONDARY_KEY, unix_now());
    let Some(signed) = sign(test, Ecosystem::Node, &request) else {
        return;
    };
    let signed = signed.verified_by_sdk("box-node-sdk WebhooksManager.validateMessage");
    let doc = deliver(
        &serving,
        &signed,
        &Expect {
            collection: "files",
            key: "7f43a8e2-61c5-4a0f-9c85-ba0a8f3d2e11",
            signature_header: "BOX-SIGNATURE-PRIMARY",
            event: &uploaded,
        },
    );
    assert_eq!(doc["_meta"]["eventType"], "FILE.UPLOADED");
    assert_eq!(doc["_meta"]["headers"]["box-signature-secondary"], "<redacted>");

    // Mid-rotation: the primary key was regenerated in Box and not yet in the connector, so only the
    // secondary signature verifies. The SDK accepts it, and so does the connector.
    let created = box_event(
        "4ac18ed1-2c1e-4d3a-9a36-2f53c9b0f021",
        "FOLDER.CREATED",
        json!({"type": "folder", "id": "55555555", "sequence_id": "0", "etag": "0", "name": "Q4", "parent": {"type": "folder", "id": "22222222", "sequence_id": "1", "etag": "1", "name": "Contracts"}}),
    );
    let rotated = box_request(
        &created,
        "d19a1c2e4-0000-4000-8000-000000000001",
        "Zx8Cv5Bn2Mq7Wd4Er1Tg6Yh3Uj0Ik9Lo",
        BOX_SECONDARY_KEY,
        unix_now(),
    );
    let rotated = sign(test, Ecosystem::Node, &rotated)
        .expect("installed above")
        .verified_by_sdk("box-node-sdk WebhooksManager.validateMessage (secondary key)");
    let r = post(&serving, &rotated.request());
    assert!((200..300).contains(&r.status), "the secondary signature alone is enough: {} {:?}", r.status, r.text());
    let stored = serving.export();
    assert!(
        stored.iter().any(|(c, d)| c == "folders" && d["_meta"]["webhookId"] == "4ac18ed1-2c1e-4d3a-9a36-2f53c9b0f021"),
        "the FOLDER.CREATED event is stored: {stored:?}"
    );

    // Neither signature with the configured keys, or signed 11 minutes ago (the SDK allows 10): the
    // SDK rejects both, and so does the connector; nothing more is stored.
    let commented = box_event(
        "c0e8b1a2-3f4d-4e5f-8a9b-0c1d2e3f4a5b",
        "COMMENT.CREATED",
        json!({"type": "comment", "id": "66666666", "message": "Please review section 4.", "item": {"type": "file", "id": "33333333333"}}),
    );
    let other_keys = box_request(
        &commented,
        "d29a1c2e4-0000-4000-8000-000000000002",
        "Zx8Cv5Bn2Mq7Wd4Er1Tg6Yh3Uj0Ik9Lo",
        "Pl0Ok9Ij8Uh7Yg6Tf5Rd4Es3Wa2Qz1Xc",
        unix_now(),
    );
    let stale = box_request(
        &commented,
        "d39a1c2e4-0000-4000-8000-000000000003",
        BOX_PRIMARY_KEY,
        BOX_SECONDARY_KEY,
        unix_now() - 660,
    );
    for (what, request) in [("signed with other keys", other_keys), ("signed 11 minutes ago", stale)] {
        let rejected = sign(test, Ecosystem::Node, &request).expect("installed above");
        assert_eq!(rejected.verified, Some(false), "Box's SDK rejects a delivery {what}");
        assert_eq!(post(&serving, &rejected.request()).status, 401, "a delivery {what} is rejected");
    }
    assert_eq!(serving.export().len(), 2, "the rejected deliveries are not stored");
}
