//! `news-enricher enrich`: the worker's pipeline without Kafka, for evaluation, backfills and
//! trying a page by hand.
//!
//! It runs exactly the code the worker runs between decoding a message and producing its
//! output, so what the scorers in shared/eval measure is what the worker publishes. Inputs are
//! processed in parallel batches and written in input order.

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use crate::event::{DeadLetterLine, Rejection};
use crate::input::{self, Content, Hints, RawArticle};
use crate::pipeline::{Context, Pipeline};

/// Options of one `enrich` run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Inputs; empty means JSON envelopes on standard input.
    pub files: Vec<PathBuf>,
    /// Threads; 0 means one per core.
    pub threads: usize,
    pub max_message_bytes: usize,
    pub now: jiff::Timestamp,
}

/// Counts of one run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub events: u64,
    pub dead_letters: u64,
}

/// One input before decoding: an envelope line or a whole file.
enum Item {
    Envelope(Vec<u8>),
    Article(Box<RawArticle>),
    Failed(Rejection),
}

const BATCH_PER_THREAD: usize = 64;

/// Runs the pipeline over the inputs, events to `out`, dead-letter lines to `err`.
pub fn run(
    opts: &Options,
    pipeline: &Pipeline,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Summary> {
    let threads = match opts.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let mut summary = Summary::default();
    let mut batch: Vec<Item> = Vec::with_capacity(threads * BATCH_PER_THREAD);
    let mut flush = |batch: &mut Vec<Item>| -> io::Result<()> {
        process_batch(batch, threads, opts, pipeline, out, err, &mut summary)?;
        batch.clear();
        Ok(())
    };
    if opts.files.is_empty() {
        let stdin = io::stdin();
        read_lines(&mut stdin.lock(), &mut batch, threads, &mut flush)?;
    } else {
        for path in &opts.files {
            if is_jsonl(path) {
                let file = std::fs::File::open(path)?;
                read_lines(
                    &mut io::BufReader::new(file),
                    &mut batch,
                    threads,
                    &mut flush,
                )?;
            } else {
                batch.push(read_file(path, opts.max_message_bytes));
                if batch.len() >= threads * BATCH_PER_THREAD {
                    flush(&mut batch)?;
                }
            }
        }
    }
    flush(&mut batch)?;
    Ok(summary)
}

fn read_lines(
    reader: &mut dyn BufRead,
    batch: &mut Vec<Item>,
    threads: usize,
    flush: &mut dyn FnMut(&mut Vec<Item>) -> io::Result<()>,
) -> io::Result<()> {
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        batch.push(Item::Envelope(std::mem::take(&mut line)));
        if batch.len() >= threads * BATCH_PER_THREAD {
            flush(batch)?;
        }
    }
}

fn is_jsonl(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("jsonl" | "ndjson")
    )
}

fn read_file(path: &Path, max: usize) -> Item {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return Item::Failed(Rejection::new(
                crate::event::Reason::NoContent,
                format!("{}: {e}", path.display()),
            ))
        }
    };
    let is_text = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("txt" | "text")
    );
    let content = match (is_text, String::from_utf8(bytes)) {
        (true, Ok(text)) => Content::Text(text),
        (_, Ok(html)) => Content::Raw(html.into_bytes()),
        (_, Err(e)) => Content::Raw(e.into_bytes()),
    };
    let size = match &content {
        Content::Text(s) => s.len(),
        Content::Raw(b) => b.len(),
        _ => 0,
    };
    if size > max {
        return Item::Failed(Rejection::new(
            crate::event::Reason::TooLarge,
            format!("{} is {size} bytes, limit {max}", path.display()),
        ));
    }
    Item::Article(Box::new(RawArticle {
        id: Some(path.display().to_string()),
        url: None,
        content,
        charset_hint: None,
        fetched_at: None,
        published_at: None,
        language: None,
        source: None,
    }))
}

fn envelope_id(line: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Id {
        id: Option<serde_json::Value>,
    }
    let id = serde_json::from_slice::<Id>(line).ok()?.id?;
    Some(match id {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    })
}

type ItemResult = Result<Vec<u8>, (Option<String>, Rejection)>;

fn process_one(item: &Item, opts: &Options, pipeline: &Pipeline) -> ItemResult {
    let json = Hints {
        content_type: Some("application/json".into()),
        ..Hints::default()
    };
    let decoded;
    let raw = match item {
        Item::Envelope(line) => {
            decoded = input::decode(Some(line), &json, opts.max_message_bytes)
                .map_err(|r| (envelope_id(line), r))?;
            &decoded
        }
        Item::Article(a) => a.as_ref(),
        Item::Failed(r) => return Err((None, r.clone())),
    };
    let ctx = Context {
        now: opts.now,
        source: None,
    };
    let (event, _) = pipeline
        .enrich(raw, &ctx)
        .map_err(|r| (raw.id.clone(), r))?;
    event.to_json().map_err(|r| (raw.id.clone(), r))
}

fn process_batch(
    batch: &[Item],
    threads: usize,
    opts: &Options,
    pipeline: &Pipeline,
    out: &mut dyn Write,
    err: &mut dyn Write,
    summary: &mut Summary,
) -> io::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    // Threads take the next input as they finish one (pages differ a lot in cost, so fixed
    // chunks would leave a core idle), then results are put back in input order.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, ItemResult)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads.min(batch.len()))
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = batch.get(i) else {
                            return done;
                        };
                        done.push((i, process_one(item, opts, pipeline)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join().unwrap_or_else(|_| {
                    vec![(
                        usize::MAX,
                        Err((
                            None,
                            Rejection::new(
                                crate::event::Reason::Internal,
                                "worker thread panicked",
                            ),
                        )),
                    )]
                })
            })
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    let results = results.into_iter().map(|(_, r)| r);
    for result in results {
        match result {
            Ok(json) => {
                out.write_all(&json)?;
                out.write_all(b"\n")?;
                summary.events += 1;
            }
            Err((id, r)) => {
                let line = DeadLetterLine {
                    id: id.as_deref(),
                    dlq_reason: r.reason.as_str(),
                    dlq_detail: &r.detail,
                };
                // One write per line: standard error is shared with the log output, and a
                // lock held across a batch would deadlock against a logging stage thread.
                let mut buf = serde_json::to_vec(&line)?;
                buf.push(b'\n');
                err.write_all(&buf)?;
                summary.dead_letters += 1;
            }
        }
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_on(input: &str, threads: usize) -> (Vec<serde_json::Value>, Vec<serde_json::Value>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.jsonl");
        std::fs::write(&path, input).unwrap();
        let opts = Options {
            files: vec![path],
            threads,
            max_message_bytes: 1 << 20,
            now: "2024-01-01T00:00:00Z".parse().unwrap(),
        };
        let pipeline = Pipeline::new().unwrap();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        run(&opts, &pipeline, &mut out, &mut err).unwrap();
        let parse = |b: &[u8]| {
            String::from_utf8(b.to_vec())
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect::<Vec<serde_json::Value>>()
        };
        (parse(&out), parse(&err))
    }

    #[test]
    fn events_in_input_order_and_rejects_on_stderr() {
        let mut input = String::new();
        for i in 0..100 {
            input.push_str(&format!(
                "{{\"id\":\"doc{i}\",\"text\":\"Paragraph number {i} of the story.\"}}\n"
            ));
            if i == 50 {
                input.push_str("{\"id\":\"bad\",\"html\":5}\n\n");
            }
        }
        for threads in [1, 3] {
            let (events, rejects) = run_on(&input, threads);
            let ids: Vec<_> = events
                .iter()
                .map(|e| e["id"].as_str().unwrap().to_string())
                .collect();
            let want: Vec<_> = (0..100).map(|i| format!("doc{i}")).collect();
            assert_eq!(ids, want);
            assert_eq!(rejects.len(), 1);
            assert_eq!(rejects[0]["id"], "bad");
            assert_eq!(rejects[0]["dlq_reason"], "bad_envelope");
            assert_eq!(events[0]["schema"], crate::event::SCHEMA);
        }
    }
}
