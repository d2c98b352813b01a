"""YAML → model → checks: the first half of every command, in one place."""

from __future__ import annotations

from pathlib import Path

from generator.checks import run_checks
from generator.findings import Finding
from generator.loading import load_handbook
from generator.model import Handbook


def load_and_check(root: Path) -> tuple[Handbook, list[Finding]]:
    """The handbook under `root` and every finding about it, sorted."""
    book, findings = load_handbook(root)
    return book, sorted(set(findings + run_checks(book)))
