//! Golden files: the whole generated output of the fixture definition, byte for byte.
//!
//! The golden tree (`tests/golden/generated/…`) is itself a workspace member, so the golden
//! connector is compiled and its generated tests run with the workspace's tests.
//! Re-bless after an intended change with `WEBHOOKGEN_BLESS=1 cargo test -p webhookgen --test golden`.

mod common;

use std::path::{Path, PathBuf};

use webhookgen::pipeline;
use webhookgen::project::Project;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

#[test]
fn generated_output_matches_the_golden_files() {
    let plan = pipeline::plan(&Project::at(common::fixture_project()), &[]).expect("the fixture definition generates");
    let golden = golden_dir();
    let existing = common::read_tree(&golden);
    if std::env::var_os("WEBHOOKGEN_BLESS").is_some() {
        for path in existing.keys() {
            if !plan.files.contains_key(path) {
                std::fs::remove_file(golden.join(path)).unwrap();
            }
        }
        for (path, contents) in &plan.files {
            let target = golden.join(path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, contents).unwrap();
        }
        return;
    }
    let mut problems = Vec::new();
    for (path, contents) in &plan.files {
        match existing.get(path) {
            None => problems.push(format!("missing golden file {}", path.display())),
            Some(bytes) if bytes != contents.as_bytes() => {
                let old = String::from_utf8_lossy(bytes);
                let diff = similar::TextDiff::from_lines(old.as_ref(), contents.as_str())
                    .unified_diff()
                    .header("golden", "generated")
                    .to_string();
                problems.push(format!("{} differs:\n{diff}", path.display()));
            }
            Some(_) => {}
        }
    }
    for path in existing.keys() {
        if !plan.files.contains_key(path) {
            problems.push(format!("golden file {} is no longer generated", path.display()));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n\nIf the change is intended, re-bless: WEBHOOKGEN_BLESS=1 cargo test -p webhookgen --test golden",
        problems.join("\n")
    );
}

#[test]
fn golden_output_covers_the_fixture_features() {
    // The fixture exercises what the shipped vendors may not: a keyword-named optional field, a
    // rotated secret, glob routes, a body file, a disabled binding and a handshake.
    let vendor = std::fs::read_to_string(golden_dir().join("generated/source-acme-webhook/src/vendor.rs")).unwrap();
    assert!(vendor.contains("#[serde(rename = \"type\")]"), "keyword field renamed");
    assert!(vendor.contains("pub type_: ::std::option::Option<::std::string::String>"), "optional field");
    assert!(vendor.contains("pub signing_secret: OneOrMany"), "rotation");
    assert!(vendor.contains("glob_match(\"order.fulfillment.*\", value)"), "glob route");
    assert!(vendor.contains("evt_0002"), "body file inlined");
    assert!(!vendor.contains("body_file: ::std::option::Option::Some"), "no body file left");
    let tests = std::fs::read_to_string(golden_dir().join("generated/source-acme-webhook/tests/examples.rs")).unwrap();
    for name in ["example_order_created_tampered", "example_order_created_stale", "example_order_created_unknown_type", "example_ping()"] {
        assert!(tests.contains(name), "{name}");
    }
    assert!(!tests.contains("example_ping_tampered"), "handshakes get no tampered variant");
}
