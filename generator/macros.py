"""Figures and tables from the data for hand-written pages, rendered in a Jinja sandbox.

Only pages with ``render_macros: true`` in their front matter are rendered as Jinja
(DESIGN pitfall 2); generated pages never are.  They are rendered here, not by
mkdocs-macros: mkdocs-macros uses a plain Jinja environment, in which
``{{ cycler.__init__.__globals__.os.popen('id').read() }}`` runs a command.  Here the
environment is Jinja's ``ImmutableSandboxedEnvironment`` with only ``hb`` (and
``Markup``) in it; attributes that start with ``_`` or ``model_`` (pydantic's own) are
refused, and so is any error: a page that does not render is a finding E965 naming the
page and line, and nothing runs.  :func:`check_page` finds the same problems without
rendering, for ``handbook check``.  Every macro returns text built by
:mod:`generator.pages`, so data is escaped the same way as on generated pages::

    ---
    render_macros: true
    ---
    The handbook describes {{ hb.counts.roles }} roles.
    {{ hb.emergency() }}
    {{ hb.departments() }}
    {{ hb.role("front-desk") }}
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from generator.config_reader import visible
from generator.findings import Finding
from generator.model import Handbook
from generator.positions import Location

_BOOK: Handbook | None = None
_ROOT: Path | None = None


def use(book: Handbook | None, root: Path | None) -> None:
    """Set the handbook the macros read (site_build and the MkDocs hook do, for the build they run)."""
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


# --------------------------------------------------------------------------- the sandbox


class MacroError(Exception):
    """A page that opted into macros does not render; carries the finding (picklable)."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding)
        self.finding = finding

    def __str__(self) -> str:
        return self.finding.text()


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, stricter still: nothing private, nothing of pydantic's machinery."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr.startswith(("_", "model_", "mro")) or attr in {
            "gi_frame",
            "gi_code",
            "cr_frame",
            "f_globals",
            "f_locals",
            "f_builtins",
        }:
            return False
        return super().is_safe_attribute(obj, attr, value)


def _environment() -> _Sandbox:
    """A sandbox without Jinja's default globals (cycler, joiner, namespace, range, lipsum):
    a page gets `hb` and `Markup`, nothing else."""
    env = _Sandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.globals.clear()
    return env


_OPT_IN = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*$", re.DOTALL | re.MULTILINE)
_RENDER = re.compile(r"^render_macros:[ \t]*(?:true|True|TRUE|yes|on)[ \t]*(?:#.*)?$", re.MULTILINE)


def opts_in(text: str) -> bool:
    """Does the page's front matter say `render_macros: true`?"""
    match = _OPT_IN.match(text)
    return bool(match and _RENDER.search(match.group(1)))


def _line_in(template_name: str, exc: BaseException) -> int:
    """The template line an exception was raised at (Jinja keeps it in the traceback)."""
    line = getattr(exc, "lineno", None)
    if isinstance(line, int) and line > 0:
        return line
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename in (template_name, "<template>") and frame.lineno:
            return frame.lineno
    return 1


def _finding(display: str, line: int, exc: BaseException) -> Finding:
    if isinstance(exc, SecurityError):
        what = (
            f"refused by the sandbox: {exc}; a page may use hb.… only (counts, meta, emergency(), departments(),"
            " role(id), procedure(id), text(value))"
        )
    elif isinstance(exc, TemplateSyntaxError):
        what = f"Jinja cannot read this: {exc.message}"
    elif isinstance(exc, UndefinedError):
        what = f"{exc.message}; a page may use hb.… only"
    else:
        what = f"the macro failed: {type(exc).__name__}: {exc}"
    return Finding.at(Location(display, line, 1), "E965", visible(what)[:400] + " (or remove render_macros: true)")


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in node.iter_child_nodes():
        yield from _walk(child)


def check_page(text: str, display: str) -> list[Finding]:
    """Static check of a page that opts into macros: syntax, and private attributes."""
    env = _environment()
    try:
        tree = env.parse(text, name=display)
    except TemplateSyntaxError as exc:
        return [_finding(display, exc.lineno or 1, exc)]
    out = []
    assigned = {n.name for n in _walk(tree) if isinstance(n, nodes.Name) and n.ctx in ("store", "param")}
    for node in _walk(tree):
        name = None
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            name = node.arg.value
        elif (
            isinstance(node, nodes.Filter)
            and node.name == "attr"
            and node.args
            and isinstance(node.args[0], nodes.Const)
        ):
            name = str(node.args[0].value)
        elif (
            isinstance(node, nodes.Name)
            and node.ctx == "load"
            and node.name not in ("hb", "Markup", "loop", "caller", "varargs", "kwargs")
            and node.name not in assigned
        ):
            out.append(_finding(display, node.lineno, UndefinedError(f"'{node.name}' is undefined")))
        if name is not None and not env.is_safe_attribute(object(), name, None):
            out.append(_finding(display, node.lineno, SecurityError(f"access to attribute '{name}' is not allowed")))
    return out


def render_page(markdown: str, conf: Any, page: Any, display: str, line_offset: int = 0) -> str:
    """Render one opted-in page in the sandbox; MacroError (E965) on any failure."""
    env = _environment()
    context = {"hb": Handbook_(_PageEnv(conf, page)), "Markup": Markup}
    try:
        return env.from_string(markdown).render(context)
    except Exception as exc:
        raise MacroError(_finding(display, _line_in(display, exc) + line_offset, exc)) from None


class _PageEnv:
    """What Handbook_ reads of mkdocs-macros' env: the configuration and the page."""

    def __init__(self, conf: Any, page: Any) -> None:
        self.conf = conf
        self.page = page


def sandbox_plugin(display_prefix: str) -> Any:
    """A MkDocs plugin that renders opted-in pages in the sandbox.  Findings name
    `display_prefix` + the page's path (docs/en/ … for `handbook build`)."""
    from mkdocs.plugins import BasePlugin

    class SandboxedMacros(BasePlugin):
        def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Any) -> str:
            if not page.meta.get("render_macros"):
                return markdown
            display = display_prefix + page.file.src_uri
            offset = 0
            try:
                source = Path(page.file.abs_src_path).read_text(encoding="utf-8-sig")
                if source.endswith(markdown):
                    offset = source[: len(source) - len(markdown)].count("\n")
            except (OSError, TypeError, UnicodeDecodeError):
                pass
            return render_page(markdown, config, page, display, offset)

    return SandboxedMacros()
