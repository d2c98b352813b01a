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
file URLs (``roles/x.html``), the search index also written as a script
(``search/search_index.js``), and a local stand-in for Web Workers so that Material's
search runs without a server (``assets/handbook/file-worker.js``; Material's own offline
plugin would fetch that shim from a CDN).
"""

from __future__ import annotations

import copy
import html
import io
import logging
import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from generator import macros
from generator.model import Handbook
from generator.pages import LANGS, all_labels, navigation, render_pages

PACKAGE = Path(__file__).parent
ASSETS = PACKAGE / "assets"
OVERRIDES = PACKAGE / "templates" / "site" / "overrides"
BASE_CONFIG = PACKAGE / "templates" / "site" / "mkdocs.base.yml"
ASSET_PREFIX = "assets/handbook"
#: Where each language lives, relative to the whole site's root.
LANG_DIRS = {"zh": "", "en": "en/"}
WATCHED = ("roles", "procedures", "org", "handbook.yml", "docs", "mkdocs.yml")


class SiteError(Exception):
    """The site could not be built; the message says why, the old site is unchanged."""


@dataclass
class BuildReport:
    seconds: float = 0.0
    pages: dict[str, int] = field(default_factory=dict)
    pdfs: int = 0


# --------------------------------------------------------------------------- configuration


def root_config_file(root: Path) -> Path:
    """The root's mkdocs.yml, or the packaged defaults for a root without one."""
    for name in ("mkdocs.yml", "mkdocs.yaml"):
        if (root / name).is_file():
            return root / name
    return BASE_CONFIG


def read_config(path: Path) -> dict[str, Any]:
    """The configuration as MkDocs reads it (INHERIT and !ENV resolved)."""
    from mkdocs.utils import yaml_load

    with open(path, "rb") as fh:
        data = yaml_load(fh) or {}
    if not isinstance(data, dict):
        raise SiteError(f"{path}: not a mapping")
    return data


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
    cfg["nav"] = navigation(book, lang, handwritten)
    cfg["plugins"] = [_plugin_for_lang(p, lang) for p in (cfg.get("plugins") or ["search"])]
    cfg["strict"] = True
    return cfg


def _plugin_for_lang(entry: Any, lang: str) -> Any:
    name, options = (entry, {}) if isinstance(entry, str) else next(iter(entry.items()))
    options = dict(options or {})
    if name in ("search", "material/search"):
        options["lang"] = [lang]
        options.setdefault("pipeline", ["stopWordFilter"])
    elif name == "macros":
        options["module_name"] = "handbook_macros"
        options["render_by_default"] = False
    return {name: options}


# --------------------------------------------------------------------------- one language


def prepare_docs(book: Handbook, root: Path, lang: str, docs_dir: Path, *, offline: bool, pdfs: list[str]) -> list[str]:
    """Copy the hand-written pages and assets in, write the generated pages; return the
    hand-written Markdown paths (for the navigation)."""
    source = root / "docs" / lang
    if source.is_dir():
        shutil.copytree(source, docs_dir, ignore=shutil.ignore_patterns(".*"))
    else:
        docs_dir.mkdir(parents=True)
    handwritten = sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md"))
    shutil.copytree(ASSETS, docs_dir / ASSET_PREFIX, dirs_exist_ok=True)
    pages = render_pages(book, lang, directory_urls=not offline, pdfs=pdfs, with_home="index.md" not in handwritten)
    for page in pages:
        target = docs_dir / page.path
        if target.exists():
            raise SiteError(f"docs/{lang}/{page.path} is hand-written but the handbook generates that page; rename it")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.text, encoding="utf-8")
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


def build_language(cfg: dict[str, Any], config_path: Path) -> None:
    """Run MkDocs' build on a derived configuration, strict: any warning is a failure."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    config_path.parent.joinpath("handbook_macros.py").write_text(
        "from generator.macros import define_env  # noqa: F401  (mkdocs-macros entry point)\n", encoding="utf-8"
    )
    with _collect_mkdocs_warnings() as warnings:
        try:
            config = load_config(io.BytesIO(b"{}"), config_file_path=str(config_path), **cfg)
            build(config)
        except (Abort, MkDocsException) as exc:
            detail = "\n  ".join(warnings) or str(exc)
            raise SiteError(f"MkDocs build failed ({cfg['theme']['language']}): {exc}\n  {detail}") from None
        if warnings:
            raise SiteError("MkDocs warnings:\n  " + "\n  ".join(warnings))


def write_search_script(site_dir: Path) -> None:
    """search_index.js beside search_index.json: Material loads it under file://."""
    index = site_dir / "search" / "search_index.json"
    if index.is_file():
        (site_dir / "search" / "search_index.js").write_text(
            "var __index = " + index.read_text(encoding="utf-8") + ";\n", encoding="utf-8"
        )


# --------------------------------------------------------------------------- the whole site


def _write_pdfs(book: Handbook, out_dir: Path) -> list[str]:
    try:
        from generator.pdf import write_pdfs
    except ModuleNotFoundError as exc:
        if exc.name != "generator.pdf":
            raise
        print("handbook: PDF output is not available yet (generator.pdf missing); site built without PDFs", file=sys.stderr)
        return []
    written = write_pdfs(book, out_dir)
    return sorted(Path(p).resolve().relative_to(out_dir.resolve()).as_posix() for p in written)


def _quiet_jieba() -> None:
    """jieba (Chinese search segmentation) logs four lines on every build; keep warnings only."""
    try:
        import jieba
    except ImportError:
        return
    jieba.setLogLevel(logging.WARNING)


def build_into(
    book: Handbook, root: Path, out: Path, work: Path, *, with_pdf: bool, offline: bool = False, site_url: str | None = None
) -> BuildReport:
    """Build the whole site into `out` (an empty or missing folder), using `work` for scratch."""
    started = time.perf_counter()
    report = BuildReport()
    _quiet_jieba()
    base = read_config(root_config_file(root))
    pdfs: list[str] = []
    pdf_dir = work / "pdf"  # moved in after MkDocs, which empties its site_dir first
    if with_pdf:
        pdfs = _write_pdfs(book, pdf_dir)
        report.pdfs = len(pdfs)
    handwritten = {lang: prepare_docs(book, root, lang, work / "docs" / lang, offline=offline, pdfs=pdfs) for lang in LANGS}
    # Which pages each language has: the language switch keeps the page where the other
    # language has it too, and goes to that language's home page where it does not.
    existing = {lang: {p.relative_to(work / "docs" / lang).as_posix(): True for p in (work / "docs" / lang).rglob("*.md")} for lang in LANGS}
    for lang in LANGS:
        docs_dir = work / "docs" / lang
        lang_site = out / LANG_DIRS[lang]
        cfg = language_config(base, book, lang, docs_dir, lang_site, handwritten[lang], offline=offline, site_url=site_url)
        cfg["extra"]["handbook_pages"] = existing
        macros.use(book, root)
        try:
            build_language(cfg, work / f"mkdocs.{lang}.yml")
        finally:
            macros.use(None, None)
        if offline:
            write_search_script(lang_site)
        report.pages[lang] = sum(1 for _ in lang_site.rglob("*.html"))
    if pdfs:
        os.replace(pdf_dir, out / "pdf")
    report.seconds = time.perf_counter() - started
    return report


def build_site(
    book: Handbook, root: Path, site_dir: Path, with_pdf: bool = False, *, offline: bool = False, site_url: str | None = None
) -> BuildReport:
    """Build both languages (and the PDFs) next to `site_dir`, then swap the result in.

    Until the swap, `site_dir` is not touched; on any exception, including
    KeyboardInterrupt, the scratch folder is removed and the old site stays as it was.
    """
    root = Path(root).resolve()
    site_dir = Path(site_dir).resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.build-", dir=site_dir.parent))
    try:
        out = work / "site"
        report = build_into(book, root, out, work / "scratch", with_pdf=with_pdf, offline=offline, site_url=site_url)
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


def serve(root: Path, addr: str) -> int:
    """Build, serve on `addr`, and rebuild when a YAML file, page or the config changes.

    A rebuild with bad data prints the findings and keeps serving the last good site.
    The browser is not reloaded automatically; reload the page after a change.
    """
    import functools
    import http.server
    import threading

    from generator.pipeline import load_and_check

    root = Path(root).resolve()
    site_dir = root / "site"
    host, _, port = addr.rpartition(":")
    host = host or "127.0.0.1"

    def rebuild() -> None:
        book, findings = load_and_check(root)
        errors = [f for f in findings if f.severity == "error"]
        for f in findings:
            print(f.text(), file=sys.stderr)
        if errors:
            print(f"handbook serve: {len(errors)} error(s); still serving the last good site", file=sys.stderr)
            return
        try:
            report = build_site(book, root, site_dir, with_pdf=False)
            print(f"handbook serve: built in {report.seconds:.1f} s", file=sys.stderr)
        except SiteError as exc:
            print(f"handbook serve: {exc}", file=sys.stderr)

    rebuild()
    site_dir.mkdir(exist_ok=True)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, fmt: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer((host, int(port or 8000)), functools.partial(Handler, directory=str(site_dir)))
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
