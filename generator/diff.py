"""`handbook diff REV`: what a change does to people's duties, authority and escalation.

A line diff of YAML tells a reviewer that line 42 changed; this module tells them that
the front-desk dispatcher's duty "answers the phone" was reworded in Chinese only, that
the supervisor now reports to the customer-service manager, and that the escalation
path of eleven duties moved with it.  Both sides are loaded with the same loader as
`check` (the revision is exported with `git archive` into a temporary folder), then
compared by id, never by line.

How things are matched (the maintainer guide documents this for reviewers):

* Roles and procedures are matched by id.  A role (procedure) that disappears while
  another appears is taken as **renamed** when both have the same Chinese or English
  title, or when the rest of the file is at least 75 % alike (difflib ratio).
* Items inside a file (duties, authorities, steps, rungs …) are matched by id; an item
  whose id changed but whose Chinese or English text is identical is taken as the same
  item with a **new id**.  A duty removed from one role and added with the same text to
  another has **changed owner**.
* A text whose Chinese changed while its English did not (or the reverse) is flagged as
  a **stale translation**.
* Escalation paths are computed with :func:`generator.escalation.escalation_path` on
  both sides for every duty, authority and procedure step present on both sides; a path
  is reported when its list of roles differs (after renamed ids are mapped), whatever
  the cause: an edited `escalate_to`, a changed owner, or a superior that moved.
"""

from __future__ import annotations

import difflib
import io
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from generator.escalation import escalation_path, reporting_chain
from generator.findings import Finding
from generator.loading import load_handbook
from generator.model import Document, Handbook, Procedure, Role, Text

RENAME_SIMILARITY = 0.75

Key = tuple[str, ...]

#: List fields whose items carry an id, and what one item is called in the report.
ENTITY_NAMES = {
    "duties": "duty",
    "authorities": "authority",
    "requirements": "requirement",
    "standards": "work standard",
    "sections": "section",
    "steps": "step",
    "aftercare": "aftercare step",
    "escalation": "escalation rung",
    "contacts": "contact",
    "departments": "department",
    "kinds": "permission kind",
    "terms": "glossary term",
}


class DiffError(Exception):
    """The comparison cannot start (not a git repository, unknown revision …)."""


# --- entry point ------------------------------------------------------------------


def diff_against(root: Path, rev: str) -> tuple[str, bool]:
    """Markdown describing the working tree under `root` against revision `rev`; ok flag.

    ok is False when either side cannot be loaded, or when the working tree has check
    errors (the diff is still shown then, with the errors, so a reviewer sees both).
    """
    from generator.checks import run_checks

    root = Path(root).resolve()
    try:
        with tempfile.TemporaryDirectory(prefix="handbook-diff-") as tmp:
            old_root, label = _export(root, rev, Path(tmp))
            old, old_findings = load_handbook(old_root)
            new, new_findings = load_handbook(root)
            failed = [(f"`{rev}` ({label})", _errors(old_findings)), ("the working tree", _errors(new_findings))]
            if any(errors for _, errors in failed):
                return _load_failure(rev, failed), False
            check_errors = _errors(run_checks(new))
            body = compare(old, new, f"`{_md(rev)}` ({label})")
    except DiffError as exc:
        return f"## Handbook changes against `{_md(rev)}`\n\n**Cannot compare:** {_md(str(exc))}\n", False
    if check_errors:
        lines = [body, "", f"### ✖ `handbook check` finds {len(check_errors)} error(s) in the working tree", ""]
        lines += [f"- `{_code(f.text())}`" for f in check_errors]
        return "\n".join(lines) + "\n", False
    return body, True


def _errors(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(f for f in set(findings) if f.severity == "error")


def _load_failure(rev: str, sides: list[tuple[str, list[Finding]]]) -> str:
    lines = [
        f"## Handbook changes against `{_md(rev)}`",
        "",
        "**Cannot compare by meaning: a side does not load.** Fix these first (`handbook check` shows the same):",
        "",
    ]
    for label, errors in sides:
        if errors:
            lines.append(f"### ✖ {label}: {len(errors)} error(s)")
            lines.append("")
            lines += [f"- `{_code(f.text())}`" for f in errors]
            lines.append("")
    return "\n".join(lines)


# --- the revision, exported ------------------------------------------------------------


def _git(cwd: Path, *args: str, binary: bool = False) -> Any:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise DiffError("git is not installed") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffError(f"git {args[0]} failed: {message[-1] if message else done.returncode}")
    return done.stdout if binary else done.stdout.decode("utf-8", "replace").strip()


def _export(root: Path, rev: str, into: Path) -> tuple[Path, str]:
    """Write the files of the handbook root as they were at `rev`; (old root, short label)."""
    if not root.is_dir():
        raise DiffError(f"{root} is not a folder")
    try:
        _git(root, "rev-parse", "--show-toplevel")
    except DiffError as exc:
        raise DiffError(f"{root} is not inside a git repository") from exc
    if rev.startswith("-") or not rev.strip() or any(ord(c) < 32 or c == "\x7f" for c in rev):
        raise DiffError(f"'{_visible(rev)}' is not a revision")
    try:
        commit = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except DiffError as exc:
        raise DiffError(f"'{rev}' is not a revision of this repository (try a branch, a tag or a commit id)") from exc
    top = Path(_git(root, "rev-parse", "--show-toplevel"))
    prefix = _git(root, "rev-parse", "--show-prefix")
    wanted = _data_files(top, commit, prefix, rev)
    if wanted:
        archive = _git(top, "archive", "--format=tar", commit, "--", *wanted, binary=True)
        try:
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                for member in tar.getmembers():
                    if not (member.isfile() or member.isdir()):  # ls-tree said files only; anything else is refused
                        raise DiffError(f"'{member.name}' at {rev} is not a plain file; it is not compared")
                tar.extractall(into, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise DiffError(f"the files of {rev} cannot be unpacked: {exc}") from None
    old_root = into / prefix if prefix else into
    old_root.mkdir(parents=True, exist_ok=True)
    return old_root, commit[:10]


def _data_files(top: Path, commit: str, prefix: str, rev: str) -> list[str]:
    """The data files of the root at `commit`; a symbolic link or a submodule among them is
    refused (a link in the history could point anywhere on the machine that runs diff)."""
    listing = _git(top, "ls-tree", "-r", "--full-tree", "-z", commit, "--", prefix or ".").split("\0")
    wanted = []
    for entry in listing:
        if not entry or "\t" not in entry:
            continue
        info, name = entry.split("\t", 1)
        mode = info.split(" ", 1)[0]
        relative = name[len(prefix) :]
        if not name.startswith(prefix) or not (_is_data(relative) or relative in ("org", "roles", "procedures")):
            continue
        if mode == "120000":
            raise DiffError(
                f"'{_visible(name)}' is a symbolic link at {rev}; the handbook reads plain files only, so {rev} cannot be compared (replace the link by the file in a new commit)"
            )
        if mode not in ("100644", "100755"):
            raise DiffError(f"'{_visible(name)}' at {rev} is not a plain file (mode {mode}); it cannot be compared")
        wanted.append(name)
    return wanted


def _visible(text: str) -> str:
    from generator.config_reader import visible

    return visible(text)


def _is_data(relative: str) -> bool:
    return relative == "handbook.yml" or relative.startswith(("org/", "roles/", "procedures/"))


# --- flattening a document into comparable keys -----------------------------------------


@dataclass
class Flat:
    """A document as {key: scalar}, with the items that carry an id (its entities)."""

    values: dict[Key, Any] = field(default_factory=dict)
    entities: dict[Key, tuple[str, Any]] = field(default_factory=dict)  # key → (kind, model)


def flatten(doc: BaseModel) -> Flat:
    flat = Flat()
    _flatten(doc, (), flat)
    return flat


def _flatten(value: Any, key: Key, flat: Flat) -> None:
    if isinstance(value, Text):
        flat.values[key + ("zh",)] = value.zh
        flat.values[key + ("en",)] = value.en
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _flatten(getattr(value, name), key + (name,), flat)
    elif isinstance(value, list) and value and all(isinstance(v, BaseModel) for v in value):
        for i, item in enumerate(value):
            ident = getattr(item, "id", None) or getattr(item, "label", None) or str(i + 1)
            sub = key + (str(ident),)
            if getattr(item, "id", None) and key and key[-1] in ENTITY_NAMES:
                flat.entities[sub] = (ENTITY_NAMES[key[-1]], item)
            _flatten(item, sub, flat)
    elif isinstance(value, list):
        flat.values[key] = tuple(value)
    elif value is not None and value != () and value is not False:
        flat.values[key] = value.isoformat() if hasattr(value, "isoformat") else value


def _entity_of(key: Key, entities: Iterable[Key]) -> Key:
    """The longest entity key that `key` lies under; () is the document itself."""
    best: Key = ()
    for ent in entities:
        if len(ent) > len(best) and key[: len(ent)] == ent:
            best = ent
    return best


def _rekey(flat: Flat, renames: dict[Key, Key]) -> Flat:
    """Rewrite old keys under renamed entities to their new keys."""
    if not renames:
        return flat

    def move(key: Key) -> Key:
        for old, new in renames.items():
            if key[: len(old)] == old:
                return new + key[len(old) :]
        return key

    return Flat({move(k): v for k, v in flat.values.items()}, {move(k): v for k, v in flat.entities.items()})


def _main_text(model: Any) -> Text | None:
    for name in ("text", "title", "name", "condition"):
        value = getattr(model, name, None)
        if isinstance(value, Text):
            return value
    if hasattr(model, "zh") and hasattr(model, "en"):  # glossary term
        return Text(zh=model.zh, en=model.en)
    return None


def _item_renames(old: Flat, new: Flat) -> dict[Key, Key]:
    """Items whose id changed but whose text stayed: same item, new id."""
    gone = [k for k in old.entities if k not in new.entities]
    came = [k for k in new.entities if k not in old.entities]
    renames: dict[Key, Key] = {}
    for g in gone:
        text = _main_text(old.entities[g][1])
        for c in came:
            if c in renames.values() or c[:-1] != g[:-1]:
                continue
            other = _main_text(new.entities[c][1])
            if text and other and (text.zh == other.zh or text.en == other.en):
                renames[g] = c
                break
    return renames


# --- report structure -------------------------------------------------------------------


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


def compare(old: Handbook, new: Handbook, label: str) -> str:
    """The Markdown report of what changed from `old` to `new`."""
    report = Report(old, new)
    report.role_renames = _doc_renames(old.roles, new.roles)
    report.proc_renames = _doc_renames(old.procedures, new.procedures)

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


# --- naming things ---------------------------------------------------------------------


def _md(text: str) -> str:
    """Text from YAML, made inert in Markdown (no HTML, links or table breaks)."""
    out = str(text).replace("\\", "\\\\").replace("\r", " ").replace("\n", " ")
    for ch in "`*_[]<>|#~":
        out = out.replace(ch, "\\" + ch)
    return out.replace("&", "&amp;")


def _code(text: str) -> str:
    return str(text).replace("`", "'").replace("\n", " ")


def _bi(text: Text | None) -> str:
    if text is None:
        return ""
    return f"{_md(text.zh)} / {_md(text.en)}"


def _role(book: Handbook, rid: str) -> str:
    role = book.roles.get(rid)
    if role is None:
        return f"`{_code(rid)}` (unknown role)"
    return f"{_md(role.title.zh)} ({_md(role.title.en)})"


def _role_head(role: Role) -> str:
    return f"{_bi(role.title)} (`{role.id}`)"


def _path_text(book: Handbook, hops: list[str]) -> str:
    return " → ".join(_role(book, h) for h in hops) if hops else "(no one: the top decides)"


# --- whole documents: added, removed, renamed -------------------------------------------------


def _similarity(a: Document, b: Document) -> float:
    strip = {"id", "title"}
    left = a.model_dump_json(exclude=strip)
    right = b.model_dump_json(exclude=strip)
    return difflib.SequenceMatcher(None, left, right, autojunk=False).ratio()


def _doc_renames(old: dict[str, Any], new: dict[str, Any]) -> dict[str, str]:
    """Pair documents that vanished with ones that appeared, by title or by likeness."""
    gone = [i for i in old if i not in new]
    came = [i for i in new if i not in old]
    scored = []
    for g in gone:
        for c in came:
            a, b = old[g], new[c]
            if a.title.zh == b.title.zh or a.title.en == b.title.en:
                score = 1.0
            else:
                score = _similarity(a, b)
            if score >= RENAME_SIMILARITY:
                scored.append((score, g, c))
    renames: dict[str, str] = {}
    for _, g, c in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if g not in renames and c not in renames.values():
            renames[g] = c
    return renames


def _document_changes(
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
    renames = _item_renames(old_flat, new_flat)
    for old_key, new_key in renames.items():
        if doc_kind and len(old_key) == 2:
            report.item_renames[(doc_kind, str(getattr(new, "id", "")), ":".join(old_key))] = ":".join(new_key)
    old_flat = _rekey(old_flat, renames)
    lines: list[str] = []
    for old_key, new_key in renames.items():
        kind = old_flat.entities.get(new_key, ("item",))[0]
        lines.append(f"- {kind} id changed: `{old_key[-1]}` → `{new_key[-1]}` (same text)")

    added = _top_level([k for k in new_flat.entities if k not in old_flat.entities])
    removed = _top_level([k for k in old_flat.entities if k not in new_flat.entities])
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
            before = _renamed(before, report.role_renames)
        if before == after or inside(key) or (key[-1] == "id" and key[:-1] in entities):
            continue
        ent = _entity_of(key, entities)
        changed[ent][key[len(ent) :]] = (before, after)
    for ent, fields in changed.items():
        kind = (new_flat.entities.get(ent) or old_flat.entities.get(ent) or ("",))[0]
        head = f"{kind} `{ent[-1]}`" if ent else ""
        lines += _field_changes(report, where, head, kind, fields, old_book, new_book, new_flat.values, ent)
    return lines


def _renamed(value: Any, renames: dict[str, str]) -> Any:
    if isinstance(value, tuple):
        return tuple(renames.get(v, v) for v in value)
    return renames.get(value, value) if isinstance(value, str) else value


def _top_level(keys: list[Key]) -> list[Key]:
    return [k for k in keys if not any(k != o and k[: len(o)] == o for o in keys)]


def _entity_summary(model: Any, book: Handbook, doc: BaseModel, kind: str) -> str:
    text = _main_text(model)
    out = _bi(text) if text else ""
    extra = []
    if getattr(model, "frequency", None) and model.frequency != "on-demand":
        extra.append(model.frequency)
    if getattr(model, "kind", None) and kind == "authority":
        extra.append(f"{model.kind}: {model.level}")
    if getattr(model, "owner", None):
        extra.append(f"owner {_role(book, model.owner)}")
    if kind in ("duty", "authority", "step", "aftercare step"):
        owner = model.owner if kind.endswith("step") else getattr(doc, "id", "")
        if owner in book.roles:
            extra.append(
                f"escalates to {_path_text(book, [h.role for h in escalation_path(book, owner, model.escalate_to).hops])}"
            )
    if getattr(model, "notify", None):
        extra.append(f"after {model.after_minutes} min notify {', '.join(_role(book, r) for r in model.notify)}")
    return out + (f" ({'; '.join(extra)})" if extra else "")


ROLE_REF_FIELDS = {"reports_to", "owner", "escalate_to", "notify", "head"}


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
                f"- {head + ' ' if head else ''}{_label(key)}: {_value(key, change[0], old_book, new_book)} → {_value(key, change[1], new_book, old_book)}"
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
    return "(none)" if value is None else f"“{_md(value)}”"


def _value(key: Key, value: Any, book: Handbook, fallback: Handbook | None = None) -> str:
    if value is None or value == ():
        return "(none)"
    if key and key[-1] in ROLE_REF_FIELDS:
        ids = value if isinstance(value, tuple) else (value,)
        return ", ".join(
            _role(fallback if fallback and r not in book.roles and r in fallback.roles else book, r) for r in ids
        )
    if key and key[-1] == "department" and value in book.departments:
        return f"{_md(book.departments[value].name.zh)} ({_md(book.departments[value].name.en)})"
    if isinstance(value, tuple):
        return ", ".join(f"`{_code(v)}`" for v in value)
    return f"`{_code(value)}`"


# --- roles ------------------------------------------------------------------------------


def _roles_section(report: Report) -> list[str]:
    old, new = report.old, report.new
    renamed_new = set(report.role_renames.values())
    lines: list[str] = []
    for rid, role in new.roles.items():
        if rid not in old.roles and rid not in renamed_new:
            report.count("role added")
            report.count("duty added", len(role.duties))
            chain = reporting_chain(new, rid).hops
            lines += [f"#### Added: {_role_head(role)}", ""]
            lines.append(
                f"- department {_value(('department',), role.department, new)}; reports to {_path_text(new, chain)}"
            )
            lines += [f"- duty `{d.id}`: {_bi(d.text)}" for d in role.duties]
            lines += [f"- authority `{a.id}`: {a.kind} = {a.level}" for a in role.authorities]
            lines.append("")
    for rid, role in old.roles.items():
        if rid not in new.roles and rid not in report.role_renames:
            report.count("role removed")
            report.count("duty removed", len(role.duties))
            lines += [f"#### Removed: {_role_head(role)}", ""]
            lines += [f"- duty `{d.id}` no longer listed: {_bi(d.text)}" for d in role.duties]
            orphans = [r.id for r in new.roles.values() if r.reports_to == rid]
            if orphans:
                lines.append(f"- ⚠ still named as superior by: {', '.join(f'`{o}`' for o in orphans)}")
            lines.append("")
    lines += _kept_documents(report, old.roles, new.roles, report.role_renames, _role_head, "role")
    return lines


def _with_id(doc: Document, new_id: str) -> Any:
    return doc if doc.id == new_id else doc.model_copy(update={"id": new_id})  # type: ignore[attr-defined]


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
                    f"- duty `{odid}` “{_md(duty.text.zh)}” / “{_md(duty.text.en)}”: {_role(old, old_owner)} → {_role(new, rid)}"
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
            rows.append(f"| {_role(new, rid)} | {_path_text(old, old_hops)} | {_path_text(new, after)} |")
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
                    f"procedure {_md(proc.title.zh)} ({_md(proc.title.en)}) step `{step.id}`",
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
        "Each duty, authority or procedure step whose escalation path is different now, with the reason left to the sections above.",
        "",
        "| Owner | Duty / step | Before | After |",
        "|---|---|---|---|",
    ]
    for (owner, mapped, hops), labels in sorted(grouped.items()):
        rows.append(
            f"| {_role(new, owner)} | {', '.join(labels)} | {_path_text(old, old_hops_of[mapped])} | {_path_text(new, list(hops))} |"
        )
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
            role = _role(new, rid) if rid in new.roles else _role(old, old_rid)
            kind_title = new.kinds.get(kind) or old.kinds.get(kind)
            kind_text = f"{_md(kind_title.title.zh)} ({_md(kind_title.title.en)})" if kind_title else f"`{_code(kind)}`"
            del book
            rows.append(f"| {role} | {kind_text} | {b or '—'} | {a or '—'} |")
    if not rows:
        return []
    return ["| Role | Permission | Before | After |", "|---|---|---|---|", *rows]


# --- procedures -------------------------------------------------------------------------


def _proc_head(proc: Procedure) -> str:
    return f"{_bi(proc.title)} (`{proc.id}`)"


def _procedures_section(report: Report) -> list[str]:
    old, new = report.old, report.new
    lines: list[str] = []
    renamed_new = set(report.proc_renames.values())
    for pid, proc in new.procedures.items():
        if pid not in old.procedures and pid not in renamed_new:
            report.count("procedure added")
            lines += [
                f"#### Added: {_proc_head(proc)}",
                "",
                f"- severity {proc.severity}; {len(proc.steps)} step(s); escalation after {', '.join(str(r.after_minutes) + ' min' for r in proc.escalation) or '—'}",
            ]
            lines += [
                f"- step `{s.id}` ({_role(new, s.owner)}{f', within {s.within_minutes} min' if s.within_minutes is not None else ''}): {_bi(s.text)}"
                for s in proc.steps
            ]
            lines.append("")
    for pid, proc in old.procedures.items():
        if pid not in new.procedures and pid not in report.proc_renames:
            report.count("procedure removed")
            lines += [f"#### Removed: {_proc_head(proc)}", ""]
    lines += _kept_documents(report, old.procedures, new.procedures, report.proc_renames, _proc_head, "procedure")
    return lines


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
        changes = _document_changes(report, head(doc), _with_id(before, new_id), doc, report.old, report.new, kind)
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


# --- organisation files -----------------------------------------------------------------------


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
        changes = _document_changes(report, name, before, after, old, new)
        if changes:
            lines += [f"#### {name}", "", *changes, ""]
    return lines
