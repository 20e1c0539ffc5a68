//! Assertions for the tests generated with every connector (`tests/examples.rs`): each runs a
//! definition's example through the real [`crate::core::Processor`] and panics with
//! the expected and the actual outcome when they differ.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use webhook_definition::{
    Authentication, BodyEncoding, Definition, Example, HeaderAlias, Expectation, SignatureFormat, TokenLocation, UnknownTypeAction,
    ValueSource,
};

use crate::Vendor;
use crate::core::route::{is_pattern, route_by_definition};
use crate::core::verify::parse_signature_header;
use crate::core::{Decision, Processor, WebhookRequest, form, sign};

/// An event type no definition declares, used to check the unknown-type path.
pub const UNKNOWN_EVENT_TYPE: &str = "webhookgen.unknown-event-type";

fn example<'d>(definition: &'d Definition, name: &str) -> &'d Example {
    definition.examples.iter().find(|e| e.name == name).unwrap_or_else(|| {
        let names: Vec<&str> = definition.examples.iter().map(|e| e.name.as_str()).collect();
        panic!("{}: no example named `{name}`; the definition has {names:?}", definition.vendor.id)
    })
}

/// The example's endpoint configuration as JSON.
pub fn example_config(example: &Example) -> serde_json::Value {
    serde_json::Value::Object(example.config.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

/// The example's request.
pub fn example_request(example: &Example) -> WebhookRequest {
    if example.request.body.is_none() && example.request.body_file.is_some() {
        panic!(
            "example `{}` has a `body_file` that was not inlined; generated definitions carry the body itself",
            example.name
        );
    }
    WebhookRequest {
        method: example.request.method.as_str().to_string(),
        path_and_query: example.request.path.clone(),
        headers: example.request.headers.iter().map(|(k, v)| (k.clone(), Bytes::from(v.clone()))).collect(),
        body: Bytes::from(example.request.body.clone().unwrap_or_default()),
    }
}

/// The example's clock (its `now`, or the real clock when it has none).
pub fn example_now(example: &Example) -> SystemTime {
    match example.now {
        Some(s) if s >= 0 => UNIX_EPOCH + Duration::from_secs(s as u64),
        Some(s) => UNIX_EPOCH - Duration::from_secs(s.unsigned_abs()),
        None => SystemTime::now(),
    }
}

fn at_millis(ms: i128) -> SystemTime {
    if ms >= 0 {
        UNIX_EPOCH + Duration::from_millis(ms as u64)
    } else {
        UNIX_EPOCH - Duration::from_millis(ms.unsigned_abs() as u64)
    }
}

fn processor(vendor: &'static dyn Vendor, example: &Example) -> Processor {
    Processor::new(vendor, &example_config(example)).unwrap_or_else(|e| {
        panic!("{}: example `{}`: the connector refuses the example's configuration: {e}", vendor.definition().vendor.id, example.name)
    })
}

/// A decision, described for a failure message.
pub fn describe(decision: &Decision) -> String {
    match decision {
        Decision::Reply(r) => format!(
            "reply {} ({}) with body {:?}",
            r.status,
            r.outcome,
            String::from_utf8_lossy(&r.body)
        ),
        Decision::Capture { events, success } => {
            let docs: Vec<String> = events
                .iter()
                .map(|e| format!("{{collection: {}, event_type: {:?}, key: {:?}}}", e.collection, e.event_type, e.key))
                .collect();
            format!("capture of [{}] answered {}", docs.join(", "), success.status)
        }
    }
}

fn expectation_text(expect: &Expectation) -> String {
    match expect {
        Expectation::Captured { documents } => {
            let docs: Vec<String> = documents
                .iter()
                .map(|d| format!("{{collection: {}, event_type: {:?}, key: {:?}}}", d.collection, d.event_type, d.key))
                .collect();
            format!("capture of [{}]", docs.join(", "))
        }
        Expectation::Rejected { status } => format!("rejection with status {status}"),
        Expectation::Handshake { name, status, body } => {
            format!("handshake `{name}` answered {status}{}", body.as_ref().map(|b| format!(" with body {b:?}")).unwrap_or_default())
        }
    }
}

/// Runs an example and panics unless the outcome is the expected one (collections, event
/// types, keys; statuses; handshake bodies). Captured documents must be JSON objects whose
/// `_meta` carries the key and event type.
pub fn run_example(vendor: &'static dyn Vendor, name: &str) {
    let definition = vendor.definition();
    let example = example(definition, name);
    let processor = processor(vendor, example);
    let request = example_request(example);
    let decision = processor.process(&request, example_now(example));
    let fail = |why: &str| -> ! {
        let auth = processor
            .authentication_failure(&request, example_now(example))
            .map(|f| format!("\n  authentication: {f}"))
            .unwrap_or_default();
        panic!(
            "{}: example `{name}`: {why}\n  expected: {}\n  got:      {}{auth}",
            definition.vendor.id,
            expectation_text(&example.expect),
            describe(&decision)
        )
    };
    match (&example.expect, &decision) {
        (Expectation::Captured { documents }, Decision::Capture { events, .. }) => {
            if documents.len() != events.len() {
                fail("a different number of documents");
            }
            for (want, got) in documents.iter().zip(events) {
                if want.collection != got.collection || want.event_type != got.event_type || want.key != got.key {
                    fail("a document differs");
                }
                let doc: serde_json::Value = serde_json::from_slice(&got.document)
                    .unwrap_or_else(|e| fail(&format!("a document is not JSON ({e})")));
                if doc.pointer("/_meta/webhookId").and_then(|v| v.as_str()) != Some(got.key.as_str())
                    || doc.pointer("/_meta/eventType").and_then(|v| v.as_str()) != Some(got.event_type.as_str())
                {
                    fail("a document's `_meta` does not carry its key and event type");
                }
            }
        }
        (Expectation::Rejected { status }, Decision::Reply(reply)) => {
            if reply.status != *status {
                fail("a different status");
            }
        }
        (Expectation::Handshake { name: hs, status, body }, Decision::Reply(reply)) => {
            if reply.outcome != format!("handshake:{hs}") || reply.status != *status {
                fail("a different answer");
            }
            if let Some(body) = body
                && reply.body.as_ref() != body.as_bytes()
            {
                fail("a different handshake body");
            }
        }
        _ => fail("a different kind of outcome"),
    }
}

/// Whether an example is accepted after authentication (so tampering must make it fail).
fn is_authenticated_acceptance(definition: &Definition, example: &Example) -> bool {
    match &example.expect {
        Expectation::Captured { .. } => true,
        Expectation::Handshake { name, .. } => {
            definition.handshakes.iter().any(|h| h.name == *name && h.verify_signature)
        }
        Expectation::Rejected { .. } => false,
    }
}

/// Changes the character in the middle of `range` of `text` to another character of the same
/// alphabet with a different value (hex either case, base64, base64url, tokens).
fn tamper_text(text: &str, start: usize, len: usize) -> String {
    let at = start + len / 2;
    let mut bytes = text.as_bytes().to_vec();
    bytes[at] = if bytes[at] != b'a' && bytes[at] != b'A' { b'a' } else { b'b' };
    String::from_utf8(bytes).expect("an ASCII substitution keeps UTF-8")
}

/// One copy of the request per credential, each with that credential altered by one character.
fn tampered_credentials(
    auth: &Authentication,
    batch: Option<&str>,
    aliases: &[HeaderAlias],
    config: &serde_json::Value,
    request: &WebhookRequest,
    out: &mut Vec<(String, WebhookRequest)>,
) {
    let mut tamper_header = |name: &str, spans: &dyn Fn(&str) -> Vec<(usize, usize)>, what: &str| {
        let mut copy = request.clone();
        let mut changed = false;
        // The header under its own name and every alias (the core reads an alias when the
        // header is absent).
        let alias_names = aliases.iter().find(|a| a.name.eq_ignore_ascii_case(name)).map(|a| a.aliases.as_slice());
        let names: Vec<&str> =
            std::iter::once(name).chain(alias_names.unwrap_or_default().iter().map(String::as_str)).collect();
        for (n, v) in copy.headers.iter_mut() {
            if !names.iter().any(|name| n.eq_ignore_ascii_case(name)) {
                continue;
            }
            let Ok(text) = std::str::from_utf8(v) else { continue };
            let mut text = text.to_string();
            for (start, len) in spans(&text.clone()) {
                if len > 0 {
                    text = tamper_text(&text, start, len);
                    changed = true;
                }
            }
            *v = Bytes::from(text);
        }
        if changed {
            out.push((what.to_string(), copy));
        }
    };
    let signature_spans = |format: SignatureFormat| {
        move |value: &str| -> Vec<(usize, usize)> {
            parse_signature_header(value, &format)
                .signatures
                .iter()
                .map(|s| (s.as_ptr() as usize - value.as_ptr() as usize, s.len()))
                .collect()
        }
    };
    // A signature carried in a JSON body field: that field's signatures altered.
    let tamper_body_field = |pointer: &str, format: &SignatureFormat, what: &str, out: &mut Vec<(String, WebhookRequest)>| {
        let Ok(mut body) = serde_json::from_slice::<serde_json::Value>(&request.body) else { return };
        let Some(serde_json::Value::String(text)) = body.pointer(pointer).cloned() else { return };
        let mut tampered = text.clone();
        for (start, len) in signature_spans(format.clone())(&text) {
            if len > 0 {
                tampered = tamper_text(&tampered, start, len);
            }
        }
        if tampered == text {
            return;
        }
        *body.pointer_mut(pointer).expect("read above") = serde_json::Value::String(tampered);
        let mut copy = request.clone();
        copy.body = Bytes::from(serde_json::to_vec(&body).expect("a JSON value serializes"));
        out.push((what.to_string(), copy));
    };
    // A per-item signature: the first item's signature, and each field of it that is signed,
    // altered one at a time (any signed byte changed must fail the whole request).
    let tamper_item = |h: &webhook_definition::HmacCheck, out: &mut Vec<(String, WebhookRequest)>| {
        let (Some(batch), Some(signature)) = (batch, h.signature.body_pointer.as_deref()) else { return };
        let Ok(body) = serde_json::from_slice::<serde_json::Value>(&request.body) else { return };
        let fields = webhook_definition::template::parse(&h.signed_message).unwrap_or_default();
        let signed = fields.iter().filter_map(|p| match p {
            webhook_definition::template::Part::BodyPointer(pointer) => Some(pointer.as_str()),
            _ => None,
        });
        for (what, pointer) in std::iter::once(("the item's signature".to_string(), signature))
            .chain(signed.map(|p| (format!("the signed item field `{p}`"), p)))
        {
            let mut copy = body.clone();
            let Some(item) = crate::core::batch::items_mut(&mut copy, batch).into_iter().next() else { return };
            let Some(serde_json::Value::String(text)) = item.pointer_mut(pointer) else { continue };
            if text.is_empty() {
                continue;
            }
            *text = tamper_text(text, 0, text.len());
            let mut tampered = request.clone();
            tampered.body = Bytes::from(serde_json::to_vec(&copy).expect("a JSON value serializes"));
            out.push((what, tampered));
        }
    };
    match auth {
        Authentication::None(_) => {}
        Authentication::Hmac(h) if h.scope == webhook_definition::SignatureScope::BatchItem => tamper_item(h, out),
        Authentication::Hmac(h) => match &h.signature.body_pointer {
            Some(pointer) => tamper_body_field(pointer, &h.signature.format, "the HMAC signature in the body", out),
            None => tamper_header(&h.signature.header, &signature_spans(h.signature.format.clone()), "the HMAC signature"),
        },
        Authentication::Ed25519(p) | Authentication::EcdsaP256(p) => match &p.signature.body_pointer {
            Some(pointer) => tamper_body_field(pointer, &p.signature.format, "the signature in the body", out),
            None => tamper_header(&p.signature.header, &signature_spans(p.signature.format.clone()), "the signature"),
        },
        Authentication::StaticToken(t) => match &t.location {
            TokenLocation::Header { name, prefix, name_config_field } => {
                let prefix = prefix.clone();
                // The header the example's configuration names, when it names one.
                let name = name_config_field
                    .as_deref()
                    .and_then(|f| config.get(f))
                    .and_then(|v| v.as_str().or_else(|| v.get(0).and_then(serde_json::Value::as_str)))
                    .map_or(name.as_str(), str::trim);
                tamper_header(
                    name,
                    &move |v: &str| if v.starts_with(&prefix) { vec![(prefix.len(), v.len() - prefix.len())] } else { vec![] },
                    "the token",
                )
            }
            TokenLocation::QueryParameter { name } => {
                let mut copy = request.clone();
                let pairs = form::parse(copy.path_and_query.split_once('?').map(|(_, q)| q).unwrap_or("").as_bytes());
                if let Some(token) = form::field(&pairs, name) {
                    let tampered = tamper_text(token, 0, token.len());
                    let path = copy.path_and_query.split('?').next().unwrap_or("/").to_string();
                    let query: Vec<String> = pairs
                        .iter()
                        .map(|(k, v)| format!("{}={}", sign::percent_encode(k), sign::percent_encode(if k == name { &tampered } else { v })))
                        .collect();
                    copy.path_and_query = format!("{path}?{}", query.join("&"));
                    out.push(("the token".to_string(), copy));
                }
            }
        },
        // Body tampering (the digest covers the body) is the test; the digest itself is a
        // value of the signed URL, altered with it by the URL check's own tampering.
        Authentication::BodyDigest(_) => {}
        Authentication::BodyToken(t) => {
            // The first token in the body altered: one foreign item must fail the whole body.
            let Ok(mut body) = serde_json::from_slice::<serde_json::Value>(&request.body) else { return };
            let Ok(segments) = webhook_definition::pointer::parse(&t.pointer, true) else { return };
            if tamper_first_string(&mut body, &segments) {
                let mut copy = request.clone();
                copy.body = Bytes::from(serde_json::to_vec(&body).expect("a JSON value serializes"));
                out.push(("the body token".to_string(), copy));
            }
        }
        Authentication::Basic(_) => tamper_header(
            "authorization",
            &|v: &str| match v.find(' ') {
                Some(i) => vec![(i + 1, v.len() - i - 1)],
                None => vec![],
            },
            "the basic credentials",
        ),
        Authentication::AllOf(all) => all.checks.iter().for_each(|c| tampered_credentials(c, batch, aliases, config, request, out)),
        Authentication::AnyOf(any) => {
            // Every alternative must fail: one copy with each alternative's credential altered.
            let mut copy = request.clone();
            let mut whats = Vec::new();
            for c in &any.checks {
                let mut one = Vec::new();
                tampered_credentials(c, batch, aliases, config, &copy, &mut one);
                if let Some((what, tampered)) = one.into_iter().next() {
                    whats.push(what);
                    copy = tampered;
                }
            }
            if !whats.is_empty() {
                out.push((whats.join(" and "), copy));
            }
        }
    }
}

/// Changes one character of the first string the pointer names; false when there is none.
fn tamper_first_string(value: &mut serde_json::Value, segments: &[webhook_definition::pointer::Segment]) -> bool {
    use webhook_definition::pointer::Segment;
    let Some((first, rest)) = segments.split_first() else {
        let serde_json::Value::String(text) = value else { return false };
        if text.is_empty() {
            return false;
        }
        *text = tamper_text(text, 0, text.len());
        return true;
    };
    match (first, value) {
        (Segment::Wildcard, serde_json::Value::Array(items)) => items.iter_mut().any(|i| tamper_first_string(i, rest)),
        (Segment::Key(key), serde_json::Value::Object(map)) => map.get_mut(key).is_some_and(|next| tamper_first_string(next, rest)),
        _ => false,
    }
}

fn assert_unauthorized(definition: &Definition, name: &str, what: &str, decision: &Decision) {
    let status = definition.responses.authentication_failed_status;
    match decision {
        Decision::Reply(r) if r.status == status && r.outcome == "unauthorized" => {}
        other => panic!(
            "{}: example `{name}` with {what}: expected rejection with status {status}\n  got: {}",
            definition.vendor.id,
            describe(other)
        ),
    }
}

/// For an accepted example of an authenticated vendor: one byte of the body changed (when
/// the authentication covers the body), and separately one character of each credential,
/// must each be rejected with `responses.authentication_failed_status`.
pub fn run_tampered(vendor: &'static dyn Vendor, name: &str) {
    let definition = vendor.definition();
    let example = example(definition, name);
    let processor = processor(vendor, example);
    if processor.is_unauthenticated() {
        println!("{name}: skipped: the definition declares no authentication");
        return;
    }
    if !is_authenticated_acceptance(definition, example) {
        println!("{name}: skipped: the example is not an authenticated acceptance");
        return;
    }
    let request = example_request(example);
    let now = example_now(example);
    if processor.authentication_covers_body() && !request.body.is_empty() {
        let mut copy = request.clone();
        let mut body = copy.body.to_vec();
        let middle = body.len() / 2;
        body[middle] ^= 0x01;
        copy.body = Bytes::from(body);
        assert_unauthorized(definition, name, &format!("body byte {middle} changed"), &processor.process(&copy, now));
    } else {
        println!("{name}: body tampering skipped: the authentication does not cover the body");
    }
    let mut tampered = Vec::new();
    tampered_credentials(
        &definition.authentication,
        definition.events.batch.as_ref().map(|b| b.items.as_str()),
        &definition.request.header_aliases,
        &example_config(example),
        &request,
        &mut tampered,
    );
    if tampered.is_empty() {
        panic!("{}: example `{name}` carries no credential to tamper with", definition.vendor.id);
    }
    for (what, copy) in tampered {
        assert_unauthorized(definition, name, &format!("{what} changed"), &processor.process(&copy, now));
    }
}

/// For an accepted example whose authentication has a timestamp tolerance: the clock moved
/// to 2 s past the tolerance must reject it (and, with `future_seconds`, 2 s before the future
/// tolerance too), while 2 s inside each bound it is still authentic.
pub fn run_stale(vendor: &'static dyn Vendor, name: &str) {
    let definition = vendor.definition();
    let example = example(definition, name);
    let processor = processor(vendor, example);
    if !is_authenticated_acceptance(definition, example) {
        println!("{name}: skipped: the example is not an authenticated acceptance");
        return;
    }
    let request = example_request(example);
    let Some((ts, tolerance)) = processor.signed_timestamp(&request) else {
        println!("{name}: skipped: the authentication has no timestamp tolerance");
        return;
    };
    let past = i128::from(tolerance.past_seconds) * 1000;
    let mut bounds = vec![(ts + past + 2000, ts + past - 2000, "stale")];
    if let Some(future) = tolerance.future_seconds {
        let future = i128::from(future) * 1000;
        bounds.push((ts - future - 2000, ts - future + 2000, "from the future"));
    }
    for (outside, inside, what) in bounds {
        assert_unauthorized(
            definition,
            name,
            &format!("a {what} timestamp (clock at {outside} ms)"),
            &processor.process(&request, at_millis(outside)),
        );
        if let Some(failure) = processor.authentication_failure(&request, at_millis(inside)) {
            panic!(
                "{}: example `{name}`: 2 s inside the tolerance (clock at {inside} ms) the request must stay authentic, but: {failure}",
                definition.vendor.id
            );
        }
    }
}

/// Sets a JSON pointer's string value in `value`; false when the parent is absent.
fn set_pointer(value: &mut serde_json::Value, pointer: &str, to: &str) -> bool {
    match value.pointer_mut(pointer) {
        Some(target) => {
            *target = serde_json::Value::String(to.to_string());
            true
        }
        None => false,
    }
}


/// Replaces the discriminator's value in a request; `Err` says why it cannot be done.
fn replace_discriminator(definition: &Definition, source: &ValueSource, request: &mut WebhookRequest) -> Result<(), String> {
    match source {
        ValueSource::Header { name } => {
            // The header under its name, else under the first alias the request has (the one
            // the core reads).
            let has = |n: &str| request.headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(n));
            let present = std::iter::once(name)
                .chain(definition.request.aliases_of(name))
                .find(|n| has(n))
                .ok_or_else(|| format!("the request has no `{name}` header"))?
                .clone();
            sign::set_header(request, &present, UNKNOWN_EVENT_TYPE.to_string());
            Ok(())
        }
        ValueSource::BodyPointer { pointer } => {
            let set_json = |text: &str| -> Result<String, String> {
                let mut value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("the body is not JSON ({e})"))?;
                let changed = match &definition.events.batch {
                    None => set_pointer(&mut value, pointer, UNKNOWN_EVENT_TYPE),
                    Some(batch) => {
                        let items = crate::core::batch::items_mut(&mut value, &batch.items);
                        let n = items.len();
                        items.into_iter().filter_map(|item| set_pointer(item, pointer, UNKNOWN_EVENT_TYPE).then_some(())).count() == n && n > 0
                    }
                };
                if !changed {
                    return Err(format!("the body has no `{pointer}` in every event"));
                }
                Ok(value.to_string())
            };
            let form_encoded = request.headers.iter().any(|(n, v)| {
                n.eq_ignore_ascii_case("content-type") && v.starts_with(b"application/x-www-form-urlencoded")
            });
            let json_field = match &definition.request.body {
                BodyEncoding::FormFieldJson { field } => Some(field),
                BodyEncoding::JsonOrFormField { field } if form_encoded => Some(field),
                _ => None,
            };
            match (&definition.request.body, json_field) {
                (BodyEncoding::Form, _) => replace_form_field(request, pointer.trim_start_matches('/')),
                (_, None) => {
                    let text = std::str::from_utf8(&request.body).map_err(|_| "the body is not UTF-8".to_string())?;
                    request.body = Bytes::from(set_json(text)?);
                    Ok(())
                }
                (_, Some(field)) => {
                    let pairs = form::parse(&request.body);
                    let json = form::field(&pairs, field).ok_or_else(|| format!("the form has no `{field}`"))?;
                    let replaced = set_json(json)?;
                    let body: Vec<String> = pairs
                        .iter()
                        .map(|(k, v)| format!("{}={}", sign::percent_encode(k), sign::percent_encode(if k == field { &replaced } else { v })))
                        .collect();
                    request.body = Bytes::from(body.join("&"));
                    Ok(())
                }
            }
        }
        ValueSource::FormField { name } => replace_form_field(request, name),
        ValueSource::QueryParameter { name } => {
            let (path, query) = request.path_and_query.split_once('?').ok_or("the request has no query string")?;
            let pairs = form::parse(query.as_bytes());
            if form::field(&pairs, name).is_none() {
                return Err(format!("the query has no `{name}`"));
            }
            let query: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{}={}", sign::percent_encode(k), sign::percent_encode(if k == name { UNKNOWN_EVENT_TYPE } else { v })))
                .collect();
            request.path_and_query = format!("{path}?{}", query.join("&"));
            Ok(())
        }
        ValueSource::PathSegment { index } => {
            let (path, query) = match request.path_and_query.split_once('?') {
                Some((p, q)) => (p.to_string(), format!("?{q}")),
                None => (request.path_and_query.clone(), String::new()),
            };
            let mut segments: Vec<String> = path.trim_start_matches('/').split('/').map(str::to_string).collect();
            let slot = segments.get_mut(*index as usize).ok_or("the path has no such segment")?;
            *slot = UNKNOWN_EVENT_TYPE.to_string();
            request.path_and_query = format!("/{}{query}", segments.join("/"));
            Ok(())
        }
        ValueSource::Composite { parts, .. } | ValueSource::FirstOf { sources: parts } => {
            let mut reasons = Vec::new();
            for part in parts {
                match replace_discriminator(definition, part, request) {
                    Ok(()) => return Ok(()),
                    Err(why) => reasons.push(why),
                }
            }
            Err(reasons.join("; "))
        }
        ValueSource::Constant { .. } => Err("the discriminator is a constant".to_string()),
        ValueSource::PresentMember { .. } => Err("the discriminator names a member, not a value to replace".to_string()),
        ValueSource::ContentHash { .. } | ValueSource::BatchIndex => Err("the discriminator is not a value".to_string()),
    }
}

fn replace_form_field(request: &mut WebhookRequest, name: &str) -> Result<(), String> {
    let get = request.method == "GET";
    let text = if get {
        request.path_and_query.split_once('?').map(|(_, q)| q.to_string()).unwrap_or_default()
    } else {
        String::from_utf8_lossy(&request.body).into_owned()
    };
    let pairs = form::parse(text.as_bytes());
    if form::field(&pairs, name).is_none() {
        return Err(format!("the form has no `{name}`"));
    }
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", sign::percent_encode(k), sign::percent_encode(if k == name { UNKNOWN_EVENT_TYPE } else { v })))
        .collect();
    if get {
        let path = request.path_and_query.split('?').next().unwrap_or("/").to_string();
        request.path_and_query = format!("{path}?{}", encoded.join("&"));
    } else {
        request.body = Bytes::from(encoded.join("&"));
    }
    Ok(())
}

/// A copy of a captured example with its discriminator replaced by an unknown value, re-signed
/// with the example's configuration, must go to the catch-all collection (or be rejected with
/// `responses.rejected_status` when the definition rejects unknown types). Skips, saying why,
/// where the request cannot be re-signed (public-key schemes) or the value cannot be replaced.
pub fn run_unknown_type(vendor: &'static dyn Vendor, name: &str) {
    let definition = vendor.definition();
    let example = example(definition, name);
    if !matches!(example.expect, Expectation::Captured { .. }) {
        println!("{name}: skipped: the example is not a capture");
        return;
    }
    let processor = processor(vendor, example);
    let mut request = example_request(example);
    if let Err(why) = replace_discriminator(definition, &definition.events.discriminator, &mut request) {
        println!("{name}: skipped: cannot replace the event type: {why}");
        return;
    }
    let now = example_now(example);
    if let Err(why) = sign::sign(definition, &example_config(example), &mut request, now) {
        println!("{name}: skipped: {why}");
        return;
    }
    let decision = processor.process(&request, now);
    let id = &definition.vendor.id;
    match definition.events.unknown_types.action {
        UnknownTypeAction::Reject => match &decision {
            Decision::Reply(r) if r.status == definition.responses.rejected_status => {}
            other => panic!(
                "{id}: example `{name}` with an unknown event type: expected rejection with status {}\n  got: {}",
                definition.responses.rejected_status,
                describe(other)
            ),
        },
        UnknownTypeAction::Capture => {
            let catch_all = &definition.events.unknown_types.collection;
            match &decision {
                Decision::Capture { events, .. } if !events.is_empty() => {
                    for event in events {
                        if route_by_definition(definition, &event.event_type).is_some() {
                            println!("{name}: skipped: `{}` matches a declared pattern", event.event_type);
                            return;
                        }
                        if &event.collection != catch_all || event.binding != definition.events.types.len() {
                            panic!(
                                "{id}: example `{name}` with an unknown event type: expected every document in `{catch_all}`\n  got: {}",
                                describe(&decision)
                            );
                        }
                    }
                }
                other => panic!(
                    "{id}: example `{name}` with an unknown event type: expected capture into `{catch_all}`\n  got: {}",
                    describe(other)
                ),
            }
        }
    }
}

/// Asserts the connector's generated router agrees with [`route_by_definition`] for every
/// declared value, an instance of every pattern, and an unknown value.
pub fn check_router(vendor: &'static dyn Vendor) {
    let definition = vendor.definition();
    let mut values: Vec<String> = vec![UNKNOWN_EVENT_TYPE.to_string(), String::new()];
    for t in &definition.events.types {
        for v in &t.values {
            values.push(v.clone());
            if is_pattern(v) {
                values.push(v.replace('*', "x"));
                values.push(v.replace('*', ""));
            }
        }
    }
    for value in values {
        let (got, want) = (vendor.route(&value), route_by_definition(definition, &value));
        if got != want {
            let name = |i: Option<usize>| i.map(|i| definition.events.types[i].collection.clone()).unwrap_or_else(|| "(unknown)".into());
            panic!(
                "{}: the generated router sends {value:?} to {} (index {got:?}); the definition says {} (index {want:?})",
                definition.vendor.id,
                name(got),
                name(want)
            );
        }
    }
}

/// A vendor built at run time from a definition value (tests, `webhookgen try`): it routes
/// with [`route_by_definition`]. The definition is leaked, as it lives as long as the process.
pub fn leak_vendor(definition: Definition) -> &'static dyn Vendor {
    struct DefinitionVendor(&'static Definition);
    impl Vendor for DefinitionVendor {
        fn definition(&self) -> &'static Definition {
            self.0
        }
        fn route(&self, event_type: &str) -> Option<usize> {
            route_by_definition(self.0, event_type)
        }
    }
    Box::leak(Box::new(DefinitionVendor(Box::leak(Box::new(definition)))))
}
