"""One language's MkDocs build, strict, and what MkDocs says turned into findings.

MkDocs reports a broken link or a refused setting through logging; :func:`build_language`
collects those messages, and a build with any warning fails (strict).  Where a message
names a page and a link, or a setting, it becomes a finding at the line of the page
(E964) or the key in the root's mkdocs.yml (E950), so that a maintainer can act on it.

The plugins the handbook adds to every build: the sidebar of the page's own department
(:func:`sidebar_plugin`), the staff search (:mod:`generator.search`, in place of
Material's) and the sandboxed renderer of opted-in pages (:mod:`generator.macros`).
"""

from __future__ import annotations

import copy
import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator import macros
from generator.site_config import SiteError, SiteFindings


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


class _DirtyNotice(logging.Filter):
    """MkDocs warns on every dirty build that navigation may be stale; serve's rebuild
    decides itself which pages to render again (generator.site_live), and strict mode
    would count the notice as a failure."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def build_language(
    cfg: dict[str, Any], config_path: Path, *, root: Path, dirty: bool = False, search_plugin: Any = None
) -> None:
    """Run MkDocs' build on a derived configuration, strict: any warning is a failure.

    `config_path` is where the derived configuration would be (MkDocs resolves relative
    paths from it); `root` is the handbook root whose mkdocs.yml a refused setting is
    reported in."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

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
            _raise_config_findings([*warnings, str(exc)], root)
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


def _raise_config_findings(messages: list[str], root: Path) -> None:
    """MkDocs' refusals of a setting ("Config value 'site_url': …"), as E950 at the key in the
    root's mkdocs.yml, looked up by the strict reader."""
    from generator.config_reader import config_file, visible
    from generator.findings import Finding
    from generator.positions import Location
    from generator.yaml_reader import read_yaml

    source = config_file(root)
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
