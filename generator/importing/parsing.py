"""Lines of a job-description file → job descriptions: title, sections, numbered items.

The common Chinese form is recognised: a title (often repeated, with page furniture
around it), header particulars (岗位名称:…, 直属上级:…), headings (主要职责描述, 岗位职责,
工作权限, 任职要求, 工作内容, 工作标准 …) and items numbered 1、 / 1. / 一、 / [1] / 【1】 /
(1) / A. / a. with deeper numbering styles nested under the item before them.  Every
line ends up somewhere: in a job description, in the furniture list, or in the list of
lines not placed, each with its file:line, so that nothing is lost without a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.importing.reading import Line, ascii_forms


@dataclass
class Entry:
    """A numbered item (a duty, an authority, a requirement, a standard) and its sub-items."""

    label: str | None
    text: str
    where: str
    items: list[Entry] = field(default_factory=list)
    joined_at: list[str] = field(default_factory=list)  # file:line of lines joined to it


@dataclass
class Section:
    title: str
    label: str | None
    where: str
    intro: list[str] = field(default_factory=list)


@dataclass
class JobDescription:
    """One job description as the file writes it; texts verbatim."""

    part: str | None = None
    heading: str | None = None  # the 篇N: line's title, where there is one
    title: str | None = None  # the document's own title as written
    post: str | None = None  # 岗位名称:…
    code: str | None = None  # 岗位编号:…
    superior: str | None = None  # 直属上级 / 直接上级:…
    department: str | None = None  # 所属部门:…
    particulars: list[str] = field(default_factory=list)
    issued: str | None = None
    where: str = ""
    sections: list[Section] = field(default_factory=list)
    duties: list[tuple[Entry, int | None]] = field(default_factory=list)
    authorities: list[Entry] = field(default_factory=list)
    requirements: list[Entry] = field(default_factory=list)
    standards: list[Entry] = field(default_factory=list)
    intro: list[str] = field(default_factory=list)  # statements before any section (主要职责:…)
    odd_headings: list[tuple[str, str]] = field(default_factory=list)  # (as written, block) of unusual headings

    def item_count(self) -> int:
        return len(self.duties) + len(self.authorities) + len(self.requirements) + len(self.standards)


@dataclass
class Parsed:
    documents: list[JobDescription]
    furniture: list[Line]
    unplaced: list[tuple[Line, str]]


# --- what a line is ------------------------------------------------------------------

_PART = re.compile(r"^篇\s*([0-9]+)\s*[:：]\s*(.*)$")
_SEPARATOR = re.compile(r"^[-=*_—─━~·#]{3,}$")
_FURNITURE = [
    re.compile(r"^[0-9]{1,9}$"),  # view counts, ids of the web page
    re.compile(r"(www\.|https?://|\.com\b|\.cn\b|\.net\b)", re.I),
    re.compile(r"^(文章|相关文章|上一篇|下一篇|返回|首页|更多|点击|浏览|阅读|来源|责任编辑|本文|分享|打印|收藏|推荐)"),
    re.compile(r"^(第\s*[0-9]+\s*页|[0-9]+\s*/\s*[0-9]+|-\s*[0-9]+\s*-)$"),  # page numbers
]
_PARTICULAR = re.compile(r"^([^:：,，。;；、]{2,8})\s*[:：]\s*(\S.*)$")
_PARTICULAR_KEYS = re.compile(r"(名称|编号|部门|上级|下级|人数|地点|等级|岗位|职级|编制|类别|序列|代码)$")
_ISSUED_KEYS = re.compile(r"(颁布|发布|生效|实施|编制|修订)日期$")

_LABELS: list[tuple[str, re.Pattern[str]]] = [
    ("bracket", re.compile(r"^[\[【〔［]\s*([0-9]{1,3})\s*[\]】〕］]\s*[、.:]?\s*")),
    ("paren", re.compile(r"^\(\s*([0-9]{1,3})\s*\)\s*[、.]?\s*")),
    ("arabic", re.compile(r"^([0-9]{1,3})(?![0-9])\s*(?:[、.,)]|\s)\s*(?=\S)")),
    ("chinese", re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.,]\s*(?=\S)")),
    ("chinese-paren", re.compile(r"^\(\s*([一二三四五六七八九十]{1,3})\s*\)\s*")),
    ("upper", re.compile(r"^([A-Z])\s*[、.,)]\s*(?=\S)")),
    ("lower", re.compile(r"^([a-z])\s*[、.,)]\s*(?=\S)")),
    ("circled", re.compile(r"^([\u2460-\u2473])\s*(?=\S)")),
    ("bullet", re.compile(r"^([·•●○◆◇■□▪►])\s*(?=\S)")),
]

_DUTY_HEADS = {
    "主要职责描述",
    "主要职责",
    "岗位职责",
    "职责",
    "工作职责",
    "职责描述",
    "岗位职责描述",
    "职责范围",
    "工作职责描述",
    "主要工作职责",
}
_SECTION_HEADS = {"工作内容", "主要工作内容", "工作任务", "日常工作"}
_AUTHORITY_HEADS = {"工作权限", "权限", "岗位权限", "主要权限", "职权", "工作职权"}
_REQUIREMENT_HEADS = {"任职要求", "任职资格", "任职条件", "岗位要求", "资格要求", "任职资格要求", "任职资格与要求"}
_STANDARD_HEADS = {"工作标准", "考核标准", "岗位标准", "工作质量标准"}
_TITLE_WORDS = re.compile(r"(职责|岗位|说明书|职位)")
_END = "。;；!！?？:："
_SHORT_HEADING = re.compile(r"^[^、,，。;；!！?？]{1,12}$")


def split_label(line: Line) -> tuple[str | None, str | None, str]:
    """(style, label as written, text after it); Word's own numbering counts as a label."""
    if line.label is not None:
        style = "bullet" if line.label == "•" else _style_of(line.label)
        return style, (None if style == "bullet" else line.label), line.text
    folded = ascii_forms(line.text)
    for style, pattern in _LABELS:
        match = pattern.match(folded)
        if match:
            rest = line.text[match.end() :].strip()
            if not rest:
                return None, None, line.text
            number = match.group(1)
            label = {
                "bracket": f"[{number}]",
                "paren": f"({number})",
                "chinese-paren": f"({number})",
                "bullet": None,
            }.get(style, number)
            return style, label, rest
    return None, None, line.text


def _style_of(label: str) -> str:
    if label.isdigit():
        return "word-decimal"
    if re.fullmatch(r"[A-Z]+", label):
        return "word-upper"
    if re.fullmatch(r"[a-z]+", label):
        return "word-lower"
    return "word-" + label[:1]


def heading_kind(text: str) -> tuple[str, bool] | None:
    """('duties'|'authorities'|'requirements'|'standards', whether it opens a named section)."""
    word = re.sub(r"[\s【】\[\]〔〕]", "", text).rstrip(":：")
    if not word or len(word) > 8:
        return None
    if word in _DUTY_HEADS:
        return "duties", False
    if word in _SECTION_HEADS:
        return "duties", True
    if word in _REQUIREMENT_HEADS:
        return "requirements", False
    if word in _STANDARD_HEADS:
        return "standards", False
    if word.endswith("权限") and len(word) <= 6 and "职责" not in word:
        return "authorities", False
    return None


def is_furniture(text: str) -> bool:
    return any(p.search(text) for p in _FURNITURE)


def _title_like(text: str) -> bool:
    return len(text) <= 40 and not re.search(r"[:：,，。;；]", text) and not text.endswith(tuple(_END))


# --- the parser ----------------------------------------------------------------------


class _Parser:
    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.documents: list[JobDescription] = []
        self.furniture: list[Line] = []
        self.unplaced: list[tuple[Line, str]] = []
        self.doc = self._new_doc(None, None, lines[0].where if lines else "")
        self.candidates: list[Line] = []  # title-like lines before the first heading

    # state of the current block
    def _reset_block(self, block: str | None) -> None:
        self.block = block
        self.styles: list[str] = []
        self.stack: list[Entry] = []
        self.section_style: str | None = None
        self.last: Entry | None = None  # the item a continuation line would extend

    def _new_doc(self, part: str | None, heading: str | None, where: str) -> JobDescription:
        doc = JobDescription(part=part, heading=heading, where=where)
        self.documents.append(doc)
        self._reset_block(None)
        self.section: int | None = None
        self.pending_intro: list[str] = []
        self.candidates = []
        return doc

    def _content(self) -> bool:
        d = self.doc
        return bool(d.item_count() or d.sections or d.particulars or d.title)

    def run(self) -> Parsed:
        for index, line in enumerate(self.lines):
            self._line(index, line)
        self._settle_title()
        docs = [d for d in self.documents if d.item_count() or d.title or d.post]
        return Parsed(docs, self.furniture, self.unplaced)

    def _line(self, index: int, line: Line) -> None:
        text = line.text
        if line.label is None and is_furniture(text):
            self.furniture.append(line)
            return
        part = _PART.match(ascii_forms(text))
        if part:
            self._settle_title()
            self.doc = self._new_doc(f"篇{part.group(1)}", text[part.start(2) :].strip() or None, line.where)
            return
        if _SEPARATOR.match(text):
            if self._content():
                self._settle_title()
                self.doc = self._new_doc(None, None, line.where)
            return
        style, label, rest = split_label(line)
        kind = heading_kind(rest)
        if kind is not None:
            self._heading(kind, label, rest, line)
            return
        if style is None and self._particular(text):
            return
        if (
            style is None
            and self.block is not None
            and self.doc.item_count()
            and _title_like(text)
            and _TITLE_WORDS.search(text)
            and self._next_is_title_start(index, text)
        ):
            self._settle_title()
            self.doc = self._new_doc(None, None, line.where)  # a second job description, without 篇N
            self.candidates.append(line)
            return
        if self.block is None and style is None:
            if _title_like(text):
                self.candidates.append(line)
            else:
                self._paragraph(index, line)
            return
        if style is None:
            self._unlabelled(index, line)
            return
        if self.block is None:
            self._settle_title()
            self._reset_block("duties")
        self._item(index, line, style, label, rest)

    # header ---------------------------------------------------------------------
    def _particular(self, text: str) -> bool:
        match = _PARTICULAR.match(text)
        if not match:
            return False
        key, value = match.group(1).strip(), match.group(2).strip()
        if _ISSUED_KEYS.search(key):
            self.doc.issued = value
            return True
        if not _PARTICULAR_KEYS.search(key):
            return False
        d = self.doc
        d.particulars.append(text)
        if key in {"岗位名称", "职位名称"}:
            d.post = value
        elif key in {"岗位编号", "职位编号", "岗位代码"}:
            d.code = value
        elif key in {"直属上级", "直接上级", "上级", "汇报对象"}:
            d.superior = value
        elif key in {"所属部门", "部门"}:
            d.department = value
        return True

    def _settle_title(self) -> None:
        """The title is the title-like line nearest the first heading; the others are furniture."""
        if not self.candidates:
            return
        d = self.doc
        chosen = self.candidates[-1]
        if d.title is None:
            d.title = chosen.text
            d.where = chosen.where
        for line in self.candidates:
            if line.text not in {d.title, d.heading}:
                self.furniture.append(line)
        self.candidates = []

    def _next_is_title_start(self, index: int, text: str) -> bool:
        for line in self.lines[index + 1 : index + 4]:
            if line.text == text:
                return True
            _, _, rest = split_label(line)
            kind = heading_kind(rest)
            if kind is not None:
                return kind[0] == "duties"
            if not _PARTICULAR.match(line.text) and not is_furniture(line.text):
                return False
        return False

    # headings ---------------------------------------------------------------------
    def _heading(self, kind: tuple[str, bool], label: str | None, text: str, line: Line) -> None:
        self._settle_title()
        block, named = kind
        word = re.sub(r"[\s【】\[\]〔〕]", "", text).rstrip(":：")
        if block == "authorities" and word not in _AUTHORITY_HEADS:
            self.doc.odd_headings.append((text, block))  # 权限工作权限: a slip for 工作权限
        self._reset_block(block)
        self.section = None
        if block == "duties" and (named or label is not None):
            self._open_section(text, label, line)
        elif self.pending_intro:
            self.doc.intro.extend(self.pending_intro)
            self.pending_intro = []

    def _open_section(self, text: str, label: str | None, line: Line) -> None:
        section = Section(text.rstrip(":：").strip(), label, line.where, intro=self.pending_intro)
        self.pending_intro = []
        self.doc.sections.append(section)
        self.section = len(self.doc.sections) - 1

    # items ------------------------------------------------------------------------
    def _item(self, index: int, line: Line, style: str, label: str | None, rest: str) -> None:
        if self._at_section_level(index, style, rest):
            if _SHORT_HEADING.match(rest.rstrip(":：")):
                self.section_style = style
                self.styles, self.stack, self.last = [], [], None
                self._open_section(rest, label, line)
                return
            self.section_style, self.section = None, None
            self.styles, self.stack = [], []
        if line.label is not None:
            depth = line.level
            if style not in self.styles:
                self.styles.append(style)
        elif style not in self.styles and self._continues_top(style, label):
            depth = 0  # 1. 2. 3. then (4): another way of writing the next number, not a sub-list
        elif style in self.styles:
            depth = self.styles.index(style)
        else:
            self.styles.append(style)
            depth = len(self.styles) - 1
        if line.label is None:
            del self.styles[depth + 1 :]
        entry = Entry(label, rest, line.where)
        depth = min(depth, len(self.stack))
        del self.stack[depth:]
        if depth == 0:
            self._add_top(entry, line)
        else:
            parent = self.stack[-1]
            if self.block != "duties":
                self.unplaced.append(
                    (
                        line,
                        f"a sub-item under {self.block} {parent.label or ''};"
                        " the handbook keeps sub-items only under duties: add it to that text or as a note",
                    )
                )
                return
            parent.items.append(entry)
        self.stack.append(entry)
        self.last = entry

    def _continues_top(self, style: str, label: str | None) -> bool:
        numeric = {"arabic", "paren", "bracket", "circled"}
        if not self.styles or style not in numeric or self.styles[0] not in numeric or not self.stack:
            return False
        top = self.stack[0].label or ""
        number, previous = re.sub(r"\D", "", label or ""), re.sub(r"\D", "", top)
        return bool(number and previous) and int(number) == int(previous) + 1 and int(number) > 1

    def _add_top(self, entry: Entry, line: Line) -> None:
        d = self.doc
        if self.block == "duties":
            d.duties.append((entry, self.section))
        elif self.block == "authorities":
            d.authorities.append(entry)
        elif self.block == "requirements":
            d.requirements.append(entry)
        else:
            d.standards.append(entry)

    def _opens_subsection(self, index: int, style: str, rest: str) -> bool:
        """`1、楼宇管理` followed by `[1]…` items: a heading of a group of duties, not a duty."""
        if not _SHORT_HEADING.match(rest.rstrip(":：")):
            return False
        for line in self.lines[index + 1 :]:
            if is_furniture(line.text):
                continue
            next_style, _, next_rest = split_label(line)
            if heading_kind(next_rest) is not None or _PART.match(ascii_forms(line.text)):
                return False
            if next_style is not None:
                return next_style != style
        return False

    def _unlabelled(self, index: int, line: Line) -> None:
        last = self.last
        if last is not None and not last.text.endswith(tuple(_END)):
            last.text += line.text  # a sentence broken across lines (or a page) is joined
            last.joined_at.append(line.where)
            return
        self._paragraph(index, line)

    def _paragraph(self, index: int, line: Line) -> None:
        """A statement that is no item: the intro of a section, or a line not placed."""
        self.last = None
        if self._next_opens_section(index):
            self.pending_intro.append(line.text)
            return
        if (
            self.block == "duties"
            and self.section is not None
            and not any(s == self.section for _, s in self.doc.duties)
        ):
            self.doc.sections[self.section].intro.append(line.text)
            return
        if (
            self.block is None
            and self.doc.item_count() == 0
            and re.match(r"^(主要职责|岗位目的|岗位概述|职责概述|工作目标)", line.text)
        ):
            self.doc.intro.append(line.text)
            return
        self.unplaced.append(
            (line, "a statement between the numbered items; add it as a duty, a note or a section intro by hand")
        )

    def _at_section_level(self, index: int, style: str, rest: str) -> bool:
        """A numbered duty line written in the style of the sections' numbers (or opening them)."""
        if self.block != "duties" or style == "bullet":
            return False
        return style == self.section_style or (
            not self.styles and self.section_style is None and self._opens_subsection(index, style, rest)
        )

    def _next_opens_section(self, index: int) -> bool:
        for line in self.lines[index + 1 : index + 3]:
            if is_furniture(line.text):
                continue
            _, label, rest = split_label(line)
            kind = heading_kind(rest)
            return kind is not None and kind[0] == "duties" and (kind[1] or label is not None)
        return False


def parse(lines: list[Line]) -> Parsed:
    """The job descriptions in `lines`, the furniture left out and the lines not placed."""
    if not lines:
        return Parsed([], [], [])
    parsed = _Parser(lines).run()
    _number_parts(parsed.documents)
    return parsed


def _number_parts(documents: list[JobDescription]) -> None:
    """A file whose second part says 篇2 has an unmarked 篇1 before it."""
    for i, doc in enumerate(documents):
        if doc.part is None and i + 1 < len(documents) and documents[i + 1].part == f"篇{i + 2}":
            doc.part = f"篇{i + 1}"
