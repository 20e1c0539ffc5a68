//! The skip scanner (`core::scan`) against the validating resolver (`core::json`): on valid
//! JSON they find the same raw values for every pointer; on arbitrary text the scanner never
//! panics (10,000 cases each).

use proptest::prelude::*;
use webhook_runtime::core::{json, scan};

fn config() -> ProptestConfig {
    ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() }
}

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| serde_json::json!(f)),
        "[a-z\"\\\\{}\\[\\]/ ]{0,80}".prop_map(serde_json::Value::String),
        any::<String>().prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map("[ab\"\\\\{\\[]{0,3}", inner, 0..8)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Pointers into a value: every path of up to three segments, plus some that miss.
fn pointers_of(value: &serde_json::Value) -> Vec<Vec<String>> {
    fn walk(v: &serde_json::Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(prefix.clone());
        if prefix.len() == 3 {
            return;
        }
        let children: Vec<(String, &serde_json::Value)> = match v {
            serde_json::Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), v)).collect(),
            serde_json::Value::Array(a) => a.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
            _ => Vec::new(),
        };
        for (k, child) in children {
            prefix.push(k);
            walk(child, prefix, out);
            prefix.pop();
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out.push(vec!["missing".to_string()]);
    out.push(vec!["01".to_string()]);
    out.push(vec!["a".to_string(), "b".to_string()]);
    out
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn scanner_finds_what_the_validating_resolver_finds(value in arbitrary_json(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&value).unwrap() } else { value.to_string() };
        let text = format!(" {text}\n");
        let pointers = pointers_of(&value);
        let expected = json::resolve_many(&text, &pointers).expect("valid JSON");
        prop_assert_eq!(scan::resolve_unvalidated(&text, &pointers), expected, "{}", text);
    }

    #[test]
    fn scanner_never_panics_on_arbitrary_text(
        text in prop_oneof![
            any::<String>(),
            "[\\[\\]{}\",:a0\\\\ ]{0,200}",
            arbitrary_json().prop_map(|v| { let t = v.to_string(); t.chars().take(t.chars().count() / 2).collect() }),
        ],
    ) {
        let pointers = vec![vec!["a".to_string()], vec!["0".to_string()], vec!["a".to_string(), "b".to_string()], vec![]];
        let found = scan::resolve_unvalidated(&text, &pointers);
        prop_assert_eq!(found.len(), pointers.len());
    }
}
