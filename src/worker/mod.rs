//! The Kafka shell around the pipeline (being built).

use tokio_util::sync::CancellationToken;

use crate::config::Config;

/// Why the worker stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("{0}")]
    Other(String),
}

/// Runs the worker until `shutdown` is cancelled.
pub async fn run(_config: Config, _shutdown: CancellationToken) -> Result<(), WorkerError> {
    Err(WorkerError::Other("the worker is not built yet".into()))
}
