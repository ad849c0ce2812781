//! The admin HTTP server on `admin.listen`.
//!
//! | endpoint | answers |
//! |---|---|
//! | `GET /metrics` | every metric of [`crate::metrics`], Prometheus text format |
//! | `GET /livez` | 200 while the process serves requests (the worker loop is alive) |
//! | `GET /readyz` | 200 once the consumer has joined its group (an assignment, possibly empty) and the producer is connected to a broker; 503 otherwise, with the missing condition in the body |
//!
//! Readiness is a pair of latches ([`Health`]) flipped by the worker: the group join by the
//! rebalance callback, the producer connection by its statistics and error callbacks.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::metrics::Metrics;

/// What `/livez` and `/readyz` report.
#[derive(Debug, Default)]
pub struct Health {
    /// The consumer received an assignment (it joined the group), and has not lost it since.
    joined: AtomicBool,
    /// The producer has a connection to at least one broker.
    producer_connected: AtomicBool,
    /// The worker loop is running (false once it stopped).
    live: AtomicBool,
}

impl Health {
    pub fn new() -> Health {
        Health {
            joined: AtomicBool::new(false),
            producer_connected: AtomicBool::new(false),
            live: AtomicBool::new(true),
        }
    }
    pub fn set_joined(&self, v: bool) {
        self.joined.store(v, Ordering::Relaxed);
    }
    pub fn set_producer_connected(&self, v: bool) {
        self.producer_connected.store(v, Ordering::Relaxed);
    }
    pub fn set_live(&self, v: bool) {
        self.live.store(v, Ordering::Relaxed);
    }
    pub fn joined(&self) -> bool {
        self.joined.load(Ordering::Relaxed)
    }
    pub fn producer_connected(&self) -> bool {
        self.producer_connected.load(Ordering::Relaxed)
    }
    pub fn live(&self) -> bool {
        self.live.load(Ordering::Relaxed)
    }
    /// Joined the group and the producer is connected.
    pub fn ready(&self) -> bool {
        self.live() && self.joined() && self.producer_connected()
    }
}

#[derive(Clone)]
struct AppState {
    metrics: Metrics,
    health: Arc<Health>,
}

/// The admin server could not start.
#[derive(Debug, thiserror::Error)]
#[error("admin server on {addr}: {source}")]
pub struct AdminError {
    pub addr: String,
    #[source]
    pub source: std::io::Error,
}

/// Binds `listen` and serves until `shutdown` is cancelled. Returns the bound address (useful
/// with port 0) and the server task.
pub async fn serve(
    listen: &str,
    metrics: Metrics,
    health: Arc<Health>,
    shutdown: CancellationToken,
) -> Result<(SocketAddr, tokio::task::JoinHandle<()>), AdminError> {
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|source| AdminError {
            addr: listen.to_string(),
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| AdminError {
        addr: listen.to_string(),
        source,
    })?;
    let app = router(metrics, health);
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move { shutdown.cancelled().await })
            .await;
        if let Err(e) = served {
            tracing::warn!(error = %e, "admin server stopped");
        }
    });
    Ok((addr, task))
}

fn router(metrics: Metrics, health: Arc<Health>) -> Router {
    Router::new()
        .route("/metrics", get(metrics_handler))
        .route("/livez", get(livez))
        .route("/readyz", get(readyz))
        .with_state(AppState { metrics, health })
}

async fn metrics_handler(State(state): State<AppState>) -> impl IntoResponse {
    state.metrics.ready.set(i64::from(state.health.ready()));
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

async fn livez(State(state): State<AppState>) -> impl IntoResponse {
    if state.health.live() {
        (StatusCode::OK, "live\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "stopped\n")
    }
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let h = &state.health;
    state.metrics.ready.set(i64::from(h.ready()));
    if h.ready() {
        return (StatusCode::OK, "ready\n".to_string());
    }
    let mut missing = Vec::new();
    if !h.live() {
        missing.push("worker stopped");
    }
    if !h.joined() {
        missing.push("consumer has not joined the group");
    }
    if !h.producer_connected() {
        missing.push("producer not connected");
    }
    (
        StatusCode::SERVICE_UNAVAILABLE,
        format!("not ready: {}\n", missing.join(", ")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn get(addr: SocketAddr, path: &str) -> String {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn endpoints_answer() {
        let metrics = Metrics::new().unwrap();
        let health = Arc::new(Health::new());
        let stop = CancellationToken::new();
        let (addr, task) = serve("127.0.0.1:0", metrics, health.clone(), stop.clone())
            .await
            .unwrap();
        assert!(get(addr, "/livez").await.starts_with("HTTP/1.1 200"));
        let r = get(addr, "/readyz").await;
        assert!(r.starts_with("HTTP/1.1 503"), "{r}");
        assert!(r.contains("has not joined"), "{r}");
        health.set_joined(true);
        health.set_producer_connected(true);
        assert!(get(addr, "/readyz").await.starts_with("HTTP/1.1 200"));
        let m = get(addr, "/metrics").await;
        assert!(m.contains("news_enricher_ready 1"), "{m}");
        assert!(m.contains("news_enricher_messages_consumed_total 0"));
        stop.cancel();
        task.await.unwrap();
    }
}
