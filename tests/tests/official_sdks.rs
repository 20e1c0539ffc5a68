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
//! Not covered, and why: Stripe's Python SDK has no public signer (only a private helper), and
//! AppsFlyer authenticates with a static token that no SDK produces.

mod sdk {
    //! Installing the pinned SDKs once per test process, and running the signing scripts.

    use std::io::Write;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Output, Stdio};
    use std::sync::OnceLock;

    use serde_json::Value;
    use webhookgen_e2e::workspace_root;

    /// The two signing toolchains.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Ecosystem {
        /// `tests/sdk/sign.mjs` with the packages of `tests/sdk/package.json`.
        Node,
        /// `tests/sdk/sign.py` with the packages of `tests/sdk/requirements.txt`.
        Python,
    }

    /// An installed toolchain, or why there is none.
    #[derive(Debug)]
    enum Install {
        /// The folder holding the installation.
        Ready(PathBuf),
        /// The registry could not be reached: the reason, for the SKIP line.
        Unreachable(String),
    }

    /// A request as the SDK signed it.
    #[derive(Debug, Clone)]
    pub struct Signed {
        /// Header names and values, as produced by the signing script.
        pub headers: Vec<(String, String)>,
        /// The body exactly as signed.
        pub body: Vec<u8>,
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
        let target =
            std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target"));
        target.join("sdk-signers")
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

    fn run_capture(command: &mut Command, what: &str) -> Output {
        command
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {what}: {e} (Node.js with npm and Python 3 with venv are needed)"))
    }

    /// Installs into a fresh folder beside the final one, then renames it into place, so that an
    /// interrupted install is never mistaken for a finished one.
    fn install(ecosystem: Ecosystem) -> Install {
        let (name, stamp) = match ecosystem {
            Ecosystem::Node => ("node", stamp(ecosystem)),
            Ecosystem::Python => ("python", stamp(ecosystem)),
        };
        let root = cache_root();
        let dir = root.join(name);
        let stamp_file = |d: &Path| d.join(".installed-from");
        if std::fs::read_to_string(stamp_file(&dir)).is_ok_and(|s| s == stamp) {
            return Install::Ready(dir);
        }
        let staging = root.join(format!("{name}.staging-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging).expect("creating the SDK staging folder");
        let steps: Vec<(Command, &str)> = match ecosystem {
            Ecosystem::Node => {
                for file in ["package.json", "package-lock.json"] {
                    std::fs::copy(sdk_sources().join(file), staging.join(file)).expect("copying tests/sdk files");
                }
                let mut ci = Command::new("npm");
                ci.current_dir(&staging).args([
                    "ci",
                    "--no-audit",
                    "--no-fund",
                    "--ignore-scripts",
                    "--fetch-retries=1",
                    "--fetch-timeout=30000",
                ]);
                vec![(ci, "npm ci")]
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
        };
        for (mut command, what) in steps {
            let out = run_capture(&mut command, what);
            if !out.status.success() {
                let _ = std::fs::remove_dir_all(&staging);
                let stderr = String::from_utf8_lossy(&out.stderr);
                if let Some(line) = network_failure(&stderr) {
                    let line: String = line.trim().chars().take(200).collect();
                    return Install::Unreachable(format!("{what}: {line}"));
                }
                panic!(
                    "{what} failed ({}), and not for want of the network:\n{stderr}\n{}",
                    out.status,
                    String::from_utf8_lossy(&out.stdout)
                );
            }
        }
        std::fs::write(stamp_file(&staging), &stamp).expect("writing the install stamp");
        if std::fs::read_to_string(stamp_file(&dir)).is_ok_and(|s| s == stamp) {
            // Another test process finished the same install meanwhile (and may be using it).
            let _ = std::fs::remove_dir_all(&staging);
            return Install::Ready(dir);
        }
        let _ = std::fs::remove_dir_all(&dir);
        if std::fs::rename(&staging, &dir).is_err() {
            // Another test process installed the same pins meanwhile: use its copy.
            let _ = std::fs::remove_dir_all(&staging);
            assert!(
                std::fs::read_to_string(stamp_file(&dir)).is_ok_and(|s| s == stamp),
                "could not move the {name} SDK install into {}",
                dir.display()
            );
        }
        Install::Ready(dir)
    }

    /// The first line of an installer's stderr that says the registry could not be reached.
    fn network_failure(stderr: &str) -> Option<&str> {
        const MARKERS: [&str; 14] = [
            "enotfound",
            "eai_again",
            "econnrefused",
            "econnreset",
            "etimedout",
            "enetunreach",
            "ehostunreach",
            "network is unreachable",
            "temporary failure in name resolution",
            "name or service not known",
            "failed to establish a new connection",
            "connection refused",
            "read timed out",
            "no route to host",
        ];
        stderr.lines().find(|line| {
            let line = line.to_ascii_lowercase();
            MARKERS.iter().any(|m| line.contains(m))
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
        Some(Signed { headers, body })
    }
}

use serde_json::{Value, json};
use webhookgen_e2e::{Connector, Request, Response, Serving, client};

use sdk::{Ecosystem, Signed, sign};

impl Signed {
    fn request(&self) -> Request {
        self.headers.iter().fold(Request::post(self.body.clone()), |r, (n, v)| r.header(n, v))
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("the SDK request has no {name} header: {:?}", self.headers))
    }

    /// The same request with one body byte changed: the first letter of the first string value,
    /// upper-cased, so the body stays valid JSON (or a valid form holding JSON) and only the
    /// signature can reject it.
    fn tampered(&self) -> Request {
        let mut request = self.request();
        let body = &mut request.body;
        let json_string_start = |i: usize| {
            body[i - 1] == b'"' && body[..i - 1].iter().rev().find(|b| !b.is_ascii_whitespace()) == Some(&b':')
        };
        let form_string_start = |i: usize| body[..i].ends_with(b"%3A%22");
        let at = (1..body.len())
            .find(|&i| body[i].is_ascii_lowercase() && (json_string_start(i) || form_string_start(i)))
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
    let tampered = signed.tampered();
    assert_eq!(post(serving, &tampered).status, 401, "one changed body byte is rejected; log:\n{}", serving.log_text());
    let r = post(serving, &signed.request());
    assert!(
        (200..300).contains(&r.status),
        "the SDK-signed request got {} {:?}; headers {:?}; log:\n{}",
        r.status,
        r.text(),
        signed.headers,
        serving.log_text()
    );
    assert_eq!(post(serving, &tampered).status, 401, "a tampered copy of a stored delivery is still rejected");
    let stored = serving.export();
    assert_eq!(stored.len(), 1, "exactly the signed delivery is stored: {stored:?}");
    let (collection, doc) = &stored[0];
    assert_eq!(collection, expect.collection, "collection of {doc}");
    assert_eq!(doc["_meta"]["webhookId"], expect.key, "key of {doc}");
    for (field, value) in expect.event.as_object().expect("events are objects") {
        assert_eq!(&doc[field], value, "stored field {field}");
    }
    assert_eq!(
        doc["_meta"]["headers"][expect.signature_header.to_ascii_lowercase()],
        "<redacted>",
        "the signature header is redacted in {doc}"
    );
    doc.clone()
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
