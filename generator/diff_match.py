"""`handbook diff`: what is the same thing on both sides of a change.

Documents are flattened into {key: scalar} with the items that carry an id; roles and
procedures are paired by id, or as renamed by title or likeness; items inside a document by id,
or as re-identified by their unchanged text (the rules are in :mod:`generator.diff`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from generator.model import Document, Text

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
        flat.values[(*key, "zh")] = value.zh
        flat.values[(*key, "en")] = value.en
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _flatten(getattr(value, name), (*key, name), flat)
    elif isinstance(value, list) and value and all(isinstance(v, BaseModel) for v in value):
        for i, item in enumerate(value):
            ident = getattr(item, "id", None) or getattr(item, "label", None) or str(i + 1)
            sub = (*key, str(ident))
            if getattr(item, "id", None) and key and key[-1] in ENTITY_NAMES:
                flat.entities[sub] = (ENTITY_NAMES[key[-1]], item)
            _flatten(item, sub, flat)
    elif isinstance(value, list):
        flat.values[key] = tuple(value)
    elif value is not None and value != () and value is not False:
        flat.values[key] = value.isoformat() if hasattr(value, "isoformat") else value


def entity_of(key: Key, entities: Iterable[Key]) -> Key:
    """The longest entity key that `key` lies under; () is the document itself."""
    best: Key = ()
    for ent in entities:
        if len(ent) > len(best) and key[: len(ent)] == ent:
            best = ent
    return best


def rekey(flat: Flat, renames: dict[Key, Key]) -> Flat:
    """Rewrite old keys under renamed entities to their new keys."""
    if not renames:
        return flat

    def move(key: Key) -> Key:
        for old, new in renames.items():
            if key[: len(old)] == old:
                return new + key[len(old) :]
        return key

    return Flat({move(k): v for k, v in flat.values.items()}, {move(k): v for k, v in flat.entities.items()})


def main_text(model: Any) -> Text | None:
    for name in ("text", "title", "name", "condition"):
        value = getattr(model, name, None)
        if isinstance(value, Text):
            return value
    if hasattr(model, "zh") and hasattr(model, "en"):  # glossary term
        return Text(zh=model.zh, en=model.en)
    return None


def item_renames(old: Flat, new: Flat) -> dict[Key, Key]:
    """Items whose id changed but whose text stayed: same item, new id."""
    gone = [k for k in old.entities if k not in new.entities]
    came = [k for k in new.entities if k not in old.entities]
    renames: dict[Key, Key] = {}
    for g in gone:
        text = main_text(old.entities[g][1])
        for c in came:
            if c in renames.values() or c[:-1] != g[:-1]:
                continue
            other = main_text(new.entities[c][1])
            if text and other and (text.zh == other.zh or text.en == other.en):
                renames[g] = c
                break
    return renames


def _similarity(a: Document, b: Document) -> float:
    strip = {"id", "title"}
    left = a.model_dump_json(exclude=strip)
    right = b.model_dump_json(exclude=strip)
    return difflib.SequenceMatcher(None, left, right, autojunk=False).ratio()


def doc_renames(old: dict[str, Any], new: dict[str, Any]) -> dict[str, str]:
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


def renamed(value: Any, renames: dict[str, str]) -> Any:
    if isinstance(value, tuple):
        return tuple(renames.get(v, v) for v in value)
    return renames.get(value, value) if isinstance(value, str) else value


def top_level(keys: list[Key]) -> list[Key]:
    return [k for k in keys if not any(k != o and k[: len(o)] == o for o in keys)]


def with_id(doc: Document, new_id: str) -> Any:
    return doc if doc.id == new_id else doc.model_copy(update={"id": new_id})  # type: ignore[attr-defined]
