"""`handbook diff`: the Markdown report of what a change does, section by section (roles,
duties that changed owner, reporting lines, escalation paths, the permission matrix,
procedures, the organisation files), with the summary line on top."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from generator.catalogue import duration
from generator.diff_changes import (
    Report,
    bilingual,
    document_changes,
    path_text,
    proc_head,
    role_head,
    role_name,
    value_text,
)
from generator.diff_match import doc_renames, with_id
from generator.escalation import escalation_path, reporting_chain
from generator.escaping import code_text, report_md
from generator.model import Handbook


def compare(old: Handbook, new: Handbook, label: str) -> str:
    """The Markdown report of what changed from `old` to `new`."""
    report = Report(old, new)
    report.role_renames = doc_renames(old.roles, new.roles)
    report.proc_renames = doc_renames(old.procedures, new.procedures)

    roles, procedures = _roles_section(report), _procedures_section(report)  # these find item renames
    sections: list[tuple[str, list[str]]] = [
        ("Roles", roles),
        ("Duties that changed owner", _moved_duties(report)),
        ("Reporting lines", _reporting_section(report)),
        ("Escalation paths", _paths_section(report)),
        ("Permission matrix", _matrix_section(report)),
        ("Procedures", procedures),
        ("Organisation, permission kinds, glossary and handbook settings", _org_section(report)),
    ]
    lines = [f"## Handbook changes against {label}", ""]
    summary = _summary(report)
    lines += [
        summary or "No change in meaning: roles, duties, authorities, escalation and procedures are as they were.",
        "",
    ]
    if report.stale:
        lines += [
            "### ⚠ Stale translations",
            "",
            "One language changed and the other did not; update the other or confirm it still matches.",
            "",
        ]
        lines += [f"- {s}" for s in report.stale] + [""]
    for title, body in sections:
        while body and not body[-1]:
            body.pop()
        if body:
            lines += [f"### {title}", "", *body, ""]
    return "\n".join(lines).rstrip() + "\n"


def _summary(report: Report) -> str:
    order = [
        ("role added", "roles added"),
        ("role removed", "roles removed"),
        ("role renamed", "roles renamed"),
        ("role changed", "roles changed"),
        ("duty added", "duties added"),
        ("duty removed", "duties removed"),
        ("duty reworded", "duties reworded"),
        ("duty moved", "duties changed owner"),
        ("reporting line", "reporting lines changed"),
        ("path", "escalation paths changed"),
        ("cell", "permission-matrix cells changed"),
        ("procedure added", "procedures added"),
        ("procedure removed", "procedures removed"),
        ("procedure renamed", "procedures renamed"),
        ("procedure changed", "procedures changed"),
        ("stale", "stale translations"),
    ]
    parts = []
    for key, plural in order:
        n = report.counts.get(key, 0)
        if n:
            word = (
                plural
                if n > 1
                else key.replace("cell", "permission-matrix cell changed")
                .replace("path", "escalation path changed")
                .replace("reporting line", "reporting line changed")
                .replace("stale", "stale translation")
                .replace("duty moved", "duty changed owner")
            )
            parts.append(f"{'⚠ ' if key == 'stale' else ''}{n} {word}")
    return ("**Summary:** " + " · ".join(parts)) if parts else ""


def _roles_section(report: Report) -> list[str]:
    old, new = report.old, report.new
    renamed_new = set(report.role_renames.values())
    lines: list[str] = []
    for rid, role in new.roles.items():
        if rid not in old.roles and rid not in renamed_new:
            report.count("role added")
            report.count("duty added", len(role.duties))
            chain = reporting_chain(new, rid).hops
            lines += [f"#### Added: {role_head(role)}", ""]
            lines.append(
                f"- department {value_text(('department',), role.department, new)}; reports to {path_text(new, chain)}"
            )
            lines += [f"- duty `{d.id}`: {bilingual(d.text)}" for d in role.duties]
            lines += [f"- authority `{a.id}`: {a.kind} = {a.level}" for a in role.authorities]
            lines.append("")
    for rid, role in old.roles.items():
        if rid not in new.roles and rid not in report.role_renames:
            report.count("role removed")
            report.count("duty removed", len(role.duties))
            lines += [f"#### Removed: {role_head(role)}", ""]
            lines += [f"- duty `{d.id}` no longer listed: {bilingual(d.text)}" for d in role.duties]
            orphans = [r.id for r in new.roles.values() if r.reports_to == rid]
            if orphans:
                lines.append(f"- ⚠ still named as superior by: {', '.join(f'`{o}`' for o in orphans)}")
            lines.append("")
    lines += _kept_documents(report, old.roles, new.roles, report.role_renames, role_head, "role")
    return lines


def _moved_duties(report: Report) -> list[str]:
    """A duty removed from one role and added, with the same text, to another."""
    old, new = report.old, report.new
    gone = {(r.id, d.id): d for r in old.roles.values() for d in r.duties}
    came = {(r.id, d.id): d for r in new.roles.values() for d in r.duties}
    mapped_gone = {(report.role_renames.get(r, r), d): duty for (r, d), duty in gone.items()}
    lines = []
    for (rid, did), duty in sorted(came.items()):
        if (rid, did) in mapped_gone:
            continue
        for (orid, odid), oduty in sorted(mapped_gone.items()):
            if (
                orid != rid
                and (orid, odid) not in came
                and (oduty.text.zh == duty.text.zh or oduty.text.en == duty.text.en)
            ):
                report.count("duty moved")
                old_owner = next((o for o, n in report.role_renames.items() if n == orid), orid)
                lines.append(
                    f"- duty `{odid}` “{report_md(duty.text.zh)}” / “{report_md(duty.text.en)}”: "
                    f"{role_name(old, old_owner)} → {role_name(new, rid)}"
                )
                break
    return lines


def _reporting_section(report: Report) -> list[str]:
    old, new = report.old, report.new
    rows = []
    for rid in sorted(new.roles):
        old_id = next((o for o, n in report.role_renames.items() if n == rid), rid)
        if old_id not in old.roles:
            continue
        before = [report.role_renames.get(h, h) for h in reporting_chain(old, old_id).hops]
        after = reporting_chain(new, rid).hops
        if before != after:
            report.count("reporting line")
            old_hops = reporting_chain(old, old_id).hops
            rows.append(f"| {role_name(new, rid)} | {path_text(old, old_hops)} | {path_text(new, after)} |")
    if not rows:
        return []
    return [
        "The whole line above each role whose line changed (a role moves, and everyone below it moves too).",
        "",
        "| Role | Before | After |",
        "|---|---|---|",
        *rows,
    ]


def _items_with_paths(book: Handbook) -> Iterator[tuple[tuple[str, str, str], str, str, list[str]]]:
    """(key, owner, label, path) of every duty, authority and procedure step."""
    for role in book.roles.values():
        for field_name, kind in (("duties", "duty"), ("authorities", "authority")):
            for item in getattr(role, field_name):
                hops = [h.role for h in escalation_path(book, role.id, item.escalate_to).hops]
                yield ("role", role.id, f"{field_name}:{item.id}"), role.id, f"{kind} `{item.id}`", hops
    for proc in book.procedures.values():
        for field_name in ("steps", "aftercare"):
            for step in getattr(proc, field_name):
                hops = [h.role for h in escalation_path(book, step.owner, step.escalate_to).hops]
                yield (
                    ("procedure", proc.id, f"{field_name}:{step.id}"),
                    step.owner,
                    f"procedure {report_md(proc.title.zh)} ({report_md(proc.title.en)}) step `{step.id}`",
                    hops,
                )


def _paths_section(report: Report) -> list[str]:
    old, new = report.old, report.new
    before: dict[tuple[str, str, str], tuple[str, list[str]]] = {}
    for (kind, doc, item), owner, _, hops in _items_with_paths(old):
        renames = report.role_renames if kind == "role" else report.proc_renames
        doc = renames.get(doc, doc)
        item = report.item_renames.get((kind, doc, item), item)
        before[(kind, doc, item)] = (report.role_renames.get(owner, owner), hops)
    grouped: dict[tuple[str, tuple[str, ...], tuple[str, ...]], list[str]] = defaultdict(list)
    old_hops_of: dict[tuple[str, ...], list[str]] = {}
    for key, owner, label, hops in _items_with_paths(new):
        if key not in before:
            continue
        old_owner, old_hops = before[key]
        mapped = [report.role_renames.get(h, h) for h in old_hops]
        if mapped != hops or old_owner != owner:
            report.count("path")
            group = (owner, tuple(mapped), tuple(hops))
            grouped[group].append(label)
            old_hops_of[tuple(mapped)] = old_hops
    if not grouped:
        return []
    rows = [
        "Each duty, authority or procedure step whose escalation path is different now,"
        " with the reason left to the sections above.",
        "",
        "| Owner | Duty / step | Before | After |",
        "|---|---|---|---|",
    ]
    for (owner, was, now), labels in sorted(grouped.items()):
        before_text, after_text = path_text(old, old_hops_of[was]), path_text(new, list(now))
        rows.append(f"| {role_name(new, owner)} | {', '.join(labels)} | {before_text} | {after_text} |")
    return rows


def _matrix(book: Handbook) -> dict[tuple[str, str], str]:
    cells: dict[tuple[str, str], list[str]] = defaultdict(list)
    for role in book.roles.values():
        for auth in role.authorities:
            cells[(role.id, auth.kind)].append(auth.level)
    return {k: ", ".join(sorted(v)) for k, v in cells.items()}


def _matrix_section(report: Report) -> list[str]:
    old, new = report.old, report.new
    before = {(report.role_renames.get(r, r), k): v for (r, k), v in _matrix(old).items()}
    after = _matrix(new)
    rows = []
    for rid, kind in sorted(set(before) | set(after)):
        b, a = before.get((rid, kind)), after.get((rid, kind))
        if b != a:
            report.count("cell")
            book = new if rid in new.roles else old
            old_rid = next((o for o, n in report.role_renames.items() if n == rid), rid)
            role = role_name(new, rid) if rid in new.roles else role_name(old, old_rid)
            kind_title = new.kinds.get(kind) or old.kinds.get(kind)
            kind_text = (
                f"{report_md(kind_title.title.zh)} ({report_md(kind_title.title.en)})"
                if kind_title
                else f"`{code_text(kind)}`"
            )
            del book
            rows.append(f"| {role} | {kind_text} | {b or '—'} | {a or '—'} |")
    if not rows:
        return []
    return ["| Role | Permission | Before | After |", "|---|---|---|---|", *rows]


def _procedures_section(report: Report) -> list[str]:
    old, new = report.old, report.new
    lines: list[str] = []
    renamed_new = set(report.proc_renames.values())
    for pid, proc in new.procedures.items():
        if pid not in old.procedures and pid not in renamed_new:
            report.count("procedure added")
            lines += [
                f"#### Added: {proc_head(proc)}",
                "",
                f"- severity {proc.severity}; {len(proc.steps)} step(s); escalation "
                + (", ".join(duration(r.after_minutes, "en", "after_minutes") for r in proc.escalation) or "—"),
            ]
            lines += [
                f"- step `{s.id}` ({role_name(new, s.owner)}{_within(s.within_minutes)}): {bilingual(s.text)}"
                for s in proc.steps
            ]
            lines.append("")
    for pid, proc in old.procedures.items():
        if pid not in new.procedures and pid not in report.proc_renames:
            report.count("procedure removed")
            lines += [f"#### Removed: {proc_head(proc)}", ""]
    lines += _kept_documents(report, old.procedures, new.procedures, report.proc_renames, proc_head, "procedure")
    return lines


def _within(minutes: int | None) -> str:
    return "" if minutes is None else ", " + duration(minutes, "en")


def _kept_documents(
    report: Report, old_docs: dict[str, Any], new_docs: dict[str, Any], renames: dict[str, str], head: Any, kind: str
) -> list[str]:
    """Roles or procedures present on both sides (under the same or a new id), with what changed."""
    lines: list[str] = []
    for new_id, doc in new_docs.items():
        old_id = next((o for o, n in renames.items() if n == new_id), new_id if new_id in old_docs else None)
        if old_id is None:
            continue
        before = old_docs[old_id]
        changes = document_changes(report, head(doc), with_id(before, new_id), doc, report.old, report.new, kind)
        if old_id != new_id:
            report.count(f"{kind} renamed")
            lines += [f"#### Renamed: `{old_id}` → `{new_id}` — {head(doc)}", ""]
            if kind == "role":
                lines.append(f"- file {before.source_map.file} → {doc.source_map.file}")
        elif changes:
            report.count(f"{kind} changed")
            lines += [f"#### Changed: {head(doc)}", ""]
        lines += changes
        if changes or old_id != new_id:
            lines.append("")
    return lines


def _org_section(report: Report) -> list[str]:
    old, new = report.old, report.new
    lines: list[str] = []
    pairs = [
        ("handbook.yml", old.meta, new.meta),
        ("org/departments.yml", old.departments_file, new.departments_file),
        ("org/authorities.yml", old.authorities_file, new.authorities_file),
        ("org/glossary.yml", old.glossary_file, new.glossary_file),
    ]
    for name, before, after in pairs:
        if before is None or after is None:
            continue
        changes = document_changes(report, name, before, after, old, new)
        if changes:
            lines += [f"#### {name}", "", *changes, ""]
    return lines
