//! The local broker script, as the tests use it.

use std::time::Instant;

use crate::helpers::*;

/// `start` on a running broker returns at once with the same `BOOTSTRAP=` last line, and
/// `status` reports it running.
#[test]
fn start_is_idempotent_and_status_reports_the_broker() {
    let _serial = serial();
    if std::env::var("KAFKA_BOOTSTRAP").is_ok_and(|b| !b.trim().is_empty()) {
        println!("KAFKA_BOOTSTRAP is set: the script's broker is not in use, nothing to check");
        return;
    }
    let first = broker().to_string();
    let started = Instant::now();
    let again = parse_bootstrap(&run_kafka_script("start", None, None));
    assert_eq!(
        again, first,
        "a second start must report the running broker"
    );
    assert!(
        started.elapsed().as_secs() < 10,
        "a second start must not start another broker"
    );
    let status = run_kafka_script("status", None, None);
    assert!(status.starts_with("running"), "status: {status}");
    assert_eq!(parse_bootstrap(&status), first);
}
