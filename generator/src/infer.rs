//! `webhookgen infer`: a first draft of a definition's `events` from what a vendor sent.
//!
//! From sample payloads it proposes the discriminator (the body field or header that best
//! separates the samples), the event types seen, a document key (a field unique across the
//! samples, id-like) and a JSON Schema per event type (types as seen; `required`: the fields
//! present in every sample of that type). Every candidate is scored, so an author sees why one
//! was chosen and what the alternatives were.
//!
//! The scores are heuristics over names and values, stated in [`score_discriminator`] and
//! [`score_key`]; they propose, and `check`/`try` decide.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value, json};
use webhook_definition::ValueSource;

use crate::recorded::{self, RecordedRequest};

mod merge;
mod scaffold;

pub use merge::{MergeError, Merged, merge};
pub use scaffold::scaffold;

/// One sample: a recorded request, or a bare JSON payload (then a POST with no headers).
#[derive(Debug, Clone)]
pub struct Sample {
    /// The file name without extension.
    pub stem: String,
    /// The request.
    pub request: RecordedRequest,
    /// The body as JSON (`Null` when it is not JSON).
    pub body: Value,
}

/// Why the samples cannot be read.
#[derive(Debug)]
pub enum InferError {
    /// The folder or a file cannot be read.
    Io(PathBuf, std::io::Error),
    /// A file is neither JSON nor a recorded request.
    Invalid(PathBuf, String),
    /// The folder holds no samples.
    Empty(PathBuf),
}

impl fmt::Display for InferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InferError::Io(path, e) => write!(f, "{}: {e}", path.display()),
            InferError::Invalid(path, why) => write!(f, "{}: {why}", path.display()),
            InferError::Empty(dir) => write!(
                f,
                "{}: no samples (expected *.json payloads, or recorded requests as *.json/*.yaml with `headers` and `body`, or *.http dumps)",
                dir.display()
            ),
        }
    }
}

impl std::error::Error for InferError {}

/// Reads every sample of a folder, in file-name order.
pub fn read_samples(dir: &Path) -> Result<Vec<Sample>, InferError> {
    let entries = std::fs::read_dir(dir).map_err(|e| InferError::Io(dir.to_path_buf(), e))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && !p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'))
        })
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml" | "yml" | "http" | "txt")
            )
        })
        .collect();
    paths.sort();
    let mut samples = Vec::new();
    for path in paths {
        samples.push(read_sample(&path)?);
    }
    if samples.is_empty() {
        return Err(InferError::Empty(dir.to_path_buf()));
    }
    Ok(samples)
}

fn read_sample(path: &Path) -> Result<Sample, InferError> {
    let bytes = std::fs::read(path).map_err(|e| InferError::Io(path.to_path_buf(), e))?;
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("sample")
        .to_string();
    let is_json = path.extension().is_some_and(|e| e == "json");
    let request = if recorded::looks_like_http(&bytes) {
        recorded::read(path).map_err(|e| InferError::Invalid(path.to_path_buf(), e.to_string()))?
    } else {
        let text = String::from_utf8(bytes.clone())
            .map_err(|_| InferError::Invalid(path.to_path_buf(), "not UTF-8".into()))?;
        // A JSON payload is a sample as it is, unless it is a request mapping (`headers` + `body`).
        match recorded::parse_mapping(&text) {
            Ok(mut r) if !is_json || text_has_request_keys(&text) => {
                r.file = path.to_path_buf();
                r
            }
            Err(e) if !is_json => {
                return Err(InferError::Invalid(
                    path.to_path_buf(),
                    format!("not a recorded request: {e}"),
                ));
            }
            _ => RecordedRequest {
                file: path.to_path_buf(),
                method: "POST".into(),
                path: "/".into(),
                headers: vec![("Content-Type".into(), "application/json".into())],
                body: bytes,
                now: None,
                config: None,
            },
        }
    };
    let body = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    if is_json && body.is_null() && request.body.is_empty() {
        return Err(InferError::Invalid(path.to_path_buf(), "empty".into()));
    }
    Ok(Sample { stem, request, body })
}

/// A JSON file is a recorded request only when it has both `headers` and `body` at the top.
fn text_has_request_keys(text: &str) -> bool {
    serde_json::from_str::<Value>(text).is_ok_and(|v| v.get("headers").is_some() && v.get("body").is_some())
}

/// A proposed value source, with its score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// Where the value is.
    pub source: ValueSource,
    /// The source in words (`body /type`, `header X-Shopify-Topic`).
    pub label: String,
    /// The score (higher is better; comparable within one list).
    pub score: f64,
    /// In how many samples it is present.
    pub present: usize,
    /// How many distinct values it has.
    pub distinct: usize,
    /// A few of its values.
    pub values: Vec<String>,
}

/// An event type seen in the samples.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InferredType {
    /// The discriminator value.
    pub value: String,
    /// A collection name for it.
    pub collection: String,
    /// The samples of this type (file stems).
    pub samples: Vec<String>,
    /// A JSON Schema inferred from those samples.
    pub schema: Value,
}

/// What the samples suggest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    /// How many samples were read.
    pub samples: usize,
    /// The best discriminator (`None`: nothing separates the samples).
    pub discriminator: Option<Candidate>,
    /// Every discriminator candidate, best first.
    pub discriminator_candidates: Vec<Candidate>,
    /// The event types the best discriminator finds, in order of first appearance.
    pub event_types: Vec<InferredType>,
    /// Samples in which the discriminator finds nothing.
    pub untyped_samples: Vec<String>,
    /// The best document key (`None`: use a `content_hash`).
    pub document_key: Option<Candidate>,
    /// Every key candidate, best first.
    pub key_candidates: Vec<Candidate>,
}

/// Scalar leaves of a JSON object (not inside arrays), pointer → text, up to a small depth.
fn leaves(value: &Value, prefix: &str, depth: usize, out: &mut BTreeMap<String, Leaf>) {
    let Value::Object(map) = value else { return };
    for (k, v) in map {
        let pointer = format!("{prefix}/{}", k.replace('~', "~0").replace('/', "~1"));
        match v {
            Value::String(s) => {
                out.insert(
                    pointer,
                    Leaf {
                        text: s.clone(),
                        is_string: true,
                    },
                );
            }
            Value::Number(n) => {
                out.insert(
                    pointer,
                    Leaf {
                        text: n.to_string(),
                        is_string: false,
                    },
                );
            }
            Value::Object(_) if depth < 3 => leaves(v, &pointer, depth + 1, out),
            _ => {}
        }
    }
}

#[derive(Debug, Clone)]
struct Leaf {
    text: String,
    is_string: bool,
}

/// Headers that never carry an event type or id.
fn is_transport_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "content-type"
            | "content-length"
            | "content-encoding"
            | "host"
            | "user-agent"
            | "accept"
            | "accept-encoding"
            | "connection"
            | "authorization"
            | "cookie"
            | "date"
            | "expect"
            | "traceparent"
            | "tracestate"
    ) || n.starts_with("x-forwarded-")
        || n.contains("signature")
        || n.contains("timestamp")
}

/// Values that look like an id rather than a type name: long runs of digits, UUIDs, hex.
fn looks_like_id(value: &str) -> bool {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let hexish = value.len() >= 16 && value.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    digits >= 4 || hexish
}

fn looks_like_type(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 80
        && value.starts_with(|c: char| c.is_ascii_alphabetic())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || "_.:/- ".contains(c))
        && !looks_like_id(value)
}

fn normalized(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// How much a name sounds like an event type: `type`, `event`, `event_type`, `topic` and
/// headers `X-…-Event`/`X-…-Topic` the most.
fn discriminator_name_weight(name: &str, is_header: bool) -> f64 {
    let n = normalized(name);
    if is_header {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with("-event")
            || lower.ends_with("-topic")
            || lower.ends_with("-event-type")
            || lower.ends_with("-event-name")
        {
            return 3.0;
        }
        return if n.contains("event") || n.contains("topic") {
            2.0
        } else {
            0.0
        };
    }
    match n.as_str() {
        "type" | "event" | "eventtype" | "topic" | "eventname" => 3.0,
        "kind" | "action" | "trigger" | "notificationtype" => 2.0,
        _ if n.contains("type") || n.contains("event") || n.contains("topic") => 1.5,
        _ => 0.5,
    }
}

/// The discriminator score: coverage² × type-like values × name weight × separation × depth.
/// A field present in every sample, holding type-like values, named like a type, with more
/// than one value across the samples and at the top level scores highest.
pub fn score_discriminator(name: &str, is_header: bool, depth: usize, values: &[&str], samples: usize) -> f64 {
    if values.is_empty() || samples == 0 {
        return 0.0;
    }
    let coverage = values.len() as f64 / samples as f64;
    let type_like = values.iter().filter(|v| looks_like_type(v)).count() as f64 / values.len() as f64;
    let distinct = values.iter().collect::<BTreeSet<_>>().len();
    let separation = if samples >= 2 && distinct == 1 { 0.5 } else { 1.0 };
    let depth_factor = 0.7_f64.powi(depth as i32);
    coverage * coverage * type_like * discriminator_name_weight(name, is_header) * separation * depth_factor
}

/// How much a name sounds like an event or delivery id.
fn key_name_weight(name: &str, is_header: bool) -> f64 {
    let n = normalized(name);
    if is_header {
        return if n.contains("delivery")
            || n.contains("idempotency")
            || n.ends_with("eventid")
            || n.ends_with("webhookid")
            || n.ends_with("messageid")
        {
            3.5
        } else if n.ends_with("id") {
            2.0
        } else {
            0.0
        };
    }
    match n.as_str() {
        "id" | "eventid" | "webhookid" | "deliveryid" | "notificationid" | "messageid" | "uuid" => 3.0,
        _ if n.ends_with("id") || n.ends_with("uuid") => 1.5,
        _ => 0.2,
    }
}

/// The key score: it must be unique across the samples and present in all; then name weight ×
/// coverage × depth, and less for values that look like timestamps.
pub fn score_key(name: &str, is_header: bool, depth: usize, values: &[&str], samples: usize) -> f64 {
    if values.is_empty() || samples == 0 {
        return 0.0;
    }
    let distinct = values.iter().collect::<BTreeSet<_>>().len();
    if distinct != values.len() {
        return 0.0; // not unique: two events would share a key
    }
    let coverage = values.len() as f64 / samples as f64;
    let timestamp_like = values.iter().filter(|v| {
        (v.len() == 10 || v.len() == 13) && v.chars().all(|c| c.is_ascii_digit())
            || v.len() >= 19 && v.as_bytes().get(4) == Some(&b'-') && v.contains('T')
    });
    let time_factor = if timestamp_like.count() == values.len() {
        0.2
    } else {
        1.0
    };
    let depth_factor = 0.6_f64.powi(depth as i32);
    coverage * coverage * key_name_weight(name, is_header) * time_factor * depth_factor
}

/// Proposes the discriminator, event types, key and schemas for a set of samples.
pub fn propose(samples: &[Sample]) -> Proposal {
    let n = samples.len();
    // Every body leaf and header, with its values across samples.
    let mut body_values: BTreeMap<String, Vec<(usize, Leaf)>> = BTreeMap::new();
    let mut header_values: BTreeMap<String, (String, Vec<(usize, String)>)> = BTreeMap::new();
    for (i, s) in samples.iter().enumerate() {
        let mut found = BTreeMap::new();
        leaves(&s.body, "", 0, &mut found);
        for (pointer, leaf) in found {
            body_values.entry(pointer).or_default().push((i, leaf));
        }
        for (name, value) in &s.request.headers {
            if is_transport_header(name) {
                continue;
            }
            let entry = header_values
                .entry(name.to_ascii_lowercase())
                .or_insert_with(|| (name.clone(), Vec::new()));
            if !entry.1.iter().any(|(j, _)| *j == i) {
                entry.1.push((i, value.clone()));
            }
        }
    }

    let mut discriminators = Vec::new();
    let mut keys = Vec::new();
    for (pointer, found) in &body_values {
        let name = pointer.rsplit('/').next().unwrap_or_default();
        let depth = pointer.matches('/').count() - 1;
        let strings: Vec<&str> = found
            .iter()
            .filter(|(_, l)| l.is_string)
            .map(|(_, l)| l.text.as_str())
            .collect();
        let all: Vec<&str> = found.iter().map(|(_, l)| l.text.as_str()).collect();
        let source = ValueSource::BodyPointer {
            pointer: pointer.clone(),
        };
        let label = format!("body {pointer}");
        push_candidate(
            &mut discriminators,
            &source,
            &label,
            score_discriminator(name, false, depth, &strings, n),
            &strings,
        );
        push_candidate(&mut keys, &source, &label, score_key(name, false, depth, &all, n), &all);
    }
    for (name, found) in header_values.values() {
        let values: Vec<&str> = found.iter().map(|(_, v)| v.as_str()).collect();
        let source = ValueSource::Header { name: name.clone() };
        let label = format!("header {name}");
        push_candidate(
            &mut discriminators,
            &source,
            &label,
            score_discriminator(name, true, 0, &values, n),
            &values,
        );
        push_candidate(
            &mut keys,
            &source,
            &label,
            score_key(name, true, 0, &values, n),
            &values,
        );
    }
    let best_first = |a: &Candidate, b: &Candidate| b.score.total_cmp(&a.score).then_with(|| a.label.cmp(&b.label));
    discriminators.sort_by(best_first);
    keys.sort_by(best_first);
    discriminators.retain(|c| c.score >= 0.25);
    keys.retain(|c| c.score >= 0.25);
    let discriminator = discriminators.first().cloned().map(|d| with_action(d, samples));
    let document_key = keys
        .iter()
        .find(|k| Some(&k.source) != discriminator.as_ref().map(|d| &d.source) && k.score >= 1.0)
        .cloned();

    let mut event_types: Vec<InferredType> = Vec::new();
    let mut untyped = Vec::new();
    let mut bodies: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for s in samples {
        let value = discriminator.as_ref().and_then(|d| read(&d.source, s));
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            untyped.push(s.stem.clone());
            continue;
        };
        bodies.entry(value.clone()).or_default().push(&s.body);
        match event_types.iter_mut().find(|t| t.value == value) {
            Some(t) => t.samples.push(s.stem.clone()),
            None => event_types.push(InferredType {
                collection: String::new(),
                value,
                samples: vec![s.stem.clone()],
                schema: Value::Null,
            }),
        }
    }
    let mut taken = BTreeSet::new();
    for t in &mut event_types {
        t.collection = unique_collection(&collection_name(&t.value), &mut taken);
        t.schema = schema_of(&bodies[&t.value]);
    }
    Proposal {
        samples: n,
        discriminator,
        discriminator_candidates: discriminators,
        event_types,
        untyped_samples: untyped,
        document_key,
        key_candidates: keys,
    }
}

fn push_candidate(out: &mut Vec<Candidate>, source: &ValueSource, label: &str, score: f64, values: &[&str]) {
    if score <= 0.0 {
        return;
    }
    let distinct: BTreeSet<&str> = values.iter().copied().collect();
    out.push(Candidate {
        source: source.clone(),
        label: label.to_string(),
        score: (score * 1000.0).round() / 1000.0,
        present: values.len(),
        distinct: distinct.len(),
        values: distinct.into_iter().take(5).map(str::to_string).collect(),
    });
}

/// The value a single-part source reads from a sample.
fn read(source: &ValueSource, sample: &Sample) -> Option<String> {
    match source {
        ValueSource::BodyPointer { pointer } => match sample.body.pointer(pointer)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        },
        ValueSource::Header { name } => sample.request.header(name).map(str::to_string),
        ValueSource::Composite { parts, separator } => {
            let present: Vec<String> = parts.iter().filter_map(|p| read(p, sample)).collect();
            (!present.is_empty()).then(|| present.join(separator))
        }
        _ => None,
    }
}

/// The entity + action pattern (GitHub: `X-GitHub-Event` + `/action`; Linear: `/type` +
/// `/action`): when the samples also carry a type-like top-level `action` that varies, the
/// proposal is a `composite` of the best source and `/action` joined with `.`, so
/// `issues` + `opened` gives `issues.opened` and a sample without an action keeps `push`.
fn with_action(best: Candidate, samples: &[Sample]) -> Candidate {
    let action = ValueSource::BodyPointer {
        pointer: "/action".into(),
    };
    if best.source == action {
        return best;
    }
    let actions: Vec<String> = samples.iter().filter_map(|s| read(&action, s)).collect();
    let distinct: BTreeSet<&String> = actions.iter().collect();
    if actions.len() * 2 < samples.len() || distinct.len() < 2 || !actions.iter().all(|a| looks_like_type(a)) {
        return best;
    }
    let source = ValueSource::Composite {
        parts: vec![best.source.clone(), action],
        separator: ".".into(),
    };
    let values: Vec<String> = samples.iter().filter_map(|s| read(&source, s)).collect();
    let distinct: BTreeSet<&str> = values.iter().map(String::as_str).collect();
    Candidate {
        label: format!("{} + body /action", best.label),
        present: values.len(),
        distinct: distinct.len(),
        values: distinct.into_iter().take(5).map(str::to_string).collect(),
        source,
        score: best.score,
    }
}

/// A collection name for an event type value: lowercase snake_case.
pub fn collection_name(value: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in value.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            out.push('_');
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            out.push('_');
            previous_lower = false;
        }
    }
    let parts: Vec<&str> = out.split('_').filter(|p| !p.is_empty()).collect();
    let mut name = parts.join("_");
    if name.is_empty() {
        name = "event".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("event_{name}");
    }
    if matches!(name.as_str(), "config" | "resource") {
        name.push_str("_events");
    }
    name
}

/// `name`, or `name_2`, `name_3`… when taken; records the result as taken.
pub fn unique_collection(name: &str, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = name.to_string();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{name}_{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

/// Whether a name is a vendor id (lowercase letters and digits, parts joined by `-`).
pub fn is_vendor_id(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .split('-')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A draft-07 JSON Schema every one of `values` validates against: the types seen, object
/// properties with `required` = the keys present in every object, array items merged.
pub fn schema_of(values: &[&Value]) -> Value {
    let mut types: BTreeSet<&str> = values.iter().map(|v| json_type(v)).collect();
    if types.contains("number") {
        types.remove("integer");
    }
    let mut schema = Map::new();
    match types.len() {
        0 => {}
        1 => {
            schema.insert("type".into(), json!(types.iter().next().expect("one")));
        }
        _ => {
            schema.insert("type".into(), Value::Array(types.iter().map(|t| json!(t)).collect()));
        }
    }
    let objects: Vec<&Map<String, Value>> = values.iter().filter_map(|v| v.as_object()).collect();
    if !objects.is_empty() {
        let mut keys: BTreeSet<&String> = BTreeSet::new();
        for o in &objects {
            keys.extend(o.keys());
        }
        let mut properties = Map::new();
        let mut required = Vec::new();
        for key in keys {
            let children: Vec<&Value> = objects.iter().filter_map(|o| o.get(key)).collect();
            if children.len() == objects.len() {
                required.push(json!(key));
            }
            properties.insert(key.clone(), schema_of(&children));
        }
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required));
        }
    }
    let items: Vec<&Value> = values.iter().filter_map(|v| v.as_array()).flatten().collect();
    if !items.is_empty() {
        schema.insert("items".into(), schema_of(&items));
    }
    Value::Object(schema)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(stem: &str, headers: &[(&str, &str)], body: Value) -> Sample {
        Sample {
            stem: stem.into(),
            request: RecordedRequest {
                file: PathBuf::from(format!("{stem}.json")),
                method: "POST".into(),
                path: "/".into(),
                headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
                body: body.to_string().into_bytes(),
                now: None,
                config: None,
            },
            body,
        }
    }

    #[test]
    fn prefers_a_type_field_over_ids_and_constants() {
        let samples = vec![
            sample(
                "a",
                &[],
                json!({"id": "evt_1001", "type": "order.created", "livemode": "false", "data": {"id": "o_1"}}),
            ),
            sample(
                "b",
                &[],
                json!({"id": "evt_1002", "type": "order.paid", "livemode": "false", "data": {"id": "o_1"}}),
            ),
            sample(
                "c",
                &[],
                json!({"id": "evt_1003", "type": "order.created", "livemode": "false", "data": {"id": "o_2"}}),
            ),
        ];
        let p = propose(&samples);
        assert_eq!(
            p.discriminator.unwrap().source,
            ValueSource::BodyPointer {
                pointer: "/type".into()
            }
        );
        assert_eq!(
            p.document_key.unwrap().source,
            ValueSource::BodyPointer { pointer: "/id".into() }
        );
        let types: Vec<(&str, &str)> = p
            .event_types
            .iter()
            .map(|t| (t.value.as_str(), t.collection.as_str()))
            .collect();
        assert_eq!(
            types,
            [("order.created", "order_created"), ("order.paid", "order_paid")]
        );
        assert_eq!(p.event_types[0].samples, ["a", "c"]);
        assert_eq!(
            p.event_types[0].schema["required"],
            json!(["data", "id", "livemode", "type"])
        );
    }

    #[test]
    fn prefers_event_headers_and_delivery_ids() {
        let samples = vec![
            sample(
                "push",
                &[("X-Acme-Event", "push"), ("X-Acme-Delivery", "d-1")],
                json!({"ref": "main"}),
            ),
            sample(
                "issue",
                &[("X-Acme-Event", "issues"), ("X-Acme-Delivery", "d-2")],
                json!({"action": "opened"}),
            ),
        ];
        let p = propose(&samples);
        assert_eq!(p.discriminator.unwrap().label, "header X-Acme-Event");
        assert_eq!(p.document_key.unwrap().label, "header X-Acme-Delivery");
    }

    #[test]
    fn an_action_beside_the_type_makes_a_composite() {
        let samples = vec![
            sample(
                "a",
                &[],
                json!({"type": "Issue", "action": "create", "webhookId": "w1"}),
            ),
            sample(
                "b",
                &[],
                json!({"type": "Issue", "action": "update", "webhookId": "w1"}),
            ),
            sample(
                "c",
                &[],
                json!({"type": "Comment", "action": "create", "webhookId": "w1"}),
            ),
        ];
        let p = propose(&samples);
        let d = p.discriminator.unwrap();
        assert_eq!(d.label, "body /type + body /action");
        let values: Vec<&str> = p.event_types.iter().map(|t| t.value.as_str()).collect();
        assert_eq!(values, ["Issue.create", "Issue.update", "Comment.create"]);
        assert_eq!(p.event_types[0].collection, "issue_create");
    }

    #[test]
    fn no_unique_id_means_no_key() {
        let samples = vec![
            sample("a", &[], json!({"event": "x", "account": "acc_1"})),
            sample("b", &[], json!({"event": "y", "account": "acc_1"})),
        ];
        let p = propose(&samples);
        assert!(p.document_key.is_none(), "{:?}", p.document_key);
    }

    #[test]
    fn schemas_accept_every_sample() {
        let values = [
            json!({"a": 1, "b": [1, 2.5], "c": null}),
            json!({"a": 2.0, "b": [], "d": "x"}),
        ];
        let refs: Vec<&Value> = values.iter().collect();
        let schema = schema_of(&refs);
        assert_eq!(schema["required"], json!(["a", "b"]));
        assert_eq!(schema["properties"]["a"]["type"], "number");
        assert_eq!(schema["properties"]["b"]["items"]["type"], "number");
        let validator = jsonschema::draft7::new(&schema).unwrap();
        assert!(values.iter().all(|v| validator.is_valid(v)));
    }

    #[test]
    fn collection_names_are_snake_case_and_unique() {
        assert_eq!(
            collection_name("customer.subscription.created"),
            "customer_subscription_created"
        );
        assert_eq!(collection_name("IssueLabel"), "issue_label");
        assert_eq!(collection_name("orders/create"), "orders_create");
        assert_eq!(collection_name("2fa"), "event_2fa");
        assert_eq!(collection_name("config"), "config_events");
        let mut taken = BTreeSet::from(["x".to_string()]);
        assert_eq!(unique_collection("x", &mut taken), "x_2");
    }
}
