//! Splitting a JSON body into its events: the body itself, the elements of a root array
//! (`""`), of a nested array (`/events`), or of arrays under every element of another array
//! (`/entry/*/changes`).

use webhook_definition::pointer::{self, Segment};

use super::json::{self, NotJson};

/// A compiled batch items path.
#[derive(Debug, Clone)]
pub(crate) struct ItemsPath {
    segments: Vec<Segment>,
}

/// Why a body does not have the batch shape the definition declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Shape {
    /// The body is not JSON.
    NotJson(NotJson),
    /// A member on the way is absent, or is not an array where one is expected.
    Mismatch(String),
}

impl ItemsPath {
    pub fn compile(items: &str) -> Result<ItemsPath, String> {
        let segments = pointer::parse(items, true).map_err(|e| format!("batch items `{items}`: {e}"))?;
        Ok(ItemsPath { segments })
    }

    /// The event items of a body, in order.
    pub fn split<'a>(&self, body: &'a str) -> Result<Vec<&'a str>, Shape> {
        if self.segments.is_empty() {
            // One pass validates and splits a root array.
            return match json::array_elements(body) {
                Some(items) => Ok(items),
                None => {
                    json::validate(body).map_err(Shape::NotJson)?;
                    Err(Shape::Mismatch("the body is not an array".to_string()))
                }
            };
        }
        if matches!(self.segments[0], Segment::Wildcard) {
            json::validate(body).map_err(Shape::NotJson)?;
        }
        let mut current = vec![body];
        for (depth, segment) in self.segments.iter().enumerate() {
            let mut next = Vec::with_capacity(current.len());
            for value in current {
                match segment {
                    Segment::Key(key) => {
                        let found = json::members(value, &[key.as_str()]).map_err(Shape::NotJson)?;
                        match found[0] {
                            Some(v) => next.push(v),
                            None => return Err(Shape::Mismatch(format!("no member `{key}` at depth {depth}"))),
                        }
                    }
                    Segment::Wildcard => next.extend(
                        json::array_elements(value)
                            .ok_or_else(|| Shape::Mismatch(format!("not an array at `*` (depth {depth})")))?,
                    ),
                }
            }
            current = next;
        }
        let mut items = Vec::new();
        for array in current {
            items.extend(
                json::array_elements(array)
                    .ok_or_else(|| Shape::Mismatch("the batch items path is not an array".to_string()))?,
            );
        }
        Ok(items)
    }
}

/// The batch items of a parsed body, mutable, in order (`*` segments go through every
/// element; a numeric segment indexes an array). For tools that rewrite bodies (signing,
/// tampering); the request path splits raw text with [`ItemsPath::split`].
pub(crate) fn items_mut<'v>(value: &'v mut serde_json::Value, items_path: &str) -> Vec<&'v mut serde_json::Value> {
    let Ok(segments) = pointer::parse(items_path, true) else { return Vec::new() };
    let mut current = vec![value];
    for segment in &segments {
        let mut next = Vec::new();
        for v in current {
            match (segment, v) {
                (Segment::Wildcard, serde_json::Value::Array(items)) => next.extend(items.iter_mut()),
                (Segment::Key(key), serde_json::Value::Object(map)) => next.extend(map.get_mut(key)),
                (Segment::Key(key), serde_json::Value::Array(items)) => {
                    next.extend(key.parse::<usize>().ok().and_then(|i| items.get_mut(i)))
                }
                _ => {}
            }
        }
        current = next;
    }
    current
        .into_iter()
        .flat_map(|v| match v {
            serde_json::Value::Array(items) => items.iter_mut().collect::<Vec<_>>(),
            _ => Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(path: &str, body: &str) -> Vec<String> {
        ItemsPath::compile(path).unwrap().split(body).unwrap().iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn splits_root_nested_and_wildcard_arrays() {
        assert_eq!(texts("", "[1, {\"a\":2}]"), vec!["1", "{\"a\":2}"]);
        assert_eq!(texts("/events", r#"{"events":[{"x":1},{"x":2}],"n":0}"#).len(), 2);
        assert_eq!(
            texts("/entry/*/changes", r#"{"entry":[{"changes":[1,2]},{"changes":[3]}]}"#),
            vec!["1", "2", "3"]
        );
        assert_eq!(texts("/events", r#"{"events":[]}"#).len(), 0);
        let path = ItemsPath::compile("/events").unwrap();
        assert!(matches!(path.split(r#"{"other":1}"#), Err(Shape::Mismatch(_))));
        assert!(matches!(path.split(r#"{"events":"#), Err(Shape::NotJson(_))));
    }
}
