//! Black-box integration tests: the real `news-enricher run` binary against a real Apache Kafka.
//!
//! The broker comes from `KAFKA_BOOTSTRAP` if set, else from `deploy/local/kafka start` (once
//! per test process; the outage test starts a private one it can stop). Every test uses fresh
//! topic and group names, creates its topics explicitly, waits for `/readyz` before producing,
//! and counts outputs (events and dead letters) by input id. Counts are printed; run with
//! `--nocapture` to see them on success:
//!
//! ```text
//! cargo test --test it -- --nocapture
//! ```
//!
//! | module | proves |
//! |---|---|
//! | [`broker_script`] | `deploy/local/kafka start` is idempotent and reports the same address |
//! | [`group`] | 3 workers, 6 partitions, 5,000 inputs, one SIGKILLed and one added mid-stream: nothing lost |
//! | [`crash`] | one worker SIGKILLed at random moments 5 times and restarted: nothing lost, duplicates counted |
//! | [`outage`] | broker stopped for 20 s mid-stream: the same worker process recovers, nothing lost |
//! | [`bad_input`] | every bad input is dead-lettered with its reason, bytes and headers unchanged; deep HTML does not crash |
//! | [`exactly_once`] | transactions: after kill -9 and restart a read_committed reader sees each input once |
//! | [`shutdown`] | SIGTERM drains, commits, exits 0; a restarted worker repeats nothing |
//!
//! The tests run one at a time ([`helpers::serial`]): they start several processes each and
//! depend on session timeouts.

mod helpers;

mod bad_input;
mod broker_script;
mod crash;
mod exactly_once;
mod group;
mod outage;
mod shutdown;
