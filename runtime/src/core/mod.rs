//! For one request: authenticate, answer handshakes, split, discriminate, route and key events.
//!
//! Pure and synchronous: no I/O, and the clock is a parameter. The serving layer calls
//! [`Processor::process`] and acts on the [`Decision`]: it answers a [`Reply`] at once, or
//! commits the [`Event`]s and only then answers.
//!
//! Order of work for a request: method check; handshakes (so an unsigned challenge such as
//! Meta's GET works; signed ones are verified first); authentication over the raw bytes; body
//! decoding; batch split; per event: discriminator, route, key, document.

pub mod batch;
mod body_token;
pub mod config;
pub mod discriminate;
pub mod document;
pub mod encoding;
pub mod form;
pub mod handshake;
mod incoming;
pub mod json;
pub mod request;
pub mod route;
pub mod scan;
pub mod sign;
pub mod timestamp;
pub mod verify;

use std::borrow::Cow;
use std::time::SystemTime;

use bytes::Bytes;
use webhook_definition::{BodyEncoding, Definition, Method, UnknownTypeAction};

pub use config::ConfigError;
pub use request::{Decision, Event, Reply, RoutedEvent, Routing, WebhookRequest};

use crate::Vendor;
use batch::{ItemsPath, Shape};
use config::EndpointConfig;
use discriminate::{PointerTable, Scope, Source};
use handshake::{CompiledHandshake, CompiledResponse, HandshakeOutcome};
use incoming::Incoming;
use verify::Verifier;

/// How events are found in a request.
struct EventPlan {
    batch: Option<ItemsPath>,
    /// Whether event pointers live in the whole-body table (one pass over an unbatched JSON
    /// body answers handshakes, timestamps and event pointers together).
    merged: bool,
    /// Event pointers when not merged (resolved per batch item or per form-field JSON).
    item_table: PointerTable,
    /// The slot of `/_meta` (to detect an event that already has one).
    meta_slot: usize,
    discriminator: Source,
    key: Source,
}

/// Decides what to do with requests for one connector: built once from the vendor and the
/// endpoint configuration, then shared by every request.
pub struct Processor {
    vendor: &'static dyn Vendor,
    definition: &'static Definition,
    verifier: Verifier,
    handshakes: Vec<CompiledHandshake>,
    body_table: PointerTable,
    events: EventPlan,
    success: CompiledResponse,
    collections: Vec<String>,
    catch_all: Option<usize>,
    redaction: document::Redaction,
    unset_secrets: Vec<String>,
}

impl std::fmt::Debug for Processor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Processor").field("vendor", &self.definition.vendor.id).finish_non_exhaustive()
    }
}

/// Whether the request says its body is `application/x-www-form-urlencoded`.
fn is_form_encoded(incoming: &Incoming<'_>) -> bool {
    const FORM: &[u8] = b"application/x-www-form-urlencoded";
    incoming.header("content-type").is_some_and(|v| {
        let v = v.trim_ascii_start();
        v.len() >= FORM.len() && v[..FORM.len()].eq_ignore_ascii_case(FORM)
    })
}

/// The method of a request, if it is one the format knows.
fn method_of(name: &str) -> Option<Method> {
    Some(match name {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "PATCH" => Method::Patch,
        "DELETE" => Method::Delete,
        _ => return None,
    })
}

impl Processor {
    /// Builds the processor: validates the endpoint configuration against the definition
    /// (required fields, decodable secrets, parseable keys) and compiles every template,
    /// pointer and condition. Fails closed.
    pub fn new(vendor: &'static dyn Vendor, config: &serde_json::Value) -> Result<Processor, ConfigError> {
        let definition = vendor.definition();
        let config = EndpointConfig::from_json(definition, config)?;
        let mut body_table = PointerTable::default();
        let verifier = Verifier::new(&definition.authentication, &config, &mut body_table)?;
        let handshakes = definition
            .handshakes
            .iter()
            .map(|h| CompiledHandshake::compile(h, &definition.request.methods, &config, &mut body_table))
            .collect::<Result<Vec<_>, _>>()?;
        let success = CompiledResponse::compile(&definition.responses.success, &config, &mut body_table)?;

        let events = &definition.events;
        let batch = events.batch.as_ref().map(|b| ItemsPath::compile(&b.items)).transpose().map_err(ConfigError::Definition)?;
        if verifier.checks_items() && batch.is_none() {
            return Err(ConfigError::Definition("a `batch_item` signature needs `events.batch`".to_string()));
        }
        let merged = batch.is_none() && definition.request.body == BodyEncoding::Json;
        let mut item_table = PointerTable::default();
        let table = if merged { &mut body_table } else { &mut item_table };
        let discriminator = Source::compile(&events.discriminator, table).map_err(ConfigError::Definition)?;
        let key = Source::compile(&events.document_key, table).map_err(ConfigError::Definition)?;
        let meta_slot = table.slot_of(vec!["_meta".to_string()]);

        let collections: Vec<String> =
            webhook_definition::schemas::collections(definition).into_iter().map(|c| c.name).collect();
        let catch_all = (events.unknown_types.action == UnknownTypeAction::Capture).then_some(events.types.len());
        // A header authentication reads is redacted under any of its names.
        let mut redacted = verifier.headers_read();
        let aliases: Vec<String> = redacted
            .iter()
            .flat_map(|name| definition.request.aliases_of(name).iter().map(|a| a.to_ascii_lowercase()))
            .collect();
        redacted.extend(aliases);
        let checks = definition.authentication.checks();
        let body_tokens: Vec<String> = checks
            .iter()
            .filter(|c| matches!(c, webhook_definition::Authentication::BodyToken(_)))
            .filter_map(|c| config.values(c.secret_field()?).ok())
            .flatten()
            .cloned()
            .collect();
        let redaction = document::Redaction::new(redacted, &config.secret_values(definition), &body_tokens);
        let unset_secrets =
            checks.iter().filter_map(|c| c.secret_field()).filter(|f| config.is_unset(f)).map(str::to_string).collect();
        if verifier.checks_items() && handshakes.iter().any(|h| h.verify_signature) {
            // A handshake is one request, not a batch: a per-item signature cannot verify it.
            return Err(ConfigError::Definition(
                "a handshake with `verify_signature` cannot be verified by a `batch_item` signature".to_string(),
            ));
        }
        Ok(Processor {
            vendor,
            definition,
            verifier,
            handshakes,
            body_table,
            events: EventPlan { batch, merged, item_table, meta_slot, discriminator, key },
            success,
            collections,
            catch_all,
            redaction,
            unset_secrets,
        })
    }

    /// The vendor definition.
    pub fn definition(&self) -> &'static Definition {
        self.definition
    }

    /// The optional fields holding secrets the authentication reads that the configuration
    /// leaves unset (a vendor that reveals its secret only after setup, such as Notion: until it
    /// is set, every request fails).
    pub fn unset_secrets(&self) -> &[String] {
        &self.unset_secrets
    }

    /// The collection names, in binding order.
    pub fn collections(&self) -> &[String] {
        &self.collections
    }

    fn reply(&self, status: u16, outcome: &str) -> Decision {
        Decision::Reply(Reply { status, headers: Vec::new(), body: Bytes::new(), outcome: outcome.to_string(), notice: None })
    }

    fn unauthorized(&self) -> Decision {
        self.reply(self.definition.responses.authentication_failed_status, "unauthorized")
    }

    fn rejected(&self, outcome: &str) -> Decision {
        self.reply(self.definition.responses.rejected_status, outcome)
    }

    fn with_incoming<T>(&self, request: &WebhookRequest, f: impl FnOnce(&Incoming<'_>) -> T) -> T {
        let incoming =
            Incoming::new(request, self.body_table.pointers()).with_aliases(&self.definition.request.header_aliases);
        f(&incoming)
    }

    /// Decides what to do with one request. Pure: the same request and clock give the same
    /// decision.
    pub fn process(&self, request: &WebhookRequest, now: SystemTime) -> Decision {
        self.with_incoming(request, |incoming| self.process_incoming(incoming, now, true))
    }

    /// Verify + discriminate + route: the first half of [`Processor::process`], the same code
    /// up to where documents are built. The body of an unbatched JSON request is NOT validated
    /// here (its pointers come from the skip scanner), so an invalid body may be routed;
    /// [`Processor::process`] validates it before it captures anything. For measurements and
    /// tools; never capture on a [`Routing`].
    pub fn route(&self, request: &WebhookRequest, now: SystemTime) -> Routing {
        self.with_incoming(request, |incoming| match self.process_incoming(incoming, now, false) {
            Decision::Reply(reply) => Routing::Reply(reply),
            Decision::Capture { events, .. } => Routing::Events(
                events
                    .into_iter()
                    .map(|e| RoutedEvent { binding: e.binding, event_type: e.event_type, key: e.key })
                    .collect(),
            ),
        })
    }

    /// Why a request fails authentication, or `None` when it passes (for tests and tools:
    /// [`Processor::process`] only answers the failure status).
    pub fn authentication_failure(&self, request: &WebhookRequest, now: SystemTime) -> Option<verify::AuthFailure> {
        self.with_incoming(request, |incoming| {
            let now = timestamp::millis(now);
            if let Err(e) = self.verifier.verify(incoming, now) {
                return Some(e);
            }
            if !self.verifier.checks_items() {
                return None;
            }
            let text = incoming.body_str().ok()?;
            let items = self.events.batch.as_ref()?.split(text).ok()?;
            items.iter().enumerate().find_map(|(i, item)| self.verifier.verify_item(incoming, i, item, now).err())
        })
    }

    /// The signed timestamp of a request (milliseconds since the epoch) with the tolerance it
    /// is checked against, when the authentication has both.
    pub fn signed_timestamp(&self, request: &WebhookRequest) -> Option<(i128, webhook_definition::Tolerance)> {
        self.with_incoming(request, |incoming| self.verifier.request_timestamp(incoming))
    }

    /// Whether the authentication covers the body bytes.
    pub fn authentication_covers_body(&self) -> bool {
        self.verifier.covers_body()
    }

    /// Whether the definition declares no authentication.
    pub fn is_unauthenticated(&self) -> bool {
        self.verifier.is_none()
    }

    /// `documents`: whether to build the events' documents (and validate what they are built
    /// from); `false` stops at the routing decision (see [`Processor::route`]).
    fn process_incoming(&self, incoming: &Incoming<'_>, now: SystemTime, documents: bool) -> Decision {
        let request = incoming.request;
        let method = method_of(&request.method);
        let now_ms = timestamp::millis(now);

        if !self.handshakes.is_empty() {
            // A body that is not JSON simply has no pointer values here.
            let values = incoming.body_values().unwrap_or(&[]);
            let scope = Scope { incoming, values, form: None, raw: &request.body, index: 0 };
            if let Some(h) = self.handshakes.iter().find(|h| h.recognises(method, &scope)) {
                if h.verify_signature && self.verifier.verify(incoming, now_ms).is_err() {
                    return self.unauthorized();
                }
                return match h.answer(&scope) {
                    HandshakeOutcome::Forbidden => self.reply(403, &format!("forbidden:handshake:{}", h.name)),
                    HandshakeOutcome::Answer(reply) => Decision::Reply(reply),
                };
            }
        }

        if !method.is_some_and(|m| self.definition.request.methods.contains(&m)) {
            let mut allowed: Vec<Method> = self.definition.request.methods.clone();
            allowed.extend(self.handshakes.iter().flat_map(|h| h.methods.iter().copied()));
            allowed.sort();
            allowed.dedup();
            let allow = allowed.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(", ");
            return Decision::Reply(Reply {
                status: 405,
                headers: vec![("Allow".to_string(), allow)],
                body: Bytes::new(),
                outcome: "method_not_allowed".to_string(),
                notice: None,
            });
        }

        if self.verifier.verify(incoming, now_ms).is_err() {
            return self.unauthorized();
        }

        let (received_at, headers) = if documents {
            (timestamp::format_rfc3339(now), document::headers_object(request, &self.redaction))
        } else {
            (String::new(), String::new())
        };
        let mut events = Vec::new();

        // GET events carry their fields in the query string, read like a form body.
        let form_pairs: Option<&[(String, String)]> = if method == Some(Method::Get) {
            Some(incoming.query_pairs())
        } else if self.definition.request.body == BodyEncoding::Form {
            Some(incoming.body_form())
        } else {
            None
        };

        if let Some(pairs) = form_pairs {
            let object = serde_json::Value::Object(form::to_json_object(pairs));
            let text = object.to_string();
            let has_meta = pairs.iter().any(|(n, _)| n == "_meta");
            let scope = Scope { incoming, values: &[], form: Some(pairs), raw: text.as_bytes(), index: 0 };
            match self.event(&scope, &text, has_meta, &received_at, &headers, documents) {
                Some(e) => events.push(e),
                None => return self.rejected("rejected:unknown_type"),
            }
            return self.captured(incoming, events, documents);
        }

        let json_text: Cow<str> = match &self.definition.request.body {
            BodyEncoding::FormFieldJson { field } => match form::field(incoming.body_form(), field) {
                Some(v) => Cow::Owned(v.to_string()),
                None => return self.rejected("rejected:unreadable_body"),
            },
            BodyEncoding::JsonOrFormField { field } if is_form_encoded(incoming) => {
                match form::field(incoming.body_form(), field) {
                    Some(v) => Cow::Owned(v.to_string()),
                    None => return self.rejected("rejected:unreadable_body"),
                }
            }
            _ => match incoming.body_str() {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => return self.rejected("rejected:unreadable_body"),
            },
        };

        let items: Vec<&str> = match &self.events.batch {
            None => vec![json_text.as_ref()],
            Some(path) => match path.split(&json_text) {
                Ok(items) => items,
                Err(Shape::NotJson(_)) => return self.rejected("rejected:unreadable_body"),
                // A body without the declared batch shape is kept whole, as one event of
                // unknown type: never dropped; unless items carry the signatures, and then
                // nothing in it is authentic.
                Err(Shape::Mismatch(_)) if self.verifier.checks_items() => return self.unauthorized(),
                Err(Shape::Mismatch(_)) => {
                    return self.unshaped(incoming, &json_text, &received_at, &headers, documents);
                }
            },
        };
        if self.verifier.checks_items() {
            // Every item is checked before anything is captured: one forgery rejects the request.
            if items.is_empty() {
                return self.unauthorized();
            }
            for (index, item) in items.iter().enumerate() {
                if self.verifier.verify_item(incoming, index, item, now_ms).is_err() {
                    return self.unauthorized();
                }
            }
        }

        for (index, item) in items.into_iter().enumerate() {
            let resolved;
            let values: &[_] = if self.events.merged {
                // Routing alone reads the skip scanner's answers; documents need valid JSON.
                let values = if documents { incoming.body_values() } else { incoming.body_values_unvalidated() };
                match values {
                    Ok(v) => v,
                    Err(_) => return self.rejected("rejected:unreadable_body"),
                }
            } else {
                resolved = match json::resolve_many(item, self.events.item_table.pointers()) {
                    Ok(v) => v,
                    Err(_) => return self.rejected("rejected:unreadable_body"),
                };
                &resolved
            };
            let has_meta = values.get(self.events.meta_slot).copied().flatten().is_some() && json::is_object(item);
            let scope = Scope { incoming, values, form: None, raw: item.as_bytes(), index };
            match self.event(&scope, item, has_meta, &received_at, &headers, documents) {
                Some(e) => events.push(e),
                None => return self.rejected("rejected:unknown_type"),
            }
        }
        self.captured(incoming, events, documents)
    }

    /// One event, or `None` when its type is unknown and unknown types are rejected. Without
    /// `documents`, the event's document is left empty.
    fn event(
        &self,
        scope: &Scope<'_, '_>,
        item: &str,
        has_meta: bool,
        received_at: &str,
        headers: &str,
        documents: bool,
    ) -> Option<Event> {
        let event_type = scope.read(&self.events.discriminator).map(Cow::into_owned).unwrap_or_default();
        let binding = match self.vendor.route(&event_type) {
            Some(i) => i,
            None => self.catch_all?,
        };
        let key = match scope.read(&self.events.key) {
            Some(k) if !k.is_empty() => k.into_owned(),
            _ => discriminate::hex_lower(&<sha2::Sha256 as sha2::Digest>::digest(scope.raw)),
        };
        let document = if documents {
            self.redaction.scrub(document::build_event(item, has_meta, &key, received_at, &event_type, headers))
        } else {
            Bytes::new()
        };
        // Routing alone does not name the collection (one allocation less).
        let collection = if documents { self.collections[binding].clone() } else { String::new() };
        Some(Event { binding, collection, event_type, key, document })
    }

    /// A body that lacks the declared batch shape, as one event of unknown type.
    fn unshaped(
        &self,
        incoming: &Incoming<'_>,
        text: &str,
        received_at: &str,
        headers: &str,
        documents: bool,
    ) -> Decision {
        let Some(binding) = self.catch_all else { return self.rejected("rejected:unexpected_shape") };
        let key = discriminate::hex_lower(&<sha2::Sha256 as sha2::Digest>::digest(text.as_bytes()));
        let has_meta = json::is_object(text) && json::members(text, &["_meta"]).is_ok_and(|m| m[0].is_some());
        let meta = document::meta_object(&key, received_at, "", headers);
        let event = Event {
            binding,
            collection: self.collections[binding].clone(),
            event_type: String::new(),
            key,
            document: self.redaction.scrub(document::build(text, has_meta, &meta)),
        };
        self.captured(incoming, vec![event], documents)
    }

    fn captured(&self, incoming: &Incoming<'_>, events: Vec<Event>, documents: bool) -> Decision {
        if !documents {
            // Routing only: the success answer may read the (validated) body; not needed.
            return Decision::Capture { events, success: Reply { status: 0, headers: Vec::new(), body: Bytes::new(), outcome: String::new(), notice: None } };
        }
        let values = incoming.body_values().unwrap_or(&[]);
        let scope = Scope { incoming, values, form: None, raw: &incoming.request.body, index: 0 };
        Decision::Capture { events, success: self.success.render(&scope, "captured".to_string()) }
    }
}

#[cfg(test)]
mod tests {
    /// The serving layer shares one processor between its worker threads.
    #[test]
    fn processor_is_send_and_sync() {
        fn shared<T: Send + Sync>() {}
        shared::<super::Processor>();
    }
}
