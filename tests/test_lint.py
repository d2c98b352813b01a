"""Lint, format and types run wherever the tests run: scripts/test.sh (so .ci/run and both CI
templates) and pre-commit, and scripts/lint.sh fails on each kind of problem (issue 16)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def test_test_script_lints_before_the_tests():
    lines = (REPO / "scripts/test.sh").read_text(encoding="utf-8").splitlines()
    lint = next(i for i, line in enumerate(lines) if "scripts/lint.sh" in line and not line.startswith("#"))
    pytest_run = next(i for i, line in enumerate(lines) if "-m pytest" in line)
    assert lint < pytest_run
    assert 'HANDBOOK_LINT:-1}" = 0 ]' in lines[lint]  # on unless HANDBOOK_LINT=0


def test_ci_and_both_templates_run_the_test_script_with_lint_on():
    assert "exec bash scripts/test.sh" in (REPO / ".ci/run").read_text(encoding="utf-8")
    workflow = yaml.safe_load((REPO / ".github/workflows/handbook.yml").read_text(encoding="utf-8"))
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    gitlab = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert any(s.get("run") == "bash scripts/test.sh" for s in steps)
    assert "bash scripts/test.sh" in gitlab["check-and-test"]["script"]
    for where, env in [
        (".ci/run", (REPO / ".ci/run").read_text(encoding="utf-8")),
        ("workflow", str([workflow.get("env"), *(s.get("env") for s in steps)])),
        ("gitlab", str([gitlab.get("variables"), gitlab["check-and-test"].get("variables")])),
    ]:
        assert "HANDBOOK_LINT" not in env, f"{where} switches the lint step off"


def test_lint_script_runs_the_three_tools_from_the_venv():
    script = (REPO / "scripts/lint.sh").read_text(encoding="utf-8")
    for command in ('"$VENV/bin/ruff" format --check .', '"$VENV/bin/ruff" check .', '"$VENV/bin/mypy"'):
        assert command in script


def test_pre_commit_runs_ruff_format_ruff_check_and_mypy_from_the_venv():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert hooks["ruff-format"]["entry"].startswith(".venv/bin/ruff format")
    assert hooks["ruff-check"]["entry"].startswith(".venv/bin/ruff check")
    assert hooks["mypy"]["entry"] == ".venv/bin/mypy" and hooks["mypy"]["pass_filenames"] is False
    for hook in ("ruff-format", "ruff-check", "mypy"):
        assert hooks[hook]["language"] == "system" and "python" in hooks[hook]["types_or"]


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HANDBOOK_VENV": sys.prefix}
    return subprocess.run(
        ["bash", str(root / "scripts/lint.sh")], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )


def test_lint_script_passes_a_clean_tree_and_names_every_problem(tmp_path):
    (tmp_path / "scripts").mkdir()
    for name in ("lint.sh", "common.sh"):
        shutil.copy(REPO / "scripts" / name, tmp_path / "scripts" / name)
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")  # the project's own rules
    for package in ("generator", "tests", "benchmarks"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text('"""A package."""\n', encoding="utf-8")
    clean = _lint(tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    (tmp_path / "generator" / "__init__.py").write_text("x=1\n", encoding="utf-8")  # not formatted
    (tmp_path / "tests" / "__init__.py").write_text("import os\n", encoding="utf-8")  # F401 unused import
    (tmp_path / "benchmarks" / "__init__.py").write_text('n: int = "one"\n', encoding="utf-8")  # a type error
    dirty = _lint(tmp_path)
    assert dirty.returncode == 1
    assert "generator/__init__.py" in dirty.stdout and "F401" in dirty.stdout
    assert "benchmarks/__init__.py:1: error: Incompatible types in assignment" in dirty.stdout
    failed = [line for line in dirty.stderr.splitlines() if line.startswith("handbook: lint failed")]
    assert len(failed) == 3 and "ruff format ." in failed[0], dirty.stderr
