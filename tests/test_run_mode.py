"""Run mode in headless Chromium: the procedure page as the front desk uses it.

Both languages, a desktop and a phone viewport, the served site and the offline copy
opened from disk.  The clock is Playwright's (page.clock): time is moved on, never slept.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from support import chromium_or_skip

chromium_or_skip()  # skip here without a browser, fail in CI; conftest's `browser` launches it

from playwright.sync_api import Page  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

START = dt.datetime(2026, 12, 1, 21, 30, 0)  # the page's fake clock is installed at this moment …
T0 = START + dt.timedelta(minutes=10)  # … and paused here once the page is loaded: runs start at T0
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LIFT = "procedures/lift-entrapment"


# `server` (conftest): the built site served from /intranet/handbook/ on loopback.


def _url(where: str, lang: str, server: str, offline_site) -> str:
    prefix = "" if lang == "zh" else "en/"
    if where == "served":
        return f"{server}{prefix}{LIFT}/"
    return (offline_site.site / prefix / f"{LIFT}.html").as_uri()


@pytest.fixture
def open_lift(browser, server, offline_site):
    """Open the lift page in a fresh context (own storage); requests may only stay local."""
    contexts = []
    foreign: list[str] = []
    errors: list[str] = []

    def opener(lang: str, where: str, viewport: str = "phone") -> Page:
        phone = viewport == "phone"
        context = browser.new_context(viewport=VIEWPORTS[viewport], is_mobile=phone, has_touch=phone)
        contexts.append(context)

        def guard(route):
            parts = urlsplit(route.request.url)
            if parts.scheme in ("file", "data", "blob", "about") or parts.hostname in ("127.0.0.1", "localhost"):
                route.continue_()
            else:
                foreign.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("dialog", lambda dialog: dialog.accept())
        page.clock.install(time=START)
        page.goto(_url(where, lang, server, offline_site))
        page.wait_for_selector(".hb-run-button:not([hidden])")
        page.clock.pause_at(T0)
        return page

    yield opener
    for context in contexts:
        context.close()
    assert not foreign, f"requests left the machine: {foreign}"
    assert not errors, f"script errors: {errors}"


MATRIX = [(lang, where, vp) for lang in ("zh", "en") for where in ("served", "disk") for vp in ("desktop", "phone")]
IDS = [f"{lang}-{where}-{vp}" for lang, where, vp in MATRIX]


def _hm(page: Page, ms_offset: int) -> str:
    """How the page writes the start of its run + offset: HH:MM:SS in the browser's zone."""
    return page.evaluate(
        """off => {
        const runs = JSON.parse(localStorage.getItem('hb-runs-v1'));
        return new Date(runs[0].started + off).toTimeString().slice(0, 8);
    }""",
        ms_offset,
    )


@pytest.mark.parametrize("lang, where, viewport", MATRIX, ids=IDS)
def test_first_screen_shows_a_tel_link(open_lift, lang, where, viewport) -> None:
    page = open_lift(lang, where, viewport)
    link = page.locator('.hb-first-call a[href^="tel:"]').first
    box = link.bounding_box()
    assert box is not None and box["y"] + box["height"] <= VIEWPORTS[viewport]["height"], box
    assert box["height"] >= 44, "a touch target"
    flag = page.locator(".hb-template-flag").bounding_box()
    assert flag is not None and flag["y"] < box["y"], "the template mark sits above the steps and numbers"
    steps = page.locator("ol.hb-steps").first.bounding_box()
    assert steps is not None and steps["y"] > box["y"], "the numbers come before the steps"


@pytest.mark.parametrize("lang, where, viewport", MATRIX, ids=IDS)
def test_a_run_keeps_its_ticks_and_times_over_a_reload(open_lift, lang, where, viewport) -> None:
    page = open_lift(lang, where, viewport)
    page.click(".hb-run-button")
    page.fill(".hb-run-name input", "张三" if lang == "zh" else "Li Na")
    page.clock.fast_forward(20_000)
    page.check("#step-reassure input")
    page.clock.fast_forward(100_000)
    page.check("#step-call-lift-company input")
    page.reload()
    page.wait_for_selector(".hb-run-bar:not([hidden])")
    for step, at in (("reassure", 20_000), ("call-lift-company", 120_000)):
        assert page.is_checked(f"#step-{step} input"), step
        info = page.locator(f"#step-{step} .hb-run-step").inner_text()
        assert _hm(page, at) in info and ("张三" in info or "Li Na" in info), info
    assert not page.is_checked("#step-at-the-lift input")


@pytest.mark.parametrize("lang, where", [("zh", "served"), ("en", "disk")])
def test_a_step_past_its_limit_is_marked_and_the_rung_due_is_shown(open_lift, lang, where) -> None:
    page = open_lift(lang, where, "phone")
    page.click(".hb-run-button")
    page.check("#step-reassure input")
    page.clock.fast_forward("00:30")
    assert "hb-overdue" not in (page.get_attribute("#step-unwell-120", "class") or "")
    page.clock.fast_forward("03:30")  # four minutes in: the 1-minute and 3-minute steps are late
    assert "hb-overdue" in (page.get_attribute("#step-unwell-120", "class") or "")
    assert "hb-overdue" in (page.get_attribute("#step-call-lift-company", "class") or "")
    assert "hb-overdue" not in (page.get_attribute("#step-reassure", "class") or ""), "ticked in time"
    assert "hb-overdue" not in (page.get_attribute("#step-at-the-lift", "class") or ""), "5 minutes not reached"
    assert "hb-rung-due" in (page.get_attribute("#rung-reported", "class") or "")
    due = page.locator("[data-hb-due]").inner_text()
    assert ("前台调度主管" if lang == "zh" else "Front Desk Dispatch Supervisor") in due
    page.clock.fast_forward("27:00")  # 31 minutes: the lift rescue line is due, with its number
    assert "hb-rung-due" in (page.get_attribute("#rung-thirty-minutes", "class") or "")
    assert page.locator('[data-hb-due] a[href="tel:96333"]').count() == 1


@pytest.mark.parametrize("lang, where", [("zh", "disk"), ("en", "served")])
def test_the_incident_record_prints_on_a4_with_every_tick(open_lift, lang, where, tmp_path: Path) -> None:
    page = open_lift(lang, where, "desktop")
    page.click(".hb-run-button")
    name = "王五" if lang == "zh" else "Wang Wu"
    page.fill(".hb-run-name input", name)
    ticks = {"reassure": 30_000, "unwell-120": 50_000, "call-lift-company": 170_000}
    elapsed = 0
    for step, at in ticks.items():
        page.clock.fast_forward(at - elapsed)
        elapsed = at
        page.check(f"#step-{step} input")
    page.fill(".hb-run-notes textarea", "维保 20 分钟到场" if lang == "zh" else "technician on site after 20 min")
    page.clock.fast_forward(600_000)
    page.click(".hb-run-end")
    page.wait_for_selector("#hb-record")
    out = tmp_path / "record.pdf"
    page.pdf(path=str(out), prefer_css_page_size=True, print_background=True)
    from pypdf import PdfReader

    reader = PdfReader(str(out))
    for p in reader.pages:
        w, h = float(p.mediabox.width), float(p.mediabox.height)
        assert abs(w - 595.3) < 2 and abs(h - 841.9) < 2, (w, h)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for step, at in ticks.items():
        assert _hm(page, at) in text, (step, _hm(page, at))
    flat = re.sub(
        r"\s+", "", subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    )
    assert flat.count(re.sub(r"\s+", "", name)) >= len(ticks), flat  # a narrow column may wrap a name
    assert ("事件记录" if lang == "zh" else "Incident record") in text
    assert ("维保 20 分钟到场" if lang == "zh" else "technician on site") in re.sub(r"\s+", " ", text)
    assert "hb-run-bar" not in text and ("开始处置并计时" not in text and "Start the response" not in text), (
        "only the record is printed"
    )
    # After the record the page has no run open; the record stays listed.
    page.click(".hb-record-close")
    assert page.locator(".hb-run-bar").is_hidden()
    assert page.locator(".hb-run-recent button.hb-run-view").count() == 1


def test_several_runs_can_be_open(open_lift) -> None:
    page = open_lift("zh", "served", "desktop")
    page.click(".hb-run-button")
    page.check("#step-reassure input")
    page.clock.fast_forward("05:00")
    page.click(".hb-run-button")  # a second lift stuck: another run
    assert not page.is_checked("#step-reassure input"), "the new run starts with no ticks"
    runs = page.evaluate("JSON.parse(localStorage.getItem('hb-runs-v1'))")
    assert len([r for r in runs if not r["ended"]]) == 2
    page.click(".hb-run-bar .hb-run-switch")
    assert page.is_checked("#step-reassure input"), "back on the first run, its tick is there"
