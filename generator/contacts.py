"""The contact book, the properties, and the handbook resolved for one property.

Numbers are kept once: `org/contacts.yml` lists every contact (the national 119 / 110 /
120 …, the lift company, the duty phones) and `sites/<id>.yml` gives the numbers that
are a property's own.  Procedure steps and ladder rungs name contacts by id.

`for_property` turns that into what pages and PDFs already understand: a Handbook whose
procedures carry written-out :class:`Contact` values with the property's numbers, so
that a page or a card never looks a number up itself and cannot print another
property's.  The checks (generator.readiness) run on the unresolved handbook, for every
property at once.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path as FsPath

from generator.findings import Finding
from generator.model import BookContact, Contact, ContactsFile, Handbook, Procedure, Site

CONTACTS_FILE = "org/contacts.yml"
SITES_DIR = "sites"

#: Steps due within this many minutes call the contacts shown first on a page and card.
FIRST_MINUTES = 5


class PropertyError(Exception):
    """`--property` names no property, or one is needed: the message says which exist."""


def load_contacts_and_sites(root: FsPath, book: Handbook, findings: list[Finding]) -> None:
    """Read org/contacts.yml and sites/*.yml, both optional, into `book`."""
    from generator.loading import _inside, load_document

    path = root / CONTACTS_FILE
    if path.is_file() and _inside(root, path, findings):
        book.contacts_file = load_document(path, CONTACTS_FILE, ContactsFile, findings)
        if book.contacts_file is not None:
            book.contacts = {}
            for c in book.contacts_file.contacts:
                book.contacts.setdefault(c.id, c)  # a second use of an id: E302 (readiness)
    folder = root / SITES_DIR
    if folder.is_dir():
        for site_path in sorted(p for ext in ("yml", "yaml") for p in folder.glob(f"*.{ext}")):
            if not _inside(root, site_path, findings):
                continue
            site = load_document(site_path, site_path.relative_to(root).as_posix(), Site, findings)
            if site is not None and site.id not in book.sites:
                book.sites[site.id] = site


def choose_site(book: Handbook, requested: str | None) -> str | None:
    """The property a build is for: the one asked for, the only one, or none at all."""
    if requested is not None:
        if requested not in book.sites:
            known = ", ".join(sorted(book.sites)) or "none (add sites/<id>.yml)"
            raise PropertyError(f"no property has the id '{requested}'; the handbook lists: {known}")
        return requested
    if len(book.sites) > 1:
        raise PropertyError(
            f"the handbook lists {len(book.sites)} properties ({', '.join(sorted(book.sites))});"
            " build one with --property ID"
        )
    return next(iter(book.sites), None)


def numbers_for(book: Handbook, contact_id: str, site: Site | None) -> list[str]:
    """A contact's numbers at a property: the property's own, else the contact book's."""
    if site is not None and site.contacts.get(contact_id):
        return list(site.contacts[contact_id])
    entry = book.contacts.get(contact_id)
    return list(entry.numbers) if entry else []


def contact_ids(proc: Procedure) -> list[str]:
    """Every contact a procedure names, in the order a reader meets them: first calls,
    the procedure's list, then those named by steps and rungs only."""
    seen: dict[str, None] = {}
    for ref in first_call_ids(proc):
        seen.setdefault(ref, None)
    for c in proc.contacts:
        seen.setdefault(c.id if isinstance(c, Contact) else c, None)
    for step in [*proc.steps, *proc.aftercare]:
        for ref in step.call:
            seen.setdefault(ref, None)
    for rung in proc.escalation:
        for ref in rung.call:
            seen.setdefault(ref, None)
    return list(seen)


def first_call_ids(proc: Procedure) -> list[str]:
    """The contacts needed in the first minutes: as written, or those the early steps call."""
    if proc.first_call:
        return list(proc.first_call)
    out: dict[str, None] = {}
    for step in proc.steps:
        if step.within_minutes is not None and step.within_minutes <= FIRST_MINUTES:
            for ref in step.call:
                out.setdefault(ref, None)
    return list(out)


def _as_contact(entry: BookContact, numbers: list[str]) -> Contact:
    return Contact(
        id=entry.id,
        name=entry.name,
        number=numbers[0] if numbers else "",
        others=numbers[1:],
        hours=entry.hours,
        note=entry.purpose,
    )


def resolve_procedure(book: Handbook, proc: Procedure, site: Site | None) -> Procedure:
    """The procedure with every contact written out with the property's numbers."""
    written = {c.id: c for c in proc.contacts if isinstance(c, Contact)}
    resolved: list[Contact | str] = []
    for ref in contact_ids(proc):
        if ref in written:
            resolved.append(written[ref])
        elif ref in book.contacts:
            resolved.append(_as_contact(book.contacts[ref], numbers_for(book, ref, site)))
        # an unknown id is reported by check (E710); a build never gets here with one
    return proc.model_copy(
        update={
            "contacts": resolved,
            "first_call": first_call_ids(proc) or [c.id for c in resolved[:2] if isinstance(c, Contact)],
        }
    )


def for_property(book: Handbook, site_id: str | None) -> Handbook:
    """The handbook as one property sees it (or as written, with no properties)."""
    site = book.sites.get(site_id) if site_id else None
    procedures = {pid: resolve_procedure(book, proc, site) for pid, proc in book.procedures.items()}
    return dataclasses.replace(book, procedures=procedures, site=site, resolved=True)


def ensure_resolved(book: Handbook) -> Handbook:
    """The handbook ready for pages and cards: as the CLI resolved it, or for its only
    property (a preview of a handbook of several properties shows the first, by id)."""
    if book.resolved:
        return book
    try:
        site_id = choose_site(book, None)
    except PropertyError:
        site_id = sorted(book.sites)[0]
    return for_property(book, site_id)


def contact_lookup(proc: Procedure) -> dict[str, Contact]:
    """Resolved contacts of a procedure by id (pages link a step's `call` to them)."""
    return {c.id: c for c in proc.contacts if isinstance(c, Contact)}
