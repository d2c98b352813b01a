"""Helpers for tests that need a handbook root: a copy of the mini fixture to break."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.findings import Finding
from generator.pipeline import load_and_check

MINI = Path(__file__).parent / "fixtures" / "mini"
REPO = Path(__file__).parent.parent


def mini_copy(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/mini, a small valid handbook."""
    root = tmp_path / "root"
    shutil.copytree(MINI, root)
    return root


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def replace(root: Path, rel: str, old: str, new: str) -> None:
    """Replace one occurrence of `old`; fail loudly if the fixture changed under the test."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def findings(root: Path) -> list[Finding]:
    return load_and_check(root)[1]


def codes(root: Path) -> set[str]:
    return {f.code for f in findings(root)}
