//! One worker, SIGKILLed at random moments and restarted, while input flows.

use std::thread;
use std::time::{Duration, Instant};

use crate::group::outputs_written;
use crate::helpers::*;

/// 5,000 inputs at 100/s; the only worker is SIGKILLed five times, each at a random moment
/// 1.5–5 s after it became ready, and restarted. Nothing may be lost; duplicates (outputs for
/// inputs that were in flight at a kill) are counted and printed.
#[test]
fn worker_sigkilled_five_times_loses_nothing() {
    let _serial = serial();
    let b = broker();
    let topics = Topics::create(b, "crash", 3);
    let logs = log_dir("crash");
    let spec = WorkerSpec::new(b, &topics);
    let mut rng = Rng::from_env("crash");

    let mut w = Worker::spawn_ready(&spec, "w", &logs);
    let inputs = text_inputs("crash", 5000);
    let started = Instant::now();
    let producer = PacedProducer::start(b, &topics.input, inputs.clone(), 100);

    for kill in 1..=5 {
        let after = Duration::from_millis(rng.range(1500, 5000));
        thread::sleep(after);
        let (sent, written) = (producer.sent(), outputs_written(b, &topics));
        assert!(
            w.alive(),
            "worker died on its own before kill {kill}; log tail:\n{}",
            w.log_tail(60)
        );
        w.kill9();
        println!(
            "kill {kill} at {:.1}s ({:.1}s after ready): {sent} inputs sent, {written} outputs written",
            started.elapsed().as_secs_f64(),
            after.as_secs_f64()
        );
        w = Worker::spawn_ready(&spec, "w", &logs);
    }

    producer.join();
    wait_all_committed(b, &topics, &mut [&mut w], Duration::from_secs(240));
    let t = tally(b, &topics, &inputs, false);
    t.print("crash (5 x SIGKILL)");
    println!("crash: lost {} duplicates {}", t.lost.len(), t.duplicates);
    t.assert_complete("crash");
    assert_eq!(
        t.dead_letters, 0,
        "well-formed inputs must not be dead-lettered: {:?}",
        t.dead_letters_by_reason
    );
}
