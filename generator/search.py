"""The staff search: a chunked static index per language, and the MkDocs plugin that writes it.

Why not Material's search: its lunr index is one file that every page downloads when it
loads (24.8 MB in Chinese at 1,000 roles), it mixes maintainer pages with staff pages,
has no English stemming once the Chinese pipeline is set, and segments Chinese queries
differently from the pages.  Why not Pagefind, which chunks well: it needs ``fetch`` and
WebAssembly, so it does not work from ``file://`` (Pagefind issue #241), and the offline
copy on a front-desk PC would need a second search engine with a second ranking.  This
index is small JavaScript files loaded with ``<script>`` tags, which works the same from a
web server, from a sub-path and from disk; so there is one search, tested once.

What is indexed (``records``), per language, built from the typed model rather than from
scraped HTML, so that a result lands on the right anchor and carries no editor's notes:

* roles (title, post number, purpose), each duty (anchor ``duty-<id>``), the authorities,
  requirements and standards; procedures, each step, the contacts, the ladder;
* one *answer* per permission kind: "who may …" with the roles that hold it and their
  level, found by the kind's words and showing the roles;
* glossary terms and departments;
* hand-written staff pages, section by section (from the rendered HTML);
* never the maintainer guide (``maintainers/``: check codes, schema) or the reference
  pages (``reference/``: the benchmark): those have their own index (``search/maintainers/``),
  which the box uses on a maintainer page; and never notes (``hb-note``: "注: 依据 篇3 …").

How text becomes terms (``terms``) — the browser does the same to a query (search.js):

* English: lower case, stop words dropped, a light suffix stemmer (``stem``; the same
  rules in search.js, tested against each other) so that evacuate / evacuation /
  evacuated, fee / fees meet;
* Chinese: jieba's search mode on the pages.  The browser has no jieba; it segments a
  query by longest match against the index's own vocabulary, which is jieba's words of the
  pages (so a query word that the pages contain is found as the pages were cut);
* the glossary expands a query: a term's Chinese, English, ``also`` and ``synonyms`` are
  one group (elevator ↔ lift, 电梯 ↔ 升降梯, 物业费 ↔ 管理费).

The files (``write_index``), under ``search/`` of each language's site:

* ``meta.js`` — bucket count, the first record of each page, synonyms, stop words (a few KB);
* ``t<n>.js`` — one term bucket: term → [record, weight, …] (best 160 records per term).
  Chinese terms are bucketed by their first character, so that the longest-match
  segmentation needs only the buckets of the query's characters; other terms by their
  first two letters, so that a word being typed loads one bucket, which also completes it;
* ``d<n>.js`` — 12 records: page, anchor, title, snippet.

Nothing is loaded before the search box is used; the first query loads meta.js, the
buckets of its terms and the records it shows.  ``benchmarks/run.py --search`` measures
it at 1,000 roles: at most 120 kB (zh) and 245 kB (en, typed key by key) for the first
search on a page, where Material's lunr loaded 24.8 MB (zh) on every page view; see the
benchmark page of the docs for the times and the load they were measured under.
"""

from __future__ import annotations

import heapq
import html
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from generator.model import Handbook, Role, Text

#: Pages that are for maintainers: not in the staff search.
MAINTAINER_PREFIXES = ("maintainers/", "reference/")
#: Generated pages whose content the model records already carry (or that only repeat them).
MODEL_KINDS = {"role", "procedure", "glossary", "department", "matrix", "responsibilities", "escalation", "checklist"}
POSTINGS_PER_TERM = 160
DOCS_PER_SHARD = 12
TARGET_BUCKET_BYTES = 8_000
SNIPPET_CHARS = 130
LEVEL_RANK = {"decide": 0, "approve": 1, "propose": 2, "execute": 3, "informed": 4}

STOP_EN = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "by", "can", "could", "do", "does", "for", "from", "has", "have", "how", "i", "in", "is", "it", "its", "may", "me", "might", "must", "my", "of", "on", "or", "our", "shall", "should", "that", "the", "their", "them", "there", "these", "this", "to", "us", "was", "we", "were", "what", "when", "where", "which", "who", "whom", "whose", "why", "will", "with", "would", "you", "your"]
)
STOP_ZH = frozenset(
    ["的", "了", "和", "与", "及", "或", "是", "在", "由", "对", "将", "把", "被", "谁", "哪", "哪个", "哪些", "什么", "怎么", "怎样", "如何", "吗", "呢", "吧", "可以", "能", "能否", "应", "应该", "要", "需要", "我", "我们", "请问", "一下"]
)
#: Words that make a query a question about who holds an authority.
QUESTION_WORDS = ["who", "whom", "谁", "哪个", "哪些", "哪个岗位"]

_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*|[0-9]+[A-Za-z0-9]*|[\u3400-\u9fff\uf900-\ufaff]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

#: Suffix rules of the light English stemmer: the first that leaves a stem of three or
#: more letters applies.  The same list is in search.js (STEM_RULES); keep them equal.
STEM_RULES: tuple[tuple[str, str], ...] = (
    ("ational", "ate"),
    ("ations", "ate"),
    ("ation", "ate"),
    ("ators", "ate"),
    ("ator", "ate"),
    ("nesses", ""),
    ("ness", ""),
    ("ments", ""),
    ("ment", ""),
    ("ities", ""),
    ("ity", ""),
    ("ions", ""),
    ("ion", ""),
    ("ings", ""),
    ("ing", ""),
    ("ied", "y"),
    ("ies", "y"),
    ("edly", ""),
    ("ed", ""),
    ("ers", ""),
    ("er", ""),
    ("als", ""),
    ("al", ""),
    ("ly", ""),
    ("sses", "ss"),
    ("ss", "ss"),
    ("us", "us"),
    ("is", "is"),
    ("es", ""),
    ("s", ""),
)
_DOUBLE_OK = set("lsz")


def stem(word: str) -> str:
    """A light English stemmer: one suffix rule, a final -e, a doubled final consonant."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.replace("'", "")
    if len(w) <= 3:
        return w
    for suffix, repl in STEM_RULES:
        if w.endswith(suffix) and len(w) - len(suffix) + len(repl) >= 3:
            w = w[: len(w) - len(suffix)] + repl
            break
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in _DOUBLE_OK and w[-1] not in "aeiou":
        w = w[:-1]
    return w


_jieba: Any = None


@cache
def _cut(run: str) -> tuple[str, ...]:
    """jieba's search mode (words and the shorter words inside them), as the pages were cut."""
    global _jieba
    if _jieba is None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        _jieba = jieba
    return tuple(w for w in _jieba.cut_for_search(run) if w.strip())


@lru_cache(maxsize=65536)
def terms(text: str, lang: str) -> list[str]:
    """The index terms of a text (stop words dropped; every language's words are kept:
    Chinese pages name English things and English pages quote Chinese).  Cached: a role's
    title is searched with each of its duties, and a property group repeats its wording."""
    out: list[str] = []
    for m in _WORD.finditer(text):
        word = m.group(0)
        if _CJK.match(word):
            out += [w for w in _cut(word) if w not in STOP_ZH]
        else:
            low = word.lower()
            if low not in STOP_EN:
                out.append(_stem(low) if low[0].isalpha() else low)
    return out


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return stem(word)


def query_terms(text: str, vocabulary: dict[str, Any] | set[str]) -> list[str]:
    """A text cut as search.js cuts a query: English stemmed, Chinese by longest match
    against the index's vocabulary (a character no word starts with is skipped)."""
    out: list[str] = []
    for m in _WORD.finditer(text):
        word = m.group(0)
        if not _CJK.match(word):
            if word.lower() not in STOP_EN:
                out.append(stem(word) if word[0].isalpha() else word.lower())
            continue
        i = 0
        while i < len(word):
            for n in range(min(8, len(word) - i), 0, -1):
                piece = word[i : i + n]
                if piece in vocabulary or (n > 1 and piece in STOP_ZH):
                    if piece not in STOP_ZH:
                        out.append(piece)
                    i += n
                    break
            else:
                i += 1
    return out


def bucket_key(term: str) -> str:
    """Chinese terms by their first character (longest-match segmentation needs every
    term that starts with a character); other terms by their first two letters, so that
    a word being typed needs one bucket, which also completes it."""
    return term[0] if _CJK.match(term) else term[:2]


def bucket(term: str, count: int) -> int:
    """FNV-1a over the code points of the bucket key (search.js computes the same)."""
    h = 0x811C9DC5
    for ch in bucket_key(term):
        h ^= ord(ch)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h % count


# --------------------------------------------------------------------------- records


@dataclass
class Record:
    """One search result: a page or a part of a page."""

    page: str  # the page's path without .md, e.g. "roles/front-desk-dispatcher"
    anchor: str
    title: str
    text: str
    #: (text, boost) pairs that are searched but not shown (keywords, the holders of a kind).
    extra: list[tuple[str, float]] = field(default_factory=list)
    boost: float = 1.0
    #: For a "who may" answer: (page, title, level label) of the roles holding the kind.
    holders: list[list[str]] = field(default_factory=list)
    kind: str = ""
    #: The text is shown but not searched (a "who may" answer's list of holders and levels:
    #: "approve" in a question must not find every kind that someone approves).
    text_shown_only: bool = False

    @property
    def group(self) -> str:
        """Results are grouped by page; each "who may" answer is a group of its own."""
        return f"{self.page}#{self.anchor}" if self.kind == "kind" else self.page


def _t(value: Text | str | None, lang: str) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else getattr(value, lang)


def _items_text(items: Iterable[Any], lang: str) -> str:
    """Sub-items of a duty, without their notes."""
    parts = []
    for item in items:
        parts.append(((item.label + " ") if item.label else "") + _t(item.text, lang))
        parts.append(_items_text(item.items, lang))
    return " ".join(p for p in parts if p)


def _labels(lang: str) -> dict[str, str]:
    from generator.pages import all_labels

    return all_labels()[lang]


def role_records(book: Handbook, role: Role, lang: str) -> list[Record]:
    L = _labels(lang)
    page = f"roles/{role.id}"
    title = _t(role.title, lang)
    dept = book.departments.get(role.department)
    extra = [(role.code or "", 3.0), (_t(dept.name, lang) if dept else "", 0.5)]
    out = [Record(page, "", title, _t(role.purpose, lang), extra, boost=2.0, kind="role")]
    for duty in role.duties:
        heading = f"{L['duties']} {duty.label}" if duty.label else L["duties"]
        text = _t(duty.text, lang) + " " + _items_text(duty.items, lang)
        out.append(Record(page, f"duty-{duty.id}", heading, text.strip(), [(title, 0.3)], kind="duty"))
    for auth in role.authorities:
        kind = book.kinds.get(auth.kind)
        heading = f"{L['authorities']}: {_t(kind.title, lang) if kind else auth.kind} · {L['level_' + auth.level]}"
        out.append(Record(page, "authorities", heading, _t(auth.text, lang), [(title, 0.3)], kind="authority"))
    for key, items in (("requirements", role.requirements), ("standards", role.standards)):
        if items:
            text = " ".join(((s.label + " ") if s.label else "") + _t(s.text, lang) for s in items)
            out.append(Record(page, key, L[key], text, [(title, 0.3)], kind=key))
    return out


def procedure_records(book: Handbook, proc: Any, lang: str) -> list[Record]:
    L = _labels(lang)
    page = f"procedures/{proc.id}"
    title = _t(proc.title, lang)
    text = _t(proc.trigger, lang) + " " + _t(proc.from_source, lang)
    out = [Record(page, "", title, text.strip(), [(L["emergency"], 0.5)], boost=2.5, kind="procedure")]
    for prefix, steps in (("step", proc.steps), ("after", proc.aftercare)):
        for step in steps:
            owner = book.roles.get(step.owner)
            extra = [(title, 0.3), (_t(owner.title, lang) if owner else "", 0.3)]
            heading = L["steps"] if prefix == "step" else L["aftercare"]
            out.append(Record(page, f"{prefix}-{step.id}", heading, _t(step.text, lang), extra, kind="step"))
    if proc.contacts:
        text = " · ".join(f"{_t(c.name, lang)} {c.number}" for c in proc.contacts)
        out.append(Record(page, "contacts", L["contacts"], text, [(title, 0.3)], kind="contacts"))
    if proc.escalation:
        text = " ".join(_t(r.condition, lang) for r in proc.escalation)
        out.append(Record(page, "ladder", L["ladder"], text, [(title, 0.3)], kind="ladder"))
    return out


def kind_records(book: Handbook, lang: str) -> list[Record]:
    """One answer per permission kind: who holds it, at which level (best level first)."""
    L = _labels(lang)
    holders: dict[str, list[tuple[int, Role, str]]] = defaultdict(list)
    for role in book.roles.values():
        for auth in role.authorities:
            holders[auth.kind].append((LEVEL_RANK.get(auth.level, 9), role, auth.level))
    who = "谁可以" if lang == "zh" else "Who may"
    out = []
    for kind in book.kinds.values():
        found = sorted(holders.get(kind.id, []), key=lambda h: (h[0], h[1].id))
        if not found:
            continue
        first = found[0][1]
        shown = [[f"roles/{r.id}", _t(r.title, lang), L["level_" + lv]] for _, r, lv in found[:6]]
        sep = "、" if lang == "zh" else "; "
        text = sep.join(f"{t} ({lv})" if lang == "en" else f"{t}（{lv}）" for _, t, lv in shown)
        if len(found) > len(shown):
            text += f" … (+{len(found) - len(shown)})"
        title = f"{who}{'：' if lang == 'zh' else ': '}{_t(kind.title, lang)}"
        extra = [(_t(kind.description, lang), 0.6)]
        out.append(
            Record(
                f"matrix/{first.department}",
                f"kind-{kind.id}",
                title,
                text,
                extra,
                boost=2.0,
                holders=shown,
                kind="kind",
                text_shown_only=True,
            )
        )
    return out


def glossary_records(book: Handbook, lang: str) -> list[Record]:
    out = []
    for term in book.terms:
        head, other = (term.zh, term.en) if lang == "zh" else (term.en, term.zh)
        words = [*term.also, *getattr(term, "synonyms", [])]
        text = " ".join([other, *words, _t(term.note, lang)])
        out.append(Record("glossary", f"term-{term.id}", head, text.strip(), boost=0.6, kind="term"))
    return out


def department_records(book: Handbook, lang: str) -> list[Record]:
    return [
        Record(f"departments/{d.id}", "", _t(d.name, lang), _t(d.description, lang), boost=1.2, kind="department")
        for d in book.departments.values()
    ]


def model_records(book: Handbook, lang: str) -> list[Record]:
    out: list[Record] = []
    for role in book.roles.values():
        out += role_records(book, role, lang)
    for proc in book.procedures.values():
        out += procedure_records(book, proc, lang)
    out += kind_records(book, lang)
    out += department_records(book, lang)
    out += glossary_records(book, lang)
    return out


def synonym_groups(book: Handbook) -> list[list[str]]:
    """Each glossary term's words in both languages: one group of interchangeable words."""
    groups = []
    for term in book.terms:
        words = [term.zh, term.en, *term.also, *getattr(term, "synonyms", [])]
        seen = list(dict.fromkeys(w.strip() for w in words if w and w.strip()))
        if len(seen) > 1:
            groups.append(seen)
    return groups


# --------------------------------------------------------------------------- hand-written pages


class _Sections(HTMLParser):
    """Split a page's HTML at its h2/h3 headings; drop notes, code, the permalink marks and
    the h1 (the page's title is the record's title)."""

    SKIP_CLASSES = {"hb-note", "headerlink", "hb-meta", "hb-source"}
    VOID = {
        "br",
        "hr",
        "img",
        "input",
        "meta",
        "link",
        "wbr",
        "source",
        "col",
        "area",
        "base",
        "embed",
        "param",
        "track",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[list[str]] = [["", "", ""]]  # anchor, title, text
        self._skip = 0
        self._stack: list[bool] = []
        self._heading: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        a = dict(attrs)
        skip = bool(self.SKIP_CLASSES & set((a.get("class") or "").split())) or tag in ("script", "style", "pre", "h1")
        self._stack.append(skip)
        self._skip += skip
        if tag in ("h2", "h3") and not self._skip:
            self.sections.append([a.get("id") or "", "", ""])
            self._heading = tag

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID or not self._stack:
            return
        self._skip -= self._stack.pop()
        if tag == self._heading:
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        section = self.sections[-1]
        section[1 if self._heading else 2] += data


def page_records(page_path: str, title: str, body: str) -> list[Record]:
    """A hand-written page, section by section."""
    parser = _Sections()
    parser.feed(body)
    # Guides mention duties as examples ("search for 钥匙"): the role that has the duty comes first.
    boost = 0.3 if page_path == "" else 0.5
    out = []
    for i, (anchor, heading, text) in enumerate(parser.sections):
        text = re.sub(r"\s+", " ", text).strip()
        heading = re.sub(r"\s+", " ", heading).strip()
        if i == 0:
            out.append(Record(page_path, "", title, text, boost=boost, kind="page"))
        elif text or heading:
            out.append(Record(page_path, anchor, heading, text, boost=boost, kind="section"))
    return out


def is_staff_page(src_uri: str) -> bool:
    return not src_uri.startswith(MAINTAINER_PREFIXES)


# --------------------------------------------------------------------------- the index


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


# --------------------------------------------------------------------------- the plugin


def plugin(book: Handbook, lang: str, *, directory_urls: bool, cache: Path | None) -> Any:
    """A MkDocs plugin that indexes the hand-written staff pages and writes the index.

    Registered under Material's search plugin name, so that Material shows its search box
    (the override partials/search.html gives it the handbook's form, which Material's own
    script leaves alone).  Maintainer pages get an index of their own (search/maintainers/),
    which the search box uses on those pages only.  A dirty build (``handbook serve``) renders some pages only: the
    records of the others come from ``cache``, written by the build before.
    """
    from mkdocs.plugins import BasePlugin

    class HandbookSearch(BasePlugin):
        def __init__(self) -> None:
            super().__init__()
            self.config = {"enabled": True}  # read by Material's header
            #: src → {"scope": "staff" | "maintainers", "records": [...]}
            self.pages: dict[str, dict[str, Any]] = {}

        def on_page_content(self, body: str, page: Any, config: Any, files: Any) -> str:
            src = page.file.src_uri
            meta = page.meta or {}
            path = src[: -len(".md")] if src.endswith(".md") else src
            path = path[: -len("/index")] if path.endswith("/index") else ("" if path == "index" else path)
            title = html.unescape(page.title or "")
            search = meta.get("search") if isinstance(meta.get("search"), dict) else {}
            records: list[Record] = []
            if search.get("exclude") or meta.get("hb_kind") in MODEL_KINDS:
                pass
            elif meta.get("hb_kind"):  # an overview page: found by its title
                records = [Record(path, "", title, "", boost=1.0, kind="page")]
            else:
                records = page_records(path, title, body)
            scope = "staff" if is_staff_page(src) else "maintainers"
            self.pages[src] = {"scope": scope, "records": [_as_dict(r) for r in records]}
            return body

        def on_post_build(self, config: Any) -> None:
            pages = dict(self.pages)
            if cache is not None:
                if cache.is_file():
                    try:
                        kept = json.loads(cache.read_text(encoding="utf-8"))
                    except ValueError:
                        kept = {}
                    for src, entry in kept.items():
                        if src not in pages and (Path(config.docs_dir) / src).is_file():
                            pages[src] = entry
                cache.parent.mkdir(parents=True, exist_ok=True)
                cache.write_text(json.dumps(pages, ensure_ascii=False, sort_keys=True), encoding="utf-8")
            staff = model_records(book, lang)
            maintainers: list[Record] = []
            for src in sorted(pages):
                target = staff if pages[src]["scope"] == "staff" else maintainers
                target += [Record(**r) for r in pages[src]["records"]]
            out = Path(config.site_dir) / "search"
            write_index(staff, book, lang, out, directory_urls=directory_urls)
            write_index(maintainers, book, lang, out / "maintainers", directory_urls=directory_urls)

    return HandbookSearch()


def _as_dict(rec: Record) -> dict[str, Any]:
    return {
        "page": rec.page,
        "anchor": rec.anchor,
        "title": rec.title,
        "text": rec.text,
        "boost": rec.boost,
        "kind": rec.kind,
    }
