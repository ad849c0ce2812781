//! `train-ner`: trains and evaluates the entities model.
//!
//! ```text
//! train-ner train --clusters clusters.tsv --gazetteer gazetteer.tsv --out models/ner-model.bin.gz \
//!     --train gum/train.conll --train uner-ewt/dev.conll [--bits 20] [--epochs 10] [--seed 7] \
//!     [--p-upper 0.05] [--p-lower 0.05] [--p-title 0.03]
//! train-ner eval [--model FILE] --conll FILE --out pred.jsonl
//! ```
//! A `--train` path may end in `@A-B` (fractions of its sentences, e.g. `@0-0.8`) and `*N`
//! (repeat N times). `eval` writes one line per CoNLL document, `{"text","entities"}`, the text
//! built as shared/eval/events.py builds it, ready for `score_ner.py --pred-format jsonl
//! --jsonl-unit doc`.

use std::io::Write;
use std::process::ExitCode;

use news_enricher_entities::lexicon::Lexicon;
use news_enricher_entities::train::{read_conll, sentences, Options, Sentence};
use news_enricher_entities::{model, Input, Recognizer};

fn arg_values(args: &[String], name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if args[i] == name {
            if let Some(v) = args.get(i + 1) {
                out.push(v.clone());
            }
            i += 1;
        }
        i += 1;
    }
    out
}

fn arg(args: &[String], name: &str) -> Option<String> {
    arg_values(args, name).pop()
}

fn parse<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> Result<T, String> {
    match arg(args, name) {
        Some(v) => v.parse().map_err(|_| format!("bad value for {name}: {v}")),
        None => Ok(default),
    }
}

fn load_train(spec: &str, doc_base: u32) -> Result<Vec<Sentence>, String> {
    let (spec, reps) = match spec.rsplit_once('*') {
        Some((s, n)) => (
            s,
            n.parse::<usize>()
                .map_err(|_| format!("bad repeat in {spec}"))?,
        ),
        None => (spec, 1),
    };
    let (path, range) = match spec.rsplit_once('@') {
        Some((p, r)) => {
            let (a, b) = r.split_once('-').ok_or("bad range")?;
            let a: f64 = a.parse().map_err(|_| "bad range")?;
            let b: f64 = b.parse().map_err(|_| "bad range")?;
            (p, Some((a, b)))
        }
        None => (spec, None),
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut s = sentences(&read_conll(&text), doc_base);
    if let Some((a, b)) = range {
        let n = s.len() as f64;
        let (ia, ib) = ((a * n).round() as usize, (b * n).round() as usize);
        s = s.get(ia..ib.min(s.len())).unwrap_or(&[]).to_vec();
    }
    let mut out = Vec::with_capacity(s.len() * reps);
    for _ in 0..reps {
        out.extend(s.iter().cloned());
    }
    Ok(out)
}

fn cmd_train(args: &[String]) -> Result<(), String> {
    let clusters = arg(args, "--clusters").ok_or("--clusters is required")?;
    let gazetteer = arg(args, "--gazetteer").ok_or("--gazetteer is required")?;
    let out = arg(args, "--out").ok_or("--out is required")?;
    let specs = arg_values(args, "--train");
    if specs.is_empty() {
        return Err("at least one --train is required".into());
    }
    let d = Options::default();
    let opt = Options {
        bits: parse(args, "--bits", d.bits)?,
        epochs: parse(args, "--epochs", d.epochs)?,
        seed: parse(args, "--seed", d.seed)?,
        p_upper: parse(args, "--p-upper", d.p_upper)?,
        p_lower: parse(args, "--p-lower", d.p_lower)?,
        p_title: parse(args, "--p-title", d.p_title)?,
        mix: parse(args, "--mix", d.mix)?,
    };
    let ctext = std::fs::read_to_string(&clusters).map_err(|e| format!("{clusters}: {e}"))?;
    let gtext = std::fs::read_to_string(&gazetteer).map_err(|e| format!("{gazetteer}: {e}"))?;
    let lex = Lexicon::from_tsv(&ctext, &gtext)?;
    let mut sents = Vec::new();
    for (k, s) in specs.iter().enumerate() {
        let part = load_train(s, (k as u32) << 20)?;
        eprintln!("{s}: {} sentences", part.len());
        sents.extend(part);
    }
    eprintln!("options: {opt:?}");
    let t0 = std::time::Instant::now();
    let tagger =
        news_enricher_entities::train::train(&sents, &lex, &opt, &mut |l| eprintln!("{l}"));
    let bytes = model::io::write(&tagger, &lex)?;
    std::fs::write(&out, &bytes).map_err(|e| format!("{out}: {e}"))?;
    eprintln!(
        "wrote {out}: {} bytes in {:.1}s",
        bytes.len(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

fn cmd_eval(args: &[String]) -> Result<(), String> {
    let rec = match arg(args, "--model") {
        Some(p) => {
            let b = std::fs::read(&p).map_err(|e| format!("{p}: {e}"))?;
            Recognizer::from_bytes(&b).map_err(|e| e.to_string())?
        }
        None => Recognizer::embedded().map_err(|e| e.to_string())?,
    };
    let conll = arg(args, "--conll").ok_or("--conll is required")?;
    let out = arg(args, "--out").ok_or("--out is required")?;
    let text = std::fs::read_to_string(&conll).map_err(|e| format!("{conll}: {e}"))?;
    let docs = read_conll(&text);
    let mut f = std::io::BufWriter::new(std::fs::File::create(&out).map_err(|e| e.to_string())?);
    let mut ntok = 0usize;
    let t0 = std::time::Instant::now();
    for d in &docs {
        let doc_text = d
            .iter()
            .map(|s| {
                s.iter()
                    .map(|(w, _)| w.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join(" ");
        ntok += d.iter().map(|s| s.len()).sum::<usize>();
        let ents = rec.run(&Input {
            text: &doc_text,
            title: None,
            description: None,
        });
        let mut spans = Vec::new();
        for e in &ents {
            for m in &e.mentions {
                spans.push(
                    serde_json::json!({"start": m.start, "end": m.end, "label": e.kind.as_str()}),
                );
            }
        }
        let line = serde_json::json!({"text": doc_text, "entities": spans});
        writeln!(f, "{line}").map_err(|e| e.to_string())?;
    }
    eprintln!(
        "{} docs, {} tokens, {:.0} tokens/s (run incl. canonicalisation)",
        docs.len(),
        ntok,
        ntok as f64 / t0.elapsed().as_secs_f64()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let res = match args.first().map(String::as_str) {
        Some("train") => cmd_train(&args[1..]),
        Some("eval") => cmd_eval(&args[1..]),
        _ => Err("usage: train-ner train|eval … (see the source's doc comment)".into()),
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("train-ner: {e}");
            ExitCode::FAILURE
        }
    }
}
