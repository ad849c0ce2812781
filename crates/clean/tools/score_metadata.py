#!/usr/bin/env python3
"""Title and author accuracy of enriched events against extraction-dev's gold.

shared/eval scores the main text only; issue 3 also asks for exact title match and author match
on the pages whose gold has them. This reads the events `news-enricher enrich` wrote (not a
derived prediction file), so what is scored is what the worker publishes.

    python3 crates/clean/tools/score_metadata.py ../shared/corpora/extraction-dev EVENTS.jsonl [N]

- title: exact match after Unicode NFC and whitespace collapsing (case and quotes kept).
- author: the first name of the gold author field (split on commas, "and", "&", ";") appears,
  case-insensitively, among the event's `authors`.
- `--person-only` additionally reports author match on pages whose gold author looks like a
  person's name rather than an organisation, team or role (the issue asks for people only).

With N, the first N failures of each kind are printed with the source the event recorded.
Last line: `TITLE=... AUTHOR=...`.
"""

import json
import re
import sys
import unicodedata

ORG_WORDS = re.compile(
    r"\b(team|staff|editors?|editorial|desk|newsroom|news|inc|llc|ltd|group|company|"
    r"blog|contributor|online|media|agency|department|services?|dental|care)\b|\.com\b|@",
    re.I,
)


def norm(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s or "")).strip()


def names(s):
    return [x.strip().lower() for x in re.split(r",|\band\b|&|;", s or "") if x.strip()]


def looks_like_person(s):
    first = re.split(r",|\band\b|&|;|\|", s)[0].strip()
    words = first.split()
    return 2 <= len(words) <= 5 and not ORG_WORDS.search(first)


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    person_only = "--person-only" in argv
    if len(args) < 2:
        sys.exit(__doc__)
    gold = {}
    with open(f"{args[0]}/gold.jsonl", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            gold[d["id"]] = d
    show = int(args[2]) if len(args) > 2 else 0
    tn = tm = an = am = pn = pm = 0
    bad_t, bad_a = [], []
    with open(args[1], encoding="utf-8") as f:
        for line in f:
            p = json.loads(line)
            g = gold.get(p.get("id"))
            if g is None:
                continue
            prov = p.get("provenance") or {}
            if g.get("title"):
                tn += 1
                if norm(p.get("title")) == norm(g["title"]):
                    tm += 1
                else:
                    bad_t.append((p["id"], g["title"], p.get("title"), prov.get("title")))
            if g.get("author"):
                an += 1
                ga = names(g["author"])
                pa = [x.lower() for x in p.get("authors") or []]
                ok = bool(pa and ga and ga[0] in pa)
                am += ok
                if looks_like_person(g["author"]):
                    pn += 1
                    pm += ok
                if not ok:
                    bad_a.append((p["id"], g["author"], p.get("authors"), prov.get("authors")))
    # Pages the worker dead-lettered have no event; they count as misses.
    tn_all = sum(1 for g in gold.values() if g.get("title"))
    an_all = sum(1 for g in gold.values() if g.get("author"))
    print(f"title exact {tm}/{tn_all} = {tm / tn_all:.4f} ({tn_all - tn} pages without an event)")
    print(f"author {am}/{an_all} = {am / an_all:.4f}")
    if person_only:
        print(f"author, gold looks like a person: {pm}/{pn} = {pm / max(pn, 1):.4f}")
    for b in bad_t[:show]:
        print("T", b)
    for b in bad_a[:show]:
        print("A", b)
    print(f"TITLE={tm / tn_all:.4f} AUTHOR={am / an_all:.4f}")


if __name__ == "__main__":
    main(sys.argv)
