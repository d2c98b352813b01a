"""`handbook diff REV` on crafted histories in temporary git repositories."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from generator.cli import main
from generator.diff import diff_against

MINI = Path(__file__).parent / "fixtures" / "mini"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}

MANAGER = """\
id: manager
title: {zh: 客服经理, en: Customer Service Manager}
department: office
reports_to: director
purpose: {zh: 管理客服工作, en: Manages customer service.}
document: {version: "1.0", effective: 2026-01-01, owner: director, reviewed: 2026-06-01}
duties:
  - id: plan
    text: {zh: 制定工作计划, en: Makes the work plan.}
"""


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, env={**os.environ, **GIT_ENV}, check=True
    )
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The mini handbook, committed once as the base of every change."""
    root = tmp_path / "repo"
    shutil.copytree(MINI, root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def run(root: Path, rev: str = "HEAD") -> str:
    text, ok = diff_against(root, rev)
    assert ok, text
    assert "Traceback" not in text
    return text


def test_no_change(repo):
    assert "No change in meaning" in run(repo)


def test_reworded_duty_shows_old_and_new_text_per_language(repo):
    edit(
        repo / "roles/cs/supervisor.yml",
        "{zh: 定期拜访业主, en: Visits owners regularly.}",
        "{zh: 每月拜访业主, en: Visits owners every month.}",
    )
    out = run(repo)
    assert "客服主管 / Customer Service Supervisor (`supervisor`)" in out
    assert "duty `visit-owners` text reworded" in out
    assert "zh: “定期拜访业主” → “每月拜访业主”" in out
    assert "en: “Visits owners regularly.” → “Visits owners every month.”" in out
    assert "stale" not in out.lower()
    assert "1 duty reworded" in out


def test_stale_translation_is_flagged_both_ways(repo):
    edit(repo / "roles/cs/clerk.yml", "接听电话", "接听来电")
    edit(repo / "roles/cs/supervisor.yml", "Visits owners regularly.", "Visits owners every month.")
    out = run(repo)
    assert "### ⚠ Stale translations" in out
    assert (
        "前台调度员 / Front Desk Dispatcher (`clerk`) — duty `answer` text: the Chinese changed, the English did not"
        in out
    )
    assert (
        "客服主管 / Customer Service Supervisor (`supervisor`) — duty `visit-owners` text: the English changed, the"
        " Chinese did not" in out
    )
    assert "en (unchanged): “Answers the phone.”" in out
    assert "⚠ 2 stale translations" in out


def test_moved_role_moves_reporting_lines_and_escalation_paths(repo):
    (repo / "roles/office/manager.yml").write_text(MANAGER, encoding="utf-8")
    edit(repo / "roles/cs/supervisor.yml", "reports_to: director", "reports_to: manager")
    out = run(repo)
    assert "#### Added: 客服经理 / Customer Service Manager (`manager`)" in out
    assert "reports_to: 管理处主任 (Management Office Director) → 客服经理 (Customer Service Manager)" in out
    reporting = out.split("### Reporting lines")[1].split("###")[0]
    # the supervisor moved, and the clerk below it moved with it
    assert (
        "| 客服主管 (Customer Service Supervisor) | 管理处主任 (Management Office Director) |"
        " 客服经理 (Customer Service Manager) → 管理处主任 (Management Office Director) |" in reporting
    )
    assert "| 前台调度员 (Front Desk Dispatcher) | 客服主管 (Customer Service Supervisor) → 管理处主任" in reporting
    paths = out.split("### Escalation paths")[1].split("###")[0]
    rows = [line for line in paths.splitlines() if line.startswith("| ") and "Owner" not in line]
    clerk_row = next(r for r in rows if r.startswith("| 前台调度员"))
    # the clerk's duty and its lift step escalate through the supervisor, so they move too
    assert "duty `answer`" in clerk_row and "step `calm`" in clerk_row
    assert clerk_row.endswith(
        "客服主管 (Customer Service Supervisor) → 客服经理 (Customer Service Manager)"
        " → 管理处主任 (Management Office Director) |"
    )
    supervisor_row = next(r for r in rows if r.startswith("| 客服主管"))
    assert "duty `visit-owners`" in supervisor_row and "authority `dispatch`" in supervisor_row
    # the director's own duty has no path change
    assert "`lead`" not in paths
    assert "2 reporting lines changed" in out and "4 escalation paths changed" in out


def test_explicit_escalation_change_is_reported(repo):
    edit(repo / "roles/cs/clerk.yml", "escalate_to: supervisor", "escalate_to: director")
    out = run(repo)
    assert (
        "duty `answer` escalate_to: 客服主管 (Customer Service Supervisor) → 管理处主任 (Management Office Director)"
        in out
    )
    paths = out.split("### Escalation paths")[1]
    assert (
        "| 前台调度员 (Front Desk Dispatcher) | duty `answer` | 客服主管 (Customer Service Supervisor)"
        " → 管理处主任 (Management Office Director) | 管理处主任 (Management Office Director) |" in paths
    )


def test_changed_matrix_cell(repo):
    edit(repo / "roles/cs/supervisor.yml", "level: decide", "level: approve")
    out = run(repo)
    assert "authority `dispatch` level: `decide` → `approve`" in out
    assert "| 客服主管 (Customer Service Supervisor) | 调度 (Dispatch) | decide | approve |" in out
    assert "1 permission-matrix cell changed" in out


def test_new_matrix_cell_and_removed_authority(repo):
    edit(
        repo / "roles/cs/supervisor.yml",
        "authorities:\n  - id: dispatch\n    kind: dispatch\n    level: decide\n    text:"
        " {zh: 对管理处各部门有调度权, en: May dispatch every department of the management office.}\n",
        "",
    )
    clerk = repo / "roles/cs/clerk.yml"
    clerk.write_text(
        clerk.read_text(encoding="utf-8") + "authorities:\n  - id: dispatch\n    kind: dispatch\n    level: execute\n",
        encoding="utf-8",
    )
    out = run(repo)
    assert "| 客服主管 (Customer Service Supervisor) | 调度 (Dispatch) | decide | — |" in out
    assert "| 前台调度员 (Front Desk Dispatcher) | 调度 (Dispatch) | — | execute |" in out
    assert "**removed authority** `dispatch`" in out and "**added authority** `dispatch`" in out


def test_renamed_role_id_is_a_rename_not_an_add_and_remove(repo):
    git(repo, "mv", "roles/cs/clerk.yml", "roles/cs/dispatcher.yml")
    edit(repo / "roles/cs/dispatcher.yml", "id: clerk", "id: dispatcher")
    edit(repo / "procedures/lift.yml", "owner: clerk", "owner: dispatcher")
    out = run(repo)
    assert "#### Renamed: `clerk` → `dispatcher` — 前台调度员 / Front Desk Dispatcher (`dispatcher`)" in out
    assert "roles/cs/clerk.yml → roles/cs/dispatcher.yml" in out
    assert "Added:" not in out and "Removed:" not in out
    # the same person, the same superiors: no reporting line or path changed, the step did not change owner
    assert "### Reporting lines" not in out and "### Escalation paths" not in out and "### Procedures" not in out
    assert "1 role renamed" in out


def test_renamed_role_with_new_title_is_matched_by_likeness(repo):
    git(repo, "mv", "roles/cs/clerk.yml", "roles/cs/dispatcher.yml")
    edit(repo / "roles/cs/dispatcher.yml", "id: clerk", "id: dispatcher")
    edit(
        repo / "roles/cs/dispatcher.yml", "{zh: 前台调度员, en: Front Desk Dispatcher}", "{zh: 调度员, en: Dispatcher}"
    )
    edit(repo / "procedures/lift.yml", "owner: clerk", "owner: dispatcher")
    out = run(repo)
    assert "#### Renamed: `clerk` → `dispatcher`" in out
    assert "title reworded" in out and "zh: “前台调度员” → “调度员”" in out


def test_renamed_duty_id_with_same_text(repo):
    edit(repo / "roles/cs/clerk.yml", "- id: answer", "- id: answer-calls")
    out = run(repo)
    assert "duty id changed: `answer` → `answer-calls` (same text)" in out
    assert "added duty" not in out and "removed duty" not in out


def test_added_and_removed_roles_and_duties(repo):
    (repo / "roles/office/manager.yml").write_text(MANAGER, encoding="utf-8")
    edit(
        repo / "roles/office/director.yml",
        "duties:\n",
        "duties:\n  - id: sign\n    text: {zh: 签发文件, en: Signs documents.}\n    frequency: monthly\n",
    )
    out = run(repo)
    assert "- duty `plan`: 制定工作计划 / Makes the work plan." in out
    assert "**added duty** `sign`: 签发文件 / Signs documents. (monthly; escalates to (no one: the top decides))" in out
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "manager")
    (repo / "roles/office/manager.yml").unlink()
    out = run(repo)
    assert "#### Removed: 客服经理 / Customer Service Manager (`manager`)" in out
    assert "duty `plan` no longer listed" in out


def test_duty_that_changes_owner(repo):
    edit(
        repo / "roles/cs/supervisor.yml",
        "duties:\n",
        "duties:\n  - id: answer\n    text: {zh: 接听电话, en: Answers the phone.}\n",
    )
    edit(
        repo / "roles/cs/clerk.yml",
        "duties:\n  - id: answer\n    text: {zh: 接听电话, en: Answers the phone.}\n    frequency: daily\n   "
        " escalate_to: supervisor\n",
        "duties:\n  - id: file\n    text: {zh: 整理档案, en: Files records.}\n",
    )
    out = run(repo)
    assert "### Duties that changed owner" in out
    assert (
        "- duty `answer` “接听电话” / “Answers the phone.”: 前台调度员 (Front Desk Dispatcher)"
        " → 客服主管 (Customer Service Supervisor)" in out
    )


def test_procedure_step_changes(repo):
    edit(repo / "procedures/lift.yml", "within_minutes: 1", "within_minutes: 3")
    edit(repo / "procedures/lift.yml", "after_minutes: 30", "after_minutes: 20")
    out = run(repo)
    assert "#### Changed: 电梯困人 / People trapped in a lift (`lift`)" in out
    assert "step `calm` within_minutes: `1` → `3`" in out
    assert "escalation rung `thirty` after_minutes: `30` → `20`" in out


def test_org_file_changes(repo):
    edit(repo / "org/departments.yml", "head: supervisor", "head: clerk")
    out = run(repo)
    assert "#### org/departments.yml" in out
    assert "department `cs` head: 客服主管 (Customer Service Supervisor) → 前台调度员 (Front Desk Dispatcher)" in out


def test_root_below_the_repository_top(tmp_path):
    top = tmp_path / "top"
    shutil.copytree(MINI, top / "handbook")
    (top / "README").write_text("x", encoding="utf-8")
    git(top, "init", "-q")
    git(top, "add", ".")
    git(top, "commit", "-q", "-m", "base")
    edit(top / "handbook/roles/cs/supervisor.yml", "level: decide", "level: propose")
    assert "| decide | propose |" in run(top / "handbook")


def test_yaml_from_data_is_inert_markdown(repo):
    edit(repo / "roles/cs/clerk.yml", "en: Answers the phone.", "en: '<script>alert(1)</script> | [x](javascript:y)'")
    out = run(repo)
    assert "<script>" not in out
    assert "\\<script\\>" in out and "\\[x\\](javascript" in out


def test_a_side_that_does_not_load_is_reported_with_findings(repo):
    (repo / "roles/cs/supervisor.yml").write_text("id: supervisor\nid: again\n", encoding="utf-8")
    text, ok = diff_against(repo, "HEAD")
    assert not ok
    assert "a side does not load" in text
    assert "roles/cs/supervisor.yml:2:1: error E102" in text
    assert "Traceback" not in text


def test_the_revision_that_does_not_load(repo):
    good = (repo / "roles/cs/supervisor.yml").read_text(encoding="utf-8")
    (repo / "roles/cs/supervisor.yml").write_text("id: [broken\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "broken")
    (repo / "roles/cs/supervisor.yml").write_text(good, encoding="utf-8")
    text, ok = diff_against(repo, "HEAD")
    assert not ok and "E101" in text and "`HEAD`" in text


def test_check_errors_in_the_working_tree_fail_the_diff_but_show_it(repo):
    edit(repo / "roles/cs/supervisor.yml", "reports_to: director", "reports_to: directr")
    text, ok = diff_against(repo, "HEAD")
    assert not ok
    assert "reports_to: 管理处主任 (Management Office Director) → `directr` (unknown role)" in text
    assert "`handbook check` finds" in text and "E401" in text and "did you mean 'director'" in text


@pytest.mark.parametrize("rev", ["no-such-branch", "--output=/tmp/x", "HEAD~5"])
def test_unknown_revision(repo, rev):
    text, ok = diff_against(repo, rev)
    assert not ok and "Cannot compare" in text and "Traceback" not in text


def test_a_revision_with_control_characters_reaches_the_terminal_as_escapes(repo):
    """The report is printed to a terminal: ESC of `x\\e[2J` would clear it (the header quoted it raw)."""
    text, ok = diff_against(repo, "x\x1b[2J\u202e")
    assert not ok and "Cannot compare" in text
    assert "\x1b" not in text and "\u202e" not in text, repr(text)
    assert "\\x1b" in text and "\\u202e" in text


def test_not_a_git_repository(tmp_path):
    shutil.copytree(MINI, tmp_path / "plain")
    text, ok = diff_against(tmp_path / "plain", "HEAD")
    assert not ok and "not inside a git repository" in text


def test_cli_exit_codes(repo, capsys):
    edit(repo / "roles/cs/supervisor.yml", "level: decide", "level: approve")
    assert main(["diff", "HEAD", "--root", str(repo)]) == 0
    assert "| decide | approve |" in capsys.readouterr().out
    assert main(["diff", "nope", "--root", str(repo)]) == 1
