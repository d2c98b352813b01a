"""Readiness: is every procedure usable in the minute it is needed?

The rules here look at what a front desk will dial and when: every contact named
exists and has a number at every property, no placeholder stands where a number or a
name belongs, printed cards can carry their QR code, the escalation ladder agrees with
the steps, and a step owned by a whole department names the post on duty.  They run
on the handbook as loaded (all properties at once); codes E710–E739 / W710–W739.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.catalogue import duration
from generator.contacts import CONTACTS_FILE, contact_ids, numbers_for
from generator.findings import Finding, did_you_mean
from generator.model import Contact, Document, Handbook, Procedure, Site, Text
from generator.positions import Location

#: What people type where they do not know the value yet.
_PLACEHOLDER = re.compile(
    r"待定|待填|待补|待确认|未定|某某|TBD|TBC|TODO|\bN/?A\b|x{3,}|\?{2,}|？{2,}|\*{2,}|0{3,}-?0{4,}", re.IGNORECASE
)
_ONLY_DASHES = re.compile(r"^[\s—–\-_.·/]*$")


def placeholder_in(value: str, *, number: bool = False) -> bool:
    """True when `value` is a stand-in ("—", "待定", "TBD", "xxx" …), not a real value."""
    if _ONLY_DASHES.match(value) or _PLACEHOLDER.search(value):
        return True
    return number and not re.search(r"[0-9]", value)  # a number with no digit at all: a stand-in


def _text_placeholder(doc: Document, path: tuple, text: Text | None, what: str) -> Iterator[Finding]:
    if text is None:
        return
    for lang in ("zh", "en"):
        value = getattr(text, lang)
        if placeholder_in(value):
            yield Finding.at(
                doc.where(*path, lang),
                "E712",
                f"{what} ({lang}) is a placeholder '{value[:30]}'; write the real {what}",
            )


def _number_placeholders(doc: Document, path: tuple, numbers: list[str], what: str) -> Iterator[Finding]:
    for i, number in enumerate(numbers):
        if placeholder_in(number, number=True):
            yield Finding.at(
                doc.where(*path, i),
                "E712",
                f"the number of {what} is '{number[:30]}', not a number to dial; write the real number (digits,"
                " spaces, hyphens)",
            )


def placeholders(book: Handbook) -> Iterator[Finding]:
    """No stand-in where staff would read a number, a name or an address."""
    if book.contacts_file:
        for i, entry in enumerate(book.contacts_file.contacts):
            yield from _text_placeholder(book.contacts_file, ("contacts", i, "name"), entry.name, "name")
            yield from _number_placeholders(
                book.contacts_file, ("contacts", i, "numbers"), entry.numbers, f"'{entry.id}'"
            )
    for site in book.sites.values():
        yield from _text_placeholder(site, ("name",), site.name, "name of the property")
        yield from _text_placeholder(site, ("address",), site.address, "address")
        for cid, numbers in site.contacts.items():
            yield from _number_placeholders(site, ("contacts", cid), numbers, f"'{cid}'")
    for proc in book.procedures.values():
        for i, c in enumerate(proc.contacts):
            if isinstance(c, Contact):
                yield from _text_placeholder(proc, ("contacts", i, "name"), c.name, "name")
                if placeholder_in(c.number, number=True):
                    yield Finding.at(
                        proc.where("contacts", i, "number"),
                        "E712",
                        f"the number of '{c.id}' is '{c.number[:30]}', not a number to dial; write the real number, or"
                        f" name a contact of {CONTACTS_FILE} by its id",
                    )
                yield from _number_placeholders(proc, ("contacts", i, "others"), c.others, f"'{c.id}'")
    if book.meta:
        yield from _text_placeholder(book.meta, ("organisation",), book.meta.organisation, "name of the organisation")


def contact_references(book: Handbook) -> Iterator[Finding]:
    """Every contact named exists: in the contact book or written out in the procedure."""
    for proc in book.procedures.values():
        own = {c.id for c in proc.contacts if isinstance(c, Contact)}
        known = own | set(book.contacts)
        for doc_path, ref in _contact_refs(proc):
            if ref not in known:
                yield Finding.at(
                    proc.where(*doc_path),
                    "E710",
                    f"no contact has the id '{ref}'{did_you_mean(ref, known)}; add it to {CONTACTS_FILE} or correct"
                    " the id",
                )
    for site in book.sites.values():
        for cid in site.contacts:
            if cid not in book.contacts:
                yield Finding.at(
                    site.source_map.where(("contacts", cid), key=True),
                    "E710",
                    f"no contact has the id '{cid}'{did_you_mean(cid, book.contacts)}; add it to {CONTACTS_FILE} or"
                    " correct the id",
                )
    if book.contacts_file:
        seen: dict[str, int] = {}
        for i, c in enumerate(book.contacts_file.contacts):
            if c.id in seen:
                yield Finding.at(
                    book.contacts_file.where("contacts", i, "id"),
                    "E302",
                    f"the contact id '{c.id}' is used twice (also at line"
                    f" {book.contacts_file.where('contacts', seen[c.id], 'id').line})",
                )
            seen.setdefault(c.id, i)


def _contact_refs(proc: Procedure) -> Iterator[tuple[tuple, str]]:
    for i, c in enumerate(proc.contacts):
        if isinstance(c, str):
            yield ("contacts", i), c
    for i, ref in enumerate(proc.first_call):
        yield ("first_call", i), ref
    for field in ("steps", "aftercare"):
        for i, step in enumerate(getattr(proc, field)):
            for j, ref in enumerate(step.call):
                yield (field, i, "call", j), ref
    for i, rung in enumerate(proc.escalation):
        for j, ref in enumerate(rung.call):
            yield ("escalation", i, "call", j), ref


def contact_numbers(book: Handbook) -> Iterator[Finding]:
    """A contact a procedure names has a number at every property (or in the book)."""
    sites: list[Site | None] = [*book.sites.values()] or [None]
    needed: dict[str, tuple[Procedure, tuple]] = {}
    for proc in book.procedures.values():
        refs = dict(_contact_refs(proc))
        where = {ref: path for path, ref in reversed(list(refs.items()))}
        for ref in contact_ids(proc):
            if ref in book.contacts and ref not in {c.id for c in proc.contacts if isinstance(c, Contact)}:
                needed.setdefault(ref, (proc, where.get(ref, ("id",))))
    for ref, (proc, path) in needed.items():
        for site in sites:
            if numbers_for(book, ref, site):
                continue
            entry_at = (
                book.contacts_file.where("contacts", _index(book, ref), "id")
                if book.contacts_file
                else proc.where(*path)
            )
            if site is None:
                yield Finding.at(
                    entry_at,
                    "E711",
                    f"the contact '{ref}' (named in {proc.source_map.file}) has no number; give it `numbers:` here, or"
                    " add sites/<id>.yml with its number",
                )
            else:
                yield Finding.at(
                    site.where("contacts") if site.contacts else site.where("id"),
                    "E711",
                    f"the property '{site.id}' has no number for '{ref}' (named in {proc.source_map.file}); add"
                    f' `{ref}: ["…"]` under contacts',
                )


def _index(book: Handbook, ref: str) -> int:
    assert book.contacts_file is not None
    return next(i for i, c in enumerate(book.contacts_file.contacts) if c.id == ref)


def qr_codes(book: Handbook) -> Iterator[Finding]:
    """A card without base_url prints no QR code: staff cannot open the live page from it."""
    if book.procedures and book.meta is not None and not (book.meta.base_url or "").strip():
        yield Finding.at(
            Location(book.meta.source_map.file or "handbook.yml", 1, 1),
            "W710",
            "handbook.yml has no base_url, so the procedure cards will have no QR code to the live page; add"
            " base_url: https://… (where the site is published)",
        )


def ladder_agreement(book: Handbook) -> Iterator[Finding]:
    """The ladder and the steps say the same: who is told, and by when."""
    for proc in book.procedures.values():
        if not proc.escalation:
            continue
        last = max(proc.escalation, key=lambda r: r.after_minutes)
        for i, step in enumerate(proc.steps):
            targets = {("role", r) for r in step.notify} | {("contact", c) for c in step.call}
            limit = step.within_minutes
            if limit is None:
                continue
            for j, rung in enumerate(proc.escalation):
                same = targets & ({("role", r) for r in rung.notify} | {("contact", c) for c in rung.call})
                if same and rung.after_minutes < limit:
                    names = ", ".join(sorted(t for _, t in same))
                    fires, due = duration(rung.after_minutes, "en", "after_minutes"), duration(limit, "en")
                    yield Finding.at(
                        proc.where("escalation", j, "after_minutes"),
                        "W711",
                        f"rung '{rung.id}' ({fires}) tells {names} before step '{step.id}'"
                        f" ({due}, line {proc.where('steps', i).line}) is due to; give both the same time",
                    )
            if limit > last.after_minutes:
                yield Finding.at(
                    proc.where("steps", i, "within_minutes"),
                    "W712",
                    f"step '{step.id}' allows {limit} min, more than the ladder's last rung '{last.id}'"
                    f" ({last.after_minutes} min, line {proc.where('escalation', proc.escalation.index(last)).line});"
                    " shorten the step or extend the ladder",
                )


def posts_on_duty(book: Handbook) -> Iterator[Finding]:
    """A step owned by a whole department (a team) needs the post that is on duty at night."""
    departments_file = book.departments_file
    for dept_file_index, dept in enumerate(departments_file.departments if departments_file else []):
        for j, ref in enumerate(dept.on_duty):
            if ref not in book.roles:
                assert departments_file is not None  # it lists the department
                yield Finding.at(
                    departments_file.where("departments", dept_file_index, "on_duty", j),
                    "E401",
                    f"no role has the id '{ref}'{did_you_mean(ref, book.roles)}",
                )
    for proc in book.procedures.values():
        for field in ("steps", "aftercare"):
            for i, step in enumerate(getattr(proc, field)):
                for j, ref in enumerate(step.notify):
                    if ref not in book.roles:
                        yield Finding.at(
                            proc.where(field, i, "notify", j),
                            "E401",
                            f"no role has the id '{ref}'{did_you_mean(ref, book.roles)}",
                        )
                role = book.roles.get(step.owner)
                if field == "aftercare":
                    continue  # follow-up work of the next days: office hours are fine
                if role is None or not role.team:
                    continue
                team_dept = book.departments.get(role.department)
                if team_dept is None or team_dept.on_duty:
                    continue
                yield Finding.at(
                    proc.where(field, i, "owner"),
                    "W713",
                    f"step '{step.id}' is owned by the team '{role.id}', not a post: who acts at night? Name a post as"
                    f" owner, or list the posts on duty under `on_duty:` of the department '{role.department}'",
                )


RULES = [contact_references, contact_numbers, placeholders, qr_codes, ladder_agreement, posts_on_duty]
