//! Reading a request body within the limits: `Content-Length` checked before reading, the body
//! read under a deadline and a size cap, then `Content-Encoding` undone with the same cap on the
//! inflated size (a gzip bomb stops at the limit, not in memory).

use std::io::Read;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::body::{Body as _, Incoming};
use hyper::header::{CONTENT_ENCODING, CONTENT_LENGTH, HeaderMap};

/// Why a body was not read.
#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    /// Larger than the limit, before or after decompression: 413.
    TooLarge,
    /// The client did not send it in time: 408.
    Timeout,
    /// The connection failed while reading: the client is gone (400 if anyone listens).
    Broken,
    /// A `Content-Encoding` the connector does not decode: 415.
    UnsupportedEncoding(String),
    /// The body does not decode with its `Content-Encoding`: 400.
    Undecodable(String),
}

/// Whether the declared `Content-Length` already exceeds the limit.
pub fn declared_too_large(headers: &HeaderMap, limit: usize) -> bool {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|n| n > limit as u64)
}

/// Reads the whole body (at most `limit` bytes, within `timeout`) and decodes it.
pub async fn read(headers: &HeaderMap, body: Incoming, limit: usize, timeout: Duration) -> Result<Bytes, BodyError> {
    let raw = match tokio::time::timeout(timeout, collect(body, limit)).await {
        Ok(result) => result?,
        Err(_) => return Err(BodyError::Timeout),
    };
    let encodings: Vec<String> = headers
        .get_all(CONTENT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty() && e != "identity")
        .collect();
    if encodings.is_empty() {
        return Ok(raw);
    }
    // Encodings are listed in the order they were applied; undo them last to first.
    let mut decoded = raw;
    for encoding in encodings.iter().rev() {
        decoded = decode(encoding, &decoded, limit)?;
    }
    Ok(decoded)
}

async fn collect(mut body: Incoming, limit: usize) -> Result<Bytes, BodyError> {
    let mut buf = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BodyError::Broken)?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > limit {
                return Err(BodyError::TooLarge);
            }
            if buf.is_empty() && body.is_end_stream() {
                return Ok(data); // one frame: no copy
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf.freeze())
}

/// Undoes one content coding, reading at most `limit + 1` bytes of output.
pub fn decode(encoding: &str, input: &[u8], limit: usize) -> Result<Bytes, BodyError> {
    let reader: Box<dyn Read + '_> = match encoding {
        "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(input)),
        // HTTP's "deflate" is zlib-wrapped (RFC 9110), but some clients send raw deflate.
        "deflate" if looks_like_zlib(input) => Box::new(flate2::read::ZlibDecoder::new(input)),
        "deflate" => Box::new(flate2::read::DeflateDecoder::new(input)),
        "br" => Box::new(brotli_decompressor::Decompressor::new(input, 8192)),
        "zstd" => Box::new(
            ruzstd::decoding::StreamingDecoder::new(input).map_err(|e| BodyError::Undecodable(format!("zstd: {e}")))?,
        ),
        other => return Err(BodyError::UnsupportedEncoding(other.to_string())),
    };
    let mut out = Vec::with_capacity(input.len().saturating_mul(4).min(limit));
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| BodyError::Undecodable(format!("{encoding}: {e}")))?;
    if out.len() > limit {
        return Err(BodyError::TooLarge);
    }
    Ok(Bytes::from(out))
}

fn looks_like_zlib(input: &[u8]) -> bool {
    input.len() >= 2 && input[0] & 0x0f == 8 && (u16::from(input[0]) << 8 | u16::from(input[1])) % 31 == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn decodes_gzip_and_both_deflates() {
        let body = br#"{"type":"ping"}"#;
        assert_eq!(&decode("gzip", &gzip(body), 1024).unwrap()[..], body);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(body).unwrap();
        assert_eq!(&decode("deflate", &z.finish().unwrap(), 1024).unwrap()[..], body);
        let mut d = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        d.write_all(body).unwrap();
        assert_eq!(&decode("deflate", &d.finish().unwrap(), 1024).unwrap()[..], body);
    }

    #[test]
    fn a_bomb_stops_at_the_limit() {
        let bomb = gzip(&vec![b'a'; 8 * 1024 * 1024]);
        assert!(bomb.len() < 64 * 1024);
        assert_eq!(decode("gzip", &bomb, 1024 * 1024), Err(BodyError::TooLarge));
        assert_eq!(decode("gzip", &bomb, 8 * 1024 * 1024).unwrap().len(), 8 * 1024 * 1024);
    }

    #[test]
    fn unknown_and_corrupt_encodings() {
        assert_eq!(decode("lzma", b"x", 10), Err(BodyError::UnsupportedEncoding("lzma".into())));
        assert!(matches!(decode("gzip", b"not gzip", 10), Err(BodyError::Undecodable(_))));
        assert!(matches!(decode("zstd", b"not zstd", 10), Err(BodyError::Undecodable(_))));
    }
}
