"""A strict YAML reader: plain data plus the position of every value, or findings.

PyYAML alone keeps the last of two duplicate keys, reads `no` as False and `12:30` as
750, and expands alias bombs. Here the file is composed into nodes (libyaml where it is
installed), and the nodes are turned into data by hand so that each of those cases is
seen and reported with its line and column.  YAML 1.1 typing is kept for plain scalars
(so that `top: true` is a boolean), and the raw text is remembered: when the model
wanted text and got a boolean or a number, the finding can say what was typed, and a
number written `010`, `1:30` or `0x1e` is refused by the loader (YAML 1.2 reads it
otherwise, or as text).  Keys are held to what values are: no tag, no hidden character.
A syntax error caused by an input method in full-width mode (U+3000 as indentation, `：`
after a key, `－` as a list dash) is reported as that, naming the character.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.findings import Finding, shown
from generator.positions import Location, Path, SourceMap

MAX_FILE_BYTES = 1024 * 1024
MAX_NODES = 100_000

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = SafeConstructor()
_resolver = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_TYPED_TAGS = {
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


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
    if _read_plain(text, result):
        return result
    global _full_reads
    _full_reads += 1
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


_full_reads = 0


def full_reads() -> int:
    """How many files the full reader has read in this process (see `_read_plain`)."""
    return _full_reads


class _Unusual(Exception):
    """The fast reader met something it leaves to the full one (see `_read_plain`)."""


try:  # libyaml's parser itself: its events, without nodes or a constructor
    from yaml._yaml import CParser as _CParser
except ImportError:  # PyYAML without libyaml: the full reader does everything
    _CParser = None

_ScalarEvent = yaml.events.ScalarEvent
_MappingStart = yaml.events.MappingStartEvent
_MappingEnd = yaml.events.MappingEndEvent
_SequenceStart = yaml.events.SequenceStartEvent
_SequenceEnd = yaml.events.SequenceEndEvent
#: First characters of a plain scalar that YAML 1.1 may type (bool, int, float, null,
#: timestamp, merge, value); a plain scalar starting otherwise is text without asking.
_TYPED_FIRST = frozenset(k for k in _resolver.yaml_implicit_resolvers if k)


def _read_plain(text: str, result: YamlFile) -> bool:
    """Read a file written the ordinary way in one pass over libyaml's events.

    Composing nodes and then walking them cost four fifths of reading at 1,000 roles
    (a node, two marks and a call of PyYAML's resolver in Python per value); this walks
    the parser's events once and builds data and positions directly.  It handles only
    files that give no finding: on anything else (a syntax error, several documents,
    anchors, aliases, tags, merge keys, a duplicate key, hidden characters, a bomb) it
    gives up, having changed nothing, and the full reader reads the file again and
    reports exactly as it always did.  True if the file was read.
    """
    if _CParser is None:
        return False
    walker = _PlainWalker(text)
    try:
        data = walker.read()
    except Exception:  # _Unusual, or a YAML error: the full reader says what it is
        return False
    finally:
        walker.parser.dispose()
    result.data = data
    result.source.values = walker.values
    result.source.keys = walker.keys
    result.typed_scalars = walker.typed
    return True


class _PlainWalker:
    """Data, positions and typed scalars from the events of one plain document."""

    def __init__(self, text: str):
        self.parser = _CParser(text)
        self.next = self.parser.get_event
        self.values: dict[Path, tuple[int, int]] = {}
        self.keys: dict[Path, tuple[int, int]] = {}
        self.typed: dict[Path, str] = {}
        self.count = 0
        # A hidden character can only come from the text itself or from an escape.
        self.hidden = _HIDDEN.search(text) is not None or "\\" in text

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
        if self.count > MAX_NODES or len(path) > 50 or event.anchor is not None or event.tag is not None:
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
        if self.hidden and _HIDDEN.search(value):
            raise _Unusual
        if event.style or (value and value[0] not in _TYPED_FIRST):
            return value  # quoted, block, or plain text that no implicit type starts with
        tag = _implicit_tag(value)
        if tag == _STR:
            return value
        if tag not in _TYPED_TAGS:
            raise _Unusual  # `<<` or `=` where a value belongs
        try:
            typed = _constructor.yaml_constructors[tag](_constructor, ScalarNode(tag, value, style=""))
        except (yaml.YAMLError, ValueError, OverflowError, KeyError, AttributeError, TypeError):
            return value  # looks typed but is not (2026-02-30): the model says so
        self.typed[path] = value
        return typed

    def mapping(self, path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        nxt, keys, values, hidden = self.next, self.keys, self.values, self.hidden
        deep = len(path) >= 50
        while True:
            event = nxt()
            kind = type(event)
            if kind is _MappingEnd:
                return out
            if kind is not _ScalarEvent or event.anchor is not None or event.tag is not None:
                raise _Unusual  # a list, mapping or alias as a key; a tagged key
            key = event.value
            if key in out or (key == "<<" and not event.style) or (hidden and _HIDDEN.search(key)):
                raise _Unusual  # a duplicate key, a merge key, a key with a hidden character
            mark = event.start_mark
            here = path + (key,)
            keys[here] = (mark.line + 1, mark.column + 1)
            event = nxt()
            value = event.value if type(event) is _ScalarEvent else None
            if (
                value
                and (event.style or value[0] not in _TYPED_FIRST)
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
            out.append(self.node(event, path + (len(out),)))


def pack_plain(read: YamlFile) -> tuple[Any, ...] | None:
    """A file read the ordinary way, as plain values that `marshal` can carry to another process.

    None when it gave a finding: the receiver reads such a file again itself.  Typed
    scalars (dates, booleans, numbers) travel as the text that was written.
    """
    if read.data is None or read.findings:
        return None
    data = read.data
    for path, raw in read.typed_scalars.items():
        _set(data, path, raw)
    return data, read.source.values, read.source.keys, read.typed_scalars


def unpack_plain(packed: tuple[Any, ...], display: str) -> YamlFile:
    """The inverse of `pack_plain`."""
    data, values, keys, typed = packed
    for path, raw in typed.items():
        tag = _implicit_tag(raw)
        _set(data, path, _constructor.yaml_constructors[tag](_constructor, ScalarNode(tag, raw, style="")))
    source = SourceMap(display, values, keys)
    return YamlFile(data, source, [], typed)


def _set(data: Any, path: Path, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


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


#: Characters that no text of the handbook needs and that a page or a terminal would show
#: wrongly or not at all: C0/C1 controls (tab and line breaks aside), DEL, bidirectional
#: overrides and isolates (text that reads in another order than it is stored), BOM.
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + _BIDI + "\ufeff]")


def _hidden_kind(char: str) -> str:
    return (
        "a bidirectional-text control, which can make text read backwards" if char in _BIDI else "a control character"
    )


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
        if context and exc.context_mark and mark is not exc.context_mark and exc.context_mark.line != mark.line:
            context += f" that starts on line {exc.context_mark.line + 1},"
        problem = " ".join(str(p) for p in (context, exc.problem) if p)
        if exc.context_mark and mark is exc.problem_mark and mark.line >= text.count("\n"):
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


#: Spaces that look like indentation but are none to YAML: an input method in full-width
#: mode types U+3000; text pasted from Word or a web page brings no-break spaces.
WIDE_SPACES = {
    "\u3000": "a full-width space (U+3000, 全角空格)",
    "\u00a0": "a no-break space (U+00A0)",
    **{chr(c): f"a typographic space (U+{c:04X})" for c in range(0x2002, 0x200B)},
}
#: Punctuation an input method in Chinese mode types where YAML needs the ASCII character.
WIDE_PUNCTUATION = {
    "：": ":",
    "－": "-",
    "—": "-",
    "–": "-",
    "−": "-",
    "‐": "-",
    "﹣": "-",
    "，": ",",
    "、": ",",
    "；": ",",
    "［": "[",
    "］": "]",
    "【": "[",
    "】": "]",
    "｛": "{",
    "｝": "}",
    "＃": "#",
    "＂": '"',
    "＇": "'",
}
_SPACES = "".join(WIDE_SPACES)
_SLIP_SPACE = re.compile(f"[ ]*([{_SPACES}])[ {_SPACES}]*(?=[-－A-Za-z_])")
_SLIP_COLON = re.compile(f"[ ]*(?:[-－][ {_SPACES}]+)*[A-Za-z_][A-Za-z0-9_-]*[ {_SPACES}]*(：)")
_SLIP_DASH = re.compile(f"[ ]*([－—–−‐﹣])[ {_SPACES}]")
_SLIP_COMMA = re.compile(f"(，)[ {_SPACES}]*[A-Za-z_][A-Za-z0-9_-]*[ ]*:[ ]")  # searched: anywhere in the line
_SLIP_BRACKET = re.compile(f"[ ]*(?:[-－][ {_SPACES}]+)*[A-Za-z_][A-Za-z0-9_-]*[ ]*:[ ]+([［｛【])")


def wide_space_message(char: str, what: str) -> str:
    return (
        f"{what} {WIDE_SPACES[char]}, which YAML does not count as indentation; "
        "switch the input method to half-width (半角) and indent with ordinary spaces"
    )


def wide_punctuation_message(char: str, what: str) -> str:
    return (
        f"{what} the full-width '{char}' (U+{ord(char):04X}) where YAML needs the ASCII '{WIDE_PUNCTUATION[char]}'; "
        "switch the input method to half-width (半角) and retype it"
    )


def input_method_slip(text: str, last_line: int) -> tuple[int, int, str, str] | None:
    """The input-method slip nearest before line `last_line` (from 0) that explains a syntax error.

    Only structural places count (the indentation before a key or a dash, the colon after
    a key, a list dash, the bracket that opens a value): full-width punctuation inside
    Chinese text is right there, and U+3000 at the start of a paragraph of a block text too.
    """
    lines = _BREAK.split(text, maxsplit=last_line + 1)[: last_line + 1]
    for number in range(len(lines) - 1, -1, -1):
        line = lines[number]
        if line.isascii():
            continue
        match = _SLIP_SPACE.match(line)
        if match:
            return (
                number + 1,
                match.start(1) + 1,
                "E111",
                wide_space_message(match.group(1), "the line is indented with"),
            )
        for pattern in (_SLIP_COLON, _SLIP_DASH, _SLIP_BRACKET, _SLIP_COMMA):
            match = pattern.search(line) if pattern is _SLIP_COMMA else pattern.match(line)
            if match:
                return number + 1, match.start(1) + 1, "E112", wide_punctuation_message(match.group(1), "this line has")
    return None


def _offset_location(text: str, position: int, display: str) -> Location:
    """Line and column of a reader error: libyaml counts in UTF-8 bytes, PyYAML in characters."""
    if _Loader is yaml.SafeLoader:
        before = text[:position]
    else:
        before = text.encode("utf-8")[:position].decode("utf-8", errors="ignore")
    return Location(display, *_line_col(before))


_BREAK = re.compile("\r\n?|[\n\x85\u2028\u2029]")


def _line_col(before: str) -> tuple[int, int]:
    """Line and column (from 1) of the character that follows `before`, the file up to it.

    Lines end where YAML ends them (LF, CR LF, a lone CR, NEL, LS, PS), so that a finding
    points at the line the parser and the editor show.
    """
    count, last = 0, None
    for last in _BREAK.finditer(before):
        count += 1
    return count + 1, len(before) - (last.end() if last else 0) + 1


def _implicit_tag(value: str) -> str:
    """The tag YAML 1.1 gives a plain scalar written without an explicit tag."""
    return _resolver.resolve(ScalarNode, value, (True, False))


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
        if self.count > MAX_NODES or len(path) > 50:
            # An alias repeats its anchor's marks; the top-level key being read is where to look.
            line, col = self.source.keys.get(path[:1], (node.start_mark.line + 1, node.start_mark.column + 1))
            where = Location(self.display, line, col)
            raise _Stop(
                Finding.at(
                    where,
                    "E106",
                    f"the value of '{path[0] if path else ''}' expands to more than {MAX_NODES:,} values or 50 levels (anchors and aliases?)",
                )
            )
        self.source.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if node.tag not in (_SEQ, _MAP):  # `!!set {a}`, `!!python/object/apply:os.system [..]`
            raise _Stop(
                Finding.at(
                    _loc(self.display, node),
                    "E110",
                    f"the tag {node.tag} is not supported; write a plain list or mapping",
                )
            )
        if isinstance(node, SequenceNode):
            return [self.convert(child, path + (i,)) for i, child in enumerate(node.value)]
        return self._mapping(node, path)

    def _scalar(self, node: ScalarNode, path: Path) -> Any:
        hidden = _HIDDEN.search(node.value)
        if hidden:  # written as an escape ("\x00", "\u202e"): YAML itself lets it through
            char = hidden.group()
            self.findings.append(
                Finding.at(
                    _loc(self.display, node),
                    "E101",
                    f"the value contains U+{ord(char):04X}, {_hidden_kind(char)}; delete it",
                )
            )
        if not node.style and node.tag in _TYPED_TAGS:  # plain (libyaml says "", PyYAML None)
            try:
                # The scalar constructor itself: construct_object would remember every node for good.
                value = _constructor.yaml_constructors[node.tag](_constructor, node)
            except (yaml.YAMLError, ValueError, OverflowError, KeyError, AttributeError, TypeError):
                if _implicit_tag(node.value) != node.tag:  # `!!bool x`, `!!timestamp x`: a tag the value does not fit
                    name = node.tag.rsplit(":", 1)[-1]
                    raise _Stop(
                        Finding.at(
                            _loc(self.display, node),
                            "E110",
                            f"'{node.value[:40]}' is not a valid !!{name}; remove the tag and write plain text",
                        )
                    )
                return node.value  # e.g. 2026-02-30 looks like a date but is none: the model says so
            self.typed[path] = node.value
            return value
        if node.tag not in (_STR, *_TYPED_TAGS):
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
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Stop(
                    Finding.at(
                        _loc(self.display, key_node), "E110", "merge keys (<<) are not supported; write the keys out"
                    )
                )
            key = key_node.value
            if key_node.tag != _STR and (key_node.style or key_node.tag != _implicit_tag(key)):
                # `!!python/name:os.system department:`: refused on a key as on a value.
                raise _Stop(
                    Finding.at(
                        _loc(self.display, key_node),
                        "E110",
                        f"the tag {shown(key_node.tag)} on the key '{shown(key)}' is not supported; write the key alone",
                    )
                )
            hidden = _HIDDEN.search(key)
            if hidden:
                self.findings.append(
                    Finding.at(
                        _loc(self.display, key_node),
                        "E101",
                        f"the key '{shown(key)}' contains U+{ord(hidden.group()):04X}, {_hidden_kind(hidden.group())}; delete it",
                    )
                )
            if key in first_seen:
                earlier = first_seen[key].start_mark.line + 1
                self.findings.append(
                    Finding.at(
                        _loc(self.display, key_node),
                        "E102",
                        f"the key '{shown(key)}' is written twice in this mapping (first on line {earlier}); YAML would keep only this one",
                    )
                )
                continue
            first_seen[key] = key_node
            self.source.keys[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.convert(value_node, path + (key,))
        return out
