//! The worker through a real Kafka, against the same pipeline offline.
//!
//! ```text
//! cargo bench --bench kafka_pipeline                  # 20,000 articles
//! BENCH_ARTICLES=5000 cargo bench --bench kafka_pipeline
//! ```
//!
//! 1. **Throughput.** N articles (default 20,000, `BENCH_ARTICLES`), the pages of
//!    shared/corpora/extraction-dev (gunzipped, cycled) as raw message values, are produced to a
//!    fresh 6-partition input topic first; then ONE `news-enricher run` process (the release
//!    build of this package) is started and works off the backlog. Articles/s is N over the span
//!    from its first output to its last (output message timestamps); the wall time from process
//!    start to the last commit is printed beside it.
//! 2. **Latency.** The same worker then gets `BENCH_LATENCY_SECONDS` (default 20) of articles at
//!    a fixed rate (`BENCH_LATENCY_RATE`, default half the measured throughput): end-to-end
//!    latency per article is its output's timestamp minus its input's, p50/p99 reported. A
//!    backlog run has no meaningful latency, a paced run has; hence the two phases.
//! 3. **Memory.** The worker's peak RSS (`VmHWM` from /proc/PID/status) over both phases.
//! 4. **Offline.** `news-enricher enrich` on the same N pages (files, cycled), same machine: its
//!    articles/s, and the ratio Kafka / offline.
//!
//! The broker is `KAFKA_BOOTSTRAP` if set, else `deploy/local/kafka start`. The corpus is
//! `BENCH_CORPUS` or `../shared/corpora/extraction-dev` beside the repository; without it the
//! bench prints why and exits 0. The bench deletes its topics at the end.

use std::collections::HashMap;
use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use flate2::read::GzDecoder;
use rdkafka::admin::{AdminClient, AdminOptions};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord};
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::{Offset, TopicPartitionList};

/// The integration tests' broker, topic and offset helpers, shared rather than copied.
#[path = "../tests/it/helpers.rs"]
mod helpers;

use helpers::{block_on, broker, repo_dir};

const PARTITIONS: i32 = 6;

fn main() {
    // `cargo bench` passes `--bench`; a filter argument that does not match skips the bench.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if !args.is_empty() && !args.iter().any(|a| "kafka_pipeline".contains(a.as_str())) {
        return;
    }
    let n: usize = env_num("BENCH_ARTICLES", 20_000);
    let corpus = std::env::var_os("BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_dir().join("../shared/corpora/extraction-dev"));
    let html_dir = corpus.join("html");
    if !html_dir.is_dir() {
        println!(
            "kafka_pipeline: skipped: corpus {} not found (set BENCH_CORPUS)",
            html_dir.display()
        );
        return;
    }
    let pages = load_pages(&html_dir);
    let page_bytes: usize = pages.iter().map(|p| p.1.len()).sum();
    println!(
        "kafka_pipeline: {} pages from {} ({:.1} MB, mean {:.0} KB); {n} articles",
        pages.len(),
        html_dir.display(),
        page_bytes as f64 / 1e6,
        page_bytes as f64 / pages.len() as f64 / 1e3
    );
    let worker_bin = std::env::var_os("BENCH_WORKER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_news-enricher")));
    println!("kafka_pipeline: worker binary {}", worker_bin.display());
    let bootstrap = broker().to_string();
    let work = tempfile::Builder::new()
        .prefix("kafka-bench-")
        .tempdir()
        .expect("temp dir");

    // ---- 1. throughput on a backlog -----------------------------------------------------------
    let run = format!("bench-{}-{}", std::process::id(), now_ms());
    let (input, output, dlq, group) = (
        format!("{run}.raw"),
        format!("{run}.enriched"),
        format!("{run}.dlq"),
        format!("{run}.group"),
    );
    helpers::create_topics(
        &bootstrap,
        &[
            (&input, PARTITIONS),
            (&output, PARTITIONS),
            (&dlq, PARTITIONS),
        ],
    );
    let producer = producer(&bootstrap);
    let t = Instant::now();
    let mut input_ts: HashMap<(i32, i64), i64> = HashMap::with_capacity(n * 2);
    produce_pages(&producer, &input, &pages, 0, n, None, &mut input_ts);
    let produce_s = t.elapsed().as_secs_f64();
    println!(
        "kafka_pipeline: produced {n} articles ({:.0} MB) in {produce_s:.1}s",
        (0..n)
            .map(|i| pages[i % pages.len()].1.len())
            .sum::<usize>() as f64
            / 1e6
    );
    let backlog_end = helpers::high_watermarks(&bootstrap, &input, PARTITIONS);

    let admin = free_addr();
    let log = work.path().join("worker.log");
    let started = Instant::now();
    let mut worker = spawn_worker(
        &worker_bin,
        &bootstrap,
        &input,
        &output,
        &dlq,
        &group,
        admin,
        &log,
    );
    let rss = RssPoller::start(worker.id());
    wait_ready(&mut worker, admin, &log);
    wait_committed(
        &bootstrap,
        &group,
        &input,
        &backlog_end,
        &mut worker,
        &log,
        Duration::from_secs(3600),
    );
    let wall_s = started.elapsed().as_secs_f64();
    thread::sleep(Duration::from_millis(250)); // one more sample
    let worker_cpu_s = rss.cpu_seconds();
    let kafka_per_cpu = n as f64 / worker_cpu_s.max(0.01);
    println!("kafka_pipeline: worker CPU for the backlog {worker_cpu_s:.1}s = {kafka_per_cpu:.1} articles per CPU-second");
    let phase1 = read_outputs(&bootstrap, &output, &dlq, None);
    let (first, last) = (
        phase1.out_ts.iter().min().copied(),
        phase1.out_ts.iter().max().copied(),
    );
    let span_s = match (first, last) {
        (Some(f), Some(l)) if l > f => (l - f) as f64 / 1000.0,
        _ => wall_s,
    };
    let kafka_rate = n as f64 / span_s;
    println!(
        "kafka_pipeline: throughput: {kafka_rate:.1} articles/s ({n} in {span_s:.1}s first to last output; \
         {:.1}s from process start to last commit = {:.1} articles/s); events {}, dead letters {} {:?}",
        wall_s,
        n as f64 / wall_s,
        phase1.events,
        phase1.dead,
        phase1.reasons
    );

    // ---- 2. latency at a fixed rate -----------------------------------------------------------
    let secs: f64 = env_num("BENCH_LATENCY_SECONDS", 20) as f64;
    let rate: f64 = std::env::var("BENCH_LATENCY_RATE")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or((kafka_rate * 0.5).max(1.0));
    let m = ((rate * secs) as usize).max(1);
    println!("kafka_pipeline: latency phase: {m} articles at {rate:.1}/s");
    produce_pages(&producer, &input, &pages, n, m, Some(rate), &mut input_ts);
    let end2 = helpers::high_watermarks(&bootstrap, &input, PARTITIONS);
    wait_committed(
        &bootstrap,
        &group,
        &input,
        &end2,
        &mut worker,
        &log,
        Duration::from_secs(600),
    );
    let phase2 = read_outputs(&bootstrap, &output, &dlq, Some(&backlog_end));
    let mut lat: Vec<i64> = phase2
        .sources
        .iter()
        .filter_map(|(src, out_ts)| input_ts.get(src).map(|in_ts| out_ts - in_ts))
        .collect();
    lat.sort_unstable();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(-1)
    };
    println!(
        "kafka_pipeline: latency at {rate:.1}/s over {} articles: p50 {} ms, p99 {} ms, max {} ms",
        lat.len(),
        pct(0.50),
        pct(0.99),
        lat.last().copied().unwrap_or(-1)
    );

    let (peak_kb, _) = rss.stop();
    let peak_rss_mb = peak_kb as f64 / 1024.0;
    let _ = Command::new("kill")
        .args(["-TERM", &worker.id().to_string()])
        .status();
    let exit = wait_exit(&mut worker, Duration::from_secs(30));
    println!(
        "kafka_pipeline: worker peak RSS (VmHWM) {peak_rss_mb:.1} MB; exit after SIGTERM: {exit:?}"
    );
    delete_topics(&bootstrap, &[&input, &output, &dlq]);

    // ---- 3. offline --------------------------------------------------------------------------
    let dir = work.path().join("pages");
    fs::create_dir_all(&dir).expect("pages dir");
    let files: Vec<PathBuf> = pages
        .iter()
        .map(|(name, bytes)| {
            let p = dir.join(name);
            fs::write(&p, bytes).expect("write page");
            p
        })
        .collect();
    let args: Vec<&Path> = (0..n).map(|i| files[i % files.len()].as_path()).collect();
    let t = Instant::now();
    let mut child = Command::new(&worker_bin)
        .arg("enrich")
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start enrich");
    let offline_rss = RssPoller::start(child.id());
    let mut lines = 0usize;
    {
        let mut out = child.stdout.take().expect("stdout");
        let mut buf = vec![0u8; 1 << 20];
        loop {
            match out.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(k) => lines += buf[..k].iter().filter(|b| **b == b'\n').count(),
            }
        }
    }
    let status = child.wait().expect("enrich");
    let offline_s = t.elapsed().as_secs_f64();
    let (offline_peak_kb, offline_cpu_s) = offline_rss.stop();
    let offline_peak = offline_peak_kb as f64 / 1024.0;
    let offline_rate = n as f64 / offline_s;
    let offline_per_cpu = n as f64 / offline_cpu_s.max(0.01);
    println!("kafka_pipeline: offline CPU {offline_cpu_s:.1}s = {offline_per_cpu:.1} articles per CPU-second");
    let load = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "kafka_pipeline: offline enrich: {offline_rate:.1} articles/s ({n} in {offline_s:.1}s, {lines} events, {status}, peak RSS {offline_peak:.1} MB)"
    );

    println!();
    println!(
        "kafka_pipeline summary ({n} articles, {} distinct pages, one worker, {} cores)",
        pages.len(),
        cores()
    );
    println!(
        "  kafka throughput       {kafka_rate:>10.1} articles/s  (wall, incl. start-up: {:.1})",
        n as f64 / wall_s
    );
    println!("  offline throughput     {offline_rate:>10.1} articles/s");
    println!(
        "  kafka / offline        {:>10.2}  (wall-clock rates)",
        kafka_rate / offline_rate
    );
    println!(
        "  latency p50 / p99      {:>6} / {} ms at {rate:.1} articles/s",
        pct(0.50),
        pct(0.99)
    );
    println!("  worker peak RSS        {peak_rss_mb:>10.1} MB");
    println!(
        "  kafka per CPU-second   {kafka_per_cpu:>10.1} articles  (worker process, incl. start-up)"
    );
    println!("  offline per CPU-second {offline_per_cpu:>10.1} articles  (enrich process, incl. start-up)");
    println!(
        "  kafka / offline        {:>10.2}  (per CPU-second: the fair ratio on a shared machine)",
        kafka_per_cpu / offline_per_cpu
    );
    println!("  load average at end    {}", load.trim());
}

fn env_num(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn cores() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0)
}

fn load_pages(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut names: Vec<PathBuf> = fs::read_dir(dir)
        .expect("corpus dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".html.gz"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| {
            let mut bytes = Vec::new();
            GzDecoder::new(fs::File::open(p).expect("page"))
                .read_to_end(&mut bytes)
                .expect("gunzip");
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("page.html.gz")
                .trim_end_matches(".gz")
                .to_string();
            (name, bytes)
        })
        .collect()
}

fn admin_client(bootstrap: &str) -> AdminClient<DefaultClientContext> {
    ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .expect("admin")
}

fn delete_topics(bootstrap: &str, names: &[&str]) {
    let admin = admin_client(bootstrap);
    let _ = block_on(admin.delete_topics(names, &AdminOptions::new()));
}

fn producer(bootstrap: &str) -> FutureProducer {
    ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("enable.idempotence", "true")
        .set("linger.ms", "5")
        .set("message.max.bytes", "16000000")
        .set("queue.buffering.max.kbytes", "262144")
        .set("message.timeout.ms", "300000")
        .create()
        .expect("producer")
}

fn consumer(bootstrap: &str, extra: &[(&str, &str)]) -> BaseConsumer {
    let mut cfg = ClientConfig::new();
    cfg.set("bootstrap.servers", bootstrap)
        .set("group.id", format!("bench-reader-{}", now_ms()))
        .set("enable.auto.commit", "false");
    for (k, v) in extra {
        cfg.set(*k, *v);
    }
    cfg.create().expect("consumer")
}

/// Produces articles `from..from+count` (page `i % pages`), at `rate` per second or as fast as
/// possible, recording each input's (partition, offset) -> timestamp.
fn produce_pages(
    producer: &FutureProducer,
    topic: &str,
    pages: &[(String, Vec<u8>)],
    from: usize,
    count: usize,
    rate: Option<f64>,
    input_ts: &mut HashMap<(i32, i64), i64>,
) {
    let started = Instant::now();
    let mut pending: Vec<DeliveryFuture> = Vec::new();
    let settle = |pending: &mut Vec<DeliveryFuture>, input_ts: &mut HashMap<(i32, i64), i64>| {
        for f in pending.drain(..) {
            match futures::executor::block_on(f) {
                Ok(Ok(d)) => {
                    let ts = d.timestamp.to_millis().unwrap_or(0);
                    input_ts.insert((d.partition, d.offset), ts);
                }
                Ok(Err((e, _))) => panic!("input not delivered: {e}"),
                Err(_) => panic!("delivery cancelled"),
            }
        }
    };
    for k in 0..count {
        let i = from + k;
        if let Some(rate) = rate {
            let due = started + Duration::from_secs_f64(k as f64 / rate);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                thread::sleep(wait);
            }
        }
        let (name, page) = &pages[i % pages.len()];
        let key = format!("bench-{i:07}");
        let url = format!("https://bench.example/{i}/{name}");
        let headers = OwnedHeaders::new()
            .insert(Header {
                key: "url",
                value: Some(url.as_bytes()),
            })
            .insert(Header {
                key: "content-type",
                value: Some("text/html".as_bytes()),
            });
        let mut record = FutureRecord::to(topic)
            .key(key.as_bytes())
            .payload(page.as_slice())
            .headers(headers);
        loop {
            match producer.send_result(record) {
                Ok(f) => {
                    pending.push(f);
                    break;
                }
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), r)) => {
                    record = r;
                    settle(&mut pending, input_ts);
                    thread::sleep(Duration::from_millis(2));
                }
                Err((e, _)) => panic!("produce: {e}"),
            }
        }
        if pending.len() >= 2000 {
            settle(&mut pending, input_ts);
        }
    }
    settle(&mut pending, input_ts);
}

fn free_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
}

#[allow(clippy::too_many_arguments)]
fn spawn_worker(
    bin: &Path,
    bootstrap: &str,
    input: &str,
    output: &str,
    dlq: &str,
    group: &str,
    admin: SocketAddr,
    log: &Path,
) -> Child {
    let file = fs::File::create(log).expect("log");
    let err = file.try_clone().expect("log");
    Command::new(bin)
        .arg("run")
        .env("NEWS_ENRICHER__KAFKA__BROKERS", bootstrap)
        .env("NEWS_ENRICHER__KAFKA__GROUP_ID", group)
        .env("NEWS_ENRICHER__TOPICS__INPUT", input)
        .env("NEWS_ENRICHER__TOPICS__OUTPUT", output)
        .env("NEWS_ENRICHER__TOPICS__DEAD_LETTER", dlq)
        .env("NEWS_ENRICHER__ADMIN__LISTEN", admin.to_string())
        .env("NEWS_ENRICHER__KAFKA__SESSION_TIMEOUT_MS", "10000")
        .env("NEWS_ENRICHER__KAFKA__HEARTBEAT_INTERVAL_MS", "1000")
        .stdin(Stdio::null())
        .stdout(Stdio::from(file))
        .stderr(Stdio::from(err))
        .spawn()
        .expect("start worker")
}

fn http_status(addr: SocketAddr, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_millis(500)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    String::from_utf8_lossy(&buf)
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn log_tail(log: &Path) -> String {
    let text = fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

fn wait_ready(worker: &mut Child, admin: SocketAddr, log: &Path) {
    let started = Instant::now();
    while http_status(admin, "/readyz") != Some(200) {
        if let Ok(Some(s)) = worker.try_wait() {
            panic!("worker exited ({s}) before ready:\n{}", log_tail(log));
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "worker not ready:\n{}",
            log_tail(log)
        );
        thread::sleep(Duration::from_millis(100));
    }
}

fn wait_committed(
    bootstrap: &str,
    group: &str,
    topic: &str,
    end: &[i64],
    worker: &mut Child,
    log: &Path,
    timeout: Duration,
) {
    let started = Instant::now();
    loop {
        let c = helpers::committed(bootstrap, group, topic, PARTITIONS);
        if c.iter().zip(end).all(|(c, e)| c >= e) {
            return;
        }
        if let Ok(Some(s)) = worker.try_wait() {
            panic!("worker exited ({s}):\n{}", log_tail(log));
        }
        assert!(
            started.elapsed() < timeout,
            "not all committed after {timeout:?}: {c:?} of {end:?}"
        );
        thread::sleep(Duration::from_millis(200));
    }
}

fn wait_exit(worker: &mut Child, timeout: Duration) -> Option<std::process::ExitStatus> {
    let started = Instant::now();
    while started.elapsed() < timeout {
        if let Ok(Some(s)) = worker.try_wait() {
            return Some(s);
        }
        thread::sleep(Duration::from_millis(50));
    }
    let _ = worker.kill();
    None
}

#[derive(Default)]
struct Outputs {
    events: usize,
    dead: usize,
    reasons: HashMap<String, usize>,
    /// Output timestamps.
    out_ts: Vec<i64>,
    /// (input partition, input offset) -> output timestamp.
    sources: Vec<((i32, i64), i64)>,
}

#[derive(serde::Deserialize)]
struct EventSource {
    source: Source,
}

#[derive(serde::Deserialize)]
struct Source {
    partition: i32,
    offset: i64,
}

/// Reads both output topics to their ends, keeping only what the figures need. With `after`,
/// only outputs of inputs at or past those offsets are kept.
fn read_outputs(bootstrap: &str, output: &str, dlq: &str, after: Option<&[i64]>) -> Outputs {
    let mut out = Outputs::default();
    for topic in [output, dlq] {
        let ends = helpers::high_watermarks(bootstrap, topic, PARTITIONS);
        let c = consumer(
            bootstrap,
            &[
                ("enable.partition.eof", "false"),
                ("fetch.max.bytes", "52428800"),
                ("max.partition.fetch.bytes", "16777216"),
            ],
        );
        let mut tpl = TopicPartitionList::new();
        for p in 0..PARTITIONS {
            tpl.add_partition_offset(topic, p, Offset::Beginning)
                .expect("tpl");
        }
        c.assign(&tpl).expect("assign");
        let mut next = vec![0i64; PARTITIONS as usize];
        let deadline = Instant::now() + Duration::from_secs(600);
        while next.iter().zip(&ends).any(|(n, e)| n < e) {
            assert!(
                Instant::now() < deadline,
                "reading {topic}: {next:?} of {ends:?}"
            );
            let Some(m) = c.poll(Duration::from_millis(500)) else {
                continue;
            };
            let m = m.expect("read output");
            next[m.partition() as usize] = m.offset() + 1;
            let ts = m.timestamp().to_millis().unwrap_or(0);
            let header = |name: &str| {
                m.headers().and_then(|h| {
                    h.iter()
                        .find(|h| h.key == name)
                        .and_then(|h| h.value)
                        .map(|v| String::from_utf8_lossy(v).into_owned())
                })
            };
            let src = if let Some(reason) = header("dlq_reason") {
                out.dead += 1;
                *out.reasons.entry(reason).or_default() += 1;
                match (header("source_partition"), header("source_offset")) {
                    (Some(p), Some(o)) => p.parse().ok().zip(o.parse().ok()),
                    _ => None,
                }
            } else {
                out.events += 1;
                m.payload()
                    .and_then(|p| serde_json::from_slice::<EventSource>(p).ok())
                    .map(|e| (e.source.partition, e.source.offset))
            };
            let Some(src) = src else { continue };
            if let Some(after) = after {
                if src.1 < after.get(src.0 as usize).copied().unwrap_or(0) {
                    continue;
                }
            }
            out.out_ts.push(ts);
            out.sources.push((src, ts));
        }
    }
    out
}

/// Samples /proc/PID/status and /proc/PID/stat every 100 ms: the peak RSS (VmHWM, else max
/// VmRSS) in KiB, and the CPU time used so far (user + system), which makes throughput comparable
/// on a machine shared with other work (articles per CPU-second).
struct RssPoller {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    /// CPU time in clock ticks (100 per second, as on every Linux we run on).
    cpu_ticks: Arc<AtomicU64>,
    handle: Option<thread::JoinHandle<()>>,
}

const TICKS_PER_SECOND: f64 = 100.0;

impl RssPoller {
    fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(0));
        let cpu_ticks = Arc::new(AtomicU64::new(0));
        let (s, p, c) = (Arc::clone(&stop), Arc::clone(&peak), Arc::clone(&cpu_ticks));
        let handle = thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                let Ok(status) = fs::read_to_string(format!("/proc/{pid}/status")) else {
                    break;
                };
                for line in status.lines() {
                    if line.starts_with("VmHWM:") || line.starts_with("VmRSS:") {
                        if let Some(kb) = line
                            .split_whitespace()
                            .nth(1)
                            .and_then(|v| v.parse::<u64>().ok())
                        {
                            p.fetch_max(kb, Ordering::Relaxed);
                        }
                    }
                }
                // After the command name (which may hold spaces) in /proc/PID/stat, utime and
                // stime are the 12th and 13th fields.
                if let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) {
                    if let Some((_, rest)) = stat.rsplit_once(')') {
                        let f: Vec<&str> = rest.split_whitespace().collect();
                        let field =
                            |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
                        c.fetch_max(field(11) + field(12), Ordering::Relaxed);
                    }
                }
                thread::sleep(Duration::from_millis(100));
            }
        });
        Self {
            stop,
            peak,
            cpu_ticks,
            handle: Some(handle),
        }
    }

    /// CPU seconds used so far (as of the last sample).
    fn cpu_seconds(&self) -> f64 {
        self.cpu_ticks.load(Ordering::Relaxed) as f64 / TICKS_PER_SECOND
    }

    /// Stops sampling: (peak RSS in KiB, CPU seconds).
    fn stop(mut self) -> (u64, f64) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        (self.peak.load(Ordering::Relaxed), self.cpu_seconds())
    }
}
