"""The MkDocs configuration of each language, derived from the root ``mkdocs.yml``.

The root file is read by the handbook's strict reader (:mod:`generator.config_reader`; never
by MkDocs' loader, which builds Python objects from tags) and merged with the packaged
defaults it INHERITs.  :func:`language_config` then sets what the two builds differ in: the
docs and site folders, ``theme.language``, the navigation, the heading permalinks' title and
the other language's address (``extra.alternate``).  Material's search and the ``macros``
entry are taken out: the handbook's own search (:mod:`generator.search`) and sandboxed
renderer (:mod:`generator.macros`) are registered by :mod:`generator.site_mkdocs` instead.
"""

from __future__ import annotations

import copy
import html
from pathlib import Path
from typing import Any

from generator.model import Handbook
from generator.pages import LANGS, all_labels, navigation

PACKAGE = Path(__file__).parent
ASSETS = PACKAGE / "assets"
OVERRIDES = PACKAGE / "templates" / "site" / "overrides"
BASE_CONFIG = PACKAGE / "templates" / "site" / "mkdocs.base.yml"
ASSET_PREFIX = "assets/handbook"
#: Where each language lives, relative to the whole site's root.
LANG_DIRS = {"zh": "", "en": "en/"}
#: What a site is built from, relative to the root (what `handbook serve` watches).
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


def root_config_file(root: Path) -> Path:
    """The root's mkdocs.yml, or the packaged defaults for a root without one."""
    from generator.config_reader import config_file

    return config_file(root) or BASE_CONFIG


def read_config(path: Path) -> dict[str, Any]:
    """The configuration MkDocs is given: the packaged defaults, or a root's mkdocs.yml read
    by the strict reader and merged with the defaults it INHERITs."""
    from generator.config_reader import base_config, read_site_config

    if Path(path) == BASE_CONFIG:
        return base_config()
    config = read_site_config(Path(path).parent)
    if config.data is None:
        raise SiteFindings([f for f in config.findings if f.severity == "error"])
    return config.data


def alternate(lang: str) -> list[dict[str, str]]:
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
    # The offline copy (file://) needs file URLs, and that is all it needs of MkDocs: the
    # staff search loads its index with <script> tags and starts no Web Worker (measured in
    # Chromium from file://: search, language switch and run mode work, no worker is made).
    # Material's `offline` plugin is not used: it sets file URLs too, but adds a polyfill
    # loaded from unpkg.com (another host, blocked on an intranet) for a lunr worker the
    # handbook does not start, and inlines a lunr index it does not write.
    cfg["use_directory_urls"] = not offline
    theme = dict(cfg.get("theme") or {"name": "material"})
    theme["language"] = lang
    theme["font"] = False
    theme["custom_dir"] = str(OVERRIDES)
    cfg["theme"] = theme
    extra = dict(cfg.get("extra") or {})
    extra["alternate"] = alternate(lang)
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
    # `macros` in mkdocs.yml means: render the opted-in pages (render_macros: true); the
    # sandbox of generator.macros does it for every build, so the entry itself is dropped.
    entries = [p for p in (cfg.get("plugins") or ["search"]) if _plugin_name(p) != "macros"]
    plugins = [{_plugin_name(p): dict(_plugin_options(p))} for p in entries]
    cfg["plugins"] = [p for p in plugins if next(iter(p)) not in ("search", "material/search")]
    extra["handbook_search"] = len(plugins) > len(cfg["plugins"])  # generator.search replaces Material's
    cfg["strict"] = True
    return cfg


def _plugin_name(entry: Any) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


def _plugin_options(entry: Any) -> dict[str, Any]:
    return {} if isinstance(entry, str) else dict(next(iter(entry.values())) or {})


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
