"""The data files, attacked (issue 11): every case a finding at its file and line, nothing run.

Each case of `DATA_CASES` (tests/hostile/cases.py) breaks a copy of tests/fixtures/mini
beside a decoy folder and runs `handbook check` and `handbook build` as the command line
does.  Each must exit 1 naming the case's code, file and line; print no traceback, no
"internal error" and no raw control or bidi character; create no marker file (the
payloads try to); leave the decoy folder byte for byte and never quote its secret; and
leave the last good site as it was.  The key and file-name cases run the json and github
formats too.  The unreadable folder runs without the two capabilities that let root read
anything, so the case means the same in CI (root) as on a laptop.

The second half checks the linear algorithms against the plain ones they replaced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from generator import checks
from generator.escalation import Hierarchy, escalation_path, reporting_chain
from generator.findings import Finding, render
from generator.model import Handbook, Role, Term
from generator.positions import SourceMap
from hypothesis import given, settings
from hypothesis import strategies as st

from hostile.cases import DATA_CASES, SECRET, DataCase, decoy, marker
from hostile.mutate import MINI

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = 60
#: What must never reach a terminal or a CI log raw (tab and line feed aside).
RAW_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")
#: The last good site, with the marker that says `handbook` wrote it (an unmarked, non-empty
#: folder is refused as an output: E970).
PREVIOUS_SITE = {
    "index.html": "<p>the last good site</p>\n",
    "en/index.html": "<p>last good, English</p>\n",
    ".handbook-output": "This folder was written by `handbook`; the next build replaces it as a whole.\n",
}
WITH_FORMATS = ("key-", "file-name-", "number-octal")


@dataclass
class Run:
    code: int | None
    stdout: str
    stderr: str


def _handbook(args: list[str], unprivileged: bool) -> Run:
    command = [sys.executable, "-m", "generator", *args]
    if unprivileged and os.geteuid() == 0:
        caps = "-dac_override,-dac_read_search"
        command = ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", *command]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("HANDBOOK_DEBUG", None)
    try:
        done = subprocess.run(command, cwd=REPO, capture_output=True, timeout=TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return Run(None, "", "")
    # surrogateescape: a raw byte that is not UTF-8 stays visible to RAW_UNSAFE as a surrogate.
    return Run(
        done.returncode, done.stdout.decode("utf-8", "surrogateescape"), done.stderr.decode("utf-8", "surrogateescape")
    )


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def _make_decoy(folder: Path) -> None:
    """Files that must neither change nor be quoted: each would give a finding naming SECRET if read."""
    (folder / "nested").mkdir(parents=True)
    (folder / f"{SECRET}.yml").write_text(f"id: {SECRET}-Not-An-Id\n", encoding="utf-8")
    (folder / "nested" / "lift.yml").write_text(f"id: lift\ntitle: {SECRET}\n", encoding="utf-8")
    (folder / "notes.txt").write_text(f"{SECRET}\n", encoding="utf-8")


@dataclass
class CaseRuns:
    runs: dict[str, Run]
    marker_made: bool
    decoy_before: dict[str, str]
    decoy_after: dict[str, str]
    site_before: dict[str, str]
    site_after: dict[str, str]


def _run_case(case: DataCase, base: Path) -> CaseRuns:
    root = base / "root"
    shutil.copytree(MINI, root)
    _make_decoy(decoy(root))
    site = base / "site"
    for rel, text in PREVIOUS_SITE.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    decoy_before, site_before = _snapshot(decoy(root)), _snapshot(site)
    case.edit(root)
    formats = ["text", "json", "github"] if case.name.startswith(WITH_FORMATS) else ["text"]
    runs = {fmt: _handbook(["check", "--root", str(root), "--format", fmt], case.unprivileged) for fmt in formats}
    runs["build"] = _handbook(["build", "--root", str(root), "--site-dir", str(site)], case.unprivileged)
    for path in [root, *root.rglob("*")]:  # let the temporary folder be removed
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    return CaseRuns(runs, marker(root).exists(), decoy_before, _snapshot(decoy(root)), site_before, _snapshot(site))


@pytest.fixture(scope="module")
def case_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CaseRuns]:
    bases = {case.name: tmp_path_factory.mktemp(case.name) for case in DATA_CASES}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {case.name: pool.submit(_run_case, case, bases[case.name]) for case in DATA_CASES}
        return {name: future.result() for name, future in futures.items()}


def test_the_corpus_covers_every_bullet() -> None:
    names = [case.name for case in DATA_CASES]
    assert len(names) == len(set(names))
    for needed in (
        "number-octal",
        "number-sexagesimal",
        "number-hexadecimal",
        "number-underscore",
        "number-binary",
        "number-infinity",
        "number-not-a-number",
        "number-float",
        "number-boolean",
        "key-python-name-tag",
        "key-terminal-escapes",
        "key-bidi-override",
        "folder-unreadable",
        "folder-link-loop-up",
        "folder-link-out-of-root",
        "role-in-another-department",
        "role-directly-under-roles",
        "second-top",
        "rung-notifies-nobody",
        "date-review-in-9999",
        "date-effective-1900",
        "cr-only-bad-byte",
        "ideographic-space-indent",
        "fullwidth-colon",
        "fullwidth-dash",
    ):
        assert needed in names, needed


@pytest.mark.slow  # runs check, build and pdf on every case (subprocesses)
@pytest.mark.parametrize("case", DATA_CASES, ids=str)
def test_refused_at_its_file_and_line(case: DataCase, case_runs: dict[str, CaseRuns]) -> None:
    runs = case_runs[case.name]
    finding = re.compile(rf"^{re.escape(case.file)}:{case.line}:\d+: error {case.code}: \S", re.MULTILINE)
    for name, run in runs.runs.items():
        assert run.code is not None, f"{name} took more than {TIMEOUT} s"
        assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr[-3000:]
        assert run.code == 1, f"{name} exited {run.code}: {run.stdout[-2000:]}{run.stderr[-2000:]}"
    assert finding.search(runs.runs["text"].stdout), (
        f"expected {case.file}:{case.line}: error {case.code}, got:\n{runs.runs['text'].stdout[-3000:]}"
    )
    assert finding.search(runs.runs["build"].stderr), runs.runs["build"].stderr[-3000:]
    if "json" in runs.runs:
        report = json.loads(runs.runs["json"].stdout)
        assert any((f["file"], f["line"], f["code"]) == (case.file, case.line, case.code) for f in report), report
        prop = case.file.replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
        assert f"::error file={prop},line={case.line}," in runs.runs["github"].stdout, runs.runs["github"].stdout


@pytest.mark.slow  # runs check, build and pdf on every case (subprocesses)
@pytest.mark.parametrize("case", DATA_CASES, ids=str)
def test_nothing_raw_run_or_touched(case: DataCase, case_runs: dict[str, CaseRuns]) -> None:
    runs = case_runs[case.name]
    for name, run in runs.runs.items():
        for stream in (run.stdout, run.stderr):
            raw = RAW_UNSAFE.search(stream)
            assert raw is None, (
                f"{name} printed U+{ord(raw.group()):04X} raw: {stream[max(0, raw.start() - 80) : raw.end() + 80]!r}"
            )
            assert SECRET not in stream, f"{name} quoted a file outside the root"
    assert not runs.marker_made, "a payload in the data was executed"
    assert runs.decoy_after == runs.decoy_before, "a file outside the root was changed or deleted"
    assert runs.site_after == runs.site_before, "a refused build changed the previous site"


# --- rendering ------------------------------------------------------------------------------


def test_every_format_shows_control_and_bidi_characters_as_escapes() -> None:
    nasty = "x\x1b]0;pwned\x07\x1b[2J\u202e\x9b\r\n\udcff"
    finding = Finding(f"roles/{nasty}.yml", 3, 1, "E201", f"unknown key '{nasty}'")
    for fmt in ("text", "json", "github"):
        out = render([finding], fmt)
        assert RAW_UNSAFE.search(out) is None and "\r" not in out, (fmt, out)
        if fmt == "json":  # the escapes, once JSON's own escaping is undone
            out = json.dumps(json.loads(out), ensure_ascii=False).replace("\\\\", "\\")
        assert "\\x1b]0;pwned\\x07" in out and "\\u202e" in out and "\\x9b" in out and "\\xff" in out, (fmt, out)
    assert len(render([finding], "text").splitlines()) == 2, "a line break in a key or file name started a new line"


# --- linear cost, same answers ------------------------------------------------------------------

DOC = {"version": "1.0", "effective": "2026-01-01", "owner": "r0", "reviewed": "2026-06-01"}


def _role(i: int, reports_to: str | None, top: bool, escalate: list[str]) -> Role:
    duty: dict = {"id": "d", "text": {"zh": "职责", "en": "A duty."}, "escalate_to": escalate}
    data = {
        "id": f"r{i}",
        "title": {"zh": f"岗位{i}", "en": f"Post {i}"},
        "department": "dept",
        "purpose": {"zh": "目的", "en": "Purpose."},
        "document": DOC,
        "duties": [duty],
        "top": top,
    }
    if reports_to is not None:
        data["reports_to"] = reports_to
    role = Role.model_validate(data, strict=False)
    role._source = SourceMap(f"roles/dept/r{i}.yml")
    return role


def _old_verdict(book: Handbook, owner: str, explicit: list[str]) -> str | None:
    """The rule as it was, on `escalation_path` (one walk per path): the reference."""
    if not explicit or any(ref not in book.roles for ref in explicit):
        return None
    path = escalation_path(book, owner, explicit)
    roles = [h.role for h in path.hops]
    if owner in roles:
        return "E602"
    if path.revisits:
        return "E601"
    return None if path.reaches_top else "E603"


@st.composite
def graphs(draw: st.DrawFn) -> list[Role]:
    """Any reporting graph: tops, roles reporting to no one or to missing ids, circles, explicit paths."""
    n = draw(st.integers(min_value=1, max_value=14))
    ids = [f"r{i}" for i in range(n)] + ["ghost"]
    roles = []
    for i in range(n):
        kind = draw(st.sampled_from(["top", "none", "ref", "ref", "ref"]))
        target = draw(st.sampled_from(ids)) if kind == "ref" else None
        escalate = draw(st.lists(st.sampled_from(ids[:-1]), max_size=4))
        roles.append(_role(i, target, kind == "top", escalate))
    return roles


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_the_hierarchy_answers_as_the_walk_does(roles: list[Role]) -> None:
    book = Handbook(root="<memory>", roles={r.id: r for r in roles})
    hierarchy = Hierarchy(book)
    for role in roles:
        chain = reporting_chain(book, role.id)
        assert hierarchy.reaches[role.id] == chain.reaches_top, role.id
        assert hierarchy.length[role.id] == len(chain.hops), role.id
        if chain.hops:
            assert hierarchy.end[role.id] == chain.hops[-1]
        assert hierarchy.hops(role.id, 100) == chain.hops
        for other in roles:
            expected = chain.hops.index(other.id) if other.id in chain.hops else None
            assert hierarchy.position(other.id, role.id) == expected, (other.id, role.id)
        assert (role.id in hierarchy.circle) == bool(chain.cycle and role.id in chain.cycle)
        verdict = hierarchy.verdict(role.id, role.duties[0].escalate_to)
        assert (verdict[0] if verdict else None) == _old_verdict(book, role.id, role.duties[0].escalate_to)


def _chain_book(depth: int, circle: bool) -> Handbook:
    roles = [_role(0, f"r{depth - 1}" if circle else None, not circle, [])]
    roles += [_role(i, f"r{i - 1}", False, [f"r{i - 1}"]) for i in range(1, depth)]
    return Handbook(root="<memory>", roles={r.id: r for r in roles})


def test_a_reporting_line_6000_deep_checks_clean() -> None:
    """Each of 6,000 roles escalates to the one above it; the chain reaches the top."""
    book = _chain_book(6000, circle=False)
    found = list(checks.organisation(book)) + list(checks.escalation_paths(book))
    assert found == []
    assert Hierarchy(book).position("r0", "r5999") == 5998


def test_a_circle_of_6000_is_reported_on_each_role_in_a_short_message() -> None:
    book = _chain_book(6000, circle=True)
    found = [f for f in checks.organisation(book) if f.code == "E502"]
    assert len(found) == 6000
    assert max(len(f.message) for f in found) < 300, "the whole circle was printed in every message"
    r7 = next(f for f in found if f.file == "roles/dept/r7.yml")
    assert r7.message.startswith("reporting lines go round in a circle: r7 → r6 → r5") and r7.message.endswith("→ r7")
    assert "5,990 more" in r7.message


def test_the_glossary_rule_finds_what_a_plain_search_finds() -> None:
    """2,000 terms sharing prefixes and nesting in each other, against texts made of them."""
    import random

    rng = random.Random(5)
    chars = "物业管理处客服前台调度业主收费"
    zh_terms = sorted({"".join(rng.choice(chars) for _ in range(rng.randint(1, 5))) for _ in range(3000)})[:2000]
    terms = [(Term(id=f"t{i}", zh=zh, en=f"term {i}"), [f"term {i}"]) for i, zh in enumerate(zh_terms)]
    present = checks._terms_in(terms)
    for _ in range(300):
        text = "".join(rng.choice(chars + "，。的") for _ in range(rng.randint(0, 60)))
        assert present(text) == [(t, f) for t, f in terms if t.zh in text], text


def test_dates_are_judged_against_today() -> None:
    book = _chain_book(2, circle=False)
    today = dt.date(2026, 12, 1)
    assert list(checks.plausible_dates(book, today)) == []
    book.roles["r1"].document.reviewed = dt.date(2026, 12, 3)
    (finding,) = checks.plausible_dates(book, today)
    assert finding.code == "E209" and "after today" in finding.message
