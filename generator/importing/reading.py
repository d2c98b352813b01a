"""Reading a job-description file into numbered lines, in bounded time and memory.

A Word document and a text file end up the same shape here: a list of :class:`Line`
(the text and where it was: file and line, or for a .docx the paragraph number), so that
the parser in :mod:`generator.importing.parsing` never knows which kind it came from.

Every way a file can be unusable (missing, a folder, binary, too large, a .doc, a zip
that is not a Word document, a zip bomb) raises :class:`ReadError` with a sentence a
person can act on; nothing here lets a traceback through.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

#: A job description is a few kilobytes; a file of megabytes is not one.
MAX_TEXT_BYTES = 2 * 1024 * 1024
#: A .docx of one job description is tens of kilobytes; images make it larger.
MAX_DOCX_BYTES = 20 * 1024 * 1024
#: What the parts of a .docx may expand to, all together (a zip bomb expands far more).
MAX_DOCX_EXPANDED = 64 * 1024 * 1024
MAX_DOCX_ENTRIES = 2000
MAX_LINES = 100_000

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
DOCX_SUFFIXES = {".docx"}

_FULLWIDTH = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})


class ReadError(Exception):
    """The file cannot be read as a job description; the message says why and what to do."""


@dataclass(frozen=True)
class Line:
    """One line (or Word paragraph) of a source file, stripped, never empty.

    `level` is the list level of a Word paragraph with automatic numbering (0 top), and
    `label` the number Word shows in front of it; text files carry both in the text.
    """

    text: str
    file: str
    line: int
    label: str | None = None
    level: int = 0

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def read_lines(path: Path, shown: str) -> tuple[list[Line], str]:
    """The non-blank lines of `path` and a word on how it was read (its encoding or kind)."""
    if not path.exists():
        raise ReadError("no such file; check the name and the folder")
    if path.is_dir():
        raise ReadError("is a folder; give the job-description files in it (e.g. folder/*.docx)")
    if not path.is_file():
        raise ReadError("is not a regular file")
    suffix = path.suffix.lower()
    head = _head(path)
    if suffix == ".doc" or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(
            "is a Word 97-2003 (.doc) or other OLE file; open it in Word or WPS and save it as .docx,"
            " then import the .docx"
        )
    if suffix in DOCX_SUFFIXES or (suffix not in TEXT_SUFFIXES and head.startswith(b"PK")):
        return _docx_lines(path, shown), "Word .docx"
    if suffix in {".pdf", ".xlsx", ".xls", ".pptx", ".odt", ".rtf", ".wps"}:
        raise ReadError(
            f"{suffix} files are not read; save the job descriptions as .docx or as UTF-8 text (.txt) and import that"
        )
    return _text_lines(path, shown)


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(8)


# --- text ---------------------------------------------------------------------------


def _text_lines(path: Path, shown: str) -> tuple[list[Line], str]:
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise ReadError(
            f"is {size / 1024 / 1024:.1f} MiB; a job-description text is at most {MAX_TEXT_BYTES // 1024 // 1024} MiB;"
            " split it or check that it is the right file"
        )
    with path.open("rb") as fh:
        data = fh.read(MAX_TEXT_BYTES + 1)
    if b"\x00" in data[:65536]:
        raise ReadError("is a binary file, not text; save the job descriptions as .docx or as UTF-8 text")
    text, encoding = _decode(data)
    if _control_share(text) > 0.01:
        raise ReadError("looks binary (control characters); save the job descriptions as .docx or as UTF-8 text")
    markdown = path.suffix.lower() in {".md", ".markdown"}
    lines: list[Line] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = _clean(raw, markdown)
        if stripped:
            lines.append(Line(stripped, shown, number))
        if len(lines) > MAX_LINES:
            raise ReadError(f"has more than {MAX_LINES} lines; split it")
    return lines, encoding


def _decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) first; Chinese Windows saves GB18030/GBK; then give up."""
    for encoding, name in (("utf-8-sig", "UTF-8"), ("utf-16", "UTF-16")):
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return data.decode(encoding), name + (
                " with BOM" if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) else ""
            )
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("gb18030"), "GB18030 (GBK)"
    except UnicodeDecodeError as exc:
        raise ReadError(f"is neither UTF-8 nor GB18030 text (byte {exc.start}); save it as UTF-8 text") from None


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:65536]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\f\v")
    return bad / len(sample)


_MD_PREFIX = re.compile(r"^(#{1,6}\s+|>\s*)")
_MD_BULLET = re.compile(r"^[-*+]\s+(?=\S)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def _clean(raw: str, markdown: bool) -> str:
    """The line without surrounding spaces (full-width ones too) and, for Markdown, its marks."""
    text = raw.replace("\ufeff", "").strip().strip("\u3000").strip()
    if markdown and text:
        if re.fullmatch(r"[-*_]{3,}", text):
            return "---"
        text = _MD_BULLET.sub("• ", _MD_PREFIX.sub("", text))  # a bullet stays a (sub-)item
        text = _MD_EMPHASIS.sub(r"\2", text).strip()
    return text


# --- Word ---------------------------------------------------------------------------


def _docx_lines(path: Path, shown: str) -> list[Line]:
    size = path.stat().st_size
    if size > MAX_DOCX_BYTES:
        raise ReadError(
            f"is {size / 1024 / 1024:.1f} MiB; a job-description .docx is at most {MAX_DOCX_BYTES // 1024 // 1024} MiB"
            " (remove large pictures, or split it)"
        )
    data = _safe_docx_bytes(path)
    try:
        import docx  # python-docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError:  # pragma: no cover - installed with the handbook
        raise ReadError("python-docx is not installed; run scripts/setup.sh") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ReadError(
            f"is a zip archive but not a Word document ({type(exc).__name__}); save it from Word or WPS as .docx"
        ) from None
    except Exception as exc:  # lxml's XMLSyntaxError and friends: a damaged document
        raise ReadError(
            f"is a damaged Word document ({type(exc).__name__}); open it in Word or WPS and save it again"
        ) from None
    return list(_paragraph_lines(document, shown))


def _safe_docx_bytes(path: Path) -> bytes:
    """The file's bytes, after making sure its parts expand to a bounded size (no zip bomb)."""
    data = path.read_bytes()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ReadError("is not a Word .docx file (not a zip archive); save it from Word or WPS as .docx") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_DOCX_ENTRIES:
            raise ReadError(f"holds {len(infos)} parts; a Word document holds tens; it is not a job description")
        declared = sum(info.file_size for info in infos)
        if declared > MAX_DOCX_EXPANDED:
            raise ReadError(
                f"would expand to {declared / 1024 / 1024:.0f} MiB (a zip bomb or a document full of media); refused"
            )
        if "word/document.xml" not in archive.namelist():
            raise ReadError(
                "is a zip archive but not a Word document (no word/document.xml); save it from Word or WPS as .docx"
            )
        total = 0
        for info in infos:  # the sizes in the header may lie: count what really comes out
            try:
                with archive.open(info) as part:
                    while chunk := part.read(1024 * 1024):
                        total += len(chunk)
                        if total > MAX_DOCX_EXPANDED:
                            raise ReadError("expands beyond 64 MiB (a zip bomb); refused")
            except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError) as exc:
                raise ReadError(f"is a damaged zip archive ({exc}); open it in Word or WPS and save it again") from None
    return data


def _paragraph_lines(document, shown: str):
    """Body paragraphs and table rows in document order, numbered from 1 like lines."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    numbering = _Numbering(document)
    number = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            number += 1
            text = _clean(block.text, markdown=False)
            if text:
                label, level = numbering.label(block)
                yield Line(text, shown, number, label, level)
        elif isinstance(block, Table):
            for row in block.rows:
                number += 1
                for text in _row_texts(row):
                    yield Line(text, shown, number)


def _row_texts(row) -> list[str]:
    """A table row as lines: `1 | 负责… ` becomes `1、负责…`; `岗位名称 | X` becomes `岗位名称:X`."""
    cells: list[str] = []
    for cell in row.cells:
        text = " ".join(_clean(p.text, False) for p in cell.paragraphs if p.text.strip())
        if text and (not cells or cells[-1] != text):  # merged cells repeat their text
            cells.append(text)
    if not cells:
        return []
    if len(cells) >= 2 and re.fullmatch(r"[0-9０-９一二三四五六七八九十]+[、.．]?", cells[0]):
        return [f"{cells[0].rstrip('、.．')}、{cells[1]}", *cells[2:]]
    if len(cells) % 2 == 0 and all(len(c) <= 8 for c in cells[0::2]):
        # `岗位名称：` or `岗位名称:` in the key cell: one colon in the line, whichever the author typed
        return [f"{k.rstrip(':：')}:{v}" for k, v in zip(cells[0::2], cells[1::2], strict=True)]
    return cells


_FORMATS = {
    "decimal": "1",
    "upperLetter": "A",
    "lowerLetter": "a",
    "upperRoman": "I",
    "lowerRoman": "i",
    "chineseCounting": "一",
    "chineseCountingThousand": "一",
    "ideographTraditional": "甲",
    "japaneseCounting": "一",
    "chineseLegalSimplified": "壹",
    "decimalEnclosedCircle": "①",
    "decimalFullWidth": "1",
}


class _Numbering:
    """Word's automatic numbering: which paragraph shows which number (1, A, a, 一 …)."""

    def __init__(self, document) -> None:
        self.formats: dict[tuple[str, int], str] = {}
        self.counters: dict[tuple[str, int], int] = {}
        self.styles = document.styles
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        ns = root.nsmap.get("w", "http://schemas.openxmlformats.org/wordprocessingml/2006/main")
        w = f"{{{ns}}}"
        abstract: dict[str, dict[int, str]] = {}
        for node in root.iter(w + "abstractNum"):
            levels = {}
            for lvl in node.iter(w + "lvl"):
                fmt = lvl.find(w + "numFmt")
                levels[int(lvl.get(w + "ilvl", "0"))] = fmt.get(w + "val") if fmt is not None else "decimal"
            abstract[node.get(w + "abstractNumId")] = levels
        for num in root.iter(w + "num"):
            ref = num.find(w + "abstractNumId")
            if ref is not None:
                for ilvl, fmt in abstract.get(ref.get(w + "val"), {}).items():
                    self.formats[(num.get(w + "numId"), ilvl)] = fmt

    def label(self, paragraph) -> tuple[str | None, int]:
        num_id, ilvl = self._num_pr(paragraph)
        if num_id is None or num_id == "0":
            return None, 0
        fmt = self.formats.get((num_id, ilvl), "decimal")
        if fmt in {"bullet", "none"}:
            return "•", ilvl
        for key in [k for k in self.counters if k[0] == num_id and k[1] > ilvl]:
            del self.counters[key]  # a higher level restarts the lower ones
        count = self.counters.get((num_id, ilvl), 0) + 1
        self.counters[(num_id, ilvl)] = count
        return _format(count, _FORMATS.get(fmt, "1")), ilvl

    def _num_pr(self, paragraph) -> tuple[str | None, int]:
        p_pr = paragraph._p.pPr
        style = paragraph.style
        num_pr = p_pr.numPr if p_pr is not None else None
        level_from_style = 0
        while num_pr is None and style is not None:
            s_pr = style.element.pPr
            num_pr = s_pr.numPr if s_pr is not None else None
            match = re.search(r"(\d+)$", style.name or "")
            if match and level_from_style == 0:
                level_from_style = int(match.group(1)) - 1
            style = style.base_style
        if num_pr is None:
            return None, 0
        num_id = num_pr.numId.val if num_pr.numId is not None else None
        ilvl = num_pr.ilvl.val if num_pr.ilvl is not None else level_from_style
        return (str(num_id) if num_id is not None else None), int(ilvl)


_CHINESE = "零一二三四五六七八九"


def _format(n: int, kind: str) -> str:
    if kind == "A":
        return _letters(n).upper()
    if kind == "a":
        return _letters(n)
    if kind in {"I", "i"}:
        roman = _roman(n)
        return roman if kind == "I" else roman.lower()
    if kind == "一":
        return _chinese(n)
    if kind == "①" and n <= 20:
        return chr(0x2460 + n - 1)
    return str(n)


def _letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(97 + rem) + out
    return out


def _roman(n: int) -> str:
    out = ""
    for value, sym in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out, n = out + sym, n - value
    return out


def _chinese(n: int) -> str:
    if n < 10:
        return _CHINESE[n]
    if n < 20:
        return "十" + (_CHINESE[n % 10] if n % 10 else "")
    if n < 100:
        return _CHINESE[n // 10] + "十" + (_CHINESE[n % 10] if n % 10 else "")
    return str(n)


def ascii_forms(text: str) -> str:
    """Full-width digits, letters and signs as ASCII (for recognising labels, never for texts)."""
    return text.translate(_FULLWIDTH)
