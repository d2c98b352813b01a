"""The permission matrix and the responsibilities sheet as Excel workbooks (openpyxl).

`permission-matrix.xlsx`: a sheet for the whole organisation, one per department, and a
legend; rows are roles, columns permission kinds, a cell the role's level.  Headers are
bilingual, frozen, and carry an auto-filter, so HR can filter and print.
`responsibilities.xlsx`: every duty and emergency step with its owner and escalation path.

Every value from the YAML is written as a string cell (data type `s`) and, where it starts
with = + - @ or a tab, with Excel's quote prefix, so that neither opening nor editing the
cell turns it into a formula (`=cmd|' /C calc'!A0` stays text).
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.catalogue import FREQUENCY, LABEL, LEVEL, LEVEL_MEANING, procedure_order, role_order, time_limit
from generator.escalation import escalation_path
from generator.export import xml_safe
from generator.model import Handbook, Role, Text
from generator.pdf.views import role_title

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")

_LEVEL_FILL = {"decide": "C6E0B4", "approve": "DDEBF7", "propose": "FFF2CC", "execute": "EDEDED", "informed": "FFFFFF"}


def write_workbooks(book: Handbook, out: Path, only: str | None = None) -> list[Path]:
    roles = [r for r in role_order(book) if only is None or r.id == only]
    return [
        _matrix(book, roles, out / "permission-matrix.xlsx"),
        _responsibilities(book, roles, out / "responsibilities.xlsx"),
    ]


def _label(key: str, sep: str = "\n") -> str:
    """A label of the catalogue in both languages, as the headers print them ("岗位\nRole")."""
    return f"{LABEL[key].zh}{sep}{LABEL[key].en}"


def _bi(text: Text) -> str:
    return text.zh if text.zh == text.en else f"{text.zh}\n{text.en}"


def put(ws, row: int, col: int, value, *, bold: bool = False, wrap: bool = True, fill: str | None = None):
    """Write one cell; a str always as text, never as a formula."""
    from openpyxl.styles import Alignment, Font, PatternFill

    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        value = xml_safe(value)
        cell.value = value
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        if value.startswith(_FORMULA_START):
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    else:
        cell.value = value
    cell.alignment = Alignment(wrap_text=wrap, vertical="top")
    if bold:
        cell.font = Font(bold=True)
    if fill:
        cell.fill = PatternFill("solid", start_color=fill, end_color=fill)
    return cell


def _header(ws, headers: list[str], widths: list[int]) -> None:
    from openpyxl.styles import Border, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="999999")
    for col, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = put(ws, 1, col, text, bold=True, fill="D9E1F2")
        cell.border = Border(bottom=thin)
        ws.column_dimensions[get_column_letter(col)].width = width


#: Characters of 10-point text that fit across landscape A4 at 100 %, about.
_A4_LANDSCAPE_CHARS = 150


def _finish(ws, rows: int, cols: int, freeze: str) -> None:
    """Frozen headers, a filter, rows tall enough for their text, landscape A4 with titles on each page."""
    import math

    from openpyxl.utils import get_column_letter

    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A1:{get_column_letter(cols)}{max(rows, 1)}"
    widths = [ws.column_dimensions[get_column_letter(c)].width or 10 for c in range(1, cols + 1)]
    for row in range(2, rows + 1):
        lines = max((_lines(ws.cell(row=row, column=c).value, widths[c - 1]) for c in range(1, cols + 1)), default=1)
        ws.row_dimensions[row].height = 4 + 13.5 * lines
    # bold headers run about a sixth wider than body text
    ws.row_dimensions[1].height = 4 + 13.5 * max(
        _lines(ws.cell(row=1, column=c).value, widths[c - 1] / 1.15) for c in range(1, cols + 1)
    )
    frozen_cols = ws[freeze].column - 1
    ws.print_title_rows = "1:1"
    if frozen_cols:
        ws.print_title_cols = f"A:{get_column_letter(frozen_cols)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = max(1, math.ceil(sum(widths) / _A4_LANDSCAPE_CHARS))
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _lines(value, width: float) -> int:
    """How many lines a wrapped cell needs: a Chinese character takes two widths of a Latin one."""
    import math

    if not isinstance(value, str) or not value:
        return 1
    room = max(width - 1, 1)
    total = 0
    for part in value.split("\n"):
        units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in part)
        total += max(1, math.ceil(units / room))
    return total


def _sheet_title(name: str, taken: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", name).strip()[:28] or "Sheet"
    title, n = base, 2
    while title.lower() in taken:
        title = f"{base[:25]} {n}"
        n += 1
    taken.add(title.lower())
    return title


def _matrix(book: Handbook, roles: list[Role], path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    taken: set[str] = set()
    ws = wb.active
    ws.title = _sheet_title("全部 All", taken)
    _matrix_sheet(book, ws, roles)
    for dept_id, dept in book.departments.items():
        members = [r for r in roles if r.department == dept_id]
        if members:
            _matrix_sheet(book, wb.create_sheet(_sheet_title(f"{dept.name.zh} {dept.name.en}", taken)), members)
    _legend(book, wb.create_sheet(_sheet_title(_label("legend", " "), taken)))
    wb.properties.title = _label("matrix", " ")
    wb.save(path)
    return path


def _matrix_sheet(book: Handbook, ws, roles: list[Role]) -> None:
    kinds = list(book.kinds.values())
    _header(ws, [_label("role"), _label("department"), *(_bi(k.title) for k in kinds)], [28, 14, *([13] * len(kinds))])
    for row, role in enumerate(roles, start=2):
        put(ws, row, 1, _bi(role.title), bold=True)
        dept = book.departments.get(role.department)
        put(ws, row, 2, _bi(dept.name) if dept else role.department)
        for col, kind in enumerate(kinds, start=3):
            authority = next((a for a in role.authorities if a.kind == kind.id), None)
            if authority is None:
                continue
            level = LEVEL[authority.level]
            mark = "\n（推定）implied" if authority.inferred else ""
            put(ws, row, col, f"{level.zh}\n{level.en}{mark}", fill=_LEVEL_FILL[authority.level])
    _finish(ws, len(roles) + 1, len(kinds) + 2, "C2")


def _legend(book: Handbook, ws) -> None:
    _header(ws, ["级别 / 权限类别\nLevel / kind", "中文说明\nMeaning (Chinese)", "English meaning"], [28, 48, 60])
    row = 2
    for level, meaning in LEVEL_MEANING.items():
        put(ws, row, 1, f"{LEVEL[level].zh}\n{LEVEL[level].en}", bold=True, fill=_LEVEL_FILL[level])
        put(ws, row, 2, meaning.zh)
        put(ws, row, 3, meaning.en)
        row += 1
    put(ws, row, 1, "（推定）implied", bold=True)
    put(ws, row, 2, LABEL["inferred"].zh)
    put(ws, row, 3, LABEL["inferred"].en)
    row += 1
    for kind in book.kinds.values():
        put(ws, row, 1, _bi(kind.title), bold=True)
        put(ws, row, 2, kind.description.zh)
        put(ws, row, 3, kind.description.en)
        row += 1
    _finish(ws, row - 1, 3, "A2")


_RESP_HEADERS = [
    ("类型\nType", 12),
    (_label("department"), 14),
    ("责任岗位\nOwner", 26),
    ("所属（章节 / 应急程序）\nSection / procedure", 22),
    ("序号\nNo.", 7),
    ("职责 / 步骤\nDuty / step (中文)", 48),
    ("Duty / step (English)", 48),
    ("频次 / 时限\nHow often / time limit", 14),
    ("上报路径\nEscalation path (中文)", 36),
    ("Escalation path (English)", 36),
]


def _responsibilities(book: Handbook, roles: list[Role], path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = _label("responsibilities", " ")
    _header(ws, [h for h, _ in _RESP_HEADERS], [w for _, w in _RESP_HEADERS])
    wanted = {r.id for r in roles}
    row = 2
    for role in roles:
        dept = book.departments.get(role.department)
        sections = {s.id: s.title for s in role.sections}
        for duty in role.duties:
            hops = [role_title(book, h.role) for h in escalation_path(book, role.id, duty.escalate_to).hops]
            section = sections.get(duty.section or "")
            _resp_row(
                ws,
                row,
                ("职责", "Duty"),
                dept.name if dept else None,
                role.title,
                section,
                duty.label,
                duty.text,
                FREQUENCY[duty.frequency],
                hops,
            )
            row += 1
    for proc in procedure_order(book):  # most urgent first, as the site lists them
        for step in [*proc.steps, *proc.aftercare]:
            if step.owner not in wanted:
                continue
            owner = book.roles.get(step.owner)
            dept = book.departments.get(owner.department) if owner else None
            hops = [role_title(book, h.role) for h in escalation_path(book, step.owner, step.escalate_to).hops]
            limit = time_limit(step.within_minutes)
            _resp_row(
                ws,
                row,
                ("应急步骤", "Emergency step"),
                dept.name if dept else None,
                role_title(book, step.owner),
                proc.title,
                step.id,
                step.text,
                limit,
                hops,
            )
            row += 1
    _finish(ws, row - 1, len(_RESP_HEADERS), "D2")
    wb.properties.title = _label("responsibilities", " ")
    wb.save(path)
    return path


def _resp_row(
    ws,
    row: int,
    kind: tuple[str, str],
    dept: Text | None,
    owner: Text,
    group: Text | None,
    label: str | None,
    text: Text,
    when: Text | None,
    hops: list[Text],
) -> None:
    values = [
        f"{kind[0]}\n{kind[1]}",
        _bi(dept) if dept else "",
        _bi(owner),
        _bi(group) if group else "",
        label or "",
        text.zh,
        text.en,
        f"{when.zh}\n{when.en}" if when else "",
        " → ".join(h.zh for h in hops) or "—",
        " → ".join(h.en for h in hops) or "—",
    ]
    for col, value in enumerate(values, start=1):
        put(ws, row, col, value)
