//! Flow-mode commits: one HTTP request is one transaction (its `captured` lines, then one
//! `checkpoint`), written by a single writer so transactions never interleave, and resolved
//! only when the runtime acknowledges its checkpoint.
//!
//! The writer queues each transaction's completion in a FIFO *before* flushing its checkpoint
//! (the runtime cannot acknowledge what it has not read), and `acknowledge {checkpoints: n}`
//! completes the n oldest. Transactions that queue up while stdout is busy are written
//! back to back and flushed once: the runtime is free to commit them together.

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use tokio::sync::oneshot;

use crate::core::Event;
use crate::sink::CommitReport;

/// The checkpoint written after each transaction's documents: an empty merge patch, which
/// leaves the connector's (empty) state as it is.
const CHECKPOINT: &[u8] = b"{\"checkpoint\":{\"state\":{\"updated\":{},\"mergePatch\":true}}}\n";

/// Why a Flow transaction was not acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowError {
    /// stdout failed; nothing more can be captured.
    OutputFailed(String),
    /// The runtime went away (stdin closed) or the connector is stopping before the
    /// acknowledgement arrived.
    NotAcknowledged,
}

impl std::fmt::Display for FlowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FlowError::OutputFailed(e) => write!(f, "writing to the Flow runtime failed: {e}"),
            FlowError::NotAcknowledged => write!(f, "the Flow runtime did not acknowledge the transaction"),
        }
    }
}

impl std::error::Error for FlowError {}

/// An acknowledgement that does not match the checkpoints written: a protocol violation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckError {
    /// Checkpoints acknowledged.
    pub acknowledged: u64,
    /// Checkpoints pending at that moment.
    pub pending: usize,
}

impl std::fmt::Display for AckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.acknowledged == 0 {
            write!(f, "acknowledge with checkpoints: 0 is invalid")
        } else {
            write!(f, "acknowledged {} checkpoints but only {} are pending", self.acknowledged, self.pending)
        }
    }
}

impl std::error::Error for AckError {}

struct Transaction {
    lines: Vec<u8>,
    done: oneshot::Sender<()>,
}

struct Shared {
    pending: Mutex<VecDeque<oneshot::Sender<()>>>,
    broken: AtomicBool,
}

/// The Flow sink: hands transactions to the writer thread and waits for their acknowledgement.
#[derive(Clone)]
pub struct FlowSink {
    transactions: mpsc::Sender<Transaction>,
    shared: Arc<Shared>,
    /// Collection name → index in `open.capture.bindings`.
    bindings: Arc<HashMap<String, usize>>,
}

impl std::fmt::Debug for FlowSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlowSink").field("bindings", &self.bindings).finish()
    }
}

/// The reading side: applies acknowledgements, and fails what is pending when the runtime goes.
#[derive(Clone)]
pub struct Acknowledger {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Acknowledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Acknowledger").finish()
    }
}

impl Acknowledger {
    /// Completes the `n` oldest pending transactions.
    pub fn acknowledge(&self, n: u64) -> Result<(), AckError> {
        let mut pending = self.shared.pending.lock().unwrap_or_else(|e| e.into_inner());
        if n == 0 || n > pending.len() as u64 {
            return Err(AckError { acknowledged: n, pending: pending.len() });
        }
        for done in pending.drain(..n as usize) {
            let _ = done.send(());
        }
        Ok(())
    }

    /// Fails every pending transaction (their requests are answered 503) and every later one.
    pub fn abandon(&self) {
        self.shared.broken.store(true, Ordering::Release);
        self.shared.pending.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// How many transactions wait for an acknowledgement.
    pub fn pending(&self) -> usize {
        self.shared.pending.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// Starts the writer thread on `output`. `bindings` maps each bound collection to its index in
/// `open.capture.bindings`.
pub fn start(output: Box<dyn Write + Send>, bindings: HashMap<String, usize>) -> (FlowSink, Acknowledger) {
    let shared = Arc::new(Shared { pending: Mutex::new(VecDeque::new()), broken: AtomicBool::new(false) });
    let (transactions, queue) = mpsc::channel::<Transaction>();
    let writer_shared = shared.clone();
    std::thread::Builder::new()
        .name("flow-writer".into())
        .spawn(move || write_loop(output, queue, &writer_shared))
        .expect("spawning the Flow writer thread");
    (FlowSink { transactions, shared: shared.clone(), bindings: Arc::new(bindings) }, Acknowledger { shared })
}

fn write_loop(output: Box<dyn Write + Send>, queue: mpsc::Receiver<Transaction>, shared: &Shared) {
    let mut out = std::io::BufWriter::with_capacity(256 * 1024, output);
    while let Ok(first) = queue.recv() {
        let mut next = Some(first);
        let mut result = Ok(());
        while let Some(txn) = next.take() {
            if shared.broken.load(Ordering::Acquire) {
                break; // dropping `done` fails the request
            }
            result = out.write_all(&txn.lines);
            if result.is_err() {
                break;
            }
            shared.pending.lock().unwrap_or_else(|e| e.into_inner()).push_back(txn.done);
            next = queue.try_recv().ok();
        }
        if let Err(e) = result.and_then(|()| out.flush()) {
            tracing::error!(error = %e, "writing to the Flow runtime failed; no more requests can be captured");
            shared.broken.store(true, Ordering::Release);
            shared.pending.lock().unwrap_or_else(|e| e.into_inner()).clear();
            return;
        }
    }
}

impl FlowSink {
    /// Whether transactions can still be written.
    pub fn is_ready(&self) -> bool {
        !self.shared.broken.load(Ordering::Acquire)
    }

    /// Writes `events` as one transaction and waits for its acknowledgement. Events of
    /// collections without a binding (disabled by the user) are not captured.
    pub async fn commit(&self, events: Vec<Event>) -> Result<CommitReport, FlowError> {
        if !self.is_ready() {
            return Err(FlowError::NotAcknowledged);
        }
        let mut report = CommitReport::default();
        let mut lines =
            Vec::with_capacity(events.iter().map(|e| e.document.len() + 40).sum::<usize>() + CHECKPOINT.len());
        for event in &events {
            let Some(&binding) = self.bindings.get(&event.collection) else {
                report.discarded += 1;
                continue;
            };
            lines.extend_from_slice(b"{\"captured\":{\"binding\":");
            lines.extend_from_slice(binding.to_string().as_bytes());
            lines.extend_from_slice(b",\"doc\":");
            lines.extend_from_slice(&event.document);
            lines.extend_from_slice(b"}}\n");
            report.committed.push(event.binding);
        }
        if report.committed.is_empty() {
            return Ok(report); // nothing to capture: no transaction
        }
        lines.extend_from_slice(CHECKPOINT);
        let (done, acknowledged) = oneshot::channel();
        self.transactions
            .send(Transaction { lines, done })
            .map_err(|_| FlowError::OutputFailed("the writer has stopped".into()))?;
        acknowledged.await.map_err(|_| FlowError::NotAcknowledged)?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use std::time::Duration;

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn event(collection: &str, binding: usize, id: &str) -> Event {
        Event {
            binding,
            collection: collection.into(),
            event_type: "t".into(),
            key: id.into(),
            document: Bytes::from(format!("{{\"id\":\"{id}\"}}")),
        }
    }

    #[test]
    fn transactions_never_interleave_and_acks_release_in_order() {
        let out = Shared::default();
        let bindings = HashMap::from([("a".to_string(), 0), ("b".to_string(), 1)]);
        let (sink, acks) = start(Box::new(out.clone()), bindings);
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let n = 50;
        let tasks: Vec<_> = (0..n)
            .map(|i| {
                let sink = sink.clone();
                let id = format!("r{i}");
                runtime.spawn(async move {
                    let events = vec![event("a", 3, &id), event("unbound", 7, &id), event("b", 5, &id)];
                    (id, sink.commit(events).await)
                })
            })
            .collect();
        while acks.pending() < n {
            std::thread::sleep(Duration::from_millis(1));
        }
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3 * n);
        let mut order = Vec::new();
        for txn in lines.chunks(3) {
            let first: serde_json::Value = serde_json::from_str(txn[0]).unwrap();
            let second: serde_json::Value = serde_json::from_str(txn[1]).unwrap();
            let id = first["captured"]["doc"]["id"].as_str().unwrap().to_string();
            assert_eq!(first["captured"]["binding"], 0);
            assert_eq!(second["captured"]["binding"], 1);
            assert_eq!(second["captured"]["doc"]["id"], id.as_str(), "interleaved: {txn:?}");
            assert_eq!(txn[2].as_bytes(), &CHECKPOINT[..CHECKPOINT.len() - 1]);
            order.push(id);
        }
        assert_eq!(acks.acknowledge(0), Err(AckError { acknowledged: 0, pending: n }));
        acks.acknowledge(20).unwrap();
        let mut done = Vec::new();
        let mut rest = Vec::new();
        for task in tasks {
            if task.is_finished() {
                done.push(task);
            } else {
                rest.push(task);
            }
        }
        // Completion is signalled before the task runs; give the 20 a moment to finish.
        while done.len() < 20 {
            std::thread::sleep(Duration::from_millis(1));
            let (finished, waiting): (Vec<_>, Vec<_>) = rest.into_iter().partition(|t| t.is_finished());
            done.extend(finished);
            rest = waiting;
        }
        let released: Vec<String> = done
            .into_iter()
            .map(|t| {
                let (id, result) = runtime.block_on(t).unwrap();
                let report = result.unwrap();
                assert_eq!((report.committed.clone(), report.discarded), (vec![3, 5], 1));
                id
            })
            .collect();
        let mut expected: Vec<String> = order[..20].to_vec();
        let mut got = released;
        expected.sort();
        got.sort();
        assert_eq!(got, expected, "the 20 oldest transactions are the ones released");
        assert_eq!(acks.acknowledge(31), Err(AckError { acknowledged: 31, pending: 30 }));
        acks.abandon();
        for task in rest {
            let (_, result) = runtime.block_on(task).unwrap();
            assert_eq!(result, Err(FlowError::NotAcknowledged));
        }
        assert!(!sink.is_ready());
    }
}
