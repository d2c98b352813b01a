"""The running header of a site page printed from the browser (see assets/print.css).

Chromium's @page margin boxes cannot read the document, but they can read custom
properties of the root element; the site sets three of them per page with the block
this module writes.  The values come from YAML, so they are escaped as CSS strings:
nothing in a role title can close the string, the rule or the <style> element.
"""

from __future__ import annotations

from markupsafe import Markup


def css_string(text: str) -> str:
    """A CSS string literal: every character outside printable ASCII letters and digits
    (and space) is written as a hex escape, so quotes, backslashes, newlines, `<` and
    `>` never appear raw."""
    out = []
    for char in text:
        if char.isascii() and (char.isalnum() or char in " .,:;-_()/·"):
            out.append(char)
        elif char.isascii() or not char.isprintable():
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)  # CJK and other printable text is safe inside a string
    return '"' + "".join(out) + '"'


def print_header_style(book: str, document: str, version: str) -> Markup:
    """`<style>` setting --hb-print-book, --hb-print-doc and --hb-print-version on :root."""
    return Markup(
        "<style>:root{"
        f"--hb-print-book:{css_string(book)};"
        f"--hb-print-doc:{css_string(document)};"
        f"--hb-print-version:{css_string(version)}"
        "}</style>"
    )
