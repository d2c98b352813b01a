"""Identity and references: every id is unique, its file is where the id says, and every name points at something.

Pages, anchors and the keys of `handbook diff` hang on ids, so a duplicate or a file named
otherwise than its id breaks links silently; a role, department, permission kind or section
named but not defined would make an escalation path or a matrix cell that leads nowhere.
Codes E302–E305 (ids) and E401–E404 (references); an id with a full-width character an
input method typed into it is E111 / E112 instead, since that is what the maintainer must fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path as FsPath
from typing import Protocol

from generator.findings import Finding, did_you_mean, shown
from generator.input_slips import WIDE_PUNCTUATION, WIDE_SPACES, wide_punctuation_message, wide_space_message
from generator.model import Document, Handbook, Procedure, Role
from generator.positions import Path

# --- ids --------------------------------------------------------------------------


def file_names(book: Handbook) -> Iterator[Finding]:
    """A file is named after its id, so that links and diffs can find it."""
    docs: list[Role | Procedure] = [*book.roles.values(), *book.procedures.values()]
    for doc in docs:
        stem = FsPath(doc.source_map.file).stem
        if stem != doc.id:
            yield Finding.at(
                doc.where("id"),
                "E303",
                f"the file is named '{stem}' but its id is '{doc.id}'; rename the file to {doc.id}.yml",
            )


def role_folders(book: Handbook) -> Iterator[Finding]:
    """A role file sits in the folder of its department: roles/<department>/<id>.yml.

    Reviewers and the site's navigation find a role by its folder; a file in another
    department's folder (or loose in roles/) puts it where nobody looks for it.
    """
    for role in book.roles.values():
        parts = FsPath(role.source_map.file).parts
        if len(parts) < 2 or parts[0] != "roles":
            continue  # built in memory, not read from a root
        if len(parts) == 2:
            yield Finding.at(
                role.where("department"),
                "E305",
                f"the role file is directly under roles/; move it to roles/{role.department}/{parts[1]}",
            )
        elif len(parts) > 3 or parts[1] != role.department:
            folder = "/".join(parts[:-1])
            yield Finding.at(
                role.where("department"),
                "E304",
                f"the file is in {folder}/ but its department is '{role.department}'; "
                f"move it to roles/{role.department}/{parts[-1]} or correct the department",
            )


def unique_ids(book: Handbook) -> Iterator[Finding]:
    """Ids are unique within their kind: anchors on a page and keys of a diff hang on them."""
    if book.departments_file:
        yield from _unique(book.departments_file, "departments", book.departments_file.departments, "department")
    if book.authorities_file:
        yield from _unique(book.authorities_file, "kinds", book.authorities_file.kinds, "permission kind")
    if book.glossary_file:
        yield from _unique(book.glossary_file, "terms", book.glossary_file.terms, "glossary term")
    singular = {
        "sections": "section",
        "duties": "duty",
        "authorities": "authority",
        "requirements": "requirement",
        "standards": "standard",
    }
    for role in book.roles.values():
        for field, kind in singular.items():
            yield from _unique(role, field, getattr(role, field), kind)
    for proc in book.procedures.values():
        seen: dict[str, Path] = {}
        for field in ("steps", "aftercare", "escalation", "contacts"):
            for i, item in enumerate(getattr(proc, field)):
                ident = item if isinstance(item, str) else item.id  # a contact named by id
                at = (field, i) if isinstance(item, str) else (field, i, "id")
                if ident in seen:
                    yield Finding.at(
                        proc.where(*at),
                        "E302",
                        f"the id '{ident}' is used twice in this procedure "
                        f"(also at line {proc.where(*seen[ident]).line})",
                    )
                else:
                    seen[ident] = at


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


def _unique(doc: Document, field: str, items: Sequence[_Identified], kind: str) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        ident = item.id
        if ident in seen:
            line = doc.where(field, seen[ident], "id").line
            yield Finding.at(
                doc.where(field, i, "id"), "E302", f"the {kind} id '{ident}' is used twice (also at line {line})"
            )
        else:
            seen[ident] = i


# --- references ----------------------------------------------------------------------


def role_references(book: Handbook) -> Iterator[Finding]:
    """Every role named anywhere exists."""
    for doc, path, ref in _role_refs(book):
        if ref not in book.roles:
            yield _unknown(doc, path, ref, "E401", f"no role has the id '{shown(ref)}'{did_you_mean(ref, book.roles)}")


_WIDE = re.compile("[" + "".join(WIDE_PUNCTUATION) + "".join(WIDE_SPACES) + "]")


def _unknown(doc: Document, path: Path, ref: str, code: str, message: str) -> Finding:
    """A finding for an id that names nothing, or E112 when an input method wrote it.

    `notify: [director，supervisor]` is one id with a full-width comma in it: saying that
    no role has that id would leave the maintainer staring at two ids that exist.
    """
    wide = _WIDE.search(ref)
    if wide:
        char = wide.group()
        if char in WIDE_SPACES:
            return Finding.at(doc.where(*path), "E111", wide_space_message(char, f"the id '{shown(ref)}' contains"))
        return Finding.at(doc.where(*path), "E112", wide_punctuation_message(char, f"the id '{shown(ref)}' has"))
    return Finding.at(doc.where(*path), code, message)


def _role_refs(book: Handbook) -> Iterator[tuple[Document, Path, str]]:
    for role in book.roles.values():
        if role.reports_to is not None:
            yield role, ("reports_to",), role.reports_to
        yield role, ("document", "owner"), role.document.owner
        for field in ("duties", "authorities"):
            for i, item in enumerate(getattr(role, field)):
                for j, ref in enumerate(item.escalate_to):
                    yield role, (field, i, "escalate_to", j), ref
    for proc in book.procedures.values():
        yield proc, ("document", "owner"), proc.document.owner
        for field in ("steps", "aftercare"):
            for i, step in enumerate(getattr(proc, field)):
                yield proc, (field, i, "owner"), step.owner
                for j, ref in enumerate(step.escalate_to):
                    yield proc, (field, i, "escalate_to", j), ref
        for i, rung in enumerate(proc.escalation):
            for j, ref in enumerate(rung.notify):
                yield proc, ("escalation", i, "notify", j), ref
    if book.departments_file:
        for i, dept in enumerate(book.departments_file.departments):
            if dept.head is not None:
                yield book.departments_file, ("departments", i, "head"), dept.head


def other_references(book: Handbook) -> Iterator[Finding]:
    """Departments, permission kinds and sections named by a role exist."""
    for role in book.roles.values():
        if book.departments_file and role.department not in book.departments:
            yield _unknown(
                role,
                ("department",),
                role.department,
                "E402",
                f"no department has the id '{shown(role.department)}'{did_you_mean(role.department, book.departments)}",
            )
        for i, dept in enumerate(role.liaises_with):
            if book.departments_file and dept not in book.departments:
                yield _unknown(
                    role,
                    ("liaises_with", i),
                    dept,
                    "E402",
                    f"no department has the id '{shown(dept)}'{did_you_mean(dept, book.departments)}",
                )
        for i, auth in enumerate(role.authorities):
            if book.authorities_file and auth.kind not in book.kinds:
                yield _unknown(
                    role,
                    ("authorities", i, "kind"),
                    auth.kind,
                    "E403",
                    f"no permission kind has the id '{shown(auth.kind)}'{did_you_mean(auth.kind, book.kinds)}",
                )
        sections = {s.id for s in role.sections}
        for i, duty in enumerate(role.duties):
            if duty.section is not None and duty.section not in sections:
                yield _unknown(
                    role,
                    ("duties", i, "section"),
                    duty.section,
                    "E404",
                    f"the role has no section '{shown(duty.section)}'{did_you_mean(duty.section, sections)}",
                )
