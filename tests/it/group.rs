//! Several workers in one group: a member dies and another joins while input flows.

use std::thread;
use std::time::{Duration, Instant};

use crate::helpers::*;

/// Three workers share a 6-partition topic; 5,000 inputs arrive at a steady rate. After a third
/// of them one worker is SIGKILLed (its partitions move after the session timeout); after two
/// thirds a fourth worker joins. Every input must have an output; duplicates are reported.
#[test]
fn three_workers_one_killed_one_added_lose_nothing() {
    let _serial = serial();
    let b = broker();
    let topics = Topics::create(b, "group", 6);
    let logs = log_dir("group");
    let spec = WorkerSpec::new(b, &topics);

    let mut w1 = Worker::spawn(&spec, "w1", &logs);
    let mut w2 = Worker::spawn(&spec, "w2", &logs);
    let mut w3 = Worker::spawn(&spec, "w3", &logs);
    for w in [&mut w1, &mut w2, &mut w3] {
        w.wait_ready(Duration::from_secs(60));
    }

    let inputs = text_inputs("group", 5000);
    let started = Instant::now();
    let producer = PacedProducer::start(b, &topics.input, inputs.clone(), 250);

    wait_for(
        "a third of the input sent and some of it processed",
        Duration::from_secs(120),
        || producer.sent() >= 1700 && outputs_written(b, &topics) >= 100,
    );
    let before_kill = outputs_written(b, &topics);
    w2.kill9();
    println!(
        "killed w2 at {:.1}s: {} sent, {before_kill} outputs written",
        started.elapsed().as_secs_f64(),
        producer.sent()
    );

    wait_for(
        "two thirds of the input sent",
        Duration::from_secs(120),
        || producer.sent() >= 3300,
    );
    let mut w4 = Worker::spawn_ready(&spec, "w4", &logs);
    println!(
        "added w4 at {:.1}s: {} sent, {} outputs written",
        started.elapsed().as_secs_f64(),
        producer.sent(),
        outputs_written(b, &topics)
    );

    producer.join();
    wait_all_committed(
        b,
        &topics,
        &mut [&mut w1, &mut w3, &mut w4],
        Duration::from_secs(240),
    );
    println!(
        "all input committed {:.1}s after the first was sent",
        started.elapsed().as_secs_f64()
    );

    // Every surviving member took part, the added one included.
    for w in [&w1, &w3, &w4] {
        let consumed = metric_sum(&w.metrics(), "news_enricher_messages_consumed_total");
        println!("worker {}: {consumed} messages consumed", w.name);
        assert!(
            consumed > 0.0,
            "worker {} consumed nothing (news_enricher_messages_consumed_total)",
            w.name
        );
    }

    let t = tally(b, &topics, &inputs, false);
    t.print("group (3 workers, 1 SIGKILLed, 1 added)");
    t.assert_complete("group");
    assert_eq!(
        t.dead_letters, 0,
        "well-formed inputs must not be dead-lettered: {:?}",
        t.dead_letters_by_reason
    );
}

/// Records in the output and dead-letter topics so far.
pub fn outputs_written(b: &str, topics: &Topics) -> i64 {
    total_written(b, &topics.output, topics.partitions)
        + total_written(b, &topics.dead_letter, topics.partitions)
}

/// Polls `cond` every 100 ms; panics after `timeout`.
pub fn wait_for(what: &str, timeout: Duration, mut cond: impl FnMut() -> bool) {
    let started = Instant::now();
    while !cond() {
        assert!(
            started.elapsed() < timeout,
            "timed out after {timeout:?} waiting for: {what}"
        );
        thread::sleep(Duration::from_millis(100));
    }
}
