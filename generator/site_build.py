"""Pages → MkDocs → site: two builds (简体中文 at the root, English under ``en/``), atomic.

The steps, top to bottom:

1. copy each language's hand-written pages (``docs/<lang>``) and the site assets into a
   temporary docs folder, and write the generated pages (:mod:`generator.pages`) beside them;
2. derive one MkDocs configuration per language from the root ``mkdocs.yml``
   (:mod:`generator.site_config`);
3. run MkDocs' build in strict mode, so a broken link fails the build
   (:mod:`generator.site_mkdocs`), both languages at once (:mod:`generator.site_workers`);
4. when everything, PDFs included, is written, swap the new site in for the old one.

Any failure (bad data, a template error, Ctrl-C) leaves the previous site as it was: the
work happens in a temporary folder next to the site and is removed afterwards.

The *offline* variant (``offline=True``) is for a copy opened from disk (``file://``):
file URLs (``roles/x.html``).  The search is the handbook's own (:mod:`generator.search`,
registered in place of Material's): small scripts that load from disk as from a server.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import macros, outputs, search
from generator.contacts import ensure_resolved
from generator.model import Handbook
from generator.pages import LANGS, page_paths, render_pages
from generator.site_config import (
    ASSET_PREFIX,
    ASSETS,
    LANG_DIRS,
    SiteFindings,
    language_config,
    read_config,
    root_config_file,
)
from generator.site_mkdocs import build_language
from generator.site_workers import LanguageJob, current_job, run_languages


@dataclass
class BuildReport:
    seconds: float = 0.0
    pages: dict[str, int] = field(default_factory=dict)  # pages built (incremental: rendered again)
    pdfs: int = 0
    incremental: bool = False
    #: Per language, what each generated page depends on (pages.Page.deps): serve's
    #: next rebuild renders only the pages whose dependencies changed.
    deps: dict[str, dict[str, frozenset]] = field(default_factory=dict, repr=False)


def prepare_docs(book: Handbook, root: Path, lang: str, docs_dir: Path, *, offline: bool, pdfs: list[str]) -> list[str]:
    """Copy the hand-written pages and assets in, write the generated pages; return the
    hand-written Markdown paths (for the navigation)."""
    handwritten = copy_handwritten(root, lang, docs_dir)
    pages = render_pages(book, lang, directory_urls=not offline, pdfs=pdfs, with_home="index.md" not in handwritten)
    _write_generated(pages, docs_dir, lang, set(handwritten))
    return handwritten


def copy_handwritten(root: Path, lang: str, docs_dir: Path, scan: Any = None) -> list[str]:
    """Copy the hand-written pages (the files generator.docs_inputs publishes: no link
    followed out of the root, known types only) and the assets into a docs folder;
    return the pages."""
    from generator.docs_inputs import copy_docs, scan_docs

    scan = scan if scan is not None else scan_docs(root)
    refused = [f for f in scan.findings if f.severity == "error"]
    if refused:
        raise SiteFindings(refused)
    handwritten = copy_docs(scan, lang, docs_dir)
    shutil.copytree(ASSETS, docs_dir / ASSET_PREFIX, dirs_exist_ok=True)
    return handwritten


def _write_generated(pages: list, docs_dir: Path, lang: str, handwritten: set[str]) -> None:
    for page in pages:
        if page.path in handwritten:
            from generator.findings import Finding
            from generator.positions import Location

            where = Location(f"docs/{lang}/{page.path}", 1, 1)
            why = f"the handbook generates the page {page.path}; rename the hand-written page"
            raise SiteFindings([Finding.at(where, "E963", why)])
        target = docs_dir / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.text, encoding="utf-8")


def _write_pdfs(book: Handbook, out_dir: Path, previous: Path | None = None) -> list[str]:
    try:
        from generator.pdf import write_pdfs
    except ModuleNotFoundError as exc:
        if exc.name != "generator.pdf":
            raise
        print(
            "handbook: PDF output is not available yet (generator.pdf missing); site built without PDFs",
            file=sys.stderr,
        )
        return []
    written = write_pdfs(book, out_dir, previous=previous)  # unchanged PDFs are linked from `previous`
    return sorted(Path(p).resolve().relative_to(out_dir.resolve()).as_posix() for p in written)


def _quiet_jieba() -> None:
    """jieba (Chinese search segmentation) logs four lines on every build; keep warnings only."""
    try:
        import jieba
    except ImportError:
        return
    jieba.setLogLevel(logging.WARNING)


def language_mkdocs(job: LanguageJob, lang: str, *, dirty: bool = False) -> None:
    """MkDocs on one language of `job`, its docs folder written: the derived configuration,
    the staff search (its page records kept in the scratch folder for serve's next dirty
    rebuild) and the sandboxed macros reading `job`'s handbook."""
    cfg = language_config(
        job.base,
        job.book,
        lang,
        job.work / "docs" / lang,
        job.site_dirs[lang],
        job.handwritten[lang],
        offline=job.offline,
        site_url=job.site_url,
    )
    cfg["extra"]["handbook_pages"] = job.existing
    finder = search.plugin(job.book, lang, directory_urls=not job.offline, cache=job.work / f"search-pages.{lang}.json")
    macros.use(job.book, job.root)
    try:
        build_language(cfg, job.work / f"mkdocs.{lang}.yml", root=job.root, dirty=dirty, search_plugin=finder)
    finally:
        macros.use(None, None)


def _build_one(lang: str) -> tuple[int, dict[str, frozenset]]:
    """Render, write and build one language; return its number of HTML pages and what
    each generated page depends on."""
    job = current_job()
    pages = render_pages(
        job.book, lang, directory_urls=not job.offline, pdfs=job.pdfs, with_home="index.md" not in job.handwritten[lang]
    )
    _write_generated(pages, job.work / "docs" / lang, lang, set(job.handwritten[lang]))
    language_mkdocs(job, lang)
    return sum(1 for _ in job.site_dirs[lang].rglob("*.html")), {p.path: p.deps for p in pages}


def build_into(
    book: Handbook,
    root: Path,
    out: Path,
    work: Path,
    *,
    with_pdf: bool,
    offline: bool = False,
    site_url: str | None = None,
    previous_pdf: Path | None = None,
) -> BuildReport:
    """Build the whole site into `out` (an empty or missing folder), using `work` for scratch.

    Each language renders its pages and runs MkDocs into a folder of its own (a MkDocs
    build empties its site folder, so English cannot be built inside the Chinese one);
    English is moved under `en/` when both have finished.
    """
    started = time.perf_counter()
    report = BuildReport()
    book = ensure_resolved(book)  # one property's numbers on every page and card
    _quiet_jieba()
    base = read_config(root_config_file(root))
    pdfs: list[str] = []
    pdf_dir = work / "pdf"  # moved in after MkDocs, which empties its site_dir first
    if with_pdf:
        pdfs = _write_pdfs(book, pdf_dir, previous_pdf)
        report.pdfs = len(pdfs)
    from generator.docs_inputs import scan_docs

    scan = scan_docs(root)
    handwritten = {lang: copy_handwritten(root, lang, work / "docs" / lang, scan) for lang in LANGS}
    # Which pages each language has: the language switch keeps the page where the other
    # language has it too, and goes to that language's home page where it does not.
    existing = {
        lang: dict.fromkeys(
            sorted({*handwritten[lang], *page_paths(book, lang, with_home="index.md" not in handwritten[lang])}), True
        )
        for lang in LANGS
    }
    site_dirs = {lang: out if not LANG_DIRS[lang] else work / "site" / lang for lang in LANGS}
    job = LanguageJob(book, root, base, work, offline, site_url, pdfs, handwritten, existing, site_dirs)
    results = run_languages(job, _build_one)
    report.pages = {lang: n for lang, (n, _) in results.items()}
    report.deps = {lang: deps for lang, (_, deps) in results.items()}
    for lang in LANGS:
        if site_dirs[lang] != out:
            os.replace(site_dirs[lang], out / LANG_DIRS[lang].rstrip("/"))
    if pdfs:
        outputs.mark(pdf_dir)
        os.replace(pdf_dir, out / "pdf")
    report.seconds = time.perf_counter() - started
    return report


def swap(new: Path, site_dir: Path, work: Path) -> None:
    """Put `new` where `site_dir` is; two renames on one file system."""
    old = work / "old"
    if site_dir.exists():
        os.replace(site_dir, old)
    try:
        os.replace(new, site_dir)
    except BaseException:
        if old.exists():
            os.replace(old, site_dir)
        raise


def build_site(
    book: Handbook,
    root: Path,
    site_dir: Path,
    with_pdf: bool = False,
    *,
    offline: bool = False,
    site_url: str | None = None,
) -> BuildReport:
    """Build both languages (and the PDFs) next to `site_dir`, then swap the result in.

    Until the swap, `site_dir` is not touched; on any exception, including
    KeyboardInterrupt, the scratch folder is removed and the old site stays as it was.
    """
    root = Path(root).resolve()
    site_dir = Path(site_dir).resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    outputs.remove_stale_scratch(site_dir.parent, site_dir.name)
    work = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.build-", dir=site_dir.parent))
    try:
        outputs.claim(work)
        out = work / "site"
        report = build_into(
            book,
            root,
            out,
            work / "scratch",
            with_pdf=with_pdf,
            offline=offline,
            site_url=site_url,
            previous_pdf=site_dir / "pdf",
        )
        outputs.mark(out)
        swap(out, site_dir, work)
        return report
    finally:
        shutil.rmtree(work, ignore_errors=True)
