//! The request the core sees and the decision it returns.

use bytes::Bytes;

/// An HTTP request as received, before anything is parsed.
#[derive(Debug, Clone)]
pub struct WebhookRequest {
    /// The method, uppercase (`POST`).
    pub method: String,
    /// The path with the query string, as received (`/?hub.mode=subscribe`).
    pub path_and_query: String,
    /// The headers in arrival order; names as received (look them up case-insensitively).
    pub headers: Vec<(String, Bytes)>,
    /// The body, byte for byte, after any `Content-Encoding` was undone.
    pub body: Bytes,
}

/// What to do with a request.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Answer now; nothing is captured (a handshake, or a rejection).
    Reply(Reply),
    /// Commit these events as one transaction, then answer `success`. If the commit fails, the
    /// serving layer answers 503 so the vendor retries.
    Capture {
        /// The events, in request order.
        events: Vec<Event>,
        /// The answer once they are committed.
        success: Reply,
    },
}

/// An HTTP answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Headers to send (`Content-Type` included when there is a body).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
    /// Why: `captured`, `handshake:<name>`, `unauthorized`, `rejected`, … (for metrics and logs).
    pub outcome: String,
    /// Something the user must read in the connector's log (a handshake's revealed value).
    pub notice: Option<String>,
}

/// One event to capture.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The binding (index into `webhook_definition::schemas::collections`).
    pub binding: usize,
    /// The collection's name.
    pub collection: String,
    /// The event type, as the discriminator found it (empty when absent).
    pub event_type: String,
    /// The document key (`/_meta/webhookId`).
    pub key: String,
    /// The document: a JSON object with `_meta` added, as JSON text.
    pub document: Bytes,
}

/// Where a request's events go, decided without building their documents
/// (see `Processor::route`). Never a capture decision: the body may not be validated yet.
#[derive(Debug, Clone, PartialEq)]
pub enum Routing {
    /// The request is answered without events (a handshake, a rejection).
    Reply(Reply),
    /// The events' routes, in request order.
    Events(Vec<RoutedEvent>),
}

/// The routing decision for one event: its binding and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutedEvent {
    /// The binding (index into `webhook_definition::schemas::collections`).
    pub binding: usize,
    /// The event type, as the discriminator found it (empty when absent).
    pub event_type: String,
    /// The document key (`/_meta/webhookId`).
    pub key: String,
}
