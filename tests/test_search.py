"""The staff search in headless Chromium: a query set in both languages, served from a
sub-path and opened from disk (the offline copy), on a desktop and a phone.

Each query names the page it must bring up among the first three result pages (and, for
a duty, the duty's anchor); no result of a staff query is a maintainer page.  The English
stemmer of search.js is checked against generator/search.py on every word of the index.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from support import chromium_or_skip

chromium_or_skip()  # skip here without a browser, fail in CI; conftest's `browser` launches it

from playwright.sync_api import Page  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: (query, the page expected among the first three result pages, an anchor it must carry or "").
QUERIES = {
    "zh": [
        ("电梯", "procedures/lift-entrapment", ""),  # a single word
        ("升降梯", "procedures/lift-entrapment", ""),  # a glossary synonym
        ("前台调度员", "roles/front-desk-dispatcher", ""),  # a post's name
        ("突然停水停电", "procedures/water-or-power-cut", ""),  # a procedure
        ("火警", "procedures/fire-alarm", ""),
        ("谁审批装修", "roles/customer-service-supervisor", "authorities"),  # a question: who may approve
        ("物业费催缴", "roles/fee-collection-supervisor", ""),  # 物业费 ↔ 管理费 (glossary)
        ("钥匙交接", "roles/customer-service-supervisor", "duty-monthly-report"),  # a duty's words
        ("回访 服务对象", "roles/front-desk-dispatcher", "duty-follow-up-calls"),
        ("电梯困人怎么办", "procedures/lift-entrapment", ""),  # a question
    ],
    "en": [
        ("evacuate", "procedures/fire-alarm", ""),  # inflected: the pages say evacuation
        ("fees", "roles/fee-collection-officer", ""),
        ("elevator", "procedures/lift-entrapment", ""),  # a glossary synonym of lift
        ("Front Desk Dispatcher", "roles/front-desk-dispatcher", ""),  # a post's name
        ("people trapped in a lift", "procedures/lift-entrapment", ""),  # a phrase
        ("who may approve renovation", "roles/customer-service-supervisor", "authorities"),
        ("who approves renovation works applications", "roles/customer-service-supervisor", "authorities"),
        ("key handover", "roles/customer-service-supervisor", "duty-monthly-report"),  # a duty's words
        ("follow-up call to the person served", "roles/front-desk-dispatcher", "duty-follow-up-calls"),
        ("overdue management fees", "roles/fee-collection-supervisor", ""),
        ("sudden power cut", "procedures/water-or-power-cut", ""),
    ],
}
#: Queries whose words are on maintainer pages (check codes, the benchmark): staff get none of them.
MAINTAINER_WORDS = {"zh": ["重复的键", "基准测试", "E102"], "en": ["key written twice", "benchmark", "E102", "W901"]}


# `server` (conftest): the built site served from /intranet/handbook/ on loopback.


def _context(browser, **kwargs):
    """A page whose requests may only go to loopback or file://; it records what it loads."""
    context = browser.new_context(**kwargs)
    foreign: list[str] = []
    requested: list[str] = []

    def guard(route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("file", "data", "blob", "about") or parts.hostname in ("127.0.0.1", "localhost"):
            requested.append(url)
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, foreign, requested, errors


@pytest.fixture
def desk(browser):
    context, page, foreign, requested, errors = _context(browser, viewport={"width": 1280, "height": 900})
    page.requested = requested
    yield page
    context.close()
    assert not foreign, f"requests left loopback: {foreign}"
    assert not errors, f"script errors: {errors}"


def search(page: Page, query: str) -> list[list[str]]:
    """Type a query; return the result groups, best first, each as its links (page#anchor)."""
    page.evaluate("document.documentElement.removeAttribute('data-hb-search')")
    box = page.locator("input.md-search__input")
    viewport = page.viewport_size
    assert viewport is not None  # every context here sets one
    if viewport["width"] < 960:
        # One tap on the header's search button opens the box; a second tap right after it, on
        # the box, would be a double tap, which a phone answers by zooming in.
        page.locator("label.md-header__button[for=__search]").first.click()
        box.wait_for(state="visible")
    else:
        box.click()
    box.fill(query)
    page.wait_for_function("document.documentElement.getAttribute('data-hb-search') === 'done'", timeout=20000)
    return page.eval_on_selector_all(
        ".md-search-result__item",
        "items => items.map(li => Array.from(li.querySelectorAll('a.md-search-result__link')).map(a => a.href))",
    )


def _relative(link: str, base: str, offline: bool) -> str:
    """A result link as "page#anchor", relative to the language's root, without .html or /."""
    assert link.startswith(base), f"{link} is not under {base}"
    rest = link[len(base) :]
    page, _, anchor = rest.partition("#")
    page = re.sub(r"(/index)?\.html$", "", page) if offline else page.rstrip("/")
    return f"{page}#{anchor}" if anchor else page


def _check(groups: list[list[str]], base: str, offline: bool, query: str, expected: str, anchor: str) -> None:
    top = [[_relative(link, base, offline) for link in group] for group in groups[:3]]
    pages = {link.split("#")[0] for group in top for link in group}
    assert expected in pages, f"{query!r}: {expected} not in the first three results {top}"
    if anchor:
        assert any(f"{expected}#{anchor}" in group for group in top), (
            f"{query!r}: no link to {expected}#{anchor} in {top}"
        )
    for group in groups:
        for link in group:
            rel = _relative(link, base, offline)
            assert not rel.startswith(("maintainers", "reference")), f"{query!r} returned a maintainer page: {rel}"


def _lang_root(lang: str) -> str:
    return "" if lang == "zh" else "en/"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_query_set_finds_the_right_pages_served_from_a_sub_path(desk: Page, server: str, lang: str) -> None:
    base = server + _lang_root(lang)
    desk.goto(base + "guides/using-the-handbook/")
    for query, expected, anchor in QUERIES[lang]:
        _check(search(desk, query), base, False, query, expected, anchor)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_query_set_finds_the_right_pages_in_the_offline_copy(browser, offline_site, lang: str) -> None:
    context, page, foreign, _, errors = _context(browser, viewport={"width": 1280, "height": 900})
    try:
        base = offline_site.site.resolve().as_uri() + "/" + _lang_root(lang)
        page.goto(base + "roles/front-desk-dispatcher.html")
        for query, expected, anchor in QUERIES[lang]:
            _check(search(page, query), base, True, query, expected, anchor)
        # A result opens its page from disk.
        groups = search(page, QUERIES[lang][0][0])
        page.goto(groups[0][0])
        assert page.locator("h1").first.is_visible()
    finally:
        context.close()
    assert not foreign and not errors, (foreign, errors)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_staff_search_shows_no_maintainer_page_and_no_editors_note(
    desk: Page, server: str, built_site, lang: str
) -> None:
    base = server + _lang_root(lang)
    desk.goto(base)
    for query in MAINTAINER_WORDS[lang]:
        groups = search(desk, query)
        for group in groups:
            for link in group:
                rel = _relative(link, base, False)
                assert not rel.startswith(("maintainers", "reference")), f"{query!r}: {rel}"
    # A duty with an editor's note: its result shows the duty, not the note.
    role = built_site.book.roles["front-desk-dispatcher"]
    duty = next(d for d in role.duties if d.note)
    note = getattr(duty.note, lang)
    words = getattr(duty.text, lang)
    if lang == "zh":
        first_run = re.match(r"[\u4e00-\u9fff]+", words)
        assert first_run, words
        query = first_run.group(0)[:8]
    else:
        query = " ".join(re.findall(r"[A-Za-z]{5,}", words)[:4])
    search(desk, query)
    shown = desk.locator(".hb-search-result").inner_text()
    assert getattr(duty.text, lang)[:6] in shown.replace("\n", "")
    assert note[:12] not in shown, f"the editor's note is in the results: {note[:12]}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_maintainer_pages_search_the_maintainer_pages(desk: Page, server: str, lang: str) -> None:
    """On a maintainer page the box searches the maintainer guide (its own index): a check
    code is found there, and no staff page is mixed in."""
    base = server + _lang_root(lang)
    desk.goto(base + "maintainers/checks/")
    groups = search(desk, "E102")
    top = [_relative(link, base, False) for link in groups[0]]
    assert top[0].startswith("maintainers/checks"), top
    assert any(link.startswith("maintainers/checks#e102") for link in top), top
    for group in groups:
        for link in group:
            assert _relative(link, base, False).startswith(("maintainers", "reference")), link


def test_nothing_of_the_index_loads_before_the_search_box_is_used(desk: Page, server: str) -> None:
    desk.goto(server + "roles/front-desk-dispatcher/")
    desk.wait_for_load_state("networkidle")
    before = [u for u in desk.requested if "/search/" in u or "search_index" in u]  # type: ignore[attr-defined]
    assert not before, f"loaded before any search: {before}"
    search(desk, "电梯")
    after = [u for u in desk.requested if "/search/" in u]  # type: ignore[attr-defined]
    assert any(u.endswith("/search/meta.js") for u in after)
    assert not any("search_index" in u for u in desk.requested), "Material's index was downloaded"  # type: ignore[attr-defined]
    assert all(u.startswith(server + "search/") for u in after), after


def test_the_browser_stems_as_the_index_does(desk: Page, server: str, built_site) -> None:
    """search.js and generator/search.py agree on every English word of the pages."""
    from generator.search import read_index, stem

    index = read_index(built_site.site / "en" / "search")
    words = sorted({w for r in index["records"] for w in re.findall(r"[A-Za-z][A-Za-z']*", f"{r[2]} {r[3]}")})
    words += [
        "evacuate",
        "evacuation",
        "evacuated",
        "fees",
        "fee",
        "trapped",
        "approves",
        "approval",
        "lifts",
        "elevators",
    ]
    desk.goto(server + "en/")
    search(desk, "fee")  # loads meta.js, which carries the rules
    browser_stems = desk.evaluate("ws => ws.map(w => window.__hbSearch.stem(w))", words)
    differ = [(w, b, stem(w)) for w, b in zip(words, browser_stems, strict=True) if b != stem(w)]
    assert len(words) > 200 and not differ, differ[:20]
    assert stem("evacuate") == stem("evacuation") == stem("evacuated") and stem("fees") == stem("fee")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_search_on_a_phone(browser, server: str, lang: str, tmp_path: Path) -> None:
    context, page, foreign, _, errors = _context(
        browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        page.goto(server + _lang_root(lang))
        query, expected, _ = QUERIES[lang][0]
        groups = search(page, query)
        _check(groups, server + _lang_root(lang), False, query, expected, "")
        first = page.locator(".md-search-result__item").first
        assert first.is_visible()
        # The layout fits the phone: the first result lies within the page's 390 px width, measured
        # in CSS pixels of the layout (getBoundingClientRect), which a browser's zoom into the
        # focused search box (Chromium's mobile emulation does that now and then) does not change.
        rect = page.evaluate(
            """() => {
                const r = document.querySelector('.md-search-result__item').getBoundingClientRect();
                return {left: r.left, right: r.right, width: document.documentElement.clientWidth};
            }"""
        )
        if rect["right"] > 391:
            rect["wide"] = page.evaluate(
                """() => Array.from(document.querySelectorAll('.md-search-result__item *'))
                    .filter(e => e.getBoundingClientRect().width > 400)
                    .slice(-3)
                    .map(e => e.tagName + '.' + e.className + ' ' + getComputedStyle(e).whiteSpace + ' '
                        + e.getBoundingClientRect().width + ' ' + (e.textContent || '').slice(0, 60))"""
            )
        assert rect["width"] == 390 and rect["left"] >= 0 and rect["right"] <= 390 + 1, rect
        page.screenshot(path=str(tmp_path / f"phone-{lang}.png"))
    finally:
        context.close()
    assert not foreign and not errors, (foreign, errors)
