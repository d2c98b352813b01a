"""The site `handbook serve` keeps up to date: a full build first, then incremental rebuilds.

An incremental rebuild renders only the pages that show something that changed and lets
MkDocs' dirty build write only those; :class:`LiveSite` says what is rebuilt when, and
when it falls back to a full build.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from generator import outputs
from generator.contacts import ensure_resolved
from generator.model import Handbook
from generator.pages import LANGS, deps_changed, navigation, page_paths, render_pages
from generator.site_build import BuildReport, build_into, language_mkdocs, swap
from generator.site_config import ASSET_PREFIX, ASSETS, LANG_DIRS, SiteFindings, read_config, root_config_file
from generator.site_workers import LanguageJob, current_job, run_languages


class _NeedFull(Exception):
    """The change alters the set of pages or the navigation's shape: build everything."""


def _nav_entries(nav: list, trail: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str, str]]:
    """The navigation flattened: (section titles above, title, page) in reading order."""
    out: list[tuple[tuple[str, ...], str, str]] = []
    for item in nav:
        if isinstance(item, str):
            out.append((trail, "", item))
            continue
        ((title, value),) = item.items()
        if isinstance(value, list):
            out += _nav_entries(value, (*trail, str(title)))
        else:
            out.append((trail, str(title), value))
    return out


def _pages_to_touch(old: list, new: list) -> set[str]:
    """Pages whose sidebar or previous/next links show a title that changed.

    A page's sidebar shows the titles of its own section only (the other departments are
    pruned, see site_mkdocs.sidebar_plugin), and its footer the titles of the pages before
    and after it; so a changed title means: every page of that section, and the two
    neighbours.
    """
    if [(len(t), p) for t, _, p in old] != [(len(t), p) for t, _, p in new]:
        raise _NeedFull("pages were added, removed or moved in the navigation")
    touch: set[str] = set()
    for i, (before, after) in enumerate(zip(old, new, strict=True)):  # same length, checked above
        if before == after:
            continue
        for trail in {before[0], after[0]}:
            touch.update(p for t, _, p in new if t == trail)
        touch.update(new[j][2] for j in (i - 1, i + 1) if 0 <= j < len(new))
    return touch


def _write_if_changed(target: Path, data: bytes) -> bool:
    """Write `data` over `target` only if the bytes differ (a new mtime means a rebuild)."""
    if target.is_file() and target.read_bytes() == data:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return True


def _touch(path: Path) -> None:
    """Newer than its built page: MkDocs' dirty build then renders it again."""
    if path.is_file():
        os.utime(path)


def _rebuild_one(lang: str) -> tuple[int, dict[str, frozenset]]:
    """Serve's incremental rebuild of one language; returns how many pages MkDocs
    renders again, and the dependencies of the pages rendered again."""
    from generator.docs_inputs import scan_docs

    job = current_job()
    docs_dir = job.work / "docs" / lang
    changed: set[str] = set()
    scan = scan_docs(job.root)
    refused = [f for f in scan.findings if f.severity == "error"]
    if refused:
        raise SiteFindings(refused)
    for rel, file in scan.files[lang].items():
        if _write_if_changed(docs_dir / rel, file.read_bytes()):
            changed.add(rel)
    for file in ASSETS.rglob("*"):
        if file.is_file():
            rel = f"{ASSET_PREFIX}/{file.relative_to(ASSETS).as_posix()}"
            if _write_if_changed(docs_dir / rel, file.read_bytes()):
                changed.add(rel)
    pages = render_pages(
        job.book,
        lang,
        directory_urls=not job.offline,
        pdfs=job.pdfs,
        with_home="index.md" not in job.handwritten[lang],
        only=job.only.get(lang),
    )
    for page in pages:
        if _write_if_changed(docs_dir / page.path, page.text.encode("utf-8")):
            changed.add(page.path)
    # Hand-written pages that take figures from the data (render_macros: true) may show what changed.
    for rel in job.handwritten[lang]:
        path = docs_dir / rel
        if "render_macros: true" in path.read_text(encoding="utf-8"):
            _touch(path)
            changed.add(rel)
    for rel in job.touch.get(lang, ()):
        _touch(docs_dir / rel)
        changed.add(rel)
    language_mkdocs(job, lang, dirty=True)
    return sum(1 for rel in changed if rel.endswith(".md")), {p.path: p.deps for p in pages}


class LiveSite:
    """The site `handbook serve` keeps up to date, and how it rebuilds after a change.

    The first build is a full one, built aside and swapped in (as `handbook build`); its
    docs folders are kept.  After a change, :meth:`rebuild`:

    * renders the generated pages of both languages whose dependencies changed
      (pages.deps_changed), writes only the Markdown files whose text changed, and copies
      hand-written pages and assets only where their bytes changed;
    * marks as changed, besides, the pages whose sidebar or previous/next links show a
      title that changed (a renamed role: the pages of its department's section and its
      two neighbours; a renamed procedure: every procedure page) and the hand-written
      pages that take figures from the data (``render_macros: true``);
    * runs MkDocs with ``dirty=True`` in both languages at once: MkDocs renders a page
      only when its Markdown is newer than its HTML; the search index is written again
      (generator.search keeps the records of the pages not rendered again);
    * falls back to a full build when pages appear, disappear or move in the navigation
      (a role or procedure added, removed or moved to another department; a hand-written
      page added or removed), when mkdocs.yml changed, and after a failed rebuild.

    An incremental rebuild writes into the served site directly: if MkDocs fails
    half-way (a broken link in a hand-written page), pages built before the failure are
    already there; the next change then rebuilds everything.
    """

    def __init__(self, root: Path, site_dir: Path) -> None:
        self.root = Path(root).resolve()
        self.site_dir = Path(site_dir).resolve()
        self.site_dir.parent.mkdir(parents=True, exist_ok=True)
        outputs.remove_stale_scratch(self.site_dir.parent, self.site_dir.name)
        self.work = Path(tempfile.mkdtemp(prefix=f".{self.site_dir.name}.serve-", dir=self.site_dir.parent))
        outputs.claim(self.work)
        self._state: dict[str, Any] | None = None

    def close(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)

    def rebuild(self, book: Handbook) -> BuildReport:
        """Bring the site up to date with `book`: incrementally where possible."""
        book = ensure_resolved(book)
        try:
            if self._state is not None:
                try:
                    return self._incremental(book)
                except _NeedFull:
                    pass
            return self._full(book)
        except BaseException:
            self._state = None
            raise

    def _handwritten(self) -> dict[str, list[str]]:
        from generator.docs_inputs import scan_docs

        scan = scan_docs(self.root)
        return {lang: scan.pages(lang) for lang in LANGS}

    def _shape(self, book: Handbook, handwritten: dict[str, list[str]]) -> dict[str, Any]:
        return {
            "handwritten": handwritten,
            "nav": {lang: _nav_entries(navigation(book, lang, handwritten[lang])) for lang in LANGS},
            "pages": {lang: page_paths(book, lang, with_home="index.md" not in handwritten[lang]) for lang in LANGS},
            "config": read_config(root_config_file(self.root)),
        }

    def _full(self, book: Handbook) -> BuildReport:
        scratch = self.work / "scratch"
        shutil.rmtree(scratch, ignore_errors=True)
        out = self.work / "out"
        shutil.rmtree(out, ignore_errors=True)
        report = build_into(book, self.root, out, scratch, with_pdf=False)
        outputs.mark(out)
        swap(out, self.site_dir, self.work)
        shutil.rmtree(self.work / "old", ignore_errors=True)
        self._state = self._shape(book, self._handwritten())
        self._state.update(book=book, deps=report.deps)
        return report

    def _incremental(self, book: Handbook) -> BuildReport:
        started = time.perf_counter()
        handwritten = self._handwritten()
        shape = self._shape(book, handwritten)
        old = self._state
        assert old is not None
        if any(shape[key] != old[key] for key in ("handwritten", "pages", "config")):
            raise _NeedFull("hand-written pages, generated pages or mkdocs.yml changed")
        existing = {lang: dict.fromkeys(sorted({*handwritten[lang], *shape["pages"][lang]}), True) for lang in LANGS}
        site_dirs = {lang: self.site_dir / LANG_DIRS[lang] for lang in LANGS}
        job = LanguageJob(
            book, self.root, shape["config"], self.work / "scratch", False, None, [], handwritten, existing, site_dirs
        )
        job.dirty = True
        job.touch = {lang: _pages_to_touch(old["nav"][lang], shape["nav"][lang]) for lang in LANGS}
        # Only the pages that showed something that changed are rendered again.
        invalid = deps_changed(old["book"], book)
        deps = {lang: dict(old["deps"][lang]) for lang in LANGS}
        if invalid is not None:
            job.only = {
                lang: {p for p in shape["pages"][lang] if p not in deps[lang] or deps[lang][p] & invalid}
                for lang in LANGS
            }
        self._state = None  # until this rebuild has succeeded
        results = run_languages(job, _rebuild_one)
        report = BuildReport(pages={lang: n for lang, (n, _) in results.items()}, incremental=True)
        for lang, (_, fresh) in results.items():
            deps[lang].update(fresh)
        report.deps = deps
        self._state = shape
        self._state.update(book=book, deps=deps)
        report.seconds = time.perf_counter() - started
        return report
