"""Handbook → Markdown pages, one set per language, through the Jinja2 templates in
``templates/site/``.

This step knows nothing of MkDocs plugins (DESIGN pitfall 8): it returns plain
``Page(path, text)`` objects and a navigation structure; :mod:`generator.site` writes them
into a docs folder and runs MkDocs.  Every text that comes from YAML goes through
:func:`md_escape` (Markdown context) or :func:`html_escape` (raw-HTML context), so that
``{{ }}``, ``{% %}``, ``<script>``, ``|`` and a leading ``#`` show exactly as typed.  The
Jinja environment escapes every ``{{ … }}`` output by default; only values wrapped in
``Markup`` (built here from escaped parts) pass through unchanged.  The words around the
data, time phrases and the order of roles and procedures come from :mod:`generator.catalogue`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup, escape

from generator.catalogue import (
    FREQUENCY,
    LEVEL,
    LEVEL_MEANING,
    SEVERITY,
    TEMPLATES,
    all_labels,
    duration,
    procedure_labels,
    procedure_order,
    role_order,
)
from generator.catalogue import LANGS as LANGS  # the site modules take it from here
from generator.contacts import contact_lookup
from generator.escalation import escalation_path
from generator.escaping import html_escape, md_escape
from generator.model import FREQUENCIES, LEVELS, Handbook, Procedure, Role, Text
from generator.navigation import navigation as navigation  # site.py and the MkDocs hook take it from here
from generator.page_urls import page_url, relative_url, root_prefix
from generator.pdf.paths import holder

PERIODIC: tuple[str, ...] = tuple(f for f in FREQUENCIES if f != "on-demand")

_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def _safe_id(value: object) -> Markup:
    """An id (already restricted by the model) for anchors, classes and front matter."""
    text = str(value)
    return Markup(text) if _ID.fullmatch(text) else html_escape(text)


def _finalize(value: Any) -> Markup:
    """Runs on every `{{ … }}`: plain values are Markdown-escaped, Markup passes as built."""
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return value
    return Markup(md_escape(value))


@dataclass(frozen=True)
class Page:
    """A generated Markdown file, by its path inside the docs folder."""

    path: str
    text: str
    #: What the page showed, as keys ("role", id), ("reports", id), ("members", dept id),
    #: ("all",): serve renders a page again only when one of them changed (see deps_changed).
    deps: frozenset = field(default=frozenset(), compare=False)


def tel_href(number: object) -> str:
    """A tel: link's target: digits and a leading + only (spaces and hyphens are for reading)."""
    text = str(number).strip()
    return "tel:" + ("+" if text.startswith("+") else "") + re.sub(r"\D", "", text)


# --------------------------------------------------------------------------- model views


def authority_cell(role: Role, kind: str):
    """The role's authority for a kind (the first, if the data gives several)."""
    return next((a for a in role.authorities if a.kind == kind), None)


# --------------------------------------------------------------------------- rendering


@dataclass
class Renderer:
    """Renders every page of one language."""

    book: Handbook
    lang: str
    directory_urls: bool = True
    pdfs: frozenset[str] = frozenset()  # paths under pdf/ that exist, e.g. "zh/roles/x.pdf"
    env: Environment = field(init=False)

    def __post_init__(self) -> None:
        self.L = all_labels()[self.lang]
        # Views asked for on many pages, computed once (a page must not cost O(roles)).
        self._order = role_order(self.book)
        self._by_dept: dict[str, list[Role]] = {}
        self._reports: dict[str, list[Role]] = {}
        for role in self._order:
            self._by_dept.setdefault(role.department, []).append(role)
            if role.reports_to:
                self._reports.setdefault(role.reports_to, []).append(role)
        self._procedures = procedure_order(self.book)
        self._procs_by_role: dict[str, list[Procedure]] = {}
        for proc in self._procedures:
            for owner in dict.fromkeys(s.owner for s in [*proc.steps, *proc.aftercare]):
                self._procs_by_role.setdefault(owner, []).append(proc)
        self._paths: dict[tuple[str, tuple[str, ...]], list] = {}
        self._chains: dict[str, tuple[str, ...]] = {}
        self._deps: set | None = None
        self._anchors: dict[tuple[str, str], str] = {}
        env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=True,  # with _finalize: macros return Markup, data is escaped
            finalize=_finalize,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.filters["t"] = self.t
        env.filters["id"] = _safe_id
        env.tests["dialable"] = lambda number: bool(re.fullmatch(r"\+?[0-9][0-9 -]*", str(number).strip()))
        env.filters["h"] = lambda v: html_escape(self.t(v) if isinstance(v, Text) else v)
        env.filters["part"] = self.part
        env.globals.update(
            L=self.L,
            lang=self.lang,
            book=self.book,
            LEVELS=LEVELS,
            PERIODIC=PERIODIC,
            raw=Markup,
            md_link=self._md_link,
            href=self._href,
            role_link=self._role_link,
            role_links_html=self._role_links_html,
            role_name=self.role_name,
            dept_name=self.dept_name,
            path_html=self._path_html,
            pdf_link=self._pdf_link,
            minutes=lambda n, kind="within_minutes": duration(n, self.lang, kind),
            freq=lambda f: self.t(FREQUENCY[f]),
            level=lambda lv: self.t(LEVEL[lv]),
            level_meaning=lambda lv: self.t(LEVEL_MEANING[lv]),
            severity=lambda sv: self.t(SEVERITY[sv]),
            roles_of=self._roles_of,
            role_order=self._role_order,
            procedure_order=lambda: self._procedures,
            procedures_for_role=lambda r: self._procs_by_role.get(r, []),
            authority_cell=authority_cell,
            escalation=self._escalation,
            direct_reports=self._direct_reports,
            P=procedure_labels()[self.lang],
            tel=tel_href,
            asset=self._asset,
            contact_map=contact_lookup,
        )
        self.env = env

    # ---- what a page depends on (recorded while it renders)

    def _dep(self, *keys: tuple) -> None:
        if self._deps is not None:
            self._deps.update(keys)

    def _roles_of(self, dept_id: str) -> list[Role]:
        members = self._by_dept.get(dept_id, [])
        self._dep(("members", dept_id), *(("role", r.id) for r in members))
        return members

    def _role_order(self) -> list[Role]:
        self._dep(("all",))
        return self._order

    def _direct_reports(self, role_id: str) -> list[Role]:
        subs = self._reports.get(role_id, [])
        self._dep(("reports", role_id), *(("role", r.id) for r in subs))
        return subs

    def _chain(self, role_id: str) -> tuple[str, ...]:
        """The role and everyone above it: an escalation path depends on all of them."""
        if role_id not in self._chains:
            seen: list[str] = []
            rid: str | None = role_id
            while rid and rid not in seen:
                seen.append(rid)
                role = self.book.roles.get(rid)
                rid = role.reports_to if role is not None else None
            self._chains[role_id] = tuple(seen)
        return self._chains[role_id]

    # ---- small helpers used by the templates

    def t(self, value: Text | str | None) -> str:
        if value is None:
            return ""
        if isinstance(value, Text):
            return getattr(value, self.lang)
        return str(value)

    def part(self, document: str) -> str:
        """The source's part name in the page's language: 篇1 stays 篇1, in English "Part 1"."""
        return re.sub(r"篇(\d+)", lambda m: self.L["part"].format(n=m.group(1)), document)

    def _escalation(self, owner: str, explicit) -> list:
        key = (owner, tuple(explicit))
        if self._deps is not None:
            for rid in (owner, *explicit):
                self._dep(*(("role", r) for r in self._chain(rid)))
        if key not in self._paths:
            self._paths[key] = escalation_path(self.book, owner, list(explicit)).hops
        return self._paths[key]

    def role_name(self, role_id: str) -> str:
        self._dep(("role", role_id))
        role = self.book.roles.get(role_id)
        return self.t(role.title) if role else role_id

    def dept_name(self, dept_id: str) -> str:
        dept = self.book.departments.get(dept_id)
        return self.t(dept.name) if dept else dept_id

    @pass_context
    def _asset(self, ctx, name: str) -> str:
        """A relative link from this page to one of the handbook's assets (works from file://)."""
        here = page_url(ctx["here"], self.directory_urls)
        depth = (
            here.count("/")
            if here.endswith("/")
            else posixpath.dirname(here).count("/") + (1 if posixpath.dirname(here) else 0)
        )
        return "../" * depth + "assets/handbook/" + name

    @pass_context
    def _md_link(self, ctx, text: object, target: str, anchor: str = "") -> Markup:
        """A Markdown link to another page; MkDocs validates it in strict mode."""
        rel = posixpath.relpath(target, posixpath.dirname(ctx["here"]) or ".")
        return Markup(f"[{md_escape(text)}]({rel}{'#' + anchor if anchor else ''})")

    @pass_context
    def _href(self, ctx, target: str, anchor: str = "") -> Markup:
        return Markup(escape(relative_url(ctx["here"], target, self.directory_urls, anchor)))

    @pass_context
    def _role_link(self, ctx, role_id: str) -> Markup:
        if role_id not in self.book.roles:
            return Markup(md_escape(role_id))
        return self._md_link(ctx, self.role_name(role_id), f"roles/{role_id}.md")

    def _role_anchor(self, here: str, rid: str) -> str:
        self._dep(("role", rid))
        key = (here, rid)
        if key not in self._anchors:
            if rid in self.book.roles:
                url = escape(relative_url(here, f"roles/{rid}.md", self.directory_urls))
                self._anchors[key] = f'<a href="{url}">{html_escape(self.role_name(rid))}</a>'
            else:
                self._anchors[key] = str(html_escape(rid))
        return self._anchors[key]

    @pass_context
    def _role_links_html(self, ctx, role_ids: Iterable[str], sep: str | None = None) -> Markup:
        sep = self.L["list_sep"] if sep is None else sep  # 、 between Chinese names
        parts = [self._role_anchor(ctx["here"], rid) for rid in role_ids]
        return Markup(html_escape(sep).join(Markup(p) for p in parts)) if parts else Markup(html_escape(self.L["none"]))

    @pass_context
    def _path_html(self, ctx, hops) -> Markup:
        """An escalation path as linked role names joined by arrows."""
        if not hops:
            return Markup(html_escape(self.L["none"]))
        return Markup(" → ").join(self._role_links_html(ctx, [h.role]) for h in hops)

    @pass_context
    def _pdf_link(self, ctx, rel: str, label: str) -> Markup:
        """A link to a PDF under the site's pdf/ folder, only if that PDF was written (a
        group's set holds a role in one bilingual file: generator/pdf/paths.py)."""
        rel = holder(rel, self.pdfs) or ""
        if not rel:
            return Markup("")
        url = root_prefix(ctx["here"], self.directory_urls, self.lang) + "pdf/" + rel
        return Markup(f'<a class="md-button hb-pdf" href="{escape(url)}" download>{html_escape(label)}</a>')

    # ---- pages

    def render(self, template: str, here: str, **context: Any) -> Page:
        self._deps = set()
        try:
            text = self.env.get_template(template).render(here=here, **context)
            return Page(here, text, frozenset(self._deps) | _context_deps(context))
        finally:
            self._deps = None

    def jobs(self, with_home: bool = True) -> list[tuple[str, str, dict[str, Any]]]:
        """Every page of the language as (template, path, context), in a fixed order.

        The paths alone (:func:`page_paths`) are known without rendering anything: the
        language switch and the parallel build need them before the pages exist.
        """
        book = self.book
        out: list[tuple[str, str, dict[str, Any]]] = []
        if with_home:
            out.append(("home.md.j2", "index.md", {}))
        out.append(("roles_index.md.j2", "roles/index.md", {}))
        out.append(("departments_index.md.j2", "departments/index.md", {}))
        for dept in book.departments.values():
            out.append(("department.md.j2", f"departments/{dept.id}.md", {"dept": dept}))
        for role in self._order:
            out.append(("role.md.j2", f"roles/{role.id}.md", {"role": role}))
            out.append(("checklist.md.j2", f"checklists/{role.id}.md", {"role": role}))
        out.append(("checklists_index.md.j2", "checklists/index.md", {}))
        out.append(("procedures_index.md.j2", "procedures/index.md", {}))
        for proc in self._procedures:
            out.append(("procedure.md.j2", f"procedures/{proc.id}.md", {"proc": proc}))
        # The permission matrix and the overviews of every duty and every escalation
        # path: one page while the handbook is small, an index and a page per department
        # once it is not, so that no page grows with the organisation.
        split = split_overviews(book)
        staffed = [d for d in book.departments.values() if self._by_dept.get(d.id)]
        out.append(
            ("matrix.md.j2", "matrix/index.md", {"roles": [] if split else self._order, "dept": None, "split": split})
        )
        for dept in staffed:
            out.append(
                (
                    "matrix.md.j2",
                    f"matrix/{dept.id}.md",
                    {"roles": self._by_dept[dept.id], "dept": dept, "split": split},
                )
            )
        for template, folder in (
            ("responsibilities.md.j2", "responsibilities"),
            ("escalation.md.j2", "organisation/escalation"),
        ):
            out.append((template, f"{folder}.md", {"depts": staffed, "split": split, "dept": None, "procs": not split}))
            if split:
                for dept in staffed:
                    out.append(
                        (
                            template,
                            f"{folder}/{dept.id}.md",
                            {"depts": [dept], "split": False, "dept": dept, "procs": False},
                        )
                    )
        if split and book.procedures:
            out.append(
                ("responsibilities.md.j2", RESP_PROCEDURES, {"depts": [], "split": False, "dept": None, "procs": True})
            )
        out.append(("chart.md.j2", "organisation/chart.md", {}))
        out.append(("glossary.md.j2", "glossary.md", {}))
        return out

    def pages(self, with_home: bool = True, only: set[str] | None = None) -> list[Page]:
        return [self.render(t, path, **ctx) for t, path, ctx in self.jobs(with_home) if only is None or path in only]


def _context_deps(context: dict[str, Any]) -> frozenset:
    """What a page shows of the objects it was given: its role; its department's roles;
    anything else given (the whole matrix, an overview) depends on every role."""
    if "role" in context:
        return frozenset({("role", context["role"].id)})
    if context.get("dept") is not None and ("roles" in context or "depts" in context):
        return frozenset({("members", context["dept"].id)})
    if {"dept", "proc"} & set(context):
        return frozenset()
    return frozenset({("all",)})


def deps_changed(old: Handbook, new: Handbook) -> frozenset | None:
    """The dependency keys a change of the data invalidates; None: every page.

    Only changes of roles are followed page by page (the usual edit while serving);
    a change of a department, procedure, authority kind, term or the handbook's meta
    data renders every page again (their text is written only where it changed).
    """
    for name in ("meta", "departments", "kinds", "terms", "procedures"):
        if getattr(old, name) != getattr(new, name):
            return None
    if old.roles.keys() != new.roles.keys():
        return None
    keys: set = {("all",)}
    for rid, role in new.roles.items():
        before = old.roles[rid]
        if before == role:
            continue
        keys.add(("role", rid))
        for r in (before, role):
            keys.add(("members", r.department))
            if r.reports_to:
                keys.add(("reports", r.reports_to))
    return frozenset(keys)


#: The emergency steps' part of a split responsibilities overview (ids cannot start with "_").
RESP_PROCEDURES = "responsibilities/_procedures.md"
#: Above this many roles the responsibilities and escalation overviews are split into an
#: index and one page per department (the real handbook, 29 roles, keeps one page each).
SPLIT_OVERVIEWS_ABOVE = 60


def split_overviews(book: Handbook) -> bool:
    return len(book.roles) > SPLIT_OVERVIEWS_ABOVE


def page_paths(book: Handbook, lang: str = "zh", *, with_home: bool = True) -> list[str]:
    """The paths of every generated page, without rendering them."""
    return [path for _, path, _ in Renderer(book, lang).jobs(with_home)]


def render_pages(
    book: Handbook,
    lang: str,
    *,
    directory_urls: bool = True,
    pdfs: Iterable[str] = (),
    with_home: bool = True,
    only: set[str] | None = None,
) -> list[Page]:
    """Every generated page of one language (or those of `only`, by path)."""
    return Renderer(book, lang, directory_urls, frozenset(pdfs)).pages(with_home=with_home, only=only)
