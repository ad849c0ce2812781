//! SIGTERM: stop consuming, drain, flush, commit, exit 0.

use std::collections::{HashMap, HashSet};
use std::thread;
use std::time::Duration;

use crate::group::{outputs_written, wait_for};
use crate::helpers::*;

/// SIGTERM while thousands of inputs are queued and many in flight: the worker exits 0 within
/// 30 s; its last commit covers exactly what it produced (every output's input is below the
/// committed offset, every input below it has an output); a worker started afterwards in the
/// same group processes the rest and repeats nothing.
#[test]
fn sigterm_mid_stream_drains_commits_and_exits_zero() {
    let _serial = serial();
    let b = broker();
    let topics = Topics::create(b, "sigterm", 3);
    let logs = log_dir("sigterm");
    let spec = WorkerSpec::new(b, &topics);

    let mut w = Worker::spawn_ready(&spec, "w", &logs);
    let inputs = text_inputs("sigterm", 5000);
    let placed = produce(b, &topics.input, &inputs);
    wait_for("200 outputs", Duration::from_secs(60), || {
        outputs_written(b, &topics) >= 200
    });
    w.sigterm();
    let status = w.wait_exit(Duration::from_secs(30));
    let written = outputs_written(b, &topics);
    println!(
        "sigterm: exit status {status:?}, {written} outputs written of {}",
        inputs.len()
    );
    let status = status.unwrap_or_else(|| {
        panic!(
            "no exit within 30 s of SIGTERM; log tail:\n{}",
            w.log_tail(60)
        )
    });
    assert_eq!(
        status.code(),
        Some(0),
        "exit status after SIGTERM; log tail:\n{}",
        w.log_tail(60)
    );
    if written as usize >= inputs.len() {
        println!(
            "warning: the worker had finished everything before SIGTERM; nothing was in flight"
        );
    }

    // What the first worker left behind.
    let committed_now = committed(b, &topics.group, &topics.input, topics.partitions);
    let events = read_all(b, &topics.output, false, Duration::from_secs(60));
    let dead = read_all(b, &topics.dead_letter, false, Duration::from_secs(60));
    let mut answered: HashMap<Placed, usize> = HashMap::new();
    for r in events.iter().chain(&dead) {
        let (topic, at) = r
            .source()
            .unwrap_or_else(|| panic!("output without source: {r:?}"));
        assert_eq!(topic, topics.input);
        *answered.entry(at).or_default() += 1;
    }
    println!(
        "sigterm: committed {committed_now:?}; {} outputs for {} inputs",
        events.len() + dead.len(),
        answered.len()
    );
    let beyond: Vec<&Placed> = answered
        .keys()
        .filter(|at| at.offset >= committed_now[at.partition as usize])
        .collect();
    assert!(
        beyond.is_empty(),
        "{} outputs were produced but their offsets not committed at exit (e.g. {:?}); committed {committed_now:?}",
        beyond.len(),
        beyond.iter().take(5).collect::<Vec<_>>()
    );
    let unanswered: Vec<&Placed> = placed
        .iter()
        .filter(|at| at.offset < committed_now[at.partition as usize] && !answered.contains_key(at))
        .collect();
    assert!(
        unanswered.is_empty(),
        "{} committed inputs have no output, e.g. {:?}",
        unanswered.len(),
        &unanswered[..unanswered.len().min(5)]
    );

    // A new worker in the same group finishes the rest and repeats nothing.
    let mut w2 = Worker::spawn_ready(&spec, "w2", &logs);
    wait_all_committed(b, &topics, &mut [&mut w2], Duration::from_secs(180));
    let t = tally(b, &topics, &inputs, false);
    t.print("sigterm then restart");
    t.assert_complete("sigterm");
    assert_eq!(
        t.duplicates, 0,
        "the restarted worker repeated {} outputs: the first one's commit was incomplete",
        t.duplicates
    );
}

/// SIGTERM right after the worker produced the last output, before any periodic commit could
/// run: the final commit must happen at shutdown, so a restarted worker produces nothing new.
#[test]
fn sigterm_after_last_output_commits_so_restart_produces_nothing() {
    let _serial = serial();
    let b = broker();
    let topics = Topics::create(b, "sigterm-idle", 3);
    let logs = log_dir("sigterm-idle");
    let spec = WorkerSpec::new(b, &topics);

    let mut w = Worker::spawn_ready(&spec, "w", &logs);
    let inputs = text_inputs("sigterm-idle", 300);
    produce(b, &topics.input, &inputs);
    wait_for("300 outputs", Duration::from_secs(60), || {
        outputs_written(b, &topics) >= 300
    });
    w.sigterm();
    let status = w.wait_exit(Duration::from_secs(30)).unwrap_or_else(|| {
        panic!(
            "no exit within 30 s of SIGTERM; log tail:\n{}",
            w.log_tail(60)
        )
    });
    assert_eq!(
        status.code(),
        Some(0),
        "exit status after SIGTERM; log tail:\n{}",
        w.log_tail(60)
    );
    let hwm = high_watermarks(b, &topics.input, topics.partitions);
    let com = committed(b, &topics.group, &topics.input, topics.partitions);
    assert_eq!(
        com, hwm,
        "offsets committed at exit must reach the end of the input"
    );

    let written = outputs_written(b, &topics);
    let mut w2 = Worker::spawn_ready(&spec, "w2", &logs);
    thread::sleep(Duration::from_secs(5));
    assert!(
        w2.alive(),
        "restarted worker died; log tail:\n{}",
        w2.log_tail(60)
    );
    assert_eq!(
        outputs_written(b, &topics),
        written,
        "the restarted worker produced outputs again"
    );
    let t = tally(b, &topics, &inputs, false);
    t.print("sigterm when idle");
    t.assert_complete("sigterm-idle");
    assert_eq!(t.duplicates, 0);
    let ids: HashSet<&String> = t.counts.keys().collect();
    assert_eq!(ids.len(), inputs.len());
}
