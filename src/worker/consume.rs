//! The poll thread: owns the consumer, registers offsets in consumption order, hands messages
//! to tasks within the in-flight limit, pauses partitions under backpressure, stores commit
//! points (at-least-once) or commits transactions (exactly-once), and shuts down cleanly.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{FutureProducer, Producer};
use rdkafka::Offset;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use super::context::{tpl_of, ConsumerCtx, ProducerCtx};
use super::message::InputMessage;
use super::offsets::Tp;
use super::process::{self, TaskCtx};
use super::{base_client_config, Shared, WorkerError};
use crate::config::DeliveryMode;
use crate::metrics::{TXN_ABORTED, TXN_COMMITTED};

/// How long one `poll` waits for a message; also the cadence of offset stores and checks.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// How long the poll thread waits for a free in-flight slot before pausing its partitions.
const STALL_BEFORE_PAUSE: Duration = Duration::from_millis(500);

fn set_paused(consumer: &Cons, shared: &Shared, pause: bool) {
    if let Ok(assignment) = consumer.assignment() {
        let r = if pause {
            consumer.pause(&assignment)
        } else {
            consumer.resume(&assignment)
        };
        if let Err(e) = r {
            tracing::debug!(error = %e, pause, "pause/resume");
        }
    }
    shared.metrics.consumer_paused.set(i64::from(pause));
    tracing::debug!(pause, "backpressure");
}

pub(crate) type Cons = BaseConsumer<ConsumerCtx>;

pub(crate) fn create_consumer(
    shared: &Arc<Shared>,
    producer: FutureProducer<ProducerCtx>,
) -> Result<Arc<Cons>, WorkerError> {
    let config = &shared.config;
    let k = &config.kafka;
    let d = &config.delivery;
    let mut c = base_client_config(config);
    c.set("group.id", &k.group_id)
        .set("session.timeout.ms", k.session_timeout_ms.to_string())
        .set("heartbeat.interval.ms", k.heartbeat_interval_ms.to_string())
        .set(
            "auto.offset.reset",
            match k.auto_offset_reset {
                crate::config::OffsetReset::Earliest => "earliest",
                crate::config::OffsetReset::Latest => "latest",
            },
        )
        .set("enable.auto.offset.store", "false")
        .set("enable.partition.eof", "false")
        // Never enrich inputs of aborted upstream transactions.
        .set("isolation.level", "read_committed");
    match d.mode {
        DeliveryMode::AtLeastOnce => {
            c.set("enable.auto.commit", "true")
                .set("auto.commit.interval.ms", d.commit_interval_ms.to_string());
        }
        DeliveryMode::ExactlyOnce => {
            c.set("enable.auto.commit", "false");
        }
    }
    for (key, value) in &k.consumer_properties {
        c.set(key, value);
    }
    let consumer: Cons = c.create_with_context(ConsumerCtx {
        shared: shared.clone(),
        producer,
    })?;
    consumer.subscribe(&[config.topics.input.as_str()])?;
    Ok(Arc::new(consumer))
}

/// The poll loop; returns after shutdown (drained and committed) or on a fatal error.
pub(crate) fn poll_loop(
    consumer: Arc<Cons>,
    producer: FutureProducer<ProducerCtx>,
    shared: Arc<Shared>,
    tasks: Arc<TaskCtx>,
    handle: tokio::runtime::Handle,
    shutdown: CancellationToken,
) -> Result<(), WorkerError> {
    let d = &shared.config.delivery;
    let eos = shared.mode() == DeliveryMode::ExactlyOnce;
    if eos {
        init_transactions(&producer, &shared, &shutdown)?;
    }
    let max_in_flight = d.max_in_flight;
    let in_flight = Arc::new(Semaphore::new(max_in_flight));
    let commit_interval = Duration::from_millis(d.commit_interval_ms);
    let mut paused = false;
    let assigns = || {
        shared
            .metrics
            .rebalances
            .with_label_values(&[crate::metrics::REBALANCE_ASSIGN])
            .get()
    };
    let mut assigns_seen = assigns();
    let mut txn_started = Instant::now();
    let txn_open = || shared.txn_open.load(Ordering::SeqCst);
    let mut result = Ok(());

    while !shutdown.is_cancelled() {
        if let Some(fatal) = shared.take_fatal() {
            result = Err(WorkerError::Fatal(fatal));
            break;
        }
        if eos {
            if txn_open() && shared.tracker().any_failed() {
                if let Err(e) =
                    abort_and_rewind(&consumer, &producer, &shared, &in_flight, max_in_flight)
                {
                    result = Err(e);
                    break;
                }
            } else if txn_open() && txn_started.elapsed() >= commit_interval {
                if let Err(e) = eos_commit(&consumer, &producer, &shared) {
                    result = Err(e);
                    break;
                }
            }
        } else {
            store_commit_points(&consumer, &shared);
        }

        // Backpressure. With no in-flight slot left, stop taking messages: first just wait
        // a moment for a slot (librdkafka stops prefetching once its bounded queue is full,
        // so memory stays bounded). If the stall lasts (outputs cannot be delivered), pause
        // every assigned partition and keep polling, so rebalances and group events are
        // still served; resume once a slot frees up. Pausing only on real stalls avoids
        // throwing away prefetched messages on every busy moment.
        let mut full = in_flight.available_permits() == 0;
        if full && !paused {
            let waited = handle.block_on(async {
                tokio::time::timeout(STALL_BEFORE_PAUSE, in_flight.acquire()).await
            });
            full = !matches!(waited, Ok(Ok(_)));
        }
        if full && !paused {
            set_paused(&consumer, &shared, true);
            paused = true;
        } else if !full && paused {
            set_paused(&consumer, &shared, false);
            paused = false;
        } else if assigns_seen != assigns() {
            // New partitions: librdkafka keeps a partition's pause flag across revoke and
            // re-assignment, so state it again for the whole assignment.
            set_paused(&consumer, &shared, paused);
        }
        assigns_seen = assigns();

        let polled = consumer.poll(POLL_INTERVAL);
        let msg = match polled {
            None => continue,
            Some(Err(e)) => {
                if matches!(e, KafkaError::MessageConsumptionFatal(_)) {
                    result = Err(WorkerError::Fatal(e.to_string()));
                    break;
                }
                let key = format!("consume:{:?}", e.rdkafka_error_code());
                if super::throttle::first_in_window(&key) {
                    tracing::warn!(error = %e, "consume error; retrying");
                } else {
                    tracing::debug!(error = %e, "consume error; retrying (repeated)");
                }
                continue;
            }
            Some(Ok(m)) => InputMessage::from_borrowed(&m),
        };

        // A slot for it: normally free (we paused before running out); if messages already
        // fetched arrive anyway, wait for one rather than drop or queue without bound.
        let permit = match in_flight.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => match handle.block_on(in_flight.clone().acquire_owned()) {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        if eos && !txn_open() {
            if let Err(e) = producer.begin_transaction() {
                result = Err(WorkerError::Fatal(format!("begin_transaction: {e}")));
                break;
            }
            shared.txn_open.store(true, Ordering::SeqCst);
            txn_started = Instant::now();
        }
        let ticket = shared
            .tracker()
            .register(Tp::new(msg.topic.as_str(), msg.partition), msg.offset);
        shared.metrics.messages_consumed.inc();
        shared.metrics.in_flight.inc();
        let span = tracing::info_span!(
            "message",
            topic = %msg.topic,
            partition = msg.partition,
            offset = msg.offset
        );
        let generation = shared.txn_generation();
        handle.spawn(
            process::handle(tasks.clone(), msg, ticket, generation, permit).instrument(span),
        );
    }

    // Shutdown (or fatal error): stop fetching, let in-flight work finish, commit.
    if let Ok(assignment) = consumer.assignment() {
        let _ = consumer.pause(&assignment);
    }
    let drain_timeout = Duration::from_millis(d.drain_timeout_ms);
    if result.is_ok() {
        tracing::info!(
            in_flight = shared.tracker().pending(None),
            "shutting down: draining in-flight work"
        );
        if eos {
            if let Err(e) = eos_commit(&consumer, &producer, &shared) {
                result = Err(e);
            }
        } else {
            shared.drain(None, drain_timeout);
            store_commit_points(&consumer, &shared);
            match consumer.commit_consumer_state(CommitMode::Sync) {
                Ok(()) => {}
                Err(e) if e.rdkafka_error_code() == Some(RDKafkaErrorCode::NoOffset) => {}
                // Counted by the commit callback.
                Err(e) => tracing::warn!(error = %e, "final commit failed"),
            }
        }
    } else if eos && txn_open() {
        let _ = producer.abort_transaction(drain_timeout);
        shared.txn_open.store(false, Ordering::SeqCst);
    }
    shared.closing.store(true, Ordering::Relaxed);
    // Leave the group now (revoke callback: nothing left to drain) rather than wait for the
    // session to time out.
    consumer.unsubscribe();
    let close_deadline = Instant::now() + drain_timeout;
    while Instant::now() < close_deadline && consumer.assignment().is_ok_and(|a| a.count() > 0) {
        let _ = consumer.poll(Duration::from_millis(50));
    }
    drop(consumer);
    result
}

fn init_transactions(
    producer: &FutureProducer<ProducerCtx>,
    shared: &Shared,
    shutdown: &CancellationToken,
) -> Result<(), WorkerError> {
    let d = &shared.config.delivery;
    let mut backoff = Duration::from_millis(d.retry_backoff_initial_ms);
    loop {
        match producer.init_transactions(Duration::from_millis(d.transaction_timeout_ms)) {
            Ok(()) => return Ok(()),
            Err(e) => {
                let retriable = match &e {
                    KafkaError::Transaction(t) => t.is_retriable() && !t.is_fatal(),
                    _ => false,
                };
                if !retriable || shutdown.is_cancelled() {
                    return Err(WorkerError::Kafka(e));
                }
                tracing::warn!(error = %e, "init_transactions failed; retrying");
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(Duration::from_millis(d.retry_backoff_max_ms));
            }
        }
    }
}

/// At-least-once: hands the commit points that moved to librdkafka's offset store; the
/// auto-commit timer (`delivery.commit_interval_ms`) commits them.
fn store_commit_points(consumer: &Cons, shared: &Shared) {
    let points = shared.tracker().take_new_commit_points();
    if points.is_empty() {
        return;
    }
    match tpl_of(&points) {
        Ok(tpl) => {
            if let Err(e) = consumer.store_offsets(&tpl) {
                // A partition revoked meanwhile: its new owner starts from the last commit.
                tracing::debug!(error = %e, "storing offsets");
            }
        }
        Err(e) => tracing::warn!(error = %e, "building offsets to store"),
    }
}

/// Exactly-once: waits for every in-flight output, then commits the open transaction with the
/// consumed offsets. Aborts and rewinds when that is impossible. Errors only when fatal.
pub(crate) fn eos_commit(
    consumer: &Cons,
    producer: &FutureProducer<ProducerCtx>,
    shared: &Shared,
) -> Result<(), WorkerError> {
    let d = &shared.config.delivery;
    let timeout = Duration::from_millis(d.transaction_timeout_ms);
    if !shared.txn_open.load(Ordering::SeqCst) {
        return Ok(());
    }
    let drained = shared.drain(None, Duration::from_millis(d.drain_timeout_ms));
    if !drained || shared.tracker().any_failed() {
        return abort(consumer, producer, shared);
    }
    // Only partitions whose position moved in this transaction.
    let points: Vec<(Tp, i64)> = {
        let t = shared.tracker();
        t.commit_points()
            .into_iter()
            .filter(|(tp, p)| t.committed_point(tp) != Some(*p))
            .collect()
    };
    let Some(group) = consumer.group_metadata() else {
        return abort(consumer, producer, shared);
    };
    let tpl = match tpl_of(&points) {
        Ok(t) => t,
        Err(e) => return Err(WorkerError::Kafka(e)),
    };
    let mut attempts = 0;
    loop {
        let r = if points.is_empty() {
            Ok(())
        } else {
            producer.send_offsets_to_transaction(&tpl, &group, timeout)
        }
        .and_then(|()| producer.commit_transaction(timeout));
        match r {
            Ok(()) => {
                shared.txn_open.store(false, Ordering::SeqCst);
                shared.tracker().mark_committed(&points);
                // Not committed by the consumer (auto-commit is off): stored only so that
                // librdkafka's statistics report the lag against the committed point.
                let _ = consumer.store_offsets(&tpl);
                shared.metrics.transaction(TXN_COMMITTED);
                shared.metrics.offset_commits.inc();
                return Ok(());
            }
            Err(e) => {
                shared.metrics.commit_failures.inc();
                let (fatal, abortable, retriable) = match &e {
                    KafkaError::Transaction(t) => {
                        (t.is_fatal(), t.txn_requires_abort(), t.is_retriable())
                    }
                    _ => (false, true, false),
                };
                if fatal {
                    return Err(WorkerError::Fatal(format!("committing a transaction: {e}")));
                }
                attempts += 1;
                if retriable && !abortable && attempts < 5 {
                    tracing::warn!(error = %e, "transaction commit failed; retrying");
                    std::thread::sleep(
                        Duration::from_millis(d.retry_backoff_initial_ms) * attempts,
                    );
                    continue;
                }
                tracing::warn!(error = %e, "transaction commit failed; aborting");
                return abort(consumer, producer, shared);
            }
        }
    }
}

fn abort(
    consumer: &Cons,
    producer: &FutureProducer<ProducerCtx>,
    shared: &Shared,
) -> Result<(), WorkerError> {
    let timeout = Duration::from_millis(shared.config.delivery.transaction_timeout_ms);
    {
        let mut generation = shared
            .txn_generation
            .write()
            .unwrap_or_else(|e| e.into_inner());
        *generation += 1;
        shared.txn_open.store(false, Ordering::SeqCst);
        if let Err(e) = producer.abort_transaction(timeout) {
            let fatal = matches!(&e, KafkaError::Transaction(t) if t.is_fatal());
            if fatal {
                return Err(WorkerError::Fatal(format!("aborting a transaction: {e}")));
            }
            tracing::warn!(error = %e, "abort_transaction failed");
        }
    }
    shared.metrics.transaction(TXN_ABORTED);
    // Consume again from the last committed offsets: the aborted outputs are invisible to
    // read_committed readers, and the inputs get new ones in the next transaction.
    let rewinds: Vec<(Tp, i64)> = {
        let mut tracker = shared.tracker();
        tracker
            .partitions()
            .into_iter()
            .filter_map(|tp| tracker.rewind(&tp).map(|o| (tp, o)))
            .collect()
    };
    shared.changed.notify_all();
    for (tp, offset) in rewinds {
        if let Err(e) = consumer.seek(
            &tp.topic,
            tp.partition,
            Offset::Offset(offset),
            Duration::from_secs(5),
        ) {
            tracing::warn!(error = %e, topic = %tp.topic, partition = tp.partition, "seek after abort failed");
        }
    }
    Ok(())
}

/// [`abort`], then wait until the aborted transaction's tasks are gone, so none of them can
/// finish into the next transaction's accounting.
fn abort_and_rewind(
    consumer: &Cons,
    producer: &FutureProducer<ProducerCtx>,
    shared: &Shared,
    in_flight: &Semaphore,
    max_in_flight: usize,
) -> Result<(), WorkerError> {
    abort(consumer, producer, shared)?;
    let deadline = Instant::now() + Duration::from_millis(shared.config.delivery.drain_timeout_ms);
    while in_flight.available_permits() < max_in_flight && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(())
}
