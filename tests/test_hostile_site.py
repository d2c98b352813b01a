"""Hostile input around the data (issue 11): output paths, mkdocs.yml, docs/, macros, revisions,
arguments, serve.

Every case of tests/hostile/site/cases.py runs the `handbook` command as CI does (a
subprocess) on a copy of the mini fixture (ROOT) beside a decoy folder (DECOY, the rest of the
machine) and asserts, for each command it runs:

* the exit code, and the `file:line` (or code and path) that the output must name;
* no traceback, no "internal error", no raw terminal escape in the output;
* nothing executed: the marker file DECOY/PWNED never appears;
* nothing outside the root read, written or deleted: DECOY's checksums before and after are
  equal, and the decoy's secret appears in no output and no file under ROOT;
* nothing touched: where the case says so, ROOT's checksums are equal too.

The last tests build for real: the default outputs (an earlier version's site/, a marked
site, PDFs) keep working and unpublished files stay out; the scratch folders of a killed
build are removed by the next one; serve reports a busy port before building, keeps
serving the last good site through a broken mkdocs.yml and a broken page, and recovers.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from hostile.site.cases import CASES, Case, fill
from support import MINI, REPO, ServeProcess, free_port

PYTHON = REPO / ".venv" / "bin" / "python"
SECRET = "decoy-secret-5be1c0"
ENV = {**os.environ, "HANDBOOK_JOBS": "1", "PYTHONPATH": str(REPO)}
ENV.pop("HANDBOOK_DEBUG", None)


def checksums(folder: Path) -> dict[str, str]:
    """Every entry under `folder`, links and pipes included, without following a link."""
    out: dict[str, str] = {}
    if not folder.exists() and not folder.is_symlink():
        return out
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                out[rel] = "link:" + os.readlink(path)
            elif stat.S_ISREG(info.st_mode):
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            elif stat.S_ISDIR(info.st_mode):
                out[rel] = "dir"
            else:
                out[rel] = f"special:{stat.S_IFMT(info.st_mode)}"
    return out


def make(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "root"
    shutil.copytree(MINI, root)
    decoy = tmp_path / "decoy"
    (decoy / "sub").mkdir(parents=True)
    (decoy / "secret.yml").write_text(f"id: {SECRET}\n", encoding="utf-8")
    (decoy / "sub" / "notes.txt").write_text(SECRET + "\n", encoding="utf-8")
    return root, decoy


def handbook(argv: list[str], cwd: Path, timeout: float = 120) -> tuple[int, str]:
    done = subprocess.run(
        [str(PYTHON), "-m", "generator", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=ENV,
        errors="replace",
    )
    return done.returncode, done.stdout + done.stderr


def assert_clean(output: str) -> None:
    assert "Traceback" not in output, output
    assert "internal error" not in output, output
    assert "\x1b" not in output and "\u202e" not in output, repr(output)
    assert SECRET not in output, output


def secret_under(root: Path) -> list[str]:
    found = []
    for dirpath, _, filenames in os.walk(root, followlinks=False):
        for name in filenames:
            path = Path(dirpath) / name
            if path.is_symlink() or not path.is_file():
                continue
            if SECRET.encode() in path.read_bytes():
                found.append(str(path))
    return found


@pytest.mark.slow  # check and build of every case (subprocesses)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_around_the_data_is_refused(tmp_path: Path, case: Case) -> None:
    root, decoy = make(tmp_path)
    case.setup(root, decoy)
    decoy_before, root_before = checksums(decoy), checksums(root)
    for run in case.runs:
        argv = [fill(a, root, decoy) for a in run.argv]
        code, output = handbook(argv, tmp_path)
        assert code == run.exit, f"{argv}: exit {code}, wanted {run.exit}\n{output}"
        for text in run.says:
            assert fill(text, root, decoy) in output, f"{argv}: {text!r} not said\n{output}"
        assert_clean(output)
        assert not (decoy / "PWNED").exists() and not (tmp_path / "PWNED").exists() and not (root / "PWNED").exists(), (
            "an attack ran"
        )
        assert checksums(decoy) == decoy_before, "the decoy changed"
        if case.untouched:
            assert checksums(root) == root_before, f"{argv} changed the root"
        assert not secret_under(root), f"{argv} copied a file from outside the root: {secret_under(root)}"


def test_every_bullet_has_cases() -> None:
    assert {c.bullet for c in CASES} == {"outputs", "mkdocs.yml", "macros", "docs", "errors"}
    assert len({c.name for c in CASES}) == len(CASES)


def _earlier_site(folder: Path) -> None:
    """What the version before the marker file wrote into site/."""
    (folder / "search").mkdir(parents=True)
    (folder / "index.html").write_text("<p>the last good site</p>\n", encoding="utf-8")
    (folder / "search" / "search_index.json").write_text("{}\n", encoding="utf-8")


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.mark.slow  # builds the site (subprocesses)
def test_default_outputs_keep_working_and_only_known_files_are_published(tmp_path: Path) -> None:
    root, decoy = make(tmp_path)
    decoy_before = checksums(decoy)
    _earlier_site(root / "site")
    # Scratch folders of killed builds: one with the id of a process that is gone, one of an
    # earlier version (no owner file) that is old.
    dead = root / ".site.build-dead"
    (dead / "site").mkdir(parents=True)
    (dead / ".handbook-owner").write_text(f"{_dead_pid()}\n", encoding="ascii")
    old = root / ".site.build-old"
    old.mkdir()
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    docs = root / "docs" / "en"
    docs.mkdir(parents=True)
    (docs / "guide.md").write_text(
        "---\nrender_macros: true\n---\n# Guide\n\n{{ hb.counts.roles }} roles. [Roles](roles/index.md)\n",
        encoding="utf-8",
    )
    (docs / "notes.txt").write_text("not for the site\n", encoding="utf-8")
    (docs / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n', encoding="utf-8"
    )
    (docs / "page.html").write_text("<script>alert(1)</script>\n", encoding="utf-8")
    (docs / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    (docs / "clerk-copy.md").symlink_to(
        root / "docs" / "en" / "guide.md"
    )  # a link inside the root: a copy is published

    code, output = handbook(["build", "--root", str(root)], tmp_path, timeout=300)
    assert code == 0, output
    assert_clean(output)
    for name in ("notes.txt", "evil.svg", "page.html"):
        assert f"docs/en/{name}:1:1: warning W961" in output
    site = root / "site"
    assert (site / ".handbook-output").is_file()
    assert "the last good site" not in (site / "index.html").read_text(encoding="utf-8")
    assert "3 roles." in (site / "en" / "guide" / "index.html").read_text(encoding="utf-8")
    assert (site / "en" / "pic.png").is_file() and (site / "en" / "clerk-copy" / "index.html").is_file()
    assert not (site / "en" / "clerk-copy" / "index.html").is_symlink()
    published = {p.name for p in site.rglob("*")}
    assert not {"notes.txt", "evil.svg", "page.html"} & published
    assert not dead.exists() and not old.exists(), "scratch folders of killed builds were left"
    assert not list(root.glob(".site.*")), list(root.glob(".site.*"))

    # A marked site is replaced; PDFs go to the default site/pdf, marked too.
    (site / "index.html").write_text("stale\n", encoding="utf-8")
    code, output = handbook(["build", "--root", str(root)], tmp_path, timeout=300)
    assert code == 0, output
    assert "stale" not in (site / "index.html").read_text(encoding="utf-8")
    code, output = handbook(["pdf", "--root", str(root)], tmp_path, timeout=300)
    assert code == 0, output
    assert (site / "pdf" / ".handbook-output").is_file() and list((site / "pdf").rglob("*.pdf"))
    assert checksums(decoy) == decoy_before
    assert not secret_under(root)


@pytest.mark.slow  # builds the site (subprocesses)
def test_a_killed_build_leaves_no_scratch_after_the_next_run(tmp_path: Path) -> None:
    root, _ = make(tmp_path)
    proc = subprocess.Popen(
        [str(PYTHON), "-m", "generator", "build", "--root", str(root)],
        cwd=tmp_path,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not list(root.glob(".site.build-*")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert list(root.glob(".site.build-*")), "the build made no scratch folder to kill"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(0.5)  # its workers die with it (PR_SET_PDEATHSIG)
    assert list(root.glob(".site.build-*")), "SIGKILL cannot clean up; the next run must"
    code, output = handbook(["build", "--root", str(root)], tmp_path, timeout=300)
    assert code == 0, output
    assert not list(root.glob(".site.*")), list(root.glob(".site.*"))


@pytest.mark.slow  # runs handbook serve (a subprocess)
def test_serve_reports_a_busy_port_before_building(tmp_path: Path) -> None:
    root, _ = make(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        started = time.monotonic()
        code, output = handbook(["serve", "--root", str(root), "--addr", f"127.0.0.1:{port}"], tmp_path, timeout=60)
    assert code == 1 and "E974" in output and str(port) in output, output
    assert_clean(output)
    assert "built in" not in output and not (root / "site").exists() and not list(root.glob(".site.*"))
    assert time.monotonic() - started < 20


class _Serve(ServeProcess):
    """`handbook serve` of a hostile root in the background, one language after the other."""

    def __init__(self, root: Path, port: int) -> None:
        super().__init__(root, port, ENV)

    def wait_for(self, pattern: str, count: int, timeout: float = 120) -> None:
        super().wait_for(pattern, count, timeout)

    def page(self, path: str = "/en/") -> str:
        """The page as built: without the live-reload script the server adds to each response
        (it carries the build's epoch and a per-request id)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as response:
            text = response.read().decode("utf-8")
        return re.sub(r"<script>\s*var livereload = .*?</script>(?=</body>)", "", text, flags=re.S)


@pytest.mark.slow  # runs handbook serve (a subprocess)
def test_serve_keeps_the_last_good_site_through_broken_input_and_recovers(tmp_path: Path) -> None:
    root, decoy = make(tmp_path)
    decoy_before = checksums(decoy)
    serve = _Serve(root, free_port())
    try:
        serve.wait_for(r"built in", 1)
        good = serve.page()
        time.sleep(1.1)  # a new modification time for the watcher
        (root / "mkdocs.yml").write_text(
            f"site_name: X\nextra:\n  a: !!python/object/apply:os.system ['touch {decoy}/PWNED']\n", encoding="utf-8"
        )
        serve.wait_for(r"still serving the last good site", 1)
        assert "mkdocs.yml:3:6: error E110" in serve.output
        assert serve.page() == good
        time.sleep(1.1)
        (root / "mkdocs.yml").write_text("- a list\n", encoding="utf-8")
        serve.wait_for(r"still serving the last good site", 2)
        assert serve.page() == good
        time.sleep(1.1)
        (root / "mkdocs.yml").unlink()
        (root / "docs" / "en").mkdir(parents=True)
        (root / "docs" / "en" / "guide.md").write_text("# Guide\n\nNew page.\n", encoding="utf-8")
        serve.wait_for(r"built in", 2)
        assert "New page." in serve.page("/en/guide/")
        time.sleep(1.1)
        (root / "docs" / "en" / "guide.md").write_text(
            "---\nrender_macros: true\n---\n# Guide\n\n{{ hb|attr(x) }}\n", encoding="utf-8"
        )
        serve.wait_for(r"still serving the last good site", 3)
        assert "New page." in serve.page("/en/guide/")
    finally:
        output = serve.stop(signal.SIGTERM)
    assert_clean(output)
    assert not (decoy / "PWNED").exists() and checksums(decoy) == decoy_before
    assert not list(root.glob(".site.*")), "serve left its scratch folder"
