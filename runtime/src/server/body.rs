//! Reading a request body within the limits: `Content-Length` checked before reading, the body
//! read under a deadline and a size cap, then `Content-Encoding` undone with the same cap on the
//! inflated size (a gzip bomb stops at the limit, not in memory).

use std::io::Read;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::body::{Body as _, Incoming};
use hyper::header::{CONTENT_ENCODING, CONTENT_LENGTH, HeaderMap};
use tokio::sync::{Semaphore, SemaphorePermit};

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
    /// The memory budget for bodies in flight is spent: 503 with `Retry-After`.
    Overloaded,
}

/// Memory held by the bodies of requests in flight, counted in KiB, so that many large bodies
/// at once are shed with 503 instead of exhausting memory.
#[derive(Debug)]
pub struct ByteBudget(Semaphore);

impl ByteBudget {
    /// A budget of `bytes` (at least 1 KiB).
    pub fn new(bytes: usize) -> ByteBudget {
        ByteBudget(Semaphore::new((bytes / 1024).clamp(1, Semaphore::MAX_PERMITS)))
    }
}

/// What one request holds of the budget; released when dropped.
#[derive(Debug)]
pub struct Charge<'a> {
    budget: &'a ByteBudget,
    permit: Option<SemaphorePermit<'a>>,
    kib: usize,
}

impl<'a> Charge<'a> {
    /// Nothing charged yet.
    pub fn new(budget: &'a ByteBudget) -> Charge<'a> {
        Charge { budget, permit: None, kib: 0 }
    }

    /// Makes the charge cover `bytes` in all, or fails without waiting.
    pub fn cover(&mut self, bytes: usize) -> Result<(), BodyError> {
        let want = bytes.div_ceil(1024);
        if want <= self.kib {
            return Ok(());
        }
        let more = u32::try_from(want - self.kib).map_err(|_| BodyError::Overloaded)?;
        let permit = self.budget.0.try_acquire_many(more).map_err(|_| BodyError::Overloaded)?;
        match &mut self.permit {
            Some(held) => held.merge(permit),
            None => self.permit = Some(permit),
        }
        self.kib = want;
        Ok(())
    }
}

/// The declared `Content-Length`, if any.
pub fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok())
}

/// Reads the whole body (at most `limit` bytes, within `timeout`) and decodes it, charging the
/// bytes held (raw and decoded) to `charge`.
pub async fn read(
    headers: &HeaderMap,
    body: Incoming,
    limit: usize,
    timeout: Duration,
    charge: &mut Charge<'_>,
) -> Result<Bytes, BodyError> {
    let raw = match tokio::time::timeout(timeout, collect(body, limit, charge)).await {
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
    let raw_len = raw.len();
    let mut decoded = raw;
    for encoding in encodings.iter().rev() {
        decoded = decode(encoding, &decoded, limit)?;
        charge.cover(raw_len + decoded.len())?;
    }
    Ok(decoded)
}

async fn collect(mut body: Incoming, limit: usize, charge: &mut Charge<'_>) -> Result<Bytes, BodyError> {
    let mut buf = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BodyError::Broken)?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > limit {
                return Err(BodyError::TooLarge);
            }
            charge.cover(buf.len() + data.len())?;
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
    fn decodes_brotli_and_zstd() {
        let body = br#"{"type":"ping"}"#;
        // Node's zlib.brotliCompressSync of the body (an independent encoder).
        let brotli = hex_bytes("0b07807b2274797065223a2270696e67227d03");
        assert_eq!(&decode("br", &brotli, 1024).unwrap()[..], body);
        let zstd = ruzstd::encoding::compress_to_vec(&body[..], ruzstd::encoding::CompressionLevel::Fastest);
        assert_eq!(&decode("zstd", &zstd, 1024).unwrap()[..], body);
        let big =
            ruzstd::encoding::compress_to_vec(&vec![b'a'; 100_000][..], ruzstd::encoding::CompressionLevel::Fastest);
        assert_eq!(decode("zstd", &big, 50_000), Err(BodyError::TooLarge));
    }

    fn hex_bytes(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn a_bomb_stops_at_the_limit() {
        let bomb = gzip(&vec![b'a'; 8 * 1024 * 1024]);
        assert!(bomb.len() < 64 * 1024);
        assert_eq!(decode("gzip", &bomb, 1024 * 1024), Err(BodyError::TooLarge));
        assert_eq!(decode("gzip", &bomb, 8 * 1024 * 1024).unwrap().len(), 8 * 1024 * 1024);
    }

    #[test]
    fn the_budget_is_shared_and_released() {
        let budget = ByteBudget::new(10 * 1024);
        let mut a = Charge::new(&budget);
        a.cover(6000).unwrap();
        a.cover(3000).unwrap(); // already covered
        let mut b = Charge::new(&budget);
        assert_eq!(b.cover(5 * 1024), Err(BodyError::Overloaded));
        b.cover(4 * 1024).unwrap();
        drop(a);
        let mut c = Charge::new(&budget);
        c.cover(6 * 1024).unwrap();
    }

    #[test]
    fn unknown_and_corrupt_encodings() {
        assert_eq!(decode("lzma", b"x", 10), Err(BodyError::UnsupportedEncoding("lzma".into())));
        assert!(matches!(decode("gzip", b"not gzip", 10), Err(BodyError::Undecodable(_))));
        assert!(matches!(decode("zstd", b"not zstd", 10), Err(BodyError::Undecodable(_))));
    }
}
