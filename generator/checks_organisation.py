"""The organisation and escalation: one top, reporting lines without circles, escalation paths that reach the top.

The questions themselves (where does a reporting line end, is this path valid) are
answered by :mod:`generator.escalation`, which the pages and `diff` ask too; this module
turns the answers into findings at the line a maintainer has to change.  Codes E501–E505
(reporting lines) and E601–E603 (explicit escalation paths).
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.escalation import Hierarchy
from generator.findings import Finding
from generator.model import Document, Handbook
from generator.positions import Path

# --- organisation ----------------------------------------------------------------------


def organisation(book: Handbook) -> Iterator[Finding]:
    """One declared top; everyone else reports to someone, without cycles."""
    tops = book.top_roles()
    if book.roles and not tops:
        heads = [r for r in book.roles.values() if r.reports_to is None] or [
            min(book.roles.values(), key=lambda r: r.source_map.file)
        ]
        for head in heads:
            yield Finding.at(
                head.where("top"),
                "E501",
                f"no role is marked `top: true`; if '{head.id}' heads the organisation, mark it `top: true`",
            )
    if len(tops) > 1:
        # Two tops make two organisations: escalation "reaches the top" at either, and the
        # chart, the matrix and every path stop short of the real head.
        for top in tops:
            others = [t.id for t in tops if t is not top]
            listed = ", ".join(f"'{o}'" for o in others[:3]) + (
                f" and {len(others) - 3:,} more" if len(others) > 3 else ""
            )
            yield Finding.at(
                top.where("top"),
                "E505",
                f"'{top.id}' is marked `top: true`, and so is {listed}; an organisation has one top: "
                "keep `top: true` on the role that heads it and make the others report to it",
            )
    hierarchy = Hierarchy(book)
    for role in book.roles.values():
        if role.top and role.reports_to is not None:
            yield Finding.at(
                role.where("reports_to"),
                "E503",
                f"'{role.id}' is marked top but reports to '{role.reports_to}'; remove one of the two",
            )
            continue
        if not role.top and role.reports_to is None:
            yield Finding.at(
                role.where("id"),
                "E503",
                f"'{role.id}' reports to no one; add reports_to, or mark it `top: true` if it heads the organisation",
            )
            continue
        if role.id in hierarchy.circle:  # reported on each role of the circle, not on those leading into it
            yield Finding.at(
                role.where("reports_to"),
                "E502",
                f"reporting lines go round in a circle: {hierarchy.loop_text(role.id)}",
            )
        elif role.id in hierarchy.entry:
            continue  # leads into a circle, reported on the circle
        elif not hierarchy.reaches[role.id] and hierarchy.length[role.id] and hierarchy.end[role.id] in book.roles:
            yield Finding.at(
                role.where("reports_to"),
                "E504",
                f"the reporting line of '{role.id}' ends at '{hierarchy.end[role.id]}', which is not a top role",
            )


# --- escalation -------------------------------------------------------------------------


def escalation_paths(book: Handbook) -> Iterator[Finding]:
    """Every duty, authority and step has a valid path from its owner to the top."""
    verdicts: dict[tuple[str, tuple[str, ...]], tuple[str, str] | None] = {}
    hierarchy = Hierarchy(book)
    for role in book.roles.values():
        for field in ("duties", "authorities"):
            for i, item in enumerate(getattr(role, field)):
                if item.escalate_to:
                    yield from _path_findings(hierarchy, role, (field, i), role.id, item.escalate_to, verdicts)
    for proc in book.procedures.values():
        for field in ("steps", "aftercare"):
            for i, step in enumerate(getattr(proc, field)):
                if step.owner in book.roles and step.escalate_to:
                    yield from _path_findings(hierarchy, proc, (field, i), step.owner, step.escalate_to, verdicts)


def _path_findings(
    hierarchy: Hierarchy,
    doc: Document,
    at: Path,
    owner: str,
    explicit: list[str],
    verdicts: dict[tuple[str, tuple[str, ...]], tuple[str, str] | None],
) -> Iterator[Finding]:
    # The 28,000 duties and authorities of 1,000 roles share a few thousand (owner,
    # escalate_to) pairs: each path is judged once, and its verdict reused.  A path
    # without escalate_to is the owner's reporting line, whose faults are the role's
    # (E502/E504), so only explicit paths are judged here.
    key = (owner, tuple(explicit))
    if key not in verdicts:
        verdicts[key] = hierarchy.verdict(owner, explicit)
    verdict = verdicts[key]
    if verdict is not None:
        where = doc.where(*at, "escalate_to") if explicit else doc.where(*at)
        yield Finding.at(where, *verdict)
