"""The rules of `handbook check` that span more than one value or file.

Each rule is a small function from the loaded handbook to findings; `RULES` lists them
in the order of their codes.  The shape of single values (types, unknown keys, id
format) is the model's job and has already been reported by the loader.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path as FsPath
from typing import Any

from pydantic import BaseModel

from generator.escalation import Hierarchy
from generator.findings import Finding, did_you_mean, shown
from generator.input_slips import WIDE_PUNCTUATION, WIDE_SPACES, wide_punctuation_message, wide_space_message
from generator.model import CJK, Document, Handbook, Text
from generator.positions import Path, dotted

Rule = Callable[[Handbook], Iterable[Finding]]

#: Markers that `handbook new` writes where a person must write the text.
PLACEHOLDERS = ("FILL IN", "待填写")

#: What `handbook import` writes where the English is still to be translated (E804).
TRANSLATION_GAP = "TO TRANSLATE"


def run_checks(book: Handbook, today: dt.date | None = None) -> list[Finding]:
    """All findings of all rules, sorted by file and position."""
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule(book))
    today = today or dt.date.today()
    findings.extend(review_dates(book, today))
    findings.extend(plausible_dates(book, today))
    return sorted(set(findings))


# --- ids --------------------------------------------------------------------------


def file_names(book: Handbook) -> Iterator[Finding]:
    """A file is named after its id, so that links and diffs can find it."""
    for doc in [*book.roles.values(), *book.procedures.values()]:
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
                f"the file is in {folder}/ but its department is '{role.department}'; move it to roles/{role.department}/{parts[-1]} or correct the department",
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
                        f"the id '{ident}' is used twice in this procedure (also at line {proc.where(*seen[ident]).line})",
                    )
                else:
                    seen[ident] = at


def _unique(doc: Document, field: str, items: list[BaseModel], kind: str) -> Iterator[Finding]:
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
                f"'{top.id}' is marked `top: true`, and so is {listed}; an organisation has one top: keep `top: true` on the role that heads it and make the others report to it",
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


# --- completeness ------------------------------------------------------------------------


def completeness(book: Handbook) -> Iterator[Finding]:
    """Roles have duties; procedures have steps and a ladder with time limits."""
    for role in book.roles.values():
        if not role.duties:
            yield Finding.at(
                role.where("duties"), "E701", f"the role '{role.id}' lists no duty; every role has at least one"
            )
    for proc in book.procedures.values():
        if not proc.steps:
            yield Finding.at(proc.where("steps"), "E702", f"the procedure '{proc.id}' has no step")
        if not proc.escalation:
            yield Finding.at(
                proc.where("escalation"),
                "E703",
                f"the procedure '{proc.id}' has no escalation rung with a time limit (after_minutes)",
            )
        for i, rung in enumerate(proc.escalation):
            if not rung.notify:  # the threshold passes and nobody is told
                yield Finding.at(
                    proc.where("escalation", i, "notify"),
                    "E604",
                    f"the rung '{rung.id}' notifies nobody; list the roles to tell when {rung.after_minutes} minutes have passed",
                )


# --- languages ------------------------------------------------------------------------


def texts(book: Handbook) -> Iterator[Finding]:
    """The language and glossary rules, in one walk over the 44,000 texts of 1,000 roles."""
    found = list(all_texts(book))
    yield from languages(book, found)
    yield from glossary(book, found)


_PLACEHOLDER = re.compile("|".join(re.escape(m) for m in PLACEHOLDERS))


def languages(book: Handbook, found: list[tuple[Document, Path, Text]] | None = None) -> Iterator[Finding]:
    """Both languages present and in the right script; no placeholder left."""
    for doc, path, text in all_texts(book) if found is None else found:
        zh, en = text.zh, text.en
        if (
            CJK.search(zh)
            and not CJK.search(en)
            and en.strip()
            and not _PLACEHOLDER.search(zh)
            and not _PLACEHOLDER.search(en)
        ):
            if en.startswith(TRANSLATION_GAP):
                yield Finding.at(
                    doc.where(*path, "en"),
                    "E804",
                    f"{dotted(path)}.en is a translation to write: translate '{zh[:30]}'",
                )
            continue  # the common case, settled with four searches
        for lang in ("zh", "en"):
            value = getattr(text, lang)
            if not value.strip():
                yield Finding.at(doc.where(*path, lang), "E801", f"the {lang} text is empty")
            elif any(marker in value for marker in PLACEHOLDERS):
                yield Finding.at(
                    doc.where(*path, lang), "E704", f"{dotted(path)}.{lang} is still a placeholder; write the real text"
                )
        if text.zh.strip() and not CJK.search(text.zh) and not any(m in text.zh for m in PLACEHOLDERS):
            yield Finding.at(doc.where(*path, "zh"), "E802", f"the zh text has no Chinese characters: '{text.zh[:40]}'")
        match = CJK.search(text.en)
        if match:
            yield Finding.at(
                doc.where(*path, "en"), "E803", f"the en text contains Chinese ('{match.group()}'); translate it"
            )


def glossary(book: Handbook, found: list[tuple[Document, Path, Text]] | None = None) -> Iterator[Finding]:
    """A glossary term in the Chinese should appear in its glossary English."""
    terms = [(t, [t.en.lower(), *(a.lower() for a in t.also)]) for t in book.terms]
    present = _terms_in(terms)
    for doc, path, text in all_texts(book) if found is None else found:
        if doc is book.glossary_file or text.en.startswith(TRANSLATION_GAP):
            continue  # a translation still to write is E804, not a wrong word in it
        used = present(text.zh)
        if not used:
            continue
        english = text.en.lower()
        for term, forms in used:
            if not any(form in english for form in forms):
                yield Finding.at(
                    doc.where(*path, "en"),
                    "W810",
                    f"the Chinese uses '{term.zh}' but the English has none of: {', '.join(forms)}",
                )


Terms = list[tuple[Any, list[str]]]


def _terms_in(terms: Terms) -> Callable[[str], Terms]:
    """A function from a Chinese text to the terms it contains, in glossary order.

    The terms are put in a trie (one dict per character).  In each text, a regular
    expression finds the characters that start some term, in C, and the trie is walked
    from each of those only.  Testing every term against every text took a quarter of a
    second at 1,000 roles; one regular expression of all terms, whose alternatives the
    engine tries one by one at every position, took 17 s with a 20,000-term glossary and
    a subset table between all terms another few (quadratic).  This is linear in the
    length of the texts and of the glossary.
    """
    if not terms or any(not term.zh for term, _ in terms):
        return lambda zh: [(term, forms) for term, forms in terms if term.zh in zh]
    order: dict[str, list[int]] = {}
    trie: dict[str, Any] = {}
    for i, (term, _) in enumerate(terms):
        order.setdefault(term.zh, []).append(i)
        node = trie
        for char in term.zh:
            node = node.setdefault(char, {})
        node[""] = term.zh  # "" is never a character of a text: it marks the end of a term
    starts = re.compile("[" + "".join(re.escape(c) for c in trie) + "]")

    def present(zh: str) -> Terms:
        found: set[str] = set()
        end = len(zh)
        for match in starts.finditer(zh):
            node = trie
            for j in range(match.start(), end):
                node = node.get(zh[j])
                if node is None:
                    break
                word = node.get("")
                if word is not None:
                    found.add(word)
        if not found:
            return []
        return [terms[i] for i in sorted(i for word in found for i in order[word])]

    return present


def all_texts(book: Handbook) -> Iterator[tuple[Document, Path, Text]]:
    """Every bilingual text of the handbook with the document and path it sits at."""
    docs: list[Document] = [
        d for d in (book.meta, book.departments_file, book.authorities_file, book.glossary_file) if d
    ]
    docs += [*book.roles.values(), *book.procedures.values()]
    docs += [d for d in (book.contacts_file, *book.sites.values()) if d]  # the contact book and the properties
    for doc in docs:
        found: list[tuple[Document, Path, Text]] = []
        _texts_in(doc, doc, (), found)
        yield from found


def _texts_in(doc: Document, value: object, path: Path, out: list[tuple[Document, Path, Text]]) -> None:
    # Appends rather than yields: nested generators cost a frame per level for every
    # text; and only the fields that can hold a text are visited (see `_text_fields`).
    if isinstance(value, Text):
        out.append((doc, path, value))
    elif isinstance(value, BaseModel):
        for name in _text_fields(type(value)):
            child = getattr(value, name)
            if isinstance(child, (BaseModel, list)):
                _texts_in(doc, child, path + (name,), out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, (BaseModel, list)):
                _texts_in(doc, item, path + (i,), out)


_FIELDS: dict[type, tuple[str, ...]] = {}


def _text_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model class whose type can hold a model (and so a text), in order.

    Ids, dates, numbers and lists of ids are most of the fields of a duty; skipping them
    halved the walk over the 44,000 texts of 1,000 roles.
    """
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = tuple(
            name for name, info in cls.model_fields.items() if _may_hold_model(info.annotation)
        )
    return fields


def _may_hold_model(annotation: object) -> bool:
    if isinstance(annotation, type):
        return issubclass(annotation, BaseModel) or annotation is object
    if typing.get_origin(annotation) is typing.Annotated:
        return _may_hold_model(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) is typing.Literal:
        return False
    args = typing.get_args(annotation)
    if not args:
        return True  # Any, a forward reference, something unforeseen: look inside
    return any(_may_hold_model(arg) for arg in args if arg is not type(None))


# --- the handbook as a whole ----------------------------------------------------------------

_WEB_URL = re.compile(r"^https?://[^\s/?#<>\"'`]+(/[^\s<>\"'`]*)?$")


def base_url(book: Handbook) -> Iterator[Finding]:
    """The published address becomes the site's URL and the QR codes on printed cards.

    Anything but a plain http(s) address (javascript:, a relative path, spaces) would make a
    card that sends staff nowhere, or MkDocs refuse the build.
    """
    url = book.meta.base_url if book.meta else None
    if url is not None and not _WEB_URL.match(url):
        yield Finding.at(
            book.meta.where("base_url"),
            "E204",
            f"base_url '{url[:80]}' is not a web address; write it as https://host/path/",
        )


# --- document control --------------------------------------------------------------------


#: No document of a property-management office in China is in force before this.
EARLIEST = dt.date(1980, 1, 1)
#: How far ahead a version may come into force.
AHEAD_YEARS = 5


def plausible_dates(book: Handbook, today: dt.date) -> Iterator[Finding]:
    """Dates a person could have meant: a review done by today, a version in force since 1980.

    `reviewed: 9999-12-31` would silence the overdue-review warning for good, and a year
    typed 1900 or 2206 would print on every role sheet.
    """
    latest = today + dt.timedelta(days=round(365.25 * AHEAD_YEARS))
    dated: list[tuple[Document, Path, dt.date, str]] = []
    if book.meta:
        dated.append((book.meta, ("effective",), book.meta.effective, "effective"))
    for doc in [*book.roles.values(), *book.procedures.values()]:
        dated.append((doc, ("document", "effective"), doc.document.effective, "effective"))
        dated.append((doc, ("document", "reviewed"), doc.document.reviewed, "reviewed"))
    for doc, path, date, kind in dated:
        if date < EARLIEST:
            yield Finding.at(
                doc.where(*path), "E209", f"{dotted(path)} is {date}, before {EARLIEST.year}; correct the year"
            )
        elif kind == "reviewed" and date > today + dt.timedelta(days=1):
            yield Finding.at(
                doc.where(*path),
                "E209",
                f"{dotted(path)} is {date}, after today ({today}); a review date is the day the review was done",
            )
        elif date > latest:
            yield Finding.at(
                doc.where(*path),
                "E209",
                f"{dotted(path)} is {date}, more than {AHEAD_YEARS} years ahead; correct the year",
            )


def review_dates(book: Handbook, today: dt.date) -> Iterator[Finding]:
    """ISO 9001 asks that controlled documents be reviewed; warn when a review is overdue."""
    period = book.meta.review_period_days if book.meta else 365
    for doc in [*book.roles.values(), *book.procedures.values()]:
        age = (today - doc.document.reviewed).days
        if age > period:
            yield Finding.at(
                doc.where("document", "reviewed"),
                "W901",
                f"last reviewed {doc.document.reviewed}, {age} days ago; the review period is {period} days",
            )


from generator import readiness  # noqa: E402  (contacts, numbers, ladders, posts on duty)

RULES: list[Rule] = [
    unique_ids,
    file_names,
    role_folders,
    role_references,
    other_references,
    organisation,
    escalation_paths,
    completeness,
    texts,
    base_url,
    *readiness.RULES,
]
