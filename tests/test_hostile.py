"""Hostile and broken input (issue 7): a clear error, nothing executed, nothing lost.

Every case of tests/hostile/cases.py runs `handbook check` and `handbook build` as the
command line does (a subprocess), with bounded time and memory:

* time: a check (or a build that stops at the check) that takes more than
  CHECK_SECONDS fails the case; the one full build of the legal texts has BUILD_SECONDS;
* memory: each subprocess runs with an address-space limit of MEMORY_BYTES (setrlimit),
  so that an alias bomb or a 50 MB file that were read whole would fail, not swap.

A broken case must exit 1 with `file:line:col: error CODE` for the expected finding, never
a traceback, and leave a previously built site byte-for-byte as it was.  The legal cases
(byte-order mark, HTML, JavaScript, Jinja, Markdown that breaks a table cell) are built once
together: exit 0, each text shown exactly as typed, no live script in any page or in the
search index.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from generator.cli import main
from generator.loading import load_handbook
from generator.model import Strict

from hostile.cases import CASES, CLERK, LEGAL_EDITS, LEGAL_SHOWN, LIFT, Case
from hostile.mutate import MINI

REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"
FULL = Path(__file__).resolve().parent / "hostile" / "full"

#: A case whose check (or failing build) runs longer than this fails: bounded time.
CHECK_SECONDS = 10
#: The one full build of the legal texts (two languages, MkDocs).
BUILD_SECONDS = 240
#: Address-space limit of every subprocess: bounded memory.
MEMORY_BYTES = 1536 * 1024 * 1024

#: A site the tool wrote: since issue 11 its output carries the marker file, without which a
#: non-empty --site-dir is refused (E970) before the check even runs.
PREVIOUS_SITE = {
    "index.html": "<p>the last good site</p>\n",
    "en/index.html": "<p>last good, English</p>\n",
    "search/search_index.json": "{}\n",
    ".handbook-output": "This folder was written by `handbook`; the next build replaces it as a whole.\n",
}


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


@dataclass
class Run:
    code: int | None  # None: killed at the time limit
    stdout: str
    stderr: str
    seconds: float


def handbook(*args: str, timeout: float = CHECK_SECONDS) -> Run:
    """`python -m generator ARGS` with the time and memory limits of this module."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("HANDBOOK_DEBUG", None)
    started = time.monotonic()
    try:
        done = subprocess.run(
            [str(PYTHON), "-m", "generator", *args],
            cwd=REPO,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            preexec_fn=_limit_memory,
            env=env,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else exc.stdout or ""
        err = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else exc.stderr or ""
        return Run(None, out, err, time.monotonic() - started)
    return Run(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` with the SHA-256 of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def make_root(base: Path, edits) -> Path:
    root = base / "root"
    shutil.copytree(MINI, root)
    for edit in edits:
        edit(root)
    return root


@dataclass
class CaseRuns:
    root: Path
    check: Run
    build: Run
    site_before: dict[str, str]
    site_after: dict[str, str]


def _run_case(case: Case, base: Path) -> CaseRuns:
    root = make_root(base, [case.edit])
    site = base / "site"
    for rel, text in PREVIOUS_SITE.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    before = snapshot(site)
    check = handbook("check", "--root", str(root))
    build = handbook("build", "--root", str(root), "--site-dir", str(site))
    result = CaseRuns(root, check, build, before, snapshot(site))
    big = root / CLERK
    if big.stat().st_size > 10 * 1024 * 1024:  # do not keep the 50 MB file around
        big.unlink()
    return result


@pytest.fixture(scope="session")
def case_runs(tmp_path_factory) -> dict[str, CaseRuns]:
    """check and build of every case, two at a time (the machines have two cores)."""
    bases = {case.name: tmp_path_factory.mktemp(case.name) for case in CASES}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {case.name: pool.submit(_run_case, case, bases[case.name]) for case in CASES}
        return {name: future.result() for name, future in futures.items()}


def _assert_clean_exit(run: Run, what: str) -> None:
    assert run.code is not None, f"{what} took more than {CHECK_SECONDS} s and was killed"
    assert run.code in (0, 1), f"{what} exited {run.code}: {run.stderr[-2000:]}"
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert "internal error" not in run.stderr, run.stderr[-3000:]


def _finding_pattern(case: Case) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(case.file)}:{case.line}:\d+: error {case.code}: \S", re.MULTILINE)


# --- the corpus ----------------------------------------------------------------------------


REQUIRED = {
    "yaml-syntax",
    "duplicate-key",
    "tab-indentation",
    "gbk-bytes",
    "empty-file",
    "list-not-mapping",
    "billion-laughs",
    "file-of-50-mb",
    "yaml11-no",
    "yaml11-on",
    "yaml11-sexagesimal",
    "yaml11-float",
    "unknown-key",
    "id-upper-case",
    "id-with-space",
    "id-dot-dot",
    "id-slash",
    "text-of-100000-characters",
    "reporting-cycle",
    "escalates-to-itself",
    "dangling-reports-to",
    "dangling-duty-escalate-to",
    "dangling-authority-escalate-to",
    "dangling-step-escalate-to",
    "dangling-aftercare-escalate-to",
    "dangling-step-owner",
    "dangling-rung-notify",
    "dangling-document-owner",
    "dangling-department",
    "dangling-liaises-with",
    "dangling-authority-kind",
    "dangling-duty-section",
    "dangling-department-head",
    "missing-language",
}


def test_corpus_has_every_kind_of_case() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    assert len(CASES) >= 30
    assert set(names) >= REQUIRED, REQUIRED - set(names)


@pytest.mark.slow  # runs check and build on every case (subprocesses)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_check_names_file_and_line(case: Case, case_runs: dict[str, CaseRuns]) -> None:
    run = case_runs[case.name].check
    _assert_clean_exit(run, f"check of {case.name}")
    assert run.code == 1
    assert _finding_pattern(case).search(run.stdout), (
        f"expected {case.file}:{case.line}: error {case.code}, got:\n{run.stdout[-3000:]}"
    )


@pytest.mark.slow  # runs check and build on every case (subprocesses)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_build_refuses_and_keeps_the_last_site(case: Case, case_runs: dict[str, CaseRuns]) -> None:
    runs = case_runs[case.name]
    _assert_clean_exit(runs.build, f"build of {case.name}")
    assert runs.build.code == 1
    assert _finding_pattern(case).search(runs.build.stderr), (
        f"expected {case.file}:{case.line}: error {case.code}, got:\n{runs.build.stderr[-3000:]}"
    )
    assert runs.site_after == runs.site_before, "a refused build changed the previous site"


@pytest.mark.parametrize("bad_id", ["../x", "a/b", "../../../../tmp/hostile-evil", "x/../../y"])
def test_generated_file_names_come_only_from_validated_ids(bad_id: str, tmp_path: Path) -> None:
    """An id that would be a path is refused before any page is written, wherever it is."""
    root = make_root(tmp_path, [])
    (root / LIFT).write_text(
        (root / LIFT).read_text(encoding="utf-8").replace("id: lift\n", f"id: '{bad_id}'\n"), encoding="utf-8"
    )
    (root / CLERK).write_text(
        (root / CLERK).read_text(encoding="utf-8").replace("  - id: answer", f"  - id: '{bad_id}'"), encoding="utf-8"
    )
    before = snapshot(tmp_path)
    site = tmp_path / "out" / "site"
    run = handbook("build", "--root", str(root), "--site-dir", str(site))
    _assert_clean_exit(run, "build")
    assert run.code == 1
    assert re.search(rf"^{LIFT}:1:\d+: error E301: ", run.stderr, re.MULTILINE), run.stderr
    assert re.search(rf"^{CLERK}:8:\d+: error E301: ", run.stderr, re.MULTILINE), run.stderr
    assert not site.exists() or not any(site.rglob("*.html")), "pages were written"
    assert snapshot(tmp_path) == before, "files appeared outside the site folder"
    assert not Path("/tmp/hostile-evil").exists()


# --- legal but hostile text: built once --------------------------------------------------------


class _Text(HTMLParser):
    """The text a reader sees on a page: data outside script/style, <br> as a line break."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("br", "p", "td", "th", "li", "div"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return _squash("".join(parser.parts))


@dataclass
class LegalBuild:
    root: Path
    site: Path
    check: Run
    build: Run


@pytest.fixture(scope="session")
def legal_build(tmp_path_factory) -> LegalBuild:
    base = tmp_path_factory.mktemp("legal")
    root = make_root(base, LEGAL_EDITS)
    site = base / "site"
    check = handbook("check", "--root", str(root))
    build = handbook("build", "--root", str(root), "--site-dir", str(site), timeout=BUILD_SECONDS)
    return LegalBuild(root, site, check, build)


@pytest.mark.slow  # builds the site of the hostile text (a subprocess)
def test_legal_hostile_text_passes_check(legal_build: LegalBuild) -> None:
    run = legal_build.check
    _assert_clean_exit(run, "check")
    assert run.code == 0, run.stdout
    # A byte-order mark is a warning, and the file still loads.
    assert re.search(r"^roles/office/director\.yml:1:1: warning W109: ", run.stdout, re.MULTILINE), run.stdout


@pytest.mark.slow  # builds the site of the hostile text (a subprocess)
def test_legal_hostile_text_builds(legal_build: LegalBuild) -> None:
    run = legal_build.build
    assert run.code is not None, f"the build took more than {BUILD_SECONDS} s"
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr[-3000:]
    assert run.code == 0, run.stderr[-3000:]
    assert (legal_build.site / "index.html").is_file()


def _pages(site: Path, lang: str) -> list[Path]:
    pages = sorted(site.rglob("*.html"))
    english = [p for p in pages if p.relative_to(site).parts[0] == "en"]
    return english if lang == "en" else [p for p in pages if p not in english]


def _page(site: Path, lang: str, url: str) -> Path:
    return site / ("en/" if lang == "en" else "") / url / "index.html"


@pytest.mark.slow  # builds the site of the hostile text (a subprocess)
@pytest.mark.parametrize(
    "lang, url, typed, word", LEGAL_SHOWN, ids=[f"{lang}-{url}-{word}" for lang, url, _, word in LEGAL_SHOWN]
)
def test_hostile_text_is_shown_exactly_as_typed(
    lang: str, url: str, typed: str, word: str, legal_build: LegalBuild
) -> None:
    """On its own page, and on every other page that shows a word of it."""
    assert legal_build.build.code == 0, legal_build.build.stderr[-2000:]
    wanted = _squash(typed)
    page = _page(legal_build.site, lang, url)
    assert wanted in _visible_text(page.read_text(encoding="utf-8")), (
        f"{page.relative_to(legal_build.site)} does not show {typed!r} as typed"
    )
    for other in _pages(legal_build.site, lang):
        seen = _visible_text(other.read_text(encoding="utf-8"))
        if word in seen:
            assert wanted in seen, f"{other.relative_to(legal_build.site)} shows {word!r} but not {typed!r} as typed"


LIVE_MARKUP = [
    re.compile(r"<script[^>]*>[^<]*alert\(", re.IGNORECASE),
    re.compile(r"<img[^>]*onerror", re.IGNORECASE),
    re.compile(r"""href\s*=\s*["']?\s*javascript:""", re.IGNORECASE),
    re.compile(r"<b>bold</b>"),
]


@pytest.mark.slow  # builds the site of the hostile text (a subprocess)
def test_no_live_markup_in_any_page(legal_build: LegalBuild) -> None:
    assert legal_build.build.code == 0, legal_build.build.stderr[-2000:]
    pages = sorted(legal_build.site.rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for pattern in LIVE_MARKUP:
            assert not pattern.search(html), f"{page.relative_to(legal_build.site)} has live markup: {pattern.pattern}"


@pytest.mark.slow  # builds the site of the hostile text (a subprocess)
def test_no_live_markup_in_the_search_index(legal_build: LegalBuild) -> None:
    """The staff search (generator.search) shows record titles and texts as snippets: the
    hostile text is in them as typed, never as markup, and no index file carries a raw `<`."""
    from generator.search import read_index

    assert legal_build.build.code == 0, legal_build.build.stderr[-2000:]
    folders = sorted(meta.parent for meta in legal_build.site.rglob("search/meta.js"))
    assert folders, "no search index was built"
    found_typed = False
    for folder in folders:
        for script in folder.glob("*.js"):
            assert "<" not in script.read_text(encoding="utf-8"), (
                f"{script.relative_to(legal_build.site)} carries a raw '<'"
            )
        for record in read_index(folder)["records"]:
            shown = " ".join(str(part) for part in record if isinstance(part, str))
            # Records are plain text (search.js escapes them when it shows a result; the browser
            # test in tests/test_search.py shows the hostile text as typed): typed, not entities.
            if "xss-purpose" in shown:
                found_typed = True
                assert "<script>alert('xss-purpose')</script>" in shown and "&lt;" not in shown, shown[:200]
    assert found_typed, "the hostile text is not in the search index at all (was the page indexed?)"


@pytest.mark.slow  # builds the site of the hostile text (a subprocess)
def test_failed_build_leaves_the_built_site_byte_for_byte(legal_build: LegalBuild, tmp_path: Path) -> None:
    """The last good site survives a build refused for bad data."""
    assert legal_build.build.code == 0, legal_build.build.stderr[-2000:]
    site = tmp_path / "site"
    shutil.copytree(legal_build.site, site)
    root = tmp_path / "root"
    shutil.copytree(legal_build.root, root)
    before = snapshot(site)
    (root / CLERK).write_text(
        (root / CLERK).read_text(encoding="utf-8").replace("reports_to: supervisor", "reports_to: nobody"),
        encoding="utf-8",
    )
    run = handbook("build", "--root", str(root), "--site-dir", str(site))
    _assert_clean_exit(run, "build")
    assert run.code == 1
    assert snapshot(site) == before


# --- wrong types in every field ----------------------------------------------------------------

_KEY_LINE = re.compile(r"^(?P<indent>\s*(?:- )?)(?P<key>[a-z_]+):(?P<rest>.*)$")


def _field_lines() -> list[tuple[str, int]]:
    out = []
    for path in sorted(FULL.rglob("*.yml")):
        rel = path.relative_to(FULL).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if _KEY_LINE.match(line):
                out.append((rel, number))
    return out


FIELD_LINES = _field_lines()


def _break_line(text: str, number: int) -> str:
    """Give the key on line `number` a value of the wrong shape (and drop its block, if any)."""
    lines = text.splitlines()
    m = _KEY_LINE.match(lines[number - 1])
    assert m
    indent = len(m["indent"])
    rest = m["rest"].strip()
    end = number
    if not rest:  # a block below: a list or a mapping
        while end < len(lines) and (len(lines[end]) - len(lines[end].lstrip(" ")) > indent or not lines[end].strip()):
            end += 1
        is_mapping = not lines[number].lstrip().startswith("- ")
    else:
        is_mapping = rest.startswith("{")
    wrong = "[wrong]" if is_mapping else "{wrong: 1}"
    lines[number - 1 : end] = [f"{m['indent']}{m['key']}: {wrong}"]
    return "\n".join(lines) + "\n"


def test_the_full_root_is_valid_and_writes_every_field() -> None:
    """tests/hostile/full sets every field of every model once, so breaking each line covers the model."""
    book, findings = load_handbook(FULL)
    assert [f for f in findings if f.severity == "error"] == []
    seen: dict[type, set[str]] = {}

    def walk(value: object) -> None:
        if isinstance(value, Strict):
            seen.setdefault(type(value), set()).update(value.model_fields_set)
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for doc in [
        book.meta,
        book.departments_file,
        book.authorities_file,
        book.glossary_file,
        book.contacts_file,
        *book.sites.values(),
        *book.roles.values(),
        *book.procedures.values(),
    ]:
        walk(doc)
    every_model = {cls for cls in _subclasses(Strict) if cls.model_fields}
    missing = {cls.__name__: sorted(set(cls.model_fields) - seen.get(cls, set())) for cls in every_model}
    assert {name: fields for name, fields in missing.items() if fields} == {}


def _subclasses(cls: type[Strict]) -> set[type[Strict]]:
    out: set[type[Strict]] = set()
    for sub in cls.__subclasses__():
        out |= {sub} | _subclasses(sub)
    return out


@pytest.mark.parametrize("rel, line", FIELD_LINES, ids=[f"{rel}:{line}" for rel, line in FIELD_LINES])
def test_wrong_type_in_every_field(rel: str, line: int, tmp_path: Path) -> None:
    """In process (about 10 ms each); the subprocess path is covered by the corpus above."""
    root = tmp_path / "root"
    shutil.copytree(FULL, root)
    (root / rel).write_text(_break_line((root / rel).read_text(encoding="utf-8"), line), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", "--root", str(root), "--format", "json"])
    assert code == 1, err.getvalue()
    found = json.loads(out.getvalue())
    here = [f for f in found if f["file"] == rel and f["line"] == line]
    assert any(f["code"] in ("E203", "E204") for f in here), (
        f"no E203/E204 at {rel}:{line}; got {[(f['code'], f['file'], f['line'], f['message']) for f in found]}"
    )


# --- a build stopped half-way: interrupt, kill, full disk -----------------------------------


def _full_disk() -> None:
    """Files may not grow past 64 KiB: writes fail with EFBIG, as on a full disk."""
    _limit_memory()
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an error from write(), not a killed process


@pytest.mark.slow  # builds the site of the hostile text (a subprocess)
@pytest.mark.parametrize("how", ["SIGINT", "SIGKILL", "full-disk"])
def test_a_build_stopped_half_way_leaves_the_last_site(how: str, legal_build: LegalBuild, tmp_path: Path) -> None:
    """A real `handbook build` process is interrupted, killed, or runs out of disk mid-build."""
    assert legal_build.build.code == 0, legal_build.build.stderr[-2000:]
    site = tmp_path / "site"
    shutil.copytree(legal_build.site, site)
    before = snapshot(site)
    args = [str(PYTHON), "-m", "generator", "build", "--root", str(legal_build.root), "--site-dir", str(site)]
    proc = subprocess.Popen(
        args,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_full_disk if how == "full-disk" else _limit_memory,
    )
    if how != "full-disk":
        # Wait until the build is past the check and writing (its scratch folder exists).
        deadline = time.monotonic() + BUILD_SECONDS
        while not any(tmp_path.glob(".site.build-*/site")) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        proc.send_signal(getattr(signal, how))
    _, err = proc.communicate(timeout=BUILD_SECONDS)
    assert proc.returncode != 0, f"the build finished before it was stopped ({how}); stopping it earlier is needed"
    assert snapshot(site) == before, f"the last site changed after a build stopped by {how}"
    if how != "SIGKILL":  # a killed process cannot clean up, but the site is intact
        assert "Traceback" not in err, err[-3000:]
        assert not list(tmp_path.glob(".site.build-*")), "the scratch folder was left behind"


# --- hostile text in every text field of the model, built once -----------------------------------

#: Fields whose value is an id, a reference, a choice, a date, a number or a flag: left alone.
_NOT_TEXT = {
    "id",
    "owner",
    "reports_to",
    "department",
    "escalate_to",
    "notify",
    "head",
    "kind",
    "section",
    "liaises_with",
    "frequency",
    "level",
    "severity",
    "effective",
    "reviewed",
    "top",
    "team",
    "inferred",
    "from_source",
    "within_minutes",
    "after_minutes",
    "review_period_days",
    "base_url",
    "on_duty",
    "call",
    "first_call",
}


def _hostile(marker: str, chinese: bool) -> str:
    text = (
        f"<script>alert('{marker}')</script> <i>{marker}</i> {{{{ {marker} }}}} a | b # [{marker}](javascript:alert(1))"
    )
    return "中文" + text if chinese else text


def _poison(value: object, key: str, markers: list[tuple[str, str]], field: str = "") -> object:
    """Every text of `value` replaced by hostile text with a unique marker naming its field (zh keeps Chinese)."""
    if isinstance(value, dict):
        return {
            k: (
                v
                if k in _NOT_TEXT and not isinstance(v, dict)
                else _poison(v, k, markers, key if k in ("zh", "en") else k)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):  # a procedure's contact named by id stays an id; one written out is poisoned
        return [v if key == "contacts" and isinstance(v, str) else _poison(v, key, markers, field) for v in value]
    if isinstance(value, str):
        marker = f"xss{len(markers):03d}{field.replace('_', '')}{key if key in ('zh', 'en') else ''}"
        typed = _hostile(marker, chinese=(key == "zh"))
        markers.append((marker, typed))
        return typed
    return value


@pytest.fixture(scope="session")
def every_field_build(tmp_path_factory) -> tuple[LegalBuild, list[tuple[str, str]]]:
    import yaml

    base = tmp_path_factory.mktemp("every-field")
    root = base / "root"
    shutil.copytree(FULL, root)
    markers: list[tuple[str, str]] = []
    for path in sorted(root.rglob("*.yml")):
        data = _poison(yaml.safe_load(path.read_text(encoding="utf-8")), "", markers)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    site = base / "site"
    check = handbook("check", "--root", str(root))
    build = handbook("build", "--root", str(root), "--site-dir", str(site), "--pdf", timeout=BUILD_SECONDS)
    return LegalBuild(root, site, check, build), markers


@pytest.mark.slow  # builds the site and PDFs of every field poisoned
def test_hostile_text_in_every_field_builds_and_shows_as_typed(every_field_build) -> None:
    """Every problem is listed at once: which field's text is live, or mangled, on which page."""
    built, markers = every_field_build
    assert built.check.code in (0, 1) and "Traceback" not in built.check.stderr, built.check.stderr[-2000:]
    errors = [line for line in built.check.stdout.splitlines() if ": error " in line]
    assert built.check.code == 0, "\n".join(errors[:20])
    assert built.build.code == 0 and "Traceback" not in built.build.stderr, built.build.stderr[-3000:]
    problems: set[str] = set()
    by_marker: dict[str, list[str]] = {}  # "live <script> from xss009zh" → pages
    pages = {p: _visible_text(p.read_text(encoding="utf-8")) for p in sorted(built.site.rglob("*.html"))}
    for page in pages:
        html = page.read_text(encoding="utf-8")
        rel = page.relative_to(built.site).as_posix()
        for m in re.finditer(r"<(script|i)>(?:alert\(')?(xss\w+)", html):
            by_marker.setdefault(f"live <{m.group(1)}> from the text {m.group(2)}", []).append(rel)
        for pattern in LIVE_MARKUP:
            if pattern.search(html):
                by_marker.setdefault(f"live markup {pattern.pattern}", []).append(rel)
    shown = 0
    for marker, typed in markers:
        on = [p for p, text in pages.items() if marker in text]
        for page in on:
            if _squash(typed) not in pages[page]:
                by_marker.setdefault(f"{marker} shown, but not as typed", []).append(
                    page.relative_to(built.site).as_posix()
                )
        shown += bool(on)
    for what, where in by_marker.items():
        problems.add(f"{what}: {len(set(where))} page(s), e.g. {sorted(set(where))[0]}")
    # Not every field is on a page (notes, particulars …), but most are.
    if shown < len(markers) // 2:
        problems.add(f"only {shown} of {len(markers)} hostile texts are shown anywhere")
    for index in built.site.rglob("search_index.json"):
        for doc in json.loads(index.read_text(encoding="utf-8"))["docs"]:
            for key in ("title", "text"):
                if any(pattern.search(doc.get(key, "")) for pattern in LIVE_MARKUP) or "<i>xss" in doc.get(key, ""):
                    problems.add(f"{index.relative_to(built.site)} {doc.get('location')}: live markup in {key}")
    # The PDFs print the text as typed too (pypdf's text, compared without white space).
    import pypdf

    for pdf in sorted((built.site / "pdf" / "en" / "roles").glob("*.pdf")):
        text = re.sub(r"\s+", "", " ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages))
        for marker, typed in markers:
            if marker in text and re.sub(r"\s+", "", typed) not in text:
                problems.add(f"pdf/en/roles/{pdf.name} shows {marker} but not as typed")
    assert not problems, "\n".join(sorted(problems))
