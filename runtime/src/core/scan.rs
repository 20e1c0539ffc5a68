//! A non-validating skip scanner: finds the values of a few JSON pointers by walking only the
//! pointer paths and skipping everything else.
//!
//! This is the routing half of the hot path: the event type and the key are found without
//! validating the body, so verify + discriminate + route costs about one HMAC. It does NOT
//! validate: on valid JSON its answers equal [`super::json::resolve_many`]'s (a property test
//! holds them together); on anything else they are unspecified (never a panic, never an
//! out-of-bounds slice). Whatever is captured is validated first (see `Incoming`), so invalid
//! JSON never reaches a document.
//!
//! Skipping a nested object or array is the bulk of the work. It goes 64 bytes at a time:
//! byte-class bit masks (quote, backslash, opening and closing brackets), a prefix XOR of the
//! quote mask to blank out brackets inside strings, and popcounts to move the depth along,
//! bit by bit only in the block where the value ends. A block with a backslash takes the
//! byte-by-byte path (escapes are rare in webhook bodies).

/// The values of `pointers` (already split into unescaped segments) in `raw`, as raw JSON
/// text slices of `raw`; `None` where absent. Not validating: see the module documentation.
pub fn resolve_unvalidated<'a, P: AsRef<[String]>>(raw: &'a str, pointers: &[P]) -> Vec<Option<&'a str>> {
    let text = raw.as_bytes();
    let start = skip_ws(text, 0);
    // The common case (top-level members only, as `/type` and `/id`): one walk, no grouping.
    if pointers.iter().all(|p| p.as_ref().len() == 1) {
        let mut out = vec![None; pointers.len()];
        members_into(text, start, pointers.len(), |i| pointers[i].as_ref()[0].as_str(), |i, (s, e)| out[i] = raw.get(s..e));
        return out;
    }
    let mut out = vec![None; pointers.len()];
    let all: Vec<usize> = (0..pointers.len()).collect();
    // The whole text is the top value (its end is only looked for when a pointer is "").
    let end = raw.trim_end_matches([' ', '\t', '\n', '\r']).len().max(start);
    resolve_into(raw, start, end, pointers, 0, &all, &mut out);
    out
}

/// Resolves the pointers `which` (their segments from `depth` on) in the value `raw[start..end]`.
fn resolve_into<'a, P: AsRef<[String]>>(
    raw: &'a str,
    start: usize,
    end: usize,
    pointers: &[P],
    depth: usize,
    which: &[usize],
    out: &mut [Option<&'a str>],
) {
    let mut keys: Vec<&str> = Vec::new();
    for &i in which {
        match pointers[i].as_ref().get(depth) {
            None => out[i] = raw.get(start..end),
            Some(key) => {
                if !keys.contains(&key.as_str()) {
                    keys.push(key.as_str());
                }
            }
        }
    }
    if keys.is_empty() {
        return;
    }
    let found = members(raw.as_bytes(), start, &keys);
    for (key, value) in keys.iter().zip(found) {
        let Some((s, e)) = value else { continue };
        let next: Vec<usize> =
            which.iter().copied().filter(|&i| pointers[i].as_ref().get(depth).map(String::as_str) == Some(*key)).collect();
        resolve_into(raw, s, e, pointers, depth + 1, &next, out);
    }
}

/// The byte ranges of the members `keys` (object members by name, array elements by decimal
/// index) of the value starting at `start`. The first of duplicate members wins; the scan
/// stops as soon as every key is found.
fn members(text: &[u8], start: usize, keys: &[&str]) -> Vec<Option<(usize, usize)>> {
    let mut out = vec![None; keys.len()];
    members_into(text, start, keys.len(), |i| keys[i], |i, range| out[i] = Some(range));
    out
}

/// [`members`] without allocating (for up to 64 keys): `key(i)` is the i-th of `count` keys,
/// and `found(i, range)` is called at most once per key.
fn members_into<'k>(
    text: &[u8],
    start: usize,
    count: usize,
    key: impl Fn(usize) -> &'k str,
    mut found: impl FnMut(usize, (usize, usize)),
) {
    let mut done = Found::new(count);
    match text.get(start) {
        Some(b'{') => {
            let mut pos = start + 1;
            loop {
                pos = skip_ws(text, pos);
                if text.get(pos) != Some(&b'"') {
                    break;
                }
                let Some(key_end) = string_end(text, pos + 1) else { break };
                let raw_key = &text[pos + 1..key_end];
                pos = skip_ws(text, key_end + 1);
                if text.get(pos) != Some(&b':') {
                    break;
                }
                let value_start = skip_ws(text, pos + 1);
                let Some(value_end) = skip_value(text, value_start) else { break };
                // Every wanted key (a repeated pointer asks for the same member twice).
                for i in 0..count {
                    if !done.has(i) && key_equals(raw_key, key(i)) {
                        done.mark(i);
                        found(i, (value_start, value_end));
                    }
                }
                if done.all() {
                    break;
                }
                pos = skip_ws(text, value_end);
                if text.get(pos) != Some(&b',') {
                    break;
                }
                pos += 1;
            }
        }
        Some(b'[') => {
            if (0..count).all(|i| canonical_index(key(i)).is_none()) {
                return;
            }
            let mut pos = skip_ws(text, start + 1);
            let mut index = 0usize;
            while pos < text.len() && text[pos] != b']' {
                let Some(value_end) = skip_value(text, pos) else { break };
                for i in 0..count {
                    if !done.has(i) && canonical_index(key(i)) == Some(index) {
                        done.mark(i);
                        found(i, (pos, value_end));
                    }
                }
                if done.all() {
                    break;
                }
                pos = skip_ws(text, value_end);
                if text.get(pos) != Some(&b',') {
                    break;
                }
                pos = skip_ws(text, pos + 1);
                index += 1;
            }
        }
        _ => {}
    }
}

/// Which of `count` keys were found: bits for up to 64 keys, a vector beyond.
struct Found {
    count: usize,
    bits: u64,
    more: Vec<bool>,
}

impl Found {
    fn new(count: usize) -> Found {
        Found { count, bits: 0, more: if count > 64 { vec![false; count - 64] } else { Vec::new() } }
    }
    #[inline]
    fn has(&self, i: usize) -> bool {
        if i < 64 { self.bits >> i & 1 == 1 } else { self.more[i - 64] }
    }
    #[inline]
    fn mark(&mut self, i: usize) {
        if i < 64 {
            self.bits |= 1 << i;
        } else {
            self.more[i - 64] = true;
        }
    }
    #[inline]
    fn all(&self) -> bool {
        let low = self.count.min(64);
        let full = if low == 64 { u64::MAX } else { (1u64 << low) - 1 };
        self.bits == full && self.more.iter().all(|&b| b)
    }
}

/// Whether a raw (still escaped) key equals an unescaped pointer segment.
#[inline]
fn key_equals(raw_key: &[u8], wanted: &str) -> bool {
    // Unescaping always shortens a key, so an escaped key is longer than what it means: keys
    // of the same length are equal exactly when their bytes are and the raw key has no
    // escape; a shorter raw key never matches.
    if raw_key.len() <= wanted.len() {
        return raw_key == wanted.as_bytes() && !raw_key.contains(&b'\\');
    }
    if !raw_key.contains(&b'\\') {
        return false;
    }
    // Escaped keys are rare: let serde_json unescape them.
    let mut quoted = Vec::with_capacity(raw_key.len() + 2);
    quoted.push(b'"');
    quoted.extend_from_slice(raw_key);
    quoted.push(b'"');
    serde_json::from_slice::<String>(&quoted).is_ok_and(|k| k == wanted)
}

/// RFC 6901: array indices are decimal without leading zeros.
fn canonical_index(key: &str) -> Option<usize> {
    if key == "0" || (!key.starts_with('0') && !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit())) {
        key.parse().ok()
    } else {
        None
    }
}

#[inline]
fn skip_ws(text: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = text.get(pos) {
        pos += 1;
    }
    pos
}

/// The end (exclusive) of the value starting at `pos`, or `None` when the text ends first.
#[inline]
fn skip_value(text: &[u8], pos: usize) -> Option<usize> {
    match text.get(pos)? {
        b'"' => string_end(text, pos + 1).map(|e| e + 1),
        b'{' | b'[' => nested_end(text, pos),
        _ => {
            // A scalar: up to the next delimiter.
            let mut end = pos;
            while end < text.len() && !matches!(text[end], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                end += 1;
            }
            (end > pos).then_some(end)
        }
    }
}

/// The position of the quote that closes the string whose contents start at `pos`.
#[inline]
fn string_end(text: &[u8], mut pos: usize) -> Option<usize> {
    // 16 bytes at a time to the first quote or backslash.
    #[cfg(target_arch = "x86_64")]
    while let Some(chunk) = text.get(pos..pos + 16) {
        match quote_or_backslash(chunk.try_into().expect("16 bytes")) {
            16 => pos += 16,
            i => {
                pos += i;
                if text[pos] == b'"' {
                    return Some(pos);
                }
                pos += 2;
            }
        }
    }
    while pos < text.len() {
        match text[pos] {
            b'"' => return Some(pos),
            b'\\' => pos += 2,
            _ => pos += 1,
        }
    }
    None
}

/// The end (exclusive) of the object or array opening at `start`: brackets are counted
/// outside strings (both kinds alike: on valid JSON they nest properly).
fn nested_end(text: &[u8], start: usize) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("popcnt") {
        // SAFETY: the CPU has AVX2 and POPCNT (checked just above).
        return unsafe { nested_end_avx2(text, start) };
    }
    nested_end_with(text, start, classify)
}

/// [`nested_end`] compiled for AVX2 (two 32-byte compares per block) and POPCNT.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt")]
fn nested_end_avx2(text: &[u8], start: usize) -> Option<usize> {
    nested_end_with(text, start, |block| classify_avx2(block))
}

#[inline(always)]
fn nested_end_with(text: &[u8], start: usize, classify: impl Fn(&[u8; 64]) -> Masks) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut pos = start;
    while pos + 64 <= text.len() {
        let block: &[u8; 64] = text[pos..pos + 64].try_into().expect("64 bytes");
        let m = classify(block);
        if m.backslash != 0 || escaped {
            if let Some(end) = bytes_slow(block, pos, &mut depth, &mut in_string, &mut escaped) {
                return Some(end);
            }
            pos += 64;
            continue;
        }
        // Bit i of `inside` is set when byte i is inside a string (opening quote included).
        let mut inside = prefix_xor(m.quote);
        if in_string {
            inside = !inside;
        }
        in_string ^= m.quote.count_ones() % 2 == 1;
        let open = m.open & !inside;
        let close = m.close & !inside;
        let closes = close.count_ones() as usize;
        if depth > closes {
            depth = depth + open.count_ones() as usize - closes;
        } else {
            // Bracket by bracket, without a branch on the bracket's kind (unpredictable);
            // wrapping: a close before any open (invalid text) must not panic.
            let mut events = open | close;
            while events != 0 {
                let bit = events.trailing_zeros();
                events &= events - 1;
                depth = depth.wrapping_add(2 * (open >> bit & 1) as usize).wrapping_sub(1);
                if depth == 0 {
                    return Some(pos + bit as usize + 1);
                }
            }
        }
        pos += 64;
    }
    bytes_slow(&text[pos..], pos, &mut depth, &mut in_string, &mut escaped)
}

/// Byte by byte over `bytes` (which start at `offset` in the text): the end of the value
/// when its closing bracket is in `bytes`.
fn bytes_slow(bytes: &[u8], offset: usize, depth: &mut usize, in_string: &mut bool, escaped: &mut bool) -> Option<usize> {
    for (i, &b) in bytes.iter().enumerate() {
        if *in_string {
            if *escaped {
                *escaped = false;
            } else if b == b'\\' {
                *escaped = true;
            } else if b == b'"' {
                *in_string = false;
            }
            continue;
        }
        match b {
            b'"' => *in_string = true,
            b'{' | b'[' => *depth += 1,
            b'}' | b']' => {
                // Only reachable on invalid text: a close before any open.
                *depth = depth.checked_sub(1)?;
                if *depth == 0 {
                    return Some(offset + i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Bit i of `x` XOR-ed with every lower bit: the "inside a string" mask of a quote mask.
fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// One bit per byte of a 64-byte block, per byte class.
#[derive(Debug, PartialEq, Eq)]
struct Masks {
    quote: u64,
    backslash: u64,
    open: u64,
    close: u64,
}

/// The index of the first quote or backslash in `chunk`, 16 when there is none.
#[cfg(target_arch = "x86_64")]
fn quote_or_backslash(chunk: &[u8; 16]) -> usize {
    use std::arch::x86_64::{__m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    // SAFETY: SSE2 is part of the x86_64 baseline; `chunk` is 16 readable bytes and
    // `_mm_loadu_si128` has no alignment requirement.
    let mask = unsafe {
        let v = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
        let hits = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8)), _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8)));
        _mm_movemask_epi8(hits) as u32 | 1 << 16
    };
    mask.trailing_zeros() as usize
}

#[cfg(target_arch = "x86_64")]
fn classify(block: &[u8; 64]) -> Masks {
    // SAFETY: SSE2 is part of the x86_64 baseline: every x86_64 CPU has it.
    unsafe { classify_sse2(block) }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn classify_sse2(block: &[u8; 64]) -> Masks {
    use std::arch::x86_64::{__m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    let (quote, backslash, low_bit, open, close) =
        (_mm_set1_epi8(b'"' as i8), _mm_set1_epi8(b'\\' as i8), _mm_set1_epi8(0x20), _mm_set1_epi8(b'{' as i8), _mm_set1_epi8(b'}' as i8));
    let mut m = Masks { quote: 0, backslash: 0, open: 0, close: 0 };
    for (i, chunk) in block.chunks_exact(16).enumerate() {
        // SAFETY: `chunk` is 16 readable bytes; `_mm_loadu_si128` has no alignment requirement.
        let v = unsafe { _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>()) };
        // `{` (0x7b) and `[` (0x5b) differ only in bit 0x20, as do `}` and `]`.
        let folded = _mm_or_si128(v, low_bit);
        let shift = 16 * i;
        m.quote |= u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)) as u16) << shift;
        m.backslash |= u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(v, backslash)) as u16) << shift;
        m.open |= u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(folded, open)) as u16) << shift;
        m.close |= u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(folded, close)) as u16) << shift;
    }
    m
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn classify_avx2(block: &[u8; 64]) -> Masks {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8,
    };
    // SAFETY: both halves are 32 readable bytes; `_mm256_loadu_si256` has no alignment requirement.
    let (lo, hi) = unsafe {
        (_mm256_loadu_si256(block.as_ptr().cast::<__m256i>()), _mm256_loadu_si256(block[32..].as_ptr().cast::<__m256i>()))
    };
    let (quote, backslash, low_bit, open, close) = (
        _mm256_set1_epi8(b'"' as i8),
        _mm256_set1_epi8(b'\\' as i8),
        _mm256_set1_epi8(0x20),
        _mm256_set1_epi8(b'{' as i8),
        _mm256_set1_epi8(b'}' as i8),
    );
    let (flo, fhi) = (_mm256_or_si256(lo, low_bit), _mm256_or_si256(hi, low_bit));
    let join = |l: i32, h: i32| u64::from(l as u32) | u64::from(h as u32) << 32;
    Masks {
        quote: join(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, quote)), _mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, quote))),
        backslash: join(
            _mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, backslash)),
            _mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, backslash)),
        ),
        open: join(_mm256_movemask_epi8(_mm256_cmpeq_epi8(flo, open)), _mm256_movemask_epi8(_mm256_cmpeq_epi8(fhi, open))),
        close: join(_mm256_movemask_epi8(_mm256_cmpeq_epi8(flo, close)), _mm256_movemask_epi8(_mm256_cmpeq_epi8(fhi, close))),
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn classify(block: &[u8; 64]) -> Masks {
    classify_portable(block)
}

#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn classify_portable(block: &[u8; 64]) -> Masks {
    let mut m = Masks { quote: 0, backslash: 0, open: 0, close: 0 };
    for (i, &b) in block.iter().enumerate() {
        m.quote |= u64::from(b == b'"') << i;
        m.backslash |= u64::from(b == b'\\') << i;
        m.open |= u64::from(b | 0x20 == b'{') << i;
        m.close |= u64::from(b | 0x20 == b'}') << i;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(p: &str) -> Vec<String> {
        p.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect()
    }

    #[test]
    fn finds_what_the_validating_resolver_finds() {
        let long = "x".repeat(70);
        let body = format!(
            r#" {{"id":"evt_1","data":{{"object":{{"id":"pi_1","s":"{long}]}}\"{{","n":[1,2,{{"x":true}}],"e":"a\\\"b{{"}}}},"k\"q":"esc","type" : "a.b" ,"type":"dup"}} "#
        );
        let ptrs = [seg("/type"), seg("/id"), seg("/data/object/id"), seg("/data/object/n/2/x"), seg("/missing"), seg("/k\"q"), seg("/data/object/n/01"), seg("/data/object/e"), seg("")];
        let fast = resolve_unvalidated(&body, &ptrs);
        let slow = super::super::json::resolve_many(&body, &ptrs).unwrap();
        assert_eq!(fast, slow);
        assert_eq!(fast[0], Some("\"a.b\""));
    }

    #[test]
    fn classes_agree_with_the_portable_definition() {
        let mut block = [0u8; 64];
        for (i, b) in block.iter_mut().enumerate() {
            *b = b"{[]}\"\\a;{"[i % 9].wrapping_add((i / 9 % 2) as u8 * 0x80);
        }
        assert_eq!(classify(&block), classify_portable(&block));
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above).
            assert_eq!(unsafe { classify_avx2(&block) }, classify_portable(&block));
        }
    }

    #[test]
    fn garbage_never_panics() {
        for text in ["", "{", "[", "{\"a\"", "{\"a\":", "{\"a\":[", "}", "]]]", "\"", "{\"a\\", "[1,", "{\"a\":1,\"b\"}"] {
            let _ = resolve_unvalidated(text, &[seg("/a"), seg("/0"), seg("/a/b")]);
        }
        let deep = format!("{{\"a\":{}", "[".repeat(200));
        let _ = resolve_unvalidated(&deep, &[seg("/a"), seg("/b")]);
    }
}
