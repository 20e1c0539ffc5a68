//! Where a request's events go: Flow (a capture transaction, acknowledged by the runtime) or the
//! standalone store (a SQLite group commit). Either way the vendor is answered only afterwards.

use bytes::Bytes;

use crate::core::Event;
use crate::flow::{FlowError, FlowSink};
use crate::store::{Store, StoreError};

/// What committing a request's events did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommitReport {
    /// The bindings of the events committed, in request order.
    pub committed: Vec<usize>,
    /// Events already stored, left as they were (standalone redeliveries).
    pub duplicates: usize,
    /// Events not captured because their collection is not bound (Flow: the user disabled it).
    pub discarded: usize,
}

/// Why events could not be committed. Always answered 503 so the vendor retries.
#[derive(Debug)]
pub enum SinkError {
    /// The store failed.
    Store(StoreError),
    /// Flow did not acknowledge the transaction.
    Flow(FlowError),
}

impl std::fmt::Display for SinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SinkError::Store(e) => e.fmt(f),
            SinkError::Flow(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for SinkError {}

/// The sink of a running connector.
#[derive(Debug, Clone)]
pub enum Sink {
    /// Flow mode.
    Flow(FlowSink),
    /// Standalone mode.
    Store(Store),
}

impl Sink {
    /// Commits a request's events as one transaction; resolves once they are durable.
    pub async fn commit(&self, mut events: Vec<Event>) -> Result<CommitReport, SinkError> {
        for event in &mut events {
            event.document = one_line(std::mem::take(&mut event.document));
        }
        match self {
            Sink::Flow(flow) => flow.commit(events).await.map_err(SinkError::Flow),
            Sink::Store(store) => store
                .commit(events)
                .await
                .map(|r| CommitReport { committed: r.stored_bindings, duplicates: r.duplicates, discarded: 0 })
                .map_err(SinkError::Store),
        }
    }

    /// Whether the sink can commit now (for `/healthz`).
    pub fn is_ready(&self) -> bool {
        match self {
            Sink::Flow(flow) => flow.is_ready(),
            Sink::Store(store) => store.is_ready(),
        }
    }
}

/// A JSON document on one line. In valid JSON, CR and LF occur only as insignificant whitespace
/// (inside strings they must be escaped), so replacing them with spaces keeps the document equal
/// while making it safe for line-framed output (Flow's stdout, `export`).
pub fn one_line(document: Bytes) -> Bytes {
    // `<[u8]>::contains` is memchr-backed: the common case (no newline) is a fast scan.
    if !document.contains(&b'\n') && !document.contains(&b'\r') {
        return document;
    }
    let mut owned = document.to_vec();
    for b in &mut owned {
        if *b == b'\n' || *b == b'\r' {
            *b = b' ';
        }
    }
    Bytes::from(owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_keeps_json_equal() {
        let pretty = Bytes::from_static(b"{\r\n  \"a\": \"x\\ny\",\n  \"b\": [1,\n 2]\n}");
        let flat = one_line(pretty.clone());
        assert!(!flat.contains(&b'\n') && !flat.contains(&b'\r'));
        let a: serde_json::Value = serde_json::from_slice(&pretty).unwrap();
        let b: serde_json::Value = serde_json::from_slice(&flat).unwrap();
        assert_eq!(a, b);
    }
}
