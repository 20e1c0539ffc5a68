//! The endpoint configuration a connector runs with, validated against its definition.

use std::collections::BTreeMap;
use std::fmt;

use webhook_definition::{Definition, SecretRef};

use super::encoding;

/// Why a connector cannot start with a configuration (or a definition). Fail closed: every
/// problem that would weaken authentication is one of these, never a silent accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// The configuration is not a JSON object.
    NotAnObject,
    /// A required field is absent or empty.
    Missing {
        /// The field.
        field: String,
    },
    /// A field holds something other than a string (or, with `multiple: true`, a list of
    /// strings).
    WrongType {
        /// The field.
        field: String,
        /// What it must hold.
        expected: &'static str,
    },
    /// A secret cannot be decoded into key bytes.
    UndecodableSecret {
        /// The field.
        field: String,
        /// What is wrong (never the secret itself).
        reason: String,
    },
    /// A public key cannot be parsed.
    BadPublicKey {
        /// The field.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// The definition itself is inconsistent (the generator should have refused it).
    Definition(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::NotAnObject => write!(f, "the endpoint configuration must be a JSON object"),
            ConfigError::Missing { field } => {
                write!(f, "configuration field `{field}` is required: set it to the value from the vendor's dashboard")
            }
            ConfigError::WrongType { field, expected } => write!(f, "configuration field `{field}` must be {expected}"),
            ConfigError::UndecodableSecret { field, reason } => {
                write!(f, "configuration field `{field}` {reason}; copy the secret exactly as the vendor shows it")
            }
            ConfigError::BadPublicKey { field, reason } => {
                write!(f, "configuration field `{field}` {reason}; copy the public key exactly as the vendor shows it")
            }
            ConfigError::Definition(reason) => write!(f, "the vendor definition is inconsistent: {reason}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// A validated endpoint configuration: field → its values (one, or several for `multiple`).
#[derive(Clone, Default)]
pub(crate) struct EndpointConfig {
    values: BTreeMap<String, Vec<String>>,
    /// Optional fields left unset: a secret among them verifies nothing (fail closed).
    unset_optional: Vec<String>,
}

impl fmt::Debug for EndpointConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.values.keys().map(|k| (k, "…"))).finish()
    }
}

impl EndpointConfig {
    /// Reads and checks a configuration: required fields present and non-empty, strings (or
    /// lists of strings where `multiple`). Fields the definition does not declare are ignored.
    pub fn from_json(definition: &Definition, config: &serde_json::Value) -> Result<EndpointConfig, ConfigError> {
        let object = config.as_object().ok_or(ConfigError::NotAnObject)?;
        let mut values = BTreeMap::new();
        let mut unset_optional = Vec::new();
        for field in &definition.config {
            let list = match object.get(&field.name) {
                None | Some(serde_json::Value::Null) => Vec::new(),
                Some(serde_json::Value::String(s)) => vec![s.clone()],
                Some(serde_json::Value::Array(items)) if field.multiple => items
                    .iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| ConfigError::WrongType { field: field.name.clone(), expected: "a list of strings" })?,
                Some(_) => {
                    return Err(ConfigError::WrongType {
                        field: field.name.clone(),
                        expected: if field.multiple { "a string or a list of strings" } else { "a string" },
                    });
                }
            };
            let list: Vec<String> = list.into_iter().filter(|s| !s.is_empty()).collect();
            if list.is_empty() {
                if field.required {
                    return Err(ConfigError::Missing { field: field.name.clone() });
                }
                unset_optional.push(field.name.clone());
                continue;
            }
            values.insert(field.name.clone(), list);
        }
        Ok(EndpointConfig { values, unset_optional })
    }

    /// The values of a field; an error when the definition references a field it does not
    /// declare or that is not set.
    pub fn values(&self, field: &str) -> Result<&[String], ConfigError> {
        self.values.get(field).map(Vec::as_slice).ok_or_else(|| ConfigError::Missing { field: field.to_string() })
    }

    /// The single value of a field (the first, for a `multiple` field).
    pub fn single(&self, field: &str) -> Result<&str, ConfigError> {
        Ok(self.values(field)?[0].as_str())
    }

    /// Every configured secret's key bytes for a secret reference: none for an optional field
    /// left unset (nothing then verifies: fail closed).
    pub fn secrets(&self, secret: &SecretRef) -> Result<Vec<Vec<u8>>, ConfigError> {
        if self.unset_optional.iter().any(|f| *f == secret.config_field) {
            return Ok(Vec::new());
        }
        self.values(&secret.config_field)?
            .iter()
            .map(|text| {
                encoding::decode_secret(text, secret.decoding)
                    .map_err(|reason| ConfigError::UndecodableSecret { field: secret.config_field.clone(), reason })
            })
            .collect()
    }

    /// Whether a field is optional and was left unset.
    pub fn is_unset(&self, field: &str) -> bool {
        self.unset_optional.iter().any(|f| f == field)
    }

    /// The configured values of every field marked `secret` (redacted from documents).
    pub fn secret_values(&self, definition: &Definition) -> Vec<String> {
        definition
            .config
            .iter()
            .filter(|f| f.secret)
            .filter_map(|f| self.values.get(&f.name))
            .flatten()
            .cloned()
            .collect()
    }
}
