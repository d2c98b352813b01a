"""The corpus of broken and hostile input (issue 7), as a table.

Each case copies tests/fixtures/mini, changes one file (rarely two) and names the finding
it must produce: code, file and line.  `handbook check` and `handbook build` must exit 1
and name that file and line.  The legal cases (a byte-order mark, HTML, JavaScript, Jinja,
Markdown that would break a table) are in LEGAL_EDITS instead: they are applied together
to one root, which must check and build with exit 0 and show every text exactly as typed.

Line numbers refer to the mini fixture as committed; `sub` refuses to run if the text it
replaces is not there exactly once, so a change of the fixture fails loudly here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Edit = Callable[[Path], None]

CLERK = "roles/cs/clerk.yml"
SUPERVISOR = "roles/cs/supervisor.yml"
DIRECTOR = "roles/office/director.yml"
LIFT = "procedures/lift.yml"
DEPARTMENTS = "org/departments.yml"
META = "handbook.yml"

FIFTY_MB = 50 * 1024 * 1024


@dataclass(frozen=True)
class Case:
    name: str
    edit: Edit
    code: str
    file: str
    line: int

    def __str__(self) -> str:
        return self.name


# --- edits --------------------------------------------------------------------------------


def sub(rel: str, old: str, new: str) -> Edit:
    """Replace the one occurrence of `old` in `rel`."""

    def edit(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}; did the mini fixture change?"
        path.write_text(text.replace(old, new), encoding="utf-8")

    return edit


def put(rel: str, content: str | bytes) -> Edit:
    """Write the whole file (bytes as they are, text as UTF-8)."""

    def edit(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))

    return edit


def append(rel: str, text: str) -> Edit:
    def edit(root: Path) -> None:
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    return edit


def copy(rel: str, to: str) -> Edit:
    def edit(root: Path) -> None:
        (root / to).parent.mkdir(parents=True, exist_ok=True)
        (root / to).write_bytes((root / rel).read_bytes())

    return edit


def link(rel: str, target: str) -> Edit:
    """A symbolic link, as a pull request can carry one."""

    def edit(root: Path) -> None:
        (root / rel).symlink_to(target)

    return edit


def fifo(rel: str) -> Edit:
    def edit(root: Path) -> None:
        os.mkfifo(root / rel)

    return edit


def both(*edits: Edit) -> Edit:
    def edit(root: Path) -> None:
        for one in edits:
            one(root)

    return edit


def encode_as(rel: str, encoding: str) -> Edit:
    """Save the file in another encoding, as an editor set to GBK would."""

    def edit(root: Path) -> None:
        path = root / rel
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))

    return edit


def huge_file(rel: str, size: int) -> Edit:
    """A file of `size` bytes of valid-looking YAML, written in chunks (never held in memory)."""

    def edit(root: Path) -> None:
        line = b"# " + b"x" * 1021 + b"\n"
        with open(root / rel, "wb") as out:
            out.write(b"id: clerk\n")
            for _ in range(size // len(line)):
                out.write(line)

    return edit


BILLION_LAUGHS = """id: clerk
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]
"""

AFTERCARE = """aftercare:
  - id: report
    owner: supervisor
    text: {zh: 写事故报告, en: Writes the incident report.}
    escalate_to: nobody
"""


# --- the corpus ------------------------------------------------------------------------------

CASES: list[Case] = [
    # Reading files
    Case("yaml-syntax", sub(CLERK, "department: cs\n", "department: cs: office\n"), "E101", CLERK, 3),
    Case(
        "yaml-unclosed-flow",
        sub(CLERK, "purpose: {zh: 调度, en: Dispatches.}", "purpose: {zh: 调度, en: Dispatches."),
        "E101",
        CLERK,
        6,
    ),
    Case(
        "duplicate-key",
        sub(CLERK, "reports_to: supervisor\n", "reports_to: supervisor\ndepartment: office\n"),
        "E102",
        CLERK,
        5,
    ),
    Case(
        "duplicate-key-nested",
        sub(CLERK, "    frequency: daily\n", "    frequency: daily\n    frequency: weekly\n"),
        "E102",
        CLERK,
        11,
    ),
    Case("tab-indentation", sub(CLERK, "    frequency: daily", "\tfrequency: daily"), "E103", CLERK, 10),
    Case("gbk-bytes", encode_as(CLERK, "gbk"), "E104", CLERK, 2),
    Case("latin-1-byte", put(CLERK, b"id: clerk\ntitle: {zh: caf\xe9, en: Caf\xe9}\n"), "E104", CLERK, 2),
    Case("empty-file", put(CLERK, ""), "E105", CLERK, 1),
    Case(
        "only-comments",
        put(CLERK, "# yaml-language-server: $schema=../../schema/role.schema.json\n# nothing yet\n"),
        "E105",
        CLERK,
        1,
    ),
    Case("list-not-mapping", put(CLERK, "- id: clerk\n- department: cs\n"), "E105", CLERK, 1),
    Case(
        "list-where-mapping-expected",
        sub(CLERK, "purpose: {zh: 调度, en: Dispatches.}", "purpose: [调度, Dispatches.]"),
        "E203",
        CLERK,
        5,
    ),
    Case("two-documents", append(CLERK, "---\nid: other\n"), "E105", CLERK, 13),
    Case("billion-laughs", put(CLERK, BILLION_LAUGHS), "E106", CLERK, 6),
    Case("alias-to-itself", put(CLERK, "id: clerk\nloop: &a [*a]\n"), "E106", CLERK, 2),
    Case("file-of-50-mb", huge_file(CLERK, FIFTY_MB), "E107", CLERK, 1),
    Case("link-to-dev-zero", link("roles/cs/zero.yml", "/dev/zero"), "E100", "roles/cs/zero.yml", 1),
    Case("link-to-etc-passwd", link("roles/cs/passwd.yml", "/etc/passwd"), "E100", "roles/cs/passwd.yml", 1),
    Case(
        "link-outside-root",
        both(copy(LIFT, "../secret.yml"), link("procedures/up.yml", "../../secret.yml")),
        "E100",
        "procedures/up.yml",
        1,
    ),
    Case("named-pipe", fifo("procedures/pipe.yml"), "E100", "procedures/pipe.yml", 1),
    Case("control-character", sub(CLERK, "Dispatches.", "Dis\x07patches."), "E101", CLERK, 5),
    Case("escaped-nul-in-text", sub(CLERK, "en: Dispatches.", 'en: "Dis\\x00patches."'), "E101", CLERK, 5),
    Case("bidi-override-in-number", sub(LIFT, 'number: "96333"', 'number: "\\u202e33369"'), "E101", LIFT, 19),
    Case(
        "python-tag",
        sub(CLERK, "department: cs", "department: !!python/object/apply:os.system [echo pwned]"),
        "E110",
        CLERK,
        3,
    ),
    Case("merge-key", sub(CLERK, "    frequency: daily\n", "    <<: {frequency: daily}\n"), "E110", CLERK, 10),
    Case("bad-explicit-bool-tag", sub(DIRECTOR, "top: true", "top: !!bool maybe"), "E110", DIRECTOR, 4),
    Case(
        "bad-explicit-tag", sub(CLERK, "reports_to: supervisor", "reports_to: !!timestamp supervisor"), "E110", CLERK, 4
    ),
    # YAML 1.1 scalars where text is expected
    Case("yaml11-no", sub(CLERK, "en: Front Desk Dispatcher", "en: no"), "E108", CLERK, 2),
    Case("yaml11-on", sub(CLERK, "reports_to: supervisor", "reports_to: on"), "E108", CLERK, 4),
    Case("yaml11-sexagesimal", sub(LIFT, "en: Reassure the people trapped.", "en: 12:30"), "E108", LIFT, 10),
    Case("yaml11-float", sub(LIFT, 'number: "96333"', "number: 1.5e+3"), "E108", LIFT, 19),
    Case("yaml11-bare-number", sub(LIFT, 'number: "96333"', "number: 96333"), "E108", LIFT, 19),
    Case("yaml11-version", sub(CLERK, 'version: "1.0"', "version: 1.0"), "E108", CLERK, 6),
    # Shape of the data
    Case("unknown-key", sub(CLERK, "department: cs", "departmnet: cs"), "E201", CLERK, 3),
    Case("unknown-key-nested", sub(CLERK, "    frequency: daily", "    frequencey: daily"), "E201", CLERK, 10),
    Case("missing-required-key", sub(CLERK, "purpose: {zh: 调度, en: Dispatches.}\n", ""), "E202", CLERK, 1),
    Case("value-not-allowed", sub(CLERK, "frequency: daily", "frequency: sometimes"), "E204", CLERK, 10),
    Case("negative-minutes", sub(LIFT, "within_minutes: 1", "within_minutes: -5"), "E204", LIFT, 9),
    Case(
        "text-of-100000-characters",
        sub(CLERK, "en: Dispatches.", "en: " + "Dispatches. " * 8333 + "end"),
        "E205",
        CLERK,
        5,
    ),
    Case("chinese-text-of-100000-characters", sub(CLERK, "zh: 调度,", "zh: " + "调度" * 50000 + ","), "E205", CLERK, 5),
    # Ids
    Case("id-upper-case", sub(CLERK, "id: clerk", "id: Clerk"), "E301", CLERK, 1),
    Case("id-with-space", sub(CLERK, "id: clerk", 'id: "front desk"'), "E301", CLERK, 1),
    Case("id-dot-dot", sub(CLERK, "id: clerk", 'id: "../../etc/passwd"'), "E301", CLERK, 1),
    Case("id-slash", sub(LIFT, "id: lift\n", "id: lift/../../x\n"), "E301", LIFT, 1),
    Case("duty-id-upper-case", sub(CLERK, "  - id: answer", "  - id: Answer"), "E301", CLERK, 8),
    Case("department-id-slash", sub(DEPARTMENTS, "  - id: cs", "  - id: c/s"), "E301", DEPARTMENTS, 6),
    Case("id-used-twice", copy(CLERK, "roles/office/clerk.yml"), "E302", "roles/office/clerk.yml", 1),
    Case("file-name-not-id", sub(CLERK, "id: clerk", "id: dispatcher"), "E303", CLERK, 1),
    # Organisation and escalation
    Case("reporting-cycle", sub(SUPERVISOR, "reports_to: director", "reports_to: clerk"), "E502", CLERK, 4),
    Case("reports-to-itself", sub(CLERK, "reports_to: supervisor", "reports_to: clerk"), "E502", CLERK, 4),
    Case("escalates-to-itself", sub(CLERK, "escalate_to: supervisor", "escalate_to: clerk"), "E602", CLERK, 11),
    Case(
        "escalation-revisits",
        sub(CLERK, "escalate_to: supervisor", "escalate_to: [supervisor, director, supervisor]"),
        "E601",
        CLERK,
        11,
    ),
    Case("no-top", sub(DIRECTOR, "top: true", "top: false"), "E503", DIRECTOR, 1),
    # Dangling references, one per reference field
    Case("dangling-reports-to", sub(CLERK, "reports_to: supervisor", "reports_to: supervisr"), "E401", CLERK, 4),
    Case(
        "dangling-duty-escalate-to",
        sub(CLERK, "escalate_to: supervisor", "escalate_to: [supervisor, nobody]"),
        "E401",
        CLERK,
        11,
    ),
    Case("dangling-authority-escalate-to", append(SUPERVISOR, "    escalate_to: nobody\n"), "E401", SUPERVISOR, 16),
    Case(
        "dangling-step-escalate-to",
        sub(LIFT, "    within_minutes: 1\n", "    within_minutes: 1\n    escalate_to: nobody\n"),
        "E401",
        LIFT,
        10,
    ),
    Case("dangling-aftercare-escalate-to", append(LIFT, AFTERCARE), "E401", LIFT, 24),
    Case("dangling-step-owner", sub(LIFT, "owner: clerk", "owner: nobody"), "E401", LIFT, 8),
    Case("dangling-rung-notify", sub(LIFT, "notify: [director]", "notify: [director, nobody]"), "E401", LIFT, 15),
    Case("dangling-document-owner", sub(CLERK, "owner: director", "owner: nobody"), "E401", CLERK, 6),
    Case(
        "dangling-procedure-document-owner",
        sub(LIFT, "owner: supervisor, reviewed", "owner: nobody, reviewed"),
        "E401",
        LIFT,
        5,
    ),
    Case("dangling-department", sub(CLERK, "department: cs", "department: nowhere"), "E402", CLERK, 3),
    Case(
        "dangling-liaises-with",
        sub(CLERK, "department: cs\n", "department: cs\nliaises_with: [office, nowhere]\n"),
        "E402",
        CLERK,
        4,
    ),
    Case("dangling-authority-kind", sub(SUPERVISOR, "kind: dispatch", "kind: nothing"), "E403", SUPERVISOR, 13),
    Case(
        "dangling-duty-section",
        sub(CLERK, "    frequency: daily\n", "    frequency: daily\n    section: nowhere\n"),
        "E404",
        CLERK,
        11,
    ),
    Case("dangling-department-head", sub(DEPARTMENTS, "head: supervisor", "head: nobody"), "E401", DEPARTMENTS, 9),
    Case(
        "dangling-reference-with-path",
        sub(CLERK, "reports_to: supervisor", "reports_to: ../supervisor"),
        "E401",
        CLERK,
        4,
    ),
    # The handbook as a whole
    Case(
        "base-url-javascript",
        sub(META, "base_url: https://hb.example.org/", "base_url: \"javascript:alert('xss')//\""),
        "E204",
        META,
        5,
    ),
    # Languages
    Case(
        "missing-language",
        sub(CLERK, "title: {zh: 前台调度员, en: Front Desk Dispatcher}", "title: {zh: 前台调度员}"),
        "E801",
        CLERK,
        2,
    ),
    Case("empty-language", sub(CLERK, "en: Dispatches.", 'en: ""'), "E801", CLERK, 5),
    Case(
        "missing-language-in-step",
        sub(
            LIFT,
            "text: {zh: 安抚被困人员, en: Reassure the people trapped.}",
            "text: {en: Reassure the people trapped.}",
        ),
        "E801",
        LIFT,
        10,
    ),
    Case("chinese-in-english", sub(CLERK, "en: Dispatches.", "en: 调度"), "E803", CLERK, 5),
]

#: The legal but hostile texts: each must be shown exactly as typed, never executed.
#: (typed text, where it is written); zh texts carry Chinese so that the check passes.
HOSTILE_TEXTS = {
    "html": '<b>bold</b> & <i>"quoted"</i> <!-- comment -->',
    "script": "<script>alert('xss-purpose')</script>",
    "img": "<img src=x onerror=alert('xss-img')>",
    "jinja": "{{ config }} {% include 'x' %} {# comment #} {{ 7*7 }}",
    "pipe": "calls | writes | closes",
    "hash": "# not a heading",
    "link": "[click](javascript:alert('xss-link'))",
    "zh-script": "调度<script>alert('xss-zh')</script>",
    "zh-jinja": "交接{{ 7*7 }}{% if true %}是{% endif %}",
    "zh-pipe": "接听 | 登记 | 回访",
}

#: Texts written as YAML block scalars: a line break inside a table cell.
MULTILINE_TEXT = "first line\nsecond line | with a pipe\n# third line"


def _legal_edits() -> list[Edit]:
    t = HOSTILE_TEXTS
    q = lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'  # noqa: E731
    return [
        # A byte-order mark is legal: warning W109, and the file still loads.
        lambda root: (root / DIRECTOR).write_bytes(b"\xef\xbb\xbf" + (root / DIRECTOR).read_bytes()),
        sub(
            CLERK,
            "purpose: {zh: 调度, en: Dispatches.}",
            f"purpose: {{zh: {q(t['zh-script'])}, en: {q(t['script'] + ' ' + t['html'])}}}",
        ),
        sub(
            CLERK,
            "text: {zh: 接听电话, en: Answers the phone.}",
            f"text: {{zh: {q(t['zh-pipe'])}, en: {q(t['pipe'])}}}",
        ),
        sub(
            SUPERVISOR,
            "text: {zh: 定期拜访业主, en: Visits owners regularly.}",
            f"text: {{zh: {q(t['zh-jinja'])}, en: {q(t['jinja'])}}}",
        ),
        sub(
            SUPERVISOR,
            "en: May dispatch every department of the management office.",
            f"en: {q(t['img'] + ' ' + t['link'])}",
        ),
        sub(
            LIFT,
            "text: {zh: 安抚被困人员, en: Reassure the people trapped.}",
            'text:\n      zh: "安抚 | 被困人员"\n      en: |-\n        ' + MULTILINE_TEXT.replace("\n", "\n        "),
        ),
        sub(LIFT, "condition: {zh: 未救出, en: Not yet freed.}", f"condition: {{zh: 未救出, en: {q(t['hash'])}}}"),
        # `1e3` is text in YAML 1.1 (a float needs a dot): it stays exactly as typed.
        sub(LIFT, 'number: "96333"', "number: 1e3"),
    ]


LEGAL_EDITS: list[Edit] = _legal_edits()

#: What the legal root must show: (language, page, text as typed, a word of it).  The
#: page named must show the text; so must every other page of that language that shows
#: the word (a text shown mangled on one page and right on another is still a bug).
LEGAL_SHOWN = [
    ("zh", "roles/clerk/", HOSTILE_TEXTS["zh-script"], "xss-zh"),
    ("en", "roles/clerk/", HOSTILE_TEXTS["script"] + " " + HOSTILE_TEXTS["html"], "xss-purpose"),
    ("zh", "roles/clerk/", HOSTILE_TEXTS["zh-pipe"], "回访"),
    ("en", "roles/clerk/", HOSTILE_TEXTS["pipe"], "writes"),
    ("zh", "roles/supervisor/", HOSTILE_TEXTS["zh-jinja"], "endif"),
    ("en", "roles/supervisor/", HOSTILE_TEXTS["jinja"], "config"),
    ("en", "roles/supervisor/", HOSTILE_TEXTS["img"] + " " + HOSTILE_TEXTS["link"], "xss-img"),
    ("zh", "procedures/lift/", "安抚 | 被困人员", "被困人员"),
    ("en", "procedures/lift/", MULTILINE_TEXT, "second line"),
    ("en", "procedures/lift/", HOSTILE_TEXTS["hash"], "not a heading"),
    ("en", "procedures/lift/", "1e3", "1e3"),
]


# --- the data files, attacked (issue 11) ----------------------------------------------------------
#
# Each case runs as `handbook check` (text, json and github) and `handbook build`; beside the
# root lie a decoy folder (DECOY, whose files must stay byte for byte and must never be
# quoted: they hold SECRET) and the path of a marker file (MARKER) that a case's payload
# tries to create.  tests/test_hostile_data.py runs them.

DATA = Path(__file__).resolve().parent / "data"
DECOY = "decoy"
MARKER = "executed-marker"
SECRET = "decoy-secret-7f3a"


def decoy(root: Path) -> Path:
    return root.parent / DECOY


def marker(root: Path) -> Path:
    return root.parent / MARKER


def data_file(name: str, rel: str) -> Edit:
    """Replace `rel` with tests/hostile/data/NAME, byte for byte."""

    def edit(root: Path) -> None:
        (root / rel).write_bytes((DATA / name).read_bytes())

    return edit


def payload(rel: str, old: str, new: str) -> Edit:
    """Like `sub`, with {marker} in `new` standing for the marker file's path."""

    def edit(root: Path) -> None:
        sub(rel, old, new.replace("{marker}", str(marker(root))))(root)

    return edit


def link_to_decoy(rel: str) -> Edit:
    def edit(root: Path) -> None:
        path = root / rel
        if path.is_dir() and not path.is_symlink():
            import shutil

            shutil.rmtree(path)
        path.symlink_to(decoy(root), target_is_directory=True)

    return edit


def move(rel: str, to: str) -> Edit:
    def edit(root: Path) -> None:
        (root / to).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).rename(root / to)

    return edit


def chmod(rel: str, mode: int) -> Edit:
    def edit(root: Path) -> None:
        (root / rel).chmod(mode)

    return edit


def raw_name(folder: str, name: bytes, content_from: str) -> Edit:
    """A data file whose name is raw bytes (an escape sequence, a byte that is not UTF-8)."""

    def edit(root: Path) -> None:
        target = os.path.join(os.fsencode(root / folder), name)
        with open(target, "wb") as out:
            out.write((root / content_from).read_bytes())

    return edit


@dataclass(frozen=True)
class DataCase:
    name: str
    edit: Edit
    code: str
    file: str  # as printed: control characters escaped
    line: int
    #: Run without the capabilities that let root read anything (an unreadable folder).
    unprivileged: bool = False

    def __str__(self) -> str:
        return self.name


DATA_CASES: list[DataCase] = [
    # Numbers as the YAML 1.2 core schema reads them: plain decimal digits only
    DataCase("number-octal", sub(LIFT, "within_minutes: 1", "within_minutes: 010"), "E206", LIFT, 9),
    DataCase("number-sexagesimal", sub(LIFT, "within_minutes: 1", "within_minutes: 1:30"), "E206", LIFT, 9),
    DataCase("number-hexadecimal", sub(LIFT, "within_minutes: 1", "within_minutes: 0x1e"), "E206", LIFT, 9),
    DataCase("number-underscore", sub(LIFT, "within_minutes: 1", "within_minutes: 1_0"), "E206", LIFT, 9),
    DataCase("number-binary", sub(LIFT, "within_minutes: 1", "within_minutes: 0b11"), "E206", LIFT, 9),
    DataCase("number-infinity", sub(LIFT, "after_minutes: 30", "after_minutes: .inf"), "E206", LIFT, 13),
    DataCase("number-not-a-number", sub(LIFT, "after_minutes: 30", "after_minutes: .nan"), "E206", LIFT, 13),
    DataCase("number-float", sub(LIFT, "after_minutes: 30", "after_minutes: 30.0"), "E206", LIFT, 13),
    DataCase("number-boolean", sub(LIFT, "within_minutes: 1", "within_minutes: true"), "E206", LIFT, 9),
    DataCase("number-quoted", sub(LIFT, "within_minutes: 1", 'within_minutes: "5"'), "E206", LIFT, 9),
    DataCase(
        "number-10000-digits", sub(LIFT, "within_minutes: 1", "within_minutes: 1" + "0" * 10_000), "E206", LIFT, 9
    ),
    DataCase("review-period-octal", append(META, "review_period_days: 0365\n"), "E206", META, 6),
    DataCase("review-period-forever", append(META, "review_period_days: 1000000\n"), "E204", META, 6),
    DataCase("boolean-yes", sub(DIRECTOR, "top: true", "top: yes"), "E207", DIRECTOR, 4),
    DataCase("boolean-on", sub(CLERK, "department: cs\n", "department: cs\nteam: on\n"), "E207", CLERK, 4),
    DataCase("boolean-number", sub(DIRECTOR, "top: true", "top: 1"), "E207", DIRECTOR, 4),
    # Dates: YYYY-MM-DD, in a plausible range
    DataCase("date-unix-time", sub(CLERK, "effective: 2026-01-01", "effective: 1700000000"), "E208", CLERK, 6),
    DataCase("date-zero", sub(CLERK, "effective: 2026-01-01", "effective: 0"), "E208", CLERK, 6),
    DataCase("date-with-time", sub(CLERK, "reviewed: 2026-06-01", "reviewed: 2026-06-01 10:00:00"), "E208", CLERK, 6),
    DataCase("date-review-in-9999", sub(CLERK, "reviewed: 2026-06-01", "reviewed: 9999-12-31"), "E209", CLERK, 6),
    DataCase("date-effective-1900", sub(LIFT, "effective: 2026-01-01", "effective: 1900-01-01"), "E209", LIFT, 5),
    DataCase(
        "date-handbook-effective-2206", sub(META, "effective: 2026-01-01", "effective: 2206-01-01"), "E209", META, 4
    ),
    # Tags and other oddities on keys
    DataCase(
        "key-python-name-tag",
        payload(CLERK, "department: cs", "!!python/name:os.system department: cs"),
        "E110",
        CLERK,
        3,
    ),
    DataCase(
        "key-python-apply-tag",
        payload(CLERK, "department: cs", '!!python/object/apply:os.system ["touch {marker}"]: cs'),
        "E110",
        CLERK,
        3,
    ),
    DataCase(
        "key-complex-apply",
        payload(
            CLERK, "department: cs\n", 'department: cs\n? !!python/object/apply:os.system ["touch {marker}"]\n: x\n'
        ),
        "E110",
        CLERK,
        4,
    ),
    DataCase("key-local-tag", sub(CLERK, "department: cs", "!x department: cs"), "E110", CLERK, 3),
    DataCase(
        "value-python-apply-tag",
        payload(CLERK, "department: cs", 'department: !!python/object/apply:os.system ["touch {marker}"]'),
        "E110",
        CLERK,
        3,
    ),
    DataCase(
        "tag-directive-redefines-str",
        sub(CLERK, "id: clerk\n", "%TAG !! tag:evil.example,2000:\n---\nid: !!str clerk\n"),
        "E110",
        CLERK,
        3,
    ),
    # Keys shown with control and bidi characters made visible
    DataCase("key-terminal-escapes", data_file("terminal-escape-key.yml", CLERK), "E101", CLERK, 4),
    DataCase("key-bidi-override", data_file("bidi-key.yml", CLERK), "E101", CLERK, 4),
    DataCase(
        "file-name-terminal-escapes",
        raw_name("roles/cs", b"\x1b]0;pwned\x07\x1b[2J.yml", CLERK),
        "E303",
        "roles/cs/\\x1b]0;pwned\\x07\\x1b[2J.yml",
        1,
    ),
    DataCase("file-name-not-utf8", raw_name("roles/cs", b"\xff\xfe.yml", CLERK), "E302", "roles/cs/\\xff\\xfe.yml", 1),
    # Folders
    DataCase("folder-unreadable", chmod("roles/cs", 0), "E113", "roles/cs", 1, unprivileged=True),
    DataCase("folder-link-out-of-root", link_to_decoy("roles/elsewhere"), "E114", "roles/elsewhere", 1),
    DataCase("roles-folder-is-link-out", link_to_decoy("roles"), "E114", "roles", 1),
    DataCase("procedures-folder-is-link-out", link_to_decoy("procedures"), "E114", "procedures", 1),
    DataCase("folder-link-loop-up", link("roles/cs/again", ".."), "E115", "roles/cs/again", 1),
    DataCase("folder-link-to-itself", link("roles/cs/me", "me"), "E115", "roles/cs/me", 1),
    DataCase(
        "file-link-loop",
        both(link("roles/cs/a.yml", "b.yml"), link("roles/cs/b.yml", "a.yml")),
        "E115",
        "roles/cs/a.yml",
        1,
    ),
    DataCase("role-in-another-department", move(CLERK, "roles/office/clerk.yml"), "E304", "roles/office/clerk.yml", 3),
    DataCase("role-nested-deeper", move(CLERK, "roles/cs/night/clerk.yml"), "E304", "roles/cs/night/clerk.yml", 3),
    DataCase("role-directly-under-roles", move(CLERK, "roles/clerk.yml"), "E305", "roles/clerk.yml", 3),
    # The organisation
    DataCase("second-top", sub(CLERK, "reports_to: supervisor", "top: true"), "E505", CLERK, 4),
    DataCase("rung-notifies-nobody", sub(LIFT, "notify: [director]", "notify: []"), "E604", LIFT, 15),
    # Line ends and input-method slips
    DataCase("cr-only-bad-byte", data_file("cr-only-bad-byte.yml", CLERK), "E104", CLERK, 4),
    DataCase("cr-only-control-character", data_file("cr-only-control-character.yml", CLERK), "E101", CLERK, 4),
    DataCase("ideographic-space-indent", data_file("ideographic-space-indent.yml", CLERK), "E111", CLERK, 10),
    DataCase("no-break-space-indent", data_file("no-break-space-indent.yml", CLERK), "E111", CLERK, 10),
    DataCase("fullwidth-colon", data_file("fullwidth-colon.yml", CLERK), "E112", CLERK, 3),
    DataCase("fullwidth-dash", data_file("fullwidth-dash.yml", CLERK), "E112", CLERK, 8),
    DataCase("fullwidth-comma-in-braces", data_file("fullwidth-comma-in-braces.yml", CLERK), "E112", CLERK, 5),
    DataCase("fullwidth-letters-key", data_file("fullwidth-letters-key.yml", CLERK), "E112", CLERK, 3),
    DataCase(
        "fullwidth-comma-in-list", sub(LIFT, "notify: [director]", "notify: [director，supervisor]"), "E112", LIFT, 15
    ),
]
