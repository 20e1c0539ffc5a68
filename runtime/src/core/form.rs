//! `application/x-www-form-urlencoded` bodies and query strings.

use std::borrow::Cow;

/// Decodes one form component: `+` is a space, `%XX` a byte; invalid escapes stay as they are;
/// the bytes are read as UTF-8 (invalid sequences replaced).
pub fn decode_component(text: &[u8]) -> Cow<'_, str> {
    if !text.iter().any(|&b| b == b'+' || b == b'%') {
        return String::from_utf8_lossy(text);
    }
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < text.len() => match (hex_value(text[i + 1]), hex_value(text[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The decoded `name=value` pairs of a form body or query string, in order. A component
/// without `=` is a name with an empty value; empty components are skipped.
pub fn parse(text: &[u8]) -> Vec<(String, String)> {
    text.split(|&b| b == b'&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (name, value) = match part.iter().position(|&b| b == b'=') {
                Some(eq) => (&part[..eq], &part[eq + 1..]),
                None => (part, &b""[..]),
            };
            (decode_component(name).into_owned(), decode_component(value).into_owned())
        })
        .collect()
}

/// The first value of a field.
pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// The fields as a JSON object of strings; a repeated field becomes an array of strings.
pub fn to_json_object(pairs: &[(String, String)]) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::Value;
    let mut map = serde_json::Map::new();
    for (name, value) in pairs {
        match map.get_mut(name) {
            None => {
                map.insert(name.clone(), Value::String(value.clone()));
            }
            Some(Value::Array(values)) => values.push(Value::String(value.clone())),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, Value::String(value.clone())]);
            }
        }
    }
    map
}

/// The fields sorted by name, each written as name then value (Twilio's signed form). A
/// repeated name's values are sorted and their duplicates dropped, as Twilio's SDKs sign them
/// (`sorted(set(values))` in Python, `Array.from(new Set(v)).sort()` in Node).
pub fn sorted_concatenation(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort();
    sorted.dedup();
    sorted.iter().flat_map(|(n, v)| [n.as_str(), v.as_str()]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_forms() {
        let pairs = parse(b"a=1&b=x+y%2Fz&a=2&flag&&bad=%zz%4");
        assert_eq!(field(&pairs, "b"), Some("x y/z"));
        assert_eq!(field(&pairs, "flag"), Some(""));
        assert_eq!(field(&pairs, "bad"), Some("%zz%4"));
        assert_eq!(serde_json::Value::Object(to_json_object(&pairs))["a"], serde_json::json!(["1", "2"]));
        assert_eq!(sorted_concatenation(&parse(b"To=1&From=2")), "From2To1");
        // Repeated names as twilio-node 6.3.1 signs them (values sorted, duplicates dropped).
        assert_eq!(
            sorted_concatenation(&parse(b"MessageSid=SM1&MessageStatus=delivered&MediaUrl=b&MediaUrl=a")),
            "MediaUrlaMediaUrlbMessageSidSM1MessageStatusdelivered"
        );
        assert_eq!(sorted_concatenation(&parse(b"MediaUrl=a&MessageSid=SM1&MediaUrl=a")), "MediaUrlaMessageSidSM1");
    }
}
