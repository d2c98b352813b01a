"""mkdocs-macros entry point: figures and tables from the data for hand-written pages.

Only pages with ``render_macros: true`` in their front matter are rendered as Jinja
(``render_by_default: false``, DESIGN pitfall 2); generated pages never are.  Every
macro returns text built by :mod:`generator.pages`, so data is escaped the same way as
on generated pages.  Usage in a hand-written page::

    ---
    render_macros: true
    ---
    The handbook describes {{ hb.counts.roles }} roles.
    {{ hb.emergency() }}
    {{ hb.departments() }}
    {{ hb.role("front-desk") }}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markupsafe import Markup

from generator.model import Handbook

_BOOK: Handbook | None = None
_ROOT: Path | None = None


def use(book: Handbook | None, root: Path | None) -> None:
    """Set the handbook the macros read (site.py does, for the build it runs)."""
    global _BOOK, _ROOT
    _BOOK, _ROOT = book, root


def _book(config_dir: Path) -> Handbook:
    """The handbook of the running build, or (for a plain `mkdocs serve`) the root's."""
    if _BOOK is not None:
        return _BOOK
    from generator.pipeline import load_and_check

    book, findings = load_and_check(config_dir)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise ValueError("handbook data has errors; run `handbook check`:\n" + "\n".join(f.text() for f in errors[:20]))
    return book


class Handbook_:
    """What `hb` gives a page: counts, and snippets rendered for the current page."""

    def __init__(self, env: Any) -> None:
        self._env = env

    def _renderer(self):
        from generator.pages import Renderer

        conf = self._env.conf
        book = _book(Path(conf["config_file_path"]).parent)
        lang = conf["extra"].get("handbook_lang") or conf["theme"]["language"]
        return Renderer(book, lang, directory_urls=bool(conf["use_directory_urls"]))

    def _here(self) -> str:
        page = self._env.page
        return page.file.src_uri if page is not None else "index.md"

    def _snippet(self, name: str, **context: Any) -> str:
        renderer = self._renderer()
        return renderer.render(f"snippets/{name}.md.j2", self._here(), **context).text

    @property
    def counts(self) -> dict[str, int]:
        book = _book(Path(self._env.conf["config_file_path"]).parent)
        return {
            "roles": len(book.roles),
            "departments": len(book.departments),
            "procedures": len(book.procedures),
            "duties": sum(len(r.duties) for r in book.roles.values()),
            "authorities": sum(len(r.authorities) for r in book.roles.values()),
            "kinds": len(book.kinds),
            "terms": len(book.terms),
            "source_roles": sum(1 for r in book.roles.values() if r.from_source),
        }

    @property
    def meta(self):
        return _book(Path(self._env.conf["config_file_path"]).parent).meta

    def emergency(self) -> str:
        """The emergency procedures as big buttons (for the home page)."""
        return self._snippet("emergency")

    def departments(self) -> str:
        """A table of departments with their head and number of roles."""
        return self._snippet("departments")

    def role(self, role_id: str) -> str:
        """A link to a role, by id, with its title in the page's language."""
        return self._snippet("role_link", role_id=role_id).strip()

    def procedure(self, proc_id: str) -> str:
        return self._snippet("procedure_link", proc_id=proc_id).strip()

    def text(self, value: Any) -> str:
        """A data text, escaped for Markdown."""
        from generator.pages import md_escape

        renderer = self._renderer()
        return md_escape(renderer.t(value))


def define_env(env: Any) -> None:
    """mkdocs-macros calls this once per build."""
    env.variables["hb"] = Handbook_(env)
    env.variables["Markup"] = Markup
