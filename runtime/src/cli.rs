//! The command line of every connector binary: Flow mode, `serve` and `export`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::SystemTime;

use serde_json::Value;

use crate::Vendor;
use crate::core::{Decision, Processor, WebhookRequest};
use crate::definition::schemas;
use crate::flow::{self, FlowOptions};
use crate::limits::Limits;
use crate::metrics::Metrics;
use crate::server::{self, App, Decide};
use crate::sink::Sink;
use crate::store::{self, Store, StoreOptions};

const USAGE: &str = "\
usage:
  {bin}
                                          Flow capture mode (JSON lines on stdin/stdout)
  {bin} serve --config FILE [--data-dir DIR] [--port N] [--host ADDR] [--max-body-bytes N]
                                          standalone: serve webhooks into the SQLite store
  {bin} export [--data-dir DIR] [--collection NAME]
                                          print stored documents, one JSON object per line

The endpoint configuration FILE is YAML or JSON (see schemas/config.schema.json).
Port: --port, else $PORT, else 8080. Host: --host, else $HOST, else 0.0.0.0. Data dir: ./data.
Limits: WEBHOOK_MAX_BODY_BYTES, WEBHOOK_HEADER_TIMEOUT_MS, WEBHOOK_BODY_TIMEOUT_MS,
WEBHOOK_MAX_CONNECTIONS, WEBHOOK_MAX_IN_FLIGHT, WEBHOOK_MAX_IN_FLIGHT_BYTES,
WEBHOOK_HANDLER_DEADLINE_MS. Logs: LOG_LEVEL.
";

impl Decide for Processor {
    fn decide(&self, request: &WebhookRequest, now: SystemTime) -> Decision {
        self.process(request, now)
    }
}

/// Builds the core's processor for an endpoint configuration.
fn build_processor(vendor: &'static dyn Vendor, config: &Value) -> Result<Arc<dyn Decide>, String> {
    let processor = Processor::new(vendor, config).map_err(|e| e.to_string())?;
    for field in processor.unset_secrets() {
        tracing::warn!(
            field = field.as_str(),
            "configuration field `{field}` is not set: every webhook fails authentication (and the vendor retries it) until it is"
        );
    }
    Ok(Arc::new(processor) as Arc<dyn Decide>)
}

/// A parsed command line.
#[derive(Debug, Clone, PartialEq)]
enum Command {
    Flow,
    Serve { config: PathBuf, data_dir: PathBuf, port: Option<u16>, host: Option<IpAddr>, max_body_bytes: Option<usize> },
    Export { data_dir: PathBuf, collection: Option<String> },
    Help,
}

fn parse(args: &[String]) -> Result<Command, String> {
    let Some(command) = args.first() else { return Ok(Command::Flow) };
    let mut options: Vec<(&str, &str)> = Vec::new();
    let mut rest = args[1..].iter();
    while let Some(arg) = rest.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(Command::Help);
        }
        let (name, value) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, v),
            _ if arg.starts_with("--") => {
                (arg.as_str(), rest.next().map(String::as_str).ok_or_else(|| format!("{arg} needs a value"))?)
            }
            _ => return Err(format!("unexpected argument {arg:?}")),
        };
        options.push((name, value));
    }
    let mut data_dir = PathBuf::from("data");
    match command.as_str() {
        "serve" => {
            let (mut config, mut port, mut host, mut max_body_bytes) = (None, None, None, None);
            for (name, value) in options {
                match name {
                    "--config" => config = Some(PathBuf::from(value)),
                    "--data-dir" => data_dir = PathBuf::from(value),
                    "--port" => {
                        port = Some(value.parse().map_err(|_| format!("--port {value:?} is not a port number"))?)
                    }
                    "--host" => {
                        host = Some(value.parse().map_err(|_| format!("--host {value:?} is not an IP address"))?)
                    }
                    "--max-body-bytes" => {
                        max_body_bytes =
                            Some(value.parse().map_err(|_| format!("--max-body-bytes {value:?} is not a number"))?)
                    }
                    other => return Err(format!("serve takes no option {other}")),
                }
            }
            let config = config.ok_or("serve needs --config FILE (the endpoint configuration, YAML or JSON)")?;
            Ok(Command::Serve { config, data_dir, port, host, max_body_bytes })
        }
        "export" => {
            let mut collection = None;
            for (name, value) in options {
                match name {
                    "--data-dir" => data_dir = PathBuf::from(value),
                    "--collection" => collection = Some(value.to_string()),
                    other => return Err(format!("export takes no option {other}")),
                }
            }
            Ok(Command::Export { data_dir, collection })
        }
        "help" | "-h" | "--help" => Ok(Command::Help),
        other => Err(format!("unknown command {other:?}")),
    }
}

/// The whole command line of a connector binary. See the usage text (`--help`).
pub fn main(vendor: &'static dyn Vendor) -> ExitCode {
    crate::logging::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bin = format!("source-{}-webhook", vendor.definition().vendor.id);
    let command = match parse(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{bin}: {e}\n\n{}", USAGE.replace("{bin}", &bin));
            return ExitCode::from(2);
        }
    };
    let result = match command {
        Command::Help => {
            print!("{}", USAGE.replace("{bin}", &bin));
            Ok(())
        }
        Command::Flow => run_flow(vendor),
        Command::Serve { config, data_dir, port, host, max_body_bytes } => {
            run_serve(vendor, &config, &data_dir, port, host, max_body_bytes)
        }
        Command::Export { data_dir, collection } => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            store::export(&data_dir, collection.as_deref(), &mut out).map(|_| ()).map_err(|e| e.to_string())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "{bin} failed");
            ExitCode::FAILURE
        }
    }
}

fn listen_address(port: Option<u16>, host: Option<IpAddr>) -> Result<SocketAddr, String> {
    let port = match port {
        Some(p) => p,
        None => match std::env::var("PORT") {
            Ok(p) => p.trim().parse().map_err(|_| format!("PORT={p:?} is not a port number"))?,
            Err(_) => 8080,
        },
    };
    let host = match host {
        Some(h) => h,
        None => match std::env::var("HOST") {
            Ok(h) => h.trim().parse().map_err(|_| format!("HOST={h:?} is not an IP address"))?,
            Err(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        },
    };
    Ok(SocketAddr::new(host, port))
}

fn run_flow(vendor: &'static dyn Vendor) -> Result<(), String> {
    let options = FlowOptions {
        listen: listen_address(None, None)?,
        limits: Limits::for_vendor(vendor.definition()).with_env().map_err(|e| e.to_string())?,
        documentation_url: std::env::var("DOCS_URL").ok().filter(|u| !u.is_empty()),
    };
    let input = Box::new(std::io::BufReader::new(std::io::stdin()));
    let output = Box::new(std::io::stdout());
    flow::run(vendor, &build_processor, input, output, options).map_err(|e| e.to_string())
}

/// Reads the endpoint configuration: JSON, or YAML (of which JSON is a subset).
fn read_config(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .or_else(|_| yaml_serde::from_str::<Value>(&text))
        .map_err(|e| format!("{} is neither JSON nor YAML: {e}", path.display()))
}

fn run_serve(
    vendor: &'static dyn Vendor,
    config: &Path,
    data_dir: &Path,
    port: Option<u16>,
    host: Option<IpAddr>,
    max_body_bytes: Option<usize>,
) -> Result<(), String> {
    let definition = vendor.definition();
    let config = read_config(config)?;
    let decider =
        build_processor(vendor, &config).map_err(|e| format!("the endpoint configuration is invalid: {e}"))?;
    let mut limits = Limits::for_vendor(definition).with_env().map_err(|e| e.to_string())?;
    if let Some(n) = max_body_bytes {
        limits.max_body_bytes = n;
    }
    let addr = listen_address(port, host)?;
    let store = Store::open(data_dir, StoreOptions::default()).map_err(|e| e.to_string())?;
    let names = schemas::collections(definition).into_iter().map(|c| c.name).collect();
    let metrics = Arc::new(Metrics::new(names));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let mut signals =
            crate::shutdown::Signals::install().map_err(|e| format!("cannot install signal handlers: {e}"))?;
        let app = Arc::new(App::new(definition, decider, Sink::Store(store), limits, metrics));
        let running = server::start(addr, app).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        tracing::info!(
            eventType = "connectorStatus",
            addr = %running.addr,
            data_dir = %data_dir.display(),
            "listening for connections; storing into {}",
            data_dir.join(store::DATABASE_FILE).display()
        );
        signals.recv().await;
        tracing::info!("signalled; stopping");
        running.shutdown();
        running.stopped().await;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn reads_yaml_and_json_configurations() {
        let dir = std::env::temp_dir().join(format!("webhook-cli-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let yaml = dir.join("config.yaml");
        std::fs::write(&yaml, "# rotated\nsigning_secret:\n  - whsec_old\n  - whsec_new\n").unwrap();
        assert_eq!(read_config(&yaml).unwrap(), serde_json::json!({"signing_secret": ["whsec_old", "whsec_new"]}));
        let json = dir.join("config.json");
        std::fs::write(&json, r#"{"webhook_secret": "s"}"#).unwrap();
        assert_eq!(read_config(&json).unwrap(), serde_json::json!({"webhook_secret": "s"}));
        let bad = dir.join("bad.yaml");
        std::fs::write(&bad, "a: [unclosed").unwrap();
        assert!(read_config(&bad).unwrap_err().contains("neither JSON nor YAML"));
        assert!(read_config(&dir.join("missing.yaml")).unwrap_err().contains("cannot read"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn parses_the_three_modes() {
        assert_eq!(parse(&[]).unwrap(), Command::Flow);
        assert_eq!(
            parse(&args("serve --config c.yaml --port 9000 --data-dir=/tmp/d")).unwrap(),
            Command::Serve {
                config: "c.yaml".into(),
                data_dir: "/tmp/d".into(),
                port: Some(9000),
                host: None,
                max_body_bytes: None
            }
        );
        assert_eq!(
            parse(&args("export --collection push")).unwrap(),
            Command::Export { data_dir: "data".into(), collection: Some("push".into()) }
        );
        assert!(parse(&args("serve")).unwrap_err().contains("--config"));
        assert!(parse(&args("serve --config")).unwrap_err().contains("needs a value"));
        assert!(parse(&args("frobnicate")).is_err());
    }
}
