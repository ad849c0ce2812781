//! One message's journey after the poll thread hands it over: decode and enrich on the compute
//! pool, produce its output (event or dead letter), wait for the broker's acknowledgement,
//! then mark its offset finished.

use std::sync::Arc;
use std::time::Duration;

use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{FutureProducer, FutureRecord};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;

use super::message::{output_headers, InputMessage};
use super::offsets::Ticket;
use super::{ProducerCtx, Shared};
use crate::config::DeliveryMode;
use crate::event::{dead_letter_headers, event_headers, Reason, Rejection, SourceRef};
use crate::input::{self, Hints};
use crate::metrics::{EventQuality, OUTCOME_DEAD_LETTER, OUTCOME_EVENT};
use crate::pipeline::{Context, Pipeline, StageTimings};

/// What every message task needs.
pub(crate) struct TaskCtx {
    pub shared: Arc<Shared>,
    pub producer: FutureProducer<ProducerCtx>,
    pub pipeline: Arc<Pipeline>,
    /// At most `pipeline.compute_threads` enrichments run at once.
    pub compute: Arc<Semaphore>,
    pub shutdown: CancellationToken,
}

/// The result of the CPU-heavy part.
enum Outcome {
    Event {
        id: String,
        json: Vec<u8>,
        headers: Vec<(&'static str, String)>,
        timings: StageTimings,
        quality: EventQuality,
    },
    Dead(Rejection),
}

/// Decodes and enriches one message. Pure apart from reading the clock.
fn analyse(pipeline: &Pipeline, msg: &InputMessage, max_bytes: usize) -> Outcome {
    let hints = match Hints::from_headers(msg.text_named_headers()) {
        Ok(h) => h,
        Err(r) => return Outcome::Dead(r),
    };
    let raw = match input::decode(msg.value.as_deref(), &hints, max_bytes) {
        Ok(raw) => raw,
        Err(r) => return Outcome::Dead(r),
    };
    let ctx = Context {
        now: jiff::Timestamp::now(),
        source: Some(SourceRef {
            topic: msg.topic.clone(),
            partition: msg.partition,
            offset: msg.offset,
        }),
    };
    match pipeline.enrich(&raw, &ctx) {
        Ok((event, timings)) => match event.to_json() {
            Ok(json) => Outcome::Event {
                id: event.id.clone(),
                headers: event_headers(&event),
                quality: EventQuality::of(&event),
                json,
                timings,
            },
            Err(r) => Outcome::Dead(r),
        },
        Err(r) => Outcome::Dead(r),
    }
}

/// Why an output was not delivered.
enum DeliveryError {
    /// The broker or client will never accept this record (e.g. too large).
    Permanent(KafkaError),
    /// Exactly-once: the record was not delivered; the transaction must abort.
    Transaction(KafkaError),
    /// The message no longer belongs to this worker's current epoch of its partition
    /// (exactly-once: its transaction was aborted; at-least-once: its partition was revoked).
    Stale,
}

/// Processes one message to its acknowledged output. `permit` is its in-flight slot.
pub(crate) async fn handle(
    ctx: Arc<TaskCtx>,
    msg: InputMessage,
    ticket: Ticket,
    generation: u64,
    permit: OwnedSemaphorePermit,
) {
    let shared = &ctx.shared;
    let msg = Arc::new(msg);
    let outcome = compute(&ctx, msg.clone()).await;
    let ok = match outcome {
        Outcome::Event {
            id,
            json,
            headers,
            timings,
            quality,
        } => {
            let record = Record {
                topic: &shared.config.topics.output,
                key: Some(id.as_bytes()),
                value: Some(&json),
                raw_headers: &[],
                headers: &headers,
            };
            match deliver(&ctx, &record, generation, &ticket).await {
                Ok(()) => {
                    shared.metrics.output(OUTCOME_EVENT);
                    shared.metrics.stage_timings(&timings);
                    shared.metrics.event_quality(&quality);
                    true
                }
                Err(DeliveryError::Permanent(e)) => {
                    tracing::warn!(error = %e, "event rejected by the broker; dead-lettering its input");
                    let r = Rejection::new(
                        Reason::Internal,
                        format!("the broker refused the enriched event: {e}"),
                    );
                    dead_letter(&ctx, &msg, &r, generation, &ticket).await
                }
                Err(DeliveryError::Transaction(e)) => {
                    tracing::debug!(error = %e, "delivery failed inside a transaction");
                    false
                }
                Err(DeliveryError::Stale) => false,
            }
        }
        Outcome::Dead(rejection) => dead_letter(&ctx, &msg, &rejection, generation, &ticket).await,
    };
    if ok {
        if let Some(ts) = msg.timestamp_ms {
            let now = jiff::Timestamp::now().as_millisecond();
            let latency = (now - ts).max(0) as f64 / 1000.0;
            shared.metrics.end_to_end_latency.observe(latency);
        }
    }
    if ok || shared.mode() == DeliveryMode::ExactlyOnce {
        // Exactly-once: a failure marks the transaction for abort and rewind.
        let mut tracker = shared.tracker();
        tracker.finish(&ticket, ok);
    } else if shared.tracker().is_current(&ticket) {
        // At-least-once without an acknowledged output (a record the broker refuses even
        // without its value): the offset must never be committed past it, so it stays
        // pending; the partition's commits stop here until a restart retries it.
        tracing::error!(
            topic = %msg.topic,
            partition = msg.partition,
            offset = msg.offset,
            "no output could be delivered for this input; its offset stays uncommitted"
        );
    }
    shared.changed.notify_all();
    shared.metrics.in_flight.dec();
    drop(permit);
}

/// Runs [`analyse`] on the blocking pool, at most `compute_threads` at once.
async fn compute(ctx: &TaskCtx, msg: Arc<InputMessage>) -> Outcome {
    let permit = match ctx.compute.clone().acquire_owned().await {
        Ok(p) => p,
        Err(_) => return Outcome::Dead(Rejection::new(Reason::Internal, "compute pool closed")),
    };
    let pipeline = ctx.pipeline.clone();
    let max = ctx.shared.config.limits.max_message_bytes;
    // The permit moves into the closure: a stage that overruns its time keeps its compute
    // slot until it really finishes, so the pool stays bounded.
    let task = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        analyse(&pipeline, &msg, max)
    });
    let limit_ms = ctx.shared.config.pipeline.timeout_ms;
    let joined = if limit_ms == 0 {
        task.await
    } else {
        match tokio::time::timeout(Duration::from_millis(limit_ms), task).await {
            Ok(joined) => joined,
            Err(_) => {
                tracing::warn!(
                    limit_ms,
                    "enrichment overran pipeline.timeout_ms; dead-lettering the input"
                );
                return Outcome::Dead(Rejection::new(
                    Reason::Internal,
                    format!("enrichment took longer than pipeline.timeout_ms ({limit_ms} ms)"),
                ));
            }
        }
    };
    match joined {
        Ok(outcome) => outcome,
        Err(e) => Outcome::Dead(Rejection::new(
            Reason::Internal,
            format!("enrichment task failed: {e}"),
        )),
    }
}

/// Produces the dead-letter record of `msg`: its key, value and headers unchanged, plus the
/// `dlq_*` and `source_*` headers. Returns whether it was acknowledged.
async fn dead_letter(
    ctx: &TaskCtx,
    msg: &InputMessage,
    rejection: &Rejection,
    generation: u64,
    ticket: &Ticket,
) -> bool {
    let shared = &ctx.shared;
    let source = SourceRef {
        topic: msg.topic.clone(),
        partition: msg.partition,
        offset: msg.offset,
    };
    let added = dead_letter_headers(rejection, &source, jiff::Timestamp::now());
    let record = Record {
        topic: &shared.config.topics.dead_letter,
        key: msg.key.as_deref(),
        value: msg.value.as_deref(),
        raw_headers: &msg.headers,
        headers: &added,
    };
    let delivered = match deliver(ctx, &record, generation, ticket).await {
        Ok(()) => true,
        Err(DeliveryError::Permanent(e)) => {
            // The input itself cannot be written back (larger than the dead-letter topic
            // accepts). Keep the guarantee of one output per input: the record without its
            // value, saying so.
            tracing::warn!(error = %e, "dead letter refused by the broker; sending it without its value");
            let mut added = added.clone();
            added.push(("dlq_value_omitted", e.to_string()));
            added.push((
                "dlq_value_bytes",
                msg.value.as_ref().map_or(0, Vec::len).to_string(),
            ));
            let record = Record {
                value: None,
                headers: &added,
                ..record
            };
            matches!(deliver(ctx, &record, generation, ticket).await, Ok(()))
        }
        Err(_) => false,
    };
    if delivered {
        shared.metrics.output(OUTCOME_DEAD_LETTER);
        shared.metrics.dead_letter(rejection.reason);
        tracing::debug!(reason = rejection.reason.as_str(), detail = %rejection.detail, "dead-lettered");
    }
    delivered
}

#[derive(Clone, Copy)]
struct Record<'a> {
    topic: &'a str,
    key: Option<&'a [u8]>,
    value: Option<&'a [u8]>,
    raw_headers: &'a [(Vec<u8>, Option<Vec<u8>>)],
    headers: &'a [(&'static str, String)],
}

fn is_permanent(e: &KafkaError) -> bool {
    matches!(
        e.rdkafka_error_code(),
        Some(
            RDKafkaErrorCode::MessageSizeTooLarge
                | RDKafkaErrorCode::InvalidMessageSize
                | RDKafkaErrorCode::MessageBatchTooLarge
                | RDKafkaErrorCode::InvalidRecord
        )
    )
}

/// Sends one record and waits for its acknowledgement.
///
/// At-least-once: a failed delivery is retried with exponential back-off until it succeeds
/// (the message's offset stays uncommitted meanwhile); only a permanent refusal returns.
/// Exactly-once: one attempt inside the current transaction; a failure aborts it.
async fn deliver(
    ctx: &TaskCtx,
    record: &Record<'_>,
    generation: u64,
    ticket: &Ticket,
) -> Result<(), DeliveryError> {
    let shared = &ctx.shared;
    let d = &shared.config.delivery;
    let mut backoff = Duration::from_millis(d.retry_backoff_initial_ms);
    let max_backoff = Duration::from_millis(d.retry_backoff_max_ms);
    loop {
        let headers = output_headers(record.raw_headers, record.headers);
        let mut fr: FutureRecord<'_, [u8], [u8]> = FutureRecord::to(record.topic).headers(headers);
        if let Some(k) = record.key {
            fr = fr.key(k);
        }
        if let Some(v) = record.value {
            fr = fr.payload(v);
        }
        let sent = match shared.mode() {
            DeliveryMode::AtLeastOnce => ctx.producer.send_result(fr),
            DeliveryMode::ExactlyOnce => {
                // Enqueue under the generation read lock: an abort (write lock) either
                // happens before (we see a new generation and drop the record) or after (the
                // record is purged with the aborted transaction).
                let guard = shared
                    .txn_generation
                    .read()
                    .unwrap_or_else(|e| e.into_inner());
                if *guard != generation {
                    return Err(DeliveryError::Stale);
                }
                ctx.producer.send_result(fr)
            }
        };
        let error = match sent {
            Ok(future) => match future.await {
                Ok(Ok(_delivery)) => return Ok(()),
                Ok(Err((e, _))) => e,
                Err(_canceled) => KafkaError::Canceled,
            },
            Err((e, _)) => e,
        };
        if is_permanent(&error) {
            return Err(DeliveryError::Permanent(error));
        }
        if shared.mode() == DeliveryMode::ExactlyOnce {
            return Err(DeliveryError::Transaction(error));
        }
        if error.rdkafka_error_code() == Some(RDKafkaErrorCode::QueueFull) {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        }
        if !shared.tracker().is_current(ticket) {
            // The partition was revoked meanwhile and its drain gave up on this message:
            // its next owner processes it again, so stop retrying and free the slot.
            return Err(DeliveryError::Stale);
        }
        shared.metrics.produce_retries.inc();
        tracing::debug!(error = %error, backoff_ms = backoff.as_millis() as u64, "delivery failed; retrying");
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            // On shutdown keep retrying (the drain waits for us), but do not sleep past it.
            _ = ctx.shutdown.cancelled(), if backoff > Duration::from_millis(500) => {
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
        backoff = (backoff * 2).min(max_backoff);
    }
}
