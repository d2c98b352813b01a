"""The staff search: a chunked static index per language, and the MkDocs plugin that writes it.

Why not Material's search: its lunr index is one file that every page downloads when it
loads (24.8 MB in Chinese at 1,000 roles), it mixes maintainer pages with staff pages,
has no English stemming once the Chinese pipeline is set, and segments Chinese queries
differently from the pages.  Why not Pagefind, which chunks well: it needs ``fetch`` and
WebAssembly, so it does not work from ``file://`` (Pagefind issue #241), and the offline
copy on a front-desk PC would need a second search engine with a second ranking.  This
index is small JavaScript files loaded with ``<script>`` tags, which works the same from a
web server, from a sub-path and from disk; so there is one search, tested once.

The parts, in the order the data flows:

    search_records  what is found: records built from the typed model (roles, duties, steps,
                    "who may …" answers, terms, departments) and the glossary's synonym groups
    search_terms    how a text becomes terms: jieba for Chinese, a light English stemmer;
                    search.js cuts a query the same way
    search_index    the files under ``search/``: weights, term buckets, record shards
    search          (this module) the MkDocs plugin: hand-written staff pages, section by
                    section from their rendered HTML, and the index written after the build

Never indexed for staff: the maintainer guide (``maintainers/``: check codes, schema) and
the reference pages (``reference/``: the benchmark), which have their own index
(``search/maintainers/``) that the box uses on a maintainer page; and never notes
(``hb-note``: "注: 依据 篇3 …").

Nothing is loaded before the search box is used; the first query loads meta.js, the
buckets of its terms and the records it shows.  ``benchmarks/run.py --search`` measures
it at 1,000 roles: at most 120 kB (zh) and 245 kB (en, typed key by key) for the first
search on a page, where Material's lunr loaded 24.8 MB (zh) on every page view; see the
benchmark page of the docs for the times and the load they were measured under.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

from generator.model import Handbook
from generator.search_index import read_index, write_index
from generator.search_records import Record, model_records
from generator.search_terms import stem

#: `plugin` for the site build; `read_index` and `stem` for the tests, which read the index
#: and compare search.js's stemmer with this one.
__all__ = ["plugin", "read_index", "stem"]

#: Pages that are for maintainers: not in the staff search.
MAINTAINER_PREFIXES = ("maintainers/", "reference/")
#: Generated pages whose content the model records already carry (or that only repeat them).
MODEL_KINDS = {"role", "procedure", "glossary", "department", "matrix", "responsibilities", "escalation", "checklist"}


# --------------------------------------------------------------------------- hand-written pages


class _Sections(HTMLParser):
    """Split a page's HTML at its h2/h3 headings; drop notes, code, the permalink marks and
    the h1 (the page's title is the record's title)."""

    SKIP_CLASSES: ClassVar[frozenset[str]] = frozenset({"hb-note", "headerlink", "hb-meta", "hb-source"})
    VOID: ClassVar[frozenset[str]] = frozenset(
        {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "col", "area", "base", "embed", "param", "track"}
    )

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
            wanted = meta.get("search")  # Material's front matter: `search: {exclude: true}`
            search = wanted if isinstance(wanted, dict) else {}
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
