"""`handbook diff`: the changes inside one document (a role, a procedure, an org file), worded for
a reviewer, and how the report names roles, paths and texts.

The report is English, for maintainers: a changed value (a level, a frequency, a number of
minutes) is shown as the YAML writes it, since that is what the reviewer edits; a summary of an
added item words its time limits as the handbook does (generator.catalogue).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from generator.catalogue import duration
from generator.diff_match import Key, entity_of, flatten, item_renames, main_text, rekey, renamed, top_level
from generator.escalation import escalation_path
from generator.escaping import code_text, report_md
from generator.model import Handbook, Procedure, Role, Text


@dataclass
class Report:
    old: Handbook
    new: Handbook
    role_renames: dict[str, str] = field(default_factory=dict)  # old id → new id
    proc_renames: dict[str, str] = field(default_factory=dict)
    #: (document kind, new document id, "field:old item id") → "field:new item id"
    item_renames: dict[tuple[str, str, str], str] = field(default_factory=dict)
    stale: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] += n


def bilingual(text: Text | None) -> str:
    if text is None:
        return ""
    return f"{report_md(text.zh)} / {report_md(text.en)}"


def role_name(book: Handbook, rid: str) -> str:
    role = book.roles.get(rid)
    if role is None:
        return f"`{code_text(rid)}` (unknown role)"
    return f"{report_md(role.title.zh)} ({report_md(role.title.en)})"


def role_head(role: Role) -> str:
    return f"{bilingual(role.title)} (`{role.id}`)"


def proc_head(proc: Procedure) -> str:
    return f"{bilingual(proc.title)} (`{proc.id}`)"


def path_text(book: Handbook, hops: list[str]) -> str:
    return " → ".join(role_name(book, h) for h in hops) if hops else "(no one: the top decides)"


ROLE_REF_FIELDS = {"reports_to", "owner", "escalate_to", "notify", "head"}


def document_changes(
    report: Report,
    where: str,
    old: BaseModel,
    new: BaseModel,
    old_book: Handbook,
    new_book: Handbook,
    doc_kind: str = "",
) -> list[str]:
    """Bullet lines for the changes inside one document (a role, a procedure, an org file)."""
    old_flat, new_flat = flatten(old), flatten(new)
    renames = item_renames(old_flat, new_flat)
    for old_key, new_key in renames.items():
        if doc_kind and len(old_key) == 2:
            report.item_renames[(doc_kind, str(getattr(new, "id", "")), ":".join(old_key))] = ":".join(new_key)
    old_flat = rekey(old_flat, renames)
    lines: list[str] = []
    for old_key, new_key in renames.items():
        kind = old_flat.entities.get(new_key, ("item",))[0]
        lines.append(f"- {kind} id changed: `{old_key[-1]}` → `{new_key[-1]}` (same text)")

    added = top_level([k for k in new_flat.entities if k not in old_flat.entities])
    removed = top_level([k for k in old_flat.entities if k not in new_flat.entities])
    for key in added:
        kind, model = new_flat.entities[key]
        lines.append(f"- **added {kind}** `{key[-1]}`: {_entity_summary(model, new_book, new, kind)}")
        if kind == "duty":
            report.count("duty added")
    for key in removed:
        kind, model = old_flat.entities[key]
        lines.append(f"- **removed {kind}** `{key[-1]}`: {_entity_summary(model, old_book, old, kind)}")
        if kind == "duty":
            report.count("duty removed")

    inside = lambda k: any(k[: len(a)] == a for a in added) or any(k[: len(r)] == r for r in removed)  # noqa: E731
    changed: dict[Key, dict[Key, tuple[Any, Any]]] = defaultdict(dict)
    entities = set(old_flat.entities) | set(new_flat.entities)
    for key in sorted(set(old_flat.values) | set(new_flat.values)):
        before, after = old_flat.values.get(key), new_flat.values.get(key)
        if key[-1] in ROLE_REF_FIELDS:  # a reference to a renamed role is not a change
            before = renamed(before, report.role_renames)
        if before == after or inside(key) or (key[-1] == "id" and key[:-1] in entities):
            continue
        ent = entity_of(key, entities)
        changed[ent][key[len(ent) :]] = (before, after)
    for ent, fields in changed.items():
        kind = (new_flat.entities.get(ent) or old_flat.entities.get(ent) or ("",))[0]
        head = f"{kind} `{ent[-1]}`" if ent else ""
        lines += _field_changes(report, where, head, kind, fields, old_book, new_book, new_flat.values, ent)
    return lines


def _entity_summary(model: Any, book: Handbook, doc: BaseModel, kind: str) -> str:
    text = main_text(model)
    out = bilingual(text) if text else ""
    extra = []
    if getattr(model, "frequency", None) and model.frequency != "on-demand":
        extra.append(model.frequency)
    if getattr(model, "kind", None) and kind == "authority":
        extra.append(f"{model.kind}: {model.level}")
    if getattr(model, "owner", None):
        extra.append(f"owner {role_name(book, model.owner)}")
    if kind in ("duty", "authority", "step", "aftercare step"):
        owner = model.owner if kind.endswith("step") else getattr(doc, "id", "")
        if owner in book.roles:
            extra.append(
                "escalates to "
                + path_text(book, [h.role for h in escalation_path(book, owner, model.escalate_to).hops])
            )
    if getattr(model, "notify", None):
        extra.append(
            f"{duration(model.after_minutes, 'en', 'after_minutes')} notify "
            + ", ".join(role_name(book, r) for r in model.notify)
        )
    return out + (f" ({'; '.join(extra)})" if extra else "")


def _field_changes(
    report: Report,
    where: str,
    head: str,
    kind: str,
    fields: dict[Key, tuple[Any, Any]],
    old_book: Handbook,
    new_book: Handbook,
    current: dict[Key, Any],
    ent: Key,
) -> list[str]:
    lines: list[str] = []
    texts: dict[Key, dict[str, tuple[Any, Any]]] = defaultdict(dict)
    for key, change in fields.items():
        if key and key[-1] in ("zh", "en"):
            texts[key[:-1]][key[-1]] = change
        else:
            lines.append(
                f"- {head + ' ' if head else ''}{_label(key)}: "
                f"{value_text(key, change[0], old_book, new_book)} → {value_text(key, change[1], new_book, old_book)}"
            )
    for tkey, langs in texts.items():
        name = f"{head + ' ' if head else ''}{_label(tkey)}".strip()
        both_sides = all(v is not None for pair in langs.values() for v in pair)
        verb = (
            "reworded"
            if both_sides
            else (
                "added"
                if all(p[0] is None for p in langs.values())
                else ("removed" if all(p[1] is None for p in langs.values()) else "changed")
            )
        )
        lines.append(f"- {name} {verb}:")
        for lang in ("zh", "en"):
            if lang in langs:
                before, after = langs[lang]
                lines.append(f"    - {lang}: {_quote(before)} → {_quote(after)}")
            elif both_sides:
                lines.append(f"    - {lang} (unchanged): {_quote(current.get(ent + tkey + (lang,)))}")
        if kind == "duty" and tkey == ("text",):
            report.count("duty reworded")
        if both_sides and len(langs) == 1:
            changed = next(iter(langs))
            other = "en" if changed == "zh" else "zh"
            lang_name = {"zh": "Chinese", "en": "English"}
            lines.append(f"    - ⚠ stale translation? the {lang_name[changed]} changed, the {lang_name[other]} did not")
            report.stale.append(f"{where} — {name}: the {lang_name[changed]} changed, the {lang_name[other]} did not")
            report.count("stale")
    return lines


def _label(key: Key) -> str:
    return ".".join(key) if key else "value"


def _quote(value: Any) -> str:
    return "(none)" if value is None else f"“{report_md(value)}”"


def value_text(key: Key, value: Any, book: Handbook, fallback: Handbook | None = None) -> str:
    if value is None or value == ():
        return "(none)"
    if key and key[-1] in ROLE_REF_FIELDS:
        ids = value if isinstance(value, tuple) else (value,)
        return ", ".join(
            role_name(fallback if fallback and r not in book.roles and r in fallback.roles else book, r) for r in ids
        )
    if key and key[-1] == "department" and value in book.departments:
        return f"{report_md(book.departments[value].name.zh)} ({report_md(book.departments[value].name.en)})"
    if isinstance(value, tuple):
        return ", ".join(f"`{code_text(v)}`" for v in value)
    return f"`{code_text(value)}`"
