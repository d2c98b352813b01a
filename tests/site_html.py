"""Small HTML and CSS readers for the site tests (standard library only)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path


class Page(HTMLParser):
    """Elements with their attributes, the visible text, and matrix cells."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text_parts: list[str] = []
        self.cells: dict[tuple[str, str], tuple[str, list[str]]] = {}
        self.styles: list[str] = []
        self._skip = 0
        self._row: str | None = None
        self._cell: tuple[str, str] | None = None
        self._cell_text: list[str] = []
        self._in_style = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.elements.append((tag, a))
        if tag in ("script", "style"):
            self._skip += 1
            self._in_style = tag == "style"
        if tag == "tr":
            self._row = a.get("data-role")
        if tag == "td" and self._row and "data-kind" in a:
            self._cell = (self._row, a["data-kind"])
            self._cell_text = []
            self.cells[self._cell] = (a.get("data-level", ""), self._cell_text)
        if "style" in a:
            self.styles.append(a["style"])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
            self._in_style = False
        if tag == "td":
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)
        if self._skip:
            return
        self.text_parts.append(data)
        if self._cell is not None:
            self._cell_text.append(data)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def attr(self, tag: str, name: str) -> list[str]:
        return [a[name] for t, a in self.elements if t == tag and name in a]


def read(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def squash(text: str) -> str:
    """Text without any whitespace: compare what a reader sees, not how lines wrap."""
    return re.sub(r"\s+", "", text)


#: Attributes through which a page loads something (not links a reader may follow).
LOADING = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
LOADING_RELS = {
    "stylesheet",
    "icon",
    "preload",
    "prefetch",
    "modulepreload",
    "manifest",
    "preconnect",
    "dns-prefetch",
    "apple-touch-icon",
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""")


def is_foreign(url: str) -> bool:
    url = url.strip().lower()
    return url.startswith(("http:", "https:", "//", "ftp:", "ws:", "wss:"))


def foreign_loads(page: Page) -> list[str]:
    found: list[str] = []
    for tag, attrs in page.elements:
        for name in LOADING.get(tag, ()):
            for part in attrs.get(name, "").split(","):
                if part.strip() and is_foreign(part.strip().split(" ")[0]):
                    found.append(f"<{tag} {name}={attrs[name]!r}>")
        if (
            tag == "link"
            and set(attrs.get("rel", "").lower().split()) & LOADING_RELS
            and is_foreign(attrs.get("href", ""))
        ):
            found.append(f"<link rel={attrs['rel']!r} href={attrs['href']!r}>")
    for style in page.styles:
        found += [u for m in CSS_URL.finditer(style) for u in m.groups() if u and is_foreign(u)]
    return found


def foreign_css(text: str) -> list[str]:
    # Drop comments first: licence headers mention URLs.
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return [u for m in CSS_URL.finditer(text) for u in m.groups() if u and is_foreign(u)]
