"""Shared pytest fixtures.  Keep this file small and generic; add fixtures by topic.

Site fixtures: the handbook site is built once per session, from the repository's own
data when it has any (``handbook.yml`` at the root), otherwise from tests/fixtures/mini.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from generator.model import Handbook

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "mini"


def data_root() -> Path:
    """The root the site tests build: the repository's data, or the mini fixture."""
    return REPO if (REPO / "handbook.yml").is_file() and any((REPO / "roles").rglob("*.yml")) else MINI


@dataclass
class BuiltSite:
    root: Path
    site: Path
    book: Handbook
    seconds: float
    offline: bool


def _build(root: Path, site: Path, offline: bool) -> BuiltSite:
    from generator.pipeline import load_and_check
    from generator.site_build import build_site

    book, findings = load_and_check(root)
    errors = [f.text() for f in findings if f.severity == "error"]
    assert not errors, "the data to build has errors:\n" + "\n".join(errors)
    from generator.contacts import ensure_resolved

    book = ensure_resolved(book)  # the numbers of the property built, as pages show them
    report = build_site(book, root, site, with_pdf=False, offline=offline)
    return BuiltSite(root, site, book, report.seconds, offline)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The site as `handbook build` writes it (directory URLs), built in strict mode."""
    return _build(data_root(), tmp_path_factory.mktemp("site") / "site", offline=False)


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The offline variant (file URLs, inlined search index) for a copy opened from disk."""
    return _build(data_root(), tmp_path_factory.mktemp("offline") / "site", offline=True)


#: Chromium's switches for a closed network: without the background-networking ones it keeps
#: trying hosts on the internet at every start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test: Playwright's sync API runs one event
    loop per thread, so a second `sync_playwright()` while one is open fails."""
    from support import chromium_or_skip

    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()
