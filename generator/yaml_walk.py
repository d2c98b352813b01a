"""The fast way to read a data file written the ordinary way: one pass over libyaml's events.

Composing nodes and then walking them (the full reader, generator.yaml_reader) costs a
node, two marks and a call of PyYAML's resolver in Python per value; this walks the
parser's events once and builds data and positions directly.  It reads only files that
give no finding: on anything else (a syntax error, several documents, anchors, aliases,
tags, merge keys, a duplicate key, hidden characters, a bomb) it gives up, and the full
reader reads the file and reports exactly as it always did.  tests/test_reader_paths.py
compares the two on 600 mutated files.

What it buys, at 1,000 roles (benchmarks/synth.py: 1,104 files, 12.3 MB), measured by
benchmarks/tricks.py with runs alternating on a shared machine (load average 12–19): load
and check take 3.07–3.29 CPU s with the walk and 3.93–4.52 without it (min and median of
3–5 runs), so it saves 16–30 % of the check; a speed trick stays from 15 % (issue 16).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from yaml.nodes import ScalarNode

from generator.positions import Path
from generator.yaml_values import (
    HIDDEN,
    MAX_DEPTH,
    MAX_NODES,
    NOT_TYPED,
    STR,
    TYPED_FIRST,
    TYPED_TAGS,
    construct,
    implicit_tag,
)

#: Data, positions of values, positions of keys, raw text of typed scalars (see YamlFile).
Plain = tuple[dict[str, Any], dict[Path, tuple[int, int]], dict[Path, tuple[int, int]], dict[Path, str]]


class _Unusual(Exception):
    """The walk met something it leaves to the full reader."""


try:  # libyaml's parser itself: its events, without nodes or a constructor
    from yaml._yaml import CParser as _CParser
except ImportError:  # PyYAML without libyaml: the full reader does everything
    _CParser = None  # type: ignore[misc,assignment]

_ScalarEvent = yaml.events.ScalarEvent
_MappingStart = yaml.events.MappingStartEvent
_MappingEnd = yaml.events.MappingEndEvent
_SequenceStart = yaml.events.SequenceStartEvent
_SequenceEnd = yaml.events.SequenceEndEvent


def read_plain(text: str) -> Plain | None:
    """The file's data and positions, or None if it is anything but ordinary (the full reader's turn)."""
    if _CParser is None:
        return None
    walker = _PlainWalker(text)
    try:
        data = walker.read()
    except Exception:  # _Unusual, or a YAML error: the full reader says what it is
        return None
    finally:
        walker.parser.dispose()
    return data, walker.values, walker.keys, walker.typed


class _PlainWalker:
    """Data, positions and typed scalars from the events of one plain document."""

    def __init__(self, text: str):
        self.parser = _CParser(text)
        self.next: Callable[[], Any] = self.parser.get_event
        self.values: dict[Path, tuple[int, int]] = {}
        self.keys: dict[Path, tuple[int, int]] = {}
        self.typed: dict[Path, str] = {}
        self.count = 0
        # A hidden character can only come from the text itself or from an escape.
        self.hidden = HIDDEN.search(text) is not None or "\\" in text

    def read(self) -> dict[str, Any]:
        nxt = self.next
        if not isinstance(nxt(), yaml.events.StreamStartEvent) or not isinstance(nxt(), yaml.events.DocumentStartEvent):
            raise _Unusual
        first = nxt()
        if type(first) is not _MappingStart:
            raise _Unusual
        data = self.node(first, ())
        if not isinstance(nxt(), yaml.events.DocumentEndEvent) or not isinstance(nxt(), yaml.events.StreamEndEvent):
            raise _Unusual  # a second document (or an error after the first)
        return data

    def node(self, event: Any, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES or len(path) > MAX_DEPTH or event.anchor is not None or event.tag is not None:
            raise _Unusual
        mark = event.start_mark
        self.values[path] = (mark.line + 1, mark.column + 1)
        kind = type(event)
        if kind is _ScalarEvent:
            return self.scalar(event, path)
        if kind is _MappingStart:
            return self.mapping(path)
        if kind is _SequenceStart:
            return self.sequence(path)
        raise _Unusual  # an alias

    def scalar(self, event: Any, path: Path) -> Any:
        value = event.value
        if self.hidden and HIDDEN.search(value):
            raise _Unusual
        if event.style or (value and value[0] not in TYPED_FIRST):
            return value  # quoted, block, or plain text that no implicit type starts with
        tag = implicit_tag(value)
        if tag == STR:
            return value
        if tag not in TYPED_TAGS:
            raise _Unusual  # `<<` or `=` where a value belongs
        try:
            typed = construct(tag, ScalarNode(tag, value, style=""))
        except NOT_TYPED:
            return value  # looks typed but is not (2026-02-30): the model says so
        self.typed[path] = value
        return typed

    def mapping(self, path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        nxt, keys, values, hidden = self.next, self.keys, self.values, self.hidden
        deep = len(path) >= MAX_DEPTH
        while True:
            event = nxt()
            kind = type(event)
            if kind is _MappingEnd:
                return out
            if kind is not _ScalarEvent or event.anchor is not None or event.tag is not None:
                raise _Unusual  # a list, mapping or alias as a key; a tagged key
            key = event.value
            if key in out or (key == "<<" and not event.style) or (hidden and HIDDEN.search(key)):
                raise _Unusual  # a duplicate key, a merge key, a key with a hidden character
            mark = event.start_mark
            here = path + (key,)  # noqa: RUF005 (twice as fast as (*path, key), once per value)
            keys[here] = (mark.line + 1, mark.column + 1)
            event = nxt()
            value = event.value if type(event) is _ScalarEvent else None
            if (
                value
                and (event.style or value[0] not in TYPED_FIRST)
                and not hidden
                and not deep
                and event.anchor is None
                and event.tag is None
                and self.count < MAX_NODES
            ):
                # Text, the most common value: `node` and `scalar` inlined.
                self.count += 1
                mark = event.start_mark
                values[here] = (mark.line + 1, mark.column + 1)
                out[key] = value
            else:
                out[key] = self.node(event, here)

    def sequence(self, path: Path) -> list[Any]:
        out: list[Any] = []
        nxt = self.next
        while True:
            event = nxt()
            if type(event) is _SequenceEnd:
                return out
            out.append(self.node(event, path + (len(out),)))  # noqa: RUF005 (as above)
