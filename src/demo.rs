//! The embedded default (being built).

use crate::config::Config;

/// Runs the demo.
pub async fn run(_config: Config) -> Result<(), crate::worker::WorkerError> {
    Err(crate::worker::WorkerError::Other(
        "the demo is not built yet".into(),
    ))
}
