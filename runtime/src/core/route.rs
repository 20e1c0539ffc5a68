//! Routing an event type to its binding: exact values first, then glob patterns in definition
//! order. Generated connectors compile the same rules into a `match`; [`route_by_definition`]
//! is the reference they are tested against.

use webhook_definition::Definition;

/// Whether `value` matches `pattern`, where `*` matches any run of characters (including none)
/// and every other character matches itself.
pub fn glob_match(pattern: &str, value: &str) -> bool {
    let (p, v) = (pattern.as_bytes(), value.as_bytes());
    let (mut pi, mut vi) = (0, 0);
    // The last `*` seen and the value position it is currently matched up to.
    let mut star: Option<(usize, usize)> = None;
    while vi < v.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, vi));
            pi += 1;
        } else if pi < p.len() && p[pi] == v[vi] {
            pi += 1;
            vi += 1;
        } else if let Some((sp, sv)) = star {
            // Let the star swallow one more character and retry.
            pi = sp + 1;
            vi = sv + 1;
            star = Some((sp, sv + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&b| b == b'*')
}

/// Whether a definition value is a glob pattern.
pub fn is_pattern(value: &str) -> bool {
    value.contains('*')
}

/// The index in `definition.events.types` of the type `value` belongs to: an exact value
/// anywhere wins; otherwise the first type (in definition order) with a matching pattern.
pub fn route_by_definition(definition: &Definition, value: &str) -> Option<usize> {
    let types = &definition.events.types;
    types
        .iter()
        .position(|t| t.values.iter().any(|v| !is_pattern(v) && v == value))
        .or_else(|| types.iter().position(|t| t.values.iter().any(|v| is_pattern(v) && glob_match(v, value))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("customer.subscription.*", "customer.subscription.updated"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "aXbYbZc"));
        assert!(glob_match("*.created", "order.created"));
        assert!(!glob_match("*.created", "order.created.x"));
        assert!(!glob_match("a*b", "a"));
        assert!(glob_match("exact", "exact"));
        assert!(!glob_match("exact", "exac"));
        assert!(glob_match("order.*", "order."));
        assert!(!glob_match("order.*", "orders"));
        assert!(!glob_match("ab*ba", "aba"));
        assert!(!glob_match("exact", "exactly"));
    }
}
