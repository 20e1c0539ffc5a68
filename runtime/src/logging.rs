//! Logs: JSON lines on stderr (stdout belongs to the Flow protocol), RFC 3339 timestamps,
//! events flattened so Flow reads `level`, `message` and fields such as `eventType` directly.

use tracing::level_filters::LevelFilter;

/// Installs the JSON logger. `LOG_LEVEL` (`error`, `warn`, `info`, `debug`, `trace`) sets the
/// verbosity; the default is `info`.
pub fn init() {
    let level = match std::env::var("LOG_LEVEL").unwrap_or_default().to_ascii_lowercase().as_str() {
        "error" => LevelFilter::ERROR,
        "warn" | "warning" => LevelFilter::WARN,
        "debug" => LevelFilter::DEBUG,
        "trace" => LevelFilter::TRACE,
        _ => LevelFilter::INFO,
    };
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .try_init();
}
