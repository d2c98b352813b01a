"""Pages → MkDocs → site: two builds (简体中文 at the root, English under ``en/``), atomic.

The steps, top to bottom:

1. copy each language's hand-written pages (``docs/<lang>``) and the site assets into a
   temporary docs folder, and write the generated pages (:mod:`generator.pages`) beside them;
2. derive one MkDocs configuration per language from the root ``mkdocs.yml`` (docs and site
   folders, theme language, navigation, search language, the other language's address);
3. run MkDocs' build API in strict mode, so a broken link fails the build;
4. when everything, PDFs included, is written, swap the new site in for the old one.

Any failure (bad data, a template error, Ctrl-C) leaves the previous site as it was: the
work happens in a temporary folder next to the site and is removed afterwards.

The *offline* variant (``offline=True``) is for a copy opened from disk (``file://``):
file URLs (``roles/x.html``).  The search is the handbook's own (:mod:`generator.search`,
registered in place of Material's): small scripts that load from disk as from a server.
"""

from __future__ import annotations

import copy
import html
import io
import logging
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import macros, outputs, search
from generator.contacts import ensure_resolved
from generator.model import Handbook
from generator.pages import LANGS, all_labels, deps_changed, navigation, page_paths, render_pages

PACKAGE = Path(__file__).parent
ASSETS = PACKAGE / "assets"
OVERRIDES = PACKAGE / "templates" / "site" / "overrides"
BASE_CONFIG = PACKAGE / "templates" / "site" / "mkdocs.base.yml"
ASSET_PREFIX = "assets/handbook"
#: Where each language lives, relative to the whole site's root.
LANG_DIRS = {"zh": "", "en": "en/"}
WATCHED = ("roles", "procedures", "org", "sites", "handbook.yml", "docs", "mkdocs.yml")


class SiteError(Exception):
    """The site could not be built; the message says why, the old site is unchanged."""


class SiteFindings(SiteError):
    """The site could not be built because of what mkdocs.yml or docs/ say: findings with
    file:line (picklable: a language's build process hands it to the parent)."""

    def __init__(self, findings: list) -> None:
        super().__init__(findings)
        self.findings = list(findings)

    def __str__(self) -> str:
        return "\n".join(f.text() for f in self.findings)


@dataclass
class BuildReport:
    seconds: float = 0.0
    pages: dict[str, int] = field(default_factory=dict)  # pages built (incremental: rendered again)
    pdfs: int = 0
    incremental: bool = False
    #: Per language, what each generated page depends on (pages.Page.deps): serve's
    #: next rebuild renders only the pages whose dependencies changed.
    deps: dict[str, dict[str, frozenset]] = field(default_factory=dict, repr=False)


# --------------------------------------------------------------------------- configuration


def root_config_file(root: Path) -> Path:
    """The root's mkdocs.yml, or the packaged defaults for a root without one."""
    from generator.config_reader import config_file

    return config_file(root) or BASE_CONFIG


def read_config(path: Path) -> dict[str, Any]:
    """The configuration MkDocs is given: the packaged defaults, or a root's mkdocs.yml read
    by the handbook's strict reader (generator.config_reader; never MkDocs' loader, which
    builds Python objects from tags) and merged with the defaults it INHERITs."""
    from generator.config_reader import base_config, read_site_config

    if Path(path) == BASE_CONFIG:
        return base_config()
    config = read_site_config(Path(path).parent)
    if config.data is None:
        raise SiteFindings([f for f in config.findings if f.severity == "error"])
    return config.data


def _alternate(lang: str) -> list[dict[str, str]]:
    """extra.alternate for one build: links to each language's root, relative to this one."""
    here = LANG_DIRS[lang]
    up = "../" * here.count("/")
    return [
        {"name": all_labels()[other]["lang_name"], "link": (up + LANG_DIRS[other]) or "./", "lang": other}
        for other in LANGS
    ]


def language_config(
    base: dict[str, Any],
    book: Handbook,
    lang: str,
    docs_dir: Path,
    site_dir: Path,
    handwritten: list[str],
    *,
    offline: bool,
    site_url: str | None,
) -> dict[str, Any]:
    """One language's MkDocs configuration, derived from the root one."""
    cfg = copy.deepcopy(base)  # MkDocs validation consumes nested dicts
    cfg.pop("INHERIT", None)
    cfg.pop("hooks", None)  # the hook is for a plain `mkdocs serve`; here pages are already written
    cfg.pop("nav", None)
    cfg["docs_dir"] = str(docs_dir)
    cfg["site_dir"] = str(site_dir)
    if book.meta is not None:
        # Material prints site_name unescaped (header, <title>): escape the YAML text once.
        cfg["site_name"] = html.escape(getattr(book.meta.title, lang), quote=False)
    url = site_url if site_url is not None else (cfg.get("site_url") or (book.meta.base_url if book.meta else None))
    if url:
        cfg["site_url"] = url.rstrip("/") + "/" + LANG_DIRS[lang]
    else:
        cfg.pop("site_url", None)
    cfg["use_directory_urls"] = not offline
    theme = dict(cfg.get("theme") or {"name": "material"})
    theme["language"] = lang
    theme["font"] = False
    theme["custom_dir"] = str(OVERRIDES)
    cfg["theme"] = theme
    extra = dict(cfg.get("extra") or {})
    extra["alternate"] = _alternate(lang)
    extra["handbook_lang"] = lang
    extra["handbook_offline"] = offline
    extra["polyfills"] = [e for e in extra.get("polyfills") or [] if (docs_dir / e).is_file()]
    cfg["extra"] = extra
    # Stylesheets and scripts that are not there (print.css before the PDF work lands)
    # would be a 404 on every page.
    for key in ("extra_css", "extra_javascript"):
        cfg[key] = [e for e in cfg.get(key) or [] if not isinstance(e, str) or (docs_dir / e).is_file()]
    cfg["markdown_extensions"] = _extensions_for_lang(cfg.get("markdown_extensions") or [], lang)
    cfg["nav"] = navigation(book, lang, handwritten)
    # mkdocs-macros is never run: opted-in pages are rendered in the sandbox of
    # generator.macros, which build_language adds as a plugin of its own.
    entries = [
        p for p in (cfg.get("plugins") or ["search"]) if (p if isinstance(p, str) else next(iter(p))) != "macros"
    ]
    plugins = [_plugin_for_lang(p, lang) for p in entries]
    cfg["plugins"] = [p for p in plugins if p is not None]
    extra["handbook_search"] = len(plugins) > len(cfg["plugins"])  # generator.search replaces Material's
    cfg["strict"] = True
    return cfg


def _extensions_for_lang(entries: list[Any], lang: str) -> list[Any]:
    """The heading permalinks' title in the page's language: Python-Markdown's toc writes
    "Permanent link" on every heading otherwise, on Chinese pages too."""
    out = []
    for entry in entries:
        name, options = (entry, {}) if isinstance(entry, str) else next(iter(entry.items()))
        if name in ("toc", "markdown.extensions.toc"):
            options = dict(options or {})
            options["permalink_title"] = all_labels()[lang]["permalink_title"]
            entry = {name: options}
        out.append(entry)
    return out


def _plugin_for_lang(entry: Any, lang: str) -> Any:
    """One plugin entry for one language; None for Material's search, which the handbook's
    own search (generator.search, registered in build_language) replaces."""
    name, options = (entry, {}) if isinstance(entry, str) else next(iter(entry.items()))
    options = dict(options or {})
    if name in ("search", "material/search"):
        return None
    elif name == "macros":
        options["module_name"] = "handbook_macros"
        options["render_by_default"] = False
    return {name: options}


# --------------------------------------------------------------------------- one language


def prepare_docs(book: Handbook, root: Path, lang: str, docs_dir: Path, *, offline: bool, pdfs: list[str]) -> list[str]:
    """Copy the hand-written pages and assets in, write the generated pages; return the
    hand-written Markdown paths (for the navigation)."""
    handwritten = _copy_handwritten(root, lang, docs_dir)
    pages = render_pages(book, lang, directory_urls=not offline, pdfs=pdfs, with_home="index.md" not in handwritten)
    _write_generated(pages, docs_dir, lang, set(handwritten))
    return handwritten


@contextmanager
def _collect_mkdocs_warnings() -> Iterator[list[str]]:
    """MkDocs reports problems through logging; keep them to say why a build failed."""
    messages: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                messages.append(record.getMessage())

    handler = Keep()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


def _is_department_section(item: Any) -> bool:
    """A department's section of the navigation: its first page is the department's."""
    if not getattr(item, "is_section", False) or not item.children:
        return False
    first = item.children[0]
    return getattr(first, "file", None) is not None and first.file.src_uri.startswith("departments/")


def sidebar_plugin() -> Any:
    """A MkDocs plugin that gives each page a sidebar without the other departments.

    The navigation lists every department with its roles (that is what MkDocs needs for
    titles, previous/next links and the breadcrumbs), but a page's sidebar keeps only the
    section of the page's own department: with 50 departments, every page would otherwise
    carry 50 department links.  The department list is on the departments page, which the
    roles section links first.  The other sections are pruned by `navigation.prune`.
    """
    from mkdocs.plugins import BasePlugin
    from mkdocs.structure.nav import Navigation

    class Sidebar(BasePlugin):
        def __init__(self) -> None:
            super().__init__()
            self._cache: dict[tuple[int, int, bool], Any] = {}

        def _items(self, nav: Any) -> list:
            out = []
            for item in nav.items:
                if getattr(item, "is_section", False) and any(_is_department_section(c) for c in item.children):
                    active = next(
                        (i for i, c in enumerate(item.children) if _is_department_section(c) and c.active), -1
                    )
                    key = (id(item), active, bool(item.active))  # a copy keeps the flag it was made with
                    if key not in self._cache:
                        clone = copy.copy(item)
                        clone.children = [
                            c for i, c in enumerate(item.children) if i == active or not _is_department_section(c)
                        ]
                        self._cache[key] = clone
                    out.append(self._cache[key])
                else:
                    out.append(item)
            return out

        def on_page_context(self, context: Any, page: Any, config: Any, nav: Any) -> Any:
            pruned = Navigation(self._items(nav), nav.pages)
            pruned.homepage = nav.homepage
            context["nav"] = pruned
            return context

    return Sidebar()


MACROS_MODULE = "from generator.macros import define_env  # noqa: F401  (mkdocs-macros entry point)\n"


def _write_macros_module(folder: Path) -> None:
    """The module mkdocs-macros imports, beside the configuration.  Written before the
    language builds start, and not again, so that one build never reads it half-written
    by the other."""
    path = folder / "handbook_macros.py"
    if not path.is_file() or path.read_text(encoding="utf-8") != MACROS_MODULE:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(MACROS_MODULE, encoding="utf-8")


class _DirtyNotice(logging.Filter):
    """MkDocs warns on every dirty build that navigation may be stale; serve's rebuild
    decides itself which pages to render again (LiveSite), and strict mode would count
    the notice as a failure."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def build_language(cfg: dict[str, Any], config_path: Path, *, dirty: bool = False, search_plugin: Any = None) -> None:
    """Run MkDocs' build on a derived configuration, strict: any warning is a failure."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    _write_macros_module(config_path.parent)
    lang = cfg["theme"]["language"]
    quiet = _DirtyNotice()
    logging.getLogger("mkdocs.commands.build").addFilter(quiet)
    with _collect_mkdocs_warnings() as warnings:
        try:
            config = load_config(io.BytesIO(b"{}"), config_file_path=str(config_path), **cfg)
            config.plugins["handbook/sidebar"] = sidebar_plugin()
            if search_plugin is not None and cfg["extra"].get("handbook_search"):
                config.plugins["material/search"] = search_plugin  # Material's header shows the box
            config.plugins["handbook/macros"] = macros.sandbox_plugin(f"docs/{lang}/")
            build(config, dirty=dirty)
        except macros.MacroError as exc:
            raise SiteFindings([exc.finding]) from None
        except (Abort, MkDocsException) as exc:
            _raise_page_findings(warnings, lang, Path(cfg["docs_dir"]))
            _raise_config_findings(warnings + [str(exc)], config_path)
            detail = "\n  ".join(warnings) or str(exc)
            raise SiteError(f"MkDocs build failed ({lang}): {exc}\n  {detail}") from None
        except Exception as exc:
            _raise_page_findings(warnings, lang, Path(cfg["docs_dir"]))
            raise SiteError(f"MkDocs build failed ({lang}): {type(exc).__name__}: {exc}") from None
        finally:
            logging.getLogger("mkdocs.commands.build").removeFilter(quiet)
        if warnings:
            _raise_page_findings(warnings, lang, Path(cfg["docs_dir"]))
            raise SiteError("MkDocs warnings:\n  " + "\n  ".join(warnings))


_DOC_WARNING = re.compile(
    r"^Doc file '(?P<page>[^']+)' contains (?:a link|an absolute link|a relative link) '(?P<link>[^']*)'"
)


_CONFIG_VALUE = re.compile(r"Config value '(?P<key>[A-Za-z_]+)': (?P<why>.*)")


def _raise_config_findings(messages: list[str], config_path: Path) -> None:
    """MkDocs' refusals of a setting ("Config value 'site_url': …"), as E950 at the key in the
    root's mkdocs.yml.  The derived configuration beside `config_path` names the root in
    handbook_root; the key is looked up in the root's file by the strict reader."""
    from generator.config_reader import config_file, visible
    from generator.findings import Finding
    from generator.positions import Location
    from generator.yaml_reader import read_yaml

    job = _JOB
    source = config_file(job.root) if job is not None else None
    found = []
    for message in messages:
        for match in _CONFIG_VALUE.finditer(message):
            key, why = match.group("key"), match.group("why")
            where = Location("mkdocs.yml", 1, 1)
            if source is not None:
                read = read_yaml(source, source.name)
                where = read.source.where((key,), key=True)
            found.append(Finding.at(where, "E950", f"MkDocs refuses '{key}': {visible(why)[:300]}"))
    if found:
        raise SiteFindings(sorted(set(found)))


def _raise_page_findings(warnings: list[str], lang: str, docs_dir: Path) -> None:
    """MkDocs' warnings about links in a page, as findings (E964) at the page's line."""
    from generator.config_reader import visible
    from generator.findings import Finding
    from generator.positions import Location

    found = []
    for message in warnings:
        match = _DOC_WARNING.match(message)
        if not match:
            continue
        page, link = match.group("page"), match.group("link")
        line, col = 1, 1
        try:
            for number, text in enumerate((docs_dir / page).read_text(encoding="utf-8-sig").splitlines(), start=1):
                if link and link in text:
                    line, col = number, text.index(link) + 1
                    break
        except (OSError, UnicodeDecodeError):
            pass
        found.append(Finding.at(Location(visible(f"docs/{lang}/{page}"), line, col), "E964", visible(message)[:400]))
    if found:
        raise SiteFindings(found)


# --------------------------------------------------------------------------- the whole site


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


def _copy_handwritten(root: Path, lang: str, docs_dir: Path, scan: Any = None) -> list[str]:
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


@dataclass
class _Job:
    """What each language's build needs; a module global so that forked workers inherit
    it instead of receiving a pickled copy of the whole handbook."""

    book: Handbook
    root: Path
    base: dict[str, Any]
    work: Path
    offline: bool
    site_url: str | None
    pdfs: list[str]
    handwritten: dict[str, list[str]]
    existing: dict[str, dict[str, bool]]
    site_dirs: dict[str, Path]
    dirty: bool = False
    touch: dict[str, set[str]] = field(default_factory=dict)
    only: dict[str, set[str] | None] = field(default_factory=dict)


_JOB: _Job | None = None


def _build_one(lang: str) -> tuple[int, dict[str, frozenset]]:
    """Render, write and build one language; return its number of HTML pages and what
    each generated page depends on."""
    job = _JOB
    assert job is not None
    docs_dir = job.work / "docs" / lang
    pages = render_pages(
        job.book, lang, directory_urls=not job.offline, pdfs=job.pdfs, with_home="index.md" not in job.handwritten[lang]
    )
    _write_generated(pages, docs_dir, lang, set(job.handwritten[lang]))
    cfg = language_config(
        job.base,
        job.book,
        lang,
        docs_dir,
        job.site_dirs[lang],
        job.handwritten[lang],
        offline=job.offline,
        site_url=job.site_url,
    )
    cfg["extra"]["handbook_pages"] = job.existing
    macros.use(job.book, job.root)
    try:
        build_language(cfg, job.work / f"mkdocs.{lang}.yml", search_plugin=_search_plugin(job, lang))
    finally:
        macros.use(None, None)
    return sum(1 for _ in job.site_dirs[lang].rglob("*.html")), {p.path: p.deps for p in pages}


def _search_plugin(job: _Job, lang: str) -> Any:
    """The staff search of one language; its page records are kept in the scratch folder
    for serve's next (dirty) rebuild."""
    return search.plugin(job.book, lang, directory_urls=not job.offline, cache=job.work / f"search-pages.{lang}.json")


def _write_generated(pages: list, docs_dir: Path, lang: str, handwritten: set[str]) -> None:
    for page in pages:
        if page.path in handwritten:
            from generator.findings import Finding
            from generator.positions import Location

            where = Location(f"docs/{lang}/{page.path}", 1, 1)
            raise SiteFindings(
                [
                    Finding.at(
                        where, "E963", f"the handbook generates the page {page.path}; rename the hand-written page"
                    )
                ]
            )
        target = docs_dir / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.text, encoding="utf-8")


def workers() -> int:
    """How many languages to build at once: one process per language on a machine with
    two cores or more (HANDBOOK_JOBS=1 forces one after the other)."""
    try:
        wanted = int(os.environ.get("HANDBOOK_JOBS", "0"))
    except ValueError:
        wanted = 0
    if wanted <= 0:
        wanted = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(wanted, len(LANGS)))


def run_languages(job: _Job, task=None) -> dict[str, Any]:
    """Run `task(lang)` for each language: in one forked process per language where there
    are cores for it, else one after the other.  The first failure is raised here as it
    would be in one process (a SiteError keeps its message), and the other language's
    process is stopped; a worker dies with its parent (a killed build leaves nothing running)."""
    global _JOB
    task = task or _build_one
    _write_macros_module(job.work)
    _JOB = job
    try:
        if workers() < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return {lang: task(lang) for lang in LANGS}
        return _run_forked(task)
    finally:
        _JOB = None


def _run_forked(task) -> dict[str, Any]:
    from multiprocessing.connection import wait

    ctx = multiprocessing.get_context("fork")
    running: dict[Any, tuple[str, Any]] = {}
    try:
        for lang in LANGS:
            reader, writer = ctx.Pipe(duplex=False)
            proc = ctx.Process(
                target=_worker, args=(task, lang, writer, os.getpid()), name=f"handbook-{lang}", daemon=True
            )
            proc.start()
            writer.close()
            running[reader] = (lang, proc)
        results: dict[str, Any] = {}
        pending = dict(running)
        while pending:
            for reader in wait(list(pending)):
                lang, proc = pending.pop(reader)
                try:
                    outcome = reader.recv()
                except EOFError:
                    proc.join()
                    raise SiteError(
                        f"the {lang} build process ended without a result (exit code {proc.exitcode})"
                    ) from None
                if outcome[0] == "error":
                    raise outcome[1]
                results[lang] = outcome[1]
        return {lang: results[lang] for lang in LANGS}
    finally:
        for reader, (_, proc) in running.items():
            if proc.is_alive():
                proc.terminate()
            proc.join()
            reader.close()


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel kills this worker when the build that forked it dies."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(1)


def _worker(task, lang: str, conn: Any, parent: int) -> None:
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent stops a worker with SIGTERM (serve handles it itself)
    _die_with_parent(parent)
    try:
        outcome: tuple = ("ok", task(lang))
    except BaseException as exc:  # handed to the parent, which raises it
        outcome = ("error", exc)
    try:
        conn.send(outcome)
    except Exception as exc:  # an exception that does not pickle: send its text
        conn.send(("error", RuntimeError(f"{lang}: {outcome[1]!r} ({exc})")))
    finally:
        conn.close()


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

    The two languages are built at once, in two processes, where the machine has two
    cores: each renders its pages and runs MkDocs into a folder of its own (a MkDocs
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
    handwritten = {lang: _copy_handwritten(root, lang, work / "docs" / lang, scan) for lang in LANGS}
    # Which pages each language has: the language switch keeps the page where the other
    # language has it too, and goes to that language's home page where it does not.
    existing = {
        lang: dict.fromkeys(
            sorted({*handwritten[lang], *page_paths(book, lang, with_home="index.md" not in handwritten[lang])}), True
        )
        for lang in LANGS
    }
    site_dirs = {lang: out if not LANG_DIRS[lang] else work / "site" / lang for lang in LANGS}
    job = _Job(book, root, base, work, offline, site_url, pdfs, handwritten, existing, site_dirs)
    results = run_languages(job)
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
        _swap(out, site_dir, work)
        return report
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _swap(new: Path, site_dir: Path, work: Path) -> None:
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


# --------------------------------------------------------------------------- serve


#: What `handbook serve` rebuilds after a change (documented in LiveSite.rebuild).
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
    pruned, see sidebar_plugin), and its footer the titles of the pages before and after
    it; so a changed title means: every page of that section, and the two neighbours.
    """
    if [(len(t), p) for t, _, p in old] != [(len(t), p) for t, _, p in new]:
        raise _NeedFull("pages were added, removed or moved in the navigation")
    touch: set[str] = set()
    for i, (before, after) in enumerate(zip(old, new)):
        if before == after:
            continue
        for trail in {before[0], after[0]}:
            touch.update(p for t, _, p in new if t == trail)
        touch.update(new[j][2] for j in (i - 1, i + 1) if 0 <= j < len(new))
    return touch


def _sync_file(source: Path, target: Path) -> bool:
    """Copy `source` over `target` only if the bytes differ (a new mtime means a rebuild)."""
    data = source.read_bytes()
    if target.is_file() and target.read_bytes() == data:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return True


def _write_if_changed(target: Path, text: str) -> bool:
    data = text.encode("utf-8")
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
    job = _JOB
    assert job is not None
    from generator.docs_inputs import scan_docs

    docs_dir = job.work / "docs" / lang
    changed: set[str] = set()
    scan = scan_docs(job.root)
    refused = [f for f in scan.findings if f.severity == "error"]
    if refused:
        raise SiteFindings(refused)
    for rel, file in scan.files[lang].items():
        if _sync_file(file, docs_dir / rel):
            changed.add(rel)
    for file in ASSETS.rglob("*"):
        if file.is_file():
            rel = f"{ASSET_PREFIX}/{file.relative_to(ASSETS).as_posix()}"
            if _sync_file(file, docs_dir / rel):
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
        if _write_if_changed(docs_dir / page.path, page.text):
            changed.add(page.path)
    # Hand-written pages that take figures from the data (mkdocs-macros) may show what changed.
    for rel in job.handwritten[lang]:
        path = docs_dir / rel
        if "render_macros: true" in path.read_text(encoding="utf-8"):
            _touch(path)
            changed.add(rel)
    for rel in job.touch.get(lang, ()):
        _touch(docs_dir / rel)
        changed.add(rel)
    cfg = language_config(
        job.base,
        job.book,
        lang,
        docs_dir,
        job.site_dirs[lang],
        job.handwritten[lang],
        offline=job.offline,
        site_url=job.site_url,
    )
    cfg["extra"]["handbook_pages"] = job.existing
    macros.use(job.book, job.root)
    try:
        build_language(cfg, job.work / f"mkdocs.{lang}.yml", dirty=True, search_plugin=_search_plugin(job, lang))
    finally:
        macros.use(None, None)
    return sum(1 for rel in changed if rel.endswith(".md")), {p.path: p.deps for p in pages}


class LiveSite:
    """The site `handbook serve` keeps up to date, and how it rebuilds after a change.

    The first build is a full one, built aside and swapped in (as `handbook build`); its
    docs folders are kept.  After a change, :meth:`rebuild`:

    * renders every generated page of both languages again (cheap next to MkDocs) and
      writes only the Markdown files whose text changed, and copies hand-written pages
      and assets only where their bytes changed;
    * marks as changed, besides, the pages whose sidebar or previous/next links show a
      title that changed (a renamed role: the pages of its department's section and its
      two neighbours; a renamed procedure: every procedure page) and the hand-written
      pages that take figures from the data (``render_macros: true``);
    * runs MkDocs with ``dirty=True`` in both languages at once: MkDocs renders a page
      only when its Markdown is newer than its HTML; the search index is written again
      (generator.search keeps the records of the pages not rendered again);
    * falls back to a full build when pages appear, disappear or move in the navigation
      (a role or procedure added, removed or moved to another department; a hand-written
      page added or removed), and after a failed incremental rebuild.

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
        _swap(out, self.site_dir, self.work)
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
        if (
            shape["handwritten"] != old["handwritten"]
            or shape["pages"] != old["pages"]
            or shape["config"] != old["config"]
        ):
            raise _NeedFull("hand-written pages, generated pages or mkdocs.yml changed")
        touch = {lang: _pages_to_touch(old["nav"][lang], shape["nav"][lang]) for lang in LANGS}
        existing = {lang: dict.fromkeys(sorted({*handwritten[lang], *shape["pages"][lang]}), True) for lang in LANGS}
        site_dirs = {lang: self.site_dir / LANG_DIRS[lang] for lang in LANGS}
        base = read_config(root_config_file(self.root))
        job = _Job(
            book, self.root, base, self.work / "scratch", False, None, [], handwritten, existing, site_dirs, dirty=True
        )
        job.touch = touch
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


def _snapshot(root: Path) -> dict[str, float]:
    """Modification times of everything a rebuild depends on."""
    stamps: dict[str, float] = {}
    for name in WATCHED:
        path = root / name
        if path.is_file():
            stamps[str(path)] = path.stat().st_mtime
        elif path.is_dir():
            for p in path.rglob("*"):
                if p.is_file():
                    stamps[str(p)] = p.stat().st_mtime
    return stamps


def serve(root: Path, addr: str, site_dir: Path | None = None) -> int:
    """Build, serve on `addr`, and rebuild when a YAML file, page or the config changes.

    The port is taken before the first build (a busy port is said at once, exit 1).  A
    rebuild with bad data, a bad mkdocs.yml or a page that does not build prints the
    findings and keeps serving the last good site; the next change that fixes it is
    built as usual.  The browser is not reloaded automatically; reload the page after a
    change.
    """
    import functools
    import http.server
    import threading

    from generator.pipeline import load_and_check

    root = Path(root).resolve()
    site_dir = Path(site_dir or root / "site").resolve()
    host, _, port = addr.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        print(f"handbook serve: error E974: --addr {addr!r} is not HOST:PORT (e.g. 127.0.0.1:8000)", file=sys.stderr)
        return 1

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, fmt: str, *args: Any) -> None:
            pass

    try:
        server = http.server.ThreadingHTTPServer((host, int(port)), functools.partial(Handler, directory=str(site_dir)))
    except OSError as exc:
        print(
            f"handbook serve: error E974: cannot listen on {host}:{port}: {exc.strerror or exc}; "
            "another program uses the port? choose another with --addr 127.0.0.1:8001",
            file=sys.stderr,
        )
        return 1
    try:
        live = LiveSite(root, site_dir)
    except BaseException:
        server.server_close()
        raise

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt  # SIGTERM too removes serve's scratch folder on the way out

    import signal

    signal.signal(signal.SIGTERM, stop)

    def rebuild() -> None:
        try:
            book, findings = load_and_check(root)
            errors = [f for f in findings if f.severity == "error"]
            for f in findings:
                print(f.text(), file=sys.stderr)
            if errors:
                print(f"handbook serve: {len(errors)} error(s); still serving the last good site", file=sys.stderr)
                return
            report = live.rebuild(book)
            how = f"{sum(report.pages.values())} page(s) rebuilt" if report.incremental else "full build"
            print(f"handbook serve: built in {report.seconds:.1f} s ({how})", file=sys.stderr)
        except SiteError as exc:
            print(f"handbook serve: {exc}\nhandbook serve: still serving the last good site", file=sys.stderr)
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:
            print(
                f"handbook serve: the build failed ({type(exc).__name__}: {exc}); still serving the last good site",
                file=sys.stderr,
            )

    try:
        rebuild()
        site_dir.mkdir(exist_ok=True)
    except BaseException:
        server.server_close()
        live.close()
        raise

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(f"handbook serve: http://{host}:{server.server_address[1]}/  (Ctrl-C to stop)", file=sys.stderr)
    seen = _snapshot(root)
    try:
        while True:
            time.sleep(1.0)
            now = _snapshot(root)
            if now != seen:
                seen = now
                print("handbook serve: change detected, rebuilding", file=sys.stderr)
                rebuild()
    except KeyboardInterrupt:
        return 0
    finally:
        server.shutdown()
        live.close()
