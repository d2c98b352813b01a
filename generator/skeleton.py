"""`handbook new`: a skeleton role or procedure that a maintainer fills in.

The skeleton is valid data in every respect except its texts, which carry the reserved
markers of :data:`generator.checks.PLACEHOLDERS`; `handbook check` then reports exactly
those (E704) and nothing else, so the maintainer's to-do list is the list of findings.
References in the skeleton (department, superior, owners) are checked here first, with
"did you mean", so that the file never starts life with a dangling reference.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from pathlib import Path

from generator.findings import did_you_mean
from generator.loading import load_handbook
from generator.model import ID_PATTERN, Handbook
from generator.schema import SCHEMA_DIR

ZH, EN = "待填写", "FILL IN"


class SkeletonError(Exception):
    """The request cannot be honoured (bad id, id taken, unknown reference)."""


def new_role(root: Path, id: str, department: str, reports_to: str) -> Path:
    """Write `roles/<department>/<id>.yml` under `root` and return its path."""
    root = Path(root).resolve()
    _check_id(id, "role")
    book = _load(root)
    _refuse_taken_role(root, book, id)
    if department not in book.departments:
        raise SkeletonError(
            f"no department has the id '{department}'{_hint(department, book.departments)};"
            " departments are listed in org/departments.yml"
        )
    if reports_to not in book.roles:
        raise SkeletonError(
            f"no role has the id '{reports_to}'{_hint(reports_to, book.roles)};"
            " --reports-to names the new role's superior"
        )
    path = root / "roles" / department / f"{id}.yml"
    text = ROLE_TEMPLATE.format(
        schema=_schema_line(root, path, "role"),
        id=id,
        department=department,
        reports_to=reports_to,
        today=dt.date.today().isoformat(),
        zh=ZH,
        en=EN,
    )
    return _write(path, text)


def new_procedure(root: Path, id: str) -> Path:
    """Write `procedures/<id>.yml` under `root` and return its path."""
    root = Path(root).resolve()
    _check_id(id, "procedure")
    book = _load(root)
    taken = book.procedures.get(id)
    if taken is not None or any(p.stem == id for p in (root / "procedures").rglob("*.y*ml")):
        where = taken.source_map.file if taken is not None else f"procedures/{id}.yml"
        raise SkeletonError(
            f"a procedure with the id '{id}' already exists ({where}); choose another id or edit that file"
        )
    tops = sorted(r.id for r in book.top_roles())
    if not tops:
        raise SkeletonError(
            "the handbook has no top role yet; add the roles first (`handbook new role …`), then the procedures"
        )
    path = root / "procedures" / f"{id}.yml"
    text = PROCEDURE_TEMPLATE.format(
        schema=_schema_line(root, path, "procedure"),
        id=id,
        top=tops[0],
        today=dt.date.today().isoformat(),
        zh=ZH,
        en=EN,
    )
    return _write(path, text)


def _check_id(id: str, kind: str) -> None:
    if not re.fullmatch(ID_PATTERN, id) or len(id) > 80:
        suggestion = re.sub(r"[^a-z0-9]+", "-", id.lower()).strip("-")
        hint = f" (for example '{suggestion}')" if suggestion and re.fullmatch(ID_PATTERN, suggestion) else ""
        raise SkeletonError(
            f"'{id}' is not a valid {kind} id: use lowercase ASCII letters, digits and single hyphens{hint}"
        )


def _load(root: Path) -> Handbook:
    if not (root / "handbook.yml").is_file():
        raise SkeletonError(f"{root} is not a handbook root (no handbook.yml); pass --root")
    book, _ = load_handbook(root)
    return book


def _refuse_taken_role(root: Path, book: Handbook, id: str) -> None:
    taken = book.roles.get(id)
    if taken is not None:
        raise SkeletonError(
            f"a role with the id '{id}' already exists ({taken.source_map.file}); choose another id or edit that file"
        )
    for path in (root / "roles").rglob("*.y*ml"):
        if path.stem == id:
            raise SkeletonError(
                f"a file for '{id}' already exists ({path.relative_to(root).as_posix()});"
                " choose another id or edit that file"
            )


def _hint(word: str, choices: Iterable[str]) -> str:
    options = sorted(choices)
    known = ", ".join(options)
    return did_you_mean(word, options) or (f"; known: {known}" if known else "")


def _schema_line(root: Path, path: Path, kind: str) -> str:
    """Point at the nearest `schema/` folder at or above the root (the repository's)."""
    folder = next(
        (d / SCHEMA_DIR for d in [root, *root.parents] if (d / SCHEMA_DIR / f"{kind}.schema.json").is_file()),
        root / SCHEMA_DIR,
    )
    relative = Path(os.path.relpath(folder / f"{kind}.schema.json", path.parent)).as_posix()
    return f"# yaml-language-server: $schema={relative}"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as handle:  # "x": never overwrite
        handle.write(text)
    return path


ROLE_TEMPLATE = """\
{schema}
# A new role. Replace every "{en}" and "{zh}", then run `handbook check`:
# each placeholder left is reported as E704 with its line. The maintainer guide
# (docs: 维护指南 / Maintainer guide) explains every key.
id: {id}
title: {{zh: "{zh}", en: "{en}"}}          # job title, e.g. 前台调度员 / Front Desk Dispatcher
department: {department}
reports_to: {reports_to}
purpose: {{zh: "{zh}", en: "{en}"}}        # one sentence: why the post exists
document: {{version: "0.1", effective: {today}, owner: {reports_to}, reviewed: {today}}}
duties:
  # One entry per duty. The role of this file owns it; when the owner cannot settle
  # a matter it goes up the reporting line unless `escalate_to` names roles.
  - id: first-duty                         # rename: a short English id, e.g. answer-calls
    text: {{zh: "{zh}", en: "{en}"}}
    frequency: on-demand                   # daily, weekly, monthly, month-end, yearly, periodic, on-demand
# authorities:                             # optional: a cell of the permission matrix
#   - id: dispatch
#     kind: dispatch                       # a kind listed in org/authorities.yml
#     level: execute                       # decide, approve, propose, execute, informed
#     text: {{zh: "…", en: "…"}}
"""

PROCEDURE_TEMPLATE = """\
{schema}
# A new emergency procedure. Replace every "{en}" and "{zh}", and set each
# `owner` and `notify` to the right role ids (the skeleton uses the top role,
# {top}, so that the file is valid), then run `handbook check`.
id: {id}
title: {{zh: "{zh}", en: "{en}"}}
trigger: {{zh: "{zh}", en: "{en}"}}        # what starts the procedure
severity: high                             # critical, high or medium
template: {{zh: "{zh}", en: "{en}"}}       # say what a company must adapt locally, or delete this line
document: {{version: "0.1", effective: {today}, owner: {top}, reviewed: {today}}}
steps:
  - id: first-step                         # rename: e.g. call-lift-company
    owner: {top}                           # the role id that does this step
    within_minutes: 5                      # time limit from the trigger; 0 means at once
    text: {{zh: "{zh}", en: "{en}"}}
escalation:
  - id: first-threshold
    after_minutes: 30
    condition: {{zh: "{zh}", en: "{en}"}}
    notify: [{top}]
# contacts:
#   - id: fire-brigade
#     name: {{zh: "消防", en: "Fire brigade"}}
#     number: "119"                        # always in quotes
"""
