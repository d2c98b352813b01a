"""Findings: what `handbook check` reports, with a stable code a maintainer can look up.

The catalogue below is the single list of codes; the maintainer guide is generated from
it, and tests make sure each code is produced by some broken input.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

from generator.escaping import visible
from generator.positions import Location

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    title: str
    fix: str


_CATALOGUE = [
    # Reading files
    Code("E100", "error", "required file missing", "Create the file named in the message (see docs for its layout)."),
    Code("E101", "error", "YAML syntax error", "Fix the YAML at the given position; check indentation and quotes."),
    Code(
        "E102",
        "error",
        "key written twice in one mapping",
        "Keep one of the two keys; YAML would silently drop the first.",
    ),
    Code("E103", "error", "tab in indentation", "Indent with spaces only."),
    Code("E104", "error", "file is not UTF-8", "Save the file as UTF-8."),
    Code(
        "E105",
        "error",
        "file is not one YAML mapping",
        "A data file holds exactly one mapping (key: value lines) at its top.",
    ),
    Code("E106", "error", "aliases expand too far", "Write the values out instead of nesting anchors and aliases."),
    Code("E107", "error", "file too large", "Split the file; a data file is at most 1 MiB."),
    Code("E108", "error", "YAML 1.1 value where text is expected", "Put the value in quotes: 'no', '12:30', '119'."),
    Code("W109", "warning", "UTF-8 byte-order mark", "Save the file as UTF-8 without BOM."),
    Code("E110", "error", "unsupported YAML feature", "Do not use merge keys (<<), tags or complex keys."),
    Code(
        "E111",
        "error",
        "full-width or no-break space in indentation",
        "Indent with ASCII spaces: switch the input method to half-width (半角) and retype the spaces.",
    ),
    Code(
        "E112",
        "error",
        "full-width punctuation where YAML needs ASCII",
        "Retype the character named in the message in half-width (半角): ':' '-' ',' '[' ']' '{' '}'.",
    ),
    Code(
        "E113", "error", "folder cannot be read", "Give the folder read permission, or remove it from the pull request."
    ),
    Code(
        "E114",
        "error",
        "folder link leads outside the handbook root",
        "Replace the symbolic link with the folder itself.",
    ),
    Code(
        "E115",
        "error",
        "folder link loops or repeats a folder",
        "Remove the symbolic link; move the folder instead of linking to it.",
    ),
    # Shape of the data
    Code("E201", "error", "unknown key", "Remove the key or correct its spelling (see the suggestion)."),
    Code("E202", "error", "required key missing", "Add the key named in the message."),
    Code("E203", "error", "wrong type", "Write the kind of value named in the message."),
    Code("E204", "error", "value not allowed", "Use one of the values listed in the message."),
    Code("E205", "error", "text too long", "Shorten the text or split it into items."),
    Code(
        "E206",
        "error",
        "number not written as plain decimal digits",
        "Write the whole number in decimal digits without quotes, leading zeros, '_', ':' or 0x: within_minutes: 10.",
    ),
    Code(
        "E207",
        "error",
        "boolean not written true or false",
        "Write true or false (YAML 1.2 and editors read yes, no, on, off as text).",
    ),
    Code(
        "E208",
        "error",
        "date not written YYYY-MM-DD",
        "Write the date as YYYY-MM-DD, e.g. 2026-01-01 (no time, no number).",
    ),
    Code(
        "E209",
        "error",
        "date outside the plausible range",
        "Correct the year: a review date cannot lie in the future, nor a date before 1980.",
    ),
    # Ids
    Code(
        "E301",
        "error",
        "malformed id",
        "Use lowercase ASCII letters, digits and single hyphens, e.g. front-desk-dispatcher.",
    ),
    Code("E302", "error", "id used twice", "Give each role, duty, procedure … its own id."),
    Code("E303", "error", "file name does not match id", "Rename the file to <id>.yml or change the id."),
    Code(
        "E304",
        "error",
        "role file in another department's folder",
        "Move the file to roles/<department>/ or correct its department.",
    ),
    Code("E305", "error", "role file directly under roles/", "Move the file into roles/<department>/."),
    # References
    Code("E401", "error", "unknown role", "Name an existing role id (see the suggestion) or add the role."),
    Code("E402", "error", "unknown department", "Name a department listed in org/departments.yml."),
    Code("E403", "error", "unknown permission kind", "Name a kind listed in org/authorities.yml."),
    Code("E404", "error", "unknown section", "Name one of the role's own sections."),
    # Organisation
    Code("E501", "error", "no top of the organisation", "Mark the role at the top with `top: true`."),
    Code("E502", "error", "reporting cycle", "Break the cycle: one role in it must report outside it."),
    Code("E503", "error", "reports_to does not fit top", "A top role has no reports_to; every other role has one."),
    Code("E504", "error", "role does not reach the top", "Fix reports_to so that the chain ends at a top role."),
    Code(
        "E505",
        "error",
        "more than one top",
        "Keep `top: true` on the one role that heads the organisation; the others report to it.",
    ),
    # Escalation
    Code("E601", "error", "escalation path revisits a role", "List each role once in escalate_to."),
    Code("E602", "error", "escalates to its own owner", "Escalate to someone other than the owner."),
    Code(
        "E603",
        "error",
        "escalation path does not reach the top",
        "End escalate_to at a role whose reporting line reaches the top, or at the top.",
    ),
    Code("E604", "error", "escalation rung notifies nobody", "List at least one role in the rung's notify."),
    # Completeness
    Code("E701", "error", "role without duties", "List at least one duty."),
    Code("E702", "error", "procedure without steps", "List at least one step."),
    Code("E703", "error", "procedure without escalation threshold", "Add an escalation rung with after_minutes."),
    Code("E704", "error", "placeholder left in", "Replace the FILL IN placeholder with real text."),
    # Readiness: numbers, contacts, ladders, posts on duty (generator/readiness.py)
    Code(
        "E710", "error", "unknown contact", "Name a contact of org/contacts.yml (see the suggestion) or add it there."
    ),
    Code(
        "E711",
        "error",
        "contact without a number",
        "Give the contact its number in org/contacts.yml, or in sites/<id>.yml for each property.",
    ),
    Code(
        "E712",
        "error",
        "placeholder instead of a number or name",
        "Write the real number, name or address instead of —, 待定, TBD, xxx …",
    ),
    Code("W710", "warning", "cards without QR code", "Set base_url in handbook.yml to where the site is published."),
    Code(
        "W711",
        "warning",
        "ladder rung fires before the step",
        "Give the rung and the step that tell the same people the same time.",
    ),
    Code(
        "W712", "warning", "step allows more time than the ladder", "Shorten the step's time limit or add a later rung."
    ),
    Code(
        "W713",
        "warning",
        "step owned by a department without a post on duty",
        "Name a post as the owner, or list the posts on duty under the department's on_duty.",
    ),
    # Languages
    Code("E801", "error", "language missing or empty", "Give the text both `zh` and `en`, neither empty."),
    Code("E802", "error", "Chinese text has no Chinese", "Write the Chinese text in Chinese."),
    Code("E803", "error", "English text contains Chinese", "Translate the English text fully."),
    # E804: an import leaves `en: TO TRANSLATE`; an error like E801, because the English handbook
    # would print the marker: CI refuses a handbook with a translation missing (DESIGN.md).
    Code(
        "E804",
        "error",
        "translation to write",
        "Write the English for the Chinese text beside it, in the glossary's vocabulary, in place of TO TRANSLATE.",
    ),
    Code(
        "W810",
        "warning",
        "glossary term not used in English",
        "Use the glossary's English for the Chinese term, or say why not in a note.",
    ),
    # Document control
    Code("W901", "warning", "review overdue", "Review the document and update document.reviewed."),
    # Site configuration and hand-written pages (mkdocs.yml, docs/)
    Code(
        "E950",
        "error",
        "mkdocs.yml setting not accepted",
        "Remove the setting or give it the type named in the message; mkdocs.yml takes the settings listed in the"
        " maintainer guide.",
    ),
    Code(
        "E951",
        "error",
        "INHERIT names another file",
        "Remove INHERIT or let it name generator/templates/site/mkdocs.base.yml; write other settings into mkdocs.yml"
        " itself.",
    ),
    Code(
        "E952",
        "error",
        "plugin not on the allow-list",
        "Remove the plugin (or its option); the handbook runs search and its own sandboxed macros only.",
    ),
    Code(
        "E953",
        "error",
        "hook not on the allow-list",
        "Remove the hook; a hook is Python code that the build would run.",
    ),
    Code(
        "E954",
        "error",
        "Markdown extension not on the allow-list",
        "Remove the extension or the option that names Python code; the guide lists the extensions allowed.",
    ),
    Code(
        "E955",
        "error",
        "address on another host",
        "Copy the file into docs/ and name it by its path; the site must work without internet.",
    ),
    Code(
        "E960",
        "error",
        "link or special file in docs/",
        "Replace the symbolic link by a copy of the file (a link may not leave the root, a linked folder is refused),"
        " or remove the device or pipe.",
    ),
    Code(
        "W961",
        "warning",
        "file type not published",
        "Only Markdown, PNG, JPEG, GIF, WebP and PDF files of docs/ are published; convert the file or remove it.",
    ),
    Code("E962", "error", "page is not UTF-8", "Save the page as UTF-8."),
    Code(
        "E963",
        "error",
        "page clashes with a generated page",
        "Rename the hand-written page; the handbook writes a page at that path.",
    ),
    Code(
        "E964",
        "error",
        "link to a page that does not exist",
        "Correct the link's target (a path relative to the page, ending in .md) or remove the link.",
    ),
    Code(
        "E965",
        "error",
        "macros page refused",
        "Use only hb.… in a page with render_macros: true (see the message), fix the Jinja syntax, or remove"
        " render_macros: true.",
    ),
    Code(
        "E967",
        "error",
        "page front matter not accepted",
        "Write the front matter (between the --- lines) as plain YAML without tags, and without template:.",
    ),
    Code(
        "E966",
        "error",
        "file in docs/ too large",
        "Keep a page under 1 MiB and any other file under 20 MiB; split the page or shrink the file.",
    ),
]

CODES: dict[str, Code] = {c.code: c for c in _CATALOGUE}


def shown(text: str, limit: int = 60) -> str:
    """A value quoted in a message: made visible and cut to `limit` characters."""
    text = visible(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    col: int
    code: str
    message: str

    def __post_init__(self) -> None:
        # Once, here, rather than in each format: text, json and github all show these.
        object.__setattr__(self, "file", visible(self.file))
        object.__setattr__(self, "message", visible(self.message))

    @classmethod
    def at(cls, where: Location, code: str, message: str) -> Finding:
        assert code in CODES, code
        return cls(where.file, where.line, where.col, code, message)

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    def text(self) -> str:
        # One finding, one line: a line break from a key or a file name could print a line
        # that reads like a finding of its own.  (json and github escape it themselves.)
        return f"{self.file}:{self.line}:{self.col}: {self.severity} {self.code}: {self.message}".replace("\n", "\\x0a")

    def github(self) -> str:
        """A GitHub Actions workflow command, shown as an annotation on the PR's diff."""

        def data(text: str) -> str:
            return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

        def prop(text: str) -> str:  # property values also end at ',' and ':'
            return data(text).replace(":", "%3A").replace(",", "%2C")

        where = f"file={prop(self.file)},line={self.line},col={self.col}"
        return f"::{self.severity} {where},title={self.code}::{data(self.message)}"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint for a near miss (a typo in a key, an id or a value), or nothing."""
    options = list(choices)
    cutoff = 0.5 if len(word) <= 4 else 0.6  # one wrong letter in a short id is still a near miss
    if len(options) > 100 and word:
        # difflib compares with every option: at 1,000 roles a file of 2,000 unknown ids took
        # 38 s to check.  A typo keeps the length roughly and the first or the last letter.
        slack = max(2, len(word) // 3)
        options = [
            o for o in options if o and abs(len(o) - len(word)) <= slack and (o[0] == word[0] or o[-1] == word[-1])
        ]
    close = difflib.get_close_matches(word, options, n=1, cutoff=cutoff)
    return f" (did you mean '{close[0]}'?)" if close else ""


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def render(findings: list[Finding], fmt: str) -> str:
    """The report in one of the formats of `handbook check --format`."""
    ordered = sorted(set(findings))
    if fmt == "json":
        return json.dumps([dict(asdict(f), severity=f.severity) for f in ordered], ensure_ascii=False, indent=2)
    if fmt == "github":
        return "\n".join(f.github() for f in ordered)
    lines = [f.text() for f in ordered]
    errors = sum(f.severity == "error" for f in ordered)
    lines.append(f"{errors} error(s), {len(ordered) - errors} warning(s)")
    return "\n".join(lines)
