//! Exactly-once mode: Kafka transactions across worker crashes.

use std::thread;
use std::time::{Duration, Instant};

use crate::group::outputs_written;
use crate::helpers::*;

/// `delivery.mode = exactly-once`: the worker is SIGKILLed twice mid-run and restarted with the
/// same transactional id. A read_committed consumer of output + dead letters must see every
/// input exactly once (the uncommitted view, with the aborted attempts, is printed beside it).
#[test]
fn exactly_once_survives_kill9_each_input_once_read_committed() {
    let _serial = serial();
    let b = broker();
    let topics = Topics::create(b, "eos", 3);
    let logs = log_dir("eos");
    let mut spec = WorkerSpec::new(b, &topics);
    spec.mode = "exactly-once";
    spec.transactional_id = Some(unique("txn"));
    let mut rng = Rng::from_env("exactly_once");

    let mut w = Worker::spawn_ready(&spec, "w", &logs);
    let inputs = text_inputs("eos", 5000);
    let started = Instant::now();
    let producer = PacedProducer::start(b, &topics.input, inputs.clone(), 150);

    for kill in 1..=2 {
        let after = Duration::from_millis(rng.range(2500, 6000));
        thread::sleep(after);
        assert!(
            w.alive(),
            "worker died on its own before kill {kill}; log tail:\n{}",
            w.log_tail(60)
        );
        let written = outputs_written(b, &topics);
        w.kill9();
        println!(
            "kill -9 #{kill} at {:.1}s: {} inputs sent, {written} records written (incl. markers)",
            started.elapsed().as_secs_f64(),
            producer.sent()
        );
        w = Worker::spawn_ready(&spec, "w", &logs);
    }

    producer.join();
    wait_all_committed(b, &topics, &mut [&mut w], Duration::from_secs(300));

    let committed_view = tally(b, &topics, &inputs, true);
    committed_view.print("exactly-once, read_committed");
    let uncommitted_view = tally(b, &topics, &inputs, false);
    uncommitted_view.print("exactly-once, read_uncommitted (aborted attempts included)");

    committed_view.assert_complete("exactly-once");
    assert_eq!(
        committed_view.duplicates, 0,
        "read_committed: {} duplicate outputs on {} inputs",
        committed_view.duplicates, committed_view.duplicated_ids
    );
    assert_eq!(
        committed_view.dead_letters, 0,
        "well-formed inputs dead-lettered: {:?}",
        committed_view.dead_letters_by_reason
    );
}
