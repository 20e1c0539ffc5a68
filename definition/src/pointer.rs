//! JSON pointers (RFC 6901), with a `*` wildcard segment for batch item paths.

use std::fmt;

/// One segment of a parsed pointer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// An object key or array index, unescaped (`~1` → `/`, `~0` → `~`).
    Key(String),
    /// `*`: every element of an array (only where wildcards are allowed).
    Wildcard,
}

/// Why a pointer cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PointerError {
    /// A non-empty pointer must start with `/`.
    MissingLeadingSlash,
    /// `~` must be followed by `0` or `1`.
    BadEscape {
        /// The byte offset of the `~`.
        offset: usize,
    },
    /// `*` segments are only allowed in batch item paths.
    WildcardNotAllowed,
}

impl fmt::Display for PointerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PointerError::MissingLeadingSlash => write!(f, "a JSON pointer must be empty or start with `/`"),
            PointerError::BadEscape { offset } => {
                write!(f, "`~` at byte {offset} must be followed by `0` (for `~`) or `1` (for `/`)")
            }
            PointerError::WildcardNotAllowed => write!(f, "a `*` segment is only allowed in `events.batch.items`"),
        }
    }
}

impl std::error::Error for PointerError {}

/// Parses a pointer. `""` is the whole document. With `allow_wildcard`, a segment that is
/// exactly `*` means every element of an array.
pub fn parse(pointer: &str, allow_wildcard: bool) -> Result<Vec<Segment>, PointerError> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(PointerError::MissingLeadingSlash);
    };
    let mut segments = Vec::new();
    let mut offset = 1;
    for raw in rest.split('/') {
        if raw == "*" {
            if !allow_wildcard {
                return Err(PointerError::WildcardNotAllowed);
            }
            segments.push(Segment::Wildcard);
        } else {
            let mut key = String::with_capacity(raw.len());
            let mut chars = raw.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                if c == '~' {
                    match chars.next() {
                        Some((_, '0')) => key.push('~'),
                        Some((_, '1')) => key.push('/'),
                        _ => return Err(PointerError::BadEscape { offset: offset + i }),
                    }
                } else {
                    key.push(c);
                }
            }
            segments.push(Segment::Key(key));
        }
        offset += raw.len() + 1;
    }
    Ok(segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_escapes_and_wildcards() {
        assert_eq!(parse("", false).unwrap(), vec![]);
        assert_eq!(
            parse("/a~1b/~0c/0", false).unwrap(),
            vec![Segment::Key("a/b".into()), Segment::Key("~c".into()), Segment::Key("0".into())]
        );
        assert_eq!(
            parse("/entry/*/changes", true).unwrap(),
            vec![Segment::Key("entry".into()), Segment::Wildcard, Segment::Key("changes".into())]
        );
        assert_eq!(parse("/entry/*", false), Err(PointerError::WildcardNotAllowed));
        assert_eq!(parse("type", false), Err(PointerError::MissingLeadingSlash));
        assert_eq!(parse("/a~2", false), Err(PointerError::BadEscape { offset: 2 }));
    }
}
