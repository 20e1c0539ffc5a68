//! Lowering a checked definition to the IR the emitters read: every name, Rust identifier and
//! ordering decided once, deterministically, so emitters only format.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use webhook_definition::schemas;
use webhook_definition::{Authentication, Definition, Expectation, ValueSource};

/// One generated connector, ready to emit.
#[derive(Debug, Clone)]
pub struct Connector {
    /// The vendor id (`stripe`).
    pub id: String,
    /// The crate (`source-stripe-webhook`).
    pub crate_name: String,
    /// The library's Rust name (`source_stripe_webhook`).
    pub lib_name: String,
    /// The definition file, relative to the project root (`vendor-definitions/stripe.yaml`).
    pub source_label: String,
    /// The definition, with every example's `body_file` inlined into `body`.
    pub definition: Definition,
    /// The collections in binding order (event types, then the catch-all).
    pub collections: Vec<CollectionIr>,
    /// Exact discriminator values → event type index, in definition order.
    pub exact_routes: Vec<(String, usize)>,
    /// Glob patterns → event type index, in definition order (tried after exact values).
    pub pattern_routes: Vec<(String, usize)>,
    /// The configuration fields.
    pub config: Vec<ConfigIr>,
    /// The examples, each a group of tests.
    pub examples: Vec<ExampleIr>,
    /// Whether requests are authenticated (tampering must be rejected).
    pub authenticated: bool,
    /// Whether a signed timestamp's age is checked (stale requests must be rejected).
    pub has_tolerance: bool,
    /// Whether the event type varies per request (a constant discriminator has no unknown type).
    pub discriminated: bool,
}

/// A collection and the Rust names that go with it.
#[derive(Debug, Clone)]
pub struct CollectionIr {
    /// The collection's name.
    pub name: String,
    /// Its variant in the generated `Collection` (and `EventType`) enum.
    pub variant: String,
    /// What it holds.
    pub description: String,
    /// Enabled when first discovered.
    pub enabled: bool,
    /// Its index in `events.types`, or `None` for the catch-all.
    pub event_type_index: Option<usize>,
    /// The discriminator values routed to it.
    pub values: Vec<String>,
}

/// A configuration field and its Rust field.
#[derive(Debug, Clone)]
pub struct ConfigIr {
    /// The name in the configuration.
    pub name: String,
    /// The Rust field name (a keyword gets a trailing `_` and a serde rename).
    pub field: String,
    /// A short label.
    pub title: String,
    /// What it is and where to find it.
    pub description: String,
    /// Masked and redacted.
    pub secret: bool,
    /// Needed to start.
    pub required: bool,
    /// Several values allowed (rotation).
    pub multiple: bool,
}

/// An example and the tests generated from it.
#[derive(Debug, Clone)]
pub struct ExampleIr {
    /// The example's name in the definition.
    pub name: String,
    /// The base of its test functions' names (`example_docs_vector`).
    pub test_name: String,
    /// Whether it is captured (and so gets tampered, stale and unknown-type variants).
    pub captured: bool,
}

/// A definition that cannot be lowered.
#[derive(Debug)]
pub enum LowerError {
    /// An example's `body_file` cannot be read.
    Fixture {
        /// The example.
        example: String,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl fmt::Display for LowerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LowerError::Fixture { example, path, source } => {
                write!(f, "example `{example}`: cannot read body file {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for LowerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LowerError::Fixture { source, .. } => Some(source),
        }
    }
}

/// Lowers a checked definition. `fixtures` is the folder its examples' `body_file`s are in.
pub fn lower(mut definition: Definition, source_label: &str, fixtures: &Path) -> Result<Connector, LowerError> {
    for example in &mut definition.examples {
        if let Some(file) = example.request.body_file.take() {
            let path = fixtures.join(&file);
            let body = std::fs::read_to_string(&path)
                .map_err(|source| LowerError::Fixture { example: example.name.clone(), path, source })?;
            example.request.body = Some(body);
        }
    }

    let id = definition.vendor.id.clone();
    let crate_name = format!("source-{id}-webhook");
    let lib_name = crate_name.replace('-', "_");

    let mut variants = UniqueNames::default();
    let collections = schemas::collections(&definition)
        .into_iter()
        .map(|c| CollectionIr {
            variant: variants.claim(upper_camel(&c.name)),
            values: c.event_type_index.map(|i| definition.events.types[i].values.clone()).unwrap_or_default(),
            name: c.name,
            description: c.description,
            enabled: c.enabled,
            event_type_index: c.event_type_index,
        })
        .collect();

    let mut exact_routes = Vec::new();
    let mut pattern_routes = Vec::new();
    for (index, event_type) in definition.events.types.iter().enumerate() {
        for value in &event_type.values {
            if value.contains('*') {
                pattern_routes.push((value.clone(), index));
            } else {
                exact_routes.push((value.clone(), index));
            }
        }
    }

    let mut fields = UniqueNames::default();
    let config = definition
        .config
        .iter()
        .map(|f| ConfigIr {
            name: f.name.clone(),
            field: fields.claim(rust_field(&f.name)),
            title: f.title.clone(),
            description: f.description.clone(),
            secret: f.secret,
            required: f.required,
            multiple: f.multiple,
        })
        .collect();

    // Each example gets a test base name and `_tampered`, `_stale`, `_unknown_type` variants; a
    // base is only taken when all four names are free (example `a_stale` vs example `a`).
    let mut tests = BTreeSet::new();
    let examples = definition
        .examples
        .iter()
        .map(|e| {
            let wanted = format!("example_{}", snake(&e.name));
            let mut base = wanted.clone();
            let mut n = 2;
            while TEST_SUFFIXES.iter().any(|s| tests.contains(&format!("{base}{s}"))) {
                base = format!("{wanted}_{n}");
                n += 1;
            }
            tests.extend(TEST_SUFFIXES.iter().map(|s| format!("{base}{s}")));
            ExampleIr { name: e.name.clone(), test_name: base, captured: matches!(e.expect, Expectation::Captured { .. }) }
        })
        .collect();

    let authenticated = !matches!(definition.authentication, Authentication::None(_));
    let has_tolerance = has_tolerance(&definition.authentication);
    let discriminated = !matches!(definition.events.discriminator, ValueSource::Constant { .. });

    Ok(Connector {
        id,
        crate_name,
        lib_name,
        source_label: source_label.to_string(),
        definition,
        collections,
        exact_routes,
        pattern_routes,
        config,
        examples,
        authenticated,
        has_tolerance,
        discriminated,
    })
}

/// The suffixes of the tests generated per example.
const TEST_SUFFIXES: &[&str] = &["", "_tampered", "_stale", "_unknown_type"];

fn has_tolerance(auth: &Authentication) -> bool {
    match auth {
        Authentication::Hmac(c) => c.tolerance.is_some(),
        Authentication::Ed25519(c) | Authentication::EcdsaP256(c) => c.tolerance.is_some(),
        Authentication::AllOf(all) => all.checks.iter().any(has_tolerance),
        // A request passing another check has no timestamp to go stale, so the stale test
        // (which expects rejection) only applies when every alternative has a tolerance.
        Authentication::AnyOf(any) => any.checks.iter().all(has_tolerance),
        Authentication::None(_)
        | Authentication::StaticToken(_)
        | Authentication::Basic(_)
        | Authentication::BodyToken(_)
        | Authentication::BodyDigest(_) => {
            false
        }
    }
}

/// Hands out names, suffixing `_2`, `_3`, … (or `2`, `3` for CamelCase) on a collision so two
/// definition names that map to one Rust name stay distinct, deterministically.
#[derive(Default)]
struct UniqueNames {
    taken: BTreeSet<String>,
}

impl UniqueNames {
    fn claim(&mut self, wanted: String) -> String {
        let camel = wanted.chars().next().is_some_and(char::is_uppercase);
        let mut name = wanted.clone();
        let mut n = 2;
        while !self.taken.insert(name.clone()) {
            name = if camel { format!("{wanted}{n}") } else { format!("{wanted}_{n}") };
            n += 1;
        }
        name
    }
}

/// `order_created` → `OrderCreated`; a leading digit gets a `N` prefix.
pub fn upper_camel(name: &str) -> String {
    let mut out = String::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'N');
    }
    if matches!(out.as_str(), "Self") {
        out.push('_');
    }
    out
}

/// Any name → a lowercase snake_case Rust identifier fragment.
pub fn snake(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() { "unnamed".to_string() } else { out }
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn", "for",
    "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "static",
    "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do",
    "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// A configuration field name → a Rust field name (keywords get a trailing `_`).
pub fn rust_field(name: &str) -> String {
    let s = snake(name);
    let s = if s.starts_with(|c: char| c.is_ascii_digit()) { format!("n{s}") } else { s };
    if KEYWORDS.contains(&s.as_str()) { format!("{s}_") } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_rust_identifiers() {
        assert_eq!(upper_camel("payment_intent_succeeded"), "PaymentIntentSucceeded");
        assert_eq!(upper_camel("2fa_enabled"), "N2faEnabled");
        assert_eq!(rust_field("type"), "type_");
        assert_eq!(rust_field("signing_secret"), "signing_secret");
        assert_eq!(snake("Docs vector #1"), "docs_vector_1");
    }

    #[test]
    fn collisions_get_distinct_names() {
        let mut names = UniqueNames::default();
        assert_eq!(names.claim(upper_camel("order_v2")), "OrderV2");
        assert_eq!(names.claim(upper_camel("order_v_2")), "OrderV22");
        let mut names = UniqueNames::default();
        assert_eq!(names.claim("example_a".into()), "example_a");
        assert_eq!(names.claim("example_a".into()), "example_a_2");
    }
}
