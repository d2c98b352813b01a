"""The handbook's content: clean under `handbook check`, one coherent organisation, the
source's escalations explicit, and four emergency procedures that can be acted on."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from generator.contacts import ensure_resolved
from generator.escalation import escalation_path, reporting_chain
from generator.model import Authority, Duty, Handbook
from generator.pipeline import load_and_check

from support import resolved_contacts

REPO = Path(__file__).resolve().parent.parent
SOURCE_TEXT = (REPO / "source" / "customer-service-roles.zh.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def book() -> Handbook:
    handbook, findings = load_and_check(REPO)
    assert findings == [], "\n".join(f.text() for f in findings)
    return handbook


def test_handbook_check_on_the_repository_is_clean():
    run = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--root", str(REPO)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip().splitlines()[-1] == "0 error(s), 0 warning(s)", run.stdout


# --- the organisation ----------------------------------------------------------------------

#: Every post, team or leader the source names, and the role that stands for it.
NAMED_IN_SOURCE = {
    "客户服务部前台调度主管": "front-desk-dispatch-supervisor",
    "客户服务部收费主管": "fee-collection-supervisor",
    "客户服务部前台调度员": "front-desk-dispatcher",
    "客户服务中心主管": "service-centre-supervisor",
    "客服部主管": "customer-service-supervisor",
    "客服主管": "customer-service-supervisor",
    "管理处主任": "property-manager",
    "物业经理": "property-manager",
    "客服经理": "customer-service-manager",
    "部门经理": "customer-service-manager",
    "部门领导": "customer-service-manager",
    "服务中心领导": "customer-service-manager",  # the head of the customer service centre
    "客服主任": "customer-service-officer",
    "客服领班": "customer-service-team-leader",
    "收费管理员": "fee-collection-officer",
    "楼管员": "building-steward",
    "工程维护部": "engineering-team",
    "工程部": "engineering-team",
    "环卫部": "sanitation-team",
    "保洁": "sanitation-team",
    "保安部": "security-team",
    "财务部": "finance-team",
    "公司领导": "company-leadership",
}


@pytest.mark.parametrize("name", list(NAMED_IN_SOURCE))
def test_every_role_the_source_names_exists(book, name):
    assert name in SOURCE_TEXT, f"{name} is not in the source; fix the table"
    assert NAMED_IN_SOURCE[name] in book.roles


def test_the_five_source_roles_are_marked_and_only_they(book):
    from_source = {r.id: r.source.document for r in book.roles.values() if r.from_source and r.source}
    assert from_source == {
        "front-desk-dispatch-supervisor": "篇1",
        "fee-collection-supervisor": "篇2",
        "front-desk-dispatcher": "篇3",
        "service-centre-supervisor": "篇4",
        "customer-service-supervisor": "篇5",
    }
    assert {r.id: r.code for r in book.roles.values() if r.code} == {"service-centre-supervisor": "KF001"}


def test_roles_not_in_the_source_say_so(book):
    for role in book.roles.values():
        if role.from_source:
            continue
        assert role.source is None, role.id
        assert role.notes and any("原文" in n.zh and "source" in n.en for n in role.notes), role.id
        assert len(role.duties) >= 3, role.id
        for duty in role.duties:
            assert duty.note is not None and "依据" in duty.note.zh and "Basis" in duty.note.en, (role.id, duty.id)


def test_one_top_and_the_reporting_lines_as_decided(book):
    assert [r.id for r in book.top_roles()] == ["company-leadership"]
    lines = {r.id: r.reports_to for r in book.roles.values()}
    assert lines == {
        "company-leadership": None,
        "property-manager": "company-leadership",
        "customer-service-manager": "property-manager",
        "service-centre-supervisor": "customer-service-manager",
        "customer-service-supervisor": "customer-service-manager",
        "front-desk-dispatch-supervisor": "customer-service-manager",  # 篇1: 向部门经理汇报
        "fee-collection-supervisor": "service-centre-supervisor",
        "front-desk-dispatcher": "front-desk-dispatch-supervisor",
        "fee-collection-officer": "fee-collection-supervisor",
        "customer-service-officer": "customer-service-supervisor",
        "customer-service-team-leader": "customer-service-supervisor",  # 篇5 楼宇管理[6]
        "building-steward": "customer-service-team-leader",
        "engineering-team": "property-manager",
        "sanitation-team": "property-manager",
        "security-team": "property-manager",
        "finance-team": "property-manager",
        "fire-safety-responsible-person": "company-leadership",
        "fire-safety-manager": "fire-safety-responsible-person",
        # posts on duty added for the emergency procedures (not from the source)
        "security-shift-leader": "security-team",
        "fire-control-room-operator": "security-shift-leader",
        "duty-electrician": "engineering-team",
    }
    for role in book.roles.values():
        assert reporting_chain(book, role.id).reaches_top, role.id


def test_teams_and_departments(book):
    assert {r.id for r in book.roles.values() if r.team} == {
        "engineering-team",
        "sanitation-team",
        "security-team",
        "finance-team",
    }
    for dept in book.departments.values():
        assert dept.head in book.roles, dept.id
        assert book.roles[dept.head].department == dept.id, dept.id
        assert any(r.department == dept.id for r in book.roles.values())


# --- escalation ---------------------------------------------------------------------------------


def _refs(book: Handbook):
    for role in book.roles.values():
        yield role.id, "reports_to", role.reports_to
        yield role.id, "document.owner", role.document.owner
        items: list[Duty | Authority] = [*role.duties, *role.authorities]
        for item in items:
            for ref in item.escalate_to:
                yield role.id, item.id, ref
    for proc in book.procedures.values():
        yield proc.id, "document.owner", proc.document.owner
        for step in [*proc.steps, *proc.aftercare]:
            yield proc.id, step.id, step.owner
            for ref in step.escalate_to:
                yield proc.id, step.id, ref
        for rung in proc.escalation:
            for ref in rung.notify:
                yield proc.id, rung.id, ref


def test_every_escalation_target_is_a_real_role(book):
    for where, what, ref in _refs(book):
        if ref is not None:
            assert ref in book.roles, (where, what, ref)


def test_every_duty_authority_and_step_has_a_path_to_the_top(book):
    for role in book.roles.values():
        for item in [*role.duties, *role.authorities]:
            if role.top:
                continue
            path = escalation_path(book, role.id, item.escalate_to)
            assert path.reaches_top and path.hops and not path.revisits, (role.id, item.id)
    for proc in book.procedures.values():
        for step in [*proc.steps, *proc.aftercare]:
            if book.roles[step.owner].top:
                continue
            path = escalation_path(book, step.owner, step.escalate_to)
            assert path.reaches_top and not path.revisits, (proc.id, step.id)


def _duty(book: Handbook, part: str, label: str, section: str | None = None):
    role = next(r for r in book.roles.values() if r.source and r.source.document == part)
    return role, next(d for d in role.duties if d.label == label and (section is None or d.section == section))


def _authority(book: Handbook, part: str, label: str):
    role = next(r for r in book.roles.values() if r.source and r.source.document == part)
    return role, next(a for a in role.authorities if a.label == label)


#: Where the source names an escalation, the data says it explicitly.
SOURCE_ESCALATIONS = [
    (
        "篇1 duty 1: 服务中心领导 then 公司领导",
        lambda b: _duty(b, "篇1", "1"),
        "及时上报服务中心领导及公司领导",
        ["customer-service-manager", "property-manager", "company-leadership"],
    ),
    ("篇1 authority 1: 部门经理", lambda b: _authority(b, "篇1", "1"), "向部门经理汇报", ["customer-service-manager"]),
    (
        "篇3 duty 3: 领导",
        lambda b: _duty(b, "篇3", "3"),
        "及时向领导呈报",
        ["front-desk-dispatch-supervisor", "customer-service-manager"],
    ),
    (
        "篇3 authority 1: 部门领导",
        lambda b: _authority(b, "篇3", "1"),
        "上报部门领导",
        ["front-desk-dispatch-supervisor", "customer-service-manager"],
    ),
    (
        "篇5 楼宇管理 [5]: 上报",
        lambda b: _duty(b, "篇5", "[5]", "building-management"),
        "应及时上报",
        ["customer-service-manager"],
    ),
]


@pytest.mark.parametrize("case", SOURCE_ESCALATIONS, ids=[c[0] for c in SOURCE_ESCALATIONS])
def test_the_source_escalations_are_explicit(book, case):
    _, find, words, expected = case
    _role, item = find(book)
    assert words in item.text.zh
    assert item.escalate_to == expected
    assert item.note is not None, "say how the source's word was read"


def test_elsewhere_the_reporting_line_applies(book):
    explicit = {
        (r.id, i.id)
        for r in book.roles.values()
        if r.from_source
        for i in [*r.duties, *r.authorities]
        if i.escalate_to and not getattr(i, "inferred", False)
    }
    assert explicit == {
        ("front-desk-dispatch-supervisor", "key-matters"),
        ("front-desk-dispatch-supervisor", "major-complaints"),
        ("front-desk-dispatcher", "follow-up-calls"),
        ("front-desk-dispatcher", "follow-up-problems"),
        ("customer-service-supervisor", "liaise-departments"),
    }


# --- authorities -----------------------------------------------------------------------------


def test_authorities_from_the_source_are_not_inferred_and_the_rest_are(book):
    kinds = set(book.kinds)
    for role in book.roles.values():
        assert role.authorities, f"{role.id} holds no level in the permission matrix"
        for auth in role.authorities:
            assert auth.kind in kinds
            if auth.text is not None:
                assert role.from_source and not auth.inferred, (role.id, auth.id)
            else:
                assert auth.inferred, (role.id, auth.id)
    for kind in kinds:
        assert any(a.kind == kind for r in book.roles.values() for a in r.authorities), f"no role holds {kind}"


def test_the_catalogue_has_the_source_authorities(book):
    titles = {k.title.en.lower() for k in book.kinds.values()}
    for wanted in [
        "coordinate major complaints and take initial action",
        "command emergency response",
        "audit and report the chasing of arrears",
        "assess staff performance",
        "hiring and dismissal",
        "direct and deploy departments",
        "penalties",
        "inspect service work",
        "rectification",
        "follow up and report problems",
    ]:
        assert wanted in titles


# --- frequencies ---------------------------------------------------------------------------

FREQUENCY_WORDS = {
    "每天": "daily",
    "每日": "daily",
    "每周": "weekly",
    "每星期": "weekly",
    "每月": "monthly",
    "月底": "month-end",
    "定期": "periodic",
    "年度": "yearly",
}


def test_duties_carry_the_frequency_their_text_gives(book):
    for role in book.roles.values():
        if not role.from_source:
            continue
        for duty in role.duties:
            implied = {f for word, f in FREQUENCY_WORDS.items() if word in duty.text.zh}
            if implied:
                assert duty.frequency in implied, (role.id, duty.id, duty.frequency, implied)
            if len(implied) > 1:
                assert duty.note is not None, f"{role.id}/{duty.id}: say which of two frequencies was chosen"


# --- procedures --------------------------------------------------------------------------------

PROCEDURES = {
    "fire-alarm": ("火警", {"119", "120"}),
    "water-or-power-cut": ("突然停水停电", {"95598"}),
    "lift-entrapment": ("电梯困人", {"96333", "119", "120"}),
    "major-complaint": ("重大投诉", {"110"}),
}


@pytest.mark.parametrize("proc_id", list(PROCEDURES))
def test_the_four_procedures_can_be_acted_on(book, proc_id):
    title, numbers = PROCEDURES[proc_id]
    proc = book.procedures[proc_id]
    assert proc.title.zh == title
    assert proc.template is not None and "模板" in proc.template.zh and "template" in proc.template.en
    assert proc.from_source is not None and "篇" in proc.from_source.zh
    assert len(proc.steps) >= 5
    for step in [*proc.steps, *proc.aftercare]:
        assert step.owner in book.roles and step.within_minutes is not None, step.id
    minutes = [s.within_minutes for s in proc.steps]
    assert minutes[0] is not None and minutes[0] <= 5, "the first step is immediate"
    assert len(proc.escalation) >= 2
    thresholds = [r.after_minutes for r in proc.escalation]
    assert thresholds == sorted(thresholds)
    assert proc.escalation[-1].notify == ["company-leadership"] or "company-leadership" in proc.escalation[-1].notify
    resolved = ensure_resolved(book).procedures[proc_id]  # contacts named by id, with the property's numbers
    assert numbers <= {c.number for c in resolved_contacts(resolved)}
    assert any("回访" in s.text.zh for s in proc.aftercare), "after-care includes a follow-up call"


def test_emergencies_end_with_an_incident_report(book):
    for proc_id in ("fire-alarm", "water-or-power-cut", "lift-entrapment"):
        assert any("事故报告单" in s.text.zh for s in book.procedures[proc_id].aftercare), proc_id


def test_the_procedures_quote_the_source(book):
    emergency_duty = "负责火警、突然停水电、电梯困人等特殊情况下的应急处置,协助公司领导进行应急调度和安排;"
    for proc_id in ("fire-alarm", "water-or-power-cut", "lift-entrapment"):
        assert emergency_duty in book.procedures[proc_id].from_source.zh
    assert "对重大投诉进行协调,有权做出初步处理并向部门经理汇报;" in book.procedures["major-complaint"].from_source.zh


def test_every_number_is_real_and_dialable(book):
    """No placeholder ("—") is left: every contact of every procedure has a number to dial."""
    for proc in ensure_resolved(book).procedures.values():
        assert proc.contacts, proc.id
        for contact in resolved_contacts(proc):
            for number in [contact.number, *contact.others]:
                assert re.fullmatch(r"\d{3,6}|0\d{2,3}-\d{4} ?\d{4}|400-\d{3} ?\d{4}", number), (
                    proc.id,
                    contact.id,
                    number,
                )


# --- glossary and files ------------------------------------------------------------------------


def test_the_glossary_has_the_domain_terms(book):
    terms = {t.zh: t.en for t in book.terms}
    for zh, en in {
        "业主": "owner",
        "业户": "owners and occupants",
        "管理处": "management office",
        "有偿服务": "paid services",
        "入伙": "move-in",
        "公摊": "shared-area apportionment",
        "楼管员": "building steward",
        "回访": "follow-up call",
    }.items():
        assert terms.get(zh) == en


SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+/)?schema/(\w+)\.schema\.json$")


def test_every_data_file_names_its_schema():
    files = {
        REPO / "handbook.yml": "handbook",
        REPO / "org/departments.yml": "departments",
        REPO / "org/authorities.yml": "authorities",
        REPO / "org/glossary.yml": "glossary",
    }
    files |= dict.fromkeys((REPO / "roles").rglob("*.yml"), "role")
    files |= dict.fromkeys((REPO / "procedures").rglob("*.yml"), "procedure")
    for path, kind in files.items():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        m = SCHEMA_LINE.match(first)
        assert m and m.group(2) == kind, (path, first)
        target = (path.parent / first.split("$schema=")[1]).resolve()
        assert target == (REPO / "schema" / f"{kind}.schema.json").resolve(), path
    for role_file in (REPO / "roles").rglob("*.yml"):
        assert role_file.parent.parent == REPO / "roles", role_file


def test_role_files_sit_in_their_department_folder(book):
    for role in book.roles.values():
        assert role.source_map.file == f"roles/{role.department}/{role.id}.yml"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_organisation_page_shows_every_role(book, lang):
    page = (REPO / "docs" / lang / "about" / "organisation.md").read_text(encoding="utf-8")
    for role_id in book.roles:
        assert f"(../roles/{role_id}.md)" in page, (lang, role_id)
