"""A synthetic property group, large enough to show how the handbook scales.

`write_organisation(out, roles=1000, departments=50)` writes a handbook root that
`handbook check` accepts without an error or a warning: a group head office with
regional directors, and projects whose departments (customer service, engineering,
cleaning, security, finance) have a manager, supervisors, shift leads and staff, so
that reporting lines are six levels deep.  Every role has 20 duties (daily … on demand,
some with an explicit `escalate_to`), authorities over a catalogue of 40 permission
kinds, requirements and standards; there are 100 emergency procedures.  Texts come in
both languages at the lengths of the source document (a Chinese duty of 20–80
characters, its English two to three times as long).

The output is deterministic for a given size and seed, so two runs measure the same
thing.  Run it alone to look at the data:

    .venv/bin/python benchmarks/synth.py /tmp/synth --roles 1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

EFFECTIVE = dt.date(2026, 1, 1)
REVIEWED = dt.date(2026, 6, 1)
FREQUENCY_WEIGHTS = {"daily": 5, "weekly": 3, "monthly": 3, "month-end": 1, "yearly": 1, "periodic": 2, "on-demand": 5}

# --- vocabulary ------------------------------------------------------------------------
# Pairs (zh, en).  A Chinese glossary term below only ever appears with its English,
# so that the synthetic handbook is free of W810 warnings too.

GLOSSARY = [
    ("owner", "业主", "owner", []),
    ("management-office", "管理处", "management office", []),
    ("paid-services", "有偿服务", "paid services", ["paid service"]),
    ("move-in", "入伙", "move-in", []),
    ("apportionment", "公摊", "shared-area apportionment", []),
    ("complaint", "投诉", "complaint", []),
    ("repair", "报修", "repair request", []),
    ("renovation", "装修", "renovation", []),
]

PROJECTS = [
    ("cuihu", "翠湖花园", "Cuihu Garden"),
    ("jinxiu", "锦绣华庭", "Jinxiu Court"),
    ("binjiang", "滨江名苑", "Binjiang Residences"),
    ("yuelan", "悦澜山", "Yuelan Hill"),
    ("xinghe", "星河湾", "Xinghe Bay"),
    ("huating", "华庭广场", "Huating Plaza"),
    ("lvyin", "绿茵小镇", "Lvyin Town"),
    ("haiyue", "海悦天地", "Haiyue Centre"),
    ("yunshan", "云山府", "Yunshan Mansion"),
    ("jiangnan", "江南苑", "Jiangnan Garden"),
    ("dongfang", "东方明珠大厦", "Dongfang Tower"),
    ("chunjiang", "春江花月", "Chunjiang Residences"),
    ("taoyuan", "桃源居", "Taoyuan Homes"),
    ("zhongshan", "中山商务中心", "Zhongshan Business Centre"),
    ("hexie", "和谐家园", "Hexie Homes"),
    ("guanlan", "观澜湖", "Guanlan Lake"),
    ("fengqi", "凤栖台", "Fengqi Terrace"),
    ("longteng", "龙腾科技园", "Longteng Tech Park"),
    ("meilin", "梅林一村", "Meilin Village"),
    ("nanshan", "南山雅居", "Nanshan Residences"),
]

#: (id, zh, en, posts): the kinds of department a project has, with the titles of its staff.
DEPARTMENT_TYPES = [
    (
        "cs",
        "客服部",
        "Customer Service",
        [
            ("dispatcher", "前台调度员", "Front Desk Dispatcher"),
            ("cashier", "收费管理员", "Fee Clerk"),
            ("steward", "楼管员", "Building Steward"),
        ],
    ),
    (
        "eng",
        "工程维护部",
        "Engineering and Maintenance",
        [
            ("electrician", "电工", "Electrician"),
            ("plumber", "水暖工", "Plumber"),
            ("lift-tech", "电梯维修工", "Lift Technician"),
        ],
    ),
    (
        "clean",
        "环卫部",
        "Cleaning and Landscaping",
        [("cleaner", "保洁员", "Cleaner"), ("gardener", "绿化工", "Gardener")],
    ),
    (
        "sec",
        "保安部",
        "Security",
        [
            ("guard", "保安员", "Security Guard"),
            ("patrol", "巡逻岗", "Patrol Guard"),
            ("cctv", "监控员", "CCTV Operator"),
        ],
    ),
    ("fin", "财务部", "Finance", [("accountant", "会计", "Accountant"), ("teller", "出纳", "Cashier")]),
]

OBJECTS = [
    ("前台接待及来电登记情况", "front-desk reception and the call log"),
    ("业主报修单的派发与回访", "the dispatch of owners' repair requests and the follow-up calls"),
    ("有偿服务的收费台账", "the ledger of fees for paid services"),
    ("公共区域的清洁与绿化", "the cleaning and landscaping of the common areas"),
    ("消防设施及疏散通道", "the fire-fighting equipment and the evacuation routes"),
    ("电梯运行记录", "the lift operation log"),
    ("各住宅、商铺的水电表读数", "the water and electricity meter readings of the flats and shops"),
    ("装修申请及现场巡查", "renovation applications and the site inspections"),
    ("入伙资料与钥匙交接", "the move-in documents and the handover of keys"),
    ("车辆出入及停车秩序", "vehicle access and order in the car park"),
    ("投诉处理记录", "the complaint handling records"),
    ("档案资料的整理与归档", "the sorting and filing of records"),
    ("员工排班与考勤", "the staff rota and attendance"),
    ("物资领用与库存", "the issue of supplies and the stock"),
    ("公摊电费的计算", "the calculation of the shared-area apportionment of electricity"),
    ("管理处各项规章制度的执行情况", "how the rules of the management office are applied"),
    ("外包单位的服务质量", "the quality of work of the contractors"),
    ("二次供水设施的运行情况", "the running of the secondary water supply"),
    ("监控中心的值班记录", "the duty log of the CCTV room"),
    ("空置房的巡查记录", "the inspection records of vacant flats"),
    ("公共设施设备的完好情况", "the condition of the shared facilities and equipment"),
    ("社区文化活动的筹备", "the preparation of community events"),
    ("费用催缴通知的发放", "the sending of payment reminders"),
    ("客户意见调查问卷", "the customer satisfaction survey"),
    ("新员工的岗前培训", "the induction training of new staff"),
]

VERBS = [
    ("检查", "Checks"),
    ("汇总并上报", "Compiles and reports"),
    ("督导", "Supervises"),
    ("登记并跟进", "Records and follows up"),
    ("审核", "Reviews"),
    ("组织落实", "Organises"),
    ("协调处理", "Coordinates"),
    ("抽查", "Spot-checks"),
    ("负责", "Is responsible for"),
]

PURPOSES = [
    ("，发现问题及时整改并记录在案", ", has any problem found put right at once and keeps a written record of it"),
    ("，确保数据准确、手续齐全", ", making sure that the figures are correct and the paperwork complete"),
    (
        "，对不能处置解决的，及时上报部门经理",
        ", and reports to the department manager without delay whatever cannot be settled",
    ),
    ("，并将结果填入工作日志", ", and enters the result in the work log"),
    ("，保证服务质量符合公司标准", ", so that the quality of service meets the company's standards"),
    ("", ""),
]

EXTRAS = [
    (
        "；涉及费用的，须经主管签字确认后方可执行",
        "; anything that involves money is carried out only after the supervisor has signed it off",
    ),
    (
        "；遇特殊情况按应急预案处置，并做好交接班记录",
        "; in an emergency follows the emergency plan and records it in the shift handover",
    ),
    (
        "；每项工作完成后须由责任人签名并注明完成时间",
        "; the person responsible signs every task when it is done and writes down the time",
    ),
]

FREQ_TEXT = {
    "daily": ("每天", " every day"),
    "weekly": ("每周", " every week"),
    "monthly": ("每月", " every month"),
    "month-end": ("月底", " at the end of each month"),
    "yearly": ("每年", " once a year"),
    "periodic": ("定期", " regularly"),
    "on-demand": ("", " as needed"),
}

AUTHORITY_SUBJECTS = [
    ("dispatch", "人员调度", "staff dispatch"),
    ("fee-waiver", "费用减免", "fee waivers"),
    ("repair-order", "维修派工", "repair orders"),
    ("purchase", "物资采购", "purchases of supplies"),
    ("overtime", "加班安排", "overtime"),
    ("leave", "请假审批", "leave requests"),
    ("access", "门禁授权", "access control"),
    ("renovation", "装修审批", "renovation permits"),
    ("contractor", "外包验收", "acceptance of contractors' work"),
    ("cash", "现金收付", "cash handling"),
    ("refund", "退款处理", "refunds"),
    ("notice", "通知发布", "public notices"),
    ("parking", "车位分配", "parking allocation"),
    ("keys", "钥匙管理", "key management"),
    ("emergency", "应急处置", "emergency response"),
    ("complaint", "投诉处理", "complaint handling"),
    ("records", "档案调阅", "access to records"),
    ("training", "培训安排", "training"),
    ("rota", "排班调整", "rota changes"),
    ("penalty", "违规处罚", "penalties for breaches"),
]
AUTHORITY_MODES = [("approve", "审批", "approval of"), ("inspect", "检查", "inspection of")]

LEVELS_BY_RANK = {
    "top": ["decide", "approve"],
    "director": ["decide", "approve"],
    "head": ["decide", "approve", "propose"],
    "supervisor": ["approve", "propose", "execute"],
    "lead": ["propose", "execute", "informed"],
    "staff": ["execute", "informed"],
}

SECTIONS = [
    ("daily-work", "日常工作", "Daily work"),
    ("service", "客户服务", "Customer service"),
    ("management", "内部管理", "Internal management"),
]

REQUIREMENTS = [
    (
        "高中及以上学历，一年以上物业管理相关工作经验",
        "Secondary school or higher, and at least one year's experience in property management.",
    ),
    (
        "熟悉物业管理相关法律法规及公司各项规章制度",
        "Knows the laws and regulations on property management and the company's rules.",
    ),
    ("具有良好的沟通协调能力和服务意识", "Communicates and coordinates well, with a strong sense of service."),
    ("能熟练使用办公软件及物业管理系统", "Uses office software and the property management system with ease."),
    ("身体健康，能适应轮班工作", "In good health and able to work shifts."),
]
STANDARDS = [
    ("来电在三声内接听，使用标准礼貌用语", "Answers calls within three rings, in the standard polite wording."),
    ("各类记录填写完整、字迹清晰、及时归档", "Keeps every record complete, legible and filed on time."),
    ("业主满意率不低于百分之九十五", "Owner satisfaction of at least 95 percent."),
    ("差错率为零，报表按时上交", "No errors, and every report handed in on time."),
]

EMERGENCIES = [
    ("fire", "火警", "Fire alarm", "critical"),
    ("water-cut", "突然停水", "Sudden water cut", "high"),
    ("power-cut", "突然停电", "Sudden power cut", "high"),
    ("lift-trapped", "电梯困人", "People trapped in a lift", "critical"),
    ("major-complaint", "重大投诉", "Major complaint", "medium"),
    ("gas-leak", "燃气泄漏", "Gas leak", "critical"),
    ("burst-pipe", "水管爆裂", "Burst water pipe", "high"),
    ("typhoon", "台风", "Typhoon", "high"),
    ("flooding", "暴雨内涝", "Flooding after heavy rain", "high"),
    ("falling-object", "高空坠物", "Object falling from height", "critical"),
]

STEPS = [
    (
        "接到报告后立即赶赴现场，核实情况并报告值班主管",
        "On receiving the report, go to the scene at once, confirm what is happening"
        " and report to the supervisor on duty.",
    ),
    (
        "安抚在场人员，疏导围观人员，设置警戒区域",
        "Reassure the people present, move onlookers away and cordon off the area.",
    ),
    (
        "按预案通知工程维护部、保安部相关人员到场",
        "Call the engineering and security staff to the scene as the plan says.",
    ),
    (
        "需要外部救援时，拨打相应的求助电话并派人到路口接应",
        "Where outside help is needed, call the emergency number and send someone to meet the crew at the entrance.",
    ),
    (
        "在业主群和大堂发布通知，说明情况及预计恢复时间",
        "Post a notice in the owners' group chat and in the lobby,"
        " saying what happened and when service should be back.",
    ),
    ("全程记录处置经过，保存照片和视频资料", "Record every step of the response, and keep the photos and videos."),
    ("处置完毕后检查现场，确认无遗留隐患", "When it is over, inspect the scene and make sure no hazard is left."),
    ("逐户回访受影响的业主，听取意见", "Call on every owner affected and hear what they have to say."),
]
AFTERCARE = [
    ("二十四小时内提交书面事件报告", "Hand in a written incident report within 24 hours."),
    ("组织复盘会议，修订应急预案", "Hold a review meeting and update the emergency plan."),
]
CONTACTS = [
    ("fire-brigade", "消防", "Fire brigade", "119"),
    ("police", "报警", "Police", "110"),
    ("ambulance", "急救", "Ambulance", "120"),
    ("lift-company", "电梯维保单位", "Lift maintenance company", "96333"),
    ("utility", "供电所", "Power supply office", "95598"),
]

CN_DIGITS = "〇一二三四五六七八九"


def _t(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def _cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十: the numbering of the source's duties."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


# --- organisation structure ------------------------------------------------------------


@dataclass
class RoleSpec:
    id: str
    dept: str
    rank: str
    zh: str
    en: str
    reports_to: str | None
    chain: list[str] = field(default_factory=list)  # superiors, nearest first


@dataclass
class DeptSpec:
    id: str
    zh: str
    en: str
    kind: str
    project: str
    roles: list[RoleSpec] = field(default_factory=list)


def _departments(count: int) -> list[DeptSpec]:
    depts = [DeptSpec("group-office", "集团总部", "Group head office", "office", "")]
    for i in range(count - 1):
        project_index, type_index = divmod(i, len(DEPARTMENT_TYPES))
        pid, pzh, pen = PROJECTS[project_index % len(PROJECTS)]
        round_ = project_index // len(PROJECTS)
        if round_:
            pid, pzh, pen = f"{pid}{round_ + 1}", f"{pzh}{_cn_number(round_ + 1)}期", f"{pen} phase {round_ + 1}"
        tid, tzh, ten, _ = DEPARTMENT_TYPES[type_index]
        depts.append(DeptSpec(f"{pid}-{tid}", pzh + tzh, f"{pen} {ten}", tid, pid))
    return depts


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _organisation(roles: int, departments: int) -> tuple[list[DeptSpec], dict[str, RoleSpec]]:
    """Departments and roles with their reporting lines (top → director → manager → supervisor → lead → staff)."""
    if departments < 2 or roles < 2 * departments:
        raise ValueError("need at least 2 departments and 2 roles per department")
    depts = _departments(departments)
    sizes = _split(roles, departments)
    by_id: dict[str, RoleSpec] = {}

    def add(spec: RoleSpec, dept: DeptSpec) -> None:
        spec.chain = [spec.reports_to, *by_id[spec.reports_to].chain] if spec.reports_to else []
        by_id[spec.id] = spec
        dept.roles.append(spec)

    office = depts[0]
    add(RoleSpec("general-manager", office.id, "top", "总经理", "General Manager", None), office)
    n_directors = max(1, min(sizes[0] - 1, (departments - 1 + 9) // 10))
    directors = []
    for d in range(n_directors):
        rid = f"regional-director-{d + 1}"
        add(
            RoleSpec(
                rid,
                office.id,
                "director",
                f"区域总监（{_cn_number(d + 1)}区）",
                f"Regional Director, region {d + 1}",
                "general-manager",
            ),
            office,
        )
        directors.append(rid)
    for k in range(sizes[0] - 1 - n_directors):
        add(
            RoleSpec(
                f"group-officer-{k + 1}",
                office.id,
                "staff",
                f"总部专员 {k + 1}号",
                f"Head Office Officer {k + 1}",
                directors[k % len(directors)],
            ),
            office,
        )

    for index, dept in enumerate(depts[1:], start=1):
        size = sizes[index]
        _, tzh, ten, posts = next(t for t in DEPARTMENT_TYPES if t[0] == dept.kind)
        head = f"{dept.id}-manager"
        add(
            RoleSpec(head, dept.id, "head", f"{dept.zh}经理", f"{dept.en} Manager", directors[index % len(directors)]),
            dept,
        )
        rest = size - 1
        n_sup = max(1, rest // 7)
        n_lead = max(0, min(rest - n_sup, rest // 3))
        n_staff = rest - n_sup - n_lead
        sups = []
        for s in range(n_sup):
            rid = f"{dept.id}-supervisor-{s + 1}"
            add(
                RoleSpec(
                    rid,
                    dept.id,
                    "supervisor",
                    f"{dept.zh}主管（{_cn_number(s + 1)}组）",
                    f"{dept.en} Supervisor, team {s + 1}",
                    head,
                ),
                dept,
            )
            sups.append(rid)
        leads = []
        for l_ in range(n_lead):
            rid = f"{dept.id}-lead-{l_ + 1}"
            add(
                RoleSpec(
                    rid, dept.id, "lead", f"{tzh}领班 {l_ + 1}号", f"{ten} Shift Lead {l_ + 1}", sups[l_ % len(sups)]
                ),
                dept,
            )
            leads.append(rid)
        above = leads or sups
        for k in range(n_staff):
            pid, pzh, pen = posts[k % len(posts)]
            number = k // len(posts) + 1
            rid = f"{dept.id}-{pid}-{number}"
            add(
                RoleSpec(rid, dept.id, "staff", f"{pzh} {number}号岗", f"{pen}, post {number}", above[k % len(above)]),
                dept,
            )
    return depts, by_id


# --- documents -------------------------------------------------------------------------


def _duty_text(rng: random.Random, frequency: str, long: bool) -> dict[str, str]:
    vzh, ven = rng.choice(VERBS)
    ozh, oen = rng.choice(OBJECTS)
    pzh, pen = rng.choice(PURPOSES)
    fzh, fen = FREQ_TEXT[frequency]
    zh = f"{fzh}{vzh}{ozh}{pzh}"
    en = f"{ven} {oen}{fen}{pen}"
    if long:
        xzh, xen = rng.choice(EXTRAS)
        zh, en = zh + xzh, en + xen
    return _t(zh + "；", en + ".")


def _role_document(spec: RoleSpec, rng: random.Random, kinds: list[str], duties: int) -> dict[str, Any]:
    frequencies = rng.choices(list(FREQUENCY_WEIGHTS), weights=list(FREQUENCY_WEIGHTS.values()), k=duties)
    sections = SECTIONS[: 2 + (spec.rank in ("head", "supervisor", "top", "director"))]
    duty_list = []
    for i, frequency in enumerate(frequencies):
        duty: dict[str, Any] = {
            "id": f"duty-{i + 1}",
            "label": str(i + 1),
            "section": sections[i * len(sections) // duties][0],
            "text": _duty_text(rng, frequency, long=rng.random() < 0.3),
            "frequency": frequency,
        }
        if spec.chain and rng.random() < 0.25:
            # Skip a level, or name the next two: both give a valid path to the top.
            duty["escalate_to"] = spec.chain[1] if len(spec.chain) > 1 and rng.random() < 0.5 else spec.chain[:2]
        if rng.random() < 0.15:
            duty["items"] = [
                {"label": chr(ord("A") + j), "text": _duty_text(rng, "on-demand", False)}
                for j in range(rng.randint(2, 4))
            ]
        duty_list.append(duty)
    authorities = []
    for j, kind in enumerate(rng.sample(kinds, k=min(len(kinds), 8))):
        auth: dict[str, Any] = {"id": f"auth-{j + 1}", "kind": kind, "level": rng.choice(LEVELS_BY_RANK[spec.rank])}
        if rng.random() < 0.5:
            auth["text"] = _auth_text(rng)
        else:
            auth["inferred"] = True
        if spec.chain and rng.random() < 0.2:
            auth["escalate_to"] = spec.chain[0]
        authorities.append(auth)
    head = spec.chain[-2] if len(spec.chain) >= 2 else (spec.chain[0] if spec.chain else spec.id)
    return {
        "id": spec.id,
        "title": _t(spec.zh, spec.en),
        "department": spec.dept,
        "reports_to": spec.reports_to,
        "top": spec.rank == "top" or None,
        "purpose": _t(
            f"在{_superior_zh(spec)}领导下，负责本岗位的各项工作，为业主提供规范、周到的服务",
            f"Under the direction of the {_superior_en(spec)}, carries out the work of the post"
            " and gives owners a correct and attentive service.",
        ),
        "sections": [{"id": s, "title": _t(zh, en)} for s, zh, en in sections],
        "duties": duty_list,
        "authorities": authorities,
        "requirements": [
            {"id": f"req-{k + 1}", "text": _t(*pair)} for k, pair in enumerate(rng.sample(REQUIREMENTS, 3))
        ],
        "standards": [{"id": f"std-{k + 1}", "text": _t(*pair)} for k, pair in enumerate(rng.sample(STANDARDS, 2))],
        "document": {"version": "1.0", "effective": EFFECTIVE, "owner": head, "reviewed": REVIEWED},
    }


def _auth_text(rng: random.Random) -> dict[str, str]:
    ozh, oen = rng.choice(OBJECTS)
    return _t(f"对{ozh}有检查、监督和纠正的权力", f"May inspect, oversee and correct {oen}.")


_SUPERIOR: dict[str, tuple[str, str]] = {}


def _superior_zh(spec: RoleSpec) -> str:
    return _SUPERIOR.get(spec.reports_to or "", ("公司董事会", ""))[0] if spec.reports_to else "公司董事会"


def _superior_en(spec: RoleSpec) -> str:
    return _SUPERIOR.get(spec.reports_to or "", ("", "board"))[1] if spec.reports_to else "board of the company"


def _procedure_document(
    pid: str, emergency: tuple[str, str, str, str], dept: DeptSpec, by_id: dict[str, RoleSpec], rng: random.Random
) -> dict[str, Any]:
    _, ezh, een, severity = emergency
    owners = [r for r in dept.roles if r.rank in ("staff", "lead", "supervisor")] or dept.roles
    head = dept.roles[0]
    steps = []
    minutes = 0
    for k, (zh, en) in enumerate(STEPS[: rng.randint(5, len(STEPS))]):
        owner = owners[(k * 3 + rng.randint(0, 2)) % len(owners)]
        step: dict[str, Any] = {
            "id": f"step-{k + 1}",
            "owner": owner.id,
            "within_minutes": min(minutes, 60),
            "text": _t(zh, en),
        }
        if owner.chain and rng.random() < 0.4:
            step["escalate_to"] = owner.chain[0]
        steps.append(step)
        minutes += rng.choice([2, 5, 10, 15])
    director = head.chain[0] if head.chain else head.id
    return {
        "id": pid,
        "title": _t(f"{dept.zh}{ezh}应急处置", f"{een}: emergency response at {dept.en}"),
        "trigger": _t(
            f"{dept.zh.replace('客服部', '')}发生{ezh}，或接到业主报告",
            f"A {een.lower()} at {dept.en.replace(' Customer Service', '')}, or an owner reports one.",
        ),
        "severity": severity,
        "template": _t(
            "本程序为模板，各项目须根据当地规定和联系方式调整",
            "This procedure is a template; each project adapts it to local rules and contacts.",
        ),
        "steps": steps,
        "escalation": [
            {
                "id": "first",
                "after_minutes": 15,
                "condition": _t("十五分钟内未能控制", "Not under control within 15 minutes."),
                "notify": [head.id],
            },
            {
                "id": "second",
                "after_minutes": 30,
                "condition": _t("三十分钟内未能解决", "Not resolved within 30 minutes."),
                "notify": [director],
            },
            {
                "id": "third",
                "after_minutes": 60,
                "condition": _t("一小时内未能解决或有人员受伤", "Not resolved within an hour, or someone is hurt."),
                "notify": ["general-manager"],
            },
        ],
        "contacts": [
            {"id": cid, "name": _t(zh, en), "number": number} for cid, zh, en, number in rng.sample(CONTACTS, 3)
        ],
        "aftercare": [
            {"id": f"after-{k + 1}", "owner": head.id, "text": _t(zh, en)} for k, (zh, en) in enumerate(AFTERCARE)
        ],
        "document": {"version": "1.0", "effective": EFFECTIVE, "owner": head.id, "reviewed": REVIEWED},
    }


def _clean(value: Any) -> Any:
    """Leave out keys whose value is None, as a person writing the file would."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def write_organisation(
    out: Path,
    roles: int = 1000,
    departments: int | None = None,
    duties: int = 20,
    procedures: int = 100,
    kinds: int = 40,
    seed: int = 1,
) -> dict[str, int]:
    """Write a synthetic handbook root into `out` (emptied first); return what it holds."""
    departments = departments or max(2, round(roles / 20))
    rng = random.Random(seed)
    depts, by_id = _organisation(roles, departments)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    _SUPERIOR.clear()
    _SUPERIOR.update({r.id: (r.zh, r.en) for r in by_id.values()})

    files = 0

    def write(rel: str, kind: str, data: dict[str, Any]) -> None:
        nonlocal files
        depth = rel.count("/")
        body = yaml.dump(
            _clean(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False
        )
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            f"# yaml-language-server: $schema={'../' * depth}schema/{kind}.schema.json\n{body}", encoding="utf-8"
        )
        files += 1

    write(
        "handbook.yml",
        "handbook",
        {
            "title": _t("物业集团运营手册（基准测试）", "Property group operations handbook (benchmark)"),
            "organisation": _t("示例物业集团", "Example Property Group"),
            "version": "1.0",
            "effective": EFFECTIVE,
            "review_period_days": 3650,
            "base_url": "https://handbook.group.example/",  # the cards carry QR codes, as a group's would
        },
    )
    write(
        "org/departments.yml",
        "departments",
        {
            "departments": [
                {
                    "id": d.id,
                    "name": _t(d.zh, d.en),
                    "description": _t(f"{d.zh}，共{len(d.roles)}个岗位", f"{d.en}, with {len(d.roles)} posts."),
                    "head": d.roles[0].id,
                }
                for d in depts
            ]
        },
    )
    kind_ids = []
    kind_list = []
    for n in range(kinds):
        (sid, szh, sen), (mid, mzh, men) = AUTHORITY_SUBJECTS[n // 2 % len(AUTHORITY_SUBJECTS)], AUTHORITY_MODES[n % 2]
        suffix = f"-{n // (2 * len(AUTHORITY_SUBJECTS)) + 1}" if n >= 2 * len(AUTHORITY_SUBJECTS) else ""
        kid = f"{sid}-{mid}{suffix}"
        kind_ids.append(kid)
        kind_list.append(
            {
                "id": kid,
                "title": _t(f"{szh}{mzh}{suffix}", f"{men.capitalize()} {sen}{suffix}"),
                "description": _t(f"对{szh}事项的{mzh}权限", f"The power of {men} {sen}."),
            }
        )
    write("org/authorities.yml", "authorities", {"kinds": kind_list})
    write(
        "org/glossary.yml",
        "glossary",
        {
            "terms": [
                {"id": tid, "zh": zh, "en": en, **({"also": also} if also else {})} for tid, zh, en, also in GLOSSARY
            ]
        },
    )

    duty_count = 0
    for dept in depts:
        for spec in dept.roles:
            doc = _role_document(spec, rng, kind_ids, duties)
            duty_count += len(doc["duties"])
            write(f"roles/{dept.id}/{spec.id}.yml", "role", doc)

    cs_like = [d for d in depts[1:] if d.kind == "cs"] or depts[1:]
    made = 0
    for n in range(procedures):
        dept = cs_like[n % len(cs_like)]
        emergency = EMERGENCIES[(n // len(cs_like) + n) % len(EMERGENCIES)]
        pid = f"{dept.project or dept.id}-{emergency[0]}"
        if (out / "procedures" / f"{pid}.yml").exists():
            pid = f"{pid}-{n + 1}"
        write(f"procedures/{pid}.yml", "procedure", _procedure_document(pid, emergency, dept, by_id, rng))
        made += 1
    return {
        "roles": len(by_id),
        "departments": len(depts),
        "duties": duty_count,
        "procedures": made,
        "kinds": kinds,
        "files": files,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic handbook root for the benchmark.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--roles", type=int, default=1000)
    parser.add_argument("--departments", type=int, default=None, help="default: one per 20 roles (50 for 1,000 roles)")
    parser.add_argument("--duties", type=int, default=20)
    parser.add_argument("--procedures", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    summary = write_organisation(args.out, args.roles, args.departments, args.duties, args.procedures, seed=args.seed)
    print(", ".join(f"{v:,} {k}" for k, v in summary.items()), "→", args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
