"""The MkDocs navigation of one language: which page sits under which section title.

The generated pages (:mod:`generator.pages`) and the hand-written ones under docs/ are grouped
so that a page carries the links of its own section only (DESIGN pitfall 4).
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.catalogue import labels, procedure_order, role_order
from generator.escaping import html_escape
from generator.model import Handbook, Role, Text

#: Folders of hand-written pages and their section titles (label keys).
HANDWRITTEN_SECTIONS = {"guides": "guides", "about": "about", "reference": "reference", "maintainers": "maintainers"}


def navigation(book: Handbook, lang: str, handwritten: Iterable[str]) -> list:
    """The MkDocs `nav`, grouped so that a page carries the links of its own section only.

    Roles are grouped by department; with `navigation.prune` a page renders the links of
    its own top-level section only, and the site's sidebar plugin (generator.site) drops
    the other departments' sections from it, so a role page carries the links of its
    department, not of the whole handbook (DESIGN pitfall 4); the department list is the
    departments page.  Checklists, per-department matrices and overviews are reached from
    their index pages, not listed in the nav.
    """
    L = labels(lang)
    hand = sorted(p for p in handwritten if p != "index.md")
    nav: list = [{L["home"]: "index.md"}]
    # Titles are given, not left to MkDocs to read from each page: a rebuild that renders
    # only the changed pages (serve) still shows every other page's title in the sidebar.
    # Material prints nav titles as raw HTML: they are escaped.
    procs = [{L["overview"]: "procedures/index.md"}]
    procs += [{_nav_title(p.title, lang): f"procedures/{p.id}.md"} for p in procedure_order(book)]
    nav.append({L["emergency"]: procs})
    roles_nav: list = [{L["roles_all"]: "roles/index.md"}, {L["departments"]: "departments/index.md"}]
    by_dept: dict[str, list[Role]] = {}
    for role in role_order(book):
        by_dept.setdefault(role.department, []).append(role)
    for dept in book.departments.values():
        name = _nav_title(dept.name, lang)  # Material prints section titles as raw HTML
        roles_nav.append(
            {
                name: [{L["overview"]: f"departments/{dept.id}.md"}]
                + [{_nav_title(r.title, lang): f"roles/{r.id}.md"} for r in by_dept.get(dept.id, [])]
            }
        )
    nav.append({L["roles"]: roles_nav})
    nav.append({L["matrix"]: "matrix/index.md"})
    nav.append({L["responsibilities"]: "responsibilities.md"})
    nav.append({L["checklists"]: "checklists/index.md"})
    org: list = [{L["org_chart"]: "organisation/chart.md"}, {L["escalation_paths"]: "organisation/escalation.md"}]
    org += [p for p in hand if p.startswith("organisation/")]
    org += [p for p in hand if p.startswith("about/")]
    nav.append({L["organisation"]: org})
    nav.append({L["glossary"]: "glossary.md"})
    used = {p for p in hand if p.startswith(("organisation/", "about/"))}
    for folder, key in HANDWRITTEN_SECTIONS.items():
        if folder == "about":
            continue
        members = [p for p in hand if p.startswith(folder + "/")]
        used.update(members)
        if members:
            nav.append({L[key]: _index_first(members)})
    # Anything else hand-written: top-level pages, then other folders by name.
    for p in hand:
        if p not in used and "/" not in p:
            nav.append(p)
            used.add(p)
    others: dict[str, list[str]] = {}
    for p in hand:
        if p not in used:
            others.setdefault(p.split("/", 1)[0], []).append(p)
    for folder, pages in sorted(others.items()):
        nav.append({folder.replace("-", " ").capitalize(): _index_first(pages)})
    return nav


def _nav_title(text: Text, lang: str) -> str:
    return str(html_escape(getattr(text, lang)))


def _index_first(paths: list[str]) -> list[str]:
    return sorted(paths, key=lambda p: (not p.endswith("index.md"), p.count("/"), p))
