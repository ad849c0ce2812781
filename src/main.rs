//! The `news-enricher` command line. Everything it does lives in the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use news_enricher::config::Config;
use news_enricher::pipeline::Pipeline;
use news_enricher::{demo, enrich, telemetry, worker};
use tokio_util::sync::CancellationToken;

/// Enriches raw news articles from Kafka: clean text and metadata, entities, dates.
#[derive(Debug, Parser)]
#[command(name = "news-enricher", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the worker: consume the input topic, publish events and dead letters.
    Run {
        /// A TOML file overriding config/default.toml; NEWS_ENRICHER__SECTION__KEY
        /// environment variables override both.
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// Run the main job on an embedded in-process Kafka with bundled sample articles and
    /// print the events. Needs no broker.
    Demo {
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// Run the pipeline offline: JSON envelopes on standard input (one a line), or FILEs
    /// (.jsonl envelopes, .html pages, .txt texts). Events go to standard output, in input
    /// order; rejected inputs as dead-letter lines to standard error.
    Enrich {
        files: Vec<PathBuf>,
        /// Worker threads; 0 = one per core.
        #[arg(long, default_value_t = 0)]
        threads: usize,
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// Print the effective configuration as JSON (secrets masked) and exit.
    Config {
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
}

fn load(config: Option<&PathBuf>) -> Result<Config, ExitCode> {
    Config::load(config.map(PathBuf::as_path)).map_err(|e| {
        eprintln!("news-enricher: {e}");
        ExitCode::from(2)
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run { config } => {
            let config = match load(config.as_ref()) {
                Ok(c) => c,
                Err(code) => return code,
            };
            telemetry::init(config.log.format, &config.log.level);
            run_async(|shutdown| worker::run(config, shutdown))
        }
        Command::Demo { config } => {
            let config = match load(config.as_ref()) {
                Ok(c) => c,
                Err(code) => return code,
            };
            telemetry::init(config.log.format, &config.log.level);
            run_async(|_| demo::run(config))
        }
        Command::Enrich {
            files,
            threads,
            config,
        } => {
            let config = match load(config.as_ref()) {
                Ok(c) => c,
                Err(code) => return code,
            };
            telemetry::init(config.log.format, "warn");
            let pipeline = match Pipeline::new() {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("news-enricher: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let opts = enrich::Options {
                files,
                threads,
                max_message_bytes: config.limits.max_message_bytes,
                now: jiff::Timestamp::now(),
            };
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            // Not locked for the run: stage threads may log to standard error meanwhile.
            let mut err = std::io::stderr();
            match enrich::run(&opts, &pipeline, &mut out, &mut err) {
                Ok(_) => ExitCode::SUCCESS,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("news-enricher: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Config { config } => {
            let config = match load(config.as_ref()) {
                Ok(c) => c,
                Err(code) => return code,
            };
            match serde_json::to_string_pretty(&config) {
                Ok(s) => {
                    println!("{s}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("news-enricher: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Runs an async command on a multi-threaded runtime with SIGINT/SIGTERM wired to a
/// cancellation token.
fn run_async<F, Fut, E>(f: F) -> ExitCode
where
    F: FnOnce(CancellationToken) -> Fut,
    Fut: std::future::Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("news-enricher: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let shutdown = CancellationToken::new();
        let signals = shutdown.clone();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("shutdown requested");
            signals.cancel();
        });
        match f(shutdown).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                tracing::error!(error = %e, "stopped");
                eprintln!("news-enricher: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let term = signal(SignalKind::terminate());
    let int = signal(SignalKind::interrupt());
    match (term, int) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        _ => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
