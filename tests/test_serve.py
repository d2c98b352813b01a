"""`handbook serve` in headless Chromium: an open page reloads itself after a YAML edit,
keeps the last good site through broken YAML (the findings printed), and recovers.

The server runs as the command does (a subprocess, both languages in worker processes) on
a copy of the bundled handbook; the test never reloads the page itself: a marker set in
the page's window is gone when the page has reloaded on its own.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from support import REPO, ServeProcess, chromium_or_skip, free_port

chromium_or_skip()  # skip here without a browser, fail in CI; conftest's `browser` launches it

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PYTHON = REPO / ".venv" / "bin" / "python"
DATA = ("roles", "procedures", "org", "sites", "handbook.yml", "docs", "mkdocs.yml")
ROLE = "roles/customer-service/building-steward.yml"
TITLE_EN = "en: Building Steward\n"
BUILD_SECONDS = 240


class Served(ServeProcess):
    """`handbook serve` as a user runs it: both languages in worker processes."""

    def __init__(self, root: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        env.pop("HANDBOOK_JOBS", None)  # the languages in worker processes, as `handbook serve` runs
        env.pop("HANDBOOK_DEBUG", None)
        super().__init__(root, free_port(), env)

    def wait_for(self, pattern: str, count: int, timeout: float = BUILD_SECONDS) -> None:
        super().wait_for(pattern, count, timeout)


@pytest.fixture
def served(tmp_path: Path):
    root = tmp_path / "root"
    root.mkdir()
    for name in DATA:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.is_file():
            shutil.copy2(source, root / name)
    serve = Served(root)
    try:
        serve.wait_for(r"built in", 1)
        yield root, serve
    finally:
        output = serve.stop()
        assert serve.proc.returncode == 0, output
        assert "Traceback" not in output, output
        assert not list(root.glob(".site.*")), "serve left its scratch folder"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path}: {old!r} not found"
    time.sleep(1.1)  # a new modification time, on file systems that keep whole seconds
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _heading(page) -> str:
    """The page's title, without the permalink sign (¶) after it."""
    return page.locator("article h1").first.inner_text().strip().rstrip("¶").strip()


def test_an_open_page_follows_yaml_edits_and_keeps_the_last_good_site(browser, served) -> None:
    root, serve = served
    role = root / ROLE
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    foreign: list[str] = []

    def guard(route) -> None:
        parts = urlsplit(route.request.url)
        if parts.hostname == "127.0.0.1" and parts.port == serve.port:
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"http://127.0.0.1:{serve.port}/en/roles/building-steward/")
        assert _heading(page) == "Building Steward"

        # A title edited in the YAML: the open page reloads itself and shows it.
        page.evaluate("window.__notReloaded = true")
        _edit(role, TITLE_EN, "en: Building Steward (Tower B)\n")
        page.wait_for_function(
            "() => !window.__notReloaded && document.querySelector('article h1')?.textContent.includes('Tower B')",
            timeout=BUILD_SECONDS * 1000,
        )
        assert _heading(page) == "Building Steward (Tower B)"
        serve.wait_for(r"built in [0-9.]+ s \([0-9]+ page\(s\) rebuilt\)", 1)  # incremental, not a full build

        # Broken YAML: the findings are printed, the page stays the last good one.
        good = page.content()
        _edit(role, "department: customer-service\n", "department: [customer-service\n")
        serve.wait_for(r"still serving the last good site", 1)
        assert re.search(r"roles/customer-service/building-steward\.yml:\d+:\d+: error E\d+", serve.output), (
            serve.output
        )
        page.wait_for_load_state("load")
        assert _heading(page) == "Building Steward (Tower B)"
        assert "Tower B" in good and "Tower B" in page.content()

        # Fixed, with another title: the page follows again.
        page.evaluate("window.__notReloaded = true")
        text = role.read_text(encoding="utf-8")
        time.sleep(1.1)
        role.write_text(
            text.replace("department: [customer-service\n", "department: customer-service\n").replace(
                "Building Steward (Tower B)", "Building Steward (Tower C)"
            ),
            encoding="utf-8",
        )
        page.wait_for_function(
            "() => !window.__notReloaded && document.querySelector('article h1')?.textContent.includes('Tower C')",
            timeout=BUILD_SECONDS * 1000,
        )
        assert _heading(page) == "Building Steward (Tower C)"
    finally:
        context.close()
    assert not foreign, f"requests left the served host: {foreign}"
    assert not errors, f"script errors: {errors}"
