"""The source text is in the handbook, verbatim, in the right place.

`parse_source` reads `source/customer-service-roles.zh.txt` (the repository's copy of
the five job descriptions) into its lines: titles, header lines, sections, introductory
statements, duties, sub-items, authorities, requirements and work standards, each with
its part (篇1 … 篇5), label and place.  `fidelity_problems` loads a handbook root and says,
for each source line, whether the role of that part holds it, character for character, as
an item of the right kind, with the right label, under the right section or duty; and
whether the role holds anything extra in place of it (a split, a merge, a reworded copy).

The second half of the file shows on copies of the data that one dropped, altered,
moved, merged or split line is reported.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from generator.loading import load_handbook
from generator.model import Duty, Item, Role

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "source" / "customer-service-roles.zh.txt"

# --- parsing the source ----------------------------------------------------------------

#: Remnants of the web page the text was copied from; not part of any job description.
NOISE = {"物业经理人", "5329", "文章 物业经理人网 www.pMceo.com", "相关文章"}
PART = re.compile(r"^(篇\d+):")
PARTICULAR = re.compile(r"^(岗位名称|岗位编号|所属部门|直属上级|直接上级|直接下级|联系部门):")
ISSUED = re.compile(r"^颁布日期:(.+)$")
#: Headings that switch what the following numbered lines are.
MODES = {
    "主要职责描述": "duty",
    "职责:": "duty",
    "【岗位职责】:": "duty",
    "工作权限:": "authority",
    "权限工作权限:": "authority",
    "权限:": "authority",
    "任职要求:": "requirement",
}
#: A section heading of 篇5: a number, then a short title without punctuation.
SECTION = re.compile(r"^(?:\d+|[一二三四五六七八九十]+)[、.]([^\s,,。;;:]{2,4}):?$")
#: Section titles whose numbered lines are work standards rather than duties.
STANDARD_SECTIONS = {"工作标准"}
LABELS = [
    (re.compile(r"^(\d+)、(.+)$"), 0),
    (re.compile(r"^([一二三四五六七八九十]+)、(.+)$"), 0),
    (re.compile(r"^(\[\d+\])(.+)$"), 0),
    (re.compile(r"^([A-Z])\.(.+)$"), 1),
    (re.compile(r"^([a-z])\.(.+)$"), 2),
]
SENTENCE_END = ("。", ";", "\uff1b", ":", "\uff1a", ",", "\uff0c")


@dataclass
class SourceLine:
    """One line of a job description, as it must appear in the YAML."""

    part: str  # 篇1 … 篇5
    kind: str  # title particular issued section intro duty item authority requirement standard
    text: str
    label: str | None = None
    section: str | None = None  # title of the section (篇5), for duties, items and intros
    parents: tuple[str, ...] = ()  # labels of the duty and item above a sub-item
    lineno: int = 0

    def where(self) -> str:
        place = " > ".join(p for p in (self.section, *self.parents, self.label) if p)
        return f"{self.part} {self.kind} {place} (source line {self.lineno}): {self.text}"


def parse_source(text: str) -> list[SourceLine]:
    out: list[SourceLine] = []
    part = "篇1"
    title: str | None = None
    mode = "duty"
    section: str | None = None
    section_has_items = False
    pending_intro: list[SourceLine] = []
    duty: SourceLine | None = None
    item: SourceLine | None = None
    last: SourceLine | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line in NOISE:
            continue
        m = PART.match(line)
        if m:
            part, title, mode, section, duty, item, last = m.group(1), None, "duty", None, None, None, None
            section_has_items, pending_intro = False, []
            continue
        if title is None:
            title = line
            out.append(SourceLine(part, "title", line, lineno=lineno))
            continue
        if line == title:
            continue  # the title repeated under itself
        if line in MODES:
            mode, last = MODES[line], None
            continue
        if PARTICULAR.match(line):
            out.append(SourceLine(part, "particular", line, lineno=lineno))
            continue
        m = ISSUED.match(line)
        if m:
            out.append(SourceLine(part, "issued", m.group(1), lineno=lineno))
            continue
        m = SECTION.match(line)
        if m:
            name = m.group(1)
            if name in STANDARD_SECTIONS:
                mode, section = "standard", None
            else:
                mode, section = "duty", name
                out.append(SourceLine(part, "section", name, lineno=lineno))
                for intro in pending_intro:
                    intro.section = name
                    out.append(intro)
            pending_intro, section_has_items, duty, item, last = [], False, None, None, None
            continue
        # the first label pattern that matches, and its level (-1: none)
        m, level = next(((found, lv) for pattern, lv in LABELS if (found := pattern.match(line))), (None, -1))
        if m is None:
            if last is not None and not last.text.endswith(SENTENCE_END):
                last.text += line  # a sentence broken across lines in the source
                continue
            intro = SourceLine(part, "intro", line, section=section, lineno=lineno)
            if section is not None and not section_has_items:
                out.append(intro)
            else:
                pending_intro.append(intro)  # belongs to the section that follows
            continue
        label, body = m.group(1), m.group(2)
        if level == 0:
            kind = mode
            entry = SourceLine(part, kind, body, label, section if kind == "duty" else None, lineno=lineno)
            duty, item = (entry if kind == "duty" else None), None
            section_has_items = True
        elif level == 1:
            assert duty is not None, f"sub-item without a duty at source line {lineno}"
            entry = SourceLine(part, "item", body, label, duty.section, (duty.label or "",), lineno=lineno)
            item = entry
        else:
            assert item is not None, f"sub-sub-item without an item at source line {lineno}"
            entry = SourceLine(
                part, "item", body, label, item.section, (*item.parents, item.label or ""), lineno=lineno
            )
        out.append(entry)
        last = entry
    return out


def source_lines() -> list[SourceLine]:
    return parse_source(SOURCE.read_text(encoding="utf-8"))


# --- comparing with the YAML ---------------------------------------------------------------


def _duty(role: Role, line: SourceLine) -> Duty | None:
    """The duty of `role` that a sub-item line hangs under."""
    for duty in role.duties:
        if duty.label == line.parents[0] and _section_title(role, duty) == line.section:
            return duty
    return None


def _section_title(role: Role, duty: Duty) -> str | None:
    for section in role.sections:
        if section.id == duty.section:
            return section.title.zh
    return None


def _items_at(role: Role, line: SourceLine) -> list[Item]:
    duty = _duty(role, line)
    if duty is None:
        return []
    items = duty.items
    for label in line.parents[1:]:
        parent = next((i for i in items if i.label == label), None)
        if parent is None:
            return []
        items = parent.items
    return items


def _present(role: Role, line: SourceLine) -> bool:
    src = role.source
    if line.kind == "title":
        return src is not None and src.title.zh == line.text
    if line.kind == "particular":
        return src is not None and any(p.zh == line.text for p in src.particulars)
    if line.kind == "issued":
        return src is not None and src.issued is not None and src.issued.zh == line.text
    if line.kind == "section":
        return any(s.title.zh == line.text for s in role.sections)
    if line.kind == "intro":
        return any(s.title.zh == line.section and any(t.zh == line.text for t in s.intro) for s in role.sections)
    if line.kind == "duty":
        return any(
            d.label == line.label and d.text.zh == line.text and _section_title(role, d) == line.section
            for d in role.duties
        )
    if line.kind == "item":
        return any(i.label == line.label and i.text.zh == line.text for i in _items_at(role, line))
    if line.kind == "authority":
        return any(a.label == line.label and a.text is not None and a.text.zh == line.text for a in role.authorities)
    if line.kind in ("requirement", "standard"):
        return any(s.label == line.label and s.text.zh == line.text for s in getattr(role, line.kind + "s"))
    raise AssertionError(f"unknown kind {line.kind}")


def _yaml_counts(role: Role) -> Counter[str]:
    """How many things of each kind the role holds that must come from the source."""

    def items(entries: list[Item]) -> int:
        return sum(1 + items(i.items) for i in entries)

    src = role.source
    return Counter(
        {
            "title": 1 if src else 0,
            "particular": len(src.particulars) if src else 0,
            "issued": 1 if src and src.issued else 0,
            "section": len(role.sections),
            "intro": sum(len(s.intro) for s in role.sections),
            "duty": len(role.duties),
            "item": sum(items(d.items) for d in role.duties),
            "authority": sum(1 for a in role.authorities if not a.inferred),
            "requirement": len(role.requirements),
            "standard": len(role.standards),
        }
    )


def fidelity_problems(root: Path, source: Path = SOURCE) -> list[str]:
    """Every source line missing from the YAML at `root`, and every extra item in its place."""
    book, _ = load_handbook(root)
    lines = parse_source(source.read_text(encoding="utf-8"))
    by_part = {r.source.document: r for r in book.roles.values() if r.source is not None}
    problems: list[str] = []
    expected: dict[str, Counter[str]] = {}
    for line in lines:
        expected.setdefault(line.part, Counter())[line.kind] += 1
        role = by_part.get(line.part)
        if role is None:
            problems.append(f"no role has source.document {line.part}: missing {line.where()}")
        elif not _present(role, line):
            problems.append(f"{role.id}: not found verbatim: {line.where()}")
    for part, role in by_part.items():
        if not role.from_source:
            problems.append(f"{role.id}: has a source ({part}) but from_source is not true")
        held = _yaml_counts(role)
        for kind in sorted(set(held) | set(expected.get(part, Counter()))):
            want = expected.get(part, Counter())[kind]
            if held[kind] != want:
                problems.append(
                    f"{role.id}: holds {held[kind]} {kind}(s) where {part} has {want} (an item split, merged or added?)"
                )
    for role in book.roles.values():
        if role.from_source and role.source is None:
            problems.append(f"{role.id}: from_source is true but it names no source document")
    return problems


# --- the parser reads the source as a person would ------------------------------------------


def test_the_copy_of_the_source_keeps_its_attribution_line():
    text = SOURCE.read_text(encoding="utf-8")
    assert "文章 物业经理人网 www.pMceo.com" in text
    assert [m.group(1) for m in re.finditer(r"^(篇\d):", text, re.M)] == ["篇2", "篇3", "篇4", "篇5"]


def test_the_parser_finds_every_part_of_every_job_description():
    counts: dict[tuple[str, str], int] = Counter((entry.part, entry.kind) for entry in source_lines())
    assert counts == {
        ("篇1", "title"): 1,
        ("篇1", "duty"): 7,
        ("篇1", "authority"): 2,
        ("篇2", "title"): 1,
        ("篇2", "duty"): 10,
        ("篇2", "authority"): 1,
        ("篇3", "title"): 1,
        ("篇3", "duty"): 7,
        ("篇3", "authority"): 1,
        ("篇4", "title"): 1,
        ("篇4", "particular"): 4,
        ("篇4", "duty"): 19,
        ("篇4", "requirement"): 2,
        ("篇4", "authority"): 6,
        ("篇4", "issued"): 1,
        ("篇5", "title"): 1,
        ("篇5", "particular"): 3,
        ("篇5", "section"): 4,
        ("篇5", "intro"): 2,
        ("篇5", "duty"): 7 + 8 + 2 + 11,
        ("篇5", "item"): 4 + 3 + 2 + 3 + 4,
        ("篇5", "standard"): 5,
    }


def test_the_parser_places_sections_intros_items_and_the_broken_sentence():
    lines = source_lines()
    sections = [entry.text for entry in lines if entry.kind == "section"]
    assert sections == ["楼宇管理", "文秘档案", "其它", "工作内容"]
    intros = {entry.section: entry.text for entry in lines if entry.kind == "intro"}
    assert intros["楼宇管理"].startswith("客服部主管的首要任务是在物业经理的领导下")
    assert intros["工作内容"] == "主要职责:沟通业主与物业公司的关系,接待、处理业主的报修及投诉。"
    nested = [entry for entry in lines if entry.kind == "item" and len(entry.parents) == 2]
    assert [(entry.parents, entry.label, entry.text) for entry in nested][-1] == (("[6]", "B"), "d", "员工卡发放情况。")
    standards = [entry.text for entry in lines if entry.kind == "standard"]
    assert standards[0] == "遵守物业公司的规章制度及行为规范。"
    slip = next(entry for entry in lines if entry.label == "[7]" and entry.section == "文秘档案")
    assert slip.text == "催促业主交费信函的个、分发。"
    issued = next(entry for entry in lines if entry.kind == "issued")
    assert issued.text == "二0**年一月一日"


# --- the handbook holds the source ---------------------------------------------------------


def test_every_source_line_is_in_the_yaml_verbatim():
    problems = fidelity_problems(REPO)
    assert problems == [], "\n".join(problems)


# --- and the check notices when it does not (on copies) -------------------------------------

ROLE_FILES = {
    "篇1": "roles/customer-service/front-desk-dispatch-supervisor.yml",
    "篇2": "roles/customer-service/fee-collection-supervisor.yml",
    "篇3": "roles/customer-service/front-desk-dispatcher.yml",
    "篇4": "roles/customer-service/service-centre-supervisor.yml",
    "篇5": "roles/customer-service/customer-service-supervisor.yml",
}


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    root.mkdir()
    for name in ("handbook.yml", "org", "roles", "procedures", "source"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, root / name)
        else:
            shutil.copy2(src, root / name)
    return root


def _edit(root: Path, part: str, change: Callable[[dict], None]) -> None:
    path = root / ROLE_FILES[part]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _find(entries: list[dict], **match: object) -> dict:
    hits = [e for e in entries if all(e.get(k) == v for k, v in match.items())]
    assert len(hits) == 1, (match, len(hits))
    return hits[0]


def _drop(entries: list[dict], **match: object) -> None:
    entries.remove(_find(entries, **match))


def _alter(text: dict, old: str, new: str) -> None:
    assert old in text["zh"], (old, text["zh"])
    text["zh"] = text["zh"].replace(old, new, 1)


def _merge_duties(data: dict) -> None:
    first = _find(data["duties"], label="6")
    second = _find(data["duties"], label="7")
    first["text"]["zh"] += second["text"]["zh"]
    data["duties"].remove(second)


def _split_duty(data: dict) -> None:
    duty = _find(data["duties"], label="十八")
    tail = dict(duty, id="accounts-2", text={"zh": "工作", "en": "work"})
    duty["text"]["zh"] = duty["text"]["zh"].removesuffix("工作")
    data["duties"].append(tail)


MUTATIONS: dict[str, tuple[str, Callable[[dict], None], str]] = {
    "drop a duty": ("篇1", lambda d: _drop(d["duties"], label="1"), "负责调度处理客户服务中心"),
    "drop the last duty": ("篇2", lambda d: _drop(d["duties"], label="10"), "完成部门和公司领导交办的其他工作"),
    "alter one character": (
        "篇4",
        lambda d: _alter(_find(d["duties"], label="十一")["text"], "考勤", "考核"),
        "负责管理处员工考勤工作",
    ),
    "full-width for half-width comma": (
        "篇3",
        lambda d: _alter(_find(d["duties"], label="1")["text"], ",", "\uff0c"),
        "负责高效、合理地调度",
    ),
    "drop trailing punctuation": (
        "篇1",
        lambda d: _alter(_find(d["duties"], label="7")["text"], ";", ""),
        "完成部门和公司领导交办的其他工作",
    ),
    "correct a slip": (
        "篇5",
        lambda d: _alter(
            _find(d["duties"], label="[7]", section="secretarial-records")["text"], "个、分发", "制作、分发"
        ),
        "催促业主交费信函的个、分发",
    ),
    "drop an authority": ("篇2", lambda d: _drop(d["authorities"], label="1"), "月底统计各楼宇"),
    "relabel an authority": ("篇4", lambda d: _find(d["authorities"], label="五").update(label="5"), "处罚建议权"),
    "drop a requirement": ("篇4", lambda d: _drop(d["requirements"], label="2"), "熟悉物业管理法律"),
    "drop a standard": ("篇5", lambda d: _drop(d["standards"], label="4"), "与各部门保持协作和联系"),
    "break the joined sentence again": (
        "篇5",
        lambda d: _alter(_find(d["standards"], label="1")["text"], "物业公司", "物业公"),
        "遵守物业公",
    ),
    "drop a sub-item": (
        "篇5",
        lambda d: _drop(_find(d["duties"], label="[3]", section="secretarial-records")["items"], label="C"),
        "更换住户户主名单",
    ),
    "drop a nested sub-item": (
        "篇5",
        lambda d: _drop(
            _find(_find(d["duties"], label="[6]", section="secretarial-records")["items"], label="B")["items"],
            label="d",
        ),
        "员工卡发放情况",
    ),
    "drop an intro": ("篇5", lambda d: _find(d["sections"], id="scope-of-work").update(intro=[]), "主要职责:沟通业主"),
    "move a duty to another section": (
        "篇5",
        lambda d: _find(d["duties"], label="[5]", section="building-management").update(section="other"),
        "与清洁、保安、维修、财务部门",
    ),
    "alter a header line": ("篇4", lambda d: _alter(d["source"]["particulars"][1], "KF001", "KF002"), "岗位编号:KF001"),
    "drop the issue date": ("篇4", lambda d: d["source"].pop("issued"), "二0**年一月一日"),
    "merge two duties": ("篇3", _merge_duties, "负责对公共设施维修项目的跟进"),
    "split a duty": ("篇4", _split_duty, "负责管理处帐务管理工作"),
}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_a_dropped_or_altered_source_line_is_reported(tmp_path, name):
    part, change, expect = MUTATIONS[name]
    root = _copy(tmp_path)
    assert fidelity_problems(root) == []  # the copy itself is faithful
    _edit(root, part, change)
    problems = fidelity_problems(root)
    assert problems, f"{name}: not noticed"
    assert any(expect in p for p in problems), f"{name}: the report does not name the line: {problems}"


def test_a_duty_moved_to_another_role_is_reported(tmp_path):
    root = _copy(tmp_path)
    moved: dict = {}

    def take(data: dict) -> None:
        moved.update(_find(data["duties"], label="5"))
        data["duties"].remove(moved)

    def give(data: dict) -> None:
        data["duties"].append(dict(moved, id="paid-service-charges-moved"))

    _edit(root, "篇1", take)
    _edit(root, "篇3", give)
    problems = fidelity_problems(root)
    assert any("front-desk-dispatch-supervisor: not found" in p and "每周汇总上缴财务" in p for p in problems), problems
    assert any(p.startswith("front-desk-dispatcher: holds 8 duty") for p in problems), problems
