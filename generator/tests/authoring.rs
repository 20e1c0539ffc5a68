//! The authoring commands end to end: `try`, `infer`, `explain` and the `fix` of `check`
//! findings, with good and bad input.

mod common;

use std::path::Path;

use common::{TempDir, acme_text, webhookgen};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;

/// Acme's signature, computed here independently of the runtime: hex HMAC-SHA256 of
/// `<timestamp>.<body>` keyed with the secret's bytes, behind `v1=`.
fn acme_signature(secret: &str, timestamp: &str, body: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

// ---------------------------------------------------------------- try

#[test]
fn try_runs_every_example_through_the_runtime() {
    let project = TempDir::project("try-ok");
    let run = webhookgen(project.path(), &["try", "acme"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("example `order_created`: as expected"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("order.created → collection order_created, key evt_0001"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("verified:   yes"), "{}", run.stdout);
    assert!(!run.stdout.contains("DIFFERS"), "{}", run.stdout);

    let run = webhookgen(project.path(), &["try", "acme", "--format", "json"]);
    assert_eq!(run.code, 0);
    let results = json_lines(&run.stdout);
    let definition: Value = yaml_serde::from_str(&acme_text()).unwrap();
    assert_eq!(
        results.len(),
        definition["examples"].as_array().unwrap().len(),
        "one line per example"
    );
    let first = &results[0];
    assert_eq!(first["kind"], "example");
    assert_eq!(first["name"], "order_created");
    assert_eq!(first["verified"], true);
    assert_eq!(first["events"][0]["key"], "evt_0001");
    assert_eq!(first["response"]["status"], 200);
    assert_eq!(first["as_expected"], true);
    assert!(results.iter().all(|r| r["as_expected"] == true), "{results:#?}");
}

#[test]
fn try_exits_1_when_an_example_differs_from_its_expect() {
    let text = acme_text().replacen("key: evt_0001}", "key: evt_9999}", 1);
    assert_ne!(text, acme_text());
    let project = TempDir::with_definition("try-differs", "acme", &text);
    let run = webhookgen(project.path(), &["try", "acme"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("example `order_created`: DIFFERS FROM `expect`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("key \"evt_0001\" ≠ expected \"evt_9999\""),
        "{}",
        run.stdout
    );

    // A wrong secret: not verified, and says why.
    let text = acme_text().replacen(
        "config: {signing_secret: acme_test_secret}",
        "config: {signing_secret: other}",
        1,
    );
    let project = TempDir::with_definition("try-secret", "acme", &text);
    let run = webhookgen(project.path(), &["try", "acme", "--format", "json"]);
    assert_eq!(run.code, 1);
    let first = &json_lines(&run.stdout)[0];
    assert_eq!(first["verified"], false);
    assert_eq!(first["verification"], "no signature matches any configured secret");
    assert_eq!(first["response"]["status"], 401);
    assert_eq!(first["as_expected"], false);
}

#[test]
fn try_refuses_a_definition_with_errors_and_unknown_names() {
    let text = acme_text().replacen("algorithm: sha256", "algorithm: sha265", 1);
    let project = TempDir::with_definition("try-errors", "acme", &text);
    let run = webhookgen(project.path(), &["try", "acme"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains("error[WG202]"), "{}", run.stderr);
    assert!(run.stderr.contains("has 1 error(s); fix them first"), "{}", run.stderr);

    let run = webhookgen(project.path(), &["try", "acm"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("did you mean `acme`?"), "{}", run.stderr);
}

#[test]
fn try_accepts_a_definition_path() {
    let project = TempDir::project("try-path");
    let path = project.path().join("vendor-definitions/acme.yaml");
    let run = webhookgen(project.path(), &["try", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("example `order_updated`: as expected"),
        "body_file fixtures resolve beside the file: {}",
        run.stdout
    );
}

#[test]
fn try_runs_recorded_requests_in_both_forms() {
    let project = TempDir::project("try-requests");
    let body = r#"{"id":"evt_rec_1","type":"order.created","data":{}}"#;
    let signature = acme_signature("acme_test_secret", "1700000500", body);
    let http = format!(
        "POST /hooks HTTP/1.1\r\nHost: example.com\r\nContent-Type: application/json\r\nAcme-Timestamp: 1700000500\r\nAcme-Signature: {signature}\r\nContent-Length: {}\r\n\r\n{body}\n",
        body.len()
    );
    write(&project.path().join("requests/signed.http"), &http);
    let yaml = format!(
        "headers:\n  Acme-Timestamp: \"1700000500\"\n  Acme-Signature: {signature}\nbody: '{body}'\nnow: 1700000501\n"
    );
    write(&project.path().join("requests/signed.yaml"), &yaml);
    write(
        &project.path().join("requests/unsigned.json"),
        &format!(
            "{{\"headers\": {{}}, \"body\": {}, \"now\": 1700000501}}",
            serde_json::to_string(body).unwrap()
        ),
    );
    let config = project.path().join("config.yaml");
    write(&config, "signing_secret: acme_test_secret\n");

    let requests = project.path().join("requests");
    let run = webhookgen(
        project.path(),
        &[
            "try",
            "acme",
            "--format",
            "json",
            "--config",
            config.to_str().unwrap(),
            "--request",
            requests.join("signed.yaml").to_str().unwrap(),
            "--request",
            requests.join("unsigned.json").to_str().unwrap(),
        ],
    );
    assert_eq!(
        run.code, 0,
        "recorded requests do not decide the exit code: {}{}",
        run.stdout, run.stderr
    );
    let recorded: Vec<Value> = json_lines(&run.stdout)
        .into_iter()
        .filter(|r| r["kind"] == "request")
        .collect();
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0]["verified"], true, "{:#?}", recorded[0]);
    assert_eq!(recorded[0]["events"][0]["collection"], "order_created");
    assert_eq!(recorded[0]["events"][0]["key"], "evt_rec_1");
    assert_eq!(recorded[0]["as_expected"], Value::Null);
    assert_eq!(recorded[1]["verified"], false);
    assert!(
        recorded[1]["verification"].as_str().unwrap().starts_with("missing"),
        "{:#?}",
        recorded[1]
    );
    assert_eq!(recorded[1]["response"]["status"], 401);

    // The dump has no `now`: at the real clock its 1700000500 timestamp is stale, and `try` says so.
    let run = webhookgen(
        project.path(),
        &[
            "try",
            "acme",
            "--config",
            config.to_str().unwrap(),
            "--request",
            requests.join("signed.http").to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .contains("verified:   no — the signed timestamp is older than the tolerance"),
        "{}",
        run.stdout
    );
}

#[test]
fn try_rejects_unreadable_request_files() {
    let project = TempDir::project("try-bad-requests");
    let cases = [
        (
            "mismatch.http",
            "POST / HTTP/1.1\nContent-Length: 50\n\n{}",
            "Content-Length says 50",
        ),
        ("unknown.yaml", "body: x\nverb: POST\n", "unknown field `verb`"),
        (
            "chunked.http",
            "POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n2\r\n{}\r\n0\r\n\r\n",
            "chunked",
        ),
    ];
    for (file, text, needle) in cases {
        let path = project.path().join(file);
        write(&path, text);
        let run = webhookgen(project.path(), &["try", "acme", "--request", path.to_str().unwrap()]);
        assert_eq!(run.code, 1, "{file}: {}", run.stdout);
        assert!(run.stderr.contains(needle), "{file}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "nothing runs when a request file is unreadable");
    }
    let run = webhookgen(project.path(), &["try", "acme", "--request", "/nonexistent/r.http"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("/nonexistent/r.http"), "{}", run.stderr);
}

// ---------------------------------------------------------------- infer

/// Stripe-like payloads: the type at /type, the id at /id, one account id shared by all.
fn write_samples(dir: &Path) {
    let samples = [
        (
            "a_order_created.json",
            r#"{"id":"evt_1001","type":"order.created","account":"acct_1","data":{"order":{"id":"ord_1","total":12.5}}}"#,
        ),
        (
            "b_order_shipped.json",
            r#"{"id":"evt_1002","type":"order.shipped","account":"acct_1","data":{"order":{"id":"ord_1"},"carrier":"ups"}}"#,
        ),
        (
            "c_order_created.json",
            r#"{"id":"evt_1003","type":"order.created","account":"acct_1","data":{"order":{"id":"ord_2","total":3}}}"#,
        ),
    ];
    for (name, body) in samples {
        write(&dir.join(name), body);
    }
}

#[test]
fn infer_proposes_discriminator_key_types_and_schemas() {
    let project = TempDir::project("infer-proposal");
    let samples = project.path().join("samples");
    write_samples(&samples);
    let run = webhookgen(
        project.path(),
        &["infer", "--samples", samples.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let p: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        p["discriminator"]["source"],
        serde_json::json!({"type": "body_pointer", "pointer": "/type"})
    );
    assert_eq!(
        p["document_key"]["source"],
        serde_json::json!({"type": "body_pointer", "pointer": "/id"})
    );
    let types: Vec<&str> = p["event_types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["value"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["order.created", "order.shipped"]);
    let created = &p["event_types"][0];
    assert_eq!(
        created["samples"],
        serde_json::json!(["a_order_created", "c_order_created"])
    );
    assert_eq!(
        created["schema"]["properties"]["data"]["properties"]["order"]["properties"]["total"]["type"],
        "number"
    );
    assert_eq!(
        created["schema"]["required"],
        serde_json::json!(["account", "data", "id", "type"])
    );

    // The human form is a whole definition: valid once saved under its id (TODO warnings only).
    let run = webhookgen(project.path(), &["infer", "--samples", samples.to_str().unwrap()]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("# Discriminator candidates (score): body /type"),
        "{}",
        run.stdout
    );
    let id = "samples"; // the folder's name is the vendor id
    let scaffolded = TempDir::with_definition("infer-scaffold", id, &run.stdout);
    let check = webhookgen(scaffolded.path(), &["check", "--format", "json"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert!(
        json_lines(&check.stdout).iter().all(|f| f["code"] == "WG901"),
        "{}",
        check.stdout
    );
    assert!(run.stdout.contains("values:\n      - order.shipped"), "{}", run.stdout);
}

#[test]
fn infer_into_adds_types_and_signed_examples_and_changes_nothing_else() {
    let project = TempDir::project("infer-into");
    let samples = project.path().join("samples");
    write_samples(&samples);
    let path = project.path().join("vendor-definitions/acme.yaml");
    let before = std::fs::read_to_string(&path).unwrap();

    let run = webhookgen(
        project.path(),
        &["infer", "--samples", samples.to_str().unwrap(), "--into", "acme"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("new event type `order.shipped` → collection `order_shipped`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("added 1 event type(s) and 3 example(s)"),
        "{}",
        run.stdout
    );
    let after = std::fs::read_to_string(&path).unwrap();
    // Every original line is still there, in order: text was only inserted.
    let mut remaining = after.lines();
    for line in before.lines() {
        assert!(remaining.any(|l| l == line), "line lost or changed: {line:?}");
    }
    assert!(after.contains("- name: sample_a_order_created"), "{after}");
    assert!(
        after.contains("description: 'TODO: what `order.shipped` means"),
        "{after}"
    );

    // The result checks (one TODO warning) and every example, old and new, passes `try`.
    let check = webhookgen(project.path(), &["check", "acme", "--format", "json"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    let run = webhookgen(project.path(), &["try", "acme", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let results = json_lines(&run.stdout);
    let shipped = results.iter().find(|r| r["name"] == "sample_b_order_shipped").unwrap();
    assert_eq!(shipped["verified"], true);
    assert_eq!(shipped["events"][0]["collection"], "order_shipped");
    assert_eq!(shipped["events"][0]["key"], "evt_1002");

    // Again: nothing new to add, nothing rewritten.
    let run = webhookgen(
        project.path(),
        &["infer", "--samples", samples.to_str().unwrap(), "--into", "acme"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("added 0 event type(s) and 0 example(s)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("example `sample_a_order_created` already exists"),
        "{}",
        run.stdout
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), after);
}

#[test]
fn infer_into_puts_large_bodies_in_fixture_files() {
    let project = TempDir::project("infer-large");
    let samples = project.path().join("samples");
    let big = format!(
        r#"{{"id":"evt_big","type":"order.created","note":"{}"}}"#,
        "x".repeat(3000)
    );
    write(&samples.join("big.json"), &big);
    let run = webhookgen(
        project.path(),
        &["infer", "--samples", samples.to_str().unwrap(), "--into", "acme"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let fixture = project.path().join("vendor-definitions/fixtures/acme/big.json");
    assert_eq!(
        std::fs::read_to_string(&fixture).unwrap(),
        big,
        "the body, byte for byte"
    );
    let text = std::fs::read_to_string(project.path().join("vendor-definitions/acme.yaml")).unwrap();
    assert!(text.contains("body_file: big.json"), "{text}");
    assert!(!text.contains(&"x".repeat(3000)), "the body is not inlined");
    let run = webhookgen(project.path(), &["try", "acme", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let sample = json_lines(&run.stdout)
        .into_iter()
        .find(|r| r["name"] == "sample_big")
        .unwrap();
    assert_eq!(sample["events"][0]["key"], "evt_big");
}

#[test]
fn infer_rejects_bad_input_and_leaves_the_definition_alone() {
    let project = TempDir::project("infer-bad");
    let empty = project.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let run = webhookgen(project.path(), &["infer", "--samples", empty.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no samples"), "{}", run.stderr);

    let run = webhookgen(project.path(), &["infer", "--samples", "/nonexistent/samples"]);
    assert_eq!(run.code, 1);

    let bad = project.path().join("bad");
    write(&bad.join("x.yaml"), "just: [a, mapping\n");
    let run = webhookgen(project.path(), &["infer", "--samples", bad.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("x.yaml"), "{}", run.stderr);

    // A definition with errors is not merged into.
    let samples = project.path().join("samples");
    write_samples(&samples);
    let path = project.path().join("vendor-definitions/acme.yaml");
    let broken = acme_text().replacen("algorithm: sha256", "algorithm: sha265", 1);
    std::fs::write(&path, &broken).unwrap();
    let run = webhookgen(
        project.path(),
        &["infer", "--samples", samples.to_str().unwrap(), "--into", "acme"],
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("WG202"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
}

// ---------------------------------------------------------------- explain

#[test]
fn explain_answers_from_the_format_schema() {
    let dir = TempDir::new("explain");
    let run = webhookgen(dir.path(), &["explain", "authentication.signature.format"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("title:     Header format"), "{}", run.stdout);
    assert!(
        // The column is as wide as the longest kind's name.
        run.stdout.lines().any(|l| l.trim_start().starts_with("key_value_list ") && l.contains("  A list of `key=value` pairs")),
        "{}",
        run.stdout
    );

    let run = webhookgen(dir.path(), &["explain", "/events/discriminator", "--format", "json"]);
    assert_eq!(run.code, 0);
    let found: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(found[0]["path"], "events.discriminator");
    assert!(
        found[0]["allowed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["value"] == "composite")
    );
    assert!(
        found[0]["example"]
            .as_str()
            .unwrap()
            .starts_with("discriminator:\n  type: body_pointer")
    );

    let run = webhookgen(dir.path(), &["explain", "hmac"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("authentication (type: hmac)"), "{}", run.stdout);
    assert!(
        run.stdout.contains("signed_message  Signed message (required)"),
        "{}",
        run.stdout
    );

    let run = webhookgen(dir.path(), &["explain", "discriminatr"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("did you mean `discriminator`?"), "{}", run.stderr);
}

// ---------------------------------------------------------------- check: fixes

#[test]
fn check_fixes_apply_literally_and_clean_the_definition() {
    let original = acme_text();
    let planted = original
        .replacen("spec_version: 1", "spec_version: 2", 1)
        .replacen("  documentation_url:", "  documentaton_url:", 1)
        .replacen("algorithm: sha256", "algorithm: sha265", 1)
        .replacen("{timestamp}.{body}", "{timestmp}.{body}", 1)
        .replacen("config_field: signing_secret", "config_field: signing_secrt", 1)
        .replacen(
            "collection: order_created, event_type",
            "collection: order_creatd, event_type",
            1,
        );
    let project = TempDir::with_definition("fixes", "acme", &planted);
    let run = webhookgen(project.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let findings = json_lines(&run.stdout);
    assert!(
        findings.iter().all(|f| f.as_object().unwrap().contains_key("fix")),
        "every finding has the field"
    );
    let mut fixes: Vec<(usize, usize, String, String)> = findings
        .iter()
        .filter(|f| !f["fix"].is_null())
        .map(|f| {
            let fix = &f["fix"];
            (
                fix["line"].as_u64().unwrap() as usize,
                fix["column"].as_u64().unwrap() as usize,
                fix["replace"].as_str().unwrap().to_string(),
                fix["with"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(fixes.len(), 6, "{findings:#?}");
    let missing_key = findings
        .iter()
        .find(|f| f["code"] == "WG204")
        .expect("the misspelled key leaves a required key missing");
    assert!(
        missing_key["fix"].is_null(),
        "no fix for a missing key: it is not a replacement"
    );

    // Apply them as a tool would, bottom up, by line and column.
    fixes.sort();
    let mut lines: Vec<String> = planted.lines().map(str::to_string).collect();
    for (line, column, replace, with) in fixes.into_iter().rev() {
        let text = &mut lines[line - 1];
        let start = text.char_indices().nth(column - 1).map(|(i, _)| i).unwrap();
        assert!(
            text[start..].starts_with(&replace),
            "{text:?} at {column} does not hold {replace:?}"
        );
        text.replace_range(start..start + replace.len(), &with);
    }
    let fixed = lines.join("\n") + "\n";
    assert_eq!(fixed, original);
}
