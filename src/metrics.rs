//! Every metric the worker exports, defined once, in one [`Registry`].
//!
//! Names start with `news_enricher_`, use base units (seconds, bytes), counters end in
//! `_total`, and every label comes from a bounded set: outcomes, [`Reason::ALL`],
//! [`pipeline::STAGES`], [`QUALITY_FIELDS`], rebalance kinds, and `topic`/`partition` of the
//! input topic (bounded by its partition count). Nothing is labelled by article, URL or error
//! text.
//!
//! There is no global registry: each worker owns a [`Metrics`], so tests can run several
//! workers in one process and read each one's counters.
//!
//! | name | type | labels | meaning |
//! |---|---|---|---|
//! | `news_enricher_build_info` | gauge (1) | `version` | the running build |
//! | `news_enricher_messages_consumed_total` | counter | | input messages handed to the pipeline |
//! | `news_enricher_outputs_produced_total` | counter | `outcome` = `event`, `dead_letter` | outputs acknowledged by the broker |
//! | `news_enricher_dead_letters_total` | counter | `reason` | dead letters acknowledged, by reason code |
//! | `news_enricher_stage_duration_seconds` | histogram | `stage` | time in each pipeline stage |
//! | `news_enricher_end_to_end_latency_seconds` | histogram | | input message timestamp to output acknowledgement |
//! | `news_enricher_in_flight_messages` | gauge | | messages consumed whose output is not yet acknowledged |
//! | `news_enricher_consumer_paused` | gauge | | 1 while the consumer is paused by backpressure |
//! | `news_enricher_assigned_partitions` | gauge | | input partitions assigned to this worker |
//! | `news_enricher_consumer_lag_messages` | gauge | `topic`, `partition` | high watermark minus committed offset |
//! | `news_enricher_offset_commits_total` | counter | | successful offset commits (including in transactions) |
//! | `news_enricher_commit_failures_total` | counter | | failed offset or transaction commits |
//! | `news_enricher_rebalances_total` | counter | `kind` = `assign`, `revoke` | group rebalances seen |
//! | `news_enricher_drain_timeouts_total` | counter | | drains (revoke, shutdown) that ended with work still in flight |
//! | `news_enricher_produce_retries_total` | counter | | outputs re-sent after a failed delivery |
//! | `news_enricher_transactions_total` | counter | `result` = `committed`, `aborted` | exactly-once transactions |
//! | `news_enricher_events_with_field_total` | counter | `field` | events carrying a field (quality) |
//! | `news_enricher_event_text_bytes` | histogram | | size of an event's text (quality) |
//! | `news_enricher_ready` | gauge | | 1 when `/readyz` answers 200 |

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};

use crate::event::Reason;
use crate::pipeline;

/// Metric name prefix.
pub const PREFIX: &str = "news_enricher";

/// Output outcomes (label `outcome`).
pub const OUTCOME_EVENT: &str = "event";
pub const OUTCOME_DEAD_LETTER: &str = "dead_letter";
/// Rebalance kinds (label `kind`).
pub const REBALANCE_ASSIGN: &str = "assign";
pub const REBALANCE_REVOKE: &str = "revoke";
/// Transaction results (label `result`).
pub const TXN_COMMITTED: &str = "committed";
pub const TXN_ABORTED: &str = "aborted";

/// Fields whose presence is counted per event (label `field`): the share of events with a
/// publication date, with authors, with at least one entity, … is
/// `events_with_field_total{field=…} / outputs_produced_total{outcome="event"}`.
pub const QUALITY_FIELDS: [&str; 6] = [
    "published_at",
    "authors",
    "entities",
    "title",
    "language",
    "temporal_expressions",
];

/// The worker's metrics.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    pub build_info: IntGaugeVec,
    pub messages_consumed: IntCounter,
    pub outputs_produced: IntCounterVec,
    pub dead_letters: IntCounterVec,
    pub stage_duration: HistogramVec,
    pub end_to_end_latency: Histogram,
    pub in_flight: IntGauge,
    pub consumer_paused: IntGauge,
    pub assigned_partitions: IntGauge,
    pub consumer_lag: IntGaugeVec,
    pub offset_commits: IntCounter,
    pub commit_failures: IntCounter,
    pub rebalances: IntCounterVec,
    pub drain_timeouts: IntCounter,
    pub produce_retries: IntCounter,
    pub transactions: IntCounterVec,
    pub events_with_field: IntCounterVec,
    pub event_text_bytes: Histogram,
    pub ready: IntGauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

fn opts(name: &str, help: &str) -> Opts {
    Opts::new(name, help).namespace(PREFIX)
}

fn hopts(name: &str, help: &str, buckets: Vec<f64>) -> HistogramOpts {
    HistogramOpts::new(name, help)
        .namespace(PREFIX)
        .buckets(buckets)
}

impl Metrics {
    /// Creates and registers every metric, with every bounded label value pre-initialised
    /// so dashboards see zeros instead of missing series.
    pub fn new() -> Result<Metrics, prometheus::Error> {
        let registry = Registry::new();
        let build_info = IntGaugeVec::new(
            opts("build_info", "Build of the running worker (value 1)."),
            &["version"],
        )?;
        let messages_consumed = IntCounter::with_opts(opts(
            "messages_consumed_total",
            "Input messages consumed and handed to the pipeline.",
        ))?;
        let outputs_produced = IntCounterVec::new(
            opts(
                "outputs_produced_total",
                "Outputs acknowledged by the broker, by outcome (event or dead_letter).",
            ),
            &["outcome"],
        )?;
        let dead_letters = IntCounterVec::new(
            opts(
                "dead_letters_total",
                "Dead-letter records acknowledged by the broker, by reason code.",
            ),
            &["reason"],
        )?;
        let stage_duration = HistogramVec::new(
            hopts(
                "stage_duration_seconds",
                "Time spent in each pipeline stage per article.",
                vec![
                    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                    0.5, 1.0, 2.5,
                ],
            ),
            &["stage"],
        )?;
        let end_to_end_latency = Histogram::with_opts(hopts(
            "end_to_end_latency_seconds",
            "From the input message's timestamp to the acknowledgement of its output.",
            vec![
                0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
            ],
        ))?;
        let in_flight = IntGauge::with_opts(opts(
            "in_flight_messages",
            "Messages consumed whose output is not yet acknowledged.",
        ))?;
        let consumer_paused = IntGauge::with_opts(opts(
            "consumer_paused",
            "1 while the consumer is paused because delivery.max_in_flight is reached.",
        ))?;
        let assigned_partitions = IntGauge::with_opts(opts(
            "assigned_partitions",
            "Input partitions currently assigned to this worker.",
        ))?;
        let consumer_lag = IntGaugeVec::new(
            opts(
                "consumer_lag_messages",
                "Messages between the committed offset and the high watermark, per assigned partition.",
            ),
            &["topic", "partition"],
        )?;
        let offset_commits = IntCounter::with_opts(opts(
            "offset_commits_total",
            "Successful offset commits (auto-commits, rebalance and shutdown commits, transactions).",
        ))?;
        let commit_failures = IntCounter::with_opts(opts(
            "commit_failures_total",
            "Failed offset commits or transaction commits.",
        ))?;
        let rebalances = IntCounterVec::new(
            opts(
                "rebalances_total",
                "Consumer group rebalances seen, by kind (assign or revoke).",
            ),
            &["kind"],
        )?;
        let drain_timeouts = IntCounter::with_opts(opts(
            "drain_timeouts_total",
            "Drains (on revoke or shutdown) that hit delivery.drain_timeout_ms with work in flight.",
        ))?;
        let produce_retries = IntCounter::with_opts(opts(
            "produce_retries_total",
            "Outputs sent again after a failed delivery.",
        ))?;
        let transactions = IntCounterVec::new(
            opts(
                "transactions_total",
                "Exactly-once transactions, by result (committed or aborted).",
            ),
            &["result"],
        )?;
        let events_with_field = IntCounterVec::new(
            opts(
                "events_with_field_total",
                "Events produced that carry a field (non-null, non-empty), by field.",
            ),
            &["field"],
        )?;
        let event_text_bytes = Histogram::with_opts(hopts(
            "event_text_bytes",
            "Size of the text of produced events, in UTF-8 bytes.",
            vec![
                0.0, 100.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0, 50000.0, 100000.0,
                500000.0,
            ],
        ))?;
        let ready = IntGauge::with_opts(opts(
            "ready",
            "1 when the worker has joined its group and its producer is connected.",
        ))?;

        registry.register(Box::new(build_info.clone()))?;
        registry.register(Box::new(messages_consumed.clone()))?;
        registry.register(Box::new(outputs_produced.clone()))?;
        registry.register(Box::new(dead_letters.clone()))?;
        registry.register(Box::new(stage_duration.clone()))?;
        registry.register(Box::new(end_to_end_latency.clone()))?;
        registry.register(Box::new(in_flight.clone()))?;
        registry.register(Box::new(consumer_paused.clone()))?;
        registry.register(Box::new(assigned_partitions.clone()))?;
        registry.register(Box::new(consumer_lag.clone()))?;
        registry.register(Box::new(offset_commits.clone()))?;
        registry.register(Box::new(commit_failures.clone()))?;
        registry.register(Box::new(rebalances.clone()))?;
        registry.register(Box::new(drain_timeouts.clone()))?;
        registry.register(Box::new(produce_retries.clone()))?;
        registry.register(Box::new(transactions.clone()))?;
        registry.register(Box::new(events_with_field.clone()))?;
        registry.register(Box::new(event_text_bytes.clone()))?;
        registry.register(Box::new(ready.clone()))?;

        build_info.with_label_values(&[pipeline::VERSION]).set(1);
        for outcome in [OUTCOME_EVENT, OUTCOME_DEAD_LETTER] {
            outputs_produced.with_label_values(&[outcome]);
        }
        for reason in Reason::ALL {
            dead_letters.with_label_values(&[reason.as_str()]);
        }
        for stage in pipeline::STAGES {
            stage_duration.with_label_values(&[stage]);
        }
        for kind in [REBALANCE_ASSIGN, REBALANCE_REVOKE] {
            rebalances.with_label_values(&[kind]);
        }
        for result in [TXN_COMMITTED, TXN_ABORTED] {
            transactions.with_label_values(&[result]);
        }
        for field in QUALITY_FIELDS {
            events_with_field.with_label_values(&[field]);
        }

        Ok(Metrics {
            registry,
            build_info,
            messages_consumed,
            outputs_produced,
            dead_letters,
            stage_duration,
            end_to_end_latency,
            in_flight,
            consumer_paused,
            assigned_partitions,
            consumer_lag,
            offset_commits,
            commit_failures,
            rebalances,
            drain_timeouts,
            produce_retries,
            transactions,
            events_with_field,
            event_text_bytes,
            ready,
        })
    }

    /// The registry, for the admin server.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        let encoder = TextEncoder::new();
        if let Err(e) = encoder.encode(&self.registry.gather(), &mut buf) {
            tracing::warn!(error = %e, "encoding metrics");
        }
        String::from_utf8(buf).unwrap_or_default()
    }

    /// Counts one acknowledged output.
    pub fn output(&self, outcome: &'static str) {
        self.outputs_produced.with_label_values(&[outcome]).inc();
    }

    /// Counts one acknowledged dead letter.
    pub fn dead_letter(&self, reason: Reason) {
        self.dead_letters
            .with_label_values(&[reason.as_str()])
            .inc();
    }

    /// Records the stage timings of one article.
    pub fn stage_timings(&self, t: &pipeline::StageTimings) {
        for (stage, d) in pipeline::STAGES.iter().zip([t.clean, t.entities, t.dates]) {
            self.stage_duration
                .with_label_values(&[stage])
                .observe(d.as_secs_f64());
        }
    }

    /// Records the quality counters of one produced event.
    pub fn event_quality(&self, q: &EventQuality) {
        for (field, present) in QUALITY_FIELDS.iter().zip(q.present) {
            if present {
                self.events_with_field.with_label_values(&[field]).inc();
            }
        }
        self.event_text_bytes.observe(q.text_bytes as f64);
    }

    /// Counts one rebalance.
    pub fn rebalance(&self, kind: &'static str) {
        self.rebalances.with_label_values(&[kind]).inc();
    }

    /// Counts one transaction.
    pub fn transaction(&self, result: &'static str) {
        self.transactions.with_label_values(&[result]).inc();
    }
}

/// What the quality metrics need to know about one event, taken before it is serialised.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventQuality {
    /// Presence of each of [`QUALITY_FIELDS`], in order.
    pub present: [bool; QUALITY_FIELDS.len()],
    pub text_bytes: usize,
}

impl EventQuality {
    pub fn of(event: &crate::event::Event) -> EventQuality {
        EventQuality {
            present: [
                event.published_at.is_some(),
                !event.authors.is_empty(),
                !event.entities.is_empty(),
                event.title.as_deref().is_some_and(|t| !t.is_empty()),
                event.language.is_some(),
                !event.temporal_expressions.is_empty(),
            ],
            text_bytes: event.text.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_prefixed_and_counters_end_in_total() {
        let m = Metrics::new().unwrap();
        let families = m.registry().gather();
        assert!(families.len() >= 18);
        for f in families {
            assert!(f.name().starts_with("news_enricher_"), "{}", f.name());
            if f.get_field_type() == prometheus::proto::MetricType::COUNTER {
                assert!(f.name().ends_with("_total"), "{}", f.name());
            }
        }
        let text = m.render();
        assert!(text.contains("news_enricher_dead_letters_total{reason=\"too_large\"} 0"));
        assert!(text.contains("news_enricher_build_info{version="));
    }
}
