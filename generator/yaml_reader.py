"""A strict YAML reader: plain data plus the position of every value, or findings.

PyYAML alone keeps the last of two duplicate keys, reads `no` as False and `12:30` as
750, and expands alias bombs.  Here each of those cases is seen and reported with its
line and column.  YAML 1.1 typing is kept for plain scalars (so that `top: true` is a
boolean), and the raw text is remembered: when the model wanted text and got a boolean
or a number, the finding can say what was typed, and a number written `010`, `1:30` or
`0x1e` is refused by the loader (YAML 1.2 reads it otherwise, or as text).  Keys are held
to what values are: no tag, no hidden character.  A syntax error caused by an input
method in full-width mode is reported as that, naming the character (generator.input_slips).

`read_yaml` checks the bytes (a plain file, the size limit, UTF-8, no tab in the
indentation), then reads the text one of two ways:

* a file written the ordinary way, as nearly every data file is: one pass over libyaml's
  events (generator.yaml_walk), the speed trick this module keeps;
* anything else: composed into nodes (libyaml where it is installed) and turned into
  data by hand here (`_Converter`), which finds every problem and says where.

Both give the same data, positions and typed scalars for an ordinary file
(tests/test_reader_paths.py); the limits, hidden characters and typing rules of both
are in generator.yaml_values.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.findings import Finding, shown
from generator.input_slips import input_method_slip
from generator.positions import Location, Path, SourceMap
from generator.yaml_values import (
    HIDDEN,
    LINE_BREAK,
    MAP,
    MAX_DEPTH,
    MAX_NODES,
    MERGE,
    NOT_TYPED,
    SEQ,
    STR,
    TYPED_TAGS,
    construct,
    hidden_kind,
    implicit_tag,
)
from generator.yaml_walk import read_plain

MAX_FILE_BYTES = 1024 * 1024

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class YamlFile:
    """The outcome of reading one file: data (None if unreadable), positions, findings."""

    data: dict[str, Any] | None
    source: SourceMap
    findings: list[Finding] = field(default_factory=list)
    #: Raw text of plain scalars that YAML typed as bool/int/float/null/date, by path.
    typed_scalars: dict[Path, str] = field(default_factory=dict)


class _Stop(Exception):
    """Conversion cannot go on (alias bomb, unsupported construct)."""

    def __init__(self, finding: Finding):
        self.finding = finding


def read_yaml(path: FsPath, display: str) -> YamlFile:
    """Read `path` (shown to people as `display`) into data and positions."""
    source = SourceMap(display)
    result = YamlFile(None, source)
    here = Location(display, 1, 1)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # /dev/zero, a pipe: reading would never end
            result.findings.append(
                Finding.at(
                    here, "E100", "this is not a plain file (a device, a pipe or a folder); a data file must be one"
                )
            )
            return result
        if info.st_size > MAX_FILE_BYTES:
            result.findings.append(
                Finding.at(
                    here, "E107", f"file is {info.st_size:,} bytes; a data file may have at most {MAX_FILE_BYTES:,}"
                )
            )
            return result
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)  # never more, even if the file grows meanwhile
        if len(raw) > MAX_FILE_BYTES:
            result.findings.append(
                Finding.at(
                    here,
                    "E107",
                    f"file is over {MAX_FILE_BYTES:,} bytes; a data file may have at most {MAX_FILE_BYTES:,}",
                )
            )
            return result
    except OSError as exc:
        result.findings.append(Finding.at(here, "E100", f"cannot read the file: {exc.strerror or exc}"))
        return result
    text = _decode(raw, display, result.findings)
    if text is None:
        return result
    if _tabs_in_indentation(text, display, result.findings):
        return result
    plain = read_plain(text)
    if plain is not None:
        result.data, source.values, source.keys, result.typed_scalars = plain
        return result
    root = _compose(text, display, result.findings)
    if root is None:
        return result
    if not isinstance(root, MappingNode):
        kind = "a list" if isinstance(root, SequenceNode) else "a single value"
        result.findings.append(
            Finding.at(_loc(display, root), "E105", f"the file holds {kind}; it must hold a mapping of keys to values")
        )
        return result
    converter = _Converter(display, source, result.typed_scalars)
    try:
        data = converter.convert(root, ())
    except _Stop as stop:
        result.findings.append(stop.finding)
        return result
    result.findings.extend(converter.findings)
    result.data = data
    return result


def _decode(raw: bytes, display: str, findings: list[Finding]) -> str | None:
    if raw.startswith(b"\xef\xbb\xbf"):
        findings.append(
            Finding.at(Location(display, 1, 1), "W109", "the file starts with a UTF-8 byte-order mark; it is ignored")
        )
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(raw[: exc.start].decode("utf-8"))  # valid up to there; columns count characters
        findings.append(
            Finding.at(
                Location(display, line, col),
                "E104",
                f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8 (it may be GBK)",
            )
        )
        return None


#: Where a line starts, as YAML counts lines: after LF, CR (a file saved with old Mac line
#: ends has no LF at all), CR LF, NEL, LS or PS.
_LINE_START = r"(?:\A|(?<=[\n\x85\u2028\u2029])|(?<=\r)(?!\n))"
_TAB_INDENT = re.compile(_LINE_START + r"[ ]*\t")


def _tabs_in_indentation(text: str, display: str, findings: list[Finding]) -> bool:
    match = _TAB_INDENT.search(text)
    if not match:
        return False
    line, col = _line_col(text[: match.end() - 1])
    findings.append(
        Finding.at(Location(display, line, col), "E103", "a tab is used for indentation; YAML allows spaces only")
    )
    return True


def _compose(text: str, display: str, findings: list[Finding]) -> Node | None:
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        context = exc.context
        if (
            context
            and exc.context_mark
            and mark
            and mark is not exc.context_mark
            and exc.context_mark.line != mark.line
        ):
            context += f" that starts on line {exc.context_mark.line + 1},"
        problem = " ".join(str(p) for p in (context, exc.problem) if p)
        if exc.context_mark and mark and mark is exc.problem_mark and mark.line >= text.count("\n"):
            # Found only at the end of the file: the unclosed construct began at the context mark.
            problem += f" (the file ended at line {mark.line + 1} before it was closed)"
            mark = exc.context_mark
        where = Location(display, mark.line + 1, mark.column + 1) if mark else Location(display)
        slip = input_method_slip(text, mark.line if mark else 0)
        if slip is not None:  # the generic message would not say which character to retype
            line, col, code, message = slip
            findings.append(Finding.at(Location(display, line, col), code, message))
            return None
        findings.append(Finding.at(where, "E101", f"YAML cannot read this: {problem}"))
        return None
    except yaml.reader.ReaderError as exc:  # a control character: no mark, but an offset
        where = _offset_location(text, exc.position, display)
        findings.append(
            Finding.at(
                where,
                "E101",
                f"YAML cannot read this: the control character U+{exc.character:04X} is not allowed here; delete it",
            )
        )
        return None
    except yaml.YAMLError as exc:  # other errors without a mark
        findings.append(Finding.at(Location(display), "E101", f"YAML cannot read this: {exc}"))
        return None
    except RecursionError:
        findings.append(Finding.at(Location(display), "E101", "YAML nesting is too deep"))
        return None
    if not nodes:
        findings.append(
            Finding.at(Location(display), "E105", "the file is empty; it must hold a mapping of keys to values")
        )
        return None
    if len(nodes) > 1:
        findings.append(
            Finding.at(_loc(display, nodes[1]), "E105", "the file holds several YAML documents (---); keep one")
        )
        return None
    return nodes[0]


def _offset_location(text: str, position: int, display: str) -> Location:
    """Line and column of a reader error: libyaml counts in UTF-8 bytes, PyYAML in characters."""
    if _Loader is yaml.SafeLoader:
        before = text[:position]
    else:
        before = text.encode("utf-8")[:position].decode("utf-8", errors="ignore")
    return Location(display, *_line_col(before))


def _line_col(before: str) -> tuple[int, int]:
    """Line and column (from 1) of the character that follows `before`, the file up to it.

    Lines end where YAML ends them (LF, CR LF, a lone CR, NEL, LS, PS), so that a finding
    points at the line the parser and the editor show.
    """
    count, end = 0, 0
    for line_break in LINE_BREAK.finditer(before):
        count, end = count + 1, line_break.end()
    return count + 1, len(before) - end + 1


def _loc(display: str, node: Node) -> Location:
    return Location(display, node.start_mark.line + 1, node.start_mark.column + 1)


class _Converter:
    """Turns composed nodes into dicts, lists and scalars, counting as it goes."""

    def __init__(self, display: str, source: SourceMap, typed: dict[Path, str]):
        self.display = display
        self.source = source
        self.typed = typed
        self.findings: list[Finding] = []
        self.count = 0

    def convert(self, node: Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES or len(path) > MAX_DEPTH:
            # An alias repeats its anchor's marks; the top-level key being read is where to look.
            line, col = self.source.keys.get(path[:1], (node.start_mark.line + 1, node.start_mark.column + 1))
            where = Location(self.display, line, col)
            raise _Stop(
                Finding.at(
                    where,
                    "E106",
                    f"the value of '{path[0] if path else ''}' expands to more than {MAX_NODES:,} values "
                    f"or {MAX_DEPTH} levels (anchors and aliases?)",
                )
            )
        self.source.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if node.tag not in (SEQ, MAP):  # `!!set {a}`, `!!python/object/apply:os.system [..]`
            raise _Stop(
                Finding.at(
                    _loc(self.display, node),
                    "E110",
                    f"the tag {node.tag} is not supported; write a plain list or mapping",
                )
            )
        if isinstance(node, SequenceNode):
            return [self.convert(child, (*path, i)) for i, child in enumerate(node.value)]
        assert isinstance(node, MappingNode)
        return self._mapping(node, path)

    def _scalar(self, node: ScalarNode, path: Path) -> Any:
        hidden = HIDDEN.search(node.value)
        if hidden:  # written as an escape ("\x00", "\u202e"): YAML itself lets it through
            char = hidden.group()
            self.findings.append(
                Finding.at(
                    _loc(self.display, node),
                    "E101",
                    f"the value contains U+{ord(char):04X}, {hidden_kind(char)}; delete it",
                )
            )
        if not node.style and node.tag in TYPED_TAGS:  # plain (libyaml says "", PyYAML None)
            try:
                value = construct(node.tag, node)
            except NOT_TYPED:
                if implicit_tag(node.value) != node.tag:  # `!!bool x`, `!!timestamp x`: a tag the value does not fit
                    name = node.tag.rsplit(":", 1)[-1]
                    raise _Stop(
                        Finding.at(
                            _loc(self.display, node),
                            "E110",
                            f"'{node.value[:40]}' is not a valid !!{name}; remove the tag and write plain text",
                        )
                    ) from None
                return node.value  # e.g. 2026-02-30 looks like a date but is none: the model says so
            self.typed[path] = node.value
            return value
        if node.tag not in (STR, *TYPED_TAGS):
            raise _Stop(
                Finding.at(_loc(self.display, node), "E110", f"the tag {node.tag} is not supported; write plain text")
            )
        return node.value

    def _mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_seen: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise _Stop(
                    Finding.at(
                        _loc(self.display, key_node), "E110", "a key must be a plain word, not a list or mapping"
                    )
                )
            if key_node.tag == MERGE:
                raise _Stop(
                    Finding.at(
                        _loc(self.display, key_node), "E110", "merge keys (<<) are not supported; write the keys out"
                    )
                )
            key = key_node.value
            if key_node.tag != STR and (key_node.style or key_node.tag != implicit_tag(key)):
                # `!!python/name:os.system department:`: refused on a key as on a value.
                raise _Stop(
                    Finding.at(
                        _loc(self.display, key_node),
                        "E110",
                        f"the tag {shown(key_node.tag)} on the key '{shown(key)}' is not supported; "
                        "write the key alone",
                    )
                )
            hidden = HIDDEN.search(key)
            if hidden:
                self.findings.append(
                    Finding.at(
                        _loc(self.display, key_node),
                        "E101",
                        f"the key '{shown(key)}' contains U+{ord(hidden.group()):04X}, "
                        f"{hidden_kind(hidden.group())}; delete it",
                    )
                )
            if key in first_seen:
                earlier = first_seen[key].start_mark.line + 1
                self.findings.append(
                    Finding.at(
                        _loc(self.display, key_node),
                        "E102",
                        f"the key '{shown(key)}' is written twice in this mapping (first on line {earlier}); "
                        "YAML would keep only this one",
                    )
                )
                continue
            first_seen[key] = key_node
            here = (*path, key)
            self.source.keys[here] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.convert(value_node, here)
        return out
