"""Every check code: a small broken copy of the mini fixture fails with that code, at the right place.

The last test makes sure that every code in the catalogue is exercised here, so that a code
added to generator/findings.py without a test fails the suite.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from generator.cli import main
from generator.findings import CODES, Finding

from support import findings, mini_copy, replace, write

CLERK = "roles/cs/clerk.yml"
SUPERVISOR = "roles/cs/supervisor.yml"
DIRECTOR = "roles/office/director.yml"
LIFT = "procedures/lift.yml"
META = "handbook.yml"
CONTACTS = "org/contacts.yml"


@dataclass
class Case:
    code: str
    file: str
    needle: str | None  # the finding is on the line holding this text (None: line 1)
    breaks: Callable[[Path], object]  # what it returns is not used


def _role(id_: str = "clerk", extra: str = "") -> str:
    return (
        f"id: {id_}\n"
        "title: {zh: 前台调度员, en: Front Desk Dispatcher}\n"
        "department: cs\n"
        "reports_to: supervisor\n"
        "purpose: {zh: 调度, en: Dispatches.}\n"
        "document: {version: '1.0', effective: 2026-01-01, owner: director, reviewed: 2026-06-01}\n"
        "duties:\n"
        "  - id: answer\n"
        "    text: {zh: 接听电话, en: Answers the phone.}\n" + extra
    )


CASES = [
    Case("E100", "org/glossary.yml", None, lambda r: (r / "org/glossary.yml").unlink()),
    Case("E101", CLERK, "[unclosed", lambda r: write(r, CLERK, _role() + "notes: [unclosed\n")),
    Case(
        "E102",
        CLERK,
        "purpose: {zh: 另一个",
        lambda r: write(r, CLERK, _role() + "purpose: {zh: 另一个, en: Another.}\n"),
    ),
    Case("E103", CLERK, "\ttext", lambda r: write(r, CLERK, _role().replace("    text:", "\ttext:"))),
    Case(
        "E104", CLERK, "purpose", lambda r: (r / CLERK).write_bytes(_role().replace("前台调度员", "前台").encode("gbk"))
    ),
    Case("E105", CLERK, None, lambda r: write(r, CLERK, "- id: clerk\n")),
    Case("E106", CLERK, "e: &e", lambda r: write(r, CLERK, _bomb())),
    Case("E107", CLERK, None, lambda r: write(r, CLERK, _role() + "#" + "x" * (1024 * 1024) + "\n")),
    Case("E108", CLERK, "zh: no", lambda r: replace(r, CLERK, "zh: 前台调度员", "zh: no")),
    Case("W109", CLERK, None, lambda r: (r / CLERK).write_bytes(b"\xef\xbb\xbf" + _role().encode())),
    Case("E110", CLERK, "<<", lambda r: write(r, CLERK, _role() + "notes:\n  - &t {zh: 注, en: Note.}\n  - <<: *t\n")),
    Case("E201", CLERK, "titel", lambda r: replace(r, CLERK, "title:", "titel:")),
    Case(
        "E202",
        CLERK,
        "id: clerk",
        lambda r: write(r, CLERK, _role().replace("purpose: {zh: 调度, en: Dispatches.}\n", "")),
    ),
    Case("E203", CLERK, "duties: answer", lambda r: write(r, CLERK, _role().split("duties:")[0] + "duties: answer\n")),
    Case("E204", CLERK, "dayly", lambda r: replace(r, CLERK, "frequency: daily", "frequency: dayly")),
    Case("E205", CLERK, "Answers", lambda r: replace(r, CLERK, "en: Answers the phone.", "en: Answers " + "x" * 5000)),
    Case("E301", CLERK, "Clerk X", lambda r: replace(r, CLERK, "id: answer", "id: Clerk X")),
    Case(
        "E302",
        CLERK,
        "id: answer",
        lambda r: write(r, CLERK, _role() + "  - id: answer\n    text: {zh: 再次, en: Again.}\n"),
    ),
    Case("E303", "roles/cs/desk.yml", "id: clerk", lambda r: shutil.move(r / CLERK, r / "roles/cs/desk.yml")),
    Case("E401", CLERK, "supervisr", lambda r: replace(r, CLERK, "reports_to: supervisor", "reports_to: supervisr")),
    Case("E402", CLERK, "department: cx", lambda r: replace(r, CLERK, "department: cs", "department: cx")),
    Case("E403", SUPERVISOR, "dispach", lambda r: replace(r, SUPERVISOR, "kind: dispatch", "kind: dispach")),
    Case(
        "E404",
        CLERK,
        "section: nope",
        lambda r: replace(r, CLERK, "frequency: daily", "frequency: daily\n    section: nope"),
    ),
    Case("E501", DIRECTOR, "top: false", lambda r: replace(r, DIRECTOR, "top: true", "top: false")),
    Case("E502", DIRECTOR, "reports_to: clerk", lambda r: replace(r, DIRECTOR, "top: true", "reports_to: clerk")),
    Case(
        "E503",
        DIRECTOR,
        "reports_to: supervisor",
        lambda r: replace(r, DIRECTOR, "top: true", "top: true\nreports_to: supervisor"),
    ),
    Case("E504", CLERK, "reports_to: supervisor", lambda r: replace(r, SUPERVISOR, "reports_to: director\n", "")),
    Case(
        "E601",
        CLERK,
        "escalate_to: [director, supervisor]",
        lambda r: replace(r, CLERK, "escalate_to: supervisor", "escalate_to: [director, supervisor]"),
    ),
    Case(
        "E602",
        CLERK,
        "escalate_to: clerk",
        lambda r: replace(r, CLERK, "escalate_to: supervisor", "escalate_to: clerk"),
    ),
    Case("E603", CLERK, "escalate_to: supervisor", lambda r: replace(r, SUPERVISOR, "reports_to: director\n", "")),
    Case("E701", CLERK, "duties: []", lambda r: write(r, CLERK, _role().split("duties:")[0] + "duties: []\n")),
    Case("E702", LIFT, "steps: []", lambda r: _empty_list(r, "steps", "escalation:")),
    Case("E703", LIFT, "escalation: []", lambda r: _empty_list(r, "escalation", "contacts:")),
    Case("E704", CLERK, "FILL IN", lambda r: replace(r, CLERK, "en: Answers the phone.", "en: FILL IN the duty")),
    Case(
        "E710",
        LIFT,
        "call: [lift-co]",
        lambda r: replace(r, LIFT, "    within_minutes: 1\n", "    within_minutes: 1\n    call: [lift-co]\n"),
    ),
    Case("E711", CONTACTS, "id: lift-co", lambda r: _contact_book(r, numbers="")),
    Case("E712", LIFT, 'number: "待定"', lambda r: replace(r, LIFT, 'number: "96333"', 'number: "待定"')),
    Case("W710", META, None, lambda r: replace(r, META, "base_url: https://hb.example.org/\n", "")),
    Case(
        "W711",
        LIFT,
        "after_minutes: 30",
        lambda r: replace(r, LIFT, "    within_minutes: 1\n", "    within_minutes: 40\n    notify: [director]\n"),
    ),
    Case(
        "W712",
        LIFT,
        "within_minutes: 45",
        lambda r: replace(r, LIFT, "    within_minutes: 1\n", "    within_minutes: 45\n"),
    ),
    Case(
        "W713",
        LIFT,
        "owner: clerk",
        lambda r: replace(r, CLERK, "reports_to: supervisor\n", "reports_to: supervisor\nteam: true\n"),
    ),
    Case("E801", CLERK, "title", lambda r: replace(r, CLERK, "en: Front Desk Dispatcher", "en: ''")),
    Case("E802", CLERK, "title", lambda r: replace(r, CLERK, "zh: 前台调度员", "zh: Dispatcher")),
    Case("E803", CLERK, "title", lambda r: replace(r, CLERK, "en: Front Desk Dispatcher", "en: Front Desk 调度员")),
    Case("E804", CLERK, "TO TRANSLATE", lambda r: replace(r, CLERK, "en: Answers the phone.", "en: TO TRANSLATE")),
    Case("W810", SUPERVISOR, "Visits residents", lambda r: replace(r, SUPERVISOR, "Visits owners", "Visits residents")),
    Case("W901", CLERK, "reviewed", lambda r: replace(r, CLERK, "reviewed: 2026-06-01", "reviewed: 2020-06-01")),
    # mkdocs.yml and docs/ (issue 11)
    Case("E950", "mkdocs.yml", "sitename", lambda r: write(r, "mkdocs.yml", "site_name: X\nsitename: Y\n")),
    Case("E951", "mkdocs.yml", "INHERIT", lambda r: write(r, "mkdocs.yml", "site_name: X\nINHERIT: /etc/passwd\n")),
    Case("E952", "mkdocs.yml", "evil", lambda r: write(r, "mkdocs.yml", "plugins:\n  - search\n  - evil\n")),
    Case("E953", "mkdocs.yml", "x.py", lambda r: write(r, "mkdocs.yml", "hooks:\n  - x.py\n")),
    Case(
        "E954",
        "mkdocs.yml",
        "snippets",
        lambda r: write(r, "mkdocs.yml", "markdown_extensions:\n  - toc\n  - pymdownx.snippets\n"),
    ),
    Case(
        "E955", "mkdocs.yml", "cdn", lambda r: write(r, "mkdocs.yml", "extra_css:\n  - https://cdn.example.com/x.css\n")
    ),
    Case("E960", "docs/en/passwd.md", None, lambda r: _link(r, "docs/en/passwd.md", "/etc/passwd")),
    Case("W961", "docs/en/page.html", None, lambda r: write(r, "docs/en/page.html", "<script>alert(1)</script>\n")),
    Case(
        "E962",
        "docs/en/gbk.md",
        "\ufffd",
        lambda r: _bytes(r, "docs/en/gbk.md", b"# Title\n\n" + "调度员".encode("gbk") + b"\n"),
    ),
    Case("E963", "docs/en/roles/clerk.md", None, lambda r: write(r, "docs/en/roles/clerk.md", "# Mine\n")),
    Case(
        "E964",
        "docs/en/guide.md",
        "nope.md",
        lambda r: write(r, "docs/en/guide.md", "# Guide\n\nSee [the roles](roles/index.md) and [this](nope.md).\n"),
    ),
    Case(
        "E965",
        "docs/en/m.md",
        "cycler",
        lambda r: write(r, "docs/en/m.md", "---\nrender_macros: true\n---\n# M\n\n{{ cycler.__init__.__globals__ }}\n"),
    ),
    Case(
        "E967",
        "docs/en/fm.md",
        "!!python",
        lambda r: write(r, "docs/en/fm.md", "---\ntitle: !!python/name:os.system\n---\n# Page\n"),
    ),
    Case("E966", "docs/en/big.md", None, lambda r: write(r, "docs/en/big.md", "# Big\n" + "x" * (1024 * 1024) + "\n")),
    # issue 11: the data files, attacked
    Case(
        "E111",
        CLERK,
        "frequency: daily",
        lambda r: replace(r, CLERK, "    frequency: daily", "\u3000\u3000\u3000\u3000frequency: daily"),
    ),
    Case("E112", CLERK, "department", lambda r: replace(r, CLERK, "department: cs", "department\uff1acs")),
    Case("E113", "roles/cs", None, lambda r: (r / "roles" / "cs").chmod(0)),
    Case("E114", "roles/elsewhere", None, lambda r: _outside_folder_link(r)),
    Case("E115", "roles/cs/again", None, lambda r: (r / "roles" / "cs" / "again").symlink_to("..")),
    Case("E206", LIFT, "within_minutes: 010", lambda r: replace(r, LIFT, "within_minutes: 1", "within_minutes: 010")),
    Case("E207", DIRECTOR, "top: yes", lambda r: replace(r, DIRECTOR, "top: true", "top: yes")),
    Case("E208", CLERK, "effective: 0", lambda r: replace(r, CLERK, "effective: 2026-01-01", "effective: 0")),
    Case("E209", CLERK, "reviewed: 9999", lambda r: replace(r, CLERK, "reviewed: 2026-06-01", "reviewed: 9999-06-01")),
    Case(
        "E304",
        "roles/office/clerk.yml",
        "department: cs",
        lambda r: shutil.move(r / CLERK, r / "roles/office/clerk.yml"),
    ),
    Case("E305", "roles/clerk.yml", "department: cs", lambda r: shutil.move(r / CLERK, r / "roles/clerk.yml")),
    Case("E505", CLERK, "top: true", lambda r: replace(r, CLERK, "reports_to: supervisor", "top: true")),
    Case("E604", LIFT, "notify: []", lambda r: replace(r, LIFT, "notify: [director]", "notify: []")),
]


def _contact_book(root: Path, numbers: str) -> None:
    """A contact book whose lift company the mini lift procedure calls."""
    write(
        root,
        CONTACTS,
        "contacts:\n  - id: lift-co\n    name: {zh: 电梯维保单位, en: Lift company}\n"
        f"    purpose: {{zh: 电梯困人, en: People trapped in a lift.}}\n{numbers}",
    )
    replace(root, LIFT, "    within_minutes: 1\n", "    within_minutes: 1\n    call: [lift-co]\n")


def _link(root: Path, rel: str, target: str) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).symlink_to(target)


def _bytes(root: Path, rel: str, data: bytes) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_bytes(data)


def _outside_folder_link(root: Path) -> None:
    """roles/elsewhere → a folder beside the root holding a valid role file."""
    outside = root.parent / "outside"
    outside.mkdir()
    (outside / "ghost.yml").write_text(_role("ghost"), encoding="utf-8")
    (root / "roles" / "elsewhere").symlink_to(outside)


def _findings_without_privileges(root: Path) -> list[Finding]:
    """`handbook check` as a user who cannot read what is not readable.

    As root (CI) permissions do not stop reading, so the check runs with the two
    capabilities that bypass them dropped (util-linux setpriv).
    """
    command = [sys.executable, "-m", "generator", "check", "--root", str(root), "--format", "json"]
    if os.geteuid() == 0:
        caps = "-dac_override,-dac_read_search"
        command = ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", *command]
    run = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=Path(__file__).parent.parent)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    return [Finding(f["file"], f["line"], f["col"], f["code"], f["message"]) for f in json.loads(run.stdout)]


def _bomb() -> str:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefg", "bcdefgh", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
    return _role() + "\n".join(lines) + "\n"


def _empty_list(root: Path, key: str, next_key: str) -> None:
    text = (root / LIFT).read_text(encoding="utf-8")
    head, rest = text.split(f"{key}:\n", 1)
    write(root, LIFT, head + f"{key}: []\n" + next_key + rest.split(next_key, 1)[1])


def _line_of(root: Path, rel: str, needle: str | None) -> int:
    if needle is None:
        return 1
    raw = (root / rel).read_bytes().decode("utf-8", errors="replace")
    numbers = [n for n, line in enumerate(raw.splitlines(), start=1) if needle in line]
    assert numbers, f"{needle!r} not in {rel}"
    return numbers[-1]  # the later of two duplicates is the one reported


@pytest.mark.parametrize("case", CASES, ids=[c.code for c in CASES])
def test_each_code_is_reported_at_its_place(tmp_path: Path, case: Case) -> None:
    root = mini_copy(tmp_path)
    case.breaks(root)
    found = _findings_without_privileges(root) if case.code == "E113" else findings(root)
    matching = [f for f in found if f.code == case.code]
    assert matching, f"expected {case.code}, got {[f.text() for f in found]}"
    expected_line = _line_of(root, case.file, case.needle)
    assert any(f.file == case.file and f.line == expected_line for f in matching), [f.text() for f in matching]


def test_every_code_in_the_catalogue_has_a_case() -> None:
    assert {c.code for c in CASES} == set(CODES)


def test_bundled_mini_fixture_is_clean(tmp_path: Path) -> None:
    assert findings(mini_copy(tmp_path)) == []


@pytest.mark.parametrize(
    "edit, hint",
    [
        (("reports_to: supervisor", "reports_to: supervisr"), "did you mean 'supervisor'"),
        (("title:", "titel:"), "did you mean 'title'"),
        (("frequency: daily", "frequency: dayly"), "did you mean 'daily'"),
        (("department: cs", "department: cx"), "did you mean 'cs'"),
    ],
)
def test_did_you_mean_for_near_misses(tmp_path: Path, edit: tuple[str, str], hint: str) -> None:
    root = mini_copy(tmp_path)
    replace(root, CLERK, *edit)
    assert hint in " ".join(f.message for f in findings(root))


@pytest.mark.parametrize(
    "edit",
    [
        ("reports_to: supervisor", "reports_to: nobody"),  # a reports_to naming a missing role
        ("escalate_to: supervisor", "escalate_to: nobody"),  # an escalate_to naming a missing role
        ("zh: 前台调度员", "zh: no"),  # zh: no
        ("en: Front Desk Dispatcher}", "zh2: x}"),  # a text without its en (and an unknown key)
        ("purpose: {zh: 调度, en: Dispatches.}", "purpose: {zh: 调度, en: Dispatches.}\nid: again"),  # a key twice
    ],
)
def test_cli_exits_1_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: tuple[str, str]
) -> None:
    root = mini_copy(tmp_path)
    replace(root, CLERK, *edit)
    assert main(["check", "--root", str(root)]) == 1
    out = capsys.readouterr()
    assert f"{CLERK}:" in out.out
    assert "Traceback" not in out.out + out.err


def test_cli_exits_1_on_reporting_cycle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = mini_copy(tmp_path)
    replace(root, DIRECTOR, "top: true", "reports_to: clerk")
    assert main(["check", "--root", str(root)]) == 1
    assert "reporting lines go round in a circle" in capsys.readouterr().out


def test_cli_exit_0_and_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    root = mini_copy(tmp_path)
    assert main(["check", "--root", str(root)]) == 0
    replace(root, CLERK, "reports_to: supervisor", "reports_to: nobody")
    capsys.readouterr()
    assert main(["check", "--root", str(root), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report[0]["code"] == "E401" and report[0]["file"] == CLERK and report[0]["severity"] == "error"


def test_check_piped_into_head_keeps_its_verdict(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = mini_copy(tmp_path)
    for i in range(300):
        write(root, f"roles/cs/bad{i}.yml", f"id: X{i}\n")
    run = subprocess.run(
        f"'{sys.executable}' -m generator check --root '{root}' | head -1; exit ${{PIPESTATUS[0]}}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
