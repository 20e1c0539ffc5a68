//! The messages of Flow's capture protocol this connector reads, as lenient serde types: unknown
//! fields are ignored (Flow's protos grow), and both the JSON and the proto field names of
//! embedded documents are accepted (`config` / `config_json`, `resourceConfig` /
//! `resource_config_json`).

use serde::Deserialize;
use serde_json::Value;

/// The protocol version every `spec` answer carries.
pub const PROTOCOL: u32 = 3032023;

/// One request line. Exactly one field is set on a well-formed request.
#[derive(Debug, Default, Deserialize)]
pub struct Request {
    /// `spec`.
    pub spec: Option<Value>,
    /// `discover` (its configuration is not needed: the bindings follow from the definition).
    pub discover: Option<Value>,
    /// `validate`.
    pub validate: Option<Validate>,
    /// `apply`.
    pub apply: Option<Value>,
    /// `open`.
    pub open: Option<Open>,
    /// `acknowledge`.
    pub acknowledge: Option<Acknowledge>,
}

/// `validate`.
#[derive(Debug, Deserialize)]
pub struct Validate {
    /// The endpoint configuration.
    #[serde(default, alias = "config_json")]
    pub config: Value,
    /// The bindings to validate.
    #[serde(default)]
    pub bindings: Vec<Binding>,
}

/// A binding of `validate` or `open`.
#[derive(Debug, Deserialize)]
pub struct Binding {
    /// Its resource configuration.
    #[serde(default, rename = "resourceConfig", alias = "resource_config_json", alias = "resource_config")]
    pub resource_config: Value,
}

/// `open`.
#[derive(Debug, Deserialize)]
pub struct Open {
    /// The capture to run.
    pub capture: Capture,
}

/// The capture specification inside `open`.
#[derive(Debug, Deserialize)]
pub struct Capture {
    /// The endpoint configuration.
    #[serde(default, alias = "config_json")]
    pub config: Value,
    /// The bindings; `captured.binding` is an index into this list.
    #[serde(default)]
    pub bindings: Vec<Binding>,
}

/// `acknowledge`.
#[derive(Debug, Deserialize)]
pub struct Acknowledge {
    /// How many of the oldest unacknowledged checkpoints committed (pbjson omits a zero).
    #[serde(default)]
    pub checkpoints: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_unknown_fields_and_accepts_proto_names() {
        let r: Request = serde_json::from_str(
            r#"{"validate":{"name":"a/b","connectorType":"IMAGE","config_json":{"s":"x"},"future":1,
                "bindings":[{"resource_config_json":{"collection":"push"},"backfill":0}]},"$internal":"AA=="}"#,
        )
        .unwrap();
        let v = r.validate.unwrap();
        assert_eq!(v.config["s"], "x");
        assert_eq!(v.bindings[0].resource_config["collection"], "push");
        let a: Request = serde_json::from_str(r#"{"acknowledge":{}}"#).unwrap();
        assert_eq!(a.acknowledge.unwrap().checkpoints, 0);
    }
}
