//! The standalone mode's durable store: SQLite in WAL mode with `synchronous = FULL`, written by
//! one thread that commits whatever requests are waiting as one transaction (group commit).
//!
//! Why one writer: SQLite allows one writer at a time anyway, and ordering every commit through
//! one queue gives deduplication its semantics for free. Documents are unique on
//! `(collection, key)`; a redelivery of a stored event changes nothing and is answered 2xx. A
//! concurrent duplicate is queued behind its original, so it is answered only after the
//! original's transaction committed; if that transaction fails, nothing was stored and the key
//! stays free for the vendor's retry.

mod export;

pub use export::{ExportError, export};

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::core::Event;

/// The file name of the database inside the data directory.
pub const DATABASE_FILE: &str = "webhooks.sqlite";

/// The most requests folded into one transaction.
const MAX_GROUP: usize = 2048;

/// How often committed WAL frames are copied into the database file.
const CHECKPOINT_INTERVAL: Duration = Duration::from_millis(250);

/// What a commit did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommitReport {
    /// Events newly stored.
    pub stored: usize,
    /// The bindings of the events newly stored, in request order.
    pub stored_bindings: Vec<usize>,
    /// Events whose key was already stored (redeliveries), left as they were.
    pub duplicates: usize,
}

/// A failure of the store. Requests it affects are answered 503 so the vendor retries.
#[derive(Debug)]
pub enum StoreError {
    /// The data directory could not be created.
    DataDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// SQLite failed.
    Sqlite(rusqlite::Error),
    /// SQLite would not use write-ahead logging (the file system does not support it).
    NoWal(String),
    /// A group transaction failed and was rolled back; nothing of it was stored.
    CommitFailed(String),
    /// The writer thread has stopped; the store accepts nothing more.
    Closed,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::DataDir { path, source } => {
                write!(f, "cannot create the data directory {}: {source}", path.display())
            }
            StoreError::Sqlite(e) => write!(f, "the store failed: {e}"),
            StoreError::NoWal(mode) => write!(f, "SQLite refused write-ahead logging (journal mode {mode})"),
            StoreError::CommitFailed(e) => write!(f, "the commit failed and was rolled back: {e}"),
            StoreError::Closed => write!(f, "the store is closed"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(e)
    }
}

/// How the store is opened.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// How long a write waits for a lock held by another connection before it fails.
    pub busy_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions { busy_timeout: Duration::from_secs(5) }
    }
}

struct Job {
    events: Vec<Event>,
    done: oneshot::Sender<Result<CommitReport, StoreError>>,
}

/// A handle on the store; cheap to clone. The writer thread ends when every handle is dropped,
/// after committing what was queued.
#[derive(Clone)]
pub struct Store {
    jobs: mpsc::Sender<Job>,
    alive: Arc<AtomicBool>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("alive", &self.is_ready()).finish()
    }
}

/// Opens a connection with the store's durability settings and creates the schema.
fn open_connection(path: &Path, options: &StoreOptions) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(options.busy_timeout)?;
    // WAL: readers (export) never block the writer. FULL: a commit is on disk before it returns.
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::NoWal(mode));
    }
    conn.execute_batch(
        "PRAGMA synchronous=FULL;
         PRAGMA cache_size=-32768;
         CREATE TABLE IF NOT EXISTS documents (
             seq        INTEGER PRIMARY KEY,
             collection TEXT NOT NULL,
             key        TEXT NOT NULL,
             doc        BLOB NOT NULL,
             UNIQUE (collection, key)
         );",
    )?;
    Ok(conn)
}

impl Store {
    /// Opens (creating if needed) the store in `data_dir` and starts its writer thread.
    pub fn open(data_dir: &Path, options: StoreOptions) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|source| StoreError::DataDir { path: data_dir.to_path_buf(), source })?;
        let path = data_dir.join(DATABASE_FILE);
        let conn = open_connection(&path, &options)?;
        // Checkpoints copy the WAL into the database and fsync it; run inline they would stall
        // every request queued behind that commit, so a thread of their own runs them.
        conn.execute_batch("PRAGMA wal_autocheckpoint=0")?;
        let checkpoints = open_connection(&path, &options)?;
        let (jobs, queue) = mpsc::channel::<Job>();
        let alive = Arc::new(AtomicBool::new(true));
        let writer_alive = alive.clone();
        let spawn_failed = |source| StoreError::DataDir { path: data_dir.to_path_buf(), source };
        std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || {
                write_loop(conn, queue);
                writer_alive.store(false, Ordering::Release);
            })
            .map_err(spawn_failed)?;
        let checkpointer_alive = alive.clone();
        std::thread::Builder::new()
            .name("store-checkpointer".into())
            .spawn(move || checkpoint_loop(checkpoints, &checkpointer_alive))
            .map_err(spawn_failed)?;
        Ok(Store { jobs, alive })
    }

    /// Whether the store can commit (its writer is running).
    pub fn is_ready(&self) -> bool {
        self.alive.load(Ordering::Acquire)
    }

    /// Commits a request's events as part of the next group transaction; resolves once they are
    /// on disk (or known to be there already).
    pub async fn commit(&self, events: Vec<Event>) -> Result<CommitReport, StoreError> {
        let (done, result) = oneshot::channel();
        self.jobs.send(Job { events, done }).map_err(|_| StoreError::Closed)?;
        result.await.unwrap_or(Err(StoreError::Closed))
    }
}

fn write_loop(mut conn: Connection, queue: mpsc::Receiver<Job>) {
    let mut group: Vec<Job> = Vec::with_capacity(MAX_GROUP);
    while let Ok(first) = queue.recv() {
        group.push(first);
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        match commit_group(&mut conn, &group) {
            Ok(reports) => {
                for (job, report) in group.drain(..).zip(reports) {
                    let _ = job.done.send(Ok(report));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, requests = group.len(), "store commit failed; the requests are answered 503");
                for job in group.drain(..) {
                    let _ = job.done.send(Err(StoreError::CommitFailed(e.to_string())));
                }
            }
        }
    }
}

/// Copies committed WAL frames into the database while the writer runs (PASSIVE: never waits
/// for or blocks the writer), then once more, truncating the WAL, when the writer has stopped.
fn checkpoint_loop(conn: Connection, writer_alive: &AtomicBool) {
    while writer_alive.load(Ordering::Acquire) {
        std::thread::sleep(CHECKPOINT_INTERVAL);
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(error = %e, "WAL checkpoint failed; it is retried");
        }
    }
    let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
}

/// One transaction for every job of the group; a failure rolls all of them back.
fn commit_group(conn: &mut Connection, group: &[Job]) -> Result<Vec<CommitReport>, rusqlite::Error> {
    let tx = conn.transaction()?;
    let mut reports = Vec::with_capacity(group.len());
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO documents (collection, key, doc) VALUES (?1, ?2, ?3)
             ON CONFLICT (collection, key) DO NOTHING",
        )?;
        for job in group {
            let mut report = CommitReport::default();
            for event in &job.events {
                let changed = insert.execute((&event.collection, &event.key, &event.document[..]))?;
                if changed == 1 {
                    report.stored += 1;
                    report.stored_bindings.push(event.binding);
                } else {
                    report.duplicates += 1;
                }
            }
            reports.push(report);
        }
    }
    tx.commit()?;
    Ok(reports)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn event(collection: &str, key: &str) -> Event {
        Event {
            binding: 0,
            collection: collection.into(),
            event_type: "t".into(),
            key: key.into(),
            document: Bytes::from(format!("{{\"id\":\"{key}\"}}")),
        }
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
    }

    #[test]
    fn stores_once_and_exports_in_commit_order() {
        let dir = tempdir();
        let store = Store::open(&dir, StoreOptions::default()).unwrap();
        let rt = runtime();
        let first = rt.block_on(store.commit(vec![event("a", "1"), event("b", "1")])).unwrap();
        assert_eq!(first, CommitReport { stored: 2, stored_bindings: vec![0, 0], duplicates: 0 });
        let again = rt.block_on(store.commit(vec![event("a", "1"), event("a", "2")])).unwrap();
        assert_eq!(again, CommitReport { stored: 1, stored_bindings: vec![0], duplicates: 1 });
        let mut out = Vec::new();
        export(&dir, None, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"collection\":\"a\",\"doc\":{\"id\":\"1\"}}\n{\"collection\":\"b\",\"doc\":{\"id\":\"1\"}}\n{\"collection\":\"a\",\"doc\":{\"id\":\"2\"}}\n"
        );
        let mut only_b = Vec::new();
        export(&dir, Some("b"), &mut only_b).unwrap();
        assert_eq!(String::from_utf8(only_b).unwrap(), "{\"collection\":\"b\",\"doc\":{\"id\":\"1\"}}\n");
    }

    /// A commit that fails (another connection holds the write lock) stores nothing and leaves
    /// the key free: the retry is stored.
    #[test]
    fn failed_commit_releases_the_key() {
        let dir = tempdir();
        let store = Store::open(&dir, StoreOptions { busy_timeout: Duration::from_millis(50) }).unwrap();
        let rt = runtime();
        let blocker = Connection::open(dir.join(DATABASE_FILE)).unwrap();
        blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
        let failed = rt.block_on(store.commit(vec![event("a", "k")]));
        assert!(matches!(failed, Err(StoreError::CommitFailed(_))), "{failed:?}");
        blocker.execute_batch("ROLLBACK").unwrap();
        let retried = rt.block_on(store.commit(vec![event("a", "k")])).unwrap();
        assert_eq!(retried, CommitReport { stored: 1, stored_bindings: vec![0], duplicates: 0 });
        assert!(store.is_ready());
    }

    /// Concurrent duplicates: one stored, every caller answered after the commit.
    #[test]
    fn concurrent_duplicates_are_stored_once() {
        let dir = tempdir();
        let store = Store::open(&dir, StoreOptions::default()).unwrap();
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let reports: Vec<CommitReport> = rt.block_on(async {
            let tasks: Vec<_> = (0..64)
                .map(|_| {
                    let store = store.clone();
                    tokio::spawn(async move { store.commit(vec![event("a", "same")]).await.unwrap() })
                })
                .collect();
            let mut out = Vec::new();
            for t in tasks {
                out.push(t.await.unwrap());
            }
            out
        });
        assert_eq!(reports.iter().map(|r| r.stored).sum::<usize>(), 1);
        assert_eq!(reports.iter().map(|r| r.duplicates).sum::<usize>(), 63);
    }

    fn tempdir() -> PathBuf {
        use std::sync::atomic::AtomicU64;
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "webhook-store-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }
}
