"""Parsed job descriptions → role data (plain dicts in the model's shape) with stable ids.

Ids come from the Chinese title in pinyin (pypinyin, word by word as jieba segments it,
so 前台调度主管 is `qiantai-diaodu-zhuguan`), or from a prefix the maintainer gives.
Every English text is the marker :data:`TRANSLATION_GAP`, which `handbook check` reports
as E804 (a translation to write) instead of letting an empty string pass.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from generator.importing.parsing import Entry, JobDescription
from generator.model import ID_PATTERN, Handbook

#: Stands where the English is still to be written; `handbook check` reports it (E804).
TRANSLATION_GAP = "TO TRANSLATE"

_TITLE_SUFFIX = re.compile(r"(岗位|工作|职位)?(职责权限|职责描述|职责|说明书范文|说明书|范文|任职要求)$")
_EDITION = re.compile(r"\s*[(（][^()（）]{1,8}[)）]$")

_FREQUENCIES: list[tuple[str, re.Pattern[str]]] = [  # most frequent first
    ("daily", re.compile(r"(每天|每日|每晚|每早|日报)")),
    ("weekly", re.compile(r"(每周|每星期|每个星期|周报)")),
    ("monthly", re.compile(r"(每月|每个月|月报|按月)")),
    ("month-end", re.compile(r"(月底|月末)")),
    ("yearly", re.compile(r"(年度|每年|年报|全年)")),
    ("periodic", re.compile(r"(定期)")),
]


@dataclass
class RoleDraft:
    """A role to write: its data, where it came from, and what the summary says of it."""

    id: str
    data: dict
    doc: JobDescription
    kinds_guessed: list[tuple[str, str]]  # (authority text, kind id or '' when none fits)


def role_title(doc: JobDescription) -> str:
    """岗位名称 when given, else the document title without 职责权限 / 岗位说明书 / (详细版)."""
    if doc.post:
        return doc.post
    title = doc.title or doc.heading or "待定岗位"
    for _ in range(3):
        title = _EDITION.sub("", title).strip()
        title = _TITLE_SUFFIX.sub("", title).strip() or title
    return title


def pinyin_id(text: str, limit: int = 60) -> str:
    """`客户服务部前台调度主管` → `kehufuwubu-qiantai-diaodu-zhuguan`: stable, lowercase ASCII."""
    import jieba
    from pypinyin import Style, lazy_pinyin

    jieba.setLogLevel(60)
    words = []
    for word in jieba.lcut(text, HMM=False):
        syllables = "".join(lazy_pinyin(word, style=Style.NORMAL))  # characters without pinyin are kept as written
        ascii_word = re.sub(r"[^a-z0-9]+", "", syllables.lower().replace("ü", "v"))
        if ascii_word:
            words.append(ascii_word)
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out if re.fullmatch(ID_PATTERN, out or "-") else "role"


def frequency(text: str) -> tuple[str, list[str]]:
    """The most frequent recurrence the text states, and all it states (每天 … 定期)."""
    stated = []
    for name, pattern in _FREQUENCIES:
        for match in pattern.finditer(text):
            if match.start() > 0 and text[match.start() - 1] == "的":
                continue  # 客服主任的每日报告: someone else's report, not this duty's rhythm
            stated.append(name)
            break
    return (stated[0] if stated else "on-demand"), stated


def authority_level(text: str) -> str:
    if re.search(r"建议", text):
        return "propose"
    if re.search(r"(审核|审批|审定|批准|签批)", text):
        return "approve"
    if re.search(r"(有权|权力|调度权|考核|决定|处罚权|处置)", text):
        return "decide"
    return "execute"


def _bigrams(text: str) -> set[str]:
    han = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {han[i : i + 2] for i in range(len(han) - 1)}


def match_kind(text: str, book: Handbook | None) -> str:
    """The permission kind (matrix column) whose wording is nearest, or '' when none is near."""
    if book is None or not book.kinds:
        return ""
    mine = _bigrams(text)
    best, best_score = "", 0.0
    for kind in book.kinds.values():
        theirs = _bigrams(kind.title.zh + kind.description.zh)
        if not mine or not theirs:
            continue
        score = 2 * len(mine & theirs) / (len(mine) + len(theirs))
        if score > best_score:
            best, best_score = kind.id, score
    return best if best_score >= 0.2 else ""


def _gap(zh: str) -> dict:
    return {"zh": zh, "en": TRANSLATION_GAP}


def _item(entry: Entry, siblings: list[Entry]) -> dict:
    out: dict = {}
    if entry.label is not None:
        out["label"] = entry.label
    out["text"] = _gap(entry.text)
    note = reading_note(entry, siblings)
    if note:
        out["note"] = note
    if entry.items:
        out["items"] = [_item(child, entry.items) for child in entry.items]
    return out


def reading_note(entry: Entry, siblings: list[Entry]) -> dict | None:
    """How the import read a visible slip of the source: a broken line, an odd last sign."""
    if entry.joined_at:
        lines = "、".join(w.rsplit(":", 1)[-1] for w in entry.joined_at)
        return {
            "zh": f"原文此句断行（续于第{lines}行），导入时连成一句。",
            "en": f"In the source this sentence is broken across lines (continued on line {lines.replace('、', ', ')});"
            " it is joined here.",
        }
    others = [e.text[-1:] for e in siblings if e is not entry]
    if (
        len(siblings) >= 3
        and entry.text[-1:] in ":："
        and not entry.items
        and not any(end in ":：" for end in others)
        and sum(end in ";；" for end in others) >= 2
    ):
        return {
            "zh": "原文此项以冒号结尾，其余各项以分号结尾；照录。",
            "en": "In the source this item ends with a colon where the others end with a semicolon; kept as written.",
        }
    return None


def unique_id(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3` … the first not in `taken` (which it joins): ids stay stable in file order."""
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


def build_role(
    doc: JobDescription, role_id: str, *, document: str, department: str, book: Handbook | None, today: dt.date
) -> RoleDraft:
    """The role data of one job description, valid under the model."""
    title = role_title(doc)
    data: dict = {"id": role_id}
    if doc.code and re.fullmatch(r"[A-Za-z0-9-]{1,20}", doc.code):
        data["code"] = doc.code
    data["title"] = _gap(title)
    data["department"] = department
    superior = _superior(doc, book, role_id)
    if superior:
        data["reports_to"] = superior
    purpose = doc.intro[0] if doc.intro else f"{title}：依原文“{doc.title or title}”导入的岗位职责，用途待概括。"
    data["purpose"] = _gap(purpose)
    data["from_source"] = True
    source: dict = {"document": document, "title": _gap(doc.title or doc.heading or title)}
    if doc.particulars:
        source["particulars"] = [_gap(p) for p in doc.particulars]
    if doc.issued:
        source["issued"] = _gap(doc.issued)
    data["source"] = source

    section_ids: list[str] = []
    taken: set[str] = set()
    if doc.sections:
        data["sections"] = []
        for section in doc.sections:
            sid = unique_id(
                pinyin_id(section.title, 40) if re.search(r"[\u4e00-\u9fff]", section.title) else "section", taken
            )
            section_ids.append(sid)
            section_data: dict = {"id": sid, "title": _gap(section.title)}
            if section.intro:
                section_data["intro"] = [_gap(t) for t in section.intro]
            data["sections"].append(section_data)

    duties: list[dict] = []
    counters: dict[str, int] = {}
    ids: set[str] = set()
    for entry, section_index in doc.duties:
        prefix = section_ids[section_index] if section_index is not None else "duty"
        counters[prefix] = counters.get(prefix, 0) + 1
        duty: dict = {"id": unique_id(f"{prefix}-{counters[prefix]}", ids)}
        if entry.label is not None:
            duty["label"] = entry.label
        if section_index is not None:
            duty["section"] = section_ids[section_index]
        duty["text"] = _gap(entry.text)
        freq, stated = frequency(entry.text)
        if freq != "on-demand":
            duty["frequency"] = freq
        note = reading_note(entry, [])
        if note:
            duty["note"] = note
        elif len(stated) > 1:
            others = "、".join(_ZH_FREQ[s] for s in stated if s != freq)
            duty["note"] = {
                "zh": f"导入时按所述频次中最频繁的一项定为{_ZH_FREQ[freq]}；原文另有{others}。",
                "en": f"On import the most frequent of the stated frequencies ({', '.join(stated)}) was taken: {freq}.",
            }
        if entry.items:
            duty["items"] = [_item(child, entry.items) for child in entry.items]
        duties.append(duty)
    data["duties"] = duties

    guessed = []
    if doc.authorities:
        data["authorities"] = []
        for n, entry in enumerate(doc.authorities, start=1):
            kind = match_kind(entry.text, book)
            guessed.append((entry.text, kind))
            authority: dict = {"id": f"authority-{n}"}
            if entry.label is not None:
                authority["label"] = entry.label
            authority["kind"] = kind or "to-assign"
            authority["level"] = authority_level(entry.text)
            authority["text"] = _gap(entry.text)
            note = reading_note(entry, [])
            if note:
                authority["note"] = note
            data["authorities"].append(authority)
    for key, entries in (("requirements", doc.requirements), ("standards", doc.standards)):
        if entries:
            data[key] = []
            for n, entry in enumerate(entries, start=1):
                statement: dict = {"id": f"{key[:-1]}-{n}"}
                if entry.label is not None:
                    statement["label"] = entry.label
                statement["text"] = _gap(entry.text)
                note = reading_note(entry, [])
                if note:
                    statement["note"] = note
                data[key].append(statement)
    notes = [
        {
            "zh": f"原文此节标题写作“{written}”，导入时按“工作权限”一节读。",
            "en": "In the source the heading of the authorities is written in an unusual form;"
            " it is read as the authorities heading.",
        }
        for written, _ in doc.odd_headings
    ]
    data["notes"] = [
        *notes,
        {
            "zh": f"本岗位由 handbook import 于{today.isoformat()}从原文导入：职责、权限、任职要求和工作标准为"
            "原文照录；用途为导入时生成，权限类别与级别按措辞推断，请核对。",
            "en": "Imported with handbook import: the duties, authorities, requirements and standards are the source"
            " as written; the purpose line was generated on import, and the kinds and levels of the authorities"
            " were guessed from the wording; check them.",
        },
    ]
    owner = _document_owner(department, book, role_id)
    data["document"] = {"version": "0.1", "effective": today, "owner": owner, "reviewed": today}
    return RoleDraft(role_id, data, doc, guessed)


_ZH_FREQ = {
    "daily": "每天",
    "weekly": "每周",
    "monthly": "每月",
    "month-end": "月底",
    "yearly": "年度",
    "periodic": "定期",
}


def _superior(doc: JobDescription, book: Handbook | None, role_id: str) -> str | None:
    """The role whose Chinese title is the 直属上级 the source names, when the handbook has it."""
    if not doc.superior or book is None:
        return None
    for role in book.roles.values():
        if role.id != role_id and doc.superior in {role.title.zh, *re.split(r"[/／、]", role.title.zh)}:
            return role.id
    return None


def _document_owner(department: str, book: Handbook | None, role_id: str) -> str:
    """The department's head keeps the document when the handbook has that role; else the role itself."""
    if book is not None:
        known = book.departments.get(department)
        head = known.head if known is not None else None
        if head and head in book.roles:
            return head
    return role_id
