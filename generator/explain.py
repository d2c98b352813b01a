"""Why a file was refused, in words a maintainer can act on: pydantic's errors → findings.

The model (generator.model) says what a file may hold; pydantic says where a file does
not fit, in its own terms (`extra_forbidden`, `int_parsing` …).  This module turns each
such error into a finding with the position of the value or key, the code of the rule
and what to write instead.  It also names the YAML 1.1 spellings that pydantic cannot
see because YAML already turned them into the right type (`010` read as 8, `yes` as
true): `scalar_forms`.  Only `generator.loading.load_document` calls it.
"""

from __future__ import annotations

import re
import types
import typing
import unicodedata
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from generator import input_slips
from generator.findings import Finding, did_you_mean, shown
from generator.model import CJK, MAX_TEXT, UNION_TAGS, Text
from generator.positions import Path, dotted
from generator.yaml_reader import YamlFile


def explain(exc: ValidationError, model: type[BaseModel], read: YamlFile) -> list[Finding]:
    """Turn pydantic's errors into findings a maintainer can act on."""
    out: list[Finding] = []
    for error in exc.errors(include_url=False):
        loc: Path = tuple(part for part in error["loc"] if part not in UNION_TAGS)  # a tag is no key of the file
        out.append(_one_error(error, loc, model, read))
    return out


def _one_error(error: ErrorDetails, loc: Path, model: type[BaseModel], read: YamlFile) -> Finding:
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
            f"{where_text}: YAML 1.1 reads {raw} as {_yaml_kind(value)} {value!r}; "
            f"if you mean the text, quote it: '{raw}'",
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
            f"{where_text} '{error.get('input')}' is not a valid id; "
            "use lowercase ASCII letters, digits and single hyphens (e.g. front-desk-dispatcher)",
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
                        f"{dotted(path)}: YAML 1.1 reads '{shown(raw)}' as {str(value).lower()}, "
                        f"YAML 1.2 and editors as the text '{shown(raw)}'; write {str(value).lower()}",
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
        return (
            f"YAML 1.1 reads {raw} as the octal number {value}, YAML 1.2 as {decimal}; "
            f"write the number in plain decimal digits without a leading zero, e.g. {decimal}"
        )
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
        if char in input_slips.WIDE_SPACES:
            return "E111", input_slips.wide_space_message(char, f"the key '{shown(field)}' contains")
    colon = re.match(r"([A-Za-z_][A-Za-z0-9_-]*)[ \u3000]*[：]", field)
    if colon:
        return "E112", input_slips.wide_punctuation_message("：", f"after '{colon.group(1)}' comes")
    folded = unicodedata.normalize("NFKC", field)
    if folded != field and folded in allowed:
        return (
            "E112",
            f"the key '{shown(field)}' is written in full-width letters; "
            f"switch the input method to half-width (半角) and type '{folded}'",
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
