"""Helpers for tests that need a handbook root: a copy of the mini fixture to break."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.findings import Finding
from generator.model import Contact, Procedure
from generator.pipeline import load_and_check

MINI = Path(__file__).parent / "fixtures" / "mini"
REPO = Path(__file__).parent.parent


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
    return load_and_check(root)[1]


def resolved_contacts(proc: Procedure) -> list[Contact]:
    """The contacts of a procedure after ensure_resolved: every one written out, none left as an id."""
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
