"""YAML → model → checks: the first half of every command, in one place."""

from __future__ import annotations

from pathlib import Path

from generator.checks import run_checks
from generator.findings import Finding
from generator.loading import load_handbook
from generator.model import Handbook
from generator.site_inputs import check_site_inputs


def load_and_check(root: Path) -> tuple[Handbook, list[Finding]]:
    """The handbook under `root` and every finding about it (mkdocs.yml and docs/ too), sorted."""
    book, findings = load_handbook(root)
    return book, sorted(set(findings + run_checks(book) + check_site_inputs(Path(root), book)))
