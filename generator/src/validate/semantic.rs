//! The semantic pass: rules a schema cannot express (uniqueness, cross-references, the template
//! and pointer languages, header syntax, examples against the definition).
//!
//! It reads the same JSON value the schema pass read, tolerating any shape, so that a file with
//! schema errors still gets every semantic finding in the same run: an author fixes everything
//! in one round trip.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;
use webhook_definition::template::{self, Part, TemplateErrorKind};
use webhook_definition::{SPEC_VERSION, pointer as json_pointer};

use crate::diagnostics::{Code, Diagnostic, closest};
use crate::load::{Document, escape_segment};
// Globs route exactly as the connector's router does: one implementation.

/// Every semantic finding of a document. `fixtures` is the folder `body_file`s are relative to.
pub fn check(doc: &Document, fixtures: Option<&Path>, expected_id: Option<&str>) -> Vec<Diagnostic> {
    let mut pass = Pass { doc, out: Vec::new(), config: BTreeMap::new() };
    pass.spec_version();
    if let Some(expected) = expected_id {
        pass.vendor_id(expected);
    }
    pass.config_fields();
    pass.header_aliases();
    pass.events();
    pass.authentication("/authentication");
    pass.handshakes();
    pass.responses();
    pass.examples(fixtures);
    pass.todos("", &doc.value);
    pass.out
}

struct ConfigInfo {
    secret: bool,
    multiple: bool,
}

struct Pass<'d> {
    doc: &'d Document,
    out: Vec<Diagnostic>,
    config: BTreeMap<String, ConfigInfo>,
}

fn str_at<'v>(value: &'v Value, pointer: &str) -> Option<&'v str> {
    value.pointer(pointer).and_then(Value::as_str)
}

fn items(value: Option<&Value>) -> impl Iterator<Item = (usize, &Value)> {
    value.and_then(Value::as_array).into_iter().flatten().enumerate()
}

/// Whether a header name is an HTTP token (RFC 9110 §5.1).
pub fn is_header_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

impl<'d> Pass<'d> {
    fn value(&self, pointer: &str) -> Option<&'d Value> {
        self.doc.value.pointer(pointer)
    }

    fn at_value(&mut self, code: Code, pointer: &str, message: String) -> &mut Diagnostic {
        let position = self.doc.map.value(pointer);
        self.out.push(Diagnostic::new(code, position, pointer, message));
        self.out.last_mut().expect("just pushed")
    }

    fn line_of(&self, pointer: &str) -> usize {
        self.doc.map.value(pointer).line
    }

    fn spec_version(&mut self) {
        if let Some(Value::Number(n)) = self.value("/spec_version")
            && n.as_u64() != Some(u64::from(SPEC_VERSION))
        {
            self.at_value(Code::SpecVersion, "/spec_version", format!("spec_version {n} is not supported; this webhookgen supports spec_version {SPEC_VERSION}"))
                .hint = Some(format!("write `spec_version: {SPEC_VERSION}`, or use the webhookgen that matches this file"));
        }
    }

    fn vendor_id(&mut self, expected: &str) {
        if let Some(id) = str_at(&self.doc.value, "/vendor/id")
            && id != expected
        {
            self.at_value(Code::VendorIdMismatch, "/vendor/id", format!("vendor id `{id}` differs from the file name `{expected}.yaml`"))
                .hint = Some(format!("rename the file to `{id}.yaml` or set `id: {expected}`; the id names the connector crate"));
        }
    }

    fn config_fields(&mut self) {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (i, field) in items(self.value("/config")) {
            let Some(name) = field.get("name").and_then(Value::as_str) else { continue };
            let pointer = format!("/config/{i}/name");
            if let Some(first) = seen.get(name) {
                let line = self.line_of(first);
                self.at_value(Code::DuplicateName, &pointer, format!("configuration field `{name}` is declared twice (first on line {line})"))
                    .hint = Some("give each configuration field a unique name".into());
                continue;
            }
            seen.insert(name.to_string(), pointer);
            let secret = field.get("secret").and_then(Value::as_bool).unwrap_or(false);
            let multiple = field.get("multiple").and_then(Value::as_bool).unwrap_or(false);
            self.config.insert(name.to_string(), ConfigInfo { secret, multiple });
        }
    }

    /// A reference to a configuration field: it must be declared, and be a secret when `secret`.
    fn config_ref(&mut self, pointer: &str, must_be_secret: bool) {
        let Some(name) = str_at(&self.doc.value, pointer) else { return };
        match self.config.get(name) {
            None => {
                let declared: Vec<String> = self.config.keys().cloned().collect();
                let suggestion = closest(name, declared.iter().map(String::as_str));
                let d = self.at_value(Code::UndeclaredConfigField, pointer, format!("configuration field `{name}` is not declared in `config`"));
                d.expected = declared;
                d.did_you_mean = suggestion;
                d.hint = Some(format!("declare it under `config:` (`- name: {name}`), or correct the reference"));
            }
            Some(info) if must_be_secret && !info.secret => {
                self.at_value(Code::SecretNotMarked, pointer, format!("configuration field `{name}` holds a secret but is not marked `secret: true`"))
                    .hint = Some(format!("add `secret: true` to the `{name}` field so it is masked and redacted"));
            }
            Some(_) => {}
        }
    }

    fn header_name(&mut self, pointer: &str) {
        if let Some(name) = str_at(&self.doc.value, pointer)
            && !is_header_name(name)
        {
            self.at_value(Code::IllegalHeaderName, pointer, format!("`{name}` is not a valid HTTP header name"))
                .hint = Some("header names are letters, digits and !#$%&'*+-.^_`|~, with no spaces or colons".into());
        }
    }

    fn json_pointer(&mut self, pointer: &str, allow_wildcard: bool) {
        if let Some(text) = str_at(&self.doc.value, pointer)
            && let Err(error) = json_pointer::parse(text, allow_wildcard)
        {
            self.at_value(Code::BadPointer, pointer, format!("`{text}` is not a valid JSON pointer: {error}"))
                .hint = Some("a JSON pointer is `/`-separated keys, like `/data/object/id`; write `~1` for `/` and `~0` for `~` in a key".into());
        }
    }

    /// A value source: headers, pointers and, unless `key`, no key-only kinds.
    fn value_source(&mut self, pointer: &str, role: SourceRole) {
        let Some(source) = self.value(pointer) else { return };
        let kind = source.get("type").and_then(Value::as_str).unwrap_or_default();
        match kind {
            "body_pointer" | "present_member" => self.json_pointer(&format!("{pointer}/pointer"), false),
            "header" => self.header_name(&format!("{pointer}/name")),
            "content_hash" | "batch_index" if role != SourceRole::DocumentKey => {
                self.at_value(Code::KeyOnlySource, &format!("{pointer}/type"), format!("`{kind}` only makes a document key; it cannot be {}", role.noun()))
                    .hint = Some("read the value from the body (`body_pointer`), a header or a form field".into());
            }
            "content_hash" => {
                for (i, _) in items(source.get("pointers")) {
                    self.json_pointer(&format!("{pointer}/pointers/{i}"), false);
                }
            }
            "composite" => {
                for (i, _) in items(source.get("parts")) {
                    self.value_source(&format!("{pointer}/parts/{i}"), role);
                }
            }
            "first_of" => {
                let count = items(source.get("sources")).count();
                if count < 2 && source.get("sources").is_some_and(Value::is_array) {
                    self.at_value(Code::ShortFirstOf, &format!("{pointer}/sources"), format!("`first_of` has {count} source(s); it takes the first present of two or more"))
                        .hint = Some("list the sources in the order they are tried, or use the one source directly".into());
                }
                for (i, _) in items(source.get("sources")) {
                    self.value_source(&format!("{pointer}/sources/{i}"), role);
                }
            }
            _ => {}
        }
    }

    /// Every header name appears once across `request.header_aliases`, as a name or an alias,
    /// so which header is read never depends on the order of entries.
    fn header_aliases(&mut self) {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (i, entry) in items(self.value("/request/header_aliases")) {
            let base = format!("/request/header_aliases/{i}");
            let mut names = vec![format!("{base}/name")];
            names.extend(items(entry.get("aliases")).map(|(j, _)| format!("{base}/aliases/{j}")));
            if names.len() == 1 && entry.get("aliases").is_some_and(Value::is_array) {
                self.at_value(Code::HeaderAliasConflict, &format!("{base}/aliases"), "this header alias entry lists no aliases".into())
                    .hint = Some("list the other names the header arrives under, or remove the entry".into());
            }
            for pointer in names {
                let Some(name) = str_at(&self.doc.value, &pointer) else { continue };
                self.header_name(&pointer);
                let lower = name.to_ascii_lowercase();
                if let Some(first) = seen.get(&lower) {
                    let line = self.line_of(first);
                    self.at_value(Code::HeaderAliasConflict, &pointer, format!("header `{name}` already appears in `request.header_aliases` (line {line})"))
                        .hint = Some("a header may appear once across `header_aliases`, as a name or as an alias".into());
                } else {
                    seen.insert(lower, pointer);
                }
            }
        }
    }

    fn events(&mut self) {
        self.json_pointer("/events/batch/items", true);
        self.value_source("/events/discriminator", SourceRole::Discriminator);
        self.value_source("/events/document_key", SourceRole::DocumentKey);

        let mut values: BTreeMap<String, String> = BTreeMap::new();
        let mut collections: BTreeMap<String, String> = BTreeMap::new();
        for (i, event_type) in items(self.value("/events/types")) {
            for (j, value) in items(event_type.get("values")) {
                let Some(value) = value.as_str() else { continue };
                let pointer = format!("/events/types/{i}/values/{j}");
                if let Some(first) = values.get(value) {
                    let line = self.line_of(first);
                    self.at_value(Code::DuplicateEventType, &pointer, format!("event type `{value}` is listed twice (first at {first}, line {line})"))
                        .hint = Some("route each event type to one collection; remove one of the two".into());
                } else {
                    values.insert(value.to_string(), pointer);
                }
            }
            if let Some(collection) = event_type.get("collection").and_then(Value::as_str) {
                let pointer = format!("/events/types/{i}/collection");
                self.unique_collection(&mut collections, collection, pointer);
            }
            if let Some(schema) = event_type.get("schema").filter(|s| !s.is_null())
                && let Err(error) = jsonschema::options().with_draft(jsonschema::Draft::Draft7).build(schema)
            {
                self.at_value(Code::InvalidEventSchema, &format!("/events/types/{i}/schema"), format!("not a valid draft-07 JSON Schema: {error}"))
                    .hint = Some("fix the schema, or remove `schema` to accept any JSON object".into());
            }
        }
        let rejects = str_at(&self.doc.value, "/events/unknown_types/action") == Some("reject");
        if !rejects {
            let pointer = "/events/unknown_types/collection".to_string();
            let catch_all =
                str_at(&self.doc.value, &pointer).map(str::to_string).unwrap_or_else(webhook_definition::default_catch_all);
            self.unique_collection(&mut collections, &catch_all, pointer);
        }
    }

    fn unique_collection(&mut self, seen: &mut BTreeMap<String, String>, name: &str, pointer: String) {
        if matches!(name, "config" | "resource") && self.value(&pointer).is_some() {
            self.at_value(Code::ReservedName, &pointer, format!("collection name `{name}` is reserved for the connector's `schemas/{name}.schema.json`"))
                .hint = Some(format!("name the collection after its events, like `{name}_events`"));
        }
        if let Some(first) = seen.get(name) {
            let line = self.line_of(first);
            let explicit = self.value(&pointer).is_some();
            let at = if explicit { pointer.clone() } else { first.clone() };
            self.at_value(Code::DuplicateCollection, &at, format!("collection `{name}` is named twice (also at line {line})"))
                .hint = Some(if pointer.starts_with("/events/unknown_types") {
                "the catch-all collection needs a name of its own; set `events.unknown_types.collection`".into()
            } else {
                "give each event type its own collection, or list several values under one entry".into()
            });
        } else {
            seen.insert(name.to_string(), pointer);
        }
    }

    fn authentication(&mut self, pointer: &str) {
        let Some(auth) = self.value(pointer) else { return };
        let kind = auth.get("type").and_then(Value::as_str).unwrap_or_default();
        match kind {
            "hmac" | "ed25519" | "ecdsa_p256" => {
                self.signature_check(pointer, auth, kind);
                let in_any_of = self.inside_any_of(pointer);
                self.batch_item_scope(pointer, auth, in_any_of);
            }
            "static_token" => {
                self.config_ref(&format!("{pointer}/token/config_field"), true);
                if str_at(auth, "/location/type") == Some("header") {
                    self.header_name(&format!("{pointer}/location/name"));
                    self.config_ref(&format!("{pointer}/location/name_config_field"), false);
                }
            }
            "body_token" => {
                self.config_ref(&format!("{pointer}/token/config_field"), true);
                self.json_pointer(&format!("{pointer}/pointer"), true);
                let body = str_at(&self.doc.value, "/request/body/type").unwrap_or("json");
                if body != "json" {
                    self.at_value(
                        Code::BodyTokenNotJson,
                        &format!("{pointer}/type"),
                        format!("a `body_token` check reads the JSON body, but `request.body` is `{body}`"),
                    )
                    .hint = Some("use `static_token` for a token in a header or query parameter".into());
                }
            }
            "body_digest" => self.body_digest(pointer),
            "basic" => {
                self.config_ref(&format!("{pointer}/username_field"), false);
                self.config_ref(&format!("{pointer}/password_field"), true);
            }
            "all_of" => {
                for (i, check) in items(auth.get("checks")) {
                    let inner = format!("{pointer}/checks/{i}");
                    let inner_kind = check.get("type").and_then(Value::as_str).unwrap_or_default();
                    if inner_kind == "all_of" || inner_kind == "none" {
                        self.at_value(Code::NestedAllOf, &format!("{inner}/type"), format!("`all_of` cannot contain `{inner_kind}`"))
                            .hint = Some("list the individual checks directly under one `all_of`".into());
                    } else {
                        self.authentication(&inner);
                    }
                }
            }
            "any_of" => {
                let count = items(auth.get("checks")).count();
                if count < 2 && auth.get("checks").is_some_and(Value::is_array) {
                    self.at_value(Code::InvalidAnyOf, &format!("{pointer}/checks"), format!("`any_of` has {count} check(s); it needs two or more alternatives"))
                        .hint = Some("write the one check directly instead of wrapping it in `any_of`".into());
                }
                for (i, check) in items(auth.get("checks")) {
                    let inner = format!("{pointer}/checks/{i}");
                    let inner_kind = check.get("type").and_then(Value::as_str).unwrap_or_default();
                    if inner_kind == "any_of" || inner_kind == "none" {
                        self.at_value(Code::InvalidAnyOf, &format!("{inner}/type"), format!("`any_of` cannot contain `{inner_kind}`"))
                            .hint = Some(if inner_kind == "none" {
                            "an alternative without authentication would accept every request; remove it".into()
                        } else {
                            "list every alternative directly under one `any_of`".into()
                        });
                    } else {
                        self.authentication(&inner);
                    }
                }
            }
            _ => {
                // An unknown `type` is reported by the schema pass; still check the template.
                if let Some(text) = auth.get("signed_message").and_then(Value::as_str) {
                    let has_timestamp = auth.get("timestamp").is_some_and(|t| !t.is_null());
                    self.template(&format!("{pointer}/signed_message"), text, has_timestamp);
                }
            }
        }
    }

    /// A body digest proves nothing alone: it must sit in an `all_of` beside a signature whose
    /// message covers the query string that carries it.
    fn body_digest(&mut self, pointer: &str) {
        let parent = pointer.rfind("/checks/").map(|i| &pointer[..i]);
        let siblings: Vec<&Value> = match parent.and_then(|p| self.value(p)) {
            Some(all) if str_at(all, "/type") == Some("all_of") => items(all.get("checks")).map(|(_, c)| c).collect(),
            _ => Vec::new(),
        };
        let covered = siblings.iter().any(|c| {
            c.get("signed_message")
                .and_then(Value::as_str)
                .and_then(|t| template::parse(t).ok())
                .is_some_and(|parts| parts.iter().any(|p| matches!(p, Part::Path | Part::PathUriEncoded | Part::Url(_))))
        });
        if !covered {
            self.at_value(
                Code::UnsignedBodyDigest,
                &format!("{pointer}/type"),
                "a `body_digest` proves nothing alone: anyone can hash a body".into(),
            )
            .hint = Some("put it in an `all_of` beside a signature whose `signed_message` covers the query (`{path}` or `{url:…}`)".into());
        }
    }

    /// Whether the check at `pointer` is an alternative of an `any_of` (at any depth).
    fn inside_any_of(&self, pointer: &str) -> bool {
        let mut at = pointer;
        while let Some(i) = at.rfind("/checks/") {
            at = &at[..i];
            if self.value(at).and_then(|v| str_at(v, "/type")) == Some("any_of") {
                return true;
            }
        }
        false
    }

    /// A `batch_item` signature reads each item of `events.batch`: it needs a batch, its
    /// signature in the item, and a message of the item's fields.
    fn batch_item_scope(&mut self, pointer: &str, auth: &Value, in_any_of: bool) {
        if str_at(auth, "/scope") != Some("batch_item") {
            return;
        }
        let at = format!("{pointer}/scope");
        let has_batch = self.value("/events/batch").is_some_and(|b| !b.is_null());
        let problem = if !has_batch {
            Some(("a `batch_item` signature needs `events.batch` (the items it signs)", "declare `events.batch.items`, or use `scope: request`"))
        } else if items(self.value("/handshakes")).any(|(_, h)| h.get("verify_signature").and_then(Value::as_bool) == Some(true)) {
            Some(("a handshake with `verify_signature: true` cannot be verified by a `batch_item` signature (it is one request, not a batch)", "set `verify_signature: false` on the handshake, or sign requests with `scope: request`"))
        } else if in_any_of {
            Some(("a `batch_item` signature cannot be an `any_of` alternative: every item is always checked", "move the check out of `any_of` (into `all_of` or to the top)"))
        } else if str_at(auth, "/signature/body_pointer").is_none() {
            Some(("a `batch_item` signature must be read from the item: set `signature.body_pointer`", "write the signature's pointer relative to the item"))
        } else {
            let parts = auth.get("signed_message").and_then(Value::as_str).and_then(|t| template::parse(t).ok()).unwrap_or_default();
            parts
                .iter()
                .any(|p| matches!(p, Part::Body | Part::FormSorted | Part::Url(_) | Part::SignedHeaders(_)))
                .then_some(("a `batch_item` signed message may only use the item's fields, headers, literals and the method", "name the signed fields with `{body_pointer:/…}` relative to the item"))
        };
        if let Some((message, hint)) = problem {
            self.at_value(Code::BatchItemSignature, &at, message.into()).hint = Some(hint.into());
        }
    }

    fn signature_check(&mut self, pointer: &str, auth: &Value, kind: &str) {
        if kind == "hmac" {
            self.config_ref(&format!("{pointer}/secret/config_field"), true);
        } else {
            self.config_ref(&format!("{pointer}/public_key/config_field"), false);
        }
        self.header_name(&format!("{pointer}/signature/header"));
        self.signature_location(pointer, auth);
        let has_timestamp = auth.get("timestamp").is_some_and(|t| !t.is_null());
        let template_pointer = format!("{pointer}/signed_message");
        if let Some(text) = auth.get("signed_message").and_then(Value::as_str) {
            self.template(&template_pointer, text, has_timestamp);
        }
        if auth.get("tolerance").is_some_and(|t| !t.is_null()) && !has_timestamp {
            self.at_value(Code::TimestampMissing, &format!("{pointer}/tolerance"), "a timestamp tolerance needs a `timestamp` to check".into())
                .hint = Some("add `timestamp:` (where the signed timestamp is and its format), or remove `tolerance`".into());
        }
        if str_at(auth, "/signature/format/type") == Some("timestamp_then_signatures")
            && str_at(auth, "/timestamp/source/type") != Some("signature_field")
        {
            self.at_value(
                Code::PositionalTimestampUnread,
                &format!("{pointer}/signature/format"),
                "the first entry of a `timestamp_then_signatures` list is a timestamp, but the check does not read it".into(),
            )
            .hint = Some("add `timestamp: {source: {type: signature_field}, format: …}` and sign `{timestamp}`".into());
        }
        match str_at(auth, "/timestamp/source/type") {
            Some("header") => self.header_name(&format!("{pointer}/timestamp/source/name")),
            Some("body_pointer") => self.json_pointer(&format!("{pointer}/timestamp/source/pointer"), false),
            Some("signature_field") => {
                let format = str_at(auth, "/signature/format/type");
                let key = str_at(auth, "/signature/format/timestamp_key");
                let positional = format == Some("timestamp_then_signatures");
                if !positional && (format != Some("key_value_list") || key.is_none()) {
                    self.at_value(
                        Code::SignatureFieldWithoutKey,
                        &format!("{pointer}/timestamp/source/type"),
                        "a `signature_field` timestamp needs a `key_value_list` signature format with a `timestamp_key`, or `timestamp_then_signatures`".into(),
                    )
                    .hint = Some("set `signature.format.timestamp_key` (Stripe: `t`), or read the timestamp from a header".into());
                }
            }
            _ => {}
        }
    }

    /// Exactly one of `signature.header` and `signature.body_pointer`; a signature in the body
    /// cannot sign the body's bytes (they contain it).
    fn signature_location(&mut self, pointer: &str, auth: &Value) {
        let header = str_at(auth, "/signature/header").filter(|h| !h.is_empty());
        let body = str_at(auth, "/signature/body_pointer");
        if auth.get("signature").is_none() {
            return;
        }
        match (header, body) {
            (Some(_), Some(_)) | (None, None) => {
                let what = if header.is_some() { "both" } else { "neither" };
                self.at_value(
                    Code::SignatureLocationConflict,
                    &format!("{pointer}/signature"),
                    format!("the signature location sets {what} of `header` and `body_pointer`"),
                )
                .hint = Some("set `header` for a signature header, or `body_pointer` for a signature field of the JSON body".into());
            }
            (None, Some(_)) => {
                self.json_pointer(&format!("{pointer}/signature/body_pointer"), false);
                let signs_body = auth
                    .get("signed_message")
                    .and_then(Value::as_str)
                    .and_then(|t| template::parse(t).ok())
                    .is_some_and(|parts| parts.iter().any(|p| matches!(p, Part::Body | Part::FormSorted)));
                if signs_body {
                    self.at_value(
                        Code::SignatureLocationConflict,
                        &format!("{pointer}/signed_message"),
                        "a signature in the body cannot sign `{body}` or `{form_sorted}`, which contain it".into(),
                    )
                    .hint = Some("name the signed body fields with `{body_pointer:/…}`".into());
                }
            }
            (Some(_), None) => {}
        }
    }

    /// `{config:NAME}` or `{url:NAME}` naming an undeclared configuration field.
    fn undeclared_in_template(&mut self, pointer: &str, variable: &str, name: &str) {
        let declared: Vec<String> = self.config.keys().cloned().collect();
        let suggestion = closest(name, declared.iter().map(String::as_str));
        let d = self.at_value(
            Code::UndeclaredConfigField,
            pointer,
            format!("`{{{variable}:{name}}}` names a configuration field that is not declared"),
        );
        d.did_you_mean = suggestion;
        d.expected = declared;
    }

    fn template(&mut self, pointer: &str, text: &str, has_timestamp: bool) {
        match template::parse(text) {
            Err(error) => {
                let (code, suggestion) = match &error.kind {
                    TemplateErrorKind::UnknownVariable(name) => {
                        let simple = ["body", "timestamp", "method", "path", "path_uri_encoded", "form_sorted"];
                        let suggestion = match name.split_once(':') {
                            Some((prefix, rest)) => closest(prefix, ["header", "config"]).map(|p| format!("{{{p}:{rest}}}")),
                            None => closest(name, simple).map(|v| format!("{{{v}}}")),
                        };
                        (Code::UnknownTemplateVariable, suggestion)
                    }
                    _ => (Code::BadTemplate, None),
                };
                let message = match &error.kind {
                    TemplateErrorKind::UnknownVariable(name) => format!("unknown template variable `{{{name}}}`"),
                    _ => error.to_string(),
                };
                let d = self.at_value(code, pointer, message);
                d.did_you_mean = suggestion;
                d.expected = template::VARIABLE_NAMES.iter().map(|v| format!("{{{v}}}")).collect();
                d.hint = Some("write `{{` and `}}` for literal braces".into());
            }
            Ok(parts) => {
                for part in parts {
                    match part {
                        Part::Timestamp if !has_timestamp => {
                            self.at_value(Code::TimestampMissing, pointer, "the template uses `{timestamp}` but the check has no `timestamp`".into())
                                .hint = Some("add `timestamp:` to say where the signed timestamp is read".into());
                        }
                        Part::BodyPointer(text) if json_pointer::parse(&text, false).is_err() => {
                            self.at_value(Code::BadPointer, pointer, format!("`{{body_pointer:{text}}}` is not a JSON pointer without wildcard"))
                                .hint = Some("a JSON pointer is `/`-separated keys, like `/signature/token`".into());
                        }
                        Part::Header(name) if !is_header_name(&name) => {
                            self.at_value(Code::IllegalHeaderName, pointer, format!("`{{header:{name}}}` names an invalid HTTP header"));
                        }
                        Part::SignedHeaders(name) if !is_header_name(&name) => {
                            self.at_value(Code::IllegalHeaderName, pointer, format!("`{{signed_headers:{name}}}` names an invalid HTTP header"));
                        }
                        Part::Url(name) if self.config.get(&name).is_some_and(|c| c.secret || c.multiple) => {
                            self.at_value(
                                Code::UrlFieldNotPlain,
                                pointer,
                                format!("`{{url:{name}}}` names a secret or multiple configuration field; a public URL is one plain value"),
                            )
                            .hint = Some("declare the URL field with `secret: false` and without `multiple`".into());
                        }
                        Part::Config(name) if !self.config.contains_key(&name) => self.undeclared_in_template(pointer, "config", &name),
                        Part::Url(name) if !self.config.contains_key(&name) => self.undeclared_in_template(pointer, "url", &name),
                        _ => {}
                    }
                }
            }
        }
    }

    fn handshakes(&mut self) {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (i, handshake) in items(self.value("/handshakes")) {
            let base = format!("/handshakes/{i}");
            if let Some(name) = handshake.get("name").and_then(Value::as_str) {
                self.unique_name(&mut seen, "handshake", name, format!("{base}/name"));
            }
            for list in ["when", "require"] {
                for (j, condition) in items(handshake.get(list)) {
                    let at = format!("{base}/{list}/{j}");
                    self.value_source(&format!("{at}/value"), SourceRole::Condition);
                    if condition.get("type").and_then(Value::as_str) == Some("equals_config") {
                        self.config_ref(&format!("{at}/config_field"), false);
                    }
                }
            }
            self.response(&format!("{base}/response"));
            if handshake.get("reveal").is_some_and(|r| !r.is_null()) {
                self.value_source(&format!("{base}/reveal/value"), SourceRole::Condition);
            }
        }
    }

    fn responses(&mut self) {
        self.response("/responses/success");
    }

    fn response(&mut self, pointer: &str) {
        let Some(response) = self.value(pointer) else { return };
        for (i, _) in items(response.get("headers")) {
            self.header_name(&format!("{pointer}/headers/{i}/name"));
            self.response_value(&format!("{pointer}/headers/{i}/value"));
        }
        match str_at(response, "/body/type") {
            Some("text") => self.response_value(&format!("{pointer}/body/value")),
            Some("json_object") => {
                for (i, _) in items(response.pointer("/body/fields")) {
                    self.response_value(&format!("{pointer}/body/fields/{i}/value"));
                }
            }
            _ => {}
        }
    }

    fn response_value(&mut self, pointer: &str) {
        match self.value(pointer).and_then(|v| v.get("type")).and_then(Value::as_str) {
            Some("echo") => self.value_source(&format!("{pointer}/source"), SourceRole::Answer),
            Some("hmac") => {
                self.config_ref(&format!("{pointer}/secret/config_field"), true);
                self.value_source(&format!("{pointer}/message"), SourceRole::Answer);
            }
            _ => {}
        }
    }

    fn unique_name(&mut self, seen: &mut BTreeMap<String, String>, what: &str, name: &str, pointer: String) {
        if let Some(first) = seen.get(name) {
            let line = self.line_of(first);
            self.at_value(Code::DuplicateName, &pointer, format!("{what} name `{name}` is used twice (first on line {line})"))
                .hint = Some(format!("give each {what} a unique name"));
        } else {
            seen.insert(name.to_string(), pointer);
        }
    }

    fn collections(&self) -> BTreeSet<String> {
        let mut names: BTreeSet<String> = items(self.value("/events/types"))
            .filter_map(|(_, t)| t.get("collection").and_then(Value::as_str).map(str::to_string))
            .collect();
        if str_at(&self.doc.value, "/events/unknown_types/action") != Some("reject") {
            names.insert(
                str_at(&self.doc.value, "/events/unknown_types/collection")
                    .map(str::to_string)
                    .unwrap_or_else(webhook_definition::default_catch_all),
            );
        }
        names
    }

    fn examples(&mut self, fixtures: Option<&Path>) {
        let collections = self.collections();
        let handshakes: BTreeSet<String> = items(self.value("/handshakes"))
            .filter_map(|(_, h)| h.get("name").and_then(Value::as_str).map(str::to_string))
            .collect();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (i, example) in items(self.value("/examples")) {
            let base = format!("/examples/{i}");
            if let Some(name) = example.get("name").and_then(Value::as_str) {
                self.unique_name(&mut seen, "example", name, format!("{base}/name"));
            }
            if let Some(config) = example.get("config").and_then(Value::as_object) {
                for key in config.keys() {
                    if !self.config.contains_key(key) {
                        let member = format!("{base}/config/{}", escape_segment(key));
                        let declared: Vec<String> = self.config.keys().cloned().collect();
                        let position = self.doc.map.key(&member);
                        self.out.push(
                            Diagnostic::new(Code::UnknownExampleConfig, position, member, format!("example configuration names `{key}`, which `config` does not declare"))
                                .did_you_mean(closest(key, declared.iter().map(String::as_str)))
                                .expected(declared),
                        );
                    }
                }
            }
            if let Some(headers) = example.pointer("/request/headers").and_then(Value::as_object) {
                for name in headers.keys() {
                    if !is_header_name(name) {
                        let member = format!("{base}/request/headers/{}", escape_segment(name));
                        let position = self.doc.map.key(&member);
                        self.out.push(Diagnostic::new(Code::IllegalHeaderName, position, member, format!("`{name}` is not a valid HTTP header name")));
                    }
                }
            }
            let body = example.pointer("/request/body").is_some_and(|b| !b.is_null());
            let body_file = example.pointer("/request/body_file").and_then(Value::as_str);
            if body && body_file.is_some() {
                self.at_value(Code::BodyConflict, &format!("{base}/request/body_file"), "an example request sets both `body` and `body_file`".into())
                    .hint = Some("keep `body` for short payloads and `body_file` for large ones, not both".into());
            }
            let escapes = body_file.is_some_and(|f| {
                Path::new(f).components().any(|c| !matches!(c, std::path::Component::Normal(_)))
            });
            if escapes {
                self.at_value(Code::FixtureMissing, &format!("{base}/request/body_file"), "a body file must be a relative path inside the vendor's fixtures folder".into())
                    .hint = Some("write the file name relative to `vendor-definitions/fixtures/<vendor id>/`, without `..`".into());
            } else if let (Some(file), Some(dir)) = (body_file, fixtures)
                && !dir.join(file).is_file()
            {
                let shown = dir.join(file).display().to_string();
                self.at_value(Code::FixtureMissing, &format!("{base}/request/body_file"), format!("body file `{file}` does not exist (looked for {shown})"))
                    .hint = Some("body files are relative to `vendor-definitions/fixtures/<vendor id>/`".into());
            }
            match str_at(example, "/expect/outcome") {
                Some("captured") => {
                    for (j, document) in items(example.pointer("/expect/documents")) {
                        let Some(collection) = document.get("collection").and_then(Value::as_str) else { continue };
                        if !collections.contains(collection) {
                            let pointer = format!("{base}/expect/documents/{j}/collection");
                            let known: Vec<String> = collections.iter().cloned().collect();
                            let d = self.at_value(Code::UnknownCollection, &pointer, format!("the definition has no collection `{collection}`"));
                            d.did_you_mean = closest(collection, known.iter().map(String::as_str));
                            d.expected = known;
                        }
                    }
                }
                Some("handshake") => {
                    if let Some(name) = str_at(example, "/expect/name")
                        && !handshakes.contains(name)
                    {
                        let known: Vec<String> = handshakes.iter().cloned().collect();
                        let d = self.at_value(Code::UnknownHandshake, &format!("{base}/expect/name"), format!("the definition has no handshake `{name}`"));
                        d.did_you_mean = closest(name, known.iter().map(String::as_str));
                        d.expected = known;
                    }
                }
                _ => {}
            }
        }
    }

    /// A captured single-event JSON example must match its event type's schema, when the type has
    /// one: the schema is what Flow validates documents against.
    fn todos(&mut self, pointer: &str, value: &Value) {
        match value {
            Value::String(s) if s.contains("TODO") => {
                let first_line = s.lines().find(|l| l.contains("TODO")).unwrap_or(s).trim();
                self.at_value(Code::Todo, pointer, format!("TODO left in the definition: {first_line}"))
                    .hint = Some("replace the TODO with the fact from the vendor's documentation".into());
            }
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    self.todos(&format!("{pointer}/{i}"), v);
                }
            }
            Value::Object(o) => {
                for (k, v) in o {
                    self.todos(&format!("{pointer}/{}", escape_segment(k)), v);
                }
            }
            _ => {}
        }
    }
}

/// What a value source is used for: only document keys may be content hashes or batch indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SourceRole {
    Discriminator,
    DocumentKey,
    Condition,
    Answer,
}

impl SourceRole {
    fn noun(self) -> &'static str {
        match self {
            SourceRole::Discriminator => "the event-type discriminator",
            SourceRole::DocumentKey => "a document key",
            SourceRole::Condition => "a handshake condition",
            SourceRole::Answer => "part of an answer",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_tokens() {
        assert!(is_header_name("X-Hub-Signature-256"));
        assert!(!is_header_name("X Hub"));
        assert!(!is_header_name("X:Hub"));
        assert!(!is_header_name(""));
    }
}
