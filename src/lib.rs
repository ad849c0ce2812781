//! news-enricher: a Kafka worker that turns raw news pages into enriched article events.
//!
//! # Layout
//!
//! The pipeline is pure and usable without Kafka; the worker is a shell around it.
//!
//! | module | holds |
//! |---|---|
//! | [`config`] | typed configuration, layered defaults < file < environment, validated at start-up |
//! | [`input`] | one Kafka message (or `enrich` line) to a [`input::RawArticle`], or a rejection |
//! | [`event`] | the v1 event, dead-letter reasons, headers of both |
//! | [`pipeline`] | clean -> entities -> dates, synchronous, clock injected; the stages are the crates `news-enricher-clean`, `-entities`, `-dates` under `crates/` |
//! | [`enrich`] | the offline command: the same pipeline over files or standard input |
//! | [`worker`] | the Kafka shell: consumer, bounded in-flight work on a compute pool, ordered offsets, producer, dead letters, transactions, rebalance drain, shutdown |
//! | [`admin`], [`metrics`] | `/metrics`, `/livez`, `/readyz`; every metric defined once |
//! | [`demo`] | the embedded default: an in-process mock cluster fed with bundled samples |
//! | [`telemetry`] | the tracing subscriber (text or JSON) |
//!
//! Runtime paths never `unwrap`/`expect`: an input can only ever cost itself (dead-lettered),
//! never the worker.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod admin;
pub mod config;
pub mod demo;
pub mod enrich;
pub mod event;
pub mod input;
pub mod metrics;
pub mod pipeline;
pub mod telemetry;
pub mod worker;
