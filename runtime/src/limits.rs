//! The bounds every connector enforces, in both modes, and where they come from.
//!
//! Defaults suit webhooks: bodies are small, vendors time out after 5–30 s and retry. Each bound
//! can be changed with an environment variable (Flow mode has no command line), and the body
//! limit also with `serve --max-body-bytes`.

use std::time::Duration;

use crate::definition::Definition;

/// The bounds of the HTTP server.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// The largest body accepted, counted after decompression (`WEBHOOK_MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
    /// How long a client may take to send a request's headers (`WEBHOOK_HEADER_TIMEOUT_MS`).
    /// Closes slowloris connections; hyper enforces it only because a timer is installed.
    pub header_read_timeout: Duration,
    /// How long a client may take to send a body once its headers arrived; past it the answer
    /// is 408 (`WEBHOOK_BODY_TIMEOUT_MS`).
    pub body_read_timeout: Duration,
    /// The most connections open at once; further clients wait in the listen backlog
    /// (`WEBHOOK_MAX_CONNECTIONS`).
    pub max_connections: usize,
    /// The most webhook requests being processed at once; past it the answer is 503 with
    /// `Retry-After` at once (`WEBHOOK_MAX_IN_FLIGHT`).
    pub max_in_flight: usize,
    /// The most body bytes (raw and decoded) held by requests in flight; past it the answer is
    /// 503 with `Retry-After` (`WEBHOOK_MAX_IN_FLIGHT_BYTES`). Bounds memory under a flood of
    /// large bodies, which arrive before anything is authenticated.
    pub max_in_flight_bytes: usize,
    /// How long a request may wait for its commit before it is answered 503, so the vendor
    /// retries instead of timing out on us (`WEBHOOK_HANDLER_DEADLINE_MS`).
    pub handler_deadline: Duration,
    /// How long a shutdown waits for in-flight requests.
    pub shutdown_grace: Duration,
    /// The `Retry-After` (seconds) sent with 503s.
    pub retry_after_seconds: u32,
}

/// The default body limit: 16 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// The handler deadline when the definition gives no vendor timeout: below GitHub's 10 s.
pub const DEFAULT_HANDLER_DEADLINE: Duration = Duration::from_secs(9);

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(20),
            max_connections: 4096,
            max_in_flight: 1024,
            max_in_flight_bytes: 256 * 1024 * 1024,
            handler_deadline: DEFAULT_HANDLER_DEADLINE,
            shutdown_grace: Duration::from_secs(10),
            retry_after_seconds: 1,
        }
    }
}

/// A limit set in the environment that is not a positive integer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitError {
    /// The variable.
    pub variable: &'static str,
    /// Its value.
    pub value: String,
}

impl std::fmt::Display for LimitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={:?} is not a positive integer", self.variable, self.value)
    }
}

impl std::error::Error for LimitError {}

impl Limits {
    /// The defaults for a vendor: the handler deadline is one second below the vendor's
    /// documented response timeout (at least one second), or 9 s when it documents none.
    pub fn for_vendor(definition: &Definition) -> Limits {
        let handler_deadline = match definition.delivery.timeout_seconds {
            Some(t) => Duration::from_secs(u64::from(t.saturating_sub(1).max(1))).min(DEFAULT_HANDLER_DEADLINE),
            None => DEFAULT_HANDLER_DEADLINE,
        };
        Limits { handler_deadline, ..Limits::default() }
    }

    /// These limits with the `WEBHOOK_*` environment variables applied.
    pub fn with_env(self) -> Result<Limits, LimitError> {
        self.with_lookup(|name| std::env::var(name).ok())
    }

    /// These limits with overrides read through `lookup` (the environment, in production).
    pub fn with_lookup(mut self, lookup: impl Fn(&str) -> Option<String>) -> Result<Limits, LimitError> {
        let read = |variable: &'static str| -> Result<Option<u64>, LimitError> {
            match lookup(variable) {
                None => Ok(None),
                Some(value) => match value.trim().parse::<u64>() {
                    Ok(n) if n > 0 => Ok(Some(n)),
                    _ => Err(LimitError { variable, value }),
                },
            }
        };
        if let Some(n) = read("WEBHOOK_MAX_BODY_BYTES")? {
            self.max_body_bytes = n as usize;
        }
        if let Some(n) = read("WEBHOOK_HEADER_TIMEOUT_MS")? {
            self.header_read_timeout = Duration::from_millis(n);
        }
        if let Some(n) = read("WEBHOOK_BODY_TIMEOUT_MS")? {
            self.body_read_timeout = Duration::from_millis(n);
        }
        if let Some(n) = read("WEBHOOK_MAX_CONNECTIONS")? {
            self.max_connections = n as usize;
        }
        if let Some(n) = read("WEBHOOK_MAX_IN_FLIGHT")? {
            self.max_in_flight = n as usize;
        }
        if let Some(n) = read("WEBHOOK_MAX_IN_FLIGHT_BYTES")? {
            self.max_in_flight_bytes = n as usize;
        }
        if let Some(n) = read("WEBHOOK_HANDLER_DEADLINE_MS")? {
            self.handler_deadline = Duration::from_millis(n);
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_and_rejects_garbage() {
        let limits =
            Limits::default().with_lookup(|v| (v == "WEBHOOK_MAX_BODY_BYTES").then(|| "1024".to_string())).unwrap();
        assert_eq!(limits.max_body_bytes, 1024);
        assert_eq!(limits.max_in_flight, Limits::default().max_in_flight);
        let err =
            Limits::default().with_lookup(|v| (v == "WEBHOOK_MAX_IN_FLIGHT").then(|| "0".to_string())).unwrap_err();
        assert_eq!(err.variable, "WEBHOOK_MAX_IN_FLIGHT");
    }
}
