"""The handbook's own words around the data, and the order it lists things in: one place for
the site, the PDFs, the Word and Excel exports, `check` and `handbook diff`.

Everything a page or a sheet prints that does not come from the YAML lives here or in the two
files it reads: ``templates/site/labels.yml`` (labels shared by site and paper; the ``pdf_``
keys are the paper's own, ``export_`` ones the Word and Excel files') and
``templates/site/procedure_labels.yml`` (the procedure page and its run mode).  From them:

* :func:`labels` — one language's labels, for the site's templates;
* :data:`LABEL` — every label as a bilingual :class:`Text`, for the paper and the exports;
* :data:`FREQUENCY`, :data:`LEVEL`, :data:`SEVERITY` — the words for a duty's frequency, an
  authority's level and a procedure's severity;
* :func:`duration` and its bilingual forms :func:`time_limit` and :func:`after` — a time limit as
  a reader says it ("immediately", "within 5 min", "after 2 h", "within 7 days");
* :func:`role_order` and :func:`procedure_order` — the order in which every list, table,
  booklet and workbook shows roles and procedures.

Two documents that print the same thing therefore say it in the same words and the same order.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from generator.model import FREQUENCIES, LEVELS, Handbook, Procedure, Role, Text

LANGS: tuple[str, ...] = ("zh", "en")
TEMPLATES = Path(__file__).resolve().parent / "templates" / "site"
LABELS_FILE = TEMPLATES / "labels.yml"
PROCEDURE_LABELS_FILE = TEMPLATES / "procedure_labels.yml"
SEVERITIES: tuple[str, ...] = ("critical", "high", "medium")  # most urgent first


def _read(path: Path) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=1)
def all_labels() -> dict[str, dict[str, str]]:
    """labels.yml: {language: {key: label}}."""
    return _read(LABELS_FILE)


def labels(lang: str) -> dict[str, str]:
    """One language's labels (the site's templates call them ``L``)."""
    return all_labels()[lang]


@lru_cache(maxsize=1)
def procedure_labels() -> dict[str, dict[str, str]]:
    """procedure_labels.yml: the words of the procedure page and its run mode."""
    return _read(PROCEDURE_LABELS_FILE)


def _bilingual() -> dict[str, Text]:
    zh, en = all_labels()["zh"], all_labels()["en"]
    return {key: Text(zh=str(zh[key]), en=str(en[key])) for key in zh if key in en}


#: Every label of labels.yml as a bilingual text (the paper prints one or both languages).
LABEL: dict[str, Text] = _bilingual()
#: The words for a duty's frequency, an authority's level, a procedure's severity.
FREQUENCY: dict[str, Text] = {f: LABEL[f"freq_{f}"] for f in FREQUENCIES}
LEVEL: dict[str, Text] = {lv: LABEL[f"level_{lv}"] for lv in LEVELS}
LEVEL_MEANING: dict[str, Text] = {lv: LABEL[f"level_desc_{lv}"] for lv in LEVELS}
SEVERITY: dict[str, Text] = {sv: LABEL[f"severity_{sv}"] for sv in SEVERITIES}


# --------------------------------------------------------------------------- time phrases


def duration(n: int | None, lang: str, kind: str = "within_minutes") -> str:
    """A time limit as a reader says it: "immediately", "within 5 min", "after 2 h", "within 3 days".

    `kind` is ``within_minutes`` (a step's limit) or ``after_minutes`` (a ladder's threshold).
    0 is "immediately" (never "after 0 min"); whole hours read as hours; whole days from two
    days on as days (one day reads better as 24 hours, and never "1 days"); None is "no limit".
    """
    L = labels(lang)
    if n is None:
        return L["no_limit"]
    if n == 0:
        return L["at_once"]
    if n >= 2 * 1440 and n % 1440 == 0:
        return L[kind.replace("minutes", "days")].format(n=n // 1440)
    if n >= 60 and n % 60 == 0:
        return L[kind.replace("minutes", "hours")].format(n=n // 60)
    return L[kind].format(n=n)


def time_limit(minutes: int | None) -> Text | None:
    """A step's limit in both languages ("5 分钟内 / within 5 min"); None when it has none."""
    if minutes is None:
        return None
    return Text(zh=duration(minutes, "zh"), en=duration(minutes, "en"))


def after(minutes: int) -> Text:
    """A ladder's threshold in both languages ("10 分钟后 / after 10 min"; 0 is "立即 / immediately")."""
    return Text(zh=duration(minutes, "zh", "after_minutes"), en=duration(minutes, "en", "after_minutes"))


# --------------------------------------------------------------------------- order


def role_order(book: Handbook) -> list[Role]:
    """Roles by department (in departments.yml order), its head first, then by rank, code and id."""
    dept_rank = {d: i for i, d in enumerate(book.departments)}
    depth = _depths(book)

    def key(role: Role) -> tuple[int, int, int, str, str]:
        dept = book.departments.get(role.department)
        is_head = 0 if dept is not None and dept.head == role.id else 1
        return (
            dept_rank.get(role.department, len(dept_rank)),
            is_head,
            depth.get(role.id, 0),
            role.code or "",
            role.id,
        )

    return sorted(book.roles.values(), key=key)


def _depths(book: Handbook) -> dict[str, int]:
    """How far below the top each role is (memoised walk up reports_to; cycles stop)."""
    depth: dict[str, int] = {}

    def walk(rid: str, seen: frozenset[str]) -> int:
        if rid in depth:
            return depth[rid]
        role = book.roles.get(rid)
        if role is None or role.top or not role.reports_to or role.reports_to in seen:
            depth[rid] = 0
        else:
            depth[rid] = 1 + walk(role.reports_to, seen | {rid})
        return depth[rid]

    for rid in book.roles:
        walk(rid, frozenset())
    return depth


def procedure_order(book: Handbook) -> list[Procedure]:
    """Procedures most urgent first, then by id."""
    rank = {sv: i for i, sv in enumerate(SEVERITIES)}
    return sorted(book.procedures.values(), key=lambda p: (rank.get(p.severity, len(rank)), p.id))
