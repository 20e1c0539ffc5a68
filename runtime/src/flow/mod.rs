//! Flow mode: Estuary Flow's capture protocol over JSON lines on stdin/stdout.
//!
//! Unary requests (`spec`, `discover`, `validate`, `apply`) are answered in order until EOF or
//! `open`. After `open` the connector answers `opened` (explicit acknowledgements), serves
//! HTTP, writes one transaction per request and reads `acknowledge` lines until stdin closes.

mod protocol;
mod transactor;

pub use protocol::PROTOCOL;
pub use transactor::{AckError, Acknowledger, FlowError, FlowSink};

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::sync::Arc;

use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::Vendor;
use crate::definition::schemas::{self, Collection};
use crate::limits::Limits;
use crate::metrics::Metrics;
use crate::server::{self, App, Decide};
use crate::sink::Sink;

/// Builds the core's decision maker from an endpoint configuration, or says what is wrong with
/// the configuration.
pub type BuildDecider = dyn Fn(&'static dyn Vendor, &Value) -> Result<Arc<dyn Decide>, String> + Send + Sync;

/// How Flow mode runs.
pub struct FlowOptions {
    /// Where the HTTP server listens after `open`.
    pub listen: SocketAddr,
    /// The server's limits.
    pub limits: Limits,
    /// The documentation URL answered in `spec` (`DOCS_URL`, else the vendor's documentation).
    pub documentation_url: Option<String>,
}

/// A failure that ends Flow mode; the process exits non-zero after logging it.
#[derive(Debug)]
pub enum FlowModeError {
    /// A request line is not JSON of the protocol's shape.
    BadRequest(String),
    /// The request is well-formed but cannot be served (bad configuration, bad bindings).
    Invalid(String),
    /// Reading stdin or writing stdout failed.
    Io(std::io::Error),
    /// The runtime acknowledged checkpoints that were never written.
    Protocol(AckError),
}

impl std::fmt::Display for FlowModeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FlowModeError::BadRequest(e) => write!(f, "unreadable protocol request: {e}"),
            FlowModeError::Invalid(e) => f.write_str(e),
            FlowModeError::Io(e) => write!(f, "protocol I/O failed: {e}"),
            FlowModeError::Protocol(e) => write!(f, "protocol violation: {e}"),
        }
    }
}

impl std::error::Error for FlowModeError {}

impl From<std::io::Error> for FlowModeError {
    fn from(e: std::io::Error) -> Self {
        FlowModeError::Io(e)
    }
}

/// Runs Flow mode until stdin closes. Must be called outside any tokio runtime: `open` starts one.
pub fn run(
    vendor: &'static dyn Vendor,
    build: &BuildDecider,
    mut input: Box<dyn BufRead + Send>,
    mut output: Box<dyn Write + Send>,
    options: FlowOptions,
) -> Result<(), FlowModeError> {
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(()); // EOF: every unary request was answered
        }
        if line.trim().is_empty() {
            continue;
        }
        let request: protocol::Request =
            serde_json::from_str(&line).map_err(|e| FlowModeError::BadRequest(e.to_string()))?;
        let response = if request.spec.is_some() {
            spec(vendor, &options)
        } else if request.discover.is_some() {
            discover(vendor)
        } else if let Some(validate) = request.validate {
            self::validate(vendor, build, &validate)?
        } else if request.apply.is_some() {
            json!({"applied": {}})
        } else if let Some(open) = request.open {
            return self::open(vendor, build, open, input, output, options);
        } else if request.acknowledge.is_some() {
            return Err(FlowModeError::BadRequest("acknowledge before open".into()));
        } else {
            tracing::debug!("ignoring a request with no known field");
            continue;
        };
        serde_json::to_writer(&mut output, &response).map_err(|e| FlowModeError::Io(e.into()))?;
        output.write_all(b"\n")?;
        output.flush()?;
    }
}

/// The `spec` response.
pub fn spec(vendor: &'static dyn Vendor, options: &FlowOptions) -> Value {
    let definition = vendor.definition();
    json!({"spec": {
        "protocol": PROTOCOL,
        "configSchema": schemas::endpoint_config(definition),
        "resourceConfigSchema": schemas::resource_config(definition),
        "documentationUrl": options.documentation_url.clone().unwrap_or_else(|| definition.vendor.documentation_url.clone()),
        "resourcePathPointers": schemas::RESOURCE_PATH_POINTERS,
    }})
}

/// The `discovered` response: one binding per collection, in binding order.
pub fn discover(vendor: &'static dyn Vendor) -> Value {
    let definition = vendor.definition();
    let fallback = schemas::key_is_fallback(definition);
    let bindings: Vec<Value> = schemas::collections(definition)
        .iter()
        .map(|collection| {
            let mut document_schema = schemas::document(definition, collection);
            if let Value::Object(map) = &mut document_schema {
                // Let Flow widen the schema from what actually arrives.
                map.entry("x-infer-schema").or_insert(Value::Bool(true));
            }
            let mut binding = json!({
                "recommendedName": collection.name,
                "resourceConfig": {"collection": collection.name},
                "documentSchema": document_schema,
                "key": [schemas::DOCUMENT_KEY_POINTER],
                "resourcePath": [collection.name],
            });
            if fallback {
                binding["isFallbackKey"] = json!(true);
            }
            if !collection.enabled {
                binding["disable"] = json!(true);
            }
            binding
        })
        .collect();
    json!({"discovered": {"bindings": bindings}})
}

/// Maps each binding to its collection, rejecting unknown and duplicate collections.
fn bind(vendor: &'static dyn Vendor, bindings: &[protocol::Binding]) -> Result<Vec<Collection>, FlowModeError> {
    let known = schemas::collections(vendor.definition());
    let mut out: Vec<Collection> = Vec::with_capacity(bindings.len());
    for (i, binding) in bindings.iter().enumerate() {
        let Some(name) = binding.resource_config.get("collection").and_then(Value::as_str) else {
            return Err(FlowModeError::Invalid(format!(
                "binding {i}: its resource configuration must name a collection, as in {{\"collection\": \"{}\"}}",
                known.first().map_or("…", |c| c.name.as_str())
            )));
        };
        let Some(collection) = known.iter().find(|c| c.name == name) else {
            let names: Vec<&str> = known.iter().map(|c| c.name.as_str()).collect();
            return Err(FlowModeError::Invalid(format!(
                "binding {i}: {} sends no collection {name:?}; the collections are: {}",
                vendor.definition().vendor.name,
                names.join(", ")
            )));
        };
        if let Some(first) = out.iter().position(|c| c.name == name) {
            return Err(FlowModeError::Invalid(format!(
                "bindings {first} and {i} both capture collection {name:?}: each event would be captured twice; remove one"
            )));
        }
        out.push(collection.clone());
    }
    Ok(out)
}

fn validate(
    vendor: &'static dyn Vendor,
    build: &BuildDecider,
    request: &protocol::Validate,
) -> Result<Value, FlowModeError> {
    build(vendor, &request.config)
        .map_err(|e| FlowModeError::Invalid(format!("the endpoint configuration is invalid: {e}")))?;
    let bound = bind(vendor, &request.bindings)?;
    let bindings: Vec<Value> = bound.iter().map(|c| json!({"resourcePath": [c.name]})).collect();
    Ok(json!({"validated": {"bindings": bindings}}))
}

/// What stops the capture once it runs.
enum Stop {
    /// stdin closed.
    Eof,
    /// SIGTERM or SIGINT.
    Signal,
    /// A protocol violation or an I/O failure.
    Failed(FlowModeError),
}

fn open(
    vendor: &'static dyn Vendor,
    build: &BuildDecider,
    request: protocol::Open,
    input: Box<dyn BufRead + Send>,
    mut output: Box<dyn Write + Send>,
    options: FlowOptions,
) -> Result<(), FlowModeError> {
    let decider = build(vendor, &request.capture.config)
        .map_err(|e| FlowModeError::Invalid(format!("the endpoint configuration is invalid: {e}")))?;
    let bound = bind(vendor, &request.capture.bindings)?;
    let bindings: HashMap<String, usize> = bound.iter().enumerate().map(|(i, c)| (c.name.clone(), i)).collect();

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let mut signals = crate::shutdown::Signals::install()?;
        // Bind before `opened`, so whoever reads `opened` can connect at once.
        let listener = tokio::net::TcpListener::bind(options.listen).await?;
        output.write_all(b"{\"opened\":{\"explicitAcknowledgements\":true}}\n")?;
        output.flush()?;
        let (sink, acknowledger) = transactor::start(output, bindings);
        let names = schemas::collections(vendor.definition()).into_iter().map(|c| c.name).collect();
        let app = Arc::new(App::new(
            vendor.definition(),
            decider,
            Sink::Flow(sink),
            options.limits.clone(),
            Arc::new(Metrics::new(names)),
        ));
        let running = server::serve(listener, app)?;
        if bound.is_empty() {
            tracing::info!(eventType = "connectorStatus", addr = %running.addr, "listening, but no bindings are enabled: events are answered and not captured");
        } else {
            tracing::info!(eventType = "connectorStatus", addr = %running.addr, bindings = bound.len(), "listening for connections");
        }

        let (stops, mut stopped) = mpsc::unbounded_channel::<Stop>();
        spawn_ack_reader(input, acknowledger.clone(), stops.clone());
        tokio::spawn(async move {
            signals.recv().await;
            let _ = stops.send(Stop::Signal);
        });
        let stop = stopped.recv().await.unwrap_or(Stop::Eof);
        match &stop {
            Stop::Eof => tracing::info!(pending = acknowledger.pending(), "stdin closed; stopping"),
            Stop::Signal => tracing::info!("signalled; stopping"),
            Stop::Failed(e) => tracing::error!(error = %e, "stopping"),
        }
        if !matches!(stop, Stop::Signal) {
            // Nothing pending will be acknowledged now: answer those requests 503 at once.
            acknowledger.abandon();
        }
        running.shutdown();
        running.stopped().await;
        // A signal stops the server first; whatever is still pending cannot commit any more.
        acknowledger.abandon();
        match stop {
            Stop::Failed(e) => Err(e),
            Stop::Eof | Stop::Signal => Ok(()),
        }
    })
}

/// Reads `acknowledge` lines until EOF on a thread of its own (stdin is blocking).
fn spawn_ack_reader(
    mut input: Box<dyn BufRead + Send>,
    acknowledger: Acknowledger,
    stops: mpsc::UnboundedSender<Stop>,
) {
    std::thread::Builder::new()
        .name("flow-acks".into())
        .spawn(move || {
            let mut line = String::new();
            let stop = loop {
                line.clear();
                match input.read_line(&mut line) {
                    Ok(0) => break Stop::Eof,
                    Err(e) => break Stop::Failed(FlowModeError::Io(e)),
                    Ok(_) => {}
                }
                if line.trim().is_empty() {
                    continue;
                }
                let request: protocol::Request = match serde_json::from_str(&line) {
                    Ok(r) => r,
                    Err(e) => break Stop::Failed(FlowModeError::BadRequest(e.to_string())),
                };
                if let Some(ack) = request.acknowledge {
                    if let Err(e) = acknowledger.acknowledge(ack.checkpoints) {
                        break Stop::Failed(FlowModeError::Protocol(e));
                    }
                } else if request.spec.is_some()
                    || request.discover.is_some()
                    || request.validate.is_some()
                    || request.apply.is_some()
                    || request.open.is_some()
                {
                    break Stop::Failed(FlowModeError::BadRequest("only acknowledge may follow open".into()));
                }
            };
            let _ = stops.send(stop);
        })
        .expect("spawning the Flow acknowledgement reader");
}
