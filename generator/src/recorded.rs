//! Recorded requests: what a vendor actually sent, saved to a file, for `webhookgen try
//! --request` and `webhookgen infer --samples`.
//!
//! Two forms are read:
//!
//! - a JSON or YAML mapping (`.json`, `.yaml`, `.yml`):
//!
//!   ```yaml
//!   method: POST                 # default POST
//!   path: /webhooks?source=x     # default /
//!   headers:                     # name → value (or a list of [name, value] pairs)
//!     Content-Type: application/json
//!     X-Hub-Signature-256: sha256=…
//!   body: '{"action":"opened"}'  # the exact bytes as a string; a mapping or list is written
//!                                # as compact JSON (then a signature over the original bytes fails)
//!   now: 1700000000              # optional: the connector's clock, Unix seconds
//!   config: {webhook_secret: …}  # optional: the endpoint configuration for this request
//!   ```
//!
//! - a raw HTTP/1.1 request dump (any extension; recognised by its request line
//!   `POST /path HTTP/1.1`): headers up to the first empty line, then the body, cut at
//!   `Content-Length` when there is one (so a newline an editor added at the end is ignored).
//!   Chunked bodies are not read.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

/// A request read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// The file it came from.
    pub file: PathBuf,
    /// The method, uppercase.
    pub method: String,
    /// The path with its query string.
    pub path: String,
    /// The headers in file order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// The clock to process it at (Unix seconds), if the file says.
    pub now: Option<i64>,
    /// The endpoint configuration to process it with, if the file says.
    pub config: Option<Value>,
}

impl RecordedRequest {
    /// The value of a header (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a recorded request cannot be read.
#[derive(Debug)]
pub enum RecordedError {
    /// The file cannot be read.
    Io(PathBuf, std::io::Error),
    /// The file is neither a request mapping nor an HTTP dump.
    Invalid(PathBuf, String),
}

impl fmt::Display for RecordedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordedError::Io(path, e) => write!(f, "{}: {e}", path.display()),
            RecordedError::Invalid(path, why) => write!(
                f,
                "{}: {why} (a recorded request is a JSON/YAML mapping with `method`, `path`, `headers`, `body`, or a raw HTTP/1.1 request; see docs/authoring.md)",
                path.display()
            ),
        }
    }
}

impl std::error::Error for RecordedError {}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestFile {
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    headers: Headers,
    body: Value,
    #[serde(default)]
    now: Option<i64>,
    #[serde(default)]
    config: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
enum Headers {
    #[default]
    None,
    Map(BTreeMap<String, String>),
    Pairs(Vec<(String, String)>),
}

/// Reads a recorded request file (either form).
pub fn read(path: &Path) -> Result<RecordedRequest, RecordedError> {
    let bytes = std::fs::read(path).map_err(|e| RecordedError::Io(path.to_path_buf(), e))?;
    if looks_like_http(&bytes) {
        return match parse_http(&bytes) {
            Ok(mut r) => {
                r.file = path.to_path_buf();
                Ok(r)
            }
            Err(RecordedError::Invalid(_, why)) => Err(RecordedError::Invalid(path.to_path_buf(), why)),
            Err(e) => Err(e),
        };
    }
    let text =
        std::str::from_utf8(&bytes).map_err(|_| RecordedError::Invalid(path.to_path_buf(), "not UTF-8 text".into()))?;
    parse_mapping(text)
        .map_err(|why| RecordedError::Invalid(path.to_path_buf(), why))
        .map(|mut r| {
            r.file = path.to_path_buf();
            r
        })
}

/// Whether a file starts with an HTTP/1.x request line.
pub fn looks_like_http(bytes: &[u8]) -> bool {
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let first = String::from_utf8_lossy(first);
    let mut parts = first.trim_end().split(' ');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(m), Some(_), Some(v), None) if !m.is_empty() && m.bytes().all(|b| b.is_ascii_uppercase()) && v.starts_with("HTTP/1.")
    )
}

/// Reads the mapping form. `Err` says why the text is not one.
pub fn parse_mapping(text: &str) -> Result<RecordedRequest, String> {
    let file: RequestFile = yaml_serde::from_str(text).map_err(|e| e.to_string())?;
    let body = match file.body {
        Value::String(s) => s.into_bytes(),
        Value::Null => Vec::new(),
        other => other.to_string().into_bytes(),
    };
    let headers = match file.headers {
        Headers::None => Vec::new(),
        Headers::Map(m) => m.into_iter().collect(),
        Headers::Pairs(p) => p,
    };
    Ok(RecordedRequest {
        file: PathBuf::new(),
        method: file.method.unwrap_or_else(|| "POST".into()).to_ascii_uppercase(),
        path: file.path.unwrap_or_else(|| "/".into()),
        headers,
        body,
        now: file.now,
        config: file.config,
    })
}

/// Reads a raw HTTP/1.1 request.
pub fn parse_http(bytes: &[u8]) -> Result<RecordedRequest, RecordedError> {
    let invalid = |why: &str| RecordedError::Invalid(PathBuf::new(), why.to_string());
    // The head ends at the first empty line, CRLF or bare LF, whichever comes first.
    let crlf = find(bytes, b"\r\n\r\n").map(|i| (i, 4));
    let lf = find(bytes, b"\n\n").map(|i| (i, 2));
    let (head, body) = match [crlf, lf].into_iter().flatten().min() {
        Some((i, n)) => (&bytes[..i], &bytes[i + n..]),
        None => (bytes, &[][..]),
    };
    let head = std::str::from_utf8(head).map_err(|_| invalid("the request head is not UTF-8"))?;
    let mut lines = head.lines();
    let request_line = lines.next().ok_or_else(|| invalid("empty file"))?;
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or("/").to_string();
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| invalid(&format!("header line without `:`: {line:?}")))?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _): &&(String, String)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    if header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
        return Err(invalid(
            "chunked bodies are not read; save the request with its body de-chunked and a Content-Length",
        ));
    }
    let mut body = body.to_vec();
    if let Some(length) = header("content-length") {
        let length: usize = length.parse().map_err(|_| invalid("Content-Length is not a number"))?;
        // Only trailing whitespace (a newline an editor added) may follow the declared length.
        if length > body.len() || !body[length..].iter().all(u8::is_ascii_whitespace) {
            return Err(invalid(&format!(
                "Content-Length says {length} bytes but the body has {}; fix the header or the body",
                body.len()
            )));
        }
        body.truncate(length);
    }
    // An absolute-form target (`POST https://host/path`) keeps only the path.
    let path = match target.split_once("://") {
        Some((_, rest)) => rest
            .find('/')
            .map(|i| rest[i..].to_string())
            .unwrap_or_else(|| "/".into()),
        None => target,
    };
    Ok(RecordedRequest {
        file: PathBuf::new(),
        method,
        path,
        headers,
        body,
        now: None,
        config: None,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_http_dumps_with_content_length() {
        let dump =
            b"POST /hooks?x=1 HTTP/1.1\r\nHost: example.com\r\nX-Event: push\r\nContent-Length: 7\r\n\r\n{\"a\":1}\n";
        assert!(looks_like_http(dump));
        let r = parse_http(dump).unwrap();
        assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/hooks?x=1"));
        assert_eq!(r.header("x-event"), Some("push"));
        assert_eq!(r.body, b"{\"a\":1}");
        assert!(parse_http(b"POST / HTTP/1.1\nContent-Length: 99\n\n{}").is_err());
        assert!(
            parse_http(b"POST / HTTP/1.1\nContent-Length: 1\n\n{}").is_err(),
            "a body longer than declared"
        );
        assert!(parse_http(b"POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n2\r\n{}\r\n0\r\n\r\n").is_err());
        assert_eq!(
            parse_http(b"POST https://h.example/a/b HTTP/1.1\n\n").unwrap().path,
            "/a/b"
        );
    }

    #[test]
    fn reads_mappings_in_json_and_yaml() {
        let r = parse_mapping(r#"{"headers": {"X-A": "1"}, "body": "{\"x\": 1}", "now": 5}"#).unwrap();
        assert_eq!((r.method.as_str(), r.path.as_str(), r.now), ("POST", "/", Some(5)));
        assert_eq!(r.body, b"{\"x\": 1}");
        let r = parse_mapping("method: get\npath: /?a=b\nheaders: [[X-A, '1'], [X-A, '2']]\nbody: {x: 1}\n").unwrap();
        assert_eq!(r.method, "GET");
        assert_eq!(r.headers.len(), 2);
        assert_eq!(r.body, b"{\"x\":1}");
        assert!(
            parse_mapping("{\"type\": \"order.created\"}").is_err(),
            "a plain payload is not a request"
        );
        assert!(parse_mapping("body: x\nbogus: 1\n").is_err());
        assert!(!looks_like_http(b"{\"type\": \"x\"}"));
    }
}
