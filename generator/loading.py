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
"""

from __future__ import annotations

import contextlib
import errno
import gc
import marshal
import os
import re
import threading
import types
import typing
import unicodedata
from pathlib import Path as FsPath
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from generator import yaml_reader
from generator.findings import Finding, did_you_mean, shown
from generator.model import (
    CJK,
    MAX_TEXT,
    UNION_TAGS,
    AuthoritiesFile,
    DepartmentsFile,
    Document,
    GlossaryFile,
    Handbook,
    Meta,
    Procedure,
    Role,
    Text,
)
from generator.positions import Location, Path, dotted
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
                    f"the folder cannot be read ({reason}); its files are not checked: give it read permission or remove it",
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
                "this folder is a symbolic link to a folder outside the handbook root; nothing outside the root is read: put the folder itself here",
            )
        )
    else:
        findings.append(
            Finding.at(
                Location(display, 1, 1),
                "E115",
                f"this folder is a symbolic link to {_display(root, target) or 'the root'}/ inside the handbook; its files would be read twice (or forever, if it points above itself): remove the link and move the folder instead",
            )
        )
    return False


def load_handbook(root: FsPath) -> tuple[Handbook, list[Finding]]:
    """Every file under `root` that fits the model, and the findings of those that do not."""
    with _no_collector_pauses() as outcome:
        book, findings = _load_handbook(root.resolve())
        outcome.clean = not findings and yaml_reader.full_reads() == outcome.full_reads
        return book, findings


class _Outcome:
    """Whether loading went the ordinary way, which leaves no garbage cycle behind."""

    def __init__(self) -> None:
        self.clean = False
        self.full_reads = yaml_reader.full_reads()


@contextlib.contextmanager
def _no_collector_pauses() -> typing.Iterator[_Outcome]:
    """Loading makes about a million long-lived objects and no garbage cycles.

    Left on, the cyclic collector rescans the growing heap again and again: at 1,000
    roles it took 2.6 s of a 5.3 s check (benchmarks/run.py).  Afterwards the loaded
    objects are frozen (moved out of the collector's generations), or the first
    collections after loading, in the checks and the build, would scan them all again.
    Refcounting still frees them once the handbook is dropped (serve reloads it): the
    model holds no reference cycles.
    """
    # Garbage cycles of what ran before (the argument parser, the checks and pages of
    # the last load, in a process that loads again and again) are collected first, or
    # the freeze below would keep them for good; a clean load no longer makes the pass
    # over the young generation at the end that used to catch some of them.  Frozen
    # objects are not scanned: ~10 ms.
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    outcome = _Outcome()
    try:
        yield outcome
    finally:
        # Garbage cycles made while loading (exceptions of refused files, their frames)
        # would be frozen for good, and a process that loads again and again (serve,
        # tests, fuzzing) grew ~50 KB per load: one pass over the young objects first.
        # That pass visits every object loaded (0.3 s at 1,000 roles), and a load in
        # which every file was read the ordinary way and fitted makes no cycle (measured:
        # the pass found none), so only a load that refused something or read a file
        # with the full YAML reader pays for it.
        if not outcome.clean:
            gc.collect(0)
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
    ahead = _load_ahead(root, [(path, Role) for path in role_files] + [(path, Procedure) for path in procedure_files])
    for path in role_files:
        role = _load_listed(root, path, Role, findings, ahead)
        if role is not None:
            _register(book.roles, role, findings, "role")
    for path in procedure_files:
        procedure = _load_listed(root, path, Procedure, findings, ahead)
        if procedure is not None:
            _register(book.procedures, procedure, findings, "procedure")
    from generator.contacts import load_contacts_and_sites  # the contact book and the properties

    load_contacts_and_sites(root, book, findings)
    return book, findings


Loaded = dict[FsPath, tuple[Any, list[Finding]]]


def _load_listed(root: FsPath, path: FsPath, model: type[D], findings: list[Finding], ahead: Loaded) -> D | None:
    if path in ahead:  # loaded already, and inside the root
        doc, found = ahead[path]
        findings.extend(found)
        return doc
    if not _inside(root, path, findings):
        return None
    return load_document(path, _display(root, path), model, findings)


#: Below this many role and procedure files, one process reads them all.
PARALLEL_FROM = 200


def _load_ahead(root: FsPath, files: list[tuple[FsPath, type[Document]]]) -> Loaded:
    """Load the files that are inside the root, on two cores; each with its findings.

    Reading is four fifths of checking 1,000 roles and each file is read on its own, so
    a forked child reads every other file while this process reads the rest.  The child
    sends back plain values with `marshal` (a third of what pickle costs); a file it
    could not read the ordinary way, or any failure of the child, leaves the file to the
    ordinary one-by-one loading, which then reports exactly what it always did.  Not
    done with threads running (serve): a fork copies no thread but the caller.
    """
    if len(files) < PARALLEL_FROM or not _can_fork():
        return {}
    mine, theirs = files[0::2], files[1::2]
    receive, send = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(receive)
        os.close(send)
        return {}
    if pid == 0:  # the child: never returns, never runs the parent's exit handlers
        status = 1
        try:
            os.close(receive)
            packed = {i: _pack(root, path) for i, (path, _) in enumerate(theirs)}
            blob = marshal.dumps({i: p for i, p in packed.items() if p is not None})
            with os.fdopen(send, "wb") as pipe:
                pipe.write(blob)
            status = 0
        finally:
            os._exit(status)
    os.close(send)
    ahead: Loaded = {}
    try:
        for path, model in mine:  # validated too, while the child is still reading
            if path.resolve().is_relative_to(root):
                found: list[Finding] = []
                ahead[path] = load_document(path, _display(root, path), model, found), found
    finally:
        with os.fdopen(receive, "rb") as pipe:
            blob = pipe.read()
        _, status = os.waitpid(pid, 0)
    if status == 0:
        try:
            received = marshal.loads(blob)
        except (ValueError, EOFError, TypeError):
            received = {}
        for i, packed in received.items():
            path, model = theirs[i]
            found = []
            ahead[path] = (
                load_document(
                    path, _display(root, path), model, found, yaml_reader.unpack_plain(packed, _display(root, path))
                ),
                found,
            )
    return ahead


def _can_fork() -> bool:
    if not hasattr(os, "fork") or threading.active_count() > 1 or os.environ.get("HANDBOOK_JOBS") == "1":
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores >= 2


def _pack(root: FsPath, path: FsPath) -> tuple[Any, ...] | None:
    if not path.resolve().is_relative_to(root):
        return None
    return yaml_reader.pack_plain(read_yaml(path, _display(root, path)))


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
        findings.extend(f for f in _explain(exc, model, read) if (f.line, f.col) not in said)
        return None
    doc._source = read.source
    return doc


def _explain(exc: ValidationError, model: type[BaseModel], read: YamlFile) -> list[Finding]:
    """Turn pydantic's errors into findings a maintainer can act on."""
    out: list[Finding] = []
    for error in exc.errors(include_url=False):
        loc: Path = tuple(part for part in error["loc"] if part not in UNION_TAGS)  # a tag is no key of the file
        out.append(_one_error(error, loc, model, read))
    return out


def _one_error(error: dict[str, Any], loc: Path, model: type[BaseModel], read: YamlFile) -> Finding:
    kind = error["type"]
    field = str(loc[-1]) if loc else ""
    where_text = dotted(loc)
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        slip = _key_slip(field, allowed)
        if slip is not None:
            return Finding.at(read.source.where(loc, key=True), *slip)
        hint = did_you_mean(field, allowed)
        listing = ", ".join(sorted(allowed))
        field = shown(field)
        if CJK.search(field):
            hint += "; a comma ',' inside {…} ends a value: quote the text or write zh: and en: on lines of their own"
        return Finding.at(
            read.source.where(loc, key=True), "E201", f"unknown key '{field}'{hint}; allowed here: {listing}"
        )
    if kind == "missing":
        parent = _model_at(model, loc[:-1])
        if parent is Text:
            return Finding.at(
                read.source.where(loc[:-1]),
                "E801",
                f"{dotted(loc[:-1])} has no '{field}' text; every text needs both zh and en",
            )
        return Finding.at(
            read.source.where(loc[:-1]), "E202", f"'{field}' is required in {dotted(loc[:-1]) or 'the file'}"
        )
    if read.typed_scalars.get(loc, "") not in ("", "~") and kind in (
        "string_type",
        "list_type",
        "model_type",
        "model_attributes_type",
        "dict_type",
    ):
        raw = read.typed_scalars[loc]
        value = error.get("input")
        return Finding.at(
            read.source.where(loc),
            "E108",
            f"{where_text}: YAML 1.1 reads {raw} as {_yaml_kind(value)} {value!r}; if you mean the text, quote it: '{raw}'",
        )
    leaf = (
        _leaf_type(model, loc) if not isinstance(error.get("input"), (dict, list)) else None
    )  # a wrong shape stays E203
    if kind == "date_form" and leaf is None:
        return Finding.at(
            read.source.where(loc),
            "E203",
            f"{where_text}: expected a date YYYY-MM-DD, got {_describe(error.get('input'))}",
        )
    if leaf is int and kind in ("int_type", "int_parsing", "int_from_float"):
        return Finding.at(read.source.where(loc), "E206", f"{where_text}: {_not_an_int(error.get('input'))}")
    if leaf is bool and kind in ("bool_type", "bool_parsing"):
        value = error.get("input")
        if isinstance(value, str) and value.strip() in _BOOLEANS:
            return Finding.at(
                read.source.where(loc),
                "E207",
                f"{where_text}: '{value}' is quoted text; write {value.strip().lower()} without quotes",
            )
        return Finding.at(
            read.source.where(loc), "E207", f"{where_text}: {_describe(value)} is not a boolean; write true or false"
        )
    if kind == "date_form":
        return Finding.at(read.source.where(loc), "E208", f"{where_text}: {error['msg']}")
    if kind == "string_pattern_mismatch":
        return Finding.at(
            read.source.where(loc),
            "E301",
            f"{where_text} '{error.get('input')}' is not a valid id; use lowercase ASCII letters, digits and single hyphens (e.g. front-desk-dispatcher)",
        )
    if kind == "string_too_long":
        length = len(error.get("input") or "")
        limit = error.get("ctx", {}).get("max_length", MAX_TEXT)
        return Finding.at(
            read.source.where(loc), "E205", f"{where_text} is {length:,} characters long; at most {limit:,} are allowed"
        )
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        hint = did_you_mean(str(error.get("input")), [s.strip(" '") for s in expected.replace(" or ", ",").split(",")])
        return Finding.at(
            read.source.where(loc), "E204", f"{where_text} is {error.get('input')!r}{hint}; allowed: {expected}"
        )
    if kind.startswith(("greater_than", "less_than")):
        return Finding.at(read.source.where(loc), "E204", f"{where_text}: {error['msg'].lower()}")
    return Finding.at(
        read.source.where(loc), "E203", f"{where_text}: expected {_expected(kind)}, got {_describe(error.get('input'))}"
    )


#: A whole number as YAML 1.1, YAML 1.2, JSON and every editor read it alike.
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)")
#: true and false as the YAML 1.2 core schema writes them.
_BOOLEANS = frozenset({"true", "false", "True", "False", "TRUE", "FALSE"})


def scalar_forms(read: YamlFile, model: type[BaseModel]) -> list[Finding]:
    """Numbers and booleans that YAML 1.1 read into the right type from a risky spelling.

    PyYAML reads `within_minutes: 010` as 8 (octal), `1:30` as 90 (base 60), `0x1e`,
    `0b11` and `1_0` as numbers too, and `top: yes` or `on` as true, where YAML 1.2, the
    JSON Schema editors and a reader see 10, text, or nothing special.  The model gets
    the right type and cannot tell; the text that was typed can.
    """
    found: list[Finding] = []
    for path, raw in read.typed_scalars.items():
        leaf = _leaf_type(model, path)
        if leaf is int:
            value = _value_at(read.data, path)
            if type(value) is int and not _DECIMAL.fullmatch(raw):
                found.append(
                    Finding.at(read.source.where(path), "E206", f"{dotted(path)}: {_int_spelling(raw, value)}")
                )
        elif leaf is bool:
            value = _value_at(read.data, path)
            if type(value) is bool and raw not in _BOOLEANS:
                found.append(
                    Finding.at(
                        read.source.where(path),
                        "E207",
                        f"{dotted(path)}: YAML 1.1 reads '{shown(raw)}' as {str(value).lower()}, YAML 1.2 and editors as the text '{shown(raw)}'; write {str(value).lower()}",
                    )
                )
    return found


def _int_spelling(raw: str, value: int) -> str:
    """What YAML 1.1 made of a number written other than in plain decimal digits."""
    bare = raw.lstrip("+-")
    if "_" in raw:
        how = f"YAML 1.1 drops the '_' and reads {value}, YAML 1.2 reads the text '{raw}'"
    elif ":" in raw:
        how = f"YAML 1.1 reads {raw} in base 60 as {value}, YAML 1.2 as the text '{raw}'"
    elif bare[:2] in ("0x", "0X"):
        how = f"{raw} is hexadecimal for {value}"
    elif bare[:2] in ("0b", "0B"):
        how = f"{raw} is binary for {value}"
    elif bare[:1] == "0" and len(bare) > 1:
        decimal = int(bare, 10) * (-1 if raw.startswith("-") else 1)
        return f"YAML 1.1 reads {raw} as the octal number {value}, YAML 1.2 as {decimal}; write the number in plain decimal digits without a leading zero, e.g. {decimal}"
    else:
        how = f"{raw} is read as {value}"
    return (
        f"{how}; write the number in plain decimal digits, e.g. {value}"
        if value >= 0
        else f"{how}; write it in plain decimal digits"
    )


def _not_an_int(value: object) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()} is not a number; write the number in decimal digits, e.g. 10"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return f"{value} is not a whole number; write the number in decimal digits, e.g. 10"
        return f"{value} is not a whole number; write whole minutes or days in decimal digits, e.g. {round(value)}"
    if isinstance(value, str) and len(value) <= 40 and _DECIMAL.fullmatch(value.strip()):
        return f"'{value}' is quoted text; write the number without quotes: {value.strip()}"
    return f"expected a whole number in decimal digits, got {_describe(value)}"


def _value_at(data: Any, path: Path) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


_LEAVES: dict[tuple[type, Path], Any] = {}


def _leaf_type(model: type[BaseModel], loc: Path) -> Any:
    """The type a value at `loc` is validated as (int, bool, str, a model …); cached by shape."""
    shape = (model, tuple(0 if isinstance(part, int) else part for part in loc))
    if shape not in _LEAVES:
        _LEAVES[shape] = _model_at(model, loc)
    return _LEAVES[shape]


def _key_slip(field: str, allowed: list[str]) -> tuple[str, str] | None:
    """An unknown key that is a known one typed with the input method in full-width mode."""
    for char in field:
        if char in yaml_reader.WIDE_SPACES:
            return "E111", yaml_reader.wide_space_message(char, f"the key '{shown(field)}' contains")
    colon = re.match(r"([A-Za-z_][A-Za-z0-9_-]*)[ \u3000]*[：]", field)
    if colon:
        return "E112", yaml_reader.wide_punctuation_message("：", f"after '{colon.group(1)}' comes")
    folded = unicodedata.normalize("NFKC", field)
    if folded != field and folded in allowed:
        return (
            "E112",
            f"the key '{shown(field)}' is written in full-width letters; switch the input method to half-width (半角) and type '{folded}'",
        )
    return None


def _yaml_kind(value: object) -> str:
    return {bool: "the boolean", int: "the number", float: "the number", type(None): "null (empty)"}.get(
        type(value), "the date"
    )


def _expected(kind: str) -> str:
    names = {
        "string_type": "text",
        "bool_type": "true or false",
        "int_type": "a whole number",
        "int_parsing": "a whole number",
        "list_type": "a list (lines starting with '- ')",
        "dict_type": "a mapping (key: value lines)",
        "model_type": "a mapping (key: value lines)",
        "model_attributes_type": "a mapping (key: value lines)",
        "date_type": "a date YYYY-MM-DD",
        "date_parsing": "a date YYYY-MM-DD",
        "date_from_datetime_parsing": "a date YYYY-MM-DD",
    }
    return names.get(kind, kind.replace("_", " "))


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    text = str(value)
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def _model_at(model: type[BaseModel], loc: Path) -> type | None:
    """The model class that the value at `loc` is validated against, if any."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        current = info.annotation
    current = _unwrap(current)
    return current if isinstance(current, type) else None


def _unwrap(annotation: Any) -> Any:
    """Strip Optional[], Annotated[] to reach the class (list[] stays)."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            inner = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = inner[0] if inner else annotation
            if len(inner) <= 1:
                continue
            return annotation
        else:
            return annotation


def _fields_at(model: type[BaseModel], loc: Path) -> list[str]:
    cls = _model_at(model, loc)
    if isinstance(cls, type) and issubclass(cls, BaseModel):
        return list(cls.model_fields)
    return []
