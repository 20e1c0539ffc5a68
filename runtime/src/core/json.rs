//! Finding values in a JSON body without building a tree of it.
//!
//! One pass over an object captures the raw text of the few members that are wanted and skips
//! the rest (serde's `IgnoredAny`), which also validates the whole text. Deeper pointers pass
//! again over the captured member only. Nothing is copied: results are slices of the body's
//! text, which keeps the raw bytes for the document.
//!
//! (A hand-written validating scanner with 8-byte string skipping was tried in place of
//! serde_json: it agreed with serde_json on every property-test case but was at best on par
//! with `IgnoredAny` in speed, so serde_json stays.)

use std::borrow::Cow;
use std::fmt;

use serde::Deserializer;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// A body that is not JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotJson(pub String);

/// Whether `raw` is one JSON value (surrounded by whitespace at most).
pub fn validate(raw: &str) -> Result<(), NotJson> {
    members(raw, &[]).map(drop)
}

/// The value's text without surrounding whitespace (`raw` must be JSON).
fn trimmed(raw: &str) -> &str {
    raw.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
}

/// The members `keys` of the JSON value `raw` (object members by name, array elements by
/// decimal index), as raw JSON text, in the order of `keys`. The first of duplicate members
/// wins. Validates the whole of `raw`.
pub fn members<'a>(raw: &'a str, keys: &[&str]) -> Result<Vec<Option<&'a str>>, NotJson> {
    if keys.is_empty() {
        return serde_json::from_str::<IgnoredAny>(raw).map(|_| Vec::new()).map_err(|e| NotJson(e.to_string()));
    }
    let mut out: Vec<Option<&'a str>> = vec![None; keys.len()];
    let mut de = serde_json::Deserializer::from_str(raw);
    de.deserialize_any(MembersVisitor { keys, out: &mut out }).map_err(|e| NotJson(e.to_string()))?;
    de.end().map_err(|e| NotJson(e.to_string()))?;
    Ok(out)
}

/// Resolves several JSON pointers (already split into unescaped segments) with as few passes as
/// possible: one over `raw` (which validates it), then one over each member some pointer goes
/// through. Each result is the member's raw JSON text.
pub fn resolve_many<'a, P: AsRef<[String]>>(raw: &'a str, pointers: &[P]) -> Result<Vec<Option<&'a str>>, NotJson> {
    // The common case (top-level members only, as `/type` and `/id`): one pass, no grouping.
    if !pointers.is_empty() && pointers.iter().all(|p| p.as_ref().len() == 1) {
        let keys: Vec<&str> = pointers.iter().map(|p| p.as_ref()[0].as_str()).collect();
        let mut found = members(raw, &keys)?;
        // Repeated pointers share the first one's answer.
        for i in 0..keys.len() {
            if found[i].is_none()
                && let Some(first) = keys.iter().position(|k| *k == keys[i])
            {
                found[i] = found[first];
            }
        }
        return Ok(found);
    }
    let mut out = vec![None; pointers.len()];
    let all: Vec<usize> = (0..pointers.len()).collect();
    resolve_into(raw, true, pointers, 0, &all, &mut out)?;
    Ok(out)
}

fn resolve_into<'a, P: AsRef<[String]>>(
    raw: &'a str,
    top: bool,
    pointers: &[P],
    depth: usize,
    which: &[usize],
    out: &mut [Option<&'a str>],
) -> Result<(), NotJson> {
    let mut keys: Vec<&str> = Vec::new();
    let mut whole = Vec::new();
    for &i in which {
        match pointers[i].as_ref().get(depth) {
            None => whole.push(i),
            Some(key) => {
                if !keys.contains(&key.as_str()) {
                    keys.push(key.as_str());
                }
            }
        }
    }
    if keys.is_empty() {
        // Only pointers that end here: the top still needs validating.
        if top {
            validate(raw)?;
        }
    } else {
        let found = members(raw, &keys)?;
        for (key, value) in keys.iter().zip(found) {
            let Some(value) = value else { continue };
            let next: Vec<usize> =
                which.iter().copied().filter(|&i| pointers[i].as_ref().get(depth).map(String::as_str) == Some(*key)).collect();
            resolve_into(value, false, pointers, depth + 1, &next, out)?;
        }
    }
    for i in whole {
        out[i] = Some(trimmed(raw));
    }
    Ok(())
}

/// The elements of a JSON array as raw text, or `None` when `raw` is not a (valid) array.
pub fn array_elements(raw: &str) -> Option<Vec<&str>> {
    if !raw.trim_start().starts_with('[') {
        return None;
    }
    let items = serde_json::from_str::<Vec<&RawValue>>(raw).ok()?;
    Some(items.into_iter().map(RawValue::get).collect())
}

/// The text of a scalar given as raw JSON: a string's unescaped value, a number's or
/// boolean's JSON text, an object's or array's JSON text; `None` for `null`.
pub fn scalar_text(raw: &str) -> Option<Cow<'_, str>> {
    let text = trimmed(raw);
    match text.as_bytes().first() {
        Some(b'"') => {
            // Most strings have no escapes: borrow them.
            let inner = &text[1..text.len() - 1];
            if !inner.contains('\\') {
                return Some(Cow::Borrowed(inner));
            }
            serde_json::from_str::<String>(text).ok().map(Cow::Owned)
        }
        Some(b'n') => None,
        Some(_) => Some(Cow::Borrowed(text)),
        None => None,
    }
}

/// Whether a JSON value's text is an object.
pub fn is_object(raw: &str) -> bool {
    raw.trim_start().starts_with('{')
}

/// RFC 6901: array indices are decimal without leading zeros.
fn is_canonical_index(key: &str) -> bool {
    key == "0" || (!key.starts_with('0') && !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()))
}

struct MembersVisitor<'k, 'o, 'a> {
    keys: &'k [&'k str],
    out: &'o mut [Option<&'a str>],
}

impl<'de> Visitor<'de> for MembersVisitor<'_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(found) = map.next_key_seed(KeySeed { keys: self.keys })? {
            match found {
                Some(i) if self.out[i].is_none() => self.out[i] = Some(map.next_value::<&'de RawValue>()?.get()),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        loop {
            let wanted = self.keys.iter().position(|k| is_canonical_index(k) && k.parse::<usize>().ok() == Some(index));
            match wanted {
                Some(i) => match seq.next_element::<&'de RawValue>()? {
                    Some(v) => self.out[i] = Some(v.get()),
                    None => break,
                },
                None => {
                    if seq.next_element::<IgnoredAny>()?.is_none() {
                        break;
                    }
                }
            }
            index += 1;
        }
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

struct KeySeed<'k> {
    keys: &'k [&'k str],
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.keys.iter().position(|k| *k == key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(p: &str) -> Vec<String> {
        webhook_definition::pointer::parse(p, false)
            .unwrap()
            .into_iter()
            .map(|s| match s {
                webhook_definition::pointer::Segment::Key(k) => k,
                webhook_definition::pointer::Segment::Wildcard => unreachable!(),
            })
            .collect()
    }

    #[test]
    fn resolves_several_pointers_in_few_passes() {
        let body = r#"{"id":"evt_1","data":{"object":{"id":"pi_1","n":[1,2,{"x":true}]}},"type":"a.b","k\"q":"esc","e":"x\u0041"}"#;
        let ptrs = [seg("/type"), seg("/id"), seg("/data/object/id"), seg("/data/object/n/2/x"), seg("/missing"), seg("/k\"q"), seg("/data/object/n/01")];
        let refs: Vec<&[String]> = ptrs.iter().map(Vec::as_slice).collect();
        let got = resolve_many(body, &refs).unwrap();
        let text: Vec<Option<String>> = got.iter().map(|v| v.and_then(scalar_text).map(|c| c.into_owned())).collect();
        assert_eq!(
            text,
            vec![Some("a.b".into()), Some("evt_1".into()), Some("pi_1".into()), Some("true".into()), None, Some("esc".into()), None]
        );
        let e = members(body, &["e"]).unwrap()[0].unwrap();
        assert_eq!(scalar_text(e).unwrap(), "xA");
    }

    #[test]
    fn edge_cases_follow_serde_json() {
        let deep_ok = format!("{}{}", "[".repeat(127), "]".repeat(127));
        let deep_bad = format!("{}{}", "[".repeat(129), "]".repeat(129));
        for text in [
            r#""\ud800""#, r#""\udc00x""#, r#""\u00zz""#, "01", "1.", "-", "1e", "1e+", "-0.0e-0", "[1,]", r#"{"a":1,}"#,
            "\"\u{7f}\"", "\"\u{1f}\"", " \n[ ]\t", "", " ", "nul", "true false", "{\"a\" 1}", "[\"\\x\"]",
            "2.5E10", "-", "+1", ".5", "[01]", "{1:2}",
        ] {
            let serde_ok = serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
            assert_eq!(validate(text).is_ok(), serde_ok, "{text:?}");
        }
        // Deep nesting is skipped without recursion (no stack to overflow).
        assert!(validate(&deep_ok).is_ok() && validate(&deep_bad).is_ok());
        assert!(validate(&"[".repeat(100_000)).is_err());
    }

    #[test]
    fn invalid_json_is_an_error() {
        assert!(members(r#"{"a":tru}"#, &["a"]).is_err());
        assert!(members(r#"{"a":1} x"#, &[]).is_err());
        assert!(resolve_many::<Vec<String>>("", &[]).is_err());
        assert_eq!(array_elements(r#"[{"a":1}, 2 ]"#).unwrap().len(), 2);
    }
}
