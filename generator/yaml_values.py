"""What both YAML readers allow in a value: size limits, hidden characters, YAML 1.1 typing.

`generator.yaml_reader` reads a file in one of two ways (an event walk for ordinary
files, compose-and-convert for the rest, see there); both take these rules from here so
that they cannot drift apart.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode

#: A file that expands to more values than this, or nests deeper, is refused (alias bombs).
MAX_NODES = 100_000
MAX_DEPTH = 50

STR = "tag:yaml.org,2002:str"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
MERGE = "tag:yaml.org,2002:merge"
#: The tags YAML 1.1 gives plain scalars that are not text; the raw text of such a value is kept.
TYPED_TAGS = {
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
#: Errors of the scalar constructors on a value that looks typed but is not (2026-02-30).
NOT_TYPED = (yaml.YAMLError, ValueError, OverflowError, KeyError, AttributeError, TypeError)

_constructor = SafeConstructor()
_resolver = yaml.resolver.Resolver()
#: First characters of a plain scalar that YAML 1.1 may type (bool, int, float, null,
#: timestamp, merge, value); a plain scalar starting otherwise is text without asking.
TYPED_FIRST = frozenset(k for k in _resolver.yaml_implicit_resolvers if k)


def implicit_tag(value: str) -> str:
    """The tag YAML 1.1 gives a plain scalar written without an explicit tag."""
    return _resolver.resolve(ScalarNode, value, (True, False))


def construct(tag: str, node: ScalarNode) -> Any:
    """The value of a typed scalar; raises one of NOT_TYPED if it does not fit its tag.

    The scalar constructor itself: `construct_object` would remember every node for good
    (a process that checks again and again grew without end).
    """
    return _constructor.yaml_constructors[tag](_constructor, node)


#: Characters that no text of the handbook needs and that a page or a terminal would show
#: wrongly or not at all: C0/C1 controls (tab and line breaks aside), DEL, bidirectional
#: overrides and isolates (text that reads in another order than it is stored), BOM.
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + BIDI + "\ufeff]")


def hidden_kind(char: str) -> str:
    return "a bidirectional-text control, which can make text read backwards" if char in BIDI else "a control character"


#: Where YAML ends a line: LF, CR LF, a lone CR, NEL, LS, PS.
LINE_BREAK = re.compile("\r\n?|[\n\x85\u2028\u2029]")
