"""Input-method slips: a syntax error caused by typing YAML with a Chinese input method.

An input method in full-width mode types U+3000 as indentation, `：` after a key or `－`
as a list dash; YAML then says only that it cannot read the line.  The full reader
(generator.yaml_reader) asks `input_method_slip` which character to retype; the model
errors (generator.explain) and the rules (generator.checks) name such characters in
keys and ids with the same messages.
"""

from __future__ import annotations

import re

from generator.yaml_values import LINE_BREAK

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
    lines = LINE_BREAK.split(text, maxsplit=last_line + 1)[: last_line + 1]
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
