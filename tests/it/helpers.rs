//! Shared helpers of the black-box integration tests.
//!
//! Everything here drives the worker the way an operator would: the real `news-enricher run`
//! binary as a child process configured by environment variables, a real Apache Kafka started by
//! `deploy/local/kafka`, and plain Kafka clients (rdkafka) that produce inputs and read outputs.
//!
//! | helper | does |
//! |---|---|
//! | [`broker`] | the shared broker: `KAFKA_BOOTSTRAP`, else `deploy/local/kafka start` once per process |
//! | [`LocalBroker`] | a private broker in its own state dir, for tests that stop and restart it |
//! | [`serial`] | one broker test at a time (2-core machines; timing-sensitive tests) |
//! | [`Topics`], [`create_topics`] | fresh topic and group names, created with the AdminClient |
//! | [`Worker`] | one worker process: spawn, `/readyz`, SIGKILL, SIGTERM, logs; killed on drop |
//! | [`Input`], [`produce`], [`PacedProducer`] | inputs with their key and headers, produced at once or at a rate |
//! | [`read_all`], [`Record`] | everything in a topic, read to its end (read_committed or not) |
//! | [`wait_all_committed`] | until the group's committed offsets reach the input's end |
//! | [`Tally`] | outputs counted by input id: lost, duplicates, unexpected |

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::{Offset, TopicPartitionList};

/// Session timeout the tests give every worker (and the broker's minimum allows).
pub const SESSION_TIMEOUT_MS: u32 = 6000;
/// Heartbeat interval the tests give every worker.
pub const HEARTBEAT_INTERVAL_MS: u32 = 1000;

// ---------------------------------------------------------------------------------------------
// Broker
// ---------------------------------------------------------------------------------------------

/// Path of the repository (the crate root).
pub fn repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Path of `deploy/local/kafka`.
pub fn kafka_script() -> PathBuf {
    repo_dir().join("deploy/local/kafka")
}

/// Runs `deploy/local/kafka <cmd>` with an optional private state dir and returns its stdout.
/// Panics with the script's stderr when it fails.
pub fn run_kafka_script(cmd: &str, home: Option<&Path>, port: Option<u16>) -> String {
    let mut command = Command::new(kafka_script());
    command.arg(cmd).stdin(Stdio::null());
    if let Some(home) = home {
        command.env("NEWS_ENRICHER_KAFKA_HOME", home);
    }
    if let Some(port) = port {
        command.env("KAFKA_PORT", port.to_string());
    }
    let started = Instant::now();
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", kafka_script().display()));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "deploy/local/kafka {cmd} failed ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    println!(
        "deploy/local/kafka {cmd}: {:.1}s{}",
        started.elapsed().as_secs_f64(),
        home.map(|h| format!(" (state {})", h.display()))
            .unwrap_or_default()
    );
    stdout
}

/// Parses the `BOOTSTRAP=host:port` last line printed by `deploy/local/kafka start`.
pub fn parse_bootstrap(stdout: &str) -> String {
    let last = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    last.trim()
        .strip_prefix("BOOTSTRAP=")
        .unwrap_or_else(|| {
            panic!("deploy/local/kafka start: last line is not BOOTSTRAP=…: {stdout:?}")
        })
        .to_string()
}

/// The broker every test shares: `KAFKA_BOOTSTRAP` if set, else the project's local broker
/// (`deploy/local/kafka start`, once per test process; it keeps running afterwards, so the next
/// run starts in a second; `deploy/local/kafka stop` stops it).
pub fn broker() -> &'static str {
    static BOOTSTRAP: OnceLock<String> = OnceLock::new();
    BOOTSTRAP.get_or_init(|| match std::env::var("KAFKA_BOOTSTRAP") {
        Ok(b) if !b.trim().is_empty() => {
            println!("broker: KAFKA_BOOTSTRAP={b}");
            b
        }
        _ => {
            let b = parse_bootstrap(&run_kafka_script("start", None, None));
            println!("broker: deploy/local/kafka start -> {b}");
            b
        }
    })
}

/// A broker of its own, in a private state dir, for a test that stops and restarts it.
/// Stopped when dropped.
pub struct LocalBroker {
    pub home: tempfile::TempDir,
    pub bootstrap: String,
    pub port: u16,
}

impl LocalBroker {
    pub fn start() -> Self {
        let home = tempfile::Builder::new()
            .prefix("it-kafka-")
            .tempdir_in(test_tmp_dir())
            .expect("temp dir");
        let bootstrap = parse_bootstrap(&run_kafka_script("start", Some(home.path()), None));
        let port = bootstrap
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port in bootstrap");
        println!(
            "private broker at {bootstrap} (state {})",
            home.path().display()
        );
        Self {
            home,
            bootstrap,
            port,
        }
    }

    pub fn stop(&self) {
        run_kafka_script("stop", Some(self.home.path()), None);
    }

    /// Starts it again on the same port with the same data.
    pub fn restart_after_stop(&self) {
        let b = parse_bootstrap(&run_kafka_script(
            "start",
            Some(self.home.path()),
            Some(self.port),
        ));
        assert_eq!(b, self.bootstrap, "the broker came back on another address");
    }
}

impl Drop for LocalBroker {
    fn drop(&mut self) {
        let _ = Command::new(kafka_script())
            .arg("stop")
            .env("NEWS_ENRICHER_KAFKA_HOME", self.home.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// One broker test at a time: they start several worker processes each, measure timing-sensitive
/// things (session timeouts, rebalances) and the machines have 2 cores.
pub fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Where tests keep worker logs and private broker state (kept after the run for inspection).
pub fn test_tmp_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("it");
    fs::create_dir_all(&dir).expect("create test tmp dir");
    dir
}

// ---------------------------------------------------------------------------------------------
// Names and topics
// ---------------------------------------------------------------------------------------------

/// A name unique to this process and call: `it-<what>-<pid>-<millis>-<n>`.
pub fn unique(what: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    format!(
        "it-{what}-{}-{ms}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Fresh input, output and dead-letter topics and a group for one test.
#[derive(Debug, Clone)]
pub struct Topics {
    pub input: String,
    pub output: String,
    pub dead_letter: String,
    pub group: String,
    pub partitions: i32,
}

impl Topics {
    /// Creates the three topics (input with `partitions`, output and dead letter with the same
    /// count) on `bootstrap`.
    pub fn create(bootstrap: &str, what: &str, partitions: i32) -> Self {
        let base = unique(what);
        let t = Self {
            input: format!("{base}.raw"),
            output: format!("{base}.enriched"),
            dead_letter: format!("{base}.dlq"),
            group: format!("{base}.group"),
            partitions,
        };
        create_topics(
            bootstrap,
            &[
                (&t.input, partitions),
                (&t.output, partitions),
                (&t.dead_letter, partitions),
            ],
        );
        println!(
            "topics: {} / {} / {} ({partitions} partitions), group {}",
            t.input, t.output, t.dead_letter, t.group
        );
        t
    }
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime")
    })
}

/// Runs a future to completion on the helpers' runtime (rdkafka's futures need one for timers).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    runtime().block_on(f)
}

/// Creates topics with the AdminClient and waits until their metadata shows every partition
/// with a leader.
pub fn create_topics(bootstrap: &str, topics: &[(&str, i32)]) {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .expect("admin client");
    let new: Vec<NewTopic> = topics
        .iter()
        .map(|(name, p)| NewTopic::new(name, *p, TopicReplication::Fixed(1)))
        .collect();
    let opts = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
    let results = block_on(admin.create_topics(new.iter(), &opts)).expect("create_topics");
    for r in results {
        match r {
            Ok(_) => {}
            Err((name, RDKafkaErrorCode::TopicAlreadyExists)) => {
                panic!("topic {name} already exists")
            }
            Err((name, e)) => panic!("cannot create topic {name}: {e}"),
        }
    }
    let consumer = plain_consumer(bootstrap, None);
    let deadline = Instant::now() + Duration::from_secs(30);
    for (name, partitions) in topics {
        loop {
            let ok = consumer
                .fetch_metadata(Some(name), Duration::from_secs(5))
                .ok()
                .and_then(|md| {
                    md.topics().first().map(|t| {
                        t.error().is_none()
                            && t.partitions().len() == *partitions as usize
                            && t.partitions().iter().all(|p| p.leader() >= 0)
                    })
                })
                .unwrap_or(false);
            if ok {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "topic {name} has no leaders after 30 s"
            );
            thread::sleep(Duration::from_millis(200));
        }
    }
}

fn plain_consumer(bootstrap: &str, extra: Option<&[(&str, &str)]>) -> BaseConsumer {
    let mut cfg = ClientConfig::new();
    cfg.set("bootstrap.servers", bootstrap)
        .set("group.id", unique("reader"))
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false");
    for (k, v) in extra.unwrap_or(&[]) {
        cfg.set(*k, *v);
    }
    cfg.create().expect("consumer")
}

// ---------------------------------------------------------------------------------------------
// Worker processes
// ---------------------------------------------------------------------------------------------

/// How to start one worker.
#[derive(Debug, Clone)]
pub struct WorkerSpec {
    pub bootstrap: String,
    pub topics: Topics,
    /// `at-least-once` or `exactly-once`.
    pub mode: &'static str,
    /// Required in exactly-once mode: unique per worker instance, stable across its restarts.
    pub transactional_id: Option<String>,
    pub max_message_bytes: Option<u64>,
    /// More `NEWS_ENRICHER__…` (or any) environment variables.
    pub env: Vec<(String, String)>,
}

impl WorkerSpec {
    pub fn new(bootstrap: &str, topics: &Topics) -> Self {
        Self {
            bootstrap: bootstrap.to_string(),
            topics: topics.clone(),
            mode: "at-least-once",
            transactional_id: None,
            max_message_bytes: None,
            env: Vec::new(),
        }
    }
}

/// One `news-enricher run` child process. Killed (SIGKILL) when dropped if still running.
pub struct Worker {
    pub name: String,
    pub child: Child,
    pub admin: SocketAddr,
    pub log: PathBuf,
    exited: Option<ExitStatus>,
}

/// The worker binary under test.
pub fn worker_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_news-enricher"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// The directory of one test's logs: `<target tmp>/it/<test>-<time>/`.
pub fn log_dir(test: &str) -> PathBuf {
    let dir = test_tmp_dir().join(unique(test));
    fs::create_dir_all(&dir).expect("log dir");
    dir
}

impl Worker {
    /// Starts `news-enricher run` with the spec's configuration; stdout and stderr go to
    /// `<log_dir>/<name>.log` (appended, so restarts of the same name share one file).
    pub fn spawn(spec: &WorkerSpec, name: &str, log_dir: &Path) -> Self {
        let port = free_port();
        let admin: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
        let log = log_dir.join(format!("{name}.log"));
        let mut file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("log file");
        let _ = writeln!(
            file,
            "===== {name} starting at {:?} =====",
            SystemTime::now()
        );
        let stderr = file.try_clone().expect("log file");
        let mut cmd = Command::new(worker_binary());
        cmd.arg("run")
            .env("NEWS_ENRICHER__KAFKA__BROKERS", &spec.bootstrap)
            .env("NEWS_ENRICHER__KAFKA__GROUP_ID", &spec.topics.group)
            .env("NEWS_ENRICHER__TOPICS__INPUT", &spec.topics.input)
            .env("NEWS_ENRICHER__TOPICS__OUTPUT", &spec.topics.output)
            .env(
                "NEWS_ENRICHER__TOPICS__DEAD_LETTER",
                &spec.topics.dead_letter,
            )
            .env("NEWS_ENRICHER__ADMIN__LISTEN", admin.to_string())
            .env("NEWS_ENRICHER__DELIVERY__MODE", spec.mode)
            .env(
                "NEWS_ENRICHER__KAFKA__SESSION_TIMEOUT_MS",
                SESSION_TIMEOUT_MS.to_string(),
            )
            .env(
                "NEWS_ENRICHER__KAFKA__HEARTBEAT_INTERVAL_MS",
                HEARTBEAT_INTERVAL_MS.to_string(),
            )
            .env("NEWS_ENRICHER__LOG__FORMAT", "text")
            .stdin(Stdio::null())
            .stdout(Stdio::from(file))
            .stderr(Stdio::from(stderr));
        if let Some(id) = &spec.transactional_id {
            cmd.env("NEWS_ENRICHER__DELIVERY__TRANSACTIONAL_ID", id);
        }
        if let Some(max) = spec.max_message_bytes {
            cmd.env("NEWS_ENRICHER__LIMITS__MAX_MESSAGE_BYTES", max.to_string());
        }
        for (k, v) in &spec.env {
            cmd.env(k, v);
        }
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", worker_binary().display()));
        println!(
            "worker {name}: pid {} admin {admin} log {}",
            child.id(),
            log.display()
        );
        Self {
            name: name.to_string(),
            child,
            admin,
            log,
            exited: None,
        }
    }

    /// Spawns and waits for `/readyz` (panics with the log tail if it does not come).
    pub fn spawn_ready(spec: &WorkerSpec, name: &str, log_dir: &Path) -> Self {
        let mut w = Self::spawn(spec, name, log_dir);
        w.wait_ready(Duration::from_secs(60));
        w
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running (reaps it if it has exited).
    pub fn alive(&mut self) -> bool {
        if self.exited.is_some() {
            return false;
        }
        match self.child.try_wait() {
            Ok(Some(status)) => {
                self.exited = Some(status);
                false
            }
            Ok(None) => true,
            Err(_) => false,
        }
    }

    /// The exit status, if the process has exited.
    pub fn exit_status(&mut self) -> Option<ExitStatus> {
        self.alive();
        self.exited
    }

    /// Waits until `/readyz` answers 200.
    pub fn wait_ready(&mut self, timeout: Duration) {
        let started = Instant::now();
        loop {
            if !self.alive() {
                panic!(
                    "worker {} exited before it was ready ({:?}); log tail:\n{}",
                    self.name,
                    self.exited,
                    self.log_tail(60)
                );
            }
            if matches!(http_get(self.admin, "/readyz"), Ok((200, _))) {
                println!(
                    "worker {}: ready after {:.1}s",
                    self.name,
                    started.elapsed().as_secs_f64()
                );
                return;
            }
            if started.elapsed() > timeout {
                panic!(
                    "worker {} not ready after {timeout:?} (/readyz: {:?}); log tail:\n{}",
                    self.name,
                    http_get(self.admin, "/readyz"),
                    self.log_tail(60)
                );
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// `/metrics` as text (empty on error).
    pub fn metrics(&self) -> String {
        http_get(self.admin, "/metrics")
            .map(|(_, body)| body)
            .unwrap_or_default()
    }

    /// SIGKILL and reap.
    pub fn kill9(&mut self) {
        if self.alive() {
            let _ = self.child.kill();
            self.exited = self.child.wait().ok();
            println!("worker {}: SIGKILL", self.name);
        }
    }

    /// Sends SIGTERM (without waiting).
    pub fn sigterm(&mut self) {
        if self.alive() {
            let status = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status()
                .expect("run kill");
            assert!(status.success(), "kill -TERM {} failed", self.child.id());
            println!("worker {}: SIGTERM", self.name);
        }
    }

    /// Waits for the process to exit; `None` if it did not within `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if !self.alive() {
                return self.exited;
            }
            thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// The last `n` lines of the worker's log.
    pub fn log_tail(&self, n: usize) -> String {
        log_tail(&self.log, n)
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if self.alive() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The last `n` lines of a file.
pub fn log_tail(path: &Path, n: usize) -> String {
    let text = fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// A minimal HTTP/1.1 GET: (status, body).
pub fn http_get(addr: SocketAddr, path: &str) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_millis(500))?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad response: {text:?}")))?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

/// Sum of a Prometheus metric's samples whose line starts with `name` (any labels).
pub fn metric_sum(metrics: &str, name: &str) -> f64 {
    metrics
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| {
            l.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(['{', ' ']))
        })
        .filter_map(|l| l.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok()))
        .sum()
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/// One input message as the test produces it.
#[derive(Debug, Clone)]
pub struct Input {
    /// What the test calls it (its envelope id for generated articles).
    pub id: String,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<(String, Vec<u8>)>,
}

/// Where the broker put one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Placed {
    pub partition: i32,
    pub offset: i64,
}

const CITIES: [&str; 6] = ["Berlin", "Paris", "Nairobi", "Lima", "Osaka", "Toronto"];
const PEOPLE: [&str; 6] = [
    "Angela Merkel",
    "Emmanuel Macron",
    "William Ruto",
    "Dina Boluarte",
    "Fumio Kishida",
    "Justin Trudeau",
];
const ORGS: [&str; 6] = [
    "Siemens",
    "the United Nations",
    "Safaricom",
    "Petroperu",
    "Toyota",
    "the Bank of Canada",
];

/// `n` short plain-text envelopes `{"id": "<prefix>-000123", "text": …}` keyed by their id.
pub fn text_inputs(prefix: &str, n: usize) -> Vec<Input> {
    (0..n)
        .map(|i| {
            let id = format!("{prefix}-{i:06}");
            let (c, p, o) = (CITIES[i % 6], PEOPLE[(i / 6) % 6], ORGS[(i / 36) % 6]);
            let text = format!(
                "{p} visited {c} on Tuesday, March {d}, 2024, to meet officials of {o}. \
                 The talks, number {i} in the series, lasted two hours and covered trade and energy. \
                 A follow-up meeting is planned for next month in {c2}.",
                d = 1 + i % 28,
                c2 = CITIES[(i + 1) % 6]
            );
            let value = serde_json::json!({"id": id, "text": text, "url": format!("https://news.example/{id}")});
            Input {
                id: id.clone(),
                key: Some(id.into_bytes()),
                value: Some(serde_json::to_vec(&value).expect("json")),
                headers: vec![("content-type".into(), b"application/json".to_vec())],
            }
        })
        .collect()
}

fn test_producer(bootstrap: &str) -> FutureProducer {
    ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("enable.idempotence", "true")
        .set("linger.ms", "5")
        .set("message.timeout.ms", "300000")
        .set("message.max.bytes", "16000000")
        .set("queue.buffering.max.messages", "200000")
        .create()
        .expect("producer")
}

fn enqueue(
    producer: &FutureProducer,
    topic: &str,
    input: &Input,
) -> rdkafka::producer::DeliveryFuture {
    let mut headers = OwnedHeaders::new();
    for (k, v) in &input.headers {
        headers = headers.insert(Header {
            key: k,
            value: Some(v),
        });
    }
    let mut record: FutureRecord<'_, [u8], [u8]> = FutureRecord::to(topic).headers(headers);
    if let Some(k) = &input.key {
        record = record.key(k.as_slice());
    }
    if let Some(v) = &input.value {
        record = record.payload(v.as_slice());
    }
    loop {
        match producer.send_result(record) {
            Ok(f) => return f,
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), r)) => {
                record = r;
                thread::sleep(Duration::from_millis(5));
            }
            Err((e, _)) => panic!("cannot enqueue {}: {e}", input.id),
        }
    }
}

fn await_delivery(input: &Input, f: rdkafka::producer::DeliveryFuture) -> Placed {
    match futures::executor::block_on(f) {
        Ok(Ok(d)) => Placed {
            partition: d.partition,
            offset: d.offset,
        },
        Ok(Err((e, _))) => panic!("input {} not delivered: {e}", input.id),
        Err(_) => panic!("input {}: delivery cancelled", input.id),
    }
}

/// Produces all inputs as fast as possible and waits for every acknowledgement.
pub fn produce(bootstrap: &str, topic: &str, inputs: &[Input]) -> Vec<Placed> {
    let producer = test_producer(bootstrap);
    let futures: Vec<_> = inputs
        .iter()
        .map(|i| enqueue(&producer, topic, i))
        .collect();
    inputs
        .iter()
        .zip(futures)
        .map(|(i, f)| await_delivery(i, f))
        .collect()
}

/// Produces inputs in the background at `per_second`, so faults can be injected mid-stream.
pub struct PacedProducer {
    handle: Option<JoinHandle<Vec<Placed>>>,
    sent: Arc<AtomicU64>,
    pub total: usize,
}

impl PacedProducer {
    pub fn start(bootstrap: &str, topic: &str, inputs: Vec<Input>, per_second: u32) -> Self {
        let sent = Arc::new(AtomicU64::new(0));
        let (bootstrap, topic, counter) =
            (bootstrap.to_string(), topic.to_string(), Arc::clone(&sent));
        let total = inputs.len();
        let handle = thread::spawn(move || {
            let producer = test_producer(&bootstrap);
            let started = Instant::now();
            let mut futures = Vec::with_capacity(inputs.len());
            for (n, input) in inputs.iter().enumerate() {
                let due = started + Duration::from_secs_f64(n as f64 / f64::from(per_second));
                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                    thread::sleep(wait);
                }
                futures.push(enqueue(&producer, &topic, input));
                counter.fetch_add(1, Ordering::Relaxed);
            }
            inputs
                .iter()
                .zip(futures)
                .map(|(i, f)| await_delivery(i, f))
                .collect()
        });
        Self {
            handle: Some(handle),
            sent,
            total,
        }
    }

    /// How many inputs have been handed to the producer so far.
    pub fn sent(&self) -> usize {
        self.sent.load(Ordering::Relaxed) as usize
    }

    pub fn finished_sending(&self) -> bool {
        self.sent() >= self.total
    }

    /// Waits for every acknowledgement; returns where each input went (in input order).
    pub fn join(mut self) -> Vec<Placed> {
        self.handle
            .take()
            .expect("joined once")
            .join()
            .expect("producer thread panicked")
    }
}

// ---------------------------------------------------------------------------------------------
// Reading outputs
// ---------------------------------------------------------------------------------------------

/// One record read back from a topic.
#[derive(Debug, Clone)]
pub struct Record {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub timestamp_ms: Option<i64>,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    /// In order, values as bytes (`None` for a null header value).
    pub headers: Vec<(String, Option<Vec<u8>>)>,
}

impl Record {
    /// The first header of that name, as UTF-8 (lossy).
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.as_ref())
            .map(|v| String::from_utf8_lossy(v).into_owned())
    }

    /// The value parsed as JSON (output events).
    pub fn json(&self) -> Option<serde_json::Value> {
        self.value
            .as_ref()
            .and_then(|v| serde_json::from_slice(v).ok())
    }

    /// Which input this output answers: `source` of an event, `source_*` headers of a
    /// dead-letter record.
    pub fn source(&self) -> Option<(String, Placed)> {
        if let (Some(t), Some(p), Some(o)) = (
            self.header("source_topic"),
            self.header("source_partition"),
            self.header("source_offset"),
        ) {
            return Some((
                t,
                Placed {
                    partition: p.trim().parse().ok()?,
                    offset: o.trim().parse().ok()?,
                },
            ));
        }
        let v = self.json()?;
        let s = v.get("source")?;
        Some((
            s.get("topic")?.as_str()?.to_string(),
            Placed {
                partition: i32::try_from(s.get("partition")?.as_i64()?).ok()?,
                offset: s.get("offset")?.as_i64()?,
            },
        ))
    }

    /// The input id this output is for: the event's `id`, or the dead-letter record's key.
    pub fn input_id(&self) -> Option<String> {
        if self.header("dlq_reason").is_some() {
            return self
                .key
                .as_ref()
                .map(|k| String::from_utf8_lossy(k).into_owned());
        }
        self.json()
            .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_string))
    }
}

/// Number of partitions of a topic.
pub fn partition_count(bootstrap: &str, topic: &str) -> i32 {
    let c = plain_consumer(bootstrap, None);
    let md = c
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .expect("metadata");
    md.topics()
        .first()
        .map(|t| t.partitions().len() as i32)
        .unwrap_or(0)
}

/// High watermarks of every partition of a topic.
pub fn high_watermarks(bootstrap: &str, topic: &str, partitions: i32) -> Vec<i64> {
    let c = plain_consumer(bootstrap, None);
    (0..partitions)
        .map(|p| {
            c.fetch_watermarks(topic, p, Duration::from_secs(10))
                .map(|(_, h)| h)
                .expect("watermarks")
        })
        .collect()
}

/// Sum of the high watermarks (records written so far, counting transaction markers).
pub fn total_written(bootstrap: &str, topic: &str, partitions: i32) -> i64 {
    high_watermarks(bootstrap, topic, partitions).iter().sum()
}

/// Reads a whole topic from the beginning to its end, every partition. `read_committed` makes
/// it a transactional reader (aborted and open transactions invisible). Ends when every
/// partition reported its end (PartitionEOF) with nothing after it.
pub fn read_all(
    bootstrap: &str,
    topic: &str,
    read_committed: bool,
    timeout: Duration,
) -> Vec<Record> {
    let partitions = partition_count(bootstrap, topic);
    assert!(partitions > 0, "topic {topic} does not exist");
    let hwm = high_watermarks(bootstrap, topic, partitions);
    let isolation = if read_committed {
        "read_committed"
    } else {
        "read_uncommitted"
    };
    let consumer = plain_consumer(
        bootstrap,
        Some(&[
            ("enable.partition.eof", "true"),
            ("isolation.level", isolation),
            ("fetch.max.bytes", "52428800"),
            ("max.partition.fetch.bytes", "16777216"),
        ]),
    );
    let mut tpl = TopicPartitionList::new();
    for p in 0..partitions {
        tpl.add_partition_offset(topic, p, Offset::Beginning)
            .expect("tpl");
    }
    consumer.assign(&tpl).expect("assign");
    let mut at_end = vec![false; partitions as usize];
    let mut next = vec![0i64; partitions as usize];
    let mut out = Vec::new();
    let deadline = Instant::now() + timeout;
    loop {
        if at_end.iter().all(|e| *e) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "reading {topic} ({isolation}): not at the end after {timeout:?}; next offsets {next:?}, high watermarks {hwm:?}, at end {at_end:?}"
        );
        match consumer.poll(Duration::from_millis(200)) {
            None => {}
            Some(Err(KafkaError::PartitionEOF(p))) => {
                // librdkafka reports the end when its fetch position reaches the end of the
                // log (the high watermark read uncommitted, the last stable offset read
                // committed), past transaction markers, which are never delivered. Reading
                // from the beginning, the first end is at or past `hwm` as taken above.
                if let Some(e) = at_end.get_mut(p as usize) {
                    *e = true;
                }
            }
            Some(Err(e)) => panic!("reading {topic}: {e}"),
            Some(Ok(m)) => {
                let idx = m.partition() as usize;
                at_end[idx] = false;
                next[idx] = m.offset() + 1;
                let headers = m
                    .headers()
                    .map(|h| {
                        h.iter()
                            .map(|h| (h.key.to_string(), h.value.map(<[u8]>::to_vec)))
                            .collect()
                    })
                    .unwrap_or_default();
                out.push(Record {
                    topic: m.topic().to_string(),
                    partition: m.partition(),
                    offset: m.offset(),
                    timestamp_ms: m.timestamp().to_millis(),
                    key: m.key().map(<[u8]>::to_vec),
                    value: m.payload().map(<[u8]>::to_vec),
                    headers,
                });
            }
        }
    }
    out
}

/// Committed offsets of `group` on each partition of `topic` (-1 where none).
pub fn committed(bootstrap: &str, group: &str, topic: &str, partitions: i32) -> Vec<i64> {
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .create()
        .expect("consumer");
    let mut tpl = TopicPartitionList::new();
    for p in 0..partitions {
        tpl.add_partition(topic, p);
    }
    let got = c
        .committed_offsets(tpl, Duration::from_secs(10))
        .expect("committed offsets");
    (0..partitions)
        .map(|p| match got.find_partition(topic, p).map(|e| e.offset()) {
            Some(Offset::Offset(o)) => o,
            _ => -1,
        })
        .collect()
}

/// Waits until `group` has committed the end of every partition of the input topic, while
/// checking that the given workers stay alive. Returns the time it took; panics with the
/// workers' log tails on timeout or when a worker dies.
pub fn wait_all_committed(
    bootstrap: &str,
    topics: &Topics,
    workers: &mut [&mut Worker],
    timeout: Duration,
) -> Duration {
    try_wait_all_committed(bootstrap, topics, workers, timeout).unwrap_or_else(|e| panic!("{e}"))
}

/// [`wait_all_committed`] that returns the failure instead of panicking, so the caller can say
/// more about it first.
pub fn try_wait_all_committed(
    bootstrap: &str,
    topics: &Topics,
    workers: &mut [&mut Worker],
    timeout: Duration,
) -> Result<Duration, String> {
    let started = Instant::now();
    let mut last_print = Instant::now();
    loop {
        let hwm = high_watermarks(bootstrap, &topics.input, topics.partitions);
        let com = committed(bootstrap, &topics.group, &topics.input, topics.partitions);
        if hwm.iter().zip(&com).all(|(h, c)| *c >= *h) {
            println!(
                "group {}: all committed ({:?}) after {:.1}s",
                topics.group,
                com,
                started.elapsed().as_secs_f64()
            );
            return Ok(started.elapsed());
        }
        for w in workers.iter_mut() {
            if !w.alive() {
                let status = w.exit_status();
                return Err(format!(
                    "worker {} died ({status:?}) before the input was processed; log tail:\n{}",
                    w.name,
                    w.log_tail(80)
                ));
            }
        }
        if last_print.elapsed() > Duration::from_secs(10) {
            println!("  waiting: committed {com:?} of {hwm:?}");
            last_print = Instant::now();
        }
        if started.elapsed() > timeout {
            let tails: Vec<String> = workers
                .iter()
                .map(|w| format!("--- {} ---\n{}", w.name, w.log_tail(40)))
                .collect();
            return Err(format!(
                "group {} did not commit the whole input within {timeout:?}: committed {com:?}, end {hwm:?}\n{}",
                topics.group,
                tails.join("\n")
            ));
        }
        thread::sleep(Duration::from_millis(500));
    }
}

// ---------------------------------------------------------------------------------------------
// Counting
// ---------------------------------------------------------------------------------------------

/// Outputs (events and dead letters) counted by input id.
#[derive(Debug, Default)]
pub struct Tally {
    pub expected: usize,
    pub counts: HashMap<String, usize>,
    pub events: usize,
    pub dead_letters: usize,
    pub dead_letters_by_reason: BTreeMap<String, usize>,
    /// Ids that were expected and never answered.
    pub lost: Vec<String>,
    /// Outputs beyond the first, summed over ids.
    pub duplicates: usize,
    /// Ids with more than one output.
    pub duplicated_ids: usize,
    /// Outputs for ids nobody produced, or without an id.
    pub unexpected: Vec<String>,
    /// Outputs whose `source.topic` is not the input topic.
    pub wrong_source: usize,
}

impl Tally {
    pub fn count(
        expected_ids: &[String],
        input_topic: &str,
        events: &[Record],
        dead: &[Record],
    ) -> Self {
        let expected: HashSet<&str> = expected_ids.iter().map(String::as_str).collect();
        let mut t = Tally {
            expected: expected.len(),
            ..Default::default()
        };
        for r in events.iter().chain(dead.iter()) {
            let is_dlq = r.header("dlq_reason").is_some();
            if is_dlq {
                t.dead_letters += 1;
                *t.dead_letters_by_reason
                    .entry(r.header("dlq_reason").unwrap_or_default())
                    .or_default() += 1;
            } else {
                t.events += 1;
            }
            match r.source() {
                Some((topic, _)) if topic == input_topic => {}
                _ => t.wrong_source += 1,
            }
            match r.input_id() {
                Some(id) if expected.contains(id.as_str()) => *t.counts.entry(id).or_default() += 1,
                other => t.unexpected.push(format!(
                    "{other:?} at {}/{}@{}",
                    r.topic, r.partition, r.offset
                )),
            }
        }
        for id in expected_ids {
            match t.counts.get(id) {
                None => t.lost.push(id.clone()),
                Some(n) if *n > 1 => {
                    t.duplicates += n - 1;
                    t.duplicated_ids += 1;
                }
                Some(_) => {}
            }
        }
        t.lost.sort();
        t
    }

    /// Prints the counts (they show in CI output with `--nocapture`, and on failure always).
    pub fn print(&self, what: &str) {
        println!(
            "{what}: inputs {} | outputs {} (events {}, dead letters {} {:?}) | lost {} | duplicates {} (on {} ids) | unexpected {} | wrong source {}",
            self.expected,
            self.events + self.dead_letters,
            self.events,
            self.dead_letters,
            self.dead_letters_by_reason,
            self.lost.len(),
            self.duplicates,
            self.duplicated_ids,
            self.unexpected.len(),
            self.wrong_source
        );
        if !self.lost.is_empty() {
            println!(
                "  first lost ids: {:?}",
                &self.lost[..self.lost.len().min(20)]
            );
        }
        if !self.unexpected.is_empty() {
            println!(
                "  first unexpected outputs: {:?}",
                &self.unexpected[..self.unexpected.len().min(10)]
            );
        }
    }

    /// No input lost, no stray output, every output names the input topic.
    pub fn assert_complete(&self, what: &str) {
        assert!(
            self.lost.is_empty(),
            "{what}: {} inputs lost, e.g. {:?}",
            self.lost.len(),
            &self.lost[..self.lost.len().min(20)]
        );
        assert!(
            self.unexpected.is_empty(),
            "{what}: unexpected outputs {:?}",
            &self.unexpected[..self.unexpected.len().min(20)]
        );
        assert_eq!(
            self.wrong_source, 0,
            "{what}: outputs whose source is not the input topic"
        );
    }
}

/// Reads the output and dead-letter topics to their ends and counts them against `inputs`.
pub fn tally(bootstrap: &str, topics: &Topics, inputs: &[Input], read_committed: bool) -> Tally {
    let events = read_all(
        bootstrap,
        &topics.output,
        read_committed,
        Duration::from_secs(120),
    );
    let dead = read_all(
        bootstrap,
        &topics.dead_letter,
        read_committed,
        Duration::from_secs(120),
    );
    let ids: Vec<String> = inputs.iter().map(|i| i.id.clone()).collect();
    Tally::count(&ids, &topics.input, &events, &dead)
}

// ---------------------------------------------------------------------------------------------
// Randomness without a crate
// ---------------------------------------------------------------------------------------------

/// A small xorshift generator; the seed comes from `IT_SEED` or the clock and is printed, so a
/// failing run can be repeated.
pub struct Rng(u64);

impl Rng {
    pub fn from_env(what: &str) -> Self {
        let seed = std::env::var("IT_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(1)
            });
        println!("{what}: seed {seed} (repeat with IT_SEED={seed})");
        Self(seed | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform in `[lo, hi)`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo).max(1)
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| (self.next_u64() >> 24) as u8).collect()
    }
}

/// Reads a file of the repository's tests/fixtures.
pub fn fixture(rel: &str) -> Vec<u8> {
    let path = repo_dir().join("tests/fixtures").join(rel);
    let mut v = Vec::new();
    File::open(&path)
        .and_then(|mut f| f.read_to_end(&mut v))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    v
}
