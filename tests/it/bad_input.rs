//! Bad inputs: each ends as exactly one dead-letter record with the right reason, its key,
//! value and headers unchanged, and the worker keeps going.

use std::collections::HashMap;
use std::fs;
use std::time::Duration;

use crate::helpers::*;

/// What one input must turn into.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// A dead-letter record with this reason.
    Dead(&'static str),
    /// An enriched event.
    Event,
    /// Exactly one output of either kind (the worker may legitimately enrich or reject it).
    Either,
}

struct Case {
    input: Input,
    expect: Expect,
}

/// Headers every bad input carries, to check they come back unchanged (a binary one included).
fn headers_for(name: &str) -> Vec<(String, Vec<u8>)> {
    vec![
        ("trace-id".to_string(), format!("trace-{name}").into_bytes()),
        ("x-binary".to_string(), vec![0xff, 0x00, 0x80, 0x7f]),
        ("x-empty".to_string(), Vec::new()),
    ]
}

fn case(name: &str, value: Option<Vec<u8>>, expect: Expect) -> Case {
    Case {
        input: Input {
            id: name.to_string(),
            key: Some(name.as_bytes().to_vec()),
            value,
            headers: headers_for(name),
        },
        expect,
    }
}

fn good(name: &str) -> Case {
    let mut input = text_inputs(name, 1).remove(0);
    input.id = name.to_string();
    input.key = Some(name.as_bytes().to_vec());
    Case {
        input,
        expect: Expect::Event,
    }
}

/// The files in tests/fixtures/bad, named `<reason>--<description>.<ext>`.
fn fixture_cases() -> Vec<Case> {
    let dir = repo_dir().join("tests/fixtures/bad");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.contains("--"))
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("name")
                .to_string();
            let reason = name.split("--").next().expect("reason");
            let reason: &'static str = match reason {
                "undecodable" => "undecodable",
                "too_large" => "too_large",
                "no_content" => "no_content",
                "bad_envelope" => "bad_envelope",
                "bad_header" => "bad_header",
                "internal" => "internal",
                other => panic!("fixture {name}: unknown reason {other}"),
            };
            let value = fs::read(&path).expect("read fixture");
            case(&name, Some(value), Expect::Dead(reason))
        })
        .collect()
}

/// `levels` nested elements around one sentence, unclosed or closed.
fn nested_html(tag: &str, levels: usize, closed: bool) -> Vec<u8> {
    let mut s = String::with_capacity(levels * (2 * tag.len() + 5) + 64);
    s.push_str("<html><body>");
    for _ in 0..levels {
        s.push('<');
        s.push_str(tag);
        s.push('>');
    }
    s.push_str("The innermost sentence of a page nested one hundred thousand levels deep.");
    if closed {
        for _ in 0..levels {
            s.push_str("</");
            s.push_str(tag);
            s.push('>');
        }
        s.push_str("</body></html>");
    }
    s.into_bytes()
}

/// A plain-text envelope whose text is `bytes` long.
fn big_envelope(id: &str, bytes: usize) -> Vec<u8> {
    let sentence = "The council met again on Monday to discuss the budget. ";
    let text: String = sentence.repeat(bytes / sentence.len() + 1);
    serde_json::to_vec(&serde_json::json!({"id": id, "text": text})).expect("json")
}

/// Produces the cases, runs them through one worker, and checks each one's single output.
fn run_cases(what: &str, cases: Vec<Case>, max_message_bytes: Option<u64>) {
    let b = broker();
    let topics = Topics::create(b, what, 1);
    let logs = log_dir(what);
    let mut spec = WorkerSpec::new(b, &topics);
    spec.max_message_bytes = max_message_bytes;
    let mut w = Worker::spawn_ready(&spec, "w", &logs);

    let inputs: Vec<Input> = cases.iter().map(|c| c.input.clone()).collect();
    let placed = produce(b, &topics.input, &inputs);
    let done = try_wait_all_committed(b, &topics, &mut [&mut w], Duration::from_secs(120));

    let events = read_all(b, &topics.output, false, Duration::from_secs(60));
    let dead = read_all(b, &topics.dead_letter, false, Duration::from_secs(60));
    let mut by_source: HashMap<Placed, Vec<&Record>> = HashMap::new();
    for r in events.iter().chain(&dead) {
        let (topic, at) = r
            .source()
            .unwrap_or_else(|| panic!("output without a source: {:?}", r.headers));
        assert_eq!(topic, topics.input, "source topic");
        by_source.entry(at).or_default().push(r);
    }

    if let Err(e) = done {
        // Say which inputs were answered (and how) and which are still stuck before failing.
        for (case, at) in cases.iter().zip(&placed) {
            let how: Vec<String> = by_source
                .get(at)
                .map(|outs| {
                    outs.iter()
                        .map(|r| match r.header("dlq_reason") {
                            Some(reason) => format!(
                                "dead letter {reason} ({})",
                                r.header("dlq_detail").unwrap_or_default()
                            ),
                            None => "event".to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            println!(
                "{what}: {:<50} -> {}",
                case.input.id,
                if how.is_empty() {
                    "NO OUTPUT".to_string()
                } else {
                    how.join(", ")
                }
            );
        }
        let answered: Vec<Placed> = by_source.keys().copied().collect();
        let stuck: Vec<&str> = cases
            .iter()
            .zip(&placed)
            .filter(|(_, at)| !answered.contains(at))
            .map(|(c, _)| c.input.id.as_str())
            .collect();
        panic!(
            "{what}: not every input was answered and committed within 120 s; still without an output: {stuck:?}\n\
             (worker alive: {})\n{e}",
            w.alive()
        );
    }
    assert!(w.alive(), "worker died; log tail:\n{}", w.log_tail(80));

    let mut failures = Vec::new();
    for (case, at) in cases.iter().zip(&placed) {
        let name = &case.input.id;
        let outs = by_source.remove(at).unwrap_or_default();
        let summary = |r: &Record| match r.header("dlq_reason") {
            Some(reason) => format!(
                "dead letter {reason} ({})",
                r.header("dlq_detail").unwrap_or_default()
            ),
            None => "event".to_string(),
        };
        println!(
            "{what}: {name:<50} -> {}",
            outs.iter()
                .copied()
                .map(summary)
                .collect::<Vec<_>>()
                .join(", ")
        );
        if outs.len() != 1 {
            failures.push(format!(
                "{name}: {} outputs, expected exactly one",
                outs.len()
            ));
            continue;
        }
        let out = outs[0];
        let reason = out.header("dlq_reason");
        match (case.expect, reason.as_deref()) {
            (Expect::Dead(want), Some(got)) if got == want => {}
            (Expect::Dead(want), got) => {
                failures.push(format!(
                    "{name}: expected dead letter {want}, got {}",
                    got.map_or("an event".into(), |g| format!("dead letter {g}"))
                ));
                continue;
            }
            (Expect::Event, None) | (Expect::Either, _) => {}
            (Expect::Event, Some(got)) => {
                failures.push(format!(
                    "{name}: expected an event, got dead letter {got} ({})",
                    out.header("dlq_detail").unwrap_or_default()
                ));
                continue;
            }
        }
        if reason.is_some() {
            if let Err(e) = check_dead_letter(out, &case.input, &topics.input, *at) {
                failures.push(format!("{name}: {e}"));
            }
        } else if let Err(e) = check_event(out, &topics.input, *at) {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(
        by_source.is_empty(),
        "outputs for inputs nobody sent: {:?}",
        by_source.keys().collect::<Vec<_>>()
    );
    assert!(w.alive(), "worker died; log tail:\n{}", w.log_tail(80));
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n  {}",
        failures.len(),
        cases.len(),
        failures.join("\n  ")
    );
}

/// Key and value byte for byte, the input's headers first and unchanged, then the dead-letter
/// headers with the input's coordinates.
fn check_dead_letter(out: &Record, input: &Input, topic: &str, at: Placed) -> Result<(), String> {
    if out.key != input.key {
        return Err(format!("key changed: {:?} -> {:?}", input.key, out.key));
    }
    if out.value != input.value {
        return Err(format!(
            "value changed: {} bytes -> {} bytes (null in: {}, null out: {})",
            input.value.as_ref().map_or(0, Vec::len),
            out.value.as_ref().map_or(0, Vec::len),
            input.value.is_none(),
            out.value.is_none()
        ));
    }
    for (k, v) in &input.headers {
        let found = out
            .headers
            .iter()
            .find(|(hk, _)| hk == k)
            .map(|(_, hv)| hv.clone());
        match found {
            Some(Some(hv)) if hv == *v => {}
            Some(None) if v.is_empty() => {}
            other => return Err(format!("input header {k} = {v:?} came back as {other:?}")),
        }
    }
    let head: Vec<&str> = out
        .headers
        .iter()
        .take(input.headers.len())
        .map(|(k, _)| k.as_str())
        .collect();
    let want: Vec<&str> = input.headers.iter().map(|(k, _)| k.as_str()).collect();
    if head != want {
        return Err(format!(
            "input headers not kept first and in order: {head:?} vs {want:?}"
        ));
    }
    let must = |k: &str| {
        out.header(k)
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| format!("header {k} missing or empty"))
    };
    must("dlq_reason")?;
    let detail = must("dlq_detail")?;
    if detail.contains('\n') {
        return Err(format!("dlq_detail is not one line: {detail:?}"));
    }
    if must("source_topic")? != topic {
        return Err("source_topic".into());
    }
    if must("source_partition")?.trim() != at.partition.to_string() {
        return Err(format!(
            "source_partition {:?} != {}",
            out.header("source_partition"),
            at.partition
        ));
    }
    if must("source_offset")?.trim() != at.offset.to_string() {
        return Err(format!(
            "source_offset {:?} != {}",
            out.header("source_offset"),
            at.offset
        ));
    }
    must("failed_at")?;
    Ok(())
}

fn check_event(out: &Record, topic: &str, at: Placed) -> Result<(), String> {
    let v = out.json().ok_or("event is not JSON")?;
    if v.get("schema").and_then(|s| s.as_str()) != Some("news-enricher/article/v1") {
        return Err(format!("schema {:?}", v.get("schema")));
    }
    match out.source() {
        Some((t, p)) if t == topic && p == at => Ok(()),
        other => Err(format!("event source {other:?}")),
    }
}

/// Every kind of bad input from issue 2 point 5 (except the deep nesting, below), behind a
/// 64 KiB `limits.max_message_bytes`, with good inputs around them to prove the worker goes on.
#[test]
fn every_bad_input_is_dead_lettered_with_its_reason() {
    let _serial = serial();
    let mut rng = Rng::from_env("bad_input");
    let mut cases = vec![good("good-first")];
    cases.extend(fixture_cases());
    // Binary garbage: random bytes (NULs and invalid UTF-8 guaranteed), not an envelope.
    let mut garbage = vec![0x00, 0xff, 0xfe, 0x00, 0x89, b'P', b'N', b'G'];
    garbage.extend(rng.bytes(4096));
    cases.push(case(
        "binary-garbage",
        Some(garbage),
        Expect::Dead("undecodable"),
    ));
    cases.push(case(
        "empty-value",
        Some(Vec::new()),
        Expect::Dead("no_content"),
    ));
    cases.push(case("null-value", None, Expect::Dead("no_content")));
    cases.push(case(
        "too-large-envelope",
        Some(big_envelope("too-large-envelope", 100 * 1024)),
        Expect::Dead("too_large"),
    ));
    let mut big_html = b"<html><body>".to_vec();
    while big_html.len() < 80 * 1024 {
        big_html.extend_from_slice(
            b"<p>Another paragraph of an oversized page, well over the limit.</p>\n",
        );
    }
    cases.push(case(
        "too-large-raw-html",
        Some(big_html),
        Expect::Dead("too_large"),
    ));
    cases.push(case(
        "just-over-limit",
        Some(vec![b'a'; 64 * 1024 + 1]),
        Expect::Dead("too_large"),
    ));
    // A key that is not UTF-8 is no reason to refuse fine content.
    let mut odd_key = good("odd-key");
    odd_key.input.key = Some(vec![0xff, 0xfe, b'k', 0x00]);
    cases.push(odd_key);
    // A hint header that is not UTF-8 is refused rather than guessed (src/input.rs).
    let mut odd_header = case(
        "odd-url-header",
        Some(b"A plain text article about the harbour of Hamburg and its ships.".to_vec()),
        Expect::Dead("bad_header"),
    );
    odd_header
        .input
        .headers
        .push(("url".into(), vec![0xc3, 0x28, 0xff]));
    cases.push(odd_header);
    cases.push(good("good-last"));
    run_cases("bad-input", cases, Some(64 * 1024));
}

/// HTML nested 100,000 levels deep must not crash the worker (stack overflow, memory) nor stall
/// it: each such input gets exactly one output, event or dead letter, within the test's 120 s,
/// and the worker goes on with the next input.
#[test]
fn deeply_nested_html_does_not_crash_or_stall_the_worker() {
    let _serial = serial();
    let envelope = serde_json::to_vec(&serde_json::json!({
        "id": "nested-100k-envelope",
        "html": String::from_utf8(nested_html("span", 100_000, true)).expect("utf8")
    }))
    .expect("json");
    let cases = vec![
        good("good-first"),
        case(
            "nested-100k-div-unclosed",
            Some(nested_html("div", 100_000, false)),
            Expect::Either,
        ),
        case(
            "nested-100k-div-closed",
            Some(nested_html("div", 100_000, true)),
            Expect::Either,
        ),
        case(
            "nested-100k-b-unclosed",
            Some(nested_html("b", 100_000, false)),
            Expect::Either,
        ),
        case(
            "nested-100k-table",
            Some(nested_html("table", 100_000, false)),
            Expect::Either,
        ),
        case("nested-100k-envelope", Some(envelope), Expect::Either),
        good("good-last"),
    ];
    run_cases("nested", cases, None);
}

/// At the default `limits.max_message_bytes` (10 MiB) an input one byte over it is
/// dead-lettered `too_large`, its 10 MiB value unchanged (the worker's producer and the broker
/// must accept a record that large), and the worker goes on.
#[test]
fn over_the_default_10mib_limit_is_dead_lettered_unchanged() {
    let _serial = serial();
    let cases = vec![
        good("good-first"),
        case(
            "over-10MiB",
            Some(vec![b'x'; 10 * 1024 * 1024 + 1]),
            Expect::Dead("too_large"),
        ),
        good("good-last"),
    ];
    run_cases("over-10mib", cases, None);
}
