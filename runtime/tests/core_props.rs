//! Property tests (10,000 cases each): arbitrary input through every parser and decoder of the
//! core — signature header grammars, signature and secret encodings, timestamps, templates,
//! JSON pointers, forms, globs, public keys, and whole requests — never panics, and the
//! round-trips that must hold do.

mod core_support;

use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use proptest::prelude::*;
use serde_json::json;
use webhook_runtime::core::{Processor, WebhookRequest, encoding, form, json as core_json, route, sign, timestamp, verify};
use webhook_runtime::definition::{
    Authentication, PublicKeyEncoding, SecretDecoding, SignatureEncoding, SignatureFormat, TimestampFormat,
};

fn config() -> ProptestConfig {
    ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() }
}

fn any_format() -> impl Strategy<Value = SignatureFormat> {
    prop_oneof![
        Just(SignatureFormat::Bare),
        "[ -~]{0,8}".prop_map(|prefix| SignatureFormat::Prefixed { prefix }),
        ("[ -~]{0,3}", "[ -~]{0,4}", proptest::option::of("[ -~]{0,4}")).prop_map(|(separator, signature_key, timestamp_key)| {
            SignatureFormat::KeyValueList { separator, signature_key, timestamp_key }
        }),
        ("[ -~]{0,3}", "[ -~]{0,4}").prop_map(|(separator, version)| SignatureFormat::VersionedList { separator, version }),
    ]
}

fn any_encoding() -> impl Strategy<Value = SignatureEncoding> {
    prop_oneof![Just(SignatureEncoding::Hex), Just(SignatureEncoding::Base64), Just(SignatureEncoding::Base64url)]
}

fn any_decoding() -> impl Strategy<Value = SecretDecoding> {
    prop_oneof![
        Just(SecretDecoding::Verbatim),
        Just(SecretDecoding::WhsecBase64),
        Just(SecretDecoding::Base64),
        Just(SecretDecoding::Hex)
    ]
}

fn any_timestamp_format() -> impl Strategy<Value = TimestampFormat> {
    prop_oneof![Just(TimestampFormat::UnixSeconds), Just(TimestampFormat::UnixMilliseconds), Just(TimestampFormat::Rfc3339)]
}

/// Text over a small alphabet (cheaper to generate than regex strategies).
fn text_over(alphabet: &'static [char], max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(alphabet), 0..max).prop_map(String::from_iter)
}

const GRAMMAR: &[char] = &[
    't', 'v', '1', '0', '=', ',', ';', ' ', 'a', 'f', '9', 'A', 'Z', '+', '/', '_', '-', 's', 'h', 'w', 'é', '\u{0}', '\t',
];

/// Text biased towards the characters these grammars care about.
fn header_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), text_over(GRAMMAR, 120)]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn signature_headers_parse_into_substrings(value in header_text(), format in any_format()) {
        let parsed = verify::parse_signature_header(&value, &format);
        let range = value.as_ptr() as usize..value.as_ptr() as usize + value.len() + 1;
        for s in parsed.signatures.iter().chain(parsed.timestamp.iter()) {
            prop_assert!(range.contains(&(s.as_ptr() as usize)), "{s:?} is not part of {value:?}");
        }
    }

    #[test]
    fn signature_encodings_decode_or_refuse_and_round_trip(text in header_text(), bytes in proptest::collection::vec(any::<u8>(), 0..80), enc in any_encoding()) {
        let _ = encoding::decode_signature(&text, enc);
        prop_assert_eq!(encoding::decode_signature(&encoding::encode_signature(&bytes, enc), enc), Some(bytes));
    }

    #[test]
    fn secrets_and_public_keys_decode_or_refuse(text in header_text(), decoding in any_decoding()) {
        if let Ok(key) = encoding::decode_secret(&text, decoding) {
            prop_assert!(!key.is_empty());
        }
        for enc in [PublicKeyEncoding::Hex, PublicKeyEncoding::Base64, PublicKeyEncoding::SpkiDerBase64, PublicKeyEncoding::Pem] {
            let _ = encoding::ed25519_key(&text, enc);
            let _ = encoding::p256_key(&text, enc);
        }
    }

    #[test]
    fn timestamps_parse_or_refuse(text in prop_oneof![any::<String>(), text_over(&['0', '1', '2', '9', 'T', ':', '.', '+', 'Z', 'z', '-', ' '], 40)], format in any_timestamp_format()) {
        let _ = timestamp::parse(&text, format);
    }

    #[test]
    fn rfc3339_round_trips(ms in 0u64..253_402_300_799_000) {
        let t = UNIX_EPOCH + Duration::from_millis(ms);
        let text = timestamp::format_rfc3339(t);
        prop_assert_eq!(timestamp::parse(&text, TimestampFormat::Rfc3339), Some(i128::from(ms)), "{}", text);
    }

    #[test]
    fn json_pointers_and_forms_never_panic(
        body in prop_oneof![any::<String>(), text_over(&['[', ']', '{', '}', '"', ':', ',', '0', '1', 'a', 'b', ' ', '\\', 'u', 'n', 'l', 't', 'r', 'e'], 80)],
        keys in proptest::collection::vec(text_over(&['a', 'b', '0', '1', '~', '/'], 4), 0..4),
        raw in proptest::collection::vec(any::<u8>(), 0..120),
    ) {
        let pointers: Vec<Vec<String>> = keys.iter().map(|k| k.split('/').map(str::to_string).collect()).collect();
        if let Ok(values) = core_json::resolve_many(&body, &pointers) {
            prop_assert_eq!(values.len(), pointers.len());
            for v in values.into_iter().flatten() {
                let _ = core_json::scalar_text(v);
            }
        }
        let _ = core_json::array_elements(&body);
        let pairs = form::parse(&raw);
        let _ = form::to_json_object(&pairs);
        let _ = form::sorted_concatenation(&pairs);
    }

    #[test]
    fn globs_match_themselves_and_star_matches_everything(pattern in text_over(&['a', 'b', 'c', '*', '.'], 12), value in text_over(&['a', 'b', 'c', '.'], 12)) {
        let _ = route::glob_match(&pattern, &value);
        prop_assert!(route::glob_match("*", &value));
        prop_assert!(route::glob_match(&value, &value));
        let (prefix, longer) = (format!("{value}*"), format!("{value}x"));
        prop_assert!(route::glob_match(&prefix, &longer));
    }

    #[test]
    fn arbitrary_templates_parse_or_refuse_and_sign(template in prop_oneof![
        any::<String>(),
        text_over(&['{', '}', 'a', 'b', ':', '.', 'h'], 40),
        proptest::collection::vec(proptest::sample::select(&["{body}", "{timestamp}", "{method}", "{path}", "{form_sorted}", "{header:x-id}", "{config:secret}", "{config:nope}", "{nope}", ".", ":", "{{", "}}", "{", "}"][..]), 0..6).prop_map(|p| p.concat()),
    ]) {
        let _ = webhook_runtime::definition::template::parse(&template);
        let mut definition = core_support::definition(json!({
            "config": [core_support::secret_field("secret", true)],
            "authentication": {"type": "hmac", "algorithm": "sha256", "secret": {"config_field": "secret"},
                "signature": {"header": "X-Sig", "format": {"type": "bare"}, "encoding": "hex"}, "signed_message": "{body}",
                "timestamp": {"source": {"type": "header", "name": "X-Ts"}, "format": "unix_seconds"}}
        }));
        if let Authentication::Hmac(h) = &mut definition.authentication {
            h.signed_message = template.clone();
        }
        let mut request = core_support::request("POST", "/p?q=1", &[("x-id", "1")], "a=b&c=d");
        let _ = sign::sign(&definition, &json!({"secret": "s"}), &mut request, UNIX_EPOCH);
    }
}

/// One processor per signature format, built once.
fn processors() -> &'static [(Processor, String)] {
    static PROCESSORS: std::sync::OnceLock<Vec<(Processor, String)>> = std::sync::OnceLock::new();
    PROCESSORS.get_or_init(|| {
        let formats = [
            json!({"type": "bare"}),
            json!({"type": "prefixed", "prefix": "sha256="}),
            json!({"type": "key_value_list", "separator": ",", "signature_key": "v1", "timestamp_key": "t"}),
            json!({"type": "versioned_list", "separator": " ", "version": "v1"}),
        ];
        formats
            .into_iter()
            .enumerate()
            .map(|(i, format)| {
                let timestamp = if i == 2 {
                    json!({"source": {"type": "signature_field"}, "format": "unix_seconds"})
                } else {
                    json!({"source": {"type": "header", "name": "X-Ts"}, "format": if i == 3 { "rfc3339" } else { "unix_milliseconds" }})
                };
                let encoding = ["hex", "base64", "base64url", "hex"][i];
                let vendor = core_support::vendor(json!({
                    "config": [core_support::secret_field("secret", true)],
                    "authentication": {"type": "hmac", "algorithm": "sha256", "secret": {"config_field": "secret"},
                        "signature": {"header": "X-Sig", "format": format, "encoding": encoding},
                        "signed_message": "{header:x-id}.{timestamp}.{body}", "timestamp": timestamp,
                        "tolerance": {"past_seconds": 300, "future_seconds": 300}},
                    "handshakes": [{"name": "probe", "description": "x", "when": [{"type": "equals", "value": {"type": "body_pointer", "pointer": "/type"}, "to": "probe"}],
                        "verify_signature": true, "response": {"body": {"type": "text", "value": {"type": "echo", "source": {"type": "body_pointer", "pointer": "/challenge"}}}}}],
                    "events": {"batch": if i % 2 == 0 { json!(null) } else { json!({"items": "/events"}) },
                        "discriminator": {"type": "composite", "separator": ".", "parts": [{"type": "body_pointer", "pointer": "/type"}, {"type": "header", "name": "x-kind"}]},
                        "document_key": {"type": "content_hash", "pointers": ["/id", "/n"]},
                        "types": [{"collection": "a", "values": ["a", "b.*"], "description": "x"}]}
                }));
                let processor = Processor::new(vendor, &json!({"secret": ["s1", "s2"]})).expect("valid");
                (processor, format!("{i}"))
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn whole_requests_never_panic(
        sig in header_text(),
        ts in prop_oneof![any::<String>(), text_over(&['0', '1', '7', '9'], 14), Just("2023-01-01T00:00:00Z".to_string())],
        id in any::<String>(),
        body in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..200),
            (proptest::sample::select(&["a", "b.c", "probe", "x"][..]), 0u32..1000, 0usize..4).prop_map(|(t, id, n)| {
                let events = vec![r#"{"type":"a"}"#; n].join(",");
                format!(r#"{{"type":"{t}","id":{id},"challenge":"c","events":[{events}]}}"#).into_bytes()
            }),
        ],
        method in prop_oneof![Just("POST"), Just("GET"), Just("BREW")],
        which in 0usize..4,
        seconds in 0u64..4_000_000_000,
    ) {
        let (processor, _) = &processors()[which];
        let request = WebhookRequest {
            method: method.to_string(),
            path_and_query: "/".to_string(),
            headers: vec![
                ("X-Sig".into(), Bytes::from(sig)),
                ("X-Ts".into(), Bytes::from(ts)),
                ("x-id".into(), Bytes::from(id)),
                ("X-Kind".into(), Bytes::from_static(b"k")),
            ],
            body: Bytes::from(body),
        };
        let decision = processor.process(&request, UNIX_EPOCH + Duration::from_secs(seconds));
        // Nothing forged is ever captured (the secrets are not in the generated text).
        let captured = matches!(decision, webhook_runtime::core::Decision::Capture { .. });
        prop_assert!(!captured, "a forged request was captured");
    }
}

proptest! {
    #![proptest_config(config())]

    /// The core's JSON scanner accepts exactly what serde_json accepts, and finds the same
    /// members.
    #[test]
    fn json_scanner_agrees_with_serde_json(
        text in prop_oneof![
            any::<String>(),
            text_over(&['[', ']', '{', '}', '"', ':', ',', '0', '1', '-', '.', 'e', 'a', ' ', '\\', 'u', 'n', 'l', 't', 'r', '\n', '\u{1}'], 60),
            arbitrary_json().prop_map(|v| v.to_string()),
            arbitrary_json().prop_map(|v| serde_json::to_string_pretty(&v).unwrap()),
        ],
    ) {
        let serde_ok = serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok();
        prop_assert_eq!(core_json::validate(&text).is_ok(), serde_ok, "{:?}", text);
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(&text) {
            let keys: Vec<&str> = map.keys().map(String::as_str).take(3).collect();
            let found = core_json::members(&text, &keys).expect("valid JSON");
            for (k, v) in keys.iter().zip(found) {
                let parsed: serde_json::Value = serde_json::from_str(v.expect("present")).unwrap();
                // serde_json keeps the last duplicate, the scanner the first: compare when unique.
                if text.matches(&format!("\"{k}\"")).count() == 1 {
                    prop_assert_eq!(&parsed, &map[*k]);
                }
            }
        }
    }
}

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        any::<String>().prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map("[a-z\"\\\\]{0,4}", inner, 0..6).prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}
