//! `news-enricher demo`: the main job on the embedded default.
//!
//! It starts librdkafka's mock cluster in-process ([`MockKafka`]), creates the three topics,
//! runs the real worker ([`worker::start_with`], the code `run` uses) against it, produces the
//! bundled sample articles (`samples/`, compiled into the binary), reads every output back
//! and prints the enriched events (pretty JSON) and the dead letters with their reasons, then
//! stops the worker cleanly. It needs no broker and no file on disk.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::mocking::MockCluster;
use rdkafka::producer::{
    BaseProducer, DefaultProducerContext, FutureProducer, FutureRecord, Producer,
};
use rdkafka::{Offset, TopicPartitionList};
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::pipeline::Pipeline;
use crate::worker::{self, WorkerError};

/// An in-process Kafka cluster (librdkafka's mock brokers), alive as long as this value.
pub struct MockKafka {
    /// The client that owns the cluster (`test.mock.num.brokers`); never used to produce.
    holder: BaseProducer,
    bootstrap: String,
}

impl std::fmt::Debug for MockKafka {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockKafka")
            .field("bootstrap", &self.bootstrap)
            .finish()
    }
}

impl MockKafka {
    /// Starts a cluster of `brokers` mock brokers.
    pub fn start(brokers: i32) -> Result<MockKafka, KafkaError> {
        let holder: BaseProducer = ClientConfig::new()
            .set("test.mock.num.brokers", brokers.to_string())
            .set("log_level", "3")
            .create()?;
        let bootstrap = holder
            .client()
            .mock_cluster()
            .map(|c| c.bootstrap_servers())
            .ok_or_else(|| KafkaError::MockCluster(rdkafka::types::RDKafkaErrorCode::Fail))?;
        // Group joins wait 3 s for more members by default; nobody else is coming.
        // SAFETY: the pointer comes from a live client that owns the cluster; the call only
        // sets an integer on it.
        unsafe {
            let ptr = rdkafka_sys::rd_kafka_handle_mock_cluster(holder.client().native_ptr());
            if !ptr.is_null() {
                rdkafka_sys::rd_kafka_mock_group_initial_rebalance_delay_ms(ptr, 0);
            }
        }
        Ok(MockKafka { holder, bootstrap })
    }

    /// `bootstrap.servers` of the cluster.
    pub fn bootstrap(&self) -> &str {
        &self.bootstrap
    }

    /// The cluster, for topic creation and fault injection.
    pub fn cluster(&self) -> Result<MockCluster<'_, DefaultProducerContext>, KafkaError> {
        self.holder
            .client()
            .mock_cluster()
            .ok_or(KafkaError::MockCluster(
                rdkafka::types::RDKafkaErrorCode::Fail,
            ))
    }

    /// Creates a topic (the mock cluster has no CreateTopics handler).
    pub fn create_topic(&self, topic: &str, partitions: i32) -> Result<(), KafkaError> {
        self.cluster()?.create_topic(topic, partitions, 1)
    }
}

/// One bundled sample.
struct Sample {
    name: &'static str,
    key: &'static str,
    value: &'static [u8],
    headers: &'static [(&'static str, &'static str)],
}

const SAMPLES: [Sample; 5] = [
    Sample {
        name: "01-harbour-ferry.html",
        key: "https://coastal-ledger.example/transport/night-ferry-returns",
        value: include_bytes!("../samples/01-harbour-ferry.html"),
        headers: &[
            (
                "url",
                "https://coastal-ledger.example/transport/night-ferry-returns?utm_source=demo",
            ),
            ("content-type", "text/html; charset=utf-8"),
            ("fetched_at", "2025-03-14T09:12:00Z"),
        ],
    },
    Sample {
        name: "02-wire-brief.json",
        key: "demo-wire-0002",
        value: include_bytes!("../samples/02-wire-brief.json"),
        headers: &[("content-type", "application/json")],
    },
    Sample {
        name: "03-cafe-windows-1252.html",
        key: "https://lyon-quartiers.example/ville/cafe-merciere",
        value: include_bytes!("../samples/03-cafe-windows-1252.html"),
        headers: &[
            ("url", "https://lyon-quartiers.example/ville/cafe-merciere"),
            ("content-type", "text/html; charset=windows-1252"),
        ],
    },
    Sample {
        name: "04-broken-envelope.json",
        key: "demo-broken-0004",
        value: include_bytes!("../samples/04-broken-envelope.json"),
        headers: &[("content-type", "application/json")],
    },
    Sample {
        name: "05-empty-page.html",
        key: "https://empty.example/",
        value: include_bytes!("../samples/05-empty-page.html"),
        headers: &[("url", "https://empty.example/")],
    },
];

/// How long the demo waits for every output.
const DEMO_TIMEOUT: Duration = Duration::from_secs(60);

/// One output read back from the mock cluster.
enum Output {
    Event(serde_json::Value),
    DeadLetter {
        key: String,
        reason: String,
        detail: String,
        value_bytes: usize,
    },
}

/// An output and the input position (partition, offset) it answers.
type Positioned = ((i32, i64), Output);

/// Runs the demo; prints to standard output.
pub async fn run(config: Config) -> Result<(), WorkerError> {
    let mock = MockKafka::start(1)?;
    let mut config = config;
    config.kafka.brokers = mock.bootstrap().to_string();
    config.kafka.group_id = "news-enricher-demo".to_string();
    config.kafka.session_timeout_ms = 6000;
    config.kafka.heartbeat_interval_ms = 1000;
    config.kafka.statistics_interval_ms = 1000;
    config.delivery.drain_timeout_ms = config.delivery.drain_timeout_ms.min(5000);
    config.delivery.commit_interval_ms = config.delivery.commit_interval_ms.min(500);
    // The mock cluster speaks plain Kafka; security settings of a real deployment do not apply.
    config.kafka.security_protocol = crate::config::SecurityProtocol::Plaintext;
    for topic in [
        &config.topics.input,
        &config.topics.output,
        &config.topics.dead_letter,
    ] {
        mock.create_topic(topic, 3)?;
    }

    let pipeline = Arc::new(Pipeline::new()?);
    let stop = CancellationToken::new();
    let worker = match worker::start_with(config.clone(), stop.clone(), pipeline.clone()).await {
        Ok(w) => w,
        Err(WorkerError::Admin(e)) => {
            // The admin port is taken (another worker on this machine): any free port will do.
            tracing::warn!(error = %e, "admin port busy; using a free port");
            config.admin.listen = "127.0.0.1:0".to_string();
            worker::start_with(config.clone(), stop.clone(), pipeline).await?
        }
        Err(e) => return Err(e),
    };
    let mut admin = worker.admin_addr;
    if admin.ip().is_unspecified() {
        admin.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    println!(
        "news-enricher demo: in-process Kafka at {}",
        mock.bootstrap()
    );
    println!("admin server: http://{admin}/metrics  http://{admin}/livez  http://{admin}/readyz");

    let outcome = feed_and_collect(&config, &mock, &worker).await;
    stop.cancel();
    let joined = worker.join().await;
    let outputs = outcome?;
    joined?;

    let (mut events, mut dead) = (0, 0);
    for (name, output) in &outputs {
        match output {
            Output::Event(json) => {
                events += 1;
                println!("\n=== {name}: event ===");
                let pretty = serde_json::to_string_pretty(json).unwrap_or_default();
                println!("{pretty}");
            }
            Output::DeadLetter {
                key,
                reason,
                detail,
                value_bytes,
            } => {
                dead += 1;
                println!("\n=== {name}: dead letter ===");
                println!("reason: {reason}\ndetail: {detail}\nkey: {key}\nvalue: {value_bytes} bytes, unchanged");
            }
        }
    }
    println!(
        "\n{} samples in, {events} events and {dead} dead letters out; metrics were at http://{admin}/metrics",
        SAMPLES.len()
    );
    Ok(())
}

/// Waits for readiness, produces the samples and reads one output per sample.
async fn feed_and_collect(
    config: &Config,
    mock: &MockKafka,
    worker: &worker::RunningWorker,
) -> Result<Vec<(&'static str, Output)>, WorkerError> {
    let deadline = Instant::now() + DEMO_TIMEOUT;
    while !worker.health.ready() {
        if Instant::now() > deadline {
            return Err(WorkerError::Other(
                "the worker did not become ready in time".into(),
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", mock.bootstrap())
        .set("enable.idempotence", "true")
        .create()?;
    // Where each sample landed, to name its output.
    let mut positions: BTreeMap<(i32, i64), &'static str> = BTreeMap::new();
    for s in &SAMPLES {
        let mut headers = OwnedHeaders::new();
        for (k, v) in s.headers {
            headers = headers.insert(Header {
                key: k,
                value: Some(v.as_bytes()),
            });
        }
        let record = FutureRecord::to(&config.topics.input)
            .key(s.key)
            .payload(s.value)
            .headers(headers);
        let delivery = producer
            .send(record, Duration::from_secs(10))
            .await
            .map_err(|(e, _)| WorkerError::Kafka(e))?;
        positions.insert((delivery.partition, delivery.offset), s.name);
    }

    let topics = [
        config.topics.output.clone(),
        config.topics.dead_letter.clone(),
    ];
    let bootstrap = mock.bootstrap().to_string();
    let expected = SAMPLES.len();
    let outputs =
        tokio::task::spawn_blocking(move || read_outputs(&bootstrap, &topics, expected, deadline))
            .await
            .map_err(|e| WorkerError::Other(format!("reader failed: {e}")))??;

    let mut named: Vec<(&'static str, Output)> = Vec::new();
    for ((partition, offset), output) in outputs {
        let name = positions
            .get(&(partition, offset))
            .copied()
            .unwrap_or("(unknown input)");
        named.push((name, output));
    }
    named.sort_by_key(|(name, _)| *name);
    Ok(named)
}

/// Reads the output and dead-letter topics from the beginning until `expected` outputs.
fn read_outputs(
    bootstrap: &str,
    topics: &[String; 2],
    expected: usize,
    deadline: Instant,
) -> Result<Vec<Positioned>, WorkerError> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", "news-enricher-demo-reader")
        .set("enable.auto.commit", "false")
        .set("isolation.level", "read_committed")
        .create()?;
    let mut tpl = TopicPartitionList::new();
    for topic in topics {
        let md = consumer.fetch_metadata(Some(topic), Duration::from_secs(5))?;
        for t in md.topics() {
            for p in t.partitions() {
                tpl.add_partition_offset(topic, p.id(), Offset::Beginning)?;
            }
        }
    }
    consumer.assign(&tpl)?;
    let mut out = Vec::new();
    while out.len() < expected {
        if Instant::now() > deadline {
            return Err(WorkerError::Other(format!(
                "only {} of {expected} outputs arrived in {} s",
                out.len(),
                DEMO_TIMEOUT.as_secs()
            )));
        }
        let Some(msg) = consumer.poll(Duration::from_millis(100)) else {
            continue;
        };
        let msg = msg?;
        if msg.topic() == topics[0] {
            let json: serde_json::Value =
                serde_json::from_slice(msg.payload().unwrap_or_default()).unwrap_or_default();
            let pos = (
                json.pointer("/source/partition")
                    .and_then(serde_json::Value::as_i64)
                    .unwrap_or(-1) as i32,
                json.pointer("/source/offset")
                    .and_then(serde_json::Value::as_i64)
                    .unwrap_or(-1),
            );
            out.push((pos, Output::Event(json)));
        } else {
            let header = |name: &str| -> String {
                msg.headers()
                    .and_then(|h| {
                        h.iter()
                            .find(|x| x.key == name)
                            .and_then(|x| x.value)
                            .map(|v| String::from_utf8_lossy(v).into_owned())
                    })
                    .unwrap_or_default()
            };
            let pos = (
                header("source_partition").parse().unwrap_or(-1),
                header("source_offset").parse().unwrap_or(-1),
            );
            out.push((
                pos,
                Output::DeadLetter {
                    key: String::from_utf8_lossy(msg.key().unwrap_or_default()).into_owned(),
                    reason: header("dlq_reason"),
                    detail: header("dlq_detail"),
                    value_bytes: msg.payload().map_or(0, <[u8]>::len),
                },
            ));
        }
    }
    Ok(out)
}
