"""Helpers for tests: a copy of the mini fixture to break, a browser to drive, a loopback
server for a built site (also used by benchmarks/run.py, so nothing here imports the
generator at module level)."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.findings import Finding
    from generator.model import Contact, Handbook, Procedure
    from generator.pdf.cards import CardStyle

MINI = Path(__file__).parent / "fixtures" / "mini"
REPO = Path(__file__).parent.parent


@dataclass
class BuiltSite:
    """A site built for the session (conftest's `built_site`, `offline_site`): the root it was
    built from, its folder, the handbook resolved as its pages show it, the build's seconds."""

    root: Path
    site: Path
    book: Handbook
    seconds: float
    offline: bool


@dataclass
class Printed:
    """The session's PDF set (conftest's `printed`): the handbook it was written from,
    the output folder, every file, and the style each procedure card was written in."""

    book: Handbook
    out: Path
    files: list[Path]
    styles: dict[Path, CardStyle]


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
    from generator.pipeline import load_and_check

    return load_and_check(root)[1]


def resolved_contacts(proc: Procedure) -> list[Contact]:
    """The contacts of a procedure after ensure_resolved: every one written out, none left as an id."""
    from generator.model import Contact

    contacts = [c for c in proc.contacts if isinstance(c, Contact)]
    assert len(contacts) == len(proc.contacts), [c for c in proc.contacts if not isinstance(c, Contact)]
    return contacts


def codes(root: Path) -> set[str]:
    return {f.code for f in findings(root)}


#: Where a Chromium the browser tests can drive may be, in order (see find_chromium).
CHROMIUM_CANDIDATES = (
    "/usr/bin/chromium",  # Debian: a launcher script around /usr/lib/chromium/chromium
    "/usr/lib/chromium/chromium",
    "/snap/chromium/current/usr/lib/chromium-browser/chrome",  # Ubuntu: the real binary inside the snap
    "/usr/bin/google-chrome",  # GitHub's Ubuntu runners ship Google Chrome
    "/usr/bin/google-chrome-stable",
    "/opt/google/chrome/chrome",
)


def _is_snap_launcher(path: Path) -> bool:
    """Ubuntu's /usr/bin/chromium(-browser) only starts the snap (or says to install it):
    in a container or a CI job without snapd it cannot run, so it does not count."""
    if str(path.resolve()).startswith("/snap/bin/"):
        return True
    try:
        head = path.read_bytes()[:4096]
    except OSError:
        return True
    return head.startswith(b"#!") and b"snap" in head


def find_chromium() -> str | None:
    """A Chromium or Chrome binary for the tests: $HANDBOOK_CHROMIUM if set, then the
    places above, then Playwright's own download (``playwright install chromium``,
    what scripts/common.sh does on Ubuntu when no other browser is there)."""
    import os

    if os.environ.get("HANDBOOK_CHROMIUM"):
        return os.environ["HANDBOOK_CHROMIUM"]
    for candidate in CHROMIUM_CANDIDATES:
        path = Path(candidate)
        if path.is_file() and os.access(path, os.X_OK) and not _is_snap_launcher(path):
            return str(path)
    cache = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache" / "ms-playwright")
    for chrome in sorted(cache.glob("chromium-*/chrome-linux*/chrome"), reverse=True):
        if os.access(chrome, os.X_OK):
            return str(chrome)
    return None


def chromium_or_skip() -> str:
    """The browser for a test module; without one, skip here but fail in CI (CI=1)."""
    import os

    import pytest

    found = find_chromium()
    if found:
        return found
    where = ", ".join(CHROMIUM_CANDIDATES)
    if os.environ.get("CI"):
        pytest.fail(
            f"no Chromium for the browser tests (looked at $HANDBOOK_CHROMIUM, {where}, Playwright's cache); "
            "CI must run them: `bash scripts/test.sh` installs one",
            pytrace=False,
        )
    pytest.skip(f"no Chromium here (looked at {where}); the browser tests run in CI", allow_module_level=True)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Files of one folder, served from `prefix` (every other path is 404); no request log."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        bare = path.split("?", 1)[0].split("#", 1)[0]
        if bare == self.prefix.rstrip("/"):  # the sub-path without its slash: redirected to it
            bare = self.prefix
        if not bare.startswith(self.prefix):
            return str(Path(self.directory) / ".not-served" / "404")
        return super().translate_path("/" + bare[len(self.prefix) :])

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(folder: Path, prefix: str = "/") -> Iterator[str]:
    """Serve `folder` on a loopback port from the URL path `prefix` (e.g. "/intranet/handbook/",
    as an intranet host serves the handbook); yields the URL of `prefix`.  One helper for the
    browser tests and the search benchmark: a threaded server, stopped on exit."""
    assert prefix.startswith("/") and prefix.endswith("/"), prefix
    handler = type("Handler", (_QuietHandler,), {"prefix": prefix})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}{prefix}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def free_port() -> int:
    """A loopback port nobody listens on (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServeProcess:
    """`handbook serve` in the background (a subprocess of the project's venv); everything it
    prints (stdout and stderr) collected line by line."""

    def __init__(self, root: Path, port: int, env: dict[str, str]) -> None:
        self.port = port
        self.proc = subprocess.Popen(
            [
                *(str(REPO / ".venv" / "bin" / "python"), "-m", "generator", "serve"),
                *("--root", str(root), "--addr", f"127.0.0.1:{port}"),
            ],
            cwd=root.parent,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        stdout = self.proc.stdout
        assert stdout is not None  # stdout=PIPE
        self.reader = threading.Thread(target=lambda: self.lines.extend(iter(stdout.readline, "")), daemon=True)
        self.reader.start()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: str, count: int, timeout: float) -> None:
        """Until `pattern` has been printed `count` times; fails if serve ends or time runs out."""
        deadline = time.monotonic() + timeout
        while len(re.findall(pattern, self.output)) < count:
            assert self.proc.poll() is None, "serve ended:\n" + self.output
            assert time.monotonic() < deadline, f"{pattern!r} ×{count} not printed:\n" + self.output
            time.sleep(0.2)

    def stop(self, sig: signal.Signals = signal.SIGINT) -> str:
        """Stop serve with `sig` (SIGINT as Ctrl-C, SIGTERM as a service manager); its output."""
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        finally:
            self.reader.join(timeout=10)
        return self.output
