//! Reading a vendor definition: YAML text → a JSON value plus where every node and key sits in
//! the file, and the typed decode into [`webhook_definition::Definition`].
//!
//! Two readers, on purpose. `saphyr-parser`'s event API gives a position for every node, which
//! the schema pass needs to turn a JSON pointer back into `file:line:column`; `yaml_serde` is the
//! format's typed reader. Every YAML call of the generator lives in this module.

use std::collections::BTreeMap;
use std::fmt;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::{Map, Number, Value};
use webhook_definition::Definition;

/// A position in a source file, both 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
}

impl Position {
    fn of(span: &Span) -> Position {
        Position { line: span.start.line(), column: span.start.col() + 1 }
    }
}

/// Where the nodes of a document are: JSON pointer → position of the value, and of its key.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    values: BTreeMap<String, Position>,
    keys: BTreeMap<String, Position>,
}

impl SourceMap {
    /// The position of the value at `pointer`, or of its nearest ancestor that exists.
    pub fn value(&self, pointer: &str) -> Position {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.values.get(p) {
                return *pos;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return Position { line: 1, column: 1 },
            }
        }
    }

    /// The position of the key of the member at `pointer` (the value's position for array items
    /// and the root).
    pub fn key(&self, pointer: &str) -> Position {
        self.keys.get(pointer).copied().unwrap_or_else(|| self.value(pointer))
    }
}

/// A YAML document read into a JSON value, with its source map.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document as JSON.
    pub value: Value,
    /// Where its nodes are.
    pub map: SourceMap,
}

/// A YAML text that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where.
    pub position: Position,
    /// What is wrong.
    pub message: String,
    /// What kind of problem it is.
    pub kind: SyntaxErrorKind,
}

/// What kind of YAML problem a [`SyntaxError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// The text is not YAML.
    Syntax,
    /// A mapping repeats a key.
    DuplicateKey,
    /// Valid YAML the format does not use: several documents, complex keys, unknown anchors.
    Unsupported,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.position.line, self.position.column, self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// Escapes one segment of a JSON pointer (RFC 6901).
pub fn escape_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

enum Frame {
    Sequence { pointer: String, items: Vec<Value>, anchor: usize },
    Mapping { pointer: String, map: Map<String, Value>, key: Option<String>, anchor: usize },
}

/// Reads YAML text into a JSON value and its source map. Scalars are typed by the YAML 1.2 core
/// schema, as `yaml_serde` types them: plain `true`, `42`, `1.5`, `null`/`~` are not strings.
pub fn parse(text: &str) -> Result<Document, SyntaxError> {
    let mut map = SourceMap::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: BTreeMap<usize, Value> = BTreeMap::new();
    let mut root: Option<Value> = None;
    let mut documents = 0;

    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| SyntaxError {
            position: Position { line: e.marker().line(), column: e.marker().col() + 1 },
            message: e.info().to_string(),
            kind: SyntaxErrorKind::Syntax,
        })?;
        let position = Position::of(&span);
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(SyntaxError {
                        position,
                        message: "a definition is one YAML document; remove the second `---`".into(),
                        kind: SyntaxErrorKind::Unsupported,
                    });
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                // A scalar is a key when the innermost open node is a mapping awaiting one.
                if let Some(Frame::Mapping { pointer, map: members, key, .. }) = stack.last_mut()
                    && key.is_none()
                {
                    let member = format!("{pointer}/{}", escape_segment(&text));
                    if members.contains_key(text.as_ref()) {
                        return Err(SyntaxError {
                            position,
                            message: format!("duplicate key `{text}`; each key may appear once in a mapping"),
                            kind: SyntaxErrorKind::DuplicateKey,
                        });
                    }
                    map.keys.insert(member, position);
                    *key = Some(text.into_owned());
                    continue;
                }
                let tag_suffix = tag.as_ref().map(|t| t.suffix.clone());
                let value = scalar(&text, style, tag_suffix.as_deref());
                if anchor > 0 {
                    anchors.insert(anchor, value.clone());
                }
                let pointer = child_pointer(&stack);
                map.values.insert(pointer, position);
                attach(&mut stack, &mut root, value);
            }
            Event::Alias(anchor) => {
                if let Some(Frame::Mapping { key: None, .. }) = stack.last() {
                    return Err(unsupported(position, "an alias as a mapping key"));
                }
                let Some(value) = anchors.get(&anchor).cloned() else {
                    return Err(unsupported(position, "an alias to an anchor that is not defined before it"));
                };
                map.values.insert(child_pointer(&stack), position);
                attach(&mut stack, &mut root, value);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if let Some(Frame::Mapping { key: None, .. }) = stack.last() {
                    return Err(unsupported(position, "a sequence or mapping as a mapping key"));
                }
                let pointer = child_pointer(&stack);
                map.values.insert(pointer.clone(), position);
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Sequence { pointer, items: Vec::new(), anchor }
                } else {
                    Frame::Mapping { pointer, map: Map::new(), key: None, anchor }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor) = match stack.pop() {
                    Some(Frame::Sequence { items, anchor, .. }) => (Value::Array(items), anchor),
                    Some(Frame::Mapping { map, anchor, .. }) => (Value::Object(map), anchor),
                    None => continue,
                };
                if anchor > 0 {
                    anchors.insert(anchor, value.clone());
                }
                attach(&mut stack, &mut root, value);
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    Ok(Document { value: root.unwrap_or(Value::Null), map })
}

fn unsupported(position: Position, what: &str) -> SyntaxError {
    SyntaxError {
        position,
        message: format!("{what} is valid YAML but not used by the definition format"),
        kind: SyntaxErrorKind::Unsupported,
    }
}

/// The pointer of the node about to be attached to the innermost open node.
fn child_pointer(stack: &[Frame]) -> String {
    match stack.last() {
        None => String::new(),
        Some(Frame::Sequence { pointer, items, .. }) => format!("{pointer}/{}", items.len()),
        Some(Frame::Mapping { pointer, key, .. }) => {
            format!("{pointer}/{}", escape_segment(key.as_deref().unwrap_or_default()))
        }
    }
}

fn attach(stack: &mut [Frame], root: &mut Option<Value>, value: Value) {
    match stack.last_mut() {
        None => *root = Some(value),
        Some(Frame::Sequence { items, .. }) => items.push(value),
        Some(Frame::Mapping { map, key, .. }) => {
            let key = key.take().unwrap_or_default();
            map.insert(key, value);
        }
    }
}

/// Types a scalar by the YAML 1.2 core schema. Quoted and block scalars are strings.
fn scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
    match tag {
        Some("str") => return Value::String(text.to_string()),
        Some("null") => return Value::Null,
        _ => {}
    }
    if style != ScalarStyle::Plain {
        return Value::String(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(n) = integer(text) {
        return n;
    }
    if is_float(text)
        && let Ok(f) = text.parse::<f64>()
        && let Some(n) = Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(text.to_string())
}

fn integer(text: &str) -> Option<Value> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(hex) = digits.strip_prefix("0x") {
        (16, hex)
    } else if let Some(oct) = digits.strip_prefix("0o") {
        (8, oct)
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if negative {
        let n = i64::try_from(magnitude).ok()?;
        Some(Value::Number((-n).into()))
    } else {
        Some(Value::Number(magnitude.into()))
    }
}

fn is_float(text: &str) -> bool {
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let mantissa_ok = {
        let mut parts = mantissa.splitn(2, '.');
        let whole = parts.next().unwrap_or_default();
        let fraction = parts.next();
        whole.chars().all(|c| c.is_ascii_digit())
            && fraction.is_none_or(|f| f.chars().all(|c| c.is_ascii_digit()))
            && (!whole.is_empty() || fraction.is_some_and(|f| !f.is_empty()))
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

/// Why the typed decode failed, with the position `yaml_serde` gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Where, when known.
    pub position: Option<Position>,
    /// `yaml_serde`'s message.
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}

/// Decodes a definition into the typed model with `yaml_serde`.
pub fn decode(text: &str) -> Result<Definition, DecodeError> {
    yaml_serde::from_str(text).map_err(|e| DecodeError {
        position: e.location().map(|l| Position { line: l.line(), column: l.column() }),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn builds_value_and_positions() {
        let text = "a: 1\nb:\n  - x\n  - 'true'\n  - {c: ~, d: 1.5}\n\"e/f\": true\n";
        let doc = parse(text).unwrap();
        assert_eq!(doc.value, json!({"a": 1, "b": ["x", "true", {"c": null, "d": 1.5}], "e/f": true}));
        assert_eq!(doc.map.value("/a"), Position { line: 1, column: 4 });
        assert_eq!(doc.map.key("/a"), Position { line: 1, column: 1 });
        assert_eq!(doc.map.value("/b/1"), Position { line: 4, column: 5 });
        assert_eq!(doc.map.key("/b/2/d"), Position { line: 5, column: 12 });
        assert_eq!(doc.map.key("/e~1f"), Position { line: 6, column: 1 });
        // A pointer that does not exist falls back to its nearest ancestor.
        assert_eq!(doc.map.value("/b/2/zzz"), doc.map.value("/b/2"));
    }

    #[test]
    fn reports_syntax_errors_and_duplicates() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert_eq!(err.kind, SyntaxErrorKind::Syntax);
        assert!(err.position.line >= 1);
        let err = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.kind, SyntaxErrorKind::DuplicateKey);
        assert_eq!(err.position, Position { line: 3, column: 1 });
    }

    #[test]
    fn types_scalars_like_yaml_1_2() {
        let doc = parse("[0x1F, -3, +4, 1e3, .5, yes, 'null', null, '', 007]").unwrap();
        assert_eq!(doc.value, json!([31, -3, 4, 1000.0, 0.5, "yes", "null", null, "", 7]));
    }

    #[test]
    fn resolves_aliases() {
        let doc = parse("a: &x {k: v}\nb: *x\n").unwrap();
        assert_eq!(doc.value, json!({"a": {"k": "v"}, "b": {"k": "v"}}));
    }
}
