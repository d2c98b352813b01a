"""What the staff search finds, built from the typed model: one ``Record`` per role, duty, step, answer or term.

Built from the model rather than from scraped HTML, so that a result lands on the right
anchor and carries no editor's notes:

* roles (title, post number, purpose), each duty (anchor ``duty-<id>``), the authorities,
  requirements and standards; procedures, each step, the contacts, the ladder;
* one *answer* per permission kind: "who may …" with the roles that hold it and their
  level, found by the kind's words and showing the roles;
* glossary terms and departments;
* the glossary's synonym groups, which expand a query (elevator ↔ lift, 电梯 ↔ 升降梯).

The records of hand-written pages come from their rendered HTML, in the plugin
(:mod:`generator.search`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from generator.model import Handbook, Role, Text

LEVEL_RANK = {"decide": 0, "approve": 1, "propose": 2, "execute": 3, "informed": 4}


@dataclass
class Record:
    """One search result: a page or a part of a page."""

    page: str  # the page's path without .md, e.g. "roles/front-desk-dispatcher"
    anchor: str
    title: str
    text: str
    #: (text, boost) pairs that are searched but not shown (keywords, the holders of a kind).
    extra: list[tuple[str, float]] = field(default_factory=list)
    boost: float = 1.0
    #: For a "who may" answer: (page, title, level label) of the roles holding the kind.
    holders: list[list[str]] = field(default_factory=list)
    kind: str = ""
    #: The text is shown but not searched (a "who may" answer's list of holders and levels:
    #: "approve" in a question must not find every kind that someone approves).
    text_shown_only: bool = False

    @property
    def group(self) -> str:
        """Results are grouped by page; each "who may" answer is a group of its own."""
        return f"{self.page}#{self.anchor}" if self.kind == "kind" else self.page


def _t(value: Text | str | None, lang: str) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else getattr(value, lang)


def _items_text(items: Iterable[Any], lang: str) -> str:
    """Sub-items of a duty, without their notes."""
    parts = []
    for item in items:
        parts.append(((item.label + " ") if item.label else "") + _t(item.text, lang))
        parts.append(_items_text(item.items, lang))
    return " ".join(p for p in parts if p)


def _labels(lang: str) -> dict[str, str]:
    from generator.pages import all_labels

    return all_labels()[lang]


def role_records(book: Handbook, role: Role, lang: str) -> list[Record]:
    L = _labels(lang)
    page = f"roles/{role.id}"
    title = _t(role.title, lang)
    dept = book.departments.get(role.department)
    extra = [(role.code or "", 3.0), (_t(dept.name, lang) if dept else "", 0.5)]
    out = [Record(page, "", title, _t(role.purpose, lang), extra, boost=2.0, kind="role")]
    for duty in role.duties:
        heading = f"{L['duties']} {duty.label}" if duty.label else L["duties"]
        text = _t(duty.text, lang) + " " + _items_text(duty.items, lang)
        out.append(Record(page, f"duty-{duty.id}", heading, text.strip(), [(title, 0.3)], kind="duty"))
    for auth in role.authorities:
        kind = book.kinds.get(auth.kind)
        heading = f"{L['authorities']}: {_t(kind.title, lang) if kind else auth.kind} · {L['level_' + auth.level]}"
        out.append(Record(page, "authorities", heading, _t(auth.text, lang), [(title, 0.3)], kind="authority"))
    for key, items in (("requirements", role.requirements), ("standards", role.standards)):
        if items:
            text = " ".join(((s.label + " ") if s.label else "") + _t(s.text, lang) for s in items)
            out.append(Record(page, key, L[key], text, [(title, 0.3)], kind=key))
    return out


def procedure_records(book: Handbook, proc: Any, lang: str) -> list[Record]:
    L = _labels(lang)
    page = f"procedures/{proc.id}"
    title = _t(proc.title, lang)
    text = _t(proc.trigger, lang) + " " + _t(proc.from_source, lang)
    out = [Record(page, "", title, text.strip(), [(L["emergency"], 0.5)], boost=2.5, kind="procedure")]
    for prefix, steps in (("step", proc.steps), ("after", proc.aftercare)):
        for step in steps:
            owner = book.roles.get(step.owner)
            extra = [(title, 0.3), (_t(owner.title, lang) if owner else "", 0.3)]
            heading = L["steps"] if prefix == "step" else L["aftercare"]
            out.append(Record(page, f"{prefix}-{step.id}", heading, _t(step.text, lang), extra, kind="step"))
    if proc.contacts:
        text = " · ".join(f"{_t(c.name, lang)} {c.number}" for c in proc.contacts)
        out.append(Record(page, "contacts", L["contacts"], text, [(title, 0.3)], kind="contacts"))
    if proc.escalation:
        text = " ".join(_t(r.condition, lang) for r in proc.escalation)
        out.append(Record(page, "ladder", L["ladder"], text, [(title, 0.3)], kind="ladder"))
    return out


def kind_records(book: Handbook, lang: str) -> list[Record]:
    """One answer per permission kind: who holds it, at which level (best level first)."""
    L = _labels(lang)
    holders: dict[str, list[tuple[int, Role, str]]] = defaultdict(list)
    for role in book.roles.values():
        for auth in role.authorities:
            holders[auth.kind].append((LEVEL_RANK.get(auth.level, 9), role, auth.level))
    who = "谁可以" if lang == "zh" else "Who may"
    out = []
    for kind in book.kinds.values():
        found = sorted(holders.get(kind.id, []), key=lambda h: (h[0], h[1].id))
        if not found:
            continue
        first = found[0][1]
        shown = [[f"roles/{r.id}", _t(r.title, lang), L["level_" + lv]] for _, r, lv in found[:6]]
        sep = "、" if lang == "zh" else "; "
        text = sep.join(f"{t} ({lv})" if lang == "en" else f"{t}（{lv}）" for _, t, lv in shown)
        if len(found) > len(shown):
            text += f" … (+{len(found) - len(shown)})"
        title = f"{who}{'：' if lang == 'zh' else ': '}{_t(kind.title, lang)}"
        extra = [(_t(kind.description, lang), 0.6)]
        out.append(
            Record(
                f"matrix/{first.department}",
                f"kind-{kind.id}",
                title,
                text,
                extra,
                boost=2.0,
                holders=shown,
                kind="kind",
                text_shown_only=True,
            )
        )
    return out


def glossary_records(book: Handbook, lang: str) -> list[Record]:
    out = []
    for term in book.terms:
        head, other = (term.zh, term.en) if lang == "zh" else (term.en, term.zh)
        words = [*term.also, *getattr(term, "synonyms", [])]
        text = " ".join([other, *words, _t(term.note, lang)])
        out.append(Record("glossary", f"term-{term.id}", head, text.strip(), boost=0.6, kind="term"))
    return out


def department_records(book: Handbook, lang: str) -> list[Record]:
    return [
        Record(f"departments/{d.id}", "", _t(d.name, lang), _t(d.description, lang), boost=1.2, kind="department")
        for d in book.departments.values()
    ]


def model_records(book: Handbook, lang: str) -> list[Record]:
    out: list[Record] = []
    for role in book.roles.values():
        out += role_records(book, role, lang)
    for proc in book.procedures.values():
        out += procedure_records(book, proc, lang)
    out += kind_records(book, lang)
    out += department_records(book, lang)
    out += glossary_records(book, lang)
    return out


def synonym_groups(book: Handbook) -> list[list[str]]:
    """Each glossary term's words in both languages: one group of interchangeable words."""
    groups = []
    for term in book.terms:
        words = [term.zh, term.en, *term.also, *getattr(term, "synonyms", [])]
        seen = list(dict.fromkeys(w.strip() for w in words if w and w.strip()))
        if len(seen) > 1:
            groups.append(seen)
    return groups
