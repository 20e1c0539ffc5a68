//! The signed-message template language: literal text with `{variable}` placeholders.
//!
//! A deliberately tiny language, validated at `check` time, never a general template engine.
//! `{{` and `}}` are literal braces.

use std::fmt;

/// The variable names a template may use, for the schema and for did-you-mean hints.
/// `header:`, `config:`, `url:` and `body_pointer:` take a name (a JSON pointer) after the colon.
pub const VARIABLE_NAMES: &[&str] = &[
    "body",
    "timestamp",
    "method",
    "path",
    "path_uri_encoded",
    "form_sorted",
    "header:NAME",
    "config:FIELD",
    "body_pointer:POINTER",
    "url:FIELD",
    "signed_headers:NAME",
];

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Part {
    /// Literal text.
    Literal(String),
    /// The raw request body, byte for byte.
    Body,
    /// The signed timestamp's raw text, as the check's `timestamp` finds it.
    Timestamp,
    /// The request method (`POST`).
    Method,
    /// The request path with its query string, as received.
    Path,
    /// The request path and query as Contentful's signer writes them: the query (after the
    /// first `?`, up to any second `?`) escaped like Node's `querystring.escape`, then the whole
    /// escaped like JavaScript's `encodeURI` (so `%` becomes `%25`); an empty query drops `?`.
    PathUriEncoded,
    /// The form fields sorted by name, each written as name then value with nothing between;
    /// a repeated name's values sorted, duplicates dropped (Twilio).
    FormSorted,
    /// A request header's value (empty when absent).
    Header(String),
    /// A configuration field's value (a public URL the vendor signs, say).
    Config(String),
    /// The text of a scalar field of the JSON body, named by a JSON pointer without wildcard
    /// (Mailgun signs `/signature/timestamp` and `/signature/token`): a string's unescaped
    /// value, a number or boolean as written; empty when absent.
    BodyPointer(String),
    /// The URL the vendor called: a configuration field's public base URL (scheme, host,
    /// optional port and path prefix, no trailing `/`) followed by the request's path and query.
    /// Senders write the URL with or without the scheme's default port (`:443`, `:80`), so a
    /// check tries both forms (Twilio).
    Url(String),
    /// The headers a request says it signed: the named header lists header names separated by
    /// commas (Contentful's `x-contentful-signed-headers`); each listed header is written as
    /// its lowercase name, `:`, and its value, and the entries are joined with `;`, in the
    /// listed order. A listed header the request lacks fails the check, and so does a list
    /// that omits the check's timestamp header (else an old request could be replayed with a
    /// fresh, unsigned timestamp).
    SignedHeaders(String),
}

/// Why a template cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// Byte offset in the template where the problem starts.
    pub offset: usize,
    /// What is wrong.
    pub kind: TemplateErrorKind,
}

/// What is wrong with a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateErrorKind {
    /// A `{` without its `}`.
    Unclosed,
    /// A lone `}` (write `}}` for a literal brace).
    UnmatchedClose,
    /// A variable that does not exist.
    UnknownVariable(String),
    /// `header:` or `config:` without a name.
    MissingName(String),
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            TemplateErrorKind::Unclosed => write!(f, "`{{` at byte {} has no closing `}}`", self.offset),
            TemplateErrorKind::UnmatchedClose => {
                write!(f, "`}}` at byte {} closes nothing (write `}}}}` for a literal brace)", self.offset)
            }
            TemplateErrorKind::UnknownVariable(name) => write!(
                f,
                "unknown template variable `{{{name}}}` at byte {}; expected one of {}",
                self.offset,
                VARIABLE_NAMES.iter().map(|v| format!("`{{{v}}}`")).collect::<Vec<_>>().join(", ")
            ),
            TemplateErrorKind::MissingName(prefix) => {
                write!(f, "`{{{prefix}:}}` at byte {} needs a name after the colon", self.offset)
            }
        }
    }
}

impl std::error::Error for TemplateError {}

/// Parses a template into its parts. Adjacent literal text is merged.
pub fn parse(template: &str) -> Result<Vec<Part>, TemplateError> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let bytes = template.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' if bytes.get(i + 1) == Some(&b'{') => {
                literal.push('{');
                i += 2;
            }
            b'}' if bytes.get(i + 1) == Some(&b'}') => {
                literal.push('}');
                i += 2;
            }
            b'}' => return Err(TemplateError { offset: i, kind: TemplateErrorKind::UnmatchedClose }),
            b'{' => {
                let Some(len) = template[i + 1..].find('}') else {
                    return Err(TemplateError { offset: i, kind: TemplateErrorKind::Unclosed });
                };
                let name = &template[i + 1..i + 1 + len];
                let part = variable(name).map_err(|kind| TemplateError { offset: i, kind })?;
                if !literal.is_empty() {
                    parts.push(Part::Literal(std::mem::take(&mut literal)));
                }
                parts.push(part);
                i += len + 2;
            }
            _ => {
                // Copy the whole UTF-8 character.
                let c = template[i..].chars().next().expect("i is on a char boundary");
                literal.push(c);
                i += c.len_utf8();
            }
        }
    }
    if !literal.is_empty() {
        parts.push(Part::Literal(literal));
    }
    Ok(parts)
}

fn variable(name: &str) -> Result<Part, TemplateErrorKind> {
    let trimmed = name.trim();
    match trimmed {
        "body" => return Ok(Part::Body),
        "timestamp" => return Ok(Part::Timestamp),
        "method" => return Ok(Part::Method),
        "path" => return Ok(Part::Path),
        "path_uri_encoded" => return Ok(Part::PathUriEncoded),
        "form_sorted" => return Ok(Part::FormSorted),
        _ => {}
    }
    for (prefix, make) in
        [("header", Part::Header as fn(String) -> Part), ("config", Part::Config), ("body_pointer", Part::BodyPointer), ("url", Part::Url), ("signed_headers", Part::SignedHeaders)]
    {
        if let Some(rest) = trimmed.strip_prefix(prefix).and_then(|r| r.strip_prefix(':')) {
            let rest = rest.trim();
            if rest.is_empty() {
                return Err(TemplateErrorKind::MissingName(prefix.to_string()));
            }
            return Ok(make(rest.to_string()));
        }
    }
    Err(TemplateErrorKind::UnknownVariable(name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_vendor_templates() {
        assert_eq!(parse("{body}").unwrap(), vec![Part::Body]);
        assert_eq!(
            parse("v0:{timestamp}:{body}").unwrap(),
            vec![Part::Literal("v0:".into()), Part::Timestamp, Part::Literal(":".into()), Part::Body]
        );
        assert_eq!(
            parse("{header:webhook-id}.{timestamp}.{body}").unwrap(),
            vec![
                Part::Header("webhook-id".into()),
                Part::Literal(".".into()),
                Part::Timestamp,
                Part::Literal(".".into()),
                Part::Body
            ]
        );
        assert_eq!(parse("{{x}}{config:url}").unwrap(), vec![Part::Literal("{x}".into()), Part::Config("url".into())]);
        assert_eq!(
            parse("{body_pointer:/signature/timestamp}{body_pointer:/signature/token}").unwrap(),
            vec![Part::BodyPointer("/signature/timestamp".into()), Part::BodyPointer("/signature/token".into())]
        );
        assert_eq!(parse("{url:public_url}{form_sorted}").unwrap(), vec![Part::Url("public_url".into()), Part::FormSorted]);
        assert_eq!(
            parse("{method}\n{signed_headers:x-contentful-signed-headers}").unwrap(),
            vec![Part::Method, Part::Literal("\n".into()), Part::SignedHeaders("x-contentful-signed-headers".into())]
        );
    }

    #[test]
    fn reports_errors_with_offsets() {
        assert_eq!(
            parse("{timestmp}.{body}").unwrap_err(),
            TemplateError { offset: 0, kind: TemplateErrorKind::UnknownVariable("timestmp".into()) }
        );
        assert_eq!(parse("ab{body").unwrap_err().kind, TemplateErrorKind::Unclosed);
        assert_eq!(parse("a}b").unwrap_err().kind, TemplateErrorKind::UnmatchedClose);
        assert_eq!(parse("{header:}").unwrap_err().kind, TemplateErrorKind::MissingName("header".into()));
    }
}
