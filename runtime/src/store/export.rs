//! `export`: the stored documents, one `{"collection": NAME, "doc": {…}}` line each, in commit
//! order. Reads through its own connection, so it runs beside a serving connector.

use std::io::Write;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::DATABASE_FILE;

/// Why an export failed.
#[derive(Debug)]
pub enum ExportError {
    /// There is no store in the data directory.
    NoStore(std::path::PathBuf),
    /// SQLite failed.
    Sqlite(rusqlite::Error),
    /// Writing the output failed.
    Io(std::io::Error),
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::NoStore(p) => {
                write!(f, "no store at {} (run `serve` with this --data-dir first)", p.display())
            }
            ExportError::Sqlite(e) => write!(f, "reading the store failed: {e}"),
            ExportError::Io(e) => write!(f, "writing the export failed: {e}"),
        }
    }
}

impl std::error::Error for ExportError {}

/// Writes the documents of `data_dir`'s store to `out` (only `collection`'s when given).
/// Returns how many were written.
pub fn export(data_dir: &Path, collection: Option<&str>, out: &mut dyn Write) -> Result<u64, ExportError> {
    let path = data_dir.join(DATABASE_FILE);
    if !path.exists() {
        return Err(ExportError::NoStore(path));
    }
    let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(ExportError::Sqlite)?;
    let mut stmt = conn
        .prepare("SELECT collection, doc FROM documents WHERE ?1 IS NULL OR collection = ?1 ORDER BY seq")
        .map_err(ExportError::Sqlite)?;
    let mut rows = stmt.query([collection]).map_err(ExportError::Sqlite)?;
    let mut count = 0;
    while let Some(row) = rows.next().map_err(ExportError::Sqlite)? {
        let name: String = row.get(0).map_err(ExportError::Sqlite)?;
        let doc = row.get_ref(1).map_err(ExportError::Sqlite)?.as_bytes().map_err(|e| ExportError::Sqlite(e.into()))?;
        let name = serde_json::to_string(&name).expect("a string serializes");
        out.write_all(b"{\"collection\":").map_err(ExportError::Io)?;
        out.write_all(name.as_bytes()).map_err(ExportError::Io)?;
        out.write_all(b",\"doc\":").map_err(ExportError::Io)?;
        out.write_all(doc).map_err(ExportError::Io)?;
        out.write_all(b"}\n").map_err(ExportError::Io)?;
        count += 1;
    }
    out.flush().map_err(ExportError::Io)?;
    Ok(count)
}
