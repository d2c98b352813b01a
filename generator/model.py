"""The typed model of the handbook: what a YAML file may say, and nothing else.

Every class here is a pydantic model with ``extra="forbid"`` and strict types, so an
unknown key or a value of the wrong type is refused by the model itself instead of by
hand-written validation.  The same classes emit the JSON Schema files in ``schema/``
that editors use for completion (see :mod:`generator.schema`).

Rules that need more than one file (references, escalation paths, cycles) are not
here: they live in :mod:`generator.checks`, which runs on a loaded :class:`Handbook`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, PrivateAttr, Tag
from pydantic_core import PydanticCustomError

from generator.positions import Location, SourceMap

#: Longest text accepted in one field; a paragraph of the source is under 300 characters.
MAX_TEXT = 4000

#: Han characters: Chinese text must contain some, English text none.
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"

Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        max_length=80,
        description="Lowercase ASCII letters, digits and single hyphens; stable across edits.",
    ),
]
RoleRef = Annotated[str, Field(max_length=80, description="The id of a role.")]
_DATE_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date_as_written(value: object) -> object:
    """A date is written YYYY-MM-DD, plain or quoted; nothing else becomes one.

    Left to itself pydantic turns a number into a Unix time (`effective: 0` is 1970-01-01,
    `"1700000000"` a day of 2023) and takes a date with a time of midnight.
    """
    if type(value) is dt.date or (isinstance(value, str) and _DATE_FORM.fullmatch(value)):
        return value
    raise PydanticCustomError(
        "date_form", "{got} is not a date written YYYY-MM-DD; write it as e.g. 2026-01-01", {"got": _what(value)}
    )


def _what(value: object) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dt.datetime):
        return f"the date and time {value.isoformat(sep=' ')}"
    if isinstance(value, str):
        return f"'{value[:40]}'"
    return (
        "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else "nothing (an empty value)"
    )


Date = Annotated[dt.date, BeforeValidator(_date_as_written), Field(strict=False, description="A date, YYYY-MM-DD.")]


def _one_or_many(value: object) -> object:
    """`escalate_to: x` and `escalate_to: [x, y]` mean the same path; keep one shape."""
    return [value] if isinstance(value, str) else value


RoleRefs = Annotated[
    list[RoleRef],
    BeforeValidator(_one_or_many),
    Field(description="One role id or a list of them, in escalation order."),
]

Frequency = Literal["daily", "weekly", "monthly", "month-end", "yearly", "periodic", "on-demand"]
FREQUENCIES: tuple[str, ...] = Frequency.__args__  # type: ignore[attr-defined]

Level = Literal["decide", "approve", "propose", "execute", "informed"]
LEVELS: tuple[str, ...] = Level.__args__  # type: ignore[attr-defined]

Severity = Literal["critical", "high", "medium"]


class Strict(BaseModel):
    """Base of every model: unknown keys and loose types are errors, never guesses."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=False)


class Text(Strict):
    """A human-readable text in both languages of the handbook."""

    zh: Annotated[
        str, Field(max_length=MAX_TEXT, description="简体中文; source text verbatim where it comes from the source.")
    ]
    en: Annotated[str, Field(max_length=MAX_TEXT, description="English, in the glossary's vocabulary.")]


class Item(Strict):
    """A sub-item of a duty as the source lists it (A. B. C. …, a. b. c. …)."""

    label: str | None = None
    text: Text
    items: list[Item] = Field(default_factory=list)
    note: Text | None = Field(default=None, description="How a slip of the source is read, or another remark.")


class Section(Strict):
    """A heading under which the source groups duties (楼宇管理, 文秘档案, 工作内容 …)."""

    id: Id
    title: Text
    intro: list[Text] = Field(
        default_factory=list, description="Statements the source puts under the heading (主要职责, 首要任务 …)."
    )


class Duty(Strict):
    """A duty; the role whose file lists it is its owner."""

    id: Id
    label: str | None = Field(default=None, description="The number as written in the source: 1, 十一, [3].")
    section: str | None = Field(default=None, description="Id of one of the role's sections.")
    text: Text
    frequency: Frequency = "on-demand"
    escalate_to: RoleRefs = Field(
        default_factory=list, description="Explicit escalation path; without it the owner's reporting line applies."
    )
    items: list[Item] = Field(default_factory=list)
    note: Text | None = None


class Authority(Strict):
    """What a role may do for one permission kind (a cell of the permission matrix)."""

    id: Id
    kind: str = Field(description="Id of a permission kind in org/authorities.yml.")
    level: Level
    label: str | None = None
    text: Text | None = Field(default=None, description="The wording of the source, where the source grants it.")
    inferred: bool = Field(
        default=False, description="True when the level is implied by duties, not written in the source."
    )
    escalate_to: RoleRefs = Field(default_factory=list)
    note: Text | None = None


class Statement(Strict):
    """A requirement (任职要求) or work standard (工作标准)."""

    id: Id
    label: str | None = None
    text: Text
    note: Text | None = None


class SourceRef(Strict):
    """Where a role's text comes from in the source document, with its header as written."""

    document: str = Field(description="The part of the source: 篇1 … 篇5.")
    title: Text
    particulars: list[Text] = Field(
        default_factory=list, description="Header lines as written: 岗位编号, 直属上级, 直接下级, 联系部门 …"
    )
    issued: Text | None = Field(default=None, description="Issue date as written, e.g. 二0**年一月一日.")


class DocumentControl(Strict):
    """ISO 9001 document control: which version is in force, since when, who keeps it."""

    version: str
    effective: Date
    owner: RoleRef = Field(description="Role id of the document's owner.")
    reviewed: Date


class Document(Strict):
    """A top-level file; remembers where each of its values was written."""

    _source: SourceMap = PrivateAttr(default_factory=SourceMap.empty)

    @property
    def source_map(self) -> SourceMap:
        return self._source

    def where(self, *path: str | int) -> Location:
        """The file, line and column of a value, or of its nearest written parent."""
        return self._source.where(path)


class Role(Document):
    """A post (or a team) in the organisation, with its job description."""

    id: Id
    code: str | None = Field(default=None, description="Post number, e.g. KF001.")
    title: Text
    department: str = Field(description="Id of a department in org/departments.yml.")
    reports_to: RoleRef | None = None
    top: bool = Field(default=False, description="True only for the top of the organisation, which reports to no one.")
    team: bool = Field(default=False, description="True for a team of several staff rather than one post.")
    purpose: Text
    from_source: bool = Field(default=False, description="True when the job description comes from the source text.")
    source: SourceRef | None = None
    liaises_with: list[str] = Field(default_factory=list, description="Department ids the role works with.")
    sections: list[Section] = Field(default_factory=list)
    duties: list[Duty] = Field(default_factory=list)
    authorities: list[Authority] = Field(default_factory=list)
    requirements: list[Statement] = Field(default_factory=list)
    standards: list[Statement] = Field(default_factory=list)
    notes: list[Text] = Field(default_factory=list)
    document: DocumentControl


class Step(Strict):
    """One action of an emergency procedure."""

    id: Id
    owner: RoleRef
    text: Text
    within_minutes: int | None = Field(
        default=None, ge=0, le=60 * 24 * 30, description="Time limit from the trigger, in minutes; 0 means at once."
    )
    escalate_to: RoleRefs = Field(default_factory=list)
    notify: RoleRefs = Field(
        default_factory=list,
        description="Roles this step tells; a ladder rung telling the same roles should not fire earlier.",
    )
    call: list[str] = Field(
        default_factory=list,
        description="Ids of contacts in org/contacts.yml (or the procedure's own) that this step calls, in order.",
    )
    basis: Text | None = Field(
        default=None, description="What the rule rests on: a standard, a law or common practice."
    )
    note: Text | None = None


class Rung(Strict):
    """A rung of the escalation ladder: when this threshold is passed, tell these roles."""

    id: Id
    after_minutes: int = Field(ge=0, le=60 * 24 * 30, description="Threshold in minutes from the trigger.")
    condition: Text
    notify: RoleRefs
    call: list[str] = Field(
        default_factory=list, description="Ids of contacts to call at this rung (outside the organisation)."
    )


class Contact(Strict):
    """An external number to call (119, 110, 120, the lift company …)."""

    id: Id
    name: Text
    number: str = Field(description="Quote it: a bare 119 would be read as a number.")
    others: list[str] = Field(
        default_factory=list, description="Further numbers of the same contact, tried after the first."
    )
    hours: Text | None = Field(default=None, description="When the number is answered, e.g. 24 hours.")
    note: Text | None = None


def _contact_kind(value: object) -> str:
    return "by-id" if isinstance(value, str) else "written"


#: The tags of the union below; the loader leaves them out of a finding's path.
UNION_TAGS = frozenset({"by-id", "written"})

#: A procedure's contact: an id of org/contacts.yml, or a contact written out in the file.
ContactEntryRef = Annotated[
    Annotated[Contact, Tag("written")] | Annotated[str, Field(max_length=80), Tag("by-id")],
    Discriminator(_contact_kind),
]


class Procedure(Document):
    """An emergency procedure: a checklist whose every step has an owner and escalation."""

    id: Id
    title: Text
    trigger: Text
    severity: Severity
    from_source: Text | None = Field(default=None, description="What the source says about this situation, verbatim.")
    template: Text | None = Field(
        default=None, description="Marks what goes beyond the source and must be adapted locally."
    )
    steps: list[Step] = Field(default_factory=list)
    escalation: list[Rung] = Field(default_factory=list)
    contacts: list[ContactEntryRef] = Field(
        default_factory=list,
        description="Contacts of this procedure: ids of org/contacts.yml, or a contact written out here.",
    )
    first_call: list[str] = Field(
        default_factory=list,
        description="Contact ids shown first, as tap-to-call buttons; default:"
        " those the steps of the first 5 minutes call.",
    )
    aftercare: list[Step] = Field(default_factory=list)
    document: DocumentControl

    def first_contacts(self) -> list[Contact]:
        """The contacts needed in the first minutes, once the handbook is resolved for a
        property (generator.contacts.for_property); written-out contacts only before."""
        wanted = self.first_call
        return [c for c in self.contacts if isinstance(c, Contact) and c.id in wanted]


class Department(Strict):
    id: Id
    name: Text
    description: Text
    head: RoleRef | None = None
    on_duty: list[RoleRef] = Field(
        default_factory=list,
        description="Posts on duty round the clock that act for the department in an emergency step it owns.",
    )
    from_source: bool = False


class DepartmentsFile(Document):
    departments: list[Department]


class AuthorityKind(Strict):
    """A column of the permission matrix."""

    id: Id
    title: Text
    description: Text


class AuthoritiesFile(Document):
    kinds: list[AuthorityKind]


class Term(Strict):
    """A glossary entry; `also` lists other acceptable English forms (plurals …);
    `synonyms` other words staff use for it (elevator, 升降梯), which the search treats
    as the term."""

    id: Id
    zh: str
    en: str
    also: list[str] = Field(default_factory=list)
    synonyms: list[str] = Field(
        default_factory=list,
        description="Other words for the term in either language (elevator, 升降梯):"
        " a search for one finds the others.",
    )
    note: Text | None = None


class GlossaryFile(Document):
    terms: list[Term]


class Meta(Document):
    """handbook.yml: the handbook as a whole."""

    title: Text
    organisation: Text
    version: str
    effective: Date
    base_url: str | None = Field(
        default=None, description="Where the live site is published; printed as QR codes on cards."
    )
    review_period_days: int = Field(
        default=365,
        ge=1,
        le=10 * 366,
        description="`check` warns when a document's last review is older (at most ten years).",
    )


class BookContact(Strict):
    """A number staff may have to call, kept once (org/contacts.yml) and named by id."""

    id: Id
    name: Text
    numbers: list[str] = Field(
        default_factory=list, description="Quoted. Empty when each property gives its own (sites/<id>.yml)."
    )
    hours: Text | None = Field(default=None, description="When the number is answered.")
    purpose: Text = Field(description="What the contact is for, in a line.")
    national: bool = Field(
        default=False, description="True for the national emergency and service numbers (119, 110, 120 …)."
    )
    note: Text | None = None


class ContactsFile(Document):
    """org/contacts.yml: the contact book of the handbook."""

    contacts: list[BookContact]


class Site(Document):
    """sites/<id>.yml: one property (项目 / 管理处) with the numbers that are its own."""

    id: Id
    name: Text
    address: Text
    sample: bool = Field(
        default=False, description="True for sample data shipped with the handbook: replace it with the real property."
    )
    contacts: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Contact id → its numbers at this property (quoted), replacing the contact book's.",
    )
    note: Text | None = None


@dataclass
class Handbook:
    """Everything loaded from one root, after each file passed the model."""

    root: str
    meta: Meta | None = None
    departments: dict[str, Department] = field(default_factory=dict)
    kinds: dict[str, AuthorityKind] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
    roles: dict[str, Role] = field(default_factory=dict)
    procedures: dict[str, Procedure] = field(default_factory=dict)
    departments_file: DepartmentsFile | None = None
    authorities_file: AuthoritiesFile | None = None
    glossary_file: GlossaryFile | None = None
    contacts_file: ContactsFile | None = None
    contacts: dict[str, BookContact] = field(default_factory=dict)
    sites: dict[str, Site] = field(default_factory=dict)
    site: Site | None = None  # the property this handbook was resolved for (generator.contacts)
    resolved: bool = False  # contacts written out with one property's numbers (generator.contacts.for_property)

    def top_roles(self) -> list[Role]:
        return [r for r in self.roles.values() if r.top]

    def direct_reports(self, role_id: str) -> list[Role]:
        return [r for r in self.roles.values() if r.reports_to == role_id]
