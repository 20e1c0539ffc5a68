//! Findings about a definition, with stable codes, and how they are shown: human text or one
//! JSON object per line.
//!
//! Codes are stable (tools and people match on them): `WG1xx` YAML syntax, `WG2xx` schema,
//! `WG3xx` semantic, `WG4xx` examples and fixtures, `WG9xx` warnings.

use std::fmt::Write as _;

use serde::Serialize;

use crate::load::Position;

/// What a finding is about. The code is the stable part; the message may improve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// WG101: the text is not YAML.
    YamlSyntax,
    /// WG102: a mapping repeats a key.
    DuplicateKey,
    /// WG103: YAML the format does not use (several documents, complex keys).
    UnsupportedYaml,
    /// WG201: a key the format does not know.
    UnknownKey,
    /// WG202: a value outside a closed set (an enum value, a `type` tag).
    UnknownValue,
    /// WG203: a value of the wrong JSON type.
    WrongType,
    /// WG204: a required key is missing.
    MissingKey,
    /// WG205: a value breaks another schema rule (a pattern, a minimum).
    InvalidValue,
    /// WG206: the schema accepted the file but the typed model did not (a generator bug).
    ModelMismatch,
    /// WG301: an unsupported `spec_version`.
    SpecVersion,
    /// WG302: an event type value listed twice.
    DuplicateEventType,
    /// WG303: a collection named twice.
    DuplicateCollection,
    /// WG304: a name (example, handshake, configuration field) used twice.
    DuplicateName,
    /// WG305: a signed-message template variable that does not exist.
    UnknownTemplateVariable,
    /// WG306: a signed-message template that cannot be parsed.
    BadTemplate,
    /// WG307: a configuration field referenced but not declared.
    UndeclaredConfigField,
    /// WG308: `{timestamp}` or a tolerance without a `timestamp` source.
    TimestampMissing,
    /// WG309: a `signature_field` timestamp without a `key_value_list` `timestamp_key`.
    SignatureFieldWithoutKey,
    /// WG310: a header name that is not a valid HTTP token.
    IllegalHeaderName,
    /// WG311: a JSON pointer that cannot be parsed.
    BadPointer,
    /// WG312: a key-only value source (`content_hash`, `batch_index`) used elsewhere.
    KeyOnlySource,
    /// WG313: `all_of` containing `all_of` or `none`.
    NestedAllOf,
    /// WG314: a configuration field used as a secret but not marked `secret: true`.
    SecretNotMarked,
    /// WG315: `vendor.id` differs from the definition's file name.
    VendorIdMismatch,
    /// WG316: a collection named like one of the connector's own schema files.
    ReservedName,
    /// WG317: an event type's `schema` is not a valid draft-07 JSON Schema.
    InvalidEventSchema,
    /// WG318: a header appears twice in `request.header_aliases` (as a name or an alias), or an
    /// entry lists no aliases.
    HeaderAliasConflict,
    /// WG319: `any_of` containing `none` or `any_of`, or with fewer than two checks.
    InvalidAnyOf,
    /// WG320: `first_of` with fewer than two sources.
    ShortFirstOf,
    /// WG321: a signature location that sets both or neither of `header` and `body_pointer`, or
    /// a signature in the body whose signed message contains `{body}` or `{form_sorted}`.
    SignatureLocationConflict,
    /// WG322: a `timestamp_then_signatures` signature format whose check does not read the
    /// timestamp with the `signature_field` source.
    PositionalTimestampUnread,
    /// WG323: `{url:FIELD}` names a secret or multiple configuration field.
    UrlFieldNotPlain,
    /// WG324: a `body_token` check on a request body that is not JSON.
    BodyTokenNotJson,
    /// WG325: a `batch_item` signature without `events.batch`, with a verified handshake, inside `any_of`, with its
    /// signature outside the item, or signing more than the item's fields.
    BatchItemSignature,
    /// WG326: a `body_digest` check outside an `all_of` with a signature over the query.
    UnsignedBodyDigest,
    /// WG401: an example expects a collection the definition does not have.
    UnknownCollection,
    /// WG402: an example expects a handshake the definition does not have.
    UnknownHandshake,
    /// WG403: an example request sets both `body` and `body_file`.
    BodyConflict,
    /// WG404: an example's `body_file` does not exist.
    FixtureMissing,
    /// WG405: an example's configuration names a field the definition does not declare.
    UnknownExampleConfig,
    /// WG406: a document an example captures (as the runtime builds it) does not match its collection's schema.
    ExampleAgainstSchema,
    /// WG901: a `TODO` marker is left in the definition.
    Todo,
}

impl Code {
    /// Every code, for documentation and coverage tests.
    pub const ALL: &'static [Code] = &[
        Code::YamlSyntax,
        Code::DuplicateKey,
        Code::UnsupportedYaml,
        Code::UnknownKey,
        Code::UnknownValue,
        Code::WrongType,
        Code::MissingKey,
        Code::InvalidValue,
        Code::ModelMismatch,
        Code::SpecVersion,
        Code::DuplicateEventType,
        Code::DuplicateCollection,
        Code::DuplicateName,
        Code::UnknownTemplateVariable,
        Code::BadTemplate,
        Code::UndeclaredConfigField,
        Code::TimestampMissing,
        Code::SignatureFieldWithoutKey,
        Code::IllegalHeaderName,
        Code::BadPointer,
        Code::KeyOnlySource,
        Code::NestedAllOf,
        Code::SecretNotMarked,
        Code::VendorIdMismatch,
        Code::ReservedName,
        Code::InvalidEventSchema,
        Code::HeaderAliasConflict,
        Code::InvalidAnyOf,
        Code::ShortFirstOf,
        Code::SignatureLocationConflict,
        Code::PositionalTimestampUnread,
        Code::UrlFieldNotPlain,
        Code::BodyTokenNotJson,
        Code::BatchItemSignature,
        Code::UnsignedBodyDigest,
        Code::UnknownCollection,
        Code::UnknownHandshake,
        Code::BodyConflict,
        Code::FixtureMissing,
        Code::UnknownExampleConfig,
        Code::ExampleAgainstSchema,
        Code::Todo,
    ];

    /// The stable code, `WG` and three digits.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::YamlSyntax => "WG101",
            Code::DuplicateKey => "WG102",
            Code::UnsupportedYaml => "WG103",
            Code::UnknownKey => "WG201",
            Code::UnknownValue => "WG202",
            Code::WrongType => "WG203",
            Code::MissingKey => "WG204",
            Code::InvalidValue => "WG205",
            Code::ModelMismatch => "WG206",
            Code::SpecVersion => "WG301",
            Code::DuplicateEventType => "WG302",
            Code::DuplicateCollection => "WG303",
            Code::DuplicateName => "WG304",
            Code::UnknownTemplateVariable => "WG305",
            Code::BadTemplate => "WG306",
            Code::UndeclaredConfigField => "WG307",
            Code::TimestampMissing => "WG308",
            Code::SignatureFieldWithoutKey => "WG309",
            Code::IllegalHeaderName => "WG310",
            Code::BadPointer => "WG311",
            Code::KeyOnlySource => "WG312",
            Code::NestedAllOf => "WG313",
            Code::SecretNotMarked => "WG314",
            Code::VendorIdMismatch => "WG315",
            Code::ReservedName => "WG316",
            Code::InvalidEventSchema => "WG317",
            Code::HeaderAliasConflict => "WG318",
            Code::InvalidAnyOf => "WG319",
            Code::ShortFirstOf => "WG320",
            Code::SignatureLocationConflict => "WG321",
            Code::PositionalTimestampUnread => "WG322",
            Code::UrlFieldNotPlain => "WG323",
            Code::BodyTokenNotJson => "WG324",
            Code::BatchItemSignature => "WG325",
            Code::UnsignedBodyDigest => "WG326",
            Code::UnknownCollection => "WG401",
            Code::UnknownHandshake => "WG402",
            Code::BodyConflict => "WG403",
            Code::FixtureMissing => "WG404",
            Code::UnknownExampleConfig => "WG405",
            Code::ExampleAgainstSchema => "WG406",
            Code::Todo => "WG901",
        }
    }

    /// The severity findings with this code have.
    pub fn severity(self) -> Severity {
        match self {
            Code::Todo => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The definition cannot be generated.
    Error,
    /// Worth fixing; fails `check` only with `--deny-warnings`.
    Warning,
}

/// One finding, located in a definition file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// The file, as given on the command line or relative to the project root.
    pub file: String,
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1.
    pub column: usize,
    /// The JSON pointer of the node concerned (`""` for the whole document).
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// What would be accepted there, when it is a closed set (empty otherwise).
    pub expected: Vec<String>,
    /// The closest accepted value, for a misspelling (`null` otherwise).
    pub did_you_mean: Option<String>,
    /// One line on how to fix it (`null` when there is none).
    pub hint: Option<String>,
    /// A suggested edit, when exactly one is plausible (`null` otherwise): replace the text
    /// `replace` that starts at `line`:`column` with `with`. See [`crate::fix`].
    pub fix: Option<crate::fix::Fix>,
}

impl Diagnostic {
    /// A finding at a position; file is filled in by the caller that knows it.
    pub fn new(code: Code, position: Position, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            file: String::new(),
            line: position.line,
            column: position.column,
            pointer: pointer.into(),
            message: message.into(),
            expected: Vec::new(),
            did_you_mean: None,
            hint: None,
            fix: None,
        }
    }

    /// Adds the accepted values.
    pub fn expected(mut self, expected: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.expected = expected.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a did-you-mean suggestion.
    pub fn did_you_mean(mut self, suggestion: Option<String>) -> Self {
        self.did_you_mean = suggestion;
        self
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Whether this finding is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the finding for people: `file:line:col: error[WG201]: …`, the source line with a
    /// caret when the text is given, then expected values, a suggestion and a hint.
    pub fn render_human(&self, source: Option<&str>) -> String {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!(
            "{}:{}:{}: {severity}[{}]: {}\n",
            self.file,
            self.line,
            self.column,
            self.code.as_str(),
            self.message
        );
        if let Some(line) = source.and_then(|s| s.lines().nth(self.line.saturating_sub(1))) {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            let caret = " ".repeat(self.column.saturating_sub(1));
            let _ = writeln!(out, "{pad} |\n{number} | {line}\n{pad} | {caret}^");
        }
        if !self.pointer.is_empty() {
            let _ = writeln!(out, "  = at: {}", self.pointer);
        }
        if !self.expected.is_empty() {
            let _ = writeln!(out, "  = expected one of: {}", self.expected.join(", "));
        }
        if let Some(suggestion) = &self.did_you_mean {
            let _ = writeln!(out, "  = did you mean `{suggestion}`?");
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "  = hint: {hint}");
        }
        if let Some(fix) = &self.fix {
            let _ = writeln!(out, "  = fix: replace `{}` at {}:{} with `{}`", fix.replace, fix.line, fix.column, fix.with);
        }
        out
    }

    /// Renders the finding as one line of JSON. Every field is always present, so consumers
    /// can rely on one shape.
    pub fn render_json(&self) -> String {
        serde_json::to_string(self).expect("a diagnostic always serializes")
    }
}

/// The accepted value closest to a misspelled one, if any is close enough to be a likely typo.
pub fn closest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let given_lower = given.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&given_lower, &c.to_lowercase()), c))
        .filter(|(distance, c)| *distance <= (c.chars().count().max(given.chars().count()) / 3).max(2))
        .min_by_key(|(distance, c)| (*distance, *c))
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(s.len() == 5 && s.starts_with("WG"), "{s}");
            assert!(seen.insert(s), "duplicate code {s}");
        }
    }

    #[test]
    fn suggests_close_values_only() {
        assert_eq!(closest("hmca", ["none", "hmac", "ed25519"]), Some("hmac".into()));
        assert_eq!(closest("sha265", ["sha1", "sha256", "sha512"]), Some("sha256".into()));
        assert_eq!(closest("discriminatr", ["batch", "discriminator"]), Some("discriminator".into()));
        assert_eq!(closest("zzzzzz", ["hmac", "none"]), None);
    }

    #[test]
    fn renders_both_formats() {
        let mut d = Diagnostic::new(Code::UnknownKey, Position { line: 2, column: 3 }, "/vendor/nmae", "unknown key `nmae`")
            .expected(["id", "name"])
            .did_you_mean(Some("name".into()))
            .hint("remove it or correct its spelling");
        d.file = "x.yaml".into();
        let human = d.render_human(Some("vendor:\n  nmae: Acme\n"));
        assert!(human.starts_with("x.yaml:2:3: error[WG201]: unknown key `nmae`\n"), "{human}");
        assert!(human.contains("2 |   nmae: Acme\n  |   ^\n"), "{human}");
        assert!(human.contains("did you mean `name`?"));
        let json: serde_json::Value = serde_json::from_str(&d.render_json()).unwrap();
        assert_eq!(json["code"], "WG201");
        assert_eq!(json["line"], 2);
        assert_eq!(json["did_you_mean"], "name");
        assert_eq!(json["expected"], serde_json::json!(["id", "name"]));
    }
}
