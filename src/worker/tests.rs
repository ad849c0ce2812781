//! Worker tests against librdkafka's mock cluster: the real consumer/producer code, with
//! faults a real broker cannot produce on demand (produce errors, a broker going down,
//! commit failures during a rebalance), plus shutdown and dead-letter fidelity.
//!
//! Each test has its own in-process cluster, topics and group. Counts are by input position
//! (`source` of events, `source_*` headers of dead letters): every input must have an output.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Header, Message, OwnedHeaders, OwnedMessage};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{Offset, TopicPartitionList};
use rdkafka_sys::types::{RDKafkaApiKey, RDKafkaRespErr};
use tokio_util::sync::CancellationToken;

use super::message::InputMessage;
use super::*;
use crate::config::{Config, DeliveryMode};
use crate::demo::MockKafka;

const INPUT: &str = "in";
const OUTPUT: &str = "out";
const DLQ: &str = "dlq";

fn pipeline() -> Arc<Pipeline> {
    static P: OnceLock<Arc<Pipeline>> = OnceLock::new();
    P.get_or_init(|| Arc::new(Pipeline::new().unwrap())).clone()
}

fn init_logs() {
    if std::env::var("TEST_LOG").is_ok() {
        crate::telemetry::init(crate::config::LogFormat::Text, "debug");
    }
}

/// Key, value and headers of one input.
type TestInput<'a> = (Option<&'a [u8]>, Option<&'a [u8]>, Vec<(&'a str, &'a [u8])>);

struct Env {
    mock: MockKafka,
    group: String,
}

fn env(partitions: i32, group: &str) -> Env {
    init_logs();
    let mock = MockKafka::start(1).unwrap();
    mock.create_topic(INPUT, partitions).unwrap();
    mock.create_topic(OUTPUT, 2).unwrap();
    mock.create_topic(DLQ, 1).unwrap();
    Env {
        mock,
        group: group.to_string(),
    }
}

impl Env {
    fn config(&self) -> Config {
        let mut c = Config::defaults().unwrap();
        c.kafka.brokers = self.mock.bootstrap().to_string();
        c.kafka.group_id = self.group.clone();
        c.kafka.session_timeout_ms = 6000;
        c.kafka.heartbeat_interval_ms = 500;
        c.kafka.statistics_interval_ms = 500;
        c.topics.input = INPUT.into();
        c.topics.output = OUTPUT.into();
        c.topics.dead_letter = DLQ.into();
        c.admin.listen = "127.0.0.1:0".into();
        c.delivery.commit_interval_ms = 100;
        c.delivery.drain_timeout_ms = 3000;
        c.delivery.produce_timeout_ms = 1000;
        c.delivery.retry_backoff_initial_ms = 50;
        c.delivery.retry_backoff_max_ms = 500;
        c.delivery.max_in_flight = 16;
        c.pipeline.compute_threads = 2;
        c
    }

    async fn start(&self, config: Config) -> (RunningWorker, CancellationToken) {
        let stop = CancellationToken::new();
        let w = start_with(config, stop.clone(), pipeline()).await.unwrap();
        (w, stop)
    }

    async fn produce(&self, inputs: &[TestInput<'_>]) {
        let producer: FutureProducer = ClientConfig::new()
            .set("bootstrap.servers", self.mock.bootstrap())
            .create()
            .unwrap();
        for (key, value, headers) in inputs {
            let mut h = OwnedHeaders::new();
            for (k, v) in headers {
                h = h.insert(Header {
                    key: k,
                    value: Some(*v),
                });
            }
            let mut r: FutureRecord<'_, [u8], [u8]> = FutureRecord::to(INPUT).headers(h);
            if let Some(k) = key {
                r = r.key(*k);
            }
            if let Some(v) = value {
                r = r.payload(*v);
            }
            producer.send(r, Duration::from_secs(5)).await.unwrap();
        }
    }

    async fn produce_texts(&self, n: usize) {
        let bodies: Vec<Vec<u8>> = (0..n)
            .map(|i| {
                format!(
                    r#"{{"id":"doc-{i}","text":"Article number {i} was written in Port Ellery on Tuesday.\n\nIt has a second paragraph."}}"#
                )
                .into_bytes()
            })
            .collect();
        let inputs: Vec<_> = bodies
            .iter()
            .map(|b| (None, Some(b.as_slice()), vec![]))
            .collect();
        self.produce(&inputs).await;
    }

    /// Reads `topic` from the beginning until `n` messages or `timeout`.
    async fn read(&self, topic: &str, n: usize, timeout: Duration) -> Vec<OwnedMessage> {
        let bootstrap = self.mock.bootstrap().to_string();
        let topic = topic.to_string();
        tokio::task::spawn_blocking(move || {
            let c: BaseConsumer = ClientConfig::new()
                .set("bootstrap.servers", &bootstrap)
                .set("group.id", "reader")
                .set("enable.auto.commit", "false")
                .create()
                .unwrap();
            let md = c
                .fetch_metadata(Some(&topic), Duration::from_secs(5))
                .unwrap();
            let mut tpl = TopicPartitionList::new();
            for t in md.topics() {
                for p in t.partitions() {
                    tpl.add_partition_offset(&topic, p.id(), Offset::Beginning)
                        .unwrap();
                }
            }
            c.assign(&tpl).unwrap();
            let deadline = Instant::now() + timeout;
            let mut out = Vec::new();
            while out.len() < n && Instant::now() < deadline {
                if let Some(Ok(m)) = c.poll(Duration::from_millis(50)) {
                    out.push(m.detach());
                }
            }
            out
        })
        .await
        .unwrap()
    }

    /// Reads the output topic until events for `distinct` input positions arrived (then a
    /// little longer, to catch duplicates), or `timeout`. Returns the count per position.
    async fn event_positions(
        &self,
        distinct: usize,
        timeout: Duration,
    ) -> BTreeMap<(i32, i64), usize> {
        let deadline = Instant::now() + timeout;
        loop {
            let events = self
                .read(OUTPUT, usize::MAX, Duration::from_millis(1500))
                .await;
            let seen = positions(&events, &[]);
            if seen.len() >= distinct || Instant::now() > deadline {
                return seen;
            }
        }
    }

    /// The group's committed offsets of the input topic, per partition (-1: none).
    async fn committed(&self, partitions: i32) -> Vec<i64> {
        let bootstrap = self.mock.bootstrap().to_string();
        let group = self.group.clone();
        tokio::task::spawn_blocking(move || {
            let c: BaseConsumer = ClientConfig::new()
                .set("bootstrap.servers", &bootstrap)
                .set("group.id", &group)
                .set("enable.auto.commit", "false")
                .create()
                .unwrap();
            let mut tpl = TopicPartitionList::new();
            for p in 0..partitions {
                tpl.add_partition(INPUT, p);
            }
            let got = c.committed_offsets(tpl, Duration::from_secs(5)).unwrap();
            (0..partitions)
                .map(|p| match got.find_partition(INPUT, p).map(|e| e.offset()) {
                    Some(Offset::Offset(o)) => o,
                    _ => -1,
                })
                .collect()
        })
        .await
        .unwrap()
    }
}

/// Input positions (partition, offset) that outputs refer to.
fn positions(events: &[OwnedMessage], dead: &[OwnedMessage]) -> BTreeMap<(i32, i64), usize> {
    let mut seen = BTreeMap::new();
    for m in events {
        let v: serde_json::Value = serde_json::from_slice(m.payload().unwrap()).unwrap();
        let p = v["source"]["partition"].as_i64().unwrap() as i32;
        let o = v["source"]["offset"].as_i64().unwrap();
        *seen.entry((p, o)).or_insert(0) += 1;
    }
    for m in dead {
        let h = header_map(m);
        let p: i32 = String::from_utf8_lossy(&h["source_partition"])
            .parse()
            .unwrap();
        let o: i64 = String::from_utf8_lossy(&h["source_offset"])
            .parse()
            .unwrap();
        *seen.entry((p, o)).or_insert(0) += 1;
    }
    seen
}

fn header_map(m: &OwnedMessage) -> BTreeMap<String, Vec<u8>> {
    use rdkafka::message::Headers;
    let mut out = BTreeMap::new();
    if let Some(h) = m.headers() {
        for x in h.iter() {
            out.insert(x.key.to_string(), x.value.unwrap_or_default().to_vec());
        }
    }
    out
}

async fn wait_ready(w: &RunningWorker) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !w.health.ready() {
        assert!(Instant::now() < deadline, "worker not ready in time");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn wait_for(mut cond: impl FnMut() -> bool, timeout: Duration, what: &str) {
    let deadline = Instant::now() + timeout;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn outputs(w: &RunningWorker) -> u64 {
    let m = &w.metrics.outputs_produced;
    m.with_label_values(&["event"]).get() + m.with_label_values(&["dead_letter"]).get()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_input_gets_one_output_and_offsets_are_committed() {
    let env = env(3, "g-basic");
    let (w, stop) = env.start(env.config()).await;
    wait_ready(&w).await;
    env.produce_texts(40).await;
    env.produce(&[
        (Some(b"k-bad"), Some(b"{not json"), vec![("trace", b"abc")]),
        (Some(b"k-empty"), Some(b""), vec![]),
    ])
    .await;
    wait_for(|| outputs(&w) >= 42, Duration::from_secs(30), "42 outputs").await;
    let metrics = w.metrics.clone();
    stop.cancel();
    w.join().await.unwrap();

    let events = env.read(OUTPUT, 40, Duration::from_secs(10)).await;
    let dead = env.read(DLQ, 2, Duration::from_secs(10)).await;
    assert_eq!(events.len(), 40);
    assert_eq!(dead.len(), 2);
    let seen = positions(&events, &dead);
    assert_eq!(seen.len(), 42, "one output per input position");
    // Every partition committed exactly past its last input.
    let committed = env.committed(3).await;
    let mut per_partition = [0i64; 3];
    for (p, _) in seen.keys() {
        per_partition[*p as usize] += 1;
    }
    assert_eq!(committed, per_partition.to_vec());
    assert_eq!(metrics.messages_consumed.get(), 42);
    assert_eq!(metrics.in_flight.get(), 0);
    assert_eq!(
        metrics
            .dead_letters
            .with_label_values(&["bad_envelope"])
            .get(),
        1
    );
    assert_eq!(
        metrics
            .dead_letters
            .with_label_values(&["no_content"])
            .get(),
        1
    );
    // Event headers and key.
    let h = header_map(&events[0]);
    assert_eq!(h["content-type"], b"application/json");
    assert_eq!(h["schema"], b"news-enricher/article/v1");
    let v: serde_json::Value = serde_json::from_slice(events[0].payload().unwrap()).unwrap();
    assert_eq!(
        events[0].key().unwrap(),
        v["id"].as_str().unwrap().as_bytes()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dead_letters_keep_key_value_and_headers_byte_for_byte() {
    let env = env(1, "g-dlq");
    let (w, stop) = env.start(env.config()).await;
    wait_ready(&w).await;
    let value: &[u8] = b"\xff\xfe{garbage\x00\x01";
    env.produce(&[(
        Some(b"\x00key\xff"),
        Some(value),
        vec![
            ("content-type", b"application/json"),
            ("x-binary", b"\xc3\x28\xff"),
        ],
    )])
    .await;
    wait_for(
        || outputs(&w) >= 1,
        Duration::from_secs(20),
        "the dead letter",
    )
    .await;
    stop.cancel();
    w.join().await.unwrap();
    let dead = env.read(DLQ, 1, Duration::from_secs(10)).await;
    assert_eq!(dead.len(), 1);
    let m = &dead[0];
    assert_eq!(m.key().unwrap(), b"\x00key\xff");
    assert_eq!(m.payload().unwrap(), value);
    let h = header_map(m);
    assert_eq!(h["x-binary"], b"\xc3\x28\xff");
    assert_eq!(h["content-type"], b"application/json");
    assert_eq!(h["dlq_reason"], b"bad_envelope");
    assert_eq!(h["source_topic"], INPUT.as_bytes());
    assert_eq!(h["source_partition"], b"0");
    assert_eq!(h["source_offset"], b"0");
    assert!(h.contains_key("failed_at"));
    assert!(h.contains_key("dlq_detail"));
}

#[test]
fn non_utf8_header_names_survive_into_dead_letters() {
    let raw = vec![
        (b"\xffname".to_vec(), Some(b"v".to_vec())),
        (b"plain".to_vec(), None),
    ];
    let h = message::output_headers(&raw, &[("dlq_reason", "bad_header".into())]);
    use rdkafka::message::Headers;
    assert_eq!(h.count(), 3);
    let _ = InputMessage {
        topic: "t".into(),
        partition: 0,
        offset: 0,
        key: None,
        value: None,
        headers: raw,
        timestamp_ms: None,
    };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn produce_errors_are_retried_and_block_the_commit_until_acked() {
    let env = env(1, "g-produce-errors");
    env.produce_texts(10).await;
    // From now on every produce request fails (retriable) until cleared.
    let cluster = env.mock.cluster().unwrap();
    cluster.request_errors(
        RDKafkaApiKey::Produce,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS; 2000],
    );
    let mut config = env.config();
    config.delivery.max_in_flight = 4;
    let (w, stop) = env.start(config).await;
    wait_ready(&w).await;
    wait_for(
        || w.metrics.messages_consumed.get() >= 4,
        Duration::from_secs(20),
        "consumption",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(3000)).await;
    assert_eq!(outputs(&w), 0, "nothing can be acknowledged yet");
    assert_eq!(
        env.committed(1).await,
        vec![-1],
        "nothing committed before an ack"
    );
    // Backpressure: the in-flight limit holds and the consumer is paused.
    assert_eq!(w.metrics.in_flight.get(), 4);
    assert_eq!(w.metrics.messages_consumed.get(), 4);
    assert_eq!(w.metrics.consumer_paused.get(), 1);
    cluster.clear_request_errors(RDKafkaApiKey::Produce);
    let seen = env.event_positions(10, Duration::from_secs(30)).await;
    let retries = w.metrics.produce_retries.get();
    let w_paused_after = w.metrics.consumer_paused.get();
    stop.cancel();
    w.join().await.unwrap();
    assert!(retries > 0, "deliveries timed out and were retried");
    assert_eq!(seen.len(), 10, "no input lost");
    assert_eq!(w_paused_after, 0, "resumed once outputs were acknowledged");
    assert_eq!(env.committed(1).await, vec![10]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn broker_down_and_up_recovers_without_loss() {
    let env = env(2, "g-broker-down");
    let (w, stop) = env.start(env.config()).await;
    wait_ready(&w).await;
    env.produce_texts(20).await;
    wait_for(|| outputs(&w) >= 20, Duration::from_secs(30), "first 20").await;
    let cluster = env.mock.cluster().unwrap();
    cluster.broker_down(1).unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    cluster.broker_up(1).unwrap();
    env.produce_texts(20).await;
    let seen = env.event_positions(40, Duration::from_secs(40)).await;
    // The recovered worker commits everything acknowledged while it runs; polled here so that
    // a slow coordinator failover on a loaded machine is waited for, not failed on.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut committed: i64 = 0;
    while Instant::now() < deadline {
        committed = env.committed(2).await.iter().sum();
        if committed >= 40 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    stop.cancel();
    w.join().await.unwrap();
    assert_eq!(seen.len(), 40, "no input lost");
    assert_eq!(
        committed, 40,
        "all acknowledged work committed after recovery"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn commit_failures_during_rebalance_lose_nothing() {
    let env = env(4, "g-rebalance");
    let (w1, stop1) = env.start(env.config()).await;
    wait_ready(&w1).await;
    env.produce_texts(30).await;
    wait_for(
        || outputs(&w1) >= 30,
        Duration::from_secs(30),
        "first batch",
    )
    .await;
    // Commits fail while a second member joins and the partitions move.
    let cluster = env.mock.cluster().unwrap();
    cluster.request_errors(
        RDKafkaApiKey::OffsetCommit,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS; 50],
    );
    let (w2, stop2) = env.start(env.config()).await;
    wait_ready(&w2).await;
    env.produce_texts(30).await;
    let seen = env.event_positions(60, Duration::from_secs(40)).await;
    cluster.clear_request_errors(RDKafkaApiKey::OffsetCommit);
    let failures = w1.metrics.commit_failures.get() + w2.metrics.commit_failures.get();
    let revokes = w1.metrics.rebalances.with_label_values(&["revoke"]).get();
    stop2.cancel();
    w2.join().await.unwrap();
    stop1.cancel();
    w1.join().await.unwrap();
    assert!(revokes >= 1, "the first worker saw a revoke");
    assert!(failures >= 1, "commit failures were injected and counted");
    assert_eq!(
        seen.len(),
        60,
        "every input has an output (duplicates allowed)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn shutdown_mid_stream_drains_and_commits_all_acked_work() {
    let env = env(2, "g-shutdown");
    let mut config = env.config();
    config.delivery.max_in_flight = 4;
    config.pipeline.compute_threads = 1;
    let (w, stop) = env.start(config).await;
    wait_ready(&w).await;
    env.produce_texts(300).await;
    wait_for(
        || outputs(&w) >= 20,
        Duration::from_secs(30),
        "some outputs",
    )
    .await;
    stop.cancel();
    w.join().await.unwrap();
    let events = env.read(OUTPUT, 300, Duration::from_secs(3)).await;
    let seen = positions(&events, &[]);
    assert!(seen.len() < 300, "stopped mid-stream");
    let committed = env.committed(2).await;
    for (p, c) in committed.iter().enumerate() {
        let done: BTreeSet<i64> = seen
            .keys()
            .filter(|(pp, _)| *pp == p as i32)
            .map(|(_, o)| *o)
            .collect();
        let expected: BTreeSet<i64> = (0..(*c).max(0)).collect();
        assert_eq!(
            done, expected,
            "partition {p}: outputs are exactly the committed prefix (drained, nothing acked left uncommitted)"
        );
    }
    // A restart resumes after the committed prefix and finishes the rest.
    let (w, stop) = env.start(env.config()).await;
    wait_ready(&w).await;
    let seen = env.event_positions(300, Duration::from_secs(60)).await;
    stop.cancel();
    w.join().await.unwrap();
    assert_eq!(seen.len(), 300);
    assert!(
        seen.values().all(|n| *n == 1),
        "no duplicates after a clean shutdown"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn exactly_once_commits_transactions_and_recovers_from_aborts() {
    let env = env(2, "g-eos");
    let mut config = env.config();
    config.delivery.mode = DeliveryMode::ExactlyOnce;
    config.delivery.transactional_id = "t-eos-test".into();
    config.delivery.transaction_timeout_ms = 10000;
    config.delivery.commit_interval_ms = 200;
    let (w, stop) = env.start(config.clone()).await;
    wait_ready(&w).await;
    env.produce_texts(20).await;
    wait_for(|| outputs(&w) >= 20, Duration::from_secs(30), "first 20").await;
    wait_for(
        || {
            w.metrics
                .transactions
                .with_label_values(&["committed"])
                .get()
                >= 1
        },
        Duration::from_secs(10),
        "a committed transaction",
    )
    .await;
    stop.cancel();
    w.join().await.unwrap();

    // Restart (same transactional.id) with every produce failing at first: the transaction
    // aborts, the worker rewinds and consumes the inputs again until they commit.
    env.produce_texts(20).await;
    let cluster = env.mock.cluster().unwrap();
    cluster.request_errors(
        RDKafkaApiKey::Produce,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS; 200],
    );
    let (w, stop) = env.start(config).await;
    wait_ready(&w).await;
    wait_for(
        || w.metrics.transactions.with_label_values(&["aborted"]).get() >= 1,
        Duration::from_secs(30),
        "an aborted transaction",
    )
    .await;
    let committed_before = w
        .metrics
        .transactions
        .with_label_values(&["committed"])
        .get();
    let consumed_at_abort = w.metrics.messages_consumed.get();
    cluster.clear_request_errors(RDKafkaApiKey::Produce);
    // The mock cluster does not store offsets sent in transactions (TxnOffsetCommit), so the
    // restarted worker reads all 40 inputs again; after the abort it reads the aborted ones
    // once more and commits them in a new transaction.
    wait_for(
        || {
            w.metrics
                .transactions
                .with_label_values(&["committed"])
                .get()
                > committed_before
                && w.metrics.messages_consumed.get() > consumed_at_abort
                && w.metrics.in_flight.get() == 0
                && outputs(&w) >= 40
        },
        Duration::from_secs(30),
        "a committed transaction after the abort",
    )
    .await;
    stop.cancel();
    w.join().await.unwrap();
    // The mock cluster writes no transaction markers, so aborted outputs stay visible here;
    // what matters is that every input has an output.
    let events = env.read(OUTPUT, 200, Duration::from_secs(5)).await;
    assert_eq!(positions(&events, &[]).len(), 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn revoke_drains_in_flight_work_and_commits_before_handing_over() {
    let env = env(2, "g-drain");
    env.produce_texts(30).await;
    // Outputs cannot be delivered for now: the first worker's messages stay in flight.
    let cluster = env.mock.cluster().unwrap();
    cluster.request_errors(
        RDKafkaApiKey::Produce,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS; 2000],
    );
    let mut config = env.config();
    config.delivery.max_in_flight = 4;
    config.delivery.drain_timeout_ms = 5000;
    let (w1, stop1) = env.start(config.clone()).await;
    wait_ready(&w1).await;
    wait_for(
        || w1.metrics.in_flight.get() == 4,
        Duration::from_secs(20),
        "four messages in flight",
    )
    .await;
    // A second member joins: the first one's revoke callback waits for its in-flight work.
    let (w2, stop2) = env.start(config).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(outputs(&w1), 0);
    cluster.clear_request_errors(RDKafkaApiKey::Produce);
    wait_ready(&w2).await;
    let seen = env.event_positions(30, Duration::from_secs(40)).await;
    let revokes = w1.metrics.rebalances.with_label_values(&["revoke"]).get();
    let timeouts = w1.metrics.drain_timeouts.get();
    let w1_outputs = outputs(&w1);
    stop2.cancel();
    stop1.cancel();
    w2.join().await.unwrap();
    w1.join().await.unwrap();
    assert!(revokes >= 1);
    assert_eq!(
        timeouts, 0,
        "the drain finished within delivery.drain_timeout_ms"
    );
    assert!(
        w1_outputs >= 4,
        "the revoked worker delivered its in-flight outputs"
    );
    assert_eq!(seen.len(), 30, "every input has an output");
    // No assertion on duplicates: the mock coordinator refuses commits while a member joins
    // (a real broker accepts them during PreparingRebalance), so the hand-over may repeat.
}
