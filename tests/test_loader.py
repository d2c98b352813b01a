"""The strict YAML reader: positions of values, and the YAML surprises it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from generator.yaml_reader import read_yaml


def _read(tmp_path: Path, text: str | bytes):
    path = tmp_path / "x.yml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return read_yaml(path, "x.yml")


def test_positions_of_nested_values_are_kept(tmp_path: Path) -> None:
    read = _read(tmp_path, "a:\n  - b: 1\n    c:\n      zh: 文本\n")
    assert read.findings == []
    assert read.source.where(("a", 0, "c", "zh")).line == 4
    assert read.source.where(("a", 0, "c", "zh")).col == 11
    assert read.source.where(("a", 0, "b"), key=True).col == 5
    # A path that was never written falls back to its nearest written parent.
    assert read.source.where(("a", 0, "missing")).line == 2


@pytest.mark.parametrize(
    "raw, typed",
    [("no", False), ("on", True), ("yes", True), ("12:30", 750), ("119", 119), ("2026-01-01", None), ("~", None)],
)
def test_yaml_11_scalars_are_typed_and_remembered(tmp_path: Path, raw: str, typed: object) -> None:
    read = _read(tmp_path, f"v: {raw}\nq: '{raw}'\n")
    assert read.data is not None
    if typed is not None:
        assert read.data["v"] == typed
    assert read.typed_scalars[("v",)] == raw  # the finding can quote what was typed
    assert read.data["q"] == raw  # quoted stays text


@pytest.mark.parametrize(
    "text, code",
    [
        ("a: 1\n---\nb: 2\n", "E105"),
        ("", "E105"),
        ("just text\n", "E105"),
        ("a: !!python/object:os.system x\n", "E110"),
        ("? [a, b]\n: c\n", "E110"),
        ("a: &a [*a]\n", "E106"),
        ("a: 'unterminated\n", "E101"),
    ],
)
def test_refusals(tmp_path: Path, text: str, code: str) -> None:
    read = _read(tmp_path, text)
    assert read.data is None
    assert [f.code for f in read.findings] == [code]


def test_duplicate_key_keeps_the_first_and_reports_the_second(tmp_path: Path) -> None:
    read = _read(tmp_path, "a: 1\nb: 2\na: 3\n")
    assert read.data == {"a": 1, "b": 2}
    (finding,) = read.findings
    assert (finding.code, finding.line, finding.col) == ("E102", 3, 1)
    assert "line 1" in finding.message
