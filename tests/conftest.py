"""Shared pytest fixtures.  Keep this file small and generic; add fixtures by topic.

The expensive things are made once per test session and shared by every test file: the
bundled site (``built_site``), its offline variant (``offline_site``), the PDF set
(``printed``) and a loopback server of the site (``server``).  They are built from the
repository's own data when it has any (``handbook.yml`` at the root), otherwise from
tests/fixtures/mini.

Under pytest-xdist each worker is its own process with its own session: the first worker
that asks for one of these builds it, the others wait for it and read the same result (see
`_once`), so ``-n 2`` builds each one once, not twice.

A test that asks for one of these fixtures is marked ``slow`` here (`pytest_collection_modifyitems`),
so that ``-m "not slow"`` leaves it out without a decorator in every file.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from support import MINI, REPO, BuiltSite, Printed, serving

T = TypeVar("T")

#: The fixtures that build the whole site or the PDF set: a test that uses one is slow.
SLOW_FIXTURES = frozenset({"built_site", "offline_site", "printed"})

#: The sub-path the site is served from, as on an intranet host.
SUBPATH = "/intranet/handbook/"

#: The base URL the PDF set gets when the data has none, so that its cards carry QR codes.
TEST_BASE_URL = "https://handbook.example.cn/kf"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs a built site or the PDF set (directly or through another
    fixture) as slow: the fast loop (``-m "not slow"``) builds nothing."""
    for item in items:
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def _once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], T]) -> T:
    """`make(folder)` once per test run, also across pytest-xdist workers.

    Without xdist: a fresh folder, made here.  With xdist the workers share the parent of
    their base temporary folders; the first to take the lock builds there and pickles the
    result, the others wait on the lock and unpickle it.  A failed build leaves no result:
    every worker then tries (and fails) on its own, so each test reports the error.
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return make(factory.mktemp(name))
    shared = factory.getbasetemp().parent / f"shared-{name}"
    shared.mkdir(exist_ok=True)
    result = shared / "result.pickle"
    with open(shared / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if result.is_file():
            with result.open("rb") as f:
                return pickle.load(f)
        folder = shared / "build"
        shutil.rmtree(folder, ignore_errors=True)  # what a failed attempt left
        folder.mkdir()
        value = make(folder)
        with (shared / "result.tmp").open("wb") as f:
            pickle.dump(value, f)
        (shared / "result.tmp").replace(result)
        return value


def data_root() -> Path:
    """The root the site tests build: the repository's data, or the mini fixture."""
    return REPO if (REPO / "handbook.yml").is_file() and any((REPO / "roles").rglob("*.yml")) else MINI


# --------------------------------------------------------------------------- the site


def _build(root: Path, site: Path, offline: bool) -> BuiltSite:
    from generator.contacts import ensure_resolved
    from generator.pipeline import load_and_check
    from generator.site_build import build_site

    book, findings = load_and_check(root)
    errors = [f.text() for f in findings if f.severity == "error"]
    assert not errors, "the data to build has errors:\n" + "\n".join(errors)
    book = ensure_resolved(book)  # the numbers of the property built, as pages show them
    report = build_site(book, root, site, with_pdf=False, offline=offline)
    return BuiltSite(root, site, book, report.seconds, offline)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The site as `handbook build` writes it (directory URLs), built in strict mode."""
    return _once(tmp_path_factory, "site", lambda folder: _build(data_root(), folder / "site", offline=False))


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The offline variant (file URLs, inlined search index) for a copy opened from disk."""
    return _once(tmp_path_factory, "offline", lambda folder: _build(data_root(), folder / "site", offline=True))


@pytest.fixture(scope="session")
def server(built_site: BuiltSite) -> Iterator[str]:
    """The URL of the built site served from a sub-path of a loopback server, as on an
    intranet host (one server per worker; the browser, search and run-mode tests share it)."""
    with serving(built_site.site, SUBPATH) as url:
        yield url


# --------------------------------------------------------------------------- the PDF set


def _pdf_source_root() -> Path:
    """The bundled data when it has roles and no errors, else the mini fixture."""
    from generator.pipeline import load_and_check

    has_roles = any((REPO / "roles").rglob("*.yml")) if (REPO / "roles").is_dir() else False
    if has_roles:
        _, findings = load_and_check(REPO)
        if not any(f.severity == "error" for f in findings):
            return REPO
    return MINI


def _copy_root(src: Path, dst: Path) -> Path:
    """The data of `src` under `dst`, with a base URL when it has none (for the QR codes)."""
    dst.mkdir(parents=True, exist_ok=True)
    for name in ("handbook.yml", "org", "roles", "procedures", "sites", "schema"):
        if (src / name).is_dir():
            shutil.copytree(src / name, dst / name)
        elif (src / name).is_file():
            shutil.copy2(src / name, dst / name)
    meta = dst / "handbook.yml"
    text = meta.read_text(encoding="utf-8")
    if not re.search(r"^base_url:", text, re.M):
        meta.write_text(text.rstrip("\n") + f'\nbase_url: "{TEST_BASE_URL}"\n', encoding="utf-8")
    return dst


def _print(folder: Path) -> Printed:
    from generator import pdf
    from generator.contacts import ensure_resolved
    from generator.pipeline import load_and_check

    root = _copy_root(_pdf_source_root(), folder / "root")
    book, findings = load_and_check(root)
    assert not [f for f in findings if f.severity == "error"], [f.text() for f in findings]
    book = ensure_resolved(book)  # the cards of its property, as `handbook pdf` writes them
    out = folder / "out"
    files = pdf.write_pdfs(book, out, workers=2)
    styles = {r.path: style for r in pdf.last_results if r.path and (style := pdf.card_style(r))}
    return Printed(book, out, files, styles)


@pytest.fixture(scope="session")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    """Every PDF of the bundled data (or the mini fixture), as `handbook pdf` writes them."""
    return _once(tmp_path_factory, "pdf", _print)


# --------------------------------------------------------------------------- the browser

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
