"""Load a handbook root into the typed model, turning every refusal into a finding.

Layout of a root (see docs/maintainers/schema.md):

    handbook.yml                 the handbook as a whole (title, version, base URL)
    org/departments.yml          departments
    org/authorities.yml          permission kinds (the matrix's columns)
    org/glossary.yml             bilingual glossary
    roles/<department>/<id>.yml  one role per file
    procedures/<id>.yml          one emergency procedure per file
    org/contacts.yml             the contact book (optional; generator.contacts)
    sites/<id>.yml               one property with its own numbers (optional)

A file that cannot be read or does not fit the model is reported and left out; the
others are still loaded, so that one broken file does not hide the findings of the rest.
Why a file does not fit is put into words by generator.explain.

Files are read one after the other in one process.  The one speed trick here is
`_collector_paused` (figures there).  A forked child that read every other file bought
at most 14 % of the check's wall time at 1,000 roles, on a loaded machine none, and
always cost CPU: it was removed (issue 16; the benchmark page has the figures).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import typing
from pathlib import Path as FsPath
from typing import Any, TypeVar

from pydantic import ValidationError

from generator.explain import explain, scalar_forms
from generator.findings import Finding
from generator.model import (
    AuthoritiesFile,
    DepartmentsFile,
    Document,
    GlossaryFile,
    Handbook,
    Meta,
    Procedure,
    Role,
)
from generator.positions import Location
from generator.yaml_reader import YamlFile, read_yaml

D = TypeVar("D", bound=Document)

META_FILE = "handbook.yml"
DEPARTMENTS_FILE = "org/departments.yml"
AUTHORITIES_FILE = "org/authorities.yml"
GLOSSARY_FILE = "org/glossary.yml"


def data_files(root: FsPath, findings: list[Finding] | None = None) -> tuple[list[FsPath], list[FsPath]]:
    """Role and procedure files under `root`, in a stable order; folder problems go to `findings`.

    A folder that cannot be read, or a link to a folder, is a finding on that folder:
    skipped without a word (as `rglob` did), the roles in it vanished and the errors that
    followed pointed at the files that name them.
    """
    found = findings if findings is not None else []
    return _walk(root, "roles", found), _walk(root, "procedures", found)


_DATA_SUFFIXES = (".yml", ".yaml")


def _walk(root: FsPath, name: str, findings: list[Finding]) -> list[FsPath]:
    """The data files under root/name, following no link to a folder."""
    top = root / name
    if not os.path.lexists(top) or not _plain_folder(root, top, findings):
        return []
    out: list[FsPath] = []
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            findings.append(
                Finding.at(
                    Location(_display(root, folder), 1, 1),
                    "E113",
                    f"the folder cannot be read ({reason}); "
                    "its files are not checked: give it read permission or remove it",
                )
            )
            continue
        for entry in entries:
            path = folder / entry.name
            if entry.is_symlink():
                if not _plain_folder(root, path, findings):
                    continue
                if os.path.isdir(path):
                    continue  # reported by _plain_folder
            elif entry.is_dir(follow_symlinks=False):
                stack.append(path)
                continue
            if entry.name.endswith(_DATA_SUFFIXES):
                out.append(path)
    return sorted(out)


def _plain_folder(root: FsPath, path: FsPath, findings: list[Finding]) -> bool:
    """False (with a finding) for a link that loops or leads to a folder; True otherwise."""
    if not path.is_symlink():
        return True
    display = _display(root, path)
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            findings.append(
                Finding.at(
                    Location(display, 1, 1), "E115", "this symbolic link loops (it leads back to itself); remove it"
                )
            )
            return False
        return True  # a dangling link: reading it says so (E100)
    if not os.path.isdir(path):
        return True  # a link to a file: `_inside` decides
    target = FsPath(os.path.realpath(path))
    if not target.is_relative_to(root):
        findings.append(
            Finding.at(
                Location(display, 1, 1),
                "E114",
                "this folder is a symbolic link to a folder outside the handbook root; "
                "nothing outside the root is read: put the folder itself here",
            )
        )
    else:
        findings.append(
            Finding.at(
                Location(display, 1, 1),
                "E115",
                f"this folder is a symbolic link to {_display(root, target) or 'the root'}/ inside the handbook; "
                "its files would be read twice (or forever, if it points above itself): "
                "remove the link and move the folder instead",
            )
        )
    return False


def load_handbook(root: FsPath) -> tuple[Handbook, list[Finding]]:
    """Every file under `root` that fits the model, and the findings of those that do not."""
    with _collector_paused():
        return _load_handbook(root.resolve())


@contextlib.contextmanager
def _collector_paused() -> typing.Iterator[None]:
    """Loading makes about a million long-lived objects: the cyclic collector waits till the end.

    Left on, it rescans the growing heap again and again.  Afterwards the loaded objects
    are frozen (moved out of the collector's generations), or the first collections in the
    checks and the build would scan them all again; refcounting still frees them once the
    handbook is dropped.  Whatever the last load froze, garbage cycles of refused files
    included, goes back to the collector first, so that a process that loads again and
    again (serve, tests, fuzzing) keeps no garbage for good (tests/test_fuzz.py).

    What it buys at 1,000 roles (benchmarks/tricks.py, load average 12–19, min / median of
    3 runs): load and check 3.07 / 3.14 CPU s; with the collector left on 4.66 / 4.86
    (34 % saved); paused but nothing frozen 3.78 / 4.11 (the freeze alone: 19–24 %).  The
    bookkeeping it replaces (a last pass over the young objects skipped when a load was
    "clean") was no faster: 3.03 / 3.53 against 3.19 / 3.51 CPU s.
    """
    gc.unfreeze()
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _load_handbook(root: FsPath) -> tuple[Handbook, list[Finding]]:
    findings: list[Finding] = []
    book = Handbook(root=str(root))

    book.meta = _load_required(root, META_FILE, Meta, findings)
    book.departments_file = _load_required(root, DEPARTMENTS_FILE, DepartmentsFile, findings)
    book.authorities_file = _load_required(root, AUTHORITIES_FILE, AuthoritiesFile, findings)
    book.glossary_file = _load_required(root, GLOSSARY_FILE, GlossaryFile, findings)
    if book.departments_file:
        book.departments = {d.id: d for d in book.departments_file.departments}
    if book.authorities_file:
        book.kinds = {k.id: k for k in book.authorities_file.kinds}
    if book.glossary_file:
        book.terms = list(book.glossary_file.terms)

    role_files, procedure_files = data_files(root, findings)
    for path in role_files:
        role = _load_listed(root, path, Role, findings)
        if role is not None:
            _register(book.roles, role, findings, "role")
    for path in procedure_files:
        procedure = _load_listed(root, path, Procedure, findings)
        if procedure is not None:
            _register(book.procedures, procedure, findings, "procedure")
    from generator.contacts import load_contacts_and_sites  # the contact book and the properties

    load_contacts_and_sites(root, book, findings)
    return book, findings


def _load_listed(root: FsPath, path: FsPath, model: type[D], findings: list[Finding]) -> D | None:
    if not _inside(root, path, findings):
        return None
    return load_document(path, _display(root, path), model, findings)


def _inside(root: FsPath, path: FsPath, findings: list[Finding]) -> bool:
    """A symbolic link in a pull request must not make CI read (and quote) a file outside the root."""
    target = path.resolve()
    if target.is_relative_to(root):
        return True
    findings.append(
        Finding.at(
            Location(_display(root, path), 1, 1),
            "E100",
            "this is a symbolic link to a file outside the handbook root; put the data file itself here",
        )
    )
    return False


def _display(root: FsPath, path: FsPath) -> str:
    return path.relative_to(root).as_posix()


def _load_required(root: FsPath, name: str, model: type[D], findings: list[Finding]) -> D | None:
    path = root / name
    if not path.is_file():
        findings.append(
            Finding.at(Location(name, 1, 1), "E100", f"{name} is missing under {root}; every handbook root has it")
        )
        return None
    if not _inside(root, path, findings):
        return None
    return load_document(path, name, model, findings)


def _register(table: dict[str, Any], doc: Role | Procedure, findings: list[Finding], kind: str) -> None:
    if doc.id in table:
        first = table[doc.id].where("id")
        findings.append(Finding.at(doc.where("id"), "E302", f"the {kind} id '{doc.id}' is also used in {first}"))
        return
    table[doc.id] = doc


def load_document(
    path: FsPath, display: str, model: type[D], findings: list[Finding], read: YamlFile | None = None
) -> D | None:
    """Read one file (unless `read` already) and validate it against `model`; None if it cannot be used."""
    if read is None:
        read = read_yaml(path, display)
    findings.extend(read.findings)
    if read.data is None:
        return None
    forms = scalar_forms(read, model) if read.typed_scalars else []
    findings.extend(forms)
    try:
        doc = model.model_validate(read.data)
    except ValidationError as exc:
        said = {(f.line, f.col) for f in forms}
        findings.extend(f for f in explain(exc, model, read) if (f.line, f.col) not in said)
        return None
    doc._source = read.source
    return doc
