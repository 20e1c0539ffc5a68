//! A read-only view of one request, with lazily parsed parts (query, form body, JSON members)
//! so each is parsed at most once, and only when something asks for it.

use std::cell::OnceCell;

use webhook_definition::HeaderAlias;

use super::form;
use super::json::{self, NotJson};
use super::request::WebhookRequest;
use super::scan;

/// A request being processed.
pub(crate) struct Incoming<'r> {
    /// The request.
    pub request: &'r WebhookRequest,
    /// The path without the query string.
    pub path: &'r str,
    /// The query string without `?` (empty when absent).
    pub query: &'r str,
    /// The JSON pointers the whole-body table resolves (see `Processor`).
    body_pointers: &'r [Vec<String>],
    /// The definition's header aliases: read when a header is absent.
    aliases: &'r [HeaderAlias],
    query_pairs: OnceCell<Vec<(String, String)>>,
    body_form: OnceCell<Vec<(String, String)>>,
    body_values: OnceCell<Result<Vec<Option<&'r str>>, NotJson>>,
    body_json: OnceCell<Result<(), NotJson>>,
    body_text: OnceCell<Result<&'r str, NotJson>>,
}

impl<'r> Incoming<'r> {
    pub fn new(request: &'r WebhookRequest, body_pointers: &'r [Vec<String>]) -> Self {
        let (path, query) = match request.path_and_query.split_once('?') {
            Some((p, q)) => (p, q),
            None => (request.path_and_query.as_str(), ""),
        };
        Incoming {
            request,
            path,
            query,
            body_pointers,
            aliases: &[],
            query_pairs: OnceCell::new(),
            body_form: OnceCell::new(),
            body_values: OnceCell::new(),
            body_json: OnceCell::new(),
            body_text: OnceCell::new(),
        }
    }

    /// The same view, reading `aliases` for headers the request lacks.
    pub fn with_aliases(mut self, aliases: &'r [HeaderAlias]) -> Self {
        self.aliases = aliases;
        self
    }

    /// A view of one batch item: the same request line and headers, with `item` as the body
    /// and `pointers` as its pointer table (per-item signatures read fields of the item).
    pub fn item_view<'i>(&'i self, item: &'i str, pointers: &'i [Vec<String>]) -> Incoming<'i> {
        let view = Incoming::new(self.request, pointers).with_aliases(self.aliases);
        let _ = view.body_text.set(Ok(item));
        view
    }

    fn has_header(&self, name: &str) -> bool {
        self.request.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// The name a header is read under: `name` when the request has it, else its first alias
    /// the request has (else `name`). Only a missing header costs the alias lookup.
    fn present_name<'s>(&'s self, name: &'s str) -> &'s str {
        if self.aliases.is_empty() || self.has_header(name) {
            return name;
        }
        self.aliases
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .and_then(|a| a.aliases.iter().find(|alias| self.has_header(alias)))
            .map_or(name, String::as_str)
    }

    /// The first value of a header (names compared case-insensitively; an alias when absent).
    pub fn header(&self, name: &str) -> Option<&'r [u8]> {
        let found = self.request.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_ref());
        if found.is_some() || self.aliases.is_empty() {
            return found;
        }
        let name = self.present_name(name);
        self.request.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_ref())
    }

    /// Every value of a header (or of its first present alias), in arrival order.
    pub fn header_values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'r [u8]> + 's {
        let name = self.present_name(name);
        self.request.headers.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_ref())
    }

    /// The first value of a header as text (`None` when absent or not UTF-8).
    pub fn header_str(&self, name: &str) -> Option<&'r str> {
        self.header(name).and_then(|v| std::str::from_utf8(v).ok())
    }

    /// The decoded query parameters.
    pub fn query_pairs(&self) -> &[(String, String)] {
        self.query_pairs.get_or_init(|| form::parse(self.query.as_bytes()))
    }

    /// The body read as a form.
    pub fn body_form(&self) -> &[(String, String)] {
        self.body_form.get_or_init(|| form::parse(&self.request.body))
    }

    /// The body as text, when it is UTF-8.
    pub fn body_str(&self) -> Result<&'r str, NotJson> {
        let request: &'r WebhookRequest = self.request;
        self.body_text
            .get_or_init(|| std::str::from_utf8(&request.body).map_err(|e| NotJson(format!("the body is not UTF-8 ({e})"))))
            .clone()
    }

    /// The whole-body pointer table: every pointer the processor reads from the whole body.
    /// Errors when the body is not JSON (validated once, see [`Incoming::body_json`]).
    pub fn body_values(&self) -> Result<&[Option<&'r str>], &NotJson> {
        if self.body_pointers.is_empty() {
            return Ok(&[]);
        }
        if self.body_values.get().is_none() && self.body_json.get().is_none() {
            // Nothing read yet: one validating pass checks the body and finds the pointers
            // (the scanner's answers are the same on valid JSON; a property test holds them).
            match self.body_str().and_then(|text| json::resolve_many(text, self.body_pointers)) {
                Ok(values) => {
                    let _ = self.body_json.set(Ok(()));
                    let _ = self.body_values.set(Ok(values));
                }
                Err(e) => {
                    let _ = self.body_json.set(Err(e));
                }
            }
        }
        self.body_json()?;
        self.body_values_unvalidated()
    }

    /// The whole-body pointer table found by the skip scanner, WITHOUT validating the body:
    /// for routing decisions only. Anything captured or answered from the body goes through
    /// [`Incoming::body_values`]. Errors when the body is not UTF-8.
    pub fn body_values_unvalidated(&self) -> Result<&[Option<&'r str>], &NotJson> {
        self.body_values
            .get_or_init(|| {
                if self.body_pointers.is_empty() {
                    return Ok(Vec::new());
                }
                Ok(scan::resolve_unvalidated(self.body_str()?, self.body_pointers))
            })
            .as_ref()
            .map(Vec::as_slice)
    }

    /// Whether the body is one JSON value (one validating pass, at most once per request).
    pub fn body_json(&self) -> Result<(), &NotJson> {
        self.body_json.get_or_init(|| json::validate(self.body_str()?)).as_ref().map(|_| ())
    }

    /// A path segment, counted from 0 after the leading `/`.
    pub fn path_segment(&self, index: usize) -> Option<&'r str> {
        self.path.strip_prefix('/').unwrap_or(self.path).split('/').nth(index).filter(|s| !s.is_empty())
    }
}
