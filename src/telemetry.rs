//! One place that sets up tracing, so the binary, the demo and tests log the same way.
//!
//! Logs go to standard error: standard output belongs to `enrich` and `demo`, whose output
//! is data.

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global subscriber. `RUST_LOG` overrides `level`. Calling it twice is harmless.
pub fn init(format: LogFormat, level: &str) {
    // The HTML parser reports every malformed page at WARN; on the web that is most pages,
    // so it would drown the worker's own messages and cost time per article.
    let quiet = "html5ever=error,markup5ever=error,selectors=error";
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(format!("{level},{quiet}")))
        .unwrap_or_else(|_| EnvFilter::new(format!("info,{quiet}")));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
