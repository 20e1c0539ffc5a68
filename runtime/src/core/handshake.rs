//! Handshakes: challenges, verification probes and pings, answered without capturing anything.

use bytes::Bytes;
use subtle::ConstantTimeEq;
use webhook_definition::{Condition, Handshake, Method, Response, ResponseBody, ResponseValue};

use super::config::{ConfigError, EndpointConfig};
use super::discriminate::{PointerTable, Scope, Source};
use super::request::Reply;
use super::verify::{self, KeyedMac};

/// A compiled condition.
#[derive(Debug)]
enum Cond {
    Equals(Source, String),
    EqualsConfig(Source, Vec<String>),
    Present(Source),
}

impl Cond {
    fn compile(condition: &Condition, config: &EndpointConfig, table: &mut PointerTable) -> Result<Cond, ConfigError> {
        let src = |v, t: &mut PointerTable| Source::compile(v, t).map_err(ConfigError::Definition);
        Ok(match condition {
            Condition::Equals { value, to } => Cond::Equals(src(value, table)?, to.clone()),
            Condition::EqualsConfig { value, config_field } => {
                Cond::EqualsConfig(src(value, table)?, config.values(config_field)?.to_vec())
            }
            Condition::Present { value } => Cond::Present(src(value, table)?),
        })
    }

    fn holds(&self, scope: &Scope<'_, '_>) -> bool {
        match self {
            Cond::Equals(source, to) => scope.read(source).is_some_and(|v| v == to.as_str()),
            Cond::EqualsConfig(source, expected) => scope.read(source).is_some_and(|v| {
                let mut ok = subtle::Choice::from(0);
                for e in expected {
                    ok |= e.as_bytes().ct_eq(v.as_bytes());
                }
                bool::from(ok)
            }),
            Cond::Present(source) => scope.read(source).is_some(),
        }
    }
}

/// A compiled response value.
#[derive(Debug)]
enum Value {
    Literal(String),
    Echo(Source),
    Hmac { key: Box<KeyedMac>, message: Source, encoding: webhook_definition::SignatureEncoding },
}

impl Value {
    fn compile(value: &ResponseValue, config: &EndpointConfig, table: &mut PointerTable) -> Result<Value, ConfigError> {
        Ok(match value {
            ResponseValue::Literal { value } => Value::Literal(value.clone()),
            ResponseValue::Echo { source } => Value::Echo(Source::compile(source, table).map_err(ConfigError::Definition)?),
            ResponseValue::Hmac { algorithm, secret, message, encoding } => {
                let key = config.secrets(secret)?.into_iter().next().ok_or_else(|| ConfigError::Missing {
                    field: secret.config_field.clone(),
                })?;
                Value::Hmac {
                    key: Box::new(KeyedMac::new(*algorithm, &key)),
                    message: Source::compile(message, table).map_err(ConfigError::Definition)?,
                    encoding: *encoding,
                }
            }
        })
    }

    /// The value's text; an absent echo is empty.
    fn render(&self, scope: &Scope<'_, '_>) -> String {
        match self {
            Value::Literal(v) => v.clone(),
            Value::Echo(source) => scope.read(source).map(|v| v.into_owned()).unwrap_or_default(),
            Value::Hmac { key, message, encoding } => {
                let text = scope.read(message).unwrap_or_default();
                verify::encode(&key.mac(&[text.as_bytes()]), *encoding)
            }
        }
    }
}

/// A compiled answer.
#[derive(Debug)]
pub(crate) struct CompiledResponse {
    status: u16,
    body: CompiledBody,
    headers: Vec<(String, Value)>,
}

#[derive(Debug)]
enum CompiledBody {
    Empty,
    Text(Value),
    Json(Vec<(String, Value)>),
}

impl CompiledResponse {
    pub fn compile(response: &Response, config: &EndpointConfig, table: &mut PointerTable) -> Result<Self, ConfigError> {
        Ok(CompiledResponse {
            status: response.status,
            body: match &response.body {
                ResponseBody::Empty => CompiledBody::Empty,
                ResponseBody::Text { value } => CompiledBody::Text(Value::compile(value, config, table)?),
                ResponseBody::JsonObject { fields } => CompiledBody::Json(
                    fields
                        .iter()
                        .map(|f| Ok((f.name.clone(), Value::compile(&f.value, config, table)?)))
                        .collect::<Result<_, ConfigError>>()?,
                ),
            },
            headers: response
                .headers
                .iter()
                .map(|h| Ok((h.name.clone(), Value::compile(&h.value, config, table)?)))
                .collect::<Result<_, ConfigError>>()?,
        })
    }

    /// Renders the answer for a request.
    pub fn render(&self, scope: &Scope<'_, '_>, outcome: String) -> Reply {
        let mut headers = Vec::new();
        let body = match &self.body {
            CompiledBody::Empty => Bytes::new(),
            CompiledBody::Text(v) => {
                headers.push(("Content-Type".to_string(), "text/plain; charset=utf-8".to_string()));
                Bytes::from(v.render(scope))
            }
            CompiledBody::Json(fields) => {
                headers.push(("Content-Type".to_string(), "application/json".to_string()));
                // Written by hand to keep the fields in definition order (serde_json's map
                // sorts its keys).
                let mut text = String::from("{");
                for (i, (name, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        text.push(',');
                    }
                    text.push_str(&serde_json::to_string(name).expect("a string serializes"));
                    text.push(':');
                    text.push_str(&serde_json::to_string(&value.render(scope)).expect("a string serializes"));
                }
                text.push('}');
                Bytes::from(text)
            }
        };
        for (name, value) in &self.headers {
            headers.push((name.clone(), value.render(scope)));
        }
        Reply { status: self.status, headers, body, outcome, notice: None }
    }
}

/// A compiled handshake.
#[derive(Debug)]
pub(crate) struct CompiledHandshake {
    pub name: String,
    pub methods: Vec<Method>,
    when: Vec<Cond>,
    pub verify_signature: bool,
    require: Vec<Cond>,
    response: CompiledResponse,
    /// The value shown to the user, and the message that says what to do with it.
    reveal: Option<(Source, String)>,
}

/// What a handshake makes of a request it recognises.
pub(crate) enum HandshakeOutcome {
    /// A required condition failed: answer 403.
    Forbidden,
    /// Answer this.
    Answer(Reply),
}

impl CompiledHandshake {
    /// Compiles a handshake. One without `when` conditions answers every request of its
    /// methods, so it may only use methods that carry no events (a `HEAD` probe).
    pub fn compile(
        h: &Handshake,
        event_methods: &[Method],
        config: &EndpointConfig,
        table: &mut PointerTable,
    ) -> Result<Self, ConfigError> {
        let conds = |list: &[Condition], t: &mut PointerTable| {
            list.iter().map(|c| Cond::compile(c, config, t)).collect::<Result<Vec<_>, _>>()
        };
        if h.when.is_empty() && h.methods.iter().any(|m| event_methods.contains(m)) {
            return Err(ConfigError::Definition(format!(
                "handshake `{}` has no `when` condition but uses a method that carries events; it would answer every event",
                h.name
            )));
        }
        Ok(CompiledHandshake {
            name: h.name.clone(),
            methods: h.methods.clone(),
            when: conds(&h.when, table)?,
            verify_signature: h.verify_signature,
            require: conds(&h.require, table)?,
            response: CompiledResponse::compile(&h.response, config, table)?,
            reveal: match &h.reveal {
                None => None,
                Some(r) => Some((Source::compile(&r.value, table).map_err(ConfigError::Definition)?, r.message.clone())),
            },
        })
    }

    /// Whether the request is this handshake.
    pub fn recognises(&self, method: Option<Method>, scope: &Scope<'_, '_>) -> bool {
        method.is_some_and(|m| self.methods.contains(&m)) && self.when.iter().all(|c| c.holds(scope))
    }

    /// Answers a recognised (and, when required, verified) request.
    pub fn answer(&self, scope: &Scope<'_, '_>) -> HandshakeOutcome {
        if !self.require.iter().all(|c| c.holds(scope)) {
            return HandshakeOutcome::Forbidden;
        }
        let mut reply = self.response.render(scope, format!("handshake:{}", self.name));
        if let Some((source, message)) = &self.reveal {
            let value = scope.read(source).unwrap_or_default();
            reply.notice = Some(format!("{message} Value: {value}"));
        }
        HandshakeOutcome::Answer(reply)
    }
}
