"""The rules of `handbook check` that span more than one value or file, run in order.

The shape of single values (types, unknown keys, id format) is the model's job and has
already been reported by the loader.  The rules live in modules by what they guard, each a
small function from the loaded handbook to findings; `RULES` lists them in the order of
their codes, and `run_checks` runs them and sorts the findings by file and position, so
that the order of the rules never shows in the output:

    checks_identity      ids unique and where their files say; every reference names something (E3xx, E4xx)
    checks_organisation  one top, reporting lines without circles, escalation paths to the top (E5xx, E60x)
    checks_content       duties, steps and ladders written; both languages; the glossary's words (E7xx, E8xx)
    checks_texts         the walk over every bilingual text that checks_content reads
    checks_document      the published address; effective and review dates (E204, E209, W901)
    readiness            contacts, numbers, QR codes, ladders, posts on duty (E71x–E73x)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from generator import readiness
from generator.checks_content import PLACEHOLDERS, TRANSLATION_GAP, _terms_in, completeness, glossary, languages, texts
from generator.checks_document import base_url, plausible_dates, review_dates
from generator.checks_identity import file_names, other_references, role_folders, role_references, unique_ids
from generator.checks_organisation import escalation_paths, organisation
from generator.checks_texts import all_texts
from generator.findings import Finding
from generator.model import Handbook

Rule = Callable[[Handbook], Iterable[Finding]]

RULES: list[Rule] = [
    unique_ids,
    file_names,
    role_folders,
    role_references,
    other_references,
    organisation,
    escalation_paths,
    completeness,
    texts,
    base_url,
    *readiness.RULES,
]

#: What other modules, the tests and the benchmarks reach through `generator.checks`: one
#: name for "the check", whichever module holds a rule.
__all__ = [
    "PLACEHOLDERS",
    "RULES",
    "TRANSLATION_GAP",
    "Rule",
    "_terms_in",
    "all_texts",
    "base_url",
    "completeness",
    "dt",
    "escalation_paths",
    "file_names",
    "glossary",
    "languages",
    "organisation",
    "other_references",
    "plausible_dates",
    "review_dates",
    "role_folders",
    "role_references",
    "run_checks",
    "texts",
    "unique_ids",
]


def run_checks(book: Handbook, today: dt.date | None = None) -> list[Finding]:
    """All findings of all rules, sorted by file and position.

    The date rules take `today` as an argument (the tests fix it), so they are not in `RULES`.
    """
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule(book))
    today = today or dt.date.today()
    findings.extend(review_dates(book, today))
    findings.extend(plausible_dates(book, today))
    return sorted(set(findings))
