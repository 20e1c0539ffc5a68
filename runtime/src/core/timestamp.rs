//! Signed timestamps: Unix seconds, Unix milliseconds and RFC 3339, and the tolerance check.
//!
//! The raw text is what is signed; parsing only serves the tolerance check, so the parsers
//! never panic and refuse anything odd (returning `None`).

use std::time::{SystemTime, UNIX_EPOCH};

use webhook_definition::{TimestampFormat, Tolerance};

/// Milliseconds since the Unix epoch.
pub type Millis = i128;

/// Parses a timestamp's text into milliseconds since the epoch.
pub fn parse(text: &str, format: TimestampFormat) -> Option<Millis> {
    let text = text.trim();
    match format {
        TimestampFormat::UnixSeconds => parse_integer(text).map(|s| s * 1000),
        TimestampFormat::UnixMilliseconds => parse_integer(text),
        TimestampFormat::Rfc3339 => parse_rfc3339(text),
    }
}

/// A decimal integer of at most 18 digits, optionally negative. Unix seconds with a fraction
/// (`1700000000.5`) are accepted and truncated to milliseconds.
fn parse_integer(text: &str) -> Option<Millis> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = match digits.bytes().position(|b| b == b'.') {
        Some(dot) => (&digits[..dot], Some(&digits[dot + 1..])),
        None => (digits, None),
    };
    if whole.is_empty() || whole.len() > 18 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(f) = fraction
        && (f.is_empty() || f.len() > 9 || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    // At most 18 digits, all checked above: an i64 holds them (no slower i128 parse).
    let value = whole.bytes().fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
    let value = i128::from(value);
    Some(if negative { -value } else { value })
}

fn digits(text: &[u8], at: usize, count: usize) -> Option<i64> {
    let slice = text.get(at..at + count)?;
    if !slice.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(slice.iter().fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0')))
}

/// Parses RFC 3339 (`2023-07-19T15:00:00.000000000Z`, `2020-01-01T00:00:00-07:00`).
pub fn parse_rfc3339(text: &str) -> Option<Millis> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (digits(b, 0, 4)?, digits(b, 5, 2)?, digits(b, 8, 2)?);
    let (hour, minute, second) = (digits(b, 11, 2)?, digits(b, 14, 2)?, digits(b, 17, 2)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut i = 19;
    let mut millis = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 3 {
                millis = millis * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        let n = i - start;
        if n == 0 || n > 12 {
            return None;
        }
        for _ in n..3 {
            millis *= 10;
        }
    }
    let offset_minutes = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == b.len() && b[i + 3] == b':' => {
            let (h, m) = (digits(b, i + 1, 2)?, digits(b, i + 4, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let total = h * 60 + m;
            if *sign == b'-' { -total } else { total }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(i128::from(seconds) * 1000 + i128::from(millis))
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A clock reading in milliseconds since the epoch (negative before 1970).
pub fn millis(now: SystemTime) -> Millis {
    match now.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_millis() as i128,
        Err(e) => -(e.duration().as_millis() as i128),
    }
}

/// Formats a clock reading as RFC 3339 UTC (`2023-11-01T00:00:00Z`, with a fraction when the
/// reading has one).
pub fn format_rfc3339(now: SystemTime) -> String {
    let (seconds, nanos) = match now.duration_since(UNIX_EPOCH) {
        Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
        Err(_) => (0, 0),
    };
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let rem = seconds.rem_euclid(86_400);
    // Written digit by digit: this runs once per request.
    fn push(out: &mut String, value: i64, width: usize) {
        let mut digits = [b'0'; 12];
        let mut v = value.unsigned_abs();
        for d in digits[..width].iter_mut().rev() {
            *d = b'0' + (v % 10) as u8;
            v /= 10;
        }
        out.push_str(std::str::from_utf8(&digits[..width]).expect("ASCII digits"));
    }
    let mut out = String::with_capacity(32);
    if !(0..=9999).contains(&year) {
        out.push_str(&year.to_string());
    } else {
        push(&mut out, year, 4);
    }
    for (sep, value) in [('-', month), ('-', day), ('T', rem / 3600), (':', rem % 3600 / 60), (':', rem % 60)] {
        out.push(sep);
        push(&mut out, value, 2);
    }
    if nanos != 0 {
        let mut n = nanos;
        let mut width = 9;
        while n % 10 == 0 {
            n /= 10;
            width -= 1;
        }
        out.push('.');
        push(&mut out, i64::from(n), width);
    }
    out.push('Z');
    out
}

/// Why a timestamp is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Within the tolerance.
    Fresh,
    /// Older than `past_seconds`.
    Stale,
    /// Further in the future than `future_seconds`.
    FromTheFuture,
}

/// Checks a signed timestamp against the clock.
pub fn check(timestamp: Millis, now: Millis, tolerance: &Tolerance) -> Freshness {
    let age = now - timestamp;
    if age > i128::from(tolerance.past_seconds) * 1000 {
        return Freshness::Stale;
    }
    if let Some(future) = tolerance.future_seconds
        && -age > i128::from(future) * 1000
    {
        return Freshness::FromTheFuture;
    }
    Freshness::Fresh
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn parses_every_format() {
        assert_eq!(parse("1700000000", TimestampFormat::UnixSeconds), Some(1_700_000_000_000));
        assert_eq!(parse("1633519811129", TimestampFormat::UnixMilliseconds), Some(1_633_519_811_129));
        assert_eq!(parse("2023-07-19T15:00:00.000000000Z", TimestampFormat::Rfc3339), Some(1_689_778_800_000));
        assert_eq!(parse("2020-01-01T00:00:00-07:00", TimestampFormat::Rfc3339), Some(1_577_862_000_000));
        assert_eq!(parse("2021-03-25T05:09:27Z", TimestampFormat::Rfc3339), Some(1_616_648_967_000));
        assert_eq!(parse("2023-02-29T00:00:00Z", TimestampFormat::Rfc3339), None);
        assert_eq!(parse("1e9", TimestampFormat::UnixSeconds), None);
        assert_eq!(parse("", TimestampFormat::UnixSeconds), None);
    }

    #[test]
    fn formats_utc() {
        let t = UNIX_EPOCH + Duration::from_secs(1_698_796_800);
        assert_eq!(format_rfc3339(t), "2023-11-01T00:00:00Z");
        assert_eq!(format_rfc3339(t + Duration::from_millis(250)), "2023-11-01T00:00:00.25Z");
        assert_eq!(parse_rfc3339(&format_rfc3339(t)), Some(1_698_796_800_000));
    }

    #[test]
    fn tolerance_is_directional() {
        let past_only = Tolerance { past_seconds: 300, future_seconds: None };
        assert_eq!(check(0, 300_000, &past_only), Freshness::Fresh);
        assert_eq!(check(0, 302_000, &past_only), Freshness::Stale);
        assert_eq!(check(1_000_000, 0, &past_only), Freshness::Fresh);
        let both = Tolerance { past_seconds: 300, future_seconds: Some(300) };
        assert_eq!(check(302_000, 0, &both), Freshness::FromTheFuture);
    }
}
