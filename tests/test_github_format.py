"""`handbook check --format github` speaks the workflow-command language of GitHub Actions.

Each finding becomes `::error file=F,line=L,col=C,title=CODE::message` (or `::warning`),
which GitHub shows as an annotation on the changed line of the pull request.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from generator.cli import main
from generator.findings import Finding, render
from generator.positions import Location

MINI = Path(__file__).parent / "fixtures" / "mini"
ANNOTATION = re.compile(r"^::(error|warning) file=([^,:]+),line=(\d+),col=(\d+)(?:,title=([A-Z]\d{3}))?::(.+)$")


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    clerk = root / "roles/cs/clerk.yml"
    clerk.write_text(
        clerk.read_text(encoding="utf-8").replace("reports_to: supervisor", "reports_to: supervisr"), encoding="utf-8"
    )
    director = root / "roles/office/director.yml"
    director.write_text(
        director.read_text(encoding="utf-8").replace("reviewed: 2026-06-01", "reviewed: 2001-01-01"), encoding="utf-8"
    )
    return root


def test_every_line_is_an_annotation_with_file_line_and_column(broken, capsys):
    assert main(["check", "--root", str(broken), "--format", "github"]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines
    parsed = [ANNOTATION.match(line) for line in lines]
    assert all(parsed), [line for line, m in zip(lines, parsed, strict=True) if not m]
    by_code = {m.group(5): m for m in parsed if m is not None}
    e401 = by_code["E401"]
    assert e401.group(1) == "error"
    assert (e401.group(2), e401.group(3), e401.group(4)) == ("roles/cs/clerk.yml", "4", "13")
    assert "did you mean 'supervisor'" in e401.group(6)
    w901 = by_code["W901"]
    assert w901.group(1) == "warning" and w901.group(2) == "roles/office/director.yml"


def test_file_paths_are_relative_to_the_root_so_that_github_can_place_them(broken, capsys):
    main(["check", "--root", str(broken), "--format", "github"])
    out = capsys.readouterr().out
    assert str(broken) not in out.split("::")[1]  # the file= property is root-relative


def test_valid_data_prints_no_annotation(tmp_path, capsys):
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    assert main(["check", "--root", str(root), "--format", "github"]) == 0
    assert capsys.readouterr().out.strip() == ""


def test_newlines_and_percent_in_a_message_are_escaped():
    finding = Finding.at(Location("roles/a.yml", 3, 5), "E204", "50% done\nsecond line")
    line = render([finding], "github")
    assert "\n" not in line
    assert line.endswith("::50%25 done%0Asecond line")
