"""Plain view objects for the printed documents, built from the checked model.

The templates only lay out what is here; every lookup across files (a role's title
from its id, an escalation path, the procedures in which a role has a step) is made
once in this module, so the role sheet, the checklists and the booklet agree.
Texts stay bilingual (:class:`Text`); the templates pick the language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The paper's words, time phrases and role order are the site's (generator.catalogue); the PDF
# templates and the exports take LABEL, time_limit and after from here too.
from generator.catalogue import FREQUENCY, LABEL, LEVEL, SEVERITY, role_order, time_limit
from generator.catalogue import after as after
from generator.escalation import escalation_path
from generator.model import Duty, Handbook, Item, Procedure, Role, Step, Text

LANGS: tuple[str, ...] = ("zh", "en", "bilingual")

#: Periods that get a checklist, in the order a trainer hands them out.
PERIODS: tuple[str, ...] = ("daily", "weekly", "monthly", "month-end", "yearly", "periodic")


def T(zh: str, en: str) -> Text:
    return Text(zh=zh, en=en)


WEEKDAYS = [T(z, e) for z, e in zip("一二三四五六日", ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], strict=True)]
MONTHS = [
    T(f"{m}月", e)
    for m, e in zip(
        range(1, 13), ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], strict=True
    )
]


@dataclass
class DutyView:
    duty: Duty
    frequency: Text
    path: list[Text]
    explicit: bool  # named in escalate_to; otherwise the role's reporting line


@dataclass
class SectionView:
    title: Text | None
    intro: list[Text]
    duties: list[DutyView]


@dataclass
class AuthorityView:
    kind: Text
    level: Text
    text: Text | None
    inferred: bool
    path: list[Text]
    label: str | None


@dataclass
class StepRef:
    procedure: Text
    procedure_id: str
    steps: list[Step]


@dataclass
class RoleView:
    role: Role
    department: Text
    reports_to: Text | None
    direct_reports: list[Text]
    liaison: list[Text]
    sections: list[SectionView]
    authorities: list[AuthorityView]
    procedures: list[StepRef]
    owner: Text
    heading: Text  # "title · code" for the running header
    default_path: list[Text]  # the reporting line, printed once instead of on every duty


@dataclass
class StepView:
    step: Step
    owner: Text
    limit: Text | None


@dataclass
class RungView:
    after: int
    condition: Text
    notify: list[Text]


@dataclass
class ProcedureView:
    procedure: Procedure
    severity: Text
    steps: list[StepView]
    rungs: list[RungView]
    aftercare: list[StepView]
    owner: Text


@dataclass
class ChecklistView:
    role: RoleView
    period: str
    period_label: Text
    duties: list[Duty]
    columns: list[Text]
    header_field: Text | None
    landscape: bool


@dataclass
class DepartmentGroup:
    id: str
    name: Text
    roles: list[RoleView] = field(default_factory=list)


@dataclass
class Booklet:
    departments: list[DepartmentGroup] = field(default_factory=list)


def role_title(book: Handbook, role_id: str) -> Text:
    """A role's title, or its id when the role is missing (checks report that elsewhere)."""
    role = book.roles.get(role_id)
    return role.title if role else T(role_id, role_id)


def _titles(book: Handbook, ids: list[str]) -> list[Text]:
    return [role_title(book, r) for r in ids]


def _dept_name(book: Handbook, dept_id: str) -> Text:
    dept = book.departments.get(dept_id)
    return dept.name if dept else T(dept_id, dept_id)


def _path(book: Handbook, owner: str, explicit: list[str]) -> list[Text]:
    return _titles(book, [hop.role for hop in escalation_path(book, owner, explicit).hops])


def _duty_view(book: Handbook, role: Role, duty: Duty) -> DutyView:
    return DutyView(duty, FREQUENCY[duty.frequency], _path(book, role.id, duty.escalate_to), bool(duty.escalate_to))


def _sections(book: Handbook, role: Role) -> list[SectionView]:
    """Duties grouped under the role's sections, in the order the file gives them."""
    known = {s.id for s in role.sections}
    views = [
        SectionView(s.title, s.intro, [_duty_view(book, role, d) for d in role.duties if d.section == s.id])
        for s in role.sections
    ]
    loose = [_duty_view(book, role, d) for d in role.duties if d.section not in known]
    if loose:
        title = LABEL["pdf_other_duties"] if views else None
        views.append(SectionView(title, [], loose))
    return [v for v in views if v.duties or v.intro]


def _procedures_of(book: Handbook, role_id: str) -> list[StepRef]:
    refs = []
    for proc in book.procedures.values():
        steps = [s for s in [*proc.steps, *proc.aftercare] if s.owner == role_id]
        if steps:
            refs.append(StepRef(proc.title, proc.id, steps))
    return refs


def heading(role: Role) -> Text:
    code = f" · {role.code}" if role.code else ""
    return T(role.title.zh + code, role.title.en + code)


def role_view(book: Handbook, role: Role) -> RoleView:
    authorities = [
        AuthorityView(
            kind=book.kinds[a.kind].title if a.kind in book.kinds else T(a.kind, a.kind),
            level=LEVEL[a.level],
            text=a.text,
            inferred=a.inferred,
            path=_path(book, role.id, a.escalate_to) if a.escalate_to else [],
            label=a.label,
        )
        for a in role.authorities
    ]
    return RoleView(
        role=role,
        department=_dept_name(book, role.department),
        reports_to=role_title(book, role.reports_to) if role.reports_to else None,
        direct_reports=[r.title for r in book.direct_reports(role.id)],
        liaison=[_dept_name(book, d) for d in role.liaises_with],
        sections=_sections(book, role),
        authorities=authorities,
        procedures=_procedures_of(book, role.id),
        owner=role_title(book, role.document.owner),
        heading=heading(role),
        default_path=_path(book, role.id, []),
    )


def _step_view(book: Handbook, step: Step) -> StepView:
    return StepView(step, role_title(book, step.owner), time_limit(step.within_minutes))


def procedure_view(book: Handbook, proc: Procedure) -> ProcedureView:
    return ProcedureView(
        procedure=proc,
        severity=SEVERITY[proc.severity],
        steps=[_step_view(book, s) for s in proc.steps],
        rungs=[
            RungView(r.after_minutes, r.condition, _titles(book, r.notify))
            for r in sorted(proc.escalation, key=lambda r: r.after_minutes)
        ],
        aftercare=[_step_view(book, s) for s in proc.aftercare],
        owner=role_title(book, proc.document.owner),
    )


def _columns(period: str) -> tuple[list[Text], Text | None, bool]:
    """Columns of a checklist sheet: one per occasion the sheet covers."""
    if period == "daily":
        return WEEKDAYS, LABEL["pdf_week_of"], False
    if period == "weekly":
        return [T(f"第{i}周", f"Week {i}") for i in range(1, 6)], LABEL["pdf_month"], False
    if period in ("monthly", "month-end"):
        return MONTHS, LABEL["pdf_year"], True
    if period == "yearly":
        return [T("____年", "Year ____") for _ in range(4)], None, False
    return [T(f"第{i}次", f"#{i}") for i in range(1, 7)], LABEL["pdf_year"], False


def checklists(book: Handbook, view: RoleView) -> list[ChecklistView]:
    """One sheet per period in which the role has at least one duty."""
    sheets = []
    for period in PERIODS:
        duties = [d for d in view.role.duties if d.frequency == period]
        if duties:
            columns, header_field, landscape = _columns(period)
            sheets.append(ChecklistView(view, period, FREQUENCY[period], duties, columns, header_field, landscape))
    return sheets


def booklet(book: Handbook, views: dict[str, RoleView]) -> Booklet:
    result = Booklet()
    for role in role_order(book):
        if not result.departments or result.departments[-1].id != role.department:
            result.departments.append(DepartmentGroup(role.department, _dept_name(book, role.department)))
        result.departments[-1].roles.append(views[role.id])
    return result


def flatten_items(items: list[Item]) -> list[Item]:
    out: list[Item] = []
    for item in items:
        out.append(item)
        out.extend(flatten_items(item.items))
    return out
