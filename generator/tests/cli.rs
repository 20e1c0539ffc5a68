//! The `webhookgen` command line, end to end: every command, good and bad input.

mod common;

use std::collections::BTreeSet;

use common::{TempDir, acme_text, line_of, webhookgen, webhookgen_in};
use serde_json::Value;
use webhookgen::diagnostics::Code;

/// Replaces the first occurrence of `from`, which must exist.
fn mutate(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "the fixture no longer contains {from:?}");
    text.replacen(from, to, 1)
}

/// Checks a mutated acme definition with `--format json`; returns the findings.
fn check_json(label: &str, text: &str) -> (i32, Vec<Value>) {
    let project = TempDir::with_definition(label, "acme", text);
    let run = webhookgen(project.path(), &["check", "--format", "json"]);
    (run.code, run.findings())
}

fn has(findings: &[Value], code: &str, line: Option<usize>) -> bool {
    findings.iter().any(|f| f["code"] == code && line.is_none_or(|l| f["line"] == l))
}

#[test]
fn check_accepts_the_fixture() {
    let project = TempDir::project("clean");
    let run = webhookgen(project.path(), &["check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("checked 1 definition(s): 0 error(s), 0 warning(s)"), "{}", run.stdout);
}

#[test]
fn check_accepts_every_shipped_definition() {
    let run = webhookgen(&common::workspace_root(), &["check", "--format", "json"]);
    let errors: Vec<Value> = run.findings().into_iter().filter(|f| f["severity"] == "error").collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(run.code, 0);
}

/// One case per finding code: a mutation of the fixture, the code, and the text on the line
/// the finding must point at (`None`: the position is the YAML parser's).
fn cases() -> Vec<(&'static str, String, Code, Option<&'static str>)> {
    let t = acme_text();
    vec![
        ("malformed", mutate(&t, "  retries: Retried", "  retries: [Retried"), Code::YamlSyntax, None),
        ("dup_key", mutate(&t, "  name: Acme\n", "  name: Acme\n  name: Acme2\n"), Code::DuplicateKey, Some("name: Acme2")),
        ("two_documents", format!("{t}---\nspec_version: 1\n"), Code::UnsupportedYaml, None),
        ("unknown_key", mutate(&t, "  documentation_url:", "  homepage: https://acme.example\n  documentation_url:"), Code::UnknownKey, Some("homepage:")),
        ("unknown_value", mutate(&t, "algorithm: sha256", "algorithm: sha265"), Code::UnknownValue, Some("sha265")),
        ("unknown_tag", mutate(&t, "  type: hmac\n", "  type: hmca\n"), Code::UnknownValue, Some("type: hmca")),
        ("wrong_type", mutate(&t, "retry_horizon_hours: 24", "retry_horizon_hours: one day"), Code::WrongType, Some("retry_horizon_hours")),
        ("missing_key", mutate(&t, "  retries: Retried 5 times over 24 hours with exponential backoff.\n", ""), Code::MissingKey, Some("delivery:")),
        ("minimum", mutate(&t, "past_seconds: 300", "past_seconds: -5"), Code::InvalidValue, Some("past_seconds: -5")),
        ("spec_version", mutate(&t, "spec_version: 1", "spec_version: 2"), Code::SpecVersion, Some("spec_version: 2")),
        ("dup_event_type", mutate(&t, "values: [order.created]", "values: [order.created, order.updated]"), Code::DuplicateEventType, Some("values: [\"order.updated\"")),
        ("dup_collection", mutate(&t, "    - collection: order_updates\n", "    - collection: order_created  # dup\n"), Code::DuplicateCollection, Some("# dup")),
        ("dup_example", mutate(&t, "  - name: fulfillment_shipped", "  - name: order_created  # dup"), Code::DuplicateName, Some("# dup")),
        ("template_variable", mutate(&t, "{timestamp}.{body}", "{timestmp}.{body}"), Code::UnknownTemplateVariable, Some("{timestmp}")),
        ("template_syntax", mutate(&t, "{timestamp}.{body}", "{timestamp}.{body"), Code::BadTemplate, Some("signed_message")),
        ("undeclared_config", mutate(&t, "config_field: signing_secret", "config_field: signing_secrt"), Code::UndeclaredConfigField, Some("signing_secrt")),
        (
            "no_timestamp",
            mutate(&t, "  timestamp:\n    source: {type: header, name: Acme-Timestamp}\n    format: unix_seconds\n", ""),
            Code::TimestampMissing,
            Some("tolerance:"),
        ),
        ("signature_field", mutate(&t, "source: {type: header, name: Acme-Timestamp}", "source: {type: signature_field}"), Code::SignatureFieldWithoutKey, Some("signature_field")),
        ("header_name", mutate(&t, "header: Acme-Signature", "header: Acme Signature"), Code::IllegalHeaderName, Some("Acme Signature")),
        ("pointer", mutate(&t, "discriminator: {type: body_pointer, pointer: /type}", "discriminator: {type: body_pointer, pointer: type}"), Code::BadPointer, Some("discriminator:")),
        ("key_only", mutate(&t, "discriminator: {type: body_pointer, pointer: /type}", "discriminator: {type: content_hash}"), Code::KeyOnlySource, Some("discriminator:")),
        (
            "nested_all_of",
            mutate(&t, "authentication:\n  type: hmac\n", "authentication:\n  type: all_of\n  checks:\n    - type: none\n      reason: nested\nunused:\n  type: hmac\n"),
            Code::NestedAllOf,
            Some("- type: none"),
        ),
        (
            "any_of",
            mutate(&t, "authentication:\n  type: hmac\n", "authentication:\n  type: any_of\n  checks:\n    - type: none\n      reason: nested\nunused:\n  type: hmac\n"),
            Code::InvalidAnyOf,
            Some("- type: none"),
        ),
        (
            "header_alias",
            mutate(&t, "config:\n  - name: signing_secret", "request:\n  header_aliases:\n    - {name: Acme-Signature, aliases: [ACME-SIGNATURE]}  # dup\nconfig:\n  - name: signing_secret"),
            Code::HeaderAliasConflict,
            Some("# dup"),
        ),
        (
            "first_of",
            mutate(&t, "discriminator: {type: body_pointer, pointer: /type}", "discriminator: {type: first_of, sources: [{type: body_pointer, pointer: /type}]}"),
            Code::ShortFirstOf,
            Some("discriminator:"),
        ),
        (
            "signature_location",
            mutate(&t, "    header: Acme-Signature\n", "    header: Acme-Signature\n    body_pointer: /signature  # both\n"),
            Code::SignatureLocationConflict,
            Some("header: Acme-Signature"),
        ),
        (
            "body_signature_signs_body",
            mutate(&t, "    header: Acme-Signature\n", "    body_pointer: /signature\n"),
            Code::SignatureLocationConflict,
            Some("signed_message:"),
        ),
        (
            "positional_timestamp",
            mutate(&t, "    format: {type: prefixed, prefix: \"v1=\"}\n", "    format: {type: timestamp_then_signatures, separator: \",\"}\n"),
            Code::PositionalTimestampUnread,
            Some("format: {type: timestamp_then_signatures"),
        ),
        ("url_field", mutate(&t, "{timestamp}.{body}", "{url:signing_secret}{timestamp}.{body}"), Code::UrlFieldNotPlain, Some("{url:signing_secret}")),
        (
            "body_token_form",
            mutate(&t, "authentication:\n  type: hmac\n", "request:\n  body: {type: form}\nauthentication:\n  type: body_token\n  pointer: /token\n  token: {config_field: signing_secret}\nunused:\n  type: hmac\n"),
            Code::BodyTokenNotJson,
            Some("type: body_token"),
        ),
        (
            "batch_item_without_batch",
            mutate(&t, "  algorithm: sha256\n", "  algorithm: sha256\n  scope: batch_item\n"),
            Code::BatchItemSignature,
            Some("scope: batch_item"),
        ),
        (
            "body_digest_alone",
            mutate(&t, "authentication:\n  type: hmac\n", "authentication:\n  type: body_digest\n  algorithm: sha256\n  encoding: hex\n  query_parameter: bodySHA256\nunused:\n  type: hmac\n"),
            Code::UnsignedBodyDigest,
            Some("type: body_digest"),
        ),
        ("secret_not_marked", mutate(&t, "    secret: true\n    multiple: true", "    secret: false\n    multiple: true"), Code::SecretNotMarked, Some("config_field: signing_secret")),
        ("vendor_id", mutate(&t, "  id: acme", "  id: acme-two"), Code::VendorIdMismatch, Some("id: acme-two")),
        ("reserved", mutate(&t, "- collection: order_created", "- collection: config"), Code::ReservedName, Some("collection: config")),
        ("event_schema", mutate(&t, "required: [id, type]", "required: 5"), Code::InvalidEventSchema, Some("type: object")),
        ("example_schema", mutate(&t, "required: [id, type]", "required: [id, type, amount]"), Code::ExampleAgainstSchema, Some("body_file: order_updated.json")),
        ("unknown_collection", mutate(&t, "{collection: order_created,", "{collection: order_creatd,"), Code::UnknownCollection, Some("order_creatd")),
        ("unknown_handshake", mutate(&t, "      outcome: handshake\n      name: ping", "      outcome: handshake\n      name: pong"), Code::UnknownHandshake, Some("name: pong")),
        ("body_conflict", mutate(&t, "      body: '{\"id\":\"evt_0001\"", "      body_file: order_updated.json\n      body: '{\"id\":\"evt_0001\""), Code::BodyConflict, Some("body_file: order_updated.json")),
        ("fixture_missing", mutate(&t, "body_file: order_updated.json", "body_file: missing.json"), Code::FixtureMissing, Some("missing.json")),
        ("fixture_outside", mutate(&t, "body_file: order_updated.json", "body_file: ../../acme.yaml"), Code::FixtureMissing, Some("../../acme.yaml")),
        ("example_config", mutate(&t, "config: {signing_secret: acme_test_secret}", "config: {signing_secret: acme_test_secret, signing_secrett: x}"), Code::UnknownExampleConfig, Some("signing_secrett")),
        ("todo", mutate(&t, "description: A new order.", "description: \"TODO: describe\""), Code::Todo, Some("TODO: describe")),
    ]
}

#[test]
fn check_reports_each_finding_at_its_line() {
    for (label, text, code, needle) in cases() {
        let (exit, findings) = check_json(label, &text);
        let line = needle.map(|n| line_of(&text, n));
        assert!(has(&findings, code.as_str(), line), "{label}: expected {} at line {line:?}, got {findings:#?}", code.as_str());
        let expected_exit = if code == Code::Todo { 0 } else { 1 };
        assert_eq!(exit, expected_exit, "{label}");
        for f in &findings {
            assert_eq!(f["file"], "vendor-definitions/acme.yaml", "{label}");
            assert!(f["line"].as_u64().unwrap() >= 1 && f["column"].as_u64().unwrap() >= 1, "{label}: {f}");
        }
    }
}

#[test]
fn every_code_but_the_bug_report_has_a_case() {
    let covered: BTreeSet<Code> = cases().into_iter().map(|(_, _, code, _)| code).collect();
    let missing: Vec<&str> =
        Code::ALL.iter().filter(|c| **c != Code::ModelMismatch && !covered.contains(c)).map(|c| c.as_str()).collect();
    assert!(missing.is_empty(), "codes without a test case: {missing:?}");
}

/// The fixture with five planted mistakes, and the line each must be reported at.
fn planted() -> (String, Vec<(&'static str, usize)>) {
    let t = acme_text();
    let t = mutate(&t, "  documentation_url:", "  homepage: https://acme.example\n  documentation_url:");
    let t = mutate(&t, "algorithm: sha256", "algorithm: sha265");
    let t = mutate(&t, "retry_horizon_hours: 24", "retry_horizon_hours: one day");
    let t = mutate(&t, "values: [order.created]", "values: [order.created, order.updated]");
    let t = mutate(&t, "{timestamp}.{body}", "{timestmp}.{body}");
    let expected = vec![
        ("WG201", line_of(&t, "homepage:")),
        ("WG202", line_of(&t, "sha265")),
        ("WG203", line_of(&t, "one day")),
        ("WG302", line_of(&t, "values: [\"order.updated\"")),
        ("WG305", line_of(&t, "{timestmp}")),
    ];
    (t, expected)
}

#[test]
fn five_planted_mistakes_are_all_reported_in_one_run_in_both_formats() {
    let (text, expected) = planted();
    let project = TempDir::with_definition("planted", "acme", &text);

    let json = webhookgen(project.path(), &["check", "--format", "json"]);
    assert_eq!(json.code, 1);
    let findings = json.findings();
    for (code, line) in &expected {
        assert!(has(&findings, code, Some(*line)), "{code} at line {line}: {findings:#?}");
    }
    assert_eq!(findings.len(), expected.len(), "exactly the five mistakes: {findings:#?}");
    let sha = findings.iter().find(|f| f["code"] == "WG202").unwrap();
    assert_eq!(sha["did_you_mean"], "sha256");
    assert_eq!(sha["pointer"], "/authentication/algorithm");
    let key = findings.iter().find(|f| f["code"] == "WG201").unwrap();
    assert_eq!(key["pointer"], "/vendor/homepage");
    assert!(key["expected"].as_array().unwrap().contains(&Value::from("documentation_url")));
    let var = findings.iter().find(|f| f["code"] == "WG305").unwrap();
    assert_eq!(var["did_you_mean"], "{timestamp}");

    let human = webhookgen(project.path(), &["check"]);
    assert_eq!(human.code, 1);
    for (code, line) in &expected {
        let prefix = format!("vendor-definitions/acme.yaml:{line}:");
        assert!(
            human.stdout.lines().any(|l| l.starts_with(&prefix) && l.contains(&format!("error[{code}]"))),
            "{code} at {prefix}\n{}",
            human.stdout
        );
    }
    assert!(human.stdout.contains("did you mean `sha256`?"), "{}", human.stdout);
    assert!(human.stdout.contains("5 error(s)"), "{}", human.stdout);
}

#[test]
fn a_misspelled_tag_is_one_error_not_one_per_variant() {
    let text = mutate(&acme_text(), "  type: hmac\n", "  type: hmca\n");
    let (_, findings) = check_json("tag", &text);
    let at_auth: Vec<&Value> =
        findings.iter().filter(|f| f["pointer"].as_str().unwrap().starts_with("/authentication")).collect();
    assert_eq!(at_auth.len(), 1, "{at_auth:#?}");
    assert_eq!(at_auth[0]["pointer"], "/authentication/type");
    assert_eq!(at_auth[0]["did_you_mean"], "hmac");
    assert!(at_auth[0]["message"].as_str().unwrap().contains("unknown type `hmca`"));
}

#[test]
fn a_misspelled_tag_does_not_hide_the_mistakes_beside_it() {
    // The rest of the mapping is checked against the kind the author most likely meant.
    let text = mutate(&acme_text(), "  type: hmac\n", "  type: hmca\n");
    let text = mutate(&text, "  algorithm: sha256\n", "  algorithm: sha256\n  colour: blue\n");
    let (_, findings) = check_json("tag-and-key", &text);
    assert!(has(&findings, "WG202", None), "{findings:#?}");
    let unknown_key = findings.iter().find(|f| f["code"] == "WG201").expect("the unknown key is reported");
    assert_eq!(unknown_key["pointer"], "/authentication/colour");
    assert_eq!(unknown_key["line"], line_of(&text, "  colour: blue"));
}

#[test]
fn authentication_cannot_be_left_out() {
    let t = acme_text();
    let start = t.find("authentication:\n").unwrap();
    let end = t.find("handshakes:\n").unwrap();
    let text = format!("{}{}", &t[..start], &t[end..]);
    let (exit, findings) = check_json("no-auth", &text);
    assert_eq!(exit, 1);
    let missing = findings.iter().find(|f| f["code"] == "WG204" && f["message"] == "missing key `authentication`");
    let missing = missing.unwrap_or_else(|| panic!("{findings:#?}"));
    assert!(missing["hint"].as_str().unwrap().contains("type: none"), "{missing}");
}

#[test]
fn check_names_unknown_definitions() {
    let project = TempDir::project("unknown-name");
    let run = webhookgen(project.path(), &["check", "acm"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("did you mean `acme`?"), "{}", run.stderr);
}

#[test]
fn deny_warnings_fails_on_todo() {
    let text = mutate(&acme_text(), "description: A new order.", "description: \"TODO: describe\"");
    let project = TempDir::with_definition("deny", "acme", &text);
    assert_eq!(webhookgen(project.path(), &["check"]).code, 0);
    assert_eq!(webhookgen(project.path(), &["check", "--deny-warnings"]).code, 1);
}

#[test]
fn schema_is_draft_07_and_validates_the_shipped_definitions() {
    let project = TempDir::new("schema");
    let run = webhookgen(project.path(), &["schema"]);
    assert_eq!(run.code, 0);
    let schema: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    let validator = jsonschema::options().with_draft(jsonschema::Draft::Draft7).build(&schema).unwrap();

    let definitions = common::workspace_root().join("vendor-definitions");
    let mut count = 0;
    for entry in std::fs::read_dir(&definitions).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let doc = webhookgen::load::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let errors: Vec<String> = validator.iter_errors(&doc.value).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
            count += 1;
        }
    }
    assert!(count >= 6, "expected the six shipped definitions, found {count}");

    // The fixture is valid; each planted mistake a schema can see is rejected on its own.
    let t = acme_text();
    assert!(validator.is_valid(&webhookgen::load::parse(&t).unwrap().value));
    for (from, to, schema_sees_it) in [
        ("  documentation_url:", "  homepage: x\n  documentation_url:", true),
        ("algorithm: sha256", "algorithm: sha265", true),
        ("retry_horizon_hours: 24", "retry_horizon_hours: one day", true),
        ("values: [order.created]", "values: [order.created, order.updated]", false),
        ("{timestamp}.{body}", "{timestmp}.{body}", false),
    ] {
        let doc = webhookgen::load::parse(&mutate(&t, from, to)).unwrap();
        assert_eq!(!validator.is_valid(&doc.value), schema_sees_it, "{to}");
    }
}

#[test]
fn schema_command_matches_the_checked_in_editor_schema() {
    let run = webhookgen(&common::workspace_root(), &["schema"]);
    let committed = std::fs::read_to_string(common::workspace_root().join("generated/vendor-definition.schema.json")).unwrap();
    assert_eq!(run.stdout, committed);
}

#[test]
fn new_vendor_scaffolds_a_definition_that_only_warns() {
    let project = TempDir::new("new");
    let run = webhookgen(project.path(), &["new", "vendor", "acme-pay"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(project.path().join("vendor-definitions/acme-pay.yaml")).unwrap();
    assert!(text.starts_with("# yaml-language-server: $schema=../generated/vendor-definition.schema.json\n"));
    assert!(text.contains("TODO"));

    let check = webhookgen(project.path(), &["check", "--format", "json"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    let findings = check.findings();
    assert!(!findings.is_empty());
    assert!(findings.iter().all(|f| f["code"] == "WG901" && f["severity"] == "warning"), "{findings:#?}");
    assert_eq!(webhookgen(project.path(), &["check", "--deny-warnings"]).code, 1);

    // It refuses to overwrite, unless forced.
    std::fs::write(project.path().join("vendor-definitions/acme-pay.yaml"), "edited").unwrap();
    let again = webhookgen(project.path(), &["new", "vendor", "acme-pay"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(project.path().join("vendor-definitions/acme-pay.yaml")).unwrap(), "edited");
    assert_eq!(webhookgen(project.path(), &["new", "vendor", "acme-pay", "--force"]).code, 0);
    assert_eq!(std::fs::read_to_string(project.path().join("vendor-definitions/acme-pay.yaml")).unwrap(), text);

    assert_eq!(webhookgen(project.path(), &["new", "vendor", "Acme Pay"]).code, 1);
}

#[test]
fn generating_twice_gives_identical_bytes() {
    let a = TempDir::project("twice-a");
    let b = TempDir::project("twice-b");
    assert_eq!(webhookgen(a.path(), &["generate"]).code, 0);
    assert_eq!(webhookgen(b.path(), &["generate"]).code, 0);
    let first = common::read_tree(&a.path().join("generated"));
    assert_eq!(first, common::read_tree(&b.path().join("generated")));
    // And again in place: nothing changes.
    let run = webhookgen(a.path(), &["generate"]);
    assert!(run.stdout.contains(", 0 changed"), "{}", run.stdout);
    assert_eq!(first, common::read_tree(&a.path().join("generated")));
    assert!(first.values().all(|bytes| !bytes.contains(&b'\r')), "LF only");
}

#[test]
fn generate_check_reports_stale_missing_and_orphaned_files() {
    let project = TempDir::project("check");
    let root = project.path();
    let before = webhookgen(root, &["generate", "--check"]);
    assert_eq!(before.code, 1, "nothing generated yet");

    assert_eq!(webhookgen(root, &["generate"]).code, 0);
    let clean = webhookgen(root, &["generate", "--check"]);
    assert_eq!(clean.code, 0, "{}{}", clean.stdout, clean.stderr);

    let crate_dir = root.join("generated/source-acme-webhook");
    let readme = crate_dir.join("README.md");
    let stale = std::fs::read_to_string(&readme).unwrap().replace("# Acme webhook connector", "# Acme connector (edited)");
    std::fs::write(&readme, &stale).unwrap();
    std::fs::remove_file(crate_dir.join("schemas/order_created.schema.json")).unwrap();
    let orphan = "// @generated by webhookgen from vendor-definitions/gone.yaml — do not edit.\nfn main() {}\n";
    std::fs::create_dir_all(root.join("generated/source-gone-webhook/src")).unwrap();
    std::fs::write(root.join("generated/source-gone-webhook/src/main.rs"), orphan).unwrap();
    let hand_written = root.join("generated/NOTES.md");
    std::fs::write(&hand_written, "written by hand\n").unwrap();

    let snapshot = common::read_tree(root);
    let check = webhookgen(root, &["generate", "--check"]);
    assert_eq!(check.code, 1);
    assert_eq!(common::read_tree(root), snapshot, "--check changes nothing");
    let out = &check.stdout;
    assert!(out.contains("generated/source-acme-webhook/README.md: stale"), "{out}");
    assert!(out.contains("-# Acme connector (edited)") && out.contains("+# Acme webhook connector"), "{out}");
    assert!(out.contains("generated/source-acme-webhook/schemas/order_created.schema.json: missing"), "{out}");
    assert!(out.contains("generated/source-gone-webhook/src/main.rs: orphaned"), "{out}");
    assert!(out.contains("--- a/generated/source-acme-webhook/README.md"), "{out}");
    assert!(!out.contains("NOTES.md"), "hand-written files are not reported: {out}");
    assert!(check.stderr.contains("cargo run -p webhookgen -- generate"), "{}", check.stderr);

    let fix = webhookgen(root, &["generate"]);
    assert_eq!(fix.code, 0);
    assert!(fix.stdout.contains("deleted generated/source-gone-webhook/src/main.rs"), "{}", fix.stdout);
    assert!(!root.join("generated/source-gone-webhook").exists(), "emptied directories are removed");
    assert_eq!(std::fs::read_to_string(&hand_written).unwrap(), "written by hand\n");
    assert_eq!(webhookgen(root, &["generate", "--check"]).code, 0);
}

#[test]
fn generate_never_overwrites_a_hand_written_file() {
    let project = TempDir::project("hand");
    let root = project.path();
    let path = root.join("generated/source-acme-webhook/README.md");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "my own notes\n").unwrap();
    let run = webhookgen(root, &["generate"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("not generated"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "my own notes\n");
    assert!(!root.join("generated/source-acme-webhook/src/vendor.rs").exists(), "nothing written");
}

#[test]
fn generate_of_one_definition_leaves_other_connectors_alone() {
    let project = TempDir::project("subset");
    let root = project.path();
    let other = root.join("generated/source-other-webhook/src/main.rs");
    std::fs::create_dir_all(other.parent().unwrap()).unwrap();
    std::fs::write(&other, "// @generated by webhookgen from vendor-definitions/other.yaml — do not edit.\n").unwrap();
    assert_eq!(webhookgen(root, &["generate", "acme"]).code, 0);
    assert!(other.exists(), "a named generate only owns its own connector");
    assert_eq!(webhookgen(root, &["generate", "acme", "--check"]).code, 0);
    assert_eq!(webhookgen(root, &["generate", "--check"]).code, 1, "the full check sees the orphan");
}

#[test]
fn generate_refuses_a_definition_with_errors() {
    let (text, _) = planted();
    let project = TempDir::with_definition("gen-errors", "acme", &text);
    let run = webhookgen(project.path(), &["generate"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("error[WG201]"), "{}", run.stderr);
    assert!(!project.path().join("generated").exists(), "nothing is generated");
}

#[test]
fn the_root_is_found_from_a_subdirectory() {
    let project = TempDir::project("discover");
    std::fs::write(project.path().join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
    let sub = project.path().join("vendor-definitions/fixtures");
    let run = webhookgen_in(&sub, &["check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("checked 1 definition(s)"), "{}", run.stdout);
}

#[test]
fn the_readme_documents_every_code() {
    let readme = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for code in Code::ALL {
        assert!(readme.contains(&format!("| {} |", code.as_str())), "{} is not in generator/README.md", code.as_str());
    }
}

#[test]
fn generate_without_definitions_deletes_nothing() {
    let project = TempDir::new("empty");
    let connector = project.path().join("generated/source-acme-webhook/src/main.rs");
    std::fs::create_dir_all(connector.parent().unwrap()).unwrap();
    std::fs::write(&connector, "// @generated by webhookgen from vendor-definitions/acme.yaml — do not edit.\n").unwrap();
    let run = webhookgen(project.path(), &["generate"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no definitions"), "{}", run.stderr);
    assert!(connector.exists());
}
