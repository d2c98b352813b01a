"""Every bilingual text of the handbook, with the document and the path it sits at.

The language rules and the glossary rule (:mod:`generator.checks_content`) read the same
44,000 texts at 1,000 roles; this walk finds them once, from the model classes' field
types, so that a new text field in :mod:`generator.model` is checked without a change here.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator

from pydantic import BaseModel

from generator.model import Document, Handbook, Text
from generator.positions import Path


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
                _texts_in(doc, child, (*path, name), out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, (BaseModel, list)):
                _texts_in(doc, item, (*path, i), out)


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
