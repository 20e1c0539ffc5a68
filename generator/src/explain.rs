//! `webhookgen explain`: what any part of the definition format means, read from the same
//! JSON Schema editors use ([`Definition::json_schema`]), so the answer can never drift from
//! the format.
//!
//! The schema is walked once into a flat list of places (`authentication.signature.format`,
//! one per variant of a tagged enum it appears in); a query is matched against that list as a
//! dotted path, a JSON pointer (array indices ignored), a trailing part of a path
//! (`signature.format`), a key name (`tolerance`), or a value of a closed set (`hmac`,
//! `sha256`, `key_value_list`).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Map, Value};
use webhook_definition::Definition;

/// One place in the format a query can name.
#[derive(Debug, Clone)]
struct Place {
    /// Keys from the root, array levels left out (`events.types.collection`).
    path: Vec<String>,
    /// The tagged-enum variants on the way (`authentication` → `hmac`), as `(path, tag value)`.
    within: Vec<(String, String)>,
    /// The schema node, with `$ref`s and `allOf` wrappers resolved.
    node: Value,
    /// Whether the key is required in its parent mapping.
    required: bool,
    /// When this place is one variant of a tagged enum: the tag's key and value.
    variant: Option<(String, String)>,
}

/// A value of a closed set, with what it means.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AllowedValue {
    /// The value as written in YAML.
    pub value: String,
    /// Its meaning.
    pub description: String,
}

/// A key of a mapping.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyInfo {
    /// The key.
    pub name: String,
    /// Its title.
    pub title: String,
    /// Whether it must be present.
    pub required: bool,
}

/// What a query names, explained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The dotted path of the place (`authentication.signature.format`).
    pub path: String,
    /// Its JSON pointer pattern (`/authentication/signature/format`; `/0` stands for any list item).
    pub pointer: String,
    /// The tagged-enum variants the place belongs to (`authentication: type hmac`), if any.
    pub within: Vec<String>,
    /// When the place is a variant of a tagged enum: `type: hmac`.
    pub variant: Option<String>,
    /// The schema title.
    pub title: Option<String>,
    /// The schema description.
    pub description: Option<String>,
    /// What is written there: a string, a list of mappings, one of several kinds…
    pub kind: String,
    /// Whether the key must be present.
    pub required: bool,
    /// The value used when the key is absent.
    pub default: Option<Value>,
    /// The accepted values, for a closed set (an enum, or the `type` of a tagged enum).
    pub allowed: Vec<AllowedValue>,
    /// The keys of a mapping.
    pub keys: Vec<KeyInfo>,
    /// An example of the value, as YAML under its key.
    pub example: Option<String>,
}

/// Why a query could not be explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFound {
    /// The query.
    pub query: String,
    /// Close names, for a misspelling.
    pub did_you_mean: Option<String>,
    /// The top-level keys, to start from.
    pub top_level: Vec<String>,
}

impl std::fmt::Display for NotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "nothing in the definition format is called `{}`", self.query)?;
        if let Some(s) = &self.did_you_mean {
            write!(f, "; did you mean `{s}`?")?;
        }
        write!(f, " (top-level keys: {})", self.top_level.join(", "))
    }
}

impl std::error::Error for NotFound {}

/// The format's schema walked into places: what `explain` answers from.
pub struct FormatGuide {
    schema: Value,
    places: Vec<Place>,
}

impl Default for FormatGuide {
    fn default() -> Self {
        FormatGuide::new()
    }
}

impl FormatGuide {
    /// Walks [`Definition::json_schema`].
    pub fn new() -> FormatGuide {
        FormatGuide::from_schema(Definition::json_schema())
    }

    /// Walks any draft-07 schema shaped like the format's (for tests).
    pub fn from_schema(schema: Value) -> FormatGuide {
        let mut places = Vec::new();
        let root = resolve(&schema, &schema);
        let mut walk = Walk {
            schema: &schema,
            places: &mut places,
            stack: Vec::new(),
        };
        walk.children(&root, &[], &[]);
        FormatGuide { schema, places }
    }

    /// Explains a query: a dotted path, a JSON pointer, a key name or a value of a closed set.
    /// Several places may match (a key used in several variants); identical ones are merged.
    pub fn explain(&self, query: &str) -> Result<Vec<Explanation>, NotFound> {
        let query = query.trim();
        let segments: Vec<String> = if let Some(pointer) = query.strip_prefix('/') {
            pointer
                .split('/')
                .filter(|s| !s.is_empty() && s.parse::<usize>().is_err() && *s != "*")
                .map(|s| s.replace("~1", "/").replace("~0", "~"))
                .collect()
        } else {
            query.split('.').filter(|s| !s.is_empty()).map(str::to_string).collect()
        };
        let found = self.find(&segments);
        if found.is_empty() {
            let names: BTreeSet<String> = self
                .places
                .iter()
                .flat_map(|p| {
                    let mut names = vec![p.path.join(".")];
                    names.extend(p.path.last().cloned());
                    names.extend(p.variant.as_ref().map(|(_, v)| v.clone()));
                    names
                })
                .collect();
            return Err(NotFound {
                query: query.to_string(),
                did_you_mean: crate::diagnostics::closest(query, names.iter().map(String::as_str)),
                top_level: self.top_level(),
            });
        }
        let mut out: Vec<Explanation> = Vec::new();
        for place in found {
            let explanation = self.explanation(place);
            // The same key in several variants (`signature` of hmac, ed25519, ecdsa_p256) reads
            // once, listing every variant.
            if let Some(same) = out.iter_mut().find(|e| {
                e.path == explanation.path
                    && e.description == explanation.description
                    && e.variant == explanation.variant
            }) {
                for w in explanation.within {
                    if !same.within.contains(&w) {
                        same.within.push(w);
                    }
                }
            } else {
                out.push(explanation);
            }
        }
        Ok(out)
    }

    /// The top-level keys of the format.
    pub fn top_level(&self) -> Vec<String> {
        self.places
            .iter()
            .filter(|p| p.path.len() == 1 && p.variant.is_none())
            .map(|p| p.path[0].clone())
            .collect()
    }

    fn find(&self, segments: &[String]) -> Vec<&Place> {
        if segments.is_empty() {
            return Vec::new();
        }
        // A segment naming a variant on the way (`authentication.hmac.signature`) narrows to it.
        let exact: Vec<&Place> = self
            .places
            .iter()
            .filter(|p| {
                let tags: Vec<&str> = p.within.iter().map(|(_, t)| t.as_str()).collect();
                let rest: Vec<&String> = segments
                    .iter()
                    .filter(|s| !tags.contains(&s.as_str()) || p.path.contains(s))
                    .collect();
                p.variant.is_none() && rest.len() == p.path.len() && rest.iter().zip(&p.path).all(|(a, b)| *a == b)
            })
            .collect();
        if !exact.is_empty() {
            return exact;
        }
        // The variant itself: `authentication.hmac`, or a bare `hmac`.
        let last = segments.last().expect("not empty");
        let head = &segments[..segments.len() - 1];
        let variants: Vec<&Place> = self
            .places
            .iter()
            .filter(|p| {
                p.variant.as_ref().is_some_and(|(_, v)| v == last) && (head.is_empty() || p.path.ends_with(head))
            })
            .collect();
        if !variants.is_empty() {
            return variants;
        }
        // A trailing part of a path (`signature.format`, `tolerance`).
        let suffix: Vec<&Place> = self
            .places
            .iter()
            .filter(|p| p.variant.is_none() && p.path.ends_with(segments))
            .collect();
        if !suffix.is_empty() {
            return suffix;
        }
        // A value of a closed set (`sha256`, `unix_seconds`).
        if segments.len() == 1 {
            return self
                .places
                .iter()
                .filter(|p| p.variant.is_none() && closed_set(&p.node, &self.schema).iter().any(|a| a.value == *last))
                .collect();
        }
        Vec::new()
    }

    fn explanation(&self, place: &Place) -> Explanation {
        let node = &place.node;
        let text = |key: &str| node.get(key).and_then(Value::as_str).map(|s| s.replace('\n', " "));
        let allowed = match &place.variant {
            Some(_) => Vec::new(),
            None => closed_set(node, &self.schema),
        };
        let keys = keys_of(node, &self.schema);
        let key = place.path.last().cloned().unwrap_or_default();
        let example = example_of(node, &self.schema, 0).map(|value| {
            let value = match &place.variant {
                Some((tag, v)) => with_tag(value, tag, v),
                None => value,
            };
            to_yaml(&key, &value)
        });
        Explanation {
            path: place.path.join("."),
            pointer: pointer_of(&place.path, &self.places),
            within: place.within.iter().map(|(p, t)| format!("{p}: type {t}")).collect(),
            variant: place.variant.as_ref().map(|(k, v)| format!("{k}: {v}")),
            title: text("title"),
            description: text("description"),
            kind: kind_of(node, &self.schema),
            required: place.required,
            default: node.get("default").cloned(),
            allowed,
            keys,
            example,
        }
    }
}

struct Walk<'s, 'p> {
    schema: &'s Value,
    places: &'p mut Vec<Place>,
    /// `$ref`s being expanded, to stop at recursion (`all_of` checks, `composite` parts).
    stack: Vec<String>,
}

impl Walk<'_, '_> {
    /// Records the places under a mapping node.
    fn children(&mut self, node: &Value, path: &[String], within: &[(String, String)]) {
        let Some(properties) = node.get("properties").and_then(Value::as_object) else {
            return;
        };
        let required: BTreeSet<&str> = node
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (name, child) in properties {
            if child.get("const").is_some() {
                continue; // a variant's tag: explained with the variant
            }
            let mut child_path = path.to_vec();
            child_path.push(name.clone());
            self.place(child, child_path, within, required.contains(name.as_str()));
        }
    }

    fn place(&mut self, raw: &Value, path: Vec<String>, within: &[(String, String)], required: bool) {
        let refs = refs_of(raw);
        if refs.iter().any(|r| self.stack.contains(r)) {
            return;
        }
        let node = resolve(raw, self.schema);
        self.places.push(Place {
            path: path.clone(),
            within: within.to_vec(),
            node: node.clone(),
            required,
            variant: None,
        });
        self.stack.extend(refs.iter().cloned());
        self.inside(&node, &path, within);
        self.stack.truncate(self.stack.len() - refs.len());
    }

    fn inside(&mut self, node: &Value, path: &[String], within: &[(String, String)]) {
        // Lists and maps are transparent: `events.types.collection`.
        if let Some(items) = node.get("items") {
            let refs = refs_of(items);
            if refs.iter().any(|r| self.stack.contains(r)) {
                return;
            }
            let item = resolve(items, self.schema);
            self.stack.extend(refs.iter().cloned());
            self.inside(&item, path, within);
            self.stack.truncate(self.stack.len() - refs.len());
            return;
        }
        self.children(node, path, within);
        if let Some((tag, branches)) = tagged_branches(node, self.schema) {
            let joined = path.join(".");
            for (value, branch) in branches {
                self.places.push(Place {
                    path: path.to_vec(),
                    within: within.to_vec(),
                    node: branch.clone(),
                    required: false,
                    variant: Some((tag.clone(), value.clone())),
                });
                let mut inner = within.to_vec();
                inner.push((joined.clone(), value));
                self.children(&branch, path, &inner);
            }
        }
    }
}

/// The `$ref` names a node points through (directly, or in an `allOf`/`anyOf` wrapper).
fn refs_of(node: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(r) = node.get("$ref").and_then(Value::as_str) {
        out.push(r.to_string());
    }
    for key in ["allOf", "anyOf"] {
        for branch in node.get(key).and_then(Value::as_array).into_iter().flatten() {
            if let Some(r) = branch.get("$ref").and_then(Value::as_str) {
                out.push(r.to_string());
            }
        }
    }
    out
}

/// A node with its `$ref` followed, single-branch `allOf` wrappers and optional
/// (`anyOf: [X, null]`) wrappers removed; the outer title, description, default and examples win.
fn resolve(node: &Value, schema: &Value) -> Value {
    let mut inner: Option<Value> = None;
    if let Some(r) = node.get("$ref").and_then(Value::as_str) {
        inner = schema.pointer(r.trim_start_matches('#')).map(|t| resolve(t, schema));
    } else if let Some([only]) = node.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
        inner = Some(resolve(only, schema));
    } else if let Some(branches) = node.get("anyOf").and_then(Value::as_array)
        && branches.len() == 2
        && let Some(non_null) = branches
            .iter()
            .find(|b| b.get("type").and_then(Value::as_str) != Some("null"))
        && branches
            .iter()
            .any(|b| b.get("type").and_then(Value::as_str) == Some("null"))
    {
        inner = Some(resolve(non_null, schema));
    }
    let Some(Value::Object(mut merged)) = inner else {
        return node.clone();
    };
    if let Value::Object(outer) = node {
        for (k, v) in outer {
            if matches!(k.as_str(), "title" | "description" | "default" | "examples") {
                merged.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(merged)
}

/// The branches of a tagged enum (`oneOf` of mappings each pinning the same key with a
/// `const`), as (tag key, [(value, branch)]).
fn tagged_branches(node: &Value, schema: &Value) -> Option<(String, Vec<(String, Value)>)> {
    let branches = node.get("oneOf").and_then(Value::as_array)?;
    let first = resolve(branches.first()?, schema);
    let tag = first
        .get("properties")?
        .as_object()?
        .iter()
        .find(|(_, s)| s.get("const").is_some())?
        .0
        .clone();
    let mut out = Vec::new();
    for branch in branches {
        let branch = resolve(branch, schema);
        let value = branch
            .pointer(&format!("/properties/{tag}/const"))?
            .as_str()?
            .to_string();
        out.push((value, branch));
    }
    Some((tag, out))
}

/// The values of a closed set: an `enum`, a `oneOf` of documented `const`s, or a tagged enum's tags.
fn closed_set(node: &Value, schema: &Value) -> Vec<AllowedValue> {
    if let Some(values) = node.get("enum").and_then(Value::as_array) {
        return values
            .iter()
            .map(|v| AllowedValue {
                value: scalar(v),
                description: String::new(),
            })
            .collect();
    }
    if let Some((_, branches)) = tagged_branches(node, schema) {
        return branches
            .into_iter()
            .map(|(value, b)| AllowedValue {
                value,
                description: b
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .replace('\n', " "),
            })
            .collect();
    }
    let Some(branches) = node.get("oneOf").and_then(Value::as_array) else {
        return Vec::new();
    };
    branches
        .iter()
        .filter_map(|b| {
            Some(AllowedValue {
                value: scalar(b.get("const")?),
                description: b
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .replace('\n', " "),
            })
        })
        .collect()
}

fn scalar(v: &Value) -> String {
    v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())
}

fn keys_of(node: &Value, schema: &Value) -> Vec<KeyInfo> {
    let node = match node.get("items") {
        Some(items) => resolve(items, schema),
        None => node.clone(),
    };
    let Some(properties) = node.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let required: BTreeSet<&str> = node
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    properties
        .iter()
        .map(|(name, child)| {
            let child = resolve(child, schema);
            let title = match child.get("const") {
                Some(c) => format!("always `{}`", scalar(c)),
                None => child
                    .get("title")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            };
            KeyInfo {
                name: name.clone(),
                title,
                required: required.contains(name.as_str()),
            }
        })
        .collect()
}

fn kind_of(node: &Value, schema: &Value) -> String {
    if let Some((tag, _)) = tagged_branches(node, schema) {
        return format!("a mapping of one of several kinds, chosen by `{tag}`");
    }
    if node.get("oneOf").is_some() || node.get("enum").is_some() {
        return "one of a closed set of values".into();
    }
    let types: Vec<&str> = match node.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect(),
        _ => Vec::new(),
    };
    match types.as_slice() {
        ["array"] => match node.get("items") {
            Some(items) => {
                let item = resolve(items, schema);
                format!(
                    "a list of {}",
                    kind_of(&item, schema)
                        .trim_start_matches("a ")
                        .trim_start_matches("an ")
                )
                .replace("list of mapping", "list of mappings")
                .replace("list of string", "list of strings")
            }
            None => "a list".into(),
        },
        ["object"] if node.get("properties").is_some() => "a mapping".into(),
        ["object"] => "a mapping of names to values".into(),
        ["string"] => "a string".into(),
        ["integer"] => "an integer".into(),
        ["number"] => "a number".into(),
        ["boolean"] => "a boolean (true or false)".into(),
        [] => "any value".into(),
        many => many.join(" or "),
    }
}

/// An example value for a node: its own `examples`, else one built from its parts.
fn example_of(node: &Value, schema: &Value, depth: usize) -> Option<Value> {
    if let Some(first) = node.get("examples").and_then(Value::as_array).and_then(|e| e.first()) {
        return Some(first.clone());
    }
    if let Some(c) = node.get("const") {
        return Some(c.clone());
    }
    if depth > 6 {
        return None;
    }
    if let Some((tag, branches)) = tagged_branches(node, schema) {
        let (value, branch) = branches.into_iter().next()?;
        let built = example_of(&branch, schema, depth + 1).unwrap_or(Value::Object(Map::new()));
        return Some(with_tag(built, &tag, &value));
    }
    if let Some(first) = node.get("oneOf").and_then(Value::as_array).and_then(|b| b.first()) {
        return example_of(&resolve(first, schema), schema, depth + 1);
    }
    if let Some(items) = node.get("items") {
        return Some(Value::Array(vec![example_of(
            &resolve(items, schema),
            schema,
            depth + 1,
        )?]));
    }
    let properties = node.get("properties").and_then(Value::as_object)?;
    let required: BTreeSet<&str> = node
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut out = Map::new();
    for (name, child) in properties {
        if required.contains(name.as_str())
            && let Some(v) = example_of(&resolve(child, schema), schema, depth + 1)
        {
            out.insert(name.clone(), v);
        }
    }
    Some(Value::Object(out))
}

/// A mapping with the variant's tag first.
fn with_tag(value: Value, tag: &str, tag_value: &str) -> Value {
    let mut out = Map::new();
    out.insert(tag.to_string(), Value::String(tag_value.to_string()));
    if let Value::Object(fields) = value {
        for (k, v) in fields {
            if k != tag {
                out.insert(k, v);
            }
        }
    }
    Value::Object(out)
}

fn to_yaml(key: &str, value: &Value) -> String {
    let mut wrapper = Map::new();
    wrapper.insert(
        if key.is_empty() {
            "value".into()
        } else {
            key.to_string()
        },
        value.clone(),
    );
    yaml_serde::to_string(&TagFirst(&Value::Object(wrapper))).unwrap_or_else(|_| value.to_string())
}

/// Serializes a JSON value with each mapping's tag (`type`, `outcome`) first, as definitions are written
/// (`serde_json`'s maps are sorted).
pub(crate) struct TagFirst<'a>(pub(crate) &'a Value);

impl Serialize for TagFirst<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            Value::Object(map) => {
                let mut out = serializer.serialize_map(Some(map.len()))?;
                let is_tag = |k: &str| k == "type" || k == "outcome";
                for (k, v) in map
                    .iter()
                    .filter(|(k, _)| is_tag(k))
                    .chain(map.iter().filter(|(k, _)| !is_tag(k)))
                {
                    out.serialize_entry(k, &TagFirst(v))?;
                }
                out.end()
            }
            Value::Array(items) => {
                let mut out = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    out.serialize_element(&TagFirst(item))?;
                }
                out.end()
            }
            other => other.serialize(serializer),
        }
    }
}

/// The pointer pattern of a path: list levels become `/0`.
fn pointer_of(path: &[String], places: &[Place]) -> String {
    let mut out = String::new();
    for i in 0..path.len() {
        out.push('/');
        out.push_str(&path[i].replace('~', "~0").replace('/', "~1"));
        let is_list = places
            .iter()
            .find(|p| p.path.as_slice() == &path[..=i] && p.variant.is_none())
            .is_some_and(|p| p.node.get("type").and_then(Value::as_str) == Some("array"));
        if is_list && i + 1 < path.len() {
            out.push_str("/0");
        }
    }
    out
}

impl Explanation {
    /// Renders the explanation for people.
    pub fn render_human(&self) -> String {
        let mut out = String::new();
        let heading = match &self.variant {
            Some(v) => format!("{} ({v})", self.path),
            None => self.path.clone(),
        };
        let _ = writeln!(out, "{heading}");
        let _ = writeln!(out, "  pointer:   {}", self.pointer);
        if let Some(title) = &self.title {
            let _ = writeln!(out, "  title:     {title}");
        }
        let presence = match (&self.variant, self.required) {
            (Some(_), _) => "",
            (None, true) => ", required",
            (None, false) => ", optional",
        };
        let _ = writeln!(out, "  kind:      {}{presence}", self.kind);
        if let Some(default) = &self.default {
            let _ = writeln!(out, "  default:   {default}");
        }
        if !self.within.is_empty() {
            let _ = writeln!(out, "  used in:   {}", self.within.join(" | "));
        }
        if let Some(description) = &self.description {
            let _ = writeln!(out, "\n  {description}");
        }
        if !self.allowed.is_empty() {
            let _ = writeln!(out, "\n  allowed values:");
            let width = self.allowed.iter().map(|a| a.value.len()).max().unwrap_or(0);
            for a in &self.allowed {
                let _ = writeln!(out, "    {:width$}  {}", a.value, a.description);
            }
        }
        if !self.keys.is_empty() {
            let _ = writeln!(out, "\n  keys:");
            let width = self.keys.iter().map(|k| k.name.len()).max().unwrap_or(0);
            for k in &self.keys {
                let req = if k.required { " (required)" } else { "" };
                let _ = writeln!(out, "    {:width$}  {}{req}", k.name, k.title);
            }
        }
        if let Some(example) = &self.example {
            let _ = writeln!(out, "\n  example:");
            for line in example.lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(query: &str) -> Explanation {
        let found = FormatGuide::new().explain(query).unwrap_or_else(|e| panic!("{e}"));
        found.into_iter().next().unwrap()
    }

    #[test]
    fn dotted_paths_and_pointers_name_the_same_place() {
        let dotted = one("authentication.signature.format");
        let pointer = one("/authentication/signature/format");
        assert_eq!(dotted, pointer);
        assert_eq!(dotted.title.as_deref(), Some("Header format"));
        let tags: Vec<&str> = dotted.allowed.iter().map(|a| a.value.as_str()).collect();
        assert_eq!(tags, ["bare", "prefixed", "key_value_list", "versioned_list", "timestamp_then_signatures"]);
        assert!(
            dotted.within.iter().any(|w| w == "authentication: type hmac"),
            "{:?}",
            dotted.within
        );
        assert!(
            dotted.example.as_deref().unwrap().starts_with("format:\n  type: bare"),
            "{:?}",
            dotted.example
        );
        assert!(
            one("/events/discriminator")
                .example
                .unwrap()
                .starts_with("discriminator:\n  type: body_pointer\n")
        );
    }

    #[test]
    fn list_items_are_transparent_and_indices_ignored() {
        let e = one("/events/types/3/collection");
        assert_eq!(e.path, "events.types.collection");
        assert_eq!(e.pointer, "/events/types/0/collection");
        assert!(e.required);
        assert_eq!(one("/events/discriminator").title.as_deref(), Some("Discriminator"));
    }

    #[test]
    fn variants_keys_and_values_are_found_by_name() {
        let found = FormatGuide::new().explain("hmac").unwrap();
        assert!(
            found
                .iter()
                .any(|e| e.path == "authentication" && e.variant.as_deref() == Some("type: hmac")),
            "{found:#?}"
        );
        let hmac = found.iter().find(|e| e.path == "authentication").unwrap();
        assert!(hmac.keys.iter().any(|k| k.name == "signed_message" && k.required));
        assert!(hmac.example.as_deref().unwrap().contains("type: hmac"));
        let tolerance = one("tolerance");
        assert_eq!(tolerance.path, "authentication.tolerance");
        let sha = FormatGuide::new().explain("sha256").unwrap();
        assert!(sha.iter().any(|e| e.path == "authentication.algorithm"), "{sha:#?}");
        let narrowed = FormatGuide::new().explain("authentication.hmac.algorithm").unwrap();
        assert_eq!(narrowed.len(), 1);
    }

    #[test]
    fn unknown_names_suggest_close_ones() {
        let error = FormatGuide::new().explain("discriminatr").unwrap_err();
        assert_eq!(error.did_you_mean.as_deref(), Some("discriminator"));
        assert!(error.top_level.contains(&"events".to_string()));
        assert!(FormatGuide::new().explain("").is_err());
    }
}
