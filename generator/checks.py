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
from typing import Any
from pathlib import Path as FsPath

from pydantic import BaseModel

from generator.escalation import escalation_path, reporting_chain
from generator.findings import Finding, did_you_mean
from generator.model import CJK, Document, Handbook, Text
from generator.positions import Path, dotted

Rule = Callable[[Handbook], Iterable[Finding]]

#: Markers that `handbook new` writes where a person must write the text.
PLACEHOLDERS = ("FILL IN", "待填写")


def run_checks(book: Handbook, today: dt.date | None = None) -> list[Finding]:
    """All findings of all rules, sorted by file and position."""
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule(book))
    findings.extend(review_dates(book, today or dt.date.today()))
    return sorted(set(findings))



# --- ids --------------------------------------------------------------------------


def file_names(book: Handbook) -> Iterator[Finding]:
    """A file is named after its id, so that links and diffs can find it."""
    for doc in [*book.roles.values(), *book.procedures.values()]:
        stem = FsPath(doc.source_map.file).stem
        if stem != doc.id:
            yield Finding.at(doc.where("id"), "E303", f"the file is named '{stem}' but its id is '{doc.id}'; rename the file to {doc.id}.yml")


def unique_ids(book: Handbook) -> Iterator[Finding]:
    """Ids are unique within their kind: anchors on a page and keys of a diff hang on them."""
    if book.departments_file:
        yield from _unique(book.departments_file, "departments", book.departments_file.departments, "department")
    if book.authorities_file:
        yield from _unique(book.authorities_file, "kinds", book.authorities_file.kinds, "permission kind")
    if book.glossary_file:
        yield from _unique(book.glossary_file, "terms", book.glossary_file.terms, "glossary term")
    singular = {"sections": "section", "duties": "duty", "authorities": "authority", "requirements": "requirement", "standards": "standard"}
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
                    yield Finding.at(proc.where(*at), "E302", f"the id '{ident}' is used twice in this procedure (also at line {proc.where(*seen[ident]).line})")
                else:
                    seen[ident] = at


def _unique(doc: Document, field: str, items: list[BaseModel], kind: str) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        ident = getattr(item, "id")
        if ident in seen:
            line = doc.where(field, seen[ident], "id").line
            yield Finding.at(doc.where(field, i, "id"), "E302", f"the {kind} id '{ident}' is used twice (also at line {line})")
        else:
            seen[ident] = i


# --- references ----------------------------------------------------------------------


def role_references(book: Handbook) -> Iterator[Finding]:
    """Every role named anywhere exists."""
    for doc, path, ref in _role_refs(book):
        if ref not in book.roles:
            yield Finding.at(doc.where(*path), "E401", f"no role has the id '{ref}'{did_you_mean(ref, book.roles)}")


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
            yield Finding.at(role.where("department"), "E402", f"no department has the id '{role.department}'{did_you_mean(role.department, book.departments)}")
        for i, dept in enumerate(role.liaises_with):
            if book.departments_file and dept not in book.departments:
                yield Finding.at(role.where("liaises_with", i), "E402", f"no department has the id '{dept}'{did_you_mean(dept, book.departments)}")
        for i, auth in enumerate(role.authorities):
            if book.authorities_file and auth.kind not in book.kinds:
                yield Finding.at(role.where("authorities", i, "kind"), "E403", f"no permission kind has the id '{auth.kind}'{did_you_mean(auth.kind, book.kinds)}")
        sections = {s.id for s in role.sections}
        for i, duty in enumerate(role.duties):
            if duty.section is not None and duty.section not in sections:
                yield Finding.at(role.where("duties", i, "section"), "E404", f"the role has no section '{duty.section}'{did_you_mean(duty.section, sections)}")


# --- organisation ----------------------------------------------------------------------


def organisation(book: Handbook) -> Iterator[Finding]:
    """One or more declared tops; everyone else reports to someone, without cycles."""
    if book.roles and not book.top_roles():
        heads = [r for r in book.roles.values() if r.reports_to is None] or [min(book.roles.values(), key=lambda r: r.source_map.file)]
        for head in heads:
            yield Finding.at(head.where("top"), "E501", f"no role is marked `top: true`; if '{head.id}' heads the organisation, mark it `top: true`")
    for role in book.roles.values():
        if role.top and role.reports_to is not None:
            yield Finding.at(role.where("reports_to"), "E503", f"'{role.id}' is marked top but reports to '{role.reports_to}'; remove one of the two")
            continue
        if not role.top and role.reports_to is None:
            yield Finding.at(role.where("id"), "E503", f"'{role.id}' reports to no one; add reports_to, or mark it `top: true` if it heads the organisation")
            continue
        chain = reporting_chain(book, role.id)
        if chain.cycle:
            if role.id in chain.cycle:  # reported on each role of the circle, not on those leading into it
                loop = " → ".join([*chain.cycle, chain.cycle[0]])
                yield Finding.at(role.where("reports_to"), "E502", f"reporting lines go round in a circle: {loop}")
        elif not chain.reaches_top and chain.hops and chain.hops[-1] in book.roles:
            yield Finding.at(role.where("reports_to"), "E504", f"the reporting line of '{role.id}' ends at '{chain.hops[-1]}', which is not a top role")


# --- escalation -------------------------------------------------------------------------


def escalation_paths(book: Handbook) -> Iterator[Finding]:
    """Every duty, authority and step has a valid path from its owner to the top."""
    verdicts: dict[tuple[str, tuple[str, ...]], tuple[str, str] | None] = {}
    for role in book.roles.values():
        for field in ("duties", "authorities"):
            for i, item in enumerate(getattr(role, field)):
                yield from _path_findings(book, role, (field, i), role.id, item.escalate_to, verdicts)
    for proc in book.procedures.values():
        for field in ("steps", "aftercare"):
            for i, step in enumerate(getattr(proc, field)):
                if step.owner in book.roles:
                    yield from _path_findings(book, proc, (field, i), step.owner, step.escalate_to, verdicts)


def _path_findings(book: Handbook, doc: Document, at: Path, owner: str, explicit: list[str],
                   verdicts: dict[tuple[str, tuple[str, ...]], tuple[str, str] | None]) -> Iterator[Finding]:
    # The 28,000 duties and authorities of 1,000 roles share a few thousand (owner,
    # escalate_to) pairs: each path is followed once, and its verdict reused.
    key = (owner, tuple(explicit))
    if key not in verdicts:
        verdicts[key] = _path_verdict(book, owner, explicit)
    verdict = verdicts[key]
    if verdict is not None:
        where = doc.where(*at, "escalate_to") if explicit else doc.where(*at)
        yield Finding.at(where, *verdict)


def _path_verdict(book: Handbook, owner: str, explicit: list[str]) -> tuple[str, str] | None:
    """The code and message of what is wrong with the path, or None when it is sound."""
    if any(ref not in book.roles for ref in explicit):
        return None  # reported as E401
    path = escalation_path(book, owner, explicit)
    if path.broken_chain:
        return None  # the reporting line itself is wrong: reported as E502/E504/E401
    roles = [h.role for h in path.hops]
    if owner not in roles and not path.revisits and path.reaches_top:
        return None  # the common case
    shown = " → ".join(roles) or "(none)"
    if owner in roles:
        return "E602", f"the path escalates back to its owner '{owner}': {shown}"
    if path.revisits:
        return "E601", f"the path visits '{path.revisits}' twice: {shown}"
    return "E603", f"the path {shown} does not end at the top of the organisation"


# --- completeness ------------------------------------------------------------------------


def completeness(book: Handbook) -> Iterator[Finding]:
    """Roles have duties; procedures have steps and a ladder with time limits."""
    for role in book.roles.values():
        if not role.duties:
            yield Finding.at(role.where("duties"), "E701", f"the role '{role.id}' lists no duty; every role has at least one")
    for proc in book.procedures.values():
        if not proc.steps:
            yield Finding.at(proc.where("steps"), "E702", f"the procedure '{proc.id}' has no step")
        if not proc.escalation:
            yield Finding.at(proc.where("escalation"), "E703", f"the procedure '{proc.id}' has no escalation rung with a time limit (after_minutes)")


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
        if CJK.search(zh) and not CJK.search(en) and en.strip() and not _PLACEHOLDER.search(zh) and not _PLACEHOLDER.search(en):
            continue  # the common case, settled with four searches
        for lang in ("zh", "en"):
            value = getattr(text, lang)
            if not value.strip():
                yield Finding.at(doc.where(*path, lang), "E801", f"the {lang} text is empty")
            elif any(marker in value for marker in PLACEHOLDERS):
                yield Finding.at(doc.where(*path, lang), "E704", f"{dotted(path)}.{lang} is still a placeholder; write the real text")
        if text.zh.strip() and not CJK.search(text.zh) and not any(m in text.zh for m in PLACEHOLDERS):
            yield Finding.at(doc.where(*path, "zh"), "E802", f"the zh text has no Chinese characters: '{text.zh[:40]}'")
        match = CJK.search(text.en)
        if match:
            yield Finding.at(doc.where(*path, "en"), "E803", f"the en text contains Chinese ('{match.group()}'); translate it")


def glossary(book: Handbook, found: list[tuple[Document, Path, Text]] | None = None) -> Iterator[Finding]:
    """A glossary term in the Chinese should appear in its glossary English."""
    terms = [(t, [t.en.lower(), *(a.lower() for a in t.also)]) for t in book.terms]
    present = _terms_in(terms)
    for doc, path, text in all_texts(book) if found is None else found:
        if doc is book.glossary_file:
            continue
        used = present(text.zh)
        if not used:
            continue
        english = text.en.lower()
        for term, forms in used:
            if not any(form in english for form in forms):
                yield Finding.at(doc.where(*path, "en"), "W810", f"the Chinese uses '{term.zh}' but the English has none of: {', '.join(forms)}")


Terms = list[tuple[Any, list[str]]]


def _terms_in(terms: Terms) -> Callable[[str], Terms]:
    """A function from a Chinese text to the terms it contains, in glossary order.

    One regular expression finds, at each position, the longest term starting there; a
    shorter term starting at the same position is a prefix of that one, so the terms
    contained in each term found complete the set.  Testing every term against every
    text took a quarter of a second at 1,000 roles.
    """
    if not terms or any(not term.zh for term, _ in terms):
        return lambda zh: [(term, forms) for term, forms in terms if term.zh in zh]
    words = sorted({term.zh for term, _ in terms}, key=len, reverse=True)
    starts = re.compile("(?=(" + "|".join(re.escape(w) for w in words) + "))")
    inside = {w: {v for v in words if v in w} for w in words}

    def present(zh: str) -> Terms:
        hits = starts.findall(zh)
        if not hits:
            return []
        seen = set().union(*(inside[h] for h in set(hits)))
        return [(term, forms) for term, forms in terms if term.zh in seen]

    return present


def all_texts(book: Handbook) -> Iterator[tuple[Document, Path, Text]]:
    """Every bilingual text of the handbook with the document and path it sits at."""
    docs: list[Document] = [d for d in (book.meta, book.departments_file, book.authorities_file, book.glossary_file) if d]
    docs += [*book.roles.values(), *book.procedures.values()]
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
        fields = _FIELDS[cls] = tuple(name for name, info in cls.model_fields.items() if _may_hold_model(info.annotation))
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
        yield Finding.at(book.meta.where("base_url"), "E204", f"base_url '{url[:80]}' is not a web address; write it as https://host/path/")


# --- document control --------------------------------------------------------------------


def review_dates(book: Handbook, today: dt.date) -> Iterator[Finding]:
    """ISO 9001 asks that controlled documents be reviewed; warn when a review is overdue."""
    period = book.meta.review_period_days if book.meta else 365
    for doc in [*book.roles.values(), *book.procedures.values()]:
        age = (today - doc.document.reviewed).days
        if age > period:
            yield Finding.at(doc.where("document", "reviewed"), "W901", f"last reviewed {doc.document.reviewed}, {age} days ago; the review period is {period} days")


from generator import readiness  # noqa: E402  (contacts, numbers, ladders, posts on duty)

RULES: list[Rule] = [
    unique_ids,
    file_names,
    role_references,
    other_references,
    organisation,
    escalation_paths,
    completeness,
    texts,
    base_url,
    *readiness.RULES,
]
