"""Every escaper of the handbook, by the place a text from the data or a pull request goes.

Text from YAML, mkdocs.yml, docs/ or git is never trusted to be inert; what makes it inert
depends on where it lands, and these are four different jobs, not one written four times:

* :func:`md_escape` — into the Markdown source of a generated page, which Python-Markdown,
  MkDocs and (were it on) Jinja read: every character that may start Markdown, HTML or
  Jinja syntax is escaped; nobody reads that source raw.
* :func:`html_escape` — into raw HTML inside such a page (a table cell, a step's block):
  entities, and numeric entities for the characters Markdown still parses between inline tags.
* :func:`report_md` and :func:`code_text` — into the `handbook diff` report, which a reviewer
  reads both raw (in a terminal) and rendered (as GitHub Markdown in a pull request): only what
  GitHub would act on (HTML, links, emphasis, a table break) is escaped, so that the raw report
  still reads as plain text; and a value inside a `code span`, which nothing can escape.
* :func:`visible` and :func:`visible_line` — into a terminal or a CI log (findings, errors):
  control, bidi and invisible characters written as escapes (\\x1b, \\u202e).
"""

from __future__ import annotations

import re

from markupsafe import Markup

# Python-Markdown's backslash escapes (plus `|`, added by the tables extension).
_MD_ESCAPED = set("\\`*_{}[]()#+-.!|")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_HTML_INERT = {ch: f"&#{ord(ch)};" for ch in "\\`*_{}[]|#"}


def md_escape(value: object) -> str:
    """Text for a Markdown context: no character may start Markdown, HTML or Jinja syntax."""
    out = []
    for ch in str(value):
        if ch in _HTML:
            out.append(_HTML[ch])
        elif ch in _MD_ESCAPED:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("<br>")
        elif ch == "\r":
            continue
        else:
            out.append(ch)
    return "".join(out)


def html_escape(value: object) -> Markup:
    """Text for a raw-HTML context (Markdown does not touch the inside of HTML blocks).

    Markdown still parses the text between inline HTML tags (in table cells, list items);
    numeric entities keep its syntax characters, and `{{`, inert.
    """
    out = []
    for ch in str(value):
        if ch in _HTML:
            out.append(_HTML[ch])
        elif ch == "'":
            out.append("&#39;")
        elif ch in _HTML_INERT:
            out.append(_HTML_INERT[ch])
        elif ch == "\n":
            out.append("<br>")
        elif ch != "\r":
            out.append(ch)
    return Markup("".join(out))


def report_md(text: object) -> str:
    """Text from YAML in the diff report: inert in GitHub Markdown (no HTML, links or table
    breaks), on one line, and still plain to read in a terminal (control characters written
    as escapes, as :func:`visible` does: the report is printed to one)."""
    out = str(text).replace("\\", "\\\\").replace("\r", " ").replace("\n", " ")
    for ch in "`*_[]<>|#~":
        out = out.replace(ch, "\\" + ch)
    return visible_line(out.replace("&", "&amp;"))


def code_text(text: object) -> str:
    """A value for inside a `code span` of the diff report (a backtick would end the span)."""
    return visible_line(str(text).replace("`", "'").replace("\n", " "))


#: What a terminal or a CI log must never receive raw: C0/C1 controls but the line feed,
#: which each format escapes in its own way (ESC starts the
#: sequences that retitle a window or clear the screen, CR overwrites a line), DEL,
#: bidirectional overrides and isolates (text shown in another order than stored), other
#: invisible format characters, line and paragraph separators, and the surrogates that
#: stand for the undecodable bytes of a file name: every character of the categories Cc, Cf,
#: Zl and Zp but the line feed, and Cs.
_UNSAFE_CLASS = (
    "\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
    "\ud800-\udfff"
    # the other format characters (Unicode category Cf), the tag characters among them
    "\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_UNSAFE = re.compile(f"[{_UNSAFE_CLASS}]")
_UNSAFE_IN_LINE = re.compile(f"[\n{_UNSAFE_CLASS}]")  # and the line feed: a value quoted inside one line


def _escape(match: re.Match[str]) -> str:
    point = ord(match.group())
    if 0xDC80 <= point <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape)
        return f"\\x{point - 0xDC00:02x}"
    if point > 0xFFFF:
        return f"\\U{point:08x}"
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


def visible(text: str) -> str:
    """`text` with every control, bidi and invisible character written as an escape (\\x1b, \\u202e).

    Keys, ids and file names come from pull requests: printed raw, `\\e]0;…\\a\\e[2J` retitles
    the reader's terminal and clears it, U+202E turns the rest of the line around.
    """
    return text if text.isascii() and text.isprintable() else _UNSAFE.sub(_escape, text)


def visible_line(text: str) -> str:
    """:func:`visible`, and a line feed written as \\x0a too: a value quoted inside one line."""
    return text if text.isascii() and text.isprintable() else _UNSAFE_IN_LINE.sub(_escape, text)
