"""Property-based tests of the organisation rules on random reporting and escalation graphs.

Organisations are built in memory (no files), so hypothesis can try hundreds of them:
valid trees always pass; a cycle, a dangling reference or a self-escalation is always found.
"""

from __future__ import annotations

from typing import Any

from generator.checks import run_checks
from generator.escalation import escalation_path
from generator.model import Handbook, Role
from generator.positions import SourceMap
from hypothesis import given, settings
from hypothesis import strategies as st

DOC = {"version": "1.0", "effective": "2026-01-01", "owner": "r0", "reviewed": "2026-06-01"}


def _role(i: int, reports_to: int | None, escalate: list[int] | None = None) -> Role:
    duty: dict = {"id": "d", "text": {"zh": "职责", "en": "A duty."}}
    if escalate:
        duty["escalate_to"] = [f"r{j}" for j in escalate]
    data: dict[str, Any] = {
        "id": f"r{i}",
        "title": {"zh": f"岗位{i}", "en": f"Post {i}"},
        "department": "dept",
        "purpose": {"zh": "目的", "en": "Purpose."},
        "document": DOC,
        "duties": [duty],
    }
    if reports_to is None:
        data["top"] = True
    else:
        data["reports_to"] = f"r{reports_to}"
    role = Role.model_validate(data, strict=False)
    role._source = SourceMap(f"roles/dept/r{i}.yml")
    return role


def _book(roles: list[Role]) -> Handbook:
    return Handbook(root="<memory>", roles={r.id: r for r in roles})


@st.composite
def trees(draw: st.DrawFn) -> list[int | None]:
    """parents[i] < i: every role reports to an earlier one, r0 is the top."""
    n = draw(st.integers(min_value=1, max_value=25))
    return [None] + [draw(st.integers(min_value=0, max_value=i - 1)) for i in range(1, n)]


def _ancestors(parents: list[int | None], i: int) -> list[int]:
    out = []
    while parents[i] is not None:
        i = parents[i]  # type: ignore[assignment]
        out.append(i)
    return out


@settings(max_examples=150, deadline=None)
@given(trees(), st.data())
def test_valid_trees_with_upward_escalation_pass(parents: list[int | None], data: st.DataObject) -> None:
    roles = []
    for i, parent in enumerate(parents):
        above = _ancestors(parents, i)
        # An explicit path that climbs the reporting line (a sub-sequence of it, in order) is valid.
        picked = sorted(data.draw(st.sets(st.sampled_from(above), max_size=3)) if above else [], key=above.index)
        roles.append(_role(i, parent, picked))
    book = _book(roles)
    assert [f.text() for f in run_checks(book) if f.severity == "error"] == []
    for role in roles:
        path = escalation_path(book, role.id, role.duties[0].escalate_to)
        assert path.reaches_top and path.revisits is None


@settings(max_examples=150, deadline=None)
@given(trees(), st.data())
def test_a_cycle_is_always_found(parents: list[int | None], data: st.DataObject) -> None:
    if len(parents) < 2:
        parents = [None, 0]
    # Make a non-top role report to itself or to one of its descendants: a cycle.
    i = data.draw(st.integers(min_value=1, max_value=len(parents) - 1))
    below = [j for j in range(len(parents)) if j == i or i in _ancestors(parents, j)]
    parents = list(parents)
    parents[i] = data.draw(st.sampled_from(below))
    book = _book([_role(k, p) for k, p in enumerate(parents)])
    cycle_findings = [f for f in run_checks(book) if f.code == "E502"]
    assert cycle_findings
    assert any(f"r{i}" in f.message for f in cycle_findings)


@settings(max_examples=150, deadline=None)
@given(trees(), st.data())
def test_a_dangling_reference_is_always_found(parents: list[int | None], data: st.DataObject) -> None:
    roles = [_role(k, p) for k, p in enumerate(parents)]
    i = data.draw(st.integers(min_value=0, max_value=len(roles) - 1))
    ghost = f"ghost{data.draw(st.integers(min_value=0, max_value=99))}"
    if data.draw(st.booleans()) and not roles[i].top:
        roles[i].reports_to = ghost
    else:
        roles[i].duties[0].escalate_to = [ghost]
    found = [f for f in run_checks(_book(roles)) if f.code == "E401"]
    assert any(ghost in f.message for f in found)


@settings(max_examples=150, deadline=None)
@given(trees(), st.data())
def test_self_escalation_is_always_found(parents: list[int | None], data: st.DataObject) -> None:
    roles = [_role(k, p) for k, p in enumerate(parents)]
    i = data.draw(st.integers(min_value=0, max_value=len(roles) - 1))
    above = [f"r{j}" for j in _ancestors(parents, i)]
    path = data.draw(st.permutations(above)).copy() if above else []
    path.insert(data.draw(st.integers(min_value=0, max_value=len(path))), f"r{i}")
    roles[i].duties[0].escalate_to = path
    codes = {f.code for f in run_checks(_book(roles))}
    assert "E602" in codes
