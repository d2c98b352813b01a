"""`handbook import`: Word / text job descriptions → one role YAML file each.

Three steps, one module each: :mod:`.reading` turns a file into numbered lines (bounded
in size and time), :mod:`.parsing` finds the job descriptions in those lines, and
:mod:`.roles` gives each its role data and id.  This module writes the files (never over
an existing one unless asked) and composes the summary the maintainer works from.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.importing.parsing import JobDescription, parse
from generator.importing.reading import Line, ReadError, read_lines
from generator.importing.roles import TRANSLATION_GAP, RoleDraft, build_role, pinyin_id, role_title, unique_id
from generator.model import ID_PATTERN, Handbook, Role

__all__ = ["TRANSLATION_GAP", "ImportReport", "ImportRequest", "import_files", "to_yaml"]


@dataclass
class ImportRequest:
    files: list[Path]
    out: Path
    department: str | None = None
    prefix: str | None = None
    force: bool = False
    root: Path | None = None  # the handbook whose kinds, departments and roles are matched


@dataclass
class FileReport:
    shown: str
    how: str = ""
    error: str | None = None
    drafts: list[RoleDraft] = field(default_factory=list)
    furniture: list[Line] = field(default_factory=list)
    unplaced: list[tuple[Line, str]] = field(default_factory=list)


@dataclass
class ImportReport:
    files: list[FileReport]
    written: list[Path]
    refused: list[str]
    department: str
    ok: bool

    def text(self) -> str:
        return _summary(self)


def import_files(request: ImportRequest, today: dt.date | None = None) -> ImportReport:
    """Read every file, build the roles, and write them unless one would overwrite a file."""
    today = today or dt.date.today()
    book = _load_book(request.root)
    department = request.department or _guess_department(book) or "unassigned"
    if request.prefix is not None and not re.fullmatch(ID_PATTERN, request.prefix):
        raise ValueError(
            f"--prefix '{request.prefix}' is not an id: use lowercase ASCII letters, digits and single hyphens"
        )
    taken: set[str] = set()
    reports: list[FileReport] = []
    for path in request.files:
        report = FileReport(_shown(path))
        reports.append(report)
        try:
            lines, report.how = read_lines(path, report.shown)
        except ReadError as exc:
            report.error = str(exc)
            continue
        except OSError as exc:
            report.error = f"cannot be read: {exc.strerror or exc}"
            continue
        parsed = parse(lines)
        report.furniture = sorted(parsed.furniture, key=lambda line: line.line)
        report.unplaced = parsed.unplaced
        if not parsed.documents:
            report.error = (
                "no job description found (no title with numbered duties under 岗位职责 / 主要职责描述 / 工作权限 …)"
            )
            continue
        for index, doc in enumerate(parsed.documents, start=1):
            role_id = _role_id(doc, request.prefix, len(taken) + 1, taken)
            document = (
                f"{path.name} {doc.part}"
                if doc.part
                else (f"{path.name} ({index})" if len(parsed.documents) > 1 else path.name)
            )
            draft = build_role(
                doc,
                role_id,
                document=document,
                department=_department_of(doc, request.department, book) or department,
                book=book,
                today=today,
            )
            problem = _model_problem(draft)
            if problem:
                report.unplaced.append(
                    (
                        Line(role_title(doc), report.shown, int(doc.where.rsplit(":", 1)[-1] or 0)),
                        f"this job description was not written: {problem}",
                    )
                )
                report.error = (
                    report.error
                    or f"{len(parsed.documents)} job description(s) found,"
                    " but not all could be written (see 'not placed')"
                )
                continue
            report.drafts.append(draft)

    out = request.out
    drafts = [d for r in reports for d in r.drafts]
    refused = [str(out / f"{d.id}.yml") for d in drafts if (out / f"{d.id}.yml").exists() and not request.force]
    refused += [
        f"{d.id}: the handbook has this role id already, in {book.roles[d.id].source_map.file}; import with --prefix,"
        " or rename one"
        for d in drafts
        if book is not None
        and d.id in book.roles
        and not _same_file(book.roles[d.id], out / f"{d.id}.yml", request.root)
    ]
    written: list[Path] = []
    if not refused:
        out.mkdir(parents=True, exist_ok=True)
        for draft in drafts:
            written.append(_write(out / f"{draft.id}.yml", draft, request.root))
    ok = not refused and all(r.error is None for r in reports)
    return ImportReport(reports, written, refused, department, ok)


def _same_file(role: Role, target: Path, root: Path | None) -> bool:
    """Whether the role the handbook has under this id lives in the file the import would write."""
    if root is None:
        return False
    return (root / role.source_map.file).resolve() == target.resolve()


def _model_problem(draft: RoleDraft) -> str | None:
    """Why the role data would not pass the model (a text over 4,000 characters …), or None."""
    from pydantic import ValidationError

    try:
        Role.model_validate(draft.data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{where}: {first['msg']}; split that text in the file and import again"
    return None


def _shown(path: Path) -> str:
    """The file as the maintainer named it, so that file:line can be pasted into an editor."""
    return str(path)


def _load_book(root: Path | None) -> Handbook | None:
    """The target handbook (kinds, departments, roles), or None where there is none to read."""
    if root is None or not (root / "org").is_dir():
        return None
    from generator.loading import load_handbook

    book, _ = load_handbook(root)
    return book


def _department_of(doc: JobDescription, given: str | None, book: Handbook | None) -> str | None:
    """--department when given; else the department whose Chinese name the 所属部门 line gives."""
    if given or book is None or not doc.department:
        return given
    return next((d.id for d in book.departments.values() if d.name.zh == doc.department), None)


def _guess_department(book: Handbook | None) -> str | None:
    return None if book is None or len(book.departments) != 1 else next(iter(book.departments))


def _role_id(doc: JobDescription, prefix: str | None, number: int, taken: set[str]) -> str:
    return unique_id(f"{prefix}-{number}" if prefix else pinyin_id(role_title(doc)), taken)


_RESOLVER = yaml.resolver.Resolver()
_YAML_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_PLAIN_UNSAFE = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`=+\s]|: |\s#|[:\s]$|[\x00-\x1f\x7f\u2028\u2029\ufeff]")


def _scalar(value: object) -> str:
    """A scalar as YAML: plain where YAML reads it back as the same string, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, dt.date)):
        return str(value) if not isinstance(value, dt.date) else value.isoformat()
    text = str(value)
    if (
        text
        and not _PLAIN_UNSAFE.search(text)
        and not _YAML_UNPRINTABLE.search(text)
        and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"
    ):
        return text
    quoted = json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar,
    return _YAML_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)  # once YAML's unprintables are escaped


def to_yaml(value: object, indent: int = 0) -> list[str]:
    """Block-style YAML in the bundled files' layout (lists indented under their key).

    Written here rather than with PyYAML's pure-Python emitter, which took 45 of 70 s
    (profiled) to write the 1,010 roles of a 1.9 MB file.
    """
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:")
                lines.extend(to_yaml(item, indent + 2))
            else:
                empty = "{}" if isinstance(item, dict) else "[]"
                lines.append(f"{pad}{key}: {empty if isinstance(item, (dict, list)) else _scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                inner = to_yaml(item, indent + 2)
                lines.append(f"{pad}- {inner[0][indent + 2 :]}")
                lines.extend(inner[1:])
            elif isinstance(item, list) and item:
                lines.append(f"{pad}-")
                lines.extend(to_yaml(item, indent + 2))
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    return lines


def _write(path: Path, draft: RoleDraft, root: Path | None) -> Path:
    body = "\n".join(to_yaml(draft.data)) + "\n"
    header = [_schema_line(path, root)] if root is not None and path.resolve().is_relative_to(root.resolve()) else []
    where = f"{draft.data['source']['document']}"
    header += [
        f"# Imported by `handbook import` from {where}. Chinese texts are the source as written.",
        f"# `en: {TRANSLATION_GAP}` marks a translation to write (handbook check: E804);",
        "# set reports_to, and check the department and the authorities' kinds and levels.",
    ]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(header) + "\n" + body, encoding="utf-8")
    os.replace(tmp, path)
    return path


def _schema_line(path: Path, root: Path) -> str:
    schema = root / "schema" / "role.schema.json"
    relative = Path(os.path.relpath(schema, path.parent)).as_posix()
    return f"# yaml-language-server: $schema={relative}"


def _summary(report: ImportReport) -> str:
    out: list[str] = []
    roles = 0
    for file in report.files:
        if file.error:
            out.append(f"{file.shown}: error: {file.error}")
            if not file.drafts and not file.unplaced:
                continue
        else:
            out.append(f"{file.shown} ({file.how}): {len(file.drafts)} job description(s)")
        for draft in file.drafts:
            roles += 1
            d = draft.data
            counts = ", ".join(
                f"{len(d.get(k, []))} {k}" for k in ("duties", "authorities", "requirements", "standards")
            )
            subs = sum(_count_items(x) for x in d.get("duties", []))
            sections = f", {len(d['sections'])} sections" if d.get("sections") else ""
            part = f"{draft.doc.part} " if draft.doc.part else ""
            out.append(
                f"  {part}{d['title']['zh']} → {draft.id}.yml:"
                f" {counts}{sections}{f', {subs} sub-items' if subs else ''} (from {draft.doc.where})"
            )
        if file.furniture:
            out.append("  left out as page furniture (not part of a job description):")
            out.extend(f"    {line.where}: {line.text[:60]}" for line in file.furniture)
        if file.unplaced:
            out.append("  not placed (add by hand, or fix the file and import again):")
            out.extend(f"    {line.where}: {line.text[:60]} — {why}" for line, why in file.unplaced)
    if report.refused:
        out.append("nothing written: these files exist already (give --force to overwrite them), or the ids are taken:")
        out.extend(f"  {p}" for p in report.refused)
    elif report.written:
        out.append(f"written: {len(report.written)} role file(s) in {report.written[0].parent}")
    if roles and not report.refused:
        out.append("next:")
        out.extend(_next_steps(report))
    return "\n".join(out)


def _count_items(entry: dict) -> int:
    return sum(1 + _count_items(child) for child in entry.get("items", []))


def _next_steps(report: ImportReport) -> list[str]:
    drafts = [d for f in report.files for d in f.drafts]
    steps: list[str] = []
    missing = [d for d in drafts if "reports_to" not in d.data]
    if missing:
        named = "; ".join(f"{d.id}: the source says {d.doc.superior}" if d.doc.superior else d.id for d in missing)
        steps.append(f"set reports_to (the superior's role id) in {len(missing)} file(s) — {named}")
    untitled = [d.id for d in drafts if not (d.doc.title or d.doc.heading or d.doc.post)]
    if untitled:
        steps.append(f"write the title (no title line was found) in: {', '.join(untitled)}")
    if any(d.data["department"] == "unassigned" for d in drafts):
        steps.append("set department (or import again with --department ID from org/departments.yml)")
    unmatched = [(d.id, text) for d in drafts for text, kind in d.kinds_guessed if not kind]
    if unmatched:
        steps.append(
            f"choose a permission kind (org/authorities.yml) for {len(unmatched)} authority(ies) marked kind: to-assign"
        )
    steps.append(f"write the English wherever it says {TRANSLATION_GAP} (handbook check lists each as E804)")
    steps.append(
        "check the authority levels, the frequencies and the purpose line; then run handbook check and handbook build"
    )
    return [f"  {n}. {step}" for n, step in enumerate(steps, start=1)]
