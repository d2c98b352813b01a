"""`handbook export`: the checked handbook as Word role sheets and Excel workbooks for HR.

`docx` writes one 岗位说明书 per role and language (:mod:`.word`); `xlsx` writes the
permission matrix and the responsibilities sheet (:mod:`.excel`).  Both start from the
same views as the printed PDFs (:mod:`generator.pdf.views`), so the three agree.  Text
from the YAML is written as text, never as a formula or a field.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.findings import did_you_mean
from generator.model import Handbook

__all__ = ["ExportError", "export", "xml_safe"]


class ExportError(Exception):
    """The request cannot be met (an unknown role, an output path that is a file …)."""


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Word and Excel files are XML: characters XML cannot hold are dropped, not crashed on."""
    return _XML_INVALID.sub("", text)


def export(book: Handbook, fmt: str, out: Path, role: str | None = None) -> list[Path]:
    """Write the files of `fmt` into `out`; return their paths."""
    if role is not None and role not in book.roles:
        raise ExportError(f"no role has the id '{role}'{did_you_mean(role, book.roles)}")
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file; --out names a folder")
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "docx":
        from generator.export.word import write_role_sheets

        return write_role_sheets(book, out, role)
    if fmt == "xlsx":
        from generator.export.excel import write_workbooks

        return write_workbooks(book, out, role)
    raise ExportError(f"unknown format '{fmt}': use docx or xlsx")
