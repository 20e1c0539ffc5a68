//! Text encodings of signatures, secrets and public keys.
//!
//! Decoders are strict where leniency would let two different texts mean the same bytes
//! (base64 trailing bits are checked), and lenient where vendors differ harmlessly (hex case,
//! base64 padding).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_PAD_INDIFFERENT, URL_SAFE_NO_PAD_INDIFFERENT};
use webhook_definition::{PublicKeyEncoding, SecretDecoding, SignatureEncoding};

/// Decodes a signature as sent; `None` when the text is not in the encoding.
pub fn decode_signature(text: &str, encoding: SignatureEncoding) -> Option<Vec<u8>> {
    match encoding {
        SignatureEncoding::Hex => {
            if !text.len().is_multiple_of(2) {
                return None;
            }
            let mut out = vec![0u8; text.len() / 2];
            hex::decode_to_slice(text, &mut out).ok()?;
            Some(out)
        }
        SignatureEncoding::Base64 => STANDARD_PAD_INDIFFERENT.decode(text).ok(),
        SignatureEncoding::Base64url => URL_SAFE_NO_PAD_INDIFFERENT.decode(text).ok(),
    }
}

/// Decodes a signature as sent into `out`, returning its length; `None` when the text is not
/// in the encoding or does not fit (the allocation-free twin of [`decode_signature`]).
pub fn decode_signature_into(text: &str, encoding: SignatureEncoding, out: &mut [u8]) -> Option<usize> {
    match encoding {
        SignatureEncoding::Hex => {
            let digits = text.as_bytes();
            if !digits.len().is_multiple_of(2) || digits.len() / 2 > out.len() {
                return None;
            }
            // Table lookups, and one test for a bad digit at the end (no branch per digit).
            let mut bad = 0u8;
            for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
                let (high, low) = (HEX_VALUES[usize::from(pair[0])], HEX_VALUES[usize::from(pair[1])]);
                bad |= (high | low) & 0x10;
                *byte = high << 4 | (low & 0x0f);
            }
            (bad == 0).then_some(digits.len() / 2)
        }
        SignatureEncoding::Base64 => STANDARD_PAD_INDIFFERENT.decode_slice(text, out).ok(),
        SignatureEncoding::Base64url => URL_SAFE_NO_PAD_INDIFFERENT.decode_slice(text, out).ok(),
    }
}

/// The value of each byte as a hexadecimal digit (either case); 0x10 marks a non-digit.
const HEX_VALUES: [u8; 256] = {
    let mut table = [0x10u8; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

/// Encodes MAC or signature bytes the way the vendor writes them (lowercase hex, padded
/// standard base64, unpadded base64url).
pub fn encode_signature(bytes: &[u8], encoding: SignatureEncoding) -> String {
    match encoding {
        SignatureEncoding::Hex => hex::encode(bytes),
        SignatureEncoding::Base64 => STANDARD.encode(bytes),
        SignatureEncoding::Base64url => base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
    }
}

/// Turns a configured secret's text into key bytes. Errors say what is wrong, never the secret.
pub fn decode_secret(text: &str, decoding: SecretDecoding) -> Result<Vec<u8>, String> {
    let bytes = match decoding {
        SecretDecoding::Verbatim => text.as_bytes().to_vec(),
        SecretDecoding::WhsecBase64 => {
            let body = text.strip_prefix("whsec_").unwrap_or(text);
            STANDARD_PAD_INDIFFERENT
                .decode(body)
                .map_err(|e| format!("is not `whsec_` followed by base64 ({e})"))?
        }
        SecretDecoding::Base64 => {
            STANDARD_PAD_INDIFFERENT.decode(text).map_err(|e| format!("is not base64 ({e})"))?
        }
        SecretDecoding::Hex => hex::decode(text).map_err(|e| format!("is not hexadecimal ({e})"))?,
    };
    if bytes.is_empty() {
        return Err("decodes to an empty key".to_string());
    }
    Ok(bytes)
}

/// Decodes base64 with or without padding (for keys and `Basic` credentials).
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    STANDARD_PAD_INDIFFERENT.decode(text).ok()
}

/// The DER bytes of a PEM block of the given label (`PUBLIC KEY`).
pub fn pem_to_der(text: &str, label: &str) -> Result<Vec<u8>, String> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin).ok_or_else(|| format!("has no `{begin}` line"))? + begin.len();
    let stop = text[start..].find(&end).ok_or_else(|| format!("has no `{end}` line"))? + start;
    let body: String = text[start..stop].chars().filter(|c| !c.is_ascii_whitespace()).collect();
    decode_base64(&body).ok_or_else(|| "has a PEM body that is not base64".to_string())
}

/// The DER (or raw) bytes of a configured public key, before the algorithm interprets them.
pub enum KeyBytes {
    /// Raw key bytes (hex or base64 encodings).
    Raw(Vec<u8>),
    /// A DER SubjectPublicKeyInfo (SPKI base64 or PEM).
    Spki(Vec<u8>),
}

/// Decodes a configured public key's text.
pub fn decode_public_key(text: &str, encoding: PublicKeyEncoding) -> Result<KeyBytes, String> {
    let text = text.trim();
    match encoding {
        PublicKeyEncoding::Hex => hex::decode(text).map(KeyBytes::Raw).map_err(|e| format!("is not hexadecimal ({e})")),
        PublicKeyEncoding::Base64 => decode_base64(text.strip_prefix("whpk_").unwrap_or(text))
            .map(KeyBytes::Raw)
            .ok_or_else(|| "is not base64 (optionally after `whpk_`)".to_string()),
        PublicKeyEncoding::SpkiDerBase64 => {
            decode_base64(text).map(KeyBytes::Spki).ok_or_else(|| "is not base64".to_string())
        }
        PublicKeyEncoding::Pem => pem_to_der(text, "PUBLIC KEY").map(KeyBytes::Spki),
    }
}

/// The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): SEQUENCE { SEQUENCE { OID
/// 1.3.101.112 }, BIT STRING (32 bytes) }. Ed25519 SPKI has exactly one form, so no ASN.1
/// parser is needed.
const ED25519_SPKI_PREFIX: [u8; 12] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

/// An Ed25519 public key from its configured text.
pub fn ed25519_key(text: &str, encoding: PublicKeyEncoding) -> Result<ed25519_dalek::VerifyingKey, String> {
    let raw = match decode_public_key(text, encoding)? {
        KeyBytes::Raw(raw) => raw,
        KeyBytes::Spki(der) => der
            .strip_prefix(&ED25519_SPKI_PREFIX[..])
            .map(<[u8]>::to_vec)
            .ok_or_else(|| "is not an Ed25519 SubjectPublicKeyInfo".to_string())?,
    };
    let bytes: [u8; 32] =
        raw.as_slice().try_into().map_err(|_| format!("is {} bytes long; an Ed25519 key is 32", raw.len()))?;
    ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|_| "is not a valid Ed25519 point".to_string())
}

/// An ECDSA P-256 public key from its configured text.
pub fn p256_key(text: &str, encoding: PublicKeyEncoding) -> Result<p256::ecdsa::VerifyingKey, String> {
    use p256::pkcs8::DecodePublicKey;
    match decode_public_key(text, encoding)? {
        KeyBytes::Raw(raw) => p256::ecdsa::VerifyingKey::from_sec1_bytes(&raw)
            .map_err(|_| "is not a SEC1-encoded P-256 point".to_string()),
        KeyBytes::Spki(der) => p256::ecdsa::VerifyingKey::from_public_key_der(&der)
            .map_err(|e| format!("is not a P-256 SubjectPublicKeyInfo ({e})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_accepts_either_case_and_base64_checks_trailing_bits() {
        assert_eq!(decode_signature("aB", SignatureEncoding::Hex), Some(vec![0xab]));
        assert_eq!(decode_signature("AA==", SignatureEncoding::Base64), Some(vec![0]));
        assert_eq!(decode_signature("AA", SignatureEncoding::Base64), Some(vec![0]));
        // `AB==` has non-zero trailing bits: another text for the same byte is refused.
        assert_eq!(decode_signature("AB==", SignatureEncoding::Base64), None);
        assert_eq!(decode_signature("_-8", SignatureEncoding::Base64url), Some(vec![0xff, 0xef]));
        // The allocation-free decoder agrees, and refuses what does not fit.
        let mut buf = [0u8; 96];
        for (text, enc) in [("aB09fF", SignatureEncoding::Hex), ("AA==", SignatureEncoding::Base64), ("AB==", SignatureEncoding::Base64), ("_-8", SignatureEncoding::Base64url), ("0g", SignatureEncoding::Hex), ("abc", SignatureEncoding::Hex), ("g0", SignatureEncoding::Hex), ("/:@G`g", SignatureEncoding::Hex)] {
            let n = decode_signature_into(text, enc, &mut buf);
            assert_eq!(n.map(|n| buf[..n].to_vec()), decode_signature(text, enc), "{text}");
        }
        let sha512_b64 = STANDARD.encode([7u8; 64]);
        assert_eq!(decode_signature_into(&sha512_b64, SignatureEncoding::Base64, &mut buf), Some(64));
        assert_eq!(decode_signature_into(&"ab".repeat(97), SignatureEncoding::Hex, &mut buf), None);
    }

    #[test]
    fn secrets_decode_or_explain() {
        assert_eq!(decode_secret("whsec_AAEC", SecretDecoding::WhsecBase64).unwrap(), vec![0, 1, 2]);
        assert_eq!(decode_secret("AAEC", SecretDecoding::WhsecBase64).unwrap(), vec![0, 1, 2]);
        assert!(decode_secret("whsec_", SecretDecoding::WhsecBase64).is_err());
        assert!(decode_secret("", SecretDecoding::Verbatim).is_err());
        assert!(decode_secret("zz", SecretDecoding::Hex).is_err());
        assert_eq!(decode_secret("whsec_x", SecretDecoding::Verbatim).unwrap(), b"whsec_x");
    }
}
