"""Plain view objects for the printed documents, built from the checked model.

The templates only lay out what is here; every lookup across files (a role's title
from its id, an escalation path, the procedures in which a role has a step) is made
once in this module, so the role sheet, the checklists and the booklet agree.
Texts stay bilingual (:class:`Text`); the templates pick the language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.escalation import escalation_path, reporting_chain
from generator.model import Duty, Handbook, Item, Procedure, Role, Step, Text

LANGS: tuple[str, ...] = ("zh", "en", "bilingual")

#: Periods that get a checklist, in the order a trainer hands them out.
PERIODS: tuple[str, ...] = ("daily", "weekly", "monthly", "month-end", "yearly", "periodic")


def T(zh: str, en: str) -> Text:
    return Text(zh=zh, en=en)


FREQUENCY = {
    "daily": T("每天", "Daily"),
    "weekly": T("每周", "Weekly"),
    "monthly": T("每月", "Monthly"),
    "month-end": T("月底", "Month-end"),
    "yearly": T("每年", "Yearly"),
    "periodic": T("定期", "Periodically"),
    "on-demand": T("按需", "As needed"),
}

LEVEL = {
    "decide": T("决定", "Decides"),
    "approve": T("审批", "Approves"),
    "propose": T("建议", "Proposes"),
    "execute": T("执行", "Executes"),
    "informed": T("知悉", "Is informed"),
}

SEVERITY = {
    "critical": T("特急", "Critical"),
    "high": T("紧急", "High"),
    "medium": T("一般", "Medium"),
}

# Fixed wording of the printed documents; data text never goes here.
LABEL = {
    "role_sheet": T("岗位说明书", "Role description"),
    "code": T("岗位编号", "Post code"),
    "department": T("所属部门", "Department"),
    "reports_to": T("直属上级", "Reports to"),
    "direct_reports": T("直接下级", "Direct reports"),
    "liaison": T("联系部门", "Works with"),
    "team": T("班组（多人）", "Team (several staff)"),
    "purpose": T("岗位目的", "Purpose"),
    "duties": T("岗位职责", "Duties"),
    "other_duties": T("其他职责", "Other duties"),
    "no": T("序号", "No."),
    "duty": T("职责内容", "Duty"),
    "frequency": T("频次", "How often"),
    "escalation": T("上报路径", "Escalation path"),
    "default_path": T("上报路径（汇报线）", "Escalation (reporting line)"),
    "by_line": T("再按汇报线逐级上报", "then up the reporting line"),
    "top_role": T("最高层级，无需上报", "Top of the organisation"),
    "authorities": T("工作权限", "Authorities"),
    "kind": T("权限类别", "Kind"),
    "level": T("权限级别", "Level"),
    "wording": T("内容", "Wording"),
    "inferred": T("（依职责推定）", "(implied by the duties)"),
    "requirements": T("任职要求", "Requirements"),
    "standards": T("工作标准", "Work standards"),
    "notes": T("说明", "Notes"),
    "note": T("注", "Note"),
    "procedures": T("应急程序中的职责", "Steps in emergency procedures"),
    "procedure": T("应急程序", "Procedure"),
    "step": T("步骤", "Step"),
    "time_limit": T("时限", "Time limit"),
    "source": T("来源", "Source"),
    "not_from_source": T("本岗位说明不出自原始文件，为补充编写。", "This description is not taken from the source document; it was written to complete the organisation."),
    "issued": T("发布日期", "Issued"),
    "document_control": T("文件控制", "Document control"),
    "version": T("版本", "Version"),
    "effective": T("生效日期", "Effective"),
    "owner": T("文件负责人", "Document owner"),
    "reviewed": T("最近评审", "Last review"),
    "signoff": T("签收确认", "Acknowledgement"),
    "signoff_text": T("本人已阅读并理解本岗位说明书的全部内容，并同意遵照执行。",
                      "I have read and understood this role description and agree to work by it."),
    "employee": T("员工", "Employee"),
    "supervisor": T("直属上级", "Supervisor"),
    "name": T("姓名", "Name"),
    "signature": T("签名", "Signature"),
    "date": T("日期", "Date"),
    "document_version": T("文件版本", "Document version"),
    "page": T("页", "Page"),
    "at_once": T("立即", "At once"),
    "minutes": T("分钟", "min"),
    "within": T("≤", "≤"),
    "after": T("超过", "After"),
    "trigger": T("触发情形", "When"),
    "steps": T("处置步骤", "What to do"),
    "who": T("负责岗位", "Who"),
    "thresholds": T("升级上报", "Escalate"),
    "notify": T("通知", "Tell"),
    "contacts": T("紧急联系电话", "Emergency numbers"),
    "aftercare": T("善后工作", "Afterwards"),
    "scan": T("扫码查看在线版", "Scan for the live page"),
    "template": T("模板", "Template"),
    "template_short": T("本卡为模板，须按当地法规、本物业设施和联系人核对修改后使用。", "Template: adapt to local rules, this property and its contacts before use."),
    "full_qr": T("完整流程见二维码或手册页面", "Full procedure: scan the QR code or see the handbook page"),
    "full_page": T("完整流程见手册页面", "Full procedure: see the handbook page"),
    "aftercare_qr": T("见二维码打开的在线页面及各岗位说明书。", "see the live page (QR code) and the role sheets."),
    "aftercare_page": T("见手册页面及各岗位说明书。", "see the handbook page and the role sheets."),
    "ladder_and_aftercare": T("升级上报、善后工作", "Escalation, afterwards"),
    "ladder_qr": T("何时通知谁，见二维码打开的在线页面。", "whom to tell and when: see the live page (QR code)."),
    "ladder_page": T("何时通知谁，见手册页面。", "whom to tell and when: see the handbook page."),
    "from_source_quote": T("原始文件", "Source document"),
    "checklist": T("工作检查表", "Checklist"),
    "period": T("周期", "Period"),
    "initials": T("签名", "Initials"),
    "remarks": T("备注 / 异常情况", "Remarks / exceptions"),
    "checked_by": T("主管检查", "Checked by supervisor"),
    "employee_name": T("员工姓名", "Employee"),
    "week_of": T("周次（起止日期）", "Week of"),
    "month": T("月份", "Month"),
    "year": T("年度", "Year"),
    "how_to_tick": T("完成后在方格内打“✓”，不适用写“—”。", "Tick the box when done; write “—” where it does not apply."),
    "booklet": T("岗位说明书汇编", "Role descriptions"),
    "contents": T("目录", "Contents"),
    "controlled": T("受控文件 · 未经许可不得复制", "Controlled document · do not copy without permission"),
    "roles_count": T("岗位数", "Roles"),
}

WEEKDAYS = [T(z, e) for z, e in zip("一二三四五六日", ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])]
MONTHS = [T(f"{m}月", e) for m, e in zip(range(1, 13), ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])]


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
    note: Text | None
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
    views = [SectionView(s.title, s.intro, [_duty_view(book, role, d) for d in role.duties if d.section == s.id]) for s in role.sections]
    loose = [_duty_view(book, role, d) for d in role.duties if d.section not in known]
    if loose:
        title = LABEL["other_duties"] if views else None
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
            note=a.note,
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


def time_limit(minutes: int | None) -> Text | None:
    if minutes is None:
        return None
    if minutes == 0:
        return LABEL["at_once"]
    if minutes >= 60 and minutes % 60 == 0:
        hours = minutes // 60
        return T(f"{hours} 小时内", f"within {hours} h")
    return T(f"{minutes} 分钟内", f"within {minutes} min")


def _step_view(book: Handbook, step: Step) -> StepView:
    return StepView(step, role_title(book, step.owner), time_limit(step.within_minutes))


def procedure_view(book: Handbook, proc: Procedure) -> ProcedureView:
    return ProcedureView(
        procedure=proc,
        severity=SEVERITY[proc.severity],
        steps=[_step_view(book, s) for s in proc.steps],
        rungs=[RungView(r.after_minutes, r.condition, _titles(book, r.notify)) for r in sorted(proc.escalation, key=lambda r: r.after_minutes)],
        aftercare=[_step_view(book, s) for s in proc.aftercare],
        owner=role_title(book, proc.document.owner),
    )


def _columns(period: str) -> tuple[list[Text], Text | None, bool]:
    """Columns of a checklist sheet: one per occasion the sheet covers."""
    if period == "daily":
        return WEEKDAYS, LABEL["week_of"], False
    if period == "weekly":
        return [T(f"第{i}周", f"Week {i}") for i in range(1, 6)], LABEL["month"], False
    if period in ("monthly", "month-end"):
        return MONTHS, LABEL["year"], True
    if period == "yearly":
        return [T("____年", "Year ____") for _ in range(4)], None, False
    return [T(f"第{i}次", f"#{i}") for i in range(1, 7)], LABEL["year"], False


def checklists(book: Handbook, view: RoleView) -> list[ChecklistView]:
    """One sheet per period in which the role has at least one duty."""
    sheets = []
    for period in PERIODS:
        duties = [d for d in view.role.duties if d.frequency == period]
        if duties:
            columns, header_field, landscape = _columns(period)
            sheets.append(ChecklistView(view, period, FREQUENCY[period], duties, columns, header_field, landscape))
    return sheets


def _depth(book: Handbook, role: Role) -> int:
    return len(reporting_chain(book, role.id).hops)


def ordered_roles(book: Handbook) -> list[Role]:
    """Department by department (as org/departments.yml lists them), senior posts first."""
    dept_order = {d: i for i, d in enumerate(book.departments)}
    return sorted(book.roles.values(), key=lambda r: (dept_order.get(r.department, len(dept_order)), _depth(book, r), r.id))


def booklet(book: Handbook, views: dict[str, RoleView]) -> Booklet:
    result = Booklet()
    for role in ordered_roles(book):
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
