#!/bin/sh
# Seeds the fuzz corpus from the clean stage's golden fixtures (each page prefixed with the
# selector byte for HTML, no hint, and for plain text).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/corpus/clean"
mkdir -p "$out"
for f in "$here"/../crates/clean/tests/fixtures/*.html "$here"/../crates/clean/tests/fixtures/*.txt "$here"/../crates/clean/tests/fixtures/encodings/*.html; do
  [ -f "$f" ] || continue
  name=$(basename "$f")
  { printf '\000'; cat "$f"; } > "$out/html-$name"
  { printf '\001'; cat "$f"; } > "$out/text-$name"
done
echo "seeded $(ls "$out" | wc -l) inputs into $out"
