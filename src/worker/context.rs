//! The librdkafka callbacks: rebalances (drain and commit before partitions are handed over),
//! commit results, statistics (consumer lag, producer connection), errors and logs.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::{KafkaError, KafkaResult, RDKafkaErrorCode};
use rdkafka::producer::FutureProducer;
use rdkafka::statistics::Statistics;
use rdkafka::{Offset, TopicPartitionList};

use super::offsets::Tp;
use super::throttle;
use super::Shared;
use crate::config::DeliveryMode;
use crate::metrics::{REBALANCE_ASSIGN, REBALANCE_REVOKE};

fn log_librdkafka(level: RDKafkaLogLevel, fac: &str, message: &str) {
    // librdkafka's own ERROR logs repeat what the error callback reports (which names the
    // cause once, below); here they are warnings, one per facility per window.
    let loud = matches!(
        level,
        RDKafkaLogLevel::Emerg
            | RDKafkaLogLevel::Alert
            | RDKafkaLogLevel::Critical
            | RDKafkaLogLevel::Error
            | RDKafkaLogLevel::Warning
    );
    if loud && throttle::first_in_window(&format!("librdkafka:{fac}")) {
        tracing::warn!(target: "librdkafka", facility = fac, "{message}");
        return;
    }
    match level {
        RDKafkaLogLevel::Notice | RDKafkaLogLevel::Info if !loud => {
            tracing::info!(target: "librdkafka", facility = fac, "{message}")
        }
        _ => tracing::debug!(target: "librdkafka", facility = fac, "{message}"),
    }
}

/// Reports a non-fatal client error: once per cause and window, at ERROR for causes that
/// need an operator (credentials, certificates), WARN for the rest; repeats at DEBUG.
fn report_transient(client: &str, error: &KafkaError, reason: &str) {
    let code = error.rdkafka_error_code();
    let key = format!("client-error:{code:?}");
    if !throttle::first_in_window(&key) {
        tracing::debug!(error = %error, reason, "{client}: transient error (repeated)");
        return;
    }
    match code {
        Some(RDKafkaErrorCode::Authentication | RDKafkaErrorCode::SaslAuthenticationFailed) => {
            tracing::error!(
                error = %error,
                reason,
                "kafka authentication failed: check kafka.sasl_mechanism, sasl_username and the password; not ready, retrying"
            )
        }
        Some(RDKafkaErrorCode::SSL) => tracing::error!(
            error = %error,
            reason,
            "kafka TLS failed (certificate or handshake): check kafka.ssl_ca_location; not ready, retrying"
        ),
        _ => tracing::warn!(error = %error, reason, "{client}: transient error; retrying"),
    }
}

fn is_fatal(error: &KafkaError) -> bool {
    error.rdkafka_error_code() == Some(RDKafkaErrorCode::Fatal)
}

/// Callbacks of the producer.
pub struct ProducerCtx {
    pub(crate) shared: Arc<Shared>,
}

impl ClientContext for ProducerCtx {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, message: &str) {
        log_librdkafka(level, fac, message);
    }

    fn stats(&self, statistics: Statistics) {
        // Any connection counts, the bootstrap one included: an idle producer may not have
        // connected to the partition leaders yet.
        let up = statistics.brokers.values().any(|b| b.state == "UP");
        self.shared.health.set_producer_connected(up);
    }

    fn error(&self, error: KafkaError, reason: &str) {
        if error.rdkafka_error_code() == Some(RDKafkaErrorCode::AllBrokersDown) {
            self.shared.health.set_producer_connected(false);
        }
        if is_fatal(&error) {
            tracing::error!(error = %error, reason, "producer: fatal error");
            self.shared
                .set_fatal(format!("producer: {error}: {reason}"));
        } else {
            report_transient("producer", &error, reason);
        }
    }
}

/// Callbacks of the consumer. They run on the poll thread, inside `poll`.
pub struct ConsumerCtx {
    pub(crate) shared: Arc<Shared>,
    /// Exactly-once: the transactional producer, whose open transaction is committed before
    /// partitions are revoked.
    pub(crate) producer: FutureProducer<ProducerCtx>,
}

impl ClientContext for ConsumerCtx {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, message: &str) {
        log_librdkafka(level, fac, message);
    }

    fn stats(&self, statistics: Statistics) {
        let input = &self.shared.config.topics.input;
        let Some(topic) = statistics.topics.get(input) else {
            return;
        };
        let assigned = self.shared.tracker().partitions();
        for (id, p) in &topic.partitions {
            if *id < 0 || !assigned.contains(&Tp::new(input.as_str(), *id)) {
                continue;
            }
            // Lag from the committed offset; before the first commit, from the stored one.
            let lag = if p.consumer_lag >= 0 {
                p.consumer_lag
            } else {
                p.consumer_lag_stored
            };
            if lag >= 0 {
                self.shared
                    .metrics
                    .consumer_lag
                    .with_label_values(&[input.as_str(), &id.to_string()])
                    .set(lag);
            }
        }
    }

    fn error(&self, error: KafkaError, reason: &str) {
        if is_fatal(&error) {
            tracing::error!(error = %error, reason, "consumer: fatal error");
            self.shared
                .set_fatal(format!("consumer: {error}: {reason}"));
        } else {
            report_transient("consumer", &error, reason);
        }
    }
}

impl ConsumerContext for ConsumerCtx {
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Revoke(tpl) => {
                let tps = tps_of(tpl);
                self.shared.metrics.rebalance(REBALANCE_REVOKE);
                tracing::info!(partitions = tps.len(), "partitions revoked: draining");
                match self.shared.mode() {
                    DeliveryMode::AtLeastOnce => self.revoke_at_least_once(consumer, &tps),
                    DeliveryMode::ExactlyOnce => {
                        if let Err(e) =
                            super::consume::eos_commit(consumer, &self.producer, &self.shared)
                        {
                            self.shared.set_fatal(e.to_string());
                        }
                    }
                }
                let mut tracker = self.shared.tracker();
                for tp in &tps {
                    tracker.revoke(tp);
                    let _ = self
                        .shared
                        .metrics
                        .consumer_lag
                        .remove_label_values(&[tp.topic.as_str(), &tp.partition.to_string()]);
                }
                self.shared
                    .metrics
                    .assigned_partitions
                    .set(tracker.partitions().len() as i64);
            }
            Rebalance::Assign(_) => {}
            Rebalance::Error(e) => {
                tracing::warn!(error = %e, "rebalance error");
            }
        }
    }

    fn post_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Assign(tpl) = rebalance {
            let tps = tps_of(tpl);
            self.shared.metrics.rebalance(REBALANCE_ASSIGN);
            let mut tracker = self.shared.tracker();
            for tp in &tps {
                tracker.assign(tp.clone());
            }
            let n = tracker.partitions().len();
            drop(tracker);
            self.shared.metrics.assigned_partitions.set(n as i64);
            self.shared.health.set_joined(true);
            tracing::info!(added = tps.len(), assigned = n, "partitions assigned");
        }
    }

    fn commit_callback(&self, result: KafkaResult<()>, _offsets: &TopicPartitionList) {
        match result {
            Ok(()) => self.shared.metrics.offset_commits.inc(),
            Err(e) if e.rdkafka_error_code() == Some(RDKafkaErrorCode::NoOffset) => {}
            Err(e) => {
                self.shared.metrics.commit_failures.inc();
                tracing::warn!(error = %e, "offset commit failed; it is retried with the next one");
            }
        }
    }
}

impl ConsumerCtx {
    /// Waits for the revoked partitions' in-flight work, then commits their offsets
    /// synchronously so the next owner starts right after the last acknowledged output.
    fn revoke_at_least_once(&self, consumer: &BaseConsumer<Self>, tps: &[Tp]) {
        let timeout = if self.shared.closing.load(Ordering::Relaxed) {
            Duration::ZERO
        } else {
            Duration::from_millis(self.shared.config.delivery.drain_timeout_ms)
        };
        self.shared.drain(Some(tps), timeout);
        let points: Vec<(Tp, i64)> = {
            let tracker = self.shared.tracker();
            tps.iter()
                .filter_map(|tp| tracker.commit_point(tp).map(|p| (tp.clone(), p)))
                .collect()
        };
        if points.is_empty() {
            return;
        }
        let tpl = match tpl_of(&points) {
            Ok(tpl) => tpl,
            Err(e) => {
                tracing::warn!(error = %e, "building the revoke commit");
                return;
            }
        };
        if consumer.assignment_lost() {
            tracing::warn!("assignment lost: offsets of revoked partitions cannot be committed");
            self.shared.metrics.commit_failures.inc();
            return;
        }
        let _ = consumer.store_offsets(&tpl);
        match consumer.commit(&tpl, CommitMode::Sync) {
            Ok(()) => {}
            Err(e) if e.rdkafka_error_code() == Some(RDKafkaErrorCode::NoOffset) => {}
            // Counted by `commit_callback`, which librdkafka also calls for this commit.
            Err(e) => {
                tracing::warn!(error = %e, "commit on revoke failed; the next owner may repeat some outputs");
            }
        }
    }
}

pub(crate) fn tps_of(tpl: &TopicPartitionList) -> Vec<Tp> {
    tpl.elements()
        .iter()
        .map(|e| Tp::new(e.topic(), e.partition()))
        .collect()
}

pub(crate) fn tpl_of(points: &[(Tp, i64)]) -> KafkaResult<TopicPartitionList> {
    let mut tpl = TopicPartitionList::new();
    for (tp, offset) in points {
        tpl.add_partition_offset(&tp.topic, tp.partition, Offset::Offset(*offset))?;
    }
    Ok(tpl)
}
