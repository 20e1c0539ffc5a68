//! Tokens carried in the JSON body (Microsoft Graph's `clientState` in every notification):
//! every value a pointer matches (`*`: every array element) must be a string equal to a
//! configured token, compared in constant time, and at least one must be present.

use subtle::ConstantTimeEq;
use webhook_definition::pointer::Segment;

/// Every value at `segments` in `value`, following `*` into every array element; `None` for an
/// element (or the whole body) where the rest of the path does not resolve.
pub(crate) fn matches<'v>(value: &'v serde_json::Value, segments: &[Segment], out: &mut Vec<Option<&'v serde_json::Value>>) {
    let Some((first, rest)) = segments.split_first() else {
        out.push(Some(value));
        return;
    };
    let next = match (first, value) {
        (Segment::Wildcard, serde_json::Value::Array(items)) => {
            items.iter().for_each(|item| matches(item, rest, out));
            return;
        }
        (Segment::Key(key), serde_json::Value::Object(map)) => map.get(key),
        (Segment::Key(key), serde_json::Value::Array(items)) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    };
    match next {
        Some(next) => matches(next, rest, out),
        None => out.push(None),
    }
}

/// Whether the body carries the token wherever the pointer points: at least one place, and in
/// every one (every batch item) a string equal to one of `tokens`. A body that is not JSON
/// carries none.
pub(crate) fn verify(body: &[u8], segments: &[Segment], tokens: &[Vec<u8>]) -> bool {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else { return false };
    let mut found = Vec::new();
    matches(&value, segments, &mut found);
    if found.is_empty() {
        return false;
    }
    let mut all = subtle::Choice::from(1);
    for v in found {
        let presented = v.and_then(serde_json::Value::as_str).map(str::as_bytes);
        let mut one = subtle::Choice::from(0);
        for t in tokens {
            // A missing or non-string value matches no token.
            one |= presented.map_or(subtle::Choice::from(0), |p| t.as_slice().ct_eq(p));
        }
        all &= one;
    }
    bool::from(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pointer(text: &str) -> Vec<Segment> {
        webhook_definition::pointer::parse(text, true).unwrap()
    }

    #[test]
    fn every_item_must_carry_a_configured_token() {
        let tokens = [b"secretClientValue".to_vec(), b"rotated".to_vec()];
        let p = pointer("/value/*/clientState");
        let ok = br#"{"value":[{"clientState":"secretClientValue"},{"clientState":"rotated"}]}"#;
        assert!(verify(ok, &p, &tokens));
        let one_foreign = br#"{"value":[{"clientState":"secretClientValue"},{"clientState":"other"}]}"#;
        assert!(!verify(one_foreign, &p, &tokens));
        // An item without the token fails the whole batch.
        let one_missing = br#"{"value":[{"clientState":"secretClientValue"},{}]}"#;
        assert!(!verify(one_missing, &p, &tokens));
        assert!(!verify(br#"{"other":[]}"#, &p, &tokens));
        assert!(!verify(br#"{"value":[]}"#, &p, &tokens));
        assert!(!verify(br#"{"value":[{"clientState":5}]}"#, &p, &tokens));
        assert!(!verify(b"not json", &p, &tokens));
        assert!(verify(br#"{"token":"rotated"}"#, &pointer("/token"), &tokens));
    }
}
