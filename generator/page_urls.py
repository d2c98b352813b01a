"""Where a generated page lands and how one page links another.

MkDocs gives ``roles/x.md`` the URL ``roles/x/`` (``directory_urls``) or ``roles/x.html``
(the offline copy, opened from disk); every link between generated pages is relative, so the
site works under any sub-path of an intranet server and from file://.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache

from generator.catalogue import LANGS


def page_url(md_path: str, directory_urls: bool) -> str:
    """The URL (relative to the language's site root) MkDocs gives a Markdown file."""
    stem = md_path[:-3]
    if stem == "index" or stem.endswith("/index"):
        folder = stem[: -len("index")]
        return folder if directory_urls else folder + "index.html"
    return stem + "/" if directory_urls else stem + ".html"


@lru_cache(maxsize=65536)
def relative_url(from_md: str, to_md: str, directory_urls: bool, anchor: str = "") -> str:
    """An href from one generated page to another that works from any sub-path or file://."""
    here = page_url(from_md, directory_urls)
    there = page_url(to_md, directory_urls)
    here_dir = here.rstrip("/") if here.endswith("/") or here == "" else posixpath.dirname(here)
    is_dir = there.endswith("/") or there == ""
    rel = posixpath.relpath(there.rstrip("/") or ".", here_dir or ".")
    if is_dir:
        rel = "./" if rel == "." else rel + "/"
    return rel + (f"#{anchor}" if anchor else "")


def root_prefix(from_md: str, directory_urls: bool, lang: str) -> str:
    """The relative path from a page to the root of the whole site (above `en/`)."""
    here = page_url(from_md, directory_urls)
    here_dir = here.rstrip("/") if here.endswith("/") or here == "" else posixpath.dirname(here)
    depth = 0 if not here_dir else here_dir.count("/") + 1
    depth += 0 if lang == LANGS[0] else 1
    return "../" * depth
