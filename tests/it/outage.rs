//! The broker goes away for 20 s while the worker is busy.

use std::thread;
use std::time::{Duration, Instant};

use crate::group::{outputs_written, wait_for};
use crate::helpers::*;

/// A private broker (so stopping it disturbs no other test) is stopped with
/// `deploy/local/kafka stop` mid-stream, kept down 20 s, and started again on the same port
/// with the same data. The same worker process must survive, become ready again, and process
/// every input.
#[test]
fn broker_down_20s_worker_recovers_without_restart() {
    let _serial = serial();
    let broker = LocalBroker::start();
    let b = broker.bootstrap.as_str();
    let topics = Topics::create(b, "outage", 3);
    let logs = log_dir("outage");
    let spec = WorkerSpec::new(b, &topics);

    let mut w = Worker::spawn_ready(&spec, "w", &logs);
    let pid = w.pid();
    let inputs = text_inputs("outage", 5000);
    let producer = PacedProducer::start(b, &topics.input, inputs.clone(), 200);

    wait_for(
        "1,000 inputs sent and some processed",
        Duration::from_secs(120),
        || producer.sent() >= 1000 && outputs_written(b, &topics) >= 100,
    );
    println!(
        "stopping the broker: {} sent, {} outputs written",
        producer.sent(),
        outputs_written(b, &topics)
    );
    broker.stop();
    let down = Instant::now();
    while down.elapsed() < Duration::from_secs(20) {
        assert!(
            w.alive(),
            "the worker exited while the broker was down ({:?}); log tail:\n{}",
            w.exit_status(),
            w.log_tail(60)
        );
        thread::sleep(Duration::from_millis(500));
    }
    broker.restart_after_stop();
    println!(
        "broker back after {:.1}s down",
        down.elapsed().as_secs_f64()
    );

    producer.join();
    wait_all_committed(b, &topics, &mut [&mut w], Duration::from_secs(300));
    assert!(w.alive(), "worker gone");
    assert_eq!(w.pid(), pid, "the worker must recover without a restart");
    w.wait_ready(Duration::from_secs(30));

    let t = tally(b, &topics, &inputs, false);
    t.print("outage (broker down 20 s)");
    t.assert_complete("outage");
    assert_eq!(
        t.dead_letters, 0,
        "well-formed inputs must not be dead-lettered: {:?}",
        t.dead_letters_by_reason
    );
}
