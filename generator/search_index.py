"""The index files of the staff search: term buckets and record shards, small scripts that work from file://.

Under ``search/`` of each language's site (``write_index``):

* ``meta.js`` — bucket count, the first record of each page, synonyms, stop words (a few KB);
* ``t<n>.js`` — one term bucket: term → [record, weight, …] (best 160 records per term).
  Chinese terms are bucketed by their first character, so that the longest-match
  segmentation needs only the buckets of the query's characters; other terms by their
  first two letters, so that a word being typed loads one bucket, which also completes it;
* ``d<n>.js`` — 12 records: page, anchor, title, snippet.

Each file is one call of the loader in search.js, loaded with a ``<script>`` tag: that
works the same from a web server, from a sub-path and from disk (``fetch`` does not work
from ``file://``).  The weights are BM25-like, computed here so the browser only adds them.
"""

from __future__ import annotations

import heapq
import json
import math
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from generator.model import Handbook
from generator.search_records import Record, synonym_groups
from generator.search_terms import CJK_CHAR, QUESTION_WORDS, STEM_RULES, STOP_EN, STOP_ZH, query_terms, terms

POSTINGS_PER_TERM = 160
DOCS_PER_SHARD = 12
TARGET_BUCKET_BYTES = 8_000
SNIPPET_CHARS = 130


def bucket_key(term: str) -> str:
    """Chinese terms by their first character (longest-match segmentation needs every
    term that starts with a character); other terms by their first two letters, so that
    a word being typed needs one bucket, which also completes it."""
    return term[0] if CJK_CHAR.match(term) else term[:2]


def bucket(term: str, count: int) -> int:
    """FNV-1a over the code points of the bucket key (search.js computes the same)."""
    h = 0x811C9DC5
    for ch in bucket_key(term):
        h ^= ord(ch)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h % count


def _snippet(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1].rstrip() + "…"


def _weights(records: list[Record], lang: str) -> dict[str, list[tuple[int, int]]]:
    """term → [(record, weight)]: BM25-like saturation of boosted term counts, times idf;
    the best POSTINGS_PER_TERM records of a term are kept, in record order."""
    raw: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for doc, rec in enumerate(records):
        c: dict[str, float] = {}
        for t in terms(rec.title, lang):
            c[t] = c.get(t, 0.0) + 3.0
        if not rec.text_shown_only:
            for t in terms(rec.text, lang):
                c[t] = c.get(t, 0.0) + 1.0
        for text, boost in rec.extra:
            for t in terms(text, lang):
                c[t] = c.get(t, 0.0) + boost
        b = rec.boost * 22.0  # × 10 for integer weights
        for term, tf in c.items():
            if tf > 0:
                raw[term].append((doc, b * tf / (tf + 1.2)))
    n = len(records)
    postings: dict[str, list[tuple[int, int]]] = {}
    for term, plist in raw.items():
        df = len(plist)
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        if df > POSTINGS_PER_TERM:
            plist = heapq.nlargest(POSTINGS_PER_TERM, plist, key=lambda p: (p[1], -p[0]))
            plist.sort()
        postings[term] = [(d, max(1, round(w * idf))) for d, w in plist]
    return postings


def order_records(records: list[Record]) -> list[Record]:
    """Records grouped by page (a page's own record first), pages in a stable order."""
    by_page: dict[str, list[Record]] = {}
    for rec in records:
        by_page.setdefault(rec.group, []).append(rec)
    out: list[Record] = []
    for page in sorted(by_page):
        recs = by_page[page]
        recs.sort(key=lambda r: r.anchor != "")  # stable: the page's own record first
        out += recs
    return out


def _js(call: str, *args: Any) -> str:
    """A call of the loader in search.js; "<" written as \\u003c, so that no text of the
    data reads as markup even where a file is shown as HTML."""
    body = ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args)
    return f"__hbSearch.{call}({body.replace('<', chr(92) + 'u003c')});\n"


def read_index(folder: Path) -> dict[str, Any]:
    """The index written by write_index, as Python values (for tests and the benchmark):
    {"meta": {...}, "terms": {term: [doc, weight, …]}, "records": [[page, anchor, …], …]}."""

    def args(path: Path) -> list[Any]:
        text = path.read_text(encoding="utf-8")
        inner = text[text.index("(") + 1 : text.rindex(")")]
        return json.loads("[" + inner + "]")

    meta = args(folder / "meta.js")[0]
    found: dict[str, list[int]] = {}
    for i in range(meta["buckets"]):
        found.update(args(folder / f"t{i}.js")[1])
    records: list[Any] = []
    for i in range(math.ceil(meta["records"] / meta["docsPerShard"])):
        records += args(folder / f"d{i}.js")[1]
    return {"meta": meta, "terms": found, "records": records}


def write_index(
    records: list[Record], book: Handbook, lang: str, out_dir: Path, *, directory_urls: bool
) -> dict[str, int]:
    """Write meta.js, the term buckets and the record shards; return their sizes."""
    records = order_records(records)
    postings = _weights(records, lang)
    total = sum(len(t) * 3 + 8 * len(p) + 6 for t, p in postings.items())
    count = max(1, math.ceil(total / TARGET_BUCKET_BYTES))
    buckets: list[dict[str, list[int]]] = [{} for _ in range(count)]
    for term in sorted(postings):
        flat: list[int] = []
        for doc, w in postings[term]:
            flat += [doc, w]
        buckets[bucket(term, count)][term] = flat
    page_starts: list[int] = []
    pages: list[str] = []
    for i, rec in enumerate(records):
        if not pages or pages[-1] != rec.group:
            pages.append(rec.group)
            page_starts.append(i)
    synonyms: dict[str, list[list[str]]] = {}
    for group in synonym_groups(book):
        cut = [query_terms(w, postings) for w in group]
        for i, key in enumerate(cut):
            if key:
                alts = [c for j, c in enumerate(cut) if j != i and c and c != key]
                if not alts:
                    continue
                known = synonyms.setdefault(" ".join(key), [])
                for alt in alts:
                    if alt not in known:
                        known.append(alt)
    meta = {
        "v": 1,
        "lang": lang,
        "buckets": count,
        "docsPerShard": DOCS_PER_SHARD,
        "records": len(records),
        "pageStarts": page_starts,
        "dirUrls": directory_urls,
        "synonyms": synonyms,
        "stop": sorted(STOP_EN | STOP_ZH),
        "question": QUESTION_WORDS,
        "rules": [list(r) for r in STEM_RULES],
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.js"):
        old.unlink()
    sizes = {"meta": _write(out_dir / "meta.js", _js("meta", meta))}
    sizes["buckets"] = sum(_write(out_dir / f"t{i}.js", _js("terms", i, b)) for i, b in enumerate(buckets))
    shards = 0
    for start in range(0, len(records), DOCS_PER_SHARD):
        rows = []
        for rec in records[start : start + DOCS_PER_SHARD]:
            row: list[Any] = [rec.page, rec.anchor, rec.title, _snippet(rec.text), rec.kind]
            if rec.holders:
                row.append(rec.holders)
            rows.append(row)
        sizes["docs"] = sizes.get("docs", 0) + _write(
            out_dir / f"d{start // DOCS_PER_SHARD}.js", _js("docs", start // DOCS_PER_SHARD, rows)
        )
        shards += 1
    sizes.update(bucket_files=count, doc_files=shards, records=len(records))
    return sizes


def _write(path: Path, text: str) -> int:
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)
