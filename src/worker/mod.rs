//! The Kafka shell around the pipeline: consumer, bounded concurrent processing, producer,
//! ordered offsets, dead letters, transactions, rebalance drain and shutdown.
//!
//! # Shape
//!
//! ```text
//!  poll thread (one OS thread, owns the consumer)          tokio tasks, one per message
//!  ─────────────────────────────────────────────           ───────────────────────────────
//!  poll ─> register offset in the tracker ─> spawn ──────> decode + enrich on the compute pool
//!    ^        (in consumer order)                          (bounded: pipeline.compute_threads)
//!    │                                                       │
//!    │  store commit points (at-least-once)                  v
//!    │  or commit transactions (exactly-once)   <──────── produce event / dead letter, await ack
//!    │                                          tracker    (retry with back-off until acked)
//!    └─ rebalance callbacks run here: drain the revoked partitions, commit, forget them
//! ```
//!
//! * **Ordered offsets**: [`offsets::OffsetTracker`] keeps the pending offsets per partition;
//!   only the lowest pending offset (or one past the last when none is pending) is ever stored
//!   or committed, so nothing unacknowledged is committed whatever order acks arrive in.
//! * **Backpressure**: a semaphore of `delivery.max_in_flight` permits; with none left, the
//!   poll thread pauses its partitions (still polling, so rebalances and heartbeats are
//!   served) and resumes them when work completes. Memory is bounded by in-flight messages.
//! * **Off the reactor**: `Pipeline::enrich` runs in `spawn_blocking`, at most
//!   `pipeline.compute_threads` at once.
//! * **Rebalance**: the consumer context's revoke callback runs on the poll thread; it waits
//!   (at most `delivery.drain_timeout_ms`) for the revoked partitions' in-flight work, then
//!   commits their offsets (or the open transaction) synchronously before librdkafka hands
//!   the partitions over.
//! * **Errors**: rejections (poison) go to the dead-letter topic; delivery failures are
//!   retried with exponential back-off and never let the offset move; a fatal client error
//!   (e.g. a fenced transactional producer) stops the worker with an error.

pub mod offsets;

mod consume;
mod context;
mod message;
mod process;
mod throttle;

#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::producer::{FutureProducer, Producer};
use tokio_util::sync::CancellationToken;

use crate::admin::{self, Health};
use crate::config::{Config, DeliveryMode};
use crate::metrics::Metrics;
use crate::pipeline::Pipeline;

pub use context::{ConsumerCtx, ProducerCtx};
use offsets::OffsetTracker;

/// Why the worker stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("kafka client: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
    #[error("{0}")]
    Admin(#[from] admin::AdminError),
    #[error("metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    #[error("pipeline: {0}")]
    Pipeline(#[from] crate::pipeline::PipelineError),
    #[error("fatal: {0}")]
    Fatal(String),
    #[error("{0}")]
    Other(String),
}

/// Runs the worker until `shutdown` is cancelled, then drains, commits and returns.
pub async fn run(config: Config, shutdown: CancellationToken) -> Result<(), WorkerError> {
    let worker = start(config, shutdown).await?;
    tracing::info!(admin = %worker.admin_addr, "worker started");
    worker.join().await
}

/// A running worker.
#[derive(Debug)]
pub struct RunningWorker {
    /// Where `/metrics`, `/livez` and `/readyz` answer.
    pub admin_addr: SocketAddr,
    pub metrics: Metrics,
    pub health: Arc<Health>,
    task: tokio::task::JoinHandle<Result<(), WorkerError>>,
}

impl RunningWorker {
    /// Waits until the worker stops (after `shutdown` is cancelled, or on a fatal error).
    pub async fn join(self) -> Result<(), WorkerError> {
        match self.task.await {
            Ok(r) => r,
            Err(e) => Err(WorkerError::Other(format!("worker task failed: {e}"))),
        }
    }
}

/// Starts the worker: admin server, producer, consumer and the poll thread. Returns once the
/// admin server listens and the clients exist (not once the group is joined: see `/readyz`).
pub async fn start(
    config: Config,
    shutdown: CancellationToken,
) -> Result<RunningWorker, WorkerError> {
    let pipeline = Arc::new(Pipeline::new()?);
    start_with(config, shutdown, pipeline).await
}

/// [`start`] with a pipeline built by the caller (tests and the demo share one).
pub async fn start_with(
    config: Config,
    shutdown: CancellationToken,
    pipeline: Arc<Pipeline>,
) -> Result<RunningWorker, WorkerError> {
    config
        .validate()
        .map_err(|e| WorkerError::Other(e.to_string()))?;
    let metrics = Metrics::new()?;
    let health = Arc::new(Health::new());
    let admin_stop = CancellationToken::new();
    let (admin_addr, admin_task) = admin::serve(
        &config.admin.listen,
        metrics.clone(),
        health.clone(),
        admin_stop.clone(),
    )
    .await?;

    let shared = Arc::new(Shared {
        config: Arc::new(config),
        metrics: metrics.clone(),
        health: health.clone(),
        tracker: Mutex::new(OffsetTracker::new()),
        changed: Condvar::new(),
        fatal: Mutex::new(None),
        txn_generation: std::sync::RwLock::new(0),
        closing: std::sync::atomic::AtomicBool::new(false),
        txn_open: std::sync::atomic::AtomicBool::new(false),
    });

    let producer = create_producer(&shared)?;
    let consumer = consume::create_consumer(&shared, producer.clone())?;
    let compute_threads = match shared.config.pipeline.compute_threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let tasks = Arc::new(process::TaskCtx {
        shared: shared.clone(),
        producer: producer.clone(),
        pipeline,
        compute: Arc::new(tokio::sync::Semaphore::new(compute_threads)),
        shutdown: shutdown.clone(),
    });

    // The producer's connection shows in its statistics callback; ask once now so readiness
    // does not wait for the first statistics interval.
    {
        let producer = producer.clone();
        let health = health.clone();
        let topic = shared.config.topics.output.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            let mut pause = Duration::from_millis(100);
            while !health.producer_connected() && !shutdown.is_cancelled() {
                let p = producer.clone();
                let t = topic.clone();
                let ok = tokio::task::spawn_blocking(move || {
                    p.client()
                        .fetch_metadata(Some(&t), Duration::from_secs(5))
                        .is_ok()
                })
                .await
                .unwrap_or(false);
                if ok {
                    health.set_producer_connected(true);
                    break;
                }
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(5));
            }
        });
    }

    let handle = tokio::runtime::Handle::current();
    let poll_shared = shared.clone();
    let poll_shutdown = shutdown.clone();
    let poll_producer = producer.clone();
    let task = tokio::spawn(async move {
        let polled = tokio::task::spawn_blocking(move || {
            consume::poll_loop(
                consumer,
                poll_producer,
                poll_shared,
                tasks,
                handle,
                poll_shutdown,
            )
        })
        .await;
        let result = match polled {
            Ok(r) => r,
            Err(e) => Err(WorkerError::Other(format!("poll thread failed: {e}"))),
        };
        // Whatever is still queued in the producer (nothing, after a complete drain).
        let p = producer.clone();
        let flush_timeout = Duration::from_millis(shared.config.delivery.drain_timeout_ms);
        let _ = tokio::task::spawn_blocking(move || p.flush(flush_timeout)).await;
        shared.health.set_live(false);
        admin_stop.cancel();
        let _ = admin_task.await;
        match &result {
            Ok(()) => tracing::info!("worker stopped"),
            Err(e) => tracing::error!(error = %e, "worker stopped with an error"),
        }
        result
    });

    Ok(RunningWorker {
        admin_addr,
        metrics,
        health,
        task,
    })
}

/// State shared by the poll thread, its callbacks and the message tasks.
pub(crate) struct Shared {
    pub config: Arc<Config>,
    pub metrics: Metrics,
    pub health: Arc<Health>,
    /// Pending offsets and commit points; `changed` is notified whenever a message finishes.
    pub tracker: Mutex<OffsetTracker>,
    pub changed: Condvar,
    /// A fatal error seen by a task or callback; the poll loop stops with it.
    pub fatal: Mutex<Option<String>>,
    /// Exactly-once: bumped (under the write lock) when a transaction is aborted, so a task of
    /// the aborted transaction can never enqueue its output into the next one.
    pub txn_generation: std::sync::RwLock<u64>,
    /// The consumer is closing: revoke callbacks do not wait any more.
    pub closing: std::sync::atomic::AtomicBool,
    /// Exactly-once: a transaction is open (begun, not yet committed or aborted).
    pub txn_open: std::sync::atomic::AtomicBool,
}

impl Shared {
    pub fn tracker(&self) -> MutexGuard<'_, OffsetTracker> {
        self.tracker.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn mode(&self) -> DeliveryMode {
        self.config.delivery.mode
    }

    pub fn set_fatal(&self, message: String) {
        let mut f = self.fatal.lock().unwrap_or_else(|e| e.into_inner());
        if f.is_none() {
            *f = Some(message);
        }
    }

    pub fn take_fatal(&self) -> Option<String> {
        self.fatal.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Waits until no message of `tps` (all partitions if `None`) is pending, or `timeout`.
    /// Returns whether everything drained.
    pub fn drain(&self, tps: Option<&[offsets::Tp]>, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut guard = self.tracker();
        loop {
            if guard.pending(tps) == 0 {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                self.metrics.drain_timeouts.inc();
                tracing::warn!(
                    pending = guard.pending(tps),
                    "drain timed out with work in flight; it will be redone by the next owner"
                );
                return false;
            }
            let wait = (deadline - now).min(Duration::from_millis(50));
            guard = match self.changed.wait_timeout(guard, wait) {
                Ok((g, _)) => g,
                Err(e) => e.into_inner().0,
            };
        }
    }

    pub fn txn_generation(&self) -> u64 {
        *self
            .txn_generation
            .read()
            .unwrap_or_else(|e| e.into_inner())
    }
}

/// The properties both clients share: brokers, identity, security, pass-through properties.
fn base_client_config(config: &Config) -> ClientConfig {
    let k = &config.kafka;
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", &k.brokers)
        .set("client.id", &k.client_id)
        .set("security.protocol", k.security_protocol.as_librdkafka());
    if !k.sasl_mechanism.is_empty() {
        c.set("sasl.mechanism", &k.sasl_mechanism);
    }
    if !k.sasl_username.is_empty() {
        c.set("sasl.username", &k.sasl_username);
    }
    if !k.sasl_password.is_empty() {
        c.set("sasl.password", k.sasl_password.expose());
    }
    for (key, value) in [
        ("ssl.ca.location", &k.ssl_ca_location),
        ("ssl.certificate.location", &k.ssl_certificate_location),
        ("ssl.key.location", &k.ssl_key_location),
    ] {
        if !value.is_empty() {
            c.set(key, value);
        }
    }
    if k.statistics_interval_ms > 0 {
        c.set(
            "statistics.interval.ms",
            k.statistics_interval_ms.to_string(),
        );
    }
    for (key, value) in &k.properties {
        c.set(key, value);
    }
    c
}

/// The producer: idempotent (at-least-once) or transactional (exactly-once).
fn create_producer(shared: &Arc<Shared>) -> Result<FutureProducer<ProducerCtx>, WorkerError> {
    let config = &shared.config;
    let d = &config.delivery;
    let mut c = base_client_config(config);
    // Room for a dead letter of the largest accepted input plus its headers, and for an event
    // (text + entities) somewhat larger than its input; librdkafka's ceiling is 1e9.
    let max_bytes = (config.limits.max_message_bytes as u64)
        .saturating_mul(2)
        .saturating_add(1 << 20)
        .clamp(1_000_000, 1_000_000_000);
    c.set("enable.idempotence", "true")
        .set("acks", "all")
        .set("message.max.bytes", max_bytes.to_string())
        .set("message.timeout.ms", d.produce_timeout_ms.to_string())
        .set("retry.backoff.ms", d.retry_backoff_initial_ms.to_string())
        .set(
            "retry.backoff.max.ms",
            d.retry_backoff_max_ms
                .max(d.retry_backoff_initial_ms)
                .to_string(),
        );
    if d.mode == DeliveryMode::ExactlyOnce {
        c.set("transactional.id", config.transactional_id()).set(
            "transaction.timeout.ms",
            d.transaction_timeout_ms.to_string(),
        );
    }
    for (key, value) in &config.kafka.producer_properties {
        c.set(key, value);
    }
    // Exactly-once: `init_transactions` runs on the poll thread (it blocks).
    let producer: FutureProducer<ProducerCtx> = c.create_with_context(ProducerCtx {
        shared: shared.clone(),
    })?;
    Ok(producer)
}
