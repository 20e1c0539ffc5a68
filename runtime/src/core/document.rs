//! The captured document: the event's own JSON bytes with a `_meta` object spliced in.
//!
//! The event's bytes are kept as received (no re-serialization) and `_meta` is inserted before
//! the object's closing brace. Non-object events are wrapped as `{"value": …}`.

use bytes::Bytes;

use super::request::WebhookRequest;

/// Header names always redacted from `_meta.headers`.
const ALWAYS_REDACTED: &[&str] = &["authorization", "proxy-authorization", "cookie", "set-cookie"];

/// The text that replaces a redacted header value.
pub const REDACTED: &str = "<redacted>";

/// What is redacted from `_meta.headers`: the headers authentication reads (lowercase
/// names) and any header whose value contains a configured secret.
pub(crate) struct Redaction {
    names: Vec<String>,
    secrets: Vec<memchr::memmem::Finder<'static>>,
    /// Tokens the vendor puts in the body (a `body_token` check), as JSON strings: replaced in
    /// captured documents, so readers of a collection never see a credential.
    body_tokens: Vec<memchr::memmem::Finder<'static>>,
}

impl Redaction {
    pub fn new(names: Vec<String>, secrets: &[String], body_tokens: &[String]) -> Redaction {
        let finder = |s: &str| memchr::memmem::Finder::new(s.as_bytes()).into_owned();
        Redaction {
            names,
            secrets: secrets.iter().filter(|s| !s.is_empty()).map(|s| finder(s)).collect(),
            body_tokens: body_tokens
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| finder(&serde_json::to_string(s).expect("a string serializes")))
                .collect(),
        }
    }

    /// The document with every body token (as a whole JSON string) replaced by `"<redacted>"`;
    /// the same bytes, uncopied, when it holds none.
    pub fn scrub(&self, document: Bytes) -> Bytes {
        if self.body_tokens.iter().all(|f| f.find(&document).is_none()) {
            return document;
        }
        let mut text = document.to_vec();
        let quoted_redacted = format!("\"{REDACTED}\"");
        for finder in &self.body_tokens {
            let needle = finder.needle().to_vec();
            let mut out = Vec::with_capacity(text.len());
            let mut rest = &text[..];
            while let Some(at) = finder.find(rest) {
                out.extend_from_slice(&rest[..at]);
                out.extend_from_slice(quoted_redacted.as_bytes());
                rest = &rest[at + needle.len()..];
            }
            out.extend_from_slice(rest);
            text = out;
        }
        Bytes::from(text)
    }

    fn hides(&self, lower_name: &str, value: &[u8]) -> bool {
        ALWAYS_REDACTED.contains(&lower_name)
            || self.names.iter().any(|n| n == lower_name)
            || self.secrets.iter().any(|f| f.find(value).is_some())
    }
}

/// The `_meta.headers` JSON object of a request: lowercased names (repeated headers joined
/// with `, `), with credentials, the headers authentication reads and any header containing a
/// configured secret redacted.
pub(crate) fn headers_object(request: &WebhookRequest, redaction: &Redaction) -> String {
    let headers = &request.headers;
    let mut out = String::with_capacity(48 * headers.len() + 2);
    out.push('{');
    for (i, (name, value)) in headers.iter().enumerate() {
        // A repeated header is written once, at its first occurrence.
        if headers[..i].iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            continue;
        }
        let lower: std::borrow::Cow<str> = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            name.to_ascii_lowercase().into()
        } else {
            name.as_str().into()
        };
        let later = headers[i + 1..].iter().filter(|(n, _)| n.eq_ignore_ascii_case(name));
        if out.len() > 1 {
            out.push(',');
        }
        push_json_string(&mut out, lower.as_ref());
        out.push(':');
        let repeated = headers[i + 1..].iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
        let lower = lower.as_ref();
        if redaction.hides(lower, value) || (repeated && later.clone().any(|(_, v)| redaction.hides(lower, v))) {
            push_json_string(&mut out, REDACTED);
        } else if !repeated {
            match std::str::from_utf8(value) {
                Ok(text) => push_json_string(&mut out, text),
                Err(_) => push_json_string(&mut out, &String::from_utf8_lossy(value)),
            }
        } else {
            let mut joined = String::from_utf8_lossy(value).into_owned();
            for (_, v) in later {
                joined.push_str(", ");
                joined.push_str(&String::from_utf8_lossy(v));
            }
            push_json_string(&mut out, &joined);
        }
    }
    out.push('}');
    out
}

/// Appends `text` as a JSON string.
pub(crate) fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    if !text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(text);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let escape: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0..=0x1f => None,
            _ => continue,
        };
        out.push_str(&text[start..i]);
        match escape {
            Some(e) => out.push_str(e),
            None => out.push_str(&format!("\\u{b:04x}")),
        }
        start = i + 1;
    }
    out.push_str(&text[start..]);
    out.push('"');
}

/// The `_meta` object of one event.
pub(crate) fn meta_object(key: &str, received_at: &str, event_type: &str, headers: &str) -> String {
    let mut out = String::with_capacity(64 + key.len() + event_type.len() + headers.len());
    push_meta(&mut out, key, received_at, event_type, headers);
    out
}

/// Appends the `_meta` object of one event.
fn push_meta(out: &mut String, key: &str, received_at: &str, event_type: &str, headers: &str) {
    out.push_str("{\"webhookId\":");
    push_json_string(out, key);
    out.push_str(",\"receivedAt\":");
    push_json_string(out, received_at);
    out.push_str(",\"eventType\":");
    push_json_string(out, event_type);
    out.push_str(",\"headers\":");
    out.push_str(headers);
    out.push('}');
}

/// The document of an event whose JSON text is `item`, as [`build`] makes it from
/// [`meta_object`], but for the usual object without a `_meta` member in one pre-sized
/// buffer: the event's bytes up to its closing brace, then `_meta` written in place.
pub(crate) fn build_event(
    item: &str,
    has_meta: bool,
    key: &str,
    received_at: &str,
    event_type: &str,
    headers: &str,
) -> Bytes {
    let object = item.trim_matches(|c: char| c.is_ascii_whitespace());
    if has_meta || !object.starts_with('{') {
        return build(item, has_meta, &meta_object(key, received_at, event_type, headers));
    }
    // The object's text ends with `}` (it was validated as an object).
    let close = object.len() - 1;
    let empty = object[1..close].trim_matches(|c: char| c.is_ascii_whitespace()).is_empty();
    let meta_len = 72 + key.len() + received_at.len() + event_type.len() + headers.len();
    let mut out = String::with_capacity(object.len() + meta_len);
    out.push_str(&object[..close]);
    out.push_str(if empty { "\"_meta\":" } else { ",\"_meta\":" });
    push_meta(&mut out, key, received_at, event_type, headers);
    out.push('}');
    Bytes::from(out)
}

/// The document of an event whose JSON text is `item`. `has_meta` says whether the object
/// already has a `_meta` member: it is then kept as `_meta_original` (the object is rebuilt,
/// the one case where the bytes are re-serialized).
pub(crate) fn build(item: &str, has_meta: bool, meta: &str) -> Bytes {
    let item = item.trim_matches(|c: char| c.is_ascii_whitespace());
    if !item.starts_with('{') {
        let mut out = String::with_capacity(item.len() + meta.len() + 20);
        out.push_str("{\"value\":");
        out.push_str(item);
        out.push_str(",\"_meta\":");
        out.push_str(meta);
        out.push('}');
        return Bytes::from(out);
    }
    if has_meta && let Ok(serde_json::Value::Object(mut object)) = serde_json::from_str::<serde_json::Value>(item) {
        if let Some(original) = object.remove("_meta") {
            object.insert("_meta_original".to_string(), original);
        }
        let meta_value: serde_json::Value = serde_json::from_str(meta).expect("the connector's _meta is JSON");
        object.insert("_meta".to_string(), meta_value);
        return Bytes::from(serde_json::to_vec(&object).expect("a JSON value serializes"));
    }
    // The object's text ends with `}` (it was parsed as an object).
    let close = item.len() - 1;
    let empty = item[1..close].trim_matches(|c: char| c.is_ascii_whitespace()).is_empty();
    let mut out = Vec::with_capacity(item.len() + meta.len() + 12);
    out.extend_from_slice(&item.as_bytes()[..close]);
    out.extend_from_slice(if empty { b"\"_meta\":" } else { b",\"_meta\":" });
    out.extend_from_slice(meta.as_bytes());
    out.push(b'}');
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_tokens_are_scrubbed_from_documents() {
        let r = Redaction::new(Vec::new(), &[], &["secretClientValue".to_string()]);
        let doc = Bytes::from_static(br#"{"value":[{"clientState":"secretClientValue","id":"1"}],"note":"secretClientValueX"}"#);
        assert_eq!(
            r.scrub(doc),
            Bytes::from_static(br#"{"value":[{"clientState":"<redacted>","id":"1"}],"note":"secretClientValueX"}"#)
        );
        let clean = Bytes::from_static(br#"{"id":"1"}"#);
        assert_eq!(r.scrub(clean.clone()).as_ptr(), clean.as_ptr(), "no copy when there is nothing to hide");
    }

    #[test]
    fn splices_meta() {
        assert_eq!(build("{\"a\":1}", false, "{}"), Bytes::from_static(b"{\"a\":1,\"_meta\":{}}"));
        assert_eq!(build(" { } ", false, "{}"), Bytes::from_static(b"{ \"_meta\":{}}"));
        assert_eq!(build("[1]", false, "{}"), Bytes::from_static(b"{\"value\":[1],\"_meta\":{}}"));
        let rebuilt: serde_json::Value = serde_json::from_slice(&build("{\"_meta\":1}", true, "{\"k\":2}")).unwrap();
        assert_eq!(rebuilt, serde_json::json!({"_meta_original": 1, "_meta": {"k": 2}}));
        // The one-buffer path writes what `build` writes.
        for (item, has_meta) in [("{\"a\":1}", false), (" { } ", false), ("[1]", false), ("{\"_meta\":1}", true)] {
            let meta = meta_object("k\"1", "2023-11-14T22:13:20Z", "t", "{\"h\":\"v\"}");
            assert_eq!(build_event(item, has_meta, "k\"1", "2023-11-14T22:13:20Z", "t", "{\"h\":\"v\"}"), build(item, has_meta, &meta));
        }
        let mut s = String::new();
        push_json_string(&mut s, "a\"\\\u{1}é");
        assert_eq!(s, "\"a\\\"\\\\\\u0001é\"");
    }
}
