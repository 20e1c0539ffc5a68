//! Value sources (`webhook_definition::ValueSource`) compiled once and read from a request or
//! a batch item: the event type, the document key, handshake conditions and echoes.
//!
//! Body pointers do not walk the body themselves: each is a slot in a pointer table that is
//! resolved in one pass (see [`super::json::resolve_many`]), so the discriminator, the key and
//! any other pointer into the same event cost one scan together.

use std::borrow::Cow;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};
use webhook_definition::ValueSource;
use webhook_definition::pointer::{self, Segment};

use super::incoming::Incoming;
use super::json;

/// The JSON pointers one scope (the whole body, or one batch item) resolves in one pass.
#[derive(Debug, Default, Clone)]
pub(crate) struct PointerTable {
    pointers: Vec<Vec<String>>,
}

impl PointerTable {
    /// The slot of a pointer, adding it when new.
    pub fn slot(&mut self, pointer: &str) -> Result<usize, String> {
        let segments = parse_pointer(pointer)?;
        Ok(self.slot_of(segments))
    }

    pub fn slot_of(&mut self, segments: Vec<String>) -> usize {
        match self.pointers.iter().position(|p| *p == segments) {
            Some(i) => i,
            None => {
                self.pointers.push(segments);
                self.pointers.len() - 1
            }
        }
    }

    pub fn pointers(&self) -> &[Vec<String>] {
        &self.pointers
    }
}

/// A JSON pointer without wildcards, split into unescaped segments.
pub(crate) fn parse_pointer(pointer: &str) -> Result<Vec<String>, String> {
    pointer::parse(pointer, false)
        .map_err(|e| format!("JSON pointer `{pointer}`: {e}"))?
        .into_iter()
        .map(|s| match s {
            Segment::Key(k) => Ok(k),
            Segment::Wildcard => Err(format!("JSON pointer `{pointer}` has a `*` segment")),
        })
        .collect()
}

/// A compiled value source.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// A slot of the scope's pointer table; `form_name` is the field read when the event is a
    /// form (a one-segment pointer).
    Body { slot: usize, form_name: Option<String> },
    Header(String),
    FormField(String),
    Query(String),
    PathSegment(usize),
    Constant(String),
    Composite { parts: Vec<Source>, separator: String },
    FirstOf(Vec<Source>),
    /// The slot of each member, with the value it gives (prefix and name), in order.
    PresentMember(Vec<(usize, String)>),
    /// Slots of the hashed fields; empty: the raw event bytes.
    ContentHash(Vec<usize>),
    BatchIndex,
}

impl Source {
    /// Compiles a source, registering its body pointers in `table`.
    pub fn compile(source: &ValueSource, table: &mut PointerTable) -> Result<Source, String> {
        Ok(match source {
            ValueSource::BodyPointer { pointer } => {
                let segments = parse_pointer(pointer)?;
                let form_name = if segments.len() == 1 { Some(segments[0].clone()) } else { None };
                Source::Body { slot: table.slot_of(segments), form_name }
            }
            ValueSource::Header { name } => Source::Header(name.clone()),
            ValueSource::FormField { name } => Source::FormField(name.clone()),
            ValueSource::QueryParameter { name } => Source::Query(name.clone()),
            ValueSource::PathSegment { index } => Source::PathSegment(*index as usize),
            ValueSource::Constant { value } => Source::Constant(value.clone()),
            ValueSource::Composite { parts, separator } => Source::Composite {
                parts: parts.iter().map(|p| Source::compile(p, table)).collect::<Result<_, _>>()?,
                separator: separator.clone(),
            },
            ValueSource::FirstOf { sources } => {
                Source::FirstOf(sources.iter().map(|p| Source::compile(p, table)).collect::<Result<_, _>>()?)
            }
            ValueSource::PresentMember { pointer, members, prefix } => {
                let object = parse_pointer(pointer)?;
                Source::PresentMember(
                    members
                        .iter()
                        .map(|m| {
                            let mut segments = object.clone();
                            segments.push(m.clone());
                            (table.slot_of(segments), format!("{prefix}{m}"))
                        })
                        .collect(),
                )
            }
            ValueSource::ContentHash { pointers } => {
                Source::ContentHash(pointers.iter().map(|p| table.slot(p)).collect::<Result<_, _>>()?)
            }
            ValueSource::BatchIndex => Source::BatchIndex,
        })
    }
}

/// Where a source is read: the request, plus the scope's resolved pointer table.
pub(crate) struct Scope<'s, 'r> {
    pub incoming: &'s Incoming<'r>,
    /// The resolved pointer table of the scope (empty when the scope is not JSON).
    pub values: &'s [Option<&'s str>],
    /// The event's form fields, when the event is a form.
    pub form: Option<&'s [(String, String)]>,
    /// The event's raw bytes (for content hashes).
    pub raw: &'s [u8],
    /// The event's position in its batch.
    pub index: usize,
}

impl<'s, 'r> Scope<'s, 'r> {
    /// Reads a source; `None` when the value is absent.
    pub fn read(&self, source: &'s Source) -> Option<Cow<'s, str>> {
        match source {
            Source::Body { slot, form_name } => match self.form {
                Some(form) => form_name.as_deref().and_then(|n| super::form::field(form, n)).map(Cow::Borrowed),
                None => self.values.get(*slot).copied().flatten().and_then(json::scalar_text),
            },
            Source::Header(name) => {
                self.incoming.header(name).map(|v| String::from_utf8_lossy(v))
            }
            Source::FormField(name) => {
                let pairs = self.form.unwrap_or_else(|| self.incoming.body_form());
                super::form::field(pairs, name).map(|v| Cow::Owned(v.to_string()))
            }
            Source::Query(name) => {
                super::form::field(self.incoming.query_pairs(), name).map(|v| Cow::Owned(v.to_string()))
            }
            Source::PathSegment(i) => self.incoming.path_segment(*i).map(Cow::Borrowed),
            Source::Constant(value) => Some(Cow::Borrowed(value.as_str())),
            Source::Composite { parts, separator } => {
                let present: Vec<Cow<str>> = parts.iter().filter_map(|p| self.read(p)).collect();
                if present.is_empty() {
                    return None;
                }
                Some(Cow::Owned(present.join(separator.as_str())))
            }
            Source::FirstOf(sources) => sources.iter().find_map(|p| self.read(p)),
            Source::PresentMember(members) => members
                .iter()
                .find(|(slot, _)| self.form.is_none() && self.values.get(*slot).copied().flatten().is_some())
                .map(|(_, name)| Cow::Borrowed(name.as_str())),
            Source::ContentHash(slots) => {
                let digest = if slots.is_empty() {
                    Sha256::digest(self.raw)
                } else {
                    let mut hasher = Sha256::new();
                    for (n, slot) in slots.iter().enumerate() {
                        if n > 0 {
                            hasher.update(b"\n");
                        }
                        let text = match self.form {
                            Some(_) => None,
                            None => self.values.get(*slot).copied().flatten().and_then(json::scalar_text),
                        };
                        hasher.update(text.as_deref().unwrap_or("").as_bytes());
                    }
                    hasher.finalize()
                };
                Some(Cow::Owned(hex_lower(&digest)))
            }
            Source::BatchIndex => Some(Cow::Owned(self.index.to_string())),
        }
    }
}

/// Lowercase hex.
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::request::WebhookRequest;

    /// Meta Messenger: the kind of a `messaging` item is the member it carries.
    #[test]
    fn present_member_names_the_first_member_present() {
        let source = ValueSource::FirstOf {
            sources: vec![
                ValueSource::BodyPointer { pointer: "/changes/0/field".into() },
                ValueSource::PresentMember {
                    pointer: "/messaging/0".into(),
                    members: vec!["message".into(), "postback".into(), "read".into()],
                    prefix: "messaging.".into(),
                },
            ],
        };
        let mut table = PointerTable::default();
        let compiled = Source::compile(&source, &mut table).unwrap();
        let request = WebhookRequest { method: "POST".into(), path_and_query: "/".into(), headers: Vec::new(), body: Default::default() };
        let incoming = Incoming::new(&request, &[]);
        let read = |item: &str| {
            let values = json::resolve_many(item, table.pointers()).unwrap();
            let scope = Scope { incoming: &incoming, values: &values, form: None, raw: item.as_bytes(), index: 0 };
            scope.read(&compiled).map(Cow::into_owned)
        };
        assert_eq!(read(r#"{"messaging":[{"sender":{"id":"1"},"postback":{"title":"Go"}}]}"#).as_deref(), Some("messaging.postback"));
        assert_eq!(read(r#"{"messaging":[{"read":{"watermark":1},"message":{"mid":"m"}}]}"#).as_deref(), Some("messaging.message"));
        assert_eq!(read(r#"{"changes":[{"field":"messages"}]}"#).as_deref(), Some("messages"));
        assert_eq!(read(r#"{"messaging":[{"optin":{}}]}"#), None);
        assert_eq!(read(r#"{"standby":[{"message":{}}]}"#), None);
    }
}
