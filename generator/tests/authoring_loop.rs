//! `docs/authoring.md`, followed literally for a vendor the library does not have: Linear,
//! written from scratch in a temporary project, from the scaffold to a connector crate whose
//! generated tests pass.
//!
//! Linear's facts (vendor-mechanics §2.22, and @linear/sdk `LinearWebhooks.verify`): one JSON
//! event per POST; `Linear-Signature` is the hex HMAC-SHA256 of the raw body keyed with the
//! webhook's signing secret; the body's `webhookTimestamp` (Unix milliseconds) must be within
//! 60 s of the receiver's clock; the event is `/type` (the entity: `Issue`, `Comment`, …) plus
//! `/action` (`create`, `update`, `remove`); `Linear-Delivery` is a UUID per delivery.
//!
//! Requests are signed here with the `hmac` crate, following the SDK's algorithm, independently
//! of the runtime's own signer. The last step builds and tests the generated crate: one `cargo
//! test` against the workspace's target directory, so the runtime and every dependency are
//! already compiled and only the small generated crate is built.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use common::{Run, TempDir, webhookgen, workspace_root};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;

const SECRET: &str = "lin_wh_test_3f9a1c";

/// What `LinearWebhooks.verify` checks: hex HMAC-SHA256 of the raw body.
fn linear_signature(secret: &str, body: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Replaces the top-level `key:` section (up to the next top-level key or comment).
fn replace_section(text: &str, key: &str, section: &str) -> String {
    let start = text
        .find(&format!("\n{key}:"))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no `{key}:` section"));
    let rest = &text[start..];
    let end = rest
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .find(|&i| rest[i..].starts_with(|c: char| c != ' ' && c != '\n'))
        .map(|i| start + i)
        .unwrap_or(text.len());
    format!("{}{}\n\n{}", &text[..start], section.trim_end(), &text[end..]).replace("\n\n\n", "\n\n")
}

fn findings(run: &Run) -> Vec<Value> {
    run.findings()
}

/// The workspace manifest of the temporary project: the real one's packages, dependencies and
/// settings, with only the generated crate as member and path dependencies made absolute.
fn workspace_manifest() -> String {
    let root = workspace_root();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let start = manifest.find("members = [").expect("the workspace lists its members");
    let end = start + manifest[start..].find(']').unwrap() + 1;
    let mut out = format!(
        "{}members = [\"generated/source-linear-webhook\"]{}",
        &manifest[..start],
        &manifest[end..]
    );
    for (name, dir) in [("webhook-definition", "definition"), ("webhook-runtime", "runtime")] {
        let from = format!("{name} = {{ path = \"{dir}\" }}");
        assert!(out.contains(&from), "the workspace manifest no longer declares {from}");
        out = out.replace(
            &from,
            &format!("{name} = {{ path = {:?} }}", root.join(dir).display().to_string()),
        );
    }
    out
}

fn body(kind: &str, action: &str, id: &str, timestamp_ms: u128, extra: &str) -> String {
    format!(
        r#"{{"action":"{action}","type":"{kind}","createdAt":"2026-11-29T01:00:00.000Z","data":{{"id":"{id}"{extra}}},"url":"https://linear.app/acme/issue/ENG-1","organizationId":"8f1e6b7c-0000-4000-8000-000000000001","webhookTimestamp":{timestamp_ms},"webhookId":"0a2c4e6f-0000-4000-8000-000000000002"}}"#
    )
}

#[test]
fn a_vendor_written_from_scratch_becomes_a_working_connector() {
    let project = TempDir::new("authoring-loop");
    let root = project.path();
    std::fs::write(root.join("Cargo.toml"), workspace_manifest()).unwrap();
    std::fs::copy(workspace_root().join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    let definition_path = root.join("vendor-definitions/linear.yaml");

    // 1. Scaffold.
    let run = webhookgen(root, &["new", "vendor", "linear"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let scaffold = std::fs::read_to_string(&definition_path).unwrap();
    let run = webhookgen(root, &["check", "linear", "--deny-warnings", "--format", "json"]);
    assert_eq!(run.code, 1, "the scaffold's TODOs fail --deny-warnings");
    assert!(findings(&run).iter().all(|f| f["code"] == "WG901"), "{}", run.stdout);

    // 2. Fill it in from the vendor's documentation (the facts in this file's header).
    let mut text = scaffold;
    for (key, section) in [
        (
            "vendor",
            "vendor:\n  id: linear\n  name: Linear\n  description: \"Issue tracking. Sends one event per request when an issue, comment, project or other entity is created, updated or removed.\"\n  documentation_url: https://linear.app/developers/webhooks\n  setup_steps:\n    - \"In Linear, open Settings → API → Webhooks and click **New webhook**.\"\n    - \"Enter the connector's public URL and choose the data change events to send.\"\n    - \"Copy the webhook's **Signing secret** into the connector's `signing_secret`.\"\n",
        ),
        (
            "config",
            &format!(
                "config:\n  - name: signing_secret\n    title: Signing secret\n    description: \"Shown on the webhook's page in Linear (Settings → API → Webhooks).\"\n    secret: true\n    multiple: true\n    example: \"{SECRET}\"\n"
            ),
        ),
        (
            "authentication",
            "authentication:\n  type: hmac\n  algorithm: sha256\n  secret:\n    config_field: signing_secret\n    decoding: verbatim\n  signature:\n    header: Linear-Signature\n    format:\n      type: bare\n    encoding: hex\n  signed_message: \"{body}\"\n  timestamp:\n    source: {type: body_pointer, pointer: /webhookTimestamp}\n    format: unix_milliseconds\n  tolerance: {past_seconds: 60, future_seconds: 60}\n",
        ),
        (
            "events",
            "events:\n  discriminator:\n    type: composite\n    parts:\n      - {type: body_pointer, pointer: /type}\n      - {type: body_pointer, pointer: /action}\n    separator: \".\"\n  document_key:\n    type: header\n    name: Linear-Delivery\n  types:\n    - collection: issues\n      values: [\"Issue\", \"Issue.*\"]\n      description: \"An issue was created, updated or removed.\"\n    - collection: comments\n      values: [\"Comment\", \"Comment.*\"]\n      description: \"A comment was created, updated or removed.\"\n",
        ),
        (
            "delivery",
            "delivery:\n  timeout_seconds: 5\n  retries: \"Retried 3 times with backoff (about 1 minute, 1 hour and 6 hours) when the endpoint does not answer 200 within 5 seconds.\"\n  retry_horizon_hours: 7\n",
        ),
    ] {
        text = replace_section(&text, key, section);
    }
    // The scaffold's guidance comments that still say TODO go too.
    text = text
        .lines()
        .filter(|l| !(l.trim_start().starts_with('#') && l.contains("TODO")))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    std::fs::write(&definition_path, &text).unwrap();

    // 3. Check until clean.
    let run = webhookgen(root, &["check", "linear", "--format", "json", "--deny-warnings"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stdout);

    // 4a. A signed vector, the same with a wrong secret, and stale.
    let ts: u128 = 1_764_378_000_000;
    let vector = body(
        "Issue",
        "create",
        "2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9",
        ts,
        r#","title":"Bug""#,
    );
    let signature = linear_signature(SECRET, &vector);
    let example = |name: &str, secret: &str, now: u128, expect: &str| {
        format!(
            "  - name: {name}\n    config: {{signing_secret: [\"{secret}\"]}}\n    now: {now}\n    request:\n      headers:\n        Content-Type: application/json\n        Linear-Delivery: 6c1e5c2a-52b8-4a64-9a55-2cb8d0b6a0a1\n        Linear-Signature: {signature}\n      body: {vector:?}\n    expect:\n{expect}",
        )
    };
    let captured = "      outcome: captured\n      documents:\n        - {collection: issues, event_type: Issue.create, key: 6c1e5c2a-52b8-4a64-9a55-2cb8d0b6a0a1}\n";
    let rejected = "      outcome: rejected\n      status: 401\n";
    let examples = format!(
        "examples:\n{}{}{}",
        example("issue_created", SECRET, ts / 1000, captured),
        example("issue_created_wrong_secret", "another_secret", ts / 1000, rejected),
        example("issue_created_stale", SECRET, ts / 1000 + 61, rejected),
    );
    text = replace_section(&text, "examples", &examples);
    std::fs::write(&definition_path, &text).unwrap();

    // 4b. Sample events, merged by `infer`: a comment (an HTTP dump), an issue update (a
    // recorded request) and a project update (a bare payload, a type not declared yet).
    let samples = root.join("samples");
    std::fs::create_dir_all(&samples).unwrap();
    let comment = body(
        "Comment",
        "create",
        "c0ffee00-0000-4000-8000-000000000001",
        ts + 1000,
        r#","body":"Looks good""#,
    );
    std::fs::write(
        samples.join("comment_create.http"),
        format!("POST /linear HTTP/1.1\r\nHost: hooks.example.com\r\nContent-Type: application/json\r\nLinear-Delivery: 9b2f0e4c-1d3a-4b5c-8d7e-0f1a2b3c4d5e\r\nLinear-Event: Comment\r\nContent-Length: {}\r\n\r\n{comment}", comment.len()),
    )
    .unwrap();
    let update = body(
        "Issue",
        "update",
        "2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9",
        ts + 2000,
        r#","title":"Bug!""#,
    );
    std::fs::write(
        samples.join("issue_update.yaml"),
        format!("headers:\n  Linear-Delivery: 0d6f1c55-5a0e-4c1d-9a8b-1b2c3d4e5f60\nbody: {update:?}\n"),
    )
    .unwrap();
    std::fs::write(
        samples.join("project_update.json"),
        body(
            "Project",
            "update",
            "5e6f7a8b-0000-4000-8000-000000000003",
            ts + 3000,
            r#","name":"Q4""#,
        ),
    )
    .unwrap();
    let run = webhookgen(
        root,
        &["infer", "--samples", samples.to_str().unwrap(), "--into", "linear"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("added 1 event type(s) and 3 example(s)"),
        "{}",
        run.stdout
    );
    // Replace the TODO description of the added type from the docs.
    let merged = std::fs::read_to_string(&definition_path).unwrap();
    let todo = "'TODO: what `Project.update` means, from the vendor''s documentation'";
    assert!(merged.contains(todo), "{merged}");
    std::fs::write(&definition_path, merged.replace(todo, "\"A project was updated.\"")).unwrap();

    // 5. Try: every example as expected, every event type has one, nothing left to do.
    let run = webhookgen(root, &["try", "linear"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("6 example(s), 6 as expected, 0 differ"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("note:"), "{}", run.stdout);
    let run = webhookgen(root, &["check", "linear", "--deny-warnings"]);
    assert_eq!(run.code, 0, "{}", run.stdout);

    // A request signed as Linear signs it, now: verified on the first try.
    let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis();
    let live = body("Issue", "remove", "2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9", now_ms, "");
    let request = root.join("live.yaml");
    std::fs::write(
        &request,
        format!("headers:\n  Linear-Delivery: 3a4b5c6d-0000-4000-8000-000000000004\n  Linear-Signature: {}\nbody: {live:?}\nconfig: {{signing_secret: {SECRET}}}\n", linear_signature(SECRET, &live)),
    )
    .unwrap();
    let run = webhookgen(
        root,
        &[
            "try",
            "linear",
            "--format",
            "json",
            "--request",
            request.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0);
    let live = run.findings().into_iter().find(|r| r["kind"] == "request").unwrap();
    assert_eq!(live["verified"], true, "{live:#}");
    assert_eq!(live["events"][0]["event_type"], "Issue.remove");
    assert_eq!(live["events"][0]["collection"], "issues");
    assert_eq!(live["events"][0]["key"], "3a4b5c6d-0000-4000-8000-000000000004");
    assert_eq!(live["response"]["status"], 200);

    // 6. Generate.
    let run = webhookgen(root, &["generate", "linear"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let crate_dir = root.join("generated/source-linear-webhook");
    for file in [
        "Cargo.toml",
        "src/vendor.rs",
        "src/main.rs",
        "tests/examples.rs",
        "schemas/project_update.schema.json",
    ] {
        assert!(crate_dir.join(file).is_file(), "generate wrote no {file}");
    }

    // 7. Build the connector and run its generated tests (examples, tampered, stale, unknown type).
    let passed = cargo_test(root, &workspace_root().join("target"));
    // 6 examples, the router check, and tampered/stale/unknown-type variants of the captured ones.
    assert!(passed > 6, "only {passed} generated test(s) ran");
}

/// `cargo test -p source-linear-webhook` in the temporary workspace, against the real
/// workspace's target directory (cargo releases its build lock before running tests, so this
/// nested build does not wait on the outer one). Offline: every dependency is in the lock file
/// copied from the workspace and already fetched. Returns how many tests passed.
fn cargo_test(root: &Path, target: &PathBuf) -> usize {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .args(["test", "--offline", "--quiet", "-p", "source-linear-webhook"])
        .output()
        .expect("running cargo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the generated connector's build or tests failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // `test result: ok. N passed; …` per test binary.
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|l| l.split(' ').next()?.parse::<usize>().ok())
        .sum()
}
